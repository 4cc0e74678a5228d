// SPDX-License-Identifier: MIT
/*
 * spawn: the only fork in boxinit. The child never logs: it reports the step
 * that failed and its errno over a CLOEXEC pipe, and the parent prints it. A
 * successful exec closes the pipe, so EOF means "running". Never waits.
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "fmt.h"
#include "log.h"
#include "util.h"

enum child_step {
	STEP_OOM,
	STEP_STDIO,
	STEP_WORKDIR,
	STEP_SETGROUPS,
	STEP_SETGID,
	STEP_SETUID,
	STEP_EXEC,
};

struct child_report {
	int32_t step;
	int32_t err;
};

#define OOM_ADJ_PATH      "/proc/self/oom_score_adj"
#define OOM_SCORE_ADJ_MIN (-1000)

/* The value boxinit started with, as text for the child (no formatting after fork);
 * empty while boxinit's own is unchanged. */
static char oom_restore[16];
static size_t oom_restore_len;

static bool oom_set(int fd, int v)
{
	char buf[16];
	int n = fmt_snprintf(buf, sizeof(buf), "%d", v);

	return n > 0 && pwrite(fd, buf, (size_t)n, 0) == n;
}

/* Below what it inherited needs CAP_SYS_RESOURCE (of the host's user namespace); without
 * it, the floor is the value last set with it (often not the current one), which the
 * kernel does not show: found by bisection, a dozen writes once. */
void spawn_oom_protect(void)
{
	char orig[16];
	_cleanup_close_ int fd = -1;
	int r, lo = OOM_SCORE_ADJ_MIN, hi = 0, was;

	r = read_file(OOM_ADJ_PATH, orig, sizeof(orig));
	if (r == 0)
		r = parse_int(orig, OOM_SCORE_ADJ_MIN, 1000, &hi);
	was = hi;
	if (r == 0 && hi > OOM_SCORE_ADJ_MIN) {
		fd = open(OOM_ADJ_PATH, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			r = -errno;
	}
	if (r < 0) {
		log_debug("read '%s': %s: oom_score_adj left as it is", OOM_ADJ_PATH, strerror(-r));
		return;
	}
	if (fd < 0)
		return; /* already the lowest */
	if (oom_set(fd, lo)) {
		hi = lo;
	} else {
		/* Invariant: lo is refused, hi is allowed. */
		while (hi - lo > 1) {
			int mid = lo + (hi - lo) / 2;

			if (oom_set(fd, mid))
				hi = mid;
			else
				lo = mid;
		}
		if (!oom_set(fd, hi))
			return;
	}
	if (hi == was)
		return;
	oom_restore_len = strlen(orig);
	memcpy(oom_restore, orig, oom_restore_len);
	log_debug("oom_score_adj %d (was %s; commands get %s)", hi, orig, orig);
}

/* In the child, first: raising the value back needs no privilege. */
static int child_oom_restore(void)
{
	int fd, r = 0;

	if (oom_restore_len == 0)
		return 0;
	fd = open(OOM_ADJ_PATH, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, oom_restore, oom_restore_len) < 0)
		r = -1;
	if (fd >= 0)
		(void)close(fd);
	return r;
}

int spawn_exec_exit_code(int err)
{
	return err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE;
}

static enum spawn_tty detect_tty(void)
{
	pid_t tty_sid;

	if (!isatty(STDIN_FILENO))
		return SPAWN_TTY_NONE;
	tty_sid = tcgetsid(STDIN_FILENO);
	if (tty_sid < 0)
		return SPAWN_TTY_ACQUIRE;
	/* 0: the session's leader is outside our pid namespace (it is 0 for getsid too).
	 * That terminal is someone else's, typically the shell of the host that started a
	 * pid namespace around us: the command must not join that session, or it could
	 * push input into that shell (TIOCSTI) and take its foreground. */
	if (tty_sid == 0)
		return SPAWN_TTY_NONE;
	/* tcsetpgrp only works within the terminal's session: stay in ours. */
	if (tty_sid == getsid(0))
		return SPAWN_TTY_FOREGROUND;
	/* Another session's terminal: taking it would need CAP_SYS_ADMIN and steal
	 * it from its owner. The command still reads and writes it. */
	return SPAWN_TTY_NONE;
}

void spawn_reclaim_tty(void)
{
	/* SIGTTOU is ignored by boxinit, so a background group may do this. */
	if (isatty(STDIN_FILENO) && tcgetsid(STDIN_FILENO) == getsid(0))
		(void)tcsetpgrp(STDIN_FILENO, getpgrp());
}

/* In the child. Job control needs the command to lead its own process group and to
 * be the terminal's foreground group: then Ctrl-C and Ctrl-Z reach it directly.
 * Failures only cost job control, so they are not fatal. SIGTTOU is still blocked,
 * which lets a background group call tcsetpgrp. */
static void child_session(const struct spawn_opts *o, enum spawn_tty tty)
{
	switch (tty) {
	case SPAWN_TTY_FOREGROUND:
		(void)setpgid(0, 0);
		(void)tcsetpgrp(STDIN_FILENO, getpid());
		break;
	case SPAWN_TTY_ACQUIRE:
		(void)setsid();
		(void)ioctl(STDIN_FILENO, TIOCSCTTY, 0);
		(void)tcsetpgrp(STDIN_FILENO, getpid());
		break;
	case SPAWN_TTY_OWN:
		/* The terminal is new and ours: it can only fail if the kernel is broken. */
		(void)setsid();
		(void)ioctl(o->tty_fd, TIOCSCTTY, 0);
		(void)tcsetpgrp(o->tty_fd, getpid());
		break;
	default:
		(void)setsid();
		break;
	}
}

static void child_reset_signals(void)
{
	struct sigaction sa = {.sa_handler = SIG_DFL};

	/* Before the mask is emptied (right before exec): a signal pending in the child
	 * must act with the default disposition, and an ignore inherited from boxinit
	 * (or from whoever started it) would survive exec. The signalfd is CLOEXEC. */
	for (int sig = 1; sig < NSIG; sig++)
		(void)sigaction(sig, &sa, NULL);
}

_noreturn_ static void child_fail(int fd, enum child_step step, int err)
{
	struct child_report rep = {.step = step, .err = err};

	(void)write_all(fd, &rep, sizeof(rep));
	_exit(step == STEP_EXEC ? spawn_exec_exit_code(err) : EXIT_LAUNCH_FAILURE);
}

/* In the child: dup2 clears close-on-exec on the copies, the originals stay CLOEXEC. */
static int child_stdio(const struct spawn_opts *o)
{
	int null;

	if (o->tty_fd >= 0) {
		for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
			if (dup2(o->tty_fd, fd) < 0)
				return -1;
		return 0;
	}
	null = open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (null < 0 || dup2(null, STDIN_FILENO) < 0)
		return -1;
	if (dup2(o->stdout_fd, STDOUT_FILENO) < 0 || dup2(o->stderr_fd, STDERR_FILENO) < 0)
		return -1;
	return 0;
}

_noreturn_ static void child_run(const struct spawn_opts *o, enum spawn_tty tty, int fd)
{
	sigset_t none;

	child_reset_signals();
	if (child_oom_restore() < 0)
		child_fail(fd, STEP_OOM, errno);
	child_session(o, tty);
	if ((o->service || tty == SPAWN_TTY_OWN) && child_stdio(o) < 0)
		child_fail(fd, STEP_STDIO, errno);
	/* boxinit itself sits in "/"; the command starts where boxinit was started, or
	 * in "/" if that directory is gone. */
	if (o->cwd && chdir(o->cwd) < 0)
		errno = 0;
	if (o->workdir && chdir(o->workdir) < 0)
		child_fail(fd, STEP_WORKDIR, errno);
	/* Groups first: once the uid is dropped, CAP_SETGID is gone. Raw syscalls:
	 * the libc wrappers synchronise every thread, and this child has one. */
	if (o->has_user) {
		if (syscall(SYS_setgroups, 1, &o->gid) < 0)
			child_fail(fd, STEP_SETGROUPS, errno);
		if (syscall(SYS_setgid, o->gid) < 0)
			child_fail(fd, STEP_SETGID, errno);
		if (syscall(SYS_setuid, o->uid) < 0)
			child_fail(fd, STEP_SETUID, errno);
	}
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (o->envp)
		execvpe(o->argv[0], o->argv, o->envp);
	else
		execvp(o->argv[0], o->argv);
	child_fail(fd, STEP_EXEC, errno);
}

static void report_failure(const struct spawn_opts *o, const struct child_report *rep)
{
	int r = -rep->err;

	switch (rep->step) {
	case STEP_OOM:
		log_errno(r, "restore '%s' of '%s' to %s", OOM_ADJ_PATH, o->argv[0], oom_restore);
		break;
	case STEP_STDIO:
		log_errno(r, "set up stdio of '%s'", o->argv[0]);
		break;
	case STEP_WORKDIR:
		log_errno(r, "chdir '%s'", o->workdir);
		break;
	case STEP_SETGROUPS:
		log_errno(r, "setgroups '%u'", (unsigned)o->gid);
		break;
	case STEP_SETGID:
		log_errno(r, "setgid '%u'", (unsigned)o->gid);
		break;
	case STEP_SETUID:
		log_errno(r, "setuid '%u'", (unsigned)o->uid);
		break;
	default:
		log_errno(r, "exec '%s'", o->argv[0]);
		break;
	}
}

int spawn_command(const struct spawn_opts *o, struct spawn_result *ret)
{
	_cleanup_close_ int rfd = -1, wfd = -1;
	struct child_report rep;
	enum spawn_tty tty = o->tty_fd >= 0 ? SPAWN_TTY_OWN
	                     : o->service   ? SPAWN_TTY_NONE
	                                    : detect_tty();
	int fds[2];
	ssize_t n;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	rfd = fds[0];
	wfd = fds[1];
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_run(o, tty, wfd);
	wfd = safe_close(wfd);
	/* Blocks only until the child has exec'd (EOF) or failed: no signal is lost
	 * meanwhile, they are all blocked and stay pending. */
	n = read_all(rfd, &rep, sizeof(rep));
	if (n == (ssize_t)sizeof(rep))
		report_failure(o, &rep);
	ret->pid = pid;
	ret->tty = tty;
	ret->failed = n == (ssize_t)sizeof(rep);
	return 0;
}
