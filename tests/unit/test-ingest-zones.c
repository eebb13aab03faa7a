/*
 * test-ingest-zones.c - unit tests of the zone catalog (ingest/zones.c):
 * the C table must equal data/zones.csv row by row, every provider
 * identifier must lead back to its own zone, and the EIC codes must have
 * the shape of an EIC (16 characters, a valid check character).
 *
 * data/zones.csv is found from the repository root: three directories
 * above this program's real path (BUILD/tests/test-ingest-zones), else
 * the working directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "ingest/ingest.h"
#include "tests/unit/unit.h"

/* An empty CSV cell is a NULL in the table. */
static void assert_cell(const struct csv_field *f, const char *v)
{
	if (!f->len)
		assert_null(v);
	else
		assert_string_equal(f->s, v);
}

static void test_table_matches_data(void **state)
{
	static const char *const header[] = {
		"zone", "name", "entsoe_eic", "emaps", "watttime",
		"uk_region", "lat", "lon", "source",
	};
	struct strbuf sb;
	struct csv_reader rd;
	struct errmsg err;
	size_t n, rows = 0;
	const struct zone_info *t = zone_table(&n);
	int r;

	strbuf_init(&sb);
	read_repo_file(state, "data/zones.csv", &sb);
	csv_reader_init(&rd, "zones.csv", sb.buf, sb.len);
	assert_int_equal(csv_read_record(&rd, &err), 1);
	assert_int_equal(rd.nfields, ARRAY_SIZE(header));
	for (size_t i = 0; i < ARRAY_SIZE(header); i++)
		assert_string_equal(rd.fields[i].s, header[i]);
	while ((r = csv_read_record(&rd, &err)) == 1) {
		const struct zone_info *z;
		assert_true(rows < n);
		z = &t[rows++];
		assert_int_equal(rd.nfields, ARRAY_SIZE(header));
		assert_string_equal(rd.fields[0].s, z->zone);
		assert_string_equal(rd.fields[1].s, z->name);
		assert_cell(&rd.fields[2], z->entsoe_eic);
		assert_cell(&rd.fields[3], z->emaps);
		assert_cell(&rd.fields[4], z->watttime);
		assert_cell(&rd.fields[5], z->uk_region);
		assert_true(strtod(rd.fields[6].s, NULL) == z->lat);
		assert_true(strtod(rd.fields[7].s, NULL) == z->lon);
		assert_string_equal(rd.fields[8].s, z->source);
	}
	assert_int_equal(r, 0);
	assert_int_equal(rows, n);
	csv_reader_release(&rd);
	strbuf_release(&sb);
}

/*
 * The EIC check character (ENTSO-E EIC reference manual): weights 16..1
 * over the first 15 characters ('0'-'9' = 0-9, 'A'-'Z' = 10-35, '-' =
 * 36), 36 - (sum - 1) % 37 as a character of that same alphabet.
 */
static int eic_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return c == '-' ? 36 : -1;
}

static char eic_check(const char *eic)
{
	static const char alphabet[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-";
	int sum = 0;

	for (int i = 0; i < 15; i++) {
		int v = eic_value(eic[i]);
		if (v < 0)
			return '?';
		sum += v * (16 - i);
	}
	return alphabet[36 - (sum - 1) % 37];
}

static void test_eic_codes(void **state)
{
	size_t n;
	const struct zone_info *t = zone_table(&n);
	(void)state;

	for (size_t i = 0; i < n; i++) {
		const char *e = t[i].entsoe_eic;
		if (!e)
			continue;
		assert_int_equal(strlen(e), 16);
		if (eic_check(e) != e[15])
			fail_msg("zone '%s': EIC '%s' has check character "
				 "'%c', want '%c'", t[i].zone, e, e[15],
				 eic_check(e));
	}
}

/* Every identifier is unique in its column: it finds its own row. */
static void test_ids_unique(void **state)
{
	static const enum zone_id_kind kinds[] = {
		ZONE_ID_ZONE, ZONE_ID_EIC, ZONE_ID_EMAPS, ZONE_ID_WATTTIME,
		ZONE_ID_UK_REGION,
	};
	size_t n;
	const struct zone_info *t = zone_table(&n);
	(void)state;

	for (size_t i = 0; i < n; i++) {
		assert_true(t[i].lat >= -90 && t[i].lat <= 90);
		assert_true(t[i].lon >= -180 && t[i].lon <= 180);
		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
			const char *id = zone_id(&t[i], kinds[k]);
			if (id)
				assert_ptr_equal(zone_find_by(kinds[k], id),
						 &t[i]);
		}
	}
}

static void test_lookups(void **state)
{
	const struct zone_info *z;
	(void)state;

	z = zone_find("DE");
	assert_non_null(z);
	assert_string_equal(z->entsoe_eic, "10Y1001A1001A82H");
	assert_string_equal(z->emaps, "DE");
	z = zone_find("FR");
	assert_string_equal(z->entsoe_eic, "10YFR-RTE------C");
	assert_string_equal(zone_find("GB")->entsoe_eic, "10YGB----------A");
	assert_string_equal(zone_find("ES")->entsoe_eic, "10YES-REE------0");
	assert_string_equal(zone_find("NL")->entsoe_eic, "10YNL----------L");
	assert_string_equal(zone_find("SE-SE3")->entsoe_eic,
			    "10Y1001A1001A46L");
	assert_string_equal(zone_find("NO-NO5")->entsoe_eic,
			    "10Y1001A1001A48H");

	z = zone_find_by(ZONE_ID_EMAPS, "US-CAL-CISO");
	assert_non_null(z);
	assert_string_equal(z->zone, "CISO");
	assert_string_equal(z->watttime, "CAISO_NORTH");
	assert_null(z->entsoe_eic);
	assert_string_equal(zone_find_by(ZONE_ID_EIC,
					 "10YDK-1--------W")->zone, "DK-DK1");
	z = zone_find_by(ZONE_ID_UK_REGION, "13");
	assert_string_equal(z->zone, "GB-13");
	assert_string_equal(z->name, "London");
	assert_true(z->lat == 51.51 && z->lon == -0.13);
	assert_string_equal(zone_find_by(ZONE_ID_WATTTIME, "UK")->zone, "GB");
	/* a provider's name for a zone lands under greenslot's, else as is */
	assert_string_equal(zone_from_provider(ZONE_ID_WATTTIME, "CAISO_NORTH"),
			    "CISO");
	assert_string_equal(zone_from_provider(ZONE_ID_EMAPS, "US-CAL-CISO"),
			    "CISO");
	assert_string_equal(zone_from_provider(ZONE_ID_EMAPS, "XX-NEW"),
			    "XX-NEW");

	assert_null(zone_find("XX"));
	assert_null(zone_find("de"));
	assert_null(zone_find(NULL));
	assert_null(zone_find_by(ZONE_ID_EIC, "10YXX----------0"));
}

int main(int argc, char **argv)
{
	struct strbuf root;
	int ret;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_table_matches_data, &root),
		cmocka_unit_test(test_eic_codes),
		cmocka_unit_test(test_ids_unique),
		cmocka_unit_test(test_lookups),
	};

	(void)argc;
	strbuf_init(&root);
	find_root(argv[0], &root);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	strbuf_release(&root);
	return ret;
}
