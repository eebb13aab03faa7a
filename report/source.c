/*
 * source.c - the carbon intensity the report charts, read from the store.
 *
 * Kept apart from the rendering so that report_render() can be tested
 * with series built in memory, and so that the one place that knows how
 * the store names things ("carbon_intensity", forecast vintages) is here.
 */
#include "report/report.h"

#define CI_SIGNAL "carbon_intensity"
/* How far before the horizon to look for the value in force at its start. */
#define LOOKBACK_S (2 * 86400)

void report_ci_init(struct report_ci *ci)
{
	series_init(&ci->recorded);
	series_init(&ci->forecast);
	series_init(&ci->lo80);
	series_init(&ci->hi80);
	ci->forecast_issued = GS_TIME_NONE;
}

void report_ci_release(struct report_ci *ci)
{
	series_release(&ci->recorded);
	series_release(&ci->forecast);
	series_release(&ci->lo80);
	series_release(&ci->hi80);
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
	store_vintage_release(&v);
	return 0;
}
