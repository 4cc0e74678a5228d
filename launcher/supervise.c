// SPDX-License-Identifier: MIT
/*
 * supervise: see supervise.h. Runs in launch (host pid namespace). Signals
 * reach the container through kill(pid): its first process has them blocked
 * until boxinit has handlers, so one sent during setup waits instead of being
 * dropped by the pid namespace's init rule.
 */
#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "sync.h"
#include "util.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
static const int stops[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

int supervise_block_signals(sigset_t *ret_old, int *ret_fd)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, ret_old) < 0)
		return log_errno(-errno, "block signals");
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return log_errno(-errno, "create a signalfd");
	*ret_fd = fd;
	return 0;
}

void supervise_exec_mask(const sigset_t *orig, sigset_t *ret)
{
	*ret = *orig;
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(ret, forwarded[i]);
}

int supervise_pending_stop(void)
{
	const struct timespec now = {0, 0};
	sigset_t pending, set;
	int sig;

	if (sigpending(&pending) < 0)
		return 0;
	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(stops); i++)
		if (sigismember(&pending, stops[i]))
			sigaddset(&set, stops[i]);
	if (sigisemptyset(&set))
		return 0;
	/* Consumes exactly one of them, without waiting: it is pending already. */
	sig = sigtimedwait(&set, NULL, &now);
	return sig > 0 ? sig : 0;
}

/* One message from the child, or EOF: exec happened, or the child is gone. */
static void handle_sync(int *syncfd, int flags, struct supervise_result *res)
{
	struct sync_msg m;
	int r = sync_recv(*syncfd, flags, &m);

	if (r == -EAGAIN)
		return;
	if (r < 0)
		(void)log_errno(r, "read from the container's first process");
	if (r <= 0) {
		res->started = r == 0 && !res->setup_failed;
		*syncfd = safe_close(*syncfd);
		return;
	}
	if (m.type == SYNC_WARNING) {
		log_warn("%s", m.text);
	} else if (m.type == SYNC_ERROR) {
		(void)log_errno(-m.err, "%s", m.text);
		res->setup_failed = true;
	}
}

static bool reap(pid_t pid, int *status)
{
	pid_t w;

	do
		w = waitpid(pid, status, WNOHANG);
	while (w < 0 && errno == EINTR);
	return w == pid;
}

static void forward(pid_t pid, int sig)
{
	log_debug("forward SIG%s to pid %d", sigabbrev_np(sig), (int)pid);
	/* ESRCH: it has just exited; its SIGCHLD is on the way. */
	if (kill(pid, sig) < 0 && errno != ESRCH)
		(void)log_errno(-errno, "forward SIG%s to pid %d", sigabbrev_np(sig), (int)pid);
}

/* Returns true once pid has been reaped. */
static bool handle_signals(int sigfd, pid_t pid, struct supervise_result *res)
{
	struct signalfd_siginfo si;
	bool reaped = false;
	ssize_t n;

	for (;;) {
		n = read(sigfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			return reaped;
		if (si.ssi_signo == SIGCHLD)
			reaped = reap(pid, &res->status) || reaped;
		else
			forward(pid, (int)si.ssi_signo);
	}
}

int supervise_run(int sigfd, int syncfd, pid_t pid, struct supervise_result *ret)
{
	struct supervise_result res = {0};
	struct pollfd fds[2] = {{.fd = sigfd, .events = POLLIN}, {.fd = syncfd, .events = POLLIN}};
	bool reaped = false;

	while (!reaped) {
		fds[0].revents = fds[1].revents = 0;
		/* No timeout: only a signal or the child's socket wakes launch. */
		if (poll(fds, 2, -1) < 0 && errno != EINTR) {
			(void)safe_close(syncfd);
			return log_errno(-errno, "wait for the container");
		}
		if (fds[1].fd >= 0 && fds[1].revents) {
			handle_sync(&syncfd, MSG_DONTWAIT, &res);
			fds[1].fd = syncfd;
		}
		if (fds[0].revents)
			reaped = handle_signals(sigfd, pid, &res);
	}
	/* The child's last words were queued before it exited: read them all. */
	while (syncfd >= 0)
		handle_sync(&syncfd, 0, &res);
	*ret = res;
	return 0;
}
