// SPDX-License-Identifier: MIT
/*
 * Unit tests for boxinit's pure policies: the signal table (init/signals.c),
 * the shutdown state machine (init/shutdown.c), exit-code mapping
 * (init/spawn.c, common/util.c), the capability set (init/caps.c) and the
 * container mount plan (init/mounts.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <linux/capability.h>

#include "caps.h"
#include "mounts.h"
#include "shutdown.h"
#include "signals.h"
#include "spawn.h"
#include "util.h"

static void test_signal_policy_tini_mode(void **state)
{
	static const int forwarded[] = {SIGINT,  SIGQUIT, SIGWINCH, SIGTERM, SIGALRM, SIGABRT,
	                                SIGTSTP, SIGCONT, SIGURG,   SIGXCPU, SIGPWR,  SIGPROF};
	/* Reload / reopen-logs signals go to the services too. */
	static const int broadcast[] = {SIGHUP, SIGUSR1, SIGUSR2};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		assert_int_equal(signals_policy(forwarded[i], false), SIG_ACT_FORWARD);
	for (size_t i = 0; i < ARRAY_SIZE(broadcast); i++)
		assert_int_equal(signals_policy(broadcast[i], false), SIG_ACT_BROADCAST);
	assert_int_equal(signals_policy(SIGRTMIN, false), SIG_ACT_FORWARD);
	assert_int_equal(signals_policy(SIGRTMAX, false), SIG_ACT_FORWARD);
	assert_int_equal(signals_policy(SIGCHLD, false), SIG_ACT_REAP);
}

static void test_signal_policy_keep_running(void **state)
{
	(void)state;
	assert_int_equal(signals_policy(SIGTERM, true), SIG_ACT_STOP);
	assert_int_equal(signals_policy(SIGINT, true), SIG_ACT_STOP);
	assert_int_equal(signals_policy(SIGQUIT, true), SIG_ACT_STOP_NOW);
	assert_int_equal(signals_policy(SIGHUP, true), SIG_ACT_BROADCAST);
	assert_int_equal(signals_policy(SIGUSR1, true), SIG_ACT_BROADCAST);
	assert_int_equal(signals_policy(SIGWINCH, true), SIG_ACT_FORWARD);
	assert_int_equal(signals_policy(SIGCHLD, true), SIG_ACT_REAP);
}

static void test_signal_policy_never_caught(void **state)
{
	static const int dfl[] = {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS,
	                          SIGFPE,  SIGILL,  SIGTRAP, SIGSYS};

	(void)state;
	for (int kr = 0; kr <= 1; kr++) {
		for (size_t i = 0; i < ARRAY_SIZE(dfl); i++)
			assert_int_equal(signals_policy(dfl[i], kr), SIG_ACT_DEFAULT);
		assert_int_equal(signals_policy(SIGTTIN, kr), SIG_ACT_IGNORE);
		assert_int_equal(signals_policy(SIGTTOU, kr), SIG_ACT_IGNORE);
		assert_int_equal(signals_policy(SIGPIPE, kr), SIG_ACT_IGNORE);
		assert_int_equal(signals_policy(0, kr), SIG_ACT_DEFAULT);
		assert_int_equal(signals_policy(-1, kr), SIG_ACT_DEFAULT);
		assert_int_equal(signals_policy(NSIG, kr), SIG_ACT_DEFAULT);
		/* The C library's own real-time signals are left alone. */
		for (int sig = 32; sig < SIGRTMIN; sig++)
			assert_int_equal(signals_policy(sig, kr), SIG_ACT_DEFAULT);
	}
	assert_string_equal(signals_action_name(SIG_ACT_STOP_NOW), "stop-now");
}

static void expect_step(enum sd_state s, enum sd_event ev, bool kr, enum sd_state next,
                        enum sd_action act)
{
	struct sd_step st = shutdown_next(s, ev, kr);

	assert_int_equal(st.next, next);
	assert_int_equal(st.action, act);
}

static void test_shutdown_tini(void **state)
{
	(void)state;
	/* The command's end is boxinit's end. */
	expect_step(SD_RUNNING, SD_EV_MAIN_EXITED, false, SD_DONE, SD_ACT_FINISH);
	/* Stop events never arise in tini mode (TERM is forwarded), and do nothing. */
	expect_step(SD_RUNNING, SD_EV_STOP, false, SD_RUNNING, SD_ACT_NONE);
	expect_step(SD_RUNNING, SD_EV_REAPED, false, SD_RUNNING, SD_ACT_NONE);
	expect_step(SD_DONE, SD_EV_NOTHING_LEFT, false, SD_DONE, SD_ACT_NONE);
	/* An explicit --grace armed by a forwarded TERM: its end kills everything, and the
	 * command's end still ends boxinit. */
	expect_step(SD_RUNNING, SD_EV_GRACE_EXPIRED, false, SD_RUNNING, SD_ACT_KILL_ALL);
}

static void test_shutdown_keep_running(void **state)
{
	(void)state;
	expect_step(SD_RUNNING, SD_EV_MAIN_EXITED, true, SD_RUNNING, SD_ACT_NONE);
	expect_step(SD_RUNNING, SD_EV_REAPED, true, SD_RUNNING, SD_ACT_NONE);
	expect_step(SD_RUNNING, SD_EV_NOTHING_LEFT, true, SD_DONE, SD_ACT_FINISH);
	expect_step(SD_RUNNING, SD_EV_STOP, true, SD_STOPPING, SD_ACT_TERM_ALL);
	expect_step(SD_RUNNING, SD_EV_STOP_NOW, true, SD_KILLING, SD_ACT_KILL_ALL);
	/* Second TERM/INT, QUIT, or the end of the grace: SIGKILL. */
	expect_step(SD_STOPPING, SD_EV_STOP, true, SD_KILLING, SD_ACT_KILL_ALL);
	expect_step(SD_STOPPING, SD_EV_STOP_NOW, true, SD_KILLING, SD_ACT_KILL_ALL);
	expect_step(SD_STOPPING, SD_EV_GRACE_EXPIRED, true, SD_KILLING, SD_ACT_KILL_ALL);
	expect_step(SD_STOPPING, SD_EV_MAIN_EXITED, true, SD_STOPPING, SD_ACT_NONE);
	expect_step(SD_STOPPING, SD_EV_REAPED, true, SD_STOPPING, SD_ACT_NONE);
	expect_step(SD_STOPPING, SD_EV_NOTHING_LEFT, true, SD_DONE, SD_ACT_FINISH);
	/* Killing: every reap re-sends SIGKILL to catch newly adopted orphans. */
	expect_step(SD_KILLING, SD_EV_REAPED, true, SD_KILLING, SD_ACT_KILL_ALL);
	expect_step(SD_KILLING, SD_EV_GRACE_EXPIRED, true, SD_KILLING, SD_ACT_NONE);
	expect_step(SD_KILLING, SD_EV_NOTHING_LEFT, true, SD_DONE, SD_ACT_FINISH);
	expect_step(SD_DONE, SD_EV_STOP, true, SD_DONE, SD_ACT_NONE);
	assert_string_equal(shutdown_state_name(SD_STOPPING), "stopping");
}

static void test_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(spawn_exec_exit_code(ENOENT), 127);
	assert_int_equal(spawn_exec_exit_code(EACCES), 126);
	assert_int_equal(spawn_exec_exit_code(ENOEXEC), 126);
	assert_int_equal(spawn_exec_exit_code(ENOTDIR), 126);
	assert_int_equal(spawn_exec_exit_code(E2BIG), 126);
	/* Raw wait statuses as the kernel encodes them. */
	assert_int_equal(status_to_exit_code(0), 0);
	assert_int_equal(status_to_exit_code(3 << 8), 3);
	assert_int_equal(status_to_exit_code(255 << 8), 255);
	assert_int_equal(status_to_exit_code(SIGTERM), 128 + SIGTERM);
	assert_int_equal(status_to_exit_code(SIGKILL | 0x80), 128 + SIGKILL); /* core dumped */
}

static void test_default_caps(void **state)
{
	static const int want[] = {CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_FSETID,          CAP_FOWNER,
	                           CAP_SETGID, CAP_SETUID,       CAP_SETFCAP,         CAP_SETPCAP,
	                           CAP_KILL,   CAP_SYS_CHROOT,   CAP_NET_BIND_SERVICE};
	int n = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_true(caps_is_default(want[i]));
	for (int cap = 0; cap <= 63; cap++)
		n += caps_is_default(cap);
	assert_int_equal(n, 11);
	assert_false(caps_is_default(CAP_NET_RAW));
	assert_false(caps_is_default(CAP_MKNOD));
	assert_false(caps_is_default(CAP_SYS_ADMIN));
	assert_false(caps_is_default(CAP_NET_ADMIN));
	assert_false(caps_is_default(CAP_SYS_PTRACE));
}

static const struct mount_step *find_step(const struct mount_step *s, size_t n,
                                          enum mount_kind kind, const char *target)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].kind == kind && strcmp(s[i].target, target) == 0)
			return &s[i];
	return NULL;
}

static void test_mount_plan(void **state)
{
	struct mount_step s[64];
	const struct mount_step *st;
	size_t n = mounts_plan(s, ARRAY_SIZE(s), false, true);

	(void)state;
	st = find_step(s, n, MK_MOUNT, "/proc");
	assert_non_null(st);
	assert_true(st->flags & MS_NOSUID && st->flags & MS_NODEV && st->flags & MS_NOEXEC);
	st = find_step(s, n, MK_MOUNT, "/sys");
	assert_non_null(st);
	assert_true(st->flags & MS_RDONLY);
	/* /proc comes first: the console bind and the masks go through it. */
	assert_int_equal(s[0].kind, MK_MOUNT);
	assert_string_equal(s[0].target, "/proc");
	st = find_step(s, n, MK_MOUNT, "/dev/pts");
	assert_non_null(st);
	assert_non_null(strstr(st->data, "newinstance"));
	assert_non_null(strstr(st->data, "gid=5"));
	st = find_step(s, n, MK_NODE, "/dev/null");
	assert_non_null(st);
	assert_int_equal(st->major, 1);
	assert_int_equal(st->minor, 3);
	assert_int_equal(st->mode, 0666);
	st = find_step(s, n, MK_NODE, "/dev/tty");
	assert_non_null(st);
	assert_int_equal(st->major, 5);
	assert_int_equal(st->minor, 0);
	st = find_step(s, n, MK_SYMLINK, "/dev/ptmx");
	assert_non_null(st);
	assert_string_equal(st->source, "pts/ptmx");
	assert_non_null(find_step(s, n, MK_MASK, "/proc/kcore"));
	assert_non_null(find_step(s, n, MK_RDONLY, "/proc/sys"));
	assert_non_null(find_step(s, n, MK_CONSOLE, "/dev/console"));
	/* The host's /dev is never bound in. */
	for (size_t i = 0; i < n; i++)
		assert_false(s[i].source && strcmp(s[i].source, "/dev") == 0);
}

static void test_mount_plan_privileged_and_bounds(void **state)
{
	struct mount_step s[64], few[3];
	size_t n = mounts_plan(s, ARRAY_SIZE(s), true, false);

	(void)state;
	assert_null(find_step(s, n, MK_MASK, "/proc/kcore"));
	assert_null(find_step(s, n, MK_RDONLY, "/proc/sys"));
	assert_null(strstr(find_step(s, n, MK_MOUNT, "/dev/pts")->data, "gid="));
	assert_int_equal(mounts_plan(few, ARRAY_SIZE(few), false, false), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signal_policy_tini_mode),
	    cmocka_unit_test(test_signal_policy_keep_running),
	    cmocka_unit_test(test_signal_policy_never_caught),
	    cmocka_unit_test(test_shutdown_tini),
	    cmocka_unit_test(test_shutdown_keep_running),
	    cmocka_unit_test(test_exit_codes),
	    cmocka_unit_test(test_default_caps),
	    cmocka_unit_test(test_mount_plan),
	    cmocka_unit_test(test_mount_plan_privileged_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
