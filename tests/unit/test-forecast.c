/*
 * test-forecast.c - unit tests of the forecast models and the backtest
 * scoring, on hand-made series whose right answers can be worked out by
 * hand.
 */
#include "forecast/forecast.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#define H 3600
#define D 86400

/* 2021-06-01T00:00:00Z */
#define T0 ((gs_time)1622505600)

/* A value unlike any other, for points a model must not read. */
#define POISON 1e9

/* Hourly values v = 1000 * day + hour, day counted from `first`. */
static double day_hour(gs_time first, gs_time t)
{
	return 1000.0 * (double)((t - first) / D) + (double)((t % D) / H);
}

static void hourly(struct series *s, gs_time first, size_t n)
{
	series_init(s);
	for (size_t i = 0; i < n; i++) {
		gs_time t = first + (gs_time)i * H;
		assert_int_equal(series_push(s, t, day_hour(first, t)), 0);
	}
}

static void assert_no_nan(const struct fc_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		assert_true(isfinite(r->v[i]));
}

static void test_snaive_exact(void **state)
{
	struct series s;
	struct fc_result r;
	struct errmsg err;
	gs_time issued = T0 + 3 * D;

	hourly(&s, T0, 3 * 24);
	fc_result_init(&r);
	assert_int_equal(forecast_snaive(&s, issued, 48 * H, 0, &r, &err), 0);
	assert_int_equal(r.n, 48);
	assert_int_equal(r.step_s, H);
	assert_string_equal(r.method, "seasonal naive");
	for (size_t i = 0; i < 48; i++) {
		gs_time t = issued + (gs_time)i * H;
		/* lead < 24h: one day back; 24h..47h: two days back */
		gs_time src = t - (i < 24 ? 1 : 2) * D;
		assert_int_equal(r.t[i], t);
		assert_true(r.v[i] == day_hour(T0, src));
	}
	assert_no_nan(&r);
	fc_result_release(&r);
	series_release(&s);
}

/* Values at and after the issue time are in the series but never read. */
static void test_snaive_never_peeks(void **state)
{
	struct series s, cut;
	struct fc_result r, rc;
	struct errmsg err;
	gs_time issued = T0 + 30 * D;

	hourly(&cut, T0, 30 * 24);
	series_init(&s);
	for (size_t i = 0; i < cut.n; i++)
		series_push(&s, cut.t[i], cut.v[i]);
	for (gs_time t = issued; t < issued + 5 * D; t += H)
		series_push(&s, t, POISON);
	fc_result_init(&r);
	fc_result_init(&rc);
	assert_int_equal(forecast_snaive(&s, issued, 72 * H, 0, &r, &err), 0);
	assert_int_equal(forecast_snaive(&cut, issued, 72 * H, 0, &rc, &err),
			 0);
	assert_int_equal(r.n, 72);
	assert_int_equal(r.n, rc.n);
	assert_true(r.has_intervals);
	for (size_t i = 0; i < r.n; i++) {
		assert_true(r.v[i] < POISON / 2);
		assert_true(r.hi95[i] < POISON / 2);
		assert_true(r.v[i] == rc.v[i]);
		assert_true(r.lo80[i] == rc.lo80[i]);
		assert_true(r.hi80[i] == rc.hi80[i]);
		assert_true(r.lo95[i] == rc.lo95[i]);
		assert_true(r.hi95[i] == rc.hi95[i]);
	}
	fc_result_release(&r);
	fc_result_release(&rc);
	series_release(&s);
	series_release(&cut);
}

/* A missing point a day back: go back one more day, not to a stale value. */
static void test_snaive_gap(void **state)
{
	struct series full, s;
	struct fc_result r;
	struct errmsg err;
	gs_time issued = T0 + 4 * D;
	gs_time hole = issued - D + 5 * H;

	hourly(&full, T0, 4 * 24);
	series_init(&s);
	for (size_t i = 0; i < full.n; i++)
		if (full.t[i] != hole)
			series_push(&s, full.t[i], full.v[i]);
	fc_result_init(&r);
	assert_int_equal(forecast_snaive(&s, issued, 24 * H, 0, &r, &err), 0);
	assert_int_equal(r.t[5], issued + 5 * H);
	assert_true(r.v[5] == day_hour(T0, hole - D));
	assert_true(r.v[4] == day_hour(T0, hole - H));
	assert_true(r.v[6] == day_hour(T0, hole + H));
	fc_result_release(&r);
	series_release(&s);
	series_release(&full);
}

/* No day back has a value at that hour: last known value, and a warning. */
static void test_snaive_no_seasonal_value(void **state)
{
	struct series s;
	struct fc_result r;
	struct errmsg err;
	gs_time issued = T0 + 3 * D;

	series_init(&s);
	for (gs_time t = T0; t < issued; t += H)
		if ((t % D) / H != 7)
			series_push(&s, t, day_hour(T0, t));
	fc_result_init(&r);
	assert_int_equal(forecast_snaive(&s, issued, 24 * H, 0, &r, &err), 0);
	assert_true(r.v[7] == day_hour(T0, issued - H));
	assert_non_null(strstr(r.warning.buf, "1 of 24 points had no value"));
	assert_no_nan(&r);
	fc_result_release(&r);
	series_release(&s);
}

static void test_persistence_fallback(void **state)
{
	struct series s;
	struct fc_result r;
	struct errmsg err;
	gs_time issued = T0 + 10 * H;

	hourly(&s, T0, 10);
	fc_result_init(&r);
	assert_int_equal(forecast_model(FC_GREENSLOT, &s, issued, 6 * H, 0, &r,
					&err), 0);
	assert_string_equal(r.method, "persistence");
	assert_non_null(strstr(r.warning.buf, "less than a day of history"));
	assert_int_equal(r.n, 6);
	for (size_t i = 0; i < r.n; i++)
		assert_true(r.v[i] == 9.0);
	assert_no_nan(&r);
	fc_result_release(&r);
	series_release(&s);
}

/* Exactly one day of history is enough for the seasonal model. */
static void test_one_day_is_enough(void **state)
{
	struct series s;
	struct fc_result r;
	struct errmsg err;

	hourly(&s, T0, 24);
	fc_result_init(&r);
	assert_int_equal(forecast_model(FC_GREENSLOT, &s, T0 + D, 24 * H, 0,
					&r, &err), 0);
	assert_string_equal(r.method, "seasonal naive");
	assert_true(r.v[3] == 3.0);
	fc_result_release(&r);
	series_release(&s);
}

static void test_no_history(void **state)
{
	struct series s;
	struct fc_result r;
	struct errmsg err;

	hourly(&s, T0, 24);
	fc_result_init(&r);
	assert_int_equal(forecast_snaive(&s, T0, 24 * H, 0, &r, &err), -1);
	assert_string_equal(err.msg, "no recorded values before "
				     "'2021-06-01T00:00:00Z'");
	series_release(&s);
	series_init(&s);
	assert_int_equal(forecast_snaive(&s, T0, 24 * H, 0, &r, &err), -1);
	fc_result_release(&r);
	series_release(&s);
}

/* The grid starts at the first step boundary at or after the issue time. */
static void test_grid_alignment(void **state)
{
	struct series s;
	struct fc_result r;
	struct errmsg err;
	gs_time issued = T0 + 3 * D + 30 * 60;

	hourly(&s, T0, 3 * 24 + 1);
	fc_result_init(&r);
	assert_int_equal(forecast_snaive(&s, issued, 24 * H, 0, &r, &err), 0);
	/* 01:00 on day 3 up to 00:00 on day 4, which is before 00:30 */
	assert_int_equal(r.n, 24);
	assert_int_equal(r.t[0], T0 + 3 * D + H);
	assert_int_equal(r.t[r.n - 1], T0 + 4 * D);
	/* a 30-minute series keeps its own step */
	series_release(&s);
	series_init(&s);
	for (gs_time t = T0; t < T0 + 2 * D; t += 1800)
		series_push(&s, t, (double)(t % D) / 1800);
	assert_int_equal(forecast_snaive(&s, T0 + 2 * D, 6 * H, 0, &r, &err),
			 0);
	assert_int_equal(r.n, 12);
	assert_int_equal(r.step_s, 1800);
	assert_true(r.v[3] == 3.0);
	fc_result_release(&r);
	series_release(&s);
}

/*
 * v = 10 * day + hour grows by 10 each day, so the seasonal naive error
 * (actual - forecast) is +10 at every lead under a day: the intervals must
 * reach exactly 10 above the forecast.
 */
static void test_interval_calibration(void **state)
{
	struct series s;
	struct fc_result r;
	struct errmsg err;
	gs_time issued = T0 + 40 * D;

	series_init(&s);
	for (gs_time t = T0; t < issued; t += H)
		series_push(&s, t, 10.0 * (double)((t - T0) / D) +
				   (double)((t % D) / H));
	fc_result_init(&r);
	assert_int_equal(forecast_snaive(&s, issued, 24 * H, 0, &r, &err), 0);
	assert_true(r.has_intervals);
	assert_int_equal(r.ncalib, 28 * 24);
	assert_int_equal(r.warning.len, 0);
	for (size_t i = 0; i < r.n; i++) {
		assert_true(r.lo80[i] == r.v[i]);
		assert_true(r.lo95[i] == r.v[i]);
		assert_true(r.hi80[i] == r.v[i] + 10);
		assert_true(r.hi95[i] == r.v[i] + 10);
	}
	fc_result_release(&r);
	series_release(&s);
}

/* Noisy history: bounds are ordered around the forecast, never NaN. */
static void test_intervals_bracket(void **state)
{
	struct series s;
	struct fc_result r;
	struct errmsg err;
	gs_time issued = T0 + 35 * D;
	unsigned x = 12345;

	series_init(&s);
	for (gs_time t = T0; t < issued; t += H) {
		x = x * 1103515245u + 12345u;
		series_push(&s, t, 200 + (double)((x >> 16) % 100));
	}
	fc_result_init(&r);
	assert_int_equal(forecast_model(FC_GREENSLOT, &s, issued, 48 * H, 0,
					&r, &err), 0);
	assert_true(r.has_intervals);
	assert_int_equal(r.n, 48);
	for (size_t i = 0; i < r.n; i++) {
		assert_true(isfinite(r.lo95[i]) && isfinite(r.hi95[i]));
		assert_true(r.lo95[i] <= r.lo80[i]);
		assert_true(r.lo80[i] <= r.v[i]);
		assert_true(r.v[i] <= r.hi80[i]);
		assert_true(r.hi80[i] <= r.hi95[i]);
		assert_true(r.lo80[i] < r.hi80[i]);
	}
	fc_result_release(&r);
	series_release(&s);
}

/* Too few errors per lead hour: pooled over all of them, and said so. */
static void test_intervals_pooled(void **state)
{
	struct series s;
	struct fc_result r;
	struct errmsg err;
	gs_time issued = T0 + 12 * D;

	hourly(&s, T0, 12 * 24);
	fc_result_init(&r);
	assert_int_equal(forecast_snaive(&s, issued, 24 * H, 0, &r, &err), 0);
	assert_true(r.has_intervals);
	assert_int_equal(r.ncalib, 11 * 24);
	assert_non_null(strstr(r.warning.buf, "pooled"));
	fc_result_release(&r);
	series_release(&s);
}

/* A series never below zero gets no negative lower bound. */
static void test_intervals_nonnegative(void **state)
{
	struct series s;
	struct fc_result r;
	struct errmsg err;
	gs_time issued = T0 + 30 * D;

	series_init(&s);
	for (gs_time t = T0; t < issued; t += H)
		series_push(&s, t, ((t / H) % 7) == 0 ? 100 : 0);
	fc_result_init(&r);
	assert_int_equal(forecast_snaive(&s, issued, 24 * H, 0, &r, &err), 0);
	for (size_t i = 0; i < r.n; i++) {
		assert_true(r.lo95[i] >= 0);
		assert_true(r.lo80[i] >= 0);
	}
	fc_result_release(&r);
	series_release(&s);
}

static void test_quantile_ranks(void **state)
{
	double e[28], lo, hi;

	for (size_t i = 0; i < 28; i++)
		e[i] = (double)(i + 1);
	fc_quantile_interval(e, 28, 80, &lo, &hi);
	assert_true(lo == 2 && hi == 27);  /* floor(2.9), ceil(26.1) */
	fc_quantile_interval(e, 28, 95, &lo, &hi);
	assert_true(lo == 1 && hi == 28);  /* clamped to 1..n */
	fc_quantile_interval(e, 9, 80, &lo, &hi);
	assert_true(lo == 1 && hi == 9);   /* (9+1)*0.9 = 9 exactly */
	fc_quantile_interval(e, 19, 80, &lo, &hi);
	assert_true(lo == 2 && hi == 18);
	fc_quantile_interval(e, 1, 95, &lo, &hi);
	assert_true(lo == 1 && hi == 1);
}

static void test_lead_buckets(void **state)
{
	gs_time i = T0;

	assert_int_equal(fc_lead_hours(i, i), 1);
	assert_int_equal(fc_lead_hours(i, i + H - 1), 1);
	assert_int_equal(fc_lead_hours(i, i + H), 2);
	assert_int_equal(fc_lead_hours(i, i - 1), 0);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i - 1)), -1);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i)), 0);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i + 5 * H)), 0);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i + 6 * H - 1)), 0);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i + 6 * H)), 1);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i + 24 * H - 1)), 1);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i + 24 * H)), 2);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i + 47 * H)), 2);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i + 48 * H)), 3);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i + 96 * H - 1)), 3);
	assert_int_equal(bt_bucket(fc_lead_hours(i, i + 96 * H)), -1);
	assert_string_equal(bt_bucket_name(0), "1-6h");
	assert_string_equal(bt_bucket_name(1), "7-24h");
	assert_string_equal(bt_bucket_name(2), "25-48h");
	assert_string_equal(bt_bucket_name(3), "49-96h");
}

static void test_stats(void **state)
{
	struct bt_stats s = {0};
	const double none = (double)NAN;
	double x;

	assert_int_equal(bt_stats_mae(&s, &x), -1);
	assert_int_equal(bt_stats_coverage(&s, 80, &x), -1);
	/* inside both; on the 80% bound (inclusive); outside 80%, inside
	 * 95%; outside both */
	bt_stats_add(&s, 10, 12, 9, 13, 8, 14);
	bt_stats_add(&s, 10, 13, 9, 13, 8, 14);
	bt_stats_add(&s, 10, 14, 9, 13, 8, 14);
	bt_stats_add(&s, 10, 20, 9, 13, 8, 14);
	/* no interval: in the errors, not in the coverage; zero actual: not
	 * in MAPE */
	bt_stats_add(&s, 4, 0, none, none, none, none);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.nint, 4);
	assert_int_equal(s.mape_n, 4);
	assert_int_equal(bt_stats_coverage(&s, 80, &x), 0);
	assert_true(x == 0.5);
	assert_int_equal(bt_stats_coverage(&s, 95, &x), 0);
	assert_true(x == 0.75);
	assert_int_equal(bt_stats_mae(&s, &x), 0);
	assert_true(fabs(x - (2.0 + 3 + 4 + 10 + 4) / 5) < 1e-12);
	assert_int_equal(bt_stats_bias(&s, &x), 0);
	assert_true(fabs(x - (-2.0 - 3 - 4 - 10 + 4) / 5) < 1e-12);
	assert_int_equal(bt_stats_mape(&s, &x), 0);
	assert_true(fabs(x - (200.0 / 12 + 300.0 / 13 + 400.0 / 14 + 50) / 4)
		    < 1e-9);
}

/* Points where one model has no value are scored for none of them. */
static void test_score_same_points(void **state)
{
	struct backtest bt;
	struct series actual, prov;
	struct fc_result a, b;
	const struct fc_result *fc[2] = {&a, &b};
	struct errmsg err;
	gs_time issue = T0 + 3 * D;
	char *json;

	backtest_init(&bt);
	bt.zone = "Z";
	bt.signal = "carbon_intensity";
	bt.from = issue;
	bt.to = issue + D;
	backtest_add_model(&bt, "greenslot", true);
	backtest_add_model(&bt, "provider-x", false);
	hourly(&actual, T0, 5 * 24);
	series_init(&prov);
	for (gs_time t = issue; t < issue + D; t += H)
		if (t != issue + 2 * H && t != issue + 10 * H)
			series_push(&prov, t, day_hour(T0, t) + 1);
	fc_result_init(&a);
	fc_result_init(&b);
	assert_int_equal(forecast_model(FC_GREENSLOT, &actual, issue, D, 0,
					&a, &err), 0);
	fc_result_from_series(&b, &prov, issue);
	assert_int_equal(backtest_score(&bt, issue, &actual, fc), 22);
	assert_int_equal(bt.models[0].all.n, 22);
	assert_int_equal(bt.models[1].all.n, 22);
	assert_int_equal(bt.models[0].bucket[0].n, 5);
	assert_int_equal(bt.models[1].bucket[1].n, 17);
	/* the provider is off by exactly +1 everywhere */
	assert_true(bt.models[1].all.abs_sum == 22);
	assert_true(bt.models[1].all.err_sum == 22);
	assert_true(bt.models[1].all.nint == 0);
	/* seasonal naive is 1000 too low every day */
	assert_true(bt.models[0].all.err_sum == -22000);
	bt.issues = 1;
	json = backtest_to_json(&bt);
	assert_null(strstr(json, "nan"));
	assert_non_null(strstr(json, "\"issues\": 1"));
	assert_non_null(strstr(json, "\"from\": \"2021-06-04T00:00:00Z\""));
	assert_non_null(strstr(json, "\"horizon\": \"PT24H\""));
	assert_non_null(strstr(json, "\"49-96h\""));
	assert_non_null(strstr(json, "\"coverage80\": null"));
	assert_non_null(strstr(json, "\"mae\": 1.0"));
	assert_non_null(strstr(json, "\"mae\": 1000.0"));
	assert_non_null(strstr(json, "\"coverage80\": 1.0"));
	free(json);
	fc_result_release(&a);
	fc_result_release(&b);
	series_release(&actual);
	series_release(&prov);
	backtest_release(&bt);
}

/* A store with 14 fuels (fuel k generating k+1 MW) and two weather
 * vintages: the mix keeps the 12 biggest fuels, the weather both vintages
 * in issue order, and fc_weather_at() sees only what was issued before. */
static void test_inputs_from_store(void **state)
{
	char dir[] = "/tmp/gs-inputs-XXXXXX", sig[14][32];
	struct store_point pts[16];
	struct store_put_stats stats;
	struct strbuf db;
	struct store *st;
	struct errmsg err;
	struct fc_mix mix;
	struct fc_weather w;
	double v;
	(void)state;

	for (int k = 0; k < 14; k++) {
		snprintf(sig[k], sizeof(sig[k]), "generation_f%02d", k);
		pts[k] = (struct store_point){.zone = "Z", .signal = sig[k],
			.time = 0, .value = k + 1, .issued = GS_TIME_NONE,
			.lo80 = (double)NAN, .hi80 = (double)NAN,
			.lo95 = (double)NAN, .hi95 = (double)NAN};
	}
	for (int k = 0; k < 2; k++) /* 20 degC issued at 0, 25 at 3600 */
		pts[14 + k] = (struct store_point){.zone = "Z",
			.signal = "temperature", .time = 7200,
			.value = 20 + 5 * k, .issued = 3600 * k,
			.lo80 = (double)NAN, .hi80 = (double)NAN,
			.lo95 = (double)NAN, .hi95 = (double)NAN};
	assert_non_null(mkdtemp(dir));
	strbuf_init(&db);
	strbuf_addf(&db, "%s/gs.db", dir);
	assert_int_equal(store_open(db.buf, 0, &st, &err), 0);
	assert_int_equal(store_put_points(st, "t", pts, 16, 1, &stats, &err),
			 0);

	fc_mix_init(&mix);
	assert_int_equal(fc_mix_load(st, "Z", &mix, &err), 0);
	assert_int_equal(mix.n, FC_MAX_MIX);
	for (size_t i = 0; i < mix.n; i++)
		assert_true(mix.s[i].n == 1 && mix.s[i].v[0] >= 3);
	fc_mix_release(&mix);

	fc_weather_init(&w);
	assert_int_equal(fc_weather_load(st, "Z", &w, &err), 0);
	assert_int_equal(fc_weather_rows(&w), 2);
	assert_true(fc_weather_at(&w, FC_W_TEMPERATURE, 1, 7200, &v));
	assert_true(v == 20);
	assert_true(fc_weather_at(&w, FC_W_TEMPERATURE, 3601, 7200, &v));
	assert_true(v == 25);
	assert_false(fc_weather_at(&w, FC_W_TEMPERATURE, 0, 7200, &v));
	fc_weather_release(&w);
	store_free(st);
	strbuf_reset(&db);
	strbuf_addf(&db, "rm -rf '%s'", dir);
	assert_int_equal(system(db.buf), 0);
	strbuf_release(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snaive_exact),
		cmocka_unit_test(test_snaive_never_peeks),
		cmocka_unit_test(test_snaive_gap),
		cmocka_unit_test(test_snaive_no_seasonal_value),
		cmocka_unit_test(test_persistence_fallback),
		cmocka_unit_test(test_one_day_is_enough),
		cmocka_unit_test(test_no_history),
		cmocka_unit_test(test_grid_alignment),
		cmocka_unit_test(test_interval_calibration),
		cmocka_unit_test(test_intervals_bracket),
		cmocka_unit_test(test_intervals_pooled),
		cmocka_unit_test(test_intervals_nonnegative),
		cmocka_unit_test(test_quantile_ranks),
		cmocka_unit_test(test_lead_buckets),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_score_same_points),
		cmocka_unit_test(test_inputs_from_store),
	};
	return cmocka_run_group_tests_name("forecast", tests, NULL, NULL);
}
