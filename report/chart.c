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
#include "report/draw.h"

#include <math.h>

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
#define USE_H 50.0      /* the capacity strip */
#define AGG_H 110.0     /* the "jobs running" strip of a busy site */
/* More lanes than this and the bars are too thin to see: aggregate. */
#define MAX_LANES 24

/* Where things are on the surface, computed once per drawing. */
struct layout {
	double w, h;
	double px, py, pw, ph;  /* the curve's plot area */
	double ly, lane_h;      /* top of the job lanes, height of one */
	double axis_y;          /* bottom of the lanes (or of the plot) */
	double uy;              /* top of the capacity strip (0: none) */
	bool aggregated;        /* jobs drawn as a count, not as bars */
	double ymax;            /* value at the top of the plot */
	double ystep;           /* y tick spacing; 0 when there is no curve */
	gs_time from, to;
};

static double map_x(const struct layout *l, gs_time t)
{
	return l->px + (double)(t - l->from) / (double)(l->to - l->from) *
		l->pw;
}

static double map_y(const struct layout *l, double v)
{
	return l->py + l->ph - v / l->ymax * l->ph;
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
		e[n++] = (struct legend_entry){'r', C_SKY, 1,
			chart_aggregated(c) ? "jobs running (count)" :
					      "job running"};
	if (c->nuse)
		e[n++] = (struct legend_entry){'r', C_GREEN, 0.75,
					       "capacity in use (peak resource)"};
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
	struct legend_entry e[5];
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

bool chart_aggregated(const struct chart *c)
{
	return c->nlanes > MAX_LANES;
}

/* Number of lanes and the height of one; one lane of AGG_H aggregated. */
static int lane_count_height(const struct chart *c, double *lane_h)
{
	int n = c->nbars ? (c->nlanes > 0 ? c->nlanes : 1) : 0;

	*lane_h = LANE_H;
	if (chart_aggregated(c)) {
		*lane_h = AGG_H;
		return 1;
	}
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
		  (n ? LANES_GAP + n * lane_h : 0) +
		  (c->nuse ? LANES_GAP + USE_H : 0);
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
	l->aggregated = chart_aggregated(c);
	l->uy = 0;
	if (c->nuse) {
		l->uy = l->axis_y + LANES_GAP;
		l->axis_y = l->uy + USE_H;
	}
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
	if (c->nbars && !chart_aggregated(c)) {
		set_rgb(cr, C_GREY);
		show_text(cr, l->px - 5, l->ly + 12, 1, "jobs");
	}
}

/* The bar's segments: its own, or one over its whole span. */
static const struct plan_segment *bar_segments(const struct chart_bar *b,
					       struct plan_segment *whole,
					       size_t *n)
{
	*whole = (struct plan_segment){b->start, b->end};
	*n = b->segments ? b->nsegments : 1;
	return b->segments ? b->segments : whole;
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
	struct plan_segment whole;
	size_t nseg, nx = 0;
	const struct plan_segment *seg = bar_segments(b, &whole, &nseg);
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

/*
 * A step strip under the curve: v[i] holds over [t[i], t[i+1]) (the last
 * to t[n]), filled, with its scale from 0 to vmax and a dashed line at
 * `mark` (NAN: none).  label names it on the left.
 */
struct strip {
	const gs_time *t; /* [n + 1] */
	const double *v;  /* [n] */
	size_t n;
	double vmax, mark;
	const char *label, *top_label;
	struct rgb col;
};

static void draw_strip(cairo_t *cr, const struct layout *l, double y,
		       double h, const struct strip *s)
{
	static const double dash[] = {4, 3};

	cairo_save(cr);
	cairo_rectangle(cr, l->px, y, l->pw, h);
	cairo_clip(cr);
	cairo_move_to(cr, map_x(l, s->t[0]), y + h);
	for (size_t i = 0; i < s->n; i++) {
		double v = isfinite(s->v[i]) ? fmin(s->v[i], s->vmax) : 0;
		double yy = y + h - v / s->vmax * h;
		cairo_line_to(cr, map_x(l, s->t[i]), yy);
		cairo_line_to(cr, map_x(l, s->t[i + 1]), yy);
	}
	cairo_line_to(cr, map_x(l, s->t[s->n]), y + h);
	cairo_close_path(cr);
	set_rgba(cr, s->col, 0.75);
	cairo_fill(cr);
	if (isfinite(s->mark)) {
		double yy = y + h - s->mark / s->vmax * h;
		cairo_move_to(cr, l->px, yy);
		cairo_line_to(cr, l->px + l->pw, yy);
		set_rgb(cr, C_VERMILION);
		cairo_set_line_width(cr, 1);
		cairo_set_dash(cr, dash, 2, 0);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
	}
	cairo_restore(cr);
	set_rgb(cr, C_GREY);
	cairo_set_line_width(cr, 0.6);
	cairo_rectangle(cr, l->px, y, l->pw, h);
	cairo_stroke(cr);
	set_font(cr, 10, false);
	set_rgb(cr, C_BLACK);
	show_text(cr, l->px - 5, y + 10, 1, s->top_label);
	show_text(cr, l->px - 5, y + h, 1, "0");
	set_rgb(cr, C_GREY);
	show_text(cr, l->px - 5, y + h / 2 + 4, 1, s->label);
}

struct event {
	gs_time t;
	int d;
};

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->d - y->d;
}

/* How many jobs run at once, as a step function of time. */
static void draw_running(cairo_t *cr, const struct chart *c,
			 const struct layout *l)
{
	struct event *ev = NULL;
	size_t n = 0, alloc = 0, k = 0;
	gs_time *t;
	double *v, peak = 0;
	int run = 0;
	char top[32];

	for (size_t i = 0; i < c->nbars; i++) {
		const struct chart_bar *b = &c->bars[i];
		struct plan_segment whole;
		size_t ns;
		const struct plan_segment *seg = bar_segments(b, &whole, &ns);
		for (size_t j = 0; j < ns; j++) {
			ALLOC_GROW(ev, n + 2, alloc);
			ev[n++] = (struct event){seg[j].start, 1};
			ev[n++] = (struct event){seg[j].end, -1};
		}
	}
	if (!n)
		return;
	qsort(ev, n, sizeof(*ev), cmp_event);
	t = xcalloc(n + 1, sizeof(*t));
	v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		run += ev[i].d;
		if (i + 1 < n && ev[i + 1].t == ev[i].t)
			continue;
		t[k] = ev[i].t;
		v[k] = run;
		peak = fmax(peak, run);
		k++;
	}
	snprintf(top, sizeof(top), "%.0f", peak);
	draw_strip(cr, l, l->ly, l->lane_h,
		   &(struct strip){t, v, k - 1, peak > 0 ? peak : 1,
				   (double)NAN, "jobs", top, C_SKY});
	free(t);
	free(v);
	free(ev);
}

static void draw_use(cairo_t *cr, const struct chart *c,
		     const struct layout *l)
{
	gs_time *t = xcalloc(c->nuse + 1, sizeof(*t));
	double vmax = 1;
	char top[32];

	for (size_t i = 0; i <= c->nuse; i++)
		t[i] = c->use_start + (gs_time)i * c->use_step;
	for (size_t i = 0; i < c->nuse; i++)
		if (isfinite(c->use[i]))
			vmax = fmax(vmax, c->use[i]);
	snprintf(top, sizeof(top), "%.0f%%", 100 * vmax);
	draw_strip(cr, l, l->uy, USE_H,
		   &(struct strip){t, c->use, c->nuse, vmax, 1.0,
				   "capacity", top, C_GREEN});
	free(t);
}

static void chart_draw(cairo_t *cr, const void *arg)
{
	const struct chart *c = arg;
	struct layout l;
	struct time_axis ax;

	layout_init(&l, c);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	set_font(cr, 15, true);
	set_rgb(cr, C_BLACK);
	show_text(cr, l.px, 22, 0, c->title ? c->title : "");
	legend_layout(cr, c, true);
	draw_y_axis(cr, &l, c);
	ax = (struct time_axis){l.px, l.pw, l.py, l.axis_y, l.axis_y + 16,
			       l.h - 8, l.from, l.to};
	draw_time_axis(cr, &ax);
	draw_curves(cr, c, &l);
	if (c->nbars && l.aggregated)
		draw_running(cr, c, &l);
	else if (c->nbars)
		draw_lanes(cr, c, &l);
	if (c->nuse)
		draw_use(cr, c, &l);
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

int chart_render(const struct chart *c, enum chart_format fmt,
		 const char *id_prefix, struct strbuf *out,
		 struct errmsg *err)
{
	struct drawing d = {c->title, 0, 0, chart_draw, c};

	chart_size(c, &d.w, &d.h);
	return drawing_render(&d, fmt, id_prefix, out, err);
}
