/*
 * ingest.c - one feed from configuration to the store.
 *
 * The steps are split so that everything that can be wrong with the
 * configuration (an unimplemented kind, a missing environment variable)
 * shows up in feed_request_prepare(), before anything is fetched; and so
 * that a feed is stored whole or not at all: all of its points go to the
 * store in one store_put_points() call, after every chunk has been
 * fetched and parsed.  ingest_feeds() does this for many feeds with
 * the network phase shared: every url of every feed is fetched at once
 * by fetch_many(), then each feed is parsed and stored in turn.
 */
#include "ingest/ingest.h"

#include <errno.h>
#include <strings.h>

void ingest_window_default(struct ingest_window *w, gs_time now)
{
	w->from = time_floor(now - 24 * 3600, 3600);
	w->to = now + 48 * 3600;
	w->clip_from = w->clip_to = false;
}

static bool has_scheme(const char *s, const char *scheme)
{
	size_t n = strlen(scheme);
	return !strncmp(s, scheme, n) && !strncmp(s + n, "://", 3);
}

static bool is_url(const char *s)
{
	return has_scheme(s, "http") || has_scheme(s, "https") ||
	       has_scheme(s, "file");
}

/* Plain paths are relative to the directory of FEEDS.json. */
static int chunk_target(struct feed_request *rq, const struct feed_config *fc,
			struct feed_chunk *c, struct errmsg *err)
{
	const struct feed *f = rq->feed;
	struct strbuf sb;
	struct errmsg sub;

	strbuf_init(&sb);
	if (template_expand_zone(f->url, c->from, c->to, f->zone, &sb,
				 &rq->secrets, &sub) < 0) {
		strbuf_release(&sb);
		return err_set(err, "feed '%s': url '%s': %s", f->name,
			       f->url, sub.msg);
	}
	if (is_url(sb.buf)) {
		c->url = strbuf_detach(&sb);
		return 0;
	}
	if (strstr(sb.buf, "://")) {
		strbuf_release(&sb);
		return err_set(err, "feed '%s': url '%s': unsupported scheme "
			       "(want http://, https://, file:// or a path)",
			       f->name, f->url);
	}
	c->path = feeds_resolve(fc, sb.buf);
	strbuf_release(&sb);
	return 0;
}

static int chunk_headers(struct feed_request *rq, struct feed_chunk *c,
			 struct errmsg *err)
{
	const struct feed *f = rq->feed;
	struct errmsg sub;

	c->headers = xcalloc(f->nheaders + 1, sizeof(*c->headers));
	for (size_t i = 0; i < f->nheaders; i++) {
		struct strbuf sb;
		strbuf_init(&sb);
		strbuf_addf(&sb, "%s: ", f->headers[i].name);
		if (template_expand_zone(f->headers[i].value, c->from, c->to,
					 f->zone, &sb, &rq->secrets,
					 &sub) < 0) {
			strbuf_release(&sb);
			return err_set(err, "feed '%s': header '%s': %s",
				       f->name, f->headers[i].name, sub.msg);
		}
		c->headers[c->nheaders++] = strbuf_detach(&sb);
	}
	return 0;
}

/* Messages name the file when it is a plain path, else the template. */
static char *display_name(const struct feed *f, const struct feed_chunk *c)
{
	if (c->path && !strchr(f->url, '{'))
		return xstrdup(c->path);
	return xstrdup(f->url);
}

static void split_window(struct feed_request *rq, const struct feed_kind *k,
			 const struct ingest_window *w)
{
	int64_t step = k->max_window > 0 ? k->max_window : w->to - w->from;
	size_t n = 1, alloc = 0;

	if (step <= 0)
		step = 1;
	if (w->to > w->from)
		n = (size_t)((w->to - w->from + step - 1) / step);
	ALLOC_GROW(rq->chunks, n, alloc);
	memset(rq->chunks, 0, st_mult(n, sizeof(*rq->chunks)));
	for (size_t i = 0; i < n; i++) {
		struct feed_chunk *c = &rq->chunks[i];
		c->from = w->from + (gs_time)i * step;
		c->to = c->from + step < w->to ? c->from + step : w->to;
	}
	if (w->to <= w->from) {
		rq->chunks[0].from = w->from;
		rq->chunks[0].to = w->to;
	}
	rq->nchunks = n;
}

int feed_request_prepare(struct feed_request *rq,
			 const struct feed_config *fc, const struct feed *f,
			 const struct ingest_window *w, struct errmsg *err)
{
	memset(rq, 0, sizeof(*rq));
	rq->feed = f;
	secrets_init(&rq->secrets);
	split_window(rq, f->kind, w);
	for (size_t i = 0; i < rq->nchunks; i++) {
		if (chunk_target(rq, fc, &rq->chunks[i], err) < 0 ||
		    chunk_headers(rq, &rq->chunks[i], err) < 0)
			return -1;
	}
	rq->display = display_name(f, &rq->chunks[0]);
	return 0;
}

void feed_request_release(struct feed_request *rq)
{
	for (size_t i = 0; i < rq->nchunks; i++) {
		struct feed_chunk *c = &rq->chunks[i];
		free(c->url);
		free(c->path);
		strv_free(c->headers, c->nheaders);
	}
	free(rq->chunks);
	free(rq->display);
	secrets_release(&rq->secrets);
	memset(rq, 0, sizeof(*rq));
}

/* What conditional requests need per chunk: sent and received validators. */
struct chunk_state {
	char *key;                     /* http cache key; NULL: not http */
	struct fetch_validators sent, got;
	bool not_modified;
	struct fetch_job job;          /* url chunks: fetched by fetch_many() */
	const char **headers;          /* the chunk's and the login's */
};

static bool has_window(const char *tmpl)
{
	return strstr(tmpl, "{from") || strstr(tmpl, "{to");
}

/*
 * The http cache key of a chunk: what picks the resource (the url and
 * header templates and the feed's zone, so that an edited FEEDS.json
 * does not send validators of another resource) and the window when the
 * request or what is kept of the reply depends on it ({from}/{to} in the
 * url or a header, or rows clipped to an explicit window).  Never the
 * expanded url, which may hold a secret from {env:NAME}.  So a cron run
 * with the default window (which moves every second) still finds the
 * validators of a url that names no window.
 */
static char *cache_key(const struct feed *f, const struct feed_chunk *c,
		       const struct ingest_window *w)
{
	bool windowed = w->clip_from || w->clip_to || has_window(f->url);
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addstr(&sb, f->url);
	for (size_t i = 0; i < f->nheaders; i++) {
		windowed |= has_window(f->headers[i].value);
		strbuf_addf(&sb, "\n%s: %s", f->headers[i].name,
			    f->headers[i].value);
	}
	if (f->zone)
		strbuf_addf(&sb, "\nzone %s", f->zone);
	if (windowed)
		strbuf_addf(&sb, "\nwindow %lld %lld", (long long)c->from,
			    (long long)c->to);
	return strbuf_detach(&sb);
}

/*
 * The body of chunk c into *body: a plain path is read now, a url was
 * fetched with the other feeds' by fetch_many() (its body is taken).
 */
static int fetch_chunk(const struct feed_request *rq,
		       const struct feed_chunk *c, const struct fetch_opts *o,
		       struct chunk_state *cs, struct strbuf *body,
		       gs_time *fetched, struct errmsg *err)
{
	const struct feed *f = rq->feed;

	*fetched = time_now();
	if (c->path) {
		if (strbuf_read_file(body, c->path, o->max_bytes) == 0)
			return 0;
		if (errno == EFBIG)
			return err_set(err, "feed '%s': '%s' is larger than "
				       "%zu bytes", f->name, rq->display,
				       o->max_bytes);
		return err_set(err, "feed '%s': cannot read '%s': %s",
			       f->name, rq->display, strerror(errno));
	}
	if (cs->job.ret < 0)
		return err_set(err, "feed '%s': cannot fetch '%s': %s",
			       f->name, f->url, cs->job.err.msg);
	cs->not_modified = cs->job.not_modified;
	cs->got = cs->job.got;
	cs->job.got.etag = cs->job.got.last_modified = NULL;
	*fetched = cs->job.fetched;
	strbuf_release(body);
	*body = cs->job.body;
	strbuf_init(&cs->job.body);
	return 0;
}

/* Stored validators of each http chunk, unless o->refetch. */
static int load_cache(struct store *st, const struct feed_request *rq,
		      const struct ingest_window *w,
		      const struct fetch_opts *o, struct chunk_state *cs,
		      struct errmsg *err)
{
	for (size_t i = 0; i < rq->nchunks; i++) {
		if (!rq->chunks[i].url || !strncmp(rq->chunks[i].url,
						   "file://", 7))
			continue;
		cs[i].key = cache_key(rq->feed, &rq->chunks[i], w);
		if (!o->refetch &&
		    store_get_http_cache(st, rq->feed->name, cs[i].key,
					 &cs[i].sent.etag,
					 &cs[i].sent.last_modified, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * Called only once the feed's points are stored: a run that failed
 * later must fetch the whole body again next time.  A chunk answered 304
 * keeps what is stored.
 */
static int save_cache(struct store *st, const struct feed_request *rq,
		      const struct chunk_state *cs, gs_time fetched,
		      struct errmsg *err)
{
	for (size_t i = 0; i < rq->nchunks; i++) {
		if (!cs[i].key || cs[i].not_modified)
			continue;
		if (store_put_http_cache(st, rq->feed->name, cs[i].key,
					 cs[i].got.etag,
					 cs[i].got.last_modified, fetched,
					 err) < 0)
			return -1;
	}
	return 0;
}

static void chunk_states_free(struct chunk_state *cs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cs[i].key);
		fetch_validators_release(&cs[i].sent);
		fetch_validators_release(&cs[i].got);
		fetch_job_release(&cs[i].job);
		free(cs[i].headers);
	}
	free(cs);
}

/*
 * What no feed kind parses, said plainly rather than as a parse error at
 * 1:1: an empty body, or an HTML page (a login or error page a provider
 * sends with status 200).
 */
static int check_body(const struct feed_request *rq,
		      const struct feed_chunk *c, const struct chunk_state *cs,
		      const struct strbuf *body, struct errmsg *err)
{
	const char *ct = cs->job.content_type;

	if (!body->len)
		return c->path ? err_set(err, "'%s' is empty", rq->display)
			       : err_set(err, "empty response from '%s' (0 "
					 "bytes)", rq->display);
	if (ct && !strncasecmp(ct, "text/html", 9))
		return err_set(err, "'%s' sent an HTML page (Content-Type: "
			       "%.40s), not data: check the url and its "
			       "parameters", rq->display, ct);
	return 0;
}

/* Fetches and parses every chunk into pb; sets res->status on failure. */
static int fetch_and_parse(const struct feed_request *rq,
			   const struct fetch_opts *o, struct chunk_state *cs,
			   struct point_batch *pb, struct ingest_result *res,
			   struct errmsg *err)
{
	struct strbuf body;
	size_t unchanged = 0;
	int ret = 0;

	strbuf_init(&body);
	for (size_t i = 0; i < rq->nchunks && !ret; i++) {
		const struct feed_chunk *c = &rq->chunks[i];
		struct feed_response r = {rq->feed, rq->display, NULL, 0,
					  c->from, c->to, 0};

		strbuf_reset(&body);
		if (fetch_chunk(rq, c, o, &cs[i], &body, &r.fetched,
				err) < 0) {
			res->status = INGEST_FETCH_FAILED;
			ret = -1;
			break;
		}
		if (cs[i].not_modified) {
			unchanged++;
			continue;
		}
		r.body = body.buf;
		r.len = body.len;
		pb->basis = NULL;
		if (check_body(rq, c, &cs[i], &body, err) < 0 ||
		    rq->feed->kind->parse(&r, pb, err) < 0) {
			res->status = INGEST_INVALID;
			ret = -1;
		}
	}
	strbuf_release(&body);
	res->not_modified = !ret && unchanged == rq->nchunks;
	return ret;
}

/*
 * Whether the n points of one forecast vintage (one zone, signal and issue
 * time, sorted by time) say, time for time and value for value, what the
 * feed's last vintage issued by `issued_by` said; *issued gets that
 * vintage's issue time (GS_TIME_NONE: there is none).
 */
static int vintage_repeats(struct store *st, const char *source,
			   const struct store_point *p, size_t n,
			   gs_time issued_by, bool *repeats, gs_time *issued,
			   struct errmsg *err)
{
	struct series prev;

	series_init(&prev);
	*issued = GS_TIME_NONE;
	if (store_get_forecast(st, p->zone, p->signal, source, issued_by,
			       p[0].time, p[n - 1].time + 1, &prev, issued,
			       err) < 0) {
		series_release(&prev);
		return -1;
	}
	*repeats = prev.n == n;
	for (size_t i = 0; i < n && *repeats; i++)
		*repeats = prev.t[i] == p[i].time && prev.v[i] == p[i].value;
	series_release(&prev);
	return 0;
}

/*
 * A vintage repeats when it says what the feed's last vintage before it
 * said, or what its newest one says when that was issued later: an
 * overlapping run that fetched the same forecast a second later may have
 * stored it first.
 */
static int vintage_is_repeat(struct store *st, const char *source,
			     const struct store_point *p, size_t n,
			     bool *repeats, struct errmsg *err)
{
	gs_time issued;

	if (vintage_repeats(st, source, p, n, p->issued - 1, repeats,
			    &issued, err) < 0)
		return -1;
	if (*repeats)
		return 0;
	if (vintage_repeats(st, source, p, n, GS_TIME_NONE, repeats,
			    &issued, err) < 0)
		return -1;
	*repeats = *repeats && issued != GS_TIME_NONE && issued > p->issued;
	return 0;
}

/*
 * Leaves out the forecast vintages that repeat the feed's last one.  A
 * provider that does not say when it made a forecast gets the request
 * time as its issue time, so without this every cron run would store the
 * same forecast again as a new vintage.  A vintage that changes one value
 * or adds one time is stored whole.  Needs pb sorted (point_batch_dedup).
 */
static int drop_repeated_vintages(struct store *st, const char *source,
				  struct point_batch *pb, size_t *dropped,
				  struct errmsg *err)
{
	size_t n = 0, i = 0;

	*dropped = 0;
	while (i < pb->n) {
		const struct store_point *p = &pb->pts[i];
		size_t j = i + 1;
		bool repeats = false;
		if (p->issued != GS_TIME_NONE) {
			while (j < pb->n && pb->pts[j].issued == p->issued &&
			       !strcmp(pb->pts[j].zone, p->zone) &&
			       !strcmp(pb->pts[j].signal, p->signal))
				j++;
			if (vintage_is_repeat(st, source, p, j - i, &repeats,
					      err) < 0)
				return -1;
		}
		if (repeats)
			*dropped += j - i;
		else
			for (size_t k = i; k < j; k++)
				pb->pts[n++] = pb->pts[k];
		i = j;
	}
	pb->n = n;
	return 0;
}

/*
 * The repeated-vintage check and the write share one BEGIN IMMEDIATE
 * transaction (store_put_points() nests in it): an overlapping cron run
 * that fetched the same forecast waits for this one's write and then sees
 * its vintage, instead of both checking before either wrote.
 */
/* The zones whose points changed, each once (they point into the batch). */
struct zone_list {
	const char **v;
	size_t n, alloc;
};

/*
 * store_put_points() zone by zone (pb is sorted by zone), inside the
 * caller's transaction, so that the run knows which zones got new or
 * changed points: a zone-less feed (a long-form CSV, UK regional) fills
 * many.
 */
static int put_by_zone(struct store *st, const char *source,
		       const struct point_batch *pb, gs_time fetched,
		       struct store_put_stats *total, struct zone_list *zl,
		       struct errmsg *err)
{
	size_t i = 0;

	total->added = total->updated = 0;
	while (i < pb->n) {
		struct store_put_stats stats;
		size_t j = i + 1;
		while (j < pb->n && !strcmp(pb->pts[j].zone, pb->pts[i].zone))
			j++;
		if (store_put_points(st, source, pb->pts + i, j - i, fetched,
				     &stats, err) < 0)
			return -1;
		total->added += stats.added;
		total->updated += stats.updated;
		if (stats.added || stats.updated) {
			ALLOC_GROW(zl->v, zl->n + 1, zl->alloc);
			zl->v[zl->n++] = pb->pts[i].zone;
		}
		i = j;
	}
	return 0;
}

static int store_batch(struct store *st, const struct feed_request *rq,
		       struct point_batch *pb, gs_time fetched,
		       struct zone_list *zl, struct ingest_result *res,
		       struct errmsg *err)
{
	struct store_put_stats stats;
	size_t repeated;
	struct errmsg why;

	if (store_begin(st, &why) < 0)
		goto fail;
	if (drop_repeated_vintages(st, rq->feed->name, pb, &repeated,
				   &why) < 0 ||
	    put_by_zone(st, rq->feed->name, pb, fetched, &stats, zl,
			&why) < 0) {
		store_rollback(st);
		zl->n = 0;
		goto fail;
	}
	if (store_commit(st, &why) < 0) {
		zl->n = 0;
		goto fail;
	}
	res->points = pb->n + repeated;
	res->added = stats.added;
	res->updated = stats.updated;
	return 0;
fail:
	res->status = INGEST_STORE_FAILED;
	return err_set(err, "feed '%s': %s", rq->feed->name, why.msg);
}

void ingest_result_counts(struct strbuf *sb, const struct ingest_result *res)
{
	strbuf_addf(sb, "%zu points: %zu new, %zu updated, %zu rejected",
		    res->points, res->added, res->updated, res->rejected);
	if (res->estimated)
		strbuf_addf(sb, ", %zu estimated", res->estimated);
}

static void summarize(struct strbuf *sb, int ret,
		      const struct ingest_result *res,
		      const struct errmsg *err)
{
	if (ret)
		strbuf_addstr(sb, err->msg);
	else if (res->not_modified)
		strbuf_addstr(sb, "not modified");
	else
		ingest_result_counts(sb, res);
}

/* The points the provider marked estimated, of those that are stored. */
static size_t count_estimated(const struct point_batch *pb)
{
	size_t n = 0;

	for (size_t i = 0; i < pb->n; i++)
		n += pb->pts[i].estimated;
	return n;
}

/* Makes a failed feed's message start "feed 'NAME': " (parse errors). */
static void name_feed(const struct feed *f, struct errmsg *err)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "feed '%s': ", f->name);
	if (strncmp(err->msg, sb.buf, sb.len)) {
		strbuf_addstr(&sb, err->msg);
		err_set(err, "%s", sb.buf);
	}
	strbuf_release(&sb);
}

/* One feed of ingest_feeds() between its phases. */
struct feed_run {
	const struct feed_request *rq;
	struct fetch_opts o;
	struct chunk_state *cs;
	struct point_batch pb;
	struct zone_list zones; /* changed: res.zones */
	char *bearer;           /* "Authorization: ..." from the login */
	struct secrets secrets; /* what the login expanded */
	gs_time started;
	double started_mono; /* seconds, for the run's duration */
	int ret;
	struct ingest_result res;
	struct errmsg err;
};

/* The feed's options and stored validators, before anything is fetched. */
static void run_begin(struct store *st, struct feed_run *run,
		      const struct feed_request *rq,
		      const struct ingest_window *w,
		      const struct fetch_opts *fetch)
{
	const struct feed *f = rq->feed;

	memset(run, 0, sizeof(*run));
	run->rq = rq;
	run->started = time_now();
	run->started_mono = time_mono();
	run->o = *fetch;
	run->o.timeout_ms = (long)(f->timeout_s * 1000);
	run->o.retries = f->retries;
	run->o.ca_file = f->ca_file;
	/* a Retry-After may not take longer than the attempts could */
	run->o.budget_ms = run->o.timeout_ms * (run->o.retries + 1);
	run->cs = xcalloc(rq->nchunks + 1, sizeof(*run->cs));
	for (size_t i = 0; i < rq->nchunks; i++)
		strbuf_init(&run->cs[i].job.body);
	point_batch_init(&run->pb);
	run->pb.price_floor = f->price_floor;
	secrets_init(&run->secrets);
	run->ret = load_cache(st, rq, w, &run->o, run->cs, &run->err);
	if (run->ret < 0) {
		run->res.status = INGEST_STORE_FAILED;
		return;
	}
	if (f->login && rq->nchunks && rq->chunks[0].url) {
		run->ret = feed_login(f, &run->o, &run->secrets, &run->bearer,
				      &run->err);
		if (run->ret < 0)
			run->res.status = INGEST_FETCH_FAILED;
	}
}

/* The chunk's own headers, and the login's when there is one. */
static const char **job_headers(const struct feed_run *run,
				const struct feed_chunk *c,
				struct chunk_state *cs, size_t *n)
{
	*n = c->nheaders;
	cs->headers = xcalloc(c->nheaders + 2, sizeof(*cs->headers));
	for (size_t i = 0; i < c->nheaders; i++)
		cs->headers[i] = c->headers[i];
	if (run->bearer)
		cs->headers[(*n)++] = run->bearer;
	return cs->headers;
}

/* The url chunks of the feeds that may go on, as fetch jobs. */
static struct fetch_job **collect_jobs(struct feed_run *runs, size_t n,
				       size_t *njobs)
{
	struct fetch_job **jobs = NULL;
	size_t alloc = 0;

	*njobs = 0;
	for (size_t k = 0; k < n; k++) {
		const struct feed_request *rq = runs[k].rq;
		struct chunk_state *cs = runs[k].cs;
		if (runs[k].ret < 0)
			continue;
		for (size_t i = 0; i < rq->nchunks; i++) {
			const struct feed_chunk *c = &rq->chunks[i];
			const char **headers;
			size_t nheaders;
			if (!c->url)
				continue;
			headers = job_headers(&runs[k], c, &cs[i], &nheaders);
			fetch_job_init(&cs[i].job, c->url, headers, nheaders,
				       &runs[k].o,
				       cs[i].key ? &cs[i].sent : NULL);
			ALLOC_GROW(jobs, *njobs + 1, alloc);
			jobs[(*njobs)++] = &cs[i].job;
		}
	}
	return jobs;
}

/* Parses and stores one fetched feed in one transaction; logs the run. */
static void run_finish(struct store *st, struct feed_run *run,
		       const struct ingest_window *w)
{
	const struct feed_request *rq = run->rq;
	struct ingest_result *res = &run->res;
	struct errmsg *err = &run->err;
	struct strbuf summary;
	struct errmsg logerr;
	int ret = run->ret;

	if (!ret)
		ret = fetch_and_parse(rq, &run->o, run->cs, &run->pb, res,
				      err);
	if (!ret && !res->not_modified) {
		gs_time now = time_now();
		res->rejected = run->pb.rejected;
		res->duplicates = point_batch_dedup(&run->pb);
		res->clipped = point_batch_clip(&run->pb,
			w->clip_from ? w->from : GS_TIME_NONE,
			w->clip_to ? w->to : GS_TIME_NONE);
		res->estimated = count_estimated(&run->pb);
		ret = store_batch(st, rq, &run->pb, now, &run->zones, res,
				  err);
		if (!ret && save_cache(st, rq, run->cs, now, err) < 0) {
			res->status = INGEST_STORE_FAILED;
			ret = -1;
		}
	}
	res->warnings = run->pb.warnings.buf;
	res->zones = run->zones.v;
	res->nzones = run->zones.n;
	chunk_states_free(run->cs, rq->nchunks);
	run->cs = NULL;
	if (ret < 0) {
		name_feed(rq->feed, err);
		secrets_scrub(&rq->secrets, err);
		secrets_scrub(&run->secrets, err);
	}
	free(run->bearer);
	run->bearer = NULL;
	secrets_release(&run->secrets);

	res->seconds = time_mono() - run->started_mono;
	strbuf_init(&summary);
	summarize(&summary, ret, res, err);
	if (store_log_ingest(st, rq->feed->name, run->started, time_now(),
			     ret == 0, res->points, summary.buf,
			     &logerr) < 0 && !ret) {
		err_set(err, "feed '%s': %s", rq->feed->name, logerr.msg);
		res->status = INGEST_STORE_FAILED;
		ret = -1;
	}
	strbuf_release(&summary);
	run->ret = ret;
}

void ingest_feeds(struct store *st, const struct feed_request *const *rqs,
		  size_t n, const struct ingest_window *w,
		  const struct fetch_opts *fetch, ingest_done_fn done,
		  void *ud)
{
	struct feed_run *runs = xcalloc(n + 1, sizeof(*runs));
	struct fetch_job **jobs;
	size_t njobs;

	for (size_t k = 0; k < n; k++)
		run_begin(st, &runs[k], rqs[k], w, fetch);
	jobs = collect_jobs(runs, n, &njobs);
	fetch_many(jobs, njobs);
	free(jobs);
	for (size_t k = 0; k < n; k++) {
		run_finish(st, &runs[k], w);
		done(rqs[k], runs[k].ret, &runs[k].res, &runs[k].err, ud);
		point_batch_release(&runs[k].pb);
		free(runs[k].zones.v);
	}
	free(runs);
}

struct one_result {
	int ret;
	struct ingest_result *res;
	struct errmsg *err;
};

static void one_done(const struct feed_request *rq, int ret,
		     const struct ingest_result *res,
		     const struct errmsg *err, void *ud)
{
	struct one_result *o = ud;

	(void)rq;
	o->ret = ret;
	*o->res = *res;
	o->res->warnings = NULL;
	o->res->zones = NULL;
	o->res->nzones = 0;
	if (ret < 0)
		*o->err = *err;
}

int ingest_feed(struct store *st, const struct feed_request *rq,
		const struct ingest_window *w, const struct fetch_opts *fetch,
		struct ingest_result *res, struct errmsg *err)
{
	struct one_result o = {-1, res, err};

	ingest_feeds(st, &rq, 1, w, fetch, one_done, &o);
	return o.ret;
}
