// SPDX-License-Identifier: MIT
/*
 * Fuzzes the state files: launch's state.json (launcher/state.c, read with the flags
 * state_load uses) and the OCI runtime's state.json (oci/ocistate.c).
 */
#include <jansson.h>

#include "fuzz.h"
#include "ocistate.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	char *text = fuzz_strndup(data, size);
	struct ocistate os;
	struct state s;

	if (j && state_parse(j, &s) == 0) {
		if (!s.name)
			abort();
		state_free(&s);
	}
	json_decref(j);
	if (text && ocistate_parse(text, &os) == 0) {
		if (!os.id || !os.bundle || !os.rootfs)
			abort();
		ocistate_free(&os);
	}
	free(text);
	return 0;
}
