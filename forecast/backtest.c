/*
 * backtest.c - replaying history to score forecasts fairly.
 *
 * A forecast is only worth what it would have scored when it was made, so
 * the backtest re-issues greenslot's models at past times on what was known
 * then, and compares them with the provider forecasts of the same vintage
 * on exactly the same points: a point counts only where every model and
 * the recorded value exist, so no model is flattered by skipping hard hours.
 */
#include "forecast/internal.h"

#include <jansson.h>
#include <math.h>

#define DAY 86400

/*
 * Lead-time buckets over fc_lead_hours() = floor((t - issued)/3600) + 1:
 * a point at issue+0h..issue+5h59m is in "1-6h", issue+6h..23h59m in
 * "7-24h", and so on.
 */
static const struct {
	const char *name;
	int64_t first, last; /* lead hours, inclusive */
} buckets[BT_NBUCKETS] = {
	{"1-6h", 1, 6},
	{"7-24h", 7, 24},
	{"25-48h", 25, 48},
	{"49-96h", 49, 96},
};

int bt_bucket(int64_t lead)
{
	for (int i = 0; i < BT_NBUCKETS; i++)
		if (lead >= buckets[i].first && lead <= buckets[i].last)
			return i;
	return -1;
}

const char *bt_bucket_name(int bucket)
{
	return bucket >= 0 && bucket < BT_NBUCKETS ? buckets[bucket].name
						   : "";
}

void bt_stats_add(struct bt_stats *s, double forecast, double actual,
		  double lo80, double hi80, double lo95, double hi95)
{
	double e = forecast - actual;

	s->n++;
	s->abs_sum += fabs(e);
	s->err_sum += e;
	if (fabs(actual) >= 1e-9) {
		s->mape_n++;
		s->ape_sum += fabs(e) / fabs(actual) * 100;
	}
	if (isnan(lo80) || isnan(hi80) || isnan(lo95) || isnan(hi95))
		return;
	s->nint++;
	s->in80 += actual >= lo80 && actual <= hi80;
	s->in95 += actual >= lo95 && actual <= hi95;
}

int bt_stats_mae(const struct bt_stats *s, double *out)
{
	if (!s->n)
		return -1;
	*out = s->abs_sum / (double)s->n;
	return 0;
}

int bt_stats_mape(const struct bt_stats *s, double *out)
{
	if (!s->mape_n)
		return -1;
	*out = s->ape_sum / (double)s->mape_n;
	return 0;
}

int bt_stats_bias(const struct bt_stats *s, double *out)
{
	if (!s->n)
		return -1;
	*out = s->err_sum / (double)s->n;
	return 0;
}

int bt_stats_coverage(const struct bt_stats *s, int level, double *out)
{
	if (!s->nint)
		return -1;
	*out = (double)(level == 95 ? s->in95 : s->in80) / (double)s->nint;
	return 0;
}

void backtest_init(struct backtest *bt)
{
	memset(bt, 0, sizeof(*bt));
	bt->from = bt->to = GS_TIME_NONE;
	bt->horizon_s = DAY;
	bt->step_s = DAY;
}

void backtest_release(struct backtest *bt)
{
	for (size_t i = 0; i < bt->nmodels; i++)
		free(bt->models[i].name);
	for (int m = 0; m < FC_NMODELS; m++)
		free(bt->components[m].name);
	memset(bt->components, 0, sizeof(bt->components));
	free(bt->models);
	bt->models = NULL;
	bt->nmodels = bt->alloc_models = 0;
}

struct bt_model *backtest_add_model(struct backtest *bt, const char *name,
				    bool has_intervals)
{
	struct bt_model *m;

	ALLOC_GROW(bt->models, bt->nmodels + 1, bt->alloc_models);
	m = &bt->models[bt->nmodels++];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->has_intervals = has_intervals;
	return m;
}

/* First recorded point at or after t. */
static size_t first_at_or_after(const struct series *s, gs_time t)
{
	return fc_time_lower(s->t, 0, s->n, t);
}

/* Every forecast's point at t, or false if one of them has none. */
static bool all_have(const struct fc_result *const *fc, size_t n, gs_time t,
		     long *ix)
{
	for (size_t j = 0; j < n; j++) {
		ix[j] = fc_result_at(fc[j], t);
		if (ix[j] < 0)
			return false;
	}
	return true;
}

static void add_point(struct bt_model *m, const struct fc_result *r,
		      size_t k, int bucket, double actual)
{
	bt_stats_add(&m->all, r->v[k], actual, r->lo80[k], r->hi80[k],
		     r->lo95[k], r->hi95[k]);
	if (bucket >= 0)
		bt_stats_add(&m->bucket[bucket], r->v[k], actual, r->lo80[k],
			     r->hi80[k], r->lo95[k], r->hi95[k]);
}

/* Scores greenslot's components on the point at t, where they have one. */
static void score_components(struct backtest *bt, const struct fc_result *comp,
			     gs_time t, int bucket, double actual)
{
	for (int m = 0; comp && m < FC_NMODELS; m++) {
		long k;
		if (!bt->components[m].name || (k = fc_result_at(&comp[m], t)) < 0)
			continue;
		add_point(&bt->components[m], &comp[m], (size_t)k, bucket,
			  actual);
	}
}

static size_t score_issue(struct backtest *bt, gs_time issue,
			  const struct series *actual,
			  const struct fc_result *const *fc,
			  const struct fc_result *comp)
{
	long *ix = xcalloc(bt->nmodels ? bt->nmodels : 1, sizeof(*ix));
	size_t scored = 0;

	for (size_t i = first_at_or_after(actual, issue);
	     i < actual->n && actual->t[i] < issue + bt->horizon_s; i++) {
		gs_time t = actual->t[i];
		int b = bt_bucket(fc_lead_hours(issue, t));

		if (!isfinite(actual->v[i]) ||
		    !all_have(fc, bt->nmodels, t, ix))
			continue;
		for (size_t j = 0; j < bt->nmodels; j++)
			add_point(&bt->models[j], fc[j], (size_t)ix[j], b,
				  actual->v[i]);
		score_components(bt, comp, t, b, actual->v[i]);
		scored++;
	}
	free(ix);
	return scored;
}

size_t backtest_score(struct backtest *bt, gs_time issue,
		      const struct series *actual,
		      const struct fc_result *const *fc)
{
	return score_issue(bt, issue, actual, fc, NULL);
}

/* The models of a backtest: greenslot's two, then every provider source. */
static int add_models(struct store *st, struct backtest *bt,
		      struct errmsg *err)
{
	char **src;
	size_t nsrc;

	backtest_add_model(bt, fc_model_name(FC_GREENSLOT), true);
	backtest_add_model(bt, fc_model_name(FC_SEASONAL_NAIVE), true);
	for (int m = FC_SMOOTHING; m <= FC_REGRESSION; m++) {
		bt->components[m].name = xstrdup(fc_model_name(m));
		bt->components[m].has_intervals = true;
	}
	if (store_forecast_sources(st, bt->zone, bt->signal, &src, &nsrc,
				   err) < 0)
		return -1;
	for (size_t i = 0; i < nsrc; i++)
		if (fc_model_by_name(src[i]) < 0) /* greenslot's own: recomputed */
			backtest_add_model(bt, src[i], false);
	strv_free(src, nsrc);
	return 0;
}

/* What the replay of one backtest holds. */
struct replay {
	const struct series *actual;
	struct fc_weather weather;
	struct fc_mix mix;
	struct fc_result *fc;        /* bt->nmodels */
	const struct fc_result **pfc;
	struct fc_result comp[FC_NMODELS];
};

/* Fills fc[] for one issue time; 1 when a model has nothing to offer. */
static int issue_forecasts(struct store *st, struct backtest *bt,
			   struct replay *rp, gs_time issue,
			   struct errmsg *err)
{
	struct fc_input in = {rp->actual, &rp->weather, &rp->mix};
	struct errmsg ignored;

	if (forecast_model_in(FC_GREENSLOT, &in, issue, bt->horizon_s, 0,
			      &rp->fc[0], rp->comp, &ignored) < 0 ||
	    forecast_model(FC_SEASONAL_NAIVE, rp->actual, issue, bt->horizon_s,
			   0, &rp->fc[1], &ignored) < 0)
		return 1; /* nothing known before this issue time */
	for (size_t j = 2; j < bt->nmodels; j++) {
		struct series ps;
		series_init(&ps);
		/* issued strictly before, like greenslot's own inputs */
		if (store_get_forecast(st, bt->zone, bt->signal,
				       bt->models[j].name, issue - 1, issue,
				       issue + bt->horizon_s, &ps, NULL,
				       err) < 0) {
			series_release(&ps);
			return -1;
		}
		fc_result_from_series(&rp->fc[j], &ps, issue);
		series_release(&ps);
		if (!rp->fc[j].n)
			return 1;
	}
	return 0;
}

static void resolve_defaults(struct backtest *bt, const struct series *a)
{
	if (bt->from == GS_TIME_NONE)
		bt->from = time_ceil(a->t[0] + 7 * DAY, DAY);
	if (bt->to == GS_TIME_NONE)
		bt->to = a->t[a->n - 1];
}

/* The first issue time: on the step grid that starts at 00:00 UTC. */
static gs_time first_issue(const struct backtest *bt)
{
	gs_time day = time_floor(bt->from, DAY);
	int64_t k = (bt->from - day + bt->step_s - 1) / bt->step_s;
	return day + k * bt->step_s;
}

static void replay_release(struct replay *rp, size_t nmodels)
{
	for (size_t j = 0; j < nmodels; j++)
		fc_result_release(&rp->fc[j]);
	for (int m = 0; m < FC_NMODELS; m++)
		fc_result_release(&rp->comp[m]);
	free(rp->fc);
	free(rp->pfc);
	fc_weather_release(&rp->weather);
	fc_mix_release(&rp->mix);
}

static int replay(struct store *st, struct backtest *bt,
		  const struct series *actual, struct errmsg *err)
{
	struct replay rp = {.actual = actual};
	int ret;

	rp.fc = xcalloc(bt->nmodels, sizeof(*rp.fc));
	rp.pfc = xcalloc(bt->nmodels, sizeof(*rp.pfc));
	for (size_t j = 0; j < bt->nmodels; j++) {
		fc_result_init(&rp.fc[j]);
		rp.pfc[j] = &rp.fc[j];
	}
	for (int m = 0; m < FC_NMODELS; m++)
		fc_result_init(&rp.comp[m]);
	fc_weather_init(&rp.weather);
	fc_mix_init(&rp.mix);
	ret = fc_weather_load(st, bt->zone, &rp.weather, err);
	if (!ret)
		ret = fc_mix_load(st, bt->zone, &rp.mix, err);
	for (gs_time issue = first_issue(bt); !ret && issue < bt->to;
	     issue += bt->step_s) {
		ret = issue_forecasts(st, bt, &rp, issue, err);
		if (ret < 0)
			break;
		if (!ret && score_issue(bt, issue, actual, rp.pfc, rp.comp))
			bt->issues++;
		ret = 0;
	}
	replay_release(&rp, bt->nmodels);
	return ret;
}

int backtest_run(struct store *st, struct backtest *bt, struct errmsg *err)
{
	struct series actual;
	int ret = -1;

	if (bt->horizon_s <= 0 || bt->step_s <= 0)
		return err_set(err, "backtest horizon and step must be "
				    "positive");
	series_init(&actual);
	if (store_get_series(st, bt->zone, bt->signal, GS_TIME_NONE,
			     GS_TIME_NONE, &actual, err) < 0)
		goto out;
	if (!actual.n) {
		err_set(err, "no recorded values of '%s' in zone '%s'",
			bt->signal, bt->zone);
		goto out;
	}
	resolve_defaults(bt, &actual);
	if (bt->from >= bt->to) {
		char a[GS_TIME_BUFSZ], b[GS_TIME_BUFSZ];
		err_set(err, "nothing to backtest between '%s' and '%s'",
			time_format(bt->from, a), time_format(bt->to, b));
		goto out;
	}
	if (add_models(st, bt, err) < 0)
		goto out;
	ret = replay(st, bt, &actual, err);
out:
	series_release(&actual);
	return ret;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

typedef int (*stat_fn)(const struct bt_stats *s, double *out);

/* A statistic, or null when undefined: the output never holds NaN. */
static json_t *stat_json(const struct bt_stats *s, stat_fn fn)
{
	double x;

	if (fn(s, &x) < 0 || !isfinite(x))
		return json_null();
	return json_real(x);
}

static json_t *coverage_json(const struct bt_stats *s, bool intervals,
			     int level)
{
	double x;

	if (!intervals || bt_stats_coverage(s, level, &x) < 0)
		return json_null();
	return json_real(x);
}

static json_t *stats_json(const struct bt_stats *s, bool intervals)
{
	json_t *o = json_object();

	json_object_set_new(o, "mae", stat_json(s, bt_stats_mae));
	json_object_set_new(o, "mape", stat_json(s, bt_stats_mape));
	json_object_set_new(o, "mape_n", json_integer((json_int_t)s->mape_n));
	json_object_set_new(o, "bias", stat_json(s, bt_stats_bias));
	json_object_set_new(o, "n", json_integer((json_int_t)s->n));
	json_object_set_new(o, "coverage80", coverage_json(s, intervals, 80));
	json_object_set_new(o, "coverage95", coverage_json(s, intervals, 95));
	return o;
}

static json_t *model_json(const struct bt_model *m)
{
	json_t *o = stats_json(&m->all, m->has_intervals);
	json_t *bh = json_object();

	for (int b = 0; b < BT_NBUCKETS; b++)
		json_object_set_new(bh, bt_bucket_name(b),
				    stats_json(&m->bucket[b],
					       m->has_intervals));
	json_object_set_new(o, "by_horizon", bh);
	return o;
}

/* Whole hours as "PT24H" (the way the options say it), else ISO 8601. */
static json_t *duration_json(int64_t seconds)
{
	char buf[64];

	if (seconds % 3600 == 0)
		snprintf(buf, sizeof(buf), "PT%lldH",
			 (long long)(seconds / 3600));
	else
		duration_format(seconds, buf, sizeof(buf));
	return json_string(buf);
}

char *backtest_to_json(const struct backtest *bt)
{
	json_t *o = json_object(), *models = json_object();
	char tb[GS_TIME_BUFSZ];
	struct strbuf sb;
	char *text;

	json_object_set_new(o, "zone", json_string(bt->zone));
	json_object_set_new(o, "signal", json_string(bt->signal));
	json_object_set_new(o, "from", json_string(time_format(bt->from, tb)));
	json_object_set_new(o, "to", json_string(time_format(bt->to, tb)));
	json_object_set_new(o, "horizon", duration_json(bt->horizon_s));
	json_object_set_new(o, "step", duration_json(bt->step_s));
	json_object_set_new(o, "issues", json_integer((json_int_t)bt->issues));
	for (size_t i = 0; i < bt->nmodels; i++)
		json_object_set_new(models, bt->models[i].name,
				    model_json(&bt->models[i]));
	json_object_set_new(o, "models", models);
	models = json_object();
	for (int m = 0; m < FC_NMODELS; m++)
		if (bt->components[m].name)
			json_object_set_new(models, bt->components[m].name,
					    model_json(&bt->components[m]));
	json_object_set_new(o, "components", models);
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				     JSON_REAL_PRECISION(10));
	json_decref(o);
	strbuf_init(&sb);
	strbuf_addstr(&sb, text ? text : "{}");
	strbuf_addch(&sb, '\n');
	free(text);
	return strbuf_detach(&sb);
}
