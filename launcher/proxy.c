// SPDX-License-Identifier: MIT
/*
 * proxy: see proxy.h. Runs in launch (host network namespace) on the loop that
 * also watches the container. A connection is two uv_tcp_t: side 0 accepted
 * from the client, side 1 towards the container. Data read from side i goes to
 * side !i from buf[i]; reading side i stops until that write is done. Every
 * handle is freed only from its close callback.
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

#define PROXY_BUF     (32 * 1024)
#define PROXY_BACKLOG 1024

struct conn;

struct listener {
	uv_tcp_t tcp;
	struct proxy *proxy;
	struct sockaddr_in target;
};

struct proxy {
	struct listener *l;
	size_t n, open; /* listeners, and how many are not closed yet */
	bool stopping;
	struct conn *conns; /* every live connection, for proxy_stop */
};

struct conn {
	uv_tcp_t side[2];
	uv_connect_t connect;
	uv_write_t write[2]; /* write[i] carries data read from side i */
	uv_shutdown_t shut[2];
	bool shut_done[2];
	bool closing;
	int open; /* handles not closed yet */
	struct proxy *proxy;
	struct conn *prev, *next;
	char buf[2][PROXY_BUF];
};

static int side_of(const struct conn *c, const void *handle)
{
	return handle == (const void *)&c->side[0] ? 0 : 1;
}

static void conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data;

	if (--c->open == 0)
		free(c);
}

static void conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->proxy->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	for (int i = 0; i < 2; i++)
		uv_close((uv_handle_t *)&c->side[i], conn_closed);
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)size;
	*buf = uv_buf_init(c->buf[side_of(c, h)], PROXY_BUF);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

static void on_write(uv_write_t *req, int status)
{
	struct conn *c = req->data;
	int i = req == &c->write[0] ? 0 : 1;

	if (c->closing)
		return;
	if (status < 0 || uv_read_start((uv_stream_t *)&c->side[i], on_alloc, on_read) < 0)
		conn_close(c);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct conn *c = req->data;

	if (c->closing)
		return;
	c->shut_done[req == &c->shut[0] ? 0 : 1] = true;
	/* Both directions ended cleanly: nothing more can come from either side. */
	if (status < 0 || (c->shut_done[0] && c->shut_done[1]))
		conn_close(c);
}

/* Forwards n bytes read from side i: at once when the socket takes them all, else through
 * a queued write, with side i paused until it is done. */
static void forward(struct conn *c, int i, size_t n)
{
	uv_stream_t *to = (uv_stream_t *)&c->side[!i];
	uv_buf_t b = uv_buf_init(c->buf[i], (unsigned)n);
	int w = uv_try_write(to, &b, 1);

	if (w == (int)n)
		return;
	if (w < 0 && w != UV_EAGAIN) {
		conn_close(c);
		return;
	}
	if (w > 0)
		b = uv_buf_init(c->buf[i] + w, (unsigned)(n - (size_t)w));
	(void)uv_read_stop((uv_stream_t *)&c->side[i]);
	c->write[i].data = c;
	if (uv_write(&c->write[i], to, &b, 1, on_write) < 0)
		conn_close(c);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct conn *c = s->data;
	int i = side_of(c, s);

	(void)buf;
	if (n > 0) {
		forward(c, i, (size_t)n);
	} else if (n == UV_EOF) {
		/* Half-close: the other side learns there is no more, and may still answer. */
		(void)uv_read_stop(s);
		c->shut[!i].data = c;
		if (uv_shutdown(&c->shut[!i], (uv_stream_t *)&c->side[!i], on_shutdown) < 0)
			conn_close(c);
	} else if (n < 0) {
		conn_close(c);
	}
}

static void on_connect(uv_connect_t *req, int status)
{
	struct conn *c = req->data;

	if (c->closing)
		return;
	if (status < 0) {
		log_debug("publish: connect to the container: %s", uv_strerror(status));
		conn_close(c);
		return;
	}
	for (int i = 0; i < 2; i++)
		if (uv_read_start((uv_stream_t *)&c->side[i], on_alloc, on_read) < 0) {
			conn_close(c);
			return;
		}
}

static struct conn *conn_new(struct listener *l)
{
	struct conn *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	memset(c, 0, offsetof(struct conn, buf));
	c->proxy = l->proxy;
	for (int i = 0; i < 2; i++) {
		(void)uv_tcp_init(l->tcp.loop, &c->side[i]);
		c->side[i].data = c;
	}
	c->open = 2;
	c->next = c->proxy->conns;
	if (c->next)
		c->next->prev = c;
	c->proxy->conns = c;
	return c;
}

static void on_connection(uv_stream_t *server, int status)
{
	struct listener *l = server->data;
	struct conn *c;

	if (status < 0) {
		log_debug("publish: accept: %s", uv_strerror(status));
		return;
	}
	c = conn_new(l);
	if (!c)
		return; /* the client stays in the backlog and is retried on the next wakeup */
	if (uv_accept(server, (uv_stream_t *)&c->side[0]) < 0) {
		conn_close(c);
		return;
	}
	(void)uv_tcp_nodelay(&c->side[0], 1);
	(void)uv_tcp_nodelay(&c->side[1], 1);
	c->connect.data = c;
	if (uv_tcp_connect(&c->connect, &c->side[1], (const struct sockaddr *)&l->target,
	                   on_connect) < 0)
		conn_close(c);
}

static void listener_closed(uv_handle_t *h)
{
	struct listener *l = h->data;
	struct proxy *p = l->proxy;

	if (--p->open == 0 && p->stopping) {
		free(p->l);
		free(p);
	}
}

static int listen_one(uv_loop_t *loop, struct listener *l, const struct net_publish *pub)
{
	struct sockaddr_in addr = {
	    .sin_family = AF_INET, .sin_port = htons(pub->host_port), .sin_addr = pub->host_ip};
	char ip[INET_ADDRSTRLEN];
	int r;

	(void)inet_ntop(AF_INET, &pub->host_ip, ip, sizeof(ip));
	(void)uv_tcp_init(loop, &l->tcp);
	l->tcp.data = l;
	l->proxy->open++;
	/* libuv may report a bind error only at listen: both name the address. */
	r = uv_tcp_bind(&l->tcp, (const struct sockaddr *)&addr, 0);
	if (r == 0)
		r = uv_listen((uv_stream_t *)&l->tcp, PROXY_BACKLOG, on_connection);
	if (r < 0)
		return log_errno(r, "publish '%s:%u'", ip, pub->host_port); /* uv: -errno */
	log_debug("publish: %s:%u -> %s:%u", ip, pub->host_port, inet_ntoa(l->target.sin_addr),
	          pub->container_port);
	return 0;
}

int proxy_start(uv_loop_t *loop, const struct net_publish *pubs, size_t n, struct in_addr target,
                struct proxy **ret)
{
	struct proxy *p = calloc(1, sizeof(*p));
	int r = 0;

	if (p)
		p->l = calloc(n, sizeof(*p->l));
	if (!p || !p->l) {
		free(p);
		return log_errno(-ENOMEM, "publish ports");
	}
	p->n = n;
	for (size_t i = 0; i < n && r == 0; i++) {
		p->l[i].proxy = p;
		p->l[i].target = (struct sockaddr_in){.sin_family = AF_INET,
		                                      .sin_port = htons(pubs[i].container_port),
		                                      .sin_addr = target};
		r = listen_one(loop, &p->l[i], &pubs[i]);
	}
	/* Even on failure: the caller stops it, which closes what was opened. */
	*ret = p;
	return r;
}

void proxy_stop(struct proxy *p)
{
	if (!p)
		return;
	p->stopping = true;
	while (p->conns)
		conn_close(p->conns);
	if (p->open == 0) {
		free(p->l);
		free(p);
		return;
	}
	for (size_t i = 0; i < p->n; i++)
		if (p->l[i].proxy && !uv_is_closing((uv_handle_t *)&p->l[i].tcp))
			uv_close((uv_handle_t *)&p->l[i].tcp, listener_closed);
}
