// SPDX-License-Identifier: MIT
/*
 * nat: see nat.h. Runs in launch (host, root) before GO and at teardown, and
 * waits for the tool synchronously: it is never part of the event loop. The
 * tool gets a clean signal mask and SIGPIPE's default, and only stderr is
 * kept, for a one-line message. (fork, not posix_spawn: init/spawn.h shadows
 * <spawn.h> on the include path.)
 */
#include "nat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "waiter.h"

extern char **environ;

/* Root's tools from the system only: PATH is the caller's and may point anywhere. */
static int find_tool(const char *tool, char ret[64])
{
	static const char *const dirs[] = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		(void)snprintf(ret, 64, "%s/%s", dirs[i], tool);
		if (access(ret, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Child side of run_tool: a clean signal state, stdin/stdout on /dev/null. */
_noreturn_ static void exec_tool(char *const argv[], int errfd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t none;

	sigemptyset(&none);
	(void)signal(SIGPIPE, SIG_DFL);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(errfd, 2) < 0)
		_exit(127);
	execve(argv[0], argv, environ);
	_exit(127);
}

/* Runs argv; 0 when it exits 0, else -EIO with its first stderr line in err. */
static int run_tool(char *const argv[], char *err, size_t err_size)
{
	_cleanup_close_ int rd = -1;
	int status, r;
	ssize_t n;
	pid_t pid;

	pid = fork_with_pipe(&rd);
	if (pid < 0)
		return pid;
	if (pid == 0)
		exec_tool(argv, steal_fd(&rd));
	n = read_all(rd, err, err_size - 1);
	err[n > 0 ? n : 0] = '\0';
	err[strcspn(err, "\n")] = '\0';
	r = waiter_wait(pid, &status);
	if (r < 0)
		return r;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

bool nat_forwards(const struct net_publish *p)
{
	return (ntohl(p->host_ip.s_addr) >> 24) != 127;
}

bool nat_wanted(const struct nat_rule *r)
{
	for (size_t i = 0; i < r->n_publish; i++)
		if (nat_forwards(&r->publish[i]))
			return true;
	return r->masquerade;
}

bool nat_host_forwards(void)
{
	char buf[8];

	return read_file("/proc/sys/net/ipv4/ip_forward", buf, sizeof(buf)) >= 0 && buf[0] == '1';
}

static void nft_table(const struct nat_rule *r, char ret[96])
{
	(void)snprintf(ret, 96, "box-%s", r->name);
}

/* "ip daddr H" for one address; for 0.0.0.0 any of the host's own but loopback. */
static void nft_daddr(const struct net_publish *p, char ret[96])
{
	if (p->host_ip.s_addr == htonl(INADDR_ANY))
		(void)snprintf(ret, 96, "ip daddr != 127.0.0.0/8 fib daddr type local");
	else
		(void)snprintf(ret, 96, "ip daddr %s", inet_ntoa(p->host_ip));
}

char *nat_nft_script(const struct nat_rule *r)
{
	char table[96], ip[INET_ADDRSTRLEN], daddr[96];
	bool dnat = false;
	char *script = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&script, &size);

	if (!f)
		return NULL;
	nft_table(r, table);
	(void)inet_ntop(AF_INET, &r->addr, ip, sizeof(ip));
	(void)fprintf(f, "add table ip %s\n", table);
	if (r->masquerade)
		(void)fprintf(
		    f,
		    "add chain ip %s postrouting { type nat hook postrouting priority srcnat; }\n"
		    "add rule ip %s postrouting ip saddr %s oifname != \"%s\" masquerade\n",
		    table, table, ip, r->ifname);
	for (size_t i = 0; i < r->n_publish; i++) {
		const struct net_publish *p = &r->publish[i];

		if (!nat_forwards(p))
			continue;
		if (!dnat) {
			/* nft 1.0.6 knows "dstnat" at prerouting only: -100 is its value. The
			 * guard is a nat chain too, run once a connection (its first packet), not
			 * for every packet the host sends: a filter chain a container would tax all
			 * of the host's traffic, 500 of them to a quarter of its rate. -100 puts it
			 * well before the srcnat chains (100, where iptables, --nat and most
			 * firewalls masquerade): the first chain that gives a connection its
			 * source ends the walk, and the guard must have run by then. */
			(void)fprintf(
			    f,
			    "add chain ip %s output { type nat hook output priority -100; }\n"
			    "add chain ip %s guard { type nat hook postrouting priority -100; }\n",
			    table, table);
			if (r->remote)
				(void)fprintf(
				    f,
				    "add chain ip %s prerouting { type nat hook prerouting "
				    "priority dstnat; }\n",
				    table);
			dnat = true;
		}
		nft_daddr(p, daddr);
		(void)fprintf(f, "add rule ip %s output %s tcp dport %u dnat to %s:%u\n", table,
		              daddr, p->host_port, ip, p->container_port);
		/* Not from the container itself: it reaches its own port through the proxy. */
		if (r->remote)
			(void)fprintf(
			    f,
			    "add rule ip %s prerouting iifname != \"%s\" %s tcp dport %u dnat "
			    "to %s:%u\n",
			    table, r->ifname, daddr, p->host_port, ip, p->container_port);
		(void)fprintf(
		    f,
		    "add rule ip %s guard ip daddr %s tcp dport %u ct status dnat ct original "
		    "proto-dst %u oifname != \"%s\" drop\n",
		    table, ip, p->container_port, p->host_port, r->ifname);
	}
	if (fclose(f) != 0) {
		free(script);
		return NULL;
	}
	return script;
}

/* One nft transaction: the table, its chains and rules appear together or not at all. */
static int nft_add(const struct nat_rule *r, char *err, size_t err_size)
{
	char tool[64];
	_cleanup_free_ char *script = NULL;
	char *argv[] = {tool, NULL, NULL};

	if (find_tool("nft", tool) < 0)
		return -ENOENT;
	script = nat_nft_script(r);
	if (!script)
		return -ENOMEM;
	argv[1] = script;
	return run_tool(argv, err, err_size);
}

/* iptables has no transaction: r's rules as lines of words, added (or deleted) one at a
 * time, each commented "box:NAME". No word holds a space: names, interfaces, addresses and
 * numbers. Returns the number of lines (at most max). */
static size_t iptables_lines(const struct nat_rule *r, const char *op, char (*lines)[320],
                             size_t max)
{
	char ip[INET_ADDRSTRLEN], match[128];
	bool del = STREQ(op, "-D");
	size_t n = 0;

	(void)inet_ntop(AF_INET, &r->addr, ip, sizeof(ip));
	if (r->masquerade && n < max)
		(void)snprintf(lines[n++], sizeof(*lines),
		               "-t nat %s POSTROUTING -s %s/32 ! -o %s -m comment --comment box:%s "
		               "-j MASQUERADE",
		               op, ip, r->ifname, r->name);
	for (size_t i = 0; i < r->n_publish && n + 3 <= max; i++) {
		const struct net_publish *p = &r->publish[i];

		if (!nat_forwards(p))
			continue;
		if (p->host_ip.s_addr == htonl(INADDR_ANY))
			(void)snprintf(
			    match, sizeof(match),
			    "! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -p tcp --dport %u",
			    p->host_port);
		else
			(void)snprintf(match, sizeof(match), "-d %s/32 -p tcp --dport %u",
			               inet_ntoa(p->host_ip), p->host_port);
		(void)snprintf(lines[n++], sizeof(*lines),
		               "-t nat %s OUTPUT %s -m comment --comment box:%s -j DNAT "
		               "--to-destination %s:%u",
		               op, match, r->name, ip, p->container_port);
		/* On -D tried either way: the record does not say whether it was added. */
		if (r->remote || del)
			(void)snprintf(
			    lines[n++], sizeof(*lines),
			    "-t nat %s PREROUTING ! -i %s %s -m comment --comment box:%s "
			    "-j DNAT --to-destination %s:%u",
			    op, r->ifname, match, r->name, ip, p->container_port);
		(void)snprintf(
		    lines[n++], sizeof(*lines),
		    "-t mangle %s POSTROUTING -d %s/32 -p tcp --dport %u -m conntrack "
		    "--ctstate DNAT --ctorigdstport %u ! -o %s -m comment --comment box:%s "
		    "-j DROP",
		    op, ip, p->container_port, p->host_port, r->ifname, r->name);
	}
	return n;
}

/* op -A: stops at the first failure. op -D: tries every rule; a missing one is no error. */
static int iptables_rules(const struct nat_rule *r, const char *op, char *err, size_t err_size)
{
	char tool[64], (*lines)[320];
	size_t max = 1 + 3 * r->n_publish, n;
	int ret = 0;

	if (find_tool("iptables", tool) < 0)
		return -ENOENT;
	lines = calloc(max, sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	n = iptables_lines(r, op, lines, max);
	for (size_t i = 0; i < n; i++) {
		char *argv[40] = {tool, "-w"}, *save = NULL, *w;
		size_t argc = 2;
		int k;

		for (w = strtok_r(lines[i], " ", &save); w && argc < ARRAY_SIZE(argv) - 1;
		     w = strtok_r(NULL, " ", &save))
			argv[argc++] = w;
		k = run_tool(argv, err, err_size);
		if (k < 0 && STREQ(op, "-D") && strstr(err, "does a matching rule exist"))
			continue;
		if (k < 0 && ret == 0)
			ret = k;
		if (ret < 0 && STREQ(op, "-A"))
			break;
	}
	free(lines);
	return ret;
}

int nat_add(struct nat_rule *r)
{
	char err[256] = "";
	int ret = nft_add(r, err, sizeof(err));

	r->tool = NAT_NFT;
	if (ret == -ENOENT) {
		r->tool = NAT_IPTABLES;
		ret = iptables_rules(r, "-A", err, sizeof(err));
		if (ret < 0 && ret != -ENOENT) {
			char ignored[256];

			(void)iptables_rules(r, "-D", ignored, sizeof(ignored));
		}
	}
	if (ret == -ENOENT) {
		r->tool = NAT_NONE;
		if (r->masquerade)
			log_error("--nat: neither nft nor iptables is installed: masquerade '%s' "
			          "yourself, or install nftables",
			          inet_ntoa(r->addr));
		else
			log_debug("neither nft nor iptables: the proxy serves the ports of '%s'",
			          r->name);
		return ret;
	}
	if (ret < 0) {
		r->tool = NAT_NONE;
		if (r->masquerade)
			log_error("--nat: add the rules of '%s': %s", r->name,
			          err[0] ? err : strerror(-ret));
		else
			log_warn("forward the published ports of '%s' in the kernel: %s (the proxy "
			         "serves them)",
			         r->name, err[0] ? err : strerror(-ret));
	}
	return ret;
}

int nat_remove(const struct nat_rule *r)
{
	char tool[64], table[96], err[256] = "";
	char *argv[] = {tool, "delete", "table", "ip", table, NULL};
	int ret;

	switch (r->tool) {
	case NAT_NFT:
		if (find_tool("nft", tool) < 0)
			return -ENOENT;
		nft_table(r, table);
		ret = run_tool(argv, err, sizeof(err));
		break;
	case NAT_IPTABLES:
		ret = iptables_rules(r, "-D", err, sizeof(err));
		break;
	default:
		return 0;
	}
	/* Gone already (a reaper was first): nothing to say. */
	if (ret < 0 && !strstr(err, "No such file") && !strstr(err, "does a matching rule exist"))
		log_warn("remove the kernel's rules of '%s': %s", r->name,
		         err[0] ? err : strerror(-ret));
	return ret;
}

const char *nat_tool_name(enum nat_tool t)
{
	return t == NAT_NFT ? "nft" : t == NAT_IPTABLES ? "iptables" : "none";
}

enum nat_tool nat_tool_from_name(const char *s)
{
	return STREQ(s, "nft") ? NAT_NFT : STREQ(s, "iptables") ? NAT_IPTABLES : NAT_NONE;
}
