/* SPDX-License-Identifier: MIT */
/*
 * userns: the host ids of a container started with --userns. "auto" takes a slice of
 * USERNS_SLICE ids that no live container holds from the "box" entry of /etc/subuid and
 * /etc/subgid (added to both, past every other entry, when missing); HOSTID:COUNT is taken
 * as given. The pick is written into the container's record under the records' lock, so
 * two launches never pick one slice.
 */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "state.h"

#define USERNS_SLICE   65536U     /* ids per container under "auto": 0..65535 inside */
#define USERNS_SUBID   "box"      /* the entry's name in /etc/subuid and /etc/subgid */
#define USERNS_DEFAULT (1U << 26) /* the entry's size when launch adds it: 1024 slices */

/* Fills st->userns_* for c->userns and saves the record (under the records' lock). -errno,
 * logged. Nothing to do for USERNS_HOST. */
int userns_pick(const struct userns_config *c, struct state_lock *lock, struct state *st);
/* From the host: the maps of pid's new user namespace ("0 uid count", "0 gid count"); an
 * ordinary user (rootless) denies setgroups first, as the kernel requires. */
int userns_write_maps(pid_t pid, const struct state *st);

/* A rootless launch: 0 inside is the user; 1.. are the user's own subordinate ids (its
 * /etc/subuid and /etc/subgid entries, by name or uid) when Debian's newuidmap and newgidmap
 * (package uidmap, setuid root) can map them, up to 65535 of them. */
struct userns_rootless {
	uint32_t subuid, subgid, subcount; /* subcount 0: the user alone */
};
/* Fills st->userns_* (uid, gid: the user's; count: 1 + subcount) and rl. Saves the record. */
int userns_pick_rootless(struct state_lock *lock, struct state *st, struct userns_rootless *rl);
/* Rootless: the maps, through newuidmap/newgidmap for the subordinate ids, else written here
 * (one id each; setgroups is then denied, as the kernel requires). -errno, logged. */
int userns_write_maps_rootless(pid_t pid, const struct state *st, const struct userns_rootless *rl);

/* Pure, for the unit tests: the entry NAME of a subid file's text, 0 and *ret_start,
 * *ret_count; -ENOENT when there is none. */
int userns_find_entry(const char *text, const char *name, uint32_t *ret_start, uint32_t *ret_count);
/* Pure: the first id past every entry of text, at least min, rounded up to a slice. */
uint64_t userns_free_start(const char *text, uint64_t min);
