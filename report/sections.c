/*
 * sections.c - the sections of the report drawn from the carbon
 * intensity and the store: a timeline per site (jobs over the curve), the
 * heatmap of all sites, forecast quality per zone (the plan's forecast,
 * and backtests before the plan) and data health.
 */
#include "report/page.h"

#include <math.h>

static void site_bars(const struct plan *p, const char *site,
		      struct chart *c)
{
	size_t alloc = 0;

	c->bars = NULL;
	c->nbars = 0;
	for (size_t i = 0; i < p->njobs; i++) {
		const struct plan_job *j = &p->jobs[i];
		struct chart_bar *b;

		if (strcmp(j->site, site))
			continue;
		ALLOC_GROW(c->bars, c->nbars + 1, alloc);
		b = &c->bars[c->nbars++];
		b->label = j->id;
		b->start = j->start;
		b->end = j->end;
		b->segments = j->nsegments ? j->segments : NULL;
		b->nsegments = j->nsegments;
		b->lane = 0;
	}
	chart_pack_lanes(c);
}

static void chart_caption(struct strbuf *sb, const struct site *s,
			  const struct chart *c, const struct report_ci *ci)
{
	strbuf_addstr(sb, "<figcaption>Carbon intensity (gCO2eq/kWh) of "
			  "zone <b>");
	add_esc(sb, s->zone);
	strbuf_addstr(sb, "</b> over the plan's horizon");
	if (ci->forecast.n)
		strbuf_addstr(sb, ", recorded (solid) and as forecast when "
				  "the plan was made (dashed)");
	strbuf_addf(sb, "; %zu job%s placed at site <b>", c->nbars,
		    c->nbars == 1 ? "" : "s");
	add_esc(sb, s->id);
	strbuf_addstr(sb, "</b>");
	if (chart_aggregated(c))
		strbuf_addstr(sb, ", too many to draw one by one: the strip "
				  "counts the jobs running (each is in the "
				  "table of jobs)");
	if (c->nuse)
		strbuf_addstr(sb, "; below, the share of the site's capacity "
				  "in use per slot (its busiest resource; "
				  "dashed: full)");
	if (!ci->recorded.n && !ci->forecast.n)
		strbuf_addstr(sb, " (no carbon-intensity data)");
	strbuf_addstr(sb, ".</figcaption>\n");
}

int site_chart_render(const struct page *pg, size_t si,
		      enum chart_format fmt, const char *prefix,
		      struct strbuf *out, struct errmsg *err)
{
	const struct site *s = &pg->in->catalog->sites[si];
	const struct report_ci *ci = page_site_ci(pg, si);
	struct strbuf title, flabel;
	struct chart c = {0};
	char buf[GS_TIME_BUFSZ];
	int ret;

	strbuf_init(&title);
	strbuf_init(&flabel);
	strbuf_addf(&title, "%s (%s)", s->id, s->zone);
	if (ci->forecast_issued != GS_TIME_NONE)
		strbuf_addf(&flabel, "forecast assumed (issued %s)",
			    time_format(ci->forecast_issued, buf));
	c.title = title.buf;
	c.y_label = "gCO2eq/kWh";
	c.from = pg->from;
	c.to = pg->to;
	c.recorded = &ci->recorded;
	c.forecast = &ci->forecast;
	c.lo80 = &ci->lo80;
	c.hi80 = &ci->hi80;
	c.forecast_label = flabel.buf;
	if (pg->use) {
		c.use = &pg->use[si * pg->grid.nslots];
		c.nuse = pg->grid.nslots;
		c.use_start = pg->grid.start;
		c.use_step = pg->grid.slot_s;
	}
	site_bars(pg->plan, s->id, &c);
	ret = chart_render(&c, fmt, prefix, out, err);
	if (!ret && fmt == CHART_SVG) {
		strbuf_addch(out, '\n');
		chart_caption(out, s, &c, ci);
	}
	free(c.bars);
	strbuf_release(&title);
	strbuf_release(&flabel);
	return ret;
}

int section_timelines(struct strbuf *sb, const struct page *pg,
		      struct errmsg *err)
{
	const struct catalog *cat = pg->in->catalog;
	char prefix[32];

	strbuf_addstr(sb, "<section id=\"timelines\">\n<h2>Carbon intensity "
			  "and jobs per site</h2>\n");
	if (!cat || !cat->nsites) {
		strbuf_addstr(sb, "<p>The site catalog has no sites.</p>\n"
				  "</section>\n");
		return 0;
	}
	if (!pg->has_horizon) {
		strbuf_addstr(sb, "<p>The plan has no horizon and no jobs: "
				  "nothing to chart.</p>\n</section>\n");
		return 0;
	}
	strbuf_addstr(sb, "<p>Times are UTC. Each bar is a job, in a lane "
			  "of its own where jobs overlap.</p>\n");
	for (size_t i = 0; i < cat->nsites; i++) {
		snprintf(prefix, sizeof(prefix), "c%zu-", i);
		strbuf_addstr(sb, "<figure class=\"chart\">\n");
		if (site_chart_render(pg, i, CHART_SVG, prefix, sb, err) < 0)
			return -1;
		strbuf_addstr(sb, "</figure>\n");
	}
	strbuf_addstr(sb, "</section>\n");
	return 0;
}

int heatmap_of_page(const struct page *pg, enum chart_format fmt,
		    const char *prefix, struct strbuf *out,
		    struct errmsg *err)
{
	const struct catalog *cat = pg->in->catalog;
	struct heatmap h;
	int ret;

	heatmap_init(&h, pg->from, pg->to, heatmap_bin_for(pg->from, pg->to),
		     cat->nsites);
	h.title = "Carbon intensity by site and hour (gCO2eq/kWh)";
	for (size_t i = 0; i < cat->nsites; i++) {
		const struct report_ci *ci = page_site_ci(pg, i);
		heatmap_fill_row(&h, i, cat->sites[i].id, &ci->recorded,
				 &ci->forecast);
	}
	ret = heatmap_render(&h, fmt, prefix, out, err);
	heatmap_release(&h);
	return ret;
}

int section_heatmap(struct strbuf *sb, const struct page *pg,
		    struct errmsg *err)
{
	if (!pg->has_horizon || !pg->in->catalog || !pg->in->catalog->nsites)
		return 0;
	strbuf_addstr(sb, "<section id=\"heatmap\">\n<h2>Carbon intensity "
			  "by site and hour</h2>\n<figure class=\"chart\">\n");
	if (heatmap_of_page(pg, CHART_SVG, "hm-", sb, err) < 0)
		return -1;
	strbuf_addstr(sb, "\n<figcaption>Mean carbon intensity of each "
			  "site's zone per hour of the horizon (UTC): "
			  "recorded where known, else the forecast the plan "
			  "assumed (hatched). Darker is cleaner."
			  "</figcaption>\n</figure>\n</section>\n");
	return 0;
}

static void ratio_cell(struct strbuf *sb, double v)
{
	strbuf_addstr(sb, "<td class=\"num\">");
	if (isfinite(v))
		strbuf_addf(sb, "%.0f&#8239;%%", 100 * v);
	else
		strbuf_addstr(sb, "n/a");
	strbuf_addstr(sb, "</td>");
}

/* The measures of one row: points, MAE, MAPE, bias, coverage. */
static void fq_cells(struct strbuf *sb, const struct report_fq *fq)
{
	strbuf_addf(sb, "<td class=\"num\">%zu</td>", fq->n);
	num_cell(sb, fq->mae);
	num_cell(sb, fq->mape);
	num_cell(sb, fq->bias);
	ratio_cell(sb, fq->cov80);
	ratio_cell(sb, fq->cov95);
}

static const char fq_heads[] =
	"<th class=\"num\">points</th>"
	"<th class=\"num\">MAE (gCO2eq/kWh)</th>"
	"<th class=\"num\">MAPE (%)</th>"
	"<th class=\"num\">bias (gCO2eq/kWh)</th>"
	"<th class=\"num\">in 80% interval</th>"
	"<th class=\"num\">in 95% interval</th></tr></thead>\n<tbody>\n";

static void fq_row(struct strbuf *sb, const struct zone_data *z,
		   const struct page *pg)
{
	struct report_fq fq;

	report_forecast_quality(z->fq, pg->fq_from, pg->fq_to, &fq);
	strbuf_addstr(sb, "<tr>");
	text_cell(sb, z->zone);
	strbuf_addstr(sb, "<td>");
	if (z->fq->forecast_issued != GS_TIME_NONE)
		add_time(sb, z->fq->forecast_issued);
	else
		strbuf_addstr(sb, "none");
	strbuf_addstr(sb, "</td>");
	fq_cells(sb, &fq);
	strbuf_addstr(sb, "</tr>\n");
}

/* The forecast the first plan made on one assumed, over its horizon. */
static void plan_forecast(struct strbuf *sb, const struct page *pg)
{
	if (pg->fq_plan < 0) {
		strbuf_addf(sb, "<p>The plan%s made on recorded values, not "
				"on a forecast.</p>\n",
			    pg->in->nplans > 1 ? "s were" : " was");
		return;
	}
	strbuf_addstr(sb, "<h3>The forecast the plan assumed</h3>\n");
	if (pg->fq_plan > 0) {
		strbuf_addstr(sb, "<p>The first plan was made on recorded "
				  "values; this is the forecast <code>");
		add_esc(sb, pg->in->plans[pg->fq_plan].name);
		strbuf_addstr(sb, "</code> assumed.</p>\n");
	}
	strbuf_addf(sb, "<div class=\"table-wrap\"><table class=\"fq\">\n"
			"<thead><tr><th>zone</th><th>forecast issued (UTC)"
			"</th>%s", fq_heads);
	for (size_t i = 0; i < pg->nzones; i++)
		fq_row(sb, &pg->zones[i], pg);
	strbuf_addstr(sb, "</tbody></table></div>\n<p><small>The forecast "
			  "the plan assumed against the values recorded "
			  "since, over the plan's horizon (the backtest's "
			  "measures: bias is forecast minus recorded). "
			  "Points: recorded values the forecast covers; 0 "
			  "while the horizon lies in the future.</small></p>\n");
}

static void bt_rows(struct strbuf *sb, const struct zone_data *z)
{
	for (size_t m = 0; m < z->bt.nmodels; m++) {
		strbuf_addstr(sb, m ? "<tr>" : "<tr class=\"zone\">");
		text_cell(sb, z->zone);
		text_cell(sb, z->bt.models[m].name);
		strbuf_addf(sb, "<td class=\"num\">%zu</td>", z->bt.issues);
		fq_cells(sb, &z->bt.models[m].fq);
		strbuf_addstr(sb, "</tr>\n");
	}
}

/* The zones not backtested, and why. */
static void bt_missing(struct strbuf *sb, const struct page *pg)
{
	bool any = false;

	for (size_t i = 0; i < pg->nzones; i++) {
		const struct zone_data *z = &pg->zones[i];
		if (z->bt.nmodels || !z->bt.why)
			continue;
		strbuf_addstr(sb, any ? "; " : "<p><small>Not backtested: ");
		add_esc(sb, z->zone);
		strbuf_addstr(sb, ", ");
		add_esc(sb, z->bt.why);
		any = true;
	}
	if (pg->bt_skipped)
		strbuf_addf(sb, "%s%zu more zone%s (at most %d per report)",
			    any ? "; " : "<p><small>Not backtested: ",
			    pg->bt_skipped, pg->bt_skipped == 1 ? "" : "s",
			    PAGE_BT_ZONES);
	if (any || pg->bt_skipped)
		strbuf_addstr(sb, ".</small></p>\n");
}

/* The first zone backtested, for the window the caption states. */
static const struct report_backtest *first_bt(const struct page *pg)
{
	for (size_t i = 0; i < pg->nzones; i++)
		if (pg->zones[i].bt.nmodels)
			return &pg->zones[i].bt;
	return NULL;
}

static void backtests(struct strbuf *sb, const struct page *pg)
{
	const struct report_backtest *bt = first_bt(pg);

	if (!pg->in->get_backtest || !pg->has_horizon)
		return;
	strbuf_addf(sb, "<h3>Backtest over the %d days before the plan</h3>"
			"\n", REPORT_BT_DAYS);
	if (bt) {
		strbuf_addf(sb, "<div class=\"table-wrap\"><table class=\"bt\">"
				"\n<thead><tr><th>zone</th><th>model</th>"
				"<th class=\"num\">issues</th>%s", fq_heads);
		for (size_t i = 0; i < pg->nzones; i++)
			bt_rows(sb, &pg->zones[i]);
		strbuf_addstr(sb, "</tbody></table></div>\n<p><small>As "
				  "<code>greenslot forecast backtest</code> "
				  "scores them: greenslot's model and the "
				  "seasonal-naive reference re-issued daily at "
				  "00:00 UTC from ");
		add_time(sb, bt->from);
		strbuf_addf(sb, " on what was known then, %lld&nbsp;h ahead, "
				"and each provider forecast stored (its vintage "
				"issued last by then), on the same recorded "
				"points before the plan.</small></p>\n",
			    (long long)(bt->horizon_s / 3600));
	}
	bt_missing(sb, pg);
}

void section_forecast_quality(struct strbuf *sb, const struct page *pg)
{
	strbuf_addstr(sb, "<section id=\"forecast\">\n<h2>Forecast quality"
			  "</h2>\n");
	plan_forecast(sb, pg);
	backtests(sb, pg);
	strbuf_addstr(sb, "</section>\n");
}

static void add_hours(struct strbuf *sb, int64_t s)
{
	add_num(sb, (double)s / 3600);
	strbuf_addstr(sb, "&nbsp;h");
}

static void feed_row(struct strbuf *sb, const struct report_feed *f)
{
	strbuf_addstr(sb, "<tr>");
	text_cell(sb, f->feed);
	strbuf_addstr(sb, "<td>");
	add_time(sb, f->last_ok);
	strbuf_addf(sb, "</td><td class=\"num\">%zu</td>", f->last_ok_points);
	if (f->rejected >= 0)
		strbuf_addf(sb, "<td class=\"num\">%ld</td>", f->rejected);
	else
		strbuf_addstr(sb, "<td class=\"num\">n/a</td>");
	strbuf_addf(sb, "<td class=\"num\">%zu of %zu</td><td>%s ",
		    f->failed, f->runs, f->last_run_ok ? "ok" : "FAILED");
	add_esc(sb, f->last_message);
	strbuf_addstr(sb, "</td></tr>\n");
}

static void feeds_table(struct strbuf *sb, const struct report_health *h)
{
	if (!h->n) {
		strbuf_addstr(sb, "<p>The store records no ingest.</p>\n");
		return;
	}
	strbuf_addstr(sb,
		"<div class=\"table-wrap\"><table class=\"health\">\n"
		"<thead><tr><th>feed</th><th>last good ingest (UTC)</th>"
		"<th class=\"num\">points</th>"
		"<th class=\"num\">rejected</th>"
		"<th class=\"num\">failed runs</th>"
		"<th>last run</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < h->n; i++)
		feed_row(sb, &h->feeds[i]);
	strbuf_addstr(sb, "</tbody></table></div>\n");
}

static void gaps_table(struct strbuf *sb, const struct page *pg)
{
	gs_time to = pg->to;

	if (pg->in->generated != GS_TIME_NONE && pg->in->generated < to)
		to = pg->in->generated; /* the future has no record yet */
	strbuf_addstr(sb,
		"<div class=\"table-wrap\"><table class=\"gaps\">\n"
		"<thead><tr><th>zone</th><th class=\"num\">recorded "
		"points</th><th class=\"num\">gaps</th>"
		"<th class=\"num\">missing</th>"
		"<th class=\"num\">longest gap</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < pg->nzones; i++) {
		const struct series *s = &pg->zones[i].ci.recorded;
		struct report_gaps g = {0};
		size_t n = 0;

		if (to > pg->from)
			report_series_gaps(s, pg->from, to, &g);
		for (size_t k = 0; k < s->n; k++)
			n += s->t[k] >= pg->from && s->t[k] < to;
		strbuf_addstr(sb, "<tr>");
		text_cell(sb, pg->zones[i].zone);
		strbuf_addf(sb, "<td class=\"num\">%zu</td><td class=\"num\">"
				"%zu</td><td class=\"num\">", n, g.n);
		add_hours(sb, g.missing_s);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		add_hours(sb, g.longest_s);
		strbuf_addstr(sb, "</td></tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table></div>\n<p><small>Carbon "
			  "intensity recorded over the plan's horizon, up "
			  "to the time of the report: a gap is a stretch no "
			  "recorded value covers.</small></p>\n");
}

int section_health(struct strbuf *sb, const struct page *pg,
		   struct errmsg *err)
{
	struct report_health h = {0};

	strbuf_addstr(sb, "<section id=\"health\">\n<h2>Data health</h2>\n");
	if (pg->in->get_health) {
		if (pg->in->get_health(pg->in->get_health_ctx, &h, err) < 0) {
			report_health_release(&h);
			return -1;
		}
		feeds_table(sb, &h);
		report_health_release(&h);
	}
	if (pg->has_horizon && pg->nzones)
		gaps_table(sb, pg);
	strbuf_addstr(sb, "</section>\n");
	return 0;
}
