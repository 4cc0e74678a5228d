/* SPDX-License-Identifier: MIT */
/*
 * net: the container's network, from launch (host side, root). --net none is
 * the child's own loopback; --net veth adds a veth pair (host side "bx-NAME",
 * eth0 inside with a /30 that no host route overlaps, default route via the
 * host side), --nat a masquerade rule, --publish the proxy, --dns a generated
 * resolv.conf. Each piece it makes is undone by net_destroy, and a state file
 * /run/box/net/NAME.json, locked for the life of launch, lets the next launch
 * undo what a SIGKILLed one left. Never touches an interface or rule it did not
 * name itself.
 */
#pragma once

#include <sys/types.h>
#include <uv.h>

#include "config.h"

struct net;

/* Before clone: reaps what dead launches left, takes the name's network lock and writes
 * the resolv.conf of --dns. *ret is NULL when the container needs none of it. Logs. */
int net_prepare(const struct launch_config *c, struct net **ret);
/* After clone, before GO, with the network namespace netns_fd still empty but for lo: the veth,
 * its addresses and routes, the NAT rule, the published ports, the state file. Logs. */
int net_setup(struct net *n, uv_loop_t *loop, int netns_fd);
/* Every path: closes the published ports (run the loop once more afterwards), removes
 * the NAT rule, the veth and the files, and unlocks. NULL is fine. */
void net_destroy(struct net *n);
