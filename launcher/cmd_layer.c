// SPDX-License-Identifier: MIT
/*
 * cmd_layer: launch diff and launch commit, on the layer of a container run with --overlay
 * (layer.h), running or kept.
 */
#include <errno.h>
#include <stdio.h>

#include "cmd.h"
#include "layer.h"
#include "log.h"
#include "state.h"
#include "util.h"

/* NAME's record, which must have a layer on disk. */
static int load_layer(const char *name, struct state *s)
{
	int r = cmd_load(name, s);

	if (r < 0)
		return r;
	if (!s->layer || s->layer_tmpfs || !s->rootfs) {
		log_error("container '%s' has no layer on disk: it runs %s", name,
		          s->layer ? "with --overlay=tmpfs (in its own memory)"
		                   : "without --overlay, in its rootfs itself");
		state_free(s);
		return -ENOENT;
	}
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct state s = {0};
	int r;

	if (argc != 2 || argv[1][0] == '-') {
		log_error("usage: launch diff NAME");
		return EXIT_LAUNCH_FAILURE;
	}
	r = load_layer(argv[1], &s);
	if (r == 0)
		r = layer_diff(s.rootfs, s.layer, stdout);
	state_free(&s);
	return r < 0 ? EXIT_LAUNCH_FAILURE : 0;
}

int cmd_commit(int argc, char **argv)
{
	struct state s = {0};
	int pid1 = 0, r;

	if (argc != 3 || argv[1][0] == '-' || !argv[2][0]) {
		log_error("usage: launch commit NAME DIR");
		return EXIT_LAUNCH_FAILURE;
	}
	r = load_layer(argv[1], &s);
	if (r < 0)
		return EXIT_LAUNCH_FAILURE;
	/* Running: its root as it is now, seen through its PID 1 (which must still be its). */
	if (s.status != STATE_STOPPED && state_is_live(argv[1])) {
		if (s.status != STATE_RUNNING || !state_proc_is(s.pid1, s.pid1_start)) {
			log_error("commit container '%s': it is %s", argv[1],
			          s.status == STATE_RUNNING ? "ending"
			                                    : state_status_name(s.status));
			state_free(&s);
			return EXIT_LAUNCH_FAILURE;
		}
		pid1 = s.pid1;
	}
	r = layer_commit(s.rootfs, s.layer, argv[2], pid1);
	state_free(&s);
	return r < 0 ? EXIT_LAUNCH_FAILURE : 0;
}
