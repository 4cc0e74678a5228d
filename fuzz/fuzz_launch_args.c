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
	char *text = fuzz_strndup(data, size), *p = text, *argv[MAX_ARGS + 2] = {"launch"};
	struct launch_config c;
	int argc = 1;

	if (!text)
		return 0;
	while (argc <= MAX_ARGS && (argv[argc] = fuzz_next_line(&p)))
		argc++;
	argv[argc] = NULL;
	if (config_parse(argc, argv, &c) == 0) {
		if (!c.name || !c.rootfs || !c.hostname || !config_name_is_valid(c.name))
			abort();
		config_free(&c);
	}
	free(text);
	return 0;
}
