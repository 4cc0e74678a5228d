/* SPDX-License-Identifier: MIT */
/*
 * waiter: the one place on the host side (launch, box: launcher/, core/, oci/) that waits
 * for a child, as init/reaper.c is for boxinit. Every caller waits for one pid it forked
 * itself, never for "any child": a helper that reaps pid -1 would steal another part's
 * exit status. `make lint` refuses wait calls anywhere else.
 * Nothing here logs: the caller knows what the child was.
 */
#pragma once

#include <sys/types.h>

/* Waits for pid through EINTR. 0 with *status (wait status, may be NULL) filled, or -errno
 * (-ECHILD: not our child, or already reaped). */
int waiter_wait(pid_t pid, int *status);
/* The same without blocking: 1 reaped (*status filled), 0 still running, or -errno. */
int waiter_poll(pid_t pid, int *status);
/* SIGKILL, then waits: for a child abandoned on an error path. pid <= 0 does nothing. */
void waiter_kill(pid_t pid);
