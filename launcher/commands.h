/* SPDX-License-Identifier: MIT */
/*
 * commands: launch's subcommands, on containers by name: list, ps, stats, exec,
 * logs, stop, kill, wait, rm, service, diff, commit. The words are reserved as launch's first
 * argument (a rootfs named like one is given as ./list). Each first undoes what
 * dead containers left (reap.c), reads records (state.c) and talks to monitors
 * (monitor.c); none changes a running container but through its monitor.
 * Exit status: the command's own (0), the container's for wait, 125 on error
 * ("launch: no container 'x'").
 */
#pragma once

#include <stdbool.h>

bool commands_is_command(const char *word);
/* argv[0] is the subcommand's word. */
int commands_run(int argc, char **argv);
