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

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

pid_t ns_clone(unsigned long flags, int cgroup_fd, bool *ret_in_cgroup)
{
	struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
	long pid = -1;

	*ret_in_cgroup = false;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid >= 0) {
			*ret_in_cgroup = pid > 0;
			return (pid_t)pid;
		}
		/* Before 5.7 the kernel refuses the larger struct or the flag: go without. */
		args.flags = flags;
		args.cgroup = 0;
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && errno == ENOSYS)
		/* Every pointer argument is 0, so their order (which varies by arch) is moot. */
		pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return -errno;
	return (pid_t)pid;
}
