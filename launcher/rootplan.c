// SPDX-License-Identifier: MIT
/*
 * rootplan: launch's options as the core's mount plan (core/rootfs.h). Pure but for reading
 * whether the rootfs has a group 5 (devpts's tty group): it only lists the steps;
 * core/rootfs.c applies them in the container's first process, the same executor as box's.
 */
#include "rootplan.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kpaths.h"
#include "util.h"

#define KFS_FLAGS  (MS_NOSUID | MS_NODEV | MS_NOEXEC)
#define PLAN_FIXED 64 /* every step but the volumes */

/* The kernel filesystems and a fresh /dev (never the host's, which holds its disks). */
static const struct mount_op kernel_ops[] = {
    {.kind = MOUNT_OP_FS, .dst = "/proc", .src = "proc", .type = "proc", .flags = KFS_FLAGS},
    {.kind = MOUNT_OP_FS,
     .dst = "/sys",
     .src = "sysfs",
     .type = "sysfs",
     .flags = KFS_FLAGS | MS_RDONLY},
    {.kind = MOUNT_OP_FS,
     .dst = "/dev",
     .src = "tmpfs",
     .type = "tmpfs",
     .flags = MS_NOSUID | MS_STRICTATIME,
     .data = "mode=755,size=64k"},
    {.kind = MOUNT_OP_DEVICE,
     .dst = "/dev/null",
     .src = "/dev/null",
     .mode = S_IFCHR | 0666,
     .rdev = 0x103},
    {.kind = MOUNT_OP_DEVICE,
     .dst = "/dev/zero",
     .src = "/dev/zero",
     .mode = S_IFCHR | 0666,
     .rdev = 0x105},
    {.kind = MOUNT_OP_DEVICE,
     .dst = "/dev/full",
     .src = "/dev/full",
     .mode = S_IFCHR | 0666,
     .rdev = 0x107},
    {.kind = MOUNT_OP_DEVICE,
     .dst = "/dev/random",
     .src = "/dev/random",
     .mode = S_IFCHR | 0666,
     .rdev = 0x108},
    {.kind = MOUNT_OP_DEVICE,
     .dst = "/dev/urandom",
     .src = "/dev/urandom",
     .mode = S_IFCHR | 0666,
     .rdev = 0x109},
    {.kind = MOUNT_OP_DEVICE,
     .dst = "/dev/tty",
     .src = "/dev/tty",
     .mode = S_IFCHR | 0666,
     .rdev = 0x500},
    {.kind = MOUNT_OP_FS,
     .dst = "/dev/pts",
     .src = "devpts",
     .type = "devpts",
     .flags = MS_NOSUID | MS_NOEXEC,
     .data = "newinstance,ptmxmode=0666,mode=0620"},
    {.kind = MOUNT_OP_SYMLINK, .dst = "/dev/ptmx", .src = "pts/ptmx"},
    {.kind = MOUNT_OP_FS,
     .dst = "/dev/shm",
     .src = "shm",
     .type = "tmpfs",
     .flags = KFS_FLAGS,
     .data = "mode=1777,size=65536k"},
    /* Optional: a kernel without POSIX message queues still runs containers. */
    {.kind = MOUNT_OP_FS,
     .dst = "/dev/mqueue",
     .src = "mqueue",
     .type = "mqueue",
     .flags = KFS_FLAGS,
     .optional = true},
    {.kind = MOUNT_OP_SYMLINK, .dst = "/dev/fd", .src = "/proc/self/fd"},
    {.kind = MOUNT_OP_SYMLINK, .dst = "/dev/stdin", .src = "/proc/self/fd/0"},
    {.kind = MOUNT_OP_SYMLINK, .dst = "/dev/stdout", .src = "/proc/self/fd/1"},
    {.kind = MOUNT_OP_SYMLINK, .dst = "/dev/stderr", .src = "/proc/self/fd/2"},
};

/* Does the rootfs's /etc/group name gid 5 (devpts then gives new terminals that group)? Read
 * inside the rootfs: a link there cannot make launch read a host file. Read in pieces through
 * a small buffer (a 64 KiB one cost 16 stack pages, each a page fault, at every start), each
 * line's third field followed across them; past GROUP_READ_MAX the rest is not read. */
#define GROUP_READ_MAX 65536
static bool rootfs_has_gid5(const char *rootfs)
{
	/* Non-blocking: a fifo there must not hold launch up. */
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
	                       .resolve = RESOLVE_IN_ROOT};
	_cleanup_close_ int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;
	char buf[1024];
	struct stat st;
	/* name:password:GID:members; gid: 0 nothing of the GID yet, 1 "5", 2 anything else. */
	int field = 0, gid = 0;
	size_t total = 0;
	ssize_t n;

	if (root < 0)
		return false;
	fd = (int)syscall(SYS_openat2, root, "/etc/group", &how, sizeof(how));
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	while (total < GROUP_READ_MAX && (n = read_all(fd, buf, sizeof(buf))) > 0) {
		total += (size_t)n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				field = gid = 0;
			} else if (buf[i] == ':') {
				if (field++ == 2 && gid == 1)
					return true;
			} else if (field == 2) {
				gid = gid == 0 && buf[i] == '5' ? 1 : 2;
			}
		}
	}
	return false;
}

/* Is there a directory at path in the rootfs (resolved in it)? */
static bool rootfs_has_dir(const char *rootfs, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	                       .resolve = RESOLVE_IN_ROOT};
	_cleanup_close_ int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;

	if (root < 0)
		return false;
	fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
	return fd >= 0;
}

/* --read-only: what services write (pid files, sockets, temporary files) gets a tmpfs,
 * unless a volume or a --tmpfs is there already, or the rootfs has no such directory (it is
 * not made in a root meant to stay as it is). /run keeps what the image has in it. */
static const struct {
	const char *dst, *data;
	bool copy_up;
} read_only_tmpfs[] = {
    {"/tmp", "mode=1777", false},
    {"/var/tmp", "mode=1777", false},
    {"/run", "mode=755", true},
};

static size_t depth(const char *path)
{
	size_t n = 0;

	for (; *path; path++)
		n += *path == '/';
	return n;
}

/* Volumes and tmpfs mounts, parents before what lands inside them (docker's order): a
 * stable insertion sort on the depth of the destination; there are few. */
static void sort_mounts(struct mount_op *ops, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct mount_op op = ops[i];
		size_t j = i;

		for (; j > 0 && depth(ops[j - 1].dst) > depth(op.dst); j--)
			ops[j] = ops[j - 1];
		ops[j] = op;
	}
}

static size_t user_mounts(const struct launch_config *c, struct mount_op *ops)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n_volumes; i++)
		ops[n++] = (struct mount_op){
		    .kind = MOUNT_OP_VOLUME,
		    .src = c->volumes[i].src,
		    .dst = c->volumes[i].dst,
		    .ro = c->volumes[i].ro,
		    .recursive = true,
		};
	for (size_t i = 0; i < c->n_tmpfs; i++)
		ops[n++] = (struct mount_op){.kind = MOUNT_OP_FS,
		                             .src = "tmpfs",
		                             .type = "tmpfs",
		                             .dst = c->tmpfs[i].dst,
		                             .flags = c->tmpfs[i].flags,
		                             .data = c->tmpfs[i].data};
	for (size_t i = 0; c->read_only && i < ARRAY_SIZE(read_only_tmpfs); i++)
		if (!config_covers(c, read_only_tmpfs[i].dst) && c->rootfs &&
		    rootfs_has_dir(c->rootfs, read_only_tmpfs[i].dst))
			ops[n++] = (struct mount_op){.kind = MOUNT_OP_FS,
			                             .src = "tmpfs",
			                             .type = "tmpfs",
			                             .dst = read_only_tmpfs[i].dst,
			                             .flags = MS_NOSUID | MS_NODEV,
			                             .data = read_only_tmpfs[i].data,
			                             .copy_up = read_only_tmpfs[i].copy_up};
	sort_mounts(ops, n);
	return n;
}

int rootfs_plan(const struct launch_config *c, const char *ping_range, struct mount_plan *ret)
{
	struct mount_op *ops = calloc(
	    c->n_volumes + c->n_tmpfs + ARRAY_SIZE(read_only_tmpfs) + PLAN_FIXED, sizeof(*ops));
	size_t n = 0;

	if (!ops)
		return -ENOMEM;
	ops[n++] = (struct mount_op){.kind = MOUNT_OP_MAKE_PRIVATE};
	if (c->overlay == OVERLAY_NONE)
		ops[n++] = (struct mount_op){.kind = MOUNT_OP_BIND_ROOT};
	else
		ops[n++] = (struct mount_op){.kind = MOUNT_OP_OVERLAY_ROOT,
		                             .src = c->layer_dir,
		                             .type = c->overlay == OVERLAY_TMPFS ? "tmpfs" : NULL,
		                             .data = c->overlay_data};
	/* Before the volumes, so a volume inside /dev (or /proc) lands on top, not under. */
	for (size_t i = 0; i < ARRAY_SIZE(kernel_ops); i++) {
		ops[n] = kernel_ops[i];
		if (ops[n].type && STREQ(ops[n].type, "devpts") && c->rootfs &&
		    rootfs_has_gid5(c->rootfs))
			ops[n].data = "newinstance,ptmxmode=0666,mode=0620,gid=5";
		n++;
	}
	n += user_mounts(c, ops + n);
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
	/* ping without CAP_NET_RAW (not a default capability): ICMP echo sockets for every group
	 * the container has, as Docker does. Through the container's /proc, before /proc/sys is
	 * read-only: the host's /proc/sys/net holds a dentry per network namespace under one name,
	 * and a lookup there walks them all (0.8 ms a start with 500 containers running). */
	if (ping_range)
		ops[n++] = (struct mount_op){.kind = MOUNT_OP_SYSCTL,
		                             .src = "net.ipv4.ping_group_range",
		                             .data = ping_range,
		                             .optional = true};
	/* Docker's masked and read-only paths, as boxinit's own (common/kpaths.c). */
	for (size_t i = 0; !c->privileged && i < kpaths_n_masked; i++)
		ops[n++] = (struct mount_op){.kind = MOUNT_OP_MASK, .dst = kpaths_masked[i]};
	for (size_t i = 0; !c->privileged && i < kpaths_n_readonly; i++)
		ops[n++] = (struct mount_op){.kind = MOUNT_OP_READONLY, .dst = kpaths_readonly[i]};
	*ret = (struct mount_plan){.rootfs = c->rootfs, .ops = ops, .n_ops = n};
	return 0;
}
