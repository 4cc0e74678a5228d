// SPDX-License-Identifier: MIT
/*
 * output: see output.h. boxinit's stdout may be a terminal or a pipe shared
 * with the main command: setting O_NONBLOCK on it would change it for the
 * command too. So the sink reopens it through /proc/self/fd (a description of
 * its own), uses send(MSG_DONTWAIT) on a socket, and writes plainly to a
 * regular file (which never blocks on a reader).
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "log.h"
#include "util.h"

#define READ_BUDGET (256u << 10) /* per wake-up, so one flood cannot starve the loop */

static void sink_poll_cb(uv_poll_t *h, int status, int events);

static int reopen_private(int fd)
{
	char path[32];

	(void)fmt_snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
}

int outsink_open(uv_loop_t *loop, struct outsink *o, int fd)
{
	struct stat st;
	int flags;

	*o = (struct outsink){.fd = fd};
	o->buf = malloc(OUTPUT_SINK_MAX);
	if (!o->buf)
		return -ENOMEM;
	if (fstat(fd, &st) < 0) {
		o->broken = true; /* nothing to write to */
		return 0;
	}
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		return 0;
	if (S_ISSOCK(st.st_mode)) {
		o->use_send = true;
	} else {
		int priv = reopen_private(fd);

		if (priv < 0) {
			log_debug("reopen fd %d: %s: service output may block", fd,
			          strerror(errno));
			return 0;
		}
		o->fd = priv;
		o->own_fd = true;
	}
	/* uv_poll_init makes the descriptor non-blocking: harmless on our private one,
	 * undone on a shared socket (send's flag does the job there). */
	flags = fcntl(o->fd, F_GETFL);
	if (uv_poll_init(loop, &o->poll, o->fd) == 0) {
		o->pollable = true;
		o->poll.data = o;
	}
	if (o->use_send && flags >= 0)
		(void)fcntl(o->fd, F_SETFL, flags);
	return 0;
}

static ssize_t sink_write(struct outsink *o, const char *p, size_t n)
{
	ssize_t w;

	do
		w = o->use_send ? send(o->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL)
		                : write(o->fd, p, n);
	while (w < 0 && errno == EINTR);
	return w;
}

/* Writes until done or the reader is full. Returns true when nothing is pending. */
static bool sink_push(struct outsink *o)
{
	while (o->len > o->head) {
		ssize_t w = sink_write(o, o->buf + o->head, o->len - o->head);

		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (w <= 0) {
			/* EPIPE and friends: nobody will ever read it. */
			o->broken = true;
			o->head = o->len = 0;
			return true;
		}
		o->head += (size_t)w;
	}
	o->head = o->len = 0;
	return true;
}

static void sink_update_poll(struct outsink *o, bool done)
{
	if (!o->pollable || done == !o->polling)
		return;
	if (done)
		(void)uv_poll_stop(&o->poll);
	else
		(void)uv_poll_start(&o->poll, UV_WRITABLE, sink_poll_cb);
	o->polling = !done;
}

/* Room for n more bytes, moving what is pending to the front if that makes room. */
static bool sink_reserve(struct outsink *o, size_t n)
{
	if (o->len + n > OUTPUT_SINK_MAX && o->head > 0) {
		memmove(o->buf, o->buf + o->head, o->len - o->head);
		o->len -= o->head;
		o->head = 0;
	}
	return o->len + n <= OUTPUT_SINK_MAX;
}

static bool sink_append(struct outsink *o, const char *p, size_t n)
{
	if (!sink_reserve(o, n))
		return false;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return true;
}

/* Once the reader takes data again, say how much it missed. */
static void sink_report_drops(struct outsink *o)
{
	char msg[96];
	int n;

	if (!o->dropped || o->len - o->head > OUTPUT_SINK_MAX / 2)
		return;
	n = fmt_snprintf(msg, sizeof(msg),
	                 "[boxinit] %lu lines of service output dropped: "
	                 "the reader was not reading\n",
	                 o->dropped);
	if (n > 0 && sink_append(o, msg, (size_t)n))
		o->dropped = 0;
}

static void sink_poll_cb(uv_poll_t *h, int status, int events)
{
	struct outsink *o = h->data;

	(void)events;
	if (status < 0)
		o->broken = true;
	sink_report_drops(o);
	sink_update_poll(o, o->broken || sink_push(o));
}

static void sink_line(struct outsink *o, const char *prefix, size_t plen, const char *line,
                      size_t len)
{
	if (o->broken)
		return;
	if (!sink_reserve(o, plen + len + 1)) {
		o->dropped++;
		return;
	}
	memcpy(o->buf + o->len, prefix, plen);
	memcpy(o->buf + o->len + plen, line, len);
	o->len += plen + len;
	o->buf[o->len++] = '\n';
}

/* Lines are queued during a read pass and pushed once per pass. */
static void sink_kick(struct outsink *o)
{
	if (o->broken || o->polling)
		return;
	sink_update_poll(o, sink_push(o));
	if (!o->pollable && o->len > o->head) {
		/* Nothing tells us when it drains: what did not fit is dropped now. */
		o->dropped++;
		o->head = o->len = 0;
	}
}

void outsink_flush(struct outsink *o, int timeout_ms)
{
	struct timespec start, now;

	(void)clock_gettime(CLOCK_MONOTONIC, &start);
	while (!o->broken && !sink_push(o)) {
		struct pollfd p = {.fd = o->fd, .events = POLLOUT};
		long spent;

		(void)clock_gettime(CLOCK_MONOTONIC, &now);
		spent =
		    (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (spent >= timeout_ms || poll(&p, 1, (int)(timeout_ms - spent)) <= 0)
			break;
	}
}

void outsink_close(struct outsink *o)
{
	if (o->pollable && !uv_is_closing((uv_handle_t *)&o->poll))
		uv_close((uv_handle_t *)&o->poll, NULL);
	if (o->own_fd)
		o->fd = safe_close(o->fd);
	free(o->buf);
	o->buf = NULL;
	o->own_fd = o->pollable = false;
}

/* --- readers ------------------------------------------------------------------ */

static void reader_emit(struct outreader *r)
{
	sink_line(r->sink, r->prefix, r->prefix_len, r->line, r->len);
	r->len = 0;
}

static void reader_take(struct outreader *r, const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t part = nl ? (size_t)(nl - p) : n;
		size_t room = sizeof(r->line) - r->len;

		if (part >= room) {
			/* A line longer than the buffer goes out in pieces. */
			memcpy(r->line + r->len, p, room);
			r->len += room;
			reader_emit(r);
			p += room;
			n -= room;
			continue;
		}
		memcpy(r->line + r->len, p, part);
		r->len += part;
		if (!nl)
			return;
		reader_emit(r);
		p += part + 1;
		n -= part + 1;
	}
}

/* Returns false once the pipe is empty (or broken). */
static bool reader_pass(struct outreader *r, size_t budget)
{
	char buf[16384];
	size_t total = 0;

	while (total < budget) {
		ssize_t n = read(r->rfd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		reader_take(r, buf, (size_t)n);
		total += (size_t)n;
	}
	return true;
}

static void reader_poll_cb(uv_poll_t *h, int status, int events)
{
	struct outreader *r = h->data;

	(void)events;
	if (status < 0)
		(void)uv_poll_stop(h);
	else
		(void)reader_pass(r, READ_BUDGET);
	sink_kick(r->sink);
}

int outreader_open(uv_loop_t *loop, struct outreader *r, struct outsink *sink, const char *name)
{
	int fds[2], e;

	*r = (struct outreader){.rfd = -1, .wfd = -1, .sink = sink};
	/* Only the read end is non-blocking: the service's writes stay ordinary. */
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	r->rfd = fds[0];
	r->wfd = fds[1];
	(void)fmt_snprintf(r->prefix, sizeof(r->prefix), "[%s] ", name);
	r->prefix_len = strlen(r->prefix);
	e = uv_poll_init(loop, &r->poll, r->rfd);
	if (e < 0) {
		r->rfd = safe_close(r->rfd);
		r->wfd = safe_close(r->wfd);
		return e;
	}
	r->ready = true;
	r->poll.data = r;
	return uv_poll_start(&r->poll, UV_READABLE, reader_poll_cb);
}

void outreader_drain(struct outreader *r)
{
	/* Bounded: at exit nothing should write any more, but a leftover could. */
	for (int i = 0; r->ready && i < 64 && reader_pass(r, READ_BUDGET); i++)
		;
	if (!r->ready)
		return;
	if (r->len > 0)
		reader_emit(r);
	sink_kick(r->sink);
}

void outreader_close(struct outreader *r)
{
	if (r->ready && !uv_is_closing((uv_handle_t *)&r->poll))
		uv_close((uv_handle_t *)&r->poll, NULL);
	r->ready = false;
	r->rfd = safe_close(r->rfd);
	r->wfd = safe_close(r->wfd);
}
