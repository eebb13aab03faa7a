/*
 * refresh.c - one zone and signal forecast from the store's history and
 * stored as greenslot's forecast: what `forecast` does per zone, and what
 * `ingest` does for the zones whose data it refreshed.  Kept apart from
 * model.c, whose models never touch the store.
 */
#include "forecast/forecast.h"

static void to_points(const struct fc_result *r, const char *zone,
		      const char *signal, struct store_point *pts)
{
	for (size_t i = 0; i < r->n; i++) {
		struct store_point *p = &pts[i];
		memset(p, 0, sizeof(*p));
		p->zone = zone;
		p->signal = signal;
		p->time = r->t[i];
		p->value = r->v[i];
		p->issued = r->issued;
		p->lo80 = r->lo80[i];
		p->hi80 = r->hi80[i];
		p->lo95 = r->lo95[i];
		p->hi95 = r->hi95[i];
	}
}

/* Everything the model may know at `at`, read from the store. */
static int load_input(struct store *st, const char *zone, const char *signal,
		      gs_time at, struct series *hist, struct fc_weather *w,
		      struct fc_mix *mix, struct errmsg *err)
{
	if (store_get_series(st, zone, signal, GS_TIME_NONE, at, hist, err) < 0 ||
	    fc_weather_load(st, zone, w, err) < 0)
		return -1;
	return fc_mix_load(st, zone, mix, err);
}

int forecast_store_model(struct store *st, enum fc_model m, const char *zone,
			 const char *signal, gs_time at, int64_t horizon_s,
			 struct fc_result *r, struct errmsg *err)
{
	struct store_point *pts;
	struct series hist;
	struct fc_weather w;
	struct fc_mix mix;
	struct fc_input in = {&hist, &w, &mix};
	int ret;

	series_init(&hist);
	fc_weather_init(&w);
	fc_mix_init(&mix);
	ret = load_input(st, zone, signal, at, &hist, &w, &mix, err);
	if (!ret)
		ret = forecast_model_in(m, &in, at, horizon_s, 0, r, NULL, err);
	series_release(&hist);
	fc_weather_release(&w);
	fc_mix_release(&mix);
	if (ret < 0)
		return -1;
	pts = xcalloc(r->n ? r->n : 1, sizeof(*pts));
	to_points(r, zone, signal, pts);
	ret = store_put_points(st, fc_model_name(m), pts, r->n, time_now(),
			       NULL, err);
	free(pts);
	return ret;
}

int forecast_store(struct store *st, const char *zone, const char *signal,
		   gs_time at, int64_t horizon_s, struct fc_result *r,
		   struct errmsg *err)
{
	return forecast_store_model(st, FC_GREENSLOT, zone, signal, at,
				    horizon_s, r, err);
}
