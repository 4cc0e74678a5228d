// SPDX-License-Identifier: MIT
/*
 * Unit tests for core/container.c's pure part: where a config's cgroupsPath puts the
 * container's cgroup (absolute, relative, systemd's slice:prefix:name, none).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "container.h"

static void check(const char *path, const char *id, const char *parent, const char *name)
{
	char *p = NULL, *n = NULL;

	assert_int_equal(container_cgroup_path(path, id, &p, &n), 0);
	assert_string_equal(p, parent);
	assert_string_equal(n, name);
	free(p);
	free(n);
}

static void test_cgroup_path_forms(void **state)
{
	(void)state;
	check("/a/b/c", "id", "/a/b", "c");
	check("a/b/c", "id", "/a/b", "c");
	check("/c", "id", "/", "c");
	check(NULL, "x1", "/box-oci", "x1");
	check("", "x1", "/box-oci", "x1");
	check("machine.slice:libpod:abc", "id", "/machine.slice", "libpod-abc.scope");
	check("a-b-c.slice:p:n", "id", "/a.slice/a-b.slice/a-b-c.slice", "p-n.scope");
	check("-.slice:p:n", "id", "/", "p-n.scope");
	check(":p:n", "id", "/system.slice", "p-n.scope");
}

static void test_cgroup_path_errors(void **state)
{
	char *p = NULL, *n = NULL;

	(void)state;
	assert_int_equal(container_cgroup_path("/a/b/", "id", &p, &n), -EINVAL);
	assert_int_equal(container_cgroup_path("/a/..", "id", &p, &n), -EINVAL);
	assert_int_equal(container_cgroup_path("nodot:p:n", "id", &p, &n), -EINVAL);
	assert_int_equal(container_cgroup_path("x.slice:only", "id", &p, &n), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cgroup_path_forms),
	    cmocka_unit_test(test_cgroup_path_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
