/* SPDX-License-Identifier: MIT */
/*
 * reaper: the only code in boxinit that waits for children. One SIGCHLD
 * watcher whose callback reaps every exited child (own or adopted) and hands
 * each status to its owner. Never decides anything itself.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <uv.h>

struct reaper;

struct reaper_ops {
	/* One exited child; status is the raw wait status. */
	void (*exited)(struct reaper *r, pid_t pid, int wstatus);
	/* After a pass: none_left is true when boxinit has no child at all (ECHILD). */
	void (*pass_done)(struct reaper *r, bool reaped_any, bool none_left);
};

struct reaper {
	uv_signal_t watcher;
	const struct reaper_ops *ops;
	unsigned long reaped; /* total, for debug logs */
};

int reaper_start(uv_loop_t *loop, struct reaper *r, const struct reaper_ops *ops);
/* Reaps what is reapable now, as if SIGCHLD had arrived. */
void reaper_pass(struct reaper *r);
void reaper_close(struct reaper *r);
