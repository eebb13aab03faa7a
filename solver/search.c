/*
 * search.c - the heuristic core of the milp policy: place every job that
 * can be placed, then as cheaply as the search can find, with a proven
 * lower bound beside it.
 *
 * Greedy in least-slack order leaves jobs out once green slots fill up,
 * and moving one job at a time cannot get out of that.  So:
 *
 *   - a Lagrangian relaxation of the capacity rows prices every
 *     (site, resource, slot) cell, the prices found by the volume
 *     algorithm; its dual value (dual.c) is a true lower bound (capacity
 *     and dependencies relaxed) that comes within about 1% of the linear
 *     relaxation's, and the prices steer the constructions towards plans
 *     that fit;
 *   - at a fixed schedule of iterations a greedy plan is built on priced
 *     costs and repaired: an unplaced job goes to an option after the
 *     few jobs in its way are ejected and re-placed elsewhere, or after
 *     its predecessors move to end earlier;
 *   - the best plan (most jobs placed, then lowest objective) is
 *     improved on the true objective: moves to cheaper options,
 *     eject-moves that push up to MAX_EJECT jobs aside, and ruin and
 *     recreate (the jobs of a random window out and back, in random
 *     order or biggest first, slightly worse plans accepted early on, in
 *     a few chains each restarted from the best plan so far).
 *
 * Everything runs for fixed iteration counts in a fixed order, so the
 * result depends only on the input; the clock is read only to stop early
 * when --time-limit runs out (which can then change the result).
 */
#include "solver/solver.h"

#include <math.h>

#define LAG_ROUNDS 3000   /* volume iterations, at most */
#define LAG_WORK 3e9      /* bounds the iterations x options */
#define POLISH_OPTS 1e6   /* priced plans get an improving pass below */
#define LAG_WINDOW 200    /* iterations between checks of progress */
#define LAG_SETTLED 1e-4  /* relative gain per window that ends them */
#define MAX_EJECT 3       /* jobs pushed aside to place one */
#define MAX_TRIES 40      /* options tried per eject-insert/-move */
#define IMPROVE_PASSES 6  /* local search passes over all jobs */
#define LNS_REMOVE 40     /* jobs taken out per ruin-and-recreate round */
#define LNS_WORK 4e10     /* bounds rounds x (estimated) work per round */
#define LNS_ROUNDS 120000 /* at most, plus LNS_PER_JOB per job */
#define LNS_PER_JOB 15    /* big plans need rounds to reach every job */
#define LNS_CHAINS 8      /* restarts from the best plan */
#define LNS_THRESHOLD 0.5 /* worsening accepted at first, in jobs' mean cost */

/* The first slot and the slot after the last of a placed job: what
 * find_blockers() reads, kept small and apart from the options. */
struct span {
	uint32_t start, end;
};

/* A move of a job, as a round of ruin and recreate logs it. */
struct undo {
	size_t job;
	long old; /* its option before, -1: unplaced */
};

/* The jobs placed at a site, in no order. */
struct site_list {
	size_t *v;
	size_t n, alloc;
};

struct search {
	struct site_list *at; /* [nsites] */
	size_t *pos;        /* [njobs]: index of a placed job in its list */
	const struct instance *in;
	const struct solver_opts *o;
	struct placer pl;   /* the plan being worked on, pl.a */
	double *cost;       /* [nopts]: objective coefficient */
	size_t *sorted;     /* [nopts]: each job's options by cost */
	double *sorted_cost; /* [nopts]: their costs, read in that order */
	struct span *span;  /* [njobs]: slots of each placed job */
	size_t *cand;       /* [2 njobs]: scratch for blockers, overlaps */
	double *size;       /* [njobs]: share of the largest site's room a
			     * job takes, times its slots: big ones first */
	double *lambda;     /* [cells]: the best capacity prices found */
	double obj;         /* objective of pl.a, kept as jobs move */
	size_t unplaced;    /* jobs with options pl.a leaves out */
	struct solver_pool *pool; /* elite plans go here, unless NULL */
	struct undo *undo;  /* while `logging`: each move, to roll back */
	size_t nundo, alloc_undo;
	bool logging;
	double bound0;      /* their bound on plans placing every job */
	double t0;
};

/* ------------------------------------------------------------------ */
/* Plans: comparing, copying                                           */
/* ------------------------------------------------------------------ */

static size_t count_unplaced(const struct instance *in,
			     const struct assignment *a)
{
	size_t u = 0;

	for (size_t j = 0; j < a->njobs; j++)
		u += a->opt[j] < 0 && in->jobs[j].nopts;
	return u;
}

/* Most jobs placed first, then the lowest objective. */
static bool better_plan(const struct search *se, const struct assignment *x,
			const struct assignment *y)
{
	size_t ux = count_unplaced(se->in, x), uy = count_unplaced(se->in, y);

	if (ux != uy)
		return ux < uy;
	return solver_assignment_objective(se->in, se->o, x) <
	       solver_assignment_objective(se->in, se->o, y) - 1e-9;
}

static void copy_plan(struct assignment *dst, const struct assignment *src)
{
	memcpy(dst->opt, src->opt, st_mult(src->njobs, sizeof(*dst->opt)));
}

/* With --verbose, one line per phase: where the time and the gains go. */
static void trace(const struct search *se, const char *phase,
		  const struct assignment *a, double bound)
{
	if (!se->o->verbose)
		return;
	fprintf(stderr,
		"search: %-9s %8.2f s  objective %.4f  bound %.4f  "
		"unplaced %zu\n",
		phase, time_mono() - se->t0,
		solver_assignment_objective(se->in, se->o, a), bound,
		count_unplaced(se->in, a));
}

static bool out_of_time(const struct search *se)
{
	return time_mono() - se->t0 > se->o->time_limit_s;
}

/* Whether the plan in pl.a is within --gap of the proven bound. */
static bool close_enough(const struct search *se)
{
	return se->o->gap > 0 && se->unplaced == 0 && isfinite(se->bound0) &&
	       se->obj - se->bound0 <= se->o->gap * fabs(se->obj);
}

/* ------------------------------------------------------------------ */
/* Options by cost                                                     */
/* ------------------------------------------------------------------ */

struct keyed {
	double cost;
	size_t k;
};

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;

	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	return (a->k > b->k) - (a->k < b->k);
}

/* Sorts each job's options by cost, ties by option order. */
static void sort_options(struct search *se)
{
	const struct instance *in = se->in;
	struct keyed *tmp = NULL;
	size_t alloc = 0;

	for (size_t k = 0; k < in->nopts; k++)
		se->cost[k] = solver_objective_of(se->o, &in->opts[k]);
	for (size_t j = 0; j < in->js->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		ALLOC_GROW(tmp, ij->nopts + 1, alloc);
		for (size_t i = 0; i < ij->nopts; i++) {
			tmp[i].k = ij->first_opt + i;
			tmp[i].cost = se->cost[tmp[i].k];
		}
		qsort(tmp, ij->nopts, sizeof(*tmp), cmp_keyed);
		for (size_t i = 0; i < ij->nopts; i++) {
			se->sorted[ij->first_opt + i] = tmp[i].k;
			se->sorted_cost[ij->first_opt + i] = tmp[i].cost;
		}
	}
	free(tmp);
}

/* ------------------------------------------------------------------ */
/* Moves                                                               */
/* ------------------------------------------------------------------ */

static bool in_bounds(const struct solver_option *o, size_t lo, size_t hi)
{
	return o->start >= lo && o->end <= hi;
}

/* The cheapest option of unplaced job j that fits now and costs less
 * than limit, or -1. */
static long best_fit_below(const struct search *se, size_t j, double limit)
{
	const struct instance *in = se->in;
	const struct instance_job *ij = &in->jobs[j];
	size_t blocker, lo = placer_min_start(&se->pl, j, &blocker);
	size_t hi = placer_max_end(&se->pl, j);

	if (lo == SIZE_MAX)
		return -1;
	for (size_t i = ij->first_opt; i < ij->first_opt + ij->nopts; i++) {
		size_t k = se->sorted[i];
		if (se->sorted_cost[i] >= limit)
			break;
		if (in_bounds(&in->opts[k], lo, hi) &&
		    placer_fits(&se->pl, &in->opts[k]))
			return (long)k;
	}
	return -1;
}

/* The cheapest option of unplaced job j that fits now, or -1. */
static long best_fit(const struct search *se, size_t j)
{
	return best_fit_below(se, j, (double)INFINITY);
}

/* Job j's cheapest option, fitting or not. */
static double cheapest(const struct search *se, size_t j)
{
	const struct instance_job *ij = &se->in->jobs[j];

	return ij->nopts ? se->sorted_cost[ij->first_opt] : 0;
}

/* Adds job j to the list of its site, which find_blockers() scans. */
static void list_add(struct search *se, size_t j, size_t site)
{
	struct site_list *l = &se->at[site];

	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	se->pos[j] = l->n;
	l->v[l->n++] = j;
}

static void list_remove(struct search *se, size_t j, size_t site)
{
	struct site_list *l = &se->at[site];
	size_t p = se->pos[j];

	l->v[p] = l->v[--l->n];
	se->pos[l->v[p]] = p;
}

static void log_move(struct search *se, size_t j)
{
	if (!se->logging)
		return;
	ALLOC_GROW(se->undo, se->nundo + 1, se->alloc_undo);
	se->undo[se->nundo].job = j;
	se->undo[se->nundo++].old = se->pl.a->opt[j];
}

static void place(struct search *se, size_t k)
{
	size_t j = se->in->opts[k].job;

	log_move(se, j);
	placer_commit(&se->pl, k);
	list_add(se, j, se->in->opts[k].site);
	se->span[j].start = se->in->opts[k].start;
	se->span[j].end = se->in->opts[k].end;
	se->obj += se->cost[k];
	se->unplaced--;
}

static void unplace(struct search *se, size_t j)
{
	const struct solver_option *o = &se->in->opts[se->pl.a->opt[j]];

	log_move(se, j);
	placer_use(&se->pl, o, -1);
	list_remove(se, j, o->site);
	se->obj -= se->cost[se->pl.a->opt[j]];
	se->unplaced++;
	se->pl.a->opt[j] = -1;
}

/* Undoes the logged moves, last first, and stops logging. */
static void roll_back(struct search *se)
{
	se->logging = false;
	while (se->nundo > 0) {
		const struct undo *u = &se->undo[--se->nundo];
		if (se->pl.a->opt[u->job] >= 0)
			unplace(se, u->job);
		if (u->old >= 0)
			place(se, (size_t)u->old);
	}
}

static bool shares_resource(const struct instance *in,
			    const struct solver_option *x,
			    const struct solver_option *y)
{
	const double *rx = in->js->jobs[x->job].profiles[x->profile].resources;
	const double *ry = in->js->jobs[y->job].profiles[y->profile].resources;

	for (size_t r = 0; r < in->cat->nresources; r++)
		if (rx[r] > 0 && ry[r] > 0)
			return true;
	return false;
}

/* Overlap in slots of option o and a job placed at its site. */
static size_t span_overlap(const struct solver_option *o,
			   const struct span *y)
{
	size_t a = o->start > y->start ? o->start : y->start;
	size_t b = o->end < y->end ? o->end : y->end;

	return b > a ? b - a : 0;
}

/*
 * The fewest jobs (at most MAX_EJECT, largest overlap first) whose
 * removal lets option o fit; their count, or -1.  Leaves the plan as it
 * was.  Jobs in `keep` (may be SIZE_MAX) are not pushed aside.
 */
static int find_blockers(struct search *se, const struct solver_option *o,
			 size_t keep, size_t *out)
{
	const struct instance *in = se->in;
	const struct assignment *a = se->pl.a;
	const struct site_list *l = &se->at[o->site];
	size_t nc = 0, *ov = se->cand + in->js->njobs;
	int n = 0;

	for (size_t i = 0; i < l->n; i++) {
		size_t k = l->v[i], w;
		if (k == keep || k == o->job)
			continue;
		w = span_overlap(o, &se->span[k]);
		if (w && shares_resource(in, o, &in->opts[a->opt[k]])) {
			/* largest overlap first; ties in list order */
			size_t p = nc++;
			for (; p > 0 && ov[p - 1] < w; p--) {
				se->cand[p] = se->cand[p - 1];
				ov[p] = ov[p - 1];
			}
			se->cand[p] = k;
			ov[p] = w;
		}
	}
	while (!placer_fits(&se->pl, o)) {
		if (n == MAX_EJECT || (size_t)n == nc) {
			n = -1 - n; /* marks failure, keeps the count */
			break;
		}
		out[n] = se->cand[n];
		placer_use(&se->pl, &in->opts[a->opt[out[n]]], -1);
		n++;
	}
	for (int i = 0; i < (n < 0 ? -1 - n : n); i++)
		placer_use(&se->pl, &in->opts[a->opt[out[i]]], 1);
	return n < 0 ? -1 : n;
}

/*
 * Puts job j (unplaced) at option k after pushing `b` aside and
 * re-placing each at its cheapest fit; old[] gets where they were.
 * Returns the change in objective against j at `was` (-1: unplaced), or
 * INFINITY with the others back and j still unplaced when one of them
 * finds no place, or (`improving`) none that could still make the move
 * lower the objective.
 */
static double eject_move(struct search *se, size_t j, size_t k, long was,
			 const size_t *b, int nb, long *old, bool improving)
{
	struct assignment *a = se->pl.a;
	double delta = se->cost[k] - (was >= 0 ? se->cost[was] : 0);
	double later = 0; /* the most the blockers not yet placed can save */
	int i;

	for (i = 0; i < nb; i++) {
		old[i] = a->opt[b[i]];
		later += se->cost[old[i]] - cheapest(se, b[i]);
		unplace(se, b[i]);
	}
	place(se, k);
	for (i = 0; i < nb; i++) {
		double limit = (double)INFINITY;
		long nk;
		later -= se->cost[old[i]] - cheapest(se, b[i]);
		if (improving)
			limit = se->cost[old[i]] - delta + later;
		nk = best_fit_below(se, b[i], limit);
		if (nk < 0)
			break;
		place(se, (size_t)nk);
		delta += se->cost[nk] - se->cost[old[i]];
	}
	if (i == nb)
		return delta;
	while (i-- > 0)
		unplace(se, b[i]);
	unplace(se, j);
	for (i = 0; i < nb; i++)
		place(se, (size_t)old[i]);
	return (double)INFINITY;
}

/* Undoes a successful eject_move(): the others back, j unplaced. */
static void undo_move(struct search *se, size_t j, const size_t *b,
		      const long *old, int nb)
{
	for (int i = 0; i < nb; i++)
		unplace(se, b[i]);
	unplace(se, j);
	for (int i = 0; i < nb; i++)
		place(se, (size_t)old[i]);
}

/*
 * Tries job j (taken out of the plan, formerly at `was`) at its options
 * cheaper than `limit`, cheapest first, pushing blockers aside; keeps
 * the first that lowers the objective (any, when j was unplaced) and
 * returns true, else leaves j unplaced.
 */
static bool try_options(struct search *se, size_t j, long was, double limit)
{
	const struct instance *in = se->in;
	const struct instance_job *ij = &in->jobs[j];
	size_t blocker, lo = placer_min_start(&se->pl, j, &blocker);
	size_t hi = placer_max_end(&se->pl, j), b[MAX_EJECT];
	int tries = 0;

	if (lo == SIZE_MAX)
		return false;
	for (size_t i = ij->first_opt; i < ij->first_opt + ij->nopts; i++) {
		size_t k = se->sorted[i];
		long old[MAX_EJECT];
		double d;
		int nb;
		if (se->sorted_cost[i] >= limit - 1e-9)
			break;
		if (!in_bounds(&in->opts[k], lo, hi))
			continue;
		if (++tries > MAX_TRIES)
			break;
		nb = find_blockers(se, &in->opts[k], SIZE_MAX, b);
		if (nb < 0)
			continue;
		d = eject_move(se, j, k, was, b, nb, old, was >= 0);
		if (!isfinite(d))
			continue;
		if (was < 0 || d < -1e-9)
			return true;
		undo_move(se, j, b, old, nb);
	}
	return false;
}

/* The option of unplaced job j that fits and ends first, or -1. */
static long earliest_fit(const struct search *se, size_t j)
{
	const struct instance *in = se->in;
	const struct instance_job *ij = &in->jobs[j];
	size_t blocker, lo = placer_min_start(&se->pl, j, &blocker);
	size_t hi = placer_max_end(&se->pl, j), end = SIZE_MAX;
	long pick = -1;

	if (lo == SIZE_MAX)
		return -1;
	for (size_t i = ij->first_opt; i < ij->first_opt + ij->nopts; i++) {
		const struct solver_option *o = &in->opts[se->sorted[i]];
		if (o->end < end && in_bounds(o, lo, hi) &&
		    placer_fits(&se->pl, o)) {
			end = o->end;
			pick = (long)se->sorted[i];
		}
	}
	return pick;
}

/*
 * For unplaced job j that its predecessors' ends keep out: moves them
 * to end as early as they can, then tries j again (pushing others
 * aside); puts them back if j still finds no place.
 */
static bool pull_predecessors(struct search *se, size_t j)
{
	const struct job *job = &se->in->js->jobs[j];
	struct assignment *a = se->pl.a;
	long *old;
	bool ok;

	if (!job->nafter)
		return false;
	old = xmalloc(st_mult(job->nafter, sizeof(*old)));
	for (size_t i = 0; i < job->nafter; i++) {
		size_t p = job->after[i];
		long k;
		old[i] = a->opt[p];
		if (old[i] < 0)
			continue;
		unplace(se, p);
		k = earliest_fit(se, p);
		place(se, (size_t)(k >= 0 ? k : old[i]));
	}
	ok = try_options(se, j, -1, (double)INFINITY);
	/* all out before any back: one may have moved into another's */
	for (size_t i = 0; !ok && i < job->nafter; i++)
		if (old[i] >= 0)
			unplace(se, job->after[i]);
	for (size_t i = 0; !ok && i < job->nafter; i++)
		if (old[i] >= 0)
			place(se, (size_t)old[i]);
	free(old);
	return ok;
}

/* Places unplaced jobs, pushing others aside; true if any was placed. */
static bool repair(struct search *se)
{
	const struct instance *in = se->in;
	struct assignment *a = se->pl.a;
	bool any = false;

	for (size_t i = 0; i < a->njobs && !out_of_time(se); i++) {
		size_t j = in->topo[i];
		long k;
		if (a->opt[j] >= 0 || !in->jobs[j].nopts)
			continue;
		if ((k = best_fit(se, j)) >= 0)
			place(se, (size_t)k);
		else if (!try_options(se, j, -1, (double)INFINITY) &&
			 !pull_predecessors(se, j))
			continue;
		any = true;
	}
	return any;
}

/* One pass of moves and eject-moves; true if the plan improved. */
static bool improve_pass(struct search *se)
{
	const struct instance *in = se->in;
	struct assignment *a = se->pl.a;
	bool any = false;

	for (size_t i = 0; i < a->njobs && !out_of_time(se); i++) {
		size_t j = in->topo[i];
		long was = a->opt[j], k;
		if (was < 0)
			continue;
		unplace(se, j);
		k = best_fit(se, j);
		if (k >= 0 && se->cost[k] < se->cost[was] - 1e-9) {
			place(se, (size_t)k);
			any = true;
			continue;
		}
		if (try_options(se, j, was, se->cost[was]))
			any = true;
		else
			place(se, (size_t)was);
	}
	return any;
}

/* Lays the plan in pl.a out afresh: capacity, site lists, sums. */
static void load_plan(struct search *se)
{
	size_t n = st_mult(st_mult(se->in->cat->nsites,
				   se->in->cat->nresources),
			   se->in->grid.nslots);

	memset(se->pl.used, 0, st_mult(n, sizeof(*se->pl.used)));
	for (size_t s = 0; s < se->in->cat->nsites; s++)
		se->at[s].n = 0;
	se->obj = 0;
	se->unplaced = 0;
	for (size_t j = 0; j < se->pl.a->njobs; j++) {
		const struct solver_option *o;
		if (se->pl.a->opt[j] < 0) {
			se->unplaced += se->in->jobs[j].nopts > 0;
			continue;
		}
		o = &se->in->opts[se->pl.a->opt[j]];
		placer_use(&se->pl, o, 1);
		list_add(se, j, o->site);
		se->span[j].start = o->start;
		se->span[j].end = o->end;
		se->obj += se->cost[se->pl.a->opt[j]];
	}
}

/* ------------------------------------------------------------------ */
/* Ruin and recreate                                                   */
/* ------------------------------------------------------------------ */

struct lns {
	uint64_t rng;
	long *saved;    /* [njobs]: the plan before the round */
	size_t *out;    /* [njobs]: the jobs taken out */
};

static void pool_add(struct solver_pool *p, const long *plan, size_t n)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		if (!memcmp(p->plans + i * n, plan, st_mult(n, sizeof(long))))
			return;
	p->njobs = n;
	ALLOC_GROW(p->plans, st_mult(p->n + 1, n), p->alloc);
	memcpy(p->plans + p->n++ * n, plan, st_mult(n, sizeof(long)));
}

void solver_pool_release(struct solver_pool *p)
{
	free(p->plans);
	memset(p, 0, sizeof(*p));
}

/* Takes out the jobs running in a random window, at one site or all. */
static size_t ruin(struct search *se, struct lns *ln)
{
	const struct instance *in = se->in;
	struct assignment *a = se->pl.a;
	size_t ns = in->grid.nslots, nsites = in->cat->nsites;
	size_t w = 4 + solver_random(&ln->rng) % 20;
	size_t t = solver_random(&ln->rng) % ns;
	size_t site = solver_random(&ln->rng) % (2 * nsites), m = 0;

	for (size_t j = 0; j < a->njobs; j++) {
		const struct solver_option *o;
		if (a->opt[j] < 0)
			continue;
		o = &in->opts[a->opt[j]];
		if ((site >= nsites || o->site == site) && o->start < t + w &&
		    o->end > t)
			ln->out[m++] = j;
	}
	/* a random LNS_REMOVE of them, in random order */
	for (size_t i = 0; i < m; i++) {
		size_t r = i + solver_random(&ln->rng) % (m - i), v = ln->out[r];
		ln->out[r] = ln->out[i];
		ln->out[i] = v;
	}
	w = 5 + solver_random(&ln->rng) % (LNS_REMOVE - 4);
	if (m > w)
		m = w;
	/* every other round the big ones go back first: they fit worst */
	if (solver_random(&ln->rng) & 1)
		for (size_t i = 1; i < m; i++) {
			size_t v = ln->out[i], p = i;
			for (; p > 0 && se->size[ln->out[p - 1]] < se->size[v];
			     p--)
				ln->out[p] = ln->out[p - 1];
			ln->out[p] = v;
		}
	for (size_t i = 0; i < m; i++)
		unplace(se, ln->out[i]);
	return m;
}

/* Puts the plan back as it was before the round. */
static void restore(struct search *se, const long *saved)
{
	struct assignment *a = se->pl.a;

	for (size_t j = 0; j < a->njobs; j++)
		if (a->opt[j] != saved[j] && a->opt[j] >= 0)
			unplace(se, j);
	for (size_t j = 0; j < a->njobs; j++)
		if (a->opt[j] != saved[j])
			place(se, (size_t)saved[j]);
}

/*
 * One round: take jobs out, put them back one by one at their cheapest
 * fit (pushing others aside for those that find none), keep the result
 * unless it places fewer jobs or costs more.  A job taken out that finds
 * no place again may strand a successor: such rounds are never kept.
 */
static void lns_round(struct search *se, struct lns *ln, double slack)
{
	const struct instance *in = se->in;
	struct assignment *a = se->pl.a;
	size_t u0 = se->unplaced, m;
	double c0 = se->obj;
	bool all = true;

	se->nundo = 0;
	se->logging = true;
	/* jobs left out so far get the first pick of the room made */
	if (u0)
		memcpy(ln->saved, a->opt, st_mult(a->njobs, sizeof(long)));
	m = ruin(se, ln);
	for (size_t j = 0; u0 && j < a->njobs; j++) {
		long k;
		if (ln->saved[j] >= 0 || !in->jobs[j].nopts ||
		    (k = best_fit(se, j)) < 0)
			continue;
		place(se, (size_t)k);
	}
	for (size_t i = 0; i < m; i++) {
		long k = best_fit(se, ln->out[i]);
		if (k >= 0)
			place(se, (size_t)k);
	}
	for (size_t i = 0; i < m; i++)
		if (a->opt[ln->out[i]] < 0 &&
		    !try_options(se, ln->out[i], -1, (double)INFINITY))
			all = false;
	if (all && u0)
		repair(se);
	if (all && (se->unplaced < u0 ||
		    (se->unplaced == u0 && se->obj <= c0 + slack))) {
		se->logging = false;
		return;
	}
	roll_back(se);
}

/*
 * Runs `rounds` rounds of ruin and recreate in LNS_CHAINS chains, each
 * from the best plan so far with the threshold raised again: restarts
 * leave a local optimum that one long cooling would stay in.
 */
static void lns(struct search *se)
{
	size_t n = se->pl.a->njobs;
	struct lns ln;
	long *best;
	size_t bu;
	double bc, per_job = (double)se->in->nopts / (double)(n ? n : 1);
	double rounds = LNS_WORK / (LNS_REMOVE * 8 * per_job + 1);

	ln.rng = se->o->seed;
	ln.saved = xmalloc(st_mult(n + 1, sizeof(long)));
	ln.out = xmalloc(st_mult(n + 1, sizeof(size_t)));
	if (rounds > LNS_ROUNDS + LNS_PER_JOB * (double)n)
		rounds = LNS_ROUNDS + LNS_PER_JOB * (double)n;
	if (rounds > 1000.0 * (double)(n + 1)) /* small plans settle fast */
		rounds = 1000.0 * (double)(n + 1);
	rounds = ceil(rounds / LNS_CHAINS);
	best = xmalloc(st_mult(n + 1, sizeof(long)));
	memcpy(best, se->pl.a->opt, st_mult(n, sizeof(long)));
	bu = se->unplaced;
	bc = se->obj;
	for (int c = 0; c < LNS_CHAINS && !out_of_time(se) &&
			!close_enough(se);
	     c++) {
		if (c) {
			restore(se, best);
			load_plan(se);
		}
		for (double r = 0;
		     r < rounds && !out_of_time(se) && !close_enough(se); r++) {
			/* threshold accepting: slightly worse plans early on,
			 * to get out of local optima; the best seen is kept */
			lns_round(se, &ln, 1e-9 + LNS_THRESHOLD * bc /
							   (double)n *
							   (1 - r / rounds));
			if (se->unplaced < bu ||
			    (se->unplaced == bu && se->obj < bc - 1e-9)) {
				memcpy(best, se->pl.a->opt,
				       st_mult(n, sizeof(long)));
				bu = se->unplaced;
				bc = se->obj;
			}
		}
		pool_add(se->pool, se->pl.a->opt, n);
	}
	restore(se, best);
	load_plan(se); /* the running sums, afresh */
	free(best);
	free(ln.saved);
	free(ln.out);
}


/* Repairs then improves the plan in se->pl.a. */
static void polish(struct search *se, int passes)
{
	load_plan(se);
	for (int r = 0; r < 3 && se->unplaced; r++)
		if (!repair(se) || out_of_time(se))
			break;
	for (int r = 0; r < passes && !out_of_time(se); r++)
		if (!improve_pass(se))
			break;
}

/* ------------------------------------------------------------------ */
/* Capacity prices: the volume algorithm                                */
/* ------------------------------------------------------------------ */

/*
 * Plain subgradient steps zig-zag on this dual and stall well below the
 * linear relaxation's value (measured at 100 jobs: 47.7 against 52.9).
 * The volume algorithm (Barahona and Anbil, 2000) steps along an average
 * of the subgradients, which also estimates what the relaxation uses per
 * cell, and moves its centre only when the dual value improves.
 */
struct volume {
	struct solver_dual d; /* the trial point */
	double *centre;       /* [cells]: lambda of the best value */
	double *ubar;         /* [cells]: averaged use */
	double zc;            /* value at the centre */
	double f;             /* step factor */
	int reds;             /* steps in a row that did not improve */
};

#define VOL_ALPHA 0.1  /* largest weight of the newest use in the mean */
#define VOL_REDS 20    /* failed steps before the factor shrinks */

/* Moves d.lambda from the centre along the averaged subgradient;
 * returns its squared norm (0: nothing to move along). */
static double volume_step(const struct instance *in, struct volume *vo,
			  double target)
{
	size_t cells = solver_ncells(in);
	double norm = 0, t;

	for (size_t c = 0; c < cells; c++) {
		double g = vo->ubar[c] - in->avail[c];
		if (g > 0 || vo->centre[c] > 0)
			norm += g * g;
	}
	if (norm <= 0)
		return 0;
	t = vo->f * fmax(target - vo->zc, 1e-6 * fabs(target)) / norm;
	for (size_t c = 0; c < cells; c++)
		vo->d.lambda[c] = fmax(0, vo->centre[c] +
					       t * (vo->ubar[c] - in->avail[c]));
	return norm;
}

/* Takes the value v at the trial point into the mean and the centre. */
static void volume_update(const struct instance *in, struct volume *vo,
			  double v)
{
	size_t cells = solver_ncells(in);
	double ga = 0, aa = 0, gg = 0, alpha;

	/* the weight that makes the mean subgradient shortest */
	for (size_t c = 0; c < cells; c++) {
		double gbar = vo->ubar[c] - in->avail[c];
		double diff = vo->d.use[c] - vo->ubar[c];
		ga += gbar * diff;
		aa += diff * diff;
		gg += gbar * (vo->d.use[c] - in->avail[c]);
	}
	alpha = aa > 0 ? -ga / aa : VOL_ALPHA;
	alpha = fmin(VOL_ALPHA, fmax(VOL_ALPHA / 10, alpha));
	for (size_t c = 0; c < cells; c++)
		vo->ubar[c] = alpha * vo->d.use[c] + (1 - alpha) * vo->ubar[c];
	if (v > vo->zc) {
		/* green when the new subgradient still points the same way */
		if (gg >= 0)
			vo->f = fmin(2, 1.1 * vo->f);
		vo->zc = v;
		memcpy(vo->centre, vo->d.lambda, st_mult(cells, sizeof(double)));
		vo->reds = 0;
	} else if (++vo->reds >= VOL_REDS) {
		vo->f *= 0.66;
		vo->reds = 0;
	}
}

/* Whether a priced greedy plan is built and repaired at iteration it. */
static bool build_at(int it, int rounds)
{
	int every = rounds / 8 > 1 ? rounds / 8 : 1;

	return it == 5 || it == 12 || it == 25 || it % every == every - 1;
}

/*
 * Builds, repairs and compares a plan on option prices `price` (NULL:
 * none).  An improving pass costs more than all the price steps on large
 * instances: those plans are compared as repaired.
 */
static void try_priced(struct search *se, const double *price,
		       struct assignment *best)
{
	struct assignment *a = se->pl.a;

	for (size_t j = 0; j < a->njobs; j++)
		a->opt[j] = -1;
	solve_greedy_priced(se->in, se->o, price, a);
	polish(se, (double)se->in->nopts <= POLISH_OPTS);
	if (better_plan(se, a, best))
		copy_plan(best, a);
}

/* The best plan's objective scaled up for the jobs it leaves out: what
 * the steps aim at. */
static double step_target(const struct search *se,
			  const struct assignment *best)
{
	size_t u = count_unplaced(se->in, best), placed = 0;

	for (size_t j = 0; j < best->njobs; j++)
		placed += best->opt[j] >= 0;
	return solver_assignment_objective(se->in, se->o, best) *
	       (double)(placed + u) / (double)(placed ? placed : 1);
}

/*
 * Searches prices for the best bound on plans that place every job,
 * building plans on the way; leaves the best prices in se->lambda and
 * their value in se->bound0.
 */
static void lagrange(struct search *se, struct assignment *best)
{
	const struct instance *in = se->in;
	size_t cells = solver_ncells(in);
	struct volume vo;
	int rounds = LAG_ROUNDS;
	double mark = -(double)INFINITY;

	if ((double)in->nopts * rounds > LAG_WORK)
		rounds = (int)(LAG_WORK / (double)in->nopts) + 1;
	solver_dual_init(&vo.d, in);
	vo.centre = se->lambda;
	vo.ubar = xcalloc(cells + 1, sizeof(double));
	vo.f = 0.1;
	vo.reds = 0;
	memcpy(vo.d.lambda, vo.centre, st_mult(cells, sizeof(double)));
	vo.zc = solver_dual_value(in, se->o, se->cost, &vo.d, 0, true);
	memcpy(vo.ubar, vo.d.use, st_mult(cells, sizeof(double)));
	for (int it = 0; it < rounds && !out_of_time(se); it++) {
		double v;
		if (build_at(it, rounds)) {
			try_priced(se, vo.d.price, best);
			trace(se, "priced", best, vo.zc);
		}
		if (volume_step(in, &vo, fmax(step_target(se, best),
					      vo.zc + 1e-9)) <= 0)
			break;
		v = solver_dual_value(in, se->o, se->cost, &vo.d, 0, true);
		volume_update(in, &vo, v);
		if (it % LAG_WINDOW == LAG_WINDOW - 1) {
			/* settled: the rest would buy little bound */
			if (vo.zc - mark <= LAG_SETTLED * fabs(vo.zc))
				break;
			mark = vo.zc;
		}
	}
	/* the bound itself counts every slot set of split jobs */
	memcpy(vo.d.lambda, vo.centre, st_mult(cells, sizeof(double)));
	se->bound0 = fmax(se->bound0, solver_dual_value(in, se->o, se->cost,
							&vo.d, 0, false));
	free(vo.ubar);
	solver_dual_release(&vo.d);
}

/* ------------------------------------------------------------------ */
/* The driver                                                          */
/* ------------------------------------------------------------------ */

/* A bound that needs no relaxation: every job at its cheapest option,
 * or left out when that is cheaper still (a negative price). */
static double trivial_bound(const struct search *se)
{
	const struct instance *in = se->in;
	double v = 0;

	for (size_t j = 0; j < in->js->njobs; j++)
		v += fmin(0, solver_job_floor(in, se->o, j));
	return v;
}

/* Per job: its slots (fewest over its options) times its requests as
 * shares of the most any cell has of each resource. */
static double *job_sizes(const struct instance *in)
{
	size_t nr = in->cat->nresources, ns = in->grid.nslots;
	double *most = xcalloc(nr + 1, sizeof(double));
	double *size = xcalloc(in->js->njobs + 1, sizeof(double));

	for (size_t c = 0; c < solver_ncells(in); c++)
		most[(c / ns) % nr] = fmax(most[(c / ns) % nr], in->avail[c]);
	for (size_t j = 0; j < in->js->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		double best = HUGE_VAL;
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++) {
			const struct solver_option *o = &in->opts[k];
			const double *req = in->js->jobs[j]
						    .profiles[o->profile]
						    .resources;
			double v = 0;
			for (size_t r = 0; r < nr; r++)
				v += most[r] > 0 ? req[r] / most[r] : 0;
			best = fmin(best, v * o->runtime);
		}
		size[j] = ij->nopts ? best : 0;
	}
	free(most);
	return size;
}

static void search_open(struct search *se, const struct instance *in,
			const struct solver_opts *o, struct assignment *work)
{
	size_t n = in->js->njobs;

	memset(se, 0, sizeof(*se));
	se->in = in;
	se->o = o;
	se->t0 = time_mono();
	se->cost = xmalloc(st_mult(in->nopts + 1, sizeof(double)));
	se->sorted = xmalloc(st_mult(in->nopts + 1, sizeof(size_t)));
	se->sorted_cost = xmalloc(st_mult(in->nopts + 1, sizeof(double)));
	se->span = xcalloc(n + 1, sizeof(*se->span));
	se->cand = xmalloc(st_mult(2 * n + 1, sizeof(size_t)));
	se->size = job_sizes(in);
	se->at = xcalloc(in->cat->nsites + 1, sizeof(*se->at));
	se->pos = xmalloc(st_mult(n + 1, sizeof(size_t)));
	se->lambda = xcalloc(solver_ncells(in) + 1, sizeof(double));
	se->bound0 = -(double)INFINITY;
	sort_options(se);
	assignment_init(work, n);
	placer_init(&se->pl, in, work);
}

/* The bound of the best prices on plans leaving as many jobs out as a. */
static double prices_bound(const struct search *se,
			   const struct assignment *a)
{
	size_t u = count_unplaced(se->in, a);
	struct solver_dual d;
	double v;

	if (!u)
		return se->bound0;
	solver_dual_init(&d, se->in);
	memcpy(d.lambda, se->lambda,
	       st_mult(solver_ncells(se->in), sizeof(double)));
	v = solver_dual_value(se->in, se->o, se->cost, &d, u, false);
	solver_dual_release(&d);
	return v;
}

/* Keeps the better of a and the work plan in a, with its numbers. */
static void search_close(struct search *se, struct assignment *a)
{
	const struct instance *in = se->in;

	if (better_plan(se, se->pl.a, a))
		copy_plan(a, se->pl.a);
	a->bound = fmax(a->bound, prices_bound(se, a));
	a->bound = fmax(a->bound, trivial_bound(se));
	placer_release(&se->pl);
	assignment_release(se->pl.a);
	free(se->cost);
	free(se->sorted);
	free(se->sorted_cost);
	free(se->span);
	free(se->cand);
	for (size_t s = 0; s < in->cat->nsites; s++)
		free(se->at[s].v);
	free(se->at);
	free(se->pos);
	free(se->lambda);
	free(se->size);
	free(se->undo);
	solver_explain_unplaced(in, a);
	a->status = "feasible";
	a->objective_value = solver_assignment_objective(in, se->o, a);
	a->bound = fmin(a->bound, a->objective_value);
	a->gap = solver_relative_gap(a->objective_value, a->bound);
}

/*
 * Plans on the prices in se->lambda: greedy on priced costs, and when x
 * (per option: the relaxation's values) is given, another that takes
 * each job's option of largest x first where it fits.
 */
static void priced_plans(struct search *se, const double *x,
			 struct assignment *best)
{
	const struct instance *in = se->in;
	struct solver_dual d;
	double big = 0;

	solver_dual_init(&d, in);
	memcpy(d.lambda, se->lambda, st_mult(solver_ncells(in), sizeof(double)));
	solver_dual_prices(in, &d);
	try_priced(se, d.price, best);
	if (x) {
		for (size_t k = 0; k < in->nopts; k++)
			big = fmax(big, fabs(se->cost[k]) + d.price[k]);
		for (size_t k = 0; k < in->nopts; k++)
			d.price[k] -= 4 * big * x[k];
		try_priced(se, d.price, best);
	}
	solver_dual_release(&d);
}

/* From the best plan in a: improvement, ruin and recreate, improvement. */
static void improve(struct search *se, struct assignment *a,
		    struct assignment *work)
{
	copy_plan(work, a);
	polish(se, IMPROVE_PASSES);
	trace(se, "polish", se->pl.a, se->bound0);
	lns(se);
	trace(se, "lns", se->pl.a, se->bound0);
	polish(se, IMPROVE_PASSES);
	trace(se, "polish", se->pl.a, se->bound0);
}

void solver_search(const struct instance *in, const struct solver_opts *o,
		   struct assignment *a)
{
	solver_search_pool(in, o, a, NULL);
}

void solver_search_pool(const struct instance *in,
			const struct solver_opts *o, struct assignment *a,
			struct solver_pool *pool)
{
	struct search se;
	struct assignment work;

	search_open(&se, in, o, &work);
	se.pool = pool;
	solve_greedy(in, o, a);
	a->bound = -(double)INFINITY;
	if (o->verbose)
		fprintf(stderr, "search: %zu jobs, %zu options, %zu cells\n",
			in->js->njobs, in->nopts, solver_ncells(in));
	trace(&se, "greedy", a, a->bound);
	try_priced(&se, NULL, a);
	trace(&se, "repaired", a, a->bound);
	lagrange(&se, a);
	trace(&se, "lagrange", a, se.bound0);
	improve(&se, a, &work);
	search_close(&se, a);
	pool_add(pool, a->opt, a->njobs);
}

void solver_search_prices(const struct instance *in,
			  const struct solver_opts *o, const double *lambda,
			  const double *x, struct assignment *a)
{
	struct search se;
	struct assignment work;
	double bound = a->bound;

	search_open(&se, in, o, &work);
	memcpy(se.lambda, lambda, st_mult(solver_ncells(in), sizeof(double)));
	priced_plans(&se, x, a);
	improve(&se, a, &work);
	a->bound = bound;
	search_close(&se, a);
}

int solve_search(const struct instance *in, const struct solver_opts *o,
		 struct assignment *a)
{
	solver_search(in, o, a);
	if (a->gap <= 1e-9)
		a->status = "optimal";
	return 0;
}
