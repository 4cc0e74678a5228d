#!/bin/bash
# SPDX-License-Identifier: MIT
# Resource limits hold from inside (memory, pids, CPU) and --stats / --stats-json report what
# the container used. The CPU bound is a loose correctness check of the quota, not a benchmark.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

# A JSON field of $TEST_TMP/stats.json (python3 prints it; "None" for null).
stats_field()
{
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"$TEST_TMP/stats.json" "$1"
}

test_memory_hog_is_oom_killed_under_memory_limit()
{
	require_root || return 0
	box_run --memory 32m --memory-swap 32m --stats -- probe memhog 256
	assertEquals "exit status (killed by SIGKILL): $(cat "$TEST_TMP/err")" 137 "$BOX_RC"
	assertEquals "the hog never got its 256 MiB: $(cat "$TEST_TMP/out")" "" \
		"$(kv "$TEST_TMP/out" memhog_mb)"
	local oom
	oom=$(sed -n 's/.*oom kills \([0-9][0-9]*\).*/\1/p' "$TEST_TMP/err")
	assertTrue "--stats shows oom kills >= 1: $(cat "$TEST_TMP/err")" "[ '${oom:-0}' -ge 1 ]"
}

# The OOM killer under the container's memory limit picks the hog, never boxinit: boxinit's
# oom_score_adj is as low as it may go (-1000 where launch has CAP_SYS_RESOURCE), the
# services' and the command's back at launch's; boxinit lives on, reports the kill, restarts
# the service and stops the container with the command's status.
hog_exit()
{
	box_cmd service "$BOX_NAME" status hog --json &&
		python3 -c 'import json, sys; print(json.load(sys.stdin)["services"][0]["exit"])' \
			<"$TEST_TMP/out"
}

hog_killed_twice()
{
	[ "$(hog_exit)" = 137 ] && [ "$(grep -c "service 'hog' exited with status 137" "$LOG")" -ge 2 ]
}

test_oom_killed_service_leaves_boxinit_running_and_reporting()
{
	require_root || return 0
	local adj rc
	LOG=$TEST_TMP/box.log
	box_detach --keep --log "$LOG" --memory 32m --memory-swap 32m --service "hog=probe memhog 256" \
		-- probe sleep 600
	assertEquals "launch -d: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	# Restarted, the hog lives a moment before the next kill, and its status says so then:
	# wait for a moment where both the log and the status tell of the SIGKILL.
	wait_until 60 hog_killed_twice
	rc=$?
	assertTrue "boxinit said twice that the hog was killed (137), restarted it, and its status \
says 137 (log: $(tail -n 5 "$LOG"); status: $(hog_exit))" $rc
	box_cmd exec "$BOX_NAME" cat /proc/1/oom_score_adj
	adj=$(cat "$TEST_TMP/out")
	if sh -c 'echo -1000 >/proc/self/oom_score_adj' 2>/dev/null; then
		assertEquals "boxinit's oom_score_adj" -1000 "$adj"
	else
		assertTrue "boxinit's oom_score_adj $adj at most launch's" \
			"[ '$adj' -le $(cat /proc/self/oom_score_adj) ]"
	fi
	box_cmd exec "$BOX_NAME" sh -c 'cat /proc/$(pidof probe | cut -d" " -f1)/oom_score_adj'
	assertEquals "the command's oom_score_adj: launch's" "$(cat /proc/self/oom_score_adj)" \
		"$(cat "$TEST_TMP/out")"
	box_cmd stop "$BOX_NAME"
	assertEquals "stop (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	box_cmd wait "$BOX_NAME"
	assertEquals "the container's status: the command's (TERM)" 143 "$BOX_RC"
}

test_memory_under_the_limit_is_fine()
{
	require_root || return 0
	box_run --memory 64m -- probe memhog 16
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals 16 "$(kv "$TEST_TMP/out" memhog_mb)"
}

test_fork_bomb_is_held_by_pids_limit()
{
	require_root || return 0
	box_run --pids-limit 20 -- probe forkbomb 200
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	local forked
	forked=$(kv "$TEST_TMP/out" forked)
	# boxinit and the probe count too.
	assertTrue "forked $forked of 200 under --pids-limit 20" "[ '${forked:-999}' -le 18 ]"
	assertTrue "some forks were allowed: $forked" "[ '${forked:-0}' -ge 1 ]"
	assertTrue "fork failed with EAGAIN: $(cat "$TEST_TMP/out")" \
		"grep -q '^error=Resource temporarily unavailable' '$TEST_TMP/out'"
}

test_cpu_hog_gets_about_its_cpus_share()
{
	require_root || return 0
	box_run --cpus 0.5 -- probe cpuhog 1.5
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	local cpu wall
	cpu=$(kv "$TEST_TMP/out" cpu_ms)
	wall=$(kv "$TEST_TMP/out" wall_ms)
	# Unlimited it would use the whole wall time; the quota allows half.
	assertTrue "cpu ${cpu} ms over ${wall} ms wall under --cpus 0.5" \
		"[ $((${cpu:-999999} * 4)) -lt $((${wall:-0} * 3)) ]"
	assertTrue "the hog ran at all: $cpu ms" "[ '${cpu:-0}' -gt 100 ]"
}

# launch runs its set-up child on another CPU than its own until GO (ns_place_apart): the
# container must get its CPUs back, all of those the clone gave it (here: the test's own).
cpus_of()
{
	sed -n "/^$1:/,/^Cpus_allowed_list/{s/^Cpus_allowed_list:[[:space:]]*//p}" "$TEST_TMP/out"
}

test_container_runs_on_the_cpus_launch_may_use()
{
	require_root || return 0
	local all
	all=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
	box_run -- sh -c 'echo pid1:; cat /proc/1/status; echo cmd:; cat /proc/self/status'
	assertEquals "exit: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "PID 1's CPUs" "$all" "$(cpus_of pid1)"
	assertEquals "the command's CPUs" "$all" "$(cpus_of cmd)"
}

test_stats_are_printed_and_plausible()
{
	require_root || return 0
	box_run --stats -- probe cpuhog 0.3
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	local line user sys
	line=$(grep 'stats:' "$TEST_TMP/err")
	assertNotNull "a stats line: $(cat "$TEST_TMP/err")" "$line"
	user=$(sed -n 's/.*cpu user \([0-9.]*\)s.*/\1/p' <<<"$line")
	sys=$(sed -n 's/.*system \([0-9.]*\)s.*/\1/p' <<<"$line")
	# 0.3 s of spinning: between 0.1 s and a minute of CPU in all.
	assertTrue "cpu user+system from '$line'" \
		"python3 -c 'import sys; t = $user + $sys; sys.exit(not 0.1 <= t <= 60)'"
	assertTrue "memory peak in KiB or MiB: $line" "grep -Eq 'memory peak [0-9.]+ (KiB|MiB)' <<<'$line'"
	assertTrue "pids peak >= 2: $line" "grep -Eq 'pids peak ([2-9]|[1-9][0-9]+)' <<<'$line'"
	assertTrue "no oom kill: $line" "grep -q 'oom kills 0' <<<'$line'"
}

test_stats_json_is_valid_json_with_the_keys()
{
	require_root || return 0
	box_run --stats-json "$TEST_TMP/stats.json" -- probe memhog 8
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "valid JSON: $(cat "$TEST_TMP/stats.json")" \
		"python3 -m json.tool '$TEST_TMP/stats.json' >/dev/null"
	assertEquals "exit_code" 0 "$(stats_field exit_code)"
	assertEquals "oom_kills" 0 "$(stats_field oom_kills)"
	local peak pids user
	peak=$(stats_field memory_peak_bytes)
	pids=$(stats_field pids_peak)
	user=$(stats_field cpu_user_us)
	assertTrue "memory peak >= 8 MiB, < 1 GiB: $peak" \
		"[ '$peak' -ge $((8 << 20)) ] && [ '$peak' -lt $((1 << 30)) ]"
	assertTrue "pids peak 2..10: $pids" "[ '$pids' -ge 2 ] && [ '$pids' -le 10 ]"
	assertTrue "cpu user us is a number: $user" "[ '$user' -ge 0 ]"
	stats_field cpu_system_us >/dev/null
	assertTrue "cpu_system_us present" $?
}

test_stats_json_records_the_exit_code_and_oom()
{
	require_root || return 0
	box_run --memory 32m --memory-swap 32m --stats-json "$TEST_TMP/stats.json" \
		-- probe memhog 256
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 137 "$BOX_RC"
	assertEquals "exit_code" 137 "$(stats_field exit_code)"
	assertTrue "oom_kills >= 1: $(cat "$TEST_TMP/stats.json")" "[ '$(stats_field oom_kills)' -ge 1 ]"
}

test_limits_are_written_to_the_cgroup()
{
	require_root || return 0
	local name cg
	name=$(bt_name)
	READY=ready=1 box_start --name "$name" --memory 100m --pids-limit 50 --cpus 1.5 \
		--cpu-weight 200 -- probe sleep 30 || return 0
	cg=$BOX_TEST_CGROUP_PARENT/$name
	if [ "$(cgroup_mode)" = v2 ]; then
		cg=/sys/fs/cgroup$cg
		assertEquals "memory" $((100 << 20)) "$(cat "$cg/memory.max")"
		assertEquals "pids" 50 "$(cat "$cg/pids.max")"
		assertEquals "quota and period" "150000 100000" "$(cat "$cg/cpu.max")"
		assertEquals "weight" 200 "$(cat "$cg/cpu.weight")"
	else
		assertEquals "memory" $((100 << 20)) \
			"$(cat "/sys/fs/cgroup/memory$cg/memory.limit_in_bytes")"
		assertEquals "pids" 50 "$(cat "/sys/fs/cgroup/pids$cg/pids.max")"
		assertEquals "quota" 150000 "$(cat "/sys/fs/cgroup/cpu$cg/cpu.cfs_quota_us")"
		assertEquals "period" 100000 "$(cat "/sys/fs/cgroup/cpu$cg/cpu.cfs_period_us")"
		# v1 shares: weight 100 is 1024 shares, so 200 is about 2048.
		assertTrue "shares for weight 200: $(cat "/sys/fs/cgroup/cpu$cg/cpu.shares")" \
			"[ $(cat "/sys/fs/cgroup/cpu$cg/cpu.shares") -gt 1024 ]"
	fi
	kill -TERM "$BOX_PID"
	box_wait 20
}

. "$SHUNIT2"
