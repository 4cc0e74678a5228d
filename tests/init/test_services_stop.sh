#!/bin/bash
# SPDX-License-Identifier: MIT
# Graceful shutdown of declared services, as PID 1 of a pid namespace and as a subreaper:
# reverse dependency order, independent services in parallel, per-service and global
# deadlines, the exit status, signals broadcast to every service, daemons kept and stopped.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/services_lib.sh"

stop_order_is_reverse_topological()
{
	local order
	write_service_script
	{
		service_section db
		service_section cache "depends=db"
		service_section app "depends=cache, db"
		service_section web "depends=app"
	} >"$TEST_TMP/conf"
	boxinit_start "$1" --grace 20 -c "$TEST_TMP/conf" || return
	wait_all_up db cache app web || return
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 15 || return
	assertEquals "exit status of a requested stop" 0 "$EXIT_CODE"
	order=$(tr '\n' ' ' <"$TEST_TMP/stops")
	assertEquals "stop order (recorded by the services)" "web app cache db " "$order"
}

test_stop_order_is_reverse_topological_as_pid1()
{
	stop_order_is_reverse_topological pid1
}

test_stop_order_is_reverse_topological_as_subreaper()
{
	stop_order_is_reverse_topological sub
}

# Ten independent services that each need 1 s to stop are stopped together.
ten_slow_services_stop_in_parallel()
{
	local i names=() t0 t1
	write_service_script
	for i in $(seq 10); do
		names+=("s$i")
		SVC_STOP=1 service_section "s$i" "stop-timeout=8"
	done >"$TEST_TMP/conf"
	boxinit_start "$1" --grace 30 -c "$TEST_TMP/conf" || return
	wait_all_up "${names[@]}" || return
	t0=$(now_us)
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 20 || return
	t1=$(now_us)
	assertEquals "exit status" 0 "$EXIT_CODE"
	assertEquals "every service got SIGTERM" 10 "$(wc -l <"$TEST_TMP/stops")"
	# One after the other would take 10 s: 5 s is a generous bound for "together".
	assertTrue "10 services needing 1 s each stopped in $(((t1 - t0) / 1000)) ms, not ~10 s" \
		"[ $((t1 - t0)) -lt 5000000 ]"
}

test_ten_slow_services_stop_in_parallel_as_pid1()
{
	ten_slow_services_stop_in_parallel pid1
}

test_ten_slow_services_stop_in_parallel_as_subreaper()
{
	ten_slow_services_stop_in_parallel sub
}

# No fixed sleep anywhere: with services that exit on SIGTERM at once, boxinit is gone at once.
ten_quick_services_exit_at_once()
{
	local i args=() t0 t1
	for i in $(seq 10); do
		args+=(--service "q$i=sleep 1000")
	done
	boxinit_start "$1" --grace 30 "${args[@]}" || return
	wait_until 10 count_live_descendants_is 10 || {
		fail "the 10 services did not start"
		return
	}
	t0=$(now_us)
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 10 || return
	t1=$(now_us)
	assertEquals "exit status" 0 "$EXIT_CODE"
	# Generous (the shell's own polling is 20 ms a round): far below any 1 s or 3 s sleep.
	assertTrue "boxinit took $(((t1 - t0) / 1000)) ms to exit" "[ $((t1 - t0)) -lt 900000 ]"
}

test_ten_quick_services_exit_at_once_as_pid1()
{
	ten_quick_services_exit_at_once pid1
}

test_ten_quick_services_exit_at_once_as_subreaper()
{
	ten_quick_services_exit_at_once sub
}

test_service_ignoring_sigterm_is_killed_at_its_stop_timeout()
{
	local t0 t1
	write_service_script
	{
		service_section good
		printf '[stubborn]\ncommand = %s ignore-term 60\nstop-timeout = 3\n' "$PROBE"
	} >"$TEST_TMP/conf"
	boxinit_start pid1 --grace 60 -c "$TEST_TMP/conf" || return
	wait_until 10 file_has "$TEST_TMP/out" '^\[stubborn\] ready=1$' || {
		fail "the stubborn service did not start: $(cat "$TEST_TMP/err")"
		return
	}
	t0=$(now_us)
	kill -TERM "$BOXINIT_PID"
	wait_until 10 file_has "$TEST_TMP/out" '^\[stubborn\] term$' || fail "stubborn never got SIGTERM"
	assertTrue "still waiting inside the stop-timeout" "proc_alive $BOXINIT_PID"
	boxinit_wait 20 || return
	t1=$(now_us)
	assertEquals "exit status of a requested stop" 0 "$EXIT_CODE"
	assertTrue "killed at its 3 s stop-timeout, not the 60 s grace ($(((t1 - t0) / 1000)) ms)" \
		"[ $((t1 - t0)) -lt 30000000 ]"
	assertTrue "says it killed it" "grep -q \"service 'stubborn' did not stop\" '$TEST_TMP/err'"
}

service_ignoring_sigterm_is_killed_at_the_global_deadline()
{
	# 3 s: the check below runs inside it even on an emulated VM.
	boxinit_start "$1" --grace 3 --service "stubborn=$PROBE ignore-term 60" || return
	wait_until 10 file_has "$TEST_TMP/out" '^\[stubborn\] ready=1$' || {
		fail "the service did not start: $(cat "$TEST_TMP/err")"
		return
	}
	kill -TERM "$BOXINIT_PID"
	wait_until 10 file_has "$TEST_TMP/out" '^\[stubborn\] term$' || fail "stubborn never got SIGTERM"
	assertTrue "boxinit waits during the grace" "proc_alive $BOXINIT_PID"
	# The default grace is 10 s: ending within 8 s means the 3 s deadline did it.
	boxinit_wait 8 || return
	assertEquals "exit status of a requested stop" 0 "$EXIT_CODE"
	assertEquals "nothing left" "" "$(live_descendants)"
}

test_service_ignoring_sigterm_is_killed_at_the_global_deadline_as_pid1()
{
	service_ignoring_sigterm_is_killed_at_the_global_deadline pid1
}

test_service_ignoring_sigterm_is_killed_at_the_global_deadline_as_subreaper()
{
	service_ignoring_sigterm_is_killed_at_the_global_deadline sub
}

test_second_sigterm_kills_services_at_once()
{
	boxinit_start pid1 --grace 60 --service "stubborn=$PROBE ignore-term 60" || return
	wait_until 10 file_has "$TEST_TMP/out" '^\[stubborn\] ready=1$' || return
	kill -TERM "$BOXINIT_PID"
	wait_until 10 file_has "$TEST_TMP/out" '^\[stubborn\] term$' || fail "stubborn never got SIGTERM"
	assertTrue "boxinit waits after the first SIGTERM" "proc_alive $BOXINIT_PID"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 10 || return
	assertEquals "exit status" 0 "$EXIT_CODE"
}

essential_failure_stops_the_container()
{
	write_service_script
	{
		service_section other
		# db fails only once other is up (its TERM trap set), so other's stop is always seen.
		printf '[db]\ncommand = sh -c "until grep -qx %s %s/out; do sleep 0.05; done; echo try >>%s/tries; exit 7"\n' \
			"'\[other\] other up'" "$TEST_TMP" "$TEST_TMP"
		printf 'essential = yes\nmax-failures = 3\nfailure-window = 60\n'
	} >"$TEST_TMP/conf"
	boxinit_start "$1" --grace 20 -c "$TEST_TMP/conf" || return
	boxinit_wait 20 || return
	assertEquals "exit status is the essential service's" 7 "$EXIT_CODE"
	assertEquals "it was tried max-failures times" 3 "$(wc -l <"$TEST_TMP/tries")"
	assertEquals "the other service was stopped" "other" "$(cat "$TEST_TMP/stops" 2>/dev/null)"
	assertTrue "names the failed service" "grep -q \"essential service 'db' failed\" '$TEST_TMP/err'"
}

test_essential_service_failing_for_good_stops_with_its_code_as_pid1()
{
	essential_failure_stops_the_container pid1
}

test_essential_service_failing_for_good_stops_with_its_code_as_subreaper()
{
	essential_failure_stops_the_container sub
}

test_main_command_status_wins_and_services_stop_after_it()
{
	write_service_script
	service_section helper >"$TEST_TMP/conf"
	# The command ends once the service is up (its SIGTERM trap set), not after a guess.
	boxinit_start pid1 -c "$TEST_TMP/conf" -- sh -c \
		"until grep -qx '\[helper\] helper up' '$TEST_TMP/out'; do sleep 0.05; done; exit 3" || return
	boxinit_wait 15 || return
	assertEquals "exit status is the main command's" 3 "$EXIT_CODE"
	assertEquals "the service was stopped when the command ended" helper \
		"$(cat "$TEST_TMP/stops" 2>/dev/null)"
}

# `service x start`: the service's command leaves a daemon and exits 0; the daemon is kept.
daemon_left_by_a_service_is_kept_then_stopped()
{
	local daemon
	boxinit_start "$1" --grace 20 --service \
		"starter=sh -c 'setsid $PROBE record-signals $TEST_TMP/sigs >$TEST_TMP/d.out & exit 0'" ||
		return
	wait_until 10 file_has "$TEST_TMP/d.out" '^ready=1$' || {
		fail "the daemon did not start: $(cat "$TEST_TMP/err")"
		return
	}
	# The starter has exited and been reaped: the daemon is alone.
	wait_until 10 eval '[ "$(live_descendants | wc -w)" = 1 ]' ||
		fail "more than the daemon left: $(live_descendants)"
	daemon=$(live_descendants)
	assertTrue "boxinit stays up for the daemon" "proc_alive $BOXINIT_PID"
	assertEquals "the daemon is the one process left" 1 "$(echo "$daemon" | wc -w)"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 15 || return
	assertEquals "exit status" 0 "$EXIT_CODE"
	assertEquals "the daemon got SIGTERM" 15 "$(head -n1 "$TEST_TMP/sigs")"
}

test_daemon_left_by_a_service_is_kept_then_stopped_as_pid1()
{
	daemon_left_by_a_service_is_kept_then_stopped pid1
}

test_daemon_left_by_a_service_is_kept_then_stopped_as_subreaper()
{
	daemon_left_by_a_service_is_kept_then_stopped sub
}

test_hup_usr1_usr2_reach_every_service()
{
	local sig s missing=
	boxinit_start pid1 --service "a=$PROBE record-signals $TEST_TMP/a" \
		--service "b=$PROBE record-signals $TEST_TMP/b" -- "$PROBE" record-signals "$TEST_TMP/m" ||
		return
	wait_until 10 eval '[ "$(grep -c "ready=1" "$TEST_TMP/out")" -ge 3 ]' || {
		fail "not all started: $(cat "$TEST_TMP/out")"
		return
	}
	for sig in HUP USR1 USR2; do
		kill -"$sig" "$BOXINIT_PID"
		for s in a b m; do
			wait_until 5 grep -qx "$(kill -l "$sig")" "$TEST_TMP/$s" || missing="$missing $s:$sig"
		done
	done
	assertEquals "signals that did not arrive" "" "$missing"
}

. "$SHUNIT2"
