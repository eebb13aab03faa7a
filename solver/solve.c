/*
 * solve.c - from a policy name to a checked assignment, and from an
 * assignment to the plan document the contract describes.
 *
 * Every policy's result goes through solver_check() before it becomes a
 * plan, so a bug in one policy shows up as a run-time failure rather than
 * as a plan that overbooks a site.
 */
#include "solver/solver.h"

#include <math.h>

void solver_opts_init(struct solver_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->policy = "milp";
	o->objective = OBJ_CARBON;
	o->w_carbon = 1;
	o->w_cost = 0;
	o->time_limit_s = 60;
	o->seed = 1;
	o->presolve = false;
}

struct policy {
	const char *name;
	int (*fn)(const struct instance *in, const struct solver_opts *o,
		  struct assignment *a);
};

static const struct policy heuristics[] = {
	{"greedy", solve_greedy},
	{"fifo", solve_fifo},
	{"round-robin", solve_round_robin},
	{"random", solve_random},
	{"search", solve_search},
};
#define NHEURISTICS (sizeof(heuristics) / sizeof(heuristics[0]))

bool solver_policy_known(const char *name)
{
	if (!strcmp(name, "milp"))
		return true;
	for (size_t i = 0; i < NHEURISTICS; i++)
		if (!strcmp(name, heuristics[i].name))
			return true;
	return false;
}

int solver_run(const struct instance *in, const struct solver_opts *o,
	       struct assignment *a, struct errmsg *err)
{
	double t0 = time_mono();
	int ret = -1;

	if (solver_has_makespan(o)) {
		ret = solver_policy_known(o->policy)
			      ? solve_makespan(in, o, a, err)
			      : err_set(err, "unknown policy '%s'", o->policy);
	} else if (!strcmp(o->policy, "milp")) {
		ret = solve_milp(in, o, a, err);
	} else {
		for (size_t i = 0; i < NHEURISTICS; i++)
			if (!strcmp(o->policy, heuristics[i].name))
				ret = heuristics[i].fn(in, o, a);
		if (ret < 0)
			return err_set(err, "unknown policy '%s'", o->policy);
	}
	a->solve_seconds = time_mono() - t0;
	if (ret < 0)
		return -1;
	if (solver_check(in, a, err) < 0) {
		struct errmsg why = *err;
		return err_set(err, "policy '%s' made an invalid plan: %s",
			       o->policy, why.msg);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The plan document                                                   */
/* ------------------------------------------------------------------ */

static const char *objective_name(enum solver_objective obj)
{
	switch (obj) {
	case OBJ_COST:
		return "cost";
	case OBJ_WEIGHTED:
		return "weighted";
	case OBJ_MAKESPAN:
		return "makespan";
	case OBJ_CARBON:
	default:
		return "carbon";
	}
}

static double baseline_of(const struct instance *in, size_t j)
{
	const struct instance_job *ij = &in->jobs[j];
	struct solver_placement pl = {0};
	struct solver_cost c;

	if (!ij->has_baseline)
		return 0;
	pl.job = j;
	pl.profile = ij->base_profile;
	pl.site = ij->base_site;
	pl.start = ij->base_start;
	pl.runtime = ij->base_runtime;
	solver_account(in, &pl, &c);
	return c.emissions_kg;
}

static void add_job(const struct instance *in, const struct assignment *a,
		    size_t j, struct plan *p)
{
	const struct solver_option *o = &in->opts[a->opt[j]];
	const struct solver_grid *g = &in->grid;
	const struct solver_piece *pc;
	struct solver_piece one;
	size_t np = solver_option_pieces(in, o, &pc, &one);
	struct solver_placement pl = {j, o->profile, o->site, o->start,
				      o->runtime, pc, np};
	struct plan_job *pj;
	struct solver_cost c;

	solver_account(in, &pl, &c);
	ALLOC_GROW(p->jobs, p->njobs + 1, p->alloc_jobs);
	pj = &p->jobs[p->njobs++];
	memset(pj, 0, sizeof(*pj));
	pj->id = xstrdup(in->js->jobs[j].id);
	pj->site = xstrdup(in->cat->sites[o->site].id);
	pj->start = solver_grid_time(g, o->start);
	pj->end = solver_grid_time(g, o->end);
	pj->segments = xmalloc(np * sizeof(*pj->segments));
	for (size_t i = 0; i < np; i++) {
		pj->segments[i].start = solver_grid_time(g, pc[i].start);
		pj->segments[i].end =
			solver_grid_time(g, (size_t)pc[i].start + pc[i].len);
	}
	pj->nsegments = np;
	pj->runtime_s = (double)o->runtime * (double)g->slot_s;
	pj->energy_kwh = c.energy_kwh;
	pj->emissions_kg = c.emissions_kg;
	pj->cost = c.cost;
	pj->baseline_emissions_kg = baseline_of(in, j);
	pj->profile = (int)o->profile;
	pj->runtime_predicted = in->jobs[j].predicted;
	if (in->js->jobs[j].command)
		pj->command = xstrdup(in->js->jobs[j].command);

	p->energy_kwh += pj->energy_kwh;
	p->emissions_kg += pj->emissions_kg;
	p->cost += pj->cost;
	p->baseline_emissions_kg += pj->baseline_emissions_kg;
}

static void add_unplaced(const struct instance *in,
			 const struct assignment *a, size_t j, struct plan *p)
{
	struct plan_unplaced *u;

	ALLOC_GROW(p->unplaced, p->nunplaced + 1, p->alloc_unplaced);
	u = &p->unplaced[p->nunplaced++];
	u->id = xstrdup(in->js->jobs[j].id);
	u->reason = xstrdup(a->reason[j] ? a->reason[j] : "not placed");
}

void solver_fill_plan(const struct instance *in, const struct solver_opts *o,
		      const struct assignment *a, struct plan *p)
{
	const struct solver_grid *g = &in->grid;

	p->policy = xstrdup(o->policy);
	p->objective = xstrdup(objective_name(o->objective));
	p->status = xstrdup(a->status);
	p->slot_s = g->slot_s;
	p->start = g->start;
	p->end = solver_grid_time(g, g->nslots);
	p->objective_value = a->objective_value;
	p->bound = a->bound;
	p->gap = a->gap;
	p->solve_seconds = a->solve_seconds;
	if (in->sg->source)
		p->signal_source = xstrdup(in->sg->source);
	for (size_t j = 0; j < a->njobs; j++) {
		if (a->opt[j] >= 0)
			add_job(in, a, j, p);
		else
			add_unplaced(in, a, j, p);
	}
}

int solver_add_policy(const struct instance *in, const struct solver_opts *o,
		      const char *policy, bool oracle, struct plan *p,
		      struct errmsg *err)
{
	struct solver_opts other = *o;
	struct assignment a;
	struct plan q;
	struct plan_policy *e;
	int ret;

	other.policy = policy;
	other.progress = NULL;
	other.verbose = false;
	assignment_init(&a, in->js->njobs);
	ret = solver_run(in, &other, &a, err);
	if (!ret) {
		plan_init(&q);
		solver_fill_plan(in, &other, &a, &q);
		ALLOC_GROW(p->policies, p->npolicies + 1, p->alloc_policies);
		e = &p->policies[p->npolicies++];
		*e = (struct plan_policy){
			.policy = xstrdup(policy), .oracle = oracle,
			.status = xstrdup(q.status),
			.emissions_kg = q.emissions_kg,
			.energy_kwh = q.energy_kwh, .cost = q.cost,
			.baseline_emissions_kg = q.baseline_emissions_kg,
			.placed = q.njobs, .unplaced = q.nunplaced,
		};
		plan_release(&q);
	}
	assignment_release(&a);
	return ret;
}

void solver_summary(const struct plan *p, struct strbuf *out)
{
	strbuf_addf(out, "%s: %zu job%s placed, %zu unplaced; %.1f kg CO2eq "
		    "against %.1f kg baseline",
		    p->policy, p->njobs, p->njobs == 1 ? "" : "s",
		    p->nunplaced, p->emissions_kg, p->baseline_emissions_kg);
	if (p->baseline_emissions_kg > 0)
		strbuf_addf(out, " (%+.1f%%)",
			    100 * (p->emissions_kg - p->baseline_emissions_kg) /
				    p->baseline_emissions_kg);
	strbuf_addf(out, "; %s in %.2f s", p->status, p->solve_seconds);
}
