/*
 * cmd-export.c - `greenslot export`: a plan in a scheduler's own terms.
 *
 * Reads PLAN.json (and, for slurm, the site catalog's cluster and
 * partition), then writes the whole export at once, atomically with -o.
 */
#include "solver/solver.h"

#include <getopt.h>

static const struct cmd_opt export_opts[] = {
	{"--format slurm|at|systemd|kubernetes|json|csv", "what to write "
							 "(required)"},
	{"--sites SITES.json", "site catalog: slurm takes each site's "
			       "\"slurm\": {\"cluster\", \"partition\"}"},
	{"--tz ZONE", "slurm, at: write times in ZONE (e.g. UTC, "
		      "Europe/Paris) and set TZ=ZONE on each command; "
		      "default $TZ, else this host's local zone"},
	{"--slack D", "slurm: --deadline is the planned end plus D "
		      "(default PT0S)"},
	{"--image IMAGE", "kubernetes: container image (default "
			  "busybox:stable)"},
	{"--namespace NS", "kubernetes: metadata.namespace"},
	{"-o FILE", "where to write (default stdout)"},
	{NULL, NULL},
};

const struct cmd_doc cmd_export_doc = {
	"export --format slurm|at|systemd|kubernetes|json|csv "
	"[--sites SITES.json] [--tz ZONE] [-o FILE] PLAN.json",
	"hand a plan to Slurm, at, systemd, Kubernetes or other tools",
	"Writes each placed job of PLAN.json, by planned start, with its "
	"command (from its JOBS.json, copied into the plan by solve): "
	"slurm, a shell script of `sbatch --begin --deadline --time "
	"[--clusters] [--partition] --wrap=COMMAND` lines; at, a script of "
	"`printf '%s\\n' COMMAND | at -t CCYYMMDDhhmm.ss` lines; systemd, a "
	"script of `systemd-run --on-calendar='YYYY-MM-DD hh:mm:ss UTC' "
	"-- /bin/sh -c COMMAND` lines (transient timers, unit "
	"greenslot-ID); kubernetes, Job manifests (YAML, one document per "
	"job) created suspended, with the planned start and end as "
	"annotations greenslot.io/planned-start and -end and the site as "
	"label greenslot.io/site, names made DNS-1123 labels "
	"(greenslot-ID, with a hash of the id when it had to change); "
	"json, {\"jobs\": [{id, site, start, end, runtime_s, segments, "
	"command}]}; csv, the same columns (segments as START/END "
	"intervals separated by spaces).  runtime_s is the plan's: the time "
	"the job runs, its parts' sum for an interruptible job.  Only run "
	"and json/csv keep the parts of a job planned in several: slurm, "
	"at, systemd and kubernetes cannot pause a job, so it runs its "
	"parts back to back from the first part's start (--time is the "
	"runtime); such a job gets a comment listing its parts (kubernetes: "
	"annotation greenslot.io/planned-parts) and a warning on stderr.  "
	"Every command is passed as one "
	"single-quoted shell word, never through an unquoted shell.  "
	"sbatch and at read times as wall-clock time in the zone they run "
	"in: the times are written in --tz (or $TZ, or this host's zone) "
	"and, when that zone is named, each line sets TZ=ZONE for the tool "
	"so that it reads them exactly; a zone this host does not know is "
	"an error (exit 2).  A time the zone repeats when its clocks go "
	"back (an ambiguous wall-clock time) is written in UTC, with "
	"TZ=UTC on that line, and a warning.  A job without a command is an "
	"error (exit 2) except for json and csv.",
	export_opts,
};

struct export_args {
	struct export_opts o;
	bool format_given;
	const char *out;
	const char *plan;
};

static int parse_format(const char *arg, struct export_args *a)
{
	if (export_format_parse(arg, &a->o.format) < 0)
		return error("unknown --format '%s' (want slurm, at, systemd, "
			     "kubernetes, json or csv)", arg);
	a->format_given = true;
	return 0;
}

static int parse_args(int argc, char **argv, struct export_args *a)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"tz", required_argument, NULL, 'z'},
		{"slack", required_argument, NULL, 's'},
		{"image", required_argument, NULL, 'i'},
		{"namespace", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		int r = 0;
		switch (c) {
		case 'f': r = parse_format(optarg, a); break;
		case 'z': a->o.tz = optarg; break;
		case 's': r = opt_duration("--slack", optarg, &a->o.slack_s);
			  break;
		case 'i': a->o.image = optarg; break;
		case 'n': a->o.namespace_ = optarg; break;
		case 'o': a->out = optarg; break;
		default: return -1;
		}
		if (r < 0)
			return -1;
	}
	if (!a->format_given)
		return error("export needs --format (slurm, at, systemd, "
			     "kubernetes, json or csv)");
	if (optind != argc - 1)
		return error("export needs exactly one PLAN.json");
	a->plan = argv[optind];
	return 0;
}

/*
 * The zone the times are written in: --tz is made the process's zone
 * (as if run with TZ=ZONE), else $TZ names it, else it stays unnamed.
 * A zone this host does not know is refused: glibc would read it as UTC.
 */
static int apply_tz(struct export_opts *o)
{
	const char *env = getenv("TZ");
	bool given = o->tz != NULL;
	struct errmsg err;

	if (!o->tz && env && *env)
		o->tz = env;
	if (o->tz && export_tz_check(o->tz, &err) < 0)
		return error("%s: %s", given ? "--tz" : "$TZ", err.msg);
	if (given)
		setenv("TZ", o->tz, 1);
	tzset();
	return 0;
}

static void print_warning(void *ud, const char *line)
{
	(void)ud;
	warning("%s", line);
}

int cmd_export(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct export_args a = {
		.o = {.format = EXPORT_JSON, .image = "busybox:stable",
		      .warn = print_warning},
		.out = "-",
	};
	struct plan p;
	struct strbuf out;
	struct errmsg err;
	int ret = EXIT_OK;

	if (parse_args(argc, argv, &a) < 0)
		return EXIT_USAGE;
	a.o.cat = ctx->catalog;
	if (apply_tz(&a.o) < 0)
		return EXIT_USAGE;
	if (plan_read(&p, a.plan, &err) < 0) {
		error("%s", err.msg);
		return EXIT_USAGE;
	}
	strbuf_init(&out);
	if (export_plan(&p, &a.o, &out, &err) < 0) {
		error("%s: %s", a.plan, err.msg);
		ret = EXIT_USAGE;
	} else if (file_write_atomic(a.out, out.buf, out.len, &err) < 0) {
		error("%s", err.msg);
		ret = EXIT_RUNTIME;
	}
	strbuf_release(&out);
	plan_release(&p);
	return ret;
}
