/*
 * makespan.c - the makespan objective, alone or in a weighted mix.
 *
 * The makespan (the latest end over the placed jobs, in hours from the
 * start of the plan) is not a sum over jobs, so no policy can price it
 * per option.  It is a horizon instead: with every option ending after
 * slot H taken away, any plan ends by H.  So we run the policy on the
 * instance cut at a few horizons: a binary search finds the earliest one
 * at which it still places as many jobs as without a cut (ties then go
 * to the separable part: carbon for `makespan`, the weighted carbon and
 * cost for a mix), and for a mix a few more between that one and the
 * uncut plan's end are tried too; the best of them is the plan.
 */
#include "solver/solver.h"

#include <math.h>

/* Horizons tried beside the binary search, for a weighted mix. */
#define MIX_PROBES 6

/*
 * The instance without the options ending after slot hi (map: to in's);
 * jobs left without options get `why` as their reason.
 */
static void restrict_instance(const struct instance *in, size_t hi,
			      struct instance *out, size_t *map, char *why)
{
	*out = *in;
	out->opts = xmalloc(st_mult(in->nopts + 1, sizeof(*out->opts)));
	out->jobs = xmalloc(st_mult(in->js->njobs + 1, sizeof(*out->jobs)));
	out->nopts = 0;
	for (size_t j = 0; j < in->js->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		out->jobs[j] = *ij;
		out->jobs[j].first_opt = out->nopts;
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++) {
			if (in->opts[k].end > hi)
				continue;
			map[out->nopts] = k;
			out->opts[out->nopts++] = in->opts[k];
		}
		out->jobs[j].nopts = out->nopts - out->jobs[j].first_opt;
		if (ij->nopts && !out->jobs[j].nopts)
			out->jobs[j].reason = why;
	}
}

static size_t plan_end(const struct instance *in, const struct assignment *a)
{
	size_t end = 0;

	for (size_t j = 0; j < a->njobs; j++)
		if (a->opt[j] >= 0 && in->opts[a->opt[j]].end > end)
			end = in->opts[a->opt[j]].end;
	return end;
}

static size_t nplaced(const struct assignment *a)
{
	size_t n = 0;

	for (size_t j = 0; j < a->njobs; j++)
		n += a->opt[j] >= 0;
	return n;
}

/* Hours from the start of the plan to the end of slot bound `end`. */
static double hours_of(const struct instance *in, size_t end)
{
	return (double)end * (double)in->grid.slot_s / 3600.0;
}

bool solver_has_makespan(const struct solver_opts *o)
{
	return o->objective == OBJ_MAKESPAN ||
	       (o->objective == OBJ_WEIGHTED && o->w_makespan > 0);
}

/* The objective of an assignment of in's options, makespan included. */
double solver_makespan_objective(const struct instance *in,
				 const struct solver_opts *o,
				 const struct assignment *a)
{
	double h = hours_of(in, plan_end(in, a));

	if (o->objective == OBJ_MAKESPAN)
		return h;
	return solver_assignment_objective(in, o, a) + o->w_makespan * h;
}

/* One probe: the policy on in cut at hi, mapped back into *a. */
static int probe(const struct instance *in, const struct solver_opts *o,
		 size_t hi, struct assignment *a, struct errmsg *err)
{
	struct instance cut;
	size_t *map = xmalloc(st_mult(in->nopts + 1, sizeof(*map)));
	char *why = xstrdup("cannot end by the horizon tried");
	int ret;

	restrict_instance(in, hi, &cut, map, why);
	assignment_init(a, in->js->njobs);
	ret = solver_run(&cut, o, a, err);
	for (size_t j = 0; j < a->njobs; j++)
		if (a->opt[j] >= 0)
			a->opt[j] = (long)map[a->opt[j]];
	free(cut.opts);
	free(cut.jobs);
	free(map);
	free(why);
	return ret;
}

/* Whether x is better than y: more jobs placed, then a lower objective. */
static bool better(const struct instance *in, const struct solver_opts *o,
		   const struct assignment *x, const struct assignment *y)
{
	size_t nx = nplaced(x), ny = nplaced(y);
	double vx, vy;

	if (nx != ny)
		return nx > ny;
	vx = solver_makespan_objective(in, o, x);
	vy = solver_makespan_objective(in, o, y);
	if (o->objective == OBJ_MAKESPAN && fabs(vx - vy) < 1e-12)
		return solver_assignment_objective(in, o, x) <
		       solver_assignment_objective(in, o, y) - 1e-12;
	return vx < vy - 1e-12;
}

/* Keeps the probe at hi in *best when it is better; 1 if so, -1 on error */
static int try_horizon(const struct instance *in, const struct solver_opts *o,
		       const struct solver_opts *po, size_t hi,
		       struct assignment *best, struct errmsg *err)
{
	struct assignment a;
	int ret = probe(in, po, hi, &a, err);

	if (ret >= 0) {
		ret = better(in, o, &a, best) ? 1 : 0;
		if (ret) {
			struct assignment t = *best;
			*best = a;
			a = t;
		}
	}
	assignment_release(&a);
	return ret;
}

/* The latest of the placed jobs' earliest possible ends. */
static size_t earliest_end(const struct instance *in,
			   const struct assignment *a)
{
	size_t lb = 0;

	for (size_t j = 0; j < a->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		size_t e = SIZE_MAX;
		if (a->opt[j] < 0)
			continue;
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++)
			if (in->opts[k].end < e)
				e = in->opts[k].end;
		if (e > lb)
			lb = e;
	}
	return lb;
}

/*
 * The bound: no plan placing the same jobs ends before the latest of
 * their earliest ends.  For a mix, add the separable part's bound of the
 * uncut plan (each a true bound, so is the sum).
 */
static void set_bound(const struct instance *in, const struct solver_opts *o,
		      double sep_bound, struct assignment *a)
{
	double h = hours_of(in, earliest_end(in, a));

	a->objective_value = solver_makespan_objective(in, o, a);
	a->bound = o->objective == OBJ_MAKESPAN
			   ? h
			   : sep_bound + o->w_makespan * h;
	a->bound = fmin(a->bound, a->objective_value);
	a->gap = solver_relative_gap(a->objective_value, a->bound);
	a->status = a->gap <= 1e-9 ? "optimal" : "feasible";
}

int solve_makespan(const struct instance *in, const struct solver_opts *o,
		   struct assignment *best, struct errmsg *err)
{
	struct solver_opts po = *o;
	size_t lo, hi, n0;
	double sep_bound;
	int probes = 2 + MIX_PROBES, ret = 0;

	po.objective = o->objective == OBJ_MAKESPAN ? OBJ_CARBON : o->objective;
	po.w_makespan = 0;
	for (size_t r = in->grid.nslots; r > 1; r /= 2)
		probes++;
	po.time_limit_s = o->time_limit_s / probes;
	assignment_release(best);
	if (probe(in, &po, SIZE_MAX, best, err) < 0)
		return -1;
	sep_bound = best->bound;
	n0 = nplaced(best);
	lo = earliest_end(in, best);
	hi = plan_end(in, best);
	/* the earliest horizon where as many jobs are placed */
	while (lo < hi && ret >= 0) {
		size_t mid = lo + (hi - lo) / 2;
		struct assignment a;
		ret = probe(in, &po, mid, &a, err);
		if (ret >= 0 && nplaced(&a) >= n0) {
			hi = mid;
			if (better(in, o, &a, best)) {
				struct assignment t = *best;
				*best = a;
				a = t;
			}
		} else {
			lo = mid + 1;
		}
		assignment_release(&a);
	}
	for (int i = 1; ret >= 0 && o->objective != OBJ_MAKESPAN &&
			i <= MIX_PROBES; i++) {
		size_t end = plan_end(in, best), top = in->grid.nslots;
		size_t h = hi + (size_t)((double)(top - hi) * i / MIX_PROBES);
		if (h != end)
			ret = try_horizon(in, o, &po, h, best, err);
	}
	if (ret < 0)
		return -1;
	solver_explain_unplaced(in, best);
	set_bound(in, o, sep_bound, best);
	return 0;
}
