/*
 * test-core.c - unit tests of the shared pieces: time and duration parsing,
 * series means, strbuf, atomic writes and the store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/core.h"
#include "tests/unit/unit.h"

static void test_time_parse_valid(void **state)
{
	char buf[GS_TIME_BUFSZ];
	(void)state;
	assert_int_equal(T("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(T("2026-11-25T18:00:00Z"), 1795629600);
	/* the same instant written with offsets, as on a DST day */
	assert_int_equal(T("2021-03-28T03:00:00+02:00"),
			 T("2021-03-28T01:00:00Z"));
	assert_int_equal(T("2021-10-31T02:30:00+01:00"),
			 T("2021-10-31T01:30:00Z"));
	assert_int_equal(T("2021-06-01T12:00:00.750-05:00"),
			 T("2021-06-01T17:00:00Z"));
	assert_int_equal(T("2020-02-29 10:00Z"), T("2020-02-29T10:00:00Z"));
	assert_string_equal(time_format(T("2024-02-29T23:59:59+00:00"), buf),
			    "2024-02-29T23:59:59Z");
	assert_string_equal(time_format(-1, buf), "1969-12-31T23:59:59Z");
}

static void test_time_parse_invalid(void **state)
{
	static const char *bad[] = {
		"", "2026-11-25", "2026-11-25T18:00:00", /* no offset */
		"2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
		"2026-11-25T25:00:00Z", "2026-11-25T18:00:00Zjunk",
		"2026-11-25T18:00:00+1", " 2026-11-25T18:00:00Z",
		"2026/11/25T18:00:00Z", "2026-11-25T18:60:00Z",
	};
	gs_time t;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(time_parse(bad[i], &t), -1);
}

/*
 * parse(format(t)) == t for every accepted t, at the edges of years
 * 0000-9999: an offset or 24:00 that moves the instant beyond them is
 * refused, what stays inside is formatted back to the same instant.
 */
static void test_time_round_trip_edges(void **state)
{
	static const char *edge[] = {
		"0000-01-01T00:00:00Z", "0000-01-01T00:59:00-01:00",
		"0000-01-01T01:00:00+01:00", "0000-02-29T12:00:00Z",
		"9999-12-31T23:59:59Z", "9999-12-31T23:59:60Z",
		"9999-12-31T22:59:59-01:00", "9999-12-31T24:00:00+01:00",
		"1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
	};
	static const char *beyond[] = {
		"0000-01-01T00:00:00+00:01", "0000-01-01T00:59:59+01:00",
		"0000-01-01T00:00:00+23:59", "9999-12-31T24:00:00Z",
		"9999-12-31T23:59:59-00:01", "9999-12-31T23:00:00-23:59",
		"9999-12-31T23:59:60-00:01",
	};
	char buf[GS_TIME_BUFSZ];
	gs_time t, t2;
	(void)state;

	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		assert_int_equal(time_parse(edge[i], &t), 0);
		time_format(t, buf);
		assert_int_equal(strlen(buf), 20);
		assert_int_equal(time_parse(buf, &t2), 0);
		assert_true(t2 == t);
	}
	for (size_t i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++)
		assert_int_equal(time_parse(beyond[i], &t), -1);
	/* the first and last instants themselves */
	assert_string_equal(time_format(T("0000-01-01T00:00:00Z"), buf),
			    "0000-01-01T00:00:00Z");
	assert_true(T("9999-12-31T23:59:59Z") ==
		    time_from_civil(9999, 12, 31, 23, 59, 59));
	assert_true(T("0000-01-01T01:00:00+01:00") ==
		    time_from_civil(0, 1, 1, 0, 0, 0));
}

static void test_time_tm_and_strftime(void **state)
{
	struct gs_tm tm;
	struct strbuf sb;
	(void)state;
	time_to_tm(T("2024-12-31T13:14:15Z"), &tm);
	assert_int_equal(tm.year, 2024);
	assert_int_equal(tm.yday, 365);
	assert_int_equal(tm.wday, 2); /* a Tuesday */
	strbuf_init(&sb);
	assert_int_equal(time_strftime(T("2026-01-05T07:08:00Z"),
				       "%Y%m%d%H%M", &sb), 0);
	assert_string_equal(sb.buf, "202601050708");
	strbuf_reset(&sb);
	assert_int_equal(time_strftime(0, "%Q", &sb), -1);
	strbuf_release(&sb);
	assert_int_equal(time_floor(T("2021-06-01T10:47:00Z"), 1800),
			 T("2021-06-01T10:30:00Z"));
	assert_int_equal(time_ceil(T("2021-06-01T10:47:00Z"), 1800),
			 T("2021-06-01T11:00:00Z"));
	assert_int_equal(time_ceil(T("2021-06-01T11:00:00Z"), 1800),
			 T("2021-06-01T11:00:00Z"));
	assert_int_equal(time_floor(-1, 3600), -3600);
}

static void test_duration(void **state)
{
	int64_t s;
	char buf[32];
	static const char *bad[] = {"", "P", "PT", "T1H", "P1Y", "P1M",
				    "PT1.5H30M", "PT-1H", "PT1H2H", "PT1S1M",
				    "P1H", "PT1D", "PT1e3S", "PT 1H"};
	(void)state;
	assert_int_equal(duration_parse("PT30M", &s), 0);
	assert_int_equal(s, 1800);
	assert_int_equal(duration_parse("P1DT2H", &s), 0);
	assert_int_equal(s, 93600);
	assert_int_equal(duration_parse("P2W", &s), 0);
	assert_int_equal(s, 1209600);
	assert_int_equal(duration_parse("PT1.5H", &s), 0);
	assert_int_equal(s, 5400);
	assert_int_equal(duration_parse("PT0S", &s), 0);
	assert_int_equal(s, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(duration_parse(bad[i], &s), -1);
	assert_string_equal(duration_format(1800, buf, sizeof(buf)), "PT30M");
	assert_string_equal(duration_format(93600, buf, sizeof(buf)), "P1DT2H");
	assert_string_equal(duration_format(86400, buf, sizeof(buf)), "P1D");
	assert_string_equal(duration_format(0, buf, sizeof(buf)), "PT0S");
	assert_string_equal(duration_format(3661, buf, sizeof(buf)),
			    "PT1H1M1S");
}

static void test_series_mean(void **state)
{
	struct series s;
	double m;
	(void)state;
	series_init(&s);
	/* hourly points 100, 200, 400 from t=0 */
	assert_int_equal(series_push(&s, 0, 100), 0);
	assert_int_equal(series_push(&s, 3600, 200), 0);
	assert_int_equal(series_push(&s, 7200, 400), 0);
	assert_int_equal(series_push(&s, 7200, 1), -1); /* not increasing */
	s.last_hold = series_step(&s);
	assert_int_equal(s.last_hold, 3600);
	assert_int_equal(series_mean(&s, 0, 1800, &m), 0);
	assert_true(m == 100);
	/* half an hour each side of a step: time-weighted */
	assert_int_equal(series_mean(&s, 1800, 5400, &m), 0);
	assert_true(m == 150);
	assert_int_equal(series_mean(&s, 3600, 10800, &m), 0);
	assert_true(m == 300);
	/* uncovered parts are left out of the mean */
	assert_int_equal(series_mean(&s, -3600, 1800, &m), 0);
	assert_true(m == 100);
	assert_int_equal(series_mean(&s, 7200, 14400, &m), 0);
	assert_true(m == 400);
	assert_int_equal(series_mean(&s, 10800, 14400, &m), -1);
	assert_int_equal(series_index_at(&s, 3599), 0);
	assert_int_equal(series_index_at(&s, 10799), 2);
	assert_int_equal(series_index_at(&s, 10800), -1);
	assert_int_equal(series_index_at(&s, -1), -1);
	series_release(&s);
	assert_int_equal(series_mean(&s, 0, 10, &m), -1);
}

static void test_strbuf(void **state)
{
	struct strbuf sb;
	char *p;
	(void)state;
	strbuf_init(&sb);
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	assert_int_equal(sb.len, strlen(sb.buf));
	assert_memory_equal(sb.buf + sb.len - 4, "999,", 4);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "a");
	strbuf_addch(&sb, 'b');
	p = strbuf_detach(&sb);
	assert_string_equal(p, "ab");
	assert_int_equal(sb.len, 0);
	free(p);
	strbuf_release(&sb);
}

static void test_file_write_atomic(void **state)
{
	char dir[] = "/tmp/gs-core-XXXXXX";
	struct strbuf path, got;
	struct errmsg err;
	(void)state;
	assert_non_null(mkdtemp(dir));
	strbuf_init(&path);
	strbuf_init(&got);
	strbuf_addf(&path, "%s/out.json", dir);
	assert_int_equal(file_write_atomic(path.buf, "old", 3, &err), 0);
	assert_int_equal(file_write_atomic(path.buf, "new!", 4, &err), 0);
	assert_int_equal(strbuf_read_file(&got, path.buf, 100), 0);
	assert_string_equal(got.buf, "new!");
	unlink(path.buf);
	/* a missing directory is an error naming the path */
	strbuf_addstr(&path, ".d/x");
	assert_int_equal(file_write_atomic(path.buf, "x", 1, &err), -1);
	assert_non_null(strstr(err.msg, "cannot write"));
	rmdir(dir);
	strbuf_release(&path);
	strbuf_release(&got);
}

/* touch DIR/NAME */
static void touch_in(const char *dir, const char *name)
{
	struct strbuf p;
	strbuf_init(&p);
	strbuf_addf(&p, "%s/%s", dir, name);
	assert_int_equal(file_write_atomic(p.buf, "t", 1, NULL), 0);
	strbuf_release(&p);
}

static bool exists_in(const char *dir, const char *name)
{
	struct strbuf p;
	struct stat st;
	bool yes;
	strbuf_init(&p);
	strbuf_addf(&p, "%s/%s", dir, name);
	yes = stat(p.buf, &st) == 0;
	strbuf_release(&p);
	return yes;
}

/*
 * A killed write leaves PATH.tmp.PID.XXXXXX; the next successful write of
 * PATH removes it once PID is gone, and never a live writer's temp file,
 * another path's, or a name of another pattern.
 */
static void test_file_write_atomic_stale_temps(void **state)
{
	char dir[] = "/tmp/gs-core-XXXXXX";
	char dead[64], live[64], mine[64], other[64];
	struct strbuf path;
	struct errmsg err;
	pid_t pid;
	int status;
	(void)state;

	/* a PID that is gone: a child that has exited and been reaped */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_non_null(mkdtemp(dir));
	snprintf(dead, sizeof(dead), "out.json.tmp.%ld.Ab3xYz", (long)pid);
	snprintf(live, sizeof(live), "out.json.tmp.%ld.Ab3xYz",
		 (long)getppid());
	snprintf(mine, sizeof(mine), "out.json.tmp.%ld.Qq1234",
		 (long)getpid());
	snprintf(other, sizeof(other), "other.json.tmp.%ld.Ab3xYz",
		 (long)pid);
	touch_in(dir, dead);
	touch_in(dir, live);
	touch_in(dir, mine);
	touch_in(dir, other);
	touch_in(dir, "out.json.tmp.Ab3xYz"); /* no PID: not ours to judge */
	strbuf_init(&path);
	strbuf_addf(&path, "%s/out.json", dir);
	assert_int_equal(file_write_atomic(path.buf, "new", 3, &err), 0);
	assert_false(exists_in(dir, dead));
	assert_true(exists_in(dir, live));
	assert_true(exists_in(dir, mine));
	assert_true(exists_in(dir, other));
	assert_true(exists_in(dir, "out.json.tmp.Ab3xYz"));
	assert_true(exists_in(dir, "out.json"));
	/* a failed write removes nothing */
	touch_in(dir, dead);
	assert_int_equal(chmod(dir, 0500), 0);
	if (access(dir, W_OK) < 0) { /* not root: the write fails */
		assert_int_equal(file_write_atomic(path.buf, "x", 1, &err), -1);
		assert_true(exists_in(dir, dead));
	}
	assert_int_equal(chmod(dir, 0700), 0);
	strbuf_reset(&path);
	strbuf_addf(&path, "rm -rf %s", dir);
	assert_int_equal(system(path.buf), 0);
	strbuf_release(&path);
}

/*
 * A path that is not a regular file is written in place, never renamed
 * over: `-o /dev/null` run as root once replaced /dev/null with a file.
 * A FIFO held open for reading stands in for the device.
 */
static void test_file_write_atomic_fifo(void **state)
{
	char dir[] = "/tmp/gs-core-XXXXXX";
	struct strbuf path;
	struct errmsg err;
	struct stat st;
	char buf[16] = {0};
	int fd;
	(void)state;

	assert_non_null(mkdtemp(dir));
	strbuf_init(&path);
	strbuf_addf(&path, "%s/fifo", dir);
	assert_int_equal(mkfifo(path.buf, 0600), 0);
	fd = open(path.buf, O_RDWR | O_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(file_write_atomic(path.buf, "plan", 4, &err), 0);
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), 4);
	assert_string_equal(buf, "plan");
	assert_int_equal(stat(path.buf, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	close(fd);
	/* a directory is refused, not replaced */
	assert_int_equal(file_write_atomic(dir, "x", 1, &err), -1);
	assert_non_null(strstr(err.msg, "is a directory"));
	unlink(path.buf);
	rmdir(dir);
	strbuf_release(&path);
}

/* ---- store ---- */

/* A CISO carbon-intensity point without interval bounds. */
#define CI_POINT(t, v, iss)                                                  \
	{.zone = "CISO", .signal = "carbon_intensity", .time = (t),           \
	 .value = (v), .issued = (iss), .lo80 = (double)NAN,                  \
	 .hi80 = (double)NAN, .lo95 = (double)NAN, .hi95 = (double)NAN}

struct collected {
	int rows, forecasts;
	double sum;
};

static int collect(const struct store_point *p, const char *source, void *ctx)
{
	struct collected *c = ctx;
	(void)source;
	c->rows++;
	c->forecasts += p->issued != GS_TIME_NONE;
	c->sum += p->value;
	return 0;
}

static void test_store_roundtrip(void **state)
{
	char dir[] = "/tmp/gs-store-XXXXXX";
	struct strbuf db, cmd;
	struct store *st;
	struct errmsg err;
	struct series s;
	struct store_put_stats changed;
	gs_time issued;
	struct store_point pts[4] = {
		CI_POINT(0, 100, GS_TIME_NONE),
		CI_POINT(3600, 200, GS_TIME_NONE),
		{.zone = "CISO", .signal = "carbon_intensity", .time = 7200,
		 .value = 300, .issued = 3600, .lo80 = 250, .hi80 = 350,
		 .lo95 = 200, .hi95 = 400},
		CI_POINT(10800, 310, 3600),
	};
	struct store_query q = {.from = GS_TIME_NONE, .to = GS_TIME_NONE};
	struct collected c = {0};
	(void)state;

	assert_non_null(mkdtemp(dir));
	strbuf_init(&db);
	strbuf_addf(&db, "%s/gs.db", dir);
	/* read-only open of a missing store says what to do */
	assert_int_equal(store_open(db.buf, STORE_READONLY, &st, &err), -1);
	assert_non_null(strstr(err.msg, "greenslot ingest"));

	assert_int_equal(store_open(db.buf, 0, &st, &err), 0);
	assert_int_equal(store_put_points(st, "feed-a", pts, 4, 42, &changed,
					  &err), 0);
	assert_int_equal(changed.added, 4);
	assert_int_equal(changed.updated, 0);
	/* the same again changes nothing */
	assert_int_equal(store_put_points(st, "feed-a", pts, 4, 43, &changed,
					  &err), 0);
	assert_int_equal(changed.added + changed.updated, 0);
	/* a new value for a stored time is an update, a forecast too */
	pts[1].value = 250;
	pts[2].value += 1;
	assert_int_equal(store_put_points(st, "feed-a", pts, 3, 44, &changed,
					  &err), 0);
	assert_int_equal(changed.added, 0);
	assert_int_equal(changed.updated, 2);

	series_init(&s);
	assert_int_equal(store_get_series(st, "CISO", "carbon_intensity",
					  GS_TIME_NONE, GS_TIME_NONE, &s,
					  &err), 0);
	assert_int_equal(s.n, 2);
	assert_true(s.v[1] == 250);
	series_release(&s);

	assert_int_equal(store_get_forecast(st, "CISO", "carbon_intensity",
					    NULL, 3600, 0, 20000, &s,
					    &issued, &err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(issued, 3600);
	series_release(&s);
	/* a forecast issued after the cut-off is not visible */
	assert_int_equal(store_get_forecast(st, "CISO", "carbon_intensity",
					    NULL, 3599, 0, 20000, &s,
					    &issued, &err), 0);
	assert_int_equal(s.n, 0);
	assert_true(issued == GS_TIME_NONE);
	series_release(&s);

	q.forecasts = true;
	assert_int_equal(store_each_point(st, &q, collect, &c, &err), 0);
	assert_int_equal(c.rows, 4);
	assert_int_equal(c.forecasts, 2);

	/* a NaN never reaches the store, and the batch is all or nothing */
	pts[0].value = (double)NAN;
	pts[0].time = 99999;
	assert_int_equal(store_put_points(st, "feed-a", pts, 2, 45, &changed,
					  &err), -1);
	assert_int_equal(store_log_ingest(st, "feed-a", 1, 2, true, 4, NULL,
					  &err), 0);
	store_free(st);

	assert_int_equal(store_open(db.buf, STORE_READONLY, &st, &err), 0);
	memset(&c, 0, sizeof(c));
	q.forecasts = false;
	assert_int_equal(store_each_point(st, &q, collect, &c, &err), 0);
	assert_int_equal(c.rows, 2);
	store_free(st);

	strbuf_init(&cmd);
	strbuf_addf(&cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_release(&cmd);
	strbuf_release(&db);
}

/* n points of CISO carbon intensity from t0, hourly, value base + i. */
static void hourly(struct store_point *p, size_t n, gs_time t0, double base)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (struct store_point)CI_POINT(t0 + (gs_time)i * 3600,
						     base + (double)i,
						     GS_TIME_NONE);
}

/*
 * The bulk path (runs of new points into an empty time range) counts and
 * stores exactly what the point-by-point path does, and is left for the
 * point-by-point path where the range holds points or times repeat.
 */
static void test_store_bulk(void **state)
{
	enum { N = 230 };
	char dir[] = "/tmp/gs-bulk-XXXXXX";
	struct strbuf db, cmd;
	struct store *st;
	struct errmsg err;
	struct series s;
	struct store_put_stats c;
	struct store_point *p = calloc(2 * N, sizeof(*p));
	(void)state;

	assert_non_null(p);
	assert_non_null(mkdtemp(dir));
	strbuf_init(&db);
	strbuf_addf(&db, "%s/gs.db", dir);
	assert_int_equal(store_open(db.buf, 0, &st, &err), 0);
	hourly(p, N, 0, 100);
	assert_int_equal(store_put_points(st, "f", p, N, 1, &c, &err), 0);
	assert_int_equal(c.added, N);
	assert_int_equal(c.updated, 0);
	/* again: the range holds points, nothing changes */
	assert_int_equal(store_put_points(st, "f", p, N, 2, &c, &err), 0);
	assert_int_equal(c.added + c.updated, 0);
	/* overlapping the stored range by one changed point: 1 updated */
	hourly(p, N, (gs_time)(N - 1) * 3600, 5000);
	assert_int_equal(store_put_points(st, "f", p, N, 3, &c, &err), 0);
	assert_int_equal(c.added, N - 1);
	assert_int_equal(c.updated, 1);
	/* a repeated time in a run: the later value wins, as point by point */
	hourly(p, 2 * N, (gs_time)(3 * N) * 3600, 7);
	p[N].time = p[N - 1].time;
	assert_int_equal(store_put_points(st, "f", p, 2 * N, 4, &c, &err), 0);
	assert_int_equal(c.added, 2 * N - 1);
	assert_int_equal(c.updated, 1);
	series_init(&s);
	assert_int_equal(store_get_series(st, "CISO", "carbon_intensity",
					  GS_TIME_NONE, GS_TIME_NONE, &s,
					  &err), 0);
	assert_int_equal(s.n, N + N - 1 + 2 * N - 1);
	assert_true(s.v[0] == 100 && s.v[N - 1] == 5000 && s.v[N] == 5001);
	assert_true(s.v[2 * N - 1] == 7);
	assert_true(s.v[3 * N - 2] == 7 + N);  /* the later of the two */
	series_release(&s);
	store_free(st);
	free(p);
	strbuf_init(&cmd);
	strbuf_addf(&cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_release(&cmd);
	strbuf_release(&db);
}

static void test_store_refuses_newer_schema(void **state)
{
	char dir[] = "/tmp/gs-newer-XXXXXX";
	struct strbuf db, cmd;
	struct store *st;
	struct errmsg err;
	(void)state;
	assert_non_null(mkdtemp(dir));
	strbuf_init(&db);
	strbuf_init(&cmd);
	strbuf_addf(&db, "%s/gs.db", dir);
	assert_int_equal(store_open(db.buf, 0, &st, &err), 0);
	store_free(st);
	strbuf_addf(&cmd, "sqlite3 %s 'PRAGMA user_version = 99'", db.buf);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_reset(&cmd);
	assert_int_equal(store_open(db.buf, 0, &st, &err), -1);
	assert_non_null(strstr(err.msg, "newer"));
	strbuf_addf(&cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_release(&db);
	strbuf_release(&cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse_valid),
		cmocka_unit_test(test_time_parse_invalid),
		cmocka_unit_test(test_time_round_trip_edges),
		cmocka_unit_test(test_time_tm_and_strftime),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_series_mean),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_file_write_atomic),
		cmocka_unit_test(test_file_write_atomic_fifo),
		cmocka_unit_test(test_file_write_atomic_stale_temps),
		cmocka_unit_test(test_store_roundtrip),
		cmocka_unit_test(test_store_refuses_newer_schema),
		cmocka_unit_test(test_store_bulk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
