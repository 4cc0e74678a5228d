/* SPDX-License-Identifier: MIT */
/*
 * signals: boxinit's signal policy (a pure table), the signal mask and
 * dispositions it implies, and one signalfd on the loop that reads every
 * signal boxinit acts on. SIGCHLD goes to the reaper (reaper_pass); every
 * other caught signal goes to a callback. Never sends a signal itself and
 * never installs a handler: what boxinit catches stays blocked for its life.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <uv.h>

#include "reaper.h"

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

struct signals;
typedef void (*signals_cb)(struct signals *s, int sig, enum sig_action action);

struct signals {
	uv_poll_t poll; /* watches fd */
	int fd;         /* the signalfd; -1 when not open */
	bool poll_ready;
	bool keep_running;
	struct reaper *reaper;
	signals_cb cb;
};

/* Applies the policy: SIG_IGN for IGNORE, the signalfd for REAP and every caught
 * action, and unblocks the faults left at default. Call with every signal blocked,
 * before the first fork: signals already pending are read once the loop runs. */
int signals_start(uv_loop_t *loop, struct signals *s, bool keep_running, struct reaper *reaper,
                  signals_cb cb);
/* Closes the watcher and the fd; signals stay blocked, so a late one stays pending. */
void signals_close(struct signals *s);
