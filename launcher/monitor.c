// SPDX-License-Identifier: MIT
/*
 * monitor: see monitor.h. The server runs in launch, on its loop; a request is
 * one short line, so a connection that sends more than MON_LINE bytes without a
 * newline, or more than MON_CLIENTS connect at once, is closed. Every handle is
 * freed from its close callback.
 */
#include "monitor.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "state.h"
#include "util.h"

#define MON_LINE    128
#define MON_CLIENTS 64

struct client {
	uv_pipe_t pipe;
	struct monitor *m;
	char buf[MON_LINE];
	size_t len;
	bool waiting, closing;
	struct client *prev, *next;
};

struct monitor {
	uv_pipe_t server;
	struct monitor_ops ops;
	char path[256];
	struct client *clients;
	int n_clients;
	bool finished;
	char final[32]; /* the "exit" line, once known */
};

static void client_closed(uv_handle_t *h)
{
	free(h->data);
}

static void client_close(struct client *c)
{
	if (c->closing)
		return;
	c->closing = true;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->m->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->m->n_clients--;
	uv_close((uv_handle_t *)&c->pipe, client_closed);
}

/* One line, written whole at once: the client waits for it and nothing else. */
static void reply(struct client *c, const char *line)
{
	uv_buf_t b = uv_buf_init((char *)line, (unsigned)strlen(line));

	if (uv_try_write((uv_stream_t *)&c->pipe, &b, 1) != (int)b.len)
		client_close(c);
}

static void handle_line(struct client *c, const char *line)
{
	struct monitor *m = c->m;
	unsigned long long ms;
	int sig;

	if (STREQ(line, "wait")) {
		if (m->finished)
			reply(c, m->final);
		else
			c->waiting = true;
	} else if (sscanf(line, "stop %llu", &ms) == 1) {
		m->ops.stop(m->ops.data, ms);
		reply(c, "ok\n");
	} else if (sscanf(line, "kill %d", &sig) == 1 && sig > 0 && sig < NSIG) {
		m->ops.signal(m->ops.data, sig);
		reply(c, "ok\n");
	} else {
		reply(c, "error unknown request\n");
	}
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
	struct client *c = h->data;

	(void)size;
	*buf = uv_buf_init(c->buf + c->len, (unsigned)(sizeof(c->buf) - c->len));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct client *c = s->data;
	char *nl;

	(void)buf;
	if (n < 0) {
		client_close(c);
		return;
	}
	c->len += (size_t)n;
	while (!c->closing && (nl = memchr(c->buf, '\n', c->len))) {
		char line[MON_LINE];
		size_t len = (size_t)(nl - c->buf);

		memcpy(line, c->buf, len);
		line[len] = '\0';
		memmove(c->buf, nl + 1, c->len - len - 1);
		c->len -= len + 1;
		handle_line(c, line);
	}
	if (!c->closing && c->len == sizeof(c->buf))
		client_close(c); /* a line longer than any request */
}

static void on_connection(uv_stream_t *server, int status)
{
	struct monitor *m = server->data;
	struct client *c;

	if (status < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c || uv_pipe_init(server->loop, &c->pipe, 0) < 0) {
		free(c);
		return;
	}
	c->m = m;
	c->pipe.data = c;
	c->next = m->clients;
	if (c->next)
		c->next->prev = c;
	m->clients = c;
	m->n_clients++;
	if (uv_accept(server, (uv_stream_t *)&c->pipe) < 0 || m->n_clients > MON_CLIENTS ||
	    uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read) < 0)
		client_close(c);
}

static void server_closed(uv_handle_t *h)
{
	free(h->data);
}

int monitor_start(uv_loop_t *loop, const char *dir, const struct monitor_ops *ops,
                  struct monitor **ret)
{
	struct monitor *m = calloc(1, sizeof(*m));
	int r;

	if (!m)
		return log_errno(-ENOMEM, "start the monitor");
	m->ops = *ops;
	(void)snprintf(m->path, sizeof(m->path), "%s/%s", dir, MONITOR_SOCK);
	r = uv_pipe_init(loop, &m->server, 0);
	if (r < 0) {
		free(m);
		return log_errno(r, "start the monitor");
	}
	m->server.data = m;
	/* A socket left by a dead monitor of this name: its record directory is ours now. */
	(void)unlink(m->path);
	r = uv_pipe_bind(&m->server, m->path);
	if (r == 0)
		(void)chmod(m->path, 0600);
	if (r == 0)
		r = uv_listen((uv_stream_t *)&m->server, 16, on_connection);
	if (r < 0) {
		uv_close((uv_handle_t *)&m->server, server_closed);
		return log_errno(r, "listen on '%s'", m->path);
	}
	*ret = m;
	return 0;
}

void monitor_finish(struct monitor *m, bool exited, int code)
{
	if (!m)
		return;
	m->finished = true;
	if (exited)
		(void)snprintf(m->final, sizeof(m->final), "exit %d\n", code);
	else
		(void)snprintf(m->final, sizeof(m->final), "exit -\n");
	while (m->clients) {
		struct client *c = m->clients;
		uv_os_fd_t fd;
		ssize_t n;

		/* A "wait" the loop has not read yet (it came just as the container ended). */
		if (!c->waiting && uv_fileno((uv_handle_t *)&c->pipe, &fd) == 0) {
			n = recv(fd, c->buf + c->len, sizeof(c->buf) - c->len, MSG_DONTWAIT);
			if (n > 0)
				c->len += (size_t)n;
			c->waiting = memmem(c->buf, c->len, "wait\n", 5) != NULL;
		}
		if (c->waiting)
			reply(c, m->final);
		client_close(c);
	}
	(void)unlink(m->path);
	uv_close((uv_handle_t *)&m->server, server_closed);
}

/* --- the client ------------------------------------------------------------------------- */

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

/* One line into buf (without its newline). */
static int read_line(int fd, char *buf, size_t size, int timeout_ms)
{
	size_t got = 0;

	while (got + 1 < size) {
		ssize_t n;
		int r = wait_fd(fd, POLLIN, timeout_ms);

		if (r < 0)
			return r;
		n = read(fd, buf + got, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		if (buf[got] == '\n')
			break;
		got++;
	}
	buf[got] = '\0';
	return 0;
}

/* MSG_NOSIGNAL: a monitor that ends as we ask (rm -f after its container stopped, say) is
 * an error to report, not a SIGPIPE that kills the command (the soak found it). */
static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int monitor_send(const char *name, const char *lines)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r;

	if (fd < 0)
		return -errno;
	if ((size_t)snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s/%s", STATE_ROOT, name,
	                     MONITOR_SOCK) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -errno;
	r = send_all(fd, lines, strlen(lines));
	return r < 0 ? r : steal_fd(&fd);
}

int monitor_reply(int fd, const char *until, char *reply, size_t size, int timeout_ms)
{
	for (;;) {
		int r = read_line(fd, reply, size, timeout_ms);

		if (r < 0 || !until || strncmp(reply, until, strlen(until)) == 0)
			return r;
	}
}

int monitor_ask(const char *name, const char *lines, const char *until, char *reply, size_t size,
                int timeout_ms)
{
	_cleanup_close_ int fd = monitor_send(name, lines);

	return fd < 0 ? fd : monitor_reply(fd, until, reply, size, timeout_ms);
}
