// SPDX-License-Identifier: MIT
/*
 * Fuzzes the cgroup file parsers (core/cgroup.c): each line of the input as a
 * /proc/self/mountinfo line (the v1 discovery), its options as a v1 controller list, the
 * whole input as cgroup.controllers and as a keyed file (memory.stat, cpu.stat), and each
 * line as a --cgroup-parent.
 */
#include "cgroup_internal.h"
#include "fuzz.h"

static void one_line(const char *line)
{
	char *copy = strdup(line), *mount, *opts, *parent = NULL;

	if (!copy)
		return;
	if (cgroup_parse_mountinfo(copy, &mount, &opts) == 0) {
		/* Both point into the line: their ends must too. */
		if (mount < copy || opts < copy || strlen(opts) > strlen(line))
			abort();
		(void)cgroup_v1_ctrl_mask(opts);
	}
	if (cgroup_normalize_parent(line, &parent) == 0) {
		/* "/box/" -> "box": relative, no empty component. */
		if (!parent[0] || parent[0] == '/' || parent[strlen(parent) - 1] == '/' ||
		    strstr(parent, "//"))
			abort();
		free(parent);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *p, *line, *whole;
	uint64_t v;

	if (!text)
		return 0;
	(void)cgroup_v2_ctrl_mask(text);
	(void)cgroup_parse_keyed(text, "usage_usec", &v);
	(void)cgroup_parse_keyed(text, "anon", &v);
	whole = strdup(text);
	p = whole;
	while (whole && (line = fuzz_next_line(&p)))
		one_line(line);
	free(whole);
	free(text);
	return 0;
}
