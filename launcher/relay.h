/* SPDX-License-Identifier: MIT */
/*
 * relay: copies bytes from one descriptor to another on launch's libuv loop,
 * one buffer at a time (no reads while a write waits: a slow reader slows the
 * writer, memory stays fixed). Used between the host's terminal or pipes and
 * the container's pipes or terminal, so the container never holds a descriptor
 * of the host's terminal. A descriptor launch shares with its caller (its own
 * stdin or stdout) is never switched to non-blocking: it is reopened through
 * /proc/self/fd (a description of its own), read and written with
 * MSG_DONTWAIT when it is a socket, or used blocking when it is a regular file.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define RELAY_BUF (16 * 1024)

enum {
	RELAY_IN_SHARED = 1 << 0,  /* in is launch's caller's (stdin): never made non-blocking */
	RELAY_OUT_SHARED = 1 << 1, /* out likewise (stdout, stderr) */
	RELAY_DISCARD = 1 << 2,    /* out broken: keep reading in and drop it (output relays,
	                            * so the container never blocks on a dead host stdout) */
};

struct relay;
/* Called once, when in reaches its end (EOF, or an error such as a pty's EIO). */
typedef void (*relay_eof_cb)(struct relay *r);

struct relay {
	uv_loop_t *loop;
	uv_poll_t in_poll, out_poll;
	uv_idle_t in_idle; /* in is a regular file: always readable */
	int in_fd, out_fd;
	bool in_own, out_own; /* ours to close */
	bool in_sock, out_sock, in_file, out_file;
	bool in_block; /* shared and blocking (could not be reopened): one read per wakeup */
	unsigned flags;
	bool started, in_done, out_broken, stopped, waiting_out;
	int open; /* handles not closed yet */
	uint64_t moved;
	int last_byte; /* the last byte written, or -1 */
	size_t head, len;
	relay_eof_cb on_eof;
	void *data;
	char buf[RELAY_BUF];
};

/* Starts copying from in_fd to out_fd. Descriptors marked shared stay the caller's;
 * others become the relay's (non-blocking, closed by relay_close). Logs; -errno. */
int relay_start(uv_loop_t *loop, struct relay *r, int in_fd, int out_fd, unsigned flags,
                relay_eof_cb on_eof);
/* No more reading (what is buffered is still written). */
void relay_stop_input(struct relay *r);
/* Everything read has been written (or dropped) and the input is over or stopped. */
bool relay_finished(const struct relay *r);
/* Closes the handles and the descriptors it owns; freed from the close callbacks. The
 * loop must run once more after this. Safe on a relay never started. */
void relay_close(struct relay *r);
/* How many handles are still closing: the struct must live until this is 0. */
int relay_open_handles(const struct relay *r);
