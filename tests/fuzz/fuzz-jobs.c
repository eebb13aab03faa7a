/*
 * fuzz-jobs.c - JOBS.json (jobset_load, then jobset_finish) against a
 * fixed two-site catalog (tests/fixtures/jsonin/sites.json).  Jobs that
 * load keep their windows in order and their dependencies in range.
 */
#include "tests/fuzz/fuzz.h"

static const char sites_json[] =
	"{\"sites\": [\n"
	"  {\"id\": \"gb-london\", \"zone\": \"GB\", \"capacity\": "
	"{\"gpu\": 64, \"cpu\": 2048},\n"
	"   \"power_w\": {\"gpu\": 350, \"cpu\": 12}, \"pue\": 1.15},\n"
	"  {\"id\": \"fr-paris\", \"zone\": \"FR\", \"weather\": \"paris\",\n"
	"   \"capacity\": {\"cpu\": 512, \"tpu\": 4},\n"
	"   \"pue\": {\"base\": 1.1, \"above_c\": 18, \"per_c\": 0.01},\n"
	"   \"speed\": 1.5, \"latency_ms\": {\"GB\": 11, \"FR\": 3},\n"
	"   \"cost_per_hour\": {\"cpu\": 0.05}}\n"
	"]}\n";

/* Loaded once per process: the harness fuzzes the jobs, not the sites. */
static const struct catalog *fixed_catalog(void)
{
	static struct catalog cat;
	static bool loaded;
	struct errmsg err;

	if (!loaded &&
	    catalog_load(&cat, fuzz_path((const uint8_t *)sites_json,
					 sizeof(sites_json) - 1), &err) < 0)
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
