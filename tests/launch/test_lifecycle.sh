#!/bin/bash
# SPDX-License-Identifier: MIT
# A container's life seen from the host: exit codes pass through, signals sent to launch reach
# the command, the container lives while any process does (or ends with the main command under
# --exit-with-main), SIGTERM stops it within the grace, and a SIGKILLed launch leaves nothing.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

exit_code_passes_through()
{
	box_run -- probe exit "$1"
	assertEquals "exit $1: $(cat "$TEST_TMP/err")" "$1" "$BOX_RC"
}

test_exit_code_0_passes_through()
{
	require_root || return 0
	exit_code_passes_through 0
}

test_exit_code_1_passes_through()
{
	require_root || return 0
	exit_code_passes_through 1
}

test_exit_code_42_passes_through()
{
	require_root || return 0
	exit_code_passes_through 42
}

test_exit_code_255_passes_through()
{
	require_root || return 0
	exit_code_passes_through 255
}

test_command_killed_by_signal_exits_128_plus_n()
{
	require_root || return 0
	box_run -- probe kill-self KILL
	assertEquals "SIGKILL: $(cat "$TEST_TMP/err")" 137 "$BOX_RC"
	box_run -- probe kill-self SEGV
	assertEquals "SIGSEGV: $(cat "$TEST_TMP/err")" 139 "$BOX_RC"
}

test_missing_command_exits_127_naming_it()
{
	require_root || return 0
	box_run -- /no/such/command arg
	assertEquals "exit status" 127 "$BOX_RC"
	assertTrue "stderr names the path: $(cat "$TEST_TMP/err")" \
		"grep -q \"'/no/such/command'\" '$TEST_TMP/err'"
}

test_command_not_in_path_exits_127()
{
	require_root || return 0
	box_run -- no-such-command-bt
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 127 "$BOX_RC"
	assertTrue "stderr names it: $(cat "$TEST_TMP/err")" "grep -q no-such-command-bt '$TEST_TMP/err'"
}

test_non_executable_command_exits_126()
{
	require_root || return 0
	box_run -- /etc/passwd
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 126 "$BOX_RC"
}

test_signals_sent_to_launch_reach_the_command()
{
	require_root || return 0
	local sig rc
	READY=ready=1 box_start -v "$TEST_TMP:/tmp" -- probe record-signals /tmp/signals || return 0
	for sig in HUP USR1 USR2 WINCH; do
		kill -s "$sig" "$BOX_PID"
		wait_until 5 grep -qx "$(kill -l "$sig")" "$TEST_TMP/signals"
		rc=$?
		assertTrue "SIG$sig reached the command: $(tr '\n' ' ' <"$TEST_TMP/signals")" $rc
	done
	kill -TERM "$BOX_PID"
	box_wait 20 || return 0
	assertTrue "SIGTERM reached it" "grep -qx 15 '$TEST_TMP/signals'"
	assertEquals "it exited 0 on SIGTERM: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
}

test_sigterm_kills_a_default_command_with_143()
{
	require_root || return 0
	READY=ready=1 box_start -- probe sleep 60 || return 0
	kill -TERM "$BOX_PID"
	box_wait 20 || return 0
	assertEquals "killed by SIGTERM: $(cat "$TEST_TMP/err")" 143 "$BOX_RC"
}

test_sigint_to_launch_stops_the_container()
{
	require_root || return 0
	READY=ready=1 box_start -- probe sleep 60 || return 0
	kill -INT "$BOX_PID"
	box_wait 20 || return 0
	assertTrue "killed by a signal (130 or 143): $BOX_RC $(cat "$TEST_TMP/err")" \
		"[ '$BOX_RC' = 130 ] || [ '$BOX_RC' = 143 ]"
}

test_command_ignoring_sigterm_is_killed_after_the_grace()
{
	require_root || return 0
	READY=ready=1 box_start --grace 1 -- probe ignore-term 60 || return 0
	kill -TERM "$BOX_PID"
	box_wait 15 || return 0
	assertEquals "SIGKILLed after the grace: $(cat "$TEST_TMP/err")" 137 "$BOX_RC"
}

one_probe_left()
{
	[ "$(container_pids_named probe | wc -w)" = 1 ]
}

test_daemon_keeps_the_container_running_by_default()
{
	require_root || return 0
	local daemon
	READY=daemon_pid= box_start --grace 30 -- probe daemon 60 || return 0
	# The main command has exited; its daemonized child is still there, so is launch.
	wait_until 5 one_probe_left
	daemon=$(container_pids_named probe)
	assertEquals "one probe, the daemon, lives in the container: $daemon" 1 "$(echo "$daemon" | wc -w)"
	# Had launch ended with the main command, it would be gone by now.
	assertFalse "launch is still running a second later" "wait_until 1 proc_dead $BOX_PID"
	kill -TERM "$BOX_PID"
	# The daemon dies of SIGTERM at once: long before the grace (30 s) ends.
	box_wait 20 || return 0
	assertEquals "main's status after a graceful stop: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "the daemon is gone" "proc_dead $daemon"
}

test_exit_with_main_ends_with_the_main_command()
{
	require_root || return 0
	# The daemon would live 60 s; the container ends with its parent, the main command.
	READY=daemon_pid= box_start --exit-with-main -- probe daemon 60 || return 0
	box_wait 15 || return 0
	assertEquals "main's status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
}

test_container_ends_when_its_last_process_exits()
{
	require_root || return 0
	# The main command exits at once; the daemon ends by itself a little later.
	READY=daemon_pid= box_start -- probe daemon 0.5 || return 0
	box_wait 15 || return 0
	assertEquals "main's status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
}

test_sigkilled_launch_takes_the_container_down()
{
	require_root || return 0
	local name
	name=$(bt_name)
	READY=ready=1 box_start --name "$name" -- probe sleep 60 || return 0
	local init=$BOX_INIT_PID
	kill -KILL "$BOX_PID"
	wait "$BOX_PID" 2>/dev/null
	assertTrue "the container's PID 1 died with launch" "wait_until 10 proc_dead $init"
	assertTrue "no container process left" "wait_until 10 _bt_no_rootfs_procs"
	# Its cgroup is left for the next launch to reap (test_next_launch_removes_...).
	box_run -- true
}

test_next_launch_removes_a_dead_launchs_cgroup()
{
	require_root || return 0
	local name
	name=$(bt_name)
	READY=ready=1 box_start --name "$name" -- probe sleep 60 || return 0
	kill -KILL "$BOX_PID"
	wait "$BOX_PID" 2>/dev/null
	wait_until 10 _bt_no_rootfs_procs
	box_run -- true
	assertEquals "the next launch runs: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "no cgroup named $name left" "" "$(_box_test_cgroups | grep "/$name\$")"
}

# _lc_traced_start: a foreground `launch -- true` under strace; BOX_RC its status, LC_SCANNED
# how often it read /proc/locks: the look for dead monitors' records (reap_stale).
_lc_traced_start()
{
	_bt_cmdline -- true
	timeout -k 10 60 strace -f -qq -e trace=openat -o "$TEST_TMP/trace" "${BT_CMD[@]}" \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
	LC_SCANNED=$(grep -c '"/proc/locks"' "$TEST_TMP/trace")
}

# With every monitor alive, a start does not look through the records (O(containers) each
# start); after one is killed, the next start does, and reaps it (alive.h).
test_a_start_looks_for_dead_records_only_after_a_death()
{
	require_root || return 0
	require_command strace || return 0
	local name
	name=$(bt_name)
	READY=ready=1 box_start --name "$name" -- probe sleep 60 || return 0
	box_run -- true # reaps whatever an earlier test left
	_lc_traced_start
	assertEquals "runs: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "every monitor alive: no look at /proc/locks" 0 "$LC_SCANNED"
	kill -KILL "$BOX_PID"
	wait "$BOX_PID" 2>/dev/null
	wait_until 10 _bt_no_rootfs_procs
	assertNotNull "the dead one's cgroup is there" "$(_box_test_cgroups | grep "/$name\$")"
	_lc_traced_start
	assertEquals "runs: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "a monitor died: the next start looks" 1 "$LC_SCANNED"
	assertEquals "and reaps its cgroup" "" "$(_box_test_cgroups | grep "/$name\$")"
	assertFalse "and its record" "[ -e '$BOX_RECORDS/$name' ]"
	_lc_traced_start
	assertEquals "reaped: the start after it does not look" 0 "$LC_SCANNED"
}

# _lc_set_exists ID: the SysV semaphore set ID exists (ipcs -i says "not found" with status 0).
_lc_set_exists()
{
	ipcs -s | awk -v id="$1" '$2 == id { f = 1 } END { exit !f }'
}

# The count of live monitors is a SysV semaphore set named by /run/box/alive: it goes with
# the last container, and the directories with it.
test_the_last_container_leaves_no_semaphore_set()
{
	require_root || return 0
	local id base=${BOX_RECORDS%/*}
	if [ -n "$(ls -A "$BOX_RECORDS" 2>/dev/null)" ]; then
		skip_test "other containers' records in $BOX_RECORDS"
		return 0
	fi
	box_detach -- probe sleep 60
	assertEquals "starts: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	id=$(cut -d' ' -f1 "$base/alive" 2>/dev/null)
	assertNotNull "the set is named in $base/alive" "$id"
	assertTrue "and exists" "_lc_set_exists '${id:-x}'"
	assertEquals "counted and alive: 1 and 1" "1 1" \
		"$(ipcs -s -i "${id:-x}" 2>/dev/null | awk '$1 ~ /^[01]$/ && NF >= 3 { printf "%s%s", s, $2; s=" " }')"
	box_cmd stop "$BOX_NAME"
	assertEquals "stops: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertFalse "the set went" "_lc_set_exists '${id:-x}'"
	assertFalse "the file went" "[ -e '$base/alive' ]"
	assertFalse "and $base" "[ -e '$base' ]"
}

test_name_of_a_dead_launch_can_be_reused()
{
	require_root || return 0
	local name
	name=$(bt_name)
	READY=ready=1 box_start --name "$name" -- probe sleep 60 || return 0
	kill -KILL "$BOX_PID"
	wait "$BOX_PID" 2>/dev/null
	wait_until 10 _bt_no_rootfs_procs
	box_run --name "$name" -- true
	assertEquals "same name again: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
}

# Found by the soak (make soak): a launch SIGKILLed between the making of its record's
# directory and of the lock file in it left a directory that no later command removed.
test_next_command_removes_a_record_directory_without_its_lock()
{
	require_root || return 0
	local name had_root=1
	name=$(bt_name)
	[ -d "$BOX_RECORDS" ] || had_root=0
	mkdir -p "$BOX_RECORDS/$name" || fail "mkdir"
	on_teardown rmdir "$BOX_RECORDS/$name"
	box_cmd list
	assertEquals "list: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertFalse "the directory without a lock went" "[ -e '$BOX_RECORDS/$name' ]"
	if [ "$had_root" = 0 ]; then
		assertFalse "and the roots, which it alone kept" "[ -e '$BOX_RECORDS' ]"
	fi
	# A directory with a lock file and a record is not this case: the reaper's.
	box_run --name "$name" -- true
	assertEquals "the name is free: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
}

. "$SHUNIT2"
