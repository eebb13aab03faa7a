/*
 * source.c - the carbon intensity the report charts, read from the store.
 *
 * Kept apart from the rendering so that report_render() can be tested
 * with series built in memory, and so that the one place that knows how
 * the store names things ("carbon_intensity", forecast vintages) is here.
 */
#include "report/report.h"
#include "forecast/forecast.h"


#define CI_SIGNAL "carbon_intensity"
/* How far before the horizon to look for the value in force at its start. */
#define LOOKBACK_S (2 * 86400)

void report_ci_init(struct report_ci *ci)
{
	series_init(&ci->recorded);
	series_init(&ci->forecast);
	series_init(&ci->lo80);
	series_init(&ci->hi80);
	series_init(&ci->lo95);
	series_init(&ci->hi95);
	ci->forecast_issued = GS_TIME_NONE;
}

void report_ci_release(struct report_ci *ci)
{
	series_release(&ci->recorded);
	series_release(&ci->forecast);
	series_release(&ci->lo80);
	series_release(&ci->hi80);
	series_release(&ci->lo95);
	series_release(&ci->hi95);
	ci->forecast_issued = GS_TIME_NONE;
}

static void swap_series(struct series *a, struct series *b)
{
	struct series t = *a;
	*a = *b;
	*b = t;
}

int report_store_ci(void *vstore, const char *zone, gs_time from, gs_time to,
		    gs_time forecast_issued_by, struct report_ci *out,
		    struct errmsg *err)
{
	struct store *st = vstore;
	struct store_vintage v;

	if (store_get_series(st, zone, CI_SIGNAL, from - LOOKBACK_S, to,
			     &out->recorded, err) < 0)
		return -1;
	if (forecast_issued_by == GS_TIME_NONE)
		return 0;
	if (store_get_vintage(st, zone, CI_SIGNAL, NULL, forecast_issued_by,
			      from, to, &v, err) < 0)
		return -1;
	/* hand the vintage's series over to the report's struct */
	out->forecast_issued = v.issued;
	swap_series(&out->forecast, &v.value);
	swap_series(&out->lo80, &v.lo80);
	swap_series(&out->hi80, &v.hi80);
	swap_series(&out->lo95, &v.lo95);
	swap_series(&out->hi95, &v.hi95);
	store_vintage_release(&v);
	return 0;
}

int report_store_actual(void *vctx, struct solver_signals *out,
			struct errmsg *err)
{
	struct report_store_ctx *ctx = vctx;

	return solver_signals_load(out, ctx->store, ctx->catalog, true, err);
}

#define DAY_S 86400
#define BT_MAX_HORIZON_S (48 * 3600)

void report_backtest_release(struct report_backtest *b)
{
	for (size_t i = 0; i < b->nmodels; i++)
		free(b->models[i].name);
	free(b->models);
	memset(b, 0, sizeof(*b));
}

/*
 * The window of issue times: the REPORT_BT_DAYS days before `before`,
 * from FC_MIN_DAYS days after the first value recorded in them (and the
 * FC_MIN_DAYS before); false when no issue fits.
 */
static int bt_window(struct store *st, const char *zone, gs_time before,
		     struct report_backtest *out, struct errmsg *err)
{
	gs_time look = before - (REPORT_BT_DAYS + FC_MIN_DAYS) * DAY_S;
	struct series s;
	int ret;

	series_init(&s);
	ret = store_get_series(st, zone, CI_SIGNAL, look, before, &s, err);
	out->to = before - out->horizon_s + 1;
	out->from = time_ceil(before - REPORT_BT_DAYS * DAY_S, DAY_S);
	if (!ret && s.n &&
	    time_ceil(s.t[0] + FC_MIN_DAYS * DAY_S, DAY_S) > out->from)
		out->from = time_ceil(s.t[0] + FC_MIN_DAYS * DAY_S, DAY_S);
	if (!ret && (!s.n || out->from >= out->to))
		out->why = "too little recorded before the plan (greenslot's "
			   "model needs 14 days before each issue)";
	series_release(&s);
	return ret < 0 ? -1 : !out->why;
}

int report_store_backtest(void *vstore, const char *zone, gs_time before,
			  int64_t horizon_s, struct report_backtest *out,
			  struct errmsg *err)
{
	struct backtest bt;
	int ret;

	out->horizon_s = time_ceil(horizon_s < BT_MAX_HORIZON_S ?
				   horizon_s : BT_MAX_HORIZON_S, 3600);
	ret = bt_window(vstore, zone, before, out, err);
	if (ret <= 0)
		return ret;
	backtest_init(&bt);
	bt.zone = zone;
	bt.signal = CI_SIGNAL;
	bt.from = out->from;
	bt.to = out->to;
	bt.horizon_s = out->horizon_s;
	bt.step_s = DAY_S;
	ret = backtest_run(vstore, &bt, err);
	out->issues = bt.issues;
	out->models = xcalloc(bt.nmodels ? bt.nmodels : 1,
			      sizeof(*out->models));
	for (size_t i = 0; !ret && i < bt.nmodels; i++) {
		out->models[i].name = xstrdup(bt.models[i].name);
		report_fq_from_stats(&bt.models[i].all, &out->models[i].fq);
		out->nmodels++;
	}
	backtest_release(&bt);
	return ret;
}

/* "N points, M new or changed, R rejected": R, or -1 when not said. */
static long parse_rejected(const char *msg)
{
	const char *p = msg ? strstr(msg, " rejected") : NULL;
	const char *q = p;

	if (!p)
		return -1;
	while (q > msg && q[-1] >= '0' && q[-1] <= '9')
		q--;
	return q == p ? -1 : strtol(q, NULL, 10);
}

static struct report_feed *feed_entry(struct report_health *h,
				      const char *name)
{
	struct report_feed *f;

	if (h->n && !strcmp(h->feeds[h->n - 1].feed, name))
		return &h->feeds[h->n - 1];
	ALLOC_GROW(h->feeds, h->n + 1, h->alloc);
	f = &h->feeds[h->n++];
	*f = (struct report_feed){.feed = xstrdup(name),
				  .last_ok = GS_TIME_NONE,
				  .rejected = -1,
				  .last_run = GS_TIME_NONE};
	return f;
}

static int add_run(const struct store_ingest_run *r, void *ctx)
{
	struct report_feed *f = feed_entry(ctx, r->feed);

	f->runs++;
	f->failed += !r->ok;
	f->last_run = r->finished;
	f->last_run_ok = r->ok;
	free(f->last_message);
	f->last_message = r->message ? xstrdup(r->message) : NULL;
	if (!r->ok)
		return 0;
	f->last_ok = r->finished;
	f->last_ok_points = r->points;
	f->rejected = parse_rejected(r->message);
	return 0;
}

int report_store_health(void *vstore, struct report_health *out,
			struct errmsg *err)
{
	return store_each_ingest_run(vstore, add_run, out, err);
}

void report_health_release(struct report_health *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->feeds[i].feed);
		free(h->feeds[i].last_message);
	}
	free(h->feeds);
	memset(h, 0, sizeof(*h));
}
