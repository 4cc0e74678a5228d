/* SPDX-License-Identifier: MIT */
/*
 * nat: a container's rules in the host's kernel, through nft(8) when the host has it, else
 * iptables(8). Two kinds, either or both:
 * - --nat: a masquerade of the container's address leaving through any interface but its
 *   own veth;
 * - published ports on an address other than loopback: forwarded in the kernel (DNAT) to
 *   the container's address. Connections from the host itself always (nat output); from
 *   elsewhere (other hosts, other containers) only when the host forwards IPv4, else they
 *   reach launch's proxy, which listens there too. A guard drops a forwarded connection that
 *   would leave by another interface than the container's veth, so a rule left behind by a
 *   killed launch never delivers to a later container that got its address.
 * They live in a table (nft) or carry a comment (iptables) named after the container, so
 * they can be removed exactly, even by a later launch. Runs the tools from fixed system
 * directories only.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "netconf.h"

enum nat_tool {
	NAT_NONE,
	NAT_NFT,
	NAT_IPTABLES,
};

struct nat_rule {
	enum nat_tool tool;
	char name[80];   /* the container's name */
	char ifname[16]; /* its host-side veth */
	struct in_addr addr;
	bool masquerade;                   /* --nat */
	bool remote;                       /* the host forwards IPv4: DNAT in prerouting too */
	const struct net_publish *publish; /* the published ports; loopback ones are skipped */
	size_t n_publish;
};

/* Whether a published port is forwarded in the kernel: any address but 127.0.0.0/8. */
bool nat_forwards(const struct net_publish *p);
/* Whether r asks for any rule at all. */
bool nat_wanted(const struct nat_rule *r);
/* Whether the host forwards IPv4 (net.ipv4.ip_forward). */
bool nat_host_forwards(void);
/* The nft script that adds r's table: its chains and rules, one transaction. Allocated. */
char *nat_nft_script(const struct nat_rule *r);
/* Picks the tool and adds the rules; r->tool is set on success. Logs (an error with --nat;
 * without, a warning: the proxy serves the ports). -ENOENT: neither nft nor iptables. */
int nat_add(struct nat_rule *r);
/* Removes them; quiet when they are gone already. Logs other failures. */
int nat_remove(const struct nat_rule *r);
const char *nat_tool_name(enum nat_tool t);
enum nat_tool nat_tool_from_name(const char *s);
