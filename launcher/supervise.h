/* SPDX-License-Identifier: MIT */
/*
 * supervise: launch's signal policy and the wait for the container. The
 * forwarded signals (INT TERM HUP QUIT USR1 USR2 WINCH) and SIGCHLD are
 * blocked from the first line of main and read from a signalfd; nothing here
 * polls on a timer. Never waits for any pid but the container's.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <uv.h>

struct supervise_result {
	int status;        /* wait status of the container's first process */
	bool setup_failed; /* the child reported an error before exec (already logged) */
	bool started;      /* exec of boxinit closed the sync socket */
	bool go_unread;    /* the child closed it without reading GO: no exec */
};

/* Blocks the signals above; *ret_old is the mask before, *ret_fd a signalfd. Logs. */
int supervise_block_signals(sigset_t *ret_old, int *ret_fd);
/* The mask boxinit starts with: orig plus the forwarded signals. boxinit never unblocks
 * them (it reads them from a signalfd), so one forwarded before its loop runs is queued
 * instead of dropped (a pid namespace's init ignores a signal it neither blocks nor
 * handles). */
void supervise_exec_mask(const sigset_t *orig, sigset_t *ret);
/* A stop signal (INT, TERM, HUP, QUIT) received before the container exists: its
 * number, consumed; 0 when there is none. The others stay queued for the container. */
int supervise_pending_stop(void);
/* What launch does beside forwarding. */
/* Beyond the grace, how long launch waits for a stop before it kills the container itself. */
#define STOP_MARGIN_MS 2000

struct supervise_hooks {
	/* SIGWINCH: true when the container's own terminal took the new size (not forwarded). */
	bool (*winch)(void *data);
	/* A stop (INT, TERM, QUIT) did not end the container within stop_timeout_ms: kill
	 * every process of it (its first process included, even stopped or traced). */
	void (*kill_all)(void *data);
	/* The first stop began (a signal or a request): the container is on its way out. */
	void (*stopping)(void *data);
	/* A stop request with its grace, asked of boxinit itself (CTL_STOP), so that the grace
	 * is the request's rather than the container's --grace: 0, or -errno to send SIGTERM. */
	int (*ask_stop)(void *data, uint64_t grace_ms);
	uint64_t stop_timeout_ms;
	void *data;
};

/* Forwards signals to pid and prints the child's warnings/errors from syncfd (closed here
 * at EOF) until pid has exited, running loop meanwhile (the published ports and the stdio
 * relays live on it too). Never depends on pid to stop: every forwarded stop is followed by
 * SIGCONT, and hooks->kill_all ends what did not stop in time. Logs. */
int supervise_run(uv_loop_t *loop, int sigfd, int syncfd, pid_t pid,
                  const struct supervise_hooks *hooks, struct supervise_result *ret);
/* While supervise_run runs (from a callback on its loop: the monitor's requests). A stop as
 * SIGTERM would be, with what is left killed kill_after_ms later at the latest. */
void supervise_request_stop(uint64_t kill_after_ms);
/* Signal sig as if launch had received it (INT, TERM, QUIT: a stop). */
void supervise_request_signal(int sig);
