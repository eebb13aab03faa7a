/*
 * feed-openmeteo.c - feed kind "open-meteo": weather for a site's weather
 * key from the Open-Meteo forecast, archive and historical-forecast APIs.
 *
 *   {"utc_offset_seconds": 3600, "hourly_units": {"temperature_2m": "°C",
 *    ...}, "hourly": {"time": ["2024-01-01T00:00", ...],
 *    "temperature_2m": [1.5, null, ...], ...}}
 *
 * Times are local wall-clock times without an offset (the request's
 * `timezone`), so utc_offset_seconds is taken off; with
 * timeformat=unixtime they are integers, already UTC.  Units come from
 * hourly_units, and when a unit is missing Open-Meteo's defaults apply
 * (°C, km/h, W/m², mm).  null is a gap and stays one.  Open-Meteo applies
 * one offset to the whole response, so times must increase: a repeated
 * or backward time would be a wall clock's DST turn, refused rather than
 * guessed.  The "daily" and "current" blocks are not read (daily values
 * are aggregates, "current" repeats the latest hour), nor variables other
 * than the five below.
 *
 * The body does not say whether it is a forecast, so the url template
 * does (see open_meteo_is_archive()): the archive and historical-forecast
 * APIs give recorded values, everything else (api.open-meteo.com and its
 * per-model endpoints) forecasts issued at the time of the request.
 */
#include "ingest/ingest.h"

#include <jansson.h>

/* The variables greenslot stores; the rest of a response is left alone. */
static const struct om_var {
	const char *name;
	const char *signal;
	const char *default_unit;
} om_vars[] = {
	{"temperature_2m", "temperature", "\xc2\xb0" "C"},
	{"dew_point_2m", "dewpoint", "\xc2\xb0" "C"},
	{"dewpoint_2m", "dewpoint", "\xc2\xb0" "C"},
	{"wind_speed_10m", "wind_speed", "km/h"},
	{"windspeed_10m", "wind_speed", "km/h"},
	{"shortwave_radiation", "solar_radiation", "W/m\xc2\xb2"},
	{"precipitation", "precipitation", "mm"},
};

/* Open-Meteo's spellings that unit_conversion() does not know. */
static const struct {
	const char *om, *unit;
	double mul;
} om_units[] = {
	{"mp/h", "mph", 1},
	{"W/m\xc2\xb2", "W/m2", 1},
	{"inch", "mm", 25.4},
};

/* The blocks of equally spaced values and their units objects. */
static const char *const om_blocks[][2] = {
	{"hourly", "hourly_units"},
	{"minutely_15", "minutely_15_units"},
};

struct om_parse {
	const struct feed_response *r;
	struct json_doc d;
	struct point_batch *out;
	const char *zone;
	gs_time issued;   /* GS_TIME_NONE: recorded values */
	int64_t offset;   /* utc_offset_seconds */
	gs_time *times;
	size_t ntimes, alloc;
};

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(s, prefix, n);
}

bool open_meteo_is_archive(const char *url)
{
	const char *path = url, *scheme = strstr(url, "://");
	size_t len;

	if (scheme) {
		const char *host = scheme + 3;
		len = strcspn(host, "/:?#");
		if (starts_with(host, len, "archive-api.") ||
		    starts_with(host, len, "historical-forecast-api."))
			return true;
		path = host + len;
	}
	len = strcspn(path, "?#");
	return (len >= 8 && !memcmp(path + len - 8, "/archive", 8)) ||
	       (len == 7 && !memcmp(path, "archive", 7));
}

/* n digits at *p as a number, advancing *p; -1 if they are not digits. */
static int digits(const char **p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* "YYYY-MM-DDTHH:MM[:SS]", a wall-clock time without offset. */
static int local_time(const char *s, gs_time *out)
{
	const char *p = s;
	int y, mo, d, h, mi, sec = 0;
	struct gs_tm tm;

	if ((y = digits(&p, 4)) < 0 || *p++ != '-' ||
	    (mo = digits(&p, 2)) < 0 || *p++ != '-' ||
	    (d = digits(&p, 2)) < 0 || (*p != 'T' && *p != ' '))
		return -1;
	p++;
	if ((h = digits(&p, 2)) < 0 || *p++ != ':' ||
	    (mi = digits(&p, 2)) < 0)
		return -1;
	if (*p == ':') {
		p++;
		if ((sec = digits(&p, 2)) < 0)
			return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 ||
	    sec > 59)
		return -1;
	*out = time_from_civil(y, mo, d, h, mi, sec);
	time_to_tm(*out, &tm);
	return tm.day == d ? 0 : -1;
}

#define OM_TIME_HINT "want local time like 2024-01-01T00:00 or unixtime"

static int read_time(struct om_parse *op, json_t *v, gs_time *t)
{
	struct json_doc *d = &op->d;

	if (json_is_integer(v)) {
		*t = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return json_doc_fail(d, 0, OM_TIME_HINT,
				     "'%s' must be a string or an integer",
				     json_doc_field(d));
	if (local_time(json_string_value(v), t) < 0)
		return json_doc_fail(d, 0, OM_TIME_HINT,
				     "'%s': invalid time '%s'",
				     json_doc_field(d), json_string_value(v));
	*t -= op->offset;
	return 0;
}

static int read_times(struct om_parse *op, json_t *block)
{
	json_t *arr, *v;
	size_t i;

	if (json_doc_array(&op->d, block, "time", JD_REQUIRED, &arr) < 0)
		return -1;
	op->ntimes = 0;
	ALLOC_GROW(op->times, json_array_size(arr), op->alloc);
	json_array_foreach(arr, i, v) {
		json_doc_push_index(&op->d, i);
		if (read_time(op, v, &op->times[i]) < 0)
			return -1;
		if (i && op->times[i] <= op->times[i - 1])
			return json_doc_fail(&op->d, 0, NULL, "'%s' is not "
					     "after the time before it",
					     json_doc_field(&op->d));
		json_doc_pop(&op->d);
		op->ntimes++;
	}
	json_doc_pop(&op->d);
	return 0;
}

/*
 * The conversion of var's values, from the units object's entry (at
 * root.UNITS_NAME.VAR, where messages point) or Open-Meteo's default.
 */
static int var_conversion(struct om_parse *op, const struct om_var *var,
			  json_t *units, const char *units_name,
			  struct unit_conv *uc)
{
	struct json_doc *d = &op->d;
	struct json_path saved = d->path;
	const char *unit = var->default_unit, *gsu;
	double mul = 1;
	struct errmsg sub;
	int r = 0;

	d->path.depth = 0;
	json_doc_push_key(d, units_name);
	if (units && json_doc_string(d, units, var->name, JD_NULL, &unit) < 0)
		r = -1;
	gsu = unit;
	for (size_t i = 0; !r && i < ARRAY_SIZE(om_units); i++) {
		if (!strcmp(unit, om_units[i].om)) {
			gsu = om_units[i].unit;
			mul = om_units[i].mul;
		}
	}
	if (!r && unit_conversion(var->signal, gsu, uc, &sub) < 0) {
		json_doc_push_key(d, var->name);
		r = json_doc_fail(d, 0, NULL, "'%s': %s", json_doc_field(d),
				  sub.msg);
	}
	uc->mul *= mul;
	d->path = saved;
	return r;
}

static int read_values(struct om_parse *op, const struct om_var *var,
		       json_t *arr, const struct unit_conv *uc)
{
	struct json_doc *d = &op->d;
	const char *signal = point_batch_intern(op->out, var->signal,
						strlen(var->signal));
	const char *unit = point_batch_intern(op->out, uc->unit.buf,
					      uc->unit.len);
	json_t *v;
	size_t i;

	if (json_array_size(arr) != op->ntimes)
		return json_doc_fail(d, 0, NULL,
				     "'%s' has %zu values where 'time' has %zu",
				     json_doc_field(d), json_array_size(arr),
				     op->ntimes);
	json_array_foreach(arr, i, v) {
		double x;
		int r;

		json_doc_push_index(d, i);
		r = json_doc_number(d, v, NULL, JD_NULL, &x);
		json_doc_pop(d);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		x = unit_conv_apply(uc, x);
		point_batch_put(op->out, op->zone, signal, unit, op->times[i],
				op->issued, x);
	}
	return 0;
}

static int read_var(struct om_parse *op, const struct om_var *var,
		    json_t *block, json_t *units, const char *units_name)
{
	struct unit_conv uc;
	json_t *arr;
	int r;

	if (!json_object_get(block, var->name))
		return 0;
	unit_conv_init(&uc);
	r = var_conversion(op, var, units, units_name, &uc);
	if (!r) {
		r = json_doc_array(&op->d, block, var->name, JD_NULL, &arr);
		if (r == 0) {
			r = read_values(op, var, arr, &uc);
			json_doc_pop(&op->d);
		}
	}
	unit_conv_release(&uc);
	return r < 0 ? -1 : 0;
}

/* 1 when the block is absent. */
static int read_block(struct om_parse *op, const char *name,
		      const char *units_name)
{
	json_t *root = op->d.root, *block, *units = NULL;
	int r;

	r = json_doc_object(&op->d, root, units_name, JD_NULL, &units);
	if (r < 0)
		return -1;
	if (r == 0)
		json_doc_pop(&op->d);
	r = json_doc_object(&op->d, root, name, JD_NULL, &block);
	if (r)
		return r;
	r = read_times(op, block);
	for (size_t i = 0; !r && i < ARRAY_SIZE(om_vars); i++)
		r = read_var(op, &om_vars[i], block, units, units_name);
	json_doc_pop(&op->d);
	return r;
}

static int read_header(struct om_parse *op, struct errmsg *err)
{
	json_t *root = op->d.root;
	double off = 0;
	const char *reason = "no reason given";

	if (json_is_true(json_object_get(root, "error"))) {
		json_doc_string(&op->d, root, "reason", 0, &reason);
		return json_doc_fail(&op->d, 0, NULL,
				     "open-meteo refused the request: %s",
				     reason);
	}
	if (json_doc_number(&op->d, root, "utc_offset_seconds", JD_NULL,
			    &off) < 0)
		return -1;
	/* the range first: casting a huge double to int64_t is undefined */
	if (off < -86400 || off > 86400 || off != (double)(int64_t)off) {
		json_doc_push_key(&op->d, "utc_offset_seconds");
		return json_doc_fail(&op->d, 0, NULL,
				     "'utc_offset_seconds' must be a whole "
				     "number of seconds within a day");
	}
	op->offset = (int64_t)off;
	op->zone = json_feed_zone(op->r, op->out, NULL);
	if (!op->zone)
		return err_set(err, "feed '%s': kind 'open-meteo' needs the "
			       "feed's \"zone\" (the weather key)",
			       op->r->feed ? op->r->feed->name : "?");
	return 0;
}

int open_meteo_parse(const struct feed_response *r, struct point_batch *out,
		     struct errmsg *err)
{
	struct om_parse op = {0};
	int ret, found = 0;

	op.r = r;
	op.out = out;
	op.issued = r->feed && open_meteo_is_archive(r->feed->url) ?
		GS_TIME_NONE : r->fetched;
	ret = json_feed_open(&op.d, r, err);
	if (!ret)
		ret = read_header(&op, err);
	for (size_t i = 0; !ret && i < ARRAY_SIZE(om_blocks); i++) {
		ret = read_block(&op, om_blocks[i][0], om_blocks[i][1]);
		if (ret == 0)
			found++;
		if (ret > 0)
			ret = 0;
	}
	if (!ret && !found)
		ret = json_doc_fail(&op.d, 0,
				    "ask for hourly=temperature_2m,...",
				    "no 'hourly' values in the response");
	free(op.times);
	json_doc_release(&op.d);
	return ret < 0 ? -1 : 0;
}
