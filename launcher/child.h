/* SPDX-License-Identifier: MIT */
/*
 * child: the container's first process between clone and exec. It runs as
 * root in the new pid and mount namespaces, joins the container's cgroup first of
 * all, enters the namespaces launch made ahead (or, under --userns and rootless, waits
 * for its user namespace's maps and becomes its root), sets the container up, waits for GO
 * and execs boxinit from the sealed memfd. It never prints and never returns: errors
 * go over the sync socket.
 */
#pragma once

#include <signal.h>

#include "cgroup.h"
#include "config.h"
#include "ns.h"
#include "rootplan.h"
#include "syscalls.h"
#include "util.h"

struct child_args {
	const struct launch_config *cfg;
	const struct mount_plan *plan;
	char **argv; /* boxinit's */
	char **envp; /* the container's */
	int syncfd;  /* the child's end */
	int initfd;  /* sealed memfd of boxinit */
	/* The seccomp filter: loaded last, right before the exec. */
	const struct syscall_filter *filter;
	int parent_fds[2];              /* launch's own (sync end, signalfd): closed first */
	const struct cgroup_join *join; /* joined first of all, then closed */
	const struct ns_ahead *ahead;   /* entered right after */
	sigset_t exec_mask;             /* the signal mask boxinit starts with */
	const int *stdio;               /* what becomes the container's 0, 1, 2 */
	int ctl_fd;                     /* boxinit's --control-fd, or -1 */
	uint32_t userns_count;          /* launch --userns: ids mapped (0: no user namespace) */
};

_noreturn_ void child_main(const struct child_args *a);
