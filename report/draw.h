/*
 * draw.h - cairo helpers shared by the report's charts (timeline,
 * heatmap).  Private to the report module: the module's API is report.h.
 *
 * Every chart is a struct drawing: a size and a function that paints it
 * onto a cairo context.  drawing_render() puts it on an SVG, PNG or PDF
 * surface, so each chart is drawn by one function in every format.
 */
#ifndef GREENSLOT_REPORT_DRAW_H
#define GREENSLOT_REPORT_DRAW_H

#include "report/report.h"

#include <cairo.h>

struct rgb {
	double r, g, b;
};

/* Okabe-Ito colours (plus greys), as 0-1 fractions. */
#define C_BLACK ((struct rgb){0, 0, 0})
#define C_ORANGE ((struct rgb){0xe6 / 255.0, 0x9f / 255.0, 0})
#define C_SKY ((struct rgb){0x56 / 255.0, 0xb4 / 255.0, 0xe9 / 255.0})
#define C_GREEN ((struct rgb){0, 0x9e / 255.0, 0x73 / 255.0})
#define C_BLUE ((struct rgb){0, 0x72 / 255.0, 0xb2 / 255.0})
#define C_VERMILION ((struct rgb){0xd5 / 255.0, 0x5e / 255.0, 0})
#define C_GREY ((struct rgb){0.45, 0.45, 0.45})
#define C_GRID ((struct rgb){0.88, 0.88, 0.88})

#define CHART_W 800.0

struct drawing {
	const char *title;  /* for error messages */
	double w, h;        /* points (pixels at scale 1) */
	void (*draw)(cairo_t *cr, const void *arg);
	const void *arg;
};

/* Draws d in fmt and appends the file to out (see chart_render()). */
int drawing_render(const struct drawing *d, enum chart_format fmt,
		   const char *id_prefix, struct strbuf *out,
		   struct errmsg *err);

void set_rgb(cairo_t *cr, struct rgb c);
void set_rgba(cairo_t *cr, struct rgb c, double a);
void set_font(cairo_t *cr, double size, bool bold);
/* Advance width of s (sanitized to UTF-8) in the current font. */
double text_width(cairo_t *cr, const char *s);
/*
 * Draws s with its left (align 0), centre (0.5) or right (1) at x; with
 * keep_in, moved in if it would run off the chart's sides.
 */
void show_text_in(cairo_t *cr, double x, double y, double align,
		  bool keep_in, const char *s);
void show_text(cairo_t *cr, double x, double y, double align, const char *s);

/* Time axis shared by the charts: where [from, to) maps to x. */
struct time_axis {
	double px, pw;      /* left edge and width of the plot */
	double top, bottom; /* grid lines run from top to bottom */
	double label_y;     /* baseline of the first label row */
	double title_y;     /* baseline of the axis title; 0: none */
	gs_time from, to;
};
double time_axis_x(const struct time_axis *a, gs_time t);
/* Grid lines, hour labels and dates under them, the axis title. */
void draw_time_axis(cairo_t *cr, const struct time_axis *a);

#endif
