/* SPDX-License-Identifier: MIT */
/*
 * syscalls: the container's seccomp filter ("--seccomp default"), an allowlist in the
 * shape of Docker's and Podman's default profiles (unnamed calls: ENOSYS; the dangerous
 * ones: EPERM), fitted to its capability set. The filter for the default capability set
 * is compiled once, at build time, by libseccomp (core/gen/seccomp_gen.c), as a template
 * that launch fits to the container's set before clone. The child only loads the finished BPF
 * program, right before it execs boxinit, so boxinit and everything it starts are filtered. Never
 * filters launch itself.
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

/* What the filter for capability set caps answers a call of NAME. Pure: the same tables
 * syscalls_build uses. */
enum syscall_verdict {
	SYSCALL_ALLOWED,
	SYSCALL_BY_ARGS, /* clone, unshare, personality, socket, ioctl: some arguments only */
	SYSCALL_EPERM,   /* known dangerous, or guarded by a capability the set lacks */
	SYSCALL_ENOSYS,  /* not named at all (and clone3 without CAP_SYS_ADMIN) */
};
enum syscall_verdict syscalls_verdict(const char *name, uint64_t caps);
/* Is the system call NAME refused whatever its arguments (EPERM or ENOSYS)? */
bool syscalls_denied(const char *name, uint64_t caps);
/* The capabilities the filter depends on: two sets that agree on these get one filter. */
uint64_t syscalls_caps_that_matter(void);
/* Builds the filter for capability set caps with libseccomp. Logs and returns -errno. */
int syscalls_build(uint64_t caps, struct syscall_filter *ret);
/* The template's marks: SECCOMP_RET_ERRNO with a value from here up (libseccomp takes errno
 * values below 4096) where the answer depends on a capability; syscalls_fit resolves them. */
#define SYSCALLS_MARK_BASE 0xc00U
/* The template every capability set's filter is fitted from: libseccomp's program with a
 * mark returned where the answer depends on a capability. Built at build time (seccomp_gen):
 * libseccomp 2.5 takes 36 ms to build the allowlist; fitting is a copy and one pass. */
int syscalls_build_template(struct syscall_filter *ret);
/* The template's copy with every mark replaced by the answer for caps: the same verdicts as
 * syscalls_build(caps), without libseccomp. Logs and returns -errno (-ENOMEM). */
int syscalls_fit(const struct sock_filter *tmpl, unsigned short len, uint64_t caps,
                 struct syscall_filter *ret);
/* A libseccomp filter (scmp_filter_ctx, kept out of this header) as a program in memory.
 * Logs and returns -errno; -EINVAL past the kernel's BPF_MAXINSNS. */
int syscalls_export(void *ctx, struct syscall_filter *ret);
/* The filter for caps: the build-time template fitted to caps. Logs and returns -errno. */
int syscalls_get(uint64_t caps, struct syscall_filter *ret);
/* In the container's first process: installs the filter (no allocation). -errno. */
int syscalls_load(const struct syscall_filter *f);
void syscalls_free(struct syscall_filter *f);
