// SPDX-License-Identifier: MIT
/* term: see term.h. Runs in launch. */
#include "term.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"

bool term_raw(int fd, struct termios *saved)
{
	struct termios t;

	if (tcgetattr(fd, saved) < 0)
		return false;
	/* cfmakeraw: every key goes to the container's terminal, whose own line discipline
	 * then does echo, editing and Ctrl-C, Ctrl-Z, Ctrl-\ for its foreground group. */
	t = *saved;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSANOW, &t) < 0) {
		log_debug_errno(-errno, "raw mode on the terminal");
		return false;
	}
	return true;
}

void term_restore(int fd, const struct termios *saved)
{
	/* What the terminal received and we did not read (answers to queries the
	 * container's output made, say) must not reach the host's shell. */
	(void)tcflush(fd, TCIFLUSH);
	if (tcsetattr(fd, TCSANOW, saved) < 0)
		log_warn_errno(-errno, "restore the terminal's modes (try 'stty sane')");
}

/* The kernel tells the container's foreground group (SIGWINCH) when the size changed. */
void term_copy_winsize(int master)
{
	struct winsize ws;

	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0) {
			(void)ioctl(master, TIOCSWINSZ, &ws);
			return;
		}
}
