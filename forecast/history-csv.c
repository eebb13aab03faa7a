/*
 * history-csv.c - greenslot's own run histories (CSV with a header, JSON
 * Lines) and the metrics rows of simple executors
 * (job_id,n,p,queue_wait_s,duration_s,start_time,end_time,success).
 *
 * CSV and JSON Lines share one table of fields, so both accept the same
 * names with the same checks: a JSON value is checked for its type, turned
 * into the text a CSV cell would hold and set through the same code.
 * Unknown columns and keys are errors, like unknown keys anywhere else.
 */
#include "forecast/history.h"

#include <jansson.h>
#include <math.h>
#include <stddef.h>

enum col_kind {
	K_TEXT, K_NUM, K_POS, K_TIME, K_JSON, K_STATUS,
	K_CPUS, K_WAIT, K_SUCCESS,
};

struct col_def {
	const char *name;
	enum col_kind kind;
	size_t off; /* into struct job_run */
};

#define RUN_AT(f) offsetof(struct job_run, f)

static const struct col_def greenslot_cols[] = {
	{"id", K_TEXT, RUN_AT(id)},
	{"runtime_s", K_NUM, RUN_AT(runtime_s)},
	{"start", K_TIME, RUN_AT(start)},
	{"end", K_TIME, RUN_AT(end)},
	{"submit", K_TIME, RUN_AT(submit)},
	{"unit", K_TEXT, RUN_AT(unit)},
	{"quantity", K_POS, RUN_AT(quantity)},
	{"site", K_TEXT, RUN_AT(site)},
	{"resources", K_JSON, RUN_AT(resources)},
	{"features", K_JSON, RUN_AT(features)},
	{"energy_kwh", K_NUM, RUN_AT(energy_kwh)},
	{"status", K_STATUS, RUN_AT(status)},
	{"user", K_TEXT, RUN_AT(user)},
	{"executable", K_TEXT, RUN_AT(executable)},
	{"queue", K_TEXT, RUN_AT(queue)},
	{"requested_s", K_POS, RUN_AT(requested_s)},
	{NULL, K_TEXT, 0},
};

static const struct col_def executor_cols[] = {
	{"job_id", K_TEXT, RUN_AT(id)},
	{"n", K_POS, RUN_AT(quantity)},
	{"p", K_CPUS, RUN_AT(resources)},
	{"queue_wait_s", K_WAIT, 0},
	{"duration_s", K_NUM, RUN_AT(runtime_s)},
	{"start_time", K_TIME, RUN_AT(start)},
	{"end_time", K_TIME, RUN_AT(end)},
	{"success", K_SUCCESS, RUN_AT(status)},
	{NULL, K_TEXT, 0},
};

static const char *const statuses[] = {
	"completed", "failed", "timeout", "cancelled", "oom", "node_fail",
	"unknown", NULL,
};

/* One row being read: the run, and the queue wait until it is placed. */
struct row {
	struct job_run *r;
	double wait;
	bool has_id, has_runtime;
};

static int set_json(struct hist_reader *hr, const struct hist_field *f,
		    char **out)
{
	json_error_t je;
	json_t *v = json_loads(f->s, JSON_REJECT_DUPLICATES, &je);

	if (!v || !json_is_object(v)) {
		json_decref(v);
		return hist_fail(hr, f->col, "invalid JSON object '%s'", f->s);
	}
	*out = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(v);
	return 0;
}

static int set_status(struct hist_reader *hr, const struct hist_field *f,
		      char **out)
{
	for (size_t i = 0; statuses[i]; i++)
		if (!strcmp(f->s, statuses[i])) {
			*out = xstrdup(f->s);
			return 0;
		}
	return hist_fail(hr, f->col, "unknown status '%s' (want completed, "
			 "failed, timeout, cancelled, oom, node_fail or "
			 "unknown)", f->s);
}

static int set_success(struct hist_reader *hr, const struct hist_field *f,
		       char **out)
{
	if (!strcmp(f->s, "1") || !strcmp(f->s, "true") ||
	    !strcmp(f->s, "True"))
		*out = xstrdup("completed");
	else if (!strcmp(f->s, "0") || !strcmp(f->s, "false") ||
		 !strcmp(f->s, "False"))
		*out = xstrdup("failed");
	else
		return hist_fail(hr, f->col, "invalid success '%s' (want "
				 "true or false)", f->s);
	return 0;
}

static int set_number(struct hist_reader *hr, const struct col_def *c,
		      const struct hist_field *f, double *out)
{
	if (hist_number(hr, f, out) < 0)
		return -1;
	if (*out < 0 || (c->kind != K_NUM && *out == 0 && c->kind != K_WAIT))
		return hist_fail(hr, f->col, "'%s' must be %s", c->name,
				 c->kind == K_NUM || c->kind == K_WAIT
					 ? "non-negative" : "positive");
	return 0;
}

/* Sets one field of a row from its text (an empty cell is absent). */
static int set_cell(struct hist_reader *hr, const struct col_def *c,
		    const struct hist_field *f, struct row *row)
{
	/* via void *: the offsets come from offsetof, so aligned */
	void *at = (char *)row->r + c->off;
	double v;

	if (!*f->s)
		return 0;
	switch (c->kind) {
	case K_TEXT:
		*(char **)at = xstrdup(f->s);
		row->has_id |= c->off == RUN_AT(id);
		return 0;
	case K_NUM:
	case K_POS:
		row->has_runtime |= c->off == RUN_AT(runtime_s);
		return set_number(hr, c, f, (double *)at);
	case K_TIME:
		return hist_time(hr, f, (gs_time *)at);
	case K_JSON:
		return set_json(hr, f, (char **)at);
	case K_STATUS:
		return set_status(hr, f, (char **)at);
	case K_SUCCESS:
		return set_success(hr, f, (char **)at);
	case K_WAIT:
		return set_number(hr, c, f, &row->wait);
	case K_CPUS:
		if (set_number(hr, c, f, &v) < 0)
			return -1;
		row->r->resources = hist_resources_json("cpu", v);
		return 0;
	}
	return 0;
}

/* Checks what a row needs once all its fields are set. */
static int finish_row(struct hist_reader *hr, struct row *row, int col)
{
	struct job_run *r = row->r;

	if (!row->has_id)
		return hist_fail(hr, col, "missing 'id'");
	if (!row->has_runtime &&
	    (r->start == GS_TIME_NONE || r->end == GS_TIME_NONE))
		return hist_fail(hr, col, "run '%s' needs 'runtime_s' or "
				 "'start' and 'end'", r->id);
	if (!isnan(row->wait) && r->start != GS_TIME_NONE &&
	    r->submit == GS_TIME_NONE)
		r->submit = r->start - (gs_time)llround(row->wait);
	return hist_finish_times(hr, r, col);
}

static const struct col_def *find_col(const struct col_def *cols,
				      const char *name)
{
	for (; cols->name; cols++)
		if (!strcmp(cols->name, name))
			return cols;
	return NULL;
}

static void row_start(struct hist_reader *hr, struct row *row)
{
	row->r = run_set_push(hr->rs);
	row->wait = (double)NAN;
	row->has_id = row->has_runtime = false;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

/* Drops the blanks around a field: "job_id, n, p" names n and p. */
static void trim_field(struct hist_field *f)
{
	size_t n;

	while (*f->s == ' ' || *f->s == '\t') {
		f->s++;
		f->col++;
	}
	n = strlen(f->s);
	while (n && (f->s[n - 1] == ' ' || f->s[n - 1] == '\t'))
		f->s[--n] = '\0';
}

static int csv_header(struct hist_reader *hr, const struct col_def *cols,
		      struct hist_fields *f, const struct col_def ***map)
{
	*map = xcalloc(f->n, sizeof(**map));
	for (size_t i = 0; i < f->n; i++) {
		const struct col_def *c;
		trim_field(&f->v[i]);
		c = find_col(cols, f->v[i].s);
		if (!c)
			return hist_fail(hr, f->v[i].col, "unknown column "
					 "'%s'", f->v[i].s);
		for (size_t k = 0; k < i; k++)
			if ((*map)[k] == c)
				return hist_fail(hr, f->v[i].col,
						 "duplicate column '%s'",
						 f->v[i].s);
		(*map)[i] = c;
	}
	return 0;
}

/* A row; an executor's cells may have blanks around them, as its header. */
static int csv_row(struct hist_reader *hr, const struct col_def **map,
		   size_t ncols, struct hist_fields *f, bool executor)
{
	struct row row;

	if (f->n != ncols)
		return hist_fail(hr, 1, "%zu fields (the header has %zu)",
				 f->n, ncols);
	row_start(hr, &row);
	for (size_t i = 0; i < ncols; i++) {
		if (executor)
			trim_field(&f->v[i]);
		if (set_cell(hr, map[i], &f->v[i], &row) < 0)
			return -1;
	}
	return finish_row(hr, &row, 1);
}

int hist_parse_csv(struct hist_reader *hr, bool executor)
{
	struct hist_fields f = {0};
	const struct col_def **map = NULL;
	size_t ncols;
	char *line = hist_next_line(hr);
	int ret = 0;

	if (!line || hist_split(hr, line, ',', true, &f) < 0 ||
	    csv_header(hr, executor ? executor_cols : greenslot_cols, &f,
		       &map) < 0) {
		ret = -1;
		goto out;
	}
	ncols = f.n;
	while (!ret && (line = hist_next_line(hr))) {
		if (!*line)
			continue;
		ret = hist_split(hr, line, ',', true, &f);
		if (!ret)
			ret = csv_row(hr, map, ncols, &f, executor);
	}
out:
	free(map);
	free(f.v);
	return ret;
}

/* ------------------------------------------------------------------ */
/* JSON Lines                                                          */
/* ------------------------------------------------------------------ */

static bool json_type_ok(enum col_kind kind, json_t *v, bool is_id)
{
	switch (kind) {
	case K_TEXT:
		return json_is_string(v) || (is_id && json_is_integer(v));
	case K_STATUS:
		return json_is_string(v);
	case K_TIME:
		return json_is_string(v) || json_is_number(v);
	case K_JSON:
		return json_is_object(v);
	default:
		return json_is_number(v);
	}
}

/* The text a CSV cell would hold for v. */
static char *json_as_text(json_t *v)
{
	struct strbuf sb;

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v)) {
		strbuf_init(&sb);
		strbuf_addf(&sb, "%lld", (long long)json_integer_value(v));
		return strbuf_detach(&sb);
	}
	if (json_is_real(v)) {
		strbuf_init(&sb);
		strbuf_addf(&sb, "%.17g", json_real_value(v));
		return strbuf_detach(&sb);
	}
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
}

static int jsonl_field(struct hist_reader *hr, const char *line,
		       const char *key, json_t *v, struct row *row)
{
	struct json_path path = {.depth = 1};
	const struct col_def *c = find_col(greenslot_cols, key);
	struct hist_field f;
	int l, col, ret;

	path.step[0].key = key;
	json_locate(line, &path, &l, &col);
	if (!c) {
		json_locate_key(line, &path, &l, &col);
		return hist_fail(hr, col, "unknown key '%s'", key);
	}
	if (json_is_null(v))
		return 0;
	if (!json_type_ok(c->kind, v, c->off == RUN_AT(id)))
		return hist_fail(hr, col, "wrong type for '%s'", key);
	f.s = json_as_text(v);
	f.col = col;
	ret = set_cell(hr, c, &f, row);
	free(f.s);
	return ret;
}

static int jsonl_line(struct hist_reader *hr, const char *line)
{
	json_error_t je;
	json_t *obj = json_loads(line, JSON_REJECT_DUPLICATES, &je);
	const char *key;
	json_t *v;
	struct row row;
	int ret = 0;

	if (!obj)
		return hist_fail(hr, je.column > 0 ? je.column : 1,
				 "invalid JSON: %s", je.text);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return hist_fail(hr, 1, "a run must be a JSON object");
	}
	row_start(hr, &row);
	json_object_foreach(obj, key, v) {
		if ((ret = jsonl_field(hr, line, key, v, &row)) < 0)
			break;
	}
	json_decref(obj);
	return ret < 0 ? -1 : finish_row(hr, &row, 1);
}

int hist_parse_jsonl(struct hist_reader *hr)
{
	char *line;
	int ret = 0;

	while (!ret && (line = hist_next_line(hr)))
		if (strspn(line, " \t") < strlen(line))
			ret = jsonl_line(hr, line);
	return ret;
}
