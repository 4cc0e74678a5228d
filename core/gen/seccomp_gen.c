// SPDX-License-Identifier: MIT
/*
 * seccomp_gen: run at build time, prints the C header with the container's seccomp
 * filter as a template for any capability set (syscalls_build_template), compiled by
 * libseccomp from the tables in core/syscalls.c (see syscalls_prebuilt.c). The build machine's
 * architecture is the one launch runs on; the filter checks it and refuses to run elsewhere anyway.
 */
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "syscalls.h"

int main(void)
{
	struct syscall_filter f = {0};

	log_init("seccomp-gen", false);
	if (syscalls_build_template(&f) < 0)
		return EXIT_FAILURE;
	printf("/* Generated at build time by core/gen/seccomp_gen.c: do not edit. */\n"
	       "#pragma once\n\n#include <linux/filter.h>\n\n"
	       "static const struct sock_filter seccomp_prebuilt[%u] = {\n",
	       (unsigned)f.len);
	for (unsigned i = 0; i < f.len; i++)
		printf("    {0x%04x, %u, %u, 0x%08x},\n", f.prog[i].code, f.prog[i].jt,
		       f.prog[i].jf, f.prog[i].k);
	printf("};\n");
	syscalls_free(&f);
	return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
