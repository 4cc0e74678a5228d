// SPDX-License-Identifier: MIT
/*
 * cmd_ps: `launch ps [--json] NAME`: the processes of a running container, from
 * its cgroup, with their pid on the host and inside, their user (named from the
 * container's own /etc/passwd), the service each belongs to (boxinit's service
 * control) and their command line. Everything read from the container is
 * untrusted: files are opened inside its root (openat2 RESOLVE_IN_ROOT, so a
 * symlink cannot lead to the host's), bounded, and printed without control
 * characters.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "log.h"
#include "ns.h"
#include "util.h"

#define PASSWD_MAX (1 << 20)

struct proc {
	pid_t pid, inside, ppid;
	unsigned uid;
	char *command;
	const char *service;
};

/* Opens path in the container's root, as its processes would see it; a regular file only. */
static int open_in_container(const struct state *s, const char *path)
{
	struct open_how how = {
	    .flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	_cleanup_close_ int root = -1;
	char p[64];
	struct stat st;
	long fd;

	(void)snprintf(p, sizeof(p), "/proc/%d/root", (int)s->pid1);
	root = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* The pid was PID 1 of this container before and after the open: the root is its. */
	if (root < 0 || !state_proc_is(s->pid1, s->pid1_start))
		return -ESRCH;
	fd = syscall(SYS_openat2, root, path, &how, sizeof(how));
	if (fd < 0)
		return -errno;
	if (fstat((int)fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		(void)close((int)fd);
		return -EINVAL;
	}
	return (int)fd;
}

/* The container's /etc/passwd, whole (bounded), or NULL. */
static char *read_passwd(const struct state *s)
{
	_cleanup_close_ int fd = open_in_container(s, "/etc/passwd");
	char *buf;
	ssize_t n;

	if (fd < 0 || !(buf = malloc(PASSWD_MAX + 1)))
		return NULL;
	n = read_all(fd, buf, PASSWD_MAX);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* The name of uid in passwd, into ret; the number when it has none. */
static void user_name(const char *passwd, unsigned uid, char *ret, size_t size)
{
	(void)snprintf(ret, size, "%u", uid);
	for (const char *l = passwd; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
		const char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		const char *eol = strchrnul(l, '\n');
		char *end;

		if (!c2 || c2 > eol || c1 == l)
			continue;
		if (strtoul(c2 + 1, &end, 10) == uid && end != c2 + 1 && *end == ':') {
			size_t len = (size_t)(c1 - l);

			if (len >= size)
				len = size - 1;
			memcpy(ret, l, len);
			ret[len] = '\0';
			return;
		}
	}
}

static void clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* Pid inside (the last NSpid), parent and effective uid from /proc/PID/status. */
static int read_status(struct proc *p)
{
	char path[64], buf[4096];
	const char *l;

	(void)snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -ESRCH;
	if ((l = strstr(buf, "\nPPid:")))
		p->ppid = (pid_t)strtol(l + 6, NULL, 10);
	if ((l = strstr(buf, "\nUid:"))) {
		char *e;

		(void)strtoul(l + 5, &e, 10);
		p->uid = (unsigned)strtoul(e, NULL, 10);
	}
	if ((l = strstr(buf, "\nNSpid:"))) {
		const char *eol = strchrnul(l + 1, '\n');
		const char *last = eol;

		while (last > l && last[-1] != '\t' && last[-1] != ' ')
			last--;
		p->inside = (pid_t)strtol(last, NULL, 10);
	}
	return 0;
}

static char *read_command(pid_t pid)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	(void)snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read_all(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		(void)close(fd);
	if (n <= 0) {
		/* A kernel thread or a zombie: its name, in brackets like ps. */
		(void)snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		if (read_file(path, buf + 1, sizeof(buf) - 3) < 0)
			return NULL;
		buf[0] = '[';
		strcat(buf, "]");
	} else {
		buf[n] = '\0';
		while (n > 0 && buf[n - 1] == '\0')
			n--;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
	}
	clean(buf);
	return strdup(buf);
}

static struct proc *find(struct proc *v, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].pid == pid)
			return &v[i];
	return NULL;
}

/* Each process belongs to the service whose main process is it or an ancestor; "exec" when
 * its ancestry leaves the container below PID 1 (launch exec joined it from the host). */
static void assign_services(struct proc *v, size_t n, json_t *services)
{
	for (size_t i = 0; i < n; i++) {
		struct proc *p = &v[i];

		for (size_t depth = 0; p && depth < n; depth++) {
			size_t k;
			json_t *e;

			if (p->inside == 1)
				break;
			json_array_foreach(services, k, e)
			{
				const char *name = NULL;
				json_int_t pid = 0;

				if (json_unpack(e, "{s:s, s:I}", "name", &name, "pid", &pid) == 0 &&
				    pid > 1 && pid == p->inside)
					v[i].service = name;
			}
			if (v[i].service)
				break;
			if (!find(v, n, p->ppid)) {
				v[i].service = "exec";
				break;
			}
			p = find(v, n, p->ppid);
		}
	}
}

static int by_inside(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return (x->inside > y->inside) - (x->inside < y->inside);
}

static const struct option ps_opts[] = {
    {"json", no_argument, NULL, 'j'},
    {NULL, 0, NULL, 0},
};

int cmd_ps(int argc, char **argv)
{
	const char *usage = "launch ps [--json] NAME";
	_cleanup_free_ char *passwd = NULL;
	struct cgroup *cg = NULL;
	struct state s = {0};
	struct proc *v = NULL;
	json_t *reply = NULL, *out = NULL;
	pid_t *pids = NULL;
	size_t n = 0, kept = 0;
	bool json = false;
	int opt, r, rc = EXIT_LAUNCH_FAILURE;

	optind = 0;
	while ((opt = cmd_getopt(argc, argv, "j", ps_opts, usage)) != -1)
		if (opt < 0)
			return EXIT_LAUNCH_FAILURE;
		else
			json = true;
	if (optind + 1 != argc) {
		log_error("%s NAME (usage: %s)", optind >= argc ? "missing" : "one", usage);
		return EXIT_LAUNCH_FAILURE;
	}
	if (cmd_load_running(argv[optind], &s) < 0)
		return EXIT_LAUNCH_FAILURE;
	if (json_array_size(s.cgroups) == 0) {
		r = ns_pid_members(s.pid1, &pids, &n); /* rootless without limits: no cgroup */
	} else {
		r = cgroup_open(s.cgroup_parent, s.name, &cg);
		if (r >= 0)
			r = cgroup_pids(cg, &pids, &n);
	}
	if (r < 0) {
		log_errno(r, "read the processes of container '%s'", s.name);
		goto out;
	}
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		goto out;
	for (size_t i = 0; i < n; i++) {
		v[kept] = (struct proc){.pid = pids[i]};
		if (read_status(&v[kept]) < 0 || !(v[kept].command = read_command(pids[i])))
			continue; /* gone meanwhile */
		kept++;
	}
	qsort(v, kept, sizeof(*v), by_inside);
	passwd = read_passwd(&s);
	if (service_query(&s, "status", &reply) == 0)
		assign_services(v, kept, json_object_get(reply, "services"));
	else
		assign_services(v, kept, NULL);
	if (json)
		out = json_array();
	else
		printf("%-8s %-8s %-12s %-12s %s\n", "PID", "INSIDE", "USER", "SERVICE", "COMMAND");
	for (size_t i = 0; i < kept; i++) {
		char user[33], service[13];

		user_name(passwd, v[i].uid, user, sizeof(user));
		clean(user);
		(void)snprintf(service, sizeof(service), "%s", v[i].service ? v[i].service : "-");
		clean(service);
		if (json)
			(void)json_array_append_new(
			    out, json_pack("{s:i, s:i, s:i, s:s, s:s?, s:s}", "pid", (int)v[i].pid,
			                   "inside", (int)v[i].inside, "uid", (int)v[i].uid, "user",
			                   user, "service", v[i].service, "command", v[i].command));
		else
			printf("%-8d %-8d %-12s %-12s %s\n", (int)v[i].pid, (int)v[i].inside, user,
			       service, v[i].command);
	}
	if (json) {
		(void)json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	rc = fflush(stdout) == 0 ? 0 : EXIT_LAUNCH_FAILURE;
out:
	for (size_t i = 0; v && i < n; i++)
		free(v[i].command);
	free(v);
	free(pids);
	json_decref(out);
	json_decref(reply);
	if (cg)
		cgroup_close(cg);
	state_free(&s);
	return rc;
}
