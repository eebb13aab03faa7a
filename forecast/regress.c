/*
 * regress.c - ridge regression of the value on calendar, weather-forecast
 * and recent-history features, refitted on a rolling window.
 *
 * Samples are past forecasts as they could have been made: for each day
 * of the window an origin at the same time of day as the issue time, its
 * features computed from what was known at that origin (recorded values
 * before it, weather vintages issued before it), and as target the value
 * later recorded.  One model per lead time (for daily issues: per hour of
 * the day), because what the last known value says about the next hour
 * differs from what it says about tomorrow, and the sun and the wind do
 * not weigh the same at noon and at midnight.  Points whose weather is
 * missing (vintages that do not reach that far) get a model fitted
 * without the weather columns.
 *
 * Samples weigh less with age (halving every half-life): the window must
 * be long for the weather effects to show, yet the grid changes with the
 * seasons (solar in spring, demand in a heat wave), and a window of equal
 * weights fits the months before more than the weeks before.
 *
 * Two variants run as separate components of the combination: the log
 * value with a 60-day half-life, and the value itself with a 21-day one.
 * No one half-life suits every grid and season (a quiet month follows
 * the last few weeks, a month of weather shifts needs the months before),
 * nor does one target (logs suit a level that moves by its own fraction,
 * levels one that moves by a fixed amount, as solar output does); the
 * combination weighs the two by their errors over the recent weeks, so
 * it picks per zone and season instead of a constant tuned on one.
 *
 * The ridge solve standardises the columns (constant ones are dropped:
 * hours of the day that a lead never holds) and solves the regularised
 * normal equations with GSL's Cholesky; the penalty keeps the many dummy
 * columns of a short window from chasing noise.  Inputs are checked
 * finite first, so GSL's error handler (which aborts) is never reached.
 */
#include "forecast/internal.h"

#include <gsl/gsl_linalg.h>
#include <math.h>

#define LAMBDA 0.05   /* ridge penalty per unit of sample weight */
#define REFIT_DAYS 14 /* past origins are scored by a model this stale */
#define MIN_ROWS 21 /* three weeks of daily issues */

enum {
	F_HOUR = 0,       /* 23 hour-of-day dummies (UTC) */
	F_WDAY = 23,      /* 6 weekday dummies */
	F_LAST = 29,      /* last value known at the origin */
	F_SNAIVE,         /* the seasonal naive forecast */
	F_WEEK,           /* the value a whole number of weeks earlier */
	F_MEAN24,         /* mean of the last day before the origin */
	F_SMOOTH,         /* the smoothing model's forecast */
	F_AVG7,           /* mean of the last 7 days at the same time */
	F_SLOPE,          /* last value less the one 3 steps before */
	F_MIX,            /* shares of the generation mix over the last day */
	F_TEMP = F_MIX + FC_MAX_MIX, /* weather columns from here on */
	F_TEMP2,
	F_WIND,
	F_WIND2,
	F_SOLAR,
	F_DEW,
	F_PRECIP,
	F_WX_DAY,         /* the five at the same time a day earlier */
	NF = F_WX_DAY + FC_NWVARS,
};
#define NF_NOWX F_TEMP

struct features {
	double *x;   /* [row * NF + f], row = k * n + i */
	bool *ok;    /* history features present */
	bool *wx;    /* weather features present too */
};

struct ridge {
	size_t p, cols[NF];
	double mean[NF], sd[NF], beta[NF], b0;
};

/* The value a whole number of `period`s before t, known at p; or NAN. */
static double periodic_value(const struct fc_ctx *c, gs_time p, gs_time t,
			     int64_t period, int tries)
{
	gs_time u = t - period;
	double v;

	while (u >= p)
		u -= period;
	for (int k = 0; k < tries; k++, u -= period)
		if (!isnan(v = fc_grid_value(c, u, p)))
			return v;
	return (double)NAN;
}

/* Mean of the values at t less 1..7 days known at p, or the snaive. */
static double periodic_mean(const struct fc_ctx *c, gs_time p, gs_time t)
{
	double s = 0, v;
	size_t m = 0;
	gs_time u = t - FC_DAY;

	while (u >= p)
		u -= FC_DAY;
	for (int k = 0; k < 7; k++, u -= FC_DAY)
		if (!isnan(v = fc_grid_value(c, u, p))) {
			s += v;
			m++;
		}
	return m ? s / (double)m : fc_grid_snaive(c, p, t);
}

/* Each fuel's share of the generation over the day before p. */
static void mix_features(const struct fc_ctx *c, gs_time p, double *x)
{
	double mean[FC_MAX_MIX], total = 0;

	for (size_t f = 0; f < FC_MAX_MIX; f++)
		x[F_MIX + f] = 0;
	for (size_t f = 0; f < c->nmix; f++) {
		long j0 = fc_grid_index(c, p - FC_DAY);
		double s = 0;
		size_t m = 0;
		for (long j = j0 < 0 ? 0 : j0; j >= 0 && (size_t)j < c->ng &&
					       c->g0 + j * c->step < p; j++)
			if (!isnan(c->mix[f][j])) {
				s += c->mix[f][j];
				m++;
			}
		mean[f] = m ? fmax(s / (double)m, 0) : 0;
		total += mean[f];
	}
	for (size_t f = 0; f < c->nmix && total > 0; f++)
		x[F_MIX + f] = mean[f] / total;
}

static bool history_features(const struct fc_ctx *c, gs_time p, gs_time t,
			     double *x)
{
	double s = 0, v;
	size_t m = 0;

	x[F_LAST] = (double)NAN;
	for (gs_time u = p - c->step; u >= p - FC_DAY; u -= c->step) {
		if (isnan(v = fc_grid_value(c, u, p)))
			continue;
		if (isnan(x[F_LAST]))
			x[F_LAST] = v;
		s += v;
		m++;
	}
	x[F_SNAIVE] = fc_grid_snaive(c, p, t);
	x[F_WEEK] = periodic_value(c, p, t, 7 * FC_DAY, 2);
	if (isnan(x[F_WEEK]))
		x[F_WEEK] = x[F_SNAIVE];
	x[F_MEAN24] = m ? s / (double)m : (double)NAN;
	x[F_AVG7] = periodic_mean(c, p, t);
	v = fc_grid_value(c, p - 4 * c->step, p);
	x[F_SLOPE] = isnan(v) || isnan(x[F_LAST]) ? 0 : x[F_LAST] - v;
	return m && !isnan(x[F_SNAIVE]);
}

/*
 * The weather forecast for t and for a day before t (the vintage then):
 * with yesterday's value among the history columns, the change of the
 * weather since is what moves the value.
 */
static bool weather_features(const struct fc_ctx *c, gs_time p, gs_time t,
			     double *x)
{
	double w[FC_NWVARS];

	for (int i = 0; i < FC_NWVARS; i++)
		if (!fc_weather_at(c->weather, (enum fc_wvar)i, p, t, &w[i]) ||
		    !isfinite(w[i]) ||
		    !fc_weather_at(c->weather, (enum fc_wvar)i, p, t - FC_DAY,
				   &x[F_WX_DAY + i]) ||
		    !isfinite(x[F_WX_DAY + i]))
			return false;
	x[F_TEMP] = w[FC_W_TEMPERATURE];
	x[F_TEMP2] = (w[FC_W_TEMPERATURE] - 18) * (w[FC_W_TEMPERATURE] - 18);
	x[F_WIND] = w[FC_W_WIND_SPEED];
	x[F_WIND2] = w[FC_W_WIND_SPEED] * w[FC_W_WIND_SPEED];
	x[F_SOLAR] = w[FC_W_SOLAR_RADIATION];
	x[F_DEW] = w[FC_W_DEWPOINT];
	x[F_PRECIP] = w[FC_W_PRECIPITATION];
	return true;
}

static void calendar_features(gs_time t, double *x)
{
	int64_t hour = (t % FC_DAY) / 3600;
	int64_t wday = (t / FC_DAY + 4) % 7; /* 1970-01-01 was a Thursday */

	for (int f = 0; f < F_LAST; f++)
		x[f] = 0;
	if (hour > 0)
		x[F_HOUR + hour - 1] = 1;
	if (wday > 0)
		x[F_WDAY + wday - 1] = 1;
}

static void features_build(const struct fc_ctx *c, struct features *f)
{
	size_t rows = c->norig * c->n;

	f->x = xmalloc(st_mult(st_mult(rows, NF), sizeof(double)));
	f->ok = xcalloc(rows, sizeof(bool));
	f->wx = xcalloc(rows, sizeof(bool));
	for (size_t k = 0; k < c->norig; k++) {
		gs_time p = fc_origin(c, k);
		for (size_t i = 0; i < c->n; i++) {
			size_t r = k * c->n + i;
			double *x = &f->x[r * NF];
			gs_time t = p + c->off[i];
			calendar_features(t, x);
			f->ok[r] = history_features(c, p, t, x);
			if (i == 0)
				mix_features(c, p, x);
			else
				memcpy(&x[F_MIX], &f->x[(k * c->n) * NF + F_MIX],
				       FC_MAX_MIX * sizeof(double));
			x[F_SMOOTH] = c->smooth && !isnan(c->smooth[r])
					      ? c->smooth[r] : x[F_SNAIVE];
			f->wx[r] = f->ok[r] && c->weather &&
				   weather_features(c, p, t, x);
		}
	}
}

static void features_release(struct features *f)
{
	free(f->x);
	free(f->ok);
	free(f->wx);
}

/* Weighted column means and spreads; constant columns are left out. */
static void ridge_columns(struct ridge *m, const double *x, const size_t *rows,
			  const double *w, size_t nr, size_t ncols)
{
	double s[NF] = {0}, ss[NF] = {0}, sw = 0;

	for (size_t r = 0; r < nr; r++) { /* row by row: x is row-major */
		const double *xr = &x[rows[r] * NF];
		sw += w[r];
		for (size_t j = 0; j < ncols; j++)
			s[j] += w[r] * xr[j];
	}
	for (size_t j = 0; j < ncols; j++)
		s[j] /= sw;
	for (size_t r = 0; r < nr; r++) {
		const double *xr = &x[rows[r] * NF];
		for (size_t j = 0; j < ncols; j++)
			ss[j] += w[r] * (xr[j] - s[j]) * (xr[j] - s[j]);
	}
	m->p = 0;
	for (size_t j = 0; j < ncols; j++) {
		double sd = sqrt(ss[j] / sw);
		if (sd < 1e-9)
			continue;
		m->cols[m->p] = j;
		m->mean[m->p] = s[j];
		m->sd[m->p++] = sd;
	}
}

/* Sum of a[i] * b[i]: four partial sums, which the CPU runs at once. */
static double dot(const double *a, const double *b, size_t n)
{
	double s[4] = {0};
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		for (int k = 0; k < 4; k++)
			s[k] += a[i + k] * b[i + k];
	for (; i < n; i++)
		s[0] += a[i] * b[i];
	return (s[0] + s[1]) + (s[2] + s[3]);
}

/*
 * zt (column j at zt[j * nr]) gets the rows of x standardised and scaled
 * by sqrt(w), yc the centred targets scaled the same way.  Columns, not
 * rows: the normal equations are then dot products of contiguous arrays,
 * where GSL's reference BLAS (dsyrk on the rows) took a third of the run
 * time of a backtest.
 */
static void ridge_design(const struct ridge *m, const double *x,
			 const double *y, const size_t *rows, const double *w,
			 size_t nr, double *zt, double *yc)
{
	for (size_t r = 0; r < nr; r++) {
		const double *xr = &x[rows[r] * NF];
		double q = sqrt(w[r]);
		yc[r] = q * (y[rows[r]] - m->b0);
		for (size_t j = 0; j < m->p; j++)
			zt[j * nr + r] = q * (xr[m->cols[j]] - m->mean[j]) /
					 m->sd[j];
	}
}

/*
 * Fits y ~ x[rows] on the first ncols columns, row r weighing w[r]
 * (weighted least squares: each row scaled by sqrt(w)); -1 if it cannot.
 */
static int ridge_fit(struct ridge *m, const double *x, const double *y,
		     const size_t *rows, const double *w, size_t nr,
		     size_t ncols)
{
	gsl_matrix *a;
	gsl_vector *xty, *beta;
	double sw = 0, *zt, *yc;
	int ret = 0;

	m->b0 = 0;
	for (size_t r = 0; r < nr; r++) {
		m->b0 += w[r] * y[rows[r]];
		sw += w[r];
	}
	m->b0 /= sw;
	ridge_columns(m, x, rows, w, nr, ncols);
	if (!m->p)
		return 0;
	zt = xmalloc(st_mult(st_mult(nr, m->p), sizeof(double)));
	yc = xmalloc(st_mult(nr, sizeof(double)));
	ridge_design(m, x, y, rows, w, nr, zt, yc);
	a = gsl_matrix_alloc(m->p, m->p);
	xty = gsl_vector_alloc(m->p);
	beta = gsl_vector_alloc(m->p);
	for (size_t j = 0; j < m->p; j++) { /* the lower triangle: all */
		for (size_t l = 0; l <= j; l++) /* the Cholesky reads */
			gsl_matrix_set(a, j, l,
				       dot(&zt[j * nr], &zt[l * nr], nr));
		*gsl_matrix_ptr(a, j, j) += LAMBDA * sw;
		gsl_vector_set(xty, j, dot(&zt[j * nr], yc, nr));
	}
	if (gsl_linalg_cholesky_decomp1(a) ||
	    gsl_linalg_cholesky_solve(a, xty, beta))
		ret = -1;
	for (size_t j = 0; j < m->p && !ret; j++)
		m->beta[j] = gsl_vector_get(beta, j);
	free(zt);
	free(yc);
	gsl_matrix_free(a);
	gsl_vector_free(xty);
	gsl_vector_free(beta);
	return ret;
}

static double ridge_predict(const struct ridge *m, const double *x)
{
	double v = m->b0;

	for (size_t j = 0; j < m->p; j++)
		v += m->beta[j] * (x[m->cols[j]] - m->mean[j]) / m->sd[j];
	return v;
}

/* Shared by the fits of one call. */
struct fit_job {
	const struct fc_ctx *c;
	const struct features *f;
	double *target; /* per row: the value later recorded, or NAN */
	size_t *rows;
	double *w;      /* per training row: its weight by age */
	double half_life; /* days for a sample's weight to halve */
};

/*
 * Training rows for a model used from origin kb on: the window of daily
 * origins before it, targets recorded before origin kb; job->w gets
 * their weights by age.
 */
static size_t train_rows(const struct fit_job *job, size_t kb, size_t i,
			 bool wx)
{
	const struct fc_ctx *c = job->c;
	gs_time pb = fc_origin(c, kb);
	size_t nr = 0;

	for (size_t k = kb + 1; k <= kb + FC_WINDOW_DAYS && k < c->norig; k++) {
		size_t r = k * c->n + i;
		if (!job->f->ok[r] || (wx && !job->f->wx[r]) ||
		    fc_origin(c, k) + c->off[i] >= pb || isnan(job->target[r]))
			continue;
		job->w[nr] = pow(0.5, (double)(k - kb) / job->half_life);
		job->rows[nr++] = r;
	}
	return nr;
}

/* Fits point i as of origin kb and predicts origins [klo, kb]. */
static void fit_block(const struct fit_job *job, size_t kb, size_t klo,
		      size_t i, double *pred)
{
	const struct fc_ctx *c = job->c;
	struct ridge m[2]; /* without, with weather */
	bool have[2];

	bool need[2] = {false, false};
	size_t nr;

	for (size_t k = klo; k <= kb; k++)
		need[job->f->wx[k * c->n + i]] = true;
	nr = train_rows(job, kb, i, true);
	have[1] = need[1] && nr >= MIN_ROWS &&
		  !ridge_fit(&m[1], job->f->x, job->target, job->rows, job->w,
			     nr, NF);
	need[0] = need[0] || (need[1] && !have[1]);
	nr = need[0] ? train_rows(job, kb, i, false) : 0;
	have[0] = nr >= MIN_ROWS &&
		  !ridge_fit(&m[0], job->f->x, job->target, job->rows, job->w,
			     nr, NF_NOWX);
	for (size_t k = klo; k <= kb; k++) {
		size_t r = k * c->n + i;
		int v = job->f->wx[r] && have[1];
		if (job->f->ok[r] && have[v])
			pred[r] = ridge_predict(&m[v], &job->f->x[r * NF]);
	}
}

/* A variant of the regression (see the top of the file). */
struct variant {
	bool logs;        /* fit the log value (when every value is > 0) */
	double half_life; /* days */
};

static int regression_run(const struct fc_ctx *c, double half_life,
			  double *pred);

static bool all_positive(const struct fc_ctx *c)
{
	for (size_t j = 0; j < c->ng; j++)
		if (c->y[j] <= 0)
			return false;
	return true;
}

/*
 * A positive series is fitted in logs: errors in proportion to the level
 * are what MAPE counts, and exp of a mean log is a median-like forecast.
 */
static int regression(const struct fc_ctx *c, const struct variant *v,
		      double *pred)
{
	struct fc_ctx lc = *c;
	size_t rows = c->norig * c->n;
	double *ls = NULL;
	int ret;

	if (!v->logs || !all_positive(c))
		return regression_run(c, v->half_life, pred);
	lc.y = xmalloc(st_mult(c->ng, sizeof(double)));
	for (size_t j = 0; j < c->ng; j++)
		lc.y[j] = log(c->y[j]);
	if (c->smooth) {
		lc.smooth = ls = xmalloc(st_mult(rows, sizeof(double)));
		for (size_t r = 0; r < rows; r++)
			ls[r] = c->smooth[r] > 0 ? log(c->smooth[r]) : (double)NAN;
	}
	ret = regression_run(&lc, v->half_life, pred);
	for (size_t r = 0; r < rows; r++)
		pred[r] = exp(pred[r]);
	free(lc.y);
	free(ls);
	return ret;
}

int fc_regression(const struct fc_ctx *c, double *pred)
{
	static const struct variant v = {true, 60};
	return regression(c, &v, pred);
}

int fc_regression_levels(const struct fc_ctx *c, double *pred)
{
	static const struct variant v = {false, 21};
	return regression(c, &v, pred);
}

static int regression_run(const struct fc_ctx *c, double half_life,
			  double *pred)
{
	struct features f;
	struct fit_job job = {c, &f, NULL, NULL, NULL, half_life};
	size_t rows = c->norig * c->n;

	if (c->norig < 2)
		return -1;
	features_build(c, &f);
	job.target = xmalloc(st_mult(rows, sizeof(double)));
	job.rows = xmalloc(st_mult(rows, sizeof(size_t)));
	job.w = xmalloc(st_mult(rows, sizeof(double)));
	for (size_t r = 0; r < rows; r++)
		job.target[r] = fc_grid_value(c, fc_origin(c, r / c->n) +
						      c->off[r % c->n],
					      c->issued);
	for (size_t g = 0; g < c->n; g++) {
		fit_block(&job, 0, 0, g, pred);
		for (size_t kb = c->ncalib; kb >= 1; kb -= kb > REFIT_DAYS
							    ? REFIT_DAYS
							    : kb) {
			size_t klo = kb > REFIT_DAYS ? kb - REFIT_DAYS + 1 : 1;
			fit_block(&job, kb, klo, g, pred);
		}
	}
	free(job.target);
	free(job.rows);
	free(job.w);
	features_release(&f);
	return 0;
}
