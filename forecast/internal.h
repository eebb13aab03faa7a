/*
 * internal.h - what greenslot's combined model (combine.c) shares with its
 * components (smooth.c, regress.c), and the runtime model's XGBoost
 * loader (xgb.c); not part of the module's API.
 *
 * Everything works on one regular grid of the values known before the
 * issue time and on a set of origins: the issue time itself (origin 0)
 * and the same time of day 1, 2, ... days before.  A component fills
 * pred[k * n + i], its forecast from origin k of the point at
 * origin_k + off[i], using only what was known at origin k, or NAN.
 */
#ifndef GREENSLOT_FORECAST_INTERNAL_H
#define GREENSLOT_FORECAST_INTERNAL_H

#include "forecast/forecast.h"

#define FC_DAY 86400

struct fc_ctx {
	const struct fc_weather *weather; /* may be NULL */
	gs_time issued;
	int64_t step;     /* grid step; divides a day */
	size_t spd;       /* steps per day */
	gs_time g0;       /* time of y[0] */
	size_t ng;        /* grid points before `issued` */
	double *y;        /* known value at g0 + j * step, or NAN */
	size_t n;         /* points per forecast */
	int64_t *off;     /* their times less the origin's */
	size_t norig;     /* origins 0..norig-1 */
	size_t ncalib;    /* origins 1..ncalib score the components */
	const double *smooth; /* the smoothing forecasts, or NULL */
	double *mix[FC_MAX_MIX]; /* generation grids like y, or NULL */
	size_t nmix;
};

/* Origin k: the issue time k days earlier. */
static inline gs_time fc_origin(const struct fc_ctx *c, size_t k)
{
	return c->issued - (gs_time)k * FC_DAY;
}

/* Grid index of the point in force at time u, or -1 outside the grid. */
long fc_grid_index(const struct fc_ctx *c, gs_time u);
/* The known value at u (before `before`), or NAN. */
double fc_grid_value(const struct fc_ctx *c, gs_time u, gs_time before);
/* The seasonal naive forecast of t issued at p: NAN if none. */
double fc_grid_snaive(const struct fc_ctx *c, gs_time p, gs_time t);

/* First index in [lo, hi) of sorted t with t[i] >= x (hi if none). */
size_t fc_time_lower(const gs_time *t, size_t lo, size_t hi, gs_time x);

#define FC_CALIB_MIN 20 /* fewer past errors than this: pool all leads */

void fc_add_warning(struct fc_result *r, const char *fmt, ...)
	GS_PRINTF(2, 3);
/* Interval of point i from n sorted errors (actual - forecast). */
void fc_set_interval(struct fc_result *r, size_t i, const double *sorted,
		     size_t n, bool nonnegative);
/* dst gets src's grid (issued, step, times), no values yet. */
void fc_result_copy_grid(struct fc_result *dst, const struct fc_result *src);

/* Components: 0 when they ran (pred filled, NAN where they could not). */
int fc_smoothing(const struct fc_ctx *c, double *pred);
int fc_regression(const struct fc_ctx *c, double *pred);
/* The regression's twin in levels with a 21-day half-life (regress.c). */
int fc_regression_levels(const struct fc_ctx *c, double *pred);

/*
 * XGBoost's C API for the runtime model (runtime-model.c), opened on
 * first use (xgb.c): each member is the function of the same name.
 */
#include <xgboost/c_api.h>
struct xgb {
	void *dl;
	__typeof__(XGBGetLastError) *XGBGetLastError;
	__typeof__(XGDMatrixCreateFromMat) *XGDMatrixCreateFromMat;
	__typeof__(XGDMatrixSetFloatInfo) *XGDMatrixSetFloatInfo;
	__typeof__(XGDMatrixFree) *XGDMatrixFree;
	__typeof__(XGBoosterCreate) *XGBoosterCreate;
	__typeof__(XGBoosterFree) *XGBoosterFree;
	__typeof__(XGBoosterSetParam) *XGBoosterSetParam;
	__typeof__(XGBoosterUpdateOneIter) *XGBoosterUpdateOneIter;
	__typeof__(XGBoosterBoostOneIter) *XGBoosterBoostOneIter;
	__typeof__(XGBoosterPredict) *XGBoosterPredict;
	__typeof__(XGBoosterSaveModelToBuffer) *XGBoosterSaveModelToBuffer;
	__typeof__(XGBoosterLoadModelFromBuffer) *XGBoosterLoadModelFromBuffer;
};
/* *out gets the API (xgb_close() it), or -1 with why it cannot load. */
int xgb_open(struct xgb **out, struct errmsg *err);
void xgb_close(struct xgb *x);

#endif
