// SPDX-License-Identifier: MIT
/*
 * seccomp_profile: see seccomp_profile.h. Runs in the runtime before clone (host root, may
 * allocate and log); the exported program is all the child gets. Follows the OCI runtime
 * spec, and where it is silent what the common runtimes do (unknown system call and
 * architecture names are skipped). It must never weaken a profile quietly: any other field it
 * cannot honour is an error.
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
#include <unistd.h>

#include "fmt.h"
#include "log.h"
#include "util.h"

#define WHERE           "config.json: linux.seccomp"
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

/* One syscalls[] entry, checked; conds sorted by argument, in runs of one argument each. */
struct rule {
	char path[32]; /* ".syscalls[12]" */
	json_t *names;
	uint32_t action;
	struct scmp_arg_cmp conds[CONDS_MAX];
	unsigned n_conds, n_runs;
	unsigned run_start[ARGS], run_len[ARGS];
};

static int invalid(const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Logs "config.json: linux.seccomp<path>.<key>: <message>" and returns -EINVAL. */
static int invalid(const char *path, const char *key, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	(void)fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_error(WHERE "%s%s%s: %s", path, key ? "." : "", key ? key : "", msg);
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
	char path[64];
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

static int parse_rule(json_t *s, size_t i, struct rule *ret)
{
	int r;

	(void)fmt_snprintf(ret->path, sizeof(ret->path), ".syscalls[%zu]", i);
	if (!json_is_object(s))
		return invalid(ret->path, NULL, "must be an object");
	r = get_strings(s, ret->path, "names", &ret->names);
	if (r == 0 && json_array_size(ret->names) == 0)
		r = invalid(ret->path, "names", "must name at least one system call");
	if (r == 0)
		r = parse_action(s, ret->path, "action", "errnoRet", &ret->action);
	if (r == 0)
		r = parse_args(s, ret);
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

static int add_rule(scmp_filter_ctx ctx, const struct rule *rule, uint32_t def)
{
	json_t *name;
	size_t i;

	/* libseccomp refuses a rule that does what the default does; it would change nothing. */
	if (rule->action == def) {
		log_debug("seccomp: %s: the default action, skipped", rule->path + 1);
		return 0;
	}
	json_array_foreach(rule->names, i, name)
	{
		const char *s = json_string_value(name);
		int nr = seccomp_syscall_resolve_name(s), r;

		/* Unknown to this libseccomp on every architecture (a newer call, a typo): no
		 * call of that name can be made here, so there is nothing to filter. */
		if (nr == __NR_SCMP_ERROR) {
			log_debug("seccomp: unknown system call '%s', skipped", s);
			continue;
		}
		r = add_expanded(ctx, nr, rule);
		if (r < 0)
			return log_errno(r, WHERE "%s: add the rule for '%s'", rule->path, s);
	}
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, json_t *profile, uint32_t def)
{
	json_t *syscalls = field(profile, "syscalls"), *s;
	size_t i;

	if (syscalls && !json_is_array(syscalls))
		return invalid("", "syscalls", "must be an array");
	json_array_foreach(syscalls, i, s)
	{
		struct rule rule = {0};
		int r = parse_rule(s, i, &rule);

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

/* The native architecture is in from seccomp_init. Called before any rule: libseccomp gives
 * an architecture only the rules added after it. */
static int add_arches(scmp_filter_ctx ctx, json_t *profile)
{
	json_t *arches, *a;
	size_t i;
	int r = get_strings(profile, "", "architectures", &arches);

	if (r < 0)
		return r;
	json_array_foreach(arches, i, a)
	{
		const char *name = json_string_value(a);
		uint32_t token = arch_token(name);

		r = token ? seccomp_arch_add(ctx, token) : -ENOENT;
		/* Profiles list every arch their author supports: skip those this libseccomp
		 * does not know, and those of the other byte order (EDOM), which one filter
		 * cannot mix and this kernel cannot run. */
		if (r == -ENOENT || r == -EDOM)
			log_debug("seccomp: architecture '%s' skipped: %s", name, strerror(-r));
		else if (r < 0 && r != -EEXIST)
			return log_errno(r, WHERE ".architectures[%zu]: add '%s'", i, name);
	}
	return 0;
}

static int add_flags(scmp_filter_ctx ctx, json_t *profile)
{
	json_t *flags, *f;
	char buf[32];
	size_t i, k;
	int r = get_strings(profile, "", "flags", &flags);

	if (r < 0)
		return r;
	json_array_foreach(flags, i, f)
	{
		const char *name = json_string_value(f);

		for (k = 0; k < ARRAY_SIZE(filter_flags) && !STREQ(filter_flags[k].name, name); k++)
			;
		if (k == ARRAY_SIZE(filter_flags))
			return invalid("", item(buf, sizeof(buf), "flags", i),
			               "unknown or unsupported flag '%s'", name);
		if (filter_flags[k].attr == NO_ATTR)
			continue;
		r = seccomp_attr_set(ctx, filter_flags[k].attr, 1);
		if (r < 0)
			log_debug("seccomp: flag '%s' not supported here: %s", name, strerror(-r));
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

int seccomp_profile_build(json_t *profile, struct syscall_filter *ret)
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
		return invalid("", NULL, "must be an object");
	if (field(profile, "listenerPath"))
		return invalid("", "listenerPath", "not supported");
	r = parse_action(profile, "", "defaultAction", "defaultErrnoRet", &def);
	if (r < 0)
		return r;
	ctx = new_filter(def);
	if (!ctx)
		return invalid("", "defaultAction", "refused by libseccomp (not in this kernel?)");
	/* Order: the architectures before the rules (see add_arches). */
	r = add_flags(ctx, profile);
	if (r == 0)
		r = add_arches(ctx, profile);
	if (r == 0)
		r = add_rules(ctx, profile, def);
	if (r == 0)
		r = syscalls_export(ctx, ret);
	return r;
}
