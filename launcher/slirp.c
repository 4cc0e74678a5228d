// SPDX-License-Identifier: MIT
/*
 * slirp: see slirp.h. slirp4netns joins the container's namespaces by its pid (user
 * namespace first), makes tap0 there and says so on the ready descriptor; it ends when the
 * exit descriptor's other end closes, so a launch killed by SIGKILL takes it along. Its
 * chatter on stdout goes to /dev/null. Its stderr, which also carries chatter (every API
 * request is echoed there), goes to a memfd: launch quotes its last line when slirp4netns
 * fails to start, and empties it once the network is up.
 */
#include "slirp.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "log.h"
#include "util.h"
#include "waiter.h"

#define SLIRP_BIN      "slirp4netns"
#define SLIRP_READY_MS 10000
#define SLIRP_API_MS   5000

struct slirp {
	pid_t pid;
	int exit_fd; /* closing it ends slirp4netns */
	int err_fd;  /* its stderr, until it is up */
	char api[108];
};

/* In the forked child (only async-signal-safe calls): ready and exit descriptors on 3 and 4,
 * stdout on /dev/null, stderr on err (/dev/null too without one). */
static _Noreturn void exec_slirp(char *pid, int ready, int exit_r, int err, const char *api)
{
	char *argv[16];
	int n = 0, null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	/* Out of 3 and 4's way first: either may be one of them. */
	ready = fcntl(ready, F_DUPFD_CLOEXEC, 10);
	exit_r = fcntl(exit_r, F_DUPFD_CLOEXEC, 10);
	if (null < 0 || ready < 0 || exit_r < 0 || dup2(null, 1) < 0 ||
	    dup2(err >= 0 ? err : null, 2) < 0 || dup2(ready, 3) < 0 || dup2(exit_r, 4) < 0)
		_exit(125);
	argv[n++] = SLIRP_BIN;
	argv[n++] = "--configure";
	argv[n++] = "--mtu=65520";
	/* The host's own 127.0.0.1 stays out of the container's reach. */
	argv[n++] = "--disable-host-loopback";
	argv[n++] = "--enable-sandbox";
	argv[n++] = "--enable-seccomp";
	argv[n++] = "--ready-fd=3";
	argv[n++] = "--exit-fd=4";
	argv[n++] = "--api-socket";
	argv[n++] = (char *)api;
	argv[n++] = pid;
	argv[n++] = "tap0";
	argv[n] = NULL;
	execvp(SLIRP_BIN, argv);
	_exit(errno == ENOENT ? 127 : 126);
}

/* The last line slirp4netns wrote on its stderr, "" without one. */
static void last_err_line(const struct slirp *s, char ret[static 256])
{
	char buf[4096];
	off_t size = s->err_fd >= 0 ? lseek(s->err_fd, 0, SEEK_END) : -1, from = 0;
	ssize_t n = -1;
	char *line;

	ret[0] = '\0';
	if (size > (off_t)sizeof(buf) - 1)
		from = size - (off_t)sizeof(buf) + 1;
	if (size > 0)
		n = pread(s->err_fd, buf, sizeof(buf) - 1, from);
	if (n <= 0)
		return;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	line = strrchr(buf, '\n');
	(void)snprintf(ret, 256, "%.255s", line ? line + 1 : buf);
}

/* Waits for "1" on ready, or for slirp4netns's end. */
static int wait_ready(struct slirp *s, int ready)
{
	struct pollfd p = {.fd = ready, .events = POLLIN};
	char c = 0, why[256];
	int status, r;

	do
		r = poll(&p, 1, SLIRP_READY_MS);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return log_errno(-ETIMEDOUT, "wait for %s", SLIRP_BIN);
	if (read(ready, &c, 1) == 1 && c == '1')
		return 0;
	/* EOF: it ended before it was ready. */
	if (waiter_wait(s->pid, &status) == 0) {
		s->pid = 0;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
			log_error(
			    "use --net slirp: %s is not installed (Debian package slirp4netns)",
			    SLIRP_BIN);
			return -ENOENT;
		}
		last_err_line(s, why);
		log_error("%s failed before the network was up (status %d)%s%s", SLIRP_BIN,
		          status_to_exit_code(status), why[0] ? ": " : "", why);
		return -EIO;
	}
	return log_errno(-EIO, "wait for %s", SLIRP_BIN);
}

/* One request on the API socket, one reply: 0, or -errno; an error the reply names is
 * copied to why (else why is ""). Logs nothing: its caller names the request. */
static int api_call(const struct slirp *s, json_t *req, char why[static 256])
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	_cleanup_free_ char *msg = json_dumps(req, JSON_COMPACT);
	char buf[1024];
	struct pollfd p;
	json_t *reply, *err;
	ssize_t n;
	int r = 0;

	why[0] = '\0';
	if (fd < 0 || !msg)
		return -ENOMEM;
	memcpy(a.sun_path, s->api, sizeof(s->api));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    write_all(fd, msg, strlen(msg)) < 0 || shutdown(fd, SHUT_WR) < 0)
		return -errno;
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	if (poll(&p, 1, SLIRP_API_MS) <= 0)
		return -ETIMEDOUT;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	reply = json_loads(buf, 0, NULL);
	err = reply ? json_object_get(reply, "error") : NULL;
	if (!reply || err) {
		const char *desc = json_string_value(json_object_get(err, "desc"));

		(void)snprintf(why, 256, "%.255s", desc ? desc : buf);
		r = -EINVAL;
	}
	json_decref(reply);
	return r;
}

static int publish(const struct slirp *s, const struct net_publish *p)
{
	char host[16], why[256];
	json_t *req;
	int r;

	(void)snprintf(host, sizeof(host), "%s", inet_ntoa(p->host_ip));
	req = json_pack("{s:s, s:{s:s, s:s, s:i, s:i}}", "execute", "add_hostfwd", "arguments",
	                "proto", "tcp", "host_addr", host, "host_port", (int)p->host_port,
	                "guest_port", (int)p->container_port);
	if (!req)
		return -ENOMEM;
	r = api_call(s, req, why);
	json_decref(req);
	if (r < 0 && why[0]) {
		log_error("publish %s:%u to port %u through %s: %s", host, (unsigned)p->host_port,
		          (unsigned)p->container_port, SLIRP_BIN, why);
		return r;
	}
	if (r < 0)
		return log_errno(r, "publish %s:%u to port %u through %s", host,
		                 (unsigned)p->host_port, (unsigned)p->container_port, SLIRP_BIN);
	return 0;
}

int slirp_start(const struct net_config *nc, const char *api_path, pid_t target, struct slirp **ret)
{
	struct slirp *s = calloc(1, sizeof(*s));
	int ready[2] = {-1, -1}, ex[2] = {-1, -1};
	char pid[16];
	int r = 0;

	if (!s)
		return log_errno(-ENOMEM, "start %s", SLIRP_BIN);
	/* Opened by slirp4netns as the user: a 0600 node (no udev rule) stops it. */
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		int e = errno;

		free(s);
		log_error("use --net slirp: /dev/net/tun is not open to uid %u (%s; udev makes it "
		          "0666)",
		          (unsigned)geteuid(), strerror(e));
		return -e;
	}
	s->exit_fd = -1;
	/* Appended to by slirp4netns, so that emptying it starts it again from 0. Without one,
	 * its stderr goes to /dev/null. */
	s->err_fd = memfd_create("slirp4netns-stderr", MFD_CLOEXEC);
	if (s->err_fd >= 0 && fcntl(s->err_fd, F_SETFL, O_APPEND) < 0)
		s->err_fd = safe_close(s->err_fd);
	if (strlen(api_path) >= sizeof(s->api)) {
		(void)safe_close(s->err_fd);
		free(s);
		return log_errno(-ENAMETOOLONG, "use '%s' for %s's socket", api_path, SLIRP_BIN);
	}
	(void)snprintf(s->api, sizeof(s->api), "%s", api_path);
	(void)unlink(s->api);
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0) {
		r = log_errno(-errno, "create a pipe");
		goto out;
	}
	(void)snprintf(pid, sizeof(pid), "%d", (int)target);
	s->pid = fork();
	if (s->pid < 0) {
		r = log_errno(-errno, "start %s", SLIRP_BIN);
		s->pid = 0;
		goto out;
	}
	if (s->pid == 0)
		exec_slirp(pid, ready[1], ex[0], s->err_fd, s->api);
	ready[1] = safe_close(ready[1]);
	ex[0] = safe_close(ex[0]);
	s->exit_fd = steal_fd(&ex[1]);
	r = wait_ready(s, ready[0]);
	for (size_t i = 0; r == 0 && i < nc->n_publish; i++)
		r = publish(s, &nc->publish[i]);
	/* Up: what it said is of no more use, and launch's handle goes. */
	if (r == 0 && s->err_fd >= 0 && ftruncate(s->err_fd, 0) < 0)
		(void)log_debug_errno(-errno, "empty %s's stderr", SLIRP_BIN);
	s->err_fd = safe_close(s->err_fd);
out:
	for (int i = 0; i < 2; i++) {
		(void)safe_close(ready[i]);
		(void)safe_close(ex[i]);
	}
	if (r < 0) {
		slirp_stop(s);
		return r;
	}
	*ret = s;
	return 0;
}

void slirp_stop(struct slirp *s)
{
	if (!s)
		return;
	s->exit_fd = safe_close(s->exit_fd);
	s->err_fd = safe_close(s->err_fd);
	if (s->pid > 0) {
		/* The closed descriptor ends it; a slirp4netns stuck elsewhere is killed. */
		struct pollfd none = {.fd = -1};

		for (int i = 0; i < 50 && waiter_poll(s->pid, NULL) == 0; i++)
			(void)poll(&none, 0, 20);
		if (waiter_poll(s->pid, NULL) == 0)
			waiter_kill(s->pid);
	}
	(void)unlink(s->api);
	free(s);
}
