#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The soak in `make check`: SOAK_N containers (default 100), 4 at a time, through launch and box
# with seeded random outcomes (tests/soak/soak_lib.sh; the seed is printed, SOAK_SEED=S
# replays the sequence), one test per outcome family, then one test for what is left: no
# cgroup under the soak's parent, record, process, mount, veth or NAT rule, and no growth of
# the long-lived container's monitor (fds, memory). `make soak` runs 1000.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/soak_lib.sh"

SOAK_N=${SOAK_N:-100}
SOAK_READY=0

box_suite_setup()
{
	[ "$(id -u)" = 0 ] && [ -x "$LAUNCH" ] && [ -x "$BOX" ] && [ -x "$PROBE" ] || return 0
	soak_init || return 0
	SOAK_SEED=${SOAK_SEED:-$((RANDOM << 15 | RANDOM))}
	RANDOM=$SOAK_SEED
	echo "soak: seed $SOAK_SEED (SOAK_SEED=$SOAK_SEED replays it), prefix $SOAK_PREFIX"
	soak_watch_start || return 0
	SOAK_READY=1
}

box_suite_teardown()
{
	[ -z "${SOAK_DIR:-}" ] || soak_cleanup
}

box_setup()
{
	ulimit -c 0
}

_soak_ready()
{
	require_root || return 1
	[ "$SOAK_READY" = 1 ] && return 0
	fail "the soak's set-up failed (the binaries, the busybox rootfs or the long-lived container)"
	return 1
}

# soak_part N OUTCOME...: N jobs of these outcomes; every one must have come out as expected.
soak_part()
{
	local n=$1 from bad
	shift
	from=$(($(wc -l <"$SOAK_DIR/results") + 1))
	soak_run "$n" 4 "$@"
	tail -n +"$from" "$SOAK_DIR/results" | awk '{ c[$2 " " $3 " " $4]++ } END { for (k in c) print "  " k, c[k] }' | sort
	bad=$(tail -n +"$from" "$SOAK_DIR/results" | grep ' BAD ')
	assertEquals "unexpected outcomes (seed $SOAK_SEED)" "" "$bad"
	assertTrue "every job reported" "[ $(($(wc -l <"$SOAK_DIR/results") - from + 1)) -ge $n ]"
}

test_exit_failure_oom_and_fork_bomb()
{
	_soak_ready || return 0
	soak_part $((SOAK_N * 3 / 10)) exit fail oom forkbomb
}

test_sigterm_stop_and_exec_racing_with_stop()
{
	_soak_ready || return 0
	soak_part $((SOAK_N * 3 / 10)) sigterm stop execstop
}

test_sigkill_of_launch_and_box_create_at_random_moments()
{
	_soak_ready || return 0
	soak_part $((SOAK_N * 2 / 10)) sigkill
}

test_all_outcomes_mixed()
{
	_soak_ready || return 0
	soak_part $((SOAK_N - SOAK_N * 8 / 10))
}

# Last: what the whole run left, after one `launch list` (what SIGKILLed launches left is the
# next launch command's to clean, by design).
test_nothing_left_and_no_growth()
{
	_soak_ready || return 0
	soak_finish
	soak_summary
	assertEquals "leftovers" "" "$(cat "$SOAK_DIR/leftovers")"
	local out
	out=$(soak_growth)
	assertTrue "$out" $?
	echo "$out"
}

. "$SHUNIT2"
