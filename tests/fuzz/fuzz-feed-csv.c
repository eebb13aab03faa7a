/* fuzz-feed-csv.c - feed kind "csv": one response body (see feed.h). */
#include "tests/fuzz/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed("csv", "CISO",
		  "data.csv",
		  data, size);
	return 0;
}
