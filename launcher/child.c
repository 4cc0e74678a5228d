// SPDX-License-Identifier: MIT
/*
 * child: see child.h. Order matters here and each step says why. Everything
 * this process mounts stays in its own mount namespace; it holds no lock and
 * allocates nothing (argv and envp were built by launch before clone).
 */
#include "child.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "kapi.h"
#include "sync.h"
#include "util.h"

/* Into the container's cgroup before anything else, so all it does is accounted there.
 * On v2 clone3 has put us there already; v1 needs a write per hierarchy. */
static int join_cgroup(const struct child_args *a)
{
	int r = cgroup_join_self(a->join);

	for (size_t i = 0; i < a->join->n_tasks; i++)
		(void)safe_close(a->join->tasks_fd[i]);
	(void)safe_close(a->join->clone_fd);
	if (r < 0)
		return sync_errorf(a->syncfd, r, "join the container's cgroup");
	return 0;
}

/* launch --userns or rootless: the clone made a user namespace owning the others. Its maps
 * (and, under --userns, the idmapped trees) come with the first GO; then this process becomes the
 * namespace's root (the parent-death signal goes with the change of ids: set again), without the
 * host's supplementary groups, and sets up the uts and net namespaces the clone made. */
static int become_root(const struct child_args *a, int *trees)
{
	const char *what = "";
	int r = sync_wait_go_fds(a->syncfd, trees, a->plan->idmap ? rootfs_n_trees(a->plan) : 0);

	if (r < 0)
		return sync_errorf(a->syncfd, r, "receive the idmapped rootfs");
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return sync_errorf(a->syncfd, -errno, "become root of the user namespace");
	/* Rootless with one id, setgroups is denied: the user's groups stay (unmapped). */
	if (setgroups(0, NULL) < 0 && !(a->cfg->rootless && errno == EPERM))
		return sync_errorf(a->syncfd, -errno, "drop the host's supplementary groups");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return sync_errorf(a->syncfd, -errno, "set the parent-death signal");
	r = ns_setup_own(a->cfg->hostname, true, &what);
	if (r < 0)
		return sync_errorf(a->syncfd, r, "%s of the container", what);
	return 0;
}

static int setup(const struct child_args *a)
{
	int trees[SYNC_MAX_FDS];
	struct mount_plan plan = *a->plan;
	const char *what = "";
	int r;

	(void)safe_close(a->parent_fds[0]);
	(void)safe_close(a->parent_fds[1]);
	/* Before anything else: if launch dies from here on, so do we. If it died before
	 * this call, its end of the socket is closed (we just closed our copy) and GO reads
	 * EOF. getppid() cannot tell: it is 0 for the first process of a pid namespace. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return sync_errorf(a->syncfd, -errno, "set the parent-death signal");
	/* Out of the session of whoever started launch (a shell, its terminal): nothing in
	 * the container may ever belong to it, nor open its terminal through /dev/tty.
	 * We lead no group yet (the first of a new pid namespace), so this cannot fail. */
	if (setsid() < 0)
		return sync_errorf(a->syncfd, -errno, "start a session");
	r = join_cgroup(a);
	if (r < 0)
		return r;
	if (a->userns_count) {
		r = become_root(a, trees);
		if (r < 0)
			return r;
		plan.trees = trees;
	}
	/* The uts (hostname set), ipc and net (lo up) namespaces launch made ahead. */
	r = ns_ahead_enter(a->ahead, &what);
	if (r < 0)
		return sync_errorf(a->syncfd, r, "enter the container's %s namespace", what);
	/* The cgroup namespace is rooted at the cgroup we are in now, the container's, so
	 * /proc/self/cgroup reads "/" inside. */
	if (unshare(CLONE_NEWCGROUP) < 0)
		return sync_errorf(a->syncfd, -errno, "unshare the cgroup namespace");
	r = rootfs_apply(&plan, a->syncfd);
	/* GO: launch has set up what it does for us (eth0 of --net veth); nothing of the
	 * container has run yet. */
	if (r == 0)
		r = sync_wait_go(a->syncfd);
	return r;
}

/* The planned 0, 1, 2 (sources are >= 3 or already in place: launch keeps 0-2 open; dup2
 * clears close-on-exec on each copy), and the control socket kept across the exec under
 * its own number, which boxinit's --control-fd names. */
static int install_stdio(const struct child_args *a)
{
	for (int fd = 0; fd < 3; fd++)
		if (a->stdio[fd] != fd && dup2(a->stdio[fd], fd) < 0)
			return -errno;
	if (a->ctl_fd >= 0 && fcntl(a->ctl_fd, F_SETFD, 0) < 0)
		return -errno;
	return 0;
}

void child_main(const struct child_args *a)
{
	int r;

	if (setup(a) < 0)
		_exit(EXIT_LAUNCH_FAILURE);
	/* The forwarded signals stay blocked across exec (see supervise_exec_mask). */
	(void)sigprocmask(SIG_SETMASK, &a->exec_mask, NULL);
	/* Whatever launch inherited (a shell's redirections, a leaked socket) must not
	 * reach the container: only stdio crosses the exec. */
	r = cloexec_from(3);
	if (r == 0)
		r = install_stdio(a);
	if (r < 0) {
		(void)sync_errorf(a->syncfd, r, "set up the container's stdio");
		_exit(EXIT_LAUNCH_FAILURE);
	}
	/* Last: from here on even a failure report must pass the filter (write does). */
	r = syscalls_load(a->filter);
	if (r < 0) {
		(void)sync_errorf(a->syncfd, r, "load the seccomp filter");
		_exit(EXIT_LAUNCH_FAILURE);
	}
	/* The memfd is close-on-exec, and so is syncfd: a successful exec is the EOF the
	 * parent waits for. */
	k_execveat(a->initfd, "", a->argv, a->envp, AT_EMPTY_PATH);
	(void)sync_errorf(a->syncfd, -errno, "exec init '%s'",
	                  a->cfg->init_path ? a->cfg->init_path : "boxinit");
	_exit(EXIT_LAUNCH_FAILURE);
}
