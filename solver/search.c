/*
 * search.c - the heuristic core of the milp policy: place every job that
 * can be placed, then as cheaply as the search can find, with a proven
 * lower bound beside it.
 *
 * Greedy in least-slack order leaves jobs out once green slots fill up,
 * and moving one job at a time cannot get out of that.  So:
 *
 *   - a Lagrangian relaxation of the capacity rows prices every
 *     (site, resource, slot) cell by subgradient steps; its dual value is
 *     a true lower bound (capacity and dependencies relaxed), and the
 *     prices steer the constructions towards plans that fit;
 *   - at a fixed schedule of iterations a greedy plan is built on priced
 *     costs and repaired: an unplaced job goes to an option after the
 *     few jobs in its way are ejected and re-placed elsewhere, or after
 *     its predecessors move to end earlier;
 *   - the best plan (most jobs placed, then lowest objective) is
 *     improved on the true objective: moves to cheaper options,
 *     eject-moves that push up to MAX_EJECT jobs aside, and ruin and
 *     recreate (the jobs of a random window out and back, slightly
 *     worse plans accepted early on, the best kept).
 *
 * Everything runs for fixed iteration counts in a fixed order, so the
 * result depends only on the input; the clock is read only to stop early
 * when --time-limit runs out (which can then change the result).
 */
#include "solver/solver.h"

#include <math.h>

#define LAG_ROUNDS 1000   /* subgradient iterations, at most */
#define LAG_WORK 2e9      /* bounds the iterations x options */
#define MAX_EJECT 3       /* jobs pushed aside to place one */
#define MAX_TRIES 40      /* options tried per eject-insert/-move */
#define IMPROVE_PASSES 6  /* local search passes over all jobs */
#define LNS_REMOVE 40     /* jobs taken out per ruin-and-recreate round */
#define LNS_WORK 6e9      /* bounds rounds x (estimated) work per round */
#define LNS_ROUNDS 100000 /* at most */
#define LNS_THRESHOLD 0.5 /* worsening accepted at first, in jobs' mean cost */

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
	size_t *cand;       /* [njobs]: scratch for blockers */
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

static bool out_of_time(const struct search *se)
{
	return time_mono() - se->t0 > se->o->time_limit_s;
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
		for (size_t i = 0; i < ij->nopts; i++)
			se->sorted[ij->first_opt + i] = tmp[i].k;
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

/* The cheapest option of unplaced job j that fits now, or -1. */
static long best_fit(const struct search *se, size_t j)
{
	const struct instance *in = se->in;
	const struct instance_job *ij = &in->jobs[j];
	size_t blocker, lo = placer_min_start(&se->pl, j, &blocker);
	size_t hi = placer_max_end(&se->pl, j);

	if (lo == SIZE_MAX)
		return -1;
	for (size_t i = ij->first_opt; i < ij->first_opt + ij->nopts; i++) {
		size_t k = se->sorted[i];
		if (in_bounds(&in->opts[k], lo, hi) &&
		    placer_fits(&se->pl, &in->opts[k]))
			return (long)k;
	}
	return -1;
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

static void place(struct search *se, size_t k)
{
	placer_commit(&se->pl, k);
	list_add(se, se->in->opts[k].job, se->in->opts[k].site);
}

static void unplace(struct search *se, size_t j)
{
	const struct solver_option *o = &se->in->opts[se->pl.a->opt[j]];

	placer_use(&se->pl, o, -1);
	list_remove(se, j, o->site);
	se->pl.a->opt[j] = -1;
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

/* Overlap in slots of two placements at the same site. */
static size_t overlap(const struct solver_option *x,
		      const struct solver_option *y)
{
	size_t a = x->start > y->start ? x->start : y->start;
	size_t b = x->end < y->end ? x->end : y->end;

	return x->site == y->site && b > a ? b - a : 0;
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
	size_t nc = 0;
	int n = 0;

	const struct site_list *l = &se->at[o->site];

	for (size_t i = 0; i < l->n; i++) {
		size_t k = l->v[i];
		const struct solver_option *ok;
		if (k == keep || k == o->job)
			continue;
		ok = &in->opts[a->opt[k]];
		if (overlap(o, ok) && shares_resource(in, o, ok))
			se->cand[nc++] = k;
	}
	/* largest overlap first; ties by index (insertion sort, nc small) */
	for (size_t i = 1; i < nc; i++) {
		size_t v = se->cand[i], w = overlap(o, &in->opts[a->opt[v]]);
		size_t p = i;
		while (p > 0 &&
		       overlap(o, &in->opts[a->opt[se->cand[p - 1]]]) < w) {
			se->cand[p] = se->cand[p - 1];
			p--;
		}
		se->cand[p] = v;
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
 * finds no place.
 */
static double eject_move(struct search *se, size_t j, size_t k, long was,
			 const size_t *b, int nb, long *old)
{
	struct assignment *a = se->pl.a;
	double delta = se->cost[k] - (was >= 0 ? se->cost[was] : 0);
	int i;

	for (i = 0; i < nb; i++) {
		old[i] = a->opt[b[i]];
		unplace(se, b[i]);
	}
	place(se, k);
	for (i = 0; i < nb; i++) {
		long nk = best_fit(se, b[i]);
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
		if (se->cost[k] >= limit - 1e-9)
			break;
		if (!in_bounds(&in->opts[k], lo, hi))
			continue;
		if (++tries > MAX_TRIES)
			break;
		nb = find_blockers(se, &in->opts[k], SIZE_MAX, b);
		if (nb < 0)
			continue;
		d = eject_move(se, j, k, was, b, nb, old);
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

/* ------------------------------------------------------------------ */
/* Ruin and recreate                                                   */
/* ------------------------------------------------------------------ */

struct lns {
	uint64_t rng;
	long *saved;    /* [njobs]: the plan before the round */
	size_t *out;    /* [njobs]: the jobs taken out */
};

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
	size_t u0 = count_unplaced(in, a), m, u;
	double c0 = solver_assignment_objective(in, se->o, a);
	bool all = true;

	memcpy(ln->saved, a->opt, st_mult(a->njobs, sizeof(long)));
	m = ruin(se, ln);
	/* jobs left out so far get the first pick of the room made */
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
	u = count_unplaced(in, a);
	if (all && (u < u0 || (u == u0 && solver_assignment_objective(
						   in, se->o, a) <= c0 + slack)))
		return;
	restore(se, ln->saved);
}

static void lns(struct search *se)
{
	size_t n = se->pl.a->njobs;
	struct lns ln;
	long *best;
	size_t bu;
	double bc, per_job = (double)se->in->nopts / (double)(n ? n : 1);
	double rounds = LNS_WORK / (4.0 * (double)n + LNS_REMOVE * 8 * per_job);

	ln.rng = se->o->seed;
	ln.saved = xmalloc(st_mult(n + 1, sizeof(long)));
	ln.out = xmalloc(st_mult(n + 1, sizeof(size_t)));
	if (rounds > LNS_ROUNDS)
		rounds = LNS_ROUNDS;
	if (rounds > 1000.0 * (double)(n + 1)) /* small plans settle fast */
		rounds = 1000.0 * (double)(n + 1);
	best = xmalloc(st_mult(n + 1, sizeof(long)));
	memcpy(best, se->pl.a->opt, st_mult(n, sizeof(long)));
	bu = count_unplaced(se->in, se->pl.a);
	bc = solver_assignment_objective(se->in, se->o, se->pl.a);
	for (double r = 0; r < rounds && !out_of_time(se); r++) {
		/* threshold accepting: slightly worse plans early on, to get
		 * out of local optima; the best seen is kept */
		size_t u;
		double c;
		lns_round(se, &ln, 1e-9 + LNS_THRESHOLD * bc / (double)n *
					   (1 - r / rounds));
		u = count_unplaced(se->in, se->pl.a);
		c = solver_assignment_objective(se->in, se->o, se->pl.a);
		if (u < bu || (u == bu && c < bc - 1e-9)) {
			memcpy(best, se->pl.a->opt, st_mult(n, sizeof(long)));
			bu = u;
			bc = c;
		}
	}
	restore(se, best);
	free(best);
	free(ln.saved);
	free(ln.out);
}

static void load_plan(struct search *se)
{
	size_t n = st_mult(st_mult(se->in->cat->nsites,
				   se->in->cat->nresources),
			   se->in->grid.nslots);

	memset(se->pl.used, 0, st_mult(n, sizeof(*se->pl.used)));
	for (size_t s = 0; s < se->in->cat->nsites; s++)
		se->at[s].n = 0;
	for (size_t j = 0; j < se->pl.a->njobs; j++) {
		const struct solver_option *o;
		if (se->pl.a->opt[j] < 0)
			continue;
		o = &se->in->opts[se->pl.a->opt[j]];
		placer_use(&se->pl, o, 1);
		list_add(se, j, o->site);
	}
}

/* Repairs then improves the plan in se->pl.a. */
static void polish(struct search *se, int passes)
{
	load_plan(se);
	for (int r = 0; r < 3 && count_unplaced(se->in, se->pl.a); r++)
		if (!repair(se) || out_of_time(se))
			break;
	for (int r = 0; r < passes && !out_of_time(se); r++)
		if (!improve_pass(se))
			break;
}

/* ------------------------------------------------------------------ */
/* Lagrangian relaxation of capacity                                   */
/* ------------------------------------------------------------------ */

struct lagrange {
	double *lambda; /* [cells] >= 0 */
	double *prefix; /* [(site * nr + r) * (ns + 1) + t] sums of lambda */
	double *use;    /* [cells]: the relaxed plan's use */
	double *price;  /* [nopts]: lambda . use of the option */
	double *m;      /* [njobs]: each job's cheapest priced option */
	double bound;   /* best dual value */
};

static size_t ncells(const struct instance *in)
{
	return st_mult(st_mult(in->cat->nsites, in->cat->nresources),
		       in->grid.nslots);
}

static void prices(const struct instance *in, struct lagrange *lg)
{
	size_t ns = in->grid.nslots, nr = in->cat->nresources;

	for (size_t sr = 0; sr < in->cat->nsites * nr; sr++) {
		double *p = lg->prefix + sr * (ns + 1);
		p[0] = 0;
		for (size_t t = 0; t < ns; t++)
			p[t + 1] = p[t] + lg->lambda[sr * ns + t];
	}
	for (size_t k = 0; k < in->nopts; k++) {
		const struct solver_option *o = &in->opts[k];
		const double *req =
			in->js->jobs[o->job].profiles[o->profile].resources;
		double v = 0;
		for (size_t r = 0; r < nr; r++) {
			const double *p = lg->prefix + (o->site * nr + r) *
							       (ns + 1);
			struct solver_slots it;
			size_t t;
			if (req[r] <= 0)
				continue;
			for (solver_slots_begin(&it, in, o);
			     solver_slots_next(&it, &t);)
				v += req[r] * (p[t + 1] - p[t]);
		}
		lg->price[k] = v;
	}
}

static int cmp_double_desc(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a < b) - (a > b);
}

/*
 * One evaluation of the dual at lambda: each job at its cheapest priced
 * option; returns the bound valid for plans leaving at most `drop` jobs
 * (with options) unplaced, and fills lg->use.
 */
static double dual_value(const struct search *se, struct lagrange *lg,
			 size_t drop)
{
	const struct instance *in = se->in;
	size_t ns = in->grid.nslots, nr = in->cat->nresources, nm = 0;
	double v = 0;

	memset(lg->use, 0, st_mult(ncells(in), sizeof(*lg->use)));
	prices(in, lg);
	for (size_t j = 0; j < in->js->njobs; j++) {
		const struct instance_job *ij = &in->jobs[j];
		const struct solver_option *o;
		const double *req;
		size_t best = SIZE_MAX;
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++)
			if (best == SIZE_MAX ||
			    se->cost[k] + lg->price[k] <
				    se->cost[best] + lg->price[best])
				best = k;
		if (best == SIZE_MAX)
			continue;
		/* a split job may have cheaper priced slot sets unlisted */
		lg->m[nm++] = solver_job_max_pieces(&in->js->jobs[j]) > 1
				      ? solver_split_priced(in, se->o, j,
							    lg->lambda)
				      : se->cost[best] + lg->price[best];
		o = &in->opts[best];
		req = in->js->jobs[j].profiles[o->profile].resources;
		for (size_t r = 0; r < nr; r++) {
			struct solver_slots it;
			size_t t;
			for (solver_slots_begin(&it, in, o);
			     solver_slots_next(&it, &t);)
				lg->use[(o->site * nr + r) * ns + t] += req[r];
		}
	}
	/* a plan may leave `drop` jobs out: the dearest ones, at best */
	qsort(lg->m, nm, sizeof(double), cmp_double_desc);
	for (size_t i = 0; i < nm; i++)
		if (i >= drop || lg->m[i] < 0)
			v += lg->m[i];
	for (size_t c = 0; c < ncells(in); c++)
		v -= lg->lambda[c] * in->avail[c];
	return v;
}

/* A projected subgradient step towards `target`; returns |g|^2. */
static double step(const struct instance *in, struct lagrange *lg,
		   double theta, double target, double value)
{
	double norm = 0, t;

	for (size_t c = 0; c < ncells(in); c++) {
		double g = lg->use[c] - in->avail[c];
		if (g > 0 || lg->lambda[c] > 0)
			norm += g * g;
	}
	if (norm <= 0)
		return 0;
	t = theta * fmax(target - value, 1e-6 * fabs(target)) / norm;
	for (size_t c = 0; c < ncells(in); c++)
		lg->lambda[c] = fmax(0, lg->lambda[c] +
					       t * (lg->use[c] - in->avail[c]));
	return norm;
}

/* Whether a priced greedy plan is built and repaired at iteration it. */
static bool build_at(int it, int rounds)
{
	int every = rounds / 8 > 1 ? rounds / 8 : 1;

	return it == 5 || it == 12 || it == 25 || it % every == every - 1;
}

/* Builds, repairs and compares a plan on the current prices. */
static void try_priced(struct search *se, const struct lagrange *lg,
		       const double *price, struct assignment *best)
{
	struct assignment *a = se->pl.a;

	(void)lg;
	for (size_t j = 0; j < a->njobs; j++)
		a->opt[j] = -1;
	solve_greedy_priced(se->in, se->o, price, a);
	polish(se, 1);
	if (better_plan(se, a, best))
		copy_plan(best, a);
}

static void lagrange(struct search *se, struct assignment *best)
{
	const struct instance *in = se->in;
	size_t cells = ncells(in);
	struct lagrange lg;
	double theta = 2, last = -(double)INFINITY;
	int stall = 0, rounds = LAG_ROUNDS;

	if ((double)in->nopts * rounds > LAG_WORK)
		rounds = (int)(LAG_WORK / (double)in->nopts) + 1;

	lg.lambda = xcalloc(cells ? cells : 1, sizeof(double));
	lg.prefix = xcalloc(st_mult(in->cat->nsites * in->cat->nresources,
				    in->grid.nslots + 1) + 1, sizeof(double));
	lg.use = xcalloc(cells ? cells : 1, sizeof(double));
	lg.price = xcalloc(in->nopts ? in->nopts : 1, sizeof(double));
	lg.m = xcalloc(in->js->njobs ? in->js->njobs : 1, sizeof(double));
	lg.bound = -(double)INFINITY;
	for (int it = 0; it < rounds && !out_of_time(se); it++) {
		size_t u = count_unplaced(in, best), placed = 0;
		double obj = solver_assignment_objective(in, se->o, best);
		double v = dual_value(se, &lg, u), target;
		for (size_t j = 0; j < best->njobs; j++)
			placed += best->opt[j] >= 0;
		if (v > lg.bound)
			lg.bound = v;
		if (build_at(it, rounds))
			try_priced(se, &lg, lg.price, best);
		stall = v > last + 1e-9 ? 0 : stall + 1;
		last = fmax(last, v);
		if (stall >= 25 && theta > 0.01) {
			theta /= 2;
			stall = 0;
		}
		/* aim at the best plan's objective, scaled up for the jobs
		 * it leaves out */
		target = obj * (double)(placed + u) /
			 (double)(placed ? placed : 1);
		if (step(in, &lg, theta, fmax(target, v + 1e-9), v) <= 0)
			break;
	}
	best->bound = lg.bound;
	free(lg.lambda);
	free(lg.prefix);
	free(lg.use);
	free(lg.price);
	free(lg.m);
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
	se->cand = xmalloc(st_mult(n + 1, sizeof(size_t)));
	se->at = xcalloc(in->cat->nsites + 1, sizeof(*se->at));
	se->pos = xmalloc(st_mult(n + 1, sizeof(size_t)));
	sort_options(se);
	assignment_init(work, n);
	placer_init(&se->pl, in, work);
}

/* Keeps the better of a and the work plan in a, with its numbers. */
static void search_close(struct search *se, struct assignment *a)
{
	const struct instance *in = se->in;

	if (better_plan(se, se->pl.a, a))
		copy_plan(a, se->pl.a);
	a->bound = fmax(a->bound, trivial_bound(se));
	placer_release(&se->pl);
	assignment_release(se->pl.a);
	free(se->cost);
	free(se->sorted);
	free(se->cand);
	for (size_t s = 0; s < in->cat->nsites; s++)
		free(se->at[s].v);
	free(se->at);
	free(se->pos);
	solver_explain_unplaced(in, a);
	a->status = "feasible";
	a->objective_value = solver_assignment_objective(in, se->o, a);
	a->bound = fmin(a->bound, a->objective_value);
	a->gap = fabs(a->objective_value) > 1e-12
			 ? (a->objective_value - a->bound) /
				   fabs(a->objective_value)
			 : 0;
}

void solver_search(const struct instance *in, const struct solver_opts *o,
		   struct assignment *a)
{
	struct search se;
	struct assignment work;

	search_open(&se, in, o, &work);
	solve_greedy(in, o, a);
	a->bound = -(double)INFINITY;
	lagrange(&se, a);
	copy_plan(&work, a);
	polish(&se, IMPROVE_PASSES);
	lns(&se);
	polish(&se, IMPROVE_PASSES);
	search_close(&se, a);
}

void solver_search_prices(const struct instance *in,
			  const struct solver_opts *o, const double *lambda,
			  const double *x, struct assignment *a)
{
	struct search se;
	struct assignment work;
	struct lagrange lg;
	double bound = a->bound;

	search_open(&se, in, o, &work);
	memset(&lg, 0, sizeof(lg));
	lg.lambda = (double *)lambda;
	lg.prefix = xcalloc(st_mult(in->cat->nsites * in->cat->nresources,
				    in->grid.nslots + 1) + 1, sizeof(double));
	lg.price = xcalloc(in->nopts ? in->nopts : 1, sizeof(double));
	prices(in, &lg);
	try_priced(&se, &lg, lg.price, a);
	if (x) {
		/* the relaxation's choice first, where it fits */
		double big = 0;
		for (size_t k = 0; k < in->nopts; k++)
			big = fmax(big, fabs(se.cost[k]) + lg.price[k]);
		for (size_t k = 0; k < in->nopts; k++)
			lg.price[k] -= 4 * big * x[k];
		try_priced(&se, &lg, lg.price, a);
	}
	copy_plan(&work, a);
	polish(&se, IMPROVE_PASSES);
	lns(&se);
	polish(&se, IMPROVE_PASSES);
	free(lg.prefix);
	free(lg.price);
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
