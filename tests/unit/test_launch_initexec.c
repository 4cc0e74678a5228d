// SPDX-License-Identifier: MIT
/*
 * Unit tests for launcher/initexec.c: boxinit's argv and the container's
 * environment, built from a launch_config. Pure: nothing is exec'd. The contract
 * tests parse a launch command line, build boxinit's argv from it and parse that
 * with boxinit's own parser (init/cmdline.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/capability.h>

#include "capset.h"
#include "cmdline.h"
#include "initargs.h"
#include "initexec.h"
#include "util.h"

static char *cmd[] = {"/bin/sh", "-c", "echo hi", NULL};

static size_t strv_len(char **v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

static void assert_strv(char **got, const char *const *want, size_t n)
{
	assert_int_equal(strv_len(got), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i], want[i]);
}

static void test_argv_defaults_keep_running(void **state)
{
	struct launch_config c = {.cmd = cmd};
	const char *want[] = {"boxinit", "--container", "--mounted", "--keep-running",
	                      "--",      "/bin/sh",     "-c",        "echo hi"};
	char **argv;

	(void)state;
	assert_int_equal(initexec_argv(&c, -1, false, &argv), 0);
	assert_strv(argv, want, 8);
	strv_free(argv);
}

static void test_argv_passes_every_boxinit_option(void **state)
{
	struct launch_config c = {
	    .cmd = cmd,
	    .exit_with_main = true,
	    .grace = "2.5",
	    .privileged = true,
	    .workdir = "/srv",
	    .user = "1000:100",
	    .verbose = true,
	};
	const char *want[] = {"boxinit",      "--container", "--mounted", "--grace", "2.5",
	                      "--privileged", "--workdir",   "/srv",      "--user",  "1000:100",
	                      "--verbose",    "--",          "/bin/sh",   "-c",      "echo hi"};
	char **argv;

	(void)state;
	assert_int_equal(initexec_argv(&c, -1, false, &argv), 0);
	assert_strv(argv, want, 15);
	strv_free(argv);
}

/* The terminal: boxinit learns the control socket's number and opens the pty itself. */
static void test_argv_hands_the_control_socket_and_tty(void **state)
{
	struct launch_config c = {.cmd = cmd};
	const char *want[] = {"boxinit",      "--container", "--mounted", "--keep-running",
	                      "--control-fd", "7",           "--tty",     "--",
	                      "/bin/sh",      "-c",          "echo hi"};
	char **argv;

	(void)state;
	assert_int_equal(initexec_argv(&c, 7, true, &argv), 0);
	assert_strv(argv, want, 11);
	strv_free(argv);
}

/* -c FILE: boxinit reads the file where it is bound, and names the user's FILE in its
 * messages; its own parser takes what launch gives it. */
static void test_argv_names_the_config_file_as_given(void **state)
{
	struct launch_config c = {.cmd = cmd, .config_file = "./web.conf"};
	const char *want[] = {"boxinit",        "--container", "--mounted",
	                      "--keep-running", "--config",    "/etc/boxinit.conf",
	                      "--config-name",  "./web.conf",  "--",
	                      "/bin/sh",        "-c",          "echo hi"};
	struct init_config ic;
	char **argv;

	(void)state;
	assert_int_equal(initexec_argv(&c, -1, false, &argv), 0);
	assert_strv(argv, want, 12);
	assert_int_equal(cmdline_parse((int)strv_len(argv), argv, &ic), 0);
	assert_string_equal(ic.config_path, "/etc/boxinit.conf");
	assert_string_equal(ic.config_name, "./web.conf");
	strv_free(argv);
}

static void test_env_is_clean_and_complete(void **state)
{
	struct launch_config c = {.cmd = cmd, .hostname = "h1"};
	const char *want[] = {INITEXEC_PATH, "HOME=/root", "TERM=screen", "HOSTNAME=h1",
	                      "container=box"};
	char **envp;

	(void)state;
	assert_int_equal(initexec_env(&c, "screen", &envp), 0);
	assert_strv(envp, want, 5);
	strv_free(envp);
}

static void test_env_term_defaults_to_xterm(void **state)
{
	struct launch_config c = {.cmd = cmd, .hostname = "h1"};
	char **envp;

	(void)state;
	assert_int_equal(initexec_env(&c, NULL, &envp), 0);
	assert_string_equal(envp[2], "TERM=xterm");
	strv_free(envp);
	assert_int_equal(initexec_env(&c, "", &envp), 0);
	assert_string_equal(envp[2], "TERM=xterm");
	strv_free(envp);
}

static void test_env_home_follows_user(void **state)
{
	struct launch_config c = {.cmd = cmd, .hostname = "h", .user = "1000:1000"};
	char **envp;

	(void)state;
	assert_int_equal(initexec_env(&c, NULL, &envp), 0);
	assert_string_equal(envp[1], "HOME=/");
	strv_free(envp);
	c.user = "0:5";
	assert_int_equal(initexec_env(&c, NULL, &envp), 0);
	assert_string_equal(envp[1], "HOME=/root");
	strv_free(envp);
}

static void test_env_user_values_override_in_place(void **state)
{
	char *env[] = {"A=1", "PATH=/opt/bin", "HOME=/home/x", "A=2", "B="};
	struct launch_config c = {.cmd = cmd, .hostname = "h1", .env = env, .n_env = 5};
	const char *want[] = {"PATH=/opt/bin", "HOME=/home/x", "TERM=xterm", "HOSTNAME=h1",
	                      "container=box", "A=2",          "B="};
	char **envp;

	(void)state;
	assert_int_equal(initexec_env(&c, NULL, &envp), 0);
	assert_strv(envp, want, 7);
	strv_free(envp);
}

static void test_env_key_prefix_is_not_a_match(void **state)
{
	char *env[] = {"PATHX=1", "PAT=2"};
	struct launch_config c = {.cmd = cmd, .hostname = "h1", .env = env, .n_env = 2};
	char **envp;

	(void)state;
	assert_int_equal(initexec_env(&c, NULL, &envp), 0);
	assert_int_equal(strv_len(envp), 7);
	assert_string_equal(envp[0], INITEXEC_PATH);
	assert_string_equal(envp[5], "PATHX=1");
	assert_string_equal(envp[6], "PAT=2");
	strv_free(envp);
}

/* --- the launch -> boxinit contract --------------------------------------------------- */

struct handoff {
	struct launch_config lc;
	char **argv;
	struct init_config ic;
};

/* launch ARGS... -> launch_config -> initexec_argv -> cmdline_parse. */
static void hand_off(struct handoff *h, int ctl_fd, bool tty, char **args, int n)
{
	memset(h, 0, sizeof(*h));
	assert_int_equal(config_parse(n, args, &h->lc), 0);
	assert_int_equal(initexec_argv(&h->lc, ctl_fd, tty, &h->argv), 0);
	assert_int_equal(cmdline_parse((int)strv_len(h->argv), h->argv, &h->ic), 0);
}

static void handoff_free(struct handoff *h)
{
	strv_free(h->argv);
	config_free(&h->lc);
}

#define HAND_OFF(h, ctl, tty, ...)                                                                 \
	do {                                                                                       \
		char *_a[] = {"launch", __VA_ARGS__, NULL};                                        \
		hand_off((h), (ctl), (tty), _a, (int)ARRAY_SIZE(_a) - 1);                          \
	} while (0)

/* Every long option boxinit gets from launch, as initargs.h lists them. */
static const char *const contract[] = {
    INITARG_CONTAINER,  INITARG_MOUNTED,      INITARG_KEEP_RUNNING, INITARG_GRACE,
    INITARG_PRIVILEGED, INITARG_WORKDIR,      INITARG_USER,         INITARG_CAP_ADD,
    INITARG_CAP_DROP,   INITARG_NO_NEW_PRIVS, INITARG_VERBOSE,      INITARG_CONFIG,
    INITARG_SERVICE,    INITARG_CONTROL_FD,   INITARG_TTY,          INITARG_CONFIG_NAME,
};

/* Marks, in seen[], the contract's options that argv (up to "--" CMD) holds. */
static void mark_seen(char **argv, bool seen[ARRAY_SIZE(contract)])
{
	for (size_t i = 1; argv[i] && !STREQ(argv[i], "--"); i++) {
		size_t len = strcspn(argv[i], "=");

		if (strncmp(argv[i], "--", 2) != 0)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(contract); k++)
			if (strlen(contract[k]) == len - 2 &&
			    !strncmp(argv[i] + 2, contract[k], len - 2))
				seen[k] = true;
	}
}

static void test_contract_every_option_reaches_boxinit(void **state)
{
	bool seen[ARRAY_SIZE(contract)] = {false};
	struct handoff h;

	(void)state;
	HAND_OFF(&h, 7, true, "--exit-with-main", "--grace", "2.5", "-w", "/srv", "-u", "1000:100",
	         "--cap-drop", "ALL", "--cap-add", "NET_ADMIN,SYS_TIME", "--no-new-privileges",
	         "--verbose", "-c", "/host/box.conf", "--service", "web=httpd -f", "--service",
	         "db=mysqld", "/rf", "cmd", "arg");
	mark_seen(h.argv, seen);
	assert_true(h.ic.container);
	assert_true(h.ic.mounted);
	assert_false(h.ic.keep_running);
	assert_int_equal(h.ic.grace_ms, 2500);
	assert_false(h.ic.privileged);
	assert_string_equal(h.ic.workdir, "/srv");
	assert_true(h.ic.has_user);
	assert_int_equal(h.ic.uid, 1000);
	assert_int_equal(h.ic.gid, 100);
	assert_true(h.ic.caps.drop_all);
	assert_int_equal(capset_resolve(&h.ic.caps), capset_resolve(&h.lc.caps));
	assert_int_equal(capset_resolve(&h.ic.caps),
	                 CAPSET_BIT(CAP_NET_ADMIN) | CAPSET_BIT(CAP_SYS_TIME));
	assert_true(h.ic.no_new_privs);
	assert_true(h.ic.verbose);
	assert_string_equal(h.ic.config_path, CONFIG_BOXINIT_CONF);
	assert_string_equal(h.ic.config_name, "/host/box.conf");
	assert_int_equal(h.ic.n_services, 2);
	assert_string_equal(h.ic.services[0], "web=httpd -f");
	assert_string_equal(h.ic.services[1], "db=mysqld");
	assert_int_equal(h.ic.control_fd, 7);
	assert_true(h.ic.tty);
	assert_string_equal(h.ic.argv[0], "cmd");
	assert_string_equal(h.ic.argv[1], "arg");
	assert_null(h.ic.argv[2]);
	handoff_free(&h);

	/* The defaults: boxinit stays while processes remain; nothing else is asked. */
	HAND_OFF(&h, -1, false, "/rf", "cmd");
	mark_seen(h.argv, seen);
	assert_true(h.ic.container);
	assert_true(h.ic.keep_running);
	assert_int_equal(h.ic.grace_ms, CMDLINE_DEFAULT_GRACE_MS);
	assert_false(h.ic.has_user);
	assert_false(h.ic.verbose);
	assert_false(h.ic.no_new_privs);
	assert_null(h.ic.workdir);
	assert_null(h.ic.config_path);
	assert_int_equal(h.ic.n_services, 0);
	/* No change asked: boxinit keeps its default set. */
	assert_false(h.ic.caps.drop_all || h.ic.caps.add_all);
	assert_int_equal(h.ic.caps.add | h.ic.caps.drop, 0);
	assert_int_equal(h.ic.control_fd, -1);
	assert_false(h.ic.tty);
	assert_string_equal(h.ic.argv[0], "cmd");
	handoff_free(&h);

	/* --privileged (refused with --cap-*); -u UID: the GID is the UID's on both sides. */
	HAND_OFF(&h, 5, false, "--privileged", "-u", "7", "/rf", "cmd");
	mark_seen(h.argv, seen);
	assert_true(h.ic.privileged);
	assert_int_equal(h.ic.uid, 7);
	assert_int_equal(h.ic.gid, 7);
	assert_int_equal(h.ic.control_fd, 5);
	assert_false(h.ic.tty);
	handoff_free(&h);

	/* Services only, no command. */
	HAND_OFF(&h, -1, false, "--service", "a=sleep 1", "/rf");
	assert_int_equal(h.ic.n_services, 1);
	assert_null(h.ic.argv);
	handoff_free(&h);

	for (size_t k = 0; k < ARRAY_SIZE(contract); k++)
		if (!seen[k])
			fail_msg("launch never passes --%s", contract[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_argv_defaults_keep_running),
	    cmocka_unit_test(test_argv_passes_every_boxinit_option),
	    cmocka_unit_test(test_argv_hands_the_control_socket_and_tty),
	    cmocka_unit_test(test_argv_names_the_config_file_as_given),
	    cmocka_unit_test(test_env_is_clean_and_complete),
	    cmocka_unit_test(test_env_term_defaults_to_xterm),
	    cmocka_unit_test(test_env_home_follows_user),
	    cmocka_unit_test(test_env_user_values_override_in_place),
	    cmocka_unit_test(test_env_key_prefix_is_not_a_match),
	    cmocka_unit_test(test_contract_every_option_reaches_boxinit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
