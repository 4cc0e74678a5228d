// SPDX-License-Identifier: MIT
/*
 * proxy: see proxy.h. Runs in launch (host network namespace) on the loop that
 * also watches the container. A connection is two uv_tcp_t: side 0 accepted
 * from the client, side 1 towards the container. Data read from side i goes to
 * side !i; reading side i stops until that write is done. Buffers are lent by
 * the proxy's pool only while data is in flight, one per side at most: 16 KiB
 * ones while the first 1 MiB lasts, 4 KiB ones past it, and 64 KiB ones, while
 * the first 512 KiB of them last, to a side whose last read took 16 KiB or more
 * (a bulk transfer: a quarter of the calls and wakeups a byte, which in `make
 * bench` carried more than a relay that splices through a pipe). launch's memory
 * stays bounded (1.5 MiB + 8 KiB a connection) whatever the clients (or the
 * container itself, through its own published port) do, and a connection whose reader
 * stopped reading holds its own buffer, never the others': a pool of a fixed
 * size shared by all was starved by as many clients that never read. A side
 * that cannot get one (out of memory) waits in line for the next freed.
 * Every handle is freed only from its close callback, and a closed connection's memory is
 * kept for the next one (up to PROXY_SPARE): once warm, a connection allocates nothing.
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "log.h"
#include "util.h"

#define PROXY_BUF     (16 * 1024)
#define PROXY_BIG     64         /* at most this many of PROXY_BUF (1 MiB), kept for reuse */
#define PROXY_SMALL   (4 * 1024) /* past them: freed once their data is written */
#define PROXY_BULK    (64 * 1024)
#define PROXY_N_BULK  8 /* at most this many of PROXY_BULK (512 KiB), kept for reuse */
#define PROXY_BACKLOG 1024
#define PROXY_SPARE   256 /* closed connections kept for the next ones */

struct conn;

struct listener {
	uv_tcp_t tcp;
	struct proxy *proxy;
	struct sockaddr_in target;
	int n_conns;
};

/* A side of a connection that wants a buffer, in line for the next one freed. */
struct waiter {
	struct conn *conn;
	int side;
	bool queued;
	struct waiter *prev, *next;
};

struct proxy {
	struct listener *l;
	size_t n, open; /* listeners, and how many are not closed yet */
	size_t n_live;  /* connections not freed yet (their callbacks may still give buffers) */
	int max_conns;  /* per listener */
	bool stopping;
	struct conn *conns; /* every live connection, for proxy_stop */
	struct conn *spare; /* closed ones, reused: no allocation a connection once warm */
	int n_spare;
	char *free_bufs[PROXY_BIG];
	int n_free, n_big; /* big buffers kept, and made (lent or kept) */
	char *free_bulk[PROXY_N_BULK];
	int n_free_bulk, n_bulk; /* the same for bulk ones */
	struct waiter *wait_head, *wait_tail;
};

struct conn {
	uv_tcp_t side[2];
	uv_connect_t connect;
	uv_write_t write[2]; /* write[i] carries data read from side i */
	uv_shutdown_t shut[2];
	char *buf[2]; /* lent by the pool while side i's data is in flight */
	size_t len[2];
	bool bulk[2]; /* side i's last read took PROXY_BUF or more: it gets a bulk buffer */
	struct waiter wait[2];
	bool shut_done[2];
	bool closing;
	int open; /* handles not closed yet */
	struct listener *listener;
	struct conn *prev, *next;
};

/* --- the buffer pool ------------------------------------------------------------------- */

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf);
static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

/* Bounded by the callers: one buffer per side of a live connection. */
static char *pool_take(struct proxy *p, bool bulk, size_t *len)
{
	char *b;

	if (bulk && (p->n_free_bulk > 0 || p->n_bulk < PROXY_N_BULK)) {
		*len = PROXY_BULK;
		if (p->n_free_bulk > 0)
			return p->free_bulk[--p->n_free_bulk];
		b = malloc(PROXY_BULK);
		p->n_bulk += b != NULL;
		if (b)
			return b;
	}
	*len = PROXY_BUF;
	if (p->n_free > 0)
		return p->free_bufs[--p->n_free];
	if (p->n_big < PROXY_BIG) {
		b = malloc(PROXY_BUF);
		p->n_big += b != NULL;
		return b;
	}
	*len = PROXY_SMALL;
	return malloc(PROXY_SMALL);
}

static void wait_remove(struct proxy *p, struct waiter *w)
{
	if (!w->queued)
		return;
	if (w->prev)
		w->prev->next = w->next;
	else
		p->wait_head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		p->wait_tail = w->prev;
	w->queued = false;
	w->prev = w->next = NULL;
}

static void wait_push(struct proxy *p, struct waiter *w)
{
	if (w->queued)
		return;
	w->queued = true;
	w->next = NULL;
	w->prev = p->wait_tail;
	if (p->wait_tail)
		p->wait_tail->next = w;
	else
		p->wait_head = w;
	p->wait_tail = w;
}

/* A buffer back to the pool: the first side in line may read again. */
static void pool_give(struct proxy *p, char *b, size_t len)
{
	struct waiter *w = p->wait_head;

	if (!b)
		return;
	if (len == PROXY_BULK)
		p->free_bulk[p->n_free_bulk++] = b; /* n_free_bulk <= n_bulk <= PROXY_N_BULK */
	else if (len == PROXY_BUF)
		p->free_bufs[p->n_free++] = b; /* n_free <= n_big <= PROXY_BIG */
	else
		free(b);
	if (!w || p->stopping)
		return;
	wait_remove(p, w);
	if (!w->conn->closing)
		(void)uv_read_start((uv_stream_t *)&w->conn->side[w->side], on_alloc, on_read);
}

/* --- connections ------------------------------------------------------------------------ */

static int side_of(const struct conn *c, const void *handle)
{
	return handle == (const void *)&c->side[0] ? 0 : 1;
}

static void proxy_free(struct proxy *p);

/* The proxy goes once its listeners and every connection are gone: libuv finishes closed
 * handles newest first, so a connection's cancelled write may come after the listeners. */
static void proxy_maybe_free(struct proxy *p)
{
	if (p->stopping && p->open == 0 && p->n_live == 0)
		proxy_free(p);
}

static void conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data;
	struct proxy *p = c->listener->proxy;

	if (--c->open > 0)
		return;
	p->n_live--;
	if (!p->stopping && p->n_spare < PROXY_SPARE) {
		c->next = p->spare;
		p->spare = c;
		p->n_spare++;
	} else {
		free(c);
	}
	proxy_maybe_free(p);
}

static void conn_close(struct conn *c)
{
	struct proxy *p = c->listener->proxy;

	if (c->closing)
		return;
	c->closing = true;
	c->listener->n_conns--;
	if (c->prev)
		c->prev->next = c->next;
	else
		p->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	for (int i = 0; i < 2; i++) {
		wait_remove(p, &c->wait[i]);
		uv_close((uv_handle_t *)&c->side[i], conn_closed);
	}
	/* A write still pending keeps its buffer until its callback (cancelled by the close). */
	for (int i = 0; i < 2; i++)
		if (!c->write[i].data) {
			pool_give(p, c->buf[i], c->len[i]);
			c->buf[i] = NULL;
		}
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
	struct conn *c = h->data;
	int i = side_of(c, h);

	(void)size;
	if (!c->buf[i])
		c->buf[i] = pool_take(c->listener->proxy, c->bulk[i], &c->len[i]);
	/* Out of memory: libuv reports UV_ENOBUFS to on_read, which gets in line. */
	*buf = uv_buf_init(c->buf[i], c->buf[i] ? (unsigned)c->len[i] : 0);
}

static void release(struct conn *c, int i)
{
	char *b = c->buf[i];

	c->buf[i] = NULL;
	pool_give(c->listener->proxy, b, c->len[i]);
}

static void on_write(uv_write_t *req, int status)
{
	struct conn *c = req->data;
	int i = req == &c->write[0] ? 0 : 1;

	req->data = NULL;
	release(c, i);
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

/* Forwards n bytes read from side i: at once when the socket takes them all (the buffer
 * goes back to the pool), else through a queued write, with side i paused until done. */
static void forward(struct conn *c, int i, size_t n)
{
	uv_stream_t *to = (uv_stream_t *)&c->side[!i];
	uv_buf_t b = uv_buf_init(c->buf[i], (unsigned)n);
	int w = uv_try_write(to, &b, 1);

	if (w == (int)n) {
		release(c, i);
		return;
	}
	if (w < 0 && w != UV_EAGAIN) {
		conn_close(c);
		return;
	}
	if (w > 0)
		b = uv_buf_init(c->buf[i] + w, (unsigned)(n - (size_t)w));
	(void)uv_read_stop((uv_stream_t *)&c->side[i]);
	c->write[i].data = c;
	if (uv_write(&c->write[i], to, &b, 1, on_write) < 0) {
		c->write[i].data = NULL;
		conn_close(c);
	}
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct conn *c = s->data;
	int i = side_of(c, s);

	(void)buf;
	if (n > 0) {
		c->bulk[i] = n >= PROXY_BUF;
		forward(c, i, (size_t)n);
		return;
	}
	/* Nothing read: the buffer goes back (libuv may lend one on every wakeup). */
	if (n != UV_ENOBUFS)
		release(c, i);
	if (n == UV_ENOBUFS) {
		(void)uv_read_stop(s);
		wait_push(c->listener->proxy, &c->wait[i]);
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
	struct proxy *p = l->proxy;
	struct conn *c = p->spare;

	if (c) {
		p->spare = c->next;
		p->n_spare--;
		memset(c, 0, sizeof(*c));
	} else {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
	}
	c->listener = l;
	for (int i = 0; i < 2; i++) {
		(void)uv_tcp_init(l->tcp.loop, &c->side[i]);
		c->side[i].data = c;
		c->wait[i] = (struct waiter){.conn = c, .side = i};
	}
	c->open = 2;
	l->n_conns++;
	p->n_live++;
	c->next = p->conns;
	if (c->next)
		c->next->prev = c;
	p->conns = c;
	return c;
}

static void reject_closed(uv_handle_t *h)
{
	free(h);
}

/* Over the limit: accepted and reset at once, so the client learns now (a connection left
 * in the backlog would wait without end, and hold the next ones behind it). */
static void reject(uv_stream_t *server)
{
	uv_tcp_t *t = malloc(sizeof(*t));

	if (!t)
		return;
	(void)uv_tcp_init(server->loop, t);
	if (uv_accept(server, (uv_stream_t *)t) < 0 || uv_tcp_close_reset(t, reject_closed) < 0)
		uv_close((uv_handle_t *)t, reject_closed);
}

static void on_connection(uv_stream_t *server, int status)
{
	struct listener *l = server->data;
	struct conn *c;

	if (status < 0) {
		log_debug("publish: accept: %s", uv_strerror(status));
		return;
	}
	if (l->n_conns >= l->proxy->max_conns) {
		log_debug("publish: %d connections on port %u: refusing one", l->n_conns,
		          ntohs(l->target.sin_port));
		reject(server);
		return;
	}
	c = conn_new(l);
	if (!c) {
		/* Turned away like one over the limit: libuv watches the listener again only
		 * once the connection it holds is accepted. */
		reject(server);
		return;
	}
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

/* --- listeners ------------------------------------------------------------------------------ */

static void proxy_free(struct proxy *p)
{
	while (p->spare) {
		struct conn *c = p->spare;

		p->spare = c->next;
		free(c);
	}
	for (int i = 0; i < p->n_free; i++)
		free(p->free_bufs[i]);
	for (int i = 0; i < p->n_free_bulk; i++)
		free(p->free_bulk[i]);
	free(p->l);
	free(p);
}

static void listener_closed(uv_handle_t *h)
{
	struct listener *l = h->data;
	struct proxy *p = l->proxy;

	p->open--;
	proxy_maybe_free(p);
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

/* Two descriptors a connection, every port at its limit: launch's own soft limit is raised
 * as far as its hard limit allows (the container was cloned with the limits launch got). */
static void raise_fd_limit(size_t n_ports, int max_conns)
{
	rlim_t want = (rlim_t)n_ports * (rlim_t)max_conns * 2 + 64;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		log_debug("raise the open files limit to %llu: %m", (unsigned long long)want);
}

int proxy_start(uv_loop_t *loop, const struct net_publish *pubs, size_t n, int max_conns,
                struct in_addr target, struct proxy **ret)
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
	p->max_conns = max_conns;
	raise_fd_limit(n, max_conns);
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
		proxy_maybe_free(p);
		return;
	}
	for (size_t i = 0; i < p->n; i++)
		if (p->l[i].proxy && !uv_is_closing((uv_handle_t *)&p->l[i].tcp))
			uv_close((uv_handle_t *)&p->l[i].tcp, listener_closed);
}
