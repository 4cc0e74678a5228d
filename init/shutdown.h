/* SPDX-License-Identifier: MIT */
/*
 * shutdown: when boxinit ends, as a (state, event) -> (state, action) table,
 * plus the two ways of signalling "everything" (kill(-1) as PID 1; the
 * command's group and every child's group as a subreaper) and the one-shot
 * grace timer. Never reaps and never exits the process.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

enum sd_state {
	SD_RUNNING,  /* the command runs, or others do under --keep-running */
	SD_STOPPING, /* SIGTERM sent to everything, grace timer armed */
	SD_KILLING,  /* SIGKILL sent to everything */
	SD_DONE,     /* boxinit exits as soon as the loop returns */
};

enum sd_event {
	SD_EV_STOP,          /* SIGTERM / SIGINT under --keep-running */
	SD_EV_STOP_NOW,      /* SIGQUIT under --keep-running */
	SD_EV_GRACE_EXPIRED, /* the grace timer fired */
	SD_EV_MAIN_EXITED,   /* the main command was reaped */
	SD_EV_REAPED,        /* a reaper pass reaped something */
	SD_EV_NOTHING_LEFT,  /* waitpid said ECHILD (and no service will start again) */
	SD_EV_SHUTDOWN,      /* boxinit decided to stop: an essential service failed, or the
	                        main command ended in tini mode with services declared */
};

enum sd_action {
	SD_ACT_NONE,
	SD_ACT_TERM_ALL, /* begin the graceful stop, arm the grace timer */
	SD_ACT_KILL_ALL, /* SIGKILL to everything */
	SD_ACT_FINISH,   /* leave the loop (after the current reaper pass) */
};

struct sd_step {
	enum sd_state next;
	enum sd_action action;
};

/* Pure. */
struct sd_step shutdown_next(enum sd_state state, enum sd_event ev, bool keep_running);
const char *shutdown_state_name(enum sd_state s);

/* Sends sig to every process boxinit is responsible for. As PID 1: kill(-1). As a
 * subreaper: main_pgid's group, then each direct child and its group (never
 * boxinit's own group). Returns how many kill calls succeeded. */
int shutdown_signal_all(bool pid1, pid_t main_pgid, int sig);

struct shutdown {
	uv_timer_t grace;
	enum sd_state state;
	bool timer_ready;
};

int shutdown_init(uv_loop_t *loop, struct shutdown *sd);
int shutdown_arm(struct shutdown *sd, uint64_t grace_ms, uv_timer_cb cb);
void shutdown_close(struct shutdown *sd);
