/*
 * test-runtime.c - unit tests of the runtime predictors: every history
 * reader on good and nasty input (exact messages), the features' refusal
 * to peek at runs not ended yet, the model's extrapolation in quantity and
 * the calibration of its P90 on synthetic runs whose truth is known.
 */
#include "forecast/forecast.h"

#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <zlib.h>

#include "tests/unit/unit.h"

/* Reads text written to `name` and expects success. */
static void read_ok(const char *name, const char *text, struct run_set *rs)
{
	struct errmsg err = {{0}};

	unit_write_file(name, text);
	run_set_init(rs);
	if (history_read(name, rs, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/* Reads text written to `name` and expects exactly message `want`. */
static void read_fails(const char *name, const char *text, const char *want)
{
	struct errmsg err = {{0}};
	struct run_set rs;

	unit_write_file(name, text);
	run_set_init(&rs);
	assert_int_equal(history_read(name, &rs, NULL, &err), -1);
	assert_string_equal(err.msg, want);
	assert_int_equal(rs.n, 0);
}

#define SACCT_HEAD                                                         \
	"JobID|JobName|User|Partition|AllocCPUS|AllocTRES|ReqMem|Timelimit|" \
	"Submit|Start|End|Elapsed|State|ConsumedEnergyRaw\n"

/* Bad input of every reader, and the exact message it must give. */
static const struct {
	const char *file, *text, *want;
} bad_inputs[] = {
	{"h.csv",
	 "id,runtime_s,colour\na,1,red\n",
	 "h.csv:1:14: unknown column 'colour'"},
	{"h.csv",
	 "id,runtime_s\na,-1\n",
	 "h.csv:2:3: 'runtime_s' must be non-negative"},
	{"h.csv",
	 "id,start\na,2026-01-01T00:00:00Z\n",
	 "h.csv:2:1: run 'a' needs 'runtime_s' or 'start' and 'end'"},
	{"h.csv",
	 "id,runtime_s,status\na,1,done\n",
	 "h.csv:2:5: unknown status 'done' (want completed, failed, "
	 "timeout, cancelled, oom, node_fail or unknown)"},
	{"h.csv",
	 "id,runtime_s\na,1,2\n",
	 "h.csv:2:1: 3 fields (the header has 2)"},
	{"h.csv",
	 "id,features\na,\"{\n",
	 "h.csv:2:3: unterminated quoted field"},
	{"h.jsonl",
	 "{\"id\": \"a\", \"runtime_s\": 1}\n"
	 "{\"id\": \"b\", \"runtim_s\": 1}\n",
	 "h.jsonl:2:13: unknown key 'runtim_s'"},
	{"h.jsonl",
	 "{\"id\": \"a\", \"runtime_s\": \"1\"}\n",
	 "h.jsonl:1:26: wrong type for 'runtime_s'"},
	{"h.jsonl",
	 "{\"id\": \"a\", \"runtime_s\": 1\n",
	 "h.jsonl:1:26: invalid JSON: '}' expected near end of file"},
	{"h.jsonl",
	 "{\"id\": \"a\", \"id\": \"b\", \"runtime_s\": 1}\n",
	 "h.jsonl:1:16: invalid JSON: duplicate object key near "
	 "'\"id\"'"},
	{"h.swf",
	 "1 0 10 100 4 -1 -1 4 200 -1 1 3 1 -1 2 -1 -1\n",
	 "h.swf:1:1: SWF line has 17 fields (want 18)"},
	{"h.swf",
	 "1 0 10 1x0 4 -1 -1 4 200 -1 1 3 1 -1 2 -1 -1 -1\n",
	 "h.swf:1:8: invalid number '1x0'"},
	{"h.swf",
	 "1 0 10 100 4 -1 -1 4 200 -1 9 3 1 -1 2 -1 -1 -1\n",
	 "h.swf:1:29: unknown SWF status '9'"},
	{"m.csv",
	 "job_id,n,p,queue_wait_s,duration_s,start_time,end_time,success\n"
	 "j1,1,1,0,1,2026-01-01T00:00:00Z,2026-01-01T00:00:01Z,maybe\n",
	 "m.csv:2:54: invalid success 'maybe' (want true or false)"},
	{"s.txt", SACCT_HEAD "7|a|u|p|1||1G|10||||00:01:00|EXPLODED|\n",
	 "s.txt:2:30: unknown sacct state 'EXPLODED'"},
	{"s.txt", SACCT_HEAD "7.batch|a|u|p|1||1G|10||||00:01:00|COMPLETED|\n",
	 "s.txt:2:1: job step '7.batch' comes without its job"},
	{"s.txt", SACCT_HEAD "7|a|u|p|1||1G|1:2:3:4|||||COMPLETED|\n",
	 "s.txt:2:15: invalid duration '1:2:3:4'"},
	{"s.txt", SACCT_HEAD "7|a|u|p|1||1G|10|COMPLETED|\n",
	 "s.txt:2:1: sacct line has 10 fields (the header has 14)"},
	{"s.txt", "JobID|Name\n1|x\n",
	 "s.txt:1:1: sacct header lacks 'JobID' or 'State'"},
};

static void test_bad_inputs(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_inputs); i++)
		read_fails(bad_inputs[i].file, bad_inputs[i].text,
			   bad_inputs[i].want);
	(void)state;
}

static void test_csv(void **state)
{
	struct run_set rs;

	read_ok("h.csv",
		"id,user,runtime_s,start,end,quantity,unit,resources,status\n"
		"a,ann,100,,,5,epoch,\"{\"\"gpu\"\": 2}\",completed\n"
		"b,bob,,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,,,,timeout\n",
		&rs);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.runs[0].id, "a");
	assert_string_equal(rs.runs[0].resources, "{\"gpu\":2}");
	assert_true(rs.runs[0].quantity == 5);
	assert_true(rs.runs[1].runtime_s == 3600);
	assert_string_equal(rs.runs[1].status, "timeout");
	assert_true(rs.runs[1].submit == rs.runs[1].start);
	run_set_release(&rs);
	(void)state;
}

static void test_jsonl(void **state)
{
	struct run_set rs;

	read_ok("h.jsonl",
		"{\"id\": \"a\", \"runtime_s\": 60, \"site\": \"x\", "
		"\"features\": {\"model\": \"r50\"}}\n\n"
		"{\"id\": 7, \"start\": \"2026-01-01T00:00:00Z\", "
		"\"end\": \"2026-01-01T00:10:00Z\", \"energy_kwh\": 0.5}\n",
		&rs);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.runs[0].features, "{\"model\":\"r50\"}");
	assert_string_equal(rs.runs[1].id, "7");
	assert_true(rs.runs[1].runtime_s == 600);
	assert_true(rs.runs[1].energy_kwh == 0.5);
	run_set_release(&rs);
	(void)state;
}

static const char swf_text[] =
	"; UnixStartTime: 1000\n"
	";\n"
	"1 0 10 100 4 -1 -1 4 200 -1 1 3 1 -1 2 -1 -1 -1\n"
	"2 5 0 199 2 -1 -1 2 200 -1 0 3 1 -1 2 -1 -1 -1\n"
	"3 6 0 20 -1 -1 -1 8 200 -1 0 4 1 7 2 -1 -1 -1\n"
	"4 7 -1 -1 -1 -1 -1 -1 -1 -1 5 4 1 7 2 -1 -1 -1\n";

static void test_swf(void **state)
{
	struct run_set rs;

	read_ok("h.swf", swf_text, &rs);
	assert_int_equal(rs.n, 4);
	assert_true(rs.runs[0].submit == 1000);
	assert_true(rs.runs[0].start == 1010);
	assert_true(rs.runs[0].end == 1110);
	assert_string_equal(rs.runs[0].user, "u3");
	assert_null(rs.runs[0].executable);
	assert_string_equal(rs.runs[0].resources, "{\"cpu\":4}");
	assert_string_equal(rs.runs[0].status, "completed");
	assert_string_equal(rs.runs[1].status, "timeout"); /* 199 of 200 */
	assert_string_equal(rs.runs[2].status, "failed");
	assert_string_equal(rs.runs[2].resources, "{\"cpu\":8}");
	assert_string_equal(rs.runs[2].executable, "x7");
	assert_string_equal(rs.runs[3].status, "cancelled");
	assert_true(isnan(rs.runs[3].runtime_s));
	run_set_release(&rs);
	(void)state;
}

static void write_gz(const char *path, const char *text, size_t cut)
{
	gzFile gz = gzopen("full.gz", "wb");
	struct strbuf sb;
	FILE *f;

	assert_non_null(gz);
	assert_true(gzputs(gz, text) > 0);
	assert_int_equal(gzclose(gz), Z_OK);
	strbuf_init(&sb);
	assert_int_equal(strbuf_read_file(&sb, "full.gz", 1 << 20), 0);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(sb.buf, 1, sb.len - cut, f), sb.len - cut);
	assert_int_equal(fclose(f), 0);
	strbuf_release(&sb);
}

static void test_swf_gz(void **state)
{
	struct errmsg err = {{0}};
	struct run_set rs;

	write_gz("h.swf.gz", swf_text, 0);
	run_set_init(&rs);
	assert_int_equal(history_read("h.swf.gz", &rs, NULL, &err), 0);
	assert_int_equal(rs.n, 4);
	run_set_release(&rs);

	write_gz("cut.swf.gz", swf_text, 12);
	assert_int_equal(history_read("cut.swf.gz", &rs, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "cut.swf.gz"));
	assert_int_equal(rs.n, 0);
	(void)state;
}


static void test_sacct(void **state)
{
	struct run_set rs;
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addstr(&sb, SACCT_HEAD);
	strbuf_addstr(&sb,
		"101|sim|ann|gpu|8|billing=8,cpu=8,gres/gpu=2,mem=32G,node=1|"
		"32G|1-02:03:04|2026-01-01T00:00:00|2026-01-01T00:01:00|"
		"2026-01-01T01:01:00|01:00:00|COMPLETED|\n"
		"101.batch|batch|||8|cpu=8,mem=32G,node=1||||2026-01-01T00:01:00|"
		"2026-01-01T01:01:00|01:00:00|COMPLETED|3600000\n"
		"101.0|sim|||8|cpu=8||||||00:59:00|COMPLETED|1800000\n"
		"102|post|bob|cpu|1||4G|UNLIMITED|2026-01-01T00:00:00|"
		"2026-01-01T00:00:00|2026-01-01T00:00:30|00:00:30|"
		"CANCELLED by 1000|\n"
		"103|post|bob|cpu|1||4G|30:00|2026-01-01T00:00:00|Unknown|"
		"Unknown|00:00:00|PENDING|\n"
		"104|big|ann|cpu|4||4G|10|2026-01-01T00:00:00|"
		"2026-01-01T00:00:00|2026-01-01T00:10:00|00:10:00|TIMEOUT|\n"
		"105|oom|ann|cpu|4||4G|10:30|2026-01-01T00:00:00|"
		"2026-01-01T00:00:00|2026-01-01T00:01:00|01:00|OUT_OF_MEMORY|\n");
	read_ok("sacct.txt", sb.buf, &rs);
	assert_int_equal(rs.n, 4); /* the pending one is skipped */
	assert_string_equal(rs.runs[0].resources, "{\"cpu\":8,\"gpu\":2}");
	assert_true(rs.runs[0].requested_s == 93784);
	assert_true(rs.runs[0].runtime_s == 3600);
	assert_true(fabs(rs.runs[0].energy_kwh - 1.5) < 1e-12);
	assert_string_equal(rs.runs[0].executable, "sim");
	assert_string_equal(rs.runs[0].queue, "gpu");
	assert_string_equal(rs.runs[1].status, "cancelled");
	assert_true(isnan(rs.runs[1].requested_s));
	assert_string_equal(rs.runs[2].status, "timeout");
	assert_true(rs.runs[2].requested_s == 600);
	assert_string_equal(rs.runs[3].status, "oom");
	assert_true(rs.runs[3].requested_s == 630);
	run_set_release(&rs);

	strbuf_release(&sb);
	(void)state;
}

static void test_slurm_duration(void **state)
{
	static const struct {
		const char *s;
		double want;
	} ok[] = {
		{"5", 300},        {"05:30", 330},      {"01:02:03", 3723},
		{"2-03", 183600},  {"2-03:04", 183840}, {"1-02:03:04", 93784},
		{"UNLIMITED", -1},
	};
	static const char *const bad[] = {"", "x", "1:", "-1", "1-", "1:-2"};
	double v;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(slurm_duration(ok[i].s, &v), 0);
		assert_true(v == ok[i].want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(slurm_duration(bad[i], &v), -1);
	(void)state;
}

static void test_executor(void **state)
{
	struct run_set rs;

	read_ok("m.csv",
		"job_id,n,p,queue_wait_s,duration_s,start_time,end_time,success\n"
		"j1,1000,4,30,120.5,2026-01-01T00:00:00Z,2026-01-01T00:02:00Z,true\n"
		"j2,2000,8,0,60,1767225600,1767225660,0\n",
		&rs);
	assert_int_equal(rs.n, 2);
	assert_true(rs.runs[0].quantity == 1000);
	assert_true(rs.runs[0].runtime_s == 120.5);
	assert_true(rs.runs[0].submit == rs.runs[0].start - 30);
	assert_string_equal(rs.runs[0].resources, "{\"cpu\":4}");
	assert_string_equal(rs.runs[0].status, "completed");
	assert_string_equal(rs.runs[1].status, "failed");
	assert_true(rs.runs[1].start == 1767225600);
	run_set_release(&rs);
	/* blanks after the commas, as some executors write them */
	read_ok("m.csv",
		"job_id, n, p, queue_wait_s, duration_s, start_time, end_time, "
		"success\n"
		"j1, 1000, 4, 30, 120.5, 1767225600, 1767225720, true \n",
		&rs);
	assert_true(rs.n == 1 && !strcmp(rs.runs[0].id, "j1") &&
		    rs.runs[0].quantity == 1000 && rs.runs[0].runtime_s == 120.5 &&
		    !strcmp(rs.runs[0].status, "completed"));
	run_set_release(&rs);
	read_fails("m.csv",
		   "job_id, n, p, queue_wait_s, duration_s, start_time, "
		   "end_time, success, extra\n",
		   "m.csv:1:72: unknown column 'extra'");
	(void)state;
}

/* A run of user u submitted at `submit` that ran `runtime` seconds. */
static void add_run(struct run_set *rs, const char *id, const char *user,
		    gs_time submit, double runtime)
{
	struct job_run *r = run_set_push(rs);

	r->id = xstrdup(id);
	r->user = xstrdup(user);
	r->status = xstrdup("completed");
	r->submit = r->start = submit;
	r->runtime_s = runtime;
	r->end = submit + (gs_time)runtime;
}

static void test_no_peeking(void **state)
{
	struct run_set rs;
	struct rt_hist *h;
	float X[3 * RTF_N], Y[3 * RTF_N];

	run_set_init(&rs);
	add_run(&rs, "a", "ann", 0, 100);    /* ends at 100 */
	add_run(&rs, "b", "ann", 50, 1000);  /* submitted while a runs */
	add_run(&rs, "c", "ann", 100, 10);   /* a ended at 100: not before */
	h = rt_hist_new();
	rt_replay(rs.runs, rs.n, h, X);
	rt_hist_free(h);
	for (int i = 0; i < 3; i++)
		assert_true(isnan(X[i * RTF_N + RTF_U_LAST]));
	rs.runs[2].submit = 101; /* now a ended strictly before c */
	h = rt_hist_new();
	rt_replay(rs.runs, rs.n, h, X);
	rt_hist_free(h);
	assert_true(fabsf(X[2 * RTF_N + RTF_U_LAST] - logf(100)) < 1e-5f);
	/* a run's own runtime never changes its own features */
	rs.runs[2].runtime_s = 1e6;
	rs.runs[2].end = 101 + 1000000;
	h = rt_hist_new();
	rt_replay(rs.runs, rs.n, h, Y);
	rt_hist_free(h);
	assert_memory_equal(X, Y, sizeof(X));
	run_set_release(&rs);
	(void)state;
}

/*
 * Minimal histories (submit and runtime_s only) feed the per-user
 * history: a run without an end ends at start + runtime, else at
 * submit + runtime.
 */
static void test_no_end(void **state)
{
	struct run_set rs;
	struct rt_hist *h = rt_hist_new();
	float X[3 * RTF_N];

	run_set_init(&rs);
	add_run(&rs, "a", "ann", 0, 100);
	add_run(&rs, "b", "ann", 200, 30);
	add_run(&rs, "c", "ann", 250, 10);
	rs.runs[0].start = rs.runs[0].end = GS_TIME_NONE; /* ends at 100 */
	rs.runs[1].start = 215;                           /* ends at 245 */
	rs.runs[1].end = GS_TIME_NONE;
	rt_replay(rs.runs, rs.n, h, X);
	assert_true(fabsf(X[1 * RTF_N + RTF_U_LAST] - logf(100)) < 1e-5f);
	assert_true(fabsf(X[2 * RTF_N + RTF_U_LAST] - logf(30)) < 1e-5f);
	rt_hist_free(h);
	/* b started at 225 ends at 255: c (submitted at 250) sees a only */
	rs.runs[1].start = 225;
	h = rt_hist_new();
	rt_replay(rs.runs, rs.n, h, X);
	assert_true(fabsf(X[2 * RTF_N + RTF_U_LAST] - logf(100)) < 1e-5f);
	rt_hist_free(h);
	/* as for a job to come (rt_predictor_load): all three are history */
	rs.runs[2].end = GS_TIME_NONE;
	h = rt_hist_new();
	rt_replay(rs.runs, rs.n, h, NULL);
	rt_features(h, &rs.runs[0], X);
	assert_true(fabsf(X[RTF_U_MEAN] - logf(30000) / 3) < 1e-5f);
	rt_hist_free(h);
	run_set_release(&rs);
	(void)state;
}

/* Deterministic noise in [-1, 1). */
static double noise(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(*s >> 11) / 4503599627370496.0 - 1;
}

/* Runs of two users: 10 s (ann) or 40 s (bob) per unit, times noise. */
static void synthetic(struct run_set *rs, size_t n, double spread,
		      uint64_t seed)
{
	run_set_init(rs);
	for (size_t i = 0; i < n; i++) {
		char id[32];
		bool ann = i % 2;
		double q = 1 + (double)(i * 7 % 100);
		struct job_run *r;
		snprintf(id, sizeof(id), "r%zu", i);
		add_run(rs, id, ann ? "ann" : "bob", (gs_time)i * 10000,
			q * (ann ? 10 : 40) * exp(spread * noise(&seed)));
		r = &rs->runs[rs->n - 1];
		r->quantity = q;
		r->unit = xstrdup("step");
	}
}

static double predict_one(struct rt_model *m, struct rt_hist *h,
			  const char *user, double q, double quantile)
{
	struct job_run r = {0};
	float x[RTF_N];
	double p50, pq;
	struct errmsg err;

	r.user = (char *)user;
	r.unit = (char *)"step";
	r.quantity = q;
	r.requested_s = r.runtime_s = r.energy_kwh = (double)NAN;
	r.submit = GS_TIME_NONE;
	rt_features(h, &r, x);
	assert_int_equal(rt_predict_rows(m, x, &q, 1, quantile, &p50, &pq,
					 &err), 0);
	return quantile == 0.5 ? p50 : pq;
}

static void test_quantity_extrapolates(void **state)
{
	struct run_set rs;
	struct rt_model m;
	struct rt_hist *h = rt_hist_new();
	struct errmsg err;
	double p;

	synthetic(&rs, 400, 0.05, 1);
	rt_model_init(&m);
	assert_int_equal(rt_train(&m, rs.runs, rs.n, &err), 0);
	rt_replay(rs.runs, rs.n, h, NULL);
	/* trained on quantities 1..100: ten times beyond that */
	p = predict_one(&m, h, "ann", 1000, 0.5);
	assert_true(p > 8000 && p < 12500);
	p = predict_one(&m, h, "bob", 1000, 0.5);
	assert_true(p > 32000 && p < 50000);
	rt_hist_free(h);
	rt_model_release(&m);
	run_set_release(&rs);
	(void)state;
}

/*
 * One user running two kinds of job in random order, 100 s and 10000 s,
 * told apart by their executable (exe) or else only by their queue: the
 * user's last two average 5050 s when they differ, and the trees must
 * move each kind's runs far from that starting point to their runtimes.
 */
static void far_from_margin(bool exe)
{
	struct run_set rs;
	struct rt_model m;
	struct rt_hist *h = rt_hist_new();
	struct job_run r = {0};
	struct errmsg err;
	float x[RTF_N];
	double p[2], q = 1;
	uint64_t seed = 3;

	run_set_init(&rs);
	for (size_t i = 0; i < 400; i++) {
		char id[32];
		bool b = noise(&seed) > 0;
		snprintf(id, sizeof(id), "r%zu", i);
		add_run(&rs, id, "ann", (gs_time)i * 20000, b ? 10000 : 100);
		*(exe ? &rs.runs[rs.n - 1].executable
		      : &rs.runs[rs.n - 1].queue) = xstrdup(b ? "B" : "A");
	}
	rt_model_init(&m);
	assert_int_equal(rt_train(&m, rs.runs, rs.n, &err), 0);
	rt_replay(rs.runs, rs.n, h, NULL);
	r.user = (char *)"ann";
	r.requested_s = r.runtime_s = r.energy_kwh = (double)NAN;
	r.submit = GS_TIME_NONE;
	for (int k = 0; k < 2; k++) {
		*(exe ? &r.executable : &r.queue) = (char *)(k ? "B" : "A");
		rt_features(h, &r, x);
		assert_int_equal(rt_predict_rows(&m, x, &q, 1, 0.5, &p[k], NULL,
						 &err), 0);
	}
	print_message("# by %s: A %.0f s, B %.0f s\n",
		      exe ? "executable" : "queue", p[0], p[1]);
	assert_true(p[0] > 50 && p[0] < 300);
	assert_true(p[1] > 5000 && p[1] < 20000);
	rt_hist_free(h);
	rt_model_release(&m);
	run_set_release(&rs);
}

static void test_far_from_margin(void **state)
{
	far_from_margin(true);
	far_from_margin(false);
	(void)state;
}

static void test_calibration(void **state)
{
	struct run_set rs;
	struct rt_model m;
	struct rt_hist *h = rt_hist_new();
	struct errmsg err;
	size_t ntrain = 2500, ntest = 1000, in = 0;
	float *X = xmalloc((ntrain + ntest) * RTF_N * sizeof(float));
	double *qty = xmalloc(ntest * sizeof(double));
	double *p90 = xmalloc(ntest * sizeof(double));

	/* trained on the first runs, scored on the later ones as they come */
	synthetic(&rs, ntrain + ntest, 0.8, 2);
	rt_model_init(&m);
	assert_int_equal(rt_train(&m, rs.runs, ntrain, &err), 0);
	rt_replay(rs.runs, rs.n, h, X);
	for (size_t i = 0; i < ntest; i++)
		qty[i] = rs.runs[ntrain + i].quantity;
	assert_int_equal(rt_predict_rows(&m, &X[ntrain * RTF_N], qty, ntest,
					 0.9, NULL, p90, &err), 0);
	for (size_t i = 0; i < ntest; i++)
		in += rs.runs[ntrain + i].runtime_s <= p90[i];
	/* conformal P90 on exchangeable data: 90% give or take sampling */
	print_message("# P90 covers %zu of %zu\n", in, ntest);
	assert_true(in >= 850 && in <= 950);
	assert_int_equal(rt_predict_rows(&m, X, qty, 1, 0.7, NULL, p90, &err),
			 -1);
	assert_string_equal(err.msg, "quantile 0.7 is not calibrated (want "
			    "0.5, 0.8, 0.9, 0.95 or 0.99)");
	free(X);
	free(qty);
	free(p90);
	rt_hist_free(h);
	rt_model_release(&m);
	run_set_release(&rs);
	(void)state;
}

/*
 * Censored runs count in the P90's calibration and in the coverage of all
 * runs: one run in 10 is cancelled after 10^6 s, far beyond any P90 (a
 * definite miss), so the P90 must cover about 90% of all runs (81% if
 * calibrated on completed runs alone) and so nearly all completed ones.
 */
static void test_censored_coverage(void **state)
{
	struct run_set rs;
	struct strbuf out;
	struct errmsg err;
	json_t *o;
	double all, done;

	synthetic(&rs, 3000, 0.8, 5);
	for (size_t i = 7; i < rs.n; i += 10) {
		free(rs.runs[i].status);
		rs.runs[i].status = xstrdup("cancelled");
		rs.runs[i].runtime_s = 1e6;
	}
	strbuf_init(&out);
	assert_int_equal(rt_evaluate(rs.runs, rs.n, &out, &err), 0);
	o = json_loads(out.buf, 0, NULL);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o,
							    "test_censored")),
			 60);
	all = json_number_value(json_object_get(o, "p90_coverage_all_runs"));
	done = json_number_value(json_object_get(o, "p90_coverage"));
	print_message("# P90 covers %.3f of all runs, %.3f of completed\n",
		      all, done);
	assert_true(all >= 0.85 && all <= 0.95);
	assert_true(done > 0.97);
	json_decref(o);
	strbuf_release(&out);
	run_set_release(&rs);
	(void)state;
}

/* Runs and the model survive the store: upserted, read back, reloaded. */
static void test_store_roundtrip(void **state)
{
	struct run_set rs, back;
	struct rt_model m, m2;
	struct store *st;
	struct errmsg err;
	float X[RTF_N];
	double a, b, q = 10;
	struct rt_hist *h = rt_hist_new();

	synthetic(&rs, 300, 0.2, 4);
	rs.runs[0].energy_kwh = 1.5;
	assert_int_equal(store_open("rt.db", 0, &st, &err), 0);
	assert_int_equal(store_put_runs(st, "a", rs.runs, rs.n, &err), 0);
	assert_int_equal(store_put_runs(st, "a", rs.runs, rs.n, &err), 0);
	run_set_init(&back);
	assert_int_equal(store_get_runs(st, &back.runs, &back.n, &err), 0);
	back.alloc = back.n;
	assert_int_equal(back.n, 300);
	assert_string_equal(back.runs[0].id, "r0");
	assert_string_equal(back.runs[0].unit, "step");
	assert_true(back.runs[0].energy_kwh == 1.5);
	assert_true(back.runs[0].runtime_s == rs.runs[0].runtime_s);
	assert_null(back.runs[0].resources);

	rt_model_init(&m);
	rt_model_init(&m2);
	assert_int_equal(rt_model_load(st, &m2, &err), 1);
	assert_int_equal(rt_train(&m, back.runs, back.n, &err), 0);
	assert_int_equal(rt_model_save(st, &m, &err), 0);
	assert_int_equal(rt_model_load(st, &m2, &err), 0);
	rt_replay(back.runs, back.n, h, NULL);
	rt_features(h, &back.runs[5], X);
	assert_int_equal(rt_predict_rows(&m, X, &q, 1, 0.9, NULL, &a, &err), 0);
	assert_int_equal(rt_predict_rows(&m2, X, &q, 1, 0.9, NULL, &b, &err), 0);
	assert_true(fabs(a - b) < 1e-6 * a);
	rt_hist_free(h);
	rt_model_release(&m);
	rt_model_release(&m2);
	run_set_release(&back);
	run_set_release(&rs);
	store_free(st);
	unlink("rt.db-wal");
	unlink("rt.db-shm");
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_jsonl),
		cmocka_unit_test(test_swf),
		cmocka_unit_test(test_swf_gz),
		cmocka_unit_test(test_sacct),
		cmocka_unit_test(test_slurm_duration),
		cmocka_unit_test(test_executor),
		cmocka_unit_test(test_no_peeking),
		cmocka_unit_test(test_no_end),
		cmocka_unit_test(test_quantity_extrapolates),
		cmocka_unit_test(test_far_from_margin),
		cmocka_unit_test(test_calibration),
		cmocka_unit_test(test_censored_coverage),
		cmocka_unit_test(test_store_roundtrip),
	};
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
