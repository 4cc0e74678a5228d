#!/bin/bash
# SPDX-License-Identifier: MIT
# Managing containers: launch -d, then list, ps, stats, exec, logs, service, stop, kill,
# wait, rm by name; the record every container has (/run/box/containers/NAME), found stale
# and cleaned when its monitor or PID 1 is killed; a name race between two launches. After
# every test nothing is left: cgroups, mounts, processes, records, logs (launch_lib.sh).

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

# A service printing "NAME up", then a line a second; SIGTERM ends it with "NAME stops".
svc()
{
	echo "$1=sh -c 'trap \"echo $1 stops; exit 0\" TERM; echo $1 up; while :; do sleep 1 & wait \$!; done'"
}

# A JSON document on stdin, checked by the python expression $1 (with j the document);
# prints what the expression gives.
json_eval()
{
	python3 -c 'import json, sys
j = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1"
}

# PID catches or ignores SIGTERM (SigCgt or SigIgn in /proc/PID/status): its trap is set.
handles_term()
{
	local cgt ign
	cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$cgt" ] && [ -n "$ign" ] && [ $(((0x$cgt | 0x$ign) >> 14 & 1)) = 1 ]
}

# Every child of PID has its TERM trap set (and there is one).
children_handle_term()
{
	local c=
	for c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
		handles_term "$c" || return 1
	done
	[ -n "$c" ]
}

# The detached multi-service container most tests use.
start_web()
{
	box_detach --memory 64m --pids-limit 50 --grace 5 --service "$(svc tick)" \
		--service 'web=httpd -f -p 8080' "$@" -- || return 1
	assertEquals "launch -d (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC" || return 1
	PID1=$(record_get "$BOX_NAME" pid1 pid)
	# Started is the services' exec, not tick's TERM trap: "tick up" comes after it.
	wait_until 20 grep -q '^.* stdout F \[tick\] tick up$' "/var/log/box/$BOX_NAME.log" ||
		fail "tick never came up: $(tail -3 "/var/log/box/$BOX_NAME.log")"
}

test_detach_returns_once_started_prints_the_name_and_stop_ends_it()
{
	require_root || return 0
	local monitor
	start_web || return 0
	assertEquals "prints the name" "$BOX_NAME" "$(cat "$TEST_TMP/out")"
	assertEquals "nothing on stderr" "" "$(cat "$TEST_TMP/err")"
	assertEquals "status in the record" running "$(record_get "$BOX_NAME" status)"
	assertEquals "PID 1 is boxinit" boxinit "$(cat "/proc/$PID1/comm")"
	# The monitor: launch, out of the caller's session, stdio on /dev/null and the log.
	monitor=$(record_get "$BOX_NAME" monitor pid)
	assertEquals "the monitor is PID 1's parent" "$monitor" "$(proc_status_field "$PID1" PPid)"
	assertEquals "the monitor leads its own session" "$monitor" \
		"$(awk '{ print $6 }' "/proc/$monitor/stat" | tail -n 1)"
	assertEquals "the monitor's stdin" /dev/null "$(readlink "/proc/$monitor/fd/0")"
	wait_until 5 file_has "/var/log/box/$BOX_NAME.log" 'stdout F \[tick\] tick up' ||
		fail "the service's line is not in the log"
	box_cmd stop "$BOX_NAME"
	assertEquals "stop (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "stop says how it ended" "$BOX_NAME: exited with 0" "$(cat "$TEST_TMP/out")"
	# Everything is gone before stop hears of the end; the monitor's own exit comes after.
	assertFalse "the record is gone" "[ -e /run/box/containers/$BOX_NAME ]"
	wait_until 10 proc_dead "$monitor"
	assertTrue "the monitor is gone" $?
	assertFalse "the log is gone" "[ -e /var/log/box/$BOX_NAME.log ]"
}

test_detach_failure_is_reported_by_the_call()
{
	require_root || return 0
	box_detach -- /no/such/command
	assertEquals "as in the foreground: not found" 127 "$BOX_RC"
	assertEquals "one line (stderr: $(cat "$TEST_TMP/err"))" 1 "$(wc -l <"$TEST_TMP/err")"
	assertEquals "no name printed" "" "$(cat "$TEST_TMP/out")"
	assertFalse "no record" "[ -e /run/box/containers/$BOX_NAME ]"
	# With a service beside it, the command that cannot run is still a failed start: it
	# was left waiting for a "started" that never came, the service running.
	box_detach --service 'web=sleep 1000' -- /no/such/command
	assertEquals "with a service: not found" 127 "$BOX_RC"
	assertEquals "no name printed" "" "$(cat "$TEST_TMP/out")"
	assertFalse "no record when the call returns" "[ -e /run/box/containers/$BOX_NAME ]"
	assertTrue "no new cgroup when the call returns" _bt_no_new_cgroups
	assertTrue "the service went with it" _bt_no_rootfs_procs
	box_detach --memory 1x -- true
	assert_launch_error "a bad option"
}

# The launch that waits for "started" blocked every signal (as its monitor does, to read
# them): Ctrl-C, a hangup or a timeout's SIGTERM did nothing to it. It now dies of them,
# and its monitor, told by the kernel, takes the container along. Held waiting by a
# service that never becomes ready (the command starts after it).
test_a_waiting_detach_dies_of_the_callers_signal_and_takes_the_container()
{
	require_root || return 0
	local name pid rc
	name=$(bt_name)
	printf '[slow]\ncommand = sleep 1000\nready-command = false\nready-interval = 0.5\n' \
		>"$TEST_TMP/slow.conf"
	on_teardown "$LAUNCH" rm -f "$name"
	"$LAUNCH" -d --name "$name" --cgroup-parent "$BOX_TEST_CGROUP_PARENT" -c "$TEST_TMP/slow.conf" \
		"$BOX_ROOTFS" -- sleep 300 </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	pid=$!
	track_pid "$pid"
	wait_until 10 eval '[ -n "$(record_get "$name" pid1 pid)" ]' ||
		fail "no container being set up: $(cat "$TEST_TMP/err")"
	sleep 1
	assertTrue "the caller still waits" "proc_alive $pid"
	kill -TERM "$pid"
	assertTrue "the caller died of it" "wait_until 10 eval '! proc_alive $pid'"
	proc_alive "$pid" && return 0
	wait "$pid"
	rc=$?
	assertEquals "killed by SIGTERM" 143 "$rc"
	assertEquals "no name printed" "" "$(cat "$TEST_TMP/out")"
	assertTrue "the container went with its caller" \
		"wait_until 15 eval '[ ! -e /run/box/containers/$name ]'"
	assertTrue "no container process left" "wait_until 10 _bt_no_rootfs_procs"
	assertTrue "no new cgroup left" "wait_until 10 _bt_no_new_cgroups"
}

# The freezer file of cgroup PATH (v1 freezer.state FROZEN/THAWED, v2 cgroup.freeze 1/0).
_freeze()
{
	if [ -e "/sys/fs/cgroup/freezer$1/freezer.state" ]; then
		local state=THAWED
		[ "$2" = 1 ] && state=FROZEN
		echo "$state" >"/sys/fs/cgroup/freezer$1/freezer.state"
	else
		echo "$2" >"/sys/fs/cgroup$1/cgroup.freeze"
	fi
}

_rmdir_cgroup()
{
	local d
	for d in "/sys/fs/cgroup$1" /sys/fs/cgroup/*"$1"; do
		[ -d "$d" ] && rmdir "$d"
	done
	return 0
}

# Found by the soak (make soak): a `launch -d` killed before it printed the name (the
# container's set-up not finished) left the container running, with nobody knowing its name.
# Its monitor now gets SIGTERM when the waiting launch dies before the command has started.
# The set-up is held open by a frozen cgroup parent: the container's first process is frozen
# as it joins its cgroup, so it never reports started until the parent thaws.
test_detach_killed_before_started_takes_the_container_with_it()
{
	require_root || return 0
	local parent=$BOX_TEST_CGROUP_PARENT/$BT_PREFIX-frozen d pid name
	name=$(bt_name)
	# v1: the freezer hierarchy; v2: the unified one.
	d=/sys/fs/cgroup$parent
	[ -d /sys/fs/cgroup/freezer ] && d=/sys/fs/cgroup/freezer$parent
	mkdir -p "$d" || fail "mkdir $d"
	on_teardown _rmdir_cgroup "$parent"
	on_teardown _freeze "$parent" 0
	_freeze "$parent" 1 || {
		skip_test "no freezer for $parent"
		return 0
	}
	"$LAUNCH" -d --name "$name" --cgroup-parent "$parent" "$BOX_ROOTFS" -- sleep 300 \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	pid=$!
	track_pid "$pid"
	on_teardown "$LAUNCH" rm -f "$name"
	wait_until 10 eval '[ -n "$(record_get "$name" pid1 pid)" ]' ||
		fail "no container being set up: $(cat "$TEST_TMP/err")"
	assertTrue "the caller still waits" "proc_alive $pid"
	assertEquals "no name printed yet" "" "$(cat "$TEST_TMP/out")"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	_freeze "$parent" 0
	assertTrue "the container went with its caller" \
		"wait_until 15 eval '[ ! -e /run/box/containers/$name ]'"
	assertTrue "no container process left" "wait_until 10 _bt_no_rootfs_procs"
}

test_list_shows_running_containers_and_json_parses()
{
	require_root || return 0
	local first
	start_web || return 0
	first=$BOX_NAME
	box_detach --keep -- sh -c 'exit 3' || return 0
	wait_until 10 eval '[ "$(record_get "$BOX_NAME" status)" = stopped ]' ||
		fail "the kept container did not stop"
	box_cmd list
	assertEquals "list" 0 "$BOX_RC"
	assertTrue "header" "head -n 1 '$TEST_TMP/out' | grep -q '^NAME .*STATUS .*PID .*UPTIME .*ADDRESS .*PORTS .*ROOTFS .*LIMITS'"
	assertTrue "the running one: $(cat "$TEST_TMP/out")" \
		"grep -qE '^$first +running +$PID1 ' '$TEST_TMP/out'"
	assertTrue "its limits" "grep -E '^$first ' '$TEST_TMP/out' | grep -q 'memory=64M pids=50'"
	assertFalse "not the stopped one" "grep -q '^$BOX_NAME ' '$TEST_TMP/out'"
	box_cmd list --all --json
	assertEquals "list --all --json" 0 "$BOX_RC"
	assertEquals "running entry" "running $PID1 67108864" \
		"$(json_eval "' '.join(str(x) for x in next([e['status'], e['pid'], e['limits']['memory']] for e in j if e['name'] == '$first'))" <"$TEST_TMP/out")"
	assertEquals "kept entry" "stopped 3" \
		"$(json_eval "' '.join(str(x) for x in next([e['status'], e['exit_code']] for e in j if e['name'] == '$BOX_NAME'))" <"$TEST_TMP/out")"
	box_cmd list --all
	assertTrue "the kept one with its status" "grep -qE '^$BOX_NAME +exited \\(3\\)' '$TEST_TMP/out'"
	box_cmd rm "$BOX_NAME"
	assertEquals "rm" 0 "$BOX_RC"
	box_cmd stop "$first"
}

test_ps_lists_processes_with_pids_user_and_service()
{
	require_root || return 0
	local httpd
	start_web || return 0
	box_cmd exec -d -u 65534 "$BOX_NAME" sleep 300
	assertEquals "exec -d (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	# tick's loop runs a new `sleep 1` each second: ps again until one is there (a slow
	# machine can be between two).
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		box_cmd ps --json "$BOX_NAME"
		grep -q '"sleep 1"' "$TEST_TMP/out" && break
		sleep 0.2
	done
	assertEquals "ps --json (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "PID 1" "1 $PID1 root None" \
		"$(json_eval "' '.join(str(x) for x in [[e['inside'], e['pid'], e['user'], e['service']] for e in j if e['inside'] == 1][0])" <"$TEST_TMP/out")"
	httpd=$(json_eval "[e['pid'] for e in j if e['command'].startswith('httpd')][0]" <"$TEST_TMP/out")
	assertEquals "httpd belongs to web" web \
		"$(json_eval "[e['service'] for e in j if e['pid'] == $httpd][0]" <"$TEST_TMP/out")"
	assertEquals "its pid inside" "$(awk '/^NSpid:/ { print $NF }' "/proc/$httpd/status")" \
		"$(json_eval "[e['inside'] for e in j if e['pid'] == $httpd][0]" <"$TEST_TMP/out")"
	assertEquals "the exec'd sleep: user from the container's passwd" "nobody" \
		"$(json_eval "[e['user'] for e in j if e['command'] == 'sleep 300'][0]" <"$TEST_TMP/out")"
	assertEquals "a shell loop's sleep belongs to tick" tick \
		"$(json_eval "sorted(set(e['service'] for e in j if e['command'] == 'sleep 1'))[0]" <"$TEST_TMP/out")"
	box_cmd ps "$BOX_NAME"
	assertTrue "table header" "head -n 1 '$TEST_TMP/out' | grep -qE '^PID +INSIDE +USER +SERVICE +COMMAND'"
	assertTrue "table row" "grep -qE '^$httpd +[0-9]+ +root +web +httpd -f -p 8080' '$TEST_TMP/out'"
	box_cmd stop "$BOX_NAME"
}

test_stats_reads_the_cgroup_live()
{
	require_root || return 0
	start_web --service 'spin=sh -c "while :; do :; done"' || return 0
	box_cmd stats --json "$BOX_NAME"
	assertEquals "stats --json (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "limits" "67108864 50" \
		"$(json_eval "'%d %d' % (j[0]['memory']['limit'], j[0]['pids']['limit'])" <"$TEST_TMP/out")"
	assertEquals "pids current (boxinit, httpd, 2 shells, sleep)" True \
		"$(json_eval "j[0]['pids']['current'] >= 4" <"$TEST_TMP/out")"
	assertEquals "memory current below the limit, above 0" True \
		"$(json_eval "0 < j[0]['memory']['current'] < 67108864" <"$TEST_TMP/out")"
	assertEquals "a busy loop shows as CPU use" True \
		"$(json_eval "j[0]['cpu_percent'] > 5" <"$TEST_TMP/out")"
	assertEquals "no OOM kill" 0 "$(json_eval "j[0]['oom_kills']" <"$TEST_TMP/out")"
	# --interval 0: one reading, no CPU %, the CPU time so far, which the busy loop grows.
	box_cmd stats --json --interval 0 "$BOX_NAME"
	assertEquals "stats --interval 0 (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "no CPU % without a sample" None "$(json_eval "j[0]['cpu_percent']" <"$TEST_TMP/out")"
	local usec
	usec=$(json_eval "j[0]['cpu_usec']" <"$TEST_TMP/out")
	assertTrue "CPU time so far: '$usec'" "[ '$usec' -gt 0 ]"
	box_cmd stats --json -i 0.5 "$BOX_NAME"
	assertEquals "the busy loop's CPU time grew" True \
		"$(json_eval "j[0]['cpu_usec'] > $usec and j[0]['cpu_percent'] > 5" <"$TEST_TMP/out")"
	box_cmd stats --watch --interval 0 "$BOX_NAME"
	assertEquals "--watch with --interval 0" \
		"125 launch: invalid value '0' for --interval with --watch: a redraw needs time" \
		"$BOX_RC $(cat "$TEST_TMP/err")"
	box_cmd stats
	assertTrue "table header" "head -n 1 '$TEST_TMP/out' | grep -q '^NAME .*CPU % .*MEM USAGE / LIMIT'"
	assertTrue "its row" "grep -qE '^$BOX_NAME +[0-9.]+% +[0-9.]+ [KM]iB / 64.0 MiB' '$TEST_TMP/out'"
	# --watch: a sample a line (--json) until the container ends.
	timeout 30 "$LAUNCH" stats --watch --json "$BOX_NAME" >"$TEST_TMP/watch" 2>&1 &
	track_pid $!
	local watcher=$!
	wait_until 10 eval '[ "$(wc -l <"$TEST_TMP/watch")" -ge 2 ]' || fail "no second sample"
	box_cmd stop -t 2 "$BOX_NAME"
	wait_until 10 proc_dead "$watcher" || fail "--watch did not end with the container"
	wait "$watcher"
	assertEquals "--watch exit status" 0 $?
	assertEquals "every line is a JSON array" "" \
		"$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    assert isinstance(json.loads(l), list)' "$TEST_TMP/watch" 2>&1)"
}

# Forty containers: enough that stats reads them on every CPU (cmd_stats.c, PARALLEL_MIN).
# Each shows once, with its own limit, read from its own cgroup.
test_stats_reads_many_containers_at_once()
{
	require_root || return 0
	local names=() i
	for i in $(seq 1 40); do
		box_detach --pids-limit $((100 + i)) -- sleep 300
		assertEquals "start $i (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC" || return
		names+=("$BOX_NAME")
	done
	box_cmd stats --json --interval 0
	assertEquals "stats (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "each once, its own limit, its own sleep" "" "$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
for i, name in enumerate(sys.argv[2:], 1):
    e = [x for x in j if x["name"] == name]
    if len(e) != 1 or e[0]["pids"]["limit"] != 100 + i or e[0]["pids"]["current"] < 2 or \
            e[0]["memory"]["current"] <= 0:
        print(name, e)' "$TEST_TMP/out" "${names[@]}")"
	box_cmd stop -t 1 "${names[@]}"
	assertEquals "stop" 0 "$BOX_RC"
}

# A record written by an older launch held its configuration (now config.json, apart):
# exec, list and stop still read it.
test_a_record_that_holds_its_configuration_still_serves()
{
	require_root || return 0
	box_detach --pids-limit 42 --env FOO=bar --grace 1 -- sleep 300 || return 0
	assertEquals "start (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	python3 -c 'import json, os, sys
d = sys.argv[1]
s = json.load(open(d + "/state.json"))
s["config"] = json.load(open(d + "/config.json"))
del s["limits"]
with open(d + "/state.json.tmp", "w") as f:
    json.dump(s, f)
os.rename(d + "/state.json.tmp", d + "/state.json")
os.unlink(d + "/config.json")' "$BOX_RECORDS/$BOX_NAME"
	box_cmd exec "$BOX_NAME" sh -c 'echo $FOO'
	assertEquals "exec sees the environment (stderr: $(cat "$TEST_TMP/err"))" "0 bar" \
		"$BOX_RC $(cat "$TEST_TMP/out")"
	box_cmd list
	assertTrue "list shows its limit: $(cat "$TEST_TMP/out")" \
		"grep -qE '^$BOX_NAME +running .*pids=42' '$TEST_TMP/out'"
	box_cmd stop "$BOX_NAME"
	assertEquals "stop" 0 "$BOX_RC"
}

test_exec_status_env_workdir_and_user()
{
	require_root || return 0
	start_web -e FROM_LAUNCH=1 || return 0
	box_cmd exec "$BOX_NAME" sh -c 'echo out; echo err >&2; exit 3'
	assertEquals "exit status passes through" 3 "$BOX_RC"
	assertEquals "stdout" out "$(cat "$TEST_TMP/out")"
	assertEquals "stderr" err "$(cat "$TEST_TMP/err")"
	box_cmd exec -e FOO=bar -w /etc "$BOX_NAME" sh -c 'echo $FOO $FROM_LAUNCH $(pwd) $HOSTNAME'
	assertEquals "env, the container's env, workdir" "bar 1 /etc $BOX_NAME" "$(cat "$TEST_TMP/out")"
	box_cmd exec -u 65534:65534 "$BOX_NAME" sh -c 'id -u; id -g; id -G; grep CapEff /proc/self/status'
	assertEquals "user" "65534 65534 65534 CapEff:	0000000000000000" "$(tr '\n' ' ' <"$TEST_TMP/out" | sed 's/ $//')"
	box_cmd exec "$BOX_NAME" sh -c 'kill -9 $$'
	assertEquals "killed by signal 9" 137 "$BOX_RC"
	box_cmd exec "$BOX_NAME" no-such-command
	assertEquals "not found" 127 "$BOX_RC"
	assertEquals "one line" 1 "$(wc -l <"$TEST_TMP/err")"
	box_cmd exec "$BOX_NAME" /etc
	assertEquals "not executable" 126 "$BOX_RC"
	box_cmd exec -w /no/such "$BOX_NAME" true
	assert_launch_error "a missing workdir"
	STDIN=/etc/hostname box_cmd exec -i "$BOX_NAME" cat
	assertEquals "-i: stdin reaches the command" "$(cat /etc/hostname)" "$(cat "$TEST_TMP/out")"
	STDIN=/etc/hostname box_cmd exec "$BOX_NAME" cat
	assertEquals "without -i: stdin is empty" "" "$(cat "$TEST_TMP/out")"
	box_cmd exec nosuchcontainer true
	assert_launch_error "an unknown container"
	assertEquals "names it" "launch: no container 'nosuchcontainer'" "$(cat "$TEST_TMP/err")"
	box_cmd stop "$BOX_NAME"
}

test_exec_is_confined_like_the_containers_processes()
{
	require_root || return 0
	local tick pid ns
	start_web --cap-drop NET_RAW,CHOWN --no-new-privileges || return 0
	box_cmd exec -d "$BOX_NAME" sleep 300
	assertEquals "exec -d returns at once" 0 "$BOX_RC"
	assertEquals "prints nothing" "" "$(cat "$TEST_TMP/out")"
	pid=$(container_sleep)
	[ -n "$pid" ] || { fail "no sleep 300 in the container"; return 0; }
	assertEquals "adopted by the container's PID 1" "$PID1" "$(proc_status_field "$pid" PPid)"
	tick=$(pgrep -f -P "$PID1" '^sh -c trap' | head -n 1)
	for f in CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs Seccomp Seccomp_filters Uid Gid; do
		assertEquals "$f as the container's service" "$(proc_status_field "$tick" "$f")" \
			"$(proc_status_field "$pid" "$f")"
	done
	for ns in mnt uts ipc net pid cgroup; do
		assertEquals "$ns namespace" "$(readlink "/proc/$PID1/ns/$ns")" "$(readlink "/proc/$pid/ns/$ns")"
	done
	assertEquals "the container's cgroup" "$(cat "/proc/$PID1/cgroup")" "$(cat "/proc/$pid/cgroup")"
	assertEquals "the container's root" "$(stat -Lc %d:%i "/proc/$PID1/root")" \
		"$(stat -Lc %d:%i "/proc/$pid/root")"
	box_cmd stop "$BOX_NAME"
	assertTrue "the exec'd process ended with the container" "proc_dead $pid"
}

# The host pid of the container's "sleep 300", from launch ps.
container_sleep()
{
	"$LAUNCH" ps --json "$BOX_NAME" |
		json_eval "next(e['pid'] for e in j if e['command'] == 'sleep 300')" 2>/dev/null
}

test_exec_tty_is_a_terminal_of_the_container()
{
	require_root || return 0
	start_web || return 0
	PTY_OPTS=(--size 30x100)
	PTY_STEPS=('expect=# ' 'send=tty; stty size\n' 'expect=30 100' 'send=sleep 30\n'
		'sleep=0.5' 'send=\x03' 'expect=# ' 'modes' 'size=40x120' 'send=stty size\n'
		'expect=40 120' 'send=exit 7\n')
	pty_raw "$LAUNCH" exec -it "$BOX_NAME" sh
	assertEquals "ptydrive (log: $(pty_log))" 0 "$PTY_RC"
	assertEquals "exit status" status=7 "$(grep '^status=' "$TEST_TMP/pty.out")"
	assertEquals "raw while it ran" raw=1 "$(grep '^raw=' "$TEST_TMP/pty.out")"
	assertEquals "modes restored" modes_same=1 "$(grep '^modes_same=' "$TEST_TMP/pty.out")"
	assertTrue "a pty of the container's devpts: $(pty_log)" "pty_log | grep -q '^/dev/pts/[0-9]'"
	box_cmd stop "$BOX_NAME"
}

test_exec_into_a_stopping_or_stopped_container_fails()
{
	require_root || return 0
	local pid1
	# A service that ignores SIGTERM keeps the container stopping for its grace.
	box_detach --grace 30 --keep --service 'deaf=sh -c "trap \"\" TERM; while :; do sleep 1; done"' -- ||
		return 0
	pid1=$(record_get "$BOX_NAME" pid1 pid)
	wait_until 20 children_handle_term "$pid1" ||
		fail "the service never set its trap"
	# A grace far longer than the checks take, however loaded the machine; then SIGKILL.
	"$LAUNCH" stop -t 120 "$BOX_NAME" >/dev/null 2>&1 &
	track_pid $!
	wait_until 20 eval '[ "$(record_get "$BOX_NAME" status)" = stopping ]' ||
		fail "never stopping: $(record_get "$BOX_NAME" status)"
	box_cmd exec "$BOX_NAME" true
	assert_launch_error "exec while stopping"
	assertTrue "says so: $(cat "$TEST_TMP/err")" "grep -q 'is not running (stopping)' '$TEST_TMP/err'"
	# A signal is how a stop's grace is cut short: kill takes a stopping container.
	box_cmd kill -s KILL "$BOX_NAME"
	assertEquals "kill while stopping (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	wait_until 30 eval '[ "$(record_get "$BOX_NAME" status)" = stopped ]' || fail "never stopped"
	box_cmd exec "$BOX_NAME" true
	assert_launch_error "exec once stopped"
	box_cmd rm "$BOX_NAME"
}

test_logs_tail_since_follow_and_rotation()
{
	require_root || return 0
	box_detach --log-max-size 4k -- sh -c 'i=0; while [ $i -lt 200 ]; do i=$((i+1)); echo "line $i of a log that rotates at four kilobytes"; [ $((i % 20)) = 0 ] && sleep 0.2; done; echo bye >&2; sleep 1' ||
		return 0
	timeout 60 "$LAUNCH" logs -f "$BOX_NAME" >"$TEST_TMP/follow" 2>"$TEST_TMP/follow.err" &
	local follower=$!
	track_pid $follower
	wait_until 30 proc_dead "$follower" || fail "logs -f did not end with the container"
	wait "$follower"
	assertEquals "logs -f exit status" 0 $?
	assertEquals "every line, in order, across rotations" \
		"$(seq 1 200 | sed 's/.*/line & of a log that rotates at four kilobytes/')" \
		"$(cat "$TEST_TMP/follow")"
	assertEquals "stderr records to stderr" bye "$(cat "$TEST_TMP/follow.err")"
}

test_logs_of_a_kept_container_and_rm()
{
	require_root || return 0
	box_detach --keep --log-max-size 2k -- sh -c 'for i in $(seq 1 100); do echo "entry $i"; done; sleep 2; echo late; exit 4' ||
		return 0
	box_cmd wait "$BOX_NAME"
	assertEquals "wait: the container's status" 4 "$BOX_RC"
	assertTrue "rotated once" "[ -s /var/log/box/$BOX_NAME.log.1 ]"
	box_cmd logs --tail 2 "$BOX_NAME"
	assertEquals "--tail" "entry 100 late" "$(tr '\n' ' ' <"$TEST_TMP/out" | sed 's/ $//')"
	box_cmd logs --since 1s "$BOX_NAME"
	assertEquals "--since" "" "$(grep -v '^late$' "$TEST_TMP/out")"
	box_cmd logs "$BOX_NAME"
	assertEquals "the last line" late "$(tail -n 1 "$TEST_TMP/out")"
	box_cmd rm "$BOX_NAME"
	assertEquals "rm" 0 "$BOX_RC"
	assertFalse "the log went" "[ -e /var/log/box/$BOX_NAME.log ] || [ -e /var/log/box/$BOX_NAME.log.1 ]"
	box_cmd logs "$BOX_NAME"
	assert_launch_error "logs of a removed container"
}

# Found by the soak (make soak): rm -f of a running container that was not kept killed it,
# then failed (125, "No such file or directory") on the record its monitor had just removed.
test_rm_force_of_a_running_container_succeeds_and_leaves_nothing()
{
	require_root || return 0
	box_detach -- sleep 600 || return 0
	assertEquals "launch -d: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	local pid1
	pid1=$(record_get "$BOX_NAME" pid1 pid)
	box_cmd rm -f "$BOX_NAME"
	assertEquals "rm -f's status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "rm -f says nothing" "" "$(cat "$TEST_TMP/err")"
	assertTrue "its PID 1 is gone" "proc_dead '${pid1:-0}'"
	assertFalse "its record is gone" "[ -e '$BOX_RECORDS/$BOX_NAME' ]"
	assertFalse "its log is gone" "[ -e '/var/log/box/$BOX_NAME.log' ]"
}

test_service_control()
{
	require_root || return 0
	local pid
	start_web || return 0
	box_cmd service "$BOX_NAME" --json
	assertEquals "service --json (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "both run" "running running" \
		"$(json_eval "' '.join(s['state'] for s in j['services'])" <"$TEST_TMP/out")"
	pid=$(json_eval "[s['pid'] for s in j['services'] if s['name'] == 'tick'][0]" <"$TEST_TMP/out")
	box_cmd service "$BOX_NAME" restart tick
	assertEquals "restart" 0 "$BOX_RC"
	box_cmd service "$BOX_NAME" status tick --json
	assertEquals "restarted once, new pid" "running 1 True" \
		"$(json_eval "'%s %d %s' % (j['services'][0]['state'], j['services'][0]['restarts'], j['services'][0]['pid'] != $pid)" <"$TEST_TMP/out")"
	wait_until 5 eval '[ "$(grep -c "tick stops" "/var/log/box/$BOX_NAME.log")" = 1 ]' ||
		fail "tick did not stop on SIGTERM"
	box_cmd service "$BOX_NAME" stop web
	assertEquals "stop" 0 "$BOX_RC"
	box_cmd service "$BOX_NAME"
	assertTrue "table: web stopped: $(cat "$TEST_TMP/out")" "grep -qE '^web +stopped +- ' '$TEST_TMP/out'"
	assertFalse "httpd is gone" "box_cmd exec '$BOX_NAME' pidof httpd"
	box_cmd service "$BOX_NAME" start web
	assertTrue "httpd again" "wait_until 5 eval '\"$LAUNCH\" exec $BOX_NAME pidof httpd >/dev/null'"
	box_cmd service "$BOX_NAME" signal USR1 tick
	assertEquals "signal" 0 "$BOX_RC"
	box_cmd service "$BOX_NAME" restart nope
	assert_launch_error "an unknown service"
	box_cmd service "$BOX_NAME" reload web
	assert_launch_error "an unknown action"
	# Root in the container only: the socket is 0600 root, and uid 65534 cannot connect.
	box_cmd exec "$BOX_NAME" stat -c '%a %u %F' /dev/boxinit.sock
	assertEquals "the socket" "600 0 socket" "$(cat "$TEST_TMP/out")"
	box_cmd exec -u 65534 "$BOX_NAME" probe connect-unix /dev/boxinit.sock
	assertEquals "another user cannot connect" connect=EACCES "$(grep '^connect=' "$TEST_TMP/out")"
	box_cmd stop "$BOX_NAME"
	box_detach -- sleep 100
	box_cmd service "$BOX_NAME"
	assert_launch_error "a container without services"
	box_cmd stop -t 1 "$BOX_NAME"
}

# Whether process $1 is blocked in poll(2) on one descriptor with no timeout: what
# `launch wait` does once it has asked the monitor, and only then.
waits_on_the_monitor()
{
	local nr nfds timeout
	[ -n "$1" ] || return 1
	read -r nr _ nfds timeout _ <"/proc/$1/syscall" 2>/dev/null || return 1
	# poll's timeout is an int: only the register's low 32 bits are it (musl sign-extends -1,
	# glibc leaves the upper half 0).
	[ "$nr" = 7 ] && [ "$nfds" = 0x1 ] && [ $((timeout & 0xffffffff)) = $((0xffffffff)) ]
}

test_stop_kill_and_wait()
{
	require_root || return 0
	local waiter child pid1
	box_detach -- sh -c 'trap "exit 5" TERM; while :; do sleep 1 & wait $!; done' || return 0
	# Started means exec'd, not that the shell has set its trap yet: stop once it has.
	pid1=$(record_get "$BOX_NAME" pid1 pid)
	wait_until 20 children_handle_term "$pid1" ||
		fail "the command never set its TERM trap"
	box_cmd stop -t 10 "$BOX_NAME"
	assertEquals "stop prints the status" "$BOX_NAME: exited with 5" "$(cat "$TEST_TMP/out")"
	box_detach -- sleep 300 || return 0
	timeout 30 "$LAUNCH" wait "$BOX_NAME" &
	waiter=$!
	track_pid $waiter
	# Asked and waiting: `launch wait` (timeout's child) blocks in poll on the monitor's socket.
	# (The children file ends without a newline: read says 1 and still sets child.)
	wait_until 20 eval 'read -r child _ <"/proc/$waiter/task/$waiter/children";
		waits_on_the_monitor "$child"' ||
		fail "launch wait never waited on the monitor"
	box_cmd kill -s KILL "$BOX_NAME"
	assertEquals "kill" 0 "$BOX_RC"
	wait "$waiter"
	assertEquals "wait: killed by signal 9" 137 $?
	box_cmd kill -s NOSIG x
	assert_launch_error "a bad signal"
	box_cmd stop "$BOX_NAME"
	assert_launch_error "stop of a container that ended"
}

test_twenty_containers_listed_and_stopped_together()
{
	require_root || return 0
	local names=() i
	for i in $(seq 1 20); do
		box_detach -- sleep 300 || return 0
		[ "$BOX_RC" = 0 ] || { fail "container $i: $(cat "$TEST_TMP/err")"; return 0; }
		names+=("$BOX_NAME")
	done
	box_cmd list --json
	assertEquals "all 20 listed, running" 20 \
		"$(json_eval "len([e for e in j if e['name'].startswith('$BT_PREFIX-') and e['status'] == 'running'])" <"$TEST_TMP/out")"
	BT_TIMEOUT=120 box_cmd stop -t 2 "${names[@]}"
	assertEquals "stop of 20 (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "20 stopped" 20 "$(grep -c ': exited with' "$TEST_TMP/out")"
	box_cmd list --all --json
	assertEquals "none left" 0 \
		"$(json_eval "len([e for e in j if e['name'].startswith('$BT_PREFIX-')])" <"$TEST_TMP/out")"
}

# One stop of several containers asks them all before it waits for any: each gets its TERM
# at once, not after the grace of the ones before it (60 s here, past the wait's bound).
test_stop_of_several_containers_stops_them_side_by_side()
{
	require_root || return 0
	local names=() stopper i pid1
	for i in 1 2 3; do
		box_detach --grace 60 -- sh -c 'trap "echo got TERM" TERM; while :; do sleep 1 & wait $!; done' ||
			return 0
		names+=("$BOX_NAME")
		pid1=$(record_get "$BOX_NAME" pid1 pid)
		wait_until 20 children_handle_term "$pid1" ||
			fail "container $i never set its TERM trap"
	done
	"$LAUNCH" stop -t 60 "${names[@]}" >"$TEST_TMP/stop.out" 2>"$TEST_TMP/stop.err" &
	stopper=$!
	track_pid $stopper
	for i in 0 1 2; do
		wait_until 20 grep -q 'got TERM$' "/var/log/box/${names[$i]}.log" ||
			fail "container $((i + 1)) got no TERM while the others' grace ran"
	done
	box_cmd kill -s KILL "${names[@]}"
	assertEquals "kill (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	wait "$stopper"
	assertEquals "stop (stderr: $(cat "$TEST_TMP/stop.err"))" 0 $?
	assertEquals "one line per container, in the order given" \
		"$(printf '%s: exited with 137\n' "${names[@]}")" "$(cat "$TEST_TMP/stop.out")"
}

# stop -t GRACE is the grace, longer or shorter than the container's --grace: boxinit gets
# it with the request (it once applied --grace to the SIGTERM and killed at 1 s here). The
# commands take 3 s over their TERM, then exit on their own.
test_stop_grace_replaces_the_containers_grace()
{
	require_root || return 0
	local pid1
	box_detach --grace 1 -- sh -c 'trap "sleep 3; exit 7" TERM; while :; do sleep 1 & wait $!; done' ||
		return 0
	pid1=$(record_get "$BOX_NAME" pid1 pid)
	wait_until 20 children_handle_term "$pid1" ||
		fail "the command never set its TERM trap"
	box_cmd stop -t 60 "$BOX_NAME"
	assertEquals "stop -t 60 of a --grace 1 container (stderr: $(cat "$TEST_TMP/err"))" \
		"$BOX_NAME: exited with 7" "$(cat "$TEST_TMP/out")"
	# With services, the ordered stop: the main command, then the service, both in time.
	box_detach --keep --grace 1 --service "$(svc tick)" -- \
		sh -c 'trap "sleep 3; exit 5" TERM; while :; do sleep 1 & wait $!; done' || return 0
	pid1=$(record_get "$BOX_NAME" pid1 pid)
	wait_until 20 grep -q '^.* stdout F \[tick\] tick up$' "/var/log/box/$BOX_NAME.log" ||
		fail "tick never came up"
	wait_until 20 children_handle_term "$pid1" || fail "the commands never set their TERM traps"
	box_cmd stop -t 60 "$BOX_NAME"
	assertEquals "stop -t 60 with services (stderr: $(cat "$TEST_TMP/err"))" \
		"$BOX_NAME: exited with 5" "$(cat "$TEST_TMP/out")"
	assertTrue "the service stopped in order: $(tail -3 "/var/log/box/$BOX_NAME.log")" \
		"grep -q '\[tick\] tick stops$' '/var/log/box/$BOX_NAME.log'"
	box_cmd rm "$BOX_NAME"
}

test_two_launches_racing_for_one_name()
{
	require_root || return 0
	local name i rc1 rc2 winner
	name=$(bt_name)
	on_teardown "$LAUNCH" rm -f "$name"
	for i in 1 2; do
		timeout 30 "$LAUNCH" -d --name "$name" --cgroup-parent "$BOX_TEST_CGROUP_PARENT" \
			"$BOX_ROOTFS" -- sleep 300 >"$TEST_TMP/out$i" 2>"$TEST_TMP/err$i" &
		eval "p$i=\$!"
	done
	wait "$p1"
	rc1=$?
	wait "$p2"
	rc2=$?
	assertEquals "one wins, one gets 125" "0 125" "$(printf '%s\n' $rc1 $rc2 | sort -n | tr '\n' ' ' | sed 's/ $//')"
	[ "$rc1" = 125 ] && i=1 || i=2
	assertEquals "one line for the loser" 1 "$(wc -l <"$TEST_TMP/err$i")"
	assertTrue "naming the name: $(cat "$TEST_TMP/err$i")" \
		"grep -q \"name '$name' is already in use\" '$TEST_TMP/err$i'"
	winner=$(record_get "$name" pid1 pid)
	assertEquals "the winner runs, untouched" boxinit "$(cat "/proc/$winner/comm")"
	box_cmd exec "$name" true
	assertEquals "and answers" 0 "$BOX_RC"
	box_cmd stop -t 1 "$name"
}

test_killed_monitor_is_cleaned_by_the_next_command()
{
	require_root || return 0
	local monitor cg
	box_detach --net veth -- sleep 300 || return 0
	assertEquals "detached (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	monitor=$(record_get "$BOX_NAME" monitor pid)
	veth=$(record_get "$BOX_NAME" net ifname)
	assertNotEquals "a host veth" "" "$veth"
	kill -KILL "$monitor"
	wait_until 5 proc_dead "$(record_get "$BOX_NAME" pid1 pid)" ||
		fail "PID 1 outlived its monitor"
	assertTrue "the record outlives them" "[ -e /run/box/containers/$BOX_NAME/state.json ]"
	box_cmd list
	assertEquals "list" 0 "$BOX_RC"
	assertFalse "not listed" "grep -q '^$BOX_NAME ' '$TEST_TMP/out'"
	assertFalse "the record is gone" "[ -e /run/box/containers/$BOX_NAME ]"
	assertFalse "the veth is gone" "ip link show '$veth' >/dev/null 2>&1"
	for cg in $(_box_test_cgroups); do
		case $cg in */"$BOX_NAME") fail "cgroup left: $cg" ;; esac
	done
}

test_commands_find_dead_records_without_opening_live_ones()
{
	require_root || return 0
	local dir ino dead
	box_detach -- sleep 300 || return 0
	assertEquals "detached (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	dir=/run/box/containers/$BOX_NAME
	ino=$(stat -c %i "$dir")
	# The monitor holds a shared flock on its record's directory, seen in /proc/locks ...
	assertTrue "the directory's flock in /proc/locks: $(cat /proc/locks)" \
		"grep -Eq '^[0-9]+: FLOCK +ADVISORY +READ +[0-9]+ [0-9a-f]+:[0-9a-f]+:$ino ' /proc/locks"
	# ... so a command looking for dead records (every command does, first) leaves this
	# one alone, while a dead one beside it is still taken: a record whose lock nobody holds.
	dead=$(bt_name)
	mkdir "/run/box/containers/$dead"
	: >"/run/box/containers/$dead/lock"
	# (LeakSanitizer cannot run under ptrace: the ASan build is traced without it.)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=open,openat -o "$TEST_TMP/trace" "$LAUNCH" ps "$dead-none" \
		>/dev/null 2>&1
	assertFalse "the live record's lock was not opened: $(grep -F "$BOX_NAME/" "$TEST_TMP/trace")" \
		"grep -qF '$dir/lock' '$TEST_TMP/trace'"
	assertTrue "the dead one's was: $(cat "$TEST_TMP/trace")" \
		"grep -qF '/run/box/containers/$dead/lock' '$TEST_TMP/trace'"
	assertFalse "and it is gone" "[ -e '/run/box/containers/$dead' ]"
	box_cmd exec "$BOX_NAME" true
	assertEquals "the live one still answers" 0 "$BOX_RC"
	box_cmd stop -t 1 "$BOX_NAME"
}

# A kept container that stopped is final: later commands pass its record by (a stat, no
# lock, no read), where they once read every kept record at every command.
test_commands_pass_kept_stopped_records_by()
{
	require_root || return 0
	local kept=() i name
	for i in 1 2 3; do
		name=$(bt_name)
		box_run --keep --name "$name" -- true
		assertEquals "kept run $i (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
		kept+=("$name")
	done
	assertEquals "marked final" 1700 "$(stat -c %a "/run/box/containers/${kept[0]}")"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=open,openat -o "$TEST_TMP/trace" "$LAUNCH" ps "${kept[0]}-none" \
		>/dev/null 2>&1
	for i in 0 1 2; do
		assertFalse "record ${kept[$i]} was not opened: $(grep -F "${kept[$i]}/" "$TEST_TMP/trace")" \
			"grep -qF '/run/box/containers/${kept[$i]}/' '$TEST_TMP/trace'"
	done
	box_cmd list --all --json
	assertEquals "still listed, stopped" 3 \
		"$(json_eval "len([e for e in j if e['name'] in '${kept[*]}'.split() and e['status'] == 'stopped' and e['exit_code'] == 0])" <"$TEST_TMP/out")"
	box_cmd rm "${kept[@]}"
	assertEquals "rm" 0 "$BOX_RC"
}

test_killed_pid1_ends_the_container_cleanly()
{
	require_root || return 0
	box_detach --keep -- sleep 300 || return 0
	kill -KILL "$(record_get "$BOX_NAME" pid1 pid)"
	wait_until 10 eval '[ "$(record_get "$BOX_NAME" status)" = stopped ]' ||
		fail "the monitor did not see PID 1 die"
	assertEquals "its status" 137 "$(record_get "$BOX_NAME" exit_code)"
	box_cmd list --all
	assertTrue "listed as exited" "grep -qE '^$BOX_NAME +exited \\(137\\)' '$TEST_TMP/out'"
	box_cmd rm "$BOX_NAME"
	assertEquals "rm" 0 "$BOX_RC"
}

test_command_words_and_unknown_names()
{
	require_root || return 0
	box_cmd stop nosuch
	assert_launch_error "stop of an unknown name"
	assertEquals "names it" "launch: no container 'nosuch'" "$(cat "$TEST_TMP/err")"
	for w in ps logs wait rm kill service; do
		box_cmd "$w" nosuch
		assert_launch_error "$w of an unknown name"
	done
	# ./list is a rootfs, not the command.
	mkdir "$TEST_TMP/d" && cp -a "$BOX_ROOTFS" "$TEST_TMP/d/list"
	(cd "$TEST_TMP/d" && timeout 30 "$LAUNCH" --cgroup-parent "$BOX_TEST_CGROUP_PARENT" \
		--name "$(bt_name)" ./list -- echo in-list) >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertEquals "./list ran (stderr: $(cat "$TEST_TMP/err"))" in-list "$(cat "$TEST_TMP/out")"
}

. "$SHUNIT2"
