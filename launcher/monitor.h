/* SPDX-License-Identifier: MIT */
/*
 * monitor: the socket a running container's monitor (launch, foreground or
 * detached) listens on, MONITOR_SOCK in the container's record directory (root
 * only). `launch stop`, `kill` and `wait` talk to it, one line a request and
 * one line a reply:
 *
 *   stop MS     -> ok            stop now; what is left MS milliseconds later is killed
 *   kill SIG    -> ok            send signal SIG to the container's PID 1
 *   wait        -> exit N        (when the container has ended; "exit -" if unknown)
 *   anything    -> error TEXT
 *
 * The monitor is the parent of PID 1, so it alone can signal it with no risk of
 * a recycled pid, and it alone knows the exit status when the record is gone.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#define MONITOR_SOCK "monitor.sock"

struct monitor_ops {
	void (*stop)(void *data, uint64_t kill_after_ms);
	void (*signal)(void *data, int sig);
	void *data;
};

struct monitor;

/* Listens on dir/MONITOR_SOCK on loop. Logs. */
int monitor_start(uv_loop_t *loop, const char *dir, const struct monitor_ops *ops,
                  struct monitor **ret);
/* The container ended: every waiter gets its "exit" line; the socket and the connections
 * close (run the loop once more to free them). NULL is fine. */
void monitor_finish(struct monitor *m, bool exited, int code);

/* The client side, for the commands. Sends lines (each with its newline) to NAME's monitor
 * and reads replies into reply (without the newline) until one starts with until (NULL: the
 * first). timeout_ms < 0: as long as it takes. 0, -ENOENT/-ECONNREFUSED (no monitor),
 * -ECONNRESET (it ended without that reply), -ETIMEDOUT, -errno. */
int monitor_ask(const char *name, const char *lines, const char *until, char *reply, size_t size,
                int timeout_ms);
/* monitor_ask in two halves, so that one command can ask many monitors at once: the
 * connection with lines sent (a descriptor to close, or -errno as above), then the reply. */
int monitor_send(const char *name, const char *lines);
int monitor_reply(int fd, const char *until, char *reply, size_t size, int timeout_ms);
