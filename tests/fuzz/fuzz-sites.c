/*
 * fuzz-sites.c - SITES.json (catalog_load).  A catalog that loads must
 * be consistent: every site has an id, a zone and one capacity per
 * resource, and the ids are found again.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog cat;
	struct errmsg err;

	if (catalog_load(&cat, fuzz_path(data, size), &err) < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
		FUZZ_CHECK(cat.nsites == 0);
		catalog_release(&cat);
		return 0;
	}
	FUZZ_CHECK(cat.nsites > 0);
	for (size_t i = 0; i < cat.nsites; i++) {
		FUZZ_CHECK(cat.sites[i].id && cat.sites[i].zone);
		FUZZ_CHECK(catalog_find_site(&cat, cat.sites[i].id) == (long)i);
	}
	for (size_t i = 0; i < cat.nresources; i++)
		FUZZ_CHECK(catalog_find_resource(&cat, cat.resources[i]) ==
			   (long)i);
	catalog_release(&cat);
	return 0;
}
