// SPDX-License-Identifier: MIT
/*
 * probe: the test suites' multi-command helper, static so it runs inside any
 * rootfs. Each command observes or provokes one behaviour and prints simple
 * "key=value" lines on stdout. It must never depend on files of the rootfs
 * other than /proc and /dev, and every process it forks ends by itself.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long arg_long(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "probe: bad number '%s'\n", s);
		exit(EXIT_USAGE);
	}
	return v;
}

static double arg_seconds(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0) {
		fprintf(stderr, "probe: bad duration '%s'\n", s);
		exit(EXIT_USAGE);
	}
	return v;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleeps the whole duration even when signals interrupt it. */
static void sleep_seconds(double secs)
{
	double end = now_mono() + secs;
	double left;

	while ((left = end - now_mono()) > 0) {
		struct timespec ts = {(time_t)left, (long)((left - (time_t)left) * 1e9)};

		(void)nanosleep(&ts, NULL);
	}
}

static void say_ready(void)
{
	printf("ready=1\n");
	fflush(stdout);
}

static int cmd_pid(void)
{
	printf("pid=%d\nppid=%d\npgid=%d\nsid=%d\n", getpid(), getppid(), getpgrp(), getsid(0));
	return 0;
}

static int cmd_exit(const char *code)
{
	fflush(stdout);
	_exit((int)arg_long(code, 0, 255));
}

static int signal_by_name(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {
	    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ILL", SIGILL},
	    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT}, {"BUS", SIGBUS},   {"FPE", SIGFPE},
	    {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
	    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"SYS", SIGSYS},
	};

	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].sig;
	return (int)arg_long(s, 1, _NSIG - 1);
}

static int cmd_kill_self(const char *name)
{
	int sig = signal_by_name(name);
	sigset_t all;

	/* The default action must apply, whatever the parent left us. */
	signal(sig, SIG_DFL);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	fflush(stdout);
	kill(getpid(), sig);
	fprintf(stderr, "probe: still alive after signal %d\n", sig);
	return 1;
}

/*
 * The grandchild outlives its parent, so it is re-parented to the reaper, reports
 * which pid adopted it, then exits: a zombie that only the reaper can collect.
 */
static _Noreturn void orphan_grandchild(pid_t parent, int report)
{
	double give_up = now_mono() + 5;
	pid_t adopter;

	while (getppid() == parent && now_mono() < give_up)
		sleep_seconds(0.001);
	adopter = getppid();
	(void)write(report, &adopter, sizeof(adopter));
	sleep_seconds(0.02);
	_exit(0);
}

/* Prints "adopted_by=PID:COUNT" for each pid that adopted orphans. */
static void print_adopters(const pid_t *adopters, long n)
{
	for (long i = 0; i < n; i++) {
		long count = 0;
		bool seen = false;

		for (long j = 0; j < n; j++) {
			seen |= j < i && adopters[j] == adopters[i];
			count += adopters[j] == adopters[i];
		}
		if (!seen)
			printf("adopted_by=%d:%ld\n", adopters[i], count);
	}
}

/* Returns once every orphan has exited (each holds the pipe open until then). */
static int cmd_orphans(const char *count)
{
	long n = arg_long(count, 0, 100000), made = 0, got = 0;
	pid_t *adopters = calloc(n + 1, sizeof(pid_t));
	int p[2];

	if (!adopters || pipe2(p, O_CLOEXEC) < 0)
		die("orphans setup");
	for (long i = 0; i < n; i++) {
		pid_t child = fork();

		if (child < 0)
			break;
		if (child == 0) {
			pid_t me = getpid();

			if (fork() == 0)
				orphan_grandchild(me, p[1]);
			_exit(0);
		}
		if (waitpid(child, NULL, 0) == child)
			made++;
	}
	close(p[1]);
	while (got < n && read(p[0], &adopters[got], sizeof(pid_t)) == sizeof(pid_t))
		got++;
	while (read(p[0], &adopters[n], sizeof(pid_t)) > 0)
		;
	printf("orphans=%ld\n", made);
	print_adopters(adopters, got);
	free(adopters);
	return made == n ? 0 : 1;
}

/* N children, orphaned all at once when the probe returns. burst: each then ends at once
 * too (the pipe they wait on loses its last writer with the probe); hold: daemons (each in
 * a session of its own, out of the probe's group) sharing the writer, so they wait until a
 * signal ends them. */
static int orphan_burst(const char *count, bool hold)
{
	long n = arg_long(count, 0, 100000), made = 0;
	int p[2];
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	for (; made < n; made++) {
		pid_t child = fork();

		if (child < 0)
			break;
		if (child == 0) {
			if (hold)
				(void)setsid();
			else
				close(p[1]);
			while (read(p[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
	printf("orphans=%ld\n", made);
	return made == n ? 0 : 1;
}

static int cmd_orphan_burst(const char *count)
{
	return orphan_burst(count, false);
}

static int cmd_orphan_hold(const char *count)
{
	return orphan_burst(count, true);
}

static _Noreturn void daemon_grandchild(int report, double secs)
{
	pid_t me = getpid();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)setsid();
	(void)write(report, &me, sizeof(me));
	close(report);
	/* A daemon lets go of the terminal and of whoever reads its output. */
	for (int fd = 0; fd < 3; fd++) {
		if (null >= 0)
			dup2(null, fd);
		else
			close(fd);
	}
	sleep_seconds(secs);
	_exit(0);
}

/* The `service x start` shape: double fork, the caller gets control back at once. */
static int cmd_daemon(const char *seconds)
{
	double secs = arg_seconds(seconds);
	pid_t child, daemon_pid = 0;
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(p[0]);
		if (fork() == 0)
			daemon_grandchild(p[1], secs);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &daemon_pid, sizeof(daemon_pid)) != sizeof(daemon_pid))
		die("read daemon pid");
	(void)waitpid(child, NULL, 0);
	printf("daemon_pid=%d\n", daemon_pid);
	return 0;
}

static bool catchable(int sig)
{
	return sig != SIGKILL && sig != SIGSTOP && !(sig >= 32 && sig <= 34);
}

/*
 * Every signal is blocked and fetched synchronously, so default-ignored ones
 * (CHLD, WINCH, URG, CONT) are recorded too. SIGTERM is recorded, then ends it.
 */
static int cmd_record_signals(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	sigset_t set;

	if (fd < 0)
		die("open");
	sigemptyset(&set);
	for (int sig = 1; sig < _NSIG; sig++)
		if (catchable(sig))
			sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
	say_ready();
	for (;;) {
		char line[16];
		int sig = sigwaitinfo(&set, NULL);

		if (sig < 0)
			continue;
		snprintf(line, sizeof(line), "%d\n", sig);
		if (write(fd, line, strlen(line)) < 0)
			die("write");
		if (sig == SIGTERM)
			return 0;
	}
}

/* Survives SIGTERM, and says "term" on stdout for each one, so a test can wait for the signal's
 * arrival instead of sleeping. */
static void note_term(int sig)
{
	static const char msg[] = "term\n";

	(void)sig;
	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
}

static int cmd_ignore_term(const char *seconds)
{
	struct sigaction sa = {.sa_handler = note_term, .sa_flags = SA_RESTART};

	sigaction(SIGTERM, &sa, NULL);
	say_ready();
	sleep_seconds(arg_seconds(seconds));
	return 0;
}

static int cmd_sleep(const char *seconds)
{
	say_ready();
	sleep_seconds(arg_seconds(seconds));
	return 0;
}

static int print_status_fields(const char *const *fields, size_t n)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];

	if (!f)
		die("open /proc/self/status");
	while (fgets(line, sizeof(line), f)) {
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(fields[i]);
			char *v = line + len + 1;

			if (strncmp(line, fields[i], len) || line[len] != ':')
				continue;
			v += strspn(v, " \t");
			for (const char *c = fields[i]; *c; c++)
				putchar(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
			printf("=%s", v);
		}
	}
	fclose(f);
	return 0;
}

static int cmd_caps(void)
{
	static const char *const fields[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"};

	return print_status_fields(fields, sizeof(fields) / sizeof(fields[0]));
}

static int cmd_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int count = 0;

	if (!d)
		die("opendir /proc/self/fd");
	while ((e = readdir(d))) {
		char link[64], target[PATH_MAX];
		int fd = atoi(e->d_name);
		ssize_t n;

		if (e->d_name[0] == '.' || fd < 3 || fd == dirfd(d))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		printf("fd=%d target=%s\n", fd, target);
		count++;
	}
	closedir(d);
	printf("fds=%d\n", count);
	return 0;
}

static int cmd_cwd(void)
{
	char buf[PATH_MAX];

	if (!getcwd(buf, sizeof(buf)))
		die("getcwd");
	printf("cwd=%s\n", buf);
	return 0;
}

static int cmd_ids(void)
{
	gid_t groups[256];
	int n = getgroups(256, groups);

	printf("uid=%d\ngid=%d\neuid=%d\negid=%d\ngroups=", getuid(), getgid(), geteuid(),
	       getegid());
	for (int i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", groups[i]);
	printf("\n");
	return 0;
}

static int cmd_hostname(void)
{
	char buf[256];

	if (gethostname(buf, sizeof(buf)) < 0)
		die("gethostname");
	printf("hostname=%s\n", buf);
	return 0;
}

/* One line per mount: the mount point, its type and its per-mount options. */
static int cmd_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	if (!f)
		die("open /proc/self/mountinfo");
	while (fgets(line, sizeof(line), f)) {
		char point[PATH_MAX], opts[1024], fstype[128];
		char *sep = strstr(line, " - ");

		if (sscanf(line, "%*s %*s %*s %*s %4095s %1023s", point, opts) != 2 || !sep ||
		    sscanf(sep + 3, "%127s", fstype) != 1)
			continue;
		printf("mount=%s fstype=%s opts=%s\n", point, fstype, opts);
	}
	fclose(f);
	return 0;
}

static int cmd_tty(void)
{
	bool tty = isatty(0);
	pid_t fg = tty ? tcgetpgrp(0) : -1;

	printf("tty=%d\nfg=%d\npid=%d\npgrp=%d\ntpgid=%d\n", tty, tty && fg == getpgrp(), getpid(),
	       getpgrp(), fg);
	return 0;
}

static int cmd_memhog(const char *mb)
{
	long n = arg_long(mb, 0, 1L << 20);
	long page = sysconf(_SC_PAGESIZE);

	for (long i = 0; i < n; i++) {
		char *chunk = malloc(1 << 20);

		if (!chunk) {
			printf("memhog_mb=%ld\n", i);
			return 1;
		}
		for (long off = 0; off < (1 << 20); off += page)
			chunk[off] = 1;
	}
	printf("memhog_mb=%ld\n", n);
	return 0;
}

/* Children wait on a pipe; closing it releases them all, so none outlives the probe. */
static int cmd_forkbomb(const char *count)
{
	long n = arg_long(count, 0, 1000000), forked = 0;
	int err = 0, p[2];
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	for (long i = 0; i < n; i++) {
		pid_t child = fork();

		if (child < 0) {
			err = errno;
			break;
		}
		if (child == 0) {
			close(p[1]);
			(void)read(p[0], &c, 1);
			_exit(0);
		}
		forked++;
	}
	close(p[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	printf("forked=%ld\nfailed=%ld\nerror=%s\n", forked, n - forked, err ? strerror(err) : "");
	return 0;
}

static int cmd_cpuhog(const char *seconds)
{
	double secs = arg_seconds(seconds), start = now_mono();
	struct timespec cpu;
	volatile unsigned long spin = 0;

	while (now_mono() - start < secs)
		for (int i = 0; i < 100000; i++)
			spin++;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
	printf("cpu_ms=%ld\nwall_ms=%ld\n", (long)cpu.tv_sec * 1000 + cpu.tv_nsec / 1000000,
	       (long)((now_mono() - start) * 1000));
	return 0;
}

/* The state is the first field after the command name, which may hold spaces. */
static char proc_state(const char *pid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' ? paren[2] : '?';
}

static int cmd_zombies(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int zombies = 0, procs = 0;

	if (!d)
		die("opendir /proc");
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		procs++;
		if (proc_state(e->d_name) == 'Z')
			zombies++;
	}
	closedir(d);
	printf("zombies=%d\nprocesses=%d\n", zombies, procs);
	return 0;
}

static char file_type(mode_t m)
{
	return S_ISCHR(m)    ? 'c'
	       : S_ISBLK(m)  ? 'b'
	       : S_ISDIR(m)  ? 'd'
	       : S_ISLNK(m)  ? 'l'
	       : S_ISFIFO(m) ? 'p'
	       : S_ISSOCK(m) ? 's'
	                     : 'f';
}

static int cmd_ls_dev(void)
{
	DIR *d = opendir("/dev");
	struct dirent *e;

	if (!d)
		die("opendir /dev");
	while ((e = readdir(d))) {
		char target[PATH_MAX] = "";
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			die("stat");
		printf("dev=%s type=%c", e->d_name, file_type(st.st_mode));
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			printf(" rdev=%u:%u", major(st.st_rdev), minor(st.st_rdev));
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlinkat(dirfd(d), e->d_name, target, sizeof(target) - 1);

			target[n < 0 ? 0 : n] = '\0';
			printf(" target=%s", target);
		}
		printf(" mode=%04o\n", (unsigned)(st.st_mode & 07777));
	}
	closedir(d);
	return 0;
}

static int cmd_cgroup(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];

	if (!f)
		die("open /proc/self/cgroup");
	while (fgets(line, sizeof(line), f))
		printf("cgroup=%s", line);
	fclose(f);
	return 0;
}

static int cmd_env(void)
{
	extern char **environ;

	for (char **e = environ; *e; e++)
		printf("env=%s\n", *e);
	return 0;
}

/* The terminal's size, then again after each of COUNT SIGWINCHs ("ready=1" first). */
static int cmd_winch(const char *count)
{
	long n = arg_long(count, 1, 100);
	struct winsize ws;
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (ioctl(0, TIOCGWINSZ, &ws) < 0)
		die("TIOCGWINSZ");
	printf("size=%ux%u\nready=1\n", ws.ws_row, ws.ws_col);
	fflush(stdout);
	while (n-- > 0 && sigwait(&set, &sig) == 0) {
		if (ioctl(0, TIOCGWINSZ, &ws) < 0)
			die("TIOCGWINSZ");
		printf("size=%ux%u\n", ws.ws_row, ws.ws_col);
		fflush(stdout);
	}
	return 0;
}

/* An ICMP echo to ADDR through a ping socket (SOCK_DGRAM, IPPROTO_ICMP): what ping does
 * without CAP_NET_RAW, where net.ipv4.ping_group_range lets the caller's group. */
static int cmd_ping(const char *addr)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct icmphdr req = {.type = ICMP_ECHO, .un.echo.sequence = htons(1)};
	char reply[256];
	struct pollfd p;
	int fd;

	if (inet_pton(AF_INET, addr, &to.sin_addr) != 1)
		die("bad address");
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
	printf("socket=%s\n", fd < 0 ? strerror(errno) : "ok");
	if (fd < 0)
		return 1;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		printf("send=%s\n", strerror(errno));
		return 1;
	}
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	if (poll(&p, 1, 3000) != 1 || recv(fd, reply, sizeof(reply), 0) < (ssize_t)sizeof(req)) {
		printf("reply=none\n");
		return 1;
	}
	printf("reply=%s\n", ((struct icmphdr *)reply)->type == ICMP_ECHOREPLY ? "echo" : "other");
	return 0;
}

/* The servers hold thousands of connections: the soft limit up to the hard one. */
static void nofile_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* A server that takes every connection on PORT and never reads a byte of any: what a
 * stuck service looks like to whoever sends to it. */
static int cmd_listen_stall(const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)arg_long(port, 1, 65535))};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	nofile_raise();
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4096) < 0)
		die("listen");
	say_ready();
	for (;;)
		if (accept4(fd, NULL, NULL, SOCK_CLOEXEC) < 0 && errno != EINTR)
			sleep_seconds(0.01);
}

/* One connection of serve, in its own process. "echo": read to the client's EOF (its
 * half-close), answer "bytes=N", close. "stream": 64 KiB blocks until the client goes. */
static _Noreturn void serve_one(int c)
{
	static char buf[65536];
	char req[8] = "";
	size_t got = 0;
	long total = 0;
	ssize_t n;

	while (got < 6 && (n = read(c, req + got, 6 - got)) > 0)
		got += (size_t)n;
	if (!strncmp(req, "stream", 6)) {
		memset(buf, 's', sizeof(buf));
		while (write(c, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	while ((n = read(c, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		total += n > 0 ? n : 0;
	n = snprintf(buf, sizeof(buf), "bytes=%ld\n", total);
	(void)!write(c, buf, (size_t)n);
	_exit(0);
}

/* A forking TCP server for the proxy's tests: see serve_one. */
static int cmd_serve(const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)arg_long(port, 1, 65535))};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	signal(SIGCHLD, SIG_IGN); /* no zombies */
	signal(SIGPIPE, SIG_IGN);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4096) < 0)
		die("listen");
	say_ready();
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		pid_t pid;

		if (c < 0) {
			if (errno != EINTR)
				sleep_seconds(0.01);
			continue;
		}
		pid = fork();
		if (pid == 0) {
			close(fd);
			serve_one(c);
		}
		close(c);
	}
}

/* An HTTP/1.1 server cheap enough that a benchmark of what stands in front of it measures
 * that, not the server: one process, epoll, every request answered with the same 1 KiB
 * page, or 1 MiB for /big (written whole, the socket blocking meanwhile: a bulk transfer
 * for one client at a time); keep-alive unless the request says "Connection: close". A
 * request is whatever ends in an empty line (no bodies): the benches' and the tests'
 * clients send nothing else. */
static void write_all(int fd, const char *p, size_t len)
{
	int fl = fcntl(fd, F_GETFL);

	(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		len -= (size_t)n;
	}
	(void)fcntl(fd, F_SETFL, fl);
}

static int cmd_http(const char *port)
{
	static char page[2][1024 + 128], buf[16384], *big;
	size_t big_len;
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)arg_long(port, 1, 65535))};
	struct epoll_event ev = {.events = EPOLLIN}, evs[64];
	int one = 1, len[2], ep = epoll_create1(EPOLL_CLOEXEC);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	nofile_raise();
	signal(SIGPIPE, SIG_IGN);
	/* page[1] says it closes: the client then neither reuses nor reports the close. */
	for (int k = 0; k < 2; k++) {
		len[k] = snprintf(page[k], sizeof(page[k]),
		                  "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
		                  "Content-Length: 1024\r\n%s\r\n",
		                  k ? "Connection: close\r\n" : "");
		memset(page[k] + len[k], 'x', 1024);
		len[k] += 1024;
	}
	big = malloc(1024 * 1024 + 128);
	if (!big)
		die("malloc");
	big_len = (size_t)sprintf(big,
	                          "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
	                          "Content-Length: %d\r\n\r\n",
	                          1024 * 1024);
	memset(big + big_len, 'b', 1024 * 1024);
	big_len += 1024 * 1024;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ev.data.fd = fd;
	if (ep < 0 || fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 4096) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		die("listen");
	say_ready();
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			int c = evs[i].data.fd, k;
			ssize_t got;

			if (c == fd) {
				while ((c = accept4(fd, NULL, NULL,
				                    SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					ev.data.fd = c;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev) < 0)
						close(c);
				}
				continue;
			}
			got = read(c, buf, sizeof(buf) - 1);
			if (got < 0 && errno == EAGAIN)
				continue;
			if (got <= 0) {
				close(c);
				continue;
			}
			buf[got] = '\0';
			k = strcasestr(buf, "\r\nConnection: close\r\n") != NULL;
			/* One answer per request in what came (a client may pipeline). */
			for (char *r = buf; (r = strstr(r, "\r\n\r\n")) != NULL; r += 4)
				if (!strncmp(buf, "GET /big ", 9))
					write_all(c, big, big_len);
				else if (write(c, page[k], (size_t)len[k]) != len[k])
					break;
			if (k)
				close(c);
		}
	}
}

/* connect=ok, or the errno's name (EACCES, ECONNREFUSED, ENOENT, or its number). */
static int cmd_connect_unix(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		printf("connect=ok\n");
	else if (errno == EACCES)
		printf("connect=EACCES\n");
	else if (errno == ECONNREFUSED)
		printf("connect=ECONNREFUSED\n");
	else if (errno == ENOENT)
		printf("connect=ENOENT\n");
	else
		printf("connect=%d\n", errno);
	return 0;
}

static const char usage[] =
    "usage: probe COMMAND [ARG]\n"
    "  pid | exit N | kill-self SIG | orphans N | orphan-burst N | orphan-hold N\n"
    "  daemon SECONDS | record-signals FILE\n"
    "  ignore-term SECONDS | sleep SECONDS | caps | fds | cwd | ids | hostname | mounts\n"
    "  tty | memhog MB | forkbomb N | cpuhog SECONDS | zombies | ls-dev | cgroup | env\n"
    "  winch COUNT | ping ADDR | listen-stall PORT | connect-unix PATH\n"
    "  serve PORT | http PORT\n";

struct command {
	const char *name;
	int (*run0)(void);
	int (*run1)(const char *arg);
};

static const struct command commands[] = {
    {"pid", cmd_pid, NULL},
    {"exit", NULL, cmd_exit},
    {"kill-self", NULL, cmd_kill_self},
    {"orphans", NULL, cmd_orphans},
    {"daemon", NULL, cmd_daemon},
    {"orphan-burst", NULL, cmd_orphan_burst},
    {"orphan-hold", NULL, cmd_orphan_hold},
    {"record-signals", NULL, cmd_record_signals},
    {"ignore-term", NULL, cmd_ignore_term},
    {"sleep", NULL, cmd_sleep},
    {"caps", cmd_caps, NULL},
    {"fds", cmd_fds, NULL},
    {"cwd", cmd_cwd, NULL},
    {"ids", cmd_ids, NULL},
    {"hostname", cmd_hostname, NULL},
    {"mounts", cmd_mounts, NULL},
    {"tty", cmd_tty, NULL},
    {"memhog", NULL, cmd_memhog},
    {"forkbomb", NULL, cmd_forkbomb},
    {"cpuhog", NULL, cmd_cpuhog},
    {"zombies", cmd_zombies, NULL},
    {"ls-dev", cmd_ls_dev, NULL},
    {"cgroup", cmd_cgroup, NULL},
    {"env", cmd_env, NULL},
    {"winch", NULL, cmd_winch},
    {"ping", NULL, cmd_ping},
    {"listen-stall", NULL, cmd_listen_stall},
    {"serve", NULL, cmd_serve},
    {"http", NULL, cmd_http},
    {"connect-unix", NULL, cmd_connect_unix},
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc >= 2 && i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *c = &commands[i];
		int r;

		if (strcmp(argv[1], c->name))
			continue;
		if (argc != (c->run0 ? 2 : 3))
			break;
		r = c->run0 ? c->run0() : c->run1(argv[2]);
		fflush(stdout);
		return r;
	}
	fputs(usage, stderr);
	return EXIT_USAGE;
}
