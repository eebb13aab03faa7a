/*
 * export.c - a plan in the form each scheduler takes: sbatch lines,
 * `at` and `systemd-run` commands, Kubernetes Job manifests, JSON, CSV.
 *
 * Every shell word that comes from data (a command, a job id, a zone
 * name) goes through shell_quote(), so a command always reaches the
 * scheduler as the one string the job spec holds.  Times are written the
 * way each tool reads them: sbatch and at take wall-clock time in the
 * zone they run in (hence the TZ= prefix when the zone is known),
 * systemd-run an explicit "UTC", Kubernetes annotations RFC 3339.
 */
#include "solver/solver.h"

#include <jansson.h>
#include <math.h>

void shell_quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(out, "'\\''");
		else
			strbuf_addch(out, *s);
	}
	strbuf_addch(out, '\'');
}

static const char *const format_names[] = {
	[EXPORT_SLURM] = "slurm",       [EXPORT_AT] = "at",
	[EXPORT_SYSTEMD] = "systemd",   [EXPORT_KUBERNETES] = "kubernetes",
	[EXPORT_JSON] = "json",         [EXPORT_CSV] = "csv",
};

int export_format_parse(const char *name, enum export_format *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_names); i++) {
		if (!strcmp(name, format_names[i])) {
			*out = (enum export_format)i;
			return 0;
		}
	}
	return -1;
}

/* Jobs by planned start, then plan order: the order they will run in. */
static int cmp_start(const void *a, const void *b, const struct plan *p)
{
	size_t i = *(const size_t *)a, k = *(const size_t *)b;
	gs_time si = p->jobs[i].start, sk = p->jobs[k].start;

	if (si != sk)
		return si < sk ? -1 : 1;
	return i < k ? -1 : i > k;
}

void export_order(const struct plan *p, size_t *idx)
{
	/* insertion sort: plans are small and qsort has no context pointer */
	for (size_t i = 0; i < p->njobs; i++) {
		size_t k = i;
		idx[i] = i;
		while (k > 0 && cmp_start(&idx[k - 1], &idx[k], p) > 0) {
			size_t t = idx[k - 1];
			idx[k - 1] = idx[k];
			idx[k] = t;
			k--;
		}
	}
}

enum stamp_form {
	STAMP_ISO,  /* sbatch: 2026-11-25T18:00:00 */
	STAMP_AT,   /* at -t: 202611251800.00 */
	STAMP_ZONE, /* the UTC offset: +0100 */
};

/* t as wall-clock time in the process's local zone (TZ), or in UTC. */
static void local_stamp(gs_time t, enum stamp_form form, bool utc,
			struct strbuf *out)
{
	time_t tt = (time_t)t;
	struct tm tm;
	long off;

	if (!(utc ? gmtime_r(&tt, &tm) : localtime_r(&tt, &tm)))
		memset(&tm, 0, sizeof(tm));
	off = tm.tm_gmtoff / 60;
	if (form == STAMP_ISO)
		strbuf_addf(out, "%04d-%02d-%02dT%02d:%02d:%02d",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec);
	else if (form == STAMP_AT)
		strbuf_addf(out, "%04d%02d%02d%02d%02d.%02d",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		strbuf_addf(out, "%c%02ld%02ld", off < 0 ? '-' : '+',
			    labs(off) / 60, labs(off) % 60);
}

/* A tz database file: a regular file beginning with "TZif". */
static bool tzif_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char magic[4];
	bool ok;

	if (!f)
		return false;
	ok = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
	fclose(f);
	return ok;
}

/* A POSIX TZ string: a name (3+ letters, or <...>) and then an offset. */
static bool posix_tz(const char *tz)
{
	const char *p = tz;

	if (*p == '<') {
		p = strchr(p, '>');
		if (!p || p - tz < 4)
			return false;
		p++;
	} else {
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
			p++;
		if (p - tz < 3)
			return false;
	}
	if (*p == '+' || *p == '-')
		p++;
	return *p >= '0' && *p <= '9';
}

int export_tz_check(const char *tz, struct errmsg *err)
{
	const char *dir = getenv("TZDIR");
	const char *name = *tz == ':' ? tz + 1 : tz;
	struct strbuf path;
	bool ok;

	/* glibc reads these as UTC even without the tz database */
	if (posix_tz(tz) || !strcmp(name, "UTC") || !strcmp(name, "GMT"))
		return 0;
	strbuf_init(&path);
	if (*name == '/')
		strbuf_addstr(&path, name);
	else if (*name && !strstr(name, ".."))
		strbuf_addf(&path, "%s/%s", dir && *dir ? dir
					    : "/usr/share/zoneinfo", name);
	ok = path.len && tzif_file(path.buf);
	strbuf_release(&path);
	if (ok)
		return 0;
	return err_set(err, "unknown time zone '%s' (want a zone of the tz "
		       "database such as Europe/Paris, or a POSIX TZ string "
		       "such as EST5EDT)", tz);
}

static void tz_prefix(const struct export_opts *o, bool utc,
		      struct strbuf *out)
{
	if (!o->tz && !utc)
		return;
	strbuf_addstr(out, "TZ=");
	shell_quote(out, utc ? "UTC" : o->tz);
	strbuf_addch(out, ' ');
}

static long gmtoff_at(gs_time t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	return localtime_r(&tt, &tm) ? tm.tm_gmtoff : 0;
}

/*
 * Whether t's wall-clock time in the local zone is also another instant's
 * (the hour repeated when the clocks go back), so that a tool reading it
 * could take either.  Every instant has a wall-clock time, so the other
 * trouble, a time the clocks skip, never comes out of this.
 */
static bool wall_ambiguous(gs_time t)
{
	long off = gmtoff_at(t);

	for (int d = -1; d <= 1; d += 2) {
		long o = gmtoff_at(t + d * 86400);
		gs_time other = t + off - o;

		if (o != off && gmtoff_at(other) == o)
			return true;
	}
	return false;
}

/*
 * Whether a line's times must be written in UTC (with TZ=UTC) because
 * one of them is ambiguous in the zone; says so through o->warn.
 */
static bool need_utc(const struct plan_job *j, const struct export_opts *o,
		     gs_time a, gs_time b)
{
	char buf[GS_TIME_BUFSZ];
	struct strbuf msg;
	gs_time bad = wall_ambiguous(a) ? a : b;

	if (!wall_ambiguous(bad))
		return false;
	strbuf_init(&msg);
	local_stamp(bad, STAMP_ISO, false, &msg);
	strbuf_addf(&msg, " in %s%s (for job '%s', %s) is ambiguous: the "
		    "clocks go back and repeat it; its line is written in UTC "
		    "with TZ=UTC", o->tz ? "TZ=" : "this host's local zone",
		    o->tz ? o->tz : "", j->id, time_format(bad, buf));
	if (o->warn)
		o->warn(o->ud, msg.buf);
	strbuf_release(&msg);
	return true;
}

static void zone_comment(const struct plan *p, const struct export_opts *o,
			 const char *tool, struct strbuf *out)
{
	gs_time t = p->njobs ? p->jobs[0].start : p->start;

	strbuf_addf(out, "# %s reads times as wall-clock time in its own "
		    "zone: ", tool);
	if (o->tz) {
		strbuf_addf(out, "these are in TZ=%s (set on each line), ",
			    o->tz);
	} else {
		strbuf_addstr(out, "these are in this host's local zone (no "
			      "TZ was set), ");
	}
	strbuf_addstr(out, "UTC");
	local_stamp(t == GS_TIME_NONE ? 0 : t, STAMP_ZONE, false, out);
	strbuf_addstr(out, " at the first job.\n");
}

static void header(const struct plan *p, const char *what, size_t n,
		   struct strbuf *out)
{
	char buf[GS_TIME_BUFSZ];

	strbuf_addf(out, "# greenslot export --format %s: %zu jobs of the "
		    "%s plan from %s\n", what, n,
		    p->policy ? p->policy : "?",
		    p->start == GS_TIME_NONE ? "?" : time_format(p->start,
								 buf));
}

static const struct site *find_site(const struct export_opts *o,
				    const char *id)
{
	long s = o->cat ? catalog_find_site(o->cat, id) : -1;

	return s < 0 ? NULL : &o->cat->sites[s];
}

/* s on one line: a newline would end a comment and start a command. */
static void add_oneline(struct strbuf *out, const char *s)
{
	for (; s && *s; s++)
		strbuf_addch(out, *s == '\n' || *s == '\r' ? ' ' : *s);
}

/*
 * The time the job runs: the plan's runtime_s (the sum of its parts),
 * not end - start, which spans the gaps of an interruptible job.  A plan
 * without one (0) counts its segments.
 */
static int64_t job_runtime_s(const struct plan_job *j)
{
	int64_t sum = 0;

	if (j->runtime_s > 0)
		return (int64_t)llround(j->runtime_s);
	for (size_t i = 0; i < j->nsegments; i++)
		sum += j->segments[i].end - j->segments[i].start;
	return j->nsegments ? sum : j->end - j->start;
}

/* "START/END START/END": the parts of a job, as RFC 3339 intervals. */
static void parts_text(const struct plan_job *j, struct strbuf *out)
{
	char a[GS_TIME_BUFSZ], b[GS_TIME_BUFSZ];

	for (size_t i = 0; i < j->nsegments; i++)
		strbuf_addf(out, "%s%s/%s", i ? " " : "",
			    time_format(j->segments[i].start, a),
			    time_format(j->segments[i].end, b));
}

/*
 * slurm, at, systemd and Kubernetes cannot pause a job at a planned
 * time: a job planned in parts starts at its first part's start and runs
 * them back to back.  Said in a comment above its line and on stderr.
 */
static void split_note(const struct plan_job *j, const struct export_opts *o,
		       struct strbuf *out)
{
	struct strbuf msg;

	if (j->nsegments < 2)
		return;
	strbuf_init(&msg);
	strbuf_addf(&msg, "job '%s' is planned in %zu parts (", j->id,
		    j->nsegments);
	parts_text(j, &msg);
	strbuf_addf(&msg, "); %s cannot pause it: it runs its parts back to "
		    "back from the first part's start (%lld s)",
		    format_names[o->format], (long long)job_runtime_s(j));
	if (o->format != EXPORT_KUBERNETES) {
		strbuf_addstr(out, "# ");
		add_oneline(out, msg.buf);
		strbuf_addch(out, '\n');
	}
	if (o->warn)
		o->warn(o->ud, msg.buf);
	strbuf_release(&msg);
}

static void slurm_line(const struct plan_job *j, const struct export_opts *o,
		       struct strbuf *out)
{
	const struct site *s = find_site(o, j->site);
	int64_t minutes = (job_runtime_s(j) + 59) / 60;
	bool utc = need_utc(j, o, j->start, j->end + o->slack_s);

	tz_prefix(o, utc, out);
	strbuf_addstr(out, "sbatch --job-name=");
	shell_quote(out, j->id);
	strbuf_addstr(out, " --begin=");
	local_stamp(j->start, STAMP_ISO, utc, out);
	strbuf_addstr(out, " --deadline=");
	local_stamp(j->end + o->slack_s, STAMP_ISO, utc, out);
	strbuf_addf(out, " --time=%lld", (long long)(minutes > 0 ? minutes
								  : 1));
	if (s && s->slurm_cluster) {
		strbuf_addstr(out, " --clusters=");
		shell_quote(out, s->slurm_cluster);
	}
	if (s && s->slurm_partition) {
		strbuf_addstr(out, " --partition=");
		shell_quote(out, s->slurm_partition);
	}
	strbuf_addstr(out, " --wrap=");
	shell_quote(out, j->command);
	strbuf_addch(out, '\n');
}

static void at_line(const struct plan_job *j, const struct export_opts *o,
		    struct strbuf *out)
{
	bool utc = need_utc(j, o, j->start, j->start);

	strbuf_addstr(out, "printf '%s\\n' ");
	shell_quote(out, j->command);
	strbuf_addstr(out, " | ");
	tz_prefix(o, utc, out);
	strbuf_addstr(out, "at -t ");
	local_stamp(j->start, STAMP_AT, utc, out);
	strbuf_addch(out, '\n');
}

/* A unit name part: [A-Za-z0-9:_.-] kept, other bytes \xNN as systemd does. */
static void unit_escape(const char *id, struct strbuf *out)
{
	for (const unsigned char *c = (const unsigned char *)id; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr(":_.-", *c))
			strbuf_addch(out, (char)*c);
		else
			strbuf_addf(out, "\\x%02x", *c);
	}
}

static void systemd_line(const struct plan_job *j, struct strbuf *out)
{
	struct strbuf unit, when;
	struct gs_tm tm;

	strbuf_init(&unit);
	strbuf_init(&when);
	strbuf_addstr(&unit, "greenslot-");
	unit_escape(j->id, &unit);
	time_to_tm(j->start, &tm);
	strbuf_addf(&when, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.year,
		    tm.month, tm.day, tm.hour, tm.min, tm.sec);
	strbuf_addstr(out, "systemd-run --unit=");
	shell_quote(out, unit.buf);
	strbuf_addstr(out, " --on-calendar=");
	shell_quote(out, when.buf);
	strbuf_addstr(out, " --timer-property=AccuracySec=1s -- /bin/sh -c ");
	shell_quote(out, j->command);
	strbuf_addch(out, '\n');
	strbuf_release(&unit);
	strbuf_release(&when);
}

/* ------------------------------------------------------------------ */
/* Kubernetes                                                          */
/* ------------------------------------------------------------------ */

void export_k8s_name(const char *id, struct strbuf *out)
{
	size_t start = out->len, max = 63;
	bool changed = false, dash = true;
	uint32_t h = 2166136261u; /* FNV-1a of the id, for uniqueness */

	strbuf_addstr(out, "greenslot-");
	for (const unsigned char *c = (const unsigned char *)id; *c; c++) {
		unsigned char l = (*c >= 'A' && *c <= 'Z') ? *c + 32 : *c;
		bool alnum = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');

		h = (h ^ *c) * 16777619u;
		changed |= l != *c || (!alnum && (l != '-' || dash));
		if (alnum || !dash)
			strbuf_addch(out, alnum ? (char)l : '-');
		dash = !alnum;
	}
	changed |= dash; /* a trailing '-' or an empty id */
	if (!changed && out->len - start <= max)
		return;
	if (out->len - start > max - 9)
		out->len = start + max - 9;
	while (out->buf[out->len - 1] == '-')
		out->len--;
	out->buf[out->len] = '\0';
	strbuf_addf(out, "-%08x", h);
}

/* The code point of the well-formed n-byte UTF-8 sequence at p. */
static uint32_t utf8_decode(const unsigned char *p, size_t n)
{
	static const unsigned char lead_bits[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	uint32_t cp = p[0] & lead_bits[n];

	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return cp;
}

/*
 * A YAML double-quoted scalar in plain ASCII: printable ASCII as is, the
 * rest escaped (\n, \t, \xNN for other controls and DEL, \uXXXX and
 * \UXXXXXXXX beyond ASCII), so that no character YAML forbids or reads
 * as a line break (C1 controls, U+0085, U+2028) reaches the parser raw.
 * Bytes that are not UTF-8 (only from the command line) become U+FFFD.
 */
static void yaml_str(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	strbuf_addch(out, '"');
	while (*p) {
		size_t n = utf8_seq_len(p);
		uint32_t cp = n ? utf8_decode(p, n) : 0xfffd;

		p += n ? n : 1;
		if (cp == '"' || cp == '\\')
			strbuf_addf(out, "\\%c", (char)cp);
		else if (cp >= 0x20 && cp < 0x7f)
			strbuf_addch(out, (char)cp);
		else if (cp == '\n')
			strbuf_addstr(out, "\\n");
		else if (cp == '\t')
			strbuf_addstr(out, "\\t");
		else if (cp < 0x80)
			strbuf_addf(out, "\\x%02x", (unsigned)cp);
		else if (cp <= 0xffff)
			strbuf_addf(out, "\\u%04x", (unsigned)cp);
		else
			strbuf_addf(out, "\\U%08x", (unsigned)cp);
	}
	strbuf_addch(out, '"');
}

static void k8s_job(const struct plan_job *j, const struct export_opts *o,
		    struct strbuf *out)
{
	char start[GS_TIME_BUFSZ], end[GS_TIME_BUFSZ];
	struct strbuf name;

	strbuf_init(&name);
	export_k8s_name(j->id, &name);
	strbuf_addf(out, "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n"
		    "  name: %s\n", name.buf);
	if (o->namespace_) {
		strbuf_addstr(out, "  namespace: ");
		yaml_str(out, o->namespace_);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "  labels:\n    app.kubernetes.io/managed-by: "
		      "greenslot\n    greenslot.io/site: ");
	yaml_str(out, j->site);
	strbuf_addstr(out, "\n  annotations:\n    greenslot.io/job-id: ");
	yaml_str(out, j->id);
	strbuf_addf(out, "\n    greenslot.io/planned-start: \"%s\"\n"
		    "    greenslot.io/planned-end: \"%s\"\n",
		    time_format(j->start, start), time_format(j->end, end));
	if (j->nsegments > 1) {
		struct strbuf parts;

		strbuf_init(&parts);
		parts_text(j, &parts);
		strbuf_addf(out, "    greenslot.io/planned-parts: \"%s\"\n",
			    parts.buf);
		strbuf_release(&parts);
	}
	strbuf_addstr(out, "spec:\n  suspend: true\n  backoffLimit: 0\n"
		      "  template:\n    metadata:\n      labels:\n"
		      "        greenslot.io/site: ");
	yaml_str(out, j->site);
	strbuf_addstr(out, "\n    spec:\n      restartPolicy: Never\n"
		      "      containers:\n      - name: job\n        image: ");
	yaml_str(out, o->image);
	strbuf_addstr(out, "\n        command: [\"/bin/sh\", \"-c\", ");
	yaml_str(out, j->command);
	strbuf_addstr(out, "]\n");
	strbuf_release(&name);
}

/* ------------------------------------------------------------------ */
/* JSON and CSV                                                        */
/* ------------------------------------------------------------------ */

static json_t *job_json(const struct plan_job *j)
{
	char start[GS_TIME_BUFSZ], end[GS_TIME_BUFSZ];
	json_t *parts = json_array();

	for (size_t i = 0; i < j->nsegments; i++)
		json_array_append_new(parts, json_pack("{s:s, s:s}", "start",
			time_format(j->segments[i].start, start), "end",
			time_format(j->segments[i].end, end)));
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o}", "id", j->id,
			 "site", j->site, "start", time_format(j->start, start),
			 "end", time_format(j->end, end), "runtime_s",
			 (json_int_t)job_runtime_s(j), "segments", parts,
			 "command",
			 j->command ? json_string(j->command) : json_null());
}

static void csv_field(struct strbuf *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		strbuf_addstr(out, s);
		return;
	}
	strbuf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(out, '"');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '"');
}

static void csv_line(const struct plan_job *j, struct strbuf *out)
{
	char start[GS_TIME_BUFSZ], end[GS_TIME_BUFSZ];

	csv_field(out, j->id);
	strbuf_addch(out, ',');
	csv_field(out, j->site);
	strbuf_addf(out, ",%s,%s,%lld,", time_format(j->start, start),
		    time_format(j->end, end), (long long)job_runtime_s(j));
	csv_field(out, j->command ? j->command : "");
	strbuf_addch(out, ',');
	parts_text(j, out);
	strbuf_addstr(out, "\r\n");
}

static int export_json(const struct plan *p, const size_t *idx,
		       struct strbuf *out, struct errmsg *err)
{
	json_t *root = json_object(), *jobs = json_array();
	char *text;

	for (size_t i = 0; i < p->njobs; i++)
		json_array_append_new(jobs, job_json(&p->jobs[idx[i]]));
	json_object_set_new(root, "jobs", jobs);
	text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	json_decref(root);
	if (!text)
		return err_set(err, "cannot format the export");
	strbuf_addstr(out, text);
	strbuf_addch(out, '\n');
	free(text);
	return 0;
}

/* ------------------------------------------------------------------ */

int export_check_commands(const struct plan *p, const char *site,
			  struct errmsg *err)
{
	for (size_t i = 0; i < p->njobs; i++)
		if (!p->jobs[i].command &&
		    (!site || !strcmp(site, p->jobs[i].site)))
			return err_set(err, "job '%s' has no command (give it "
				       "a \"command\" in its JOBS.json and "
				       "solve again)", p->jobs[i].id);
	return 0;
}

/* Unplaced jobs as comments, so that a reader of the script sees them. */
static void unplaced_comments(const struct plan *p, struct strbuf *out)
{
	for (size_t i = 0; i < p->nunplaced; i++) {
		strbuf_addstr(out, "# not placed: ");
		add_oneline(out, p->unplaced[i].id);
		strbuf_addstr(out, ": ");
		add_oneline(out, p->unplaced[i].reason);
		strbuf_addch(out, '\n');
	}
}

static void export_lines(const struct plan *p, const struct export_opts *o,
			 const size_t *idx, struct strbuf *out)
{
	const char *tool[] = {[EXPORT_SLURM] = "sbatch", [EXPORT_AT] = "at"};

	if (o->format == EXPORT_KUBERNETES) {
		header(p, "kubernetes", p->njobs, out);
		strbuf_addstr(out, "# Jobs are suspended: unsuspend each at "
			      "its greenslot.io/planned-start, in the "
			      "cluster of its greenslot.io/site.\n");
	} else if (o->format == EXPORT_CSV) {
		strbuf_addstr(out, "id,site,start,end,runtime_s,command,"
			      "segments\r\n");
	} else {
		strbuf_addstr(out, "#!/bin/sh\n");
		header(p, format_names[o->format], p->njobs, out);
		if (o->format == EXPORT_SLURM || o->format == EXPORT_AT)
			zone_comment(p, o, tool[o->format], out);
		strbuf_addstr(out, "set -e\n");
	}
	if (o->format != EXPORT_CSV)
		unplaced_comments(p, out);
	for (size_t i = 0; i < p->njobs; i++) {
		const struct plan_job *j = &p->jobs[idx[i]];
		if (o->format != EXPORT_CSV)
			split_note(j, o, out);
		switch (o->format) {
		case EXPORT_SLURM: slurm_line(j, o, out); break;
		case EXPORT_AT: at_line(j, o, out); break;
		case EXPORT_SYSTEMD: systemd_line(j, out); break;
		case EXPORT_KUBERNETES: k8s_job(j, o, out); break;
		case EXPORT_CSV: csv_line(j, out); break;
		case EXPORT_JSON: break;
		}
	}
}

int export_plan(const struct plan *p, const struct export_opts *o,
		struct strbuf *out, struct errmsg *err)
{
	size_t *idx;
	int r = 0;

	if (o->format != EXPORT_JSON && o->format != EXPORT_CSV &&
	    export_check_commands(p, NULL, err) < 0)
		return -1;
	idx = xcalloc(p->njobs + 1, sizeof(*idx));
	export_order(p, idx);
	if (o->format == EXPORT_JSON)
		r = export_json(p, idx, out, err);
	else
		export_lines(p, o, idx, out);
	free(idx);
	return r;
}
