// SPDX-License-Identifier: MIT
/*
 * supervise: see supervise.h. Runs in launch (host pid namespace). Signals
 * reach the container through kill(pid): its first process has them blocked,
 * and boxinit keeps them blocked and reads them from its signalfd, so one sent
 * during setup is queued instead of being dropped by the pid namespace's init
 * rule (a blocked signal is never ignored).
 */
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "sync.h"
#include "util.h"
#include "waiter.h"

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
	int r = sync_recv(*syncfd, flags, &m, &res->go_unread);

	if (r == -EAGAIN)
		return;
	if (r < 0)
		(void)log_errno(r, "read from the container's first process");
	if (r <= 0) {
		res->started = r == 0 && !res->setup_failed && !res->go_unread;
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
	return waiter_poll(pid, status) == 1;
}

static void forward(pid_t pid, int sig)
{
	log_debug("forward SIG%s to pid %d", signal_abbrev(sig), (int)pid);
	/* ESRCH: it has just exited; its SIGCHLD is on the way. */
	if (kill(pid, sig) < 0 && errno != ESRCH)
		(void)log_errno(-errno, "forward SIG%s to pid %d", signal_abbrev(sig), (int)pid);
}

/* The watchers of supervise_run, on launch's loop beside the published ports. */
struct watch {
	uv_poll_t sig, sync;
	uv_timer_t stop;   /* started by the first forwarded stop */
	uint64_t stop_due; /* when it fires, on the loop's clock */
	int sigfd, syncfd;
	pid_t pid;
	bool reaped, stopping;
	int inited, open; /* handles initialized (in the order below), and not closed yet */
	const struct supervise_hooks *hooks;
	struct supervise_result res;
};

/* The watch of the supervise_run that runs now: the monitor's requests act on it. */
static struct watch *active;

static void on_stop_timeout(uv_timer_t *t)
{
	struct watch *w = t->data;

	log_warn("the container did not stop within the grace period: killing it");
	w->hooks->kill_all(w->hooks->data);
}

/* Arms (or brings forward) the deadline after which everything left is killed. */
static void stop_deadline(struct watch *w, uint64_t after_ms)
{
	uint64_t due = uv_now(w->stop.loop) + after_ms;

	if (!w->hooks->kill_all)
		return;
	if (w->stopping && uv_is_active((uv_handle_t *)&w->stop) && w->stop_due <= due)
		return;
	if (!w->stopping && w->hooks->stopping)
		w->hooks->stopping(w->hooks->data);
	w->stopping = true;
	w->stop_due = due;
	(void)uv_timer_start(&w->stop, on_stop_timeout, after_ms, 0);
}

/* A stop reaches a PID 1 that something stopped (SIGSTOP, or a tracer that left) only
 * once it runs again; and if it never acts on it, the grace plus a margin is all it gets. */
static void forward_stop(struct watch *w, int sig)
{
	forward(w->pid, sig);
	(void)kill(w->pid, SIGCONT);
	if (!w->stopping)
		stop_deadline(w, w->hooks->stop_timeout_ms);
}

void supervise_request_stop(uint64_t kill_after_ms)
{
	const struct supervise_hooks *h;

	if (!active || active->reaped)
		return;
	h = active->hooks;
	/* boxinit would give SIGTERM the container's --grace, longer or shorter than this. */
	if (h->ask_stop && h->ask_stop(h->data, kill_after_ms) == 0) {
		(void)kill(active->pid, SIGCONT);
		/* Its own deadline first: boxinit's kill and its report come before ours. */
		stop_deadline(active, kill_after_ms + STOP_MARGIN_MS);
		return;
	}
	forward_stop(active, SIGTERM);
	stop_deadline(active, kill_after_ms);
}

void supervise_request_signal(int sig)
{
	if (!active || active->reaped)
		return;
	if (sig == SIGINT || sig == SIGTERM || sig == SIGQUIT)
		forward_stop(active, sig);
	else
		forward(active->pid, sig);
}

/* Returns true once pid has been reaped. */
static bool handle_signals(struct watch *w)
{
	struct signalfd_siginfo si;
	bool reaped = false;
	ssize_t n;

	for (;;) {
		int sig;

		n = read(w->sigfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			return reaped;
		sig = (int)si.ssi_signo;
		if (sig == SIGCHLD)
			reaped = reap(w->pid, &w->res.status) || reaped;
		else if (sig == SIGINT || sig == SIGTERM || sig == SIGQUIT)
			forward_stop(w, sig);
		else if (sig != SIGWINCH || !w->hooks->winch || !w->hooks->winch(w->hooks->data))
			forward(w->pid, sig);
	}
}

static void watch_closed(uv_handle_t *h)
{
	((struct watch *)h->data)->open--;
}

static void on_signal(uv_poll_t *h, int status, int events)
{
	struct watch *w = h->data;

	(void)status;
	(void)events;
	if (handle_signals(w)) {
		w->reaped = true;
		uv_stop(h->loop);
	}
}

static void on_sync(uv_poll_t *h, int status, int events)
{
	struct watch *w = h->data;

	(void)status;
	(void)events;
	handle_sync(&w->syncfd, MSG_DONTWAIT, &w->res);
	/* EOF closed the fd: stop watching it (libuv drops it from epoll, errors ignored). */
	if (w->syncfd < 0)
		uv_close((uv_handle_t *)h, watch_closed);
}

static int watch_start(uv_loop_t *loop, struct watch *w)
{
	int r = uv_timer_init(loop, &w->stop);

	if (r < 0)
		return r;
	w->stop.data = w;
	w->inited = w->open = 1;
	r = uv_poll_init(loop, &w->sig, w->sigfd);
	if (r < 0)
		return r;
	w->sig.data = w;
	w->inited = w->open = 2;
	r = uv_poll_start(&w->sig, UV_READABLE, on_signal);
	if (r < 0)
		return r;
	r = uv_poll_init(loop, &w->sync, w->syncfd);
	if (r < 0)
		return r;
	w->sync.data = w;
	w->inited = w->open = 3;
	return uv_poll_start(&w->sync, UV_READABLE, on_sync);
}

/* Closes the watchers and runs the loop until their close callbacks ran. */
static void watch_stop(uv_loop_t *loop, struct watch *w)
{
	if (w->inited > 0 && !uv_is_closing((uv_handle_t *)&w->stop))
		uv_close((uv_handle_t *)&w->stop, watch_closed);
	if (w->inited > 1 && !uv_is_closing((uv_handle_t *)&w->sig))
		uv_close((uv_handle_t *)&w->sig, watch_closed);
	if (w->inited > 2 && !uv_is_closing((uv_handle_t *)&w->sync))
		uv_close((uv_handle_t *)&w->sync, watch_closed);
	while (w->open > 0)
		(void)uv_run(loop, UV_RUN_NOWAIT);
}

int supervise_run(uv_loop_t *loop, int sigfd, int syncfd, pid_t pid,
                  const struct supervise_hooks *hooks, struct supervise_result *ret)
{
	struct watch w = {.sigfd = sigfd, .syncfd = syncfd, .pid = pid, .hooks = hooks};
	int r;

	/* In launch only, after the clone: the published ports write to sockets whose peer
	 * may be gone; the container starts with the disposition launch was given. */
	(void)signal(SIGPIPE, SIG_IGN);
	r = watch_start(loop, &w);
	active = &w;
	/* No timer: only a signal, the child's socket or a published port wakes launch. */
	while (r == 0 && !w.reaped)
		(void)uv_run(loop, UV_RUN_DEFAULT);
	active = NULL;
	watch_stop(loop, &w);
	if (r < 0) {
		(void)safe_close(w.syncfd);
		return log_errno(r, "wait for the container");
	}
	/* uv_poll_init made it non-blocking: the reads below wait for the last words. */
	if (w.syncfd >= 0)
		(void)fcntl(w.syncfd, F_SETFL, fcntl(w.syncfd, F_GETFL) & ~O_NONBLOCK);
	/* The child's last words were queued before it exited: read them all. */
	while (w.syncfd >= 0)
		handle_sync(&w.syncfd, 0, &w.res);
	*ret = w.res;
	return 0;
}
