/*
 * test-ingest-json-feeds.c - unit tests of the JSON feed kinds
 * (open-meteo, electricitymaps, watttime): exact values of sample points
 * after time zone and unit conversion, forecasts told from recorded
 * values, gaps and impossible values skipped, and errors that name the
 * position and the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "ingest/ingest.h"
#include "tests/unit/unit.h"

#define FETCHED "2024-01-01T12:34:56Z"

/* Parses text as a response of a feed of that kind, url and zone. */
static int parse(feed_parse_fn fn, const char *url, const char *zone,
		 const char *text, struct point_batch *pb, struct errmsg *err)
{
	struct feed f = {.name = "test", .url = (char *)url,
			 .zone = (char *)zone};
	struct feed_response r = {0};

	r.feed = &f;
	r.display = "resp.json";
	r.body = text;
	r.len = strlen(text);
	r.fetched = T(FETCHED);
	point_batch_init(pb);
	return fn(&r, pb, err);
}

static void expect_error(feed_parse_fn fn, const char *url, const char *zone,
			 const char *text, const char *msg)
{
	struct point_batch pb;
	struct errmsg err;

	assert_int_equal(parse(fn, url, zone, text, &pb, &err), -1);
	assert_string_equal(err.msg, msg);
	point_batch_release(&pb);
}

/* The point of that signal and time, which must exist exactly once. */
static const struct store_point *find(const struct point_batch *pb,
				      const char *signal, const char *time)
{
	const struct store_point *found = NULL;
	gs_time t = T(time);

	for (size_t i = 0; i < pb->n; i++) {
		if (strcmp(pb->pts[i].signal, signal) || pb->pts[i].time != t)
			continue;
		assert_null(found);
		found = &pb->pts[i];
	}
	assert_non_null(found);
	return found;
}

static size_t count(const struct point_batch *pb, const char *signal)
{
	size_t n = 0;

	for (size_t i = 0; i < pb->n; i++)
		n += !strcmp(pb->pts[i].signal, signal);
	return n;
}

static void expect_point(const struct point_batch *pb, const char *signal,
			 const char *time, double value, const char *unit)
{
	const struct store_point *p = find(pb, signal, time);

	if (!p)
		return;
	assert_float_equal(p->value, value, 1e-9);
	assert_string_equal(p->unit, unit);
}

/* ---- open-meteo ---- */

#define OM_FORECAST_URL "https://api.open-meteo.com/v1/forecast?latitude=52.52"
#define OM_ARCHIVE_URL "https://archive-api.open-meteo.com/v1/archive?x=1"

static void test_open_meteo_forecast(void **state)
{
	static const char text[] =
		"{\"latitude\":52.52,\"utc_offset_seconds\":3600,"
		"\"timezone\":\"Europe/Berlin\",\"hourly_units\":{\"time\":"
		"\"iso8601\",\"temperature_2m\":\"\xc2\xb0" "C\","
		"\"wind_speed_10m\":\"km/h\",\"shortwave_radiation\":"
		"\"W/m\xc2\xb2\"},\"hourly\":{\"time\":[\"2024-01-01T00:00\","
		"\"2024-01-01T01:00\"],\"temperature_2m\":[5.2,null],"
		"\"wind_speed_10m\":[18.0,14.4],\"dew_point_2m\":[3.1,3.0],"
		"\"shortwave_radiation\":[0.0,12.5],\"precipitation\":[0.1,0],"
		"\"cloud_cover\":[100,90]}}";
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	assert_int_equal(parse(open_meteo_parse, OM_FORECAST_URL, "berlin",
			       text, &pb, &err), 0);
	/* 5 variables, 2 hours, one null; cloud_cover is not stored */
	assert_int_equal(pb.n, 9);
	/* local midnight in Berlin (+01:00) is 23:00 UTC */
	expect_point(&pb, "temperature", "2023-12-31T23:00:00Z", 5.2, "degC");
	assert_int_equal(count(&pb, "temperature"), 1);
	/* km/h is the default and becomes m/s */
	expect_point(&pb, "wind_speed", "2023-12-31T23:00:00Z", 5, "m/s");
	expect_point(&pb, "wind_speed", "2024-01-01T00:00:00Z", 4, "m/s");
	expect_point(&pb, "dewpoint", "2024-01-01T00:00:00Z", 3.0, "degC");
	expect_point(&pb, "solar_radiation", "2024-01-01T00:00:00Z", 12.5,
		     "W/m2");
	expect_point(&pb, "precipitation", "2023-12-31T23:00:00Z", 0.1, "mm");
	for (size_t i = 0; i < pb.n; i++) {
		assert_string_equal(pb.pts[i].zone, "berlin");
		assert_true(pb.pts[i].issued == T(FETCHED));
	}
	point_batch_release(&pb);
}

static void test_open_meteo_archive_imperial(void **state)
{
	static const char text[] =
		"{\"utc_offset_seconds\":-25200,\"hourly_units\":{"
		"\"temperature_2m\":\"\xc2\xb0" "F\",\"dewpoint_2m\":"
		"\"\xc2\xb0" "F\",\"windspeed_10m\":\"mp/h\","
		"\"precipitation\":\"inch\"},\"hourly\":{\"time\":"
		"[\"2021-06-01T00:00\",\"2021-06-01T01:00\"],"
		"\"temperature_2m\":[59.0,200.0],\"dewpoint_2m\":[50,-200],"
		"\"windspeed_10m\":[10,0],\"precipitation\":[0.1,-1]}}";
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	assert_int_equal(parse(open_meteo_parse, OM_ARCHIVE_URL, "sf", text,
			       &pb, &err), 0);
	/* 200 degF, -200 degF and -1 inch are impossible: skipped */
	assert_int_equal(pb.n, 5);
	expect_point(&pb, "temperature", "2021-06-01T07:00:00Z", 15, "degC");
	expect_point(&pb, "dewpoint", "2021-06-01T07:00:00Z", 10, "degC");
	expect_point(&pb, "wind_speed", "2021-06-01T07:00:00Z", 4.4704,
		     "m/s");
	expect_point(&pb, "wind_speed", "2021-06-01T08:00:00Z", 0, "m/s");
	expect_point(&pb, "precipitation", "2021-06-01T07:00:00Z", 2.54,
		     "mm");
	for (size_t i = 0; i < pb.n; i++)
		assert_true(pb.pts[i].issued == GS_TIME_NONE);
	point_batch_release(&pb);
}

static void test_open_meteo_unixtime(void **state)
{
	static const char text[] =
		"{\"utc_offset_seconds\":3600,\"hourly_units\":{\"time\":"
		"\"unixtime\",\"wind_speed_10m\":\"kn\"},\"minutely_15\":{"
		"\"time\":[1704067200,1704068100],\"wind_speed_10m\":[3600,"
		"null]}}";
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	assert_int_equal(parse(open_meteo_parse,
			       "http://127.0.0.1:8080/v1/archive", "x", text,
			       &pb, &err), 0);
	/* unixtime is UTC already: no offset; minutely_15 has no units
	 * object, so km/h applies */
	assert_int_equal(pb.n, 1);
	expect_point(&pb, "wind_speed", "2024-01-01T00:00:00Z", 1000, "m/s");
	assert_true(pb.pts[0].issued == GS_TIME_NONE);
	point_batch_release(&pb);
}

static void test_open_meteo_is_archive(void **state)
{
	(void)state;
	assert_true(open_meteo_is_archive(OM_ARCHIVE_URL));
	assert_true(open_meteo_is_archive(
		"https://historical-forecast-api.open-meteo.com/v1/forecast"));
	assert_true(open_meteo_is_archive("http://127.0.0.1:99/v1/archive"));
	assert_true(open_meteo_is_archive("data/v1/archive"));
	assert_false(open_meteo_is_archive(OM_FORECAST_URL));
	assert_false(open_meteo_is_archive(
		"https://api.open-meteo.com/v1/dwd-icon?archive=1"));
	assert_false(open_meteo_is_archive("data/forecast.json"));
}

static void test_open_meteo_errors(void **state)
{
	feed_parse_fn fn = open_meteo_parse;
	const char *u = OM_FORECAST_URL;
	(void)state;

	expect_error(fn, u, "x", "{\"hourly\": {\"time\": [tru]}}",
		     "resp.json:1:22: invalid JSON: invalid token near 'tru'");
	expect_error(fn, u, "x", "", "resp.json:1:1: empty response (want a "
		     "JSON object)");
	expect_error(fn, u, "x", "[{\"hourly\": {}}]",
		     "resp.json:1:1: the response must be a JSON object");
	expect_error(fn, u, "x", "{\"latitude\": 1}",
		     "resp.json:1:1: no 'hourly' values in the response "
		     "(ask for hourly=temperature_2m,...)");
	expect_error(fn, u, "x", "{\"hourly\": {\"temperature_2m\": [1]}}",
		     "resp.json:1:12: missing 'hourly.time'");
	expect_error(fn, u, "x",
		     "{\"hourly\": {\"time\": [\"2024-01-01T00:00\",\n"
		     "  \"2024-13-01T00:00\"]}}",
		     "resp.json:2:3: 'hourly.time[1]': invalid time "
		     "'2024-13-01T00:00' (want local time like "
		     "2024-01-01T00:00 or unixtime)");
	expect_error(fn, u, "x",
		     "{\"hourly\": {\"time\": [\"2024-01-01T01:00\",\n"
		     "  \"2024-01-01T01:00\"]}}",
		     "resp.json:2:3: 'hourly.time[1]' is not after the time "
		     "before it");
	expect_error(fn, u, "x",
		     "{\"hourly\": {\"time\": [\"2024-01-01T00:00\"],\n"
		     "\"temperature_2m\": [\"5\"]}}",
		     "resp.json:2:20: 'hourly.temperature_2m[0]' must be a "
		     "number");
	expect_error(fn, u, "x",
		     "{\"hourly\": {\"time\": [\"2024-01-01T00:00\"],\n"
		     "\"precipitation\": [1, 2]}}",
		     "resp.json:2:18: 'hourly.precipitation' has 2 values "
		     "where 'time' has 1");
	expect_error(fn, u, "x",
		     "{\"hourly_units\": {\"wind_speed_10m\": \"furlong\"},\n"
		     "\"hourly\": {\"time\": [\"2024-01-01T00:00\"],\n"
		     "\"wind_speed_10m\": [1]}}",
		     "resp.json:1:37: 'hourly_units.wind_speed_10m': unknown "
		     "unit 'furlong' for signal 'wind_speed' (want m/s, km/h, "
		     "mph, kn)");
	expect_error(fn, u, "x", "{\"utc_offset_seconds\": 1.5, "
		     "\"hourly\": {}}",
		     "resp.json:1:24: 'utc_offset_seconds' must be a whole "
		     "number of seconds within a day");
	expect_error(fn, u, "x", "{\"error\": true, \"reason\": \"Cannot "
		     "initialize WeatherVariable from invalid String value "
		     "x\"}",
		     "resp.json:1:1: open-meteo refused the request: Cannot "
		     "initialize WeatherVariable from invalid String value x");
	expect_error(fn, u, NULL, "{\"hourly\": {\"time\": []}}",
		     "feed 'test': kind 'open-meteo' needs the feed's "
		     "\"zone\" (the weather key)");
}

/* ---- electricitymaps ---- */

#define EM_URL "https://api.electricitymaps.com/v3/carbon-intensity/history"

static void test_emaps_history(void **state)
{
	static const char text[] =
		"{\"zone\":\"DE\",\"history\":[{\"zone\":\"DE\","
		"\"carbonIntensity\":302,\"datetime\":"
		"\"2019-05-21T00:00:00.000Z\",\"updatedAt\":"
		"\"2022-04-07T15:32:21.002Z\",\"emissionFactorType\":"
		"\"lifecycle\",\"isEstimated\":false,\"estimationMethod\":null},"
		"{\"carbonIntensity\":null,\"datetime\":\"2019-05-21T01:00:00Z\"},"
		"{\"carbonIntensity\":2500,\"datetime\":\"2019-05-21T02:00:00Z\"},"
		"{\"carbonIntensity\":-1,\"datetime\":\"2019-05-21T03:00:00Z\"},"
		"{\"carbonIntensity\":297.5,\"datetime\":\"2019-05-21T04:00:00Z\","
		"\"isEstimated\":true,\"estimationMethod\":\"TIME_SLICER\"}]}";
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	/* no zone in the feed: the response's */
	assert_int_equal(parse(electricitymaps_parse, EM_URL, NULL, text, &pb,
			       &err), 0);
	/* a null is a gap; 2500 and -1 are impossible */
	assert_int_equal(pb.n, 2);
	expect_point(&pb, "carbon_intensity", "2019-05-21T00:00:00Z", 302,
		     "gCO2eq/kWh");
	expect_point(&pb, "carbon_intensity", "2019-05-21T04:00:00Z", 297.5,
		     "gCO2eq/kWh");
	assert_string_equal(pb.pts[0].zone, "DE");
	assert_true(pb.pts[0].issued == GS_TIME_NONE);
	/* isEstimated marks the point (the rejected ones mark nothing) */
	assert_false(pb.pts[0].estimated);
	assert_true(pb.pts[1].estimated);
	point_batch_release(&pb);

	/* the feed's zone wins */
	assert_int_equal(parse(electricitymaps_parse, EM_URL, "de", text, &pb,
			       &err), 0);
	assert_string_equal(pb.pts[1].zone, "de");
	point_batch_release(&pb);
}

static void test_emaps_latest_and_forecast(void **state)
{
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	assert_int_equal(parse(electricitymaps_parse, EM_URL, NULL,
			       "{\"zone\":\"FR\",\"carbonIntensity\":56,"
			       "\"datetime\":\"2024-03-01T10:00:00.000Z\","
			       "\"emissionFactorType\":\"direct\"}", &pb,
			       &err), 0);
	assert_int_equal(pb.n, 1);
	expect_point(&pb, "carbon_intensity", "2024-03-01T10:00:00Z", 56,
		     "gCO2eq/kWh");
	assert_string_equal(pb.pts[0].zone, "FR");
	assert_true(pb.pts[0].issued == GS_TIME_NONE);
	point_batch_release(&pb);

	assert_int_equal(parse(electricitymaps_parse, EM_URL, "DE",
			       "{\"zone\":\"DE\",\"forecast\":[{"
			       "\"carbonIntensity\":326,\"datetime\":"
			       "\"2019-05-21T05:00:00.000Z\"},{"
			       "\"carbonIntensity\":314.5,\"datetime\":"
			       "\"2019-05-21T06:00:00.000Z\"}],\"updatedAt\":"
			       "\"2019-05-21T04:42:18.000Z\"}", &pb, &err), 0);
	assert_int_equal(pb.n, 2);
	expect_point(&pb, "carbon_intensity", "2019-05-21T06:00:00Z", 314.5,
		     "gCO2eq/kWh");
	assert_true(pb.pts[0].issued == T("2019-05-21T04:42:18Z"));
	point_batch_release(&pb);

	/* past-range lists its entries under "data" */
	assert_int_equal(parse(electricitymaps_parse, EM_URL, "DE",
			       "{\"zone\":\"DE\",\"data\":[{"
			       "\"carbonIntensity\":301.25,\"datetime\":"
			       "\"2024-03-01T10:00:00.000Z\"}]}", &pb, &err),
			 0);
	assert_int_equal(pb.n, 1);
	expect_point(&pb, "carbon_intensity", "2024-03-01T10:00:00Z", 301.25,
		     "gCO2eq/kWh");
	assert_true(pb.pts[0].issued == GS_TIME_NONE);
	point_batch_release(&pb);

	/* without updatedAt a forecast is issued at the request */
	assert_int_equal(parse(electricitymaps_parse, EM_URL, "DE",
			       "{\"forecast\":[{\"carbonIntensity\":326,"
			       "\"datetime\":\"2019-05-21T05:00:00Z\"}]}",
			       &pb, &err), 0);
	assert_int_equal(pb.n, 1);
	assert_true(pb.pts[0].issued == T(FETCHED));
	point_batch_release(&pb);
}

static void test_emaps_errors(void **state)
{
	feed_parse_fn fn = electricitymaps_parse;
	const char *u = EM_URL;
	(void)state;

	expect_error(fn, u, "DE", "{\"zone\": \"DE\", \"history\": [\n"
		     "  {\"carbonIntensity\": 302,}]}",
		     "resp.json:2:27: invalid JSON: string or '}' expected "
		     "near '}'");
	expect_error(fn, u, "DE", "{\"history\": [{\"carbonIntensity\": 3}]}",
		     "resp.json:1:14: missing 'history[0].datetime'");
	expect_error(fn, u, "DE", "{\"history\": [{\"datetime\": "
		     "\"2019-05-21T00:00:00Z\"}]}",
		     "resp.json:1:14: missing 'history[0].carbonIntensity'");
	expect_error(fn, u, "DE", "{\"history\": [{\"datetime\": "
		     "\"2019-05-21 00:00\", \"carbonIntensity\": 3}]}",
		     "resp.json:1:27: 'history[0].datetime': invalid time "
		     "'2019-05-21 00:00' (want RFC 3339 with an offset, e.g. "
		     "2026-11-25T18:00:00Z)");
	expect_error(fn, u, "DE", "{\"history\": [{\"datetime\": "
		     "\"2019-05-21T00:00:00Z\", \"carbonIntensity\": \"3\"}]}",
		     "resp.json:1:70: 'history[0].carbonIntensity' must be a "
		     "number");
	expect_error(fn, u, "DE", "{\"history\": {}}",
		     "resp.json:1:13: 'history' must be an array");
	expect_error(fn, u, "DE", "{\"history\": [{\"datetime\": "
		     "\"2019-05-21T00:00:00Z\", \"carbonIntensity\": 3, "
		     "\"emissionFactorType\": \"marginal\"}]}",
		     "resp.json:1:95: 'history[0].emissionFactorType': unknown "
		     "emission factor type 'marginal' (want lifecycle or "
		     "direct)");
	expect_error(fn, u, "DE", "{\"history\": [{\"datetime\": "
		     "\"2019-05-21T00:00:00Z\", \"carbonIntensity\": 3, "
		     "\"emissionFactorType\": \"direct\"},\n{\"datetime\": "
		     "\"2019-05-21T01:00:00Z\", \"carbonIntensity\": 3, "
		     "\"emissionFactorType\": \"lifecycle\"}]}",
		     "resp.json:2:82: 'history[1].emissionFactorType' is "
		     "'lifecycle' where an earlier entry has 'direct' (one "
		     "feed, one kind of factor)");
	expect_error(fn, u, NULL, "{\"carbonIntensity\": 3, \"datetime\": "
		     "\"2019-05-21T00:00:00Z\"}",
		     "resp.json:1:1: no 'zone' in the response nor in the "
		     "feed 'test'");
}

/* ---- watttime ---- */

#define WT_URL "https://api.watttime.org/v3/historical?region=CAISO_NORTH"
#define WT_META(extra) \
	"\"meta\":{\"region\":\"CAISO_NORTH\",\"signal_type\":\"co2_moer\"," \
	"\"units\":\"lbs_co2_per_mwh\",\"data_point_period_seconds\":300" \
	extra "}"

static void test_watttime_historical(void **state)
{
	static const char text[] =
		"{\"data\":[{\"point_time\":\"2023-06-08T00:00:00+00:00\","
		"\"value\":937.0},{\"point_time\":\"2023-06-08T00:05:00+00:00\","
		"\"value\":null},{\"point_time\":\"2023-06-08T00:10:00+00:00\","
		"\"value\":5000},{\"point_time\":\"2023-06-08T00:15:00+00:00\","
		"\"value\":-3},{\"point_time\":\"2023-06-08T00:20:00+00:00\","
		"\"value\":0}]," WT_META("") "}";
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	assert_int_equal(parse(watttime_parse, WT_URL, NULL, text, &pb, &err),
			 0);
	/* null: a gap; 5000 lbs/MWh (2268 g/kWh) and -3: impossible */
	assert_int_equal(pb.n, 2);
	expect_point(&pb, "carbon_intensity", "2023-06-08T00:00:00Z",
		     937 * 0.45359237, "gCO2eq/kWh");
	expect_point(&pb, "carbon_intensity", "2023-06-08T00:20:00Z", 0,
		     "gCO2eq/kWh");
	/* meta.region CAISO_NORTH is greenslot zone CISO (data/zones.csv) */
	assert_string_equal(pb.pts[0].zone, "CISO");
	assert_true(pb.pts[0].issued == GS_TIME_NONE);
	point_batch_release(&pb);
}

static void test_watttime_forecasts(void **state)
{
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	assert_int_equal(parse(watttime_parse, WT_URL, "CISO",
			       "{\"data\":[{\"point_time\":"
			       "\"2023-06-08T00:05:00+00:00\",\"value\":909.2}"
			       "]," WT_META(",\"generated_at\":"
			       "\"2023-06-08T00:00:00+00:00\"") "}",
			       &pb, &err), 0);
	assert_int_equal(pb.n, 1);
	expect_point(&pb, "carbon_intensity", "2023-06-08T00:05:00Z",
		     909.2 * 0.45359237, "gCO2eq/kWh");
	assert_string_equal(pb.pts[0].zone, "CISO");
	assert_true(pb.pts[0].issued == T("2023-06-08T00:00:00Z"));
	point_batch_release(&pb);

	/* /v3/forecast/historical: several forecasts, each its own issue */
	assert_int_equal(parse(watttime_parse, WT_URL, NULL,
			       "{\"data\":[{\"generated_at\":"
			       "\"2023-06-08T00:00:00Z\",\"forecast\":[{"
			       "\"point_time\":\"2023-06-08T00:05:00Z\","
			       "\"value\":1000}]},{\"generated_at\":"
			       "\"2023-06-08T00:05:00Z\",\"forecast\":[{"
			       "\"point_time\":\"2023-06-08T00:10:00Z\","
			       "\"value\":100}]}],\"meta\":{\"units\":"
			       "\"lbs_co2_per_mwh\",\"region\":\"X\","
			       "\"signal_type\":\"co2_aoer\"}}", &pb, &err), 0);
	assert_int_equal(pb.n, 2);
	expect_point(&pb, "carbon_intensity", "2023-06-08T00:10:00Z",
		     45.359237, "gCO2eq/kWh");
	assert_true(pb.pts[0].issued == T("2023-06-08T00:00:00Z"));
	assert_true(pb.pts[1].issued == T("2023-06-08T00:05:00Z"));
	point_batch_release(&pb);
}

static void test_watttime_errors(void **state)
{
	feed_parse_fn fn = watttime_parse;
	const char *u = WT_URL;
	(void)state;

	expect_error(fn, u, "X", "{\"data\": [], \"meta\": {\"units\": "
		     "\"percent\", \"signal_type\": \"co2_moer\"}}",
		     "resp.json:1:32: 'meta.units' is 'percent': a relative "
		     "index, not a carbon intensity (ask for "
		     "signal_type=co2_moer)");
	expect_error(fn, u, "X", "{\"data\": [], \"meta\": {\"units\": "
		     "\"tons\"}}",
		     "resp.json:1:32: 'meta.units': unknown unit 'tons' (want "
		     "lbs_co2_per_mwh)");
	expect_error(fn, u, "X", "{\"data\": [], \"meta\": {\"units\": "
		     "\"lbs_co2_per_mwh\", \"signal_type\": \"health_damage\"}}",
		     "resp.json:1:66: 'meta.signal_type' is 'health_damage', "
		     "not a carbon intensity (want co2_moer or co2_aoer)");
	expect_error(fn, u, "X", "{\"data\": []}",
		     "resp.json:1:1: missing 'meta'");
	expect_error(fn, u, NULL, "{\"data\": [], \"meta\": {\"units\": "
		     "\"lbs_co2_per_mwh\"}}",
		     "resp.json:1:22: no 'meta.region' in the response nor a "
		     "zone in the feed 'test'");
	expect_error(fn, u, "X", "{\"meta\": {\"units\": \"lbs_co2_per_mwh\"},"
		     "\n\"data\": [{\"point_time\": \"2023-06-08\", "
		     "\"value\": 1}]}",
		     "resp.json:2:25: 'data[0].point_time': invalid time "
		     "'2023-06-08' (want RFC 3339 with an offset, e.g. "
		     "2026-11-25T18:00:00Z)");
	expect_error(fn, u, "X", "{\"meta\": {\"units\": \"lbs_co2_per_mwh\"},"
		     "\n\"data\": [{\"point_time\": \"2023-06-08T00:00Z\"}]}",
		     "resp.json:2:10: missing 'data[0].value'");
	expect_error(fn, u, "X", "{\"meta\": {\"units\": \"lbs_co2_per_mwh\","
		     "\"generated_at\": 5}, \"data\": []}",
		     "resp.json:1:54: 'meta.generated_at' must be a string "
		     "(want RFC 3339 with an offset, e.g. "
		     "2026-11-25T18:00:00Z)");
	expect_error(fn, u, "X", "{\"meta\": {\"units\": \"lbs_co2_per_mwh\"},"
		     " \"data\": [{\"point_time\": \"2023-06-08T00:00Z\", "
		     "\"value\": 1}, ]}",
		     "resp.json:1:98: invalid JSON: unexpected token near ']'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_meteo_forecast),
		cmocka_unit_test(test_open_meteo_archive_imperial),
		cmocka_unit_test(test_open_meteo_unixtime),
		cmocka_unit_test(test_open_meteo_is_archive),
		cmocka_unit_test(test_open_meteo_errors),
		cmocka_unit_test(test_emaps_history),
		cmocka_unit_test(test_emaps_latest_and_forecast),
		cmocka_unit_test(test_emaps_errors),
		cmocka_unit_test(test_watttime_historical),
		cmocka_unit_test(test_watttime_forecasts),
		cmocka_unit_test(test_watttime_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
