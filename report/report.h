/*
 * report.h - the static HTML report of one or more plans.
 *
 * The report is one self-contained HTML file: inline CSS, inline SVG
 * charts, no scripts and no external references, so it can be mailed,
 * archived and printed as it is.
 *
 * Call order:
 *  1. fill a struct report_input: the catalog, the plans (each with the
 *     file name it came from), and the callbacks that read the store:
 *     report_ci_fn (carbon intensity of a zone, recorded and the forecast
 *     assumed), report_actual_fn (the recorded signals on a plan's slot
 *     grid, to score plans whose time has passed) and report_health_fn
 *     (ingest runs).  report_store_ci(), report_store_actual() and
 *     report_store_health() read the store; unit tests pass their own.
 *     Optionally the job specs (capacity use, late jobs);
 *  2. report_render() appends the whole document to a strbuf, or
 *     report_chart() one chart of it ("heatmap", "timeline:SITE") as SVG,
 *     PNG or PDF;
 *  3. the caller writes it (file_write_atomic()).
 * The report module keeps no pointers into the input after it returns.
 *
 * Every chart is drawn by one function onto any cairo surface
 * (chart_render(), heatmap_render()): SVG for the report, PNG or PDF.
 */
#ifndef GREENSLOT_REPORT_H
#define GREENSLOT_REPORT_H

#include "core/core.h"
#include "solver/solver.h"

/* The file formats of a chart. */
enum chart_format {
	CHART_SVG,
	CHART_PNG,
	CHART_PDF,
};

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
	struct series lo95, hi95;
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

/*
 * The recorded signals on a plan's slot grid, to score a plan whose time
 * has passed: `out` is solver_signals_init()ed by the caller for the
 * catalog; fill what is known (ci at least).  0, or -1 with err filled.
 */
typedef int (*report_actual_fn)(void *ctx, struct solver_signals *out,
				struct errmsg *err);
/* A report_actual_fn over the store (solver_signals_load(), oracle). */
struct report_store_ctx {
	struct store *store;
	const struct catalog *catalog;
};
int report_store_actual(void *ctx, struct solver_signals *out,
			struct errmsg *err);

/* Data health: what the store says of each feed's ingests. */
struct report_feed {
	char *feed;
	gs_time last_ok;     /* finish of the last good run; NONE: never */
	size_t last_ok_points;
	long rejected;       /* in the last good run; -1: not told */
	gs_time last_run;    /* finish of the last run, good or not */
	bool last_run_ok;
	char *last_message;  /* of the last run */
	size_t runs, failed;
};
struct report_health {
	struct report_feed *feeds;
	size_t n, alloc;
};
typedef int (*report_health_fn)(void *ctx, struct report_health *out,
				struct errmsg *err);
/* A report_health_fn over the store's ingest_run table (ctx: store). */
int report_store_health(void *ctx, struct report_health *out,
			struct errmsg *err);
void report_health_release(struct report_health *h);

/* ------------------------------------------------------------------ */
/* Scores                                                              */
/* ------------------------------------------------------------------ */

/*
 * A plan scored on recorded values: each job's planned energy spread
 * evenly over the slots it occupies, times the recorded carbon intensity
 * of its site in each slot (the solver's slot means).  Slots without a
 * recorded value are left out of both sides: expected_kg is the plan's
 * own figure over the same slots, so the two compare like for like.
 */
struct report_score {
	size_t slots, known;   /* job-slots, and those with a recorded CI */
	double expected_kg;    /* the plan's emissions over the known slots */
	double actual_kg;      /* recorded CI over the known slots */
	double *job_actual_kg; /* [njobs]; NAN when no slot is known */
};
/* Scores p on `actual` (whose grid says where the slots are). */
void report_score_plan(const struct plan *p, const struct catalog *cat,
		       const struct solver_signals *actual,
		       struct report_score *out);
void report_score_release(struct report_score *s);
/* The slot grid of a plan: its start, slot and end (or its jobs' span). */
bool report_plan_grid(const struct plan *p, struct solver_grid *g);

/*
 * Forecast against recorded values over [from, to): every recorded point
 * whose time the forecast covers, with the interval coverage where the
 * forecast has bands.  Uses the backtest's error sums (forecast.h).
 */
struct report_fq {
	size_t n, mape_n, nint, in80, in95;
	double mae, mape, bias, cov80, cov95; /* NAN when undefined */
};
void report_forecast_quality(const struct report_ci *ci, gs_time from,
			     gs_time to, struct report_fq *out);
/* The measures of error sums (coverage NAN where nothing had intervals). */
struct bt_stats;
void report_fq_from_stats(const struct bt_stats *st, struct report_fq *out);

/*
 * A zone's carbon-intensity forecasts backtested over a window before a
 * plan (`forecast backtest`): greenslot's model, seasonal naive and each
 * stored provider forecast, issued daily at 00:00 UTC on what was known
 * then, scored on the same recorded points.  nmodels == 0: not run, and
 * `why` (static text) says why.
 */
struct report_bt_model {
	char *name;            /* "greenslot", "seasonal_naive", a source */
	struct report_fq fq;
};
struct report_backtest {
	gs_time from, to;      /* issue times in [from, to) */
	int64_t horizon_s;
	size_t issues;
	struct report_bt_model *models;
	size_t nmodels;
	const char *why;
};
void report_backtest_release(struct report_backtest *b);
/*
 * Fills out (zeroed by the caller) for zone over the days before
 * `before` with forecasts of horizon_s.  0 (run or not), -1 with err.
 */
typedef int (*report_backtest_fn)(void *ctx, const char *zone,
				  gs_time before, int64_t horizon_s,
				  struct report_backtest *out,
				  struct errmsg *err);
/*
 * A report_backtest_fn over the store (ctx: store): the REPORT_BT_DAYS
 * days before `before` (issues whose horizon ends by then; the horizon
 * capped at 48 h), starting no earlier than FC_MIN_DAYS days after the
 * first value recorded in the REPORT_BT_DAYS + FC_MIN_DAYS days before:
 * greenslot's model then never falls back for lack of history, and a
 * store without that history costs one small read.
 */
#define REPORT_BT_DAYS 14
int report_store_backtest(void *ctx, const char *zone, gs_time before,
			  int64_t horizon_s, struct report_backtest *out,
			  struct errmsg *err);

/* Gaps of a recorded series over [from, to): stretches nothing covers. */
struct report_gaps {
	size_t n;           /* separate stretches */
	int64_t missing_s;  /* their total length */
	int64_t longest_s;
};
void report_series_gaps(const struct series *s, gs_time from, gs_time to,
			struct report_gaps *out);

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
	report_actual_fn get_actual;     /* NULL: plans are not scored */
	void *get_actual_ctx;
	report_health_fn get_health;     /* NULL: no data health section */
	void *get_health_ctx;
	report_backtest_fn get_backtest; /* NULL: no backtest figures */
	void *get_backtest_ctx;
	/* the job specs the plans were made from (jobset_finish()ed), for
	 * capacity use per slot and late jobs; NULL: not shown */
	const struct jobset *jobs;
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
 * One chart of the report on its own, by name: "heatmap" or
 * "timeline:SITE" (a site id of the catalog), of plans[0].  Unknown names
 * fail with the list of names in err.
 */
int report_chart(const struct report_input *in, const char *name,
		 enum chart_format fmt, struct strbuf *out,
		 struct errmsg *err);
/* The names report_chart() knows for this input, one per line. */
void report_chart_names(const struct report_input *in, struct strbuf *out);

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

/*
 * Carbon intensity by site (rows) and time bin (columns) over [from, to).
 * v[row * ncols + col] is the bin's mean, NAN when nothing covers it;
 * recorded[] says whether it came from recorded values (1) or from the
 * forecast (0).  Row labels are not owned.
 */
struct heatmap {
	const char *title;
	gs_time from;
	int64_t bin_s;
	size_t ncols, nrows;
	const char **row_label;
	double *v;
	unsigned char *recorded;
};

void heatmap_init(struct heatmap *h, gs_time from, gs_time to,
		  int64_t bin_s, size_t nrows);
void heatmap_release(struct heatmap *h);
/* An hour, doubled until the horizon has at most 168 bins. */
int64_t heatmap_bin_for(gs_time from, gs_time to);
/*
 * Fills row r: per bin the time-weighted mean of the recorded values
 * where they cover any of it, else the forecast's, else NAN.
 */
void heatmap_fill_row(struct heatmap *h, size_t r, const char *label,
		      const struct series *recorded,
		      const struct series *forecast);
void heatmap_size(const struct heatmap *h, double *w, double *hh);
int heatmap_render(const struct heatmap *h, enum chart_format fmt,
		   const char *id_prefix, struct strbuf *out,
		   struct errmsg *err);

/* ------------------------------------------------------------------ */
/* Command                                                             */
/* ------------------------------------------------------------------ */

extern const struct cmd_doc cmd_report_doc;
int cmd_report(int argc, char **argv, struct cmd_ctx *ctx);

#endif
