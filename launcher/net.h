/* SPDX-License-Identifier: MIT */
/*
 * net: the container's network, from launch (host side, root). --net none is
 * the child's own loopback; --net veth adds a veth pair (host side "bx-NAME",
 * eth0 inside with a /30 that no host route overlaps, default route via the
 * host side), --nat a masquerade rule, --publish the proxy, --dns a generated
 * resolv.conf. Each piece it makes is undone by net_destroy, and what could
 * outlive a SIGKILLed launch (the NAT rule) is in the container's record before
 * it exists, so that net_undo can remove it. Never touches an interface or rule
 * it did not name itself.
 */
#pragma once

#include <sys/types.h>
#include <uv.h>

#include "config.h"
#include "state.h"

struct net;

/* Before clone: writes the resolv.conf of --dns (in the container's record directory, which
 * must exist). save(save_data) writes the container's record: net calls it whenever what it
 * made changed (see net_describe). *ret is NULL when the container needs none of it. Logs. */
int net_prepare(const struct launch_config *c, int (*save)(void *), void *save_data,
                struct net **ret);
/* After clone, before GO, with the network namespace netns_fd still empty but for lo: the veth,
 * its addresses and routes, the NAT rule, the published ports; or (--net slirp) slirp4netns
 * for the first process pid. Logs. */
int net_setup(struct net *n, uv_loop_t *loop, int netns_fd, pid_t pid);
/* What the container's record says of its network. NULL n: nothing to say. */
void net_describe(const struct net *n, struct state_net *ret);
/* Every path: closes the published ports (run the loop once more afterwards), removes
 * the NAT rule, the veth and the files. NULL is fine. */
void net_destroy(struct net *n);
/* What a dead launch left, from its record: the veth (usually gone with its namespace) and
 * the NAT rule. */
void net_undo(const char *name, const struct state_net *rec);
