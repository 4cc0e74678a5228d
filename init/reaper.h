/* SPDX-License-Identifier: MIT */
/*
 * reaper: the only code in boxinit that waits for children. A pass reaps
 * every exited child (own or adopted) and hands each status to its owner.
 * Owns no watcher (the signals module calls a pass on SIGCHLD) and never
 * decides anything itself.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct reaper;

struct reaper_ops {
	/* One exited child; status is the raw wait status. */
	void (*exited)(struct reaper *r, pid_t pid, int wstatus);
	/* After a pass: none_left is true when boxinit has no child at all (ECHILD). */
	void (*pass_done)(struct reaper *r, bool reaped_any, bool none_left);
};

struct reaper {
	const struct reaper_ops *ops;
	unsigned long reaped; /* total, for debug logs */
};

void reaper_init(struct reaper *r, const struct reaper_ops *ops);
/* Reaps what is reapable now: on SIGCHLD, or when a change may have left nothing. */
void reaper_pass(struct reaper *r);
