/* fuzz-feed-entsoe.c - feed kind "entsoe": one response body (see feed.h). */
#include "tests/fuzz/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed("entsoe", "DE",
		  "https://web-api.tp.entsoe.eu/api?securityToken={env:ENTSOE_TOKEN}",
		  data, size);
	return 0;
}
