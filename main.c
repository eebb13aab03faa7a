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

/* Commands about the command table itself, defined below it. */
static int cmd_man(int argc, char **argv, struct cmd_ctx *ctx);
static int cmd_completion(int argc, char **argv, struct cmd_ctx *ctx);
static const struct cmd_doc cmd_man_doc, cmd_completion_doc;

static const struct command commands[] = {
	{"ingest", cmd_ingest, CMD_STORE | CMD_METRICS, &cmd_ingest_doc},
	{"series", cmd_series, CMD_STORE_RO, &cmd_series_doc},
	{"forecast", cmd_forecast, CMD_STORE, &cmd_forecast_doc},
	{"train", cmd_train, CMD_STORE, &cmd_train_doc},
	{"predict", cmd_predict, CMD_STORE_RO | CMD_SITES_OPT, &cmd_predict_doc},
	{"solve", cmd_solve, CMD_STORE_RO | CMD_SITES | CMD_METRICS,
	 &cmd_solve_doc},
	{"report", cmd_report, CMD_STORE_RO | CMD_SITES, &cmd_report_doc},
	{"export", cmd_export, CMD_SITES_OPT, &cmd_export_doc},
	{"run", cmd_run, CMD_STORE | CMD_SITES_OPT | CMD_METRICS,
	 &cmd_run_doc},
	{"man", cmd_man, 0, &cmd_man_doc},
	{"completion", cmd_completion, 0, &cmd_completion_doc},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* Options main.c handles for the commands whose flags ask for them. */
static const struct cmd_opt metrics_opts[] = {
	{"--metrics FILE", "write Prometheus textfile-collector metrics to "
			   "FILE (atomically; last success time kept on "
			   "failure)"},
	{NULL, NULL},
};

static const struct cmd_opt *shared_opts(const struct command *c)
{
	return (c->flags & CMD_METRICS) ? metrics_opts : NULL;
}

/* A flag too long for its column ("--policy a|b|c") has its own line. */
static void print_options(FILE *out, const struct cmd_opt *o)
{
	for (; o && o->flag; o++) {
		if (strlen(o->flag) > 24)
			fprintf(out, "  %s\n%27s%s\n", o->flag, "", o->help);
		else
			fprintf(out, "  %-24s %s\n", o->flag, o->help);
	}
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
	print_options(out, shared_opts(c));
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
		"\nRun 'greenslot COMMAND --help' for a command's options.\n"
		"Exit codes: 0 success, 1 run-time failure, 2 usage error or "
		"invalid input,\n3 plan written but some jobs unplaced.\n");
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

static void roff_synopsis(FILE *out, const struct command *c)
{
	fprintf(out, ".nf\n");
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
}

static void roff_options(FILE *out, const struct cmd_opt *o)
{
	for (; o && o->flag; o++) {
		fprintf(out, ".TP\n.B ");
		roff_text(out, o->flag);
		fputc('\n', out);
		roff_text(out, o->help);
		fputc('\n', out);
	}
}

static const char man_exit[] =
	".SH EXIT STATUS\n0 success; 1 run\\-time failure (a feed "
	"down, a solver failure); 2 usage error or invalid input; 3 "
	"the plan was written but some jobs could not be placed.\n";

/* The man page, from the same table as --help so the two cannot drift. */
static void print_man(FILE *out)
{
	fprintf(out, ".TH GREENSLOT 1 \"\" \"greenslot " GS_VERSION "\" "
		     "\"User Commands\"\n"
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
		fprintf(out, ".SS %s\n", c->name);
		roff_synopsis(out, c);
		roff_text(out, c->doc->summary);
		fprintf(out, ".\n.PP\n");
		roff_text(out, c->doc->description);
		fputc('\n', out);
		roff_options(out, c->doc->options);
		roff_options(out, shared_opts(c));
	}
	fprintf(out,
		".SH ENVIRONMENT\n.TP\n.B GREENSLOT_DB\nthe store used when "
		"\\-\\-db is not given (default greenslot.db)\n%s", man_exit);
}

/* greenslot-COMMAND(1): one command's page, from the same table. */
static void print_command_man(FILE *out, const struct command *c)
{
	fprintf(out, ".TH GREENSLOT\\-");
	for (const char *p = c->name; *p; p++)
		fputc(*p >= 'a' && *p <= 'z' ? *p - 32 : *p, out);
	fprintf(out, " 1 \"\" \"greenslot " GS_VERSION "\" \"User "
		     "Commands\"\n.SH NAME\n"
		     "greenslot\\-%s \\- ", c->name);
	roff_text(out, c->doc->summary);
	fprintf(out, "\n.SH SYNOPSIS\n");
	roff_synopsis(out, c);
	fprintf(out, ".SH DESCRIPTION\n");
	roff_text(out, c->doc->description);
	fprintf(out, "\n.SH OPTIONS\n");
	roff_options(out, c->doc->options);
	roff_options(out, shared_opts(c));
	fprintf(out, "%s.SH SEE ALSO\n.BR greenslot (1)\n", man_exit);
}

static const struct cmd_opt man_opts[] = {
	{"--list", "print the commands, one a line (each has a page "
		   "greenslot-COMMAND(1))"},
	{NULL, NULL},
};

static const struct cmd_doc cmd_man_doc = {
	"man [COMMAND | --list]",
	"print the manual page (roff); 'man COMMAND' one command's",
	"Prints greenslot(1), every command with its options, as roff on "
	"stdout; with COMMAND, the page greenslot-COMMAND(1) of that command "
	"alone.  Both are made from the table that --help prints, so they "
	"cannot differ from it; 'make install' installs them all.  Read one "
	"with 'greenslot man | man -l -'.",
	man_opts,
};

/* `greenslot man [COMMAND|--list]` */
static int cmd_man(int argc, char **argv, struct cmd_ctx *ctx)
{
	const struct command *c;

	if (argc < 2) {
		print_man(stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		error("usage: greenslot man [COMMAND | --list]");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < NCOMMANDS; i++)
			printf("%s\n", commands[i].name);
		return EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		error("unknown command '%s'; see 'greenslot --help'", argv[1]);
		return EXIT_USAGE;
	}
	print_command_man(stdout, c);
	return EXIT_OK;
}

/* The value word of a flag line ("FILE" of "-o, --output FILE"), or NULL. */
static const char *flag_value(const char *flag)
{
	const char *v = NULL;

	for (const char *p = strchr(flag, ' '); p; p = strchr(p + 1, ' '))
		if (p[-1] != ',')
			v = p + 1;
	return v;
}

/* What completes an option's value, as its value word says. */
enum value_kind {
	VALUE_FREE,    /* a time, a number, a name: nothing to offer */
	VALUE_FILES,   /* FILE, PATH, HISTORY, X.json */
	VALUE_DIRS,    /* DIR */
	VALUE_WORDS,   /* a|b|c: those */
	VALUE_SIGNALS, /* SIGNAL: the signals known by name */
	VALUE_NKINDS,
};

static enum value_kind value_kind(const char *v)
{
	if (strchr(v, '|'))
		return VALUE_WORDS;
	if (!strcmp(v, "SIGNAL"))
		return VALUE_SIGNALS;
	if (!strcmp(v, "DIR"))
		return VALUE_DIRS;
	if (!strcmp(v, "FILE") || !strcmp(v, "PATH") ||
	    !strcmp(v, "HISTORY") || strstr(v, ".json"))
		return VALUE_FILES;
	return VALUE_FREE;
}

/* One command's part of the completion script, as it is put together. */
struct completion {
	struct strbuf opts;               /* " --a -b --c" */
	struct strbuf pats[VALUE_NKINDS]; /* "|--x|-y": the options of a kind */
	struct strbuf words;              /* case lines for VALUE_WORDS */
	const char *signals;              /* "carbon_intensity price ..." */
};

/* "--format) kind=words words='a b c' ;;" for a|b|c (or the signals). */
static void completion_words(struct completion *c, const char *pat,
			     const char *value, enum value_kind kind)
{
	strbuf_addf(&c->words, "\t\t%s) kind=words words=\"", pat);
	if (kind == VALUE_SIGNALS)
		strbuf_addstr(&c->words, c->signals);
	for (; kind == VALUE_WORDS && *value; value++)
		strbuf_addch(&c->words, *value == '|' ? ' ' : *value);
	strbuf_addstr(&c->words, "\" ;;\n");
}

/* Each long and short option of a flag line, and what its value takes. */
static void completion_options(struct completion *c, const struct cmd_opt *o)
{
	struct strbuf pat;

	strbuf_init(&pat);
	for (; o && o->flag; o++) {
		const char *p = o->flag, *value = flag_value(o->flag);
		enum value_kind kind = value ? value_kind(value) : VALUE_FREE;

		strbuf_reset(&pat);
		while (*p == '-') {
			size_t n = strcspn(p, " ,");
			strbuf_addf(&c->opts, " %.*s", (int)n, p);
			strbuf_addf(&pat, "|%.*s", (int)n, p);
			p += n;
			p += strspn(p, ", ");
		}
		if (!value)
			continue;
		if (kind == VALUE_WORDS || kind == VALUE_SIGNALS)
			completion_words(c, pat.buf + 1, value, kind);
		else
			strbuf_addstr(&c->pats[kind], pat.buf);
	}
	strbuf_release(&pat);
}

/* Options main.c takes for every command (run_command()), as flag lines. */
static const struct cmd_opt completion_shared[] = {
	{"--db PATH", NULL},
	{"--sites SITES.json", NULL},
	{NULL, NULL},
};

/* The words of a command's arguments; none (file names) but for these. */
static void completion_args(const struct command *cmd)
{
	if (cmd->fn == cmd_completion)
		printf(" args=bash");
	if (cmd->fn != cmd_man)
		return;
	printf(" args=\"");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("%s%s", i ? " " : "", commands[i].name);
	printf("\"");
}

/* "\tCOMMAND) opts=... args=...\n\t\tcase $prev in ... esac ;;" */
static void completion_command(struct completion *c,
			       const struct command *cmd)
{
	static const char *const kinds[VALUE_NKINDS] = {
		[VALUE_FREE] = "free", [VALUE_FILES] = "files",
		[VALUE_DIRS] = "dirs",
	};

	strbuf_reset(&c->opts);
	strbuf_reset(&c->words);
	for (int k = 0; k < VALUE_NKINDS; k++)
		strbuf_reset(&c->pats[k]);
	completion_options(c, cmd->doc->options);
	completion_options(c, shared_opts(cmd));
	strbuf_addstr(&c->opts, " --help");
	printf("\t%s) opts=\"%s\"", cmd->name, c->opts.buf + 1);
	completion_args(cmd);
	printf("\n\t\tcase $prev in\n%s", c->words.buf);
	for (int k = 0; k < VALUE_NKINDS; k++)
		if (c->pats[k].len)
			printf("\t\t%s) kind=%s ;;\n", c->pats[k].buf + 1,
			       kinds[k]);
	printf("\t\tesac ;;\n");
}

static const struct cmd_doc cmd_completion_doc = {
	"completion bash",
	"print the bash completion script",
	"Prints a bash completion script for greenslot, made from the table "
	"that --help prints: the commands, each command's options, and the "
	"values of an option where they are known: the choices its --help "
	"spells a|b|c (--format, --policy, --objective, --model), the "
	"signals known by name after --signal, file names after an option "
	"whose value is FILE, PATH or a .json file, directories after DIR; "
	"nothing after times, durations and numbers.  Load it with "
	"'. <(greenslot completion bash)'; 'make install' installs it.",
	NULL,
};

/* What the script does once the case of the command has set its words. */
static const char completion_tail[] =
	"\tcase $kind in\n"
	"\twords) COMPREPLY=($(compgen -W \"$words\" -- \"$cur\")) ;;\n"
	"\tfiles) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	"\tdirs) COMPREPLY=($(compgen -d -- \"$cur\")) ;;\n"
	"\tfree) COMPREPLY=() ;;\n"
	"\t*) case $cur in\n"
	"\t\t-*) COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")) ;;\n"
	"\t\t*) if [ -n \"$args\" ]; then\n"
	"\t\t\tCOMPREPLY=($(compgen -W \"$args\" -- \"$cur\"))\n"
	"\t\telse\n"
	"\t\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	"\t\tfi ;;\n"
	"\t\tesac ;;\n\tesac\n}\n"
	"complete -o filenames -F _greenslot greenslot\n";

/*
 * A bash completion script, from the command table: commands, each
 * command's options, and an option's values: the words of "a|b|c", the
 * known signals for SIGNAL, file names for FILE, PATH and X.json,
 * directories for DIR, nothing for the others (times, numbers, names).
 */
static int cmd_completion(int argc, char **argv, struct cmd_ctx *ctx)
{
	struct completion c;
	struct strbuf signals;

	if (argc != 2 || strcmp(argv[1], "bash")) {
		error("usage: greenslot completion bash");
		return EXIT_USAGE;
	}
	strbuf_init(&signals);
	signal_names(&signals);
	c.signals = signals.buf;
	strbuf_init(&c.opts);
	strbuf_init(&c.words);
	for (int k = 0; k < VALUE_NKINDS; k++)
		strbuf_init(&c.pats[k]);
	printf("# bash completion for greenslot, made by "
	       "'greenslot completion bash'\n_greenslot()\n{\n"
	       "\tlocal cur=${COMP_WORDS[COMP_CWORD]} "
	       "prev=${COMP_WORDS[COMP_CWORD-1]} opts= args= kind= words=\n"
	       "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	       "\t\tCOMPREPLY=($(compgen -W \"");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("%s ", commands[i].name);
	printf("--help --version\" -- \"$cur\"))\n"
	       "\t\treturn\n\tfi\n\tcase $prev in\n");
	completion_options(&c, completion_shared);
	printf("\t%s) kind=files ;;\n\tesac\n\tcase ${COMP_WORDS[1]} in\n",
	       c.pats[VALUE_FILES].buf + 1);
	for (size_t i = 0; i < NCOMMANDS; i++)
		completion_command(&c, &commands[i]);
	printf("\tesac\n%s", completion_tail);
	strbuf_release(&c.opts);
	strbuf_release(&c.words);
	for (int k = 0; k < VALUE_NKINDS; k++)
		strbuf_release(&c.pats[k]);
	strbuf_release(&signals);
	return EXIT_OK;
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
	if ((c->flags & CMD_METRICS) &&
	    take_option(&argc, argv, "--metrics", &ctx.metrics_path))
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
	if (!strcmp(argv[1], "--version")) {
		printf("greenslot %s\n", GS_VERSION);
		return EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		error("unknown command '%s'; see 'greenslot --help'", argv[1]);
		return EXIT_USAGE;
	}
	return run_command(c, argc - 1, argv + 1);
}
