// SPDX-License-Identifier: MIT
/*
 * Fuzzes boxinit's --service NAME=CMD specs (init/svcconf.c), one per line of the input, as
 * svcconf_load takes them after the file: stop at the first bad one, then validate (under
 * the small root of fuzz.h).
 */
#include "fuzz.h"
#include "svcconf.h"

FUZZ_WITH_ROOT()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct services_config c = {0};
	char *text = fuzz_strndup(data, size), *p = text, *spec;
	int r = 0;

	if (!text)
		return 0;
	while (r == 0 && (spec = fuzz_next_line(&p)))
		r = svcconf_add_cli(&c, spec);
	if (r == 0)
		(void)svcconf_validate(&c, root);
	svcconf_free(&c);
	free(text);
	return 0;
}
