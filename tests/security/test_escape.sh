#!/bin/bash
# SPDX-License-Identifier: MIT
# The escape battery: each test is one classic container escape, run as root by
# build/attack inside a default container, where it must be blocked, and first as a
# control where it must work (on the host, or in a --privileged container when that is
# harmless), so a "blocked" can never come from a broken attack. Ends "N attacks, N blocked".
# Controls never write a device, /proc/sysrq-trigger or a kernel setting's value, never
# load a module, and touch only processes, files and cgroups this suite made.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../launch/launch_lib.sh"
. "$(dirname "$0")/sec_lib.sh"

# A sleep on the host that the attacks aim at; tearDown kills it.
host_sleep()
{
	sleep 300 &
	HOST_PID=$!
	track_pid "$HOST_PID"
}

test_chroot_escape_with_a_second_chroot()
{
	require_root || return 0
	# Control: in a plain chroot (the tutorial's), climbing out reaches the host's root.
	chroot "$BOX_ROOTFS" /bin/attack chroot >"$TEST_TMP/control" 2>&1
	control_succeeded chroot "$TEST_TMP/control" || return 0
	assertEquals "the host's root" "$(stat -c '%d:%i' /)" "$(kv "$TEST_TMP/control" root_after)"
	box_run -- attack chroot
	assertEquals "chroot itself is allowed (CAP_SYS_CHROOT)" ok "$(kv "$TEST_TMP/out" chroot)"
	attack_blocked chroot
	assertEquals "still in the rootfs" "$(stat -c '%d:%i' "$BOX_ROOTFS")" \
		"$(kv "$TEST_TMP/out" root_after)"
}

test_proc_1_exe_cannot_be_opened_for_writing()
{
	require_root || return 0
	local sum
	# Control: runc's CVE-2019-5736 technique against a file-backed binary (a copy of the
	# probe the suite runs): hold /proc/PID/exe, reopen it for writing once it exits.
	cp "$PROBE" "$TEST_TMP/victim"
	"$TEST_TMP/victim" sleep 0.3 >/dev/null &
	track_pid $!
	"$ATTACK" exe $! 10 >"$TEST_TMP/control" 2>&1
	control_succeeded proc-exe "$TEST_TMP/control" || return 0
	assertEquals "the copy was overwritten" BOXATTACK "$(head -c 9 "$TEST_TMP/victim")"
	sum=$(sha256sum <"$BOXINIT")
	box_run -- attack exe 1 1
	attack_blocked proc-exe
	assertEquals "the host's boxinit is unchanged" "$sum" "$(sha256sum <"$BOXINIT")"
	assertNotEquals "PID 1's exe is not the host's file" "$(stat -Lc '%d:%i' "$BOXINIT")" \
		"$(kv "$TEST_TMP/out" exe)"
	# F_SEAL_SEAL|SHRINK|GROW|WRITE: the memfd copy can never change.
	assertEquals "sealed: $(cat "$TEST_TMP/out")" 15 "$(kv "$TEST_TMP/out" seals)"
}

test_host_block_devices_cannot_be_read()
{
	require_root || return 0
	# Control: root on the host reads its disks (512 bytes, never written).
	"$ATTACK" blockdevs >"$TEST_TMP/control" 2>&1
	if ! grep -qx outcome=succeeded "$TEST_TMP/control"; then
		skip_test "this host has no readable block device"
		return 0
	fi
	control_succeeded blockdevs "$TEST_TMP/control"
	box_run -- attack blockdevs
	attack_blocked read-host-blockdev
	assertEquals "no block device in /dev" 0 "$(kv "$TEST_TMP/out" found)"
}

# The host's root filesystem's device, MAJOR:MINOR FSTYPE.
root_device()
{
	local dev fs
	read -r dev fs < <(findmnt -no MAJ:MIN,FSTYPE / 2>/dev/null)
	[ -n "$dev" ] && [ -e "/sys/dev/block/$dev" ] || return 1
	echo "$dev $fs"
}

test_mknod_of_a_disk_cannot_be_read()
{
	require_root || return 0
	local dev fs
	if ! read -r dev fs < <(root_device); then
		skip_test "the host's root is not on a block device"
		return 0
	fi
	# Control: privileged (every device allowed), the node reads the disk.
	box_control --privileged -- attack mknod b "$dev"
	if ! grep -qx outcome=succeeded "$TEST_TMP/control" && ! "$ATTACK" blockdevs |
		grep -qx outcome=succeeded; then
		skip_test "root on this host cannot open its disks either (host policy): no control"
		return 0
	fi
	control_succeeded mknod-disk "$TEST_TMP/control" || return 0
	box_run -- attack mknod b "$dev"
	assertEquals "mknod is allowed (CAP_MKNOD)" ok "$(kv "$TEST_TMP/out" mknod)"
	attack_blocked mknod-disk
	assertEquals "the device cgroup refuses it" EPERM "$(kv "$TEST_TMP/out" open)"
}

test_mknod_of_a_device_outside_dev_cannot_be_opened()
{
	require_root || return 0
	# /dev/loop-control (10:237): opening it needs no capability, only the device cgroup
	# stands in the way. Control: privileged, it opens.
	box_control --privileged -- attack mknod c 10:237
	control_succeeded mknod-char "$TEST_TMP/control" || return 0
	box_run -- attack mknod c 10:237
	assertEquals "mknod is allowed (CAP_MKNOD)" ok "$(kv "$TEST_TMP/out" mknod)"
	attack_blocked mknod-loop-control
	assertEquals "the device cgroup refuses it" EPERM "$(kv "$TEST_TMP/out" open)"
}

test_host_disk_cannot_be_mounted()
{
	require_root || return 0
	local dev fs
	if ! read -r dev fs < <(root_device); then
		skip_test "the host's root is not on a block device"
		return 0
	fi
	# Control: privileged, the host's root filesystem mounts (in the container's own mount
	# namespace, nosuid,nodev,noexec; listed and detached at once).
	box_control --privileged -- attack mount "$dev" "$fs"
	control_succeeded mount-disk "$TEST_TMP/control" || return 0
	box_run -- attack mount "$dev" "$fs"
	attack_blocked mount-disk
}

test_sysrq_trigger_cannot_be_written()
{
	require_root || return 0
	[ -e /proc/sysrq-trigger ] || { skip_test "no /proc/sysrq-trigger"; return 0; }
	# Control: privileged, it opens for writing. Nothing is ever written to it.
	box_control --privileged -- attack open-write /proc/sysrq-trigger
	control_succeeded sysrq "$TEST_TMP/control" || return 0
	box_run -- attack open-write /proc/sysrq-trigger
	attack_blocked sysrq-trigger
}

test_kernel_sysctl_cannot_be_written()
{
	require_root || return 0
	local f=/proc/sys/kernel/printk_ratelimit before
	[ -e "$f" ] || { skip_test "no $f"; return 0; }
	before=$(cat "$f")
	# Control: privileged, the value is written back unchanged.
	box_control --privileged -- attack rewrite "$f"
	control_succeeded sysctl "$TEST_TMP/control" || return 0
	box_run -- attack rewrite "$f"
	attack_blocked proc-sys-kernel
	assertEquals "EROFS: /proc/sys is read-only" EROFS "$(kv "$TEST_TMP/out" open_write)"
	assertEquals "unchanged" "$before" "$(cat "$f")"
}

test_kernel_module_cannot_be_loaded()
{
	require_root || return 0
	# Control: privileged, init_module reaches the kernel, which refuses an image of zeros
	# (ENOEXEC), or has no module support (ENOSYS): anything but EPERM.
	box_control --privileged -- attack module
	control_succeeded module "$TEST_TMP/control" || return 0
	box_run -- attack module
	attack_blocked kernel-module
}

test_host_process_cannot_be_traced_or_killed()
{
	require_root || return 0
	host_sleep
	# Control: on the host, the attack traces and kills our own sleep.
	"$ATTACK" kill "$HOST_PID" >"$TEST_TMP/control" 2>&1
	control_succeeded kill "$TEST_TMP/control" || return 0
	wait_until 5 proc_dead "$HOST_PID" || fail "the control did not kill $HOST_PID"
	host_sleep
	box_run -- attack kill "$HOST_PID"
	attack_blocked kill-host-process
	assertTrue "the host's process lives" "proc_alive $HOST_PID"
}

test_host_pids_are_invisible()
{
	require_root || return 0
	host_sleep
	"$ATTACK" see-pid "$HOST_PID" >"$TEST_TMP/control" 2>&1
	control_succeeded see-pid "$TEST_TMP/control" || return 0
	box_run -- attack see-pid "$HOST_PID"
	attack_blocked see-host-pids
}

test_host_mounts_are_invisible()
{
	require_root || return 0
	local point=/sys/fs/cgroup
	"$ATTACK" see-mount "$point" >"$TEST_TMP/control" 2>&1
	control_succeeded see-mount "$TEST_TMP/control" || return 0
	box_run -- attack see-mount "$point"
	attack_blocked see-host-mounts
}

test_host_network_interfaces_are_invisible()
{
	require_root || return 0
	"$ATTACK" see-net >"$TEST_TMP/control" 2>&1
	if ! grep -qx outcome=succeeded "$TEST_TMP/control"; then
		skip_test "the host has no interface but lo"
		return 0
	fi
	control_succeeded see-net "$TEST_TMP/control"
	box_run -- attack see-net
	attack_blocked see-host-interfaces
}

test_leaked_host_descriptor_is_unusable()
{
	require_root || return 0
	mkdir "$TEST_TMP/hostdir"
	echo host-secret >"$TEST_TMP/hostdir/secret"
	# Control: a process that inherits a host directory's descriptor reads through it.
	"$ATTACK" fd 7 secret 7<"$TEST_TMP/hostdir" >"$TEST_TMP/control" 2>&1
	control_succeeded leaked-fd "$TEST_TMP/control" || return 0
	# launch inherits the same descriptor 7; the container must not.
	box_run -- attack fd 7 secret 7<"$TEST_TMP/hostdir"
	attack_blocked leaked-host-fd
	assertEquals "descriptor 7 is closed" EBADF "$(kv "$TEST_TMP/out" openat)"
}

test_keyring_cannot_be_used()
{
	require_root || return 0
	# Control: without the seccomp filter (--privileged, or only --seccomp unconfined), root
	# adds a key (to the attack's own process keyring, gone when it exits).
	box_control --seccomp unconfined -- attack keyring
	control_succeeded keyring "$TEST_TMP/control" || return 0
	box_run -- attack keyring
	attack_blocked keyctl-add-key
}

# The cgroup directory of the host control, in the pids hierarchy (v1) or the unified one.
control_cgroup_dir()
{
	if [ "$(cgroup_mode)" = v2 ]; then
		echo "/sys/fs/cgroup$BOX_TEST_CGROUP_PARENT/$BT_PREFIX-escape"
	else
		echo "/sys/fs/cgroup/pids$BOX_TEST_CGROUP_PARENT/$BT_PREFIX-escape"
	fi
}

test_cgroup_cannot_be_left()
{
	require_root || return 0
	local cg
	cg=$(control_cgroup_dir)
	# Control: a process that sees its cgroup hierarchy moves itself into the parent.
	mkdir -p "$cg/inner" || { fail "mkdir $cg/inner"; return 0; }
	sh -c 'echo $$ >"$1/inner/cgroup.procs" && exec "$2" cgroup "$1/cgroup.procs"' \
		sh "$cg" "$ATTACK" >"$TEST_TMP/control" 2>&1
	rmdir "$cg/inner" "$cg"
	control_succeeded cgroup "$TEST_TMP/control" || return 0
	box_run -- sh -c 'attack cgroup; probe cgroup'
	attack_blocked leave-cgroup
	assertEquals "still at the root of its cgroup namespace" "" \
		"$(grep '^cgroup=' "$TEST_TMP/out" | grep -v ':/$')"
}

test_read_only_root_cannot_be_remounted()
{
	require_root || return 0
	box_control --privileged --read-only -- attack remount /
	control_succeeded remount-root "$TEST_TMP/control" || return 0
	box_run --read-only -- attack remount /
	attack_blocked remount-root-rw
}

test_sys_cannot_be_remounted()
{
	require_root || return 0
	# Control: privileged, /sys (the container's own sysfs) becomes writable.
	box_control --privileged -- attack remount /sys sb
	control_succeeded remount-sys "$TEST_TMP/control" || return 0
	box_run -- attack remount /sys sb
	attack_blocked remount-sys-rw
}

test_user_namespace_cannot_be_created()
{
	require_root || return 0
	# Control: without the seccomp filter, root makes one.
	box_control --seccomp unconfined -- attack userns
	control_succeeded userns "$TEST_TMP/control" || return 0
	box_run -- attack userns
	attack_blocked new-user-namespace
}

test_masked_paths_cannot_be_read()
{
	require_root || return 0
	box_control --privileged -- attack masked
	control_succeeded masked "$TEST_TMP/control" || return 0
	box_run -- attack masked
	attack_blocked read-masked-paths
}

. "$SHUNIT2"
