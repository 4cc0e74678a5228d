// SPDX-License-Identifier: MIT
/*
 * Fuzzes launch's whole command line (launcher/config.c config_parse): each line of the input
 * is one argument after "launch", so the option values above (sizes, durations, volumes,
 * publish specs, services, capabilities, user namespaces) meet getopt and each other. Parsing
 * only: config_check_host, which looks at the host, is not called.
 */
#include "config.h"
#include "fuzz.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *argv[MAX_ARGS + 2];
	struct launch_config c;
	int argc;

	if (!text)
		return 0;
	argc = fuzz_split_args(text, "launch", argv, MAX_ARGS);
	if (config_parse(argc, argv, &c) == 0) {
		if (!c.name || !c.rootfs || !c.hostname || !config_name_is_valid(c.name))
			abort();
		config_free(&c);
	}
	free(text);
	return 0;
}
