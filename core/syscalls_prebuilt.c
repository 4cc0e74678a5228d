// SPDX-License-Identifier: MIT
/*
 * syscalls_prebuilt: hands out the seccomp filter compiled at build time as a template
 * (build/host/gen/seccomp_prebuilt.h, written by core/gen/seccomp_gen.c with the same
 * tables and libseccomp), fitted to the container's capability set, so no launch spends
 * libseccomp's 36 ms on building it.
 */
#include "seccomp_prebuilt.h"
#include "syscalls.h"
#include "util.h"

int syscalls_get(uint64_t caps, struct syscall_filter *ret)
{
	return syscalls_fit(seccomp_prebuilt, (unsigned short)ARRAY_SIZE(seccomp_prebuilt), caps,
	                    ret);
}
