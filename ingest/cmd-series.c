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
	{"--signal S", "only this signal (repeatable)"},
	{"--from T", "only points at or after T"},
	{"--to T", "only points before T"},
	{"--forecasts", "also print forecasts, with columns issued,source"},
	{"--db PATH", "store to read"},
	{NULL, NULL},
};

const struct cmd_doc cmd_series_doc = {
	"series [--zone Z]... [--signal S]... [--from T] [--to T] "
	"[--forecasts]",
	"print stored series as CSV",
	"Prints time,zone,signal,value for every stored recorded point that "
	"matches, sorted by zone, signal and time.  With --forecasts the "
	"columns are time,zone,signal,value,issued,source, and forecast rows "
	"follow the recorded ones of each series; recorded rows have an "
	"empty issued and the feed that stored them as source.",
	series_opts,
};

struct series_args {
	const char **zones;
	size_t nzones, alloc_zones;
	const char **signals;
	size_t nsignals, alloc_signals;
	gs_time from, to;
	bool forecasts;
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
		default:
			return -1;
		}
	}
	if (optind < argc)
		return error("unexpected argument '%s'", argv[optind]);
	return 0;
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
	fputs(a.forecasts ? "time,zone,signal,value,issued,source\n" :
			    "time,zone,signal,value\n", stdout);
	if (store_each_point(ctx->store, &q, print_row, &a, &err) < 0) {
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
