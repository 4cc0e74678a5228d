#!/bin/bash
# SPDX-License-Identifier: MIT
# The known runtime escapes of exec, against `launch exec`: a container process reaching
# the host's binary through /proc/PID/exe of the process that joins it (CVE-2019-5736), and
# a host directory through a descriptor or working directory that process brings along
# (CVE-2024-21626). Each attack runs first against a naive joiner (a copy of nsenter),
# where it must work, then against launch exec, where it must not. The joiner is held at
# its exec by strace (delay_enter), the moment it is still the host's code inside the
# container. Ends "N attacks, N blocked".

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../launch/launch_lib.sh"
. "$(dirname "$0")/sec_lib.sh"


# A detached container running sleep; PID1 is its PID 1 on the host.
sec_container()
{
	box_detach "$@" -- sleep 1000
	assertEquals "detached (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC" || return 1
	SEC_EXEC=("$LAUNCH" exec "$BOX_NAME")
	PID1=$(record_get "$BOX_NAME" pid1 pid)
	[ -n "$PID1" ] || { fail "no PID 1 in the record"; return 1; }
}

test_joiner_exe_cannot_be_rewritten_even_with_cap_sys_ptrace()
{
	require_root || return 0
	require_command strace || return 0
	local sum
	# With CAP_SYS_PTRACE the container passes the kernel's checks on /proc/PID/exe of a
	# process that is not dumpable: only what the link leads to protects the host.
	sec_container --cap-add SYS_PTRACE || return 0
	cp "$(command -v nsenter)" "$TEST_TMP/joiner"
	attack_joiner /joiner "$TEST_TMP/joiner" -t "$PID1" -a /bin/true
	control_succeeded joiner-exe "$TEST_TMP/attack" || return 0
	assertEquals "the joiner's binary was overwritten" BOXATTACK "$(head -c 9 "$TEST_TMP/joiner")"
	sum=$(sha256sum <"$LAUNCH")
	attack_joiner /launch "$LAUNCH" exec "$BOX_NAME" /bin/true
	assertEquals "launch exec caught in the container" 1 \
		"$(grep -c '^joiner=[1-9]' "$TEST_TMP/attack")"
	attack_verdict_file exec-exe "$TEST_TMP/attack"
	assertEquals "the host's launch is unchanged" "$sum" "$(sha256sum <"$LAUNCH")"
	assertNotEquals "the exe was not the host's launch" "exe=$(stat -Lc '%d:%i' "$LAUNCH")" \
		"$(grep '^exe=' "$TEST_TMP/attack")"
	# F_SEAL_SEAL|SHRINK|GROW|WRITE: a sealed copy.
	assertEquals "sealed" seals=15 "$(grep '^seals=' "$TEST_TMP/attack")"
}

test_joiner_exe_is_out_of_reach_of_a_default_container()
{
	require_root || return 0
	require_command strace || return 0
	sec_container || return 0
	attack_joiner /launch "$LAUNCH" exec "$BOX_NAME" /bin/true
	attack_verdict_file exec-exe-default "$TEST_TMP/attack"
	assertEquals "launch exec is not dumpable: its exe does not open" open_path=EACCES \
		"$(grep '^open_path=' "$TEST_TMP/attack")"
}

test_host_descriptor_does_not_reach_the_command()
{
	require_root || return 0
	sec_container || return 0
	mkdir "$TEST_TMP/hostdir"
	echo host-secret >"$TEST_TMP/hostdir/secret"
	cp "$(command -v nsenter)" "$TEST_TMP/joiner"
	# Control: a joiner that keeps what it inherited hands descriptor 7 to the command.
	"$TEST_TMP/joiner" -t "$PID1" -a /bin/attack fd 7 secret 7<"$TEST_TMP/hostdir" \
		>"$TEST_TMP/control" 2>&1
	control_succeeded exec-fd "$TEST_TMP/control" || return 0
	box_cmd exec "$BOX_NAME" attack fd 7 secret 7<"$TEST_TMP/hostdir"
	attack_verdict_file exec-fd "$TEST_TMP/out"
	assertEquals "descriptor 7 is closed" EBADF "$(kv "$TEST_TMP/out" openat)"
	# And nothing but 0, 1 and 2 (and ls's own directory) is open in the command.
	box_cmd exec "$BOX_NAME" sh -c 'ls /proc/self/fd | tr "\n" " "'
	assertEquals "descriptors of the command" "0 1 2 3 " "$(cat "$TEST_TMP/out")"
}

test_host_working_directory_does_not_reach_the_command()
{
	require_root || return 0
	sec_container || return 0
	mkdir "$TEST_TMP/hostdir"
	echo host-secret >"$TEST_TMP/hostdir/secret"
	cp "$(command -v nsenter)" "$TEST_TMP/joiner"
	# Control: a joiner that takes the container's root but keeps its working directory
	# leaves the command in a host directory, outside its root.
	(cd "$TEST_TMP/hostdir" && "$TEST_TMP/joiner" -t "$PID1" -p -r /bin/attack cwd secret) \
		>"$TEST_TMP/control" 2>&1
	control_succeeded exec-cwd "$TEST_TMP/control" || return 0
	(cd "$TEST_TMP/hostdir" && timeout 30 "$LAUNCH" exec "$BOX_NAME" attack cwd secret) \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err"
	attack_verdict_file exec-cwd "$TEST_TMP/out"
	assertEquals "the command starts in the container's /" cwd=/ "$(grep '^cwd=' "$TEST_TMP/out")"
	# -w resolves inside the container: a symlink there cannot lead out.
	box_cmd exec "$BOX_NAME" ln -s "$TEST_TMP/hostdir" /tmp/out-link
	(cd "$TEST_TMP/hostdir" && timeout 30 "$LAUNCH" exec -w /tmp/out-link "$BOX_NAME" \
		attack cwd secret) >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertEquals "a -w through a symlink to a host path fails (stderr: $(cat "$TEST_TMP/err"))" \
		"" "$(grep '^content=' "$TEST_TMP/out")"
}

. "$SHUNIT2"
