// SPDX-License-Identifier: MIT
/*
 * Unit tests for the message formatter (common/fmt.c): every conversion, flag and
 * length it claims gives what libc's snprintf gives, truncation included.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fmt.h"

/* Both formatters on the same arguments, into a buffer of the given size (volatile: the
 * compiler must not see the truncations these tests make on purpose). */
#define SAME(size, ...)                                                                            \
	do {                                                                                       \
		char _a[64] = "", _b[64] = "";                                                     \
		volatile size_t _size = (size);                                                    \
		int _n = fmt_snprintf(_a, _size, __VA_ARGS__);                                     \
		assert_int_equal(_n, snprintf(_b, _size, __VA_ARGS__));                            \
		assert_string_equal(_a, _b);                                                       \
	} while (0)

static void test_strings_and_chars(void **state)
{
	const char *volatile none = NULL;

	(void)state;
	SAME(64, "plain text");
	SAME(64, "%s: %s", "boxinit", "exec 'x'");
	SAME(64, "[%5s|%-5s|%.2s|%.*s]", "ab", "cd", "efgh", 3, "ijklm");
	SAME(64, "%*s|%-*s|", 4, "a", -4, "b");
	SAME(64, "%.*s/%s", 4, "/usr/bin", "sh");
	SAME(64, "%s", none);
	SAME(64, "'-%c' %3c|%-3c|", 'x', 'y', 'z');
	SAME(64, "100%% %s", "done");
}

static void test_integers(void **state)
{
	(void)state;
	SAME(64, "%d %i %d %d", 0, 42, -42, INT_MIN);
	SAME(64, "%u %u %x %X", 0u, UINT_MAX, 0xbeefu, 0xbeefu);
	SAME(64, "%ld %lu %lx", LONG_MIN, ULONG_MAX, ULONG_MAX);
	SAME(64, "%lld %llu", LLONG_MIN, ULLONG_MAX);
	SAME(64, "%zu %zd %jd %td", SIZE_MAX, (ssize_t)-5, INTMAX_MIN, (ptrdiff_t)-7);
	SAME(64, "%hhd %hhu %hd %hu", 200, 200, 70000, 70000);
	SAME(64, "[%5d|%-5d|%05d|%05d|%-5d]", 42, 42, 42, -42, -42);
	SAME(64, "[%08x|%02x|%02x|%.3d|%.3d|%.0d|%5.3d]", 0xabcu, 7u, 0x1ffu, 7, -7, 0, 7);
	SAME(64, "[%*d|%*d|%.*d]", 6, 1, -6, 2, 4, 3);
	SAME(64, "%llu.%llu s", 25600ULL / 1000, 25600ULL / 100 % 10);
}

static void test_errno_message(void **state)
{
	char a[64], b[64];

	(void)state;
	errno = ENOENT;
	assert_int_equal(fmt_snprintf(a, sizeof(a), "open: %m"),
	                 snprintf(b, sizeof(b), "open: %s", strerror(ENOENT)));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(a, b);
}

static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	SAME(5, "%s-%d", "abcdef", 12345);
	SAME(1, "%s", "abc");
	SAME(6, "%05d", -42);
	assert_int_equal(fmt_snprintf(NULL, 0, "%s %d", "four", 1234), 9);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(fmt_snprintf(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], 'x');
}

/* Anything it does not know is shown, never misread: no floating point here. */
static void test_unknown_directive_is_shown(void **state)
{
	const char *volatile trailing = "%s end %";
	char buf[64];

	(void)state;
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "a %f b", 1.5), 6);
	assert_string_equal(buf, "a %f b");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), trailing, "the"), 9);
	assert_string_equal(buf, "the end %");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strings_and_chars),
	    cmocka_unit_test(test_integers),
	    cmocka_unit_test(test_errno_message),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_unknown_directive_is_shown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
