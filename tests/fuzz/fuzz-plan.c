/*
 * fuzz-plan.c - PLAN.json (plan_read), what `report` reads back.  A plan
 * that reads has an id and a site for each placed job.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan p;
	struct errmsg err;

	plan_init(&p);
	if (plan_read(&p, fuzz_path(data, size), &err) < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
	} else {
		for (size_t i = 0; i < p.njobs; i++)
			FUZZ_CHECK(p.jobs[i].id && p.jobs[i].site);
		for (size_t i = 0; i < p.nunplaced; i++)
			FUZZ_CHECK(p.unplaced[i].id);
	}
	plan_release(&p);
	return 0;
}
