/*
 * cmd-predict.c - `greenslot predict`: the stored runtime model applied
 * to job specs (per job, profile and allowed site) or replayed over a run
 * history (--runs), printed as CSV.
 */
#include "forecast/forecast.h"

#include <getopt.h>
#include <math.h>

static const struct cmd_opt predict_opts[] = {
	{"--db PATH", "store holding the trained model"},
	{"--sites SITES.json", "site catalog (needed for JOBS.json)"},
	{"--runs HISTORY", "predict every run of a history file instead of "
			   "job specs"},
	{"--quantile Q", "the upper quantile printed (default 0.9; also "
			 "0.8, 0.95, 0.99; the column is named after it, "
			 "e.g. runtime_p95_s)"},
	{NULL, NULL},
};

const struct cmd_doc cmd_predict_doc = {
	"predict --sites SITES.json [--quantile Q] JOBS.json...\n"
	"predict --runs HISTORY",
	"predict runtimes (P50, P90) and power of jobs",
	"With JOBS.json, prints CSV job,profile,site,runtime_p50_s,"
	"runtime_p90_s,power_w: a row per job, profile and allowed site, "
	"for the jobs' profiles without a duration and with one alike (the "
	"prediction ignores the given duration).  The job's unit, quantity, "
	"resources and earliest_start are used, and from its features "
	"object the strings user, executable, queue and the number "
	"requested_s.  A site no stored run ran at gets the site-free "
	"prediction divided by its speed.  power_w is the profile's power_w, "
	"else the mean power (energy_kwh over runtime) of the stored runs of "
	"the same user and executable that report energy, else its "
	"resources times the site's power_w.  'greenslot solve' plans on the "
	"same runtimes and power.  With --runs, prints "
	"CSV id,runtime_p50_s,runtime_p90_s per run in submit order, each "
	"predicted from the stored model and the runs of that file that "
	"ended before it was submitted, never from its own runtime.  Needs "
	"a model trained by 'greenslot train'.",
	predict_opts,
};

struct predict_args {
	const char *runs;
	double quantile;
};

static int parse_args(int argc, char **argv, struct predict_args *pa)
{
	static const struct option opts[] = {
		{"runs", required_argument, NULL, 'r'},
		{"quantile", required_argument, NULL, 'Q'},
		{NULL, 0, NULL, 0},
	};
	int c;

	pa->runs = NULL;
	pa->quantile = 0.9;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			pa->runs = optarg;
		else if (c != 'Q' ||
			 opt_double("--quantile", optarg, &pa->quantile) < 0)
			return -1;
	}
	if (!rt_quantile_known(pa->quantile) || pa->quantile == 0.5)
		return error("--quantile %g is not calibrated (want 0.8, 0.9, "
			     "0.95 or 0.99)", pa->quantile);
	if (pa->runs && optind < argc)
		return error("give --runs HISTORY or JOBS.json, not both");
	if (!pa->runs && optind >= argc)
		return error("no JOBS.json given (or --runs HISTORY)");
	return 0;
}

/* The stored model; exit code when there is none or it cannot load. */
static int load_model(struct cmd_ctx *ctx, struct rt_predictor *p)
{
	struct store *st = cmd_store(ctx);
	struct errmsg err;
	int ret;

	memset(p, 0, sizeof(*p));
	if (!st)
		return EXIT_RUNTIME;
	ret = rt_predictor_load(p, st, &err);
	if (ret < 0) {
		error("%s", err.msg);
		return EXIT_RUNTIME;
	}
	if (ret > 0) {
		error("no trained runtime model in '%s' (run 'greenslot "
		      "train HISTORY...' first)", ctx->db_path);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int predict_runs(const struct predict_args *pa,
			const struct rt_predictor *p)
{
	struct run_set rs;
	struct rt_hist *h = rt_hist_new();
	struct errmsg err;
	float *X;
	double *qty, *p50, *pq;
	int ret = EXIT_OK;

	run_set_init(&rs);
	if (history_read(pa->runs, &rs, NULL, &err) < 0) {
		rt_hist_free(h);
		error("%s", err.msg);
		return EXIT_USAGE;
	}
	rt_sort_runs(rs.runs, rs.n);
	X = xmalloc(st_mult(st_mult(rs.n + 1, RTF_N), sizeof(float)));
	qty = xmalloc(st_mult(rs.n + 1, sizeof(double)));
	p50 = xmalloc(st_mult(rs.n + 1, sizeof(double)));
	pq = xmalloc(st_mult(rs.n + 1, sizeof(double)));
	rt_replay(rs.runs, rs.n, h, X);
	for (size_t i = 0; i < rs.n; i++)
		qty[i] = rs.runs[i].quantity;
	if (rt_predict_rows(&p->model, X, qty, rs.n, pa->quantile, p50, pq,
			    &err) < 0) {
		error("%s", err.msg);
		ret = EXIT_USAGE;
	} else {
		printf("id,runtime_p50_s,runtime_p%g_s\n", pa->quantile * 100);
		for (size_t i = 0; i < rs.n; i++)
			printf("%s,%.1f,%.1f\n", rs.runs[i].id, p50[i], pq[i]);
	}
	free(X);
	free(qty);
	free(p50);
	free(pq);
	rt_hist_free(h);
	run_set_release(&rs);
	return ret;
}

static int predict_jobs(const struct predict_args *pa,
			const struct rt_predictor *p,
			const struct catalog *cat, const struct jobset *js)
{
	struct rt_job_pred *v;
	struct errmsg err;
	size_t n;

	if (rt_predict_jobs(p, cat, js, pa->quantile, false, &v, &n,
			    &err) < 0) {
		error("%s", err.msg);
		return EXIT_USAGE;
	}
	printf("job,profile,site,runtime_p50_s,runtime_p%g_s,power_w\n",
	       pa->quantile * 100);
	for (size_t i = 0; i < n; i++) {
		const struct rt_job_pred *r = &v[i];
		if (!r->allowed)
			continue;
		printf("%s,%zu,%s,%.1f,%.1f,%.6g\n", js->jobs[r->job].id,
		       r->profile, cat->sites[r->site].id, r->p50, r->pq,
		       rt_job_power(cat, &js->jobs[r->job], r->profile,
				    r->site, r->learned_w));
	}
	free(v);
	return EXIT_OK;
}

int cmd_predict(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct predict_args pa;
	struct rt_predictor p;
	struct jobset js;
	struct errmsg err;
	int ret;

	if (parse_args(argc, argv, &pa) < 0)
		return EXIT_USAGE;
	if (!pa.runs && !ctx->catalog) {
		error("predict needs --sites SITES.json for JOBS.json");
		return EXIT_USAGE;
	}
	jobset_init(&js);
	if (!pa.runs && jobset_load_files(&js, ctx->catalog, argv + optind,
					  (size_t)(argc - optind), &err) < 0) {
		error("%s", err.msg);
		jobset_release(&js);
		return EXIT_USAGE;
	}
	ret = load_model(ctx, &p);
	if (ret == EXIT_OK)
		ret = pa.runs ? predict_runs(&pa, &p)
			      : predict_jobs(&pa, &p, ctx->catalog, &js);
	rt_predictor_release(&p);
	jobset_release(&js);
	return ret;
}
