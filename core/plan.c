/*
 * plan.c - the plan document (PLAN.json): what `solve` writes and `report`
 * reads back.
 *
 * The layout is the contract's "Output: a plan" plus a few extensions
 * (plan.signal_source, runtime_quantile and policies; per job profile, runtime_predicted,
 * baseline_emissions_kg, saving_kg and command).  plan_read() is as strict as the
 * other inputs (unknown keys are errors, with positions) but accepts
 * everything plan_write() writes: numbers that are not finite are written
 * as null and read back as NAN, missing times as null.
 */
#include "core/core.h"

#include <jansson.h>
#include <math.h>

void plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->runtime_quantile = (double)NAN;
}

void plan_release(struct plan *p)
{
	free(p->policy);
	free(p->objective);
	free(p->status);
	free(p->signal_source);
	for (size_t i = 0; i < p->npolicies; i++) {
		free(p->policies[i].policy);
		free(p->policies[i].status);
	}
	free(p->policies);
	for (size_t i = 0; i < p->njobs; i++) {
		free(p->jobs[i].id);
		free(p->jobs[i].site);
		free(p->jobs[i].segments);
		free(p->jobs[i].command);
	}
	free(p->jobs);
	for (size_t i = 0; i < p->nunplaced; i++) {
		free(p->unplaced[i].id);
		free(p->unplaced[i].reason);
	}
	free(p->unplaced);
	plan_init(p);
}

static bool valid_status(const char *s)
{
	return !s || !strcmp(s, "optimal") || !strcmp(s, "feasible") ||
	       !strcmp(s, "infeasible");
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

/* Whole numbers as JSON integers, others as reals, non-finite as null. */
static json_t *jnum(double x)
{
	if (!isfinite(x))
		return json_null();
	if (x == floor(x) && fabs(x) < 9007199254740992.0)
		return json_integer((json_int_t)x);
	return json_real(x);
}

static json_t *jtime(gs_time t)
{
	char buf[GS_TIME_BUFSZ];

	if (t == GS_TIME_NONE)
		return json_null();
	return json_string(time_format(t, buf));
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void set(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v ? v : json_null());
}

/* The totals a plan and each of its policies carry. */
static void set_totals(json_t *o, double energy_kwh, double emissions_kg,
		       double cost, double baseline_emissions_kg)
{
	set(o, "energy_kwh", jnum(energy_kwh));
	set(o, "emissions_kg", jnum(emissions_kg));
	set(o, "cost", jnum(cost));
	set(o, "baseline_emissions_kg", jnum(baseline_emissions_kg));
}

static json_t *policies_json(const struct plan *p)
{
	json_t *list = json_array();

	for (size_t i = 0; i < p->npolicies; i++) {
		const struct plan_policy *e = &p->policies[i];
		json_t *o = json_object();

		set(o, "policy", jstr(e->policy));
		set(o, "oracle", json_boolean(e->oracle));
		set(o, "status", jstr(e->status));
		set_totals(o, e->energy_kwh, e->emissions_kg, e->cost,
			   e->baseline_emissions_kg);
		set(o, "placed", json_integer((json_int_t)e->placed));
		set(o, "unplaced", json_integer((json_int_t)e->unplaced));
		json_array_append_new(list, o);
	}
	return list;
}

static json_t *plan_header(const struct plan *p)
{
	json_t *o = json_object();
	char slot[64];

	set(o, "policy", jstr(p->policy));
	set(o, "objective", jstr(p->objective));
	set(o, "status", jstr(p->status));
	set(o, "slot", json_string(duration_format(p->slot_s, slot,
						   sizeof(slot))));
	set(o, "start", jtime(p->start));
	set(o, "end", jtime(p->end));
	set(o, "oracle", json_boolean(p->oracle));
	set(o, "objective_value", jnum(p->objective_value));
	set(o, "bound", jnum(p->bound));
	set(o, "gap", jnum(p->gap));
	set(o, "solve_seconds", jnum(p->solve_seconds));
	if (p->signal_source)
		set(o, "signal_source", json_string(p->signal_source));
	if (isfinite(p->runtime_quantile))
		set(o, "runtime_quantile", jnum(p->runtime_quantile));
	if (p->npolicies)
		set(o, "policies", policies_json(p));
	return o;
}

static json_t *plan_totals(const struct plan *p)
{
	json_t *o = json_object();

	set_totals(o, p->energy_kwh, p->emissions_kg, p->cost,
		   p->baseline_emissions_kg);
	return o;
}

static json_t *plan_job_json(const struct plan_job *j)
{
	json_t *o = json_object(), *segs = json_array();

	set(o, "id", jstr(j->id));
	set(o, "site", jstr(j->site));
	set(o, "start", jtime(j->start));
	set(o, "end", jtime(j->end));
	for (size_t i = 0; i < j->nsegments; i++) {
		json_t *s = json_object();
		set(s, "start", jtime(j->segments[i].start));
		set(s, "end", jtime(j->segments[i].end));
		json_array_append_new(segs, s);
	}
	set(o, "segments", segs);
	set(o, "runtime_s", jnum(j->runtime_s));
	set(o, "energy_kwh", jnum(j->energy_kwh));
	set(o, "emissions_kg", jnum(j->emissions_kg));
	set(o, "cost", jnum(j->cost));
	set(o, "baseline_emissions_kg", jnum(j->baseline_emissions_kg));
	set(o, "saving_kg", jnum(j->baseline_emissions_kg - j->emissions_kg));
	set(o, "profile", json_integer(j->profile));
	set(o, "runtime_predicted", json_boolean(j->runtime_predicted));
	if (j->command)
		set(o, "command", json_string(j->command));
	return o;
}

static json_t *plan_json(const struct plan *p)
{
	json_t *root = json_object(), *jobs = json_array(),
	       *unplaced = json_array();

	set(root, "plan", plan_header(p));
	set(root, "totals", plan_totals(p));
	for (size_t i = 0; i < p->njobs; i++)
		json_array_append_new(jobs, plan_job_json(&p->jobs[i]));
	set(root, "jobs", jobs);
	for (size_t i = 0; i < p->nunplaced; i++) {
		json_t *u = json_object();
		set(u, "id", jstr(p->unplaced[i].id));
		set(u, "reason", jstr(p->unplaced[i].reason));
		json_array_append_new(unplaced, u);
	}
	set(root, "unplaced", unplaced);
	return root;
}

int plan_write(const struct plan *p, const char *path, struct errmsg *err)
{
	json_t *root;
	char *text;
	struct strbuf sb;
	int r;

	if (!valid_status(p->status))
		return err_set(err, "invalid plan status '%s' (want optimal, "
			       "feasible or infeasible)", p->status);
	root = plan_json(p);
	text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
	json_decref(root);
	if (!text)
		return err_set(err, "cannot format the plan for '%s'", path);
	strbuf_init(&sb);
	strbuf_addstr(&sb, text);
	strbuf_addch(&sb, '\n');
	free(text);
	r = file_write_atomic(path, sb.buf, sb.len, err);
	strbuf_release(&sb);
	return r;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/* A string member that may be null (NULL) into a fresh copy. */
static int read_str(struct json_doc *d, json_t *o, const char *key,
		    unsigned flags, char **out)
{
	const char *s = NULL;
	int r = json_doc_string(d, o, key, flags | JD_NULL, &s);

	if (r < 0)
		return -1;
	*out = s ? xstrdup(s) : NULL;
	return 0;
}

static int read_num(struct json_doc *d, json_t *o, const char *key,
		    unsigned flags, double *out)
{
	*out = (double)NAN;
	return json_doc_number(d, o, key, flags | JD_NULL, out) < 0 ? -1 : 0;
}

static int read_time(struct json_doc *d, json_t *o, const char *key,
		     gs_time *out)
{
	*out = GS_TIME_NONE;
	return json_doc_time(d, o, key, JD_REQUIRED | JD_NULL, out) < 0 ? -1
									 : 0;
}

static int read_status(struct json_doc *d, json_t *o, struct plan *p)
{
	if (read_str(d, o, "status", JD_REQUIRED, &p->status) < 0)
		return -1;
	if (valid_status(p->status))
		return 0;
	json_doc_push_key(d, "status");
	return json_doc_fail(d, 0, "want optimal, feasible or infeasible",
			     "'%s': invalid status '%s'", json_doc_field(d),
			     p->status);
}

/* A quantile, when given, lies strictly between 0 and 1. */
static int read_quantile(struct json_doc *d, json_t *o, struct plan *p)
{
	double q;

	if (read_num(d, o, "runtime_quantile", 0, &p->runtime_quantile) < 0)
		return -1;
	q = p->runtime_quantile;
	if (isnan(q) || (q > 0 && q < 1))
		return 0;
	json_doc_push_key(d, "runtime_quantile");
	return json_doc_fail(d, 0, "want a quantile above 0 and below 1, "
			     "e.g. 0.9", "'%s': invalid quantile %g",
			     json_doc_field(d), q);
}

/* The four totals, each required (set_totals()). */
static int read_totals_of(struct json_doc *d, json_t *o, double *energy_kwh,
			  double *emissions_kg, double *cost,
			  double *baseline_emissions_kg)
{
	if (read_num(d, o, "energy_kwh", JD_REQUIRED, energy_kwh) < 0 ||
	    read_num(d, o, "emissions_kg", JD_REQUIRED, emissions_kg) < 0 ||
	    read_num(d, o, "cost", JD_REQUIRED, cost) < 0 ||
	    read_num(d, o, "baseline_emissions_kg", JD_REQUIRED,
		     baseline_emissions_kg) < 0)
		return -1;
	return 0;
}

/* A count of jobs: a whole number from 0 to a billion. */
static int read_count(struct json_doc *d, json_t *o, const char *key,
		      size_t *out)
{
	double x;

	if (json_doc_number(d, o, key, JD_REQUIRED | JD_NONNEG, &x) < 0)
		return -1;
	if (x == floor(x) && x <= 1e9) {
		*out = (size_t)x;
		return 0;
	}
	json_doc_push_key(d, key);
	return json_doc_fail(d, 0, NULL, "'%s' must be a whole number of jobs",
			     json_doc_field(d));
}

static int read_policy(struct json_doc *d, json_t *o, struct plan_policy *e)
{
	static const char *const keys[] = {
		"policy", "oracle", "status", "emissions_kg", "energy_kwh",
		"cost", "baseline_emissions_kg", "placed", "unplaced", NULL,
	};

	if (!json_is_object(o))
		return json_doc_fail(d, 0, NULL, "'%s' must be an object",
				     json_doc_field(d));
	if (json_doc_check_keys(d, o, keys) < 0 ||
	    read_str(d, o, "policy", JD_REQUIRED | JD_NONEMPTY,
		     &e->policy) < 0 ||
	    json_doc_bool(d, o, "oracle", JD_REQUIRED, &e->oracle) < 0 ||
	    read_str(d, o, "status", JD_REQUIRED, &e->status) < 0 ||
	    read_totals_of(d, o, &e->energy_kwh, &e->emissions_kg, &e->cost,
			   &e->baseline_emissions_kg) < 0 ||
	    read_count(d, o, "placed", &e->placed) < 0 ||
	    read_count(d, o, "unplaced", &e->unplaced) < 0)
		return -1;
	return 0;
}

/* plan.policies: the other policies solved with this plan (optional). */
static int read_policies(struct json_doc *d, json_t *hdr, struct plan *p)
{
	json_t *list, *o;
	size_t i;
	int r = json_doc_array(d, hdr, "policies", JD_NULL, &list);

	if (r)
		return r < 0 ? -1 : 0;
	ALLOC_GROW(p->policies, json_array_size(list), p->alloc_policies);
	json_array_foreach(list, i, o) {
		struct plan_policy *e = &p->policies[i];

		json_doc_push_index(d, i);
		memset(e, 0, sizeof(*e));
		p->npolicies++;
		if (read_policy(d, o, e) < 0)
			return -1;
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

static int read_header(struct json_doc *d, struct plan *p)
{
	static const char *const keys[] = {
		"policy", "objective", "status", "slot", "start", "end",
		"oracle", "objective_value", "bound", "gap", "solve_seconds",
		"signal_source", "runtime_quantile", "policies", NULL,
	};
	json_t *o;
	int r;

	if (json_doc_object(d, d->root, "plan", JD_REQUIRED, &o) < 0)
		return -1;
	r = json_doc_check_keys(d, o, keys);
	if (!r)
		r = read_str(d, o, "policy", JD_REQUIRED, &p->policy);
	if (!r)
		r = read_str(d, o, "objective", JD_REQUIRED, &p->objective);
	if (!r)
		r = read_status(d, o, p);
	if (!r)
		r = json_doc_duration(d, o, "slot", JD_REQUIRED, &p->slot_s);
	if (!r)
		r = read_time(d, o, "start", &p->start);
	if (!r)
		r = read_time(d, o, "end", &p->end);
	if (!r)
		r = json_doc_bool(d, o, "oracle", JD_REQUIRED, &p->oracle);
	if (!r)
		r = read_num(d, o, "objective_value", JD_REQUIRED,
			     &p->objective_value);
	if (!r)
		r = read_num(d, o, "bound", JD_REQUIRED, &p->bound);
	if (!r)
		r = read_num(d, o, "gap", JD_REQUIRED, &p->gap);
	if (!r)
		r = read_num(d, o, "solve_seconds", JD_REQUIRED,
			     &p->solve_seconds);
	if (!r)
		r = read_str(d, o, "signal_source", 0, &p->signal_source);
	if (!r)
		r = read_quantile(d, o, p);
	if (!r)
		r = read_policies(d, o, p);
	json_doc_pop(d);
	return r;
}

static int read_totals(struct json_doc *d, struct plan *p)
{
	static const char *const keys[] = {"energy_kwh", "emissions_kg",
					   "cost", "baseline_emissions_kg",
					   NULL};
	json_t *o;
	int r;

	if (json_doc_object(d, d->root, "totals", JD_REQUIRED, &o) < 0)
		return -1;
	r = json_doc_check_keys(d, o, keys);
	if (!r)
		r = read_totals_of(d, o, &p->energy_kwh, &p->emissions_kg,
				   &p->cost, &p->baseline_emissions_kg);
	json_doc_pop(d);
	return r;
}

static int read_segments(struct json_doc *d, json_t *o, struct plan_job *j)
{
	static const char *const keys[] = {"start", "end", NULL};
	json_t *list, *s;
	size_t i;

	if (json_doc_array(d, o, "segments", JD_REQUIRED, &list) < 0)
		return -1;
	j->segments = xcalloc(json_array_size(list), sizeof(*j->segments));
	json_array_foreach(list, i, s) {
		json_doc_push_index(d, i);
		if (!json_is_object(s))
			return json_doc_fail(d, 0, NULL,
				"'%s' must be an object", json_doc_field(d));
		if (json_doc_check_keys(d, s, keys) < 0 ||
		    read_time(d, s, "start", &j->segments[i].start) < 0 ||
		    read_time(d, s, "end", &j->segments[i].end) < 0)
			return -1;
		j->nsegments++;
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

static int read_profile(struct json_doc *d, json_t *o, struct plan_job *j)
{
	json_t *v = json_object_get(o, "profile");

	if (!v)
		return 0;
	json_doc_push_key(d, "profile");
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 1000000)
		return json_doc_fail(d, 0, NULL,
			"'profile' must be a non-negative integer");
	j->profile = (int)json_integer_value(v);
	json_doc_pop(d);
	return 0;
}

static int read_job(struct json_doc *d, json_t *o, struct plan_job *j)
{
	static const char *const keys[] = {
		"id", "site", "start", "end", "segments", "runtime_s",
		"energy_kwh", "emissions_kg", "cost", "baseline_emissions_kg",
		"saving_kg", "profile", "runtime_predicted", "command", NULL,
	};
	double saving;

	if (json_doc_check_keys(d, o, keys) < 0 ||
	    read_str(d, o, "id", JD_REQUIRED | JD_NONEMPTY, &j->id) < 0 ||
	    read_str(d, o, "site", JD_REQUIRED | JD_NONEMPTY, &j->site) < 0 ||
	    read_time(d, o, "start", &j->start) < 0 ||
	    read_time(d, o, "end", &j->end) < 0 ||
	    read_segments(d, o, j) < 0 ||
	    read_num(d, o, "runtime_s", JD_REQUIRED, &j->runtime_s) < 0 ||
	    read_num(d, o, "energy_kwh", JD_REQUIRED, &j->energy_kwh) < 0 ||
	    read_num(d, o, "emissions_kg", JD_REQUIRED, &j->emissions_kg) < 0 ||
	    read_num(d, o, "cost", JD_REQUIRED, &j->cost) < 0 ||
	    read_num(d, o, "baseline_emissions_kg", 0,
		     &j->baseline_emissions_kg) < 0 ||
	    read_num(d, o, "saving_kg", 0, &saving) < 0 ||
	    read_profile(d, o, j) < 0 ||
	    json_doc_bool(d, o, "runtime_predicted", 0,
			  &j->runtime_predicted) < 0 ||
	    read_str(d, o, "command", 0, &j->command) < 0)
		return -1;
	return 0;
}

/* The "id" of element o for messages: "job 'x'" or "job #3". */
static void subject(struct json_doc *d, const char *what, json_t *o,
		    size_t i)
{
	json_t *id = json_object_get(o, "id");

	strbuf_reset(&d->subject);
	if (json_is_string(id) && json_string_length(id))
		strbuf_addf(&d->subject, "%s '%s'", what,
			    json_string_value(id));
	else
		strbuf_addf(&d->subject, "%s #%zu", what, i + 1);
}

static int read_jobs(struct json_doc *d, struct plan *p)
{
	json_t *list, *o;
	size_t i;

	if (json_doc_array(d, d->root, "jobs", JD_REQUIRED, &list) < 0)
		return -1;
	ALLOC_GROW(p->jobs, json_array_size(list), p->alloc_jobs);
	json_array_foreach(list, i, o) {
		json_doc_push_index(d, i);
		if (!json_is_object(o))
			return json_doc_fail(d, 0, NULL,
				"'%s' must be an object", json_doc_field(d));
		d->base = d->path.depth;
		subject(d, "job", o, i);
		memset(&p->jobs[i], 0, sizeof(p->jobs[i]));
		p->njobs++;
		if (read_job(d, o, &p->jobs[i]) < 0)
			return -1;
		strbuf_reset(&d->subject);
		d->base = 0;
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

static int read_unplaced(struct json_doc *d, struct plan *p)
{
	static const char *const keys[] = {"id", "reason", NULL};
	json_t *list, *o;
	size_t i;

	if (json_doc_array(d, d->root, "unplaced", JD_REQUIRED, &list) < 0)
		return -1;
	ALLOC_GROW(p->unplaced, json_array_size(list), p->alloc_unplaced);
	json_array_foreach(list, i, o) {
		struct plan_unplaced *u = &p->unplaced[i];

		json_doc_push_index(d, i);
		if (!json_is_object(o))
			return json_doc_fail(d, 0, NULL,
				"'%s' must be an object", json_doc_field(d));
		memset(u, 0, sizeof(*u));
		p->nunplaced++;
		if (json_doc_check_keys(d, o, keys) < 0 ||
		    read_str(d, o, "id", JD_REQUIRED | JD_NONEMPTY, &u->id) < 0 ||
		    read_str(d, o, "reason", JD_REQUIRED, &u->reason) < 0)
			return -1;
		json_doc_pop(d);
	}
	json_doc_pop(d);
	return 0;
}

static int plan_parse(struct json_doc *d, struct plan *p)
{
	static const char *const keys[] = {"plan", "totals", "jobs",
					   "unplaced", NULL};

	if (!json_is_object(d->root))
		return json_doc_fail(d, 0, NULL,
			"a plan must be an object {\"plan\": ..., "
			"\"jobs\": [...], ...}");
	if (json_doc_check_keys(d, d->root, keys) < 0 ||
	    read_header(d, p) < 0 || read_totals(d, p) < 0 ||
	    read_jobs(d, p) < 0 || read_unplaced(d, p) < 0)
		return -1;
	return 0;
}

int plan_read(struct plan *p, const char *path, struct errmsg *err)
{
	struct json_doc d;
	int r;

	plan_init(p);
	r = json_doc_load(&d, path, err);
	if (!r)
		r = plan_parse(&d, p);
	json_doc_release(&d);
	if (r < 0)
		plan_release(p);
	return r;
}
