// SPDX-License-Identifier: MIT
/*
 * ctl: see ctl.h. Runs in launch and in boxinit; nothing here logs. SCM_RIGHTS
 * descriptors arrive close-on-exec, and any beyond the one a message may carry
 * are closed at once, so a confused or hostile peer cannot fill our table.
 */
#include "ctl.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

int ctl_send(int sock, uint32_t type, int32_t value, int pass_fd)
{
	struct ctl_msg m = {.type = type, .value = value};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctrl;
	struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

	memset(&ctrl, 0, sizeof(ctrl));
	if (pass_fd >= 0) {
		struct cmsghdr *c;

		mh.msg_control = ctrl.buf;
		mh.msg_controllen = sizeof(ctrl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	/* MSG_NOSIGNAL: a peer that is gone is an error to report, not a SIGPIPE. */
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* Keeps the first descriptor of the message (when wanted), closes every other. */
static void take_fds(struct msghdr *mh, int *ret_fd)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (ret_fd && *ret_fd < 0)
				*ret_fd = fd;
			else
				(void)safe_close(fd);
		}
	}
}

int ctl_recv(int sock, int flags, struct ctl_msg *ret, int *ret_fd)
{
	struct ctl_msg m = {0};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} ctrl;
	struct iovec iov = {.iov_base = &m, .iov_len = sizeof(m)};
	struct msghdr mh = {.msg_iov = &iov,
	                    .msg_iovlen = 1,
	                    .msg_control = ctrl.buf,
	                    .msg_controllen = sizeof(ctrl)};
	ssize_t n;

	if (ret_fd)
		*ret_fd = -1;
	do
		n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	take_fds(&mh, ret_fd);
	if (n == 0)
		return 0;
	if ((size_t)n != sizeof(m) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (ret_fd)
			*ret_fd = safe_close(*ret_fd);
		return -EBADMSG;
	}
	*ret = m;
	return 1;
}
