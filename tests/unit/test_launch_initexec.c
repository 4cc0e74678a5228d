// SPDX-License-Identifier: MIT
/*
 * Unit tests for launcher/initexec.c: boxinit's argv and the container's
 * environment, built from a launch_config. Pure: nothing is exec'd.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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
	                      "-v",           "--",          "/bin/sh",   "-c",      "echo hi"};
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_argv_defaults_keep_running),
	    cmocka_unit_test(test_argv_passes_every_boxinit_option),
	    cmocka_unit_test(test_argv_hands_the_control_socket_and_tty),
	    cmocka_unit_test(test_env_is_clean_and_complete),
	    cmocka_unit_test(test_env_term_defaults_to_xterm),
	    cmocka_unit_test(test_env_home_follows_user),
	    cmocka_unit_test(test_env_user_values_override_in_place),
	    cmocka_unit_test(test_env_key_prefix_is_not_a_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
