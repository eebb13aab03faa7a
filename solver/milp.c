/*
 * milp.c - the exact policy: a time-indexed mixed-integer program solved
 * with GLPK's branch and cut.
 *
 *   x[o] in {0,1}  for every option o (job, profile, site, start slot)
 *   u[j] in [0,1]  job j unplaced (integral through the row below)
 *
 *   min  sum c[o] x[o] + P sum u[j]
 *   s.t. sum_{o of j} x[o] + u[j] = 1                         every job j
 *        sum_{o at s, running in t} req[o,r] x[o] <= avail[s,r,t]
 *                         (only where the jobs could exceed it at all)
 *        sum_{o of k} start[o] x[o] - sum_{o of j} end[o] x[o]
 *                                         + nslots u[k] >= 0  k after j
 *        u[k] - u[j] >= 0                                     k after j
 *
 * P exceeds twice the sum over jobs of their largest |c[o]|, so placing
 * one more job always pays: the program maximizes the number of jobs
 * placed, then minimizes the objective.  The big-M term lets an unplaced
 * successor off its ordering row; the last row keeps successors of
 * unplaced jobs unplaced.
 *
 * GLPK's MIP presolver works on a transformed problem whose columns we
 * cannot map, so a warm start (the greedy plan, handed over in the
 * callback) is only possible without it.  Without it we solve the root LP
 * ourselves with glp_simplex, as glp_intopt then requires.
 */
#include "solver/solver.h"

#include <float.h>
#include <glpk.h>
#include <limits.h>
#include <math.h>

/* Relative gap at which a plan counts as optimal (rounding). */
#define MILP_GAP 1e-9
/* Options of the model GLPK copes with per second of time left. */
#define MILP_OPTS_PER_S 4000.0
/* Share of --time-limit kept for accounting and writing the plan. */
#define MILP_RESERVE 0.04
/* Seconds left below which merging the search's plans is not tried. */
#define MERGE_MIN_S 0.2
/* Column generation for split jobs: rounds, and share of --time-limit. */
#define SPLIT_ROUNDS 500
#define SPLIT_SHARE 0.15

/* Triplets for glp_load_matrix, 1-based as GLPK wants. */
struct triplets {
	int *ia, *ja;
	double *ar;
	size_t n, alloc; /* n counts the unused slot 0 */
};

static void triplet_add(struct triplets *m, int i, int j, double v)
{
	size_t old = m->alloc;

	if (v == 0 || j == 0) /* nothing, or an option left out */
		return;
	ALLOC_GROW(m->ia, m->n + 1, m->alloc);
	if (m->alloc != old) {
		m->ja = xrealloc(m->ja, st_mult(m->alloc, sizeof(*m->ja)));
		m->ar = xrealloc(m->ar, st_mult(m->alloc, sizeof(*m->ar)));
	}
	m->ia[m->n] = i;
	m->ja[m->n] = j;
	m->ar[m->n] = v;
	m->n++;
}

static void triplets_release(struct triplets *m)
{
	free(m->ia);
	free(m->ja);
	free(m->ar);
}

struct model {
	const struct instance *in;
	const struct solver_opts *o;
	glp_prob *lp;
	int *ucol;   /* [njobs]: column of u[j], 0 when j has no options */
	int *col;    /* [nopts]: column of x[o], 0 when the model leaves o
		      * out (see merge_plans()) */
	int *caprow; /* [cells]: row of a capacity cell, 0 when none */
	double penalty;
	struct triplets m;
};

static int opt_col(const struct model *md, size_t o)
{
	return md->col[o];
}

/* Columns for the options in keep (NULL: all), then the u[j]. */
static void add_columns(struct model *md, const bool *keep)
{
	const struct instance *in = md->in;
	double sum_max = 0;

	for (size_t j = 0; j < in->js->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		double mx = 0;
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++)
			mx = fmax(mx, fabs(solver_objective_of(md->o,
							       &in->opts[k])));
		sum_max += mx;
	}
	md->penalty = 1 + 2 * sum_max;
	for (size_t k = 0; k < in->nopts; k++) {
		if (keep && !keep[k])
			continue;
		md->col[k] = glp_add_cols(md->lp, 1);
		glp_set_col_kind(md->lp, md->col[k], GLP_BV);
		glp_set_obj_coef(md->lp, md->col[k],
				 solver_objective_of(md->o, &in->opts[k]));
	}
	for (size_t j = 0; j < in->js->njobs; j++) {
		if (!in->jobs[j].nopts)
			continue;
		md->ucol[j] = glp_add_cols(md->lp, 1);
		glp_set_col_bnds(md->lp, md->ucol[j], GLP_DB, 0, 1);
		glp_set_obj_coef(md->lp, md->ucol[j], md->penalty);
	}
}

static void add_assignment_rows(struct model *md)
{
	const struct instance *in = md->in;

	for (size_t j = 0; j < in->js->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		int row;
		if (!ij->nopts)
			continue;
		row = glp_add_rows(md->lp, 1);
		glp_set_row_bnds(md->lp, row, GLP_FX, 1, 1);
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++)
			triplet_add(&md->m, row, opt_col(md, k), 1);
		triplet_add(&md->m, row, md->ucol[j], 1);
	}
}

static void add_capacity_rows(struct model *md)
{
	const struct instance *in = md->in;
	size_t ns = in->grid.nslots, nr = in->cat->nresources;
	size_t cells = st_mult(st_mult(in->cat->nsites, nr), ns);
	double *demand = solver_cell_demand(in);
	int *row = md->caprow = xcalloc(cells ? cells : 1, sizeof(*row));

	for (size_t c = 0; c < cells; c++) {
		if (demand[c] <= in->avail[c] + 1e-9)
			continue;
		row[c] = glp_add_rows(md->lp, 1);
		glp_set_row_bnds(md->lp, row[c], GLP_UP, 0, in->avail[c]);
	}
	for (size_t k = 0; k < in->nopts; k++) {
		struct solver_cells it;
		size_t c;
		double u;
		for (solver_cells_begin(&it, in, &in->opts[k]);
		     solver_cells_next(&it, &c, &u);)
			if (row[c])
				triplet_add(&md->m, row[c], opt_col(md, k), u);
	}
	free(demand);
}

static void add_order_rows(struct model *md, size_t k, size_t j)
{
	const struct instance *in = md->in;
	const struct instance_job *ik = &in->jobs[k], *ij = &in->jobs[j];
	int row = glp_add_rows(md->lp, 2);

	/* start of k >= end of j, unless k is unplaced */
	glp_set_row_bnds(md->lp, row, GLP_LO, 0, 0);
	for (size_t o = ik->first_opt; o < ik->first_opt + ik->nopts; o++)
		triplet_add(&md->m, row, opt_col(md, o), in->opts[o].start);
	for (size_t o = ij->first_opt; o < ij->first_opt + ij->nopts; o++)
		triplet_add(&md->m, row, opt_col(md, o),
			    -(double)in->opts[o].end);
	triplet_add(&md->m, row, md->ucol[k], (double)in->grid.nslots);
	/* u[k] >= u[j] */
	glp_set_row_bnds(md->lp, row + 1, GLP_LO, 0, 0);
	triplet_add(&md->m, row + 1, md->ucol[k], 1);
	triplet_add(&md->m, row + 1, md->ucol[j], -1);
}

static void add_dependency_rows(struct model *md)
{
	const struct instance *in = md->in;

	for (size_t k = 0; k < in->js->njobs; k++) {
		const struct job *job = &in->js->jobs[k];
		if (!in->jobs[k].nopts)
			continue;
		/* a job with options has predecessors with options */
		for (size_t a = 0; a < job->nafter; a++)
			if (in->jobs[job->after[a]].nopts)
				add_order_rows(md, k, job->after[a]);
	}
}

static void build_model(struct model *md, const bool *keep)
{
	md->lp = glp_create_prob();
	glp_set_obj_dir(md->lp, GLP_MIN);
	md->ucol = xcalloc(md->in->js->njobs + 1, sizeof(*md->ucol));
	md->col = xcalloc(md->in->nopts + 1, sizeof(*md->col));
	add_columns(md, keep);
	md->m.n = 1; /* GLPK's arrays start at 1 */
	ALLOC_GROW(md->m.ia, 1, md->m.alloc);
	md->m.ja = xrealloc(md->m.ja, st_mult(md->m.alloc, sizeof(int)));
	md->m.ar = xrealloc(md->m.ar, st_mult(md->m.alloc, sizeof(double)));
	add_assignment_rows(md);
	add_capacity_rows(md);
	add_dependency_rows(md);
	if (md->m.n > 1)
		glp_load_matrix(md->lp, (int)(md->m.n - 1), md->m.ia,
				md->m.ja, md->m.ar);
}

/* ------------------------------------------------------------------ */
/* Solving                                                             */
/* ------------------------------------------------------------------ */

struct search {
	struct assignment *plan; /* the search's plan, the warm start */
	double *warm;       /* column values of the greedy plan, or NULL */
	bool warm_given;
	double bound;       /* best proven bound seen, -INFINITY if none */
	const struct solver_opts *o;
	double t0;          /* time_mono() when the solve began */
	double split_bound; /* split jobs: the root LP's prices as a bound on
			     * plans placing every job, else -INFINITY */
};

/*
 * Called by GLPK at every step: remembers the best bound of the open
 * nodes (GLPK forgets it once it stops) and hands over the warm start.
 */
static void search_callback(glp_tree *tree, void *info)
{
	struct search *se = info;
	int p = glp_ios_best_node(tree);

	if (p) {
		double b = glp_ios_node_bound(tree, p);
		if (b > se->bound && b < 0.5 * DBL_MAX)
			se->bound = b;
	}
	/* GLPK checks tm_lim only between its own steps: cuts and
	 * heuristics at the root can overrun it by seconds */
	if (time_mono() - se->t0 > se->o->time_limit_s) {
		glp_ios_terminate(tree);
		return;
	}
	if (glp_ios_reason(tree) == GLP_IHEUR && se->warm && !se->warm_given) {
		se->warm_given = true;
		glp_ios_heur_sol(tree, se->warm);
	}
	if (se->o->progress) {
		glp_prob *lp = glp_ios_get_prob(tree);
		double best = glp_mip_status(lp) == GLP_FEAS
				      ? glp_mip_obj_val(lp)
				      : (double)NAN;
		se->o->progress(se->o->progress_ctx, time_mono() - se->t0,
				best, se->bound);
	}
}

/* Column values of an assignment, for the warm start. */
static double *columns_of(const struct model *md, const struct assignment *a)
{
	int n = glp_get_num_cols(md->lp);
	double *x = xcalloc((size_t)n + 1, sizeof(*x));

	for (size_t j = 0; j < a->njobs; j++) {
		if (a->opt[j] >= 0)
			x[opt_col(md, (size_t)a->opt[j])] = 1;
		else if (md->ucol[j])
			x[md->ucol[j]] = 1;
	}
	return x;
}

static int time_limit_ms(double seconds)
{
	if (!(seconds > 0))
		return 1;
	if (seconds * 1000 >= INT_MAX)
		return INT_MAX;
	return (int)(seconds * 1000);
}

/* Reads the placements out of GLPK's incumbent. */
static void take_solution(const struct model *md, struct assignment *a)
{
	const struct instance *in = md->in;

	for (size_t j = 0; j < a->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		a->opt[j] = -1;
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++)
			if (opt_col(md, k) &&
			    glp_mip_col_val(md->lp, opt_col(md, k)) > 0.5)
				a->opt[j] = (long)k;
	}
}

static void copy_placements(struct assignment *dst,
			    const struct assignment *src)
{
	for (size_t j = 0; j < dst->njobs; j++)
		dst->opt[j] = src->opt[j];
}

/* The relaxation's capacity duals as prices per cell (caller frees). */
static double *lp_prices(const struct model *md)
{
	size_t cells = solver_ncells(md->in);
	double *lambda = xcalloc(cells ? cells : 1, sizeof(*lambda));

	for (size_t c = 0; c < cells; c++)
		if (md->caprow[c])
			lambda[c] = fmax(0, -glp_get_row_dual(md->lp,
							       md->caprow[c]));
	return lambda;
}

/* d initialised with prices lambda (caller releases it). */
static void dual_at(const struct instance *in, const double *lambda,
		    struct solver_dual *d)
{
	solver_dual_init(d, in);
	memcpy(d->lambda, lambda, st_mult(solver_ncells(in), sizeof(double)));
}

/*
 * With interruptible jobs the program lists some of their slot sets
 * only, so its relaxation bounds nothing.  Its capacity duals are still
 * good prices: the Lagrangian dual at them, every slot set counted
 * (dual.c), is a true bound, as tight as the relaxation once no unlisted
 * slot set prices below the listed ones (see solver_milp_columns()).
 */
static double split_lp_bound(const struct model *md, const double *lambda)
{
	const struct instance *in = md->in;
	double *cost = xmalloc(st_mult(in->nopts ? in->nopts : 1,
				       sizeof(*cost)));
	struct solver_dual d;
	double v;

	for (size_t k = 0; k < in->nopts; k++)
		cost[k] = solver_objective_of(md->o, &in->opts[k]);
	dual_at(in, lambda, &d);
	v = solver_dual_value(in, md->o, cost, &d, 0, false);
	solver_dual_release(&d);
	free(cost);
	return v;
}

/*
 * The duals of the capacity rows are the prices at which the relaxation
 * is optimal: a plan built on them is the search's best start, and
 * becomes GLPK's incumbent.
 */
static void lp_priced_plan(struct model *md, struct search *se)
{
	const struct instance *in = md->in;
	double *lambda = lp_prices(md);
	double *x = xcalloc(in->nopts + 1, sizeof(*x));
	struct solver_opts left = *md->o;

	/* the search counts its time from its own start */
	left.time_limit_s = md->o->time_limit_s - (time_mono() - se->t0);
	for (size_t k = 0; k < in->nopts; k++)
		x[k] = opt_col(md, k) ? glp_get_col_prim(md->lp, opt_col(md, k))
				      : 0;
	if (solver_instance_split(in))
		se->split_bound = split_lp_bound(md, lambda);
	solver_search_prices(in, &left, lambda, x, se->plan);
	free(lambda);
	free(x);
	free(se->warm);
	se->warm = columns_of(md, se->plan);
}

/*
 * Runs glp_intopt (after glp_simplex when GLPK's presolver is off).
 * Returns GLPK's code, or INT_MIN with err filled when even the linear
 * relaxation fails.
 */
static int run_glpk(struct model *md, struct search *se, double limit_s,
		    double t0, struct errmsg *err)
{
	glp_iocp parm;
	int ret;

	glp_init_iocp(&parm);
	parm.msg_lev = md->o->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
	parm.mip_gap = md->o->gap;
	parm.presolve = md->o->presolve ? GLP_ON : GLP_OFF;
	parm.cb_func = search_callback;
	parm.cb_info = se;
	/* measured on time-indexed instances: pseudo-costs and Gomory
	 * cuts close the gap fastest; proximity search overruns tm_lim */
	parm.br_tech = GLP_BR_DTH;
	parm.gmi_cuts = GLP_ON;
	if (!md->o->presolve) {
		glp_smcp smcp;
		glp_init_smcp(&smcp);
		smcp.msg_lev = parm.msg_lev;
		smcp.tm_lim = time_limit_ms(limit_s);
		ret = glp_simplex(md->lp, &smcp);
		if (ret == GLP_ETMLIM)
			return GLP_ETMLIM;
		if (ret != 0 || glp_get_status(md->lp) != GLP_OPT) {
			err_set(err, "glpk cannot solve the linear relaxation "
				"(glp_simplex returned %d, status %d)", ret,
				glp_get_status(md->lp));
			return INT_MIN;
		}
		se->bound = glp_get_obj_val(md->lp);
		lp_priced_plan(md, se);
	}
	parm.tm_lim = time_limit_ms(limit_s - (time_mono() - t0));
	return glp_intopt(md->lp, &parm);
}

/*
 * What the run of GLPK says: "optimal", "feasible" (stopped early with a
 * solution), "infeasible", NULL for "no solution, use the fallback", or
 * -1 (via *failed) on a solver failure.
 */
static const char *judge(struct model *md, int ret, bool *failed,
			 struct errmsg *err)
{
	int st;

	*failed = false;
	if (ret == INT_MIN) {
		*failed = true;
		return NULL;
	}
	if (ret == GLP_ENOPFS)
		return "infeasible";
	st = glp_mip_status(md->lp);
	if (ret == 0) {
		if (st == GLP_OPT)
			return "optimal";
		if (st == GLP_NOFEAS)
			return "infeasible";
	} else if (ret == GLP_ETMLIM || ret == GLP_EMIPGAP ||
		   ret == GLP_ESTOP) {
		if (st == GLP_FEAS || st == GLP_OPT)
			return "feasible";
		return NULL;
	}
	*failed = true;
	err_set(err, "glpk failed (glp_intopt returned %d, status %d)", ret,
		st);
	return NULL;
}

/* Objective, bound and gap as the plan reports them (penalties off). */
static void report_numbers(const struct model *md, const struct search *se,
			   struct assignment *a)
{
	size_t unplaced = 0;

	a->objective_value = solver_assignment_objective(md->in, md->o, a);
	for (size_t j = 0; j < a->njobs; j++)
		if (a->opt[j] < 0 && md->ucol[j])
			unplaced++;
	if (solver_instance_split(md->in)) {
		/* GLPK chose among the options only: its proof is not one,
		 * the priced bound over every slot set is */
		if (!unplaced)
			a->bound = fmin(a->objective_value,
					fmax(a->bound, se->split_bound));
		if (!strcmp(a->status, "optimal") ||
		    !strcmp(a->status, "feasible"))
			a->status = solver_relative_gap(a->objective_value,
							a->bound) <= MILP_GAP
					    ? "optimal"
					    : "feasible";
	} else if (!strcmp(a->status, "optimal"))
		a->bound = a->objective_value;
	else if (isfinite(se->bound))
		a->bound = fmin(a->objective_value,
				fmax(a->bound, se->bound -
						       md->penalty *
							       (double)unplaced));
	/* else: the search's bound stands (GLPK proved nothing) */
	a->gap = solver_relative_gap(a->objective_value, a->bound);
}

/* Placed jobs first, then the objective: what the program minimizes. */
static bool better(const struct model *md, const struct assignment *x,
		   const struct assignment *y)
{
	double px = solver_assignment_objective(md->in, md->o, x);
	double py = solver_assignment_objective(md->in, md->o, y);

	for (size_t j = 0; j < x->njobs; j++) {
		px += x->opt[j] < 0 ? md->penalty : 0;
		py += y->opt[j] < 0 ? md->penalty : 0;
	}
	return px < py - 1e-9;
}

/*
 * Turns GLPK's verdict into the assignment.  Without a proof of
 * optimality the plan is polished by local search, and the warm-start
 * plan stands in when GLPK found nothing better (or nothing at all).
 */
static void settle(struct model *md, const struct search *se,
		   const char *status, const struct assignment *greedy,
		   struct assignment *a)
{
	if (!status) {
		copy_placements(a, greedy);
		a->status = "feasible";
	} else {
		if (strcmp(status, "infeasible"))
			take_solution(md, a);
		a->status = status;
	}
	if (!strcmp(a->status, "feasible") && better(md, greedy, a))
		copy_placements(a, greedy);
	a->bound = greedy->bound;
	solver_explain_unplaced(md->in, a);
	report_numbers(md, se, a);
}

/*
 * Whether GLPK gets a turn after the search: not when the search's plan
 * is within the gap of its bound, nor when the model is too large for
 * GLPK to solve even its relaxation in the time left (measured: the
 * root LP of 10^5 options takes seconds, of 10^6 minutes), nor when no
 * time is left.
 */
static bool skip_glpk(const struct instance *in, const struct solver_opts *o,
		      const struct assignment *best, double t0)
{
	double left = o->time_limit_s - (time_mono() - t0);

	if (!in->nopts || best->gap <= fmax(MILP_GAP, o->gap))
		return true;
	if (left < 0.5)
		return true;
	return (double)in->nopts > MILP_OPTS_PER_S * left;
}

static void model_release(struct model *md)
{
	free(md->ucol);
	free(md->col);
	free(md->caprow);
	triplets_release(&md->m);
	if (md->lp)
		glp_delete_prob(md->lp);
}

/*
 * Solution merging: the program over only the options some elite plan
 * of the search uses.  Each chain of ruin and recreate ends in its own
 * local optimum, good in different places; GLPK combines their best
 * parts in a program small enough to solve in a fraction of a second.
 * What it proves covers the kept options only: it gives a plan, never a
 * bound.  Replaces `best` when it finds better.
 */
static void merge_plans(const struct instance *in,
			const struct solver_opts *o,
			const struct solver_pool *pool, struct assignment *best,
			double t0)
{
	struct model md = {in, o, NULL, NULL, NULL, NULL, 0, {0}};
	struct search se = {best, NULL, false, -(double)INFINITY, o, t0,
			    -(double)INFINITY};
	struct assignment merged;
	bool *keep;
	glp_smcp smcp;
	glp_iocp parm;
	double left = o->time_limit_s - (time_mono() - t0);

	if (pool->n < 2 || left < MERGE_MIN_S)
		return;
	keep = xcalloc(in->nopts + 1, sizeof(*keep));
	for (size_t i = 0; i < pool->n; i++)
		for (size_t j = 0; j < pool->njobs; j++)
			if (pool->plans[i * pool->njobs + j] >= 0)
				keep[pool->plans[i * pool->njobs + j]] = true;
	for (size_t j = 0; j < best->njobs; j++)
		if (best->opt[j] >= 0)
			keep[best->opt[j]] = true;
	build_model(&md, keep);
	free(keep);
	se.warm = columns_of(&md, best);
	glp_init_smcp(&smcp);
	smcp.msg_lev = GLP_MSG_OFF;
	smcp.tm_lim = time_limit_ms(left);
	glp_init_iocp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	parm.cb_func = search_callback;
	parm.cb_info = &se;
	parm.tm_lim = time_limit_ms(left);
	assignment_init(&merged, best->njobs);
	if (glp_simplex(md.lp, &smcp) == 0 && glp_get_status(md.lp) == GLP_OPT) {
		glp_intopt(md.lp, &parm);
		if (glp_mip_status(md.lp) == GLP_OPT ||
		    glp_mip_status(md.lp) == GLP_FEAS) {
			take_solution(&md, &merged);
			if (better(&md, &merged, best))
				copy_placements(best, &merged);
		}
	}
	if (o->verbose)
		fprintf(stderr, "milp: merged %zu plans (%d options) in %.2f s\n",
			pool->n, glp_get_num_cols(md.lp), time_mono() - t0);
	assignment_release(&merged);
	free(se.warm);
	model_release(&md);
}

/*
 * Per job, its least objective plus lambda x units over the options it
 * lists, taken before the round inserts any (insertions move indices).
 */
static double *listed_prices(const struct instance *in,
			     const struct solver_opts *o, const double *lambda)
{
	double *best = xmalloc(st_mult(in->js->njobs + 1, sizeof(*best)));
	struct solver_dual d;

	dual_at(in, lambda, &d);
	solver_dual_prices(in, &d);
	for (size_t j = 0; j < in->js->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		best[j] = HUGE_VAL;
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++)
			best[j] = fmin(best[j], solver_objective_of(
							o, &in->opts[k]) +
							d.price[k]);
	}
	solver_dual_release(&d);
	return best;
}

/*
 * One round of column generation: solves the relaxation over the options
 * listed now and adds, for every interruptible job, the slot sets that
 * price below its listed options at the relaxation's capacity duals.
 * Returns how many joined, or 0 when the relaxation did not solve.
 */
static size_t split_round(struct instance *in, const struct solver_opts *o,
			  double limit_s)
{
	struct model md = {in, o, NULL, NULL, NULL, NULL, 0, {0}};
	glp_smcp smcp;
	double *lambda, *listed;
	size_t added = 0;

	build_model(&md, NULL);
	glp_init_smcp(&smcp);
	smcp.msg_lev = GLP_MSG_OFF;
	smcp.tm_lim = time_limit_ms(limit_s);
	if (glp_simplex(md.lp, &smcp) || glp_get_status(md.lp) != GLP_OPT) {
		model_release(&md);
		return 0;
	}
	lambda = lp_prices(&md);
	model_release(&md);
	listed = listed_prices(in, o, lambda);
	for (size_t j = 0; j < in->js->njobs; j++)
		if (in->jobs[j].nopts &&
		    solver_job_max_pieces(&in->js->jobs[j]) > 1)
			added += instance_price_split(in, o, j, lambda,
						      listed[j]);
	free(listed);
	free(lambda);
	return added;
}

double solver_milp_columns(struct instance *in, const struct solver_opts *o)
{
	double t0 = time_mono(), budget = SPLIT_SHARE * o->time_limit_s;
	size_t added = 0, rounds = 0;

	if (!solver_instance_split(in))
		return 0;
	while (rounds < SPLIT_ROUNDS) {
		double left = budget - (time_mono() - t0);
		size_t n;
		if (left <= 0 || (double)in->nopts > MILP_OPTS_PER_S * left)
			break;
		rounds++;
		if (!(n = split_round(in, o, left)))
			break;
		added += n;
	}
	if (o->verbose)
		fprintf(stderr, "milp: %zu slot sets of interruptible jobs "
			"priced in, %zu rounds, %.2f s\n", added, rounds,
			time_mono() - t0);
	return time_mono() - t0;
}

int solve_milp(const struct instance *in, const struct solver_opts *given,
	       struct assignment *a, struct errmsg *err)
{
	struct solver_opts lim = *given, *o = &lim;
	struct model md = {in, o, NULL, NULL, NULL, NULL, 0, {0}};
	struct assignment greedy;
	struct solver_pool pool = {0};
	double t0 = time_mono();
	struct search se = {&greedy, NULL, false, -(double)INFINITY, o, t0,
			    -(double)INFINITY};
	const char *status = "optimal";
	bool failed = false;
	int old_term;

	/* every stage aims to end early enough for the plan to be written */
	lim.time_limit_s *= 1 - MILP_RESERVE;
	old_term = glp_term_out(o->verbose ? GLP_ON : GLP_OFF);
	assignment_init(&greedy, a->njobs);
	solver_search_pool(in, o, &greedy, &pool);
	if (greedy.gap > fmax(MILP_GAP, o->gap)) {
		merge_plans(in, o, &pool, &greedy, t0);
		greedy.objective_value =
			solver_assignment_objective(in, o, &greedy);
		greedy.gap = solver_relative_gap(greedy.objective_value,
						 greedy.bound);
	}
	solver_pool_release(&pool);
	if (skip_glpk(in, o, &greedy, t0)) {
		copy_placements(a, &greedy);
		a->status = greedy.gap <= MILP_GAP ? "optimal" : greedy.status;
		a->objective_value = greedy.objective_value;
		a->bound = greedy.bound;
		a->gap = greedy.gap;
		solver_explain_unplaced(in, a);
		glp_term_out(old_term);
		assignment_release(&greedy);
		a->solve_seconds = time_mono() - t0;
		return 0;
	}
	build_model(&md, NULL);
	if (!o->presolve)
		se.warm = columns_of(&md, &greedy);
	if (in->nopts) /* else nothing to choose: all unplaced, optimal */
		status = judge(&md, run_glpk(&md, &se, o->time_limit_s, t0,
					     err),
			       &failed, err);
	if (!failed)
		settle(&md, &se, status, &greedy, a);
	free(se.warm);
	model_release(&md);
	glp_term_out(old_term);
	assignment_release(&greedy);
	a->solve_seconds = time_mono() - t0;
	return failed ? -1 : 0;
}
