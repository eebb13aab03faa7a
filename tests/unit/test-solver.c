/*
 * test-solver.c - unit tests of the solver on instances built in memory
 * (catalog, jobs and signals by hand, no store): known optima, the
 * reasons of unplaced jobs, dependencies, what fifo and greedy choose,
 * the accounting (PUE object, price, cost per hour, slot rounding) and
 * the plan document.
 */
#include "solver/solver.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>
#include <cmocka.h>

/* cmocka's assert_float_equal() compares floats; these are doubles. */
#define assert_near(a, b, eps) near_((a), (b), (eps), __FILE__, __LINE__)

static void near_(double a, double b, double eps, const char *file,
		  int line)
{
	if (fabs(a - b) <= eps)
		return;
	print_error("%.17g is not %.17g (within %g)\n", a, b, eps);
	_fail(file, line);
}

/* 2021-06-28T00:00:00Z, the start of every grid here */
#define T0 ((gs_time)1624838400)
#define H 3600

/* A whole problem: sites, jobs, signals, and the instance built on them. */
struct world {
	struct catalog cat;
	struct jobset js;
	struct solver_signals sg;
	struct instance in;
	struct solver_opts so;
	bool built;
};

/* nsites sites "s0".. in zones "Z0".., one resource "gpu", PUE 1. */
static void world_init(struct world *w, size_t nsites, size_t nslots,
		       int64_t slot_s)
{
	struct solver_grid g = {T0, slot_s, nslots};

	memset(w, 0, sizeof(*w));
	w->cat.nresources = 1;
	w->cat.resources = xmalloc(sizeof(char *));
	w->cat.resources[0] = xstrdup("gpu");
	w->cat.nsites = nsites;
	w->cat.sites = xcalloc(nsites, sizeof(struct site));
	for (size_t i = 0; i < nsites; i++) {
		struct site *s = &w->cat.sites[i];
		char buf[32];
		snprintf(buf, sizeof(buf), "s%zu", i);
		s->id = xstrdup(buf);
		s->weather = xstrdup(buf);
		snprintf(buf, sizeof(buf), "Z%zu", i);
		s->zone = xstrdup(buf);
		s->capacity = xcalloc(1, sizeof(double));
		s->power_w = xcalloc(1, sizeof(double));
		s->cost_per_hour = xcalloc(1, sizeof(double));
		s->capacity[0] = 1;
		s->power_w[0] = 1000;
		s->pue_base = 1;
		s->speed = 1;
	}
	jobset_init(&w->js);
	solver_signals_init(&w->sg, &g, nsites, 1);
	solver_opts_init(&w->so);
	w->so.time_limit_s = 20;
}

static void world_release(struct world *w)
{
	instance_release(&w->in);
	solver_signals_release(&w->sg);
	jobset_release(&w->js);
	catalog_release(&w->cat);
}

/* Sets the carbon intensity of site s for its first n slots. */
static void set_ci(struct world *w, size_t s, const double *ci, size_t n)
{
	for (size_t t = 0; t < n; t++)
		w->sg.ci[s * w->sg.grid.nslots + t] = ci[t];
}

/* A job of `gpu` units for duration_s, window in whole slots. */
static size_t add_job(struct world *w, const char *id, size_t first,
		      size_t end, int64_t duration_s, double gpu)
{
	struct job *j;
	int64_t slot = w->sg.grid.slot_s;

	w->js.jobs = xrealloc(w->js.jobs,
			      (w->js.njobs + 1) * sizeof(*w->js.jobs));
	j = &w->js.jobs[w->js.njobs];
	memset(j, 0, sizeof(*j));
	j->id = xstrdup(id);
	j->quantity = (double)NAN;
	j->earliest_start = T0 + (gs_time)first * slot;
	j->latest_finish = T0 + (gs_time)end * slot;
	j->nprofiles = 1;
	j->profiles = xcalloc(1, sizeof(struct profile));
	j->profiles[0].resources = xcalloc(1, sizeof(double));
	j->profiles[0].resources[0] = gpu;
	j->profiles[0].duration_s = duration_s;
	j->profiles[0].power_w = (double)NAN;
	j->allowed = xmalloc(w->cat.nsites * sizeof(bool));
	for (size_t s = 0; s < w->cat.nsites; s++)
		j->allowed[s] = true;
	return w->js.njobs++;
}

static void add_after(struct world *w, size_t k, size_t j)
{
	struct job *job = &w->js.jobs[k];

	job->after = xrealloc(job->after, (job->nafter + 1) * sizeof(size_t));
	job->after_ref = xrealloc(job->after_ref,
				  (job->nafter + 1) * sizeof(struct job_ref));
	memset(&job->after_ref[job->nafter], 0, sizeof(struct job_ref));
	job->after[job->nafter++] = j;
}

static void build(struct world *w)
{
	struct errmsg err;

	assert_int_equal(instance_build(&w->in, &w->cat, &w->js, &w->sg,
					NULL, &err), 0);
	w->built = true;
}

/* Runs a policy and checks its assignment; the caller releases it. */
static void run(struct world *w, const char *policy, struct assignment *a)
{
	struct errmsg err = {""};

	w->so.policy = policy;
	assignment_init(a, w->js.njobs);
	if (solver_run(&w->in, &w->so, a, &err) < 0)
		fail_msg("%s: %s", policy, err.msg);
}

static const struct solver_option *placed(const struct world *w,
					  const struct assignment *a,
					  size_t j)
{
	assert_true(a->opt[j] >= 0);
	return &w->in.opts[a->opt[j]];
}

/* ------------------------------------------------------------------ */

/*
 * Two one-slot jobs, one unit of capacity, CI 100 then 200: one of them
 * has to take the dirtier slot; 1 kWh each, so 0.1 + 0.2 kg.
 */
static void test_two_jobs_one_unit(void **state)
{
	static const double ci[] = {100, 200};
	const char *policies[] = {"milp", "greedy", "fifo"};
	struct world w;

	world_init(&w, 1, 2, H);
	set_ci(&w, 0, ci, 2);
	add_job(&w, "a", 0, 2, H, 1);
	add_job(&w, "b", 0, 2, H, 1);
	build(&w);
	assert_int_equal(w.in.nopts, 4);
	for (size_t i = 0; i < 3; i++) {
		struct assignment a;
		run(&w, policies[i], &a);
		assert_true(placed(&w, &a, 0)->start !=
			    placed(&w, &a, 1)->start);
		assert_near(a.objective_value, 0.3, 1e-12);
		if (i == 0) {
			assert_string_equal(a.status, "optimal");
			assert_near(a.bound, 0.3, 1e-12);
			assert_near(a.gap, 0, 1e-12);
		} else {
			assert_string_equal(a.status, "feasible");
		}
		assignment_release(&a);
	}
	world_release(&w);
}

/*
 * Greedy takes the least-slack job first and gives it the cleanest pair
 * of slots, which pushes the heavy one-slot job into a dirty slot; the
 * MILP does the opposite.  CI 10, 50, 100, 1000; a: 1 kW for 2 slots,
 * b: 3 kW for 1 slot.  Greedy 0.06 + 0.3 kg, optimum 0.15 + 0.03 kg.
 */
static void test_milp_beats_greedy(void **state)
{
	static const double ci[] = {10, 50, 100, 1000};
	struct assignment g, m;
	struct world w;

	world_init(&w, 1, 4, H);
	set_ci(&w, 0, ci, 4);
	add_job(&w, "a", 0, 4, 2 * H, 1);
	add_job(&w, "b", 0, 4, H, 1);
	w.js.jobs[1].profiles[0].power_w = 3000;
	build(&w);
	run(&w, "greedy", &g);
	run(&w, "milp", &m);
	assert_near(g.objective_value, 0.36, 1e-12);
	assert_int_equal(placed(&w, &g, 0)->start, 0);
	assert_int_equal(placed(&w, &g, 1)->start, 2);
	assert_near(m.objective_value, 0.18, 1e-12);
	assert_string_equal(m.status, "optimal");
	assert_int_equal(placed(&w, &m, 0)->start, 1);
	assert_int_equal(placed(&w, &m, 1)->start, 0);
	assignment_release(&g);
	assignment_release(&m);
	world_release(&w);
}

static const char *reason_of(const struct world *w, const char *id)
{
	for (size_t j = 0; j < w->js.njobs; j++)
		if (!strcmp(w->js.jobs[j].id, id))
			return w->in.jobs[j].reason ? w->in.jobs[j].reason
						    : "(placeable)";
	return "(no such job)";
}

static void test_unplaced_reasons(void **state)
{
	double ci[6] = {100, 100, 100, 100, (double)NAN, (double)NAN};
	struct assignment a;
	struct world w;
	size_t j;

	world_init(&w, 2, 6, H);
	set_ci(&w, 0, ci, 6);
	set_ci(&w, 1, ci, 6);
	w.cat.sites[0].nlatency = 1;
	w.cat.sites[0].latency_region = xmalloc(sizeof(char *));
	w.cat.sites[0].latency_region[0] = xstrdup("EU");
	w.cat.sites[0].latency_ms = xmalloc(sizeof(double));
	w.cat.sites[0].latency_ms[0] = 30;
	w.sg.busy[1 * 6 + 2] = 1; /* site 1 slot 2: taken by other work */

	add_job(&w, "nodur", 0, 6, -1, 1);
	add_job(&w, "big", 0, 6, H, 4);
	add_job(&w, "short", 1, 3, 3 * H, 1);
	j = add_job(&w, "far", 0, 6, H, 1);
	w.js.jobs[j].latency_users = xstrdup("EU");
	w.js.jobs[j].latency_max_ms = 20;
	add_job(&w, "dark", 4, 6, H, 1);
	j = add_job(&w, "busy", 2, 3, H, 1);
	w.js.jobs[j].allowed[0] = false;
	add_after(&w, add_job(&w, "next", 0, 6, H, 1), 1);
	j = add_job(&w, "slow", 0, 6, 4 * H, 1);
	w.js.jobs[j].quantity = 10;
	w.js.jobs[j].min_throughput = 3;
	w.js.jobs[j].unit = xstrdup("epoch");
	add_job(&w, "late", 0, 0, H, 1);
	w.js.jobs[w.js.njobs - 1].latest_finish = T0 - H;
	build(&w);

	assert_string_equal(reason_of(&w, "nodur"),
			    "no duration and no trained runtime model");
	assert_string_equal(reason_of(&w, "big"),
			    "needs 4 'gpu' but no allowed site has that many");
	assert_string_equal(reason_of(&w, "short"),
			    "window from 2021-06-28T01:00:00Z to "
			    "2021-06-28T03:00:00Z (on the slot grid, within "
			    "the horizon) is shorter than its runtime PT3H");
	assert_string_equal(reason_of(&w, "far"),
			    "no allowed site within 20 ms of users 'EU'");
	assert_string_equal(reason_of(&w, "dark"),
			    "no carbon intensity for any start in its window "
			    "at its allowed sites");
	assert_string_equal(reason_of(&w, "busy"),
			    "no start in its window where an allowed site has "
			    "the resources free of other work");
	assert_string_equal(reason_of(&w, "next"),
			    "after 'big', which cannot be placed");
	assert_string_equal(reason_of(&w, "slow"),
			    "no allowed site reaches min_throughput 3 epoch "
			    "per hour");
	assert_string_equal(reason_of(&w, "late"),
			    "latest_finish 2021-06-27T23:00:00Z is not after "
			    "the start of the planning horizon "
			    "2021-06-28T00:00:00Z");

	/* the policies carry the reasons over */
	run(&w, "milp", &a);
	for (size_t k = 0; k < w.js.njobs; k++) {
		assert_true(a.opt[k] < 0);
		assert_string_equal(a.reason[k], w.in.jobs[k].reason);
	}
	assignment_release(&a);
	world_release(&w);
}

/*
 * Both jobs want slot 1; b runs after a, so it waits for a to end.  The
 * MILP with dependencies must not run b early even though that is
 * cheaper.
 */
static void test_dependency_order(void **state)
{
	static const double ci[] = {1000, 10, 20, 30};
	const char *policies[] = {"milp", "greedy", "fifo", "round-robin",
				  "random"};
	struct world w;

	world_init(&w, 1, 4, H);
	w.cat.sites[0].capacity[0] = 2;
	set_ci(&w, 0, ci, 4);
	add_job(&w, "b", 0, 4, H, 1);
	add_job(&w, "a", 0, 4, H, 1);
	add_after(&w, 0, 1);
	build(&w);
	/* b cannot start before a could end: slot 1 at the earliest */
	for (size_t k = w.in.jobs[0].first_opt;
	     k < w.in.jobs[0].first_opt + w.in.jobs[0].nopts; k++)
		assert_true(w.in.opts[k].start >= 1);
	for (size_t i = 0; i < 5; i++) {
		struct assignment a;
		run(&w, policies[i], &a);
		assert_true(placed(&w, &a, 0)->start >=
			    placed(&w, &a, 1)->start + 1);
		if (i < 2) {
			assert_int_equal(placed(&w, &a, 1)->start, 1);
			assert_int_equal(placed(&w, &a, 0)->start, 2);
		}
		assignment_release(&a);
	}
	world_release(&w);
}

/*
 * One unit, slot 0 wanted by x and p; s runs after p in slot 1.  Placing
 * x would be cheaper, but then s could not run: the MILP places as many
 * jobs as it can, so p and s, and x is unplaced.
 */
static void test_successor_of_unplaced(void **state)
{
	static const double ci[] = {100, 100};
	struct assignment a;
	struct world w;
	size_t x, p, s;

	world_init(&w, 1, 2, H);
	set_ci(&w, 0, ci, 2);
	x = add_job(&w, "x", 0, 1, H, 1);
	p = add_job(&w, "p", 0, 1, H, 1);
	w.js.jobs[p].profiles[0].power_w = 5000;
	s = add_job(&w, "s", 1, 2, H, 1);
	add_after(&w, s, p);
	build(&w);
	run(&w, "milp", &a);
	assert_string_equal(a.status, "optimal");
	assert_true(a.opt[p] >= 0);
	assert_true(a.opt[s] >= 0);
	assert_true(a.opt[x] < 0);
	assert_string_equal(a.reason[x], "no room left: other jobs take the "
			    "capacity of its allowed sites throughout its "
			    "window");
	assignment_release(&a);

	/* with the slot after p gone, s cannot follow p: x and p compete */
	w.in.jobs[s].nopts = 0;
	w.in.jobs[s].reason = xstrdup("test: no options");
	run(&w, "milp", &a);
	assert_true(a.opt[x] >= 0);
	assert_true(a.opt[p] < 0);
	assert_true(a.opt[s] < 0);
	assignment_release(&a);

	/* greedy (ties by id: p before x) and fifo (input order: x first) */
	w.in.jobs[s].nopts = 1;
	free(w.in.jobs[s].reason);
	w.in.jobs[s].reason = NULL;
	run(&w, "fifo", &a);
	assert_true(a.opt[x] >= 0);
	assert_true(a.opt[p] < 0);
	assert_true(a.opt[s] < 0);
	assert_string_equal(a.reason[s], "after 'p', which is unplaced");
	assignment_release(&a);
	world_release(&w);
}

/*
 * Site 0 dirty, site 1 clean and free later: fifo starts at once at the
 * first site, greedy goes for the cleanest placement.
 */
static void test_fifo_and_greedy_choices(void **state)
{
	static const double dirty[] = {500, 500, 500, 500};
	static const double clean[] = {400, 300, 50, 60};
	struct assignment f, g, r;
	struct world w;

	world_init(&w, 2, 4, H);
	set_ci(&w, 0, dirty, 4);
	set_ci(&w, 1, clean, 4);
	add_job(&w, "late", 1, 4, H, 1);
	add_job(&w, "early", 0, 4, H, 1);
	add_job(&w, "third", 0, 4, H, 1);
	build(&w);
	run(&w, "fifo", &f);
	/* by earliest_start: early (slot 0, site 0), third (slot 0, site
	 * 1), then late (slot 1, site 0) */
	assert_int_equal(placed(&w, &f, 1)->start, 0);
	assert_int_equal(placed(&w, &f, 1)->site, 0);
	assert_int_equal(placed(&w, &f, 2)->start, 0);
	assert_int_equal(placed(&w, &f, 2)->site, 1);
	assert_int_equal(placed(&w, &f, 0)->start, 1);
	assert_int_equal(placed(&w, &f, 0)->site, 0);

	run(&w, "greedy", &g);
	/* least slack first: late (slack 2), then early, third (by id) */
	assert_int_equal(placed(&w, &g, 0)->site, 1);
	assert_int_equal(placed(&w, &g, 0)->start, 2);
	assert_int_equal(placed(&w, &g, 1)->site, 1);
	assert_int_equal(placed(&w, &g, 1)->start, 3);
	assert_int_equal(placed(&w, &g, 2)->site, 1);
	assert_int_equal(placed(&w, &g, 2)->start, 1);
	assert_true(g.objective_value < f.objective_value);

	run(&w, "round-robin", &r);
	/* fifo order, sites in turn: early s0, third s1, late s0 */
	assert_int_equal(placed(&w, &r, 1)->site, 0);
	assert_int_equal(placed(&w, &r, 2)->site, 1);
	assert_int_equal(placed(&w, &r, 0)->site, 0);
	assignment_release(&f);
	assignment_release(&g);
	assignment_release(&r);
	world_release(&w);
}

/*
 * PUE object: base 1.1 + 0.02 per degree above 20; temperatures 25 and
 * 15 degC.  1 kW for two 30-minute slots: 1 x 1.2 x 0.5 + 1 x 1.1 x 0.5
 * = 1.15 kWh; CI 200 and 400: 0.12 + 0.22 kg; price 100/MWh and 2 per
 * gpu-hour: 0.115 + 2.
 */
static void test_accounting(void **state)
{
	static const double ci[] = {200, 400, 300, 300};
	struct solver_placement pl = {0, 0, 0, 0, 2, NULL, 0};
	struct solver_cost c;
	struct world w;

	world_init(&w, 1, 4, 1800);
	set_ci(&w, 0, ci, 4);
	w.cat.sites[0].pue_base = 1.1;
	w.cat.sites[0].pue_above_c = 20;
	w.cat.sites[0].pue_per_c = 0.02;
	w.cat.sites[0].cost_per_hour[0] = 2;
	w.sg.temp[0] = 25;
	w.sg.temp[1] = 15;
	for (size_t t = 0; t < 4; t++)
		w.sg.price[t] = 100;
	add_job(&w, "j", 0, 4, 3600, 1);
	build(&w);
	assert_near(solver_pue(&w.in, 0, 0), 1.2, 1e-12);
	assert_near(solver_pue(&w.in, 0, 1), 1.1, 1e-12);
	assert_near(solver_pue(&w.in, 0, 2), 1.1, 1e-12); /* NAN */
	solver_account(&w.in, &pl, &c);
	assert_near(c.energy_kwh, 1.15, 1e-12);
	assert_near(c.emissions_kg, 0.34, 1e-12);
	assert_near(c.cost, 2.115, 1e-12);
	assert_int_equal(c.missing_ci, 0);
	/* past the grid: energy counts, emissions cannot */
	pl.start = 3;
	solver_account(&w.in, &pl, &c);
	assert_int_equal(c.missing_ci, 1);
	assert_near(c.emissions_kg, 0.55 * 0.3, 1e-12);
	/* the options carry the same numbers */
	assert_near(w.in.opts[0].emissions_kg, 0.34, 1e-12);
	assert_near(w.in.opts[0].energy_kwh, 1.15, 1e-12);
	world_release(&w);
}

/*
 * earliest_start 00:10 rounds up to 00:30, latest_finish 02:50 down to
 * 02:30; 40 minutes at speed 1 take two 30-minute slots, at speed 2 one.
 */
static void test_slot_rounding(void **state)
{
	static const double ci[] = {1, 1, 1, 1, 1, 1, 1, 1};
	struct world w;
	size_t j;

	world_init(&w, 2, 8, 1800);
	set_ci(&w, 0, ci, 8);
	set_ci(&w, 1, ci, 8);
	w.cat.sites[1].speed = 2;
	j = add_job(&w, "j", 0, 8, 2400, 1);
	w.js.jobs[j].earliest_start = T0 + 600;
	w.js.jobs[j].latest_finish = T0 + 2 * H + 3000;
	build(&w);
	assert_int_equal(w.in.jobs[j].win_first, 1);
	assert_int_equal(w.in.jobs[j].win_end, 5);
	/* site 0: starts 1..3 of 2 slots; site 1: starts 1..4 of 1 slot */
	assert_int_equal(w.in.jobs[j].nopts, 3 + 4);
	for (size_t k = 0; k < w.in.nopts; k++) {
		const struct solver_option *o = &w.in.opts[k];
		assert_int_equal(o->runtime, o->site ? 1 : 2);
		assert_true(o->start >= 1 && o->start + o->runtime <= 5);
	}
	/* the baseline: earliest start, first allowed site */
	assert_true(w.in.jobs[j].has_baseline);
	assert_int_equal(w.in.jobs[j].base_site, 0);
	assert_int_equal(w.in.jobs[j].base_start, 1);
	assert_int_equal(w.in.jobs[j].base_runtime, 2);
	world_release(&w);
}

/* The plan document: entries, totals, baseline and the summary line. */
static void test_fill_plan(void **state)
{
	static const double ci[] = {100, 200, 300, 400};
	struct assignment a;
	struct plan p;
	struct strbuf sb;
	struct world w;

	world_init(&w, 1, 4, H);
	set_ci(&w, 0, ci, 4);
	w.sg.source = xstrdup("recorded (oracle)");
	add_job(&w, "one", 0, 4, H, 1);
	add_job(&w, "two", 0, 4, 2 * H, 1);
	add_job(&w, "none", 0, 4, -1, 1);
	build(&w);
	run(&w, "milp", &a);
	plan_init(&p);
	solver_fill_plan(&w.in, &w.so, &a, &p);
	assert_string_equal(p.policy, "milp");
	assert_string_equal(p.objective, "carbon");
	assert_string_equal(p.status, "optimal");
	assert_string_equal(p.signal_source, "recorded (oracle)");
	assert_int_equal(p.start, T0);
	assert_int_equal(p.end, T0 + 4 * H);
	assert_int_equal(p.njobs, 2);
	assert_int_equal(p.nunplaced, 1);
	assert_string_equal(p.unplaced[0].id, "none");
	/* two takes 0-1 (0.3 kg) or 1-2: optimum is one at 2 and two 0-1 */
	assert_near(p.emissions_kg, 0.6, 1e-12);
	assert_near(p.jobs[0].emissions_kg + p.jobs[1].emissions_kg,
			   p.emissions_kg, 1e-12);
	assert_near(p.energy_kwh, 3, 1e-12);
	/* baseline: both at slot 0 regardless of capacity */
	assert_near(p.baseline_emissions_kg, 0.1 + 0.3, 1e-12);
	assert_int_equal(p.jobs[1].nsegments, 1);
	assert_int_equal(p.jobs[1].segments[0].start, p.jobs[1].start);
	assert_int_equal(p.jobs[1].end - p.jobs[1].start, 2 * H);
	assert_near(p.jobs[1].runtime_s, 2 * H, 0);
	strbuf_init(&sb);
	p.solve_seconds = 0.314;
	solver_summary(&p, &sb);
	assert_string_equal(sb.buf, "milp: 2 jobs placed, 1 unplaced; 0.6 kg "
			    "CO2eq against 0.4 kg baseline (+50.0%); optimal "
			    "in 0.31 s");
	strbuf_release(&sb);
	plan_release(&p);
	assignment_release(&a);
	world_release(&w);
}

/* solver_add_policy(): another policy's totals, as its own plan has them. */
static void test_add_policy(void **state)
{
	static const double ci[] = {400, 100, 300, 200};
	struct assignment a, b;
	struct plan p, q;
	struct errmsg err;
	struct world w;

	world_init(&w, 1, 4, H);
	set_ci(&w, 0, ci, 4);
	add_job(&w, "one", 0, 4, H, 1);
	add_job(&w, "two", 0, 4, 2 * H, 1);
	add_job(&w, "none", 0, 4, -1, 1);
	build(&w);
	run(&w, "milp", &a);
	run(&w, "fifo", &b);
	plan_init(&p);
	plan_init(&q);
	solver_fill_plan(&w.in, &w.so, &b, &q); /* run() left "fifo" */
	w.so.policy = "milp";
	solver_fill_plan(&w.in, &w.so, &a, &p);
	assert_int_equal(solver_add_policy(&w.in, &w.so, "fifo", true, &p,
					   &err), 0);
	assert_int_equal(p.npolicies, 1);
	assert_string_equal(p.policies[0].policy, "fifo");
	assert_true(p.policies[0].oracle);
	assert_string_equal(p.policies[0].status, q.status);
	assert_near(p.policies[0].emissions_kg, q.emissions_kg, 0);
	assert_near(p.policies[0].energy_kwh, q.energy_kwh, 0);
	assert_near(p.policies[0].cost, q.cost, 0);
	assert_near(p.policies[0].baseline_emissions_kg,
		    q.baseline_emissions_kg, 0);
	assert_int_equal(p.policies[0].placed, 2);
	assert_int_equal(p.policies[0].unplaced, 1);
	/* fifo starts at 400 g/kWh, milp does not: they differ */
	assert_true(p.policies[0].emissions_kg > p.emissions_kg + 0.1);
	/* the plan itself is left as it was */
	assert_string_equal(p.policy, "milp");
	assert_int_equal(p.njobs, 2);
	assert_int_equal(solver_add_policy(&w.in, &w.so, "nope", false, &p,
					   &err), -1);
	assert_string_equal(err.msg, "unknown policy 'nope'");
	assert_int_equal(p.npolicies, 1);
	plan_release(&p);
	plan_release(&q);
	assignment_release(&a);
	assignment_release(&b);
	world_release(&w);
}

/*
 * A runtime predictor gives the missing duration, per site: 2 h at s0,
 * 3 h at s1 (whose speed 2 the hook has already applied), and the power
 * it learned, 500 W, instead of the site's 1000 W per gpu.
 */
static int per_site_runtime(void *ctx, const struct job *job,
			    size_t profile, int64_t *duration_s,
			    struct errmsg *err)
{
	const int64_t *d = ctx;
	duration_s[0] = d[0];
	duration_s[1] = d[1];
	return 1;
}

static double learned_power(void *ctx, const struct job *job,
			    size_t profile)
{
	return 500;
}

static void test_runtime_hook(void **state)
{
	static const double ci[] = {100, 200, 300, 400};
	int64_t durations[2] = {2 * H, 2 * 3 * H};
	struct runtime_hook hook = {per_site_runtime, learned_power,
				    durations};
	struct errmsg err;
	struct world w;
	bool seen[2] = {false, false};

	world_init(&w, 2, 4, H);
	w.cat.sites[1].speed = 2;
	set_ci(&w, 0, ci, 4);
	set_ci(&w, 1, ci, 4);
	add_job(&w, "guess", 0, 4, -1, 1);
	assert_int_equal(instance_build(&w.in, &w.cat, &w.js, &w.sg, &hook,
					&err), 0);
	assert_null(w.in.jobs[0].reason);
	assert_true(w.in.jobs[0].predicted);
	for (size_t i = 0; i < w.in.nopts; i++) {
		const struct solver_option *o = &w.in.opts[i];
		assert_int_equal(o->runtime, o->site ? 3 : 2);
		assert_near(o->energy_kwh, 0.5 * o->runtime, 1e-9);
		seen[o->site] = true;
	}
	assert_true(seen[0] && seen[1]);
	world_release(&w);
}

/*
 * Random small instances: every policy's plan passes the checker, and
 * the MILP is never worse than greedy (it starts from it).
 */
static void test_random_instances(void **state)
{
	uint64_t rng = 12345;

	for (int round = 0; round < 12; round++) {
		const char *policies[] = {"greedy", "fifo", "round-robin",
					  "random", "milp"};
		double obj[5];
		struct world w;
		size_t n = 6 + (size_t)round % 5;

		world_init(&w, 3, 12, H);
		for (size_t s = 0; s < 3; s++) {
			w.cat.sites[s].capacity[0] = 2 + (double)s;
			for (size_t t = 0; t < 12; t++) {
				rng = rng * 6364136223846793005ULL + 1;
				w.sg.ci[s * 12 + t] =
					50 + (double)((rng >> 33) % 400);
			}
		}
		for (size_t j = 0; j < n; j++) {
			char id[32];
			size_t first, len;
			rng = rng * 6364136223846793005ULL + 1;
			first = (rng >> 33) % 6;
			len = 2 + (rng >> 40) % 6;
			snprintf(id, sizeof(id), "j%zu", j);
			add_job(&w, id, first, first + len,
				(int64_t)(1 + (rng >> 45) % 3) * H,
				(double)(1 + (rng >> 50) % 2));
			if (j > 2 && (rng >> 55) % 3 == 0)
				add_after(&w, j, j - 1 - (rng >> 57) % 2);
		}
		build(&w);
		for (size_t i = 0; i < 5; i++) {
			struct assignment a;
			struct errmsg err;
			w.so.seed = (uint64_t)round;
			run(&w, policies[i], &a);
			assert_int_equal(solver_check(&w.in, &a, &err), 0);
			obj[i] = a.objective_value;
			if (i == 4) {
				/* placing more beats any objective */
				size_t pm = 0, pg = 0;
				struct assignment g;
				run(&w, "greedy", &g);
				for (size_t j = 0; j < n; j++) {
					pm += a.opt[j] >= 0;
					pg += g.opt[j] >= 0;
				}
				assert_true(pm >= pg);
				if (pm == pg)
					assert_true(obj[4] <= obj[0] + 1e-9);
				assignment_release(&g);
			}
			assignment_release(&a);
		}
		world_release(&w);
	}
}

/*
 * Least-slack greedy gives x (no slack) the cheap site A, which leaves y
 * (only allowed at A, three slots of four) no room; the search pushes x
 * to B to place y.  1 kW each: y 3 x 10 g, x 100 g: 0.13 kg.
 */
static void test_search_repairs(void **state)
{
	static const double a[] = {10, 10, 10, 10}, b[] = {100, 100, 100, 100};
	struct assignment g, m;
	struct world w;
	size_t x, y;

	world_init(&w, 2, 4, H);
	set_ci(&w, 0, a, 4);
	set_ci(&w, 1, b, 4);
	x = add_job(&w, "x", 1, 2, H, 1);
	y = add_job(&w, "y", 0, 4, 3 * H, 1);
	w.js.jobs[y].allowed[1] = false;
	build(&w);
	run(&w, "greedy", &g);
	assert_true(g.opt[y] < 0);
	assert_int_equal(placed(&w, &g, x)->site, 0);
	for (int i = 0; i < 2; i++) {
		run(&w, i ? "milp" : "search", &m);
		assert_int_equal(placed(&w, &m, x)->site, 1);
		assert_int_equal(placed(&w, &m, y)->site, 0);
		assert_near(m.objective_value, 0.13, 1e-12);
		assert_true(m.bound <= 0.13 + 1e-12);
		assignment_release(&m);
	}
	assignment_release(&g);
	world_release(&w);
}

/* Brute force: the most jobs placed, then the least objective. */
struct brute {
	const struct instance *in;
	const struct solver_opts *o;
	struct placer pl;
	size_t best_placed;
	double best_obj;
};

static void brute_from(struct brute *b, size_t i, size_t nplaced,
		       double obj)
{
	const struct instance *in = b->in;
	size_t j, blocker, lo, n = in->js->njobs;

	if (i == n) {
		if (nplaced > b->best_placed ||
		    (nplaced == b->best_placed && obj < b->best_obj)) {
			b->best_placed = nplaced;
			b->best_obj = obj;
		}
		return;
	}
	j = in->topo[i];
	brute_from(b, i + 1, nplaced, obj); /* j unplaced */
	lo = placer_min_start(&b->pl, j, &blocker);
	if (lo == SIZE_MAX)
		return;
	for (size_t k = in->jobs[j].first_opt;
	     k < in->jobs[j].first_opt + in->jobs[j].nopts; k++) {
		if (in->opts[k].start < lo || !placer_fits(&b->pl, &in->opts[k]))
			continue;
		placer_commit(&b->pl, k);
		brute_from(b, i + 1, nplaced + 1,
			   obj + solver_objective_of(b->o, &in->opts[k]));
		placer_use(&b->pl, &in->opts[k], -1);
		b->pl.a->opt[j] = -1;
	}
}

/* A tiny random instance: 2 sites, 8 slots, 3 to 6 jobs, some chained,
 * interruptible ones when `split`; returns the number of jobs. */
static size_t small_world(struct world *w, int round, uint64_t *rng,
			  bool split)
{
	size_t n = 3 + (size_t)round % 4;

	world_init(w, 2, 8, H);
	for (size_t s = 0; s < 2; s++) {
		w->cat.sites[s].capacity[0] = 1 + (double)(round % 2);
		for (size_t t = 0; t < 8; t++)
			w->sg.ci[s * 8 + t] =
				10 + (double)(solver_random(rng) % 300);
	}
	for (size_t j = 0; j < n; j++) {
		char id[32];
		size_t first = solver_random(rng) % 4;
		size_t len = 2 + solver_random(rng) % 4;
		snprintf(id, sizeof(id), "j%zu", j);
		add_job(w, id, first, first + len,
			(int64_t)(1 + solver_random(rng) % 3) * H,
			(double)(1 + solver_random(rng) % 2));
		if (j > 1 && solver_random(rng) % 4 == 0)
			add_after(w, j, j - 1);
		if (split && solver_random(rng) % 2)
			w->js.jobs[j].interruptible = true;
	}
	build(w);
	return n;
}

/* The most jobs w can place, and the least objective doing so (over
 * its options: exact when no job is interruptible). */
static void brute_optimum(struct world *w, struct brute *b)
{
	struct assignment scratch;

	assignment_init(&scratch, w->js.njobs);
	memset(b, 0, sizeof(*b));
	b->in = &w->in;
	b->o = &w->so;
	b->best_obj = (double)INFINITY;
	placer_init(&b->pl, &w->in, &scratch);
	brute_from(b, 0, 0, 0);
	placer_release(&b->pl);
	assignment_release(&scratch);
}

/*
 * Tiny random instances against brute force: the search places as many
 * jobs as can be, its bound never exceeds the optimum, milp finds the
 * optimum, and the search gives the same plan twice.
 */
static void test_search_brute_force(void **state)
{
	uint64_t rng = 777;

	for (int round = 0; round < 60; round++) {
		struct world w;
		struct brute b;
		struct assignment s1, s2, m;
		size_t n = small_world(&w, round, &rng, false), placed_s = 0;

		brute_optimum(&w, &b);
		run(&w, "search", &s1);
		run(&w, "search", &s2);
		run(&w, "milp", &m);
		for (size_t j = 0; j < n; j++) {
			assert_int_equal(s1.opt[j], s2.opt[j]);
			placed_s += s1.opt[j] >= 0;
		}
		assert_int_equal(placed_s, b.best_placed);
		assert_true(s1.objective_value >= b.best_obj - 1e-9);
		assert_true(s1.bound <= b.best_obj + 1e-9);
		assert_string_equal(m.status, "optimal");
		assert_near(m.objective_value, b.best_obj, 1e-9);
		assignment_release(&s1);
		assignment_release(&s2);
		assignment_release(&m);
		world_release(&w);
	}
	(void)state;
}

/*
 * Any capacity prices give a true bound: on tiny instances where every
 * job fits, random prices never bound above the brute-force optimum; at
 * zero prices the bound is each job at its cheapest option; counting
 * split jobs at their cheapest slot set never gives more than at their
 * listed options; and leaving one job out lowers it.
 */
static void test_dual_bounds(void **state)
{
	uint64_t rng = 4242;

	for (int round = 0; round < 40; round++) {
		struct world w;
		struct brute b;
		struct solver_dual d;
		size_t n = small_world(&w, round, &rng, round % 2);
		size_t cells = solver_ncells(&w.in);
		double *cost = xcalloc(w.in.nopts + 1, sizeof(double));
		double cheapest = 0;

		for (size_t k = 0; k < w.in.nopts; k++)
			cost[k] = solver_objective_of(&w.so, &w.in.opts[k]);
		for (size_t j = 0; j < n; j++) {
			double c = (double)INFINITY;
			for (size_t k = w.in.jobs[j].first_opt;
			     k < w.in.jobs[j].first_opt + w.in.jobs[j].nopts;
			     k++)
				c = fmin(c, cost[k]);
			cheapest += w.in.jobs[j].nopts ? c : 0;
		}
		brute_optimum(&w, &b);
		solver_dual_init(&d, &w.in);
		if (!(round % 2))
			assert_near(solver_dual_value(&w.in, &w.so, cost, &d,
						      0, false),
				    cheapest, 1e-9);
		for (int t = 0; t < 20; t++) {
			double exact, listed;
			for (size_t c = 0; c < cells; c++)
				d.lambda[c] =
					(double)(solver_random(&rng) % 100) /
					1000.0;
			exact = solver_dual_value(&w.in, &w.so, cost, &d, 0,
						  false);
			listed = solver_dual_value(&w.in, &w.so, cost, &d, 0,
						   true);
			assert_true(exact <= listed + 1e-12);
			assert_true(solver_dual_value(&w.in, &w.so, cost, &d,
						      1, false) <=
				    exact + 1e-12);
			if (b.best_placed == n)
				assert_true(exact <= b.best_obj + 1e-9);
		}
		solver_dual_release(&d);
		free(cost);
		world_release(&w);
	}
	(void)state;
}

static void test_check_catches(void **state)
{
	static const double ci[] = {1, 1, 1};
	struct assignment a;
	struct errmsg err;
	struct world w;

	world_init(&w, 1, 3, H);
	set_ci(&w, 0, ci, 3);
	add_job(&w, "a", 0, 3, H, 1);
	add_job(&w, "b", 0, 3, H, 1);
	add_after(&w, 1, 0);
	build(&w);
	assignment_init(&a, 2);
	/* both at slot 1: b starts before a ends (and overbooks) */
	for (size_t j = 0; j < 2; j++)
		for (size_t k = w.in.jobs[j].first_opt;
		     k < w.in.jobs[j].first_opt + w.in.jobs[j].nopts; k++)
			if (w.in.opts[k].start == 1)
				a.opt[j] = (long)k;
	assert_int_equal(solver_check(&w.in, &a, &err), -1);
	assert_string_equal(err.msg, "job 'b' starts before 'a' ends");
	/* b placed, a not */
	a.opt[0] = -1;
	a.reason[0] = xstrdup("test");
	assert_int_equal(solver_check(&w.in, &a, &err), -1);
	assert_string_equal(err.msg, "job 'b' is placed but 'a', which it "
			    "runs after, is not");
	assignment_release(&a);
	world_release(&w);
}

/* The same seed gives the same random plan. */
static void test_random_seed(void **state)
{
	static const double ci[] = {5, 4, 3, 2, 1, 2, 3, 4};
	struct assignment a, b;
	struct world w;

	world_init(&w, 2, 8, H);
	set_ci(&w, 0, ci, 8);
	set_ci(&w, 1, ci, 8);
	for (int j = 0; j < 5; j++) {
		char id[32];
		snprintf(id, sizeof(id), "r%d", j);
		add_job(&w, id, 0, 8, H, 1);
	}
	build(&w);
	w.so.seed = 7;
	run(&w, "random", &a);
	run(&w, "random", &b);
	for (size_t j = 0; j < 5; j++)
		assert_int_equal(a.opt[j], b.opt[j]);
	assignment_release(&a);
	assignment_release(&b);
	world_release(&w);
}

/* Cost objective and weights pick by their coefficient. */
static void test_objectives(void **state)
{
	static const double ci[] = {100, 500};
	struct assignment a;
	struct world w;

	world_init(&w, 1, 2, H);
	set_ci(&w, 0, ci, 2);
	w.sg.price[0] = 300; /* clean but expensive */
	w.sg.price[1] = 10;
	add_job(&w, "j", 0, 2, H, 1);
	build(&w);
	run(&w, "milp", &a);
	assert_int_equal(placed(&w, &a, 0)->start, 0);
	assignment_release(&a);
	w.so.objective = OBJ_COST;
	run(&w, "milp", &a);
	assert_int_equal(placed(&w, &a, 0)->start, 1);
	assert_near(a.objective_value, 0.01, 1e-12);
	assignment_release(&a);
	/* 1 x kg + 1 x cost: slot 0 is 0.1 + 0.3, slot 1 is 0.5 + 0.01 */
	w.so.objective = OBJ_WEIGHTED;
	w.so.w_carbon = 1;
	w.so.w_cost = 1;
	run(&w, "greedy", &a);
	assert_int_equal(placed(&w, &a, 0)->start, 0);
	assert_near(a.objective_value, 0.4, 1e-12);
	assignment_release(&a);
	world_release(&w);
}

/*
 * An interruptible job of 4 one-hour slots, 1 kW, CI 10, 20, 1000, 10,
 * 20: in one piece it costs at least 1.04 kg; in two around the dirty
 * hour 0.06 kg, which every policy that minimizes must find.
 */
static void test_interruptible_splits(void **state)
{
	static const double ci[] = {10, 20, 1000, 10, 20};
	const char *policies[] = {"milp", "search", "greedy"};
	struct world w;

	world_init(&w, 1, 5, H);
	set_ci(&w, 0, ci, 5);
	add_job(&w, "i", 0, 5, 4 * H, 1);
	w.js.jobs[0].interruptible = true;
	build(&w);
	for (size_t i = 0; i < 3; i++) {
		struct assignment a;
		const struct solver_option *o;
		struct errmsg err;
		run(&w, policies[i], &a);
		o = placed(&w, &a, 0);
		assert_near(a.objective_value, 0.06, 1e-12);
		assert_int_equal(o->npieces, 2);
		assert_int_equal(o->start, 0);
		assert_int_equal(o->end, 5);
		assert_int_equal(o->runtime, 4);
		assert_true(a.bound <= a.objective_value + 1e-12);
		assert_int_equal(solver_check(&w.in, &a, &err), 0);
		assignment_release(&a);
	}
	world_release(&w);
}

/* Whether job j lists a split option running in exactly slots a and b. */
static bool lists_pair(const struct world *w, size_t j, uint32_t a,
		       uint32_t b)
{
	const struct instance_job *ij = &w->in.jobs[j];

	for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts; k++) {
		const struct solver_option *o = &w->in.opts[k];
		const struct solver_piece *pc = &w->in.pieces[o->piece_first];
		if (o->job == j && o->npieces == 2 && pc[0].start == a &&
		    pc[0].len == 1 && pc[1].start == b && pc[1].len == 1)
			return true;
	}
	return false;
}

/*
 * Column generation: CI 10, 1000, 20, 30; an interruptible job of two
 * slots and a one-slot job that must take slot 2.  The split listed at
 * build time is the cleanest, slots 0 and 2, which the other job holds;
 * without more the interruptible job runs in slots 0-1 (1.01 kg).  The
 * relaxation prices slot 2 and the slot set 0 and 3 (0.04 kg) joins the
 * options: milp's plan is 0.06 kg in all, proven optimal; the options
 * of each job stay together, the later job's moved up.
 */
static void test_split_columns(void **state)
{
	static const double ci[] = {10, 1000, 20, 30};
	struct assignment a;
	struct errmsg err;
	struct world w;
	size_t total = 0;

	world_init(&w, 1, 4, H);
	set_ci(&w, 0, ci, 4);
	add_job(&w, "i", 0, 4, 2 * H, 1);
	w.js.jobs[0].interruptible = true;
	add_job(&w, "b", 2, 3, H, 1);
	build(&w);
	assert_true(lists_pair(&w, 0, 0, 2));
	assert_false(lists_pair(&w, 0, 0, 3));
	w.so.policy = "milp";
	solver_milp_columns(&w.in, &w.so);
	run(&w, "milp", &a);
	assert_true(lists_pair(&w, 0, 0, 3));
	assert_near(a.objective_value, 0.06, 1e-12);
	assert_string_equal(a.status, "optimal");
	assert_near(a.bound, 0.06, 1e-12);
	assert_int_equal(solver_check(&w.in, &a, &err), 0);
	for (size_t j = 0; j < 2; j++) {
		const struct instance_job *ij = &w.in.jobs[j];
		for (size_t k = ij->first_opt; k < ij->first_opt + ij->nopts;
		     k++)
			assert_int_equal(w.in.opts[k].job, j);
		total += ij->nopts;
	}
	assert_int_equal(total, w.in.nopts);
	assignment_release(&a);
	world_release(&w);
	(void)state;
}

/*
 * max_pieces caps the split: CI 10, 1000, 10, 1000, 10, 20 and 3 slots
 * take 0.03 kg in three pieces (the default cap of 4 allows it), but
 * 0.04 kg when at most two are allowed.
 */
static void test_interruptible_cap(void **state)
{
	static const double ci[] = {10, 1000, 10, 1000, 10, 20};
	struct assignment a;
	struct world w;

	world_init(&w, 1, 6, H);
	set_ci(&w, 0, ci, 6);
	add_job(&w, "i", 0, 6, 3 * H, 1);
	w.js.jobs[0].interruptible = true;
	build(&w);
	run(&w, "milp", &a);
	assert_near(a.objective_value, 0.03, 1e-12);
	assert_int_equal(placed(&w, &a, 0)->npieces, 3);
	assignment_release(&a);
	instance_release(&w.in);
	w.js.jobs[0].max_pieces = 2;
	build(&w);
	run(&w, "milp", &a);
	assert_near(a.objective_value, 0.04, 1e-12);
	assert_int_equal(placed(&w, &a, 0)->npieces, 2);
	assert_true(a.bound <= a.objective_value + 1e-12);
	assignment_release(&a);
	run(&w, "fifo", &a); /* one piece: allowed */
	assert_int_equal(placed(&w, &a, 0)->npieces, 1);
	assignment_release(&a);
	world_release(&w);
}

/*
 * Two one-slot jobs on one unit, CI 100, 50, 10, 10: the carbon plan
 * takes slots 2 and 3 (ends at 4 h); the makespan plan slots 0 and 1
 * (2 h, the optimum: one unit, two slots).  Its bound is each job's
 * earliest end, 1 h.
 */
static void test_makespan(void **state)
{
	static const double ci[] = {100, 50, 10, 10};
	struct assignment a;
	struct world w;

	world_init(&w, 1, 4, H);
	set_ci(&w, 0, ci, 4);
	add_job(&w, "a", 0, 4, H, 1);
	add_job(&w, "b", 0, 4, H, 1);
	build(&w);
	run(&w, "search", &a);
	assert_near(a.objective_value, 0.02, 1e-12);
	assignment_release(&a);
	w.so.objective = OBJ_MAKESPAN;
	run(&w, "milp", &a);
	assert_near(a.objective_value, 2, 1e-12);
	assert_near(a.bound, 1, 1e-12);
	assert_near(solver_assignment_objective(&w.in, &w.so, &a), 0.15,
		    1e-12);
	assignment_release(&a);
	/* 0.1 kg per hour: slots 0, 1 (0.15 + 0.2) beat 2, 3 (0.02 + 0.4)
	 * and 1, 2 (0.06 + 0.3); at 0.01 kg per hour 2, 3 win */
	w.so.objective = OBJ_WEIGHTED;
	w.so.w_carbon = 1;
	w.so.w_makespan = 0.1;
	run(&w, "greedy", &a);
	assert_near(a.objective_value, 0.35, 1e-12);
	assert_true(a.bound <= a.objective_value);
	assignment_release(&a);
	w.so.w_makespan = 0.01;
	run(&w, "search", &a);
	assert_near(a.objective_value, 0.02 + 0.04, 1e-12);
	assignment_release(&a);
	world_release(&w);
}

static struct store_point point(const char *zone, const char *signal,
				gs_time t, double v, gs_time issued)
{
	struct store_point p = {.zone = zone, .signal = signal, .time = t,
				.value = v, .issued = issued,
				.lo80 = (double)NAN, .hi80 = (double)NAN,
				.lo95 = (double)NAN, .hi95 = (double)NAN};
	return p;
}

/*
 * Signals from a real store: hourly recorded CI over 30-minute slots, a
 * forecast that wins where it has values, busy units, and temperature
 * for a PUE object.
 */
static void test_signals_from_store(void **state)
{
	char dir[] = "/tmp/gs-solver-XXXXXX";
	struct store_point pts[] = {
		point("Z0", "carbon_intensity", T0, 100, GS_TIME_NONE),
		point("Z0", "carbon_intensity", T0 + H, 200, GS_TIME_NONE),
		point("Z0", "carbon_intensity", T0 + 2 * H, 300,
		      GS_TIME_NONE),
		point("s0", "busy_gpu", T0, 1, GS_TIME_NONE),
		point("s0", "busy_gpu", T0 + H, 0, GS_TIME_NONE),
		point("w0", "temperature", T0, 30, GS_TIME_NONE),
	};
	struct store_point fc[] = {
		point("Z0", "carbon_intensity", T0, 150, T0 - H),
		point("Z0", "carbon_intensity", T0 + H, 250, T0 - H),
	};
	static const double oracle[] = {100, 100, 200, 200, 300, 300};
	static const double planned[] = {150, 150, 250, 250, 300, 300};
	struct world w;
	struct store *st;
	struct errmsg err;
	struct strbuf db;

	assert_non_null(mkdtemp(dir));
	strbuf_init(&db);
	strbuf_addf(&db, "%s/gs.db", dir);
	assert_int_equal(store_open(db.buf, 0, &st, &err), 0);
	assert_int_equal(store_put_points(st, "rec", pts, 6, T0, NULL, &err),
			 0);
	assert_int_equal(store_put_points(st, "fc", fc, 2, T0, NULL, &err),
			 0);

	world_init(&w, 1, 6, 1800);
	w.cat.sites[0].pue_per_c = 0.01;
	free(w.cat.sites[0].weather);
	w.cat.sites[0].weather = xstrdup("w0");
	assert_int_equal(solver_signals_load(&w.sg, st, &w.cat, true, &err),
			 0);
	for (size_t t = 0; t < 6; t++)
		assert_near(w.sg.ci[t], oracle[t], 1e-9);
	assert_string_equal(w.sg.source, "recorded (oracle)");
	assert_near(w.sg.busy[0], 1, 0);
	assert_near(w.sg.busy[1], 1, 0);
	assert_near(w.sg.busy[2], 0, 0);
	assert_near(w.sg.temp[1], 30, 0);
	assert_true(isnan(w.sg.temp[2]));
	assert_int_equal(w.sg.warnings.n, 1);
	assert_string_equal(w.sg.warnings.v[0],
			    "no temperature for site 's0' (weather 'w0') in "
			    "4 of 6 slots, the first at 2021-06-28T01:00:00Z: "
			    "PUE taken as its base 1 there");
	solver_signals_release(&w.sg);

	solver_signals_init(&w.sg, &(struct solver_grid){T0, 1800, 6}, 1, 1);
	assert_int_equal(solver_signals_load(&w.sg, st, &w.cat, false, &err),
			 0);
	for (size_t t = 0; t < 6; t++)
		assert_near(w.sg.ci[t], planned[t], 1e-9);
	assert_string_equal(w.sg.source, "forecast Z0 fc issued "
			    "2021-06-27T23:00:00Z; recorded values where no "
			    "forecast");
	/* busy units come off the capacity */
	add_job(&w, "j", 0, 6, H, 1);
	build(&w);
	assert_near(w.in.avail[0], 0, 0);
	assert_near(w.in.avail[2], 1, 0);
	assert_true(w.in.opts[0].start >= 2);

	world_release(&w);
	store_free(st);
	for (int i = 0; i < 3; i++) {
		static const char *const suffix[] = {"", "-wal", "-shm"};
		char path[256];
		snprintf(path, sizeof(path), "%s/gs.db%s", dir, suffix[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
	strbuf_release(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_jobs_one_unit),
		cmocka_unit_test(test_milp_beats_greedy),
		cmocka_unit_test(test_unplaced_reasons),
		cmocka_unit_test(test_dependency_order),
		cmocka_unit_test(test_successor_of_unplaced),
		cmocka_unit_test(test_fifo_and_greedy_choices),
		cmocka_unit_test(test_accounting),
		cmocka_unit_test(test_slot_rounding),
		cmocka_unit_test(test_fill_plan),
		cmocka_unit_test(test_add_policy),
		cmocka_unit_test(test_runtime_hook),
		cmocka_unit_test(test_random_instances),
		cmocka_unit_test(test_search_repairs),
		cmocka_unit_test(test_search_brute_force),
		cmocka_unit_test(test_dual_bounds),
		cmocka_unit_test(test_check_catches),
		cmocka_unit_test(test_random_seed),
		cmocka_unit_test(test_objectives),
		cmocka_unit_test(test_signals_from_store),
		cmocka_unit_test(test_interruptible_splits),
		cmocka_unit_test(test_interruptible_cap),
		cmocka_unit_test(test_split_columns),
		cmocka_unit_test(test_makespan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
