/* SPDX-License-Identifier: MIT */
/*
 * output: the services' stdout and stderr. Each stream is a pipe whose read
 * end boxinit watches on its loop; complete lines go to boxinit's own stdout
 * or stderr prefixed "[name] ", each line whole. boxinit's outputs are written
 * without ever blocking: what a stuck reader cannot take waits in a bounded
 * buffer, then whole lines are dropped and counted. Never touches the main
 * command's output, which is boxinit's own descriptors, inherited.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#define OUTPUT_LINE_MAX 16384      /* longer lines are cut into pieces this long */
#define OUTPUT_SINK_MAX (1u << 20) /* bytes waiting for a slow reader, per sink */

/* One of boxinit's own outputs (1 or 2). */
struct outsink {
	uv_poll_t poll;
	int fd;        /* a private non-blocking description of it when possible */
	bool own_fd;   /* fd was opened here (closed at the end) */
	bool use_send; /* a socket: send(MSG_DONTWAIT) on the shared descriptor */
	bool pollable; /* poll is initialized */
	bool polling;
	bool broken; /* the reader is gone: output is discarded */
	char *buf;   /* pending bytes, whole lines: [head, len) */
	size_t head, len;
	unsigned long dropped;
};

/* One stream of one service. */
struct outreader {
	uv_poll_t poll;
	int rfd, wfd; /* the pipe; wfd is what the service's processes get as fd 1 or 2 */
	bool ready;
	struct outsink *sink;
	char prefix[48]; /* "[name] " */
	size_t prefix_len;
	char line[OUTPUT_LINE_MAX];
	size_t len;
};

int outsink_open(uv_loop_t *loop, struct outsink *o, int fd);
/* Writes what is pending, waiting at most timeout_ms in all (at exit). */
void outsink_flush(struct outsink *o, int timeout_ms);
void outsink_close(struct outsink *o);

int outreader_open(uv_loop_t *loop, struct outreader *r, struct outsink *sink, const char *name);
/* Reads what the pipe holds now and emits every line, the last one even unfinished. */
void outreader_drain(struct outreader *r);
void outreader_close(struct outreader *r);
