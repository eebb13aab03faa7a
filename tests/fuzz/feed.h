/*
 * feed.h - the body of the fuzz harnesses of feed kinds: the input is one
 * response body, parsed by the kind's parse function as ingest_feed()
 * would (a feed named "fuzz" with the zone and url template given, a
 * two-day window).  A successful parse must give points the store takes:
 * a zone, a valid signal and a finite value each, and dedup must hold.
 */
#ifndef GREENSLOT_TESTS_FUZZ_FEED_H
#define GREENSLOT_TESTS_FUZZ_FEED_H

#include "tests/fuzz/fuzz.h"
#include "ingest/ingest.h"

#include <math.h>

static inline void fuzz_feed(const char *kind, const char *zone,
			     const char *url, const uint8_t *data,
			     size_t size)
{
	struct feed f;
	struct feed_response r;
	struct point_batch pb;
	struct errmsg err;
	char *body = fuzz_cstr(data, size);

	memset(&f, 0, sizeof(f));
	f.name = (char *)"fuzz";
	f.kind = feed_kind_find(kind);
	f.url = (char *)url;
	f.zone = (char *)zone;
	FUZZ_CHECK(f.kind != NULL);
	memset(&r, 0, sizeof(r));
	r.feed = &f;
	r.display = "fuzz-body";
	r.body = body;
	r.len = size;
	r.from = 1678924800; /* 2023-03-16T00:00:00Z */
	r.to = r.from + 2 * 86400;
	r.fetched = r.from + 12 * 3600;
	point_batch_init(&pb);
	if (!f.kind->parse(&r, &pb, &err)) {
		for (size_t i = 0; i < pb.n; i++) {
			FUZZ_CHECK(pb.pts[i].zone && *pb.pts[i].zone);
			FUZZ_CHECK(signal_valid(pb.pts[i].signal));
			FUZZ_CHECK(isfinite(pb.pts[i].value));
		}
		point_batch_dedup(&pb);
		for (size_t i = 1; i < pb.n; i++)
			FUZZ_CHECK(pb.pts[i - 1].time != pb.pts[i].time ||
				   pb.pts[i - 1].zone != pb.pts[i].zone ||
				   pb.pts[i - 1].signal != pb.pts[i].signal ||
				   pb.pts[i - 1].issued != pb.pts[i].issued);
	} else {
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	point_batch_release(&pb);
	free(body);
}

#endif
