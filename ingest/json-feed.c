/*
 * json-feed.c - what the JSON feed kinds (open-meteo, electricitymaps,
 * watttime) share: reading a response body as a struct json_doc, so that
 * they check fields with core's json_doc_* getters and every message
 * carries "DISPLAY:LINE:COL" and the field's name.
 */
#include "ingest/ingest.h"

#include <jansson.h>
#include <math.h>

int json_feed_open(struct json_doc *d, const struct feed_response *r,
		   struct errmsg *err)
{
	if (json_doc_load_buffer(d, r->display, r->body, r->len, err) < 0) {
		if (!r->len)
			err_at(err, r->display, 1, 1,
			       "empty response (want a JSON object)");
		return -1;
	}
	if (!json_is_object(d->root))
		return json_doc_fail(d, 0, NULL,
				     "the response must be a JSON object");
	return 0;
}

const char *json_feed_zone(const struct feed_response *r,
			   struct point_batch *out, const char *fallback)
{
	const char *z = r->feed && r->feed->zone ? r->feed->zone : fallback;

	return z && *z ? point_batch_intern(out, z, strlen(z)) : NULL;
}

