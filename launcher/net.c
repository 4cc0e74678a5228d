// SPDX-License-Identifier: MIT
/*
 * net: see net.h. Runs in launch (host network namespace, root), single
 * threaded: it enters the container's network namespace only to open one
 * netlink socket there and returns at once. Addresses are allocated under a
 * lock, and the kernel's routing table is the allocation record: a /30 is free
 * when no route overlaps it, and a container's /30 stops being a route when
 * its veth goes away, whoever made it and however it ended. What could outlive a
 * killed launch is in the container's record (state.c) before it exists.
 */
#include "net.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "nat.h"
#include "slirp.h"
#include "netlink.h"
#include "proxy.h"
#include "util.h"

#define PEER_NAME "eth0"

struct net {
	const struct launch_config *cfg;
	int (*save)(void *data); /* writes the container's record (see record()) */
	void *save_data;
	char ifname[16];
	struct in_addr addr, gateway;
	bool made_veth, nat_pending;
	struct nat_rule nat;
	struct proxy *proxy;
	struct slirp *slirp; /* --net slirp */
};

/* --- the record -------------------------------------------------------------------------- */

void net_describe(const struct net *n, struct state_net *ret)
{
	const struct net_config *nc;

	json_decref(ret->publish);
	ret->publish = NULL;
	if (!n)
		return;
	nc = &n->cfg->net;
	(void)snprintf(ret->mode, sizeof(ret->mode), "%s", netconf_mode_name(nc->mode));
	if (n->slirp) {
		/* slirp4netns's fixed plan (--configure): the container is 10.0.2.100/24. */
		(void)snprintf(ret->address, sizeof(ret->address), "10.0.2.100");
		(void)snprintf(ret->gateway, sizeof(ret->gateway), "10.0.2.2");
		ret->prefix = 24;
	} else if (n->made_veth) {
		memcpy(ret->ifname, n->ifname, sizeof(ret->ifname));
		(void)inet_ntop(AF_INET, &n->addr, ret->address, sizeof(ret->address));
		(void)inet_ntop(AF_INET, &n->gateway, ret->gateway, sizeof(ret->gateway));
		ret->prefix = 30;
		(void)snprintf(ret->nat, sizeof(ret->nat), "%s",
		               n->nat_pending ? "pending" : nat_tool_name(n->nat.tool));
	} else {
		return;
	}
	ret->publish = json_array();
	for (size_t i = 0; ret->publish && i < nc->n_publish; i++) {
		char spec[64];

		(void)snprintf(spec, sizeof(spec), "%s:%u:%u/tcp",
		               inet_ntoa(nc->publish[i].host_ip), nc->publish[i].host_port,
		               nc->publish[i].container_port);
		(void)json_array_append_new(ret->publish, json_string(spec));
	}
}

/* Has the caller write the container's record now: what it names can then be undone even
 * if launch dies the next instant. */
static int record(struct net *n)
{
	return n->save ? n->save(n->save_data) : 0;
}

void net_undo(const char *name, const struct state_net *rec)
{
	struct nat_rule rule = {.masquerade = true, .remote = true};
	_cleanup_free_ struct net_publish *publish = NULL;
	struct rtn rt = {0};
	size_t n = 0, i;
	json_t *v;

	if (rec->ifname[0] && rtn_open(&rt) == 0) {
		(void)rtn_link_delete(&rt, rec->ifname); /* usually gone with its namespace */
		rtn_close(&rt);
	}
	if (!rec->nat[0] || STREQ(rec->nat, "none") ||
	    inet_pton(AF_INET, rec->address, &rule.addr) != 1)
		return;
	(void)snprintf(rule.name, sizeof(rule.name), "%s", name);
	memcpy(rule.ifname, rec->ifname, sizeof(rule.ifname));
	/* Every rule it may have added (iptables deletes them one by one; nft, the table). */
	publish = calloc(json_array_size(rec->publish) + 1, sizeof(*publish));
	for (i = 0; publish && i < json_array_size(rec->publish); i++) {
		v = json_array_get(rec->publish, i);
		if (json_is_string(v) &&
		    netconf_parse_publish(json_string_value(v), &publish[n]) == 0)
			n++;
	}
	rule.publish = publish;
	rule.n_publish = publish ? n : 0;
	/* "pending": the launch died while adding it, with one tool or the other. */
	for (int t = NAT_NFT; t <= NAT_IPTABLES; t++) {
		rule.tool =
		    STREQ(rec->nat, "pending") ? (enum nat_tool)t : nat_tool_from_name(rec->nat);
		(void)nat_remove(&rule);
		if (!STREQ(rec->nat, "pending"))
			break;
	}
}

static int write_resolv_conf(const struct launch_config *c)
{
	const char *path = c->net.resolv_conf;
	_cleanup_close_ int fd = -1;
	char buf[512];
	int len = snprintf(buf, sizeof(buf), "# written by launch for --dns\n"), r;

	for (size_t i = 0; i < c->net.n_dns; i++)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "nameserver %s\n",
		                c->net.dns[i]);
	/* In the container's own record directory, which holds the name. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	r = fd < 0 ? -errno : write_all(fd, buf, (size_t)len);
	if (r < 0)
		return log_errno(r, "write '%s'", path);
	return 0;
}

int net_prepare(const struct launch_config *c, int (*save)(void *), void *save_data,
                struct net **ret)
{
	struct net *n;

	*ret = NULL;
	if (c->net.mode != NET_VETH && c->net.mode != NET_SLIRP && c->net.n_dns == 0)
		return 0;
	n = calloc(1, sizeof(*n));
	if (!n)
		return log_errno(-ENOMEM, "prepare the network of '%s'", c->name);
	n->cfg = c;
	n->save = save;
	n->save_data = save_data;
	*ret = n;
	return c->net.n_dns ? write_resolv_conf(c) : 0;
}

/* --- addresses and links ------------------------------------------------------------- */

/* The first /30 of the pool that overlaps no route of the host (other containers' /30s
 * are routes too, on their veths). 0, or -EADDRNOTAVAIL when the pool is full. */
static int pick_in_pool(struct in_addr pool, unsigned prefix, const struct net_prefix *routes,
                        size_t n_routes, struct in_addr *ret)
{
	int r = netconf_free_slot(pool, prefix, routes, n_routes, ret);

	return r == -ENOMEM ? log_errno(r, "allocate an address") : r;
}

static int pick_subnet(struct rtn *rt, const struct net_config *nc, struct in_addr *ret)
{
	static const char *const pools[] = NET_DEFAULT_POOLS;
	_cleanup_free_ struct net_prefix *routes = NULL;
	struct in_addr pool;
	size_t n_routes;
	unsigned prefix;
	int r = rtn_route_prefixes(rt, &routes, &n_routes);

	if (r < 0)
		return log_errno(r, "list the host's routes");
	if (nc->has_subnet) {
		r = pick_in_pool(nc->subnet, nc->prefix, routes, n_routes, ret);
		if (r == -EADDRNOTAVAIL)
			log_error("allocate an address in '%s/%u': every /30 of it overlaps a host "
			          "route",
			          inet_ntoa(nc->subnet), nc->prefix);
		return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(pools); i++) {
		(void)netconf_parse_subnet(pools[i], &pool, &prefix);
		r = pick_in_pool(pool, prefix, routes, n_routes, ret);
		if (r != -EADDRNOTAVAIL)
			return r;
	}
	log_error("allocate an address: the default ranges overlap host routes (use --subnet)");
	return -EADDRNOTAVAIL;
}

/* The host's end of the veth, before it comes up: nothing the container sends may
 * configure the host. No IPv6 on it at all (box gives containers none), so router
 * advertisements, redirects and neighbour discovery from the container are dropped on
 * arrival; should IPv6 be turned back on, it still accepts no RA, no autoconfiguration, no
 * redirect. Strict reverse-path filtering: a packet whose source the host would not route
 * back through this veth (another container's address, say) is dropped. */
static const struct {
	const char *path, *value;
	bool ipv6;
} host_side_settings[] = {
    {"/proc/sys/net/ipv6/conf/%s/accept_ra", "0", true},
    {"/proc/sys/net/ipv6/conf/%s/autoconf", "0", true},
    {"/proc/sys/net/ipv6/conf/%s/accept_redirects", "0", true},
    {"/proc/sys/net/ipv6/conf/%s/disable_ipv6", "1", true},
    {"/proc/sys/net/ipv4/conf/%s/rp_filter", "1", false},
    {"/proc/sys/net/ipv4/conf/%s/accept_redirects", "0", false},
    {"/proc/sys/net/ipv4/conf/%s/accept_source_route", "0", false},
};

static int harden_host_side(const char *ifname)
{
	char path[128];

	for (size_t i = 0; i < ARRAY_SIZE(host_side_settings); i++) {
		int r;

		(void)snprintf(path, sizeof(path), host_side_settings[i].path, ifname);
		r = write_file(path, host_side_settings[i].value);
		/* A kernel without IPv6 has nothing to configure there. */
		if (r == -ENOENT && host_side_settings[i].ipv6)
			continue;
		if (r < 0)
			return log_errno(r, "write '%s' to '%s'", host_side_settings[i].value,
			                 path);
	}
	return 0;
}

/* The host side: made, hardened, addressed and up, so its /30 is a route before the lock
 * goes. */
static int make_host_side(struct net *n, struct rtn *rt, int netns_fd)
{
	unsigned index;
	int r = rtn_veth_create(rt, n->ifname, PEER_NAME, netns_fd);

	if (r == -EEXIST) {
		/* We hold the name's lock: an interface of that name is a dead launch's. */
		(void)rtn_link_delete(rt, n->ifname);
		r = rtn_veth_create(rt, n->ifname, PEER_NAME, netns_fd);
	}
	if (r < 0)
		return log_errno(r, "create veth '%s'", n->ifname);
	n->made_veth = true;
	r = harden_host_side(n->ifname);
	if (r < 0)
		return r;
	r = rtn_link_index(rt, n->ifname, &index);
	if (r == 0)
		r = rtn_addr_add(rt, index, n->gateway, 30);
	if (r == 0)
		r = rtn_link_up(rt, index);
	if (r < 0)
		return log_errno(r, "configure '%s' with '%s/30'", n->ifname,
		                 inet_ntoa(n->gateway));
	return 0;
}

static int host_side(struct net *n, int netns_fd)
{
	_cleanup_close_ int lock = -1;
	struct rtn rt = {0};
	struct in_addr net;
	/* Held from reading the routes until ours is one of them: two launches never pick the
	 * same /30. The records' directory is the lock (no file of its own to leave behind);
	 * released by the close. */
	int r = state_root_lock(&lock);

	if (r < 0)
		return r;
	r = rtn_open(&rt);
	if (r < 0)
		return log_errno(r, "open a netlink socket");
	r = pick_subnet(&rt, &n->cfg->net, &net);
	if (r == 0) {
		n->gateway.s_addr = htonl(ntohl(net.s_addr) + 1);
		n->addr.s_addr = htonl(ntohl(net.s_addr) + 2);
		r = make_host_side(n, &rt, netns_fd);
	}
	rtn_close(&rt);
	return r;
}

struct rtn_in {
	int netns_fd;
	struct rtn *rt;
	int r;
};

static void *rtn_in_thread(void *data)
{
	struct rtn_in *a = data;

	a->r = setns(a->netns_fd, CLONE_NEWNET) < 0 ? -errno : rtn_open(a->rt);
	return NULL; /* the thread ends in the container's namespace: nothing else ever was */
}

/* A netlink socket acts in the namespace it was made in. It is made by a thread of its own
 * that enters the container's (setns acts on one thread) and ends there: launch itself
 * never leaves the host's network, so no failure to come back can leave it acting on the
 * container's. */
static int open_rtn_in(int netns_fd, struct rtn *ret)
{
	struct rtn_in a = {.netns_fd = netns_fd, .rt = ret};
	pthread_t t;
	int r = pthread_create(&t, NULL, rtn_in_thread, &a);

	if (r != 0)
		return -r;
	r = pthread_join(t, NULL);
	return r != 0 ? -r : a.r;
}

static int container_side(const struct net *n, int netns_fd)
{
	struct rtn rt = {0};
	unsigned index;
	int r = open_rtn_in(netns_fd, &rt);

	if (r < 0)
		return log_errno(r, "open a netlink socket in the container");
	r = rtn_link_index(&rt, PEER_NAME, &index);
	if (r == 0)
		r = rtn_addr_add(&rt, index, n->addr, 30);
	if (r == 0)
		r = rtn_link_up(&rt, index);
	if (r == 0)
		r = rtn_route_add_default(&rt, index, n->gateway);
	rtn_close(&rt);
	if (r < 0)
		return log_errno(r, "configure '%s' in the container with '%s/30'", PEER_NAME,
		                 inet_ntoa(n->addr));
	return 0;
}

static int setup_veth(struct net *n, int netns_fd)
{
	char gw[INET_ADDRSTRLEN];
	int r;

	netconf_host_ifname(n->cfg->name, n->ifname);
	r = host_side(n, netns_fd);
	if (r == 0)
		r = container_side(n, netns_fd);
	if (r < 0)
		return r;
	(void)inet_ntop(AF_INET, &n->gateway, gw, sizeof(gw));
	log_debug("container '%s': address %s/30 on eth0, gateway %s on '%s'", n->cfg->name,
	          inet_ntoa(n->addr), gw, n->ifname);
	return 0;
}

/* slirp4netns for the container whose first process is pid; its socket in the record. */
static int setup_slirp(struct net *n, pid_t pid)
{
	char api[PATH_MAX];

	(void)snprintf(api, sizeof(api), "%s/%s/slirp.sock", STATE_ROOT, n->cfg->name);
	return slirp_start(&n->cfg->net, api, pid, &n->slirp);
}

int net_setup(struct net *n, uv_loop_t *loop, int netns_fd, pid_t pid)
{
	const struct net_config *nc;
	int r;

	if (n && n->cfg->net.mode == NET_SLIRP) {
		r = setup_slirp(n, pid);
		return r < 0 ? r : record(n);
	}
	if (!n || n->cfg->net.mode != NET_VETH)
		return 0;
	nc = &n->cfg->net;
	r = setup_veth(n, netns_fd);
	memcpy(n->nat.name, n->cfg->name, strlen(n->cfg->name) + 1);
	memcpy(n->nat.ifname, n->ifname, sizeof(n->ifname));
	n->nat.addr = n->addr;
	n->nat.masquerade = nc->nat;
	n->nat.publish = nc->publish;
	n->nat.n_publish = nc->n_publish;
	n->nat.remote = nat_host_forwards();
	if (r == 0 && nat_wanted(&n->nat)) {
		/* Recorded first: a launch killed while adding it still has it removed. */
		n->nat_pending = true;
		r = record(n);
		if (r == 0) {
			r = nat_add(&n->nat);
			if (r < 0 && !nc->nat)
				r = 0; /* the proxy serves the ports (nat_add said why) */
		}
		n->nat_pending = false;
	}
	if (r == 0 && nc->n_publish)
		r = proxy_start(loop, nc->publish, nc->n_publish, nc->max_conns, n->addr,
		                &n->proxy);
	if (r == 0)
		r = record(n);
	return r;
}

void net_destroy(struct net *n)
{
	struct rtn rt = {0};
	int r;

	if (!n)
		return;
	proxy_stop(steal_ptr(&n->proxy));
	slirp_stop(steal_ptr(&n->slirp));
	(void)nat_remove(&n->nat);
	if (n->made_veth && rtn_open(&rt) == 0) {
		/* Usually gone already: the pair dies with the container's namespace. */
		r = rtn_link_delete(&rt, n->ifname);
		if (r < 0 && r != -ENODEV)
			log_warn_errno(r, "delete veth '%s'", n->ifname);
		rtn_close(&rt);
	}
	if (n->cfg->net.n_dns)
		(void)unlink(n->cfg->net.resolv_conf);
	free(n);
}
