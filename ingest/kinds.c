/*
 * kinds.c - the table of feed kinds.
 *
 * FEEDS.json names a kind per feed; this table says which exist and how
 * each one's responses are read: its parse function, the longest window
 * one request may ask for (longer backfills are split into such chunks),
 * and flags.  Adding a kind is its parse function in a new file (declared
 * in ingest.h) and one line here.
 */
#include "ingest/ingest.h"

static const struct feed_kind kinds[] = {
	{"csv", csv_feed_parse, 0, 0},
	{"uk-carbon-intensity", uk_feed_parse, 14 * 86400, 0},
	{"entsoe", entsoe_feed_parse, 365 * 24 * 3600, FEED_NEEDS_ZONE},
	{"electricitymaps", electricitymaps_parse, 10 * 86400, 0},
	{"watttime", watttime_parse, 30 * 86400, 0},
	{"open-meteo", open_meteo_parse, 0, FEED_NEEDS_ZONE},
};

const struct feed_kind *feed_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

void feed_kind_names(struct strbuf *sb)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", kinds[i].name);
}
