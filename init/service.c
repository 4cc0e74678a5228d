// SPDX-License-Identifier: MIT
/*
 * service: state of one supervised command. Small on purpose: the
 * supervisor decides what happens when a service exits; this module only
 * records it. Never waits, never exits the process.
 */
#include "service.h"

#include <errno.h>
#include <signal.h>

#include "log.h"
#include "util.h"

int service_start(struct service *svc)
{
	struct spawn_result res;
	int r;

	r = spawn_command(&svc->spawn, &res);
	if (r < 0)
		return log_errno(r, "fork '%s'", svc->spawn.argv[0]);
	svc->pid = res.pid;
	/* spawn made the child lead its own group (setsid or setpgid) before it
	 * returned, so the group id is the pid. */
	svc->pgid = res.pid;
	svc->tty_foreground = res.tty != SPAWN_TTY_NONE;
	svc->started = true;
	log_debug("started %s '%s' as pid %d", svc->name, svc->spawn.argv[0], (int)res.pid);
	return 0;
}

void service_exited(struct service *svc, int wstatus)
{
	svc->exit_code = status_to_exit_code(wstatus);
	svc->exited = true;
	log_debug("%s pid %d exited, status %d", svc->name, (int)svc->pid, svc->exit_code);
	svc->pid = 0;
	if (svc->tty_foreground) {
		spawn_reclaim_tty();
		svc->tty_foreground = false;
	}
}

int service_signal(const struct service *svc, int sig)
{
	/* The group outlives the pid (a shell's background jobs share it); a pid
	 * number is not reused as a group id while the group has members. */
	if (svc->pgid > 0 && kill(-svc->pgid, sig) == 0)
		return 0;
	if (svc->pid > 0 && kill(svc->pid, sig) == 0)
		return 0;
	return -ESRCH;
}

bool service_owns_pid(const struct service *svc, pid_t pid)
{
	return svc->started && svc->pid > 0 && svc->pid == pid;
}
