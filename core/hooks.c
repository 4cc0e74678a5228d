// SPDX-License-Identifier: MIT
/*
 * hooks: see hooks.h. A hook is a child of the caller, reaped here; its stdin a pipe holding
 * the state (written whole before waiting: the state is small, a pipe holds 64 KiB).
 */
#include "hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "waiter.h"

static _Noreturn void hook_child(const struct spec_hook *h, int in)
{
	char *no_args[] = {h->path, NULL};
	char *no_env[] = {NULL};

	/* A hook never outlives the runtime that waits for it (a killed `box create`). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || dup2(in, 0) < 0)
		_exit(126);
	(void)cloexec_from(3);
	execve(h->path, h->args ? h->args : no_args, h->env ? h->env : no_env);
	_exit(errno == ENOENT ? 127 : 126);
}

/* Waits for pid up to timeout_s seconds (0: forever); kills it after. */
static int wait_hook(pid_t pid, int timeout_s, int *ret_status)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pfd >= 0 && timeout_s > 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		int n;

		while ((n = poll(&p, 1, timeout_s * 1000)) < 0 && errno == EINTR)
			;
		if (n == 0)
			(void)kill(pid, SIGKILL);
	}
	(void)safe_close(pfd);
	return waiter_wait(pid, ret_status);
}

static int run_one(const struct spec_hook *h, const char *state, int *ret_status)
{
	int fds[2];
	pid_t pid;
	int r;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid == 0)
		hook_child(h, fds[0]);
	(void)safe_close(fds[0]);
	if (pid < 0) {
		(void)safe_close(fds[1]);
		return -errno;
	}
	/* A hook that reads nothing must not kill us: EPIPE instead, for this write only (the
	 * disposition would cross the container process's exec). */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;

	(void)sigaction(SIGPIPE, &ign, &old);
	(void)write_all(fds[1], state, strlen(state));
	(void)sigaction(SIGPIPE, &old, NULL);
	(void)safe_close(fds[1]);
	r = wait_hook(pid, h->timeout, ret_status);
	return r;
}

int hooks_run(const struct spec *s, enum spec_hook_kind kind, const char *state, char *err,
              size_t err_size)
{
	for (size_t i = 0; i < s->n_hooks[kind]; i++) {
		const struct spec_hook *h = &s->hooks[kind][i];
		int status = 0, r = run_one(h, state, &status);

		if (r < 0) {
			(void)snprintf(err, err_size, "run hook %s[%zu] '%s'", spec_hook_name(kind),
			               i, h->path);
			return r;
		}
		if (WIFSIGNALED(status) || WEXITSTATUS(status) != 0) {
			(void)snprintf(
			    err, err_size, "hook %s[%zu] '%s' %s %d%s", spec_hook_name(kind), i,
			    h->path, WIFSIGNALED(status) ? "killed by signal" : "exited with",
			    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
			    WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && h->timeout
			        ? " (timeout)"
			        : "");
			return -ECANCELED;
		}
	}
	return 0;
}
