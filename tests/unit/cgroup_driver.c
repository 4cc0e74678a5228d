// SPDX-License-Identifier: MIT
/*
 * cgroup_driver: drives launch's cgroup module by hand for tests/launch/test_cgroup.sh.
 *   cgroup_driver [-v] run  PARENT NAME [LIMIT=VALUE...] -- CMD [ARG...]
 *   cgroup_driver [-v] hold PARENT NAME [LIMIT=VALUE...] -- CMD [ARG...]
 * run: CMD in the cgroup, waits for it, prints stats, destroys; exits with CMD's status.
 * hold: starts CMD in the cgroup, prints "leaf DIR" lines and "ready PID", waits for
 * SIGTERM, destroys, then prints stats. Exit 4 when the cgroup exists already (box's
 * record, not this driver, holds names), 125 for other failures. Not a test itself; never
 * installed.
 */
#include "cgroup_internal.h"
#include "log.h"
#include "util.h"

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

static int parse_limit(const char *arg, struct cgroup_limits *lim)
{
	const char *v = strchr(arg, '=');
	size_t n = v ? (size_t)(v - arg) : 0;

	if (!v)
		return -EINVAL;
	v++;
	if (n == 4 && strncmp(arg, "cpus", n) == 0) {
		lim->cpu_period_us = 100000;
		return cgroup_cpus_to_quota(v, lim->cpu_period_us, &lim->cpu_quota_us);
	}
	if (n == 10 && strncmp(arg, "cpu-weight", n) == 0)
		return parse_u64(v, &lim->cpu_weight);
	if (n == 6 && strncmp(arg, "memory", n) == 0)
		return parse_size(v, &lim->memory_max);
	if (n == 11 && strncmp(arg, "memory-swap", n) == 0)
		return parse_size(v, &lim->memory_swap);
	if (n == 4 && strncmp(arg, "pids", n) == 0)
		return parse_u64(v, &lim->pids_max);
	if (n == 9 && strncmp(arg, "io-weight", n) == 0)
		return parse_u64(v, &lim->io_weight);
	return -EINVAL;
}

static void print_stat(const char *key, bool have, uint64_t v)
{
	if (have)
		printf("%s=%" PRIu64 "\n", key, v);
	else
		printf("%s=-\n", key);
}

static void print_stats(struct cgroup *cg)
{
	struct cgroup_stats st;

	if (cgroup_read_stats(cg, &st) < 0)
		return;
	print_stat("cpu_user_us", st.have_cpu, st.cpu_user_us);
	print_stat("cpu_system_us", st.have_cpu, st.cpu_system_us);
	print_stat("memory_peak", st.have_memory_peak, st.memory_peak);
	print_stat("pids_peak", st.have_pids_peak, st.pids_peak);
	print_stat("oom_kills", st.have_oom_kills, st.oom_kills);
	fflush(stdout);
}

/* Forks CMD held on a pipe until it is in the cgroup, so it never runs outside. */
static pid_t spawn_in(struct cgroup *cg, char **cmd)
{
	int go[2];
	pid_t pid;
	char c = 0;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		(void)close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(125);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	(void)close(go[0]);
	if (cgroup_attach(cg, pid) < 0) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		(void)close(go[1]);
		return -EIO;
	}
	(void)write_all(go[1], &c, 1);
	(void)close(go[1]);
	return pid;
}

static int wait_pid(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_LAUNCH_FAILURE;
	return status_to_exit_code(status);
}

static int hold(struct cgroup *cg, pid_t pid)
{
	sigset_t set;
	int sig = 0;

	for (size_t i = 0; i < cg->n_hier; i++)
		printf("leaf %s\n", cg->hier[i].leaf);
	printf("ready %d\n", (int)pid);
	fflush(stdout);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	while (sigwait(&set, &sig) != 0)
		;
	cgroup_destroy(cg);
	(void)wait_pid(pid);
	return 0;
}

static int create_and_run(bool holding, int argc, char **argv)
{
	struct cgroup_limits lim = {0};
	struct cgroup *cg = NULL;
	int i, r, code;
	pid_t pid;

	for (i = 2; i < argc && !STREQ(argv[i], "--"); i++)
		if (parse_limit(argv[i], &lim) < 0)
			return log_error("bad limit '%s'", argv[i]), EXIT_LAUNCH_FAILURE;
	if (i + 1 >= argc)
		return log_error("missing -- CMD"), EXIT_LAUNCH_FAILURE;
	r = cgroup_create(argv[0], argv[1], &lim, &cg);
	if (r < 0)
		return r == -EEXIST ? 4 : EXIT_LAUNCH_FAILURE;
	pid = spawn_in(cg, argv + i + 1);
	if (pid < 0) {
		cgroup_destroy(cg);
		return EXIT_LAUNCH_FAILURE;
	}
	if (holding) {
		r = hold(cg, pid);
		return r;
	}
	code = wait_pid(pid);
	print_stats(cg);
	cgroup_destroy(cg);
	return code;
}

int main(int argc, char **argv)
{
	sigset_t set;
	int a = 1;

	log_init("launch", argc > 1 && STREQ(argv[1], "-v"));
	if (argc > 1 && STREQ(argv[1], "-v"))
		a++;
	/* hold takes SIGTERM only through sigwait: blocked before anything forks. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (argc - a >= 4 && (STREQ(argv[a], "run") || STREQ(argv[a], "hold"))) {
		if (STREQ(argv[a], "hold"))
			(void)sigprocmask(SIG_BLOCK, &set, NULL);
		return create_and_run(STREQ(argv[a], "hold"), argc - a - 1, argv + a + 1);
	}
	log_error("usage: cgroup_driver [-v] run|hold PARENT NAME [LIMIT=V...] -- CMD...");
	return 2;
}
