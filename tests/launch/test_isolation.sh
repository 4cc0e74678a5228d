#!/bin/bash
# SPDX-License-Identifier: MIT
# What a process sees from inside a container: PID 1, hostname, processes, network, mounts,
# /dev, /sys and its cgroup. Each test runs one probe inside and checks its output.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

test_pid1_is_boxinit()
{
	require_root || return 0
	box_run -- cat /proc/1/comm
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals boxinit "$(cat "$TEST_TMP/out")"
}

test_hostname_is_the_given_one()
{
	require_root || return 0
	box_run --hostname bt-host.example -- probe hostname
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals bt-host.example "$(kv "$TEST_TMP/out" hostname)"
	assertNotEquals "the host's name is not changed" bt-host.example "$(hostname)"
}

test_hostname_defaults_to_the_name()
{
	require_root || return 0
	local name
	name=$(bt_name)
	box_run --name "$name" -- probe hostname
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "$name" "$(kv "$TEST_TMP/out" hostname)"
}

test_generated_name_is_the_hostname()
{
	require_root || return 0
	# No --name: launch generates "box-XXXXXXXX".
	timeout -k 10 60 "$LAUNCH" --cgroup-parent "$BOX_TEST_CGROUP_PARENT" "$BOX_ROOTFS" \
		-- probe hostname </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "generated name: $(cat "$TEST_TMP/out")" \
		"grep -Eqx 'hostname=box-[0-9a-zA-Z]{8}' '$TEST_TMP/out'"
}

# Seen from the host: PID 1 is in a new namespace of every kind, and launch itself (whose
# thread made the uts, ipc and net ones) is still in the host's, like this shell.
test_every_namespace_is_new_and_launch_keeps_the_hosts()
{
	require_root || return 0
	local ns inside host outside
	box_start -- sleep 1000 || return
	for ns in uts ipc net pid mnt cgroup; do
		host=$(readlink "/proc/self/ns/$ns")
		inside=$(readlink "/proc/$BOX_INIT_PID/ns/$ns")
		outside=$(readlink "/proc/$BOX_PID/ns/$ns")
		assertNotEquals "container's $ns namespace is new" "$host" "$inside"
		assertEquals "launch's $ns namespace is the host's" "$host" "$outside"
	done
	# Its command shares PID 1's, seen from inside too.
	assertEquals "same uts inside" "$(readlink "/proc/$BOX_INIT_PID/ns/uts")" \
		"$(readlink "/proc/$(children_of "$BOX_INIT_PID" | head -n 1)/ns/uts")"
	kill -TERM "$BOX_PID"
	box_wait 15
	assertEquals "SIGTERM ends it: 128+15" 143 "$BOX_RC"
}

test_only_the_containers_processes_are_visible()
{
	require_root || return 0
	# boxinit and the probe, nothing of the host.
	box_run -- probe zombies
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "processes in /proc: $(cat "$TEST_TMP/out")" 2 "$(kv "$TEST_TMP/out" processes)"
}

test_command_runs_as_pid_2_child_of_pid_1()
{
	require_root || return 0
	box_run -- probe pid
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals 1 "$(kv "$TEST_TMP/out" ppid)"
}

test_only_lo_exists_and_it_is_up()
{
	require_root || return 0
	box_run -- sh -c 'ls /sys/class/net; cat /sys/class/net/lo/flags'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "interfaces" lo "$(head -n 1 "$TEST_TMP/out")"
	assertEquals "lines: $(cat "$TEST_TMP/out")" 2 "$(wc -l <"$TEST_TMP/out")"
	# IFF_UP is bit 0 of the flags.
	local flags
	flags=$(sed -n 2p "$TEST_TMP/out")
	assertEquals "lo flags $flags" 1 $((flags & 1))
}

test_loopback_answers_inside()
{
	require_root || return 0
	# The client waits for the listener in /proc/net/tcp (or tcp6; port 0x1F90, state 0A: LISTEN).
	box_run -- sh -c 'nc -l -p 8080 >/dev/null &
		i=0; until grep -qE ":1F90 0+:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null; do
			i=$((i + 1)); [ $i -lt 2000 ] || exit 9; sleep 0.01; done
		echo hi | nc -w 2 127.0.0.1 8080'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
}

test_root_is_the_rootfs()
{
	require_root || return 0
	box_run -- stat -c '%d:%i' /
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "$(stat -c '%d:%i' "$BOX_ROOTFS")" "$(cat "$TEST_TMP/out")"
}

test_host_mounts_are_invisible()
{
	require_root || return 0
	box_run -- probe mounts
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	local other
	# Only the root and the kernel filesystems boxinit mounts (with their masks).
	other=$(sed -n 's/^mount=\([^ ]*\) .*/\1/p' "$TEST_TMP/out" |
		grep -Ev '^(/|/proc(/.*)?|/sys(/.*)?|/dev(/.*)?)$')
	assertEquals "unexpected mounts" "" "$other"
	assertEquals "one root mount: $(cat "$TEST_TMP/out")" 1 "$(grep -c '^mount=/ ' "$TEST_TMP/out")"
	assertFalse "the host's cgroup mounts are not there" \
		"grep -q '^mount=/sys/fs/cgroup' '$TEST_TMP/out'"
}

test_host_root_is_unreachable()
{
	require_root || return 0
	# A file only the host has: the suite's own temp dir.
	box_run -- sh -c "ls -d '$TEST_TMP' || ls -d /work; ls /proc/1/root/'$TEST_TMP'"
	assertNotEquals "the host's paths are found: $(cat "$TEST_TMP/out")" 0 "$BOX_RC"
	assertEquals "" "$(cat "$TEST_TMP/out")"
}

test_dev_holds_exactly_the_container_nodes()
{
	require_root || return 0
	box_run -- probe ls-dev
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	local names
	names=$(sed -n 's/^dev=\([^ ]*\) .*/\1/p' "$TEST_TMP/out" | sort | tr '\n' ' ')
	assertEquals "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " \
		"$names"
	assertTrue "null is 1:3: $(grep '^dev=null ' "$TEST_TMP/out")" \
		"grep -q '^dev=null type=c rdev=1:3 ' '$TEST_TMP/out'"
	assertTrue "ptmx links to pts/ptmx" "grep -q '^dev=ptmx type=l target=pts/ptmx ' '$TEST_TMP/out'"
	assertFalse "no disk of the host" "grep -q ' type=b ' '$TEST_TMP/out'"
}

# At a terminal the container gets one of its own (a pty of its devpts, 136:N), and
# /dev/console is that terminal.
test_dev_has_console_with_a_tty()
{
	require_root || return 0
	require_command python3 || return 0
	PTY_OPTS=()
	PTY_STEPS=(exit)
	pty_run -- probe ls-dev
	assertEquals "exit status: $(pty_log)" 0 "$(kv "$TEST_TMP/pty.out" status)"
	assertTrue "console is the container's pty: $(pty_log)" \
		"tr -d '\r' <'$TEST_TMP/pty.log' | grep -q '^dev=console type=c rdev=136:'"
	# Without a terminal there is none.
	box_run -- probe ls-dev
	assertFalse "no console without a terminal: $(cat "$TEST_TMP/out")" \
		"grep -q '^dev=console ' '$TEST_TMP/out'"
}

test_sys_is_read_only()
{
	require_root || return 0
	box_run -- sh -c 'probe mounts; mkdir /sys/kernel/bt-x'
	assertNotEquals "mkdir in /sys failed" 0 "$BOX_RC"
	assertTrue "/sys mounted ro: $(grep '^mount=/sys ' "$TEST_TMP/out")" \
		"grep -Eq '^mount=/sys .* opts=ro(,|\$)' '$TEST_TMP/out'"
}

test_proc_self_cgroup_is_the_root()
{
	require_root || return 0
	box_run -- probe cgroup
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	local bad
	# Every hierarchy shows "/": the cgroup namespace hides /box-test/NAME.
	bad=$(grep '^cgroup=' "$TEST_TMP/out" | grep -v ':/$')
	assertEquals "cgroup paths not /" "" "$bad"
	assertTrue "some hierarchy listed" "grep -q '^cgroup=' '$TEST_TMP/out'"
}

test_container_runs_in_its_cgroup()
{
	require_root || return 0
	local name
	name=$(bt_name)
	READY=ready=1 box_start --name "$name" -- probe sleep 30 || return 0
	local want=":memory:" want2=":pids:"
	# v2: the one unified line "0::PATH".
	[ "$(cgroup_mode)" = v2 ] && want="^0::" want2="^0::"
	assertTrue "PID 1 in /box-test/$name: $(cat "/proc/$BOX_INIT_PID/cgroup")" \
		"grep -q '$want$BOX_TEST_CGROUP_PARENT/$name\$' /proc/$BOX_INIT_PID/cgroup"
	assertTrue "PID 1 in /box-test/$name" \
		"grep -q '$want2$BOX_TEST_CGROUP_PARENT/$name\$' /proc/$BOX_INIT_PID/cgroup"
	kill -TERM "$BOX_PID"
	box_wait 20
}

. "$SHUNIT2"
