#!/bin/bash
# SPDX-License-Identifier: MIT
# podman (and conmon) over the OCI runtime under test, BOX_OCI_RUNTIME (build/box by default;
# BOX_OCI_RUNTIME=/usr/sbin/runc for the reference): run, exit statuses (7, 127, 126, 137), no
# descriptor leaks, run -d then exec (status, stdin, tty), ps, top, logs, kill, stop, rm,
# run -it on a terminal (the console socket), memory and pids limits, dropped capabilities, a
# read-only root, bind mounts, --init with boxinit, user, workdir, env and hostname. Every
# check is observed from inside the container and, where there is something to see, from the
# host. After every test nothing is left (oci_lib.sh).

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/oci_lib.sh"

# The container most tests start: sets its TERM trap, then prints "started"; says "stopping"
# and exits 0 on SIGTERM.
TERM_AWARE='trap "echo stopping; exit 0" TERM; echo started; while :; do sleep 1 & wait $!; done'

elapsed_ms()
{
	echo $((($(_box_now_us) - $1) / 1000))
}

test_run_prints_a_file_of_the_image()
{
	oci_ready || return 0
	prun -- cat /etc/box-test-image
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "the image's own file" "$OCI_MARKER" "$(cat "$TEST_TMP/out")"
	assertEquals "--rm leaves no container" "" "$(tpodman ps --all --quiet)"
}

test_command_is_pid_1_in_namespaces_of_its_own()
{
	oci_ready || return 0
	local ns want got
	prun -- sh -c 'exec probe pid'
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "the command is PID 1" 1 "$(kv "$TEST_TMP/out" pid)"
	prun -- sh -c 'for n in pid mnt uts ipc net; do echo "$n=$(readlink /proc/1/ns/$n)"; done'
	assertEquals "$(outputs)" 0 "$RC"
	for ns in pid mnt uts ipc net; do
		want=$(readlink "/proc/self/ns/$ns")
		got=$(kv "$TEST_TMP/out" "$ns")
		assertNotEquals "a $ns namespace of its own: $(outputs)" "$want" "$got"
		assertNotEquals "the $ns namespace is read" "" "$got"
	done
}

test_exit_status_passes_through()
{
	oci_ready || return 0
	prun -- sh -c 'exit 7'
	assertEquals "sh -c 'exit 7': $(outputs)" 7 "$RC"
	prun -- probe exit 42
	assertEquals "probe exit 42: $(outputs)" 42 "$RC"
	prun -- true
	assertEquals "true: $(outputs)" 0 "$RC"
}

test_missing_command_is_127_and_a_non_executable_one_126()
{
	oci_ready || return 0
	prun -- /no/such/command
	assertEquals "a missing command: $(outputs)" 127 "$RC"
	assertTrue "the error names the command: $(outputs)" \
		"grep -q /no/such/command '$TEST_TMP/err'"
	prun -- nosuchcommand
	assertEquals "a command not in PATH: $(outputs)" 127 "$RC"
	# The image's file has no execute permission.
	prun -- /etc/box-test-image
	assertEquals "a file that cannot be executed: $(outputs)" 126 "$RC"
	assertEquals "no container is left" "" "$(tpodman ps --all --quiet)"
}

test_stdin_reaches_the_container()
{
	oci_ready || return 0
	printf 'line one\nline two\n' >"$TEST_TMP/in"
	STDIN=$TEST_TMP/in prun -i -- sh -c 'cat; echo end'
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "stdin, then the end" "line one
line two
end" "$(cat "$TEST_TMP/out")"
}

# The engines run with descriptors of this harness (and conmon's own); none may reach the
# container's processes.
test_no_descriptor_leaks_into_the_container()
{
	oci_ready || return 0
	prun -- probe fds
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "only 0, 1, 2 in the container: $(cat "$TEST_TMP/out")" 0 \
		"$(kv "$TEST_TMP/out" fds)"
	pdetach -- sh -c "$TERM_AWARE" || return 0
	tpodman exec "$NAME" probe fds </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "only 0, 1, 2 in an exec'd process: $(cat "$TEST_TMP/out")" 0 \
		"$(kv "$TEST_TMP/out" fds)"
}

test_container_killed_with_sigkill_exits_137()
{
	oci_ready || return 0
	local job
	NAME=$(oci_name)
	on_teardown tpodman rm --force --time 0 "$NAME"
	tpodman run --name "$NAME" "$OCI_IMAGE" probe sleep 60 </dev/null \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	job=$!
	track_pid "$job"
	if ! wait_until 30 file_has "$TEST_TMP/out" ready=1; then
		fail "the container did not start: $(outputs)"
		return 0
	fi
	PID1=$(pinspect "$NAME" '{{.State.Pid}}')
	assertTrue "the container's process runs on the host ($PID1)" "proc_alive '$PID1'"
	tpodman kill "$NAME" >/dev/null 2>"$TEST_TMP/kill.err"
	RC=$?
	assertEquals "podman kill: $(cat "$TEST_TMP/kill.err")" 0 "$RC"
	wait_until 30 proc_dead "$job" || fail "podman run did not end after the kill"
	wait "$job"
	RC=$?
	assertEquals "podman run's status: $(outputs)" 137 "$RC"
	assertEquals "the recorded exit code" 137 "$(pinspect "$NAME" '{{.State.ExitCode}}')"
	assertTrue "the process is gone" "proc_dead '$PID1'"
	tpodman rm "$NAME" >/dev/null
	RC=$?
	assertEquals "rm" 0 "$RC"
}

test_exec_in_a_running_container_passes_status_stdin_and_tty()
{
	oci_ready || return 0
	local out
	pdetach -- sh -c "$TERM_AWARE" || return 0
	tpodman exec "$NAME" sh -c 'exit 5' </dev/null
	RC=$?
	assertEquals "exec's status" 5 "$RC"
	out=$(tpodman exec "$NAME" cat /etc/box-test-image </dev/null)
	assertEquals "exec sees the image" "$OCI_MARKER" "$out"
	tpodman exec "$NAME" probe pid </dev/null >"$TEST_TMP/out"
	assertNotEquals "the exec'd process is not PID 1" 1 "$(kv "$TEST_TMP/out" pid)"
	# Its parent (the runtime) is outside the container's pid namespace.
	assertEquals "in the container's pid namespace: $(cat "$TEST_TMP/out")" 0 \
		"$(kv "$TEST_TMP/out" ppid)"
	tpodman exec "$NAME" sh -c 'cat /proc/1/cmdline | tr "\0" " "' </dev/null >"$TEST_TMP/out"
	assertTrue "/proc/1 is the container's PID 1: $(cat "$TEST_TMP/out")" \
		"grep -q 'trap' '$TEST_TMP/out'"
	out=$(echo through-stdin | tpodman exec -i "$NAME" cat)
	assertEquals "exec -i: stdin" through-stdin "$out"
	tpodman exec "$NAME" /no/such/command </dev/null 2>"$TEST_TMP/err"
	RC=$?
	assertEquals "exec of a missing command: $(cat "$TEST_TMP/err")" 127 "$RC"
	tpodman exec "$NAME" sh -c 'test -t 0 || test -t 1' </dev/null
	RC=$?
	assertEquals "no terminal without -t" 1 "$RC"
	out=$(tpodman exec -t "$NAME" sh -c 'test -t 0 && test -t 1 && tty' </dev/null)
	RC=$?
	assertEquals "exec -t: a terminal: $out" 0 "$RC"
	assertTrue "exec -t: a pty of the container's: $out" "echo '$out' | grep -q '^/dev/pts/[0-9]'"
	assertTrue "the container still runs" "proc_alive $PID1"
}

test_ps_top_and_logs_show_a_running_container()
{
	oci_ready || return 0
	local line
	pdetach -- sh -c 'echo started; exec probe sleep 60' || return 0
	wait_until 20 eval 'tpodman logs "$NAME" 2>/dev/null | grep -q ready=1' ||
		fail "ready=1 not in the logs"
	line=$(tpodman ps --filter "name=^$NAME\$" --format '{{.Names}} {{.Status}}')
	assertTrue "podman ps: $line" "echo '$line' | grep -q '^$NAME Up'"
	tpodman top "$NAME" pid args >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
	assertEquals "podman top: $(outputs)" 0 "$RC"
	assertTrue "top shows PID 1's command: $(cat "$TEST_TMP/out")" \
		"grep -Eq '^1 +probe sleep 60' '$TEST_TMP/out'"
	tpodman logs "$NAME" >"$TEST_TMP/out" 2>&1
	assertEquals "logs: both lines" "started
ready=1" "$(cat "$TEST_TMP/out")"
	# From the host: PID 1 is the command, in a cgroup under the suite's parent.
	assertEquals "PID 1 on the host" "probe sleep 60 " "$(tr '\0' ' ' <"/proc/$PID1/cmdline")"
	assertTrue "PID 1's cgroup: $(cat "/proc/$PID1/cgroup")" \
		"grep -q ':$OCI_CGROUP_PARENT/libpod-$ID\$' /proc/$PID1/cgroup"
}

test_stop_ends_a_container_that_handles_term_and_rm_removes_it()
{
	oci_ready || return 0
	local t ms cg
	pdetach -- sh -c "$TERM_AWARE" || return 0
	wait_until 20 eval 'tpodman logs "$NAME" 2>/dev/null | grep -q started' ||
		fail "the container did not start"
	cg=$(host_cgroup_file "$PID1" pids.max)
	cg=${cg%/*}
	assertTrue "the container's cgroup exists: $cg" "[ -d '$cg' ]"
	t=$(_box_now_us)
	tpodman stop --time 30 "$NAME" >/dev/null 2>"$TEST_TMP/err"
	RC=$?
	assertEquals "stop: $(cat "$TEST_TMP/err")" 0 "$RC"
	ms=$(elapsed_ms "$t")
	assertTrue "stop took ${ms} ms: SIGTERM ended it, not the 30 s timeout" "[ $ms -lt 10000 ]"
	assertEquals "status" exited "$(pinspect "$NAME" '{{.State.Status}}')"
	assertEquals "the trap's exit code" 0 "$(pinspect "$NAME" '{{.State.ExitCode}}')"
	assertTrue "the trap ran: $(tpodman logs "$NAME" 2>&1)" \
		"tpodman logs '$NAME' 2>&1 | grep -q stopping"
	assertTrue "PID 1 is gone" "proc_dead $PID1"
	tpodman rm "$NAME" >/dev/null 2>"$TEST_TMP/err"
	RC=$?
	assertEquals "rm: $(cat "$TEST_TMP/err")" 0 "$RC"
	assertEquals "ps -a no longer lists it" "" "$(tpodman ps --all --quiet)"
	assertFalse "the runtime no longer knows it" "'$BOX_OCI_RUNTIME' state '$ID' >/dev/null 2>&1"
	assertFalse "its cgroup is gone: $cg" "[ -d '$cg' ]"
}

test_stop_kills_a_container_that_ignores_term_after_the_timeout()
{
	oci_ready || return 0
	local t ms
	pdetach -- probe ignore-term 60 || return 0
	wait_until 20 eval 'tpodman logs "$NAME" 2>/dev/null | grep -q ready=1' ||
		fail "the container did not start"
	t=$(_box_now_us)
	tpodman stop --time 2 "$NAME" >/dev/null 2>"$TEST_TMP/err"
	RC=$?
	assertEquals "stop: $(cat "$TEST_TMP/err")" 0 "$RC"
	ms=$(elapsed_ms "$t")
	assertTrue "stop waited the 2 s timeout (${ms} ms)" "[ $ms -ge 1900 ]"
	assertTrue "then killed it (${ms} ms)" "[ $ms -lt 15000 ]"
	assertEquals "killed: 137" 137 "$(pinspect "$NAME" '{{.State.ExitCode}}')"
	assertTrue "PID 1 is gone" "proc_dead $PID1"
}

test_run_interactive_on_a_terminal()
{
	oci_ready || return 0
	require_command python3 || return 0
	PTY_OPTS=(--size 30x90)
	PTY_STEPS=('expect=# ' 'send=probe tty; stty size\n' 'expect=30 90' 'send=tty\n'
		'expect=/dev/pts/[0-9]' 'send=exit 3\n')
	podman_argv run -it --rm "$OCI_IMAGE" sh
	pty_drive "${PODMAN_ARGV[@]}"
	assertEquals "ptydrive: $(cat "$TEST_TMP/pty.err") transcript: $(pty_log)" 0 "$PTY_RC"
	assertEquals "the shell's status: $(pty_log)" 3 "$(kv "$TEST_TMP/pty.out" status)"
	assertTrue "the shell has the terminal, in the foreground: $(pty_log)" \
		"tr -d '\r' <'$TEST_TMP/pty.log' | grep -q '^tty=1' &&
		tr -d '\r' <'$TEST_TMP/pty.log' | grep -q '^fg=1'"
	assertEquals "the terminal comes back as it was" 1 "$(kv "$TEST_TMP/pty.out" modes_same)"
}

test_memory_limit_is_set_and_enforced()
{
	oci_ready || return 0
	local f
	prun --memory 64m --memory-swap 64m -- sh -c "$(inside_cgroup_cmd memory.max)"
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "the limit, from inside" 67108864 "$(cat "$TEST_TMP/out")"
	pdetach --memory 64m --memory-swap 64m -- probe sleep 60 || return 0
	f=$(host_cgroup_file "$PID1" memory.max)
	assertEquals "the limit, from the host ($f)" 67108864 "$(cat "$f" 2>/dev/null)"
	# Beyond the limit, with no swap to go to, the kernel kills it.
	prun --memory 64m --memory-swap 64m -- probe memhog 256
	assertEquals "memhog 256 MB in 64 MB: killed by the OOM killer: $(outputs)" 137 "$RC"
}

test_pids_limit_is_set_and_enforced()
{
	oci_ready || return 0
	local f
	prun --pids-limit 20 -- sh -c "$(inside_cgroup_cmd pids.max)"
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "the limit, from inside" 20 "$(cat "$TEST_TMP/out")"
	pdetach --pids-limit 20 -- probe sleep 60 || return 0
	f=$(host_cgroup_file "$PID1" pids.max)
	assertEquals "the limit, from the host ($f)" 20 "$(cat "$f" 2>/dev/null)"
	prun --pids-limit 20 -- probe forkbomb 50
	assertEquals "$(outputs)" 0 "$RC"
	assertTrue "fewer than 20 forks succeed: $(outputs)" \
		"[ '$(kv "$TEST_TMP/out" forked)' -lt 20 ]"
	assertTrue "the rest fail: $(outputs)" "[ '$(kv "$TEST_TMP/out" failed)' -gt 30 ]"
}

test_cap_drop_removes_the_capabilities()
{
	oci_ready || return 0
	local dflt dropped mask=$(((1 << 0) | (1 << 13)))
	prun -- probe caps
	dflt=$((16#$(kv "$TEST_TMP/out" capeff)))
	assertEquals "default CAP_CHOWN and CAP_NET_RAW: $(outputs)" "$mask" $((dflt & mask))
	prun --cap-drop CHOWN --cap-drop NET_RAW -- probe caps
	assertEquals "$(outputs)" 0 "$RC"
	dropped=$((16#$(kv "$TEST_TMP/out" capeff)))
	assertEquals "both gone from the effective set, nothing else: $(outputs)" \
		$((dflt & ~mask)) "$dropped"
	assertEquals "and from the bounding set: $(outputs)" 0 \
		$((16#$(kv "$TEST_TMP/out" capbnd) & mask))
	prun -- sh -c 'touch /tmp/f && chown 65534 /tmp/f && echo chowned'
	assertEquals "chown with CAP_CHOWN: $(outputs)" chowned "$(cat "$TEST_TMP/out")"
	prun --cap-drop CHOWN -- sh -c 'touch /tmp/f && chown 65534 /tmp/f && echo chowned'
	assertNotEquals "chown without CAP_CHOWN fails: $(outputs)" 0 "$RC"
	assertTrue "EPERM: $(outputs)" "grep -q 'Operation not permitted' '$TEST_TMP/err'"
}

test_read_only_root_cannot_be_written()
{
	oci_ready || return 0
	prun --read-only -- touch /written
	assertNotEquals "writing / fails: $(outputs)" 0 "$RC"
	assertTrue "EROFS: $(outputs)" "grep -q 'Read-only file system' '$TEST_TMP/err'"
	prun --read-only -- probe mounts
	assertTrue "/ is mounted ro: $(outputs)" "grep -q '^mount=/ .* opts=ro' '$TEST_TMP/out'"
	# podman's --read-only keeps a tmpfs on /tmp.
	prun --read-only -- sh -c 'touch /tmp/f && echo tmp-writable'
	assertEquals "$(outputs)" tmp-writable "$(cat "$TEST_TMP/out")"
	prun -- sh -c 'touch /written && echo written'
	assertEquals "without --read-only / is writable: $(outputs)" written "$(cat "$TEST_TMP/out")"
}

test_bind_mount_shares_a_host_directory()
{
	oci_ready || return 0
	mkdir "$TEST_TMP/vol"
	echo from-host >"$TEST_TMP/vol/in"
	prun -v "$TEST_TMP/vol:/mnt" -- sh -c 'cat /mnt/in && echo from-container >/mnt/out'
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "the host's file inside" from-host "$(cat "$TEST_TMP/out")"
	assertEquals "the container's file on the host" from-container \
		"$(cat "$TEST_TMP/vol/out" 2>/dev/null)"
	prun -v "$TEST_TMP/vol:/mnt:ro" -- sh -c 'cat /mnt/in && touch /mnt/ro-write'
	assertNotEquals "a :ro mount cannot be written: $(outputs)" 0 "$RC"
	assertFalse "nothing written on the host" "[ -e '$TEST_TMP/vol/ro-write' ]"
}

test_init_path_runs_boxinit_as_pid_1()
{
	oci_ready || return 0
	local t ms child
	[ -x "$BOXINIT" ] || fail "missing $BOXINIT (make build/boxinit)"
	prun --init --init-path "$BOXINIT" -- sh -c 'tr "\0" " " </proc/1/cmdline; echo; exit 7'
	assertEquals "the command's status through boxinit: $(outputs)" 7 "$RC"
	assertTrue "PID 1 is podman's init, then the command: $(outputs)" \
		"head -n 1 '$TEST_TMP/out' | grep -q '^/run/podman-init -- sh -c '"
	pdetach --init --init-path "$BOXINIT" -- probe sleep 60 || return 0
	assertEquals "PID 1 runs build/boxinit (same file)" "$(stat -Lc '%d:%i' "$BOXINIT")" \
		"$(stat -Lc '%d:%i' "/proc/$PID1/exe")"
	wait_until 10 eval '[ -n "$(children_of "$PID1")" ]' || fail "boxinit has no child"
	child=$(children_of "$PID1" | head -n 1)
	assertEquals "the command is boxinit's child" "probe sleep 60 " \
		"$(tr '\0' ' ' <"/proc/$child/cmdline" 2>/dev/null)"
	t=$(_box_now_us)
	tpodman stop --time 30 "$NAME" >/dev/null 2>&1
	ms=$(elapsed_ms "$t")
	assertTrue "boxinit passed SIGTERM on (${ms} ms)" "[ $ms -lt 10000 ]"
	assertEquals "the command's death by SIGTERM" 143 "$(pinspect "$NAME" '{{.State.ExitCode}}')"
}

test_user_workdir_env_and_hostname_are_applied()
{
	oci_ready || return 0
	prun --user 65534:65534 --workdir /tmp --env BOX_OCI=yes --hostname boxhost -- \
		sh -c 'id -u; id -g; pwd; echo "$BOX_OCI"; hostname'
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "uid, gid, cwd, env, hostname" "65534
65534
/tmp
yes
boxhost" "$(cat "$TEST_TMP/out")"
}

# podman --uidmap: a user namespace with mappings in config.json; podman chowns its copy of
# the image, box maps and enters the namespace: root inside, 300000 outside.
test_uidmap_runs_root_as_an_unprivileged_host_uid()
{
	oci_ready || return 0
	prun --uidmap 0:300000:65536 --gidmap 0:300000:65536 -- \
		sh -c 'id -u; tr -s " " </proc/self/uid_map | sed "s/^ //"; stat -c %u /bin/busybox; stat -c %u /dev'
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "uid inside, the map, the image's and /dev's owner" "0
0 300000 65536
0
0" "$(cat "$TEST_TMP/out")"
}

. "$SHUNIT2"
