/* SPDX-License-Identifier: MIT */
/*
 * ns: creating the container's first process in new namespaces. Fork
 * semantics (the child continues on a copy of the caller's stack), so the
 * caller's parsed config is simply there in the child. Nothing else.
 */
#pragma once

#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#define NS_CONTAINER_FLAGS (CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC)

/* Like fork(): the child's pid in the parent, 0 in the child, or -errno. SIGCHLD on exit.
 * With cgroup_fd >= 0 the child starts in that cgroup (v2) when the kernel can do it
 * (5.7+); *ret_in_cgroup says whether it did. */
pid_t ns_clone(unsigned long flags, int cgroup_fd, bool *ret_in_cgroup);
