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
	# PID 1 is not dumpable: /proc/1/exe does not even open inside.
	assertEquals "PID 1's exe is out of reach" EACCES "$(kv "$TEST_TMP/out" open_path)"
	# Behind that, from the host, CVE-2019-5736's own way: hold PID 1's exe, reopen it for
	# writing once the container is gone. PID 1 runs the host's file through a private
	# read-only mount: EROFS.
	READY=ready=1 box_start -- probe sleep 30 || return 0
	assertEquals "PID 1 runs the host's boxinit (shared pages)" "$(stat -Lc '%d:%i' "$BOXINIT")" \
		"$(stat -Lc '%d:%i' "/proc/$BOX_INIT_PID/exe")"
	assertEquals "a write through PID 1's exe, after the end" EROFS "$(exe_write_after_end)"
	# With CAP_SYS_ADMIN the container could make that mount writable (mount_setattr on a
	# descriptor of it): such a container gets a sealed memfd copy.
	READY=ready=1 box_start --cap-add SYS_ADMIN -- probe sleep 30 || return 0
	assertNotEquals "with CAP_SYS_ADMIN, not the host's file" "$(stat -Lc '%d:%i' "$BOXINIT")" \
		"$(stat -Lc '%d:%i' "/proc/$BOX_INIT_PID/exe")"
	# F_SEAL_SEAL|SHRINK|GROW|WRITE (15): the copy can never change.
	assertEquals "sealed" 15 "$(python3 -c 'import fcntl, os, sys
fd = os.open("/proc/%s/exe" % sys.argv[1], os.O_RDONLY)
print(fcntl.fcntl(fd, 1034))' "$BOX_INIT_PID")"
	assertEquals "a write through PID 1's exe, after the end" EPERM "$(exe_write_after_end)"
	assertEquals "the host's boxinit is unchanged" "$sum" "$(sha256sum <"$BOXINIT")"
}

# Holds /proc/$BOX_INIT_PID/exe, stops the container (box_start's), then opens the held file
# for writing and writes: prints ok or the errno's name.
exe_write_after_end()
{
	python3 -c 'import errno, os, signal, sys, time
fd = os.open("/proc/%s/exe" % sys.argv[1], os.O_PATH)
os.kill(int(sys.argv[2]), signal.SIGTERM)
while os.path.exists("/proc/%s" % sys.argv[2]):
    time.sleep(0.05)
try:
    w = os.open("/proc/self/fd/%d" % fd, os.O_WRONLY)
    os.write(w, b"BOXATTACK")
    print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])' "$BOX_INIT_PID" "$BOX_PID"
	box_wait 20
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
	# By default CAP_MKNOD is not there at all.
	box_run -- attack mknod b "$dev"
	attack_blocked mknod-disk
	assertEquals "no CAP_MKNOD" EPERM "$(kv "$TEST_TMP/out" mknod)"
	# Given back, the node is made, and the device cgroup still refuses to open it.
	box_run --cap-add MKNOD -- attack mknod b "$dev"
	assertEquals "mknod is allowed (--cap-add MKNOD)" ok "$(kv "$TEST_TMP/out" mknod)"
	attack_blocked mknod-disk-with-cap-mknod
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
	attack_blocked mknod-loop-control
	assertEquals "no CAP_MKNOD" EPERM "$(kv "$TEST_TMP/out" mknod)"
	box_run --cap-add MKNOD -- attack mknod c 10:237
	attack_blocked mknod-loop-control-with-cap-mknod
	if [ -n "${BOX_TEST_USERNS:-}" ]; then
		# A user namespace makes no device node, whatever its capabilities.
		assertEquals "mknod is refused (--userns)" EPERM "$(kv "$TEST_TMP/out" mknod)"
	else
		assertEquals "mknod is allowed (--cap-add MKNOD)" ok "$(kv "$TEST_TMP/out" mknod)"
		assertEquals "the device cgroup refuses it" EPERM "$(kv "$TEST_TMP/out" open)"
	fi
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
	if [ -n "${BOX_TEST_USERNS:-}" ]; then
		# The host's settings belong to the host's root, not the namespace's.
		assertEquals "EACCES: not the namespace's file" EACCES \
			"$(kv "$TEST_TMP/out" open_write)"
	else
		assertEquals "EROFS: /proc/sys is read-only" EROFS "$(kv "$TEST_TMP/out" open_write)"
	fi
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

# seccomp_refuses CALL ERRNO CONTROL-OPTION: the default profile answers attack's CALL
# with ERRNO; the control, without the filter (--seccomp unconfined, or --privileged where
# the kernel wants a capability first), gets another answer: the kernel's own, so the ERRNO
# seen in the container is the filter's.
seccomp_refuses()
{
	require_root || return 0
	box_control "$3" -- attack syscall "$1" "$2"
	control_succeeded "$1" "$TEST_TMP/control" || return 0
	assertNotEquals "$1 without the filter" "$2" "$(kv "$TEST_TMP/control" errno)"
	box_run -- attack syscall "$1" "$2"
	attack_blocked "seccomp-$1"
	assertEquals "$1 in a default container" "$2" "$(kv "$TEST_TMP/out" errno)"
}

test_io_uring_setup_gets_eperm()
{
	seccomp_refuses io_uring_setup EPERM --seccomp=unconfined
}

test_userfaultfd_gets_eperm()
{
	seccomp_refuses userfaultfd EPERM --seccomp=unconfined
}

# Unprivileged bpf is off on most hosts (the kernel's EPERM): the control needs the cap.
test_bpf_gets_eperm()
{
	seccomp_refuses bpf EPERM --privileged
}

test_perf_event_open_gets_eperm()
{
	seccomp_refuses perf_event_open EPERM --seccomp=unconfined
}

# The kernel wants CAP_DAC_READ_SEARCH before anything else.
test_open_by_handle_at_gets_eperm()
{
	seccomp_refuses open_by_handle_at EPERM --privileged
}

# The kernel wants CAP_SYS_BOOT first (a kernel without kexec says ENOSYS).
test_kexec_load_gets_eperm()
{
	seccomp_refuses kexec_load EPERM --privileged
}

# The new mount API: fsopen and move_mount want CAP_SYS_ADMIN before their arguments.
test_fsopen_gets_eperm()
{
	seccomp_refuses fsopen EPERM --privileged
}

test_open_tree_gets_eperm()
{
	seccomp_refuses open_tree EPERM --seccomp=unconfined
}

test_move_mount_gets_eperm()
{
	seccomp_refuses move_mount EPERM --privileged
}

test_mount_setattr_gets_eperm()
{
	seccomp_refuses mount_setattr EPERM --seccomp=unconfined
}

# clone3's flags lie in memory the filter cannot read: the call itself is not there, as on
# an old kernel; the control makes a user and UTS namespace child.
test_clone3_with_namespace_flags_gets_enosys()
{
	seccomp_refuses clone3-namespaces ENOSYS --seccomp=unconfined
}

# A persona other than Docker's five (here ADDR_NO_RANDOMIZE) is not in the allowlist.
test_personality_with_a_forbidden_value_gets_enosys()
{
	seccomp_refuses personality ENOSYS --seccomp=unconfined
}

# Calls no list names get the default answer: mseal (newer than the filter's libseccomp), or
# on a kernel without it move_pages or migrate_pages; the control needs one the kernel has.
test_unlisted_system_call_gets_enosys()
{
	seccomp_refuses unlisted ENOSYS --seccomp=unconfined
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

# Every directory mask is one empty read-only tmpfs (core/rootfs.c: a superblock per mask
# costs memory in every memory cgroup), bound where each mask goes: same device, read-only,
# and still nothing to read (the test above) nor to write.
test_directory_masks_share_one_read_only_tmpfs()
{
	require_root || return 0
	local dirs=() d
	for d in /proc/acpi /proc/asound /proc/scsi /sys/firmware /sys/devices/virtual/powercap; do
		[ -d "$d" ] && dirs+=("$d")
	done
	[ ${#dirs[@]} -ge 2 ] || { skip_test "fewer than two masked directories on this host"; return 0; }
	box_run -- sh -c 'awk "\$5 == \"/proc/acpi\" || \$5 == \"/proc/asound\" ||
		\$5 == \"/proc/scsi\" || \$5 == \"/sys/firmware\" ||
		\$5 == \"/sys/devices/virtual/powercap\" { print \$5, \$3, \$6 }" /proc/self/mountinfo
		for d in "$@"; do touch "$d/x" 2>/dev/null && echo "wrote $d"; done; true' \
		sh "${dirs[@]}"
	assertEquals "exit: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "one mount per masked directory: $(cat "$TEST_TMP/out")" ${#dirs[@]} \
		"$(grep -c '^/' "$TEST_TMP/out")"
	assertEquals "one device for all: $(cat "$TEST_TMP/out")" 1 \
		"$(awk '/^\// { print $2 }' "$TEST_TMP/out" | sort -u | wc -l)"
	assertEquals "all read-only: $(cat "$TEST_TMP/out")" 0 \
		"$(awk '/^\// && $3 !~ /^ro(,|$)/' "$TEST_TMP/out" | wc -l)"
	assertFalse "a mask took a file: $(cat "$TEST_TMP/out")" "grep -q '^wrote' '$TEST_TMP/out'"
}

# --- the terminal ------------------------------------------------------------------------------

# Words single-quoted for a shell line typed into a terminal (none of them holds a quote).
sq()
{
	printf "'%s' " "$@"
}

# Types CMDLINE into an interactive bash on a new terminal, then a marker once it is done:
# whatever the command pushed into the terminal's input runs in that shell before the marker.
shell_on_a_terminal()
{
	PTY_OPTS=()
	PTY_STEPS=('expect=PROMPT> ' "send=$1; echo attack-rc=\$?\n" 'expect=attack-rc='
		'expect=PROMPT> ' 'send=echo MARK-DONE\n' 'expect=MARK-DONE\r\n' 'send=exit\n')
	pty_raw env PS1='PROMPT> ' bash --norc --noprofile -i
}

# The review's finding: started from an interactive terminal, the container could push a
# command into the host shell's input (TIOCSTI), run as the host's root once launch exits.
test_container_cannot_type_into_the_host_shell()
{
	require_root || return 0
	require_command python3 || return 0
	local flag=$TEST_TMP/pwned
	# Control: the same program run by the shell on its own terminal: the shell runs it.
	shell_on_a_terminal "$(sq "$ATTACK" tiocsti "touch $flag.control")"
	if [ -e "$flag.control" ]; then
		echo "control tiocsti: the shell ran the pushed command"
	else
		fail "control for tiocsti: the shell did not run it (is dev.tty.legacy_tiocsti 0?): $(pty_log)"
		return 0
	fi
	# In a container started from that shell, as nobody (the review's run), as root, and
	# without the seccomp filter: the terminal it holds is its own, not the shell's.
	for opts in "-u 65534" "" "--seccomp unconfined"; do
		# shellcheck disable=SC2086 # the options are words
		_bt_cmdline $opts -- attack tiocsti "touch $flag"
		shell_on_a_terminal "$(sq "${BT_CMD[@]}")"
		assertTrue "the shell came back: $(pty_log)" "grep -q MARK-DONE '$TEST_TMP/pty.log'"
		if [ -e "$flag" ]; then
			attack_verdict "tiocsti-into-host-shell ($opts)" succeeded "$(pty_log)"
			rm -f "$flag"
		else
			attack_verdict "tiocsti-into-host-shell${opts:+ ($opts)}" blocked \
				"the host shell ran nothing"
		fi
	done
}

test_container_cannot_make_the_host_terminal_non_blocking()
{
	require_root || return 0
	require_command python3 || return 0
	PTY_OPTS=()
	PTY_STEPS=(exit)
	# Control: on the host, the same program sets O_NONBLOCK on the terminal's description,
	# which the shell that started it shares (and then reads EAGAIN).
	pty_raw "$ATTACK" nonblock
	if [ "$(kv "$TEST_TMP/pty.out" nonblock)" = 1 ]; then
		echo "control nonblock: the terminal's description became non-blocking"
	else
		fail "control for nonblock did not work: $(cat "$TEST_TMP/pty.out") $(pty_log)"
		return 0
	fi
	pty_run -- attack nonblock
	if [ "$(kv "$TEST_TMP/pty.out" nonblock)" = 0 ] &&
		[ "$(kv "$TEST_TMP/pty.out" modes_same)" = 1 ]; then
		attack_verdict host-terminal-nonblock blocked "the host's description is untouched"
	else
		attack_verdict host-terminal-nonblock succeeded "$(cat "$TEST_TMP/pty.out")"
	fi
}

# Defence in depth: even on its own terminal, TIOCSTI (and TIOCLINUX) are refused.
test_tiocsti_is_refused_on_the_containers_own_terminal()
{
	require_root || return 0
	box_control --seccomp unconfined -t -- attack tiocsti 'echo pushed'
	tr -d '\r' <"$TEST_TMP/control" >"$TEST_TMP/control.n" && mv "$TEST_TMP/control.n" "$TEST_TMP/control"
	control_succeeded tiocsti-own-terminal "$TEST_TMP/control" || return 0
	box_run -t -- attack tiocsti 'echo pushed'
	tr -d '\r' <"$TEST_TMP/out" >"$TEST_TMP/out.n" && mv "$TEST_TMP/out.n" "$TEST_TMP/out"
	attack_blocked tiocsti-seccomp
	assertEquals "EPERM from the filter" EPERM "$(kv "$TEST_TMP/out" tiocsti_0)"
}

# --- the network ---------------------------------------------------------------------------------

# A veth between two network namespaces of this test's own ("host" side A, attacker B),
# held by two sleeps the test tracks: they and the pair are gone when it ends. Unnamed
# (no `ip netns add`, which would mount /run/netns on a fresh host). Sets NS_A, NS_B (the
# pids to nsenter), IF_A, IF_B.
netns_pair()
{
	local self
	self=$(readlink /proc/self/ns/net)
	IF_A=bt$$$1a IF_B=bt$$$1b
	unshare --net sleep 600 &
	NS_A=$!
	track_pid "$NS_A"
	unshare --net sleep 600 &
	NS_B=$!
	track_pid "$NS_B"
	wait_until 5 eval '[ "$(readlink /proc/'"$NS_A"'/ns/net)" != "'"$self"'" ] &&
		[ "$(readlink /proc/'"$NS_B"'/ns/net)" != "'"$self"'" ]' || return 1
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" &&
		in_ns "$NS_A" ip link set lo up && in_ns "$NS_A" ip link set "$IF_A" up &&
		in_ns "$NS_B" ip link set "$IF_B" up
}

# in_ns PID CMD...: CMD in the network namespace of PID.
in_ns()
{
	local pid=$1
	shift
	nsenter -t "$pid" -n "$@"
}

# The host end of the container NAME's veth, from launch's record.
host_ifname()
{
	record_get "$1" net ifname
}

# The review's finding: one router advertisement from a veth container gave the host an
# address in its prefix and (with a lifetime) a default route through the container.
test_router_advertisement_cannot_configure_the_host()
{
	require_root || return 0
	require_command ip || return 0
	[ -d /proc/sys/net/ipv6 ] || { skip_test "no IPv6 on this host"; return 0; }
	local name ifname
	# Control: a link whose far end is configured as a host's by default (accept_ra=1, not
	# forwarding): the advertisement adds an address and a route there.
	netns_pair ra || { fail "make the namespaces"; return 0; }
	in_ns "$NS_A" sysctl -qw net.ipv6.conf.all.forwarding=0 \
		"net.ipv6.conf.$IF_A.accept_ra=1" "net.ipv6.conf.$IF_A.autoconf=1"
	in_ns "$NS_B" "$ATTACK" ra "$IF_B" >"$TEST_TMP/control" 2>&1
	if wait_until 5 eval "in_ns $NS_A ip -6 addr show dev '$IF_A' | grep -q '2001:db8:b0c5:'"; then
		echo "control ra: the far end took an address: $(in_ns "$NS_A" ip -6 -o addr show dev "$IF_A" scope global)"
	else
		fail "control for ra: no address taken: $(cat "$TEST_TMP/control")"
		return 0
	fi
	# A container given CAP_NET_RAW (it is not a default any more) sends the same.
	name=$(bt_name)
	READY=outcome= box_start --name "$name" --net veth --cap-add NET_RAW -- \
		sh -c 'attack ra eth0; sleep 30' || return 0
	ifname=$(host_ifname "$name")
	assertNotNull "the host end's name" "$ifname"
	assertTrue "it went out: $(cat "$TEST_TMP/out")" "grep -qx sent=3 '$TEST_TMP/out'"
	sleep 1
	if ip -6 addr show dev "$ifname" 2>/dev/null | grep -q 2001:db8:b0c5: ||
		ip -6 route show dev "$ifname" 2>/dev/null | grep -q 2001:db8:b0c5:; then
		attack_verdict router-advertisement succeeded "$(ip -6 addr show dev "$ifname")"
	else
		attack_verdict router-advertisement blocked "no address or route on $ifname"
	fi
	assertEquals "IPv6 is off on the host end" 1 \
		"$(cat "/proc/sys/net/ipv6/conf/$ifname/disable_ipv6")"
	assertEquals "it accepts no RA" 0 "$(cat "/proc/sys/net/ipv6/conf/$ifname/accept_ra")"
	kill -TERM "$BOX_PID"
	box_wait 20
}

# A UDP listener on ADDR:PORT for 3 s: prints "received=DATA from=SRC" or "received=none".
# Prints "listening" once bound (wait for it, never sleep), then what one datagram brought.
udp_listen()
{
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
print("listening", flush=True)
s.settimeout(3)
try:
    d, a = s.recvfrom(64)
    print("received=%s from=%s" % (d.rstrip(b"\0").decode(), a[0]))
except socket.timeout:
    print("received=none")' "$@"
}

# Reverse-path filtering on the host end: a container cannot pass its packets off as
# another's (or anyone's) address.
test_spoofed_source_address_is_dropped_at_the_host()
{
	require_root || return 0
	require_command ip || return 0
	require_command python3 || return 0
	local name ifname gw addr real forged
	# Control: in namespaces of the test's own, no reverse-path filter (a new namespace's
	# default): the forged source gets through.
	netns_pair sp || { fail "make the namespaces"; return 0; }
	in_ns "$NS_A" ip addr add 10.251.0.1/30 dev "$IF_A" &&
		in_ns "$NS_B" ip addr add 10.251.0.2/30 dev "$IF_B"
	in_ns "$NS_A" sysctl -qw net.ipv4.conf.all.rp_filter=0 "net.ipv4.conf.$IF_A.rp_filter=0"
	in_ns "$NS_A" bash -c "$(declare -f udp_listen); udp_listen 10.251.0.1 5353" \
		>"$TEST_TMP/control" &
	real=$!
	track_pid $real
	wait_until 30 file_has "$TEST_TMP/control" '^listening$' || fail "the listener did not start"
	in_ns "$NS_B" "$ATTACK" spoof 10.99.99.99 10.251.0.1 5353 >/dev/null
	wait "$real"
	if grep -q 'received=spoofed from=10.99.99.99' "$TEST_TMP/control"; then
		echo "control spoof: the forged source arrived ($(cat "$TEST_TMP/control"))"
	else
		fail "control for spoof: $(cat "$TEST_TMP/control")"
		return 0
	fi
	# The container (CAP_NET_RAW given back) sends two datagrams to the host end once told
	# to: from its own address (the path works) and from a forged one.
	name=$(bt_name)
	# shellcheck disable=SC2016 # the container's shell expands these
	READY=ready=1 box_start --name "$name" --net veth --cap-add NET_RAW -- \
		sh -c 'gw=$(ip route | sed -n "s/default via \([0-9.]*\).*/\1/p")
			me=$(ip -4 -o addr show eth0 | sed -n "s/.* inet \([0-9.]*\).*/\1/p")
			echo ready=1; while [ ! -e /tmp/go-$(hostname) ]; do sleep 0.05; done
			attack spoof "$me" "$gw" 5353; attack spoof 10.99.99.99 "$gw" 5354; sleep 30' ||
		return 0
	ifname=$(host_ifname "$name")
	gw=$(ip -4 -o addr show dev "$ifname" | sed -n 's/.* inet \([0-9.]*\).*/\1/p')
	addr=$(record_get "$name" net address)
	udp_listen "$gw" 5353 >"$TEST_TMP/real" &
	real=$!
	track_pid $real
	udp_listen "$gw" 5354 >"$TEST_TMP/forged" &
	forged=$!
	track_pid $forged
	wait_until 30 file_has "$TEST_TMP/real" '^listening$' || fail "the listener did not start"
	wait_until 30 file_has "$TEST_TMP/forged" '^listening$' || fail "the listener did not start"
	# Told through its rootfs (the host's side of its /tmp): at once, whatever its mounts.
	on_teardown rm -f "$BOX_ROOTFS/tmp/go-$name"
	touch "$BOX_ROOTFS/tmp/go-$name"
	wait "$real" "$forged"
	assertTrue "its own source arrives: $(cat "$TEST_TMP/real")" \
		"grep -q 'received=spoofed from=$addr' '$TEST_TMP/real'"
	if grep -q 'received=none' "$TEST_TMP/forged"; then
		attack_verdict spoofed-source blocked "dropped by rp_filter on $ifname"
	else
		attack_verdict spoofed-source succeeded "$(cat "$TEST_TMP/forged")"
	fi
	kill -TERM "$BOX_PID"
	box_wait 20
}

test_vsock_and_unused_socket_families_are_refused()
{
	require_root || return 0
	box_control --seccomp unconfined -- attack families
	if grep -qx vsock=EAFNOSUPPORT "$TEST_TMP/control"; then
		skip_test "this kernel has no vsock: no control"
		return 0
	fi
	control_succeeded vsock "$TEST_TMP/control" || return 0
	box_run --net none -- attack families
	attack_blocked vsock
	assertEquals "as by a kernel without it" EAFNOSUPPORT "$(kv "$TEST_TMP/out" vsock)"
	assertEquals "AF_ALG too" EAFNOSUPPORT "$(kv "$TEST_TMP/out" alg)"
	assertEquals "inet still works" ok "$(kv "$TEST_TMP/out" inet)"
	assertEquals "netlink still works" ok "$(kv "$TEST_TMP/out" netlink)"
}

# --- PID 1 -------------------------------------------------------------------------------------

# The review's finding: a process attached to PID 1 with ptrace and left, and PID 1 stayed
# stopped; launch only forwarded SIGTERM and never ended.
test_pid1_cannot_be_stopped_by_ptrace()
{
	require_root || return 0
	local init
	# Control: with CAP_SYS_PTRACE given back, the attach works and PID 1 is left stopped;
	# launch still ends it on SIGTERM (SIGCONT follows every stop it forwards).
	READY=outcome= box_start --cap-add SYS_PTRACE -- sh -c 'attack ptrace-init attach; sleep 60' ||
		return 0
	mv "$TEST_TMP/out" "$TEST_TMP/control"
	control_succeeded ptrace-init "$TEST_TMP/control" || return 0
	wait_until 5 eval '[ "$(proc_state '"$BOX_INIT_PID"')" = T ]'
	assertEquals "PID 1 is stopped" T "$(proc_state "$BOX_INIT_PID")"
	kill -TERM "$BOX_PID"
	box_wait 20 || return 0
	assertEquals "stopped all the same (the command's SIGTERM)" 143 "$BOX_RC"
	box_run -- attack ptrace-init attach
	attack_blocked ptrace-pid1
	assertEquals "PID 1 is not dumpable" EPERM "$(kv "$TEST_TMP/out" ptrace)"
}

# Where SIGCONT cannot help (a tracer holds PID 1), the grace and a margin are all it gets:
# then launch kills the cgroup itself.
test_launch_stops_a_container_whose_pid1_is_held()
{
	require_root || return 0
	READY=holding=1 box_start --cap-add SYS_PTRACE --grace 1 -- \
		sh -c 'attack ptrace-init hold & sleep 60' || return 0
	assertEquals "PID 1 in a trace stop" t "$(proc_state "$BOX_INIT_PID")"
	kill -TERM "$BOX_PID"
	box_wait 30 || return 0
	assertEquals "killed (SIGKILL)" 137 "$BOX_RC"
	assertTrue "says why: $(cat "$TEST_TMP/err")" \
		"grep -q 'did not stop within the grace period' '$TEST_TMP/err'"
	# The host stopping PID 1 (SIGSTOP) is undone the same way.
	READY=ready=1 box_start -- probe sleep 60 || return 0
	kill -STOP "$BOX_INIT_PID"
	kill -TERM "$BOX_PID"
	box_wait 30 || return 0
	assertEquals "a graceful stop (the command's SIGTERM)" 143 "$BOX_RC"
}

# --- the rootfs --------------------------------------------------------------------------------

# PATH ARG... run by an ordinary user (65534) of the host. Through sh: setpriv itself keeps
# root's capabilities until its own exec, so PATH's lookup must be the shell's.
as_nobody()
{
	setpriv --reuid=65534 --regid=65534 --clear-groups /bin/sh -c 'exec "$@"' sh "$@"
}

# The review's finding: root in the container leaves a setuid-root copy of a program in a
# writable rootfs, and any host user who can reach it runs it as root.
# About launch's default mode (--userns host): under --userns the path must stay open to the
# mapped root, and launch says so for every writable rootfs (test_userns.sh).
test_setuid_file_left_in_the_rootfs_is_out_of_other_users_reach()
{
	require_root || return 0
	require_command setpriv || return 0
	local BOX_TEST_USERNS=
	local pub plant='cp /bin/probe /tmp/rs && chmod 4755 /tmp/rs'
	pub=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.pub.XXXXXX")
	on_teardown rm -rf --one-file-system "$pub"
	chmod 755 "$pub"
	if findmnt -no OPTIONS -T "$pub" | grep -qw nosuid; then
		skip_test "$pub is on a nosuid mount: setuid files do nothing there"
		return 0
	fi
	# Control: a rootfs under a path everyone can traverse. launch says so in one line, and
	# the planted file does run as root for another user.
	cp -a "$BOX_ROOTFS" "$pub/rootfs"
	ROOTFS=$pub/rootfs box_run -- sh -c "$plant"
	assertEquals "planted (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "the warning: $(cat "$TEST_TMP/err")" \
		"launch: warning: rootfs '$pub/rootfs' is reachable by other users of this host and writable by the container: a setuid file it leaves there works for them; make a parent directory mode 0700, or use --read-only" \
		"$(cat "$TEST_TMP/err")"
	as_nobody "$pub/rootfs/tmp/rs" ids >"$TEST_TMP/control" 2>&1
	if [ "$(kv "$TEST_TMP/control" euid)" = 0 ]; then
		echo "control setuid-in-rootfs: user 65534 ran it as euid 0"
	else
		fail "control for setuid-in-rootfs: $(cat "$TEST_TMP/control")"
		return 0
	fi
	# rootfs/busybox.sh makes the rootfs's parent 0700: no warning, and nobody reaches it.
	"$BOX_ROOT/rootfs/busybox.sh" "$pub/private/rootfs" >/dev/null 2>&1
	cp "$PROBE" "$pub/private/rootfs/bin/probe"
	assertEquals "the parent is 0700" 700 "$(stat -c %a "$pub/private")"
	ROOTFS=$pub/private/rootfs box_run -- sh -c "$plant"
	assertEquals "planted (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "no warning" "" "$(cat "$TEST_TMP/err")"
	if as_nobody "$pub/private/rootfs/tmp/rs" ids >"$TEST_TMP/out" 2>&1; then
		attack_verdict setuid-in-rootfs succeeded "$(cat "$TEST_TMP/out")"
	else
		attack_verdict setuid-in-rootfs blocked "$(head -n 1 "$TEST_TMP/out")"
	fi
	# --read-only: nothing can be planted in the root, and no warning either. Its /tmp is a
	# tmpfs of the container's own (nosuid): what lands there is not in the rootfs.
	rm -f "$pub/rootfs/tmp/rs"
	ROOTFS=$pub/rootfs box_run --read-only -- sh -c 'cp /bin/probe /rs && chmod 4755 /rs'
	assertNotEquals "nothing planted in a read-only root" 0 "$BOX_RC"
	assertFalse "no warning with --read-only" "grep -q warning '$TEST_TMP/err'"
	ROOTFS=$pub/rootfs box_run --read-only -- sh -c "$plant"
	assertFalse "/tmp is the container's own: nothing in the rootfs" "[ -e '$pub/rootfs/tmp/rs' ]"
}

# --- the published-port proxy --------------------------------------------------------------------

# launch's open descriptors.
fd_count()
{
	ls "/proc/$1/fd" 2>/dev/null | wc -l
}

# The review's finding: a container opening thousands of connections back through its own
# published port grew launch (outside the container's limits) without bound.
test_published_port_connections_are_bounded()
{
	require_root || return 0
	local port gw
	port=$(free_port)
	gw='$(ip route | sed -n "s/default via \([0-9.]*\).*/\1/p")'
	# Control: with room for all of them, every connection is served (the load is real).
	READY=ready=1 box_start --net veth -p "0.0.0.0:$port:80" --publish-max-conns 400 -- \
		sh -c "httpd -p 80 -h /; attack conns $gw $port 300 20" || return 0
	assertEquals "all served" 300 "$(kv "$TEST_TMP/out" alive)"
	assertTrue "launch held them: $(fd_count "$BOX_PID") descriptors" "[ $(fd_count "$BOX_PID") -gt 600 ]"
	mv "$TEST_TMP/out" "$TEST_TMP/control"
	echo "control conns: $(tr '\n' ' ' <"$TEST_TMP/control")"
	kill -TERM "$BOX_PID"
	box_wait 20 || return 0
	READY=ready=1 box_start --net veth -p "0.0.0.0:$port:80" --publish-max-conns 64 -- \
		sh -c "httpd -p 80 -h /; attack conns $gw $port 300 20" || return 0
	if [ "$(kv "$TEST_TMP/out" alive)" = 64 ] && [ "$(fd_count "$BOX_PID")" -lt 200 ]; then
		attack_verdict connection-flood blocked "$(kv "$TEST_TMP/out" alive) kept, $(kv "$TEST_TMP/out" reset) reset, launch holds $(fd_count "$BOX_PID") descriptors"
	else
		attack_verdict connection-flood succeeded "$(tr '\n' ' ' <"$TEST_TMP/out") fds $(fd_count "$BOX_PID")"
	fi
	kill -TERM "$BOX_PID"
	box_wait 20
}

# Clients that send and a service that never reads: the proxy reads no more than its pool
# holds, so launch's memory stays flat however many connections push.
test_published_port_memory_is_bounded()
{
	require_root || return 0
	require_command python3 || return 0
	local port before after
	port=$(free_port)
	READY=ready=1 box_start --net veth -p "127.0.0.1:$port:80" -- probe listen-stall 80 ||
		return 0
	before=$(proc_status_field "$BOX_PID" VmRSS | awk '{ print $1 }')
	python3 -c 'import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
conns, pushed = [], 0
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    conns.append(s)
for _ in range(4):
    for s in conns:
        try:
            pushed += s.send(b"x" * 65536)
        except (BlockingIOError, ConnectionError):
            pass
    time.sleep(0.02)
print("pushed=%d" % pushed, flush=True)
open(sys.argv[3], "w").close()
time.sleep(30)' "$port" 500 "$TEST_TMP/pushed" >"$TEST_TMP/client" 2>&1 &
	track_pid $!
	wait_until 60 test -e "$TEST_TMP/pushed"
	after=$(proc_status_field "$BOX_PID" VmRSS | awk '{ print $1 }')
	echo "launch: RSS ${before} kB before, ${after} kB with 500 connections pushing ($(cat "$TEST_TMP/client"))"
	# The load: every connection got at least a buffer's worth through the proxy's hands.
	assertTrue "clients pushed over 32 MB: $(cat "$TEST_TMP/client")" \
		"[ $(kv "$TEST_TMP/client" pushed) -gt 33554432 ]"
	if [ "$after" -lt 8192 ]; then
		attack_verdict proxy-memory blocked "launch's RSS ${after} kB"
	else
		attack_verdict proxy-memory succeeded "launch's RSS ${after} kB"
	fi
	kill -TERM "$BOX_PID"
	box_wait 20
}

. "$SHUNIT2"
