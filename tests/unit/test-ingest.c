/*
 * test-ingest.c - unit tests of the ingest module: the CSV reader, the
 * generic series CSV (long and wide form, units, errors with positions),
 * url templates and secrets, FEEDS.json validation and request set-up.
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
#include <curl/curl.h>

/* ---- the CSV reader ---- */

static void test_csv_reader_quoting(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf" "a,b,c\r\n"
		"\"x,1\",\"say \"\"hi\"\"\",\r\n"
		"\n"
		"\"two\nlines\",é,z";
	struct csv_reader r;
	struct errmsg err;
	(void)state;

	csv_reader_init(&r, "t.csv", text, sizeof(text) - 1);
	assert_int_equal(csv_read_record(&r, &err), 1);
	assert_int_equal(r.nfields, 3);
	assert_string_equal(r.fields[0].s, "a");
	assert_int_equal(r.fields[0].col, 1); /* the BOM is not a column */
	assert_string_equal(r.fields[2].s, "c");
	assert_true(r.eol);

	assert_int_equal(csv_read_record(&r, &err), 1);
	assert_int_equal(r.nfields, 3);
	assert_string_equal(r.fields[0].s, "x,1");
	assert_string_equal(r.fields[1].s, "say \"hi\"");
	assert_int_equal(r.fields[1].line, 2);
	assert_int_equal(r.fields[1].col, 7);
	assert_string_equal(r.fields[2].s, "");

	/* the blank line is skipped; a quoted field spans two lines */
	assert_int_equal(csv_read_record(&r, &err), 1);
	assert_int_equal(r.fields[0].line, 4);
	assert_string_equal(r.fields[0].s, "two\nlines");
	assert_string_equal(r.fields[1].s, "é");
	assert_int_equal(r.fields[1].line, 5);
	assert_int_equal(r.fields[1].col, 8);
	/* columns count characters: "é" is two bytes, one column */
	assert_int_equal(r.fields[2].col, 10);
	assert_false(r.eol);
	assert_int_equal(csv_read_record(&r, &err), 0);
	csv_reader_release(&r);
}

static void expect_csv_error(const char *text, const char *msg)
{
	struct csv_reader r;
	struct errmsg err;
	int ret;

	csv_reader_init(&r, "t.csv", text, strlen(text));
	while ((ret = csv_read_record(&r, &err)) > 0)
		;
	assert_int_equal(ret, -1);
	assert_string_equal(err.msg, msg);
	csv_reader_release(&r);
}

static void test_csv_reader_errors(void **state)
{
	(void)state;
	expect_csv_error("a,b\n1,\"open\n", "t.csv:2:3: unterminated quoted field");
	expect_csv_error("a,b\n1,x\"y\n", "t.csv:2:4: quote inside an unquoted field");
	expect_csv_error("a,b\n\"q\"x,1\n",
			 "t.csv:2:4: unexpected text after a quoted field");
}

/* ---- the generic series CSV ---- */

static int parse(const char *text, const char *zone, struct point_batch *pb,
		 struct errmsg *err)
{
	struct feed f = {.name = "test", .zone = (char *)zone};
	struct feed_response r = {0};

	r.feed = &f;
	r.display = "feed.csv";
	r.body = text;
	r.len = strlen(text);
	point_batch_init(pb);
	return csv_feed_parse(&r, pb, err);
}

static void expect_parse_error(const char *text, const char *zone,
			       const char *msg)
{
	struct point_batch pb;
	struct errmsg err;

	assert_int_equal(parse(text, zone, &pb, &err), -1);
	assert_string_equal(err.msg, msg);
	point_batch_release(&pb);
}

static void test_csv_wide(void **state)
{
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	assert_int_equal(parse("time,carbon_intensity,generation_nat_gas\n"
			       "2021-06-01T00:00:00Z,242.9,7290\n"
			       "2021-06-01T01:00:00Z,,9098\n"
			       "2021-06-01T03:00:00+02:00,250,\n",
			       "CISO", &pb, &err), 0);
	assert_int_equal(pb.n, 4); /* empty cells carry no value */
	assert_string_equal(pb.pts[0].zone, "CISO");
	assert_string_equal(pb.pts[0].signal, "carbon_intensity");
	assert_string_equal(pb.pts[0].unit, "gCO2eq/kWh");
	assert_true(pb.pts[0].value == 242.9);
	assert_int_equal(pb.pts[0].issued, GS_TIME_NONE);
	assert_string_equal(pb.pts[1].signal, "generation_nat_gas");
	assert_string_equal(pb.pts[1].unit, "MW");
	assert_string_equal(pb.pts[2].signal, "generation_nat_gas");
	assert_int_equal(pb.pts[2].time, T("2021-06-01T01:00:00Z"));
	/* an offset is fine: 03:00+02:00 is 01:00Z */
	assert_int_equal(pb.pts[3].time, T("2021-06-01T01:00:00Z"));
	/* interned: equal strings are the same pointer */
	assert_ptr_equal(pb.pts[0].zone, pb.pts[3].zone);
	point_batch_release(&pb);
}

static void test_csv_wide_forecast(void **state)
{
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	assert_int_equal(parse("time,issued,temperature,wind_speed\n"
			       "2021-06-01T00:00:00Z,2021-05-31T12:00:00Z,"
			       "19.5,3\n", "CISO", &pb, &err), 0);
	assert_int_equal(pb.n, 2);
	assert_int_equal(pb.pts[0].issued, T("2021-05-31T12:00:00Z"));
	assert_string_equal(pb.pts[0].unit, "degC");
	assert_string_equal(pb.pts[1].unit, "m/s");
	point_batch_release(&pb);
}

static void test_csv_long_units(void **state)
{
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	assert_int_equal(parse(
		"zone,unit,value,signal,time\n"
		"PJM,lb/MWh,1000,carbon_intensity,2021-06-01T00:00:00Z\n"
		"PJM,tCO2/MWh,0.25,carbon_intensity,2021-06-01T01:00:00Z\n"
		"PJM,degF,95,temperature,2021-06-01T00:00:00Z\n"
		"PJM,K,273.15,temperature,2021-06-01T01:00:00Z\n"
		"PJM,km/h,36,wind_speed,2021-06-01T00:00:00Z\n"
		"PJM,kW,1500,load,2021-06-01T00:00:00Z\n"
		"PJM,GW,1.5,generation_wind,2021-06-01T00:00:00Z\n"
		"DE,EUR/kWh,0.08,price,2021-06-01T00:00:00Z\n"
		"DE,EUR/MWh,-5,price,2021-06-01T01:00:00Z\n"
		"DE,,12,price,2021-06-01T02:00:00Z\n"
		"site-1,,3,busy_gpu,2021-06-01T02:00:00Z\n"
		"PJM,mph,,wind_speed,2021-06-01T01:00:00Z\n",
		NULL, &pb, &err), 0);
	assert_int_equal(pb.n, 11);
	assert_float_equal(pb.pts[0].value, 453.59237, 1e-9);
	assert_string_equal(pb.pts[0].unit, "gCO2eq/kWh");
	assert_float_equal(pb.pts[1].value, 250, 0);
	assert_true(pb.pts[2].value == 35); /* exactly */
	assert_string_equal(pb.pts[2].unit, "degC");
	assert_float_equal(pb.pts[3].value, 0, 1e-12);
	assert_true(pb.pts[4].value == 10);
	assert_true(pb.pts[5].value == 1.5);
	assert_string_equal(pb.pts[5].unit, "MW");
	assert_true(pb.pts[6].value == 1500);
	assert_float_equal(pb.pts[7].value, 80, 1e-9);
	assert_string_equal(pb.pts[7].unit, "EUR/MWh");
	assert_true(pb.pts[8].value == -5);
	assert_string_equal(pb.pts[8].unit, "EUR/MWh");
	assert_null(pb.pts[9].unit); /* a price of unknown currency */
	assert_string_equal(pb.pts[10].zone, "site-1");
	assert_int_equal(pb.rejected, 0);
	point_batch_release(&pb);

	/* impossible values are counted and left out, not errors */
	assert_int_equal(parse("time,carbon_intensity,temperature\n"
			       "2021-06-01T00:00:00Z,-3,61\n"
			       "2021-06-01T01:00:00Z,2001,-90.5\n"
			       "2021-06-01T02:00:00Z,2000,60\n",
			       "PJM", &pb, &err), 0);
	assert_int_equal(pb.n, 2);
	assert_int_equal(pb.rejected, 4);
	assert_true(pb.pts[0].value == 2000);
	point_batch_release(&pb);
}

static void test_csv_errors(void **state)
{
	(void)state;
	expect_parse_error("time,carbon_intensity\n"
			   "2021-06-01T00:00:00Z,1\n"
			   "2021-06-01T01:00:00Z,abc\n",
			   "CISO",
			   "feed.csv:3:22: column 'carbon_intensity': invalid "
			   "number 'abc'");
	expect_parse_error("time,carbon_intensity\n2021-06-01T00:00:00Z,nan\n",
			   "CISO",
			   "feed.csv:2:22: column 'carbon_intensity': invalid "
			   "number 'nan'");
	expect_parse_error("time,carbon_intensity\n2021-06-01T00:00:00Z,inf\n",
			   "CISO",
			   "feed.csv:2:22: column 'carbon_intensity': invalid "
			   "number 'inf'");
	expect_parse_error("time,carbon_intensity\n2021-06-01T00:00:00Z,1e999\n",
			   "CISO",
			   "feed.csv:2:22: column 'carbon_intensity': invalid "
			   "number '1e999'");
	expect_parse_error("time,carbon_intensity,co2\n", "CISO",
			   "feed.csv:1:23: unknown column 'co2'");
	expect_parse_error("time,generation_\n", "CISO",
			   "feed.csv:1:6: unknown column 'generation_'");
	expect_parse_error("time,load,load\n", "CISO",
			   "feed.csv:1:11: duplicate column 'load'");
	expect_parse_error("carbon_intensity\n1\n", "CISO",
			   "feed.csv:1:1: missing column 'time'");
	expect_parse_error("time,carbon_intensity\n2021-06-01T00:00:00,1\n",
			   "CISO",
			   "feed.csv:2:1: column 'time': invalid time "
			   "'2021-06-01T00:00:00' (want RFC 3339 with an "
			   "offset)");
	expect_parse_error("time,carbon_intensity\n"
			   "2021-06-01T00:00:00Z,1\n2021-06-01T01:00:00Z",
			   "CISO",
			   "feed.csv:3:1: truncated last line: 1 of 2 fields");
	expect_parse_error("time,carbon_intensity\n"
			   "2021-06-01T00:00:00Z,1,2\n", "CISO",
			   "feed.csv:2:24: 3 fields where the header has 2");
	expect_parse_error("time,carbon_intensity\n2021-06-01T00:00:00Z,1\n",
			   NULL,
			   "feed.csv:1:1: wide-form csv needs a 'zone' column "
			   "or the feed's \"zone\" in FEEDS.json (feed 'test')");
	expect_parse_error("time,zone,signal,value,unit\n"
			   "2021-06-01T00:00:00Z,X,carbon_intensity,1,kWh\n",
			   NULL,
			   "feed.csv:2:43: unknown unit 'kWh' for signal "
			   "'carbon_intensity' (want gCO2eq/kWh, gCO2/kWh, "
			   "g/kWh, kgCO2/MWh, kgCO2eq/MWh, kg/MWh, lb/MWh, "
			   "lbs/MWh, lbCO2/MWh, tCO2/MWh, tCO2eq/MWh)");
	expect_parse_error("time,zone,signal,value\n"
			   "2021-06-01T00:00:00Z,X,co2,1\n", NULL,
			   "feed.csv:2:24: unknown signal 'co2'");
	expect_parse_error("time,zone,signal\n", NULL,
			   "feed.csv:1:1: missing column 'value'");
	expect_parse_error("", "CISO",
			   "feed.csv:1: empty input: no header line");
	expect_parse_error("<html><body>oops</body></html>\n", "CISO",
			   "feed.csv:1:1: unknown column "
			   "'<html><body>oops</body></html>'");
}

static void test_dedup_later_wins(void **state)
{
	struct point_batch pb;
	struct errmsg err;
	(void)state;

	assert_int_equal(parse("time,zone,signal,value\n"
			       "2021-06-01T01:00:00Z,A,load,1\n"
			       "2021-06-01T00:00:00Z,A,load,2\n"
			       "2021-06-01T01:00:00Z,A,load,3\n"
			       "2021-06-01T01:00:00Z,B,load,4\n"
			       "2021-06-01T02:00:00+01:00,A,load,5\n",
			       NULL, &pb, &err), 0);
	assert_int_equal(pb.n, 5);
	assert_int_equal(point_batch_dedup(&pb), 2);
	assert_int_equal(pb.n, 3);
	/* sorted by zone, signal, time */
	assert_string_equal(pb.pts[0].zone, "A");
	assert_true(pb.pts[0].value == 2);
	assert_true(pb.pts[1].value == 5); /* 02:00+01:00 came last */
	assert_string_equal(pb.pts[2].zone, "B");
	assert_int_equal(point_batch_clip(&pb, T("2021-06-01T00:30:00Z"),
					  GS_TIME_NONE), 1);
	assert_int_equal(pb.n, 2);
	assert_int_equal(point_batch_clip(&pb, GS_TIME_NONE,
					  T("2021-06-01T01:00:00Z")), 2);
	assert_int_equal(pb.n, 0);
	point_batch_release(&pb);
}

static void test_signals(void **state)
{
	struct unit_conv uc;
	struct errmsg err;
	(void)state;

	assert_true(signal_valid("carbon_intensity"));
	assert_true(signal_valid("generation_nat_gas"));
	assert_true(signal_valid("busy_gpu"));
	assert_false(signal_valid("busy_"));
	assert_false(signal_valid("generation_Coal"));
	assert_false(signal_valid("co2"));
	assert_null(signal_unit("price"));
	assert_string_equal(signal_unit("dewpoint"), "degC");

	unit_conv_init(&uc);
	assert_int_equal(unit_conversion("temperature", "F", &uc, &err), 0);
	assert_true(unit_conv_apply(&uc, 32) == 0);
	assert_int_equal(unit_conversion("price", "GBP/kWh", &uc, &err), 0);
	assert_string_equal(uc.unit.buf, "GBP/MWh");
	assert_int_equal(unit_conversion("price", "EUR", &uc, &err), -1);
	assert_int_equal(unit_conversion("busy_cpu", "W", &uc, &err), -1);
	assert_string_equal(err.msg, "unknown unit 'W' for signal 'busy_cpu' "
			    "(want none)");
	unit_conv_release(&uc);
}

/* ---- templates and secrets ---- */

static void test_template_expand(void **state)
{
	struct strbuf sb;
	struct secrets sec;
	struct errmsg err;
	gs_time from = T("2026-11-25T18:00:00Z"), to = T("2026-11-27T06:30:00Z");
	(void)state;

	strbuf_init(&sb);
	secrets_init(&sec);
	setenv("GS_TEST_TOKEN", "s3cr3t-t0ken", 1);
	assert_int_equal(template_expand(
		"https://x/{from}/{to}?s={from:%Y%m%d%H%M}&e={to:%Y%m%d%H%M}"
		"&k={env:GS_TEST_TOKEN}&b={{x}", from, to, &sb, &sec, &err), 0);
	assert_string_equal(sb.buf,
		"https://x/2026-11-25T18:00:00Z/2026-11-27T06:30:00Z"
		"?s=202611251800&e=202611270630&k=s3cr3t-t0ken&b={x}");
	assert_int_equal(sec.n, 1);

	strbuf_reset(&sb);
	unsetenv("GS_TEST_MISSING");
	assert_int_equal(template_expand("x{env:GS_TEST_MISSING}", from, to,
					 &sb, &sec, &err), -1);
	assert_string_equal(err.msg,
			    "environment variable 'GS_TEST_MISSING' is not set");
	assert_int_equal(template_check("x{foo}", &err), -1);
	assert_string_equal(err.msg, "unknown placeholder '{foo}' (want "
			    "{from}, {to}, {from:FORMAT}, {to:FORMAT}, "
			    "{env:NAME}, {zone}, {eic}, {emaps}, {watttime}, "
			    "{uk_region}, {lat} or {lon})");
	assert_int_equal(template_check("x{from", &err), -1);
	assert_string_equal(err.msg, "unterminated placeholder '{from'");
	assert_int_equal(template_check("{from:%Q}", &err), -1);
	assert_int_equal(template_check("{env:1X}", &err), -1);
	/* checking never looks at the environment */
	assert_int_equal(template_check("{env:GS_TEST_MISSING}", &err), 0);

	snprintf(err.msg, sizeof(err.msg),
		 "bad token s3cr3t-t0ken, really s3cr3t-t0ken");
	secrets_scrub(&sec, &err);
	assert_string_equal(err.msg, "bad token ***, really ***");
	secrets_release(&sec);
	strbuf_release(&sb);
}

/* ---- FEEDS.json ---- */

struct tmpdir {
	char path[64];
};

static void write_file(const char *dir, const char *name, const char *text)
{
	struct strbuf p;
	FILE *f;

	strbuf_init(&p);
	strbuf_addf(&p, "%s/%s", dir, name);
	f = fopen(p.buf, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	strbuf_release(&p);
}

static int setup_dir(void **state)
{
	struct tmpdir *d = xmalloc(sizeof(*d));
	snprintf(d->path, sizeof(d->path), "/tmp/gs-ingest-XXXXXX");
	if (!mkdtemp(d->path))
		return -1;
	*state = d;
	return 0;
}

static int teardown_dir(void **state)
{
	struct tmpdir *d = *state;
	struct strbuf cmd;

	strbuf_init(&cmd);
	strbuf_addf(&cmd, "rm -rf '%s'", d->path);
	if (system(cmd.buf) != 0)
		return -1;
	strbuf_release(&cmd);
	free(d);
	return 0;
}


/* feeds.json in dir holding text fails to load with the message want. */
static void expect_feeds_fail(const char *dir, const char *text,
			      const char *want)
{
	struct feed_config fc;
	struct errmsg err;
	struct strbuf path;

	strbuf_init(&path);
	strbuf_addf(&path, "%s/feeds.json", dir);
	write_file(dir, "feeds.json", text);
	assert_int_equal(feeds_load(&fc, path.buf, &err), -1);
	assert_string_equal(err.msg, want);
	feeds_release(&fc);
	strbuf_release(&path);
}

/* The same, want being "DIR/feeds.json:" and msg. */
static void expect_feeds_error(const char *dir, const char *text,
			       const char *msg)
{
	struct strbuf want;

	strbuf_init(&want);
	strbuf_addf(&want, "%s/feeds.json:%s", dir, msg);
	expect_feeds_fail(dir, text, want.buf);
	strbuf_release(&want);
}

static void test_feeds_load(void **state)
{
	struct tmpdir *d = *state;
	struct feed_config fc;
	struct feed_request rq;
	struct ingest_window w;
	struct errmsg err;
	struct strbuf path, want;
	const struct feed *f;

	write_file(d->path, "feeds.json",
		   "{\"feeds\": [\n"
		   "  {\"name\": \"ciso\", \"kind\": \"csv\", \"url\": "
		   "\"data/ciso.csv\", \"zone\": \"CISO\"},\n"
		   "  {\"name\": \"api.x-1\", \"kind\": \"csv\", \"url\": "
		   "\"https://h/{from}?k={env:GS_TEST_KEY}\", \"timeout\": "
		   "\"PT5S\", \"retries\": 0, \"headers\": {\"X-Key\": "
		   "\"{env:GS_TEST_KEY}\"}},\n"
		   "  {\"name\": \"de\", \"kind\": \"entsoe\", \"url\": "
		   "\"https://e/\", \"zone\": \"DE\"}\n"
		   "]}\n");
	strbuf_init(&path);
	strbuf_init(&want);
	strbuf_addf(&path, "%s/feeds.json", d->path);
	assert_int_equal(feeds_load(&fc, path.buf, &err), 0);
	assert_int_equal(fc.nfeeds, 3);
	f = feeds_find(&fc, "ciso");
	assert_non_null(f);
	assert_string_equal(f->kind->name, "csv");
	assert_string_equal(f->zone, "CISO");
	assert_int_equal(f->timeout_s, 60);
	assert_int_equal(f->retries, 2);
	f = feeds_find(&fc, "api.x-1");
	assert_int_equal(f->timeout_s, 5);
	assert_int_equal(f->retries, 0);
	assert_int_equal(f->nheaders, 1);
	assert_null(feeds_find(&fc, "nope"));

	/* plain paths are relative to FEEDS.json */
	ingest_window_default(&w, T("2026-11-25T18:20:00Z"));
	assert_int_equal(w.from, T("2026-11-24T18:00:00Z"));
	assert_int_equal(w.to, T("2026-11-27T18:20:00Z"));
	assert_int_equal(feed_request_prepare(&rq, &fc, &fc.feeds[0], &w,
					      &err), 0);
	strbuf_addf(&want, "%s/data/ciso.csv", d->path);
	assert_string_equal(rq.chunks[0].path, want.buf);
	assert_string_equal(rq.display, want.buf);
	assert_null(rq.chunks[0].url);
	feed_request_release(&rq);

	/* a missing variable is a configuration error, naming no secret */
	unsetenv("GS_TEST_KEY");
	assert_int_equal(feed_request_prepare(&rq, &fc, &fc.feeds[1], &w,
					      &err), -1);
	assert_string_equal(err.msg, "feed 'api.x-1': url 'https://h/{from}?"
			    "k={env:GS_TEST_KEY}': environment variable "
			    "'GS_TEST_KEY' is not set");
	feed_request_release(&rq);
	setenv("GS_TEST_KEY", "k3y", 1);
	assert_int_equal(feed_request_prepare(&rq, &fc, &fc.feeds[1], &w,
					      &err), 0);
	assert_string_equal(rq.chunks[0].url,
			    "https://h/2026-11-24T18:00:00Z?k=k3y");
	assert_string_equal(rq.chunks[0].headers[0], "X-Key: k3y");
	assert_string_equal(rq.display, "https://h/{from}?k={env:GS_TEST_KEY}");
	feed_request_release(&rq);

	f = feeds_find(&fc, "de");
	assert_string_equal(f->kind->name, "entsoe");
	assert_string_equal(f->zone, "DE");
	feeds_release(&fc);
	strbuf_release(&path);
	strbuf_release(&want);
}

static void test_feeds_errors(void **state)
{
	struct tmpdir *d = *state;
	const char *dir = d->path;

	expect_feeds_error(dir,
		"{\"feeds\": [\n"
		"  {\"name\": \"a\", \"kind\": \"csv\", \"url\": \"x.csv\",\n"
		"   \"urll\": \"y\"}\n]}\n",
		"3:4: unknown key 'urll' in feed 'a'");
	expect_feeds_error(dir,
		"{\"feeds\": [{\"name\": \"a b\", \"kind\": \"csv\", "
		"\"url\": \"x\"}]}",
		"1:21: 'name': invalid feed name 'a b' in feed #1 (want "
		"letters, digits, '_', '.' and '-')");
	expect_feeds_error(dir,
		"{\"feeds\": [{\"name\": \"a\", \"kind\": \"cvs\", "
		"\"url\": \"x\"}]}",
		"1:34: 'kind': unknown feed kind 'cvs' in feed 'a' (want csv, "
		"uk-carbon-intensity, entsoe, electricitymaps, watttime, "
		"open-meteo)");
	expect_feeds_error(dir,
		"{\"feeds\": [\n  {\"name\": \"a\", \"kind\": \"csv\"}]}",
		"2:3: missing 'url' in feed 'a'");
	expect_feeds_error(dir,
		"{\"feeds\": [{\"name\": \"a\", \"kind\": \"csv\", "
		"\"url\": \"x\", \"timeout\": \"5s\"}]}",
		"1:64: 'timeout': invalid duration '5s' in feed 'a' (want "
		"ISO 8601, e.g. PT30M, PT6H or P1DT2H)");
	expect_feeds_error(dir,
		"{\"feeds\": [{\"name\": \"a\", \"kind\": \"csv\", "
		"\"url\": \"x{bad}\"}]}",
		"1:48: 'url': unknown placeholder '{bad}' (want {from}, {to}, "
		"{from:FORMAT}, {to:FORMAT}, {env:NAME}, {zone}, {eic}, "
		"{emaps}, {watttime}, {uk_region}, {lat} or {lon}) in feed "
		"'a'");
	expect_feeds_error(dir,
		"{\"feeds\": [{\"name\": \"a\", \"kind\": \"csv\", \"url\": \"x\"},\n"
		"  {\"kind\": \"csv\", \"url\": \"x\"}]}",
		"2:3: missing 'name' in feed #2");
	expect_feeds_error(dir,
		"{\"feeds\": [{\"name\": \"a\", \"kind\": \"csv\", "
		"\"url\": \"x\", \"headers\": {\"X-Ok\": \"1\", \"X No\": \"2\"}}]}",
		"1:78: 'headers': invalid header name 'X No' in feed 'a' (want "
		"letters, digits, '-' and '_')");
	expect_feeds_error(dir,
		"{\"feeds\": [{\"name\": \"a\", \"kind\": \"csv\", "
		"\"url\": \"x\", \"headers\": {\"X-Key\": \"{env:}\"}}]}",
		"1:74: 'headers.X-Key': invalid environment variable name in "
		"'{env:}' in feed 'a'");
	expect_feeds_error(dir,
		"{\"feeds\": [{\"name\": \"a\", \"kind\": \"csv\", "
		"\"url\": \"x\", \"retries\": 1.5}]}",
		"1:64: 'retries' must be an integer from 0 to 10 in feed 'a'");
	expect_feeds_error(dir, "{\"feeds\": [[]]}",
		"1:12: feed #1 must be an object");
	expect_feeds_error(dir, "{\"feed\": []}",
		"1:2: unknown key 'feed' in the feed configuration");
	expect_feeds_error(dir, "{\"feeds\": [}",
		"1:12: invalid JSON: unexpected token near '}'");
}

/* "ca_file" is resolved like url paths and must be a readable file. */
static void test_feeds_ca_file(void **state)
{
	struct tmpdir *d = *state;
	struct feed_config fc;
	struct errmsg err;
	struct strbuf path, want;

	strbuf_init(&path);
	strbuf_init(&want);
	strbuf_addf(&path, "%s/feeds.json", d->path);
	write_file(d->path, "ca.pem", "not checked here: curl reads it\n");
	write_file(d->path, "feeds.json",
		   "{\"feeds\": [{\"name\": \"a\", \"kind\": \"csv\", "
		   "\"url\": \"https://h/\", \"ca_file\": \"ca.pem\"},\n"
		   "  {\"name\": \"b\", \"kind\": \"csv\", \"url\": \"x\"}]}\n");
	assert_int_equal(feeds_load(&fc, path.buf, &err), 0);
	strbuf_addf(&want, "%s/ca.pem", d->path);
	assert_string_equal(fc.feeds[0].ca_file, want.buf);
	assert_null(fc.feeds[1].ca_file);
	feeds_release(&fc);

	strbuf_reset(&want);
	strbuf_addf(&want, "%s:2:14: 'ca_file': cannot read '%s/no.pem': No "
		    "such file or directory in feed 'a'", path.buf, d->path);
	expect_feeds_fail(d->path,
			  "{\"feeds\": [{\"name\": \"a\", \"kind\": \"csv\", "
			  "\"url\": \"https://h/\",\n  \"ca_file\": "
			  "\"no.pem\"}]}\n", want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "%s:1:73: 'ca_file': '/' is not a file in feed "
		    "'a'", path.buf);
	expect_feeds_fail(d->path,
			  "{\"feeds\": [{\"name\": \"a\", \"kind\": \"csv\", "
			  "\"url\": \"https://h/\", \"ca_file\": \"/\"}]}\n",
			  want.buf);
	strbuf_release(&path);
	strbuf_release(&want);
}

/* A duplicate name points at both feeds. */
static void test_feeds_duplicate(void **state)
{
	struct tmpdir *d = *state;
	struct strbuf want;

	strbuf_init(&want);
	strbuf_addf(&want, "%s/feeds.json:3:43: 'name': duplicate feed name "
		    "'a' (first at %s/feeds.json:2:3)", d->path, d->path);
	expect_feeds_fail(d->path,
			  "{\"feeds\": [\n"
			  "  {\"name\": \"a\", \"kind\": \"csv\", \"url\": "
			  "\"x.csv\"},\n"
			  "  {\"url\": \"y.csv\", \"kind\": \"csv\", \"name\": "
			  "\"a\"}\n]}\n", want.buf);
	strbuf_release(&want);
}

/* ---- fetching (file:// only: the network is the e2e tests' job) ---- */

static void test_fetch_file(void **state)
{
	struct tmpdir *d = *state;
	struct fetch_opts o;
	struct strbuf body, url;
	struct errmsg err;
	const char *hdr[] = {"X-Test: 1"};

	write_file(d->path, "body.csv", "time,load\n2021-06-01T00:00:00Z,1\n");
	fetch_opts_init(&o);
	o.retries = 0;
	strbuf_init(&body);
	strbuf_init(&url);
	strbuf_addf(&url, "file://%s/body.csv", d->path);
	assert_int_equal(fetch_url(url.buf, hdr, 1, &o, &body, &err), 0);
	assert_string_equal(body.buf, "time,load\n2021-06-01T00:00:00Z,1\n");

	o.max_bytes = 10;
	assert_int_equal(fetch_url(url.buf, NULL, 0, &o, &body, &err), -1);
	assert_string_equal(err.msg, "response larger than 10 bytes");
	assert_int_equal(body.len, 0);

	fetch_opts_init(&o);
	o.retries = 0;
	assert_int_equal(fetch_url("ftp://127.0.0.1/x", NULL, 0, &o, &body,
				   &err), -1);
	assert_string_equal(err.msg, "url of a refused protocol (only http, "
			    "https and file)");
	strbuf_addstr(&url, ".missing");
	assert_int_equal(fetch_url(url.buf, NULL, 0, &o, &body, &err), -1);
	/* curl's own words, made lower-case like ours */
	assert_true(err.msg[0] >= 'a' && err.msg[0] <= 'z');
	strbuf_release(&body);
	strbuf_release(&url);
}

/* Equal jitter: every wait in [base / 2, base], and not all the same. */
static void test_backoff_bounds(void **state)
{
	struct fetch_opts o;
	uint64_t rng = 42;
	(void)state;

	fetch_opts_init(&o);
	o.backoff_ms = 500;
	for (int retry = 1; retry <= 6; retry++) {
		long base = 500L << (retry - 1), lo = LONG_MAX, hi = 0;
		for (int i = 0; i < 2000; i++) {
			long w = fetch_backoff_wait(&o, retry, &rng);
			lo = w < lo ? w : lo;
			hi = w > hi ? w : hi;
		}
		assert_true(lo >= base / 2);
		assert_true(hi <= base);
		assert_true(hi - lo > base / 4);  /* jittered, widely */
	}
	o.backoff_ms = 0;
	assert_int_equal(fetch_backoff_wait(&o, 3, &rng), 0);
	o.backoff_ms = 1;
	assert_int_equal(fetch_backoff_wait(&o, 1, &rng), 1);
	/* a huge retry number does not overflow */
	o.backoff_ms = 500;
	assert_true(fetch_backoff_wait(&o, 200, &rng) > 0);
}

/* The redirect policy: http(s) only, no downgrade, headers stay home. */
static void test_redirect_check(void **state)
{
	struct errmsg err;
	(void)state;

	assert_int_equal(fetch_redirect_check("https://a.example/x",
					      "https://a.example/y", true,
					      &err), 0);
	assert_int_equal(fetch_redirect_check("http://a.example/x",
					      "https://b.example/y", false,
					      &err), 0);
	assert_int_equal(fetch_redirect_check("http://a.example/x",
					      "http://a.example:80/y", true,
					      &err), 0);
	assert_int_equal(fetch_redirect_check("https://a.example/x",
					      "http://a.example/y", false,
					      &err), -1);
	assert_string_equal(err.msg, "redirect from https to http refused "
			    "(the request would go unencrypted)");
	assert_int_equal(fetch_redirect_check("http://a.example/x",
					      "file:///etc/passwd", false,
					      &err), -1);
	assert_string_equal(err.msg, "redirect to a refused protocol 'file' "
			    "(only http and https may be redirected to)");
	assert_int_equal(fetch_redirect_check("https://a.example/x?k=SECRET",
					      "https://b.example/y", true,
					      &err), -1);
	assert_string_equal(err.msg, "redirect to another host ('b.example') "
			    "refused: the feed's headers would go there (give "
			    "the feed the url it redirects to)");
	/* another port is another host */
	assert_int_equal(fetch_redirect_check("https://a.example/x",
					      "https://a.example:8443/x", true,
					      &err), -1);
}

/* ---- zone placeholders (the zone catalog, ingest/zones.c) ---- */

static void expect_zone_error(const char *tmpl, const char *zone,
			      const char *msg)
{
	struct strbuf sb;
	struct errmsg err;

	strbuf_init(&sb);
	assert_int_equal(template_expand_zone(tmpl, 0, 0, zone, &sb, NULL,
					      &err), -1);
	assert_string_equal(err.msg, msg);
	strbuf_release(&sb);
}

static void test_template_zone(void **state)
{
	struct strbuf sb;
	struct secrets sec;
	struct errmsg err;
	gs_time from = T("2026-11-25T18:00:00Z"), to = T("2026-11-26T18:00:00Z");
	(void)state;

	strbuf_init(&sb);
	secrets_init(&sec);
	setenv("GS_TEST_ZONE_TOKEN", "zt0k", 1);
	assert_int_equal(template_expand_zone(
		"https://e/api?in_Domain={eic}&z={zone}&m={emaps}&w={watttime}"
		"&lat={lat}&lon={lon}&s={from:%Y%m%d%H%M}"
		"&t={env:GS_TEST_ZONE_TOKEN}", from, to, "DE", &sb, &sec,
		&err), 0);
	assert_string_equal(sb.buf,
		"https://e/api?in_Domain=10Y1001A1001A82H&z=DE&m=DE&w=DE"
		"&lat=52.52&lon=13.4&s=202611251800&t=zt0k");
	/* only {env:NAME} values are secret */
	assert_int_equal(sec.n, 1);
	assert_string_equal(sec.v[0], "zt0k");

	strbuf_reset(&sb);
	assert_int_equal(template_expand_zone(
		"https://api/regional/intensity/{from}/fw24h/regionid/"
		"{uk_region}?{lat},{lon}", from, to, "GB-13", &sb, NULL,
		&err), 0);
	assert_string_equal(sb.buf,
		"https://api/regional/intensity/2026-11-25T18:00:00Z/fw24h/"
		"regionid/13?51.51,-0.13");

	strbuf_reset(&sb);
	assert_int_equal(template_expand_zone("{emaps}/{watttime}", from, to,
					      "CISO", &sb, NULL, &err), 0);
	assert_string_equal(sb.buf, "US-CAL-CISO/CAISO_NORTH");

	/* {zone} needs no catalog entry, the others do */
	strbuf_reset(&sb);
	assert_int_equal(template_expand_zone("z={zone}", from, to, "my-dc",
					      &sb, NULL, &err), 0);
	assert_string_equal(sb.buf, "z=my-dc");
	expect_zone_error("x{eic}", "GB-13", "placeholder '{eic}': zone "
			  "'GB-13' has no value for it in the zone catalog");
	expect_zone_error("x{watttime}", "SE-SE1", "placeholder '{watttime}': "
			  "zone 'SE-SE1' has no value for it in the zone "
			  "catalog");
	expect_zone_error("x{lat}", "my-dc", "placeholder '{lat}': zone "
			  "'my-dc' is not in the zone catalog");
	expect_zone_error("x{zone}", NULL,
			  "placeholder '{zone}' needs the feed's \"zone\"");
	expect_zone_error("x{uk_region}", NULL, "placeholder '{uk_region}' "
			  "needs the feed's \"zone\"");

	/* template_expand() knows no zone */
	strbuf_reset(&sb);
	assert_int_equal(template_expand("x{eic}", from, to, &sb, NULL, &err),
			 -1);
	assert_string_equal(err.msg,
			    "placeholder '{eic}' needs the feed's \"zone\"");

	/* syntax: every zone placeholder is known, arguments are not */
	assert_int_equal(template_check("{zone}{eic}{emaps}{watttime}"
					"{uk_region}{lat}{lon}", &err), 0);
	assert_int_equal(template_check("{eic:x}", &err), -1);
	assert_int_equal(template_check("{EIC}", &err), -1);
	secrets_release(&sec);
	strbuf_release(&sb);
}

/* A feed whose zone lacks a value: prepare fails naming all three. */
static void test_feeds_zone_placeholders(void **state)
{
	struct tmpdir *d = *state;
	struct feed_config fc;
	struct feed_request rq;
	struct ingest_window w;
	struct errmsg err;
	struct strbuf path;

	write_file(d->path, "feeds.json",
		   "{\"feeds\": [\n"
		   "  {\"name\": \"de\", \"kind\": \"entsoe\", \"url\": "
		   "\"https://e/?in_Domain={eic}\", \"zone\": \"DE\", "
		   "\"headers\": {\"X-Zone\": \"{emaps}\"}},\n"
		   "  {\"name\": \"lon\", \"kind\": \"entsoe\", \"url\": "
		   "\"https://e/?in_Domain={eic}\", \"zone\": \"GB-13\"},\n"
		   "  {\"name\": \"nozone\", \"kind\": \"csv\", \"url\": "
		   "\"https://c/{zone}.csv\"}\n"
		   "]}\n");
	strbuf_init(&path);
	strbuf_addf(&path, "%s/feeds.json", d->path);
	assert_int_equal(feeds_load(&fc, path.buf, &err), 0);
	assert_int_equal(fc.nfeeds, 3);
	ingest_window_default(&w, T("2026-11-25T18:20:00Z"));

	assert_int_equal(feed_request_prepare(&rq, &fc, &fc.feeds[0], &w,
					      &err), 0);
	assert_string_equal(rq.chunks[0].url,
			    "https://e/?in_Domain=10Y1001A1001A82H");
	assert_int_equal(rq.chunks[0].nheaders, 1);
	assert_string_equal(rq.chunks[0].headers[0], "X-Zone: DE");
	feed_request_release(&rq);

	assert_int_equal(feed_request_prepare(&rq, &fc, &fc.feeds[1], &w,
					      &err), -1);
	assert_string_equal(err.msg, "feed 'lon': url 'https://e/?in_Domain="
			    "{eic}': placeholder '{eic}': zone 'GB-13' has no "
			    "value for it in the zone catalog");
	feed_request_release(&rq);

	assert_int_equal(feed_request_prepare(&rq, &fc, &fc.feeds[2], &w,
					      &err), -1);
	assert_string_equal(err.msg, "feed 'nozone': url 'https://c/{zone}"
			    ".csv': placeholder '{zone}' needs the feed's "
			    "\"zone\"");
	feed_request_release(&rq);
	feeds_release(&fc);
	strbuf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_reader_quoting),
		cmocka_unit_test(test_csv_reader_errors),
		cmocka_unit_test(test_csv_wide),
		cmocka_unit_test(test_csv_wide_forecast),
		cmocka_unit_test(test_csv_long_units),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_dedup_later_wins),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_template_expand),
		cmocka_unit_test_setup_teardown(test_feeds_ca_file, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_feeds_load, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_feeds_errors, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_feeds_duplicate, setup_dir,
						teardown_dir),
		cmocka_unit_test_setup_teardown(test_fetch_file, setup_dir,
						teardown_dir),
		cmocka_unit_test(test_redirect_check),
		cmocka_unit_test(test_backoff_bounds),
		cmocka_unit_test(test_template_zone),
		cmocka_unit_test_setup_teardown(test_feeds_zone_placeholders,
						setup_dir, teardown_dir),
	};
	int ret;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return ret;
}
