// SPDX-License-Identifier: MIT
/*
 * ocistate: see ocistate.h. Paths under ROOT are built from checked ids only; nothing here
 * follows a symlink it did not make.
 */
#include "ocistate.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup.h"
#include "log.h"
#include "util.h"

bool ocistate_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 255 || id[0] == '.' || id[0] == '-' || id[0] == '_' || id[0] == '+')
		return false;
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '+' || *c == '.' || *c == '-'))
			return false;
	return true;
}

char *ocistate_dir(const char *root, const char *id)
{
	char *p = NULL;

	return asprintf(&p, "%s/%s", root, id) < 0 ? NULL : p;
}

/* The root and its parents, as runc does (containerd's shim names one under a directory
 * nobody made yet). */
static int make_parents(char *dir)
{
	for (char *p = dir + 1; (p = strchr(p, '/')); p++) {
		int r;

		*p = '\0';
		r = mkdir(dir, 0700) < 0 && errno != EEXIST ? -errno : 0;
		*p = '/';
		if (r < 0)
			return r;
	}
	return 0;
}

int ocistate_make(const char *root, const char *id)
{
	_cleanup_free_ char *dir = ocistate_dir(root, id);
	int r = 0;

	if (!dir)
		return log_errno(-ENOMEM, "state of container '%s'", id);
	/* The root goes with its last container (ocistate_remove): made again if it went
	 * between the two mkdirs. */
	for (int i = 0; i < 3; i++) {
		r = make_parents(dir);
		if (r < 0)
			return log_errno(r, "create runtime root '%s'", root);
		r = mkdir(dir, 0700) < 0 ? -errno : 0;
		if (r != -ENOENT)
			break;
	}
	if (r == -EEXIST) {
		log_error("container '%s' already exists", id);
		return r;
	}
	if (r < 0)
		return log_errno(r, "create '%s'", dir);
	return 0;
}

static json_t *to_json(const struct ocistate *s)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "ociVersion", OCI_VERSION,
	              "id", s->id, "pid", (json_int_t)s->pid, "pid_start", (json_int_t)s->pid_start,
	              "bundle", s->bundle, "rootfs", s->rootfs, "created", s->created,
	              "cgroup_parent", s->cgroup_parent, "cgroup_name", s->cgroup_name);

	if (o && s->annotations)
		(void)json_object_set(o, "annotations", s->annotations);
	if (o)
		(void)json_object_set_new(o, "post_hooks", json_boolean(s->post_hooks));
	return o;
}

static int write_replace(const char *path, const char *data, size_t len)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		(void)unlink(tmp);
	return r;
}

int ocistate_save(const char *root, const struct ocistate *s)
{
	_cleanup_free_ char *dir = ocistate_dir(root, s->id), *path = NULL, *text = NULL;
	json_t *o = to_json(s);
	int r;

	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!dir || !text || asprintf(&path, "%s/state.json", dir) < 0)
		return log_errno(-ENOMEM, "save the state of '%s'", s->id);
	r = write_replace(path, text, strlen(text));
	if (r < 0)
		return log_errno(r, "write '%s'", path);
	return 0;
}

static int dup_str(json_t *o, const char *key, char **ret)
{
	const char *v = json_string_value(json_object_get(o, key));

	*ret = v ? strdup(v) : NULL;
	return *ret ? 0 : -EBADMSG;
}

int ocistate_load(const char *root, const char *id, struct ocistate *ret)
{
	_cleanup_free_ char *dir = NULL, *path = NULL, *text = NULL;
	int r;

	if (!ocistate_id_ok(id)) {
		log_error("container '%s' does not exist (not a valid id)", id);
		return -ENOENT;
	}
	dir = ocistate_dir(root, id);
	if (!dir || asprintf(&path, "%s/state.json", dir) < 0)
		return log_errno(-ENOMEM, "load the state of '%s'", id);
	/* The state carries the config's annotations: room for the largest config.json
	 * create accepts (4 MiB, ociconf.c), and more. */
	r = read_file_alloc(path, 8u << 20, &text);
	if (r == -ENOENT) {
		log_error("container '%s' does not exist", id);
		return r;
	}
	if (r < 0)
		return log_errno(r, "read '%s'", path);
	r = ocistate_parse(text, ret);
	if (r < 0)
		log_error("state of container '%s' ('%s') is unreadable", id, path);
	return r;
}

int ocistate_parse(const char *text, struct ocistate *ret)
{
	struct ocistate s = {0};
	json_t *o = json_loads(text, 0, NULL);
	int r = o ? 0 : -EBADMSG;

	s.pid = (pid_t)json_integer_value(json_object_get(o, "pid"));
	s.pid_start = (uint64_t)json_integer_value(json_object_get(o, "pid_start"));
	s.post_hooks = json_is_true(json_object_get(o, "post_hooks"));
	r = r ?: dup_str(o, "id", &s.id);
	r = r ?: dup_str(o, "bundle", &s.bundle);
	r = r ?: dup_str(o, "rootfs", &s.rootfs);
	r = r ?: dup_str(o, "created", &s.created);
	r = r ?: dup_str(o, "cgroup_parent", &s.cgroup_parent);
	r = r ?: dup_str(o, "cgroup_name", &s.cgroup_name);
	if (r == 0 && json_is_object(json_object_get(o, "annotations")))
		s.annotations = json_incref(json_object_get(o, "annotations"));
	json_decref(o);
	if (r < 0) {
		ocistate_free(&s);
		return r;
	}
	*ret = s;
	return 0;
}

void ocistate_free(struct ocistate *s)
{
	free(s->id);
	free(s->bundle);
	free(s->rootfs);
	free(s->created);
	free(s->cgroup_parent);
	free(s->cgroup_name);
	json_decref(s->annotations);
	*s = (struct ocistate){0};
}

int ocistate_remove(const char *root, const char *id)
{
	static const char *const files[] = {"state.json", "state.json.tmp", "exec.fifo",
	                                    "config.json"};
	_cleanup_free_ char *dir = ocistate_dir(root, id);
	_cleanup_close_ int dfd = -1;

	if (!dir)
		return -ENOMEM;
	dfd = open(dir, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 && errno == ENOENT)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char path[PATH_MAX];

		/* Unopened, the directory's files still go by their whole paths. */
		if (dfd >= 0)
			(void)unlinkat(dfd, files[i], 0);
		else if (snprintf(path, sizeof(path), "%s/%s", dir, files[i]) < (int)sizeof(path))
			(void)unlink(path);
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		return log_errno(-errno, "remove '%s'", dir);
	/* The last container leaves no empty root behind (box made it; a busy one stays). */
	(void)rmdir(root);
	return 0;
}

int ocistate_lock(const char *root, const char *id, int *ret_fd)
{
	_cleanup_free_ char *dir = NULL;
	int fd;

	if (!ocistate_id_ok(id)) {
		log_error("container '%s' does not exist (not a valid id)", id);
		return -ENOENT;
	}
	dir = ocistate_dir(root, id);
	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			log_error("container '%s' does not exist", id);
			return -ENOENT;
		}
		return log_errno(-errno, "open '%s'", dir);
	}
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int r = -errno;

			(void)safe_close(fd);
			return log_errno(r, "lock '%s'", dir);
		}
	*ret_fd = fd;
	return 0;
}

int ocistate_pid_start(pid_t pid, uint64_t *ret)
{
	return proc_stat(pid, NULL, ret);
}

bool ocistate_pid_is(pid_t pid, uint64_t start)
{
	uint64_t now;
	char st;

	/* A zombie is stopped: its parent (the engine's shim) has yet to reap it. */
	return pid > 0 && proc_stat(pid, &st, &now) == 0 && now == start && st != 'Z' && st != 'X';
}

enum oci_status ocistate_status(const char *root, const struct ocistate *s)
{
	_cleanup_free_ char *fifo = NULL;
	struct cgroup *cg = NULL;
	bool frozen;

	if (!ocistate_pid_is(s->pid, s->pid_start))
		return OCI_STOPPED;
	if (asprintf(&fifo, "%s/%s/exec.fifo", root, s->id) >= 0 && access(fifo, F_OK) == 0)
		return OCI_CREATED;
	if (cgroup_open(s->cgroup_parent, s->cgroup_name, &cg) < 0)
		return OCI_RUNNING;
	frozen = cgroup_is_frozen(cg);
	cgroup_close(cg);
	return frozen ? OCI_PAUSED : OCI_RUNNING;
}

const char *ocistate_status_name(enum oci_status st)
{
	static const char *const names[] = {
	    [OCI_CREATING] = "creating", [OCI_CREATED] = "created", [OCI_RUNNING] = "running",
	    [OCI_PAUSED] = "paused",     [OCI_STOPPED] = "stopped",
	};

	return names[st];
}

json_t *ocistate_json(const char *root, const struct ocistate *s)
{
	enum oci_status st = ocistate_status(root, s);
	json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "ociVersion", OCI_VERSION,
	                      "id", s->id, "pid", (json_int_t)(st == OCI_STOPPED ? 0 : s->pid),
	                      "status", ocistate_status_name(st), "bundle", s->bundle, "rootfs",
	                      s->rootfs, "created", s->created);

	if (o)
		(void)json_object_set_new(
		    o, "annotations", s->annotations ? json_incref(s->annotations) : json_object());
	if (o)
		(void)json_object_set_new(o, "owner", json_string(""));
	return o;
}

char *ocistate_hook_json(const struct ocistate *s, pid_t pid, const char *status)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s}", "ociVersion", OCI_VERSION, "id", s->id,
	                      "status", status, "pid", (json_int_t)pid, "bundle", s->bundle);
	char *text;

	if (o)
		(void)json_object_set_new(
		    o, "annotations", s->annotations ? json_incref(s->annotations) : json_object());
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return text;
}

int ocistate_write_pid_file(const char *path, pid_t pid)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	int r = write_replace(path, buf, (size_t)n);

	if (r < 0)
		return log_errno(r, "write pid file '%s'", path);
	return 0;
}

char *ocistate_now(void)
{
	struct timespec ts;
	struct tm tm;
	char *s = NULL;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)gmtime_r(&ts.tv_sec, &tm);
	if (asprintf(&s, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
	             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec) < 0)
		return NULL;
	return s;
}
