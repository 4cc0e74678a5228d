#!/bin/bash
# SPDX-License-Identifier: MIT
# Declared services while they run, as PID 1 and as a subreaper: the configuration is checked
# whole before anything starts; dependencies wait for readiness; restart policies and the
# exponential backoff (observed through timestamps the services write); output prefixed
# "[name] " line by line, whole under a 2 MB burst, and a stuck reader never blocks boxinit.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/services_lib.sh"

# A configuration problem: exit 125, one line naming FILE:LINE, and nothing was started
# (the first service would have created $TEST_TMP/started).
rejected_before_anything_starts()
{
	local want=$1
	printf '[first]\ncommand = touch %s/started\nrestart = never\n\n' "$TEST_TMP" \
		>"$TEST_TMP/conf"
	cat >>"$TEST_TMP/conf"
	boxinit_run pid1 -c "$TEST_TMP/conf" -- "$PROBE" exit 0 || return
	assertEquals "exit status" 125 "$EXIT_CODE"
	assertEquals "one line on stderr: $(cat "$TEST_TMP/err")" 1 "$(stderr_lines)"
	grep -qF -- "$TEST_TMP/conf:$want" "$TEST_TMP/err"
	assertTrue "names '$TEST_TMP/conf:$want': $(cat "$TEST_TMP/err")" $?
	assertFalse "nothing was started" "[ -e '$TEST_TMP/started' ]"
}

test_dependency_cycle_is_rejected_before_anything_starts()
{
	rejected_before_anything_starts "7: dependency cycle: a -> b -> a" <<-EOF
		[a]
		command = true
		depends = b
		[b]
		command = true
		depends = a
	EOF
}

test_unknown_key_is_rejected_before_anything_starts()
{
	rejected_before_anything_starts "7: unknown key 'restat' in [web]" <<-EOF
		[web]
		command = true
		restat = always
	EOF
}

test_missing_executable_and_unknown_user_are_rejected()
{
	rejected_before_anything_starts "6: [web]: command 'no-such-program'" <<-EOF
		[web]
		command = no-such-program --flag
	EOF
	rejected_before_anything_starts "7: unknown user 'no-such-user'" <<-EOF
		[web]
		command = true
		user = no-such-user
	EOF
}

# A main command that cannot be run is a failed start even under --keep-running (launch's
# mode): boxinit stops the services it was to run beside and exits 127. Before, it stayed up
# with them, and launch -d waited for the command's start for ever.
test_a_main_command_that_cannot_run_ends_the_services_too()
{
	printf '[web]\ncommand = sh -c "echo up >%s/up; exec sleep 1000"\nready-command = test -e %s/up\n' \
		"$TEST_TMP" "$TEST_TMP" >"$TEST_TMP/conf"
	boxinit_run pid1 --keep-running -c "$TEST_TMP/conf" -- /no/such/program || return
	assertEquals "exit status: not found" 127 "$EXIT_CODE"
	grep -q "exec '/no/such/program'" "$TEST_TMP/err"
	assertTrue "says what could not run: $(cat "$TEST_TMP/err")" $?
	assertTrue "the service had started" "[ -e '$TEST_TMP/up' ]"
}

test_services_need_no_main_command_and_start_after_their_dependency_is_ready()
{
	local ready_us dep_us
	# "slow" is ready only once its file exists (1 s after it starts). The file appears whole
	# (renamed into place): a shell redirection would create it before date has run.
	cat >"$TEST_TMP/conf" <<-EOF
		[slow]
		command = sh -c 'sleep 1; date +%s%N >$TEST_TMP/ready.new; mv $TEST_TMP/ready.new $TEST_TMP/ready; exec sleep 1000'
		ready-command = test -e $TEST_TMP/ready
		[dependent]
		command = sh -c 'date +%s%N >$TEST_TMP/dep; exec sleep 1000'
		depends = slow
	EOF
	boxinit_start sub -c "$TEST_TMP/conf" || return
	wait_until 10 test -s "$TEST_TMP/dep" || {
		fail "the dependent never started: $(cat "$TEST_TMP/err")"
		return
	}
	ready_us=$(($(cat "$TEST_TMP/ready") / 1000))
	dep_us=$(($(cat "$TEST_TMP/dep") / 1000))
	assertTrue "the dependent started after readiness ($ready_us <= $dep_us)" \
		"[ $ready_us -le $dep_us ]"
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 15 || return
	assertEquals "exit status" 0 "$EXIT_CODE"
}

test_tcp_readiness_check()
{
	require_command python3 || return 0
	local port=$((20000 + RANDOM % 20000))
	cat >"$TEST_TMP/conf" <<-EOF
		[server]
		command = sh -c 'sleep 0.5; exec python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((\"127.0.0.1\", $port)); s.listen(); time.sleep(1000)"'
		ready-port = $port
		[client]
		command = sh -c 'echo connected; exec sleep 1000'
		depends = server
	EOF
	# In its own network namespace: the port is ours alone.
	STDIN=/dev/null boxinit_start pid1 -c "$TEST_TMP/conf" || return
	wait_until 15 file_has "$TEST_TMP/out" '^\[client\] connected$' || {
		fail "the client never started: $(cat "$TEST_TMP/out" "$TEST_TMP/err")"
		return
	}
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 15 || return
}

# Each run of a failing service notes when it started and, last thing before it exits, when
# it ends (ns, date +%s%N). A gap, in ms, runs from one run's end note to the next run's start
# note: the back-off delay lies wholly inside it however late a loaded machine runs either
# note, so it is never shorter than the delay.
restart_gaps()
{
	paste "$TEST_TMP/starts" <(sed '$d' "$TEST_TMP/ends" | sed '1i 0') |
		awk 'NR > 1 { print int(($1 - $2) / 1000000) }'
}

restart_on_failure_backs_off_exponentially()
{
	local gaps g first= last= i=0
	printf '[flaky]\ncommand = sh -c "date +%%s%%N >>%s/starts; date +%%s%%N >>%s/ends; exit 1"\nmax-failures = 6\n' \
		"$TEST_TMP" "$TEST_TMP" >"$TEST_TMP/conf"
	boxinit_run "$1" -c "$TEST_TMP/conf" || return
	assertEquals "non-essential service gave up: exit 0" 0 "$EXIT_CODE"
	assertEquals "started max-failures times" 6 "$(wc -l <"$TEST_TMP/starts")"
	gaps=$(restart_gaps | tr '\n' ' ')
	# 100 ms doubling: each gap is at least its delay (so the fifth is >= 1.6 s). The time
	# a start takes adds to every gap, by hundreds of ms now and then on an emulated VM, so
	# neighbouring gaps are not compared for growth; a schedule that does not grow (a fixed 1.6 s, say)
	# is caught by the first gap, which must stay well under half the last.
	for g in $gaps; do
		assertTrue "gap $i ($g ms) >= $((100 << i)) ms (gaps: $gaps)" "[ $g -ge $((100 << i)) ]"
		first=${first:-$g} last=$g i=$((i + 1))
	done
	assertTrue "the first gap ($first ms) is under half the last ($last ms)" \
		"[ $((first * 2)) -lt $last ]"
	assertTrue "it said it gave up" "grep -q \"service 'flaky' failed for good\" '$TEST_TMP/err'"
}

test_restart_on_failure_backs_off_exponentially_as_pid1()
{
	restart_on_failure_backs_off_exponentially pid1
}

test_restart_on_failure_backs_off_exponentially_as_subreaper()
{
	restart_on_failure_backs_off_exponentially sub
}

test_restart_policies_never_on_failure_always()
{
	cat >"$TEST_TMP/conf" <<-EOF
		[never]
		command = sh -c 'echo x >>$TEST_TMP/never; exit 1'
		restart = never
		[clean]
		command = sh -c 'echo x >>$TEST_TMP/clean; exit 0'
		[always]
		command = sh -c 'echo x >>$TEST_TMP/always; exit 0'
		restart = always
	EOF
	boxinit_start sub -c "$TEST_TMP/conf" || return
	wait_until 10 eval '[ "$(wc -l <"$TEST_TMP/always" 2>/dev/null)" -ge 4 ]' || {
		fail "restart=always did not restart a clean exit"
		return
	}
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 15 || return
	assertEquals "restart=never ran once" 1 "$(wc -l <"$TEST_TMP/never")"
	assertEquals "on-failure (default) ran a clean exit once" 1 "$(wc -l <"$TEST_TMP/clean")"
}

test_leftover_group_is_killed_before_a_restart()
{
	# Each run leaves a background child in its process group, then fails.
	printf '[leaky]\ncommand = sh -c "sleep 1000 & echo \\$! >>%s/kids; exit 1"\nmax-failures = 3\n' \
		"$TEST_TMP" >"$TEST_TMP/conf"
	boxinit_run sub -c "$TEST_TMP/conf" || return
	local kid alive=
	for kid in $(cat "$TEST_TMP/kids"); do
		track_pid "$kid"
		proc_alive "$kid" && alive="$alive $kid"
	done
	assertEquals "runs" 3 "$(wc -l <"$TEST_TMP/kids")"
	assertEquals "leftovers still alive" "" "$alive"
}

prefixed_lines_arrive_whole()
{
	local want
	# 20000 lines of 107 bytes (2.1 MB) on stdout, and 2000 on stderr, as fast as possible.
	cat >"$TEST_TMP/conf" <<-'EOF'
		[burst]
		command = awk 'BEGIN { x = sprintf("%0100d", 0); for (i = 0; i < 20000; i++) printf "%06d %s\n", i, x; for (i = 0; i < 2000; i++) printf "err %06d\n", i > "/dev/stderr" }'
		restart = never
		[other]
		command = sh -c 'for i in $(seq 200); do echo "other line $i"; done'
		restart = never
	EOF
	boxinit_run "$1" -c "$TEST_TMP/conf" || return
	assertEquals "exit status" 0 "$EXIT_CODE"
	want=$(printf '%0100d' 0)
	assertEquals "burst lines, all whole and in order" 20000 \
		"$(grep -E "^\[burst\] [0-9]{6} $want\$" "$TEST_TMP/out" | awk '{ if ($2 + 0 != NR - 1) exit 1; n++ } END { print n }')"
	assertEquals "the other service's lines" 200 "$(grep -c '^\[other\] other line [0-9]*$' "$TEST_TMP/out")"
	assertEquals "no line is torn or unprefixed" 0 \
		"$(grep -cvE '^\[(burst|other)\] ' "$TEST_TMP/out")"
	assertEquals "stderr lines, prefixed, on stderr" 2000 \
		"$(grep -cE '^\[burst\] err [0-9]{6}$' "$TEST_TMP/err")"
}

test_prefixed_lines_arrive_whole_under_a_2mb_burst_as_pid1()
{
	prefixed_lines_arrive_whole pid1
}

test_prefixed_lines_arrive_whole_under_a_2mb_burst_as_subreaper()
{
	prefixed_lines_arrive_whole sub
}

# boxinit's stdout is a FIFO whose reader never reads: a service floods it. boxinit keeps
# supervising (a second service's restarts go on) and stops on SIGTERM.
test_reader_that_stops_reading_does_not_block_boxinit()
{
	local reader n1
	mkfifo "$TEST_TMP/fifo"
	sleep 1000 <"$TEST_TMP/fifo" &
	reader=$!
	track_pid "$reader"
	cat >"$TEST_TMP/conf" <<-EOF
		[flood]
		command = yes flooding the output
		[ticker]
		command = sh -c 'echo tick >>$TEST_TMP/ticks; sleep 0.2; exit 0'
		restart = always
	EOF
	"$BOXINIT" -c "$TEST_TMP/conf" >"$TEST_TMP/fifo" 2>"$TEST_TMP/err" &
	BOXINIT_PID=$!
	JOB_PID=$BOXINIT_PID
	track_pid "$BOXINIT_PID"
	# The output is stuck once the FIFO is full (boxinit then drops lines rather than wait).
	# A bound for a hang, not a time limit: once seen in the VM (TCG) with 20 s.
	if ! wait_until 60 fifo_full "$TEST_TMP/fifo"; then
		fail "the FIFO never filled: $(fifo_full "$TEST_TMP/fifo" -v) bytes; boxinit: $(proc_state "$BOXINIT_PID"); its children: $(children_of "$BOXINIT_PID" | tr '\n' ' '); stderr: $(head -c 300 "$TEST_TMP/err")"
		return
	fi
	# The ticker's back-off doubles at each short run up to its 30 s cap
	# (SERVICE_BACKOFF_MAX_MS): a loop that still turns restarts it within the cap, however
	# late a loaded machine fills the FIFO.
	n1=$(wc -l <"$TEST_TMP/ticks")
	wait_until 45 eval '[ "$(wc -l <"$TEST_TMP/ticks")" -gt $n1 ]'
	assertTrue "services are still restarted while the output is stuck" $?
	kill -TERM "$BOXINIT_PID"
	boxinit_wait 10 || return
	assertEquals "exit status" 0 "$EXIT_CODE"
}

# Whether FIFO $1 is full: a write of PIPE_BUF bytes (atomic: all or nothing) would block,
# as every write of boxinit's then does. FIONREAD is no measure of it: boxinit's writes leave
# the pipe's pages partly filled (seen: 61356 of 65536 bytes held, and full). A probe that
# fits adds its bytes to a pipe nobody reads. With -v, prints "HELD/SIZE" instead.
fifo_full()
{
	python3 - "$@" <<-'PY'
		import array, fcntl, os, sys, termios
		if sys.argv[2:] == ["-v"]:
		    fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
		    n = array.array("i", [0])
		    fcntl.ioctl(fd, termios.FIONREAD, n)
		    print("%d/%d" % (n[0], fcntl.fcntl(fd, 1032)))  # F_GETPIPE_SZ
		    sys.exit(0)
		fd = os.open(sys.argv[1], os.O_WRONLY | os.O_NONBLOCK)
		try:
		    os.write(fd, b"#" * 4096)
		except BlockingIOError:
		    sys.exit(0)
		sys.exit(1)
	PY
}

. "$SHUNIT2"
