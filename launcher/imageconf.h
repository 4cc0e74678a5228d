/* SPDX-License-Identifier: MIT */
/*
 * imageconf: the defaults an image gives a container (rootfs/image.sh writes them to
 * ROOTFS/.box-image.json from the image's config): Env, WorkingDir, User, Entrypoint and
 * Cmd. launch's options win: -e adds to (and overrides) Env, -w and -u replace WorkingDir and
 * User, a CMD replaces Cmd (the Entrypoint stays, as docker's), --entrypoint replaces the
 * Entrypoint ("" drops it). A User by name is looked up in the rootfs's /etc/passwd and
 * /etc/group. ExposedPorts are published with -P only, each on the same port of 127.0.0.1
 * (a -p for the same container port wins): a host port taken by default would make the
 * second container of an image fail.
 */
#pragma once

#include <jansson.h>

#include "config.h"

#define IMAGECONF_FILE "/.box-image.json" /* in ROOTFS, read inside it */

/* Reads ROOTFS's image config, when it has one, into c (its strings owned by c->image).
 * 0 (also with none), or -errno with one line naming the file. */
int imageconf_apply(struct launch_config *c);
/* The same on a parsed config, for the unit tests: the rootfs is only read for a User by
 * name (rootfs_fd < 0: names are refused). */
int imageconf_apply_json(struct launch_config *c, json_t *j, int rootfs_fd, const char *where);
