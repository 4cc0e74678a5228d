#!/bin/bash
# SPDX-License-Identifier: MIT
# Idle means idle: with nothing to do, boxinit is not scheduled at all (no polling timer).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

switches()
{
	echo "$(proc_status_field "$1" voluntary_ctxt_switches)/$(proc_status_field "$1" nonvoluntary_ctxt_switches)"
}

# x86_64: epoll_wait 232, epoll_pwait 281, epoll_pwait2 441.
in_epoll_wait()
{
	local nr
	read -r nr _ <"/proc/$1/syscall" 2>/dev/null || return 1
	case $nr in 232 | 281 | 441) return 0 ;; esac
	return 1
}

idle_boxinit_never_wakes_up()
{
	local before after
	boxinit_start "$1" -- "$PROBE" sleep 60 && probe_ready || return
	# Start-up is over once boxinit sleeps in its event loop; then watch for 2 s.
	wait_until 10 in_epoll_wait "$BOXINIT_PID" || fail "boxinit never settled in epoll_wait"
	before=$(switches "$BOXINIT_PID")
	sleep 2
	after=$(switches "$BOXINIT_PID")
	assertNotNull "context switches readable" "$before"
	assertEquals "context switches (voluntary/involuntary) while idle" "$before" "$after"
}

test_idle_boxinit_has_no_periodic_wakeups_as_pid1()
{
	idle_boxinit_never_wakes_up pid1
}

test_idle_boxinit_has_no_periodic_wakeups_as_subreaper()
{
	idle_boxinit_never_wakes_up sub
}

. "$SHUNIT2"
