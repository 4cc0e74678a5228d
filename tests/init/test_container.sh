#!/bin/bash
# SPDX-License-Identifier: MIT
# boxinit --container as PID 1 of fresh mount/pid/ipc/uts namespaces, chrooted into the busybox
# rootfs (as launch would pivot into it): /proc, /sys read-only, a fresh /dev with exactly its
# nodes, pts, shm, mqueue, and the command with podman's default 11 capabilities (all of them
# with --privileged). Without --container boxinit mounts nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"

# CAP_CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT
# SETFCAP: Docker's 14 without NET_RAW, MKNOD and AUDIT_WRITE
DEFAULT_CAPS=00000000800405fb

# A private copy of the rootfs with boxinit in it: the shared one is left as it is.
box_suite_setup()
{
	private_rootfs_make
}

box_suite_teardown()
{
	private_rootfs_remove
}

# in_container [BOXINIT ARGS...] -- CMD...: output in $TEST_TMP/out and err, status in EXIT_CODE.
in_container()
{
	[ -n "$CROOT" ] || {
		fail "no test rootfs"
		return 1
	}
	timeout -k 5 30 unshare --mount --pid --ipc --uts --fork --kill-child \
		chroot "$CROOT" /sbin/boxinit --container "$@" \
		<"${STDIN:-/dev/null}" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	EXIT_CODE=$?
}

mount_line()
{
	grep "^mount=$1 " "$TEST_TMP/out"
}

test_container_mounts_proc_sys_readonly_and_kernel_filesystems_in_dev()
{
	in_container -- /bin/probe mounts
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$EXIT_CODE"
	assertTrue "/proc is proc" "mount_line /proc | grep -q 'fstype=proc '"
	assertTrue "/sys is sysfs" "mount_line /sys | grep -q 'fstype=sysfs '"
	assertTrue "/sys is read-only" "mount_line /sys | grep -qE 'opts=ro(,|$)'"
	assertTrue "/dev is a tmpfs" "mount_line /dev | grep -q 'fstype=tmpfs '"
	assertTrue "/dev/pts is devpts" "mount_line /dev/pts | grep -q 'fstype=devpts '"
	assertTrue "/dev/shm is a tmpfs" "mount_line /dev/shm | grep -q 'fstype=tmpfs '"
	assertTrue "/dev/mqueue is mqueue" "mount_line /dev/mqueue | grep -q 'fstype=mqueue '"
	assertTrue "/proc/sys is read-only" "mount_line /proc/sys | grep -qE 'opts=ro(,|$)'"
}

test_container_dev_holds_exactly_the_expected_nodes()
{
	local expected
	in_container -- /bin/probe ls-dev
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$EXIT_CODE"
	expected="fd l /proc/self/fd
full c 1:7
mqueue d
null c 1:3
ptmx l pts/ptmx
pts d
random c 1:8
shm d
stderr l /proc/self/fd/2
stdin l /proc/self/fd/0
stdout l /proc/self/fd/1
tty c 5:0
urandom c 1:9
zero c 1:5"
	assertEquals "/dev (no terminal, so no console)" "$expected" "$(
		sed -E 's/^dev=([^ ]*) type=(.)( rdev=([^ ]*))?( target=([^ ]*))? mode=.*/\1 \2 \4 \6/; s/ +$//; s/  +/ /g' \
			"$TEST_TMP/out" | sort)"
}

test_container_console_is_the_terminal_under_a_pty()
{
	require_command script || return 0
	[ -n "$CROOT" ] || fail "no test rootfs"
	timeout -k 5 30 script -qec "unshare --mount --pid --ipc --uts --fork --kill-child \
		chroot '$CROOT' /sbin/boxinit --container -- /bin/probe ls-dev" /dev/null </dev/null |
		tr -d '\r' >"$TEST_TMP/out"
	# A bind of the terminal, or (where the kernel refuses that bind) a link to PID 1's stdin.
	assertTrue "/dev/console is the terminal: $(cat "$TEST_TMP/out")" \
		"grep -qE '^dev=console type=(c |l target=/proc/1/fd/0 )' '$TEST_TMP/out'"
}

test_container_drops_the_commands_capabilities_to_podmans_default_11()
{
	in_container -- /bin/probe caps
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$EXIT_CODE"
	assertEquals "effective" $DEFAULT_CAPS "$(kv "$TEST_TMP/out" capeff)"
	assertEquals "permitted" $DEFAULT_CAPS "$(kv "$TEST_TMP/out" capprm)"
	assertEquals "bounding" $DEFAULT_CAPS "$(kv "$TEST_TMP/out" capbnd)"
	assertEquals "ambient" 0000000000000000 "$(kv "$TEST_TMP/out" capamb)"
	# Inheritable may be empty (as runc does now) or the 11, never more.
	assertEquals "inheritable within the 11" 0 \
		$((0x$(kv "$TEST_TMP/out" capinh) & ~0x$DEFAULT_CAPS))
}

test_container_privileged_keeps_every_capability()
{
	in_container --privileged -- /bin/probe caps
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$EXIT_CODE"
	assertEquals "effective" "$(proc_status_field $$ CapBnd)" "$(kv "$TEST_TMP/out" capeff)"
	assertEquals "bounding" "$(proc_status_field $$ CapBnd)" "$(kv "$TEST_TMP/out" capbnd)"
}

# Docker's masked paths that this host's kernel has: files read empty, directories list empty.
test_container_masks_kernel_files_in_proc_and_sys()
{
	local p script='' expected=''
	for p in /proc/asound /proc/acpi /proc/kcore /proc/keys /proc/latency_stats \
		/proc/timer_list /proc/timer_stats /proc/sched_debug /proc/scsi /sys/firmware \
		/sys/devices/virtual/powercap; do
		if [ -d "$p" ]; then
			script="$script echo $p \$(ls -A $p | wc -l);"
		elif [ -e "$p" ]; then
			script="$script echo $p \$(wc -c <$p);"
		else
			continue
		fi
		expected="$expected$p 0 "
	done
	assertNotNull "this host has some of the masked paths" "$expected"
	in_container -- /bin/sh -c "$script"
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$EXIT_CODE"
	assertEquals "masked paths and their size" "$expected" "$(tr -s ' \n' ' ' <"$TEST_TMP/out")"
}

test_container_boxinit_is_pid1_named_boxinit()
{
	in_container -- /bin/sh -c 'cat /proc/1/comm; echo $PPID'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$EXIT_CODE"
	assertEquals "PID 1's name, the command's parent" "boxinit 1" "$(tr '\n' ' ' <"$TEST_TMP/out" | sed 's/ $//')"
}

test_without_container_boxinit_mounts_nothing()
{
	timeout -k 5 30 unshare --mount --pid --fork --kill-child --mount-proc \
		sh -c "'$PROBE' mounts >'$TEST_TMP/direct'; '$BOXINIT' -- '$PROBE' mounts >'$TEST_TMP/boxinit'"
	assertNotNull "mounts listed" "$(cat "$TEST_TMP/direct")"
	assertEquals "mounts seen through boxinit" "$(cat "$TEST_TMP/direct")" "$(cat "$TEST_TMP/boxinit")"
}

. "$SHUNIT2"
