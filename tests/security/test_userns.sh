#!/bin/bash
# SPDX-License-Identifier: MIT
# What --userns adds on top of the default confinement: a root that has every capability
# and no filter (--privileged) and has broken out of its mount namespace (simulated: the
# host plants one of its own directories, not idmapped, into the container) still owns
# nothing on the host. It cannot write a root-owned host file, load a module or write a
# kernel setting. Each attack runs first as a control in the same --privileged container
# without --userns, where it works. Ends "N attacks, N blocked".

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../launch/launch_lib.sh"
. "$(dirname "$0")/sec_lib.sh"

box_suite_setup()
{
	BOX_ROOTFS=
	[ -x "$PROBE" ] && [ -x "$ATTACK" ] && BOX_ROOTFS=$(userns_rootfs "$(_sec_rootfs)")
	userns_subids_save
	return 0
}

box_suite_teardown()
{
	userns_subids_restore
	[ "$SEC_ATTACKS" -gt 0 ] && echo "$SEC_ATTACKS attacks, $SEC_BLOCKED blocked"
	return 0
}

# plant PID HOSTDIR TARGET: binds the host's HOSTDIR on TARGET in the mount namespace of
# PID, as an escape would reach it: an ordinary bind (the new mount API, so the source is
# the host's and the target the container's), not idmapped.
plant()
{
	python3 - "$@" <<'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_open_tree, SYS_move_mount = 428, 429
OPEN_TREE_CLONE, OPEN_TREE_CLOEXEC = 1, os.O_CLOEXEC
MOVE_MOUNT_F_EMPTY_PATH, AT_FDCWD = 4, -100
pid, src, dst = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
tree = libc.syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)
if tree < 0:
    sys.exit("open_tree: " + os.strerror(ctypes.get_errno()))
ns = os.open("/proc/%s/ns/mnt" % pid, os.O_RDONLY)
if libc.setns(ns, 0x00020000) < 0:
    sys.exit("setns: " + os.strerror(ctypes.get_errno()))
if libc.syscall(SYS_move_mount, tree, b"", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0:
    sys.exit("move_mount: " + os.strerror(ctypes.get_errno()))
EOF
}

# The attacks of one container, once /tmp/planted holds the planted directory.
ATTACKS='mkdir -p /tmp/planted && echo ready
while [ ! -e /tmp/planted/secret ]; do sleep 0.05; done
echo "--- file"; attack rewrite /tmp/planted/secret
echo "--- module"; attack module
echo "--- sysctl"; attack rewrite /proc/sys/kernel/printk_ratelimit'

# run_planted [LAUNCH OPTIONS...]: a --privileged container running ATTACKS with the host's
# $TEST_TMP/planted on /mnt; its output split into $TEST_TMP/{file,module,sysctl}.
run_planted()
{
	local part
	READY=ready box_start --privileged "$@" -- sh -c "$ATTACKS" || return 1
	if ! plant "$BOX_INIT_PID" "$TEST_TMP/planted" /tmp/planted; then
		fail "plant the host's directory"
		return 1
	fi
	box_wait 30 || return 1
	assertEquals "status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	for part in file module sysctl; do
		sed -n "/^--- $part\$/,/^---/p" "$TEST_TMP/out" | grep -v '^---' >"$TEST_TMP/$part"
	done
}

test_privileged_root_that_escapes_its_mounts_owns_nothing_on_the_host()
{
	require_root || return 0
	local f=/proc/sys/kernel/printk_ratelimit before
	[ -e "$f" ] || { skip_test "no $f"; return 0; }
	before=$(cat "$f")
	mkdir -p "$TEST_TMP/planted" && echo host-secret >"$TEST_TMP/planted/secret"
	chown 0:0 "$TEST_TMP/planted/secret" && chmod 0644 "$TEST_TMP/planted/secret"
	# Control: the same root without a user namespace is the host's root. Each write puts
	# back what was read; nothing changes.
	run_planted --userns host || return 0
	control_succeeded host-file "$TEST_TMP/file" || return 0
	control_succeeded module "$TEST_TMP/module" || return 0
	cp "$TEST_TMP/module" "$TEST_TMP/module.control"
	control_succeeded sysctl "$TEST_TMP/sysctl" || return 0
	run_planted --userns auto || return 0
	attack_verdict_file userns-host-file "$TEST_TMP/file"
	assertEquals "the file: permission denied" EACCES "$(kv "$TEST_TMP/file" open_write)"
	# A kernel without a module loader says ENOSYS before it looks at capabilities.
	if [ "$(kv "$TEST_TMP/module.control" finit_module)" = ENOSYS ]; then
		echo "attack userns-module: not counted (this kernel has no module loader:" \
			"ENOSYS to the host's root too)"
	else
		attack_verdict_file userns-module "$TEST_TMP/module"
		assertEquals "refused for want of the capability" EPERM \
			"$(kv "$TEST_TMP/module" finit_module)"
	fi
	attack_verdict_file userns-sysctl "$TEST_TMP/sysctl"
	assertEquals "the file is unchanged" host-secret "$(cat "$TEST_TMP/planted/secret")"
	assertEquals "the setting is unchanged" "$before" "$(cat "$f")"
}

test_planted_files_show_as_nobody_inside()
{
	require_root || return 0
	mkdir -p "$TEST_TMP/planted" && echo x >"$TEST_TMP/planted/secret"
	READY=ready box_start --privileged --userns auto -- sh -c 'mkdir -p /tmp/planted
		echo ready; while [ ! -e /tmp/planted/secret ]; do sleep 0.05; done
		ls -ln /tmp/planted/secret | awk "{ print \$3, \$4 }"' || return 0
	if ! plant "$BOX_INIT_PID" "$TEST_TMP/planted" /tmp/planted; then
		fail "plant the host's directory"
		return 0
	fi
	box_wait 30 || return 0
	assertEquals "the host's root is no one inside" "ready
65534 65534" "$(cat "$TEST_TMP/out")"
}

. "$SHUNIT2"
