// SPDX-License-Identifier: MIT
/*
 * Unit tests for the pure parts of launch's cgroup module: value conversions,
 * keyed-file parsing, mountinfo parsing, names and parents.
 * Touches no cgroup and no file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgroup_internal.h"
#include "util.h"

/* runc's v1 -> v2 mapping, the one cgroup_weight_to_shares inverts. */
static uint64_t runc_shares_to_weight(uint64_t shares)
{
	return 1 + (shares - 2) * 9999 / 262142;
}

static uint64_t runc_blkio_to_io(uint64_t blkio)
{
	return 1 + (blkio - 10) * 9999 / 990;
}

static void test_cpus_to_quota(void **state)
{
	uint64_t q = 0;

	(void)state;
	assert_int_equal(cgroup_cpus_to_quota("1", 100000, &q), 0);
	assert_int_equal(q, 100000);
	assert_int_equal(cgroup_cpus_to_quota("0.5", 100000, &q), 0);
	assert_int_equal(q, 50000);
	assert_int_equal(cgroup_cpus_to_quota("2.25", 100000, &q), 0);
	assert_int_equal(q, 225000);
	assert_int_equal(cgroup_cpus_to_quota("0.01", 100000, &q), 0);
	assert_int_equal(q, 1000);
	assert_int_equal(cgroup_cpus_to_quota("1.5", 50000, &q), 0);
	assert_int_equal(q, 75000);
}

static void test_cpus_to_quota_rejects(void **state)
{
	uint64_t q = 42;

	(void)state;
	assert_int_equal(cgroup_cpus_to_quota("0.001", 100000, &q), -ERANGE);
	assert_int_equal(cgroup_cpus_to_quota("0", 100000, &q), -ERANGE);
	assert_int_equal(cgroup_cpus_to_quota("", 100000, &q), -EINVAL);
	assert_int_equal(cgroup_cpus_to_quota("1.", 100000, &q), -EINVAL);
	assert_int_equal(cgroup_cpus_to_quota(".5", 100000, &q), -EINVAL);
	assert_int_equal(cgroup_cpus_to_quota("-1", 100000, &q), -EINVAL);
	assert_int_equal(cgroup_cpus_to_quota("1.2345", 100000, &q), -EINVAL);
	assert_int_equal(cgroup_cpus_to_quota("2x", 100000, &q), -EINVAL);
	assert_int_equal(cgroup_cpus_to_quota("99999999999", 100000, &q), -ERANGE);
	assert_int_equal(q, 42); /* untouched on failure */
}

static void test_weight_to_shares_bounds(void **state)
{
	(void)state;
	assert_int_equal(cgroup_weight_to_shares(1), 2);
	assert_int_equal(cgroup_weight_to_shares(100), 2598);
	assert_int_equal(cgroup_weight_to_shares(10000), 262144);
}

static void test_weight_to_shares_inverts_runc(void **state)
{
	(void)state;
	for (uint64_t w = 1; w <= 10000; w++) {
		uint64_t s = cgroup_weight_to_shares(w);

		assert_in_range(s, 2, 262144);
		assert_int_equal(runc_shares_to_weight(s), w);
		/* the smallest such value: one share less maps to a lower weight */
		if (w > 1)
			assert_int_equal(runc_shares_to_weight(s - 1), w - 1);
	}
}

static void test_weight_to_blkio(void **state)
{
	(void)state;
	assert_int_equal(cgroup_weight_to_blkio(1), 10);
	assert_int_equal(cgroup_weight_to_blkio(100), 20);
	assert_int_equal(cgroup_weight_to_blkio(10000), 1000);
	for (uint64_t w = 1; w <= 10000; w++) {
		uint64_t b = cgroup_weight_to_blkio(w);

		assert_in_range(b, 10, 1000);
		/* blkio has 991 steps for 10000 weights: it maps back to w or just above */
		assert_true(runc_blkio_to_io(b) >= w);
		if (b > 10)
			assert_true(runc_blkio_to_io(b - 1) < w);
	}
}

static void test_ticks_to_us(void **state)
{
	(void)state;
	assert_int_equal(cgroup_ticks_to_us(0, 100), 0);
	assert_int_equal(cgroup_ticks_to_us(1, 100), 10000);
	assert_int_equal(cgroup_ticks_to_us(250, 100), 2500000);
	assert_int_equal(cgroup_ticks_to_us(3, 300), 10000);
	assert_int_equal(cgroup_ticks_to_us(1, 0), 0);
	/* no overflow for a container that ran a long time */
	assert_int_equal(cgroup_ticks_to_us(100 * (UINT64_C(1) << 40) + 1, 100),
	                 (UINT64_C(1) << 40) * 1000000 + 10000);
}

static void test_swap_max(void **state)
{
	struct cgroup_limits lim = {.memory_max = 100, .memory_swap = 300};
	uint64_t v = 7;

	(void)state;
	assert_int_equal(cgroup_swap_max(&lim, &v), 0);
	assert_int_equal(v, 200);
	lim.memory_swap = 100;
	assert_int_equal(cgroup_swap_max(&lim, &v), 0);
	assert_int_equal(v, 0);
	lim.memory_swap = 99;
	assert_int_equal(cgroup_swap_max(&lim, &v), -EINVAL);
	lim.memory_max = 0;
	lim.memory_swap = 300;
	assert_int_equal(cgroup_swap_max(&lim, &v), -EINVAL);
}

static void test_parse_keyed_cpu_stat(void **state)
{
	const char *cpu_stat = "usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n"
	                       "nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n";
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cgroup_parse_keyed(cpu_stat, "user_usec", &v), 0);
	assert_int_equal(v, 100000);
	assert_int_equal(cgroup_parse_keyed(cpu_stat, "system_usec", &v), 0);
	assert_int_equal(v, 23456);
	assert_int_equal(cgroup_parse_keyed(cpu_stat, "usage_usec", &v), 0);
	assert_int_equal(v, 123456);
	assert_int_equal(cgroup_parse_keyed(cpu_stat, "usec", &v), -ENOENT);
	assert_int_equal(cgroup_parse_keyed(cpu_stat, "throttled", &v), -ENOENT);
}

static void test_parse_keyed_memory_events(void **state)
{
	/* oom_group_kill must not be taken for oom_kill, nor oom for either */
	const char *events = "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 9";
	const char *oom_control = "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n";
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cgroup_parse_keyed(events, "oom_kill", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(cgroup_parse_keyed(events, "oom", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(cgroup_parse_keyed(events, "oom_group_kill", &v), 0);
	assert_int_equal(v, 9);
	assert_int_equal(cgroup_parse_keyed(oom_control, "oom_kill", &v), 0);
	assert_int_equal(v, 5);
}

static void test_parse_keyed_memory_stat_and_errors(void **state)
{
	const char *stat = "cache 4096\nrss 8192\nrss_huge 0\ntotal_rss 16384\n";
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cgroup_parse_keyed(stat, "rss", &v), 0);
	assert_int_equal(v, 8192);
	assert_int_equal(cgroup_parse_keyed(stat, "total_rss", &v), 0);
	assert_int_equal(v, 16384);
	assert_int_equal(cgroup_parse_keyed("user x\n", "user", &v), -EINVAL);
	assert_int_equal(cgroup_parse_keyed("user \n", "user", &v), -EINVAL);
	assert_int_equal(cgroup_parse_keyed("user -1\n", "user", &v), -EINVAL);
	assert_int_equal(cgroup_parse_keyed("", "user", &v), -ENOENT);
	/* cpuacct.stat, the v1 source of CPU time */
	assert_int_equal(cgroup_parse_keyed("user 42\nsystem 7", "system", &v), 0);
	assert_int_equal(v, 7);
}

static void test_ctrl_masks(void **state)
{
	(void)state;
	assert_int_equal(cgroup_v1_ctrl_mask("rw,cpu,cpuacct"), CG_CPU | CG_CPUACCT);
	assert_int_equal(cgroup_v1_ctrl_mask("rw,cpuacct"), CG_CPUACCT);
	assert_int_equal(cgroup_v1_ctrl_mask("rw,blkio"), CG_IO);
	assert_int_equal(cgroup_v1_ctrl_mask("rw,cpuset"), CG_CPUSET);
	assert_int_equal(cgroup_v1_ctrl_mask("rw,xattr,name=systemd"), 0);
	assert_int_equal(cgroup_v1_ctrl_mask("rw,net_cls,net_prio"), 0);
	assert_int_equal(cgroup_v2_ctrl_mask("cpuset cpu io memory hugetlb pids rdma misc"),
	                 CG_CPUSET | CG_CPU | CG_IO | CG_MEMORY | CG_PIDS);
	assert_int_equal(cgroup_v2_ctrl_mask("hugetlb"), 0);
	assert_int_equal(cgroup_v2_ctrl_mask(""), 0);
}

static void test_parse_mountinfo(void **state)
{
	char joined[] = "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime "
	                "shared:10 - cgroup cgroup rw,cpu,cpuacct\n";
	char escaped[] = "40 31 0:37 / /mnt/my\\040cg rw,relatime - cgroup none rw,pids";
	char v2[] = "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 master:2 - cgroup2 "
	            "cgroup2 rw,nsdelegate";
	char broken[] = "41 31 0:38 / /x rw";
	char *mount = NULL, *opts = NULL;

	(void)state;
	assert_int_equal(cgroup_parse_mountinfo(joined, &mount, &opts), 0);
	assert_string_equal(mount, "/sys/fs/cgroup/cpu,cpuacct");
	assert_string_equal(opts, "rw,cpu,cpuacct");
	assert_int_equal(cgroup_parse_mountinfo(escaped, &mount, &opts), 0);
	assert_string_equal(mount, "/mnt/my cg");
	assert_string_equal(opts, "rw,pids");
	assert_int_equal(cgroup_parse_mountinfo(v2, &mount, &opts), -ENOENT);
	assert_int_equal(cgroup_parse_mountinfo(broken, &mount, &opts), -EINVAL);
}

static void test_valid_name(void **state)
{
	char longest[CGROUP_NAME_MAX + 2];

	(void)state;
	assert_true(name_is_valid("box-1a2b3c4d", CGROUP_NAME_MAX));
	assert_true(name_is_valid("web.1_a", CGROUP_NAME_MAX));
	assert_true(name_is_valid("A", CGROUP_NAME_MAX));
	assert_false(name_is_valid("", CGROUP_NAME_MAX));
	assert_false(name_is_valid(NULL, CGROUP_NAME_MAX));
	assert_false(name_is_valid("..", CGROUP_NAME_MAX));
	assert_false(name_is_valid("-x", CGROUP_NAME_MAX));
	assert_false(name_is_valid("a/b", CGROUP_NAME_MAX));
	assert_false(name_is_valid("a b", CGROUP_NAME_MAX));
	assert_false(name_is_valid("cgroup.procs\n", CGROUP_NAME_MAX));
	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_false(name_is_valid(longest, CGROUP_NAME_MAX));
	longest[CGROUP_NAME_MAX] = '\0';
	assert_true(name_is_valid(longest, CGROUP_NAME_MAX));
}

static void check_parent(const char *in, const char *want)
{
	char *out = NULL;

	assert_int_equal(cgroup_normalize_parent(in, &out), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_normalize_parent(void **state)
{
	char *out = NULL;

	(void)state;
	check_parent("/box", "box");
	check_parent("box-test", "box-test");
	check_parent("//a//b/", "a/b");
	check_parent("/machine.slice/x@1:2+3", "machine.slice/x@1:2+3");
	assert_int_equal(cgroup_normalize_parent("/", &out), -EINVAL);
	assert_int_equal(cgroup_normalize_parent("", &out), -EINVAL);
	assert_int_equal(cgroup_normalize_parent("/box/../etc", &out), -EINVAL);
	assert_int_equal(cgroup_normalize_parent("/box/./x", &out), -EINVAL);
	assert_int_equal(cgroup_normalize_parent("/a b", &out), -EINVAL);
	assert_int_equal(cgroup_normalize_parent(NULL, &out), -EINVAL);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpus_to_quota),
	    cmocka_unit_test(test_cpus_to_quota_rejects),
	    cmocka_unit_test(test_weight_to_shares_bounds),
	    cmocka_unit_test(test_weight_to_shares_inverts_runc),
	    cmocka_unit_test(test_weight_to_blkio),
	    cmocka_unit_test(test_ticks_to_us),
	    cmocka_unit_test(test_swap_max),
	    cmocka_unit_test(test_parse_keyed_cpu_stat),
	    cmocka_unit_test(test_parse_keyed_memory_events),
	    cmocka_unit_test(test_parse_keyed_memory_stat_and_errors),
	    cmocka_unit_test(test_ctrl_masks),
	    cmocka_unit_test(test_parse_mountinfo),
	    cmocka_unit_test(test_valid_name),
	    cmocka_unit_test(test_normalize_parent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
