/*
 * metrics.c - Prometheus metrics in the node exporter's textfile-collector
 * format, for `ingest`, `solve` and `run` run from cron or timers.
 *
 * The file is rewritten whole and atomically each run (the collector may
 * read it at any moment).  Every metric is a gauge.  A failed run keeps
 * the last success time of the previous file, so an alert on its age
 * keeps working; ingest takes its per-feed figures from the store's
 * ingest_run log, which already survives failed runs.
 */
#include "core/core.h"

#include <math.h>

struct metric_sample {
	char *name, *help, *labels;
	double v;
};

void metrics_init(struct metrics *m)
{
	memset(m, 0, sizeof(*m));
}

void metrics_release(struct metrics *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->s[i].name);
		free(m->s[i].help);
		free(m->s[i].labels);
	}
	free(m->s);
	memset(m, 0, sizeof(*m));
}

/* A label value with \, " and newline escaped as the format wants. */
static void label_value(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			strbuf_addch(out, '\\');
		if (*s == '\n')
			strbuf_addstr(out, "\\n");
		else
			strbuf_addch(out, *s);
	}
}

void metrics_add(struct metrics *m, const char *name, const char *help,
		 const char *label, const char *value, double v)
{
	struct metric_sample *s;
	struct strbuf lb;

	strbuf_init(&lb);
	if (label) {
		strbuf_addf(&lb, "{%s=\"", label);
		label_value(&lb, value);
		strbuf_addstr(&lb, "\"}");
	}
	ALLOC_GROW(m->s, m->n + 1, m->alloc);
	s = &m->s[m->n++];
	s->name = xstrdup(name);
	s->help = xstrdup(help);
	s->labels = strbuf_detach(&lb);
	s->v = v;
}

/* The value of an unlabelled sample NAME in the text of a metrics file. */
static bool find_sample(const char *text, const char *name, double *v)
{
	size_t n = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p += !!p) {
		char *end;
		if (strncmp(p, name, n) || p[n] != ' ')
			continue;
		*v = strtod(p + n + 1, &end);
		return end != p + n + 1;
	}
	return false;
}

void metrics_finish(struct metrics *m, const char *prefix, bool ok,
		    gs_time now, const char *path)
{
	struct strbuf name, old;
	double last = (double)NAN;

	strbuf_init(&name);
	strbuf_init(&old);
	strbuf_addf(&name, "%s_success", prefix);
	metrics_add(m, name.buf, "1 if the last run succeeded, else 0",
		    NULL, NULL, ok);
	strbuf_reset(&name);
	strbuf_addf(&name, "%s_last_run_timestamp_seconds", prefix);
	metrics_add(m, name.buf, "when the last run ended (Unix time)", NULL,
		    NULL, (double)now);
	strbuf_reset(&name);
	strbuf_addf(&name, "%s_last_success_timestamp_seconds", prefix);
	if (ok)
		last = (double)now;
	else if (strbuf_read_file(&old, path, 1 << 20) < 0 ||
		 !find_sample(old.buf, name.buf, &last))
		last = (double)NAN;
	if (!isnan(last))
		metrics_add(m, name.buf, "when a run last succeeded (Unix "
			    "time)", NULL, NULL, last);
	strbuf_release(&name);
	strbuf_release(&old);
}

static void format_value(struct strbuf *out, double v)
{
	if (isnan(v))
		strbuf_addstr(out, "NaN");
	else if (v == floor(v) && fabs(v) < 1e15)
		strbuf_addf(out, "%.0f", v);
	else
		strbuf_addf(out, "%.9g", v);
}

int metrics_write(const struct metrics *m, const char *path,
		  struct errmsg *err)
{
	struct strbuf out;
	bool *done = xcalloc(m->n + 1, sizeof(bool));
	int r;

	strbuf_init(&out);
	/* the format wants each metric's samples together, under one HELP */
	for (size_t i = 0; i < m->n; i++) {
		if (done[i])
			continue;
		strbuf_addf(&out, "# HELP %s %s\n# TYPE %s gauge\n",
			    m->s[i].name, m->s[i].help, m->s[i].name);
		for (size_t k = i; k < m->n; k++) {
			if (done[k] || strcmp(m->s[k].name, m->s[i].name))
				continue;
			done[k] = true;
			strbuf_addf(&out, "%s%s ", m->s[k].name,
				    m->s[k].labels);
			format_value(&out, m->s[k].v);
			strbuf_addch(&out, '\n');
		}
	}
	r = file_write_atomic(path, out.buf, out.len, err);
	strbuf_release(&out);
	free(done);
	return r;
}

/* ------------------------------------------------------------------ */
/* What each command reports                                           */
/* ------------------------------------------------------------------ */

int metrics_solve(const struct plan *p, const char *path, bool ok,
		  struct errmsg *err)
{
	struct metrics m;
	int r;

	metrics_init(&m);
	if (ok) {
		const char *pol = p->policy ? p->policy : "";
		metrics_add(&m, "greenslot_solve_emissions_kg", "planned "
			    "emissions of the last plan (kg CO2eq)", "policy",
			    pol, p->emissions_kg);
		metrics_add(&m, "greenslot_solve_baseline_emissions_kg",
			    "baseline emissions of the same jobs (kg CO2eq)",
			    "policy", pol, p->baseline_emissions_kg);
		metrics_add(&m, "greenslot_solve_savings_kg", "baseline "
			    "minus planned emissions (kg CO2eq)", "policy",
			    pol, p->baseline_emissions_kg - p->emissions_kg);
		metrics_add(&m, "greenslot_solve_jobs", "jobs of the last "
			    "plan", "placement", "placed", (double)p->njobs);
		metrics_add(&m, "greenslot_solve_jobs", "jobs of the last "
			    "plan", "placement", "unplaced",
			    (double)p->nunplaced);
		metrics_add(&m, "greenslot_solve_seconds", "time the policy "
			    "took (s)", NULL, NULL, p->solve_seconds);
	}
	metrics_finish(&m, "greenslot_solve", ok, time_now(), path);
	r = metrics_write(&m, path, err);
	metrics_release(&m);
	return r;
}

/* One feed's samples, gathered over its runs in the ingest log. */
struct feed_state {
	struct metrics *m;
	char *feed;      /* NULL before the first run */
	bool last_ok;
	size_t last_points;
	gs_time last_success; /* GS_TIME_NONE: never */
};

static void feed_emit(struct feed_state *f)
{
	if (!f->feed)
		return;
	metrics_add(f->m, "greenslot_ingest_feed_success", "1 if the feed's "
		    "last ingest succeeded", "feed", f->feed, f->last_ok);
	metrics_add(f->m, "greenslot_ingest_points", "points the feed's last "
		    "ingest read", "feed", f->feed, (double)f->last_points);
	if (f->last_success != GS_TIME_NONE)
		metrics_add(f->m, "greenslot_ingest_feed_last_success_"
			    "timestamp_seconds", "when the feed was last "
			    "ingested without error (Unix time)", "feed",
			    f->feed, (double)f->last_success);
	free(f->feed);
	f->feed = NULL;
}

static int feed_run(const struct store_ingest_run *r, void *ctx)
{
	struct feed_state *f = ctx;

	if (!f->feed || strcmp(f->feed, r->feed)) {
		feed_emit(f);
		f->feed = xstrdup(r->feed);
		f->last_success = GS_TIME_NONE;
	}
	f->last_ok = r->ok;
	f->last_points = r->points;
	if (r->ok && (f->last_success == GS_TIME_NONE ||
		      r->finished > f->last_success))
		f->last_success = r->finished;
	return 0;
}

/* Per feed, from the ingest log: its last run and its last success. */
static int feed_samples(struct store *st, struct metrics *m,
			struct errmsg *err)
{
	struct feed_state f = {m, NULL, false, 0, GS_TIME_NONE};
	int ret = store_each_ingest_run(st, feed_run, &f, err);

	if (ret == 0)
		feed_emit(&f);
	free(f.feed);
	return ret;
}

int metrics_ingest(struct store *st, const char *path, bool ok,
		   struct errmsg *err)
{
	struct metrics m;
	int r;

	metrics_init(&m);
	r = feed_samples(st, &m, err);
	metrics_finish(&m, "greenslot_ingest", ok, time_now(), path);
	if (!r)
		r = metrics_write(&m, path, err);
	metrics_release(&m);
	return r;
}
