// SPDX-License-Identifier: MIT
/*
 * cmd_create: box create, start and run. create leaves the first process set up and blocked
 * on ROOT/ID/exec.fifo and exits: its caller (conmon, containerd's shim) becomes the
 * container's parent. start opens the fifo, which lets the process exec. run does both and
 * stays the parent: it waits, forwards signals, deletes, and exits with the status.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "container.h"
#include "hooks.h"
#include "log.h"
#include "oci.h"
#include "ociconf.h"
#include "ocistate.h"
#include "util.h"

struct create_args {
	const char *bundle, *pid_file, *console_socket, *preserve_fds;
	bool no_pivot, no_new_keyring, detach, keep;
	const char *id;
};

static int check_spec(const struct spec *s, const struct create_args *a)
{
	if (s->process.terminal && !a->console_socket) {
		log_error("config.json: process.terminal: needs --console-socket");
		return -EINVAL;
	}
	if (!s->process.terminal && a->console_socket) {
		log_error("--console-socket: given, but config.json's process.terminal is false");
		return -EINVAL;
	}
	if (s->process.apparmor_profile && *s->process.apparmor_profile &&
	    access("/sys/kernel/security/apparmor", F_OK) == 0) {
		log_error("config.json: process.apparmorProfile: AppArmor is not supported");
		return -EOPNOTSUPP;
	}
	if (s->process.apparmor_profile && *s->process.apparmor_profile)
		log_warn(
		    "config.json: process.apparmorProfile: this host has no AppArmor; ignored");
	if (s->process.selinux_label && *s->process.selinux_label)
		log_warn("config.json: process.selinuxLabel: SELinux is not supported; ignored");
	return 0;
}

static int resolve_paths(const struct spec *s, const char *bundle_arg, char **ret_bundle,
                         char **ret_rootfs)
{
	_cleanup_free_ char *bundle = realpath(bundle_arg, NULL), *root = NULL;
	struct stat st;

	if (!bundle)
		return log_errno(-errno, "bundle '%s'", bundle_arg);
	if (s->root_path[0] == '/')
		root = realpath(s->root_path, NULL);
	else {
		_cleanup_free_ char *joined = NULL;

		if (asprintf(&joined, "%s/%s", bundle, s->root_path) < 0)
			return -ENOMEM;
		root = realpath(joined, NULL);
	}
	if (!root)
		return log_errno(-errno, "config.json: root.path '%s'", s->root_path);
	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode) || STREQ(root, "/")) {
		log_error("config.json: root.path '%s': not a directory (other than /)",
		          s->root_path);
		return -ENOTDIR;
	}
	*ret_bundle = steal_ptr(&bundle);
	*ret_rootfs = steal_ptr(&root);
	return 0;
}

static char *hook_state(pid_t pid, const char *status, void *arg)
{
	return ocistate_hook_json(arg, pid, status);
}

/* exec and delete read the config as create took it, whatever happens to the bundle later. */
static int keep_config(const char *root, const char *id, const char *bundle)
{
	_cleanup_free_ char *src = NULL, *dst = NULL;
	_cleanup_close_ int in = -1, out = -1;
	char buf[65536];
	ssize_t n;

	if (asprintf(&src, "%s/config.json", bundle) < 0 ||
	    asprintf(&dst, "%s/%s/config.json", root, id) < 0)
		return -ENOMEM;
	in = open(src, O_RDONLY | O_CLOEXEC);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (in < 0 || out < 0)
		return log_errno(-errno, "copy '%s' to '%s'", src, dst);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, (size_t)n) < 0)
			return log_errno(-errno, "write '%s'", dst);
	return n < 0 ? log_errno(-errno, "read '%s'", src) : 0;
}

/* The host id that id 0 of a user namespace maps to (the overflow id when 0 is not mapped). */
static unsigned host_id(const struct spec_id_map *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].container_id == 0 && m[i].size > 0)
			return m[i].host_id;
	return 65534;
}

/* Everything of create after the state directory exists; the caller removes it on failure. */
static int create_in(const struct oci_global *g, const struct create_args *a, const struct spec *s,
                     struct ocistate *st, int lock, struct container *ret)
{
	_cleanup_free_ char *fifo = NULL;
	_cleanup_close_ int fifo_fd = -1, console = -1;
	unsigned preserve = 0;
	uint64_t u;
	int r;

	if (a->preserve_fds) {
		if (parse_u64(a->preserve_fds, &u) < 0 || u > 1024) {
			log_error("--preserve-fds: '%s' is not a number of descriptors",
			          a->preserve_fds);
			return -EINVAL;
		}
		preserve = (unsigned)u;
	}
	if (asprintf(&fifo, "%s/%s/exec.fifo", g->root, a->id) < 0)
		return -ENOMEM;
	if (mkfifo(fifo, 0600) < 0)
		return log_errno(-errno, "create '%s'", fifo);
	/* The first process reopens it as the root of its user namespace, when it has one. */
	if (s->ns[SPEC_NS_USER].wanted && chown(fifo, host_id(s->uid_maps, s->n_uid_maps),
	                                        host_id(s->gid_maps, s->n_gid_maps)) < 0)
		return log_errno(-errno, "hand '%s' to the container's root", fifo);
	fifo_fd = open(fifo, O_PATH | O_CLOEXEC);
	if (fifo_fd < 0)
		return log_errno(-errno, "open '%s'", fifo);
	if (a->console_socket && (console = oci_connect_console(a->console_socket)) < 0)
		return console;
	r = keep_config(g->root, a->id, st->bundle);
	if (r < 0)
		return r;
	r = container_cgroup_path(s->cgroups_path, a->id, &st->cgroup_parent, &st->cgroup_name);
	if (r < 0)
		return r;
	struct container_params p = {
	    .spec = s,
	    .rootfs = st->rootfs,
	    .bundle = st->bundle,
	    .cgroup_parent = st->cgroup_parent,
	    .cgroup_name = st->cgroup_name,
	    .no_pivot = a->no_pivot,
	    .rootless = g->rootless,
	    .console_sock = console,
	    .fifo_fd = fifo_fd,
	    .preserve_fds = preserve,
	    .close_fd = lock,
	    .hook_state = hook_state,
	    .hook_arg = st,
	};
	r = container_create(&p, ret);
	if (r < 0)
		return r;
	st->pid = ret->pid;
	r = ocistate_pid_start(ret->pid, &st->pid_start);
	if (r < 0)
		(void)log_errno(r, "read the start time of the container's process (pid %d)",
		                (int)ret->pid);
	if (r == 0)
		r = ocistate_save(g->root, st);
	if (r == 0 && a->pid_file)
		r = ocistate_write_pid_file(a->pid_file, ret->pid);
	if (r < 0) {
		cgroup_destroy(ret->cg);
		ret->cg = NULL;
	}
	return r;
}

static int do_create(const struct oci_global *g, const struct create_args *a, struct container *ret)
{
	_cleanup_(spec_free) struct spec s = {0};
	_cleanup_close_ int lock = -1;
	struct ocistate st = {0};
	int r;

	if (!ocistate_id_ok(a->id)) {
		log_error("container id '%s' is not valid ([A-Za-z0-9][A-Za-z0-9_+.-]*)", a->id);
		return -EINVAL;
	}
	r = ociconf_load(a->bundle, &s);
	if (r == 0)
		r = check_spec(&s, a);
	if (r == 0)
		r = resolve_paths(&s, a->bundle, &st.bundle, &st.rootfs);
	if (r == 0)
		r = ocistate_make(g->root, a->id);
	/* Held until create ends: a delete meanwhile waits, and finds a complete record or,
	 * if create was killed, what it left (cmd_ctl.c's remove_partial). */
	if (r == 0 && (r = ocistate_lock(g->root, a->id, &lock)) < 0)
		(void)ocistate_remove(g->root, a->id);
	if (r < 0) {
		ocistate_free(&st);
		return r;
	}
	st.id = strdup(a->id);
	st.created = ocistate_now();
	st.annotations = s.annotations ? json_incref(s.annotations) : NULL;
	st.post_hooks = s.n_hooks[SPEC_HOOK_POSTSTART] || s.n_hooks[SPEC_HOOK_POSTSTOP];
	r = st.id && st.created ? create_in(g, a, &s, &st, lock, ret) : -ENOMEM;
	if (r < 0)
		(void)ocistate_remove(g->root, a->id);
	ocistate_free(&st);
	return r;
}

static int parse_create(int argc, char **argv, struct create_args *a, bool run)
{
	/* run's own two first: create starts the list after them. */
	const struct oci_opt opts[] = {
	    {"detach", 'd', false, NULL, &a->detach, NULL},
	    {"keep", 0, false, NULL, &a->keep, NULL},
	    {"bundle", 'b', true, &a->bundle, NULL, NULL},
	    {"pid-file", 0, true, &a->pid_file, NULL, NULL},
	    {"console-socket", 0, true, &a->console_socket, NULL, NULL},
	    {"preserve-fds", 0, true, &a->preserve_fds, NULL, NULL},
	    {"no-pivot", 0, false, NULL, &a->no_pivot, NULL},
	    {"no-new-keyring", 0, false, NULL, &a->no_new_keyring, NULL},
	    {0},
	};
	char **pos;
	int n, r;

	a->bundle = ".";
	r = oci_parse(argc, argv, run ? opts : opts + 2, &pos, &n, 1, 1,
	              "[--bundle DIR] [--pid-file FILE] ID");
	if (r < 0)
		return r;
	if (n != 1) {
		log_error("%s: one container id expected", argv[0]);
		return -EINVAL;
	}
	a->id = pos[0];
	/* Known bad before anything exists, rather than found once the container does. */
	if (a->pid_file && !a->pid_file[0]) {
		log_error("%s: --pid-file: '' is not a file", argv[0]);
		return -EINVAL;
	}
	if (!a->bundle[0]) {
		log_error("%s: --bundle: '' is not a directory", argv[0]);
		return -EINVAL;
	}
	return 0;
}

int oci_create(const struct oci_global *g, int argc, char **argv)
{
	struct create_args a = {0};
	struct container c = {0};

	if (parse_create(argc, argv, &a, false) < 0 || do_create(g, &a, &c) < 0)
		return 1;
	cgroup_close(c.cg);
	return 0;
}

/* Opens the fifo for reading (which completes the first process's open for writing) and
 * waits for its byte, while the process lives. */
static int release(const char *root, const struct ocistate *st)
{
	_cleanup_free_ char *fifo = NULL;
	_cleanup_close_ int fd = -1;
	char c;

	if (asprintf(&fifo, "%s/%s/exec.fifo", root, st->id) < 0)
		return -ENOMEM;
	fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return log_errno(-errno, "open '%s'", fifo);
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int n = poll(&pfd, 1, 100);

		if (n > 0 && read(fd, &c, 1) == 1)
			break;
		if (n < 0 && errno != EINTR)
			return log_errno(-errno, "wait on '%s'", fifo);
		if (!ocistate_pid_is(st->pid, st->pid_start)) {
			log_error("cannot start container '%s': its process has exited", st->id);
			return -ESRCH;
		}
	}
	if (unlink(fifo) < 0)
		return log_errno(-errno, "remove '%s'", fifo);
	return 0;
}

static int do_start(const struct oci_global *g, const char *id)
{
	struct ocistate st = {0};
	_cleanup_close_ int lock = -1;
	enum oci_status status;
	int r = ocistate_lock(g->root, id, &lock);

	if (r == 0)
		r = ocistate_load(g->root, id, &st);
	if (r < 0)
		return r;
	status = ocistate_status(g->root, &st);
	if (status != OCI_CREATED) {
		log_error("cannot start container '%s': it is %s, not created", id,
		          status == OCI_STOPPED ? "stopped (container not running)"
		                                : ocistate_status_name(status));
		r = -EINVAL;
	} else {
		r = release(g->root, &st);
	}
	if (r == 0)
		oci_run_hooks(g->root, &st, SPEC_HOOK_POSTSTART, "running");
	ocistate_free(&st);
	return r;
}

int oci_start(const struct oci_global *g, int argc, char **argv)
{
	char **pos;
	int n;

	if (oci_parse(argc, argv, NULL, &pos, &n, 1, 1, "ID") < 0 || n != 1)
		return 1;
	return do_start(g, pos[0]) < 0 ? 1 : 0;
}

int oci_run(const struct oci_global *g, int argc, char **argv)
{
	struct create_args a = {0};
	struct container c = {0};
	int code;

	if (parse_create(argc, argv, &a, true) < 0 || do_create(g, &a, &c) < 0)
		return 1;
	if (do_start(g, a.id) < 0) {
		cgroup_destroy(c.cg);
		(void)ocistate_remove(g->root, a.id);
		return 1;
	}
	if (a.detach) {
		cgroup_close(c.cg);
		return 0;
	}
	code = oci_wait_forwarding(c.pid);
	if (!a.keep) {
		cgroup_destroy(c.cg);
		(void)ocistate_remove(g->root, a.id);
	} else {
		cgroup_close(c.cg);
	}
	return code;
}
