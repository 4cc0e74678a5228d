#!/bin/bash
# SPDX-License-Identifier: MIT
# The security defaults and the options that change them, observed inside the container:
# capability sets (--cap-add, --cap-drop, --privileged), no_new_privs, the seccomp filter,
# descriptors and working directory across the exec, and the device cgroup.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../launch/launch_lib.sh"
. "$(dirname "$0")/sec_lib.sh"

DEFAULT_CAPS=00000000800405fb

test_default_caps_in_every_set_and_no_ambient()
{
	require_root || return 0
	box_run -- probe caps
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	local set
	for set in capinh capprm capeff capbnd; do
		assertEquals "$set" $DEFAULT_CAPS "$(kv "$TEST_TMP/out" $set)"
	done
	assertEquals "ambient" 0000000000000000 "$(kv "$TEST_TMP/out" capamb)"
}

test_cap_drop_all()
{
	require_root || return 0
	box_run --cap-drop ALL -- probe caps
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals 0000000000000000 "$(kv "$TEST_TMP/out" capbnd)"
	assertEquals 0000000000000000 "$(kv "$TEST_TMP/out" capeff)"
}

test_cap_add_and_drop_by_name()
{
	require_root || return 0
	# + SYS_ADMIN (bit 21), + net_admin (12), - CAP_CHOWN (0)
	box_run --cap-add SYS_ADMIN --cap-add net_admin --cap-drop CAP_CHOWN -- probe caps
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals 00000000802415fa "$(kv "$TEST_TMP/out" capbnd)"
	assertEquals 00000000802415fa "$(kv "$TEST_TMP/out" capeff)"
}

test_cap_drop_all_then_add_one()
{
	require_root || return 0
	box_run --cap-drop ALL --cap-add NET_BIND_SERVICE -- probe caps
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals 0000000000000400 "$(kv "$TEST_TMP/out" capeff)"
}

test_unknown_capability_is_refused()
{
	require_root || return 0
	box_run --cap-add NOT_A_CAP -- true
	assert_launch_error "unknown capability"
	assertTrue "names the value" "grep -q NOT_A_CAP '$TEST_TMP/err'"
}

test_privileged_with_cap_options_is_refused()
{
	require_root || return 0
	box_run --privileged --cap-drop ALL -- true
	assert_launch_error "--privileged with --cap-drop"
}

test_privileged_says_so()
{
	require_root || return 0
	box_run --privileged -- grep -E '^(CapEff|Seccomp):' /proc/self/status
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "a warning: $(cat "$TEST_TMP/err")" "grep -q 'is privileged' '$TEST_TMP/err'"
	assertTrue "no seccomp filter" "grep -qx 'Seccomp:.0' '$TEST_TMP/out'"
}

test_no_new_privs_is_off_by_default_and_on_when_asked()
{
	require_root || return 0
	box_run -- grep NoNewPrivs /proc/self/status
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "default" 0 "$(awk '{ print $2 }' "$TEST_TMP/out")"
	box_run --no-new-privileges -- grep NoNewPrivs /proc/self/status
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "--no-new-privileges" 1 "$(awk '{ print $2 }' "$TEST_TMP/out")"
}

test_seccomp_filter_is_on_by_default()
{
	require_root || return 0
	box_run -- grep -E '^Seccomp:' /proc/self/status
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "mode 2 (filter)" 2 "$(awk '{ print $2 }' "$TEST_TMP/out")"
	box_run --seccomp unconfined -- grep -E '^Seccomp:' /proc/self/status
	assertEquals "unconfined" 0 "$(awk '{ print $2 }' "$TEST_TMP/out")"
	box_run --seccomp bogus -- true
	assert_launch_error "bad --seccomp"
}

test_seccomp_follows_cap_add()
{
	require_root || return 0
	# With CAP_SYS_MODULE given back, init_module is no longer refused by the filter: the
	# kernel itself answers (an invalid image, or no module support).
	box_run --cap-add SYS_MODULE -- attack module
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "init_module reaches the kernel: $(cat "$TEST_TMP/out")" \
		"grep -qx outcome=succeeded '$TEST_TMP/out'"
	box_run --cap-add SYS_MODULE -- attack keyring
	assertTrue "keyrings stay refused: $(cat "$TEST_TMP/out")" \
		"grep -qx outcome=blocked '$TEST_TMP/out'"
}

test_no_descriptor_crosses_into_the_container()
{
	require_root || return 0
	box_run -- probe fds 7<"$BOX_ROOT" 8>"$TEST_TMP/leak" 9<&0
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "descriptors >= 3: $(cat "$TEST_TMP/out")" 0 "$(kv "$TEST_TMP/out" fds)"
}

test_working_directory_is_inside_the_new_root()
{
	require_root || return 0
	# launch runs from a host directory; nothing of it may stay the container's cwd.
	cd "$TEST_TMP" || return 0
	box_run -- sh -c 'probe cwd; stat -c %d:%i .'
	cd "$BOX_ROOT" || return 0
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals / "$(kv "$TEST_TMP/out" cwd)"
	assertEquals "the rootfs" "$(stat -c %d:%i "$BOX_ROOTFS")" "$(sed -n 2p "$TEST_TMP/out")"
}

test_device_cgroup_allows_only_dev_nodes()
{
	require_root || return 0
	require_cgroup v1 || return 0
	local name list
	name=$(bt_name)
	READY=ready=1 box_start --name "$name" -- probe sleep 30 || return 0
	list=$(tr '\n' ' ' <"/sys/fs/cgroup/devices$BOX_TEST_CGROUP_PARENT/$name/devices.list")
	assertEquals "c *:* m b *:* m c 1:3 rwm c 1:5 rwm c 1:7 rwm c 1:8 rwm c 1:9 rwm c 5:0 rwm c 5:1 rwm c 5:2 rwm c 136:* rwm " "$list"
	kill -TERM "$BOX_PID"
	box_wait 20
}

test_device_cgroup_privileged_allows_all()
{
	require_root || return 0
	require_cgroup v1 || return 0
	local name
	name=$(bt_name)
	READY=ready=1 box_start --privileged --name "$name" -- probe sleep 30 || return 0
	assertEquals "a *:* rwm" "$(cat "/sys/fs/cgroup/devices$BOX_TEST_CGROUP_PARENT/$name/devices.list")"
	kill -TERM "$BOX_PID"
	box_wait 20
}

test_dev_nodes_still_work()
{
	require_root || return 0
	box_run -- sh -c 'head -c 4 /dev/urandom | wc -c; echo x >/dev/null; head -c 3 /dev/zero | wc -c'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "4 3" "$(tr '\n' ' ' <"$TEST_TMP/out" | sed 's/ *$//; s/  */ /g')"
}

# Without CAP_NET_RAW (not a default any more), ping still works through ICMP echo sockets:
# launch lets every group use them in the namespaces it makes. Control: the host's own
# network namespace (--net host) keeps the host's setting.
test_ping_sockets_work_without_net_raw()
{
	require_root || return 0
	local range
	range=$(cat /proc/sys/net/ipv4/ping_group_range)
	box_run -- probe ping 127.0.0.1
	assertEquals "exit status: $(cat "$TEST_TMP/out") $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "an echo reply" echo "$(kv "$TEST_TMP/out" reply)"
	box_run -- cat /proc/sys/net/ipv4/ping_group_range
	assertEquals "every group" "0 2147483647" "$(tr -s '\t ' ' ' <"$TEST_TMP/out")"
	# shellcheck disable=SC2086 # "low high"
	set -- $range
	if [ "$1" -gt 0 ] || [ "$2" -lt 0 ]; then
		box_run --net host -- probe ping 127.0.0.1
		assertEquals "the host's range (gid 0 not in '$range') refuses root" \
			"Permission denied" "$(kv "$TEST_TMP/out" socket)"
	fi
	box_run -- probe caps
	assertEquals "and no CAP_NET_RAW (bit 13)" 0 $((0x$(kv "$TEST_TMP/out" capeff) >> 13 & 1))
}

. "$SHUNIT2"
