/*
 * store.c - the SQLite history every stage reads and writes.
 *
 * Sized for a year of 5-minute data for 100 zones (about 10^8 points):
 * zone/signal pairs and source names are interned into small tables so a
 * point row is (series, time, value, source, fetched_at) in a WITHOUT ROWID
 * table keyed by (series, time); forecasts are grouped into vintages
 * (series, source, issued) so their rows are (vintage, time, value, bands).
 * Writers take the write lock up front (BEGIN IMMEDIATE) and wait on a busy
 * timeout, so concurrent cron runs serialise instead of failing.
 */
#include "core/core.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <sys/stat.h>

#define SCHEMA_VERSION 4
#define APPLICATION_ID 0x47534c54 /* "GSLT" */
/*
 * How long a writer waits for another to finish.  Readers never wait (WAL);
 * a cron ingest that overlaps a long backfill, or several ingests on a
 * slow machine, should queue behind it rather than fail.
 */
#define BUSY_TIMEOUT_MS 300000

struct store {
	sqlite3 *db;
	char *path;
	int txn_depth;
	int last_rc; /* result code of the last failure, for busy retries */
};

/* Schema migrations: migrations[i] takes user_version i to i + 1. */
static const char *const migrations[] = {
	"CREATE TABLE series ("
	"  id INTEGER PRIMARY KEY,"
	"  zone TEXT NOT NULL,"
	"  signal TEXT NOT NULL,"
	"  unit TEXT,"
	"  UNIQUE (zone, signal));"
	"CREATE TABLE source ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE);"
	/* recorded values: one per series and time */
	"CREATE TABLE point ("
	"  series_id INTEGER NOT NULL REFERENCES series(id),"
	"  time INTEGER NOT NULL,"
	"  value REAL NOT NULL,"
	"  source_id INTEGER NOT NULL REFERENCES source(id),"
	"  fetched_at INTEGER NOT NULL,"
	"  PRIMARY KEY (series_id, time)) WITHOUT ROWID;"
	/* a forecast issued at one time by one source for one series */
	"CREATE TABLE vintage ("
	"  id INTEGER PRIMARY KEY,"
	"  series_id INTEGER NOT NULL REFERENCES series(id),"
	"  source_id INTEGER NOT NULL REFERENCES source(id),"
	"  issued INTEGER NOT NULL,"
	"  fetched_at INTEGER NOT NULL,"
	"  UNIQUE (series_id, issued, source_id));"
	"CREATE TABLE forecast ("
	"  vintage_id INTEGER NOT NULL REFERENCES vintage(id),"
	"  time INTEGER NOT NULL,"
	"  value REAL NOT NULL,"
	"  lo80 REAL, hi80 REAL, lo95 REAL, hi95 REAL,"
	"  PRIMARY KEY (vintage_id, time)) WITHOUT ROWID;"
	"CREATE TABLE ingest_run ("
	"  id INTEGER PRIMARY KEY,"
	"  feed TEXT NOT NULL,"
	"  started INTEGER NOT NULL,"
	"  finished INTEGER NOT NULL,"
	"  ok INTEGER NOT NULL,"
	"  points INTEGER NOT NULL,"
	"  message TEXT);"
	"CREATE INDEX ingest_run_feed ON ingest_run (feed, finished);"
	/* past job runs, for the runtime predictors */
	"CREATE TABLE job_run ("
	"  source TEXT NOT NULL,"
	"  id TEXT NOT NULL,"
	"  user TEXT, executable TEXT, queue TEXT, site TEXT,"
	"  unit TEXT, quantity REAL,"
	"  submit INTEGER, start INTEGER, end INTEGER,"
	"  runtime_s REAL, requested_s REAL,"
	"  status TEXT, resources TEXT, features TEXT, energy_kwh REAL,"
	"  PRIMARY KEY (source, id)) WITHOUT ROWID;"
	"CREATE INDEX job_run_submit ON job_run (submit);"
	/* trained models: parameters and held-out metrics */
	"CREATE TABLE model ("
	"  name TEXT PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  trained_at INTEGER NOT NULL,"
	"  params BLOB,"
	"  metrics TEXT);",
	/* 2: validators of feed responses, for conditional requests; keyed
	   by the url template and window, never by anything expanded */
	"CREATE TABLE http_cache ("
	"  feed TEXT NOT NULL,"
	"  key TEXT NOT NULL,"
	"  etag TEXT,"
	"  last_modified TEXT,"
	"  fetched_at INTEGER,"
	"  PRIMARY KEY (feed, key)) WITHOUT ROWID;",
	/* 3: how a job run by `greenslot run` ended (exit code, or 128 +
	   the signal that killed it, as the shell reports it) */
	"ALTER TABLE job_run ADD COLUMN exit_status INTEGER;",
	/* 4: what a series' values mean where feeds differ (carbon
	   intensity: marginal or average, lifecycle or direct); NULL:
	   not said */
	"ALTER TABLE series ADD COLUMN basis TEXT;",
};
#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

static int db_error(struct store *st, struct errmsg *err, const char *what)
{
	st->last_rc = sqlite3_extended_errcode(st->db);
	return err_set(err, "store '%s': %s: %s", st->path, what,
		       sqlite3_errmsg(st->db));
}

static int exec(struct store *st, const char *sql, struct errmsg *err)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		st->last_rc = sqlite3_extended_errcode(st->db);
		err_set(err, "store '%s': %s", st->path,
			msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int prepare(struct store *st, const char *sql, sqlite3_stmt **stmt,
		   struct errmsg *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return db_error(st, err, "cannot prepare statement");
	return 0;
}

static int pragma_int(struct store *st, const char *sql, int *out,
		      struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (prepare(st, sql, &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return db_error(st, err, "cannot read the schema version");
	}
	*out = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

/*
 * Refuses files that are not greenslot stores, or are from a newer
 * greenslot, before anything is written to them (not even the WAL switch).
 */
static int check_identity(struct store *st, bool readonly, int *version,
			  struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int app, tables;

	/* one statement, so one consistent snapshot against a migrating peer */
	if (prepare(st,
		    "SELECT (SELECT user_version FROM pragma_user_version), "
		    "(SELECT application_id FROM pragma_application_id), "
		    "(SELECT count(*) FROM sqlite_master)",
		    &stmt, err) < 0)
		return -1;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		db_error(st, err, "cannot read the schema version");
		sqlite3_finalize(stmt);
		return -1;
	}
	*version = sqlite3_column_int(stmt, 0);
	app = sqlite3_column_int(stmt, 1);
	tables = sqlite3_column_int(stmt, 2);
	sqlite3_finalize(stmt);
	if ((app != 0 && app != APPLICATION_ID) || (app == 0 && tables))
		return err_set(err, "'%s' is not a greenslot store", st->path);
	if (*version > SCHEMA_VERSION)
		return err_set(err, "store '%s' has schema version %d, newer "
			       "than this greenslot knows (%d); upgrade "
			       "greenslot", st->path, *version, SCHEMA_VERSION);
	if (*version < SCHEMA_VERSION && readonly)
		return err_set(err, "store '%s' is empty or older than this "
			       "greenslot; run 'greenslot ingest' first",
			       st->path);
	return 0;
}

/* Brings the schema to SCHEMA_VERSION, all migrations in one transaction. */
static int migrate(struct store *st, struct errmsg *err)
{
	char sql[96];
	int version = 0;

	if (exec(st, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	/* another process may have migrated while we waited for the lock */
	if (pragma_int(st, "PRAGMA user_version", &version, err) < 0)
		goto fail;
	for (int v = version; v < SCHEMA_VERSION; v++)
		if (exec(st, migrations[v], err) < 0)
			goto fail;
	snprintf(sql, sizeof(sql),
		 "PRAGMA user_version = %d; PRAGMA application_id = %d",
		 SCHEMA_VERSION, APPLICATION_ID);
	if (exec(st, sql, err) < 0)
		goto fail;
	return exec(st, "COMMIT", err);
fail:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int set_up_once(struct store *st, bool ro, struct errmsg *err)
{
	int version;

	if (check_identity(st, ro, &version, err) < 0)
		return -1;
	if (!ro && exec(st, "PRAGMA journal_mode = WAL", err) < 0)
		return -1;
	if (exec(st, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
		 err) < 0)
		return -1;
	if (version < SCHEMA_VERSION && migrate(st, err) < 0)
		return -1;
	return 0;
}

/*
 * Checks, switches to WAL and migrates.  While another process creates or
 * migrates the same new store, SQLite answers some of these steps "busy"
 * at once instead of waiting (a reader cannot wait for a lock upgrade
 * without risking deadlock), so the whole set-up is retried until the busy
 * timeout.
 */
static int set_up(struct store *st, bool ro, struct errmsg *err)
{
	const struct timespec pause = {0, 20 * 1000 * 1000};
	int waited_ms = 0;

	for (;;) {
		st->last_rc = SQLITE_OK;
		if (set_up_once(st, ro, err) == 0)
			return 0;
		if ((st->last_rc & 0xff) != SQLITE_BUSY &&
		    (st->last_rc & 0xff) != SQLITE_LOCKED)
			return -1;
		if (waited_ms >= BUSY_TIMEOUT_MS)
			return -1;
		nanosleep(&pause, NULL);
		waited_ms += 20;
	}
}

/*
 * A failure that comes from the store (or its directory) not being
 * writable: SQLite cannot create or lock the WAL index (-shm) or the log.
 * A reader (whose store file exists) sees "cannot open" the missing -shm
 * (ENOENT: it opens it read-only); a writer EACCES, EPERM or EROFS.
 */
static bool not_writable(struct store *st, bool ro)
{
	int e = st->db ? sqlite3_system_errno(st->db) : 0;

	if ((st->last_rc & 0xff) == SQLITE_READONLY)
		return true;
	if ((st->last_rc & 0xff) != SQLITE_CANTOPEN)
		return false;
	return ro || e == EACCES || e == EPERM || e == EROFS;
}

/* "file:" and PATH percent-encoded, then QUERY: an SQLite URI. */
static void uri_for(struct strbuf *uri, const char *path, const char *query)
{
	strbuf_addstr(uri, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
			strbuf_addch(uri, (char)*p);
		else
			strbuf_addf(uri, "%%%02X", *p);
	}
	strbuf_addf(uri, "?%s", query);
}

/* Opens st->path (or URI) and sets it up; st->db is left for store_free. */
static int open_and_set_up(struct store *st, const char *uri, bool ro,
			   struct errmsg *err)
{
	int oflags = ro ? SQLITE_OPEN_READONLY
			: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	if (uri)
		oflags |= SQLITE_OPEN_URI;
	if (sqlite3_open_v2(uri ? uri : st->path, &st->db,
			    oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (!st->db)
			return err_set(err, "cannot open store '%s'", st->path);
		return db_error(st, err, "cannot open");
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	if (!ro && sqlite3_db_readonly(st->db, "main") == 1) {
		st->last_rc = SQLITE_READONLY;
		return err_set(err, "store '%s': attempt to write a readonly "
			       "database", st->path);
	}
	return set_up(st, ro, err);
}

/*
 * A reader without write access to the store's file or directory: SQLite
 * cannot create the WAL index the normal read-only open needs.  The file
 * is then opened immutable (no locks, no WAL index), which is only right
 * when no write-ahead log holds changes not yet in the file: with a
 * non-empty -wal it fails instead of silently reading older data.
 */
static int open_immutable(struct store *st, struct errmsg *err)
{
	struct strbuf wal, uri;
	struct stat sb;
	int ret = -1;

	strbuf_init(&wal);
	strbuf_init(&uri);
	strbuf_addf(&wal, "%s-wal", st->path);
	if (!stat(wal.buf, &sb) && sb.st_size > 0) {
		err_set(err, "store '%s' is not writable and its write-ahead "
			"log '%s' holds changes that SQLite cannot read without "
			"write access; give this user write access to the "
			"store's directory, or run once as its owner", st->path,
			wal.buf);
		goto out;
	}
	sqlite3_close(st->db);
	st->db = NULL;
	uri_for(&uri, st->path, "mode=ro&immutable=1");
	if (open_and_set_up(st, uri.buf, true, err) < 0)
		goto out;
	warning("store '%s' is not writable: read as an immutable file "
		"(a concurrent writer's changes are not seen)", st->path);
	ret = 0;
out:
	strbuf_release(&wal);
	strbuf_release(&uri);
	return ret;
}

int store_open(const char *path, unsigned flags, struct store **out,
	       struct errmsg *err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	bool ro = flags & STORE_READONLY;
	struct stat sb;

	*out = NULL;
	st->path = xstrdup(path);
	if (ro && stat(path, &sb) < 0) {
		err_set(err, "no store at '%s'; run 'greenslot ingest' first "
			"(or give --db)", path);
		goto fail;
	}
	if (open_and_set_up(st, NULL, ro, err) < 0) {
		if (!not_writable(st, ro))
			goto fail;
		if (ro && open_immutable(st, err) < 0)
			goto fail;
		if (!ro) {
			/* a writing command: say what is wrong and what works */
			struct errmsg why = *err;
			err_set(err, "%s (this command writes to the store: it "
				"needs write access to the file and its "
				"directory; reading commands work without)",
				why.msg);
			goto fail;
		}
	}
	*out = st;
	return 0;
fail:
	store_free(st);
	return -1;
}

void store_free(struct store *st)
{
	if (!st)
		return;
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int store_begin(struct store *st, struct errmsg *err)
{
	if (st->txn_depth++ > 0)
		return 0;
	if (exec(st, "BEGIN IMMEDIATE", err) < 0) {
		st->txn_depth = 0;
		return -1;
	}
	return 0;
}

int store_commit(struct store *st, struct errmsg *err)
{
	if (st->txn_depth <= 0 || --st->txn_depth > 0)
		return 0;
	if (exec(st, "COMMIT", err) < 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

void store_rollback(struct store *st)
{
	st->txn_depth = 0;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs a statement that returns one integer (or nothing: *out untouched). */
static int step_int(struct store *st, sqlite3_stmt *stmt, int64_t *out,
		    bool *found, struct errmsg *err)
{
	int rc = sqlite3_step(stmt);
	*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else if (rc != SQLITE_DONE)
		return db_error(st, err, "query failed");
	sqlite3_reset(stmt);
	return 0;
}

/* Rows of one multi-row INSERT of the bulk path (5 parameters each). */
#define BULK_ROWS 50

/* Statements of one store_put_points() call. */
struct put_ctx {
	sqlite3_stmt *series_ins, *series_get, *series_basis, *vintage_ins,
		*vintage_get,
		*point_ins, *point_upd, *forecast_ins, *forecast_upd,
		*point_any, *point_bulk;
	int64_t source_id;
	/* last series and vintage looked up: batches come sorted by them */
	const char *zone, *signal, *basis;
	int64_t series_id;
	gs_time issued;
	int64_t vintage_id;
};

static int intern_source(struct store *st, const char *name, int64_t *id,
			 struct errmsg *err)
{
	sqlite3_stmt *ins = NULL, *get = NULL;
	bool found;
	int ret = -1;

	if (prepare(st, "INSERT INTO source (name) VALUES (?) "
			"ON CONFLICT (name) DO NOTHING", &ins, err) < 0 ||
	    prepare(st, "SELECT id FROM source WHERE name = ?", &get, err) < 0)
		goto out;
	sqlite3_bind_text(ins, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(get, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		db_error(st, err, "cannot record source");
		goto out;
	}
	if (step_int(st, get, id, &found, err) < 0)
		goto out;
	ret = found ? 0 : db_error(st, err, "source vanished");
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(get);
	return ret;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * Records p's basis on its series (pc->series_get's row) when the series
 * has none; refuses one that differs: marginal and average values (or
 * lifecycle and direct) in one series would read as one signal.
 */
static int check_basis(struct store *st, struct put_ctx *pc,
		       const struct store_point *p, struct errmsg *err)
{
	const char *stored = (const char *)sqlite3_column_text(
		pc->series_get, 1);
	int rc;

	if (!p->basis || same_str(stored, p->basis))
		return 0;
	if (stored)
		return err_set(err, "zone '%s' signal '%s' holds %s values; "
			       "refusing %s ones in the same series (give "
			       "the feed another zone)", p->zone, p->signal,
			       stored, p->basis);
	sqlite3_bind_text(pc->series_basis, 1, p->basis, -1, SQLITE_STATIC);
	sqlite3_bind_int64(pc->series_basis, 2, pc->series_id);
	rc = sqlite3_step(pc->series_basis);
	sqlite3_reset(pc->series_basis);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot record series basis");
	return 0;
}

static int put_series_id(struct store *st, struct put_ctx *pc,
			 const struct store_point *p, struct errmsg *err)
{
	int rc;

	if (pc->zone && !strcmp(pc->zone, p->zone) &&
	    !strcmp(pc->signal, p->signal) && same_str(pc->basis, p->basis))
		return 0;
	sqlite3_bind_text(pc->series_ins, 1, p->zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(pc->series_ins, 2, p->signal, -1, SQLITE_STATIC);
	if (p->unit)
		sqlite3_bind_text(pc->series_ins, 3, p->unit, -1,
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(pc->series_ins, 3);
	if (sqlite3_step(pc->series_ins) != SQLITE_DONE)
		return db_error(st, err, "cannot record series");
	sqlite3_reset(pc->series_ins);
	sqlite3_bind_text(pc->series_get, 1, p->zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(pc->series_get, 2, p->signal, -1, SQLITE_STATIC);
	rc = sqlite3_step(pc->series_get);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(pc->series_get);
		return db_error(st, err, rc == SQLITE_DONE ? "series vanished"
							    : "query failed");
	}
	pc->series_id = sqlite3_column_int64(pc->series_get, 0);
	rc = check_basis(st, pc, p, err);
	sqlite3_reset(pc->series_get);
	if (rc < 0)
		return -1;
	pc->zone = p->zone;
	pc->signal = p->signal;
	pc->basis = p->basis;
	pc->issued = GS_TIME_NONE;
	return 0;
}

static int put_vintage_id(struct store *st, struct put_ctx *pc,
			  gs_time issued, gs_time fetched, struct errmsg *err)
{
	bool found;

	if (pc->issued == issued)
		return 0;
	sqlite3_bind_int64(pc->vintage_ins, 1, pc->series_id);
	sqlite3_bind_int64(pc->vintage_ins, 2, pc->source_id);
	sqlite3_bind_int64(pc->vintage_ins, 3, issued);
	sqlite3_bind_int64(pc->vintage_ins, 4, fetched);
	if (sqlite3_step(pc->vintage_ins) != SQLITE_DONE)
		return db_error(st, err, "cannot record forecast vintage");
	sqlite3_reset(pc->vintage_ins);
	sqlite3_bind_int64(pc->vintage_get, 1, pc->series_id);
	sqlite3_bind_int64(pc->vintage_get, 2, pc->source_id);
	sqlite3_bind_int64(pc->vintage_get, 3, issued);
	if (step_int(st, pc->vintage_get, &pc->vintage_id, &found, err) < 0)
		return -1;
	if (!found)
		return db_error(st, err, "forecast vintage vanished");
	pc->issued = issued;
	return 0;
}

static void bind_real_or_null(sqlite3_stmt *stmt, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(stmt, i, v);
	else
		sqlite3_bind_null(stmt, i);
}

/*
 * Inserts the row `ins` binds, or else runs `upd`, which changes the stored
 * row only when its value differs: two statements instead of one upsert so
 * that a run can say how many points were new and how many were updated.
 */
static int insert_or_update(struct store *st, sqlite3_stmt *ins,
			    sqlite3_stmt *upd, struct store_put_stats *stats,
			    struct errmsg *err)
{
	int rc = sqlite3_step(ins);

	sqlite3_reset(ins);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot store point");
	if (sqlite3_changes(st->db)) {
		stats->added++;
		return 0;
	}
	rc = sqlite3_step(upd);
	sqlite3_reset(upd);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot store point");
	stats->updated += (size_t)sqlite3_changes(st->db);
	return 0;
}

static int put_recorded(struct store *st, struct put_ctx *pc,
			const struct store_point *p, gs_time fetched,
			struct store_put_stats *stats, struct errmsg *err)
{
	sqlite3_stmt *ins = pc->point_ins, *upd = pc->point_upd;

	sqlite3_bind_int64(ins, 1, pc->series_id);
	sqlite3_bind_int64(ins, 2, p->time);
	sqlite3_bind_double(ins, 3, p->value);
	sqlite3_bind_int64(ins, 4, pc->source_id);
	sqlite3_bind_int64(ins, 5, fetched);
	sqlite3_bind_double(upd, 1, p->value);
	sqlite3_bind_int64(upd, 2, pc->source_id);
	sqlite3_bind_int64(upd, 3, fetched);
	sqlite3_bind_int64(upd, 4, pc->series_id);
	sqlite3_bind_int64(upd, 5, p->time);
	return insert_or_update(st, ins, upd, stats, err);
}

static int put_forecast(struct store *st, struct put_ctx *pc,
			const struct store_point *p, gs_time fetched,
			struct store_put_stats *stats, struct errmsg *err)
{
	sqlite3_stmt *ins = pc->forecast_ins, *upd = pc->forecast_upd;

	if (put_vintage_id(st, pc, p->issued, fetched, err) < 0)
		return -1;
	/* the same parameters in the same order for both statements */
	for (int k = 0; k < 2; k++) {
		sqlite3_stmt *stmt = k ? upd : ins;
		sqlite3_bind_int64(stmt, 1, pc->vintage_id);
		sqlite3_bind_int64(stmt, 2, p->time);
		sqlite3_bind_double(stmt, 3, p->value);
		bind_real_or_null(stmt, 4, p->lo80);
		bind_real_or_null(stmt, 5, p->hi80);
		bind_real_or_null(stmt, 6, p->lo95);
		bind_real_or_null(stmt, 7, p->hi95);
	}
	return insert_or_update(st, ins, upd, stats, err);
}

static int put_one(struct store *st, struct put_ctx *pc,
		   const struct store_point *p, gs_time fetched,
		   struct store_put_stats *stats, struct errmsg *err)
{
	if (!isfinite(p->value))
		return err_set(err, "refusing to store a non-finite value "
			       "for %s/%s", p->zone, p->signal);
	if (put_series_id(st, pc, p, err) < 0)
		return -1;
	if (p->issued == GS_TIME_NONE)
		return put_recorded(st, pc, p, fetched, stats, err);
	return put_forecast(st, pc, p, fetched, stats, err);
}

static void put_ctx_release(struct put_ctx *pc)
{
	sqlite3_finalize(pc->series_ins);
	sqlite3_finalize(pc->series_get);
	sqlite3_finalize(pc->series_basis);
	sqlite3_finalize(pc->vintage_ins);
	sqlite3_finalize(pc->vintage_get);
	sqlite3_finalize(pc->point_ins);
	sqlite3_finalize(pc->point_upd);
	sqlite3_finalize(pc->forecast_ins);
	sqlite3_finalize(pc->forecast_upd);
	sqlite3_finalize(pc->point_any);
	sqlite3_finalize(pc->point_bulk);
}

/* "INSERT INTO point ... VALUES (?, ?, ?, ?, ?), ..." of BULK_ROWS rows. */
static int prepare_bulk(struct store *st, struct put_ctx *pc,
			struct errmsg *err)
{
	struct strbuf sql;
	int ret;

	strbuf_init(&sql);
	strbuf_addstr(&sql, "INSERT INTO point (series_id, time, value, "
			    "source_id, fetched_at) VALUES ");
	for (int i = 0; i < BULK_ROWS; i++)
		strbuf_addstr(&sql, i ? ", (?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?)");
	ret = prepare(st, sql.buf, &pc->point_bulk, err);
	strbuf_release(&sql);
	return ret;
}

static int put_ctx_prepare(struct store *st, struct put_ctx *pc,
			   struct errmsg *err)
{
	pc->issued = GS_TIME_NONE;
	return prepare(st,
		       "INSERT INTO series (zone, signal, unit) VALUES (?, ?, ?) "
		       "ON CONFLICT (zone, signal) DO UPDATE SET "
		       "unit = excluded.unit WHERE series.unit IS NULL",
		       &pc->series_ins, err) < 0 ||
	       prepare(st,
		       "SELECT id, basis FROM series WHERE zone = ? AND "
		       "signal = ?",
		       &pc->series_get, err) < 0 ||
	       prepare(st, "UPDATE series SET basis = ? WHERE id = ?",
		       &pc->series_basis, err) < 0 ||
	       prepare(st,
		       "INSERT INTO vintage (series_id, source_id, issued, "
		       "fetched_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
		       &pc->vintage_ins, err) < 0 ||
	       prepare(st,
		       "SELECT id FROM vintage WHERE series_id = ? AND "
		       "source_id = ? AND issued = ?",
		       &pc->vintage_get, err) < 0 ||
	       prepare(st,
		       "INSERT INTO point (series_id, time, value, source_id, "
		       "fetched_at) VALUES (?, ?, ?, ?, ?) "
		       "ON CONFLICT (series_id, time) DO NOTHING",
		       &pc->point_ins, err) < 0 ||
	       prepare(st,
		       "UPDATE point SET value = ?1, source_id = ?2, "
		       "fetched_at = ?3 WHERE series_id = ?4 AND time = ?5 "
		       "AND value IS NOT ?1",
		       &pc->point_upd, err) < 0 ||
	       prepare(st,
		       "INSERT INTO forecast (vintage_id, time, value, lo80, "
		       "hi80, lo95, hi95) VALUES (?, ?, ?, ?, ?, ?, ?) "
		       "ON CONFLICT (vintage_id, time) DO NOTHING",
		       &pc->forecast_ins, err) < 0 ||
	       prepare(st,
		       "UPDATE forecast SET value = ?3, lo80 = ?4, hi80 = ?5, "
		       "lo95 = ?6, hi95 = ?7 WHERE vintage_id = ?1 AND "
		       "time = ?2 AND (value IS NOT ?3 OR lo80 IS NOT ?4 OR "
		       "hi80 IS NOT ?5 OR lo95 IS NOT ?6 OR hi95 IS NOT ?7)",
		       &pc->forecast_upd, err) < 0 ||
	       prepare(st,
		       "SELECT EXISTS (SELECT 1 FROM point WHERE "
		       "series_id = ? AND time BETWEEN ? AND ?)",
		       &pc->point_any, err) < 0 ||
	       prepare_bulk(st, pc, err) < 0
		       ? -1
		       : 0;
}

/*
 * The length of the run of recorded points from pts[0] that the bulk path
 * may take: one series (and basis), finite values, strictly increasing
 * times.  0 for a forecast point.
 */
static size_t bulk_run(const struct store_point *pts, size_t n)
{
	size_t k = 0;

	if (pts[0].issued != GS_TIME_NONE)
		return 0;
	while (k < n && pts[k].issued == GS_TIME_NONE &&
	       isfinite(pts[k].value) &&
	       (pts[k].zone == pts[0].zone ||
		!strcmp(pts[k].zone, pts[0].zone)) &&
	       (pts[k].signal == pts[0].signal ||
		!strcmp(pts[k].signal, pts[0].signal)) &&
	       same_str(pts[k].basis, pts[0].basis) &&
	       (!k || pts[k].time > pts[k - 1].time))
		k++;
	return k;
}

/* BULK_ROWS points with one multi-row INSERT. */
static int put_bulk_block(struct store *st, struct put_ctx *pc,
			  const struct store_point *p, gs_time fetched,
			  struct errmsg *err)
{
	sqlite3_stmt *b = pc->point_bulk;
	int rc;

	for (int i = 0; i < BULK_ROWS; i++) {
		sqlite3_bind_int64(b, 5 * i + 1, pc->series_id);
		sqlite3_bind_int64(b, 5 * i + 2, p[i].time);
		sqlite3_bind_double(b, 5 * i + 3, p[i].value);
		sqlite3_bind_int64(b, 5 * i + 4, pc->source_id);
		sqlite3_bind_int64(b, 5 * i + 5, fetched);
	}
	rc = sqlite3_step(b);
	sqlite3_reset(b);
	return rc == SQLITE_DONE ? 0 : db_error(st, err, "cannot store point");
}

/*
 * The bulk path: a run of new points of one series whose time range holds
 * no stored point yet (a first ingest, a backfill) goes in with plain
 * multi-row INSERTs, every row new, instead of an insert-or-update per
 * point.  *done gets how many points it stored (0: not taken).
 */
static int put_bulk(struct store *st, struct put_ctx *pc,
		    const struct store_point *pts, size_t n, gs_time fetched,
		    struct store_put_stats *stats, size_t *done,
		    struct errmsg *err)
{
	size_t k = bulk_run(pts, n), i = 0;
	int64_t any = 1;
	bool found;

	*done = 0;
	if (k < BULK_ROWS || put_series_id(st, pc, &pts[0], err) < 0)
		return k < BULK_ROWS ? 0 : -1;
	sqlite3_bind_int64(pc->point_any, 1, pc->series_id);
	sqlite3_bind_int64(pc->point_any, 2, pts[0].time);
	sqlite3_bind_int64(pc->point_any, 3, pts[k - 1].time);
	if (step_int(st, pc->point_any, &any, &found, err) < 0)
		return -1;
	if (any)
		return 0;
	for (; i + BULK_ROWS <= k; i += BULK_ROWS)
		if (put_bulk_block(st, pc, pts + i, fetched, err) < 0)
			return -1;
	for (; i < k; i++)
		if (put_recorded(st, pc, &pts[i], fetched, stats, err) < 0)
			return -1;
	stats->added += k - k % BULK_ROWS;
	*done = k;
	return 0;
}

int store_put_points(struct store *st, const char *source,
		     const struct store_point *pts, size_t n, gs_time fetched,
		     struct store_put_stats *stats, struct errmsg *err)
{
	struct put_ctx pc = {0};
	struct store_put_stats count = {0, 0};

	if (store_begin(st, err) < 0)
		return -1;
	if (put_ctx_prepare(st, &pc, err) < 0 ||
	    intern_source(st, source, &pc.source_id, err) < 0)
		goto fail;
	for (size_t i = 0; i < n;) {
		size_t done;
		if (put_bulk(st, &pc, pts + i, n - i, fetched, &count, &done,
			     err) < 0)
			goto fail;
		if (done) {
			i += done;
			continue;
		}
		if (put_one(st, &pc, &pts[i], fetched, &count, err) < 0)
			goto fail;
		i++;
	}
	put_ctx_release(&pc);
	if (store_commit(st, err) < 0)
		return -1;
	if (stats)
		*stats = count;
	return 0;
fail:
	put_ctx_release(&pc);
	store_rollback(st);
	return -1;
}

/* Appends rows (time, value) of a query to a series, sorted by time. */
static int read_series(struct store *st, sqlite3_stmt *stmt,
		       struct series *out, struct errmsg *err)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (series_push(out, sqlite3_column_int64(stmt, 0),
				sqlite3_column_double(stmt, 1)) < 0)
			return err_set(err, "store '%s': points out of order",
				       st->path);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot read points");
	out->last_hold = series_step(out);
	return 0;
}

static void bind_window(sqlite3_stmt *stmt, int i, gs_time from, gs_time to)
{
	sqlite3_bind_int64(stmt, i, from == GS_TIME_NONE ? INT64_MIN : from);
	sqlite3_bind_int64(stmt, i + 1, to == GS_TIME_NONE ? INT64_MAX : to);
}

int store_get_series(struct store *st, const char *zone, const char *signal,
		     gs_time from, gs_time to, struct series *out,
		     struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int ret;

	if (prepare(st,
		    "SELECT p.time, p.value FROM point p JOIN series s "
		    "ON s.id = p.series_id WHERE s.zone = ? AND s.signal = ? "
		    "AND p.time >= ? AND p.time < ? ORDER BY p.time",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, signal, -1, SQLITE_STATIC);
	bind_window(stmt, 3, from, to);
	ret = read_series(st, stmt, out, err);
	sqlite3_finalize(stmt);
	return ret;
}

/*
 * Picks the vintage of zone/signal issued last at or before issued_by that
 * has points in [from, to); greenslot's own forecasts first unless a
 * source is named.  *vintage is 0 when there is none.
 */
static int pick_vintage(struct store *st, const char *zone,
			const char *signal, const char *source,
			gs_time issued_by, gs_time from, gs_time to,
			int64_t *vintage, struct store_vintage *out,
			struct errmsg *err)
{
	sqlite3_stmt *pick;
	int rc;

	if (prepare(st,
		    "SELECT v.id, v.issued, src.name FROM vintage v "
		    "JOIN series s ON s.id = v.series_id "
		    "JOIN source src ON src.id = v.source_id "
		    "WHERE s.zone = ?1 AND s.signal = ?2 AND v.issued <= ?3 "
		    "AND (?4 IS NULL OR src.name = ?4) "
		    "AND EXISTS (SELECT 1 FROM forecast f WHERE "
		    "f.vintage_id = v.id AND f.time >= ?5 AND f.time < ?6) "
		    "ORDER BY (?4 IS NULL AND src.name = 'greenslot') DESC, "
		    "v.issued DESC LIMIT 1",
		    &pick, err) < 0)
		return -1;
	sqlite3_bind_text(pick, 1, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(pick, 2, signal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(pick, 3, issued_by == GS_TIME_NONE ? INT64_MAX
							      : issued_by);
	if (source)
		sqlite3_bind_text(pick, 4, source, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(pick, 4);
	bind_window(pick, 5, from, to);
	*vintage = 0;
	rc = sqlite3_step(pick);
	if (rc == SQLITE_ROW) {
		*vintage = sqlite3_column_int64(pick, 0);
		out->issued = sqlite3_column_int64(pick, 1);
		out->source =
			xstrdup((const char *)sqlite3_column_text(pick, 2));
	}
	sqlite3_finalize(pick);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, err, "cannot pick a forecast");
	return 0;
}

static void vintage_init(struct store_vintage *v)
{
	v->source = NULL;
	v->issued = GS_TIME_NONE;
	series_init(&v->value);
	series_init(&v->lo80);
	series_init(&v->hi80);
	series_init(&v->lo95);
	series_init(&v->hi95);
}

void store_vintage_release(struct store_vintage *v)
{
	free(v->source);
	series_release(&v->value);
	series_release(&v->lo80);
	series_release(&v->hi80);
	series_release(&v->lo95);
	series_release(&v->hi95);
	vintage_init(v);
}

static void push_band(struct series *s, sqlite3_stmt *stmt, int col)
{
	if (sqlite3_column_type(stmt, col) != SQLITE_NULL)
		series_push(s, sqlite3_column_int64(stmt, 0),
			    sqlite3_column_double(stmt, col));
}

static int read_vintage(struct store *st, int64_t vintage, gs_time from,
			gs_time to, struct store_vintage *out,
			struct errmsg *err)
{
	sqlite3_stmt *rows;
	int rc;

	if (prepare(st,
		    "SELECT time, value, lo80, hi80, lo95, hi95 FROM forecast "
		    "WHERE vintage_id = ? AND time >= ? AND time < ? "
		    "ORDER BY time",
		    &rows, err) < 0)
		return -1;
	sqlite3_bind_int64(rows, 1, vintage);
	bind_window(rows, 2, from, to);
	while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
		series_push(&out->value, sqlite3_column_int64(rows, 0),
			    sqlite3_column_double(rows, 1));
		push_band(&out->lo80, rows, 2);
		push_band(&out->hi80, rows, 3);
		push_band(&out->lo95, rows, 4);
		push_band(&out->hi95, rows, 5);
	}
	sqlite3_finalize(rows);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot read forecast points");
	out->value.last_hold = series_step(&out->value);
	out->lo80.last_hold = out->hi80.last_hold = out->value.last_hold;
	out->lo95.last_hold = out->hi95.last_hold = out->value.last_hold;
	return 0;
}

int store_get_vintage(struct store *st, const char *zone, const char *signal,
		      const char *source, gs_time issued_by, gs_time from,
		      gs_time to, struct store_vintage *out,
		      struct errmsg *err)
{
	int64_t vintage;

	vintage_init(out);
	if (pick_vintage(st, zone, signal, source, issued_by, from, to,
			 &vintage, out, err) < 0)
		return -1;
	if (!vintage)
		return 0;
	if (read_vintage(st, vintage, from, to, out, err) < 0) {
		store_vintage_release(out);
		return -1;
	}
	return 0;
}

int store_get_forecast(struct store *st, const char *zone, const char *signal,
		       const char *source, gs_time issued_by, gs_time from,
		       gs_time to, struct series *out, gs_time *issued_out,
		       struct errmsg *err)
{
	struct store_vintage v;

	if (store_get_vintage(st, zone, signal, source, issued_by, from, to,
			      &v, err) < 0)
		return -1;
	if (issued_out)
		*issued_out = v.issued;
	/* hand over the values, appended to what out holds */
	for (size_t i = 0; i < v.value.n; i++)
		if (series_push(out, v.value.t[i], v.value.v[i]) < 0) {
			store_vintage_release(&v);
			return err_set(err, "forecast points out of order");
		}
	if (v.value.n)
		out->last_hold = v.value.last_hold;
	store_vintage_release(&v);
	return 0;
}

/* Appends " AND col IN (?, ?, ...)" for a non-empty list. */
static void add_in_list(struct strbuf *sql, const char *col, size_t n)
{
	if (!n)
		return;
	strbuf_addf(sql, " AND %s IN (", col);
	for (size_t i = 0; i < n; i++)
		strbuf_addstr(sql, i ? ", ?" : "?");
	strbuf_addch(sql, ')');
}

/* Binds q's zones and signals from parameter i on; returns the next one. */
static int bind_names(sqlite3_stmt *stmt, const struct store_query *q, int i)
{
	for (size_t k = 0; k < q->nzones; k++)
		sqlite3_bind_text(stmt, i++, q->zones[k], -1, SQLITE_STATIC);
	for (size_t k = 0; k < q->nsignals; k++)
		sqlite3_bind_text(stmt, i++, q->signals[k], -1, SQLITE_STATIC);
	return i;
}

/* Binds one half of the query from parameter i on; returns the next one. */
static int bind_query(sqlite3_stmt *stmt, const struct store_query *q, int i)
{
	i = bind_names(stmt, q, i);
	bind_window(stmt, i, q->from, q->to);
	return i + 2;
}

/* Builds the query for store_each_point(); parameters are bound, never
 * pasted. Recorded rows come first, then forecasts by source and issue. */
static void each_point_sql(struct strbuf *sql, const struct store_query *q)
{
	strbuf_addstr(sql,
		      "SELECT s.zone, s.signal, s.unit, p.time, p.value, "
		      "NULL, NULL, NULL, NULL, NULL, src.name, 0 AS kind "
		      "FROM point p JOIN series s ON s.id = p.series_id "
		      "JOIN source src ON src.id = p.source_id WHERE 1");
	add_in_list(sql, "s.zone", q->nzones);
	add_in_list(sql, "s.signal", q->nsignals);
	strbuf_addstr(sql, " AND p.time >= ? AND p.time < ?");
	if (q->forecasts) {
		strbuf_addstr(sql,
			      " UNION ALL SELECT s.zone, s.signal, s.unit, "
			      "f.time, f.value, v.issued, f.lo80, f.hi80, "
			      "f.lo95, f.hi95, src.name, 1 AS kind "
			      "FROM forecast f JOIN vintage v ON "
			      "v.id = f.vintage_id JOIN series s ON "
			      "s.id = v.series_id JOIN source src ON "
			      "src.id = v.source_id WHERE 1");
		add_in_list(sql, "s.zone", q->nzones);
		add_in_list(sql, "s.signal", q->nsignals);
		strbuf_addstr(sql, " AND f.time >= ? AND f.time < ?");
	}
	strbuf_addstr(sql, " ORDER BY 1, 2, 12, 11, 6, 4");
}

static double column_real_or_nan(sqlite3_stmt *stmt, int i)
{
	return sqlite3_column_type(stmt, i) == SQLITE_NULL
		       ? (double)NAN
		       : sqlite3_column_double(stmt, i);
}

/* Prepares the statement build() writes for q. */
static int prepare_query(struct store *st, const struct store_query *q,
			 void (*build)(struct strbuf *,
				       const struct store_query *),
			 sqlite3_stmt **stmt, struct errmsg *err)
{
	struct strbuf sql;
	int rc;

	strbuf_init(&sql);
	build(&sql, q);
	rc = prepare(st, sql.buf, stmt, err);
	strbuf_release(&sql);
	return rc;
}

/*
 * Ends a row loop that stopped at step result rc with callback result
 * ret: ret, or -1 when the step failed.
 */
static int finish_query(struct store *st, sqlite3_stmt *stmt, int rc,
			int ret, const char *what, struct errmsg *err)
{
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = db_error(st, err, what);
	sqlite3_finalize(stmt);
	return ret;
}

int store_each_point(struct store *st, const struct store_query *q,
		     store_row_fn fn, void *ctx, struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc, ret = 0;

	if (prepare_query(st, q, each_point_sql, &stmt, err) < 0)
		return -1;
	rc = bind_query(stmt, q, 1);
	if (q->forecasts) /* the forecast half repeats the parameters */
		bind_query(stmt, q, rc);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_point p = {
			.zone = (const char *)sqlite3_column_text(stmt, 0),
			.signal = (const char *)sqlite3_column_text(stmt, 1),
			.unit = (const char *)sqlite3_column_text(stmt, 2),
			.time = sqlite3_column_int64(stmt, 3),
			.value = sqlite3_column_double(stmt, 4),
			.issued = sqlite3_column_type(stmt, 5) == SQLITE_NULL
					  ? GS_TIME_NONE
					  : sqlite3_column_int64(stmt, 5),
			.lo80 = column_real_or_nan(stmt, 6),
			.hi80 = column_real_or_nan(stmt, 7),
			.lo95 = column_real_or_nan(stmt, 8),
			.hi95 = column_real_or_nan(stmt, 9),
		};
		const char *src = (const char *)sqlite3_column_text(stmt, 10);
		if ((ret = fn(&p, src, ctx)) != 0)
			break;
	}
	return finish_query(st, stmt, rc, ret, "cannot read points", err);
}

/* One row per series: its recorded points in the window, first, last. */
static void each_series_sql(struct strbuf *sql, const struct store_query *q)
{
	strbuf_addstr(sql,
		      "SELECT s.zone, s.signal, s.unit, s.basis, "
		      "count(p.time), min(p.time), max(p.time), "
		      "(SELECT count(*) FROM vintage v WHERE "
		      "v.series_id = s.id) "
		      "FROM series s LEFT JOIN point p ON p.series_id = s.id "
		      "AND p.time >= ? AND p.time < ? WHERE 1");
	add_in_list(sql, "s.zone", q->nzones);
	add_in_list(sql, "s.signal", q->nsignals);
	strbuf_addstr(sql, " GROUP BY s.id ORDER BY 1, 2");
}

static gs_time column_time(sqlite3_stmt *stmt, int i)
{
	return sqlite3_column_type(stmt, i) == SQLITE_NULL
		       ? GS_TIME_NONE
		       : sqlite3_column_int64(stmt, i);
}

int store_each_series(struct store *st, const struct store_query *q,
		      store_series_fn fn, void *ctx, struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc, ret = 0;

	if (prepare_query(st, q, each_series_sql, &stmt, err) < 0)
		return -1;
	bind_window(stmt, 1, q->from, q->to);
	bind_names(stmt, q, 3);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_series_info si = {
			.zone = (const char *)sqlite3_column_text(stmt, 0),
			.signal = (const char *)sqlite3_column_text(stmt, 1),
			.unit = (const char *)sqlite3_column_text(stmt, 2),
			.basis = (const char *)sqlite3_column_text(stmt, 3),
			.points = (size_t)sqlite3_column_int64(stmt, 4),
			.first = column_time(stmt, 5),
			.last = column_time(stmt, 6),
			.vintages = (size_t)sqlite3_column_int64(stmt, 7),
		};
		if ((ret = fn(&si, ctx)) != 0)
			break;
	}
	return finish_query(st, stmt, rc, ret, "cannot read series", err);
}

/* Collects the first text column of every row. */
static int collect_strings(struct store *st, sqlite3_stmt *stmt, char ***out,
			   size_t *n, struct errmsg *err)
{
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] =
			xstrdup((const char *)sqlite3_column_text(stmt, 0));
	}
	if (rc != SQLITE_DONE) {
		strv_free(*out, *n);
		*out = NULL;
		*n = 0;
		return db_error(st, err, "query failed");
	}
	return 0;
}

int store_zones_with(struct store *st, const char *signal, char ***zones,
		     size_t *n, struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int ret;

	if (prepare(st,
		    "SELECT s.zone FROM series s WHERE s.signal = ? AND "
		    "EXISTS (SELECT 1 FROM point p WHERE p.series_id = s.id) "
		    "ORDER BY s.zone",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, signal, -1, SQLITE_STATIC);
	ret = collect_strings(st, stmt, zones, n, err);
	sqlite3_finalize(stmt);
	return ret;
}

int store_signals_with_prefix(struct store *st, const char *zone,
			      const char *prefix, char ***signals, size_t *n,
			      struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int ret;

	if (prepare(st,
		    "SELECT signal FROM series WHERE zone = ?1 AND "
		    "substr(signal, 1, length(?2)) = ?2 ORDER BY signal",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, prefix, -1, SQLITE_STATIC);
	ret = collect_strings(st, stmt, signals, n, err);
	sqlite3_finalize(stmt);
	return ret;
}

int store_each_forecast_point(struct store *st, const char *zone,
			      const char *signal, store_forecast_row_fn fn,
			      void *ctx, struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc, ret = 0;

	if (prepare(st,
		    "SELECT v.issued, f.time, f.value FROM forecast f "
		    "JOIN vintage v ON v.id = f.vintage_id "
		    "JOIN series s ON s.id = v.series_id "
		    "WHERE s.zone = ?1 AND s.signal = ?2 "
		    "ORDER BY v.issued, f.time",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, signal, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if ((ret = fn(sqlite3_column_int64(stmt, 0),
			      sqlite3_column_int64(stmt, 1),
			      sqlite3_column_double(stmt, 2), ctx)) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = db_error(st, err, "cannot read forecasts");
	sqlite3_finalize(stmt);
	return ret;
}

int store_forecast_sources(struct store *st, const char *zone,
			   const char *signal, char ***sources, size_t *n,
			   struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int ret;

	if (prepare(st,
		    "SELECT DISTINCT src.name FROM vintage v "
		    "JOIN series s ON s.id = v.series_id "
		    "JOIN source src ON src.id = v.source_id "
		    "WHERE s.zone = ? AND s.signal = ? ORDER BY src.name",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, signal, -1, SQLITE_STATIC);
	ret = collect_strings(st, stmt, sources, n, err);
	sqlite3_finalize(stmt);
	return ret;
}

int store_each_ingest_run(struct store *st, store_ingest_run_fn fn, void *ctx,
			  struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc, ret = 0;

	if (prepare(st,
		    "SELECT feed, finished, ok, points, message FROM "
		    "ingest_run ORDER BY feed, finished, id",
		    &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_ingest_run r = {
			.feed = (const char *)sqlite3_column_text(stmt, 0),
			.finished = sqlite3_column_int64(stmt, 1),
			.ok = sqlite3_column_int(stmt, 2) != 0,
			.points = (size_t)sqlite3_column_int64(stmt, 3),
			.message = (const char *)sqlite3_column_text(stmt, 4),
		};
		if ((ret = fn(&r, ctx)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = db_error(st, err, "cannot read the ingest log");
	sqlite3_finalize(stmt);
	return ret;
}

int store_log_ingest(struct store *st, const char *feed, gs_time started,
		     gs_time finished, bool ok, size_t points,
		     const char *message, struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (prepare(st,
		    "INSERT INTO ingest_run (feed, started, finished, ok, "
		    "points, message) VALUES (?, ?, ?, ?, ?, ?)",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, feed, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, started);
	sqlite3_bind_int64(stmt, 3, finished);
	sqlite3_bind_int(stmt, 4, ok);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)points);
	if (message)
		sqlite3_bind_text(stmt, 6, message, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 6);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot log the ingest run");
	return 0;
}

int store_get_http_cache(struct store *st, const char *feed, const char *key,
			 char **etag, char **last_modified,
			 struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*etag = *last_modified = NULL;
	if (prepare(st,
		    "SELECT etag, last_modified FROM http_cache "
		    "WHERE feed = ? AND key = ?",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, feed, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *e = sqlite3_column_text(stmt, 0);
		const unsigned char *lm = sqlite3_column_text(stmt, 1);
		*etag = e ? xstrdup((const char *)e) : NULL;
		*last_modified = lm ? xstrdup((const char *)lm) : NULL;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, err, "cannot read the http cache");
	return 0;
}

int store_put_http_cache(struct store *st, const char *feed, const char *key,
			 const char *etag, const char *last_modified,
			 gs_time fetched, struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (prepare(st,
		    "INSERT OR REPLACE INTO http_cache (feed, key, etag, "
		    "last_modified, fetched_at) VALUES (?, ?, ?, ?, ?)",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, feed, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
	if (etag)
		sqlite3_bind_text(stmt, 3, etag, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 3);
	if (last_modified)
		sqlite3_bind_text(stmt, 4, last_modified, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 4);
	sqlite3_bind_int64(stmt, 5, fetched);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot write the http cache");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Runs of `greenslot run`: claimed before they start, then finished   */
/* ------------------------------------------------------------------ */

int store_run_claim(struct store *st, const struct store_run *r,
		    bool *claimed, struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (prepare(st,
		    "INSERT OR IGNORE INTO job_run (source, id, site, "
		    "executable, submit, start, status) "
		    "VALUES (?, ?, ?, ?, ?, ?, 'started')",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, r->site, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, r->command, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, r->planned);
	sqlite3_bind_int64(stmt, 6, r->start);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot record the start of a run");
	*claimed = sqlite3_changes(st->db) == 1;
	return 0;
}

int store_run_finish(struct store *st, const struct store_run *r,
		     struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (prepare(st,
		    "UPDATE job_run SET end = ?, runtime_s = ?, status = ?, "
		    "exit_status = ?, energy_kwh = ? "
		    "WHERE source = ? AND id = ?",
		    &stmt, err) < 0)
		return -1;
	if (r->end != GS_TIME_NONE) {
		sqlite3_bind_int64(stmt, 1, r->end);
		sqlite3_bind_double(stmt, 2, isnan(r->runtime_s)
				    ? (double)(r->end - r->start)
				    : r->runtime_s);
	}
	sqlite3_bind_text(stmt, 3, r->status, -1, SQLITE_STATIC);
	if (r->exit_status >= 0)
		sqlite3_bind_int(stmt, 4, r->exit_status);
	if (isfinite(r->energy_kwh))
		sqlite3_bind_double(stmt, 5, r->energy_kwh);
	sqlite3_bind_text(stmt, 6, r->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, r->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot record the end of a run");
	return 0;
}

int store_run_status(struct store *st, const char *source, const char *id,
		     char **status, struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*status = NULL;
	if (prepare(st, "SELECT status FROM job_run WHERE source = ? AND "
			"id = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*status = xstrdup(sqlite3_column_text(stmt, 0)
			? (const char *)sqlite3_column_text(stmt, 0) : "");
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, err, "cannot read a run");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Job runs and trained models (the runtime predictors)                */
/* ------------------------------------------------------------------ */

static void bind_text_or_null(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, i);
}

static void bind_time_or_null(sqlite3_stmt *stmt, int i, gs_time t)
{
	if (t != GS_TIME_NONE)
		sqlite3_bind_int64(stmt, i, t);
	else
		sqlite3_bind_null(stmt, i);
}

static int put_run(struct store *st, sqlite3_stmt *stmt,
		   const struct job_run *r, struct errmsg *err)
{
	const char *text[] = {r->id, r->user, r->executable, r->queue,
			      r->site, r->unit};
	int rc;

	for (int i = 0; i < 6; i++)
		bind_text_or_null(stmt, 2 + i, text[i]);
	bind_real_or_null(stmt, 8, r->quantity);
	bind_time_or_null(stmt, 9, r->submit);
	bind_time_or_null(stmt, 10, r->start);
	bind_time_or_null(stmt, 11, r->end);
	bind_real_or_null(stmt, 12, r->runtime_s);
	bind_real_or_null(stmt, 13, r->requested_s);
	bind_text_or_null(stmt, 14, r->status);
	bind_text_or_null(stmt, 15, r->resources);
	bind_text_or_null(stmt, 16, r->features);
	bind_real_or_null(stmt, 17, r->energy_kwh);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot store a job run");
	return 0;
}

int store_put_runs(struct store *st, const char *source,
		   const struct job_run *runs, size_t n, struct errmsg *err)
{
	sqlite3_stmt *stmt;

	if (store_begin(st, err) < 0)
		return -1;
	if (prepare(st,
		    "INSERT OR REPLACE INTO job_run (source, id, user, "
		    "executable, queue, site, unit, quantity, submit, start, "
		    "end, runtime_s, requested_s, status, resources, features, "
		    "energy_kwh) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		    &stmt, err) < 0) {
		store_rollback(st);
		return -1;
	}
	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	for (size_t i = 0; i < n; i++) {
		if (put_run(st, stmt, &runs[i], err) < 0) {
			sqlite3_finalize(stmt);
			store_rollback(st);
			return -1;
		}
	}
	sqlite3_finalize(stmt);
	return store_commit(st, err);
}

static char *column_strdup(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? xstrdup((const char *)s) : NULL;
}

static void read_run(sqlite3_stmt *stmt, struct job_run *r)
{
	r->id = column_strdup(stmt, 0);
	r->user = column_strdup(stmt, 1);
	r->executable = column_strdup(stmt, 2);
	r->queue = column_strdup(stmt, 3);
	r->site = column_strdup(stmt, 4);
	r->unit = column_strdup(stmt, 5);
	r->quantity = column_real_or_nan(stmt, 6);
	r->submit = column_time(stmt, 7);
	r->start = column_time(stmt, 8);
	r->end = column_time(stmt, 9);
	r->runtime_s = column_real_or_nan(stmt, 10);
	r->requested_s = column_real_or_nan(stmt, 11);
	r->status = column_strdup(stmt, 12);
	r->resources = column_strdup(stmt, 13);
	r->features = column_strdup(stmt, 14);
	r->energy_kwh = column_real_or_nan(stmt, 15);
}

int store_get_runs(struct store *st, struct job_run **runs, size_t *n,
		   struct errmsg *err)
{
	sqlite3_stmt *stmt;
	size_t alloc = 0;
	int rc;

	*runs = NULL;
	*n = 0;
	if (prepare(st,
		    "SELECT id, user, executable, queue, site, unit, "
		    "quantity, submit, start, end, runtime_s, requested_s, "
		    "status, resources, features, energy_kwh FROM job_run "
		    "ORDER BY submit, source, id",
		    &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ALLOC_GROW(*runs, *n + 1, alloc);
		read_run(stmt, &(*runs)[(*n)++]);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot read the job runs");
	return 0;
}

void job_run_release(struct job_run *r)
{
	free(r->id);
	free(r->user);
	free(r->executable);
	free(r->queue);
	free(r->site);
	free(r->unit);
	free(r->status);
	free(r->resources);
	free(r->features);
}

int store_put_model(struct store *st, const char *name, const char *kind,
		    gs_time trained_at, const void *params, size_t len,
		    const char *metrics, struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (prepare(st,
		    "INSERT OR REPLACE INTO model (name, kind, trained_at, "
		    "params, metrics) VALUES (?, ?, ?, ?, ?)",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, trained_at);
	sqlite3_bind_blob64(stmt, 4, params, len, SQLITE_STATIC);
	bind_text_or_null(stmt, 5, metrics);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot store the model");
	return 0;
}

int store_get_model(struct store *st, const char *name, struct strbuf *params,
		    char **metrics, struct errmsg *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*metrics = NULL;
	if (prepare(st, "SELECT params, metrics FROM model WHERE name = ?",
		    &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		strbuf_add(params, sqlite3_column_blob(stmt, 0),
			   (size_t)sqlite3_column_bytes(stmt, 0));
		*metrics = column_strdup(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(st, err, "cannot read the model");
	return rc == SQLITE_ROW ? 0 : 1;
}
