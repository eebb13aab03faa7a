/*
 * usage.c - what the report can tell only with the job specs the plans
 * were made from (`report --jobs`): how much of each site's capacity the
 * charted plan uses in every slot, and which jobs of any plan end after
 * their latest_finish.  A plan names each job's profile; its resources
 * are in the job spec.
 */
#include "report/page.h"

#include <math.h>

static int cmp_job_id(const void *a, const void *b)
{
	return strcmp((*(const struct job *const *)a)->id,
		      (*(const struct job *const *)b)->id);
}

static const struct job *find_job(const struct page *pg, const char *id)
{
	struct job key = {.id = (char *)id};
	const struct job *kp = &key;
	const struct job **hit;

	if (!pg->by_id)
		return NULL;
	hit = bsearch(&kp, pg->by_id, pg->in->jobs->njobs, sizeof(*hit),
		      cmp_job_id);
	return hit ? *hit : NULL;
}

/* Adds job pj's resources to its site's slots, as units in use. */
static void add_job_use(struct page *pg, const struct plan_job *pj,
			double *units)
{
	const struct catalog *cat = pg->in->catalog;
	const struct job *j = find_job(pg, pj->id);
	const struct solver_grid *g = &pg->grid;
	struct plan_segment whole;
	size_t nseg;
	const struct plan_segment *seg = job_segments(pj, &whole, &nseg);
	long site = catalog_find_site(cat, pj->site);
	const double *res;

	if (!j || site < 0 || pj->profile < 0 ||
	    (size_t)pj->profile >= j->nprofiles)
		return;
	res = j->profiles[pj->profile].resources;
	for (size_t k = 0; k < nseg; k++) {
		long a, b;
		grid_slot_span(g, seg[k].start, seg[k].end, &a, &b);
		for (long t = a < 0 ? 0 : a; t < b && (size_t)t < g->nslots;
		     t++)
			for (size_t r = 0; r < cat->nresources; r++)
				units[((size_t)site * cat->nresources + r) *
				      g->nslots + (size_t)t] += res[r];
	}
}

/* use = the busiest resource's share of the site's capacity. */
static void units_to_use(struct page *pg, const double *units)
{
	const struct catalog *cat = pg->in->catalog;
	size_t ns = pg->grid.nslots;

	pg->use = xcalloc(st_mult(cat->nsites, ns) + 1, sizeof(*pg->use));
	for (size_t s = 0; s < cat->nsites; s++) {
		for (size_t t = 0; t < ns; t++) {
			double u = 0;
			for (size_t r = 0; r < cat->nresources; r++) {
				double cap = cat->sites[s].capacity[r];
				double n = units[(s * cat->nresources + r) *
						 ns + t];
				if (cap > 0)
					u = fmax(u, n / cap);
			}
			pg->use[s * ns + t] = u;
		}
	}
}

void page_load_jobs(struct page *pg)
{
	const struct jobset *js = pg->in->jobs;
	const struct catalog *cat = pg->in->catalog;
	double *units;

	if (!js || !cat)
		return;
	pg->by_id = xcalloc(js->njobs + 1, sizeof(*pg->by_id));
	for (size_t i = 0; i < js->njobs; i++)
		pg->by_id[i] = &js->jobs[i];
	qsort(pg->by_id, js->njobs, sizeof(*pg->by_id), cmp_job_id);
	if (!report_plan_grid(pg->plan, &pg->grid) || !cat->nresources)
		return;
	units = xcalloc(st_mult(st_mult(cat->nsites, cat->nresources),
				pg->grid.nslots) + 1, sizeof(*units));
	for (size_t i = 0; i < pg->plan->njobs; i++)
		add_job_use(pg, &pg->plan->jobs[i], units);
	units_to_use(pg, units);
	free(units);
}

long page_late_jobs(const struct page *pg, const struct plan *p)
{
	long late = 0;

	if (!pg->by_id)
		return -1;
	for (size_t i = 0; i < p->njobs; i++) {
		const struct job *j = find_job(pg, p->jobs[i].id);
		late += j && p->jobs[i].end > j->latest_finish;
	}
	return late;
}
