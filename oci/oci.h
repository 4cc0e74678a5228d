/* SPDX-License-Identifier: MIT */
/*
 * oci: the commands of `box`, the OCI runtime front door (runc's command line). main.c parses
 * the global options and hands each command its own argv (argv[0] is the command's name).
 * Every command returns the process's exit code and logs its own errors.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct oci_global {
	const char *root; /* --root */
	bool debug, systemd_cgroup, rootless;
};

int oci_create(const struct oci_global *g, int argc, char **argv);
int oci_run(const struct oci_global *g, int argc, char **argv);
int oci_start(const struct oci_global *g, int argc, char **argv);
int oci_state(const struct oci_global *g, int argc, char **argv);
int oci_kill(const struct oci_global *g, int argc, char **argv);
int oci_delete(const struct oci_global *g, int argc, char **argv);
int oci_list(const struct oci_global *g, int argc, char **argv);
int oci_ps(const struct oci_global *g, int argc, char **argv);
int oci_pause(const struct oci_global *g, int argc, char **argv);
int oci_update(const struct oci_global *g, int argc, char **argv);
int oci_exec(const struct oci_global *g, int argc, char **argv);
int oci_spec(const struct oci_global *g, int argc, char **argv);
int oci_features(const struct oci_global *g, int argc, char **argv);

/* --- shared by the commands -------------------------------------------------------------- */

struct ocistate;
/* poststart, poststop: the hooks of kind from the config create kept; a failure is a warning
 * (the runtime spec's rule for these two). */
void oci_run_hooks(const char *root, const struct ocistate *st, int kind, const char *status);

/* A connected console socket (create, exec with a terminal): the fd, or -errno (logged). */
int oci_connect_console(const char *path);
/* Waits for pid, our child, forwarding the signals box gets to it; its status as a shell's.
 * exec blocks them before the child exists (none is lost); run blocks them here. */
int oci_wait_forwarding(pid_t pid);

/* One option of a command: "--name" (and "-s" when short is set). takes: it has a value
 * ("--name V" or "--name=V"). */
struct oci_list {
	const char **v;
	size_t n;
};

struct oci_opt {
	const char *name;
	char short_name;
	bool takes;
	const char **value;    /* takes */
	bool *flag;            /* !takes */
	struct oci_list *list; /* takes, repeatable (exec --env): every value, in order */
};

/* Parses argv[1..] (options anywhere before "--", then positionals) into opts and the
 * positionals (at most max_pos, at least min_pos; usage names them for the message).
 * Logs "COMMAND: unknown option '--x'" and the like; -EINVAL. */
int oci_parse(int argc, char **argv, const struct oci_opt *opts, char ***ret_pos, int *ret_n,
              int min_pos, int max_pos, const char *usage);
