/*
 * fuzz.h - what the fuzz harnesses tests/fuzz/fuzz-NAME.c share.
 *
 * Each harness defines LLVMFuzzerTestOneInput() and is built twice: by
 * `make fuzz` with clang's libFuzzer (build-fuzz/fuzz-NAME), and in the
 * regular build with tests/fuzz/replay.c as main() (BUILD/tests/fuzz-NAME),
 * which runs the same body on saved inputs so that `make check` replays the
 * seeds and every crash found (tests/fuzz/regress/NAME/) without libFuzzer.
 *
 * The readers of SITES.json, JOBS.json, FEEDS.json and PLAN.json take a
 * path, so fuzz_path() hands them the input as a file: an anonymous memfd
 * named by /proc/self/fd/N, rewritten for each input (no disk I/O).
 */
#ifndef GREENSLOT_TESTS_FUZZ_H
#define GREENSLOT_TESTS_FUZZ_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create() */
#endif

#include "core/core.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A path whose contents are data[0..size); valid until the next call. */
static inline const char *fuzz_path(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		fd = memfd_create("fuzz-input", 0);
		if (fd < 0)
			die(1, "memfd_create: %s", strerror(errno));
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 ||
	    (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		die(1, "cannot write the fuzz input: %s", strerror(errno));
	return path;
}

/* data as a NUL-terminated string (what parsers of text expect); free it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Aborts (a finding) when an invariant of a successful parse fails. */
#define FUZZ_CHECK(cond)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",     \
				__FILE__, __LINE__, #cond);                  \
			abort();                                             \
		}                                                            \
	} while (0)

#endif
