// SPDX-License-Identifier: MIT
/*
 * Unit tests for the helpers common/util.c shares between launch, box and boxinit:
 * the path normaliser, the name validator, the fork with a report pipe and the whole-file read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

static void check_norm(const char *in, const char *want)
{
	char *out = NULL;

	assert_int_equal(path_normalize(in, &out), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_path_normalize(void **state)
{
	char *out = NULL;

	(void)state;
	check_norm("/a//b/", "/a/b");
	check_norm("a/b", "/a/b");
	check_norm("/", "/");
	check_norm("", "/");
	check_norm("///", "/");
	check_norm("/a/.b/..c/b..", "/a/.b/..c/b..");
	assert_int_equal(path_normalize("/a/../b", &out), -EINVAL);
	assert_int_equal(path_normalize("/a/./b", &out), -EINVAL);
	assert_int_equal(path_normalize("..", &out), -EINVAL);
	assert_int_equal(path_normalize("/a/.", &out), -EINVAL);
	assert_null(out);
}

static void test_name_is_valid(void **state)
{
	(void)state;
	assert_true(name_is_valid("web-1_a.b", 64));
	assert_true(name_is_valid("abc", 3));
	assert_false(name_is_valid("abcd", 3));
	assert_false(name_is_valid("", 64));
	assert_false(name_is_valid(NULL, 64));
	assert_false(name_is_valid(".x", 64));
	assert_false(name_is_valid("_x", 64));
	assert_false(name_is_valid("a/b", 64));
	assert_false(name_is_valid("a\nb", 64));
}

/* The child writes on its end; the parent reads it, then EOF once the child is gone. */
static void test_fork_with_pipe_carries_the_report(void **state)
{
	char buf[16] = "";
	int fd = -1, status;
	pid_t pid;

	(void)state;
	pid = fork_with_pipe(&fd);
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(write_all(fd, "report", 6) == 0 ? 0 : 1);
	assert_true(fd >= 0);
	assert_int_equal(read_all(fd, buf, sizeof(buf) - 1), 6);
	assert_string_equal(buf, "report");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	(void)safe_close(fd);
}

static void test_strv_free_takes_null(void **state)
{
	char **v = calloc(3, sizeof(*v));

	(void)state;
	assert_non_null(v);
	v[0] = strdup("a");
	v[1] = strdup("b");
	strv_free(v);
	strv_free(NULL);
}

/* A whole file, in as few reads as its size allows; NUL-terminated; -EFBIG past max; one
 * that says it is empty but is not (those of /proc) read whole all the same. */
static void test_read_file_alloc_reads_to_the_end(void **state)
{
	char *text = NULL, big[20000], path[] = "/tmp/box-unit-read.XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	memset(big, 'x', sizeof(big));
	assert_int_equal(write(fd, big, sizeof(big)), sizeof(big));
	(void)close(fd);
	assert_int_equal(read_file_alloc(path, sizeof(big), &text), 0);
	assert_int_equal(strlen(text), sizeof(big));
	free(text);
	assert_int_equal(read_file_alloc(path, sizeof(big) - 1, &text), -EFBIG);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(read_file_alloc("/proc/self/status", 1 << 20, &text), 0);
	assert_non_null(strstr(text, "\nPid:"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path_normalize),
	    cmocka_unit_test(test_name_is_valid),
	    cmocka_unit_test(test_fork_with_pipe_carries_the_report),
	    cmocka_unit_test(test_strv_free_takes_null),
	    cmocka_unit_test(test_read_file_alloc_reads_to_the_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
