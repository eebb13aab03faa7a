/*
 * cmd-report.c - `greenslot report`: plans in, one HTML file out.
 *
 * Reads the plans, lets report_render() build the document with the
 * carbon intensity from the store, and writes it atomically, so a failed
 * run never leaves half a report where the last good one was.
 */
#include "report/report.h"

#include <errno.h>
#include <getopt.h>

static const struct cmd_opt report_opts[] = {
	{"--sites SITES.json", "site catalog the plans were made with"},
	{"--db PATH", "store holding the carbon-intensity series"},
	{"-o, --output FILE", "where to write the HTML or the chart (default "
			      "report.html, or NAME.FORMAT with --chart; - "
			      "for stdout)"},
	{"--jobs JOBS.json", "the job specs the plans were made from "
			     "(repeatable): capacity use per slot and late "
			     "jobs"},
	{"--chart NAME", "write only this chart: heatmap, or timeline:SITE "
			 "(the first plan's jobs at that site over the carbon "
			 "intensity); 'list' prints the names"},
	{"--format svg|png|pdf", "the chart's file format (default: from the "
				 "extension of -o, else svg)"},
	{NULL, NULL},
};

const struct cmd_doc cmd_report_doc = {
	"report --sites SITES.json [--jobs JOBS.json]... [-o report.html] "
	"PLAN.json...\n"
	"report --sites SITES.json [--jobs JOBS.json]... --chart NAME "
	"[--format svg|png|pdf] [-o FILE] PLAN.json...",
	"write a self-contained HTML report of plans",
	"Writes one HTML file with inline CSS and SVG charts and no external "
	"references, about the first plan given: its totals (emissions in kg "
	"CO2eq, energy in kWh, cost) and saving against the baseline and "
	"against every other plan given for the same jobs; the solver's "
	"status and gap; what it assumed (forecast vintage, predicted "
	"runtimes and the quantile they were planned on); a timeline per site of the zone's carbon intensity "
	"(recorded, and the forecast assumed with its 80% band) with the "
	"jobs placed there (counted rather than drawn past 24 lanes) and, "
	"with --jobs, the capacity in use per slot; a heatmap of carbon "
	"intensity by site and hour; the forecast's errors against the "
	"values recorded since (MAE, MAPE, bias, interval coverage), and a "
	"backtest of greenslot's model, seasonal naive and the stored "
	"provider forecasts over the 14 days before the plan, per zone with "
	"that history (8 at most); every "
	"job and the unplaced ones with their reasons; and data health (last "
	"good ingest per feed, rejected points, gaps in the recorded "
	"series). Several plans are compared side by side, and with the "
	"policies solve ran beside the first (its plan.policies: the "
	"yardsticks, and the oracle when the store had recorded values); a "
	"plan given for the same policy takes its row. A plan whose "
	"slots have recorded carbon intensity is scored on it: what it "
	"emitted against what it expected. --chart writes one chart (heatmap "
	"or timeline:SITE) as SVG, PNG or PDF instead. The time stamp in the "
	"report is SOURCE_DATE_EPOCH when that is set, for reproducible "
	"output.",
	report_opts,
};

struct plans {
	struct plan *plan;
	struct report_plan *items;
	size_t n;
};

static void plans_release(struct plans *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		plan_release(&ps->plan[i]);
	free(ps->plan);
	free(ps->items);
}

static int read_plans(struct plans *ps, int n, char **names)
{
	struct errmsg err;

	ps->plan = xcalloc((size_t)n, sizeof(*ps->plan));
	ps->items = xcalloc((size_t)n, sizeof(*ps->items));
	for (int i = 0; i < n; i++) {
		plan_init(&ps->plan[ps->n]);
		if (plan_read(&ps->plan[ps->n], names[i], &err) < 0) {
			plan_release(&ps->plan[ps->n]);
			return error("%s", err.msg);
		}
		ps->items[ps->n].name = names[i];
		ps->items[ps->n].plan = &ps->plan[ps->n];
		ps->n++;
	}
	return 0;
}

/* SOURCE_DATE_EPOCH (reproducible builds) when set, else now. */
static gs_time generated_time(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (!s || !*s)
		return time_now();
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0) {
		warning("ignoring invalid SOURCE_DATE_EPOCH '%s'", s);
		return time_now();
	}
	return (gs_time)v;
}

struct report_opts {
	const char *out;
	const char **jobs;  /* --jobs files */
	size_t njobs, alloc_jobs;
	const char *chart;  /* NULL: the whole report */
	const char *format; /* NULL: from the extension of out */
};

static int parse_options(int argc, char **argv, struct report_opts *o)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"chart", required_argument, NULL, 'c'},
		{"format", required_argument, NULL, 'f'},
		{"jobs", required_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'c':
			o->chart = optarg;
			break;
		case 'f':
			o->format = optarg;
			break;
		case 'j':
			ALLOC_GROW(o->jobs, o->njobs + 1, o->alloc_jobs);
			o->jobs[o->njobs++] = optarg;
			break;
		case ':':
			return error("option '%s' needs a value",
				     argv[optind - 1]);
		default:
			return error("unknown option '%s'; see 'greenslot "
				     "report --help'", argv[optind - 1]);
		}
	}
	if (o->format && !o->chart)
		return error("--format needs --chart (the report itself is "
			     "HTML)");
	if (optind >= argc)
		return error("no plan given; usage: greenslot %s",
			     cmd_report_doc.synopsis);
	return 0;
}

/* --format, else the extension of -o, else svg. */
static int chart_format(const struct report_opts *o, enum chart_format *fmt)
{
	const char *dot = o->out ? strrchr(o->out, '.') : NULL;

	*fmt = CHART_SVG;
	if (o->format) {
		if (chart_format_parse(o->format, fmt) < 0)
			return error("unknown chart format '%s' (svg, png or "
				     "pdf)", o->format);
		return 0;
	}
	if (dot && !strchr(dot, '/'))
		(void)chart_format_parse(dot + 1, fmt);
	return 0;
}

/* The chart alone: "timeline:SITE" is written to timeline-SITE.svg. */
static int write_chart(const struct report_input *in,
		       const struct report_opts *o)
{
	static const char *const ext[] = {"svg", "png", "pdf"};
	enum chart_format fmt;
	struct strbuf out, path;
	struct errmsg err;
	int ret = EXIT_OK;

	if (!strcmp(o->chart, "list")) {
		strbuf_init(&out);
		report_chart_names(in, &out);
		fputs(out.buf, stdout);
		strbuf_release(&out);
		return EXIT_OK;
	}
	if (chart_format(o, &fmt) < 0)
		return EXIT_USAGE;
	strbuf_init(&out);
	strbuf_init(&path);
	if (o->out)
		strbuf_addstr(&path, o->out);
	else
		strbuf_addf(&path, "%s.%s", o->chart, ext[fmt]);
	for (size_t i = 0; !o->out && i < path.len; i++)
		if (path.buf[i] == ':' || path.buf[i] == '/')
			path.buf[i] = '-';
	if (report_chart(in, o->chart, fmt, &out, &err) < 0) {
		ret = strncmp(err.msg, "unknown chart", 13) ? EXIT_RUNTIME :
							      EXIT_USAGE;
		error("%s", err.msg);
	} else if (file_write_atomic(path.buf, out.buf, out.len, &err) < 0) {
		ret = EXIT_RUNTIME;
		error("%s", err.msg);
	}
	strbuf_release(&out);
	strbuf_release(&path);
	return ret;
}

static int write_report(const struct report_input *in, const char *out)
{
	struct strbuf html;
	struct errmsg err;
	int ret = EXIT_OK;

	strbuf_init(&html);
	if (report_check(in, &err) < 0) {
		ret = EXIT_USAGE;
		error("%s", err.msg);
	} else if (report_render(in, &html, &err) < 0 ||
		   file_write_atomic(out, html.buf, html.len, &err) < 0) {
		ret = EXIT_RUNTIME;
		error("%s", err.msg);
	}
	strbuf_release(&html);
	return ret;
}

/* The --jobs files, against the catalog; 0 when none are given. */
static int read_jobs(const struct report_opts *o, const struct catalog *cat,
		     struct jobset *js)
{
	struct errmsg err;

	for (size_t i = 0; i < o->njobs; i++)
		if (jobset_load(js, cat, o->jobs[i], &err) < 0)
			return error("%s", err.msg);
	if (o->njobs && jobset_finish(js, &err) < 0)
		return error("%s", err.msg);
	return 0;
}

int cmd_report(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct report_opts o = {0};
	struct plans ps = {0};
	struct report_input in = {0};
	struct report_store_ctx sctx;
	struct jobset js;
	int ret = EXIT_OK;

	jobset_init(&js);
	if (parse_options(argc, argv, &o) < 0 ||
	    read_plans(&ps, argc - optind, argv + optind) < 0 ||
	    read_jobs(&o, ctx->catalog, &js) < 0)
		ret = EXIT_USAGE;
	else if (!cmd_store(ctx))
		ret = EXIT_RUNTIME;
	if (ret) {
		plans_release(&ps);
		jobset_release(&js);
		free(o.jobs);
		return ret;
	}
	sctx = (struct report_store_ctx){ctx->store, ctx->catalog};
	in.catalog = ctx->catalog;
	in.plans = ps.items;
	in.nplans = ps.n;
	in.get_ci = ctx->store ? report_store_ci : NULL;
	in.get_ci_ctx = ctx->store;
	in.get_actual = ctx->store ? report_store_actual : NULL;
	in.get_actual_ctx = &sctx;
	in.get_health = ctx->store ? report_store_health : NULL;
	in.get_health_ctx = ctx->store;
	in.get_backtest = ctx->store ? report_store_backtest : NULL;
	in.get_backtest_ctx = ctx->store;
	in.generated = generated_time();
	in.jobs = o.njobs ? &js : NULL;

	if (o.chart)
		ret = write_chart(&in, &o);
	else
		ret = write_report(&in, o.out ? o.out : "report.html");
	plans_release(&ps);
	jobset_release(&js);
	free(o.jobs);
	return ret;
}
