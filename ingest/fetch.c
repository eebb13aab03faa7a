/*
 * fetch.c - getting a feed's bytes with libcurl.
 *
 * Feeds are remote services that fail in every way: slow, down, cut off,
 * redirecting somewhere odd.  One GET here has timeouts, a size cap, a
 * redirect policy (http and https only: a server must not make us read
 * file:///etc/passwd) and a few retries with backoff for the failures
 * that pass (5xx, 429, timeouts, dropped connections).  Messages never
 * contain the url: it may carry a token.
 */
#include "ingest/ingest.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>

#define USER_AGENT "greenslot/0.1"

void fetch_opts_init(struct fetch_opts *o)
{
	o->connect_timeout_ms = 10000;
	o->timeout_ms = 60000;
	o->max_bytes = FETCH_MAX_BYTES;
	o->retries = 2;
	o->backoff_ms = 500;
}

struct sink {
	struct strbuf *body;
	size_t max;
	bool too_big;
};

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
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, o->timeout_ms);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
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
	else
		err_set(err, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
	/* our messages start lower-case; curl's "Operation timed out" too */
	if (isupper((unsigned char)err->msg[0]) &&
	    islower((unsigned char)err->msg[1]))
		err->msg[0] = (char)tolower((unsigned char)err->msg[0]);
	return transient(rc) ? ATTEMPT_RETRY : ATTEMPT_FAILED;
}

static enum attempt fetch_once(const char *url, struct curl_slist *hdrs,
			       const struct fetch_opts *o,
			       struct strbuf *body, struct errmsg *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct sink sink = {body, o->max_bytes, false};
	CURL *c = curl_easy_init();
	CURLcode rc;
	long status = 0;

	strbuf_reset(body);
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
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (status >= 400) {
		err_set(err, "HTTP status %ld", status);
		return status >= 500 || status == 429 ? ATTEMPT_RETRY :
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

int fetch_url(const char *url, const char *const *headers, size_t nheaders,
	      const struct fetch_opts *o, struct strbuf *body,
	      struct errmsg *err)
{
	struct curl_slist *hdrs = NULL;
	enum attempt a = ATTEMPT_FAILED;
	long wait = o->backoff_ms;

	for (size_t i = 0; i < nheaders; i++) {
		struct curl_slist *n = curl_slist_append(hdrs, headers[i]);
		if (!n) {
			curl_slist_free_all(hdrs);
			return err_set(err, "out of memory for headers");
		}
		hdrs = n;
	}
	for (int i = 0; i <= o->retries; i++) {
		if (i) {
			sleep_ms(wait);
			wait *= 2;
		}
		a = fetch_once(url, hdrs, o, body, err);
		if (a != ATTEMPT_RETRY)
			break;
	}
	curl_slist_free_all(hdrs);
	if (a != ATTEMPT_OK) {
		strbuf_reset(body);
		return -1;
	}
	return 0;
}
