/* SPDX-License-Identifier: MIT */
/*
 * netlink: the few rtnetlink requests launch makes, through libnl-3's core
 * (messages, attributes, the socket): create a veth pair, look up, bring up
 * and delete links, add IPv4 addresses and a default route, list the IPv4
 * routes. A socket acts in the network namespace it was opened in. Functions
 * return 0 or -errno and never log. The prefix is rtn_: libnl owns nl_.
 */
#pragma once

#include <netinet/in.h>
#include <stddef.h>

#include "netconf.h"

struct nl_sock;

struct rtn {
	struct nl_sock *sk;
};

/* struct net_prefix (an address and its prefix length) is netconf.h's. */

int rtn_open(struct rtn *rt);
void rtn_close(struct rtn *rt);
/* host stays in the socket's namespace; peer is created in the namespace netns_fd. */
int rtn_veth_create(struct rtn *rt, const char *host, const char *peer, int netns_fd);
/* -ENODEV when there is no such link. */
int rtn_link_index(struct rtn *rt, const char *ifname, unsigned *ret);
int rtn_link_up(struct rtn *rt, unsigned ifindex);
int rtn_link_delete(struct rtn *rt, const char *ifname);
int rtn_addr_add(struct rtn *rt, unsigned ifindex, struct in_addr addr, unsigned prefix);
int rtn_route_add_default(struct rtn *rt, unsigned ifindex, struct in_addr gateway);
/* Every IPv4 route of every table but default routes, as prefixes (malloc'd). */
int rtn_route_prefixes(struct rtn *rt, struct net_prefix **ret, size_t *ret_n);
