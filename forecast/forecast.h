/*
 * forecast.h - forecasting stored series and backtesting the forecasts.
 *
 * Two layers:
 *
 *  - Models (model.c) are pure: they get a series and an issue time and
 *    never touch the store.  A model only ever sees the values recorded
 *    strictly before the issue time; later points in the series it is
 *    handed are ignored, so a caller may pass the whole history.  Every
 *    forecast carries 80% and 95% prediction intervals calibrated on the
 *    same model's own past errors (split-conformal style, see
 *    forecast_model()).
 *
 *  - The backtest (backtest.c) replays history: at every issue time it
 *    refits the models on what was known then, takes the provider
 *    forecasts stored in the store that were issued by then, and scores
 *    all of them against the recorded values on the same points.
 *
 * Models are named in a small table (enum fc_model) so that better ones can
 * be added without touching the callers: FC_GREENSLOT is the best model
 * greenslot has (the combination of fc_combine()), FC_SEASONAL_NAIVE is
 * the reference it is measured against.
 *
 * Call order: fc_result_init(), forecast_model() (any number of times, each
 * call replaces the result), fc_result_release().  Likewise
 * backtest_init(), backtest_run(), backtest_to_json(), backtest_release().
 */
#ifndef GREENSLOT_FORECAST_H
#define GREENSLOT_FORECAST_H

#include "core/core.h"

extern const struct cmd_doc cmd_forecast_doc;
int cmd_forecast(int argc, char **argv, struct cmd_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Models                                                              */
/* ------------------------------------------------------------------ */

enum fc_model {
	FC_GREENSLOT,      /* greenslot's best model: the combination below */
	FC_SEASONAL_NAIVE, /* reference: the same time a whole day earlier */
	FC_SMOOTHING,      /* exponential smoothing, daily + weekly seasons */
	FC_REGRESSION,     /* ridge regression: calendar, weather, history */
	FC_NMODELS,
};

/* Name used in backtest output and as a store source: "greenslot", ... */
const char *fc_model_name(enum fc_model m);

/*
 * A forecast.  From forecast_model() the points are on a regular grid:
 * t[i] = t[0] + i * step_s, the first one the first multiple of step_s
 * (since the epoch) at or after `issued`, the last one before
 * issued + horizon.  v[] is never NaN.  lo80..hi95 hold
 * the interval bounds when has_intervals, else NAN ("absent", as in struct
 * store_point).  When present, lo95 <= lo80 <= v <= hi80 <= hi95.
 */
struct fc_result {
	gs_time issued;
	int64_t step_s;
	gs_time *t;
	double *v, *lo80, *hi80, *lo95, *hi95;
	size_t n, alloc;
	const char *method;  /* used: "combined", "seasonal naive", ... */
	bool has_intervals;
	size_t ncalib;       /* past errors the intervals were calibrated on */
	struct strbuf warning; /* empty, or notes for the user joined by "; " */
};

void fc_result_init(struct fc_result *r);
void fc_result_release(struct fc_result *r);
/*
 * Replaces r with the finite points of s (someone else's forecast, e.g. a
 * provider's), without intervals; step_s becomes series_step(s), so the
 * points need not be on a regular grid.
 */
void fc_result_from_series(struct fc_result *r, const struct series *s,
			   gs_time issued);
/* Index of the point in force at t (t[i] <= t < t[i] + step_s), or -1. */
long fc_result_at(const struct fc_result *r, gs_time t);

/*
 * Forecasts `history` from `issued` over [issued, issued + horizon_s) with
 * model m, on step_s (0: the series' own step, series_step() of the values
 * known at `issued`).
 *
 * Seasonal naive: the value at t is the recorded value at t - k * 24h for
 * the smallest k >= 1 such that t - k * 24h < issued and a value is known
 * there (a point p with p <= t - k * 24h < p + step).  Where no whole number
 * of days back has a value, the last known value is used and a warning says
 * so.  With less than a day of history the model is persistence (the last
 * known value everywhere), with a warning; with none it is an error.
 *
 * Intervals: the model is re-issued at the same time of day on each of the
 * 28 days before `issued` (persistence: at every step of its short history)
 * using only the values known at that earlier time, and its errors
 * (actual - forecast) on values known before `issued` are collected per
 * lead hour (fc_lead_hours()).  The 80% and 95% bounds are the forecast
 * plus the empirical alpha/2 and 1 - alpha/2 quantiles of those errors (the
 * floor((n+1)alpha/2)-th and ceil((n+1)(1-alpha/2))-th smallest, clamped to
 * 1..n).  A lead hour with fewer than 20 errors uses the errors of all lead
 * hours pooled, and the warning says so.  A series never seen below zero
 * gets no lower bound below zero.
 */
int forecast_model(enum fc_model m, const struct series *history,
		   gs_time issued, int64_t horizon_s, int64_t step_s,
		   struct fc_result *out, struct errmsg *err);

/*
 * Weather forecasts of one zone (or weather key) as they were issued: for
 * each variable every stored vintage, so that a forecast issued at T can
 * take, for each hour it covers, the latest weather forecast issued before
 * T.  Load once per zone with fc_weather_load() (any source); release with
 * fc_weather_release().  An empty fc_weather is valid: no weather.
 */
enum fc_wvar {
	FC_W_TEMPERATURE,
	FC_W_WIND_SPEED,
	FC_W_SOLAR_RADIATION,
	FC_W_DEWPOINT,
	FC_W_PRECIPITATION,
	FC_NWVARS,
};

struct fc_wrows {
	gs_time *issued, *t; /* sorted by issued, then t */
	double *v;
	size_t n, alloc;
};

struct fc_weather {
	struct fc_wrows var[FC_NWVARS];
};

void fc_weather_init(struct fc_weather *w);
void fc_weather_release(struct fc_weather *w);
/* Appends one row; rows must come sorted by (issued, t). */
void fc_weather_add(struct fc_weather *w, enum fc_wvar var, gs_time issued,
		    gs_time t, double v);
int fc_weather_load(struct store *st, const char *zone, struct fc_weather *w,
		    struct errmsg *err);
/* Rows of all variables together (0: no weather at all). */
size_t fc_weather_rows(const struct fc_weather *w);
/*
 * The value of var at t from the latest vintage issued strictly before
 * `known_before` that has a point at t (a point p <= t < p + 1h); false
 * when none has.
 */
bool fc_weather_at(const struct fc_weather *w, enum fc_wvar var,
		   gs_time known_before, gs_time t, double *v);

/*
 * The recorded generation mix of a zone (generation_<fuel> series), whose
 * recent shares tell the regression what is running (a nuclear outage, a
 * dry year).  fc_mix_load() reads the generation_ signals of the zone,
 * the FC_MAX_MIX that generate most when there are more; release with
 * fc_mix_release().
 */
#define FC_MAX_MIX 12
struct fc_mix {
	struct series s[FC_MAX_MIX];
	size_t n;
};
void fc_mix_init(struct fc_mix *m);
void fc_mix_release(struct fc_mix *m);
int fc_mix_load(struct store *st, const char *zone, struct fc_mix *m,
		struct errmsg *err);

/* What a model may know: the recorded history, weather vintages, mix. */
struct fc_input {
	const struct series *history;
	const struct fc_weather *weather; /* may be NULL */
	const struct fc_mix *mix;         /* may be NULL */
};

/*
 * forecast_model() with weather.  FC_GREENSLOT, FC_SMOOTHING and
 * FC_REGRESSION are described at fc_combine(); FC_SEASONAL_NAIVE ignores
 * the weather.  components (NULL, or an array of FC_NMODELS results, each
 * initialised) gets, for FC_GREENSLOT, the forecasts of the seasonal naive,
 * smoothing and regression components (index by enum fc_model) on the same
 * grid with their own intervals (not the regression's twin in levels,
 * which has no model of its own); a component that could not run has
 * n = 0.
 */
int forecast_model_in(enum fc_model m, const struct fc_input *in,
		      gs_time issued, int64_t horizon_s, int64_t step_s,
		      struct fc_result *out, struct fc_result *components,
		      struct errmsg *err);

/*
 * greenslot's model (model == FC_GREENSLOT) or one of its components
 * alone; out already holds the grid (made by forecast_model_in()), `in`
 * only values known before out->issued.  On a grid whose step divides a
 * day:
 *
 *  - smoothing: additive Holt-Winters with a daily and a weekly season and
 *    no trend (Taylor 2003), plus an AR(1) correction of its last one-step
 *    error; fixed smoothing constants, one pass over the history;
 *  - regression: ridge regression (GSL Cholesky on standardised columns)
 *    of the log value (of the value if it is ever <= 0), one per output
 *    point (lead time), on hour-of-day and weekday dummies, the weather
 *    forecast for the hour and for a day earlier (temperature, wind speed,
 *    solar radiation, dewpoint, precipitation, squares of the first two;
 *    only vintages issued before the issue time), recent history (the last
 *    value, the seasonal naive value, the value a week earlier, the means
 *    of the last day and of the same hour over the last week, the last
 *    3-hour change, the smoothing forecast) and the shares of the
 *    generation mix over the last day; fitted on the forecasts that daily
 *    issues at the same time of day over the FC_WINDOW_DAYS before would
 *    have had to make, each weighing half as much per 60 days of age;
 *  - within FC_GREENSLOT only, the regression's twin: the same fit of the
 *    value itself (not its log), each sample weighing half per 21 days;
 *  - the combination weighs the components per lead bucket by
 *    1/MAPE^8 of their forecasts re-issued at the same time of day on each
 *    of the FC_CALIB_DAYS days before (each on what was known then, the
 *    regression refitted every two weeks);
 *  - intervals: conformal, the empirical quantiles of the errors of those
 *    same re-issued combined forecasts, per lead pooled with the two
 *    leads on each side.
 *
 * Returns -1 (nothing done, the reason in out->warning) when the history
 * is shorter than FC_MIN_DAYS, has no value in the 7 days before the
 * issue time (an outage), or its step does not divide a day.  A component
 * that cannot run is left out with a warning in out->warning.
 */
int fc_combine(enum fc_model model, const struct fc_input *in,
	       struct fc_result *out, struct fc_result *components);

#define FC_WINDOW_DAYS 168 /* 24 weeks: weather effects need samples */
#define FC_CALIB_DAYS 42
#define FC_MIN_DAYS 14

/*
 * Forecasts zone/signal with greenslot's model from the values recorded
 * before `at`, over horizon_s on the series' own step, and stores it as
 * source "greenslot" issued at `at`.  r (initialised by the caller) gets
 * the forecast, with its warnings.
 */
int forecast_store(struct store *st, const char *zone, const char *signal,
		   gs_time at, int64_t horizon_s, struct fc_result *r,
		   struct errmsg *err);
/*
 * The same with model m, stored as source fc_model_name(m).  Loads the
 * zone's weather vintages and generation mix for the models that use them.
 */
int forecast_store_model(struct store *st, enum fc_model m, const char *zone,
			 const char *signal, gs_time at, int64_t horizon_s,
			 struct fc_result *r, struct errmsg *err);
/* The model named `name` (fc_model_name()), or -1. */
int fc_model_by_name(const char *name);

/* The seasonal naive reference: forecast_model(FC_SEASONAL_NAIVE, ...). */
int forecast_snaive(const struct series *history, gs_time issued,
		    int64_t horizon_s, int64_t step_s, struct fc_result *out,
		    struct errmsg *err);

/* Lead time of a point at t issued at `issued`, in whole hours, 1-based:
 * floor((t - issued) / 3600) + 1, so issued+0h..issued+59m59s is lead 1. */
int64_t fc_lead_hours(gs_time issued, gs_time t);

/*
 * Empirical interval of `level` (80 or 95 percent; alpha = 1 - level/100)
 * from n >= 1 sorted errors: the floor((n+1)alpha/2)-th and the
 * ceil((n+1)(1-alpha/2))-th smallest (1-based, clamped to 1..n).
 */
void fc_quantile_interval(const double *sorted, size_t n, int level,
			  double *lo, double *hi);

/* ------------------------------------------------------------------ */
/* Backtest                                                            */
/* ------------------------------------------------------------------ */

/*
 * Lead-time buckets of the backtest, by fc_lead_hours(): "1-6h" (leads
 * 1..6), "7-24h", "25-48h", "49-96h".  Longer leads count in the totals
 * only.
 */
#define BT_NBUCKETS 4
/* Index of the bucket of lead hours `lead`, or -1 outside every bucket. */
int bt_bucket(int64_t lead);
const char *bt_bucket_name(int bucket);

/* Error sums of one model over a set of points. */
struct bt_stats {
	size_t n;        /* points scored */
	size_t mape_n;   /* of which in MAPE: |actual| >= 1e-9 */
	size_t nint;     /* of which with intervals, for the coverage */
	size_t in80, in95;
	double abs_sum;  /* sum |forecast - actual| */
	double ape_sum;  /* sum |forecast - actual| / |actual| * 100 */
	double err_sum;  /* sum forecast - actual */
};

/*
 * Adds one point.  lo80..hi95 may be NAN (no interval for it).  An actual
 * inside [lo, hi] (bounds included) counts as covered.
 */
void bt_stats_add(struct bt_stats *s, double forecast, double actual,
		  double lo80, double hi80, double lo95, double hi95);
/* Mean absolute error, MAPE (percent), bias; -1 when there is no point. */
int bt_stats_mae(const struct bt_stats *s, double *out);
int bt_stats_mape(const struct bt_stats *s, double *out);
int bt_stats_bias(const struct bt_stats *s, double *out);
/* Fraction of the actuals with an interval that fall in it; -1 if none. */
int bt_stats_coverage(const struct bt_stats *s, int level, double *out);

struct bt_model {
	char *name;         /* "greenslot", "seasonal_naive" or a source */
	bool has_intervals; /* greenslot's models; providers' come without */
	struct bt_stats all;
	struct bt_stats bucket[BT_NBUCKETS];
};

/*
 * One backtest.  Fill zone, signal, from, to (GS_TIME_NONE: defaults),
 * horizon_s and step_s after backtest_init(); backtest_run() fills the
 * rest (the defaults resolved, issues, models).
 */
struct backtest {
	const char *zone, *signal;
	gs_time from, to;
	int64_t horizon_s, step_s;
	size_t issues;      /* issue times that scored at least one point */
	struct bt_model *models;
	size_t nmodels, alloc_models;
	/*
	 * greenslot's components alone (FC_SMOOTHING, FC_REGRESSION; others
	 * unused), on the points scored above where they have a value.
	 */
	struct bt_model components[FC_NMODELS];
};

void backtest_init(struct backtest *bt);
void backtest_release(struct backtest *bt);

/*
 * Replays the recorded zone/signal: issue times every step_s aligned to
 * 00:00 UTC in [from, to) (defaults: the first recorded time + 7 days
 * rounded up to 00:00 UTC; the last recorded time).  At each, greenslot's
 * model and seasonal naive are fitted on the values recorded before it,
 * and each provider forecast source (store_forecast_sources() less
 * "greenslot") gives its vintage issued last at or before it.  Every
 * recorded point in [issue, issue + horizon) where all of them have a value
 * is scored for all of them.  Reads the store; never greenslot's stored
 * forecasts.
 */
int backtest_run(struct store *st, struct backtest *bt, struct errmsg *err);

/*
 * Scores one issue time: `actual` holds the recorded values, fc[nmodels]
 * the forecasts (in bt->models order) as fc_results.  Adds the points in
 * [issue, issue + horizon) where every forecast has a value.  Returns the
 * number of points scored.  Pure: backtest_run() calls it per issue.
 */
size_t backtest_score(struct backtest *bt, gs_time issue,
		      const struct series *actual,
		      const struct fc_result *const *fc);

/* Appends a model (name copied); returns it. */
struct bt_model *backtest_add_model(struct backtest *bt, const char *name,
				    bool has_intervals);

/* The backtest as indented JSON text, ending in a newline; caller frees. */
char *backtest_to_json(const struct backtest *bt);

/* ================================================================== */
/* Runtime predictors: learning how long jobs run from past runs       */
/* ================================================================== */

/*
 * Three layers, each usable alone:
 *
 *  - Readers (history*.c) turn a run history file into job_runs
 *    (core.h): greenslot CSV and JSON Lines, SWF (.swf, .swf.gz), sacct
 *    --parsable2, executor metrics rows.  history_read() checks strictly
 *    and fails with "FILE:LINE:COL: ...".
 *
 *  - Features (runtime.c) are computed online: rt_replay() walks runs in
 *    submit order and gives each the features known at its submit time,
 *    i.e. from the runs that ENDED strictly before it was submitted (its
 *    own runtime never).  Categorical fields (user, executable, queue,
 *    site, unit) enter as ordered target statistics: count and mean
 *    target of the earlier runs with the same value, so unseen values
 *    are simply missing and nothing is fitted on a row's own label.
 *    The features object counts as one categorical value (compact JSON
 *    with sorted keys, less user, executable, queue and requested_s).
 *
 *  - The model (runtime-model.c): XGBoost gradient-boosted trees on the
 *    target y = log(runtime / quantity) (quantity 1 when absent), so a
 *    prediction scales linearly with the quantity of work asked for even
 *    outside the quantities seen.  P50 = exp(f(x)) * quantity; other
 *    quantiles add the split-conformal quantile of held-out residuals
 *    y - f(x) (rt_model_offset()).
 *
 * Call order: run_set_init(), history_read() per file, ...,
 * run_set_release().  rt_model_init(), rt_train() or rt_model_load(),
 * rt_model_predict(), rt_model_release().
 */

enum hist_format { HIST_CSV, HIST_JSONL, HIST_SWF, HIST_SACCT, HIST_EXECUTOR };
const char *hist_format_name(enum hist_format f);

/* A growable array of runs; owns their strings. */
struct run_set {
	struct job_run *runs;
	size_t n, alloc;
};
void run_set_init(struct run_set *rs);
void run_set_release(struct run_set *rs);
/* Appends a run with every field unknown. */
struct job_run *run_set_push(struct run_set *rs);

/*
 * Appends the runs of one history file to rs (a failed read appends
 * nothing: rs is released).  *fmt (may be NULL) gets the format found.
 */
int history_read(const char *path, struct run_set *rs,
		 enum hist_format *fmt, struct errmsg *err);
/* Slurm's [D-]HH:MM:SS and friends in seconds; -1 for UNLIMITED. */
int slurm_duration(const char *s, double *out);

/* Features, in this order (NAN: missing). */
enum rt_feature {
	RTF_REQ,        /* log(requested_s / quantity) */
	RTF_CORES,      /* log(cores): sum of the resources' counts */
	RTF_QTY,        /* log(quantity) */
	RTF_HOUR,       /* of submit, UTC */
	RTF_WDAY,
	RTF_UE_LAST,    /* same user and executable: last target */
	RTF_UE_LAST2,   /* mean target of its last two runs */
	RTF_UE_MEAN,    /* mean target of all its runs */
	RTF_UE_N,       /* log(1 + number of its runs) */
	RTF_UE_REQ,     /* its last run's log(runtime / requested) */
	RTF_U_LAST,     /* same user, any executable */
	RTF_U_LAST2,    /* log of the mean runtime per unit of its last two */
	RTF_U_MEAN,
	RTF_U_N,
	RTF_U_REQ,      /* mean log(runtime / requested) of the user */
	RTF_EXE_MEAN,   /* same executable, any user */
	RTF_QUEUE_MEAN,
	RTF_SITE_MEAN,
	RTF_UNIT_MEAN,
	RTF_FEATURES_MEAN, /* same features object (user etc. left out) */
	RTF_N
};
const char *rt_feature_name(enum rt_feature f);

/* Online statistics of finished runs, keyed by user, executable... */
struct rt_hist;
struct rt_hist *rt_hist_new(void);
void rt_hist_free(struct rt_hist *h);
/* Whether a run is a training example and feeds the statistics. */
bool rt_usable(const struct job_run *r);
/* Its target y = log(max(runtime, 1) / quantity). */
double rt_target(const struct job_run *r);
/* Adds a finished usable run (others are ignored). */
void rt_hist_add(struct rt_hist *h, const struct job_run *r);
/* Features of r (its runtime and end unused) given h, into x[RTF_N]. */
void rt_features(const struct rt_hist *h, const struct job_run *r,
		 float *x);
/*
 * Mean power in W (energy_kwh over runtime) of the finished runs of r's
 * user and executable that report energy; NAN when none does.
 */
double rt_hist_power(const struct rt_hist *h, const struct job_run *r);
/* Sets only x[RTF_SITE_MEAN] for `site`: one job at several sites. */
void rt_features_site(const struct rt_hist *h, const char *site, float *x);
/* Sorts runs by submit time (unknown last), ties by id, in place. */
void rt_sort_runs(struct job_run *runs, size_t n);
/*
 * For runs sorted by rt_sort_runs(): X[i * RTF_N...] gets run i's
 * features from the runs that ended strictly before its submit time; h
 * ends up holding every usable run that has an end.  A run without an end
 * ends at its start plus its runtime, else at its submit plus it.
 */
void rt_replay(const struct job_run *runs, size_t n, struct rt_hist *h,
	       float *X);

/* Quantiles calibrated at training time, besides the median. */
#define RT_NQ 5
extern const double rt_quantiles[RT_NQ]; /* 0.5 0.8 0.9 0.95 0.99 */
/* Whether q is one of rt_quantiles. */
bool rt_quantile_known(double q);

/* Hyper-parameters: boosted (greenslot's) or a random forest (baseline). */
enum rt_kind { RT_BOOSTED, RT_FOREST };

struct xgb;
struct rt_model {
	struct xgb *xgb;       /* XGBoost's API, opened when first needed */
	void *booster;         /* XGBoost BoosterHandle, NULL if none */
	enum rt_kind kind;     /* RT_BOOSTED starts from a base margin */
	double offset[RT_NQ];  /* log-residual quantile per rt_quantiles */
	double fallback;       /* margin of runs with nothing to go on */
	char *metrics;         /* JSON: held-out metrics, as stored */
};
void rt_model_init(struct rt_model *m);
void rt_model_release(struct rt_model *m);

/* Fits f on n rows (X, y) only; no calibration. */
int rt_model_fit(struct rt_model *m, enum rt_kind kind, const float *X,
		 const double *y, size_t n, struct errmsg *err);
/* yhat[i] = f(X row i), in target (log) space. */
int rt_model_predict(const struct rt_model *m, const float *X, size_t n,
		     double *yhat, struct errmsg *err);
/* Log offset of quantile q (0.5 gives 0), or -1 if q is not calibrated. */
int rt_model_offset(const struct rt_model *m, double q, double *offset);

/*
 * The whole training: usable runs in submit order, fitted on the first
 * 80%, residual quantiles from the last 20% (their metrics go into
 * m->metrics).  Sorts runs in place.
 */
int rt_train(struct rt_model *m, struct job_run *runs, size_t n,
	     struct errmsg *err);
/*
 * Holds out the last 20% of runs by submit time, trains on the rest as
 * rt_train() does and scores the usable held-out runs against the
 * baselines.  Appends a JSON object to out.
 */
int rt_evaluate(struct job_run *runs, size_t n, struct strbuf *out,
		struct errmsg *err);

/* The model in the store (name "runtime"): save replaces; load 1: none. */
int rt_model_save(struct store *st, const struct rt_model *m,
		  struct errmsg *err);
int rt_model_load(struct store *st, struct rt_model *m, struct errmsg *err);

/*
 * A loaded predictor: the stored model and the statistics of every
 * stored run, for predicting jobs that have not run yet.
 */
struct rt_predictor {
	struct rt_model model;
	struct rt_hist *hist;
	size_t nruns; /* stored runs replayed into hist */
};
/* 0 loaded, 1 no trained model in the store, -1 error. */
int rt_predictor_load(struct rt_predictor *p, struct store *st,
		      struct errmsg *err);
/* Only the stored runs' statistics (learned power), no model: 0 or -1. */
int rt_predictor_load_runs(struct rt_predictor *p, struct store *st,
			   struct errmsg *err);
void rt_predictor_release(struct rt_predictor *p);
/*
 * A job spec's profile as a run to predict: unit, quantity, resources
 * (catalog names), submit = earliest_start, site (may be NULL), and from
 * its features object the strings user, executable, queue and the
 * number requested_s.  Release with job_run_release().
 */
void rt_job_as_run(const struct catalog *cat, const struct job *job,
		   size_t profile, const char *site, struct job_run *out);
/*
 * Runtimes in seconds of n feature rows of runs with quantities qty[]:
 * the median into p50 and quantile q into pq (either may be NULL).
 * Fails when q is not calibrated (rt_quantiles).
 */
int rt_predict_rows(const struct rt_model *m, const float *X,
		    const double *qty, size_t n, double q, double *p50,
		    double *pq, struct errmsg *err);
/* A job's profile predicted at a site. */
struct rt_job_pred {
	size_t job, profile, site;
	bool allowed;     /* the job may run at the site */
	double p50, pq;   /* runtime at that site, s */
	double learned_w; /* mean power of the stored runs of the same user
			     and executable that report energy; NAN: none */
};
/*
 * The one prediction of job specs that predict and solve share: each
 * profile of each job of js (only those without a duration when
 * `missing`) at each site of cat, from the site's own statistics when
 * stored runs ran there, else the site-free prediction divided by the
 * site's speed.  *out (free() it) gets *n rows in job, profile, site
 * order.  Fails when q is not calibrated.
 */
int rt_predict_jobs(const struct rt_predictor *p, const struct catalog *cat,
		    const struct jobset *js, double q, bool missing,
		    struct rt_job_pred **out, size_t *n, struct errmsg *err);
/* The learned power of a job's profile (see rt_job_pred), NAN: none. */
double rt_job_learned_w(const struct rt_predictor *p,
			const struct catalog *cat, const struct job *job,
			size_t profile);
/*
 * A job's profile's power at a site, in W: its power_w, else the learned
 * power (NAN: none), else its resources times the site's power_w.
 */
double rt_job_power(const struct catalog *cat, const struct job *job,
		    size_t profile, size_t site, double learned_w);

extern const struct cmd_doc cmd_train_doc, cmd_predict_doc;
int cmd_train(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_predict(int argc, char **argv, struct cmd_ctx *ctx);

#endif
