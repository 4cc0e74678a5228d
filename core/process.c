// SPDX-License-Identifier: MIT
/*
 * process: see process.h. Order matters in process_confine and each step says why. Nothing
 * here allocates after the fork but a pty name on the stack; nothing logs.
 */
#include "process.h"

#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int fail(int r, const char *what, const char **ret_what)
{
	*ret_what = what;
	return r;
}

int process_limits(const struct spec_process *p, const char **ret_what)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};

		static char what[96];

		if (setrlimit(p->rlimits[i].resource, &rl) < 0) {
			(void)snprintf(what, sizeof(what),
			               "set rlimit %d to %" PRIu64 "/%" PRIu64 " (soft/hard)",
			               p->rlimits[i].resource, p->rlimits[i].soft,
			               p->rlimits[i].hard);
			return fail(-errno, what, ret_what);
		}
	}
	if (p->has_oom_score_adj) {
		char buf[16];
		int r;

		(void)snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
		r = write_file("/proc/self/oom_score_adj", buf);
		if (r < 0)
			return fail(r, "set oom_score_adj", ret_what);
	}
	return 0;
}

static int send_fd(int sock, int fd, const char *name)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
	struct msghdr mh = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* The slave on /dev/console: an empty file made for it when the image has none. */
static int bind_console(const char *slave)
{
	int fd = open("/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 && errno != EEXIST)
		return -errno;
	(void)safe_close(fd);
	return mount(slave, "/dev/console", NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

int process_console(const struct spec_process *p, int sock, bool console, const char **ret_what)
{
	_cleanup_close_ int master = -1, slave = -1;
	struct winsize ws = {.ws_row = (unsigned short)p->console_height,
	                     .ws_col = (unsigned short)p->console_width};
	char name[64];
	int r;

	/* The container's own devpts (/dev/ptmx links into it): the pty is the container's. */
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return fail(-errno, "open /dev/ptmx", ret_what);
	if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)) != 0)
		return fail(-errno, "unlock the pty", ret_what);
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return fail(-errno, "open the pty's slave", ret_what);
	if ((ws.ws_row || ws.ws_col) && ioctl(slave, TIOCSWINSZ, &ws) < 0)
		return fail(-errno, "set the console size", ret_what);
	if (console && (r = bind_console(name)) < 0)
		return fail(r, "bind the pty on /dev/console", ret_what);
	r = send_fd(sock, master, name);
	if (r < 0)
		return fail(r, "send the pty over the console socket", ret_what);
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return fail(-errno, "make the pty stdio", ret_what);
	/* A session leader without a terminal (setsid ran first): this one becomes it. */
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		return fail(-errno, "make the pty the controlling terminal", ret_what);
	return 0;
}

static const char *env_path(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], "PATH=", 5) == 0)
			return env[i] + 5;
	return DEFAULT_PATH;
}

static int check_exec(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
		return -EACCES;
	return 0;
}

int process_find(const struct spec_process *p, char *buf, size_t size)
{
	const char *cmd = p->args[0], *dirs = env_path(p->env);
	int best = -ENOENT;

	if (strchr(cmd, '/')) {
		if ((size_t)snprintf(buf, size, "%s", cmd) >= size)
			return -ENAMETOOLONG;
		return check_exec(buf);
	}
	while (*dirs) {
		size_t n = strcspn(dirs, ":");
		int r;

		if ((size_t)snprintf(buf, size, "%.*s/%s", (int)n, n ? dirs : ".", cmd) < size) {
			r = check_exec(buf);
			if (r == 0)
				return 0;
			if (r == -EACCES)
				best = r;
		}
		dirs += n + (dirs[n] == ':');
	}
	return best;
}

static int set_caps(const struct spec_process *p)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {
	    {(uint32_t)p->cap_effective, (uint32_t)p->cap_permitted, (uint32_t)p->cap_inheritable},
	    {(uint32_t)(p->cap_effective >> 32), (uint32_t)(p->cap_permitted >> 32),
	     (uint32_t)(p->cap_inheritable >> 32)},
	};

	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	/* An ambient capability must be permitted and inheritable; configs (crun's and runc's
	 * own `spec`) list ambient ones they leave out of inheritable: those are skipped, as
	 * other runtimes do, rather than failing the container. */
	for (int c = 0; c < 64; c++)
		if ((p->cap_ambient >> c & 1) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0 && errno != EPERM)
			return -errno;
	return 0;
}

static int drop_bounding(uint64_t keep)
{
	for (int c = 0; c < 64; c++) {
		if (keep >> c & 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			if (errno == EINVAL) /* past the last capability this kernel knows */
				break;
			return -errno;
		}
	}
	return 0;
}

static int set_user(const struct spec_process *p)
{
	/* EPERM with none to set: setgroups is denied in this user namespace (an unprivileged
	 * map, rootless), and the groups it has are unmapped anyway. */
	if (setgroups(p->n_additional_gids, p->additional_gids) < 0 &&
	    !(errno == EPERM && p->n_additional_gids == 0))
		return -errno;
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		return -errno;
	/* Keep the permitted set across the uid change; set_caps sets every set after it. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -errno;
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		return -errno;
	return prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 ? -errno : 0;
}

int process_confine(const struct spec_process *p, const struct syscall_filter *f,
                    const char **ret_what)
{
	int r;

	/* While still root: the directory may be one only root can enter. */
	if (chdir(p->cwd) < 0)
		return fail(-errno, "chdir to the process's cwd", ret_what);
	/* Without no_new_privs only CAP_SYS_ADMIN may load a filter: load it while we have it,
	 * and the calls still to come (setgroups, capset, execve) must pass it. */
	if (!p->no_new_privileges && (r = syscalls_load(f)) < 0)
		return fail(r, "load the seccomp filter", ret_what);
	/* The bounding set needs CAP_SETPCAP, which the user change may take away. */
	r = drop_bounding(p->cap_bounding);
	if (r < 0)
		return fail(r, "drop from the capability bounding set", ret_what);
	r = set_user(p);
	if (r < 0)
		return fail(r, "set the process's user and groups", ret_what);
	r = set_caps(p);
	if (r < 0)
		return fail(r, "set the process's capabilities", ret_what);
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(-errno, "set no_new_privs", ret_what);
	if (p->no_new_privileges && (r = syscalls_load(f)) < 0)
		return fail(r, "load the seccomp filter", ret_what);
	if (p->has_umask)
		(void)umask(p->umask);
	return 0;
}
