// SPDX-License-Identifier: MIT
/*
 * shutdown: see shutdown.h. The table is the whole policy: anything not
 * listed leaves the state as it is and does nothing.
 */
#include "shutdown.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

enum sd_mode {
	MODE_ANY,
	MODE_TINI, /* without --keep-running */
	MODE_KEEP, /* --keep-running */
};

struct sd_rule {
	enum sd_state state;
	enum sd_event ev;
	enum sd_mode mode;
	struct sd_step step;
};

static const struct sd_rule rules[] = {
    /* tini: the command's end is boxinit's end; stop signals are only forwarded. */
    {SD_RUNNING, SD_EV_MAIN_EXITED, MODE_TINI, {SD_DONE, SD_ACT_FINISH}},
    /* --keep-running: the end is when nothing is left, or a stop. */
    {SD_RUNNING, SD_EV_STOP, MODE_KEEP, {SD_STOPPING, SD_ACT_TERM_ALL}},
    {SD_RUNNING, SD_EV_STOP_NOW, MODE_KEEP, {SD_KILLING, SD_ACT_KILL_ALL}},
    {SD_RUNNING, SD_EV_NOTHING_LEFT, MODE_ANY, {SD_DONE, SD_ACT_FINISH}},
    {SD_RUNNING, SD_EV_SHUTDOWN, MODE_ANY, {SD_STOPPING, SD_ACT_TERM_ALL}},
    /* A second stop request, QUIT or the end of the grace: no more waiting. */
    {SD_STOPPING, SD_EV_STOP, MODE_ANY, {SD_KILLING, SD_ACT_KILL_ALL}},
    {SD_STOPPING, SD_EV_STOP_NOW, MODE_ANY, {SD_KILLING, SD_ACT_KILL_ALL}},
    {SD_STOPPING, SD_EV_GRACE_EXPIRED, MODE_ANY, {SD_KILLING, SD_ACT_KILL_ALL}},
    {SD_STOPPING, SD_EV_NOTHING_LEFT, MODE_ANY, {SD_DONE, SD_ACT_FINISH}},
    /* While killing, each reap may have orphaned processes to this subreaper
     * that the last round missed: SIGKILL is idempotent, so send it again. */
    {SD_KILLING, SD_EV_REAPED, MODE_ANY, {SD_KILLING, SD_ACT_KILL_ALL}},
    {SD_KILLING, SD_EV_STOP, MODE_ANY, {SD_KILLING, SD_ACT_KILL_ALL}},
    {SD_KILLING, SD_EV_STOP_NOW, MODE_ANY, {SD_KILLING, SD_ACT_KILL_ALL}},
    {SD_KILLING, SD_EV_NOTHING_LEFT, MODE_ANY, {SD_DONE, SD_ACT_FINISH}},
};

struct sd_step shutdown_next(enum sd_state state, enum sd_event ev, bool keep_running)
{
	enum sd_mode mode = keep_running ? MODE_KEEP : MODE_TINI;

	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct sd_rule *r = &rules[i];

		if (r->state == state && r->ev == ev && (r->mode == MODE_ANY || r->mode == mode))
			return r->step;
	}
	return (struct sd_step){state, SD_ACT_NONE};
}

const char *shutdown_state_name(enum sd_state s)
{
	static const char *const names[] = {
	    [SD_RUNNING] = "running",
	    [SD_STOPPING] = "stopping",
	    [SD_KILLING] = "killing",
	    [SD_DONE] = "done",
	};

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

static int signal_pid_and_group(pid_t pid, int sig)
{
	pid_t pgid = getpgid(pid);
	int n = 0;

	/* Never our own group: it holds boxinit and, when boxinit is not PID 1, its
	 * parent (the shell, unshare...). */
	if (pgid > 0 && pgid != getpgrp() && kill(-pgid, sig) == 0)
		n++;
	if (kill(pid, sig) == 0)
		n++;
	return n;
}

/* A subreaper cannot kill(-1): that is every process the user may signal on the
 * host. Its direct children (own and adopted) are listed by the kernel, all of them:
 * a list cut short would miss some, and could end in a partial pid, someone else's. */
static int signal_children(int sig)
{
	static const char path[] = "/proc/thread-self/children";
	_cleanup_free_ char *buf = NULL;
	int n = 0, r;

	/* 4 MiB: more than pid_max (2^22) pids of 7 digits and a space. */
	r = read_file_alloc(path, 4u << 20, &buf);
	if (r < 0) {
		log_debug("read '%s': %s: only the command's group is signalled", path,
		          strerror(-r));
		return 0;
	}
	for (char *p = buf, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid > 0)
			n += signal_pid_and_group((pid_t)pid, sig);
	}
	return n;
}

int shutdown_signal_all(bool pid1, pid_t main_pgid, int sig)
{
	int n = 0;

	if (pid1)
		return kill(-1, sig) == 0 ? 1 : 0;
	if (main_pgid > 0 && main_pgid != getpgrp() && kill(-main_pgid, sig) == 0)
		n++;
	return n + signal_children(sig);
}

int shutdown_init(uv_loop_t *loop, struct shutdown *sd)
{
	int r = uv_timer_init(loop, &sd->grace);

	if (r < 0)
		return r;
	sd->timer_ready = true;
	sd->state = SD_RUNNING;
	return 0;
}

int shutdown_arm(struct shutdown *sd, uint64_t grace_ms, uv_timer_cb cb)
{
	/* One shot, never repeated: idle boxinit stays asleep. */
	return uv_timer_start(&sd->grace, cb, grace_ms, 0);
}

void shutdown_close(struct shutdown *sd)
{
	if (sd->timer_ready && !uv_is_closing((uv_handle_t *)&sd->grace))
		uv_close((uv_handle_t *)&sd->grace, NULL);
}
