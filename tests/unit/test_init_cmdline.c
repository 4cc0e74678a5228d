// SPDX-License-Identifier: MIT
/*
 * Unit tests for boxinit's command-line parser (init/cmdline.c): options,
 * values, the "--" and first-non-option rules, and every rejection.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cmdline.h"
#include "util.h"

/* The parsed config keeps pointers into argv: the array is a compound literal, which lives
 * as long as the test's own block (a statement expression's array would die at its end). */
#define PARSE(cfg, ...)                                                                            \
	cmdline_parse((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)) + 1,                 \
	              (char *[]){"boxinit", __VA_ARGS__, NULL}, (cfg))

static void test_defaults_and_command(void **state)
{
	struct init_config c;
	char *argv[] = {"boxinit", "sh", "-c", "exit 3", NULL};

	(void)state;
	assert_int_equal(cmdline_parse(4, argv, &c), 0);
	assert_ptr_equal(c.argv, &argv[1]);
	assert_string_equal(c.argv[2], "exit 3");
	assert_null(c.argv[3]);
	assert_int_equal(c.grace_ms, 10000);
	assert_false(c.keep_running);
	assert_false(c.container);
	assert_false(c.privileged);
	assert_false(c.keep_fds);
	assert_false(c.has_user);
	assert_false(c.verbose);
	assert_null(c.workdir);
}

static void test_command_options_are_not_ours(void **state)
{
	struct init_config c;
	char *argv[] = {"boxinit", "-v", "ls", "--keep-running", "-h", NULL};

	(void)state;
	assert_int_equal(cmdline_parse(5, argv, &c), 0);
	assert_true(c.verbose);
	assert_false(c.keep_running);
	assert_false(c.help);
	assert_string_equal(c.argv[0], "ls");
	assert_string_equal(c.argv[1], "--keep-running");
}

static void test_double_dash_ends_options(void **state)
{
	struct init_config c;
	char *argv[] = {"boxinit", "--keep-running", "--", "--version", NULL};

	(void)state;
	assert_int_equal(cmdline_parse(4, argv, &c), 0);
	assert_true(c.keep_running);
	assert_false(c.version);
	assert_string_equal(c.argv[0], "--version");
}

static void test_all_flags(void **state)
{
	struct init_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "-vsg", "--keep-running", "--container", "--privileged",
	                       "--keep-fds", "--workdir", "/srv", "--user=1000:100", "--", "true"),
	                 0);
	assert_true(c.verbose);
	assert_true(c.keep_running);
	assert_true(c.container);
	assert_true(c.privileged);
	assert_true(c.keep_fds);
	assert_string_equal(c.workdir, "/srv");
	assert_true(c.has_user);
	assert_int_equal(c.uid, 1000);
	assert_int_equal(c.gid, 100);
	assert_string_equal(c.argv[0], "true");
}

static void test_help_and_version_need_no_command(void **state)
{
	struct init_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--help"), 0);
	assert_true(c.help);
	assert_null(c.argv);
	assert_int_equal(PARSE(&c, "-V"), 0);
	assert_true(c.version);
	assert_int_equal(PARSE(&c, "-h"), 0);
	assert_true(c.help);
	assert_non_null(strstr(cmdline_usage(), "--keep-running"));
}

/* Services may stand in for the command: main.c checks that one of them is there. */
static void test_services_and_config(void **state)
{
	struct init_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--keep-running"), 0);
	assert_null(c.argv);
	assert_int_equal(PARSE(&c, "--"), 0);
	assert_null(c.argv);
	assert_int_equal(PARSE(&c, "-c", "/etc/x.conf", "--service", "a=sleep 1",
	                       "--service=b=true", "--", "ls"),
	                 0);
	assert_string_equal(c.config_path, "/etc/x.conf");
	assert_int_equal(c.n_services, 2);
	assert_string_equal(c.services[0], "a=sleep 1");
	assert_string_equal(c.services[1], "b=true");
	assert_string_equal(c.argv[0], "ls");
	assert_int_equal(PARSE(&c, "-vc/f.conf"), 0);
	assert_true(c.verbose);
	assert_string_equal(c.config_path, "/f.conf");
	assert_null(c.argv);
	assert_null(c.config_name);
	assert_int_equal(PARSE(&c, "-c", "/etc/boxinit.conf", "--config-name", "./my.conf"), 0);
	assert_string_equal(c.config_name, "./my.conf");
	assert_int_equal(PARSE(&c, "--config-name="), -EINVAL);
}

static void test_grace_values(void **state)
{
	struct init_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "true"), 0);
	assert_false(c.grace_given);
	assert_int_equal(PARSE(&c, "--grace", "3", "true"), 0);
	assert_int_equal(c.grace_ms, 3000);
	assert_true(c.grace_given);
	assert_int_equal(PARSE(&c, "--grace=0.5", "true"), 0);
	assert_int_equal(c.grace_ms, 500);
	assert_int_equal(PARSE(&c, "--grace", "0", "true"), 0);
	assert_int_equal(c.grace_ms, 0);
	assert_int_equal(PARSE(&c, "--grace", "1.25", "true"), 0);
	assert_int_equal(c.grace_ms, 1250);
	assert_int_equal(PARSE(&c, "--grace", "-1", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "--grace", "abc", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "--grace", "1s", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "--grace", "", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "--grace", "1.", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "--grace", "99999999999999999999999", "true"), -EINVAL);
}

static void test_user_values(void **state)
{
	struct init_config c;
	uid_t uid;
	gid_t gid;

	(void)state;
	assert_int_equal(parse_user_ids("1000", &uid, &gid), 0);
	assert_int_equal(uid, 1000);
	assert_int_equal(gid, 1000);
	assert_int_equal(parse_user_ids("0:0", &uid, &gid), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(gid, 0);
	assert_int_equal(parse_user_ids("65534:5", &uid, &gid), 0);
	assert_int_equal(uid, 65534);
	assert_int_equal(gid, 5);
	assert_int_equal(parse_user_ids("4294967294", &uid, &gid), 0);
	assert_int_equal(uid, 4294967294U);
	/* (uid_t)-1 means "unchanged" to setuid: never accepted. */
	assert_int_equal(parse_user_ids("4294967295", &uid, &gid), -ERANGE);
	assert_int_equal(parse_user_ids("1:4294967295", &uid, &gid), -ERANGE);
	assert_true(parse_user_ids("root", &uid, &gid) < 0);
	assert_true(parse_user_ids("1000:", &uid, &gid) < 0);
	assert_true(parse_user_ids(":1000", &uid, &gid) < 0);
	assert_true(parse_user_ids("-1", &uid, &gid) < 0);
	assert_true(parse_user_ids("1:2:3", &uid, &gid) < 0);
	assert_true(parse_user_ids("", &uid, &gid) < 0);
	assert_int_equal(PARSE(&c, "--user", "nobody", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "--user", "7", "true"), 0);
	assert_int_equal(c.uid, 7);
	assert_int_equal(c.gid, 7);
}

static void test_rejections(void **state)
{
	struct init_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--bogus", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "-x", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "-vx", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "--keep-running=yes", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "--grace"), -EINVAL);
	assert_int_equal(PARSE(&c, "--workdir"), -EINVAL);
	assert_int_equal(PARSE(&c, "--workdir", "", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "--service", "bad", "true"), 0); /* checked by svcconf */
	assert_int_equal(PARSE(&c, "--config"), -EINVAL);
	assert_int_equal(PARSE(&c, "-c"), -EINVAL);
	assert_int_equal(PARSE(&c, "--config", "", "true"), -EINVAL);
	assert_int_equal(PARSE(&c, "--keep"), -EINVAL); /* no prefix matching */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_and_command),
	    cmocka_unit_test(test_command_options_are_not_ours),
	    cmocka_unit_test(test_double_dash_ends_options),
	    cmocka_unit_test(test_all_flags),
	    cmocka_unit_test(test_help_and_version_need_no_command),
	    cmocka_unit_test(test_services_and_config),
	    cmocka_unit_test(test_grace_values),
	    cmocka_unit_test(test_user_values),
	    cmocka_unit_test(test_rejections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
