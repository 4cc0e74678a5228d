// SPDX-License-Identifier: MIT
/*
 * The floor of a published port served in user space: the least TCP relay that still is
 * one. One thread, level-triggered epoll; each accepted connection gets a non-blocking
 * connect to TARGET and one 16 KiB buffer a direction; data read from one side is written
 * to the other at once, and only when the other side cannot take it all does the reading
 * side wait (EPOLLOUT on the writer). An end of data is passed on as a half-close. No
 * limits, no pool, no logging: what launch's proxy must come near, not what it should be.
 * With --splice, data goes through a pipe a direction with splice(2) and is never copied
 * to user space: the zero-copy relay, to see what it would change.
 *
 *   relayfloor [--splice] LISTEN_IP LISTEN_PORT TARGET_IP TARGET_PORT
 *
 * Prints "ready=1" once it listens, and runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF            (16 * 1024)
#define PIPE_BUF_BYTES (64 * 1024)

struct side {
	int fd;
	struct side *peer;
	char buf[BUF]; /* read from this side, not yet written to the peer */
	int pipe[2];   /* --splice: the same, in a pipe */
	size_t off, len;
	int eof, shut, closed;
};

static int ep, use_splice;
static struct side *graves[64]; /* dropped in this batch of events: freed after it */
static int n_graves;

static void watch(struct side *s, int op, unsigned events)
{
	struct epoll_event ev = {.events = events, .data.ptr = s};

	(void)epoll_ctl(ep, op, s->fd, &ev);
}

static void drop(struct side *s)
{
	struct side *p = s->peer;

	if (s->closed)
		return;
	s->closed = p->closed = 1;
	close(s->fd);
	close(p->fd);
	for (int i = 0; i < 2 && use_splice; i++) {
		close(s->pipe[i]);
		close(p->pipe[i]);
	}
	/* Both halves are one allocation, the lower one; a later event of this batch may
	 * still name either. */
	graves[n_graves++] = s < p ? s : p;
}

/* A side reads while nothing of its own is pending, and wants room while its peer's is. */
static void rearm(struct side *s)
{
	watch(s, EPOLL_CTL_MOD,
	      (s->len == s->off && !s->eof ? EPOLLIN : 0) |
	          (s->peer->off < s->peer->len ? EPOLLOUT : 0));
}

static void flush(struct side *s)
{
	struct side *p = s->peer;

	while (s->off < s->len) {
		ssize_t n = use_splice ? splice(s->pipe[0], NULL, p->fd, NULL, s->len - s->off,
		                                SPLICE_F_MOVE | SPLICE_F_NONBLOCK)
		                       : write(p->fd, s->buf + s->off, s->len - s->off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return drop(s);
			rearm(s);
			rearm(p);
			return;
		}
		s->off += (size_t)n;
	}
	s->off = s->len = 0;
	if (s->eof && !s->shut) {
		s->shut = 1;
		(void)shutdown(p->fd, SHUT_WR);
		if (p->shut)
			return drop(s);
	}
	rearm(s);
	rearm(p);
}

static void readable(struct side *s)
{
	ssize_t n = use_splice ? splice(s->fd, NULL, s->pipe[1], NULL, PIPE_BUF_BYTES,
	                                SPLICE_F_MOVE | SPLICE_F_NONBLOCK)
	                       : read(s->fd, s->buf, BUF);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0)
		return drop(s);
	if (n == 0)
		s->eof = 1;
	s->off = 0;
	s->len = (size_t)n;
	flush(s);
}

static int tcp_socket(void)
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd >= 0)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static struct sockaddr_in addr_of(const char *ip, const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};

	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		fprintf(stderr, "relayfloor: bad address '%s'\n", ip);
		exit(2);
	}
	return a;
}

int main(int argc, char **argv)
{
	struct sockaddr_in l, t;
	struct epoll_event evs[64];
	int one = 1, lfd;

	if (argc > 1 && !strcmp(argv[1], "--splice")) {
		use_splice = 1;
		argv++;
		argc--;
	}
	if (argc != 5) {
		fprintf(
		    stderr,
		    "usage: relayfloor [--splice] LISTEN_IP LISTEN_PORT TARGET_IP TARGET_PORT\n");
		return 2;
	}
	l = addr_of(argv[1], argv[2]);
	t = addr_of(argv[3], argv[4]);
	signal(SIGPIPE, SIG_IGN);
	ep = epoll_create1(EPOLL_CLOEXEC);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ep < 0 || lfd < 0 || bind(lfd, (struct sockaddr *)&l, sizeof(l)) < 0 ||
	    listen(lfd, 1024) < 0) {
		perror("relayfloor: listen");
		return 1;
	}
	{
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};

		(void)epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	}
	printf("ready=1\n");
	fflush(stdout);
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			struct side *s = evs[i].data.ptr, *pair;
			int c, u;

			if (s) {
				/* Room for what the peer read, then (level-triggered: now or at the
				 * next wait) what s has to say. */
				if (!s->closed &&
				    (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) &&
				    s->peer->off < s->peer->len)
					flush(s->peer);
				if (!s->closed && s->len == s->off && !s->eof &&
				    (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
					readable(s);
				continue;
			}
			while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				(void)setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				u = tcp_socket();
				pair = calloc(2, sizeof(*pair));
				if (pair && use_splice &&
				    (pipe2(pair[0].pipe, O_NONBLOCK | O_CLOEXEC) < 0 ||
				     pipe2(pair[1].pipe, O_NONBLOCK | O_CLOEXEC) < 0)) {
					perror("relayfloor: pipe");
					return 1;
				}
				if (u < 0 || !pair ||
				    (connect(u, (struct sockaddr *)&t, sizeof(t)) < 0 &&
				     errno != EINPROGRESS)) {
					close(c);
					if (u >= 0)
						close(u);
					free(pair);
					continue;
				}
				pair[0].fd = c;
				pair[0].peer = &pair[1];
				pair[1].fd = u;
				pair[1].peer = &pair[0];
				/* The connect ends before the container can answer: reading waits
				 * for it. */
				watch(&pair[0], EPOLL_CTL_ADD, EPOLLIN);
				watch(&pair[1], EPOLL_CTL_ADD, EPOLLIN);
			}
		}
		while (n_graves > 0)
			free(graves[--n_graves]);
	}
}
