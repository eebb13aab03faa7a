/*
 * page.h - what the parts of the HTML report share while one is built.
 * Private to the report module (its API is report.h).
 *
 * page_load() reads everything the sections show once (the carbon
 * intensity of each zone, the scores of the plans on recorded values),
 * so that no section asks the store twice; page_release() frees it.
 */
#ifndef GREENSLOT_REPORT_PAGE_H
#define GREENSLOT_REPORT_PAGE_H

#include "report/report.h"

struct zone_data {
	const char *zone;
	struct report_ci ci;
	/* forecast quality: the carbon intensity over the horizon of the
	 * first plan made on a forecast (&ci when that is plans[0]) */
	struct report_ci fq_ci;
	const struct report_ci *fq;
	struct report_backtest bt; /* nmodels 0: not run */
};
/* At most this many zones are backtested per report: each takes ~0.2 s. */
#define PAGE_BT_ZONES 8

struct page {
	const struct report_input *in;
	const struct plan *plan;   /* plans[0]: the one charted */
	bool has_horizon;
	gs_time from, to;          /* its horizon */
	gs_time issued_by;         /* forecast it assumed; NONE: recorded */
	struct zone_data *zones;
	size_t nzones;
	size_t *site_zone;         /* [nsites]: index into zones */
	struct report_score *scores; /* [nplans]; known == 0: not scored */
	long fq_plan;              /* first plan made on a forecast, or -1 */
	gs_time fq_from, fq_to;    /* its horizon */
	size_t bt_skipped;         /* zones left out past PAGE_BT_ZONES */
	/* with job specs: share of each site's capacity in use per slot
	 * of the plan's grid (the busiest resource), [site * nslots + t] */
	struct solver_grid grid;
	double *use;
	const struct job **by_id;  /* the job specs sorted by id */
};

int page_load(struct page *pg, const struct report_input *in,
	      struct errmsg *err);
int page_load_scores(struct page *pg, struct errmsg *err);
/* The forecast of the first plan made on one, and the backtests. */
int page_load_quality(struct page *pg, struct errmsg *err);
void page_release(struct page *pg);
/* Whether plans[k] was scored on recorded values. */
bool page_scored(const struct page *pg, size_t k);
/* Capacity use and the id index, when the input has job specs. */
void page_load_jobs(struct page *pg);
/* Jobs of p that end after their latest_finish; -1 without job specs. */
long page_late_jobs(const struct page *pg, const struct plan *p);
/*
 * The segments a job runs in: its own, or one from start to end (written
 * to *whole) when the plan lists none.  *n gets their number.
 */
const struct plan_segment *job_segments(const struct plan_job *j,
					struct plan_segment *whole, size_t *n);
/* Slots [*first, *end) of g that [start, end) touches (score.c). */
void grid_slot_span(const struct solver_grid *g, gs_time start, gs_time end,
		    long *first, long *last);
/* The data of a site's zone. */
const struct report_ci *page_site_ci(const struct page *pg, size_t site);

/* HTML text helpers (html.c). */
void add_esc(struct strbuf *sb, const char *s);
/* Fewer decimals as numbers grow: 0.123, 1.23, 12.3, 123; n/a for NAN. */
void add_num(struct strbuf *sb, double x);
void add_percent(struct strbuf *sb, double part, double whole);
/* <time datetime="RFC 3339">YYYY-MM-DD HH:MM</time>; n/a for NONE. */
void add_time(struct strbuf *sb, gs_time t);
void num_cell(struct strbuf *sb, double v);
void text_cell(struct strbuf *sb, const char *s);

/* Sections (compare.c, sections.c, tables.c). */
/* The plans compared, when there are several or plans[0] carries others. */
void section_comparison(struct strbuf *sb, const struct page *pg);
int section_timelines(struct strbuf *sb, const struct page *pg,
		      struct errmsg *err);
int section_heatmap(struct strbuf *sb, const struct page *pg,
		    struct errmsg *err);
void section_forecast_quality(struct strbuf *sb, const struct page *pg);
int section_health(struct strbuf *sb, const struct page *pg,
		   struct errmsg *err);
void section_jobs(struct strbuf *sb, const struct page *pg);
void section_unplaced(struct strbuf *sb, const struct plan *p);
/* One site's timeline chart, or the heatmap, alone (report_chart()). */
int site_chart_render(const struct page *pg, size_t site,
		      enum chart_format fmt, const char *prefix,
		      struct strbuf *out, struct errmsg *err);
int heatmap_of_page(const struct page *pg, enum chart_format fmt,
		    const char *prefix, struct strbuf *out,
		    struct errmsg *err);

#endif
