/*
 * zones.c - the zone catalog: greenslot's zone names and each provider's
 * identifier for the same grid area.
 *
 * Feeds name a zone ("DE") and their url templates ask for the provider's
 * spelling of it ({eic}, {emaps}, {watttime}, {uk_region}, {lat}, {lon}),
 * so that operators never have to look up an EIC code themselves.  The
 * table is a copy of data/zones.csv (where the sources are named); a unit
 * test (tests/unit/test-ingest-zones.c) compares the two row by row so
 * that they cannot drift.  NULL is an empty cell: no known identifier.
 */
#include "ingest/ingest.h"

static const struct zone_info zones[] = {
	{ "AT", "Austria",
	  "10YAT-APG------L", "AT", "AT", NULL,
	  48.21, 16.37, "entsoe-py emaps-zones watttime-grids" },
	{ "BE", "Belgium",
	  "10YBE----------2", "BE", "BE", NULL,
	  50.85, 4.35, "entsoe-py emaps-zones watttime-grids" },
	{ "BG", "Bulgaria",
	  "10YCA-BULGARIA-R", "BG", "BG", NULL,
	  42.70, 23.32, "entsoe-py emaps-zones watttime-grids" },
	{ "CH", "Switzerland",
	  "10YCH-SWISSGRIDZ", "CH", "CH", NULL,
	  46.95, 7.45, "entsoe-py emaps-zones watttime-grids" },
	{ "CZ", "Czechia",
	  "10YCZ-CEPS-----N", "CZ", "CZ", NULL,
	  50.08, 14.44, "entsoe-py emaps-zones watttime-grids" },
	{ "DE", "Germany (DE-LU bidding zone)",
	  "10Y1001A1001A82H", "DE", "DE", NULL,
	  52.52, 13.40, "entsoe-py emaps-zones watttime-grids" },
	{ "DK", "Denmark",
	  "10Y1001A1001A65H", "DK", "DK", NULL,
	  55.68, 12.57, "entsoe-py emaps-zones watttime-grids" },
	{ "DK-DK1", "West Denmark",
	  "10YDK-1--------W", "DK-DK1", NULL, NULL,
	  56.16, 10.20, "entsoe-py emaps-zones" },
	{ "DK-DK2", "East Denmark",
	  "10YDK-2--------M", "DK-DK2", NULL, NULL,
	  55.68, 12.57, "entsoe-py emaps-zones" },
	{ "EE", "Estonia",
	  "10Y1001A1001A39I", "EE", "EE", NULL,
	  59.44, 24.75, "entsoe-py emaps-zones watttime-grids" },
	{ "ES", "Spain",
	  "10YES-REE------0", "ES", "ES", NULL,
	  40.42, -3.70, "entsoe-py emaps-zones watttime-grids" },
	{ "FI", "Finland",
	  "10YFI-1--------U", "FI", "FI", NULL,
	  60.17, 24.94, "entsoe-py emaps-zones watttime-grids" },
	{ "FR", "France",
	  "10YFR-RTE------C", "FR", "FR", NULL,
	  48.86, 2.35, "entsoe-py emaps-zones watttime-grids" },
	{ "GB", "Great Britain",
	  "10YGB----------A", "GB", "UK", NULL,
	  51.51, -0.13, "entsoe-py emaps-zones watttime-grids" },
	{ "GR", "Greece",
	  "10YGR-HTSO-----Y", "GR", "GR", NULL,
	  37.98, 23.73, "entsoe-py emaps-zones watttime-grids" },
	{ "HR", "Croatia",
	  "10YHR-HEP------M", "HR", "HR", NULL,
	  45.81, 15.98, "entsoe-py emaps-zones watttime-grids" },
	{ "HU", "Hungary",
	  "10YHU-MAVIR----U", "HU", "HU", NULL,
	  47.50, 19.04, "entsoe-py emaps-zones watttime-grids" },
	{ "IE", "Ireland (EirGrid control area)",
	  "10YIE-1001A00010", "IE", "IE", NULL,
	  53.35, -6.26, "entsoe-py emaps-zones watttime-grids" },
	{ "IT", "Italy",
	  "10YIT-GRTN-----B", "IT", "IT", NULL,
	  41.90, 12.50, "entsoe-py emaps-zones watttime-grids" },
	{ "IT-NO", "North Italy",
	  "10Y1001A1001A73I", "IT-NO", NULL, NULL,
	  45.46, 9.19, "entsoe-py emaps-zones" },
	{ "IT-CNO", "Central North Italy",
	  "10Y1001A1001A70O", "IT-CNO", NULL, NULL,
	  43.77, 11.26, "entsoe-py emaps-zones" },
	{ "IT-CSO", "Central South Italy",
	  "10Y1001A1001A71M", "IT-CSO", NULL, NULL,
	  41.90, 12.50, "entsoe-py emaps-zones" },
	{ "IT-SO", "South Italy",
	  "10Y1001A1001A788", "IT-SO", NULL, NULL,
	  41.12, 16.87, "entsoe-py emaps-zones" },
	{ "IT-SIC", "Sicily",
	  "10Y1001A1001A75E", "IT-SIC", NULL, NULL,
	  38.12, 13.36, "entsoe-py emaps-zones" },
	{ "IT-SAR", "Sardinia",
	  "10Y1001A1001A74G", "IT-SAR", NULL, NULL,
	  39.22, 9.12, "entsoe-py emaps-zones" },
	{ "LT", "Lithuania",
	  "10YLT-1001A0008Q", "LT", "LT", NULL,
	  54.69, 25.28, "entsoe-py emaps-zones watttime-grids" },
	{ "LV", "Latvia",
	  "10YLV-1001A00074", "LV", "LV", NULL,
	  56.95, 24.11, "entsoe-py emaps-zones watttime-grids" },
	{ "NL", "Netherlands",
	  "10YNL----------L", "NL", "NL", NULL,
	  52.37, 4.90, "entsoe-py emaps-zones watttime-grids" },
	{ "NO", "Norway",
	  "10YNO-0--------C", "NO", "NO", NULL,
	  59.91, 10.75, "entsoe-py emaps-zones watttime-grids" },
	{ "NO-NO1", "Southeast Norway",
	  "10YNO-1--------2", "NO-NO1", NULL, NULL,
	  59.91, 10.75, "entsoe-py emaps-zones" },
	{ "NO-NO2", "Southwest Norway",
	  "10YNO-2--------T", "NO-NO2", NULL, NULL,
	  58.97, 5.73, "entsoe-py emaps-zones" },
	{ "NO-NO3", "Middle Norway",
	  "10YNO-3--------J", "NO-NO3", NULL, NULL,
	  63.43, 10.40, "entsoe-py emaps-zones" },
	{ "NO-NO4", "North Norway",
	  "10YNO-4--------9", "NO-NO4", NULL, NULL,
	  69.65, 18.96, "entsoe-py emaps-zones" },
	{ "NO-NO5", "West Norway",
	  "10Y1001A1001A48H", "NO-NO5", NULL, NULL,
	  60.39, 5.32, "entsoe-py emaps-zones" },
	{ "PL", "Poland",
	  "10YPL-AREA-----S", "PL", "PL", NULL,
	  52.23, 21.01, "entsoe-py emaps-zones watttime-grids" },
	{ "PT", "Portugal",
	  "10YPT-REN------W", "PT", "PT", NULL,
	  38.72, -9.14, "entsoe-py emaps-zones watttime-grids" },
	{ "RO", "Romania",
	  "10YRO-TEL------P", "RO", "RO", NULL,
	  44.43, 26.10, "entsoe-py emaps-zones watttime-grids" },
	{ "RS", "Serbia",
	  "10YCS-SERBIATSOV", "RS", "RS", NULL,
	  44.79, 20.45, "entsoe-py emaps-zones watttime-grids" },
	{ "SE", "Sweden",
	  "10YSE-1--------K", "SE", "SE", NULL,
	  59.33, 18.07, "entsoe-py emaps-zones watttime-grids" },
	{ "SE-SE1", "North Sweden",
	  "10Y1001A1001A44P", "SE-SE1", NULL, NULL,
	  65.58, 22.15, "entsoe-py emaps-zones" },
	{ "SE-SE2", "North Central Sweden",
	  "10Y1001A1001A45N", "SE-SE2", NULL, NULL,
	  62.39, 17.31, "entsoe-py emaps-zones" },
	{ "SE-SE3", "South Central Sweden",
	  "10Y1001A1001A46L", "SE-SE3", NULL, NULL,
	  59.33, 18.07, "entsoe-py emaps-zones" },
	{ "SE-SE4", "South Sweden",
	  "10Y1001A1001A47J", "SE-SE4", NULL, NULL,
	  55.60, 13.00, "entsoe-py emaps-zones" },
	{ "SI", "Slovenia",
	  "10YSI-ELES-----O", "SI", "SI", NULL,
	  46.06, 14.51, "entsoe-py emaps-zones watttime-grids" },
	{ "SK", "Slovakia",
	  "10YSK-SEPS-----K", "SK", "SK", NULL,
	  48.15, 17.11, "entsoe-py emaps-zones watttime-grids" },
	{ "GB-1", "North Scotland",
	  NULL, NULL, NULL, "1",
	  57.15, -2.09, "uk-ci-regional" },
	{ "GB-2", "South Scotland",
	  NULL, NULL, NULL, "2",
	  55.86, -4.25, "uk-ci-regional" },
	{ "GB-3", "North West England",
	  NULL, NULL, NULL, "3",
	  53.48, -2.24, "uk-ci-regional" },
	{ "GB-4", "North East England",
	  NULL, NULL, NULL, "4",
	  54.98, -1.61, "uk-ci-regional" },
	{ "GB-5", "Yorkshire",
	  NULL, NULL, NULL, "5",
	  53.80, -1.55, "uk-ci-regional" },
	{ "GB-6", "North Wales & Merseyside",
	  NULL, NULL, NULL, "6",
	  53.41, -2.99, "uk-ci-regional" },
	{ "GB-7", "South Wales",
	  NULL, NULL, NULL, "7",
	  51.48, -3.18, "uk-ci-regional" },
	{ "GB-8", "West Midlands",
	  NULL, NULL, NULL, "8",
	  52.49, -1.89, "uk-ci-regional" },
	{ "GB-9", "East Midlands",
	  NULL, NULL, NULL, "9",
	  52.95, -1.15, "uk-ci-regional" },
	{ "GB-10", "East England",
	  NULL, NULL, NULL, "10",
	  52.63, 1.30, "uk-ci-regional" },
	{ "GB-11", "South West England",
	  NULL, NULL, NULL, "11",
	  51.45, -2.59, "uk-ci-regional" },
	{ "GB-12", "South England",
	  NULL, NULL, NULL, "12",
	  50.90, -1.40, "uk-ci-regional" },
	{ "GB-13", "London",
	  NULL, NULL, NULL, "13",
	  51.51, -0.13, "uk-ci-regional" },
	{ "GB-14", "South East England",
	  NULL, NULL, NULL, "14",
	  50.82, -0.14, "uk-ci-regional" },
	{ "GB-15", "England",
	  NULL, NULL, NULL, "15",
	  51.51, -0.13, "uk-ci-regional" },
	{ "GB-16", "Scotland",
	  NULL, NULL, NULL, "16",
	  55.95, -3.19, "uk-ci-regional" },
	{ "GB-17", "Wales",
	  NULL, NULL, NULL, "17",
	  51.48, -3.18, "uk-ci-regional" },
	{ "CISO", "California ISO",
	  NULL, "US-CAL-CISO", "CAISO_NORTH", NULL,
	  37.77, -122.42, "emaps-zones watttime-grids" },
	{ "ERCO", "Electric Reliability Council of Texas",
	  NULL, "US-TEX-ERCO", "ERCOT_AUSTIN", NULL,
	  30.27, -97.74, "emaps-zones watttime-grids" },
	{ "PJM", "PJM Interconnection",
	  NULL, "US-MIDA-PJM", "PJM_DC", NULL,
	  38.90, -77.04, "emaps-zones watttime-grids" },
	{ "MISO", "Midcontinent ISO",
	  NULL, "US-MIDW-MISO", "MISO_INDIANAPOLIS", NULL,
	  39.77, -86.16, "emaps-zones watttime-grids" },
	{ "ISNE", "ISO New England",
	  NULL, "US-NE-ISNE", "ISONE_NEMA", NULL,
	  42.36, -71.06, "emaps-zones watttime-grids" },
	{ "NYIS", "New York ISO",
	  NULL, "US-NY-NYIS", "NYISO_NYC", NULL,
	  40.71, -74.01, "emaps-zones watttime-grids" },
	{ "SWPP", "Southwest Power Pool",
	  NULL, "US-CENT-SWPP", "SPP_OKCTY", NULL,
	  35.47, -97.52, "emaps-zones watttime-grids" },
	{ "BPAT", "Bonneville Power Administration",
	  NULL, "US-NW-BPAT", "BPA", NULL,
	  45.52, -122.68, "emaps-zones watttime-grids" },
	{ "TVA", "Tennessee Valley Authority",
	  NULL, "US-TEN-TVA", "TVA", NULL,
	  36.16, -86.78, "emaps-zones watttime-grids" },
	{ "SOCO", "Southern Company Services",
	  NULL, "US-SE-SOCO", "SOCO", NULL,
	  33.75, -84.39, "emaps-zones watttime-grids" },
	{ "DUK", "Duke Energy Carolinas",
	  NULL, "US-CAR-DUK", "DUK", NULL,
	  35.23, -80.84, "emaps-zones watttime-grids" },
	{ "FPL", "Florida Power and Light Company",
	  NULL, "US-FLA-FPL", "FPL", NULL,
	  25.76, -80.19, "emaps-zones watttime-grids" },
	{ "AZPS", "Arizona Public Service Company",
	  NULL, "US-SW-AZPS", "AZPS", NULL,
	  33.45, -112.07, "emaps-zones watttime-grids" },
	{ "PACE", "PacifiCorp East",
	  NULL, "US-NW-PACE", "PACE", NULL,
	  40.76, -111.89, "emaps-zones watttime-grids" },
	{ "LDWP", "Los Angeles Department of Water and Power",
	  NULL, "US-CAL-LDWP", "LDWP", NULL,
	  34.05, -118.24, "emaps-zones watttime-grids" },
	{ "PSCO", "Public Service Company of Colorado",
	  NULL, "US-NW-PSCO", "PSCO", NULL,
	  39.74, -104.99, "emaps-zones watttime-grids" },
};

const struct zone_info *zone_table(size_t *n)
{
	*n = ARRAY_SIZE(zones);
	return zones;
}

const char *zone_id(const struct zone_info *z, enum zone_id_kind kind)
{
	switch (kind) {
	case ZONE_ID_ZONE:
		return z->zone;
	case ZONE_ID_EIC:
		return z->entsoe_eic;
	case ZONE_ID_EMAPS:
		return z->emaps;
	case ZONE_ID_WATTTIME:
		return z->watttime;
	case ZONE_ID_UK_REGION:
		return z->uk_region;
	}
	return NULL;
}

const struct zone_info *zone_find_by(enum zone_id_kind kind, const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(zones); i++) {
		const char *v = zone_id(&zones[i], kind);
		if (v && !strcmp(v, id))
			return &zones[i];
	}
	return NULL;
}

const char *zone_from_provider(enum zone_id_kind kind, const char *id)
{
	const struct zone_info *z = zone_find_by(kind, id);

	return z ? z->zone : id;
}

const struct zone_info *zone_find(const char *zone)
{
	return zone_find_by(ZONE_ID_ZONE, zone);
}
