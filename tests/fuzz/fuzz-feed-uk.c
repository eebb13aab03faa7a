/* fuzz-feed-uk.c - feed kind "uk-carbon-intensity" (see feed.h). */
#include "tests/fuzz/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed("uk-carbon-intensity", NULL,
		  "https://api.carbonintensity.org.uk/intensity/{from}/{to}",
		  data, size);
	return 0;
}
