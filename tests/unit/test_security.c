// SPDX-License-Identifier: MIT
/*
 * Unit tests for the security defaults: capability names and sets (common/capset),
 * the seccomp denylist (core/syscalls), the masked paths of the mount plan, the
 * device allow list, and the cgroup v2 device program, which is loaded and attached
 * for real when a cgroup2 hierarchy is mounted (the unified one of a hybrid host will
 * do: device programs run on every host that has one). It creates its cgroup under
 * /box-test only, and removes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "capset.h"
#include "cgroup_internal.h"
#include "mounts.h"
#include "syscalls.h"
#include "util.h"

#define CGROUP2_MAGIC 0x63677270

static void test_capset_default_is_podmans_11(void **state)
{
	uint64_t d = capset_default();

	(void)state;
	assert_int_equal(__builtin_popcountll(d), 11);
	assert_true(d & CAPSET_BIT(CAP_NET_BIND_SERVICE));
	assert_false(d & CAPSET_BIT(CAP_NET_RAW));
	assert_false(d & CAPSET_BIT(CAP_MKNOD));
	assert_false(d & CAPSET_BIT(CAP_AUDIT_WRITE));
	assert_false(d & CAPSET_BIT(CAP_SYS_ADMIN));
	assert_false(d & CAPSET_BIT(CAP_SYS_PTRACE));
	assert_int_equal(d, 0x800405fbULL);
}

static void test_capset_names(void **state)
{
	struct capset_change ch = {0};

	(void)state;
	assert_int_equal(capset_parse("NET_ADMIN", true, &ch), 0);
	assert_int_equal(capset_parse("cap_sys_time", true, &ch), 0);
	assert_int_equal(capset_parse("CAP_CHOWN", false, &ch), 0);
	assert_int_equal(ch.add, CAPSET_BIT(CAP_NET_ADMIN) | CAPSET_BIT(CAP_SYS_TIME));
	assert_int_equal(ch.drop, CAPSET_BIT(CAP_CHOWN));
	assert_int_equal(capset_parse("bogus", true, &ch), -EINVAL);
	assert_int_equal(capset_parse("12", true, &ch), -EINVAL);
	assert_int_equal(capset_parse("", true, &ch), -EINVAL);
	assert_int_equal(capset_parse_list("kill,,chown", true, &ch), -EINVAL);
	assert_int_equal(capset_parse_list("all", false, &ch), 0);
	assert_true(ch.drop_all);
}

static void test_capset_resolve(void **state)
{
	struct capset_change none = {0}, drop_all = {0}, add_all = {0}, both = {0};

	(void)state;
	assert_int_equal(capset_resolve(&none), capset_default());
	assert_int_equal(capset_parse_list("ALL", false, &drop_all), 0);
	assert_int_equal(capset_resolve(&drop_all), 0);
	assert_int_equal(capset_parse_list("net_admin,kill", true, &drop_all), 0);
	assert_int_equal(capset_resolve(&drop_all),
	                 CAPSET_BIT(CAP_NET_ADMIN) | CAPSET_BIT(CAP_KILL));
	assert_int_equal(capset_parse_list("ALL", true, &add_all), 0);
	assert_int_equal(capset_parse_list("SYS_ADMIN", false, &add_all), 0);
	assert_int_equal(capset_resolve(&add_all), capset_all() & ~CAPSET_BIT(CAP_SYS_ADMIN));
	/* drop ALL wins over add ALL. */
	assert_int_equal(capset_parse_list("ALL", true, &both), 0);
	assert_int_equal(capset_parse_list("ALL", false, &both), 0);
	assert_int_equal(capset_resolve(&both), 0);
}

/* What each kind of call gets from the allowlist, and --cap-add giving a guarded one back. */
static void test_seccomp_allowlist_verdicts(void **state)
{
	uint64_t d = capset_default();

	(void)state;
	assert_int_equal(syscalls_verdict("read", d), SYSCALL_ALLOWED);
	assert_int_equal(syscalls_verdict("epoll_pwait2", d), SYSCALL_ALLOWED);
	assert_int_equal(syscalls_verdict("mount", d), SYSCALL_ALLOWED); /* boxinit mounts */
	assert_int_equal(syscalls_verdict("clone", d), SYSCALL_BY_ARGS);
	assert_int_equal(syscalls_verdict("personality", d), SYSCALL_BY_ARGS);
	assert_int_equal(syscalls_verdict("ioctl", d), SYSCALL_BY_ARGS);
	assert_int_equal(syscalls_verdict("io_uring_setup", d), SYSCALL_EPERM);
	assert_int_equal(syscalls_verdict("fsopen", d), SYSCALL_EPERM);
	assert_int_equal(syscalls_verdict("kcmp", d), SYSCALL_EPERM);
	assert_int_equal(syscalls_verdict("kcmp", d | CAPSET_BIT(CAP_SYS_PTRACE)), SYSCALL_ALLOWED);
	assert_int_equal(syscalls_verdict("chroot", d), SYSCALL_ALLOWED); /* CAP_SYS_CHROOT */
	assert_int_equal(syscalls_verdict("chroot", d & ~CAPSET_BIT(CAP_SYS_CHROOT)),
	                 SYSCALL_EPERM);
	assert_int_equal(syscalls_verdict("clone3", d), SYSCALL_ENOSYS);
	assert_int_equal(syscalls_verdict("clone3", d | CAPSET_BIT(CAP_SYS_ADMIN)),
	                 SYSCALL_ALLOWED);
	/* Never named: the default answer. */
	assert_int_equal(syscalls_verdict("migrate_pages", d), SYSCALL_ENOSYS);
	assert_int_equal(syscalls_verdict("mseal", d), SYSCALL_ENOSYS);
	assert_true(syscalls_caps_that_matter() & CAPSET_BIT(CAP_SYS_PTRACE));
	assert_false(syscalls_caps_that_matter() & CAPSET_BIT(CAP_CHOWN));
}

static void test_seccomp_denylist(void **state)
{
	static const char *const always[] = {
	    "kexec_load",    "init_module",       "finit_module",
	    "delete_module", "open_by_handle_at", "keyctl",
	    "add_key",       "request_key",       "bpf",
	    "userfaultfd",   "perf_event_open",   "setns",
	    "clone3",        "io_uring_setup",    "syslog",
	};
	uint64_t d = capset_default();

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(always); i++)
		assert_true(syscalls_denied(always[i], d));
	/* What containers (and nginx) use every day. */
	assert_false(syscalls_denied("read", d));
	assert_false(syscalls_denied("clone", d));
	assert_false(syscalls_denied("mount", d)); /* boxinit mounts under the filter */
	assert_false(syscalls_denied("ptrace", d));
	/* --cap-add gives a guarded call back; keyrings stay out of reach. */
	assert_false(syscalls_denied("init_module", d | CAPSET_BIT(CAP_SYS_MODULE)));
	assert_false(syscalls_denied("clone3", d | CAPSET_BIT(CAP_SYS_ADMIN)));
	assert_true(syscalls_denied("keyctl", capset_all()));
}

static void test_seccomp_filter_builds(void **state)
{
	struct syscall_filter f = {0}, g = {0};

	(void)state;
	assert_int_equal(syscalls_build(capset_default(), &f), 0);
	assert_non_null(f.prog);
	assert_true(f.len > 20);
	/* Fewer rules with every capability: the guarded calls are allowed again. */
	assert_int_equal(syscalls_build(capset_all(), &g), 0);
	assert_true(g.len < f.len);
	syscalls_free(&f);
	syscalls_free(&g);
	assert_null(f.prog);
}

/* The build-time template is what libseccomp builds now from the same tables: a stale
 * header or a drifted table fails here. Fitted to a set, it is a program of its own. */
static void test_seccomp_prebuilt_filter_is_current(void **state)
{
	struct syscall_filter tmpl = {0}, fit = {0}, got = {0}, other = {0};
	uint64_t d = capset_default();

	(void)state;
	assert_int_equal(syscalls_build_template(&tmpl), 0);
	assert_int_equal(syscalls_fit(tmpl.prog, tmpl.len, d, &fit), 0);
	assert_int_equal(syscalls_get(d, &got), 0);
	assert_true(got.owned);
	assert_int_equal(got.len, fit.len);
	assert_memory_equal(got.prog, fit.prog, fit.len * sizeof(*fit.prog));
	assert_int_equal(syscalls_get(d | CAPSET_BIT(CAP_SYS_MODULE), &other), 0);
	assert_int_equal(other.len, fit.len);
	assert_true(memcmp(other.prog, fit.prog, fit.len * sizeof(*fit.prog)) != 0);
	syscalls_free(&tmpl);
	syscalls_free(&fit);
	syscalls_free(&got);
	syscalls_free(&other);
}

/* What a call gets under f, in a child: 0 for success, else errno. */
static int answer_under(const struct syscall_filter *f, const long *call)
{
	int fds[2], e = -1;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		long r;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscalls_load(f) < 0)
			_exit(1);
		r = syscall(call[0], call[1], call[2], call[3], call[4], call[5]);
		e = r < 0 ? errno : 0;
		(void)!write(fds[1], &e, sizeof(e));
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &e, sizeof(e)) != sizeof(e))
		e = -1;
	close(fds[0]);
	if (pid > 0)
		(void)waitpid(pid, NULL, 0);
	return e;
}

/* The template fitted to a set answers as libseccomp's own filter for that set, for the
 * calls whose answer depends on a capability (made with arguments that act on nothing). */
static void test_seccomp_fitted_template_answers_as_a_built_filter(void **state)
{
	static const long calls[][6] = {
	    {SYS_init_module, 0, 0, 0, 0, 0},
	    {SYS_kcmp, 0, 0, 9, 0, 0},
	    {SYS_io_uring_setup, 0, 0, 0, 0, 0},
	    {SYS_clone3, 0, 0, 0, 0, 0},
	    {SYS_unshare, 0x80000000L, 0, 0, 0, 0},
	    {SYS_unshare, CLONE_FILES, 0, 0, 0, 0},
	    {SYS_fsopen, 0, 0, 0, 0, 0},
	    {SYS_settimeofday, 0, 0, 0, 0, 0},
	    {SYS_chroot, 0, 0, 0, 0, 0},
	    {SYS_getppid, 0, 0, 0, 0, 0},
	    {SYS_personality, 0x0040000, 0, 0, 0, 0},
	    {SYS_open_by_handle_at, -1, 0, 0, 0, 0},
	};
	uint64_t d = capset_default();
	const uint64_t sets[] = {d,
	                         d | CAPSET_BIT(CAP_SYS_ADMIN),
	                         d | CAPSET_BIT(CAP_SYS_MODULE),
	                         d | CAPSET_BIT(CAP_SYS_PTRACE) | CAPSET_BIT(CAP_SYS_TIME),
	                         d & ~CAPSET_BIT(CAP_SYS_CHROOT),
	                         capset_all()};
	struct syscall_filter tmpl = {0};

	(void)state;
	assert_int_equal(syscalls_build_template(&tmpl), 0);
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		struct syscall_filter fit = {0}, built = {0};

		assert_int_equal(syscalls_fit(tmpl.prog, tmpl.len, sets[i], &fit), 0);
		assert_int_equal(syscalls_build(sets[i], &built), 0);
		for (size_t k = 0; k < ARRAY_SIZE(calls); k++) {
			int a = answer_under(&fit, calls[k]), b = answer_under(&built, calls[k]);

			if (a != b || a < 0)
				fail_msg("set %zu, call %ld: fitted %d, built %d", i, calls[k][0],
				         a, b);
		}
		syscalls_free(&fit);
		syscalls_free(&built);
	}
	syscalls_free(&tmpl);
}

static bool plan_masks(const struct mount_step *s, size_t n, const char *target)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].kind == MK_MASK && strcmp(s[i].target, target) == 0)
			return true;
	return false;
}

static void test_masked_paths(void **state)
{
	static const char *const masked[] = {
	    "/proc/acpi",        "/proc/asound",        "/proc/kcore",
	    "/proc/keys",        "/proc/latency_stats", "/proc/timer_list",
	    "/proc/timer_stats", "/proc/sched_debug",   "/proc/scsi",
	    "/proc/interrupts",  "/sys/firmware",       "/sys/devices/virtual/powercap",
	};
	struct mount_step s[64];
	size_t n = mounts_plan(s, ARRAY_SIZE(s), false, false);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++)
		assert_true(plan_masks(s, n, masked[i]));
}

static void test_device_rules(void **state)
{
	char buf[32];
	const char *r;
	size_t i;
	bool null = false, pts = false;

	(void)state;
	assert_string_equal(cgroup_device_rule(0, buf, sizeof(buf)), "c *:* m");
	assert_string_equal(cgroup_device_rule(1, buf, sizeof(buf)), "b *:* m");
	for (i = 2; (r = cgroup_device_rule(i, buf, sizeof(buf))); i++) {
		assert_true(r[0] == 'c');
		null |= strcmp(r, "c 1:3 rwm") == 0;
		pts |= strcmp(r, "c 136:* rwm") == 0;
	}
	assert_true(null && pts);
	assert_int_equal(i, 11);
}

static const char *cgroup2_root(void)
{
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	struct statfs sf;

	for (size_t i = 0; i < ARRAY_SIZE(roots); i++)
		if (statfs(roots[i], &sf) == 0 && (unsigned long)sf.f_type == CGROUP2_MAGIC)
			return roots[i];
	return NULL;
}

/* In a child moved into dir: /dev/null opens, a node for loop-control is made but
 * cannot be opened. Exit code: 0 when all of that holds, else which step failed. */
static int device_child(const char *dir, const char *node)
{
	char procs[512], pid[16];
	int fd;

	(void)snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	(void)snprintf(pid, sizeof(pid), "%d", getpid());
	if (write_file(procs, pid) < 0)
		return 10;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 11;
	close(fd);
	if (mknod(node, S_IFCHR | 0600, makedev(10, 237)) < 0)
		return 12;
	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EPERM)
		return 13;
	return 0;
}

static void test_v2_device_program(void **state)
{
	const char *root = cgroup2_root();
	char parent[256], dir[300], tmp[] = "/tmp/box-ut-devices-XXXXXX", node[64];
	int status = -1;
	pid_t pid;

	(void)state;
	if (!root || geteuid() != 0)
		skip();
	(void)snprintf(parent, sizeof(parent), "%s/box-test", root);
	(void)snprintf(dir, sizeof(dir), "%s/ut-devices-%d", parent, getpid());
	(void)mkdir(parent, 0755);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_non_null(mkdtemp(tmp));
	(void)snprintf(node, sizeof(node), "%s/node", tmp);
	if (cgroup_v2_devices(dir, &(struct cgroup_limits){0}) == 0) {
		pid = fork();
		if (pid == 0)
			_exit(device_child(dir, node));
		(void)waitpid(pid, &status, 0);
	}
	(void)unlink(node);
	(void)rmdir(tmp);
	(void)rmdir(dir);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The filter loaded for real in a child: what it refuses, what it lets through. */
static int filtered_child(void)
{
	struct syscall_filter f = {0};
	int pty, fd, errs = 0;
	char c = 'x';

	/* Control: root (CAP_SYS_ADMIN) may push into any terminal without the filter. */
	pty = posix_openpt(O_RDWR | O_NOCTTY);
	if (pty < 0 || (geteuid() == 0 && ioctl(pty, TIOCSTI, &c) != 0))
		return 101;
	if (syscalls_get(capset_default(), &f) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscalls_load(&f) < 0)
		return 100;
	/* vsock, AF_ALG, TIPC: refused as by a kernel without them. */
	errs += socket(40, SOCK_STREAM, 0) >= 0 || errno != EAFNOSUPPORT;
	errs += socket(38, SOCK_SEQPACKET, 0) >= 0 || errno != EAFNOSUPPORT;
	errs += socket(30, SOCK_RDM, 0) >= 0 || errno != EAFNOSUPPORT;
	/* A family with high bits set is the same family to the kernel. */
	errs += syscall(SYS_socket, 0x100000028L, SOCK_STREAM, 0) >= 0 || errno != EAFNOSUPPORT;
	/* What services use. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	errs += fd < 0;
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	errs += fd < 0;
	close(fd);
	fd = socket(AF_NETLINK, SOCK_RAW, 0);
	errs += fd < 0;
	close(fd);
	/* TIOCSTI refused, with or without high bits in the command; other ioctls pass. */
	errs += ioctl(pty, TIOCSTI, &c) == 0 || errno != EPERM;
	errs += syscall(SYS_ioctl, pty, 0x100000000L | TIOCSTI, &c) == 0 || errno != EPERM;
	errs += ioctl(pty, TIOCLINUX, &c) == 0 || errno != EPERM;
	errs += ioctl(pty, TIOCGPTN, &fd) != 0;
	/* The commands next to TIOCSTI and TIOCLINUX in the trie of refused ones pass. */
	errs += syscall(SYS_ioctl, pty, 0x5413 /* TIOCGWINSZ */, &(char[8]){0}) != 0;
	errs += syscall(SYS_ioctl, pty, 0x541B /* FIONREAD */, &fd) != 0;
	/* Unnamed: ENOSYS, the default answer (mseal is newer than the filter's list). */
	errs += syscall(462, 0, 0, 0) == 0 || errno != ENOSYS;
	errs += syscall(SYS_migrate_pages, 0, 0, NULL, NULL) == 0 || errno != ENOSYS;
	/* clone3: ENOSYS, so that C libraries fall back to clone. */
	errs += syscall(SYS_clone3, NULL, 0) == 0 || errno != ENOSYS;
	/* Guarded: EPERM. */
	errs += syscall(SYS_io_uring_setup, 0, NULL) == 0 || errno != EPERM;
	errs += syscall(SYS_fsopen, "tmpfs", 0) == 0 || errno != EPERM;
	/* Namespace flags EPERM; without them unshare works. */
	errs += unshare(CLONE_NEWUSER) == 0 || errno != EPERM;
	errs += unshare(CLONE_FILES) != 0;
	/* personality: the query and Docker's values pass, others get ENOSYS. */
	errs += syscall(SYS_personality, 0xffffffffUL) < 0;
	errs += syscall(SYS_personality, 0x0040000UL) >= 0 || errno != ENOSYS;
	/* mount reaches the kernel (root here: ENOENT for a missing target). */
	errs += mount("none", "/nonexistent-box-target", "tmpfs", 0, NULL) == 0 || errno != ENOENT;
	return errs;
}

static void test_seccomp_filter_refuses_tiocsti_and_families(void **state)
{
	pid_t pid = fork();
	int st;

	(void)state;
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(filtered_child());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capset_default_is_podmans_11),
	    cmocka_unit_test(test_capset_names),
	    cmocka_unit_test(test_capset_resolve),
	    cmocka_unit_test(test_seccomp_allowlist_verdicts),
	    cmocka_unit_test(test_seccomp_denylist),
	    cmocka_unit_test(test_seccomp_filter_builds),
	    cmocka_unit_test(test_seccomp_prebuilt_filter_is_current),
	    cmocka_unit_test(test_seccomp_fitted_template_answers_as_a_built_filter),
	    cmocka_unit_test(test_seccomp_filter_refuses_tiocsti_and_families),
	    cmocka_unit_test(test_masked_paths),
	    cmocka_unit_test(test_device_rules),
	    cmocka_unit_test(test_v2_device_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
