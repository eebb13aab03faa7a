/*
 * instance.c - from jobs, sites and signals to the placements a policy
 * may choose from.
 *
 * Every policy, the MILP included, only ever picks among the options built
 * here, so the rules of the contract (slot rounding, windows, latency,
 * throughput, capacity less busy units, slots without carbon intensity,
 * dependencies) are applied once.  A job left without options gets the
 * reason of the check that came closest to letting it run, which is what
 * a user needs to fix it.
 */
#include "solver/solver.h"

#include <math.h>

/* How far a (profile, site) pair got; the job keeps the best. */
enum stage {
	ST_NODUR,
	ST_NOSITE,
	ST_LATENCY,
	ST_THROUGHPUT,
	ST_TOOBIG,
	ST_WINDOW,
	ST_NOCI,
	ST_BUSY,
	ST_OK,
};

/* What the best (profile, site) pair of a job ran into. */
struct verdict {
	enum stage stage;
	size_t profile, site, resource, runtime;
};

void instance_init(struct instance *in)
{
	memset(in, 0, sizeof(*in));
}

void instance_release(struct instance *in)
{
	for (size_t j = 0; in->jobs && j < in->js->njobs; j++) {
		free(in->jobs[j].reason);
		free(in->jobs[j].duration_s);
		free(in->jobs[j].power_w);
	}
	free(in->jobs);
	free(in->avail);
	free(in->topo);
	free(in->succ);
	free(in->succ_first);
	free(in->opts);
	free(in->pieces);
	solver_msgs_release(&in->warnings);
	memset(in, 0, sizeof(*in));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static size_t clamp_slot(int64_t v, size_t nslots)
{
	if (v < 0)
		return 0;
	return (uint64_t)v > nslots ? nslots : (size_t)v;
}

/*
 * The job's window on the slot grid: earliest_start rounded up to a slot
 * bound, latest_finish rounded down, both clipped to the grid.
 */
static void job_window(const struct instance *in, const struct job *job,
		       struct instance_job *ij)
{
	const struct solver_grid *g = &in->grid;
	int64_t first = 0, end = (int64_t)g->nslots;

	if (job->earliest_start != GS_TIME_NONE)
		first = -floor_div(g->start - job->earliest_start, g->slot_s);
	if (job->latest_finish != GS_TIME_NONE)
		end = floor_div(job->latest_finish - g->start, g->slot_s);
	ij->win_first = clamp_slot(first, g->nslots);
	ij->win_end = clamp_slot(end, g->nslots);
}

static void compute_avail(struct instance *in)
{
	const struct catalog *cat = in->cat;
	size_t ns = in->grid.nslots, nr = cat->nresources;

	in->avail = xmalloc(st_mult(st_mult(cat->nsites, nr ? nr : 1),
				    st_mult(ns, sizeof(*in->avail))));
	for (size_t s = 0; s < cat->nsites; s++)
		for (size_t r = 0; r < nr; r++)
			for (size_t t = 0; t < ns; t++) {
				size_t k = (s * nr + r) * ns + t;
				in->avail[k] = cat->sites[s].capacity[r] -
					       in->sg->busy[k];
			}
}

/* Inverts the `after` lists: who runs after each job. */
static void successors(struct instance *in)
{
	const struct jobset *js = in->js;
	size_t n = js->njobs, total = 0;
	size_t *fill;

	in->succ_first = xcalloc(n + 1, sizeof(*in->succ_first));
	for (size_t k = 0; k < n; k++)
		for (size_t a = 0; a < js->jobs[k].nafter; a++)
			in->succ_first[js->jobs[k].after[a] + 1]++;
	for (size_t j = 0; j < n; j++)
		in->succ_first[j + 1] += in->succ_first[j];
	total = in->succ_first[n];
	in->succ = xmalloc(st_mult(total ? total : 1, sizeof(*in->succ)));
	fill = xmalloc(st_mult(n ? n : 1, sizeof(*fill)));
	for (size_t j = 0; j < n; j++)
		fill[j] = in->succ_first[j];
	for (size_t k = 0; k < n; k++)
		for (size_t a = 0; a < js->jobs[k].nafter; a++)
			in->succ[fill[js->jobs[k].after[a]]++] = k;
	free(fill);
}

/* Kahn's algorithm; ties keep input order.  Cycles were refused before. */
static int topo_order(struct instance *in, struct errmsg *err)
{
	const struct jobset *js = in->js;
	size_t n = js->njobs, head = 0, tail = 0;
	size_t *indeg = xcalloc(n ? n : 1, sizeof(*indeg));

	in->topo = xmalloc(st_mult(n ? n : 1, sizeof(*in->topo)));
	for (size_t j = 0; j < n; j++)
		indeg[j] = js->jobs[j].nafter;
	for (size_t j = 0; j < n; j++)
		if (!indeg[j])
			in->topo[tail++] = j;
	while (head < tail) {
		size_t j = in->topo[head++];
		for (size_t i = in->succ_first[j]; i < in->succ_first[j + 1];
		     i++)
			if (--indeg[in->succ[i]] == 0)
				in->topo[tail++] = in->succ[i];
	}
	free(indeg);
	if (tail != n)
		return err_set(err, "jobs depend on each other in a cycle");
	return 0;
}

/* Profile p's durations at each site: given, else from the hook. */
static int profile_durations(struct instance *in, size_t j, size_t p,
			     const struct runtime_hook *hook,
			     struct errmsg *err)
{
	const struct job *job = &in->js->jobs[j];
	struct instance_job *ij = &in->jobs[j];
	size_t ns = in->cat->nsites;
	int64_t *d = &ij->duration_s[p * ns];
	int got = 0;

	for (size_t s = 0; s < ns; s++)
		d[s] = job->profiles[p].duration_s < 0
			       ? -1 : job->profiles[p].duration_s;
	if (job->profiles[p].duration_s >= 0 || !hook || !hook->predict)
		return 0;
	got = hook->predict(hook->ctx, job, p, d, err);
	if (got < 0)
		return -1;
	for (size_t s = 0; s < ns; s++) {
		if (got == 0 || d[s] < 0)
			d[s] = -1;
		else
			ij->predicted = true;
	}
	return 0;
}

static int job_durations(struct instance *in, size_t j,
			 const struct runtime_hook *hook, struct errmsg *err)
{
	const struct job *job = &in->js->jobs[j];
	struct instance_job *ij = &in->jobs[j];

	ij->duration_s = xmalloc(st_mult(st_mult(job->nprofiles,
						 in->cat->nsites) + 1,
					 sizeof(int64_t)));
	ij->power_w = xmalloc(st_mult(job->nprofiles + 1, sizeof(double)));
	for (size_t p = 0; p < job->nprofiles; p++) {
		ij->power_w[p] = hook && hook->power &&
					 isnan(job->profiles[p].power_w)
				 ? hook->power(hook->ctx, job, p)
				 : (double)NAN;
		if (profile_durations(in, j, p, hook, err) < 0)
			return -1;
	}
	return 0;
}

static bool latency_ok(const struct job *job, const struct site *s)
{
	if (!job->latency_users)
		return true;
	for (size_t i = 0; i < s->nlatency; i++)
		if (!strcmp(s->latency_region[i], job->latency_users))
			return s->latency_ms[i] <= job->latency_max_ms;
	return false; /* no entry: not allowed */
}

static bool throughput_ok(const struct job *job, int64_t duration_s,
			  const struct site *s)
{
	double hours;

	if (!(job->min_throughput > 0) || isnan(job->quantity))
		return true;
	hours = (double)duration_s / (s->speed > 0 ? s->speed : 1) / 3600;
	if (hours <= 0)
		return true;
	return job->quantity / hours >= job->min_throughput;
}

/* Checks that need no slot: duration, site, latency, throughput, size. */
static enum stage static_checks(const struct instance *in, size_t j,
				size_t p, size_t s, size_t *resource)
{
	const struct job *job = &in->js->jobs[j];
	const struct site *site = &in->cat->sites[s];
	const double *req = job->profiles[p].resources;
	int64_t d = instance_duration(in, j, p, s);

	if (d < 0)
		return ST_NODUR;
	if (!job->allowed[s])
		return ST_NOSITE;
	if (!latency_ok(job, site))
		return ST_LATENCY;
	if (!throughput_ok(job, d, site))
		return ST_THROUGHPUT;
	for (size_t r = 0; r < in->cat->nresources; r++) {
		if (req[r] > site->capacity[r]) {
			*resource = r;
			return ST_TOOBIG;
		}
	}
	return ST_WINDOW;
}

/* Whether every slot of [t, t + rt) at site s has CI, and free units. */
static enum stage start_check(const struct instance *in, const double *req,
			      size_t s, size_t t, size_t rt)
{
	size_t ns = in->grid.nslots, nr = in->cat->nresources;

	for (size_t k = t; k < t + rt; k++)
		if (isnan(in->sg->ci[s * ns + k]))
			return ST_NOCI;
	for (size_t r = 0; r < nr; r++) {
		if (req[r] <= 0)
			continue;
		for (size_t k = t; k < t + rt; k++)
			if (in->avail[(s * nr + r) * ns + k] < req[r] - 1e-9)
				return ST_BUSY;
	}
	return ST_OK;
}

void instance_add_option(struct instance *in,
			 const struct solver_placement *pl, size_t piece_first)
{
	const struct solver_piece *last =
		pl->pieces ? &pl->pieces[pl->npieces - 1] : NULL;
	struct solver_cost c;
	struct solver_option *o;

	solver_account(in, pl, &c);
	ALLOC_GROW(in->opts, in->nopts + 1, in->alloc_opts);
	o = &in->opts[in->nopts++];
	o->job = (uint32_t)pl->job;
	o->profile = (uint32_t)pl->profile;
	o->site = (uint32_t)pl->site;
	o->start = (uint32_t)(pl->pieces ? pl->pieces[0].start : pl->start);
	o->runtime = (uint32_t)pl->runtime;
	o->end = (uint32_t)(last ? (size_t)last->start + last->len
				 : pl->start + pl->runtime);
	o->npieces = (uint32_t)(pl->pieces ? pl->npieces : 1);
	o->piece_first = (uint32_t)piece_first;
	o->energy_kwh = c.energy_kwh;
	o->emissions_kg = c.emissions_kg;
	o->cost = c.cost;
}

void instance_insert_option(struct instance *in,
			    const struct solver_placement *pl,
			    size_t piece_first)
{
	struct instance_job *ij = &in->jobs[pl->job];
	size_t pos = ij->first_opt + ij->nopts;
	struct solver_option o;

	instance_add_option(in, pl, piece_first);
	o = in->opts[in->nopts - 1];
	memmove(&in->opts[pos + 1], &in->opts[pos],
		(in->nopts - 1 - pos) * sizeof(o));
	in->opts[pos] = o;
	for (size_t k = 0; k < in->js->njobs; k++)
		if (k != pl->job && in->jobs[k].first_opt >= pos)
			in->jobs[k].first_opt++;
	ij->nopts++;
}

static void add_option(struct instance *in, size_t j, size_t p, size_t s,
		       size_t t, size_t rt)
{
	struct solver_placement pl = {j, p, s, t, rt, NULL, 0};

	instance_add_option(in, &pl, 0);
}

/*
 * An interruptible job's split options at (p, s): which slots of its
 * window it may run in decides; returns the stage it reached, which is
 * ST_OK when it has a split option.
 */
static enum stage split_options(struct instance *in, size_t j, size_t p,
				size_t s, size_t first, size_t rt,
				enum stage best)
{
	const double *req = in->js->jobs[j].profiles[p].resources;
	size_t end = in->jobs[j].win_end, w = end - first, n = in->nopts;
	bool *ok = xmalloc(w ? w : 1);

	for (size_t i = 0; i < w; i++)
		ok[i] = start_check(in, req, s, first + i, 1) == ST_OK;
	instance_split_options(in, j, p, s, first, end, rt, ok);
	free(ok);
	return in->nopts > n ? ST_OK : best;
}

/* Adds the options of one (profile, site) pair; returns how far it got. */
static enum stage pair_options(struct instance *in, size_t j, size_t p,
			       size_t s, size_t min_start, struct verdict *v)
{
	struct instance_job *ij = &in->jobs[j];
	const double *req = in->js->jobs[j].profiles[p].resources;
	size_t rt, first = ij->win_first > min_start ? ij->win_first
						      : min_start;
	enum stage st, best = ST_NOCI;

	v->resource = 0;
	st = static_checks(in, j, p, s, &v->resource);
	if (st != ST_WINDOW)
		return st;
	rt = solver_runtime_slots(in, instance_duration(in, j, p, s), s);
	v->runtime = rt;
	if (ij->win_end < first || ij->win_end - first < rt)
		return ST_WINDOW;
	for (size_t t = first; t + rt <= ij->win_end; t++) {
		st = start_check(in, req, s, t, rt);
		if (st > best)
			best = st;
		if (st == ST_OK)
			add_option(in, j, p, s, t, rt);
	}
	if (solver_job_max_pieces(&in->js->jobs[j]) > 1)
		best = split_options(in, j, p, s, first, rt, best);
	return best;
}

static char *window_reason(const struct instance *in, const struct job *job,
			   const struct instance_job *ij, size_t runtime)
{
	const struct solver_grid *g = &in->grid;
	char a[GS_TIME_BUFSZ], b[GS_TIME_BUFSZ], d[64];
	struct strbuf sb;

	strbuf_init(&sb);
	if (job->latest_finish != GS_TIME_NONE &&
	    job->latest_finish <= g->start)
		strbuf_addf(&sb, "latest_finish %s is not after the start "
			    "of the planning horizon %s",
			    time_format(job->latest_finish, a),
			    time_format(g->start, b));
	else if (ij->win_first >= g->nslots)
		strbuf_addf(&sb, "earliest_start %s is not before the end "
			    "of the planning horizon %s",
			    time_format(job->earliest_start, a),
			    time_format(solver_grid_time(g, g->nslots), b));
	else
		strbuf_addf(&sb, "window from %s to %s (on the slot grid, "
			    "within the horizon) is shorter than its runtime "
			    "%s",
			    time_format(solver_grid_time(g, ij->win_first), a),
			    time_format(solver_grid_time(g, ij->win_end), b),
			    duration_format((int64_t)runtime * g->slot_s, d,
					    sizeof(d)));
	return strbuf_detach(&sb);
}

static char *stage_reason(const struct instance *in, size_t j,
			  const struct verdict *v)
{
	const struct job *job = &in->js->jobs[j];
	struct strbuf sb;

	strbuf_init(&sb);
	switch (v->stage) {
	case ST_NODUR:
		strbuf_addstr(&sb, "no duration and no trained runtime model");
		break;
	case ST_NOSITE:
		strbuf_addstr(&sb, "no site is allowed");
		break;
	case ST_LATENCY:
		strbuf_addf(&sb, "no allowed site within %g ms of users '%s'",
			    job->latency_max_ms, job->latency_users);
		break;
	case ST_THROUGHPUT:
		strbuf_addf(&sb, "no allowed site reaches min_throughput %g "
			    "%s per hour", job->min_throughput,
			    job->unit ? job->unit : "units");
		break;
	case ST_TOOBIG:
		strbuf_addf(&sb, "needs %g '%s' but no allowed site has that "
			    "many", job->profiles[v->profile]
						 .resources[v->resource],
			    in->cat->resources[v->resource]);
		break;
	case ST_WINDOW:
		strbuf_release(&sb);
		return window_reason(in, job, &in->jobs[j], v->runtime);
	case ST_NOCI:
		strbuf_addstr(&sb, "no carbon intensity for any start in its "
			    "window at its allowed sites");
		break;
	case ST_BUSY:
	case ST_OK:
	default:
		strbuf_addstr(&sb, "no start in its window where an allowed "
			    "site has the resources free of other work");
		break;
	}
	return strbuf_detach(&sb);
}

/*
 * The earliest slot job j may start given its predecessors' earliest
 * ends; sets *blocker to a predecessor without options (or the one ending
 * last) and returns SIZE_MAX if one cannot be placed at all.
 */
static size_t after_predecessors(const struct instance *in, size_t j,
				 const size_t *min_end, size_t *blocker)
{
	const struct job *job = &in->js->jobs[j];
	size_t earliest = 0;

	*blocker = SIZE_MAX;
	for (size_t a = 0; a < job->nafter; a++) {
		size_t k = job->after[a];
		if (!in->jobs[k].nopts) {
			*blocker = k;
			return SIZE_MAX;
		}
		if (min_end[k] > earliest) {
			earliest = min_end[k];
			*blocker = k;
		}
	}
	return earliest;
}

/* "after 'x', which ..." style reasons naming a predecessor. */
static char *after_reason(const struct instance *in, size_t blocker,
			  size_t earliest)
{
	struct strbuf sb;
	char buf[GS_TIME_BUFSZ];

	strbuf_init(&sb);
	if (earliest == SIZE_MAX)
		strbuf_addf(&sb, "after '%s', which cannot be placed",
			    in->js->jobs[blocker].id);
	else
		strbuf_addf(&sb, "cannot start after '%s' ends (%s at the "
			    "earliest) and finish within its window",
			    in->js->jobs[blocker].id,
			    time_format(solver_grid_time(&in->grid, earliest),
					buf));
	return strbuf_detach(&sb);
}

static void build_job(struct instance *in, size_t j, size_t *min_end)
{
	const struct job *job = &in->js->jobs[j];
	struct instance_job *ij = &in->jobs[j];
	struct verdict best = {ST_NODUR, 0, 0, 0, 0};
	size_t blocker, earliest;

	job_window(in, job, ij);
	ij->first_opt = in->nopts;
	earliest = after_predecessors(in, j, min_end, &blocker);
	if (earliest == SIZE_MAX) {
		ij->reason = after_reason(in, blocker, earliest);
		return;
	}
	for (size_t p = 0; p < job->nprofiles; p++) {
		for (size_t s = 0; s < in->cat->nsites; s++) {
			struct verdict v = {ST_NODUR, p, s, 0, 0};
			v.stage = pair_options(in, j, p, s, earliest, &v);
			if (v.stage > best.stage)
				best = v;
		}
	}
	ij->nopts = in->nopts - ij->first_opt;
	min_end[j] = SIZE_MAX;
	for (size_t o = ij->first_opt; o < in->nopts; o++) {
		size_t e = in->opts[o].end;
		if (e < min_end[j])
			min_end[j] = e;
	}
	if (ij->nopts)
		return;
	/* the window would do without the predecessor: blame it */
	if (best.stage == ST_WINDOW && blocker != SIZE_MAX &&
	    earliest > ij->win_first &&
	    ij->win_end >= ij->win_first + best.runtime)
		ij->reason = after_reason(in, blocker, earliest);
	else
		ij->reason = stage_reason(in, j, &best);
}

/* Whether site s has CI for every slot of [t, t + rt) on the grid. */
static bool ci_covers(const struct instance *in, size_t s, size_t t,
		      size_t rt)
{
	size_t ns = in->grid.nslots;

	if (t + rt > ns)
		return false;
	for (size_t k = t; k < t + rt; k++)
		if (isnan(in->sg->ci[s * ns + k]))
			return false;
	return true;
}

/*
 * The baseline: earliest start at the first allowed site (catalog order)
 * that meets the job's requirements, first profile first, capacity
 * ignored.  A site whose carbon intensity is unknown for those slots is
 * passed over when a later one knows it, lest the baseline count as zero
 * what nobody measured.
 */
static bool baseline_at(struct instance *in, size_t j, bool need_ci)
{
	const struct job *job = &in->js->jobs[j];
	struct instance_job *ij = &in->jobs[j];

	for (size_t p = 0; p < job->nprofiles; p++) {
		for (size_t s = 0; s < in->cat->nsites; s++) {
			size_t r, rt;
			if (static_checks(in, j, p, s, &r) < ST_TOOBIG)
				continue;
			rt = solver_runtime_slots(in, instance_duration(in, j, p, s), s);
			if (need_ci && !ci_covers(in, s, ij->win_first, rt))
				continue;
			ij->has_baseline = true;
			ij->base_profile = (uint32_t)p;
			ij->base_site = (uint32_t)s;
			ij->base_start = (uint32_t)ij->win_first;
			ij->base_runtime = (uint32_t)rt;
			return true;
		}
	}
	return false;
}

static void build_baseline(struct instance *in, size_t j)
{
	if (in->jobs[j].win_first >= in->grid.nslots)
		return;
	if (!baseline_at(in, j, true) && baseline_at(in, j, false) &&
	    in->jobs[j].nopts)
		solver_msgs_add(&in->warnings,
				"the baseline of '%s' runs where or when the "
				"carbon intensity is unknown: those slots "
				"count as zero", in->js->jobs[j].id);
}

int instance_build(struct instance *in, const struct catalog *cat,
		   const struct jobset *js, const struct solver_signals *sg,
		   const struct runtime_hook *hook, struct errmsg *err)
{
	size_t n = js->njobs;
	size_t *min_end;

	in->cat = cat;
	in->js = js;
	in->sg = sg;
	in->grid = sg->grid;
	in->jobs = xcalloc(n ? n : 1, sizeof(*in->jobs));
	compute_avail(in);
	successors(in);
	if (topo_order(in, err) < 0)
		return -1;
	for (size_t j = 0; j < n; j++)
		if (job_durations(in, j, hook, err) < 0)
			return -1;
	min_end = xcalloc(n ? n : 1, sizeof(*min_end));
	for (size_t i = 0; i < n; i++)
		build_job(in, in->topo[i], min_end);
	for (size_t j = 0; j < n; j++)
		build_baseline(in, j);
	free(min_end);
	return 0;
}
