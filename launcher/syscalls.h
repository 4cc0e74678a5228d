/* SPDX-License-Identifier: MIT */
/*
 * syscalls: the container's seccomp filter ("--seccomp default"), a denylist of the
 * system calls Docker's profile refuses an unprivileged container, fitted to its
 * capability set. Built with libseccomp in launch before clone; the child only loads
 * the finished BPF program, right before it execs boxinit, so boxinit and everything
 * it starts are filtered. Never filters launch itself.
 */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

struct syscall_filter {
	struct sock_filter *prog; /* NULL: no filter (unconfined or privileged) */
	unsigned short len;
};

/* Is the system call NAME refused to a container whose capability set is caps?
 * Pure: the same table syscalls_build uses (clone/unshare: namespace flags only). */
bool syscalls_denied(const char *name, uint64_t caps);
/* Builds the filter for capability set caps. Logs and returns -errno. */
int syscalls_build(uint64_t caps, struct syscall_filter *ret);
/* In the container's first process: installs the filter (no allocation). -errno. */
int syscalls_load(const struct syscall_filter *f);
void syscalls_free(struct syscall_filter *f);
