// SPDX-License-Identifier: MIT
/*
 * Fuzzes the OCI runtime's JSON documents (oci/ociconf.c, on jansson): the input as a bundle's
 * config.json, as `box exec --process` process.json and as `box update --resources` JSON.
 */
#include "fuzz.h"
#include "ociconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	struct spec_process proc;
	struct cgroup_limits lim;
	struct spec s;

	if (!text)
		return 0;
	if (ociconf_parse(text, size, &s) == 0)
		spec_free(&s);
	if (ociconf_parse_process(text, size, &proc) == 0)
		spec_process_free(&proc);
	(void)ociconf_parse_resources(text, size, "fuzz", &lim);
	free(text);
	return 0;
}
