// SPDX-License-Identifier: MIT
/*
 * container: see container.h. The caller runs as root in the host's namespaces; the first
 * process (child_main) runs in the new ones, reports every failure over the sync socket and
 * never prints. Order in child_setup matters and each step says why.
 */
#include "container.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hooks.h"
#include "log.h"
#include "ns.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp_profile.h"
#include "specplan.h"
#include "sync.h"
#include "syscalls.h"
#include "util.h"
#include "waiter.h"

#define DEFAULT_CGROUP_PARENT "/box-oci"

/* Namespaces and the clone flag that makes a new one. */
static const int ns_flags[SPEC_NS_MAX] = {
    [SPEC_NS_PID] = CLONE_NEWPID,       [SPEC_NS_NET] = CLONE_NEWNET,
    [SPEC_NS_MNT] = CLONE_NEWNS,        [SPEC_NS_IPC] = CLONE_NEWIPC,
    [SPEC_NS_UTS] = CLONE_NEWUTS,       [SPEC_NS_USER] = CLONE_NEWUSER,
    [SPEC_NS_CGROUP] = CLONE_NEWCGROUP, [SPEC_NS_TIME] = CLONE_NEWTIME,
};

struct child {
	const struct container_params *p;
	const struct mount_plan *plan;
	const struct syscall_filter *filter;
	struct cgroup_join join;
	struct cgroup *cg;
	struct ns_ahead ahead;  /* uts, ipc (and net) made by a thread during the cgroup's set-up */
	int ns_fd[SPEC_NS_MAX]; /* joined by path, or -1 */
	int syncfd[2];
	int statefd[2];    /* the hooks' state, from the parent (hooks only) */
	char *state;       /* the child's copy of it */
	bool unprivileged; /* box runs as an ordinary user (it writes the maps without privilege) */
};

static bool has_hooks(const struct spec *s, enum spec_hook_kind k)
{
	return s->n_hooks[k] > 0;
}

/* Does the first process stop before its pivot for the runtime's hooks? */
static bool hooks_handshake(const struct spec *s)
{
	return has_hooks(s, SPEC_HOOK_PRESTART) || has_hooks(s, SPEC_HOOK_CREATE_RUNTIME) ||
	       has_hooks(s, SPEC_HOOK_CREATE_CONTAINER) || has_hooks(s, SPEC_HOOK_START_CONTAINER);
}

/* The first process, right before its pivot: the runtime runs prestart and createRuntime,
 * then this process runs createContainer (in the container's namespaces; the hook's path
 * still resolves in the host's root). The state comes from the parent, which knows our pid. */
static int child_before_pivot(void *arg)
{
	struct child *c = arg;
	char err[256];
	size_t len = 0, cap = 0;
	int r;

	if (!hooks_handshake(c->p->spec))
		return 0;
	r = sync_send_hooks(c->syncfd[1]);
	if (r == 0)
		r = sync_wait_go(c->syncfd[1]);
	if (r < 0)
		return r;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *b = realloc(c->state, cap = cap ? cap * 2 : 4096);

			if (!b)
				return sync_errorf(c->syncfd[1], -ENOMEM, "read the hooks' state");
			c->state = b;
		}
		n = read(c->statefd[0], c->state + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	c->state[len] = '\0';
	(void)safe_close(c->statefd[0]);
	r = hooks_run(c->p->spec, SPEC_HOOK_CREATE_CONTAINER, c->state, err, sizeof(err));
	if (r < 0)
		return sync_errorf(c->syncfd[1], r, "%s", err);
	return 0;
}

static int child_namespaces(const struct child *c)
{
	const struct spec *s = c->p->spec;
	const char *what = "";

	if (c->ahead.started && ns_ahead_enter(&c->ahead, &what) < 0)
		return sync_errorf(c->syncfd[1], -errno, "enter the container's %s namespace",
		                   what);

	/* The pid namespace was joined before the clone (it only applies to children). */
	for (int i = 0; i < SPEC_NS_MAX; i++)
		if (c->ns_fd[i] >= 0 && i != SPEC_NS_PID && setns(c->ns_fd[i], ns_flags[i]) < 0)
			return sync_errorf(c->syncfd[1], -errno, "join the %s namespace '%s'",
			                   spec_ns_name(i), s->ns[i].path);
	/* Rooted at the cgroup joined just before: /proc/self/cgroup reads "/" inside. */
	if (s->ns[SPEC_NS_CGROUP].wanted && !s->ns[SPEC_NS_CGROUP].path &&
	    unshare(CLONE_NEWCGROUP) < 0)
		return sync_errorf(c->syncfd[1], -errno, "unshare the cgroup namespace");
	if (s->hostname && !c->ahead.started && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return sync_errorf(c->syncfd[1], -errno, "set hostname '%s'", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return sync_errorf(c->syncfd[1], -errno, "set domainname '%s'", s->domainname);
	return 0;
}

/* Released by `box start`: its open of the fifo for reading completes ours for writing. The
 * O_PATH descriptor was opened on the host's path before the pivot; /proc reopens it. */
static int child_wait_start(const struct child *c)
{
	char path[40];
	int fd;

	if (c->p->fifo_fd < 0)
		return 0;
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", c->p->fifo_fd);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	(void)safe_close(c->p->fifo_fd);
	if (write_all(fd, "0", 1) < 0) {
		(void)safe_close(fd);
		return -EPIPE;
	}
	(void)safe_close(fd);
	return 0;
}

static int child_setup(const struct child *c, char *exe, size_t exe_size)
{
	const struct spec_process *proc = &c->p->spec->process;
	bool userns = c->p->spec->ns[SPEC_NS_USER].wanted;
	const char *what = "";
	int r;

	(void)safe_close(c->syncfd[0]);
	(void)safe_close(c->statefd[1]);
	/* A lock shared with the caller's open file would stay held while we wait for start. */
	(void)safe_close(c->p->close_fd);
	/* If `box create` dies during the set-up, so do we (cleared once we are ready). Until
	 * its exec this is box's code in the container: nothing there may open or trace it. */
	/* An unprivileged box writes our maps itself, which a non-dumpable process's /proc
	 * files (root's then) would not let it: non-dumpable once they are written. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
	    (!(userns && c->unprivileged) && prctl(PR_SET_DUMPABLE, 0) < 0))
		return sync_errorf(c->syncfd[1], -errno, "set the parent-death signal");
	/* Out of the caller's session: only the pty made below may become our terminal. */
	if (setsid() < 0)
		return sync_errorf(c->syncfd[1], -errno, "start a session");
	r = cgroup_join_self(&c->join);
	if (r < 0)
		return sync_errorf(c->syncfd[1], r, "join the container's cgroup");
	/* A new user namespace: its maps come from box create, then this process becomes its
	 * root (0 must be mapped) before anything else: what it mounts and makes is the
	 * namespace's (a tmpfs it mounts refuses files of an unmapped owner). The rootfs and
	 * the bind sources must be reachable by that root, as with any runtime. */
	if (userns) {
		r = sync_wait_go(c->syncfd[1]);
		if (r < 0)
			return r;
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			return sync_errorf(c->syncfd[1], -errno,
			                   "become root of the user namespace "
			                   "(is 0 mapped?)");
		/* The change of ids reset both. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0)
			return sync_errorf(c->syncfd[1], -errno, "set the parent-death signal");
	}
	r = child_namespaces(c);
	if (r == 0)
		r = rootfs_apply(c->plan, c->syncfd[1]);
	if (r < 0)
		return r;
	if (proc->terminal && (r = process_console(proc, c->p->console_sock, true, &what)) < 0)
		return sync_errorf(c->syncfd[1], r, "%s", what);
	(void)safe_close(c->p->console_sock);
	r = process_limits(proc, &what);
	if (r < 0)
		return sync_errorf(c->syncfd[1], r, "%s", what);
	/* Found now, so a missing command fails `create` with the words engines look for. */
	r = process_find(proc, exe, exe_size);
	if (r == -ENOENT)
		return sync_errorf(c->syncfd[1], r, "exec '%s': executable file not found in $PATH",
		                   proc->args[0]);
	if (r < 0)
		return sync_errorf(c->syncfd[1], r, "exec '%s'", proc->args[0]);
	return 0;
}

static _Noreturn void child_main(const struct child *c)
{
	const struct spec_process *proc = &c->p->spec->process;
	const char *what = "";
	char exe[4096];
	int r;

	if (child_setup(c, exe, sizeof(exe)) < 0)
		_exit(EXIT_LAUNCH_FAILURE);
	if (prctl(PR_SET_PDEATHSIG, 0) < 0 || sync_send_ready(c->syncfd[1]) < 0)
		_exit(EXIT_LAUNCH_FAILURE);
	(void)safe_close(c->syncfd[1]);
	/* From here on nobody reads the sync socket: errors go to the process's stderr. */
	r = child_wait_start(c);
	if (r < 0)
		_exit(EXIT_LAUNCH_FAILURE);
	if (has_hooks(c->p->spec, SPEC_HOOK_START_CONTAINER)) {
		char err[256];

		r = hooks_run(c->p->spec, SPEC_HOOK_START_CONTAINER, c->state, err, sizeof(err));
		if (r < 0) {
			log_errno(r, "%s", err);
			_exit(EXIT_LAUNCH_FAILURE);
		}
	}
	r = cloexec_from(3 + (int)c->p->preserve_fds);
	if (r == 0)
		r = process_confine(proc, c->filter, &what);
	if (r < 0) {
		log_errno(r, "%s", what);
		_exit(EXIT_LAUNCH_FAILURE);
	}
	/* Whatever mask box was started with is not the container's. */
	sigset_t none;

	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	execve(exe, proc->args, proc->env);
	r = errno;
	log_errno(-r, "exec '%s'", exe);
	_exit(r == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE);
}

static int open_namespaces(const struct spec *s, struct child *c, unsigned long *ret_flags)
{
	unsigned long flags = 0;

	if (!s->ns[SPEC_NS_MNT].wanted || s->ns[SPEC_NS_MNT].path) {
		log_error("config.json: linux.namespaces: a new mount namespace is required");
		return -EINVAL;
	}
	if (s->ns[SPEC_NS_USER].path) {
		log_error(
		    "config.json: linux.namespaces: joining a user namespace is not supported");
		return -EOPNOTSUPP;
	}
	if (s->ns[SPEC_NS_USER].wanted && (!s->n_uid_maps || !s->n_gid_maps)) {
		log_error(
		    "config.json: linux.uidMappings: a user namespace needs uid and gid maps");
		return -EINVAL;
	}
	if (s->ns[SPEC_NS_TIME].wanted) {
		log_error("config.json: linux.namespaces: time namespaces are not supported");
		return -EOPNOTSUPP;
	}
	if ((s->hostname || s->domainname) && !s->ns[SPEC_NS_UTS].wanted) {
		log_error("config.json: hostname: needs a uts namespace of the container's own");
		return -EINVAL;
	}
	for (int i = 0; i < SPEC_NS_MAX; i++) {
		if (!s->ns[i].wanted)
			continue;
		if (!s->ns[i].path) {
			flags |= i == SPEC_NS_CGROUP ? 0 : (unsigned long)ns_flags[i];
			continue;
		}
		c->ns_fd[i] = open(s->ns[i].path, O_RDONLY | O_CLOEXEC);
		if (c->ns_fd[i] < 0)
			return log_errno(-errno, "open %s namespace '%s'", spec_ns_name(i),
			                 s->ns[i].path);
	}
	*ret_flags = flags;
	return 0;
}

/* New uts and ipc namespaces (and a new network one, or the host's) are made by a thread while
 * this one makes the cgroup: a network namespace is the dearest part of a start (launch's
 * design note). Only for the usual set; anything else comes with the clone. */
static int start_ahead(const struct spec *s, struct ns_ahead *a, unsigned long *flags)
{
	const struct spec_namespace *ns = s->ns;
	bool new_net = ns[SPEC_NS_NET].wanted && !ns[SPEC_NS_NET].path;

	/* In a user namespace the others must be its own: they come with the clone. */
	if (ns[SPEC_NS_USER].wanted || !ns[SPEC_NS_UTS].wanted || ns[SPEC_NS_UTS].path ||
	    !ns[SPEC_NS_IPC].wanted || ns[SPEC_NS_IPC].path || (ns[SPEC_NS_NET].wanted && !new_net))
		return 0;
	*flags &= ~(unsigned long)(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET);
	return ns_ahead_start(a, !new_net, s->hostname);
}

static void close_namespaces(struct child *c)
{
	for (int i = 0; i < SPEC_NS_MAX; i++)
		c->ns_fd[i] = safe_close(c->ns_fd[i]);
}

/* Each leaf's hierarchy mount: the leaf minus "/<parent>/<name>". */
static int leaf_mounts(struct cgroup *cg, const char *parent, const char *name, const char **leaves,
                       char **mounts, size_t *ret_n)
{
	size_t n = cg ? cgroup_leaves(cg, leaves, CGROUP_JOIN_MAX) : 0;
	size_t tail = strlen(parent) + strlen(name) + 2;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(leaves[i]);

		mounts[i] = strndup(leaves[i], len > tail ? len - tail : len);
		if (!mounts[i])
			return -ENOMEM;
	}
	*ret_n = n;
	return 0;
}

static bool on_cgroup_v2(struct cgroup *cg)
{
	const char *leaf;

	/* v2 has one hierarchy, whose root has cgroup.controllers. */
	return cg && cgroup_leaves(cg, &leaf, 1) == 1 &&
	       access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
}

static int build_plan(const struct container_params *p, struct cgroup *cg, struct mount_plan *ret)
{
	const char *leaves[CGROUP_JOIN_MAX];
	char *mounts[CGROUP_JOIN_MAX] = {0};
	size_t n = 0;
	_cleanup_free_ char *parent = NULL;
	int r;

	/* The parent as cgroup.c keeps it, for the suffix (no leading '/'). */
	parent = strdup(p->cgroup_parent[0] == '/' ? p->cgroup_parent + 1 : p->cgroup_parent);
	r = parent ? leaf_mounts(cg, parent, p->cgroup_name, leaves, mounts, &n) : -ENOMEM;
	if (r == 0) {
		struct specplan_in in = {
		    .spec = p->spec,
		    .rootfs = p->rootfs,
		    .bundle = p->bundle,
		    .leaves = leaves,
		    .leaf_mounts = (const char *const *)mounts,
		    .n_leaves = n,
		    .cgroup_v2 = on_cgroup_v2(cg),
		    .no_pivot = p->no_pivot,
		};
		r = specplan_build(&in, ret);
		/* The plan keeps the mounts' names only through the links it made (strings). */
		if (r == 0) {
			for (size_t i = 0; i < n; i++) {
				char **v =
				    reallocarray(ret->strings, ret->n_strings + 1, sizeof(*v));

				if (!v) {
					r = -ENOMEM;
					break;
				}
				ret->strings = v;
				v[ret->n_strings++] = steal_ptr(&mounts[i]);
			}
		}
	} else {
		log_errno(r, "plan the container's cgroup mounts");
	}
	for (size_t i = 0; i < n; i++)
		free(mounts[i]);
	return r;
}

/* linux.resources.devices over box's device policy (only the default nodes, mknod of any):
 * "allow a" lifts it; each other allow adds its devices; "deny all" is the policy itself. A
 * narrower deny cannot be honoured on top of an allow list and is refused. */
static int device_rules(const struct spec *s, struct cgroup_limits *lim,
                        struct cgroup_dev_rule **ret)
{
	struct cgroup_dev_rule *v = calloc(s->n_device_rules ?: 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return log_errno(-ENOMEM, "device rules");
	for (size_t i = 0; i < s->n_device_rules; i++) {
		const struct spec_device_rule *d = &s->device_rules[i];
		bool any = d->major < 0 && d->minor < 0;

		if (d->type == 'a' && any) {
			lim->all_devices = d->allow;
			n = 0; /* a later "deny all" starts the list again */
			continue;
		}
		if (!d->allow || d->type == 'a') {
			free(v);
			log_error("config.json: linux.resources.devices[%zu]: only 'deny all' and "
			          "allow rules of type c or b are supported",
			          i);
			return -EOPNOTSUPP;
		}
		v[n] =
		    (struct cgroup_dev_rule){.type = d->type, .major = d->major, .minor = d->minor};
		(void)snprintf(v[n].access, sizeof(v[n].access), "%s",
		               d->access[0] ? d->access : "rwm");
		n++;
	}
	lim->devices = v;
	lim->n_devices = n;
	*ret = v;
	return 0;
}

/* The runtime's hooks (prestart, createRuntime), then the state for the container's. */
static int parent_hooks(struct child *c, pid_t pid)
{
	const struct container_params *p = c->p;
	_cleanup_free_ char *state =
	    p->hook_state ? p->hook_state(pid, "creating", p->hook_arg) : NULL;
	char err[256];
	int r;

	if (!state)
		return log_errno(-ENOMEM, "build the hooks' state");
	r = hooks_run(p->spec, SPEC_HOOK_PRESTART, state, err, sizeof(err));
	if (r == 0)
		r = hooks_run(p->spec, SPEC_HOOK_CREATE_RUNTIME, state, err, sizeof(err));
	if (r < 0)
		return log_errno(r, "%s", err);
	r = write_all(c->statefd[1], state, strlen(state));
	(void)safe_close(c->statefd[1]);
	if (r == 0)
		r = sync_send_go(c->syncfd[0]);
	return r < 0 ? log_errno(r, "hand the state to the container's first process") : 0;
}

/* Waits for READY, or the first error (the child is then killed by the caller). */
static int wait_ready(struct child *c, pid_t pid)
{
	int fd = c->syncfd[0];

	for (;;) {
		struct sync_msg m;
		int r = sync_recv(fd, 0, &m, NULL);

		if (r < 0)
			return log_errno(r, "read from the container's first process");
		if (r == 0) {
			log_error("the container's first process exited during its set-up");
			return -ECHILD;
		}
		if (m.type == SYNC_READY)
			return 0;
		if (m.type == SYNC_HOOKS) {
			r = parent_hooks(c, pid);
			if (r < 0)
				return r;
			continue;
		}
		if (m.type == SYNC_WARNING) {
			log_warn("%s", m.text);
			continue;
		}
		if (m.type == SYNC_ERROR) {
			(void)log_errno(-m.err, "%s", m.text);
			return -(m.err ?: EIO);
		}
	}
}

static void kill_child(pid_t pid)
{
	waiter_kill(pid);
}

#define MAX_ID_MAPS 340 /* lines per map the kernel takes (5.0 and later) */

/* The new user namespace's maps, written from the host (root here may map any range), then
 * GO: the first process waits for them before it does anything as its new root. */
static int write_maps(const struct spec *s, pid_t pid, int syncfd, bool unprivileged)
{
	struct ns_id_range uid[MAX_ID_MAPS], gid[MAX_ID_MAPS];
	const char *what = "";
	int r = 0;

	if (s->n_uid_maps > MAX_ID_MAPS || s->n_gid_maps > MAX_ID_MAPS)
		r = -E2BIG;
	for (size_t i = 0; r == 0 && i < s->n_uid_maps; i++)
		uid[i] = (struct ns_id_range){s->uid_maps[i].container_id, s->uid_maps[i].host_id,
		                              s->uid_maps[i].size};
	for (size_t i = 0; r == 0 && i < s->n_gid_maps; i++)
		gid[i] = (struct ns_id_range){s->gid_maps[i].container_id, s->gid_maps[i].host_id,
		                              s->gid_maps[i].size};
	if (r == 0)
		r = ns_write_maps(pid, uid, s->n_uid_maps, gid, s->n_gid_maps, unprivileged, &what);
	if (r < 0)
		return log_errno(
		    r, "map the container's users (uidMappings, gidMappings): write %s", what);
	r = sync_send_go(syncfd);
	return r < 0 ? log_errno(r, "release the container's first process") : 0;
}

/* Clones the first process into the new namespaces (and, on v2, straight into the cgroup). */
static int spawn(struct child *c, unsigned long flags, pid_t *ret_pid)
{
	const struct spec *s = c->p->spec;
	bool in_cgroup;
	pid_t pid;
	int r;

	/* A pid namespace to join applies to the children of whoever joins it: join it here,
	 * in `box create`, which exits soon anyway. */
	if (c->ns_fd[SPEC_NS_PID] >= 0 && setns(c->ns_fd[SPEC_NS_PID], CLONE_NEWPID) < 0)
		return log_errno(-errno, "join the pid namespace '%s'", s->ns[SPEC_NS_PID].path);
	r = sync_pair(c->syncfd);
	if (r < 0)
		return log_errno(r, "create the sync socket");
	if (hooks_handshake(s) && pipe2(c->statefd, O_CLOEXEC) < 0)
		return log_errno(-errno, "create the hooks' pipe");
	pid = ns_clone(flags, c->join.clone_fd, &in_cgroup);
	if (pid == 0)
		child_main(c);
	(void)safe_close(c->syncfd[1]);
	c->statefd[0] = safe_close(c->statefd[0]);
	if (pid < 0) {
		(void)safe_close(c->syncfd[0]);
		c->statefd[1] = safe_close(c->statefd[1]);
		return log_errno(pid, "clone the container's first process");
	}
	/* v2 before 5.7 (no CLONE_INTO_CGROUP): attached from here, a moment late. */
	r = in_cgroup || c->join.n_tasks || !c->cg ? 0 : cgroup_attach(c->cg, pid);
	if (r == 0 && s->ns[SPEC_NS_USER].wanted)
		r = write_maps(s, pid, c->syncfd[0], c->unprivileged);
	if (r == 0)
		r = wait_ready(c, pid);
	(void)safe_close(c->syncfd[0]);
	c->statefd[1] = safe_close(c->statefd[1]);
	if (r < 0) {
		kill_child(pid);
		return r;
	}
	*ret_pid = pid;
	return 0;
}

int container_create(const struct container_params *p, struct container *ret)
{
	const struct spec *s = p->spec;
	struct cgroup_limits lim = s->limits;
	_cleanup_free_ struct cgroup_dev_rule *dev_rules = NULL;
	struct syscall_filter filter = {0};
	struct mount_plan plan = {0};
	struct cgroup *cg = NULL;
	struct child c = {
	    .p = p, .plan = &plan, .filter = &filter, .syncfd = {-1, -1}, .statefd = {-1, -1}};
	unsigned long flags = 0;
	pid_t pid = 0;
	int r;

	c.join.clone_fd = -1;
	c.unprivileged = geteuid() != 0;
	for (int i = 0; i < SPEC_NS_MAX; i++)
		c.ns_fd[i] = -1;
	r = open_namespaces(s, &c, &flags);
	if (r == 0)
		r = start_ahead(s, &c.ahead, &flags);
	if (r == 0 && s->seccomp)
		r = seccomp_profile_build(s->seccomp, &filter);
	if (r == 0)
		r = device_rules(s, &lim, &dev_rules);
	/* Rootless without resources: no cgroup at all, as launch's rootless containers (an
	 * ordinary user may write no cgroup but a delegated one; device rules need root). */
	if (r == 0 && !(p->rootless && !s->has_limits))
		r = cgroup_create(p->cgroup_parent, p->cgroup_name, &lim, &cg);
	if (r == 0)
		r = build_plan(p, cg, &plan);
	plan.before_pivot = child_before_pivot;
	plan.before_pivot_arg = &c;
	if (r == 0 && cg)
		r = cgroup_join_open(cg, &c.join);
	if (c.ahead.started) {
		int ra = ns_ahead_finish(&c.ahead);

		r = r ?: ra;
	}
	c.cg = cg;
	if (r == 0)
		r = spawn(&c, flags, &pid);
	cgroup_join_close(&c.join);
	close_namespaces(&c);
	ns_ahead_close(&c.ahead);
	rootfs_plan_free(&plan);
	syscalls_free(&filter);
	if (r < 0) {
		cgroup_destroy(cg);
		return r;
	}
	*ret = (struct container){.pid = pid, .cg = cg};
	return 0;
}

/* "a-b.slice" lies in "a.slice/a-b.slice" (systemd's naming), "-.slice" is the root. */
static int slice_path(const char *slice, char **ret)
{
	size_t len = strlen(slice);
	char *path;

	if (len < 7 || strcmp(slice + len - 6, ".slice") != 0 || strchr(slice, '/'))
		return -EINVAL;
	path = strdup("");
	for (size_t i = 0; path && !STREQ(slice, "-.slice") && i < len - 6; i++) {
		char *next = NULL;

		if (slice[i] != '-' && i != len - 7)
			continue;
		if (asprintf(&next, "%s/%.*s.slice", path, (int)(slice[i] == '-' ? i : len - 6),
		             slice) < 0)
			next = NULL;
		free(path);
		path = next;
	}
	if (!path)
		return -ENOMEM;
	*ret = path;
	return 0;
}

static int split_path(const char *path, char **ret_parent, char **ret_name)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!*name || STREQ(name, ".") || STREQ(name, ".."))
		return -EINVAL;
	*ret_parent = n ? strndup(path, n) : strdup("/");
	*ret_name = strdup(name);
	if (*ret_parent && *ret_name)
		return 0;
	free(*ret_parent);
	free(*ret_name);
	return -ENOMEM;
}

int container_cgroup_path(const char *cgroups_path, const char *id, char **ret_parent,
                          char **ret_name)
{
	_cleanup_free_ char *path = NULL;
	int r;

	if (!cgroups_path || !*cgroups_path)
		r = asprintf(&path, "%s/%s", DEFAULT_CGROUP_PARENT, id) < 0 ? -ENOMEM : 0;
	else if (cgroups_path[0] != '/' && strchr(cgroups_path, ':')) {
		/* slice:prefix:name */
		_cleanup_free_ char *slice = strndup(cgroups_path, strcspn(cgroups_path, ":"));
		const char *rest = cgroups_path + strcspn(cgroups_path, ":") + 1;
		const char *colon = strchr(rest, ':');
		_cleanup_free_ char *dir = NULL;

		r = !slice   ? -ENOMEM
		    : !colon ? -EINVAL
		             : slice_path(*slice ? slice : "system.slice", &dir);
		if (r == 0 && asprintf(&path, "%s/%.*s-%s.scope", dir, (int)(colon - rest), rest,
		                       colon + 1) < 0)
			r = -ENOMEM;
	} else
		r = asprintf(&path, "%s%s", cgroups_path[0] == '/' ? "" : "/", cgroups_path) < 0
		        ? -ENOMEM
		        : 0;
	if (r == 0)
		r = split_path(path, ret_parent, ret_name);
	if (r < 0)
		log_error("config.json: linux.cgroupsPath: invalid path '%s'",
		          cgroups_path ? cgroups_path : "");
	return r;
}
