// SPDX-License-Identifier: MIT
/*
 * box: the OCI runtime (runc's command line) on box's container core. main only reads the
 * global options, sets up logging and picks the command (oci/oci.h).
 */
#include <fcntl.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sealed.h"
#include "log.h"
#include "oci.h"
#include "ocistate.h"
#include "util.h"

static const struct {
	const char *name;
	int (*run)(const struct oci_global *g, int argc, char **argv);
} commands[] = {
    {"create", oci_create}, {"run", oci_run},
    {"start", oci_start},   {"state", oci_state},
    {"kill", oci_kill},     {"delete", oci_delete},
    {"list", oci_list},     {"ps", oci_ps},
    {"pause", oci_pause},   {"resume", oci_pause},
    {"update", oci_update}, {"exec", oci_exec},
    {"spec", oci_spec},     {"features", oci_features},
};

static void usage(void)
{
	printf("usage: box [--root DIR] [--log FILE] [--log-format text|json] [--debug]\n"
	       "           [--systemd-cgroup] [--rootless true|false|auto] COMMAND [OPTIONS] ID\n"
	       "An OCI runtime (runc's command line) on box's container core.\n"
	       "commands: create, start, run, state, kill, delete, exec, ps, list, pause, resume,\n"
	       "          update, spec, features\n"
	       "See box(8).\n");
}

static int version(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("box version %s\nspec: %s\nlibseccomp: %u.%u.%u\n", BOX_VERSION, OCI_VERSION,
	       v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
	return 0;
}

static int log_fd = -1;
static bool log_json;

/* {"level":"error","msg":"...","time":"2026-12-02T07:00:00Z"}: the shape engines parse (the
 * last error line is what containerd reports); text: the message as on stderr. */
static void log_sink(const char *level, const char *msg, size_t len)
{
	json_t *o;
	char *text, t[32];
	struct timespec ts;
	struct tm tm;

	if (!log_json) {
		(void)dprintf(log_fd, "box: %s%s%.*s\n", STREQ(level, "error") ? "" : level,
		              STREQ(level, "error") ? "" : ": ", (int)len, msg);
		return;
	}
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)gmtime_r(&ts.tv_sec, &tm);
	(void)strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_pack("{s:s, s:s%, s:s}", "level", level, "msg", msg, len, "time", t);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (text)
		(void)dprintf(log_fd, "%s\n", text);
	free(text);
	json_decref(o);
}

static int open_log(const char *path, const char *format)
{
	bool json;
	int fd;

	if (!format || STREQ(format, "text"))
		json = false;
	else if (STREQ(format, "json"))
		json = true;
	else {
		log_error("--log-format: '%s' is neither 'text' nor 'json'", format);
		return -EINVAL;
	}
	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return log_errno(-errno, "open log file '%s'", path);
	log_fd = fd;
	log_json = json;
	log_set_sink(log_sink);
	return 0;
}

/* --name V, --name=V; returns how many argv entries it used (0: not this option). */
static int global_value(const char *name, char **argv, int argc, int i, const char **ret)
{
	size_t n = strlen(name);

	if (strncmp(argv[i], name, n) != 0)
		return 0;
	if (argv[i][n] == '=') {
		*ret = argv[i] + n + 1;
		return 1;
	}
	if (argv[i][n] != '\0')
		return 0;
	if (i + 1 >= argc) {
		log_error("option '%s' needs a value", name);
		return -EINVAL;
	}
	*ret = argv[i + 1];
	return 2;
}

/* Inside a user namespace other than the host's (rootless podman runs its runtime there, as
 * root of the namespace): the first line of uid_map is not the identity of every id. */
static bool in_user_namespace(void)
{
	char buf[128];
	unsigned a, b, n;

	if (read_file("/proc/self/uid_map", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%u %u %u", &a, &b, &n) != 3)
		return false;
	return !(a == 0 && b == 0 && n == 4294967295U);
}

static int parse_global(int argc, char **argv, struct oci_global *g, int *ret_i)
{
	const char *log_path = NULL, *log_format = NULL, *rootless = NULL, *criu = NULL;
	int i = 1, used;

	while (i < argc && argv[i][0] == '-') {
		const char *a = argv[i];

		if (STREQ(a, "--debug") || STREQ(a, "--systemd-cgroup")) {
			*(a[2] == 'd' ? &g->debug : &g->systemd_cgroup) = true;
			i++;
			continue;
		}
		if ((used = global_value("--root", argv, argc, i, &g->root)) ||
		    (used = global_value("--log", argv, argc, i, &log_path)) ||
		    (used = global_value("--log-format", argv, argc, i, &log_format)) ||
		    (used = global_value("--rootless", argv, argc, i, &rootless)) ||
		    (used = global_value("--criu", argv, argc, i, &criu))) {
			if (used < 0)
				return used;
			i += used;
			continue;
		}
		break;
	}
	log_init("box", g->debug);
	if (!g->root[0]) {
		log_error("--root: '' is not a directory");
		return -EINVAL;
	}
	if (rootless && !STREQ(rootless, "true") && !STREQ(rootless, "false") &&
	    !STREQ(rootless, "auto")) {
		log_error("--rootless: '%s' is neither 'true', 'false' nor 'auto'", rootless);
		return -EINVAL;
	}
	/* auto (or none given): rootless when run by an ordinary user or inside a user
	 * namespace, as runc decides. */
	g->rootless = rootless && !STREQ(rootless, "auto") ? STREQ(rootless, "true")
	                                                   : geteuid() != 0 || in_user_namespace();
	*ret_i = i;
	return open_log(log_path, log_format);
}

int main(int argc, char **argv)
{
	static const char default_root[] = OCISTATE_DEFAULT_ROOT;
	static char user_root[4096];
	struct oci_global g = {.root = default_root};
	int i, r;

	log_init("box", false);
	r = parse_global(argc, argv, &g, &i);
	if (r < 0)
		return 1;
	if (i >= argc) {
		usage();
		return 1;
	}
	if (STREQ(argv[i], "--version") || STREQ(argv[i], "-v") || STREQ(argv[i], "version"))
		return version();
	if (STREQ(argv[i], "--help") || STREQ(argv[i], "-h") || STREQ(argv[i], "help")) {
		usage();
		return 0;
	}
	if (argv[i][0] == '-') {
		log_error("unknown global option '%s'", argv[i]);
		return 1;
	}
	/* An ordinary user's containers: under $XDG_RUNTIME_DIR, as runc keeps them (inside a
	 * user namespace too, when it is set: rootless podman's runtime root). */
	if (g.rootless && g.root == default_root && (geteuid() != 0 || getenv("XDG_RUNTIME_DIR"))) {
		const char *xdg = getenv("XDG_RUNTIME_DIR");

		if (!xdg || xdg[0] != '/') {
			log_error("run as uid %u: give --root, or set XDG_RUNTIME_DIR (box keeps "
			          "containers in $XDG_RUNTIME_DIR/box-oci)",
			          (unsigned)geteuid());
			return 1;
		}
		if (snprintf(user_root, sizeof(user_root), "%s/box-oci", xdg) >=
		    (int)sizeof(user_root)) {
			log_error("XDG_RUNTIME_DIR '%s' is too long", xdg);
			return 1;
		}
		g.root = user_root;
	}
	/* The commands whose processes enter the container run from a sealed copy of box
	 * (CVE-2019-5736: /proc/PID/exe of the first process before its exec, or of exec's,
	 * must not lead to the host's binary). */
	if ((STREQ(argv[i], "create") || STREQ(argv[i], "run") || STREQ(argv[i], "exec")) &&
	    sealed_reexec("box", argv) < 0)
		return 1;
	for (size_t c = 0; c < ARRAY_SIZE(commands); c++)
		if (STREQ(argv[i], commands[c].name))
			return commands[c].run(&g, argc - i, argv + i);
	if (STREQ(argv[i], "checkpoint") || STREQ(argv[i], "restore"))
		log_error("%s: not supported by box (no CRIU)", argv[i]);
	else
		log_error("unknown command '%s' (box --help lists them)", argv[i]);
	return 1;
}
