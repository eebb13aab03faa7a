/*
 * history-hpc.c - the two run histories that batch schedulers write: the
 * Standard Workload Format of the Parallel Workloads Archive and Slurm's
 * `sacct --parsable2`.
 *
 * SWF: 18 whitespace-separated numbers per job, -1 for unknown, `;`
 * comments (the header's UnixStartTime makes the relative submit times
 * absolute).  Status 1 is completed, 5 cancelled, 0 failed; a failed run
 * that used (nearly) all of its requested time was killed at its limit and
 * is stored as `timeout`, since that is what it is (a censored runtime).
 *
 * sacct: the header names the columns; job steps (123.batch, 123.0,
 * 123.extern) are folded into their job (their energy adds up when the
 * job line has none); runs still pending or running are skipped, since
 * they have no runtime yet; an unknown state is an error.
 */
#include "forecast/history.h"

#include <ctype.h>
#include <math.h>

enum swf_field {
	SWF_JOB, SWF_SUBMIT, SWF_WAIT, SWF_RUN, SWF_ALLOC, SWF_CPU, SWF_MEM,
	SWF_REQ_PROCS, SWF_REQ_TIME, SWF_REQ_MEM, SWF_STATUS, SWF_USER,
	SWF_GROUP, SWF_EXE, SWF_QUEUE, SWF_PARTITION, SWF_PRECEDING,
	SWF_THINK, SWF_NFIELDS
};

/* Splits an SWF line at runs of blanks. */
static void swf_split(char *line, struct hist_fields *f)
{
	char *p = line;

	f->n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return;
		ALLOC_GROW(f->v, f->n + 1, f->alloc);
		f->v[f->n].s = p;
		f->v[f->n].col = (int)(p - line) + 1;
		f->n++;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

/* "; UnixStartTime: N" sets the base of the relative times. */
static void swf_header(const char *line, gs_time *base)
{
	const char *key = "UnixStartTime:";
	const char *p = strstr(line, key);
	char *end;
	long long v;

	if (!p)
		return;
	v = strtoll(p + strlen(key), &end, 10);
	if (end != p + strlen(key) && llabs(v) < 100000000000LL) /* 1e11 */
		*base = v;
}

static char *swf_name(const char *prefix, double v)
{
	struct strbuf sb;

	if (v < 0)
		return NULL;
	strbuf_init(&sb);
	strbuf_addf(&sb, "%s%.0f", prefix, v);
	return strbuf_detach(&sb);
}

static const char *swf_status(double status, double run, double req)
{
	if (status == 1)
		return "completed";
	if (status == 5)
		return "cancelled";
	if (status == 0)
		return req > 0 && run >= 0.99 * req ? "timeout" : "failed";
	return "unknown"; /* -1, and 2-4 (partial executions) */
}

static int swf_run(struct hist_reader *hr, const struct hist_fields *f,
		   gs_time base)
{
	double v[SWF_NFIELDS];
	struct job_run *r;

	if (f->n != SWF_NFIELDS)
		return hist_fail(hr, f->n ? f->v[0].col : 1,
				 "SWF line has %zu fields (want 18)", f->n);
	for (size_t i = 0; i < SWF_NFIELDS; i++)
		if (hist_number(hr, &f->v[i], &v[i]) < 0)
			return -1;
	if (v[SWF_JOB] < 0 || v[SWF_SUBMIT] < 0)
		return hist_fail(hr, f->v[v[SWF_JOB] < 0 ? 0 : 1].col,
				 "SWF job number and submit time must be "
				 "known");
	/* casting a time beyond gs_time's range would be undefined */
	for (size_t i = SWF_SUBMIT; i <= SWF_WAIT; i++)
		if (v[i] > 1e11)
			return hist_fail(hr, f->v[i].col, "SWF time '%s' is "
					 "out of range", f->v[i].s);
	if (v[SWF_STATUS] < -1 || v[SWF_STATUS] > 5)
		return hist_fail(hr, f->v[SWF_STATUS].col,
				 "unknown SWF status '%s'", f->v[SWF_STATUS].s);
	r = run_set_push(hr->rs);
	r->id = xstrdup(f->v[SWF_JOB].s);
	r->user = swf_name("u", v[SWF_USER]);
	r->executable = swf_name("x", v[SWF_EXE]);
	r->queue = swf_name("q", v[SWF_QUEUE]);
	r->submit = base + (gs_time)v[SWF_SUBMIT];
	if (v[SWF_WAIT] >= 0)
		r->start = r->submit + (gs_time)v[SWF_WAIT];
	if (v[SWF_RUN] >= 0)
		r->runtime_s = v[SWF_RUN];
	if (v[SWF_REQ_TIME] > 0)
		r->requested_s = v[SWF_REQ_TIME];
	if (v[SWF_ALLOC] > 0 || v[SWF_REQ_PROCS] > 0)
		r->resources = hist_resources_json(
			"cpu", v[SWF_ALLOC] > 0 ? v[SWF_ALLOC]
						 : v[SWF_REQ_PROCS]);
	r->status = xstrdup(swf_status(v[SWF_STATUS], v[SWF_RUN],
				       v[SWF_REQ_TIME]));
	return hist_finish_times(hr, r, f->v[0].col);
}

int hist_parse_swf(struct hist_reader *hr)
{
	struct hist_fields f = {0};
	gs_time base = 0;
	char *line;
	int ret = 0;

	while (!ret && (line = hist_next_line(hr))) {
		if (*line == ';') {
			swf_header(line, &base);
			continue;
		}
		swf_split(line, &f);
		if (f.n)
			ret = swf_run(hr, &f, base);
	}
	free(f.v);
	return ret;
}

/* ------------------------------------------------------------------ */
/* sacct --parsable2                                                   */
/* ------------------------------------------------------------------ */

enum sacct_col {
	SA_JOBID, SA_NAME, SA_USER, SA_PARTITION, SA_CPUS, SA_TRES,
	SA_REQMEM, SA_LIMIT, SA_SUBMIT, SA_START, SA_END, SA_ELAPSED,
	SA_STATE, SA_ENERGY, SA_NCOLS
};

static const char *const sacct_names[SA_NCOLS] = {
	"JobID", "JobName", "User", "Partition", "AllocCPUS", "AllocTRES",
	"ReqMem", "Timelimit", "Submit", "Start", "End", "Elapsed", "State",
	"ConsumedEnergyRaw",
};

struct sacct {
	int col[SA_NCOLS]; /* field index of each column, -1 if absent */
	struct hist_fields f;
	size_t ncols;      /* fields of the header */
	char *last_job;    /* id of the last job line, for its steps */
	long last_run;     /* its index in rs, -1 when it was skipped */
	bool job_energy;   /* the job line gave its energy */
};

static int sacct_header(struct hist_reader *hr, struct sacct *sa, char *line)
{
	if (hist_split(hr, line, '|', false, &sa->f) < 0)
		return -1;
	for (int c = 0; c < SA_NCOLS; c++)
		sa->col[c] = -1;
	sa->ncols = sa->f.n;
	for (size_t i = 0; i < sa->f.n; i++) {
		int c;
		for (c = 0; c < SA_NCOLS; c++)
			if (!strcmp(sa->f.v[i].s, sacct_names[c]))
				break;
		if (c == SA_NCOLS)
			continue; /* more columns than we use are fine */
		sa->col[c] = (int)i;
	}
	if (sa->col[SA_JOBID] < 0 || sa->col[SA_STATE] < 0)
		return hist_fail(hr, 1, "sacct header lacks 'JobID' or "
				 "'State'");
	if (sa->col[SA_ELAPSED] < 0 &&
	    (sa->col[SA_START] < 0 || sa->col[SA_END] < 0))
		return hist_fail(hr, 1, "sacct header lacks 'Elapsed' (or "
				 "'Start' and 'End')");
	return 0;
}

static const struct hist_field *sa_get(const struct sacct *sa, int c)
{
	if (sa->col[c] < 0 || !*sa->f.v[sa->col[c]].s)
		return NULL;
	return &sa->f.v[sa->col[c]];
}

/* [D-]HH:MM:SS, [D-]HH:MM... as Slurm prints durations; -1 unlimited. */
int slurm_duration(const char *s, double *out)
{
	long d = 0, part[3];
	int n = 0;
	const char *p = s;
	char *end;

	if (!strcmp(s, "UNLIMITED") || !strcmp(s, "Partition_Limit")) {
		*out = -1;
		return 0;
	}
	if (strchr(s, '-')) {
		d = strtol(p, &end, 10);
		if (end == p || *end != '-' || d < 0)
			return -1;
		p = end + 1;
	}
	for (;;) {
		part[n] = strtol(p, &end, 10);
		if (end == p || part[n] < 0 || !isdigit((unsigned char)*p))
			return -1;
		n++;
		if (!*end)
			break;
		if (*end != ':' || n == 3)
			return -1;
		p = end + 1;
	}
	if (strchr(s, '-')) /* D-HH, D-HH:MM, D-HH:MM:SS */
		*out = d * 86400.0 + part[0] * 3600.0 +
		       (n > 1 ? part[1] * 60.0 : 0) + (n > 2 ? part[2] : 0);
	else if (n == 1) /* MM */
		*out = part[0] * 60.0;
	else if (n == 2) /* MM:SS */
		*out = part[0] * 60.0 + part[1];
	else
		*out = part[0] * 3600.0 + part[1] * 60.0 + part[2];
	return 0;
}

/* Maps a State; NULL for runs not finished (skipped), "" if unknown. */
static const char *sacct_state(const char *s)
{
	static const struct {
		const char *prefix, *status;
	} map[] = {
		{"COMPLETED", "completed"}, {"FAILED", "failed"},
		{"TIMEOUT", "timeout"},     {"DEADLINE", "timeout"},
		{"CANCELLED", "cancelled"}, {"PREEMPTED", "cancelled"},
		{"OUT_OF_MEMORY", "oom"},   {"NODE_FAIL", "node_fail"},
		{"BOOT_FAIL", "node_fail"},
	};
	static const char *const running[] = {
		"PENDING", "RUNNING", "REQUEUED", "RESIZING", "SUSPENDED",
		"REVOKED", "COMPLETING", "CONFIGURING",
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		size_t n = strlen(map[i].prefix);
		if (!strncmp(s, map[i].prefix, n) && (!s[n] || s[n] == ' '))
			return map[i].status;
	}
	for (size_t i = 0; i < ARRAY_SIZE(running); i++)
		if (!strcmp(s, running[i]))
			return NULL;
	return "";
}

static int sacct_time(struct hist_reader *hr, const struct hist_field *f,
		      gs_time *out)
{
	struct strbuf sb;
	int ret;

	if (!f || !strcmp(f->s, "Unknown") || !strcmp(f->s, "None"))
		return 0;
	/* sacct prints local time without an offset: read it as UTC */
	strbuf_init(&sb);
	strbuf_addstr(&sb, f->s);
	if (strlen(f->s) == 19)
		strbuf_addch(&sb, 'Z');
	ret = time_parse(sb.buf, out);
	strbuf_release(&sb);
	if (ret < 0)
		return hist_fail(hr, f->col, "invalid time '%s'", f->s);
	return 0;
}

/*
 * AllocTRES "cpu=4,mem=16G,node=1,gres/gpu=2" to {"cpu":4,"gpu":2}: the
 * countable units a job holds (memory, nodes and billing are left out).
 */
static char *sacct_tres(const char *s)
{
	struct strbuf sb;
	const char *p = s;

	strbuf_init(&sb);
	strbuf_addch(&sb, '{');
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', len), *name = p;
		char *end;
		double v;
		if (!strncmp(p, "gres/", 5))
			name = p + 5;
		else if (strncmp(p, "cpu=", 4))
			eq = NULL;
		if (eq && (v = strtod(eq + 1, &end), end == p + len) &&
		    eq > name)
			strbuf_addf(&sb, "%s\"%.*s\":%.17g",
				    sb.len > 1 ? "," : "", (int)(eq - name),
				    name, v);
		p += len + (comma != NULL);
	}
	strbuf_addch(&sb, '}');
	if (sb.len == 2) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

static int sacct_duration(struct hist_reader *hr, const struct hist_field *f,
			  double *out)
{
	if (!f)
		return 0;
	if (slurm_duration(f->s, out) < 0)
		return hist_fail(hr, f->col, "invalid duration '%s'", f->s);
	if (*out < 0)
		*out = (double)NAN;
	return 0;
}

static int sacct_energy(struct hist_reader *hr, const struct hist_field *f,
			double *kwh)
{
	double j;

	*kwh = (double)NAN;
	if (!f)
		return 0;
	if (hist_number(hr, f, &j) < 0)
		return -1;
	if (j < 0)
		return hist_fail(hr, f->col, "negative energy '%s'", f->s);
	*kwh = j / 3.6e6;
	return 0;
}

/* A step line: its energy adds up for its job if the job gave none. */
static int sacct_step(struct hist_reader *hr, struct sacct *sa,
		      const struct hist_field *id, size_t joblen)
{
	struct job_run *r;
	double kwh;

	if (!sa->last_job || strlen(sa->last_job) != joblen ||
	    strncmp(sa->last_job, id->s, joblen))
		return hist_fail(hr, id->col, "job step '%s' comes without "
				 "its job", id->s);
	if (sa->last_run < 0 || sa->job_energy)
		return 0;
	if (sacct_energy(hr, sa_get(sa, SA_ENERGY), &kwh) < 0)
		return -1;
	r = &hr->rs->runs[sa->last_run];
	if (!isnan(kwh))
		r->energy_kwh = isnan(r->energy_kwh) ? kwh
						      : r->energy_kwh + kwh;
	return 0;
}

static int sacct_fill(struct hist_reader *hr, struct sacct *sa,
		      struct job_run *r)
{
	const struct hist_field *f;
	double cpus;

	if ((f = sa_get(sa, SA_NAME)))
		r->executable = xstrdup(f->s);
	if ((f = sa_get(sa, SA_USER)))
		r->user = xstrdup(f->s);
	if ((f = sa_get(sa, SA_PARTITION)))
		r->queue = xstrdup(f->s);
	if ((f = sa_get(sa, SA_TRES)))
		r->resources = sacct_tres(f->s);
	if (!r->resources && (f = sa_get(sa, SA_CPUS))) {
		if (hist_number(hr, f, &cpus) < 0)
			return -1;
		if (cpus > 0)
			r->resources = hist_resources_json("cpu", cpus);
	}
	if (sacct_duration(hr, sa_get(sa, SA_LIMIT), &r->requested_s) < 0 ||
	    sacct_duration(hr, sa_get(sa, SA_ELAPSED), &r->runtime_s) < 0 ||
	    sacct_time(hr, sa_get(sa, SA_SUBMIT), &r->submit) < 0 ||
	    sacct_time(hr, sa_get(sa, SA_START), &r->start) < 0 ||
	    sacct_time(hr, sa_get(sa, SA_END), &r->end) < 0 ||
	    sacct_energy(hr, sa_get(sa, SA_ENERGY), &r->energy_kwh) < 0)
		return -1;
	return hist_finish_times(hr, r, sa->f.v[0].col);
}

static int sacct_line(struct hist_reader *hr, struct sacct *sa, char *line)
{
	const struct hist_field *id, *state;
	const char *status;
	size_t joblen;
	struct job_run *r;

	if (hist_split(hr, line, '|', false, &sa->f) < 0)
		return -1;
	if (sa->f.n == 1 && !*sa->f.v[0].s)
		return 0;
	if (sa->f.n != sa->ncols)
		return hist_fail(hr, 1, "sacct line has %zu fields (the header "
				 "has %zu)", sa->f.n, sa->ncols);
	if (!(id = sa_get(sa, SA_JOBID)) || !(state = sa_get(sa, SA_STATE)))
		return hist_fail(hr, 1, "sacct line lacks JobID or State");
	joblen = strcspn(id->s, ".");
	if (id->s[joblen])
		return sacct_step(hr, sa, id, joblen);
	free(sa->last_job);
	sa->last_job = xstrdup(id->s);
	sa->last_run = -1;
	status = sacct_state(state->s);
	if (status && !*status)
		return hist_fail(hr, state->col, "unknown sacct state '%s'",
				 state->s);
	if (!status)
		return 0;
	r = run_set_push(hr->rs);
	r->id = xstrdup(id->s);
	r->status = xstrdup(status);
	sa->last_run = (long)hr->rs->n - 1;
	if (sacct_fill(hr, sa, r) < 0)
		return -1;
	sa->job_energy = !isnan(r->energy_kwh);
	return 0;
}

int hist_parse_sacct(struct hist_reader *hr)
{
	struct sacct sa = {.last_run = -1};
	char *line = hist_next_line(hr);
	int ret;

	ret = line ? sacct_header(hr, &sa, line) : 0;
	while (!ret && (line = hist_next_line(hr)))
		ret = sacct_line(hr, &sa, line);
	free(sa.f.v);
	free(sa.last_job);
	return ret;
}
