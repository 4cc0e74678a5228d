// SPDX-License-Identifier: MIT
/*
 * Unit tests for launcher/layer.c's tree_remove, which removes what a container wrote: a tree
 * deeper than PATH_MAX and than the descriptors it may hold, a thousand siblings, links to
 * what must stay (a directory, a file, a hard link's other name) and a directory it cannot
 * enter are all handled, and nothing outside the tree is touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "layer.h"

static char top[] = "/tmp/box-unit-layer.XXXXXX";

static int make_top(void **state)
{
	(void)state;
	return mkdtemp(top) ? 0 : -1;
}

static int remove_top(void **state)
{
	char cmd[PATH_MAX];

	(void)state;
	(void)snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(int dirfd, const char *name, const char *text)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

static void test_removes_deep_wide_and_linked_trees(void **state)
{
	char path[PATH_MAX], name[32];
	int t = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC), d, next;
	struct stat st;

	(void)state;
	assert_true(t >= 0);
	/* Outside the tree: what links point at. */
	assert_int_equal(mkdirat(t, "keep", 0755), 0);
	d = openat(t, "keep", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	write_file(d, "f", "keep");
	assert_int_equal(close(d), 0);
	assert_int_equal(mkdirat(t, "tree", 0755), 0);
	d = openat(t, "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	(void)snprintf(path, sizeof(path), "%s/keep", top);
	assert_int_equal(symlinkat(path, d, "dirlink"), 0);
	(void)snprintf(path, sizeof(path), "%s/keep/f", top);
	assert_int_equal(symlinkat(path, d, "filelink"), 0);
	assert_int_equal(linkat(t, "keep/f", d, "hard", 0), 0);
	/* 1000 siblings, each with a file: one pass, not one a sibling. */
	assert_int_equal(mkdirat(d, "wide", 0755), 0);
	next = openat(d, "wide", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < 1000; i++) {
		int s;

		(void)snprintf(name, sizeof(name), "%d", i);
		assert_int_equal(mkdirat(next, name, 0755), 0);
		s = openat(next, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		write_file(s, "f", "x");
		assert_int_equal(close(s), 0);
	}
	assert_int_equal(close(next), 0);
	/* 2100 levels (beyond PATH_MAX and KEEP_OPEN), a closed directory on the way. */
	for (int i = 0; i < 2100; i++) {
		assert_int_equal(mkdirat(d, "d", i == 1000 ? 0 : 0755), 0);
		next = openat(d, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		assert_true(next >= 0);
		write_file(next, "f", "x");
		assert_int_equal(close(d), 0);
		d = next;
	}
	assert_int_equal(close(d), 0);

	assert_int_equal(tree_remove(t, "tree"), 0);
	assert_int_equal(fstatat(t, "tree", &st, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fstatat(t, "keep/f", &st, 0), 0);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_size, 4);
	/* A file or a link alone: one unlink, never what it points at. */
	assert_int_equal(symlinkat("keep", t, "alone"), 0);
	assert_int_equal(tree_remove(t, "alone"), 0);
	assert_int_equal(fstatat(t, "keep/f", &st, 0), 0);
	assert_int_equal(tree_remove(t, "nosuch"), -ENOENT);
	assert_int_equal(close(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_removes_deep_wide_and_linked_trees),
	};

	return cmocka_run_group_tests(tests, make_top, remove_top);
}
