/*
 * fuzz-csv.c - the RFC 4180 reader under every CSV input (csv_reader):
 * records until the end or an error, fields within the input's lines.
 */
#include "tests/fuzz/fuzz.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader r;
	struct errmsg err;
	int ret;

	csv_reader_init(&r, "fuzz.csv", (const char *)data, size);
	while ((ret = csv_read_record(&r, &err)) > 0) {
		FUZZ_CHECK(r.nfields >= 1);
		for (size_t i = 0; i < r.nfields; i++) {
			FUZZ_CHECK(r.fields[i].s[r.fields[i].len] == '\0');
			FUZZ_CHECK(r.fields[i].line >= 1);
			FUZZ_CHECK(r.fields[i].col >= 1);
			FUZZ_CHECK(r.fields[i].len <= size);
		}
	}
	if (ret < 0)
		FUZZ_CHECK(err.msg[0] != '\0');
	csv_reader_release(&r);
	return 0;
}
