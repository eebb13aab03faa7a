/*
 * test-forecast-models.c - unit tests of greenslot's combined model and its
 * components (forecast/combine.c, smooth.c, regress.c, inputs.c) on
 * synthetic series whose right answers are known: a pure daily and weekly
 * pattern, a linear weather effect, noise of known spread; and the
 * guarantees: no peeking, fallbacks on short history and gaps, never NaN.
 */
#include "forecast/forecast.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#define H 3600
#define D 86400
/* 2021-03-01T00:00:00Z, a Monday */
#define T0 ((gs_time)1614556800)

/* A daily and a weekly cycle, positive, with no noise. */
static double pattern(gs_time t)
{
	double h = (double)((t % D) / H), wd = (double)((t / D + 4) % 7);
	return 300 + 80 * sin(h * M_PI / 12) + 10 * wd;
}

/* Deterministic noise in [-1, 1) from a number (splitmix64). */
static double hash_noise(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (double)(x >> 11) / 4503599627370496.0 - 1;
}

/* Roughly normal noise of unit variance: the sum of three uniforms. */
static double normal_noise(uint64_t x)
{
	return (hash_noise(3 * x) + hash_noise(3 * x + 1) +
		hash_noise(3 * x + 2));
}

/* A temperature the model can only know from the weather forecast. */
static double temperature(gs_time t)
{
	/* a new weather every day: history alone cannot tell it */
	return 15 + 8 * hash_noise((uint64_t)(t / D)) +
	       4 * cos((double)(t % D) / H * 0.26);
}

/* Daily vintages issued at 12:00 covering the next day, 00:00..23:00. */
static void weather_daily(struct fc_weather *w, gs_time from, gs_time to,
			  double (*temp)(gs_time))
{
	fc_weather_init(w);
	for (int v = 0; v < FC_NWVARS; v++)
		for (gs_time day = from; day < to; day += D)
			for (gs_time t = day; t < day + D; t += H)
				fc_weather_add(w, (enum fc_wvar)v, day - 12 * H,
					       t, v == FC_W_TEMPERATURE ? temp(t)
									: 1.0);
}

static void hourly(struct series *s, gs_time from, gs_time to,
		   double (*f)(gs_time))
{
	series_init(s);
	for (gs_time t = from; t < to; t += H)
		assert_int_equal(series_push(s, t, f(t)), 0);
}

static void assert_sane(const struct fc_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		assert_true(isfinite(r->v[i]));
		if (!r->has_intervals)
			continue;
		assert_true(r->lo95[i] <= r->lo80[i]);
		assert_true(r->lo80[i] <= r->v[i]);
		assert_true(r->v[i] <= r->hi80[i]);
		assert_true(r->hi80[i] <= r->hi95[i]);
	}
}

static double max_rel_error(const struct fc_result *r, double (*f)(gs_time))
{
	double m = 0;

	for (size_t i = 0; i < r->n; i++)
		m = fmax(m, fabs(r->v[i] - f(r->t[i])) / fabs(f(r->t[i])));
	return m;
}

static void test_smoothing_exact_pattern(void **state)
{
	struct series s;
	struct fc_result r, comp[FC_NMODELS];
	struct fc_input in = {&s, NULL, NULL};
	struct errmsg err;
	gs_time at = T0 + 70 * D;

	(void)state;
	hourly(&s, T0, at, pattern);
	fc_result_init(&r);
	for (int m = 0; m < FC_NMODELS; m++)
		fc_result_init(&comp[m]);
	assert_int_equal(forecast_model_in(FC_SMOOTHING, &in, at, 96 * H, 0,
					   &r, NULL, &err), 0);
	assert_string_equal(r.method, "exponential smoothing");
	assert_int_equal(r.n, 96);
	assert_true(max_rel_error(&r, pattern) < 1e-9);
	/* the combination of exact and near-exact components stays close */
	assert_int_equal(forecast_model_in(FC_GREENSLOT, &in, at, 96 * H, 0,
					   &r, comp, &err), 0);
	assert_string_equal(r.method, "combined");
	assert_true(max_rel_error(&r, pattern) < 1e-3);
	assert_true(max_rel_error(&comp[FC_SMOOTHING], pattern) < 1e-9);
	assert_true(comp[FC_REGRESSION].n == 96);
	assert_sane(&r);
	for (int m = 0; m < FC_NMODELS; m++)
		fc_result_release(&comp[m]);
	fc_result_release(&r);
	series_release(&s);
}

static double weather_driven(gs_time t)
{
	return 200 + 6 * temperature(t);
}

/* Hourly values of f until at, daily weather vintages a day beyond. */
static void weather_case(struct series *s, struct fc_weather *w, gs_time at,
			 double (*f)(gs_time))
{
	hourly(s, T0, at, f);
	weather_daily(w, T0, at + D, temperature);
}

static void test_regression_recovers_weather(void **state)
{
	struct series s;
	struct fc_weather w;
	struct fc_result r;
	struct fc_input in = {&s, &w, NULL};
	struct errmsg err;
	gs_time at = T0 + 80 * D;

	(void)state;
	weather_case(&s, &w, at, weather_driven);
	fc_result_init(&r);
	assert_int_equal(forecast_model_in(FC_REGRESSION, &in, at, 24 * H, 0,
					   &r, NULL, &err), 0);
	assert_string_equal(r.method, "regression");
	/* the value moves 6 per degree with the forecast temperature; the
	   seasonal naive value would be off by tens */
	assert_true(max_rel_error(&r, weather_driven) < 0.01);
	assert_sane(&r);
	/* without the weather the same model cannot know */
	in.weather = NULL;
	assert_int_equal(forecast_model_in(FC_REGRESSION, &in, at, 24 * H, 0,
					   &r, NULL, &err), 0);
	assert_true(max_rel_error(&r, weather_driven) > 0.02);
	fc_result_release(&r);
	fc_weather_release(&w);
	series_release(&s);
}

/* Linear in the temperature, from near zero: its log is far from linear. */
static double weather_additive(gs_time t)
{
	return 10 + 12 * (temperature(t) - 3);
}

/*
 * The regression in logs fits a value that is linear in the weather only
 * roughly; its twin in levels fits it closely, and the combination,
 * weighing the components by their recent errors, leans on the twin.
 */
static void test_levels_twin(void **state)
{
	struct series s;
	struct fc_weather w;
	struct fc_result r, comp[FC_NMODELS];
	struct fc_input in = {&s, &w, NULL};
	struct errmsg err;
	gs_time at = T0 + 120 * D;

	(void)state;
	weather_case(&s, &w, at, weather_additive);
	fc_result_init(&r);
	for (int m = 0; m < FC_NMODELS; m++)
		fc_result_init(&comp[m]);
	assert_int_equal(forecast_model_in(FC_GREENSLOT, &in, at, 24 * H, 0,
					   &r, comp, &err), 0);
	/* measured: 0.067 in logs alone, 0.033 combined */
	assert_true(max_rel_error(&comp[FC_REGRESSION], weather_additive) >
		    0.05);
	assert_true(max_rel_error(&r, weather_additive) < 0.04);
	assert_sane(&r);
	for (int m = 0; m < FC_NMODELS; m++)
		fc_result_release(&comp[m]);
	fc_result_release(&r);
	fc_weather_release(&w);
	series_release(&s);
}

static void test_weather_vintages(void **state)
{
	struct fc_weather w;
	double v;
	gs_time t = T0 + 2 * D + 5 * H;

	(void)state;
	fc_weather_init(&w);
	/* two vintages for the same hour: issued a day apart */
	fc_weather_add(&w, FC_W_WIND_SPEED, T0, t, 1);
	fc_weather_add(&w, FC_W_WIND_SPEED, T0 + D, t, 2);
	assert_false(fc_weather_at(&w, FC_W_WIND_SPEED, T0, t, &v));
	assert_true(fc_weather_at(&w, FC_W_WIND_SPEED, T0 + 1, t, &v));
	assert_true(v == 1);
	assert_true(fc_weather_at(&w, FC_W_WIND_SPEED, T0 + D, t, &v));
	assert_true(v == 1); /* issued at T0 + D is not before T0 + D */
	assert_true(fc_weather_at(&w, FC_W_WIND_SPEED, T0 + D + 1, t, &v));
	assert_true(v == 2);
	assert_false(fc_weather_at(&w, FC_W_TEMPERATURE, T0 + 2 * D, t, &v));
	assert_false(fc_weather_at(&w, FC_W_WIND_SPEED, T0 + 3 * D, t + H, &v));
	assert_int_equal(fc_weather_rows(&w), 2);
	fc_weather_release(&w);
}

static double noisy(gs_time t)
{
	return pattern(t) + 20 * normal_noise((uint64_t)t);
}

/* 80% and 95% intervals cover about that share of what happened. */
static void test_interval_coverage(void **state)
{
	struct series s;
	struct fc_result r;
	struct fc_input in = {&s, NULL, NULL};
	struct errmsg err;
	size_t n = 0, in80 = 0, in95 = 0;

	(void)state;
	hourly(&s, T0, T0 + 200 * D, noisy);
	fc_result_init(&r);
	for (gs_time at = T0 + 150 * D; at < T0 + 190 * D; at += D) {
		assert_int_equal(forecast_model_in(FC_GREENSLOT, &in, at,
						   24 * H, 0, &r, NULL, &err),
				 0);
		assert_true(r.has_intervals);
		assert_sane(&r);
		for (size_t i = 0; i < r.n; i++) {
			double a = noisy(r.t[i]);
			n++;
			in80 += a >= r.lo80[i] && a <= r.hi80[i];
			in95 += a >= r.lo95[i] && a <= r.hi95[i];
		}
	}
	assert_int_equal(n, 40 * 24);
	assert_true(in80 >= n * 74 / 100 && in80 <= n * 86 / 100);
	assert_true(in95 >= n * 91 / 100 && in95 <= n * 99 / 100);
	fc_result_release(&r);
	series_release(&s);
}

static double poison(gs_time t)
{
	(void)t;
	return 1e6;
}

/* Data after the issue time (values, weather issued later) changes nothing. */
static void test_no_peeking(void **state)
{
	struct series a, b;
	struct fc_weather wa, wb;
	struct fc_result ra, rb;
	struct fc_input ia = {&a, &wa, NULL}, ib = {&b, &wb, NULL};
	struct errmsg err;
	gs_time at = T0 + 60 * D + 6 * H;

	(void)state;
	hourly(&a, T0, at, weather_driven);
	hourly(&b, T0, at, weather_driven);
	for (gs_time t = at; t < at + 10 * D; t += H)
		assert_int_equal(series_push(&b, t, 1e6), 0);
	weather_daily(&wa, T0, at - 6 * H + D, temperature);
	weather_daily(&wb, T0, at - 6 * H + D, temperature);
	/* a later vintage for the same hours, issued at the issue time */
	for (gs_time t = at; t < at + 2 * D; t += H)
		for (int v = 0; v < FC_NWVARS; v++)
			fc_weather_add(&wb, (enum fc_wvar)v, at, t, poison(t));
	fc_result_init(&ra);
	fc_result_init(&rb);
	assert_int_equal(forecast_model_in(FC_GREENSLOT, &ia, at, 48 * H, 0,
					   &ra, NULL, &err), 0);
	assert_int_equal(forecast_model_in(FC_GREENSLOT, &ib, at, 48 * H, 0,
					   &rb, NULL, &err), 0);
	assert_int_equal(ra.n, rb.n);
	for (size_t i = 0; i < ra.n; i++) {
		assert_true(ra.v[i] == rb.v[i]);
		assert_true(ra.lo80[i] == rb.lo80[i]);
		assert_true(ra.hi95[i] == rb.hi95[i]);
	}
	assert_sane(&ra);
	fc_result_release(&ra);
	fc_result_release(&rb);
	fc_weather_release(&wa);
	fc_weather_release(&wb);
	series_release(&a);
	series_release(&b);
}

static void test_short_history(void **state)
{
	struct series s;
	struct fc_result r;
	struct fc_input in = {&s, NULL, NULL};
	struct errmsg err;

	(void)state;
	fc_result_init(&r);
	/* five days: seasonal naive, and a warning says why */
	hourly(&s, T0, T0 + 5 * D, pattern);
	assert_int_equal(forecast_model_in(FC_GREENSLOT, &in, T0 + 5 * D,
					   48 * H, 0, &r, NULL, &err), 0);
	assert_string_equal(r.method, "seasonal naive");
	assert_non_null(strstr(r.warning.buf, "less than 14 days of history"));
	assert_sane(&r);
	series_release(&s);
	/* sixteen days: combined, the regression left out (too few days) */
	hourly(&s, T0, T0 + 16 * D, pattern);
	assert_int_equal(forecast_model_in(FC_GREENSLOT, &in, T0 + 16 * D,
					   48 * H, 0, &r, NULL, &err), 0);
	assert_string_equal(r.method, "combined");
	assert_non_null(strstr(r.warning.buf, "regression left out"));
	/* its twin in levels fails with it: one warning says both */
	assert_null(strstr(r.warning.buf, "in levels"));
	assert_sane(&r);
	series_release(&s);
	fc_result_release(&r);
}

/* Days missing in the middle and the last hours before the issue; an
 * outage of days before it. */
static void test_gaps(void **state)
{
	struct series s;
	struct fc_result r, comp[FC_NMODELS];
	struct fc_input in = {&s, NULL, NULL};
	struct errmsg err;
	gs_time at = T0 + 60 * D;

	(void)state;
	series_init(&s);
	for (gs_time t = T0; t < at - 7 * H; t += H)
		if (t < T0 + 30 * D || t >= T0 + 33 * D)
			assert_int_equal(series_push(&s, t, pattern(t)), 0);
	fc_result_init(&r);
	for (int m = 0; m < FC_NMODELS; m++)
		fc_result_init(&comp[m]);
	assert_int_equal(forecast_model_in(FC_GREENSLOT, &in, at, 96 * H, 0,
					   &r, comp, &err), 0);
	assert_string_equal(r.method, "combined");
	assert_int_equal(r.n, 96);
	assert_true(r.has_intervals);
	assert_sane(&r);
	assert_true(max_rel_error(&r, pattern) < 0.05);
	for (int m = 0; m < FC_NMODELS; m++) {
		assert_sane(&comp[m]);
		fc_result_release(&comp[m]);
	}
	/* an outage: nothing in the ten days before the issue time */
	assert_int_equal(forecast_model_in(FC_GREENSLOT, &in, at + 10 * D,
					   24 * H, 0, &r, NULL, &err), 0);
	assert_string_equal(r.method, "seasonal naive");
	assert_non_null(strstr(r.warning.buf, "no value in the last 7 days"));
	assert_sane(&r);
	fc_result_release(&r);
	series_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smoothing_exact_pattern),
		cmocka_unit_test(test_regression_recovers_weather),
		cmocka_unit_test(test_levels_twin),
		cmocka_unit_test(test_weather_vintages),
		cmocka_unit_test(test_interval_coverage),
		cmocka_unit_test(test_no_peeking),
		cmocka_unit_test(test_short_history),
		cmocka_unit_test(test_gaps),
	};
	return cmocka_run_group_tests_name("forecast models", tests, NULL,
					   NULL);
}
