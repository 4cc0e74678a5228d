// SPDX-License-Identifier: MIT
/*
 * ociconf: see ociconf.h. Every JSON object is read through a table of its keys, in the
 * table's order, so the error reported first never depends on the file's key order. Under
 * "linux" (and in hooks) a key box does not know is an error: it may ask for confinement box
 * would not apply. At the top level, in process and in mounts an unknown key is ignored, as
 * runc does. A JSON null reads as an absent key. Nothing here touches the host.
 */
#include "ociconf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "capset.h"
#include "fmt.h"
#include "log.h"
#include "util.h"

#define CONFIG     "config.json"
#define CONFIG_MAX (4u << 20)
#define PATH_LEN   256
#define HOST_MAX   64 /* the kernel's limit on hostname and domainname */

enum kind {
	K_STR,         /* string, kept (char * at off) */
	K_ABS,         /* absolute path, kept */
	K_BOOL,        /* bool at off */
	K_STRV,        /* array of strings, kept NULL-terminated (char ** at off) */
	K_ABSV,        /* array of absolute paths */
	K_ENVV,        /* array of "NAME=VALUE" */
	K_CHECK_STR,   /* a string, checked and dropped */
	K_CHECK_INT,   /* an integer, checked and dropped */
	K_CHECK_BOOL,  /* a boolean, checked and dropped */
	K_FN,          /* fn(value, path, base + off) */
	K_UNSUPPORTED, /* an error when given */
	K_NOT_LINUX,   /* another platform's: an error when given */
	K_EMPTY,       /* an error unless empty: 0, "", false, [], {} or an object of those */
};

enum {
	F_REQUIRED = 1 << 0,
	F_NONEMPTY = 1 << 1,   /* K_STR: not ""; K_STRV: not [] */
	F_EMPTY_NULL = 1 << 2, /* K_STR: "" is kept as NULL (not given) */
};

/* Parses v (never NULL or null) into at; path names v in messages. */
typedef int (*parse_fn)(json_t *v, const char *path, void *at);

struct field {
	const char *key;
	enum kind kind;
	size_t off;
	parse_fn fn;
	unsigned flags;
};

static bool ends_with_colon(const char *s)
{
	return s[0] && s[strlen(s) - 1] == ':';
}

/* Logs "config.json: PATH: MESSAGE" as one line (a control character the file put in a key or
 * value shows as '?'). A path starts with its document's name and a colon ("config.json:"). */
static void log_field(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_field(const char *path, const char *fmt, ...)
{
	char line[768];
	va_list ap;
	int n;

	n = fmt_snprintf(line, sizeof(line), "%s%s ", path, ends_with_colon(path) ? "" : ":");
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	va_start(ap, fmt);
	(void)fmt_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	log_error("%s", line);
}

/* A macro, so the compiler sees the error is negative (and what it leaves unset). */
#define fail(path, ...) (log_field((path), __VA_ARGS__), -EINVAL)

/* "config.json: process", "config.json: process.args". */
static const char *join(char buf[static PATH_LEN], const char *parent, const char *key)
{
	(void)fmt_snprintf(buf, PATH_LEN, "%s%s%s", parent, ends_with_colon(parent) ? " " : ".",
	                   key);
	return buf;
}

static const char *join_index(char buf[static PATH_LEN], const char *parent, size_t i)
{
	(void)fmt_snprintf(buf, PATH_LEN, "%s[%zu]", parent, i);
	return buf;
}

/* The member, or NULL when it is absent or null. */
static json_t *member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_null(v) ? NULL : v;
}

static int want_int(json_t *v, const char *path, json_int_t min, json_int_t max, json_int_t *ret)
{
	json_int_t n;

	if (!json_is_integer(v))
		return fail(path, "must be an integer");
	n = json_integer_value(v);
	if (n < min || n > max)
		return fail(path, "must be between %lld and %lld", (long long)min, (long long)max);
	*ret = n;
	return 0;
}

static int want_str(json_t *v, const char *path, bool absolute, const char **ret)
{
	const char *s = json_string_value(v);

	if (!s || (absolute && s[0] != '/'))
		return fail(path, absolute ? "must be an absolute path" : "must be a string");
	*ret = s;
	return 0;
}

static int dup_str(json_t *v, const char *path, bool absolute, bool nonempty, char **ret)
{
	const char *s;
	int r = want_str(v, path, absolute, &s);

	if (r < 0)
		return r;
	if (nonempty && !s[0])
		return fail(path, "must be a non-empty string");
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

/* kind: K_STRV, K_ABSV or K_ENVV. The vector belongs to *ret from the start, so spec_free
 * frees what an error leaves. */
static int dup_strv(json_t *v, const char *path, enum kind kind, bool nonempty, char ***ret)
{
	size_t n = json_array_size(v);
	char p[PATH_LEN];
	char **sv;

	if (!json_is_array(v) || (nonempty && n == 0))
		return fail(path, "must be a %sarray of %s", nonempty ? "non-empty " : "",
		            kind == K_ABSV ? "absolute paths" : "strings");
	sv = calloc(n + 1, sizeof(*sv));
	if (!sv)
		return -ENOMEM;
	*ret = sv;
	for (size_t i = 0; i < n; i++) {
		const char *s;
		int r = want_str(json_array_get(v, i), join_index(p, path, i), kind == K_ABSV, &s);

		if (r < 0)
			return r;
		if (kind == K_ENVV && (s[0] == '=' || !strchr(s, '=')))
			return fail(p, "'%s' is not NAME=VALUE", s);
		sv[i] = strdup(s);
		if (!sv[i])
			return -ENOMEM;
	}
	return 0;
}

static bool is_empty(json_t *v)
{
	const char *key;
	json_t *m;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach(v, key, m)
		{
			if (!is_empty(m))
				return false;
		}
		return true;
	case JSON_ARRAY:
		return json_array_size(v) == 0;
	case JSON_STRING:
		return json_string_length(v) == 0;
	case JSON_INTEGER:
		return json_integer_value(v) == 0;
	case JSON_REAL:
		return !(json_real_value(v) < 0 || json_real_value(v) > 0);
	case JSON_TRUE:
		return false;
	case JSON_FALSE:
	case JSON_NULL:
		return true;
	}
	return false;
}

static int parse_field(const struct field *f, json_t *v, const char *path, void *base)
{
	void *at = (char *)base + f->off;

	switch (f->kind) {
	case K_STR:
	case K_ABS:
		if ((f->flags & F_EMPTY_NULL) && json_is_string(v) && !json_string_length(v))
			return 0;
		return dup_str(v, path, f->kind == K_ABS, f->flags & F_NONEMPTY, at);
	case K_BOOL:
		if (!json_is_boolean(v))
			return fail(path, "must be a boolean");
		*(bool *)at = json_is_true(v);
		return 0;
	case K_STRV:
	case K_ABSV:
	case K_ENVV:
		return dup_strv(v, path, f->kind, f->flags & F_NONEMPTY, at);
	case K_CHECK_STR:
		return json_is_string(v) ? 0 : fail(path, "must be a string");
	case K_CHECK_INT:
		return json_is_integer(v) ? 0 : fail(path, "must be an integer");
	case K_CHECK_BOOL:
		return json_is_boolean(v) ? 0 : fail(path, "must be a boolean");
	case K_FN:
		return f->fn(v, path, at);
	case K_UNSUPPORTED:
		return fail(path, "not supported");
	case K_NOT_LINUX:
		return fail(path, "not supported on Linux");
	case K_EMPTY:
		return is_empty(v) ? 0 : fail(path, "not supported");
	}
	return -EINVAL;
}

static bool table_has(const struct field *tab, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (STREQ(tab[i].key, key))
			return true;
	return false;
}

/* Each key of the table in order, then (strict) any key the table does not know. */
static int parse_fields(json_t *obj, const char *path, const struct field *tab, size_t n,
                        bool strict, void *base)
{
	char p[PATH_LEN];
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return fail(path, "must be an object");
	for (size_t i = 0; i < n; i++) {
		int r;

		v = member(obj, tab[i].key);
		if (!v && !(tab[i].flags & F_REQUIRED))
			continue;
		join(p, path, tab[i].key);
		if (!v)
			return fail(p, "required");
		r = parse_field(&tab[i], v, p, base);
		if (r < 0)
			return r;
	}
	if (!strict)
		return 0;
	json_object_foreach(obj, key, v)
	{
		if (!table_has(tab, n, key))
			return fail(join(p, path, key), "unknown key");
	}
	return 0;
}

#define PARSE_FIELDS(obj, path, tab, strict, base)                                                 \
	parse_fields((obj), (path), (tab), ARRAY_SIZE(tab), (strict), (base))

/* fn on each element of the array v, with elem + i * size (size 0: elem every time). */
static int each(json_t *v, const char *path, parse_fn fn, void *elem, size_t size)
{
	char p[PATH_LEN];

	if (!json_is_array(v))
		return fail(path, "must be an array");
	for (size_t i = 0; i < json_array_size(v); i++) {
		int r = fn(json_array_get(v, i), join_index(p, path, i), (char *)elem + i * size);

		if (r < 0)
			return r;
	}
	return 0;
}

/* A zeroed array of v's length goes to *ret_arr (whatever its element type) and its length to
 * *ret_n before the elements are parsed into it, so spec_free frees what an error leaves. */
static int parse_array(json_t *v, const char *path, size_t size, parse_fn fn, void *ret_arr,
                       size_t *ret_n)
{
	void *arr;

	if (!json_is_array(v))
		return fail(path, "must be an array");
	arr = calloc(json_array_size(v) ?: 1, size);
	if (!arr)
		return -ENOMEM;
	memcpy(ret_arr, &arr, sizeof(arr));
	*ret_n = json_array_size(v);
	return each(v, path, fn, arr, size);
}

#define PARSE_ARRAY(v, path, arr, n, fn)                                                           \
	parse_array((v), (path), sizeof(*(arr)), (fn), &(arr), &(n))

/* --- numbers ------------------------------------------------------------------------- */

static int parse_uint32(json_t *v, const char *path, void *at)
{
	json_int_t n;
	int r = want_int(v, path, 0, UINT32_MAX, &n);

	if (r == 0)
		*(uint32_t *)at = (uint32_t)n;
	return r;
}

/* A uint64 above INT64_MAX arrives as its two's complement (see widen_uint64). */
static int parse_uint64(json_t *v, const char *path, void *at)
{
	if (!json_is_integer(v))
		return fail(path, "must be an integer");
	*(uint64_t *)at = (uint64_t)json_integer_value(v);
	return 0;
}

/* --- process ------------------------------------------------------------------------- */

static int parse_console(json_t *v, const char *path, void *at)
{
	struct spec_process *p = at;
	char q[PATH_LEN];
	json_int_t h, w;
	int r;

	if (!json_is_object(v))
		return fail(path, "must be an object");
	r = want_int(member(v, "height"), join(q, path, "height"), 0, USHRT_MAX, &h);
	if (r < 0)
		return r;
	r = want_int(member(v, "width"), join(q, path, "width"), 0, USHRT_MAX, &w);
	if (r < 0)
		return r;
	p->console_height = (unsigned)h;
	p->console_width = (unsigned)w;
	return 0;
}

static int parse_umask(json_t *v, const char *path, void *at)
{
	struct spec_process *p = at;
	json_int_t n;
	int r = want_int(v, path, 0, 0777, &n);

	if (r < 0)
		return r;
	p->umask = (mode_t)n;
	p->has_umask = true;
	return 0;
}

static int parse_gids(json_t *v, const char *path, void *at)
{
	struct spec_process *p = at;

	return PARSE_ARRAY(v, path, p->additional_gids, p->n_additional_gids, parse_uint32);
}

static const struct field user_fields[] = {
    {"uid", K_FN, offsetof(struct spec_process, uid), parse_uint32, 0},
    {"gid", K_FN, offsetof(struct spec_process, gid), parse_uint32, 0},
    {"umask", K_FN, 0, parse_umask, 0},
    {"additionalGids", K_FN, 0, parse_gids, 0},
    {"username", K_CHECK_STR, 0, NULL, 0},
};

static int parse_user(json_t *v, const char *path, void *at)
{
	return PARSE_FIELDS(v, path, user_fields, false, at);
}

/* One name ("CAP_SYS_ADMIN"; the spec's form only) into the mask at. */
static int parse_cap(json_t *v, const char *path, void *at)
{
	struct capset_change ch = {0};
	const char *name;
	int r = want_str(v, path, false, &name);

	if (r < 0)
		return r;
	if (strncmp(name, "CAP_", 4) != 0 || capset_parse(name, true, &ch) < 0 || ch.add_all ||
	    !ch.add)
		return fail(path, "unknown capability '%s'", name);
	*(uint64_t *)at |= ch.add;
	return 0;
}

static const struct {
	const char *key;
	size_t off;
} cap_sets[] = {
    {"bounding", offsetof(struct spec_process, cap_bounding)},
    {"effective", offsetof(struct spec_process, cap_effective)},
    {"inheritable", offsetof(struct spec_process, cap_inheritable)},
    {"permitted", offsetof(struct spec_process, cap_permitted)},
    {"ambient", offsetof(struct spec_process, cap_ambient)},
};

static int parse_caps(json_t *v, const char *path, void *at)
{
	char q[PATH_LEN];

	if (!json_is_object(v))
		return fail(path, "must be an object");
	for (size_t i = 0; i < ARRAY_SIZE(cap_sets); i++) {
		json_t *set = member(v, cap_sets[i].key);
		int r = set ? each(set, join(q, path, cap_sets[i].key), parse_cap,
		                   (char *)at + cap_sets[i].off, 0)
		            : 0;

		if (r < 0)
			return r;
	}
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static int parse_rlimit_type(json_t *v, const char *path, void *at)
{
	const char *name;
	int r = want_str(v, path, false, &name);

	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (STREQ(name, rlimit_names[i].name)) {
			*(int *)at = rlimit_names[i].resource;
			return 0;
		}
	return fail(path, "unknown resource limit '%s'", name);
}

static const struct field rlimit_fields[] = {
    {"type", K_FN, offsetof(struct spec_rlimit, resource), parse_rlimit_type, F_REQUIRED},
    {"soft", K_FN, offsetof(struct spec_rlimit, soft), parse_uint64, F_REQUIRED},
    {"hard", K_FN, offsetof(struct spec_rlimit, hard), parse_uint64, F_REQUIRED},
};

static int parse_rlimit(json_t *v, const char *path, void *at)
{
	struct spec_rlimit *rl = at;
	int r = PARSE_FIELDS(v, path, rlimit_fields, true, rl);

	if (r < 0)
		return r;
	if (rl->soft > rl->hard)
		return fail(path, "soft limit above the hard limit");
	return 0;
}

static int parse_rlimits(json_t *v, const char *path, void *at)
{
	struct spec_process *p = at;
	char q[PATH_LEN], qt[PATH_LEN];
	int r = PARSE_ARRAY(v, path, p->rlimits, p->n_rlimits, parse_rlimit);

	for (size_t i = 1; r == 0 && i < p->n_rlimits; i++)
		for (size_t j = 0; j < i; j++)
			if (p->rlimits[i].resource == p->rlimits[j].resource)
				return fail(join(qt, join_index(q, path, i), "type"),
				            "duplicate resource limit");
	return r;
}

static int parse_oom_score(json_t *v, const char *path, void *at)
{
	struct spec_process *p = at;
	json_int_t n;
	int r = want_int(v, path, -1000, 1000, &n);

	if (r < 0)
		return r;
	p->oom_score_adj = (int)n;
	p->has_oom_score_adj = true;
	return 0;
}

static const struct field process_fields[] = {
    {"terminal", K_BOOL, offsetof(struct spec_process, terminal), NULL, 0},
    {"consoleSize", K_FN, 0, parse_console, 0},
    {"user", K_FN, 0, parse_user, 0},
    {"args", K_STRV, offsetof(struct spec_process, args), NULL, F_REQUIRED | F_NONEMPTY},
    {"env", K_ENVV, offsetof(struct spec_process, env), NULL, 0},
    {"cwd", K_ABS, offsetof(struct spec_process, cwd), NULL, F_REQUIRED},
    {"capabilities", K_FN, 0, parse_caps, 0},
    {"rlimits", K_FN, 0, parse_rlimits, 0},
    {"noNewPrivileges", K_BOOL, offsetof(struct spec_process, no_new_privileges), NULL, 0},
    {"oomScoreAdj", K_FN, 0, parse_oom_score, 0},
    {"apparmorProfile", K_STR, offsetof(struct spec_process, apparmor_profile), NULL, F_EMPTY_NULL},
    {"selinuxLabel", K_STR, offsetof(struct spec_process, selinux_label), NULL, F_EMPTY_NULL},
    {"commandLine", K_NOT_LINUX, 0, NULL, 0},
    {"ioPriority", K_UNSUPPORTED, 0, NULL, 0},
    {"scheduler", K_UNSUPPORTED, 0, NULL, 0},
    {"execCPUAffinity", K_UNSUPPORTED, 0, NULL, 0},
};

static int parse_process(json_t *v, const char *path, void *at)
{
	return PARSE_FIELDS(v, path, process_fields, false, at);
}

/* --- mounts -------------------------------------------------------------------------- */

enum opt_kind { O_SET, O_CLEAR, O_BIND, O_PROPAGATION, O_TMPCOPYUP, O_UNSUPPORTED };

/* The options that are mount flags (or box's own); any other goes to the data string. The
 * recursive attributes (rro, rnosuid, ...) and idmapped mounts are refused: for a bind mount
 * the kernel ignores the data string, so passing them on would drop them silently. */
static const struct mount_opt {
	const char *name;
	enum opt_kind kind;
	unsigned long flag;
} mount_opts[] = {
    {"ro", O_SET, MS_RDONLY},
    {"rw", O_CLEAR, MS_RDONLY},
    {"suid", O_CLEAR, MS_NOSUID},
    {"nosuid", O_SET, MS_NOSUID},
    {"dev", O_CLEAR, MS_NODEV},
    {"nodev", O_SET, MS_NODEV},
    {"exec", O_CLEAR, MS_NOEXEC},
    {"noexec", O_SET, MS_NOEXEC},
    {"sync", O_SET, MS_SYNCHRONOUS},
    {"async", O_CLEAR, MS_SYNCHRONOUS},
    {"dirsync", O_SET, MS_DIRSYNC},
    {"remount", O_SET, MS_REMOUNT},
    {"mand", O_SET, MS_MANDLOCK},
    {"nomand", O_CLEAR, MS_MANDLOCK},
    {"atime", O_CLEAR, MS_NOATIME},
    {"noatime", O_SET, MS_NOATIME},
    {"diratime", O_CLEAR, MS_NODIRATIME},
    {"nodiratime", O_SET, MS_NODIRATIME},
    {"relatime", O_SET, MS_RELATIME},
    {"norelatime", O_CLEAR, MS_RELATIME},
    {"strictatime", O_SET, MS_STRICTATIME},
    {"nostrictatime", O_CLEAR, MS_STRICTATIME},
    {"lazytime", O_SET, MS_LAZYTIME},
    {"nolazytime", O_CLEAR, MS_LAZYTIME},
    {"symfollow", O_CLEAR, MS_NOSYMFOLLOW},
    {"nosymfollow", O_SET, MS_NOSYMFOLLOW},
    {"bind", O_BIND, MS_BIND},
    {"rbind", O_BIND, MS_BIND | MS_REC},
    {"private", O_PROPAGATION, MS_PRIVATE},
    {"rprivate", O_PROPAGATION, MS_PRIVATE | MS_REC},
    {"slave", O_PROPAGATION, MS_SLAVE},
    {"rslave", O_PROPAGATION, MS_SLAVE | MS_REC},
    {"shared", O_PROPAGATION, MS_SHARED},
    {"rshared", O_PROPAGATION, MS_SHARED | MS_REC},
    {"unbindable", O_PROPAGATION, MS_UNBINDABLE},
    {"runbindable", O_PROPAGATION, MS_UNBINDABLE | MS_REC},
    {"tmpcopyup", O_TMPCOPYUP, 0},
    {"idmap", O_UNSUPPORTED, 0},
    {"ridmap", O_UNSUPPORTED, 0},
    {"rro", O_UNSUPPORTED, 0},
    {"rrw", O_UNSUPPORTED, 0},
    {"rnosuid", O_UNSUPPORTED, 0},
    {"rsuid", O_UNSUPPORTED, 0},
    {"rnodev", O_UNSUPPORTED, 0},
    {"rdev", O_UNSUPPORTED, 0},
    {"rnoexec", O_UNSUPPORTED, 0},
    {"rexec", O_UNSUPPORTED, 0},
    {"rnodiratime", O_UNSUPPORTED, 0},
    {"rdiratime", O_UNSUPPORTED, 0},
    {"rrelatime", O_UNSUPPORTED, 0},
    {"rnorelatime", O_UNSUPPORTED, 0},
    {"rnoatime", O_UNSUPPORTED, 0},
    {"ratime", O_UNSUPPORTED, 0},
    {"rstrictatime", O_UNSUPPORTED, 0},
    {"rnostrictatime", O_UNSUPPORTED, 0},
    {"rnosymfollow", O_UNSUPPORTED, 0},
    {"rsymfollow", O_UNSUPPORTED, 0},
};

static const struct mount_opt *mount_opt_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_opts); i++)
		if (STREQ(mount_opts[i].name, name))
			return &mount_opts[i];
	return NULL;
}

/* The last of two opposite options wins, as with mount(8). */
static int mount_opt_apply(struct spec_mount *m, const struct mount_opt *o, const char *path)
{
	switch (o->kind) {
	case O_SET:
		m->flags |= o->flag;
		m->clear_flags &= ~o->flag;
		break;
	case O_CLEAR:
		m->clear_flags |= o->flag;
		m->flags &= ~o->flag;
		break;
	case O_BIND:
		m->flags = (m->flags & ~(unsigned long)(MS_BIND | MS_REC)) | o->flag;
		m->bind = true;
		break;
	case O_PROPAGATION:
		m->propagation = o->flag;
		break;
	case O_TMPCOPYUP:
		m->tmpcopyup = true;
		break;
	case O_UNSUPPORTED:
		return fail(path, "'%s' not supported", o->name);
	}
	return 0;
}

static int parse_options(json_t *v, const char *path, void *at)
{
	struct spec_mount *m = at;
	size_t size = 1, len = 0, i;
	char p[PATH_LEN];
	json_t *o;

	if (!json_is_array(v))
		return fail(path, "must be an array of strings");
	json_array_foreach(v, i, o) size += json_string_length(o) + 1;
	m->data = calloc(size, 1);
	if (!m->data)
		return -ENOMEM;
	json_array_foreach(v, i, o)
	{
		const struct mount_opt *mo;
		const char *s;
		int r = want_str(o, join_index(p, path, i), false, &s);

		if (r < 0)
			return r;
		if (!s[0])
			return fail(p, "empty option");
		mo = mount_opt_find(s);
		r = mo ? mount_opt_apply(m, mo, p) : 0;
		if (r < 0)
			return r;
		if (mo)
			continue;
		len += (size_t)fmt_snprintf(m->data + len, size - len, "%s%s", len ? "," : "", s);
	}
	if (len == 0) {
		free(m->data);
		m->data = NULL;
	}
	return 0;
}

static int parse_mount_type(json_t *v, const char *path, void *at)
{
	struct spec_mount *m = at;
	int r = dup_str(v, path, false, false, &m->type);

	if (r == 0 && STREQ(m->type, "bind")) {
		m->flags |= MS_BIND;
		m->bind = true;
	}
	return r;
}

static const struct field mount_fields[] = {
    {"destination", K_ABS, offsetof(struct spec_mount, destination), NULL, F_REQUIRED},
    {"type", K_FN, 0, parse_mount_type, 0},
    {"source", K_STR, offsetof(struct spec_mount, source), NULL, 0},
    {"options", K_FN, 0, parse_options, 0},
    {"uidMappings", K_UNSUPPORTED, 0, NULL, 0},
    {"gidMappings", K_UNSUPPORTED, 0, NULL, 0},
};

static int parse_mount(json_t *v, const char *path, void *at)
{
	return PARSE_FIELDS(v, path, mount_fields, false, at);
}

static int parse_mounts(json_t *v, const char *path, void *at)
{
	struct spec *s = at;

	return PARSE_ARRAY(v, path, s->mounts, s->n_mounts, parse_mount);
}

/* --- hooks --------------------------------------------------------------------------- */

static int parse_timeout(json_t *v, const char *path, void *at)
{
	json_int_t n;
	int r = want_int(v, path, 1, INT_MAX, &n);

	if (r == 0)
		*(int *)at = (int)n;
	return r;
}

static const struct field hook_fields[] = {
    {"path", K_ABS, offsetof(struct spec_hook, path), NULL, F_REQUIRED},
    {"args", K_STRV, offsetof(struct spec_hook, args), NULL, 0},
    {"env", K_ENVV, offsetof(struct spec_hook, env), NULL, 0},
    {"timeout", K_FN, offsetof(struct spec_hook, timeout), parse_timeout, 0},
};

static int parse_hook(json_t *v, const char *path, void *at)
{
	return PARSE_FIELDS(v, path, hook_fields, true, at);
}

static int parse_hooks(json_t *v, const char *path, void *at)
{
	struct spec *s = at;
	char q[PATH_LEN];
	const char *key;
	json_t *list;

	if (!json_is_object(v))
		return fail(path, "must be an object");
	for (enum spec_hook_kind k = 0; k < SPEC_HOOK_MAX; k++) {
		int r = 0;

		list = member(v, spec_hook_name(k));
		if (list)
			r = PARSE_ARRAY(list, join(q, path, spec_hook_name(k)), s->hooks[k],
			                s->n_hooks[k], parse_hook);
		if (r < 0)
			return r;
	}
	json_object_foreach(v, key, list)
	{
		enum spec_hook_kind k = 0;

		while (k < SPEC_HOOK_MAX && !STREQ(key, spec_hook_name(k)))
			k++;
		if (k == SPEC_HOOK_MAX)
			return fail(join(q, path, key), "unknown hook");
	}
	return 0;
}

/* --- top level, objects of strings ------------------------------------------------------- */

static int check_strings(json_t *v, const char *path)
{
	char q[PATH_LEN];
	const char *key;
	json_t *m;

	if (!json_is_object(v))
		return fail(path, "must be an object");
	json_object_foreach(v, key, m)
	{
		if (!json_is_string(m))
			return fail(join(q, path, key), "must be a string");
	}
	return 0;
}

static int parse_annotations(json_t *v, const char *path, void *at)
{
	int r = check_strings(v, path);

	if (r == 0)
		*(json_t **)at = json_incref(v);
	return r;
}

static int parse_sysctl(json_t *v, const char *path, void *at)
{
	struct spec *s = at;
	const char *key;
	size_t i = 0;
	json_t *m;
	int r = check_strings(v, path);

	if (r < 0)
		return r;
	s->sysctls = calloc(json_object_size(v) ?: 1, sizeof(*s->sysctls));
	if (!s->sysctls)
		return -ENOMEM;
	s->n_sysctls = json_object_size(v);
	json_object_foreach(v, key, m)
	{
		s->sysctls[i].key = strdup(key);
		s->sysctls[i].value = strdup(json_string_value(m));
		if (!s->sysctls[i].key || !s->sysctls[i].value)
			return -ENOMEM;
		i++;
	}
	return 0;
}

static int parse_version(json_t *v, const char *path, void *at)
{
	char **version = at;
	int r = dup_str(v, path, false, false, version);

	if (r == 0 && strncmp(*version, "1.", 2) != 0)
		return fail(path, "version '%s' not supported (box reads 1.x)", *version);
	return r;
}

static const struct field root_fields[] = {
    {"path", K_STR, offsetof(struct spec, root_path), NULL, F_REQUIRED | F_NONEMPTY},
    {"readonly", K_BOOL, offsetof(struct spec, root_readonly), NULL, 0},
};

static int parse_root(json_t *v, const char *path, void *at)
{
	return PARSE_FIELDS(v, path, root_fields, false, at);
}

/* --- linux: namespaces, ids, devices ------------------------------------------------------ */

struct ns_entry {
	struct spec *spec;
	enum spec_ns ns;
};

static int parse_ns_type(json_t *v, const char *path, void *at)
{
	struct ns_entry *e = at;
	const char *type;
	int r = want_str(v, path, false, &type);

	if (r < 0)
		return r;
	for (e->ns = 0; e->ns < SPEC_NS_MAX; e->ns++)
		if (STREQ(type, spec_ns_name(e->ns)))
			break;
	if (e->ns == SPEC_NS_MAX)
		return fail(path, "unknown namespace type '%s'", type);
	if (e->spec->ns[e->ns].wanted)
		return fail(path, "duplicate namespace '%s'", type);
	e->spec->ns[e->ns].wanted = true;
	return 0;
}

static int parse_ns_path(json_t *v, const char *path, void *at)
{
	struct ns_entry *e = at;

	return dup_str(v, path, true, false, &e->spec->ns[e->ns].path);
}

static const struct field ns_fields[] = {
    {"type", K_FN, 0, parse_ns_type, F_REQUIRED},
    {"path", K_FN, 0, parse_ns_path, 0},
};

static int parse_namespace(json_t *v, const char *path, void *at)
{
	struct ns_entry e = {.spec = at};

	return PARSE_FIELDS(v, path, ns_fields, true, &e);
}

static int parse_namespaces(json_t *v, const char *path, void *at)
{
	return each(v, path, parse_namespace, at, 0);
}

static const struct field idmap_fields[] = {
    {"containerID", K_FN, offsetof(struct spec_id_map, container_id), parse_uint32, F_REQUIRED},
    {"hostID", K_FN, offsetof(struct spec_id_map, host_id), parse_uint32, F_REQUIRED},
    {"size", K_FN, offsetof(struct spec_id_map, size), parse_uint32, F_REQUIRED},
};

static int parse_idmap(json_t *v, const char *path, void *at)
{
	struct spec_id_map *m = at;
	int r = PARSE_FIELDS(v, path, idmap_fields, true, m);

	if (r < 0)
		return r;
	if (m->size == 0)
		return fail(path, "size must be above 0");
	if ((uint64_t)m->container_id + m->size > UINT32_MAX ||
	    (uint64_t)m->host_id + m->size > UINT32_MAX)
		return fail(path, "range goes past 4294967294");
	return 0;
}

static int parse_uid_maps(json_t *v, const char *path, void *at)
{
	struct spec *s = at;

	return PARSE_ARRAY(v, path, s->uid_maps, s->n_uid_maps, parse_idmap);
}

static int parse_gid_maps(json_t *v, const char *path, void *at)
{
	struct spec *s = at;

	return PARSE_ARRAY(v, path, s->gid_maps, s->n_gid_maps, parse_idmap);
}

/* A one-letter string out of letters into the char at. */
static int parse_letter(json_t *v, const char *path, const char *letters, char *at)
{
	const char *s;
	int r = want_str(v, path, false, &s);

	if (r < 0)
		return r;
	if (strlen(s) != 1 || !strchr(letters, s[0]))
		return fail(path, "must be one of '%s'", letters);
	*at = s[0];
	return 0;
}

static int parse_dev_type(json_t *v, const char *path, void *at)
{
	return parse_letter(v, path, "cbup", at);
}

static int parse_dev_number(json_t *v, const char *path, void *at)
{
	json_int_t n;
	int r = want_int(v, path, 0, UINT32_MAX, &n);

	if (r == 0)
		*(int64_t *)at = n;
	return r;
}

static int parse_file_mode(json_t *v, const char *path, void *at)
{
	struct spec_device *d = at;
	json_int_t n;
	/* Some engines write the whole st_mode (S_IFCHR | 0666): the type bits go. */
	int r = want_int(v, path, 0, 0177777, &n);

	if (r < 0)
		return r;
	d->mode = (uint32_t)n & 07777;
	d->has_mode = true;
	return 0;
}

static const struct field device_fields[] = {
    {"type", K_FN, offsetof(struct spec_device, type), parse_dev_type, F_REQUIRED},
    {"path", K_ABS, offsetof(struct spec_device, path), NULL, F_REQUIRED},
    {"major", K_FN, offsetof(struct spec_device, major), parse_dev_number, 0},
    {"minor", K_FN, offsetof(struct spec_device, minor), parse_dev_number, 0},
    {"fileMode", K_FN, 0, parse_file_mode, 0},
    {"uid", K_FN, offsetof(struct spec_device, uid), parse_uint32, 0},
    {"gid", K_FN, offsetof(struct spec_device, gid), parse_uint32, 0},
};

static int parse_device(json_t *v, const char *path, void *at)
{
	struct spec_device *d = at;
	int r;

	d->major = d->minor = -1;
	d->mode = 0666;
	r = PARSE_FIELDS(v, path, device_fields, true, d);
	if (r < 0)
		return r;
	if (d->type == 'p')
		d->major = d->minor = 0;
	else if (d->major < 0 || d->minor < 0)
		return fail(path, "major and minor are required for type '%c'", d->type);
	return 0;
}

static int parse_devices(json_t *v, const char *path, void *at)
{
	struct spec *s = at;

	return PARSE_ARRAY(v, path, s->devices, s->n_devices, parse_device);
}

static int parse_propagation(json_t *v, const char *path, void *at)
{
	const struct mount_opt *o;
	const char *s;
	int r = want_str(v, path, false, &s);

	if (r < 0)
		return r;
	o = mount_opt_find(s);
	if (!o || o->kind != O_PROPAGATION)
		return fail(path, "unknown propagation '%s'", s);
	*(unsigned long *)at = o->flag;
	return 0;
}

static int parse_seccomp(json_t *v, const char *path, void *at)
{
	if (!json_is_object(v))
		return fail(path, "must be an object");
	*(json_t **)at = json_incref(v);
	return 0;
}

/* --- linux.resources ------------------------------------------------------------------- */

/* -1 (or 0): no limit. */
static int parse_bytes(json_t *v, const char *path, void *at)
{
	json_int_t n;
	int r = want_int(v, path, -1, INT64_MAX, &n);

	if (r == 0)
		*(uint64_t *)at = n > 0 ? (uint64_t)n : 0;
	return r;
}

static int parse_oom_killer(json_t *v, const char *path, void *at)
{
	(void)at;
	if (!json_is_boolean(v))
		return fail(path, "must be a boolean");
	return json_is_true(v) ? fail(path, "not supported") : 0;
}

static const struct field memory_fields[] = {
    {"limit", K_FN, offsetof(struct cgroup_limits, memory_max), parse_bytes, 0},
    {"swap", K_FN, offsetof(struct cgroup_limits, memory_swap), parse_bytes, 0},
    {"reservation", K_CHECK_INT, 0, NULL, 0},
    {"kernel", K_UNSUPPORTED, 0, NULL, 0},
    {"kernelTCP", K_UNSUPPORTED, 0, NULL, 0},
    {"swappiness", K_UNSUPPORTED, 0, NULL, 0},
    {"disableOOMKiller", K_FN, 0, parse_oom_killer, 0},
    {"useHierarchy", K_CHECK_BOOL, 0, NULL, 0},
    {"checkBeforeUpdate", K_CHECK_BOOL, 0, NULL, 0},
};

/* swap is memory + swap, as runc reads it; the core needs the memory limit with it. */
static int parse_memory(json_t *v, const char *path, void *at)
{
	struct cgroup_limits *l = at;
	char q[PATH_LEN];
	int r = PARSE_FIELDS(v, path, memory_fields, true, l);

	if (r < 0)
		return r;
	if (l->memory_swap && !l->memory_max)
		return fail(join(q, path, "swap"), "needs a memory limit");
	if (l->memory_swap && l->memory_swap < l->memory_max)
		return fail(join(q, path, "swap"),
		            "below the memory limit (swap is memory + swap)");
	return 0;
}

/* cgroup v1 cpu.shares (2..262144) onto v2 cpu.weight (1..10000), as the kernel maps them. */
static int parse_shares(json_t *v, const char *path, void *at)
{
	json_int_t n;
	int r = want_int(v, path, 0, INT64_MAX, &n);

	if (r < 0 || n == 0)
		return r;
	n = n < 2 ? 2 : n > 262144 ? 262144 : n;
	*(uint64_t *)at = 1 + (uint64_t)(n - 2) * 9999 / 262142;
	return 0;
}

/* -1 (or 0): no quota; else at least the kernel's minimum, 1 ms. */
static int parse_quota(json_t *v, const char *path, void *at)
{
	json_int_t n;
	int r = want_int(v, path, -1, INT64_MAX, &n);

	if (r < 0 || n <= 0)
		return r;
	if (n < 1000)
		return fail(path, "must be -1 or at least 1000");
	*(uint64_t *)at = (uint64_t)n;
	return 0;
}

static int parse_period(json_t *v, const char *path, void *at)
{
	json_int_t n;
	int r = want_int(v, path, 0, 1000000, &n);

	if (r < 0 || n == 0)
		return r;
	if (n < 1000)
		return fail(path, "must be between 1000 and 1000000");
	*(uint64_t *)at = (uint64_t)n;
	return 0;
}

static const struct field cpu_fields[] = {
    {"shares", K_FN, offsetof(struct cgroup_limits, cpu_weight), parse_shares, 0},
    {"quota", K_FN, offsetof(struct cgroup_limits, cpu_quota_us), parse_quota, 0},
    {"period", K_FN, offsetof(struct cgroup_limits, cpu_period_us), parse_period, 0},
    {"burst", K_EMPTY, 0, NULL, 0},
    {"realtimeRuntime", K_EMPTY, 0, NULL, 0},
    {"realtimePeriod", K_EMPTY, 0, NULL, 0},
    {"cpus", K_EMPTY, 0, NULL, 0},
    {"mems", K_EMPTY, 0, NULL, 0},
    {"idle", K_EMPTY, 0, NULL, 0},
};

/* A period alone changes nothing; a quota alone gets the kernel's default period. */
static int parse_cpu(json_t *v, const char *path, void *at)
{
	struct cgroup_limits *l = at;
	int r = PARSE_FIELDS(v, path, cpu_fields, true, l);

	if (r < 0)
		return r;
	if (!l->cpu_quota_us)
		l->cpu_period_us = 0;
	else if (!l->cpu_period_us)
		l->cpu_period_us = 100000;
	return 0;
}

static const struct field pids_fields[] = {
    {"limit", K_FN, offsetof(struct cgroup_limits, pids_max), parse_bytes, 0},
};

static int parse_pids(json_t *v, const char *path, void *at)
{
	return PARSE_FIELDS(v, path, pids_fields, true, at);
}

/* v1 blkio.weight (10..1000; 0: not set) onto v2 io.weight (1..10000), as runc maps it; the
 * core's v1 backend maps it back. */
static int parse_blkio_weight(json_t *v, const char *path, void *at)
{
	json_int_t n;
	int r = want_int(v, path, 0, 1000, &n);

	if (r < 0 || n == 0)
		return r;
	if (n < 10)
		return fail(path, "must be between 10 and 1000");
	*(uint64_t *)at = 1 + (uint64_t)(n - 10) * 9999 / 990;
	return 0;
}

static const struct field blkio_fields[] = {
    {"weight", K_FN, offsetof(struct cgroup_limits, io_weight), parse_blkio_weight, 0},
    {"leafWeight", K_EMPTY, 0, NULL, 0},
    {"weightDevice", K_EMPTY, 0, NULL, 0},
    {"throttleReadBpsDevice", K_EMPTY, 0, NULL, 0},
    {"throttleWriteBpsDevice", K_EMPTY, 0, NULL, 0},
    {"throttleReadIOPSDevice", K_EMPTY, 0, NULL, 0},
    {"throttleWriteIOPSDevice", K_EMPTY, 0, NULL, 0},
};

static int parse_blkio(json_t *v, const char *path, void *at)
{
	return PARSE_FIELDS(v, path, blkio_fields, true, at);
}

static int parse_rule_type(json_t *v, const char *path, void *at)
{
	return parse_letter(v, path, "acb", at);
}

/* -1: any. */
static int parse_rule_number(json_t *v, const char *path, void *at)
{
	json_int_t n;
	int r = want_int(v, path, -1, UINT32_MAX, &n);

	if (r == 0)
		*(int64_t *)at = n;
	return r;
}

static int parse_access(json_t *v, const char *path, void *at)
{
	char *access = at;
	const char *s;
	int r = want_str(v, path, false, &s);

	if (r < 0)
		return r;
	if (!s[0] || strlen(s) > 3 || strspn(s, "rwm") != strlen(s))
		return fail(path, "must be made of 'r', 'w' and 'm'");
	memcpy(access, s, strlen(s) + 1);
	return 0;
}

static const struct field rule_fields[] = {
    {"allow", K_BOOL, offsetof(struct spec_device_rule, allow), NULL, F_REQUIRED},
    {"type", K_FN, offsetof(struct spec_device_rule, type), parse_rule_type, 0},
    {"major", K_FN, offsetof(struct spec_device_rule, major), parse_rule_number, 0},
    {"minor", K_FN, offsetof(struct spec_device_rule, minor), parse_rule_number, 0},
    {"access", K_FN, offsetof(struct spec_device_rule, access), parse_access, 0},
};

/* Absent: every type, any number, every access. */
static int parse_rule(json_t *v, const char *path, void *at)
{
	struct spec_device_rule *d = at;

	d->type = 'a';
	d->major = d->minor = -1;
	memcpy(d->access, "rwm", sizeof(d->access));
	return PARSE_FIELDS(v, path, rule_fields, true, d);
}

static int parse_rules(json_t *v, const char *path, void *at)
{
	struct spec *s = at;

	return PARSE_ARRAY(v, path, s->device_rules, s->n_device_rules, parse_rule);
}

static const struct field resources_fields[] = {
    {"devices", K_FN, 0, parse_rules, 0},
    {"memory", K_FN, offsetof(struct spec, limits), parse_memory, 0},
    {"cpu", K_FN, offsetof(struct spec, limits), parse_cpu, 0},
    {"pids", K_FN, offsetof(struct spec, limits), parse_pids, 0},
    {"blockIO", K_FN, offsetof(struct spec, limits), parse_blkio, 0},
    {"hugepageLimits", K_EMPTY, 0, NULL, 0},
    {"network", K_EMPTY, 0, NULL, 0},
    {"rdma", K_EMPTY, 0, NULL, 0},
    {"unified", K_EMPTY, 0, NULL, 0},
};

/* has_limits: any of the cgroup limits (device rules are apart). */
static int parse_resources(json_t *v, const char *path, void *at)
{
	struct spec *s = at;
	const struct cgroup_limits *l = &s->limits;
	int r = PARSE_FIELDS(v, path, resources_fields, true, s);

	if (r < 0)
		return r;
	s->has_limits = l->cpu_quota_us || l->cpu_weight || l->memory_max || l->memory_swap ||
	                l->pids_max || l->io_weight;
	return 0;
}

/* --- the whole document ------------------------------------------------------------------ */

static const struct field linux_fields[] = {
    {"namespaces", K_FN, 0, parse_namespaces, 0},
    {"uidMappings", K_FN, 0, parse_uid_maps, 0},
    {"gidMappings", K_FN, 0, parse_gid_maps, 0},
    {"devices", K_FN, 0, parse_devices, 0},
    {"cgroupsPath", K_STR, offsetof(struct spec, cgroups_path), NULL, F_EMPTY_NULL},
    {"resources", K_FN, 0, parse_resources, 0},
    {"sysctl", K_FN, 0, parse_sysctl, 0},
    {"seccomp", K_FN, offsetof(struct spec, seccomp), parse_seccomp, 0},
    {"maskedPaths", K_ABSV, offsetof(struct spec, masked_paths), NULL, 0},
    {"readonlyPaths", K_ABSV, offsetof(struct spec, readonly_paths), NULL, 0},
    {"rootfsPropagation", K_FN, offsetof(struct spec, rootfs_propagation), parse_propagation, 0},
    {"mountLabel", K_CHECK_STR, 0, NULL, 0},
    {"intelRdt", K_UNSUPPORTED, 0, NULL, 0},
    {"personality", K_UNSUPPORTED, 0, NULL, 0},
    {"timeOffsets", K_UNSUPPORTED, 0, NULL, 0},
    {"memoryPolicy", K_UNSUPPORTED, 0, NULL, 0},
    {"netDevices", K_UNSUPPORTED, 0, NULL, 0},
};

static int parse_linux(json_t *v, const char *path, void *at)
{
	return PARSE_FIELDS(v, path, linux_fields, true, at);
}

static const struct field top_fields[] = {
    {"ociVersion", K_FN, offsetof(struct spec, oci_version), parse_version, F_REQUIRED},
    {"root", K_FN, 0, parse_root, F_REQUIRED},
    {"process", K_FN, offsetof(struct spec, process), parse_process, F_REQUIRED},
    {"hostname", K_STR, offsetof(struct spec, hostname), NULL, F_EMPTY_NULL},
    {"domainname", K_STR, offsetof(struct spec, domainname), NULL, F_EMPTY_NULL},
    {"mounts", K_FN, 0, parse_mounts, 0},
    {"hooks", K_FN, 0, parse_hooks, 0},
    {"annotations", K_FN, offsetof(struct spec, annotations), parse_annotations, 0},
    {"linux", K_FN, 0, parse_linux, 0},
    {"solaris", K_NOT_LINUX, 0, NULL, 0},
    {"windows", K_NOT_LINUX, 0, NULL, 0},
    {"vm", K_NOT_LINUX, 0, NULL, 0},
    {"zos", K_NOT_LINUX, 0, NULL, 0},
    {"freebsd", K_NOT_LINUX, 0, NULL, 0},
};

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* No "." or ".." component (slice:prefix:name forms included): the container's cgroup stays
 * under the hierarchy's root. */
static bool cgroup_path_stays(const char *p)
{
	if (!printable(p))
		return false;
	while (*p) {
		size_t n = strcspn(p, "/:");

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		p += strspn(p, "/:");
	}
	return true;
}

/* What no single field shows: the combinations the kernel would refuse. */
static int check_combinations(const struct spec *s)
{
	const struct spec_namespace *user = &s->ns[SPEC_NS_USER];
	bool host = s->hostname, domain = s->domainname;

	if ((s->n_uid_maps || s->n_gid_maps) && !user->wanted)
		return fail(s->n_uid_maps ? CONFIG ": linux.uidMappings"
		                          : CONFIG ": linux.gidMappings",
		            "needs a user namespace in linux.namespaces");
	if (user->wanted && !user->path && (!s->n_uid_maps || !s->n_gid_maps))
		return fail(CONFIG ": linux.namespaces",
		            "a new user namespace needs linux.uidMappings and "
		            "linux.gidMappings");
	if (host && strlen(s->hostname) > HOST_MAX)
		return fail(CONFIG ": hostname", "longer than %d bytes", HOST_MAX);
	if (host && !printable(s->hostname))
		return fail(CONFIG ": hostname", "control characters in '%s'", s->hostname);
	if (domain && !printable(s->domainname))
		return fail(CONFIG ": domainname", "control characters in '%s'", s->domainname);
	if (s->cgroups_path && !cgroup_path_stays(s->cgroups_path))
		return fail(CONFIG ": linux.cgroupsPath",
		            "'%s' has a '..', '.' or a control character", s->cgroups_path);
	if (domain && strlen(s->domainname) > HOST_MAX)
		return fail(CONFIG ": domainname", "longer than %d bytes", HOST_MAX);
	if ((host || domain) && !s->ns[SPEC_NS_UTS].wanted)
		return fail(host ? CONFIG ": hostname" : CONFIG ": domainname",
		            "needs a uts namespace in linux.namespaces");
	return 0;
}

/*
 * jansson keeps integers as long long and refuses larger ones, while Go writes a uint64 as it
 * is (an rlimit's RLIM_INFINITY: 18446744073709551615). Each integer literal above INT64_MAX
 * becomes the signed number with the same 64 bits, which parse_uint64 reads back unchanged.
 * Such a literal has 19 or 20 digits and its replacement at most 20 characters.
 */
static char *widen_uint64(const char *text, size_t len, size_t *ret_len)
{
	char *out = malloc(len + len / 19 + 1), *o = out;
	bool in_string = false;

	for (size_t i = 0; out && i < len; i++) {
		char digits[21];
		size_t n = 0;
		unsigned long long u;

		if (in_string || !isdigit((unsigned char)text[i]) ||
		    (i > 0 && strchr("-+.eE0123456789", text[i - 1]))) {
			if (in_string && text[i] == '\\' && i + 1 < len)
				*o++ = text[i++];
			else if (text[i] == '"')
				in_string = !in_string;
			*o++ = text[i];
			continue;
		}
		while (i + n < len && isdigit((unsigned char)text[i + n]) && n < 21)
			n++;
		memcpy(digits, text + i, n < 21 ? n : 0);
		digits[n < 21 ? n : 0] = '\0';
		errno = 0;
		u = strtoull(digits, NULL, 10);
		if (n >= 19 && n <= 20 && errno == 0 && u > INT64_MAX &&
		    (i + n >= len || !strchr(".eE", text[i + n])))
			o += fmt_snprintf(o, 21, "%lld", (long long)u);
		else
			o = (char *)memcpy(o, text + i, n) + n;
		i += n - 1;
	}
	if (out)
		*ret_len = (size_t)(o - out);
	return out;
}

static int load_json(const char *text, size_t len, const char *name, json_t **ret)
{
	_cleanup_free_ char *wide = NULL;
	json_error_t err;
	json_t *root;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!root && json_error_code(&err) == json_error_numeric_overflow) {
		wide = widen_uint64(text, len, &len);
		if (!wide)
			return -ENOMEM;
		root = json_loadb(wide, len, JSON_REJECT_DUPLICATES, &err);
	}
	if (!root) {
		log_error("%s:%d:%d: %s", name, err.line, err.column, err.text);
		return -EINVAL;
	}
	*ret = root;
	return 0;
}

/* One JSON document named name ("config.json") through fn, whose paths start "name:". */
static int parse_document(const char *text, size_t len, const char *name, parse_fn fn, void *base)
{
	_cleanup_(json_decrefp) json_t *root = NULL;
	char path[PATH_LEN];
	int r;

	r = load_json(text, len, name, &root);
	if (r == 0 && !json_is_object(root)) {
		log_error("%s: not a JSON object", name);
		return -EINVAL;
	}
	(void)fmt_snprintf(path, sizeof(path), "%s:", name);
	if (r == 0)
		r = fn(root, path, base);
	if (r == -ENOMEM)
		log_error("%s: out of memory", name);
	return r;
}

static int parse_config(json_t *v, const char *path, void *at)
{
	int r = PARSE_FIELDS(v, path, top_fields, false, at);

	return r < 0 ? r : check_combinations(at);
}

int ociconf_parse(const char *text, size_t len, struct spec *ret)
{
	struct spec s = {0};
	int r = parse_document(text, len, CONFIG, parse_config, &s);

	if (r < 0) {
		spec_free(&s);
		return r;
	}
	*ret = s;
	return 0;
}

int ociconf_parse_process(const char *text, size_t len, struct spec_process *ret)
{
	struct spec_process p = {0};
	int r = parse_document(text, len, "process.json", parse_process, &p);

	if (r < 0) {
		spec_process_free(&p);
		return r;
	}
	*ret = p;
	return 0;
}

/* update's device rules would need the core to replace the whole list: refused. */
static int parse_update(json_t *v, const char *path, void *at)
{
	struct spec *s = at;
	int r = parse_resources(v, path, s);

	if (r == 0 && s->n_device_rules) {
		char q[PATH_LEN];

		return fail(join(q, path, "devices"), "not supported by update");
	}
	return r;
}

int ociconf_parse_resources(const char *text, size_t len, const char *name,
                            struct cgroup_limits *ret)
{
	struct spec s = {0};
	int r = parse_document(text, len, name, parse_update, &s);

	if (r == 0)
		*ret = s.limits;
	spec_free(&s);
	return r;
}

int ociconf_load(const char *bundle, struct spec *ret)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	struct stat st;
	int r;

	if (fmt_snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path))
		return log_errno(-ENAMETOOLONG, "config.json in '%s'", bundle);
	/* A fifo would block the read for good. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		log_error("config.json in '%s': not a regular file", bundle);
		return -EINVAL;
	}
	r = read_file_alloc(path, CONFIG_MAX, &text);
	if (r < 0)
		return log_errno(r, "config.json in '%s'", bundle);
	return ociconf_parse(text, strlen(text), ret);
}

/* --- the default config.json ------------------------------------------------------------- */

/* What `box spec` writes: the shape `runc spec` gives (its capabilities, masks and mounts), a
 * shell on a terminal in a read-only rootfs/, with box's hostname. */
static const char default_config[] =
    "{\n"
    "\t\"ociVersion\": \"1.0.2\",\n"
    "\t\"process\": {\n"
    "\t\t\"terminal\": true,\n"
    "\t\t\"user\": {\n"
    "\t\t\t\"uid\": 0,\n"
    "\t\t\t\"gid\": 0\n"
    "\t\t},\n"
    "\t\t\"args\": [\n"
    "\t\t\t\"sh\"\n"
    "\t\t],\n"
    "\t\t\"env\": [\n"
    "\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
    "\t\t\t\"TERM=xterm\"\n"
    "\t\t],\n"
    "\t\t\"cwd\": \"/\",\n"
    "\t\t\"capabilities\": {\n"
    "\t\t\t\"bounding\": [\n"
    "\t\t\t\t\"CAP_AUDIT_WRITE\",\n"
    "\t\t\t\t\"CAP_KILL\",\n"
    "\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n"
    "\t\t\t],\n"
    "\t\t\t\"effective\": [\n"
    "\t\t\t\t\"CAP_AUDIT_WRITE\",\n"
    "\t\t\t\t\"CAP_KILL\",\n"
    "\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n"
    "\t\t\t],\n"
    "\t\t\t\"permitted\": [\n"
    "\t\t\t\t\"CAP_AUDIT_WRITE\",\n"
    "\t\t\t\t\"CAP_KILL\",\n"
    "\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n"
    "\t\t\t]\n"
    "\t\t},\n"
    "\t\t\"rlimits\": [\n"
    "\t\t\t{\n"
    "\t\t\t\t\"type\": \"RLIMIT_NOFILE\",\n"
    "\t\t\t\t\"hard\": 1024,\n"
    "\t\t\t\t\"soft\": 1024\n"
    "\t\t\t}\n"
    "\t\t],\n"
    "\t\t\"noNewPrivileges\": true\n"
    "\t},\n"
    "\t\"root\": {\n"
    "\t\t\"path\": \"rootfs\",\n"
    "\t\t\"readonly\": true\n"
    "\t},\n"
    "\t\"hostname\": \"box\",\n"
    "\t\"mounts\": [\n"
    "\t\t{\n"
    "\t\t\t\"destination\": \"/proc\",\n"
    "\t\t\t\"type\": \"proc\",\n"
    "\t\t\t\"source\": \"proc\"\n"
    "\t\t},\n"
    "\t\t{\n"
    "\t\t\t\"destination\": \"/dev\",\n"
    "\t\t\t\"type\": \"tmpfs\",\n"
    "\t\t\t\"source\": \"tmpfs\",\n"
    "\t\t\t\"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]\n"
    "\t\t},\n"
    "\t\t{\n"
    "\t\t\t\"destination\": \"/dev/pts\",\n"
    "\t\t\t\"type\": \"devpts\",\n"
    "\t\t\t\"source\": \"devpts\",\n"
    "\t\t\t\"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", "
    "\"mode=0620\", \"gid=5\"]\n"
    "\t\t},\n"
    "\t\t{\n"
    "\t\t\t\"destination\": \"/dev/shm\",\n"
    "\t\t\t\"type\": \"tmpfs\",\n"
    "\t\t\t\"source\": \"shm\",\n"
    "\t\t\t\"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]\n"
    "\t\t},\n"
    "\t\t{\n"
    "\t\t\t\"destination\": \"/dev/mqueue\",\n"
    "\t\t\t\"type\": \"mqueue\",\n"
    "\t\t\t\"source\": \"mqueue\",\n"
    "\t\t\t\"options\": [\"nosuid\", \"noexec\", \"nodev\"]\n"
    "\t\t},\n"
    "\t\t{\n"
    "\t\t\t\"destination\": \"/sys\",\n"
    "\t\t\t\"type\": \"sysfs\",\n"
    "\t\t\t\"source\": \"sysfs\",\n"
    "\t\t\t\"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]\n"
    "\t\t},\n"
    "\t\t{\n"
    "\t\t\t\"destination\": \"/sys/fs/cgroup\",\n"
    "\t\t\t\"type\": \"cgroup\",\n"
    "\t\t\t\"source\": \"cgroup\",\n"
    "\t\t\t\"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]\n"
    "\t\t}\n"
    "\t],\n"
    "\t\"linux\": {\n"
    "\t\t\"resources\": {\n"
    "\t\t\t\"devices\": [\n"
    "\t\t\t\t{\n"
    "\t\t\t\t\t\"allow\": false,\n"
    "\t\t\t\t\t\"access\": \"rwm\"\n"
    "\t\t\t\t}\n"
    "\t\t\t]\n"
    "\t\t},\n"
    "\t\t\"namespaces\": [\n"
    "\t\t\t{\"type\": \"pid\"},\n"
    "\t\t\t{\"type\": \"network\"},\n"
    "\t\t\t{\"type\": \"ipc\"},\n"
    "\t\t\t{\"type\": \"uts\"},\n"
    "\t\t\t{\"type\": \"mount\"},\n"
    "\t\t\t{\"type\": \"cgroup\"}\n"
    "\t\t],\n"
    "\t\t\"maskedPaths\": [\n"
    "\t\t\t\"/proc/acpi\",\n"
    "\t\t\t\"/proc/asound\",\n"
    "\t\t\t\"/proc/kcore\",\n"
    "\t\t\t\"/proc/keys\",\n"
    "\t\t\t\"/proc/latency_stats\",\n"
    "\t\t\t\"/proc/timer_list\",\n"
    "\t\t\t\"/proc/timer_stats\",\n"
    "\t\t\t\"/proc/sched_debug\",\n"
    "\t\t\t\"/proc/scsi\",\n"
    "\t\t\t\"/sys/firmware\",\n"
    "\t\t\t\"/sys/devices/virtual/powercap\"\n"
    "\t\t],\n"
    "\t\t\"readonlyPaths\": [\n"
    "\t\t\t\"/proc/bus\",\n"
    "\t\t\t\"/proc/fs\",\n"
    "\t\t\t\"/proc/irq\",\n"
    "\t\t\t\"/proc/sys\",\n"
    "\t\t\t\"/proc/sysrq-trigger\"\n"
    "\t\t]\n"
    "\t}\n"
    "}\n";

char *ociconf_default(void)
{
	return strdup(default_config);
}
