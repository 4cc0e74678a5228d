#!/bin/bash
# SPDX-License-Identifier: MIT
# boxinit's exit status is the command's: every code 0..255 passes through, death by signal N
# gives 128+N, and exec failures give 127 (not found) and 126 (cannot execute) with one line
# on stderr naming the path.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

every_exit_code_passes_through()
{
	local code bad=
	for code in $(seq 0 255); do
		boxinit_run "$1" -- "$PROBE" exit "$code" || return
		[ "$EXIT_CODE" = "$code" ] || bad="$bad $code->$EXIT_CODE"
	done
	assertEquals "codes that did not pass through" "" "$bad"
}

test_every_exit_code_0_to_255_passes_through_as_pid1()
{
	every_exit_code_passes_through pid1
}

test_every_exit_code_0_to_255_passes_through_as_subreaper()
{
	every_exit_code_passes_through sub
}

death_by_signal_gives_128_plus_n()
{
	local sig bad=
	for sig in 1 2 3 6 9 10 11 12 13 14 15 24 31; do
		boxinit_run "$1" -- "$PROBE" kill-self "$sig" || return
		[ "$EXIT_CODE" = $((128 + sig)) ] || bad="$bad $sig->$EXIT_CODE"
	done
	assertEquals "signals whose death was misreported" "" "$bad"
}

test_death_by_signal_gives_128_plus_n_as_pid1()
{
	death_by_signal_gives_128_plus_n pid1
}

test_death_by_signal_gives_128_plus_n_as_subreaper()
{
	death_by_signal_gives_128_plus_n sub
}

# exec_fails MODE PATH CODE REASON
exec_fails()
{
	boxinit_run "$1" -- "$2" arg || return
	assertEquals "exit status for '$2'" "$3" "$EXIT_CODE"
	assertEquals "stderr lines: $(cat "$TEST_TMP/err")" 1 "$(stderr_lines)"
	assertTrue "stderr names '$2': $(cat "$TEST_TMP/err")" \
		"grep -qF \"'$2'\" '$TEST_TMP/err'"
	assertTrue "stderr says '$4': $(cat "$TEST_TMP/err")" "grep -q '$4' '$TEST_TMP/err'"
	assertTrue "stderr starts with 'boxinit: '" "grep -q '^boxinit: ' '$TEST_TMP/err'"
}

test_missing_command_gives_127_and_names_the_path()
{
	exec_fails pid1 "$TEST_TMP/no-such-command" 127 'No such file or directory'
	exec_fails sub "$TEST_TMP/no-such-command" 127 'No such file or directory'
}

test_command_not_in_path_gives_127()
{
	exec_fails sub no-such-command-in-path 127 'No such file or directory'
}

test_file_without_exec_permission_gives_126_and_names_the_path()
{
	printf '#!/bin/sh\nexit 0\n' >"$TEST_TMP/not-executable"
	chmod 644 "$TEST_TMP/not-executable"
	exec_fails pid1 "$TEST_TMP/not-executable" 126 'Permission denied'
	exec_fails sub "$TEST_TMP/not-executable" 126 'Permission denied'
}

test_directory_as_command_gives_126()
{
	mkdir "$TEST_TMP/dir"
	exec_fails sub "$TEST_TMP/dir" 126 'Permission denied'
}

test_file_with_bad_format_gives_126()
{
	printf 'not a program' >"$TEST_TMP/garbage"
	chmod 755 "$TEST_TMP/garbage"
	exec_fails sub "$TEST_TMP/garbage" 126 'Exec format error'
}

. "$SHUNIT2"
