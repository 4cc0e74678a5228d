// SPDX-License-Identifier: MIT
/*
 * cmd_layer: launch diff (of a running or kept container) and launch commit (of a kept one),
 * on the layer of a container run with --overlay (layer.h).
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
	int r;

	if (argc != 3 || argv[1][0] == '-' || !argv[2][0]) {
		log_error("usage: launch commit NAME DIR");
		return EXIT_LAUNCH_FAILURE;
	}
	r = load_layer(argv[1], &s);
	if (r < 0)
		return EXIT_LAUNCH_FAILURE;
	/* A running container could swap a directory for a link to the host's files while cp
	 * walks its tree, and have them copied into DIR: its layer is read once nothing in it
	 * runs. */
	if (state_is_live(argv[1])) {
		log_error("commit container '%s': it is running (stop it first; --keep keeps its "
		          "layer)",
		          argv[1]);
		state_free(&s);
		return EXIT_LAUNCH_FAILURE;
	}
	r = layer_commit(s.rootfs, s.layer, argv[2]);
	state_free(&s);
	return r < 0 ? EXIT_LAUNCH_FAILURE : 0;
}
