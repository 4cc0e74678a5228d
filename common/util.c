// SPDX-License-Identifier: MIT
/*
 * util: see util.h. Pure helpers with no global state; safe to call in a
 * forked child between fork and exec.
 */
#include "util.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int safe_close(int fd)
{
	if (fd >= 0) {
		int saved = errno;

		/* close() is never retried on EINTR on Linux: the fd is gone. */
		(void)close(fd);
		errno = saved;
	}
	return -1;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The file helpers open with openat(AT_FDCWD): musl's open() follows an O_CLOEXEC open
 * with fcntl(F_SETFD) for kernels older than 2.6.23, a system call more per file, and
 * `launch stats` opens eight cgroup files a container. */
int write_file(const char *path, const char *s)
{
	_cleanup_close_ int fd = openat(AT_FDCWD, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	/* One write: cgroupfs and procfs take a value per write call. */
	for (;;) {
		ssize_t n = write(fd, s, strlen(s));

		if (n >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int read_file(const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	if (fd < 0)
		return -errno;
	n = read_all(fd, buf, size - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int read_file_alloc(const char *path, size_t max, char **ret)
{
	_cleanup_close_ int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0, want = 8192;
	struct stat st;

	if (fd < 0)
		return -errno;
	/* A regular file's buffer is its size (one read, and a small block from the allocator
	 * rather than a fresh mapping), one byte more to see its end. Not a file of /proc, /sys
	 * or a cgroup, which says 0 (or a page) whatever it holds. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < max)
		want = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (cap >= max)
				return -EFBIG;
			cap = cap ? cap * 2 : want;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max)
		return -EFBIG;
	buf[len] = '\0';
	*ret = steal_ptr(&buf);
	return 0;
}

int parse_u64(const char *s, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	*ret = (uint64_t)v;
	return 0;
}

int parse_int(const char *s, int min, int max, int *ret)
{
	long v;
	char *end;

	if (!s || !(isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1]))))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*ret = (int)v;
	return 0;
}

int parse_user_ids(const char *s, uid_t *ret_uid, gid_t *ret_gid)
{
	/* (uid_t)-1 means "unchanged" to setuid(2) and friends: never a valid id. */
	const uint64_t max_id = (uint64_t)(uid_t)-1 - 1;
	char buf[32];
	const char *colon;
	uint64_t uid, gid;
	int r;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	colon = strchr(s, ':');
	memcpy(buf, s, strlen(s) + 1);
	if (colon)
		buf[colon - s] = '\0';
	r = parse_u64(buf, &uid);
	if (r < 0)
		return r;
	gid = uid;
	if (colon) {
		r = parse_u64(colon + 1, &gid);
		if (r < 0)
			return r;
	}
	if (uid > max_id || gid > max_id)
		return -ERANGE;
	*ret_uid = (uid_t)uid;
	*ret_gid = (gid_t)gid;
	return 0;
}

int parse_size(const char *s, uint64_t *ret)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	switch (tolower((unsigned char)*end)) {
	case '\0':
		break;
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	case 't':
		shift = 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end != '\0') {
		end++;
		if (tolower((unsigned char)*end) == 'b')
			end++;
		if (*end != '\0')
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret = (uint64_t)v << shift;
	return 0;
}

int parse_duration_ms(const char *s, uint64_t *ret)
{
	uint64_t whole = 0, frac = 0, scale = 100;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX / 1000 - 9) / 10)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			frac += (uint64_t)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p != '\0')
		return -EINVAL;
	*ret = whole * 1000 + frac;
	return 0;
}

bool name_is_valid(const char *name, size_t max)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > max || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

int path_normalize(const char *in, char **ret)
{
	_cleanup_free_ char *out = malloc(strlen(in) + 2);
	const char *p = in;
	size_t n = 0;

	if (!out)
		return -ENOMEM;
	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0)
			break;
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		out[n++] = '/';
		memcpy(out + n, p, len);
		n += len;
		p += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	*ret = steal_ptr(&out);
	return 0;
}

void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

pid_t fork_with_pipe(int *ret_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		(void)safe_close(fds[0]);
		(void)safe_close(fds[1]);
		return r;
	}
	(void)safe_close(fds[pid == 0 ? 0 : 1]);
	*ret_fd = fds[pid == 0 ? 1 : 0];
	return pid;
}

int status_to_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return EXIT_SIGNAL_BASE + WTERMSIG(wstatus);
	return EXIT_LAUNCH_FAILURE;
}

int cloexec_from(int from)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;

	if (syscall(SYS_close_range, (unsigned)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;

	/* Kernels before 5.11: walk /proc/self/fd. */
	d = opendir("/proc/self/fd");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		int fd, flags;

		if (parse_int(de->d_name, 0, INT_MAX, &fd) < 0 || fd < from || fd == dirfd(d))
			continue;
		flags = fcntl(fd, F_GETFD);
		if (flags >= 0)
			(void)fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
	}
	return 0;
}

static const char *const signal_names[] = {
    [SIGHUP] = "HUP",   [SIGINT] = "INT",       [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
    [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",     [SIGBUS] = "BUS",   [SIGFPE] = "FPE",
    [SIGKILL] = "KILL", [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
    [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",     [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT",
    [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",     [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
    [SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",     [SIGURG] = "URG",   [SIGXCPU] = "XCPU",
    [SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
    [SIGIO] = "IO",     [SIGPWR] = "PWR",       [SIGSYS] = "SYS",
};
const char *signal_abbrev(int sig)
{
	if (sig > 0 && (size_t)sig < ARRAY_SIZE(signal_names) && signal_names[sig])
		return signal_names[sig];
	return "?";
}

int signal_parse(const char *s)
{
	int n;

	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 1; i < ARRAY_SIZE(signal_names); i++)
		if (signal_names[i] && !strcasecmp(s, signal_names[i]))
			return (int)i;
	if (parse_int(s, 1, NSIG - 1, &n) == 0)
		return n;
	return -EINVAL;
}

int proc_stat(pid_t pid, char *ret_state, uint64_t *ret_start)
{
	char path[64], buf[1024], *p, state;
	unsigned long long start;
	int r;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	r = read_file(path, buf, sizeof(buf));
	if (r < 0)
		return r == -ENOENT ? -ESRCH : r;
	/* After the command name, which may hold spaces and parentheses. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1,
	                 " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
	                 "%*d %*d %*d %llu",
	                 &state, &start) != 2)
		return -EBADMSG;
	if (ret_state)
		*ret_state = state;
	if (ret_start)
		*ret_start = start;
	return 0;
}
