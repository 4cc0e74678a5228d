// SPDX-License-Identifier: MIT
/*
 * Fuzzes the shell-words splitter (init/shellwords.c) and checks what it promises: a
 * NULL-terminated vector of ret_n words, none longer than the input.
 */
#include "fuzz.h"
#include "shellwords.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), **words = NULL;
	size_t n = 0;

	if (!s)
		return 0;
	if (shellwords_split(s, &words, &n) == 0) {
		if (!words || words[n])
			abort();
		for (size_t i = 0; i < n; i++)
			if (!words[i] || strlen(words[i]) > strlen(s))
				abort();
		strv_free(words);
	}
	free(s);
	return 0;
}
