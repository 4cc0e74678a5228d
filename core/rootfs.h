/* SPDX-License-Identifier: MIT */
/*
 * rootfs: the container's mount plan, an ordered list of steps made by a front door (launch's
 * launcher/rootplan.c, the OCI spec's core/specplan.c) and applied by one function in the
 * container's first process, inside its own mount namespace, before the exec. Every path
 * inside the container is resolved in its root (openat2 RESOLVE_IN_ROOT), so a symlink in an
 * image can never send a mount, a node or a mask onto the host.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <sys/types.h>

enum mount_op_kind {
	MOUNT_OP_MAKE_PRIVATE, /* "/" recursively private: nothing propagates to the host */
	MOUNT_OP_BIND_ROOT,    /* ROOTFS bound on itself, so it is a mount point to pivot to */
	/* Instead of BIND_ROOT: an overlay on ROOTFS, ROOTFS its lower layer, its upper and work
	 * directories in src (a host directory, root's only; a tmpfs mounted there first when
	 * type is "tmpfs", data its options). ROOTFS itself is never written. */
	MOUNT_OP_OVERLAY_ROOT,
	MOUNT_OP_VOLUME,     /* src (host) bound onto dst inside ROOTFS, created when missing */
	MOUNT_OP_FS,         /* a new filesystem (type, src, flags, data) on dst */
	MOUNT_OP_DEVICE,     /* a device node at dst (mknod; a bind of the host's src if refused) */
	MOUNT_OP_SYMLINK,    /* dst, a symbolic link to src, unless dst exists */
	MOUNT_OP_REMOUNT_RO, /* the mount on dst becomes read-only (a tmpfs filled earlier) */
	MOUNT_OP_ROOT_READONLY, /* the root bind only: volumes keep their own mode */
	MOUNT_OP_PIVOT,         /* pivot_root, detach the old root (chroot fallback) */
	/* After the pivot, paths in the container's own root: */
	MOUNT_OP_SYSCTL,      /* write data to /proc/sys/<src with dots as slashes> */
	MOUNT_OP_MASK,        /* /dev/null on a file, an empty read-only tmpfs on a directory */
	MOUNT_OP_READONLY,    /* dst bound on itself, read-only */
	MOUNT_OP_PROPAGATION, /* "/" gets propagation (recursively) */
	MOUNT_OP_MAX,
};

struct mount_op {
	enum mount_op_kind kind;
	const char *src; /* VOLUME, DEVICE (host node), SYMLINK (target), SYSCTL (key), OVERLAY_ROOT
	                  * (the layer's directory) */
	const char *dst; /* absolute path inside the container */
	bool ro;         /* VOLUME */
	bool recursive;  /* VOLUME: every mount under src too (rbind) */
	bool copy_up;    /* FS: what the image has at dst is copied into it (tmpcopyup) */
	bool optional;   /* FS: a filesystem this kernel does not have (ENODEV) is skipped; SYSCTL:
	                  * a key it does not have (ENOENT) too */
	const char *type;          /* FS */
	const char *data;          /* FS: options for the filesystem; SYSCTL: the value */
	unsigned long flags;       /* FS: MS_*; VOLUME: MS_NOSUID, MS_NODEV, MS_NOEXEC, atime */
	unsigned long propagation; /* VOLUME, FS, PROPAGATION: MS_PRIVATE... (0: leave) */
	mode_t mode;               /* DEVICE: type and permission bits */
	dev_t rdev;                /* DEVICE */
	uid_t uid;                 /* DEVICE */
	gid_t gid;
};

struct mount_plan {
	const char *rootfs;
	struct mount_op *ops;
	size_t n_ops;
	bool no_pivot; /* MS_MOVE and chroot instead of pivot_root (box create --no-pivot) */
	/* Called right before the pivot (the OCI hooks' moment), 0 to go on. */
	int (*before_pivot)(void *arg);
	void *before_pivot_arg;
	/* launch --userns: the root and every volume come as detached trees idmapped by the host
	 * (rootfs_idmap_trees), in that order, instead of being bound here. */
	bool idmap;
	const int *trees; /* the first process's descriptors for them, set before rootfs_apply */
	char **strings;   /* made for the plan (paths joined), freed with it */
	size_t n_strings;
};

void rootfs_plan_free(struct mount_plan *p);
const char *rootfs_op_name(enum mount_op_kind kind);
/* How many trees an idmapped plan takes: the root and its volumes. */
size_t rootfs_n_trees(const struct mount_plan *p);
/* Host side, once the container's user namespace (userns_fd) has its maps: a detached copy
 * of the rootfs and of each volume's source (recursive), idmapped to it, a volume's flags set,
 * in rootfs_apply's order, into ret (rootfs_n_trees of them; the caller closes them). A
 * filesystem without idmapped mounts gets one line naming the path. -errno, logged. */
int rootfs_idmap_trees(const struct mount_plan *p, int userns_fd, int *ret);
/* Container's first process only: applies every op in order; the first failure is
 * sent over syncfd ({errno, "step 'path'"}) and returned. Warnings go there too. */
int rootfs_apply(const struct mount_plan *p, int syncfd);
