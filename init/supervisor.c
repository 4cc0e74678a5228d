// SPDX-License-Identifier: MIT
/*
 * supervisor: see supervisor.h. Runs in boxinit (PID 1 or a subreaper),
 * single-threaded, in one libuv loop; every event arrives here through a
 * callback and goes through the shutdown table or a service's table. Never
 * waits for a child (the reaper does) and never calls exit.
 */
#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl.h"
#include "fmt.h"
#include "log.h"
#include "util.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* At exit, how long a slow reader of boxinit's output is waited for. */
#define FLUSH_AT_EXIT_MS 1000

static void handle_event(struct supervisor *s, enum sd_event ev);
static void control_request(void *data, const char *req, char *out, size_t size);

static void on_recheck(uv_timer_t *t)
{
	struct supervisor *s = container_of(t, struct supervisor, recheck);

	reaper_pass(&s->reaper);
}

/* A service left its last state with a process (a backoff cancelled, the stop reaching
 * services already gone): no SIGCHLD will come to say that nothing is left. */
static void schedule_recheck(struct supervisor *s)
{
	if (s->recheck_ready)
		(void)uv_timer_start(&s->recheck, on_recheck, 0, 0);
}

static bool main_alive(const struct supervisor *s)
{
	return s->has_main && s->main.started && !s->main.exited;
}

static bool main_pending(const struct supervisor *s)
{
	return s->has_main && !s->main.started;
}

static bool deps_up(const struct supervisor *s, const struct service *svc)
{
	for (size_t d = 0; d < svc->conf->n_depends; d++)
		if (!service_is_up(&s->svcs[svc->conf->dep_idx[d]]))
			return false;
	return true;
}

/* Is any service that depends on svcs[i] still active? */
static bool dependents_active(const struct supervisor *s, size_t i)
{
	for (size_t j = 0; j < s->n_svcs; j++) {
		const struct svc_config *c = s->svcs[j].conf;

		for (size_t d = 0; d < c->n_depends; d++)
			if (c->dep_idx[d] == i && service_is_active(&s->svcs[j]))
				return true;
	}
	return false;
}

static bool any_service_active(const struct supervisor *s)
{
	for (size_t i = 0; i < s->n_svcs; i++)
		if (service_is_active(&s->svcs[i]))
			return true;
	return false;
}

/* launch (-d) returns once the command runs, not merely forked: spawn has seen its exec. */
static void tell_started(const struct supervisor *s)
{
	if (s->cfg->control_fd >= 0)
		(void)ctl_send(s->cfg->control_fd, CTL_MAIN_STARTED, 0, -1);
}

static void start_main(struct supervisor *s)
{
	if (service_start(&s->main) == 0) {
		if (!s->main.exited_early)
			tell_started(s);
		return;
	}
	/* Could not fork: as if it had failed at once. */
	s->main.started = s->main.exited = true;
	s->main.exit_code = EXIT_BOXINIT_FAILURE;
	handle_event(s, SD_EV_SHUTDOWN);
}

/* Services whose dependencies are up start (in order), then the main command once
 * every service is up or failed for good. */
static void start_what_can_start(struct supervisor *s)
{
	bool settled = true;

	if (s->stopping)
		return;
	for (size_t k = 0; k < s->n_svcs; k++) {
		struct service *svc = &s->svcs[s->conf->order[k]];

		if (svc->state == SVC_STOPPED && !svc->started && deps_up(s, svc))
			service_event(svc, SVC_EV_START);
	}
	for (size_t i = 0; i < s->n_svcs; i++)
		settled = settled && service_is_settled(&s->svcs[i]);
	if (settled && main_pending(s) && !s->stopping)
		start_main(s);
}

/* The graceful stop: main first, then each service once nothing that depends on it is
 * active (reverse dependency order, independent ones together), then whatever is left. */
static void advance_stop(struct supervisor *s)
{
	int n;

	if (!s->stopping || main_alive(s))
		return;
	for (size_t k = s->n_svcs; k-- > 0;) {
		size_t i = s->conf->order[k];
		struct service *svc = &s->svcs[i];

		if (service_is_active(svc) && svc->state != SVC_STOPPING &&
		    !dependents_active(s, i))
			service_event(svc, SVC_EV_STOP);
	}
	if (s->others_termed || any_service_active(s))
		return;
	s->others_termed = true;
	n = shutdown_signal_all(s->pid1, 0, SIGTERM);
	log_debug("services stopped; SIGTERM to the rest (%d targets)", n);
	schedule_recheck(s);
}

static void on_service_changed(struct service *svc)
{
	struct supervisor *s = svc->data;

	/* launch service restart: the stop is done, now the start. */
	if (svc->restart_pending && svc->state == SVC_STOPPED && !s->stopping) {
		svc->restart_pending = false;
		service_request_start(svc);
		return;
	}

	if (svc->state == SVC_FAILED && svc->conf->essential && !s->essential_failed) {
		s->essential_failed = true;
		s->essential_code = svc->exit_code;
		log_error("essential service '%s' failed: stopping", svc->name);
		handle_event(s, SD_EV_SHUTDOWN);
	}
	start_what_can_start(s);
	advance_stop(s);
	if (!service_is_active(svc))
		schedule_recheck(s);
}

static void on_grace_expired(uv_timer_t *t)
{
	struct supervisor *s = container_of(t, struct supervisor, shutdown.grace);

	log_debug("grace period over");
	handle_event(s, SD_EV_GRACE_EXPIRED);
}

static void signal_everything(struct supervisor *s, int sig)
{
	int n = shutdown_signal_all(s->pid1, s->has_main ? s->main.pgid : 0, sig);

	/* As a subreaper, a service's group whose leader is gone is nobody's child. */
	for (size_t i = 0; i < s->n_svcs; i++)
		if (service_signal(&s->svcs[i], sig) == 0)
			n++;
	log_debug("sent signal %d to everything (%d targets)", sig, n);
}

/* From now on an exit is final and a pending restart never happens. */
static void cancel_restarts(struct supervisor *s)
{
	s->stopping = true;
	for (size_t i = 0; i < s->n_svcs; i++) {
		s->svcs[i].no_restart = true;
		if (s->svcs[i].state == SVC_BACKOFF)
			service_event(&s->svcs[i], SVC_EV_STOP);
	}
}

static void begin_stop(struct supervisor *s)
{
	cancel_restarts(s);
	if (s->n_svcs == 0) {
		/* Nothing to order: everything at once, as tini would. */
		signal_everything(s, SIGTERM);
		s->others_termed = true;
		return;
	}
	if (main_alive(s))
		(void)service_signal(&s->main, SIGTERM);
	advance_stop(s);
}

static void act(struct supervisor *s, enum sd_action a)
{
	int r;

	switch (a) {
	case SD_ACT_TERM_ALL:
		r = shutdown_arm(&s->shutdown, s->grace_ms, on_grace_expired);
		if (r < 0) {
			/* No grace without a timer: go straight to SIGKILL. */
			log_errno(r, "start grace timer");
			cancel_restarts(s);
			s->shutdown.state = SD_KILLING;
			signal_everything(s, SIGKILL);
			break;
		}
		begin_stop(s);
		break;
	case SD_ACT_KILL_ALL:
		cancel_restarts(s);
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
	/* With services, a stop signal always means the ordered stop. */
	bool keep = s->cfg->keep_running || s->n_svcs > 0;
	struct sd_step step = shutdown_next(old, ev, keep);

	if (step.next != old)
		log_debug("state %s -> %s", shutdown_state_name(old),
		          shutdown_state_name(step.next));
	s->shutdown.state = step.next;
	act(s, step.action);
}

/* tini mode forwards a stop signal and lets the command take its time; an explicit --grace
 * bounds it: the first stop signal starts the grace, later ones do not restart it. */
static void arm_tini_grace(struct supervisor *s, int sig)
{
	int r;

	if ((sig != SIGTERM && sig != SIGINT) || !s->cfg->grace_given || s->cfg->keep_running ||
	    s->n_svcs > 0 || uv_is_active((uv_handle_t *)&s->shutdown.grace))
		return;
	r = shutdown_arm(&s->shutdown, s->cfg->grace_ms, on_grace_expired);
	if (r < 0)
		log_errno(r, "start grace timer");
}

static void on_signal(struct signals *sw, int sig, enum sig_action a)
{
	struct supervisor *s = container_of(sw, struct supervisor, signals);

	log_debug("got signal %d: %s", sig, signals_action_name(a));
	switch (a) {
	case SIG_ACT_BROADCAST:
		for (size_t i = 0; i < s->n_svcs; i++)
			if (service_is_active(&s->svcs[i]))
				(void)service_signal(&s->svcs[i], sig);
		/* The main command gets it too. */
		__attribute__((fallthrough));
	case SIG_ACT_FORWARD:
		if (!s->has_main || service_signal(&s->main, sig) < 0)
			log_debug("signal %d: no main command to forward it to", sig);
		arm_tini_grace(s, sig);
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

/* launch stop -t: a stop as on SIGTERM, with the grace it gives in place of --grace; once
 * stopping, a new request can only bring the deadline forward (a second SIGTERM kills). */
static void on_stop_request(struct supervisor *s, uint64_t grace_ms)
{
	bool keep = s->cfg->keep_running || s->n_svcs > 0;
	int r;

	log_debug("stop requested, grace %llu ms", (unsigned long long)grace_ms);
	s->grace_ms = grace_ms;
	if (keep && s->shutdown.state == SD_RUNNING) {
		handle_event(s, SD_EV_STOP);
		return;
	}
	if (s->shutdown.state != SD_RUNNING && s->shutdown.state != SD_STOPPING)
		return;
	/* tini mode: SIGTERM to the command, and the grace whatever --grace said. */
	if (!keep && main_alive(s))
		(void)service_signal(&s->main, SIGTERM);
	if (uv_is_active((uv_handle_t *)&s->shutdown.grace) &&
	    uv_timer_get_due_in(&s->shutdown.grace) <= grace_ms)
		return;
	r = shutdown_arm(&s->shutdown, grace_ms, on_grace_expired);
	if (r < 0)
		log_errno(r, "start grace timer");
}

/* Launch's requests on the control socket; its end (launch gone) ends the watch. */
static void on_ctl(uv_poll_t *h, int status, int events)
{
	struct supervisor *s = container_of(h, struct supervisor, ctl_poll);
	struct ctl_msg m;
	int r;

	(void)events;
	for (;;) {
		r = status < 0 ? status : ctl_recv(s->cfg->control_fd, MSG_DONTWAIT, &m, NULL);
		if (r == -EAGAIN || r == -EWOULDBLOCK)
			return;
		if (r <= 0) {
			(void)uv_poll_stop(h);
			return;
		}
		if (m.type == CTL_STOP && m.value >= 0)
			on_stop_request(s, (uint64_t)m.value);
		else
			log_debug("control: message %u ignored", (unsigned)m.type);
	}
}

static void on_main_exited(struct supervisor *s)
{
	/* launch gives the host's keyboard back to the host once nothing in the container
	 * reads the terminal any more (a stop is then one Ctrl-C away). */
	if (s->cfg->control_fd >= 0) {
		int r = ctl_send(s->cfg->control_fd, CTL_MAIN_EXITED, s->main.exit_code, -1);

		if (r < 0)
			log_debug_errno(r, "tell launch the command ended");
	}
	handle_event(s, SD_EV_MAIN_EXITED);
	/* tini mode: the command's end is the container's end, services stop in order. So
	 * is a command that could not be run at all (126, 127), kept running or not: the
	 * start failed, and the services it was to run beside go with it. */
	if ((!s->cfg->keep_running || s->main.exited_early) && s->n_svcs > 0)
		handle_event(s, SD_EV_SHUTDOWN);
	advance_stop(s);
}

static void on_child_exit(struct reaper *r, pid_t pid, int wstatus)
{
	struct supervisor *s = container_of(r, struct supervisor, reaper);

	if (s->has_main && service_owns_pid(&s->main, pid)) {
		service_exited(&s->main, wstatus);
		on_main_exited(s);
		return;
	}
	for (size_t i = 0; i < s->n_svcs; i++)
		if (service_reaped(&s->svcs[i], pid, wstatus))
			return;
	s->orphans++;
	log_debug("reaped pid %d, status %d", (int)pid, status_to_exit_code(wstatus));
}

static void on_pass_done(struct reaper *r, bool reaped_any, bool none_left)
{
	struct supervisor *s = container_of(r, struct supervisor, reaper);

	for (size_t i = 0; i < s->n_svcs; i++)
		if (s->svcs[i].state == SVC_STOPPING && service_is_gone(&s->svcs[i]))
			service_event(&s->svcs[i], SVC_EV_GONE);
	advance_stop(s);
	if (reaped_any)
		handle_event(s, SD_EV_REAPED);
	/* No child now, but a service in backoff (or a main command waiting for one)
	 * will have one again: that is not the end. */
	if (none_left && !any_service_active(s) && !(main_pending(s) && !s->stopping))
		handle_event(s, SD_EV_NOTHING_LEFT);
}

static const struct reaper_ops reaper_ops = {
    .exited = on_child_exit,
    .pass_done = on_pass_done,
};

static int init_services(struct supervisor *s, const char *cwd)
{
	int r;

	if (s->conf->n == 0)
		return 0;
	r = outsink_open(&s->loop, &s->out, STDOUT_FILENO);
	if (r == 0)
		r = outsink_open(&s->loop, &s->err, STDERR_FILENO);
	if (r < 0)
		return log_errno(r, "set up service output");
	s->svcs = calloc(s->conf->n + 1, sizeof(*s->svcs));
	if (!s->svcs)
		return log_errno(-ENOMEM, "set up services");
	for (size_t i = 0; i < s->conf->n; i++) {
		r = service_init(&s->loop, &s->svcs[i], &s->conf->svcs[i], cwd, &s->out, &s->err,
		                 on_service_changed);
		s->n_svcs++;
		if (r < 0)
			return r;
		s->svcs[i].data = s;
	}
	return 0;
}

int supervisor_init(struct supervisor *s, const struct init_config *cfg,
                    const struct services_config *conf, const char *cwd, int tty_fd)
{
	int r;

	s->cfg = cfg;
	s->conf = conf;
	s->grace_ms = cfg->grace_ms;
	s->pid1 = getpid() == 1;
	s->signals = (struct signals){.fd = -1};
	s->has_main = cfg->argv && cfg->argv[0];
	/* Field by field into the zeroed struct: assigning a compound literal writes all of
	 * it, line buffers included, and each page first touched costs 10 to 15 us on a
	 * shadow-paged VM (7 pages here, in every container's start). */
	s->main.name = "main";
	s->main.spawn.argv = cfg->argv;
	s->main.spawn.cwd = cwd;
	s->main.spawn.workdir = cfg->workdir;
	s->main.spawn.uid = cfg->uid;
	s->main.spawn.gid = cfg->gid;
	s->main.spawn.has_user = cfg->has_user;
	s->main.spawn.tty_fd = tty_fd;
	r = uv_loop_init(&s->loop);
	if (r < 0)
		return log_errno(r, "init event loop");
	s->loop_ready = true;
	r = init_services(s, cwd);
	if (r < 0)
		return r;
	reaper_init(&s->reaper, &reaper_ops);
	r = signals_start(&s->loop, &s->signals, cfg->keep_running || s->n_svcs > 0, &s->reaper,
	                  on_signal);
	if (r < 0)
		return r;
	r = shutdown_init(&s->loop, &s->shutdown);
	if (r < 0)
		return log_errno(r, "init grace timer");
	r = uv_timer_init(&s->loop, &s->recheck);
	if (r < 0)
		return log_errno(r, "init timer");
	s->recheck_ready = true;
	if (cfg->control_fd >= 0) {
		r = uv_poll_init(&s->loop, &s->ctl_poll, cfg->control_fd);
		if (r < 0)
			return log_errno(r, "watch the control socket");
		s->ctl_polling = true;
		r = uv_poll_start(&s->ctl_poll, UV_READABLE, on_ctl);
		if (r < 0)
			return log_errno(r, "watch the control socket");
	}
	/* In a container, root may manage the services: launch service, or from inside. */
	if (cfg->container && s->n_svcs > 0)
		return control_start(&s->loop, &s->control, control_request, s);
	return 0;
}

int supervisor_start(struct supervisor *s)
{
	int r;

	/* Without services the main command starts now, and a failed fork is boxinit's
	 * own failure, as before there were services. */
	if (s->n_svcs == 0) {
		r = s->has_main ? service_start(&s->main) : 0;
		if (r == 0 && s->has_main && !s->main.exited_early)
			tell_started(s);
		return r;
	}
	start_what_can_start(s);
	/* Services only: they were started (their readiness is theirs to report). */
	if (!s->has_main)
		tell_started(s);
	return 0;
}

static int exit_code(const struct supervisor *s)
{
	if (s->essential_failed)
		return s->essential_code;
	if (s->has_main && s->main.started)
		return s->main.exited ? s->main.exit_code : EXIT_BOXINIT_FAILURE;
	return 0;
}

int supervisor_run(struct supervisor *s)
{
	/* Signals that arrived since start-up are pending on the signalfd: the first
	 * loop turn reads them and forwards them to the command. Zombies inherited
	 * from whatever exec'd boxinit, or a command that failed at once, would
	 * otherwise wait for the next SIGCHLD. */
	reaper_pass(&s->reaper);
	/* If that pass already finished, uv_stop is pending and uv_run returns at
	 * once (clearing it, so the close pass below can run). */
	(void)uv_run(&s->loop, UV_RUN_DEFAULT);
	/* The last lines the services wrote before they ended. */
	for (size_t i = 0; i < s->n_svcs; i++) {
		outreader_drain(&s->svcs[i].out);
		outreader_drain(&s->svcs[i].err);
	}
	if (s->n_svcs > 0) {
		outsink_flush(&s->out, FLUSH_AT_EXIT_MS);
		outsink_flush(&s->err, FLUSH_AT_EXIT_MS);
	}
	return exit_code(s);
}

/* --- the service-control socket: one request, one line of JSON back -------------------- */

static struct service *find_service(struct supervisor *s, const char *name)
{
	for (size_t i = 0; i < s->n_svcs; i++)
		if (STREQ(s->svcs[i].name, name))
			return &s->svcs[i];
	return NULL;
}

static uint64_t now_ms(void)
{
	return uv_hrtime() / 1000000;
}

/* One entry of a status reply. Names are [A-Za-z0-9_.@-]: nothing to escape. */
static size_t status_entry(const struct service *svc, bool is_main, bool alive, char *out,
                           size_t size)
{
	const char *state = is_main ? (alive         ? "running"
	                               : svc->exited ? "exited"
	                                             : "waiting")
	                            : service_state_name(svc->state);
	unsigned secs = (unsigned)((now_ms() - svc->since_ms) / 1000);
	int n;

	if (svc->exited)
		n = fmt_snprintf(out, size,
		                 "{\"name\":\"%s\",\"state\":\"%s\",\"pid\":%d,\"restarts\":%u,"
		                 "\"exit\":%d,\"for_s\":%u}",
		                 svc->name, state, (int)svc->pid,
		                 svc->spawns > 1 ? svc->spawns - 1 : 0, svc->exit_code, secs);
	else
		n = fmt_snprintf(out, size,
		                 "{\"name\":\"%s\",\"state\":\"%s\",\"pid\":%d,\"restarts\":%u,"
		                 "\"exit\":null,\"for_s\":%u}",
		                 svc->name, state, (int)svc->pid,
		                 svc->spawns > 1 ? svc->spawns - 1 : 0, secs);
	return n < 0 ? 0 : (size_t)n;
}

static void reply_status(struct supervisor *s, const char *only, char *out, size_t size)
{
	size_t n = (size_t)fmt_snprintf(out, size, "{\"ok\":true,\"services\":[");
	bool first = true;

	if (s->has_main && (!only || STREQ(only, "main"))) {
		n += status_entry(&s->main, true, main_alive(s), out + n, size - n);
		first = false;
	}
	for (size_t i = 0; i < s->n_svcs && n < size; i++) {
		if (only && !STREQ(only, s->svcs[i].name))
			continue;
		if (!first)
			out[n++] = ',';
		first = false;
		n += status_entry(&s->svcs[i], false, false, out + n, size - n);
	}
	if (n + 4 < size)
		(void)fmt_snprintf(out + n, size - n, "]}\n");
}

static void reply_error(char *out, size_t size, const char *what, const char *name)
{
	(void)fmt_snprintf(out, size, "{\"ok\":false,\"error\":\"%s '%s'\"}\n", what, name);
}

/* The next word of *p into buf (cut to size), *p after it: its length, 0 at the end. */
static size_t next_word(const char **p, char *buf, size_t size)
{
	const char *s = *p + strspn(*p, " \t"), *e = s + strcspn(s, " \t");
	size_t n = (size_t)(e - s) < size - 1 ? (size_t)(e - s) : size - 1;

	memcpy(buf, s, n);
	buf[n] = '\0';
	*p = e;
	return n;
}

/* "start NAME", "stop NAME", "restart NAME", "signal NAME SIG", "status [NAME]". */
static void control_request(void *data, const char *req, char *out, size_t size)
{
	struct supervisor *s = data;
	char verb[16] = "", name[64] = "", arg[16] = "";
	struct service *svc;
	int sig;

	(void)fmt_snprintf(out, size, "{\"ok\":true}\n");
	if (next_word(&req, verb, sizeof(verb)) == 0) {
		reply_error(out, size, "empty request", "");
		return;
	}
	(void)next_word(&req, name, sizeof(name));
	(void)next_word(&req, arg, sizeof(arg));
	if (STREQ(verb, "status")) {
		if (name[0] && !STREQ(name, "main") && !find_service(s, name))
			reply_error(out, size, "no service", name);
		else
			reply_status(s, name[0] ? name : NULL, out, size);
		return;
	}
	svc = find_service(s, name);
	if (!svc) {
		reply_error(out, size, "no service", name);
	} else if (s->stopping) {
		reply_error(out, size, "the container is stopping: not", verb);
	} else if (STREQ(verb, "start")) {
		if (service_is_active(svc))
			reply_error(out, size, "already running:", name);
		else
			service_request_start(svc);
	} else if (STREQ(verb, "stop")) {
		if (service_is_active(svc))
			service_event(svc, SVC_EV_STOP);
	} else if (STREQ(verb, "restart")) {
		svc->restart_pending = service_is_active(svc);
		if (svc->restart_pending)
			service_event(svc, SVC_EV_STOP);
		else
			service_request_start(svc);
	} else if (STREQ(verb, "signal") && (sig = signal_parse(arg)) > 0) {
		if (service_signal(svc, sig) < 0)
			reply_error(out, size, "nothing runs in", name);
	} else {
		reply_error(out, size, "unknown request", verb);
	}
}

/* A handle still open at the end is a bug: name its type, the fd it holds if any. */
static void log_open_handle(uv_handle_t *h, void *arg)
{
	uv_os_fd_t fd = -1;

	(void)arg;
	(void)uv_fileno(h, &fd);
	log_error("event loop: a %s handle is still open (fd %d)", uv_handle_type_name(h->type),
	          (int)fd);
}

int supervisor_close(struct supervisor *s)
{
	int r;

	if (!s->loop_ready)
		return 0;
	/* Caught signals stay blocked after this: a late SIGTERM stays pending
	 * instead of killing boxinit with the wrong status. */
	signals_close(&s->signals);
	control_close(&s->control);
	if (s->ctl_polling)
		uv_close((uv_handle_t *)&s->ctl_poll, NULL);
	s->ctl_polling = false;
	shutdown_close(&s->shutdown);
	if (s->recheck_ready)
		uv_close((uv_handle_t *)&s->recheck, NULL);
	s->recheck_ready = false;
	for (size_t i = 0; i < s->n_svcs; i++)
		service_close(&s->svcs[i]);
	outsink_close(&s->out);
	outsink_close(&s->err);
	(void)uv_run(&s->loop, UV_RUN_DEFAULT);
	r = uv_loop_close(&s->loop);
	if (r < 0) {
		uv_walk(&s->loop, log_open_handle, NULL);
		return log_errno(r, "close event loop");
	}
	/* tests/init/test_loop_close.sh looks for this line on every way out. */
	log_debug("event loop closed: no handle left");
	free(s->svcs);
	s->svcs = NULL;
	s->n_svcs = 0;
	s->loop_ready = false;
	return 0;
}
