// SPDX-License-Identifier: MIT
/*
 * Unit tests for the mount plan (launcher/rootfs.c): which operations, in
 * which order, from a launch_config. Applying it needs namespaces and is
 * covered by the launch suites.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rootplan.h"

static void assert_kinds(const struct mount_plan *p, const enum mount_op_kind *want, size_t n)
{
	assert_int_equal(p->n_ops, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(rootfs_op_name(p->ops[i].kind), rootfs_op_name(want[i]));
}

static void test_plan_without_volumes_binds_and_pivots(void **state)
{
	struct launch_config c = {.rootfs = "/srv/rf"};
	const enum mount_op_kind want[] = {MOUNT_OP_MAKE_PRIVATE, MOUNT_OP_BIND_ROOT,
	                                   MOUNT_OP_PIVOT};
	struct mount_plan p;

	(void)state;
	assert_int_equal(rootfs_plan(&c, &p), 0);
	assert_string_equal(p.rootfs, "/srv/rf");
	assert_kinds(&p, want, 3);
	rootfs_plan_free(&p);
	assert_null(p.ops);
}

static void test_plan_volumes_in_order_then_read_only_root(void **state)
{
	struct volume vols[] = {
	    {.src = "/host/a", .dst = "/data", .ro = false},
	    {.src = "/host/b", .dst = "/etc/conf", .ro = true},
	};
	struct launch_config c = {
	    .rootfs = "/rf", .volumes = vols, .n_volumes = 2, .read_only = true};
	const enum mount_op_kind want[] = {MOUNT_OP_MAKE_PRIVATE,  MOUNT_OP_BIND_ROOT,
	                                   MOUNT_OP_VOLUME,        MOUNT_OP_VOLUME,
	                                   MOUNT_OP_ROOT_READONLY, MOUNT_OP_PIVOT};
	struct mount_plan p;

	(void)state;
	assert_int_equal(rootfs_plan(&c, &p), 0);
	assert_kinds(&p, want, 6);
	assert_string_equal(p.ops[2].src, "/host/a");
	assert_string_equal(p.ops[2].dst, "/data");
	assert_false(p.ops[2].ro);
	assert_string_equal(p.ops[3].src, "/host/b");
	assert_string_equal(p.ops[3].dst, "/etc/conf");
	assert_true(p.ops[3].ro);
	rootfs_plan_free(&p);
}

static void test_plan_read_only_without_volumes(void **state)
{
	struct launch_config c = {.rootfs = "/rf", .read_only = true};
	const enum mount_op_kind want[] = {MOUNT_OP_MAKE_PRIVATE, MOUNT_OP_BIND_ROOT,
	                                   MOUNT_OP_ROOT_READONLY, MOUNT_OP_PIVOT};
	struct mount_plan p;

	(void)state;
	assert_int_equal(rootfs_plan(&c, &p), 0);
	assert_kinds(&p, want, 4);
	rootfs_plan_free(&p);
}

static void test_op_names_are_distinct(void **state)
{
	(void)state;
	assert_string_equal(rootfs_op_name(MOUNT_OP_VOLUME), "volume");
	assert_string_equal(rootfs_op_name(MOUNT_OP_PIVOT), "pivot");
	assert_string_not_equal(rootfs_op_name(MOUNT_OP_BIND_ROOT),
	                        rootfs_op_name(MOUNT_OP_ROOT_READONLY));
	assert_string_equal(rootfs_op_name((enum mount_op_kind)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan_without_volumes_binds_and_pivots),
	    cmocka_unit_test(test_plan_volumes_in_order_then_read_only_root),
	    cmocka_unit_test(test_plan_read_only_without_volumes),
	    cmocka_unit_test(test_op_names_are_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
