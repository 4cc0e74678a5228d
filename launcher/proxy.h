/* SPDX-License-Identifier: MIT */
/*
 * proxy: published ports (--publish), as a TCP proxy on launch's own libuv
 * loop. Each host address and port is a listener; each connection it accepts
 * is joined to a new connection to the container's address and port, with
 * half-closes passed on. Bounded whatever clients do: at most max_conns
 * connections per port (more are accepted and reset at once), and buffers only
 * while data is in flight, one per direction of a connection (64 KiB at most, for
 * a few bulk transfers at a time; 16 or 4 KiB for the rest), and no reads
 * while a direction's write waits: a slow side slows its sender, and only its
 * own connection. Never blocks the loop, never logs per connection except with
 * --verbose.
 */
#pragma once

#include <netinet/in.h>
#include <stddef.h>
#include <uv.h>

#include "netconf.h"

struct proxy;

/* Binds and listens on every p[i].host_ip:host_port now (so a port in use fails the
 * start, before the container runs); connections go to target:container_port. Logs. */
int proxy_start(uv_loop_t *loop, const struct net_publish *p, size_t n, int max_conns,
                struct in_addr target, struct proxy **ret);
/* Closes the listeners and every connection. The memory is freed from the close
 * callbacks: the loop must run once more (uv_run) after this. NULL is fine. */
void proxy_stop(struct proxy *p);
