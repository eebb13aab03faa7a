/*
 * render.c - the HTML report of plans, and its charts one by one.
 *
 * Builds the whole document in memory: generation info and what the plan
 * assumed, summary cards with the saving against the baseline, the
 * policy comparison (compare.c), then the sections (timelines per
 * site, heatmap, forecast quality, jobs, unplaced jobs, data health).  Every string that comes from an input
 * file goes through html_escape(); everything else is produced here.
 */
#include "report/page.h"

#include <math.h>

/* Inline, so the file stands alone; print rules keep tables and charts whole. */
static const char css[] =
	"*{box-sizing:border-box}"
	"body{font-family:system-ui,sans-serif;color:#1a1a1a;"
	"line-height:1.45;max-width:1100px;margin:0 auto;padding:1rem}"
	"h1{font-size:1.5rem;margin:.2rem 0 .4rem}"
	"h2{font-size:1.2rem;margin:1.6rem 0 .5rem;"
	"border-bottom:1px solid #ccc}"
	".meta{color:#555;margin:0}"
	"dl.info{display:grid;grid-template-columns:max-content 1fr;"
	"gap:.1rem 1rem;margin:.8rem 0}"
	"dl.info dt{font-weight:600}dl.info dd{margin:0;"
	"overflow-wrap:anywhere}"
	".cards{display:grid;grid-template-columns:"
	"repeat(auto-fit,minmax(11rem,1fr));gap:.6rem;margin:1rem 0}"
	".card{border:1px solid #ccc;border-radius:6px;padding:.5rem .8rem;"
	"background:#f6f8fa}"
	".card .k{font-size:.85rem;color:#444}"
	".card .v{font-size:1.4rem;font-weight:600}"
	".card .u{font-size:.85rem;color:#444}"
	".card.good{border-color:#009E73;background:#eef8f4}"
	".table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;"
	"margin:.5rem 0}"
	"table{border-collapse:collapse;width:100%;font-size:.9rem}"
	"th,td{padding:.3rem .5rem;border-bottom:1px solid #ddd;"
	"text-align:left;vertical-align:top}"
	"th{background:#f6f8fa;white-space:nowrap}"
	"td{overflow-wrap:break-word}"
	"td.num,th.num{text-align:right;white-space:nowrap;"
	"font-variant-numeric:tabular-nums}"
	"tr.first td{font-weight:600}"
	"table.compare td{white-space:nowrap;overflow-wrap:normal}"
	"table.compare th{white-space:normal;vertical-align:bottom}"
	"table.compare th.num{min-width:6rem}"
	"table.jobs th{white-space:normal;vertical-align:bottom}"
	"table.jobs td:first-child{min-width:9rem}"
	"table.jobs td:nth-child(-n+4){white-space:nowrap}"
	"table.jobs td:first-child{white-space:normal}"
	"figure.chart{margin:1rem 0}"
	"figure.chart svg{display:block;width:100%;height:auto;"
	"max-width:100%}"
	"figcaption{font-size:.85rem;color:#444}"
	"nav.toc{margin:.3rem 0;font-size:.9rem}"
	"nav.toc a{margin-right:.8rem}"
	"ul.vs{margin:.3rem 0;padding-left:1.2rem}"
	".note{background:#fff8e6;border-left:4px solid #E69F00;"
	"padding:.4rem .8rem}"
	"small{color:#555}"
	"footer{margin-top:2rem;font-size:.8rem;color:#666}"
	"@media (max-width:600px){body{padding:.5rem}"
	"dl.info{grid-template-columns:1fr}dl.info dd{margin-bottom:.3rem}"
	".card .v{font-size:1.15rem}}"
	"@media print{body{max-width:none;padding:0;font-size:10pt}"
	".table-wrap{overflow:visible}"
	"figure,tr,.card,.cards{break-inside:avoid}nav.toc{display:none}"
	"a{color:inherit;text-decoration:none}"
	"h2{break-after:avoid}thead{display:table-header-group}"
	".cards{grid-template-columns:repeat(3,1fr)}"
	"th,.card{background:none}}"
	"@page{margin:12mm}";

static double plan_saving(const struct plan *p)
{
	return p->baseline_emissions_kg - p->emissions_kg;
}

static const char *catalog_name(const struct catalog *cat)
{
	return cat && cat->path ? cat->path : "the site catalog";
}

int report_check(const struct report_input *in, struct errmsg *err)
{
	if (!in->nplans)
		return err_set(err, "no plan to report on");
	for (size_t k = 0; k < in->nplans; k++) {
		const struct plan *p = in->plans[k].plan;
		for (size_t i = 0; i < p->njobs; i++) {
			const struct plan_job *j = &p->jobs[i];
			if (in->catalog &&
			    catalog_find_site(in->catalog, j->site) >= 0)
				continue;
			return err_set(err,
				       "unknown site '%s' of job '%s' in plan "
				       "'%s' (not in '%s')",
				       j->site, j->id, in->plans[k].name,
				       catalog_name(in->catalog));
		}
	}
	return 0;
}

/* Whether the plan was made on a forecast (else on recorded values). */
static bool plan_used_forecast(const struct plan *p)
{
	if (p->oracle)
		return false;
	return !p->signal_source ||
	       !strncmp(p->signal_source, "forecast", 8);
}

/* ------------------------------------------------------------------ */
/* What the page shows, loaded once                                    */
/* ------------------------------------------------------------------ */

static size_t zone_index(struct page *pg, const char *zone, size_t *alloc)
{
	for (size_t i = 0; i < pg->nzones; i++)
		if (!strcmp(pg->zones[i].zone, zone))
			return i;
	ALLOC_GROW(pg->zones, pg->nzones + 1, *alloc);
	memset(&pg->zones[pg->nzones], 0, sizeof(pg->zones[0]));
	pg->zones[pg->nzones].zone = zone;
	report_ci_init(&pg->zones[pg->nzones].ci);
	report_ci_init(&pg->zones[pg->nzones].fq_ci);
	return pg->nzones++;
}

/* A plan's horizon [*from, *to): its grid, cut at its end. */
static bool plan_span(const struct plan *p, gs_time *from, gs_time *to)
{
	struct solver_grid g;

	*from = *to = GS_TIME_NONE;
	if (!report_plan_grid(p, &g))
		return false;
	*from = g.start;
	*to = g.start + (gs_time)g.nslots * g.slot_s;
	if (p->end != GS_TIME_NONE && p->end > *from && p->end < *to)
		*to = p->end;
	return true;
}

/* The forecast a plan assumed: the last one issued by its start. */
static gs_time plan_issued_by(const struct plan *p, gs_time from)
{
	if (!plan_used_forecast(p))
		return GS_TIME_NONE;
	return p->start != GS_TIME_NONE ? p->start : from;
}

int page_load(struct page *pg, const struct report_input *in,
	      struct errmsg *err)
{
	const struct catalog *cat = in->catalog;
	size_t alloc = 0;

	memset(pg, 0, sizeof(*pg));
	pg->in = in;
	pg->plan = in->plans[0].plan;
	pg->has_horizon = plan_span(pg->plan, &pg->from, &pg->to);
	pg->issued_by = plan_issued_by(pg->plan, pg->from);
	pg->fq_plan = -1;
	pg->site_zone = xcalloc(cat && cat->nsites ? cat->nsites : 1,
				sizeof(*pg->site_zone));
	page_load_jobs(pg);
	for (size_t i = 0; cat && i < cat->nsites; i++)
		pg->site_zone[i] = zone_index(pg, cat->sites[i].zone, &alloc);
	if (!pg->has_horizon || !in->get_ci)
		return 0;
	for (size_t i = 0; i < pg->nzones; i++)
		if (in->get_ci(in->get_ci_ctx, pg->zones[i].zone, pg->from,
			       pg->to, pg->issued_by, &pg->zones[i].ci,
			       err) < 0)
			return -1;
	return 0;
}

/*
 * Forecast quality: the first plan made on a forecast, its forecast over
 * its horizon per zone (plans[0]'s is loaded already).
 */
static int load_fq(struct page *pg, struct errmsg *err)
{
	const struct report_input *in = pg->in;
	gs_time by = GS_TIME_NONE;
	size_t k = 0;

	for (; k < in->nplans; k++)
		if (plan_span(in->plans[k].plan, &pg->fq_from, &pg->fq_to) &&
		    plan_used_forecast(in->plans[k].plan))
			break;
	if (k == in->nplans)
		return 0;
	pg->fq_plan = (long)k;
	by = plan_issued_by(in->plans[k].plan, pg->fq_from);
	for (size_t i = 0; i < pg->nzones; i++) {
		struct zone_data *z = &pg->zones[i];
		z->fq = k ? &z->fq_ci : &z->ci;
		if (k && in->get_ci(in->get_ci_ctx, z->zone, pg->fq_from,
				    pg->fq_to, by, &z->fq_ci, err) < 0)
			return -1;
	}
	return 0;
}

/* Backtests of each zone before the first plan, PAGE_BT_ZONES at most. */
static int load_backtests(struct page *pg, struct errmsg *err)
{
	const struct report_input *in = pg->in;
	size_t run = 0;

	for (size_t i = 0; i < pg->nzones; i++) {
		struct report_backtest *bt = &pg->zones[i].bt;
		if (run == PAGE_BT_ZONES) {
			pg->bt_skipped++;
			continue;
		}
		if (in->get_backtest(in->get_backtest_ctx, pg->zones[i].zone,
				     pg->from, pg->to - pg->from, bt,
				     err) < 0)
			return -1;
		run += bt->nmodels > 0;
	}
	return 0;
}

int page_load_quality(struct page *pg, struct errmsg *err)
{
	if (!pg->has_horizon)
		return 0;
	if (pg->in->get_ci && load_fq(pg, err) < 0)
		return -1;
	return pg->in->get_backtest ? load_backtests(pg, err) : 0;
}

/* Scores every plan on the recorded values of its own slot grid. */
int page_load_scores(struct page *pg, struct errmsg *err)
{
	const struct report_input *in = pg->in;
	const struct catalog *cat = in->catalog;

	if (!in->get_actual || !cat)
		return 0;
	pg->scores = xcalloc(in->nplans, sizeof(*pg->scores));
	for (size_t k = 0; k < in->nplans; k++) {
		struct solver_signals sg;
		struct solver_grid g;
		int ret;

		if (!report_plan_grid(in->plans[k].plan, &g))
			continue;
		solver_signals_init(&sg, &g, cat->nsites, cat->nresources);
		ret = in->get_actual(in->get_actual_ctx, &sg, err);
		if (!ret)
			report_score_plan(in->plans[k].plan, cat, &sg,
					  &pg->scores[k]);
		solver_signals_release(&sg);
		if (ret < 0)
			return -1;
	}
	return 0;
}

void page_release(struct page *pg)
{
	for (size_t i = 0; i < pg->nzones; i++) {
		report_ci_release(&pg->zones[i].ci);
		report_ci_release(&pg->zones[i].fq_ci);
		report_backtest_release(&pg->zones[i].bt);
	}
	free(pg->zones);
	free(pg->site_zone);
	for (size_t k = 0; pg->scores && k < pg->in->nplans; k++)
		report_score_release(&pg->scores[k]);
	free(pg->scores);
	free(pg->use);
	free(pg->by_id);
	memset(pg, 0, sizeof(*pg));
}

const struct report_ci *page_site_ci(const struct page *pg, size_t site)
{
	return &pg->zones[pg->site_zone[site]].ci;
}

bool page_scored(const struct page *pg, size_t k)
{
	return pg->scores && pg->scores[k].known > 0;
}

/* ------------------------------------------------------------------ */
/* The page                                                            */
/* ------------------------------------------------------------------ */

static void head(struct strbuf *sb, const struct report_input *in)
{
	strbuf_addstr(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			  "<meta charset=\"utf-8\">\n"
			  "<meta name=\"viewport\" content=\"width=device-"
			  "width, initial-scale=1\">\n"
			  "<meta name=\"generator\" content=\"greenslot\">\n"
			  "<title>greenslot report: ");
	add_esc(sb, in->plans[0].name);
	strbuf_addf(sb, "</title>\n<style>%s</style>\n</head>\n<body>\n",
		    css);
}

static void info_row(struct strbuf *sb, const char *key)
{
	strbuf_addf(sb, "<dt>%s</dt><dd>", key);
}

static size_t predicted_runtimes(const struct plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->njobs; i++)
		n += p->jobs[i].runtime_predicted;
	return n;
}

/* "7 of 20 predicted from past runs, planned on P90; ..." */
static void runtimes_info(struct strbuf *sb, const struct plan *p)
{
	size_t n = predicted_runtimes(p);
	double q = p->runtime_quantile;

	info_row(sb, "runtimes");
	strbuf_addf(sb, "%zu of %zu predicted from past runs", n, p->njobs);
	if (n && q > 0 && q < 1)
		strbuf_addf(sb, ", planned on P%g",
			    round(1000 * q) / 10);
	else if (n)
		strbuf_addstr(sb, " (the quantile planned on is not recorded "
				  "in the plan)");
	strbuf_addstr(sb, "; the rest given in the job specs</dd>\n");
}

static void score_info(struct strbuf *sb, const struct page *pg)
{
	const struct report_score *sc = &pg->scores[0];

	info_row(sb, "on recorded values");
	add_num(sb, sc->actual_kg);
	strbuf_addstr(sb, "&nbsp;kg CO2eq emitted against ");
	add_num(sb, sc->expected_kg);
	strbuf_addstr(sb, "&nbsp;kg expected (");
	add_percent(sb, fabs(sc->actual_kg - sc->expected_kg),
		    sc->expected_kg);
	strbuf_addf(sb, " %s), over %zu of its %zu job-slots with a "
			"recorded carbon intensity</dd>\n",
		    sc->actual_kg >= sc->expected_kg ? "more" : "less",
		    sc->known, sc->slots);
}

static void plan_info(struct strbuf *sb, const struct page *pg)
{
	const struct plan *p = pg->plan;
	char buf[64];

	strbuf_addstr(sb, "<dl class=\"info\">\n");
	info_row(sb, "policy");
	add_esc(sb, p->policy);
	strbuf_addstr(sb, ", objective ");
	add_esc(sb, p->objective);
	strbuf_addstr(sb, "</dd>\n");
	info_row(sb, "status");
	add_esc(sb, p->status);
	if (isfinite(p->gap)) /* a fraction; small ones still matter */
		strbuf_addf(sb, ", optimality gap %.*f&#8239;%%",
			    fabs(p->gap) < 0.01 ? 3 : 1, 100 * p->gap);
	if (isfinite(p->bound) && strcmp(p->status ? p->status : "",
					 "infeasible")) {
		strbuf_addstr(sb, ", bound ");
		add_num(sb, p->bound);
	}
	if (isfinite(p->solve_seconds) && p->solve_seconds > 0) {
		strbuf_addstr(sb, ", solved in ");
		add_num(sb, p->solve_seconds);
		strbuf_addstr(sb, "&nbsp;s");
	}
	strbuf_addstr(sb, "</dd>\n");
	info_row(sb, "horizon (UTC)");
	add_time(sb, p->start);
	strbuf_addstr(sb, " to ");
	add_time(sb, p->end);
	if (p->slot_s > 0)
		strbuf_addf(sb, ", slots of %s",
			    duration_format(p->slot_s, buf, sizeof(buf)));
	strbuf_addstr(sb, "</dd>\n");
	info_row(sb, "signal assumed");
	if (p->signal_source)
		add_esc(sb, p->signal_source);
	else
		strbuf_addstr(sb, p->oracle ? "recorded values (oracle)" :
					      "not recorded in the plan");
	strbuf_addstr(sb, "</dd>\n");
	runtimes_info(sb, p);
	if (page_scored(pg, 0))
		score_info(sb, pg);
	strbuf_addstr(sb, "</dl>\n");
}

static void header(struct strbuf *sb, const struct page *pg)
{
	const struct report_input *in = pg->in;
	char buf[GS_TIME_BUFSZ];

	strbuf_addstr(sb, "<header>\n<h1>Carbon-aware plan report</h1>\n"
			  "<p class=\"meta\">plan <code>");
	add_esc(sb, in->plans[0].name);
	strbuf_addstr(sb, "</code>, sites <code>");
	add_esc(sb, catalog_name(in->catalog));
	strbuf_addstr(sb, "</code>");
	if (in->generated != GS_TIME_NONE)
		strbuf_addf(sb, ", generated %s by greenslot",
			    time_format(in->generated, buf));
	strbuf_addstr(sb, "</p>\n<nav class=\"toc\"><a href=\"#summary\">"
			  "summary</a> <a href=\"#timelines\">timelines</a> "
			  "<a href=\"#heatmap\">heatmap</a> <a href=\"#"
			  "forecast\">forecast quality</a> <a href=\"#jobs\">"
			  "jobs</a> <a href=\"#health\">data health</a>"
			  "</nav>\n");
	plan_info(sb, pg);
	strbuf_addstr(sb, "</header>\n");
}

static void card_open(struct strbuf *sb, const char *cls, const char *key)
{
	strbuf_addf(sb, "<div class=\"card%s%s\"><div class=\"k\">%s</div>"
			"<div class=\"v\">",
		    *cls ? " " : "", cls, key);
}

static void card(struct strbuf *sb, const char *key, double v,
		 const char *unit)
{
	card_open(sb, "", key);
	add_num(sb, v);
	strbuf_addf(sb, "</div><div class=\"u\">%s</div></div>\n", unit);
}

static void cards(struct strbuf *sb, const struct page *pg)
{
	const struct plan *p = pg->plan;
	double saving = plan_saving(p);

	strbuf_addstr(sb, "<section class=\"cards\" aria-label=\"summary\">\n");
	card(sb, "emissions", p->emissions_kg, "kg CO2eq");
	card(sb, "energy", p->energy_kwh, "kWh");
	card(sb, "cost", p->cost, "in the currency of the site catalog");
	card(sb, "baseline emissions", p->baseline_emissions_kg,
	     "kg CO2eq if every job ran at its earliest start");
	card_open(sb, isfinite(saving) && saving > 0 ? "good" : "", "saving");
	add_num(sb, saving);
	strbuf_addstr(sb, "</div><div class=\"u\">kg CO2eq, ");
	add_percent(sb, saving, p->baseline_emissions_kg);
	strbuf_addstr(sb, " of the baseline</div></div>\n");
	card_open(sb, "", "jobs");
	strbuf_addf(sb, "%zu</div><div class=\"u\">placed, %zu unplaced"
			"</div></div>\n",
		    p->njobs, p->nunplaced);
	if (page_scored(pg, 0))
		card(sb, "on recorded values", pg->scores[0].actual_kg,
		     "kg CO2eq with the carbon intensity recorded since");
	strbuf_addstr(sb, "</section>\n");
}

static int sections(struct strbuf *sb, const struct page *pg,
		    struct errmsg *err)
{
	strbuf_addstr(sb, "<main>\n<section id=\"summary\">\n");
	cards(sb, pg);
	strbuf_addstr(sb, "</section>\n");
	section_comparison(sb, pg);
	if (section_timelines(sb, pg, err) < 0 ||
	    section_heatmap(sb, pg, err) < 0)
		return -1;
	section_forecast_quality(sb, pg);
	section_jobs(sb, pg);
	section_unplaced(sb, pg->plan);
	if (section_health(sb, pg, err) < 0)
		return -1;
	strbuf_addstr(sb, "</main>\n");
	return 0;
}

int report_render(const struct report_input *in, struct strbuf *html,
		  struct errmsg *err)
{
	struct strbuf sb;
	struct page pg;
	int ret;

	if (report_check(in, err) < 0)
		return -1;
	strbuf_init(&sb);
	ret = page_load(&pg, in, err);
	if (!ret)
		ret = page_load_scores(&pg, err);
	if (!ret)
		ret = page_load_quality(&pg, err);
	if (!ret) {
		head(&sb, in);
		header(&sb, &pg);
		ret = sections(&sb, &pg, err);
	}
	page_release(&pg);
	if (ret < 0) {
		strbuf_release(&sb);
		return -1;
	}
	strbuf_addstr(&sb, "<footer>Emissions are operational: energy "
			   "(IT power &times; PUE &times; time) &times; the "
			   "grid's carbon intensity. Energy in kWh, emissions "
			   "in kg CO2eq, carbon intensity in gCO2eq/kWh, "
			   "times in UTC."
			   "</footer>\n</body>\n</html>\n");
	strbuf_add(html, sb.buf, sb.len);
	strbuf_release(&sb);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Charts one by one                                                   */
/* ------------------------------------------------------------------ */

void report_chart_names(const struct report_input *in, struct strbuf *out)
{
	strbuf_addstr(out, "heatmap\n");
	for (size_t i = 0; in->catalog && i < in->catalog->nsites; i++)
		strbuf_addf(out, "timeline:%s\n", in->catalog->sites[i].id);
}

int report_chart(const struct report_input *in, const char *name,
		 enum chart_format fmt, struct strbuf *out,
		 struct errmsg *err)
{
	const char *site = !strncmp(name, "timeline:", 9) ? name + 9 : NULL;
	long si = site && in->catalog ? catalog_find_site(in->catalog, site)
				      : -1;
	struct page pg;
	int ret;

	if (strcmp(name, "heatmap") && si < 0)
		return err_set(err, "unknown chart '%s' (charts: heatmap, "
				    "timeline:SITE with a site id of the "
				    "catalog)", name);
	if (report_check(in, err) < 0)
		return -1;
	ret = page_load(&pg, in, err);
	if (!ret && !pg.has_horizon)
		ret = err_set(err, "the plan has no horizon and no jobs: "
				   "nothing to chart");
	if (!ret && si >= 0)
		ret = site_chart_render(&pg, (size_t)si, fmt, NULL, out, err);
	else if (!ret)
		ret = heatmap_of_page(&pg, fmt, NULL, out, err);
	page_release(&pg);
	return ret;
}
