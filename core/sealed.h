/* SPDX-License-Identifier: MIT */
/*
 * sealed: sealed memfd copies of binaries, so that nothing in a container can rewrite the
 * host's file through /proc/PID/exe (CVE-2019-5736): boxinit's copy, and launch exec's and
 * box's re-execution of themselves before any of their processes enters a container.
 */
#pragma once

/* A sealed memfd (no write, grow, shrink, nor new seals) with src's content, named name.
 * Close-on-exec. 0 or -errno; logs nothing. */
int sealed_copy(int src, const char *name, int *ret_fd);
/* Re-executes the running program (argv as it is) from a sealed copy named name, unless it
 * runs from one already: returns 0 then. Otherwise returns only on failure (logged). */
int sealed_reexec(const char *name, char **argv);
