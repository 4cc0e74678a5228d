/* SPDX-License-Identifier: MIT */
/*
 * ctl: the control socket between launch (host) and boxinit (the container's
 * PID 1), a SOCK_SEQPACKET pair made by launch before the clone and handed to
 * boxinit as --control-fd. boxinit sends the master of the terminal it opened in
 * the container's own devpts (CTL_TTY, the descriptor rides along) and says when
 * the main command has started and ended; launch answers CTL_TTY with CTL_ACK once
 * the terminal has its size, and asks for a stop with a grace of its own (CTL_STOP).
 * Launch treats every message as coming from the container: untrusted, checked,
 * never more than one descriptor kept.
 */
#pragma once

#include <stdint.h>

enum ctl_type {
	CTL_TTY = 1,          /* boxinit -> launch: the pty master rides along */
	CTL_ACK = 2,          /* launch -> boxinit: the terminal is ready, start the command */
	CTL_MAIN_EXITED = 3,  /* boxinit -> launch: value is the main command's exit code */
	CTL_MAIN_STARTED = 4, /* boxinit -> launch: the main command runs (exec'd), or with no
	                       * main command the services were started */
	CTL_STOP = 5,         /* launch -> boxinit: stop as on SIGTERM, value the grace in ms
	                       * (launch stop -t: in place of --grace) */
};

struct ctl_msg {
	uint32_t type;
	int32_t value;
};

/* Sends one message, with descriptor pass_fd when it is >= 0. 0 or -errno. */
int ctl_send(int sock, uint32_t type, int32_t value, int pass_fd);
/* Receives one message: 1 and *ret (and *ret_fd, close-on-exec, or -1: a descriptor
 * nobody asked for, or a second one, is closed), 0 on EOF, -errno (-EAGAIN with
 * MSG_DONTWAIT in flags). ret_fd may be NULL: then every descriptor is closed. */
int ctl_recv(int sock, int flags, struct ctl_msg *ret, int *ret_fd);
