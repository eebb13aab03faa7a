/*
 * fetch.c - getting a feed's bytes with libcurl.
 *
 * Feeds are remote services that fail in every way: slow, down, cut off,
 * redirecting somewhere odd, asking us to come back later.  One GET here
 * has timeouts, a size cap on the decoded body, a redirect policy
 * (fetch_redirect_check(): http and https only, so that a server cannot
 * make us read file:///etc/passwd; never from https down to http; and
 * never to another host with the feed's headers, which may hold a token:
 * redirects are followed here, not by libcurl, to check each one),
 * compressed transfer, conditional requests (ETag, Last-Modified) and
 * retries with jittered exponential backoff for the failures that pass
 * (5xx, 429, timeouts, dropped connections), honouring Retry-After.
 * Messages never contain the url: it may carry a token.
 *
 * fetch_many() runs many such GETs at once on one curl multi handle, so
 * that an ingest of 50 feeds takes about as long as the slowest: each
 * transfer has its own easy handle, body and retry state, and one that
 * waits for its retry is re-added when its backoff has passed (the
 * multi poll's timeout wakes us then).  fetch_url_cond() is the case of
 * one transfer.
 */
#include "ingest/ingest.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <unistd.h>

#define USER_AGENT "greenslot/" GS_VERSION " (+https://github.com/greenslot)"
#define RETRY_AFTER_MAX_MS (5L * 60 * 1000)

/* splitmix64: a small PRNG for jitter, its state held by the caller */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void fetch_opts_init(struct fetch_opts *o)
{
	struct timespec ts;

	o->connect_timeout_ms = 10000;
	o->timeout_ms = 60000;
	o->max_bytes = FETCH_MAX_BYTES;
	o->retries = 2;
	o->backoff_ms = 500;
	o->retry_after_max_ms = RETRY_AFTER_MAX_MS;
	o->budget_ms = 0;
	o->refetch = false;
	o->ca_file = NULL;
	/* per process: two cron runs of the same feeds do not retry in step */
	clock_gettime(CLOCK_REALTIME, &ts);
	o->jitter_seed = (uint64_t)ts.tv_sec * 1000000007ULL ^
			 (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 40;
}

void fetch_validators_release(struct fetch_validators *v)
{
	free(v->etag);
	free(v->last_modified);
	v->etag = v->last_modified = NULL;
}

struct sink {
	struct strbuf *body;
	size_t max;
	bool too_big;
};

/* Gets the body after content decoding, so the cap is on decoded bytes. */
static size_t write_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct sink *s = ud;
	size_t n = size * nmemb;

	if (s->body->len + n > s->max) {
		s->too_big = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	strbuf_add(s->body, data, n);
	return n;
}

enum attempt {
	ATTEMPT_OK,
	ATTEMPT_RETRY,  /* failed in a way that may pass */
	ATTEMPT_FAILED,
};

/* What one attempt learnt besides the body. */
struct reply {
	long status;
	long retry_after_s;   /* -1: none given */
	struct fetch_validators got;
	char *content_type;   /* NULL: none given */
};

static bool transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
		return true;
	default:
		return false;
	}
}

static int set_options(CURL *c, const char *url, struct curl_slist *hdrs,
		       const struct fetch_opts *o, struct sink *sink,
		       char *errbuf)
{
	bool file = !strncmp(url, "file://", 7);
	CURLcode rc = CURLE_OK;

#define SET(opt, val) \
	do { if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val); } while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, file ? "file" : "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);  /* job_redirect() checks each */
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_USERAGENT, USER_AGENT);
	/* "": every encoding this libcurl decodes (gzip, deflate, br, zstd) */
	SET(CURLOPT_ACCEPT_ENCODING, "");
	/*
	 * TLS verification stays on (libcurl's default, set here so that no
	 * later edit turns it off quietly): feeds carry tokens and data we
	 * plan with, and a man in the middle must not see or change either.
	 */
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	/* a feed's own CAs replace the bundle; they never skip the check */
	if (o->ca_file)
		SET(CURLOPT_CAINFO, o->ca_file);
	SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, o->timeout_ms);
	/*
	 * No CURLOPT_MAXFILESIZE: it compares the Content-Length, which is
	 * the compressed size; the cap is on the decoded body (write_body).
	 */
	SET(CURLOPT_WRITEFUNCTION, write_body);
	SET(CURLOPT_WRITEDATA, sink);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	if (hdrs)
		SET(CURLOPT_HTTPHEADER, hdrs);
#undef SET
	return rc == CURLE_OK ? 0 : -1;
}

static enum attempt curl_failure(CURLcode rc, const char *errbuf,
				 const struct sink *sink,
				 const struct fetch_opts *o, struct errmsg *err)
{
	if (sink->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		err_set(err, "response larger than %zu bytes", o->max_bytes);
		return ATTEMPT_FAILED;
	}
	if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
		err_set(err, "url of a refused protocol (only http, https and "
			"file)");
		return ATTEMPT_FAILED;
	}
	if (rc == CURLE_PARTIAL_FILE)
		err_set(err, "response cut off before its end");
	else if (rc == CURLE_BAD_CONTENT_ENCODING)
		err_set(err, "cannot decode the compressed response: %s",
			*errbuf ? errbuf : curl_easy_strerror(rc));
	else
		err_set(err, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
	/* our messages start lower-case; curl's "Operation timed out" too */
	if (isupper((unsigned char)err->msg[0]) &&
	    islower((unsigned char)err->msg[1]))
		err->msg[0] = (char)tolower((unsigned char)err->msg[0]);
	return transient(rc) ? ATTEMPT_RETRY : ATTEMPT_FAILED;
}

static char *header_copy(CURL *c, const char *name)
{
	struct curl_header *h;

	if (curl_easy_header(c, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return NULL;
	return *h->value ? xstrdup(h->value) : NULL;
}

/* Status, Retry-After and validators of the last response of c. */
static void read_reply(CURL *c, struct reply *rp)
{
	curl_off_t after = -1;

	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rp->status);
	/* seconds, from "Retry-After: N" or an HTTP date; 0 when absent */
	if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &after) == CURLE_OK &&
	    after > 0)
		rp->retry_after_s = after > LONG_MAX / 1000 ? LONG_MAX / 1000
							   : (long)after;
	rp->got.etag = header_copy(c, "ETag");
	rp->got.last_modified = header_copy(c, "Last-Modified");
	rp->content_type = header_copy(c, "Content-Type");
}

static long now_ms(void)
{
	return (long)(time_mono() * 1000);
}

/* FNV-1a, only to give each url its own jitter sequence in this process */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/*
 * How long to wait before retry number `retry` (1, 2, ...): "equal
 * jitter", half of backoff_ms * 2^(retry-1) plus a random part up to the
 * other half, so that many clients do not come back at the same instant.
 */
long fetch_backoff_wait(const struct fetch_opts *o, int retry,
			uint64_t *rng)
{
	long wait = o->backoff_ms > 0 ? o->backoff_ms : 0;

	for (int i = 1; i < retry && wait < LONG_MAX / 4; i++)
		wait *= 2;
	if (wait < 2)
		return wait;
	return wait / 2 + (long)(rng_next(rng) % (uint64_t)(wait / 2 + 1));
}

/*
 * The wait before the next attempt, or -1 with err set when there is no
 * time left (err keeps the last failure) or the server asks for more than
 * we may wait.
 */
static long next_wait(const struct fetch_opts *o, int retry,
		      const struct reply *rp, long deadline, uint64_t *rng,
		      struct errmsg *err)
{
	long wait = fetch_backoff_wait(o, retry, rng);
	long left = deadline ? deadline - now_ms() : LONG_MAX;
	long cap = o->retry_after_max_ms < left ? o->retry_after_max_ms : left;

	if (rp->retry_after_s >= 0 &&
	    (rp->status == 429 || rp->status == 503)) {
		long asked = rp->retry_after_s * 1000;
		if (asked > cap) {
			if (cap < 0)
				cap = 0;
			err_set(err, "HTTP status %ld: the server asks to "
				"retry after %ld s, more than the %ld %s we "
				"may wait",
				rp->status, rp->retry_after_s,
				cap < 1000 ? cap : cap / 1000,
				cap < 1000 ? "ms" : "s");
			return -1;
		}
		if (asked > wait)
			wait = asked;
	}
	if (wait > left)
		return -1;
	return wait;
}

/* The request headers into *out (NULL when none). */
static int build_headers(const char *const *headers, size_t nheaders,
			 const struct fetch_validators *send,
			 struct curl_slist **out, struct errmsg *err)
{
	struct curl_slist *hdrs = NULL, *n;
	struct strbuf sb;
	bool ok = true;

	strbuf_init(&sb);
	for (size_t i = 0; ok && i < nheaders; i++) {
		ok = (n = curl_slist_append(hdrs, headers[i])) != NULL;
		hdrs = ok ? n : hdrs;
	}
	if (ok && send && send->etag) {
		strbuf_addf(&sb, "If-None-Match: %s", send->etag);
		ok = (n = curl_slist_append(hdrs, sb.buf)) != NULL;
		hdrs = ok ? n : hdrs;
	}
	if (ok && send && send->last_modified) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "If-Modified-Since: %s", send->last_modified);
		ok = (n = curl_slist_append(hdrs, sb.buf)) != NULL;
		hdrs = ok ? n : hdrs;
	}
	strbuf_release(&sb);
	if (!ok) {
		curl_slist_free_all(hdrs);
		return err_set(err, "out of memory for headers");
	}
	*out = hdrs;
	return 0;
}


/* ------------------------------------------------------------------ */
/* Many transfers at once                                             */
/* ------------------------------------------------------------------ */

enum job_state { JOB_WAITING, JOB_RUNNING, JOB_DONE };

/* What a fetch_job needs between attempts; private to this file. */
struct fetch_job_state {
	enum job_state state;
	CURL *easy;
	struct curl_slist *hdrs;
	struct sink sink;
	char errbuf[CURL_ERROR_SIZE];
	struct reply rp;
	int attempts;         /* started so far */
	long deadline;        /* of o->budget_ms; 0: none */
	long wake_at;         /* JOB_WAITING: do not start before (ms) */
	uint64_t rng;
	char *host;           /* "host:port", for the per-host cap */
	char *url;            /* where redirects led (NULL: j->url) */
	int redirects;        /* followed so far */
};

#define FETCH_MAX_REDIRECTS 5

void fetch_job_init(struct fetch_job *j, const char *url,
		    const char *const *headers, size_t nheaders,
		    const struct fetch_opts *o,
		    const struct fetch_validators *send)
{
	memset(j, 0, sizeof(*j));
	j->url = url;
	j->headers = headers;
	j->nheaders = nheaders;
	j->o = o;
	j->send = send;
	strbuf_init(&j->body);
}

void fetch_job_release(struct fetch_job *j)
{
	strbuf_release(&j->body);
	fetch_validators_release(&j->got);
	free(j->content_type);
	j->content_type = NULL;
}

/* A part of url (curl_free() it), or NULL. */
static char *url_part(const char *url, CURLUPart part)
{
	CURLU *u = curl_url();
	char *v = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, part, &v, part == CURLUPART_PORT ?
				 CURLU_DEFAULT_PORT : 0) != CURLUE_OK)
		v = NULL;
	curl_url_cleanup(u);
	return v;
}

/* Where the url goes, so that one provider gets few transfers at once. */
static char *host_of(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL;
	struct strbuf sb;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
		curl_url_get(u, CURLUPART_HOST, &host, 0);
		curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	}
	strbuf_init(&sb);
	strbuf_addf(&sb, "%s:%s", host ? host : "", port ? port : "");
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return strbuf_detach(&sb);
}

int fetch_redirect_check(const char *from, const char *to,
			 bool has_headers, struct errmsg *err)
{
	char *scheme = url_part(to, CURLUPART_SCHEME);
	char *was = url_part(from, CURLUPART_SCHEME);
	char *host = NULL, *to_host = NULL, *from_host = NULL;
	int ret = 0;

	if (!scheme || (strcmp(scheme, "http") && strcmp(scheme, "https")))
		ret = err_set(err, "redirect to a refused protocol '%s' (only "
			      "http and https may be redirected to)",
			      scheme ? scheme : "?");
	else if (was && !strcmp(was, "https") && strcmp(scheme, "https"))
		ret = err_set(err, "redirect from https to http refused (the "
			      "request would go unencrypted)");
	if (!ret && has_headers) {
		to_host = host_of(to);
		from_host = host_of(from);
		host = url_part(to, CURLUPART_HOST);
		if (strcmp(to_host, from_host))
			ret = err_set(err, "redirect to another host ('%s') "
				      "refused: the feed's headers would go "
				      "there (give the feed the url it "
				      "redirects to)", host ? host : "?");
	}
	curl_free(scheme);
	curl_free(was);
	curl_free(host);
	free(to_host);
	free(from_host);
	return ret;
}

static void job_finish(struct fetch_job *j, enum attempt a)
{
	struct fetch_job_state *s = j->state;

	j->fetched = time_now();
	if (a != ATTEMPT_OK) {
		fetch_validators_release(&s->rp.got);
		strbuf_reset(&j->body);
		j->ret = -1;
	} else {
		j->not_modified = s->rp.status == 304;
		j->got = s->rp.got;
		s->rp.got.etag = s->rp.got.last_modified = NULL;
		j->content_type = s->rp.content_type;
		s->rp.content_type = NULL;
		j->ret = 0;
	}
	s->state = JOB_DONE;
}

/* Starts the next attempt of j on m; false when j is done (failed). */
static bool job_start(CURLM *m, struct fetch_job *j)
{
	struct fetch_job_state *s = j->state;

	strbuf_reset(&j->body);
	fetch_validators_release(&s->rp.got);
	free(s->rp.content_type);
	s->rp.content_type = NULL;
	s->rp.status = 0;
	s->rp.retry_after_s = -1;
	s->errbuf[0] = '\0';
	s->sink = (struct sink){&j->body, j->o->max_bytes, false};
	if (!s->attempts++ && !s->redirects && j->o->budget_ms > 0)
		s->deadline = now_ms() + j->o->budget_ms;
	s->easy = curl_easy_init();
	if (!s->easy) {
		err_set(&j->err, "cannot start libcurl");
		job_finish(j, ATTEMPT_FAILED);
		return false;
	}
	if (set_options(s->easy, s->url ? s->url : j->url, s->hdrs, j->o,
			&s->sink, s->errbuf) < 0 ||
	    curl_easy_setopt(s->easy, CURLOPT_PRIVATE, j) != CURLE_OK ||
	    curl_multi_add_handle(m, s->easy) != CURLM_OK) {
		curl_easy_cleanup(s->easy);
		s->easy = NULL;
		err_set(&j->err, "libcurl refused an option (too old?)");
		job_finish(j, ATTEMPT_FAILED);
		return false;
	}
	s->state = JOB_RUNNING;
	return true;
}

/*
 * A 3xx reply with a Location: ATTEMPT_RETRY when j is to start again at
 * the new url at once (not counted as a retry), ATTEMPT_FAILED when the
 * redirect is refused, ATTEMPT_OK when there is none to follow.
 */
static enum attempt job_redirect(struct fetch_job *j)
{
	struct fetch_job_state *s = j->state;
	const char *from = s->url ? s->url : j->url;
	char *to = NULL;

	if (s->rp.status < 300 || s->rp.status > 399 || s->rp.status == 304 ||
	    curl_easy_getinfo(s->easy, CURLINFO_REDIRECT_URL, &to) !=
		    CURLE_OK || !to)
		return ATTEMPT_OK;
	if (s->redirects >= FETCH_MAX_REDIRECTS) {
		err_set(&j->err, "more than %d redirects",
			FETCH_MAX_REDIRECTS);
		return ATTEMPT_FAILED;
	}
	if (fetch_redirect_check(from, to, j->nheaders > 0, &j->err) < 0)
		return ATTEMPT_FAILED;
	to = xstrdup(to);
	free(s->url);
	s->url = to;
	free(s->host);
	s->host = host_of(to);
	s->redirects++;
	s->attempts--;
	return ATTEMPT_RETRY;
}

/* One attempt of j ended with rc: done, or waiting for its retry. */
static void job_ended(CURLM *m, struct fetch_job *j, CURLcode rc)
{
	struct fetch_job_state *s = j->state;
	enum attempt a = ATTEMPT_OK;
	long wait;

	if (rc != CURLE_OK) {
		a = curl_failure(rc, s->errbuf, &s->sink, j->o, &j->err);
	} else {
		read_reply(s->easy, &s->rp);
		a = job_redirect(j);
		if (a == ATTEMPT_RETRY) {
			curl_multi_remove_handle(m, s->easy);
			curl_easy_cleanup(s->easy);
			s->easy = NULL;
			s->state = JOB_WAITING;
			s->wake_at = 0;
			return;
		}
		if (a == ATTEMPT_OK && s->rp.status >= 400) {
			err_set(&j->err, "HTTP status %ld", s->rp.status);
			a = s->rp.status >= 500 || s->rp.status == 429 ?
				ATTEMPT_RETRY : ATTEMPT_FAILED;
		}
	}
	curl_multi_remove_handle(m, s->easy);
	curl_easy_cleanup(s->easy);
	s->easy = NULL;
	if (a == ATTEMPT_RETRY && s->attempts <= j->o->retries) {
		wait = next_wait(j->o, s->attempts, &s->rp, s->deadline,
				 &s->rng, &j->err);
		if (wait >= 0) {
			s->state = JOB_WAITING;
			s->wake_at = now_ms() + wait;
			return;
		}
	}
	job_finish(j, a == ATTEMPT_RETRY ? ATTEMPT_FAILED : a);
}

static size_t running_to(struct fetch_job **jobs, size_t n, const char *host)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += jobs[i]->state->state == JOB_RUNNING &&
		     (!host || !strcmp(jobs[i]->state->host, host));
	return k;
}

/*
 * Starts the waiting jobs that are due, within the caps; returns how
 * long until the next one is due (ms; -1: none waits for a time).
 */
static long start_due(CURLM *m, struct fetch_job **jobs, size_t n)
{
	long next = -1, now = now_ms();

	for (size_t i = 0; i < n; i++) {
		struct fetch_job_state *s = jobs[i]->state;
		if (s->state != JOB_WAITING)
			continue;
		if (s->wake_at > now) {
			long d = s->wake_at - now;
			next = next < 0 || d < next ? d : next;
			continue;
		}
		if (running_to(jobs, n, NULL) >= FETCH_PARALLEL ||
		    running_to(jobs, n, s->host) >= FETCH_PER_HOST)
			continue;  /* a transfer ending wakes the poll */
		job_start(m, jobs[i]);
	}
	return next;
}

static size_t count_done(struct fetch_job **jobs, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += jobs[i]->state->state == JOB_DONE;
	return k;
}

static void jobs_setup(struct fetch_job **jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct fetch_job *j = jobs[i];
		struct fetch_job_state *s = xcalloc(1, sizeof(*s));

		j->state = s;
		s->rp.retry_after_s = -1;
		s->rng = j->o->jitter_seed ^ fnv1a(j->url);
		s->host = host_of(j->url);
		j->ret = -1;
		j->not_modified = false;
		if (build_headers(j->headers, j->nheaders, j->send, &s->hdrs,
				  &j->err) < 0)
			s->state = JOB_DONE;
	}
}

static void jobs_teardown(struct fetch_job **jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct fetch_job_state *s = jobs[i]->state;

		curl_slist_free_all(s->hdrs);
		fetch_validators_release(&s->rp.got);
		free(s->rp.content_type);
		free(s->host);
		free(s->url);
		free(s);
		jobs[i]->state = NULL;
	}
}

void fetch_many(struct fetch_job **jobs, size_t n)
{
	CURLM *m = curl_multi_init();
	CURLMsg *msg;
	int left;

	jobs_setup(jobs, n);
	if (!m) {
		for (size_t i = 0; i < n; i++)
			if (jobs[i]->state->state != JOB_DONE) {
				err_set(&jobs[i]->err, "cannot start libcurl");
				job_finish(jobs[i], ATTEMPT_FAILED);
			}
	}
	while (m && count_done(jobs, n) < n) {
		long next = start_due(m, jobs, n);
		int timeout = next < 0 || next > 1000 ? 1000 : (int)next;

		curl_multi_perform(m, &left);
		while ((msg = curl_multi_info_read(m, &left))) {
			struct fetch_job *j = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
					  (char **)&j);
			job_ended(m, j, msg->data.result);
			timeout = 0;  /* its retry or a queued job may start */
		}
		if (count_done(jobs, n) < n && timeout)
			curl_multi_poll(m, NULL, 0, timeout, NULL);
	}
	jobs_teardown(jobs, n);
	curl_multi_cleanup(m);
}

int fetch_url_cond(const char *url, const char *const *headers,
		   size_t nheaders, const struct fetch_opts *o,
		   const struct fetch_validators *send,
		   struct fetch_validators *got, bool *not_modified,
		   struct strbuf *body, struct errmsg *err)
{
	struct fetch_job j, *jp = &j;

	fetch_job_init(&j, url, headers, nheaders, o, send);
	fetch_many(&jp, 1);
	if (not_modified)
		*not_modified = j.ret == 0 && j.not_modified;
	if (j.ret < 0)
		*err = j.err;
	strbuf_release(body);
	*body = j.body;   /* no copy of a body of up to max_bytes */
	strbuf_init(&j.body);
	if (got && j.ret == 0) {
		*got = j.got;
		j.got.etag = j.got.last_modified = NULL;
	}
	fetch_job_release(&j);
	return j.ret;
}

int fetch_url(const char *url, const char *const *headers, size_t nheaders,
	      const struct fetch_opts *o, struct strbuf *body,
	      struct errmsg *err)
{
	return fetch_url_cond(url, headers, nheaders, o, NULL, NULL, NULL,
			      body, err);
}
