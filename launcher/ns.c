// SPDX-License-Identifier: MIT
/*
 * ns: see ns.h. clone3 first (one argument layout on every architecture),
 * the classic clone syscall when the kernel predates it (5.3). No stack is
 * passed: like fork, the child gets a copy-on-write image, so there is no
 * stack size to guess. The child must then stay away from glibc's thread
 * bookkeeping (raise, abort, pthread): its cached tid is the parent's.
 */
#include "ns.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

pid_t ns_clone(unsigned long flags)
{
	struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
	long pid = syscall(SYS_clone3, &args, sizeof(args));

	if (pid < 0 && errno == ENOSYS)
		/* Every pointer argument is 0, so their order (which varies by arch) is moot. */
		pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return -errno;
	return (pid_t)pid;
}
