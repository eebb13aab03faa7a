/*
 * feed-uk.c - feed kind "uk-carbon-intensity": the JSON of the National
 * Grid ESO Carbon Intensity API (api.carbonintensity.org.uk).
 *
 * Three shapes of response are read, whatever the url asked:
 *
 *   national  /intensity/..., {"data": [{"from", "to", "intensity":
 *             {"forecast", "actual", "index"}}]}
 *   by period /regional, /regional/intensity/{from}/{to}: {"data":
 *             [{"from", "to", "regions": [{"regionid", "intensity", ...}]}]}
 *   by region /regional/regionid/N, /regional/postcode/P, /regional/england:
 *             {"data": [{"regionid", ..., "data": [{"from", "to",
 *             "intensity", ...}]}]}, and {"data": {...}} (one object, not an
 *             array) from /regional/intensity/{from}/{to}/regionid/N
 *
 * A half-hour [from, to) is one point at `from`.  `actual` (absent or null
 * for the future, and in every regional response) is a recorded value;
 * `forecast` is a provider forecast.  The API does not say when a forecast
 * was made, so its issue time is the time of the request (r->fetched): a
 * pt24h response thus also holds forecasts of half-hours before their issue
 * time.  `index` and the regional `generationmix` (percentages, while the
 * contract's generation_<fuel> is MW) are not stored.
 *
 * Zones: national values go to the feed's zone ("GB" when it has none).
 * Regional values go to "GB-<regionid>" (1-14 the DNO regions, 15 England,
 * 16 Scotland, 17 Wales, 18 GB as the regional model sees it), all of them
 * when the feed's zone is "GB" or absent, only region N when it is "GB-N";
 * any other zone name takes the values of the one region the response
 * holds.  Intensities below 0 or above 2000 gCO2eq/kWh are skipped.
 * An {"error": {"code", "message"}} body is an error with its message.
 */
#include "ingest/ingest.h"

#include <jansson.h>
#include <math.h>

#define UK_MAX_INTENSITY 2000.0

struct uk_parse {
	const struct feed_response *r;
	struct point_batch *out;
	struct errmsg *err;
	struct json_path path;
	int extra;               /* pushes beyond the steps of path */
	const char *signal;      /* interned "carbon_intensity" */
	const char *unit;        /* interned "gCO2eq/kWh" */
	const char *zone;        /* the feed's zone, interned; NULL: none */
	long want_region;        /* zone "GB-N": N; 0 otherwise */
	bool own_zone;           /* a zone that is neither GB nor GB-N */
	json_int_t own_region;   /* own_zone: the region it took, 0: none yet */
	size_t regions;          /* region entries seen */
	size_t wanted;           /* of those, region want_region */
	size_t rejected;         /* impossible values skipped */
	struct strbuf tmp;
};

static void push_key(struct uk_parse *p, const char *key)
{
	if (p->path.depth >= (int)ARRAY_SIZE(p->path.step)) {
		p->extra++;
		return;
	}
	p->path.step[p->path.depth].key = key;
	p->path.step[p->path.depth].index = 0;
	p->path.depth++;
}

static void push_index(struct uk_parse *p, size_t i)
{
	if (p->path.depth >= (int)ARRAY_SIZE(p->path.step)) {
		p->extra++;
		return;
	}
	p->path.step[p->path.depth].key = NULL;
	p->path.step[p->path.depth].index = i;
	p->path.depth++;
}

static void pop(struct uk_parse *p)
{
	if (p->extra)
		p->extra--;
	else if (p->path.depth)
		p->path.depth--;
}

/* "data[3].intensity.forecast" for the current path. */
static const char *field_name(struct uk_parse *p)
{
	strbuf_reset(&p->tmp);
	for (int i = 0; i < p->path.depth; i++) {
		if (p->path.step[i].key)
			strbuf_addf(&p->tmp, "%s%s", i ? "." : "",
				    p->path.step[i].key);
		else
			strbuf_addf(&p->tmp, "[%zu]", p->path.step[i].index);
	}
	return p->tmp.buf;
}

static int fail(struct uk_parse *p, const char *fmt, ...) GS_PRINTF(2, 3);

/* "DISPLAY:LINE:COL: MSG" at the value the path points to (or its parent). */
static int fail(struct uk_parse *p, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;
	int line, col;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	json_locate(p->r->body, &p->path, &line, &col);
	err_at(p->err, p->r->display, line, col, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: case JSON_REAL: return "a number";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

static int fail_type(struct uk_parse *p, const json_t *v, const char *want)
{
	return fail(p, "'%s': want %s, not %s", field_name(p), want,
		    type_name(v));
}

/* The member `key` of obj, which must be there. */
static int member(struct uk_parse *p, json_t *obj, const char *key,
		  json_t **out)
{
	push_key(p, key);
	*out = json_object_get(obj, key);
	if (!*out)
		return fail(p, "missing '%s'", field_name(p));
	return 0;
}

static int read_time(struct uk_parse *p, json_t *obj, const char *key,
		     gs_time *t)
{
	json_t *v;

	if (member(p, obj, key, &v) < 0)
		return -1;
	if (!json_is_string(v))
		return fail_type(p, v, "a time");
	if (time_parse(json_string_value(v), t) < 0)
		return fail(p, "'%s': invalid time '%s' (want e.g. "
			    "2023-03-16T12:00Z)", field_name(p),
			    json_string_value(v));
	pop(p);
	return 0;
}

/* A half-hour's bounds; returns its start. */
static int read_period(struct uk_parse *p, json_t *obj, gs_time *from)
{
	gs_time to;

	if (read_time(p, obj, "from", from) < 0 ||
	    read_time(p, obj, "to", &to) < 0)
		return -1;
	if (to <= *from) {
		push_key(p, "to");
		return fail(p, "'%s': the end of the period is not after its "
			    "start", field_name(p));
	}
	return 0;
}

static void add_point(struct uk_parse *p, const char *zone, gs_time t,
		      double v, gs_time issued)
{
	struct store_point *pt;

	if (!(v >= 0 && v <= UK_MAX_INTENSITY)) {
		p->rejected++;
		return;
	}
	pt = point_batch_add(p->out);
	pt->zone = zone;
	pt->signal = p->signal;
	pt->unit = p->unit;
	pt->time = t;
	pt->value = v;
	pt->issued = issued;
}

/* intensity.KEY: a number, or absent or null for no value. */
static int read_value(struct uk_parse *p, json_t *intensity, const char *key,
		      const char *zone, gs_time t, gs_time issued)
{
	json_t *v = json_object_get(intensity, key);

	if (!v || json_is_null(v))
		return 0;
	push_key(p, key);
	if (!json_is_number(v))
		return fail_type(p, v, "a number or null");
	add_point(p, zone, t, json_number_value(v), issued);
	pop(p);
	return 0;
}

/* obj.intensity of the half-hour starting at t. */
static int read_intensity(struct uk_parse *p, json_t *obj, const char *zone,
			  gs_time t)
{
	json_t *in;

	if (member(p, obj, "intensity", &in) < 0)
		return -1;
	if (!json_is_object(in))
		return fail_type(p, in, "an object");
	if (read_value(p, in, "forecast", zone, t, p->r->fetched) < 0 ||
	    read_value(p, in, "actual", zone, t, GS_TIME_NONE) < 0)
		return -1;
	pop(p);
	return 0;
}

/* A national half-hour: {"from", "to", "intensity"}. */
static int read_national(struct uk_parse *p, json_t *obj)
{
	gs_time t;

	if (read_period(p, obj, &t) < 0)
		return -1;
	return read_intensity(p, obj, p->zone ? p->zone : "GB", t);
}

/*
 * The zone the values of region `id` go to, or NULL to skip them (the
 * feed wants another region).
 */
static int region_zone(struct uk_parse *p, json_t *obj, const char **zone)
{
	json_t *v;
	json_int_t id;

	if (member(p, obj, "regionid", &v) < 0)
		return -1;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return fail_type(p, v, "a positive integer");
	id = json_integer_value(v);
	p->regions++;
	*zone = NULL;
	if (p->want_region) {
		if (id != p->want_region) {
			pop(p);
			return 0;
		}
		p->wanted++;
	} else if (p->own_zone) {
		if (p->own_region && p->own_region != id)
			return fail(p, "'%s': a second region (%lld after "
				    "%lld) for the feed's zone '%s' (use "
				    "\"zone\": \"GB\" to store each region "
				    "as GB-<regionid>)", field_name(p),
				    (long long)id, (long long)p->own_region,
				    p->zone);
		p->own_region = id;
		*zone = p->zone;
		pop(p);
		return 0;
	}
	strbuf_reset(&p->tmp);
	strbuf_addf(&p->tmp, "GB-%lld", (long long)id);
	*zone = point_batch_intern(p->out, p->tmp.buf, p->tmp.len);
	pop(p);
	return 0;
}

/* One half-hour listing its regions: {"from", "to", "regions": [...]}. */
static int read_by_period(struct uk_parse *p, json_t *obj)
{
	json_t *regions, *region;
	size_t i;
	gs_time t;

	if (read_period(p, obj, &t) < 0 ||
	    member(p, obj, "regions", &regions) < 0)
		return -1;
	if (!json_is_array(regions))
		return fail_type(p, regions, "an array");
	json_array_foreach(regions, i, region) {
		const char *zone;

		push_index(p, i);
		if (!json_is_object(region))
			return fail_type(p, region, "an object");
		if (region_zone(p, region, &zone) < 0)
			return -1;
		if (zone && read_intensity(p, region, zone, t) < 0)
			return -1;
		pop(p);
	}
	pop(p);
	return 0;
}

/* One region listing its half-hours: {"regionid", ..., "data": [...]}. */
static int read_by_region(struct uk_parse *p, json_t *obj)
{
	json_t *data, *period;
	const char *zone;
	size_t i;

	if (region_zone(p, obj, &zone) < 0)
		return -1;
	if (member(p, obj, "data", &data) < 0)
		return -1;
	if (!json_is_array(data))
		return fail_type(p, data, "an array");
	json_array_foreach(data, i, period) {
		gs_time t;

		push_index(p, i);
		if (!json_is_object(period))
			return fail_type(p, period, "an object");
		if (zone && (read_period(p, period, &t) < 0 ||
			     read_intensity(p, period, zone, t) < 0))
			return -1;
		pop(p);
	}
	pop(p);
	return 0;
}

/* One element of the top-level "data", whichever shape it has. */
static int read_entry(struct uk_parse *p, json_t *obj)
{
	if (!json_is_object(obj))
		return fail_type(p, obj, "an object");
	if (json_object_get(obj, "regionid"))
		return read_by_region(p, obj);
	if (json_object_get(obj, "regions"))
		return read_by_period(p, obj);
	return read_national(p, obj);
}

/* {"error": {"code": "400 Bad Request", "message": "..."}} */
static int api_error(struct uk_parse *p, json_t *e)
{
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));

	push_key(p, "error");
	if (!code && !msg)
		return fail(p, "the carbon intensity API answered an error");
	return fail(p, "the carbon intensity API answered '%s': %s",
		    code ? code : "error", msg ? msg : "(no message)");
}

static int read_root(struct uk_parse *p, json_t *root)
{
	json_t *data, *e;
	size_t i;

	if (!json_is_object(root))
		return fail(p, "want an object with 'data', not %s",
			    type_name(root));
	e = json_object_get(root, "error");
	if (e && json_is_object(e))
		return api_error(p, e);
	if (member(p, root, "data", &data) < 0)
		return -1;
	if (json_is_object(data)) {
		if (read_entry(p, data) < 0)
			return -1;
	} else if (!json_is_array(data)) {
		return fail_type(p, data, "an array or an object");
	}
	json_array_foreach(data, i, e) {
		push_index(p, i);
		if (read_entry(p, e) < 0)
			return -1;
		pop(p);
	}
	pop(p);
	if (p->want_region && p->regions && !p->wanted)
		return err_at(p->err, p->r->display, 0, 0,
			      "no region %ld in the response for the feed's "
			      "zone '%s'", p->want_region, p->zone);
	return 0;
}

/* "GB-N" with N in 1..999: N, else 0. */
static long gb_region(const char *zone)
{
	long n = 0;

	if (strncmp(zone, "GB-", 3) || !zone[3] || strlen(zone) > 6)
		return 0;
	for (const char *s = zone + 3; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		n = n * 10 + (*s - '0');
	}
	return n;
}

static void uk_parse_init(struct uk_parse *p, const struct feed_response *r,
			  struct point_batch *out, struct errmsg *err)
{
	const char *zone = r->feed ? r->feed->zone : NULL;

	memset(p, 0, sizeof(*p));
	p->r = r;
	p->out = out;
	p->err = err;
	strbuf_init(&p->tmp);
	p->signal = point_batch_intern(out, "carbon_intensity", 16);
	p->unit = signal_unit("carbon_intensity");
	if (p->unit)
		p->unit = point_batch_intern(out, p->unit, strlen(p->unit));
	if (!zone || !*zone)
		return;
	p->zone = point_batch_intern(out, zone, strlen(zone));
	p->want_region = gb_region(zone);
	p->own_zone = !p->want_region && strcmp(zone, "GB");
}

int uk_feed_parse_counted(const struct feed_response *r,
			  struct point_batch *out, size_t *rejected,
			  struct errmsg *err)
{
	struct uk_parse p;
	struct json_doc d;
	size_t n0 = out->n;
	int ret;

	if (rejected)
		*rejected = 0;
	if (json_doc_load_buffer(&d, r->display, r->body, r->len, err) < 0) {
		json_doc_release(&d);
		return -1;
	}
	uk_parse_init(&p, r, out, err);
	ret = read_root(&p, d.root);
	if (ret < 0)
		out->n = n0;  /* nothing of a bad response */
	else {
		out->rejected += p.rejected;
		if (rejected)
			*rejected = p.rejected;
	}
	strbuf_release(&p.tmp);
	json_doc_release(&d);
	return ret;
}

int uk_feed_parse(const struct feed_response *r, struct point_batch *out,
		  struct errmsg *err)
{
	return uk_feed_parse_counted(r, out, NULL, err);
}
