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
	{"-o, --output FILE", "where to write the HTML (default report.html; "
			      "- for stdout)"},
	{NULL, NULL},
};

const struct cmd_doc cmd_report_doc = {
	"report --sites SITES.json [-o report.html] PLAN.json...",
	"write a self-contained HTML report of plans",
	"Writes one HTML file with inline CSS and SVG charts and no external "
	"references: the plan's totals (emissions in kg CO2eq, energy in kWh, "
	"cost, saving against the baseline), a chart per site of the zone's "
	"carbon intensity over the plan's horizon (recorded, and the forecast "
	"the plan assumed) with the jobs placed there, the table of jobs and "
	"the unplaced jobs with their reasons. Given several plans, it also "
	"compares them; charts and tables show the first. The time stamp in "
	"the report is SOURCE_DATE_EPOCH when that is set, for reproducible "
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

static int parse_options(int argc, char **argv, const char **out)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			*out = optarg;
			break;
		case ':':
			return error("option '%s' needs a value",
				     argv[optind - 1]);
		default:
			return error("unknown option '%s'; see 'greenslot "
				     "report --help'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return error("no plan given; usage: greenslot %s",
			     cmd_report_doc.synopsis);
	return 0;
}

int cmd_report(int argc, char **argv, struct cmd_ctx *ctx)
{
	const char *out = "report.html";
	struct plans ps = {0};
	struct report_input in = {0};
	struct strbuf html;
	struct errmsg err;
	int ret = EXIT_OK;

	if (parse_options(argc, argv, &out) < 0)
		return EXIT_USAGE;
	if (read_plans(&ps, argc - optind, argv + optind) < 0) {
		plans_release(&ps);
		return EXIT_USAGE;
	}
	if (!cmd_store(ctx)) {
		plans_release(&ps);
		return EXIT_RUNTIME;
	}
	in.catalog = ctx->catalog;
	in.plans = ps.items;
	in.nplans = ps.n;
	in.get_ci = ctx->store ? report_store_ci : NULL;
	in.get_ci_ctx = ctx->store;
	in.generated = generated_time();

	strbuf_init(&html);
	if (report_check(&in, &err) < 0) {
		ret = EXIT_USAGE;
		error("%s", err.msg);
	} else if (report_render(&in, &html, &err) < 0 ||
		   file_write_atomic(out, html.buf, html.len, &err) < 0) {
		ret = EXIT_RUNTIME;
		error("%s", err.msg);
	}
	strbuf_release(&html);
	plans_release(&ps);
	return ret;
}
