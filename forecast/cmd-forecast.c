/*
 * cmd-forecast.c - `greenslot forecast` and `greenslot forecast backtest`:
 * the command-line face of the forecast module.  Options are parsed and
 * results printed here; the models and the backtest live in model.c and
 * backtest.c.
 */
#include "forecast/forecast.h"

#include <getopt.h>
#include <math.h>

#define HOUR 3600

static const struct cmd_opt forecast_opts[] = {
	{"--db PATH", "store to read history from and write forecasts to"},
	{"--zone Z", "zone to forecast (repeatable; default every zone with "
		     "recorded data of the signal)"},
	{"--signal SIGNAL", "signal to forecast (repeatable; default "
		       "carbon_intensity and price)"},
	{"--at T", "issue time: fit on values recorded before it (default "
		   "now, floored to the hour)"},
	{"--horizon D", "how far ahead (ISO 8601; default PT48H, backtest "
			"PT24H)"},
	{"--model greenslot|seasonal_naive|smoothing|regression",
	 "the model (default greenslot, the combination); its forecasts are "
	 "stored under its name"},
	{"--from T", "backtest: first issue time (default the first recorded "
		     "time + 7 days, rounded up to 00:00 UTC)"},
	{"--to T", "backtest: issue times before this (default the last "
		   "recorded time)"},
	{"--step D", "backtest: time between issue times, aligned to 00:00 "
		     "UTC (default PT24H)"},
	{NULL, NULL},
};

const struct cmd_doc cmd_forecast_doc = {
	"forecast [--zone Z]... [--signal S]... [--at T] [--horizon PT48H] "
	"[--model M]\n"
	"forecast backtest --zone Z --signal S [--from T] [--to T] "
	"[--horizon PT24H] [--step PT24H]",
	"forecast carbon intensity and prices, and backtest the forecasts",
	"Fits greenslot's model on what was known before --at and stores the "
	"forecast, on the series' own step, with 80% and 95% prediction "
	"intervals, under source \"greenslot\".  The model combines four "
	"components per lead bucket, weighed by their recent errors: seasonal "
	"naive (the value a whole number of days earlier), exponential "
	"smoothing with a daily and a weekly season, and a ridge regression "
	"per lead hour on hour and weekday, the zone's weather forecasts "
	"(vintages issued before --at, stored under the zone's key), its "
	"recent values and generation mix, refitted on the last 24 weeks, "
	"in two variants: of the log value with older samples weighing half "
	"per 60 days, and of the value itself, half per 21 days.  "
	"The intervals are the quantiles of the combination's own errors when "
	"re-issued on each of the 42 days before (conformal).  With less than "
	"14 days of history, or none in the last 7 days, the model is "
	"seasonal naive, with less than a day the last known value; a "
	"warning says so.  One line per zone and "
	"signal is printed.\n\n"
	"'forecast backtest' replays history: at every issue time it refits "
	"greenslot's model and the seasonal naive reference on the values "
	"recorded before it, takes each provider forecast stored for the zone "
	"and signal as issued last at or before it, and prints JSON with "
	"mae, mape (percent, over the mape_n actuals that are not zero), "
	"bias (mean forecast - actual), n, coverage80 and coverage95 (null "
	"for forecasts without intervals) per model, overall and by_horizon; "
	"\"components\" holds the same for greenslot's smoothing and "
	"regression components alone.  "
	"All models are scored on the same points: the recorded values in "
	"[issue, issue + horizon) where every model has a value.  The lead "
	"time of a point at t is floor((t - issue) / 1h) + 1 hours, so "
	"\"1-6h\" holds the points from issue+0h to issue+5h59m, then come "
	"\"7-24h\", \"25-48h\" and \"49-96h\".",
	forecast_opts,
};

enum { OPT_ZONE = 256, OPT_SIGNAL, OPT_AT, OPT_HORIZON, OPT_FROM, OPT_TO,
       OPT_STEP, OPT_MODEL };

static const struct option long_opts[] = {
	{"zone", required_argument, NULL, OPT_ZONE},
	{"signal", required_argument, NULL, OPT_SIGNAL},
	{"at", required_argument, NULL, OPT_AT},
	{"horizon", required_argument, NULL, OPT_HORIZON},
	{"from", required_argument, NULL, OPT_FROM},
	{"to", required_argument, NULL, OPT_TO},
	{"step", required_argument, NULL, OPT_STEP},
	{"model", required_argument, NULL, OPT_MODEL},
	{NULL, 0, NULL, 0},
};

struct forecast_args {
	const char **zones;
	size_t nzones, alloc_zones;
	const char **signals;
	size_t nsignals, alloc_signals;
	gs_time at, from, to;
	int64_t horizon_s, step_s;
	enum fc_model model;
	bool has_at, has_from, has_to, has_step, has_model;
};

static void args_release(struct forecast_args *a)
{
	free(a->zones);
	free(a->signals);
}

static int parse_one(struct forecast_args *a, int c, const char *arg)
{
	switch (c) {
	case OPT_ZONE:
		ALLOC_GROW(a->zones, a->nzones + 1, a->alloc_zones);
		a->zones[a->nzones++] = arg;
		return 0;
	case OPT_SIGNAL:
		ALLOC_GROW(a->signals, a->nsignals + 1, a->alloc_signals);
		a->signals[a->nsignals++] = arg;
		return 0;
	case OPT_AT:
		a->has_at = true;
		return opt_time("--at", arg, &a->at);
	case OPT_HORIZON:
		return opt_duration("--horizon", arg, &a->horizon_s);
	case OPT_FROM:
		a->has_from = true;
		return opt_time("--from", arg, &a->from);
	case OPT_TO:
		a->has_to = true;
		return opt_time("--to", arg, &a->to);
	case OPT_STEP:
		a->has_step = true;
		return opt_duration("--step", arg, &a->step_s);
	case OPT_MODEL:
		a->has_model = true;
		if (fc_model_by_name(arg) < 0)
			return error("unknown model '%s' (greenslot, "
				     "seasonal_naive, smoothing, regression)",
				     arg);
		a->model = (enum fc_model)fc_model_by_name(arg);
		return 0;
	default:
		return -1; /* getopt_long has said what is wrong */
	}
}

static int parse_args(int argc, char **argv, struct forecast_args *a)
{
	int c;

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
		if (c == ':')
			return error("option '%s' needs a value",
				     argv[optind - 1]);
		if (c == '?')
			return error("unknown option '%s'", argv[optind - 1]);
		if (parse_one(a, c, optarg) < 0)
			return -1;
	}
	if (optind < argc)
		return error("unexpected argument '%s'", argv[optind]);
	return 0;
}

/* ------------------------------------------------------------------ */
/* forecast                                                            */
/* ------------------------------------------------------------------ */

/* Forecasts one zone/signal, stores it and prints its summary line. */
static int forecast_one(struct store *st, const char *zone,
			const char *signal, const struct forecast_args *a)
{
	struct fc_result r;
	struct errmsg err;
	char t0[GS_TIME_BUFSZ], t1[GS_TIME_BUFSZ];
	int ret = -1;

	fc_result_init(&r);
	if (forecast_store_model(st, a->model, zone, signal, a->at,
				 a->horizon_s, &r, &err) < 0) {
		error("%s %s: %s", zone, signal, err.msg);
		goto out;
	}
	if (r.warning.len)
		warning("%s %s: %s", zone, signal, r.warning.buf);
	printf("%s %s: %zu point%s %s..%s, model %s\n", zone, signal, r.n,
	       r.n == 1 ? "" : "s", time_format(r.t[0], t0),
	       time_format(r.t[r.n - 1] + r.step_s, t1), r.method);
	ret = 0;
out:
	fc_result_release(&r);
	return ret;
}

static const char *const default_signals[] = {"carbon_intensity", "price"};
#define NDEFAULT_SIGNALS 2

static bool strv_has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* With --signal: each one for the --zone zones, else wherever recorded. */
static int explicit_signals(struct store *st, const struct forecast_args *a,
			    size_t *failed)
{
	for (size_t i = 0; i < a->nsignals; i++) {
		const char *signal = a->signals[i];
		char **zones;
		size_t nzones;
		struct errmsg err;

		if (a->nzones) {
			for (size_t j = 0; j < a->nzones; j++)
				*failed += forecast_one(st, a->zones[j],
							signal, a) < 0;
			continue;
		}
		if (store_zones_with(st, signal, &zones, &nzones, &err) < 0)
			return error("%s", err.msg);
		if (!nzones) {
			error("no recorded values of '%s' in any zone", signal);
			(*failed)++;
		}
		for (size_t j = 0; j < nzones; j++)
			*failed += forecast_one(st, zones[j], signal, a) < 0;
		strv_free(zones, nzones);
	}
	return 0;
}

/*
 * Without --signal: carbon intensity and price wherever they were
 * recorded (of the --zone zones, if given), skipping what was not.
 */
static int default_signals_run(struct store *st,
			       const struct forecast_args *a, size_t *failed)
{
	char **zones[NDEFAULT_SIGNALS] = {NULL};
	size_t nzones[NDEFAULT_SIGNALS] = {0}, done = 0;
	struct errmsg err;
	int ret = 0;

	for (size_t i = 0; i < NDEFAULT_SIGNALS; i++)
		if (store_zones_with(st, default_signals[i], &zones[i],
				     &nzones[i], &err) < 0) {
			ret = error("%s", err.msg);
			goto out;
		}
	if (a->nzones) {
		for (size_t j = 0; j < a->nzones; j++) {
			bool any = false;
			for (size_t i = 0; i < NDEFAULT_SIGNALS; i++) {
				if (!strv_has(zones[i], nzones[i], a->zones[j]))
					continue;
				*failed += forecast_one(st, a->zones[j],
							default_signals[i],
							a) < 0;
				any = true;
			}
			if (!any) {
				error("%s: no recorded carbon_intensity or "
				      "price values", a->zones[j]);
				(*failed)++;
			}
		}
		goto out;
	}
	for (size_t i = 0; i < NDEFAULT_SIGNALS; i++)
		for (size_t j = 0; j < nzones[i]; j++, done++)
			*failed += forecast_one(st, zones[i][j],
						default_signals[i], a) < 0;
	if (!done)
		ret = error("no recorded carbon_intensity or price values to "
			    "forecast");
out:
	for (size_t i = 0; i < NDEFAULT_SIGNALS; i++)
		strv_free(zones[i], nzones[i]);
	return ret;
}

static int cmd_forecast_run(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct forecast_args a = {0};
	struct store *st;
	size_t failed = 0;
	int ret = EXIT_USAGE;

	a.horizon_s = 48 * HOUR;
	if (parse_args(argc, argv, &a) < 0)
		goto out;
	if (a.has_from || a.has_to || a.has_step) {
		error("--from, --to and --step belong to 'forecast backtest'");
		goto out;
	}
	if (!a.has_at)
		a.at = time_floor(time_now(), HOUR);
	if (!(st = cmd_store(ctx)))
		ret = EXIT_RUNTIME;
	else if ((a.nsignals ? explicit_signals(st, &a, &failed)
			     : default_signals_run(st, &a, &failed)) < 0)
		ret = EXIT_RUNTIME;
	else
		ret = failed ? EXIT_RUNTIME : EXIT_OK;
out:
	args_release(&a);
	return ret;
}

/* ------------------------------------------------------------------ */
/* forecast backtest                                                   */
/* ------------------------------------------------------------------ */

static int backtest_args(int argc, char **argv, struct forecast_args *a)
{
	a->horizon_s = 24 * HOUR;
	a->step_s = 24 * HOUR;
	if (parse_args(argc, argv, a) < 0)
		return -1;
	if (a->nzones != 1 || a->nsignals != 1)
		return error("'forecast backtest' needs one --zone and one "
			     "--signal");
	if (a->has_at || a->has_model)
		return error("%s belongs to 'forecast', not to 'forecast "
			     "backtest'", a->has_at ? "--at" : "--model");
	if (a->has_from && a->has_to && a->from >= a->to)
		return error("--from must be before --to");
	return 0;
}

static int cmd_backtest(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct forecast_args a = {0};
	struct backtest bt;
	struct errmsg err;
	char *json;
	int ret = EXIT_USAGE;

	backtest_init(&bt);
	if (backtest_args(argc, argv, &a) < 0)
		goto out;
	bt.zone = a.zones[0];
	bt.signal = a.signals[0];
	bt.from = a.has_from ? a.from : GS_TIME_NONE;
	bt.to = a.has_to ? a.to : GS_TIME_NONE;
	bt.horizon_s = a.horizon_s;
	bt.step_s = a.step_s;
	if (!cmd_store(ctx)) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (backtest_run(ctx->store, &bt, &err) < 0) {
		error("%s", err.msg);
		ret = EXIT_RUNTIME;
		goto out;
	}
	json = backtest_to_json(&bt);
	fputs(json, stdout);
	free(json);
	ret = EXIT_OK;
out:
	backtest_release(&bt);
	args_release(&a);
	return ret;
}

int cmd_forecast(int argc, char **argv, struct cmd_ctx *ctx)
{
	if (argc > 1 && !strcmp(argv[1], "backtest"))
		return cmd_backtest(argc - 1, argv + 1, ctx);
	return cmd_forecast_run(argc, argv, ctx);
}
