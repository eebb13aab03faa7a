/*
 * report.h - the static HTML report of one or more plans.
 *
 * The report is one self-contained HTML file: inline CSS, inline SVG
 * charts, no scripts and no external references, so it can be mailed,
 * archived and printed as it is.
 *
 * Call order:
 *  1. fill a struct report_input: the catalog, the plans (each with the
 *     file name it came from) and a report_ci_fn that supplies the carbon
 *     intensity of a zone (report_store_ci() reads it from the store; unit
 *     tests pass their own);
 *  2. report_render() appends the whole document to a strbuf;
 *  3. the caller writes it (file_write_atomic()).
 * The report module keeps no pointers into the input after it returns.
 *
 * The charts are drawn by one function onto any cairo surface:
 * chart_render() writes SVG (for the report), PNG or PDF into a strbuf.
 */
#ifndef GREENSLOT_REPORT_H
#define GREENSLOT_REPORT_H

#include "core/core.h"

/* ------------------------------------------------------------------ */
/* Carbon intensity for the charts                                     */
/* ------------------------------------------------------------------ */

/*
 * What a chart shows of a zone's carbon intensity.  `recorded` holds the
 * recorded values; `forecast` the forecast the plan assumed (empty when
 * the plan was made on recorded values, or when none is stored), with its
 * 80% band in lo80/hi80 (both on the same times; empty when absent).
 */
struct report_ci {
	struct series recorded;
	struct series forecast;
	struct series lo80, hi80;
	gs_time forecast_issued; /* GS_TIME_NONE when there is no forecast */
};

void report_ci_init(struct report_ci *ci);
void report_ci_release(struct report_ci *ci);

/*
 * Fills `out` (initialised by the caller) with the carbon intensity of
 * zone over [from, to).  forecast_issued_by is GS_TIME_NONE when the plan
 * did not assume a forecast; otherwise the forecast issued last at or
 * before it is wanted.  Returns 0, or -1 with err filled.
 */
typedef int (*report_ci_fn)(void *ctx, const char *zone, gs_time from,
			    gs_time to, gs_time forecast_issued_by,
			    struct report_ci *out, struct errmsg *err);

/* A report_ci_fn over the store; ctx is a struct store *. */
int report_store_ci(void *ctx, const char *zone, gs_time from, gs_time to,
		    gs_time forecast_issued_by, struct report_ci *out,
		    struct errmsg *err);

/* ------------------------------------------------------------------ */
/* The report                                                          */
/* ------------------------------------------------------------------ */

struct report_plan {
	const char *name;       /* the file it was read from, as given */
	const struct plan *plan;
};

struct report_input {
	const struct catalog *catalog;
	const struct report_plan *plans; /* charts and tables: plans[0] */
	size_t nplans;                   /* >= 1 */
	report_ci_fn get_ci;             /* NULL: charts without a curve */
	void *get_ci_ctx;
	gs_time generated;               /* GS_TIME_NONE: not shown */
};

/*
 * Checks that the input can be reported on: at least one plan, and every
 * job on a site of the catalog.  -1 with err filled otherwise.
 */
int report_check(const struct report_input *in, struct errmsg *err);

/*
 * Appends the HTML document to html.  Fails (-1, err filled, html as it
 * was) when report_check() does, when get_ci fails or when cairo does.
 */
int report_render(const struct report_input *in, struct strbuf *html,
		  struct errmsg *err);

/*
 * Appends s as HTML text, safe in element content and in quoted
 * attributes: & < > " ' become character references, control characters
 * become their visible Unicode "control pictures" (U+2400...), and bytes
 * that are not well-formed UTF-8 become U+FFFD.  Other UTF-8 passes
 * through.  A NULL s appends nothing.
 */
void html_escape(struct strbuf *out, const char *s);

/*
 * Appends s with every byte sequence that is not well-formed UTF-8
 * replaced by U+FFFD: cairo's text functions refuse such strings.
 */
void utf8_sanitize(struct strbuf *out, const char *s);

/* ------------------------------------------------------------------ */
/* Charts                                                              */
/* ------------------------------------------------------------------ */

/* One job in a chart: drawn as bars (its segments) in its own lane. */
struct chart_bar {
	const char *label;
	gs_time start, end;                 /* the whole span */
	const struct plan_segment *segments; /* NULL: one bar start..end */
	size_t nsegments;
	int lane;                           /* set by chart_pack_lanes() */
};

/*
 * A carbon-intensity chart over [from, to): the step curves of the
 * recorded values and of a forecast with its 80% band, and below them
 * the jobs in lanes.  The chart does not own anything it points to.
 */
struct chart {
	const char *title;
	const char *y_label;          /* unit of the curve */
	gs_time from, to;
	const struct series *recorded; /* NULL or empty: none */
	const struct series *forecast; /* NULL or empty: none */
	const struct series *lo80;     /* band, same times as hi80 */
	const struct series *hi80;
	const char *forecast_label;    /* legend text of the forecast */
	struct chart_bar *bars;
	size_t nbars;
	int nlanes;                    /* set by chart_pack_lanes() */
	/* share of the site's capacity in use per slot (1 = full), for the
	 * strip under the jobs; nuse 0: no strip */
	const double *use;
	size_t nuse;
	gs_time use_start;
	int64_t use_step;
};

enum chart_format {
	CHART_SVG,
	CHART_PNG,
	CHART_PDF,
};

/*
 * Puts each bar in the lowest lane where it overlaps no other bar (bars
 * taken in order of start) and sets c->nlanes.  Reorders nothing.
 */
void chart_pack_lanes(struct chart *c);

/*
 * Whether the chart draws its jobs as a count of jobs running rather than
 * as bars: past 24 lanes, bars are too thin to see or label.
 */
bool chart_aggregated(const struct chart *c);

/* "svg", "png" or "pdf"; -1 for anything else. */
int chart_format_parse(const char *s, enum chart_format *out);

/* Width and height in points (pixels for PNG) that chart_render() uses. */
void chart_size(const struct chart *c, double *width, double *height);

/*
 * Draws the chart and appends the file to out.  For SVG, id_prefix (may
 * be NULL) is put in front of every id the SVG defines, so several charts
 * can live in one HTML document.  Call chart_pack_lanes() first.
 */
int chart_render(const struct chart *c, enum chart_format fmt,
		 const char *id_prefix, struct strbuf *out,
		 struct errmsg *err);

/* ------------------------------------------------------------------ */
/* Command                                                             */
/* ------------------------------------------------------------------ */

extern const struct cmd_doc cmd_report_doc;
int cmd_report(int argc, char **argv, struct cmd_ctx *ctx);

#endif
