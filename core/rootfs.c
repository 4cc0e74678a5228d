// SPDX-License-Identifier: MIT
/*
 * rootfs: see rootfs.h. rootfs_apply runs as root in the container's first
 * process (new mount namespace, before exec): each mount lands in that
 * namespace only, and a path inside the rootfs is never trusted to stay
 * inside it, so volume targets are resolved with openat2(RESOLVE_IN_ROOT).
 */
#include "rootfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kapi.h"
#include "log.h"
#include "sync.h"
#include "util.h"

void rootfs_plan_free(struct mount_plan *p)
{
	for (size_t i = 0; i < p->n_strings; i++)
		free(p->strings[i]);
	free(p->strings);
	p->strings = NULL;
	p->n_strings = 0;
	free(p->ops);
	p->ops = NULL;
	p->n_ops = 0;
}

const char *rootfs_op_name(enum mount_op_kind kind)
{
	static const char *const names[] = {
	    [MOUNT_OP_MAKE_PRIVATE] = "make-private",
	    [MOUNT_OP_BIND_ROOT] = "bind-root",
	    [MOUNT_OP_OVERLAY_ROOT] = "overlay-root",
	    [MOUNT_OP_VOLUME] = "volume",
	    [MOUNT_OP_FS] = "mount",
	    [MOUNT_OP_DEVICE] = "device",
	    [MOUNT_OP_SYMLINK] = "symlink",
	    [MOUNT_OP_REMOUNT_RO] = "remount-ro",
	    [MOUNT_OP_ROOT_READONLY] = "root-readonly",
	    [MOUNT_OP_PIVOT] = "pivot",
	    [MOUNT_OP_SYSCTL] = "sysctl",
	    [MOUNT_OP_MASK] = "mask",
	    [MOUNT_OP_READONLY] = "readonly",
	    [MOUNT_OP_PROPAGATION] = "propagation",
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
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	char *slash;
	int r;

	/* Most targets exist (/proc, /dev, /sys in any image): one lookup, not one a component. */
	if (open_in_root(rootfd, dst, O_PATH, &fd) == 0)
		return 0;
	path = strdup(dst);
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

static int open_target(int rootfd, const struct mount_op *op, bool dir, int *ret_fd)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

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

static bool is_root(int rootfd, int fd)
{
	struct stat a, b;

	return fstat(rootfd, &a) == 0 && fstat(fd, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* MS_* flags of a bind as mount attributes (the new mount API takes no MS_ flags). */
static uint64_t bind_attrs(const struct mount_op *op)
{
	uint64_t a = op->ro ? MOUNT_ATTR_RDONLY : 0;

	a |= op->flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0;
	a |= op->flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0;
	a |= op->flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0;
	a |= op->flags & MS_NODIRATIME ? MOUNT_ATTR_NODIRATIME : 0;
	if (op->flags & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	else if (op->flags & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	return a;
}

static unsigned volume_rec(const struct mount_op *op)
{
	return op->recursive || (op->propagation & MS_REC) ? AT_RECURSIVE : 0;
}

/* idmapped: the host made the tree (rootfs_idmap_trees), its flags set; it is ours to attach.
 */
static int apply_volume(int rootfd, const char *rootfs, const struct mount_op *op, int idmapped,
                        int syncfd)
{
	/* mount_setattr takes the propagation alone; "rprivate" recurses through rec. */
	struct mount_attr attr = {.attr_set = bind_attrs(op),
	                          .propagation = op->propagation & ~(unsigned long)MS_REC};
	unsigned rec = volume_rec(op);
	_cleanup_close_ int tree = idmapped, target = -1;
	struct stat st;
	int r;

	if ((idmapped >= 0 ? fstat(tree, &st) : stat(op->src, &st)) < 0)
		return sync_errorf(syncfd, -errno, "stat volume source '%s'", op->src);
	/* A detached copy of the source: its flags set (all of it) before anyone sees it. */
	if (idmapped < 0)
		tree = k_open_tree(AT_FDCWD, op->src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
	if (tree < 0)
		return sync_errorf(syncfd, -errno, "clone volume source '%s'", op->src);
	if (idmapped < 0 && (attr.attr_set || attr.propagation) &&
	    k_mount_setattr(tree, "", AT_EMPTY_PATH | rec, &attr) < 0)
		return sync_errorf(syncfd, -errno, "set the flags of volume '%s'", op->src);
	r = open_target(rootfd, op, S_ISDIR(st.st_mode), &target);
	if (r < 0)
		return sync_errorf(syncfd, r, "open volume target '%s' in '%s'", op->dst, rootfs);
	/* A symlink on the way ("/x -> /", "/x -> ../..") is followed inside the rootfs, and
	 * may land on its root: a volume there would hide the whole rootfs. */
	if (is_root(rootfd, target))
		return sync_errorf(syncfd, -EINVAL, "volume target '%s' in '%s' is its root",
		                   op->dst, rootfs);
	if (k_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return sync_errorf(syncfd, -errno, "mount volume '%s' on '%s'", op->src, op->dst);
	return 0;
}

/* Before the pivot the host's /proc is still there: a mount(2) onto the target's descriptor
 * (/proc/self/fd/N, resolved in the rootfs already) takes every flag and option string the
 * filesystem knows, and cannot be redirected by a symlink swapped in meanwhile. */
static int mount_on_fd(const char *src, int fd, const char *type, unsigned long flags,
                       const void *data)
{
	char path[40];

	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return mount(src, path, type, flags, data) < 0 ? -errno : 0;
}

static int copy_tree(int from, int to, int depth);

static int copy_entry(int from, int to, const char *name, const struct stat *st, int depth)
{
	_cleanup_close_ int in = -1, out = -1;
	char link[4096];
	ssize_t n;

	if (S_ISDIR(st->st_mode)) {
		if (mkdirat(to, name, 0700) < 0)
			return -errno;
		in = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		out = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (in < 0 || out < 0)
			return -errno;
		return copy_tree(in, out, depth + 1);
	}
	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(from, name, link, sizeof(link) - 1);
		if (n < 0)
			return -errno;
		link[n] = '\0';
		return symlinkat(link, to, name) < 0 ? -errno : 0;
	}
	if (!S_ISREG(st->st_mode))
		return 0; /* nodes, fifos, sockets: not copied */
	in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (in < 0 || out < 0)
		return -errno;
	for (;;) {
		char buf[16384];

		n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : 0;
		if (write_all(out, buf, (size_t)n) < 0)
			return -errno;
	}
}

/* tmpcopyup: the image's files under a tmpfs go into it, with their owners and modes. */
static int copy_tree(int from, int to, int depth)
{
	_cleanup_closedir_ DIR *d = NULL;
	int dup_from = fcntl(from, F_DUPFD_CLOEXEC, 3);
	struct dirent *e;

	if (depth > 64 || dup_from < 0)
		return depth > 64 ? -ELOOP : -errno;
	d = fdopendir(dup_from);
	if (!d) {
		(void)safe_close(dup_from);
		return -errno;
	}
	while ((e = readdir(d))) {
		struct stat st;
		int r;

		if (STREQ(e->d_name, ".") || STREQ(e->d_name, ".."))
			continue;
		if (fstatat(from, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		r = copy_entry(from, to, e->d_name, &st, depth);
		if (r < 0)
			return r;
		if (fchownat(to, e->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    ((S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) &&
		     fchmodat(to, e->d_name, st.st_mode & 07777, 0) < 0))
			return -errno;
	}
	return 0;
}

static int copy_up(int rootfd, const struct mount_op *op, int old)
{
	_cleanup_close_ int fresh = -1;
	struct stat st;
	int r = open_in_root(rootfd, op->dst, O_RDONLY | O_DIRECTORY, &fresh);

	if (r < 0)
		return r;
	if (fstat(old, &st) < 0 || fchown(fresh, st.st_uid, st.st_gid) < 0 ||
	    fchmod(fresh, st.st_mode & 07777) < 0)
		return -errno;
	return copy_tree(old, fresh, 0);
}

static int apply_fs(int rootfd, const struct mount_op *op, int syncfd)
{
	_cleanup_close_ int target = -1, top = -1, old = -1;
	int r = open_target(rootfd, op, true, &target);

	if (r < 0)
		return sync_errorf(syncfd, r, "open mount target '%s'", op->dst);
	/* A symlink on the way may land on the root: a filesystem there would hide it all. */
	if (is_root(rootfd, target))
		return sync_errorf(syncfd, -EINVAL, "mount target '%s' is the container's root",
		                   op->dst);
	/* What the tmpfs will hide, open before it does. */
	if (op->copy_up && (r = open_in_root(rootfd, op->dst, O_RDONLY | O_DIRECTORY, &old)) < 0)
		return sync_errorf(syncfd, r, "open '%s' to copy it up", op->dst);
	r = mount_on_fd(op->src ? op->src : op->type, target, op->type, op->flags, op->data);
	if (r == -ENODEV && op->optional)
		return 0;
	if (r < 0)
		return sync_errorf(syncfd, r, "mount %s on '%s'", op->type, op->dst);
	if (old >= 0 && (r = copy_up(rootfd, op, old)) < 0)
		return sync_errorf(syncfd, r, "copy '%s' up into its tmpfs", op->dst);
	if (!op->propagation)
		return 0;
	/* The descriptor names the directory under the new mount: open its root. */
	r = open_target(rootfd, op, true, &top);
	if (r == 0)
		r = mount_on_fd(NULL, top, NULL, op->propagation, NULL);
	if (r < 0)
		return sync_errorf(syncfd, r, "set the propagation of '%s'", op->dst);
	return 0;
}

/* The parent of dst inside the root (made when missing) and dst's last component. */
static int open_parent(int rootfd, const char *dst, int *ret_fd, const char **ret_name)
{
	const char *slash = strrchr(dst, '/');
	char *dir;
	int r = 0;

	if (!slash || !slash[1])
		return -EINVAL;
	dir = slash == dst ? strdup("/") : strndup(dst, (size_t)(slash - dst));
	if (!dir)
		return -ENOMEM;
	if (!STREQ(dir, "/"))
		r = make_target(rootfd, dir, true);
	if (r == 0)
		r = open_in_root(rootfd, dir, O_PATH | O_DIRECTORY, ret_fd);
	free(dir);
	if (r == 0)
		*ret_name = slash + 1;
	return r;
}

static int apply_device(int rootfd, const char *rootfs, const struct mount_op *op, int syncfd)
{
	_cleanup_close_ int parent = -1;
	const char *name;
	int r = open_parent(rootfd, op->dst, &parent, &name);

	if (r < 0)
		return sync_errorf(syncfd, r, "open the directory of device '%s'", op->dst);
	if (mknodat(parent, name, op->mode, op->rdev) < 0) {
		if (errno == EEXIST)
			return sync_errorf(syncfd, -EEXIST, "create device '%s'", op->dst);
		if (errno != EPERM || !op->src)
			return sync_errorf(syncfd, -errno, "create device '%s'", op->dst);
		/* Where nodes cannot be made, the host's own node is bound on an empty file. */
		struct mount_op bind = {.kind = MOUNT_OP_VOLUME, .src = op->src, .dst = op->dst};
		return apply_volume(rootfd, rootfs, &bind, -1, syncfd);
	}
	/* mknod's mode passed through the umask; the node is ours (a fresh tmpfs). */
	if (fchownat(parent, name, op->uid, op->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(parent, name, op->mode & 07777, 0) < 0)
		return sync_errorf(syncfd, -errno, "set the owner and mode of device '%s'",
		                   op->dst);
	return 0;
}

static int apply_symlink(int rootfd, const struct mount_op *op, int syncfd)
{
	_cleanup_close_ int parent = -1;
	const char *name;
	int r = open_parent(rootfd, op->dst, &parent, &name);

	if (r < 0)
		return sync_errorf(syncfd, r, "open the directory of '%s'", op->dst);
	if (symlinkat(op->src, parent, name) < 0 && errno != EEXIST)
		return sync_errorf(syncfd, -errno, "link '%s' to '%s'", op->dst, op->src);
	return 0;
}

static int apply_remount_ro(int rootfd, const struct mount_op *op, int syncfd)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	_cleanup_close_ int fd = -1;
	int r = open_in_root(rootfd, op->dst, O_PATH | O_DIRECTORY, &fd);

	if (r == 0 && k_mount_setattr(fd, "", AT_EMPTY_PATH, &ro) < 0)
		r = -errno;
	if (r < 0)
		return sync_errorf(syncfd, r, "make '%s' read-only", op->dst);
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
static int chroot_fallback(const char *rootfs, int syncfd, bool asked)
{
	if (!asked)
		sync_warnf(syncfd,
		           "pivot_root to '%s': the host's root cannot be pivoted, using "
		           "chroot",
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
			return chroot_fallback(rootfs, syncfd, false);
		return sync_errorf(syncfd, -errno, "pivot_root to '%s'", rootfs);
	}
	if (umount2(".", MNT_DETACH) < 0)
		return sync_errorf(syncfd, -errno, "detach the old root from '%s'", rootfs);
	if (chdir("/") < 0)
		return sync_errorf(syncfd, -errno, "chdir to '/' in '%s'", rootfs);
	return 0;
}

/* --- after the pivot: "/" is the container's root ------------------------------------ */

static int apply_sysctl(const struct mount_op *op, int syncfd)
{
	_cleanup_free_ char *path = NULL;
	int r;

	if (asprintf(&path, "/proc/sys/%s", op->src) < 0)
		return sync_errorf(syncfd, -ENOMEM, "sysctl '%s'", op->src);
	for (char *c = path + 10; *c; c++)
		if (*c == '.')
			*c = '/';
	r = write_file(path, op->data);
	if (r == -ENOENT && op->optional)
		return 0;
	if (r < 0)
		return sync_errorf(syncfd, r, "sysctl '%s' = '%s'", op->src, op->data);
	return 0;
}

/* A detached mount (made by open_tree or fsmount) onto dst, resolved in the root. */
static int attach(int rootfd, int tree, const char *dst)
{
	_cleanup_close_ int target = -1;
	int r = open_in_root(rootfd, dst, O_PATH | O_NOFOLLOW, &target);

	if (r < 0)
		return r;
	if (k_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return -errno;
	return 0;
}

/* An empty read-only tmpfs over a directory, /dev/null over anything else. A path the
 * container does not have needs no mask. Every directory mask is the same tmpfs: the first
 * one made, then bind copies of it (*shared keeps its mount). A tmpfs per mask would be
 * a superblock per mask, and the kernel keeps state for every superblock in every memory
 * cgroup (see the README's scale section): empty and read-only, one serves them all. */
static int apply_mask(int rootfd, const struct mount_op *op, int *shared, int syncfd)
{
	_cleanup_close_ int fd = -1, tree = -1, fs = -1;
	struct stat st;
	int r = open_in_root(rootfd, op->dst, O_PATH | O_NOFOLLOW, &fd);
	bool dir;

	if (r == -ENOENT)
		return 0;
	if (r < 0 || fstat(fd, &st) < 0)
		return sync_errorf(syncfd, r < 0 ? r : -errno, "open masked path '%s'", op->dst);
	dir = S_ISDIR(st.st_mode);
	if (dir && *shared >= 0) {
		tree =
		    k_open_tree(*shared, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	} else if (dir) {
		fs = k_fsopen("tmpfs", FSOPEN_CLOEXEC);
		if (fs >= 0 && k_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
			tree = k_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
	} else {
		tree = k_open_tree(rootfd, "dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	}
	r = tree < 0 ? -errno : attach(rootfd, tree, op->dst);
	if (r < 0)
		return sync_errorf(syncfd, r, "mask '%s'", op->dst);
	/* Attached, the mount is in our namespace, where open_tree may copy it. */
	if (dir && *shared < 0)
		*shared = steal_fd(&tree);
	return 0;
}

static int apply_readonly(int rootfd, const struct mount_op *op, int syncfd)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	_cleanup_close_ int fd = -1, tree = -1;
	int r = open_in_root(rootfd, op->dst, O_PATH | O_NOFOLLOW, &fd);

	if (r == -ENOENT)
		return 0;
	if (r == 0) {
		tree = k_open_tree(
		    fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
		if (tree < 0 || k_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro) < 0)
			r = -errno;
	}
	if (r == 0)
		r = attach(rootfd, tree, op->dst);
	if (r < 0)
		return sync_errorf(syncfd, r, "make '%s' read-only", op->dst);
	return 0;
}

struct apply_ctx {
	const struct mount_plan *plan;
	int top;    /* the mount namespace's root */
	int rootfd; /* the root bind (after MOUNT_OP_BIND_ROOT), then "/" after the pivot */
	int syncfd;
	size_t next_tree; /* idmapped plans: the next of plan->trees */
	int mask;         /* the tmpfs every directory mask shares (see apply_mask), or -1 */
};

static int reopen_root(struct apply_ctx *c, const char *path)
{
	(void)safe_close(c->rootfd);
	c->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0)
		return sync_errorf(c->syncfd, -errno, "open root '%s'", path);
	return 0;
}

/* The next idmapped tree of the plan, ours from now on; -1 when the plan has none. */
static int take_tree(struct apply_ctx *c)
{
	return c->plan->idmap ? c->plan->trees[c->next_tree++] : -1;
}

static int bind_root(struct apply_ctx *c)
{
	const char *rootfs = c->plan->rootfs;
	_cleanup_close_ int tree = take_tree(c);

	if (tree >= 0) {
		/* The host's idmapped copy of ROOTFS, on ROOTFS. */
		if (k_move_mount(tree, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return sync_errorf(c->syncfd, -errno, "mount the idmapped rootfs on '%s'",
			                   rootfs);
	} else if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
		return sync_errorf(c->syncfd, -errno, "bind rootfs '%s'", rootfs);
	}
	/* From here on every path is resolved in the bind, not in what is under it. */
	return reopen_root(c, rootfs);
}

/* The kernel's own words on a failed fsconfig (the filesystem context's log), or "". */
static const char *fs_context_message(int fsfd, char *buf, size_t size)
{
	ssize_t n = read(fsfd, buf, size - 1);

	if (n <= 2)
		return "";
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf + 2; /* "e ", "w ", "i ": error, warning, information */
}

/* The upper layer's root is the merged root: ROOTFS's owner and mode. In a fresh tmpfs, or
 * on the host's disk in the layer's directory, which launch made and only root can reach. */
static int make_layer_dirs(int layer, int rootfd)
{
	_cleanup_close_ int upper = -1;
	struct stat st;

	if (fstat(rootfd, &st) < 0)
		return -errno;
	if ((mkdirat(layer, "upper", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(layer, "work", 0700) < 0 && errno != EEXIST))
		return -errno;
	upper = openat(layer, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (upper < 0 || fchown(upper, st.st_uid, st.st_gid) < 0 ||
	    fchmod(upper, st.st_mode & 07777) < 0)
		return -errno;
	return 0;
}

/* --userns: the host's idmapped copies of ROOTFS and of the layer's directory, each on its
 * own path in this mount namespace (overlayfs takes its layers from the caller's). */
static int attach_idmapped_layers(struct apply_ctx *c, const struct mount_op *op)
{
	_cleanup_close_ int lower = take_tree(c), layer = take_tree(c);

	if (k_move_mount(lower, "", AT_FDCWD, c->plan->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return sync_errorf(c->syncfd, -errno, "mount the idmapped rootfs on '%s'",
		                   c->plan->rootfs);
	if (k_move_mount(layer, "", AT_FDCWD, op->src, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return sync_errorf(c->syncfd, -errno, "mount the idmapped layer on '%s'", op->src);
	return reopen_root(c, c->plan->rootfs);
}

static int overlay_root(struct apply_ctx *c, const struct mount_op *op)
{
	const char *rootfs = c->plan->rootfs;
	_cleanup_close_ int layer = -1, fs = -1, mnt = -1;
	char upper[PATH_MAX], work[PATH_MAX], msg[256] = "";
	int r;

	if (c->plan->idmap && (r = attach_idmapped_layers(c, op)) < 0)
		return r;
	if (op->type && mount("tmpfs", op->src, "tmpfs", MS_NOSUID | MS_NODEV, op->data) < 0)
		return sync_errorf(c->syncfd, -errno, "mount a tmpfs for the layer on '%s'",
		                   op->src);
	layer = open(op->src, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	r = layer < 0 ? -errno : make_layer_dirs(layer, c->rootfd);
	if (r < 0)
		return sync_errorf(c->syncfd, r, "make the layer's directories in '%s'", op->src);
	(void)snprintf(upper, sizeof(upper), "%s/upper", op->src);
	(void)snprintf(work, sizeof(work), "%s/work", op->src);
	/* One option a call: a comma in a path is no separator. (config refuses a ROOTFS
	 * with ':' or '\\', which lowerdir would take for a layer separator or an escape.) In
	 * a user namespace overlayfs keeps its own attributes in user.* xattrs (userxattr):
	 * trusted.* is the host's root's. */
	fs = k_fsopen("overlay", FSOPEN_CLOEXEC);
	r = fs < 0 ? -errno : 0;
	if (r == 0 &&
	    (k_fsconfig(fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0 ||
	     k_fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", rootfs, 0) < 0 ||
	     k_fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	     k_fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
	     (c->plan->idmap && k_fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) ||
	     k_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0))
		r = -errno;
	if (r == 0 && (mnt = k_fsmount(fs, FSMOUNT_CLOEXEC, 0)) < 0)
		r = -errno;
	if (r == 0 && k_move_mount(mnt, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		r = -errno;
	if (r < 0) {
		const char *why = fs >= 0 ? fs_context_message(fs, msg, sizeof(msg)) : "";

		return sync_errorf(c->syncfd, r,
		                   "mount an overlay of '%s' with its layer in '%s'%s%s", rootfs,
		                   op->src, *why ? ": " : "", why);
	}
	return reopen_root(c, rootfs);
}

static int apply_pivot_op(struct apply_ctx *c)
{
	const char *rootfs = c->plan->rootfs;
	int r;

	if (c->plan->before_pivot && (r = c->plan->before_pivot(c->plan->before_pivot_arg)) < 0)
		return r;
	if (c->plan->no_pivot) {
		r = fchdir(c->rootfd) < 0 ? -errno : 0;
		if (r < 0)
			return sync_errorf(c->syncfd, r, "chdir to '%s'", rootfs);
		r = chroot_fallback(rootfs, c->syncfd, true);
	} else {
		r = apply_pivot(rootfs, c->top, c->syncfd);
	}
	return r < 0 ? r : reopen_root(c, "/");
}

static int apply_op(struct apply_ctx *c, const struct mount_op *op)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	struct mount_attr priv = {.propagation = MS_PRIVATE};
	const char *rootfs = c->plan->rootfs;
	int syncfd = c->syncfd;

	switch (op->kind) {
	case MOUNT_OP_MAKE_PRIVATE:
		/* The whole namespace: ROOTFS may lie in a mount above launch's root. */
		if (k_mount_setattr(c->top, "", AT_EMPTY_PATH | AT_RECURSIVE, &priv) < 0)
			return sync_errorf(syncfd, -errno, "make the mount namespace private");
		return 0;
	case MOUNT_OP_BIND_ROOT:
		return bind_root(c);
	case MOUNT_OP_OVERLAY_ROOT:
		return overlay_root(c, op);
	case MOUNT_OP_VOLUME:
		return apply_volume(c->rootfd, rootfs, op, take_tree(c), syncfd);
	case MOUNT_OP_FS:
		return apply_fs(c->rootfd, op, syncfd);
	case MOUNT_OP_DEVICE:
		return apply_device(c->rootfd, rootfs, op, syncfd);
	case MOUNT_OP_SYMLINK:
		return apply_symlink(c->rootfd, op, syncfd);
	case MOUNT_OP_REMOUNT_RO:
		return apply_remount_ro(c->rootfd, op, syncfd);
	case MOUNT_OP_ROOT_READONLY:
		/* Not AT_RECURSIVE: only the root bind, whatever else its other flags are. */
		if (k_mount_setattr(AT_FDCWD, rootfs, 0, &ro) < 0)
			return sync_errorf(syncfd, -errno, "make rootfs '%s' read-only", rootfs);
		return 0;
	case MOUNT_OP_PIVOT:
		return apply_pivot_op(c);
	case MOUNT_OP_SYSCTL:
		return apply_sysctl(op, syncfd);
	case MOUNT_OP_MASK:
		return apply_mask(c->rootfd, op, &c->mask, syncfd);
	case MOUNT_OP_READONLY:
		return apply_readonly(c->rootfd, op, syncfd);
	case MOUNT_OP_PROPAGATION:
		if (mount(NULL, "/", NULL, MS_REC | op->propagation, NULL) < 0)
			return sync_errorf(syncfd, -errno, "set the propagation of '/'");
		return 0;
	case MOUNT_OP_MAX:
		break;
	}
	return sync_errorf(syncfd, -EINVAL, "apply mount step %d", (int)op->kind);
}

size_t rootfs_n_trees(const struct mount_plan *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_ops; i++)
		if (p->ops[i].kind == MOUNT_OP_OVERLAY_ROOT)
			n += 2; /* the lower layer and the layer's directory */
		else
			n += p->ops[i].kind == MOUNT_OP_BIND_ROOT ||
			     p->ops[i].kind == MOUNT_OP_VOLUME;
	return n;
}

/* One detached, idmapped copy of path; attr: the other flags of a volume. */
static int idmap_tree(const char *path, unsigned rec, uint64_t attr_set, int userns_fd, int *ret)
{
	struct mount_attr attr = {.attr_set = attr_set | MOUNT_ATTR_IDMAP,
	                          .userns_fd = (uint64_t)userns_fd};
	_cleanup_close_ int tree =
	    k_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);

	if (tree < 0)
		return log_errno(-errno, "clone '%s' for the user namespace", path);
	if (k_mount_setattr(tree, "", AT_EMPTY_PATH | rec, &attr) < 0) {
		int r = -errno;

		if (r == -EINVAL || r == -EPERM || r == -EOPNOTSUPP)
			log_error("--userns: '%s' cannot be idmapped (a filesystem without "
			          "idmapped mounts, here or in a mount below it): %s",
			          path, strerror(-r));
		else
			log_errno(r, "idmap '%s' for the user namespace", path);
		return r;
	}
	*ret = steal_fd(&tree);
	return 0;
}

int rootfs_idmap_trees(const struct mount_plan *p, int userns_fd, int *ret)
{
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; r == 0 && i < p->n_ops; i++) {
		const struct mount_op *op = &p->ops[i];

		if (op->kind == MOUNT_OP_BIND_ROOT)
			r = idmap_tree(p->rootfs, AT_RECURSIVE, 0, userns_fd, &ret[n]);
		/* The overlay's lower layer is ROOTFS's own filesystem (no mount below it), and
		 * the layer's directory goes with it: what the container's root writes there is
		 * the host's root's, as it is in ROOTFS without a layer. */
		else if (op->kind == MOUNT_OP_OVERLAY_ROOT) {
			r = idmap_tree(p->rootfs, 0, 0, userns_fd, &ret[n]);
			if (r < 0)
				break;
			n++;
			r = idmap_tree(op->src, 0, 0, userns_fd, &ret[n]);
		} else if (op->kind == MOUNT_OP_VOLUME)
			r = idmap_tree(op->src, volume_rec(op), bind_attrs(op), userns_fd, &ret[n]);
		else
			continue;
		n += r == 0;
	}
	while (r < 0 && n > 0)
		(void)safe_close(ret[--n]);
	return r;
}

int rootfs_apply(const struct mount_plan *p, int syncfd)
{
	struct apply_ctx c = {.plan = p, .top = -1, .rootfd = -1, .syncfd = syncfd, .mask = -1};
	int r = namespace_top(p->rootfs, &c.top);

	if (r < 0)
		return sync_errorf(syncfd, r, "find the mount namespace's root above '%s'",
		                   p->rootfs);
	r = reopen_root(&c, p->rootfs);
	for (size_t i = 0; r == 0 && i < p->n_ops; i++)
		r = apply_op(&c, &p->ops[i]);
	(void)safe_close(c.top);
	(void)safe_close(c.rootfd);
	(void)safe_close(c.mask);
	return r;
}
