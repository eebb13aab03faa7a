/*
 * fake-server.c - a small HTTP/1.1 server for the end-to-end tests of
 * feeds, after curl's test servers: canned files plus faults on demand.
 *
 *   fake-server [-l LOG] [-T TIMELOG] [-i IDLE_SECONDS] [-n PORTS]
 *               PORTFILE DIR
 *
 * Binds 127.0.0.1 on a free port (-n: on PORTS free ports, 1 to 8, all
 * served alike), writes the port number to PORTFILE (one line per port;
 * atomically: tests wait for the file), and serves DIR.  Every request
 * line is appended to LOG, so tests can check what was asked for, then
 * "  If-None-Match: ..." and "  If-Modified-Since: ..." lines when sent.  The
 * path prefix picks a fault:
 *
 *   /status/NNN/PATH   replies status NNN
 *   /truncate/PATH     Content-Length of the whole file, half the body
 *   /empty/PATH        200 with an empty body (Content-Length: 0)
 *   /html/PATH         200 with an HTML page (Content-Type: text/html)
 *   /slow/PATH         waits 2 seconds, then serves PATH; in a child
 *                      process, so that slow replies overlap
 *   /flaky/PATH        503 the first time PATH is asked for, then serves it
 *   /redirect/PATH     302 to /PATH on this server
 *   /redirect-file     302 to file:///etc/passwd (clients must refuse)
 *   /redirect-to/PORT/PATH  302 to http://127.0.0.1:PORT/PATH (another
 *                      host, as clients see it, when PORT is another port)
 *   /gzip/PATH         PATH with Content-Encoding: gzip (stored deflate
 *                      blocks: no zlib needed, any inflater reads them)
 *   /retry-after/N/PATH  429 with Retry-After: N the first time, then PATH
 *   /fail-once/PATH    500 the first time PATH is asked for, then serves it
 *   /reset-once/PATH   the first time, closes the connection without a
 *                      reply (a TCP reset), then serves PATH
 *   /etag/PATH         PATH with an ETag (of its content) and a fixed
 *                      Last-Modified; 304 to a matching If-None-Match (or
 *                      If-Modified-Since when there is none); logs both
 *   /hang              never replies (waits for the client to give up)
 *   /ua/PATH           PATH, logging "  User-Agent: ..." after the request
 *                      line (only here: other tests compare whole logs)
 *   /login/B64/TOKEN   {"token": "TOKEN"} when the request carries
 *                      "Authorization: Basic B64", else 401
 *   /bearer/TOKEN/PATH PATH when the request carries "Authorization:
 *                      Bearer TOKEN", else 401
 *
 * TIMELOG gets "MS request PATH" when a request has been read and "MS
 * reply PATH" when its reply has been sent, MS from CLOCK_MONOTONIC (one
 * clock for all servers of a test): so a test can tell that a client
 * sent requests to several servers before any of them replied, and (the
 * /slow/ replies overlapping) how many requests were open at once.
 *
 * One connection at a time (but /slow/ replies), Connection: close.  Exits after IDLE_SECONDS
 * (default 60) without a connection, or on SIGTERM.
 */
#include "core/core.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_HEAD 16384
#define READ_TIMEOUT_MS 5000

#define MAX_PORTS 8

struct server {
	int listen_fd[MAX_PORTS];
	int nports;
	const char *dir;
	FILE *log;
	FILE *timelog;
	int idle_s;
	char **seen; /* paths asked for under /flaky/ */
	size_t nseen, alloc_seen;
};

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void reply_head_typed(int fd, int status, const char *reason,
			     const char *type, size_t length,
			     const char *extra)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n",
		    status, reason, type);
	if (status != 304)
		strbuf_addf(&sb, "Content-Length: %zu\r\n", length);
	strbuf_addf(&sb, "Connection: close\r\n%s\r\n", extra ? extra : "");
	write_all(fd, sb.buf, sb.len);
	strbuf_release(&sb);
}

static void reply_head(int fd, int status, const char *reason,
		       size_t length, const char *extra)
{
	reply_head_typed(fd, status, reason, "text/plain", length, extra);
}

/* 200 with an HTML page, as a provider's login or error page comes. */
static void reply_html(int fd)
{
	static const char page[] =
		"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
		"<body><p>Please sign in to continue.</p></body></html>\n";

	reply_head_typed(fd, 200, "OK", "text/html; charset=utf-8",
			 sizeof(page) - 1, NULL);
	write_all(fd, page, sizeof(page) - 1);
}

static void reply_text(int fd, int status, const char *reason,
		       const char *extra)
{
	struct strbuf body;

	strbuf_init(&body);
	strbuf_addf(&body, "%d %s\n", status, reason);
	reply_head(fd, status, reason, body.len, extra);
	write_all(fd, body.buf, body.len);
	strbuf_release(&body);
}

/* The file under dir for a request path, or -1 (no "..", no query). */
static int load_file(const struct server *s, const char *path,
		     struct strbuf *body)
{
	struct strbuf full;
	size_t len = strcspn(path, "?#");
	int ret;

	while (*path == '/' && len) {
		path++;
		len--;
	}
	if (!len || strstr(path, ".."))
		return -1;
	strbuf_init(&full);
	strbuf_addf(&full, "%s/%.*s", s->dir, (int)len, path);
	ret = strbuf_read_file(body, full.buf, (size_t)1 << 30);
	strbuf_release(&full);
	return ret;
}

static void serve_file(const struct server *s, int fd, const char *path,
		       bool truncate)
{
	struct strbuf body;

	strbuf_init(&body);
	if (load_file(s, path, &body) < 0) {
		reply_text(fd, 404, "Not Found", NULL);
	} else {
		reply_head(fd, 200, "OK", body.len, NULL);
		write_all(fd, body.buf, truncate ? body.len / 2 : body.len);
	}
	strbuf_release(&body);
}

static uint32_t crc32_of(const char *p, size_t len)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		c ^= (unsigned char)p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void add_le(struct strbuf *sb, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		char b = (char)(v >> (8 * i) & 0xff);
		strbuf_add(sb, &b, 1);
	}
}

/* RFC 1952 gzip of in, its deflate data as stored (uncompressed) blocks. */
static void gzip_stored(const struct strbuf *in, struct strbuf *out)
{
	static const char head[10] = {0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0,
				      0, 3};
	size_t off = 0;

	strbuf_add(out, head, sizeof(head));
	do {
		size_t n = in->len - off > 65535 ? 65535 : in->len - off;
		char final = off + n == in->len;
		strbuf_add(out, &final, 1);          /* BFINAL, BTYPE 00 */
		add_le(out, (uint32_t)n, 2);
		add_le(out, (uint32_t)~n & 0xffff, 2);
		strbuf_add(out, in->buf + off, n);
		off += n;
	} while (off < in->len);
	add_le(out, crc32_of(in->buf, in->len), 4);
	add_le(out, (uint32_t)in->len, 4);
}

static void serve_gzip(const struct server *s, int fd, const char *path)
{
	struct strbuf body, gz;

	strbuf_init(&body);
	strbuf_init(&gz);
	if (load_file(s, path, &body) < 0) {
		reply_text(fd, 404, "Not Found", NULL);
	} else {
		gzip_stored(&body, &gz);
		reply_head(fd, 200, "OK", gz.len,
			   "Content-Encoding: gzip\r\n");
		write_all(fd, gz.buf, gz.len);
	}
	strbuf_release(&gz);
	strbuf_release(&body);
}

/* The value of header `name` in the request head, or false. */
static bool header_value(const char *head, const char *name,
			 struct strbuf *out)
{
	size_t n = strlen(name);

	for (const char *p = strstr(head, "\r\n"); p; p = strstr(p, "\r\n")) {
		p += 2;
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			const char *v = p + n + 1;
			v += strspn(v, " \t");
			strbuf_add(out, v, strcspn(v, "\r\n"));
			return true;
		}
	}
	return false;
}

#define LAST_MODIFIED "Wed, 21 Oct 2015 07:28:00 GMT"

/* ETag "fnv-<hash of the content>"; 304 when the client has it. */
static void serve_etag(const struct server *s, int fd, const char *path,
		       const char *head)
{
	struct strbuf body, tag, extra, h;
	uint64_t hash = 0xcbf29ce484222325ULL;

	strbuf_init(&body);
	strbuf_init(&tag);
	strbuf_init(&extra);
	strbuf_init(&h);
	if (load_file(s, path, &body) < 0) {
		reply_text(fd, 404, "Not Found", NULL);
		goto out;
	}
	for (size_t i = 0; i < body.len; i++)
		hash = (hash ^ (unsigned char)body.buf[i]) * 0x100000001b3ULL;
	strbuf_addf(&tag, "\"fnv-%016llx\"", (unsigned long long)hash);
	strbuf_addf(&extra, "ETag: %s\r\nLast-Modified: %s\r\n", tag.buf,
		    LAST_MODIFIED);
	/* RFC 9110 13.2.2: If-Modified-Since only without If-None-Match */
	if (header_value(head, "If-None-Match", &h) ?
	    !strcmp(h.buf, tag.buf) :
	    header_value(head, "If-Modified-Since", &h) &&
	    !strcmp(h.buf, LAST_MODIFIED)) {
		reply_head(fd, 304, "Not Modified", 0, extra.buf);
		goto out;
	}
	reply_head(fd, 200, "OK", body.len, extra.buf);
	write_all(fd, body.buf, body.len);
out:
	strbuf_release(&h);
	strbuf_release(&extra);
	strbuf_release(&tag);
	strbuf_release(&body);
}

/* Closes with a RST (SO_LINGER 0) instead of a FIN. */
static void reset(int fd)
{
	struct linger l = {1, 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

/* Waits until the client closes (or READ_TIMEOUT_MS x 6 pass). */
static void hang(int fd)
{
	char buf[512];

	for (int i = 0; i < 6; i++) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, READ_TIMEOUT_MS) > 0 &&
		    read(fd, buf, sizeof(buf)) <= 0)
			return;
	}
}

static bool first_time(struct server *s, const char *path)
{
	for (size_t i = 0; i < s->nseen; i++)
		if (!strcmp(s->seen[i], path))
			return false;
	ALLOC_GROW(s->seen, s->nseen + 1, s->alloc_seen);
	s->seen[s->nseen++] = xstrdup(path);
	return true;
}

/* path is name, maybe followed by a query string */
static bool is(const char *path, const char *name)
{
	size_t n = strlen(name);
	return !strncmp(path, name, n) && (!path[n] || path[n] == '?');
}

/* The first path segment of p (up to '/') equals the header's value. */
static bool auth_matches(const char *head, const char *scheme,
			 const char *p, size_t len)
{
	struct strbuf h, want;
	bool ok;

	strbuf_init(&h);
	strbuf_init(&want);
	strbuf_addf(&want, "%s %.*s", scheme, (int)len, p);
	ok = header_value(head, "Authorization", &h) && !strcmp(h.buf, want.buf);
	strbuf_release(&want);
	strbuf_release(&h);
	return ok;
}

/* /login/B64/TOKEN and /bearer/TOKEN/PATH (path past the prefix). */
static void serve_auth(struct server *s, int fd, const char *p,
		       const char *head, bool login)
{
	const char *slash = strchr(p, '/');
	struct strbuf body;

	if (!slash || !auth_matches(head, login ? "Basic" : "Bearer", p,
				    (size_t)(slash - p))) {
		reply_text(fd, 401, "Unauthorized", NULL);
		return;
	}
	if (!login) {
		serve_file(s, fd, slash, false);
		return;
	}
	strbuf_init(&body);
	strbuf_addf(&body, "{\"token\": \"%s\"}", slash + 1);
	reply_head(fd, 200, "OK", body.len, NULL);
	write_all(fd, body.buf, body.len);
	strbuf_release(&body);
}

static void route(struct server *s, int fd, const char *path,
		  const char *head)
{
	struct strbuf extra;
	int code, n = 0;

	if (is(path, "/hang")) {
		hang(fd);
	} else if (!strncmp(path, "/status/", 8) &&
		   sscanf(path + 8, "%3d", &code) == 1) {
		reply_text(fd, code, "Fault", NULL);
	} else if (!strncmp(path, "/empty/", 7)) {
		reply_head(fd, 200, "OK", 0, NULL);
	} else if (!strncmp(path, "/html/", 6)) {
		reply_html(fd);
	} else if (!strncmp(path, "/truncate/", 10)) {
		serve_file(s, fd, path + 10, true);
	} else if (!strncmp(path, "/flaky/", 7)) {
		if (first_time(s, path))
			reply_text(fd, 503, "Service Unavailable", NULL);
		else
			serve_file(s, fd, path + 7, false);
	} else if (!strncmp(path, "/ua/", 4)) {
		serve_file(s, fd, path + 3, false);
	} else if (!strncmp(path, "/gzip/", 6)) {
		serve_gzip(s, fd, path + 6);
	} else if (!strncmp(path, "/login/", 7)) {
		serve_auth(s, fd, path + 7, head, true);
	} else if (!strncmp(path, "/bearer/", 8)) {
		serve_auth(s, fd, path + 8, head, false);
	} else if (!strncmp(path, "/etag/", 6)) {
		serve_etag(s, fd, path + 6, head);
	} else if (!strncmp(path, "/retry-after/", 13) &&
		   sscanf(path + 13, "%6d/%n", &code, &n) == 1 && n) {
		strbuf_init(&extra);
		strbuf_addf(&extra, "Retry-After: %d\r\n", code);
		if (first_time(s, path))
			reply_text(fd, 429, "Too Many Requests", extra.buf);
		else
			serve_file(s, fd, path + 13 + n, false);
		strbuf_release(&extra);
	} else if (!strncmp(path, "/fail-once/", 11)) {
		if (first_time(s, path))
			reply_text(fd, 500, "Internal Server Error", NULL);
		else
			serve_file(s, fd, path + 11, false);
	} else if (!strncmp(path, "/reset-once/", 12)) {
		if (first_time(s, path))
			reset(fd);
		else
			serve_file(s, fd, path + 12, false);
	} else if (is(path, "/redirect-file")) {
		reply_text(fd, 302, "Found",
			   "Location: file:///etc/passwd\r\n");
	} else if (!strncmp(path, "/redirect-to/", 13) &&
		   sscanf(path + 13, "%6d/%n", &code, &n) == 1 && n) {
		strbuf_init(&extra);
		strbuf_addf(&extra, "Location: http://127.0.0.1:%d/%s\r\n",
			    code, path + 13 + n);
		reply_text(fd, 302, "Found", extra.buf);
		strbuf_release(&extra);
	} else if (!strncmp(path, "/redirect/", 10)) {
		strbuf_init(&extra);
		strbuf_addf(&extra, "Location: %s\r\n", path + 9);
		reply_text(fd, 302, "Found", extra.buf);
		strbuf_release(&extra);
	} else {
		serve_file(s, fd, path, false);
	}
}

/* Reads the request head; returns its length or -1. */
static int read_head(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;
		if (poll(&p, 1, READ_TIMEOUT_MS) <= 0)
			return -1;
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			return (int)len;
	}
	return -1;
}

static void log_time(struct server *s, const char *what, const char *path)
{
	struct timespec ts;

	if (!s->timelog)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(s->timelog, "%lld %s %s\n",
		(long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, what, path);
	fflush(s->timelog);
}

/*
 * /slow/PATH: a child waits 2 s and replies, while this process goes on
 * accepting.  False when there is no child (the caller replies itself,
 * without waiting).
 */
static bool slow_reply(struct server *s, int fd, const char *path)
{
	pid_t pid = fork();

	if (pid < 0)
		return false;
	if (pid > 0)
		return true;
	sleep(2);
	serve_file(s, fd, path + 6, false);
	log_time(s, "reply", path);
	close(fd);
	_exit(0);
}

static void handle(struct server *s, int fd)
{
	char head[MAX_HEAD], method[16], path[4096];
	size_t eol;

	if (read_head(fd, head, sizeof(head)) < 0)
		return;
	eol = strcspn(head, "\r\n");
	if (s->log) {
		fprintf(s->log, "%.*s\n", (int)eol, head);
		fflush(s->log);
	}
	if (sscanf(head, "%15s %4095s", method, path) != 2) {
		reply_text(fd, 400, "Bad Request", NULL);
		return;
	}
	if (strcmp(method, "GET")) {
		reply_text(fd, 405, "Method Not Allowed", NULL);
		return;
	}
	if (s->log) {
		struct strbuf h;
		strbuf_init(&h);
		if (header_value(head, "If-None-Match", &h))
			fprintf(s->log, "  If-None-Match: %s\n", h.buf);
		strbuf_reset(&h);
		if (header_value(head, "If-Modified-Since", &h))
			fprintf(s->log, "  If-Modified-Since: %s\n", h.buf);
		strbuf_reset(&h);
		if (!strncmp(path, "/ua/", 4) &&
		    header_value(head, "User-Agent", &h))
			fprintf(s->log, "  User-Agent: %s\n", h.buf);
		strbuf_release(&h);
		fflush(s->log);
	}
	log_time(s, "request", path);
	if (!strncmp(path, "/slow/", 6) && slow_reply(s, fd, path))
		return;
	route(s, fd, path, head);
	log_time(s, "reply", path);
}

static int listen_local(int *port)
{
	struct sockaddr_in sin = {0};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

static int write_ports(const char *path, const int *ports, int n)
{
	struct strbuf tmp;
	FILE *f;
	int ret = 0;

	strbuf_init(&tmp);
	strbuf_addf(&tmp, "%s.tmp", path);
	f = fopen(tmp.buf, "w");
	for (int i = 0; f && i < n; i++)
		if (fprintf(f, "%d\n", ports[i]) < 0)
			ret = -1;
	if (!f || fclose(f) != 0 || ret < 0 || rename(tmp.buf, path) < 0)
		ret = -1;
	strbuf_release(&tmp);
	return ret;
}

static void serve(struct server *s)
{
	struct pollfd p[MAX_PORTS];

	for (;;) {
		int n;
		for (int i = 0; i < s->nports; i++)
			p[i] = (struct pollfd){s->listen_fd[i], POLLIN, 0};
		n = poll(p, (nfds_t)s->nports, s->idle_s * 1000);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (int i = 0; i < s->nports; i++) {
			int fd;
			if (!(p[i].revents & POLLIN))
				continue;
			fd = accept(s->listen_fd[i], NULL, NULL);
			if (fd < 0)
				continue;
			handle(s, fd);
			close(fd);
		}
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: fake-server [-l LOG] [-T TIMELOG] "
			"[-i IDLE_SECONDS] [-n PORTS] PORTFILE DIR\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct server s = {0};
	const char *log = NULL, *timelog = NULL;
	char *end;
	int c, ports[MAX_PORTS];

	s.idle_s = 60;
	s.nports = 1;
	while ((c = getopt(argc, argv, "l:T:i:n:")) != -1) {
		switch (c) {
		case 'l':
			log = optarg;
			break;
		case 'T':
			timelog = optarg;
			break;
		case 'i':
			s.idle_s = (int)strtol(optarg, &end, 10);
			if (*end || s.idle_s <= 0)
				return usage();
			break;
		case 'n':
			s.nports = (int)strtol(optarg, &end, 10);
			if (*end || s.nports < 1 || s.nports > MAX_PORTS)
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 2)
		return usage();
	s.dir = argv[optind + 1];
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN); /* /slow/ children: reaped by the kernel */
	if (log && !(s.log = fopen(log, "a"))) {
		perror(log);
		return 1;
	}
	if (timelog && !(s.timelog = fopen(timelog, "a"))) {
		perror(timelog);
		return 1;
	}
	for (int i = 0; i < s.nports; i++) {
		s.listen_fd[i] = listen_local(&ports[i]);
		if (s.listen_fd[i] < 0) {
			perror("fake-server");
			return 1;
		}
	}
	if (write_ports(argv[optind], ports, s.nports) < 0) {
		perror("fake-server");
		return 1;
	}
	serve(&s);
	for (int i = 0; i < s.nports; i++)
		close(s.listen_fd[i]);
	if (s.log)
		fclose(s.log);
	if (s.timelog)
		fclose(s.timelog);
	strv_free(s.seen, s.nseen);
	return 0;
}
