// SPDX-License-Identifier: MIT
/*
 * proc: what run, create and exec share about the processes they start: the console socket
 * they hand a pty to, and waiting in the foreground with the signals passed on.
 */
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "log.h"
#include "oci.h"
#include "util.h"
#include "waiter.h"

int oci_connect_console(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_error("--console-socket '%s': path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return log_errno(-errno, "create a socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		(void)safe_close(fd);
		return log_errno(r, "connect to console socket '%s'", path);
	}
	return fd;
}

int oci_wait_forwarding(pid_t pid)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	sigset_t set;
	int status;

	(void)sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		(void)sigaddset(&set, sigs[i]);
	(void)sigaddset(&set, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		int sig = 0;
		int w = waiter_poll(pid, &status);

		if (w == 1)
			return status_to_exit_code(status);
		if (w < 0)
			return EXIT_LAUNCH_FAILURE;
		if (sigwait(&set, &sig) == 0 && sig != SIGCHLD)
			(void)kill(pid, sig);
	}
}
