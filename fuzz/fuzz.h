/* SPDX-License-Identifier: MIT */
/*
 * fuzz: what every libFuzzer target of fuzz/ shares. A target gets bytes; the parsers take
 * C strings, so inputs become NUL-terminated copies (an input with a NUL inside is cut there,
 * as a string from argv or a file read as text would be). Targets only parse: nothing on the
 * host is created, changed or signalled.
 */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data (NULL when out of memory: the target then skips the input). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* The next line of *p (cut in place at '\n'); NULL at the end. */
static inline char *fuzz_next_line(char **p)
{
	char *line = *p, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = NULL;
	}
	return line;
}

/* argv[0] = name, then one argument per line of text (at most max), NULL-terminated; argv has
 * room for max + 2. Returns argc. */
static inline int fuzz_split_args(char *text, const char *name, char **argv, int max)
{
	char *p = text;
	int argc = 1;

	argv[0] = (char *)name;
	while (argc <= max && (argv[argc] = fuzz_next_line(&p)))
		argc++;
	argv[argc] = NULL;
	return argc;
}

/* A small root for boxinit.conf's validation: etc/passwd and etc/group with a few users,
 * executables in /bin, /usr/bin and /usr/sbin, a /srv directory. Made (again) at each start
 * next to the fuzz binary, in build/fuzz/root, so a crashed run leaves nothing elsewhere.
 * Returns its path, or NULL when it cannot be made. */
static inline const char *fuzz_root(void)
{
	static const char *const dirs[] = {"", "etc", "bin", "usr", "usr/bin", "usr/sbin", "srv"};
	static const char *const files[] = {
	    "etc/passwd", "etc/group", "bin/sh", "bin/true", "usr/bin/test", "usr/sbin/nginx",
	};
	static const char *const text[] = {
	    "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/bin/false\n"
	    "mysql:x:101:102::/nonexistent:/bin/false\nbad line\n::::\n",
	    "root:x:0:\nwww-data:x:33:\nmysql:x:102:\nstaff:x:50:a,b\n",
	};
	static char root[4096];
	char path[4096 + 32], *slash;
	ssize_t n = readlink("/proc/self/exe", root, sizeof(root) - 8);

	if (n < 0 || !(slash = memrchr(root, '/', (size_t)n)))
		return NULL;
	strcpy(slash, "/root");
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return NULL;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		FILE *f;

		(void)snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		f = fopen(path, "we");
		if (!f)
			return NULL;
		(void)fputs(i < 2 ? text[i] : "#!/bin/sh\n", f);
		if (fclose(f) != 0 || chmod(path, i < 2 ? 0644 : 0755) < 0)
			return NULL;
	}
	return root;
}

/* For a target that validates under fuzz_root(): defines `root` and libFuzzer's initializer,
 * which makes the root once before the first input. */
#define FUZZ_WITH_ROOT()                                                                           \
	static const char *root;                                                                   \
	int LLVMFuzzerInitialize(int *argc, char ***argv);                                         \
	int LLVMFuzzerInitialize(int *argc, char ***argv)                                          \
	{                                                                                          \
		(void)argc;                                                                        \
		(void)argv;                                                                        \
		root = fuzz_root();                                                                \
		return root ? 0 : -1;                                                              \
	}
