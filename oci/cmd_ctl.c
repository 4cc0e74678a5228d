// SPDX-License-Identifier: MIT
/*
 * cmd_ctl: box state, kill, delete, list, ps, pause/resume and update: commands on a container
 * that exists, all through its record (ocistate.h). A process is signalled only through a
 * pidfd whose start time matched the record after it was opened: a recycled pid never is.
 */
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "cgroup.h"
#include "container.h"
#include "hooks.h"
#include "log.h"
#include "ns.h"
#include "oci.h"
#include "ociconf.h"
#include "ocistate.h"
#include "util.h"

static int one_id(int argc, char **argv, const struct oci_opt *opts, const char *usage,
                  const char **ret)
{
	char **pos;
	int n;

	if (oci_parse(argc, argv, opts, &pos, &n, 1, 1, usage) < 0)
		return -EINVAL;
	if (n != 1) {
		log_error("%s: one container id expected (usage: box %s %s)", argv[0], argv[0],
		          usage);
		return -EINVAL;
	}
	*ret = pos[0];
	return 0;
}

static int print_json(json_t *o)
{
	char *text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;

	json_decref(o);
	if (!text)
		return log_errno(-ENOMEM, "print the state");
	printf("%s\n", text);
	free(text);
	return fflush(stdout) == 0 ? 0 : -EIO;
}

int oci_state(const struct oci_global *g, int argc, char **argv)
{
	struct ocistate st = {0};
	const char *id;
	int r;

	if (one_id(argc, argv, NULL, "ID", &id) < 0 || ocistate_load(g->root, id, &st) < 0)
		return 1;
	r = print_json(ocistate_json(g->root, &st));
	ocistate_free(&st);
	return r < 0 ? 1 : 0;
}

/* --- kill ------------------------------------------------------------------------------ */

static int signal_pid(pid_t pid, uint64_t start, int sig)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	int r = 0;

	if (fd < 0)
		return -errno;
	/* The pidfd pins the process: if it is still the one recorded now, it is the one we
	 * signal. */
	if (!ocistate_pid_is(pid, start))
		r = -ESRCH;
	else if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
		r = -errno;
	(void)safe_close(fd);
	return r;
}

static int kill_all(const struct ocistate *st, int sig)
{
	struct cgroup *cg = NULL;
	pid_t *pids = NULL;
	size_t n = 0;
	int r = cgroup_open(st->cgroup_parent, st->cgroup_name, &cg);

	if (r == 0)
		r = cgroup_pids(cg, &pids, &n);
	/* Rootless, no cgroup: its pid namespace holds them all. */
	else if (r == -ENOENT && ocistate_pid_is(st->pid, st->pid_start))
		r = ns_pid_members(st->pid, &pids, &n);
	cgroup_close(cg);
	if (r < 0)
		return log_errno(r, "list the processes of container '%s'", st->id);
	for (size_t i = 0; i < n; i++)
		(void)kill(pids[i], sig);
	free(pids);
	return 0;
}

int oci_kill(const struct oci_global *g, int argc, char **argv)
{
	bool all = false;
	const struct oci_opt opts[] = {{"all", 'a', false, NULL, &all, NULL}, {0}};
	struct ocistate st = {0};
	char **pos;
	int n, sig = SIGTERM, r;

	if (oci_parse(argc, argv, opts, &pos, &n, 1, 2, "[--all] ID [SIGNAL]") < 0)
		return 1;
	if (n > 2 || (n == 2 && (sig = signal_parse(pos[1])) < 0)) {
		log_error("kill: '%s' is not a signal", n == 2 ? pos[1] : pos[2]);
		return 1;
	}
	if (ocistate_load(g->root, pos[0], &st) < 0)
		return 1;
	if (ocistate_status(g->root, &st) == OCI_STOPPED) {
		log_error("kill container '%s': container not running", pos[0]);
		r = -ESRCH;
	} else if (all) {
		r = kill_all(&st, sig);
	} else {
		r = signal_pid(st.pid, st.pid_start, sig);
		if (r == -ESRCH)
			log_error("kill container '%s': container not running", pos[0]);
		else if (r < 0)
			log_errno(r, "kill container '%s'", pos[0]);
	}
	ocistate_free(&st);
	return r < 0 ? 1 : 0;
}

/* --- delete ---------------------------------------------------------------------------- */

void oci_run_hooks(const char *root, const struct ocistate *st, int kind, const char *status)
{
	_cleanup_free_ char *dir = ocistate_dir(root, st->id), *state = NULL;
	struct spec s = {0};
	char err[256];

	if (!st->post_hooks || !dir || ociconf_load(dir, &s) < 0)
		return;
	if (s.n_hooks[kind]) {
		state = ocistate_hook_json(st, st->pid, status);
		if (!state || hooks_run(&s, kind, state, err, sizeof(err)) < 0)
			log_warn("%s", state ? err : "build the hooks' state");
	}
	spec_free(&s);
}

/* What a `box create` killed during its set-up left (it held the lock, so it is gone): no
 * state, maybe the config's copy, whose cgroupsPath says where a cgroup may be left. */
static int remove_partial(const char *root, const char *id)
{
	_cleanup_free_ char *dir = ocistate_dir(root, id), *parent = NULL, *name = NULL;
	struct spec s = {0};

	log_init("box", log_is_verbose()); /* "does not exist" above was no error */
	if (dir && ociconf_load(dir, &s) == 0 &&
	    container_cgroup_path(s.cgroups_path, id, &parent, &name) == 0)
		(void)cgroup_remove_stale(parent, name);
	spec_free(&s);
	return ocistate_remove(root, id);
}

static bool exists(const char *root, const char *id)
{
	_cleanup_free_ char *dir = ocistate_dir(root, id);

	return !dir || access(dir, F_OK) == 0;
}

int oci_delete(const struct oci_global *g, int argc, char **argv)
{
	bool force = false;
	const struct oci_opt opts[] = {{"force", 'f', false, NULL, &force, NULL}, {0}};
	struct ocistate st = {0};
	struct cgroup *cg = NULL;
	_cleanup_close_ int lock = -1;
	enum oci_status status;
	const char *id;
	int r;

	if (one_id(argc, argv, opts, "[--force] ID", &id) < 0)
		return 1;
	/* --force on a container that is gone already: nothing to do, as other runtimes. */
	if (force && ocistate_id_ok(id) && !exists(g->root, id))
		return 0;
	if (ocistate_lock(g->root, id, &lock) < 0)
		return 1;
	r = ocistate_load(g->root, id, &st);
	if (r == -ENOENT && exists(g->root, id))
		return remove_partial(g->root, id) < 0 ? 1 : 0;
	if (r < 0)
		return 1;
	status = ocistate_status(g->root, &st);
	if ((status == OCI_RUNNING || status == OCI_PAUSED) && !force) {
		log_error("cannot delete container '%s' that is not stopped: it is %s", id,
		          ocistate_status_name(status));
		ocistate_free(&st);
		return 1;
	}
	/* A created container's process waits on the fifo: it goes with the cgroup. Any
	 * failure but -ENOENT was logged by cgroup_open. */
	r = cgroup_open(st.cgroup_parent, st.cgroup_name, &cg);
	if (r == 0) {
		if (status == OCI_PAUSED)
			(void)cgroup_freeze(cg, false);
		cgroup_destroy(cg);
	} else if (r == -ENOENT && ocistate_pid_is(st.pid, st.pid_start)) {
		/* No cgroup (rootless): the first process's end ends its pid namespace. */
		(void)kill(st.pid, SIGKILL);
	}
	oci_run_hooks(g->root, &st, SPEC_HOOK_POSTSTOP, "stopped");
	r = ocistate_remove(g->root, id);
	ocistate_free(&st);
	return r < 0 ? 1 : 0;
}

/* --- list, ps ---------------------------------------------------------------------------- */

static int list_ids(const char *root, char ***ret, size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	char **v = NULL;
	size_t n = 0;
	struct dirent *e;

	if (!d) {
		*ret = NULL;
		*ret_n = 0;
		return errno == ENOENT ? 0 : log_errno(-errno, "open runtime root '%s'", root);
	}
	while ((e = readdir(d))) {
		char **nv;

		if (!ocistate_id_ok(e->d_name))
			continue;
		nv = reallocarray(v, n + 1, sizeof(*v));
		if (!nv || !(nv[n] = strdup(e->d_name))) {
			free(nv ? nv : v);
			return -ENOMEM;
		}
		v = nv;
		n++;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int oci_list(const struct oci_global *g, int argc, char **argv)
{
	const char *format = "table";
	bool quiet = false;
	const struct oci_opt opts[] = {{"format", 'f', true, &format, NULL, NULL},
	                               {"quiet", 'q', false, NULL, &quiet, NULL},
	                               {0}};
	json_t *all = json_array();
	char **ids = NULL, **pos;
	size_t n = 0;
	int np;

	if (oci_parse(argc, argv, opts, &pos, &np, 0, 0, "[--format table|json] [--quiet]") < 0)
		return 1;
	if (!STREQ(format, "table") && !STREQ(format, "json")) {
		log_error("list: --format: '%s' is neither 'table' nor 'json'", format);
		json_decref(all);
		return 1;
	}
	if (list_ids(g->root, &ids, &n) < 0 || !all)
		return 1;
	if (!STREQ(format, "json") && !quiet)
		printf("%-24s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	for (size_t i = 0; i < n; i++) {
		struct ocistate st = {0};
		json_t *o;

		log_init("box", false); /* a record that vanishes meanwhile is no error */
		if (ocistate_load(g->root, ids[i], &st) == 0 && (o = ocistate_json(g->root, &st))) {
			if (quiet)
				printf("%s\n", st.id);
			else if (!STREQ(format, "json"))
				printf("%-24s %-8d %-10s %-40s %s\n", st.id,
				       (int)json_integer_value(json_object_get(o, "pid")),
				       json_string_value(json_object_get(o, "status")), st.bundle,
				       st.created);
			(void)json_array_append_new(all, o);
		}
		ocistate_free(&st);
		free(ids[i]);
	}
	free(ids);
	if (STREQ(format, "json"))
		return print_json(all) < 0 ? 1 : 0;
	json_decref(all);
	return 0;
}

static void print_ps_line(pid_t pid)
{
	char path[40], cmd[256] = "";

	(void)snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	(void)read_file(path, cmd, sizeof(cmd));
	printf("%-8d %s\n", (int)pid, cmd);
}

int oci_ps(const struct oci_global *g, int argc, char **argv)
{
	const char *format = "table", *id;
	const struct oci_opt opts[] = {{"format", 'f', true, &format, NULL, NULL}, {0}};
	struct ocistate st = {0};
	struct cgroup *cg = NULL;
	pid_t *pids = NULL;
	size_t n = 0;
	json_t *a;
	int r;

	if (one_id(argc, argv, opts, "[--format table|json] ID", &id) < 0 ||
	    ocistate_load(g->root, id, &st) < 0)
		return 1;
	r = cgroup_open(st.cgroup_parent, st.cgroup_name, &cg);
	if (r == 0)
		r = cgroup_pids(cg, &pids, &n);
	else if (r == -ENOENT && ocistate_pid_is(st.pid, st.pid_start))
		r = ns_pid_members(st.pid, &pids, &n); /* rootless, no cgroup */
	cgroup_close(cg);
	ocistate_free(&st);
	if (r < 0 && r != -ENOENT) {
		(void)log_errno(r, "list the processes of container '%s'", id);
		return 1;
	}
	if (!STREQ(format, "json")) {
		printf("%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++)
			print_ps_line(pids[i]);
		free(pids);
		return 0;
	}
	a = json_array();
	for (size_t i = 0; a && i < n; i++)
		(void)json_array_append_new(a, json_integer(pids[i]));
	free(pids);
	r = a ? 0 : -ENOMEM;
	if (r == 0) {
		char *text = json_dumps(a, JSON_COMPACT);

		printf("%s\n", text ? text : "[]");
		free(text);
		json_decref(a);
	}
	return 0;
}

/* --- pause, resume, update ----------------------------------------------------------------- */

static int open_running(const struct oci_global *g, const char *id, struct cgroup **ret,
                        enum oci_status *ret_status)
{
	struct ocistate st = {0};
	int r = ocistate_load(g->root, id, &st);

	if (r < 0)
		return r;
	*ret_status = ocistate_status(g->root, &st);
	if (*ret_status == OCI_STOPPED || *ret_status == OCI_CREATED) {
		log_error("container '%s': container not running (it is %s)", id,
		          ocistate_status_name(*ret_status));
		r = -ESRCH;
	} else {
		r = cgroup_open(st.cgroup_parent, st.cgroup_name, ret);
		if (r == -ENOENT)
			log_errno(r, "open the cgroup of container '%s'", id);
	}
	ocistate_free(&st);
	return r;
}

int oci_pause(const struct oci_global *g, int argc, char **argv)
{
	bool freeze = STREQ(argv[0], "pause");
	struct cgroup *cg = NULL;
	enum oci_status status;
	const char *id;
	int r;

	if (one_id(argc, argv, NULL, "ID", &id) < 0 || open_running(g, id, &cg, &status) < 0)
		return 1;
	r = cgroup_freeze(cg, freeze);
	cgroup_close(cg);
	return r < 0 ? 1 : 0;
}

int oci_update(const struct oci_global *g, int argc, char **argv)
{
	const char *file = NULL, *id;
	const struct oci_opt opts[] = {{"resources", 'r', true, &file, NULL, NULL}, {0}};
	struct cgroup_limits lim = {0};
	struct cgroup *cg = NULL;
	enum oci_status status;
	_cleanup_free_ char *text = NULL;
	int r;

	if (one_id(argc, argv, opts, "--resources FILE|- ID", &id) < 0)
		return 1;
	if (!file) {
		log_error("update: --resources FILE (or - for stdin) is required");
		return 1;
	}
	r = read_file_alloc(STREQ(file, "-") ? "/dev/stdin" : file, 1 << 20, &text);
	if (r < 0) {
		(void)log_errno(r, "read resources '%s'", file);
		return 1;
	}
	if (ociconf_parse_resources(text, strlen(text), file, &lim) < 0 ||
	    open_running(g, id, &cg, &status) < 0)
		return 1;
	r = cgroup_update(cg, &lim);
	cgroup_close(cg);
	return r < 0 ? 1 : 0;
}
