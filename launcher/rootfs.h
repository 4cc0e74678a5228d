/* SPDX-License-Identifier: MIT */
/*
 * rootfs: the container's mount plan, made from the config in launch (pure,
 * unit-tested) and applied by one function in the container's first process,
 * inside its own mount namespace, before boxinit runs. Kernel filesystems
 * (/proc, /sys, /dev) are boxinit's job, after pivot_root: never mounted here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

enum mount_op_kind {
	MOUNT_OP_MAKE_PRIVATE,  /* "/" recursively private: nothing propagates to the host */
	MOUNT_OP_BIND_ROOT,     /* ROOTFS bound on itself, so it is a mount point to pivot to */
	MOUNT_OP_VOLUME,        /* src (host) onto dst inside ROOTFS, created when missing */
	MOUNT_OP_ROOT_READONLY, /* the root bind only: volumes keep their own mode */
	MOUNT_OP_PIVOT,         /* pivot_root, detach the old root (chroot fallback) */
};

struct mount_op {
	enum mount_op_kind kind;
	const char *src; /* MOUNT_OP_VOLUME only */
	const char *dst; /* MOUNT_OP_VOLUME: absolute path inside the container */
	bool ro;
};

struct mount_plan {
	const char *rootfs;
	struct mount_op *ops;
	size_t n_ops;
};

/* The plan borrows strings from c, which must outlive it. */
int rootfs_plan(const struct launch_config *c, struct mount_plan *ret);
void rootfs_plan_free(struct mount_plan *p);
const char *rootfs_op_name(enum mount_op_kind kind);
/* Container's first process only: applies every op in order; the first failure is
 * sent over syncfd ({errno, "step 'path'"}) and returned. Warnings go there too. */
int rootfs_apply(const struct mount_plan *p, int syncfd);
