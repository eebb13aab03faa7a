/*
 * heuristic.c - the list-scheduling policies (greedy, fifo, round-robin,
 * random), the checker every assignment must pass, and what they share:
 * a "placer" that takes jobs one at a time in an order where predecessors
 * come first and keeps track of the capacity already used.
 *
 * The policies differ only in the order they take jobs in and in which of
 * a job's options that still fit they choose; that is all each one says.
 */
#include "solver/solver.h"

#include <math.h>

void assignment_init(struct assignment *a, size_t njobs)
{
	memset(a, 0, sizeof(*a));
	a->njobs = njobs;
	a->opt = xmalloc(st_mult(njobs ? njobs : 1, sizeof(*a->opt)));
	a->reason = xcalloc(njobs ? njobs : 1, sizeof(*a->reason));
	for (size_t j = 0; j < njobs; j++)
		a->opt[j] = -1;
	a->status = "infeasible";
}

void assignment_release(struct assignment *a)
{
	for (size_t j = 0; j < a->njobs; j++)
		free(a->reason[j]);
	free(a->reason);
	free(a->opt);
	solver_msgs_release(&a->notes);
	memset(a, 0, sizeof(*a));
}

double solver_relative_gap(double objective, double bound)
{
	if (fabs(objective) <= 1e-12)
		return 0;
	return (objective - bound) / fabs(objective);
}

double solver_assignment_objective(const struct instance *in,
				   const struct solver_opts *o,
				   const struct assignment *a)
{
	double sum = 0;

	for (size_t j = 0; j < a->njobs; j++)
		if (a->opt[j] >= 0)
			sum += solver_objective_of(o, &in->opts[a->opt[j]]);
	return sum;
}

/* ------------------------------------------------------------------ */
/* The placer                                                          */
/* ------------------------------------------------------------------ */

void placer_init(struct placer *pl, const struct instance *in,
		 struct assignment *a)
{
	size_t n = st_mult(st_mult(in->cat->nsites, in->cat->nresources),
			   in->grid.nslots);

	pl->in = in;
	pl->a = a;
	pl->used = xcalloc(n ? n : 1, sizeof(*pl->used));
	pl->decided = xcalloc(in->js->njobs ? in->js->njobs : 1,
			      sizeof(*pl->decided));
}

void placer_release(struct placer *pl)
{
	free(pl->used);
	free(pl->decided);
}

static const double *opt_req(const struct instance *in,
			     const struct solver_option *o)
{
	return in->js->jobs[o->job].profiles[o->profile].resources;
}

bool placer_fits(const struct placer *pl, const struct solver_option *o)
{
	const struct instance *in = pl->in;
	const double *req = opt_req(in, o);
	size_t ns = in->grid.nslots, nr = in->cat->nresources;

	for (size_t r = 0; r < nr; r++) {
		size_t base = (o->site * nr + r) * ns, t;
		struct solver_slots it;
		if (req[r] <= 0)
			continue;
		for (solver_slots_begin(&it, in, o); solver_slots_next(&it, &t);)
			if (pl->used[base + t] + req[r] >
			    in->avail[base + t] + 1e-9)
				return false;
	}
	return true;
}

void placer_use(struct placer *pl, const struct solver_option *o,
		double sign)
{
	const struct instance *in = pl->in;
	const double *req = opt_req(in, o);
	size_t ns = in->grid.nslots, nr = in->cat->nresources;

	for (size_t r = 0; r < nr; r++) {
		struct solver_slots it;
		size_t t;
		for (solver_slots_begin(&it, in, o); solver_slots_next(&it, &t);)
			pl->used[(o->site * nr + r) * ns + t] += sign * req[r];
	}
}

void placer_commit(struct placer *pl, size_t oi)
{
	placer_use(pl, &pl->in->opts[oi], 1);
	pl->a->opt[pl->in->opts[oi].job] = (long)oi;
}

size_t placer_min_start(const struct placer *pl, size_t j, size_t *blocker)
{
	const struct job *job = &pl->in->js->jobs[j];
	size_t s = 0;

	for (size_t i = 0; i < job->nafter; i++) {
		size_t k = job->after[i];
		const struct solver_option *o;
		if (pl->a->opt[k] < 0) {
			*blocker = k;
			return SIZE_MAX;
		}
		o = &pl->in->opts[pl->a->opt[k]];
		if (o->end > s)
			s = o->end;
	}
	return s;
}

size_t placer_max_end(const struct placer *pl, size_t j)
{
	const struct instance *in = pl->in;
	size_t end = in->grid.nslots;

	for (size_t i = in->succ_first[j]; i < in->succ_first[j + 1]; i++) {
		long o = pl->a->opt[in->succ[i]];
		if (o >= 0 && in->opts[o].start < end)
			end = in->opts[o].start;
	}
	return end;
}

static bool ready(const struct placer *pl, size_t j)
{
	const struct job *job = &pl->in->js->jobs[j];

	if (pl->decided[j])
		return false;
	for (size_t i = 0; i < job->nafter; i++)
		if (!pl->decided[job->after[i]])
			return false;
	return true;
}

/* Why a job with options ended up unplaced by a policy. */
static char *dynamic_reason(const struct instance *in,
			    const struct assignment *a, size_t j)
{
	const struct job *job = &in->js->jobs[j];

	for (size_t i = 0; i < job->nafter; i++) {
		struct strbuf sb;
		if (a->opt[job->after[i]] >= 0)
			continue;
		strbuf_init(&sb);
		strbuf_addf(&sb, "after '%s', which is unplaced",
			    in->js->jobs[job->after[i]].id);
		return strbuf_detach(&sb);
	}
	if (job->nafter)
		return xstrdup("no room left: other jobs take the capacity of "
			       "its allowed sites between the end of its "
			       "predecessors and its latest finish");
	return xstrdup("no room left: other jobs take the capacity of its "
		       "allowed sites throughout its window");
}

void solver_explain_unplaced(const struct instance *in, struct assignment *a)
{
	for (size_t j = 0; j < a->njobs; j++) {
		free(a->reason[j]);
		a->reason[j] = NULL;
		if (a->opt[j] >= 0)
			continue;
		if (in->jobs[j].reason)
			a->reason[j] = xstrdup(in->jobs[j].reason);
		else
			a->reason[j] = dynamic_reason(in, a, j);
	}
}

/*
 * What a list heuristic reports: the objective of its plan and, as a
 * bound, each placed job at its best option with the others ignored.
 */
static void heuristic_result(const struct instance *in,
			     const struct solver_opts *o, struct assignment *a)
{
	double bound = 0;

	for (size_t j = 0; j < a->njobs; j++)
		if (a->opt[j] >= 0)
			bound += solver_job_floor(in, o, j);
	solver_explain_unplaced(in, a);
	a->status = "feasible";
	a->objective_value = solver_assignment_objective(in, o, a);
	a->bound = bound;
	a->gap = solver_relative_gap(a->objective_value, bound);
}

/* ------------------------------------------------------------------ */
/* The list scheduler                                                  */
/* ------------------------------------------------------------------ */

/* A policy: its job order and its choice among fitting options. */
struct list_policy {
	/* jobs go by increasing key, ties by id (or by input order) */
	double (*key)(const struct instance *in, size_t j);
	bool ties_by_id;
	/* the option to take (index), or -1; may keep state in ctx */
	long (*choose)(const struct placer *pl, size_t j, size_t earliest,
		       void *ctx);
	void *ctx;
};

struct ranked {
	double key;
	const char *id; /* NULL: ties by index */
	size_t j;
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	int c;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->id && (c = strcmp(a->id, b->id)))
		return c;
	return (a->j > b->j) - (a->j < b->j);
}

/* The jobs in the policy's order (predecessors not yet considered). */
static struct ranked *rank_jobs(const struct instance *in,
				const struct list_policy *lp)
{
	size_t n = in->js->njobs;
	struct ranked *r = xmalloc(st_mult(n ? n : 1, sizeof(*r)));

	for (size_t j = 0; j < n; j++) {
		r[j].key = lp->key(in, j);
		r[j].id = lp->ties_by_id ? in->js->jobs[j].id : NULL;
		r[j].j = j;
	}
	qsort(r, n, sizeof(*r), cmp_ranked);
	return r;
}

/* The first job in rank order that is ready; keeps *from moving on. */
static size_t next_job(const struct placer *pl, const struct ranked *r,
		       size_t *from)
{
	size_t n = pl->in->js->njobs;

	while (*from < n && pl->decided[r[*from].j])
		(*from)++;
	for (size_t i = *from; i < n; i++)
		if (ready(pl, r[i].j))
			return r[i].j;
	return SIZE_MAX;
}

static void list_schedule(const struct instance *in,
			  const struct solver_opts *o,
			  const struct list_policy *lp, struct assignment *a)
{
	struct ranked *order = rank_jobs(in, lp);
	struct placer pl;
	size_t j, from = 0;

	placer_init(&pl, in, a);
	while ((j = next_job(&pl, order, &from)) != SIZE_MAX) {
		size_t blocker, earliest = placer_min_start(&pl, j, &blocker);
		pl.decided[j] = true;
		if (earliest != SIZE_MAX && in->jobs[j].nopts) {
			long oi = lp->choose(&pl, j, earliest, lp->ctx);
			if (oi >= 0)
				placer_commit(&pl, (size_t)oi);
		}
	}
	placer_release(&pl);
	free(order);
	heuristic_result(in, o, a);
}

/* Options of job j that start late enough and fit; calls fn on each. */
#define FOR_FITTING(pl, j, earliest, k)                                      \
	for (size_t k = (pl)->in->jobs[j].first_opt;                         \
	     k < (pl)->in->jobs[j].first_opt + (pl)->in->jobs[j].nopts; k++) \
		if ((pl)->in->opts[k].start >= (earliest) &&                 \
		    placer_fits((pl), &(pl)->in->opts[k]))

/* ---- greedy: least slack first, each to its cheapest option -------- */

/* Window length less the shortest runtime, in slots. */
static double slack(const struct instance *in, size_t j)
{
	const struct instance_job *ij = &in->jobs[j];
	size_t rt = SIZE_MAX, len = ij->win_end - ij->win_first;

	for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts; k++)
		if (in->opts[k].runtime < rt)
			rt = in->opts[k].runtime;
	return rt == SIZE_MAX || rt > len ? 0 : (double)(len - rt);
}

/* What greedy minimizes: the objective, plus a price per option. */
struct pricing {
	const struct solver_opts *o;
	const double *price; /* [nopts], or NULL */
};

static long choose_cheapest(const struct placer *pl, size_t j,
			    size_t earliest, void *ctx)
{
	const struct pricing *pr = ctx;
	double best = (double)INFINITY;
	long pick = -1;

	/* ties (to rounding) go to the earlier start, then option order */
	FOR_FITTING(pl, j, earliest, k) {
		double c = solver_objective_of(pr->o, &pl->in->opts[k]) +
			   (pr->price ? pr->price[k] : 0);
		if (pick < 0 || c < best - 1e-12 ||
		    (c <= best + 1e-12 &&
		     pl->in->opts[k].start < pl->in->opts[pick].start)) {
			best = c;
			pick = (long)k;
		}
	}
	return pick;
}

void solve_greedy_priced(const struct instance *in,
			 const struct solver_opts *o, const double *price,
			 struct assignment *a)
{
	struct pricing pr = {o, price};
	struct list_policy lp = {slack, true, choose_cheapest, &pr};

	list_schedule(in, o, &lp, a);
}

int solve_greedy(const struct instance *in, const struct solver_opts *o,
		 struct assignment *a)
{
	solve_greedy_priced(in, o, NULL, a);
	return 0;
}

/* ---- fifo: by earliest_start, each at its earliest start ----------- */

static double arrival(const struct instance *in, size_t j)
{
	return (double)in->js->jobs[j].earliest_start;
}

/* Earliest start; ties go to the first profile, then the first site. */
static long choose_earliest(const struct placer *pl, size_t j,
			    size_t earliest, void *ctx)
{
	long pick = -1;

	(void)ctx;
	FOR_FITTING(pl, j, earliest, k)
		if (pick < 0 || pl->in->opts[k].start <
					pl->in->opts[pick].start)
			pick = (long)k;
	return pick;
}

int solve_fifo(const struct instance *in, const struct solver_opts *o,
	       struct assignment *a)
{
	struct list_policy lp = {arrival, false, choose_earliest, NULL};

	list_schedule(in, o, &lp, a);
	return 0;
}

/* ---- round-robin: fifo order, sites in turn ------------------------ */

/* From the site after the last one used, the first where j fits. */
static long choose_next_site(const struct placer *pl, size_t j,
			     size_t earliest, void *ctx)
{
	size_t *turn = ctx, nsites = pl->in->cat->nsites;

	for (size_t i = 0; i < nsites; i++) {
		size_t s = (*turn + i) % nsites;
		long pick = -1;
		FOR_FITTING(pl, j, earliest, k)
			if (pl->in->opts[k].site == s &&
			    (pick < 0 || pl->in->opts[k].start <
						 pl->in->opts[pick].start))
				pick = (long)k;
		if (pick >= 0) {
			*turn = s + 1;
			return pick;
		}
	}
	return -1;
}

int solve_round_robin(const struct instance *in, const struct solver_opts *o,
		      struct assignment *a)
{
	size_t turn = 0;
	struct list_policy lp = {arrival, false, choose_next_site, &turn};

	list_schedule(in, o, &lp, a);
	return 0;
}

/* ---- random: fifo order, a fitting option drawn uniformly ---------- */

uint64_t solver_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static long choose_random(const struct placer *pl, size_t j, size_t earliest,
			  void *ctx)
{
	uint64_t *state = ctx;
	long pick = -1;
	uint64_t seen = 0;

	/* reservoir sampling: the k-th fitting option replaces with 1/k */
	FOR_FITTING(pl, j, earliest, k)
		if (solver_random(state) % ++seen == 0)
			pick = (long)k;
	return pick;
}

int solve_random(const struct instance *in, const struct solver_opts *o,
		 struct assignment *a)
{
	uint64_t state = o->seed;
	struct list_policy lp = {arrival, false, choose_random, &state};

	list_schedule(in, o, &lp, a);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Checking an assignment                                              */
/* ------------------------------------------------------------------ */

static int check_capacity(const struct instance *in,
			  const struct assignment *a, struct errmsg *err)
{
	struct placer pl;
	int ret = 0;

	placer_init(&pl, in, NULL);
	for (size_t j = 0; j < a->njobs && !ret; j++) {
		const struct solver_option *o;
		if (a->opt[j] < 0)
			continue;
		o = &in->opts[a->opt[j]];
		if (!placer_fits(&pl, o))
			ret = err_set(err, "job '%s' exceeds the capacity of "
				      "site '%s'", in->js->jobs[j].id,
				      in->cat->sites[o->site].id);
		else
			placer_use(&pl, o, 1);
	}
	placer_release(&pl);
	return ret;
}

static int check_order(const struct instance *in, const struct assignment *a,
		       size_t k, struct errmsg *err)
{
	const struct job *job = &in->js->jobs[k];
	const struct solver_option *ok = &in->opts[a->opt[k]];

	for (size_t i = 0; i < job->nafter; i++) {
		size_t j = job->after[i];
		const struct solver_option *oj;
		if (a->opt[j] < 0)
			return err_set(err, "job '%s' is placed but '%s', "
				       "which it runs after, is not",
				       job->id, in->js->jobs[j].id);
		oj = &in->opts[a->opt[j]];
		if (ok->start < oj->end)
			return err_set(err, "job '%s' starts before '%s' ends",
				       job->id, in->js->jobs[j].id);
	}
	return 0;
}

int solver_check(const struct instance *in, const struct assignment *a,
		 struct errmsg *err)
{
	for (size_t j = 0; j < a->njobs; j++) {
		if (a->opt[j] < 0) {
			if (!a->reason[j])
				return err_set(err, "job '%s' is unplaced "
					       "without a reason",
					       in->js->jobs[j].id);
			continue;
		}
		if ((size_t)a->opt[j] >= in->nopts ||
		    in->opts[a->opt[j]].job != j)
			return err_set(err, "job '%s' has another job's "
				       "placement", in->js->jobs[j].id);
		if (check_order(in, a, j, err) < 0)
			return -1;
	}
	return check_capacity(in, a, err);
}
