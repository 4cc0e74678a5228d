/* SPDX-License-Identifier: MIT */
/*
 * slirp: --net slirp, user-mode networking for a container that has no veth (a rootless
 * one): Debian's slirp4netns, started by launch once the container's namespaces exist and
 * before GO, gives it tap0 (10.0.2.100/24, gateway 10.0.2.2, DNS 10.0.2.3) with outbound
 * access through the host's stack, and forwards each published port (its API socket's
 * add_hostfwd). It ends with launch, even a launch killed by SIGKILL.
 */
#pragma once

#include <sys/types.h>

#include "netconf.h"

struct slirp;

/* Starts slirp4netns for the container whose first process is target, its API socket at
 * api_path, and publishes nc's ports. Waits until tap0 is up. -errno, logged. */
int slirp_start(const struct net_config *nc, const char *api_path, pid_t target,
                struct slirp **ret);
/* Ends it, reaps it and removes the socket. NULL is fine. */
void slirp_stop(struct slirp *s);
