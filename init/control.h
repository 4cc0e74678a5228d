/* SPDX-License-Identifier: MIT */
/*
 * control: boxinit's service-control socket in the container, CONTROL_PATH in
 * its own /dev, mode 0600: root in the container may use it, and root on the
 * host (launch service), nobody else. One request a connection, one line each
 * way (the README documents them); the answer is made by the supervisor's
 * handler. A connection that sends more than CONTROL_LINE bytes, or nothing for
 * a second, is closed. Never blocks the loop.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#define CONTROL_PATH  "/dev/boxinit.sock"
#define CONTROL_LINE  256
#define CONTROL_REPLY 16384

/* Fills reply (NUL-terminated, one line with its newline) for the request line. */
typedef void (*control_handler)(void *data, const char *request, char *reply, size_t size);

struct control {
	uv_poll_t poll;
	int fd;
	bool open;
	control_handler handler;
	void *data;
};

/* Listens on CONTROL_PATH (a stale socket there is replaced). Logs. */
int control_start(uv_loop_t *loop, struct control *c, control_handler handler, void *data);
/* Closes the server (connections in flight finish on their own). */
void control_close(struct control *c);
