/* SPDX-License-Identifier: MIT */
/*
 * mounts: the kernel filesystems of a container (/proc, /sys read-only, a
 * fresh /dev with its nodes, pts, shm, mqueue) as a plan of steps, then one
 * function that applies it inside the new root. Runs in boxinit, PID 1 of
 * fresh mount and pid namespaces, after pivot_root and before any other
 * process exists. Never follows a symlink the rootfs planted.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum mount_kind {
	MK_MOUNT,   /* mount fstype on target (mkdir target in the rootfs if missing) */
	MK_DIR,     /* mkdir target with mode, in our fresh /dev */
	MK_NODE,    /* mknod a character device */
	MK_SYMLINK, /* symlink(source, target) */
	MK_CONSOLE, /* bind stdin's terminal on target (skipped if stdin is no tty) */
	MK_MASK,    /* hide target: /dev/null over a file, an empty read-only tmpfs over a dir */
	MK_RDONLY,  /* bind target on itself, read-only */
};

/* Small fields, so the table of steps stays small in boxinit's binary. */
struct mount_step {
	unsigned char kind; /* enum mount_kind */
	const char *target;
	const char *source; /* MK_MOUNT: source name; MK_SYMLINK: link text */
	const char *fstype;
	unsigned flags; /* MS_* */
	const char *data;
	unsigned short mode;
	unsigned char major, minor;
	bool optional; /* a missing target (MK_MASK, MK_RDONLY) or unsupported fs is fine */
};

/* The plan for a container; privileged skips masking and read-only paths. With
 * have_tty_gid, devpts gets gid=5. Returns the number of steps written (<= max). */
size_t mounts_plan(struct mount_step *steps, size_t max, bool privileged, bool have_tty_gid);

/* Applies the plan in the current root. Logs the first failure in one line
 * and returns -errno. */
int mounts_apply(const struct mount_step *steps, size_t n);

/* Plans and applies for --container. own_console: /dev/console is left to console.c
 * (--tty) instead of being stdin's terminal. */
int mounts_setup(bool privileged, bool own_console);
