// SPDX-License-Identifier: MIT
/*
 * Fuzzes launch's -v SRC:DST[:ro|rw] (launcher/config.c) and checks what the mount plan
 * relies on: both paths absolute and clean (no "//", ".", ".." or trailing '/'), and the
 * destination never the whole root.
 */
#include "config.h"
#include "fuzz.h"

static void check_clean(const char *p)
{
	size_t n = strlen(p);

	if (p[0] != '/' || strstr(p, "//") || strstr(p, "/./") || strstr(p, "/../") ||
	    (n > 1 && p[n - 1] == '/') || (n >= 2 && !strcmp(p + n - 2, "/.")) ||
	    (n >= 3 && !strcmp(p + n - 3, "/..")))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_strndup(data, size);
	struct volume v = {0};

	if (!spec)
		return 0;
	if (config_parse_volume(spec, &v) == 0) {
		check_clean(v.src);
		check_clean(v.dst);
		if (!strcmp(v.dst, "/"))
			abort();
		free(v.src);
		free(v.dst);
	}
	free(spec);
	return 0;
}
