/* SPDX-License-Identifier: MIT */
/*
 * initexec: what the container's first process execs: a sealed memfd copy of
 * boxinit (nothing in the container can rewrite the host's binary through
 * /proc/1/exe), its argv and the container's clean environment.
 * Never reads the rootfs, never execs anything itself.
 */
#pragma once

#include <stdbool.h>

#include "config.h"

#define INITEXEC_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A descriptor to exec path (NULL: "boxinit" next to /proc/self/exe) from, that no
 * container process can write through /proc/PID/exe (CVE-2019-5736). shared: the file
 * itself on a private read-only mount (its pages shared by every container), for
 * containers without CAP_SYS_ADMIN; otherwise, or when the kernel cannot, a sealed memfd
 * copy. *ret_path is the path used, for messages. Logs. */
int initexec_load(const char *path, bool shared, int *ret_fd, char **ret_path);
/* boxinit --container [...] -- CMD ARG...; NULL-terminated, free with strv_free.
 * ctl_fd >= 0: boxinit's --control-fd, and --tty when tty. */
int initexec_argv(const struct launch_config *c, int ctl_fd, bool tty, char ***ret);
/* PATH, HOME, TERM, HOSTNAME, container=box, then every -e (same key: the later wins). */
int initexec_env(const struct launch_config *c, const char *host_term, char ***ret);
