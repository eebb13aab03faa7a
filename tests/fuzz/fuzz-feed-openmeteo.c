/* fuzz-feed-openmeteo.c - feed kind "open-meteo" (see feed.h). */
#include "tests/fuzz/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed("open-meteo", "DE",
		  "https://api.open-meteo.com/v1/forecast?latitude={lat}&longitude={lon}",
		  data, size);
	return 0;
}
