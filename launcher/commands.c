// SPDX-License-Identifier: MIT
/*
 * commands: see commands.h. The dispatcher and the commands that only read
 * records or talk to monitors: list, stop, kill, wait, rm. Runs in launch (root,
 * host); the output of list is for people (a table) or programs (--json).
 */
#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alive.h"
#include "cmd.h"
#include "initexec.h"
#include "kapi.h"
#include "layer.h"
#include "log.h"
#include "logfile.h"
#include "monitor.h"
#include "reap.h"
#include "state.h"
#include "util.h"

static const struct {
	const char *word;
	int (*run)(int argc, char **argv);
} commands[] = {
    {"list", cmd_list}, {"ps", cmd_ps},           {"stats", cmd_stats}, {"exec", cmd_exec},
    {"logs", cmd_logs}, {"stop", cmd_stop},       {"kill", cmd_kill},   {"wait", cmd_wait},
    {"rm", cmd_rm},     {"service", cmd_service}, {"diff", cmd_diff},   {"commit", cmd_commit},
};

bool commands_is_command(const char *word)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (STREQ(word, commands[i].word))
			return true;
	return false;
}

int commands_run(int argc, char **argv)
{
	char prog[32];

	(void)snprintf(prog, sizeof(prog), "launch %s", argv[0]);
	log_init("launch", getenv("BOX_DEBUG") != NULL);
	/* An ordinary user's commands act on that user's containers (paths.h). */
	if (paths_check() < 0)
		return EXIT_LAUNCH_FAILURE;
	/* Whatever dead containers left is undone first, by whichever command comes next. */
	reap_stale();
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (STREQ(argv[0], commands[i].word))
			return commands[i].run(argc, argv);
	return EXIT_LAUNCH_FAILURE;
}

/* --- shared by the commands ---------------------------------------------------------- */

int cmd_load(const char *name, struct state *ret)
{
	int r = state_load(name, ret);

	if (r == -ENOENT) {
		log_error("no container '%s'", name);
		return r;
	}
	if (r < 0)
		return log_errno(r, "read the record of container '%s'", name);
	return 0;
}

/* Running, or with or_stopping on its way out too (a signal may still reach it). */
static int load_live(const char *name, struct state *ret, bool or_stopping)
{
	int r = cmd_load(name, ret);

	if (r < 0)
		return r;
	if ((ret->status != STATE_RUNNING && !(or_stopping && ret->status == STATE_STOPPING)) ||
	    !state_is_live(name)) {
		log_error("container '%s' is not running (%s)", name,
		          state_status_name(ret->status));
		state_free(ret);
		return -ESRCH;
	}
	return 0;
}

int cmd_load_running(const char *name, struct state *ret)
{
	return load_live(name, ret, false);
}

int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
               const char *usage)
{
	int opt;

	opterr = 0;
	opt = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (opt == '?' || opt == ':') {
		const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

		if (opt == ':')
			log_error("option '%s' needs a value (usage: %s)", arg, usage);
		else
			log_error("unknown option '%s' (usage: %s)", arg, usage);
		return -EINVAL;
	}
	return opt;
}

void cmd_duration(int64_t ns, char *ret, size_t size)
{
	int64_t s = ns / 1000000000;

	if (s < 60)
		(void)snprintf(ret, size, "%llds", (long long)s);
	else if (s < 3600)
		(void)snprintf(ret, size, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		(void)snprintf(ret, size, "%lldh", (long long)(s / 3600));
	else
		(void)snprintf(ret, size, "%lldd", (long long)(s / 86400));
}

/* --- list ------------------------------------------------------------------------------- */

static const struct option list_opts[] = {
    {"all", no_argument, NULL, 'a'},
    {"json", no_argument, NULL, 'j'},
    {NULL, 0, NULL, 0},
};

static void limits_text(json_t *limits, char *ret, size_t size)
{
	json_int_t quota = 0, period = 0, mem = 0, pids = 0;
	size_t n = 0;

	ret[0] = '\0';
	(void)json_unpack(limits, "{s?I, s?I, s?I, s?I}", "cpu_quota_us", &quota, "cpu_period_us",
	                  &period, "memory", &mem, "pids_limit", &pids);
	if (quota && period)
		n += (size_t)snprintf(ret + n, size - n, "cpus=%.2f ",
		                      (double)quota / (double)period);
	if (mem && n < size)
		n += (size_t)snprintf(ret + n, size - n, "memory=%lldM ", (long long)(mem >> 20));
	if (pids && n < size)
		n += (size_t)snprintf(ret + n, size - n, "pids=%lld ", (long long)pids);
	if (n == 0)
		(void)snprintf(ret, size, "-");
	else if (n < size)
		ret[n - 1] = '\0';
}

static json_t *list_entry(const struct state *s, bool live)
{
	const char *status = live ? state_status_name(s->status) : "stopped";
	json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:s?, s:O?, s:O?}", "name", s->name, "status",
	                      status, "pid", live ? (int)s->pid1 : 0, "rootfs", s->rootfs,
	                      "address", s->net.address[0] ? s->net.address : NULL, "ports",
	                      s->net.publish, "limits", s->limits);

	if (!o)
		return NULL;
	if (live && s->started_ns)
		(void)json_object_set_new(
		    o, "uptime_s", json_integer((state_now_ns() - s->started_ns) / 1000000000));
	if (s->started_ns)
		(void)json_object_set_new(o, "started_ns", json_integer(s->started_ns));
	if (!live && s->exited)
		(void)json_object_set_new(o, "exit_code", json_integer(s->exit_code));
	return o;
}

static void list_row(const struct state *s, bool live)
{
	char uptime[16] = "-", status[32], limits[64], ports[128] = "-", pid[16] = "-";
	size_t n = 0, i;
	json_t *p;

	if (live && s->started_ns)
		cmd_duration(state_now_ns() - s->started_ns, uptime, sizeof(uptime));
	if (live)
		(void)snprintf(status, sizeof(status), "%s", state_status_name(s->status));
	else if (s->exited)
		(void)snprintf(status, sizeof(status), "exited (%d)", s->exit_code);
	else
		(void)snprintf(status, sizeof(status), "stopped (?)");
	limits_text(s->limits, limits, sizeof(limits));
	json_array_foreach(s->net.publish, i, p)
	{
		n += (size_t)snprintf(ports + n, sizeof(ports) - n, "%s%s", n ? "," : "",
		                      json_string_value(p));
		if (n >= sizeof(ports))
			break;
	}
	if (live)
		(void)snprintf(pid, sizeof(pid), "%d", (int)s->pid1);
	printf("%-20s %-12s %-8s %-7s %-15s %-24s %-30s %s\n", s->name, status, pid, uptime,
	       s->net.address[0] ? s->net.address : "-", ports, s->rootfs, limits);
}

int cmd_list(int argc, char **argv)
{
	bool all = false, json = false;
	json_t *out = NULL;
	char **names = NULL;
	struct state *v;
	size_t n;
	int opt;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, "aj", list_opts, "launch list [--all] [--json]")) !=
	       -1)
		if (opt < 0)
			return EXIT_LAUNCH_FAILURE;
		else if (opt == 'a')
			all = true;
		else
			json = true;
	if (optind < argc) {
		log_error("unexpected '%s' (usage: launch list [--all] [--json])", argv[optind]);
		return EXIT_LAUNCH_FAILURE;
	}
	if (state_names(&names) < 0) {
		(void)log_errno(-ENOMEM, "list containers");
		return EXIT_LAUNCH_FAILURE;
	}
	if (json)
		out = json_array();
	else
		printf("%-20s %-12s %-8s %-7s %-15s %-24s %-30s %s\n", "NAME", "STATUS", "PID",
		       "UPTIME", "ADDRESS", "PORTS", "ROOTFS", "LIMITS");
	/* Every record is kept until the end: freed one by one, each parse's blocks went back
	 * to the kernel and the next parse mapped them again (musl's allocator), five munmap
	 * and mmap pairs a record. */
	for (n = 0; names[n]; n++)
		;
	v = calloc(n ?: 1, sizeof(*v));
	if (!v) {
		strv_free(names);
		(void)log_errno(-ENOMEM, "list containers");
		return EXIT_LAUNCH_FAILURE;
	}
	for (size_t i = 0; i < n; i++) {
		struct state *s = &v[i];
		bool live;

		if (state_load(names[i], s) < 0)
			continue;
		live = s->status != STATE_STOPPED && state_is_live(names[i]);
		if (live || all) {
			if (json)
				(void)json_array_append_new(out, list_entry(s, live));
			else
				list_row(s, live);
		}
	}
	for (size_t i = 0; i < n; i++)
		state_free(&v[i]);
	free(v);
	strv_free(names);
	if (json) {
		(void)json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(out);
	}
	return fflush(stdout) == 0 ? 0 : EXIT_LAUNCH_FAILURE;
}

/* --- stop, kill, wait, rm ------------------------------------------------------------------ */

/* Containers stopped at once by one launch stop (each holds a descriptor until it ends). */
#define STOP_WINDOW 256

static const struct option stop_opts[] = {
    {"time", required_argument, NULL, 't'},
    {NULL, 0, NULL, 0},
};

/* The container's own --grace, as the default of stop -t. */
static uint64_t record_grace_ms(struct state *s)
{
	const char *grace = NULL;
	uint64_t ms = 10000;

	if (state_load_config(s) == 0 && json_unpack(s->config, "{s?s}", "grace", &grace) == 0 &&
	    grace)
		(void)parse_duration_ms(grace, &ms);
	return ms;
}

/* "exit N" from a monitor: N, or -1 when it did not say. */
static int exit_of(const char *reply)
{
	int code;

	return sscanf(reply, "exit %d", &code) == 1 ? code : -1;
}

/* Asks NAME's monitor to stop it and to answer when it has ended: the connection, or -errno
 * (logged). */
static int stop_ask(const char *name, const char *grace)
{
	char line[64];
	struct state s = {0};
	uint64_t ms;
	int r = cmd_load_running(name, &s);

	if (r < 0)
		return r;
	ms = record_grace_ms(&s);
	state_free(&s);
	if (grace && parse_duration_ms(grace, &ms) < 0) {
		log_error("invalid value '%s' for --time", grace);
		return -EINVAL;
	}
	/* wait first: the reply to it comes when the container has ended, whatever happens. */
	(void)snprintf(line, sizeof(line), "wait\nstop %" PRIu64 "\n", ms);
	r = monitor_send(name, line);
	return r < 0 ? log_errno(r, "stop container '%s'", name) : r;
}

static int stop_reply(const char *name, int fd)
{
	char reply[64];
	int r = monitor_reply(fd, "exit", reply, sizeof(reply), -1);

	(void)safe_close(fd);
	if (r < 0)
		return log_errno(r, "stop container '%s'", name);
	if (exit_of(reply) < 0)
		printf("%s: stopped\n", name);
	else
		printf("%s: exited with %d\n", name, exit_of(reply));
	return 0;
}

int cmd_stop(int argc, char **argv)
{
	const char *usage = "launch stop [-t GRACE] NAME...", *grace = NULL;
	int opt, failed = 0;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, "t:", stop_opts, usage)) != -1)
		if (opt < 0)
			return EXIT_LAUNCH_FAILURE;
		else
			grace = optarg;
	if (optind >= argc) {
		log_error("missing NAME (usage: %s)", usage);
		return EXIT_LAUNCH_FAILURE;
	}
	/* A bad GRACE is one error, before any container is looked up. */
	if (grace && parse_duration_ms(grace, &(uint64_t){0}) < 0) {
		log_error("invalid value '%s' for --time", grace);
		return EXIT_LAUNCH_FAILURE;
	}
	/* Every container is asked before any answer is read: they stop side by side, in the
	 * time of the slowest rather than of all together; a window at a time, so a long list
	 * stays within the descriptor limit. Answers are printed in the order given. */
	for (int i = optind; i < argc; i += STOP_WINDOW) {
		int end = argc - i > STOP_WINDOW ? i + STOP_WINDOW : argc, fds[STOP_WINDOW];

		for (int j = i; j < end; j++)
			fds[j - i] = stop_ask(argv[j], grace);
		for (int j = i; j < end; j++)
			failed |= fds[j - i] < 0 || stop_reply(argv[j], fds[j - i]) < 0;
	}
	return failed ? EXIT_LAUNCH_FAILURE : 0;
}

static const struct option kill_opts[] = {
    {"signal", required_argument, NULL, 's'},
    {NULL, 0, NULL, 0},
};

int cmd_kill(int argc, char **argv)
{
	const char *usage = "launch kill [-s SIGNAL] NAME...";
	int opt, sig = SIGKILL, failed = 0;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, "s:", kill_opts, usage)) != -1) {
		if (opt < 0)
			return EXIT_LAUNCH_FAILURE;
		sig = signal_parse(optarg);
		if (sig < 0) {
			log_error("invalid value '%s' for --signal", optarg);
			return EXIT_LAUNCH_FAILURE;
		}
	}
	if (optind >= argc) {
		log_error("missing NAME (usage: %s)", usage);
		return EXIT_LAUNCH_FAILURE;
	}
	for (int i = optind; i < argc; i++) {
		char line[32], reply[64];
		struct state s = {0};
		/* A stopping container too: a signal is how its grace is cut short. */
		int r = load_live(argv[i], &s, true);

		state_free(&s);
		if (r == 0) {
			(void)snprintf(line, sizeof(line), "kill %d\n", sig);
			r = monitor_ask(argv[i], line, NULL, reply, sizeof(reply), 5000);
			if (r < 0)
				log_errno(r, "signal container '%s'", argv[i]);
		}
		failed |= r < 0;
	}
	return failed ? EXIT_LAUNCH_FAILURE : 0;
}

int cmd_wait(int argc, char **argv)
{
	char reply[64];
	struct state s = {0};
	int r;

	if (argc != 2 || argv[1][0] == '-') {
		log_error("usage: launch wait NAME");
		return EXIT_LAUNCH_FAILURE;
	}
	r = cmd_load(argv[1], &s);
	if (r < 0)
		return EXIT_LAUNCH_FAILURE;
	/* Ended and kept: its status is in the record. */
	if (s.status == STATE_STOPPED || !state_is_live(argv[1])) {
		r = s.exited ? s.exit_code : EXIT_LAUNCH_FAILURE;
		state_free(&s);
		return r;
	}
	state_free(&s);
	r = monitor_ask(argv[1], "wait\n", "exit", reply, sizeof(reply), -1);
	if (r == 0)
		return exit_of(reply) < 0 ? EXIT_LAUNCH_FAILURE : exit_of(reply);
	/* It ended as we asked: a kept one says how in its record. */
	if (state_load(argv[1], &s) == 0 && s.status == STATE_STOPPED && s.exited) {
		r = s.exit_code;
		state_free(&s);
		return r;
	}
	state_free(&s);
	log_error("wait for container '%s': it ended, and its exit status went with it (--keep "
	          "keeps it)",
	          argv[1]);
	return EXIT_LAUNCH_FAILURE;
}

static const struct option rm_opts[] = {
    {"force", no_argument, NULL, 'f'},
    {NULL, 0, NULL, 0},
};

/* rm -f of a container still being set up: its monitor answers only once the container
 * runs, so wait (up to 30 s) for the set-up to end, one way or the other. */
static void wait_set_up(const char *name)
{
	const struct timespec tick = {.tv_nsec = 10 * 1000 * 1000};

	for (int i = 0; i < 3000 && state_is_live(name); i++) {
		struct state s = {0};
		bool creating = state_load(name, &s) < 0 || s.status == STATE_CREATING;

		state_free(&s);
		if (!creating)
			return;
		(void)nanosleep(&tick, NULL);
	}
}

static int rm_one(const char *name, bool force)
{
	struct state_lock *l = NULL;
	struct state s = {0};
	char reply[64];
	int r;

	if (force)
		wait_set_up(name);
	r = cmd_load(name, &s);
	if (r < 0)
		return r;
	if (state_is_live(name)) {
		if (!force) {
			log_error("container '%s' is running: stop it first, or rm -f", name);
			state_free(&s);
			return -EBUSY;
		}
		(void)monitor_ask(name, "wait\nkill 9\n", "exit", reply, sizeof(reply), 30000);
	}
	r = state_lock_dead(name, &l);
	if (r == -ENOENT && force) {
		/* Killed above: its monitor removed it as it ended (it was not kept). */
		state_free(&s);
		return 0;
	}
	if (r < 0) {
		state_free(&s);
		return log_errno(r, "remove container '%s'", name);
	}
	if (s.log_path)
		logfile_remove(s.log_path);
	if (s.layer)
		layer_remove(s.layer);
	state_free(&s);
	alive_forget_dead(l);
	state_release(l, true);
	return 0;
}

int cmd_rm(int argc, char **argv)
{
	const char *usage = "launch rm [-f] NAME...";
	bool force = false;
	int opt, failed = 0;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, "f", rm_opts, usage)) != -1)
		if (opt < 0)
			return EXIT_LAUNCH_FAILURE;
		else
			force = true;
	if (optind >= argc) {
		log_error("missing NAME (usage: %s)", usage);
		return EXIT_LAUNCH_FAILURE;
	}
	for (int i = optind; i < argc; i++)
		failed |= rm_one(argv[i], force) < 0;
	return failed ? EXIT_LAUNCH_FAILURE : 0;
}
