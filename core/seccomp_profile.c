// SPDX-License-Identifier: MIT
/*
 * seccomp_profile: see seccomp_profile.h. Runs in the runtime before clone (host root, may
 * allocate and log); the exported program is all the child gets. Follows the OCI runtime
 * spec and Docker's profile format (archMap, name, includes and excludes), and where both
 * are silent what the common runtimes do (unknown system call and architecture names are
 * skipped). It must never weaken a profile quietly: any other field it cannot honour is an
 * error.
 */
#include "seccomp_profile.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "capset.h"
#include "fmt.h"
#include "log.h"
#include "util.h"

#define WHERE_OCI       "config.json: linux.seccomp"
#define PATH_LEN        512
#define ARCH_PREFIX     "SCMP_ARCH_"
#define ARGS            6      /* a system call has six arguments, index 0 to 5 */
#define ACTION_DATA_MAX 0xffff /* errnoRet: the 16 data bits of a seccomp action */
#define CONDS_MAX       32     /* args[] of one syscalls[] entry */
#define RULES_MAX       256    /* libseccomp rules one entry may become (see add_expanded) */
#define NO_ATTR         _SCMP_FLTATR_MIN

enum action_data { DATA_NONE, DATA_ERRNO, DATA_TRACE, UNSUPPORTED };

static const struct {
	const char *name;
	uint32_t action;
	enum action_data data; /* what errnoRet / defaultErrnoRet means for it */
} actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL, DATA_NONE},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, DATA_NONE},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, DATA_NONE},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, DATA_NONE},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), DATA_ERRNO},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), DATA_TRACE},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, DATA_NONE},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, DATA_NONE},
    /* Needs a supervisor answering on listenerPath for the container: box has none. */
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, UNSUPPORTED},
};

static const struct {
	const char *name;
	enum scmp_compare op;
} operators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/* LOG and SPEC_ALLOW are kept as libseccomp attributes, but only seccomp(2) takes flags:
 * syscalls_load's prctl(PR_SET_SECCOMP) passes none, so today they do not reach the kernel. */
static const struct {
	const char *name;
	enum scmp_filter_attr attr; /* NO_ATTR: nothing to do */
} filter_flags[] = {
    /* Synchronizing threads is moot: the filter is loaded by a process of one thread. */
    {"SECCOMP_FILTER_FLAG_TSYNC", NO_ATTR},
    {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB},
};

/* What a profile is built for: Docker's includes and excludes are read against it. */
struct target {
	bool has_caps; /* false: includes and excludes on capabilities are refused */
	uint64_t caps;
	const char *arch;   /* the native architecture as Docker names it ("amd64") */
	unsigned kernel[2]; /* major, minor */
};

/* One syscalls[] entry, checked; conds sorted by argument, in runs of one argument each. */
struct rule {
	char path[PATH_LEN]; /* "FILE: syscalls[12]" */
	json_t *names;
	const char *name; /* Docker's older single "name" */
	bool skip;        /* its includes or excludes leave it out of this container */
	uint32_t action;
	struct scmp_arg_cmp conds[CONDS_MAX];
	unsigned n_conds, n_runs;
	unsigned run_start[ARGS], run_len[ARGS];
};

static int invalid(const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Paths in messages: a profile's root is "config.json: linux.seccomp" (its fields follow a
 * dot) or "FILE: " (they follow the space). */
static const char *sep(const char *path)
{
	size_t n = strlen(path);

	return n && path[n - 1] == ' ' ? "" : ".";
}

/* Logs "<path>.<key>: <message>" and returns -EINVAL. */
static int invalid(const char *path, const char *key, const char *fmt, ...)
{
	size_t n = strlen(path);
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	(void)fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key)
		log_error("%s%s%s: %s", path, sep(path), key, msg);
	else /* the root of a file: "FILE: must be an object" */
		log_error("%.*s: %s", (int)(n >= 2 && path[n - 1] == ' ' ? n - 2 : n), path, msg);
	return -EINVAL;
}

/* "names[3]": an array element, for messages. */
static const char *item(char *buf, size_t size, const char *key, size_t i)
{
	(void)fmt_snprintf(buf, size, "%s[%zu]", key, i);
	return buf;
}

/* A key's value; JSON null counts as absent. */
static json_t *field(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

static int get_string(json_t *o, const char *path, const char *key, const char **ret)
{
	json_t *v = field(o, key);

	if (!v)
		return invalid(path, key, "missing");
	if (!json_is_string(v))
		return invalid(path, key, "must be a string");
	*ret = json_string_value(v);
	return 0;
}

/* An integer from 0 to max. Absent: an error when required, else *ret is left alone. */
static int get_uint(json_t *o, const char *path, const char *key, uint64_t max, bool required,
                    uint64_t *ret)
{
	json_t *v = field(o, key);
	json_int_t n;

	if (!v)
		return required ? invalid(path, key, "missing") : 0;
	n = json_is_integer(v) ? json_integer_value(v) : -1;
	if (n < 0)
		return invalid(path, key, "must be a non-negative integer");
	if ((uint64_t)n > max)
		return invalid(path, key, "%lld is above %llu", (long long)n,
		               (unsigned long long)max);
	*ret = (uint64_t)n;
	return 0;
}

/* An optional array of strings: *ret NULL when absent (iterates as empty). */
static int get_strings(json_t *o, const char *path, const char *key, json_t **ret)
{
	json_t *v = field(o, key), *s;
	char buf[48];
	size_t i;

	if (v && !json_is_array(v))
		return invalid(path, key, "must be an array of strings");
	json_array_foreach(v, i, s)
	{
		if (!json_is_string(s))
			return invalid(path, item(buf, sizeof(buf), key, i), "must be a string");
	}
	*ret = v;
	return 0;
}

/* The action named at akey, with ekey's errno (or trace value): EPERM when absent. */
static int parse_action(json_t *o, const char *path, const char *akey, const char *ekey,
                        uint32_t *ret)
{
	uint64_t data = EPERM;
	const char *name;
	size_t i;
	int r = get_string(o, path, akey, &name);

	if (r < 0)
		return r;
	for (i = 0; i < ARRAY_SIZE(actions) && !STREQ(actions[i].name, name); i++)
		;
	if (i == ARRAY_SIZE(actions))
		return invalid(path, akey, "unknown action '%s'", name);
	if (actions[i].data == UNSUPPORTED)
		return invalid(path, akey, "'%s' is not supported", name);
	r = get_uint(o, path, ekey, ACTION_DATA_MAX, false, &data);
	if (r < 0)
		return r;
	/* The spec: an errno given to an action that returns none is an error. */
	if (field(o, ekey) && actions[i].data == DATA_NONE)
		return invalid(path, ekey, "not taken by '%s'", name);
	*ret = actions[i].data == DATA_ERRNO   ? SCMP_ACT_ERRNO((uint32_t)data)
	       : actions[i].data == DATA_TRACE ? SCMP_ACT_TRACE((uint32_t)data)
	                                       : actions[i].action;
	return 0;
}

/* {index, value, valueTwo, op}. MASKED_EQ: (arg & value) == valueTwo, libseccomp's order. */
static int parse_arg(json_t *a, const char *path, struct scmp_arg_cmp *ret)
{
	uint64_t index = 0, value = 0, two = 0;
	const char *op;
	size_t i;
	int r;

	if (!json_is_object(a))
		return invalid(path, NULL, "must be an object");
	r = get_uint(a, path, "index", ARGS - 1, true, &index);
	if (r == 0)
		r = get_uint(a, path, "value", UINT64_MAX, true, &value);
	if (r == 0)
		r = get_uint(a, path, "valueTwo", UINT64_MAX, false, &two);
	if (r == 0)
		r = get_string(a, path, "op", &op);
	if (r < 0)
		return r;
	for (i = 0; i < ARRAY_SIZE(operators) && !STREQ(operators[i].name, op); i++)
		;
	if (i == ARRAY_SIZE(operators))
		return invalid(path, "op", "unknown operator '%s'", op);
	*ret = (struct scmp_arg_cmp){
	    .arg = (unsigned)index, .op = operators[i].op, .datum_a = value, .datum_b = two};
	return 0;
}

/* Sorts the conditions by argument (stable: insertion) and marks each argument's run. */
static void group_conditions(struct rule *rule)
{
	struct scmp_arg_cmp *c = rule->conds;

	for (unsigned i = 1; i < rule->n_conds; i++) {
		struct scmp_arg_cmp x = c[i];
		unsigned j = i;

		for (; j > 0 && c[j - 1].arg > x.arg; j--)
			c[j] = c[j - 1];
		c[j] = x;
	}
	for (unsigned i = 0; i < rule->n_conds; i++) {
		if (i == 0 || c[i].arg != c[i - 1].arg)
			rule->run_start[rule->n_runs++] = i;
		rule->run_len[rule->n_runs - 1]++;
	}
}

static int parse_args(json_t *s, struct rule *rule)
{
	json_t *args = field(s, "args"), *a;
	size_t i, rules = 1;
	char path[PATH_LEN + 16];
	int r;

	if (args && !json_is_array(args))
		return invalid(rule->path, "args", "must be an array");
	if (json_array_size(args) > CONDS_MAX)
		return invalid(rule->path, "args", "more than %d conditions", CONDS_MAX);
	json_array_foreach(args, i, a)
	{
		(void)fmt_snprintf(path, sizeof(path), "%s.args[%zu]", rule->path, i);
		r = parse_arg(a, path, &rule->conds[rule->n_conds++]);
		if (r < 0)
			return r;
	}
	group_conditions(rule);
	for (unsigned k = 0; k < rule->n_runs; k++)
		rules *= rule->run_len[k];
	if (rules > RULES_MAX)
		return invalid(rule->path, "args", "%zu combinations of conditions, more than %d",
		               rules, RULES_MAX);
	return 0;
}

/* "4.8" at least, or trailing text after it: 0; -EINVAL otherwise. */
static int parse_kernel(const char *s, unsigned ret[2])
{
	char *end;
	unsigned long major = strtoul(s, &end, 10), minor;

	if (!isdigit((unsigned char)*s) || *end != '.' || !isdigit((unsigned char)end[1]))
		return -EINVAL;
	minor = strtoul(end + 1, &end, 10);
	if (major > 0xffff || minor > 0xffff)
		return -EINVAL;
	ret[0] = (unsigned)major;
	ret[1] = (unsigned)minor;
	return 0;
}

/* Docker's {caps, arches, minKernel}: *ret_holds is whether this container matches all of
 * it (includes) or any of it (excludes); an absent filter holds for includes only. */
static int parse_filter(json_t *s, const char *path, const char *key, const struct target *t,
                        bool *ret_holds)
{
	bool inc = STREQ(key, "includes");
	json_t *f = field(s, key), *caps, *arches, *v;
	char fpath[PATH_LEN + 16], buf[48];
	const char *kernel = NULL;
	unsigned want[2];
	bool all = true, any = false;
	size_t i;
	int r;

	*ret_holds = inc;
	if (!f)
		return 0;
	(void)fmt_snprintf(fpath, sizeof(fpath), "%s.%s", path, key);
	if (!json_is_object(f))
		return invalid(path, key, "must be an object");
	r = get_strings(f, fpath, "caps", &caps);
	if (r == 0)
		r = get_strings(f, fpath, "arches", &arches);
	if (r == 0 && field(f, "minKernel"))
		r = get_string(f, fpath, "minKernel", &kernel);
	if (r < 0)
		return r;
	if (json_array_size(caps) && !t->has_caps)
		return invalid(fpath, "caps", "not supported here (no capability set to match)");
	json_array_foreach(caps, i, v)
	{
		struct capset_change ch = {0};
		bool has;

		if (capset_parse(json_string_value(v), true, &ch) < 0 || ch.add_all)
			return invalid(fpath, item(buf, sizeof(buf), "caps", i),
			               "unknown capability '%s'", json_string_value(v));
		has = (t->caps & ch.add) != 0;
		all &= has, any |= has;
	}
	if (json_array_size(arches)) {
		bool has = false;

		json_array_foreach(arches, i, v) has |= STREQ(json_string_value(v), t->arch);
		all &= has, any |= has;
	}
	if (kernel) {
		bool has;

		if (parse_kernel(kernel, want) < 0)
			return invalid(fpath, "minKernel", "'%s' is not MAJOR.MINOR", kernel);
		has =
		    t->kernel[0] > want[0] || (t->kernel[0] == want[0] && t->kernel[1] >= want[1]);
		all &= has, any |= has;
	}
	*ret_holds = inc ? all : any;
	return 0;
}

static int parse_rule(json_t *s, const char *root, size_t i, const struct target *t,
                      struct rule *ret)
{
	bool inc = true, exc = false;
	int r;

	(void)fmt_snprintf(ret->path, sizeof(ret->path), "%s%ssyscalls[%zu]", root, sep(root), i);
	if (!json_is_object(s))
		return invalid(ret->path, NULL, "must be an object");
	r = get_strings(s, ret->path, "names", &ret->names);
	if (r == 0 && field(s, "name"))
		r = get_string(s, ret->path, "name", &ret->name);
	if (r == 0 && json_array_size(ret->names) == 0 && !ret->name)
		r = invalid(ret->path, "names", "must name at least one system call");
	if (r == 0)
		r = parse_action(s, ret->path, "action", "errnoRet", &ret->action);
	if (r == 0)
		r = parse_args(s, ret);
	if (r == 0)
		r = parse_filter(s, ret->path, "includes", t, &inc);
	if (r == 0)
		r = parse_filter(s, ret->path, "excludes", t, &exc);
	ret->skip = !inc || exc;
	return r;
}

/*
 * Conditions on different arguments must all hold (one libseccomp rule). libseccomp cannot
 * AND two conditions on one argument, and the common runtimes read several on one argument
 * as alternatives, adding one rule per condition: so do we, keeping the conditions on the
 * other arguments in each, i.e. one rule per way of picking one condition for every argument
 * the entry tests. With every condition on one argument (the only form the Docker and
 * Podman profiles could use; they write each personality value as an entry of its own) this
 * is exactly what runc and crun build; with others besides, runc drops the AND, we keep it.
 */
static int add_expanded(scmp_filter_ctx ctx, int nr, const struct rule *rule)
{
	struct scmp_arg_cmp pick[ARGS];
	unsigned at[ARGS] = {0}, k;
	int r;

	do {
		for (k = 0; k < rule->n_runs; k++)
			pick[k] = rule->conds[rule->run_start[k] + at[k]];
		r = seccomp_rule_add_array(ctx, rule->action, nr, rule->n_runs, pick);
		if (r < 0)
			return r;
		/* The next pick: count in mixed radix, the first argument fastest. */
		for (k = 0; k < rule->n_runs && ++at[k] == rule->run_len[k]; k++)
			at[k] = 0;
	} while (k < rule->n_runs);
	return 0;
}

static int add_named(scmp_filter_ctx ctx, const struct rule *rule, const char *s)
{
	int nr = seccomp_syscall_resolve_name(s), r;

	/* Unknown to this libseccomp on every architecture (a newer call, a typo): no call of
	 * that name can be made here, so there is nothing to filter. */
	if (nr == __NR_SCMP_ERROR) {
		log_debug("seccomp: unknown system call '%s', skipped", s);
		return 0;
	}
	r = add_expanded(ctx, nr, rule);
	return r < 0 ? log_errno(r, "%s: add the rule for '%s'", rule->path, s) : 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct rule *rule, uint32_t def)
{
	json_t *name;
	size_t i;
	int r = 0;

	/* libseccomp refuses a rule that does what the default does; it would change nothing. */
	if (rule->action == def || rule->skip) {
		log_debug("seccomp: %s: %s, skipped", rule->path,
		          rule->skip ? "not for this container" : "the default action");
		return 0;
	}
	json_array_foreach(rule->names, i, name)
	{
		r = add_named(ctx, rule, json_string_value(name));
		if (r < 0)
			return r;
	}
	return rule->name ? add_named(ctx, rule, rule->name) : 0;
}

static int add_rules(scmp_filter_ctx ctx, json_t *profile, const char *root, uint32_t def,
                     const struct target *t)
{
	json_t *syscalls = field(profile, "syscalls"), *s;
	size_t i;

	if (syscalls && !json_is_array(syscalls))
		return invalid(root, "syscalls", "must be an array");
	json_array_foreach(syscalls, i, s)
	{
		struct rule rule = {0};
		int r = parse_rule(s, root, i, t, &rule);

		if (r == 0)
			r = add_rule(ctx, &rule, def);
		if (r < 0)
			return r;
	}
	return 0;
}

/* "SCMP_ARCH_X86_64" to libseccomp's token, 0 when it does not know the name. */
static uint32_t arch_token(const char *name)
{
	char buf[32];
	size_t n = strlen(ARCH_PREFIX), i;

	if (strncmp(name, ARCH_PREFIX, n) != 0 || strlen(name + n) >= sizeof(buf))
		return 0;
	for (i = 0; name[n + i]; i++)
		buf[i] = (char)tolower((unsigned char)name[n + i]);
	buf[i] = '\0';
	return seccomp_arch_resolve_name(buf);
}

static int add_arch_list(scmp_filter_ctx ctx, json_t *arches, const char *path)
{
	json_t *a;
	size_t i;
	int r;

	json_array_foreach(arches, i, a)
	{
		const char *name = json_string_value(a);
		uint32_t token = arch_token(name);

		r = token ? seccomp_arch_add(ctx, token) : -ENOENT;
		/* Profiles list every arch their author supports: skip those this libseccomp
		 * does not know, and those of the other byte order (EDOM), which one filter
		 * cannot mix and this kernel cannot run. */
		if (r == -ENOENT || r == -EDOM)
			log_debug_errno(r, "seccomp: architecture '%s' skipped", name);
		else if (r < 0 && r != -EEXIST)
			return log_errno(r, "%s[%zu]: add '%s'", path, i, name);
	}
	return 0;
}

/* Docker's archMap: [{architecture, subArchitectures}], of which only the entry of the
 * native architecture counts (it and its sub-architectures go in), as Docker does. */
static int add_arch_map(scmp_filter_ctx ctx, json_t *map, const char *root)
{
	char path[PATH_LEN + 32], sub[PATH_LEN + 64];
	json_t *e, *subs;
	size_t i;
	int r;

	if (!json_is_array(map))
		return invalid(root, "archMap", "must be an array");
	json_array_foreach(map, i, e)
	{
		const char *arch;

		(void)fmt_snprintf(path, sizeof(path), "%s%sarchMap[%zu]", root, sep(root), i);
		if (!json_is_object(e))
			return invalid(path, NULL, "must be an object");
		r = get_string(e, path, "architecture", &arch);
		if (r == 0)
			r = get_strings(e, path, "subArchitectures", &subs);
		if (r < 0)
			return r;
		if (arch_token(arch) != seccomp_arch_native())
			continue;
		(void)fmt_snprintf(sub, sizeof(sub), "%s.subArchitectures", path);
		r = add_arch_list(ctx, subs, sub);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The native architecture is in from seccomp_init. Called before any rule: libseccomp gives
 * an architecture only the rules added after it. */
static int add_arches(scmp_filter_ctx ctx, json_t *profile, const char *root)
{
	json_t *arches, *map = field(profile, "archMap");
	char path[PATH_LEN + 32];
	int r = get_strings(profile, root, "architectures", &arches);

	if (r < 0)
		return r;
	/* Docker refuses both: which one would win is not written anywhere. */
	if (map && json_array_size(arches))
		return invalid(root, "archMap", "not allowed together with architectures");
	if (map)
		return add_arch_map(ctx, map, root);
	(void)fmt_snprintf(path, sizeof(path), "%s%sarchitectures", root, sep(root));
	return add_arch_list(ctx, arches, path);
}

static int add_flags(scmp_filter_ctx ctx, json_t *profile, const char *root)
{
	json_t *flags, *f;
	char buf[32];
	size_t i, k;
	int r = get_strings(profile, root, "flags", &flags);

	if (r < 0)
		return r;
	json_array_foreach(flags, i, f)
	{
		const char *name = json_string_value(f);

		for (k = 0; k < ARRAY_SIZE(filter_flags) && !STREQ(filter_flags[k].name, name); k++)
			;
		if (k == ARRAY_SIZE(filter_flags))
			return invalid(root, item(buf, sizeof(buf), "flags", i),
			               "unknown or unsupported flag '%s'", name);
		if (filter_flags[k].attr == NO_ATTR)
			continue;
		r = seccomp_attr_set(ctx, filter_flags[k].attr, 1);
		if (r < 0)
			log_debug_errno(r, "seccomp: flag '%s' not supported here", name);
	}
	return 0;
}

/* NULL: libseccomp refused def (an action this kernel lacks) or memory ran out. */
static scmp_filter_ctx new_filter(uint32_t def)
{
	scmp_filter_ctx ctx = seccomp_init(def);

	if (!ctx)
		return NULL;
	/* no_new_privs is the caller's (process.noNewPrivileges); besides, only seccomp_load
	 * acts on this attribute, and the program is exported here, not loaded. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A call from an architecture the filter lacks kills the whole process: a thread killed
	 * alone can leave the rest waiting on it forever. Before Linux 4.14: libseccomp's
	 * default, the thread. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0)
		log_debug("seccomp: bad architectures kill the thread only");
	/* A binary tree of syscall numbers: an allowlist of 300 calls is otherwise a linear
	 * scan on every call. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0)
		log_debug("seccomp: no binary tree optimization");
	return ctx;
}

static void release_filter(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* The native architecture in Docker's (Go's) names, which its includes/excludes use. */
static const char *docker_arch(void)
{
	static const struct {
		uint32_t token;
		const char *name;
	} names[] = {
	    {SCMP_ARCH_X86_64, "amd64"}, {SCMP_ARCH_X86, "386"},
	    {SCMP_ARCH_X32, "x32"},      {SCMP_ARCH_AARCH64, "arm64"},
	    {SCMP_ARCH_ARM, "arm"},      {SCMP_ARCH_PPC64LE, "ppc64le"},
	    {SCMP_ARCH_S390X, "s390x"},  {SCMP_ARCH_RISCV64, "riscv64"},
	};
	uint32_t native = seccomp_arch_native();

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].token == native)
			return names[i].name;
	return "";
}

static int build(json_t *profile, const char *root, const struct target *t,
                 struct syscall_filter *ret)
{
	_cleanup_(release_filter) scmp_filter_ctx ctx = NULL;
	uint32_t def = 0;
	int r;

	assert(ret);
	if (!profile || json_is_null(profile)) {
		*ret = (struct syscall_filter){0};
		return 0;
	}
	if (!json_is_object(profile))
		return invalid(root, NULL, "must be an object");
	if (field(profile, "listenerPath"))
		return invalid(root, "listenerPath", "not supported");
	r = parse_action(profile, root, "defaultAction", "defaultErrnoRet", &def);
	if (r < 0)
		return r;
	ctx = new_filter(def);
	if (!ctx)
		return invalid(root, "defaultAction",
		               "refused by libseccomp (not in this kernel?)");
	/* Order: the architectures before the rules (see add_arches). */
	r = add_flags(ctx, profile, root);
	if (r == 0)
		r = add_arches(ctx, profile, root);
	if (r == 0)
		r = add_rules(ctx, profile, root, def, t);
	if (r == 0)
		r = syscalls_export(ctx, ret);
	return r;
}

static void target_init(struct target *t, bool has_caps, uint64_t caps)
{
	struct utsname u;

	*t = (struct target){.has_caps = has_caps, .caps = caps, .arch = docker_arch()};
	/* Without a readable release every minKernel is above it: the rule is left out. */
	if (uname(&u) < 0 || parse_kernel(u.release, t->kernel) < 0)
		t->kernel[0] = t->kernel[1] = 0;
}

int seccomp_profile_build(json_t *profile, struct syscall_filter *ret)
{
	struct target t;

	target_init(&t, false, 0);
	return build(profile, WHERE_OCI, &t, ret);
}

int seccomp_profile_build_for(json_t *profile, const char *name, uint64_t caps,
                              struct syscall_filter *ret)
{
	char root[PATH_LEN];
	struct target t;

	target_init(&t, true, caps);
	(void)fmt_snprintf(root, sizeof(root), "%s: ", name);
	return build(profile, root, &t, ret);
}
