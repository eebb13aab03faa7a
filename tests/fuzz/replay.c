/*
 * replay.c - main() for a fuzz harness in the regular build: runs
 * LLVMFuzzerTestOneInput() once on each file named, or on each file of
 * each directory named, and prints one TAP line per file.  A crash is the
 * failure (the harness has no other verdict); the e2e test
 * t0810-fuzz-replay.sh runs it on the seeds and on tests/fuzz/regress/.
 */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

static int replay_file(const char *path, int *n)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (strbuf_read_file(&sb, path, (size_t)64 << 20) < 0) {
		printf("not ok %d - cannot read %s: %s\n", ++*n, path,
		       strerror(errno));
		strbuf_release(&sb);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)sb.buf, sb.len);
	printf("ok %d - %s\n", ++*n, path);
	fflush(stdout);
	strbuf_release(&sb);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of dir in name order, so that output is stable. */
static int replay_dir(const char *dir, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t nn = 0, alloc = 0;
	int ret = 0;

	if (!d)
		return replay_file(dir, n);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, nn + 1, alloc);
		names[nn] = xmalloc(strlen(dir) + strlen(e->d_name) + 2);
		snprintf(names[nn], strlen(dir) + strlen(e->d_name) + 2,
			 "%s/%s", dir, e->d_name);
		nn++;
	}
	closedir(d);
	qsort(names, nn, sizeof(*names), name_cmp);
	for (size_t i = 0; i < nn; i++)
		if (replay_file(names[i], n) < 0)
			ret = -1;
	strv_free(names, nn);
	return ret;
}

int main(int argc, char **argv)
{
	int n = 0, ret = 0;

	for (int i = 1; i < argc; i++)
		if (replay_dir(argv[i], &n) < 0)
			ret = 1;
	printf("1..%d\n", n);
	return ret;
}
