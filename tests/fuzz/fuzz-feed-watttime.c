/* fuzz-feed-watttime.c - feed kind "watttime" (see feed.h). */
#include "tests/fuzz/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed("watttime", "CAISO_NORTH",
		  "https://api.watttime.org/v3/historical?region={watttime}",
		  data, size);
	return 0;
}
