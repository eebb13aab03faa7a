/*
 * combine.c - greenslot's model: seasonal naive, exponential smoothing and
 * the regression (two variants, regress.c), weighed per lead bucket by how
 * well each did lately, with conformal intervals from the combination's
 * own recent errors.
 *
 * Every component is re-issued at the same time of day on each of the
 * FC_CALIB_DAYS days before the issue time, each time on what was known
 * then (internal.h).  Those out-of-sample forecasts serve twice: their
 * errors set the combination weights, and the errors of the combination
 * set the interval quantiles.  Nothing after the issue time is read: the
 * grid only holds values recorded before it, the weather lookup only
 * vintages issued before each origin.
 */
#include "forecast/internal.h"

#include <math.h>

#define GRID_EXTRA_DAYS 15 /* history features reach two weeks back */
#define POOL_LEADS 2       /* interval of lead h pools leads h-2..h+2 */
#define NCOMP 4
#define FC_STALE_DAYS 7    /* older history: an outage, not a forecast base */
#define STR_(x) #x
#define STR(x) STR_(x)
#define WEIGHT_POWER 8 /* weights 1/MAPE^8: lean on the best component */

/* FC_GREENSLOT: a component that only runs within the combination. */
static const enum fc_model comp_model[NCOMP] = {
	FC_SEASONAL_NAIVE, FC_SMOOTHING, FC_REGRESSION, FC_GREENSLOT,
};
static const char *const comp_label[NCOMP] = {
	"seasonal naive", "exponential smoothing", "regression",
	"regression in levels",
};

long fc_grid_index(const struct fc_ctx *c, gs_time u)
{
	int64_t d = u - c->g0;

	if (d < 0)
		return -1;
	d /= c->step;
	return d < (int64_t)c->ng ? (long)d : -1;
}

double fc_grid_value(const struct fc_ctx *c, gs_time u, gs_time before)
{
	long j;

	if (u >= before || (j = fc_grid_index(c, u)) < 0)
		return (double)NAN;
	return c->y[j];
}

double fc_grid_snaive(const struct fc_ctx *c, gs_time p, gs_time t)
{
	gs_time u = t - FC_DAY;
	double v;

	while (u >= p)
		u -= FC_DAY;
	for (; u >= c->g0; u -= FC_DAY)
		if (!isnan(v = fc_grid_value(c, u, p)))
			return v;
	return (double)NAN;
}

static int comp_snaive(const struct fc_ctx *c, double *pred)
{
	for (size_t k = 0; k < c->norig; k++)
		for (size_t i = 0; i < c->n; i++)
			pred[k * c->n + i] = fc_grid_snaive(
				c, fc_origin(c, k), fc_origin(c, k) + c->off[i]);
	return 0;
}

typedef int (*comp_fn)(const struct fc_ctx *c, double *pred);
static const comp_fn comp_run[NCOMP] = {
	comp_snaive, fc_smoothing, fc_regression, fc_regression_levels,
};

/* The values of s in force at the grid points before `before`, or NAN. */
static double *grid_fill(const struct fc_ctx *c, const struct series *s,
			 gs_time before)
{
	double *y = xmalloc(st_mult(c->ng, sizeof(double)));

	for (size_t j = 0; j < c->ng; j++) {
		gs_time u = c->g0 + (gs_time)j * c->step;
		long i = series_index_at(s, u);
		y[j] = i >= 0 && s->t[i] < before && s->t[i] + c->step > u
			       ? s->v[i] : (double)NAN;
	}
	return y;
}

/* The grid of the known values; false when there is too little. */
static bool ctx_init(struct fc_ctx *c, const struct fc_input *in,
		     const struct fc_result *out, const char **why)
{
	const struct series *h = in->history;
	gs_time first;

	memset(c, 0, sizeof(*c));
	c->weather = in->weather;
	c->issued = out->issued;
	c->step = out->step_s;
	if (c->step <= 0 || FC_DAY % c->step) {
		*why = "a step that does not divide a day";
		return false;
	}
	if (h->t[h->n - 1] - h->t[0] < FC_MIN_DAYS * FC_DAY) {
		*why = "less than " STR(FC_MIN_DAYS) " days of history";
		return false;
	}
	if (h->t[h->n - 1] < c->issued - FC_STALE_DAYS * FC_DAY) {
		*why = "no value in the last " STR(FC_STALE_DAYS) " days";
		return false;
	}
	c->spd = (size_t)(FC_DAY / c->step);
	c->ncalib = FC_CALIB_DAYS;
	c->norig = FC_CALIB_DAYS + FC_WINDOW_DAYS + 1;
	c->g0 = time_floor(c->issued - (gs_time)(c->norig + GRID_EXTRA_DAYS) *
					       FC_DAY, c->step);
	first = time_floor(h->t[0], c->step);
	if (c->g0 < first)
		c->g0 = first;
	c->ng = (size_t)((c->issued - c->g0 + c->step - 1) / c->step);
	c->y = grid_fill(c, h, c->issued);
	for (size_t i = 0; in->mix && i < in->mix->n; i++)
		if (in->mix->s[i].n)
			c->mix[c->nmix++] = grid_fill(c, &in->mix->s[i],
						      c->issued);
	c->n = out->n;
	c->off = xmalloc(st_mult(c->n, sizeof(int64_t)));
	for (size_t i = 0; i < c->n; i++)
		c->off[i] = out->t[i] - c->issued;
	return true;
}

static void ctx_release(struct fc_ctx *c)
{
	for (size_t i = 0; i < c->nmix; i++)
		free(c->mix[i]);
	free(c->y);
	free(c->off);
}

/* Bucket index of output point i, leads past 96 h in the last one. */
static int point_bucket(const struct fc_ctx *c, size_t i)
{
	int b = bt_bucket(fc_lead_hours(c->issued, c->issued + c->off[i]));
	return b < 0 ? BT_NBUCKETS - 1 : b;
}

/* |forecast - actual| / |actual|: what MAPE counts. */
static double rel_error(double forecast, double actual)
{
	return fabs(forecast - actual) / fmax(fabs(actual), 1e-9);
}

/*
 * Weights per bucket: 1/MAPE^WEIGHT_POWER over the calibration origins.
 * Relative errors keep one extreme day (a grid emergency) from deciding
 * the weights of the six weeks after it.
 */
static void learn_weights(const struct fc_ctx *c, double *const *pred,
			  const bool *use, const double *actual,
			  double w[BT_NBUCKETS][NCOMP])
{
	double ape[BT_NBUCKETS][NCOMP] = {{0}};
	size_t cnt[BT_NBUCKETS] = {0};

	for (size_t k = 1; k <= c->ncalib && k < c->norig; k++)
		for (size_t i = 0; i < c->n; i++) {
			size_t r = k * c->n + i;
			int b = point_bucket(c, i);
			bool all = !isnan(actual[r]);
			for (int m = 0; m < NCOMP && all; m++)
				all = !use[m] || !isnan(pred[m][r]);
			if (!all)
				continue;
			for (int m = 0; m < NCOMP; m++)
				if (use[m])
					ape[b][m] += rel_error(pred[m][r],
							       actual[r]);
			cnt[b]++;
		}
	for (int b = 0; b < BT_NBUCKETS; b++)
		for (int m = 0; m < NCOMP; m++) {
			double e = cnt[b] ? ape[b][m] / (double)cnt[b] : 0;
			w[b][m] = !use[m]    ? 0
				  : e > 1e-12 ? pow(e, -WEIGHT_POWER)
				  : cnt[b]    ? 1e24 /* exact: it alone */
					      : 1;   /* nothing to go by */
		}
}

static double combine_row(const struct fc_ctx *c, double *const *pred,
			  double w[BT_NBUCKETS][NCOMP], size_t r)
{
	int b = point_bucket(c, r % c->n);
	double s = 0, ws = 0;

	for (int m = 0; m < NCOMP; m++)
		if (w[b][m] > 0 && !isnan(pred[m][r])) {
			s += w[b][m] * pred[m][r];
			ws += w[b][m];
		}
	return ws > 0 ? s / ws : (double)NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Errors of comb on the calibration origins at the points j0..j1. */
static size_t calib_errors(const struct fc_ctx *c, const double *comb,
			   const double *actual, size_t j0, size_t j1,
			   double *e)
{
	size_t ne = 0;

	for (size_t j = j0; j <= j1 && j < c->n; j++)
		for (size_t k = 1; k <= c->ncalib && k < c->norig; k++) {
			size_t row = k * c->n + j;
			if (!isnan(comb[row]) && !isnan(actual[row]))
				e[ne++] = actual[row] - comb[row];
		}
	qsort(e, ne, sizeof(double), cmp_double);
	return ne;
}

/*
 * Conformal intervals of r from comb's errors on the calibration origins:
 * per point those of its lead and POOL_LEADS neighbours on each side,
 * all leads pooled where that gives too few.
 */
static void set_intervals(const struct fc_ctx *c, const double *comb,
			  const double *actual, bool nonnegative,
			  struct fc_result *r)
{
	size_t cap = st_mult(c->n, c->ncalib);
	double *e = xmalloc(st_mult(cap, sizeof(double)));
	double *all = xmalloc(st_mult(cap, sizeof(double)));
	size_t nall = calib_errors(c, comb, actual, 0, c->n - 1, all);
	size_t pooled = 0;

	if (!nall) {
		fc_add_warning(r, "no past errors to calibrate prediction "
				  "intervals on; none given");
		goto out;
	}
	for (size_t i = 0; i < c->n; i++) {
		size_t ne = calib_errors(c, comb, actual,
					 i > POOL_LEADS ? i - POOL_LEADS : 0,
					 i + POOL_LEADS, e);
		if (ne >= FC_CALIB_MIN) {
			fc_set_interval(r, i, e, ne, nonnegative);
		} else {
			fc_set_interval(r, i, all, nall, nonnegative);
			pooled++;
		}
	}
	r->has_intervals = true;
	r->ncalib = nall;
	if (nall < FC_CALIB_MIN)
		fc_add_warning(r, "prediction intervals rest on only %zu past "
				  "errors", nall);
	else if (pooled)
		fc_add_warning(r, "prediction intervals of %zu points pooled "
				  "all lead times", pooled);
out:
	free(e);
	free(all);
}

/* The last known value (ctx_init() saw at least one). */
static double last_known(const struct fc_ctx *c)
{
	for (size_t j = c->ng; j > 0; j--)
		if (!isnan(c->y[j - 1]))
			return c->y[j - 1];
	return 0;
}

/* Values of r from origin 0 of comb, seasonal naive where it has none. */
static void set_values(const struct fc_ctx *c, const double *comb,
		       const double *snaive, struct fc_result *r)
{
	size_t holes = 0;

	for (size_t i = 0; i < c->n; i++) {
		r->v[i] = comb[i];
		if (!isnan(r->v[i]))
			continue;
		r->v[i] = !isnan(snaive[i]) ? snaive[i] : last_known(c);
		holes++;
	}
	if (holes)
		fc_add_warning(r, "%zu of %zu points had no forecast of the "
				  "model: seasonal naive used", holes, c->n);
}

static bool grid_nonnegative(const struct fc_ctx *c)
{
	for (size_t j = 0; j < c->ng; j++)
		if (c->y[j] < 0)
			return false;
	return true;
}

/* A result on out's grid from the rows of comb. */
static void make_result(const struct fc_ctx *c, const double *comb,
			const double *snaive, const double *actual,
			const struct fc_result *grid, struct fc_result *r,
			const char *method)
{
	if (r != grid) {
		fc_result_copy_grid(r, grid);
	}
	r->method = method;
	set_values(c, comb, snaive, r);
	set_intervals(c, comb, actual, grid_nonnegative(c), r);
}

static bool has_values(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			return true;
	return false;
}

/* Runs the components wanted; use[m] says which ran. */
static void run_components(struct fc_ctx *c, enum fc_model model,
			   double **pred, bool *use, struct fc_result *out)
{
	size_t rows = c->norig * c->n;

	for (int m = 0; m < NCOMP; m++) {
		pred[m] = xmalloc(st_mult(rows, sizeof(double)));
		for (size_t r = 0; r < rows; r++)
			pred[m][r] = (double)NAN;
		use[m] = model == FC_GREENSLOT || model == comp_model[m];
		if (m > 1 && use[1]) /* the regressions read the smoothing */
			c->smooth = pred[1];
		if (use[m] && (comp_run[m](c, pred[m]) < 0 ||
			       !has_values(pred[m], c->n))) {
			use[m] = false;
			/* the twin fails when the regression does: one warning */
			if (comp_model[m] != FC_GREENSLOT)
				fc_add_warning(out, "%s left out: too little "
					       "history", comp_label[m]);
		}
	}
}

int fc_combine(enum fc_model model, const struct fc_input *in,
	       struct fc_result *out, struct fc_result *components)
{
	struct fc_ctx c;
	double *pred[NCOMP], *actual, *comb, w[BT_NBUCKETS][NCOMP];
	bool use[NCOMP];
	const char *why;
	size_t rows;

	if (!ctx_init(&c, in, out, &why)) {
		fc_add_warning(out, "%s: seasonal naive only", why);
		return -1;
	}
	rows = c.norig * c.n;
	run_components(&c, model, pred, use, out);
	actual = xmalloc(st_mult(rows, sizeof(double)));
	comb = xmalloc(st_mult(rows, sizeof(double)));
	for (size_t r = 0; r < rows; r++)
		actual[r] = fc_grid_value(&c, fc_origin(&c, r / c.n) +
						      c.off[r % c.n],
					  c.issued);
	learn_weights(&c, pred, use, actual, w);
	for (size_t r = 0; r < rows; r++)
		comb[r] = combine_row(&c, pred, w, r);
	if (!use[0])
		comp_snaive(&c, pred[0]); /* the stand-in for holes */
	make_result(&c, comb, pred[0], actual, out, out,
		    model == FC_GREENSLOT ? "combined"
					  : comp_label[model == FC_SMOOTHING
							       ? 1 : 2]);
	for (int m = 0; components && m < NCOMP; m++) {
		if (comp_model[m] == FC_GREENSLOT)
			continue;
		if (use[m])
			make_result(&c, pred[m], pred[0], actual, out,
				    &components[comp_model[m]], comp_label[m]);
		else
			components[comp_model[m]].n = 0;
	}
	for (int m = 0; m < NCOMP; m++)
		free(pred[m]);
	free(actual);
	free(comb);
	ctx_release(&c);
	return 0;
}
