/* SPDX-License-Identifier: MIT */
/*
 * users: user and group names from the container's own /etc/passwd and
 * /etc/group, read as plain files under a root directory. Never uses NSS: a
 * static boxinit must not load the rootfs's libraries, and the host's
 * databases are not the container's. Nothing here logs.
 */
#pragma once

#include <sys/types.h>

/* NAME or a number. A name must be in ROOT/etc/passwd; a number need not be (its group is
 * then the same number). Returns 0, -ESRCH for an unknown name, or -errno. */
int users_lookup_user(const char *root, const char *user, uid_t *ret_uid, gid_t *ret_gid);

/* NAME (from ROOT/etc/group) or a number. Returns 0, -ESRCH, or -errno. */
int users_lookup_group(const char *root, const char *group, gid_t *ret_gid);
