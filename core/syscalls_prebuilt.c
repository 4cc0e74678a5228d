// SPDX-License-Identifier: MIT
/*
 * syscalls_prebuilt: hands out the seccomp filter compiled at build time for the
 * default capability set (build/host/gen/seccomp_prebuilt.h, written by
 * core/gen/seccomp_gen.c with the same table and libseccomp), so a default launch
 * spends nothing on building it. Never hands it out for a set it was not built for.
 */
#include <errno.h>

#include "seccomp_prebuilt.h"
#include "syscalls.h"
#include "util.h"

int syscalls_get(uint64_t caps, struct syscall_filter *ret)
{
	if ((caps ^ SECCOMP_PREBUILT_CAPS) & syscalls_caps_that_matter())
		return syscalls_build(caps, ret);
	/* Loaded read-only by the kernel: the const is only cast away for the struct. */
	ret->prog = (struct sock_filter *)seccomp_prebuilt;
	ret->len = (unsigned short)ARRAY_SIZE(seccomp_prebuilt);
	ret->owned = false;
	return 0;
}
