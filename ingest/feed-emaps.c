/*
 * feed-emaps.c - feed kind "electricitymaps": grid carbon intensity from
 * the Electricity Maps API v3 (/v3/carbon-intensity/...), in gCO2eq/kWh.
 *
 *   history, past-range: {"zone": "DE", "history" (or "data"): [ENTRY...]}
 *   latest, past:        ENTRY itself
 *   forecast:            {"zone": "DE", "forecast": [{"carbonIntensity",
 *                         "datetime"}...], "updatedAt": T}
 *   ENTRY: {"zone", "carbonIntensity", "datetime", "updatedAt",
 *           "emissionFactorType", "isEstimated", "estimationMethod", ...}
 *
 * History entries are recorded values, estimated ones included (the
 * provider's best value for that hour; marked store_point.estimated, so
 * that ingest says how many there were); forecast entries are forecasts
 * issued at "updatedAt", else at the time of the request.  A null
 * intensity is a gap.  The points go to the feed's zone, else to the zone
 * the response names.  emissionFactorType must be lifecycle or direct and
 * the same throughout one response; it is recorded as the series' basis
 * (store_point.basis), so that a zone's lifecycle and direct values never
 * mix in one series.
 */
#include "ingest/ingest.h"

#include <jansson.h>

struct emaps_parse {
	const struct feed_response *r;
	struct json_doc d;
	struct point_batch *out;
	const char *zone;        /* interned, NULL until known */
	const char *signal, *unit;
	const char *factor_type; /* the first entry's, NULL: none given */
	gs_time issued;
};

static int check_factor_type(struct emaps_parse *ep, json_t *entry)
{
	struct json_doc *d = &ep->d;
	const char *ft;
	int r = json_doc_string(d, entry, "emissionFactorType", JD_NULL, &ft);

	if (r)
		return r < 0 ? -1 : 0;
	json_doc_push_key(d, "emissionFactorType");
	if (strcmp(ft, "lifecycle") && strcmp(ft, "direct"))
		return json_doc_fail(d, 0, "want lifecycle or direct",
				     "'%s': unknown emission factor type '%s'",
				     json_doc_field(d), ft);
	if (ep->factor_type && strcmp(ep->factor_type, ft))
		return json_doc_fail(d, 0, NULL,
				     "'%s' is '%s' where an earlier entry "
				     "has '%s' (one feed, one kind of factor)",
				     json_doc_field(d), ft, ep->factor_type);
	ep->factor_type = ft;
	ep->out->basis = point_batch_intern(ep->out, ft, strlen(ft));
	json_doc_pop(d);
	return 0;
}

/* The zone a response names, as greenslot names it (data/zones.csv). */
static void set_response_zone(struct emaps_parse *ep, const char *z)
{
	z = zone_from_provider(ZONE_ID_EMAPS, z);
	ep->zone = point_batch_intern(ep->out, z, strlen(z));
}

/* The zone of the points: the feed's, else the response's. */
static int entry_zone(struct emaps_parse *ep, json_t *entry)
{
	const char *z;
	int r;

	if (ep->zone)
		return 0;
	r = json_doc_string(&ep->d, entry, "zone", JD_NULL | JD_NONEMPTY, &z);
	if (r < 0)
		return -1;
	if (r > 0)
		return json_doc_fail(&ep->d, 0, NULL,
				     "no 'zone' in the response nor in the "
				     "feed '%s'", ep->r->feed ?
				     ep->r->feed->name : "?");
	set_response_zone(ep, z);
	return 0;
}

/* One ENTRY (path at it). */
static int read_entry(struct emaps_parse *ep, json_t *entry)
{
	struct json_doc *d = &ep->d;
	bool estimated = false;
	size_t n = ep->out->n;
	double v;
	gs_time t;
	int r;

	if (!json_is_object(entry))
		return json_doc_fail(d, 0, NULL, "'%s' must be an object",
				     json_doc_field(d));
	if (json_doc_time(d, entry, "datetime", JD_REQUIRED, &t) < 0 ||
	    json_doc_bool(d, entry, "isEstimated", JD_NULL, &estimated) < 0 ||
	    check_factor_type(ep, entry) < 0 || entry_zone(ep, entry) < 0)
		return -1;
	r = json_doc_number(d, entry, "carbonIntensity", JD_REQUIRED | JD_NULL,
			    &v);
	if (r)
		return r < 0 ? -1 : 0;
	point_batch_put(ep->out, ep->zone, ep->signal, ep->unit, t, ep->issued,
			v);
	if (ep->out->n > n)  /* not rejected */
		ep->out->pts[n].estimated = estimated;
	return 0;
}

static int read_list(struct emaps_parse *ep, const char *key)
{
	struct json_doc *d = &ep->d;
	json_t *arr, *v;
	size_t i;

	if (json_doc_array(d, d->root, key, JD_REQUIRED, &arr) < 0)
		return -1;
	json_array_foreach(arr, i, v) {
		json_doc_push_index(d, i);
		if (read_entry(ep, v) < 0)
			return -1;
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

static int read_response(struct emaps_parse *ep)
{
	json_t *root = ep->d.root;
	const char *zone;
	int r;

	if (!ep->zone) {
		r = json_doc_string(&ep->d, root, "zone", JD_NULL | JD_NONEMPTY,
				    &zone);
		if (r < 0)
			return -1;
		if (r == 0)
			set_response_zone(ep, zone);
	}
	if (json_object_get(root, "forecast")) {
		r = json_doc_time(&ep->d, root, "updatedAt", JD_NULL,
				  &ep->issued);
		if (r < 0)
			return -1;
		if (r > 0)
			ep->issued = ep->r->fetched;
		return read_list(ep, "forecast");
	}
	if (json_object_get(root, "history"))
		return read_list(ep, "history");
	if (json_object_get(root, "data"))
		return read_list(ep, "data");
	return read_entry(ep, root);
}

int electricitymaps_parse(const struct feed_response *r,
			  struct point_batch *out, struct errmsg *err)
{
	struct emaps_parse ep = {0};
	int ret;

	ep.r = r;
	ep.out = out;
	ep.issued = GS_TIME_NONE;
	ep.zone = json_feed_zone(r, out, NULL);
	ep.signal = point_batch_intern(out, "carbon_intensity", 16);
	ep.unit = point_batch_intern(out, "gCO2eq/kWh", 10);
	ret = json_feed_open(&ep.d, r, err);
	if (!ret)
		ret = read_response(&ep);
	json_doc_release(&ep.d);
	return ret;
}
