/*
 * cmd-ingest.c - `greenslot ingest`: fetch feeds into the store.
 *
 * Everything that is wrong with the command line or FEEDS.json stops the
 * run before anything is fetched (exit 2).  Then every selected feed is
 * tried, each stored whole or not at all, and reported in one line on
 * stderr (cron mails stderr): exit 1 if any feed failed, whether it could
 * not be fetched, sent invalid content or could not be stored, else 0.
 */
#include "forecast/forecast.h"
#include "ingest/ingest.h"

#include <curl/curl.h>
#include <getopt.h>

static const struct cmd_opt ingest_opts[] = {
	{"--feeds FEEDS.json", "feed configuration (required)"},
	{"--feed NAME", "ingest only this feed (repeatable)"},
	{"--from T", "start of the window to fetch (default: 24 hours ago, "
		     "on the hour); when given, earlier rows are dropped"},
	{"--to T", "end of the window to fetch (default: 48 hours ahead); "
		   "when given, rows from it on are dropped"},
	{"--refetch", "fetch every response whole, ignoring the ETag and "
		      "Last-Modified stored from the last run"},
	{"--no-forecast", "do not refresh greenslot's forecasts of the zones "
			  "that got new data"},
	{"-q, --quiet", "print nothing but errors"},
	{"--db PATH", "store to write to"},
	{NULL, NULL},
};

const struct cmd_doc cmd_ingest_doc = {
	"ingest --feeds FEEDS.json [--feed NAME]... [--from T] [--to T] "
	"[--refetch] [--no-forecast]",
	"fetch carbon intensity, prices and weather into the store",
	"Fetches each feed of FEEDS.json (kinds csv, uk-carbon-intensity, "
	"entsoe, electricitymaps, watttime, open-meteo) for the window and "
	"stores its points; a feed is stored whole or not at all, and "
	"fetching the same data again changes nothing.  url templates may "
	"hold {from}, {to}, {from:%Y%m%d%H%M} and {env:NAME}; expanded urls "
	"are never printed.  Besides name, kind, url and zone a feed may "
	"have \"headers\" (an object; values are templates like the url), "
	"\"timeout\" (ISO 8601, default PT60S), \"retries\" (on 5xx and "
	"timeouts, default 2), \"price_floor\" (lower prices are rejected), "
	"\"factors\" (entsoe: lifecycle or direct), \"login\" ({url, "
	"username, password}: HTTP Basic for a bearer token, as WattTime "
	"wants) and \"ca_file\" (a PEM file of the CAs to trust for the "
	"feed's https server instead of the system's, relative to FEEDS.json; "
	"certificates are always verified).  HTTP requests accept compressed responses, "
	"retry with jittered backoff (honouring Retry-After up to 5 "
	"minutes) and are conditional: a server that answers 304 Not "
	"Modified for the url template and window of the last successful "
	"run costs nothing.  The feeds' requests run at the same time (at "
	"most 64, 16 to one host), so a run takes about as long as its "
	"slowest feed; they are then stored one by one.  Writes one line "
	"per feed to stderr, in FEEDS.json order: NAME: N points: A new, "
	"U updated, R rejected, S s (or NAME: not modified, S s), where "
	"rejected counts impossible values left out, and E estimated comes "
	"before S s when the provider marked stored values as estimated "
	"(Electricity Maps isEstimated); a failed feed's line is "
	"an error, feed 'NAME': MESSAGE (S s), and an empty body or an HTML "
	"page is such a failure.  Then, unless "
	"--no-forecast, greenslot's forecasts of carbon intensity and price "
	"(PT48H from the current hour) are refreshed for the zones that got "
	"new or changed points (from any feed, with or without a zone), where "
	"that zone's data is live (recorded in the last two days).  Exit 0 "
	"when every feed landed; 1 when any feed "
	"could not be fetched, sent invalid data or could not be stored "
	"(the other feeds still land); 2 when FEEDS.json or the options are "
	"invalid.",
	ingest_opts,
};

struct ingest_args {
	const char *feeds_path;
	const char **names;
	size_t nnames, alloc;
	struct ingest_window w;
	bool quiet;
	bool refetch;
	bool no_forecast;
};

static int parse_args(int argc, char **argv, struct ingest_args *a)
{
	static const struct option longopts[] = {
		{"feeds", required_argument, NULL, 'F'},
		{"feed", required_argument, NULL, 'f'},
		{"from", required_argument, NULL, 'a'},
		{"to", required_argument, NULL, 'b'},
		{"quiet", no_argument, NULL, 'q'},
		{"refetch", no_argument, NULL, 'r'},
		{"no-forecast", no_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		switch (c) {
		case 'F':
			a->feeds_path = optarg;
			break;
		case 'f':
			ALLOC_GROW(a->names, a->nnames + 1, a->alloc);
			a->names[a->nnames++] = optarg;
			break;
		case 'a':
			if (opt_time("--from", optarg, &a->w.from) < 0)
				return -1;
			a->w.clip_from = true;
			break;
		case 'b':
			if (opt_time("--to", optarg, &a->w.to) < 0)
				return -1;
			a->w.clip_to = true;
			break;
		case 'q':
			a->quiet = true;
			break;
		case 'r':
			a->refetch = true;
			break;
		case 'n':
			a->no_forecast = true;
			break;
		default:
			return -1;
		}
	}
	if (optind < argc)
		return error("unexpected argument '%s'", argv[optind]);
	if (!a->feeds_path)
		return error("ingest needs --feeds FEEDS.json");
	return 0;
}

static void apply_defaults(struct ingest_window *w)
{
	struct ingest_window d;

	ingest_window_default(&d, time_now());
	if (!w->clip_from)
		w->from = d.from;
	if (!w->clip_to)
		w->to = d.to;
}

/* The feeds to run, in FEEDS.json order; each once. */
static int select_feeds(const struct feed_config *fc,
			const struct ingest_args *a, bool *selected)
{
	for (size_t i = 0; i < fc->nfeeds; i++)
		selected[i] = a->nnames == 0;
	for (size_t i = 0; i < a->nnames; i++) {
		const struct feed *f = feeds_find(fc, a->names[i]);
		if (!f)
			return error("unknown feed '%s' in '%s'", a->names[i],
				     fc->path);
		selected[f - fc->feeds] = true;
	}
	return 0;
}

static int prepare_all(const struct feed_config *fc, const bool *selected,
		       const struct ingest_window *w,
		       struct feed_request *rqs)
{
	int ret = 0;

	for (size_t i = 0; i < fc->nfeeds; i++) {
		struct errmsg err;
		if (!selected[i])
			continue;
		if (feed_request_prepare(&rqs[i], fc, &fc->feeds[i], w,
					 &err) < 0)
			ret = error("%s", err.msg);
	}
	return ret;
}

/*
 * The zones that got new or changed points (whatever zone the feed was
 * configured with, if any), each once.
 */
struct fresh_zones {
	char **v;
	size_t n, alloc;
};

static void fresh_add(struct fresh_zones *fz, const char *zone)
{
	for (size_t i = 0; i < fz->n; i++)
		if (!strcmp(fz->v[i], zone))
			return;
	ALLOC_GROW(fz->v, fz->n + 1, fz->alloc);
	fz->v[fz->n++] = xstrdup(zone);
}

/*
 * Refreshes greenslot's forecast of one zone and signal when its recorded
 * data is live; a backfill of old data, or a signal the zone lacks, is
 * left alone.  A failure is a warning: the feeds themselves landed.
 */
static void refresh_forecast(struct store *st, const char *zone,
			     const char *signal, gs_time now, bool quiet)
{
	gs_time at = time_floor(now, 3600);
	char t0[GS_TIME_BUFSZ];
	struct series recent;
	struct fc_result r;
	struct errmsg err;
	bool live;

	series_init(&recent);
	live = store_get_series(st, zone, signal, now - 2 * 86400,
				GS_TIME_NONE, &recent, &err) == 0 &&
	       recent.n > 0;
	series_release(&recent);
	if (!live)
		return;
	fc_result_init(&r);
	if (forecast_store(st, zone, signal, at, 48 * 3600, &r, &err) < 0)
		warning("forecast %s %s: %s", zone, signal, err.msg);
	else if (!quiet)
		printf("forecast %s %s: %zu points from %s\n", zone, signal,
		       r.n, time_format(at, t0));
	fc_result_release(&r);
}

static void refresh_forecasts(struct store *st,
			      const struct fresh_zones *fz, bool quiet)
{
	static const char *const signals[] = {"carbon_intensity", "price"};
	gs_time now = time_now();

	for (size_t i = 0; i < fz->n; i++)
		for (size_t k = 0; k < ARRAY_SIZE(signals); k++)
			refresh_forecast(st, fz->v[i], signals[k], now, quiet);
}

/* What the feeds of a run came to, as they are reported in order. */
struct run_state {
	const struct ingest_args *a;
	struct fresh_zones fz;
	bool failed;
};

/* The parser's warnings, one line each, naming the feed. */
static void report_warnings(const struct feed_request *rq, const char *w)
{
	while (w && *w) {
		const char *nl = strchr(w, '\n');
		int len = nl ? (int)(nl - w) : (int)strlen(w);
		warning("feed '%s': %.*s", rq->feed->name, len, w);
		w += len + (nl != NULL);
	}
}

static void report_one(const struct feed_request *rq, int ret,
		       const struct ingest_result *res,
		       const struct errmsg *err, void *ud)
{
	struct run_state *rs = ud;
	struct strbuf counts;

	report_warnings(rq, res->warnings);
	if (ret < 0) {
		error("%s (%.2f s)", err->msg, res->seconds);
		rs->failed = true;
		return;
	}
	if (res->duplicates)
		warning("feed '%s': %zu duplicate rows; the later ones were "
			"kept", rq->feed->name, res->duplicates);
	if (res->rejected)
		warning("feed '%s': %zu impossible values rejected (not "
			"stored)", rq->feed->name, res->rejected);
	for (size_t i = 0; i < res->nzones; i++)
		fresh_add(&rs->fz, res->zones[i]);
	if (rs->a->quiet)
		return;
	if (res->not_modified) {
		fprintf(stderr, "%s: not modified, %.2f s\n", rq->feed->name,
			res->seconds);
		return;
	}
	strbuf_init(&counts);
	ingest_result_counts(&counts, res);
	fprintf(stderr, "%s: %s, %.2f s\n", rq->feed->name, counts.buf,
		res->seconds);
	strbuf_release(&counts);
}

/*
 * The selected feeds are fetched all at once (see ingest_feeds()), then
 * stored and reported one by one in FEEDS.json order.
 */
static int run_all(struct store *st, const struct feed_config *fc,
		   const bool *selected, const struct feed_request *rqs,
		   const struct ingest_args *a)
{
	struct fetch_opts o;
	struct run_state rs = {a, {NULL, 0, 0}, false};
	const struct feed_request **sel;
	size_t n = 0;

	fetch_opts_init(&o);
	o.refetch = a->refetch;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		error("cannot initialize libcurl");
		return EXIT_RUNTIME;
	}
	sel = xcalloc(fc->nfeeds + 1, sizeof(*sel));
	for (size_t i = 0; i < fc->nfeeds; i++)
		if (selected[i])
			sel[n++] = &rqs[i];
	ingest_feeds(st, sel, n, &a->w, &o, report_one, &rs);
	free(sel);
	curl_global_cleanup();
	if (!a->no_forecast)
		refresh_forecasts(st, &rs.fz, a->quiet);
	strv_free(rs.fz.v, rs.fz.n);
	return rs.failed ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_ingest(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct ingest_args a = {0};
	struct feed_config fc;
	struct feed_request *rqs = NULL;
	bool *selected = NULL;
	struct errmsg err;
	int ret = EXIT_USAGE;

	if (parse_args(argc, argv, &a) < 0) {
		free(a.names);
		return EXIT_USAGE;
	}
	apply_defaults(&a.w);
	if (a.w.from >= a.w.to) {
		free(a.names);
		error("--from must be before --to");
		return EXIT_USAGE;
	}
	if (feeds_load(&fc, a.feeds_path, &err) < 0) {
		error("%s", err.msg);
		goto out;
	}
	selected = xcalloc(fc.nfeeds + 1, sizeof(*selected));
	rqs = xcalloc(fc.nfeeds + 1, sizeof(*rqs));
	if (select_feeds(&fc, &a, selected) < 0 ||
	    prepare_all(&fc, selected, &a.w, rqs) < 0)
		goto out;
	ret = cmd_store(ctx) ? run_all(ctx->store, &fc, selected, rqs, &a)
			     : EXIT_RUNTIME;
	if (ctx->metrics_path && ctx->store &&
	    metrics_ingest(ctx->store, ctx->metrics_path, ret == EXIT_OK,
			   &err) < 0)
		warning("%s", err.msg);
out:
	for (size_t i = 0; rqs && i < fc.nfeeds; i++)
		feed_request_release(&rqs[i]);
	free(rqs);
	free(selected);
	feeds_release(&fc);
	free(a.names);
	return ret;
}
