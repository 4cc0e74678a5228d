/* SPDX-License-Identifier: MIT */
/*
 * paths: where launch keeps its records and logs. For root: /run/box (the records under
 * /run/box/containers) and /var/log/box. For an ordinary user (rootless launch): the same
 * under $XDG_RUNTIME_DIR/box, which must be a directory of the user's own (logs in
 * $XDG_RUNTIME_DIR/box/log). Computed once.
 */
#pragma once

#include <stdbool.h>

/* launch runs as an ordinary user. */
bool paths_rootless(void);
/* Rootless: $XDG_RUNTIME_DIR is an absolute path to a directory the user owns, 0700. 0, or
 * -errno with one line said. Always 0 for root. */
int paths_check(void);
const char *paths_state_base(void); /* /run/box */
const char *paths_state_root(void); /* /run/box/containers */
const char *paths_log_dir(void);    /* /var/log/box */
const char *paths_layer_root(void); /* /var/lib/box: --overlay's layers (root only) */
