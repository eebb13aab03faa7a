/*
 * dual.c - capacity prices and the lower bound they prove.
 *
 * Relax the capacity rows of the time-indexed model with a price
 * lambda >= 0 per (site, resource, slot) cell: what is left falls apart
 * into one choice per job, its cheapest option at cost plus the price of
 * the cells it takes.  The sum of those choices less lambda . avail is a
 * true lower bound on every plan, whatever lambda is: the subgradient
 * search and the column generation both only look for good prices, and
 * this file turns any of them into a bound.
 */
#include "solver/solver.h"

#include <math.h>

size_t solver_ncells(const struct instance *in)
{
	return st_mult(st_mult(in->cat->nsites, in->cat->nresources),
		       in->grid.nslots);
}

/*
 * Most (site, resource, slot) rows can never bind: the jobs that could
 * run there cannot exceed what is free even all together.  Sums, per
 * cell, the largest request of each job that has an option running there.
 */
double *solver_cell_demand(const struct instance *in)
{
	size_t ns = in->grid.nslots, nr = in->cat->nresources;
	size_t cells = st_mult(st_mult(in->cat->nsites, nr), ns);
	double *demand = xcalloc(cells ? cells : 1, sizeof(*demand));
	double *jobmax = xcalloc(cells ? cells : 1, sizeof(*jobmax));
	size_t *mark = xcalloc(cells ? cells : 1, sizeof(*mark));
	size_t *touched = NULL, ntouched = 0, alloc = 0;

	for (size_t j = 0; j < in->js->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		ntouched = 0;
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++) {
			struct solver_cells it;
			size_t c;
			double u;
			for (solver_cells_begin(&it, in, &in->opts[k]);
			     solver_cells_next(&it, &c, &u);) {
				if (mark[c] != j + 1) {
					mark[c] = j + 1;
					jobmax[c] = 0;
					ALLOC_GROW(touched, ntouched + 1,
						   alloc);
					touched[ntouched++] = c;
				}
				jobmax[c] = fmax(jobmax[c], u);
			}
		}
		for (size_t i = 0; i < ntouched; i++)
			demand[touched[i]] += jobmax[touched[i]];
	}
	free(touched);
	free(mark);
	free(jobmax);
	return demand;
}

void solver_dual_init(struct solver_dual *d, const struct instance *in)
{
	size_t cells = solver_ncells(in), n = in->js->njobs;

	d->lambda = xcalloc(cells + 1, sizeof(double));
	d->use = xcalloc(cells + 1, sizeof(double));
	d->prefix = xcalloc(st_mult(in->cat->nsites * in->cat->nresources,
				    in->grid.nslots + 1) + 1,
			    sizeof(double));
	d->price = xcalloc(in->nopts + 1, sizeof(double));
	d->m = xcalloc(n + 1, sizeof(double));
	d->pick = xcalloc(n + 1, sizeof(long));
}

void solver_dual_release(struct solver_dual *d)
{
	free(d->lambda);
	free(d->use);
	free(d->prefix);
	free(d->price);
	free(d->m);
	free(d->pick);
}

/* Running sums of lambda per (site, resource): a piece's price is then
 * one difference, however long it runs. */
static void dual_prefix(const struct instance *in, struct solver_dual *d)
{
	size_t ns = in->grid.nslots, nr = in->cat->nresources;

	for (size_t sr = 0; sr < in->cat->nsites * nr; sr++) {
		double *p = d->prefix + sr * (ns + 1);
		p[0] = 0;
		for (size_t t = 0; t < ns; t++)
			p[t + 1] = p[t] + d->lambda[sr * ns + t];
	}
}

void solver_dual_prices(const struct instance *in, struct solver_dual *d)
{
	size_t ns = in->grid.nslots, nr = in->cat->nresources;

	dual_prefix(in, d);
	for (size_t k = 0; k < in->nopts; k++) {
		const struct solver_option *o = &in->opts[k];
		const double *req =
			in->js->jobs[o->job].profiles[o->profile].resources;
		const struct solver_piece *pc;
		struct solver_piece one;
		size_t np = solver_option_pieces(in, o, &pc, &one);
		double v = 0;
		for (size_t r = 0; r < nr; r++) {
			const double *p = d->prefix + (o->site * nr + r) *
							      (ns + 1);
			if (req[r] <= 0)
				continue;
			for (size_t i = 0; i < np; i++)
				v += req[r] * (p[pc[i].start + pc[i].len] -
					       p[pc[i].start]);
		}
		d->price[k] = v;
	}
}

static int cmp_double_desc(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a < b) - (a > b);
}

/* Adds what option k takes, per cell, to d->use. */
static void dual_use(const struct instance *in, struct solver_dual *d,
		     size_t k)
{
	struct solver_cells it;
	size_t c;
	double u;

	for (solver_cells_begin(&it, in, &in->opts[k]);
	     solver_cells_next(&it, &c, &u);)
		d->use[c] += u;
}

double solver_dual_value(const struct instance *in,
			 const struct solver_opts *o, const double *cost,
			 struct solver_dual *d, size_t drop, bool listed)
{
	size_t nm = 0, cells = solver_ncells(in);
	double v = 0;

	memset(d->use, 0, st_mult(cells, sizeof(*d->use)));
	solver_dual_prices(in, d);
	for (size_t j = 0; j < in->js->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		size_t best = SIZE_MAX;
		d->pick[j] = -1;
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++)
			if (best == SIZE_MAX ||
			    cost[k] + d->price[k] <
				    cost[best] + d->price[best])
				best = k;
		if (best == SIZE_MAX)
			continue;
		d->pick[j] = (long)best;
		/* a split job may have cheaper priced slot sets unlisted */
		d->m[nm++] = !listed && solver_job_max_pieces(
						       &in->js->jobs[j]) > 1
				     ? solver_split_priced(in, o, j, d->lambda)
				     : cost[best] + d->price[best];
		dual_use(in, d, best);
	}
	/* a plan may leave `drop` jobs out: the dearest ones, at best */
	qsort(d->m, nm, sizeof(double), cmp_double_desc);
	for (size_t i = 0; i < nm; i++)
		if (i >= drop || d->m[i] < 0)
			v += d->m[i];
	for (size_t c = 0; c < cells; c++)
		v -= d->lambda[c] * in->avail[c];
	return v;
}
