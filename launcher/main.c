// SPDX-License-Identifier: MIT
/*
 * launch: runs a command as a container from a plain rootfs directory, and
 * manages the containers it runs (the subcommands: commands.c). main only
 * orders the phases (record, prepare, cgroup, clone, supervise, teardown) and
 * maps their results to exit codes: the container's status, 125 when launch
 * fails, 128+N when signal N stopped it before it started. Every phase that
 * creates something has its undo in teardown(); what could outlive a killed
 * launch is in the container's record (state.c) before it exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include "alive.h"
#include "cgroup.h"
#include "child.h"
#include "commands.h"
#include "confjson.h"
#include "config.h"
#include "initexec.h"
#include "layer.h"
#include "log.h"
#include "logfile.h"
#include "monitor.h"
#include "net.h"
#include "ns.h"
#include "reap.h"
#include "rootplan.h"
#include "sealed.h"
#include "seccomp_profile.h"
#include "state.h"
#include "stats.h"
#include "streams.h"
#include "supervise.h"
#include "sync.h"
#include "syscalls.h"
#include "userns.h"
#include "util.h"
#include "waiter.h"

struct launch {
	const struct launch_config *cfg;
	int sigfd;
	sigset_t exec_mask;
	int initfd;
	char *init_path;
	int statsfd;
	char **argv;
	char **envp;
	struct mount_plan plan;
	struct syscall_filter filter;
	struct cgroup *cg; /* NULL: none (rootless without limits) */
	struct cgroup_join join;
	struct userns_rootless rootless; /* rootless: the user's subordinate ids */
	struct ns_ahead ahead;           /* uts, ipc, net: made while the cgroup is */
	uv_loop_t loop; /* published ports, stdio, the monitor, supervise's watchers */
	bool loop_ready;
	struct net *net;
	struct stdio io; /* the container's stdin, stdout, stderr and terminal */
	struct state_lock *lock;
	struct alive alive; /* counted among the living monitors (alive.h) */
	struct state st;    /* the container's record, as last written */
	struct monitor *mon;
	int report_fd; /* detached: to the launch waiting for "started", or -1 */
	char log_path[256];
	char ping_range[32]; /* net.ipv4.ping_group_range in the container, "": left */
	pid_t pid;
	bool reaped;
	bool apart;     /* the child runs on the CPUs but launch's until GO: see ns_place_apart */
	cpu_set_t cpus; /* the child's own mask, given back before GO */
	int sync[2];
};

/* --- the record -------------------------------------------------------------------------- */

static int save_record(void *data)
{
	struct launch *l = data;

	net_describe(l->net, &l->st.net);
	return state_save(l->lock, &l->st);
}

static int claim_name(struct launch *l)
{
	const struct launch_config *c = l->cfg;
	struct state *s = &l->st;
	int r;

	/* Whatever dead containers left is undone first, by whichever command comes next; a
	 * start looks for them only when a counted monitor died (alive.h). */
	if (!alive_all_counted()) {
		reap_stale();
		alive_remove_if_idle();
	}
	r = state_claim(c->name, reap_container, &l->lock);
	if (r < 0)
		return r;
	/* A dead monitor's record taken over with its name (state_claim reaped it). */
	alive_forget_dead(l->lock);
	r = alive_register(&l->alive, l->lock);
	if (r < 0)
		return log_errno(r, "count container '%s' among the living", c->name);
	*s = (struct state){.status = STATE_CREATING,
	                    .monitor_pid = getpid(),
	                    .keep = c->keep,
	                    .detached = c->detach,
	                    .created_ns = state_now_ns()};
	(void)state_proc_start(getpid(), &s->monitor_start);
	s->name = strdup(c->name);
	s->rootfs = strdup(c->rootfs);
	s->cgroup_parent = strdup(c->cgroup_parent);
	s->config = confjson_build(c, c->tty == TTY_ALWAYS);
	(void)snprintf(s->net.mode, sizeof(s->net.mode), "%s", netconf_mode_name(c->net.mode));
	if (c->detach) {
		if (c->log_path)
			(void)snprintf(l->log_path, sizeof(l->log_path), "%s", c->log_path);
		else
			(void)snprintf(l->log_path, sizeof(l->log_path), "%s/%s.log", LOGFILE_DIR,
			               c->name);
		s->log_path = strdup(l->log_path);
	}
	if (c->overlay != OVERLAY_NONE) {
		s->layer = strdup(c->layer_dir);
		s->layer_tmpfs = c->overlay == OVERLAY_TMPFS;
	}
	if (!s->name || !s->rootfs || !s->cgroup_parent || !s->config ||
	    (c->detach && !s->log_path) || (c->overlay != OVERLAY_NONE && !s->layer))
		return log_errno(-ENOMEM, "describe container '%s'", c->name);
	/* Before anything is made: the cgroup parent and name are what a reaper needs. */
	r = state_save(l->lock, s);
	if (r == 0 && c->rootless)
		return userns_pick_rootless(l->lock, s, &l->rootless);
	/* The ids are the record's from now on: no other launch picks them while it lives. */
	return r < 0 ? r : userns_pick(&c->userns, l->lock, s);
}

static void record_cgroup(struct launch *l)
{
	const char *leaves[8];
	size_t n = cgroup_leaves(l->cg, leaves, ARRAY_SIZE(leaves));

	json_decref(l->st.cgroups);
	l->st.cgroups = json_array();
	for (size_t i = 0; l->st.cgroups && i < n; i++)
		(void)json_array_append_new(l->st.cgroups, json_string(leaves[i]));
}

/* --- before the container exists -------------------------------------------------------- */

/* Everything that can fail without touching the host: before any cgroup or process. */
static int prepare(struct launch *l)
{
	const struct launch_config *c = l->cfg;
	int r = 0;

	/* The record names it already: a killed launch's layer is reaped. */
	if (c->overlay != OVERLAY_NONE)
		r = layer_make(c->layer_dir);
	if (r < 0)
		return r;
	/* Rootless: no private mount of boxinit for us to make; a sealed copy. */
	r = initexec_load(c->init_path,
	                  !c->rootless && !c->privileged &&
	                      !(capset_resolve(&c->caps) & CAPSET_BIT(CAP_SYS_ADMIN)),
	                  &l->initfd, &l->init_path);
	if (r == 0)
		r = stdio_prepare(c, &l->io);
	if (r == 0 && c->detach)
		r = stdio_open_log(&l->io, l->log_path,
		                   c->log_max_size ? c->log_max_size : CONFIG_DEFAULT_LOG_MAX);
	if (r < 0)
		return r;
	r = initexec_argv(c, l->io.ctl[1], l->io.tty, &l->argv);
	if (r == 0)
		r = initexec_env(c, getenv("TERM"), &l->envp);
	/* ping sockets for every group of the container's own network namespace: every group,
	 * or those its user namespace maps (others would be refused). */
	if (l->st.userns_count > 0)
		(void)snprintf(l->ping_range, sizeof(l->ping_range), "0 %u",
		               (unsigned)(l->st.userns_count - 1));
	else if (c->net.mode != NET_HOST)
		(void)snprintf(l->ping_range, sizeof(l->ping_range), "0 2147483647");
	if (r == 0)
		r = rootfs_plan(c, l->ping_range[0] ? l->ping_range : NULL, &l->plan);
	if (r < 0)
		return log_errno(r, "prepare container '%s'", c->name);
	/* Rootless: the user's own files, bound in the user's own mount namespace. */
	l->plan.idmap = l->st.userns_count > 0 && !c->rootless;
	if (c->seccomp && !c->privileged) {
		uint64_t caps = capset_resolve(&c->caps);

		r = c->seccomp_profile ? seccomp_profile_build_for(
		                             c->seccomp_profile, c->seccomp_file, caps, &l->filter)
		                       : syscalls_get(caps, &l->filter);
		if (r < 0)
			return r;
	}
	r = net_prepare(c, save_record, l, &l->net);
	if (r < 0)
		return r;
	if (c->stats_json) {
		l->statsfd = open(c->stats_json, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
		if (l->statsfd < 0)
			return log_errno(-errno, "open stats file '%s'", c->stats_json);
	}
	return 0;
}

static int create_cgroup(struct launch *l)
{
	const struct launch_config *c = l->cfg;
	int r;

	if (c->no_cgroup)
		return 0;
	r = cgroup_create(c->cgroup_parent, c->name, &c->limits, &l->cg);
	if (r == 0)
		r = cgroup_join_open(l->cg, &l->join);
	if (r == 0)
		record_cgroup(l);
	return r;
}

/* launch --userns or rootless, right after the clone: the new user namespace's maps, then
 * (--userns) the idmapped root and volumes, handed to the first process with the first GO.
 * Its network namespace, made by the clone, is the one the network set-up configures. */
static int hand_over_userns(struct launch *l)
{
	int trees[SYNC_MAX_FDS];
	size_t n = l->plan.idmap ? rootfs_n_trees(&l->plan) : 0;
	_cleanup_close_ int userns = -1;
	char path[64];
	int r = l->cfg->rootless ? userns_write_maps_rootless(l->pid, &l->st, &l->rootless)
	                         : userns_write_maps(l->pid, &l->st);

	if (r < 0)
		return r;
	if (n) {
		(void)snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)l->pid);
		userns = open(path, O_RDONLY | O_CLOEXEC);
		if (userns < 0)
			return log_errno(-errno, "open the container's user namespace");
		r = rootfs_idmap_trees(&l->plan, userns, trees);
		if (r < 0)
			return r;
	}
	r = sync_send_go_fds(l->sync[0], trees, n);
	for (size_t i = 0; i < n; i++)
		(void)safe_close(trees[i]);
	if (r < 0)
		return log_errno(r, "hand the idmapped rootfs to the container");
	(void)snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)l->pid);
	l->ahead.fd[NS_AHEAD_NET] = open(path, O_RDONLY | O_CLOEXEC);
	if (l->ahead.fd[NS_AHEAD_NET] < 0)
		return log_errno(-errno, "open the container's network namespace");
	return 0;
}

static int clone_child(struct launch *l)
{
	struct child_args a = {
	    .cfg = l->cfg,
	    .plan = &l->plan,
	    .argv = l->argv,
	    .envp = l->envp,
	    .initfd = l->initfd,
	    .filter = &l->filter,
	    .exec_mask = l->exec_mask,
	    .join = &l->join,
	    .ahead = &l->ahead,
	    .stdio = l->io.child,
	    .ctl_fd = l->io.ctl[1],
	};
	bool userns = l->st.userns_count > 0;
	bool in_cgroup, joined_by_child;
	pid_t pid;
	int r = sync_pair(l->sync);

	if (r < 0)
		return log_errno(r, "create the sync socket");
	a.userns_count = l->st.userns_count;
	pid = ns_clone(userns ? NS_CLONE_FLAGS | NS_USERNS_FLAGS : NS_CLONE_FLAGS, l->join.clone_fd,
	               &in_cgroup);
	if (pid < 0)
		return log_errno(pid, "clone the container's first process");
	if (pid == 0) {
		/* Child: new namespaces, never returns. */
		a.syncfd = l->sync[1];
		a.parent_fds[0] = l->sync[0];
		a.parent_fds[1] = l->sigfd;
		child_main(&a);
	}
	l->pid = pid;
	l->st.pid1 = pid;
	l->apart = ns_place_apart(pid, &l->cpus);
	/* Only the child may hold its end, or its exit would never read as EOF. */
	l->sync[1] = safe_close(l->sync[1]);
	stdio_after_clone(&l->io);
	joined_by_child = l->join.n_tasks > 0;
	cgroup_join_close(&l->join);
	/* The record tells PID 1 from a later process of the same pid by its start time: exec,
	 * ps and service trust nothing without it. */
	r = state_proc_start(pid, &l->st.pid1_start);
	if (r < 0)
		return log_errno(r, "read the start time of the container's first process (pid %d)",
		                 (int)pid);
	/* A v2 kernel without CLONE_INTO_CGROUP (before 5.7): the slow way, before GO. */
	if (l->cg && !in_cgroup && !joined_by_child) {
		r = cgroup_attach(l->cg, pid);
		if (r < 0)
			return r; /* logged by cgroup, naming the file */
	}
	log_debug("container '%s': first process is pid %d", l->cfg->name, (int)pid);
	return userns ? hand_over_userns(l) : 0;
}

/* --- what boxinit and the commands ask ------------------------------------------------------ */

static void detach_report(struct launch *l, const char *msg)
{
	if (l->report_fd < 0)
		return;
	(void)write_all(l->report_fd, msg, strlen(msg));
	l->report_fd = safe_close(l->report_fd);
}

static void on_started(void *data)
{
	struct launch *l = data;

	if (l->report_fd < 0)
		return;
	(void)prctl(PR_SET_PDEATHSIG, 0);
	detach_report(l, "started\n");
	/* From now on nothing of launch is tied to the terminal it was started from. */
	stdio_detach_self(&l->io);
}

static int on_ask_stop(void *data, uint64_t grace_ms)
{
	return stdio_ask_stop(&((struct launch *)data)->io, grace_ms);
}

static bool on_winch(void *data)
{
	return stdio_winch(&((struct launch *)data)->io);
}

static void on_stop_timeout(void *data)
{
	struct launch *l = data;

	/* Without a cgroup: PID 1's end ends its pid namespace, and every process in it. */
	if (l->cg)
		cgroup_kill(l->cg);
	else if (l->pid > 0 && !l->reaped)
		(void)kill(l->pid, SIGKILL);
}

/* launch exec and the list see it: no new process joins a container on its way out. */
static void on_stopping(void *data)
{
	struct launch *l = data;

	if (l->lock && l->st.status == STATE_RUNNING) {
		l->st.status = STATE_STOPPING;
		(void)save_record(l);
	}
}

static void on_stop_request(void *data, uint64_t kill_after_ms)
{
	(void)data;
	supervise_request_stop(kill_after_ms);
}

static void on_signal_request(void *data, int sig)
{
	(void)data;
	supervise_request_signal(sig);
}

/* Returns 0 to go on, 128+N for a stop signal received before the container exists,
 * or -errno. */
static int start(struct launch *l)
{
	const struct stdio_events events = {.started = on_started, .data = l};
	const struct monitor_ops ops = {
	    .stop = on_stop_request, .signal = on_signal_request, .data = l};
	int sig = supervise_pending_stop();
	int r;

	if (sig > 0) {
		log_debug("SIG%s before start: tearing down", signal_abbrev(sig));
		return EXIT_SIGNAL_BASE + sig;
	}
	/* Not saved now: the record written at the claim names the cgroup's parent and name,
	 * all a reaper needs; its paths go in with the next save. */
	r = create_cgroup(l);
	if (r == 0)
		r = ns_ahead_finish(&l->ahead);
	/* The first process joins the cgroup before it does anything: see child.c. */
	if (r == 0)
		r = clone_child(l);
	/* Before GO: the first command sees eth0 up, addressed and routed. */
	if (r == 0)
		r = net_setup(l->net, &l->loop, l->ahead.fd[NS_AHEAD_NET], l->pid);
	if (r == 0)
		r = stdio_start(&l->io, &l->loop, &events);
	if (r == 0)
		r = monitor_start(&l->loop, state_dir_of(l->lock), &ops, &l->mon);
	if (r < 0)
		return r;
	l->st.status = STATE_RUNNING;
	l->st.started_ns = state_now_ns();
	r = save_record(l);
	if (r < 0)
		return r;
	/* Before GO: boxinit and every process of the container inherit the mask. */
	if (l->apart)
		ns_place_back(l->pid, &l->cpus);
	r = sync_send_go(l->sync[0]);
	if (r < 0)
		/* The child is gone already: supervise reads why. */
		log_debug_errno(r, "send GO");
	return 0;
}

static uint64_t stop_timeout_ms(const struct launch_config *c)
{
	uint64_t grace = CONFIG_DEFAULT_GRACE_MS;

	if (c->grace)
		(void)parse_duration_ms(c->grace, &grace);
	return grace + STOP_MARGIN_MS;
}

static int supervise(struct launch *l)
{
	const struct supervise_hooks hooks = {
	    .winch = on_winch,
	    .kill_all = on_stop_timeout,
	    .stopping = on_stopping,
	    .ask_stop = on_ask_stop,
	    .stop_timeout_ms = stop_timeout_ms(l->cfg),
	    .data = l,
	};
	struct supervise_result res;
	int r = supervise_run(&l->loop, l->sigfd, steal_fd(&l->sync[0]), l->pid, &hooks, &res);

	if (r < 0)
		return EXIT_LAUNCH_FAILURE;
	l->reaped = true;
	on_stopping(l);
	/* What the container wrote last reaches the host before the stats and the exit. */
	stdio_finish(&l->io);
	if (res.setup_failed)
		return EXIT_LAUNCH_FAILURE;
	if (!res.started) {
		log_error("container '%s': first process ended before exec (status %d)",
		          l->cfg->name, status_to_exit_code(res.status));
		return EXIT_LAUNCH_FAILURE;
	}
	log_debug("container '%s' exited with %d", l->cfg->name, status_to_exit_code(res.status));
	return status_to_exit_code(res.status);
}

/* --- the end ------------------------------------------------------------------------------- */

/* A child left on an error path is killed and reaped here, never leaked. */
static void kill_child(struct launch *l)
{
	if (l->pid <= 0 || l->reaped)
		return;
	waiter_kill(l->pid);
	l->reaped = true;
}

static void report_stats(struct launch *l, int exit_code)
{
	struct cgroup_stats s = {0};
	int r;

	if (!l->cfg->stats && l->statsfd < 0)
		return;
	if (l->cg) {
		r = cgroup_read_stats(l->cg, &s);
		if (r < 0)
			log_debug_errno(r, "read stats of '%s'", l->cfg->name);
	}
	if (l->cfg->stats)
		stats_print(&s);
	if (l->statsfd >= 0)
		(void)stats_write_json(l->statsfd, l->cfg->stats_json, &s, exit_code);
}

/* The record's last word: kept (--keep), it says how the container ended; else it goes, and
 * a detached container's log with it. */
static void end_record(struct launch *l, int exit_code, bool ran)
{
	struct state *s = &l->st;

	if (!l->lock)
		return;
	alive_unregister(&l->alive, l->lock);
	s->status = STATE_STOPPED;
	s->exited = ran;
	s->exit_code = exit_code;
	s->finished_ns = state_now_ns();
	if (l->cfg->keep && ran && state_save(l->lock, s) == 0) {
		state_release(steal_ptr(&l->lock), false);
	} else {
		if (s->log_path)
			logfile_remove(s->log_path);
		if (s->layer)
			layer_remove(s->layer);
		state_release(steal_ptr(&l->lock), true);
	}
	alive_remove_if_idle(); /* the last one out */
}

/* Every path ends here: stats first (the cgroup still exists), then kill what is left. */
static void teardown(struct launch *l, int exit_code, bool ran)
{
	kill_child(l);
	ns_ahead_close(&l->ahead);
	report_stats(l, exit_code);
	cgroup_join_close(&l->join);
	cgroup_destroy(steal_ptr(&l->cg));
	net_destroy(steal_ptr(&l->net));
	stdio_close(&l->io);
	end_record(l, exit_code, ran);
	/* Last: whoever waits (launch stop, wait) hears of the end once nothing is left. */
	monitor_finish(steal_ptr(&l->mon), ran, exit_code);
	if (l->loop_ready) {
		/* Runs the close callbacks of the published ports; nothing else is left. */
		(void)uv_run(&l->loop, UV_RUN_DEFAULT);
		if (uv_loop_close(&l->loop) < 0)
			log_debug("close the event loop: handles left");
		l->loop_ready = false;
	}
	l->sync[0] = safe_close(l->sync[0]);
	l->sync[1] = safe_close(l->sync[1]);
	l->initfd = safe_close(l->initfd);
	free(steal_ptr(&l->init_path));
	l->statsfd = safe_close(l->statsfd);
	strv_free(steal_ptr(&l->argv));
	strv_free(steal_ptr(&l->envp));
	rootfs_plan_free(&l->plan);
	syscalls_free(&l->filter);
	state_free(&l->st);
}

static int run(const struct launch_config *c, int sigfd, const sigset_t *orig_mask, int report_fd)
{
	/* On the heap, not the stack: its relay buffers (80 KiB) are never touched by a detached
	 * container, and calloc's fresh pages stay unmapped until they are. A stack frame
	 * would be resident in every monitor for its whole life. */
	_cleanup_free_ struct launch *l = calloc(1, sizeof(*l));
	bool ran = false;
	int code, r;

	if (!l) {
		log_errno(-ENOMEM, "start");
		return EXIT_LAUNCH_FAILURE;
	}
	/* Field by field: a compound literal would be built on the stack first. */
	l->cfg = c;
	l->sigfd = sigfd;
	l->initfd = l->statsfd = -1;
	l->alive.semid = -1;
	l->report_fd = report_fd;
	l->sync[0] = l->sync[1] = -1;
	l->join.clone_fd = -1;
	l->io.child[0] = l->io.child[1] = l->io.child[2] = -1;
	l->io.ctl[0] = l->io.ctl[1] = -1;
	l->io.pipe_in = l->io.pipe_out = l->io.pipe_err = l->io.master = -1;
	for (size_t i = 0; i < ARRAY_SIZE(l->io.lp); i++)
		l->io.lp[i].fd = -1;
	supervise_exec_mask(orig_mask, &l->exec_mask);
	/* The loop before the record: libuv aborts when its first loop cannot make its signal
	 * lock pipe, and then at least nothing exists yet. */
	r = uv_loop_init(&l->loop);
	if (r < 0)
		(void)log_errno(r, "create the event loop");
	else
		l->loop_ready = true;
	/* First of all: the namespaces take as long as the claim and everything else up to
	 * the clone, which they then no longer add to. They touch nothing of the host. */
	if (r == 0 && c->userns.mode == USERNS_HOST && !c->rootless)
		r = ns_ahead_start(&l->ahead, c->net.mode == NET_HOST, c->hostname);
	else if (r == 0)
		ns_ahead_none(&l->ahead); /* the clone makes them, in the new user namespace */
	if (r == 0)
		r = claim_name(l);
	if (r == 0)
		r = prepare(l);
	if (r == 0)
		r = start(l);
	if (r < 0) {
		code = EXIT_LAUNCH_FAILURE;
	} else if (r > 0) {
		code = r;
	} else {
		code = supervise(l);
		ran = l->io.main_started || code != EXIT_LAUNCH_FAILURE;
	}
	/* Detached and never started: what the container said is the reason. */
	if (l->report_fd >= 0)
		stdio_print_early(&l->io);
	teardown(l, code, ran);
	/* The waiting launch returns once nothing of the container is left: the name is free
	 * again for the caller's next try. */
	if (l->report_fd >= 0) {
		char msg[32];

		(void)snprintf(msg, sizeof(msg), "exit %d\n", code);
		detach_report(l, msg);
	}
	return code;
}

/* --- -d: the launch that waits, and the monitor that stays ------------------------------------ */

/* The caller's launch waits here for the monitor (its child) to say the command runs, then
 * prints the name; the monitor leaves the caller's session and goes on. */
static int detach(const struct launch_config *c, const sigset_t *orig_mask, int *ret_report_fd)
{
	char buf[64] = "";
	int fd, code;
	ssize_t n;
	pid_t pid, caller = getpid();

	pid = fork_with_pipe(&fd);
	if (pid < 0)
		return log_errno(pid, "detach");
	if (pid == 0) {
		/* Until the command has started, the container belongs to the waiting launch: one
		 * killed before it printed the name takes the container with it, as a foreground
		 * launch does. SIGTERM (blocked, read by supervise) is a clean teardown; on_started
		 * lifts it. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != caller)
			(void)kill(getpid(), SIGTERM);
		/* Its own session: the terminal's hangup or Ctrl-C is not the container's. */
		(void)setsid();
		*ret_report_fd = fd;
		return 0;
	}
	/* The caller's signals have their way with the launch that waits (Ctrl-C, a timeout's
	 * SIGTERM): its death is its monitor's SIGTERM, which takes the container along. */
	(void)sigprocmask(SIG_SETMASK, orig_mask, NULL);
	n = read_all(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n > 0 && strncmp(buf, "started", 7) == 0) {
		printf("%s\n", c->name);
		exit(fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_LAUNCH_FAILURE);
	}
	/* "exit N": the monitor said why already, on the stderr we share. */
	if (n <= 0 || sscanf(buf, "exit %d", &code) != 1)
		code = EXIT_LAUNCH_FAILURE;
	exit(code);
}

int main(int argc, char **argv)
{
	_cleanup_(config_free) struct launch_config cfg = {0};
	_cleanup_close_ int sigfd = -1;
	int report_fd = -1;
	sigset_t orig_mask;
	int r;

	log_init("launch", false);
	/* 0, 1 and 2 stay what they are: a descriptor launch opens never takes their place. */
	if (stdio_fill_closed() < 0)
		return EXIT_LAUNCH_FAILURE;
	if (argc > 1 && STREQ(argv[1], "exec") && sealed_reexec("launch", argv) < 0)
		return EXIT_LAUNCH_FAILURE;
	if (argc > 1 && commands_is_command(argv[1]))
		return commands_run(argc - 1, argv + 1);
	/* First of all: a signal from now on is either forwarded or causes a clean teardown. */
	if (supervise_block_signals(&orig_mask, &sigfd) < 0)
		return EXIT_LAUNCH_FAILURE;
	r = config_parse(argc, argv, &cfg);
	if (r != 0)
		return r > 0 ? EXIT_SUCCESS : EXIT_LAUNCH_FAILURE;
	log_init("launch", cfg.verbose);
	if (config_check_host(&cfg) < 0)
		return EXIT_LAUNCH_FAILURE;
	if (cfg.privileged)
		log_warn("container '%s' is privileged: every capability, every device, no masked "
		         "paths, no seccomp filter; root in it is root on the host",
		         cfg.name);
	if (cfg.detach && detach(&cfg, &orig_mask, &report_fd) < 0)
		return EXIT_LAUNCH_FAILURE;
	return run(&cfg, sigfd, &orig_mask, report_fd);
}
