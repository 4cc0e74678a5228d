// SPDX-License-Identifier: MIT
/*
 * control: see control.h. Runs in boxinit, on its loop, with plain sockets and
 * uv_poll (libuv's streams would bring its printf into boxinit). A reply is
 * sent whole with one non-blocking send: it is far smaller than a unix socket's
 * buffer; a client that does not read it simply loses it.
 */
#include "control.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define CONTROL_IDLE_MS 1000

struct conn {
	uv_poll_t poll;
	uv_timer_t idle;
	int fd;
	struct control *c;
	char buf[CONTROL_LINE];
	size_t len;
	int open; /* handles not closed yet */
	bool done;
};

static void conn_closed(uv_handle_t *h)
{
	struct conn *k = h->data;

	if (--k->open == 0) {
		(void)safe_close(k->fd);
		free(k);
	}
}

static void conn_close(struct conn *k)
{
	if (k->done)
		return;
	k->done = true;
	uv_close((uv_handle_t *)&k->idle, conn_closed);
	uv_close((uv_handle_t *)&k->poll, conn_closed);
}

static void answer(struct conn *k, const char *line)
{
	char *reply = malloc(CONTROL_REPLY);

	if (reply) {
		k->c->handler(k->c->data, line, reply, CONTROL_REPLY);
		(void)send(k->fd, reply, strlen(reply), MSG_DONTWAIT | MSG_NOSIGNAL);
		free(reply);
	}
	conn_close(k);
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	struct conn *k = h->data;
	ssize_t n;
	char *nl;

	(void)status;
	(void)events;
	n = recv(k->fd, k->buf + k->len, sizeof(k->buf) - k->len - 1, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(k);
		return;
	}
	k->len += (size_t)n;
	k->buf[k->len] = '\0';
	nl = memchr(k->buf, '\n', k->len);
	if (nl) {
		*nl = '\0';
		answer(k, k->buf);
	} else if (k->len + 1 >= sizeof(k->buf)) {
		conn_close(k);
	}
}

static void on_idle(uv_timer_t *t)
{
	conn_close(t->data);
}

static void on_connection(uv_poll_t *h, int status, int events)
{
	struct control *c = h->data;
	struct conn *k;
	int fd;

	(void)status;
	(void)events;
	fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	k = calloc(1, sizeof(*k));
	if (!k || uv_poll_init(h->loop, &k->poll, fd) < 0) {
		free(k);
		(void)close(fd);
		return;
	}
	k->fd = fd;
	k->c = c;
	(void)uv_timer_init(h->loop, &k->idle);
	k->poll.data = k->idle.data = k;
	k->open = 2;
	(void)uv_poll_start(&k->poll, UV_READABLE, on_readable);
	/* A client that says nothing does not hold a connection for long. */
	(void)uv_timer_start(&k->idle, on_idle, CONTROL_IDLE_MS, 0);
}

int control_start(uv_loop_t *loop, struct control *c, control_handler handler, void *data)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	mode_t old;
	int r;

	*c = (struct control){.handler = handler, .data = data, .fd = -1};
	memcpy(a.sun_path, CONTROL_PATH, sizeof(CONTROL_PATH));
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return log_errno(-errno, "create '%s'", CONTROL_PATH);
	(void)unlink(CONTROL_PATH);
	/* Created 0600 from the start: no moment where another user could connect. */
	old = umask(0177);
	r = bind(c->fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(c->fd, 8) < 0 ? -errno : 0;
	(void)umask(old);
	if (r == 0)
		r = uv_poll_init(loop, &c->poll, c->fd);
	if (r < 0) {
		c->fd = safe_close(c->fd);
		return log_errno(r, "listen on '%s'", CONTROL_PATH);
	}
	c->poll.data = c;
	c->open = true;
	return uv_poll_start(&c->poll, UV_READABLE, on_connection);
}

void control_close(struct control *c)
{
	if (!c->open)
		return;
	c->open = false;
	uv_close((uv_handle_t *)&c->poll, NULL);
	c->fd = safe_close(c->fd);
}
