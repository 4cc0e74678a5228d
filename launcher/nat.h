/* SPDX-License-Identifier: MIT */
/*
 * nat: the masquerade rule of --nat, through nft(8) when the host has it, else
 * iptables(8). The rule is scoped to one container address leaving through
 * any interface but its own veth, and lives in a table (nft) or carries a
 * comment (iptables) named after the container, so it can be removed exactly,
 * even by a later launch. Runs the tools from fixed system directories only.
 */
#pragma once

#include <netinet/in.h>

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
};

/* Picks the tool and adds the rule; r->tool is set on success. Logs. -ENOENT: neither
 * nft nor iptables is installed (logged, saying what to do instead). */
int nat_add(struct nat_rule *r);
/* Removes it; quiet when it is gone already. Logs other failures. */
int nat_remove(const struct nat_rule *r);
const char *nat_tool_name(enum nat_tool t);
enum nat_tool nat_tool_from_name(const char *s);
