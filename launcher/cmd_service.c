// SPDX-License-Identifier: MIT
/*
 * cmd_service: `launch service NAME [status|start|stop|restart|signal SIG]
 * [SERVICE] [--json]`: boxinit's service control (init/control.c) from the host.
 * The socket is in the container's /dev: a child of launch chroots into the
 * container's root (through /proc/PID/root, PID 1 checked by its start time)
 * before it connects, so a link planted there can only lead inside the
 * container. Every reply comes from the container and is checked as such.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "util.h"
#include "waiter.h"

#define SERVICE_SOCK      "/dev/boxinit.sock" /* boxinit's CONTROL_PATH */
#define SERVICE_REPLY     16384
#define SERVICE_TIMEOUT_S 5

/* In the child, chrooted in the container: one request, the reply onto out. 0 or -errno. */
static int ask_inside(const char *request, int out)
{
	/* Whatever listens there is the container's: it gets 5 s, not forever. */
	const struct timeval tv = {.tv_sec = SERVICE_TIMEOUT_S};
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	char buf[SERVICE_REPLY];
	size_t got = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memcpy(a.sun_path, SERVICE_SOCK, sizeof(SERVICE_SOCK));
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -errno;
	if (write_all(fd, request, strlen(request)) < 0 || write_all(fd, "\n", 1) < 0)
		return -errno;
	while (got < sizeof(buf)) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return -ETIMEDOUT;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return write_all(out, buf, got) < 0 ? -EIO : 0;
}

int service_query(const struct state *s, const char *request, json_t **ret)
{
	char root[64], buf[SERVICE_REPLY + 1];
	int fd, status, r;
	ssize_t n;
	pid_t pid;

	if (!state_proc_is(s->pid1, s->pid1_start))
		return -ESRCH;
	(void)snprintf(root, sizeof(root), "/proc/%d/root", (int)s->pid1);
	pid = fork_with_pipe(&fd);
	if (pid < 0)
		return pid;
	/* The child's exit status is the errno of its failure, 0 when it answered. */
	if (pid == 0) {
		if (chdir(root) < 0 || chroot(".") < 0)
			_exit(errno);
		_exit(-ask_inside(request, fd));
	}
	n = read_all(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	r = waiter_wait(pid, &status);
	if (r < 0)
		return r;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return -WEXITSTATUS(status);
	if (n <= 0)
		return -EBADMSG;
	buf[n] = '\0';
	*ret = json_loads(buf, 0, NULL);
	return json_is_object(*ret) ? 0 : -EBADMSG;
}

/* What the container said, printed without its control characters. */
static void print_clean(const char *s)
{
	for (; s && *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static void print_table(json_t *services)
{
	size_t i;
	json_t *e;

	printf("%-20s %-10s %-8s %-9s %-6s %s\n", "SERVICE", "STATE", "PID", "RESTARTS", "EXIT",
	       "FOR");
	json_array_foreach(services, i, e)
	{
		const char *name = "?", *state = "?";
		json_int_t pid = 0, restarts = 0, secs = 0;
		json_t *code = NULL;
		char exitbuf[24] = "-", pidbuf[24] = "-", since[16];

		(void)json_unpack(e, "{s?s, s?s, s?I, s?I, s?o, s?I}", "name", &name, "state",
		                  &state, "pid", &pid, "restarts", &restarts, "exit", &code,
		                  "for_s", &secs);
		if (json_is_integer(code))
			(void)snprintf(exitbuf, sizeof(exitbuf), "%lld",
			               (long long)json_integer_value(code));
		if (pid > 0)
			(void)snprintf(pidbuf, sizeof(pidbuf), "%lld", (long long)pid);
		cmd_duration((int64_t)secs * 1000000000, since, sizeof(since));
		print_clean(name);
		printf("%*s", (int)(name && strlen(name) < 20 ? 21 - strlen(name) : 1), "");
		print_clean(state);
		printf("%*s%-8s %-9lld %-6s %s\n",
		       (int)(state && strlen(state) < 10 ? 11 - strlen(state) : 1), "", pidbuf,
		       (long long)restarts, exitbuf, since);
	}
}

static const struct option service_opts[] = {
    {"json", no_argument, NULL, 'j'},
    {NULL, 0, NULL, 0},
};

int cmd_service(int argc, char **argv)
{
	const char *usage = "launch service NAME [status|start|stop|restart|signal SIG] [SERVICE]";
	const char *verb = "status", *svc = NULL, *sig = NULL, *error = NULL;
	char request[160];
	bool json = false;
	struct state s = {0};
	json_t *reply = NULL;
	int opt, ok = 0, r;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, "j", service_opts, usage)) != -1)
		if (opt < 0)
			return EXIT_LAUNCH_FAILURE;
		else
			json = true;
	if (optind >= argc) {
		log_error("missing NAME (usage: %s)", usage);
		return EXIT_LAUNCH_FAILURE;
	}
	if (optind + 1 < argc)
		verb = argv[optind + 1];
	if (STREQ(verb, "signal")) {
		sig = optind + 2 < argc ? argv[optind + 2] : NULL;
		svc = optind + 3 < argc ? argv[optind + 3] : NULL;
		if (sig && signal_parse(sig) < 0) {
			log_error("invalid signal '%s' (usage: %s)", sig, usage);
			return EXIT_LAUNCH_FAILURE;
		}
		if (!sig || !svc || optind + 4 < argc) {
			log_error("usage: launch service NAME signal SIG SERVICE");
			return EXIT_LAUNCH_FAILURE;
		}
	} else if (STREQ(verb, "status") || STREQ(verb, "start") || STREQ(verb, "stop") ||
	           STREQ(verb, "restart")) {
		svc = optind + 2 < argc ? argv[optind + 2] : NULL;
		if ((!svc && !STREQ(verb, "status")) || optind + 3 < argc) {
			log_error("usage: %s", usage);
			return EXIT_LAUNCH_FAILURE;
		}
	} else {
		log_error("unknown action '%s' (usage: %s)", verb, usage);
		return EXIT_LAUNCH_FAILURE;
	}
	/* Names and signals go into a one-line request: no spaces, no newlines. */
	if ((svc && strpbrk(svc, " \t\n")) || strlen(svc ? svc : "") > 64) {
		log_error("invalid service name '%s'", svc);
		return EXIT_LAUNCH_FAILURE;
	}
	if (cmd_load_running(argv[optind], &s) < 0)
		return EXIT_LAUNCH_FAILURE;
	if (sig)
		(void)snprintf(request, sizeof(request), "signal %s %d", svc, signal_parse(sig));
	else
		(void)snprintf(request, sizeof(request), "%s%s%s", verb, svc ? " " : "",
		               svc ? svc : "");
	r = service_query(&s, request, &reply);
	state_free(&s);
	if (r == -ENOENT || r == -ECONNREFUSED) {
		log_error("container '%s' has no service control (it declares no services)",
		          argv[optind]);
		return EXIT_LAUNCH_FAILURE;
	}
	if (r < 0) {
		(void)log_errno(r, "ask container '%s'", argv[optind]);
		return EXIT_LAUNCH_FAILURE;
	}
	(void)json_unpack(reply, "{s?b, s?s}", "ok", &ok, "error", &error);
	if (!ok) {
		log_error("container '%s': %s", argv[optind], error ? error : "request refused");
		json_decref(reply);
		return EXIT_LAUNCH_FAILURE;
	}
	if (json) {
		(void)json_dumpf(reply, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (json_is_array(json_object_get(reply, "services"))) {
		print_table(json_object_get(reply, "services"));
	}
	json_decref(reply);
	return fflush(stdout) == 0 ? 0 : EXIT_LAUNCH_FAILURE;
}
