// SPDX-License-Identifier: MIT
/*
 * netconf: see netconf.h. Pure string and address arithmetic: nothing here
 * opens a socket, reads the host or logs. Addresses stay in network order.
 */
#include "netconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "util.h"

int netconf_parse_mode(const char *s, enum net_mode *ret)
{
	static const char *const names[] = {
	    [NET_NONE] = "none", [NET_HOST] = "host", [NET_VETH] = "veth", [NET_SLIRP] = "slirp"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (STREQ(s, names[i])) {
			*ret = (enum net_mode)i;
			return 0;
		}
	return -EINVAL;
}

const char *netconf_mode_name(enum net_mode mode)
{
	return mode == NET_HOST    ? "host"
	       : mode == NET_VETH  ? "veth"
	       : mode == NET_SLIRP ? "slirp"
	                           : "none";
}

static uint32_t mask_of(unsigned prefix)
{
	/* Past 32 is every bit, as 32 is (a shift of 32 - prefix would be undefined). */
	if (prefix == 0)
		return 0;
	return prefix >= 32 ? ~(uint32_t)0 : ~(uint32_t)0 << (32 - prefix);
}

/* inet_pton alone: "1.2.3" and " 1.2.3.4" are refused, unlike inet_aton. */
static int parse_ipv4(const char *s, struct in_addr *ret)
{
	return inet_pton(AF_INET, s, ret) == 1 ? 0 : -EINVAL;
}

int netconf_parse_subnet(const char *s, struct in_addr *ret_net, unsigned *ret_prefix)
{
	char ip[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct in_addr a;
	int prefix, r;

	if (!slash || (size_t)(slash - s) >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	r = parse_ipv4(ip, &a);
	if (r == 0)
		r = parse_int(slash + 1, 8, 30, &prefix);
	if (r < 0)
		return -EINVAL;
	if (ntohl(a.s_addr) & ~mask_of((unsigned)prefix))
		return -EINVAL; /* host bits set: which network was meant is a guess */
	*ret_net = a;
	*ret_prefix = (unsigned)prefix;
	return 0;
}

static int parse_port(const char *s, size_t len, uint16_t *ret)
{
	char buf[8];
	int v;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (parse_int(buf, 1, 65535, &v) < 0)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

int netconf_parse_publish(const char *s, struct net_publish *ret)
{
	struct net_publish p = {.host_ip.s_addr = htonl(INADDR_LOOPBACK)};
	char ip[INET_ADDRSTRLEN];
	const char *ports = s, *c1 = strrchr(s, ':'), *proto = strchr(s, '/');
	const char *c0;

	if (!c1 || (proto && !STREQ(proto, "/tcp")))
		return -EINVAL;
	c0 = memrchr(s, ':', (size_t)(c1 - s));
	if (c0) {
		if ((size_t)(c0 - s) >= sizeof(ip))
			return -EINVAL;
		memcpy(ip, s, (size_t)(c0 - s));
		ip[c0 - s] = '\0';
		if (parse_ipv4(ip, &p.host_ip) < 0)
			return -EINVAL;
		ports = c0 + 1;
	}
	if (parse_port(ports, (size_t)(c1 - ports), &p.host_port) < 0 ||
	    parse_port(c1 + 1, proto ? (size_t)(proto - c1 - 1) : strlen(c1 + 1),
	               &p.container_port) < 0)
		return -EINVAL;
	*ret = p;
	return 0;
}

static bool same_listener(const struct net_publish *a, const struct net_publish *b)
{
	/* 0.0.0.0 covers every address: it cannot be bound beside another one. */
	return a->host_port == b->host_port &&
	       (a->host_ip.s_addr == b->host_ip.s_addr || a->host_ip.s_addr == INADDR_ANY ||
	        b->host_ip.s_addr == INADDR_ANY);
}

int netconf_add_publish(struct net_config *c, const char *spec)
{
	struct net_publish p, *grown;
	int r = netconf_parse_publish(spec, &p);

	if (r < 0)
		return r;
	for (size_t i = 0; i < c->n_publish; i++)
		if (same_listener(&c->publish[i], &p))
			return -EEXIST;
	grown = realloc(c->publish, (c->n_publish + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	grown[c->n_publish++] = p;
	c->publish = grown;
	return 0;
}

int netconf_add_dns(struct net_config *c, const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (strlen(s) >= NET_ADDR_MAX ||
	    (inet_pton(AF_INET, s, buf) != 1 && inet_pton(AF_INET6, s, buf) != 1))
		return -EINVAL;
	if (c->n_dns >= NET_MAX_DNS)
		return -E2BIG; /* the resolver reads the first three and no more */
	strcpy(c->dns[c->n_dns++], s);
	return 0;
}

const char *netconf_check(const struct net_config *c)
{
	if (c->mode == NET_VETH)
		return NULL;
	if (c->n_publish && c->mode != NET_SLIRP)
		return "publish";
	if (c->has_subnet)
		return "subnet";
	if (c->nat)
		return "nat";
	if (c->max_conns)
		return "publish-max-conns";
	return NULL;
}

/* FNV-1a: stable across runs, so a dead launch's interface name can be found again. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void netconf_host_ifname(const char *name, char ret[16])
{
	if (strlen(name) <= 12)
		(void)snprintf(ret, 16, "bx-%s", name);
	else
		(void)snprintf(ret, 16, "bx-%.4s%08x", name, name_hash(name));
}

int netconf_slot(struct in_addr net, unsigned prefix, uint32_t slot, struct in_addr *ret)
{
	/* prefix first: past 30, 30 - prefix wraps around and the shift is undefined. */
	if (prefix > 30 || slot >= (uint64_t)1 << (30 - prefix))
		return -ERANGE;
	ret->s_addr = htonl(ntohl(net.s_addr) + slot * 4);
	return 0;
}

bool netconf_overlaps(struct in_addr a, unsigned pa, struct in_addr b, unsigned pb)
{
	uint32_t m = mask_of(pa < pb ? pa : pb);

	return ((ntohl(a.s_addr) ^ ntohl(b.s_addr)) & m) == 0;
}

int netconf_free_slot(struct in_addr net, unsigned prefix, const struct net_prefix *routes,
                      size_t n, struct in_addr *ret)
{
	_cleanup_free_ uint64_t *used = NULL;
	uint32_t base, n_slots;

	if (prefix > 30)
		return -ERANGE;
	base = ntohl(net.s_addr) & mask_of(prefix);
	n_slots = (uint32_t)1 << (30 - prefix);
	used = calloc((n_slots + 63) / 64, sizeof(*used));
	if (!used)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		unsigned len = routes[i].len > 32 ? 32 : routes[i].len;
		uint32_t first, count;

		if (!netconf_overlaps(net, prefix, routes[i].addr, len))
			continue;
		if (len <= prefix)
			return -EADDRNOTAVAIL; /* the route holds the whole pool */
		first = ((ntohl(routes[i].addr.s_addr) & mask_of(len)) - base) >> 2;
		count = len >= 30 ? 1 : (uint32_t)1 << (30 - len);
		for (uint32_t s = first; s < first + count; s++)
			used[s / 64] |= (uint64_t)1 << (s % 64);
	}
	for (uint32_t w = 0; w < (n_slots + 63) / 64; w++) {
		uint32_t s;

		if (used[w] == UINT64_MAX)
			continue;
		s = w * 64 + (uint32_t)__builtin_ctzll(~used[w]);
		if (s >= n_slots)
			break;
		ret->s_addr = htonl(base + s * 4);
		return 0;
	}
	return -EADDRNOTAVAIL;
}

void netconf_resolv_path(const char *name, char *ret, size_t size)
{
	(void)snprintf(ret, size, "%s/%s/resolv.conf", STATE_ROOT, name);
}

void netconf_finish(struct net_config *c, const char *name)
{
	if (!c->max_conns)
		c->max_conns = NET_DEFAULT_MAX_CONNS;
	if (c->n_dns)
		netconf_resolv_path(name, c->resolv_conf, sizeof(c->resolv_conf));
}

void netconf_free(struct net_config *c)
{
	free(c->publish);
	c->publish = NULL;
	c->n_publish = 0;
}
