// SPDX-License-Identifier: MIT
/*
 * cmdline: boxinit's option parser (tini-compatible). Hand-written rather than
 * getopt_long so it behaves the same on musl and glibc and can be called more
 * than once from unit tests. Stops at "--" or at the first non-option, so the
 * command's own options are never taken for boxinit's.
 */
#include "cmdline.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "initargs.h"
#include "log.h"
#include "util.h"

enum opt_id {
	OPT_HELP,
	OPT_VERSION,
	OPT_VERBOSE,
	OPT_KEEP_RUNNING,
	OPT_GRACE,
	OPT_CONTAINER,
	OPT_MOUNTED,
	OPT_PRIVILEGED,
	OPT_WORKDIR,
	OPT_USER,
	OPT_KEEP_FDS,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_NO_NEW_PRIVS,
	OPT_CONFIG,
	OPT_CONFIG_NAME,
	OPT_SERVICE,
	OPT_CONTROL_FD,
	OPT_TTY,
	OPT_COMPAT, /* -s, -g: what they ask for is always on */
};

struct opt {
	const char *name; /* long name, without "--"; NULL for short-only */
	char short_name;  /* 0 for long-only */
	bool has_arg;
	enum opt_id id;
};

static const struct opt opts[] = {
    {"help", 'h', false, OPT_HELP},
    {"version", 'V', false, OPT_VERSION},
    {INITARG_VERBOSE, 'v', false, OPT_VERBOSE},
    {INITARG_KEEP_RUNNING, 0, false, OPT_KEEP_RUNNING},
    {INITARG_GRACE, 0, true, OPT_GRACE},
    {INITARG_CONTAINER, 0, false, OPT_CONTAINER},
    {INITARG_MOUNTED, 0, false, OPT_MOUNTED},
    {INITARG_PRIVILEGED, 0, false, OPT_PRIVILEGED},
    {INITARG_WORKDIR, 0, true, OPT_WORKDIR},
    {INITARG_USER, 0, true, OPT_USER},
    {"keep-fds", 0, false, OPT_KEEP_FDS},
    {INITARG_CAP_ADD, 0, true, OPT_CAP_ADD},
    {INITARG_CAP_DROP, 0, true, OPT_CAP_DROP},
    {INITARG_NO_NEW_PRIVS, 0, false, OPT_NO_NEW_PRIVS},
    {INITARG_CONFIG, 'c', true, OPT_CONFIG},
    {INITARG_SERVICE, 0, true, OPT_SERVICE},
    {INITARG_CONTROL_FD, 0, true, OPT_CONTROL_FD},
    {INITARG_TTY, 0, false, OPT_TTY},
    {INITARG_CONFIG_NAME, 0, true, OPT_CONFIG_NAME},
    {NULL, 's', false, OPT_COMPAT},
    {NULL, 'g', false, OPT_COMPAT},
};

static const char usage[] =
    "Usage: boxinit [OPTIONS] [--] CMD [ARG...]\n"
    "       boxinit [OPTIONS] (-c FILE | --service NAME=CMD...) [[--] CMD [ARG...]]\n"
    "Runs CMD as a child, reaps every zombie and forwards signals to CMD's process group,\n"
    "and supervises the declared services.\n"
    "\n"
    "  -h, --help          show this help and exit\n"
    "  -V, --version       show the version and exit\n"
    "  -v, --verbose       debug logs on stderr\n"
    "  --keep-running      when CMD exits, stay up while any other process remains\n"
    "  --grace SECONDS     grace period on SIGTERM/SIGINT before SIGKILL (default 10;\n"
    "                      without --keep-running or services only when given)\n"
    "  --container         mount /proc, /sys, /dev and drop capabilities (PID 1 of a container)\n"
    "  --mounted           with --container: /proc, /sys, /dev are mounted already (launch)\n"
    "  --privileged        with --container: keep every capability, mask nothing\n"
    "  --workdir DIR       run CMD in DIR\n"
    "  --user UID[:GID]    run CMD with these numeric ids (GID defaults to UID)\n"
    "  --keep-fds          hand inherited descriptors >= 3 to CMD (default: closed)\n"
    "  --cap-add CAPS      with --container: add these capabilities (NAME,NAME or ALL)\n"
    "  --cap-drop CAPS     with --container: drop these capabilities (NAME,NAME or ALL)\n"
    "  --no-new-privileges set no_new_privs: exec never gains privileges (setuid, file caps)\n"
    "  -c, --config FILE   services from FILE (default: /etc/boxinit.conf when present)\n"
    "  --config-name NAME  call FILE NAME in messages (launch: the file on the host)\n"
    "  --service NAME=CMD  one more service (restart on failure); repeatable\n"
    "  --control-fd FD     launch's socket: told when CMD ends\n"
    "  --tty               a pty of the container's for CMD (master sent over FD)\n"
    "  -s, -g              accepted for tini compatibility (always on)\n"
    "\n"
    "Exit status: CMD's; 128+N if signal N killed it; 127 not found; 126 cannot execute;\n"
    "125 boxinit's own error.\n";

const char *cmdline_usage(void)
{
	return usage;
}

static int apply_value(struct init_config *c, enum opt_id id, const char *name, const char *val)
{
	int r;

	switch (id) {
	case OPT_CONFIG:
		if (val[0] == '\0') {
			log_error("invalid --config '': expected a file");
			return -EINVAL;
		}
		c->config_path = val;
		return 0;
	case OPT_CONFIG_NAME:
		if (val[0] == '\0') {
			log_error("invalid --config-name '': expected a file name");
			return -EINVAL;
		}
		c->config_name = val;
		return 0;
	case OPT_SERVICE:
		if (c->n_services >= CMDLINE_MAX_SERVICES) {
			log_error("too many --service options (at most %d)", CMDLINE_MAX_SERVICES);
			return -EINVAL;
		}
		c->services[c->n_services++] = val;
		return 0;
	case OPT_CAP_ADD:
	case OPT_CAP_DROP:
		if (capset_parse_list(val, id == OPT_CAP_ADD, &c->caps) < 0) {
			log_error("invalid --cap-%s '%s': expected capability names or ALL",
			          id == OPT_CAP_ADD ? "add" : "drop", val);
			return -EINVAL;
		}
		return 0;
	case OPT_GRACE:
		r = parse_duration_ms(val, &c->grace_ms);
		if (r < 0) {
			log_error("invalid --grace '%s': expected seconds, e.g. 10 or 0.5", val);
			return -EINVAL;
		}
		c->grace_given = true;
		return 0;
	case OPT_WORKDIR:
		if (val[0] == '\0') {
			log_error("invalid --workdir '': expected a directory");
			return -EINVAL;
		}
		c->workdir = val;
		return 0;
	case OPT_CONTROL_FD:
		if (parse_int(val, 3, INT_MAX, &c->control_fd) < 0) {
			log_error("invalid --control-fd '%s': expected a descriptor >= 3", val);
			return -EINVAL;
		}
		return 0;
	case OPT_USER:
		r = parse_user_ids(val, &c->uid, &c->gid);
		if (r < 0) {
			log_error("invalid --user '%s': expected UID[:GID] (numbers)", val);
			return -EINVAL;
		}
		c->has_user = true;
		return 0;
	default:
		log_error("option '%s' takes no value", name);
		return -EINVAL;
	}
}

static void apply_flag(struct init_config *c, enum opt_id id)
{
	switch (id) {
	case OPT_HELP:
		c->help = true;
		break;
	case OPT_VERSION:
		c->version = true;
		break;
	case OPT_VERBOSE:
		c->verbose = true;
		break;
	case OPT_KEEP_RUNNING:
		c->keep_running = true;
		break;
	case OPT_CONTAINER:
		c->container = true;
		break;
	case OPT_MOUNTED:
		c->mounted = true;
		break;
	case OPT_PRIVILEGED:
		c->privileged = true;
		break;
	case OPT_KEEP_FDS:
		c->keep_fds = true;
		break;
	case OPT_NO_NEW_PRIVS:
		c->no_new_privs = true;
		break;
	case OPT_TTY:
		c->tty = true;
		break;
	default: /* OPT_COMPAT */
		break;
	}
}

static const struct opt *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (opts[i].name && strlen(opts[i].name) == len &&
		    !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

static const struct opt *find_short(char ch)
{
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (opts[i].short_name == ch)
			return &opts[i];
	return NULL;
}

/* "--name", "--name=value" or "--name value". Returns how many argv entries it used. */
static int parse_long(struct init_config *c, int argc, char *const *argv, int i)
{
	const char *arg = argv[i] + 2;
	const char *eq = strchr(arg, '=');
	const struct opt *o = find_long(arg, eq ? (size_t)(eq - arg) : strlen(arg));

	if (!o) {
		log_error("unknown option '%s' (see --help)", argv[i]);
		return -EINVAL;
	}
	if (!o->has_arg) {
		if (eq) {
			log_error("option '--%s' takes no value", o->name);
			return -EINVAL;
		}
		apply_flag(c, o->id);
		return 1;
	}
	if (eq)
		return apply_value(c, o->id, argv[i], eq + 1) < 0 ? -EINVAL : 1;
	if (i + 1 >= argc) {
		log_error("option '--%s' needs a value", o->name);
		return -EINVAL;
	}
	return apply_value(c, o->id, argv[i], argv[i + 1]) < 0 ? -EINVAL : 2;
}

/* "-v", "-vsg", "-c FILE", "-vcFILE": a value option ends the group. */
static int parse_short(struct init_config *c, int argc, char *const *argv, int i)
{
	for (const char *p = argv[i] + 1; *p; p++) {
		const struct opt *o = find_short(*p);

		if (!o) {
			log_error("unknown option '-%c' (see --help)", *p);
			return -EINVAL;
		}
		if (!o->has_arg) {
			apply_flag(c, o->id);
			continue;
		}
		if (p[1])
			return apply_value(c, o->id, argv[i], p + 1) < 0 ? -EINVAL : 1;
		if (i + 1 >= argc) {
			log_error("option '-%c' needs a value", *p);
			return -EINVAL;
		}
		return apply_value(c, o->id, argv[i], argv[i + 1]) < 0 ? -EINVAL : 2;
	}
	return 1;
}

int cmdline_parse(int argc, char *const *argv, struct init_config *ret)
{
	struct init_config c = {.grace_ms = CMDLINE_DEFAULT_GRACE_MS, .control_fd = -1};
	int i = 1;

	while (i < argc) {
		const char *arg = argv[i];
		int used;

		if (STREQ(arg, "--")) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break;
		used =
		    arg[1] == '-' ? parse_long(&c, argc, argv, i) : parse_short(&c, argc, argv, i);
		if (used < 0)
			return used;
		i += used;
	}
	/* The terminal comes from the devpts boxinit mounts, and its master goes to launch. */
	if (c.tty && (!c.container || c.control_fd < 0)) {
		log_error("option '--tty' needs --container and --control-fd");
		return -EINVAL;
	}
	if (c.mounted && !c.container) {
		log_error("option '--mounted' needs --container");
		return -EINVAL;
	}
	/* No command is fine here: services may be declared (main.c decides). */
	if (!c.help && !c.version && i < argc)
		c.argv = &argv[i];
	*ret = c;
	return 0;
}
