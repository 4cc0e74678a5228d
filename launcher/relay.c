// SPDX-License-Identifier: MIT
/*
 * relay: see relay.h. Runs in launch, on its loop. Each end is one of: ours
 * (made non-blocking), a private reopen of a shared tty or pipe (ours too), a
 * shared socket (MSG_DONTWAIT, its flags left as they were), or something
 * epoll cannot watch (a regular file, /dev/null: used blocking, and read from
 * an idle handle, which never blocks for long on such files). Handles are
 * freed only from their close callbacks.
 */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* Per wakeup, so one endless input cannot starve the rest of the loop. */
#define RELAY_BUDGET (256 * 1024)

static void pump(struct relay *r);

static void on_in(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	pump(h->data);
}

static void on_out(uv_poll_t *h, int status, int events)
{
	struct relay *r = h->data;

	(void)status;
	(void)events;
	r->waiting_out = false;
	(void)uv_poll_stop(&r->out_poll);
	pump(r);
}

static void on_idle(uv_idle_t *h)
{
	pump(h->data);
}

static void handle_closed(uv_handle_t *h)
{
	struct relay *r = h->data;

	r->open--;
}

/* A description of our own: O_NONBLOCK on it changes nothing for launch's caller. */
static int reopen_private(int fd, int access)
{
	char path[32];
	int priv;

	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	priv = open(path, access | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	return priv < 0 ? -errno : priv;
}

/* Picks how to use *fd; may replace it by a private copy (then ours). */
static void prepare_end(int *fd, bool shared, int access, bool *own, bool *sock)
{
	struct stat st;
	int priv;

	*own = !shared;
	*sock = false;
	if (!shared || fstat(*fd, &st) < 0)
		return;
	*sock = S_ISSOCK(st.st_mode);
	if (*sock || S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		return;
	priv = reopen_private(*fd, access);
	if (priv < 0) {
		log_debug_errno(priv, "reopen fd %d (used as it is)", *fd);
		return;
	}
	*fd = priv;
	*own = true;
}

/* uv_poll_init makes fd non-blocking: undone for a descriptor that is not ours. Returns
 * false when epoll cannot watch fd (a regular file, /dev/null): then it is used blocking. */
static bool poll_init(struct relay *r, uv_poll_t *p, int fd, bool own)
{
	int flags = fcntl(fd, F_GETFL);

	if (uv_poll_init(r->loop, p, fd) < 0)
		return false;
	if (!own && flags >= 0)
		(void)fcntl(fd, F_SETFL, flags);
	p->data = r;
	r->open++;
	return true;
}

static void watch_in(struct relay *r, bool on)
{
	if (r->in_file) {
		if (on)
			(void)uv_idle_start(&r->in_idle, on_idle);
		else
			(void)uv_idle_stop(&r->in_idle);
	} else if (on) {
		(void)uv_poll_start(&r->in_poll, UV_READABLE, on_in);
	} else {
		(void)uv_poll_stop(&r->in_poll);
	}
}

static void input_ended(struct relay *r)
{
	bool first = !r->in_done;

	r->in_done = true;
	watch_in(r, false);
	if (first && r->on_eof)
		r->on_eof(r);
}

static ssize_t do_read(struct relay *r)
{
	ssize_t n;

	do
		n = r->in_sock ? recv(r->in_fd, r->buf, sizeof(r->buf), MSG_DONTWAIT)
		               : read(r->in_fd, r->buf, sizeof(r->buf));
	while (n < 0 && errno == EINTR);
	return n;
}

static ssize_t do_write(struct relay *r)
{
	const char *p = r->buf + r->head;
	size_t n = r->len - r->head;
	ssize_t w;

	do
		w = r->out_sock ? send(r->out_fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL)
		                : write(r->out_fd, p, n);
	while (w < 0 && errno == EINTR);
	return w;
}

/* Writes what is buffered. false: the output is full, wait for it. */
static bool flush(struct relay *r)
{
	if (r->len > r->head)
		r->last_byte = (unsigned char)r->buf[r->len - 1];
	while (r->head < r->len && !r->out_broken) {
		ssize_t w = do_write(r);

		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !r->out_file) {
			r->waiting_out = true;
			(void)uv_poll_start(&r->out_poll, UV_WRITABLE, on_out);
			return false;
		}
		if (w <= 0) {
			/* EPIPE, EIO: nobody will read it again. */
			log_debug("relay to fd %d: %s", r->out_fd,
			          w < 0 ? strerror(errno) : "closed");
			r->out_broken = true;
			if (!(r->flags & RELAY_DISCARD))
				relay_stop_input(r);
			break;
		}
		r->head += (size_t)w;
		r->moved += (uint64_t)w;
	}
	r->head = r->len = 0;
	return true;
}

static void pump(struct relay *r)
{
	size_t budget = RELAY_BUDGET;

	for (;;) {
		ssize_t n;

		if (!flush(r)) {
			watch_in(r, false);
			return;
		}
		if (r->in_done || r->stopped) {
			watch_in(r, false);
			return;
		}
		if (budget < sizeof(r->buf)) {
			watch_in(r, true);
			return;
		}
		n = do_read(r);
		if (n > 0) {
			r->len = (size_t)n;
			budget -= (size_t)n;
			/* A blocking descriptor is read once per wakeup: a second read could wait.
			 */
			if (r->in_block) {
				watch_in(r, flush(r));
				return;
			}
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			watch_in(r, true);
			return;
		}
		/* 0: end of input; EIO: a pty whose other side is closed; anything else ends it
		 * too. */
		input_ended(r);
		return;
	}
}

int relay_start(uv_loop_t *loop, struct relay *r, int in_fd, int out_fd, unsigned flags,
                relay_eof_cb on_eof)
{
	memset(r, 0, offsetof(struct relay, buf));
	r->loop = loop;
	r->flags = flags;
	r->last_byte = -1;
	r->on_eof = on_eof;
	r->in_fd = in_fd;
	r->out_fd = out_fd;
	prepare_end(&r->in_fd, flags & RELAY_IN_SHARED, O_RDONLY, &r->in_own, &r->in_sock);
	prepare_end(&r->out_fd, flags & RELAY_OUT_SHARED, O_WRONLY, &r->out_own, &r->out_sock);
	r->started = true;
	r->in_file = !poll_init(r, &r->in_poll, r->in_fd, r->in_own);
	r->out_file = !poll_init(r, &r->out_poll, r->out_fd, r->out_own);
	r->in_block = !r->in_own && !r->in_sock && !r->in_file;
	if (r->in_file) {
		(void)uv_idle_init(loop, &r->in_idle);
		r->in_idle.data = r;
		r->open++;
	}
	pump(r);
	return 0;
}

void relay_stop_input(struct relay *r)
{
	if (!r->started || r->stopped)
		return;
	r->stopped = true;
	if (!r->in_done)
		watch_in(r, false);
}

bool relay_finished(const struct relay *r)
{
	return !r->started || ((r->in_done || r->stopped) && r->head == r->len);
}

void relay_close(struct relay *r)
{
	if (!r->started)
		return;
	r->started = false;
	if (!r->in_file)
		uv_close((uv_handle_t *)&r->in_poll, handle_closed);
	else
		uv_close((uv_handle_t *)&r->in_idle, handle_closed);
	if (!r->out_file)
		uv_close((uv_handle_t *)&r->out_poll, handle_closed);
	/* The handles no longer watch them: the descriptors can go now. */
	if (r->in_own)
		r->in_fd = safe_close(r->in_fd);
	if (r->out_own)
		r->out_fd = safe_close(r->out_fd);
}

int relay_open_handles(const struct relay *r)
{
	return r->open;
}
