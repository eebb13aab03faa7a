/*
 * fetch.c - getting a feed's bytes with libcurl.
 *
 * Feeds are remote services that fail in every way: slow, down, cut off,
 * redirecting somewhere odd, asking us to come back later.  One GET here
 * has timeouts, a size cap on the decoded body, a redirect policy (http
 * and https only: a server must not make us read file:///etc/passwd),
 * compressed transfer, conditional requests (ETag, Last-Modified) and
 * retries with jittered exponential backoff for the failures that pass
 * (5xx, 429, timeouts, dropped connections), honouring Retry-After.
 * Messages never contain the url: it may carry a token.
 */
#include "ingest/ingest.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <unistd.h>

#define USER_AGENT "greenslot/0.1 (+https://github.com/greenslot)"
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
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, 5L);
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
		err_set(err, "redirect or url to a refused protocol (only "
			"http and https may be redirected to)");
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
}

static enum attempt fetch_once(const char *url, struct curl_slist *hdrs,
			       const struct fetch_opts *o,
			       struct strbuf *body, struct reply *rp,
			       struct errmsg *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct sink sink = {body, o->max_bytes, false};
	CURL *c = curl_easy_init();
	CURLcode rc;

	strbuf_reset(body);
	fetch_validators_release(&rp->got);
	rp->status = 0;
	rp->retry_after_s = -1;
	if (!c) {
		err_set(err, "cannot start libcurl");
		return ATTEMPT_FAILED;
	}
	if (set_options(c, url, hdrs, o, &sink, errbuf) < 0) {
		curl_easy_cleanup(c);
		err_set(err, "libcurl refused an option (too old?)");
		return ATTEMPT_FAILED;
	}
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		enum attempt a = curl_failure(rc, errbuf, &sink, o, err);
		curl_easy_cleanup(c);
		return a;
	}
	read_reply(c, rp);
	curl_easy_cleanup(c);
	if (rp->status >= 400) {
		err_set(err, "HTTP status %ld", rp->status);
		return rp->status >= 500 || rp->status == 429 ? ATTEMPT_RETRY :
								ATTEMPT_FAILED;
	}
	return ATTEMPT_OK;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
static long backoff_wait(const struct fetch_opts *o, int retry,
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
	long wait = backoff_wait(o, retry, rng);
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

int fetch_url_cond(const char *url, const char *const *headers,
		   size_t nheaders, const struct fetch_opts *o,
		   const struct fetch_validators *send,
		   struct fetch_validators *got, bool *not_modified,
		   struct strbuf *body, struct errmsg *err)
{
	struct curl_slist *hdrs = NULL;
	struct reply rp = {0, -1, {NULL, NULL}};
	enum attempt a = ATTEMPT_FAILED;
	uint64_t rng = o->jitter_seed ^ fnv1a(url);
	long deadline = o->budget_ms > 0 ? now_ms() + o->budget_ms : 0;

	if (not_modified)
		*not_modified = false;
	if (build_headers(headers, nheaders, send, &hdrs, err) < 0)
		return -1;
	for (int i = 0; i <= o->retries; i++) {
		if (i) {
			long wait = next_wait(o, i, &rp, deadline, &rng, err);
			if (wait < 0)
				break;
			sleep_ms(wait);
		}
		a = fetch_once(url, hdrs, o, body, &rp, err);
		if (a != ATTEMPT_RETRY)
			break;
	}
	curl_slist_free_all(hdrs);
	if (a != ATTEMPT_OK) {
		fetch_validators_release(&rp.got);
		strbuf_reset(body);
		return -1;
	}
	if (rp.status == 304 && not_modified)
		*not_modified = true;
	if (got)
		*got = rp.got;
	else
		fetch_validators_release(&rp.got);
	return 0;
}

int fetch_url(const char *url, const char *const *headers, size_t nheaders,
	      const struct fetch_opts *o, struct strbuf *body,
	      struct errmsg *err)
{
	return fetch_url_cond(url, headers, nheaders, o, NULL, NULL, NULL,
			      body, err);
}
