// SPDX-License-Identifier: MIT
/*
 * config: see config.h. Runs in launch (host, root) before anything exists:
 * it may read the host's filesystem, never write it. Values are checked here
 * once, so later phases can trust the struct they are given.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "imageconf.h"
#include "layer.h"
#include "log.h"
#include "paths.h"
#include "seccomp_profile.h"
#include "svcconf.h"
#include "sync.h"
#include "util.h"

enum {
	OPT_NAME = 0x100,
	OPT_CGROUP_PARENT,
	OPT_HOSTNAME,
	OPT_CPUS,
	OPT_CPU_WEIGHT,
	OPT_MEMORY_SWAP,
	OPT_PIDS_LIMIT,
	OPT_IO_WEIGHT,
	OPT_READ_ONLY,
	OPT_EXIT_WITH_MAIN,
	OPT_GRACE,
	OPT_PRIVILEGED,
	OPT_STATS,
	OPT_STATS_JSON,
	OPT_INIT,
	OPT_VERBOSE,
	OPT_SERVICE,
	OPT_NET,
	OPT_SUBNET,
	OPT_DNS,
	OPT_NAT,
	OPT_CAP_ADD,
	OPT_CAP_DROP,
	OPT_NO_NEW_PRIVS,
	OPT_SECCOMP,
	OPT_USERNS,
	OPT_NO_TTY,
	OPT_PUBLISH_MAX_CONNS,
	OPT_KEEP,
	OPT_LOG,
	OPT_LOG_MAX_SIZE,
	OPT_TMPFS,
	OPT_OVERLAY,
	OPT_ENTRYPOINT,
};

static const struct option options[] = {
    {"name", required_argument, NULL, OPT_NAME},
    {"cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"cpus", required_argument, NULL, OPT_CPUS},
    {"cpu-weight", required_argument, NULL, OPT_CPU_WEIGHT},
    {"memory", required_argument, NULL, 'm'},
    {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
    {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
    {"io-weight", required_argument, NULL, OPT_IO_WEIGHT},
    {"volume", required_argument, NULL, 'v'},
    {"read-only", no_argument, NULL, OPT_READ_ONLY},
    {"tmpfs", required_argument, NULL, OPT_TMPFS},
    {"overlay", optional_argument, NULL, OPT_OVERLAY},
    {"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
    {"publish-all", no_argument, NULL, 'P'},
    {"env", required_argument, NULL, 'e'},
    {"workdir", required_argument, NULL, 'w'},
    {"user", required_argument, NULL, 'u'},
    {"exit-with-main", no_argument, NULL, OPT_EXIT_WITH_MAIN},
    {"grace", required_argument, NULL, OPT_GRACE},
    {"privileged", no_argument, NULL, OPT_PRIVILEGED},
    {"stats", no_argument, NULL, OPT_STATS},
    {"stats-json", required_argument, NULL, OPT_STATS_JSON},
    {"init", required_argument, NULL, OPT_INIT},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"service", required_argument, NULL, OPT_SERVICE},
    {"config", required_argument, NULL, 'c'},
    {"net", required_argument, NULL, OPT_NET},
    {"subnet", required_argument, NULL, OPT_SUBNET},
    {"publish", required_argument, NULL, 'p'},
    {"dns", required_argument, NULL, OPT_DNS},
    {"nat", no_argument, NULL, OPT_NAT},
    {"cap-add", required_argument, NULL, OPT_CAP_ADD},
    {"cap-drop", required_argument, NULL, OPT_CAP_DROP},
    {"no-new-privileges", no_argument, NULL, OPT_NO_NEW_PRIVS},
    {"seccomp", required_argument, NULL, OPT_SECCOMP},
    {"userns", required_argument, NULL, OPT_USERNS},
    {"interactive", no_argument, NULL, 'i'},
    {"tty", no_argument, NULL, 't'},
    {"no-tty", no_argument, NULL, OPT_NO_TTY},
    {"detach", no_argument, NULL, 'd'},
    {"keep", no_argument, NULL, OPT_KEEP},
    {"log", required_argument, NULL, OPT_LOG},
    {"log-max-size", required_argument, NULL, OPT_LOG_MAX_SIZE},
    {"publish-max-conns", required_argument, NULL, OPT_PUBLISH_MAX_CONNS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static const char usage[] =
    "Usage: launch [OPTIONS] ROOTFS [--] [CMD [ARG...]]\n"
    "       launch COMMAND [OPTIONS] [NAME...]\n"
    "Run CMD in a new container whose root is the directory ROOTFS; manage containers.\n"
    "\n"
    "  --name NAME            container name (default: box-XXXXXXXX)\n"
    "  --cgroup-parent PATH   parent cgroup (default: /box)\n"
    "  --hostname NAME        hostname (default: the name)\n"
    "  --cpus N               CPU quota in CPUs, fractional\n"
    "  --cpu-weight N         CPU weight, 1..10000\n"
    "  -m, --memory SIZE      memory limit (k, m, g suffixes)\n"
    "  --memory-swap SIZE     memory+swap limit (-1: unlimited)\n"
    "  --pids-limit N         maximum number of processes\n"
    "  --io-weight N          IO weight, 1..10000\n"
    "  -v, --volume SRC:DST[:ro]  bind a host path into the container\n"
    "  --read-only            mount the root read-only (/tmp, /var/tmp, /run: tmpfs)\n"
    "  --overlay[=tmpfs[:SIZE]]  write into a layer of the container's own over ROOTFS,\n"
    "                         which stays unchanged (on disk, or on a tmpfs of SIZE)\n"
    "  --tmpfs PATH[:OPTS]    a tmpfs on PATH (OPTS: size=SIZE,mode=OCTAL,exec,ro)\n"
    "  -e, --env K=V          set an environment variable (K alone: copy the host's)\n"
    "  -w, --workdir DIR      working directory of CMD\n"
    "  -u, --user UID[:GID]   run CMD with these ids\n"
    "  --entrypoint PATH      instead of the image's Entrypoint (\"\": none)\n"
    "  -i, --interactive      pass stdin to CMD (default: when it is a terminal)\n"
    "  -t, --tty              a terminal of the container's own for CMD (default: when\n"
    "                         stdin and stdout are terminals and launch is in the foreground)\n"
    "  --no-tty               never a terminal for CMD\n"
    "  -d, --detach           run in the background; print the name once CMD has started\n"
    "  --log FILE             a detached container's output (default: /var/log/box/NAME.log)\n"
    "  --log-max-size SIZE    rotate the log past SIZE, one old file kept (default 10m)\n"
    "  --keep                 keep the stopped container (status, log) until launch rm\n"
    "  --exit-with-main       end when CMD ends (default: when no process is left)\n"
    "  --grace SECONDS        stop grace period (default 10)\n"
    "  --service NAME=CMD     run CMD as a supervised service (repeatable; CMD optional)\n"
    "  -c, --config FILE      services from FILE (bound on /etc/boxinit.conf, read-only)\n"
    "  --privileged           keep every capability, mask nothing, no seccomp, all devices\n"
    "  --cap-add CAPS         add capabilities (NAME[,NAME] from capabilities(7), or ALL)\n"
    "  --cap-drop CAPS        drop capabilities (NAME[,NAME], or ALL)\n"
    "  --no-new-privileges    no process in the container gains privileges by exec\n"
    "  --seccomp PROFILE      default (an allowlist), unconfined, or a Docker/OCI JSON file\n"
    "  --userns MODE          host (default: ids are the host's), auto (a free range of\n"
    "                         /etc/subuid's 'box' entry) or HOSTID:COUNT\n"
    "  --stats                print resource use at exit\n"
    "  --stats-json FILE      write resource use at exit as JSON\n"
    "  --init PATH            boxinit binary (default: next to launch)\n"
    "  --net MODE             none (default: lo only), host (no isolation), veth,\n"
    "                         slirp (user-mode, rootless: slirp4netns)\n"
    "  --subnet CIDR          --net veth: take the container's /30 from this range\n"
    "  -p, --publish [IP:]HOSTPORT:PORT[/tcp]  --net veth: proxy a host port (IP default\n"
    "                         127.0.0.1) to the container's PORT\n"
    "  -P, --publish-all      publish the image's ExposedPorts, each on the same port of\n"
    "                         127.0.0.1 (--net veth or slirp)\n"
    "  --dns IP               nameserver in a generated /etc/resolv.conf (up to 3)\n"
    "  --nat                  --net veth: masquerade the container's outbound traffic\n"
    "  --publish-max-conns N  connections at once per published port (default 1024)\n"
    "  --verbose              debug messages\n"
    "  -h, --help             this text\n"
    "  -V, --version          version\n"
    "\n"
    "Commands (./list is a rootfs named list, not the command):\n"
    "  list [-a|--all] [-j|--json]          the running containers (--all: kept ones too)\n"
    "  ps [-j|--json] NAME                  its processes, inside and outside, by service\n"
    "  stats [-j|--json] [-w|--watch] [-i|--interval SECONDS] [NAME...]\n"
    "                                       CPU, memory, pids, io, OOM kills, live\n"
    "  exec [-i] [-t] [-d] [-e K=V] [-w DIR] [-u UID[:GID]] NAME [--] CMD [ARG...]\n"
    "      (--interactive --tty --detach --env --workdir --user)\n"
    "                                       run CMD in it, confined as its processes are\n"
    "  logs [-f|--follow] [-n|--tail N] [-s|--since TIME] NAME  a detached one's output\n"
    "  stop [-t|--time GRACE] NAME...       stop gracefully, kill at the deadline, wait\n"
    "  kill [-s|--signal SIG] NAME...       signal its PID 1 (default KILL)\n"
    "  wait NAME                            wait for its end; exit with its status\n"
    "  rm [-f|--force] NAME...              remove a kept one (-f: stop it first)\n"
    "  diff NAME                            what it changed in its --overlay layer\n"
    "  commit NAME DIR                      copy its root, layer and all, into DIR\n"
    "  service [-j|--json] NAME [status|start|stop|restart|signal SIG] [SERVICE]\n"
    "                                       its supervised services\n"
    "\n"
    "Exit status: the container's (CMD's, for exec); 125 when launch itself fails,\n"
    "126 CMD cannot be executed, 127 CMD not found, 128+N CMD killed by signal N.\n";

/* Names the long form even when the short one was used, so messages are grep-able. */
static const char *option_name(int opt)
{
	for (size_t i = 0; options[i].name; i++)
		if (options[i].val == opt)
			return options[i].name;
	return "?";
}

static int bad_value(int opt, const char *value, int r)
{
	if (r == -ERANGE)
		log_error("invalid value '%s' for --%s: out of range", value, option_name(opt));
	else
		log_error("invalid value '%s' for --%s", value, option_name(opt));
	return -EINVAL;
}

int config_parse_weight(const char *s, uint64_t *ret)
{
	uint64_t v;
	int r = parse_u64(s, &v);

	if (r < 0)
		return r;
	if (v < 1 || v > 10000)
		return -ERANGE;
	*ret = v;
	return 0;
}

/* A count or a size that must not be 0: parse is parse_u64 or parse_size. */
static int parse_positive(int (*parse)(const char *, uint64_t *), const char *s, uint64_t *ret)
{
	uint64_t v;
	int r = parse(s, &v);

	if (r < 0)
		return r;
	if (v == 0)
		return -ERANGE;
	*ret = v;
	return 0;
}

static int parse_limit(int opt, const char *arg, struct cgroup_limits *lim)
{
	int r;

	switch (opt) {
	case OPT_CPUS:
		r = cgroup_cpus_to_quota(arg, CONFIG_CPU_PERIOD_US, &lim->cpu_quota_us);
		lim->cpu_period_us = CONFIG_CPU_PERIOD_US;
		break;
	case OPT_CPU_WEIGHT:
		r = config_parse_weight(arg, &lim->cpu_weight);
		break;
	case OPT_IO_WEIGHT:
		r = config_parse_weight(arg, &lim->io_weight);
		break;
	case 'm':
		r = parse_positive(parse_size, arg, &lim->memory_max);
		break;
	case OPT_MEMORY_SWAP:
		/* -1 is docker's "unlimited": leave it unset. */
		r = STREQ(arg, "-1") ? 0 : parse_positive(parse_size, arg, &lim->memory_swap);
		break;
	case OPT_PIDS_LIMIT:
		r = parse_positive(parse_u64, arg, &lim->pids_max);
		break;
	default:
		return -ENOTSUP;
	}
	/* (--log-max-size is parsed with the other sizes, but kept in the config.) */
	return r < 0 ? bad_value(opt, arg, r) : 0;
}

/* HOSTID:COUNT: COUNT ids from HOSTID on, which must not reach (uid_t)-1 and must not start
 * at the host's root (a container root that is host root is --userns host). */
static int parse_id_range(const char *s, struct userns_config *ret)
{
	const char *colon = strchr(s, ':');
	char id_text[16];
	uint64_t id, count;
	int r;

	if (!colon || (size_t)(colon - s) >= sizeof(id_text))
		return -EINVAL;
	memcpy(id_text, s, (size_t)(colon - s));
	id_text[colon - s] = '\0';
	r = parse_u64(id_text, &id);
	if (r == 0)
		r = parse_u64(colon + 1, &count);
	if (r < 0)
		return r;
	if (id == 0 || count == 0 || id >= UINT32_MAX || count >= UINT32_MAX ||
	    id + count > UINT32_MAX)
		return -ERANGE;
	*ret = (struct userns_config){
	    .mode = USERNS_RANGE, .host_id = (uint32_t)id, .count = (uint32_t)count};
	return 0;
}

/* host, auto, or HOSTID:COUNT. */
int config_parse_userns(const char *s, struct userns_config *ret)
{
	if (STREQ(s, "host") || STREQ(s, "auto")) {
		*ret = (struct userns_config){.mode = STREQ(s, "host") ? USERNS_HOST : USERNS_AUTO};
		return 0;
	}
	return parse_id_range(s, ret);
}

static int env_entry(const char *arg, char **ret)
{
	const char *eq = strchr(arg, '=');
	const char *host;
	char *s;

	if (arg[0] == '\0' || arg[0] == '=')
		return -EINVAL;
	if (eq) {
		s = strdup(arg);
	} else {
		/* docker's "-e K": the host's value, or nothing when unset. */
		host = getenv(arg);
		if (!host) {
			*ret = NULL;
			return 0;
		}
		if (asprintf(&s, "%s=%s", arg, host) < 0)
			s = NULL;
	}
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

static int parse_other(int opt, const char *arg, struct launch_config *c)
{
	uint64_t ms;
	uid_t uid;
	gid_t gid;
	int r = 0;

	switch (opt) {
	case 'v':
		r = config_parse_volume(arg, &c->volumes[c->n_volumes]);
		if (r == 0)
			c->n_volumes++;
		break;
	case 'e':
		r = env_entry(arg, &c->env[c->n_env]);
		if (r == 0 && c->env[c->n_env])
			c->n_env++;
		break;
	case 'w':
		r = arg[0] == '/' ? 0 : -EINVAL;
		c->workdir = arg;
		break;
	case OPT_LOG_MAX_SIZE:
		r = parse_positive(parse_size, arg, &c->log_max_size);
		break;
	case 'u':
		r = parse_user_ids(arg, &uid, &gid);
		c->user = arg;
		break;
	case OPT_GRACE:
		r = parse_duration_ms(arg, &ms);
		c->grace = arg;
		break;
	case OPT_TMPFS:
		r = config_parse_tmpfs(arg, &c->tmpfs[c->n_tmpfs]);
		if (r == 0)
			c->n_tmpfs++;
		break;
	case OPT_OVERLAY:
		r = config_parse_overlay(arg, &c->overlay, &c->overlay_size);
		if (r < 0)
			return bad_value(opt, arg ? arg : "", r);
		break;
	default:
		return -ENOTSUP;
	}
	return r < 0 ? bad_value(opt, arg, r) : 0;
}

static int normalize_path(const char *in, char **ret);

/* Absolute, without "." or ".." components: stays below the hierarchy's root. No control
 * characters: the kernel takes most of them in a cgroup's name. */
static bool path_is_clean(const char *path)
{
	_cleanup_free_ char *norm = NULL;

	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return strlen(path) < PATH_MAX / 2 && normalize_path(path, &norm) == 0;
}

static int parse_string(int opt, const char *arg, struct launch_config *c)
{
	switch (opt) {
	case OPT_NAME:
		if (!config_name_is_valid(arg))
			return bad_value(opt, arg, -EINVAL);
		free(c->name);
		c->name = strdup(arg);
		return c->name ? 0 : -ENOMEM;
	case OPT_CGROUP_PARENT:
		if (!path_is_clean(arg))
			return bad_value(opt, arg, -EINVAL);
		c->cgroup_parent = arg;
		c->cgroup_parent_set = true;
		return 0;
	case OPT_HOSTNAME:
		if (!config_hostname_is_valid(arg))
			return bad_value(opt, arg, -EINVAL);
		c->hostname = arg;
		return 0;
	case OPT_STATS_JSON:
		if (arg[0] == '\0')
			return bad_value(opt, arg, -EINVAL);
		c->stats_json = arg;
		return 0;
	case OPT_LOG:
		if (arg[0] != '/')
			return bad_value(opt, arg, -EINVAL);
		c->log_path = arg;
		return 0;
	case OPT_INIT:
		if (arg[0] == '\0')
			return bad_value(opt, arg, -EINVAL);
		c->init_path = arg;
		return 0;
	case OPT_ENTRYPOINT:
		c->entrypoint = arg;
		return 0;
	}
	return -ENOTSUP;
}

static int parse_flag(int opt, struct launch_config *c)
{
	switch (opt) {
	case OPT_READ_ONLY:
		c->read_only = true;
		return 0;
	case OPT_EXIT_WITH_MAIN:
		c->exit_with_main = true;
		return 0;
	case OPT_PRIVILEGED:
		c->privileged = true;
		return 0;
	case OPT_STATS:
		c->stats = true;
		return 0;
	case OPT_VERBOSE:
		c->verbose = true;
		return 0;
	case 'i':
		c->interactive = true;
		return 0;
	case 't':
	case OPT_NO_TTY:
		c->tty = opt == 't' ? TTY_ALWAYS : TTY_NEVER;
		return 0;
	case 'd':
		c->detach = true;
		return 0;
	case OPT_KEEP:
		c->keep = true;
		return 0;
	case 'P':
		c->publish_all = true;
		return 0;
	case 'h':
		(void)fputs(usage, stdout);
		return 1;
	case 'V':
		printf("launch %s\n", BOX_VERSION);
		return 1;
	}
	return -ENOTSUP;
}

static int parse_security(int opt, const char *arg, struct launch_config *c)
{
	switch (opt) {
	case OPT_CAP_ADD:
	case OPT_CAP_DROP:
		c->caps_changed = true;
		if (capset_parse_list(arg, opt == OPT_CAP_ADD, &c->caps) < 0)
			return bad_value(opt, arg, -EINVAL);
		return 0;
	case OPT_NO_NEW_PRIVS:
		c->no_new_privs = true;
		return 0;
	case OPT_SECCOMP:
		/* Anything else is a profile file, read by config_check_host. */
		if (!*arg)
			return bad_value(opt, arg, -EINVAL);
		c->seccomp = !STREQ(arg, "unconfined");
		c->seccomp_file = c->seccomp && !STREQ(arg, "default") ? arg : NULL;
		return 0;
	case OPT_USERNS:
		if (config_parse_userns(arg, &c->userns) < 0)
			return bad_value(opt, arg, -EINVAL);
		return 0;
	}
	return -ENOTSUP;
}

static int parse_net(int opt, const char *arg, struct launch_config *c)
{
	int r;

	switch (opt) {
	case OPT_NET:
		r = netconf_parse_mode(arg, &c->net.mode);
		break;
	case OPT_SUBNET:
		r = netconf_parse_subnet(arg, &c->net.subnet, &c->net.prefix);
		c->net.has_subnet = true;
		break;
	case 'p':
		r = netconf_add_publish(&c->net, arg);
		if (r == -EEXIST) {
			log_error("invalid value '%s' for --publish: port published twice", arg);
			return -EINVAL;
		}
		break;
	case OPT_DNS:
		r = netconf_add_dns(&c->net, arg);
		break;
	case OPT_NAT:
		c->net.nat = true;
		return 0;
	case OPT_PUBLISH_MAX_CONNS:
		r = parse_int(arg, 1, NET_MAX_CONNS_LIMIT, &c->net.max_conns);
		break;
	default:
		return -ENOTSUP;
	}
	return r < 0 && r != -ENOMEM ? bad_value(opt, arg, r == -E2BIG ? -ERANGE : -EINVAL) : r;
}

/* Checked in full by boxinit, inside the container, before anything starts. */
static int parse_services(int opt, const char *arg, struct launch_config *c)
{
	struct volume *v;

	switch (opt) {
	case OPT_SERVICE:
		if (strchr(arg, '=') == arg || !strchr(arg, '='))
			return bad_value(opt, arg, -EINVAL);
		c->services[c->n_services++] = arg;
		return 0;
	case 'c':
		if (!arg[0] || c->config_file)
			return bad_value(opt, arg, -EINVAL);
		c->config_file = arg;
		v = &c->volumes[c->n_volumes];
		v->src = strdup(arg);
		v->dst = strdup(CONFIG_BOXINIT_CONF);
		v->ro = true;
		c->n_volumes++;
		return v->src && v->dst ? 0 : -ENOMEM;
	}
	return -ENOTSUP;
}

static int parse_option(int opt, const char *arg, struct launch_config *c)
{
	int r = parse_security(opt, arg, c);

	if (r == -ENOTSUP)
		r = parse_flag(opt, c);

	if (r == -ENOTSUP)
		r = parse_string(opt, arg, c);
	if (r == -ENOTSUP)
		r = parse_limit(opt, arg, &c->limits);
	if (r == -ENOTSUP)
		r = parse_other(opt, arg, c);
	if (r == -ENOTSUP)
		r = parse_net(opt, arg, c);
	if (r == -ENOTSUP)
		r = parse_services(opt, arg, c);
	if (r == -ENOMEM)
		return log_errno(r, "parse options");
	return r;
}

static void report_getopt_error(int opt, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	if (opt == ':')
		log_error("option '%s' needs a value", arg);
	else if (optopt)
		log_error("unknown option '-%c'", optopt);
	else
		log_error("unknown option '%s'", arg);
}

static int generate_name(char **ret)
{
	uint32_t rnd;

	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return log_errno(-errno, "generate a container name");
	if (asprintf(ret, "box-%08x", rnd) < 0)
		return log_errno(-ENOMEM, "generate a container name");
	return 0;
}

/* Absolute paths only: "/a//b/" -> "/a/b" (path_normalize). */
static int normalize_path(const char *in, char **ret)
{
	return in[0] == '/' ? path_normalize(in, ret) : -EINVAL;
}

int config_parse_volume(const char *spec, struct volume *ret)
{
	size_t src_len = strcspn(spec, ":"), dst_len;
	const char *dst_start, *mode = NULL;
	_cleanup_free_ char *src_raw = NULL, *dst_raw = NULL, *src = NULL, *dst = NULL;
	int r;

	if (spec[src_len] != ':')
		return -EINVAL;
	dst_start = spec + src_len + 1;
	dst_len = strcspn(dst_start, ":");
	if (dst_start[dst_len] == ':')
		mode = dst_start + dst_len + 1;
	if (mode && !STREQ(mode, "ro") && !STREQ(mode, "rw"))
		return -EINVAL;
	src_raw = strndup(spec, src_len);
	dst_raw = strndup(dst_start, dst_len);
	if (!src_raw || !dst_raw)
		return -ENOMEM;
	r = normalize_path(src_raw, &src);
	if (r == 0)
		r = normalize_path(dst_raw, &dst);
	if (r < 0)
		return r;
	/* Covering the whole root is what ROOTFS is for. */
	if (STREQ(dst, "/"))
		return -EINVAL;
	ret->src = steal_ptr(&src);
	ret->dst = steal_ptr(&dst);
	ret->ro = mode && STREQ(mode, "ro");
	return 0;
}

static int parse_tmpfs_option(const char *o, uint64_t *size, unsigned *mode, unsigned long *flags)
{
	uint64_t v;
	char *end;

	if (STREQ(o, "exec") || STREQ(o, "noexec")) {
		*flags = STREQ(o, "exec") ? *flags & ~(unsigned long)MS_NOEXEC : *flags | MS_NOEXEC;
		return 0;
	}
	if (STREQ(o, "ro") || STREQ(o, "rw")) {
		*flags = STREQ(o, "rw") ? *flags & ~(unsigned long)MS_RDONLY : *flags | MS_RDONLY;
		return 0;
	}
	if (strncmp(o, "size=", 5) == 0)
		return parse_positive(parse_size, o + 5, size);
	if (strncmp(o, "mode=", 5) == 0 && o[5] >= '0' && o[5] <= '7') {
		errno = 0;
		v = strtoull(o + 5, &end, 8);
		if (errno || *end || v > 07777)
			return -EINVAL;
		*mode = (unsigned)v;
		return 0;
	}
	return -EINVAL;
}

int config_parse_tmpfs(const char *spec, struct tmpfs_mount *ret)
{
	size_t dst_len = strcspn(spec, ":");
	_cleanup_free_ char *dst_raw = strndup(spec, dst_len), *dst = NULL;
	_cleanup_free_ char *opts = NULL;
	_cleanup_free_ char *data = NULL;
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC; /* docker's --tmpfs */
	uint64_t size = 0;
	unsigned mode = 01777;
	char *save = NULL;
	int r;

	if (!dst_raw)
		return -ENOMEM;
	r = normalize_path(dst_raw, &dst);
	if (r < 0 || STREQ(dst, "/"))
		return -EINVAL;
	if (spec[dst_len] == ':') {
		const char *list = spec + dst_len + 1;

		/* strtok_r would take "", ",," and a trailing ',' silently. */
		if (!list[0] || list[0] == ',' || list[strlen(list) - 1] == ',' ||
		    strstr(list, ",,"))
			return -EINVAL;
		opts = strdup(list);
		if (!opts)
			return -ENOMEM;
		for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
			if ((r = parse_tmpfs_option(o, &size, &mode, &flags)) < 0)
				return r;
	}
	r = size ? asprintf(&data, "mode=%o,size=%" PRIu64, mode, size)
	         : asprintf(&data, "mode=%o", mode);
	if (r < 0)
		return -ENOMEM;
	*ret =
	    (struct tmpfs_mount){.dst = steal_ptr(&dst), .data = steal_ptr(&data), .flags = flags};
	return 0;
}

int config_parse_overlay(const char *arg, enum overlay_mode *ret_mode, uint64_t *ret_size)
{
	uint64_t size = 0;
	int r;

	if (!arg || STREQ(arg, "disk")) {
		*ret_mode = OVERLAY_DISK;
		*ret_size = 0;
		return 0;
	}
	if (strncmp(arg, "tmpfs", 5) != 0 || (arg[5] && arg[5] != ':'))
		return -EINVAL;
	if (arg[5] == ':' && (r = parse_positive(parse_size, arg + 6, &size)) < 0)
		return r;
	*ret_mode = OVERLAY_TMPFS;
	*ret_size = size;
	return 0;
}

bool config_name_is_valid(const char *name)
{
	/* Becomes a cgroup directory and the default hostname. */
	return name_is_valid(name, CONFIG_NAME_MAX);
}

bool config_hostname_is_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > HOST_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)name[i]) || name[i] == '/')
			return false;
	return true;
}

/* Is dst among the first n destinations (volumes first, then tmpfs mounts)? */
static bool has_destination(const struct launch_config *c, size_t n, const char *dst)
{
	for (size_t i = 0; i < n; i++)
		if (STREQ(i < c->n_volumes ? c->volumes[i].dst : c->tmpfs[i - c->n_volumes].dst,
		          dst))
			return true;
	return false;
}

static const char *duplicate_destination(const struct launch_config *c)
{
	for (size_t i = 1; i < c->n_volumes + c->n_tmpfs; i++) {
		const char *dst =
		    i < c->n_volumes ? c->volumes[i].dst : c->tmpfs[i - c->n_volumes].dst;

		if (has_destination(c, i, dst))
			return dst;
	}
	return NULL;
}

bool config_covers(const struct launch_config *c, const char *dst)
{
	return has_destination(c, c->n_volumes + c->n_tmpfs, dst);
}

static int check_combinations(const struct launch_config *c, const char *swap_arg)
{
	const struct cgroup_limits *l = &c->limits;
	const char *dup = duplicate_destination(c);

	if (l->memory_swap && (!l->memory_max || l->memory_swap < l->memory_max)) {
		log_error("invalid value '%s' for --memory-swap: needs --memory, and no less",
		          swap_arg);
		return -EINVAL;
	}
	if (dup) {
		log_error("invalid value '%s' for --volume or --tmpfs: duplicate destination", dup);
		return -EINVAL;
	}

	if (c->privileged && c->seccomp_file) {
		log_error("use --seccomp '%s': --privileged loads no seccomp filter",
		          c->seccomp_file);
		return -EINVAL;
	}
	if (c->privileged && c->caps_changed) {
		log_error("use --cap-add/--cap-drop: --privileged keeps every capability");
		return -EINVAL;
	}
	if ((c->log_path || c->log_max_size) && !c->detach) {
		log_error("use --%s: it needs --detach (a foreground container writes to the "
		          "terminal)",
		          c->log_path ? "log" : "log-max-size");
		return -EINVAL;
	}
	if (c->userns.mode != USERNS_HOST && c->net.mode == NET_HOST) {
		log_error("use --userns with --net host: sysfs needs the container's own network "
		          "namespace");
		return -EINVAL;
	}
	if (c->detach && (c->stats || c->stats_json)) {
		log_error("use --stats with --detach: launch stats NAME reads them while it runs");
		return -EINVAL;
	}
	return 0;
}

/* A rootfs that declares services in /etc/boxinit.conf needs no command either (an
 * empty one is what a -c bind mount leaves behind as its mount point). */
static bool rootfs_has_file(const char *rootfs, const char *file)
{
	char path[PATH_MAX];
	struct stat st;

	return (size_t)snprintf(path, sizeof(path), "%s%s", rootfs, file) < sizeof(path) &&
	       stat(path, &st) == 0 && st.st_size > 0;
}

static bool rootfs_has_services(const char *rootfs)
{
	return rootfs_has_file(rootfs, CONFIG_BOXINIT_CONF);
}

static int parse_operands(int argc, char **argv, struct launch_config *c)
{
	int i = optind;

	if (i >= argc) {
		log_error("missing ROOTFS and command (see launch --help)");
		return -EINVAL;
	}
	c->rootfs = strdup(argv[i++]);
	if (!c->rootfs)
		return log_errno(-ENOMEM, "parse options");
	if (i < argc && STREQ(argv[i], "--"))
		i++;
	/* boxinit needs no command when it has services to run, nor an image that names one
	 * (checked again once it is read). */
	if (i >= argc && !c->n_services && !c->config_file && !rootfs_has_services(c->rootfs) &&
	    !rootfs_has_file(c->rootfs, IMAGECONF_FILE) && !c->entrypoint) {
		log_error("missing command after '%s' (see launch --help)", c->rootfs);
		return -EINVAL;
	}
	c->cmd = argv + i;
	return 0;
}

static int parse_args(int argc, char **argv, struct launch_config *c, const char **swap_arg)
{
	int opt, r;

	/* '+': options end at ROOTFS, so CMD's own options are left alone. */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:hVv:e:w:u:m:p:c:itdP", options, NULL)) != -1) {
		if (opt == '?' || opt == ':') {
			report_getopt_error(opt, argc, argv);
			return -EINVAL;
		}
		if (opt == OPT_MEMORY_SWAP)
			*swap_arg = optarg;
		r = parse_option(opt, optarg, c);
		if (r != 0)
			return r;
	}
	return 0;
}

int config_parse(int argc, char **argv, struct launch_config *ret)
{
	struct launch_config c = {.cgroup_parent = CONFIG_DEFAULT_PARENT, .seccomp = true};
	const char *swap_arg = NULL;
	int r;

	c.volumes = calloc((size_t)argc + 1, sizeof(*c.volumes));
	c.env = calloc((size_t)argc + 1, sizeof(*c.env));
	c.services = calloc((size_t)argc + 1, sizeof(*c.services));
	c.tmpfs = calloc((size_t)argc + 1, sizeof(*c.tmpfs));
	if (!c.volumes || !c.env || !c.services || !c.tmpfs) {
		config_free(&c);
		return log_errno(-ENOMEM, "parse options");
	}
	r = parse_args(argc, argv, &c, &swap_arg);
	if (r == 0)
		r = parse_operands(argc, argv, &c);
	if (r == 0)
		r = check_combinations(&c, swap_arg);
	if (r == 0 && !c.name)
		r = generate_name(&c.name);
	if (r == 0 && netconf_check(&c.net)) {
		log_error("use --%s: it needs --net veth%s", netconf_check(&c.net),
		          STREQ(netconf_check(&c.net), "publish") ? " or slirp" : "");
		r = -EINVAL;
	}
	if (r == 0 && c.publish_all && c.net.mode != NET_VETH && c.net.mode != NET_SLIRP) {
		log_error("use --publish-all: it needs --net veth or slirp");
		r = -EINVAL;
	}
	if (r == 0)
		netconf_finish(&c.net, c.name);
	if (r != 0) {
		config_free(&c);
		return r;
	}
	if (!c.hostname)
		c.hostname = c.name;
	c.limits.all_devices = c.privileged;
	*ret = c;
	return 0;
}

void config_free(struct launch_config *c)
{
	for (size_t i = 0; c->volumes && i < c->n_volumes; i++) {
		free(c->volumes[i].src);
		free(c->volumes[i].dst);
	}
	for (size_t i = 0; c->tmpfs && i < c->n_tmpfs; i++) {
		free(c->tmpfs[i].dst);
		free(c->tmpfs[i].data);
	}
	free(c->tmpfs);
	for (size_t i = 0; c->env && i < c->n_env; i++)
		free(c->env[i]);
	free(c->volumes);
	free(c->env);
	free(c->services);
	free(c->rootfs);
	free(c->layer_dir);
	free(c->cmd_owned);
	free(c->image_user);
	json_decref(c->image);
	free(c->name);
	json_decref(c->seccomp_profile);
	netconf_free(&c->net);
	*c = (struct launch_config){0};
}

/* Replaces *path by its canonical form, which must exist. */
static int canonicalize(char **path, const char *what)
{
	char *real = realpath(*path, NULL);

	if (!real)
		return log_errno(-errno, "resolve %s '%s'", what, *path);
	free(*path);
	*path = real;
	return 0;
}

static int check_rootfs(struct launch_config *c)
{
	struct stat st, host_root;
	int r = canonicalize(&c->rootfs, "rootfs");

	if (r < 0)
		return r;
	if (stat(c->rootfs, &st) < 0)
		return log_errno(-errno, "stat rootfs '%s'", c->rootfs);
	if (!S_ISDIR(st.st_mode))
		return log_errno(-ENOTDIR, "use rootfs '%s'", c->rootfs);
	if (stat("/", &host_root) < 0)
		return log_errno(-errno, "stat '/'");
	/* The host's own root as a container root would hand the host to it. */
	if (st.st_dev == host_root.st_dev && st.st_ino == host_root.st_ino) {
		log_error("use rootfs '%s': it is the host's root directory", c->rootfs);
		return -EINVAL;
	}
	/* overlayfs's lowerdir takes ':' for a separator between layers, '\\' for an escape. */
	if (c->overlay != OVERLAY_NONE && strpbrk(c->rootfs, ":\\")) {
		log_error("use rootfs '%s' with --overlay: its path has a ':' or a '\\'",
		          c->rootfs);
		return -EINVAL;
	}
	return 0;
}

/* Can a user other than root search every directory down to path (and path itself)? A
 * directory closed to others, and to its group unless that is root's (or group_too is false),
 * stops them. */
static bool reachable_by_others(const char *path, bool group_too)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	struct stat st;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, path, len + 1);
	/* From path up to "/": each prefix is a directory on the way. */
	for (;;) {
		char *slash;

		if (stat(buf[0] ? buf : "/", &st) < 0)
			return false;
		if (!(st.st_mode & S_IXOTH) &&
		    (!group_too || !(st.st_mode & S_IXGRP) || st.st_gid == 0))
			return false;
		if (!buf[0])
			return true;
		slash = strrchr(buf, '/');
		*slash = '\0';
	}
}

/* Root in the container can leave a setuid-root file (or, given MKNOD, a device node) in a
 * writable rootfs; a host user who can reach it runs it as root. Said, not refused: a
 * rootfs the admin keeps under a shared path may be what they want. */
static void warn_if_reachable(const struct launch_config *c)
{
	struct statvfs sv = {0};

	/* Rootless: the container's root is the user, whose setuid files give nothing more. */
	if (c->rootless || c->read_only ||
	    (statvfs(c->rootfs, &sv) == 0 && (sv.f_flag & ST_RDONLY)))
		return;
	/* Under --userns the path is open to others (see config_check_host), and nodes cannot
	 * be made: a nosuid filesystem leaves nothing to fear. */
	if (c->userns.mode != USERNS_HOST && !(sv.f_flag & ST_NOSUID))
		log_warn("rootfs '%s' is writable by the container: a setuid file its root leaves "
		         "there is root's on the host (the mount is idmapped) and works for host "
		         "users; use --read-only, or a nosuid filesystem",
		         c->rootfs);
	else if (c->userns.mode == USERNS_HOST && reachable_by_others(c->rootfs, true))
		log_warn("rootfs '%s' is reachable by other users of this host and writable by the "
		         "container: a setuid file it leaves there works for them; make a parent "
		         "directory mode 0700, or use --read-only",
		         c->rootfs);
}

static bool has_limits(const struct cgroup_limits *l)
{
	return l->cpu_quota_us || l->cpu_weight || l->memory_max || l->memory_swap || l->pids_max ||
	       l->io_weight;
}

/* The cgroup launch itself runs in (v2: "0::/path"), into ret. */
static int own_cgroup(char *ret, size_t size)
{
	char buf[4096];
	char *p;
	int r = read_file("/proc/self/cgroup", buf, sizeof(buf));

	if (r < 0)
		return r;
	p = strstr(buf, "0::/");
	if (!p || (p != buf && p[-1] != '\n'))
		return -ENOENT;
	p += 3;
	p[strcspn(p, "\n")] = '\0';
	if ((size_t)snprintf(ret, size, "%s", p) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* A rootless limit needs a cgroup v2 directory the user may write (delegated: systemd's
 * user@.service, or by hand), and launch must run below it, since the kernel moves a
 * process only within what its mover may write. Default: the parent of launch's own cgroup
 * (`systemd-run --user --scope launch ...` puts launch in a scope of a delegated slice). */
static int check_rootless_cgroup(struct launch_config *c)
{
	static char parent[2048];
	char self[2048], dir[PATH_MAX];
	struct statfs sf;
	size_t n;
	int r;

	if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC) {
		log_error(
		    "use a limit in a rootless container: it needs cgroup v2, where a subtree "
		    "can be delegated to a user; this host's /sys/fs/cgroup is v1");
		return -EPERM;
	}
	r = own_cgroup(self, sizeof(self));
	if (r < 0)
		return log_errno(r, "find launch's own cgroup");
	if (!c->cgroup_parent_set) {
		char *slash = strrchr(self, '/');

		(void)snprintf(parent, sizeof(parent), "%.*s",
		               slash && slash != self ? (int)(slash - self) : 1, self);
		c->cgroup_parent = parent;
	}
	(void)snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s", c->cgroup_parent);
	n = strlen(c->cgroup_parent);
	if (access(dir, W_OK) < 0 || strncmp(self, c->cgroup_parent, n) != 0 ||
	    (self[n] != '/' && !STREQ(c->cgroup_parent, "/"))) {
		log_error(
		    "use a limit in a rootless container: cgroup '%s' is not delegated to "
		    "uid %u, or launch (in '%s') does not run below it; run launch in a "
		    "delegated cgroup (systemd-run --user --scope launch ...) or name one with "
		    "--cgroup-parent",
		    c->cgroup_parent, (unsigned)geteuid(), self);
		return -EPERM;
	}
	return 0;
}

/* launch run by an ordinary user: what it can and cannot have. */
static int check_rootless(struct launch_config *c)
{
	int r = paths_check();

	if (r < 0)
		return r;
	c->rootless = true;
	if (c->userns.mode != USERNS_HOST) {
		log_error("use --userns in a rootless container: its user namespace is the user's "
		          "own (0 inside is uid %u)",
		          (unsigned)geteuid());
		return -EINVAL;
	}
	if (c->overlay != OVERLAY_NONE) {
		log_error("use --overlay in a rootless container: the layer is not idmapped yet");
		return -EINVAL;
	}
	if (c->net.mode == NET_VETH) {
		log_error("use --net veth in a rootless container: it needs root; --net slirp "
		          "gives outbound access and published ports");
		return -EPERM;
	}
	if (c->net.mode == NET_HOST) {
		log_error("use --net host in a rootless container: sysfs needs the container's own "
		          "network namespace");
		return -EINVAL;
	}
	if (!has_limits(&c->limits)) {
		c->no_cgroup = true;
		return 0;
	}
	/* No device program: loading one takes CAP_BPF on the host. A user namespace makes no
	 * device node, and /dev holds only the host's harmless ones, under the host's modes. */
	c->limits.all_devices = true;
	return check_rootless_cgroup(c);
}

/* --seccomp FILE: read, and compiled once for the container's capability set so that a
 * mistake in it stops launch before anything exists (prepare compiles it again). */
static int load_seccomp_profile(struct launch_config *c)
{
	struct syscall_filter f = {0};
	struct stat st;
	json_error_t e;
	int r;

	/* A fifo or a terminal would block the read for good. */
	if (stat(c->seccomp_file, &st) == 0 && !S_ISREG(st.st_mode)) {
		log_error("read seccomp profile '%s': not a regular file", c->seccomp_file);
		return -EINVAL;
	}
	c->seccomp_profile = json_load_file(c->seccomp_file, JSON_REJECT_DUPLICATES, &e);
	if (!c->seccomp_profile) {
		if (e.line > 0)
			log_error("%s: line %d: %s", c->seccomp_file, e.line, e.text);
		else
			log_error("read seccomp profile '%s': %s", c->seccomp_file, e.text);
		return -EINVAL;
	}
	r = seccomp_profile_build_for(c->seccomp_profile, c->seccomp_file, capset_resolve(&c->caps),
	                              &f);
	syscalls_free(&f);
	return r;
}

/* -c FILE and --service, with boxinit's own parser: a mistake in them stops launch before
 * anything exists, in a message that names FILE as the user gave it. Users, executables and
 * working directories are the container's (volumes included): boxinit checks those. */
static int check_services(const struct launch_config *c)
{
	int r;

	if (!c->config_file && !c->n_services)
		return 0;
	r = svcconf_check(c->config_file, c->services, c->n_services);
	if (r == 0 && !c->cmd[0]) {
		log_error("%s: no service, and no command given (see launch --help)",
		          c->config_file ? c->config_file : "--service");
		return -EINVAL;
	}
	return r < 0 ? r : 0;
}

int config_check_host(struct launch_config *c)
{
	int r;

	if (paths_rootless()) {
		r = check_rootless(c);
		if (r < 0)
			return r;
	}
	r = check_services(c);
	if (r < 0)
		return r;
	r = check_rootfs(c);
	if (r < 0)
		return r;
	r = imageconf_apply(c);
	if (r < 0)
		return r;
	if (!c->cmd[0] && !c->n_services && !c->config_file && !rootfs_has_services(c->rootfs)) {
		log_error("missing command after '%s': its image config names none (see launch "
		          "--help)",
		          c->rootfs);
		return -EINVAL;
	}
	/* The container's root is no host user: it opens ROOTFS itself, by its path. */
	if (c->userns.mode != USERNS_HOST && !reachable_by_others(c->rootfs, false)) {
		log_error("use rootfs '%s' with --userns: a directory on its path is closed to "
		          "other users (the container's root is one; chmod o+x)",
		          c->rootfs);
		return -EACCES;
	}
	if (c->userns.mode != USERNS_HOST &&
	    c->n_volumes + (c->overlay != OVERLAY_NONE) > SYNC_MAX_FDS - 3) {
		log_error("use at most %d volumes with --userns%s",
		          SYNC_MAX_FDS - 3 - (c->overlay != OVERLAY_NONE),
		          c->overlay != OVERLAY_NONE ? " and --overlay" : "");
		return -EINVAL;
	}
	if (c->overlay != OVERLAY_NONE) {
		char dir[PATH_MAX];

		layer_path(c->name, dir, sizeof(dir));
		c->layer_dir = strdup(dir);
		if (!c->layer_dir)
			return log_errno(-ENOMEM, "check options");
		/* Root's alone: nobody else may see what the container writes there. */
		if (c->overlay_size)
			(void)snprintf(c->overlay_data, sizeof(c->overlay_data),
			               "mode=700,size=%" PRIu64, c->overlay_size);
		else
			(void)snprintf(c->overlay_data, sizeof(c->overlay_data), "mode=700");
	} else {
		/* The layer protects the rootfs from the container's writes. */
		warn_if_reachable(c);
	}
	for (size_t i = 0; i < c->n_volumes; i++) {
		r = canonicalize(&c->volumes[i].src, "volume source");
		if (r < 0)
			return r;
	}
	return c->seccomp_file ? load_seccomp_profile(c) : 0;
}
