/* SPDX-License-Identifier: MIT */
/*
 * process: what a container process gets right before its exec, the same for the first
 * process and for every exec (DESIGN.md §6: confinement computed once, applied the same way):
 * rlimits, a pty sent over a console socket, the user and groups, the five capability sets,
 * no_new_privs, the seccomp filter, umask and working directory; and finding the command.
 * Runs in the container's process (namespaces entered, root pivoted); never logs: each
 * failure comes back as -errno and the step that failed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "spec.h"
#include "syscalls.h"

/* rlimits and oom_score_adj (as root, before anything drops privileges). */
int process_limits(const struct spec_process *p, const char **ret_what);
/* A new pty from the container's devpts: the master goes over sock (SCM_RIGHTS, one message),
 * the slave becomes stdio and the controlling terminal, and /dev/console when console. */
int process_console(const struct spec_process *p, int sock, bool console, const char **ret_what);
/* Finds args[0] in the container (PATH from the process's env, else the default) into buf.
 * -ENOENT: not found, -EACCES: not executable. */
int process_find(const struct spec_process *p, char *buf, size_t size);
/* User, groups, capabilities, no_new_privs, seccomp (before the user change when no_new_privs
 * is not set, since only then may root load it; last otherwise), umask and cwd. */
int process_confine(const struct spec_process *p, const struct syscall_filter *f,
                    const char **ret_what);
