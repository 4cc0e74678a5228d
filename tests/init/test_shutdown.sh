#!/bin/bash
# SPDX-License-Identifier: MIT
# How boxinit ends: with the command (tini behaviour), or under --keep-running when nothing is
# left or on a stop signal, which gives every process SIGTERM, then SIGKILL at the end of the
# grace; boxinit exits the moment nothing is left, with the command's status.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

# A daemon in its own session (like `service x start`) that records the signals it gets.
DAEMON_CMD='setsid "$0" record-signals "$1" >"$1.out" & exit 7'

daemon_is_alone()
{
	[ "$(descendants "$BOXINIT_PID" | wc -l)" -eq 1 ] && file_has "$TEST_TMP/sigs.out" '^ready=1$'
}

keep_running_keeps_a_daemon_then_sigterm_stops_it()
{
	local daemon
	boxinit_start "$1" --keep-running --grace 30 -- \
		sh -c "$DAEMON_CMD" "$PROBE" "$TEST_TMP/sigs" || return
	wait_until 10 daemon_is_alone || {
		fail "the command did not exit leaving its daemon alone"
		return
	}
	daemon=$(live_descendants)
	track_pid "$daemon"
	# The command has been reaped: a boxinit that ends with it would be gone by now.
	sleep 1
	assertTrue "boxinit keeps running" "proc_alive $BOXINIT_PID"
	assertTrue "the daemon keeps running" "proc_alive $daemon"
	kill -TERM "$BOXINIT_PID"
	# Well inside the 30 s grace: the daemon ends on SIGTERM, boxinit right after.
	boxinit_wait 15 || return
	assertEquals "exit status is the command's" 7 "$EXIT_CODE"
	assertEquals "the daemon got SIGTERM" 15 "$(cat "$TEST_TMP/sigs")"
	assertTrue "the daemon is gone" "proc_dead $daemon"
}

test_keep_running_keeps_a_daemon_alive_and_sigterm_stops_it_as_pid1()
{
	keep_running_keeps_a_daemon_then_sigterm_stops_it pid1
}

test_keep_running_keeps_a_daemon_alive_and_sigterm_stops_it_as_subreaper()
{
	keep_running_keeps_a_daemon_then_sigterm_stops_it sub
}

test_keep_running_exits_with_the_commands_status_when_the_last_process_ends()
{
	local mode daemon
	for mode in pid1 sub; do
		boxinit_start "$mode" --keep-running -- \
			sh -c "'$PROBE' daemon 1 >'$TEST_TMP/daemon'; exit 5" || return
		boxinit_wait 20 || return
		assertEquals "exit status ($mode)" 5 "$EXIT_CODE"
		daemon=$(kv "$TEST_TMP/daemon" daemon_pid)
		# As a subreaper the daemon's pid is the host's: boxinit waited for it.
		if [ "$mode" = sub ]; then
			track_pid "$daemon"
			assertTrue "the daemon had ended before boxinit" "proc_dead $daemon"
		fi
	done
}

ignoring_process_is_killed_at_the_end_of_the_grace()
{
	local cmd
	# A 3 s grace: the checks below run inside it even on an emulated VM, where each of
	# them forks and execs a few times at 30-50 times the host's cost.
	boxinit_start "$1" --keep-running --grace 3 -- "$PROBE" ignore-term 60 && probe_ready ||
		return
	cmd=$(live_descendants)
	kill -TERM "$BOXINIT_PID"
	# boxinit forwarded it and the command shrugged it off: the grace is running.
	wait_until 10 file_has "$TEST_TMP/out" '^term$' || fail "the command never got SIGTERM"
	assertTrue "boxinit waits during the grace" "proc_alive $BOXINIT_PID"
	assertTrue "the command ignores SIGTERM and lives on" "proc_alive $cmd"
	# The default grace is 10 s: ending within 8 s means --grace 3 was applied.
	boxinit_wait 8 || return
	assertEquals "the command died of SIGKILL" 137 "$EXIT_CODE"
	assertTrue "the command is gone" "proc_dead $cmd"
}

test_process_ignoring_sigterm_is_killed_at_the_end_of_the_grace_as_pid1()
{
	ignoring_process_is_killed_at_the_end_of_the_grace pid1
}

test_process_ignoring_sigterm_is_killed_at_the_end_of_the_grace_as_subreaper()
{
	ignoring_process_is_killed_at_the_end_of_the_grace sub
}

test_second_sigterm_kills_at_once()
{
	boxinit_start pid1 --keep-running --grace 30 -- "$PROBE" ignore-term 60 && probe_ready ||
		return
	kill -TERM "$BOXINIT_PID"
	wait_until 10 file_has "$TEST_TMP/out" '^term$' || fail "the command never got SIGTERM"
	assertTrue "boxinit waits after the first SIGTERM" "proc_alive $BOXINIT_PID"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 10 || return
	assertEquals "the command died of SIGKILL" 137 "$EXIT_CODE"
}

test_sigquit_kills_everything_at_once_under_keep_running()
{
	boxinit_start pid1 --keep-running --grace 30 -- "$PROBE" ignore-term 60 && probe_ready ||
		return
	kill -QUIT "$BOXINIT_PID"
	boxinit_wait 10 || return
	assertEquals "the command died of SIGKILL" 137 "$EXIT_CODE"
}

test_sigint_stops_gracefully_under_keep_running()
{
	boxinit_start pid1 --keep-running --grace 30 -- "$PROBE" record-signals "$TEST_TMP/sigs" &&
		probe_ready || return
	kill -INT "$BOXINIT_PID"
	boxinit_wait 10 || return
	assertEquals "the probe ended on SIGTERM" 0 "$EXIT_CODE"
	assertTrue "the command got SIGTERM" "grep -qx 15 '$TEST_TMP/sigs'"
}

. "$SHUNIT2"
