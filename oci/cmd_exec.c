// SPDX-License-Identifier: MIT
/*
 * cmd_exec: box exec. A first child joins the container's namespaces through a pidfd of its
 * first process and clones the second, which starts in the container's cgroup and pid
 * namespace, gets the process's confinement (core/process.h, the same as the first process)
 * and execs. box runs from a sealed copy of itself (main.c) and both children are
 * non-dumpable: nothing in the container reaches the host's box binary through /proc.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "capset.h"
#include "cgroup.h"
#include "log.h"
#include "ns.h"
#include "oci.h"
#include "ociconf.h"
#include "ocistate.h"
#include "process.h"
#include "seccomp_profile.h"
#include "sync.h"
#include "syscalls.h"
#include "util.h"

/* What the process joins itself, once clone3 has started it in the container's cgroup (and,
 * through box's pid_for_children, its pid namespace): clone3 refuses CLONE_INTO_CGROUP to a
 * caller that entered the container's namespaces first. */
#define JOIN_FLAGS (CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP)

struct exec_args {
	const char *process_file, *pid_file, *console_socket, *cwd, *user, *preserve_fds;
	const char *process_label, *apparmor, *cgroup;
	bool detach, tty, no_new_privs, ignore_paused;
	struct oci_list env, caps, gids;
	char **cmd;
	int n_cmd;
	const char *id;
};

struct joiner {
	const struct spec_process *proc;
	const struct syscall_filter *filter;
	const sigset_t *mask;  /* the process's signal mask */
	const char *procs;     /* v2: the leaf's cgroup.procs, when clone3 cannot place it */
	bool userns;           /* the container has a user namespace of its own */
	unsigned long join_ns; /* of JOIN_FLAGS, the namespaces the container does not share */
	struct cgroup_join join;
	int pidfd, console, sync[2];
	unsigned preserve;
};

/* The values that mean nothing whatever the container: refused before it is looked up,
 * and before anything runs. */
static int check_values(const struct exec_args *a)
{
	uid_t uid;
	gid_t gid;

	if (a->user && parse_user_ids(a->user, &uid, &gid) < 0) {
		log_error("exec: --user '%s': not UID[:GID]", a->user);
		return -EINVAL;
	}
	if (a->cwd && a->cwd[0] != '/') {
		log_error("exec: --cwd '%s': not an absolute path", a->cwd);
		return -EINVAL;
	}
	for (size_t i = 0; i < a->env.n; i++) {
		if (!strchr(a->env.v[i], '=') || a->env.v[i][0] == '=') {
			log_error("exec: --env '%s': not KEY=VALUE", a->env.v[i]);
			return -EINVAL;
		}
	}
	if (a->pid_file && !a->pid_file[0]) {
		log_error("exec: --pid-file: '' is not a file");
		return -EINVAL;
	}
	if (a->console_socket && !a->console_socket[0]) {
		log_error("exec: --console-socket: '' is not a socket");
		return -EINVAL;
	}
	return 0;
}

static int parse_exec(int argc, char **argv, struct exec_args *a)
{
	const struct oci_opt opts[] = {
	    {"process", 'p', true, &a->process_file, NULL, NULL},
	    {"pid-file", 0, true, &a->pid_file, NULL, NULL},
	    {"console-socket", 0, true, &a->console_socket, NULL, NULL},
	    {"cwd", 0, true, &a->cwd, NULL, NULL},
	    {"user", 'u', true, &a->user, NULL, NULL},
	    {"preserve-fds", 0, true, &a->preserve_fds, NULL, NULL},
	    {"process-label", 0, true, &a->process_label, NULL, NULL},
	    {"apparmor", 0, true, &a->apparmor, NULL, NULL},
	    {"cgroup", 0, true, &a->cgroup, NULL, NULL},
	    {"env", 'e', true, NULL, NULL, &a->env},
	    {"cap", 'c', true, NULL, NULL, &a->caps},
	    {"additional-gids", 'g', true, NULL, NULL, &a->gids},
	    {"detach", 'd', false, NULL, &a->detach, NULL},
	    {"tty", 't', false, NULL, &a->tty, NULL},
	    {"no-new-privs", 0, false, NULL, &a->no_new_privs, NULL},
	    {"ignore-paused", 0, false, NULL, &a->ignore_paused, NULL},
	    {0},
	};
	char **pos;
	int n;

	if (oci_parse(argc, argv, opts, &pos, &n, 1, 1,
	              "[OPTIONS] ID [--process FILE | COMMAND [ARG...]]") < 0)
		return -EINVAL;
	a->id = pos[0];
	a->cmd = pos + 1;
	a->n_cmd = n - 1;
	if (!a->process_file && a->n_cmd == 0) {
		log_error("exec: a command or --process FILE is needed");
		return -EINVAL;
	}
	if (a->process_file && a->n_cmd > 0) {
		log_error("exec: --process FILE and a command are exclusive");
		return -EINVAL;
	}
	if (a->cgroup || (a->apparmor && *a->apparmor) || (a->process_label && *a->process_label)) {
		log_error("exec: --cgroup, --apparmor and --process-label are not supported");
		return -EOPNOTSUPP;
	}
	return check_values(a);
}

/* "--user UID[:GID]", -e, --cwd, --cap, -g, -t, --no-new-privs over the container's process. */
static int override(struct spec_process *p, const struct exec_args *a)
{
	size_t n_env = 0;
	char **env;

	while (p->env && p->env[n_env])
		n_env++;
	env = reallocarray(p->env, n_env + a->env.n + 1, sizeof(*env));
	if (!env)
		return -ENOMEM;
	p->env = env;
	for (size_t i = 0; i < a->env.n; i++) {
		if (!strchr(a->env.v[i], '=')) {
			log_error("exec: --env '%s': not KEY=VALUE", a->env.v[i]);
			return -EINVAL;
		}
		if (!(env[n_env++] = strdup(a->env.v[i])))
			return -ENOMEM;
	}
	env[n_env] = NULL;
	if (a->user) {
		uid_t uid;
		gid_t gid;

		if (parse_user_ids(a->user, &uid, &gid) < 0) {
			log_error("exec: --user '%s': not UID[:GID]", a->user);
			return -EINVAL;
		}
		p->uid = uid;
		/* UID alone: group 0, as box exec always had it (an OCI process's user.gid is
		 * 0 when unset); launch's GID = UID default is its own. */
		p->gid = strchr(a->user, ':') ? gid : 0;
	}
	for (size_t i = 0; i < a->caps.n; i++) {
		struct capset_change ch = {0};

		if (capset_parse(a->caps.v[i], true, &ch) < 0 || ch.add_all) {
			log_error("exec: --cap '%s': unknown capability", a->caps.v[i]);
			return -EINVAL;
		}
		p->cap_bounding |= ch.add;
		p->cap_effective |= ch.add;
		p->cap_permitted |= ch.add;
		p->cap_inheritable |= ch.add;
	}
	if (a->gids.n) {
		uint32_t *g = reallocarray(NULL, a->gids.n, sizeof(*g));

		if (!g)
			return -ENOMEM;
		for (size_t i = 0; i < a->gids.n; i++) {
			uint64_t v;

			if (parse_u64(a->gids.v[i], &v) < 0 || v > UINT32_MAX) {
				free(g);
				log_error("exec: -g '%s': not a gid", a->gids.v[i]);
				return -EINVAL;
			}
			g[i] = (uint32_t)v;
		}
		free(p->additional_gids);
		p->additional_gids = g;
		p->n_additional_gids = a->gids.n;
	}
	if (a->cwd) {
		char *cwd = strdup(a->cwd);

		if (!cwd)
			return -ENOMEM;
		free(p->cwd);
		p->cwd = cwd;
	}
	p->terminal = a->tty;
	p->no_new_privileges |= a->no_new_privs;
	return 0;
}

/* The process to run: --process FILE whole, or the container's own with the command and the
 * options over it. The container's config.json is the copy create kept in ROOT/ID. */
static int build_process(const char *root, const struct exec_args *a, struct spec *s)
{
	_cleanup_free_ char *dir = ocistate_dir(root, a->id), *text = NULL;
	struct spec_process p = {0};
	int r = dir ? ociconf_load(dir, s) : -ENOMEM;

	if (r < 0)
		return r;
	if (a->process_file) {
		r = read_file_alloc(a->process_file, 4 << 20, &text);
		if (r < 0) {
			(void)log_errno(r, "exec: read process '%s'", a->process_file);
			return -EINVAL;
		}
		r = ociconf_parse_process(text, strlen(text), &p);
		if (r < 0)
			return r;
		spec_process_free(&s->process);
		s->process = p;
		return 0;
	}
	char **args = calloc((size_t)a->n_cmd + 1, sizeof(*args));

	if (!args)
		return -ENOMEM;
	for (int i = 0; i < a->n_cmd; i++)
		if (!(args[i] = strdup(a->cmd[i])))
			r = -ENOMEM;
	for (size_t i = 0; s->process.args && s->process.args[i]; i++)
		free(s->process.args[i]);
	free(s->process.args);
	s->process.args = args;
	return r < 0 ? r : override(&s->process, a);
}

/* The child's end after an error: the message went over the sync socket. */
static _Noreturn void child_fail(int r)
{
	(void)r;
	_exit(EXIT_LAUNCH_FAILURE);
}

/* The second child: in the container's namespaces, cgroup and root; never prints. */
static _Noreturn void exec_process(const struct joiner *j, bool in_cgroup)
{
	const char *what = "";
	char exe[4096];
	int fd = j->sync[1], r;

	(void)safe_close(j->sync[0]);
	/* Until its exec this is box's code in the container: nothing there may open it. */
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		child_fail(sync_errorf(fd, -errno, "make the process non-dumpable"));

	/* Where clone3 could not place it (v2 before 5.7, and some v2 kernels refuse
	 * CLONE_INTO_CGROUP to a caller in another pid namespace for its children, as launch
	 * exec found), the leaf's cgroup.procs takes it before it does anything else. */
	r = in_cgroup ? 0 : cgroup_join_self(&j->join);
	if (r == 0 && !in_cgroup && j->procs)
		r = write_file(j->procs, "0");
	if (r < 0)
		child_fail(sync_errorf(fd, r, "join the container's cgroup"));
	/* The container's user namespace first of all (setns orders them so): its root. */
	if (setns(j->pidfd, (int)(j->join_ns | (j->userns ? CLONE_NEWUSER : 0))) < 0)
		child_fail(sync_errorf(fd, -errno, "join the container's namespaces"));
	if (setsid() < 0)
		child_fail(sync_errorf(fd, -errno, "start a session"));
	r = process_limits(j->proc, &what);
	if (r == 0 && j->proc->terminal)
		r = process_console(j->proc, j->console, false, &what);
	if (r < 0)
		child_fail(sync_errorf(fd, r, "%s", what));
	r = process_find(j->proc, exe, sizeof(exe));
	if (r == -ENOENT)
		child_fail(sync_errorf(fd, r, "exec '%s': executable file not found in $PATH",
		                       j->proc->args[0]));
	if (r < 0)
		child_fail(sync_errorf(fd, r, "exec '%s'", j->proc->args[0]));
	r = cloexec_from(3 + (int)j->preserve);
	if (r == 0)
		r = process_confine(j->proc, j->filter, &what);
	if (r < 0)
		child_fail(sync_errorf(fd, r, "%s", what));
	(void)sigprocmask(SIG_SETMASK, j->mask, NULL);
	execve(exe, j->proc->args, j->proc->env);
	child_fail(sync_errorf(fd, -errno, "exec '%s'", exe));
}

/* Starts the process; *ret_pid is its host pid. 0 once it has exec'd (the sync socket's EOF).
 * box itself enters only the container's pid namespace for its children. */
static int spawn(struct joiner *j, pid_t *ret_pid)
{
	struct sync_msg m;
	bool in_cgroup = false;
	pid_t pid;
	int r;

	if (sync_pair(j->sync) < 0)
		return log_errno(-errno, "create the exec's socket");
	/* An ordinary user needs CAP_SYS_ADMIN in its own user namespace to enter the others:
	 * the container's gives it, and then the process is in it already. */
	if (j->userns && geteuid() != 0) {
		if (setns(j->pidfd, CLONE_NEWUSER) < 0)
			return log_errno(-errno, "join the container's user namespace");
		j->userns = false;
	}
	if (setns(j->pidfd, CLONE_NEWPID) < 0)
		return log_errno(-errno, "join the container's pid namespace");
	pid = ns_clone(0, j->join.clone_fd, &in_cgroup);
	if (pid == 0)
		exec_process(j, in_cgroup);
	j->sync[1] = safe_close(j->sync[1]);
	if (pid < 0)
		return log_errno(pid, "clone into the container");
	r = sync_recv(j->sync[0], 0, &m, NULL);
	if (r > 0 && m.type == SYNC_ERROR) {
		(void)log_errno(-m.err, "exec in container: %s", m.text);
		return -(m.err ?: EIO);
	}
	*ret_pid = pid;
	return 0;
}

static int prepare(const struct oci_global *g, const struct exec_args *a, struct ocistate *st,
                   struct cgroup **ret_cg, int *ret_pidfd)
{
	enum oci_status status;
	int r = ocistate_load(g->root, a->id, st), fd;

	/* A missing container is no missing command (127): ocistate_load said which. */
	if (r < 0)
		return r == -ENOENT ? -ESRCH : r;
	status = ocistate_status(g->root, st);
	if (status != OCI_RUNNING && !(status == OCI_PAUSED && a->ignore_paused)) {
		log_error("exec in container '%s': container not running (it is %s)", a->id,
		          ocistate_status_name(status));
		return -ESRCH;
	}
	fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0 || !ocistate_pid_is(st->pid, st->pid_start)) {
		(void)safe_close(fd);
		log_error("exec in container '%s': container not running", a->id);
		return -ESRCH;
	}
	*ret_pidfd = fd;
	r = cgroup_open(st->cgroup_parent, st->cgroup_name, ret_cg);
	/* Rootless without a cgroup: nothing to join. */
	if (r == -ENOENT && g->rootless)
		return 0;
	if (r == -ENOENT)
		return log_errno(r, "open the cgroup of container '%s'", a->id);
	return r < 0 ? r : 0;
}

/* Of JOIN_FLAGS, those the container's process pid is not in with us: setns asks for
 * CAP_SYS_ADMIN over a namespace even when the caller is in it, and a container that shares
 * one of the host's (rootless podman's, without a cgroup namespace) would refuse the exec. */
static unsigned long namespaces_to_join(pid_t pid)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} ns[] = {{CLONE_NEWNS, "mnt"},
	          {CLONE_NEWNET, "net"},
	          {CLONE_NEWIPC, "ipc"},
	          {CLONE_NEWUTS, "uts"},
	          {CLONE_NEWCGROUP, "cgroup"}};
	unsigned long flags = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		char mine[64], theirs[64];
		struct stat a, b;

		(void)snprintf(mine, sizeof(mine), "/proc/self/ns/%s", ns[i].name);
		(void)snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, ns[i].name);
		if (stat(mine, &a) < 0 || stat(theirs, &b) < 0 || a.st_ino != b.st_ino ||
		    a.st_dev != b.st_dev)
			flags |= ns[i].flag;
	}
	return flags;
}

static int run_exec(const struct oci_global *g, const struct exec_args *a, const sigset_t *mask,
                    pid_t *ret_pid)
{
	_cleanup_(spec_free) struct spec s = {0};
	struct ocistate st = {0};
	struct syscall_filter filter = {0};
	struct cgroup *cg = NULL;
	struct joiner j = {.pidfd = -1, .console = -1, .sync = {-1, -1}};
	const char *leaves[1];
	char procs[4096];
	uint64_t u = 0;
	int r;

	j.join.clone_fd = -1;
	if (a->preserve_fds && (parse_u64(a->preserve_fds, &u) < 0 || u > 1024)) {
		log_error("exec: --preserve-fds '%s': not a number", a->preserve_fds);
		return -EINVAL;
	}
	j.preserve = (unsigned)u;
	r = prepare(g, a, &st, &cg, &j.pidfd);
	if (r == 0)
		r = build_process(g->root, a, &s);
	if (r == 0 && s.process.terminal && !a->console_socket)
		r = (log_error("exec: a terminal needs --console-socket"), -EINVAL);
	if (r == 0 && s.process.terminal &&
	    (j.console = oci_connect_console(a->console_socket)) < 0)
		r = j.console;
	if (r == 0)
		r = seccomp_profile_build(s.seccomp, &filter);
	if (r == 0 && cg)
		r = cgroup_join_open(cg, &j.join);
	if (r == 0 && cg && j.join.clone_fd >= 0 && cgroup_leaves(cg, leaves, 1) == 1) {
		(void)snprintf(procs, sizeof(procs), "%s/cgroup.procs", leaves[0]);
		j.procs = procs;
	}
	j.proc = &s.process;
	j.userns = s.ns[SPEC_NS_USER].wanted;
	j.join_ns = namespaces_to_join(st.pid);
	j.filter = &filter;
	j.mask = mask;
	if (r == 0)
		r = spawn(&j, ret_pid);
	cgroup_join_close(&j.join);
	cgroup_close(cg);
	syscalls_free(&filter);
	ocistate_free(&st);
	for (int i = 0; i < 2; i++)
		(void)safe_close(j.sync[i]);
	(void)safe_close(j.pidfd);
	(void)safe_close(j.console);
	return r;
}

int oci_exec(const struct oci_global *g, int argc, char **argv)
{
	struct exec_args a = {0};
	sigset_t set, old_mask;
	pid_t pid = 0;
	int r;

	r = parse_exec(argc, argv, &a);
	/* In the foreground the process is our child, signalled by us: signals are blocked
	 * from now so none sent meanwhile is lost; the child restores the mask we had. */
	(void)sigfillset(&set);
	(void)sigprocmask(a.detach ? SIG_SETMASK : SIG_BLOCK, a.detach ? NULL : &set, &old_mask);
	if (r == 0)
		r = run_exec(g, &a, &old_mask, &pid);
	/* The process runs: a pid file that cannot be written is no missing command. */
	if (r == 0 && a.pid_file && ocistate_write_pid_file(a.pid_file, pid) < 0)
		r = -EIO;
	free(a.env.v);
	free(a.caps.v);
	free(a.gids.v);
	if (r < 0)
		return r == -ENOENT ? EXIT_NOT_FOUND : r == -EACCES ? EXIT_CANNOT_EXECUTE : 1;
	return a.detach ? 0 : oci_wait_forwarding(pid);
}
