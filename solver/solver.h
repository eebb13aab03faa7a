/*
 * solver.h - placing jobs in time and sites.
 *
 * A solve runs in four steps, each with its own object:
 *
 *   1. struct solver_grid: the slots [start + i*slot_s, ...), i < nslots.
 *   2. struct solver_signals: per site and slot, what the plan assumes -
 *      carbon intensity, temperature, price and the units other work keeps
 *      busy.  solver_signals_load() reads them from the store
 *      (forecasts first, or only recorded values with `oracle`); tests
 *      fill them by hand.
 *   3. struct instance: instance_build() turns a catalog, a job set and
 *      the signals into every feasible placement ("option": job, profile,
 *      site, start slot) with its energy, emissions and cost.  It is pure:
 *      no store, no clock.  Jobs without options carry the reason.
 *   4. struct assignment: a policy (solver_run()) picks at most one option
 *      per job; solver_fill_plan() turns it into the plan document.
 *
 * Emissions, energy and cost of a placement are computed by one function,
 * solver_account(), for the options, the baseline and the plan alike.
 *
 * Lifecycle: x_init()/x_release() for signals, instance and assignment.
 * The instance keeps pointers to the catalog, job set and signals: they
 * must outlive it.  Nothing here prints; warnings are collected in
 * instance.warnings (and signals.warnings) for the command to print.
 */
#ifndef GREENSLOT_SOLVER_H
#define GREENSLOT_SOLVER_H

#include "core/core.h"

extern const struct cmd_doc cmd_solve_doc;
int cmd_solve(int argc, char **argv, struct cmd_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Slots and signals                                                   */
/* ------------------------------------------------------------------ */

struct solver_grid {
	gs_time start;  /* start of slot 0 */
	int64_t slot_s; /* > 0 */
	size_t nslots;  /* > 0 */
};

/* The start of slot i. */
gs_time solver_grid_time(const struct solver_grid *g, size_t i);

/* Warnings gathered by library code, printed by the command. */
struct solver_msgs {
	char **v;
	size_t n, alloc;
};
void solver_msgs_add(struct solver_msgs *l, const char *fmt, ...)
	GS_PRINTF(2, 3);
void solver_msgs_release(struct solver_msgs *l);

/*
 * Per site (catalog order) and slot; index [site * nslots + slot] and, for
 * busy, [(site * nresources + resource) * nslots + slot].  NAN means the
 * value is unknown (busy: 0).
 */
struct solver_signals {
	struct solver_grid grid;
	size_t nsites, nresources;
	double *ci;    /* gCO2eq/kWh, mean over the slot */
	double *temp;  /* degC, only loaded for sites with a PUE object */
	double *price; /* currency/MWh */
	double *busy;  /* units in use by other work */
	char *source;  /* what was assumed, for plan.signal_source */
	struct solver_msgs warnings;
};

/* Allocates every array, all unknown (NAN; busy 0). */
void solver_signals_init(struct solver_signals *sg,
			 const struct solver_grid *g, size_t nsites,
			 size_t nresources);
void solver_signals_release(struct solver_signals *sg);

/*
 * Fills sg (already solver_signals_init()ed for cat) from the store: for
 * each slot the forecast issued last at or before grid.start (any source,
 * greenslot's own first), else the recorded values; with `oracle` only
 * the recorded values.
 */
int solver_signals_load(struct solver_signals *sg, struct store *st,
			const struct catalog *cat, bool oracle,
			struct errmsg *err);

/* ------------------------------------------------------------------ */
/* Instance                                                            */
/* ------------------------------------------------------------------ */

/*
 * Hook for the runtime predictor, asked about each profile of each job.
 * predict, for a profile without a duration: sets duration_s[s] for each
 * site s of the catalog to the runtime at speed 1.0 that the site's speed
 * turns into the runtime predicted at that site (-1: not known there);
 * returns 1 when it set them, 0 when it knows nothing, -1 on error (err
 * filled).  power (may be NULL), for a profile without power_w: the power
 * learned for it in W, NAN when none.
 */
struct runtime_hook {
	int (*predict)(void *ctx, const struct job *job, size_t profile,
		       int64_t *duration_s, struct errmsg *err);
	double (*power)(void *ctx, const struct job *job, size_t profile);
	void *ctx;
};

/* A run of slots [start, start + len). */
struct solver_piece {
	uint32_t start, len;
};

/*
 * One feasible placement of a job: a profile, a site and the slots it
 * runs in.  Most run in one piece [start, start + runtime); an
 * interruptible job's split options run in npieces pieces kept in
 * instance.pieces from piece_first, from start to end with gaps.
 */
struct solver_option {
	uint32_t job, profile, site;
	uint32_t start;   /* first slot */
	uint32_t runtime; /* slots occupied */
	uint32_t end;     /* slot after the last one occupied */
	uint32_t npieces; /* 1: [start, end); else see piece_first */
	uint32_t piece_first;
	double energy_kwh, emissions_kg, cost;
};

struct instance_job {
	size_t first_opt, nopts; /* its options in instance.opts */
	size_t win_first;        /* first slot it may start in */
	size_t win_end;          /* slot bound it must end by */
	char *reason;            /* why it has no option (NULL if it has) */
	/* runtime at speed 1.0 of profile p at site s (a prediction may
	 * differ by site): [p * nsites + s], -1 unknown */
	int64_t *duration_s;
	double *power_w;         /* [nprofiles]: from the hook, NAN: none */
	bool predicted;          /* a duration came from the runtime hook */
	/* baseline: earliest start at the first allowed site (the first
	 * with carbon intensity for those slots, if one has), 1st profile */
	bool has_baseline;
	uint32_t base_profile, base_site, base_start, base_runtime;
};

struct instance {
	const struct catalog *cat;
	const struct jobset *js;
	const struct solver_signals *sg;
	struct solver_grid grid;
	double *avail;  /* [(site * nres + r) * nslots + t]: capacity - busy */
	struct instance_job *jobs; /* [js->njobs] */
	size_t *topo;   /* job indices, every job after its predecessors */
	/* successors of job j: succ[succ_first[j] .. succ_first[j + 1]) */
	size_t *succ, *succ_first;
	struct solver_option *opts;
	size_t nopts, alloc_opts;
	struct solver_piece *pieces; /* of the split options */
	size_t npieces, alloc_pieces;
	struct solver_msgs warnings;
};

/* Runtime at speed 1.0 of job j's profile p at site s, -1 unknown. */
static inline int64_t instance_duration(const struct instance *in, size_t j,
					size_t p, size_t s)
{
	return in->jobs[j].duration_s[p * in->cat->nsites + s];
}

/*
 * The pieces of option o: a pointer into instance.pieces, or to *one
 * filled with [start, end) for a one-piece option.  Returns how many.
 */
size_t solver_option_pieces(const struct instance *in,
			    const struct solver_option *o,
			    const struct solver_piece **out,
			    struct solver_piece *one);

/*
 * The slots an option occupies, in order:
 *	struct solver_slots it;
 *	size_t t;
 *	for (solver_slots_begin(&it, in, o); solver_slots_next(&it, &t);)
 */
struct solver_slots {
	const struct solver_piece *pc;
	struct solver_piece one;
	size_t np, i, t;
};

static inline void solver_slots_begin(struct solver_slots *it,
				      const struct instance *in,
				      const struct solver_option *o)
{
	it->np = solver_option_pieces(in, o, &it->pc, &it->one);
	it->i = 0;
	it->t = it->np ? it->pc[0].start : 0;
}

static inline bool solver_slots_next(struct solver_slots *it, size_t *t)
{
	while (it->i < it->np &&
	       it->t >= (size_t)it->pc[it->i].start + it->pc[it->i].len) {
		if (++it->i < it->np)
			it->t = it->pc[it->i].start;
	}
	if (it->i >= it->np)
		return false;
	*t = it->t++;
	return true;
}

/*
 * The capacity cells ((site * nres + r) * nslots + t, like instance.avail)
 * an option takes, with the units it takes there, resources it does not
 * request skipped:
 *	for (solver_cells_begin(&it, in, o); solver_cells_next(&it, &c, &u);)
 */
struct solver_cells {
	const struct instance *in;
	const struct solver_option *o;
	const double *req;
	size_t r;
	struct solver_slots slots;
};
void solver_cells_begin(struct solver_cells *it, const struct instance *in,
			const struct solver_option *o);
bool solver_cells_next(struct solver_cells *it, size_t *cell, double *units);

/*
 * One placement to account for (an option, or the baseline): the slots
 * [start, start + runtime), or the npieces pieces when pieces is not NULL.
 */
struct solver_placement {
	size_t job, profile, site, start, runtime;
	const struct solver_piece *pieces;
	size_t npieces;
};

/* What a placement uses and emits. */
struct solver_cost {
	double energy_kwh, emissions_kg, cost;
	size_t missing_ci; /* slots without carbon intensity (counted 0) */
};

/*
 * THE accounting of the contract: for each slot the job occupies,
 * energy = P_W / 1000 x PUE(site, slot) x slot hours, emissions = energy x
 * CI / 1000, cost = energy x price / 1000 + resource-hours x cost_per_hour.
 * Slots past the grid or without CI emit nothing and count in missing_ci.
 */
void solver_account(const struct instance *in,
		    const struct solver_placement *pl, struct solver_cost *out);

/*
 * P_W of a job's profile at a site: power_w, else the power the runtime
 * hook learned for it, else resources x power_w.
 */
double solver_power_w(const struct instance *in, size_t job, size_t profile,
		      size_t site);
/* PUE of a site in a slot (base PUE when the temperature is unknown). */
double solver_pue(const struct instance *in, size_t site, size_t slot);

/* Runtime in slots of duration_s at a site's speed (0 if unknown). */
size_t solver_runtime_slots(const struct instance *in, int64_t duration_s,
			    size_t site);

/*
 * Appends the option of placement pl (pieces, if any, already in
 * instance.pieces from piece_first), accounted by solver_account().
 */
void instance_add_option(struct instance *in,
			 const struct solver_placement *pl, size_t piece_first);
/*
 * The same after the instance is built: the option joins the end of its
 * job's options, those of later jobs move up by one (option indices
 * held elsewhere go stale).
 */
void instance_insert_option(struct instance *in,
			    const struct solver_placement *pl,
			    size_t piece_first);
/* The pieces job may run in: max_pieces if interruptible, else 1. */
size_t solver_job_max_pieces(const struct job *job);
/*
 * Adds job j's split options at (profile p, site s) in the window
 * [first, end) for a runtime of rt slots; ok[i] says whether slot
 * first + i has carbon intensity and the units free (split.c).
 */
void instance_split_options(struct instance *in, size_t j, size_t p,
			    size_t s, size_t first, size_t end, size_t rt,
			    const bool *ok);

/*
 * The lowest objective any placement of job j can have, capacity aside,
 * over every slot set it may run in (not only its options); 0 when it
 * has no option.
 */
struct solver_opts;
double solver_job_floor(const struct instance *in,
			const struct solver_opts *o, size_t j);
/*
 * The least objective plus lambda (per cell, like instance.avail) x
 * units of a split job j over every slot set in its window at every
 * (profile, site) it has options at: its term in a Lagrangian bound.
 */
double solver_split_priced(const struct instance *in,
			   const struct solver_opts *o, size_t j,
			   const double *lambda);
/*
 * Column generation for split job j: at each (profile, site) it has
 * options at, the slot set least in objective plus lambda x units joins
 * its options (instance_insert_option()) when it prices below `listed`,
 * the least such price of the options it lists.  Returns how many joined.
 */
size_t instance_price_split(struct instance *in, const struct solver_opts *o,
			    size_t j, const double *lambda, double listed);
/* Whether some placeable job may run in pieces (options do not list
 * every slot set it may take: bounds over options alone are not true). */
bool solver_instance_split(const struct instance *in);

void instance_init(struct instance *in);
/*
 * Builds every feasible option.  hook may be NULL (no predictor): jobs
 * without a duration are then unplaced.  Fails only on a hook error.
 */
int instance_build(struct instance *in, const struct catalog *cat,
		   const struct jobset *js, const struct solver_signals *sg,
		   const struct runtime_hook *hook, struct errmsg *err);
void instance_release(struct instance *in);

/* ------------------------------------------------------------------ */
/* Policies and their result                                           */
/* ------------------------------------------------------------------ */

enum solver_objective {
	OBJ_CARBON,   /* kg CO2eq */
	OBJ_COST,     /* currency */
	OBJ_WEIGHTED, /* w_carbon x kg + w_cost x currency
			 + w_makespan x makespan hours (raw, not scaled) */
	OBJ_MAKESPAN, /* hours to the latest end; ties: least carbon */
};

struct solver_opts {
	const char *policy;     /* milp, greedy, fifo, round-robin, random */
	enum solver_objective objective;
	double w_carbon, w_cost; /* for OBJ_WEIGHTED */
	double w_makespan;       /* for OBJ_WEIGHTED, per hour */
	double time_limit_s;     /* milp only */
	double gap;              /* milp, search: stop once the relative gap
				  * to the proven bound is this small */
	uint64_t seed;           /* random only */
	bool verbose;            /* let GLPK talk */
	bool presolve;           /* milp: GLPK's presolver (no warm start) */
	/*
	 * milp: called at every step of the search with the seconds spent,
	 * the best objective found (NAN before the first) and the proven
	 * bound, so the command can show progress.  May be NULL.
	 */
	void (*progress)(void *ctx, double seconds, double incumbent,
			 double bound);
	void *progress_ctx;
};
void solver_opts_init(struct solver_opts *o);

/* The objective coefficient of an option. */
double solver_objective_of(const struct solver_opts *o,
			   const struct solver_option *opt);

struct assignment {
	long *opt;       /* [njobs]: index into instance.opts, -1 unplaced */
	char **reason;   /* [njobs]: why unplaced (owned), NULL if placed */
	size_t njobs;
	const char *status; /* "optimal", "feasible", "infeasible" */
	double objective_value, bound, gap, solve_seconds;
	struct solver_msgs notes; /* e.g. "time limit hit before ..." */
};

void assignment_init(struct assignment *a, size_t njobs);
void assignment_release(struct assignment *a);

/* Known policy names; "not implemented" ones are not listed. */
bool solver_policy_known(const char *name);

/*
 * Runs the policy named in o->policy.  Returns 0, or -1 with err filled
 * on a solver failure.
 */
int solver_run(const struct instance *in, const struct solver_opts *o,
	       struct assignment *a, struct errmsg *err);
/*
 * Column generation before milp (milp.c): while the relaxation's
 * capacity duals price a slot set of an interruptible job below its
 * listed options, that slot set joins them (instance_price_split());
 * within 15% of o->time_limit_s, of which it returns the seconds taken.
 * Only on an instance that owns its arrays (not makespan.c's cuts).
 */
double solver_milp_columns(struct instance *in, const struct solver_opts *o);

/* splitmix64: small, good enough, and its state is the caller's. */
uint64_t solver_random(uint64_t *state);

/* The individual policies (solver_run() dispatches to them). */
int solve_greedy(const struct instance *in, const struct solver_opts *o,
		 struct assignment *a);
/* greedy with price[k] added to the cost of option k (NULL: none). */
void solve_greedy_priced(const struct instance *in,
			 const struct solver_opts *o, const double *price,
			 struct assignment *a);
int solve_fifo(const struct instance *in, const struct solver_opts *o,
	       struct assignment *a);
int solve_round_robin(const struct instance *in, const struct solver_opts *o,
		      struct assignment *a);
int solve_random(const struct instance *in, const struct solver_opts *o,
		 struct assignment *a);
/* milp without GLPK: solver_search() alone. */
int solve_search(const struct instance *in, const struct solver_opts *o,
		 struct assignment *a);
int solve_milp(const struct instance *in, const struct solver_opts *o,
	       struct assignment *a, struct errmsg *err);
/*
 * makespan.c: o->policy on the instance cut at a few horizons, for
 * OBJ_MAKESPAN or a mix with w_makespan > 0; sets a true bound among the
 * plans placing the same jobs.
 */
int solve_makespan(const struct instance *in, const struct solver_opts *o,
		   struct assignment *a, struct errmsg *err);
/* Whether o needs solve_makespan(). */
bool solver_has_makespan(const struct solver_opts *o);
/* The objective of an assignment, the makespan part included (hours). */
double solver_makespan_objective(const struct instance *in,
				 const struct solver_opts *o,
				 const struct assignment *a);

/*
 * Checks an assignment against the instance: options belong to their
 * jobs, capacity holds in every site, resource and slot, successors start
 * after their predecessors end and are unplaced when one of them is.
 */
int solver_check(const struct instance *in, const struct assignment *a,
		 struct errmsg *err);

/*
 * Capacity prices (dual.c): lambda >= 0 per (site, resource, slot) cell,
 * indexed like instance.avail, and the Lagrangian bound they prove.
 */
struct solver_dual {
	double *lambda; /* [cells] */
	double *price;  /* [nopts]: lambda . units taken, per option */
	double *use;    /* [cells]: units of every job's pick */
	long *pick;     /* [njobs]: its least priced option, -1 when none */
	double *prefix; /* scratch: running sums of lambda */
	double *m;      /* scratch: each job's least priced cost */
};
/* Cells in an instance: sites x resources x slots. */
size_t solver_ncells(const struct instance *in);
/*
 * Per cell, the most the jobs that could run there could take all
 * together (each at its largest request there): a capacity row whose
 * demand does not exceed avail can never bind.  Caller frees.
 */
double *solver_cell_demand(const struct instance *in);
void solver_dual_init(struct solver_dual *d, const struct instance *in);
void solver_dual_release(struct solver_dual *d);
/* Fills d->price from d->lambda. */
void solver_dual_prices(const struct instance *in, struct solver_dual *d);
/*
 * The Lagrangian value at d->lambda (prices included): a true lower bound
 * on the objective of every plan that leaves at most `drop` jobs with
 * options unplaced; cost[k] is option k's objective coefficient.  Fills
 * price, pick and use (the subgradient is use - avail).  With `listed`,
 * split jobs count at their cheapest listed option, not their cheapest
 * slot set: faster, the same function over the options, but no bound
 * when an interruptible job has unlisted slot sets.
 */
double solver_dual_value(const struct instance *in,
			 const struct solver_opts *o, const double *cost,
			 struct solver_dual *d, size_t drop, bool listed);

/*
 * The search (search.c): a plan every job of which is placed whenever
 * repair can manage it, then improved by local search on the objective.
 * Builds plans by least slack with capacity-priced costs from a
 * Lagrangian relaxation of the capacity rows, repairs unplaced jobs by
 * ejecting and re-placing the jobs in their way, and improves with
 * moves, eject-moves and ruin-and-recreate rounds (seeded by --seed).
 * Sets a->bound to the Lagrangian dual at the best prices the volume
 * algorithm finds (a true lower bound: capacity and dependencies
 * relaxed), counted for as many unplaced jobs as the plan leaves out.
 * Deterministic: iteration counts, not the clock, end each phase (the
 * clock only cuts it short at time_limit_s).
 */
void solver_search(const struct instance *in, const struct solver_opts *o,
		   struct assignment *a);
/*
 * Plans worth combining (search.c): the local optimum each chain of ruin
 * and recreate ends in, and the search's best; no two alike.
 */
struct solver_pool {
	long *plans; /* [n * njobs]: options, like assignment.opt */
	size_t n, alloc, njobs;
};
void solver_pool_release(struct solver_pool *p);
/* solver_search() that also leaves its elite plans in pool (may be
 * NULL), which the caller releases. */
void solver_search_pool(const struct instance *in,
			const struct solver_opts *o, struct assignment *a,
			struct solver_pool *pool);
/*
 * Builds, repairs and improves a plan on costs priced by lambda (per
 * cell, like instance.avail: e.g. the duals of an LP's capacity rows),
 * and another that takes each job's option of largest x (per option:
 * the LP's values; may be NULL) where it fits; keeps the best in a.
 * a->bound is left as it is.
 */
void solver_search_prices(const struct instance *in,
			  const struct solver_opts *o, const double *lambda,
			  const double *x, struct assignment *a);

/*
 * The capacity bookkeeping the policies share: jobs are placed one at a
 * time, `used` counts what they take per (site, resource, slot) like
 * instance.avail, `decided` marks the jobs a list policy has dealt with.
 */
struct placer {
	const struct instance *in;
	struct assignment *a;
	double *used;
	bool *decided; /* [njobs] */
};
void placer_init(struct placer *pl, const struct instance *in,
		 struct assignment *a);
void placer_release(struct placer *pl);
bool placer_fits(const struct placer *pl, const struct solver_option *o);
/* Adds (sign 1) or takes back (sign -1) what an option uses. */
void placer_use(struct placer *pl, const struct solver_option *o,
		double sign);
/* Places the job of option oi there (it must be unplaced). */
void placer_commit(struct placer *pl, size_t oi);
/* First slot job j may start in after its placed predecessors end;
 * SIZE_MAX with *blocker set when one of them is unplaced. */
size_t placer_min_start(const struct placer *pl, size_t j, size_t *blocker);
/* The slot bound job j must end by for its placed successors. */
size_t placer_max_end(const struct placer *pl, size_t j);

/*
 * Sets the reason of every unplaced job: the instance's when it had no
 * option, else an unplaced predecessor or the capacity others took.
 */
void solver_explain_unplaced(const struct instance *in, struct assignment *a);

/* Sum of the objective over placed jobs. */
double solver_assignment_objective(const struct instance *in,
				   const struct solver_opts *o,
				   const struct assignment *a);

/*
 * (objective - bound) / |objective|: how far a plan may be from the best;
 * 0 for an objective of 0, where a relative figure means nothing.
 */
double solver_relative_gap(double objective, double bound);

/*
 * Fills the plan document (plan_init()ed by the caller): header, one entry
 * per placed job, unplaced jobs with their reasons, totals and the
 * baseline.  signal_source is copied.
 */
void solver_fill_plan(const struct instance *in, const struct solver_opts *o,
		      const struct assignment *a, struct plan *p);

/*
 * Runs `policy` (with o's objective, seed and time limit) on the same
 * instance and appends its totals, counted as solver_fill_plan() counts
 * them, to p->policies (oracle: in was built on recorded values), so a
 * plan carries its comparison with other policies.  0, or -1 with err
 * filled when the policy fails.
 */
int solver_add_policy(const struct instance *in, const struct solver_opts *o,
		      const char *policy, bool oracle, struct plan *p,
		      struct errmsg *err);

/* "milp: 20 jobs placed, 0 unplaced; 812.4 kg CO2eq against ..." */
void solver_summary(const struct plan *p, struct strbuf *out);

/* ------------------------------------------------------------------ */
/* Executing plans: export to schedulers, run on one host              */
/* ------------------------------------------------------------------ */

/*
 * export.c turns a plan into what a scheduler needs (sbatch lines, `at`
 * and `systemd-run` commands, Kubernetes Job manifests, JSON, CSV);
 * runner.c runs a plan on this host and records each run in the store's
 * job_run table.  Both take each job's command from the plan (`solve`
 * copies it from JOBS.json) and never build a shell command line from
 * anything but shell_quote()d words.
 */
extern const struct cmd_doc cmd_export_doc;
extern const struct cmd_doc cmd_run_doc;
int cmd_export(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_run(int argc, char **argv, struct cmd_ctx *ctx);

/* Appends s as one POSIX shell word: single-quoted, ' as '\''. */
void shell_quote(struct strbuf *out, const char *s);

enum export_format {
	EXPORT_SLURM,
	EXPORT_AT,
	EXPORT_SYSTEMD,
	EXPORT_KUBERNETES,
	EXPORT_JSON,
	EXPORT_CSV,
};

struct export_opts {
	enum export_format format;
	/*
	 * slurm and at write wall-clock times in the process's local zone
	 * (TZ); when tz is not NULL each command is prefixed with TZ=tz so
	 * that it reads them in that zone wherever it runs.
	 */
	const char *tz;
	int64_t slack_s;            /* slurm: --deadline = planned end + slack */
	const char *image;          /* kubernetes: container image */
	const char *namespace_;     /* kubernetes: NULL for none */
	const struct catalog *cat;  /* slurm cluster/partition; may be NULL */
	/* each warning (a job in parts these tools run in one), one line */
	void (*warn)(void *ud, const char *line);
	void *ud;
};

/*
 * 0 when tz names a zone this host knows (a tz database file, after an
 * optional ':', under $TZDIR or /usr/share/zoneinfo, or a POSIX TZ string
 * such as EST5EDT), else -1: glibc would silently read it as UTC.
 */
int export_tz_check(const char *tz, struct errmsg *err);
/* "slurm" etc. into *out; -1 for an unknown name. */
int export_format_parse(const char *name, enum export_format *out);
/*
 * Writes the placed jobs of p in o->format to out.  A job without a
 * command is an error for every format but json and csv.
 */
int export_plan(const struct plan *p, const struct export_opts *o,
		struct strbuf *out, struct errmsg *err);
/* Fails on the first job (of `site`, or any) without a command. */
int export_check_commands(const struct plan *p, const char *site,
			  struct errmsg *err);
/* Fills idx[njobs] with the jobs by planned start, ties in plan order. */
void export_order(const struct plan *p, size_t *idx);
/* Job id as a DNS-1123 label ("greenslot-" + id, with a hash if changed). */
void export_k8s_name(const char *id, struct strbuf *out);

/*
 * Host energy from RAPL powercap counters: the package zones
 * ROOT/intel-rapl:N/energy_uj (their subzones are parts of them).
 * rapl_open() finds them (n == 0 when the host has none, which is not an
 * error); rapl_poll() returns the joules counted since rapl_open(), each
 * counter's wraparound at max_energy_range_uj undone, or NAN without
 * counters.  Poll at least every few minutes: a counter wraps after
 * about an hour at a few hundred watts.
 */
struct rapl {
	char **paths;
	uint64_t *last, *range;
	size_t n;
	double total_j;
};
void rapl_open(struct rapl *r, const char *root);
double rapl_poll(struct rapl *r);
void rapl_release(struct rapl *r);
/* Microjoules counted from `then` to `now` by a counter wrapping at range. */
uint64_t rapl_diff(uint64_t then, uint64_t now, uint64_t range);

/*
 * The runner: runs the plan's jobs (those of `site` only, when it is not
 * NULL) at their planned start via /bin/sh -c COMMAND, or with `now` one
 * after another in plan order at once.  Every run is claimed in the
 * store (a 'started' row of job_run, one transaction) before the job
 * starts, so a job is never started twice, even across restarts: a
 * claimed run without an end found at start-up (the runner was killed)
 * is marked 'interrupted' and not run again; finished ones are skipped.
 * Runs end 'completed' (exit 0) or 'failed', with exit_status, start,
 * end and a share of the host's RAPL energy (each poll interval's split
 * equally among the jobs running in it).  Jobs planned in parts are
 * paused (SIGSTOP) between them.  SIGINT/SIGTERM stop starting jobs and wait for the
 * running ones; a second signal forwards SIGTERM to them.  Each event is
 * handed to note() as one line.
 */
struct runner_opts {
	const char *site;
	bool now;
	const char *powercap;       /* "/sys/class/powercap" */
	void (*note)(void *ud, const char *line);
	void *ud;
};

struct runner_stats {
	size_t started, completed, failed, interrupted, skipped;
	double energy_kwh;          /* of the runs started, NAN without RAPL */
	bool stopped;               /* a signal stopped it */
};

/*
 * Takes the runner lock of the store at db_path (flock on
 * DB_PATH.run.lock, close-on-exec) into *fd, or fails saying that
 * another runner holds it: one runner per store.  close(*fd) releases it.
 */
int runner_lock(const char *db_path, int *fd, struct errmsg *err);
/*
 * Fails on the first job (of `site`, or any) the runner cannot run: no
 * command, or segments that overlap or run backwards.
 */
int runner_check_plan(const struct plan *p, const char *site,
		      struct errmsg *err);
/* The store key of a job's run: source RUNNER_SOURCE, id "JOB@START". */
#define RUNNER_SOURCE "greenslot-run"
void runner_run_id(const struct plan_job *j, struct strbuf *out);
int runner_run(struct store *st, const struct plan *p,
	       const struct runner_opts *o, struct runner_stats *stats,
	       struct errmsg *err);

#endif
