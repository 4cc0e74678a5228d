#!/bin/bash
# SPDX-License-Identifier: MIT
# The command's environment, working directory, user, volumes, a read-only root and the
# capability set, each checked from inside the container.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

test_env_option_sets_variables()
{
	require_root || return 0
	box_run -e BT_ONE=1 -e 'BT_TWO=a b=c' --env BT_THREE= -- probe env
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "BT_ONE: $(cat "$TEST_TMP/out")" "grep -qx 'env=BT_ONE=1' '$TEST_TMP/out'"
	assertTrue "BT_TWO keeps spaces and =" "grep -qx 'env=BT_TWO=a b=c' '$TEST_TMP/out'"
	assertTrue "BT_THREE empty" "grep -qx 'env=BT_THREE=' '$TEST_TMP/out'"
}

test_env_name_alone_copies_the_hosts_value()
{
	require_root || return 0
	BT_FROM_HOST='x y' box_run -e BT_FROM_HOST -e BT_UNSET_ON_HOST -- probe env
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "copied: $(cat "$TEST_TMP/out")" "grep -qx 'env=BT_FROM_HOST=x y' '$TEST_TMP/out'"
	assertFalse "unset stays unset" "grep -q 'BT_UNSET_ON_HOST' '$TEST_TMP/out'"
}

test_host_environment_does_not_leak_in()
{
	require_root || return 0
	BT_HOST_SECRET=leak box_run -- probe env
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertFalse "host variable inside: $(cat "$TEST_TMP/out")" \
		"grep -q BT_HOST_SECRET '$TEST_TMP/out'"
	assertTrue "PATH is set" "grep -q '^env=PATH=/' '$TEST_TMP/out'"
}

test_workdir_option_sets_the_cwd()
{
	require_root || return 0
	box_run -w /etc -- probe cwd
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals /etc "$(kv "$TEST_TMP/out" cwd)"
	box_run --workdir /tmp -- probe cwd
	assertEquals /tmp "$(kv "$TEST_TMP/out" cwd)"
}

test_default_workdir_is_the_root()
{
	require_root || return 0
	box_run -- probe cwd
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals / "$(kv "$TEST_TMP/out" cwd)"
}

test_user_option_sets_uid_and_gid()
{
	require_root || return 0
	box_run -u 65534:65534 -- probe ids
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "uid" 65534 "$(kv "$TEST_TMP/out" uid)"
	assertEquals "euid" 65534 "$(kv "$TEST_TMP/out" euid)"
	assertEquals "gid" 65534 "$(kv "$TEST_TMP/out" gid)"
	assertEquals "groups" 65534 "$(kv "$TEST_TMP/out" groups)"
}

test_user_option_uid_only()
{
	require_root || return 0
	box_run --user 1234 -- probe ids
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "uid" 1234 "$(kv "$TEST_TMP/out" uid)"
}

test_non_root_user_cannot_write_the_root()
{
	require_root || return 0
	box_run -u 65534:65534 -- sh -c 'echo x >/bt-should-not-exist'
	assertNotEquals "the write was refused" 0 "$BOX_RC"
	assertFalse "no file in the rootfs" "[ -e '$BOX_ROOTFS/bt-should-not-exist' ]"
	rm -f "$BOX_ROOTFS/bt-should-not-exist"
}

test_volume_is_shared_read_write()
{
	require_root || return 0
	mkdir "$TEST_TMP/vol"
	echo from-host >"$TEST_TMP/vol/in"
	box_run -v "$TEST_TMP/vol:/tmp" -- sh -c 'cat /tmp/in; echo from-box >/tmp/out'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "the host's file is seen" from-host "$(cat "$TEST_TMP/out")"
	assertEquals "the container's file reaches the host" from-box "$(cat "$TEST_TMP/vol/out")"
}

test_read_only_volume_refuses_writes()
{
	require_root || return 0
	mkdir "$TEST_TMP/vol"
	echo from-host >"$TEST_TMP/vol/in"
	box_run -v "$TEST_TMP/vol:/tmp:ro" -- sh -c 'cat /tmp/in; echo x >/tmp/out'
	assertNotEquals "the write failed" 0 "$BOX_RC"
	assertEquals "readable" from-host "$(cat "$TEST_TMP/out")"
	assertFalse "nothing written" "[ -e '$TEST_TMP/vol/out' ]"
	assertTrue "EROFS: $(cat "$TEST_TMP/err")" "grep -qi 'read-only' '$TEST_TMP/err'"
}

test_volume_of_a_file()
{
	require_root || return 0
	echo one-file >"$TEST_TMP/file"
	box_run -v "$TEST_TMP/file:/etc/hostname:ro" -- cat /etc/hostname
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals one-file "$(cat "$TEST_TMP/out")"
}

test_symlinked_volume_destination_resolves_inside_the_rootfs()
{
	require_root || return 0
	local root=$TEST_TMP/rootfs
	cp -a "$BOX_ROOTFS" "$root"
	mkdir "$TEST_TMP/vol"
	echo volfile >"$TEST_TMP/vol/f"
	# Both would point at the host's /tmp if followed outside the rootfs.
	ln -s /tmp "$root/abs-link"
	ln -s ../../../../../../../../../tmp "$root/rel-link"
	ROOTFS=$root box_run -v "$TEST_TMP/vol:/abs-link/bt-$BT_PREFIX-a" \
		-v "$TEST_TMP/vol:/rel-link/bt-$BT_PREFIX-r" -- \
		sh -c "cat /tmp/bt-$BT_PREFIX-a/f /tmp/bt-$BT_PREFIX-r/f"
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "mounted in the container's /tmp" "volfile volfile" "$(echo $(cat "$TEST_TMP/out"))"
	assertFalse "nothing made in the host's /tmp" "ls -d /tmp/bt-$BT_PREFIX-* 2>/dev/null"
	rm -rf --one-file-system "$root"
}

test_stdin_reaches_the_command_with_interactive()
{
	require_root || return 0
	echo "from stdin" >"$TEST_TMP/in"
	STDIN=$TEST_TMP/in box_run -i -- cat
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "from stdin" "$(cat "$TEST_TMP/out")"
	# A pipe, too, handed over as it is: EOF reaches the command.
	_bt_cmdline -i -- sh -c 'cat; echo eof'
	echo piped | timeout -k 10 60 "${BT_CMD[@]}" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertEquals "from a pipe" "piped eof" "$(echo $(cat "$TEST_TMP/out"))"
}

# Docker's default: without -i (and without a terminal) the command reads /dev/null, so a
# container in a script's loop cannot eat the loop's input.
test_stdin_is_dev_null_without_interactive()
{
	require_root || return 0
	echo "from stdin" >"$TEST_TMP/in"
	STDIN=$TEST_TMP/in box_run -- sh -c 'cat; readlink /proc/self/fd/0'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "nothing read, /dev/null" /dev/null "$(cat "$TEST_TMP/out")"
}

test_stdout_and_stderr_stay_apart()
{
	require_root || return 0
	box_run -- sh -c 'echo to-out; echo to-err >&2'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals to-out "$(cat "$TEST_TMP/out")"
	assertEquals to-err "$(cat "$TEST_TMP/err")"
}

test_read_only_makes_the_root_read_only()
{
	require_root || return 0
	box_run --read-only -- sh -c 'probe mounts; touch /bt-ro-test'
	assertNotEquals "touch / failed" 0 "$BOX_RC"
	assertFalse "no file in the rootfs" "[ -e '$BOX_ROOTFS/bt-ro-test' ]"
	rm -f "$BOX_ROOTFS/bt-ro-test"
	assertTrue "/ is mounted ro: $(grep '^mount=/ ' "$TEST_TMP/out")" \
		"grep -Eq '^mount=/ .* opts=ro(,|\$)' '$TEST_TMP/out'"
}

test_read_only_keeps_the_kernel_filesystems()
{
	require_root || return 0
	box_run --read-only -- sh -c 'cat /proc/1/comm; echo x >/dev/null; ls /dev/pts >/dev/null'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals boxinit "$(cat "$TEST_TMP/out")"
}

test_read_only_with_a_writable_volume()
{
	require_root || return 0
	mkdir "$TEST_TMP/vol"
	box_run --read-only -v "$TEST_TMP/vol:/tmp" -- sh -c 'echo ok >/tmp/f'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals ok "$(cat "$TEST_TMP/vol/f")"
}

test_default_capabilities_are_podmans_11()
{
	require_root || return 0
	box_run -- probe caps
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	# chown dac_override fowner fsetid kill setgid setuid setpcap net_bind_service
	# sys_chroot setfcap: no net_raw, mknod, audit_write
	assertEquals "bounding set" 00000000800405fb "$(kv "$TEST_TMP/out" capbnd)"
	assertEquals "effective set" 00000000800405fb "$(kv "$TEST_TMP/out" capeff)"
}

test_cap_add_brings_back_what_docker_gives()
{
	require_root || return 0
	box_run --cap-add NET_RAW,MKNOD,AUDIT_WRITE -- probe caps
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "Docker's 14" 00000000a80425fb "$(kv "$TEST_TMP/out" capeff)"
}

test_privileged_keeps_every_capability()
{
	require_root || return 0
	box_run --privileged -- probe caps
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "bounding set" "$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)" \
		"$(kv "$TEST_TMP/out" capbnd)"
}

. "$SHUNIT2"
