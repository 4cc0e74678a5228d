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

static void nft_table(const struct nat_rule *r, char ret[96])
{
	(void)snprintf(ret, 96, "box-%s", r->name);
}

/* One nft transaction: the table, its chain and the rule appear together or not at all. */
static int nft_add(const struct nat_rule *r, char *err, size_t err_size)
{
	char tool[64], table[96], ip[INET_ADDRSTRLEN], script[512];
	char *argv[] = {tool, script, NULL};

	if (find_tool("nft", tool) < 0)
		return -ENOENT;
	nft_table(r, table);
	(void)inet_ntop(AF_INET, &r->addr, ip, sizeof(ip));
	(void)snprintf(
	    script, sizeof(script),
	    "add table ip %s\n"
	    "add chain ip %s postrouting { type nat hook postrouting priority srcnat; }\n"
	    "add rule ip %s postrouting ip saddr %s oifname != \"%s\" masquerade\n",
	    table, table, table, ip, r->ifname);
	return run_tool(argv, err, err_size);
}

static int iptables_rule(const struct nat_rule *r, const char *op, char *err, size_t err_size)
{
	char tool[64], src[INET_ADDRSTRLEN + 3], comment[96];
	char *argv[] = {tool,      "-w",        "-t",    "nat", (char *)op,        "POSTROUTING",
	                "-s",      src,         "!",     "-o",  (char *)r->ifname, "-m",
	                "comment", "--comment", comment, "-j",  "MASQUERADE",      NULL};

	if (find_tool("iptables", tool) < 0)
		return -ENOENT;
	(void)inet_ntop(AF_INET, &r->addr, src, INET_ADDRSTRLEN);
	strcat(src, "/32");
	(void)snprintf(comment, sizeof(comment), "box:%s", r->name);
	return run_tool(argv, err, err_size);
}

int nat_add(struct nat_rule *r)
{
	char err[256] = "";
	int ret = nft_add(r, err, sizeof(err));

	r->tool = NAT_NFT;
	if (ret == -ENOENT) {
		r->tool = NAT_IPTABLES;
		ret = iptables_rule(r, "-A", err, sizeof(err));
	}
	if (ret == -ENOENT) {
		r->tool = NAT_NONE;
		log_error("--nat: neither nft nor iptables is installed: masquerade '%s' yourself, "
		          "or install nftables",
		          inet_ntoa(r->addr));
		return ret;
	}
	if (ret < 0) {
		r->tool = NAT_NONE;
		log_error("--nat: add the masquerade rule for '%s': %s", r->name,
		          err[0] ? err : strerror(-ret));
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
		ret = iptables_rule(r, "-D", err, sizeof(err));
		break;
	default:
		return 0;
	}
	/* Gone already (a reaper was first): nothing to say. */
	if (ret < 0 && !strstr(err, "No such file") && !strstr(err, "does a matching rule exist"))
		log_warn("--nat: remove the masquerade rule of '%s': %s", r->name,
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
