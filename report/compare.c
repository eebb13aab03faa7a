/*
 * compare.c - the plans compared side by side, and the first plan's
 * saving against each.
 *
 * The rows come from two places: the plans given on the command line,
 * and the policies `solve` ran beside the first plan on the same
 * instance (plan.policies: totals only).  A plan given on the command
 * line takes precedence over the entry of the same policy, so a report
 * of one plan compares as much as a report of six.
 */
#include "report/page.h"

#include <math.h>

/* One row of the comparison: a plan file, or an entry of plan.policies. */
struct cmp_row {
	const char *file;   /* NULL: solved with the first plan */
	const char *policy, *objective, *status;
	bool oracle, comparable; /* comparable: for the same jobs */
	double emissions, actual, energy, cost, baseline;
	size_t unplaced;
	long late;          /* -1: not known */
};

/* The file name without its folders: full paths wrap badly in a table. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids of a plan's jobs, placed and unplaced, sorted. */
static char **plan_ids(const struct plan *p, size_t *n)
{
	char **v = xcalloc(p->njobs + p->nunplaced + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < p->njobs; i++)
		v[(*n)++] = p->jobs[i].id;
	for (size_t i = 0; i < p->nunplaced; i++)
		v[(*n)++] = p->unplaced[i].id;
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* Whether two plans are for the same jobs (placed or not). */
static bool same_jobs(const struct plan *a, const struct plan *b)
{
	size_t na, nb;
	char **va, **vb;
	bool same;

	if (a->njobs + a->nunplaced != b->njobs + b->nunplaced)
		return false;
	va = plan_ids(a, &na);
	vb = plan_ids(b, &nb);
	same = true;
	for (size_t i = 0; i < na && same; i++)
		same = !strcmp(va[i], vb[i]);
	free(va);
	free(vb);
	return same;
}

static struct cmp_row plan_row(const struct page *pg, size_t k)
{
	const struct report_plan *rp = &pg->in->plans[k];
	const struct plan *p = rp->plan;

	return (struct cmp_row){
		.file = rp->name, .policy = p->policy,
		.objective = p->objective, .status = p->status,
		.oracle = p->oracle,
		.comparable = !k || same_jobs(pg->plan, p),
		.emissions = p->emissions_kg,
		.actual = page_scored(pg, k) ? pg->scores[k].actual_kg :
					       (double)NAN,
		.energy = p->energy_kwh, .cost = p->cost,
		.baseline = p->baseline_emissions_kg,
		.unplaced = p->nunplaced, .late = page_late_jobs(pg, p),
	};
}

/*
 * An entry of plan.policies: solved on the same jobs and slots, within
 * their windows (never late); an oracle's emissions are on recorded
 * values already.
 */
static struct cmp_row policy_row(const struct page *pg,
				 const struct plan_policy *e)
{
	return (struct cmp_row){
		.policy = e->policy, .objective = pg->plan->objective,
		.status = e->status, .oracle = e->oracle, .comparable = true,
		.emissions = e->emissions_kg,
		.actual = e->oracle ? e->emissions_kg : (double)NAN,
		.energy = e->energy_kwh, .cost = e->cost,
		.baseline = e->baseline_emissions_kg,
		.unplaced = e->unplaced, .late = 0,
	};
}

/*
 * Whether a plan given for the same jobs already stands for entry e: one
 * of its policy, or any oracle plan for the oracle of a plan made on a
 * forecast (an oracle plan's entries are its yardsticks, on the same
 * recorded values).
 */
static bool given(const struct page *pg, const struct cmp_row *rows,
		  size_t n, const struct plan_policy *e)
{
	bool the_oracle = e->oracle && !pg->plan->oracle;

	for (size_t i = 0; i < n; i++) {
		if (!rows[i].comparable || rows[i].oracle != e->oracle)
			continue;
		if (the_oracle || !strcmp(rows[i].policy, e->policy))
			return true;
	}
	return false;
}

/* The plans given, then the first plan's policies no plan stands for. */
static struct cmp_row *cmp_rows(const struct page *pg, size_t *n)
{
	const struct report_input *in = pg->in;
	const struct plan *p = pg->plan;
	struct cmp_row *rows = xcalloc(in->nplans + p->npolicies,
				       sizeof(*rows));
	size_t nplans = in->nplans;

	*n = 0;
	for (size_t k = 0; k < nplans; k++)
		rows[(*n)++] = plan_row(pg, k);
	for (size_t i = 0; i < p->npolicies; i++)
		if (!given(pg, rows, nplans, &p->policies[i]))
			rows[(*n)++] = policy_row(pg, &p->policies[i]);
	return rows;
}

static void row_label(struct strbuf *sb, const struct cmp_row *r)
{
	strbuf_addstr(sb, "<b>");
	add_esc(sb, r->policy);
	if (r->oracle)
		strbuf_addstr(sb, " (oracle)");
	strbuf_addstr(sb, "</b> <small>(");
	if (r->file)
		add_esc(sb, base_name(r->file));
	else
		strbuf_addstr(sb, "solved with the first plan");
	strbuf_addstr(sb, ")</small>");
}

/*
 * The first plan's saving against row o.  Against an oracle, which knew
 * the recorded values, only the first plan's own figure on them compares.
 */
static void vs_item(struct strbuf *sb, const struct cmp_row *first,
		    const struct cmp_row *o)
{
	bool rec = isfinite(first->actual) && isfinite(o->actual);
	bool on_rec = o->oracle && rec;
	double mine = on_rec ? first->actual : first->emissions;
	double theirs = on_rec ? o->actual : o->emissions;
	double d = theirs - mine;

	strbuf_addstr(sb, on_rec ? ": on recorded values " : ": ");
	add_num(sb, theirs);
	strbuf_addstr(sb, "&nbsp;kg CO2eq; this plan emits ");
	add_num(sb, fabs(d));
	strbuf_addstr(sb, "&nbsp;kg (");
	add_percent(sb, fabs(d), theirs);
	strbuf_addf(sb, ") %s", d >= 0 ? "less" : "more");
	if (rec && !on_rec) {
		double da = o->actual - first->actual;
		strbuf_addstr(sb, "; on recorded values ");
		add_num(sb, fabs(da));
		strbuf_addf(sb, "&nbsp;kg %s", da >= 0 ? "less" : "more");
	}
}

/* The first plan's saving against each other row for the same jobs. */
static void vs_others(struct strbuf *sb, const struct cmp_row *rows,
		      size_t n)
{
	strbuf_addstr(sb, "<h2>Against the other plans</h2>\n<ul class=\"vs\">\n");
	for (size_t k = 1; k < n; k++) {
		strbuf_addstr(sb, "<li>");
		row_label(sb, &rows[k]);
		if (rows[k].comparable)
			vs_item(sb, &rows[0], &rows[k]);
		else
			strbuf_addstr(sb, ": not for the same jobs, not "
					  "compared");
		strbuf_addstr(sb, "</li>\n");
	}
	strbuf_addstr(sb, "</ul>\n");
}

static void compare_row(struct strbuf *sb, const struct cmp_row *r,
			bool first)
{
	double saving = r->baseline - r->emissions;

	strbuf_addstr(sb, first ? "<tr class=\"first\">" : "<tr>");
	if (r->file) {
		strbuf_addstr(sb, "<td title=\"");
		add_esc(sb, r->file);
		strbuf_addstr(sb, "\">");
		add_esc(sb, base_name(r->file));
		strbuf_addstr(sb, "</td>");
	} else {
		strbuf_addstr(sb, "<td><small>solved with the first plan"
				  "</small></td>");
	}
	strbuf_addstr(sb, "<td>");
	add_esc(sb, r->policy);
	if (r->oracle)
		strbuf_addstr(sb, " (oracle)");
	strbuf_addstr(sb, "</td>");
	text_cell(sb, r->objective);
	text_cell(sb, r->status);
	num_cell(sb, r->emissions);
	num_cell(sb, r->actual);
	num_cell(sb, r->energy);
	num_cell(sb, r->cost);
	num_cell(sb, saving);
	strbuf_addstr(sb, "<td class=\"num\">");
	add_percent(sb, saving, r->baseline);
	strbuf_addf(sb, "</td><td class=\"num\">%zu</td>", r->unplaced);
	if (r->late >= 0)
		strbuf_addf(sb, "<td class=\"num\">%ld</td>", r->late);
	else
		strbuf_addstr(sb, "<td class=\"num\">n/a</td>");
	strbuf_addstr(sb, "</tr>\n");
}

static bool has_oracle(const struct cmp_row *rows, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (rows[k].oracle && rows[k].comparable)
			return true;
	return false;
}

static void table(struct strbuf *sb, const struct cmp_row *rows, size_t n)
{
	strbuf_addstr(sb,
		"<div class=\"table-wrap\"><table class=\"compare\">\n"
		"<thead><tr><th>plan</th><th>policy</th><th>objective</th>"
		"<th>status</th><th class=\"num\">emissions (kg CO2eq)</th>"
		"<th class=\"num\">on recorded CI (kg CO2eq)</th>"
		"<th class=\"num\">energy (kWh)</th>"
		"<th class=\"num\">cost (catalog currency)</th>"
		"<th class=\"num\">saving vs baseline (kg CO2eq)</th>"
		"<th class=\"num\">saving (%)</th>"
		"<th class=\"num\">unplaced jobs</th>"
		"<th class=\"num\">late jobs</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < n; k++)
		compare_row(sb, &rows[k], !k);
	strbuf_addstr(sb, "</tbody></table></div>\n<p><small>Emissions as "
			  "each plan expected them, and on the carbon "
			  "intensity recorded since (n/a where its time has "
			  "not come, and for the policies solved with the "
			  "first plan, of which only the totals are kept; an "
			  "oracle's are on recorded values already). Late: "
			  "jobs that end after their latest_finish (n/a "
			  "without the job specs, <code>--jobs</code>; the "
			  "policies solved with the plan keep every window)."
			  "</small></p>\n");
}

void section_comparison(struct strbuf *sb, const struct page *pg)
{
	const struct report_input *in = pg->in;
	struct cmp_row *rows;
	size_t n;

	if (in->nplans < 2 && !pg->plan->npolicies)
		return;
	rows = cmp_rows(pg, &n);
	strbuf_addstr(sb, "<section id=\"policies\">\n<h2>Plans compared"
			  "</h2>\n");
	table(sb, rows, n);
	if (!has_oracle(rows, n))
		strbuf_addstr(sb, "<p class=\"note\">No oracle: planning "
				  "with perfect foresight needs the carbon "
				  "intensity recorded over the whole horizon "
				  "(<code>solve</code> adds the oracle to a "
				  "plan's policies only when the store holds "
				  "it). Once it does, <code>greenslot solve "
				  "--oracle</code> plans the same jobs on it; "
				  "give that plan to the report too.</p>\n");
	vs_others(sb, rows, n);
	strbuf_addstr(sb, "<p class=\"note\">The charts and tables below "
			  "show the first plan, <code>");
	add_esc(sb, in->plans[0].name);
	strbuf_addstr(sb, "</code>.</p>\n</section>\n");
	free(rows);
}
