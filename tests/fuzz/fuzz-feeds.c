/*
 * fuzz-feeds.c - FEEDS.json (feeds_load).  Feeds that load have a known
 * kind and unique names, found again by feeds_find().
 */
#include "tests/fuzz/fuzz.h"
#include "ingest/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed_config fc;
	struct errmsg err;

	if (feeds_load(&fc, fuzz_path(data, size), &err) < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
		feeds_release(&fc);
		return 0;
	}
	for (size_t i = 0; i < fc.nfeeds; i++) {
		FUZZ_CHECK(fc.feeds[i].kind != NULL);
		FUZZ_CHECK(feeds_find(&fc, fc.feeds[i].name) == &fc.feeds[i]);
		FUZZ_CHECK(template_check(fc.feeds[i].url, &err) == 0);
	}
	feeds_release(&fc);
	return 0;
}
