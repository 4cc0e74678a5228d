// SPDX-License-Identifier: MIT
/*
 * seccomp_gen: run at build time, prints the C header with the container's seccomp
 * filter for the default capability set, compiled by libseccomp from the table in
 * core/syscalls.c (see syscalls_prebuilt.c). The build machine's architecture is
 * the one launch runs on; the filter checks it and refuses to run elsewhere anyway.
 */
#include <stdio.h>
#include <stdlib.h>

#include "capset.h"
#include "log.h"
#include "syscalls.h"

int main(void)
{
	struct syscall_filter f = {0};
	uint64_t caps = capset_default();

	log_init("seccomp-gen", false);
	if (syscalls_build(caps, &f) < 0)
		return EXIT_FAILURE;
	printf("/* Generated at build time by core/gen/seccomp_gen.c: do not edit. */\n"
	       "#pragma once\n\n#include <linux/filter.h>\n\n"
	       "#define SECCOMP_PREBUILT_CAPS 0x%llxULL\n\n"
	       "static const struct sock_filter seccomp_prebuilt[%u] = {\n",
	       (unsigned long long)caps, (unsigned)f.len);
	for (unsigned i = 0; i < f.len; i++)
		printf("    {0x%04x, %u, %u, 0x%08x},\n", f.prog[i].code, f.prog[i].jt,
		       f.prog[i].jf, f.prog[i].k);
	printf("};\n");
	syscalls_free(&f);
	return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
