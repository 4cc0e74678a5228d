#!/bin/bash
# SPDX-License-Identifier: MIT
# boxinit's command line: --help and --version exit 0, a bad option or a missing command exit
# 125 with one line naming the problem, and the command's own options are left to it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

run_cli()
{
	boxinit_run sub "$@"
}

test_help_prints_usage_and_exits_0()
{
	for opt in --help -h; do
		run_cli "$opt" || return
		assertEquals "exit status of $opt" 0 "$EXIT_CODE"
		assertTrue "$opt prints the usage" "grep -qi '^usage: boxinit' '$TEST_TMP/out'"
		assertTrue "$opt documents --keep-running" "grep -q -- '--keep-running' '$TEST_TMP/out'"
	done
}

test_version_prints_one_line_and_exits_0()
{
	for opt in --version -V; do
		run_cli "$opt" || return
		assertEquals "exit status of $opt" 0 "$EXIT_CODE"
		assertEquals "lines of $opt" 1 "$(grep -c '' "$TEST_TMP/out")"
		assertTrue "$opt says 'boxinit VERSION'" "grep -qE '^boxinit [^ ]+$' '$TEST_TMP/out'"
	done
}

test_unknown_option_exits_125_with_one_line_naming_it()
{
	run_cli --no-such-option -- "$PROBE" exit 0 || return
	assertEquals "exit status" 125 "$EXIT_CODE"
	assertEquals "stderr lines" 1 "$(stderr_lines)"
	assertTrue "names the option" "grep -q -- '--no-such-option' '$TEST_TMP/err'"
	assertEquals "nothing on stdout" "" "$(cat "$TEST_TMP/out")"
}

test_missing_command_exits_125()
{
	run_cli || return
	assertEquals "exit status without a command" 125 "$EXIT_CODE"
	assertEquals "stderr lines" 1 "$(stderr_lines)"
	run_cli -- || return
	assertEquals "exit status with only --" 125 "$EXIT_CODE"
}

test_invalid_grace_exits_125()
{
	run_cli --grace soon -- "$PROBE" exit 0 || return
	assertEquals "exit status" 125 "$EXIT_CODE"
	assertTrue "names the value" "grep -q soon '$TEST_TMP/err'"
}

test_options_after_the_command_belong_to_the_command()
{
	run_cli "$PROBE" exit 7 --help || return
	assertEquals "probe got the arguments (its usage error is 2)" 2 "$EXIT_CODE"
	assertFalse "boxinit printed no usage" "grep -qi 'usage: boxinit' '$TEST_TMP/out'"
	run_cli -s -g -- "$PROBE" exit 7 || return
	assertEquals "tini's -s -g are accepted" 7 "$EXIT_CODE"
}

. "$SHUNIT2"
