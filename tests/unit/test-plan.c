/*
 * test-plan.c - unit tests of the plan document: the exact layout
 * plan_write() produces, the round trip through plan_read(), and every
 * rejection of plan_read() with its message and position.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <unistd.h>

#include "core/core.h"
#include "tests/unit/unit.h"

static char *read_text(const char *path)
{
	struct strbuf sb;

	strbuf_init(&sb);
	assert_int_equal(strbuf_read_file(&sb, path, 1 << 20), 0);
	return strbuf_detach(&sb);
}

static void add_job(struct plan *p, const char *id, const char *site,
		    const char *start, const char *end, size_t nseg)
{
	struct plan_job *j;

	ALLOC_GROW(p->jobs, p->njobs + 1, p->alloc_jobs);
	j = &p->jobs[p->njobs++];
	memset(j, 0, sizeof(*j));
	j->id = xstrdup(id);
	j->site = xstrdup(site);
	j->start = T(start);
	j->end = T(end);
	j->segments = xcalloc(nseg, sizeof(*j->segments));
	j->nsegments = nseg;
	j->segments[0].start = j->start;
	j->segments[nseg - 1].end = j->end;
}

/* A small plan of one job, as `solve` would fill it. */
static void small_plan(struct plan *p)
{
	struct plan_job *j;

	plan_init(p);
	p->policy = xstrdup("milp");
	p->objective = xstrdup("carbon");
	p->status = xstrdup("optimal");
	p->slot_s = 1800;
	p->start = T("2026-11-25T18:00:00Z");
	p->end = T("2026-11-27T18:00:00Z");
	p->objective_value = 4.2;
	p->bound = 4.2;
	p->solve_seconds = 0.125;
	p->energy_kwh = 33.6;
	p->emissions_kg = 4.2;
	p->baseline_emissions_kg = 6.5;
	p->signal_source = xstrdup("forecast:snaive@2026-11-25T18:00:00Z");
	add_job(p, "train-7", "gb-london", "2026-11-26T02:00:00Z",
		"2026-11-26T14:00:00Z", 1);
	j = &p->jobs[0];
	j->runtime_s = 43200;
	j->energy_kwh = 33.6;
	j->emissions_kg = 4.2;
	j->cost = 0;
	j->baseline_emissions_kg = 6.5;
	ALLOC_GROW(p->unplaced, 1, p->alloc_unplaced);
	p->unplaced[0].id = xstrdup("eval-7");
	p->unplaced[0].reason = xstrdup("no site has 4 tpu free in its window");
	p->nunplaced = 1;
}

static const char SMALL[] =
	"{\n"
	"  \"plan\": {\n"
	"    \"policy\": \"milp\",\n"
	"    \"objective\": \"carbon\",\n"
	"    \"status\": \"optimal\",\n"
	"    \"slot\": \"PT30M\",\n"
	"    \"start\": \"2026-11-25T18:00:00Z\",\n"
	"    \"end\": \"2026-11-27T18:00:00Z\",\n"
	"    \"oracle\": false,\n"
	"    \"objective_value\": 4.2,\n"
	"    \"bound\": 4.2,\n"
	"    \"gap\": 0,\n"
	"    \"solve_seconds\": 0.125,\n"
	"    \"signal_source\": \"forecast:snaive@2026-11-25T18:00:00Z\"\n"
	"  },\n"
	"  \"totals\": {\n"
	"    \"energy_kwh\": 33.6,\n"
	"    \"emissions_kg\": 4.2,\n"
	"    \"cost\": 0,\n"
	"    \"baseline_emissions_kg\": 6.5\n"
	"  },\n"
	"  \"jobs\": [\n"
	"    {\n"
	"      \"id\": \"train-7\",\n"
	"      \"site\": \"gb-london\",\n"
	"      \"start\": \"2026-11-26T02:00:00Z\",\n"
	"      \"end\": \"2026-11-26T14:00:00Z\",\n"
	"      \"segments\": [\n"
	"        {\n"
	"          \"start\": \"2026-11-26T02:00:00Z\",\n"
	"          \"end\": \"2026-11-26T14:00:00Z\"\n"
	"        }\n"
	"      ],\n"
	"      \"runtime_s\": 43200,\n"
	"      \"energy_kwh\": 33.6,\n"
	"      \"emissions_kg\": 4.2,\n"
	"      \"cost\": 0,\n"
	"      \"baseline_emissions_kg\": 6.5,\n"
	"      \"saving_kg\": 2.3,\n"
	"      \"profile\": 0,\n"
	"      \"runtime_predicted\": false\n"
	"    }\n"
	"  ],\n"
	"  \"unplaced\": [\n"
	"    {\n"
	"      \"id\": \"eval-7\",\n"
	"      \"reason\": \"no site has 4 tpu free in its window\"\n"
	"    }\n"
	"  ]\n"
	"}\n";

static void test_write_layout(void **state)
{
	struct plan p;
	struct errmsg err;
	char *text;
	(void)state;

	small_plan(&p);
	if (plan_write(&p, "plan.json", &err) < 0)
		fail_msg("%s", err.msg);
	text = read_text("plan.json");
	assert_string_equal(text, SMALL);
	free(text);
	plan_release(&p);
	assert_null(p.jobs);
	plan_release(&p); /* twice is harmless */
}

static void assert_same_job(const struct plan_job *a,
			    const struct plan_job *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->site, b->site);
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->end, b->end);
	assert_int_equal(a->nsegments, b->nsegments);
	for (size_t i = 0; i < a->nsegments; i++) {
		assert_int_equal(a->segments[i].start, b->segments[i].start);
		assert_int_equal(a->segments[i].end, b->segments[i].end);
	}
	assert_true(a->runtime_s == b->runtime_s);
	assert_true(a->energy_kwh == b->energy_kwh);
	assert_true(a->emissions_kg == b->emissions_kg);
	assert_true(a->cost == b->cost);
	assert_true(a->baseline_emissions_kg == b->baseline_emissions_kg);
	assert_int_equal(a->profile, b->profile);
	assert_int_equal(a->runtime_predicted, b->runtime_predicted);
}

/* Everything written reads back the same, and writes the same again. */
static void test_round_trip(void **state)
{
	struct plan p, q;
	struct errmsg err;
	struct plan_job *j;
	char *first, *second;
	(void)state;

	small_plan(&p);
	free(p.status);
	p.status = xstrdup("feasible");
	p.oracle = true;
	p.objective_value = 12.345678901234;
	p.bound = 1.0 / 3.0;
	p.gap = (double)NAN; /* unknown: written as null */
	p.solve_seconds = 1e-7;
	add_job(&p, "etl-\xc3\xa9", "fr-paris", "2026-11-25T18:30:00Z",
		"2026-11-26T06:00:00Z", 3);
	j = &p.jobs[1];
	j->segments[0].end = T("2026-11-25T20:00:00Z");
	j->segments[1].start = T("2026-11-26T00:00:00Z");
	j->segments[1].end = T("2026-11-26T01:30:00Z");
	j->segments[2].start = T("2026-11-26T04:00:00Z");
	j->runtime_s = 19800;
	j->energy_kwh = 0.000123456789;
	j->emissions_kg = -0.0;
	j->cost = 123456789.5;
	j->baseline_emissions_kg = 2.75;
	j->profile = 2;
	j->runtime_predicted = true;
	p.runtime_quantile = 0.95;
	ALLOC_GROW(p.policies, 2, p.alloc_policies);
	p.policies[0] = (struct plan_policy){
		xstrdup("fifo"), false, xstrdup("feasible"), 9.5, 40, 12.25,
		6.5, 1, 1};
	p.policies[1] = (struct plan_policy){
		xstrdup("search"), true, xstrdup("optimal"), 3.75, 33.6,
		(double)NAN, 6, 2, 0};
	p.npolicies = 2;

	if (plan_write(&p, "plan.json", &err) < 0)
		fail_msg("%s", err.msg);
	if (plan_read(&q, "plan.json", &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(q.policy, "milp");
	assert_string_equal(q.objective, "carbon");
	assert_string_equal(q.status, "feasible");
	assert_int_equal(q.slot_s, 1800);
	assert_int_equal(q.start, p.start);
	assert_int_equal(q.end, p.end);
	assert_true(q.oracle);
	/* reals keep 12 significant digits */
	assert_true(q.objective_value == 12.3456789012);
	assert_true(fabs(q.bound - 1.0 / 3.0) < 1e-12);
	assert_true(isnan(q.gap));
	assert_true(q.solve_seconds == 1e-7);
	assert_true(q.energy_kwh == 33.6 && q.emissions_kg == 4.2 &&
		    q.cost == 0 && q.baseline_emissions_kg == 6.5);
	assert_string_equal(q.signal_source, p.signal_source);
	assert_true(q.runtime_quantile == 0.95);
	assert_int_equal(q.npolicies, 2);
	assert_string_equal(q.policies[0].policy, "fifo");
	assert_false(q.policies[0].oracle);
	assert_string_equal(q.policies[0].status, "feasible");
	assert_true(q.policies[0].emissions_kg == 9.5 &&
		    q.policies[0].energy_kwh == 40 &&
		    q.policies[0].cost == 12.25 &&
		    q.policies[0].baseline_emissions_kg == 6.5);
	assert_int_equal(q.policies[0].placed, 1);
	assert_int_equal(q.policies[0].unplaced, 1);
	assert_string_equal(q.policies[1].policy, "search");
	assert_true(q.policies[1].oracle);
	assert_true(isnan(q.policies[1].cost));
	assert_int_equal(q.policies[1].placed, 2);
	assert_int_equal(q.njobs, 2);
	assert_same_job(&q.jobs[0], &p.jobs[0]);
	assert_same_job(&q.jobs[1], &p.jobs[1]);
	assert_int_equal(q.nunplaced, 1);
	assert_string_equal(q.unplaced[0].id, "eval-7");
	assert_string_equal(q.unplaced[0].reason, p.unplaced[0].reason);

	first = read_text("plan.json");
	if (plan_write(&q, "plan.json", &err) < 0)
		fail_msg("%s", err.msg);
	second = read_text("plan.json");
	assert_string_equal(first, second);
	assert_non_null(strstr(first, "\"gap\": null,"));
	assert_non_null(strstr(first, "\"energy_kwh\": 0.000123456789,"));
	assert_non_null(strstr(first, "\"emissions_kg\": 0,"));
	assert_non_null(strstr(first, "\"cost\": 123456789.5,"));
	assert_non_null(strstr(first, "\"runtime_quantile\": 0.95,\n"));
	free(first);
	free(second);
	plan_release(&p);
	plan_release(&q);
}

/* An empty plan, with the optional parts left out, also round-trips. */
static void test_round_trip_empty(void **state)
{
	struct plan p, q;
	struct errmsg err;
	char *text;
	(void)state;

	plan_init(&p);
	p.policy = xstrdup("fifo");
	p.objective = xstrdup("makespan");
	p.status = xstrdup("infeasible");
	p.slot_s = 3600;
	p.start = T("2026-11-25T18:00:00Z");
	p.end = GS_TIME_NONE;
	if (plan_write(&p, "plan.json", &err) < 0)
		fail_msg("%s", err.msg);
	if (plan_read(&q, "plan.json", &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(q.njobs, 0);
	assert_int_equal(q.nunplaced, 0);
	assert_null(q.signal_source);
	assert_true(isnan(q.runtime_quantile)); /* none predicted: left out */
	text = read_text("plan.json");
	assert_null(strstr(text, "runtime_quantile"));
	assert_null(strstr(text, "policies"));
	free(text);
	assert_int_equal(q.end, GS_TIME_NONE);
	assert_int_equal(q.slot_s, 3600);
	plan_release(&p);
	plan_release(&q);
}

static void test_write_bad_status(void **state)
{
	struct plan p;
	struct errmsg err;
	(void)state;

	small_plan(&p);
	free(p.status);
	p.status = xstrdup("timeout");
	assert_int_equal(plan_write(&p, "plan.json", &err), -1);
	assert_string_equal(err.msg, "invalid plan status 'timeout' (want "
				     "optimal, feasible or infeasible)");
	plan_release(&p);
}

/*
 * SMALL with `from` replaced by `to`; the error is expected at the
 * first character of the n-th occurrence of `at` in the result.
 */
struct bad_plan {
	const char *from, *to, *at;
	int n;
	const char *msg;
};

static const struct bad_plan bad_plans[] = {
	{"\"oracle\": false,", "\"oracle\": false, \"orcle\": 1,",
	 "\"orcle\"", 1, "unknown key 'plan.orcle'"},
	{"  \"unplaced\"", "  \"notes\": [],\n  \"unplaced\"", "\"notes\"", 1,
	 "unknown key 'notes'"},
	{"\"runtime_s\"", "\"runtme_s\": 1, \"runtime_s\"", "\"runtme_s\"", 1,
	 "unknown key 'runtme_s' in job 'train-7'"},
	{"\"end\": \"2026-11-26T14:00:00Z\"\n        }",
	 "\"end\": \"2026-11-26T14:00:00Z\", \"x\": 1\n        }", "\"x\"", 1,
	 "unknown key 'segments[0].x' in job 'train-7'"},
	{"\"optimal\"", "\"done\"", "\"done\"", 1,
	 "'plan.status': invalid status 'done' (want optimal, feasible or "
	 "infeasible)"},
	{"\"PT30M\"", "\"30m\"", "\"30m\"", 1,
	 "'plan.slot': invalid duration '30m' (want ISO 8601, e.g. PT30M, "
	 "PT6H or P1DT2H)"},
	{"\"start\": \"2026-11-26T02:00:00Z\"", "\"start\": \"tomorrow\"",
	 "\"tomorrow\"", 1,
	 "'start': invalid time 'tomorrow' in job 'train-7' (want RFC 3339 "
	 "with an offset, e.g. 2026-11-25T18:00:00Z)"},
	{"\"runtime_s\": 43200", "\"runtime_s\": \"12h\"", "\"12h\"", 1,
	 "'runtime_s' must be a number in job 'train-7'"},
	{"\"profile\": 0", "\"profile\": -3", "-3", 1,
	 "'profile' must be a non-negative integer in job 'train-7'"},
	{"\"profile\": 0", "\"profile\": 1.5", "1.5", 1,
	 "'profile' must be a non-negative integer in job 'train-7'"},
	{"\"runtime_predicted\": false", "\"runtime_predicted\": 0", "0\n", 1,
	 "'runtime_predicted' must be true or false in job 'train-7'"},
	{"      \"site\": \"gb-london\",\n", "", "{\n      \"id\"", 1,
	 "missing 'site' in job 'train-7'"},
	{"    \"bound\": 4.2,\n", "", "{\n    \"policy\"", 1,
	 "missing 'plan.bound'"},
	{"\"jobs\": [", "\"jobs\": [1, ", "1, ", 1, "'jobs[0]' must be an object"},
	{"\"reason\": \"no site has 4 tpu free in its window\"", "\"reason\": 4",
	 "4\n", 1, "'unplaced[0].reason' must be a string"},
	{"[\n        {\n          \"start\": \"2026-11-26T02:00:00Z\",\n"
	 "          \"end\": \"2026-11-26T14:00:00Z\"\n        }\n      ]",
	 "{}", "{}", 1,
	 "'segments' must be an array in job 'train-7'"},
	{"\"oracle\": false,", "\"oracle\": false, \"runtime_quantile\": 90,",
	 "90,", 1,
	 "'plan.runtime_quantile': invalid quantile 90 (want a quantile "
	 "above 0 and below 1, e.g. 0.9)"},
	{"\"oracle\": false,", "\"oracle\": false, \"runtime_quantile\": \"P90\",",
	 "\"P90\"", 1, "'plan.runtime_quantile' must be a number"},
#define POLICY(placed, extra) \
	"\"oracle\": false, \"policies\": [{\"policy\": \"fifo\", " \
	"\"oracle\": false, \"status\": \"feasible\", \"emissions_kg\": 1, " \
	"\"energy_kwh\": 1, \"cost\": 0, \"baseline_emissions_kg\": 1, " \
	"\"placed\": " placed ", \"unplaced\": 0" extra "}],"
	{"\"oracle\": false,", POLICY("1.5", ""), "1.5,", 1,
	 "'plan.policies[0].placed' must be a whole number of jobs"},
	{"\"oracle\": false,", POLICY("-1", ""), "-1,", 1,
	 "'plan.policies[0].placed' must be a non-negative number"},
	{"\"oracle\": false,", POLICY("1", ", \"late\": 0"), "\"late\"", 1,
	 "unknown key 'plan.policies[0].late'"},
	{"\"oracle\": false,", "\"oracle\": false, \"policies\": [3],", "3]",
	 1, "'plan.policies[0]' must be an object"},
	{"\"oracle\": false,", "\"oracle\": false, \"policies\": {},", "{}", 1,
	 "'plan.policies' must be an array"},
#undef POLICY
	{"\"saving_kg\": 2.3", "\"saving_kg\": true", "true", 1,
	 "'saving_kg' must be a number in job 'train-7'"},
};

/* Line and column of the n-th occurrence of `at` in text (ASCII). */
static void find_pos(const char *text, const char *at, int n, int *line,
		     int *col)
{
	const char *p = text - 1;

	while (n-- > 0) {
		p = strstr(p + 1, at);
		assert_non_null(p);
	}
	*line = 1;
	*col = 1;
	for (const char *q = text; q < p; q++) {
		if (*q == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static void test_read_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_plans) / sizeof(bad_plans[0]); i++) {
		const struct bad_plan *c = &bad_plans[i];
		const char *at = strstr(SMALL, c->from);
		struct strbuf sb;
		struct plan p;
		struct errmsg err;
		char want[1024];
		int line, col;

		assert_non_null(at);
		strbuf_init(&sb);
		strbuf_add(&sb, SMALL, (size_t)(at - SMALL));
		strbuf_addstr(&sb, c->to);
		strbuf_addstr(&sb, at + strlen(c->from));
		unit_write_file("bad.json", sb.buf);
		find_pos(sb.buf, c->at, c->n, &line, &col);
		snprintf(want, sizeof(want), "bad.json:%d:%d: %s", line, col,
			 c->msg);
		assert_int_equal(plan_read(&p, "bad.json", &err), -1);
		if (strcmp(err.msg, want))
			print_error("case %zu\n", i);
		assert_string_equal(err.msg, want);
		assert_null(p.jobs); /* released */
		strbuf_release(&sb);
	}
}

static void test_read_not_a_plan(void **state)
{
	struct plan p;
	struct errmsg err;
	(void)state;

	unit_write_file("bad.json", "[]\n");
	assert_int_equal(plan_read(&p, "bad.json", &err), -1);
	assert_string_equal(err.msg, "bad.json:1:1: a plan must be an object "
				     "{\"plan\": ..., \"jobs\": [...], ...}");
	unit_write_file("bad.json", "{\"plan\": {}\n");
	assert_int_equal(plan_read(&p, "bad.json", &err), -1);
	assert_string_equal(err.msg, "bad.json:2:1: invalid JSON: '}' "
				     "expected near end of file");
	assert_int_equal(plan_read(&p, "missing.json", &err), -1);
	assert_string_equal(err.msg, "cannot read 'missing.json': No such "
				     "file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_empty),
		cmocka_unit_test(test_write_bad_status),
		cmocka_unit_test(test_read_bad),
		cmocka_unit_test(test_read_not_a_plan),
	};
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
