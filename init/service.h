/* SPDX-License-Identifier: MIT */
/*
 * service: one supervised command: the main command, or a declared service
 * with its state machine (a pure (state, event) -> (state, action) table),
 * restart policy and backoff, readiness check and output pipes. Owns the
 * command's pid, process group and exit status; starts it through spawn and
 * signals its group. Never waits for a child: the reaper hands it the status
 * of its pid. What the other services do is the supervisor's business.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "svcconf.h"
#include "output.h"
#include "spawn.h"

#define SERVICE_BACKOFF_MIN_MS   100
#define SERVICE_BACKOFF_MAX_MS   30000
#define SERVICE_STAYED_UP_MS     10000 /* a run this long resets the backoff */
#define SERVICE_MAX_FAILURES_MAX 100

enum svc_state {
	SVC_STOPPED,  /* not started yet, or ended and left so */
	SVC_STARTING, /* running, its readiness check not passed yet */
	SVC_RUNNING,
	SVC_BACKOFF,  /* ended, restarts when the backoff timer fires */
	SVC_STOPPING, /* stop signal sent, waiting for its group to be gone */
	SVC_FAILED,   /* gave up restarting */
};

enum svc_event {
	SVC_EV_START,        /* its dependencies are up */
	SVC_EV_READY,        /* readiness check passed (at once without one) */
	SVC_EV_EXIT_RESTART, /* its process ended; the policy says restart */
	SVC_EV_EXIT_DONE,    /* ended; the policy says leave it stopped */
	SVC_EV_EXIT_FAILED,  /* ended; too many failures, or a failure with restart=never */
	SVC_EV_STOP,         /* the shutdown reached it */
	SVC_EV_TIMER,        /* backoff over (BACKOFF), stop-timeout over (STOPPING) */
	SVC_EV_GONE,         /* (STOPPING) its process and its whole group are gone */
};

enum svc_action {
	SVC_ACT_NONE,
	SVC_ACT_SPAWN,     /* fork + exec, then the readiness check */
	SVC_ACT_BACKOFF,   /* SIGKILL what is left of its group, arm the backoff timer */
	SVC_ACT_CLEANUP,   /* SIGKILL what is left of its group */
	SVC_ACT_SEND_STOP, /* stop signal to its group, arm stop-timeout */
	SVC_ACT_KILL,      /* SIGKILL its group */
	SVC_ACT_CANCEL,    /* stop its timers */
};

struct svc_step {
	enum svc_state next;
	enum svc_action action;
};

/* Pure. An event a state does not expect leaves it as it is, with no action. */
struct svc_step service_next(enum svc_state state, enum svc_event ev);
const char *service_state_name(enum svc_state s);

/* Failure history for "give up after N failures within T". */
struct svc_history {
	uint64_t fail_ms[SERVICE_MAX_FAILURES_MAX]; /* ring of failure times */
	unsigned n_fail, next;
	uint64_t backoff_ms; /* the next delay */
};

/* Pure policy: which EXIT event an exit with code after a run that began at started_ms
 * is; records a failure and updates the backoff in h. */
enum svc_event service_exit_event(const struct svc_config *c, struct svc_history *h, int code,
                                  uint64_t started_ms, uint64_t now_ms);
/* The event after a start that could not fork (EAGAIN, ENOMEM, EMFILE): a restart after the
 * backoff unless the policy is never; not a failure of the service's, never a give-up. */
enum svc_event service_fork_failed_event(const struct svc_config *c, struct svc_history *h,
                                         uint64_t started_ms, uint64_t now_ms);

struct service;
typedef void (*service_cb)(struct service *svc);

struct service {
	const char *name;        /* for messages: "main" or the declared name */
	struct spawn_opts spawn; /* what to run and how */
	pid_t pid;               /* > 0 while running, 0 once reaped */
	pid_t pgid;              /* its process group (== its first pid); kept after it exits */
	int exit_code;           /* shell-style, valid once exited */
	bool started;
	bool exited;
	bool tty_foreground; /* its group holds the terminal's foreground */
	bool exited_early;   /* its exec failed (127, 126): it never ran */

	/* Declared services only (conf != NULL). */
	const struct svc_config *conf;
	enum svc_state state;
	struct svc_history hist;
	uint64_t started_ms;
	bool stop_requested;
	bool no_restart;      /* the container is stopping: an exit is final */
	bool completed;       /* ended by itself with success and was left stopped */
	bool fork_failed;     /* the last start could not fork: nothing ran */
	bool restart_pending; /* launch service restart: start again once stopped */
	unsigned spawns;      /* times it was started */
	uint64_t since_ms;    /* when it entered its state (uv_hrtime, ms) */
	char **envp;
	struct outreader out, err;
	uv_timer_t timer;       /* backoff, stop-timeout */
	uv_timer_t ready_timer; /* readiness retries */
	uv_poll_t ready_poll;   /* a TCP connect in progress */
	int ready_fd;
	pid_t ready_pid; /* a ready-command in progress */
	bool handles_ready;
	service_cb changed; /* told after every state change */
	void *data;
};

/* Forks and execs the service. Every signal must be blocked by the caller. */
int service_start(struct service *svc);

/* The reaper found the service's pid dead with this wait status. */
void service_exited(struct service *svc, int wstatus);

/* Sends sig to the service's process group, or to its pid when the group is gone.
 * Returns 0, or -ESRCH when nothing of it is left. */
int service_signal(const struct service *svc, int sig);

bool service_owns_pid(const struct service *svc, pid_t pid);

/* --- declared services --------------------------------------------------------------- */

/* Sets up a declared service (pipes, timers, environment); state SVC_STOPPED. Logs. */
int service_init(uv_loop_t *loop, struct service *svc, const struct svc_config *conf,
                 const char *cwd, struct outsink *out, struct outsink *err, service_cb changed);
/* Feeds an event through the table and carries out the action. */
void service_event(struct service *svc, enum svc_event ev);
/* The reaper found pid, one of the service's (its main pid or a readiness check). */
bool service_reaped(struct service *svc, pid_t pid, int wstatus);
/* STOPPING and nothing of it is left: pid reaped, group empty. */
bool service_is_gone(struct service *svc);
/* Up for its dependents: running, or ended with success and left stopped. */
bool service_is_up(const struct service *svc);
/* Up, or failed for good: what the main command waits for before it starts. */
bool service_is_settled(const struct service *svc);
/* Has (or will have again) a process: starting, running, in backoff or stopping. */
bool service_is_active(const struct service *svc);
/* Asked for by name (launch service): start a stopped or failed service again, with a fresh
 * failure count. */
void service_request_start(struct service *svc);
void service_close(struct service *svc);
