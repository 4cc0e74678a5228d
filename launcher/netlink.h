/* SPDX-License-Identifier: MIT */
/*
 * netlink: the few rtnetlink requests launch makes, through libmnl: create a
 * veth pair, look up, bring up and delete links, add IPv4 addresses and a
 * default route, list the IPv4 routes. A socket acts in the network namespace
 * it was opened in. Functions return 0 or -errno and never log.
 */
#pragma once

#include <netinet/in.h>
#include <stddef.h>

struct mnl_socket;

struct nl {
	struct mnl_socket *sk;
	unsigned portid, seq;
};

struct nl_prefix {
	struct in_addr addr;
	unsigned len;
};

int nl_open(struct nl *nl);
void nl_close(struct nl *nl);
/* host stays in the socket's namespace; peer is created in the namespace netns_fd. */
int nl_veth_create(struct nl *nl, const char *host, const char *peer, int netns_fd);
/* -ENODEV when there is no such link. */
int nl_link_index(struct nl *nl, const char *ifname, unsigned *ret);
int nl_link_up(struct nl *nl, unsigned ifindex);
int nl_link_delete(struct nl *nl, const char *ifname);
int nl_addr_add(struct nl *nl, unsigned ifindex, struct in_addr addr, unsigned prefix);
int nl_route_add_default(struct nl *nl, unsigned ifindex, struct in_addr gateway);
/* Every IPv4 route of every table but default routes, as prefixes (malloc'd). */
int nl_route_prefixes(struct nl *nl, struct nl_prefix **ret, size_t *ret_n);
