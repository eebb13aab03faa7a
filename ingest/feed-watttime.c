/*
 * feed-watttime.c - feed kind "watttime": emissions rates from the
 * WattTime API v3.
 *
 *   /v3/historical:          {"data": [{"point_time": T, "value": V}...],
 *                             "meta": {"region", "signal_type", "units",
 *                             "data_point_period_seconds", ...}}
 *   /v3/forecast:            the same, and meta.generated_at
 *   /v3/forecast/historical: {"data": [{"generated_at": T, "forecast":
 *                             [{"point_time", "value"}...]}...], "meta"}
 *
 * Values with a generated_at are forecasts issued then; the others are
 * recorded values.  Rates in lbs/MWh become gCO2eq/kWh (x 0.45359237).
 * signal_type co2_moer (marginal) and co2_aoer (average) are both stored
 * as carbon_intensity, with the kind recorded as the series' basis
 * ("marginal", "average"): the store refuses to mix the two in one zone's
 * series, so a zone wanting both needs two zones.  The free tier's "percent" index is relative,
 * not a rate, and is refused.  The points go to the feed's zone, else to
 * meta.region.  Logging in (GET /login for a token) is not done here.
 */
#include "ingest/ingest.h"

#include <jansson.h>

struct wt_parse {
	const struct feed_response *r;
	struct json_doc d;
	struct point_batch *out;
	const char *zone, *signal, *unit;
	struct unit_conv conv;
};

/* WattTime's unit names and how unit_conversion() knows them. */
static const char *const wt_units[][2] = {
	{"lbs_co2_per_mwh", "lb/MWh"},
	{"kg_co2_per_mwh", "kg/MWh"},
	{"g_co2_per_kwh", "g/kWh"},
};

static int read_units(struct wt_parse *wp, json_t *meta)
{
	struct json_doc *d = &wp->d;
	const char *units, *unit = NULL;
	struct errmsg sub;

	if (json_doc_string(d, meta, "units", JD_REQUIRED, &units) < 0)
		return -1;
	json_doc_push_key(d, "units");
	if (!strcmp(units, "percent"))
		return json_doc_fail(d, 0, "ask for signal_type=co2_moer",
				     "'%s' is 'percent': a relative index, not "
				     "a carbon intensity", json_doc_field(d));
	for (size_t i = 0; i < ARRAY_SIZE(wt_units); i++)
		if (!strcmp(units, wt_units[i][0]))
			unit = wt_units[i][1];
	if (!unit || unit_conversion("carbon_intensity", unit, &wp->conv,
				     &sub) < 0)
		return json_doc_fail(d, 0, "want lbs_co2_per_mwh",
				     "'%s': unknown unit '%s'",
				     json_doc_field(d), units);
	json_doc_pop(d);
	return 0;
}

static int read_meta(struct wt_parse *wp, json_t **meta)
{
	struct json_doc *d = &wp->d;
	const char *st = NULL, *region = NULL;

	if (json_doc_object(d, d->root, "meta", JD_REQUIRED, meta) < 0)
		return -1;
	if (json_doc_string(d, *meta, "signal_type", JD_NULL, &st) < 0 ||
	    json_doc_string(d, *meta, "region", JD_NULL | JD_NONEMPTY,
			    &region) < 0)
		return -1;
	if (st && strcmp(st, "co2_moer") && strcmp(st, "co2_aoer")) {
		json_doc_push_key(d, "signal_type");
		return json_doc_fail(d, 0, "want co2_moer or co2_aoer",
				     "'%s' is '%s', not a carbon intensity",
				     json_doc_field(d), st);
	}
	if (read_units(wp, *meta) < 0)
		return -1;
	if (st) /* recorded as the series' basis: the two never mix */
		wp->out->basis = point_batch_intern(wp->out,
			!strcmp(st, "co2_moer") ? "marginal" : "average",
			!strcmp(st, "co2_moer") ? 8 : 7);
	wp->zone = json_feed_zone(wp->r, wp->out,
				  region ? zone_from_provider(ZONE_ID_WATTTIME,
							      region)
					 : NULL);
	if (!wp->zone)
		return json_doc_fail(d, 0, NULL, "no 'meta.region' in the "
				     "response nor a zone in the feed '%s'",
				     wp->r->feed ? wp->r->feed->name : "?");
	json_doc_pop(d);
	return 0;
}

/* One {"point_time", "value"} (path at it). */
static int read_point(struct wt_parse *wp, json_t *pt, gs_time issued)
{
	struct json_doc *d = &wp->d;
	gs_time t;
	double v;
	int r;

	if (!json_is_object(pt))
		return json_doc_fail(d, 0, NULL, "'%s' must be an object",
				     json_doc_field(d));
	if (json_doc_time(d, pt, "point_time", JD_REQUIRED, &t) < 0)
		return -1;
	r = json_doc_number(d, pt, "value", JD_REQUIRED | JD_NULL, &v);
	if (r)
		return r < 0 ? -1 : 0;
	v = unit_conv_apply(&wp->conv, v);
	point_batch_put(wp->out, wp->zone, wp->signal, wp->unit, t, issued, v);
	return 0;
}

static int read_points(struct wt_parse *wp, json_t *obj, const char *key,
		       gs_time issued)
{
	struct json_doc *d = &wp->d;
	json_t *arr, *v;
	size_t i;

	if (json_doc_array(d, obj, key, JD_REQUIRED, &arr) < 0)
		return -1;
	json_array_foreach(arr, i, v) {
		json_doc_push_index(d, i);
		if (json_is_object(v) && json_object_get(v, "forecast")) {
			gs_time gen;
			if (json_doc_time(d, v, "generated_at", JD_REQUIRED,
					  &gen) < 0 ||
			    read_points(wp, v, "forecast", gen) < 0)
				return -1;
		} else if (read_point(wp, v, issued) < 0) {
			return -1;
		}
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

int watttime_parse(const struct feed_response *r, struct point_batch *out,
		   struct errmsg *err)
{
	struct wt_parse wp = {0};
	gs_time issued = GS_TIME_NONE;
	json_t *meta = NULL;
	int ret;

	wp.r = r;
	wp.out = out;
	wp.signal = point_batch_intern(out, "carbon_intensity", 16);
	wp.unit = point_batch_intern(out, "gCO2eq/kWh", 10);
	unit_conv_init(&wp.conv);
	ret = json_feed_open(&wp.d, r, err);
	if (!ret)
		ret = read_meta(&wp, &meta);
	if (!ret) {
		json_doc_push_key(&wp.d, "meta");
		if (json_doc_time(&wp.d, meta, "generated_at", JD_NULL,
				  &issued) < 0)
			ret = -1;
		json_doc_pop(&wp.d);
	}
	if (!ret)
		ret = read_points(&wp, wp.d.root, "data", issued);
	unit_conv_release(&wp.conv);
	json_doc_release(&wp.d);
	return ret;
}
