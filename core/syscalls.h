/* SPDX-License-Identifier: MIT */
/*
 * syscalls: the container's seccomp filter ("--seccomp default"), a denylist of the
 * system calls Docker's profile refuses an unprivileged container, fitted to its
 * capability set. The filter for the default capability set is compiled once, at build
 * time, by libseccomp (core/gen/seccomp_gen.c); any other set is built with
 * libseccomp in launch before clone. The child only loads the finished BPF program,
 * right before it execs boxinit, so boxinit and everything it starts are filtered.
 * Never filters launch itself.
 */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

struct syscall_filter {
	struct sock_filter *prog; /* NULL: no filter (unconfined or privileged) */
	unsigned short len;
	bool owned; /* prog was allocated (built now), not the build-time table */
};

/* Is the system call NAME refused to a container whose capability set is caps?
 * Pure: the same table syscalls_build uses (clone/unshare: namespace flags only). */
bool syscalls_denied(const char *name, uint64_t caps);
/* The capabilities the filter depends on: two sets that agree on these get one filter. */
uint64_t syscalls_caps_that_matter(void);
/* Builds the filter for capability set caps with libseccomp. Logs and returns -errno. */
int syscalls_build(uint64_t caps, struct syscall_filter *ret);
/* A libseccomp filter (scmp_filter_ctx, kept out of this header) as a program in memory.
 * Logs and returns -errno; -EINVAL past the kernel's BPF_MAXINSNS. */
int syscalls_export(void *ctx, struct syscall_filter *ret);
/* The filter for caps: the build-time one when caps agree with the set it was built for
 * on every capability that matters, else syscalls_build. Logs and returns -errno. */
int syscalls_get(uint64_t caps, struct syscall_filter *ret);
/* In the container's first process: installs the filter (no allocation). -errno. */
int syscalls_load(const struct syscall_filter *f);
void syscalls_free(struct syscall_filter *f);
