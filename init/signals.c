// SPDX-License-Identifier: MIT
/*
 * signals: see signals.h. The policy is a table, not scattered ifs, so it can
 * be read (and unit tested) in one place. Runs in boxinit with every caught
 * signal blocked from main's first instruction to exit: no handler ever runs,
 * the kernel queues them and the signalfd hands them over in batches.
 */
#include "signals.h"

#include <errno.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

struct sig_rule {
	int sig;
	enum sig_action normal;       /* tini mode */
	enum sig_action keep_running; /* --keep-running */
};

static const struct sig_rule rules[] = {
    {SIGKILL, SIG_ACT_DEFAULT, SIG_ACT_DEFAULT},
    {SIGSTOP, SIG_ACT_DEFAULT, SIG_ACT_DEFAULT},
    /* Faults are synchronous: a handler that returns would re-run the faulting
     * instruction forever. A real fault in boxinit must kill it. */
    {SIGSEGV, SIG_ACT_DEFAULT, SIG_ACT_DEFAULT},
    {SIGBUS, SIG_ACT_DEFAULT, SIG_ACT_DEFAULT},
    {SIGFPE, SIG_ACT_DEFAULT, SIG_ACT_DEFAULT},
    {SIGILL, SIG_ACT_DEFAULT, SIG_ACT_DEFAULT},
    {SIGTRAP, SIG_ACT_DEFAULT, SIG_ACT_DEFAULT},
    {SIGSYS, SIG_ACT_DEFAULT, SIG_ACT_DEFAULT},
    {SIGCHLD, SIG_ACT_REAP, SIG_ACT_REAP},
    /* The kernel sends these to boxinit for its own terminal I/O from a background
     * group: ignored so boxinit neither stops nor loops; forwarding them would stop
     * the command for something boxinit did. SIGPIPE likewise only reports
     * boxinit's own write to a closed pipe. */
    {SIGTTIN, SIG_ACT_IGNORE, SIG_ACT_IGNORE},
    {SIGTTOU, SIG_ACT_IGNORE, SIG_ACT_IGNORE},
    {SIGPIPE, SIG_ACT_IGNORE, SIG_ACT_IGNORE},
    /* The conventional "reload" and "reopen logs" signals: every service wants them,
     * not just the main command. */
    {SIGHUP, SIG_ACT_BROADCAST, SIG_ACT_BROADCAST},
    {SIGUSR1, SIG_ACT_BROADCAST, SIG_ACT_BROADCAST},
    {SIGUSR2, SIG_ACT_BROADCAST, SIG_ACT_BROADCAST},
    {SIGTERM, SIG_ACT_FORWARD, SIG_ACT_STOP},
    {SIGINT, SIG_ACT_FORWARD, SIG_ACT_STOP},
    {SIGQUIT, SIG_ACT_FORWARD, SIG_ACT_STOP_NOW},
};

enum sig_action signals_policy(int sig, bool keep_running)
{
	if (sig <= 0 || sig >= NSIG)
		return SIG_ACT_DEFAULT;
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].sig == sig)
			return keep_running ? rules[i].keep_running : rules[i].normal;
	/* Signals the C library keeps for itself (between 31 and SIGRTMIN). */
	if (sig > 31 && sig < SIGRTMIN)
		return SIG_ACT_DEFAULT;
	/* Everything else, TSTP and CONT included: boxinit never stops itself, the
	 * command's group does what the signal says. */
	return SIG_ACT_FORWARD;
}

const char *signals_action_name(enum sig_action a)
{
	static const char *const names[] = {
	    [SIG_ACT_DEFAULT] = "default",     [SIG_ACT_IGNORE] = "ignore",
	    [SIG_ACT_REAP] = "reap",           [SIG_ACT_FORWARD] = "forward",
	    [SIG_ACT_STOP] = "stop",           [SIG_ACT_STOP_NOW] = "stop-now",
	    [SIG_ACT_BROADCAST] = "broadcast",
	};

	return (unsigned)a < ARRAY_SIZE(names) ? names[a] : "?";
}

/* One read returns several; a burst of SIGCHLD for many orphans still costs one. */
#define SIGINFO_BATCH 16

/* Reads what is queued now, in kernel order. A short read means the queue was
 * empty: reading on to EAGAIN would only cost a syscall per wakeup, and a signal
 * queued after it keeps the (level-triggered) fd readable for the next turn. */
static ssize_t read_batch(struct signals *s, struct signalfd_siginfo *si, bool *chld)
{
	ssize_t n;

	do
		n = read(s->fd, si, SIGINFO_BATCH * sizeof(*si));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : log_errno(-errno, "read signalfd");
	for (ssize_t i = 0; i < n / (ssize_t)sizeof(*si); i++) {
		int sig = (int)si[i].ssi_signo;

		if (sig == SIGCHLD)
			*chld = true;
		else
			s->cb(s, sig, signals_policy(sig, s->keep_running));
	}
	return n;
}

/* SIGCHLD only marks that a reaper pass is due: one pass after the batches drains
 * every zombie, however many SIGCHLD were queued. */
static void on_readable(uv_poll_t *h, int status, int events)
{
	struct signals *s = h->data;
	struct signalfd_siginfo si[SIGINFO_BATCH];
	bool chld = false;

	(void)status;
	(void)events;
	while (read_batch(s, si, &chld) == (ssize_t)sizeof(si))
		;
	if (chld)
		reaper_pass(s->reaper);
}

/* The C library's own signals, between 31 and SIGRTMIN: boxinit neither catches
 * nor unblocks them (it starts no thread and no timer that would use them). */
static bool libc_reserved(int sig)
{
	return sig > 31 && sig < SIGRTMIN;
}

/* Sorts every signal by its action: caught ones into the signalfd's set, faults
 * (default, not the C library's) into the set to unblock, ignored ones to SIG_IGN. */
static void apply_policy(bool keep_running, sigset_t *caught, sigset_t *faults)
{
	struct sigaction sa = {.sa_handler = SIG_IGN};

	sigemptyset(caught);
	sigemptyset(faults);
	for (int sig = 1; sig < NSIG; sig++) {
		enum sig_action a = signals_policy(sig, keep_running);

		if (a == SIG_ACT_IGNORE)
			(void)sigaction(sig, &sa, NULL);
		else if (a == SIG_ACT_DEFAULT && !libc_reserved(sig))
			(void)sigaddset(faults, sig);
		else if (a != SIG_ACT_DEFAULT)
			(void)sigaddset(caught, sig);
	}
	/* An inherited SIG_IGN on SIGCHLD would make the kernel reap children behind
	 * the reaper's back; no other caught signal needs this: blocked signals are
	 * queued whatever their disposition. */
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGCHLD, &sa, NULL);
}

int signals_start(uv_loop_t *loop, struct signals *s, bool keep_running, struct reaper *reaper,
                  signals_cb cb)
{
	sigset_t caught, faults;
	int r;

	s->keep_running = keep_running;
	s->reaper = reaper;
	s->cb = cb;
	apply_policy(keep_running, &caught, &faults);
	/* Before the first fork: a child's exit is then never missed, and signals
	 * pending since boxinit's first instruction are read on the first loop turn. */
	s->fd = signalfd(-1, &caught, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->fd < 0)
		return log_errno(-errno, "create signalfd");
	/* A blocked synchronous fault is fatal whatever its disposition: leave the
	 * kernel's default, a fault in boxinit must kill it with that signal. */
	(void)sigprocmask(SIG_UNBLOCK, &faults, NULL);
	r = uv_poll_init(loop, &s->poll, s->fd);
	if (r < 0)
		return log_errno(r, "watch signalfd");
	s->poll_ready = true;
	s->poll.data = s;
	r = uv_poll_start(&s->poll, UV_READABLE, on_readable);
	return r < 0 ? log_errno(r, "watch signalfd") : 0;
}

void signals_close(struct signals *s)
{
	/* uv_close stops the watcher at once (the fd leaves epoll now), so the fd can
	 * be closed here; the handle itself is done with on the next loop turn. */
	if (s->poll_ready && !uv_is_closing((uv_handle_t *)&s->poll))
		uv_close((uv_handle_t *)&s->poll, NULL);
	s->poll_ready = false;
	if (s->fd >= 0)
		s->fd = safe_close(s->fd);
}
