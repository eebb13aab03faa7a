/* fuzz-feed-emaps.c - feed kind "electricitymaps" (see feed.h). */
#include "tests/fuzz/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed("electricitymaps", "DE",
		  "https://api.electricitymap.org/v3/carbon-intensity/history?zone={emaps}",
		  data, size);
	return 0;
}
