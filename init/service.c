// SPDX-License-Identifier: MIT
/*
 * service: see service.h. The table is the whole state machine: callers
 * feed events, the table says the next state and the one action to carry
 * out. Runs in boxinit's loop; never waits, never exits the process.
 */
#include "service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/* --- the main command and the basics ---------------------------------------------- */

/* fork needs every signal blocked (see spawn.h); in the loop they are not. */
static int spawn_blocked(const struct spawn_opts *o, struct spawn_result *res)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, &old);
	r = spawn_command(o, res);
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

int service_start(struct service *svc)
{
	struct spawn_result res;
	int r;

	r = spawn_blocked(&svc->spawn, &res);
	if (r < 0)
		return log_errno(r, "fork '%s'", svc->spawn.argv[0]);
	svc->pid = res.pid;
	/* spawn made the child lead its own group (setsid or setpgid) before it
	 * returned, so the group id is the pid. */
	svc->pgid = res.pid;
	svc->tty_foreground = res.tty != SPAWN_TTY_NONE;
	svc->exited_early = res.failed;
	svc->started = true;
	svc->exited = false;
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

/* --- the state machine ------------------------------------------------------------- */

struct svc_rule {
	enum svc_state state;
	enum svc_event ev;
	struct svc_step step;
};

static const struct svc_rule rules[] = {
    {SVC_STOPPED, SVC_EV_START, {SVC_STARTING, SVC_ACT_SPAWN}},
    /* Only by request (launch service start): the policy had given up on it. */
    {SVC_FAILED, SVC_EV_START, {SVC_STARTING, SVC_ACT_SPAWN}},
    {SVC_STARTING, SVC_EV_READY, {SVC_RUNNING, SVC_ACT_NONE}},
    /* Ended by itself: leftovers of its group are killed before anything else. */
    {SVC_STARTING, SVC_EV_EXIT_RESTART, {SVC_BACKOFF, SVC_ACT_BACKOFF}},
    {SVC_RUNNING, SVC_EV_EXIT_RESTART, {SVC_BACKOFF, SVC_ACT_BACKOFF}},
    /* Done (a one-shot, or `service x start`): what it left running is kept. */
    {SVC_STARTING, SVC_EV_EXIT_DONE, {SVC_STOPPED, SVC_ACT_CANCEL}},
    {SVC_RUNNING, SVC_EV_EXIT_DONE, {SVC_STOPPED, SVC_ACT_CANCEL}},
    {SVC_STARTING, SVC_EV_EXIT_FAILED, {SVC_FAILED, SVC_ACT_CLEANUP}},
    {SVC_RUNNING, SVC_EV_EXIT_FAILED, {SVC_FAILED, SVC_ACT_CLEANUP}},
    {SVC_BACKOFF, SVC_EV_TIMER, {SVC_STARTING, SVC_ACT_SPAWN}},
    /* The shutdown. */
    {SVC_STARTING, SVC_EV_STOP, {SVC_STOPPING, SVC_ACT_SEND_STOP}},
    {SVC_RUNNING, SVC_EV_STOP, {SVC_STOPPING, SVC_ACT_SEND_STOP}},
    {SVC_BACKOFF, SVC_EV_STOP, {SVC_STOPPED, SVC_ACT_CANCEL}},
    {SVC_STOPPING, SVC_EV_TIMER, {SVC_STOPPING, SVC_ACT_KILL}},
    {SVC_STOPPING, SVC_EV_GONE, {SVC_STOPPED, SVC_ACT_CANCEL}},
};

struct svc_step service_next(enum svc_state state, enum svc_event ev)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].state == state && rules[i].ev == ev)
			return rules[i].step;
	return (struct svc_step){state, SVC_ACT_NONE};
}

const char *service_state_name(enum svc_state s)
{
	static const char *const names[] = {
	    [SVC_STOPPED] = "stopped", [SVC_STARTING] = "starting", [SVC_RUNNING] = "running",
	    [SVC_BACKOFF] = "backoff", [SVC_STOPPING] = "stopping", [SVC_FAILED] = "failed",
	};

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

/* Failures inside the window, counting the one just recorded. */
static unsigned failures_in_window(const struct svc_history *h, uint64_t window_ms, uint64_t now_ms)
{
	unsigned n = 0;

	for (unsigned i = 0; i < h->n_fail; i++)
		if (now_ms - h->fail_ms[i] < window_ms)
			n++;
	return n;
}

static void record_failure(struct svc_history *h, unsigned max, uint64_t now_ms)
{
	h->fail_ms[h->next] = now_ms;
	h->next = (h->next + 1) % max;
	if (h->n_fail < max)
		h->n_fail++;
}

/* Exponential backoff, back to the start once a run has stayed up. */
static void next_backoff(struct svc_history *h, uint64_t started_ms, uint64_t now_ms)
{
	if (h->backoff_ms == 0 || now_ms - started_ms >= SERVICE_STAYED_UP_MS)
		h->backoff_ms = SERVICE_BACKOFF_MIN_MS;
	else if (h->backoff_ms < SERVICE_BACKOFF_MAX_MS)
		h->backoff_ms = h->backoff_ms * 2 > SERVICE_BACKOFF_MAX_MS ? SERVICE_BACKOFF_MAX_MS
		                                                           : h->backoff_ms * 2;
}

enum svc_event service_exit_event(const struct svc_config *c, struct svc_history *h, int code,
                                  uint64_t started_ms, uint64_t now_ms)
{
	unsigned max =
	    c->max_failures < SERVICE_MAX_FAILURES_MAX ? c->max_failures : SERVICE_MAX_FAILURES_MAX;
	bool failed = code != 0;

	if (c->restart == RESTART_NEVER || (c->restart == RESTART_ON_FAILURE && !failed))
		return failed ? SVC_EV_EXIT_FAILED : SVC_EV_EXIT_DONE;
	if (failed) {
		record_failure(h, max, now_ms);
		if (failures_in_window(h, c->failure_window_ms, now_ms) >= max)
			return SVC_EV_EXIT_FAILED;
	}
	next_backoff(h, started_ms, now_ms);
	return SVC_EV_EXIT_RESTART;
}

enum svc_event service_fork_failed_event(const struct svc_config *c, struct svc_history *h,
                                         uint64_t started_ms, uint64_t now_ms)
{
	if (c->restart == RESTART_NEVER)
		return SVC_EV_EXIT_FAILED;
	next_backoff(h, started_ms, now_ms);
	return SVC_EV_EXIT_RESTART;
}

/* --- declared services: environment, start, actions ---------------------------------- */

static uint64_t now_ms(void)
{
	return uv_hrtime() / 1000000;
}

/* boxinit's environment with the service's env entries on top (same key: theirs). */
static int build_env(const struct svc_config *c, char ***ret)
{
	extern char **environ;
	size_t n = 0, k = 0;
	char **v;

	while (environ[n])
		n++;
	v = calloc(n + c->n_env + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(environ[i], "=");
		bool overridden = false;

		for (size_t j = 0; j < c->n_env && !overridden; j++)
			overridden = !strncmp(c->env[j], environ[i], len + 1);
		if (!overridden)
			v[k++] = environ[i];
	}
	for (size_t j = 0; j < c->n_env; j++)
		v[k++] = c->env[j];
	*ret = v;
	return 0;
}

int service_init(uv_loop_t *loop, struct service *svc, const struct svc_config *conf,
                 const char *cwd, struct outsink *out, struct outsink *err, service_cb changed)
{
	int r;

	*svc = (struct service){
	    .name = conf->name,
	    .conf = conf,
	    .state = SVC_STOPPED,
	    .ready_fd = -1,
	    .changed = changed,
	};
	r = build_env(conf, &svc->envp);
	if (r == 0)
		r = outreader_open(loop, &svc->out, out, conf->name);
	if (r == 0)
		r = outreader_open(loop, &svc->err, err, conf->name);
	if (r < 0)
		return log_errno(r, "set up service '%s'", conf->name);
	svc->spawn = (struct spawn_opts){
	    .argv = conf->argv,
	    .cwd = cwd,
	    .workdir = conf->workdir,
	    .uid = conf->uid,
	    .gid = conf->gid,
	    .has_user = conf->has_user,
	    .service = true,
	    .stdout_fd = svc->out.wfd,
	    .stderr_fd = svc->err.wfd,
	    .envp = svc->envp,
	    .tty_fd = -1,
	};
	(void)uv_timer_init(loop, &svc->timer);
	(void)uv_timer_init(loop, &svc->ready_timer);
	svc->timer.data = svc->ready_timer.data = svc;
	svc->handles_ready = true;
	return 0;
}

static void on_timer(uv_timer_t *t)
{
	service_event(t->data, SVC_EV_TIMER);
}

static void ready_stop(struct service *svc)
{
	(void)uv_timer_stop(&svc->ready_timer);
	if (svc->ready_fd >= 0) {
		uv_close((uv_handle_t *)&svc->ready_poll, NULL);
		svc->ready_fd = safe_close(svc->ready_fd);
	}
	/* A check still running is left to end; its status is then ignored. */
	svc->ready_pid = 0;
}

static void ready_begin(struct service *svc);

static void act_spawn(struct service *svc)
{
	int r;

	svc->started_ms = now_ms();
	svc->completed = false;
	svc->spawns++;
	r = service_start(svc);
	svc->fork_failed = r < 0;
	if (r < 0) {
		/* No process or pipe to be had (a pids limit, memory, descriptors): tried again
		 * after the backoff, but not the service's failure, so never a give-up. */
		svc->exit_code = EXIT_LAUNCH_FAILURE;
		service_event(svc, service_fork_failed_event(svc->conf, &svc->hist, svc->started_ms,
		                                             now_ms()));
		return;
	}
	ready_begin(svc);
}

static void kill_group(struct service *svc)
{
	if (svc->pgid > 0 && kill(-svc->pgid, SIGKILL) < 0 && errno == ESRCH)
		svc->pgid = 0;
}

static void act_send_stop(struct service *svc)
{
	svc->stop_requested = true;
	ready_stop(svc);
	(void)service_signal(svc, svc->conf->stop_signal);
	/* A stopped (SIGSTOP) process would never see the stop signal. */
	(void)service_signal(svc, SIGCONT);
	if (svc->conf->stop_timeout_ms)
		(void)uv_timer_start(&svc->timer, on_timer, svc->conf->stop_timeout_ms, 0);
}

static void act(struct service *svc, enum svc_action a)
{
	switch (a) {
	case SVC_ACT_SPAWN:
		act_spawn(svc);
		break;
	case SVC_ACT_BACKOFF:
		ready_stop(svc);
		kill_group(svc);
		/* Whole tenths (the backoff is 100 ms doubled, capped at 30 s): no %f, which
		 * would pull libc's floating-point printf into boxinit. */
		if (svc->fork_failed)
			log_warn("service '%s' could not be started: retrying in %llu.%llu s",
			         svc->name, (unsigned long long)svc->hist.backoff_ms / 1000,
			         (unsigned long long)svc->hist.backoff_ms / 100 % 10);
		else
			log_warn("service '%s' exited with status %d: restarting in %llu.%llu s",
			         svc->name, svc->exit_code,
			         (unsigned long long)svc->hist.backoff_ms / 1000,
			         (unsigned long long)svc->hist.backoff_ms / 100 % 10);
		(void)uv_timer_start(&svc->timer, on_timer, svc->hist.backoff_ms, 0);
		break;
	case SVC_ACT_CLEANUP:
		ready_stop(svc);
		kill_group(svc);
		break;
	case SVC_ACT_SEND_STOP:
		act_send_stop(svc);
		break;
	case SVC_ACT_KILL:
		log_warn("service '%s' did not stop within its stop-timeout: killing it",
		         svc->name);
		(void)service_signal(svc, SIGKILL);
		break;
	case SVC_ACT_CANCEL:
		ready_stop(svc);
		(void)uv_timer_stop(&svc->timer);
		break;
	default:
		break;
	}
}

void service_event(struct service *svc, enum svc_event ev)
{
	enum svc_state old = svc->state;
	struct svc_step step = service_next(old, ev);

	if (step.next == old && step.action == SVC_ACT_NONE)
		return;
	svc->state = step.next;
	if (step.next != old) {
		svc->since_ms = now_ms();
		log_debug("service '%s': %s -> %s", svc->name, service_state_name(old),
		          service_state_name(step.next));
	}
	if (step.next == SVC_FAILED)
		log_error("service '%s' failed for good (status %d)", svc->name, svc->exit_code);
	if (ev == SVC_EV_EXIT_DONE)
		svc->completed = svc->exit_code == 0;
	act(svc, step.action);
	/* act may have fed another event (a failed spawn): report once it settled. */
	if (svc->state == step.next && svc->changed)
		svc->changed(svc);
}

void service_request_start(struct service *svc)
{
	svc->hist = (struct svc_history){0};
	svc->stop_requested = false;
	svc->no_restart = false;
	service_event(svc, SVC_EV_START);
}

/* --- readiness ------------------------------------------------------------------------ */

static void on_ready_timer(uv_timer_t *t);

static void ready_retry(struct service *svc)
{
	(void)uv_timer_start(&svc->ready_timer, on_ready_timer, svc->conf->ready_interval_ms, 0);
}

static void on_connect(uv_poll_t *h, int status, int events)
{
	struct service *svc = h->data;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)events;
	if (status < 0 || getsockopt(svc->ready_fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = EIO;
	uv_close((uv_handle_t *)&svc->ready_poll, NULL);
	svc->ready_fd = safe_close(svc->ready_fd);
	if (err == 0)
		service_event(svc, SVC_EV_READY);
	else
		ready_retry(svc);
}

/* Non-blocking connect to 127.0.0.1:port, watched on the loop (no threads). */
static void ready_try_tcp(struct service *svc)
{
	struct sockaddr_in sa = {
	    .sin_family = AF_INET,
	    .sin_port = htons(svc->conf->ready_port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		ready_retry(svc);
		return;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		(void)close(fd);
		service_event(svc, SVC_EV_READY);
		return;
	}
	if (errno != EINPROGRESS || uv_poll_init(svc->timer.loop, &svc->ready_poll, fd) < 0) {
		(void)close(fd);
		ready_retry(svc);
		return;
	}
	svc->ready_fd = fd;
	svc->ready_poll.data = svc;
	(void)uv_poll_start(&svc->ready_poll, UV_WRITABLE, on_connect);
}

static void ready_try_command(struct service *svc)
{
	struct spawn_opts o = svc->spawn;
	struct spawn_result res;

	o.argv = svc->conf->ready_argv;
	if (spawn_blocked(&o, &res) < 0) {
		ready_retry(svc);
		return;
	}
	svc->ready_pid = res.pid;
}

static void on_ready_timer(uv_timer_t *t)
{
	struct service *svc = t->data;

	if (svc->state != SVC_STARTING)
		return;
	if (svc->conf->ready == READY_TCP)
		ready_try_tcp(svc);
	else
		ready_try_command(svc);
}

static void ready_begin(struct service *svc)
{
	if (svc->conf->ready == READY_NONE)
		service_event(svc, SVC_EV_READY);
	else
		(void)uv_timer_start(&svc->ready_timer, on_ready_timer, 0, 0);
}

/* --- what the supervisor asks ------------------------------------------------------ */

bool service_reaped(struct service *svc, pid_t pid, int wstatus)
{
	if (svc->ready_pid > 0 && pid == svc->ready_pid) {
		svc->ready_pid = 0;
		if (svc->state != SVC_STARTING)
			return true;
		if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
			service_event(svc, SVC_EV_READY);
		else
			ready_retry(svc);
		return true;
	}
	if (!service_owns_pid(svc, pid))
		return false;
	service_exited(svc, wstatus);
	if (svc->state == SVC_STOPPING)
		return true; /* asked for: the supervisor waits for its group to be gone */
	if (svc->no_restart)
		service_event(svc, SVC_EV_EXIT_DONE);
	else
		service_event(svc, service_exit_event(svc->conf, &svc->hist, svc->exit_code,
		                                      svc->started_ms, now_ms()));
	return true;
}

bool service_is_gone(struct service *svc)
{
	if (svc->pid > 0)
		return false;
	if (svc->pgid > 0 && (kill(-svc->pgid, 0) == 0 || errno == EPERM))
		return false;
	/* Once empty, the number may be reused by an unrelated group: forget it. */
	svc->pgid = 0;
	return true;
}

bool service_is_up(const struct service *svc)
{
	return svc->state == SVC_RUNNING || (svc->state == SVC_STOPPED && svc->completed);
}

bool service_is_settled(const struct service *svc)
{
	return service_is_up(svc) || svc->state == SVC_FAILED;
}

bool service_is_active(const struct service *svc)
{
	switch (svc->state) {
	case SVC_STARTING:
	case SVC_RUNNING:
	case SVC_BACKOFF:
	case SVC_STOPPING:
		return true;
	default:
		return false;
	}
}

void service_close(struct service *svc)
{
	if (!svc->handles_ready)
		return;
	ready_stop(svc);
	uv_close((uv_handle_t *)&svc->timer, NULL);
	uv_close((uv_handle_t *)&svc->ready_timer, NULL);
	outreader_close(&svc->out);
	outreader_close(&svc->err);
	free(svc->envp);
	svc->envp = NULL;
	svc->handles_ready = false;
}
