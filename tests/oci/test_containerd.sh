#!/bin/bash
# SPDX-License-Identifier: MIT
# containerd 1.6 (ctr, containerd-shim-runc-v2) over the OCI runtime under test,
# BOX_OCI_RUNTIME (build/box by default; BOX_OCI_RUNTIME=/usr/sbin/runc for the reference),
# given to the shim with ctr's --runc-binary, on a containerd daemon of the suite's own:
# run (output, exit statuses, a missing command, no descriptor leaks), task exec (status,
# output, stdin, a tty), run -t on a terminal (the console socket), task ps, task kill (TERM,
# KILL, --all), the cgroup under the suite's parent with a memory limit, a read-only root and
# a bind mount.
# After every test nothing is left (oci_lib.sh).

OCI_CONTAINERD=1
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/oci_lib.sh"

TERM_AWARE='trap "echo stopping; exit 0" TERM; echo started; while :; do sleep 1 & wait $!; done'

# ctd_run [CTR RUN OPTIONS...] -- CMD [ARG...]: `ctr run --rm` of the image in the foreground
# as a fresh container (CID), output in $TEST_TMP/out and err, status in RC.
ctd_run()
{
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	CID=$(oci_name)
	ctd_opts "$CID"
	on_teardown ctd_remove "$CID"
	tctr run --rm "${CTR_OPTS[@]}" "${opts[@]}" "$OCI_IMAGE" "$CID" "$@" \
		<"${STDIN:-/dev/null}" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
}

# ctd_run_bg [CTR RUN OPTIONS...] -- CMD [ARG...]: the same in the background (JOB), waiting
# until its output has a line matching READY.
ctd_run_bg()
{
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	CID=$(oci_name)
	ctd_opts "$CID"
	on_teardown ctd_remove "$CID"
	tctr run --rm "${CTR_OPTS[@]}" "${opts[@]}" "$OCI_IMAGE" "$CID" "$@" \
		</dev/null >"$TEST_TMP/$CID.out" 2>"$TEST_TMP/$CID.err" &
	JOB=$!
	track_pid "$JOB"
	if ! wait_until 30 file_has "$TEST_TMP/$CID.out" "$READY"; then
		fail "$CID did not print '$READY': $(cat "$TEST_TMP/$CID.out" "$TEST_TMP/$CID.err")"
		return 1
	fi
	TPID=$(ctd_task_pid "$CID")
	return 0
}

# ctd_detach [CTR RUN OPTIONS...] -- CMD [ARG...]: `ctr run -d`, output in
# $TEST_TMP/CID.log; CID the container, TPID its task's host pid.
ctd_detach()
{
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	CID=$(oci_name)
	ctd_opts "$CID"
	on_teardown ctd_remove "$CID"
	tctr run -d --log-uri "file://$TEST_TMP/$CID.log" "${CTR_OPTS[@]}" "${opts[@]}" \
		"$OCI_IMAGE" "$CID" "$@" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
	if [ "$RC" != 0 ]; then
		fail "ctr run -d: $(outputs)"
		return 1
	fi
	TPID=$(ctd_task_pid "$CID")
	if [ -z "$TPID" ] || ! proc_alive "$TPID"; then
		fail "no running task for $CID (pid '$TPID')"
		return 1
	fi
	return 0
}

ctd_remove()
{
	tctr tasks delete --force "$1" >/dev/null 2>&1
	tctr containers delete "$1" >/dev/null 2>&1
}

# cexec ID EXEC-ID CMD [ARG...]: ctr task exec, output in $TEST_TMP/out and err, RC.
cexec()
{
	tctr tasks exec --fifo-dir "$OCI_DIR/containerd/fifo" --exec-id "$2" "$1" "${@:3}" \
		<"${STDIN:-/dev/null}" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
}

assert_nothing_in_containerd()
{
	assertEquals "no task left" "" "$(tctr tasks ls --quiet)"
	assertEquals "no container left" "" "$(tctr containers ls --quiet)"
}

test_run_prints_a_file_of_the_image_and_leaves_nothing()
{
	ctd_ready || return 0
	ctd_run -- cat /etc/box-test-image
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "the image's own file" "$OCI_MARKER" "$(cat "$TEST_TMP/out")"
	assert_nothing_in_containerd
	assertEquals "nothing in the runtime's root" "" "$(_oci_runtime_leftovers)"
}

test_exit_status_passes_through()
{
	ctd_ready || return 0
	ctd_run -- sh -c 'exit 7'
	assertEquals "sh -c 'exit 7': $(outputs)" 7 "$RC"
	ctd_run -- probe exit 42
	assertEquals "probe exit 42: $(outputs)" 42 "$RC"
	ctd_run -- true
	assertEquals "true: $(outputs)" 0 "$RC"
	assert_nothing_in_containerd
}

test_missing_command_fails_the_run()
{
	ctd_ready || return 0
	ctd_run -- /no/such/command
	assertNotEquals "a missing command: $(outputs)" 0 "$RC"
	# The runtime's error (its --log, JSON) reaches ctr through the shim.
	assertTrue "the error names the command: $(outputs)" \
		"grep -q /no/such/command '$TEST_TMP/err'"
	assert_nothing_in_containerd
}

# The shim hands the runtime descriptors of its own (its socket, on create); none may reach
# the container's processes.
test_no_descriptor_leaks_into_the_task()
{
	ctd_ready || return 0
	ctd_run -- probe fds
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "only 0, 1, 2 in the task: $(cat "$TEST_TMP/out")" 0 "$(kv "$TEST_TMP/out" fds)"
	ctd_detach -- sh -c "$TERM_AWARE" || return 0
	cexec "$CID" e1 probe fds
	assertEquals "$(outputs)" 0 "$RC"
	assertEquals "only 0, 1, 2 in an exec'd process: $(cat "$TEST_TMP/out")" 0 \
		"$(kv "$TEST_TMP/out" fds)"
}

test_exec_in_a_running_task_passes_status_output_and_stdin()
{
	ctd_ready || return 0
	ctd_detach -- sh -c "$TERM_AWARE" || return 0
	cexec "$CID" e1 sh -c 'echo from-exec; exit 5'
	assertEquals "exec's status: $(outputs)" 5 "$RC"
	assertEquals "exec's output" from-exec "$(cat "$TEST_TMP/out")"
	cexec "$CID" e2 cat /etc/box-test-image
	assertEquals "exec sees the image: $(outputs)" "$OCI_MARKER" "$(cat "$TEST_TMP/out")"
	cexec "$CID" e3 probe pid
	assertNotEquals "the exec'd process is not PID 1: $(outputs)" 1 "$(kv "$TEST_TMP/out" pid)"
	assertEquals "in the task's pid namespace: $(outputs)" 0 "$(kv "$TEST_TMP/out" ppid)"
	echo through-stdin >"$TEST_TMP/in"
	STDIN=$TEST_TMP/in cexec "$CID" e4 cat
	assertEquals "exec's stdin: $(outputs)" through-stdin "$(cat "$TEST_TMP/out")"
	cexec "$CID" e5 /no/such/command
	assertNotEquals "exec of a missing command fails: $(outputs)" 0 "$RC"
	assertTrue "the error names the command: $(outputs)" \
		"grep -q /no/such/command '$TEST_TMP/err'"
	cexec "$CID" e6 sh -c 'test -t 0 || test -t 1'
	assertEquals "no terminal without -t" 1 "$RC"
	assertEquals "the task still runs" RUNNING "$(ctd_task_status "$CID")"
	assertTrue "its output went to the log: $(cat "$TEST_TMP/$CID.log" 2>&1)" \
		"grep -q started '$TEST_TMP/$CID.log'"
}

test_exec_with_a_tty()
{
	ctd_ready || return 0
	require_command python3 || return 0
	ctd_detach -- sh -c "$TERM_AWARE" || return 0
	PTY_OPTS=(--size 30x90)
	PTY_STEPS=('expect=# ' 'send=probe tty; stty size\n' 'expect=30 90' 'send=tty\n'
		'expect=/dev/pts/[0-9]' 'send=exit 4\n')
	pty_drive "${OCI_CTR[@]}" tasks exec --tty --fifo-dir "$OCI_DIR/containerd/fifo" \
		--exec-id t1 "$CID" sh
	assertEquals "ptydrive: $(cat "$TEST_TMP/pty.err") transcript: $(pty_log)" 0 "$PTY_RC"
	assertEquals "the shell's status: $(pty_log)" 4 "$(kv "$TEST_TMP/pty.out" status)"
	assertTrue "a terminal, in the foreground: $(pty_log)" \
		"tr -d '\r' <'$TEST_TMP/pty.log' | grep -q '^tty=1' &&
		tr -d '\r' <'$TEST_TMP/pty.log' | grep -q '^fg=1'"
	assertEquals "the task still runs" RUNNING "$(ctd_task_status "$CID")"
}

test_run_on_a_terminal()
{
	ctd_ready || return 0
	require_command python3 || return 0
	CID=$(oci_name)
	ctd_opts "$CID"
	on_teardown ctd_remove "$CID"
	PTY_OPTS=(--size 30x90)
	PTY_STEPS=('expect=# ' 'send=probe tty; stty size\n' 'expect=30 90' 'send=tty\n'
		'expect=/dev/pts/[0-9]' 'send=exit 3\n')
	pty_drive "${OCI_CTR[@]}" run --tty --rm "${CTR_OPTS[@]}" "$OCI_IMAGE" "$CID" sh
	assertEquals "ptydrive: $(cat "$TEST_TMP/pty.err") transcript: $(pty_log)" 0 "$PTY_RC"
	assertEquals "the shell's status: $(pty_log)" 3 "$(kv "$TEST_TMP/pty.out" status)"
	assertTrue "a terminal, in the foreground: $(pty_log)" \
		"tr -d '\r' <'$TEST_TMP/pty.log' | grep -q '^tty=1' &&
		tr -d '\r' <'$TEST_TMP/pty.log' | grep -q '^fg=1'"
	assert_nothing_in_containerd
}

test_task_ps_lists_the_processes_of_the_task()
{
	ctd_ready || return 0
	local procs listed
	ctd_detach -- sh -c 'sleep 100 & sleep 100 & echo ready; wait' || return 0
	procs=$(host_cgroup_file "$TPID" pids.max)
	procs=${procs%/*}/cgroup.procs
	wait_until 10 eval '[ "$(wc -l <"$procs")" -ge 3 ]' ||
		fail "three processes expected in $procs: $(cat "$procs")"
	tctr tasks ps "$CID" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
	assertEquals "ctr tasks ps: $(outputs)" 0 "$RC"
	listed=$(awk 'NR > 1 { print $1 }' "$TEST_TMP/out" | sort -n | tr '\n' ' ')
	assertEquals "the task's processes, as the host sees them" \
		"$(sort -n "$procs" | tr '\n' ' ')" "$listed"
	assertTrue "with the task's pid $TPID: $listed" "echo ' $listed' | grep -q ' $TPID '"
}

test_task_kill_sends_term_then_kill_gives_137()
{
	ctd_ready || return 0
	READY=started ctd_run_bg -- sh -c "$TERM_AWARE" || return 0
	tctr tasks kill "$CID" >/dev/null 2>"$TEST_TMP/err"
	RC=$?
	assertEquals "kill (SIGTERM): $(cat "$TEST_TMP/err")" 0 "$RC"
	wait_until 20 proc_dead "$JOB" || fail "the task did not end on SIGTERM"
	wait "$JOB"
	RC=$?
	assertEquals "the trap's status: $(cat "$TEST_TMP/$CID.out" "$TEST_TMP/$CID.err")" 0 "$RC"
	assertTrue "the trap ran" "grep -q stopping '$TEST_TMP/$CID.out'"

	READY=ready=1 ctd_run_bg -- probe ignore-term 60 || return 0
	tctr tasks kill "$CID" >/dev/null 2>&1
	wait_until 20 file_has "$TEST_TMP/$CID.out" '^term$' || fail "the task never got SIGTERM"
	assertEquals "SIGTERM is ignored" RUNNING "$(ctd_task_status "$CID")"
	tctr tasks kill --signal KILL "$CID" >/dev/null 2>"$TEST_TMP/err"
	RC=$?
	assertEquals "kill -s KILL: $(cat "$TEST_TMP/err")" 0 "$RC"
	wait_until 20 proc_dead "$JOB" || fail "the task did not end on SIGKILL"
	wait "$JOB"
	RC=$?
	assertEquals "ctr run's status after SIGKILL" 137 "$RC"
	assertTrue "the process is gone" "proc_dead $TPID"
	assert_nothing_in_containerd
}

test_task_kill_all_reaches_exec_processes()
{
	ctd_ready || return 0
	local job
	ctd_detach -- probe sleep 60 || return 0
	tctr tasks exec --fifo-dir "$OCI_DIR/containerd/fifo" --exec-id e1 "$CID" probe sleep 60 \
		</dev/null >"$TEST_TMP/exec.out" 2>&1 &
	job=$!
	track_pid "$job"
	wait_until 20 file_has "$TEST_TMP/exec.out" ready=1 || fail "the exec did not start"
	tctr tasks kill --all --signal KILL "$CID" >/dev/null 2>"$TEST_TMP/err"
	RC=$?
	assertEquals "kill --all: $(cat "$TEST_TMP/err")" 0 "$RC"
	wait_until 20 proc_dead "$job" || fail "the exec'd process did not die"
	wait "$job"
	RC=$?
	assertEquals "the exec's status" 137 "$RC"
	wait_until 10 eval '[ "$(ctd_task_status "$CID")" = STOPPED ]' ||
		fail "the task is $(ctd_task_status "$CID")"
	assertTrue "PID 1 is gone" "proc_dead $TPID"
}

test_cgroup_is_under_the_parent_with_the_memory_limit()
{
	ctd_ready || return 0
	local f dir
	ctd_detach --memory-limit 67108864 -- probe sleep 60 || return 0
	assertTrue "the task's cgroup: $(cat "/proc/$TPID/cgroup")" \
		"grep -q ':$OCI_CGROUP_PARENT/$CID\$' /proc/$TPID/cgroup"
	f=$(host_cgroup_file "$TPID" memory.max)
	assertEquals "the limit ($f)" 67108864 "$(cat "$f" 2>/dev/null)"
	dir=${f%/*}
	tctr tasks delete --force "$CID" >/dev/null 2>&1
	assertFalse "the cgroup goes with the task: $dir" "[ -d '$dir' ]"
}

test_read_only_root_and_a_bind_mount()
{
	ctd_ready || return 0
	mkdir "$TEST_TMP/vol"
	echo from-host >"$TEST_TMP/vol/in"
	ctd_run --read-only --mount "type=bind,src=$TEST_TMP/vol,dst=/mnt,options=rbind:rw" -- \
		sh -c 'cat /mnt/in; echo from-container >/mnt/out; touch /written'
	assertNotEquals "writing / fails: $(outputs)" 0 "$RC"
	assertTrue "EROFS: $(outputs)" "grep -q 'Read-only file system' '$TEST_TMP/err'"
	assertEquals "the host's file inside" from-host "$(cat "$TEST_TMP/out")"
	assertEquals "the container's file on the host" from-container \
		"$(cat "$TEST_TMP/vol/out" 2>/dev/null)"
}

. "$SHUNIT2"
