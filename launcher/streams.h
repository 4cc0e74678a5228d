/* SPDX-License-Identifier: MIT */
/*
 * streams: what the container gets as stdin, stdout and stderr, and the host's
 * terminal. The container never gets a descriptor of a host terminal: a host
 * terminal on stdout or stderr is reached through a pipe that launch relays;
 * with a terminal (-t, or stdin and stdout terminals in the foreground) boxinit
 * opens a pty in the container's own devpts and hands its master to launch,
 * which relays it to the host's terminal, put in raw mode meanwhile and
 * restored on every way out. Everything else (files, pipes, sockets) is handed
 * over as it is, at no cost. Runs in launch.
 */
#pragma once

#include <stdbool.h>
#include <termios.h>
#include <uv.h>

#include "config.h"
#include "logfile.h"
#include "relay.h"

/* Output of a detached container: a pipe read into the log. */
struct logpipe {
	uv_poll_t poll;
	int fd;
	enum logfile_stream stream;
	bool open, done, counts; /* counts: the drain at the end waits for its EOF */
	struct stdio *io;
};

/* What boxinit says over the control socket, for launch's main. */
struct stdio_events {
	void (*started)(void *data); /* the main command runs (or the services) */
	void (*main_exited)(void *data, int code);
	void *data;
};

struct stdio {
	bool detached;    /* output to the log, no host terminal at all */
	bool tty;         /* the container gets a terminal of its own */
	bool interactive; /* stdin reaches the container */
	bool raw_wanted;  /* the host's stdin is a terminal we may take: raw mode with the pty */
	bool raw;         /* ...and it is in raw mode now */
	bool main_exited;
	int child[3];        /* the container's 0, 1, 2 (the first process dup2s them) */
	bool close_child[3]; /* child[i] is launch's to close after the clone */
	int ctl[2];  /* control socket with boxinit ([0] launch's, [1] the child's), or -1 */
	int pipe_in; /* write end towards the container's stdin, or -1 */
	int pipe_out, pipe_err; /* read ends of the container's stdout, stderr, or -1 */
	int master;             /* the container's pty master, once boxinit sent it */
	struct termios saved;
	uv_loop_t *loop;
	uv_poll_t ctl_poll;
	bool ctl_watching;
	uv_timer_t drain_timer;
	bool drain_ready;
	int drain_idle_ticks;
	uint64_t drain_moved;
	struct relay in, out, err; /* host stdin -> pipe, pipes -> host stdout/stderr */
	struct relay tin, tout;    /* host stdin -> pty master -> host stdout */
	struct stdio_events events;
	bool main_started;
	/* Detached: the log, the pipes into it (stdout, stderr, the pty, launch's own stderr),
	 * and what the container wrote before its command started (printed if it never does). */
	struct logfile *log;
	struct logpipe lp[4];
	char early[4096];
	size_t early_len;
};

/* First thing in launch: 0, 1 and 2 that are closed become /dev/null, so no descriptor
 * launch opens later is taken for one of them. -errno (nothing logged). */
int stdio_fill_closed(void);
/* Decides and makes what the container's stdio will be (before the clone), in io, which
 * must be zeroed (calloc: its buffers stay unmapped until used). Logs; -errno. */
int stdio_prepare(const struct launch_config *c, struct stdio *io);
/* Detached: opens the log (before the container writes to it). Logs; -errno. */
int stdio_open_log(struct stdio *io, const char *path, uint64_t max_size);
/* Detached, once the command runs: launch's own stdin and stdout become /dev/null and its
 * stderr a pipe into the log, so nothing ties the monitor to a terminal. */
void stdio_detach_self(struct stdio *io);
/* What the container wrote before its command started, for a start that failed. */
void stdio_print_early(struct stdio *io);
/* Parent, after the clone: closes the ends that are the child's now. */
void stdio_after_clone(struct stdio *io);
/* Starts the relays and listens to boxinit on loop (events: what boxinit says). Logs. */
int stdio_start(struct stdio *io, uv_loop_t *loop, const struct stdio_events *events);
/* Asks boxinit to stop with grace_ms of grace (CTL_STOP): 0, or -EAGAIN while its command
 * has not started (the control socket still carries the terminal's hand-shake) or once it
 * is gone, -errno. */
int stdio_ask_stop(struct stdio *io, uint64_t grace_ms);
/* SIGWINCH: true when the container has a terminal of its own and got the new size (the
 * kernel tells its foreground group); false: forward the signal as before. */
bool stdio_winch(struct stdio *io);
/* After the container ended: stops reading stdin, gives the host's terminal back, writes
 * what the container wrote last (until nothing moves for a second). */
void stdio_finish(struct stdio *io);
/* Every path: the terminal restored, handles closed (the loop must run after), fds closed. */
void stdio_close(struct stdio *io);
