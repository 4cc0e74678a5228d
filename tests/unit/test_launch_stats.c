// SPDX-License-Identifier: MIT
/*
 * Unit tests for launcher/stats.c: the --stats line and the --stats-json
 * object, with every field present and with none.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"

static const struct cgroup_stats full = {
    .cpu_user_us = 12345,
    .cpu_system_us = 4000,
    .memory_peak = 3355443, /* 3.2 MiB */
    .pids_peak = 3,
    .oom_kills = 0,
    .have_cpu = true,
    .have_memory_peak = true,
    .have_pids_peak = true,
    .have_oom_kills = true,
};

static void test_line_with_everything(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(stats_format(&full, buf, sizeof(buf)), 0);
	assert_string_equal(
	    buf, "cpu user 0.012s system 0.004s, memory peak 3.2 MiB, pids peak 3, oom kills 0");
}

static void test_line_says_na_for_what_is_missing(void **state)
{
	struct cgroup_stats none = {0};
	char buf[256];

	(void)state;
	assert_int_equal(stats_format(&none, buf, sizeof(buf)), 0);
	assert_string_equal(
	    buf, "cpu user n/a system n/a, memory peak n/a, pids peak n/a, oom kills n/a");
}

static void test_memory_units(void **state)
{
	struct cgroup_stats s = {.have_memory_peak = true, .memory_peak = 512};
	char buf[256];

	(void)state;
	assert_int_equal(stats_format(&s, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "memory peak 512 B,"));
	s.memory_peak = 1536;
	assert_int_equal(stats_format(&s, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "memory peak 1.5 KiB,"));
	s.memory_peak = 2ULL << 30;
	assert_int_equal(stats_format(&s, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "memory peak 2.0 GiB,"));
}

static void test_line_too_small_buffer_is_an_error(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(stats_format(&full, buf, sizeof(buf)), -ENOBUFS);
}

static void test_json_with_everything(void **state)
{
	char buf[512];

	(void)state;
	assert_int_equal(stats_format_json(&full, 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "{\"exit_code\":3,\"cpu_user_us\":12345,\"cpu_system_us\":4000,"
	                         "\"memory_peak_bytes\":3355443,\"pids_peak\":3,\"oom_kills\":0}");
}

static void test_json_null_for_what_is_missing(void **state)
{
	struct cgroup_stats s = {.have_oom_kills = true, .oom_kills = 2};
	char buf[512];

	(void)state;
	assert_int_equal(stats_format_json(&s, 137, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "{\"exit_code\":137,\"cpu_user_us\":null,\"cpu_system_us\":null,"
	                         "\"memory_peak_bytes\":null,\"pids_peak\":null,\"oom_kills\":2}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_with_everything),
	    cmocka_unit_test(test_line_says_na_for_what_is_missing),
	    cmocka_unit_test(test_memory_units),
	    cmocka_unit_test(test_line_too_small_buffer_is_an_error),
	    cmocka_unit_test(test_json_with_everything),
	    cmocka_unit_test(test_json_null_for_what_is_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
