/*
 * cmd-run.c - `greenslot run`: a runner for one host without a
 * scheduler.  Options and messages here; the engine is runner.c.
 */
#include "solver/solver.h"

#include <getopt.h>
#include <math.h>
#include <unistd.h>

static const struct cmd_opt run_opts[] = {
	{"--db PATH", "store to record the runs in (job_run)"},
	{"--sites SITES.json", "site catalog: every site of the plan must be "
			       "in it"},
	{"--site ID", "run only the jobs planned at this site"},
	{"--now", "start the jobs now, one after another in plan order, "
		  "instead of waiting for their planned starts"},
	{"--powercap DIR", "where the RAPL counters are (default "
			   "/sys/class/powercap)"},
	{"-q, --quiet", "print nothing but errors"},
	{NULL, NULL},
};

const struct cmd_doc cmd_run_doc = {
	"run [--sites SITES.json] [--site ID] [--now] [--metrics FILE] "
	"PLAN.json",
	"run a plan's jobs on this host at their planned starts",
	"Waits for each job's planned start (sleeping, woken by signals and "
	"ended children) and runs its command with /bin/sh -c in its own "
	"process group, several at once when the plan overlaps them.  Each "
	"run is recorded in the store's job_run table under source "
	"greenslot-run and id JOB@PLANNED_START: a 'started' row is "
	"committed before the job starts, and its end, exit_status (128 + "
	"N for signal N), status (completed or failed) and the host's "
	"energy from the RAPL powercap counters (each interval between two "
	"polls split equally among the jobs running in it, so that "
	"overlapping jobs do not count it twice; host energy, idle power "
	"included; none without counters) when it ends.  So the runner can be stopped and started again: finished "
	"runs are skipped, and a run that was started but never seen to "
	"end (the runner was killed) is marked interrupted and not run "
	"again, so no job runs twice.  A job whose start has passed starts "
	"at once.  A job planned in several parts (segments) is paused "
	"between them: SIGSTOP to its process group when a part ends, "
	"SIGCONT when the next begins (its runtime_s leaves the pauses "
	"out); started late, it starts at once inside a part, else at the "
	"next part's start; --now runs it in one piece.  SIGINT or "
	"SIGTERM: start no more jobs and wait for the "
	"running ones (the others stay pending for the next run); a second "
	"signal sends them SIGTERM.  One runner per store: a second one "
	"started while the first runs exits 1 at once (the lock is "
	"DB.run.lock beside the store).  Prints one line per event on stderr.  "
	"Exit 0 when every job started has exited 0, 1 when one failed or "
	"a signal stopped the runner.",
	run_opts,
};

struct run_args {
	struct runner_opts o;
	const char *plan;
	bool quiet;
};

static int parse_args(int argc, char **argv, struct run_args *a)
{
	static const struct option longopts[] = {
		{"site", required_argument, NULL, 's'},
		{"now", no_argument, NULL, 'n'},
		{"powercap", required_argument, NULL, 'p'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		switch (c) {
		case 's': a->o.site = optarg; break;
		case 'n': a->o.now = true; break;
		case 'p': a->o.powercap = optarg; break;
		case 'q': a->quiet = true; break;
		default: return -1;
		}
	}
	if (optind != argc - 1)
		return error("run needs exactly one PLAN.json");
	a->plan = argv[optind];
	return 0;
}

/* With --sites, every site of the plan (and --site) must be in it. */
static int check_sites(const struct plan *p, const struct run_args *a,
		       const struct catalog *cat)
{
	bool any = false;

	for (size_t i = 0; cat && i < p->njobs; i++)
		if (catalog_find_site(cat, p->jobs[i].site) < 0)
			return error("%s: job '%s' is planned at site '%s', "
				     "which is not in %s", a->plan,
				     p->jobs[i].id, p->jobs[i].site,
				     cat->path ? cat->path : "the catalog");
	for (size_t i = 0; a->o.site && i < p->njobs; i++)
		any |= !strcmp(p->jobs[i].site, a->o.site);
	if (a->o.site && !any)
		warning("no job of %s is planned at site '%s'", a->plan,
			a->o.site);
	return 0;
}

static void print_note(void *ud, const char *line)
{
	const struct run_args *a = ud;

	if (!a->quiet)
		fprintf(stderr, "%s\n", line);
}

static void write_metrics(const char *path, const struct runner_stats *s,
			  bool ok)
{
	struct metrics m;
	struct errmsg err;
	const char *help = "jobs of the last greenslot run, by outcome";

	metrics_init(&m);
	metrics_add(&m, "greenslot_run_jobs", help, "status", "completed",
		    (double)s->completed);
	metrics_add(&m, "greenslot_run_jobs", help, "status", "failed",
		    (double)s->failed);
	metrics_add(&m, "greenslot_run_jobs", help, "status", "interrupted",
		    (double)s->interrupted);
	metrics_add(&m, "greenslot_run_jobs", help, "status", "skipped",
		    (double)s->skipped);
	if (!isnan(s->energy_kwh))
		metrics_add(&m, "greenslot_run_energy_kwh", "host energy "
			    "over the jobs of the last run (RAPL)", NULL,
			    NULL, s->energy_kwh);
	metrics_finish(&m, "greenslot_run", ok, time_now(), path);
	if (metrics_write(&m, path, &err) < 0)
		error("%s", err.msg);
	metrics_release(&m);
}

int cmd_run(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct run_args a = {{NULL, false, "/sys/class/powercap", print_note,
			      NULL}, NULL, false};
	struct runner_stats stats;
	struct errmsg err;
	struct plan p;
	int ret, lock;

	a.o.ud = &a;
	if (parse_args(argc, argv, &a) < 0)
		return EXIT_USAGE;
	if (plan_read(&p, a.plan, &err) < 0 ||
	    runner_check_plan(&p, a.o.site, &err) < 0) {
		error("%s", err.msg);
		plan_release(&p);
		return EXIT_USAGE;
	}
	if (check_sites(&p, &a, ctx->catalog) < 0) {
		plan_release(&p);
		return EXIT_USAGE;
	}
	if (runner_lock(ctx->db_path, &lock, &err) < 0) {
		error("%s", err.msg);
		plan_release(&p);
		return EXIT_RUNTIME;
	}
	if (!cmd_store(ctx)) {
		close(lock);
		plan_release(&p);
		return EXIT_RUNTIME;
	}
	ret = runner_run(ctx->store, &p, &a.o, &stats, &err);
	close(lock);
	if (ret < 0)
		error("%s", err.msg);
	ret = ret < 0 ? EXIT_RUNTIME
		      : (stats.failed || stats.stopped) ? EXIT_RUNTIME
							: EXIT_OK;
	if (ctx->metrics_path)
		write_metrics(ctx->metrics_path, &stats, ret == EXIT_OK);
	plan_release(&p);
	return ret;
}
