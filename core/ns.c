// SPDX-License-Identifier: MIT
/*
 * ns: see ns.h. A new network namespace is the dearest part of a container's start
 * (the kernel registers its devices, sysctls and protocols): made by a thread on
 * another CPU, it overlaps the cgroup's mkdirs instead of adding to them. The thread
 * is joined before the clone, so launch is single-threaded again when it forks.
 * clone3 first (one argument layout on every architecture), the classic clone syscall
 * when the kernel predates it (5.3). No stack is passed: like fork, the child gets a
 * copy-on-write image, so there is no stack size to guess. The child must then stay
 * away from the C library's thread bookkeeping (raise, abort, pthread): its cached
 * tid is the parent's.
 */
#include "ns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

static const struct {
	int flag;
	const char *name;
} ahead_ns[NS_AHEAD_MAX] = {
    [NS_AHEAD_UTS] = {CLONE_NEWUTS, "uts"},
    [NS_AHEAD_IPC] = {CLONE_NEWIPC, "ipc"},
    [NS_AHEAD_NET] = {CLONE_NEWNET, "net"},
};

static int loopback_up(void)
{
	_cleanup_close_ int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};

	if (sk < 0)
		return -errno;
	strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
	if (ioctl(sk, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return ioctl(sk, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

static int fail(struct ns_ahead *a, const char *what, int err)
{
	a->what = what;
	a->err = err;
	return err;
}

int ns_setup_own(const char *hostname, bool net, const char **ret_what)
{
	int r;

	if (hostname && sethostname(hostname, strlen(hostname)) < 0) {
		*ret_what = "set the hostname";
		return -errno;
	}
	/* --net host: the host's lo and settings are not ours to touch. */
	r = net ? loopback_up() : 0;
	if (r < 0) {
		*ret_what = "bring up 'lo'";
		return r;
	}
	return 0;
}

/* The thread: its own namespaces change, launch's other thread keeps the host's. */
static int make_ahead(struct ns_ahead *a)
{
	int flags = CLONE_NEWUTS | CLONE_NEWIPC | (a->share_net ? 0 : CLONE_NEWNET);
	const char *what = "";
	int r;

	if (unshare(flags) < 0)
		return fail(a, "create the namespaces", -errno);
	r = ns_setup_own(a->hostname, !a->share_net, &what);
	if (r < 0)
		return fail(a, what, r);
	for (int i = 0; i < NS_AHEAD_MAX; i++) {
		char path[64];

		if (!(flags & ahead_ns[i].flag))
			continue;
		(void)snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", ahead_ns[i].name);
		a->fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (a->fd[i] < 0)
			return fail(a, "open the namespaces", -errno);
	}
	return 0;
}

static void *ahead_thread(void *arg)
{
	(void)make_ahead(arg);
	return NULL;
}

/* pid's allowed CPUs (0: the caller's) in *ret_all and, in *ret_others, those but the one
 * the caller runs on; false when there is no other. */
static bool other_cpus(pid_t pid, cpu_set_t *ret_all, cpu_set_t *ret_others)
{
	int self = sched_getcpu();

	if (self < 0 || sched_getaffinity(pid, sizeof(*ret_all), ret_all) < 0)
		return false;
	*ret_others = *ret_all;
	CPU_CLR(self, ret_others);
	return CPU_COUNT(ret_others) > 0;
}

/* The thread is there to run beside the main thread, but the scheduler often queues
 * it on the main thread's CPU, where the two only take turns (32 starts in 40 here,
 * traced): it may run on every allowed CPU but that one, when there is another. It
 * lives for half a millisecond; the main thread stays free. */
static void place_apart(pthread_t thread)
{
	cpu_set_t all, others;

	if (other_cpus(0, &all, &others))
		(void)pthread_setaffinity_np(thread, sizeof(others), &others);
}

/* The child's own mask, not ours: a clone into a v2 cgroup with a cpuset has the cpuset's
 * CPUs already, and that is what it must get back. */
bool ns_place_apart(pid_t pid, cpu_set_t *ret_all)
{
	cpu_set_t others;

	return other_cpus(pid, ret_all, &others) &&
	       sched_setaffinity(pid, sizeof(others), &others) == 0;
}

void ns_place_back(pid_t pid, const cpu_set_t *all)
{
	/* The kernel keeps the result within the cgroup's cpuset. */
	(void)sched_setaffinity(pid, sizeof(*all), all);
}

int ns_ahead_start(struct ns_ahead *a, bool share_net, const char *hostname)
{
	int r;

	*a = (struct ns_ahead){.started = true, .share_net = share_net, .hostname = hostname};
	for (int i = 0; i < NS_AHEAD_MAX; i++)
		a->fd[i] = -1;
	r = pthread_create(&a->thread, NULL, ahead_thread, a);
	if (r != 0)
		return log_errno(-r, "start a thread for the namespaces");
	a->running = true;
	place_apart(a->thread);
	return 0;
}

void ns_ahead_none(struct ns_ahead *a)
{
	*a = (struct ns_ahead){.started = true};
	for (int i = 0; i < NS_AHEAD_MAX; i++)
		a->fd[i] = -1;
}

int ns_ahead_finish(struct ns_ahead *a)
{
	if (a->running) {
		(void)pthread_join(a->thread, NULL);
		a->running = false;
	}
	if (a->err < 0)
		return log_errno(a->err, "%s of the container", a->what);
	return 0;
}

int ns_ahead_enter(const struct ns_ahead *a, const char **ret_what)
{
	for (int i = 0; i < NS_AHEAD_MAX; i++) {
		if (a->fd[i] < 0)
			continue;
		if (setns(a->fd[i], ahead_ns[i].flag) < 0) {
			*ret_what = ahead_ns[i].name;
			return -errno;
		}
	}
	return 0;
}

void ns_ahead_close(struct ns_ahead *a)
{
	if (!a->started)
		return;
	if (a->running) {
		(void)pthread_join(a->thread, NULL);
		a->running = false;
	}
	for (int i = 0; i < NS_AHEAD_MAX; i++)
		a->fd[i] = safe_close(a->fd[i]);
}

pid_t ns_clone(unsigned long flags, int cgroup_fd, bool *ret_in_cgroup)
{
	struct clone_args args = {.flags = flags, .exit_signal = SIGCHLD};
	long pid = -1;

	*ret_in_cgroup = false;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid >= 0) {
			*ret_in_cgroup = pid > 0;
			return (pid_t)pid;
		}
		/* Before 5.7 the kernel refuses the larger struct or the flag: go without. */
		args.flags = flags;
		args.cgroup = 0;
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && errno == ENOSYS)
		/* Every pointer argument is 0, so their order (which varies by arch) is moot. */
		pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return -errno;
	return (pid_t)pid;
}

int ns_pid_members(pid_t pid1, pid_t **ret, size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	char path[64], ns[64], other[64];
	size_t n = 0, cap = 0;
	pid_t *v = NULL;
	struct dirent *de;
	ssize_t len;

	(void)snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid1);
	len = readlink(path, ns, sizeof(ns) - 1);
	if (len < 0 || !d)
		return -errno;
	ns[len] = '\0';
	while ((de = readdir(d))) {
		uint64_t pid;

		if (parse_u64(de->d_name, &pid) < 0)
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%llu/ns/pid", (unsigned long long)pid);
		len = readlink(path, other, sizeof(other) - 1);
		if (len < 0)
			continue;
		other[len] = '\0';
		if (!STREQ(ns, other))
			continue;
		if (n == cap) {
			pid_t *w = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v));

			if (!w) {
				free(v);
				return -ENOMEM;
			}
			v = w;
		}
		v[n++] = (pid_t)pid;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int write_map(pid_t pid, const char *file, const struct ns_id_range *m, size_t n)
{
	char path[64], buf[1024];
	size_t len = 0;

	for (size_t i = 0; i < n && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].inside,
		                        m[i].outside, m[i].count);
	if (len >= sizeof(buf))
		return -E2BIG;
	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return write_file(path, buf);
}

int ns_write_maps(pid_t pid, const struct ns_id_range *uid, size_t n_uid,
                  const struct ns_id_range *gid, size_t n_gid, bool deny_setgroups,
                  const char **ret_what)
{
	char path[64];
	int r = write_map(pid, *ret_what = "uid_map", uid, n_uid);

	if (r == 0 && deny_setgroups) {
		(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid,
		               *ret_what = "setgroups");
		r = write_file(path, "deny");
	}
	return r < 0 ? r : write_map(pid, *ret_what = "gid_map", gid, n_gid);
}
