#!/bin/bash
# SPDX-License-Identifier: MIT
# launch at a terminal (tests/ptydrive.py plays the person at the keyboard): the container
# gets a terminal of its own (a pty of its own devpts, relayed by launch), never the host's;
# job control, Ctrl-C, Ctrl-Z and Ctrl-\ work inside through that terminal; the window size
# follows; the host terminal is in raw mode meanwhile and comes back exactly as it was on
# every way out; -i, -t and --no-tty; a background launch leaves the terminal alone.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

box_setup_tty()
{
	require_root || return 1
	require_command python3 || return 1
	PTY_OPTS=()
	PTY_STEPS=()
	return 0
}

assert_pty_ok()
{
	assertEquals "ptydrive: $(cat "$TEST_TMP/pty.err") transcript: $(pty_log)" 0 "$PTY_RC"
}

test_shell_on_a_terminal_has_job_control_and_the_ctrl_keys()
{
	box_setup_tty || return 0
	# An interactive busybox sh: it is the terminal's foreground, Ctrl-Z stops a job, fg
	# brings it back, Ctrl-C (SIGINT, 130) and Ctrl-\ (SIGQUIT, 131) reach the job, not
	# launch; Ctrl-D ends cat's input.
	PTY_STEPS=('expect=# ' 'send=sleep 100\n' 'sleep=0.5' 'send=\x1a' 'expect=Stopped'
		'send=jobs\n' 'expect=Stopped +sleep 100' 'send=fg\n' 'sleep=0.5' 'send=\x03'
		'expect=# ' 'send=echo rc=$?\n' 'expect=rc=130' 'send=sleep 50\n' 'sleep=0.5'
		'send=\x1c' 'expect=# ' 'send=echo rc=$?\n' 'expect=rc=131'
		'send=cat\n' 'sleep=0.3' 'send=hello\n' 'expect=hello\r\nhello\r\n' 'send=\x04'
		'expect=# ' 'send=tty\n' 'expect=/dev/pts/0' 'send=exit 3\n')
	pty_run -- sh
	assert_pty_ok
	assertEquals "the shell's status: $(pty_log)" 3 "$(kv "$TEST_TMP/pty.out" status)"
}

test_window_size_at_start_and_on_resize()
{
	box_setup_tty || return 0
	PTY_OPTS=(--size 40x100)
	PTY_STEPS=('expect=size=40x100' 'expect=ready=1' 'size=50x132' 'expect=size=50x132')
	pty_run -- probe winch 1
	assert_pty_ok
	assertEquals "status: $(pty_log)" 0 "$(kv "$TEST_TMP/pty.out" status)"
}

test_terminal_is_raw_while_the_container_runs_and_restored_after()
{
	box_setup_tty || return 0
	PTY_STEPS=('expect=ready=1' 'modes' 'send=\x03')
	pty_run -- probe sleep 30
	assert_pty_ok
	assertEquals "raw mode while it runs: $(pty_log)" 1 "$(kv "$TEST_TMP/pty.out" raw)"
	assertEquals "Ctrl-C reached the command (SIGINT): $(pty_log)" 130 \
		"$(kv "$TEST_TMP/pty.out" status)"
	assertEquals "modes as before: $(cat "$TEST_TMP/pty.out")" 1 \
		"$(kv "$TEST_TMP/pty.out" modes_same)"
	assertEquals "not left non-blocking" 0 "$(kv "$TEST_TMP/pty.out" nonblock)"
}

test_terminal_restored_after_the_container_is_killed()
{
	box_setup_tty || return 0
	local init
	PTY_STEPS=("pid=$TEST_TMP/launch.pid" 'expect=ready=1' 'modes'
		"touch=$TEST_TMP/running" exit)
	pty_run -- probe sleep 60 &
	local drive=$!
	track_pid "$drive"
	if ! wait_until 30 test -e "$TEST_TMP/running"; then
		fail "the container did not start: $(pty_log)"
		return 0
	fi
	BOX_PID=$(cat "$TEST_TMP/launch.pid")
	init=$(_bt_init_pid)
	assertNotNull "PID 1 found" "$init"
	kill -KILL "$init"
	wait "$drive"
	assertEquals "raw mode while it ran" 1 "$(kv "$TEST_TMP/pty.out" raw)"
	assertEquals "killed by SIGKILL: $(pty_log)" 137 "$(kv "$TEST_TMP/pty.out" status)"
	assertEquals "modes as before: $(cat "$TEST_TMP/pty.out")" 1 \
		"$(kv "$TEST_TMP/pty.out" modes_same)"
	assertEquals "not left non-blocking" 0 "$(kv "$TEST_TMP/pty.out" nonblock)"
}

test_terminal_restored_when_the_command_cannot_run()
{
	box_setup_tty || return 0
	pty_run -- /no/such/command
	assert_pty_ok
	assertEquals "not found: $(pty_log)" 127 "$(kv "$TEST_TMP/pty.out" status)"
	assertTrue "one line naming it: $(pty_log)" \
		"grep -q \"boxinit: exec '/no/such/command'\" '$TEST_TMP/pty.log'"
	assertEquals "modes as before" 1 "$(kv "$TEST_TMP/pty.out" modes_same)"
}

# Once the main command is gone (a service started in the background, say), nothing in the
# container reads its terminal: the keyboard is the host's again and Ctrl-C stops it all.
test_keyboard_returns_to_the_host_when_the_main_command_ends()
{
	box_setup_tty || return 0
	PTY_OPTS=(--timeout 30)
	PTY_STEPS=('expect=daemon_pid=' 'sleep=1' 'modes' 'send=\x03' exit)
	pty_run -- probe daemon 60
	assert_pty_ok
	assertEquals "the terminal is cooked again: $(cat "$TEST_TMP/pty.out")" 0 \
		"$(kv "$TEST_TMP/pty.out" raw)"
	assertEquals "Ctrl-C stopped the container gracefully: $(pty_log)" 0 \
		"$(kv "$TEST_TMP/pty.out" status)"
	assertEquals "modes as before" 1 "$(kv "$TEST_TMP/pty.out" modes_same)"
}

# No descriptor of any process in the container is the host's terminal.
test_container_holds_no_descriptor_of_the_host_terminal()
{
	box_setup_tty || return 0
	local rdev p fd bad=''
	PTY_STEPS=("pid=$TEST_TMP/launch.pid" "tty=$TEST_TMP/tty" 'expect=ready=1'
		"touch=$TEST_TMP/running" "waitfile=$TEST_TMP/looked" 'send=\x03' exit)
	pty_run -- sh -c 'probe sleep 60 & probe sleep 60' &
	local drive=$!
	track_pid "$drive"
	if ! wait_until 30 test -e "$TEST_TMP/running"; then
		fail "the container did not start: $(pty_log)"
		return 0
	fi
	# Device and inode: the container's own devpts has a /dev/pts/0 too, with the same
	# major and minor numbers as some terminal of the host's.
	rdev=$(stat -c %d:%i "$(cat "$TEST_TMP/tty")")
	BOX_PID=$(cat "$TEST_TMP/launch.pid")
	BOX_INIT_PID=$(_bt_init_pid)
	for p in $BOX_INIT_PID $(descendants "$BOX_INIT_PID" | awk '{ print $1 }'); do
		for fd in /proc/"$p"/fd/*; do
			[ "$(stat -Lc %d:%i "$fd" 2>/dev/null)" = "$rdev" ] && bad+="$p:$fd "
		done
	done
	# launch itself does hold it: that is the relay.
	assertTrue "launch holds the host terminal" \
		"for fd in /proc/$BOX_PID/fd/*; do [ \"\$(stat -Lc %d:%i \$fd)\" = '$rdev' ] && exit 0; done; exit 1"
	touch "$TEST_TMP/looked"
	wait "$drive"
	assertEquals "container descriptors on the host terminal" "" "$bad"
	assertEquals "Ctrl-C ended it" 130 "$(kv "$TEST_TMP/pty.out" status)"
}

# -t without a terminal: one anyway (a script that wants a tty program's behaviour).
test_tty_option_gives_a_terminal_without_one_on_stdin()
{
	require_root || return 0
	box_run -t -- sh -c 'tty; stty size'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "its own terminal: $(cat "$TEST_TMP/out")" /dev/pts/0 \
		"$(head -n 1 "$TEST_TMP/out" | tr -d '\r')"
	assertTrue "a terminal's line endings" "grep -q $'\r' '$TEST_TMP/out'"
}

# -t -i with a pipe: the pipe's end becomes the terminal's end-of-file.
test_eof_of_a_pipe_reaches_a_terminal()
{
	require_root || return 0
	_bt_cmdline -t -i -- cat
	printf 'hello\npartial' | timeout -k 10 30 "${BT_CMD[@]}" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
	assertEquals "cat ended at EOF (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertTrue "the line came through: $(cat -v "$TEST_TMP/out")" \
		"grep -q '^hello' '$TEST_TMP/out'"
	assertTrue "so did the partial one: $(cat -v "$TEST_TMP/out")" \
		"grep -q 'partial' '$TEST_TMP/out'"
}

# --no-tty at a terminal: no terminal inside; stdin, stdout and stderr reach the container
# through pipes launch relays (the host terminal itself never does).
test_no_tty_at_a_terminal_relays_through_pipes()
{
	box_setup_tty || return 0
	PTY_STEPS=('expect=fd2=pipe' 'send=typed-line\n' 'expect=got=typed-line')
	pty_run --no-tty -- sh -c 'tty; for f in 0 1 2; do echo fd$f=$(readlink /proc/self/fd/$f | cut -d: -f1); done; read l; echo got=$l'
	assert_pty_ok
	assertTrue "no terminal: $(pty_log)" "grep -q 'not a tty' '$TEST_TMP/pty.log'"
	assertTrue "stdin a pipe: $(pty_log)" "grep -q 'fd0=pipe' '$TEST_TMP/pty.log'"
	assertTrue "stdout a pipe: $(pty_log)" "grep -q 'fd1=pipe' '$TEST_TMP/pty.log'"
	assertEquals "status" 0 "$(kv "$TEST_TMP/pty.out" status)"
	assertEquals "modes untouched" 1 "$(kv "$TEST_TMP/pty.out" modes_same)"
}

# `launch ... &` from an interactive shell: not the terminal's foreground, so launch takes
# neither the keyboard nor raw mode; the output still shows; the shell goes on.
test_background_launch_leaves_the_terminal_to_the_shell()
{
	box_setup_tty || return 0
	_bt_cmdline -- sh -c 'tty; sleep 1; echo bg-done'
	PTY_STEPS=('expect=PROMPT> ' "send=$(printf '%q ' "${BT_CMD[@]}") &\n" 'expect=not a tty'
		'send=echo shell-ok\n' 'expect=shell-ok' 'expect=bg-done' 'send=wait; echo rc=$?\n'
		'expect=rc=0' 'send=exit\n')
	pty_raw env PS1='PROMPT> ' bash --norc --noprofile -i
	assert_pty_ok
	assertEquals "modes untouched" 1 "$(kv "$TEST_TMP/pty.out" modes_same)"
}

. "$SHUNIT2"
