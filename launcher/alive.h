/* SPDX-License-Identifier: MIT */
/*
 * alive: whether every monitor that counted itself is still alive, in one look, so that a
 * start scans the records for dead ones (reap_stale: /proc/locks and the whole record
 * directory, 3 ms at 500 containers) only when one died without its teardown.
 *
 * A SysV semaphore set of two, named by STATE_BASE/alive ("ID CTIME"): [COUNTED] is raised
 * by each monitor once its record's lock is held and lowered by its teardown or, for a dead
 * one, by whoever reaps its record; [LIVE] is raised and lowered with it under SEM_UNDO, so
 * the kernel takes a monitor's back however it dies. They differ only while a dead
 * monitor's record is unreaped. Each step that could be cut short leaves COUNTED the
 * higher (the record's "counted" mark goes before the count), never the lower: a death is
 * never hidden; at worst starts scan until the set goes. The set and its file go when nothing is
 * left counted, or with no record left at all. Runs in launch (the monitor, or a reaper).
 */
#pragma once

#include <stdbool.h>

#include "state.h"

struct alive {
	int semid; /* the set this monitor counted itself in, -1: not counted */
};

/* The monitor, its record's lock held: counts itself, and marks the record. -errno fails
 * the start: a monitor left uncounted could die unseen by the starts after it. */
int alive_register(struct alive *a, struct state_lock *l);
/* The monitor's teardown, before its record goes: unmarks it, uncounts itself. */
void alive_unregister(struct alive *a, struct state_lock *l);
/* A reaper, holding a dead monitor's lock, its leftovers undone: forgets that monitor. */
void alive_forget_dead(struct state_lock *l);
/* True only when the set is there and both counts agree: no dead monitor to reap. */
bool alive_all_counted(void);
/* After a scan: with nothing alive counted and no record left, the set goes (what a
 * monitor killed half-way through its count left is forgotten with it). */
void alive_remove_if_idle(void);
