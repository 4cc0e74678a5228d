// SPDX-License-Identifier: MIT
/*
 * The floor of a container start on this kernel: the least a start can do and still be one.
 * One static process clones a child into new uts, pid, net, mount, ipc and cgroup namespaces
 * (one clone, the namespaces made together), the child chroots into ROOTFS and execs CMD,
 * and the parent waits for it. No cgroup, no pivot_root, no mounts, no init, no seccomp.
 *
 *   floor [-p [-m]] [-c DIR[,DIR...]] [-i] [-s] [-x] [-d] ROOTFS CMD [ARGS...]
 *
 * The options add, one by one, the least that launch's own parts can cost, so that the bench
 * can say what each part costs at its cheapest on this kernel (a ladder from the floor up):
 *   -p  pivot_root instead of chroot: ROOTFS bound on itself in a private tree, pivoted to,
 *       the old root detached (what keeps the host's tree out of reach);
 *   -m  /proc, /sys (read-only), a tmpfs /dev with null, zero, full, random, urandom and tty
 *       bound from the host's, /dev/pts (a new instance), /dev/shm and /dev/mqueue;
 *   -c  a cgroup: DIR made in each hierarchy given (cgroup v1 has one per controller), the
 *       child written into each, then its cgroup namespace made (rooted there), before it
 *       execs; each DIR removed after it ends;
 *   -i  an init: the child forks CMD and waits for it, as a PID 1 does;
 *   -s  launch's default seccomp filter (the template launch fits at each start, the same
 *       1,769-odd instructions, its capability marks read as "allow"), loaded by the
 *       child before it execs, as launch's set-up child does;
 *   -x  the init is a program of its own, as boxinit is: the child execs this binary again
 *       (from a descriptor opened before the clone, as launch execs boxinit), and that
 *       process, PID 1, forks CMD and waits (implies -i).
 * And, for the scale bench, the least detached container (as `launch -d`):
 *   -d  returns (0) as soon as the child has exec'd (CMD, or the init with -i or -x) and
 *       prints the child's pid, the container's PID 1 on the host; a keeper of its own
 *       (forked first, in a session of its own, its stdio on /dev/null) waits for the
 *       container and removes its cgroups when it ends. Killing that pid ends it all.
 *
 * Exits with CMD's status (128+N when killed by signal N), 125 when it cannot start it,
 * 126/127 when CMD cannot be executed or is not found: launch's codes, so the bench can
 * check that every command it times did its job.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp_prebuilt.h"
#include "syscalls.h"

#define NAMESPACES                                                                                 \
	(CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWCGROUP)
#define MAX_CGROUPS 16
/* argv[1] of the second program (-x): "run CMD as PID 1". */
#define AS_INIT "--as-init"

static bool pivot, mounts, init, filter, detach;
static int self_fd = -1;
static char *cgroups[MAX_CGROUPS];
static int n_cgroups;

static void fail(const char *what, const char *path)
{
	(void)fprintf(stderr, "floor: %s '%s': %s\n", what, path, strerror(errno));
	_exit(125);
}

static void do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
                     const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		fail("mount", dst);
}

/* In the child, relative to the rootfs (the cwd). */
static void make_mounts(void)
{
	static const char *const devs[] = {"null", "zero", "full", "random", "urandom", "tty"};
	char src[64], dst[64];

	do_mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("sysfs", "sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	do_mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=64k");
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		int fd;

		(void)snprintf(src, sizeof(src), "/dev/%s", devs[i]);
		(void)snprintf(dst, sizeof(dst), "dev/%s", devs[i]);
		fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0)
			fail("create", dst);
		(void)close(fd);
		do_mount(src, dst, NULL, MS_BIND, NULL);
	}
	if (mkdir("dev/pts", 0755) < 0 || mkdir("dev/shm", 01777) < 0 ||
	    mkdir("dev/mqueue", 0755) < 0)
		fail("mkdir", "dev/...");
	do_mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666");
	do_mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777");
	do_mount("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static void enter_root(const char *rootfs)
{
	if (!pivot) {
		if (chroot(rootfs) < 0 || chdir("/") < 0)
			fail("chroot", rootfs);
		return;
	}
	do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	do_mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
	if (chdir(rootfs) < 0)
		fail("chdir", rootfs);
	if (mounts)
		make_mounts();
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		fail("pivot_root", rootfs);
	if (umount2(".", MNT_DETACH) < 0)
		fail("detach the old root of", rootfs);
	if (chdir("/") < 0)
		fail("chdir", "/");
}

/* The template's returns for capability-guarded calls are marks (SYSCALLS_MARK_BASE up)
 * that launch resolves per container; here they allow. The program's length, which is what
 * its load costs, is launch's. */
static void load_filter(void)
{
	static struct sock_filter prog[sizeof(seccomp_prebuilt) / sizeof(seccomp_prebuilt[0])];
	struct sock_fprog fprog = {.len = sizeof(prog) / sizeof(prog[0]), .filter = prog};

	memcpy(prog, seccomp_prebuilt, sizeof(prog));
	for (size_t i = 0; i < fprog.len; i++)
		if (prog[i].code == (BPF_RET | BPF_K) &&
		    (prog[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO &&
		    (prog[i].k & SECCOMP_RET_DATA) >= SYSCALLS_MARK_BASE)
			prog[i].k = SECCOMP_RET_ALLOW;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0)
		fail("load the seccomp filter", "");
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void run(char **cmd)
{
	pid_t pid;

	if (filter)
		load_filter();
	if (self_fd >= 0) {
		char *argv[2 + 256];
		int n = 0;

		argv[n++] = "floor";
		argv[n++] = AS_INIT;
		for (char **a = cmd; *a && n < (int)(sizeof(argv) / sizeof(argv[0])) - 1; a++)
			argv[n++] = *a;
		argv[n] = NULL;
		syscall(SYS_execveat, self_fd, "", argv, environ, AT_EMPTY_PATH);
		fail("exec itself as init", "");
	}
	pid = init ? fork() : 0;

	if (pid < 0)
		fail("fork", cmd[0]);
	if (pid > 0) {
		int status = wait_status(pid);

		_exit(status < 0 ? 125 : status);
	}
	execv(cmd[0], cmd);
	(void)fprintf(stderr, "floor: exec '%s': %s\n", cmd[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* -d: forks the keeper, which goes on (returns the pipe to report on); the caller's process
 * waits for the report, prints it and exits 0, or 125 when there is none. */
static int keep_apart(void)
{
	char buf[32];
	int report[2], null;
	ssize_t n;
	pid_t keeper;

	if (pipe2(report, O_CLOEXEC) < 0)
		fail("pipe", "");
	keeper = fork();
	if (keeper < 0)
		fail("fork", "the keeper");
	if (keeper > 0) {
		(void)close(report[1]);
		while ((n = read(report[0], buf, sizeof(buf))) < 0 && errno == EINTR)
			;
		if (n <= 0)
			_exit(125);
		_exit(write(STDOUT_FILENO, buf, (size_t)n) == n ? 0 : 125);
	}
	(void)close(report[0]);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (setsid() < 0 || null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(null, STDOUT_FILENO) < 0)
		fail("detach", "");
	(void)close(null);
	return report[1];
}

/* -d, in the keeper: once the child has exec'd, its pid to the caller; stderr goes to
 * /dev/null after it, the keeper's waits are nobody's business. */
static void report_exec(pid_t pid, int execd[2], int report_fd)
{
	siginfo_t si = {0};
	char buf[32];
	ssize_t n;
	int len, null;

	(void)close(execd[1]);
	while ((n = read(execd[0], buf, 1)) < 0 && errno == EINTR)
		;
	(void)close(execd[0]);
	/* Closed by the exec, or by a death before it: that one is not a start (the caller
	 * hears nothing and fails; the keeper goes on to reap it and remove the cgroups). */
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0) {
		len = snprintf(buf, sizeof(buf), "%d\n", pid);
		(void)!write(report_fd, buf, (size_t)len);
	}
	(void)close(report_fd);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null >= 0)
		(void)dup2(null, STDERR_FILENO);
}

int main(int argc, char **argv)
{
	char path[4096], pidbuf[16];
	int opt, status, go[2], execd[2], report_fd = -1;
	pid_t pid;

	/* The second program (-x): PID 1 in the container's root, forks CMD and waits. */
	if (argc > 2 && strcmp(argv[1], AS_INIT) == 0) {
		init = true;
		run(argv + 2);
	}
	while ((opt = getopt(argc, argv, "+pmic:sxd")) != -1) {
		switch (opt) {
		case 'd':
			detach = true;
			break;
		case 'p':
			pivot = true;
			break;
		case 'm':
			mounts = true;
			break;
		case 'i':
			init = true;
			break;
		case 's':
			filter = true;
			break;
		case 'x':
			self_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
			if (self_fd < 0)
				fail("open", "/proc/self/exe");
			break;
		case 'c':
			for (char *s = strtok(optarg, ","); s && n_cgroups < MAX_CGROUPS;
			     s = strtok(NULL, ","))
				cgroups[n_cgroups++] = s;
			break;
		default:
			return 125;
		}
	}
	if (argc - optind < 2 || (mounts && !pivot)) {
		(void)fprintf(
		    stderr,
		    "usage: floor [-p [-m]] [-c DIR[,DIR...]] [-i] [-s] [-x] [-d] ROOTFS CMD [ARGS...]\n");
		return 125;
	}
	if (detach)
		report_fd = keep_apart();
	for (int i = 0; i < n_cgroups; i++)
		if (mkdir(cgroups[i], 0755) < 0)
			fail("mkdir", cgroups[i]);
	/* -d: the child's exec closes its end (or its death does, which the keeper then sees). */
	if (detach && pipe2(execd, O_CLOEXEC) < 0)
		fail("pipe", "");
	/* With cgroups, the child waits until it is in them, as a runtime's does. */
	if (n_cgroups > 0 && pipe2(go, O_CLOEXEC) < 0)
		fail("pipe", "");
	/* The raw system call, as fork: the child only enters its root and execs. */
	pid = (pid_t)syscall(SYS_clone,
	                     (n_cgroups > 0 ? NAMESPACES & ~CLONE_NEWCGROUP : NAMESPACES) | SIGCHLD,
	                     NULL, NULL, NULL, 0);
	if (pid < 0)
		fail("clone", "");
	if (pid == 0) {
		char c;

		/* In its cgroups, the child makes its cgroup namespace: rooted at them. */
		if (n_cgroups > 0 &&
		    (close(go[1]) < 0 || read(go[0], &c, 1) != 1 || unshare(CLONE_NEWCGROUP) < 0))
			_exit(125);
		enter_root(argv[optind]);
		run(argv + optind + 1);
	}
	(void)snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	for (int i = 0; i < n_cgroups; i++) {
		int fd;

		(void)snprintf(path, sizeof(path), "%s/cgroup.procs", cgroups[i]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, pidbuf, strlen(pidbuf)) < 0)
			fail("join", path);
		(void)close(fd);
	}
	if (n_cgroups > 0 && (close(go[0]) < 0 || write(go[1], "g", 1) != 1 || close(go[1]) < 0))
		fail("start", "");
	if (detach)
		report_exec(pid, execd, report_fd);
	status = wait_status(pid);
	for (int i = 0; i < n_cgroups; i++)
		if (rmdir(cgroups[i]) < 0)
			fail("rmdir", cgroups[i]);
	return status < 0 ? 125 : status;
}
