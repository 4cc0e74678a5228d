/* SPDX-License-Identifier: MIT */
/*
 * sync: the socket between launch and the container's first process, from
 * clone to exec. The parent sends GO; the child answers only with a warning
 * or an error ({errno, message}); a clean exec closes the socket (EOF).
 * The child never prints: whatever it has to say travels here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sync_type {
	SYNC_GO = 1,
	SYNC_ERROR = 2,
	SYNC_WARNING = 3,
	SYNC_READY = 4, /* the OCI first process: set up, waiting for `box start` */
	SYNC_HOOKS = 5, /* the OCI first process: before its pivot, the runtime's hooks' turn */
};

struct sync_msg {
	uint32_t type;
	int32_t err; /* positive errno for SYNC_ERROR, else 0 */
	char text[504];
};

/* fds[0]: parent's end, fds[1]: child's end; both close-on-exec. */
int sync_pair(int fds[2]);
int sync_send_go(int fd);
int sync_send_ready(int fd);
int sync_send_hooks(int fd);
/* Child: 0 on GO, -EPIPE when the parent is gone. */
int sync_wait_go(int fd);
/* GO with descriptors (SCM_RIGHTS): launch --userns hands the idmapped trees over so. */
#define SYNC_MAX_FDS 64
int sync_send_go_fds(int fd, const int *fds, size_t n);
/* Child: 0 on GO carrying exactly n descriptors (close-on-exec, into fds), -EPIPE when the
 * parent is gone, -EBADMSG for anything else. */
int sync_wait_go_fds(int fd, int *fds, size_t n);
/* Child: sends an error built like log_errno's and returns r. */
int sync_errorf(int fd, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void sync_warnf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parent: 1 and *ret on a message, 0 on EOF, -errno (-EAGAIN with MSG_DONTWAIT). What
 * a child sent before it exited is read even when it left GO unread; *ret_unread (may be
 * NULL) is then set: that child never reached its exec. */
int sync_recv(int fd, int flags, struct sync_msg *ret, bool *ret_unread);
