// SPDX-License-Identifier: MIT
/* launch's sync socket: what a child says before it dies is never lost. */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "sync.h"

/* The order that lost a child's error: GO sent, then the child reports, closes with GO
 * unread, and only then does launch read. The kernel answers ECONNRESET before the
 * queued report; sync_recv must still hand over the report, then EOF. */
static void test_report_of_a_child_that_left_go_unread(void **state)
{
	struct sync_msg m;
	bool unread = false;
	int fds[2];

	(void)state;
	assert_int_equal(sync_pair(fds), 0);
	assert_int_equal(sync_send_go(fds[0]), 0);
	assert_int_equal(sync_errorf(fds[1], -ENOTDIR, "open volume target '%s'", "/x"), -ENOTDIR);
	assert_int_equal(close(fds[1]), 0);
	assert_int_equal(sync_recv(fds[0], MSG_DONTWAIT, &m, &unread), 1);
	assert_true(unread);
	assert_int_equal(m.type, SYNC_ERROR);
	assert_int_equal(m.err, ENOTDIR);
	assert_string_equal(m.text, "open volume target '/x'");
	assert_int_equal(sync_recv(fds[0], MSG_DONTWAIT, &m, &unread), 0);
	close(fds[0]);
}

/* A child that execs (closes its end having read GO) is a plain EOF. */
static void test_exec_is_eof(void **state)
{
	struct sync_msg m;
	bool unread = false;
	int fds[2];

	(void)state;
	assert_int_equal(sync_pair(fds), 0);
	assert_int_equal(sync_send_go(fds[0]), 0);
	assert_int_equal(sync_wait_go(fds[1]), 0);
	assert_int_equal(sync_recv(fds[0], MSG_DONTWAIT, &m, &unread), -EAGAIN);
	assert_int_equal(close(fds[1]), 0);
	assert_int_equal(sync_recv(fds[0], MSG_DONTWAIT, &m, &unread), 0);
	assert_false(unread);
	close(fds[0]);
}

/* A child killed before it read GO says nothing, and did not exec. */
static void test_death_before_go_is_no_exec(void **state)
{
	struct sync_msg m;
	bool unread = false;
	int fds[2];

	(void)state;
	assert_int_equal(sync_pair(fds), 0);
	assert_int_equal(sync_send_go(fds[0]), 0);
	assert_int_equal(close(fds[1]), 0);
	assert_int_equal(sync_recv(fds[0], MSG_DONTWAIT, &m, &unread), 0);
	assert_true(unread);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_of_a_child_that_left_go_unread),
	    cmocka_unit_test(test_exec_is_eof),
	    cmocka_unit_test(test_death_before_go_is_no_exec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
