// SPDX-License-Identifier: MIT
/*
 * Unit tests for the helpers common/util.c shares between launch, box and boxinit:
 * the path normaliser, the name validator, the fork with a report pipe and the whole-file read.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* A whole descriptor, from its offset, in as few reads as its size allows; NUL-terminated;
 * -EFBIG past max (a record read this way was once read a byte at a time). */
static void test_read_fd_alloc_reads_to_the_end(void **state)
{
	char *text = NULL, big[20000];
	int fds[2];
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(f);
	memset(big, 'x', sizeof(big));
	assert_int_equal(fwrite(big, 1, sizeof(big), f), sizeof(big));
	assert_int_equal(fflush(f), 0);
	assert_int_equal(lseek(fileno(f), 19990, SEEK_SET), 19990);
	assert_int_equal(read_fd_alloc(fileno(f), 100, &text), 0);
	assert_string_equal(text, "xxxxxxxxxx");
	free(text);
	assert_int_equal(lseek(fileno(f), 0, SEEK_SET), 0);
	assert_int_equal(read_fd_alloc(fileno(f), sizeof(big), &text), 0);
	assert_int_equal(strlen(text), sizeof(big));
	free(text);
	assert_int_equal(lseek(fileno(f), 0, SEEK_SET), 0);
	assert_int_equal(read_fd_alloc(fileno(f), sizeof(big) - 1, &text), -EFBIG);
	(void)fclose(f);
	/* A file that says it is empty but is not, as those of /proc: read whole all the same,
	 * in reads of pages, not bytes. */
	{
		int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

		assert_true(fd >= 0);
		assert_int_equal(read_fd_alloc(fd, 1 << 20, &text), 0);
		assert_non_null(strstr(text, "\nPid:"));
		free(text);
		(void)close(fd);
	}
	/* A pipe: short reads, then its end. */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "{\"a\":", 5), 5);
	assert_int_equal(write(fds[1], "1}", 2), 2);
	(void)close(fds[1]);
	assert_int_equal(read_fd_alloc(fds[0], 100, &text), 0);
	assert_string_equal(text, "{\"a\":1}");
	free(text);
	(void)close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path_normalize),
	    cmocka_unit_test(test_name_is_valid),
	    cmocka_unit_test(test_fork_with_pipe_carries_the_report),
	    cmocka_unit_test(test_strv_free_takes_null),
	    cmocka_unit_test(test_read_fd_alloc_reads_to_the_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
