// SPDX-License-Identifier: MIT
/*
 * reaper: see reaper.h. waitpid(-1) is used nowhere else: a second waiter
 * would steal statuses from this one. Signals coalesce, so each SIGCHLD
 * drains every zombie, not just one.
 */
#include "reaper.h"

#include <errno.h>
#include <sys/wait.h>

#include "log.h"

void reaper_pass(struct reaper *r)
{
	bool reaped_any = false, none_left = false;

	for (;;) {
		int wstatus;
		pid_t pid = waitpid(-1, &wstatus, WNOHANG);

		if (pid > 0) {
			reaped_any = true;
			r->reaped++;
			r->ops->exited(r, pid, wstatus);
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0 && errno == ECHILD)
			none_left = true;
		else if (pid < 0)
			log_errno(-errno, "waitpid");
		break;
	}
	r->ops->pass_done(r, reaped_any, none_left);
}

void reaper_init(struct reaper *r, const struct reaper_ops *ops)
{
	r->ops = ops;
	r->reaped = 0;
}
