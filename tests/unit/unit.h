/*
 * unit.h - helpers the cmocka unit tests share.  Include it after
 * <cmocka.h> (its helpers assert).  Everything is static inline, so a test
 * that uses none of it pays nothing and gets no unused-function warning.
 */
#ifndef GREENSLOT_TESTS_UNIT_H
#define GREENSLOT_TESTS_UNIT_H

#include "core/core.h"

#include <dirent.h>
#include <unistd.h>

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

/*
 * A group's scratch directory (cmocka group setup/teardown): the tests run
 * inside a fresh directory under /tmp, so file names stay short; teardown
 * removes the files they left and the directory, and goes back.
 */
static inline int scratch_setup(void **state)
{
	char *dir = xstrdup("/tmp/gs-unit.XXXXXX");
	char *old = getcwd(NULL, 0);

	if (!mkdtemp(dir) || !old || chdir(dir) < 0)
		return -1;
	free(dir);
	*state = old;
	return 0;
}

static inline int scratch_teardown(void **state)
{
	char *old = *state;
	char *here = getcwd(NULL, 0);
	DIR *d = opendir(".");
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(e->d_name);
	if (d)
		closedir(d);
	if (chdir(old) < 0 || !here || rmdir(here) < 0)
		return -1;
	free(here);
	free(old);
	return 0;
}

static inline void unit_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

#endif
