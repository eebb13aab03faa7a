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

int forecast_store(struct store *st, const char *zone, const char *signal,
		   gs_time at, int64_t horizon_s, struct fc_result *r,
		   struct errmsg *err)
{
	struct store_point *pts;
	struct series hist;
	int ret;

	series_init(&hist);
	ret = store_get_series(st, zone, signal, GS_TIME_NONE, at, &hist, err);
	if (!ret)
		ret = forecast_model(FC_GREENSLOT, &hist, at, horizon_s, 0, r,
				     err);
	series_release(&hist);
	if (ret < 0)
		return -1;
	pts = xcalloc(r->n ? r->n : 1, sizeof(*pts));
	to_points(r, zone, signal, pts);
	ret = store_put_points(st, fc_model_name(FC_GREENSLOT), pts, r->n,
			       time_now(), NULL, err);
	free(pts);
	return ret;
}
