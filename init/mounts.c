// SPDX-License-Identifier: MIT
/*
 * mounts: see mounts.h. Plan, then execute: mounts_plan is a pure list of
 * steps (unit tested), mounts_apply the only code that mounts. Runs as PID 1
 * of the container, before the command exists, so nothing in the container
 * can race these checks; the targets in the rootfs are checked with lstat
 * because mount(2) would follow a planted symlink.
 */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fmt.h"
#include "kpaths.h"
#include "log.h"
#include "util.h"

#define KFS_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static const struct mount_step base_steps[] = {
    {MK_MOUNT, "/proc", "proc", "proc", KFS_FLAGS, NULL, 0, 0, 0, false},
    {MK_MOUNT, "/sys", "sysfs", "sysfs", KFS_FLAGS | MS_RDONLY, NULL, 0, 0, 0, false},
    /* A fresh /dev: the host's is never bound in (it holds the host's disks). */
    {MK_MOUNT, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=64k", 0, 0, 0,
     false},
    {MK_NODE, "/dev/null", NULL, NULL, 0, NULL, 0666, 1, 3, false},
    {MK_NODE, "/dev/zero", NULL, NULL, 0, NULL, 0666, 1, 5, false},
    {MK_NODE, "/dev/full", NULL, NULL, 0, NULL, 0666, 1, 7, false},
    {MK_NODE, "/dev/random", NULL, NULL, 0, NULL, 0666, 1, 8, false},
    {MK_NODE, "/dev/urandom", NULL, NULL, 0, NULL, 0666, 1, 9, false},
    {MK_NODE, "/dev/tty", NULL, NULL, 0, NULL, 0666, 5, 0, false},
    {MK_DIR, "/dev/pts", NULL, NULL, 0, NULL, 0755, 0, 0, false},
    {MK_MOUNT, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
     "newinstance,ptmxmode=0666,mode=0620", 0, 0, 0, false},
    {MK_SYMLINK, "/dev/ptmx", "pts/ptmx", NULL, 0, NULL, 0, 0, 0, false},
    {MK_DIR, "/dev/shm", NULL, NULL, 0, NULL, 01777, 0, 0, false},
    {MK_MOUNT, "/dev/shm", "shm", "tmpfs", KFS_FLAGS, "mode=1777,size=65536k", 0, 0, 0, false},
    {MK_DIR, "/dev/mqueue", NULL, NULL, 0, NULL, 0755, 0, 0, false},
    /* Optional: a kernel without POSIX message queues still runs containers. */
    {MK_MOUNT, "/dev/mqueue", "mqueue", "mqueue", KFS_FLAGS, NULL, 0, 0, 0, true},
    {MK_SYMLINK, "/dev/fd", "/proc/self/fd", NULL, 0, NULL, 0, 0, 0, false},
    {MK_SYMLINK, "/dev/stdin", "/proc/self/fd/0", NULL, 0, NULL, 0, 0, 0, false},
    {MK_SYMLINK, "/dev/stdout", "/proc/self/fd/1", NULL, 0, NULL, 0, 0, 0, false},
    {MK_SYMLINK, "/dev/stderr", "/proc/self/fd/2", NULL, 0, NULL, 0, 0, 0, false},
    {MK_CONSOLE, "/dev/console", NULL, NULL, 0, NULL, 0, 0, 0, false},
};

size_t mounts_plan(struct mount_step *steps, size_t max, bool privileged, bool have_tty_gid)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(base_steps) && n < max; i++) {
		steps[n] = base_steps[i];
		if (steps[n].kind == MK_MOUNT && STREQ(steps[n].fstype, "devpts") && have_tty_gid)
			steps[n].data = "newinstance,ptmxmode=0666,mode=0620,gid=5";
		n++;
	}
	if (privileged)
		return n;
	for (size_t i = 0; i < kpaths_n_masked && n < max; i++)
		steps[n++] = (struct mount_step){
		    .kind = MK_MASK, .target = kpaths_masked[i], .optional = true};
	for (size_t i = 0; i < kpaths_n_readonly && n < max; i++)
		steps[n++] = (struct mount_step){
		    .kind = MK_RDONLY, .target = kpaths_readonly[i], .optional = true};
	return n;
}

/* A mount point in the rootfs: must be a real directory; created if missing. */
static int prepare_mountpoint(const struct mount_step *st)
{
	struct stat sb;

	if (lstat(st->target, &sb) < 0) {
		if (errno != ENOENT)
			return log_errno(-errno, "stat '%s'", st->target);
		if (mkdir(st->target, 0755) < 0 && errno != EEXIST)
			return log_errno(-errno, "mkdir '%s'", st->target);
		return 0;
	}
	if (S_ISLNK(sb.st_mode)) {
		log_error("mount '%s' on '%s': target is a symlink, refusing to follow it",
		          st->fstype, st->target);
		return -ELOOP;
	}
	if (!S_ISDIR(sb.st_mode))
		return log_errno(-ENOTDIR, "mount '%s' on '%s'", st->fstype, st->target);
	return 0;
}

static int do_mount(const struct mount_step *st)
{
	int r = prepare_mountpoint(st);

	if (r < 0)
		return r;
	if (mount(st->source, st->target, st->fstype, st->flags, st->data) == 0)
		return 0;
	r = -errno;
	if (st->optional && (r == -ENODEV || r == -ENOENT)) {
		log_debug_errno(r, "mount '%s' on '%s' skipped", st->fstype, st->target);
		return 0;
	}
	return log_errno(r, "mount '%s' on '%s'", st->fstype, st->target);
}

/* Creation calls obey the umask; the modes here are exact, so set them after. */
static int do_create(const struct mount_step *st)
{
	int r;

	if (st->kind == MK_DIR)
		r = mkdir(st->target, st->mode);
	else
		r = mknod(st->target, S_IFCHR | st->mode, makedev(st->major, st->minor));
	if (r < 0)
		return log_errno(-errno, "%s '%s'", st->kind == MK_DIR ? "mkdir" : "mknod",
		                 st->target);
	if (chmod(st->target, st->mode) < 0)
		return log_errno(-errno, "chmod '%s'", st->target);
	return 0;
}

/* /dev/console is the terminal the container was started on, reached through
 * the file boxinit holds open: after pivot_root the host's /dev/pts path means
 * nothing. A bind needs the terminal's mount in our namespace; once launch has
 * detached the old root it is not (EINVAL), and a symlink to boxinit's own
 * stdin is the next best thing (root can open it; so could it a 0620 node). */
static int do_console(const struct mount_step *st)
{
	_cleanup_close_ int fd = -1;
	char link[64];

	if (!isatty(STDIN_FILENO)) {
		log_debug("stdin is no terminal: no %s", st->target);
		return 0;
	}
	fd = open(st->target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return log_errno(-errno, "create '%s'", st->target);
	if (mount("/proc/self/fd/0", st->target, NULL, MS_BIND, NULL) == 0)
		return 0;
	if (errno != EINVAL)
		return log_errno(-errno, "bind stdin's terminal on '%s'", st->target);
	log_debug("bind stdin's terminal on '%s': %m: symlink instead", st->target);
	(void)fmt_snprintf(link, sizeof(link), "/proc/%d/fd/0", (int)getpid());
	if (unlink(st->target) < 0 || symlink(link, st->target) < 0)
		return log_errno(-errno, "symlink '%s'", st->target);
	return 0;
}

/* A masked or read-only path inside /proc or /sys, opened without following a
 * symlink: the mount then lands on exactly that object, through its descriptor.
 * The kernel puts none of these paths behind a link, so a link is refused. */
static int open_exact(const char *target, int *ret_fd, char path[static 32])
{
	struct stat sb;
	int fd = open(target, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0 || S_ISLNK(sb.st_mode)) {
		(void)close(fd);
		return -ELOOP;
	}
	(void)fmt_snprintf(path, 32, "/proc/self/fd/%d", fd);
	*ret_fd = fd;
	return 0;
}

static int do_mask(const struct mount_step *st)
{
	_cleanup_close_ int fd = -1;
	char path[32];
	struct stat sb;
	int r = open_exact(st->target, &fd, path);

	if (r == -ENOENT)
		return 0;
	if (r < 0 || fstat(fd, &sb) < 0)
		return log_errno(r < 0 ? r : -errno, "mask '%s'", st->target);
	if (S_ISDIR(sb.st_mode))
		r = mount("tmpfs", path, "tmpfs", MS_RDONLY | KFS_FLAGS, "mode=555");
	else
		r = mount("/dev/null", path, NULL, MS_BIND, NULL);
	if (r < 0)
		return log_errno(-errno, "mask '%s'", st->target);
	return 0;
}

static int do_rdonly(const struct mount_step *st)
{
	_cleanup_close_ int fd = -1, top = -1;
	char path[32], top_path[32];
	int r = open_exact(st->target, &fd, path);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return log_errno(r, "bind '%s'", st->target);
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return log_errno(-errno, "bind '%s'", st->target);
	/* The descriptor still names the mount underneath: reopen to reach the new one. */
	r = open_exact(st->target, &top, top_path);
	if (r < 0)
		return log_errno(r, "reopen '%s'", st->target);
	/* A bind mount takes the flags only on remount; nosuid/nodev/noexec are
	 * locked from /proc and must be repeated. */
	if (mount(NULL, top_path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | KFS_FLAGS, NULL) < 0)
		return log_errno(-errno, "remount '%s' read-only", st->target);
	return 0;
}

static int apply_one(const struct mount_step *st)
{
	switch (st->kind) {
	case MK_MOUNT:
		return do_mount(st);
	case MK_DIR:
	case MK_NODE:
		return do_create(st);
	case MK_SYMLINK:
		if (symlink(st->source, st->target) < 0)
			return log_errno(-errno, "symlink '%s'", st->target);
		return 0;
	case MK_CONSOLE:
		return do_console(st);
	case MK_MASK:
		return do_mask(st);
	case MK_RDONLY:
		return do_rdonly(st);
	}
	return -EINVAL;
}

int mounts_apply(const struct mount_step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int r = apply_one(&steps[i]);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Is there a group with gid 5 ("tty" on Debian, Alpine, busybox)? devpts gives
 * new terminals that group, so only name it when the container knows it. */
static bool have_gid5(void)
{
	static char buf[65536]; /* a longer /etc/group is read in part */

	if (read_file("/etc/group", buf, sizeof(buf)) < 0)
		return false;
	for (char *line = buf; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		/* name:password:GID:members */
		char *p = strchr(line, ':');

		if (p)
			p = strchr(p + 1, ':');
		if (p && strncmp(p + 1, "5:", 2) == 0)
			return true;
	}
	return false;
}

int mounts_setup(bool privileged, bool own_console)
{
	struct mount_step steps[48];
	size_t n = mounts_plan(steps, ARRAY_SIZE(steps), privileged, have_gid5()), kept = 0;

	/* With a terminal of its own (--tty), /dev/console is that one (see console.c). */
	for (size_t i = 0; i < n; i++)
		if (!own_console || steps[i].kind != MK_CONSOLE)
			steps[kept++] = steps[i];
	return mounts_apply(steps, kept);
}
