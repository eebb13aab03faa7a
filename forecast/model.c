/*
 * model.c - greenslot's forecasting models and their prediction intervals.
 *
 * Pure functions of a series and an issue time: nothing here reads the
 * store, so the same code serves `forecast` (on today's history) and
 * `forecast backtest` (on history cut at each past issue time).  The
 * guarantee that a forecast never peeks at values at or after its issue
 * time is structural: every model works on a copy of the points recorded
 * strictly before it (struct known), and the interval calibration re-issues
 * the model on prefixes of that copy.
 */
#include "forecast/internal.h"

#include <math.h>

#define DAY 86400
#define CALIB_DAYS 28
#define CALIB_MIN FC_CALIB_MIN

/* The values known at an issue time: finite points strictly before it. */
struct known {
	struct series s;
	int64_t step;
	bool nonnegative; /* no known value below zero */
};

/* Point forecaster of one method: fills v[i] for times t[i]. */
typedef size_t (*predict_fn)(const struct series *k, int64_t step,
			     gs_time issued, const gs_time *t, double *v,
			     size_t n);

struct method {
	const char *label;
	predict_fn predict;
	int64_t calib_stride; /* 0: the series' step */
};

struct model_def {
	const char *name;
	const struct method *method;
};

static size_t predict_snaive(const struct series *k, int64_t step,
			     gs_time issued, const gs_time *t, double *v,
			     size_t n);
static size_t predict_persistence(const struct series *k, int64_t step,
				  gs_time issued, const gs_time *t, double *v,
				  size_t n);

static const struct method snaive_method = {
	"seasonal naive", predict_snaive, DAY,
};
static const struct method persistence_method = {
	"persistence", predict_persistence, 0,
};

/*
 * The model table.  The method is what runs here; the combined model and
 * its components (combine.c) fall back to it when they cannot run.
 */
static const struct model_def models[FC_NMODELS] = {
	[FC_GREENSLOT] = {"greenslot", &snaive_method},
	[FC_SEASONAL_NAIVE] = {"seasonal_naive", &snaive_method},
	[FC_SMOOTHING] = {"smoothing", &snaive_method},
	[FC_REGRESSION] = {"regression", &snaive_method},
};

const char *fc_model_name(enum fc_model m)
{
	return (unsigned)m < FC_NMODELS ? models[m].name : "unknown";
}

int fc_model_by_name(const char *name)
{
	for (int m = 0; m < FC_NMODELS; m++)
		if (!strcmp(models[m].name, name))
			return m;
	return -1;
}

void fc_result_init(struct fc_result *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->warning);
	r->method = "";
}

void fc_result_release(struct fc_result *r)
{
	free(r->t);
	free(r->v);
	free(r->lo80);
	free(r->hi80);
	free(r->lo95);
	free(r->hi95);
	strbuf_release(&r->warning);
	fc_result_init(r);
}

static void fc_result_reset(struct fc_result *r, size_t n)
{
	size_t sz;

	if (n > r->alloc) {
		sz = st_mult(n, sizeof(double));
		r->t = xrealloc(r->t, st_mult(n, sizeof(*r->t)));
		r->v = xrealloc(r->v, sz);
		r->lo80 = xrealloc(r->lo80, sz);
		r->hi80 = xrealloc(r->hi80, sz);
		r->lo95 = xrealloc(r->lo95, sz);
		r->hi95 = xrealloc(r->hi95, sz);
		r->alloc = n;
	}
	r->n = n;
	r->has_intervals = false;
	r->ncalib = 0;
	strbuf_reset(&r->warning);
	for (size_t i = 0; i < n; i++) {
		const double absent = (double)NAN;
		r->lo80[i] = r->hi80[i] = r->lo95[i] = r->hi95[i] = absent;
	}
}

void fc_add_warning(struct fc_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->warning.len)
		strbuf_addstr(&r->warning, "; ");
	va_start(ap, fmt);
	strbuf_vaddf(&r->warning, fmt, ap);
	va_end(ap);
}

void fc_result_from_series(struct fc_result *r, const struct series *s,
			   gs_time issued)
{
	size_t n = 0;

	fc_result_reset(r, s->n);
	for (size_t i = 0; i < s->n; i++) {
		if (!isfinite(s->v[i]))
			continue;
		r->t[n] = s->t[i];
		r->v[n++] = s->v[i];
	}
	r->n = n;
	r->issued = issued;
	r->step_s = series_step(s);
	r->method = "";
}

size_t fc_time_lower(const gs_time *t, size_t lo, size_t hi, gs_time x)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long fc_result_at(const struct fc_result *r, gs_time t)
{
	size_t i = fc_time_lower(r->t, 0, r->n, t + 1);

	return i > 0 && t - r->t[i - 1] < r->step_s ? (long)(i - 1) : -1;
}

int64_t fc_lead_hours(gs_time issued, gs_time t)
{
	int64_t d = t - issued;
	int64_t q = d / 3600;

	if (d % 3600 < 0) /* floor, also for t before issued */
		q--;
	return q + 1;
}

/* Index of the last point at or before u, or -1. */
static long index_le(const struct series *s, gs_time u)
{
	return (long)fc_time_lower(s->t, 0, s->n, u + 1) - 1;
}

/* Number of points before u: the prefix of s known at time u. */
static size_t count_before(const struct series *s, gs_time u)
{
	long i = index_le(s, u - 1);
	return (size_t)(i + 1);
}

/*
 * The value known at u: a point p <= u < p + step.  A gap longer than a
 * step is unknown rather than filled with a stale value, which would make
 * a poor seasonal stand-in.
 */
static bool value_at(const struct series *s, int64_t step, gs_time u,
		     double *v)
{
	long i = index_le(s, u);

	if (i < 0 || u - s->t[i] >= step)
		return false;
	*v = s->v[i];
	return true;
}

static size_t predict_persistence(const struct series *k, int64_t step,
				  gs_time issued, const gs_time *t, double *v,
				  size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = k->v[k->n - 1];
	return 0;
}

/*
 * Seasonal naive: the value a whole number of days back, the fewest days
 * that reach before `issued` and hit a known value.  Returns how many points
 * found none and fell back to the last known value.
 */
static size_t predict_snaive(const struct series *k, int64_t step,
			     gs_time issued, const gs_time *t, double *v,
			     size_t n)
{
	size_t missing = 0;

	for (size_t i = 0; i < n; i++) {
		int64_t d = t[i] - issued, kk = 1;
		gs_time u;

		if (d >= 0)
			kk = d / DAY + 1; /* least k: t - k*DAY < issued */
		for (u = t[i] - kk * DAY; u >= k->t[0]; u -= DAY)
			if (value_at(k, step, u, &v[i]))
				break;
		if (u < k->t[0]) {
			v[i] = k->v[k->n - 1];
			missing++;
		}
	}
	return missing;
}

/* Copies the finite points before `issued`; false when there are none. */
static bool known_init(struct known *kn, const struct series *h,
		       gs_time issued)
{
	series_init(&kn->s);
	kn->nonnegative = true;
	for (size_t i = 0; i < h->n && h->t[i] < issued; i++) {
		if (!isfinite(h->v[i]))
			continue;
		series_push(&kn->s, h->t[i], h->v[i]);
		if (h->v[i] < 0)
			kn->nonnegative = false;
	}
	kn->step = series_step(&kn->s);
	return kn->s.n > 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void fc_quantile_interval(const double *sorted, size_t n, int level,
			  double *lo, double *hi)
{
	/* alpha/2 in per-mille, so that the ranks are exact integers */
	size_t a2 = (size_t)(1000 - level * 10) / 2;
	size_t klo = (n + 1) * a2 / 1000;
	size_t khi = ((n + 1) * (1000 - a2) + 999) / 1000;

	if (klo < 1)
		klo = 1;
	if (klo > n)
		klo = n;
	if (khi < 1)
		khi = 1;
	if (khi > n)
		khi = n;
	*lo = sorted[klo - 1];
	*hi = sorted[khi - 1];
}

/* Past errors per lead hour (index lead - 1) and all of them pooled. */
struct residuals {
	double **r;
	size_t *n, *alloc;
	size_t nleads;
	double *all;
	size_t nall, alloc_all;
};

static void residuals_init(struct residuals *rs, size_t nleads)
{
	memset(rs, 0, sizeof(*rs));
	rs->nleads = nleads;
	rs->r = xcalloc(nleads, sizeof(*rs->r));
	rs->n = xcalloc(nleads, sizeof(*rs->n));
	rs->alloc = xcalloc(nleads, sizeof(*rs->alloc));
}

static void residuals_release(struct residuals *rs)
{
	for (size_t i = 0; i < rs->nleads; i++)
		free(rs->r[i]);
	free(rs->r);
	free(rs->n);
	free(rs->alloc);
	free(rs->all);
}

static void residuals_add(struct residuals *rs, size_t lead_ix, double e)
{
	ALLOC_GROW(rs->r[lead_ix], rs->n[lead_ix] + 1, rs->alloc[lead_ix]);
	rs->r[lead_ix][rs->n[lead_ix]++] = e;
	ALLOC_GROW(rs->all, rs->nall + 1, rs->alloc_all);
	rs->all[rs->nall++] = e;
}

/*
 * Re-issues the method at `stride` intervals over the CALIB_DAYS before
 * `issued`, each time on the prefix known then, and collects its errors
 * against values known at `issued`, per lead hour of the output points.
 */
static void collect_residuals(const struct method *m, const struct known *kn,
			      const struct fc_result *r, struct residuals *rs)
{
	int64_t stride = m->calib_stride ? m->calib_stride : kn->step;
	gs_time *t = xmalloc(st_mult(r->n, sizeof(*t)));
	double *v = xmalloc(st_mult(r->n, sizeof(*v)));

	for (gs_time p = r->issued - stride; p >= r->issued - CALIB_DAYS * DAY;
	     p -= stride) {
		struct series pre = kn->s; /* a prefix view, not a copy */
		pre.n = count_before(&kn->s, p);
		if (!pre.n)
			break;
		for (size_t i = 0; i < r->n; i++)
			t[i] = p + (r->t[i] - r->issued);
		m->predict(&pre, kn->step, p, t, v, r->n);
		for (size_t i = 0; i < r->n; i++) {
			double a;
			int64_t lead = fc_lead_hours(r->issued, r->t[i]);
			if (t[i] >= r->issued || lead < 1 ||
			    !value_at(&kn->s, kn->step, t[i], &a))
				continue;
			residuals_add(rs, (size_t)(lead - 1), a - v[i]);
		}
	}
	free(t);
	free(v);
}

void fc_set_interval(struct fc_result *r, size_t i, const double *e,
		     size_t n, bool nonnegative)
{
	double lo, hi, v = r->v[i];

	fc_quantile_interval(e, n, 80, &lo, &hi);
	r->lo80[i] = fmin(v + lo, v);
	r->hi80[i] = fmax(v + hi, v);
	fc_quantile_interval(e, n, 95, &lo, &hi);
	r->lo95[i] = fmin(v + lo, r->lo80[i]);
	r->hi95[i] = fmax(v + hi, r->hi80[i]);
	if (nonnegative) {
		r->lo80[i] = fmax(r->lo80[i], 0);
		r->lo95[i] = fmax(r->lo95[i], 0);
	}
}

/* Fills the intervals of r from the method's own past errors. */
static void calibrate(const struct method *m, const struct known *kn,
		      struct fc_result *r)
{
	struct residuals rs;
	int64_t maxlead = fc_lead_hours(r->issued, r->t[r->n - 1]);
	size_t pooled = 0;

	residuals_init(&rs, (size_t)maxlead);
	collect_residuals(m, kn, r, &rs);
	if (!rs.nall) {
		fc_add_warning(r, "no past errors to calibrate prediction "
			       "intervals on; none given");
		residuals_release(&rs);
		return;
	}
	for (size_t l = 0; l < rs.nleads; l++)
		if (rs.n[l])
			qsort(rs.r[l], rs.n[l], sizeof(double), cmp_double);
	qsort(rs.all, rs.nall, sizeof(double), cmp_double);
	for (size_t i = 0; i < r->n; i++) {
		size_t l = (size_t)(fc_lead_hours(r->issued, r->t[i]) - 1);
		if (rs.n[l] >= CALIB_MIN) {
			fc_set_interval(r, i, rs.r[l], rs.n[l], kn->nonnegative);
		} else {
			fc_set_interval(r, i, rs.all, rs.nall, kn->nonnegative);
			pooled++;
		}
	}
	r->has_intervals = true;
	r->ncalib = rs.nall;
	if (rs.nall < CALIB_MIN)
		fc_add_warning(r, "prediction intervals rest on only %zu past "
			       "errors", rs.nall);
	else if (pooled)
		fc_add_warning(r, "prediction intervals of %zu points pooled "
			       "all lead times (fewer than %d past errors at "
			       "their own)", pooled, CALIB_MIN);
	residuals_release(&rs);
}

void fc_result_copy_grid(struct fc_result *dst, const struct fc_result *src)
{
	fc_result_reset(dst, src->n);
	dst->issued = src->issued;
	dst->step_s = src->step_s;
	memcpy(dst->t, src->t, st_mult(src->n, sizeof(*src->t)));
}

/* The output grid: multiples of step in [issued, issued + horizon). */
static void make_grid(struct fc_result *r, gs_time issued, int64_t horizon,
		      int64_t step)
{
	gs_time first = time_ceil(issued, step);
	size_t n = 0;

	if (first < issued + horizon)
		n = (size_t)((issued + horizon - first - 1) / step) + 1;
	fc_result_reset(r, n);
	r->issued = issued;
	r->step_s = step;
	for (size_t i = 0; i < n; i++)
		r->t[i] = first + (gs_time)i * step;
}

/*
 * The combined model or one of its components, when the history allows;
 * false (fc_combine() put the reason in out's warning) when the simple
 * method must do.
 */
static bool try_combined(enum fc_model model, const struct fc_input *in,
			 const struct known *kn, struct fc_result *out,
			 struct fc_result *components)
{
	struct fc_input kin = {&kn->s, in->weather, in->mix};

	if (model == FC_SEASONAL_NAIVE)
		return false;
	return !fc_combine(model, &kin, out, components);
}

int forecast_model_in(enum fc_model model, const struct fc_input *in,
		      gs_time issued, int64_t horizon_s, int64_t step_s,
		      struct fc_result *out, struct fc_result *components,
		      struct errmsg *err)
{
	const struct method *m;
	struct known kn;
	char buf[GS_TIME_BUFSZ];
	size_t missing;

	if ((unsigned)model >= FC_NMODELS)
		return err_set(err, "unknown forecast model %d", (int)model);
	if (horizon_s <= 0 || step_s < 0)
		return err_set(err, "invalid forecast horizon or step");
	for (int i = 0; components && i < FC_NMODELS; i++)
		components[i].n = 0;
	if (!known_init(&kn, in->history, issued)) {
		series_release(&kn.s);
		return err_set(err, "no recorded values before '%s'",
			       time_format(issued, buf));
	}
	make_grid(out, issued, horizon_s, step_s ? step_s : kn.step);
	if (!out->n) {
		series_release(&kn.s);
		return err_set(err, "horizon shorter than the series' step");
	}
	if (try_combined(model, in, &kn, out, components)) {
		series_release(&kn.s);
		return 0;
	}
	m = models[model].method;
	if (kn.s.t[kn.s.n - 1] + kn.step - kn.s.t[0] < DAY) {
		m = &persistence_method;
		fc_add_warning(out, "less than a day of history: persistence "
				    "(last known value)");
	}
	out->method = m->label;
	missing = m->predict(&kn.s, kn.step, issued, out->t, out->v, out->n);
	if (missing)
		fc_add_warning(out, "%zu of %zu points had no value a whole "
				    "number of days earlier: last known value "
				    "used", missing, out->n);
	calibrate(m, &kn, out);
	series_release(&kn.s);
	return 0;
}

int forecast_model(enum fc_model model, const struct series *history,
		   gs_time issued, int64_t horizon_s, int64_t step_s,
		   struct fc_result *out, struct errmsg *err)
{
	struct fc_input in = {history, NULL, NULL};

	return forecast_model_in(model, &in, issued, horizon_s, step_s, out,
				 NULL, err);
}

int forecast_snaive(const struct series *history, gs_time issued,
		    int64_t horizon_s, int64_t step_s, struct fc_result *out,
		    struct errmsg *err)
{
	return forecast_model(FC_SEASONAL_NAIVE, history, issued, horizon_s,
			      step_s, out, err);
}
