/*
 * cmd-solve.c - `greenslot solve`: read jobs, read what the store knows
 * about the grid, place the jobs and write the plan.
 *
 * The only file of the solver that talks to the user: it parses options,
 * prints warnings and the one-line summary, and maps failures to the
 * contract's exit codes.
 */
#include "forecast/forecast.h"
#include "solver/solver.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>

static const struct cmd_opt solve_opts[] = {
	{"--sites SITES.json", "site catalog (required)"},
	{"--db PATH", "store holding the signals"},
	{"--start T", "start of the first slot (default: the earliest "
		      "earliest_start of the jobs, floored to a multiple of "
		      "the slot since 1970-01-01T00:00:00Z)"},
	{"--horizon D", "length planned (default PT48H)"},
	{"--slot D", "slot length (default PT30M)"},
	{"--policy milp|search|greedy|fifo|round-robin|random",
	 "how to place the jobs (default milp)"},
	{"--objective carbon|cost|makespan",
	 "what to minimize: kg CO2eq (default), cost, or makespan (hours "
	 "from the plan's start to the latest end; ties: least carbon)"},
	{"--weights W", "carbon=1,cost=0.2,makespan=0.1: minimize the "
			"weighted sum of the raw terms (kg, currency and "
			"hours, not normalized)"},
	{"--oracle", "plan on the recorded values instead of forecasts"},
	{"--time-limit S", "seconds milp and search may take (default 60); "
			   "when it cuts them short the plan can differ "
			   "from run to run"},
	{"--gap G", "milp and search stop once the plan is within G (a "
		    "fraction: 0.01 is 1%) of its proven bound (default 0: "
		    "run to the end or the time limit)"},
	{"--seed N", "seed of the random policy and of the search's "
		     "ruin-and-recreate rounds (default 1)"},
	{"--presolve", "milp: use GLPK's presolver (then no warm start from "
		       "the greedy plan)"},
	{"--runtime-quantile Q", "plan jobs without a duration on this "
				 "quantile of their predicted runtime: 0.9 "
				 "(default), 0.5, 0.8, 0.95 or 0.99"},
	{"-o PLAN.json", "where to write the plan (default stdout)"},
	{"-v, --verbose", "let GLPK report its progress"},
	{NULL, NULL},
};

const struct cmd_doc cmd_solve_doc = {
	"solve --sites SITES.json [--start T] [--horizon PT48H] "
	"[--slot PT30M] [--policy milp|search|greedy|fifo|round-robin|random] "
	"[--objective carbon|cost|makespan] [--weights carbon=1,cost=0.2] "
	"[--oracle] [--time-limit SECONDS] [--gap G] [-o PLAN.json] JOBS.json...",
	"place jobs in the slots and sites where they emit least",
	"Plans the jobs of JOBS.json over the slots [start, start + horizon) "
	"at the sites of SITES.json.  Each slot's carbon intensity, price, "
	"temperature (for a PUE object) and busy units come from the "
	"forecast issued last at or before --start (greenslot's own first), "
	"else from the recorded values; with --oracle only from the recorded "
	"values.  A slot without carbon intensity at a site is not used "
	"there.  milp places as many jobs as possible, then minimizes the "
	"objective: a search (least-slack greedy on costs priced by a "
	"Lagrangian relaxation of capacity, repair that pushes the jobs in "
	"the way aside, ruin-and-recreate local search) finds a plan and a "
	"proven bound, GLPK combines the best parts of the local optima the "
	"search ended in, then GLPK solves the time-indexed integer program "
	"from that plan, its linear relaxation priced plan and bound, when "
	"the model is small enough for the time left (with interruptible "
	"jobs, the slot sets their relaxation prices cheapest are first "
	"added as options: column generation); search is that search "
	"alone, deterministic unless the time limit cuts it short; "
	"greedy takes jobs by least slack and gives each its cheapest "
	"placement; fifo takes them by earliest_start and starts each as "
	"early as possible (first profile, then first site, on ties); "
	"round-robin is fifo with the sites taken in turn; random gives "
	"each a random placement that fits.  The baseline is each placed "
	"job at its earliest start at its first allowed site (catalog "
	"order; the first one that knows the carbon intensity of those "
	"slots, if any does) with its first profile, capacity ignored.  For the "
	"heuristics, `bound` is each placed job at its best placement with "
	"the others ignored.  A job profile without a duration gets, at "
	"each site, the runtime the model of 'greenslot train' predicts "
	"there, as 'greenslot predict' prints it (P90 by default, see "
	"--runtime-quantile), and the plan marks it runtime_predicted; a "
	"profile without power_w draws the power learned from the stored "
	"runs of the same user and executable that report energy, if any "
	"(predict's power_w); "
	"interruptible jobs may run in up to max_pieces pieces (the plan's "
	"segments).  The plan also lists, under plan.policies, the totals "
	"of greedy, fifo, round-robin and random on the same instance and, "
	"when the store has recorded carbon intensity for every slot the "
	"plan had one for, of the oracle (search on the recorded values, "
	"given a tenth of --time-limit, at most 10 s, which the plan's own "
	"policy leaves it).  "
	"A summary line goes to stderr.  Exit status 3 when a job is "
	"unplaced (the plan is still written).",
	solve_opts,
};

struct solve_args {
	gs_time start;
	int64_t horizon_s, slot_s;
	struct solver_opts so;
	bool objective_given, weights_given;
	bool oracle;
	double runtime_q;
	double oracle_row_s; /* time for plan.policies' oracle row; 0: none */
	const char *out;
};

static int parse_weights(const char *arg, struct solver_opts *so)
{
	const char *p = arg;

	so->w_carbon = so->w_cost = so->w_makespan = 0;
	while (*p) {
		const char *eq = strchr(p, '='), *comma;
		char *end;
		double v;
		if (!eq)
			return error("invalid --weights '%s' (want "
				     "carbon=W,cost=W)", arg);
		v = strtod(eq + 1, &end);
		if (end == eq + 1 || (*end && *end != ',') || !isfinite(v) ||
		    v < 0)
			return error("invalid weight in --weights '%s'", arg);
		if (eq - p == 6 && !strncmp(p, "carbon", 6))
			so->w_carbon = v;
		else if (eq - p == 4 && !strncmp(p, "cost", 4))
			so->w_cost = v;
		else if (eq - p == 8 && !strncmp(p, "makespan", 8))
			so->w_makespan = v;
		else
			return error("unknown weight '%.*s' in --weights "
				     "(want carbon, cost or makespan)",
				     (int)(eq - p), p);
		comma = end;
		p = *comma ? comma + 1 : comma;
	}
	so->objective = OBJ_WEIGHTED;
	return 0;
}

static int parse_objective(const char *arg, struct solver_opts *so)
{
	if (!strcmp(arg, "carbon"))
		so->objective = OBJ_CARBON;
	else if (!strcmp(arg, "cost"))
		so->objective = OBJ_COST;
	else if (!strcmp(arg, "makespan"))
		so->objective = OBJ_MAKESPAN;
	else
		return error("unknown objective '%s' (want carbon, cost or "
			     "makespan)", arg);
	return 0;
}

static int parse_seed(const char *arg, uint64_t *seed)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (!*arg || *end || errno || *arg == '-')
		return error("invalid --seed '%s'", arg);
	*seed = v;
	return 0;
}

enum {
	OPT_START = 256,
	OPT_HORIZON,
	OPT_SLOT,
	OPT_POLICY,
	OPT_OBJECTIVE,
	OPT_WEIGHTS,
	OPT_ORACLE,
	OPT_TIME_LIMIT,
	OPT_GAP,
	OPT_SEED,
	OPT_PRESOLVE,
	OPT_RUNTIME_Q,
};

static const struct option long_opts[] = {
	{"start", required_argument, NULL, OPT_START},
	{"horizon", required_argument, NULL, OPT_HORIZON},
	{"slot", required_argument, NULL, OPT_SLOT},
	{"policy", required_argument, NULL, OPT_POLICY},
	{"objective", required_argument, NULL, OPT_OBJECTIVE},
	{"weights", required_argument, NULL, OPT_WEIGHTS},
	{"oracle", no_argument, NULL, OPT_ORACLE},
	{"time-limit", required_argument, NULL, OPT_TIME_LIMIT},
	{"gap", required_argument, NULL, OPT_GAP},
	{"seed", required_argument, NULL, OPT_SEED},
	{"presolve", no_argument, NULL, OPT_PRESOLVE},
	{"runtime-quantile", required_argument, NULL, OPT_RUNTIME_Q},
	{"output", required_argument, NULL, 'o'},
	{"verbose", no_argument, NULL, 'v'},
	{NULL, 0, NULL, 0},
};

static int parse_quantile(const char *arg, double *q)
{
	if (opt_double("--runtime-quantile", arg, q) < 0)
		return -1;
	if (rt_quantile_known(*q))
		return 0;
	return error("--runtime-quantile %s is not calibrated (want 0.5, "
		     "0.8, 0.9, 0.95 or 0.99)", arg);
}

static int parse_one(int c, const char *arg, struct solve_args *sa)
{
	switch (c) {
	case OPT_START:
		return opt_time("--start", arg, &sa->start);
	case OPT_HORIZON:
		return opt_duration("--horizon", arg, &sa->horizon_s);
	case OPT_SLOT:
		return opt_duration("--slot", arg, &sa->slot_s);
	case OPT_POLICY:
		sa->so.policy = arg;
		return 0;
	case OPT_OBJECTIVE:
		sa->objective_given = true;
		return parse_objective(arg, &sa->so);
	case OPT_WEIGHTS:
		sa->weights_given = true;
		return parse_weights(arg, &sa->so);
	case OPT_ORACLE:
		sa->oracle = true;
		return 0;
	case OPT_TIME_LIMIT:
		if (opt_double("--time-limit", arg, &sa->so.time_limit_s) < 0)
			return -1;
		if (!(sa->so.time_limit_s > 0))
			return error("--time-limit must be positive");
		return 0;
	case OPT_GAP:
		if (opt_double("--gap", arg, &sa->so.gap) < 0)
			return -1;
		if (!(sa->so.gap >= 0 && sa->so.gap < 1))
			return error("--gap must be at least 0 and below 1");
		return 0;
	case OPT_SEED:
		return parse_seed(arg, &sa->so.seed);
	case OPT_PRESOLVE:
		sa->so.presolve = true;
		return 0;
	case OPT_RUNTIME_Q:
		return parse_quantile(arg, &sa->runtime_q);
	case 'o':
		sa->out = arg;
		return 0;
	case 'v':
		sa->so.verbose = true;
		return 0;
	default:
		return -1;
	}
}

static int parse_args(int argc, char **argv, struct solve_args *sa)
{
	int c;

	memset(sa, 0, sizeof(*sa));
	sa->start = GS_TIME_NONE;
	sa->horizon_s = 48 * 3600;
	sa->slot_s = 1800;
	sa->out = "-";
	sa->runtime_q = 0.9;
	solver_opts_init(&sa->so);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:v", long_opts, NULL)) != -1)
		if (parse_one(c, optarg, sa) < 0)
			return -1;
	if (optind >= argc)
		return error("no JOBS.json given");
	if (sa->objective_given && sa->weights_given)
		return error("give --objective or --weights, not both");
	if (!solver_policy_known(sa->so.policy))
		return error("unknown policy '%s' (want milp, search, greedy, "
			     "fifo, round-robin or random)", sa->so.policy);
	if (sa->slot_s <= 0 || sa->horizon_s <= 0)
		return error("--slot and --horizon must be positive");
	if (sa->horizon_s / sa->slot_s > 100000)
		return error("--horizon %lld s holds too many slots of %lld s",
			     (long long)sa->horizon_s, (long long)sa->slot_s);
	return 0;
}

static int load_jobs(struct jobset *js, const struct catalog *cat,
		     int argc, char **argv)
{
	struct errmsg err;

	if (jobset_load_files(js, cat, argv + optind, (size_t)(argc - optind),
			      &err) < 0)
		return error("%s", err.msg);
	return 0;
}

/* The grid: --start, else the earliest earliest_start on the slot grid. */
static int make_grid(const struct solve_args *sa, const struct jobset *js,
		     struct solver_grid *g)
{
	g->start = sa->start;
	g->slot_s = sa->slot_s;
	g->nslots = (size_t)((sa->horizon_s + sa->slot_s - 1) / sa->slot_s);
	if (g->start != GS_TIME_NONE)
		return 0;
	for (size_t j = 0; j < js->njobs; j++) {
		gs_time t = js->jobs[j].earliest_start;
		if (t != GS_TIME_NONE && (g->start == GS_TIME_NONE ||
					  t < g->start))
			g->start = t;
	}
	if (g->start == GS_TIME_NONE)
		return error("no --start given and no job has an "
			     "earliest_start");
	g->start = time_floor(g->start, g->slot_s);
	return 0;
}

static void print_msgs(const struct solver_msgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		warning("%s", m->v[i]);
}

/* Cost without prices is resources only: say so when cost matters. */
static void warn_no_price(const struct solver_signals *sg,
			  const struct catalog *cat,
			  const struct solver_opts *so)
{
	if (so->objective == OBJ_CARBON ||
	    (so->objective == OBJ_WEIGHTED && so->w_cost == 0))
		return;
	for (size_t s = 0; s < cat->nsites; s++) {
		bool any = false;
		for (size_t t = 0; t < sg->grid.nslots && !any; t++)
			any = !isnan(sg->price[s * sg->grid.nslots + t]);
		if (!any)
			warning("no price for zone '%s' (site '%s'): energy "
				"cost counted as 0 there", cat->sites[s].zone,
				cat->sites[s].id);
	}
}

/* The MILP's search, on one stderr line redrawn at most 5 times a second. */
struct search_progress {
	double shown_at;
	bool shown;
};

static void show_progress(void *vctx, double seconds, double best,
			  double bound)
{
	struct search_progress *sp = vctx;

	if (sp->shown && seconds - sp->shown_at < 0.2)
		return;
	sp->shown = true;
	sp->shown_at = seconds;
	if (isnan(best))
		fprintf(stderr, "\rmilp: %.1f s, bound %.6g, no plan yet   ",
			seconds, bound);
	else
		fprintf(stderr, "\rmilp: %.1f s, best %.6g, bound %.6g   ",
			seconds, best, bound);
}

/*
 * solver_run(), milp first adding interruptible jobs' slot sets by
 * column generation (not for a makespan objective: makespan.c runs milp
 * on cut copies of the instance), within the same time limit.
 */
static int run_milp_columns(struct instance *in, const struct solver_opts *o,
			    struct assignment *a, struct errmsg *err)
{
	struct solver_opts left = *o;
	double spent = 0;
	int ret;

	if (!strcmp(o->policy, "milp") && !solver_has_makespan(o)) {
		spent = solver_milp_columns(in, o);
		left.time_limit_s -= spent;
	}
	ret = solver_run(in, &left, a, err);
	a->solve_seconds += spent;
	return ret;
}

/* Runs the policy, showing the search's progress on a terminal. */
static int run_policy(struct solve_args *sa, const struct cmd_ctx *ctx,
		      struct instance *in, struct assignment *a,
		      struct errmsg *err)
{
	struct search_progress sp = {0, false};
	int ret;

	if (ctx->stderr_tty && !sa->so.verbose) {
		sa->so.progress = show_progress;
		sa->so.progress_ctx = &sp;
	}
	ret = run_milp_columns(in, &sa->so, a, err);
	if (sp.shown)
		fprintf(stderr, "\r%60s\r", "");
	sa->so.progress = NULL;
	return ret;
}

/*
 * The runtime predictor behind the solver's hook: predict's rows
 * (rt_predict_jobs), so that solve plans each job at each site on the
 * runtime and power `predict` prints for it there.
 */
struct predict_ctx {
	struct rt_predictor p;
	const struct catalog *cat;
	const struct jobset *js;
	double q;
	struct rt_job_pred *rows; /* in job, profile, site order */
	size_t nrows;
};

/* Per site, the duration at speed 1.0 that runs the predicted time. */
static int predict_duration(void *vctx, const struct job *job,
			    size_t profile, int64_t *duration_s,
			    struct errmsg *err)
{
	struct predict_ctx *pc = vctx;
	size_t j = (size_t)(job - pc->js->jobs), i = 0, hi, got = 0;

	if (!pc->rows && rt_predict_jobs(&pc->p, pc->cat, pc->js, pc->q,
					 true, &pc->rows, &pc->nrows,
					 err) < 0)
		return -1;
	for (hi = pc->nrows; i < hi;) { /* the first row of (j, profile) */
		size_t mid = i + (hi - i) / 2;
		const struct rt_job_pred *r = &pc->rows[mid];
		if (r->job < j || (r->job == j && r->profile < profile))
			i = mid + 1;
		else
			hi = mid;
	}
	for (; i < pc->nrows && pc->rows[i].job == j &&
	       pc->rows[i].profile == profile; i++, got++) {
		double speed = pc->cat->sites[pc->rows[i].site].speed;
		double d = ceil(pc->rows[i].pq * (speed > 0 ? speed : 1) - 1e-6);
		if (d >= 0 && d < 1e15) /* else unknown there */
			duration_s[pc->rows[i].site] = (int64_t)d;
	}
	return got > 0;
}

static void predict_release(struct predict_ctx *pc)
{
	rt_predictor_release(&pc->p);
	free(pc->rows);
}

static double predict_power(void *vctx, const struct job *job,
			    size_t profile)
{
	struct predict_ctx *pc = vctx;

	if (!pc->p.nruns) /* the usual store, which never trained */
		return (double)NAN;
	return rt_job_learned_w(&pc->p, pc->cat, job, profile);
}

/* The first job with a profile lacking a duration, or NULL. */
static const struct job *job_without_duration(const struct jobset *js)
{
	for (size_t j = 0; j < js->njobs; j++)
		for (size_t p = 0; p < js->jobs[j].nprofiles; p++)
			if (js->jobs[j].profiles[p].duration_s < 0)
				return &js->jobs[j];
	return NULL;
}

/*
 * Loads the predictor: the stored runs' statistics (learned power) and,
 * when a job needs it, the model; an exit code.  Without a trained model
 * the job is named where it was written: its input is what cannot be
 * planned.
 */
static int load_predictor(struct cmd_ctx *ctx, const struct jobset *js,
			  struct predict_ctx *pc)
{
	const struct job *job = job_without_duration(js);
	struct errmsg err;
	int ret;

	pc->cat = ctx->catalog;
	ret = job ? rt_predictor_load(&pc->p, ctx->store, &err)
		  : rt_predictor_load_runs(&pc->p, ctx->store, &err);
	if (ret < 0) {
		error("%s", err.msg);
		return EXIT_RUNTIME;
	}
	if (ret > 0) {
		err_at(&err, job->file, job->line, job->col,
		       "job '%s' has no duration and '%s' has no trained "
		       "runtime model (run 'greenslot train HISTORY...')",
		       job->id, ctx->db_path);
		error("%s", err.msg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The quantile the plan's predicted runtimes were taken at, if any was. */
static double planned_quantile(const struct instance *in, double q)
{
	for (size_t j = 0; j < in->js->njobs; j++)
		if (in->jobs[j].predicted)
			return q;
	return (double)NAN;
}

/*
 * plan.policies: the cheap yardsticks, solved on the same instance in
 * milliseconds, and the oracle (the search on the recorded values) when
 * the store has recorded carbon intensity wherever the plan had a value,
 * so one plan carries its comparison.  The oracle's time, a tenth of
 * --time-limit and at most ORACLE_SECONDS, comes out of the plan's own so
 * that the whole solve keeps to the limit.
 */
static const char *const yardsticks[] = {"greedy", "fifo", "round-robin",
					 "random"};
#define ORACLE_POLICY "search"
#define ORACLE_SECONDS 10.0

/* Whether rec knows the carbon intensity of every slot `as` knows. */
static bool recorded_cover(const struct solver_signals *as,
			   const struct solver_signals *rec)
{
	size_t n = as->nsites * as->grid.nslots, known = 0;

	for (size_t i = 0; i < n; i++) {
		if (isnan(as->ci[i]))
			continue;
		if (isnan(rec->ci[i]))
			return false;
		known++;
	}
	return known > 0;
}

/*
 * Loads the recorded values into rec for the oracle row, when they cover
 * the plan's slots (not for a plan that is the oracle itself), and sets
 * the row's time aside.
 */
static int load_oracle_row(struct solve_args *sa, struct cmd_ctx *ctx,
			   const struct solver_signals *sg,
			   struct solver_signals *rec, struct errmsg *err)
{
	double *limit = &sa->so.time_limit_s;

	sa->oracle_row_s = 0;
	if (sa->oracle)
		return 0;
	if (solver_signals_load(rec, ctx->store, ctx->catalog, true, err) < 0)
		return -1;
	if (!recorded_cover(sg, rec))
		return 0;
	sa->oracle_row_s = fmin(ORACLE_SECONDS, *limit / 10);
	*limit -= sa->oracle_row_s;
	return 0;
}

static int add_oracle(const struct solve_args *sa, struct cmd_ctx *ctx,
		      const struct runtime_hook *hook,
		      const struct instance *in,
		      const struct solver_signals *rec, struct plan *plan,
		      struct errmsg *err)
{
	struct solver_opts o = sa->so;
	struct instance oin;
	int ret;

	o.time_limit_s = sa->oracle_row_s;
	instance_init(&oin);
	ret = instance_build(&oin, ctx->catalog, in->js, rec, hook, err);
	if (!ret)
		ret = solver_add_policy(&oin, &o, ORACLE_POLICY, true, plan,
					err);
	instance_release(&oin);
	return ret;
}

/* Before the plan's own policy, which may add options to the instance
 * (column generation), so each row is what that policy alone gives. */
static int add_yardsticks(const struct solve_args *sa,
			  const struct instance *in, struct plan *plan,
			  struct errmsg *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(yardsticks); i++)
		if (strcmp(yardsticks[i], sa->so.policy) &&
		    solver_add_policy(in, &sa->so, yardsticks[i], sa->oracle,
				      plan, err) < 0)
			return -1;
	return 0;
}

/* Signals, instance, policy, plan; returns an exit code. */
static int plan_jobs(struct solve_args *sa, struct cmd_ctx *ctx,
		     const struct jobset *js, const struct solver_grid *g)
{
	struct predict_ctx pc = {.q = sa->runtime_q, .js = js};
	struct runtime_hook hook = {predict_duration, predict_power, &pc};
	const struct catalog *cat = ctx->catalog;
	struct solver_signals sg, rec;
	struct instance in;
	struct assignment a;
	struct plan plan;
	struct strbuf sum;
	struct errmsg err;
	int ret = load_predictor(ctx, js, &pc);

	if (ret != EXIT_OK) {
		predict_release(&pc);
		return ret;
	}
	ret = EXIT_RUNTIME;
	solver_signals_init(&sg, g, cat->nsites, cat->nresources);
	solver_signals_init(&rec, g, cat->nsites, cat->nresources);
	instance_init(&in);
	assignment_init(&a, js->njobs);
	plan_init(&plan);
	strbuf_init(&sum);
	if (solver_signals_load(&sg, ctx->store, cat, sa->oracle, &err) < 0 ||
	    load_oracle_row(sa, ctx, &sg, &rec, &err) < 0 ||
	    instance_build(&in, cat, js, &sg, &hook,
			   &err) < 0 ||
	    add_yardsticks(sa, &in, &plan, &err) < 0 ||
	    run_policy(sa, ctx, &in, &a, &err) < 0) {
		error("%s", err.msg);
		goto out;
	}
	print_msgs(&sg.warnings);
	print_msgs(&in.warnings);
	warn_no_price(&sg, cat, &sa->so);
	print_msgs(&a.notes);
	solver_fill_plan(&in, &sa->so, &a, &plan);
	plan.oracle = sa->oracle;
	plan.runtime_quantile = planned_quantile(&in, sa->runtime_q);
	if ((sa->oracle_row_s > 0 &&
	     add_oracle(sa, ctx, &hook, &in, &rec, &plan, &err) < 0) ||
	    plan_write(&plan, sa->out, &err) < 0) {
		error("%s", err.msg);
		goto out;
	}
	solver_summary(&plan, &sum);
	fprintf(stderr, "%s\n", sum.buf);
	ret = plan.nunplaced ? EXIT_UNPLACED : EXIT_OK;
out:
	if (ctx->metrics_path && metrics_solve(&plan, ctx->metrics_path,
					       ret != EXIT_RUNTIME, &err) < 0)
		warning("%s", err.msg);
	strbuf_release(&sum);
	plan_release(&plan);
	assignment_release(&a);
	instance_release(&in);
	solver_signals_release(&rec);
	solver_signals_release(&sg);
	predict_release(&pc);
	return ret;
}

int cmd_solve(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct solve_args sa;
	struct solver_grid g;
	struct jobset js;
	int ret;

	if (parse_args(argc, argv, &sa) < 0)
		return EXIT_USAGE;
	if (!ctx->catalog) {
		error("solve needs --sites SITES.json");
		return EXIT_USAGE;
	}
	jobset_init(&js);
	if (load_jobs(&js, ctx->catalog, argc, argv) < 0 ||
	    make_grid(&sa, &js, &g) < 0) {
		jobset_release(&js);
		return EXIT_USAGE;
	}
	ret = cmd_store(ctx) ? plan_jobs(&sa, ctx, &js, &g) : EXIT_RUNTIME;
	jobset_release(&js);
	return ret;
}
