// SPDX-License-Identifier: MIT
/*
 * boxinit: PID 1 of a box container, or a tini-style init anywhere else.
 * main only orders the phases and maps their results to exit codes; every
 * decision lives in a module. Before the loop a failure exits 125; once the
 * loop runs, only the end of the command (or a requested stop) ends boxinit.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "capset.h"
#include "cmdline.h"
#include "console.h"
#include "svcconf.h"
#include "log.h"
#include "mounts.h"
#include "spawn.h"
#include "supervisor.h"
#include "util.h"

/* A closed stdin, stdout or stderr would be taken by the next descriptor boxinit opens
 * (its signalfd, a service's pipe): its log lines would land there, and the command
 * would inherit it as its stdout. /dev/null stands in for each missing one. */
static void fill_stdio(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		int null;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free number: this one, the ones below are open. */
		null = open("/dev/null", O_RDWR | O_NOCTTY);
		if (null >= 0 && null != fd)
			(void)close(null);
	}
}

/* boxinit's own log lines go to a non-blocking description of its stderr of its own:
 * a reader that stopped reading (a full pipe, a terminal stopped with ^S) costs lines,
 * never PID 1's loop. The command keeps the shared one, blocking as it was. Sockets
 * cannot be reopened and regular files never block: those stay as they are. */
static int log_fd = -1;

static void log_private(bool on)
{
	struct stat st;

	if (log_fd >= 0) {
		log_set_fd(STDERR_FILENO);
		log_fd = safe_close(log_fd);
	}
	if (!on || fstat(STDERR_FILENO, &st) < 0 || S_ISREG(st.st_mode) || S_ISSOCK(st.st_mode))
		return;
	/* Fails before /proc is mounted: called again once it is. */
	log_fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (log_fd >= 0)
		log_set_fd(log_fd);
}

/* Descriptors boxinit inherited belong to whoever started it, not to the command; the
 * control socket stays (boxinit's own, close-on-exec from now on). */
static int close_inherited_fds(const struct init_config *cfg)
{
	unsigned keep = (unsigned)cfg->control_fd;

	if (cfg->control_fd >= 0 && fcntl(cfg->control_fd, F_SETFD, FD_CLOEXEC) < 0)
		return log_errno(-errno, "use --control-fd '%d'", cfg->control_fd);
	if (cfg->keep_fds)
		return 0;
	if (cfg->control_fd < 0)
		keep = ~0U;
	/* Before 5.9 (no close_range): close-on-exec is as good, nothing else runs here. */
	if ((keep > 3 && syscall(SYS_close_range, 3U, keep - 1, 0U) < 0) ||
	    (keep != ~0U && syscall(SYS_close_range, keep + 1, ~0U, 0U) < 0))
		return cloexec_from(3);
	return 0;
}

static int become_init(const struct init_config *cfg, int *ret_tty)
{
	int r;

	(void)prctl(PR_SET_NAME, "boxinit", 0, 0, 0);
	/* Not PID 1: orphans of the command must still come back to us. */
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return log_errno(-errno, "become a subreaper");
	/* Inherited by every process boxinit starts; never undone. */
	if (cfg->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return log_errno(-errno, "set no_new_privs");
	if (cfg->container) {
		/* Under launch the kernel filesystems are steps of the container's mount plan. */
		r = cfg->mounted ? 0 : mounts_setup(cfg->privileged, cfg->tty);
		/* Needs the devpts just mounted and CAP_SYS_ADMIN for /dev/console. */
		if (r == 0 && cfg->tty)
			r = console_open(cfg->control_fd, cfg->has_user, cfg->uid, ret_tty);
		if (r < 0)
			return r;
	}
	if (log_fd < 0)
		log_private(true);
	/* Needs /proc and, to go below what it inherited, CAP_SYS_RESOURCE: before the
	 * capabilities are dropped and before the first fork. */
	spawn_oom_protect();
	if (!cfg->container)
		return 0;
	/* After the mounts (they need CAP_SYS_ADMIN), before the first fork. */
	return cfg->privileged ? 0 : caps_apply(capset_resolve(&cfg->caps));
}

static int run(const struct init_config *cfg, const struct services_config *svcs)
{
	static struct supervisor sup;
	_cleanup_close_ int tty = -1;
	char cwd_buf[PATH_MAX];
	const char *cwd;
	int r, code;

	r = become_init(cfg, &tty);
	if (r < 0)
		return EXIT_LAUNCH_FAILURE;
	/* boxinit must not pin a directory or mount; the command still starts in
	 * the directory boxinit was started in. */
	cwd = getcwd(cwd_buf, sizeof(cwd_buf));
	if (chdir("/") < 0)
		return log_errno(-errno, "chdir '/'"), EXIT_LAUNCH_FAILURE;
	r = supervisor_init(&sup, cfg, svcs, cwd, tty);
	if (r == 0)
		r = supervisor_start(&sup);
	if (r < 0) {
		(void)supervisor_close(&sup);
		return EXIT_LAUNCH_FAILURE;
	}
	code = supervisor_run(&sup);
	(void)supervisor_close(&sup);
	return code;
}

int main(int argc, char **argv)
{
	static struct services_config svcs;
	struct init_config cfg;
	sigset_t all;

	/* First of all: a signal sent before the command runs stays pending and is
	 * forwarded once the loop starts, instead of killing or missing boxinit.
	 * Caught signals stay blocked for good: the signals module reads them from a
	 * signalfd and unblocks only the faults. */
	sigfillset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, NULL);
	/* Nothing in the container may trace or stop PID 1 (a PTRACE_ATTACH leaves it
	 * stopped), read its memory or take its descriptors: not dumpable, ptrace needs
	 * CAP_SYS_PTRACE, which a container does not get by default. The command and the
	 * services are dumpable again after their exec. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	fill_stdio();
	log_private(true);
	log_init("boxinit", false);
	if (cmdline_parse(argc, argv, &cfg) < 0)
		return EXIT_LAUNCH_FAILURE;
	/* write(2), not stdio: boxinit links no stdio buffering at all. */
	if (cfg.help)
		return write_all(STDOUT_FILENO, cmdline_usage(), strlen(cmdline_usage())) < 0;
	if (cfg.version) {
		static const char version[] = "boxinit " BOX_VERSION "\n";

		return write_all(STDOUT_FILENO, version, sizeof(version) - 1) < 0;
	}
	log_init("boxinit", cfg.verbose);
	/* The whole configuration is checked before anything is mounted or started. */
	if (svcconf_load(cfg.config_path, cfg.services, cfg.n_services, &svcs) < 0)
		return EXIT_LAUNCH_FAILURE;
	if (!cfg.argv && svcs.n == 0) {
		log_error("missing command (see --help)");
		return EXIT_LAUNCH_FAILURE;
	}
	/* The private log descriptor would be closed with the inherited ones. */
	log_private(false);
	if (close_inherited_fds(&cfg) < 0)
		return EXIT_LAUNCH_FAILURE;
	log_private(true);
	return run(&cfg, &svcs);
}
