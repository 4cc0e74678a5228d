// SPDX-License-Identifier: MIT
/*
 * cgroup: the backend-neutral part. Picks v1 or v2 from the filesystem type of
 * the cgroup root, creates and removes <parent>/<name> in every hierarchy, and
 * removes what a dead container left, when its record (state.c) names it. Never
 * kills or removes a cgroup that box did not make: one that exists when launch is
 * to create it is refused. Runs in launch (host side, root).
 */
#include "cgroup_internal.h"
#include "log.h"
#include "util.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <inttypes.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static char *path_join3(const char *a, const char *b, const char *c)
{
	char *p;

	if (asprintf(&p, "%s/%s/%s", a, b, c) < 0)
		return NULL;
	return p;
}

/* --- file helpers for the backends ----------------------------------------------- */

const char *cgroup_dir_for(const struct cgroup *cg, unsigned ctrl)
{
	for (size_t i = 0; i < cg->n_hier; i++)
		if ((cg->hier[i].ctrls & ctrl) && cg->hier[i].made_leaf)
			return cg->hier[i].leaf;
	return NULL;
}

bool cgroup_has_file(const char *dir, const char *file)
{
	_cleanup_free_ char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return false;
	return access(p, F_OK) == 0;
}

int cgroup_write(const char *dir, const char *file, const char *value)
{
	_cleanup_free_ char *p = NULL;
	int r;

	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return log_errno(-ENOMEM, "write '%s' to '%s/%s'", value, dir, file);
	r = write_file(p, value);
	if (r < 0)
		return log_errno(r, "write '%s' to '%s'", value, p);
	log_debug("cgroup: %s = %s", p, value);
	return 0;
}

int cgroup_write_u64(const char *dir, const char *file, uint64_t value)
{
	char buf[32];

	(void)snprintf(buf, sizeof(buf), "%" PRIu64, value);
	return cgroup_write(dir, file, buf);
}

/* On the stack: `launch stats` reads eight files a container, on several threads that
 * would all wait on the allocator's one lock. */
static int read_in(const char *dir, const char *file, char *buf, size_t size)
{
	char p[PATH_MAX];

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, file) >= sizeof(p))
		return -ENAMETOOLONG;
	return read_file(p, buf, size);
}

int cgroup_read_key(const char *dir, const char *file, const char *key, uint64_t *ret)
{
	char buf[4096];
	int r = read_in(dir, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	return cgroup_parse_keyed(buf, key, ret);
}

int cgroup_read_u64(const char *dir, const char *file, uint64_t *ret)
{
	char buf[64];
	int r = read_in(dir, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	return parse_u64(buf, ret);
}

int cgroup_read_limit(const char *dir, const char *file, uint64_t *ret)
{
	char buf[64];
	int r = read_in(dir, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (STREQ(buf, "max")) {
		*ret = 0;
		return 0;
	}
	return parse_u64(buf, ret);
}

static uint64_t sum_field(const char *text, const char *key)
{
	size_t klen = strlen(key);
	uint64_t sum = 0;

	for (const char *s = strstr(text, key); s; s = strstr(s + klen, key))
		/* At a word's start only ("Read" is no part of "Reads"). */
		if (s == text || s[-1] == ' ' || s[-1] == '\n')
			sum += strtoull(s + klen, NULL, 10);
	return sum;
}

int cgroup_sum_fields(const char *dir, const char *file, const char *key1, uint64_t *ret1,
                      const char *key2, uint64_t *ret2)
{
	_cleanup_free_ char *text = NULL;
	char p[PATH_MAX], buf[8192];
	int r;

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, file) >= sizeof(p))
		return -ENAMETOOLONG;
	/* A few devices fit the stack; a heap buffer, freed a container at a time, was a fresh
	 * mapping each (musl hands blocks of that size back to the kernel). */
	r = read_file(p, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (strlen(buf) < sizeof(buf) - 2) {
		*ret1 = sum_field(buf, key1);
		*ret2 = sum_field(buf, key2);
		return 0;
	}
	r = read_file_alloc(p, 1 << 20, &text);
	if (r < 0)
		return r;
	*ret1 = sum_field(text, key1);
	*ret2 = sum_field(text, key2);
	return 0;
}

int cgroup_missing(const char *what, const char *option)
{
	log_error("cgroup controller '%s' is not available (needed by %s)", what, option);
	return -EOPNOTSUPP;
}

int cgroup_add_hier(struct cgroup *cg, const char *mount, unsigned ctrls)
{
	struct cgroup_hier *h;

	if (cg->n_hier >= CGROUP_MAX_HIER)
		return -E2BIG;
	h = &cg->hier[cg->n_hier];
	h->mount = strdup(mount);
	if (!h->mount)
		return -ENOMEM;
	/* No name: a handle on the parent only, used to list its children. */
	h->leaf = cg->name ? path_join3(mount, cg->parent, cg->name) : NULL;
	if (cg->name && !h->leaf) {
		free(h->mount);
		return -ENOMEM;
	}
	h->ctrls = ctrls;
	h->made_leaf = false;
	cg->n_hier++;
	return 0;
}

/* Counts the processes in dir's cgroup.procs, and SIGKILLs them when kill is set. */
static int count_procs_in(const char *dir, bool kill_them)
{
	_cleanup_free_ char *p = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	char line[32];
	int n = 0;

	if (asprintf(&p, "%s/cgroup.procs", dir) < 0)
		return -ENOMEM;
	f = fopen(p, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		int pid;

		line[strcspn(line, "\n")] = '\0';
		/* pid 0: a process of another pid namespace; never signal the caller itself. */
		if (parse_int(line, 1, INT_MAX, &pid) < 0 || pid == getpid())
			continue;
		if (!kill_them || kill(pid, SIGKILL) == 0)
			n++;
	}
	return n;
}

/* The one walker of a cgroup tree: calls fn on each child cgroup of dir (not on dir, not
 * recursively: fn recurses). Stops at fn's first negative result and returns it; -errno
 * when dir cannot be opened (-ENOENT: it is gone). */
static int for_each_child(const char *dir, int (*fn)(const char *sub, void *data), void *data)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	int r;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			return -ENOMEM;
		r = fn(sub, data);
		if (r < 0)
			return r;
	}
	return 0;
}

struct walk {
	bool kill_them;
	int n;
};

static int walk_tree(const char *dir, bool kill_them);

/* A subtree that cannot be read counts nothing but does not stop the walk. */
static int walk_child(const char *sub, void *data)
{
	struct walk *w = data;
	int r = walk_tree(sub, w->kill_them);

	if (r > 0)
		w->n += r;
	return 0;
}

static int walk_tree(const char *dir, bool kill_them)
{
	struct walk w = {.kill_them = kill_them};
	int r = for_each_child(dir, walk_child, &w);

	if (r < 0)
		return r;
	r = count_procs_in(dir, kill_them);
	return r < 0 ? r : w.n + r;
}

int cgroup_kill_tree(const char *dir)
{
	return walk_tree(dir, true);
}

bool cgroup_tree_populated(const char *dir)
{
	/* An unreadable tree counts as populated: the caller then takes the thorough path. */
	return walk_tree(dir, false) != 0;
}

/* --- pure helpers ------------------------------------------------------------------ */

/*
 * runc and crun map v1 shares to v2 weight with
 *   weight = 1 + (shares - 2) * 9999 / 262142        (integer division)
 * We go the other way with the smallest shares that maps back to the same weight:
 *   shares = 2 + ceil((weight - 1) * 262142 / 9999)
 * so 1 -> 2, 100 -> 2598, 10000 -> 262144, and runc's formula returns the weight given.
 */
uint64_t cgroup_weight_to_shares(uint64_t weight)
{
	if (weight < 1)
		weight = 1;
	if (weight > 10000)
		weight = 10000;
	return 2 + ((weight - 1) * 262142 + 9998) / 9999;
}

/*
 * runc maps v1 blkio.weight (10..1000) to v2 io.weight with
 *   io = 1 + (blkio - 10) * 9999 / 990
 * inverted the same way: blkio = 10 + ceil((io - 1) * 990 / 9999); 1 -> 10, 100 -> 20,
 * 10000 -> 1000. The same value suits blkio.bfq.weight (1..1000).
 */
uint64_t cgroup_weight_to_blkio(uint64_t weight)
{
	if (weight < 1)
		weight = 1;
	if (weight > 10000)
		weight = 10000;
	return 10 + ((weight - 1) * 990 + 9998) / 9999;
}

uint64_t cgroup_ticks_to_us(uint64_t ticks, uint64_t hz)
{
	if (hz == 0)
		return 0;
	return ticks / hz * 1000000 + ticks % hz * 1000000 / hz;
}

int cgroup_swap_max(const struct cgroup_limits *lim, uint64_t *ret)
{
	if (lim->memory_max == 0 || lim->memory_swap < lim->memory_max)
		return -EINVAL;
	*ret = lim->memory_swap - lim->memory_max;
	return 0;
}

int cgroup_parse_keyed(const char *text, const char *key, uint64_t *ret)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char num[32];
		size_t n;

		if (strncmp(p, key, klen) != 0 || p[klen] != ' ')
			continue;
		n = strcspn(p + klen + 1, "\n");
		if (n == 0 || n >= sizeof(num))
			return -EINVAL;
		memcpy(num, p + klen + 1, n);
		num[n] = '\0';
		return parse_u64(num, ret);
	}
	return -ENOENT;
}

static const struct {
	const char *name;
	unsigned bit;
} ctrl_names[] = {
    {"cpu", CG_CPU},         {"cpuacct", CG_CPUACCT}, {"memory", CG_MEMORY},
    {"pids", CG_PIDS},       {"blkio", CG_IO},        {"io", CG_IO},
    {"freezer", CG_FREEZER}, {"devices", CG_DEVICES}, {"cpuset", CG_CPUSET},
};

static unsigned ctrl_mask(const char *list, const char *seps)
{
	_cleanup_free_ char *copy = strdup(list);
	unsigned mask = 0;
	char *save = NULL;

	if (!copy)
		return 0;
	for (char *t = strtok_r(copy, seps, &save); t; t = strtok_r(NULL, seps, &save))
		for (size_t i = 0; i < ARRAY_SIZE(ctrl_names); i++)
			if (STREQ(t, ctrl_names[i].name))
				mask |= ctrl_names[i].bit;
	return mask;
}

unsigned cgroup_v1_ctrl_mask(const char *opts)
{
	return ctrl_mask(opts, ",");
}

unsigned cgroup_v2_ctrl_mask(const char *list)
{
	return ctrl_mask(list, " \n") & (CG_CPU | CG_MEMORY | CG_PIDS | CG_IO | CG_CPUSET);
}

static bool is_odigit(char c)
{
	return c >= '0' && c <= '7';
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (const char *r = s; *r;) {
		if (r[0] == '\\' && is_odigit(r[1]) && is_odigit(r[2]) && is_odigit(r[3])) {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

int cgroup_parse_mountinfo(char *line, char **ret_mount, char **ret_opts)
{
	char *save = NULL, *mount = NULL, *t, *fstype, *source, *opts;
	int i = 0;

	line[strcspn(line, "\n")] = '\0';
	/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS */
	for (t = strtok_r(line, " ", &save); t && !STREQ(t, "-"); t = strtok_r(NULL, " ", &save))
		if (i++ == 4)
			mount = t;
	if (!t || !mount)
		return -EINVAL;
	fstype = strtok_r(NULL, " ", &save);
	source = strtok_r(NULL, " ", &save);
	opts = strtok_r(NULL, " ", &save);
	if (!fstype || !source || !opts)
		return -EINVAL;
	if (!STREQ(fstype, "cgroup"))
		return -ENOENT;
	unescape_octal(mount);
	*ret_mount = mount;
	*ret_opts = opts;
	return 0;
}

/* After path_normalize: the characters a cgroup path of systemd's or of a user may hold. */
static bool valid_component(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-@:+", s[i]))
			return false;
	return true;
}

int cgroup_normalize_parent(const char *parent, char **ret)
{
	_cleanup_free_ char *norm = NULL;
	int r;

	if (!parent)
		return -EINVAL;
	r = path_normalize(parent, &norm);
	if (r < 0)
		return r;
	if (STREQ(norm, "/"))
		return -EINVAL; /* the root: reaping there would touch everything */
	for (const char *p = norm + 1; *p;) {
		size_t n = strcspn(p, "/");

		if (!valid_component(p, n))
			return -EINVAL;
		p += n + (p[n] == '/');
	}
	memmove(norm, norm + 1, strlen(norm));
	*ret = steal_ptr(&norm);
	return 0;
}

/* --- lifecycle --------------------------------------------------------------------- */

static void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n_hier; i++) {
		free(cg->hier[i].mount);
		free(cg->hier[i].leaf);
	}
	free(cg->parent);
	free(cg->name);
	free(cg);
}

static void cgroup_freep(struct cgroup **cg)
{
	cgroup_free(*cg);
}

static void cgroup_destroyp(struct cgroup **cg)
{
	cgroup_destroy(*cg);
}

static int detect(const char *root, const struct cgroup_ops **ret)
{
	struct statfs fs;

	if (statfs(root, &fs) < 0)
		return log_errno(-errno, "detect cgroup version of '%s'", root);
	if (fs.f_type == CGROUP2_SUPER_MAGIC) {
		*ret = &cgroup_v2_ops;
		return 0;
	}
	/* tmpfs: legacy or hybrid, whose v1 controllers we use (ignoring "unified"). */
	if (fs.f_type == TMPFS_MAGIC || fs.f_type == CGROUP_SUPER_MAGIC) {
		*ret = &cgroup_v1_ops;
		return 0;
	}
	log_error("detect cgroup version of '%s': not a cgroup filesystem", root);
	return -ENOTSUP;
}

/* The hierarchies last found under a root, for the process's next handle there: a command
 * over every container (stats, ps) would otherwise read mountinfo once per container. What
 * is kept is what discover found, before any handle's own changes (v2's controllers). */
static struct {
	char *root;
	const struct cgroup_ops *ops;
	size_t n;
	char *mount[CGROUP_MAX_HIER];
	unsigned ctrls[CGROUP_MAX_HIER];
} found;

static int discover(struct cgroup *cg, const char *root)
{
	int r;

	if (found.root && STREQ(found.root, root)) {
		cg->ops = found.ops;
		for (size_t i = 0; i < found.n; i++) {
			r = cgroup_add_hier(cg, found.mount[i], found.ctrls[i]);
			if (r < 0)
				return log_errno(r, "add cgroup hierarchy '%s'", found.mount[i]);
		}
		return 0;
	}
	r = detect(root, &cg->ops);
	if (r == 0)
		r = cg->ops->discover(cg, root);
	if (r < 0)
		return r;
	/* Kept only whole: a handle fails the same way without the copy. */
	for (size_t i = 0; i < found.n; i++)
		free(found.mount[i]);
	free(found.root);
	found.root = NULL;
	found.n = 0;
	for (size_t i = 0; i < cg->n_hier; i++) {
		found.mount[i] = strdup(cg->hier[i].mount);
		found.ctrls[i] = cg->hier[i].ctrls;
		if (!found.mount[i])
			return 0;
		found.n = i + 1;
	}
	found.ops = cg->ops;
	found.root = strdup(root);
	return 0;
}

/* A handle with hierarchies discovered and leaf paths built; nothing created. */
static int cgroup_new(const char *parent, const char *name, struct cgroup **ret)
{
	_cleanup_(cgroup_freep) struct cgroup *cg = NULL;
	const char *root = getenv("BOX_CGROUP_ROOT");
	int r;

	if (name && !name_is_valid(name, CGROUP_NAME_MAX)) {
		log_error("create cgroup '%s': invalid name (want [A-Za-z0-9][A-Za-z0-9_.-]*)",
		          name);
		return -EINVAL;
	}
	if (!root || !*root)
		root = CGROUP_DEFAULT_ROOT;
	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return log_errno(-ENOMEM, "create cgroup '%s'", name ? name : parent);
	r = cgroup_normalize_parent(parent, &cg->parent);
	if (r < 0)
		return log_errno(r, "use cgroup parent '%s'", parent ? parent : "");
	cg->name = name ? strdup(name) : NULL;
	if (name && !cg->name)
		return log_errno(-ENOMEM, "create cgroup '%s'", name);
	r = discover(cg, root);
	if (r < 0)
		return r;
	log_debug("cgroup %s, %zu hierarchies", cg->ops->name, cg->n_hier);
	*ret = steal_ptr(&cg);
	return 0;
}

/* Creates <mount>/<parent> component by component, initializing the ones we make. */
static int make_parent(const struct cgroup *cg, const struct cgroup_hier *h)
{
	_cleanup_free_ char *p = NULL;
	size_t base = strlen(h->mount);

	if (asprintf(&p, "%s/%s", h->mount, cg->parent) < 0)
		return log_errno(-ENOMEM, "create cgroup parent '%s'", cg->parent);
	for (char *s = p + base + 1;; s++) {
		char c = *s;
		int r = 0;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) == 0)
			r = cg->ops->init_dir ? cg->ops->init_dir(h, p) : 0;
		else if (errno != EEXIST)
			r = log_errno(-errno, "create cgroup '%s'", p);
		if (r < 0)
			return r;
		*s = c;
		if (c == '\0')
			return 0;
	}
}

static int rmdir_retry(const char *dir)
{
	unsigned waited = 0, step = 1;

	for (;;) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || waited >= 2000)
			return -errno;
		/* Killed tasks take a moment to leave; one forked mid-kill gets its own. */
		(void)count_procs_in(dir, true);
		sleep_ms(step);
		waited += step;
		step = step * 2 > 100 ? 100 : step * 2;
	}
}

static int rmdir_tree(const char *dir);

/* A child that will not go is reported by its parent's rmdir (EBUSY). */
static int rmdir_child(const char *sub, void *data)
{
	(void)data;
	(void)rmdir_tree(sub);
	return 0;
}

static int rmdir_tree(const char *dir)
{
	int r;

	/* The usual case, an empty leaf, costs one rmdir; nested cgroups or tasks still
	 * leaving make it fail with EBUSY and take the walk. */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	r = for_each_child(dir, rmdir_child, NULL);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	return rmdir_retry(dir);
}

static void remove_leaves(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n_hier; i++) {
		struct cgroup_hier *h = &cg->hier[i];
		int r;

		if (!h->made_leaf)
			continue;
		r = rmdir_tree(h->leaf);
		if (r < 0)
			log_warn_errno(r, "remove cgroup '%s'", h->leaf);
		h->made_leaf = false;
	}
}

/* The container's record (state.c) holds the name, and whatever a dead container of that
 * name left was removed from its record before (reap.c): a leaf that exists now is
 * somebody else's. Refuse rather than kill strangers. */
static int refuse_existing(const struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n_hier; i++)
		if (access(cg->hier[i].leaf, F_OK) == 0) {
			log_error("create cgroup '%s': it exists and box did not make it",
			          cg->hier[i].leaf);
			return -EEXIST;
		}
	return 0;
}

static int make_leaves(struct cgroup *cg)
{
	for (size_t i = 0; i < cg->n_hier; i++) {
		struct cgroup_hier *h = &cg->hier[i];

		if (mkdir(h->leaf, 0755) < 0)
			return log_errno(-errno, "create cgroup '%s'", h->leaf);
		h->made_leaf = true;
		if (cg->ops->init_dir) {
			int r = cg->ops->init_dir(h, h->leaf);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

static unsigned limits_need(const struct cgroup_limits *lim)
{
	return ((lim->cpu_quota_us || lim->cpu_weight) ? CG_CPU : 0) |
	       ((lim->memory_max || lim->memory_swap) ? CG_MEMORY : 0) |
	       (lim->pids_max ? CG_PIDS : 0) | (lim->io_weight ? CG_IO : 0);
}

static void note_missing(const struct cgroup *cg)
{
	static const struct {
		const char *name;
		unsigned bit;
	} used[] = {{"cpu", CG_CPU}, {"memory", CG_MEMORY}, {"pids", CG_PIDS}, {"io", CG_IO}};
	unsigned have = 0;

	for (size_t i = 0; i < cg->n_hier; i++)
		have |= cg->hier[i].ctrls;
	for (size_t i = 0; i < ARRAY_SIZE(used); i++)
		if (!(have & used[i].bit))
			log_debug("cgroup controller '%s' is not available", used[i].name);
}

int cgroup_create(const char *parent, const char *name, const struct cgroup_limits *lim,
                  struct cgroup **ret)
{
	_cleanup_(cgroup_destroyp) struct cgroup *cg = NULL;
	int r;

	r = cgroup_new(parent, name, &cg);
	if (r < 0)
		return r;
	for (size_t i = 0; i < cg->n_hier; i++) {
		r = make_parent(cg, &cg->hier[i]);
		if (r < 0)
			return r;
	}
	r = refuse_existing(cg);
	if (r < 0)
		return r;
	r = cg->ops->prepare ? cg->ops->prepare(cg, limits_need(lim)) : 0;
	if (r < 0)
		return r;
	r = make_leaves(cg);
	if (r < 0)
		return r;
	r = cg->ops->apply(cg, lim);
	if (r < 0)
		return r;
	note_missing(cg);
	*ret = steal_ptr(&cg);
	return 0;
}

int cgroup_attach(struct cgroup *cg, pid_t pid)
{
	for (size_t i = 0; i < cg->n_hier; i++) {
		int r;

		if (!cg->hier[i].made_leaf)
			continue;
		r = cgroup_write_u64(cg->hier[i].leaf, "cgroup.procs", (uint64_t)pid);
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_join_open(struct cgroup *cg, struct cgroup_join *ret)
{
	struct cgroup_join j = {.clone_fd = -1};
	int r;

	_Static_assert(CGROUP_JOIN_MAX >= CGROUP_MAX_HIER, "one tasks file per hierarchy");
	for (size_t i = 0; i < cg->n_hier; i++) {
		const char *leaf = cg->hier[i].leaf;
		_cleanup_free_ char *p = NULL;
		int fd;

		if (!cg->hier[i].made_leaf)
			continue;
		if (cg->ops == &cgroup_v2_ops) {
			fd = open(leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd < 0) {
				r = log_errno(-errno, "open cgroup '%s'", leaf);
				cgroup_join_close(&j);
				return r;
			}
			j.clone_fd = fd;
			continue;
		}
		if (asprintf(&p, "%s/tasks", leaf) < 0) {
			cgroup_join_close(&j);
			return -ENOMEM;
		}
		fd = open(p, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			r = log_errno(-errno, "open '%s'", p);
			cgroup_join_close(&j);
			return r;
		}
		j.tasks_fd[j.n_tasks++] = fd;
	}
	*ret = j;
	return 0;
}

void cgroup_join_close(struct cgroup_join *j)
{
	j->clone_fd = safe_close(j->clone_fd);
	for (size_t i = 0; i < j->n_tasks; i++)
		j->tasks_fd[i] = safe_close(j->tasks_fd[i]);
	j->n_tasks = 0;
}

int cgroup_join_self(const struct cgroup_join *j)
{
	for (size_t i = 0; i < j->n_tasks; i++) {
		/* "0" is the writer itself, whatever pid namespace it is in. */
		if (write(j->tasks_fd[i], "0", 1) < 0)
			return -errno;
	}
	return 0;
}

int cgroup_read_stats(struct cgroup *cg, struct cgroup_stats *ret)
{
	struct cgroup_stats st = {0};
	int r = cg->ops->read_stats(cg, &st);

	if (r < 0)
		return r;
	*ret = st;
	return 0;
}

void cgroup_kill(struct cgroup *cg)
{
	if (cg)
		cg->ops->kill_all(cg);
}

void cgroup_destroy(struct cgroup *cg)
{
	bool any = false;

	if (!cg)
		return;
	for (size_t i = 0; i < cg->n_hier; i++)
		any |= cg->hier[i].made_leaf;
	if (any)
		cg->ops->kill_all(cg);
	remove_leaves(cg);
	/* The parent stays: other containers may live there, and an empty one costs nothing. */
	cgroup_free(cg);
}

int cgroup_read_usage(struct cgroup *cg, struct cgroup_usage *ret)
{
	struct cgroup_usage u = {0};
	int r = cg->ops->read_usage(cg, &u);

	if (r < 0)
		return r;
	*ret = u;
	return 0;
}

struct pid_list {
	pid_t *v;
	size_t n, cap;
};

static int add_pids(const char *dir, void *data)
{
	_cleanup_free_ char *p = NULL, *text = NULL;
	struct pid_list *l = data;
	int r;

	if (asprintf(&p, "%s/cgroup.procs", dir) < 0)
		return -ENOMEM;
	r = read_file_alloc(p, 4 << 20, &text);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (char *s = text, *e; *s; s = e + (*e != '\0')) {
		long pid = strtol(s, &e, 10);

		if (e == s)
			break;
		if (l->n == l->cap) {
			pid_t *w = realloc(l->v, (l->cap = l->cap ? l->cap * 2 : 64) * sizeof(*w));

			if (!w)
				return -ENOMEM;
			l->v = w;
		}
		l->v[l->n++] = (pid_t)pid;
	}
	/* A child cgroup removed meanwhile has no pids left to list. */
	r = for_each_child(dir, add_pids, l);
	return r == -ENOENT ? 0 : r;
}

int cgroup_pids(struct cgroup *cg, pid_t **ret, size_t *ret_n)
{
	const char *dir = cgroup_dir_for(cg, CG_PIDS);
	struct pid_list l = {0};
	int r;

	/* v2 has one tree; on v1 every process is in each hierarchy, the pids one is enough. */
	if (!dir)
		dir = cg->n_hier ? cg->hier[0].leaf : NULL;
	if (!dir)
		return -ENOENT;
	r = add_pids(dir, &l);
	if (r < 0) {
		free(l.v);
		return r;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

size_t cgroup_leaves(const struct cgroup *cg, const char **ret, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < cg->n_hier && n < max; i++)
		if (cg->hier[i].made_leaf)
			ret[n++] = cg->hier[i].leaf;
	return n;
}

int cgroup_open_made(const char *parent, const char *name, const char *const *made, size_t n,
                     struct cgroup **ret)
{
	struct cgroup *cg = NULL;
	bool any = false;
	int r = cgroup_new(parent, name, &cg);

	if (r < 0)
		return r;
	for (size_t i = 0; i < cg->n_hier; i++) {
		struct cgroup_hier *h = &cg->hier[i];

		if (!made)
			h->made_leaf = access(h->leaf, F_OK) == 0;
		for (size_t k = 0; made && k < n && !h->made_leaf; k++)
			h->made_leaf = made[k] && STREQ(made[k], h->leaf);
		any |= h->made_leaf;
	}
	if (!any) {
		cgroup_free(cg);
		return -ENOENT;
	}
	*ret = cg;
	return 0;
}

int cgroup_open(const char *parent, const char *name, struct cgroup **ret)
{
	return cgroup_open_made(parent, name, NULL, 0, ret);
}

void cgroup_close(struct cgroup *cg)
{
	cgroup_free(cg);
}

static const char *freezer_dir(const struct cgroup *cg, const char **ret_file)
{
	if (cg->ops == &cgroup_v2_ops) {
		*ret_file = "cgroup.freeze";
		return cg->hier[0].made_leaf ? cg->hier[0].leaf : NULL;
	}
	*ret_file = "freezer.state";
	return cgroup_dir_for(cg, CG_FREEZER);
}

/* 1 frozen, 0 not (yet), -errno when the state cannot be read. */
static int freezer_state(struct cgroup *cg)
{
	const char *file, *dir = freezer_dir(cg, &file);
	char state[32];
	uint64_t frozen = 0;
	int r;

	if (!dir)
		return -ENOTSUP;
	if (cg->ops == &cgroup_v2_ops) {
		r = cgroup_read_key(dir, "cgroup.events", "frozen", &frozen);
		return r < 0 ? r : frozen == 1;
	}
	_cleanup_free_ char *p = path_join3(dir, "/", file);
	if (!p)
		return -ENOMEM;
	r = read_file(p, state, sizeof(state));
	return r < 0 ? r : STREQ(state, "FROZEN");
}

bool cgroup_is_frozen(struct cgroup *cg)
{
	return freezer_state(cg) == 1;
}

bool cgroup_wait_frozen(struct cgroup *cg, unsigned timeout_ms)
{
	int r = freezer_state(cg);

	for (unsigned waited = 0; r == 0 && waited < timeout_ms; waited += 2) {
		sleep_ms(2);
		r = freezer_state(cg);
	}
	return r == 1;
}

int cgroup_freeze(struct cgroup *cg, bool freeze)
{
	const char *file, *dir = freezer_dir(cg, &file);
	int r;

	if (!dir) {
		log_error("freeze cgroup '%s/%s': no freezer controller", cg->parent, cg->name);
		return -ENOTSUP;
	}
	if (cg->ops == &cgroup_v2_ops)
		r = cgroup_write(dir, file, freeze ? "1" : "0");
	else
		r = cgroup_write(dir, file, freeze ? "FROZEN" : "THAWED");
	if (r < 0)
		return r;
	/* The write starts it; the state file says when every task is there (v1 may loop
	 * through FREEZING while tasks are in uninterruptible sleep). */
	if (freeze && !cgroup_wait_frozen(cg, 2000)) {
		(void)cgroup_write(dir, file, cg->ops == &cgroup_v2_ops ? "0" : "THAWED");
		log_error("freeze cgroup '%s': still not frozen after 2 s", dir);
		return -EBUSY;
	}
	return 0;
}

int cgroup_update(struct cgroup *cg, const struct cgroup_limits *lim)
{
	struct cgroup_limits l = *lim;

	l.all_devices = true; /* the device policy was set at creation; never installed twice */
	return cg->ops->apply(cg, &l);
}

int cgroup_remove_stale(const char *parent, const char *name)
{
	struct cgroup *cg = NULL;
	int r = cgroup_open(parent, name, &cg);

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	log_debug("removing stale cgroup '%s/%s'", cg->parent, name);
	cgroup_destroy(cg);
	return 0;
}

int cgroup_cpus_to_quota(const char *cpus, uint64_t period_us, uint64_t *ret_quota_us)
{
	uint64_t whole = 0, milli = 0, quota;
	const char *p = cpus;
	unsigned digits = 0;

	if (!p || !isdigit((unsigned char)*p) || period_us == 0)
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > 1000000)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p) && digits < 3; p++, digits++)
			milli = milli * 10 + (uint64_t)(*p - '0');
		if (digits == 0 || *p != '\0')
			return -EINVAL;
		for (; digits < 3; digits++)
			milli *= 10;
	}
	if (*p != '\0')
		return -EINVAL;
	quota = (whole * 1000 + milli) * period_us / 1000;
	if (quota < 1000)
		return -ERANGE;
	*ret_quota_us = quota;
	return 0;
}
