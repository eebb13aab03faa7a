/*
 * main.c - the greenslot executable: one table of subcommands.
 *
 * Everything a command shares with the others (--help, the man page, --db
 * and the store, --sites and the catalog) happens here, driven by the
 * table's flags, so that each cmd_*() starts with what it needs.
 */
#include "core/core.h"
#include "forecast/forecast.h"
#include "ingest/ingest.h"
#include "report/report.h"
#include "solver/solver.h"

#include <unistd.h>

struct command {
	const char *name;
	cmd_fn fn;       /* NULL: not implemented yet */
	unsigned flags;
	const struct cmd_doc *doc;
};

static const struct command commands[] = {
	{"ingest", cmd_ingest, CMD_STORE, &cmd_ingest_doc},
	{"series", cmd_series, CMD_STORE_RO, &cmd_series_doc},
	{"forecast", cmd_forecast, CMD_STORE, &cmd_forecast_doc},
	{"train", cmd_train, CMD_STORE, &cmd_train_doc},
	{"predict", cmd_predict, CMD_STORE_RO | CMD_SITES_OPT, &cmd_predict_doc},
	{"solve", cmd_solve, CMD_STORE_RO | CMD_SITES, &cmd_solve_doc},
	{"report", cmd_report, CMD_STORE_RO | CMD_SITES, &cmd_report_doc},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_options(FILE *out, const struct cmd_opt *o)
{
	for (; o && o->flag; o++)
		fprintf(out, "  %-24s %s\n", o->flag, o->help);
}

static void print_synopsis(FILE *out, const char *synopsis)
{
	const char *p = synopsis;
	const char *lead = "usage: greenslot ";

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(out, "%s%.*s\n", lead, (int)len, p);
		lead = "   or: greenslot ";
		p += len + (nl != NULL);
	}
}

static void command_help(FILE *out, const struct command *c)
{
	print_synopsis(out, c->doc->synopsis);
	fprintf(out, "\n%s.\n\n%s\n\noptions:\n", c->doc->summary,
		c->doc->description);
	print_options(out, c->doc->options);
	fprintf(out, "  %-24s %s\n", "--help", "show this help");
}

static void main_help(FILE *out)
{
	fprintf(out,
		"usage: greenslot COMMAND [OPTIONS] [ARGS]\n\n"
		"Plan batch computing in the hours and sites where the grid "
		"is cleanest.\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s%s\n", commands[i].name,
			commands[i].doc->summary,
			commands[i].fn ? "" : " (not yet implemented)");
	fprintf(out,
		"  %-10s %s\n\n"
		"Run 'greenslot COMMAND --help' for a command's options.\n"
		"Exit codes: 0 success, 1 run-time failure, 2 usage error or "
		"invalid input,\n3 plan written but some jobs unplaced.\n",
		"man", "print the manual page (roff)");
}

/* Escapes roff control characters at the start of lines and backslashes. */
static void roff_text(FILE *out, const char *s)
{
	bool bol = true;
	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
		bol = *s == '\n';
	}
}

/* The man page, from the same table as --help so the two cannot drift. */
static void print_man(FILE *out)
{
	fprintf(out, ".TH GREENSLOT 1 \"\" \"greenslot\" \"User Commands\"\n"
		     ".SH NAME\ngreenslot \\- plan batch computing for less "
		     "carbon\n.SH SYNOPSIS\n.B greenslot\n.I COMMAND\n"
		     "[OPTIONS] [ARGS]\n.SH DESCRIPTION\n");
	roff_text(out, "greenslot ingests grid carbon intensity and prices "
		       "into a SQLite store, forecasts them, places batch "
		       "jobs in the time windows and sites where they emit "
		       "least, and reports on the plan.\n");
	fprintf(out, ".SH COMMANDS\n");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *c = &commands[i];
		fprintf(out, ".SS %s\n.nf\n", c->name);
		roff_text(out, "greenslot ");
		for (const char *p = c->doc->synopsis; *p; p++) {
			if (*p == '\n') {
				fputc('\n', out);
				roff_text(out, "greenslot ");
			} else {
				char ch[2] = {*p, 0};
				roff_text(out, ch);
			}
		}
		fprintf(out, "\n.fi\n");
		roff_text(out, c->doc->summary);
		fprintf(out, ".\n.PP\n");
		roff_text(out, c->doc->description);
		fputc('\n', out);
		for (const struct cmd_opt *o = c->doc->options; o && o->flag;
		     o++) {
			fprintf(out, ".TP\n.B ");
			roff_text(out, o->flag);
			fputc('\n', out);
			roff_text(out, o->help);
			fputc('\n', out);
		}
	}
	fprintf(out,
		".SH ENVIRONMENT\n.TP\n.B GREENSLOT_DB\nthe store used when "
		"\\-\\-db is not given (default greenslot.db)\n"
		".SH EXIT STATUS\n0 success; 1 run\\-time failure (a feed "
		"down, a solver failure); 2 usage error or invalid input; 3 "
		"the plan was written but some jobs could not be placed.\n");
}

/*
 * Takes "--NAME VALUE" and "--NAME=VALUE" out of argv (stopping at "--"),
 * so commands never see the shared options.  Returns -1 on a missing value.
 */
static int take_option(int *argc, char **argv, const char *name,
		       const char **value)
{
	size_t nlen = strlen(name);
	for (int i = 1; i < *argc; i++) {
		int drop;
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], name)) {
			if (i + 1 >= *argc)
				return error("option '%s' needs a value", name);
			*value = argv[i + 1];
			drop = 2;
		} else if (!strncmp(argv[i], name, nlen) &&
			   argv[i][nlen] == '=') {
			*value = argv[i] + nlen + 1;
			drop = 1;
		} else {
			continue;
		}
		memmove(&argv[i], &argv[i + drop],
			sizeof(*argv) * (size_t)(*argc - i - drop + 1));
		*argc -= drop;
		i--;
	}
	return 0;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

static int run_command(const struct command *c, int argc, char **argv)
{
	struct cmd_ctx ctx = {0};
	struct catalog cat = {0};
	const char *sites = NULL;
	struct errmsg err;
	int ret;

	if (wants_help(argc, argv)) {
		command_help(stdout, c);
		return EXIT_OK;
	}
	if (!c->fn) {
		error("'%s' is not implemented yet", c->name);
		return EXIT_USAGE;
	}
	ctx.db_path = getenv("GREENSLOT_DB");
	if (!ctx.db_path || !*ctx.db_path)
		ctx.db_path = "greenslot.db";
	if (take_option(&argc, argv, "--db", &ctx.db_path))
		return EXIT_USAGE;
	if ((c->flags & (CMD_SITES | CMD_SITES_OPT)) &&
	    take_option(&argc, argv, "--sites", &sites))
		return EXIT_USAGE;
	ctx.stderr_tty = isatty(STDERR_FILENO);

	if ((c->flags & CMD_SITES) && !sites) {
		error("'%s' needs --sites SITES.json", c->name);
		return EXIT_USAGE;
	}
	if (sites) {
		if (catalog_load(&cat, sites, &err) < 0) {
			error("%s", err.msg);
			return EXIT_USAGE;
		}
		ctx.catalog = &cat;
	}
	ctx.store_flags = (c->flags & CMD_STORE) ? 0 : STORE_READONLY;
	/* getopt names argv[0] in its messages: make them "greenslot: ..." */
	argv[0] = (char *)"greenslot";
	ret = c->fn(argc, argv, &ctx);
	store_free(ctx.store);
	catalog_release(&cat);
	return ret;
}

int main(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		main_help(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		main_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "man")) {
		print_man(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("greenslot 0.1\n");
		return EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		error("unknown command '%s'; see 'greenslot --help'", argv[1]);
		return EXIT_USAGE;
	}
	return run_command(c, argc - 1, argv + 1);
}
