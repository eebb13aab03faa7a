/*
 * fuzz-time.c - RFC 3339 times and ISO 8601 durations (core/time.c), and
 * url templates (ingest/template.c), which format times: the input is one
 * string for all three.  What parses must format and parse back to the
 * same value.
 */
#include "tests/fuzz/fuzz.h"
#include "ingest/ingest.h"

static void check_time(const char *s)
{
	char buf[GS_TIME_BUFSZ];
	gs_time t, t2;

	if (time_parse(s, &t) < 0)
		return;
	time_format(t, buf);
	FUZZ_CHECK(strlen(buf) == 20); /* years 0000-9999 */
	FUZZ_CHECK(time_parse(buf, &t2) == 0);
	FUZZ_CHECK(t2 == t);
}

static void check_duration(const char *s)
{
	char buf[64];
	int64_t d, d2;

	if (duration_parse(s, &d) < 0)
		return;
	FUZZ_CHECK(d >= 0);
	duration_format(d, buf, sizeof(buf));
	FUZZ_CHECK(duration_parse(buf, &d2) == 0);
	FUZZ_CHECK(d2 == d);
}

static void check_template(const char *s)
{
	struct strbuf out;
	struct errmsg err;

	if (template_check(s, &err) < 0)
		return;
	strbuf_init(&out);
	template_expand_zone(s, 1678924800, 1679011200, "DE", &out, NULL,
			     &err);
	strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	check_time(s);
	check_duration(s);
	check_template(s);
	free(s);
	return 0;
}
