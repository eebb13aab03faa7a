/*
 * fuzz-history.c - job run histories (history_read): greenslot CSV and
 * JSON Lines, SWF, sacct --parsable2 and executor rows, told apart by
 * their content, plain or gzipped.  Runs that read have an id and no
 * negative runtime.
 */
#include "tests/fuzz/fuzz.h"
#include "forecast/forecast.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run_set rs;
	struct errmsg err;

	run_set_init(&rs);
	if (history_read(fuzz_path(data, size), &rs, NULL, &err) < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
		FUZZ_CHECK(rs.n == 0);
	}
	for (size_t i = 0; i < rs.n; i++) {
		FUZZ_CHECK(rs.runs[i].id != NULL);
		FUZZ_CHECK(!(rs.runs[i].runtime_s < 0));
	}
	run_set_release(&rs);
	return 0;
}
