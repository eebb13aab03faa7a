/*
 * xgb.c - XGBoost's C API, opened with dlopen() when a runtime model is
 * first needed.
 *
 * libxgboost brings libstdc++, libgomp and dmlc along, and their
 * initialisers would run at every start of greenslot (cron's ingest
 * included: 3 ms natively, half a second under valgrind) though only
 * train, predict and solve's predicted runtimes use them.  The header
 * still gives the functions' types, so every call stays type-checked.
 * RTLD_NODELETE keeps the library mapped after xgb_close(): unloading
 * C++ and OpenMP runtimes while their threads may linger is not safe.
 */
#include "forecast/internal.h"

#include <dlfcn.h>

/* Debian's soname first, then the development symlink of other systems. */
static const char *const xgb_libs[] = {"libxgboost.so.0", "libxgboost.so"};

#define XGB_SYM(name) {#name, offsetof(struct xgb, name)}
static const struct {
	const char *name;
	size_t off;
} xgb_syms[] = {
	XGB_SYM(XGBGetLastError),
	XGB_SYM(XGDMatrixCreateFromMat),
	XGB_SYM(XGDMatrixSetFloatInfo),
	XGB_SYM(XGDMatrixFree),
	XGB_SYM(XGBoosterCreate),
	XGB_SYM(XGBoosterFree),
	XGB_SYM(XGBoosterSetParam),
	XGB_SYM(XGBoosterUpdateOneIter),
	XGB_SYM(XGBoosterBoostOneIter),
	XGB_SYM(XGBoosterPredict),
	XGB_SYM(XGBoosterSaveModelToBuffer),
	XGB_SYM(XGBoosterLoadModelFromBuffer),
};

static int open_lib(struct xgb *x, struct errmsg *err)
{
	const char *why = "";

	for (size_t i = 0; i < sizeof(xgb_libs) / sizeof(xgb_libs[0]); i++) {
		x->dl = dlopen(xgb_libs[i], RTLD_NOW | RTLD_LOCAL |
						    RTLD_NODELETE);
		if (x->dl)
			return 0;
		why = dlerror();
	}
	return err_set(err, "runtime models need XGBoost, which cannot be "
		       "loaded (%s); install it (Debian: apt-get install "
		       "libxgboost0)", why ? why : "not found");
}

int xgb_open(struct xgb **out, struct errmsg *err)
{
	struct xgb *x = xcalloc(1, sizeof(*x));

	if (open_lib(x, err) < 0) {
		free(x);
		return -1;
	}
	for (size_t i = 0; i < sizeof(xgb_syms) / sizeof(xgb_syms[0]); i++) {
		void *f = dlsym(x->dl, xgb_syms[i].name);
		if (!f) {
			xgb_close(x);
			return err_set(err, "XGBoost library lacks %s: "
				       "greenslot needs XGBoost 1.7 or newer",
				       xgb_syms[i].name);
		}
		/* POSIX: a function pointer converts from dlsym()'s void *
		   through its object representation */
		memcpy((char *)x + xgb_syms[i].off, &f, sizeof(f));
	}
	*out = x;
	return 0;
}

void xgb_close(struct xgb *x)
{
	if (!x)
		return;
	if (x->dl)
		dlclose(x->dl);
	free(x);
}
