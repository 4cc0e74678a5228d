// SPDX-License-Identifier: MIT
/*
 * Unit tests for launcher/config.c: the command line into struct
 * launch_config, and every pure value parser. No host state is touched
 * (config_check_host is exercised by the launch suites, as root).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "config.h"
#include "userns.h"
#include "util.h"

/* The parsed config keeps pointers into argv: the array is a compound literal, which lives
 * as long as the test's own block (a statement expression's array would die at its end). */
#define PARSE(cfg, ...)                                                                            \
	config_parse((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)) + 1,                  \
	             (char *[]){"launch", __VA_ARGS__, NULL}, (cfg))

static void test_minimal_command_line_gets_defaults(void **state)
{
	struct launch_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "/rf", "cmd", "a", "b"), 0);
	assert_string_equal(c.rootfs, "/rf");
	assert_string_equal(c.cmd[0], "cmd");
	assert_string_equal(c.cmd[1], "a");
	assert_string_equal(c.cmd[2], "b");
	assert_null(c.cmd[3]);
	assert_string_equal(c.cgroup_parent, "/box");
	assert_int_equal(strlen(c.name), strlen("box-12345678"));
	assert_memory_equal(c.name, "box-", 4);
	assert_true(config_name_is_valid(c.name));
	assert_string_equal(c.hostname, c.name);
	assert_false(c.exit_with_main);
	assert_int_equal(c.limits.memory_max, 0);
	config_free(&c);
}

static void test_generated_names_differ(void **state)
{
	struct launch_config a, b;

	(void)state;
	assert_int_equal(PARSE(&a, "/rf", "cmd"), 0);
	assert_int_equal(PARSE(&b, "/rf", "cmd"), 0);
	assert_string_not_equal(a.name, b.name);
	config_free(&a);
	config_free(&b);
}

static void test_options_after_rootfs_belong_to_the_command(void **state)
{
	struct launch_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--name", "web", "/rf", "ls", "-l", "--name", "x"), 0);
	assert_string_equal(c.name, "web");
	assert_string_equal(c.cmd[0], "ls");
	assert_string_equal(c.cmd[1], "-l");
	assert_string_equal(c.cmd[2], "--name");
	config_free(&c);
}

static void test_double_dash_before_command_is_dropped(void **state)
{
	struct launch_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "/rf", "--", "--weird-cmd", "--"), 0);
	assert_string_equal(c.cmd[0], "--weird-cmd");
	assert_string_equal(c.cmd[1], "--");
	assert_null(c.cmd[2]);
	config_free(&c);
}

static void test_limits_are_parsed(void **state)
{
	struct launch_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--cpus", "1.5", "-m", "64m", "--memory-swap", "1g",
	                       "--pids-limit", "10", "--cpu-weight", "10000", "--io-weight", "1",
	                       "/rf", "cmd"),
	                 0);
	assert_int_equal(c.limits.cpu_quota_us, 150000);
	assert_int_equal(c.limits.cpu_period_us, 100000);
	assert_int_equal(c.limits.memory_max, 64ULL << 20);
	assert_int_equal(c.limits.memory_swap, 1ULL << 30);
	assert_int_equal(c.limits.pids_max, 10);
	assert_int_equal(c.limits.cpu_weight, 10000);
	assert_int_equal(c.limits.io_weight, 1);
	config_free(&c);
}

static void test_unlimited_swap_leaves_it_unset(void **state)
{
	struct launch_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "-m", "1g", "--memory-swap", "-1", "/rf", "cmd"), 0);
	assert_int_equal(c.limits.memory_swap, 0);
	config_free(&c);
}

static void test_flags_and_strings_are_kept(void **state)
{
	struct launch_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--hostname", "h1", "--cgroup-parent", "/box-test", "-w", "/srv",
	                       "-u", "1000:100", "--grace", "2.5", "--read-only",
	                       "--exit-with-main", "--privileged", "--stats", "--stats-json",
	                       "/tmp/s.json", "--init", "/x/boxinit", "--verbose", "/rf", "cmd"),
	                 0);
	assert_string_equal(c.hostname, "h1");
	assert_string_equal(c.cgroup_parent, "/box-test");
	assert_string_equal(c.workdir, "/srv");
	assert_string_equal(c.user, "1000:100");
	assert_string_equal(c.grace, "2.5");
	assert_string_equal(c.stats_json, "/tmp/s.json");
	assert_string_equal(c.init_path, "/x/boxinit");
	assert_true(c.read_only && c.exit_with_main && c.privileged && c.stats && c.verbose);
	config_free(&c);
}

static void test_terminal_options(void **state)
{
	struct launch_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "/rf", "sh"), 0);
	assert_int_equal(c.tty, TTY_AUTO);
	assert_false(c.interactive);
	config_free(&c);
	assert_int_equal(PARSE(&c, "-it", "/rf", "sh"), 0);
	assert_int_equal(c.tty, TTY_ALWAYS);
	assert_true(c.interactive);
	config_free(&c);
	/* The last of -t and --no-tty counts. */
	assert_int_equal(PARSE(&c, "-t", "--no-tty", "/rf", "sh"), 0);
	assert_int_equal(c.tty, TTY_NEVER);
	config_free(&c);
	assert_int_equal(PARSE(&c, "--interactive", "--tty", "/rf", "sh"), 0);
	assert_int_equal(c.tty, TTY_ALWAYS);
	assert_true(c.interactive);
	config_free(&c);
	assert_int_equal(PARSE(&c, "--net", "veth", "--publish-max-conns", "7", "/rf", "sh"), 0);
	assert_int_equal(c.net.max_conns, 7);
	config_free(&c);
	assert_int_equal(PARSE(&c, "--net", "veth", "/rf", "sh"), 0);
	assert_int_equal(c.net.max_conns, NET_DEFAULT_MAX_CONNS);
	config_free(&c);
}

static void test_volumes_and_env_accumulate(void **state)
{
	struct launch_config c;

	(void)state;
	setenv("BOX_TEST_HOST_VAR", "from-host", 1);
	unsetenv("BOX_TEST_UNSET_VAR");
	assert_int_equal(PARSE(&c, "-v", "/a:/x", "--volume", "/b:/y:ro", "-e", "K=V", "--env",
	                       "BOX_TEST_HOST_VAR", "-e", "BOX_TEST_UNSET_VAR", "-e", "E=", "/rf",
	                       "cmd"),
	                 0);
	assert_int_equal(c.n_volumes, 2);
	assert_string_equal(c.volumes[0].src, "/a");
	assert_string_equal(c.volumes[0].dst, "/x");
	assert_false(c.volumes[0].ro);
	assert_string_equal(c.volumes[1].dst, "/y");
	assert_true(c.volumes[1].ro);
	assert_int_equal(c.n_env, 3);
	assert_string_equal(c.env[0], "K=V");
	assert_string_equal(c.env[1], "BOX_TEST_HOST_VAR=from-host");
	assert_string_equal(c.env[2], "E=");
	config_free(&c);
}

static void test_bad_command_lines_are_rejected(void **state)
{
	struct launch_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "-m", "12q", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "-m", "99999999999999999999999", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "-m", "20000000000000g", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "-m", "0", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--pids-limit", "abc", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--pids-limit", "0", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--cpu-weight", "0", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--io-weight", "10001", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--cpus", "0", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--cpus", "-1", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--cpus", "x", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--memory-swap", "1g", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "-m", "1g", "--memory-swap", "512m", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--name", "a/b", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--cgroup-parent", "/a/../b", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--cgroup-parent", "box", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "-w", "relative", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "-u", "root", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--grace", "soon", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "-e", "=V", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "-v", "/a:/x", "-v", "/b:/x/", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--no-such-option", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "/rf"), -EINVAL);
	assert_int_equal(PARSE(&c, "/rf", "--"), -EINVAL);
	assert_int_equal(PARSE(&c, "--memory"), -EINVAL);
}

static void test_help_and_version_stop_early(void **state)
{
	struct launch_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "--version"), 1);
	assert_int_equal(PARSE(&c, "-V", "/rf", "cmd"), 1);
}

static void test_volume_specs(void **state)
{
	struct volume v;

	(void)state;
	assert_int_equal(config_parse_volume("/a//x/:/b//c/:ro", &v), 0);
	assert_string_equal(v.src, "/a/x");
	assert_string_equal(v.dst, "/b/c");
	assert_true(v.ro);
	free(v.src);
	free(v.dst);
	assert_int_equal(config_parse_volume("/a:/b:rw", &v), 0);
	assert_false(v.ro);
	free(v.src);
	free(v.dst);
	assert_int_equal(config_parse_volume("a:/b", &v), -EINVAL);
	assert_int_equal(config_parse_volume("/a:b", &v), -EINVAL);
	assert_int_equal(config_parse_volume("/a", &v), -EINVAL);
	assert_int_equal(config_parse_volume("/a:", &v), -EINVAL);
	assert_int_equal(config_parse_volume("/a:/", &v), -EINVAL);
	assert_int_equal(config_parse_volume("/a:/b:rx", &v), -EINVAL);
	assert_int_equal(config_parse_volume("/a:/b:ro:x", &v), -EINVAL);
	assert_int_equal(config_parse_volume("/a:/b/../c", &v), -EINVAL);
	assert_int_equal(config_parse_volume("/a:/b/./c", &v), -EINVAL);
}

static void test_tmpfs_specs(void **state)
{
	struct tmpfs_mount t;
	static const char *const bad[] = {
	    "",          "data",       "/",           "/a/../b",       "/a:",      "/a:size=",
	    "/a:size=0", "/a:size=1x", "/a:mode=8",   "/a:mode=17777", "/a:mode=", "/a:bogus",
	    "/a:,exec",  "/a:exec,",   "/a:exec,,ro", "/a:mode=-1",
	};

	(void)state;
	assert_int_equal(config_parse_tmpfs("/run//x/", &t), 0);
	assert_string_equal(t.dst, "/run/x");
	assert_string_equal(t.data, "mode=1777");
	assert_int_equal(t.flags, MS_NOSUID | MS_NODEV | MS_NOEXEC);
	free(t.dst);
	free(t.data);
	assert_int_equal(config_parse_tmpfs("/d:size=1m,mode=700,exec,ro", &t), 0);
	assert_string_equal(t.data, "mode=700,size=1048576");
	assert_int_equal(t.flags, MS_NOSUID | MS_NODEV | MS_RDONLY);
	free(t.dst);
	free(t.data);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_not_equal(config_parse_tmpfs(bad[i], &t), 0);
}

static void test_overlay_values(void **state)
{
	enum overlay_mode m;
	uint64_t size = 1;
	struct launch_config c;

	(void)state;
	assert_int_equal(config_parse_overlay(NULL, &m, &size), 0);
	assert_int_equal(m, OVERLAY_DISK);
	assert_int_equal(size, 0);
	assert_int_equal(config_parse_overlay("tmpfs", &m, &size), 0);
	assert_int_equal(m, OVERLAY_TMPFS);
	assert_int_equal(config_parse_overlay("tmpfs:64m", &m, &size), 0);
	assert_int_equal(size, 64ULL << 20);
	assert_int_not_equal(config_parse_overlay("tmpfs:0", &m, &size), 0);
	assert_int_not_equal(config_parse_overlay("tmpfs:", &m, &size), 0);
	assert_int_not_equal(config_parse_overlay("tmpfsx", &m, &size), 0);
	assert_int_not_equal(config_parse_overlay("", &m, &size), 0);
	assert_int_not_equal(config_parse_overlay("bogus", &m, &size), 0);
	/* A --tmpfs and a volume on one destination. */
	assert_int_equal(PARSE(&c, "--tmpfs", "/d", "-v", "/x:/d", "/rf", "cmd"), -EINVAL);
	assert_int_equal(PARSE(&c, "--overlay=tmpfs:1g", "--tmpfs", "/d", "/rf", "cmd"), 0);
	assert_int_equal(c.overlay, OVERLAY_TMPFS);
	assert_int_equal(c.n_tmpfs, 1);
	assert_true(config_covers(&c, "/d"));
	assert_false(config_covers(&c, "/tmp"));
	config_free(&c);
}

/* The parser itself (common/util.c's parse_user) is tested in test_init_cmdline.c. */
static void test_users(void **state)
{
	struct launch_config c;

	(void)state;
	assert_int_equal(PARSE(&c, "-u", "1000:100", "/rf", "cmd"), 0);
	assert_string_equal(c.user, "1000:100");
	config_free(&c);
	assert_int_not_equal(PARSE(&c, "-u", "nobody", "/rf", "cmd"), 0);
	assert_int_not_equal(PARSE(&c, "-u", "4294967295", "/rf", "cmd"), 0);
}

static void test_weights(void **state)
{
	uint64_t w;

	(void)state;
	assert_int_equal(config_parse_weight("1", &w), 0);
	assert_int_equal(w, 1);
	assert_int_equal(config_parse_weight("10000", &w), 0);
	assert_int_equal(w, 10000);
	assert_int_equal(config_parse_weight("0", &w), -ERANGE);
	assert_int_equal(config_parse_weight("10001", &w), -ERANGE);
	assert_int_equal(config_parse_weight("5x", &w), -EINVAL);
}

static void test_names_and_hostnames(void **state)
{
	char long_name[CONFIG_NAME_MAX + 2];

	(void)state;
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_true(config_name_is_valid("web-1_a.b"));
	assert_false(config_name_is_valid(""));
	assert_false(config_name_is_valid(".."));
	assert_false(config_name_is_valid("-x"));
	assert_false(config_name_is_valid("a b"));
	assert_false(config_name_is_valid(long_name));
	assert_true(config_hostname_is_valid("my.host-1"));
	assert_false(config_hostname_is_valid(""));
	assert_false(config_hostname_is_valid("a b"));
	assert_false(config_hostname_is_valid("a/b"));
}

static void test_userns_values(void **state)
{
	struct userns_config u;

	(void)state;
	assert_int_equal(config_parse_userns("host", &u), 0);
	assert_int_equal(u.mode, USERNS_HOST);
	assert_int_equal(config_parse_userns("auto", &u), 0);
	assert_int_equal(u.mode, USERNS_AUTO);
	assert_int_equal(config_parse_userns("100000:65536", &u), 0);
	assert_int_equal(u.mode, USERNS_RANGE);
	assert_int_equal(u.host_id, 100000);
	assert_int_equal(u.count, 65536);
	assert_int_equal(config_parse_userns("4294901759:65536", &u), 0);
	/* Root of the host, no ids, past (uid_t)-1, no count, garbage. */
	assert_int_equal(config_parse_userns("0:65536", &u), -ERANGE);
	assert_int_equal(config_parse_userns("1:0", &u), -ERANGE);
	assert_int_equal(config_parse_userns("4294901760:65536", &u), -ERANGE);
	assert_int_equal(config_parse_userns("4294967295:1", &u), -ERANGE);
	assert_int_equal(config_parse_userns("100000", &u), -EINVAL);
	assert_int_equal(config_parse_userns("", &u), -EINVAL);
	assert_int_not_equal(config_parse_userns("1:2:3", &u), 0);
	assert_int_not_equal(config_parse_userns("-1:10", &u), 0);
	assert_int_not_equal(config_parse_userns("x:10", &u), 0);
}

static void test_subid_entries(void **state)
{
	const char *text = "# comment\nalice:100000:65536\nbox:1048576:67108864\n1001:200000:10\n"
	                   "broken line\nbad:1:x\n";
	uint32_t start, count;

	(void)state;
	assert_int_equal(userns_find_entry(text, "box", &start, &count), 0);
	assert_int_equal(start, 1048576);
	assert_int_equal(count, 67108864);
	assert_int_equal(userns_find_entry(text, "1001", &start, &count), 0);
	assert_int_equal(start, 200000);
	assert_int_equal(userns_find_entry(text, "bad", &start, &count), -ENOENT);
	assert_int_equal(userns_find_entry(text, "bob", &start, &count), -ENOENT);
	assert_int_equal(userns_find_entry("", "box", &start, &count), -ENOENT);
	/* Past every entry, a whole slice, and never below the floor asked for. */
	assert_int_equal(userns_free_start(text, 1 << 20), 1048576 + 67108864);
	assert_int_equal(userns_free_start("alice:100000:65536", 1 << 20), 1 << 20);
	assert_int_equal(userns_free_start("a:1048577:1", 1 << 20), 1048576 + 65536);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minimal_command_line_gets_defaults),
	    cmocka_unit_test(test_generated_names_differ),
	    cmocka_unit_test(test_options_after_rootfs_belong_to_the_command),
	    cmocka_unit_test(test_double_dash_before_command_is_dropped),
	    cmocka_unit_test(test_limits_are_parsed),
	    cmocka_unit_test(test_unlimited_swap_leaves_it_unset),
	    cmocka_unit_test(test_flags_and_strings_are_kept),
	    cmocka_unit_test(test_terminal_options),
	    cmocka_unit_test(test_volumes_and_env_accumulate),
	    cmocka_unit_test(test_bad_command_lines_are_rejected),
	    cmocka_unit_test(test_help_and_version_stop_early),
	    cmocka_unit_test(test_volume_specs),
	    cmocka_unit_test(test_users),
	    cmocka_unit_test(test_weights),
	    cmocka_unit_test(test_names_and_hostnames),
	    cmocka_unit_test(test_userns_values),
	    cmocka_unit_test(test_tmpfs_specs),
	    cmocka_unit_test(test_overlay_values),
	    cmocka_unit_test(test_subid_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
