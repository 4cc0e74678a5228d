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

/* Every case starts where launch is after the clone: the pair made and GO sent.
 * fds[0] is launch's end, fds[1] the child's (closed by the case, as the child would). */
static int go_sent(void **state)
{
	static int fds[2];

	if (sync_pair(fds) < 0 || sync_send_go(fds[0]) < 0)
		return -1;
	*state = fds;
	return 0;
}

static int close_launch_end(void **state)
{
	return close(((int *)*state)[0]);
}

/* The order that lost a child's error: GO sent, then the child reports, closes with GO
 * unread, and only then does launch read. The kernel answers ECONNRESET before the
 * queued report; sync_recv must still hand over the report, then EOF. */
static void test_report_of_a_child_that_left_go_unread(void **state)
{
	int *fds = *state;
	struct sync_msg m;
	bool unread = false;

	assert_int_equal(sync_errorf(fds[1], -ENOTDIR, "open volume target '%s'", "/x"), -ENOTDIR);
	assert_int_equal(close(fds[1]), 0);
	assert_int_equal(sync_recv(fds[0], MSG_DONTWAIT, &m, &unread), 1);
	assert_true(unread);
	assert_int_equal(m.type, SYNC_ERROR);
	assert_int_equal(m.err, ENOTDIR);
	assert_string_equal(m.text, "open volume target '/x'");
	assert_int_equal(sync_recv(fds[0], MSG_DONTWAIT, &m, &unread), 0);
}

/* A child that execs (closes its end having read GO) is a plain EOF. */
static void test_exec_is_eof(void **state)
{
	int *fds = *state;
	struct sync_msg m;
	bool unread = false;

	assert_int_equal(sync_wait_go(fds[1]), 0);
	assert_int_equal(sync_recv(fds[0], MSG_DONTWAIT, &m, &unread), -EAGAIN);
	assert_int_equal(close(fds[1]), 0);
	assert_int_equal(sync_recv(fds[0], MSG_DONTWAIT, &m, &unread), 0);
	assert_false(unread);
}

/* A child killed before it read GO says nothing, and did not exec. */
static void test_death_before_go_is_no_exec(void **state)
{
	int *fds = *state;
	struct sync_msg m;
	bool unread = false;

	assert_int_equal(close(fds[1]), 0);
	assert_int_equal(sync_recv(fds[0], MSG_DONTWAIT, &m, &unread), 0);
	assert_true(unread);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_report_of_a_child_that_left_go_unread, go_sent,
	                                    close_launch_end),
	    cmocka_unit_test_setup_teardown(test_exec_is_eof, go_sent, close_launch_end),
	    cmocka_unit_test_setup_teardown(test_death_before_go_is_no_exec, go_sent,
	                                    close_launch_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
