/*
 * core.h - what every greenslot tool shares: memory and string helpers,
 * error reporting, UTC time and ISO 8601 durations, piecewise-constant
 * series, the SQLite store, the JSON inputs (site catalogs, job specs) and
 * the plan document.
 *
 * Conventions used throughout:
 *  - Functions that can fail return 0 on success and -1 on failure, and fill
 *    a caller's `struct errmsg` with one lower-case line naming the problem
 *    (with "FILE:LINE:COL: " in front when a file is at fault).  Only the
 *    command layer (main.c, cmd-*.c) prints it, once.
 *  - Lifecycle verbs: x_init() sets up a caller-owned struct, x_release()
 *    frees what it owns (the struct itself stays), x_free() frees both.
 *  - Times are `gs_time`: seconds since 1970-01-01T00:00:00Z, always UTC.
 *  - Allocation never fails: xmalloc() and friends abort on exhaustion.
 */
#ifndef GREENSLOT_CORE_H
#define GREENSLOT_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The one version: `greenslot --version`, the User-Agent, the man page. */
#define GS_VERSION "0.1"

#if defined(__GNUC__)
#define GS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define GS_NORETURN __attribute__((noreturn))
#else
#define GS_PRINTF(f, a)
#define GS_NORETURN
#endif

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Returns a*b, aborting on overflow. */
size_t st_mult(size_t a, size_t b);

/*
 * Grow `array` (of *alloc elements) so that it holds at least `nr`
 * elements; growth is geometric and overflow-checked.
 */
#define ALLOC_GROW(array, nr, alloc)                                         \
	do {                                                                 \
		if ((size_t)(nr) > (size_t)(alloc)) {                        \
			size_t gs_new_ = ((size_t)(alloc) + 16) * 3 / 2;     \
			if (gs_new_ < (size_t)(nr))                          \
				gs_new_ = (size_t)(nr);                      \
			(array) = xrealloc((array),                          \
				st_mult(gs_new_, sizeof(*(array))));         \
			(alloc) = gs_new_;                                   \
		}                                                            \
	} while (0)

/* ------------------------------------------------------------------ */
/* strbuf: a growable NUL-terminated byte buffer                       */
/* ------------------------------------------------------------------ */

/*
 * buf is always NUL-terminated and never NULL after strbuf_init().
 * len excludes the NUL.  The buffer owns buf; strbuf_detach() hands it over.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) GS_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	GS_PRINTF(2, 0);
/*
 * Length of the well-formed UTF-8 sequence at s (1-4), or 0 when it is
 * ill-formed: overlong forms, surrogates and code points above U+10FFFF
 * are refused, as RFC 3629 asks.
 */
size_t utf8_seq_len(const unsigned char *s);
/* Reads a whole file (at most max_bytes) into sb; 0 or -1 with errno set. */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t max_bytes);

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* One error message, filled by library code and printed by the caller. */
struct errmsg {
	char msg[1024];
};

/* Fills e (if not NULL) and returns -1, so code can `return err_set(...)`. */
int err_set(struct errmsg *e, const char *fmt, ...) GS_PRINTF(2, 3);
/* Same, with "FILE:LINE:COL: " in front (line/col 0 are left out). */
int err_at(struct errmsg *e, const char *file, int line, int col,
	   const char *fmt, ...) GS_PRINTF(5, 6);
int verr_at(struct errmsg *e, const char *file, int line, int col,
	    const char *fmt, va_list ap) GS_PRINTF(5, 0);

/* Print "greenslot: MSG" to stderr; error() returns -1. For the CLI layer. */
int error(const char *fmt, ...) GS_PRINTF(1, 2);
void warning(const char *fmt, ...) GS_PRINTF(1, 2);
GS_NORETURN void die(int status, const char *fmt, ...) GS_PRINTF(2, 3);

/* Exit codes of the contract. */
enum gs_exit {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,  /* a feed down, a solver failure, I/O */
	EXIT_USAGE = 2,    /* usage error or invalid input */
	EXIT_UNPLACED = 3, /* plan written, some jobs unplaced */
};

/* ------------------------------------------------------------------ */
/* Time                                                                */
/* ------------------------------------------------------------------ */

typedef int64_t gs_time;
#define GS_TIME_NONE INT64_MIN

/* Broken-down UTC time; month 1-12, day 1-31. */
struct gs_tm {
	int year, month, day, hour, min, sec;
	int wday; /* 0 = Sunday */
	int yday; /* 0-based */
};

/*
 * RFC 3339 with an offset ("2026-11-25T18:00:00Z", "...+01:00", fractional
 * seconds truncated).  Also accepts a space for 'T'.  Leading/trailing
 * garbage is an error, and so is an instant outside years 0000-9999 UTC
 * (an offset can move one there): time_format(t) parses back to t.
 */
int time_parse(const char *s, gs_time *out);
/* Formats as "2026-11-25T18:00:00Z"; buf must hold GS_TIME_BUFSZ bytes. */
#define GS_TIME_BUFSZ 32
char *time_format(gs_time t, char *buf);
void time_to_tm(gs_time t, struct gs_tm *tm);
gs_time time_from_civil(int year, int month, int day, int hour, int min,
			int sec);
/* strftime-like formatting of a UTC time (%Y %m %d %H %M %S %j %%). */
int time_strftime(gs_time t, const char *fmt, struct strbuf *out);
/* Current wall-clock time. */
gs_time time_now(void);
/* Seconds on the monotonic clock, for measuring durations. */
double time_mono(void);
/* Floor/ceil of t to a multiple of step seconds since the epoch. */
gs_time time_floor(gs_time t, int64_t step);
gs_time time_ceil(gs_time t, int64_t step);

/*
 * ISO 8601 durations: PnW, PnDTnHnMnS (fractions only on the last field).
 * Years and months are rejected: their length depends on the date.
 */
int duration_parse(const char *s, int64_t *seconds);
/* Formats as "PT30M", "P1DT2H", "PT0S". */
char *duration_format(int64_t seconds, char *buf, size_t bufsz);

/* ------------------------------------------------------------------ */
/* Series: piecewise-constant time series                              */
/* ------------------------------------------------------------------ */

/*
 * Points sorted by time, strictly increasing.  A point's value holds from
 * its time until the next point's time; the last point holds for
 * `last_hold` seconds (the series' typical step), after which the series has
 * no value.
 */
struct series {
	gs_time *t;
	double *v;
	size_t n, alloc;
	int64_t last_hold;
};

void series_init(struct series *s);
void series_release(struct series *s);
/* Appends; t must be greater than the last point's time (else -1). */
int series_push(struct series *s, gs_time t, double v);
/* Median spacing of the points (3600 if fewer than two points). */
int64_t series_step(const struct series *s);
/* Index of the point in force at t, or -1 if none. */
long series_index_at(const struct series *s, gs_time t);
/*
 * Time-weighted mean over [from, to).  Parts of the interval the series does
 * not cover are left out; returns -1 if it covers none of it.
 */
int series_mean(const struct series *s, gs_time from, gs_time to,
		double *mean);

/* ------------------------------------------------------------------ */
/* Store: the SQLite history                                           */
/* ------------------------------------------------------------------ */

/*
 * One open store.  Opened in WAL mode with a busy timeout; the schema is
 * created or migrated on open (PRAGMA user_version).  A store from a newer
 * greenslot is refused.  Every write function is one transaction unless
 * the caller wraps several in store_begin()/store_commit().
 */
struct store;

enum store_flags {
	STORE_READONLY = 1 << 0,
};

int store_open(const char *path, unsigned flags, struct store **out,
	       struct errmsg *err);
void store_free(struct store *st);

int store_begin(struct store *st, struct errmsg *err);
int store_commit(struct store *st, struct errmsg *err);
void store_rollback(struct store *st);

/* A recorded point or a forecast point as stored. */
struct store_point {
	const char *zone;
	const char *signal;
	const char *unit;   /* may be NULL */
	gs_time time;
	double value;
	gs_time issued;     /* GS_TIME_NONE for recorded values */
	double lo80, hi80, lo95, hi95; /* NAN when absent (forecasts only) */
	const char *basis;  /* what the values mean where sources differ
			       ("marginal", "lifecycle"...); NULL: not said */
	bool estimated;     /* the provider says it estimated the value
			       (Electricity Maps isEstimated): counted by
			       ingest, not stored */
};

/*
 * Upserts a batch of points from one source (a feed name, a model name) in
 * one transaction.  Recorded points replace the stored value of the same
 * zone, signal and time; forecast points replace the same zone, signal,
 * source, issued and time.  Rows whose value does not change are left as
 * they were.  *stats (may be NULL) gets how many rows were new and how
 * many changed value.  A point's basis is recorded on its series (zone,
 * signal) when the series has none yet; a different one is an error (the
 * whole batch is refused).
 */
struct store_put_stats {
	size_t added;   /* rows that were not stored before */
	size_t updated; /* stored rows whose value changed */
};
int store_put_points(struct store *st, const char *source,
		     const struct store_point *pts, size_t n, gs_time fetched,
		     struct store_put_stats *stats, struct errmsg *err);

/* Recorded values of zone/signal with from <= time < to (GS_TIME_NONE: open). */
int store_get_series(struct store *st, const char *zone, const char *signal,
		     gs_time from, gs_time to, struct series *out,
		     struct errmsg *err);

/*
 * The forecast of zone/signal by `source` (NULL: any source, greenslot's own
 * models first) that was issued last at or before `issued_by`, for
 * from <= time < to.  *issued_out (may be NULL) gets its issue time; an
 * empty series means there is none.
 */
int store_get_forecast(struct store *st, const char *zone, const char *signal,
		       const char *source, gs_time issued_by, gs_time from,
		       gs_time to, struct series *out, gs_time *issued_out,
		       struct errmsg *err);

/*
 * One forecast vintage with its bands, as store_get_vintage() finds it by
 * the same rule as store_get_forecast().  Bands hold the points that have
 * them (empty when the source gave none).  Release with
 * store_vintage_release().
 */
struct store_vintage {
	char *source;  /* NULL when none was found */
	gs_time issued;
	struct series value, lo80, hi80, lo95, hi95;
};
int store_get_vintage(struct store *st, const char *zone, const char *signal,
		      const char *source, gs_time issued_by, gs_time from,
		      gs_time to, struct store_vintage *out,
		      struct errmsg *err);
void store_vintage_release(struct store_vintage *v);

/* Iterates stored rows for `series` output; filters NULL/empty mean all. */
struct store_query {
	const char *const *zones;
	size_t nzones;
	const char *const *signals;
	size_t nsignals;
	gs_time from, to;  /* GS_TIME_NONE: open */
	bool forecasts;    /* include forecast rows too */
};
typedef int (*store_row_fn)(const struct store_point *p, const char *source,
			    void *ctx);
int store_each_point(struct store *st, const struct store_query *q,
		     store_row_fn fn, void *ctx, struct errmsg *err);

/* One stored series as store_each_series() reports it. */
struct store_series_info {
	const char *zone, *signal;
	const char *unit, *basis;  /* NULL: not recorded */
	size_t points;             /* recorded points in the query's window */
	gs_time first, last;       /* of those; GS_TIME_NONE: none */
	size_t vintages;           /* forecast vintages stored (any time) */
};
typedef int (*store_series_fn)(const struct store_series_info *s,
			       void *ctx);
/* Every series matching q's zones and signals, by zone and signal. */
int store_each_series(struct store *st, const struct store_query *q,
		      store_series_fn fn, void *ctx, struct errmsg *err);

/* Distinct zones that have recorded points of `signal`. Caller frees. */
int store_zones_with(struct store *st, const char *signal, char ***zones,
		     size_t *n, struct errmsg *err);
/* Distinct signals of zone whose names start with prefix. Caller frees. */
int store_signals_with_prefix(struct store *st, const char *zone,
			      const char *prefix, char ***signals, size_t *n,
			      struct errmsg *err);
/* Every stored forecast point of zone/signal, of every source, by issue
 * time, then time; fn returning non-zero stops and is returned. */
typedef int (*store_forecast_row_fn)(gs_time issued, gs_time t, double v,
				     void *ctx);
int store_each_forecast_point(struct store *st, const char *zone,
			      const char *signal, store_forecast_row_fn fn,
			      void *ctx, struct errmsg *err);
/* Distinct forecast sources stored for zone/signal. Caller frees. */
int store_forecast_sources(struct store *st, const char *zone,
			   const char *signal, char ***sources, size_t *n,
			   struct errmsg *err);
void strv_free(char **v, size_t n);

/* Ingest bookkeeping: one row per feed per run. */
struct store_ingest_run {
	const char *feed;
	gs_time finished;
	bool ok;
	size_t points;
	const char *message; /* NULL when none */
};
typedef int (*store_ingest_run_fn)(const struct store_ingest_run *r,
				   void *ctx);
/* Every logged run, by feed, then in the order they finished. */
int store_each_ingest_run(struct store *st, store_ingest_run_fn fn, void *ctx,
			  struct errmsg *err);
int store_log_ingest(struct store *st, const char *feed, gs_time started,
		     gs_time finished, bool ok, size_t points,
		     const char *message, struct errmsg *err);
/*
 * ETag and Last-Modified of the last response of a feed's request, keyed
 * by feed and a key free of secrets (the url template and the window).
 * Get: both NULL when nothing is stored (caller frees).  Put: replaces.
 */
int store_get_http_cache(struct store *st, const char *feed, const char *key,
			 char **etag, char **last_modified,
			 struct errmsg *err);
int store_put_http_cache(struct store *st, const char *feed, const char *key,
			 const char *etag, const char *last_modified,
			 gs_time fetched, struct errmsg *err);

/*
 * Runs of `greenslot run` in job_run: claimed (status 'started', one
 * transaction, INSERT OR IGNORE so that *claimed is false when the run
 * was already there) before the job starts, then finished with end,
 * status, exit_status (-1: none), energy_kwh (NAN: unknown) and
 * runtime_s (NAN: end - start; less when the job was paused).  Status
 * is NULL from store_run_status() when there is no such run.
 */
struct store_run {
	const char *source, *id, *site, *command, *status;
	gs_time planned, start, end;
	int exit_status;
	double energy_kwh;
	double runtime_s;
};
int store_run_claim(struct store *st, const struct store_run *r,
		    bool *claimed, struct errmsg *err);
int store_run_finish(struct store *st, const struct store_run *r,
		     struct errmsg *err);
int store_run_status(struct store *st, const char *source, const char *id,
		     char **status, struct errmsg *err);

/*
 * One past run of a job, for the runtime predictors (forecast/).  Unknown
 * fields are NULL, NAN or GS_TIME_NONE.  status is one of completed,
 * failed, timeout, cancelled, oom, node_fail, unknown; resources and
 * features are compact JSON objects.  The strings are owned by whoever
 * filled it: job_run_release() frees them.
 */
struct job_run {
	char *id, *user, *executable, *queue, *site, *unit, *status;
	char *resources, *features;
	double quantity, runtime_s, requested_s, energy_kwh;
	gs_time submit, start, end;
};
void job_run_release(struct job_run *r);
/* Upserts runs by (source, id) in one transaction. */
int store_put_runs(struct store *st, const char *source,
		   const struct job_run *runs, size_t n, struct errmsg *err);
/* Every stored run, by submit time; caller releases each and frees. */
int store_get_runs(struct store *st, struct job_run **runs, size_t *n,
		   struct errmsg *err);
/* A trained model: put replaces; get returns 1 when there is none. */
int store_put_model(struct store *st, const char *name, const char *kind,
		    gs_time trained_at, const void *params, size_t len,
		    const char *metrics, struct errmsg *err);
int store_get_model(struct store *st, const char *name, struct strbuf *params,
		    char **metrics, struct errmsg *err);

/* ------------------------------------------------------------------ */
/* JSON input: site catalogs and job specs                             */
/* ------------------------------------------------------------------ */

/*
 * Where a value sits in a JSON text, for error messages.  Found by
 * re-scanning the text along a path of keys and indices, only when an
 * error is reported (jansson keeps no positions).
 */
struct json_path {
	int depth;
	struct {
		const char *key; /* NULL for an array index */
		size_t index;
	} step[16];
};
/* Line and column (1-based) of the value at path, or of the nearest parent. */
void json_locate(const char *text, const struct json_path *path, int *line,
		 int *col);
/* Same, but of the last step's key itself (for an unknown key). */
void json_locate_key(const char *text, const struct json_path *path,
		     int *line, int *col);

/*
 * A JSON document read for strict checking, shared by the readers of
 * SITES.json, JOBS.json and PLAN.json (and usable for any other input).
 * json_doc_load() reads the file ("-": stdin, named "<stdin>"), parses it
 * rejecting duplicate keys, and reports syntax errors as
 * "FILE:LINE:COL: invalid JSON: ..."; call json_doc_release() after it
 * whether it failed or not.  The checkers below keep `path`
 * pointing at the value being checked, so that json_doc_fail() can put the
 * position of that value in front of the message and the name of the field
 * (the path below depth `base`, e.g. "capacity.gpu") into it, followed by
 * " in SUBJECT" when `subject` is not empty ("job 'train-7'").
 *
 * The getters take an object and a key (or key NULL: obj is the value
 * itself and already on the path) and return 0 when the value is there and
 * valid, 1 when it is absent (or null with JD_NULL) and not required, -1
 * with err filled otherwise.  Scalar getters leave the path as it was;
 * json_doc_object() and json_doc_array() leave a found key on the path
 * (pop it with json_doc_pop() when done with the contents).
 */
struct json_t;
struct json_doc {
	char *file;             /* as given, for messages */
	struct strbuf text;     /* the whole document */
	struct json_t *root;    /* owned */
	struct json_path path;  /* where the current check is */
	int extra;              /* pushes beyond the 16 steps of path */
	int base;               /* field names start at this depth */
	struct strbuf subject;  /* "job 'x'": appended to messages */
	struct strbuf field;    /* scratch for json_doc_field() */
	struct errmsg *err;
};

enum json_doc_flags {
	JD_REQUIRED = 1 << 0, /* absent is an error "missing 'FIELD'" */
	JD_NONEMPTY = 1 << 1, /* strings, objects and arrays */
	JD_NONNEG = 1 << 2,   /* numbers >= 0 */
	JD_POSITIVE = 1 << 3, /* numbers and durations > 0 */
	JD_GE1 = 1 << 4,      /* numbers >= 1 */
	JD_NULL = 1 << 5,     /* null counts as absent */
	JD_AT_KEY = 1 << 6,   /* json_doc_fail(): point at the key itself */
};

int json_doc_load(struct json_doc *d, const char *path, struct errmsg *err);
/* The same for a text in memory (a feed's response); name is for messages. */
int json_doc_load_buffer(struct json_doc *d, const char *name,
			 const char *text, size_t len, struct errmsg *err);
void json_doc_release(struct json_doc *d);
void json_doc_push_key(struct json_doc *d, const char *key);
void json_doc_push_index(struct json_doc *d, size_t index);
void json_doc_pop(struct json_doc *d);
/* The current field name relative to base ("capacity.gpu", "sites[1]"). */
const char *json_doc_field(struct json_doc *d);
/* "FILE:LINE:COL: MSG[ in SUBJECT][ (HINT)]" into d->err; returns -1. */
int json_doc_fail(struct json_doc *d, unsigned flags, const char *hint,
		  const char *fmt, ...) GS_PRINTF(4, 5);
/* Fails on the first key of obj that is not in `allowed` (NULL-ended). */
int json_doc_check_keys(struct json_doc *d, struct json_t *obj,
			const char *const *allowed);
int json_doc_string(struct json_doc *d, struct json_t *obj, const char *key,
		    unsigned flags, const char **out);
int json_doc_number(struct json_doc *d, struct json_t *obj, const char *key,
		    unsigned flags, double *out);
int json_doc_bool(struct json_doc *d, struct json_t *obj, const char *key,
		  unsigned flags, bool *out);
int json_doc_time(struct json_doc *d, struct json_t *obj, const char *key,
		  unsigned flags, gs_time *out);
int json_doc_duration(struct json_doc *d, struct json_t *obj,
		      const char *key, unsigned flags, int64_t *out);
int json_doc_object(struct json_doc *d, struct json_t *obj, const char *key,
		    unsigned flags, struct json_t **out);
int json_doc_array(struct json_doc *d, struct json_t *obj, const char *key,
		   unsigned flags, struct json_t **out);

/* Resource names are shared by sites and jobs: index into catalog.resources. */
struct site {
	char *id;
	char *zone;
	char *weather;         /* key of its weather series (default: id) */
	double *capacity;      /* [nresources], 0 when the site has none */
	double *power_w;       /* [nresources], W per busy unit */
	double *cost_per_hour; /* [nresources], currency per busy unit-hour */
	double pue_base;       /* PUE = base + per_c * max(0, T - above_c) */
	double pue_above_c;
	double pue_per_c;      /* 0 for a constant PUE */
	double speed;          /* relative to the reference hardware */
	char **latency_region; /* [nlatency] */
	double *latency_ms;
	size_t nlatency;
	char *slurm_cluster;   /* "slurm": {"cluster", "partition"}, or NULL */
	char *slurm_partition;
};

struct catalog {
	struct site *sites;
	size_t nsites;
	char **resources;
	size_t nresources;
	char *path;
};

/*
 * Reads and strictly validates SITES.json into cat (no init needed; on
 * failure cat is left empty).  resources are the capacity names of all
 * sites in first-seen order.
 */
int catalog_load(struct catalog *cat, const char *path, struct errmsg *err);
void catalog_release(struct catalog *cat);
/* Index of the site with that id, or -1. */
long catalog_find_site(const struct catalog *cat, const char *id);
/* Index of a resource name, or -1. */
long catalog_find_resource(const struct catalog *cat, const char *name);

/* One way to run a job: resources and runtime at speed 1.0. */
struct profile {
	double *resources;    /* [catalog.nresources] */
	int64_t duration_s;   /* -1 when absent: the runtime predictor gives it */
	double power_w;       /* NAN when absent: resources x site power_w */
};

/* A reference to a job by id, with where it was written. */
struct job_ref {
	char *id;
	int line, col;
};

struct job {
	char *id;
	char *unit;           /* NULL when absent */
	double quantity;      /* NAN when absent */
	gs_time earliest_start;
	gs_time latest_finish;
	struct profile *profiles;
	size_t nprofiles;     /* >= 1 */
	bool *allowed;        /* [catalog.nsites] */
	char *latency_users;  /* NULL: no latency requirement */
	double latency_max_ms;
	double min_throughput; /* units per hour, 0 when absent */
	bool interruptible;
	size_t max_pieces;    /* pieces it may run in: 1 unless interruptible */
	size_t *after;        /* indices into jobset.jobs (jobset_finish()) */
	struct job_ref *after_ref; /* [nafter]: the ids as written */
	size_t nafter;
	char *features_json;  /* compact JSON object, NULL when absent */
	char *command;        /* NULL when absent */
	char *file;           /* where it was defined, for later messages */
	int line, col;        /* of its "id" value */
};

/* max_pieces of an interruptible job that does not say (jsonin.c) */
#define JOB_MAX_PIECES_DEFAULT 4

struct jobset {
	struct job *jobs;
	size_t njobs;
};

void jobset_init(struct jobset *js);
/*
 * Reads JOBS.json (one job, an array, or {"jobs": [...]}; "-" is stdin)
 * against `cat` and appends to js; a file that fails adds nothing.  Call
 * once per file, then jobset_finish().
 */
int jobset_load(struct jobset *js, const struct catalog *cat,
		const char *path, struct errmsg *err);
/* Resolves `after` references across all files and rejects cycles. */
int jobset_finish(struct jobset *js, struct errmsg *err);
/* jobset_load() of each of n paths, then jobset_finish(). */
int jobset_load_files(struct jobset *js, const struct catalog *cat,
		      char *const *paths, size_t n, struct errmsg *err);
void jobset_release(struct jobset *js);

/* ------------------------------------------------------------------ */
/* Plan: the solver's output document (PLAN.json)                      */
/* ------------------------------------------------------------------ */

struct plan_segment {
	gs_time start, end;
};

struct plan_job {
	char *id;
	char *site;
	gs_time start, end;
	struct plan_segment *segments;
	size_t nsegments;
	double runtime_s;
	double energy_kwh;
	double emissions_kg;
	double cost;
	double baseline_emissions_kg; /* this job at its baseline placement */
	int profile;                  /* index of the chosen profile */
	bool runtime_predicted;
	char *command;                /* the job's command, NULL if none */
};

struct plan_unplaced {
	char *id;
	char *reason;
};

/*
 * Another policy solved by the same `solve` on the same instance
 * (plan.policies): its totals, so that one plan carries its comparison.
 */
struct plan_policy {
	char *policy;
	bool oracle;           /* planned on the recorded values */
	char *status;
	double emissions_kg, energy_kwh, cost, baseline_emissions_kg;
	size_t placed, unplaced;
};

struct plan {
	char *policy;
	char *objective;
	char *status;          /* optimal, feasible, infeasible */
	int64_t slot_s;
	gs_time start, end;
	bool oracle;
	double objective_value, bound, gap, solve_seconds;
	double energy_kwh, emissions_kg, cost, baseline_emissions_kg;
	char *signal_source;   /* what the plan assumed, e.g. "forecast:snaive@T" */
	double runtime_quantile; /* predicted runtimes planned on it; NAN:
				  * none predicted, or not recorded */
	struct plan_policy *policies;
	size_t npolicies, alloc_policies;
	struct plan_job *jobs;
	size_t njobs, alloc_jobs;
	struct plan_unplaced *unplaced;
	size_t nunplaced, alloc_unplaced;
};

void plan_init(struct plan *p);
void plan_release(struct plan *p);
/* Writes atomically (temp file, fsync, rename); path "-" is stdout. */
int plan_write(const struct plan *p, const char *path, struct errmsg *err);
int plan_read(struct plan *p, const char *path, struct errmsg *err);

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

/*
 * Writes data to path atomically: a temp file beside it (PATH.tmp.PID.*),
 * fsync, rename.  The old file stays whole until the new one is complete.
 * A success also removes the temp files of path whose writer is gone.
 */
int file_write_atomic(const char *path, const void *data, size_t len,
		      struct errmsg *err);

/* ------------------------------------------------------------------ */
/* Metrics: Prometheus textfile-collector files                        */
/* ------------------------------------------------------------------ */

/*
 * Gauges collected in any order and written grouped by name, each with
 * its # HELP and # TYPE, atomically (file_write_atomic()).  label may be
 * NULL (no labels); its value is escaped.  metrics_finish() adds
 * PREFIX_success, PREFIX_last_run_timestamp_seconds and
 * PREFIX_last_success_timestamp_seconds (now when ok, else the one in
 * the file at path, so a failure does not erase it).
 */
struct metric_sample;
struct metrics {
	struct metric_sample *s;
	size_t n, alloc;
};
void metrics_init(struct metrics *m);
void metrics_release(struct metrics *m);
void metrics_add(struct metrics *m, const char *name, const char *help,
		 const char *label, const char *value, double v);
void metrics_finish(struct metrics *m, const char *prefix, bool ok,
		    gs_time now, const char *path);
int metrics_write(const struct metrics *m, const char *path,
		  struct errmsg *err);
/* What solve and ingest write (ingest: per feed, from ingest_run). */
int metrics_solve(const struct plan *p, const char *path, bool ok,
		  struct errmsg *err);
int metrics_ingest(struct store *st, const char *path, bool ok,
		   struct errmsg *err);

/* Progress to stderr, only when it is a terminal. */
struct progress {
	const char *what;
	size_t total;
	bool tty;
	gs_time last;
};
void progress_init(struct progress *pr, const char *what, size_t total);
void progress_update(struct progress *pr, size_t done);
void progress_done(struct progress *pr);

/* ------------------------------------------------------------------ */
/* Command layer: what main.c hands to each cmd_*()                    */
/* ------------------------------------------------------------------ */

/*
 * Shared set-up is a flag in the command table, not a copied prologue:
 * main.c takes --db and --sites out of argv, opens the store and loads the
 * catalog as the flags ask, and passes them here.  The command owns none
 * of it.
 */
enum cmd_flags {
	CMD_STORE = 1 << 0,    /* open the store read-write (--db) */
	CMD_STORE_RO = 1 << 1, /* open the store read-only (--db) */
	CMD_SITES = 1 << 2,    /* --sites SITES.json is required */
	CMD_SITES_OPT = 1 << 3,/* --sites SITES.json is optional */
	CMD_METRICS = 1 << 4,  /* --metrics FILE (Prometheus textfile) */
};

struct cmd_ctx {
	const char *db_path;
	unsigned store_flags;    /* enum store_flags for cmd_store() */
	struct store *store;     /* opened by cmd_store(), freed by main */
	struct catalog *catalog; /* NULL unless --sites was given */
	bool stderr_tty;         /* progress only when true */
	const char *metrics_path; /* --metrics FILE, NULL when not given */
};

/*
 * The command's store, opened on first use (read-only when the table says
 * CMD_STORE_RO), so that a usage error never creates or touches a store.
 * Returns NULL after reporting why; the command then exits EXIT_RUNTIME.
 */
struct store *cmd_store(struct cmd_ctx *ctx);

/* One option line of --help and of the man page. */
struct cmd_opt {
	const char *flag; /* "--from T" */
	const char *help; /* "first time to fetch (RFC 3339)" */
};

/*
 * A command's documentation: the single source of --help and the man page.
 * options ends with {NULL, NULL}.
 */
struct cmd_doc {
	const char *synopsis; /* after "greenslot ", may hold several lines */
	const char *summary;  /* one line */
	const char *description;
	const struct cmd_opt *options;
};

/*
 * argv[0] is "greenslot" (so getopt's messages read "greenslot: ...");
 * argv holds no --db/--sites.  Returns an exit code.
 */
typedef int (*cmd_fn)(int argc, char **argv, struct cmd_ctx *ctx);

/* Parses "--opt VALUE" helpers for commands, reporting misuse to stderr. */
int opt_time(const char *opt, const char *arg, gs_time *out);
int opt_duration(const char *opt, const char *arg, int64_t *out);
int opt_double(const char *opt, const char *arg, double *out);

/*
 * Banned functions (after git's banned.h): unbounded copies, silent
 * parse failures and non-reentrant time conversions.  The system headers
 * that declare them are included above, so the macros cannot mangle them.
 */
#define GS_BANNED(func) sorry_##func##_is_banned_in_greenslot
#undef strcpy
#define strcpy(...) GS_BANNED(strcpy)
#undef strcat
#define strcat(...) GS_BANNED(strcat)
#undef sprintf
#define sprintf(...) GS_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) GS_BANNED(vsprintf)
#undef strtok
#define strtok(...) GS_BANNED(strtok)
#undef atoi
#define atoi(...) GS_BANNED(atoi)
#undef atof
#define atof(...) GS_BANNED(atof)
#undef gmtime
#define gmtime(...) GS_BANNED(gmtime)
#undef localtime
#define localtime(...) GS_BANNED(localtime)

#endif
