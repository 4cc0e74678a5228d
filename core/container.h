/* SPDX-License-Identifier: MIT */
/*
 * container: makes a container from a spec (core/spec.h): its cgroup, namespaces (new, or
 * joined by path), mount plan, devices, console and confinement, up to a first process that
 * waits, set up, on a fifo until it is released (the OCI create/start split), then execs
 * process.args. The caller's process is the first process's parent; nothing here waits for
 * it or outlives the call but the container itself.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "spec.h"

struct container_params {
	const struct spec *spec;
	const char *rootfs; /* canonical */
	const char *bundle;
	const char *cgroup_parent, *cgroup_name;
	bool no_pivot;
	/* Run by an ordinary user (box --rootless, or not root): a cgroup that cannot be made is
	 * done without when the config asks for no resources, and the user namespace's gid map
	 * is written after setgroups is denied (the kernel's rule for an unprivileged writer). */
	bool rootless;
	int console_sock;      /* connected console socket (process.terminal), or -1 */
	int fifo_fd;           /* O_PATH of the fifo the first process blocks on; -1: no wait */
	unsigned preserve_fds; /* fds 3 .. 3+N-1 cross into the container */
	int close_fd;          /* the caller's, closed by the first process first of all (a lock) */
	/* The state hooks get on stdin (a new string), for the first process pid. */
	char *(*hook_state)(pid_t pid, const char *status, void *arg);
	void *hook_arg;
};

struct container {
	pid_t pid;         /* the first process, as the host sees it */
	struct cgroup *cg; /* NULL: none (rootless) */
};

/* Creates it all; the first process is set up and waiting when this returns 0. On failure
 * everything made is gone again. Logs (one line naming the step). */
int container_create(const struct container_params *p, struct container *ret);
/* Where the cgroup of a config's cgroupsPath (or, without one, of id) lies: a parent path
 * and a leaf name. "/a/b/c" and "a/b/c" are a/b + c; the systemd form "slice:prefix:name" is
 * slice's directories (a-b.slice under a.slice) + "prefix-name.scope". Logs. */
int container_cgroup_path(const char *cgroups_path, const char *id, char **ret_parent,
                          char **ret_name);
