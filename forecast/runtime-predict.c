/*
 * runtime-predict.c - predicting jobs that have not run: a job spec seen
 * as a run, the stored model and run statistics loaded together, and the
 * feature rows turned into runtimes in seconds.
 */
#include "forecast/forecast.h"

#include <jansson.h>
#include <math.h>

int rt_predictor_load(struct rt_predictor *p, struct store *st,
		      struct errmsg *err)
{
	struct run_set rs;
	int ret;

	memset(p, 0, sizeof(*p));
	rt_model_init(&p->model);
	ret = rt_model_load(st, &p->model, err);
	if (ret != 0)
		return ret;
	run_set_init(&rs);
	if (store_get_runs(st, &rs.runs, &rs.n, err) < 0)
		return -1;
	rs.alloc = rs.n;
	p->hist = rt_hist_new();
	rt_replay(rs.runs, rs.n, p->hist, NULL);
	run_set_release(&rs);
	return 0;
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
