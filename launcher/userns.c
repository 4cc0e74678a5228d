// SPDX-License-Identifier: MIT
/*
 * userns: see userns.h. The subid files are read whole (they are small) and only ever
 * appended to, with one write, never rewritten: shadow's tools and the admin keep theirs.
 */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "ns.h"
#include "util.h"
#include "waiter.h"

#define SUBUID_FILE "/etc/subuid"
#define SUBGID_FILE "/etc/subgid"
#define SUBID_MAX   (1 << 20)  /* a longer file is not one launch reads */
#define SUBID_MIN   (1U << 20) /* launch's entry starts past the usual 100000.. ranges */

/* One line "name:start:count" into its fields; false for a comment or a malformed line. */
static bool parse_line(const char *line, size_t len, char *name, size_t name_size,
                       uint64_t *ret_start, uint64_t *ret_count)
{
	char buf[256], *c1, *c2;
	uint64_t start, count;

	if (len == 0 || len >= sizeof(buf) || line[0] == '#')
		return false;
	memcpy(buf, line, len);
	buf[len] = '\0';
	c1 = strchr(buf, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		return false;
	*c1 = *c2 = '\0';
	if (parse_u64(c1 + 1, &start) < 0 || parse_u64(c2 + 1, &count) < 0 ||
	    start + count > UINT32_MAX || (size_t)(c1 - buf) >= name_size)
		return false;
	memcpy(name, buf, (size_t)(c1 - buf) + 1);
	*ret_start = start;
	*ret_count = count;
	return true;
}

/* Calls fn for every entry of text; stops at the first that returns true. */
static bool each_entry(const char *text,
                       bool (*fn)(const char *name, uint64_t start, uint64_t count, void *arg),
                       void *arg)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char name[128];
		uint64_t start, count;

		if (parse_line(p, len, name, sizeof(name), &start, &count) &&
		    fn(name, start, count, arg))
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

struct find {
	const char *name;
	uint64_t start, count;
};

static bool is_named(const char *name, uint64_t start, uint64_t count, void *arg)
{
	struct find *f = arg;

	if (!STREQ(name, f->name))
		return false;
	f->start = start;
	f->count = count;
	return true;
}

int userns_find_entry(const char *text, const char *name, uint32_t *ret_start, uint32_t *ret_count)
{
	struct find f = {.name = name};

	if (!each_entry(text, is_named, &f))
		return -ENOENT;
	*ret_start = (uint32_t)f.start;
	*ret_count = (uint32_t)f.count;
	return 0;
}

static bool raise_end(const char *name, uint64_t start, uint64_t count, void *arg)
{
	uint64_t *end = arg;

	(void)name;
	if (start + count > *end)
		*end = start + count;
	return false;
}

uint64_t userns_free_start(const char *text, uint64_t min)
{
	uint64_t end = min;

	(void)each_entry(text, raise_end, &end);
	return (end + USERNS_SLICE - 1) / USERNS_SLICE * USERNS_SLICE;
}

static int read_subids(const char *path, char **ret)
{
	int r = read_file_alloc(path, SUBID_MAX, ret);

	if (r == -ENOENT) {
		*ret = strdup("");
		return *ret ? 0 : -ENOMEM;
	}
	return r < 0 ? log_errno(r, "read '%s'", path) : 0;
}

/* One write at the end (a newline first when the last line has none). */
static int append_entry(const char *path, const char *text, uint64_t start, uint64_t count)
{
	_cleanup_close_ int fd =
	    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	size_t len = strlen(text);
	char line[128];
	int n;

	n = snprintf(line, sizeof(line), "%s%s:%llu:%llu\n",
	             len && text[len - 1] != '\n' ? "\n" : "", USERNS_SUBID,
	             (unsigned long long)start, (unsigned long long)count);
	if (fd < 0 || write_all(fd, line, (size_t)n) < 0 || fsync(fd) < 0)
		return log_errno(-errno, "add the '%s' entry to '%s'", USERNS_SUBID, path);
	log_warn("added '%s:%llu:%llu' to %s (the ids of --userns auto)", USERNS_SUBID,
	         (unsigned long long)start, (unsigned long long)count, path);
	return 0;
}

/* The "box" entries of both files; added (the same range in both, past all of either's
 * entries) where missing. */
static int box_entries(uint32_t *uid, uint32_t *gid, uint32_t *count)
{
	_cleanup_free_ char *subuid = NULL, *subgid = NULL;
	uint32_t ucount = 0, gcount = 0;
	bool have_u, have_g;
	uint64_t start = 0;
	int r = read_subids(SUBUID_FILE, &subuid);

	if (r == 0)
		r = read_subids(SUBGID_FILE, &subgid);
	if (r < 0)
		return r;
	have_u = userns_find_entry(subuid, USERNS_SUBID, uid, &ucount) == 0;
	have_g = userns_find_entry(subgid, USERNS_SUBID, gid, &gcount) == 0;
	if (!have_u || !have_g) {
		start = userns_free_start(subuid, SUBID_MIN);
		if (userns_free_start(subgid, SUBID_MIN) > start)
			start = userns_free_start(subgid, SUBID_MIN);
		if (start + USERNS_DEFAULT > UINT32_MAX)
			return log_errno(-ERANGE, "find room for a '%s' entry in %s and %s",
			                 USERNS_SUBID, SUBUID_FILE, SUBGID_FILE);
	}
	if (!have_u) {
		r = append_entry(SUBUID_FILE, subuid, start, USERNS_DEFAULT);
		*uid = (uint32_t)start, ucount = USERNS_DEFAULT;
	}
	if (r == 0 && !have_g) {
		r = append_entry(SUBGID_FILE, subgid, start, USERNS_DEFAULT);
		*gid = (uint32_t)start, gcount = USERNS_DEFAULT;
	}
	*count = ucount < gcount ? ucount : gcount;
	return r;
}

/* Do [a, a + na) and [b, b + nb) share an id? */
static bool overlaps(uint32_t a, uint32_t na, uint32_t b, uint32_t nb)
{
	return (uint64_t)a < (uint64_t)b + nb && (uint64_t)b < (uint64_t)a + na;
}

/* The ids a live container holds (HOSTID:COUNT or a rootless one's hold other counts). */
struct taken {
	uint32_t uid, gid, count;
};

/* Is slice (uid, gid) free of every taken range? */
static bool slice_is_free(const struct taken *t, size_t n, uint32_t uid, uint32_t gid)
{
	for (size_t i = 0; i < n; i++)
		if (overlaps(uid, USERNS_SLICE, t[i].uid, t[i].count) ||
		    overlaps(gid, USERNS_SLICE, t[i].gid, t[i].count))
			return false;
	return true;
}

/* Every live container's ids but self's, each record read once: reading them again for
 * every slice tried made the Nth start read N*N records. */
static int taken_ranges(const char *self, struct taken **ret, size_t *ret_n)
{
	_cleanup_free_ struct taken *t = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = state_names(&names);

	if (r < 0)
		return log_errno(r, "list the containers");
	for (size_t i = 0; names[i]; i++) {
		struct state s;
		bool holds;

		if (STREQ(names[i], self) || !state_is_live(names[i]) ||
		    state_load(names[i], &s) < 0)
			continue;
		holds = s.userns_count > 0;
		if (holds && n == cap) {
			struct taken *v = reallocarray(t, cap = cap ? cap * 2 : 16, sizeof(*v));

			if (!v) {
				state_free(&s);
				strv_free(names);
				return log_errno(-ENOMEM, "list the containers");
			}
			t = v;
		}
		if (holds)
			t[n++] = (struct taken){s.userns_uid, s.userns_gid, s.userns_count};
		state_free(&s);
	}
	strv_free(names);
	*ret = steal_ptr(&t);
	*ret_n = n;
	return 0;
}

static int pick_auto(struct state *st)
{
	uint32_t uid = 0, gid = 0, count = 0;
	_cleanup_free_ struct taken *taken = NULL;
	size_t n_taken = 0;
	int r = box_entries(&uid, &gid, &count);

	if (r < 0)
		return r;
	if (count < USERNS_SLICE)
		return log_errno(-ERANGE,
		                 "--userns auto: the '%s' entry of %s and %s holds %u ids, less "
		                 "than one container's %u",
		                 USERNS_SUBID, SUBUID_FILE, SUBGID_FILE, count, USERNS_SLICE);
	r = taken_ranges(st->name, &taken, &n_taken);
	if (r < 0)
		return r;
	for (uint32_t k = 0; k < count / USERNS_SLICE; k++)
		if (slice_is_free(taken, n_taken, uid + k * USERNS_SLICE, gid + k * USERNS_SLICE)) {
			st->userns_uid = uid + k * USERNS_SLICE;
			st->userns_gid = gid + k * USERNS_SLICE;
			st->userns_count = USERNS_SLICE;
			return 0;
		}
	log_error("--userns auto: all %u ranges of the '%s' entry of %s are in use",
	          count / USERNS_SLICE, USERNS_SUBID, SUBUID_FILE);
	return -EBUSY;
}

int userns_pick(const struct userns_config *c, struct state_lock *lock, struct state *st)
{
	_cleanup_close_ int root = -1;
	int r;

	if (c->mode == USERNS_HOST)
		return 0;
	if (c->mode == USERNS_RANGE) {
		st->userns_uid = st->userns_gid = c->host_id;
		st->userns_count = c->count;
		return state_save(lock, st);
	}
	/* Held until the pick is in our record: the next launch's scan sees it. */
	r = state_root_lock(&root);
	if (r == 0)
		r = pick_auto(st);
	if (r == 0)
		r = state_save(lock, st);
	return r;
}

#define NEWUIDMAP "/usr/bin/newuidmap"
#define NEWGIDMAP "/usr/bin/newgidmap"

/* The entry of the user (by name, else by uid) in one subid file. */
static int own_entry(const char *path, uint32_t *ret_start, uint32_t *ret_count)
{
	_cleanup_free_ char *text = NULL;
	struct passwd *pw = getpwuid(getuid());
	char uid[16];

	if (read_file_alloc(path, SUBID_MAX, &text) < 0)
		return -ENOENT;
	(void)snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	if (pw && userns_find_entry(text, pw->pw_name, ret_start, ret_count) == 0)
		return 0;
	return userns_find_entry(text, uid, ret_start, ret_count);
}

int userns_pick_rootless(struct state_lock *lock, struct state *st, struct userns_rootless *rl)
{
	uint32_t us = 0, uc = 0, gs = 0, gc = 0;

	*rl = (struct userns_rootless){0};
	if (access(NEWUIDMAP, X_OK) == 0 && access(NEWGIDMAP, X_OK) == 0 &&
	    own_entry(SUBUID_FILE, &us, &uc) == 0 && own_entry(SUBGID_FILE, &gs, &gc) == 0 &&
	    uc > 0 && gc > 0) {
		rl->subuid = us;
		rl->subgid = gs;
		rl->subcount = uc < gc ? uc : gc;
		if (rl->subcount > USERNS_SLICE - 1)
			rl->subcount = USERNS_SLICE - 1;
	}
	st->userns_uid = (uint32_t)getuid();
	st->userns_gid = (uint32_t)getgid();
	st->userns_count = 1 + rl->subcount;
	return state_save(lock, st);
}

/* Runs HELPER PID 0 ID 1 1 SUB COUNT and waits for it. */
static int run_helper(const char *helper, pid_t pid, uint32_t id, uint32_t sub, uint32_t count)
{
	char spid[16], sid[16], ssub[16], scount[16];
	char *argv[] = {(char *)helper, spid, "0", sid, "1", "1", ssub, scount, NULL};
	pid_t child;
	int status, r;

	(void)snprintf(spid, sizeof(spid), "%d", (int)pid);
	(void)snprintf(sid, sizeof(sid), "%u", id);
	(void)snprintf(ssub, sizeof(ssub), "%u", sub);
	(void)snprintf(scount, sizeof(scount), "%u", count);
	child = fork();
	if (child < 0)
		return log_errno(-errno, "run '%s'", helper);
	if (child == 0) {
		execv(helper, argv);
		_exit(127);
	}
	r = waiter_wait(child, &status);
	if (r < 0)
		return log_errno(r, "wait for '%s'", helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_error("map the container's ids: '%s %s 0 %s 1 1 %s %s' failed (status %d)",
		          helper, spid, sid, ssub, scount, status_to_exit_code(status));
		return -EPERM;
	}
	return 0;
}

int userns_write_maps_rootless(pid_t pid, const struct state *st, const struct userns_rootless *rl)
{
	char path[64];
	int r;

	if (rl->subcount) {
		r = run_helper(NEWUIDMAP, pid, st->userns_uid, rl->subuid, rl->subcount);
		return r < 0 ? r
		             : run_helper(NEWGIDMAP, pid, st->userns_gid, rl->subgid, rl->subcount);
	}
	/* An unprivileged writer may map its own ids only, and its gid only once setgroups is
	 * denied (or a group it dropped could be gained back). */
	(void)snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	r = write_file(path, "deny");
	if (r < 0)
		return log_errno(r, "write %s", path);
	return userns_write_maps(pid, st);
}

int userns_write_maps(pid_t pid, const struct state *st)
{
	const struct ns_id_range uid = {0, st->userns_uid, st->userns_count};
	const struct ns_id_range gid = {0, st->userns_gid, st->userns_count};
	const char *what = "";
	/* Rootless, the user alone: an unprivileged writer maps its gid only once setgroups is
	 * denied (or a group it dropped could be gained back). */
	int r = ns_write_maps(pid, &uid, 1, &gid, 1, geteuid() != 0, &what);

	return r < 0 ? log_errno(r, "write %s of the container", what) : 0;
}
