#!/bin/bash
# SPDX-License-Identifier: MIT
# How launch makes ROOTFS the container's root: pivot_root from the root of the container's mount
# namespace, also when launch itself runs in a chroot (whose "/" may not even be a mount point),
# so that nothing of the host stays above the container's root for a second chroot to climb to;
# the chroot fallback only where the root cannot be pivoted. The chroots ("jails") are built in
# each test's own private mount namespace (unshare), so their mounts vanish with it.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"
# The rootfs with build/attack as /bin/attack, and attack_blocked / control_succeeded.
. "$(dirname "$0")/../security/sec_lib.sh"

# Runs in the new mount namespace: builds the jail JAIL from read-only binds of the host's
# program and library directories, /proc, /sys (with the cgroup mounts) and /dev, the build
# directory (launch, boxinit, the test rootfs) and a /run of its own, then execs CMD chrooted
# in it. With MOUNTED=1 the
# jail is a mount point (a bind on itself), as `pivot_root` would accept it.
# Usage: _rt_enter JAIL MOUNTED BUILD CMD...
_rt_enter()
{
	local jail=$1 mounted=$2 build=$3 e
	shift 3
	if [ "$mounted" = 1 ]; then
		mount --bind "$jail" "$jail" || return 125
	fi
	for e in /usr /etc /bin /sbin /lib /lib32 /lib64 /libx32; do
		if [ -L "$e" ]; then
			ln -s "$(readlink "$e")" "$jail$e" || return 125
		elif [ -d "$e" ]; then
			mkdir "$jail$e" && mount --bind -o ro "$e" "$jail$e" || return 125
		fi
	done
	for e in /proc /sys /dev; do
		mkdir "$jail$e" && mount --rbind "$e" "$jail$e" || return 125
	done
	mkdir -p "$jail/tmp" "$jail$build" && mount --bind "$build" "$jail$build" || return 125
	# The jail's own /run, where launch keeps its containers' records.
	mkdir "$jail/run" && mount -t tmpfs -o mode=755 tmpfs "$jail/run" || return 125
	# A file only the jail has: the container must not see it either.
	touch "$jail/.bt-jail" || return 125
	exec chroot "$jail" "$@"
}

# RT_CMD: CMD run in a fresh jail ($TEST_TMP/jail) in a private mount namespace.
# Usage: _rt_jail MOUNTED CMD...
_rt_jail()
{
	local mounted=$1
	shift
	mkdir "$TEST_TMP/jail" || fail "mkdir $TEST_TMP/jail"
	RT_CMD=(unshare --mount --propagation private -- bash -c "$(declare -f _rt_enter)
		_rt_enter \"\$@\"" rt-jail "$TEST_TMP/jail" "$mounted" "$BOX_BUILD" "$@")
}

# launch from a jail, in the foreground: sets BOX_RC. Usage: rt_run_jailed MOUNTED [OPTS] -- CMD...
rt_run_jailed()
{
	local mounted=$1
	shift
	_bt_cmdline "$@"
	_rt_jail "$mounted" "${BT_CMD[@]}"
	timeout -k 10 60 "${RT_CMD[@]}" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
}

# The mounts added to the host's mount table since $1 (_box_mounts), in the places a box test
# could mount on (the machine is shared: other people's mounts elsewhere are not ours).
rt_added_mounts()
{
	local line
	_bt_added "$1" "$(_box_mounts)" | while read -r line; do
		case ${line#* } in
		"$BOX_ROOT" | "$BOX_ROOT"/* | "$TEST_TMP" | "$TEST_TMP"/* | / | /proc* | /sys* | /dev*)
			echo "$line"
			;;
		esac
	done
}

# Where the container runs, from inside: PID 1, the root, a file only the rootfs has (/linuxrc,
# busybox's), a file only the jail has, the build directory launch ran from.
# shellcheck disable=SC2016 # expanded by the container's shell
RT_PROBE='echo comm=$(cat /proc/1/comm); echo root=$(stat -c %d:%i /)
for f in /linuxrc /.bt-jail '"'$BOX_BUILD'"'; do
	if [ -e "$f" ]; then echo "seen=$f"; else echo "absent=$f"; fi
done'

rt_assert_inside_the_rootfs()
{
	local out=$TEST_TMP/out
	assertEquals "PID 1: $(cat "$out")" boxinit "$(kv "$out" comm)"
	assertEquals "/ is the rootfs" "$(stat -c %d:%i "$BOX_ROOTFS")" "$(kv "$out" root)"
	assertEquals "seen: $(cat "$out")" /linuxrc "$(sed -n 's/^seen=//p' "$out" | tr '\n' ' ' |
		sed 's/ $//')"
	assertTrue "the build dir is absent" "grep -qx 'absent=$BOX_BUILD' '$out'"
	assertTrue "the jail's file is absent" "grep -qx 'absent=/.bt-jail' '$out'"
}

# Pivoted, not the fallback: launch said nothing at all.
rt_assert_no_launch_message()
{
	assertFalse "launch printed: $(cat "$TEST_TMP/err")" "grep -q '^launch: ' '$TEST_TMP/err'"
}

test_launch_from_the_hosts_root_pivots_without_a_warning()
{
	require_root || return 0
	# The precondition of the markers: the host has no /linuxrc.
	assertFalse "the host has /linuxrc" "[ -e /linuxrc ]"
	box_run -- sh -c "$RT_PROBE; exit 7"
	assertEquals "exit status passes through (stderr: $(cat "$TEST_TMP/err"))" 7 "$BOX_RC"
	rt_assert_no_launch_message
	rt_assert_inside_the_rootfs
}

test_launch_in_a_chroot_pivots_into_the_rootfs()
{
	require_root || return 0
	require_command unshare || return 0
	local mounts_before name cg
	mounts_before=$(_box_mounts)
	name=$(bt_name)
	mkfifo "$TEST_TMP/in"
	_bt_cmdline -i --name "$name" -- sh -c "$RT_PROBE; echo up; read go; exit 7"
	_rt_jail 0 "${BT_CMD[@]}"
	# unshare, bash and chroot exec each other: $! ends up as launch's pid.
	"${RT_CMD[@]}" <"$TEST_TMP/in" >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	BOX_PID=$!
	track_pid "$BOX_PID"
	exec 9>"$TEST_TMP/in"
	if ! wait_until 30 file_has "$TEST_TMP/out" '^up$'; then
		exec 9>&-
		fail "the container did not start: $(cat "$TEST_TMP/err")"
		return 0
	fi
	# From outside: launch runs in the jail, whose "/" is no mount point; its container's
	# PID 1 has the rootfs as its root, in its own cgroup.
	assertEquals "launch's root is the jail" "$(stat -c %d:%i "$TEST_TMP/jail")" \
		"$(stat -Lc %d:%i "/proc/$BOX_PID/root")"
	BOX_INIT_PID=$(_bt_init_pid)
	assertEquals "PID 1 seen from the host" boxinit "$(cat "/proc/$BOX_INIT_PID/comm")"
	assertEquals "PID 1's root is the rootfs" "$(stat -c %d:%i "$BOX_ROOTFS")" \
		"$(stat -Lc %d:%i "/proc/$BOX_INIT_PID/root")"
	cg=$(_box_test_cgroups | grep -c "/$name\$")
	assertTrue "the container's cgroup exists: $cg" "[ '$cg' -gt 0 ]"
	echo go >&9
	exec 9>&-
	box_wait 30 || return 0
	assertEquals "exit status passes through (stderr: $(cat "$TEST_TMP/err"))" 7 "$BOX_RC"
	rt_assert_no_launch_message
	rt_assert_inside_the_rootfs
	assertEquals "cgroups left" "" "$(_box_test_cgroups | grep "/$name\$")"
	wait_until 5 proc_dead "$BOX_INIT_PID"
	assertEquals "mounts added on the host" "" "$(rt_added_mounts "$mounts_before")"
}

# A jail that is a mount point: pivot_root accepts it as the root to pivot, and a container
# pivoted from there would keep the host's root above its own.
test_chroot_escape_from_a_container_launched_in_a_mounted_chroot()
{
	require_root || return 0
	require_command unshare || return 0
	# Control: the same jail, plain chroot: climbing out reaches the host's root.
	_rt_jail 1 "$BOX_ROOTFS/bin/attack" chroot
	timeout -k 10 60 "${RT_CMD[@]}" </dev/null >"$TEST_TMP/control" 2>&1
	control_succeeded chroot-in-a-jail "$TEST_TMP/control" || return 0
	assertEquals "the control reached the host's root" "$(stat -c %d:%i /)" \
		"$(kv "$TEST_TMP/control" root_after)"
	rm -rf --one-file-system "$TEST_TMP/jail"
	rt_run_jailed 1 -- sh -c "$RT_PROBE; attack chroot"
	rt_assert_no_launch_message
	rt_assert_inside_the_rootfs
	attack_blocked chroot-from-a-mounted-jail
	assertEquals "still in the rootfs" "$(stat -c %d:%i "$BOX_ROOTFS")" \
		"$(kv "$TEST_TMP/out" root_after)"
}

test_chroot_escape_from_a_container_launched_in_a_chroot()
{
	require_root || return 0
	require_command unshare || return 0
	rt_run_jailed 0 -- sh -c "$RT_PROBE; attack chroot"
	rt_assert_no_launch_message
	rt_assert_inside_the_rootfs
	attack_blocked chroot-from-a-jail
	assertEquals "still in the rootfs" "$(stat -c %d:%i "$BOX_ROOTFS")" \
		"$(kv "$TEST_TMP/out" root_after)"
}

# pivot_root refuses only the namespace's first mount as the root (the initramfs, "rootfs"):
# mountinfo shows it as its own parent. A test cannot make one without touching the host, so
# this runs only where the suites themselves run from an initramfs.
test_unpivotable_root_falls_back_to_chroot_with_a_warning()
{
	require_root || return 0
	if ! awk '$5 == "/" && $1 == $2 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
		skip_test "the root here can be pivoted (the fallback needs the initramfs as root)"
		return 0
	fi
	box_run -- sh -c "$RT_PROBE; attack chroot; exit 7"
	assertEquals "exit status passes through (stderr: $(cat "$TEST_TMP/err"))" 7 "$BOX_RC"
	assertEquals "the warning: $(cat "$TEST_TMP/err")" \
		"launch: warning: pivot_root to '$BOX_ROOTFS': the host's root cannot be pivoted, using chroot" \
		"$(grep '^launch: ' "$TEST_TMP/err")"
	rt_assert_inside_the_rootfs
	assertTrue "the chroot escape is blocked: $(cat "$TEST_TMP/out")" \
		"grep -qx outcome=blocked '$TEST_TMP/out'"
}

. "$SHUNIT2"
