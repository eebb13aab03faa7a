/*
 * draw.c - what every chart of the report draws the same way: colours,
 * text (cairo's "toy" API with a generic sans-serif face; the SVG surface
 * turns glyphs into paths, so the report needs no font files) and the
 * time axis in UTC.
 */
#include "report/draw.h"

#include <math.h>

void set_rgb(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void set_rgba(cairo_t *cr, struct rgb c, double a)
{
	cairo_set_source_rgba(cr, c.r, c.g, c.b, a);
}

void set_font(cairo_t *cr, double size, bool bold)
{
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD :
				      CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

/* cairo puts the context in an error state on invalid UTF-8: sanitize. */
double text_width(cairo_t *cr, const char *s)
{
	struct strbuf sb;
	cairo_text_extents_t ext;

	strbuf_init(&sb);
	utf8_sanitize(&sb, s);
	cairo_text_extents(cr, sb.buf, &ext);
	strbuf_release(&sb);
	return ext.x_advance;
}

void show_text_in(cairo_t *cr, double x, double y, double align,
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

void show_text(cairo_t *cr, double x, double y, double align, const char *s)
{
	show_text_in(cr, x, y, align, false, s);
}

double time_axis_x(const struct time_axis *a, gs_time t)
{
	gs_time to = a->to > a->from ? a->to : a->from + 1;

	return a->px + (double)(t - a->from) / (double)(to - a->from) * a->pw;
}

/* The smallest tick step, from a list of round ones, that leaves room. */
static int64_t time_step(const struct time_axis *a)
{
	static const int64_t steps[] = {
		3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400,
		2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
	};
	const size_t n = ARRAY_SIZE(steps);
	double max_ticks = a->pw / 62;
	double span = (double)(a->to - a->from);

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
 * Vertical grid from top to bottom; hours on the first label line and
 * dates (at midnight, and under the first tick) on the second.
 */
void draw_time_axis(cairo_t *cr, const struct time_axis *a)
{
	int64_t step = time_step(a);
	bool first = true;

	set_font(cr, 10, false);
	for (gs_time t = time_ceil(a->from, step); t <= a->to; t += step) {
		double x = time_axis_x(a, t);
		bool midnight = t % 86400 == 0;
		char label[64];
		struct gs_tm tm;

		set_rgb(cr, midnight ? C_GREY : C_GRID);
		cairo_set_line_width(cr, midnight ? 0.8 : 0.6);
		cairo_move_to(cr, x, a->top);
		cairo_line_to(cr, x, a->bottom + 4);
		cairo_stroke(cr);
		set_rgb(cr, C_BLACK);
		if (step < 86400) {
			time_to_tm(t, &tm);
			snprintf(label, sizeof(label), "%02d:%02d", tm.hour,
				 tm.min);
			show_text_in(cr, x, a->label_y, 0.5, true, label);
		}
		/* the first tick's date, unless a midnight comes soon */
		if (first && 86400 - t % 86400 < 3 * step)
			first = false;
		if (midnight || first || step >= 86400) {
			date_label(t, label, sizeof(label));
			show_text_in(cr, x,
				     a->label_y + (step < 86400 ? 13 : 0),
				     0.5, true, label);
		}
		first = false;
	}
	if (a->title_y > 0) {
		set_font(cr, 11, false);
		show_text(cr, a->px + a->pw / 2, a->title_y, 0.5,
			  "time (UTC)");
	}
}
