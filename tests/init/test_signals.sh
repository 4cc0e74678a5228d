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
		# Settled: delivered (no longer pending), where a default action would have stopped
		# or killed it by now, or held blocked, where it never acts.
		wait_until 10 signal_settled "$BOXINIT_PID" "$(kill -l "$sig")" ||
			fail "SIG$sig still pending and not blocked"
	done
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

# Whether signal $2 is pending for process $1 (sent, not yet delivered).
signal_pending()
{
	local bit mask
	bit=$((1 << ($2 - 1)))
	for mask in $(awk '/^(SigPnd|ShdPnd):/ { print $2 }' "/proc/$1/status" 2>/dev/null); do
		(((16#$mask & bit) != 0)) && return 0
	done
	return 1
}

# Whether signal $2 sent to process $1 can no longer act on it by default: delivered, or
# pending in a blocked set (boxinit blocks what it reads from its signalfd or ignores).
signal_settled()
{
	local blk
	signal_pending "$1" "$2" || return 0
	blk=$(awk '/^SigBlk:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	[ -n "$blk" ] && (((16#$blk & (1 << ($2 - 1))) != 0))
}

# build/holdfork (ptrace) holds boxinit (PID 1) at the entry of the fork that would create the
# command, for as long as the test needs: the signal arrives before the command exists, with no
# timed window. As PID 1, a SIGTERM that boxinit does not handle is dropped by the kernel: only
# a boxinit that keeps it and forwards it ends the command.
test_signal_sent_before_the_command_has_started_is_not_lost()
{
	mkfifo "$TEST_TMP/release"
	"$BOX_BUILD/holdfork" boxinit "$TEST_TMP/held" "$TEST_TMP/release" "$TEST_TMP/execs" -- \
		unshare --pid --fork --kill-child --mount-proc "$BOXINIT" -- "$PROBE" sleep 60 \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	JOB_PID=$!
	track_pid "$JOB_PID"
	wait_until 30 test -s "$TEST_TMP/held" || {
		fail "boxinit never reached its fork under holdfork: $(cat "$TEST_TMP/err")"
		return
	}
	BOXINIT_PID=$(cat "$TEST_TMP/held")
	track_pid "$BOXINIT_PID"
	assertTrue "boxinit is held in a fork system call" "in_fork_syscall $BOXINIT_PID"
	assertEquals "the command does not exist yet" "" "$(descendants "$BOXINIT_PID")"
	kill -TERM "$BOXINIT_PID"
	assertTrue "SIGTERM is pending for the held boxinit" "signal_pending $BOXINIT_PID 15"
	echo go >"$TEST_TMP/release"
	boxinit_wait 30 || return
	assertEquals "exit status: the command died of the early SIGTERM" 143 "$EXIT_CODE"
	assertTrue "the command was exec'd: $(cat "$TEST_TMP/execs")" \
		"grep -qE '^exec [0-9]+ $(realpath "$PROBE")\$' '$TEST_TMP/execs'"
}

. "$SHUNIT2"
