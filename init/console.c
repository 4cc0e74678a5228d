// SPDX-License-Identifier: MIT
/*
 * console: see console.h. Runs in boxinit as PID 1 of the container, with every
 * capability still held, after /dev/pts (a new devpts instance) is mounted and
 * before anything is forked: no process of the container exists yet to race us.
 */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "ctl.h"
#include "fmt.h"
#include "log.h"
#include "util.h"

#define PTMX        "/dev/pts/ptmx"
#define CONSOLE     "/dev/console"
#define ACK_WAIT_MS 10000

/* The slave by the master's descriptor: no path to resolve, nothing to race (Linux 4.13). */
static int open_slave(int master)
{
	int fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* /dev/console is the container's terminal, as on a machine's console: a bind of the
 * slave, which lives in our own devpts mount. */
static int bind_console(int slave)
{
	_cleanup_close_ int fd =
	    open(CONSOLE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	char src[32];

	if (fd < 0)
		return log_errno(-errno, "create '%s'", CONSOLE);
	(void)fmt_snprintf(src, sizeof(src), "/proc/self/fd/%d", slave);
	if (mount(src, CONSOLE, NULL, MS_BIND, NULL) < 0)
		return log_errno(-errno, "bind the terminal on '%s'", CONSOLE);
	return 0;
}

/* launch sets the window size before it answers, so the command starts with it. Its end
 * (EOF), an error or a silence of ACK_WAIT_MS all mean: go on without. */
static void wait_ack(int ctl_fd)
{
	struct pollfd p = {.fd = ctl_fd, .events = POLLIN};
	struct ctl_msg m;
	int r;

	do
		r = poll(&p, 1, ACK_WAIT_MS);
	while (r < 0 && errno == EINTR);
	/* A plain read: launch's answer carries no descriptor. */
	if (r <= 0 || recv(ctl_fd, &m, sizeof(m), 0) != (ssize_t)sizeof(m) || m.type != CTL_ACK)
		log_debug("no answer from launch about the terminal: going on");
}

int console_open(int ctl_fd, bool has_user, uid_t uid, int *ret_slave)
{
	_cleanup_close_ int master = open(PTMX, O_RDWR | O_NOCTTY | O_CLOEXEC);
	_cleanup_close_ int slave = -1;
	int unlock = 0, r;

	if (master < 0)
		return log_errno(-errno, "open '%s'", PTMX);
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return log_errno(-errno, "unlock the terminal of '%s'", PTMX);
	slave = open_slave(master);
	if (slave < 0)
		return log_errno(slave, "open the terminal of '%s'", PTMX);
	/* As a login gives a user their terminal: the command may reopen and chmod it. The
	 * raw call: musl's wrapper carries a /proc fallback boxinit does not need. */
	if (has_user && syscall(SYS_fchown, slave, uid, (gid_t)-1) < 0)
		return log_errno(-errno, "chown the terminal to '%u'", (unsigned)uid);
	r = bind_console(slave);
	if (r < 0)
		return r;
	r = ctl_send(ctl_fd, CTL_TTY, 0, master);
	if (r < 0)
		return log_errno(r, "hand the terminal to launch");
	wait_ack(ctl_fd);
	/* boxinit's own messages and the services' lines go to the terminal too, as on a
	 * machine's console. This also closes launch's pipes for what came before. */
	if (dup2(slave, STDOUT_FILENO) < 0 || dup2(slave, STDERR_FILENO) < 0)
		return log_errno(-errno, "write to the terminal");
	*ret_slave = steal_fd(&slave);
	return 0;
}
