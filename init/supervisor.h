/* SPDX-License-Identifier: MIT */
/*
 * supervisor: boxinit's event loop state: the services, the reaper, the
 * signal watchers and the shutdown state machine, and the glue that turns
 * their events into actions. Once supervisor_run is called, nothing here
 * exits the process: failures are logged and the loop goes on.
 */
#pragma once

#include <stdbool.h>
#include <uv.h>

#include "cmdline.h"
#include "reaper.h"
#include "service.h"
#include "shutdown.h"
#include "signals.h"

struct supervisor {
	uv_loop_t loop;
	const struct init_config *cfg;
	struct service main; /* issue 4: an array of services, main first */
	struct reaper reaper;
	struct signals signals;
	struct shutdown shutdown;
	bool pid1;
	bool loop_ready;
	unsigned long orphans;
};

/* Sets up the loop and every watcher. Call with every signal blocked. Logs. */
int supervisor_init(struct supervisor *s, const struct init_config *cfg, const char *cwd);
/* Starts the main command (signals still blocked). Logs. */
int supervisor_start(struct supervisor *s);
/* Unblocks signals and runs until the end; returns boxinit's exit code. */
int supervisor_run(struct supervisor *s);
/* Closes every handle; uv_loop_close must then succeed. Returns 0 or -EBUSY. */
int supervisor_close(struct supervisor *s);
