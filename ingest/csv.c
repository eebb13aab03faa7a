/*
 * csv.c - an RFC 4180 record reader over a buffer in memory.
 *
 * Feeds arrive whole (a file or an HTTP body), so the reader walks the
 * buffer and hands out one record at a time, each field unquoted and with
 * the line and column where it starts: every message about a cell can
 * then point at it.
 */
#include "ingest/ingest.h"

void csv_reader_init(struct csv_reader *r, const char *display,
		     const char *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->p = buf;
	r->end = buf + len;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		r->p += 3;
	r->display = display;
	r->line = 1;
	r->bol = r->colp = r->p;
	r->coln = 1;
	strbuf_init(&r->data);
}

void csv_reader_release(struct csv_reader *r)
{
	strbuf_release(&r->data);
	free(r->fields);
	r->fields = NULL;
	r->nfields = r->alloc = 0;
}

/* Columns count characters, not bytes: skip UTF-8 continuation bytes. */
static int column_of(const char *bol, const char *at)
{
	int col = 1;
	for (const char *p = bol; p < at; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			col++;
	return col;
}

static int csv_error(struct csv_reader *r, const char *at,
		     const char *what, struct errmsg *err)
{
	return err_at(err, r->display, r->line, column_of(r->bol, at), "%s",
		      what);
}

/* Length of the line end at p (LF or CRLF), 0 if none. */
static size_t eol_len(const struct csv_reader *r, const char *p)
{
	if (p < r->end && *p == '\n')
		return 1;
	if (p + 1 < r->end && p[0] == '\r' && p[1] == '\n')
		return 2;
	return 0;
}

static void new_line(struct csv_reader *r, const char *next)
{
	r->line++;
	r->bol = next;
	r->colp = next;
	r->coln = 1;
}

/*
 * The column of `at` on the current line, counted on from the previous
 * field's: a line of many fields stays linear to read.
 */
static int field_column(struct csv_reader *r, const char *at)
{
	if (r->colp < r->bol || r->colp > at) {
		r->colp = r->bol;
		r->coln = 1;
	}
	r->coln += column_of(r->colp, at) - 1;
	r->colp = at;
	return r->coln;
}

static int read_quoted(struct csv_reader *r, struct errmsg *err)
{
	const char *open = r->p++;
	int line = r->line;
	const char *bol = r->bol;

	for (;;) {
		size_t nl;
		if (r->p >= r->end) {
			r->line = line;
			r->bol = bol;
			return csv_error(r, open, "unterminated quoted field",
					 err);
		}
		if (*r->p == '"') {
			if (r->p + 1 < r->end && r->p[1] == '"') {
				strbuf_addch(&r->data, '"');
				r->p += 2;
				continue;
			}
			r->p++;
			return 0;
		}
		if (*r->p == '\0')
			return csv_error(r, r->p, "NUL byte in field", err);
		nl = eol_len(r, r->p);
		if (nl) {
			strbuf_add(&r->data, r->p, nl);
			r->p += nl;
			new_line(r, r->p);
			continue;
		}
		strbuf_addch(&r->data, *r->p++);
	}
}

static int read_plain(struct csv_reader *r, struct errmsg *err)
{
	const char *start = r->p;

	while (r->p < r->end && *r->p != ',' && !eol_len(r, r->p)) {
		if (*r->p == '"')
			return csv_error(r, r->p,
					 "quote inside an unquoted field", err);
		if (*r->p == '\0')
			return csv_error(r, r->p, "NUL byte in field", err);
		r->p++;
	}
	strbuf_add(&r->data, start, (size_t)(r->p - start));
	return 0;
}

/*
 * Reads one field into r->data; f->s is set when the record is complete
 * (r->data may move while it grows).
 */
static int read_field(struct csv_reader *r, struct errmsg *err)
{
	struct csv_field *f;
	size_t off = r->data.len;

	ALLOC_GROW(r->fields, r->nfields + 1, r->alloc);
	f = &r->fields[r->nfields++];
	f->line = r->line;
	f->col = field_column(r, r->p);
	if (r->p < r->end && *r->p == '"') {
		if (read_quoted(r, err) < 0)
			return -1;
		if (r->p < r->end && *r->p != ',' && !eol_len(r, r->p))
			return csv_error(r, r->p,
					 "unexpected text after a quoted field",
					 err);
	} else if (read_plain(r, err) < 0) {
		return -1;
	}
	f->len = r->data.len - off;
	strbuf_addch(&r->data, '\0');
	return 0;
}

int csv_read_record(struct csv_reader *r, struct errmsg *err)
{
	size_t nl;

	r->nfields = 0;
	strbuf_reset(&r->data);
	/* blank lines between records carry nothing */
	while ((nl = eol_len(r, r->p)) > 0) {
		r->p += nl;
		new_line(r, r->p);
	}
	if (r->p >= r->end)
		return 0;
	for (;;) {
		if (read_field(r, err) < 0)
			return -1;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		/* read_field() stopped at a line end or at the end */
		nl = eol_len(r, r->p);
		r->eol = nl > 0;
		r->p += nl;
		if (nl)
			new_line(r, r->p);
		break;
	}
	/* fields lie in r->data one after the other, each NUL-terminated */
	for (size_t i = 0, off = 0; i < r->nfields; i++) {
		r->fields[i].s = r->data.buf + off;
		off += r->fields[i].len + 1;
	}
	return 1;
}
