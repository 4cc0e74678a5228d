#!/bin/bash
# SPDX-License-Identifier: MIT
# Idle means idle: with nothing to do, boxinit is not scheduled at all (no polling timer).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

switches()
{
	echo "$(proc_status_field "$1" voluntary_ctxt_switches)/$(proc_status_field "$1" nonvoluntary_ctxt_switches)"
}

idle_boxinit_never_wakes_up()
{
	local before after
	boxinit_start "$1" -- "$PROBE" sleep 60 && probe_ready || return
	# Let start-up finish, then watch for 2 s.
	sleep 0.5
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
