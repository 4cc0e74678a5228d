#!/bin/bash
# SPDX-License-Identifier: MIT
# boxinit closes every libuv handle before it exits, on every way out: uv_loop_close returns 0.
# Under -v boxinit says so ("event loop closed: no handle left") only when uv_loop_close
# succeeded; when it fails (UV_EBUSY) it names each handle still open and says "close event
# loop". A handle left open therefore fails these tests either way: the line is missing and an
# error is there (an inactive handle), or boxinit never ends (an active one: the last uv_run
# waits on it) and boxinit_wait fails.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

assert_loop_closed()
{
	local what=$1
	assertTrue "$what: the loop closed with no handle left; stderr: $(cat "$TEST_TMP/err")" \
		"grep -qx 'boxinit: debug: event loop closed: no handle left' '$TEST_TMP/err'"
	assertFalse "$what: no handle was left open" \
		"grep -qE 'still open|close event loop' '$TEST_TMP/err'"
}

test_command_that_exits_closes_the_loop()
{
	local mode
	for mode in pid1 sub; do
		boxinit_run "$mode" -v -- sh -c 'exit 3' || return
		assertEquals "exit status ($mode)" 3 "$EXIT_CODE"
		assert_loop_closed "the command's exit ($mode)"
	done
}

test_command_that_cannot_start_closes_the_loop()
{
	boxinit_run pid1 -v -- /nonexistent/cmd || return
	assertEquals "exit status" 127 "$EXIT_CODE"
	assert_loop_closed "a command that is not there"
}

test_forwarded_signal_closes_the_loop()
{
	boxinit_start pid1 -v -- "$PROBE" record-signals "$TEST_TMP/sigs" && probe_ready || return
	kill -USR1 "$BOXINIT_PID"
	wait_until 10 file_has "$TEST_TMP/sigs" '^10$' || fail "the probe never got SIGUSR1"
	kill -KILL "$(live_descendants)"
	boxinit_wait 10 || return
	assertEquals "the command died of SIGKILL" 137 "$EXIT_CODE"
	assert_loop_closed "a forwarded signal, then the command killed"
}

test_services_stopped_with_the_command_close_the_loop()
{
	boxinit_run pid1 -v --service a='sleep 300' --service b='sleep 300' -- sh -c 'exit 4' ||
		return
	assertEquals "exit status is the command's" 4 "$EXIT_CODE"
	assert_loop_closed "services stopped after the command"
}

test_essential_service_failure_closes_the_loop()
{
	printf '[db]\ncommand = sh -c "exit 7"\nessential = yes\nmax-failures = 1\n' \
		>"$TEST_TMP/conf"
	boxinit_run pid1 -v --service other='sleep 300' -c "$TEST_TMP/conf" || return
	assertEquals "exit status is the essential service's" 7 "$EXIT_CODE"
	assert_loop_closed "an essential service that failed"
}

# The graceful stop with its grace timer running out: SIGTERM, then SIGKILL at the end.
test_shutdown_at_the_end_of_the_grace_closes_the_loop()
{
	local mode
	for mode in pid1 sub; do
		boxinit_start "$mode" -v --keep-running --grace 1 -- "$PROBE" ignore-term 60 &&
			probe_ready || return
		kill -TERM "$BOXINIT_PID"
		boxinit_wait 20 || return
		assertEquals "the command died of SIGKILL ($mode)" 137 "$EXIT_CODE"
		assert_loop_closed "a stop past the grace ($mode)"
	done
}

test_second_sigterm_closes_the_loop()
{
	boxinit_start pid1 -v --keep-running --grace 30 -- "$PROBE" ignore-term 60 && probe_ready ||
		return
	kill -TERM "$BOXINIT_PID"
	# The second one must find the stop begun, not race the first.
	wait_until 10 file_has "$TEST_TMP/err" 'state running -> stopping' ||
		fail "the first SIGTERM did not begin the stop"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 10 || return
	assertEquals "the command died of SIGKILL" 137 "$EXIT_CODE"
	assert_loop_closed "a second SIGTERM"
}

# As PID 1 of a container (chrooted into a private copy of the busybox rootfs, as
# test_container.sh does): with services, boxinit also listens on its service-control socket.
box_suite_setup()
{
	private_rootfs_make
}

box_suite_teardown()
{
	private_rootfs_remove
}

test_container_with_services_and_their_control_socket_closes_the_loop()
{
	require_root || return 0
	[ -n "$CROOT" ] || {
		fail "no test rootfs"
		return
	}
	# The command waits for the socket, so that the listener was open when boxinit ended.
	timeout -k 5 30 unshare --mount --pid --ipc --uts --fork --kill-child \
		chroot "$CROOT" /sbin/boxinit --container -v --service a='sleep 300' -- \
		sh -c 'while [ ! -S /dev/boxinit.sock ]; do sleep 0.1; done; exit 6' \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertEquals "exit status" 6 "$?"
	assert_loop_closed "a container with a service"
}

# The control socket (launch's --control-fd) is one more handle to close.
test_control_socket_closes_with_the_loop()
{
	python3 - "$BOXINIT" "$TEST_TMP" <<'PY' || fail "could not run boxinit with a control socket"
import socket, subprocess, sys
boxinit, tmp = sys.argv[1], sys.argv[2]
ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
with open(tmp + "/out", "w") as out, open(tmp + "/err", "w") as err:
    p = subprocess.Popen([boxinit, "-v", "--control-fd", str(theirs.fileno()), "--",
                          "sh", "-c", "exit 5"], pass_fds=[theirs.fileno()],
                         stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    theirs.close()
    open(tmp + "/code", "w").write("%d\n" % p.wait(timeout=30))
PY
	assertEquals "exit status" 5 "$(cat "$TEST_TMP/code")"
	assert_loop_closed "with a control socket"
}

. "$SHUNIT2"
