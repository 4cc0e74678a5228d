/* SPDX-License-Identifier: MIT */
/*
 * ns: creating the container's first process in new namespaces. Fork
 * semantics (the child continues on a copy of the caller's stack), so the
 * caller's parsed config is simply there in the child. Nothing else.
 */
#pragma once

#include <sched.h>
#include <sys/types.h>

#define NS_CONTAINER_FLAGS (CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC)

/* Like fork(): the child's pid in the parent, 0 in the child, or -errno. SIGCHLD on exit. */
pid_t ns_clone(unsigned long flags);
