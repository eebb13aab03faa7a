/*
 * fuzz-jobs.c - JOBS.json (jobset_load, then jobset_finish) against the
 * two-site catalog tests/fixtures/jsonin/sites.json (GS_REPO_ROOT: the
 * Makefile's directory).  Jobs that load keep their windows in order and
 * their dependencies in range.
 */
#include "tests/fuzz/fuzz.h"

/* Loaded once per process: the harness fuzzes the jobs, not the sites. */
static const struct catalog *fixed_catalog(void)
{
	static struct catalog cat;
	static bool loaded;
	struct errmsg err;

	if (!loaded && catalog_load(&cat, GS_REPO_ROOT
				    "/tests/fixtures/jsonin/sites.json",
				    &err) < 0)
		die(1, "%s", err.msg);
	loaded = true;
	return &cat;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct catalog *cat = fixed_catalog();
	struct jobset js;
	struct errmsg err;

	jobset_init(&js);
	if (jobset_load(&js, cat, fuzz_path(data, size), &err) < 0 ||
	    jobset_finish(&js, &err) < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
		jobset_release(&js);
		return 0;
	}
	for (size_t i = 0; i < js.njobs; i++) {
		const struct job *j = &js.jobs[i];

		FUZZ_CHECK(j->id && j->nprofiles >= 1);
		FUZZ_CHECK(j->earliest_start < j->latest_finish);
		for (size_t k = 0; k < j->nafter; k++)
			FUZZ_CHECK(j->after[k] < js.njobs);
	}
	jobset_release(&js);
	return 0;
}
