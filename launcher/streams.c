// SPDX-License-Identifier: MIT
/*
 * streams: see streams.h. Runs in launch (host). Why the container must never hold
 * a host terminal: a process that has the terminal of the shell that started
 * launch can push keystrokes into that shell (TIOCSTI) that run as the host's
 * user once launch exits, change its modes, or make it non-blocking. The pty
 * handed over by boxinit is the container's own: the worst it can do is to its
 * own terminal. The terminal's raw mode is undone in stdio_finish and
 * stdio_close, which every path of launch goes through (launch's own errors,
 * the container killed, a stop), and as soon as the main command is gone.
 */
#include "streams.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"
#include "term.h"
#include "util.h"

#define DRAIN_TICK_MS 100
#define DRAIN_IDLE    10 /* ticks without progress before the last output is given up */

static int open_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);

	return fd < 0 ? -errno : fd;
}

static int make_pipe(int *ret_read, int *ret_write)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	*ret_read = p[0];
	*ret_write = p[1];
	return 0;
}

/* Is the terminal on fd ours to take: are we its foreground process group? A
 * background launch (`launch ... &`) leaves the terminal to the shell. */
static bool in_foreground(int fd)
{
	pid_t fg = tcgetpgrp(fd);

	return fg > 0 && fg == getpgrp();
}

/* stdout or stderr: a host terminal goes through a pipe launch relays; anything else is
 * the container's as it is. */
static int plan_output(struct stdio *io, int fd, int *ret_launch_end)
{
	int r;

	if (!isatty(fd)) {
		io->child[fd] = fd;
		return 0;
	}
	r = make_pipe(ret_launch_end, &io->child[fd]);
	io->close_child[fd] = r == 0;
	return r;
}

static int plan_input(struct stdio *io, bool host_tty)
{
	int r;

	/* With a terminal, boxinit's own stdin is /dev/null: the command reads the pty. */
	if (!io->interactive || io->tty) {
		r = open_null();
		io->child[0] = r;
		io->close_child[0] = r >= 0;
		return r < 0 ? r : 0;
	}
	if (!host_tty) {
		io->child[0] = STDIN_FILENO;
		return 0;
	}
	r = make_pipe(&io->child[0], &io->pipe_in);
	io->close_child[0] = r == 0;
	return r;
}

int stdio_fill_closed(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		int null;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free number: fd itself. */
		null = open("/dev/null", O_RDWR | O_NOCTTY);
		if (null < 0)
			return -errno;
		if (null != fd)
			return -EBADF;
	}
	return 0;
}

/* Detached: stdin /dev/null, or with -i a pipe that stays open and empty (a shell then
 * waits instead of ending at EOF, as with docker run -di); output into the log. */
static int plan_detached(struct stdio *io)
{
	int r = io->interactive ? make_pipe(&io->child[0], &io->pipe_in) : open_null();

	if (!io->interactive)
		io->child[0] = r;
	io->close_child[0] = r >= 0;
	for (int fd = STDOUT_FILENO; r >= 0 && fd <= STDERR_FILENO; fd++) {
		r = make_pipe(&io->lp[fd - 1].fd, &io->child[fd]);
		io->close_child[fd] = r == 0;
		io->lp[fd - 1].stream = (enum logfile_stream)fd;
		io->lp[fd - 1].counts = true;
	}
	return r < 0 ? r : 0;
}

int stdio_prepare(const struct launch_config *c, struct stdio *io)
{
	bool in_tty = isatty(STDIN_FILENO), fg = in_tty && in_foreground(STDIN_FILENO);
	int r;

	/* io came zeroed; no compound literal: it would write all of it (the relays' buffers
	 * included, which a detached container never touches). */
	io->child[0] = io->child[1] = io->child[2] = -1;
	io->ctl[0] = io->ctl[1] = -1;
	io->pipe_in = io->pipe_out = io->pipe_err = io->master = -1;
	for (size_t i = 0; i < ARRAY_SIZE(io->lp); i++)
		io->lp[i].fd = -1;
	io->detached = c->detach;
	/* Docker's -it when a person is at the terminal: stdin and stdout are terminals and
	 * launch is in the foreground. Detached, only -t gives one (output to the log). */
	io->tty = c->tty == TTY_ALWAYS ||
	          (c->tty == TTY_AUTO && !c->detach && fg && isatty(STDOUT_FILENO));
	io->interactive = c->interactive || (fg && !c->detach);
	io->raw_wanted = io->tty && io->interactive && fg && !c->detach;
	if (c->detach) {
		r = plan_detached(io);
	} else {
		r = plan_input(io, in_tty);
		if (r == 0)
			r = plan_output(io, STDOUT_FILENO, &io->pipe_out);
		if (r == 0)
			r = plan_output(io, STDERR_FILENO, &io->pipe_err);
	}
	/* Always: boxinit says there when the command has started and when it ended. */
	if (r == 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, io->ctl) < 0)
		r = -errno;
	if (r < 0)
		return log_errno(r, "set up the stdio of container '%s'", c->name);
	log_debug("stdio: %s, stdin %s", io->tty ? "a terminal of its own" : "no terminal",
	          io->interactive ? "open" : "/dev/null");
	return 0;
}

void stdio_after_clone(struct stdio *io)
{
	for (int i = 0; i < 3; i++)
		if (io->close_child[i]) {
			io->child[i] = safe_close(io->child[i]);
			io->close_child[i] = false;
		}
	io->ctl[1] = safe_close(io->ctl[1]);
}

/* --- the host's terminal -------------------------------------------------------------- */

static void stdio_raw(struct stdio *io)
{
	if (io->raw_wanted && !io->raw)
		io->raw = term_raw(STDIN_FILENO, &io->saved);
}

static void stdio_restore(struct stdio *io)
{
	if (!io->raw)
		return;
	io->raw = false;
	term_restore(STDIN_FILENO, &io->saved);
}

/* The master: ours until the relay that reads it takes it. */
static int master_fd(const struct stdio *io)
{
	return io->tout.started ? io->tout.in_fd : io->master;
}

static void copy_winsize(struct stdio *io)
{
	term_copy_winsize(master_fd(io));
}

bool stdio_winch(struct stdio *io)
{
	if (!io->tty)
		return false;
	if (master_fd(io) >= 0)
		copy_winsize(io);
	return true;
}

/* --- relays ---------------------------------------------------------------------------- */

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* Host stdin ended (a pipe or file given with -i): the container's stdin pipe closes. */
static void on_stdin_eof(struct relay *r)
{
	relay_close(r);
}

/* Host stdin ended while the container has a terminal: a pty cannot be half-closed, so
 * its EOF character does it (twice after a partial line: the first only ends the line). */
static void on_stdin_eof_tty(struct relay *r)
{
	struct termios t;
	cc_t eof = 4;

	if (tcgetattr(r->out_fd, &t) == 0 && t.c_cc[VEOF] != _POSIX_VDISABLE)
		eof = t.c_cc[VEOF];
	if (r->last_byte >= 0 && r->last_byte != '\n')
		(void)write_all(r->out_fd, &eof, 1);
	(void)write_all(r->out_fd, &eof, 1);
}

static int start_tty_relays(struct stdio *io)
{
	int in_master = -1, r;

	r = relay_start(io->loop, &io->tout, io->master, STDOUT_FILENO,
	                RELAY_OUT_SHARED | RELAY_DISCARD, NULL);
	io->master = -1; /* the relay's now */
	if (r < 0 || !io->interactive)
		return r;
	/* A second descriptor: libuv watches each descriptor number once. */
	in_master = fcntl(io->tout.in_fd, F_DUPFD_CLOEXEC, 3);
	if (in_master < 0)
		return -errno;
	return relay_start(io->loop, &io->tin, STDIN_FILENO, in_master, RELAY_IN_SHARED,
	                   on_stdin_eof_tty);
}

/* --- the log of a detached container ------------------------------------------------- */

static void log_chunk(struct stdio *io, enum logfile_stream stream, const char *buf, size_t n)
{
	/* Kept for a start that fails: the reason is in the output (boxinit's message). */
	if (!io->main_started && io->early_len < sizeof(io->early)) {
		size_t take =
		    sizeof(io->early) - io->early_len < n ? sizeof(io->early) - io->early_len : n;

		memcpy(io->early + io->early_len, buf, take);
		io->early_len += take;
	}
	if (io->log)
		logfile_write(io->log, stream, buf, n);
}

static void on_logpipe(uv_poll_t *h, int status, int events)
{
	struct logpipe *p = h->data;
	char buf[16384];

	(void)status;
	(void)events;
	/* A bounded number of reads a wakeup: one flood cannot starve the loop. */
	for (int i = 0; i < 16; i++) {
		ssize_t n = read(p->fd, buf, sizeof(buf));

		if (n > 0) {
			log_chunk(p->io, p->stream, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* EOF, or EIO from a pty whose last user is gone. */
		p->done = true;
		(void)uv_poll_stop(&p->poll);
		return;
	}
}

static int logpipe_start(struct stdio *io, struct logpipe *p)
{
	int r = uv_poll_init(io->loop, &p->poll, p->fd); /* makes it non-blocking: ours */

	if (r < 0)
		return r;
	p->poll.data = p;
	p->io = io;
	p->open = true;
	return uv_poll_start(&p->poll, UV_READABLE, on_logpipe);
}

static void logpipe_close(struct logpipe *p)
{
	if (p->open)
		uv_close((uv_handle_t *)&p->poll, NULL);
	p->open = false;
	p->fd = safe_close(p->fd);
}

int stdio_open_log(struct stdio *io, const char *path, uint64_t max_size)
{
	return logfile_open(path, max_size, &io->log);
}

void stdio_detach_self(struct stdio *io)
{
	int p[2], null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (null < 0 || pipe2(p, O_CLOEXEC) < 0) {
		(void)safe_close(null);
		return;
	}
	(void)dup2(null, STDIN_FILENO);
	(void)dup2(null, STDOUT_FILENO);
	/* Non-blocking: a message launch writes while its loop is busy is lost, never waited
	 * for (the loop is what would read it). */
	(void)fcntl(p[1], F_SETFL, O_NONBLOCK);
	(void)dup2(p[1], STDERR_FILENO);
	(void)close(p[1]);
	(void)close(null);
	io->lp[3] = (struct logpipe){.fd = p[0], .stream = LOGFILE_STDERR};
	if (logpipe_start(io, &io->lp[3]) < 0)
		io->lp[3].fd = safe_close(io->lp[3].fd);
}

void stdio_print_early(struct stdio *io)
{
	if (io->early_len)
		(void)write_all(STDERR_FILENO, io->early, io->early_len);
	io->early_len = 0;
}

/* boxinit's terminal arrived: size it, take the host's terminal, let boxinit go on. */
static void on_master(struct stdio *io, int fd)
{
	unsigned n;
	int r;

	/* From the container: it must be a pty master, and only the first one counts. */
	if (io->master >= 0 || io->tout.started || io->lp[2].open || ioctl(fd, TIOCGPTN, &n) < 0) {
		log_debug("control socket: ignored a descriptor that is no new pty master");
		(void)safe_close(fd);
		return;
	}
	io->master = fd;
	copy_winsize(io);
	stdio_raw(io);
	r = ctl_send(io->ctl[0], CTL_ACK, 0, -1);
	if (r < 0)
		log_debug_errno(r, "answer boxinit");
	if (io->detached) {
		/* Into the log as the container's stdout; nobody types into it. */
		io->lp[2] = (struct logpipe){
		    .fd = steal_fd(&io->master), .stream = LOGFILE_STDOUT, .counts = true};
		r = logpipe_start(io, &io->lp[2]);
	} else {
		r = start_tty_relays(io);
	}
	if (r < 0)
		(void)log_errno(r, "relay the container's terminal");
}

/* Nothing in the container reads its terminal any more: the keyboard is the host's
 * again, so Ctrl-C reaches launch (a stop) rather than a terminal nobody reads. */
static void on_main_exited(struct stdio *io)
{
	io->main_exited = true;
	relay_stop_input(&io->tin);
	stdio_restore(io);
}

static void ctl_stop(struct stdio *io)
{
	if (io->ctl_watching)
		(void)uv_poll_stop(&io->ctl_poll);
}

static void on_ctl(uv_poll_t *h, int status, int events)
{
	struct stdio *io = container_of(h, struct stdio, ctl_poll);
	struct ctl_msg m;
	int fd, r;

	(void)status;
	(void)events;
	for (;;) {
		r = ctl_recv(io->ctl[0], MSG_DONTWAIT, &m, &fd);
		if (r == -EAGAIN || r == -EWOULDBLOCK)
			return;
		if (r <= 0) {
			/* boxinit is gone (or spoke nonsense): nothing more to hear. */
			ctl_stop(io);
			return;
		}
		if (m.type == CTL_TTY && fd >= 0) {
			on_master(io, steal_fd(&fd));
		} else if (m.type == CTL_MAIN_STARTED && !io->main_started) {
			io->main_started = true;
			if (io->events.started)
				io->events.started(io->events.data);
		} else if (m.type == CTL_MAIN_EXITED) {
			on_main_exited(io);
			if (io->events.main_exited)
				io->events.main_exited(io->events.data, m.value);
		}
		(void)safe_close(fd);
	}
}

int stdio_ask_stop(struct stdio *io, uint64_t grace_ms)
{
	if (!io->main_started || !io->ctl_watching || io->ctl[0] < 0)
		return -EAGAIN;
	return ctl_send(io->ctl[0], CTL_STOP, grace_ms > INT32_MAX ? INT32_MAX : (int32_t)grace_ms,
	                -1);
}

int stdio_start(struct stdio *io, uv_loop_t *loop, const struct stdio_events *events)
{
	int r = 0;

	io->loop = loop;
	if (events)
		io->events = *events;
	for (int i = 0; r == 0 && i < 2; i++)
		if (io->lp[i].fd >= 0)
			r = logpipe_start(io, &io->lp[i]);
	/* Writes to a host stdout that went away are errors, not a SIGPIPE for launch (the
	 * container was cloned with launch's own disposition already). */
	(void)signal(SIGPIPE, SIG_IGN);
	if (io->pipe_out >= 0)
		r = relay_start(loop, &io->out, steal_fd(&io->pipe_out), STDOUT_FILENO,
		                RELAY_OUT_SHARED | RELAY_DISCARD, NULL);
	if (r == 0 && io->pipe_err >= 0)
		r = relay_start(loop, &io->err, steal_fd(&io->pipe_err), STDERR_FILENO,
		                RELAY_OUT_SHARED | RELAY_DISCARD, NULL);
	if (r == 0 && io->pipe_in >= 0)
		r = relay_start(loop, &io->in, STDIN_FILENO, steal_fd(&io->pipe_in),
		                RELAY_IN_SHARED, on_stdin_eof);
	if (r == 0 && io->ctl[0] >= 0) {
		r = uv_poll_init(loop, &io->ctl_poll, io->ctl[0]);
		if (r == 0) {
			io->ctl_watching = true;
			r = uv_poll_start(&io->ctl_poll, UV_READABLE, on_ctl);
		}
	}
	if (r < 0)
		return log_errno(r, "relay the container's stdio");
	return 0;
}

/* --- the end ----------------------------------------------------------------------------- */

static bool outputs_done(const struct stdio *io)
{
	for (int i = 0; i < 4; i++)
		if (io->lp[i].open && io->lp[i].counts && !io->lp[i].done)
			return false;
	return relay_finished(&io->out) && relay_finished(&io->err) && relay_finished(&io->tout);
}

static uint64_t moved(const struct stdio *io)
{
	return io->out.moved + io->err.moved + io->tout.moved;
}

static void on_drain_tick(uv_timer_t *t)
{
	struct stdio *io = container_of(t, struct stdio, drain_timer);
	uint64_t now = moved(io);

	io->drain_idle_ticks = now == io->drain_moved ? io->drain_idle_ticks + 1 : 0;
	io->drain_moved = now;
}

void stdio_finish(struct stdio *io)
{
	relay_stop_input(&io->in);
	relay_stop_input(&io->tin);
	stdio_restore(io);
	if (!io->loop || outputs_done(io))
		return;
	/* Every process of the container is gone: what is left in the pipes and the pty is
	 * all there will be. A host stdout that takes nothing for a second is given up on. */
	if (uv_timer_init(io->loop, &io->drain_timer) < 0)
		return;
	io->drain_ready = true;
	io->drain_moved = moved(io);
	(void)uv_timer_start(&io->drain_timer, on_drain_tick, DRAIN_TICK_MS, DRAIN_TICK_MS);
	while (!outputs_done(io) && io->drain_idle_ticks < DRAIN_IDLE)
		(void)uv_run(io->loop, UV_RUN_ONCE);
	if (!outputs_done(io))
		log_debug(
		    "the host took none of the container's last output for a second: dropped");
}

void stdio_close(struct stdio *io)
{
	stdio_restore(io);
	relay_close(&io->in);
	relay_close(&io->out);
	relay_close(&io->err);
	relay_close(&io->tin);
	relay_close(&io->tout);
	if (io->ctl_watching)
		uv_close((uv_handle_t *)&io->ctl_poll, NULL);
	io->ctl_watching = false;
	if (io->drain_ready)
		uv_close((uv_handle_t *)&io->drain_timer, NULL);
	io->drain_ready = false;
	for (int i = 0; i < 4; i++)
		logpipe_close(&io->lp[i]);
	logfile_close(steal_ptr(&io->log));
	for (int i = 0; i < 3; i++)
		if (io->close_child[i])
			io->child[i] = safe_close(io->child[i]);
	io->ctl[0] = safe_close(io->ctl[0]);
	io->ctl[1] = safe_close(io->ctl[1]);
	io->pipe_in = safe_close(io->pipe_in);
	io->pipe_out = safe_close(io->pipe_out);
	io->pipe_err = safe_close(io->pipe_err);
	io->master = safe_close(io->master);
}
