// SPDX-License-Identifier: MIT
/*
 * Fuzzes boxinit.conf (init/svcconf.c): the INI text as boxinit reads it, then the
 * validation of what was declared (dependencies, order, cycles, users, groups, executables,
 * working directories) under a small root made for the run (fuzz.h).
 */
#include "fuzz.h"
#include "svcconf.h"

FUZZ_WITH_ROOT()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct services_config c = {0};
	char *text = fuzz_strndup(data, size);

	if (!text)
		return 0;
	if (svcconf_parse_ini(&c, "fuzz.conf", text) == 0)
		(void)svcconf_validate(&c, root);
	svcconf_free(&c);
	free(text);
	return 0;
}
