/*
 * heatmap.c - carbon intensity by site and hour over the horizon: one row
 * per site, one cell per bin (an hour, or more on long horizons), coloured
 * on viridis, a sequential scale that stays readable under the common
 * colour-vision deficiencies and in grey print.  A cell holds the recorded
 * mean where the recorded values cover it, else the forecast's (hatched),
 * so the same chart serves plans in the future and plans in the past.
 */
#include "report/draw.h"

#include <math.h>

#define HM_LEFT 110.0
#define HM_RIGHT 18.0
#define HM_TOP 40.0
#define HM_ROW_H 22.0
#define HM_AXIS_H 44.0   /* tick labels and axis title */
#define HM_LEGEND_H 52.0 /* colour bar and its labels */

void heatmap_init(struct heatmap *h, gs_time from, gs_time to,
		  int64_t bin_s, size_t nrows)
{
	memset(h, 0, sizeof(*h));
	h->from = from;
	h->bin_s = bin_s > 0 ? bin_s : 3600;
	h->ncols = to > from ? (size_t)((to - from + h->bin_s - 1) /
					h->bin_s) : 0;
	h->nrows = nrows;
	h->row_label = xcalloc(nrows ? nrows : 1, sizeof(*h->row_label));
	h->v = xmalloc(st_mult(st_mult(nrows, h->ncols) + 1, sizeof(*h->v)));
	h->recorded = xcalloc(st_mult(nrows, h->ncols) + 1, 1);
	for (size_t i = 0; i < nrows * h->ncols; i++)
		h->v[i] = (double)NAN;
}

void heatmap_release(struct heatmap *h)
{
	free(h->row_label);
	free(h->v);
	free(h->recorded);
	memset(h, 0, sizeof(*h));
}

int64_t heatmap_bin_for(gs_time from, gs_time to)
{
	int64_t bin = 3600;

	while (to > from && (to - from) / bin > 168)
		bin *= 2;
	return bin;
}

void heatmap_fill_row(struct heatmap *h, size_t r, const char *label,
		      const struct series *recorded,
		      const struct series *forecast)
{
	h->row_label[r] = label;
	for (size_t c = 0; c < h->ncols; c++) {
		gs_time t0 = h->from + (gs_time)c * h->bin_s;
		size_t k = r * h->ncols + c;
		double m;

		if (recorded && series_mean(recorded, t0, t0 + h->bin_s,
					    &m) == 0) {
			h->v[k] = m;
			h->recorded[k] = 1;
		} else if (forecast && series_mean(forecast, t0,
						   t0 + h->bin_s, &m) == 0) {
			h->v[k] = m;
		}
	}
}

/* Viridis at 0..1, from nine of its anchors, linearly between them. */
static struct rgb viridis(double x)
{
	static const struct rgb a[] = {
		{0.267, 0.005, 0.329}, {0.279, 0.175, 0.483},
		{0.230, 0.322, 0.546}, {0.173, 0.449, 0.558},
		{0.128, 0.567, 0.551}, {0.153, 0.680, 0.506},
		{0.361, 0.786, 0.388}, {0.668, 0.862, 0.196},
		{0.993, 0.906, 0.144},
	};
	double f;
	size_t i;

	x = fmin(fmax(isfinite(x) ? x : 0, 0), 1) * 8;
	i = x >= 8 ? 7 : (size_t)x;
	f = x - (double)i;
	return (struct rgb){a[i].r + (a[i + 1].r - a[i].r) * f,
			    a[i].g + (a[i + 1].g - a[i].g) * f,
			    a[i].b + (a[i + 1].b - a[i].b) * f};
}

static void value_range(const struct heatmap *h, double *lo, double *hi)
{
	*lo = HUGE_VAL;
	*hi = -HUGE_VAL;
	for (size_t i = 0; i < h->nrows * h->ncols; i++) {
		if (!isfinite(h->v[i]))
			continue;
		*lo = fmin(*lo, h->v[i]);
		*hi = fmax(*hi, h->v[i]);
	}
	if (*lo > *hi) {
		*lo = 0;
		*hi = 1;
	} else if (*hi - *lo < 1) {
		*hi = *lo + 1;
	}
}

void heatmap_size(const struct heatmap *h, double *w, double *hh)
{
	*w = CHART_W;
	*hh = HM_TOP + (double)h->nrows * HM_ROW_H + HM_AXIS_H + HM_LEGEND_H;
}

static void draw_cells(cairo_t *cr, const struct heatmap *h, double lo,
		       double hi)
{
	double pw = CHART_W - HM_LEFT - HM_RIGHT;
	double cw = pw / (double)(h->ncols ? h->ncols : 1);

	for (size_t r = 0; r < h->nrows; r++) {
		double y = HM_TOP + (double)r * HM_ROW_H;
		for (size_t c = 0; c < h->ncols; c++) {
			size_t k = r * h->ncols + c;
			double x = HM_LEFT + (double)c * cw;
			cairo_rectangle(cr, x, y, cw + 0.3, HM_ROW_H - 1);
			if (isfinite(h->v[k]))
				set_rgb(cr, viridis((h->v[k] - lo) /
						    (hi - lo)));
			else
				set_rgb(cr, C_GRID);
			cairo_fill(cr);
			if (!isfinite(h->v[k]) || h->recorded[k])
				continue;
			/* forecast only: a diagonal hatch */
			cairo_move_to(cr, x, y + HM_ROW_H - 1);
			cairo_line_to(cr, x + cw, y);
			set_rgba(cr, (struct rgb){1, 1, 1}, 0.7);
			cairo_set_line_width(cr, 0.8);
			cairo_stroke(cr);
		}
		set_font(cr, 10, false);
		set_rgb(cr, C_BLACK);
		show_text_in(cr, HM_LEFT - 5, y + HM_ROW_H / 2 + 3.5, 1, true,
			     h->row_label[r] ? h->row_label[r] : "");
	}
}

static void draw_scale(cairo_t *cr, double y, double lo, double hi)
{
	const double x0 = HM_LEFT, w = 260, bh = 10;
	char label[64];

	cairo_pattern_t *grad = cairo_pattern_create_linear(x0, 0, x0 + w, 0);

	for (int i = 0; i <= 8; i++) {
		struct rgb c = viridis(i / 8.0);
		cairo_pattern_add_color_stop_rgb(grad, i / 8.0, c.r, c.g, c.b);
	}
	cairo_rectangle(cr, x0, y, w, bh);
	cairo_set_source(cr, grad);
	cairo_fill(cr);
	cairo_pattern_destroy(grad);
	set_font(cr, 10, false);
	set_rgb(cr, C_BLACK);
	snprintf(label, sizeof(label), "%.0f", lo);
	show_text(cr, x0, y + bh + 12, 0, label);
	snprintf(label, sizeof(label), "%.0f gCO2eq/kWh", hi);
	show_text(cr, x0 + w, y + bh + 12, 1, label);
	show_text(cr, x0 + w + 16, y + 9, 0,
		  "hatched: forecast (no recorded value); grey: no data");
}

static void heatmap_draw(cairo_t *cr, const void *arg)
{
	const struct heatmap *h = arg;
	double w, hh, lo, hi;
	double bottom = HM_TOP + (double)h->nrows * HM_ROW_H;
	struct time_axis ax;

	heatmap_size(h, &w, &hh);
	value_range(h, &lo, &hi);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	set_font(cr, 15, true);
	set_rgb(cr, C_BLACK);
	show_text(cr, HM_LEFT, 22, 0, h->title ? h->title : "");
	ax = (struct time_axis){HM_LEFT, w - HM_LEFT - HM_RIGHT, bottom,
			       bottom, bottom + 14, bottom + 40, h->from,
			       h->from + (gs_time)h->ncols * h->bin_s};
	draw_time_axis(cr, &ax);
	draw_cells(cr, h, lo, hi);
	draw_scale(cr, bottom + HM_AXIS_H + 8, lo, hi);
}

int heatmap_render(const struct heatmap *h, enum chart_format fmt,
		   const char *id_prefix, struct strbuf *out,
		   struct errmsg *err)
{
	struct drawing d = {h->title, 0, 0, heatmap_draw, h};

	heatmap_size(h, &d.w, &d.h);
	return drawing_render(&d, fmt, id_prefix, out, err);
}
