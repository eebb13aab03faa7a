/*
 * tables.c - the table of every job of the charted plan and the table of
 * the jobs it could not place, with their reasons.  The jobs table stays
 * whole however many jobs there are (it is what people search), so its
 * rows are kept short.
 */
#include "report/page.h"

#include <math.h>

static int cmp_job_start(const void *a, const void *b)
{
	const struct plan_job *x = *(const struct plan_job *const *)a;
	const struct plan_job *y = *(const struct plan_job *const *)b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void job_row(struct strbuf *sb, const struct plan_job *j,
		    const double *actual)
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
	strbuf_addstr(sb, j->runtime_predicted ? "&nbsp;*</td>" : "</td>");
	num_cell(sb, j->energy_kwh);
	num_cell(sb, j->emissions_kg);
	if (actual)
		num_cell(sb, *actual);
	num_cell(sb, j->baseline_emissions_kg - j->emissions_kg);
	strbuf_addstr(sb, "</tr>\n");
}

static void jobs_head(struct strbuf *sb, bool scored)
{
	strbuf_addstr(sb,
		"<div class=\"table-wrap\"><table class=\"jobs\">\n"
		"<thead><tr><th>job</th><th>site</th><th>start (UTC)</th>"
		"<th>end (UTC)</th><th class=\"num\">runtime (h)</th>"
		"<th class=\"num\">energy (kWh)</th>"
		"<th class=\"num\">emissions (kg CO2eq)</th>");
	if (scored)
		strbuf_addstr(sb, "<th class=\"num\">on recorded CI "
				  "(kg CO2eq)</th>");
	strbuf_addstr(sb, "<th class=\"num\">saving (kg CO2eq)</th></tr>"
			  "</thead>\n<tbody>\n");
}

void section_jobs(struct strbuf *sb, const struct page *pg)
{
	const struct plan *p = pg->plan;
	const struct report_score *sc = pg->scores ? &pg->scores[0] : NULL;
	bool scored = sc && sc->known;
	const struct plan_job **order;
	bool predicted = false;

	strbuf_addstr(sb, "<section id=\"jobs\">\n<h2>Jobs</h2>\n");
	if (!p->njobs) {
		strbuf_addstr(sb, "<p>No job was placed.</p>\n</section>\n");
		return;
	}
	order = xcalloc(p->njobs, sizeof(*order));
	for (size_t i = 0; i < p->njobs; i++)
		order[i] = &p->jobs[i];
	qsort(order, p->njobs, sizeof(*order), cmp_job_start);
	strbuf_grow(sb, p->njobs * 420);
	jobs_head(sb, scored);
	for (size_t i = 0; i < p->njobs; i++) {
		size_t k = (size_t)(order[i] - p->jobs);
		job_row(sb, order[i], scored ? &sc->job_actual_kg[k] : NULL);
		predicted |= order[i]->runtime_predicted;
	}
	strbuf_addstr(sb, "</tbody></table></div>\n<p><small>Sorted by "
			  "start. Saving is against the same job at its "
			  "earliest start at its first allowed site.");
	if (scored)
		strbuf_addstr(sb, " On recorded CI: the job's planned energy "
				  "times the carbon intensity recorded in "
				  "the slots it ran (n/a where none is "
				  "recorded yet).");
	strbuf_addstr(sb, predicted ?
		" * runtime predicted from past runs; the others are given "
		"in the job specs." :
		" Every runtime is the one given in the job specs.");
	strbuf_addstr(sb, "</small></p>\n</section>\n");
	free(order);
}

void section_unplaced(struct strbuf *sb, const struct plan *p)
{
	strbuf_addstr(sb, "<section id=\"unplaced\">\n<h2>Unplaced jobs</h2>\n");
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
