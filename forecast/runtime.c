/*
 * runtime.c - the features of the runtime predictors, computed online.
 *
 * Why online: the strongest predictors of a job's runtime in HPC logs are
 * the runtimes of the same user's (and executable's) latest runs, and the
 * only honest way to use them is to know, at each submit, exactly the
 * runs that had ended by then.  The same replay makes the categorical
 * fields numeric (ordered target statistics, as CatBoost does): a row
 * sees the mean target of earlier runs with the same user, executable,
 * queue, site or unit, never its own label, so the encoding cannot leak
 * the answer into training and needs no separate fit.
 *
 * A run counts from when it ended: its end, else start + runtime, else
 * submit + runtime (end_of()).
 *
 * Which runs teach: completed ones, and timeouts, whose runtime is the
 * limit they were killed at: a lower bound of what the job wanted, but
 * exactly how long such a job holds its slot, which is what a plan needs.
 * Failed, cancelled, out-of-memory and node-failure runs stopped for
 * reasons unrelated to the work and are neither trained on nor counted
 * in the history; only the calibration (runtime-model.c) counts them.
 */
#include "forecast/forecast.h"

#include <jansson.h>
#include <math.h>

/* Statistics of the finished runs sharing one key. */
struct rt_stat {
	char *key;
	size_t n;
	double sum, last, prev;
	double req_sum, req_last; /* log(runtime / requested) */
	size_t req_n;
	double watt_sum;          /* mean power of runs with energy_kwh */
	size_t watt_n;
};

/* Open addressing on an FNV-1a hash; grows at half full. */
struct rt_hist {
	struct rt_stat *slots;
	size_t cap, used;
};

static const char *const feature_names[RTF_N] = {
	"log_requested_per_unit", "log_cores", "log_quantity", "hour",
	"weekday", "user_exe_last", "user_exe_last2", "user_exe_mean",
	"user_exe_n", "user_exe_req_ratio", "user_last", "user_last2",
	"user_mean",
	"user_n", "user_req_ratio", "exe_mean", "queue_mean", "site_mean",
	"unit_mean", "features_mean",
};

const char *rt_feature_name(enum rt_feature f)
{
	return feature_names[f];
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct rt_hist *rt_hist_new(void)
{
	struct rt_hist *h = xcalloc(1, sizeof(*h));
	h->cap = 1024;
	h->slots = xcalloc(h->cap, sizeof(*h->slots));
	return h;
}

void rt_hist_free(struct rt_hist *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->cap; i++)
		free(h->slots[i].key);
	free(h->slots);
	free(h);
}

static struct rt_stat *slot_of(const struct rt_hist *h, const char *key)
{
	size_t i = (size_t)fnv1a(key) & (h->cap - 1);
	while (h->slots[i].key && strcmp(h->slots[i].key, key))
		i = (i + 1) & (h->cap - 1);
	return &h->slots[i];
}

static void grow(struct rt_hist *h)
{
	struct rt_stat *old = h->slots;
	size_t oldcap = h->cap;

	h->cap *= 2;
	h->slots = xcalloc(h->cap, sizeof(*h->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*slot_of(h, old[i].key) = old[i];
	free(old);
}

static struct rt_stat *stat_get(struct rt_hist *h, const char *key)
{
	struct rt_stat *s;

	if (2 * (h->used + 1) > h->cap)
		grow(h);
	s = slot_of(h, key);
	if (!s->key) {
		s->key = xstrdup(key);
		h->used++;
	}
	return s;
}

/* Key "KIND\x1fA[\x1fB]" so that fields never collide; NULL if A is. */
static const char *make_key(struct strbuf *sb, char kind, const char *a,
			    const char *b)
{
	if (!a)
		return NULL;
	strbuf_reset(sb);
	strbuf_addch(sb, kind);
	strbuf_addch(sb, '\x1f');
	strbuf_addstr(sb, a);
	if (b) {
		strbuf_addch(sb, '\x1f');
		strbuf_addstr(sb, b);
	}
	return sb->buf;
}

bool rt_usable(const struct job_run *r)
{
	if (!isfinite(r->runtime_s) || r->runtime_s < 0)
		return false;
	return !r->status || !strcmp(r->status, "completed") ||
	       !strcmp(r->status, "timeout") || !strcmp(r->status, "unknown");
}

static double qty_of(const struct job_run *r)
{
	return isfinite(r->quantity) && r->quantity > 0 ? r->quantity : 1;
}

double rt_target(const struct job_run *r)
{
	return log(fmax(r->runtime_s, 1) / qty_of(r));
}

static void stat_add(struct rt_stat *s, double y, double req_ratio)
{
	s->prev = s->n ? s->last : y;
	s->last = y;
	s->sum += y;
	s->n++;
	if (isfinite(req_ratio)) {
		s->req_sum += req_ratio;
		s->req_last = req_ratio;
		s->req_n++;
	}
}

/* Mean power (W) of the user's runs of the executable that report energy. */
static void add_power(struct rt_hist *h, const struct job_run *r)
{
	struct strbuf sb;
	struct rt_stat *s;

	if (!r->user || !isfinite(r->energy_kwh) || !(r->runtime_s > 0))
		return;
	strbuf_init(&sb);
	s = stat_get(h, make_key(&sb, 'U', r->user,
				 r->executable ? r->executable : ""));
	s->watt_sum += r->energy_kwh * 3.6e6 / r->runtime_s;
	s->watt_n++;
	strbuf_release(&sb);
}

void rt_hist_add(struct rt_hist *h, const struct job_run *r)
{
	const char *keys[7];
	struct strbuf sb[7];
	double y, ratio = (double)NAN;

	if (!rt_usable(r))
		return;
	y = rt_target(r);
	if (isfinite(r->requested_s) && r->requested_s > 0)
		ratio = log(fmax(r->runtime_s, 1) / r->requested_s);
	for (int i = 0; i < 7; i++)
		strbuf_init(&sb[i]);
	keys[0] = make_key(&sb[0], 'U', r->user, r->executable ?
				     r->executable : "");
	keys[1] = make_key(&sb[1], 'u', r->user, NULL);
	keys[2] = make_key(&sb[2], 'e', r->executable, NULL);
	keys[3] = make_key(&sb[3], 'q', r->queue, NULL);
	keys[4] = make_key(&sb[4], 's', r->site, NULL);
	keys[5] = make_key(&sb[5], 'n', r->unit, NULL);
	keys[6] = make_key(&sb[6], 'f', r->features, NULL);
	for (int i = 0; i < 7; i++) {
		if (keys[i])
			stat_add(stat_get(h, keys[i]), y, ratio);
		strbuf_release(&sb[i]);
	}
	add_power(h, r);
}

static const struct rt_stat *stat_find(const struct rt_hist *h,
				       const char *key)
{
	const struct rt_stat *s;

	if (!key)
		return NULL;
	s = slot_of(h, key);
	return s->key ? s : NULL;
}

double rt_hist_power(const struct rt_hist *h, const struct job_run *r)
{
	struct strbuf sb;
	const struct rt_stat *s;

	strbuf_init(&sb);
	s = stat_find(h, make_key(&sb, 'U', r->user,
				  r->executable ? r->executable : ""));
	strbuf_release(&sb);
	return s && s->watt_n ? s->watt_sum / (double)s->watt_n : (double)NAN;
}

static float mean_or_nan(const struct rt_stat *s)
{
	return s && s->n ? (float)(s->sum / (double)s->n) : NAN;
}

/* Sum of the counts of a resources object, NAN when there is none. */
static double cores_of(const char *resources)
{
	json_t *o;
	const char *k;
	json_t *v;
	double sum = 0;

	if (!resources || !(o = json_loads(resources, 0, NULL)))
		return (double)NAN;
	json_object_foreach(o, k, v) {
		if (json_is_number(v))
			sum += json_number_value(v);
	}
	json_decref(o);
	return sum > 0 ? sum : (double)NAN;
}

static void user_features(const struct rt_hist *h, const struct job_run *r,
			  float *x)
{
	struct strbuf sb;
	const struct rt_stat *ue, *u;

	strbuf_init(&sb);
	ue = stat_find(h, make_key(&sb, 'U', r->user,
				   r->executable ? r->executable : ""));
	x[RTF_UE_LAST] = ue ? (float)ue->last : NAN;
	x[RTF_UE_LAST2] = ue ? (float)((ue->last + ue->prev) / 2) : NAN;
	x[RTF_UE_MEAN] = mean_or_nan(ue);
	x[RTF_UE_N] = (float)log1p(ue ? (double)ue->n : 0);
	x[RTF_UE_REQ] = ue && ue->req_n ? (float)ue->req_last : NAN;
	u = stat_find(h, make_key(&sb, 'u', r->user, NULL));
	x[RTF_U_LAST] = u ? (float)u->last : NAN;
	x[RTF_U_LAST2] = u ? (float)log((exp(u->last) + exp(u->prev)) / 2)
			   : NAN;
	x[RTF_U_MEAN] = mean_or_nan(u);
	x[RTF_U_N] = (float)log1p(u ? (double)u->n : 0);
	x[RTF_U_REQ] = u && u->req_n ? (float)(u->req_sum / (double)u->req_n)
				     : NAN;
	x[RTF_EXE_MEAN] = mean_or_nan(
		stat_find(h, make_key(&sb, 'e', r->executable, NULL)));
	x[RTF_QUEUE_MEAN] =
		mean_or_nan(stat_find(h, make_key(&sb, 'q', r->queue, NULL)));
	x[RTF_SITE_MEAN] =
		mean_or_nan(stat_find(h, make_key(&sb, 's', r->site, NULL)));
	x[RTF_UNIT_MEAN] =
		mean_or_nan(stat_find(h, make_key(&sb, 'n', r->unit, NULL)));
	x[RTF_FEATURES_MEAN] = mean_or_nan(
		stat_find(h, make_key(&sb, 'f', r->features, NULL)));
	strbuf_release(&sb);
}

void rt_features(const struct rt_hist *h, const struct job_run *r,
		 float *x)
{
	double q = qty_of(r);
	struct gs_tm tm;

	x[RTF_REQ] = isfinite(r->requested_s) && r->requested_s > 0
			     ? (float)log(r->requested_s / q) : NAN;
	x[RTF_CORES] = (float)log(cores_of(r->resources));
	x[RTF_QTY] = isfinite(r->quantity) && r->quantity > 0
			     ? (float)log(r->quantity) : NAN;
	if (r->submit != GS_TIME_NONE) {
		time_to_tm(r->submit, &tm);
		x[RTF_HOUR] = (float)tm.hour;
		x[RTF_WDAY] = (float)tm.wday;
	} else {
		x[RTF_HOUR] = x[RTF_WDAY] = NAN;
	}
	user_features(h, r, x);
}

void rt_features_site(const struct rt_hist *h, const char *site, float *x)
{
	struct strbuf sb;

	strbuf_init(&sb);
	x[RTF_SITE_MEAN] =
		mean_or_nan(stat_find(h, make_key(&sb, 's', site, NULL)));
	strbuf_release(&sb);
}

static int cmp_runs(const void *a, const void *b)
{
	const struct job_run *x = a, *y = b;
	bool xn = x->submit == GS_TIME_NONE, yn = y->submit == GS_TIME_NONE;

	if (xn != yn)
		return xn ? 1 : -1;
	if (x->submit != y->submit)
		return x->submit < y->submit ? -1 : 1;
	return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

void rt_sort_runs(struct job_run *runs, size_t n)
{
	if (n)
		qsort(runs, n, sizeof(*runs), cmp_runs);
}

/* A usable run's end, for the replay's second cursor. */
struct run_end {
	gs_time end;
	size_t idx;
};

static int cmp_end(const void *a, const void *b)
{
	const struct run_end *x = a, *y = b;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * When a run ended: its end, else its start plus its runtime, else its
 * submit plus its runtime (minimal histories give only submit and
 * runtime_s; queue wait unknown, the run counts from its submit on).
 */
static gs_time end_of(const struct job_run *r)
{
	gs_time from = r->start != GS_TIME_NONE ? r->start : r->submit;

	if (r->end != GS_TIME_NONE)
		return r->end;
	if (from == GS_TIME_NONE || !isfinite(r->runtime_s))
		return GS_TIME_NONE;
	return from + (gs_time)fmin(ceil(r->runtime_s), 1e15);
}

static struct run_end *sort_by_end(const struct job_run *runs, size_t n,
				   size_t *m)
{
	struct run_end *e = xmalloc(st_mult(n + 1, sizeof(*e)));

	*m = 0;
	for (size_t i = 0; i < n; i++) {
		gs_time end = end_of(&runs[i]);
		if (end != GS_TIME_NONE && rt_usable(&runs[i]))
			e[(*m)++] = (struct run_end){end, i};
	}
	qsort(e, *m, sizeof(*e), cmp_end);
	return e;
}

void rt_replay(const struct job_run *runs, size_t n, struct rt_hist *h,
	       float *X)
{
	size_t m, k = 0;
	struct run_end *e = sort_by_end(runs, n, &m);

	for (size_t i = 0; i < n; i++) {
		gs_time t = runs[i].submit;
		while (k < m && t != GS_TIME_NONE && e[k].end < t)
			rt_hist_add(h, &runs[e[k++].idx]);
		if (X)
			rt_features(h, &runs[i], &X[i * RTF_N]);
	}
	while (k < m)
		rt_hist_add(h, &runs[e[k++].idx]);
	free(e);
}
