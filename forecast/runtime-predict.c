/*
 * runtime-predict.c - predicting jobs that have not run: a job spec seen
 * as a run, the stored model and run statistics loaded together, and the
 * feature rows turned into runtimes in seconds.
 */
#include "forecast/forecast.h"

#include <jansson.h>
#include <math.h>

int rt_predictor_load_runs(struct rt_predictor *p, struct store *st,
			   struct errmsg *err)
{
	struct run_set rs;

	memset(p, 0, sizeof(*p));
	rt_model_init(&p->model);
	run_set_init(&rs);
	if (store_get_runs(st, &rs.runs, &rs.n, err) < 0)
		return -1;
	rs.alloc = rs.n;
	p->hist = rt_hist_new();
	rt_replay(rs.runs, rs.n, p->hist, NULL);
	p->nruns = rs.n;
	run_set_release(&rs);
	return 0;
}

int rt_predictor_load(struct rt_predictor *p, struct store *st,
		      struct errmsg *err)
{
	int ret = rt_predictor_load_runs(p, st, err);
	return ret < 0 ? ret : rt_model_load(st, &p->model, err);
}

void rt_predictor_release(struct rt_predictor *p)
{
	rt_model_release(&p->model);
	rt_hist_free(p->hist);
	p->hist = NULL;
}

static char *feature_string(json_t *features, const char *key)
{
	json_t *v = json_object_get(features, key);
	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* The features object less what rt_job_as_run() takes out of it. */
static char *other_features(json_t *f)
{
	static const char *const taken[] = {"user", "executable", "queue",
					    "requested_s"};
	json_t *c = json_deep_copy(f);
	char *s;

	for (size_t i = 0; i < ARRAY_SIZE(taken); i++)
		json_object_del(c, taken[i]);
	s = json_object_size(c) ? json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS)
				: NULL;
	json_decref(c);
	return s;
}

static char *profile_resources(const struct catalog *cat,
			       const struct profile *pr)
{
	json_t *o = json_object();
	char *s;

	for (size_t r = 0; r < cat->nresources; r++)
		if (pr->resources[r] > 0)
			json_object_set_new(o, cat->resources[r],
					    json_real(pr->resources[r]));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

void rt_job_as_run(const struct catalog *cat, const struct job *job,
		   size_t profile, const char *site, struct job_run *out)
{
	json_t *f = job->features_json
			    ? json_loads(job->features_json, 0, NULL) : NULL;
	json_t *req = json_object_get(f, "requested_s");

	memset(out, 0, sizeof(*out));
	out->id = xstrdup(job->id);
	out->unit = job->unit ? xstrdup(job->unit) : NULL;
	out->site = site ? xstrdup(site) : NULL;
	out->user = feature_string(f, "user");
	out->executable = feature_string(f, "executable");
	out->queue = feature_string(f, "queue");
	out->features = f ? other_features(f) : NULL;
	out->quantity = job->quantity;
	out->requested_s = json_is_number(req) ? json_number_value(req) : (double)NAN;
	out->runtime_s = out->energy_kwh = (double)NAN;
	out->submit = job->earliest_start;
	out->start = out->end = GS_TIME_NONE;
	out->resources = profile_resources(cat, &job->profiles[profile]);
	json_decref(f);
}

int rt_predict_rows(const struct rt_model *m, const float *X,
		    const double *qty, size_t n, double q, double *p50,
		    double *pq, struct errmsg *err)
{
	double *yhat, off = 0;

	if (pq && rt_model_offset(m, q, &off) < 0)
		return err_set(err, "quantile %g is not calibrated (want "
			       "0.5, 0.8, 0.9, 0.95 or 0.99)", q);
	yhat = xmalloc(st_mult(n + 1, sizeof(double)));
	if (rt_model_predict(m, X, n, yhat, err) < 0) {
		free(yhat);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		double scale = isfinite(qty[i]) && qty[i] > 0 ? qty[i] : 1;
		if (p50)
			p50[i] = exp(yhat[i]) * scale;
		if (pq)
			pq[i] = exp(yhat[i] + off) * scale;
	}
	free(yhat);
	return 0;
}

/* Rows to predict and their features, grown together. */
struct job_rows {
	struct rt_job_pred *v;
	float *X;
	double *qty, *speed; /* speed: what to divide by, 1 or the site's */
	size_t n, alloc, xalloc, qalloc, salloc;
};

/* The rows of one job's profile: its features once, the site's apart. */
static void add_rows(struct job_rows *rows, const struct rt_predictor *p,
		     const struct catalog *cat, const struct jobset *js,
		     size_t j, size_t pr)
{
	const struct job *job = &js->jobs[j];
	struct job_run run;
	float x0[RTF_N];
	double learned;

	rt_job_as_run(cat, job, pr, NULL, &run);
	rt_features(p->hist, &run, x0);
	learned = rt_hist_power(p->hist, &run);
	for (size_t s = 0; s < cat->nsites; s++) {
		float *x;
		ALLOC_GROW(rows->v, rows->n + 1, rows->alloc);
		ALLOC_GROW(rows->X, (rows->n + 1) * RTF_N, rows->xalloc);
		ALLOC_GROW(rows->qty, rows->n + 1, rows->qalloc);
		ALLOC_GROW(rows->speed, rows->n + 1, rows->salloc);
		x = &rows->X[rows->n * RTF_N];
		memcpy(x, x0, sizeof(x0));
		rt_features_site(p->hist, cat->sites[s].id, x);
		rows->qty[rows->n] = run.quantity;
		rows->speed[rows->n] = isnan(x[RTF_SITE_MEAN]) &&
					       cat->sites[s].speed > 0
				       ? cat->sites[s].speed : 1;
		rows->v[rows->n++] = (struct rt_job_pred){
			j, pr, s, job->allowed[s], 0, 0, learned};
	}
	job_run_release(&run);
}

int rt_predict_jobs(const struct rt_predictor *p, const struct catalog *cat,
		    const struct jobset *js, double q, bool missing,
		    struct rt_job_pred **out, size_t *n, struct errmsg *err)
{
	struct job_rows rows = {0};
	double *p50, *pq;
	int ret;

	for (size_t j = 0; j < js->njobs; j++)
		for (size_t pr = 0; pr < js->jobs[j].nprofiles; pr++)
			if (!missing || js->jobs[j].profiles[pr].duration_s < 0)
				add_rows(&rows, p, cat, js, j, pr);
	p50 = xmalloc(st_mult(rows.n + 1, sizeof(double)));
	pq = xmalloc(st_mult(rows.n + 1, sizeof(double)));
	ret = rt_predict_rows(&p->model, rows.X, rows.qty, rows.n, q, p50, pq,
			      err);
	for (size_t i = 0; ret == 0 && i < rows.n; i++) {
		rows.v[i].p50 = p50[i] / rows.speed[i];
		rows.v[i].pq = pq[i] / rows.speed[i];
	}
	free(p50);
	free(pq);
	free(rows.X);
	free(rows.qty);
	free(rows.speed);
	if (ret < 0) {
		free(rows.v);
		return -1;
	}
	*out = rows.v;
	*n = rows.n;
	return 0;
}

double rt_job_power(const struct catalog *cat, const struct job *job,
		    size_t profile, size_t site, double learned_w)
{
	const struct profile *pr = &job->profiles[profile];
	double w = 0;

	if (!isnan(pr->power_w))
		return pr->power_w;
	if (!isnan(learned_w))
		return learned_w;
	for (size_t r = 0; r < cat->nresources; r++)
		w += pr->resources[r] * cat->sites[site].power_w[r];
	return w;
}

double rt_job_learned_w(const struct rt_predictor *p,
			const struct catalog *cat, const struct job *job,
			size_t profile)
{
	struct job_run run;
	double w;

	rt_job_as_run(cat, job, profile, NULL, &run);
	w = rt_hist_power(p->hist, &run);
	job_run_release(&run);
	return w;
}
