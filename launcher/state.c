// SPDX-License-Identifier: MIT
/*
 * state: see state.h. Runs in launch (root, host). A lock is taken with
 * flock(LOCK_EX) on NAME/lock and proves a monitor alive for as long as it is
 * held: the kernel drops it when the monitor dies, however it dies. The
 * holder that lets a name go unlinks the lock file before it closes it, so a
 * lock taken on a file that is no longer at its path protects nothing: then
 * start over. JSON in and out with jansson.
 *
 * The holder also keeps a shared flock on the record's directory, a hint only:
 * reap_stale finds the directories nobody has locked in one read of /proc/locks
 * (readdir gives their inodes) and tries the real lock on those alone, so a
 * command does not open every live record first.
 */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"
#include "util.h"

#define STATE_FILE "state.json"
/* The configuration, written once: every command reads the record, few the configuration
 * (exec, stop's grace), and parsing it was half of `launch stats` at 500 containers. */
#define CONFIG_FILE "config.json"
#define LOCK_FILE   "lock"
/* Present while the monitor is counted among the living (alive.h). */
#define COUNTED_FILE "counted"
/* A record's directory is 0700; a kept record that stopped is final: 01700 (state_save). */
#define FINAL_MODE (S_ISVTX | 0700)

struct state_lock {
	int fd;
	int hint_fd; /* the directory, LOCK_SH: seen in /proc/locks (state_names_unlocked) */
	char dir[PATH_MAX];
	bool config_saved;
};

static const char *const status_names[] = {
    [STATE_CREATING] = "creating",
    [STATE_RUNNING] = "running",
    [STATE_STOPPING] = "stopping",
    [STATE_STOPPED] = "stopped",
};

const char *state_status_name(enum state_status s)
{
	return (unsigned)s < ARRAY_SIZE(status_names) ? status_names[s] : "unknown";
}

static int status_from_name(const char *s, enum state_status *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_names); i++)
		if (STREQ(s, status_names[i])) {
			*ret = (enum state_status)i;
			return 0;
		}
	return -EBADMSG;
}

int64_t state_now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int state_proc_start(pid_t pid, uint64_t *ret)
{
	return proc_stat(pid, NULL, ret);
}

bool state_proc_is(pid_t pid, uint64_t start_time)
{
	uint64_t now;

	return pid > 0 && state_proc_start(pid, &now) == 0 && now == start_time;
}

/* --- the directory and its lock -------------------------------------------------------- */

/* Makes STATE_BASE and STATE_ROOT. Logs nothing: on failure *ret_dir is the one that could
 * not be made, for the caller's line. */
static int make_root(const char **ret_dir)
{
	/* Again when the last record's removal took STATE_BASE away between the two. */
	for (int i = 0; i < 100; i++) {
		*ret_dir = STATE_BASE;
		if (mkdir(STATE_BASE, 0755) < 0 && errno != EEXIST)
			return -errno;
		/* Root only: the records name processes and hold the monitors' sockets. */
		*ret_dir = STATE_ROOT;
		if (mkdir(STATE_ROOT, 0700) == 0 || errno == EEXIST)
			return 0;
		if (errno != ENOENT)
			return -errno;
	}
	return -ENOENT;
}

/* dir and file are short (STATE_ROOT, a name, a fixed file name): never truncated. */
static void path_in(const char *dir, const char *file, char ret[PATH_MAX])
{
	size_t a = strlen(dir), b = strlen(file);

	if (a + b + 2 > PATH_MAX) {
		ret[0] = '\0';
		return;
	}
	memcpy(ret, dir, a);
	ret[a] = '/';
	memcpy(ret + a + 1, file, b + 1);
}

static bool name_ok(const char *name)
{
	return name && name[0] && name[0] != '.' && strlen(name) <= STATE_NAME_MAX &&
	       !strchr(name, '/');
}

int state_fd_at(int fd, const char *path)
{
	struct stat a, b;

	if (fstat(fd, &a) < 0)
		return -errno;
	return stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Opens and locks dir/lock. -EBUSY: held; -ENOENT: no lock file (and !create). */
static int lock_dir(const char *dir, bool create, int *ret_fd)
{
	char path[PATH_MAX];

	path_in(dir, LOCK_FILE, path);
	for (int i = 0; i < 100; i++) {
		_cleanup_close_ int fd = -1;
		int r;

		/* STATE_ROOT goes with the last record (remove_dir): made again if it went. */
		if (create && mkdir(dir, 0700) < 0 && errno != EEXIST) {
			const char *what;

			r = -errno;
			if (r == -ENOENT)
				r = make_root(&what);
			if (r < 0)
				return r;
			continue;
		}
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | (create ? O_CREAT : 0),
		          0600);
		/* The directory went between our mkdir and open (state_remove_empty): again. */
		if (fd < 0 && errno == ENOENT && create)
			continue;
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			r = errno == EWOULDBLOCK ? -EBUSY : -errno;

			/* Held by nobody (that is EWOULDBLOCK): a lock file that cannot be locked
			 * goes, or it would keep its directory; whoever else opened it finds it
			 * unlinked once locked, and makes another. */
			if (r != -EBUSY && create)
				(void)unlink(path);
			return r;
		}
		r = state_fd_at(fd, path);
		if (r < 0)
			return r;
		if (r > 0) {
			*ret_fd = steal_fd(&fd);
			return 0;
		}
		/* Its holder let it go between our open and our flock. */
		if (!create)
			return -ENOENT;
	}
	return -EBUSY;
}

static int new_lock(const char *name, struct state_lock **ret)
{
	struct state_lock *l;

	if (!name_ok(name))
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->fd = -1;
	l->hint_fd = -1;
	(void)snprintf(l->dir, sizeof(l->dir), "%s/%s", STATE_ROOT, name);
	*ret = l;
	return 0;
}

static void lock_free(struct state_lock *l)
{
	if (!l)
		return;
	(void)safe_close(l->fd);
	(void)safe_close(l->hint_fd);
	free(l);
}

const char *state_dir_of(const struct state_lock *l)
{
	return l->dir;
}

int state_claim(const char *name, void (*cleanup)(const struct state *old), struct state_lock **ret)
{
	struct state_lock *l = NULL;
	struct state old = {0};
	const char *what;
	int r;

	if (!name_ok(name))
		return log_errno(-EINVAL, "use name '%s'", name);
	r = make_root(&what);
	if (r < 0) {
		(void)log_errno(r, "create '%s'", what);
		state_remove_empty(NULL);
		return r;
	}
	r = new_lock(name, &l);
	if (r < 0)
		return log_errno(r, "claim name '%s'", name);
	r = lock_dir(l->dir, true, &l->fd);
	if (r == -EBUSY) {
		log_error("name '%s' is already in use", name);
		lock_free(l);
		return -EBUSY;
	}
	if (r < 0) {
		(void)log_errno(r, "lock '%s'", l->dir);
		lock_free(l);
		/* What this claim made goes (the directories only while empty). */
		state_remove_empty(name);
		return r;
	}
	/* A record under a lock we could take: its monitor is gone. */
	r = state_load(name, &old);
	if (r == 0 && old.status == STATE_STOPPED && old.keep) {
		log_error("name '%s' is already in use (a stopped container kept with --keep: "
		          "launch rm %s)",
		          name, name);
		state_free(&old);
		lock_free(l);
		return -EBUSY;
	}
	if (r == 0 && cleanup)
		cleanup(&old);
	state_free(&old);
	/* Without the hint, every command tries the lock itself: slower, as safe. */
	l->hint_fd = open(l->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (l->hint_fd >= 0 && flock(l->hint_fd, LOCK_SH | LOCK_NB) < 0)
		l->hint_fd = safe_close(l->hint_fd);
	*ret = l;
	return 0;
}

int state_lock_dead(const char *name, struct state_lock **ret)
{
	struct state_lock *l = NULL;
	int r = new_lock(name, &l);

	if (r < 0)
		return r;
	r = lock_dir(l->dir, false, &l->fd);
	if (r < 0) {
		lock_free(l);
		return r;
	}
	*ret = l;
	return 0;
}

void state_remove_empty(const char *name)
{
	char dir[PATH_MAX];

	if (name) {
		if (!name_ok(name))
			return;
		(void)snprintf(dir, sizeof(dir), "%s/%s", STATE_ROOT, name);
		/* Fails unless empty: a claim's lock file, once made, keeps it (lock_dir
		 * retries). */
		if (rmdir(dir) < 0 && errno != ENOENT)
			return;
	}
	if (rmdir(STATE_ROOT) == 0 || errno == ENOENT)
		(void)rmdir(STATE_BASE);
}

bool state_is_live(const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX];
	_cleanup_close_ int fd = -1;

	if (!name_ok(name))
		return false;
	(void)snprintf(dir, sizeof(dir), "%s/%s", STATE_ROOT, name);
	path_in(dir, LOCK_FILE, path);
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return false;
	/* A shared lock is refused only while someone holds the exclusive one. */
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	return false;
}

/* Everything in the directory, the lock file last (unlinked while still held). */
static void remove_dir(struct state_lock *l)
{
	_cleanup_closedir_ DIR *d = opendir(l->dir);
	char path[PATH_MAX];
	struct dirent *de;

	if (!d) {
		/* Unlisted, the files a record is known to hold still go. */
		static const char *const known[] = {STATE_FILE, STATE_FILE ".tmp", CONFIG_FILE,
		                                    MONITOR_SOCK};

		log_warn_errno(-errno, "list '%s'", l->dir);
		for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
			path_in(l->dir, known[i], path);
			(void)unlink(path);
		}
	}
	while (d && (de = readdir(d))) {
		if (STREQ(de->d_name, ".") || STREQ(de->d_name, "..") ||
		    STREQ(de->d_name, LOCK_FILE))
			continue;
		path_in(l->dir, de->d_name, path);
		if (unlink(path) < 0 && errno != ENOENT)
			log_warn_errno(-errno, "remove '%s'", path);
	}
	path_in(l->dir, LOCK_FILE, path);
	(void)unlink(path);
	if (rmdir(l->dir) < 0 && errno != ENOENT)
		log_warn_errno(-errno, "remove '%s'", l->dir);
	/* The last record leaves nothing behind: the directories go while empty (another
	 * container's, or one being claimed, keeps them; a claim makes them again). */
	state_remove_empty(NULL);
}

int state_root_lock(int *ret_fd)
{
	int fd = open(STATE_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return log_errno(-errno, "open '%s'", STATE_ROOT);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int r = -errno;

			(void)close(fd);
			return log_errno(r, "lock '%s'", STATE_ROOT);
		}
	*ret_fd = fd;
	return 0;
}

void state_release(struct state_lock *l, bool remove)
{
	if (!l)
		return;
	if (remove)
		remove_dir(l);
	lock_free(l);
}

/* --- JSON ------------------------------------------------------------------------------- */

/* Absent values are left out ("s*", "o*"): jansson reads a key's absence as optional, but
 * refuses a null where a string or object is expected. */
static json_t *proc_json(pid_t pid, uint64_t start)
{
	return json_pack("{s:i, s:I}", "pid", (int)pid, "start_time", (json_int_t)start);
}

static json_t *incref(json_t *j)
{
	return j ? json_incref(j) : NULL;
}

static json_t *net_json(const struct state_net *n)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:o*}", "mode", n->mode, "ifname",
	                 n->ifname, "address", n->address, "gateway", n->gateway, "prefix",
	                 n->prefix, "nat", n->nat, "publish", incref(n->publish));
}

/* The limits, for `launch list`: the record's own copy, or the configuration's. */
static json_t *state_limits(const struct state *s)
{
	return s->limits ? s->limits : s->config ? json_object_get(s->config, "limits") : NULL;
}

static json_t *state_json(const struct state *s)
{
	json_t *j = json_pack(
	    "{s:i, s:s, s:s, s:o, s:o, s:s*, s:{s:s*, s:o*}, s:o, s:s*, s:I, s:I, s:I, s:b, s:b, "
	    "s:o*}",
	    "version", 1, "name", s->name, "status", state_status_name(s->status), "monitor",
	    proc_json(s->monitor_pid, s->monitor_start), "pid1", proc_json(s->pid1, s->pid1_start),
	    "rootfs", s->rootfs, "cgroup", "parent", s->cgroup_parent, "paths", incref(s->cgroups),
	    "net", net_json(&s->net), "log", s->log_path, "created_ns", (json_int_t)s->created_ns,
	    "started_ns", (json_int_t)s->started_ns, "finished_ns", (json_int_t)s->finished_ns,
	    "keep", s->keep, "detached", s->detached, "limits", incref(state_limits(s)));

	if (j && s->exited && json_object_set_new(j, "exit_code", json_integer(s->exit_code)) < 0) {
		json_decref(j);
		return NULL;
	}
	if (j && s->layer &&
	    json_object_set_new(j, "layer",
	                        json_pack("{s:s, s:b}", "dir", s->layer, "tmpfs", s->layer_tmpfs)) <
	        0) {
		json_decref(j);
		return NULL;
	}
	if (j && s->userns_count &&
	    json_object_set_new(j, "userns",
	                        json_pack("{s:I, s:I, s:I}", "uid", (json_int_t)s->userns_uid,
	                                  "gid", (json_int_t)s->userns_gid, "count",
	                                  (json_int_t)s->userns_count)) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* Before the first record that names it: whoever reads a record finds its configuration
 * whole. In place: no container of the name runs meanwhile (its lock is held). */
static int save_config(struct state_lock *l, const struct state *s)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = json_dumps(s->config, JSON_COMPACT);

	if (!text)
		return log_errno(-ENOMEM, "describe container '%s'", s->name);
	path_in(l->dir, CONFIG_FILE, path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0) {
		int r = fd < 0 ? -errno : -EIO;

		(void)unlink(path);
		return log_errno(r, "write '%s'", path);
	}
	l->config_saved = true;
	return 0;
}

int state_save(struct state_lock *l, const struct state *s)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	json_t *j = state_json(s);
	int r = 0;

	/* One string, one write: jansson's dump to a descriptor writes every token apart
	 * (hundreds of system calls a record). */
	if (j)
		text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		return log_errno(-ENOMEM, "describe container '%s'", s->name);
	if (s->config && !l->config_saved) {
		r = save_config(l, s);
		if (r < 0)
			return r;
	}
	path_in(l->dir, STATE_FILE ".tmp", tmp);
	path_in(l->dir, STATE_FILE, path);
	/* The first record is written in place: nobody trusts a record being created (its lock
	 * is held, and a reader that finds it half written skips it); every later one replaces
	 * the file whole. A rename over a file costs the old inode's release (tens of µs). */
	if (s->status == STATE_CREATING) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
		          0600);
		if (fd >= 0) {
			r = write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0
			        ? -EIO
			        : 0;
			if (r < 0)
				(void)unlink(path);
			return r < 0 ? log_errno(r, "write '%s'", path) : 0;
		}
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		r = -errno;
	else if (write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0)
		r = -EIO;
	/* Whole or not at all: readers see the old file until the rename. */
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlink(tmp);
		return log_errno(r, "write '%s'", path);
	}
	/* A kept record that stopped is final (nothing of it runs, nothing is left to reap, no
	 * command revives it): its directory says so, and the search for dead records passes it
	 * by without a lock or a read (state_names_unlocked). */
	if (s->status == STATE_STOPPED && s->keep && chmod(l->dir, FINAL_MODE) < 0)
		log_debug_errno(-errno, "mark '%s' final", l->dir);
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	(void)snprintf(dst, size, "%s", src ? src : "");
}

static int parse_net(json_t *j, struct state_net *n)
{
	const char *mode = NULL, *ifname = NULL, *addr = NULL, *gw = NULL, *nat = NULL;
	json_t *publish = NULL;

	if (!j || json_is_null(j))
		return 0;
	if (json_unpack(j, "{s?s, s?s, s?s, s?s, s?i, s?s, s?o}", "mode", &mode, "ifname", &ifname,
	                "address", &addr, "gateway", &gw, "prefix", &n->prefix, "nat", &nat,
	                "publish", &publish) < 0)
		return -EBADMSG;
	copy_str(n->mode, sizeof(n->mode), mode);
	copy_str(n->ifname, sizeof(n->ifname), ifname);
	copy_str(n->address, sizeof(n->address), addr);
	copy_str(n->gateway, sizeof(n->gateway), gw);
	copy_str(n->nat, sizeof(n->nat), nat);
	n->publish = json_is_array(publish) ? json_incref(publish) : NULL;
	return 0;
}

static int parse_state(json_t *j, struct state *s)
{
	const char *name = NULL, *status = NULL, *rootfs = NULL, *parent = NULL, *log = NULL;
	json_t *paths = NULL, *net = NULL, *config = NULL, *exit_code = NULL, *userns = NULL,
	       *layer = NULL, *limits = NULL;
	json_int_t mon_start = 0, pid1_start = 0, created = 0, started = 0, finished = 0;
	int mon = 0, pid1 = 0, keep = 0, detached = 0;

	if (json_unpack(j,
	                "{s:s, s:s, s?{s?i, s?I}, s?{s?i, s?I}, s?s, s?{s?s, s?o}, s?o, s?s, "
	                "s?I, s?I, s?I, s?b, s?b, s?o, s?o, s?o, s?o, s?o}",
	                "name", &name, "status", &status, "monitor", "pid", &mon, "start_time",
	                &mon_start, "pid1", "pid", &pid1, "start_time", &pid1_start, "rootfs",
	                &rootfs, "cgroup", "parent", &parent, "paths", &paths, "net", &net, "log",
	                &log, "created_ns", &created, "started_ns", &started, "finished_ns",
	                &finished, "keep", &keep, "detached", &detached, "config", &config,
	                "exit_code", &exit_code, "userns", &userns, "layer", &layer, "limits",
	                &limits) < 0)
		return -EBADMSG;
	if (layer) {
		const char *dir = NULL;
		int tmpfs = 0;

		if (json_unpack(layer, "{s:s, s:b}", "dir", &dir, "tmpfs", &tmpfs) < 0 ||
		    dir[0] != '/')
			return -EBADMSG;
		s->layer = strdup(dir);
		s->layer_tmpfs = tmpfs;
		if (!s->layer)
			return -ENOMEM;
	}
	if (userns) {
		json_int_t uid = 0, gid = 0, count = 0;

		if (json_unpack(userns, "{s:I, s:I, s:I}", "uid", &uid, "gid", &gid, "count",
		                &count) < 0 ||
		    uid <= 0 || gid <= 0 || count <= 0 || uid + count > (json_int_t)UINT32_MAX ||
		    gid + count > (json_int_t)UINT32_MAX)
			return -EBADMSG;
		s->userns_uid = (uint32_t)uid;
		s->userns_gid = (uint32_t)gid;
		s->userns_count = (uint32_t)count;
	}
	if (status_from_name(status, &s->status) < 0 || parse_net(net, &s->net) < 0)
		return -EBADMSG;
	s->name = strdup(name);
	s->rootfs = dup_or_null(rootfs);
	s->cgroup_parent = dup_or_null(parent);
	s->log_path = dup_or_null(log);
	s->cgroups = json_is_array(paths) ? json_incref(paths) : NULL;
	/* Records of an older launch held their configuration. */
	s->config = json_is_object(config) ? json_incref(config) : NULL;
	if (!json_is_object(limits) && s->config)
		limits = json_object_get(s->config, "limits");
	s->limits = json_is_object(limits) ? json_incref(limits) : NULL;
	s->monitor_pid = mon;
	s->pid1 = pid1;
	s->monitor_start = (uint64_t)mon_start;
	s->pid1_start = (uint64_t)pid1_start;
	s->created_ns = created;
	s->started_ns = started;
	s->finished_ns = finished;
	s->keep = keep;
	s->detached = detached;
	s->exited = json_is_integer(exit_code);
	s->exit_code = s->exited ? (int)json_integer_value(exit_code) : 0;
	return s->name ? 0 : -ENOMEM;
}

/* json_load_callback's reader: a chunk of the record, 0 at its end, -1 on an error. */
static size_t read_record(void *buf, size_t len, void *data)
{
	ssize_t n;

	do
		n = read(*(int *)data, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? (size_t)-1 : (size_t)n;
}

int state_load(const char *name, struct state *ret)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	json_t *j;
	int r;

	if (!name_ok(name))
		return -ENOENT;
	(void)snprintf(path, sizeof(path), "%s/%s/%s", STATE_ROOT, name, STATE_FILE);
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	/* Through jansson's own buffer: json_loadfd reads a byte per read(2), a thousand calls
	 * a record, which made `launch list` cost 2.7 ms a container. */
	j = json_load_callback(read_record, &fd, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return -EBADMSG;
	r = state_parse(j, ret);
	json_decref(j);
	return r;
}

int state_load_config(struct state *s)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	json_t *j;

	if (s->config)
		return 0;
	if (!name_ok(s->name))
		return -ENOENT;
	(void)snprintf(path, sizeof(path), "%s/%s/%s", STATE_ROOT, s->name, CONFIG_FILE);
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -errno;
	j = json_load_callback(read_record, &fd, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return -EBADMSG;
	}
	s->config = j;
	return 0;
}

int state_parse(json_t *j, struct state *ret)
{
	struct state s = {0};
	int r = parse_state(j, &s);

	if (r < 0) {
		state_free(&s);
		return r;
	}
	*ret = s;
	return 0;
}

void state_free(struct state *s)
{
	free(s->name);
	free(s->rootfs);
	free(s->cgroup_parent);
	free(s->log_path);
	free(s->layer);
	json_decref(s->cgroups);
	json_decref(s->config);
	json_decref(s->limits);
	json_decref(s->net.publish);
	*s = (struct state){0};
}

/* --- listing ------------------------------------------------------------------------------ */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_inos(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;

	return (x > y) - (x < y);
}

/* The next space-separated field of *p ("" at the end), *p moved past it. */
static const char *next_field(char **p, size_t *len)
{
	char *f = *p + strspn(*p, " ");

	*len = strcspn(f, " ");
	*p = f + *len;
	return f;
}

/* A /proc/locks line "1: FLOCK  ADVISORY  READ  1234 00:1a:5678 0 EOF": true and its
 * device and inode when it is a held flock. A waiter's ("1: -> FLOCK ...") holds nothing,
 * nor does a POSIX or OFD lock count. By hand: at 500 containers (two locks each) sscanf
 * took 0.34 ms of every command, this 0.1. */
static bool held_flock(char *line, unsigned *maj, unsigned *min, unsigned long long *ino)
{
	char *p = line, *end;
	size_t len;
	const char *f;

	(void)next_field(&p, &len); /* "1:" */
	f = next_field(&p, &len);
	if (len != 5 || strncmp(f, "FLOCK", 5) != 0)
		return false;
	for (int i = 0; i < 3; i++) /* ADVISORY, READ, the pid */
		(void)next_field(&p, &len);
	f = next_field(&p, &len);
	errno = 0;
	*maj = (unsigned)strtoul(f, &end, 16);
	if (*end != ':')
		return false;
	*min = (unsigned)strtoul(end + 1, &end, 16);
	if (*end != ':')
		return false;
	*ino = strtoull(end + 1, &end, 10);
	return errno == 0 && end == f + len;
}

/* The inodes on dev that someone holds a flock on, sorted; -errno when /proc/locks cannot
 * be read. */
static int flocked_inodes(dev_t dev, ino_t **ret, size_t *ret_n)
{
	_cleanup_free_ char *text = NULL;
	size_t n = 0, cap = 0;
	ino_t *v = NULL;
	char *save = NULL;
	/* In big reads: each read of /proc/locks walks the kernel's list from its start. */
	int r = read_file_alloc("/proc/locks", 64 << 20, &text);

	if (r < 0)
		return r;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned maj, min;
		unsigned long long ino;

		if (!held_flock(line, &maj, &min, &ino) || maj != major(dev) || min != minor(dev))
			continue;
		if (n == cap) {
			ino_t *w = reallocarray(v, cap ? cap * 2 : 64, sizeof(*v));

			if (!w) {
				free(v);
				return -ENOMEM;
			}
			v = w;
			cap = cap ? cap * 2 : 64;
		}
		v[n++] = (ino_t)ino;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_inos);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Every name under STATE_ROOT but those whose directory's inode is in skip (sorted). */
/* Every record's name but those whose directory's inode is in skip and, with skip_final,
 * those marked final (state_save). */
static int list_names(const ino_t *skip, size_t nskip, bool skip_final, char ***ret)
{
	_cleanup_closedir_ DIR *d = opendir(STATE_ROOT);
	size_t n = 0, cap = 16;
	char **v = calloc(cap + 1, sizeof(*v));
	struct dirent *de;
	struct stat st;

	if (!v)
		return -ENOMEM;
	while (d && (de = readdir(d))) {
		ino_t ino = de->d_ino;

		if (!name_ok(de->d_name) ||
		    (nskip > 0 && bsearch(&ino, skip, nskip, sizeof(*skip), cmp_inos)))
			continue;
		if (skip_final && fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode) && (st.st_mode & 07777) == FINAL_MODE)
			continue;
		if (n == cap) {
			char **w = realloc(v, (cap * 2 + 1) * sizeof(*v));

			if (!w) {
				strv_free(v);
				return -ENOMEM;
			}
			v = w;
			cap *= 2;
		}
		v[n] = strdup(de->d_name);
		if (!v[n]) {
			strv_free(v);
			return -ENOMEM;
		}
		v[++n] = NULL;
	}
	qsort(v, n, sizeof(*v), cmp_names);
	*ret = v;
	return 0;
}

int state_names(char ***ret)
{
	return list_names(NULL, 0, false, ret);
}

int state_names_unlocked(char ***ret)
{
	_cleanup_free_ ino_t *held = NULL;
	size_t n = 0;
	struct stat st;

	/* Unread, every name is a candidate: the caller's own lock attempt decides. */
	if (stat(STATE_ROOT, &st) < 0 || flocked_inodes(st.st_dev, &held, &n) < 0)
		n = 0;
	return list_names(held, n, true, ret);
}

/* --- the count's mark (alive.h) -------------------------------------------------------- */

int state_mark_counted(struct state_lock *l, bool on)
{
	char path[PATH_MAX];
	int fd;

	path_in(l->dir, COUNTED_FILE, path);
	if (!on)
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	fd = openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return -errno;
	(void)close(fd);
	return 0;
}

bool state_is_counted(const struct state_lock *l)
{
	char path[PATH_MAX];

	path_in(l->dir, COUNTED_FILE, path);
	return faccessat(AT_FDCWD, path, F_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW) == 0;
}

bool state_none(void)
{
	_cleanup_closedir_ DIR *d = opendir(STATE_ROOT);
	struct dirent *de;

	if (!d)
		return errno == ENOENT;
	while ((de = readdir(d)))
		if (name_ok(de->d_name))
			return false;
	return true;
}
