// SPDX-License-Identifier: MIT
/*
 * rootfs: see rootfs.h. rootfs_apply runs as root in the container's first
 * process (new mount namespace, before exec): each mount lands in that
 * namespace only, and a path inside the rootfs is never trusted to stay
 * inside it, so volume targets are resolved with openat2(RESOLVE_IN_ROOT).
 */
#include "rootfs.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kapi.h"
#include "sync.h"
#include "util.h"

int rootfs_plan(const struct launch_config *c, struct mount_plan *ret)
{
	struct mount_op *ops = calloc(c->n_volumes + 5, sizeof(*ops));
	size_t n = 0;

	if (!ops)
		return -ENOMEM;
	ops[n++] = (struct mount_op){.kind = MOUNT_OP_MAKE_PRIVATE};
	ops[n++] = (struct mount_op){.kind = MOUNT_OP_BIND_ROOT};
	for (size_t i = 0; i < c->n_volumes; i++)
		ops[n++] = (struct mount_op){
		    .kind = MOUNT_OP_VOLUME,
		    .src = c->volumes[i].src,
		    .dst = c->volumes[i].dst,
		    .ro = c->volumes[i].ro,
		};
	/* --dns: launch's generated file, read-only; the rootfs's own file is never edited. */
	if (c->net.resolv_conf[0])
		ops[n++] = (struct mount_op){
		    .kind = MOUNT_OP_VOLUME,
		    .src = c->net.resolv_conf,
		    .dst = "/etc/resolv.conf",
		    .ro = true,
		};
	/* After the volumes: remounting the root bind leaves the mounts on top alone. */
	if (c->read_only)
		ops[n++] = (struct mount_op){.kind = MOUNT_OP_ROOT_READONLY, .ro = true};
	ops[n++] = (struct mount_op){.kind = MOUNT_OP_PIVOT};
	*ret = (struct mount_plan){.rootfs = c->rootfs, .ops = ops, .n_ops = n};
	return 0;
}

void rootfs_plan_free(struct mount_plan *p)
{
	free(p->ops);
	p->ops = NULL;
	p->n_ops = 0;
}

const char *rootfs_op_name(enum mount_op_kind kind)
{
	static const char *const names[] = {
	    [MOUNT_OP_MAKE_PRIVATE] = "make-private",
	    [MOUNT_OP_BIND_ROOT] = "bind-root",
	    [MOUNT_OP_VOLUME] = "volume",
	    [MOUNT_OP_ROOT_READONLY] = "root-readonly",
	    [MOUNT_OP_PIVOT] = "pivot",
	};

	return (size_t)kind < ARRAY_SIZE(names) ? names[kind] : "?";
}

/* Symlinks and ".." are resolved as if rootfd were "/": nothing escapes it. */
static int open_in_root(int rootfd, const char *path, int flags, int *ret_fd)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

	if (fd < 0)
		return -errno;
	*ret_fd = (int)fd;
	return 0;
}

/* Creates the last component of path (a directory, or an empty file) unless it exists. */
static int create_one(int rootfd, char *path, bool dir)
{
	_cleanup_close_ int fd = -1, parent = -1;
	char *slash = strrchr(path, '/');
	int r = open_in_root(rootfd, path, O_PATH, &fd);

	if (r != -ENOENT)
		return r;
	*slash = '\0';
	r = open_in_root(rootfd, path[0] ? path : "/", O_PATH | O_DIRECTORY, &parent);
	*slash = '/';
	if (r < 0)
		return r;
	/* The name is created relative to a resolved parent, never through a link. */
	if (dir)
		r = mkdirat(parent, slash + 1, 0755) < 0 ? -errno : 0;
	else {
		fd = openat(parent, slash + 1, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		            0644);
		r = fd < 0 ? -errno : 0;
	}
	return r == -EEXIST ? 0 : r;
}

static int make_target(int rootfd, const char *dst, bool dir)
{
	_cleanup_free_ char *path = strdup(dst);
	char *slash;
	int r;

	if (!path)
		return -ENOMEM;
	for (slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		r = create_one(rootfd, path, true);
		*slash = '/';
		if (r < 0)
			return r;
	}
	return create_one(rootfd, path, dir);
}

static int open_target(const char *rootfs, const struct mount_op *op, bool dir, int *ret_fd)
{
	_cleanup_close_ int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (rootfd < 0)
		return -errno;
	r = make_target(rootfd, op->dst, dir);
	if (r == 0)
		r = open_in_root(rootfd, op->dst, O_PATH, &fd);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (dir != !!S_ISDIR(st.st_mode))
		return dir ? -ENOTDIR : -EISDIR;
	*ret_fd = steal_fd(&fd);
	return 0;
}

static int apply_volume(const char *rootfs, const struct mount_op *op, int syncfd)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	_cleanup_close_ int tree = -1, target = -1;
	struct stat st;
	int r;

	if (stat(op->src, &st) < 0)
		return sync_errorf(syncfd, -errno, "stat volume source '%s'", op->src);
	/* A detached copy of the source: made read-only (all of it) before anyone sees it. */
	tree = k_open_tree(AT_FDCWD, op->src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return sync_errorf(syncfd, -errno, "clone volume source '%s'", op->src);
	if (op->ro && k_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro) < 0)
		return sync_errorf(syncfd, -errno, "make volume '%s' read-only", op->src);
	r = open_target(rootfs, op, S_ISDIR(st.st_mode), &target);
	if (r < 0)
		return sync_errorf(syncfd, r, "open volume target '%s' in '%s'", op->dst, rootfs);
	if (k_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return sync_errorf(syncfd, -errno, "mount volume '%s' on '%s'", op->src, op->dst);
	return 0;
}

/* Same mount and same inode: the same directory (directories have no hard links). */
static int same_dir(int a, int b, bool *ret)
{
	struct fd_identity ia, ib;
	int r = k_fd_identity(a, &ia);

	if (r == 0)
		r = k_fd_identity(b, &ib);
	if (r < 0)
		return r;
	*ret = ia.mnt_id == ib.mnt_id && ia.dev_major == ib.dev_major &&
	       ia.dev_minor == ib.dev_minor && ia.ino == ib.ino;
	return 0;
}

/* ".." from fd until it leads nowhere: the top of the mount namespace. */
static int climb(int fd, int *ret_fd)
{
	_cleanup_close_ int cur = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	if (cur < 0)
		return -errno;
	for (int depth = 0; depth < 4096; depth++) {
		_cleanup_close_ int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		bool same;
		int r;

		if (up < 0)
			return -errno;
		r = same_dir(cur, up, &same);
		if (r < 0)
			return r;
		if (same) {
			*ret_fd = steal_fd(&cur);
			return 0;
		}
		(void)safe_close(cur);
		cur = steal_fd(&up);
	}
	return -ELOOP;
}

/*
 * launch may itself run in a chroot. Its root is then no mount namespace's root: "/" may not
 * be a mount point at all (nothing to make private, nothing to pivot), and a container
 * pivoted from it keeps the namespace's real root above its own, where a second chroot
 * climbs. ".." stops only at the process's root, so for a moment the rootfs is the root,
 * launch's old root is climbed from outside it, and launch's root is then put back: every
 * path of the plan is relative to it.
 */
static int namespace_top(const char *rootfs, int *ret_fd)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int top = -1;
	int r;

	if (root < 0)
		return -errno;
	/* A directory under the root (check_rootfs refuses the root itself). */
	if (chroot(rootfs) < 0)
		return -errno;
	r = climb(root, &top);
	/* A failure here fails the container: nothing of the plan runs from the wrong root. */
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return -errno;
	if (r == 0)
		*ret_fd = steal_fd(&top);
	return r;
}

/*
 * The root cannot be pivoted when it is the namespace's first mount (the initramfs): move the
 * new root over it instead. The root is the namespace's top (see namespace_top), so the moved
 * mount covers everything: ".." from it has nowhere to go, not even after a second chroot.
 */
static int chroot_fallback(const char *rootfs, int syncfd)
{
	sync_warnf(syncfd, "pivot_root to '%s': the host's root cannot be pivoted, using chroot",
	           rootfs);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return sync_errorf(syncfd, -errno, "move '%s' to '/'", rootfs);
	if (chroot(".") < 0)
		return sync_errorf(syncfd, -errno, "chroot to '%s'", rootfs);
	if (chdir("/") < 0)
		return sync_errorf(syncfd, -errno, "chdir to '/' in '%s'", rootfs);
	return 0;
}

static int apply_pivot(const char *rootfs, int top, int syncfd)
{
	_cleanup_close_ int newroot = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);

	/* After the root bind, so this is the new mount, not the directory under it. */
	if (newroot < 0)
		return sync_errorf(syncfd, -errno, "open rootfs '%s'", rootfs);
	/* Pivot from the namespace's root, not from a chroot launch runs in: nothing of the
	 * host may stay above the container's root. */
	if (fchdir(top) < 0 || chroot(".") < 0)
		return sync_errorf(syncfd, -errno, "chroot to the mount namespace's root");
	if (fchdir(newroot) < 0)
		return sync_errorf(syncfd, -errno, "chdir to '%s'", rootfs);
	/* pivot_root(".", "."): the old root ends up stacked on "." and is detached next,
	 * so no directory of the host stays reachable and none is needed in the rootfs. */
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		if (errno == EINVAL)
			return chroot_fallback(rootfs, syncfd);
		return sync_errorf(syncfd, -errno, "pivot_root to '%s'", rootfs);
	}
	if (umount2(".", MNT_DETACH) < 0)
		return sync_errorf(syncfd, -errno, "detach the old root from '%s'", rootfs);
	if (chdir("/") < 0)
		return sync_errorf(syncfd, -errno, "chdir to '/' in '%s'", rootfs);
	return 0;
}

static int apply_op(const char *rootfs, const struct mount_op *op, int top, int syncfd)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	struct mount_attr priv = {.propagation = MS_PRIVATE};

	switch (op->kind) {
	case MOUNT_OP_MAKE_PRIVATE:
		/* The whole namespace: ROOTFS may lie in a mount above launch's root. */
		if (k_mount_setattr(top, "", AT_EMPTY_PATH | AT_RECURSIVE, &priv) < 0)
			return sync_errorf(syncfd, -errno, "make the mount namespace private");
		return 0;
	case MOUNT_OP_BIND_ROOT:
		if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
			return sync_errorf(syncfd, -errno, "bind rootfs '%s'", rootfs);
		return 0;
	case MOUNT_OP_VOLUME:
		return apply_volume(rootfs, op, syncfd);
	case MOUNT_OP_ROOT_READONLY:
		/* Not AT_RECURSIVE: only the root bind, whatever else its other flags are. */
		if (k_mount_setattr(AT_FDCWD, rootfs, 0, &ro) < 0)
			return sync_errorf(syncfd, -errno, "make rootfs '%s' read-only", rootfs);
		return 0;
	case MOUNT_OP_PIVOT:
		return apply_pivot(rootfs, top, syncfd);
	}
	return sync_errorf(syncfd, -EINVAL, "apply mount step %d", (int)op->kind);
}

int rootfs_apply(const struct mount_plan *p, int syncfd)
{
	_cleanup_close_ int top = -1;
	int r = namespace_top(p->rootfs, &top);

	if (r < 0)
		return sync_errorf(syncfd, r, "find the mount namespace's root above '%s'",
		                   p->rootfs);
	for (size_t i = 0; i < p->n_ops; i++) {
		r = apply_op(p->rootfs, &p->ops[i], top, syncfd);

		if (r < 0)
			return r;
	}
	return 0;
}
