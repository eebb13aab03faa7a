/*
 * runtime-model.c - the runtime model: XGBoost trees on the features of
 * runtime.c, split-conformal quantiles, training, and its store row.
 *
 * The boosted model fits a nearly-L1 loss in log space (pseudo-Huber with
 * a small slope), so f(x) estimates about the median of log(runtime per
 * unit) and exp(f(x)) the median runtime: the P50.  Other quantiles add
 * the empirical quantile of residuals y - f(x) on runs the fit never saw
 * (the last 20% by submit time): the ceil((n + 1) q)-th smallest, the
 * split-conformal rule that covers a fraction q of new runs as long as
 * they resemble those.
 */
#include "forecast/internal.h"

#include <jansson.h>
#include <math.h>

const double rt_quantiles[RT_NQ] = {0.5, 0.8, 0.9, 0.95, 0.99};

#define RT_MODEL_NAME "runtime"
#define RT_HOLDOUT 0.2

struct xgb_param {
	const char *name, *value;
};

/*
 * Boosted: pseudo-Huber loss in log space with a small slope (0.05), from
 * the base margin.  Runtimes in HPC logs are multi-modal (a user's job
 * either runs its usual time or dies early); a small slope makes the
 * loss nearly L1 beyond 5% and lets far-off runs pull little, so the
 * prediction stays on the mode near the user's recent runs instead of
 * between modes.  On the KTH SP2 log that halved the median percentage
 * error of squared or absolute error (see README).
 *
 * The gradients are ours (huber_grads()), not XGBoost's
 * reg:pseudohubererror: its Newton step uses the loss's true curvature,
 * (1 + (r/slope)^2)^-1.5, which vanishes far from the margin, so rows
 * far from their starting guess could never be corrected.  In our units a
 * row at the margin weighs 1 and one r away slope/|r|: min_child_weight 1
 * lets a leaf hold one close row or a few far ones (3 left far rows
 * half-corrected; 36.7% MdAPE on KTH SP2 against 37.7%).
 */
static const struct xgb_param boosted_params[] = {
	{"objective", "reg:squarederror"},
	{"tree_method", "hist"}, {"max_depth", "6"}, {"eta", "0.08"},
	{"subsample", "0.8"}, {"colsample_bytree", "0.8"},
	{"min_child_weight", "1"},
	{"nthread", "1"}, {"seed", "1"}, {"verbosity", "0"},
	{NULL, NULL},
};
#define HUBER_SLOPE 0.05
#define BOOSTED_ROUNDS 200

/*
 * The random forest baseline: 100 deep trees in one round, eta 1, on
 * bootstrap-sized subsamples, half the features per node, squared error
 * in log space and no base margin (a plain forest, as commonly used).
 */
static const struct xgb_param forest_params[] = {
	{"objective", "reg:squarederror"}, {"tree_method", "hist"},
	{"num_parallel_tree", "100"}, {"max_depth", "15"}, {"eta", "1"},
	{"subsample", "0.63"}, {"colsample_bynode", "0.5"},
	{"min_child_weight", "1"}, {"lambda", "0"},
	{"nthread", "1"}, {"seed", "1"}, {"verbosity", "0"},
	{NULL, NULL},
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	if (!n)
		return (double)NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The median of v, which is left as it was. */
static double median_of(const double *v, size_t n)
{
	double *c = xmalloc(st_mult(n + 1, sizeof(double))), md;

	memcpy(c, v, n * sizeof(double));
	md = median(c, n);
	free(c);
	return md;
}

static int xgb_fail(const struct xgb *x, struct errmsg *err,
		    const char *what)
{
	return err_set(err, "xgboost: %s: %s", what, x->XGBGetLastError());
}

/* Opens XGBoost for m unless it is open already. */
static int need_xgb(struct rt_model *m, struct errmsg *err)
{
	return m->xgb ? 0 : xgb_open(&m->xgb, err);
}

void rt_model_init(struct rt_model *m)
{
	memset(m, 0, sizeof(*m));
}

void rt_model_release(struct rt_model *m)
{
	if (m->booster)
		m->xgb->XGBoosterFree(m->booster);
	xgb_close(m->xgb);
	free(m->metrics);
	memset(m, 0, sizeof(*m));
}

/*
 * Where the trees start from: the user's recent runs (the mean runtime
 * per unit of their last two), else the requested time, else the median
 * target of the training runs (`fallback`).  The trees then learn corrections to the baseline that is
 * already good in HPC logs, instead of rebuilding an identity function
 * from piecewise constants.
 */
static float base_margin(const float *x, double fallback)
{
	if (!isnan(x[RTF_U_LAST2]))
		return x[RTF_U_LAST2];
	if (!isnan(x[RTF_REQ]))
		return x[RTF_REQ];
	return (float)fallback;
}

static int set_floats(const struct xgb *x, DMatrixHandle dm,
		      const char *field, const float *X, const double *y,
		      size_t n, double fallback, struct errmsg *err)
{
	float *v = xmalloc(st_mult(n ? n : 1, sizeof(float)));
	int rc;

	for (size_t i = 0; i < n; i++)
		v[i] = y ? (float)y[i] : base_margin(&X[i * RTF_N], fallback);
	rc = x->XGDMatrixSetFloatInfo(dm, field, v, n);
	free(v);
	if (rc)
		return xgb_fail(x, err, field);
	return 0;
}

/* A matrix of n rows; with a margin when m is boosted. */
static int make_dmatrix(const struct rt_model *m, const float *X,
			const double *y, size_t n, DMatrixHandle *dm,
			struct errmsg *err)
{
	const struct xgb *x = m->xgb;

	if (x->XGDMatrixCreateFromMat(X, n, RTF_N, NAN, dm))
		return xgb_fail(x, err, "cannot build a matrix");
	if ((m->kind == RT_BOOSTED &&
	     set_floats(x, *dm, "base_margin", X, NULL, n, m->fallback,
			err) < 0) ||
	    (y && set_floats(x, *dm, "label", X, y, n, 0, err) < 0)) {
		x->XGDMatrixFree(*dm);
		return -1;
	}
	return 0;
}

/*
 * Gradient and curvature of the pseudo-Huber loss at margins f for labels
 * y, in units of the slope: g = -r c, h = c with c = (1 + (r/slope)^2)^-0.5
 * and r = y - f.  h is the curvature of the quadratic that majorizes the
 * loss at r (the IRLS weight), so a Newton step moves a leaf to a
 * c-weighted mean of its residuals however far they are, where the true
 * curvature c^3 would make far rows weigh nothing.
 */
static void huber_grads(const float *f, const double *y, size_t n,
			float *g, float *h)
{
	for (size_t i = 0; i < n; i++) {
		double r = y[i] - (double)f[i];
		double c = 1 / sqrt(1 + (r / HUBER_SLOPE) * (r / HUBER_SLOPE));
		g[i] = (float)(-r * c);
		h[i] = (float)c;
	}
}

/* The boosting rounds on our gradients; the margins include base_margin. */
static int boost_huber(const struct xgb *x, BoosterHandle b,
		       DMatrixHandle dm, const double *y, size_t n,
		       struct errmsg *err)
{
	float *g = xmalloc(st_mult(n, sizeof(float)));
	float *h = xmalloc(st_mult(n, sizeof(float)));
	int ret = 0;

	for (int i = 0; i < BOOSTED_ROUNDS && !ret; i++) {
		bst_ulong len;
		const float *f;
		if (x->XGBoosterPredict(b, dm, 1, 0, 1, &len, &f) || len != n) {
			ret = xgb_fail(x, err, "cannot train");
			break;
		}
		huber_grads(f, y, n, g, h);
		if (x->XGBoosterBoostOneIter(b, dm, g, h, n))
			ret = xgb_fail(x, err, "cannot train");
	}
	free(g);
	free(h);
	return ret;
}

static int boost(const struct xgb *x, BoosterHandle b, DMatrixHandle dm,
		 enum rt_kind kind, const double *y, size_t n,
		 struct errmsg *err)
{
	const struct xgb_param *p =
		kind == RT_FOREST ? forest_params : boosted_params;

	for (; p->name; p++)
		if (x->XGBoosterSetParam(b, p->name, p->value))
			return xgb_fail(x, err, p->name);
	if (kind == RT_BOOSTED)
		return boost_huber(x, b, dm, y, n, err);
	if (x->XGBoosterUpdateOneIter(b, 0, dm))
		return xgb_fail(x, err, "cannot train");
	return 0;
}

int rt_model_fit(struct rt_model *m, enum rt_kind kind, const float *X,
		 const double *y, size_t n, struct errmsg *err)
{
	const struct xgb *x;
	DMatrixHandle dm;
	BoosterHandle b;
	int ret;

	if (n < 2)
		return err_set(err, "too few usable runs to train on (%zu)", n);
	if (need_xgb(m, err) < 0)
		return -1;
	x = m->xgb;
	m->kind = kind;
	m->fallback = median_of(y, n);
	if (make_dmatrix(m, X, y, n, &dm, err) < 0)
		return -1;
	if (x->XGBoosterCreate(&dm, 1, &b)) {
		x->XGDMatrixFree(dm);
		return xgb_fail(x, err, "cannot create a booster");
	}
	ret = boost(x, b, dm, kind, y, n, err);
	x->XGDMatrixFree(dm);
	if (ret < 0) {
		x->XGBoosterFree(b);
		return -1;
	}
	if (m->booster)
		x->XGBoosterFree(m->booster);
	m->booster = b;
	return 0;
}

int rt_model_predict(const struct rt_model *m, const float *X, size_t n,
		     double *yhat, struct errmsg *err)
{
	const struct xgb *x;
	DMatrixHandle dm;
	bst_ulong len;
	const float *out;

	if (!n)
		return 0;
	if (!m->booster)
		return err_set(err, "no runtime model to predict with");
	x = m->xgb;
	if (make_dmatrix(m, X, NULL, n, &dm, err) < 0)
		return -1;
	if (x->XGBoosterPredict(m->booster, dm, 0, 0, 0, &len, &out)) {
		x->XGDMatrixFree(dm);
		return xgb_fail(x, err, "cannot predict");
	}
	for (size_t i = 0; i < n && i < len; i++)
		yhat[i] = (double)out[i];
	x->XGDMatrixFree(dm);
	return len == n ? 0 : err_set(err, "xgboost: %llu predictions for "
				      "%zu rows", (unsigned long long)len, n);
}

bool rt_quantile_known(double q)
{
	for (int i = 0; i < RT_NQ; i++)
		if (fabs(rt_quantiles[i] - q) < 1e-9)
			return true;
	return false;
}

int rt_model_offset(const struct rt_model *m, double q, double *offset)
{
	for (int i = 0; i < RT_NQ; i++)
		if (fabs(rt_quantiles[i] - q) < 1e-9) {
			*offset = m->offset[i];
			return 0;
		}
	return -1;
}

/* The split-conformal quantile: the ceil((n+1)q)-th smallest of n. */
static double conformal(const double *sorted, size_t n, double q)
{
	size_t k = (size_t)ceil((double)(n + 1) * q);
	if (k < 1)
		k = 1;
	return sorted[(k > n ? n : k) - 1];
}

/*
 * Rows of runs, in the order given: the usable runs (training), or the
 * censored ones: stopped for another reason (failed, cancelled...) after
 * a known time, a lower bound of the runtime they wanted.
 */
struct rows {
	float *X;
	double *y, *qty;
	size_t *run; /* index of the row's run */
	size_t n;
};

static bool censored(const struct job_run *r)
{
	return isfinite(r->runtime_s) && r->runtime_s >= 0 && !rt_usable(r);
}

static void rows_from(struct rows *r, const struct job_run *runs,
		      const float *Xall, size_t from, size_t to, bool cens)
{
	memset(r, 0, sizeof(*r));
	r->X = xmalloc(st_mult(st_mult(to - from + 1, RTF_N), sizeof(float)));
	r->y = xmalloc(st_mult(to - from + 1, sizeof(double)));
	r->qty = xmalloc(st_mult(to - from + 1, sizeof(double)));
	r->run = xmalloc(st_mult(to - from + 1, sizeof(size_t)));
	for (size_t i = from; i < to; i++) {
		if (cens ? !censored(&runs[i]) : !rt_usable(&runs[i]))
			continue;
		memcpy(&r->X[r->n * RTF_N], &Xall[i * RTF_N],
		       RTF_N * sizeof(float));
		r->y[r->n] = rt_target(&runs[i]);
		r->qty[r->n] = isfinite(runs[i].quantity) &&
					       runs[i].quantity > 0
				       ? runs[i].quantity : 1;
		r->run[r->n] = i;
		r->n++;
	}
}

/* The rows of r from row k on, sharing r's arrays. */
static struct rows rows_tail(const struct rows *r, size_t k)
{
	return (struct rows){r->X + k * RTF_N, r->y + k, r->qty + k,
			     r->run + k, r->n - k};
}

/* The rows of r whose run comes at or after run `from`. */
static struct rows rows_since(const struct rows *r, size_t from)
{
	size_t k = 0;

	while (k < r->n && r->run[k] < from)
		k++;
	return rows_tail(r, k);
}

static void rows_release(struct rows *r)
{
	free(r->X);
	free(r->y);
	free(r->qty);
	free(r->run);
}

/* exp(f(x) + offset) * quantity for each row: runtimes in seconds. */
static int predict_seconds(const struct rt_model *m, const struct rows *r,
			   double offset, double *out, struct errmsg *err)
{
	if (rt_model_predict(m, r->X, r->n, out, err) < 0)
		return -1;
	for (size_t i = 0; i < r->n; i++)
		out[i] = exp(out[i] + offset) * r->qty[i];
	return 0;
}

/*
 * How many rows' runtimes are at most p.  For censored rows the runtime
 * is a lower bound: one above p is a definite miss, one below counts as
 * covered (it may have wanted more), so coverage counted so is an upper
 * bound of the truth.
 */
static size_t covered(const double *p, const struct rows *r)
{
	size_t in = 0;
	for (size_t i = 0; i < r->n; i++)
		in += exp(r->y[i]) * r->qty[i] <= p[i] * (1 + 1e-9);
	return in;
}

/* Coverage of usable rows u (at pu) and censored rows c (at pc) alike. */
static double coverage_all(const double *pu, const struct rows *u,
			   const double *pc, const struct rows *c)
{
	size_t n = u->n + c->n;
	return n ? (double)(covered(pu, u) + covered(pc, c)) / (double)n
		 : (double)NAN;
}

/*
 * The P90 coverage of usable rows u and of them with censored rows c,
 * into o as p90_coverage and p90_coverage_all_runs (prefixed).
 */
static int set_coverage(const struct rt_model *m, const struct rows *u,
			const double *pu, const struct rows *c, json_t *o,
			const char *prefix, struct errmsg *err)
{
	double *pc = xmalloc(st_mult(c->n + 1, sizeof(double)));
	char key[64];
	int ret = predict_seconds(m, c, m->offset[2], pc, err);

	if (ret == 0) {
		snprintf(key, sizeof(key), "%sp90_coverage", prefix);
		json_object_set_new(o, key, json_real(coverage_all(
					pu, u, pc, &(struct rows){0})));
		snprintf(key, sizeof(key), "%sp90_coverage_all_runs", prefix);
		json_object_set_new(o, key, json_real(coverage_all(pu, u, pc,
								   c)));
	}
	free(pc);
	return ret;
}

/* MdAPE (percent) of predictions in runtime space. */
static double mdape(const double *pred, const struct rows *r)
{
	double *ape = xmalloc(st_mult(r->n + 1, sizeof(double)));
	size_t k = 0;
	double md;

	for (size_t i = 0; i < r->n; i++) {
		double a = exp(r->y[i]) * r->qty[i];
		if (isfinite(pred[i]))
			ape[k++] = fabs(pred[i] - a) / a * 100;
	}
	md = median(ape, k);
	free(ape);
	return md;
}

/* Appends the log residuals y - f(x) of the rows of r to res at *k. */
static int residuals(const struct rt_model *m, const struct rows *r,
		     double *res, size_t *k, struct errmsg *err)
{
	double *f = xmalloc(st_mult(r->n + 1, sizeof(double)));
	int ret = rt_model_predict(m, r->X, r->n, f, err);

	for (size_t i = 0; ret == 0 && i < r->n; i++)
		res[(*k)++] = r->y[i] - f[i];
	free(f);
	return ret;
}

/* m->offset from the n sorted residuals; into metrics as "offsets". */
static void set_offsets(struct rt_model *m, const double *res, size_t n,
			json_t *metrics)
{
	json_t *off = json_object();

	for (int q = 0; q < RT_NQ; q++) {
		char key[16];
		m->offset[q] = q == 0 ? 0 : conformal(res, n, rt_quantiles[q]);
		snprintf(key, sizeof(key), "%g", rt_quantiles[q]);
		json_object_set_new(off, key, json_real(m->offset[q]));
	}
	json_object_set_new(metrics, "offsets", off);
}

/*
 * Calibrates m->offset on rows the fit did not see: the usable runs
 * (cal) and the censored ones of the same period (cens), whose residual
 * is a lower bound.  A censored run above the quantile is a definite
 * miss, and one below held its slot no longer than planned, so counting
 * both keeps the P90 covering about 90% of all runs, not only of those
 * that completed (on the KTH SP2 log completed runs alone then get about
 * 93%).  Fills metrics.
 */
static int calibrate(struct rt_model *m, const struct rows *cal,
		     const struct rows *cens, json_t *metrics,
		     struct errmsg *err)
{
	double *res = xmalloc(st_mult(cal->n + cens->n + 1, sizeof(double)));
	double *p = xmalloc(st_mult(2 * cal->n + 1, sizeof(double)));
	size_t k = 0;
	int ret = -1;

	if (residuals(m, cal, res, &k, err) < 0 ||
	    residuals(m, cens, res, &k, err) < 0)
		goto out;
	qsort(res, k, sizeof(*res), cmp_double);
	set_offsets(m, res, k, metrics);
	if (predict_seconds(m, cal, 0, p, err) < 0 ||
	    predict_seconds(m, cal, m->offset[2], p + cal->n, err) < 0)
		goto out;
	json_object_set_new(metrics, "calibration_mdape",
			    json_real(mdape(p, cal)));
	json_object_set_new(metrics, "fallback", json_real(m->fallback));
	json_object_set_new(metrics, "n_calibration_censored",
			    json_integer((json_int_t)cens->n));
	ret = set_coverage(m, cal, p + cal->n, cens, metrics, "calibration_",
			   err);
out:
	free(res);
	free(p);
	return ret;
}

static json_t *feature_list(void)
{
	json_t *a = json_array();
	for (int f = 0; f < RTF_N; f++)
		json_array_append_new(a, json_string(rt_feature_name(f)));
	return a;
}

/*
 * Fit on the first 80% of rows, calibrate on the rest.  No refit on all
 * rows afterwards: the offsets hold for the model they were measured on
 * (a refit one covered 83% instead of 90% on synthetic runs), and the
 * latest runs still count through the per-user features.  cens: the
 * censored rows of the same runs, for the coverage of all runs.
 */
static int train_rows(struct rt_model *m, const struct rows *all,
		      const struct rows *cens, json_t *metrics,
		      struct errmsg *err)
{
	size_t nfit = (size_t)((double)all->n * (1 - RT_HOLDOUT));
	struct rows cal = rows_tail(all, nfit), ccal;

	if (nfit < 2 || cal.n < 10)
		return err_set(err, "too few usable runs to train and "
			       "calibrate on (%zu; want 20 at least)", all->n);
	ccal = rows_since(cens, cal.run[0]);
	if (rt_model_fit(m, RT_BOOSTED, all->X, all->y, nfit, err) < 0 ||
	    calibrate(m, &cal, &ccal, metrics, err) < 0)
		return -1;
	json_object_set_new(metrics, "target",
			    json_string("log(runtime_s / quantity)"));
	json_object_set_new(metrics, "n_train", json_integer((json_int_t)all->n));
	json_object_set_new(metrics, "n_fit", json_integer((json_int_t)nfit));
	json_object_set_new(metrics, "n_calibration",
			    json_integer((json_int_t)cal.n));
	json_object_set_new(metrics, "features", feature_list());
	return 0;
}

static void set_metrics(struct rt_model *m, json_t *metrics)
{
	free(m->metrics);
	m->metrics = json_dumps(metrics, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(metrics);
}

int rt_train(struct rt_model *m, struct job_run *runs, size_t n,
	     struct errmsg *err)
{
	struct rt_hist *h = rt_hist_new();
	float *X = xmalloc(st_mult(st_mult(n + 1, RTF_N), sizeof(float)));
	json_t *metrics = json_object();
	struct rows all, cens;
	int ret;

	rt_sort_runs(runs, n);
	rt_replay(runs, n, h, X);
	rows_from(&all, runs, X, 0, n, false);
	rows_from(&cens, runs, X, 0, n, true);
	ret = train_rows(m, &all, &cens, metrics, err);
	rows_release(&all);
	rows_release(&cens);
	free(X);
	rt_hist_free(h);
	set_metrics(m, metrics);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Evaluation against the baselines                                    */
/* ------------------------------------------------------------------ */

/* The held-out runs: usable (test) and censored (cens). */
struct eval {
	struct rows test, cens;
	double *p50, *p90, *req, *last2, *forest;
};

/* The baselines: requested time; the user's last two (else requested). */
static void baselines(struct eval *ev)
{
	for (size_t i = 0; i < ev->test.n; i++) {
		const float *x = &ev->test.X[i * RTF_N];
		double q = ev->test.qty[i];
		ev->req[i] = isnan(x[RTF_REQ]) ? (double)NAN : exp((double)x[RTF_REQ]) * q;
		ev->last2[i] = isnan(x[RTF_U_LAST2]) ? ev->req[i]
						   : exp((double)x[RTF_U_LAST2]) * q;
	}
}

static int predict_test(struct eval *ev, const struct rt_model *m,
			const struct rows *train, struct errmsg *err)
{
	struct rt_model forest;
	double *yhat = xmalloc(st_mult(ev->test.n + 1, sizeof(double)));
	int ret = -1;

	rt_model_init(&forest);
	if (rt_model_predict(m, ev->test.X, ev->test.n, yhat, err) < 0)
		goto out;
	for (size_t i = 0; i < ev->test.n; i++) {
		ev->p50[i] = exp(yhat[i]) * ev->test.qty[i];
		ev->p90[i] = exp(yhat[i] + m->offset[2]) * ev->test.qty[i];
	}
	if (rt_model_fit(&forest, RT_FOREST, train->X, train->y, train->n,
			 err) < 0 ||
	    rt_model_predict(&forest, ev->test.X, ev->test.n, yhat, err) < 0)
		goto out;
	for (size_t i = 0; i < ev->test.n; i++)
		ev->forest[i] = exp(yhat[i]) * ev->test.qty[i];
	ret = 0;
out:
	rt_model_release(&forest);
	free(yhat);
	return ret;
}

static json_t *eval_json(const struct eval *ev, const struct rows *train,
			 size_t nruns, gs_time split)
{
	json_t *o = json_object(), *md = json_object();
	char tbuf[GS_TIME_BUFSZ];

	json_object_set_new(o, "runs", json_integer((json_int_t)nruns));
	json_object_set_new(o, "train", json_integer((json_int_t)train->n));
	json_object_set_new(o, "test", json_integer((json_int_t)ev->test.n));
	json_object_set_new(o, "test_from",
			    json_string(time_format(split, tbuf)));
	json_object_set_new(md, "greenslot", json_real(mdape(ev->p50, &ev->test)));
	json_object_set_new(md, "requested", json_real(mdape(ev->req, &ev->test)));
	json_object_set_new(md, "user_last2",
			    json_real(mdape(ev->last2, &ev->test)));
	json_object_set_new(md, "random_forest",
			    json_real(mdape(ev->forest, &ev->test)));
	json_object_set_new(o, "mdape", md);
	json_object_set_new(o, "test_censored",
			    json_integer((json_int_t)ev->cens.n));
	json_object_set_new(o, "p50_coverage",
			    json_real(coverage_all(ev->p50, &ev->test, NULL,
						   &(struct rows){0})));
	return o;
}

static void eval_release(struct eval *ev)
{
	rows_release(&ev->test);
	rows_release(&ev->cens);
	free(ev->p50);
	free(ev->p90);
	free(ev->req);
	free(ev->last2);
	free(ev->forest);
}

int rt_evaluate(struct job_run *runs, size_t n, struct strbuf *out,
		struct errmsg *err)
{
	struct rt_hist *h = rt_hist_new();
	float *X = xmalloc(st_mult(st_mult(n + 1, RTF_N), sizeof(float)));
	size_t cut = (size_t)((double)n * (1 - RT_HOLDOUT));
	struct rt_model m;
	struct rows train, tcens;
	struct eval ev;
	json_t *metrics = json_object(), *o;
	char *text;
	int ret = -1;

	rt_model_init(&m);
	rt_sort_runs(runs, n);
	rt_replay(runs, n, h, X);
	rows_from(&train, runs, X, 0, cut, false);
	rows_from(&tcens, runs, X, 0, cut, true);
	rows_from(&ev.test, runs, X, cut, n, false);
	rows_from(&ev.cens, runs, X, cut, n, true);
	ev.p50 = xmalloc(st_mult(ev.test.n + 1, sizeof(double)));
	ev.p90 = xmalloc(st_mult(ev.test.n + 1, sizeof(double)));
	ev.req = xmalloc(st_mult(ev.test.n + 1, sizeof(double)));
	ev.last2 = xmalloc(st_mult(ev.test.n + 1, sizeof(double)));
	ev.forest = xmalloc(st_mult(ev.test.n + 1, sizeof(double)));
	if (train_rows(&m, &train, &tcens, metrics, err) < 0 ||
	    predict_test(&ev, &m, &train, err) < 0)
		goto out;
	baselines(&ev);
	o = eval_json(&ev, &train, n, runs[cut < n ? cut : 0].submit);
	if (set_coverage(&m, &ev.test, ev.p90, &ev.cens, o, "", err) < 0) {
		json_decref(o);
		goto out;
	}
	text = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(4));
	strbuf_addstr(out, text);
	strbuf_addch(out, '\n');
	free(text);
	json_decref(o);
	ret = 0;
out:
	json_decref(metrics);
	eval_release(&ev);
	rows_release(&train);
	rows_release(&tcens);
	rt_model_release(&m);
	free(X);
	rt_hist_free(h);
	return ret;
}

/* ------------------------------------------------------------------ */
/* The store                                                           */
/* ------------------------------------------------------------------ */

int rt_model_save(struct store *st, const struct rt_model *m,
		  struct errmsg *err)
{
	bst_ulong len;
	const char *buf;

	if (!m->booster)
		return err_set(err, "no runtime model to save");
	if (m->xgb->XGBoosterSaveModelToBuffer(m->booster,
					       "{\"format\": \"ubj\"}",
					       &len, &buf))
		return xgb_fail(m->xgb, err, "cannot save the model");
	return store_put_model(st, RT_MODEL_NAME, "xgboost", time_now(), buf,
			       len, m->metrics, err);
}

/* Reads the calibrated offsets back from the stored metrics. */
static int load_offsets(struct rt_model *m, struct errmsg *err)
{
	json_t *o = json_loads(m->metrics ? m->metrics : "", 0, NULL);
	json_t *off = json_object_get(o, "offsets");

	for (int q = 0; q < RT_NQ; q++) {
		char key[16];
		json_t *v;
		snprintf(key, sizeof(key), "%g", rt_quantiles[q]);
		v = json_object_get(off, key);
		if (!json_is_number(v)) {
			json_decref(o);
			return err_set(err, "stored runtime model lacks its "
				       "calibration; train again");
		}
		m->offset[q] = json_number_value(v);
	}
	m->fallback = json_number_value(json_object_get(o, "fallback"));
	json_decref(o);
	return 0;
}

int rt_model_load(struct store *st, struct rt_model *m, struct errmsg *err)
{
	const struct xgb *x;
	struct strbuf buf;
	BoosterHandle b;
	int ret;

	strbuf_init(&buf);
	ret = store_get_model(st, RT_MODEL_NAME, &buf, &m->metrics, err);
	if (ret != 0)
		goto out;
	ret = -1;
	if (need_xgb(m, err) < 0)
		goto out;
	x = m->xgb;
	if (x->XGBoosterCreate(NULL, 0, &b)) {
		xgb_fail(x, err, "cannot create a booster");
		goto out;
	}
	/* one thread: OpenMP's spinning costs more than it gains on a
	   loaded machine, and predictions are cheap */
	if (x->XGBoosterLoadModelFromBuffer(b, buf.buf, buf.len) ||
	    x->XGBoosterSetParam(b, "nthread", "1")) {
		x->XGBoosterFree(b);
		xgb_fail(x, err, "cannot load the stored model");
		goto out;
	}
	m->booster = b;
	ret = load_offsets(m, err);
out:
	strbuf_release(&buf);
	return ret;
}
