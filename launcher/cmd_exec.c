// SPDX-License-Identifier: MIT
/*
 * cmd_exec: `launch exec [-i] [-t] [-d] [-e K=V] [-w DIR] [-u UID[:GID]] NAME
 * [--] CMD [ARG...]`: runs CMD in a running container, confined exactly as the
 * container's own processes (see exec_child) and never more.
 *
 * Two processes. launch exec itself (P) stays on the host: it relays stdio or
 * the terminal, forwards signals and exits with CMD's status. Its child (G) is
 * born in the container's pid namespace and cgroup, joins the other
 * namespaces, confines itself and execs CMD. Until that exec, G is launch code
 * inside the container, visible there, so:
 *  - launch runs from a sealed memfd copy of itself (core/sealed.c, from main), so
 *    /proc/G/exe leads a container process to that copy, which nothing can
 *    write, never to the host's binary (CVE-2019-5736);
 *  - P is not dumpable, nor is G until its exec: a container process cannot
 *    open G's /proc files (exe, fds, cwd, root) without CAP_SYS_PTRACE;
 *  - G holds no host descriptor beyond its first steps (the cgroup files are
 *    closed before it enters, everything else is close-on-exec) and its root
 *    and working directory are the container's from the mount namespace on: no
 *    host directory reaches CMD through a descriptor or its cwd
 *    (CVE-2024-21626).
 * CMD gets pipes, or a pty from the container's own devpts, never a host file
 * or terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "caps.h"
#include "cgroup.h"
#include "cmd.h"
#include "commands.h"
#include "config.h"
#include "confjson.h"
#include "initexec.h"
#include "log.h"
#include "ns.h"
#include "relay.h"
#include "seccomp_profile.h"
#include "syscalls.h"
#include "term.h"
#include "util.h"
#include "waiter.h"

#define EXEC_NS       (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP)
#define DRAIN_TICK_MS 50

/* Where G failed: P names the step. */
enum step {
	STEP_CGROUP,
	STEP_SETNS,
	STEP_TTY,
	STEP_STDIO,
	STEP_WORKDIR,
	STEP_NO_NEW_PRIVS,
	STEP_CAPS,
	STEP_SETGROUPS,
	STEP_SETGID,
	STEP_SETUID,
	STEP_SECCOMP,
	STEP_EXEC,
};

static const char *const step_names[] = {
    [STEP_CGROUP] = "join the container's cgroup",
    [STEP_SETNS] = "enter the container's namespaces",
    [STEP_TTY] = "open a terminal in the container",
    [STEP_STDIO] = "set up stdio",
    [STEP_WORKDIR] = "change to the working directory",
    [STEP_NO_NEW_PRIVS] = "set no_new_privs",
    [STEP_CAPS] = "set the capabilities",
    [STEP_SETGROUPS] = "set the groups",
    [STEP_SETGID] = "set the gid",
    [STEP_SETUID] = "set the uid",
    [STEP_SECCOMP] = "load the seccomp filter",
    [STEP_EXEC] = "exec",
};

struct report {
	int step, err;
};

/* What G does, all of it decided and allocated by P before the clone. */
struct plan {
	const char *name;
	char **argv, **envp;
	const char *workdir;
	uid_t uid;
	gid_t gid;
	bool tty, interactive, detach;
	bool privileged, no_new_privs;
	bool userns;   /* the container has a user namespace of its own (--userns, rootless) */
	bool rootless; /* launch exec run by an ordinary user */
	uint64_t caps;
	struct syscall_filter filter;
	struct cgroup_join join;
	char procs[PATH_MAX]; /* v2 leaf's cgroup.procs when clone3 could not place G, or "" */
	int pidfd;            /* the container's PID 1 */
	int child[3];         /* G's stdin, stdout, stderr (pipe ends), without a tty */
	int tty_sock;         /* G's end: the pty master goes to P over it */
	int report;           /* G's end of the report pipe (close-on-exec) */
};

/* --- G: in the container ------------------------------------------------------------------ */

static _Noreturn void child_fail(const struct plan *p, enum step step, int err)
{
	struct report m = {(int)step, err};

	(void)write_all(p->report, &m, sizeof(m));
	_exit(EXIT_LAUNCH_FAILURE);
}

static int send_fd(int sock, int fd)
{
	char data = 'm', cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

/* A pty of the container's own devpts; its master goes to P, its slave becomes 0, 1, 2 and
 * the controlling terminal of CMD's new session. */
static int child_tty(const struct plan *p)
{
	int unlock = 0, master, slave;

	master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -errno;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return -errno;
	/* The peer of this very master: no path lookup the container could redirect. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return -errno;
	/* CMD may run as another user: its terminal is its own (mode 0620, like login). */
	if (fchown(slave, p->uid, (gid_t)-1) < 0 || fchmod(slave, 0620) < 0)
		return -errno;
	if (send_fd(p->tty_sock, master) < 0)
		return -EPIPE;
	(void)close(master);
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return -errno;
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return -errno;
	(void)close(slave);
	return 0;
}

static int child_stdio(const struct plan *p)
{
	for (int fd = 0; fd < 3; fd++)
		if (dup2(p->child[fd], fd) < 0)
			return -errno;
	/* Its own session: nothing of the host's (launch's caller) reaches it. */
	return setsid() < 0 ? -errno : 0;
}

/* The working directory, inside: the mount namespace made "/" the container's root, so
 * the path resolves there, and getcwd proves it is reachable from that root. */
static int child_workdir(const struct plan *p)
{
	char cwd[PATH_MAX];

	if (chdir("/") < 0 || chdir(p->workdir) < 0)
		return -errno;
	if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/')
		return -ENOENT;
	return 0;
}

static _Noreturn void exec_child(const struct plan *p, bool in_cgroup)
{
	extern char **environ;
	sigset_t none;
	int r;

	/* First: into the cgroup (v1 writes "0" to each tasks file), then the files go. */
	r = in_cgroup ? 0 : cgroup_join_self(&p->join);
	if (r == 0 && !in_cgroup && p->procs[0])
		r = write_file(p->procs, "0");
	for (size_t i = 0; i < p->join.n_tasks; i++)
		(void)close(p->join.tasks_fd[i]);
	if (p->join.clone_fd >= 0)
		(void)close(p->join.clone_fd);
	if (r < 0)
		child_fail(p, STEP_CGROUP, -r);
	/* All at once, through PID 1's pidfd (P made this process in its pid namespace). The
	 * mount namespace sets root and working directory to the container's root. A user
	 * namespace is entered first (the kernel's order) and gives every capability in it;
	 * the ids set below are then the namespace's own. */
	if (setns(p->pidfd, EXEC_NS | (p->userns ? CLONE_NEWUSER : 0)) < 0)
		child_fail(p, STEP_SETNS, errno);
	(void)close(p->pidfd);
	r = p->tty ? child_tty(p) : child_stdio(p);
	if (r < 0)
		child_fail(p, p->tty ? STEP_TTY : STEP_STDIO, -r);
	r = child_workdir(p);
	if (r < 0)
		child_fail(p, STEP_WORKDIR, -r);
	environ = p->envp;
	if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(p, STEP_NO_NEW_PRIVS, errno);
	/* The filter as the container's first process got it: while root still has every
	 * capability (loading needs CAP_SYS_ADMIN without no_new_privs); what follows is what
	 * boxinit does under the same filter. From here on even the report passes it. */
	r = syscalls_load(&p->filter);
	if (r < 0)
		child_fail(p, STEP_SECCOMP, -r);
	/* As boxinit does for the container's own processes: the set, then the user (which
	 * clears every capability of a uid other than 0). */
	if (!p->privileged && caps_apply(p->caps) < 0)
		child_fail(p, STEP_CAPS, EPERM);
	/* Rootless with the user's id alone, setgroups is denied: the groups stay unmapped. */
	if (syscall(SYS_setgroups, 1, &p->gid) < 0 && !(p->rootless && errno == EPERM))
		child_fail(p, STEP_SETGROUPS, errno);
	if (syscall(SYS_setgid, p->gid) < 0)
		child_fail(p, STEP_SETGID, errno);
	if (syscall(SYS_setuid, p->uid) < 0)
		child_fail(p, STEP_SETUID, errno);
	/* Only 0, 1, 2 cross the exec. */
	if (cloexec_from(3) < 0)
		child_fail(p, STEP_STDIO, errno);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	/* Detached: CMD's parent leaves now, so the container's PID 1 (the reaper of this pid
	 * namespace) adopts it, not the host's init. The report pipe follows CMD to its exec. */
	if (p->detach) {
		pid_t pid = fork();

		if (pid < 0)
			child_fail(p, STEP_EXEC, errno);
		if (pid > 0)
			_exit(0);
	}
	execvp(p->argv[0], p->argv);
	child_fail(p, STEP_EXEC, errno);
}

/* --- P: on the host -------------------------------------------------------------------------- */

struct session {
	uv_loop_t loop;
	const struct plan *plan;
	pid_t pid;
	int pidfd; /* G's */
	bool tty, raw, exited;
	struct termios saved;
	int status;
	int master; /* for SIGWINCH, owned by tout */
	struct relay in, out, err, tin, tout;
	uv_poll_t exit_poll;
	uv_timer_t drain;
	bool poll_inited, drain_inited;
	uint64_t drained;
	uv_signal_t sigs[7];
	size_t n_sigs;
};

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void on_signal(uv_signal_t *h, int sig)
{
	struct session *s = h->data;

	if (sig == SIGWINCH) {
		if (s->master >= 0)
			term_copy_winsize(s->master);
		return;
	}
	if (!s->exited)
		(void)syscall(SYS_pidfd_send_signal, s->pidfd, sig, NULL, 0);
}

static uint64_t output_moved(const struct session *s)
{
	return s->out.moved + s->err.moved + s->tout.moved;
}

static bool outputs_done(const struct session *s)
{
	const struct relay *r[] = {&s->out, &s->err, &s->tout};

	for (size_t i = 0; i < ARRAY_SIZE(r); i++)
		if (r[i]->started && !relay_finished(r[i]))
			return false;
	return true;
}

/* After CMD ended: what it (or what it left running) still writes is copied until the
 * outputs end or stay quiet for a tick. */
static void on_drain(uv_timer_t *t)
{
	struct session *s = t->data;

	if (!outputs_done(s) && output_moved(s) != s->drained) {
		s->drained = output_moved(s);
		return;
	}
	uv_stop(&s->loop);
}

static void on_exit_poll(uv_poll_t *h, int status, int events)
{
	struct session *s = h->data;
	int st;

	(void)status;
	(void)events;
	if (waiter_poll(s->pid, &st) <= 0)
		return;
	s->exited = true;
	s->status = status_to_exit_code(st);
	(void)uv_poll_stop(h);
	relay_stop_input(&s->in);
	relay_stop_input(&s->tin);
	s->drained = output_moved(s);
	(void)uv_timer_start(&s->drain, on_drain, DRAIN_TICK_MS, DRAIN_TICK_MS);
}

static void on_input_eof(struct relay *r)
{
	relay_close(r);
}

static int start_relays(struct session *s, int pipe_in, int pipe_out, int pipe_err)
{
	const struct plan *p = s->plan;
	int r = 0;

	if (s->tty) {
		int dup = p->interactive ? fcntl(s->master, F_DUPFD_CLOEXEC, 3) : -1;

		if (p->interactive && dup < 0)
			return -errno;
		r = relay_start(&s->loop, &s->tout, s->master, STDOUT_FILENO,
		                RELAY_OUT_SHARED | RELAY_DISCARD, NULL);
		if (r == 0 && p->interactive)
			r = relay_start(&s->loop, &s->tin, STDIN_FILENO, dup, RELAY_IN_SHARED,
			                on_input_eof);
		return r;
	}
	if (pipe_in >= 0)
		r = relay_start(&s->loop, &s->in, STDIN_FILENO, pipe_in, RELAY_IN_SHARED,
		                on_input_eof);
	if (r == 0)
		r = relay_start(&s->loop, &s->out, pipe_out, STDOUT_FILENO,
		                RELAY_OUT_SHARED | RELAY_DISCARD, NULL);
	if (r == 0)
		r = relay_start(&s->loop, &s->err, pipe_err, STDERR_FILENO,
		                RELAY_OUT_SHARED | RELAY_DISCARD, NULL);
	return r;
}

static int start_watch(struct session *s)
{
	int r = uv_poll_init(&s->loop, &s->exit_poll, s->pidfd);

	if (r < 0)
		return r;
	s->poll_inited = true;
	s->exit_poll.data = s;
	r = uv_poll_start(&s->exit_poll, UV_READABLE, on_exit_poll);
	if (r == 0)
		r = uv_timer_init(&s->loop, &s->drain);
	s->drain_inited = r == 0;
	s->drain.data = s;
	for (size_t i = 0; r == 0 && i <= ARRAY_SIZE(forwarded); i++) {
		int sig = i < ARRAY_SIZE(forwarded) ? forwarded[i] : SIGWINCH;

		r = uv_signal_init(&s->loop, &s->sigs[i]);
		if (r == 0) {
			s->sigs[i].data = s;
			s->n_sigs++;
			r = uv_signal_start(&s->sigs[i], on_signal, sig);
		}
	}
	return r;
}

static void close_all(struct session *s)
{
	struct relay *r[] = {&s->in, &s->out, &s->err, &s->tin, &s->tout};

	for (size_t i = 0; i < ARRAY_SIZE(r); i++)
		relay_close(r[i]);
	if (s->poll_inited)
		uv_close((uv_handle_t *)&s->exit_poll, NULL);
	if (s->drain_inited)
		uv_close((uv_handle_t *)&s->drain, NULL);
	for (size_t i = 0; i < s->n_sigs; i++)
		uv_close((uv_handle_t *)&s->sigs[i], NULL);
	(void)uv_run(&s->loop, UV_RUN_DEFAULT);
	(void)uv_loop_close(&s->loop);
}

/* The master G sent: it must be a pty master. */
static int recv_master(int sock)
{
	char data, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = &data, .iov_len = 1};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;
	unsigned n;
	int fd = -1;
	ssize_t got;

	do
		got = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (got < 0 && errno == EINTR);
	cm = got == 1 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (!cm || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -EBADMSG;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (ioctl(fd, TIOCGPTN, &n) < 0) {
		(void)close(fd);
		return -EBADMSG;
	}
	return fd;
}

/* The exit status of G when it failed before CMD ran, with one line saying why. */
static int child_failed(const struct plan *p, const struct report *m)
{
	const char *step = m->step >= 0 && (size_t)m->step < ARRAY_SIZE(step_names)
	                       ? step_names[m->step]
	                       : "start";

	if (m->step == STEP_EXEC) {
		(void)log_errno(-m->err, "exec '%s' in container '%s'", p->argv[0], p->name);
		return m->err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE;
	}
	if (m->step == STEP_SETNS && (m->err == ESRCH || m->err == EINVAL))
		log_error("container '%s' is not running any more", p->name);
	else if (m->step == STEP_WORKDIR)
		(void)log_errno(-m->err, "exec in container '%s': working directory '%s'", p->name,
		                p->workdir);
	else
		(void)log_errno(-m->err, "exec in container '%s': %s", p->name, step);
	return EXIT_LAUNCH_FAILURE;
}

/* --- options and the plan ----------------------------------------------------------------- */

static const struct option exec_opts[] = {
    {"interactive", no_argument, NULL, 'i'},
    {"tty", no_argument, NULL, 't'},
    {"detach", no_argument, NULL, 'd'},
    {"env", required_argument, NULL, 'e'},
    {"workdir", required_argument, NULL, 'w'},
    {"user", required_argument, NULL, 'u'},
    {NULL, 0, NULL, 0},
};

static const char exec_usage[] =
    "launch exec [-i] [-t] [-d] [-e K=V] [-w DIR] [-u UID[:GID]] NAME [--] CMD [ARG...]";

/* The container's environment (as launch gave it to the container's command), then -e. */
static int build_env(const struct confjson_exec *conf, char **extra, size_t n_extra,
                     const char *user, char ***ret)
{
	struct launch_config c = {.user = user, .hostname = conf->hostname};
	size_t n = json_array_size(conf->env), k = 0, i;
	json_t *e;
	int r;

	c.env = calloc(n + n_extra + 1, sizeof(char *));
	if (!c.env)
		return -ENOMEM;
	json_array_foreach(conf->env, i, e) if (json_is_string(e)) c.env[k++] =
	    (char *)json_string_value(e);
	for (i = 0; i < n_extra; i++)
		c.env[k++] = extra[i];
	c.n_env = k;
	r = initexec_env(&c, getenv("TERM"), ret);
	free(c.env);
	return r;
}

struct exec_args {
	bool interactive, tty, detach;
	const char *workdir, *user, *name;
	char **env;
	size_t n_env;
	char **argv;
};

static int parse_args(int argc, char **argv, struct exec_args *a)
{
	int opt;

	a->env = calloc((size_t)argc + 1, sizeof(char *));
	if (!a->env)
		return -ENOMEM;
	optind = 0;
	while ((opt = cmd_getopt(argc, argv, "+itde:w:u:", exec_opts, exec_usage)) != -1) {
		switch (opt) {
		case 'i':
			a->interactive = true;
			break;
		case 't':
			a->tty = true;
			break;
		case 'd':
			a->detach = true;
			break;
		case 'e':
			/* K alone: the host's value of K, if it has one (as docker does). */
			if (!strchr(optarg, '=')) {
				char *v = getenv(optarg);

				if (!optarg[0] || !v)
					break;
				if (asprintf(&a->env[a->n_env], "%s=%s", optarg, v) < 0)
					return -ENOMEM;
				a->n_env++;
			} else if (optarg[0] == '=') {
				log_error("invalid value '%s' for --env: expected K=V", optarg);
				return -EINVAL;
			} else {
				a->env[a->n_env] = strdup(optarg);
				if (!a->env[a->n_env++])
					return -ENOMEM;
			}
			break;
		case 'w':
			if (optarg[0] != '/') {
				log_error("invalid value '%s' for --workdir: an absolute path",
				          optarg);
				return -EINVAL;
			}
			a->workdir = optarg;
			break;
		case 'u': {
			uid_t uid;
			gid_t gid;

			/* Checked here, before the container is looked up. */
			if (parse_user_ids(optarg, &uid, &gid) < 0) {
				log_error("invalid value '%s' for --user: expected UID[:GID] "
				          "(numbers)",
				          optarg);
				return -EINVAL;
			}
			a->user = optarg;
			break;
		}
		default:
			return -EINVAL;
		}
	}
	if (optind >= argc) {
		log_error("missing NAME (usage: %s)", exec_usage);
		return -EINVAL;
	}
	a->name = argv[optind++];
	if (optind < argc && STREQ(argv[optind], "--"))
		optind++;
	if (optind >= argc) {
		log_error("missing CMD (usage: %s)", exec_usage);
		return -EINVAL;
	}
	a->argv = argv + optind;
	if (a->detach && (a->interactive || a->tty)) {
		log_error("exec: -d takes neither -i nor -t (nobody is there to type or read)");
		return -EINVAL;
	}
	return 0;
}

static void free_args(struct exec_args *a)
{
	for (size_t i = 0; a->env && i < a->n_env; i++)
		free(a->env[i]);
	free(a->env);
}

static int make_plan(struct state *st, const struct exec_args *a, struct plan *p)
{
	struct confjson_exec conf = {0};
	const char *user;
	int r = state_load_config(st);

	if (r == 0)
		r = confjson_exec(st->config, &conf);
	if (r < 0)
		return log_errno(r, "read the configuration of container '%s'", st->name);
	user = a->user ? a->user : conf.user;
	if (user && parse_user_ids(user, &p->uid, &p->gid) < 0) {
		log_error("invalid value '%s' for --user: expected UID[:GID] (numbers)", user);
		return -EINVAL;
	}
	p->workdir = a->workdir ? a->workdir : conf.workdir ? conf.workdir : "/";
	p->privileged = conf.privileged;
	p->no_new_privs = conf.no_new_privs;
	p->userns = st->userns_count > 0;
	p->rootless = paths_rootless();
	p->caps = conf.caps;
	r = build_env(&conf, a->env, a->n_env, user, &p->envp);
	if (r < 0)
		return log_errno(r, "build the environment");
	if (!conf.seccomp)
		return 0;
	/* The container's own profile, kept in its record: the file may have changed since. */
	if (conf.seccomp_profile)
		return seccomp_profile_build_for(
		    conf.seccomp_profile, "the container's seccomp profile", conf.caps, &p->filter);
	return syscalls_get(conf.caps, &p->filter);
}

/* --- the command ------------------------------------------------------------------------ */

/* The container's PID 1, pinned: a pidfd, taken while the pid is still the record's. */
static int open_pid1(const struct state *st)
{
	int fd = (int)syscall(SYS_pidfd_open, st->pid1, 0);

	if (fd < 0 && errno == ENOSYS) {
		log_error("launch exec needs Linux 5.8 or later (pidfd_open, setns on a pidfd)");
		return -ENOSYS;
	}
	if (fd < 0 || !state_proc_is(st->pid1, st->pid1_start)) {
		if (fd >= 0)
			(void)close(fd);
		log_error("container '%s' is not running any more", st->name);
		return -ESRCH;
	}
	return fd;
}

static int run_session(struct plan *p, pid_t pid, int master, int fds[3])
{
	struct session s = {.plan = p, .pid = pid, .tty = p->tty, .master = master};
	int r = uv_loop_init(&s.loop);

	if (r < 0) {
		(void)kill(pid, SIGKILL);
		(void)log_errno(r, "create the event loop");
		return EXIT_LAUNCH_FAILURE;
	}
	s.pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (s.pidfd < 0)
		r = -errno;
	if (r == 0 && p->tty && p->interactive && isatty(STDIN_FILENO))
		s.raw = term_raw(STDIN_FILENO, &s.saved);
	if (r == 0 && p->tty)
		term_copy_winsize(master);
	if (r == 0)
		r = start_watch(&s);
	if (r == 0)
		r = start_relays(&s, fds[0], fds[1], fds[2]);
	if (r < 0) {
		log_errno(r, "relay the stdio of '%s'", p->argv[0]);
		(void)kill(pid, SIGKILL);
	} else {
		(void)uv_run(&s.loop, UV_RUN_DEFAULT);
	}
	close_all(&s);
	if (s.raw)
		term_restore(STDIN_FILENO, &s.saved);
	if (!s.exited) {
		int status;

		s.status = waiter_wait(pid, &status) < 0 ? EXIT_LAUNCH_FAILURE
		                                         : status_to_exit_code(status);
	}
	(void)safe_close(s.pidfd);
	return r < 0 ? EXIT_LAUNCH_FAILURE : s.status;
}

/* Starts G; on return P's ends of the pipes are in fds (tty: master). */
static int spawn(struct plan *p, const struct state *st, int fds[3], int *ret_master,
                 pid_t *ret_pid)
{
	_cleanup_close_ int rep_r = -1, sock_p = -1;
	int rep[2] = {-1, -1}, sock[2] = {-1, -1}, pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
	struct cgroup *cg = NULL;
	const char *leaves[CGROUP_JOIN_MAX];
	struct report m;
	bool in_cgroup;
	ssize_t n;
	pid_t pid;
	int r;

	/* A rootless container without limits has no cgroup: nothing to join. */
	if (json_array_size(st->cgroups) > 0) {
		r = cgroup_open(st->cgroup_parent, st->name, &cg);
		if (r == -ENOENT)
			return log_errno(r, "open the cgroup of container '%s'", st->name);
		if (r < 0)
			return r;
		r = cgroup_join_open(cg, &p->join);
		if (r == 0 && p->join.clone_fd >= 0 &&
		    cgroup_leaves(cg, leaves, ARRAY_SIZE(leaves)) > 0) {
			(void)snprintf(p->procs, sizeof(p->procs), "%s/cgroup.procs", leaves[0]);
		}
		cgroup_close(cg);
		if (r < 0)
			return r;
	}
	if (pipe2(rep, O_CLOEXEC) < 0)
		return log_errno(-errno, "create a pipe");
	rep_r = rep[0];
	p->report = rep[1];
	if (p->tty) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
			return log_errno(-errno, "create a socket pair");
		sock_p = sock[0];
		p->tty_sock = sock[1];
	} else {
		for (int i = 0; i < 3; i++)
			if (pipe2(pipes[i], O_CLOEXEC) < 0)
				return log_errno(-errno, "create a pipe");
		p->child[0] = pipes[0][0];
		p->child[1] = pipes[1][1];
		p->child[2] = pipes[2][1];
		/* Without -i (or with -d) stdin is an empty pipe: EOF at once, like /dev/null. */
		if (!p->interactive)
			pipes[0][1] = safe_close(pipes[0][1]);
	}
	pid = ns_clone(0, p->join.clone_fd, &in_cgroup);
	if (pid == 0)
		exec_child(p, in_cgroup);
	(void)safe_close(p->report);
	(void)safe_close(p->tty_sock);
	for (int i = 0; i < 3; i++)
		(void)safe_close(p->child[i]);
	cgroup_join_close(&p->join);
	if (pid < 0) {
		for (int i = 0; i < 3; i++)
			(void)safe_close(i == 0 ? pipes[i][1] : pipes[i][0]);
		return log_errno(pid, "start a process in container '%s'", st->name);
	}
	*ret_master = -1;
	if (p->tty) {
		/* Before the report: G sends the master, then goes on to the exec. */
		r = recv_master(sock_p);
		if (r >= 0)
			*ret_master = r;
	}
	n = read_all(rep_r, &m, sizeof(m));
	if (n != 0 || (p->tty && *ret_master < 0)) {
		int status = 0;

		(void)waiter_wait(pid, &status);
		(void)safe_close(*ret_master);
		for (int i = 0; i < 3; i++)
			(void)safe_close(i == 0 ? pipes[i][1] : pipes[i][0]);
		if (n == (ssize_t)sizeof(m))
			return child_failed(p, &m);
		log_error("exec in container '%s': the process ended before its command (status "
		          "%d)",
		          st->name, status_to_exit_code(status));
		return EXIT_LAUNCH_FAILURE;
	}
	fds[0] = pipes[0][1];
	fds[1] = pipes[1][0];
	fds[2] = pipes[2][0];
	*ret_pid = pid;
	return 0;
}

int cmd_exec(int argc, char **argv)
{
	struct exec_args a = {0};
	struct plan p = {.pidfd = -1,
	                 .tty_sock = -1,
	                 .report = -1,
	                 .child = {-1, -1, -1},
	                 .join = {.clone_fd = -1}};
	struct state st = {0};
	int fds[3] = {-1, -1, -1}, master = -1, rc = EXIT_LAUNCH_FAILURE, r;
	pid_t pid = -1;
	_cleanup_close_ int own_pidns = -1;

	r = parse_args(argc, argv, &a);
	if (r < 0)
		goto out;
	if (cmd_load_running(a.name, &st) < 0)
		goto out;
	p.name = a.name;
	p.argv = a.argv;
	p.tty = a.tty;
	p.interactive = a.interactive;
	p.detach = a.detach;
	if (make_plan(&st, &a, &p) < 0)
		goto out;
	/* Nothing of launch may be read through /proc by the container: not P, nor G (which
	 * inherits this) until its exec. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	p.pidfd = open_pid1(&st);
	if (p.pidfd < 0)
		goto out;
	/* Rootless: entering a namespace takes CAP_SYS_ADMIN in our own user namespace too,
	 * which only the container's gives us. Its owner may join it; G is then in it. */
	if (p.rootless && p.userns) {
#ifdef __SANITIZE_ADDRESS__
		/* make check-asan: LeakSanitizer's checker could not see P from the container's
		 * namespaces at exit, and P cannot leave them: it checks now, on the host. */
		__lsan_do_leak_check();
#endif
		if (setns(p.pidfd, CLONE_NEWUSER) < 0) {
			log_errno(-errno, "enter the user namespace of container '%s'", a.name);
			goto out;
		}
		p.userns = false;
	}
	/* Our children are born in the container's pid namespace; we stay where we are. */
	own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (setns(p.pidfd, CLONE_NEWPID) < 0) {
		if (errno == EINVAL)
			log_error("launch exec needs Linux 5.8 or later (setns on a pidfd)");
		else
			log_errno(-errno, "enter the pid namespace of container '%s'", a.name);
		goto out;
	}
	(void)signal(SIGPIPE, SIG_IGN);
	r = spawn(&p, &st, fds, &master, &pid);
	/* G alone is the container's: anything P forks from here on (LeakSanitizer's checker
	 * in an ASan build, at exit) is born on the host again. Rootless, in the container's
	 * user namespace, P may not go back: its later children stay in the container's. */
	if (own_pidns >= 0 && setns(own_pidns, CLONE_NEWPID) < 0)
		(void)log_debug_errno(-errno, "go back to the host's pid namespace");
	if (r != 0) {
		rc = r > 0 ? r : EXIT_LAUNCH_FAILURE;
		goto out;
	}
	if (a.detach) {
		/* CMD runs, adopted by the container's PID 1; its first parent is done. */
		(void)waiter_wait(pid, NULL);
		rc = 0;
		goto out;
	}
	rc = run_session(&p, pid, master, fds);
	fds[0] = fds[1] = fds[2] = master = -1; /* the relays' now */
out:
	for (int i = 0; i < 3; i++)
		(void)safe_close(fds[i]);
	(void)safe_close(master);
	(void)safe_close(p.pidfd);
	strv_free(p.envp);
	syscalls_free(&p.filter);
	state_free(&st);
	free_args(&a);
	return rc;
}
