/*
 * history.c - reading job run history: the format is told from the
 * content (or the .swf extension), each line is checked strictly, and the
 * first bad field stops the read with "FILE:LINE:COL: ...", because a
 * misread column would silently teach the predictor nonsense.
 *
 * Every file goes through zlib's gzread, which reads gzip and plain files
 * alike, so `.swf.gz` (and any other gzipped history) needs no special
 * case; a truncated or corrupt gzip stream is an error, never a short read.
 * The per-format parsers live in history-csv.c (greenslot CSV, JSON
 * Lines, executor rows) and history-hpc.c (SWF, sacct).
 */
#include "forecast/forecast.h"
#include "forecast/history.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <zlib.h>

#define HISTORY_MAX_BYTES ((size_t)4 << 30)

void run_set_init(struct run_set *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void run_set_release(struct run_set *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		job_run_release(&rs->runs[i]);
	free(rs->runs);
	memset(rs, 0, sizeof(*rs));
}

struct job_run *run_set_push(struct run_set *rs)
{
	struct job_run *r;

	ALLOC_GROW(rs->runs, rs->n + 1, rs->alloc);
	r = &rs->runs[rs->n++];
	memset(r, 0, sizeof(*r));
	r->quantity = r->runtime_s = r->requested_s = r->energy_kwh = (double)NAN;
	r->submit = r->start = r->end = GS_TIME_NONE;
	return r;
}

int hist_fail(struct hist_reader *hr, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr_at(hr->err, hr->file, hr->line, col, fmt, ap);
	va_end(ap);
	return -1;
}

char *hist_next_line(struct hist_reader *hr)
{
	char *line = hr->pos, *nl;
	size_t len;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	len = nl ? (size_t)(nl - line) : strlen(line);
	hr->pos = nl ? nl + 1 : line + len;
	line[len] = '\0';
	if (len && line[len - 1] == '\r')
		line[len - 1] = '\0';
	hr->line++;
	return line;
}

static void push_field(struct hist_fields *f, char *s, int col)
{
	ALLOC_GROW(f->v, f->n + 1, f->alloc);
	f->v[f->n].s = s;
	f->v[f->n].col = col;
	f->n++;
}

/* A quoted CSV field starting at *p (the quote): unescaped in place. */
static int split_quoted(struct hist_reader *hr, char *line, char **p,
			char delim)
{
	char *r = *p + 1, *w = *p;

	for (;;) {
		if (!*r)
			return hist_fail(hr, (int)(*p - line) + 1,
					 "unterminated quoted field");
		if (*r == '"' && r[1] == '"') {
			*w++ = '"';
			r += 2;
		} else if (*r == '"') {
			r++;
			break;
		} else {
			*w++ = *r++;
		}
	}
	if (*r && *r != delim)
		return hist_fail(hr, (int)(r - line) + 1,
				 "text after a closing quote");
	*w = '\0';
	*p = r;
	return 0;
}

int hist_split(struct hist_reader *hr, char *line, char delim, bool quotes,
	       struct hist_fields *f)
{
	char *p = line;

	f->n = 0;
	for (;;) {
		char *start = p;
		push_field(f, start, (int)(p - line) + 1);
		if (quotes && *p == '"') {
			if (split_quoted(hr, line, &p, delim) < 0)
				return -1;
		} else {
			while (*p && *p != delim)
				p++;
		}
		if (!*p)
			return 0;
		*p++ = '\0';
	}
}

int hist_number(struct hist_reader *hr, const struct hist_field *f,
		double *out)
{
	char *end;

	errno = 0;
	*out = strtod(f->s, &end);
	if (end == f->s || *end || errno || !isfinite(*out))
		return hist_fail(hr, f->col, "invalid number '%s'", f->s);
	return 0;
}

int hist_time(struct hist_reader *hr, const struct hist_field *f,
	      gs_time *out)
{
	double v;
	char *end;

	if (!time_parse(f->s, out))
		return 0;
	v = strtod(f->s, &end);
	if (end != f->s && !*end && isfinite(v) && fabs(v) < 1e11) {
		*out = (gs_time)v;
		return 0;
	}
	return hist_fail(hr, f->col, "invalid time '%s' (want RFC 3339 or "
			 "seconds since 1970)", f->s);
}

char *hist_resources_json(const char *name, double count)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "{\"%s\":%.17g}", name, count);
	return strbuf_detach(&sb);
}

int hist_finish_times(struct hist_reader *hr, struct job_run *r, int col)
{
	if (r->start != GS_TIME_NONE && r->end != GS_TIME_NONE) {
		if (r->end < r->start)
			return hist_fail(hr, col, "run ends before it starts");
		if (isnan(r->runtime_s))
			r->runtime_s = (double)(r->end - r->start);
	}
	if (r->start != GS_TIME_NONE && r->end == GS_TIME_NONE &&
	    !isnan(r->runtime_s))
		r->end = r->start + (gs_time)llround(r->runtime_s);
	if (r->submit == GS_TIME_NONE)
		r->submit = r->start;
	if (r->submit != GS_TIME_NONE && r->start != GS_TIME_NONE &&
	    r->start < r->submit)
		return hist_fail(hr, col, "run starts before it is submitted");
	return 0;
}

int hist_parse(struct hist_reader *hr, enum hist_format fmt, char *text)
{
	hr->pos = text;
	hr->line = 0;
	switch (fmt) {
	case HIST_SWF:
		return hist_parse_swf(hr);
	case HIST_SACCT:
		return hist_parse_sacct(hr);
	case HIST_JSONL:
		return hist_parse_jsonl(hr);
	case HIST_EXECUTOR:
		return hist_parse_csv(hr, true);
	case HIST_CSV:
	default:
		return hist_parse_csv(hr, false);
	}
}

/* Reads the whole file, gunzipping it if it is gzip. */
static int read_all(const char *path, struct strbuf *sb, struct errmsg *err)
{
	gzFile gz = gzopen(path, "rb");
	char buf[1 << 16];
	int n, zerr;

	if (!gz)
		return err_set(err, "cannot open '%s': %s", path,
			       strerror(errno ? errno : ENOMEM));
	while ((n = gzread(gz, buf, sizeof(buf))) > 0) {
		if (sb->len + (size_t)n > HISTORY_MAX_BYTES) {
			gzclose(gz);
			return err_set(err, "'%s' is larger than %zu bytes",
				       path, HISTORY_MAX_BYTES);
		}
		strbuf_add(sb, buf, (size_t)n);
	}
	if (n < 0) {
		const char *msg = gzerror(gz, &zerr);
		err_set(err, "%s: cannot read: %s", path,
			zerr == Z_ERRNO ? strerror(errno) : msg);
		gzclose(gz);
		return -1;
	}
	zerr = gzclose(gz);
	if (zerr == Z_BUF_ERROR)
		return err_set(err, "%s: truncated gzip stream", path);
	if (zerr != Z_OK)
		return err_set(err, "%s: cannot read (zlib error %d)", path,
			       zerr);
	return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* The first line that is neither empty nor blank. */
static const char *first_line(const char *text, size_t *len)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (strspn(p, " \t\r") < n) {
			*len = n;
			return p;
		}
		p += n + (nl != NULL);
	}
	*len = 0;
	return p;
}

static bool line_has(const char *line, size_t len, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i + w <= len; i++)
		if (!strncmp(line + i, word, w))
			return true;
	return false;
}

/* Tells the format from the first line and the file name. */
static int detect(const char *path, const char *text, enum hist_format *fmt,
		  struct errmsg *err)
{
	size_t len;
	const char *l = first_line(text, &len);

	if (has_suffix(path, ".swf") || has_suffix(path, ".swf.gz") ||
	    (len && *l == ';'))
		*fmt = HIST_SWF;
	else if (len && *l == '{')
		*fmt = HIST_JSONL;
	else if (line_has(l, len, "|") && line_has(l, len, "JobID"))
		*fmt = HIST_SACCT;
	else if (line_has(l, len, "job_id") && line_has(l, len, "duration_s"))
		*fmt = HIST_EXECUTOR;
	else if (len && (isdigit((unsigned char)*l) || *l == ' '))
		*fmt = HIST_SWF;
	else if (len)
		*fmt = HIST_CSV;
	else
		return err_at(err, path, 1, 1, "empty run history");
	return 0;
}

const char *hist_format_name(enum hist_format f)
{
	static const char *const names[] = {"csv", "jsonl", "swf", "sacct",
					    "executor"};
	return names[f];
}

int history_read(const char *path, struct run_set *rs,
		 enum hist_format *fmt_out, struct errmsg *err)
{
	struct strbuf sb;
	struct hist_reader hr;
	enum hist_format fmt;
	int ret = -1;

	strbuf_init(&sb);
	if (read_all(path, &sb, err) < 0 || detect(path, sb.buf, &fmt, err) < 0)
		goto out;
	if (memchr(sb.buf, '\0', sb.len)) {
		err_at(err, path, 0, 0, "binary data in a run history");
		goto out;
	}
	memset(&hr, 0, sizeof(hr));
	hr.file = path;
	hr.rs = rs;
	hr.err = err;
	ret = hist_parse(&hr, fmt, sb.buf);
	if (ret < 0) {
		run_set_release(rs);
		goto out;
	}
	if (fmt_out)
		*fmt_out = fmt;
out:
	strbuf_release(&sb);
	return ret;
}
