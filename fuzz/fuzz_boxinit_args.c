// SPDX-License-Identifier: MIT
/*
 * Fuzzes boxinit's own command line (init/cmdline.c): each line of the input is one argument
 * after "boxinit", so --grace, --user, --cap-add, --service and --control-fd values meet the
 * option parser. Checks what boxinit's main relies on: at most CMDLINE_MAX_SERVICES services
 * (their NAME=CMD form is svcconf's to check: fuzz_service.c) and a command that is the tail
 * of the arguments.
 */
#include "cmdline.h"
#include "fuzz.h"

#define MAX_ARGS 80

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *argv[MAX_ARGS + 2];
	struct init_config c;
	int argc;

	if (!text)
		return 0;
	argc = fuzz_split_args(text, "boxinit", argv, MAX_ARGS);
	if (cmdline_parse(argc, argv, &c) == 0) {
		if (c.n_services > CMDLINE_MAX_SERVICES)
			abort();
		if (c.argv &&
		    (c.argv < argv + 1 || c.argv > argv + argc || c.argv[argc - (c.argv - argv)]))
			abort();
	}
	free(text);
	return 0;
}
