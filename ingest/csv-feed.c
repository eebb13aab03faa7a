/*
 * csv-feed.c - feed kind "csv": the contract's generic series CSV.
 *
 * Long form has one value per row (time,zone,signal,value[,unit][,issued]);
 * wide form has one column per signal (time,SIGNAL...[,issued][,zone]) and
 * takes the zone from FEEDS.json.  Columns are found by header name.  A
 * bad cell is an error naming its line and column: a half-read file must
 * never be stored (the caller stores all points or none).
 */
#include "ingest/ingest.h"

#include <math.h>

/* Column indices of one file, -1 when absent. */
struct layout {
	int time, zone, signal, value, unit, issued;
	bool wide;
	size_t ncols;
	const char **col_signal; /* wide form: interned signal, or NULL */
	const char **col_unit;   /* wide form: the signal's stored unit */
	const char *zone_default;
};

/* One conversion remembered: long-form files repeat signal and unit. */
struct conv_cache {
	const char *signal; /* interned; NULL: nothing cached */
	struct strbuf unit_in;
	struct unit_conv conv;
	const char *unit_out; /* interned, NULL for no unit */
};

struct csv_parse {
	const struct feed_response *r;
	struct csv_reader rd;
	struct layout lay;
	struct conv_cache cache;
	struct point_batch *out;
	char **names;
};

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* The field's text without surrounding blanks, as a C string in tmp. */
static const char *cell_text(const struct csv_field *f, struct strbuf *tmp)
{
	const char *s = f->s;
	size_t len = f->len;

	trim(&s, &len);
	strbuf_reset(tmp);
	strbuf_add(tmp, s, len);
	return tmp->buf;
}

static int cell_error(struct csv_parse *cp, const struct csv_field *f,
		      struct errmsg *err, const char *fmt, ...) GS_PRINTF(4, 5);

static int cell_error(struct csv_parse *cp, const struct csv_field *f,
		      struct errmsg *err, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	err_at(err, cp->r->display, f->line, f->col, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

/* Plain decimal numbers only: no hex, no nan/inf, nothing trailing. */
static int parse_number(const char *s, double *out)
{
	char *end;

	if (!*s)
		return -1;
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789.eE+-", *p))
			return -1;
	*out = strtod(s, &end);
	if (*end || !isfinite(*out))
		return -1;
	return 0;
}

static int set_column(int *slot, int i)
{
	if (*slot >= 0)
		return -1;
	*slot = i;
	return 0;
}

static int header_column(struct csv_parse *cp, size_t i, const char *name,
			 const struct csv_field *f, struct errmsg *err)
{
	struct layout *l = &cp->lay;
	static const char *const fixed[] = {"time", "zone", "signal",
					    "value", "unit", "issued"};
	int *slots[] = {&l->time, &l->zone, &l->signal,
			&l->value, &l->unit, &l->issued};

	if (!*name)
		return cell_error(cp, f, err, "empty column name");
	for (size_t j = 0; j < i; j++)
		if (!strcmp(cp->names[j], name))
			return cell_error(cp, f, err, "duplicate column '%s'",
					  name);
	for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
		if (!strcmp(name, fixed[k]))
			return set_column(slots[k], (int)i);
	if (!signal_valid(name))
		return cell_error(cp, f, err, "unknown column '%s'", name);
	l->col_signal[i] = point_batch_intern(cp->out, name, strlen(name));
	l->col_unit[i] = signal_unit(name);
	l->wide = true;
	return 0;
}

static int check_long_form(struct csv_parse *cp, struct errmsg *err)
{
	struct layout *l = &cp->lay;
	const struct csv_field *h = cp->rd.fields;

	for (size_t i = 0; i < l->ncols; i++)
		if (l->col_signal[i])
			return cell_error(cp, &h[i], err,
				"column '%s' in a long-form file (one with "
				"'signal' and 'value' columns)", cp->names[i]);
	if (l->signal < 0)
		return err_at(err, cp->r->display, 1, 1,
			      "missing column 'signal'");
	if (l->value < 0)
		return err_at(err, cp->r->display, 1, 1,
			      "missing column 'value'");
	if (l->zone < 0 && !l->zone_default)
		return err_at(err, cp->r->display, 1, 1,
			      "missing column 'zone'");
	return 0;
}

static int check_wide_form(struct csv_parse *cp, struct errmsg *err)
{
	struct layout *l = &cp->lay;

	if (l->unit >= 0)
		return cell_error(cp, &cp->rd.fields[l->unit], err,
			"column 'unit' needs the long form "
			"(time,zone,signal,value,unit)");
	if (!l->wide)
		return err_at(err, cp->r->display, 1, 1,
			      "no signal columns (want e.g. "
			      "time,carbon_intensity or time,zone,signal,"
			      "value)");
	if (l->zone < 0 && !l->zone_default)
		return err_at(err, cp->r->display, 1, 1,
			      "wide-form csv needs a 'zone' column or the "
			      "feed's \"zone\" in FEEDS.json (feed '%s')",
			      cp->r->feed->name);
	return 0;
}

static int read_header(struct csv_parse *cp, struct errmsg *err)
{
	struct layout *l = &cp->lay;
	struct strbuf tmp;
	int ret = csv_read_record(&cp->rd, err);

	if (ret < 0)
		return -1;
	if (ret == 0)
		return err_at(err, cp->r->display, 1, 0,
			      "empty input: no header line");
	l->ncols = cp->rd.nfields;
	l->col_signal = xcalloc(l->ncols, sizeof(*l->col_signal));
	l->col_unit = xcalloc(l->ncols, sizeof(*l->col_unit));
	cp->names = xcalloc(l->ncols, sizeof(*cp->names));
	strbuf_init(&tmp);
	for (size_t i = 0; i < l->ncols; i++) {
		cp->names[i] = xstrdup(cell_text(&cp->rd.fields[i], &tmp));
		if (header_column(cp, i, cp->names[i], &cp->rd.fields[i],
				  err) < 0) {
			strbuf_release(&tmp);
			return -1;
		}
	}
	strbuf_release(&tmp);
	if (l->time < 0)
		return err_at(err, cp->r->display, 1, 1,
			      "missing column 'time'");
	if (l->signal >= 0 || l->value >= 0)
		return check_long_form(cp, err);
	return check_wide_form(cp, err);
}

static int check_width(struct csv_parse *cp, struct errmsg *err)
{
	const struct csv_reader *rd = &cp->rd;
	size_t n = rd->nfields, want = cp->lay.ncols;

	if (n == want)
		return 0;
	if (n > want)
		return cell_error(cp, &rd->fields[want], err,
				  "%zu fields where the header has %zu", n,
				  want);
	if (!rd->eol)
		return cell_error(cp, &rd->fields[n - 1], err,
				  "truncated last line: %zu of %zu fields", n,
				  want);
	return cell_error(cp, &rd->fields[n - 1], err,
			  "%zu fields where the header has %zu", n, want);
}

static int cell_time(struct csv_parse *cp, int col, gs_time *t,
		     struct strbuf *tmp, struct errmsg *err)
{
	const struct csv_field *f = &cp->rd.fields[col];
	const char *s = cell_text(f, tmp);

	if (!*s)
		return cell_error(cp, f, err, "column '%s' is empty",
				  cp->names[col]);
	if (time_parse(s, t) < 0)
		return cell_error(cp, f, err,
				  "column '%s': invalid time '%s' (want RFC "
				  "3339 with an offset)", cp->names[col], s);
	return 0;
}

/* 0 and *have = false for an empty cell: no value. */
static int cell_number(struct csv_parse *cp, int col, double *v, bool *have,
		       struct strbuf *tmp, struct errmsg *err)
{
	const struct csv_field *f = &cp->rd.fields[col];
	const char *s = cell_text(f, tmp);

	*have = *s != '\0';
	if (!*have)
		return 0;
	if (parse_number(s, v) < 0)
		return cell_error(cp, f, err, "column '%s': invalid number '%s'",
				  cp->names[col], s);
	return 0;
}

/* The conversion for signal and the unit cell (NULL: no unit column). */
static int row_conversion(struct csv_parse *cp, const char *signal,
			  const char *unit, const struct csv_field *uf,
			  struct errmsg *err)
{
	struct conv_cache *c = &cp->cache;
	struct errmsg sub;

	if (!unit)
		unit = "";
	if (c->signal == signal && !strcmp(c->unit_in.buf, unit))
		return 0;
	c->signal = NULL;
	if (unit_conversion(signal, unit, &c->conv, &sub) < 0)
		return cell_error(cp, uf, err, "%s", sub.msg);
	c->signal = signal;
	strbuf_reset(&c->unit_in);
	strbuf_addstr(&c->unit_in, unit);
	c->unit_out = c->conv.unit.len ?
		point_batch_intern(cp->out, c->conv.unit.buf, c->conv.unit.len) :
		NULL;
	return 0;
}

static int long_row(struct csv_parse *cp, gs_time t, gs_time issued,
		    struct strbuf *tmp, struct errmsg *err)
{
	const struct layout *l = &cp->lay;
	const struct csv_field *fs = cp->rd.fields;
	const char *zone = l->zone_default, *signal, *s;
	double v;
	bool have;

	if (l->zone >= 0) {
		s = cell_text(&fs[l->zone], tmp);
		if (!*s)
			return cell_error(cp, &fs[l->zone], err,
					  "column 'zone' is empty");
		zone = point_batch_intern(cp->out, s, strlen(s));
	}
	s = cell_text(&fs[l->signal], tmp);
	if (!*s)
		return cell_error(cp, &fs[l->signal], err,
				  "column 'signal' is empty");
	if (!signal_valid(s))
		return cell_error(cp, &fs[l->signal], err,
				  "unknown signal '%s'", s);
	signal = point_batch_intern(cp->out, s, strlen(s));
	if (cell_number(cp, l->value, &v, &have, tmp, err) < 0)
		return -1;
	if (!have)
		return 0;
	s = l->unit >= 0 ? cell_text(&fs[l->unit], tmp) : NULL;
	if (row_conversion(cp, signal, s,
			   l->unit >= 0 ? &fs[l->unit] : &fs[l->signal],
			   err) < 0)
		return -1;
	v = unit_conv_apply(&cp->cache.conv, v);
	if (!isfinite(v))
		return cell_error(cp, &fs[l->value], err,
				  "column 'value': number out of range");
	point_batch_put(cp->out, zone, signal, cp->cache.unit_out, t, issued,
			v);
	return 0;
}

static int wide_row(struct csv_parse *cp, gs_time t, gs_time issued,
		    struct strbuf *tmp, struct errmsg *err)
{
	const struct layout *l = &cp->lay;
	const char *zone = l->zone_default;

	if (l->zone >= 0) {
		const struct csv_field *f = &cp->rd.fields[l->zone];
		const char *s = cell_text(f, tmp);
		if (!*s)
			return cell_error(cp, f, err, "column 'zone' is empty");
		zone = point_batch_intern(cp->out, s, strlen(s));
	}
	for (size_t i = 0; i < l->ncols; i++) {
		double v;
		bool have;

		if (!l->col_signal[i])
			continue;
		if (cell_number(cp, (int)i, &v, &have, tmp, err) < 0)
			return -1;
		if (!have)
			continue;
		point_batch_put(cp->out, zone, l->col_signal[i],
				l->col_unit[i], t, issued, v);
	}
	return 0;
}

static int read_row(struct csv_parse *cp, struct strbuf *tmp,
		    struct errmsg *err)
{
	const struct layout *l = &cp->lay;
	gs_time t, issued = GS_TIME_NONE;

	if (check_width(cp, err) < 0)
		return -1;
	if (cell_time(cp, l->time, &t, tmp, err) < 0)
		return -1;
	if (l->issued >= 0 && *cell_text(&cp->rd.fields[l->issued], tmp) &&
	    cell_time(cp, l->issued, &issued, tmp, err) < 0)
		return -1;
	if (l->wide)
		return wide_row(cp, t, issued, tmp, err);
	return long_row(cp, t, issued, tmp, err);
}

static void csv_parse_release(struct csv_parse *cp)
{
	csv_reader_release(&cp->rd);
	for (size_t i = 0; cp->names && i < cp->lay.ncols; i++)
		free(cp->names[i]);
	free(cp->names);
	free(cp->lay.col_signal);
	free(cp->lay.col_unit);
	strbuf_release(&cp->cache.unit_in);
	unit_conv_release(&cp->cache.conv);
}

int csv_feed_parse(const struct feed_response *r, struct point_batch *out,
		   struct errmsg *err)
{
	struct csv_parse cp = {0};
	struct strbuf tmp;
	int ret;

	cp.r = r;
	cp.out = out;
	cp.lay = (struct layout){-1, -1, -1, -1, -1, -1, false, 0, NULL, NULL,
				 NULL};
	if (r->feed && r->feed->zone)
		cp.lay.zone_default = point_batch_intern(out, r->feed->zone,
							 strlen(r->feed->zone));
	strbuf_init(&cp.cache.unit_in);
	unit_conv_init(&cp.cache.conv);
	csv_reader_init(&cp.rd, r->display, r->body, r->len);
	strbuf_init(&tmp);
	ret = read_header(&cp, err);
	while (!ret && (ret = csv_read_record(&cp.rd, err)) > 0)
		ret = read_row(&cp, &tmp, err);
	strbuf_release(&tmp);
	csv_parse_release(&cp);
	return ret < 0 ? -1 : 0;
}
