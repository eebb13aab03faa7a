/*
 * test-ingest-uk.c - unit tests of feed kind "uk-carbon-intensity": a real
 * national response, the regional shapes of the API documentation, zones
 * chosen by the feed, impossible values, and errors with their positions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include "tests/unit/unit.h"

#define FETCHED 1700000000 /* 2023-11-14T22:13:20Z */

/*
 * A fixture of tests/fixtures/ingest/uk-carbon-intensity, found from the
 * test binary (BUILD/tests/test-ingest-uk), whatever the working directory.
 */
static void read_fixture(const char *name, struct strbuf *sb)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct strbuf path;
	char *slash;

	assert_true(n > 0);
	exe[n] = '\0';
	for (int i = 0; i < 3; i++) {  /* drop test-ingest-uk, tests, BUILD */
		slash = strrchr(exe, '/');
		assert_non_null(slash);
		*slash = '\0';
	}
	strbuf_init(&path);
	strbuf_addf(&path, "%s/tests/fixtures/ingest/uk-carbon-intensity/%s",
		    exe, name);
	strbuf_init(sb);
	if (strbuf_read_file(sb, path.buf, 1 << 20) < 0)
		fail_msg("cannot read %s", path.buf);
	strbuf_release(&path);
}

static int parse(const char *text, const char *zone, struct point_batch *pb,
		 size_t *rejected, struct errmsg *err)
{
	struct feed f = {.name = "gb", .zone = (char *)zone};
	struct feed_response r = {0};

	r.feed = &f;
	r.display = "uk.json";
	r.body = text;
	r.len = strlen(text);
	r.fetched = FETCHED;
	point_batch_init(pb);
	return uk_feed_parse_counted(&r, pb, rejected, err);
}

static int parse_fixture(const char *name, const char *zone,
			 struct point_batch *pb)
{
	struct strbuf sb;
	struct errmsg err;
	size_t rejected;
	int ret;

	read_fixture(name, &sb);
	ret = parse(sb.buf, zone, pb, &rejected, &err);
	if (ret < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(rejected, 0);
	strbuf_release(&sb);
	return ret;
}

/* The point of zone/issued at t (issued: FETCHED or GS_TIME_NONE). */
static const struct store_point *find(const struct point_batch *pb,
				      const char *zone, gs_time issued,
				      const char *t)
{
	gs_time when = T(t);
	const struct store_point *hit = NULL;

	for (size_t i = 0; i < pb->n; i++) {
		const struct store_point *p = &pb->pts[i];
		if (!strcmp(p->zone, zone) && p->issued == issued &&
		    p->time == when) {
			assert_null(hit); /* one point per key */
			hit = p;
		}
	}
	return hit;
}

static void expect_point(const struct point_batch *pb, const char *zone,
			 gs_time issued, const char *t, double v)
{
	const struct store_point *p = find(pb, zone, issued, t);

	if (!p)
		fail_msg("no point %s %s issued %lld", zone, t,
			 (long long)issued);
	assert_string_equal(p->signal, "carbon_intensity");
	assert_string_equal(p->unit, "gCO2eq/kWh");
	assert_true(p->value == v);
	assert_true(isnan(p->lo80) && isnan(p->hi95));
}

static size_t count_zone(const struct point_batch *pb, const char *zone)
{
	size_t n = 0;
	for (size_t i = 0; i < pb->n; i++)
		n += !strcmp(pb->pts[i].zone, zone);
	return n;
}

/* ---- national ---- */

static void test_national_recorded(void **state)
{
	struct point_batch pb;
	(void)state;

	parse_fixture("national_pt24h_2023-03-16T1201Z.json", "GB", &pb);
	assert_int_equal(pb.n, 96); /* 48 half-hours, forecast and actual */
	expect_point(&pb, "GB", GS_TIME_NONE, "2023-03-15T12:00:00Z", 202);
	expect_point(&pb, "GB", FETCHED, "2023-03-15T12:00:00Z", 217);
	expect_point(&pb, "GB", GS_TIME_NONE, "2023-03-15T12:30:00Z", 203);
	expect_point(&pb, "GB", FETCHED, "2023-03-15T12:30:00Z", 215);
	expect_point(&pb, "GB", GS_TIME_NONE, "2023-03-16T11:00:00Z", 99);
	expect_point(&pb, "GB", FETCHED, "2023-03-16T11:00:00Z", 98);
	expect_point(&pb, "GB", GS_TIME_NONE, "2023-03-16T11:30:00Z", 98);
	expect_point(&pb, "GB", FETCHED, "2023-03-16T11:30:00Z", 99);
	/* a half-hour [from, to) is a point at from: none at the last "to" */
	assert_null(find(&pb, "GB", GS_TIME_NONE, "2023-03-16T12:00:00Z"));
	/* interned: every point shares the zone and signal strings */
	assert_ptr_equal(pb.pts[0].zone, pb.pts[95].zone);
	assert_ptr_equal(pb.pts[0].signal, pb.pts[95].signal);
	point_batch_release(&pb);
}

static void test_national_zone(void **state)
{
	struct point_batch pb;
	(void)state;

	/* no zone in FEEDS.json: "GB"; another zone: that one */
	parse_fixture("national_pt24h_2023-03-16T1201Z.json", NULL, &pb);
	assert_int_equal(count_zone(&pb, "GB"), 96);
	point_batch_release(&pb);
	parse_fixture("national_pt24h_2023-03-16T1201Z.json", "UK", &pb);
	assert_int_equal(count_zone(&pb, "UK"), 96);
	point_batch_release(&pb);
}

static void test_national_future(void **state)
{
	struct point_batch pb;
	struct errmsg err;
	size_t rejected;
	(void)state;

	/* fw48h: actual null or absent; times with seconds and offsets too */
	assert_int_equal(parse(
		"{\"data\": [\n"
		" {\"from\": \"2023-03-16T12:00Z\", \"to\": \"2023-03-16T12:30Z\","
		" \"intensity\": {\"forecast\": 95, \"actual\": null,"
		" \"index\": \"low\"}},\n"
		" {\"from\": \"2023-03-16T12:30:00Z\", \"to\": \"2023-03-16T13:00Z\","
		" \"intensity\": {\"forecast\": 91.5}},\n"
		" {\"from\": \"2023-03-16T14:00+01:00\","
		" \"to\": \"2023-03-16T13:30Z\","
		" \"intensity\": {\"forecast\": null, \"actual\": 90}}\n"
		"]}", "GB", &pb, &rejected, &err), 0);
	assert_int_equal(pb.n, 3);
	assert_int_equal(rejected, 0);
	expect_point(&pb, "GB", FETCHED, "2023-03-16T12:00:00Z", 95);
	expect_point(&pb, "GB", FETCHED, "2023-03-16T12:30:00Z", 91.5);
	expect_point(&pb, "GB", GS_TIME_NONE, "2023-03-16T13:00:00Z", 90);
	point_batch_release(&pb);

	/* an empty answer is no points, not an error */
	assert_int_equal(parse("{\"data\": []}", "GB", &pb, &rejected, &err),
			 0);
	assert_int_equal(pb.n, 0);
	point_batch_release(&pb);
}

static void test_impossible_values(void **state)
{
	struct point_batch pb;
	struct errmsg err;
	size_t rejected;
	(void)state;

	assert_int_equal(parse(
		"{\"data\": [\n"
		" {\"from\": \"2023-03-16T12:00Z\", \"to\": \"2023-03-16T12:30Z\","
		" \"intensity\": {\"forecast\": -5, \"actual\": 2000}},\n"
		" {\"from\": \"2023-03-16T12:30Z\", \"to\": \"2023-03-16T13:00Z\","
		" \"intensity\": {\"forecast\": 0, \"actual\": 2000.5}}\n"
		"]}", "GB", &pb, &rejected, &err), 0);
	assert_int_equal(rejected, 2);
	assert_int_equal(pb.n, 2);
	expect_point(&pb, "GB", GS_TIME_NONE, "2023-03-16T12:00:00Z", 2000);
	expect_point(&pb, "GB", FETCHED, "2023-03-16T12:30:00Z", 0);
	point_batch_release(&pb);
}

/* ---- regional ---- */

#define REGIONAL "regional_2023-03-16T1200Z_2023-03-16T1300Z.json"

static void test_regional_all(void **state)
{
	struct point_batch pb;
	char zone[16];
	(void)state;

	parse_fixture(REGIONAL, "GB", &pb);
	assert_int_equal(pb.n, 36); /* 18 regions x 2 half-hours, forecasts */
	for (int r = 1; r <= 18; r++) {
		snprintf(zone, sizeof(zone), "GB-%d", r);
		assert_int_equal(count_zone(&pb, zone), 2);
	}
	for (size_t i = 0; i < pb.n; i++)
		assert_int_equal(pb.pts[i].issued, FETCHED);
	expect_point(&pb, "GB-1", FETCHED, "2023-03-16T12:00:00Z", 0);
	expect_point(&pb, "GB-13", FETCHED, "2023-03-16T12:00:00Z", 163);
	expect_point(&pb, "GB-13", FETCHED, "2023-03-16T12:30:00Z", 166);
	expect_point(&pb, "GB-18", FETCHED, "2023-03-16T12:30:00Z", 221);
	point_batch_release(&pb);

	/* no zone: the same */
	parse_fixture(REGIONAL, NULL, &pb);
	assert_int_equal(pb.n, 36);
	assert_int_equal(count_zone(&pb, "GB-17"), 2);
	point_batch_release(&pb);
}

static void test_regional_one(void **state)
{
	struct point_batch pb;
	(void)state;

	parse_fixture(REGIONAL, "GB-13", &pb);
	assert_int_equal(pb.n, 2);
	expect_point(&pb, "GB-13", FETCHED, "2023-03-16T12:00:00Z", 163);
	expect_point(&pb, "GB-13", FETCHED, "2023-03-16T12:30:00Z", 166);
	point_batch_release(&pb);

	/* "data" as one object; the feed's own zone name */
	parse_fixture("regional_regionid_13_fw24h.json", "LONDON", &pb);
	assert_int_equal(pb.n, 3);
	expect_point(&pb, "LONDON", FETCHED, "2023-03-16T12:00:00Z", 168);
	expect_point(&pb, "LONDON", FETCHED, "2023-03-16T12:30:00Z", 171);
	expect_point(&pb, "LONDON", FETCHED, "2023-03-16T13:00:00Z", 175);
	point_batch_release(&pb);

	parse_fixture("regional_regionid_13_fw24h.json", "GB", &pb);
	assert_int_equal(count_zone(&pb, "GB-13"), 3);
	point_batch_release(&pb);

	/* the documentation's example: /regional/postcode/RG10 */
	parse_fixture("regional_postcode_RG10.json", NULL, &pb);
	assert_int_equal(pb.n, 1);
	expect_point(&pb, "GB-3", FETCHED, "2018-01-20T12:00:00Z", 266);
	point_batch_release(&pb);
}

/* ---- errors ---- */

static void expect_error(const char *text, const char *zone, const char *msg)
{
	struct point_batch pb;
	struct errmsg err;
	size_t rejected = 99;

	assert_int_equal(parse(text, zone, &pb, &rejected, &err), -1);
	assert_string_equal(err.msg, msg);
	assert_int_equal(pb.n, 0); /* nothing of a bad response */
	point_batch_release(&pb);
}

static void expect_fixture_error(const char *name, const char *zone,
				 const char *msg)
{
	struct strbuf sb;

	read_fixture(name, &sb);
	expect_error(sb.buf, zone, msg);
	strbuf_release(&sb);
}

static void test_errors(void **state)
{
	(void)state;
	expect_fixture_error("error_400.json", "GB",
		"uk.json:2:12: the carbon intensity API answered "
		"'400 Bad Request': Please enter a valid ISO 8601 date, e.g. "
		"2017-08-25T12:35Z");
	expect_error("{\"data\": [{\"from\": \"2023-03-16T12:00Z\",",
		     "GB", "uk.json:1:39: invalid JSON: string or '}' expected "
		     "near end of file");
	expect_error("", "GB", "uk.json:1:1: invalid JSON: '[' or '{' "
		     "expected near end of file");
	expect_error("[1]", "GB",
		     "uk.json:1:1: want an object with 'data', not an array");
	expect_error("{\"dat\": []}", "GB", "uk.json:1:1: missing 'data'");
	expect_error("{\"data\": 5}", "GB",
		     "uk.json:1:10: 'data': want an array or an object, not "
		     "a number");
	expect_error("{\"data\": [{\"from\": \"2023-03-16T12:00Z\",\n"
		     "  \"to\": \"2023-03-16T12:30Z\",\n"
		     "  \"intensity\": {\"forecast\": \"95\"}}]}", "GB",
		     "uk.json:3:29: 'data[0].intensity.forecast': want a "
		     "number or null, not a string");
	expect_error("{\"data\": [{\"from\": \"2023-03-16T12:00Z\", "
		     "\"intensity\": {}}]}", "GB",
		     "uk.json:1:11: missing 'data[0].to'");
	expect_error("{\"data\": [{\"from\": \"2023-03-16 noon\", "
		     "\"to\": \"2023-03-16T12:30Z\", \"intensity\": {}}]}",
		     "GB", "uk.json:1:20: 'data[0].from': invalid time "
		     "'2023-03-16 noon' (want e.g. 2023-03-16T12:00Z)");
	expect_error("{\"data\": [{\"from\": \"2023-03-16T12:00\", "
		     "\"to\": \"2023-03-16T12:30Z\", \"intensity\": {}}]}",
		     "GB", "uk.json:1:20: 'data[0].from': invalid time "
		     "'2023-03-16T12:00' (want e.g. 2023-03-16T12:00Z)");
	expect_error("{\"data\": [{\"from\": \"2023-03-16T12:00Z\", "
		     "\"to\": \"2023-03-16T12:00Z\", \"intensity\": {}}]}",
		     "GB", "uk.json:1:47: 'data[0].to': the end of the period "
		     "is not after its start");
	expect_error("{\"data\": [{\"from\": \"2023-03-16T12:00Z\", "
		     "\"to\": \"2023-03-16T12:30Z\"}]}", "GB",
		     "uk.json:1:11: missing 'data[0].intensity'");
	expect_error("{\"data\": [{\"from\": \"2023-03-16T12:00Z\", "
		     "\"to\": \"2023-03-16T12:30Z\", \"intensity\": 95}]}",
		     "GB", "uk.json:1:81: 'data[0].intensity': want an object, "
		     "not a number");
	expect_error("{\"data\": {\"regionid\": \"13\", \"data\": []}}", "GB",
		     "uk.json:1:23: 'data.regionid': want a positive integer, "
		     "not a string");
	expect_error("{\"data\": {\"regionid\": 13, \"data\": {}}}", "GB",
		     "uk.json:1:35: 'data.data': want an array, not an object");
	expect_error("{\"data\": [{\"from\": \"2023-03-16T12:00Z\", "
		     "\"from\": \"2023-03-16T12:00Z\"}]}", "GB",
		     "uk.json:1:41: invalid JSON: duplicate object key near "
		     "'\"from\"'");
}

static void test_zone_errors(void **state)
{
	(void)state;
	expect_fixture_error(REGIONAL, "LONDON",
		"uk.json:1:509: 'data[0].regions[1].regionid': a second region "
		"(2 after 1) for the feed's zone 'LONDON' (use \"zone\": "
		"\"GB\" to store each region as GB-<regionid>)");
	expect_fixture_error("regional_regionid_13_fw24h.json", "GB-12",
		"uk.json: no region 12 in the response for the feed's zone "
		"'GB-12'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_national_recorded),
		cmocka_unit_test(test_national_zone),
		cmocka_unit_test(test_national_future),
		cmocka_unit_test(test_impossible_values),
		cmocka_unit_test(test_regional_all),
		cmocka_unit_test(test_regional_one),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_zone_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
