#!/bin/bash
# SPDX-License-Identifier: MIT
# boxinit under stress keeps its promises (reaping, forwarding, supervised restarts, the
# graceful stop, its exit status): 5,000 orphans at once, 10,000 signals in a burst, its
# stdout and stderr closed or a full pipe nobody reads, a service that cannot be forked (a
# pids limit), and memory pressure (its own oom_score_adj, not passed on). Every verdict is
# an outcome (what is left, who is alive, the exit status); the waits are bounds for a hung
# boxinit, never measurements.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

# The command's process and nothing else under boxinit (zombies included).
only_n_left()
{
	[ "$(descendants "$BOXINIT_PID" | wc -l)" -eq "$1" ]
}

no_zombies()
{
	[ -z "$(zombies_under "$BOXINIT_PID")" ]
}

# --- orphans -----------------------------------------------------------------------------------

# The command makes 5,000 children and returns: they are orphaned to boxinit together and end
# together (the pipe they wait on closes with the probe).
orphan_burst_is_reaped()
{
	boxinit_start "$1" -- sh -c "'$PROBE' orphan-burst 5000 >'$TEST_TMP/burst' &&
		exec '$PROBE' sleep 600" || return
	wait_until 60 file_has "$TEST_TMP/burst" '^orphans=' || fail "the burst never ended"
	assertEquals "orphans made: $(cat "$TEST_TMP/err")" 5000 "$(kv "$TEST_TMP/burst" orphans)"
	wait_until 60 only_n_left 1
	assert_no_zombies "$BOXINIT_PID"
	assertEquals "left under boxinit: only the command" 1 "$(descendants "$BOXINIT_PID" | wc -l)"
	# Still PID 1's promises: TERM goes to the command, its status is boxinit's.
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 30 || return
	assertEquals "exit status: the command's (TERM)" 143 "$EXIT_CODE"
}

test_5000_orphans_at_once_are_all_reaped_as_pid1()
{
	orphan_burst_is_reaped pid1
}

test_5000_orphans_at_once_are_all_reaped_as_subreaper()
{
	orphan_burst_is_reaped sub
}

# As a subreaper boxinit stops the processes it adopted by reading its children's list from
# /proc: all 5,000 (some 40 KB of pids) must get the TERM, not the first page of them, or the
# stop would wait for the grace (here 600 s) to kill the rest.
test_stop_reaches_every_one_of_5000_adopted_orphans()
{
	boxinit_start sub --keep-running --grace 600 -- "$PROBE" orphan-hold 5000 || return
	wait_until 60 file_has "$TEST_TMP/out" '^orphans=' || fail "the probe never finished"
	assertEquals "orphans made" 5000 "$(kv "$TEST_TMP/out" orphans)"
	wait_until 60 only_n_left 5000
	assertEquals "every orphan adopted and alive" 5000 "$(live_descendants | wc -l)"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 120 || return
	assertEquals "exit status: the command's" 0 "$EXIT_CODE"
	assertTrue "no orphan outlived boxinit: $(_box_marked_pids | wc -l) left" _box_no_marked_pids
}

# --- signals ---------------------------------------------------------------------------------

# 10,000 signals as fast as one process can send them: SIGCHLD (nothing to reap), SIGUSR1 and
# SIGHUP (broadcast to the command and the services).
flood()
{
	python3 - "$1" <<'EOF'
import os, signal, sys
pid = int(sys.argv[1])
sigs = (signal.SIGCHLD, signal.SIGUSR1, signal.SIGHUP)
for i in range(10000):
    os.kill(pid, sigs[i % 3])
EOF
}

test_10000_signals_in_a_burst_are_survived_and_forwarded()
{
	mkfifo "$TEST_TMP/go"
	# burst: after the flood, 1,000 orphans, to see the reaper still at work.
	boxinit_start sub \
		--service "rec=$PROBE record-signals $TEST_TMP/svc-sigs" \
		--service "burst=sh -c 'cat $TEST_TMP/go >/dev/null; $PROBE orphan-burst 1000 >$TEST_TMP/burst; exec $PROBE sleep 600'" \
		-- "$PROBE" record-signals "$TEST_TMP/main-sigs" || return
	probe_ready || return
	wait_until 10 file_has "$TEST_TMP/out" '^\[rec\] ready=1$' || fail "the service never said ready"
	flood "$BOXINIT_PID"
	assertTrue "boxinit survived the flood" "proc_alive $BOXINIT_PID"
	echo go >"$TEST_TMP/go"
	wait_until 30 file_has "$TEST_TMP/burst" '^orphans=1000$' || fail "no burst after the flood"
	wait_until 30 no_zombies
	assert_no_zombies "$BOXINIT_PID"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 30 || return
	assertEquals "exit status: the command's (it ends on TERM with 0): $(cat "$TEST_TMP/err")" \
		0 "$EXIT_CODE"
	assertTrue "the command got SIGUSR1" "grep -qx 10 '$TEST_TMP/main-sigs'"
	assertTrue "the command got SIGHUP" "grep -qx 1 '$TEST_TMP/main-sigs'"
	assertEquals "the command's last signal is the stop" 15 "$(tail -n 1 "$TEST_TMP/main-sigs")"
	assertTrue "the service got SIGUSR1" "grep -qx 10 '$TEST_TMP/svc-sigs'"
	assertTrue "the service got SIGHUP" "grep -qx 1 '$TEST_TMP/svc-sigs'"
	assertEquals "the service was stopped" 15 "$(tail -n 1 "$TEST_TMP/svc-sigs")"
}

# --- its output --------------------------------------------------------------------------------

# flaky fails at once and is restarted (each run adds a line to runs), printing on both
# streams; main makes 100 orphans, then sleeps.
stress_services()
{
	cat >"$TEST_TMP/conf" <<EOF
[flaky]
command = sh -c 'echo run >>$TEST_TMP/runs; seq 2000; seq 2000 >&2; exit 3'
max-failures = 1000
EOF
	MAIN=(sh -c "'$PROBE' orphans 100 >'$TEST_TMP/orphans' && exec '$PROBE' sleep 600")
}

runs()
{
	grep -c '' "$TEST_TMP/runs" 2>/dev/null || echo 0
}

runs_at_least()
{
	[ "$(runs)" -ge "$1" ]
}

# What must hold whatever boxinit's stdout and stderr are.
promises_kept()
{
	wait_until 60 runs_at_least 4
	assertTrue "flaky restarted 3 times: $(runs)" \
		"runs_at_least 4"
	wait_until 30 file_has "$TEST_TMP/orphans" '^orphans=100$' || fail "no orphans made"
	wait_until 30 no_zombies
	assert_no_zombies "$BOXINIT_PID"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 30 || return
	assertEquals "exit status: the command's (TERM)" 143 "$EXIT_CODE"
}

test_closed_stdout_and_stderr_break_nothing()
{
	stress_services
	"$BOXINIT" --verbose -c "$TEST_TMP/conf" -- "${MAIN[@]}" </dev/null >&- 2>&- &
	JOB_PID=$! BOXINIT_PID=$!
	track_pid "$JOB_PID"
	wait_until 10 runs_at_least 1 || fail "flaky never ran"
	# Nothing boxinit opened took the place of the closed ones.
	assertEquals "boxinit's stdout" /dev/null "$(readlink "/proc/$BOXINIT_PID/fd/1")"
	assertEquals "boxinit's stderr" /dev/null "$(readlink "/proc/$BOXINIT_PID/fd/2")"
	promises_kept
}

# python3 -c "$FILL_AND_EXEC" FIFO CMD...: opens FIFO, fills it until a write would block, and
# execs CMD with it (blocking again) as stdout and stderr.
FILL_AND_EXEC='
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK)
for size in (65536, 4096, 1):
    try:
        while True:
            os.write(fd, b"x" * size)
    except BlockingIOError:
        pass
os.set_blocking(fd, True)
os.dup2(fd, 1)
os.dup2(fd, 2)
os.close(fd)
os.execv(sys.argv[2], sys.argv[2:])
'

# A fifo whose reader never reads, filled to the brim before boxinit starts on it (stdout and
# stderr): every write of boxinit's would block. --verbose: it has a lot to say.
test_full_pipe_nobody_reads_blocks_nothing()
{
	stress_services
	mkfifo "$TEST_TMP/full"
	sleep 3600 <>"$TEST_TMP/full" &
	track_pid $!
	python3 -c "$FILL_AND_EXEC" "$TEST_TMP/full" "$BOXINIT" --verbose -c "$TEST_TMP/conf" \
		-- "${MAIN[@]}" </dev/null &
	JOB_PID=$! BOXINIT_PID=$!
	track_pid "$JOB_PID"
	promises_kept
}

# --- a pids limit ------------------------------------------------------------------------------

# A pids cgroup of this test's own under /box-test: v1 (its pids hierarchy) or v2 (pids
# enabled below /box-test). Sets CG.
make_pids_cgroup()
{
	local base
	case $(cgroup_mode) in
	v1) base=/sys/fs/cgroup/pids ;;
	v2) base=/sys/fs/cgroup ;;
	*) skip_test "no cgroup hierarchy"; return 1 ;;
	esac
	[ -e "$base/cgroup.procs" ] || { skip_test "no pids controller"; return 1; }
	mkdir -p "$base$BOX_TEST_CGROUP_PARENT" || return 1
	# v2: the root's controllers are the machine's to enable (launch and the VM do), not ours.
	if [ "$(cgroup_mode)" = v2 ]; then
		grep -qw pids "$base$BOX_TEST_CGROUP_PARENT/cgroup.controllers" ||
			{ skip_test "pids not enabled for $BOX_TEST_CGROUP_PARENT"; return 1; }
		echo +pids >"$base$BOX_TEST_CGROUP_PARENT/cgroup.subtree_control" 2>/dev/null
	fi
	CG=$base$BOX_TEST_CGROUP_PARENT/stress$$-$RANDOM
	mkdir "$CG" || return 1
	on_teardown rmdir "$CG"
	[ -e "$CG/pids.max" ] || { skip_test "no pids.max in $CG"; return 1; }
}

# boxinit started inside $CG (the wrapper shell moves itself there and execs it).
start_in_cgroup()
{
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$BOXINIT" "$@" \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	JOB_PID=$! BOXINIT_PID=$!
	track_pid "$JOB_PID"
}

test_main_command_that_cannot_be_forked_fails_with_125_and_one_line()
{
	require_root || return 0
	make_pids_cgroup || return 0
	# Room for boxinit only.
	echo 1 >"$CG/pids.max"
	start_in_cgroup -- "$PROBE" exit 0
	boxinit_wait 30 || return
	assertEquals "exit status" 125 "$EXIT_CODE"
	assertEquals "one line: $(cat "$TEST_TMP/err")" 1 "$(stderr_lines)"
	assertTrue "it says fork failed: $(cat "$TEST_TMP/err")" \
		"grep -q \"^boxinit: fork '$PROBE': Resource temporarily unavailable\" '$TEST_TMP/err'"
}

fork_failures_at_least()
{
	[ "$(grep -c "fork '/bin/sh': Resource temporarily unavailable" "$TEST_TMP/err")" -ge "$1" ]
}

# A restarting service meets a full pids cgroup: boxinit says so, retries after the backoff
# (not a spin), never gives it up (more fork failures than the default max-failures, 5), and
# restarts it once there is room. flaky ends with 0 each time: only fork failures could count.
test_service_that_cannot_be_forked_is_retried_until_it_can()
{
	require_root || return 0
	make_pids_cgroup || return 0
	cat >"$TEST_TMP/conf" <<EOF
[flaky]
command = /bin/sh -c 'echo run >>$TEST_TMP/runs'
restart = always
EOF
	start_in_cgroup -c "$TEST_TMP/conf" -- "$PROBE" sleep 600
	probe_ready || return
	wait_until 10 runs_at_least 1 || fail "flaky never ran"
	# boxinit and the command: no room for anything else.
	echo 2 >"$CG/pids.max"
	wait_until 60 fork_failures_at_least 6 ||
		fail "no fork failure reported: $(tail -n 5 "$TEST_TMP/err")"
	assertTrue "boxinit alive with no room to fork" "proc_alive $BOXINIT_PID"
	assertTrue "it says it retries: $(tail -n 3 "$TEST_TMP/err")" \
		"grep -q \"service 'flaky' could not be started: retrying in\" '$TEST_TMP/err'"
	local before
	before=$(runs)
	echo max >"$CG/pids.max"
	wait_until 60 runs_at_least $((before + 2))
	assertTrue "flaky runs again once there is room" "runs_at_least $((before + 2))"
	assertFalse "flaky was not given up: $(cat "$TEST_TMP/err")" \
		"grep -q 'failed for good' '$TEST_TMP/err'"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 30 || return
	assertEquals "exit status: the command's (TERM)" 143 "$EXIT_CODE"
}

# --- memory pressure ---------------------------------------------------------------------------

# boxinit lowers its own score as far as it may: -1000 with CAP_SYS_RESOURCE, else the floor
# its parent left (at most the test shell's value). It starts here from 500 (raising needs no
# privilege), and the command and the services start from 500 again.
test_boxinit_is_the_oom_killers_last_choice_and_its_children_are_not()
{
	local shell_adj p
	shell_adj=$(cat /proc/self/oom_score_adj)
	sh -c 'echo 500 >/proc/self/oom_score_adj && exec "$@"' sh "$BOXINIT" \
		--service "svc=$PROBE sleep 600" -- "$PROBE" sleep 600 \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	JOB_PID=$! BOXINIT_PID=$!
	track_pid "$JOB_PID"
	probe_ready || return
	wait_until 10 only_n_left 2
	if sh -c 'echo -1000 >/proc/self/oom_score_adj' 2>/dev/null; then
		assertEquals "boxinit's oom_score_adj" -1000 "$(cat "/proc/$BOXINIT_PID/oom_score_adj")"
	else
		assertTrue "boxinit's oom_score_adj lowered from 500 to at most $shell_adj" \
			"[ $(cat "/proc/$BOXINIT_PID/oom_score_adj") -le $shell_adj ]"
	fi
	assertEquals "the command and the service" 2 "$(children_of "$BOXINIT_PID" | wc -l)"
	for p in $(children_of "$BOXINIT_PID"); do
		assertEquals "oom_score_adj of $(tr '\0' ' ' <"/proc/$p/cmdline")" 500 \
			"$(cat "/proc/$p/oom_score_adj")"
	done
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 30 || return
	assertEquals "exit status: the command's (TERM)" 143 "$EXIT_CODE"
}

. "$SHUNIT2"
