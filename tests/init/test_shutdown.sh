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

# grace_kills_a_command_ignoring_sigterm MODE BOUND [BOXINIT OPTION...]: under --grace 3 the
# command shrugs off the forwarded SIGTERM, boxinit waits during the grace, then kills it; gone
# within BOUND seconds. A 3 s grace: the checks run inside it even on an emulated VM, where
# each of them forks and execs a few times at 30-50 times the host's cost.
grace_kills_a_command_ignoring_sigterm()
{
	local mode=$1 bound=$2 cmd
	shift 2
	boxinit_start "$mode" "$@" --grace 3 -- "$PROBE" ignore-term 60 && probe_ready || return
	cmd=$(live_descendants)
	kill -TERM "$BOXINIT_PID"
	# boxinit forwarded it and the command shrugged it off: the grace is running.
	wait_until 10 file_has "$TEST_TMP/out" '^term$' || fail "the command never got SIGTERM"
	assertTrue "boxinit waits during the grace" "proc_alive $BOXINIT_PID"
	assertTrue "the command ignores SIGTERM and lives on" "proc_alive $cmd"
	boxinit_wait "$bound" || return
	assertEquals "the command died of SIGKILL" 137 "$EXIT_CODE"
	assertTrue "the command is gone" "proc_dead $cmd"
}

# The default grace is 10 s: ending within 8 s means --grace 3 was applied.
ignoring_process_is_killed_at_the_end_of_the_grace()
{
	grace_kills_a_command_ignoring_sigterm "$1" 8 --keep-running
}

test_process_ignoring_sigterm_is_killed_at_the_end_of_the_grace_as_pid1()
{
	ignoring_process_is_killed_at_the_end_of_the_grace pid1
}

test_process_ignoring_sigterm_is_killed_at_the_end_of_the_grace_as_subreaper()
{
	ignoring_process_is_killed_at_the_end_of_the_grace sub
}

# Without --keep-running (tini mode) a stop signal is only forwarded; a --grace given on the
# command line bounds the wait for the command all the same. The command would sleep 60 s:
# ending within 20 s means the grace killed it.
tini_grace_kills_a_command_ignoring_sigterm()
{
	grace_kills_a_command_ignoring_sigterm "$1" 20 || return
	assertEquals "nothing on stderr: $(cat "$TEST_TMP/err")" 0 "$(stderr_lines)"
}

test_grace_given_in_tini_mode_kills_the_command_at_its_end_as_pid1()
{
	tini_grace_kills_a_command_ignoring_sigterm pid1
}

test_grace_given_in_tini_mode_kills_the_command_at_its_end_as_subreaper()
{
	tini_grace_kills_a_command_ignoring_sigterm sub
}

# tini's own behaviour when no --grace is given: the command decides when it ends. Past the
# default grace (10 s) it still runs.
test_tini_mode_without_grace_only_forwards_sigterm()
{
	local cmd
	boxinit_start sub -- "$PROBE" ignore-term 60 && probe_ready || return
	cmd=$(live_descendants)
	kill -TERM "$BOXINIT_PID"
	wait_until 10 file_has "$TEST_TMP/out" '^term$' || fail "the command never got SIGTERM"
	# Not a synchronisation: the span in which a default grace would have ended.
	sleep 11
	assertTrue "boxinit still runs past the default grace" "proc_alive $BOXINIT_PID"
	assertTrue "the command still runs" "proc_alive $cmd"
	kill -KILL "$cmd"
	boxinit_wait 10 || return
	assertEquals "the command's status" 137 "$EXIT_CODE"
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
