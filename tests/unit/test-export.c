/*
 * test-export.c - unit tests of what executing a plan rests on: shell
 * quoting (checked by a real /bin/sh), Kubernetes names, RAPL counters
 * with wraparound (on a fake powercap tree) and the metrics file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "solver/solver.h"
#include "tests/unit/unit.h"

/* What /bin/sh makes of `printf %s WORD`: the word must come back whole. */
static void sh_roundtrip(const char *s)
{
	struct strbuf cmd, got;
	FILE *p;
	char buf[256];
	size_t n;

	strbuf_init(&cmd);
	strbuf_init(&got);
	strbuf_addstr(&cmd, "printf %s ");
	shell_quote(&cmd, s);
	p = popen(cmd.buf, "r");
	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		strbuf_add(&got, buf, n);
	assert_int_equal(pclose(p), 0);
	assert_string_equal(got.buf, s);
	strbuf_release(&cmd);
	strbuf_release(&got);
}

static void test_shell_quote(void **state)
{
	static const char *const hostile[] = {
		"", "plain", "it's", "'", "''", "a'\\''b", "$(touch pwned)",
		"`touch pwned`", "$HOME ${X:-y}", "a\nb\n", "back\\slash\\",
		"semi; rm -rf nothing &", "\"dq\" *glob* ?", "tab\there",
	};
	struct strbuf sb;

	strbuf_init(&sb);
	shell_quote(&sb, "it's");
	assert_string_equal(sb.buf, "'it'\\''s'");
	strbuf_release(&sb);
	for (size_t i = 0; i < ARRAY_SIZE(hostile); i++)
		sh_roundtrip(hostile[i]);
	assert_int_equal(access("pwned", F_OK), -1);
}

static bool dns1123(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-'))
			return false;
	return true;
}

static void k8s(const char *id, const char *want_prefix, size_t want_len)
{
	struct strbuf sb;

	strbuf_init(&sb);
	export_k8s_name(id, &sb);
	assert_true(dns1123(sb.buf));
	assert_int_equal(strncmp(sb.buf, want_prefix, strlen(want_prefix)),
			 0);
	if (want_len)
		assert_int_equal(sb.len, want_len);
	strbuf_release(&sb);
}

static void test_k8s_names(void **state)
{
	char longid[200];
	struct strbuf a, b;

	k8s("etl-1", "greenslot-etl-1", strlen("greenslot-etl-1"));
	/* changed ids get a hash so that "A" and "a" stay apart */
	k8s("Train_ResNet 7", "greenslot-train-resnet-7-",
	    strlen("greenslot-train-resnet-7-") + 8);
	k8s("--x--", "greenslot-x-", strlen("greenslot-x-") + 8);
	k8s("", "greenslot-", strlen("greenslot-") + 8);
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	k8s(longid, "greenslot-aaaa", 63);
	strbuf_init(&a);
	strbuf_init(&b);
	export_k8s_name("A", &a);
	export_k8s_name("a", &b);
	assert_string_not_equal(a.buf, b.buf);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_rapl_diff(void **state)
{
	assert_int_equal(rapl_diff(100, 250, 1000), 150);
	assert_int_equal(rapl_diff(900, 50, 1000), 150);
	assert_int_equal(rapl_diff(UINT64_MAX - 9, 10, UINT64_MAX), 20);
}

static void put(const char *dir, const char *file, const char *v)
{
	struct strbuf p;

	strbuf_init(&p);
	strbuf_addf(&p, "%s/%s", dir, file);
	unit_write_file(p.buf, v);
	strbuf_release(&p);
}

static void test_rapl_fake_tree(void **state)
{
	static const char *const zones[] = {"pc/intel-rapl:0",
					    "pc/intel-rapl:0:0",
					    "pc/intel-rapl:1"};
	struct rapl r;

	assert_int_equal(mkdir("pc", 0755), 0);
	for (size_t i = 0; i < ARRAY_SIZE(zones); i++) {
		assert_int_equal(mkdir(zones[i], 0755), 0);
		put(zones[i], "energy_uj", "1000000\n");
		put(zones[i], "max_energy_range_uj", "2000000\n");
	}
	rapl_open(&r, "pc");
	assert_int_equal(r.n, 2); /* the subzone is part of its package */
	assert_true(rapl_poll(&r) == 0);
	put(zones[0], "energy_uj", "1500000\n");
	put(zones[1], "energy_uj", "1900000\n"); /* not counted */
	put(zones[2], "energy_uj", "250000\n");  /* wrapped: +1.25 J */
	assert_true(fabs(rapl_poll(&r) - 1.75) < 1e-9);
	put(zones[0], "energy_uj", "1600000\n");
	assert_true(fabs(rapl_poll(&r) - 1.85) < 1e-9);
	rapl_release(&r);
	for (size_t i = ARRAY_SIZE(zones); i-- > 0;) {
		struct strbuf p;
		strbuf_init(&p);
		strbuf_addf(&p, "%s/energy_uj", zones[i]);
		unlink(p.buf);
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/max_energy_range_uj", zones[i]);
		unlink(p.buf);
		strbuf_release(&p);
		rmdir(zones[i]);
	}
	rmdir("pc");
	rapl_open(&r, "no-such-dir");
	assert_int_equal(r.n, 0);
	assert_true(isnan(rapl_poll(&r)));
	rapl_release(&r);
}

static void test_metrics_file(void **state)
{
	struct metrics m;
	struct errmsg err;
	struct strbuf text;

	metrics_init(&m);
	metrics_add(&m, "gs_points", "points read", "feed", "a\"b\\c\nd", 3);
	metrics_add(&m, "gs_other", "other", NULL, NULL, 0.5);
	metrics_add(&m, "gs_points", "points read", "feed", "x", 1e6);
	metrics_finish(&m, "gs", true, 1700000000, "m.prom");
	assert_int_equal(metrics_write(&m, "m.prom", &err), 0);
	metrics_release(&m);
	strbuf_init(&text);
	assert_int_equal(strbuf_read_file(&text, "m.prom", 1 << 16), 0);
	assert_string_equal(text.buf,
		"# HELP gs_points points read\n# TYPE gs_points gauge\n"
		"gs_points{feed=\"a\\\"b\\\\c\\nd\"} 3\n"
		"gs_points{feed=\"x\"} 1000000\n"
		"# HELP gs_other other\n# TYPE gs_other gauge\n"
		"gs_other 0.5\n"
		"# HELP gs_success 1 if the last run succeeded, else 0\n"
		"# TYPE gs_success gauge\ngs_success 1\n"
		"# HELP gs_last_run_timestamp_seconds when the last run ended "
		"(Unix time)\n# TYPE gs_last_run_timestamp_seconds gauge\n"
		"gs_last_run_timestamp_seconds 1700000000\n"
		"# HELP gs_last_success_timestamp_seconds when a run last "
		"succeeded (Unix time)\n"
		"# TYPE gs_last_success_timestamp_seconds gauge\n"
		"gs_last_success_timestamp_seconds 1700000000\n");
	/* a failure keeps the last success of the file it replaces */
	metrics_init(&m);
	metrics_finish(&m, "gs", false, 1700000100, "m.prom");
	assert_int_equal(metrics_write(&m, "m.prom", &err), 0);
	metrics_release(&m);
	strbuf_reset(&text);
	assert_int_equal(strbuf_read_file(&text, "m.prom", 1 << 16), 0);
	assert_non_null(strstr(text.buf, "\ngs_success 0\n"));
	assert_non_null(strstr(text.buf, "\ngs_last_run_timestamp_seconds "
				     "1700000100\n"));
	assert_non_null(strstr(text.buf, "\ngs_last_success_timestamp_"
				     "seconds 1700000000\n"));
	strbuf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_quote),
		cmocka_unit_test(test_k8s_names),
		cmocka_unit_test(test_rapl_diff),
		cmocka_unit_test(test_rapl_fake_tree),
		cmocka_unit_test(test_metrics_file),
	};
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
