/*
 * split.c - the split options of interruptible jobs.
 *
 * An interruptible job may run in any slots of its window on one site,
 * adding up to its runtime, in at most max_pieces contiguous pieces.
 * Listing every such slot set is out of the question, so for each
 * (profile, site) pair we add the few that matter: the cheapest slot set
 * for emissions and the cheapest for cost, each found exactly by a
 * dynamic programme over (slot, slots taken, pieces, running or not).
 * They join the job's one-piece options, so every policy (and the MILP,
 * which picks among options) can choose them like any other placement;
 * capacity is left to the policy, as for one-piece options.
 */
#include "solver/solver.h"

#include <math.h>

/* The cheapest slot set of one (profile, site) pair. */
struct split_dp {
	size_t first, w, rt, cap; /* window [first, first + w), slots, pieces */
	const double *cost;       /* [w]: HUGE_VAL where it may not run */
	double *val;              /* [(rt + 1) * (cap + 1) * 2], by slot */
	unsigned char *from;      /* [w][rt + 1][cap + 1][2]: previous "on" */
};

static size_t dp_cell(const struct split_dp *d, size_t k, size_t p, int on)
{
	return (k * (d->cap + 1) + p) * 2 + (size_t)on;
}

/* One slot forward: skip slot i, or run in it (a new piece after a gap). */
static void dp_step(struct split_dp *d, size_t i, const double *prev,
		    double *next)
{
	size_t n = (d->rt + 1) * (d->cap + 1) * 2;
	unsigned char *from = d->from ? d->from + i * n : NULL;

	for (size_t c = 0; c < n; c++)
		next[c] = HUGE_VAL;
	for (size_t k = 0; k <= d->rt; k++) {
		for (size_t p = 0; p <= d->cap; p++) {
			for (int on = 0; on < 2; on++) {
				double v = prev[dp_cell(d, k, p, on)];
				size_t c, np = p + (on ? 0 : 1);
				if (isinf(v))
					continue;
				c = dp_cell(d, k, p, 0);
				if (v < next[c]) {
					next[c] = v;
					if (d->from)
						from[c] = (unsigned char)on;
				}
				if (k == d->rt || np > d->cap ||
				    isinf(d->cost[i]))
					continue;
				c = dp_cell(d, k + 1, np, 1);
				if (v + d->cost[i] < next[c]) {
					next[c] = v + d->cost[i];
					if (d->from)
						from[c] = (unsigned char)on;
				}
			}
		}
	}
}

/* Walks the choices back from (rt, p, on) into run[w] (1: runs). */
static void dp_walk(const struct split_dp *d, size_t p, int on,
		    unsigned char *run)
{
	size_t n = (d->rt + 1) * (d->cap + 1) * 2, k = d->rt;

	for (size_t i = d->w; i-- > 0;) {
		int prev = d->from[i * n + dp_cell(d, k, p, on)];
		run[i] = (unsigned char)on;
		if (on) {
			k--;
			if (!prev)
				p--;
		}
		on = prev;
	}
}

/*
 * Solves d: returns the least cost (HUGE_VAL when no slot set exists)
 * and, when run is not NULL (d->from then set), fills run[w].
 */
static double dp_solve(struct split_dp *d, unsigned char *run)
{
	size_t n = (d->rt + 1) * (d->cap + 1) * 2;
	double *a = xmalloc(st_mult(2 * n, sizeof(*a))), *b = a + n;
	double best = HUGE_VAL;
	size_t bp = 0;
	int bon = 0;

	for (size_t c = 0; c < n; c++)
		a[c] = HUGE_VAL;
	a[dp_cell(d, 0, 0, 0)] = 0;
	for (size_t i = 0; i < d->w; i++) {
		double *t;
		dp_step(d, i, a, b);
		t = a, a = b, b = t;
	}
	for (size_t p = 1; p <= d->cap; p++)
		for (int on = 0; on < 2; on++)
			if (a[dp_cell(d, d->rt, p, on)] < best) {
				best = a[dp_cell(d, d->rt, p, on)];
				bp = p;
				bon = on;
			}
	free(a < b ? a : b);
	if (run && !isinf(best))
		dp_walk(d, bp, bon, run);
	return best;
}

/* Whether a slot set of npieces pieces is among options [j0, j1). */
static bool have_split(const struct instance *in, size_t j0, size_t j1,
		       const struct solver_piece *pc, size_t np, size_t p,
		       size_t s)
{
	for (size_t k = j0; k < j1; k++) {
		const struct solver_option *o = &in->opts[k];
		if (o->npieces == np && o->profile == p && o->site == s &&
		    !memcmp(&in->pieces[o->piece_first], pc,
			    np * sizeof(*pc)))
			return true;
	}
	return false;
}

/*
 * Adds the option running in the slots run[] marks, if it is split and
 * new: appended while the instance is built (job j's options are the
 * last, from j0), else inserted among j's.  Returns whether it did.
 */
static bool add_split(struct instance *in, size_t j, size_t p, size_t s,
		      const struct split_dp *d, const unsigned char *run,
		      size_t j0, bool built)
{
	const struct instance_job *ij = &in->jobs[j];
	size_t j1 = built ? ij->first_opt + ij->nopts : in->nopts;
	size_t np = 0, first_piece = in->npieces;
	struct solver_placement pl = {j, p, s, 0, d->rt, NULL, 0};

	for (size_t i = 0; i < d->w; i++) {
		if (!run[i] || (i && run[i - 1])) {
			if (run[i])
				in->pieces[in->npieces - 1].len++;
			continue;
		}
		ALLOC_GROW(in->pieces, in->npieces + 1, in->alloc_pieces);
		in->pieces[in->npieces].start = (uint32_t)(d->first + i);
		in->pieces[in->npieces++].len = 1;
		np++;
	}
	if (np < 2 ||
	    have_split(in, j0, j1, &in->pieces[first_piece], np, p, s)) {
		in->npieces = first_piece;
		return false;
	}
	pl.pieces = &in->pieces[first_piece];
	pl.npieces = np;
	if (built)
		instance_insert_option(in, &pl, first_piece);
	else
		instance_add_option(in, &pl, first_piece);
	return true;
}

size_t solver_job_max_pieces(const struct job *job)
{
	if (!job->interruptible)
		return 1;
	return job->max_pieces ? job->max_pieces : JOB_MAX_PIECES_DEFAULT;
}

void instance_split_options(struct instance *in, size_t j, size_t p,
			    size_t s, size_t first, size_t end, size_t rt,
			    const bool *ok)
{
	size_t w = end - first, j0 = in->jobs[j].first_opt;
	size_t cap = solver_job_max_pieces(&in->js->jobs[j]);
	double *cost = xmalloc(st_mult(w ? w : 1, 2 * sizeof(*cost)));
	unsigned char *run = xmalloc(w ? w : 1);
	struct split_dp d = {first, w, rt, cap < rt ? cap : rt, cost, NULL,
			     NULL};

	if (d.cap < 2 || w <= rt)
		goto out;
	for (size_t i = 0; i < w; i++) {
		struct solver_placement pl = {j, p, s, first + i, 1, NULL, 0};
		struct solver_cost c;
		solver_account(in, &pl, &c);
		cost[i] = ok[i] ? c.emissions_kg : HUGE_VAL;
		cost[w + i] = ok[i] ? c.cost : HUGE_VAL;
	}
	d.from = xmalloc(st_mult(st_mult(w, rt + 1), (d.cap + 1) * 2));
	for (int m = 0; m < 2; m++) {
		d.cost = cost + (size_t)m * w;
		if (!isinf(dp_solve(&d, run)))
			add_split(in, j, p, s, &d, run, j0, false);
	}
	free(d.from);
out:
	free(cost);
	free(run);
}

/*
 * A split job has more slot sets than options, so bounds may not take
 * "the cheapest option" for its cheapest placement under any pricing:
 * this floor holds for every slot set.  The emissions- and cost-cheapest
 * slot sets are among the options (the programme above is exact), so
 * each metric's minimum over the options is its minimum over all slot
 * sets, and a weighted objective is at least the weighted minima.
 */
double solver_job_floor(const struct instance *in,
			const struct solver_opts *o, size_t j)
{
	const struct instance_job *ij = &in->jobs[j];
	double e = HUGE_VAL, c = HUGE_VAL, v = HUGE_VAL;

	for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts; k++) {
		e = fmin(e, in->opts[k].emissions_kg);
		c = fmin(c, in->opts[k].cost);
		v = fmin(v, solver_objective_of(o, &in->opts[k]));
	}
	if (!ij->nopts)
		return 0;
	if (solver_job_max_pieces(&in->js->jobs[j]) < 2)
		return v;
	switch (o->objective) {
	case OBJ_COST:
		return c;
	case OBJ_WEIGHTED:
		return o->w_carbon * e + o->w_cost * c;
	case OBJ_CARBON:
	default:
		return e;
	}
}

/* Whether job j has an option at (p, s): the pair passed every check. */
static bool has_pair(const struct instance *in, size_t j, size_t p, size_t s)
{
	const struct instance_job *ij = &in->jobs[j];

	for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts; k++)
		if (in->opts[k].profile == p && in->opts[k].site == s)
			return true;
	return false;
}

/*
 * The priced least cost of job j at (p, s) over every slot set; with
 * run (d's walk-back then kept), its slots in run[] and the programme in
 * *out for add_split().
 */
static double priced_pair(const struct instance *in,
			  const struct solver_opts *o, size_t j, size_t p,
			  size_t s, const double *lambda, double *cost,
			  unsigned char *run, struct split_dp *out)
{
	const struct instance_job *ij = &in->jobs[j];
	const double *req = in->js->jobs[j].profiles[p].resources;
	size_t ns = in->grid.nslots, nr = in->cat->nresources;
	size_t rt = solver_runtime_slots(in, instance_duration(in, j, p, s), s);
	size_t cap = solver_job_max_pieces(&in->js->jobs[j]);
	struct split_dp d = {ij->win_first, ij->win_end - ij->win_first, rt,
			     cap < rt ? cap : rt, cost, NULL, NULL};

	for (size_t i = 0; i < d.w; i++) {
		size_t t = d.first + i;
		struct solver_placement pl = {j, p, s, t, 1, NULL, 0};
		struct solver_option one = {0};
		struct solver_cost c;
		bool ok = !isnan(in->sg->ci[s * ns + t]);
		solver_account(in, &pl, &c);
		one.emissions_kg = c.emissions_kg;
		one.cost = c.cost;
		cost[i] = solver_objective_of(o, &one);
		for (size_t r = 0; r < nr; r++) {
			size_t cell = (s * nr + r) * ns + t;
			if (req[r] <= 0)
				continue;
			ok = ok && in->avail[cell] >= req[r] - 1e-9;
			cost[i] += lambda[cell] * req[r];
		}
		if (!ok)
			cost[i] = HUGE_VAL;
	}
	if (d.w < rt)
		return HUGE_VAL;
	if (!run)
		return dp_solve(&d, NULL);
	d.from = xmalloc(st_mult(st_mult(d.w, rt + 1), (d.cap + 1) * 2));
	*out = d;
	return dp_solve(out, run);
}

double solver_split_priced(const struct instance *in,
			   const struct solver_opts *o, size_t j,
			   const double *lambda)
{
	const struct instance_job *ij = &in->jobs[j];
	double best = HUGE_VAL;
	double *cost = xmalloc(st_mult(ij->win_end - ij->win_first + 1,
				       sizeof(*cost)));

	for (size_t p = 0; p < in->js->jobs[j].nprofiles; p++)
		for (size_t s = 0; s < in->cat->nsites; s++)
			if (has_pair(in, j, p, s))
				best = fmin(best, priced_pair(in, o, j, p, s,
							      lambda, cost,
							      NULL, NULL));
	free(cost);
	return best;
}

bool solver_instance_split(const struct instance *in)
{
	for (size_t j = 0; j < in->js->njobs; j++)
		if (in->jobs[j].nopts &&
		    solver_job_max_pieces(&in->js->jobs[j]) > 1)
			return true;
	return false;
}

size_t instance_price_split(struct instance *in, const struct solver_opts *o,
			    size_t j, const double *lambda, double listed)
{
	const struct instance_job *ij = &in->jobs[j];
	size_t w = ij->win_end - ij->win_first, added = 0;
	double *cost = xmalloc(st_mult(w + 1, sizeof(*cost)));
	unsigned char *run = xmalloc(w + 1);

	for (size_t p = 0; p < in->js->jobs[j].nprofiles; p++)
		for (size_t s = 0; s < in->cat->nsites; s++) {
			struct split_dp d = {0};
			double v;
			if (!has_pair(in, j, p, s))
				continue;
			v = priced_pair(in, o, j, p, s, lambda, cost, run, &d);
			if (v < listed - 1e-9 * fmax(1, fabs(listed)))
				added += add_split(in, j, p, s, &d, run,
						   in->jobs[j].first_opt, true);
			free(d.from);
		}
	free(cost);
	free(run);
	return added;
}
