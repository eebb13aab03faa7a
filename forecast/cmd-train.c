/*
 * cmd-train.c - `greenslot train`: store the runs of history files, if
 * any, and (re)train the runtime model on every run the store holds; or,
 * with --evaluate, score the model against the baselines on the files
 * alone.
 */
#include "forecast/forecast.h"

#include <getopt.h>

static const struct cmd_opt train_opts[] = {
	{"--db PATH", "store to keep runs and models in"},
	{"--source NAME", "name the runs of every file are stored under "
			  "(default: the file's name without directories); "
			  "a run is replaced by a later one with the same "
			  "source and id"},
	{"--evaluate", "store nothing: hold out the last 20% of the runs "
		       "by submit time, train on the rest and print JSON "
		       "with the median absolute percentage error (mdape) "
		       "of greenslot, the requested time, the mean of the "
		       "user's last two runs and a random forest, and the "
		       "P90 coverage of the completed runs (p90_coverage) "
		       "and of all runs (p90_coverage_all_runs: a failed "
		       "or cancelled run above the P90 is a miss)"},
	{"-q, --quiet", "print only errors"},
	{NULL, NULL},
};

const struct cmd_doc cmd_train_doc = {
	"train [--source NAME] [HISTORY...]\n"
	"train --evaluate HISTORY...",
	"learn runtime predictors from past job runs",
	"Reads job run history (greenslot CSV or JSON Lines, SWF or "
	"SWF.gz, sacct --parsable2 output, executor metrics rows; the "
	"format is told from the content), stores the runs (one "
	"transaction per file) and trains the runtime model on all stored "
	"runs: XGBoost trees on log(runtime / quantity), fitted on the "
	"first 80% by submit time, the P80..P99 calibrated on the residuals "
	"of the last 20% (split conformal; a failed or cancelled run counts "
	"with its runtime so far, a lower bound).  The model and its held-out "
	"metrics replace the stored ones; the metrics are printed as JSON.  "
	"Without HISTORY, retrains on the runs the store holds already (such "
	"as those 'greenslot run' recorded).  "
	"Completed runs, runs of unknown status and timeouts (at their "
	"limit) are learned from; "
	"failed, cancelled, out-of-memory and node-failure runs are stored "
	"but not learned from.",
	train_opts,
};

struct train_args {
	const char *source;
	bool evaluate, quiet;
};

static int parse_args(int argc, char **argv, struct train_args *ta)
{
	static const struct option opts[] = {
		{"source", required_argument, NULL, 's'},
		{"evaluate", no_argument, NULL, 'e'},
		{"quiet", no_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(ta, 0, sizeof(*ta));
	optind = 1;
	while ((c = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		if (c == 's')
			ta->source = optarg;
		else if (c == 'e')
			ta->evaluate = true;
		else if (c == 'q')
			ta->quiet = true;
		else
			return -1;
	}
	if (ta->evaluate && optind >= argc)
		return error("--evaluate needs a HISTORY file");
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Reads and checks every file before anything is stored. */
static int read_files(int argc, char **argv, const struct train_args *ta,
		      struct run_set *files)
{
	struct errmsg err;

	for (int i = optind; i < argc; i++) {
		struct run_set *one = &files[i - optind];
		enum hist_format fmt;
		if (history_read(argv[i], one, &fmt, &err) < 0)
			return error("%s", err.msg);
		if (!ta->quiet)
			fprintf(stderr, "%s: %zu runs (%s)\n", argv[i], one->n,
				hist_format_name(fmt));
	}
	return 0;
}

/* Each file in one transaction: a file is stored whole or not at all. */
static int store_files(struct store *st, int argc, char **argv,
		       const struct train_args *ta,
		       const struct run_set *files)
{
	struct errmsg err;

	for (int i = optind; i < argc; i++) {
		const struct run_set *one = &files[i - optind];
		if (store_put_runs(st, ta->source ? ta->source
						   : base_name(argv[i]),
				   one->runs, one->n, &err) < 0)
			return error("%s", err.msg);
	}
	return 0;
}

/* Moves the runs of every file into one set. */
static void merge_files(struct run_set *files, size_t nfiles,
			struct run_set *all)
{
	for (size_t f = 0; f < nfiles; f++) {
		for (size_t k = 0; k < files[f].n; k++)
			*run_set_push(all) = files[f].runs[k];
		free(files[f].runs);
		run_set_init(&files[f]);
	}
}

static int evaluate(struct run_set *rs)
{
	struct strbuf out;
	struct errmsg err;

	strbuf_init(&out);
	if (rt_evaluate(rs->runs, rs->n, &out, &err) < 0) {
		strbuf_release(&out);
		error("%s", err.msg);
		return EXIT_RUNTIME;
	}
	fputs(out.buf, stdout);
	strbuf_release(&out);
	return EXIT_OK;
}

/* Trains on every stored run and replaces the stored model. */
static int train_stored(struct store *st, const struct train_args *ta)
{
	struct run_set all;
	struct rt_model m;
	struct errmsg err;
	int ret = EXIT_RUNTIME;

	run_set_init(&all);
	rt_model_init(&m);
	if (store_get_runs(st, &all.runs, &all.n, &err) < 0 ||
	    rt_train(&m, all.runs, all.n, &err) < 0 ||
	    rt_model_save(st, &m, &err) < 0) {
		error("%s", err.msg);
		goto out;
	}
	all.alloc = all.n;
	printf("%s\n", m.metrics);
	if (!ta->quiet)
		fprintf(stderr, "trained on %zu stored runs\n", all.n);
	ret = EXIT_OK;
out:
	all.alloc = all.n;
	run_set_release(&all);
	rt_model_release(&m);
	return ret;
}

int cmd_train(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct train_args ta;
	struct run_set *files, all;
	struct store *st;
	size_t nfiles;
	int ret = EXIT_USAGE;

	if (parse_args(argc, argv, &ta) < 0)
		return EXIT_USAGE;
	nfiles = (size_t)(argc - optind);
	files = xcalloc(nfiles ? nfiles : 1, sizeof(*files));
	run_set_init(&all);
	if (read_files(argc, argv, &ta, files) < 0)
		goto out;
	if (ta.evaluate) {
		merge_files(files, nfiles, &all);
		ret = evaluate(&all);
		goto out;
	}
	ret = EXIT_RUNTIME;
	if (!(st = cmd_store(ctx)) ||
	    store_files(st, argc, argv, &ta, files) < 0)
		goto out;
	ret = train_stored(st, &ta);
out:
	for (size_t f = 0; f < nfiles; f++)
		run_set_release(&files[f]);
	free(files);
	run_set_release(&all);
	return ret;
}
