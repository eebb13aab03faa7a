/*
 * util.c - the small things every module needs: allocation that cannot
 * fail, the strbuf, error messages, atomic file writes, progress lines and
 * option-value parsing for the command layer.
 */
#include "core/core.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- memory ---- */

static GS_NORETURN void out_of_memory(size_t n)
{
	fprintf(stderr, "greenslot: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		out_of_memory(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b) {
		fprintf(stderr, "greenslot: size overflow (%zu x %zu)\n", a, b);
		abort();
	}
	return a * b;
}

/* ---- strbuf ---- */

static char strbuf_empty[1];

void strbuf_init(struct strbuf *sb)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->alloc ? sb->buf : xstrdup("");
	strbuf_init(sb);
	return p;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	bool fresh = !sb->alloc;
	if (sb->len + extra + 1 < sb->len)
		out_of_memory(SIZE_MAX);
	if (fresh)
		sb->buf = NULL;
	ALLOC_GROW(sb->buf, sb->len + extra + 1, sb->alloc);
	if (fresh)
		sb->buf[0] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

/* RFC 3629's table of well-formed sequences, byte by byte. */
size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	strbuf_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

int strbuf_read_file(struct strbuf *sb, const char *path, size_t max_bytes)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (sb->len + n > max_bytes) {
			fclose(f);
			errno = EFBIG;
			return -1;
		}
		strbuf_add(sb, chunk, n);
	}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		errno = e ? e : EIO;
		return -1;
	}
	fclose(f);
	return 0;
}

/* ---- errors ---- */

int err_set(struct errmsg *e, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int verr_at(struct errmsg *e, const char *file, int line, int col,
	    const char *fmt, va_list ap)
{
	int n = 0;

	if (!e)
		return -1;
	if (file && line > 0 && col > 0)
		n = snprintf(e->msg, sizeof(e->msg), "%s:%d:%d: ", file, line,
			     col);
	else if (file && line > 0)
		n = snprintf(e->msg, sizeof(e->msg), "%s:%d: ", file, line);
	else if (file)
		n = snprintf(e->msg, sizeof(e->msg), "%s: ", file);
	if (n < 0 || (size_t)n >= sizeof(e->msg))
		n = 0;
	vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
	return -1;
}

int err_at(struct errmsg *e, const char *file, int line, int col,
	   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr_at(e, file, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

GS_PRINTF(2, 0)
static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addstr(&sb, "greenslot: ");
	strbuf_addstr(&sb, prefix);
	strbuf_vaddf(&sb, fmt, ap);
	strbuf_addch(&sb, '\n');
	fputs(sb.buf, stderr);
	strbuf_release(&sb);
}

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
	exit(status);
}

/* ---- files ---- */

static mode_t current_umask(void)
{
	mode_t m = umask(022);
	umask(m);
	return m;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * A path that exists and is not a regular file (/dev/null, /dev/stdout, a
 * FIFO) is written in place: renaming over it would replace the device
 * with a file, for every program on the machine when run as root.
 */
static int write_in_place(const char *path, const void *data, size_t len,
			  struct errmsg *err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd < 0 || write_all(fd, data, len) < 0) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd) < 0 ? err_set(err, "cannot write '%s': %s", path,
				       strerror(errno)) : 0;
}

/*
 * The writer's PID if name is base's temp name "BASE.tmp.PID.XXXXXX" (as
 * file_write_atomic makes them), else 0.
 */
static long temp_writer(const char *name, const char *base)
{
	size_t n = strlen(base);
	const char *p;
	char *end;
	long pid;

	if (strncmp(name, base, n) || strncmp(name + n, ".tmp.", 5))
		return 0;
	p = name + n + 5;
	if (*p < '1' || *p > '9')
		return 0;
	errno = 0;
	pid = strtol(p, &end, 10);
	if (errno || *end != '.' || strlen(end + 1) != 6)
		return 0;
	for (p = end + 1; *p; p++)
		if (!isalnum((unsigned char)*p))
			return 0;
	return pid;
}

/*
 * Removes the temp files of path that a killed write left: those whose
 * writer's PID no longer exists (kill(pid, 0) says ESRCH).  A live
 * writer's file stays, and so does this process's (it may have a write
 * in flight), and any other name.  A writer in another PID namespace
 * looks dead: its rename then fails with an error, nothing is torn.
 */
static void remove_stale_temps(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	struct strbuf dir;
	struct dirent *de;
	DIR *d;

	strbuf_init(&dir);
	if (!slash)
		strbuf_addstr(&dir, ".");
	else
		strbuf_add(&dir, path, slash == path ? 1 : (size_t)(slash - path));
	d = opendir(dir.buf);
	while (d && (de = readdir(d))) {
		long pid = temp_writer(de->d_name, base);
		if (pid <= 0 || pid == (long)getpid() || pid > INT_MAX)
			continue;
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	if (d)
		closedir(d);
	strbuf_release(&dir);
}

int file_write_atomic(const char *path, const void *data, size_t len,
		      struct errmsg *err)
{
	struct strbuf tmp;
	struct stat st;
	int fd, ret = -1;

	if (!strcmp(path, "-")) {
		if (write_all(STDOUT_FILENO, data, len) < 0)
			return err_set(err, "cannot write to stdout: %s",
				       strerror(errno));
		return 0;
	}
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return err_set(err, "cannot write '%s': it is a "
				       "directory", path);
		return write_in_place(path, data, len, err);
	}
	strbuf_init(&tmp);
	/* the PID in the name lets a later write tell a stale one */
	strbuf_addf(&tmp, "%s.tmp.%ld.XXXXXX", path, (long)getpid());
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	/* mkstemp makes 0600; a report or plan is an ordinary file */
	(void)fchmod(fd, 0666 & ~current_umask());
	if (close(fd) < 0 || rename(tmp.buf, path) < 0) {
		err_set(err, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	remove_stale_temps(path);
	ret = 0;
out:
	strbuf_release(&tmp);
	return ret;
}

/* ---- progress ---- */

void progress_init(struct progress *pr, const char *what, size_t total)
{
	pr->what = what;
	pr->total = total;
	pr->tty = isatty(STDERR_FILENO);
	pr->last = 0;
}

void progress_update(struct progress *pr, size_t done)
{
	gs_time now;
	if (!pr->tty)
		return;
	now = time_now();
	if (now == pr->last && done != pr->total)
		return;
	pr->last = now;
	if (pr->total)
		fprintf(stderr, "\r%s: %zu/%zu (%d%%)", pr->what, done,
			pr->total, (int)(100.0 * (double)done / (double)pr->total));
	else
		fprintf(stderr, "\r%s: %zu", pr->what, done);
}

void progress_done(struct progress *pr)
{
	if (pr->tty)
		fprintf(stderr, "\r%s: done%*s\n", pr->what, 20, "");
}

/* ---- the command layer ---- */

struct store *cmd_store(struct cmd_ctx *ctx)
{
	struct errmsg err;

	if (ctx->store)
		return ctx->store;
	if (store_open(ctx->db_path, ctx->store_flags, &ctx->store, &err) < 0) {
		error("%s", err.msg);
		return NULL;
	}
	return ctx->store;
}

/* ---- option values ---- */

int opt_time(const char *opt, const char *arg, gs_time *out)
{
	if (time_parse(arg, out) < 0)
		return error("option '%s': invalid time '%s' (want RFC 3339 "
			     "with an offset, e.g. 2026-11-25T18:00:00Z)",
			     opt, arg);
	return 0;
}

int opt_duration(const char *opt, const char *arg, int64_t *out)
{
	if (duration_parse(arg, out) < 0 || *out <= 0)
		return error("option '%s': invalid duration '%s' (want ISO "
			     "8601, e.g. PT30M or P1DT2H)", opt, arg);
	return 0;
}

int opt_double(const char *opt, const char *arg, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(*out))
		return error("option '%s': invalid number '%s'", opt, arg);
	return 0;
}

void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
