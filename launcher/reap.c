// SPDX-License-Identifier: MIT
/*
 * reap: see reap.h. Runs in launch (root, host). A record is reaped only under
 * its lock, which a live monitor holds: a container that runs is never touched.
 */
#include "reap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alive.h"
#include "cgroup.h"
#include "layer.h"
#include "log.h"
#include "logfile.h"
#include "net.h"
#include "util.h"

void reap_container(const struct state *s)
{
	int r;

	log_debug("reaping what container '%s' left", s->name);
	if (s->cgroup_parent) {
		r = cgroup_remove_stale(s->cgroup_parent, s->name);
		if (r < 0)
			log_debug_errno(r, "remove the cgroup of '%s'", s->name);
	}
	net_undo(s->name, &s->net);
	if (s->log_path && !s->keep)
		logfile_remove(s->log_path);
	if (s->layer && !s->keep)
		layer_remove(s->layer);
}

static void reap_one(const char *name)
{
	struct state_lock *l = NULL;
	struct state s = {0};
	bool kept;
	int r = state_lock_dead(name, &l);

	/* A directory without its lock file: a launch killed between the two (or while it
	 * removed them). Nothing else is made before the lock is held. */
	if (r == -ENOENT)
		state_remove_empty(name);
	if (r < 0)
		return; /* alive, being reaped by another command, or gone */
	if (state_load(name, &s) < 0) {
		/* A lock file but no readable record: a launch killed before it wrote one,
		 * which it does before it makes anything. */
		alive_forget_dead(l);
		state_release(l, true);
		return;
	}
	kept = s.keep;
	if (s.status != STATE_STOPPED) {
		reap_container(&s);
		/* Kept, it stays listed as stopped, with no exit status (nobody saw one). */
		s.status = STATE_STOPPED;
		if (!s.finished_ns)
			s.finished_ns = state_now_ns();
		if (kept)
			(void)state_save(l, &s);
	}
	state_free(&s);
	/* After its leftovers: a reaper killed before this leaves the record to the next. */
	alive_forget_dead(l);
	state_release(l, !kept);
}

void reap_stale(void)
{
	char **names = NULL;

	if (state_names_unlocked(&names) < 0)
		return;
	for (size_t i = 0; names[i]; i++)
		reap_one(names[i]);
	strv_free(names);
}
