/*
 * series.c - piecewise-constant time series, the one representation every
 * stage uses for a signal, so that "the value over a slot" is computed the
 * same way in the solver, the forecaster and the report (the contract's
 * time-weighted mean).
 */
#include "core/core.h"

#include <math.h>

void series_init(struct series *s)
{
	memset(s, 0, sizeof(*s));
	s->last_hold = 3600;
}

void series_release(struct series *s)
{
	free(s->t);
	free(s->v);
	series_init(s);
}

int series_push(struct series *s, gs_time t, double v)
{
	size_t old = s->alloc;

	if (s->n && t <= s->t[s->n - 1])
		return -1;
	ALLOC_GROW(s->t, s->n + 1, s->alloc);
	if (s->alloc != old) /* v always has the same capacity as t */
		s->v = xrealloc(s->v, st_mult(s->alloc, sizeof(*s->v)));
	s->t[s->n] = t;
	s->v[s->n] = v;
	s->n++;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int64_t series_step(const struct series *s)
{
	int64_t *d, step;
	size_t n;

	if (s->n < 2)
		return 3600;
	n = s->n - 1;
	d = xmalloc(st_mult(n, sizeof(*d)));
	for (size_t i = 0; i < n; i++)
		d[i] = s->t[i + 1] - s->t[i];
	qsort(d, n, sizeof(*d), cmp_i64);
	step = d[n / 2];
	free(d);
	return step > 0 ? step : 3600;
}

long series_index_at(const struct series *s, gs_time t)
{
	size_t lo = 0, hi = s->n;

	if (!s->n || t < s->t[0])
		return -1;
	if (t >= s->t[s->n - 1] + s->last_hold)
		return -1;
	/* last index with s->t[i] <= t */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->t[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

/* End of the validity of point i: the next point, or last_hold after it. */
static gs_time point_end(const struct series *s, size_t i)
{
	return i + 1 < s->n ? s->t[i + 1] : s->t[i] + s->last_hold;
}

int series_mean(const struct series *s, gs_time from, gs_time to,
		double *mean)
{
	double sum = 0;
	int64_t covered = 0;
	long i;

	if (!s->n || to <= from)
		return -1;
	i = series_index_at(s, from);
	if (i < 0) {
		/* from lies before the first point (or after the end) */
		if (from >= s->t[0])
			return -1;
		i = 0;
	}
	for (size_t k = (size_t)i; k < s->n && s->t[k] < to; k++) {
		gs_time a = s->t[k] > from ? s->t[k] : from;
		gs_time b = point_end(s, k) < to ? point_end(s, k) : to;
		if (b > a) {
			sum += s->v[k] * (double)(b - a);
			covered += b - a;
		}
	}
	if (!covered)
		return -1;
	*mean = sum / (double)covered;
	return 0;
}
