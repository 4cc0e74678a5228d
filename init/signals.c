// SPDX-License-Identifier: MIT
/*
 * signals: see signals.h. The policy is a table, not scattered ifs, so it can
 * be read (and unit tested) in one place.
 */
#include "signals.h"

#include <errno.h>
#include <string.h>

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

static void on_signal(uv_signal_t *h, int sig)
{
	struct signals *s = h->data;

	s->cb(s, sig, signals_policy(sig, s->keep_running));
}

static int watch(uv_loop_t *loop, struct signals *s, int sig)
{
	uv_signal_t *w;
	int r;

	if (s->n >= SIGNALS_MAX)
		return -ENOSPC;
	w = &s->watchers[s->n];
	r = uv_signal_init(loop, w);
	if (r < 0)
		return r;
	s->n++;
	w->data = s;
	return uv_signal_start(w, on_signal, sig);
}

int signals_start(uv_loop_t *loop, struct signals *s, bool keep_running, signals_cb cb)
{
	struct sigaction ign = {.sa_handler = SIG_IGN};

	s->keep_running = keep_running;
	s->cb = cb;
	for (int sig = 1; sig < NSIG; sig++) {
		enum sig_action a = signals_policy(sig, keep_running);
		int r;

		if (a == SIG_ACT_DEFAULT || a == SIG_ACT_REAP)
			continue;
		if (a == SIG_ACT_IGNORE) {
			(void)sigaction(sig, &ign, NULL);
			continue;
		}
		/* Not fatal: a debugger or valgrind may hold a real-time signal. */
		r = watch(loop, s, sig);
		if (r < 0)
			log_warn("signal %d will not be forwarded: %s", sig, strerror(-r));
	}
	return 0;
}

void signals_close(struct signals *s)
{
	for (unsigned i = 0; i < s->n; i++)
		if (!uv_is_closing((uv_handle_t *)&s->watchers[i]))
			uv_close((uv_handle_t *)&s->watchers[i], NULL);
}
