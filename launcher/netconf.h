/* SPDX-License-Identifier: MIT */
/*
 * netconf: launch's network options (--net, --subnet, --publish, --dns, --nat)
 * as one struct net_config. Pure: it never looks at the host and never logs,
 * so config.c words the errors and the unit tests run it as is.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_MAX_DNS  3
#define NET_ADDR_MAX 46 /* INET6_ADDRSTRLEN */
/* --publish-max-conns: connections a published port serves at once; more are refused. */
#define NET_DEFAULT_MAX_CONNS 1024
#define NET_MAX_CONNS_LIMIT   65536
/* Default pools of --net veth, tried in order; each container takes one /30 of them. */
#define NET_DEFAULT_POOLS                                                                          \
	{                                                                                          \
		"10.209.0.0/16", "172.30.0.0/16", "192.168.209.0/24"                               \
	}

enum net_mode {
	NET_NONE,  /* new network namespace with lo only (the default) */
	NET_HOST,  /* the host's network namespace */
	NET_VETH,  /* new network namespace with eth0, a veth to the host */
	NET_SLIRP, /* new network namespace with tap0, user-mode networking by slirp4netns */
};

struct net_publish {
	struct in_addr host_ip; /* 127.0.0.1 unless given */
	uint16_t host_port, container_port;
};

struct net_config {
	enum net_mode mode;
	bool has_subnet, nat;
	struct in_addr subnet; /* host bits zero */
	unsigned prefix;       /* 8..30 */
	struct net_publish *publish;
	size_t n_publish;
	char dns[NET_MAX_DNS][NET_ADDR_MAX];
	size_t n_dns;
	char resolv_conf[128]; /* the generated file bound on /etc/resolv.conf; "" without --dns */
	int max_conns;         /* per published port; 0 until netconf_finish */
};

/* "none", "host", "veth", "slirp". */
int netconf_parse_mode(const char *s, enum net_mode *ret);
const char *netconf_mode_name(enum net_mode mode);
/* "A.B.C.D/N", N in 8..30, no host bits set. */
int netconf_parse_subnet(const char *s, struct in_addr *ret_net, unsigned *ret_prefix);
/* "[HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp]", ports 1..65535, HOSTIP IPv4. */
int netconf_parse_publish(const char *s, struct net_publish *ret);
/* Appends one -p value; -EINVAL for a bad one, -EEXIST for a host address and port
 * published twice, -ENOMEM. */
int netconf_add_publish(struct net_config *c, const char *spec);
/* One --dns value (an IPv4 or IPv6 address); -E2BIG past NET_MAX_DNS. */
int netconf_add_dns(struct net_config *c, const char *s);
/* NULL when the options fit together, else the option that needs --net veth. */
const char *netconf_check(const struct net_config *c);
/* "bx-NAME", or "bx-" + 4 bytes of NAME + a hash when NAME is longer than 12 bytes:
 * at most 15 bytes (IFNAMSIZ - 1). */
void netconf_host_ifname(const char *name, char ret[16]);
/* The /30 at index slot of the pool net/prefix: 0 and -ERANGE past its end. */
int netconf_slot(struct in_addr net, unsigned prefix, uint32_t slot, struct in_addr *ret);
/* Whether a/pa and b/pb share an address. */
bool netconf_overlaps(struct in_addr a, unsigned pa, struct in_addr b, unsigned pb);

struct net_prefix {
	struct in_addr addr;
	unsigned len;
};

/* The first /30 of the pool net/prefix that overlaps none of routes[0..n): 0,
 * -EADDRNOTAVAIL when there is none, -ERANGE for a prefix past 30, -ENOMEM. One pass over
 * the routes and one over a bitmap of the pool's slots (at most 512 KiB, for a /8): a host
 * with hundreds of containers has as many routes, and a start must not cost their square. */
int netconf_free_slot(struct in_addr net, unsigned prefix, const struct net_prefix *routes,
                      size_t n, struct in_addr *ret);
/* Where launch writes the resolv.conf of the container NAME. */
void netconf_resolv_path(const char *name, char *ret, size_t size);
/* Once the name is known: fills in what derives from it. */
void netconf_finish(struct net_config *c, const char *name);
void netconf_free(struct net_config *c);
