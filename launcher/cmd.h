/* SPDX-License-Identifier: MIT */
/*
 * cmd: what launch's subcommands share (commands.c dispatches to them). Each
 * cmd_* takes its own argv (argv[0] is its word) and returns launch's exit status.
 */
#pragma once

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

int cmd_list(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_service(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_commit(int argc, char **argv);

/* The record of NAME; logs "no container 'x'" (-ENOENT) and other failures. */
int cmd_load(const char *name, struct state *ret);
/* The same, for a container that runs now ("container 'x' is not running": -ESRCH). */
int cmd_load_running(const char *name, struct state *ret);
/* getopt_long with one-line errors naming the usage: the option, -1 at the end, -EINVAL. */
int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
               const char *usage);
/* One request to boxinit's service control in the running container s (cmd_service.c): its
 * one-line JSON reply, parsed, in *ret. -ESRCH (PID 1 gone), -ENOENT/-ECONNREFUSED (no
 * socket: no services), -EBADMSG, -errno. */
int service_query(const struct state *s, const char *request, json_t **ret);
/* "5s", "3m", "2h", "4d". */
void cmd_duration(int64_t ns, char *ret, size_t size);
