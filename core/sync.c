// SPDX-License-Identifier: MIT
/*
 * sync: see sync.h. SOCK_SEQPACKET keeps message boundaries and reports the
 * peer's exit as EOF, which is how the parent learns that exec happened.
 * Runs in both processes; nothing here logs.
 */
#include "sync.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int sync_pair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return -errno;
	return 0;
}

static int sync_send(int fd, const struct sync_msg *m)
{
	/* MSG_NOSIGNAL: a dead peer is an error to report, not a SIGPIPE. */
	while (send(fd, m, sizeof(*m), MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int sync_send_go(int fd)
{
	struct sync_msg m = {.type = SYNC_GO};

	return sync_send(fd, &m);
}

int sync_send_hooks(int fd)
{
	struct sync_msg m = {.type = SYNC_HOOKS};

	return sync_send(fd, &m);
}

int sync_send_ready(int fd)
{
	struct sync_msg m = {.type = SYNC_READY};

	return sync_send(fd, &m);
}

static ssize_t recv_msg(int fd, int flags, struct sync_msg *m)
{
	ssize_t n;

	do
		n = recv(fd, m, sizeof(*m), flags);
	while (n < 0 && errno == EINTR);
	return n;
}

int sync_recv(int fd, int flags, struct sync_msg *ret, bool *ret_unread)
{
	struct sync_msg m = {0};
	ssize_t n = recv_msg(fd, flags, &m);

	/* ECONNRESET: the other end closed with a message of ours unread (a child that
	 * fails before it reads GO). The kernel says so once, and before what that end
	 * sent first (its error), which the next read returns; EOF comes after it. */
	if (n < 0 && errno == ECONNRESET) {
		if (ret_unread)
			*ret_unread = true;
		n = recv_msg(fd, flags, &m);
	}
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	if ((size_t)n != sizeof(m))
		return -EBADMSG;
	m.text[sizeof(m.text) - 1] = '\0';
	*ret = m;
	return 1;
}

int sync_wait_go(int fd)
{
	struct sync_msg m;
	int r = sync_recv(fd, 0, &m, NULL);

	if (r < 0)
		return r;
	if (r == 0)
		return -EPIPE;
	return m.type == SYNC_GO ? 0 : -EBADMSG;
}

int sync_send_go_fds(int fd, const int *fds, size_t n)
{
	struct sync_msg m = {.type = SYNC_GO};
	struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
	union {
		char buf[CMSG_SPACE(sizeof(int) * SYNC_MAX_FDS)];
		struct cmsghdr align;
	} u = {0};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;

	if (n > SYNC_MAX_FDS)
		return -E2BIG;
	if (n) {
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	while (sendmsg(fd, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int sync_wait_go_fds(int fd, int *fds, size_t n)
{
	struct sync_msg m;
	struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
	union {
		char buf[CMSG_SPACE(sizeof(int) * SYNC_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov,
	                     .msg_iovlen = 1,
	                     .msg_control = u.buf,
	                     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c;
	ssize_t len;

	if (n > SYNC_MAX_FDS)
		return -E2BIG;
	do
		len = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (len < 0 && errno == EINTR);
	if (len < 0)
		return -errno;
	if (len == 0)
		return -EPIPE;
	c = CMSG_FIRSTHDR(&msg);
	if ((size_t)len != sizeof(m) || m.type != SYNC_GO || (msg.msg_flags & MSG_CTRUNC))
		return -EBADMSG;
	if (n == 0)
		return c ? -EBADMSG : 0;
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int) * n))
		return -EBADMSG;
	memcpy(fds, CMSG_DATA(c), sizeof(int) * n);
	return 0;
}

int sync_errorf(int fd, int r, const char *fmt, ...)
{
	struct sync_msg m = {.type = SYNC_ERROR, .err = r < 0 ? -r : r};
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	/* Nothing more can be done if the parent is gone: the exit status still says 125. */
	(void)sync_send(fd, &m);
	return r;
}

void sync_warnf(int fd, const char *fmt, ...)
{
	struct sync_msg m = {.type = SYNC_WARNING};
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	(void)sync_send(fd, &m);
}
