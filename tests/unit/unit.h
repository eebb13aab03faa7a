/*
 * unit.h - helpers the cmocka unit tests share.  Include it after
 * <cmocka.h> (its helpers assert).  Everything is static inline, so a test
 * that uses none of it pays nothing and gets no unused-function warning.
 */
#ifndef GREENSLOT_TESTS_UNIT_H
#define GREENSLOT_TESTS_UNIT_H

#include "core/core.h"

/* An RFC 3339 time that must parse. */
static inline gs_time T(const char *s)
{
	gs_time t;
	assert_int_equal(time_parse(s, &t), 0);
	return t;
}

/* The repository root from argv[0] (BUILD/tests/NAME), else ".". */
static inline void find_root(const char *argv0, struct strbuf *root)
{
	char *abs = realpath(argv0, NULL);
	size_t n;
	int slashes = 0;

	if (abs)
		argv0 = abs;
	n = strlen(argv0);
	while (n > 0 && slashes < 3)
		if (argv0[--n] == '/')
			slashes++;
	if (slashes < 3)
		strbuf_addstr(root, ".");
	else if (!n)
		strbuf_addstr(root, "/");
	else
		strbuf_add(root, argv0, n);
	free(abs);
}

/*
 * Reads a file of the repository; state is the root found by find_root()
 * (a prestate from main), with the working directory as a fallback.
 */
static inline void read_repo_file(void **state, const char *rel,
				  struct strbuf *sb)
{
	struct strbuf path;

	strbuf_init(&path);
	strbuf_addf(&path, "%s/%s", ((struct strbuf *)*state)->buf, rel);
	if (strbuf_read_file(sb, path.buf, 1 << 20) < 0) {
		strbuf_reset(&path);
		strbuf_addstr(&path, rel);
		assert_int_equal(strbuf_read_file(sb, path.buf, 1 << 20), 0);
	}
	strbuf_release(&path);
}

#endif
