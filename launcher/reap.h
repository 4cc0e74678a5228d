/* SPDX-License-Identifier: MIT */
/*
 * reap: undoes what a container whose monitor died (launch killed by SIGKILL,
 * a crash) left behind, from the record it left: its cgroup, its veth and NAT
 * rule, its log, its record. Run first by every launch command, and by a new
 * container taking a dead one's name. Touches only what a record names.
 */
#pragma once

#include "state.h"

/* The container's leftovers, not its record (the caller holds its lock). */
void reap_container(const struct state *s);
/* Every record whose monitor is gone; a stopped container kept with --keep stays. */
void reap_stale(void);
