/*
 * kinds.c - the table of feed kinds.
 *
 * FEEDS.json names a kind per feed; this table says which exist and how
 * each one's responses are read.  Adding a kind is its parse function in
 * a new file (declared in ingest.h) and one line here.  Kinds without a
 * parse function are known (FEEDS.json may name them) but refuse to run.
 */
#include "ingest/ingest.h"

static const struct feed_kind kinds[] = {
	{"csv", csv_feed_parse, 0, 0},
	{"uk-carbon-intensity", NULL, 0, 0},
	{"entsoe", NULL, 0, 0},
	{"electricitymaps", NULL, 0, 0},
	{"watttime", NULL, 0, 0},
	{"open-meteo", NULL, 0, 0},
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
