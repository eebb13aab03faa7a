/*
 * feed-entsoe.c - feed kind "entsoe": ENTSO-E Transparency Platform XML.
 *
 * The platform answers every query with an IEC 62325 document: a
 * GL_MarketDocument (generation, load), a Publication_MarketDocument
 * (prices) or an Acknowledgement_MarketDocument (no data, or a refused
 * query).  A document holds TimeSeries, each of Periods (timeInterval,
 * resolution) of Points (1-based position, quantity or price.amount).
 * curveType A03 leaves out positions whose value repeats the one before:
 * they are filled in up to the next given position or the period end.
 *
 * A year of 15-minute generation is tens of megabytes, so the document
 * is read with libxml2's streaming reader rather than as a tree.
 * Elements are matched by local name and must be in the root's
 * namespace, which must be the IEC one for the root element; anything
 * else in the document is ignored.  Errors name "DISPLAY:LINE".
 */
#include "ingest/ingest.h"

#include <errno.h>
#include <libxml/xmlreader.h>
#include <math.h>
#include <strings.h>

#define NS_PREFIX "urn:iec62325.351:tc57wg16:451-"

enum doc_kind { DOC_NONE, DOC_GL, DOC_PUB, DOC_ACK };
enum doc_type { TYPE_NONE, TYPE_A75, TYPE_A65, TYPE_A44 };

/* The elements read; everything else is E_OTHER and skipped. */
enum elem {
	E_OTHER, E_ROOT, E_TYPE, E_PROCESS, E_CREATED, E_TS, E_REASON,
	E_PSRWRAP, E_PSR, E_INZONE, E_OUTZONE, E_CURVE, E_CURRENCY,
	E_PRICEUNIT, E_QTYUNIT, E_SEQ, E_PERIOD, E_INTERVAL, E_START, E_END,
	E_RES, E_POINT, E_POS, E_QTY, E_PRICE, E_CODE, E_TEXT,
};

static const struct {
	enum elem parent, self;
	const char *name;
	bool leaf;  /* its text is read */
} elems[] = {
	{E_ROOT, E_TYPE, "type", true},
	{E_ROOT, E_PROCESS, "process.processType", true},
	{E_ROOT, E_CREATED, "createdDateTime", true},
	{E_ROOT, E_TS, "TimeSeries", false},
	{E_ROOT, E_REASON, "Reason", false},
	{E_TS, E_PSRWRAP, "MktPSRType", false},
	{E_PSRWRAP, E_PSR, "psrType", true},
	{E_TS, E_INZONE, "inBiddingZone_Domain.mRID", true},
	{E_TS, E_OUTZONE, "outBiddingZone_Domain.mRID", true},
	{E_TS, E_CURVE, "curveType", true},
	{E_TS, E_CURRENCY, "currency_Unit.name", true},
	{E_TS, E_PRICEUNIT, "price_Measure_Unit.name", true},
	{E_TS, E_QTYUNIT, "quantity_Measure_Unit.name", true},
	{E_TS, E_SEQ,
	 "classificationSequence_AttributeInstanceComponent.position", true},
	{E_TS, E_PERIOD, "Period", false},
	{E_PERIOD, E_INTERVAL, "timeInterval", false},
	{E_INTERVAL, E_START, "start", true},
	{E_INTERVAL, E_END, "end", true},
	{E_PERIOD, E_RES, "resolution", true},
	{E_PERIOD, E_POINT, "Point", false},
	{E_POINT, E_POS, "position", true},
	{E_POINT, E_QTY, "quantity", true},
	{E_POINT, E_PRICE, "price.amount", true},
	{E_REASON, E_CODE, "code", true},
	{E_REASON, E_TEXT, "text", true},
};

/* One given Point of a Period. */
struct given {
	long pos;
	double v;
	int line;
};

/* Values of the current TimeSeries, expanded to one per position. */
struct value {
	gs_time t;
	int64_t len;
	double v;
};

#define MAX_DEPTH 64
#define FIELD 64
/* A year of minutes: bounds what an A03 curve of a few points expands to. */
#define MAX_POSITIONS (366 * 24 * 60)

struct ent_parse {
	const struct feed_response *r;
	struct point_batch *out;
	struct entsoe_stats *st;
	struct errmsg *err;
	xmlTextReaderPtr rd;
	bool xml_failed;
	struct errmsg xml_err;
	const char *zone;

	enum doc_kind kind;
	char *ns;
	enum elem stack[MAX_DEPTH];
	int depth;
	int root_line;
	struct strbuf text;
	bool capture;

	enum doc_type type;
	char process[FIELD];
	int process_line;
	gs_time created;

	/* the current TimeSeries */
	int ts_line;
	char psr[FIELD], curve[FIELD], currency[FIELD], price_unit[FIELD];
	char qty_unit[FIELD], seq[FIELD];
	int curve_line, unit_line;
	bool in_zone, out_zone;
	struct value *vals;
	size_t nvals, alloc_vals;

	/* the current Period and Point */
	int period_line;
	char start[FIELD], end[FIELD], res[FIELD];
	int start_line, end_line, res_line;
	struct given *pts;
	size_t npts, alloc_pts;
	struct given pt;
	bool have_pos, have_value;

	char code[FIELD];
	struct strbuf reason;
	int reason_line;

	struct entsoe_mix mix;
};

void entsoe_stats_init(struct entsoe_stats *st)
{
	memset(st, 0, sizeof(*st));
	strbuf_init(&st->warnings);
}

void entsoe_stats_release(struct entsoe_stats *st)
{
	strbuf_release(&st->warnings);
}

static int fail(struct ent_parse *p, int line, const char *fmt, ...)
	GS_PRINTF(3, 4);

static int fail(struct ent_parse *p, int line, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	err_at(p->err, p->r->display, line, 0, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

static int node_line(struct ent_parse *p)
{
	xmlNodePtr n = xmlTextReaderCurrentNode(p->rd);
	long line = n ? xmlGetLineNo(n) : -1;

	return line > 0 && line < INT32_MAX ? (int)line : 0;
}

/* Copies the captured text into a field; too long is an error. */
static int take(struct ent_parse *p, char *dst, const char *what, int line)
{
	if (p->text.len >= FIELD)
		return fail(p, line, "'%s' is too long", what);
	memcpy(dst, p->text.buf, p->text.len + 1);
	return 0;
}

/* ENTSO-E writes "2017-02-04T12:00Z"; time_parse() takes that too. */
static int parse_time(struct ent_parse *p, const char *s, const char *what,
		      int line, gs_time *t)
{
	if (!*s)
		return fail(p, line, "missing '%s'", what);
	if (time_parse(s, t) < 0)
		return fail(p, line, "invalid time '%s' in '%s'", s, what);
	return 0;
}

/* Plain decimal numbers: no hex, nan or inf. */
static int parse_number(const char *s, double *out)
{
	char *end;

	if (!*s)
		return -1;
	for (const char *c = s; *c; c++)
		if (!strchr("0123456789.eE+-", *c))
			return -1;
	*out = strtod(s, &end);
	return *end || !isfinite(*out) ? -1 : 0;
}

static void trim_text(struct strbuf *sb)
{
	size_t a = 0, b = sb->len;

	while (a < b && strchr(" \t\r\n", sb->buf[a]))
		a++;
	while (b > a && strchr(" \t\r\n", sb->buf[b - 1]))
		b--;
	memmove(sb->buf, sb->buf + a, b - a);
	sb->len = b - a;
	sb->buf[sb->len] = '\0';
}

/* ---- the root and the document's fields ---- */

static int start_root(struct ent_parse *p, const char *name, const char *ns)
{
	static const struct {
		const char *root, *ns_part;
		enum doc_kind kind;
	} roots[] = {
		{"GL_MarketDocument", ":generationloaddocument:", DOC_GL},
		{"Publication_MarketDocument", ":publicationdocument:", DOC_PUB},
		{"Acknowledgement_MarketDocument", ":acknowledgementdocument:",
		 DOC_ACK},
	};

	p->root_line = node_line(p);
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		if (strcmp(name, roots[i].root))
			continue;
		if (!ns || strncmp(ns, NS_PREFIX, strlen(NS_PREFIX)) ||
		    !strstr(ns, roots[i].ns_part))
			return fail(p, p->root_line,
				    "unknown namespace '%s' of '%s' (want '"
				    NS_PREFIX "...%s...')", ns ? ns : "",
				    name, roots[i].ns_part);
		p->kind = roots[i].kind;
		p->ns = xstrdup(ns);
		return 0;
	}
	return fail(p, p->root_line,
		    "not an ENTSO-E document: root element '%s' (want "
		    "GL_MarketDocument, Publication_MarketDocument or "
		    "Acknowledgement_MarketDocument)", name);
}

static int end_type(struct ent_parse *p, int line)
{
	const char *s = p->text.buf;

	if (p->kind == DOC_GL && !strcmp(s, "A75"))
		p->type = TYPE_A75;
	else if (p->kind == DOC_GL && !strcmp(s, "A65"))
		p->type = TYPE_A65;
	else if (p->kind == DOC_PUB && !strcmp(s, "A44"))
		p->type = TYPE_A44;
	else if (p->kind != DOC_ACK)
		return fail(p, line, "unsupported document type '%s' (want "
			    "%s)", s, p->kind == DOC_GL ? "A75 or A65" : "A44");
	return 0;
}

/* ---- Periods ---- */

static int cmp_given(const void *a, const void *b)
{
	const struct given *x = a, *y = b;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void add_value(struct ent_parse *p, gs_time t, int64_t len, double v)
{
	ALLOC_GROW(p->vals, p->nvals + 1, p->alloc_vals);
	p->vals[p->nvals++] = (struct value){t, len, v};
}

/* Checks the interval and resolution; *n gets the number of positions. */
static int period_frame(struct ent_parse *p, gs_time *start, int64_t *res,
			long *n)
{
	gs_time end;

	if (parse_time(p, p->start, "timeInterval.start",
		       p->start_line ? p->start_line : p->period_line,
		       start) < 0 ||
	    parse_time(p, p->end, "timeInterval.end",
		       p->end_line ? p->end_line : p->period_line, &end) < 0)
		return -1;
	if (!*p->res)
		return fail(p, p->period_line, "missing 'resolution'");
	if (duration_parse(p->res, res) < 0 || *res <= 0)
		return fail(p, p->res_line, "unsupported resolution '%s' "
			    "(want PT15M, PT30M, PT60M, P1D...)", p->res);
	if (end <= *start || (end - *start) % *res)
		return fail(p, p->end_line, "period %s to %s is not a whole "
			    "number of '%s'", p->start, p->end, p->res);
	if ((end - *start) / *res > MAX_POSITIONS)
		return fail(p, p->res_line, "period %s to %s has more than %d "
			    "positions of '%s'", p->start, p->end,
			    MAX_POSITIONS, p->res);
	*n = (long)((end - *start) / *res);
	return 0;
}

static int end_period(struct ent_parse *p)
{
	gs_time start = 0;
	int64_t res = 0;
	long n = 0;
	bool a03 = !strcmp(p->curve, "A03");

	if (*p->curve && !a03 && strcmp(p->curve, "A01"))
		return fail(p, p->curve_line, "unsupported curveType '%s' "
			    "(want A01 or A03)", p->curve);
	if (period_frame(p, &start, &res, &n) < 0)
		return -1;
	if (p->npts) /* a Period without Points: pts is NULL */
		qsort(p->pts, p->npts, sizeof(*p->pts), cmp_given);
	for (size_t i = 0; i < p->npts; i++) {
		const struct given *g = &p->pts[i];
		long last = g->pos;

		if (g->pos > n)
			return fail(p, g->line, "position %ld outside the "
				    "period (%ld positions of %s)", g->pos, n,
				    p->res);
		if (i && g->pos == p->pts[i - 1].pos)
			return fail(p, g->line, "position %ld given twice",
				    g->pos);
		if (a03)
			last = i + 1 < p->npts ? p->pts[i + 1].pos - 1 : n;
		for (long k = g->pos; k <= last; k++)
			add_value(p, start + (k - 1) * res, res, g->v);
	}
	p->npts = 0;
	p->start[0] = p->end[0] = p->res[0] = '\0';
	p->start_line = p->end_line = p->res_line = 0;
	return 0;
}

static int end_point(struct ent_parse *p, int line)
{
	const char *what = p->kind == DOC_PUB ? "price.amount" : "quantity";

	if (!p->have_pos)
		return fail(p, line, "missing 'position' in Point");
	if (!p->have_value)
		return fail(p, line, "missing '%s' in Point", what);
	p->pt.line = line;
	ALLOC_GROW(p->pts, p->npts + 1, p->alloc_pts);
	p->pts[p->npts++] = p->pt;
	p->have_pos = p->have_value = false;
	return 0;
}

static int end_position(struct ent_parse *p, int line)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(p->text.buf, &end, 10);
	if (!p->text.len || *end || errno || v < 1 || v > INT32_MAX)
		return fail(p, line, "invalid position '%s' (want 1, 2, ...)",
			    p->text.buf);
	p->pt.pos = v;
	p->have_pos = true;
	return 0;
}

static int end_value(struct ent_parse *p, const char *what, int line)
{
	if (parse_number(p->text.buf, &p->pt.v) < 0)
		return fail(p, line, "invalid number '%s' in '%s'",
			    p->text.buf, what);
	p->have_value = true;
	return 0;
}

/* ---- TimeSeries ---- */

static int check_mw(struct ent_parse *p)
{
	if (*p->qty_unit && strcmp(p->qty_unit, "MAW"))
		return fail(p, p->unit_line, "unsupported quantity_Measure_"
			    "Unit.name '%s' (want MAW, megawatts)",
			    p->qty_unit);
	return 0;
}

/* Through point_batch_put(): a price below the market's floor is rejected. */
static void add_point(struct ent_parse *p, const char *signal,
		      const char *unit, gs_time issued, const struct value *v)
{
	point_batch_put(p->out, p->zone, signal, unit, v->t, issued, v->v);
}

/* "generation_<fuel>", or for a code not in the table its own name. */
static int generation_signal(struct ent_parse *p,
			     const struct entsoe_psr *psr, struct strbuf *sb)
{
	strbuf_addstr(sb, "generation_");
	if (psr) {
		strbuf_addstr(sb, psr->fuel);
		return 0;
	}
	for (const char *c = p->psr; *c; c++)
		strbuf_addch(sb, (char)(*c >= 'A' && *c <= 'Z' ?
					*c - 'A' + 'a' : *c));
	if (!signal_valid(sb->buf))
		return fail(p, p->ts_line, "invalid psrType '%s'", p->psr);
	p->st->unknown_psr++;
	strbuf_addf(&p->st->warnings, "%s:%d: unknown psrType '%s' stored "
		    "as '%s'\n", p->r->display, p->ts_line, p->psr, sb->buf);
	return 0;
}

/* A75: one production type; a series with only an out-zone is pumping. */
static int emit_generation(struct ent_parse *p)
{
	const struct entsoe_psr *psr = entsoe_psr_find(p->psr);
	const char *signal, *unit;
	struct strbuf sb;

	if (!*p->psr)
		return fail(p, p->ts_line, "missing 'MktPSRType.psrType' in "
			    "TimeSeries");
	if (p->out_zone && !p->in_zone) {
		p->st->consumption++;
		return 0;
	}
	if (check_mw(p) < 0)
		return -1;
	strbuf_init(&sb);
	if (generation_signal(p, psr, &sb) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	signal = point_batch_intern(p->out, sb.buf, sb.len);
	strbuf_release(&sb);
	unit = point_batch_intern(p->out, "MW", 2);
	for (size_t i = 0; i < p->nvals; i++) {
		const struct value *v = &p->vals[i];
		if (v->v < 0) {
			p->st->rejected++;
			continue;
		}
		add_point(p, signal, unit, GS_TIME_NONE, v);
		entsoe_mix_add(&p->mix, psr, p->psr, v->t, v->len, v->v);
	}
	return 0;
}

/* A65: realised load is recorded, day-ahead load a provider forecast. */
static int emit_load(struct ent_parse *p)
{
	gs_time issued = GS_TIME_NONE;
	const char *signal, *unit;

	if (!*p->process)
		return fail(p, p->root_line, "missing 'process.processType'");
	if (!strcmp(p->process, "A01"))
		issued = p->created != GS_TIME_NONE ? p->created :
			 p->r->fetched;
	else if (strcmp(p->process, "A16"))
		return fail(p, p->process_line, "unsupported processType '%s' "
			    "for total load (want A16 realised or A01 "
			    "day-ahead)", p->process);
	if (check_mw(p) < 0)
		return -1;
	signal = point_batch_intern(p->out, "load", 4);
	unit = point_batch_intern(p->out, "MW", 2);
	for (size_t i = 0; i < p->nvals; i++) {
		if (p->vals[i].v < 0) {
			p->st->rejected++;
			continue;
		}
		add_point(p, signal, unit, issued, &p->vals[i]);
	}
	return 0;
}

/* A44: only the first classification sequence (the main auction). */
static int emit_price(struct ent_parse *p)
{
	struct unit_conv uc;
	struct strbuf u;
	struct errmsg sub;
	const char *signal, *unit;
	int ret = 0;

	if (*p->seq && strcmp(p->seq, "1")) {
		p->st->other_sequence++;
		return 0;
	}
	if (!*p->currency)
		return fail(p, p->ts_line, "missing 'currency_Unit.name' in "
			    "TimeSeries");
	if (strcmp(p->price_unit, "MWH"))
		return fail(p, p->unit_line ? p->unit_line : p->ts_line,
			    "unsupported price_Measure_Unit.name '%s' (want "
			    "MWH)", p->price_unit);
	strbuf_init(&u);
	strbuf_addf(&u, "%s/MWh", p->currency);
	unit_conv_init(&uc);
	if (unit_conversion("price", u.buf, &uc, &sub) < 0) {
		ret = fail(p, p->unit_line, "%s", sub.msg);
	} else {
		signal = point_batch_intern(p->out, "price", 5);
		unit = point_batch_intern(p->out, uc.unit.buf, uc.unit.len);
		for (size_t i = 0; i < p->nvals; i++) {
			struct value v = p->vals[i];
			v.v = unit_conv_apply(&uc, v.v);
			add_point(p, signal, unit, GS_TIME_NONE, &v);
		}
	}
	unit_conv_release(&uc);
	strbuf_release(&u);
	return ret;
}

static int end_series(struct ent_parse *p)
{
	int ret = 0;

	if (p->type == TYPE_A75)
		ret = emit_generation(p);
	else if (p->type == TYPE_A65)
		ret = emit_load(p);
	else if (p->type == TYPE_A44)
		ret = emit_price(p);
	else if (p->kind != DOC_ACK)
		ret = fail(p, p->ts_line, "missing 'type' before TimeSeries");
	p->nvals = 0;
	p->psr[0] = p->curve[0] = p->currency[0] = p->price_unit[0] = '\0';
	p->qty_unit[0] = p->seq[0] = '\0';
	p->in_zone = p->out_zone = false;
	p->curve_line = p->unit_line = 0;
	return ret;
}

/* "No matching data found" is an empty answer; other reasons refusals. */
static int end_ack(struct ent_parse *p)
{
	static const char none[] = "No matching data found";

	if (!strcmp(p->code, "999") &&
	    !strncasecmp(p->reason.buf, none, strlen(none))) {
		p->st->no_data = true;
		return 0;
	}
	return fail(p, p->reason_line ? p->reason_line : p->root_line,
		    "request refused: %s (reason code '%s')",
		    p->reason.len ? p->reason.buf : "no reason given",
		    p->code);
}

/* Says at how many times carbon_intensity is missing, and why. */
static void warn_partial_mix(struct ent_parse *p, size_t skipped)
{
	struct strbuf *w = &p->st->warnings;
	size_t nunknown = 0, other = skipped - p->mix.unknown_skips;

	if (!skipped)
		return;
	strbuf_addf(w, "%s:%d: carbon_intensity not computed at %zu times",
		    p->r->display, p->root_line, skipped);
	for (size_t i = 0; p->mix.unknown_skips && i < p->mix.n; i++) {
		if (!isnan(p->mix.f[i].factor))
			continue;
		strbuf_addstr(w, nunknown++ ? ", " : ": psrType ");
		strbuf_addstr(w, p->mix.f[i].code);
	}
	if (nunknown)
		strbuf_addf(w, " %s no emission factor (at %zu times)",
			    nunknown > 1 ? "have" : "has",
			    p->mix.unknown_skips);
	if (other)
		strbuf_addf(w, "%s a production type has no value (at %zu "
			    "times)", nunknown ? ";" : ":", other);
	strbuf_addch(w, '\n');
}

static int end_root(struct ent_parse *p)
{
	size_t skipped;

	if (p->kind == DOC_ACK)
		return end_ack(p);
	if (p->type == TYPE_NONE)
		return fail(p, p->root_line, "missing 'type'");
	if (p->type == TYPE_A75) {
		skipped = entsoe_mix_intensity(&p->mix, p->out, p->zone);
		p->st->partial_mix += skipped;
		warn_partial_mix(p, skipped);
	}
	return 0;
}

/* ---- the element walk ---- */

static int end_leaf(struct ent_parse *p, enum elem e, int line)
{
	switch (e) {
	case E_TYPE:
		return end_type(p, line);
	case E_PROCESS:
		p->process_line = line;
		return take(p, p->process, "process.processType", line);
	case E_CREATED:
		return parse_time(p, p->text.buf, "createdDateTime", line,
				  &p->created);
	case E_PSR:
		return take(p, p->psr, "psrType", line);
	case E_INZONE:
		p->in_zone = true;
		return 0;
	case E_OUTZONE:
		p->out_zone = true;
		return 0;
	case E_CURVE:
		p->curve_line = line;
		return take(p, p->curve, "curveType", line);
	case E_CURRENCY:
		p->unit_line = line;
		return take(p, p->currency, "currency_Unit.name", line);
	case E_PRICEUNIT:
		return take(p, p->price_unit, "price_Measure_Unit.name", line);
	case E_QTYUNIT:
		p->unit_line = line;
		return take(p, p->qty_unit, "quantity_Measure_Unit.name", line);
	case E_SEQ:
		return take(p, p->seq, "classificationSequence", line);
	case E_START:
		p->start_line = line;
		return take(p, p->start, "start", line);
	case E_END:
		p->end_line = line;
		return take(p, p->end, "end", line);
	case E_RES:
		p->res_line = line;
		return take(p, p->res, "resolution", line);
	case E_POS:
		return end_position(p, line);
	case E_QTY:
		return p->kind == DOC_GL ? end_value(p, "quantity", line) : 0;
	case E_PRICE:
		return p->kind == DOC_PUB ? end_value(p, "price.amount", line) :
		       0;
	case E_CODE:
		return take(p, p->code, "code", line);
	case E_TEXT:
		p->reason_line = line;
		strbuf_reset(&p->reason);
		strbuf_add(&p->reason, p->text.buf, p->text.len);
		return 0;
	default:
		return 0;
	}
}

static enum elem lookup(enum elem parent, const char *name, bool *leaf)
{
	for (size_t i = 0; i < ARRAY_SIZE(elems); i++) {
		if (elems[i].parent == parent && !strcmp(elems[i].name, name)) {
			*leaf = elems[i].leaf;
			return elems[i].self;
		}
	}
	return E_OTHER;
}

static enum elem top(const struct ent_parse *p)
{
	if (!p->depth || p->depth > MAX_DEPTH)
		return E_OTHER;
	return p->stack[p->depth - 1];
}

static int end_element(struct ent_parse *p, int *leaf_line, int *point_line)
{
	enum elem e = top(p);

	p->depth--;
	if (p->capture) {
		p->capture = false;
		trim_text(&p->text);
		return end_leaf(p, e, *leaf_line);
	}
	switch (e) {
	case E_POINT:
		return end_point(p, *point_line);
	case E_PERIOD:
		return end_period(p);
	case E_TS:
		return end_series(p);
	case E_ROOT:
		return end_root(p);
	default:
		return 0;
	}
}

static int start_element(struct ent_parse *p, int *leaf_line,
			 int *point_line)
{
	const char *name = (const char *)xmlTextReaderConstLocalName(p->rd);
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(p->rd);
	enum elem e = E_OTHER, parent = top(p);
	bool leaf = false;
	int line = node_line(p);

	if (!p->depth && !p->kind) {
		if (start_root(p, name, ns) < 0)
			return -1;
		e = E_ROOT;
	} else if (parent != E_OTHER && !p->capture && ns &&
		   !strcmp(ns, p->ns)) {
		e = lookup(parent, name, &leaf);
	}
	if (p->depth < MAX_DEPTH)
		p->stack[p->depth] = e;
	p->depth++;
	if (leaf) {
		p->capture = true;
		strbuf_reset(&p->text);
		*leaf_line = line;
	}
	if (e == E_TS)
		p->ts_line = line;
	else if (e == E_PERIOD)
		p->period_line = line;
	else if (e == E_POINT)
		*point_line = line;
	if (xmlTextReaderIsEmptyElement(p->rd))
		return end_element(p, leaf_line, point_line);
	return 0;
}

static int walk(struct ent_parse *p)
{
	int leaf_line = 0, point_line = 0, ret;

	while ((ret = xmlTextReaderRead(p->rd)) == 1 && !p->xml_failed) {
		int type = xmlTextReaderNodeType(p->rd);

		if (type == XML_READER_TYPE_ELEMENT)
			ret = start_element(p, &leaf_line, &point_line);
		else if (type == XML_READER_TYPE_END_ELEMENT)
			ret = end_element(p, &leaf_line, &point_line);
		else if (p->capture && (type == XML_READER_TYPE_TEXT ||
					type == XML_READER_TYPE_CDATA))
			strbuf_addstr(&p->text, (const char *)
				      xmlTextReaderConstValue(p->rd));
		else
			ret = 0;
		if (ret < 0)
			return -1;
	}
	if (p->xml_failed) {
		*p->err = p->xml_err;
		return -1;
	}
	if (ret < 0)
		return err_at(p->err, p->r->display, 0, 0, "invalid XML");
	if (!p->kind)
		return err_at(p->err, p->r->display, 0, 0,
			      "no XML document (want ENTSO-E XML)");
	return 0;
}

static void xml_error(void *arg, xmlErrorPtr e)
{
	struct ent_parse *p = arg;
	struct strbuf msg;

	if (p->xml_failed || !e || e->level < XML_ERR_ERROR)
		return;
	p->xml_failed = true;
	strbuf_init(&msg);
	strbuf_addstr(&msg, e->message ? e->message : "malformed");
	trim_text(&msg);
	err_at(&p->xml_err, p->r->display, e->line, e->int2,
	       "invalid XML: %s", msg.buf);
	strbuf_release(&msg);
}

int entsoe_parse(const struct feed_response *r, struct point_batch *out,
		 struct entsoe_stats *st, struct errmsg *err)
{
	struct ent_parse p;
	int ret;

	if (!r->feed || !r->feed->zone)
		return err_set(err, "feed '%s': kind 'entsoe' needs a "
			       "\"zone\"", r->feed ? r->feed->name : "?");
	if (!r->len)
		return err_at(err, r->display, 0, 0,
			      "empty response (want ENTSO-E XML)");
	if (r->len > INT32_MAX)
		return err_at(err, r->display, 0, 0, "response too large");
	memset(&p, 0, sizeof(p));
	p.r = r;
	p.out = out;
	p.st = st;
	p.err = err;
	p.created = GS_TIME_NONE;
	p.zone = point_batch_intern(out, r->feed->zone, strlen(r->feed->zone));
	strbuf_init(&p.text);
	strbuf_init(&p.reason);
	entsoe_mix_init(&p.mix);
	p.mix.direct = r->feed->direct_factors;
	p.rd = xmlReaderForMemory(r->body, (int)r->len, NULL, NULL,
				  XML_PARSE_NONET | XML_PARSE_NOBLANKS |
				  XML_PARSE_BIG_LINES);
	if (!p.rd) {
		ret = err_at(err, r->display, 0, 0, "cannot start the XML "
			     "reader");
	} else {
		xmlTextReaderSetStructuredErrorHandler(p.rd, xml_error, &p);
		ret = walk(&p);
		xmlFreeTextReader(p.rd);
	}
	entsoe_mix_release(&p.mix);
	strbuf_release(&p.text);
	strbuf_release(&p.reason);
	free(p.vals);
	free(p.pts);
	free(p.ns);
	return ret;
}

int entsoe_feed_parse(const struct feed_response *r, struct point_batch *out,
		      struct errmsg *err)
{
	struct entsoe_stats st;
	int ret;

	entsoe_stats_init(&st);
	ret = entsoe_parse(r, out, &st, err);
	if (!ret) {
		out->rejected += st.rejected;
		strbuf_add(&out->warnings, st.warnings.buf, st.warnings.len);
	}
	entsoe_stats_release(&st);
	return ret;
}
