// SPDX-License-Identifier: MIT
/*
 * net: see net.h. Runs in launch (host network namespace, root), single
 * threaded: it enters the container's network namespace only to open one
 * netlink socket there and returns at once. Addresses are allocated under a
 * lock, and the kernel's routing table is the allocation record: a /30 is free
 * when no route overlaps it, and a container's /30 stops being a route when
 * its veth goes away, whoever made it and however it ended.
 */
#include "net.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "nat.h"
#include "netlink.h"
#include "proxy.h"
#include "util.h"

#define ALLOC_LOCK NET_RUN_DIR "/.alloc.lock"
#define PEER_NAME  "eth0"

struct net {
	const struct launch_config *cfg;
	char state_path[sizeof(NET_RUN_DIR) + CONFIG_NAME_MAX + 8];
	int state_fd; /* flock'ed for the life of launch: the name's network lock */
	char ifname[16];
	struct in_addr addr, gateway;
	bool made_veth, nat_pending;
	struct nat_rule nat;
	struct proxy *proxy;
};

/* --- state files and their locks ---------------------------------------------------- */

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The holder unlinks the file before it closes it, so a lock taken on an inode that is
 * no longer at path protects nothing: then start over. -EBUSY: held by a live launch. */
static int state_lock(const char *path, bool create, int *ret_fd)
{
	for (int i = 0; i < 100; i++) {
		_cleanup_close_ int fd =
		    open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | (create ? O_CREAT : 0),
		         0644);
		struct stat a, b;

		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0)
			return errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (fstat(fd, &a) < 0)
			return -errno;
		if (stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			*ret_fd = steal_fd(&fd);
			return 0;
		}
		if (!create)
			return -ENOENT;
	}
	return -EBUSY;
}

/* The value of "key":"value" in a state file; names and addresses need no escaping. */
static bool json_get(const char *json, const char *key, char *ret, size_t size)
{
	char pat[32];
	const char *p, *end;

	(void)snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	p = strstr(json, pat);
	if (!p)
		return false;
	p += strlen(pat);
	end = strchr(p, '"');
	if (!end || (size_t)(end - p) >= size)
		return false;
	memcpy(ret, p, (size_t)(end - p));
	ret[end - p] = '\0';
	return true;
}

/* Undoes what the state in fd records: a dead launch's, or one that died under our name. */
static void undo_recorded(int fd)
{
	char buf[4096], name[80] = "", ifname[16] = "", nat[16] = "", addr[INET_ADDRSTRLEN] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	struct nat_rule rule = {0};
	struct rtn rt = {0};

	if (n <= 0)
		return;
	buf[n] = '\0';
	if (!json_get(buf, "name", name, sizeof(name)))
		return;
	log_debug("net: undoing what a dead launch left for '%s'", name);
	if (json_get(buf, "ifname", ifname, sizeof(ifname)) && rtn_open(&rt) == 0) {
		(void)rtn_link_delete(&rt, ifname); /* usually gone with its namespace */
		rtn_close(&rt);
	}
	if (json_get(buf, "nat", nat, sizeof(nat)) &&
	    json_get(buf, "address", addr, sizeof(addr)) &&
	    inet_pton(AF_INET, addr, &rule.addr) == 1) {
		memcpy(rule.name, name, sizeof(rule.name));
		memcpy(rule.ifname, ifname, sizeof(rule.ifname));
		/* "pending": the launch died while adding it, with one tool or the other. */
		for (int t = NAT_NFT; t <= NAT_IPTABLES; t++) {
			rule.tool =
			    STREQ(nat, "pending") ? (enum nat_tool)t : nat_tool_from_name(nat);
			(void)nat_remove(&rule);
			if (!STREQ(nat, "pending"))
				break;
		}
	}
	netconf_resolv_path(name, buf, sizeof(buf));
	(void)unlink(buf);
}

static void reap_one(const char *file)
{
	char path[512];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/%s", NET_RUN_DIR, file);
	if (state_lock(path, false, &fd) < 0)
		return; /* alive, or already reaped */
	undo_recorded(fd);
	(void)unlink(path);
	(void)safe_close(fd);
}

/* State files nobody holds were left by launches that died without their teardown. */
static void reap_stale(void)
{
	_cleanup_closedir_ DIR *d = opendir(NET_RUN_DIR);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] != '.' && len > 5 && STREQ(de->d_name + len - 5, ".json"))
			reap_one(de->d_name);
	}
}

static int write_state(const struct net *n)
{
	const struct net_config *nc = &n->cfg->net;
	char buf[4096], gw[INET_ADDRSTRLEN] = "", addr[INET_ADDRSTRLEN] = "";
	int len;

	(void)inet_ntop(AF_INET, &n->addr, addr, sizeof(addr));
	(void)inet_ntop(AF_INET, &n->gateway, gw, sizeof(gw));
	len = snprintf(buf, sizeof(buf), "{\"name\":\"%s\",\"launch_pid\":%d,\"net\":\"%s\"",
	               n->cfg->name, (int)getpid(), netconf_mode_name(nc->mode));
	if (n->made_veth)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len,
		                ",\"ifname\":\"%s\",\"address\":\"%s\",\"prefix\":30,"
		                "\"gateway\":\"%s\",\"nat\":\"%s\"",
		                n->ifname, addr, gw,
		                n->nat_pending ? "pending" : nat_tool_name(n->nat.tool));
	for (size_t i = 0; i < nc->n_publish && len < 3900; i++)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "%s\"%s:%u:%u/tcp\"",
		                i ? "," : ",\"publish\":[", inet_ntoa(nc->publish[i].host_ip),
		                nc->publish[i].host_port, nc->publish[i].container_port);
	len += snprintf(buf + len, sizeof(buf) - (size_t)len, "%s}\n", nc->n_publish ? "]" : "");
	if (ftruncate(n->state_fd, 0) < 0 || pwrite(n->state_fd, buf, (size_t)len, 0) != len)
		return log_errno(-errno, "write '%s'", n->state_path);
	return 0;
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
	/* Under the name's lock: a file of that name is a dead launch's, rewritten whole. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	r = fd < 0 ? -errno : write_all(fd, buf, (size_t)len);
	if (r < 0)
		return log_errno(r, "write '%s'", path);
	return 0;
}

static int take_name(struct net *n)
{
	int r = -EBUSY;

	(void)snprintf(n->state_path, sizeof(n->state_path), "%s/%s.json", NET_RUN_DIR,
	               n->cfg->name);
	/* A reaper holds a dead launch's file only for a moment. */
	for (int i = 0; i < 10 && r == -EBUSY; i++) {
		if (i)
			sleep_ms(20);
		r = state_lock(n->state_path, true, &n->state_fd);
	}
	if (r == -EBUSY)
		log_error("name '%s' is already in use", n->cfg->name);
	else if (r < 0)
		return log_errno(r, "lock '%s'", n->state_path);
	if (r == 0)
		undo_recorded(n->state_fd);
	return r;
}

static int make_run_dir(void)
{
	if (mkdir("/run/box", 0755) < 0 && errno != EEXIST)
		return log_errno(-errno, "create '/run/box'");
	if (mkdir(NET_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return log_errno(-errno, "create '%s'", NET_RUN_DIR);
	return 0;
}

int net_prepare(const struct launch_config *c, struct net **ret)
{
	struct net *n;
	int r;

	*ret = NULL;
	reap_stale();
	if (c->net.mode != NET_VETH && c->net.n_dns == 0)
		return 0;
	r = make_run_dir();
	if (r < 0)
		return r;
	n = calloc(1, sizeof(*n));
	if (!n)
		return log_errno(-ENOMEM, "prepare the network of '%s'", c->name);
	n->cfg = c;
	n->state_fd = -1;
	*ret = n;
	r = take_name(n);
	if (r == 0 && c->net.n_dns)
		r = write_resolv_conf(c);
	if (r == 0)
		r = write_state(n);
	return r;
}

/* --- addresses and links ------------------------------------------------------------- */

static bool slot_is_free(struct in_addr cand, const struct rtn_prefix *routes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (netconf_overlaps(cand, 30, routes[i].addr, routes[i].len))
			return false;
	return true;
}

/* The first /30 of the pool that overlaps no route of the host (other containers' /30s
 * are routes too, on their veths). 0, or -EADDRNOTAVAIL when the pool is full. */
static int pick_in_pool(struct in_addr pool, unsigned prefix, const struct rtn_prefix *routes,
                        size_t n_routes, struct in_addr *ret)
{
	struct in_addr cand;

	for (uint32_t slot = 0; netconf_slot(pool, prefix, slot, &cand) == 0; slot++)
		if (slot_is_free(cand, routes, n_routes)) {
			*ret = cand;
			return 0;
		}
	return -EADDRNOTAVAIL;
}

static int pick_subnet(struct rtn *rt, const struct net_config *nc, struct in_addr *ret)
{
	static const char *const pools[] = NET_DEFAULT_POOLS;
	_cleanup_free_ struct rtn_prefix *routes = NULL;
	struct in_addr pool;
	size_t n_routes;
	unsigned prefix;
	int r = rtn_route_prefixes(rt, &routes, &n_routes);

	if (r < 0)
		return log_errno(r, "list the host's routes");
	if (nc->has_subnet) {
		r = pick_in_pool(nc->subnet, nc->prefix, routes, n_routes, ret);
		if (r < 0)
			log_error("allocate an address in '%s/%u': every /30 of it overlaps a host "
			          "route",
			          inet_ntoa(nc->subnet), nc->prefix);
		return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(pools); i++) {
		(void)netconf_parse_subnet(pools[i], &pool, &prefix);
		if (pick_in_pool(pool, prefix, routes, n_routes, ret) == 0)
			return 0;
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
	_cleanup_close_ int lock =
	    open(ALLOC_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	struct rtn rt = {0};
	struct in_addr net;
	int r;

	if (lock < 0)
		return log_errno(-errno, "open '%s'", ALLOC_LOCK);
	/* Held from reading the routes until ours is one of them: two launches never pick the
	 * same /30. Released by the close. */
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			return log_errno(-errno, "lock '%s'", ALLOC_LOCK);
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

/* A netlink socket acts in the namespace it was made in: make one in the container's,
 * then come straight back (launch's other sockets belong to the host). */
static int open_rtn_in(int netns_fd, struct rtn *ret)
{
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (self < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return -errno;
	r = rtn_open(ret);
	if (setns(self, CLONE_NEWNET) < 0) {
		r = -errno;
		log_error("return to the host's network namespace: %s", strerror(errno));
		abort(); /* every later step would act on the container's network */
	}
	return r;
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

int net_setup(struct net *n, uv_loop_t *loop, int netns_fd)
{
	const struct net_config *nc;
	int r;

	if (!n || n->cfg->net.mode != NET_VETH)
		return 0;
	nc = &n->cfg->net;
	r = setup_veth(n, netns_fd);
	if (r == 0 && nc->nat) {
		memcpy(n->nat.name, n->cfg->name, strlen(n->cfg->name) + 1);
		memcpy(n->nat.ifname, n->ifname, sizeof(n->ifname));
		n->nat.addr = n->addr;
		/* Recorded first: a launch killed while adding it still has it removed. */
		n->nat_pending = true;
		r = write_state(n);
		if (r == 0)
			r = nat_add(&n->nat);
		n->nat_pending = false;
	}
	if (r == 0 && nc->n_publish)
		r = proxy_start(loop, nc->publish, nc->n_publish, nc->max_conns, n->addr,
		                &n->proxy);
	if (r == 0)
		r = write_state(n);
	return r;
}

void net_destroy(struct net *n)
{
	struct rtn rt = {0};
	int r;

	if (!n)
		return;
	proxy_stop(steal_ptr(&n->proxy));
	(void)nat_remove(&n->nat);
	if (n->made_veth && rtn_open(&rt) == 0) {
		/* Usually gone already: the pair dies with the container's namespace. */
		r = rtn_link_delete(&rt, n->ifname);
		if (r < 0 && r != -ENODEV)
			log_warn("delete veth '%s': %s", n->ifname, strerror(-r));
		rtn_close(&rt);
	}
	if (n->cfg->net.n_dns)
		(void)unlink(n->cfg->net.resolv_conf);
	if (n->state_fd >= 0) {
		/* Unlinked while still locked: see state_lock(). */
		(void)unlink(n->state_path);
		(void)safe_close(n->state_fd);
	}
	free(n);
}
