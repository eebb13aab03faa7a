/*
 * test-report.c - unit tests of the report module: HTML escaping, lane
 * packing, chart output in every format, and whole reports rendered from
 * plans and series built in memory (no store).
 */
#include "report/report.h"

#include <math.h>
#include <setjmp.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#define EVIL_ID "<script>alert(\"x\")</script> & 'q' \xc3\xa9"
#define EVIL_ESC "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; " \
		 "&amp; &#39;q&#39; \xc3\xa9"

static char *escaped(const char *s)
{
	struct strbuf sb;

	strbuf_init(&sb);
	html_escape(&sb, s);
	return strbuf_detach(&sb);
}

static char *sanitized(const char *s)
{
	struct strbuf sb;

	strbuf_init(&sb);
	utf8_sanitize(&sb, s);
	return strbuf_detach(&sb);
}

static void test_escape_markup(void **state)
{
	char *s = escaped(EVIL_ID);

	assert_string_equal(s, EVIL_ESC);
	free(s);
	s = escaped("plain-id_7.json");
	assert_string_equal(s, "plain-id_7.json");
	free(s);
	s = escaped(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_escape_controls(void **state)
{
	/* C0 controls and DEL become control pictures U+2401, U+240A, U+2421 */
	char *s = escaped("a\x01" "b\nc\x7f");

	assert_string_equal(s, "a\xe2\x90\x81" "b\xe2\x90\x8a" "c\xe2\x90\xa1");
	free(s);
}

static void test_escape_bad_utf8(void **state)
{
	/* lone continuation, overlong, surrogate, truncated at the end */
	char *s = escaped("\x80x\xc0\xafy\xed\xa0\x80z\xc3");

	assert_string_equal(s, "\xef\xbf\xbdx\xef\xbf\xbd\xef\xbf\xbdy"
			       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz"
			       "\xef\xbf\xbd");
	free(s);
	/* 4-byte and 3-byte sequences pass through */
	s = escaped("\xf0\x9f\x8c\xb1 \xe2\x82\xac");
	assert_string_equal(s, "\xf0\x9f\x8c\xb1 \xe2\x82\xac");
	free(s);
	/* above U+10FFFF */
	s = sanitized("\xf4\x90\x80\x80<");
	assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			       "\xef\xbf\xbd<");
	free(s);
}

static void test_pack_lanes(void **state)
{
	struct chart_bar bars[] = {
		{.label = "c", .start = 10, .end = 20},
		{.label = "a", .start = 0, .end = 10},
		{.label = "d", .start = 12, .end = 13},
		{.label = "b", .start = 5, .end = 15},
	};
	struct chart c = {.bars = bars, .nbars = 4};

	chart_pack_lanes(&c);
	assert_int_equal(c.nlanes, 3);
	assert_int_equal(bars[1].lane, 0); /* a */
	assert_int_equal(bars[3].lane, 1); /* b overlaps a */
	assert_int_equal(bars[0].lane, 0); /* c starts as a ends */
	assert_int_equal(bars[2].lane, 2); /* d overlaps c and b */
	assert_string_equal(bars[0].label, "c"); /* order kept */
}

/* ------------------------------------------------------------------ */

#define T0 ((gs_time)1624838400) /* 2021-06-28T00:00:00Z */

static void fill_series(struct series *s, gs_time from, int n, double base)
{
	for (int i = 0; i < n; i++)
		assert_int_equal(series_push(s, from + i * 3600,
					     base + 40 * sin(i / 4.0)),
				 0);
	s->last_hold = 3600;
}

/* A fake report_ci_fn: zone "CISO" has data, "EMPTY" none, "FAIL" fails. */
static int fake_ci(void *ctx, const char *zone, gs_time from, gs_time to,
		   gs_time issued_by, struct report_ci *out,
		   struct errmsg *err)
{
	int *calls = ctx;

	(*calls)++;
	if (!strcmp(zone, "FAIL"))
		return err_set(err, "no store for '%s'", zone);
	if (strcmp(zone, "CISO"))
		return 0;
	fill_series(&out->recorded, from - 3600, 50, 250);
	if (issued_by == GS_TIME_NONE)
		return 0;
	fill_series(&out->forecast, from, 48, 260);
	fill_series(&out->lo80, from, 48, 220);
	fill_series(&out->hi80, from, 48, 300);
	out->forecast_issued = issued_by;
	return 0;
}

struct fixture {
	struct catalog cat;
	struct site sites[3];
	struct plan plan, plan2;
	struct plan_job jobs[4];
	struct plan_segment segs[2];
	struct plan_unplaced unplaced[1];
	struct report_plan items[2];
	struct report_input in;
	int calls;
};

static void job(struct plan_job *j, const char *id, const char *site,
		gs_time start, gs_time end)
{
	*j = (struct plan_job){0};
	j->id = (char *)id;
	j->site = (char *)site;
	j->start = start;
	j->end = end;
	j->runtime_s = (double)(end - start);
	j->energy_kwh = 10;
	j->emissions_kg = 2.5;
	j->baseline_emissions_kg = 3;
}

static void fixture_init(struct fixture *f)
{
	*f = (struct fixture){0};
	f->sites[0] = (struct site){.id = "ca-north", .zone = "CISO"};
	f->sites[1] = (struct site){.id = "empty-site", .zone = "EMPTY"};
	f->sites[2] = (struct site){.id = "failing", .zone = "FAIL"};
	f->cat.sites = f->sites;
	f->cat.nsites = 2;
	f->cat.path = "sites.json";

	job(&f->jobs[0], "train-resnet-7", "ca-north", T0 + 3600 * 10,
	    T0 + 3600 * 16);
	job(&f->jobs[1], EVIL_ID, "ca-north", T0 + 3600 * 12, T0 + 3600 * 14);
	job(&f->jobs[2], "etl-nightly", "empty-site", T0 + 3600 * 2,
	    T0 + 3600 * 8);
	f->segs[0] = (struct plan_segment){T0 + 3600 * 2, T0 + 3600 * 4};
	f->segs[1] = (struct plan_segment){T0 + 3600 * 6, T0 + 3600 * 8};
	f->jobs[2].segments = f->segs;
	f->jobs[2].nsegments = 2;
	f->jobs[2].runtime_predicted = true;
	f->unplaced[0] = (struct plan_unplaced){"too-big<1>", "needs 99 gpu"};

	f->plan = (struct plan){
		.policy = "milp", .objective = "carbon", .status = "optimal",
		.slot_s = 1800, .start = T0, .end = T0 + 48 * 3600,
		.signal_source = "forecast:snaive@2021-06-28T00:00:00Z",
		.energy_kwh = 30, .emissions_kg = 7.5, .cost = 12,
		.baseline_emissions_kg = 9, .runtime_quantile = 0.9,
		.jobs = f->jobs, .njobs = 3,
		.unplaced = f->unplaced, .nunplaced = 1,
	};
	f->plan2 = f->plan;
	f->plan2.policy = "fifo";
	f->plan2.emissions_kg = 9;
	f->items[0] = (struct report_plan){"plan-milp.json", &f->plan};
	f->items[1] = (struct report_plan){"plan-fifo.json", &f->plan2};
	f->in = (struct report_input){
		.catalog = &f->cat, .plans = f->items, .nplans = 1,
		.get_ci = fake_ci, .get_ci_ctx = &f->calls,
		.generated = T0 + 86400 * 3,
	};
}

static char *render(const struct report_input *in)
{
	struct strbuf sb;
	struct errmsg err;

	strbuf_init(&sb);
	if (report_render(in, &sb, &err) < 0)
		fail_msg("report_render: %s", err.msg);
	return strbuf_detach(&sb);
}

/* Any http(s):// must be an xmlns attribute inside an <svg ...> tag. */
static void assert_no_external_refs(const char *html)
{
	static const char *const schemes[] = {"http://", "https://"};

	for (size_t k = 0; k < 2; k++) {
		for (const char *p = strstr(html, schemes[k]); p;
		     p = strstr(p + 1, schemes[k])) {
			const char *tag = p;
			bool xmlns = (p - html >= 7 &&
				      !strncmp(p - 7, "xmlns=\"", 7)) ||
				     (p - html >= 13 &&
				      !strncmp(p - 13, "xmlns:xlink=\"", 13));
			while (tag > html && *tag != '<' && *tag != '>')
				tag--;
			if (!xmlns || strncmp(tag, "<svg ", 5))
				fail_msg("external reference at: %.60s", p);
		}
	}
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<link"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, "@font-face"));
}

static void test_render_one_plan(void **state)
{
	struct fixture f;
	char *html;

	fixture_init(&f);
	html = render(&f.in);
	assert_int_equal(f.calls, 2);
	assert_non_null(strstr(html, "<!DOCTYPE html>"));
	assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(html, "name=\"viewport\""));
	assert_non_null(strstr(html, "@media print"));
	assert_non_null(strstr(html, "class=\"table-wrap\""));
	/* every job id, the evil one escaped, and the unplaced one */
	assert_non_null(strstr(html, "train-resnet-7"));
	assert_non_null(strstr(html, "etl-nightly"));
	assert_non_null(strstr(html, EVIL_ESC));
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(html, "too-big&lt;1&gt;"));
	assert_non_null(strstr(html, "needs 99 gpu"));
	/* one chart per site, their ids kept apart, no XML prolog */
	assert_non_null(strstr(html, "<svg "));
	assert_non_null(strstr(html, " id=\"c0-"));
	assert_non_null(strstr(html, " id=\"c1-"));
	assert_non_null(strstr(html, "href=\"#c0-"));
	assert_null(strstr(html, " id=\"glyph"));
	assert_null(strstr(html, "<?xml"));
	assert_non_null(strstr(html, "(no carbon-intensity data)"));
	/* units written out, totals, what the plan assumed */
	assert_non_null(strstr(html, "kg CO2eq"));
	assert_non_null(strstr(html, "kWh"));
	assert_non_null(strstr(html, "forecast:snaive@2021-06-28T00:00:00Z"));
	assert_non_null(strstr(html, "<div class=\"v\">7.50</div>"));
	assert_non_null(strstr(html, "16.7&#8239;%")); /* 1.5 of 9 kg */
	assert_non_null(strstr(html, "in 2 parts"));
	assert_non_null(strstr(html, "runtime predicted"));
	assert_non_null(strstr(html, "<dd>1 of 3 predicted from past runs, "
				     "planned on P90; the rest given"));
	assert_null(strstr(html, "Plans compared"));
	assert_no_external_refs(html);
	free(html);
}

static void test_render_jobs_sorted(void **state)
{
	struct fixture f;
	char *html, *a, *b, *c;

	fixture_init(&f);
	html = render(&f.in);
	a = strstr(html, "<td>etl-nightly</td>");
	b = strstr(html, "<td>train-resnet-7</td>");
	c = strstr(html, "<td>" EVIL_ESC "</td>");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(a < b && b < c);
	free(html);
}

static void test_render_comparison(void **state)
{
	struct fixture f;
	char *html;

	fixture_init(&f);
	f.in.nplans = 2;
	html = render(&f.in);
	assert_non_null(strstr(html, "Plans compared"));
	assert_non_null(strstr(html, "<td title=\"plan-fifo.json\">plan-fifo.json</td><td>fifo"));
	assert_non_null(strstr(html, "show the first plan, <code>"
				     "plan-milp.json</code>"));
	assert_no_external_refs(html);
	free(html);
}

/*
 * One plan that carries its policies compares with them; a plan given
 * for the same policy takes its row; without an oracle a note says why.
 */
static void test_render_policies(void **state)
{
	struct plan_policy pol[3] = {
		{"fifo", false, "feasible", 9.5, 31, 13, 9, 3, 1},
		{"greedy", false, "feasible", 8, 30, 12, 9, 3, 1},
		{"search", true, "feasible", 6, 29, 11, 9, 3, 1},
	};
	struct fixture f;
	char *html;

	fixture_init(&f);
	f.plan.policies = pol;
	f.plan.npolicies = 2;
	html = render(&f.in);
	assert_non_null(strstr(html, "Plans compared"));
	assert_non_null(strstr(html, "<tr><td><small>solved with the first "
				     "plan</small></td><td>fifo</td><td>carbon"
				     "</td><td>feasible</td><td class=\"num\">"
				     "9.50</td><td class=\"num\">n/a</td>"));
	assert_non_null(strstr(html, "<td>greedy</td>"));
	/* 9.5 against 7.5 kg: 2 kg, 21 % less */
	assert_non_null(strstr(html, "<li><b>fifo</b> <small>(solved with the "
				     "first plan)</small>: 9.50&nbsp;kg CO2eq; "
				     "this plan emits 2.00&nbsp;kg (21.1&#8239;%) "
				     "less</li>"));
	assert_non_null(strstr(html, "No oracle: planning with perfect "
				     "foresight needs the carbon intensity "
				     "recorded"));
	free(html);

	/* the fifo plan given takes the fifo row; the oracle is there */
	f.plan.npolicies = 3;
	f.in.nplans = 2;
	html = render(&f.in);
	assert_non_null(strstr(html, "<td title=\"plan-fifo.json\">"
				     "plan-fifo.json</td><td>fifo"));
	assert_null(strstr(html, "plan</small></td><td>fifo</td>"));
	assert_non_null(strstr(html, "plan</small></td><td>greedy</td>"));
	assert_non_null(strstr(html, "plan</small></td><td>search (oracle)"
				     "</td><td>carbon</td><td>feasible</td><td "
				     "class=\"num\">6.00</td><td class=\"num\">"
				     "6.00</td>"));
	assert_null(strstr(html, "No oracle"));
	assert_no_external_refs(html);
	free(html);

	/* an oracle plan's entries are its yardsticks on recorded values */
	f.plan.oracle = true;
	f.in.nplans = 1;
	pol[0].oracle = true;
	f.plan.npolicies = 1;
	html = render(&f.in);
	assert_non_null(strstr(html, "plan</small></td><td>fifo (oracle)</td>"));
	assert_null(strstr(html, "No oracle"));
	free(html);
}

/* A fake report_backtest_fn: "EMPTY" lacks history, others have two. */
static int fake_backtest(void *ctx, const char *zone, gs_time before,
			 int64_t horizon_s, struct report_backtest *out,
			 struct errmsg *err)
{
	static const char *const names[] = {"greenslot", "seasonal_naive"};
	int *calls = ctx;

	(*calls)++;
	assert_true(before == T0 && horizon_s == 48 * 3600);
	if (!strcmp(zone, "EMPTY")) {
		out->why = "too little <recorded>";
		return 0;
	}
	out->from = T0 - 14 * 86400;
	out->to = T0 - 2 * 86400 + 1;
	out->horizon_s = horizon_s;
	out->issues = 13;
	out->models = xcalloc(2, sizeof(*out->models));
	for (size_t m = 0; m < 2; m++) {
		out->models[m].name = xstrdup(names[m]);
		out->models[m].fq = (struct report_fq){
			624, 624, m ? 0 : 624, 500, 600, 10.0 + (double)m,
			5.0 + (double)m, -1, m ? (double)NAN : 0.8,
			m ? (double)NAN : 0.95};
	}
	out->nmodels = 2;
	return 0;
}

static void test_render_backtests(void **state)
{
	struct fixture f;
	int calls = 0;
	char *html;

	fixture_init(&f);
	f.in.get_backtest = fake_backtest;
	f.in.get_backtest_ctx = &calls;
	html = render(&f.in);
	assert_int_equal(calls, 2);
	assert_non_null(strstr(html, "<h3>Backtest over the 14 days before "
				     "the plan</h3>"));
	assert_non_null(strstr(html, "<tr class=\"zone\"><td>CISO</td><td>"
				     "greenslot</td><td class=\"num\">13</td>"
				     "<td class=\"num\">624</td><td class=\""
				     "num\">10.0</td><td class=\"num\">5.00"
				     "</td><td class=\"num\">-1.00</td><td "
				     "class=\"num\">80&#8239;%</td><td class="
				     "\"num\">95&#8239;%</td></tr>"));
	assert_non_null(strstr(html, "<tr><td>CISO</td><td>seasonal_naive"
				     "</td><td class=\"num\">13</td>"));
	assert_non_null(strstr(html, "n/a</td><td class=\"num\">n/a</td>"
				     "</tr>"));
	assert_non_null(strstr(html, "from <time datetime=\"2021-06-14T00:00"
				     ":00Z\">"));
	assert_non_null(strstr(html, "48&nbsp;h ahead"));
	assert_non_null(strstr(html, "Not backtested: EMPTY, too little "
				     "&lt;recorded&gt;."));
	assert_no_external_refs(html);
	free(html);
}

/* At most PAGE_BT_ZONES zones are backtested; the others are counted. */
static void test_render_backtests_capped(void **state)
{
	struct site sites[10];
	char zones[10][16], ids[10][16];
	struct fixture f;
	int calls = 0;
	char *html;

	fixture_init(&f);
	for (int i = 0; i < 10; i++) {
		snprintf(zones[i], sizeof(zones[i]), "Z%d", i);
		snprintf(ids[i], sizeof(ids[i]), "s%d", i);
		sites[i] = (struct site){.id = ids[i], .zone = zones[i]};
	}
	sites[0].id = "ca-north";
	sites[1].id = "empty-site";
	f.cat.sites = sites;
	f.cat.nsites = 10;
	f.in.get_backtest = fake_backtest;
	f.in.get_backtest_ctx = &calls;
	html = render(&f.in);
	assert_int_equal(calls, 8);
	assert_non_null(strstr(html, "<td>Z7</td><td>greenslot</td>"));
	assert_null(strstr(html, "<td>Z8</td><td>greenslot</td>"));
	assert_non_null(strstr(html, "Not backtested: 2 more zones (at most 8 "
				     "per report)."));
	free(html);
}

/* The first plan on recorded values: the forecast of the next one. */
static void test_render_fq_from_later_plan(void **state)
{
	struct fixture f;
	char *html;

	fixture_init(&f);
	f.plan.oracle = true;
	f.plan.signal_source = NULL;
	f.in.nplans = 2;
	html = render(&f.in);
	assert_int_equal(f.calls, 4); /* CI of both zones for each plan */
	assert_non_null(strstr(html, "this is the forecast <code>"
				     "plan-fifo.json</code> assumed"));
	assert_non_null(strstr(html, "<tr><td>CISO</td><td><time datetime=\""
				     "2021-06-28T00:00:00Z\">"));
	assert_null(strstr(html, "made on recorded values, not on a forecast"));
	free(html);
	f.plan2.oracle = true;
	f.calls = 0;
	html = render(&f.in);
	assert_int_equal(f.calls, 2);
	assert_non_null(strstr(html, "The plans were made on recorded values, "
				     "not on a forecast."));
	free(html);
}

static void test_render_oracle_asks_no_forecast(void **state)
{
	struct fixture f;
	char *html;

	fixture_init(&f);
	f.plan.oracle = true;
	f.plan.signal_source = NULL;
	html = render(&f.in);
	assert_non_null(strstr(html, "recorded values (oracle)"));
	assert_null(strstr(html, "as forecast when the plan was made"));
	free(html);
	f.plan.oracle = false;
	html = render(&f.in);
	assert_non_null(strstr(html, "as forecast when the plan was made"));
	free(html);
}

static void test_render_errors(void **state)
{
	struct fixture f;
	struct strbuf sb;
	struct errmsg err;

	fixture_init(&f);
	strbuf_init(&sb);
	strbuf_addstr(&sb, "kept");
	f.cat.nsites = 3; /* the failing zone */
	assert_int_equal(report_render(&f.in, &sb, &err), -1);
	assert_string_equal(err.msg, "no store for 'FAIL'");
	assert_string_equal(sb.buf, "kept");

	f.cat.nsites = 2;
	f.jobs[0].site = "nowhere";
	assert_int_equal(report_check(&f.in, &err), -1);
	assert_string_equal(err.msg, "unknown site 'nowhere' of job "
				     "'train-resnet-7' in plan "
				     "'plan-milp.json' (not in 'sites.json')");
	assert_int_equal(report_render(&f.in, &sb, &err), -1);
	assert_string_equal(sb.buf, "kept");

	f.in.nplans = 0;
	assert_int_equal(report_check(&f.in, &err), -1);
	assert_string_equal(err.msg, "no plan to report on");
	strbuf_release(&sb);
}

static void test_render_without_series(void **state)
{
	struct fixture f;
	char *html;

	fixture_init(&f);
	f.in.get_ci = NULL;
	f.in.generated = GS_TIME_NONE;
	f.plan.start = GS_TIME_NONE; /* horizon from the jobs instead */
	f.plan.end = GS_TIME_NONE;
	html = render(&f.in);
	assert_non_null(strstr(html, "<svg "));
	assert_null(strstr(html, "generated"));
	free(html);
}

static void test_chart_formats(void **state)
{
	struct series rec;
	struct chart_bar bar = {.label = "job-1", .start = T0 + 7200,
				.end = T0 + 4 * 3600};
	struct chart c = {
		.title = "site (zone)", .y_label = "gCO2eq/kWh",
		.from = T0, .to = T0 + 86400, .recorded = &rec,
		.bars = &bar, .nbars = 1,
	};
	struct strbuf out;
	struct errmsg err;
	double w, h;

	series_init(&rec);
	fill_series(&rec, T0, 24, 200);
	chart_pack_lanes(&c);
	chart_size(&c, &w, &h);
	assert_true(w > 0 && h > 0);
	strbuf_init(&out);
	assert_int_equal(chart_render(&c, CHART_PNG, NULL, &out, &err), 0);
	assert_true(out.len > 1000);
	assert_memory_equal(out.buf, "\x89PNG", 4);
	strbuf_reset(&out);
	assert_int_equal(chart_render(&c, CHART_PDF, NULL, &out, &err), 0);
	assert_memory_equal(out.buf, "%PDF", 4);
	strbuf_reset(&out);
	assert_int_equal(chart_render(&c, CHART_SVG, "x-", &out, &err), 0);
	assert_memory_equal(out.buf, "<svg", 4);
	assert_non_null(strstr(out.buf, "</svg>"));
	/* an invalid UTF-8 title must not put cairo in an error state */
	c.title = "bad \xff title";
	strbuf_reset(&out);
	assert_int_equal(chart_render(&c, CHART_SVG, NULL, &out, &err), 0);
	strbuf_release(&out);
	series_release(&rec);
}

/* ------------------------------------------------------------------ */

static void put(struct store *st, const char *source, gs_time issued,
		double base, bool band)
{
	struct store_point pts[6];
	struct errmsg err;

	for (int i = 0; i < 6; i++)
		pts[i] = (struct store_point){
			.zone = "CISO", .signal = "carbon_intensity",
			.time = (issued == GS_TIME_NONE ? T0 - 3600 : T0) +
				i * 3600,
			.value = base + i, .issued = issued,
			.lo80 = band ? base - 10 + i : (double)NAN,
			.hi80 = band ? base + 10 + i : (double)NAN,
			.lo95 = (double)NAN, .hi95 = (double)NAN,
		};
	if (store_put_points(st, source, pts, 6, T0, NULL, &err) < 0)
		fail_msg("store_put_points: %s", err.msg);
}

/*
 * report_store_backtest(): not run on a store without the history; on
 * 40 days of a daily cycle, over the window it documents.
 */
static void check_store_backtest(struct store *st)
{
	struct store_point *pts = xcalloc(40 * 24, sizeof(*pts));
	struct report_backtest bt = {0};
	struct errmsg err;

	assert_int_equal(report_store_backtest(st, "CISO", T0, 48 * 3600,
					       &bt, &err), 0);
	assert_int_equal(bt.nmodels, 0);
	assert_non_null(strstr(bt.why, "too little recorded"));
	report_backtest_release(&bt);
	for (int i = 0; i < 40 * 24; i++)
		pts[i] = (struct store_point){
			.zone = "BT", .signal = "carbon_intensity",
			.time = T0 - 40 * 86400 + i * 3600,
			.value = 200 + 50 * sin(i * M_PI / 12),
			.issued = GS_TIME_NONE, .lo80 = (double)NAN,
			.hi80 = (double)NAN, .lo95 = (double)NAN,
			.hi95 = (double)NAN};
	if (store_put_points(st, "bt", pts, 40 * 24, T0, NULL, &err) < 0)
		fail_msg("store_put_points: %s", err.msg);
	free(pts);
	if (report_store_backtest(st, "BT", T0, 72 * 3600, &bt, &err) < 0)
		fail_msg("report_store_backtest: %s", err.msg);
	assert_true(bt.from == T0 - 14 * 86400);
	assert_true(bt.horizon_s == 48 * 3600); /* capped */
	assert_int_equal(bt.issues, 13);        /* T0-14d .. T0-2d */
	assert_int_equal(bt.nmodels, 2);
	assert_string_equal(bt.models[0].name, "greenslot");
	assert_string_equal(bt.models[1].name, "seasonal_naive");
	assert_int_equal(bt.models[1].fq.n, 13 * 48);
	assert_true(bt.models[1].fq.mae < 1e-6); /* the cycle repeats */
	assert_true(isnan(bt.models[1].fq.cov80) || bt.models[1].fq.nint);
	report_backtest_release(&bt);
	/* 20 days before: the window starts 14 days after the first value */
	if (report_store_backtest(st, "BT", T0 - 20 * 86400, 24 * 3600, &bt,
				  &err) < 0)
		fail_msg("report_store_backtest: %s", err.msg);
	assert_true(bt.from == T0 - 26 * 86400);
	assert_int_equal(bt.issues, 6); /* T0-26d .. T0-21d */
	report_backtest_release(&bt);
}

/* report_store_ci() on a real store: the forecast picked and its band. */
/* The recorded values on a slot grid, as the solver's oracle sees them. */
static void check_store_actual(struct store *st)
{
	struct site site = {.id = "a", .zone = "CISO", .weather = "a",
			    .pue_base = 1, .speed = 1};
	struct catalog cat = {.sites = &site, .nsites = 1};
	struct report_store_ctx ctx = {st, &cat};
	struct solver_grid g = {T0, 3600, 6};
	struct solver_signals sg;
	struct errmsg err;

	solver_signals_init(&sg, &g, 1, 0);
	if (report_store_actual(&ctx, &sg, &err) < 0)
		fail_msg("report_store_actual: %s", err.msg);
	assert_true(sg.ci[0] == 101 && sg.ci[4] == 105);
	assert_true(isnan(sg.ci[5])); /* past the last point's hold */
	solver_signals_release(&sg);
}

static void check_store_health(struct store *st)
{
	struct report_health h = {0};
	struct errmsg err;

	assert_int_equal(store_log_ingest(st, "feed-b", 10, 20, true, 5,
					  "5 points: 5 new, 0 updated, "
					  "2 rejected", &err), 0);
	assert_int_equal(store_log_ingest(st, "feed-b", 30, 40, false, 0,
					  "boom", &err), 0);
	assert_int_equal(store_log_ingest(st, "feed-a", 1, 2, true, 4, NULL,
					  &err), 0);
	assert_int_equal(report_store_health(st, &h, &err), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.feeds[0].feed, "feed-a");
	assert_true(h.feeds[0].last_ok == 2);
	assert_int_equal(h.feeds[0].rejected, -1); /* not said */
	assert_null(h.feeds[0].last_message);
	assert_string_equal(h.feeds[1].feed, "feed-b");
	assert_true(h.feeds[1].last_ok == 20 && h.feeds[1].last_run == 40);
	assert_int_equal(h.feeds[1].last_ok_points, 5);
	assert_int_equal(h.feeds[1].rejected, 2);
	assert_false(h.feeds[1].last_run_ok);
	assert_string_equal(h.feeds[1].last_message, "boom");
	assert_int_equal(h.feeds[1].runs, 2);
	assert_int_equal(h.feeds[1].failed, 1);
	report_health_release(&h);
}

static void test_store_ci(void **state)
{
	char dir[] = "/tmp/test-report.XXXXXX";
	struct strbuf path;
	struct store *st;
	struct report_ci ci;
	struct errmsg err;

	assert_non_null(mkdtemp(dir));
	strbuf_init(&path);
	strbuf_addf(&path, "%s/gs.db", dir);
	if (store_open(path.buf, 0, &st, &err) < 0)
		fail_msg("store_open: %s", err.msg);
	put(st, "ciso", GS_TIME_NONE, 100, false);
	put(st, "greenslot", T0 - 3600, 200, true);
	put(st, "other", T0, 300, false);

	report_ci_init(&ci);
	assert_int_equal(report_store_ci(st, "CISO", T0, T0 + 6 * 3600, T0,
					 &ci, &err), 0);
	assert_int_equal(ci.recorded.n, 6); /* with the one before T0 */
	assert_true(ci.recorded.t[0] == T0 - 3600);
	assert_true(ci.forecast_issued == T0 - 3600); /* ours first */
	assert_int_equal(ci.forecast.n, 6);
	assert_true(ci.forecast.v[0] == 200);
	assert_int_equal(ci.lo80.n, 6);
	assert_int_equal(ci.hi80.n, 6);
	assert_true(ci.lo80.v[5] == 195 && ci.hi80.v[5] == 215);
	report_ci_release(&ci);

	report_ci_init(&ci);
	assert_int_equal(report_store_ci(st, "CISO", T0, T0 + 6 * 3600,
					 GS_TIME_NONE, &ci, &err), 0);
	assert_int_equal(ci.forecast.n, 0);
	assert_true(ci.forecast_issued == GS_TIME_NONE);
	report_ci_release(&ci);

	report_ci_init(&ci);
	assert_int_equal(report_store_ci(st, "NOWHERE", T0, T0 + 6 * 3600, T0,
					 &ci, &err), 0);
	assert_int_equal(ci.recorded.n + ci.forecast.n + ci.lo80.n, 0);
	report_ci_release(&ci);

	check_store_actual(st);
	check_store_health(st);
	check_store_backtest(st);
	store_free(st);
	for (size_t i = 0; i < 4; i++) {
		static const char *const suffix[] = {"", "-wal", "-shm",
						     "-journal"};
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/gs.db%s", dir, suffix[i]);
		unlink(path.buf);
	}
	assert_int_equal(rmdir(dir), 0);
	strbuf_release(&path);
}

/* ------------------------------------------------------------------ */
/* Scores, gaps, heatmap bins, forecast quality                        */
/* ------------------------------------------------------------------ */

/* cmocka's float assertion works in float: compare doubles here. */
static void assert_near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-9))
		fail_msg("got %.12g, want %.12g", got, want);
}

/* Recorded CI on a 1-hour grid of 6 slots for 2 sites; NAN = unknown. */
static void actual_signals(struct solver_signals *sg)
{
	struct solver_grid g = {T0, 3600, 6};
	const double ci[2][6] = {
		{100, 200, 300, 400, (double)NAN, (double)NAN},
		{50, 50, 50, 50, 50, 50},
	};

	solver_signals_init(sg, &g, 2, 0);
	for (size_t s = 0; s < 2; s++)
		for (size_t t = 0; t < 6; t++)
			sg->ci[s * 6 + t] = ci[s][t];
}

static void test_score_plan(void **state)
{
	struct site sites[2] = {{.id = "a", .zone = "A"}, {.id = "b", .zone = "B"}};
	struct catalog cat = {.sites = sites, .nsites = 2};
	struct plan_job jobs[3];
	struct plan_segment segs[2] = {{T0, T0 + 3600},
				       {T0 + 3 * 3600, T0 + 5 * 3600}};
	struct plan p = {.jobs = jobs, .njobs = 3};
	struct solver_signals sg;
	struct report_score sc;

	job(&jobs[0], "two-slots", "a", T0 + 3600, T0 + 3 * 3600);
	jobs[0].energy_kwh = 10; /* 5 kWh at 200 and 5 at 300 g/kWh */
	jobs[0].emissions_kg = 2;
	job(&jobs[1], "parts", "a", T0, T0 + 5 * 3600);
	jobs[1].segments = segs;
	jobs[1].nsegments = 2;
	jobs[1].energy_kwh = 3; /* 1 kWh in slots 0, 3 and 4 (unknown) */
	jobs[1].emissions_kg = 0.6;
	job(&jobs[2], "other-site", "b", T0 + 5 * 3600, T0 + 6 * 3600);
	jobs[2].energy_kwh = 4;
	jobs[2].emissions_kg = 1;
	actual_signals(&sg);
	report_score_plan(&p, &cat, &sg, &sc);
	assert_int_equal(sc.slots, 2 + 3 + 1);
	assert_int_equal(sc.known, 2 + 2 + 1);
	assert_near(sc.job_actual_kg[0], 5 * 0.2 + 5 * 0.3);
	assert_near(sc.job_actual_kg[1], 0.1 + 0.4);
	assert_near(sc.job_actual_kg[2], 4 * 0.05);
	assert_near(sc.actual_kg, 2.5 + 0.5 + 0.2);
	/* expected over the same slots: 2 of the 3 slots of "parts" */
	assert_near(sc.expected_kg, 2 + 0.4 + 1);
	report_score_release(&sc);

	/* a job outside the grid, or on an unknown site, is not scored */
	jobs[0].start = T0 + 10 * 3600;
	jobs[0].end = T0 + 12 * 3600;
	jobs[2].site = "nowhere";
	report_score_plan(&p, &cat, &sg, &sc);
	assert_true(isnan(sc.job_actual_kg[0]));
	assert_true(isnan(sc.job_actual_kg[2]));
	assert_int_equal(sc.known, 2);
	report_score_release(&sc);
	solver_signals_release(&sg);
}

static void test_plan_grid(void **state)
{
	struct plan_job jobs[1];
	struct plan p = {.start = T0, .end = T0 + 5400, .slot_s = 1800};
	struct solver_grid g;

	assert_true(report_plan_grid(&p, &g));
	assert_int_equal(g.start, T0);
	assert_int_equal(g.slot_s, 1800);
	assert_int_equal(g.nslots, 3);
	/* no horizon: the jobs' span, hourly slots when none is said */
	job(&jobs[0], "j", "a", T0 + 600, T0 + 4000);
	p = (struct plan){.start = GS_TIME_NONE, .end = GS_TIME_NONE,
			  .jobs = jobs, .njobs = 1};
	assert_true(report_plan_grid(&p, &g));
	assert_int_equal(g.start, T0 + 600);
	assert_int_equal(g.slot_s, 3600);
	assert_int_equal(g.nslots, 1);
	p.njobs = 0;
	assert_false(report_plan_grid(&p, &g));
}

static void push_all(struct series *s, const gs_time *t, const double *v,
		     size_t n, int64_t hold)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(series_push(s, t[i], v[i]), 0);
	s->last_hold = hold;
}

static void test_series_gaps(void **state)
{
	/* hourly, with 02:00-04:00 missing and nothing after 06:00 */
	const gs_time t[] = {T0, T0 + 3600, T0 + 4 * 3600, T0 + 5 * 3600};
	const double v[] = {1, 2, 3, 4};
	struct series s;
	struct report_gaps g;

	series_init(&s);
	push_all(&s, t, v, 4, 3600);
	/* a point holds until the next, so 01:00 holds to 04:00: no gap */
	report_series_gaps(&s, T0, T0 + 6 * 3600, &g);
	assert_int_equal(g.n, 0);
	report_series_gaps(&s, T0 - 3600, T0 + 9 * 3600, &g);
	assert_int_equal(g.n, 2);           /* before 00:00, after 06:00 */
	assert_int_equal(g.missing_s, 4 * 3600);
	assert_int_equal(g.longest_s, 3 * 3600);
	series_release(&s);
	series_init(&s);
	report_series_gaps(&s, T0, T0 + 7200, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.missing_s, 7200);
	series_release(&s);
}

static void test_heatmap_bins(void **state)
{
	/* recorded for the first 90 minutes; a forecast for 4 hours */
	const gs_time tr[] = {T0, T0 + 1800, T0 + 3600};
	const double vr[] = {100, 200, 300};
	const gs_time tf[] = {T0, T0 + 3600 * 2};
	const double vf[] = {10, 20};
	struct series rec, fc;
	struct heatmap h;
	struct strbuf out;
	struct errmsg err;

	series_init(&rec);
	series_init(&fc);
	push_all(&rec, tr, vr, 3, 1800);
	push_all(&fc, tf, vf, 2, 2 * 3600);
	assert_int_equal(heatmap_bin_for(T0, T0 + 72 * 3600), 3600);
	assert_int_equal(heatmap_bin_for(T0, T0 + 14 * 86400), 7200);
	heatmap_init(&h, T0, T0 + 5 * 3600, 3600, 2);
	assert_int_equal(h.ncols, 5);
	heatmap_fill_row(&h, 0, "site-a", &rec, &fc);
	heatmap_fill_row(&h, 1, "site-b", NULL, NULL);
	assert_near(h.v[0], 150);  /* recorded mean */
	assert_int_equal(h.recorded[0], 1);
	assert_near(h.v[1], 300);  /* the part it covers */
	assert_int_equal(h.recorded[1], 1);
	assert_near(h.v[2], 20);   /* forecast only */
	assert_int_equal(h.recorded[2], 0);
	assert_true(isnan(h.v[4]));             /* nothing */
	assert_true(isnan(h.v[5]));             /* the empty row */
	h.title = "heat <map>";
	strbuf_init(&out);
	assert_int_equal(heatmap_render(&h, CHART_SVG, "h-", &out, &err), 0);
	assert_memory_equal(out.buf, "<svg role=\"img\" aria-label=\"heat "
				     "&lt;map&gt;\" xmlns=", 52);
	assert_non_null(strstr(out.buf, " id=\"h-"));
	strbuf_reset(&out);
	assert_int_equal(heatmap_render(&h, CHART_PNG, NULL, &out, &err), 0);
	assert_memory_equal(out.buf, "\x89PNG", 4);
	strbuf_release(&out);
	heatmap_release(&h);
	series_release(&rec);
	series_release(&fc);
}

static void test_forecast_quality(void **state)
{
	const gs_time t[] = {T0, T0 + 3600, T0 + 7200, T0 + 3 * 3600};
	const double actual[] = {100, 200, 0, 400};
	const double fc[] = {110, 180, 10};
	const double lo[] = {90, 205, 5}, hi[] = {120, 210, 20};
	const double lo95[] = {80, 170, 1}, hi95[] = {130, 230, 30};
	struct report_ci ci;
	struct report_fq q;

	report_ci_init(&ci);
	push_all(&ci.recorded, t, actual, 4, 3600);
	push_all(&ci.forecast, t, fc, 3, 3600);   /* not the last hour */
	push_all(&ci.lo80, t, lo, 3, 3600);
	push_all(&ci.hi80, t, hi, 3, 3600);
	push_all(&ci.lo95, t, lo95, 3, 3600);
	push_all(&ci.hi95, t, hi95, 3, 3600);
	report_forecast_quality(&ci, T0, T0 + 4 * 3600, &q);
	assert_int_equal(q.n, 3);
	assert_near(q.mae, (10 + 20 + 10) / 3.0);
	assert_near(q.bias, (10 - 20 + 10) / 3.0);
	assert_int_equal(q.mape_n, 2);            /* not the zero actual */
	assert_near(q.mape, (10.0 + 10.0) / 2);
	assert_near(q.cov80, 1 / 3.0); /* only 100 in 90..120 */
	assert_near(q.cov95, 2 / 3.0); /* not 0 in 1..30 */
	report_forecast_quality(&ci, T0 + 5 * 3600, T0 + 6 * 3600, &q);
	assert_int_equal(q.n, 0);
	assert_true(isnan(q.mae));
	report_ci_release(&ci);
}

/* A fake report_actual_fn: the recorded CI of actual_signals(). */
static int fake_actual(void *ctx, struct solver_signals *out,
		       struct errmsg *err)
{
	for (size_t t = 0; t < out->grid.nslots; t++)
		out->ci[t] = 100;
	return 0;
}

static int fake_health(void *ctx, struct report_health *h,
		       struct errmsg *err)
{
	h->feeds = xcalloc(1, sizeof(*h->feeds));
	h->n = 1;
	h->feeds[0] = (struct report_feed){
		.feed = xstrdup("feed<1>"), .last_ok = T0, .rejected = 3,
		.last_run = T0 + 60, .last_message = xstrdup("boom & co"),
		.runs = 2, .failed = 1};
	return 0;
}

static void test_render_scored_and_health(void **state)
{
	struct fixture f;
	char *html;

	fixture_init(&f);
	f.in.nplans = 2;
	f.in.get_actual = fake_actual;
	f.in.get_health = fake_health;
	html = render(&f.in);
	/* train-resnet-7 at ca-north: 10 kWh over 12 slots of 100 g/kWh */
	assert_non_null(strstr(html, "<dt>on recorded values</dt>"));
	assert_non_null(strstr(html, "<td class=\"num\">2.50</td>"
				     "<td class=\"num\">1.00</td>"));
	assert_non_null(strstr(html, "<b>fifo</b> <small>(plan-fifo.json)"
				     "</small>: 9.00&nbsp;kg CO2eq; this "
				     "plan emits 1.50&nbsp;kg (16.7&#8239;%) "
				     "less"));
	assert_non_null(strstr(html, "<td>feed&lt;1&gt;</td>"));
	assert_non_null(strstr(html, "<td class=\"num\">3</td>"
				     "<td class=\"num\">1 of 2</td>"
				     "<td>FAILED boom &amp; co</td>"));
	assert_non_null(strstr(html, "<section id=\"heatmap\">"));
	assert_non_null(strstr(html, "<section id=\"forecast\">"));
	assert_no_external_refs(html);
	free(html);
	/* a plan for other jobs is not compared */
	f.plan2.njobs = 1;
	html = render(&f.in);
	assert_non_null(strstr(html, "not for the same jobs"));
	free(html);
}

static void test_chart_by_name(void **state)
{
	struct fixture f;
	struct strbuf out;
	struct errmsg err;

	fixture_init(&f);
	strbuf_init(&out);
	report_chart_names(&f.in, &out);
	assert_string_equal(out.buf, "heatmap\ntimeline:ca-north\n"
				     "timeline:empty-site\n");
	strbuf_reset(&out);
	assert_int_equal(report_chart(&f.in, "timeline:ca-north", CHART_PDF,
				      &out, &err), 0);
	assert_memory_equal(out.buf, "%PDF", 4);
	strbuf_reset(&out);
	assert_int_equal(report_chart(&f.in, "heatmap", CHART_SVG, &out,
				      &err), 0);
	assert_memory_equal(out.buf, "<svg", 4);
	assert_int_equal(report_chart(&f.in, "timeline:mars", CHART_SVG,
				      &out, &err), -1);
	assert_non_null(strstr(err.msg, "unknown chart 'timeline:mars'"));
	strbuf_release(&out);
}

static void test_chart_aggregates_many_jobs(void **state)
{
	struct chart_bar bars[40];
	struct chart c = {.title = "busy", .from = T0, .to = T0 + 86400,
			  .bars = bars, .nbars = 40};
	const double use[2] = {0.5, 1.2};
	struct strbuf out;
	struct errmsg err;

	for (int i = 0; i < 40; i++)
		bars[i] = (struct chart_bar){.label = "j", .start = T0,
					     .end = T0 + 3600 * (1 + i % 5)};
	chart_pack_lanes(&c);
	assert_int_equal(c.nlanes, 40);
	assert_true(chart_aggregated(&c));
	c.use = use;
	c.nuse = 2;
	c.use_start = T0;
	c.use_step = 43200;
	strbuf_init(&out);
	assert_int_equal(chart_render(&c, CHART_PNG, NULL, &out, &err), 0);
	strbuf_release(&out);
	c.nbars = 3;
	chart_pack_lanes(&c);
	assert_false(chart_aggregated(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_markup),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_bad_utf8),
		cmocka_unit_test(test_pack_lanes),
		cmocka_unit_test(test_render_one_plan),
		cmocka_unit_test(test_render_jobs_sorted),
		cmocka_unit_test(test_render_comparison),
		cmocka_unit_test(test_render_policies),
		cmocka_unit_test(test_render_backtests),
		cmocka_unit_test(test_render_backtests_capped),
		cmocka_unit_test(test_render_fq_from_later_plan),
		cmocka_unit_test(test_render_oracle_asks_no_forecast),
		cmocka_unit_test(test_render_errors),
		cmocka_unit_test(test_render_without_series),
		cmocka_unit_test(test_chart_formats),
		cmocka_unit_test(test_store_ci),
		cmocka_unit_test(test_score_plan),
		cmocka_unit_test(test_plan_grid),
		cmocka_unit_test(test_series_gaps),
		cmocka_unit_test(test_heatmap_bins),
		cmocka_unit_test(test_forecast_quality),
		cmocka_unit_test(test_render_scored_and_health),
		cmocka_unit_test(test_chart_by_name),
		cmocka_unit_test(test_chart_aggregates_many_jobs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
