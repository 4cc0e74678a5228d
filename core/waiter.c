// SPDX-License-Identifier: MIT
/*
 * waiter: see waiter.h.
 */
#include "waiter.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>

static int wait_for(pid_t pid, int *status, int flags)
{
	int st = 0;
	pid_t w;

	do
		w = waitpid(pid, &st, flags);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	if (w == 0)
		return 0;
	if (status)
		*status = st;
	return 1;
}

int waiter_wait(pid_t pid, int *status)
{
	int r = wait_for(pid, status, 0);

	return r < 0 ? r : 0;
}

int waiter_poll(pid_t pid, int *status)
{
	return wait_for(pid, status, WNOHANG);
}

void waiter_kill(pid_t pid)
{
	if (pid <= 0)
		return;
	(void)kill(pid, SIGKILL);
	(void)waiter_wait(pid, NULL);
}
