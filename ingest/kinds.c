/*
 * kinds.c - the table of feed kinds.
 *
 * FEEDS.json names a kind per feed; this table says which exist and how
 * each one's responses are read: its parse function, the longest window
 * one request may ask for (longer backfills are split into such chunks),
 * flags, and the lowest price its market can clear at (a price below it
 * is a unit or sign error, rejected like any impossible value).  Adding a kind is its parse function in a new file (declared
 * in ingest.h) and one line here.
 */
#include "ingest/ingest.h"

#include <math.h>

/*
 * ENTSO-E's day-ahead prices come from the single day-ahead coupling
 * (SDAC), whose harmonised minimum clearing price is -500 EUR/MWh
 * (ACER decision 01/2023 on HMMCP for SDAC).  The other kinds carry no
 * prices, or (csv) prices of any market: a feed may set "price_floor".
 */
#define SDAC_PRICE_FLOOR (-500.0)

static const struct feed_kind kinds[] = {
	{"csv", csv_feed_parse, 0, 0, (double)NAN},
	{"uk-carbon-intensity", uk_feed_parse, 14 * 86400, 0, (double)NAN},
	{"entsoe", entsoe_feed_parse, 365 * 24 * 3600, FEED_NEEDS_ZONE,
	 SDAC_PRICE_FLOOR},
	{"electricitymaps", electricitymaps_parse, 10 * 86400, 0, (double)NAN},
	{"watttime", watttime_parse, 30 * 86400, 0, (double)NAN},
	{"open-meteo", open_meteo_parse, 0, FEED_NEEDS_ZONE, (double)NAN},
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
