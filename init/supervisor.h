/* SPDX-License-Identifier: MIT */
/*
 * supervisor: boxinit's event loop state: the main command, the declared
 * services, the reaper, the signalfd watcher, the output sinks and the
 * shutdown state machine, and the glue that turns their events into actions
 * (start in dependency order, stop in reverse order). Once supervisor_run is
 * called, nothing here exits the process: failures are logged and the loop
 * goes on.
 */
#pragma once

#include <stdbool.h>
#include <uv.h>

#include "cmdline.h"
#include "control.h"
#include "svcconf.h"
#include "output.h"
#include "reaper.h"
#include "service.h"
#include "shutdown.h"
#include "signals.h"

struct supervisor {
	uv_loop_t loop;
	const struct init_config *cfg;
	const struct services_config *conf;
	struct service main; /* valid when has_main */
	bool has_main;
	struct service *svcs; /* conf->n, in conf's order */
	size_t n_svcs;
	struct outsink out, err;
	struct reaper reaper;
	struct signals signals;
	struct shutdown shutdown;
	struct control control; /* the service-control socket (--container) */
	uv_poll_t ctl_poll;     /* --control-fd: launch's requests (CTL_STOP) */
	bool ctl_polling;
	uint64_t grace_ms;  /* --grace, or the grace of launch's stop request */
	uv_timer_t recheck; /* one-shot: "is anything left?" after a change without a SIGCHLD */
	bool recheck_ready;
	bool pid1;
	bool loop_ready;
	bool stopping;      /* the graceful stop has begun */
	bool others_termed; /* processes of no service got SIGTERM */
	bool essential_failed;
	int essential_code;
	unsigned long orphans;
};

/* Sets up the loop and every watcher in s, which must be zeroed (static storage). Call with
 * every signal blocked. tty_fd: the container's terminal for the main command (boxinit
 * --tty), or -1. Logs. */
int supervisor_init(struct supervisor *s, const struct init_config *cfg,
                    const struct services_config *conf, const char *cwd, int tty_fd);
/* Starts the services without dependencies, and the main command when nothing is to
 * be waited for (signals still blocked). Logs. */
int supervisor_start(struct supervisor *s);
/* Runs until the end (caught signals stay blocked); returns boxinit's exit code. */
int supervisor_run(struct supervisor *s);
/* Closes every handle; uv_loop_close must then succeed. Returns 0 or -EBUSY. */
int supervisor_close(struct supervisor *s);
