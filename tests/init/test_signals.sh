#!/bin/bash
# SPDX-License-Identifier: MIT
# Signals sent to boxinit reach the command, as PID 1 and as a subreaper; one sent before the
# command exists is not lost; the ones boxinit keeps for itself neither stop nor kill it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

# Every catchable signal but those with a reason not to be forwarded: CHLD is boxinit's own
# (its children), the faults SEGV BUS FPE ILL TRAP SYS are synchronous (a real one must kill
# boxinit), TTIN TTOU PIPE are what the kernel sends boxinit for its own I/O, and 32-34 are the
# C library's. TERM comes last: it ends the probe.
FORWARDED="1 2 3 6 10 12 14 16 18 20 23 24 25 26 27 28 29 30 $(seq -s ' ' 35 64) 15"

signal_recorded()
{
	grep -qx "$1" "$TEST_TMP/signals" 2>/dev/null
}

every_signal_reaches_the_command()
{
	local sig missing=
	boxinit_start "$1" -- "$PROBE" record-signals "$TEST_TMP/signals" && probe_ready || return
	for sig in $FORWARDED; do
		kill -s "$sig" "$BOXINIT_PID" || {
			fail "boxinit is gone before signal $sig"
			return
		}
		# One at a time: two pending instances of one standard signal would merge.
		wait_until 5 signal_recorded "$sig" || missing="$missing $sig"
	done
	assertEquals "signals that did not reach the command" "" "$missing"
	assertEquals "signals received, in order, once each" "$FORWARDED" \
		"$(tr '\n' ' ' <"$TEST_TMP/signals" | sed 's/ $//')"
	boxinit_wait 10 || return
	assertEquals "exit status (the probe exits 0 on SIGTERM)" 0 "$EXIT_CODE"
}

test_every_catchable_signal_reaches_the_command_as_pid1()
{
	every_signal_reaches_the_command pid1
}

test_every_catchable_signal_reaches_the_command_as_subreaper()
{
	every_signal_reaches_the_command sub
}

test_sigterm_ends_the_command_and_boxinit_reports_143()
{
	local mode
	for mode in pid1 sub; do
		boxinit_start "$mode" -- "$PROBE" sleep 60 && probe_ready || return
		kill -TERM "$BOXINIT_PID"
		boxinit_wait 10 || return
		assertEquals "exit status ($mode)" 143 "$EXIT_CODE"
		: >"$TEST_TMP/out"
	done
}

# Sent to a subreaper boxinit, these would stop or kill it if it left them at their defaults.
test_ttin_ttou_pipe_neither_stop_nor_kill_boxinit()
{
	local sig state
	boxinit_start sub -- "$PROBE" sleep 60 && probe_ready || return
	for sig in TTIN TTOU PIPE; do
		kill -s "$sig" "$BOXINIT_PID"
	done
	# Give a default action the time to happen, then look.
	sleep 0.3
	state=$(proc_state "$BOXINIT_PID")
	assertTrue "boxinit alive and not stopped (state '$state')" \
		"[ '$state' = S ] || [ '$state' = R ]"
	assertEquals "the command still runs" 1 "$(live_descendants | wc -l)"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 10 || return
	assertEquals "exit status" 143 "$EXIT_CODE"
}

in_fork_syscall()
{
	local nr
	read -r nr _ <"/proc/$1/syscall" 2>/dev/null || return 1
	# x86_64: clone 56, fork 57, vfork 58, clone3 435
	case $nr in 56 | 57 | 58 | 435) return 0 ;; esac
	return 1
}

boxinit_held_in_fork()
{
	local p
	for p in $(descendants "$JOB_PID" | awk '{ print $1 }'); do
		if _is_boxinit "$p" && in_fork_syscall "$p"; then
			BOXINIT_PID=$p
			return 0
		fi
	done
	return 1
}

# strace holds boxinit (PID 1) at the entry of the fork that would create the command, so the
# signal arrives before the command exists. As PID 1, a SIGTERM that boxinit does not handle is
# dropped by the kernel: only a boxinit that keeps it and forwards it ends the command.
test_signal_sent_before_the_command_has_started_is_not_lost()
{
	require_command strace || return 0
	strace -f -qq -o "$TEST_TMP/strace" -e trace=execve,fork,vfork,clone,clone3 \
		-e inject=fork,vfork,clone,clone3:delay_enter=1500000 \
		unshare --pid --fork --kill-child --mount-proc "$BOXINIT" -- "$PROBE" sleep 60 \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	JOB_PID=$!
	track_pid "$JOB_PID"
	wait_until 10 boxinit_held_in_fork || {
		fail "boxinit never reached its fork under strace"
		return
	}
	track_pid "$BOXINIT_PID"
	assertEquals "the command does not exist yet" "" "$(descendants "$BOXINIT_PID")"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 30 || return
	assertEquals "exit status: the command died of the early SIGTERM" 143 "$EXIT_CODE"
	assertTrue "the command was exec'd: $(cat "$TEST_TMP/strace")" \
		"grep -qF 'execve(\"$PROBE\", [\"$PROBE\", \"sleep\", \"60\"], ' '$TEST_TMP/strace'"
}

. "$SHUNIT2"
