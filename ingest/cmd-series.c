/*
 * cmd-series.c - `greenslot series`: the stored points as CSV.
 *
 * The way to see what ingest stored, and to feed stored data to other
 * tools.  Rows come sorted by zone, signal, then recorded values before
 * forecasts (by source and issue time), then time; values are printed in
 * the shortest form that reads back to the same double, so output is
 * stable and exact.
 */
#include "ingest/ingest.h"

#include <errno.h>
#include <getopt.h>

static const struct cmd_opt series_opts[] = {
	{"--zone Z", "only this zone (repeatable)"},
	{"--signal SIGNAL", "only this signal (repeatable)"},
	{"--from T", "only points at or after T"},
	{"--to T", "only points before T"},
	{"--forecasts", "also print forecasts, with columns issued,source"},
	{"--info", "one row per series instead of its points: zone,signal,"
		   "unit,basis,points,first,last,vintages"},
	{"--db PATH", "store to read"},
	{NULL, NULL},
};

const struct cmd_doc cmd_series_doc = {
	"series [--zone Z]... [--signal S]... [--from T] [--to T] "
	"[--forecasts | --info]",
	"print stored series as CSV",
	"Prints time,zone,signal,value for every stored recorded point that "
	"matches, sorted by zone, signal and time.  With --forecasts the "
	"columns are time,zone,signal,value,issued,source, and forecast rows "
	"follow the recorded ones of each series; recorded rows have an "
	"empty issued and the feed that stored them as source.  With --info "
	"it prints one row per series instead: zone,signal,unit,basis,"
	"points,first,last,vintages, where basis says what the values mean "
	"where feeds differ (carbon_intensity: marginal or average from "
	"WattTime, lifecycle or direct from Electricity Maps and ENTSO-E; "
	"empty when the feed does not say), points, first and last count "
	"the recorded points in the window and vintages the stored "
	"forecasts.",
	series_opts,
};

struct series_args {
	const char **zones;
	size_t nzones, alloc_zones;
	const char **signals;
	size_t nsignals, alloc_signals;
	gs_time from, to;
	bool forecasts;
	bool info;
};

/* Shortest of %.15g..%.17g that reads back to the same double. */
static void format_value(double v, char *buf, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* RFC 4180: quote fields holding a comma, a quote or a line end. */
static void put_field(FILE *out, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static int print_row(const struct store_point *p, const char *source,
		     void *ctx)
{
	const struct series_args *a = ctx;
	char t[GS_TIME_BUFSZ], v[64];

	format_value(p->value, v, sizeof(v));
	fputs(time_format(p->time, t), stdout);
	fputc(',', stdout);
	put_field(stdout, p->zone);
	fputc(',', stdout);
	put_field(stdout, p->signal);
	printf(",%s", v);
	if (a->forecasts) {
		fputc(',', stdout);
		if (p->issued != GS_TIME_NONE)
			fputs(time_format(p->issued, t), stdout);
		fputc(',', stdout);
		put_field(stdout, source);
	}
	fputc('\n', stdout);
	return 0;
}

static int parse_args(int argc, char **argv, struct series_args *a)
{
	static const struct option longopts[] = {
		{"zone", required_argument, NULL, 'z'},
		{"signal", required_argument, NULL, 's'},
		{"from", required_argument, NULL, 'a'},
		{"to", required_argument, NULL, 'b'},
		{"forecasts", no_argument, NULL, 'F'},
		{"info", no_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'z':
			ALLOC_GROW(a->zones, a->nzones + 1, a->alloc_zones);
			a->zones[a->nzones++] = optarg;
			break;
		case 's':
			if (!signal_valid(optarg))
				return error("unknown signal '%s'", optarg);
			ALLOC_GROW(a->signals, a->nsignals + 1,
				   a->alloc_signals);
			a->signals[a->nsignals++] = optarg;
			break;
		case 'a':
			if (opt_time("--from", optarg, &a->from) < 0)
				return -1;
			break;
		case 'b':
			if (opt_time("--to", optarg, &a->to) < 0)
				return -1;
			break;
		case 'F':
			a->forecasts = true;
			break;
		case 'i':
			a->info = true;
			break;
		default:
			return -1;
		}
	}
	if (optind < argc)
		return error("unexpected argument '%s'", argv[optind]);
	if (a->info && a->forecasts)
		return error("--info and --forecasts exclude each other");
	return 0;
}

static void put_time(gs_time t)
{
	char buf[GS_TIME_BUFSZ];

	if (t != GS_TIME_NONE)
		fputs(time_format(t, buf), stdout);
}

static int print_info(const struct store_series_info *si, void *ctx)
{
	(void)ctx;
	put_field(stdout, si->zone);
	fputc(',', stdout);
	put_field(stdout, si->signal);
	fputc(',', stdout);
	put_field(stdout, si->unit);
	fputc(',', stdout);
	put_field(stdout, si->basis);
	printf(",%zu,", si->points);
	put_time(si->first);
	fputc(',', stdout);
	put_time(si->last);
	printf(",%zu\n", si->vintages);
	return 0;
}

/* The header and the rows of the listing a asks for. */
static int print_all(struct store *st, struct series_args *a,
		     const struct store_query *q, struct errmsg *err)
{
	if (a->info) {
		fputs("zone,signal,unit,basis,points,first,last,vintages\n",
		      stdout);
		return store_each_series(st, q, print_info, NULL, err);
	}
	fputs(a->forecasts ? "time,zone,signal,value,issued,source\n" :
			    "time,zone,signal,value\n", stdout);
	return store_each_point(st, q, print_row, a, err);
}

int cmd_series(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct series_args a = {0};
	struct store_query q = {0};
	struct errmsg err;
	int ret = EXIT_OK;

	a.from = a.to = GS_TIME_NONE;
	if (parse_args(argc, argv, &a) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	q.zones = a.zones;
	q.nzones = a.nzones;
	q.signals = a.signals;
	q.nsignals = a.nsignals;
	q.from = a.from;
	q.to = a.to;
	q.forecasts = a.forecasts;
	if (!cmd_store(ctx)) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (print_all(ctx->store, &a, &q, &err) < 0) {
		error("%s", err.msg);
		ret = EXIT_RUNTIME;
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		error("cannot write the series: %s", strerror(errno));
		ret = EXIT_RUNTIME;
	}
out:
	free(a.zones);
	free(a.signals);
	return ret;
}
