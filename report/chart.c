/*
 * chart.c - the carbon-intensity chart of a site, drawn with cairo.
 *
 * One drawing function, chart_draw(), paints onto whatever cairo surface
 * it is given; chart_render() picks the surface (SVG for the HTML report,
 * PNG or PDF for other uses) and collects the bytes in a strbuf.  Text uses
 * cairo's "toy" API with a generic sans-serif face: the SVG surface turns
 * glyphs into paths, so the report needs no font files.
 *
 * Colours are the Okabe-Ito palette, which stays distinguishable under the
 * common colour-vision deficiencies; the forecast is also dashed, so the
 * curves differ by more than colour.
 */
#include "report/report.h"

#include <cairo.h>
#include <math.h>
#if CAIRO_HAS_SVG_SURFACE
#include <cairo-svg.h>
#endif
#if CAIRO_HAS_PDF_SURFACE
#include <cairo-pdf.h>
#endif

#define CHART_W 800.0
#define TOP_H 62.0      /* title and one row of legend */
#define LEGEND_Y 46.0   /* baseline of the legend's first row */
#define LEGEND_ROW_H 17.0
#define PLOT_H 220.0
#define LANES_GAP 10.0
#define LANES_MAX_H 480.0
#define LANE_H 20.0
#define BOTTOM_H 58.0   /* tick labels and axis title */
#define LEFT_W 70.0
#define RIGHT_W 18.0
#define MAX_OUTPUT (64u << 20)

struct rgb {
	double r, g, b;
};

/* Okabe-Ito colours (plus greys), as 0-1 fractions. */
static const struct rgb C_BLACK = {0, 0, 0};
static const struct rgb C_ORANGE = {0xe6 / 255.0, 0x9f / 255.0, 0};
static const struct rgb C_SKY = {0x56 / 255.0, 0xb4 / 255.0, 0xe9 / 255.0};
static const struct rgb C_BLUE = {0, 0x72 / 255.0, 0xb2 / 255.0};
static const struct rgb C_VERMILION = {0xd5 / 255.0, 0x5e / 255.0, 0};
static const struct rgb C_GREY = {0.45, 0.45, 0.45};
static const struct rgb C_GRID = {0.88, 0.88, 0.88};

/* Where things are on the surface, computed once per drawing. */
struct layout {
	double w, h;
	double px, py, pw, ph;  /* the curve's plot area */
	double ly, lane_h;      /* top of the job lanes, height of one */
	double axis_y;          /* bottom of the lanes (or of the plot) */
	double ymax;            /* value at the top of the plot */
	double ystep;           /* y tick spacing; 0 when there is no curve */
	gs_time from, to;
};

static void set_rgb(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void set_rgba(cairo_t *cr, struct rgb c, double a)
{
	cairo_set_source_rgba(cr, c.r, c.g, c.b, a);
}

static double map_x(const struct layout *l, gs_time t)
{
	return l->px + (double)(t - l->from) / (double)(l->to - l->from) *
		l->pw;
}

static double map_y(const struct layout *l, double v)
{
	return l->py + l->ph - v / l->ymax * l->ph;
}

static void set_font(cairo_t *cr, double size, bool bold)
{
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD :
				      CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

/* cairo puts the context in an error state on invalid UTF-8: sanitize. */
static double text_width(cairo_t *cr, const char *s)
{
	struct strbuf sb;
	cairo_text_extents_t ext;

	strbuf_init(&sb);
	utf8_sanitize(&sb, s);
	cairo_text_extents(cr, sb.buf, &ext);
	strbuf_release(&sb);
	return ext.x_advance;
}

/*
 * Draws s with its left (align 0), centre (0.5) or right (1) at x; with
 * keep_in, moved in if it would run off the chart's sides.
 */
static void show_text_in(cairo_t *cr, double x, double y, double align,
			 bool keep_in, const char *s)
{
	struct strbuf sb;
	cairo_text_extents_t ext;

	strbuf_init(&sb);
	utf8_sanitize(&sb, s);
	cairo_text_extents(cr, sb.buf, &ext);
	x -= ext.x_advance * align;
	if (keep_in && x + ext.x_advance > CHART_W - 2)
		x = CHART_W - 2 - ext.x_advance;
	if (keep_in && x < 2)
		x = 2;
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, sb.buf);
	strbuf_release(&sb);
}

static void show_text(cairo_t *cr, double x, double y, double align,
		      const char *s)
{
	show_text_in(cr, x, y, align, false, s);
}

static bool has_points(const struct series *s)
{
	return s && s->n > 0;
}

static gs_time point_end(const struct series *s, size_t i)
{
	int64_t hold;

	if (i + 1 < s->n)
		return s->t[i + 1];
	hold = s->last_hold > 0 ? s->last_hold : series_step(s);
	return s->t[i] + hold;
}

/* Largest value of s shown in [from, to); -HUGE_VAL when none is. */
static double series_max_in(const struct series *s, gs_time from,
			    gs_time to)
{
	double m = -HUGE_VAL;

	if (!s)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i] < to && point_end(s, i) > from && s->v[i] > m &&
		    isfinite(s->v[i]))
			m = s->v[i];
	return m;
}

/* A "nice" tick step (1, 2 or 5 times a power of ten) for 0..max. */
static double nice_step(double max)
{
	double raw = max / 5, mag, f;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	if (f <= 1)
		return mag;
	if (f <= 2)
		return 2 * mag;
	if (f <= 5)
		return 5 * mag;
	return 10 * mag;
}

struct legend_entry {
	char kind; /* 'l' line, 'd' dashed line, 'r' filled rectangle */
	struct rgb col;
	double alpha;
	const char *text;
};

static size_t legend_entries(const struct chart *c, struct legend_entry *e)
{
	size_t n = 0;

	if (has_points(c->recorded))
		e[n++] = (struct legend_entry){'l', C_BLUE, 1, "recorded"};
	if (has_points(c->forecast))
		e[n++] = (struct legend_entry){'d', C_VERMILION, 1,
			c->forecast_label ? c->forecast_label : "forecast"};
	if (has_points(c->lo80) && has_points(c->hi80))
		e[n++] = (struct legend_entry){'r', C_ORANGE, 0.28,
					       "80% forecast interval"};
	if (c->nbars)
		e[n++] = (struct legend_entry){'r', C_SKY, 1, "job running"};
	return n;
}

static void legend_item(cairo_t *cr, double x, double y,
			const struct legend_entry *e)
{
	static const double dash[] = {6, 3};

	if (e->kind == 'r') {
		cairo_rectangle(cr, x, y - 8, 22, 10);
		set_rgba(cr, e->col, e->alpha);
		cairo_fill(cr);
	} else {
		cairo_move_to(cr, x, y - 3);
		cairo_line_to(cr, x + 22, y - 3);
		set_rgb(cr, e->col);
		cairo_set_line_width(cr, 2);
		if (e->kind == 'd')
			cairo_set_dash(cr, dash, 2, 0);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
	}
	set_rgb(cr, C_BLACK);
	show_text(cr, x + 27, y, 0, e->text);
}

/*
 * Places the legend under the title, wrapping at the right margin, and
 * draws it when asked.  Returns the number of rows, which the chart's
 * height depends on.
 */
static int legend_layout(cairo_t *cr, const struct chart *c, bool draw)
{
	struct legend_entry e[4];
	size_t n = legend_entries(c, e);
	double x = LEFT_W, y = LEGEND_Y;
	int rows = 1;

	set_font(cr, 11, false);
	for (size_t i = 0; i < n; i++) {
		double w = 27 + text_width(cr, e[i].text);
		if (x > LEFT_W && x + w > CHART_W - RIGHT_W) {
			x = LEFT_W;
			y += LEGEND_ROW_H;
			rows++;
		}
		if (draw)
			legend_item(cr, x, y, &e[i]);
		x += w + 18;
	}
	return rows;
}

/* Measures the legend on a scratch surface, for chart_size(). */
static int legend_rows(const struct chart *c)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	cairo_t *cr = cairo_create(s);
	int rows = legend_layout(cr, c, false);

	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return rows;
}

static int lane_count_height(const struct chart *c, double *lane_h)
{
	int n = c->nbars ? (c->nlanes > 0 ? c->nlanes : 1) : 0;

	*lane_h = LANE_H;
	if (n * LANE_H > LANES_MAX_H)
		*lane_h = LANES_MAX_H / n;
	return n;
}

static double top_height(const struct chart *c)
{
	return TOP_H + (legend_rows(c) - 1) * LEGEND_ROW_H;
}

void chart_size(const struct chart *c, double *width, double *height)
{
	double lane_h;
	int n = lane_count_height(c, &lane_h);

	*width = CHART_W;
	*height = top_height(c) + PLOT_H + BOTTOM_H +
		  (n ? LANES_GAP + n * lane_h : 0);
}

static void layout_init(struct layout *l, const struct chart *c)
{
	int nlanes = lane_count_height(c, &l->lane_h);
	double max;

	chart_size(c, &l->w, &l->h);
	l->px = LEFT_W;
	l->py = top_height(c);
	l->pw = l->w - LEFT_W - RIGHT_W;
	l->ph = PLOT_H;
	l->ly = l->py + l->ph + (nlanes ? LANES_GAP : 0);
	l->axis_y = l->ly + nlanes * l->lane_h;
	l->from = c->from;
	l->to = c->to > c->from ? c->to : c->from + 1;

	max = series_max_in(c->recorded, l->from, l->to);
	max = fmax(max, series_max_in(c->forecast, l->from, l->to));
	max = fmax(max, series_max_in(c->hi80, l->from, l->to));
	if (max == -HUGE_VAL) { /* nothing to draw */
		l->ystep = 0;
		l->ymax = 1;
		return;
	}
	max = fmax(max * 1.05, 10); /* the axis starts at 0 */
	l->ystep = nice_step(max);
	l->ymax = ceil(max / l->ystep) * l->ystep;
}

/* The curve as steps, clipped to the plot; gaps in time stay gaps. */
static void path_steps(cairo_t *cr, const struct layout *l,
		       const struct series *s)
{
	gs_time prev_end = GS_TIME_NONE;

	for (size_t i = 0; i < s->n; i++) {
		gs_time t0 = s->t[i], t1 = point_end(s, i);
		double y;

		if (!isfinite(s->v[i]) || t1 <= l->from || t0 >= l->to)
			continue;
		if (t0 < l->from)
			t0 = l->from;
		if (t1 > l->to)
			t1 = l->to;
		y = map_y(l, s->v[i]);
		if (t0 == prev_end)
			cairo_line_to(cr, map_x(l, t0), y);
		else
			cairo_move_to(cr, map_x(l, t0), y);
		cairo_line_to(cr, map_x(l, t1), y);
		prev_end = t1;
	}
}

/* The 80% band: one rectangle per step of lo80, in one path. */
static void draw_band(cairo_t *cr, const struct layout *l,
		      const struct series *lo, const struct series *hi)
{
	for (size_t i = 0; i < lo->n; i++) {
		gs_time t0 = lo->t[i], t1 = point_end(lo, i);
		long j = series_index_at(hi, t0);
		double x0, x1, y0, y1;

		if (j < 0 || t1 <= l->from || t0 >= l->to)
			continue;
		x0 = map_x(l, t0 < l->from ? l->from : t0);
		x1 = map_x(l, t1 > l->to ? l->to : t1);
		y0 = map_y(l, hi->v[j]);
		y1 = map_y(l, lo->v[i]);
		cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
	}
	set_rgba(cr, C_ORANGE, 0.28);
	cairo_fill(cr);
}

static void draw_y_axis(cairo_t *cr, const struct layout *l,
			const struct chart *c)
{
	set_font(cr, 10, false);
	for (int k = 0; l->ystep > 0 && k * l->ystep <= l->ymax * 1.0001;
	     k++) {
		double v = k * l->ystep, y = map_y(l, v);
		char label[64];

		set_rgb(cr, C_GRID);
		cairo_set_line_width(cr, 0.6);
		cairo_move_to(cr, l->px, y);
		cairo_line_to(cr, l->px + l->pw, y);
		cairo_stroke(cr);
		snprintf(label, sizeof(label), "%g", v);
		set_rgb(cr, C_BLACK);
		show_text(cr, l->px - 5, y + 3.5, 1, label);
	}
	set_font(cr, 11, false);
	cairo_save(cr);
	cairo_translate(cr, 16, l->py + l->ph / 2);
	cairo_rotate(cr, -M_PI / 2);
	show_text(cr, 0, 0, 0.5, c->y_label ? c->y_label : "");
	cairo_restore(cr);
	if (c->nbars) {
		set_rgb(cr, C_GREY);
		show_text(cr, l->px - 5, l->ly + 12, 1, "jobs");
	}
}

/* The smallest tick step, from a list of round ones, that leaves room. */
static int64_t time_step(const struct layout *l)
{
	static const int64_t steps[] = {
		3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400,
		2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
	};
	const size_t n = sizeof(steps) / sizeof(steps[0]);
	double max_ticks = l->pw / 62;
	double span = (double)(l->to - l->from);

	for (size_t i = 0; i < n; i++)
		if (span / (double)steps[i] <= max_ticks)
			return steps[i];
	return steps[n - 1] *
	       (int64_t)ceil(span / (double)steps[n - 1] / max_ticks);
}

static void date_label(gs_time t, char *buf, size_t n)
{
	struct gs_tm tm;

	time_to_tm(t, &tm);
	snprintf(buf, n, "%04d-%02d-%02d", tm.year, tm.month, tm.day);
}

/*
 * Vertical grid through plot and lanes; hours on the first label line and
 * dates (at midnight, and under the first tick) on the second.
 */
static void draw_x_axis(cairo_t *cr, const struct layout *l)
{
	int64_t step = time_step(l);
	bool first = true;

	set_font(cr, 10, false);
	for (gs_time t = time_ceil(l->from, step); t <= l->to; t += step) {
		double x = map_x(l, t);
		bool midnight = t % 86400 == 0;
		char label[64];
		struct gs_tm tm;

		set_rgb(cr, midnight ? C_GREY : C_GRID);
		cairo_set_line_width(cr, midnight ? 0.8 : 0.6);
		cairo_move_to(cr, x, l->py);
		cairo_line_to(cr, x, l->axis_y + 4);
		cairo_stroke(cr);
		set_rgb(cr, C_BLACK);
		if (step < 86400) {
			time_to_tm(t, &tm);
			snprintf(label, sizeof(label), "%02d:%02d", tm.hour,
				 tm.min);
			show_text_in(cr, x, l->axis_y + 16, 0.5, true,
				     label);
		}
		/* the first tick's date, unless a midnight comes soon */
		if (first && 86400 - t % 86400 < 3 * step)
			first = false;
		if (midnight || first || step >= 86400) {
			date_label(t, label, sizeof(label));
			show_text_in(cr, x,
				     l->axis_y + (step < 86400 ? 29 : 16), 0.5,
				     true, label);
		}
		first = false;
	}
	set_font(cr, 11, false);
	show_text(cr, l->px + l->pw / 2, l->h - 8, 0.5, "time (UTC)");
}

/* Start of the next bar in the same lane after b, or the plot's end. */
static double room_after(const struct chart *c, const struct layout *l,
			 const struct chart_bar *b)
{
	gs_time next = l->to;

	for (size_t i = 0; i < c->nbars; i++) {
		const struct chart_bar *o = &c->bars[i];
		if (o != b && o->lane == b->lane && o->start >= b->end &&
		    o->start < next)
			next = o->start;
	}
	return map_x(l, next);
}

/*
 * The job's id inside the first of its bars wide enough for it, else
 * right of its last bar when nothing follows too closely in the lane,
 * else nowhere: an id over other bars would hide them.
 */
static void bar_label(cairo_t *cr, const struct chart *c,
		      const struct layout *l, const struct chart_bar *b,
		      const double *x, size_t nx, double y)
{
	double tw, fs = fmin(11, l->lane_h * 0.6);
	double base = y + l->lane_h / 2 + fs * 0.35;

	if (!b->label || !nx || l->lane_h < 11)
		return;
	set_font(cr, fs, false);
	tw = text_width(cr, b->label);
	set_rgb(cr, C_BLACK);
	for (size_t i = 0; i < nx; i++) {
		if (tw + 6 <= x[2 * i + 1] - x[2 * i]) {
			show_text(cr, x[2 * i] + 3, base, 0, b->label);
			return;
		}
	}
	if (x[2 * nx - 1] + 3 + tw + 3 <= room_after(c, l, b))
		show_text(cr, x[2 * nx - 1] + 3, base, 0, b->label);
}

static void draw_bar(cairo_t *cr, const struct chart *c,
		     const struct layout *l, const struct chart_bar *b)
{
	struct plan_segment whole = {b->start, b->end};
	const struct plan_segment *seg = b->segments ? b->segments : &whole;
	size_t nseg = b->segments ? b->nsegments : 1, nx = 0;
	double y = l->ly + b->lane * l->lane_h;
	double pad = l->lane_h > 8 ? 2 : l->lane_h * 0.15;
	double *x = xcalloc(2 * nseg, sizeof(*x)); /* drawn x0, x1 pairs */

	for (size_t i = 0; i < nseg; i++) {
		gs_time t0 = seg[i].start, t1 = seg[i].end;
		double x0, x1, inset;

		if (t1 <= l->from || t0 >= l->to)
			continue;
		x0 = map_x(l, t0 < l->from ? l->from : t0);
		x1 = map_x(l, t1 > l->to ? l->to : t1);
		if (x1 - x0 < 1)
			x1 = x0 + 1;
		/* inset, so that bars that touch in a lane stay two */
		inset = x1 - x0 > 3 ? 0.6 : 0;
		cairo_rectangle(cr, x0 + inset, y + pad, x1 - x0 - 2 * inset,
				l->lane_h - 2 * pad);
		set_rgb(cr, C_SKY);
		cairo_fill_preserve(cr);
		set_rgb(cr, C_BLUE);
		cairo_set_line_width(cr, 0.8);
		cairo_stroke(cr);
		x[2 * nx] = x0;
		x[2 * nx + 1] = x1;
		nx++;
	}
	if (nx > 1) { /* a thin line ties an interrupted job's parts */
		cairo_move_to(cr, x[1], y + l->lane_h / 2);
		cairo_line_to(cr, x[2 * nx - 2], y + l->lane_h / 2);
		set_rgb(cr, C_BLUE);
		cairo_set_line_width(cr, 0.8);
		cairo_stroke(cr);
	}
	bar_label(cr, c, l, b, x, nx, y);
	free(x);
}

static void draw_lanes(cairo_t *cr, const struct chart *c,
		       const struct layout *l)
{
	cairo_save(cr);
	cairo_rectangle(cr, l->px, l->ly, l->pw, l->axis_y - l->ly);
	cairo_clip(cr);
	for (int k = 1; k * l->lane_h < l->axis_y - l->ly - 0.5 &&
			l->lane_h >= 6; k++) {
		double y = l->ly + k * l->lane_h;
		set_rgb(cr, C_GRID);
		cairo_set_line_width(cr, 0.4);
		cairo_move_to(cr, l->px, y);
		cairo_line_to(cr, l->px + l->pw, y);
		cairo_stroke(cr);
	}
	for (size_t i = 0; i < c->nbars; i++)
		draw_bar(cr, c, l, &c->bars[i]);
	cairo_restore(cr);
}

static void draw_curves(cairo_t *cr, const struct chart *c,
			const struct layout *l)
{
	static const double dash[] = {6, 3};

	cairo_save(cr);
	cairo_rectangle(cr, l->px, l->py - 1, l->pw, l->ph + 1);
	cairo_clip(cr);
	if (has_points(c->lo80) && has_points(c->hi80))
		draw_band(cr, l, c->lo80, c->hi80);
	if (has_points(c->forecast)) {
		path_steps(cr, l, c->forecast);
		set_rgb(cr, C_VERMILION);
		cairo_set_line_width(cr, 1.8);
		cairo_set_dash(cr, dash, 2, 0);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
	}
	if (has_points(c->recorded)) {
		path_steps(cr, l, c->recorded);
		set_rgb(cr, C_BLUE);
		cairo_set_line_width(cr, 2);
		cairo_stroke(cr);
	}
	cairo_restore(cr);
	if (l->ystep == 0) {
		set_font(cr, 14, false);
		set_rgb(cr, C_GREY);
		show_text(cr, l->px + l->pw / 2, l->py + l->ph / 2, 0.5,
			  "no carbon-intensity data");
	}
}

static void chart_draw(cairo_t *cr, const struct chart *c)
{
	struct layout l;

	layout_init(&l, c);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	set_font(cr, 15, true);
	set_rgb(cr, C_BLACK);
	show_text(cr, l.px, 22, 0, c->title ? c->title : "");
	legend_layout(cr, c, true);
	draw_y_axis(cr, &l, c);
	draw_x_axis(cr, &l);
	draw_curves(cr, c, &l);
	if (c->nbars)
		draw_lanes(cr, c, &l);
	set_rgb(cr, C_BLACK);
	cairo_set_line_width(cr, 1);
	cairo_rectangle(cr, l.px, l.py, l.pw, l.ph);
	cairo_stroke(cr);
}

/* ------------------------------------------------------------------ */

static int cmp_bar_start(const void *a, const void *b)
{
	const struct chart_bar *x = *(const struct chart_bar *const *)a;
	const struct chart_bar *y = *(const struct chart_bar *const *)b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return 0;
}

void chart_pack_lanes(struct chart *c)
{
	struct chart_bar **order;
	gs_time *lane_end = NULL;
	size_t nlanes = 0, alloc = 0;

	c->nlanes = 0;
	if (!c->nbars)
		return;
	order = xcalloc(c->nbars, sizeof(*order));
	for (size_t i = 0; i < c->nbars; i++)
		order[i] = &c->bars[i];
	qsort(order, c->nbars, sizeof(*order), cmp_bar_start);
	for (size_t i = 0; i < c->nbars; i++) {
		struct chart_bar *b = order[i];
		gs_time end = b->end > b->start ? b->end : b->start + 1;
		size_t k;

		for (k = 0; k < nlanes; k++)
			if (lane_end[k] <= b->start)
				break;
		if (k == nlanes) {
			ALLOC_GROW(lane_end, nlanes + 1, alloc);
			nlanes++;
		}
		lane_end[k] = end;
		b->lane = (int)k;
	}
	c->nlanes = (int)nlanes;
	free(lane_end);
	free(order);
}

static cairo_status_t write_strbuf(void *closure, const unsigned char *data,
				   unsigned int length)
{
	struct strbuf *sb = closure;

	if (sb->len + length > MAX_OUTPUT)
		return CAIRO_STATUS_WRITE_ERROR;
	strbuf_add(sb, data, length);
	return CAIRO_STATUS_SUCCESS;
}

static bool starts_with(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

/*
 * Copies the SVG from its root element on (dropping the XML prolog, which
 * HTML does not allow), putting prefix in front of every id and every
 * reference to one: cairo names its glyphs and clips the same way in
 * every file, and ids must be unique in an HTML document.
 */
static void svg_copy_prefixed(struct strbuf *out, const struct strbuf *svg,
			      const char *prefix)
{
	static const char *const refs[] = {" id=\"", "href=\"#", "url(#"};
	const char *p = strstr(svg->buf, "<svg");
	const char *end = svg->buf + svg->len;

	if (!p)
		p = svg->buf;
	while (p < end) {
		bool hit = false;
		for (size_t i = 0; prefix && i < 3 && !hit; i++) {
			if (!starts_with(p, end, refs[i]))
				continue;
			strbuf_addstr(out, refs[i]);
			strbuf_addstr(out, prefix);
			p += strlen(refs[i]);
			hit = true;
		}
		if (!hit)
			strbuf_addch(out, *p++);
	}
}

static int draw_on(cairo_surface_t *s, const struct chart *c, double scale,
		   struct errmsg *err)
{
	cairo_t *cr;
	cairo_status_t st = cairo_surface_status(s);

	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(err, "cannot create chart surface: %s",
			       cairo_status_to_string(st));
	cr = cairo_create(s);
	cairo_scale(cr, scale, scale);
	chart_draw(cr, c);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(err, "cannot draw chart '%s': %s",
			       c->title ? c->title : "",
			       cairo_status_to_string(st));
	return 0;
}

/* Finishes and frees s; reports a failure of the stream behind it. */
static int finish(cairo_surface_t *s, int ret, struct errmsg *err)
{
	cairo_status_t st;

	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (!ret && st != CAIRO_STATUS_SUCCESS)
		return err_set(err, "cannot write chart: %s",
			       cairo_status_to_string(st));
	return ret;
}

static int render_svg(const struct chart *c, const char *prefix,
		      struct strbuf *out, struct errmsg *err)
{
#if CAIRO_HAS_SVG_SURFACE
	struct strbuf raw;
	cairo_surface_t *s;
	double w, h;
	int ret;

	chart_size(c, &w, &h);
	strbuf_init(&raw);
	s = cairo_svg_surface_create_for_stream(write_strbuf, &raw, w, h);
#if CAIRO_VERSION >= CAIRO_VERSION_ENCODE(1, 16, 0)
	cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
#endif
	ret = finish(s, draw_on(s, c, 1, err), err);
	if (!ret)
		svg_copy_prefixed(out, &raw, prefix);
	strbuf_release(&raw);
	return ret;
#else
	return err_set(err, "cairo was built without SVG support");
#endif
}

static int render_png(const struct chart *c, struct strbuf *out,
		      struct errmsg *err)
{
	const double scale = 2;
	cairo_surface_t *s;
	cairo_status_t st;
	double w, h;
	int ret;

	chart_size(c, &w, &h);
	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
				       (int)ceil(w * scale),
				       (int)ceil(h * scale));
	ret = draw_on(s, c, scale, err);
	if (!ret) {
		st = cairo_surface_write_to_png_stream(s, write_strbuf, out);
		if (st != CAIRO_STATUS_SUCCESS)
			ret = err_set(err, "cannot write chart as PNG: %s",
				      cairo_status_to_string(st));
	}
	return finish(s, ret, err);
}

static int render_pdf(const struct chart *c, struct strbuf *out,
		      struct errmsg *err)
{
#if CAIRO_HAS_PDF_SURFACE
	cairo_surface_t *s;
	double w, h;

	chart_size(c, &w, &h);
	s = cairo_pdf_surface_create_for_stream(write_strbuf, out, w, h);
	return finish(s, draw_on(s, c, 1, err), err);
#else
	return err_set(err, "cairo was built without PDF support");
#endif
}

int chart_render(const struct chart *c, enum chart_format fmt,
		 const char *id_prefix, struct strbuf *out,
		 struct errmsg *err)
{
	switch (fmt) {
	case CHART_SVG:
		return render_svg(c, id_prefix, out, err);
	case CHART_PNG:
		return render_png(c, out, err);
	case CHART_PDF:
		return render_pdf(c, out, err);
	}
	return err_set(err, "unknown chart format %d", (int)fmt);
}
