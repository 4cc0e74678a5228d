#!/bin/bash
# SPDX-License-Identifier: MIT
# boxinit reaps every orphan: as PID 1 of a pid namespace, and as a subreaper when it is not
# PID 1 (orphans of the command are re-parented to boxinit, not to the host's init).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

# probe orphans returns once all of its 100 orphans have exited (as zombies); the command then
# sleeps, so boxinit has every reason to stay and must collect them while it waits.
start_orphans()
{
	boxinit_start "$1" -- sh -c "'$PROBE' orphans 100 && exec '$PROBE' sleep 60" &&
		probe_ready
}

only_the_command_is_left()
{
	[ "$(descendants "$BOXINIT_PID" | wc -l)" -eq 1 ]
}

test_orphan_grandchildren_are_reaped_by_boxinit_as_pid1()
{
	start_orphans pid1 || return
	assertEquals "orphans made" 100 "$(kv "$TEST_TMP/out" orphans)"
	assertEquals "every orphan adopted by PID 1" "1:100" "$(kv "$TEST_TMP/out" adopted_by)"
	wait_until 10 only_the_command_is_left
	assert_no_zombies "$BOXINIT_PID"
	assertEquals "processes left under boxinit" 1 "$(descendants "$BOXINIT_PID" | wc -l)"
}

test_orphan_grandchildren_are_adopted_and_reaped_by_boxinit_as_subreaper()
{
	start_orphans sub || return
	assertEquals "orphans made" 100 "$(kv "$TEST_TMP/out" orphans)"
	assertEquals "every orphan adopted by boxinit" "$BOXINIT_PID:100" \
		"$(kv "$TEST_TMP/out" adopted_by)"
	wait_until 10 only_the_command_is_left
	assert_no_zombies "$BOXINIT_PID"
	assertEquals "processes left under boxinit" 1 "$(descendants "$BOXINIT_PID" | wc -l)"
}

daemon_adopted_by_boxinit()
{
	[ "$(proc_status_field "$DAEMON" PPid)" = "$BOXINIT_PID" ]
}

test_daemon_is_adopted_by_boxinit_when_not_pid1()
{
	boxinit_start sub -- sh -c "'$PROBE' daemon 60 >'$TEST_TMP/daemon' && exec '$PROBE' sleep 60" &&
		probe_ready || return
	DAEMON=$(kv "$TEST_TMP/daemon" daemon_pid)
	track_pid "$DAEMON"
	assertTrue "the daemon runs" "proc_alive '$DAEMON'"
	wait_until 5 daemon_adopted_by_boxinit
	assertEquals "the daemon's parent" "$BOXINIT_PID" "$(proc_status_field "$DAEMON" PPid)"
}

# tini behaviour (no --keep-running): the command's end is boxinit's end, whatever else lives.
test_boxinit_exits_with_the_command_while_a_daemon_still_runs()
{
	boxinit_start sub -- sh -c "'$PROBE' daemon 60 >'$TEST_TMP/daemon'; exit 3" || return
	boxinit_wait 20 || return
	DAEMON=$(kv "$TEST_TMP/daemon" daemon_pid)
	track_pid "$DAEMON"
	assertEquals "exit status" 3 "$EXIT_CODE"
	assertTrue "the daemon still runs" "proc_alive '$DAEMON'"
}

. "$SHUNIT2"
