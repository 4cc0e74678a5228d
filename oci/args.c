// SPDX-License-Identifier: MIT
/*
 * args: the option parser of box's commands: runc's spelling ("--opt value", "--opt=value",
 * "-s value", booleans with an optional "=true|false"). Pure but for its messages.
 */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "oci.h"
#include "util.h"

static const struct oci_opt *find(const struct oci_opt *opts, const char *arg, size_t len)
{
	for (const struct oci_opt *o = opts; o && o->name; o++) {
		if (arg[1] != '-' && len == 2 && o->short_name == arg[1])
			return o;
		if (arg[1] == '-' && strlen(o->name) == len - 2 &&
		    !strncmp(o->name, arg + 2, len - 2))
			return o;
	}
	return NULL;
}

static int take(const struct oci_opt *o, const char *eq, int argc, char **argv, int *i)
{
	if (!o->takes) {
		if (eq && !STREQ(eq, "true") && !STREQ(eq, "false")) {
			log_error("%s: option '--%s' takes no value", argv[0], o->name);
			return -EINVAL;
		}
		*o->flag = !eq || STREQ(eq, "true");
		return 0;
	}
	if (!eq && *i + 1 >= argc) {
		log_error("%s: option '--%s' needs a value", argv[0], o->name);
		return -EINVAL;
	}
	if (!eq)
		eq = argv[++*i];
	if (o->list) {
		const char **v = reallocarray(o->list->v, o->list->n + 1, sizeof(*v));

		if (!v)
			return -ENOMEM;
		v[o->list->n++] = eq;
		o->list->v = v;
		return 0;
	}
	*o->value = eq;
	return 0;
}

int oci_parse(int argc, char **argv, const struct oci_opt *opts, char ***ret_pos, int *ret_n,
              int min_pos, int max_pos, const char *usage)
{
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq;
		const struct oci_opt *o;
		size_t len;
		int r;

		if (STREQ(arg, "--")) {
			/* What follows is positional, even "-x" (an id then fails as one). */
			for (i++; i < argc && n < max_pos; i++)
				argv[1 + n++] = argv[i];
			break;
		}
		if (arg[0] != '-' || !arg[1]) {
			/* Positionals first; the rest (exec's command) belongs to the caller. */
			if (n == max_pos)
				break;
			argv[1 + n++] = argv[i];
			continue;
		}
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		o = find(opts, arg, len);
		if (!o) {
			log_error("%s: unknown option '%.*s' (usage: box %s %s)", argv[0], (int)len,
			          arg, argv[0], usage);
			return -EINVAL;
		}
		r = take(o, eq ? eq + 1 : NULL, argc, argv, &i);
		if (r < 0)
			return r;
	}
	/* The caller's leftovers (after "--" or past max_pos) follow the positionals. */
	for (int j = i; j < argc; j++)
		argv[1 + n + (j - i)] = argv[j];
	if (n < min_pos) {
		log_error("%s: missing argument (usage: box %s %s)", argv[0], argv[0], usage);
		return -EINVAL;
	}
	*ret_pos = argv + 1;
	*ret_n = n + (argc - i);
	return 0;
}
