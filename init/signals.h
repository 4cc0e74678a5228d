/* SPDX-License-Identifier: MIT */
/*
 * signals: boxinit's signal policy (a pure table) and one uv_signal_t per
 * signal it acts on. PID 1 never receives a signal whose disposition is
 * default, so everything boxinit forwards needs a watcher. SIGCHLD belongs
 * to the reaper. Never sends a signal itself: it reports to a callback.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <uv.h>

enum sig_action {
	SIG_ACT_DEFAULT,   /* not caught: uncatchable, or a fault that must kill boxinit */
	SIG_ACT_IGNORE,    /* SIG_IGN in boxinit, not forwarded */
	SIG_ACT_REAP,      /* SIGCHLD: the reaper's */
	SIG_ACT_FORWARD,   /* to the main command's process group */
	SIG_ACT_BROADCAST, /* to the main command's and every service's process group */
	SIG_ACT_STOP,      /* graceful stop of everything (--keep-running) */
	SIG_ACT_STOP_NOW,  /* SIGKILL everything (--keep-running) */
};

/* What boxinit does with sig. Pure. */
enum sig_action signals_policy(int sig, bool keep_running);
const char *signals_action_name(enum sig_action a);

#define SIGNALS_MAX 64

struct signals;
typedef void (*signals_cb)(struct signals *s, int sig, enum sig_action action);

struct signals {
	uv_signal_t watchers[SIGNALS_MAX];
	unsigned n;
	bool keep_running;
	signals_cb cb;
};

/* Applies the policy: SIG_IGN for IGNORE, a watcher for FORWARD/STOP/STOP_NOW.
 * Call with every signal blocked; pending ones reach cb once the loop runs. */
int signals_start(uv_loop_t *loop, struct signals *s, bool keep_running, signals_cb cb);
void signals_close(struct signals *s);
