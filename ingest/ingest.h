/*
 * ingest.h - pulling feeds into the store.
 *
 * A run of `greenslot ingest` goes through these steps, each its own
 * object so that it can be tested without the others:
 *
 *   feeds_load()          FEEDS.json -> struct feed_config (strict: unknown
 *                         keys, bad names, unknown kinds are errors)
 *   feed_request_prepare() one feed + the window -> URLs and headers with
 *                         every {from}/{to}/{env:NAME} expanded; the
 *                         expanded strings are secret (never printed), and
 *                         messages name the feed and its url template
 *   fetch_url()           libcurl (or a plain read for plain paths)
 *   kind->parse()         the body -> a struct point_batch
 *   ingest_feed()         all of the above for one feed, then ONE
 *                         store_put_points() (all or nothing) and
 *                         store_log_ingest()
 *
 * Adding a feed kind is one new file with its parse function (declared
 * below) and one entry in the table in ingest/kinds.c.  A parse function
 * gets the body and the window and appends points; it never fetches.
 *
 * Ownership: a point_batch owns its points and the strings they point to
 * (interned, so zone/signal/unit pointers compare equal when equal).  A
 * feed_config owns its feeds; a feed_request borrows its feed.
 */
#ifndef GREENSLOT_INGEST_H
#define GREENSLOT_INGEST_H

#include "core/core.h"

extern const struct cmd_doc cmd_ingest_doc;
int cmd_ingest(int argc, char **argv, struct cmd_ctx *ctx);
extern const struct cmd_doc cmd_series_doc;
int cmd_series(int argc, char **argv, struct cmd_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Points as parsed from one feed                                     */
/* ------------------------------------------------------------------ */

struct point_batch {
	struct store_point *pts;
	size_t n, alloc;
	size_t rejected;    /* impossible values the parser skipped */
	double price_floor; /* prices below it are rejected; NAN: no floor */
	const char *basis;  /* interned; point_batch_put() gives it to each
			       point (store_point.basis); reset to NULL
			       before each response is parsed */
	char **strs;        /* interned strings the points point to */
	size_t nstrs, alloc_strs;
	struct strbuf warnings; /* parser warnings, one "\n"-terminated line
				   each ("DISPLAY:LINE: ..."): printed by the
				   command, naming the feed */
};

void point_batch_init(struct point_batch *pb);
void point_batch_release(struct point_batch *pb);
/* A string equal to s[0..len) owned by the batch (the same pointer each time). */
const char *point_batch_intern(struct point_batch *pb, const char *s,
			       size_t len);
/* Appends a point: a recorded value (issued GS_TIME_NONE), bands NAN. */
struct store_point *point_batch_add(struct point_batch *pb);
/*
 * Sorts by zone, signal, issued, time and keeps, of points with the same
 * key, the one added last.  Returns how many were dropped.
 */
size_t point_batch_dedup(struct point_batch *pb);
/*
 * Appends a point (issued GS_TIME_NONE for a recorded value), or counts it
 * in pb->rejected when signal_plausible() says no grid or sky produces it.
 * zone, signal and unit must be interned in pb.
 */
void point_batch_put(struct point_batch *pb, const char *zone,
		     const char *signal, const char *unit, gs_time t,
		     gs_time issued, double v);
/* Drops points with time outside [from, to) (GS_TIME_NONE: open end). */
size_t point_batch_clip(struct point_batch *pb, gs_time from, gs_time to);

/* ------------------------------------------------------------------ */
/* Signals and units                                                  */
/* ------------------------------------------------------------------ */

/*
 * carbon_intensity, price, temperature, dewpoint, wind_speed,
 * solar_radiation, precipitation, load, generation_<fuel>,
 * busy_<resource> (fuel and resource: [a-z0-9_]+).
 */
bool signal_valid(const char *signal);
/*
 * Appends the signals known by name alone, space-separated
 * ("carbon_intensity price ..."; generation_FUEL and busy_RESOURCE are
 * open-ended), for the shell's completion.
 */
void signal_names(struct strbuf *sb);
/*
 * False for values no grid or sky produces: not finite, carbon intensity
 * outside 0..2000 gCO2eq/kWh, temperature or dewpoint outside -90..60
 * degC, negative wind, radiation or precipitation.
 */
bool signal_plausible(const char *signal, double v);
/* The unit a signal is stored in, or NULL (price: per feed; busy: count). */
const char *signal_unit(const char *signal);

/* stored value = (value + offset) * mul / div, stored with `unit`. */
struct unit_conv {
	double offset, mul, div;
	struct strbuf unit;  /* empty: no unit (a price of unknown currency) */
};
void unit_conv_init(struct unit_conv *uc);
void unit_conv_release(struct unit_conv *uc);
double unit_conv_apply(const struct unit_conv *uc, double v);
/*
 * How a value of `signal` given in `unit` is converted to the signal's
 * stored unit ("lb/MWh" -> x0.45359237 "gCO2eq/kWh", "EUR/kWh" -> x1000
 * "EUR/MWh").  An empty unit means the stored unit.  -1 (and a message
 * without position) for a unit that does not fit the signal.
 */
int unit_conversion(const char *signal, const char *unit,
		    struct unit_conv *uc, struct errmsg *err);

/* ------------------------------------------------------------------ */
/* CSV (RFC 4180)                                                     */
/* ------------------------------------------------------------------ */

struct csv_field {
	const char *s;     /* unquoted, NUL-terminated, valid until next read */
	size_t len;
	int line, col;     /* where it starts (col counts characters) */
};

/*
 * Reads records from a buffer: quoted fields with "" escapes and line
 * breaks, LF or CRLF line ends, a leading UTF-8 BOM skipped, blank lines
 * skipped.  `display` names the input in messages.
 */
struct csv_reader {
	const char *p, *end;
	const char *display;
	int line;           /* line of p, 1-based */
	const char *bol;    /* start of that line */
	const char *colp;   /* a point on that line whose column is coln */
	int coln;
	struct strbuf data; /* the current record's fields, NUL-separated */
	struct csv_field *fields;
	size_t nfields, alloc;
	bool eol;           /* the current record ended with a line end */
};

void csv_reader_init(struct csv_reader *r, const char *display,
		     const char *buf, size_t len);
void csv_reader_release(struct csv_reader *r);
/* 1: a record in r->fields; 0: end of input; -1: malformed. */
int csv_read_record(struct csv_reader *r, struct errmsg *err);

/* ------------------------------------------------------------------ */
/* FEEDS.json                                                         */
/* ------------------------------------------------------------------ */

struct feed;
struct feed_response;

/*
 * Parses a response body into points.  Errors carry the position in the
 * body ("DISPLAY:LINE:COL: ...") and mean the content is invalid.
 */
typedef int (*feed_parse_fn)(const struct feed_response *r,
			     struct point_batch *out, struct errmsg *err);

enum feed_kind_flags {
	FEED_NEEDS_ZONE = 1 << 0, /* FEEDS.json must give "zone" */
};

struct feed_kind {
	const char *name;
	feed_parse_fn parse;
	int64_t max_window;   /* longest window one request may ask, 0: any */
	unsigned flags;
	double price_floor;   /* lowest price the market clears at; NAN: none */
};

/* The kinds table (ingest/kinds.c); NULL if there is no such kind. */
const struct feed_kind *feed_kind_find(const char *name);
/* Appends "csv, uk-carbon-intensity, ..." for messages. */
void feed_kind_names(struct strbuf *sb);

struct feed_header {
	char *name;
	char *value;  /* a template like the url */
};

/*
 * "login": where a feed first trades a user name and password (HTTP Basic)
 * for a bearer token, as WattTime's /login does.  Templates, like the url.
 */
struct feed_login {
	char *url;
	char *username;
	char *password;
};

struct feed {
	char *name;
	const struct feed_kind *kind;
	char *url;          /* template: never print its expansion */
	char *zone;         /* NULL when absent */
	struct feed_header *headers;
	size_t nheaders;
	struct feed_login *login; /* NULL: none */
	int64_t timeout_s;  /* per request, all retries excluded */
	int retries;        /* extra attempts on 5xx, 429 and timeouts */
	double price_floor; /* "price_floor", else the kind's; NAN: none */
	bool direct_factors; /* "factors": "direct" (entsoe mix) */
	char *ca_file;      /* "ca_file" resolved, or NULL: system CAs */
	int line, col;      /* where the feed is in FEEDS.json */
	int kind_line, kind_col;
};

struct feed_config {
	struct feed *feeds;
	size_t nfeeds;
	char *path;   /* FEEDS.json as given */
	char *dir;    /* its directory with a final '/', or "" */
};

/*
 * {"feeds": [{"name", "kind", "url", "zone"?, "headers"?: {NAME: VALUE},
 * "timeout"?: "PT30S", "retries"?: 0..10, "ca_file"?: PATH}]}.  Names
 * are unique and match [A-Za-z0-9_.-]+; url templates are checked for
 * syntax (environment variables only when expanded); a ca_file must be a
 * readable file.
 */
int feeds_load(struct feed_config *fc, const char *path, struct errmsg *err);
void feeds_release(struct feed_config *fc);
/* path as FEEDS.json means it: relative to its directory (malloc'd). */
char *feeds_resolve(const struct feed_config *fc, const char *path);

/* The feed with that name, or NULL. */
const struct feed *feeds_find(const struct feed_config *fc, const char *name);

/* ------------------------------------------------------------------ */
/* Templates and secrets                                              */
/* ------------------------------------------------------------------ */

/* Strings that must never appear in a message (expanded {env:NAME}). */
struct secrets {
	char **v;
	size_t n, alloc;
};
void secrets_init(struct secrets *s);
void secrets_release(struct secrets *s);
void secrets_add(struct secrets *s, const char *value);
/* Replaces every secret in msg with "***". */
void secrets_scrub(const struct secrets *s, struct errmsg *msg);

/*
 * Expands {from}, {to} (RFC 3339), {from:FMT}, {to:FMT} (time_strftime)
 * and {env:NAME}; "{{" is a literal "{".  Values of {env:NAME} are added
 * to `secrets` (may be NULL).  Messages never hold the expansion.
 */
int template_expand(const char *tmpl, gs_time from, gs_time to,
		    struct strbuf *out, struct secrets *secrets,
		    struct errmsg *err);
/* Syntax only: every placeholder known and closed, formats valid. */
int template_check(const char *tmpl, struct errmsg *err);

/* ------------------------------------------------------------------ */
/* Fetching                                                           */
/* ------------------------------------------------------------------ */

struct fetch_opts {
	long connect_timeout_ms;
	long timeout_ms;      /* whole transfer, per attempt */
	size_t max_bytes;     /* body size cap, after content decoding */
	int retries;          /* extra attempts on 5xx, 429, timeouts */
	long backoff_ms;      /* base wait before the first retry; doubles,
				 with jitter (half of it random) */
	long retry_after_max_ms; /* longest Retry-After honoured (5 min);
				    a longer one is an error, not a wait */
	long budget_ms;       /* all attempts and waits of one fetch; 0: no
				 limit (ingest_feed: timeout x attempts) */
	uint64_t jitter_seed; /* seeded per process by fetch_opts_init() */
	bool refetch;         /* ingest_feed: ignore the stored ETag and
				 Last-Modified (`ingest --refetch`) */
	const char *ca_file;  /* CAs to trust for https (CURLOPT_CAINFO)
				 instead of the system's; NULL: those */
};
#define FETCH_MAX_BYTES ((size_t)512 << 20)
void fetch_opts_init(struct fetch_opts *o);
/*
 * The wait before retry number `retry` (1, 2, ...) in ms, "equal jitter":
 * with base = backoff_ms x 2^(retry - 1), between base / 2 and base, the
 * random part from *rng (a splitmix64 state).
 */
long fetch_backoff_wait(const struct fetch_opts *o, int retry,
			uint64_t *rng);

/* ETag and Last-Modified of a response, as sent (NULL when absent). */
struct fetch_validators {
	char *etag;
	char *last_modified;
};
void fetch_validators_release(struct fetch_validators *v);

/*
 * Whether a request to `from` may follow a redirect to `to`: only to http
 * or https, never from https to http, and, when the request carries the
 * feed's headers (which may hold a token), never to another host or port.
 * -1 with a message (naming the target's host, never the url) when not.
 */
int fetch_redirect_check(const char *from, const char *to,
			 bool has_headers, struct errmsg *err);

/*
 * GETs url (http, https or file) into body with libcurl: up to 5
 * redirects, each as fetch_redirect_check() allows; status >= 400 is an
 * error.  Messages never contain the url (it
 * may hold a token): the caller says which feed and template.  Call
 * curl_global_init() before the first fetch.
 */
int fetch_url(const char *url, const char *const *headers, size_t nheaders,
	      const struct fetch_opts *o, struct strbuf *body,
	      struct errmsg *err);
/*
 * fetch_url() as a conditional request: `send` (may be NULL) gives
 * If-None-Match and If-Modified-Since; a 304 reply sets *not_modified
 * and leaves body empty.  `got` (may be NULL) receives the response's
 * validators (release them).  Retries wait at least a 429's or 503's
 * Retry-After (seconds or an HTTP date) up to o->retry_after_max_ms and
 * what is left of o->budget_ms; a longer one fails at once, saying so.
 */
int fetch_url_cond(const char *url, const char *const *headers,
		   size_t nheaders, const struct fetch_opts *o,
		   const struct fetch_validators *send,
		   struct fetch_validators *got, bool *not_modified,
		   struct strbuf *body, struct errmsg *err);

/*
 * One GET of fetch_many(): what fetch_url_cond() takes and gives, so that
 * the feeds of a run take about as long as the slowest, not their sum.
 */
struct fetch_job {
	const char *url;
	const char *const *headers;
	size_t nheaders;
	const struct fetch_opts *o;
	const struct fetch_validators *send;  /* may be NULL */
	int ret;                    /* 0, or -1 with err */
	struct errmsg err;
	struct strbuf body;
	struct fetch_validators got;
	char *content_type;         /* the reply's Content-Type, or NULL */
	bool not_modified;
	gs_time fetched;            /* when its last attempt ended */
	struct fetch_job_state *state;  /* fetch.c's, during fetch_many() */
};
void fetch_job_init(struct fetch_job *j, const char *url,
		    const char *const *headers, size_t nheaders,
		    const struct fetch_opts *o,
		    const struct fetch_validators *send);
void fetch_job_release(struct fetch_job *j);

/*
 * Transfers at once: enough for every feed of a large FEEDS.json, so that
 * 50 feeds take about as long as the slowest; of those, to one host and
 * port (a provider's API serving many zones): enough to go fast, few
 * enough not to look like an attack or trip a rate limit.
 */
#define FETCH_PARALLEL 64
#define FETCH_PER_HOST 16
/*
 * Runs every job to its end with one curl multi handle: each with its own
 * retries, backoff and budget exactly as fetch_url_cond(); a job waiting
 * for its retry does not hold up the others.
 */
void fetch_many(struct fetch_job **jobs, size_t n);

/*
 * Logs in for feed f: GETs its login url with HTTP Basic authorization and
 * reads the token of the JSON reply {"token": "..."}.  *header gets
 * "Authorization: Bearer TOKEN" (free it); the expanded user name,
 * password and token are added to `secrets`.  Messages name the login url
 * template only.
 */
int feed_login(const struct feed *f, const struct fetch_opts *o,
	       struct secrets *secrets, char **header, struct errmsg *err);

/* ------------------------------------------------------------------ */
/* Ingesting one feed                                                 */
/* ------------------------------------------------------------------ */

/* What one request returned, as a parse function sees it. */
struct feed_response {
	const struct feed *feed;
	const char *display;  /* names the body in messages (not the url) */
	const char *body;     /* NUL-terminated */
	size_t len;
	gs_time from, to;     /* the window this request asked for */
	gs_time fetched;
};

struct feed_chunk {
	gs_time from, to;
	char *url;            /* expanded: secret */
	char *path;           /* a plain path to read instead, or NULL */
	char **headers;       /* "Name: value", expanded: secret */
	size_t nheaders;
};

/* One feed ready to fetch: every template expanded for its window. */
struct feed_request {
	const struct feed *feed;
	char *display;
	struct feed_chunk *chunks;  /* the window split by kind->max_window */
	size_t nchunks;
	struct secrets secrets;
};

struct ingest_window {
	gs_time from, to;
	bool clip_from, clip_to;  /* drop rows outside (given explicitly) */
};

/* from = now - PT24H floored to the hour, to = now + PT48H, no clipping. */
void ingest_window_default(struct ingest_window *w, gs_time now);

/*
 * Expands one feed's templates.  Fails (a configuration error) when an
 * environment variable is missing.
 */
int feed_request_prepare(struct feed_request *rq,
			 const struct feed_config *fc, const struct feed *f,
			 const struct ingest_window *w, struct errmsg *err);
void feed_request_release(struct feed_request *rq);

enum ingest_status {
	INGEST_OK = 0,
	INGEST_FETCH_FAILED,   /* the feed could not be fetched */
	INGEST_INVALID,        /* its content is invalid: nothing stored */
	INGEST_STORE_FAILED,   /* the store refused */
};

struct ingest_result {
	enum ingest_status status;
	size_t points;      /* stored (after dedup and clipping) */
	size_t added;       /* of those, not stored before */
	size_t updated;     /* of those, stored before with another value */
	size_t duplicates;  /* rows overridden by a later row */
	size_t clipped;     /* rows outside an explicit window */
	size_t rejected;    /* impossible values the parser skipped */
	size_t estimated;   /* of points, those the provider estimated */
	bool not_modified;  /* every chunk answered 304: nothing parsed */
	double seconds;     /* from the start of the run to stored */
	/* valid during ingest_feeds()' done() only (ingest_feed(): NULL) */
	const char *warnings;     /* the parser's lines, "\n"-terminated */
	const char *const *zones; /* the zones that got new or changed
				     points (a zone-less feed's too) */
	size_t nzones;
};

/*
 * "N points: A new, U updated, R rejected" and ", E estimated" when some
 * were: a feed's line on stderr and in the ingest log.
 */
void ingest_result_counts(struct strbuf *sb, const struct ingest_result *res);

/*
 * Fetches, parses and stores one feed in one transaction, then logs the
 * run.  `fetch` gives the defaults that the feed's own timeout and
 * retries override.  Returns 0, or -1 with res->status saying which step.
 */
int ingest_feed(struct store *st, const struct feed_request *rq,
		const struct ingest_window *w, const struct fetch_opts *fetch,
		struct ingest_result *res, struct errmsg *err);

/* Called by ingest_feeds() for each feed, with what ingest_feed() gives. */
typedef void (*ingest_done_fn)(const struct feed_request *rq, int ret,
			       const struct ingest_result *res,
			       const struct errmsg *err, void *ud);
/*
 * ingest_feed() for n feeds, with their http requests all fetched at
 * once by fetch_many(); then each feed is parsed and stored, in one
 * transaction and in the order given, and passed to done().
 */
void ingest_feeds(struct store *st, const struct feed_request *const *rqs,
		  size_t n, const struct ingest_window *w,
		  const struct fetch_opts *fetch, ingest_done_fn done,
		  void *ud);

/* ------------------------------------------------------------------ */
/* Feed kinds                                                         */
/* ------------------------------------------------------------------ */

/* kind "csv": the generic series CSV, long or wide form. */
int csv_feed_parse(const struct feed_response *r, struct point_batch *out,
		   struct errmsg *err);


/* ---- JSON feed kinds: open-meteo, electricitymaps, watttime ---- */

/*
 * Shared by the JSON kinds (ingest/json-feed.c).  json_feed_open() reads
 * r->body into d (release with json_doc_release() whether it failed or
 * not); syntax errors are "DISPLAY:LINE:COL: invalid JSON: ...", and the
 * json_doc_* getters then name positions and fields the same way.
 */
int json_feed_open(struct json_doc *d, const struct feed_response *r,
		   struct errmsg *err);
/* The feed's zone, else fallback (may be NULL), interned; NULL if neither. */
const char *json_feed_zone(const struct feed_response *r,
			   struct point_batch *out, const char *fallback);

/*
 * kind "open-meteo": forecast, archive and historical-forecast API JSON,
 * the "hourly" and "minutely_15" blocks (ingest/feed-openmeteo.c).
 */
int open_meteo_parse(const struct feed_response *r, struct point_batch *out,
		     struct errmsg *err);
/* True when the url template names an archive (recorded values). */
bool open_meteo_is_archive(const char *url);
/* kind "electricitymaps": v3 carbon-intensity (ingest/feed-emaps.c). */
int electricitymaps_parse(const struct feed_response *r,
			  struct point_batch *out, struct errmsg *err);
/* kind "watttime": v3 historical and forecast (ingest/feed-watttime.c). */
int watttime_parse(const struct feed_response *r, struct point_batch *out,
		   struct errmsg *err);

/*
 * kind "uk-carbon-intensity": the National Grid ESO Carbon Intensity API
 * JSON, national and regional (ingest/feed-uk.c).  `actual` is recorded,
 * `forecast` a provider forecast issued at r->fetched; regional values go
 * to zones "GB-<regionid>".  The _counted form also says how many
 * impossible intensities (below 0, above 2000 gCO2eq/kWh) it skipped.
 */
int uk_feed_parse(const struct feed_response *r, struct point_batch *out,
		  struct errmsg *err);
int uk_feed_parse_counted(const struct feed_response *r,
			  struct point_batch *out, size_t *rejected,
			  struct errmsg *err);

/*
 * kind "entsoe": ENTSO-E Transparency Platform XML (ingest/feed-entsoe.c,
 * ingest/feed-entsoe-mix.c), read with libxml2's streaming reader,
 * elements matched by local name in the root's namespace:
 *   A75 GL_MarketDocument    generation_<fuel> (MW) per psrType, and
 *                            carbon_intensity from the mix (lifecycle
 *                            factors) where every production type has
 *                            a value; consumption series skipped
 *   A65 GL_MarketDocument    load (MW): processType A16 recorded, A01 a
 *                            provider forecast issued at createdDateTime
 *   A44 Publication_...      price (CURRENCY/MWh), recorded
 *   Acknowledgement_...      "no matching data found": no points;
 *                            any other reason is an error
 * All points go to the feed's zone.  entsoe_parse() also counts what it
 * skipped; entsoe_feed_parse() is the kind's parse function and passes
 * the warnings on in out->warnings.
 */
struct entsoe_stats {
	bool no_data;          /* an acknowledgement: no matching data */
	size_t consumption;    /* A75 series with only outBiddingZone */
	size_t rejected;       /* negative generation or load values */
	size_t other_sequence; /* A44 series of classificationSequence != 1 */
	size_t partial_mix;    /* times without carbon_intensity: a missing
				  production type or an unknown fuel */
	size_t unknown_psr;    /* series of a psrType not in the table */
	struct strbuf warnings; /* one line each, "\n"-terminated: unknown
				   psrTypes and times without
				   carbon_intensity, with why */
};
void entsoe_stats_init(struct entsoe_stats *st);
void entsoe_stats_release(struct entsoe_stats *st);
int entsoe_parse(const struct feed_response *r, struct point_batch *out,
		 struct entsoe_stats *st, struct errmsg *err);
int entsoe_feed_parse(const struct feed_response *r, struct point_batch *out,
		      struct errmsg *err);

/* A psrType code and the fuel it is stored as (generation_<fuel>). */
struct entsoe_psr {
	const char *code;   /* "B01" */
	const char *fuel;   /* "biomass" */
	const char *factor; /* its emission_factor fuel; NULL: not in the mix */
};
/* The entry of a psrType code, or NULL for a code not in the table. */
const struct entsoe_psr *entsoe_psr_find(const char *code);
const struct entsoe_psr *entsoe_psr_table(size_t *n);

/* gCO2eq/kWh per fuel, a copy of data/emission-factors.csv. */
struct emission_factor {
	const char *fuel;
	double lifecycle, direct;
};
const struct emission_factor *emission_factor_find(const char *fuel);
const struct emission_factor *emission_factor_table(size_t *n);

/*
 * The generation mix of one A75 document: values per fuel, each holding
 * over [t, t + len).  entsoe_mix_intensity() appends carbon_intensity at
 * every time some production type starts a value, when all production
 * types of the mix have one there (unknown fuels only when 0 MW).
 */
struct entsoe_mix_value {
	gs_time t;
	int64_t len;
	double mw;
	size_t seq;   /* order added: the last of equal times wins */
};
struct entsoe_mix_fuel {
	const struct entsoe_psr *psr; /* NULL: an unknown code */
	char *code;                   /* the psrType code */
	double factor;                /* lifecycle gCO2eq/kWh; NAN: none */
	struct entsoe_mix_value *v;
	size_t n, alloc;
};
struct entsoe_mix {
	struct entsoe_mix_fuel *f;
	size_t n, alloc;
	size_t seq;
	bool direct;  /* direct (combustion) factors instead of lifecycle */
	size_t unknown_skips; /* times entsoe_mix_intensity() skipped for a
				 fuel without a factor producing there */
};
void entsoe_mix_init(struct entsoe_mix *m);
void entsoe_mix_release(struct entsoe_mix *m);
/* psr NULL: a code without a factor (kept out unless it is 0 MW). */
void entsoe_mix_add(struct entsoe_mix *m, const struct entsoe_psr *psr,
		    const char *code, gs_time t, int64_t len, double mw);
/* Returns how many times it skipped (partial mix). */
size_t entsoe_mix_intensity(struct entsoe_mix *m, struct point_batch *out,
			    const char *zone);

/* ---- Zone catalog (ingest/zones.c, a copy of data/zones.csv) ---- */

/*
 * A greenslot zone and the same area's identifier at each provider;
 * NULL where there is none (or none we could source).  lat/lon is a
 * representative point (capital, or the main city of a bidding zone,
 * region or balancing authority), not a centroid.
 */
struct zone_info {
	const char *zone;        /* greenslot name: "DE", "SE-SE3", "CISO" */
	const char *name;
	const char *entsoe_eic;  /* ENTSO-E EIC area code */
	const char *emaps;       /* Electricity Maps zone key */
	const char *watttime;    /* WattTime region abbreviation */
	const char *uk_region;   /* Carbon Intensity API regionid */
	double lat, lon;
	const char *source;      /* source tags, see data/README.md */
};

enum zone_id_kind {
	ZONE_ID_ZONE,
	ZONE_ID_EIC,
	ZONE_ID_EMAPS,
	ZONE_ID_WATTTIME,
	ZONE_ID_UK_REGION,
};

const struct zone_info *zone_table(size_t *n);
/* The zone of that greenslot name, or NULL. */
const struct zone_info *zone_find(const char *zone);
/* The (first) zone whose identifier of `kind` is id, or NULL. */
const struct zone_info *zone_find_by(enum zone_id_kind kind, const char *id);
/*
 * The greenslot zone a provider's identifier names (Electricity Maps
 * "US-CAL-CISO" and WattTime "CAISO_NORTH" are both CISO), or id itself
 * when the catalog does not know it: responses that name their zone land
 * under the name every other feed and site uses.
 */
const char *zone_from_provider(enum zone_id_kind kind, const char *id);
/* z's identifier of `kind`, NULL when it has none. */
const char *zone_id(const struct zone_info *z, enum zone_id_kind kind);

/*
 * template_expand() for a feed of zone `zone` (may be NULL): also expands
 * {zone} and, from the catalog, {eic}, {emaps}, {watttime}, {uk_region},
 * {lat} and {lon}.  A placeholder without a value for the zone (no zone,
 * a zone not in the catalog, an empty cell) is an error naming the
 * placeholder and the zone.
 */
int template_expand_zone(const char *tmpl, gs_time from, gs_time to,
			 const char *zone, struct strbuf *out,
			 struct secrets *secrets, struct errmsg *err);

#endif
