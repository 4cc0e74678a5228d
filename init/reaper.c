// SPDX-License-Identifier: MIT
/*
 * reaper: see reaper.h. waitpid(-1) is used nowhere else: a second waiter
 * would steal statuses from this one. Signals coalesce, so each SIGCHLD
 * drains every zombie, not just one.
 */
#include "reaper.h"

#include <errno.h>
#include <signal.h>
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

static void on_sigchld(uv_signal_t *h, int sig)
{
	(void)sig;
	reaper_pass(h->data);
}

int reaper_start(uv_loop_t *loop, struct reaper *r, const struct reaper_ops *ops)
{
	int e = uv_signal_init(loop, &r->watcher);

	if (e < 0)
		return e;
	r->ops = ops;
	r->watcher.data = r;
	return uv_signal_start(&r->watcher, on_sigchld, SIGCHLD);
}

void reaper_close(struct reaper *r)
{
	if (r->ops && !uv_is_closing((uv_handle_t *)&r->watcher))
		uv_close((uv_handle_t *)&r->watcher, NULL);
}
