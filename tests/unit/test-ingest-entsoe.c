/*
 * test-ingest-entsoe.c - unit tests of the "entsoe" feed kind: the
 * fixtures of tests/fixtures/ingest/entsoe (A75 mix and carbon
 * intensity, A44 prices, A65 load recorded and forecast, the
 * acknowledgement), curve types, resolutions, the psrType and emission
 * factor tables (compared with data/emission-factors.csv), and errors
 * with their positions.
 *
 * Files are found from the repository root: three directories above
 * this program's real path (BUILD/tests/test-ingest-entsoe), else the
 * working directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "ingest/ingest.h"
#include "tests/unit/unit.h"

#define FETCHED 1700000000

struct run {
	struct feed feed;
	struct point_batch pb;
	struct entsoe_stats st;
	struct errmsg err;
	int ret;
};

static void run_text(struct run *r, const char *xml)
{
	struct feed_response resp = {&r->feed, "t.xml", xml, strlen(xml),
				     0, 0, FETCHED};

	memset(&r->feed, 0, sizeof(r->feed));
	r->feed.name = (char *)"de";
	r->feed.zone = (char *)"DE";
	point_batch_init(&r->pb);
	entsoe_stats_init(&r->st);
	r->err.msg[0] = '\0';
	r->ret = entsoe_parse(&resp, &r->pb, &r->st, &r->err);
}

static void run_fixture(void **state, struct run *r, const char *name)
{
	struct strbuf sb, rel;

	strbuf_init(&sb);
	strbuf_init(&rel);
	strbuf_addf(&rel, "tests/fixtures/ingest/entsoe/%s", name);
	read_repo_file(state, rel.buf, &sb);
	run_text(r, sb.buf);
	strbuf_release(&sb);
	strbuf_release(&rel);
}

static void run_release(struct run *r)
{
	point_batch_release(&r->pb);
	entsoe_stats_release(&r->st);
}

static size_t count(const struct run *r, const char *signal)
{
	size_t n = 0;

	for (size_t i = 0; i < r->pb.n; i++)
		n += !strcmp(r->pb.pts[i].signal, signal);
	return n;
}

/* The point of signal at time t (must be exactly one). */
static const struct store_point *get(const struct run *r, const char *signal,
				     const char *time)
{
	const struct store_point *found = NULL;
	gs_time t = T(time);

	for (size_t i = 0; i < r->pb.n; i++) {
		const struct store_point *p = &r->pb.pts[i];
		if (strcmp(p->signal, signal) || p->time != t)
			continue;
		assert_null(found);
		found = p;
	}
	if (!found)
		fail_msg("no %s at %s", signal, time);
	assert_string_equal(found->zone, "DE");
	return found;
}

static double val(const struct run *r, const char *signal, const char *time)
{
	return get(r, signal, time)->value;
}

static bool has(const struct run *r, const char *signal, const char *time)
{
	gs_time t = T(time);

	for (size_t i = 0; i < r->pb.n; i++)
		if (!strcmp(r->pb.pts[i].signal, signal) &&
		    r->pb.pts[i].time == t)
			return true;
	return false;
}

/* ---- the fixtures ---- */

static void test_a75_mix(void **state)
{
	struct run r;
	const struct store_point *p;
	
	run_fixture(state, &r, "A75-DE.xml");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.pb.n, 25);
	assert_int_equal(count(&r, "generation_gas"), 4);
	assert_int_equal(count(&r, "generation_wind_onshore"), 5);
	assert_int_equal(count(&r, "carbon_intensity"), 4);
	p = get(&r, "generation_gas", "2023-06-01T00:45:00Z");
	assert_true(p->value == 1300);
	assert_string_equal(p->unit, "MW");
	assert_true(p->issued == GS_TIME_NONE);
	/* A03: position 2 repeats 1, position 4 repeats 3 */
	assert_true(val(&r, "generation_solar", "2023-06-01T00:00:00Z") == 0);
	assert_true(val(&r, "generation_solar", "2023-06-01T00:15:00Z") == 0);
	assert_true(val(&r, "generation_solar", "2023-06-01T00:30:00Z") == 50);
	assert_true(val(&r, "generation_solar", "2023-06-01T00:45:00Z") == 50);
	/* the second, hourly Period of wind */
	assert_true(val(&r, "generation_wind_onshore",
			"2023-06-01T01:00:00Z") == 2700);
	/* pumping (outBiddingZone only) is not generation */
	assert_true(val(&r, "generation_hydro_pumped_storage",
			"2023-06-01T00:15:00Z") == 0);
	assert_int_equal(r.st.consumption, 1);
	/*
	 * 00:00: gas 1000x490 + nuclear 2000x12 + solar 0x48 + wind 3000x11
	 * + pumped storage 100x24 = 549400 over 6100 MW
	 */
	p = get(&r, "carbon_intensity", "2023-06-01T00:00:00Z");
	assert_true(p->value == 549400.0 / 6100);
	assert_string_equal(p->unit, "gCO2eq/kWh");
	assert_true(p->issued == GS_TIME_NONE);
	/* 00:30: 1200x490 + 24000 + 50x48 + 2900x11 = 646300 over 6150 */
	assert_true(val(&r, "carbon_intensity", "2023-06-01T00:30:00Z") ==
		    646300.0 / 6150);
	/* 01:00 only wind has a value: no intensity from a partial mix */
	assert_false(has(&r, "carbon_intensity", "2023-06-01T01:00:00Z"));
	assert_int_equal(r.st.partial_mix, 1);
	assert_int_equal(r.st.unknown_psr, 0);
	assert_int_equal(r.st.rejected, 0);
	assert_false(r.st.no_data);
	run_release(&r);
}

static void test_a44_prices(void **state)
{
	struct run r;
	const struct store_point *p;
	
	run_fixture(state, &r, "A44-DE_LU.xml");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.pb.n, 4);
	p = get(&r, "price", "2023-06-01T00:00:00Z");
	assert_true(p->value == 95.1);
	assert_string_equal(p->unit, "EUR/MWh");
	assert_true(p->issued == GS_TIME_NONE);
	assert_true(val(&r, "price", "2023-06-01T01:00:00Z") == -5.32);
	/* A03: position 3 left out, repeats position 2 */
	assert_true(val(&r, "price", "2023-06-01T02:00:00Z") == -5.32);
	assert_true(val(&r, "price", "2023-06-01T03:00:00Z") == 88);
	/* sequence 2 (999.99 at 00:00) skipped */
	assert_int_equal(r.st.other_sequence, 1);
	run_release(&r);
}

static void test_a65_load(void **state)
{
	struct run r;
	const struct store_point *p;
	
	run_fixture(state, &r, "A65-DE-actual.xml");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.pb.n, 4);
	p = get(&r, "load", "2023-06-01T00:00:00Z");
	assert_true(p->value == 52000.5);
	assert_string_equal(p->unit, "MW");
	assert_true(p->issued == GS_TIME_NONE);
	assert_true(val(&r, "load", "2023-06-01T00:45:00Z") == 51650);
	run_release(&r);

	/* day-ahead: a forecast issued at createdDateTime, PT60M then PT30M */
	run_fixture(state, &r, "A65-DE-dayahead.xml");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.pb.n, 3);
	p = get(&r, "load", "2023-06-01T00:00:00Z");
	assert_true(p->value == 53000);
	assert_true(p->issued == T("2023-05-31T09:47:11Z"));
	assert_true(val(&r, "load", "2023-06-01T01:00:00Z") == 52500);
	assert_true(val(&r, "load", "2023-06-01T01:30:00Z") == 52000);
	run_release(&r);
}

static void test_ack_no_data(void **state)
{
	struct run r;
	
	run_fixture(state, &r, "ack-no-data.xml");
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.pb.n, 0);
	assert_true(r.st.no_data);
	run_release(&r);
}

/* ---- documents written here ---- */

#define GL_NS "urn:iec62325.351:tc57wg16:451-6:generationloaddocument:3:0"
#define GL_OPEN "<GL_MarketDocument xmlns=\"" GL_NS "\">\n"
#define PERIOD_1H(res, pts)                                                 \
	"<Period><timeInterval><start>2023-06-01T00:00Z</start>"            \
	"<end>2023-06-01T01:00Z</end></timeInterval>"                       \
	"<resolution>" res "</resolution>" pts "</Period>"
#define PT(pos, q)                                                          \
	"<Point><position>" #pos "</position><quantity>" #q "</quantity>"   \
	"</Point>"
#define GEN_TS(psr, pts)                                                    \
	"<TimeSeries><inBiddingZone_Domain.mRID>X</inBiddingZone_Domain.mRID>" \
	"<curveType>A01</curveType><MktPSRType><psrType>" psr               \
	"</psrType></MktPSRType>" PERIOD_1H("PT30M", pts) "</TimeSeries>\n"

static void test_unknown_psr(void **state)
{
	static const char xml[] =
		GL_OPEN "<type>A75</type>\n"
		GEN_TS("B04", PT(1, 100) PT(2, 100))
		GEN_TS("B99", PT(1, 0) PT(2, 30))
		"</GL_MarketDocument>\n";
	struct run r;
	(void)state;

	run_text(&r, xml);
	assert_int_equal(r.ret, 0);
	assert_true(val(&r, "generation_b99", "2023-06-01T00:30:00Z") == 30);
	assert_int_equal(r.st.unknown_psr, 1);
	assert_string_equal(r.st.warnings.buf, "t.xml:4: unknown psrType "
			    "'B99' stored as 'generation_b99'\n"
			    "t.xml:1: carbon_intensity not computed at 1 "
			    "times: psrType B99 has no emission factor (at 1 "
			    "times)\n");
	/* at 0 MW the unknown fuel does not matter; at 30 MW it does */
	assert_true(val(&r, "carbon_intensity", "2023-06-01T00:00:00Z") ==
		    490);
	assert_false(has(&r, "carbon_intensity", "2023-06-01T00:30:00Z"));
	assert_int_equal(r.st.partial_mix, 1);
	run_release(&r);
}

static void test_rejected_and_storage(void **state)
{
	static const char xml[] =
		GL_OPEN "<type>A75</type>\n"
		GEN_TS("B05", PT(1, 100) PT(2, -4))
		GEN_TS("B25", PT(1, 7) PT(2, 7))
		GEN_TS("B18", PT(1, 100) PT(2, 100))
		"</GL_MarketDocument>\n";
	struct run r;
	(void)state;

	run_text(&r, xml);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.st.rejected, 1);
	assert_false(has(&r, "generation_hard_coal", "2023-06-01T00:30:00Z"));
	/* storage is stored, but not part of the mix */
	assert_true(val(&r, "generation_energy_storage",
			"2023-06-01T00:30:00Z") == 7);
	assert_true(val(&r, "carbon_intensity", "2023-06-01T00:00:00Z") ==
		    (100.0 * 820 + 100.0 * 11) / 200);
	/* the rejected hard coal value leaves 00:30 without a whole mix */
	assert_false(has(&r, "carbon_intensity", "2023-06-01T00:30:00Z"));
	run_release(&r);
}

static void test_resolutions(void **state)
{
	static const char xml[] =
		GL_OPEN "<type>A65</type>\n"
		"<process.processType>A01</process.processType>\n"
		"<TimeSeries><curveType>A03</curveType>\n"
		"<Period><timeInterval><start>2023-06-01T00:00Z</start>"
		"<end>2023-06-01T01:00Z</end></timeInterval>"
		"<resolution>PT15M</resolution>" PT(2, 10) "</Period>\n"
		"<Period><timeInterval><start>2023-06-02T00:00Z</start>"
		"<end>2023-06-04T00:00Z</end></timeInterval>"
		"<resolution>P1D</resolution>" PT(1, 20) "</Period>\n"
		"</TimeSeries></GL_MarketDocument>\n";
	struct run r;
	const struct store_point *p;
	(void)state;

	run_text(&r, xml);
	assert_int_equal(r.ret, 0);
	/* A03 position 1 not given: nothing there (gaps stay gaps) */
	assert_false(has(&r, "load", "2023-06-01T00:00:00Z"));
	assert_true(val(&r, "load", "2023-06-01T00:15:00Z") == 10);
	assert_true(val(&r, "load", "2023-06-01T00:45:00Z") == 10);
	assert_true(val(&r, "load", "2023-06-03T00:00:00Z") == 20);
	assert_int_equal(r.pb.n, 5);
	/* no createdDateTime: issued at the request */
	p = get(&r, "load", "2023-06-02T00:00:00Z");
	assert_true(p->issued == FETCHED);
	run_release(&r);
}

/* Elements of other namespaces are not the document's, whatever their name. */
static void test_foreign_namespace(void **state)
{
	static const char xml[] =
		GL_OPEN "<o:type xmlns:o=\"urn:other\">A99</o:type>\n"
		"<type>A65</type><process.processType>A16"
		"</process.processType>\n<TimeSeries>"
		PERIOD_1H("PT60M", "<Point><position>1</position>"
			  "<o:quantity xmlns:o=\"urn:other\">999</o:quantity>"
			  "<quantity>5</quantity></Point>")
		"</TimeSeries></GL_MarketDocument>\n";
	struct run r;
	(void)state;

	run_text(&r, xml);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.pb.n, 1);
	assert_true(val(&r, "load", "2023-06-01T00:00:00Z") == 5);
	run_release(&r);
}

static void expect_error(const char *xml, const char *msg)
{
	struct run r;

	run_text(&r, xml);
	assert_int_equal(r.ret, -1);
	assert_string_equal(r.err.msg, msg);
	run_release(&r);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("<GL_MarketDocument xmlns=\"" GL_NS "\">\n<type>A75"
		     "</typo>\n", "t.xml:2:17: invalid XML: Opening and "
		     "ending tag mismatch: type line 2 and typo");
	expect_error("", "t.xml: empty response (want ENTSO-E XML)");
	expect_error("<GL_MarketDocument xmlns=\"urn:x\"><type>A75</type>"
		     "</GL_MarketDocument>",
		     "t.xml:1: unknown namespace 'urn:x' of 'GL_MarketDocument' "
		     "(want 'urn:iec62325.351:tc57wg16:451-..."
		     ":generationloaddocument:...')");
	expect_error("<GL_MarketDocument><type>A75</type>"
		     "</GL_MarketDocument>",
		     "t.xml:1: unknown namespace '' of 'GL_MarketDocument' "
		     "(want 'urn:iec62325.351:tc57wg16:451-..."
		     ":generationloaddocument:...')");
	expect_error("<html><body>maintenance</body></html>",
		     "t.xml:1: not an ENTSO-E document: root element 'html' "
		     "(want GL_MarketDocument, Publication_MarketDocument or "
		     "Acknowledgement_MarketDocument)");
	expect_error(GL_OPEN "<type>A71</type></GL_MarketDocument>",
		     "t.xml:2: unsupported document type 'A71' (want A75 or "
		     "A65)");
	expect_error(GL_OPEN "<type>A75</type>\n"
		     GEN_TS("B04", PT(1, 100) "<Point><position>2</position>"
			    "</Point>") "</GL_MarketDocument>",
		     "t.xml:3: missing 'quantity' in Point");
	expect_error(GL_OPEN "<type>A75</type>\n"
		     GEN_TS("B04", PT(1, 1e999)) "</GL_MarketDocument>",
		     "t.xml:3: invalid number '1e999' in 'quantity'");
	expect_error(GL_OPEN "<type>A75</type>\n"
		     GEN_TS("B04", PT(3, 1)) "</GL_MarketDocument>",
		     "t.xml:3: position 3 outside the period (2 positions "
		     "of PT30M)");
	expect_error(GL_OPEN "<type>A75</type>\n"
		     GEN_TS("B04", PT(0, 1)) "</GL_MarketDocument>",
		     "t.xml:3: invalid position '0' (want 1, 2, ...)");
	expect_error(GL_OPEN "<type>A65</type>\n"
		     "<process.processType>A31</process.processType>\n"
		     "<TimeSeries>" PERIOD_1H("PT60M", PT(1, 5))
		     "</TimeSeries></GL_MarketDocument>",
		     "t.xml:3: unsupported processType 'A31' for total load "
		     "(want A16 realised or A01 day-ahead)");
	expect_error(GL_OPEN "<type>A65</type>\n"
		     "<process.processType>A16</process.processType>\n"
		     "<TimeSeries>" PERIOD_1H("P1M", PT(1, 5))
		     "</TimeSeries></GL_MarketDocument>",
		     "t.xml:4: unsupported resolution 'P1M' (want PT15M, "
		     "PT30M, PT60M, P1D...)");
	expect_error(GL_OPEN "<type>A65</type>\n"
		     "<process.processType>A16</process.processType>\n"
		     "<TimeSeries>" PERIOD_1H("PT25M", PT(1, 5))
		     "</TimeSeries></GL_MarketDocument>",
		     "t.xml:4: period 2023-06-01T00:00Z to 2023-06-01T01:00Z "
		     "is not a whole number of 'PT25M'");
	expect_error(GL_OPEN "<type>A65</type>\n"
		     "<process.processType>A16</process.processType>\n"
		     "<TimeSeries><Period><timeInterval><start>2023-01-01T00:00Z"
		     "</start><end>2024-01-02T00:00Z</end></timeInterval>\n"
		     "<resolution>PT1S</resolution>" PT(1, 5) "</Period>"
		     "</TimeSeries></GL_MarketDocument>",
		     "t.xml:5: period 2023-01-01T00:00Z to 2024-01-02T00:00Z "
		     "has more than 527040 positions of 'PT1S'");
	expect_error("<Acknowledgement_MarketDocument xmlns=\"urn:iec62325."
		     "351:tc57wg16:451-1:acknowledgementdocument:7:0\">\n"
		     "<Reason><code>999</code>\n<text>Invalid query attributes "
		     "or parameters.</text></Reason>"
		     "</Acknowledgement_MarketDocument>",
		     "t.xml:3: request refused: Invalid query attributes or "
		     "parameters. (reason code '999')");
}

static void test_truncated(void **state)
{
	/*
	 * A cut-off body fails only at its end, after the good part has
	 * given points: -1 tells ingest_feed() to store none of them.
	 */
	static const char xml[] =
		GL_OPEN "<type>A75</type>\n"
		GEN_TS("B04", PT(1, 100) PT(2, 100)) "<TimeSeries>";
	struct run r;
	(void)state;

	run_text(&r, xml);
	assert_int_equal(r.ret, -1);
	assert_string_equal(r.err.msg, "t.xml:4:13: invalid XML: Extra "
			    "content at the end of the document");
	run_release(&r);
}

/* ---- tables ---- */

static void test_psr_table(void **state)
{
	size_t n;
	const struct entsoe_psr *t = entsoe_psr_table(&n);
	(void)state;

	assert_int_equal(n, 25);
	for (size_t i = 0; i < n; i++) {
		char code[32], sig[64];
		snprintf(code, sizeof(code), "B%02d", (int)i + 1);
		assert_string_equal(t[i].code, code);
		assert_ptr_equal(entsoe_psr_find(code), &t[i]);
		snprintf(sig, sizeof(sig), "generation_%s", t[i].fuel);
		assert_true(signal_valid(sig));
		if (t[i].factor)
			assert_non_null(emission_factor_find(t[i].factor));
	}
	assert_string_equal(entsoe_psr_find("B02")->fuel, "lignite");
	assert_string_equal(entsoe_psr_find("B02")->factor, "coal");
	assert_string_equal(entsoe_psr_find("B19")->fuel, "wind_onshore");
	assert_null(entsoe_psr_find("B25")->factor);
	assert_null(entsoe_psr_find("B26"));
}

/* The C table must equal data/emission-factors.csv, row for row. */
static void test_factors_match_data(void **state)
{
	struct strbuf sb;
	struct csv_reader rd;
	struct errmsg err;
	size_t n, rows = 0;
	const struct emission_factor *t = emission_factor_table(&n);
	
	strbuf_init(&sb);
	read_repo_file(state, "data/emission-factors.csv", &sb);
	csv_reader_init(&rd, "emission-factors.csv", sb.buf, sb.len);
	assert_int_equal(csv_read_record(&rd, &err), 1);
	assert_string_equal(rd.fields[0].s, "fuel");
	assert_string_equal(rd.fields[1].s, "lifecycle_g_per_kwh");
	assert_string_equal(rd.fields[2].s, "direct_g_per_kwh");
	while (csv_read_record(&rd, &err) == 1) {
		const struct emission_factor *f;
		assert_true(rows < n);
		f = &t[rows++];
		assert_string_equal(rd.fields[0].s, f->fuel);
		assert_true(strtod(rd.fields[1].s, NULL) == f->lifecycle);
		assert_true(strtod(rd.fields[2].s, NULL) == f->direct);
	}
	assert_int_equal(rows, n);
	csv_reader_release(&rd);
	strbuf_release(&sb);
}

int main(int argc, char **argv)
{
	struct strbuf root;
	int ret;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_a75_mix, &root),
		cmocka_unit_test_prestate(test_a44_prices, &root),
		cmocka_unit_test_prestate(test_a65_load, &root),
		cmocka_unit_test_prestate(test_ack_no_data, &root),
		cmocka_unit_test(test_unknown_psr),
		cmocka_unit_test(test_rejected_and_storage),
		cmocka_unit_test(test_resolutions),
		cmocka_unit_test(test_foreign_namespace),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_psr_table),
		cmocka_unit_test_prestate(test_factors_match_data, &root),
	};

	(void)argc;
	strbuf_init(&root);
	find_root(argv[0], &root);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	strbuf_release(&root);
	return ret;
}
