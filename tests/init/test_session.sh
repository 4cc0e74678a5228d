#!/bin/bash
# SPDX-License-Identifier: MIT
# The command's surroundings: its own session and process group, the terminal's foreground
# under a pty, boxinit itself in "/", the caller's directory or --workdir for the command,
# inherited descriptors >= 3 closed unless --keep-fds, --user ids.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

test_command_leads_its_own_session_and_process_group()
{
	local mode pid
	for mode in pid1 sub; do
		boxinit_run "$mode" -- "$PROBE" pid || return
		pid=$(kv "$TEST_TMP/out" pid)
		assertNotNull "probe pid printed ($mode)" "$pid"
		assertEquals "process group ($mode)" "$pid" "$(kv "$TEST_TMP/out" pgid)"
		assertEquals "session ($mode)" "$pid" "$(kv "$TEST_TMP/out" sid)"
	done
}

# script(1) gives boxinit a pty as its controlling terminal, in script's session.
test_command_owns_the_foreground_process_group_under_a_pty()
{
	require_command script || return 0
	timeout -k 5 30 script -qec "'$BOXINIT' -- '$PROBE' tty" /dev/null </dev/null |
		tr -d '\r' >"$TEST_TMP/out"
	assertEquals "stdin is a tty" 1 "$(kv "$TEST_TMP/out" tty)"
	assertEquals "the command is the foreground group: $(cat "$TEST_TMP/out")" \
		1 "$(kv "$TEST_TMP/out" fg)"
	assertEquals "the command leads that group" "$(kv "$TEST_TMP/out" pid)" \
		"$(kv "$TEST_TMP/out" pgrp)"
}

# As PID 1 of a pid namespace made around it, the terminal's session is invisible (its id
# reads 0): that is someone else's terminal (the shell's that started it). The command
# must not join that session nor take its foreground: it gets a session of its own.
test_command_stays_out_of_an_invisible_session_as_pid1()
{
	require_command script || return 0
	timeout -k 5 30 script -qec \
		"unshare --pid --fork --kill-child --mount-proc '$BOXINIT' -- '$PROBE' tty" \
		/dev/null </dev/null | tr -d '\r' >"$TEST_TMP/out"
	assertEquals "stdin is still the tty: $(cat "$TEST_TMP/out")" 1 "$(kv "$TEST_TMP/out" tty)"
	assertEquals "not the terminal's foreground" 0 "$(kv "$TEST_TMP/out" fg)"
	assertEquals "no controlling terminal (tcgetpgrp fails)" -1 "$(kv "$TEST_TMP/out" tpgid)"
	assertEquals "leads its own group" "$(kv "$TEST_TMP/out" pid)" "$(kv "$TEST_TMP/out" pgrp)"
}

test_boxinit_itself_runs_in_the_root_directory()
{
	local mode
	for mode in pid1 sub; do
		cd "$TEST_TMP" && boxinit_start "$mode" -- "$PROBE" sleep 60
		cd "$OLDPWD" || return
		probe_ready || return
		assertEquals "boxinit's cwd ($mode)" / "$(readlink "/proc/$BOXINIT_PID/cwd")"
		: >"$TEST_TMP/out"
	done
}

test_command_starts_in_the_callers_directory()
{
	mkdir "$TEST_TMP/here"
	cd "$TEST_TMP/here" && boxinit_run sub -- "$PROBE" cwd
	cd "$OLDPWD" || return
	assertEquals "the command's cwd" "$TEST_TMP/here" "$(kv "$TEST_TMP/out" cwd)"
}

test_workdir_sets_the_commands_directory()
{
	mkdir -p "$TEST_TMP/work"
	boxinit_run pid1 --workdir "$TEST_TMP/work" -- "$PROBE" cwd || return
	assertEquals "exit status" 0 "$EXIT_CODE"
	assertEquals "the command's cwd" "$TEST_TMP/work" "$(kv "$TEST_TMP/out" cwd)"
}

test_missing_workdir_exits_125_naming_it()
{
	boxinit_run sub --workdir "$TEST_TMP/nowhere" -- "$PROBE" cwd || return
	assertEquals "exit status" 125 "$EXIT_CODE"
	assertEquals "stderr lines" 1 "$(stderr_lines)"
	assertTrue "names the directory" "grep -qF \"'$TEST_TMP/nowhere'\" '$TEST_TMP/err'"
}

test_inherited_descriptors_are_not_passed_to_the_command()
{
	local mode
	echo data >"$TEST_TMP/file"
	for mode in pid1 sub; do
		boxinit_run "$mode" -- "$PROBE" fds 7<"$TEST_TMP/file" 9>"$TEST_TMP/w" || return
		assertEquals "descriptors >= 3 in the command ($mode): $(cat "$TEST_TMP/out")" \
			0 "$(kv "$TEST_TMP/out" fds)"
	done
}

test_keep_fds_passes_inherited_descriptors_to_the_command()
{
	local mode
	echo data >"$TEST_TMP/file"
	for mode in pid1 sub; do
		boxinit_run "$mode" --keep-fds -- "$PROBE" fds 7<"$TEST_TMP/file" || return
		assertTrue "fd 7 reaches the command ($mode): $(cat "$TEST_TMP/out")" \
			"grep -qx 'fd=7 target=$TEST_TMP/file' '$TEST_TMP/out'"
	done
}

test_user_runs_the_command_with_these_ids()
{
	boxinit_run pid1 --user 1000:1001 -- "$PROBE" ids || return
	assertEquals "exit status" 0 "$EXIT_CODE"
	assertEquals uid 1000 "$(kv "$TEST_TMP/out" uid)"
	assertEquals euid 1000 "$(kv "$TEST_TMP/out" euid)"
	assertEquals gid 1001 "$(kv "$TEST_TMP/out" gid)"
	assertEquals "supplementary groups" 1001 "$(kv "$TEST_TMP/out" groups)"
	boxinit_run sub --user 65534 -- "$PROBE" ids || return
	assertEquals "gid defaults to the uid" 65534 "$(kv "$TEST_TMP/out" gid)"
}

. "$SHUNIT2"
