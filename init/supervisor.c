// SPDX-License-Identifier: MIT
/*
 * supervisor: see supervisor.h. Runs in boxinit (PID 1 or a subreaper),
 * single-threaded, in one libuv loop; every event arrives here through a
 * callback and goes through the shutdown table. Never waits for a child
 * (the reaper does) and never calls exit.
 */
#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

static void handle_event(struct supervisor *s, enum sd_event ev);

static void on_grace_expired(uv_timer_t *t)
{
	struct supervisor *s = container_of(t, struct supervisor, shutdown.grace);

	log_debug("grace period over");
	handle_event(s, SD_EV_GRACE_EXPIRED);
}

static void signal_everything(struct supervisor *s, int sig)
{
	int n = shutdown_signal_all(s->pid1, s->main.pgid, sig);

	log_debug("sent signal %d to everything (%d targets)", sig, n);
}

static void act(struct supervisor *s, enum sd_action a)
{
	int r;

	switch (a) {
	case SD_ACT_TERM_ALL:
		signal_everything(s, SIGTERM);
		r = shutdown_arm(&s->shutdown, s->cfg->grace_ms, on_grace_expired);
		if (r < 0) {
			/* No grace without a timer: go straight to SIGKILL. */
			log_errno(r, "start grace timer");
			s->shutdown.state = SD_KILLING;
			signal_everything(s, SIGKILL);
		}
		break;
	case SD_ACT_KILL_ALL:
		(void)uv_timer_stop(&s->shutdown.grace);
		signal_everything(s, SIGKILL);
		break;
	case SD_ACT_FINISH:
		uv_stop(&s->loop);
		break;
	default:
		break;
	}
}

static void handle_event(struct supervisor *s, enum sd_event ev)
{
	enum sd_state old = s->shutdown.state;
	struct sd_step step = shutdown_next(old, ev, s->cfg->keep_running);

	if (step.next != old)
		log_debug("state %s -> %s", shutdown_state_name(old),
		          shutdown_state_name(step.next));
	s->shutdown.state = step.next;
	act(s, step.action);
}

static void on_signal(struct signals *sw, int sig, enum sig_action a)
{
	struct supervisor *s = container_of(sw, struct supervisor, signals);

	log_debug("got signal %d: %s", sig, signals_action_name(a));
	switch (a) {
	case SIG_ACT_FORWARD:
		if (service_signal(&s->main, sig) < 0)
			log_debug("signal %d: no process left to forward it to", sig);
		break;
	case SIG_ACT_STOP:
		handle_event(s, SD_EV_STOP);
		break;
	case SIG_ACT_STOP_NOW:
		handle_event(s, SD_EV_STOP_NOW);
		break;
	default:
		break;
	}
}

static void on_child_exit(struct reaper *r, pid_t pid, int wstatus)
{
	struct supervisor *s = container_of(r, struct supervisor, reaper);

	if (service_owns_pid(&s->main, pid)) {
		service_exited(&s->main, wstatus);
		handle_event(s, SD_EV_MAIN_EXITED);
		return;
	}
	s->orphans++;
	log_debug("reaped pid %d, status %d", (int)pid, status_to_exit_code(wstatus));
}

static void on_pass_done(struct reaper *r, bool reaped_any, bool none_left)
{
	struct supervisor *s = container_of(r, struct supervisor, reaper);

	if (reaped_any)
		handle_event(s, SD_EV_REAPED);
	if (none_left)
		handle_event(s, SD_EV_NOTHING_LEFT);
}

static const struct reaper_ops reaper_ops = {
    .exited = on_child_exit,
    .pass_done = on_pass_done,
};

int supervisor_init(struct supervisor *s, const struct init_config *cfg, const char *cwd)
{
	int r;

	s->cfg = cfg;
	s->pid1 = getpid() == 1;
	s->main = (struct service){
	    .name = "main",
	    .spawn = {.argv = cfg->argv,
	              .cwd = cwd,
	              .workdir = cfg->workdir,
	              .uid = cfg->uid,
	              .gid = cfg->gid,
	              .has_user = cfg->has_user},
	};
	r = uv_loop_init(&s->loop);
	if (r < 0)
		return log_errno(r, "init event loop");
	s->loop_ready = true;
	r = reaper_start(&s->loop, &s->reaper, &reaper_ops);
	if (r < 0)
		return log_errno(r, "watch SIGCHLD");
	r = signals_start(&s->loop, &s->signals, cfg->keep_running, on_signal);
	if (r < 0)
		return r;
	r = shutdown_init(&s->loop, &s->shutdown);
	if (r < 0)
		return log_errno(r, "init grace timer");
	return 0;
}

int supervisor_start(struct supervisor *s)
{
	return service_start(&s->main);
}

int supervisor_run(struct supervisor *s)
{
	sigset_t none;

	/* Signals that arrived since start-up were held pending; from here on the
	 * libuv handlers take them and the loop forwards them to the command. */
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	/* Zombies inherited from whatever exec'd boxinit, or a command that failed
	 * at once, would otherwise wait for the next SIGCHLD. */
	reaper_pass(&s->reaper);
	/* If that pass already finished, uv_stop is pending and uv_run returns at
	 * once (clearing it, so the close pass below can run). */
	(void)uv_run(&s->loop, UV_RUN_DEFAULT);
	return s->main.exited ? s->main.exit_code : EXIT_LAUNCH_FAILURE;
}

int supervisor_close(struct supervisor *s)
{
	sigset_t all;
	int r;

	if (!s->loop_ready)
		return 0;
	/* Closing a watcher restores the default disposition: keep signals blocked
	 * so a late SIGTERM cannot kill boxinit with the wrong status. */
	sigfillset(&all);
	(void)sigprocmask(SIG_BLOCK, &all, NULL);
	reaper_close(&s->reaper);
	signals_close(&s->signals);
	shutdown_close(&s->shutdown);
	(void)uv_run(&s->loop, UV_RUN_DEFAULT);
	r = uv_loop_close(&s->loop);
	if (r < 0)
		return log_errno(r, "close event loop");
	s->loop_ready = false;
	return 0;
}
