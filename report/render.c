/*
 * render.c - the HTML report of a plan.
 *
 * Builds the whole document in memory: generation info, summary cards, a
 * comparison when several plans are given, one chart per site, the table
 * of jobs and the unplaced jobs.  Every string that comes from an input
 * file goes through html_escape(); everything else is produced here.
 */
#include "report/report.h"

#include <math.h>

/* Inline, so the file stands alone; print rules keep tables and charts whole. */
static const char css[] =
	"*{box-sizing:border-box}"
	"body{font-family:system-ui,sans-serif;color:#1a1a1a;"
	"line-height:1.45;max-width:1000px;margin:0 auto;padding:1rem}"
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
	"td{overflow-wrap:anywhere}"
	"td.num,th.num{text-align:right;white-space:nowrap;"
	"font-variant-numeric:tabular-nums}"
	"tr.first td{font-weight:600}"
	"table.compare td{white-space:nowrap;overflow-wrap:normal}"
	"table.compare th{white-space:normal;vertical-align:bottom}"
	"figure.chart{margin:1rem 0}"
	"figure.chart svg{display:block;width:100%;height:auto;"
	"max-width:100%}"
	"figcaption{font-size:.85rem;color:#444}"
	".note{background:#fff8e6;border-left:4px solid #E69F00;"
	"padding:.4rem .8rem}"
	"small{color:#555}"
	"footer{margin-top:2rem;font-size:.8rem;color:#666}"
	"@media (max-width:600px){body{padding:.5rem}"
	"dl.info{grid-template-columns:1fr}dl.info dd{margin-bottom:.3rem}"
	".card .v{font-size:1.15rem}}"
	"@media print{body{max-width:none;padding:0;font-size:10pt}"
	".table-wrap{overflow:visible}"
	"figure,tr,.card,.cards{break-inside:avoid}"
	"h2{break-after:avoid}thead{display:table-header-group}"
	".cards{grid-template-columns:repeat(3,1fr)}"
	"th,.card{background:none}}"
	"@page{margin:12mm}";

static void add_esc(struct strbuf *sb, const char *s)
{
	html_escape(sb, s ? s : "");
}

/* Fewer decimals as numbers grow: 0.123, 1.23, 12.3, 123. */
static void add_num(struct strbuf *sb, double x)
{
	double a = fabs(x);
	int dec = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;

	if (!isfinite(x)) {
		strbuf_addstr(sb, "n/a");
		return;
	}
	if (a < 0.0005) {
		strbuf_addch(sb, '0'); /* not "0.000" or "-0.000" */
		return;
	}
	strbuf_addf(sb, "%.*f", dec, x);
}

static void add_percent(struct strbuf *sb, double part, double whole)
{
	if (!isfinite(part) || !isfinite(whole) || whole <= 0) {
		strbuf_addstr(sb, "n/a");
		return;
	}
	strbuf_addf(sb, "%.1f&#8239;%%", 100 * part / whole);
}

/* <time datetime="RFC 3339">YYYY-MM-DD HH:MM</time>, short for tables. */
static void add_time(struct strbuf *sb, gs_time t)
{
	char buf[GS_TIME_BUFSZ];
	struct gs_tm tm;

	if (t == GS_TIME_NONE) {
		strbuf_addstr(sb, "n/a");
		return;
	}
	time_to_tm(t, &tm);
	strbuf_addf(sb, "<time datetime=\"%s\">%04d-%02d-%02d %02d:%02d",
		    time_format(t, buf), tm.year, tm.month, tm.day, tm.hour,
		    tm.min);
	if (tm.sec)
		strbuf_addf(sb, ":%02d", tm.sec);
	strbuf_addstr(sb, "</time>");
}

static double plan_saving(const struct plan *p)
{
	return p->baseline_emissions_kg - p->emissions_kg;
}

static double job_saving(const struct plan_job *j)
{
	return j->baseline_emissions_kg - j->emissions_kg;
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

/* The plan's horizon, else the span of its jobs; false when empty. */
static bool plan_horizon(const struct plan *p, gs_time *from, gs_time *to)
{
	*from = p->start;
	*to = p->end;
	if (*from != GS_TIME_NONE && *to != GS_TIME_NONE && *to > *from)
		return true;
	*from = GS_TIME_NONE;
	*to = GS_TIME_NONE;
	for (size_t i = 0; i < p->njobs; i++) {
		if (*from == GS_TIME_NONE || p->jobs[i].start < *from)
			*from = p->jobs[i].start;
		if (*to == GS_TIME_NONE || p->jobs[i].end > *to)
			*to = p->jobs[i].end;
	}
	return *from != GS_TIME_NONE && *to > *from;
}

/* Whether the plan was made on a forecast (else on recorded values). */
static bool plan_used_forecast(const struct plan *p)
{
	if (p->oracle)
		return false;
	return !p->signal_source ||
	       !strncmp(p->signal_source, "forecast", 8);
}

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

static void plan_info(struct strbuf *sb, const struct report_input *in)
{
	const struct plan *p = in->plans[0].plan;
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
	strbuf_addstr(sb, "</dd>\n</dl>\n");
}

static void header(struct strbuf *sb, const struct report_input *in)
{
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
	strbuf_addstr(sb, "</p>\n");
	plan_info(sb, in);
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

static void cards(struct strbuf *sb, const struct plan *p)
{
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
	strbuf_addstr(sb, "</section>\n");
}

static void num_cell(struct strbuf *sb, double v)
{
	strbuf_addstr(sb, "<td class=\"num\">");
	add_num(sb, v);
	strbuf_addstr(sb, "</td>");
}

static void text_cell(struct strbuf *sb, const char *s)
{
	strbuf_addstr(sb, "<td>");
	add_esc(sb, s);
	strbuf_addstr(sb, "</td>");
}

/* The file name without its folders: full paths wrap badly in a table. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

static void comparison(struct strbuf *sb, const struct report_input *in)
{
	strbuf_addstr(sb,
		"<section>\n<h2>Plans compared</h2>\n"
		"<div class=\"table-wrap\"><table class=\"compare\">\n"
		"<thead><tr><th>plan</th><th>policy</th><th>objective</th>"
		"<th>status</th><th class=\"num\">emissions (kg CO2eq)</th>"
		"<th class=\"num\">energy (kWh)</th>"
		"<th class=\"num\">cost (catalog currency)</th>"
		"<th class=\"num\">saving vs baseline (kg CO2eq)</th>"
		"<th class=\"num\">saving (%)</th>"
		"<th class=\"num\">unplaced jobs</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < in->nplans; k++) {
		const struct plan *p = in->plans[k].plan;
		strbuf_addstr(sb, k ? "<tr>" : "<tr class=\"first\">");
		strbuf_addstr(sb, "<td title=\"");
		add_esc(sb, in->plans[k].name);
		strbuf_addstr(sb, "\">");
		add_esc(sb, base_name(in->plans[k].name));
		strbuf_addstr(sb, "</td><td>");
		add_esc(sb, p->policy);
		if (p->oracle)
			strbuf_addstr(sb, " (oracle)");
		strbuf_addstr(sb, "</td>");
		text_cell(sb, p->objective);
		text_cell(sb, p->status);
		num_cell(sb, p->emissions_kg);
		num_cell(sb, p->energy_kwh);
		num_cell(sb, p->cost);
		num_cell(sb, plan_saving(p));
		strbuf_addstr(sb, "<td class=\"num\">");
		add_percent(sb, plan_saving(p), p->baseline_emissions_kg);
		strbuf_addf(sb, "</td><td class=\"num\">%zu</td></tr>\n",
			    p->nunplaced);
	}
	strbuf_addstr(sb, "</tbody></table></div>\n<p class=\"note\">The "
			  "charts and tables below show the first plan, <code>");
	add_esc(sb, in->plans[0].name);
	strbuf_addstr(sb, "</code>.</p>\n</section>\n");
}

/* ------------------------------------------------------------------ */
/* Charts                                                              */
/* ------------------------------------------------------------------ */

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
	if (!ci->recorded.n && !ci->forecast.n)
		strbuf_addstr(sb, " (no carbon-intensity data)");
	strbuf_addstr(sb, ".</figcaption>\n");
}

static int site_chart(struct strbuf *sb, const struct report_input *in,
		      size_t si, gs_time from, gs_time to, struct errmsg *err)
{
	const struct plan *p = in->plans[0].plan;
	const struct site *s = &in->catalog->sites[si];
	gs_time issued_by = plan_used_forecast(p) ? p->start : GS_TIME_NONE;
	struct strbuf title, flabel, prefix;
	struct report_ci ci;
	struct chart c = {0};
	char buf[GS_TIME_BUFSZ];
	int ret = 0;

	report_ci_init(&ci);
	if (in->get_ci && in->get_ci(in->get_ci_ctx, s->zone, from, to,
				     issued_by, &ci, err) < 0) {
		report_ci_release(&ci);
		return -1;
	}
	strbuf_init(&title);
	strbuf_init(&flabel);
	strbuf_init(&prefix);
	strbuf_addf(&title, "%s (%s)", s->id, s->zone);
	if (ci.forecast_issued != GS_TIME_NONE)
		strbuf_addf(&flabel, "forecast assumed (issued %s)",
			    time_format(ci.forecast_issued, buf));
	strbuf_addf(&prefix, "c%zu-", si);
	c.title = title.buf;
	c.y_label = "gCO2eq/kWh";
	c.from = from;
	c.to = to;
	c.recorded = &ci.recorded;
	c.forecast = &ci.forecast;
	c.lo80 = &ci.lo80;
	c.hi80 = &ci.hi80;
	c.forecast_label = flabel.buf;
	site_bars(p, s->id, &c);

	strbuf_addstr(sb, "<figure class=\"chart\">\n");
	ret = chart_render(&c, CHART_SVG, prefix.buf, sb, err);
	strbuf_addch(sb, '\n');
	chart_caption(sb, s, &c, &ci);
	strbuf_addstr(sb, "</figure>\n");

	free(c.bars);
	strbuf_release(&title);
	strbuf_release(&flabel);
	strbuf_release(&prefix);
	report_ci_release(&ci);
	return ret;
}

static int charts(struct strbuf *sb, const struct report_input *in,
		  struct errmsg *err)
{
	gs_time from, to;

	strbuf_addstr(sb, "<section>\n<h2>Carbon intensity and jobs per "
			  "site</h2>\n");
	if (!in->catalog || !in->catalog->nsites) {
		strbuf_addstr(sb, "<p>The site catalog has no sites.</p>\n"
				  "</section>\n");
		return 0;
	}
	if (!plan_horizon(in->plans[0].plan, &from, &to)) {
		strbuf_addstr(sb, "<p>The plan has no horizon and no jobs: "
				  "nothing to chart.</p>\n</section>\n");
		return 0;
	}
	strbuf_addstr(sb, "<p>Times are UTC. Each bar is a job, in a lane "
			  "of its own where jobs overlap.</p>\n");
	for (size_t i = 0; i < in->catalog->nsites; i++)
		if (site_chart(sb, in, i, from, to, err) < 0)
			return -1;
	strbuf_addstr(sb, "</section>\n");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */
/* ------------------------------------------------------------------ */

static int cmp_job_start(const void *a, const void *b)
{
	const struct plan_job *x = *(const struct plan_job *const *)a;
	const struct plan_job *y = *(const struct plan_job *const *)b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void job_row(struct strbuf *sb, const struct plan_job *j)
{
	strbuf_addstr(sb, "<tr>");
	text_cell(sb, j->id);
	text_cell(sb, j->site);
	strbuf_addstr(sb, "<td>");
	add_time(sb, j->start);
	strbuf_addstr(sb, "</td><td>");
	add_time(sb, j->end);
	if (j->nsegments > 1)
		strbuf_addf(sb, "<br><small>in %zu parts</small>",
			    j->nsegments);
	strbuf_addstr(sb, "</td><td class=\"num\">");
	add_num(sb, j->runtime_s / 3600);
	if (j->runtime_predicted)
		strbuf_addstr(sb, "&nbsp;*");
	strbuf_addstr(sb, "</td>");
	num_cell(sb, j->energy_kwh);
	num_cell(sb, j->emissions_kg);
	num_cell(sb, job_saving(j));
	strbuf_addstr(sb, "</tr>\n");
}

static void jobs_table(struct strbuf *sb, const struct plan *p)
{
	const struct plan_job **order;
	bool predicted = false;

	strbuf_addstr(sb, "<section>\n<h2>Jobs</h2>\n");
	if (!p->njobs) {
		strbuf_addstr(sb, "<p>No job was placed.</p>\n</section>\n");
		return;
	}
	order = xcalloc(p->njobs, sizeof(*order));
	for (size_t i = 0; i < p->njobs; i++)
		order[i] = &p->jobs[i];
	qsort(order, p->njobs, sizeof(*order), cmp_job_start);
	strbuf_addstr(sb,
		"<div class=\"table-wrap\"><table class=\"jobs\">\n"
		"<thead><tr><th>job</th><th>site</th><th>start (UTC)</th>"
		"<th>end (UTC)</th><th class=\"num\">runtime (h)</th>"
		"<th class=\"num\">energy (kWh)</th>"
		"<th class=\"num\">emissions (kg CO2eq)</th>"
		"<th class=\"num\">saving (kg CO2eq)</th></tr></thead>\n"
		"<tbody>\n");
	for (size_t i = 0; i < p->njobs; i++) {
		job_row(sb, order[i]);
		predicted |= order[i]->runtime_predicted;
	}
	strbuf_addstr(sb, "</tbody></table></div>\n<p><small>Sorted by "
			  "start. Saving is against the same job at its "
			  "earliest start at its first allowed site.");
	if (predicted)
		strbuf_addstr(sb, " * runtime predicted from past runs, not "
				  "given in the job spec.");
	strbuf_addstr(sb, "</small></p>\n</section>\n");
	free(order);
}

static void unplaced_table(struct strbuf *sb, const struct plan *p)
{
	strbuf_addstr(sb, "<section>\n<h2>Unplaced jobs</h2>\n");
	if (!p->nunplaced) {
		strbuf_addstr(sb, "<p>Every job was placed.</p>\n</section>\n");
		return;
	}
	strbuf_addstr(sb, "<div class=\"table-wrap\"><table class=\"unplaced\">"
			  "\n<thead><tr><th>job</th><th>reason</th></tr>"
			  "</thead>\n<tbody>\n");
	for (size_t i = 0; i < p->nunplaced; i++) {
		strbuf_addstr(sb, "<tr>");
		text_cell(sb, p->unplaced[i].id);
		text_cell(sb, p->unplaced[i].reason);
		strbuf_addstr(sb, "</tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table></div>\n</section>\n");
}

int report_render(const struct report_input *in, struct strbuf *html,
		  struct errmsg *err)
{
	struct strbuf sb;

	if (report_check(in, err) < 0)
		return -1;
	strbuf_init(&sb);
	head(&sb, in);
	header(&sb, in);
	strbuf_addstr(&sb, "<main>\n");
	cards(&sb, in->plans[0].plan);
	if (in->nplans > 1)
		comparison(&sb, in);
	if (charts(&sb, in, err) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	jobs_table(&sb, in->plans[0].plan);
	unplaced_table(&sb, in->plans[0].plan);
	strbuf_addstr(&sb, "</main>\n<footer>Emissions are operational: energy "
			   "(IT power &times; PUE &times; time) &times; the "
			   "grid's carbon intensity. Energy in kWh, emissions "
			   "in kg CO2eq, carbon intensity in gCO2eq/kWh, "
			   "times in UTC."
			   "</footer>\n</body>\n</html>\n");
	strbuf_add(html, sb.buf, sb.len);
	strbuf_release(&sb);
	return 0;
}
