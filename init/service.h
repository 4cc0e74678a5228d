/* SPDX-License-Identifier: MIT */
/*
 * service: one supervised command (today only the main command; issue 4 adds
 * more from a config file). Owns the command's pid, process group and exit
 * status; starts it through spawn and signals its group. Never waits for a
 * child: the reaper hands it the status of its pid.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "spawn.h"

struct service {
	const char *name;        /* for messages: "main" */
	struct spawn_opts spawn; /* what to run and how */
	pid_t pid;               /* > 0 while running, 0 once reaped */
	pid_t pgid;              /* its process group (== its first pid); kept after it exits */
	int exit_code;           /* shell-style, valid once exited */
	bool started;
	bool exited;
	bool tty_foreground; /* its group holds the terminal's foreground */
};

/* Forks and execs the service. Every signal must be blocked by the caller. */
int service_start(struct service *svc);

/* The reaper found the service's pid dead with this wait status. */
void service_exited(struct service *svc, int wstatus);

/* Sends sig to the service's process group, or to its pid when the group is gone.
 * Returns 0, or -ESRCH when nothing of it is left. */
int service_signal(const struct service *svc, int sig);

bool service_owns_pid(const struct service *svc, pid_t pid);
