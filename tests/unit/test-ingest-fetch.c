/*
 * test-ingest-fetch.c - unit tests of the HTTP side of ingest
 * (ingest/fetch.c): gzip bodies and the cap on their decoded size,
 * retries on 500, 429 with Retry-After and connection resets, the
 * Retry-After cap and time budget, conditional requests, many transfers
 * at once (fetch_many); and the store's
 * http_cache table with its schema migration from version 1.
 *
 * The HTTP tests talk to tests/tools/fake-server, started from the
 * directory of this binary on 127.0.0.1; they are skipped when it has not
 * been built.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include <curl/curl.h>
#include <sqlite3.h>

#define LAST_MODIFIED "Wed, 21 Oct 2015 07:28:00 GMT"

struct server {
	char dir[64];
	pid_t pid;
	struct strbuf url;   /* http://127.0.0.1:PORT */
};

static void write_file(const char *dir, const char *name, const char *text,
		       size_t len)
{
	struct strbuf p;
	FILE *f;

	strbuf_init(&p);
	strbuf_addf(&p, "%s/%s", dir, name);
	f = fopen(p.buf, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	strbuf_release(&p);
}

/* build/tests/fake-server, next to this test program */
static int server_path(struct strbuf *sb)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	strbuf_addf(sb, "%s/fake-server", self);
	return access(sb->buf, X_OK);
}

static int start_server(struct server *s)
{
	struct strbuf bin, portfile, port;
	int ret = -1;

	strbuf_init(&bin);
	strbuf_init(&portfile);
	strbuf_init(&port);
	strbuf_addf(&portfile, "%s/port", s->dir);
	if (server_path(&bin) < 0)
		goto out;
	s->pid = fork();
	if (s->pid < 0)
		goto out;
	if (!s->pid) {
		execl(bin.buf, "fake-server", "-i", "30", portfile.buf,
		      s->dir, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		struct timespec ts = {0, 20 * 1000 * 1000};
		strbuf_reset(&port);
		if (strbuf_read_file(&port, portfile.buf, 64) == 0 &&
		    port.len > 1)
			break;
		nanosleep(&ts, NULL);
	}
	if (port.len > 1) {
		strbuf_addf(&s->url, "http://127.0.0.1:%ld",
			    strtol(port.buf, NULL, 10));
		ret = 0;
	}
out:
	strbuf_release(&bin);
	strbuf_release(&portfile);
	strbuf_release(&port);
	return ret;
}

static int setup(void **state)
{
	struct server *s = xcalloc(1, sizeof(*s));
	char big[1000];

	strbuf_init(&s->url);
	snprintf(s->dir, sizeof(s->dir), "/tmp/gs-fetch-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	write_file(s->dir, "big.txt", big, sizeof(big));
	write_file(s->dir, "a.txt", "hello\n", 6);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (start_server(s) < 0)
		s->pid = 0;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct server *s = *state;
	struct strbuf cmd;
	int ret = 0;

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	curl_global_cleanup();
	strbuf_init(&cmd);
	strbuf_addf(&cmd, "rm -rf '%s'", s->dir);
	if (system(cmd.buf) != 0)
		ret = -1;
	strbuf_release(&cmd);
	strbuf_release(&s->url);
	free(s);
	return ret;
}

static void need_server(const struct server *s)
{
	if (s->pid <= 0) {
		print_message("fake-server not built: make "
			      "build/tests/fake-server\n");
		skip();
	}
}

/* fetch options for tests: tiny backoff, one retry */
static void opts(struct fetch_opts *o)
{
	fetch_opts_init(o);
	o->retries = 1;
	o->backoff_ms = 1;
	o->timeout_ms = 5000;
}

static int get(const struct server *s, const char *path,
	       const struct fetch_opts *o, struct strbuf *body,
	       struct errmsg *err)
{
	struct strbuf url;
	int ret;

	strbuf_init(&url);
	strbuf_addf(&url, "%s%s", s->url.buf, path);
	ret = fetch_url(url.buf, NULL, 0, o, body, err);
	strbuf_release(&url);
	return ret;
}

static void test_gzip(void **state)
{
	struct server *s = *state;
	struct fetch_opts o;
	struct strbuf body;
	struct errmsg err;

	need_server(s);
	opts(&o);
	o.retries = 0;
	strbuf_init(&body);
	assert_int_equal(get(s, "/gzip/a.txt", &o, &body, &err), 0);
	assert_string_equal(body.buf, "hello\n");
	/* the cap is on the decoded size: the gzip stream is bigger */
	o.max_bytes = 1000;
	assert_int_equal(get(s, "/gzip/big.txt", &o, &body, &err), 0);
	assert_int_equal(body.len, 1000);
	assert_memory_equal(body.buf, "abcdefghijklmnopqrstuvwxyzabcd", 30);
	o.max_bytes = 999;
	assert_int_equal(get(s, "/gzip/big.txt", &o, &body, &err), -1);
	assert_string_equal(err.msg, "response larger than 999 bytes");
	assert_int_equal(body.len, 0);
	strbuf_release(&body);
}

static void test_retries(void **state)
{
	struct server *s = *state;
	struct fetch_opts o;
	struct strbuf body;
	struct errmsg err;

	need_server(s);
	opts(&o);
	strbuf_init(&body);
	assert_int_equal(get(s, "/fail-once/a.txt", &o, &body, &err), 0);
	assert_string_equal(body.buf, "hello\n");
	assert_int_equal(get(s, "/reset-once/a.txt", &o, &body, &err), 0);
	assert_string_equal(body.buf, "hello\n");
	/* without retries the first failure is final */
	o.retries = 0;
	assert_int_equal(get(s, "/fail-once/a.txt?2", &o, &body, &err), -1);
	assert_string_equal(err.msg, "HTTP status 500");
	assert_int_equal(get(s, "/reset-once/a.txt?2", &o, &body, &err), -1);
	/* a 404 is not retried even with retries left */
	o.retries = 3;
	assert_int_equal(get(s, "/status/404/a.txt", &o, &body, &err), -1);
	assert_string_equal(err.msg, "HTTP status 404");
	o.retries = 2;
	assert_int_equal(get(s, "/status/503/a.txt", &o, &body, &err), -1);
	assert_string_equal(err.msg, "HTTP status 503");
	strbuf_release(&body);
}

static void test_retry_after(void **state)
{
	struct server *s = *state;
	struct fetch_opts o;
	struct strbuf body;
	struct errmsg err;

	need_server(s);
	opts(&o);
	strbuf_init(&body);
	assert_int_equal(get(s, "/retry-after/1/a.txt", &o, &body, &err), 0);
	assert_string_equal(body.buf, "hello\n");
	/* more than the cap: an error at once, not a long sleep */
	assert_int_equal(get(s, "/retry-after/600/a.txt", &o, &body, &err),
			 -1);
	assert_string_equal(err.msg, "HTTP status 429: the server asks to "
			    "retry after 600 s, more than the 300 s we may "
			    "wait");
	o.retry_after_max_ms = 500;
	assert_int_equal(get(s, "/retry-after/2/a.txt", &o, &body, &err), -1);
	assert_string_equal(err.msg, "HTTP status 429: the server asks to "
			    "retry after 2 s, more than the 500 ms we may "
			    "wait");
	/* the time budget caps it too */
	fetch_opts_init(&o);
	o.retries = 1;
	o.budget_ms = 10000;
	assert_int_equal(get(s, "/retry-after/60/a.txt", &o, &body, &err),
			 -1);
	assert_non_null(strstr(err.msg, "retry after 60 s, more than the"));
	/* no retries left: the 429 itself is the error */
	o.retries = 0;
	assert_int_equal(get(s, "/retry-after/1/a.txt?2", &o, &body, &err),
			 -1);
	assert_string_equal(err.msg, "HTTP status 429");
	strbuf_release(&body);
}

static void test_conditional(void **state)
{
	struct server *s = *state;
	struct fetch_opts o;
	struct fetch_validators got = {NULL, NULL}, again = {NULL, NULL};
	struct fetch_validators only_date = {NULL, NULL};
	struct fetch_validators wrong = {NULL, NULL};
	struct strbuf body, url;
	struct errmsg err;
	bool nm = true;

	need_server(s);
	opts(&o);
	strbuf_init(&body);
	strbuf_init(&url);
	strbuf_addf(&url, "%s/etag/a.txt", s->url.buf);
	assert_int_equal(fetch_url_cond(url.buf, NULL, 0, &o, NULL, &got,
					&nm, &body, &err), 0);
	assert_false(nm);
	assert_string_equal(body.buf, "hello\n");
	assert_non_null(got.etag);
	assert_int_equal(strncmp(got.etag, "\"fnv-", 5), 0);
	assert_string_equal(got.last_modified, LAST_MODIFIED);

	assert_int_equal(fetch_url_cond(url.buf, NULL, 0, &o, &got, &again,
					&nm, &body, &err), 0);
	assert_true(nm);
	assert_int_equal(body.len, 0);

	only_date.last_modified = xstrdup(LAST_MODIFIED);
	assert_int_equal(fetch_url_cond(url.buf, NULL, 0, &o, &only_date,
					NULL, &nm, &body, &err), 0);
	assert_true(nm);

	/* a stale ETag wins over a matching date */
	wrong.etag = xstrdup("\"other\"");
	wrong.last_modified = xstrdup(LAST_MODIFIED);
	assert_int_equal(fetch_url_cond(url.buf, NULL, 0, &o, &wrong, NULL,
					&nm, &body, &err), 0);
	assert_false(nm);
	assert_string_equal(body.buf, "hello\n");

	fetch_validators_release(&got);
	fetch_validators_release(&again);
	fetch_validators_release(&only_date);
	fetch_validators_release(&wrong);
	strbuf_release(&body);
	strbuf_release(&url);
}

/* ---- the store's http_cache and migration 2 ---- */

/*
 * Many jobs at once, more than FETCH_PER_HOST to one server: each ends
 * as it would alone, with its own options, retries and errors.
 */
static void test_fetch_many(void **state)
{
	enum { N = FETCH_PER_HOST + 4 };
	struct server *s = *state;
	struct fetch_opts o, small;
	struct fetch_job jobs[N], *jp[N];
	struct strbuf urls[N];

	need_server(s);
	opts(&o);
	small = o;
	small.max_bytes = 999;
	for (size_t i = 0; i < N; i++) {
		strbuf_init(&urls[i]);
		strbuf_addstr(&urls[i], s->url.buf);
		if (i == 0)
			strbuf_addstr(&urls[i], "/fail-once/a.txt?many");
		else if (i == 1)
			strbuf_addstr(&urls[i], "/status/404/a.txt");
		else if (i == 2)
			strbuf_addstr(&urls[i], "/gzip/big.txt");
		else if (i == N - 1)
			strbuf_addstr(&urls[i], "/status/503/a.txt?many");
		else
			strbuf_addf(&urls[i], "/a.txt?%zu", i);
		fetch_job_init(&jobs[i], urls[i].buf, NULL, 0,
			       i == 2 ? &small : &o, NULL);
		jp[i] = &jobs[i];
	}
	fetch_many(jp, N);
	assert_int_equal(jobs[0].ret, 0);   /* retried after its 500 */
	assert_string_equal(jobs[0].body.buf, "hello\n");
	assert_int_equal(jobs[1].ret, -1);
	assert_string_equal(jobs[1].err.msg, "HTTP status 404");
	assert_int_equal(jobs[2].ret, -1);
	assert_string_equal(jobs[2].err.msg, "response larger than 999 bytes");
	assert_int_equal(jobs[2].body.len, 0);
	for (size_t i = 3; i < N - 1; i++) {
		assert_int_equal(jobs[i].ret, 0);
		assert_string_equal(jobs[i].body.buf, "hello\n");
		assert_false(jobs[i].not_modified);
		assert_null(jobs[i].state);
	}
	assert_int_equal(jobs[N - 1].ret, -1);
	assert_string_equal(jobs[N - 1].err.msg, "HTTP status 503");
	for (size_t i = 0; i < N; i++) {
		fetch_job_release(&jobs[i]);
		strbuf_release(&urls[i]);
	}
	/* no jobs: returns at once */
	fetch_many(NULL, 0);
}

static void test_http_cache_store(void **state)
{
	struct server *s = *state;
	struct store *st;
	struct errmsg err;
	struct strbuf db;
	char *etag, *lm;

	strbuf_init(&db);
	strbuf_addf(&db, "%s/cache.db", s->dir);
	assert_int_equal(store_open(db.buf, 0, &st, &err), 0);
	assert_int_equal(store_get_http_cache(st, "f", "k", &etag, &lm, &err),
			 0);
	assert_null(etag);
	assert_null(lm);
	assert_int_equal(store_put_http_cache(st, "f", "k", "\"e1\"", NULL,
					      100, &err), 0);
	assert_int_equal(store_put_http_cache(st, "g", "k", NULL, "date",
					      100, &err), 0);
	assert_int_equal(store_get_http_cache(st, "f", "k", &etag, &lm, &err),
			 0);
	assert_string_equal(etag, "\"e1\"");
	assert_null(lm);
	free(etag);
	assert_int_equal(store_put_http_cache(st, "f", "k", "\"e2\"", "d2",
					      200, &err), 0);
	assert_int_equal(store_get_http_cache(st, "f", "k", &etag, &lm, &err),
			 0);
	assert_string_equal(etag, "\"e2\"");
	assert_string_equal(lm, "d2");
	free(etag);
	free(lm);
	assert_int_equal(store_get_http_cache(st, "g", "k", &etag, &lm, &err),
			 0);
	assert_null(etag);
	assert_string_equal(lm, "date");
	free(lm);
	store_free(st);
	strbuf_release(&db);
}

static int count_rows(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	int n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
			 SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

/* A version 1 store (no http_cache) is migrated and keeps its data. */
static void test_migration_1_to_2(void **state)
{
	struct server *s = *state;
	struct store *st;
	struct errmsg err;
	struct strbuf db;
	struct series se;
	const double nan = (double)NAN;
	struct store_point p = {.zone = "XX", .signal = "carbon_intensity",
				.unit = "gCO2eq/kWh", .time = 3600,
				.value = 123.5, .issued = GS_TIME_NONE,
				.lo80 = nan, .hi80 = nan, .lo95 = nan,
				.hi95 = nan};
	sqlite3 *raw;
	char *etag, *lm;

	strbuf_init(&db);
	strbuf_addf(&db, "%s/v1.db", s->dir);
	assert_int_equal(store_open(db.buf, 0, &st, &err), 0);
	assert_int_equal(store_put_points(st, "feed", &p, 1, 10, NULL, &err),
			 0);
	assert_int_equal(store_log_ingest(st, "feed", 1, 2, true, 1, "ok",
					  &err), 0);
	store_free(st);

	assert_int_equal(sqlite3_open(db.buf, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "DROP TABLE http_cache; "
				      "ALTER TABLE job_run DROP COLUMN "
				      "exit_status; "
				      "ALTER TABLE series DROP COLUMN basis; "
				      "PRAGMA user_version = 1", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(count_rows(db.buf, "PRAGMA user_version"), 1);
	assert_int_equal(count_rows(db.buf, "SELECT count(*) FROM "
				    "sqlite_master WHERE name = 'http_cache'"),
			 0);

	assert_int_equal(store_open(db.buf, 0, &st, &err), 0);
	series_init(&se);
	assert_int_equal(store_get_series(st, "XX", "carbon_intensity",
					  GS_TIME_NONE, GS_TIME_NONE, &se,
					  &err), 0);
	assert_int_equal(se.n, 1);
	assert_true(se.v[0] == 123.5);
	series_release(&se);
	assert_int_equal(store_put_http_cache(st, "feed", "k", "\"e\"", NULL,
					      5, &err), 0);
	assert_int_equal(store_get_http_cache(st, "feed", "k", &etag, &lm,
					      &err), 0);
	assert_string_equal(etag, "\"e\"");
	free(etag);
	free(lm);
	store_free(st);
	assert_int_equal(count_rows(db.buf, "PRAGMA user_version"), 4);
	assert_int_equal(count_rows(db.buf, "SELECT count(*) FROM "
				    "pragma_table_info('job_run') WHERE "
				    "name = 'exit_status'"), 1);
	assert_int_equal(count_rows(db.buf, "SELECT count(*) FROM "
				    "pragma_table_info('series') WHERE "
				    "name = 'basis'"), 1);
	assert_int_equal(count_rows(db.buf, "SELECT count(*) FROM "
				    "ingest_run"), 1);
	strbuf_release(&db);
}

/* Puts one carbon_intensity point of `basis` at t; returns the result. */
static int put_basis(struct store *st, const char *basis, gs_time t,
		     struct errmsg *err)
{
	const double nan = (double)NAN;
	struct store_point p = {.zone = "XX", .signal = "carbon_intensity",
				.unit = "gCO2eq/kWh", .time = t, .value = 100,
				.issued = GS_TIME_NONE, .lo80 = nan,
				.hi80 = nan, .lo95 = nan, .hi95 = nan,
				.basis = basis};

	return store_put_points(st, "feed", &p, 1, 10, NULL, err);
}

/*
 * A version 3 store (no series.basis) migrates to 4 and keeps its data;
 * a series then takes the first basis given and refuses another one.
 */
static void test_migration_3_to_4_basis(void **state)
{
	struct server *s = *state;
	struct store *st;
	struct errmsg err;
	struct strbuf db;
	sqlite3 *raw;

	strbuf_init(&db);
	strbuf_addf(&db, "%s/v3.db", s->dir);
	assert_int_equal(store_open(db.buf, 0, &st, &err), 0);
	assert_int_equal(put_basis(st, NULL, 0, &err), 0);
	store_free(st);
	assert_int_equal(sqlite3_open(db.buf, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "ALTER TABLE series DROP COLUMN "
				      "basis; PRAGMA user_version = 3", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);

	assert_int_equal(store_open(db.buf, 0, &st, &err), 0);
	assert_int_equal(count_rows(db.buf, "PRAGMA user_version"), 4);
	assert_int_equal(count_rows(db.buf, "SELECT count(*) FROM point"), 1);
	/* no basis yet: the first one given is recorded */
	assert_int_equal(put_basis(st, "marginal", 3600, &err), 0);
	assert_int_equal(put_basis(st, NULL, 7200, &err), 0);
	assert_int_equal(put_basis(st, "marginal", 7200, &err), 0);
	assert_int_equal(put_basis(st, "average", 10800, &err), -1);
	assert_string_equal(err.msg, "zone 'XX' signal 'carbon_intensity' "
			    "holds marginal values; refusing average ones in "
			    "the same series (give the feed another zone)");
	store_free(st);
	assert_int_equal(count_rows(db.buf, "SELECT count(*) FROM series "
				    "WHERE basis = 'marginal'"), 1);
	assert_int_equal(count_rows(db.buf, "SELECT count(*) FROM point"), 3);
	strbuf_release(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_retries),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_conditional),
		cmocka_unit_test(test_fetch_many),
		cmocka_unit_test(test_http_cache_store),
		cmocka_unit_test(test_migration_1_to_2),
		cmocka_unit_test(test_migration_3_to_4_basis),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
