#!/bin/bash
# SPDX-License-Identifier: MIT
# launch --userns: the container's ids are a range of unprivileged host ids (auto: a slice
# of /etc/subuid's "box" entry no other container holds; HOSTID:COUNT as given), the rootfs
# and volumes are idmapped (never chowned), and networking, published ports, limits, exec,
# services and the lifecycle commands work as without. Observed from inside and from the host.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

box_suite_setup()
{
	[ -x "$PROBE" ] && BOX_ROOTFS=$(busybox_rootfs) || BOX_ROOTFS=
	[ -n "$BOX_ROOTFS" ] && BOX_ROOTFS=$(userns_rootfs "$BOX_ROOTFS")
	userns_subids_save
	return 0
}

box_suite_teardown()
{
	userns_subids_restore
}

# The "box" entry's start in FILE.
subid_start()
{
	awk -F: '$1 == "box" { print $2; exit }' "$1"
}

# Field N (1-based) of the first line of a map printed in $TEST_TMP/out.
map_field()
{
	awk -v n="$1" 'NR == 1 { print $n }' "$TEST_TMP/out"
}

test_auto_maps_root_to_a_slice_of_the_box_subuid_entry()
{
	require_root || return 0
	local start pid1
	box_run --userns auto -- sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g
		cat /proc/sys/net/ipv4/ping_group_range'
	assertEquals "status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	# ping sockets for the groups the namespace maps, not beyond (the kernel refuses more).
	assertEquals "ping_group_range" "0 65535" "$(sed -n 5p "$TEST_TMP/out" | tr -s '\t ' ' ')"
	start=$(subid_start /etc/subuid)
	assertNotNull "/etc/subuid has a box entry" "$start"
	assertNotNull "/etc/subgid has a box entry" "$(subid_start /etc/subgid)"
	assertEquals "uid 0 inside" 0 "$(map_field 1)"
	assertEquals "65536 ids mapped" 65536 "$(map_field 3)"
	host=$(map_field 2)
	assertTrue "the host ids ($host) lie in the box entry (from $start)" \
		"[ $host -ge $start ] && [ $(((host - start) % 65536)) -eq 0 ]"
	assertTrue "the host ids are no host user's ($host)" "[ $host -ge 1048576 ]"
	assertEquals "id -u, id -g" "0 0" "$(sed -n '3,4p' "$TEST_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
	# From the host: PID 1 runs as the mapped uid, not as root.
	box_start --userns auto -- sleep 30 || return 0
	pid1=$BOX_INIT_PID
	assertEquals "PID 1's host uid" "$(awk '$1 == "box" { print $2 }' FS=: /etc/subuid)" \
		"$(awk '/^Uid:/ { print $2 }' "/proc/$pid1/status")"
	kill -TERM "$BOX_PID"
	box_wait 20
}

test_explicit_range_is_mapped_as_given()
{
	require_root || return 0
	box_run --userns 3000000:70000 -- cat /proc/self/uid_map /proc/self/gid_map
	assertEquals "status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "uid_map" "0 3000000 70000" "$(sed -n 1p "$TEST_TMP/out" | xargs)"
	assertEquals "gid_map" "0 3000000 70000" "$(sed -n 2p "$TEST_TMP/out" | xargs)"
}

test_host_mode_has_no_user_namespace()
{
	require_root || return 0
	box_run --userns host -- cat /proc/self/uid_map
	assertEquals "status" 0 "$BOX_RC"
	assertEquals "the host's identity map" "0 0 4294967295" "$(xargs <"$TEST_TMP/out")"
}

# A detached `sleep 30` with --userns $1 (BOX_NAME), its start checked as $2.
sleeper()
{
	box_detach --userns "$1" -- sleep 30
	assertEquals "$2 (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
}

test_two_containers_get_disjoint_ranges()
{
	require_root || return 0
	local a b n1 n2
	sleeper auto first
	n1=$BOX_NAME
	sleeper auto second
	n2=$BOX_NAME
	a=$(record_get "$n1" userns uid)
	b=$(record_get "$n2" userns uid)
	assertNotNull "the record holds the range" "$a"
	assertTrue "disjoint: $a and $b" "[ $((a > b ? a - b : b - a)) -ge 65536 ]"
	assertEquals "the kernel's map is the record's" "$a" \
		"$(awk '{ print $2 }' "/proc/$(record_get "$n1" pid1 pid)/uid_map")"
	box_cmd stop "$n1" "$n2"
	assertEquals "stop both" 0 "$BOX_RC"
}

# An explicit range wider than a slice blocks every slice it touches: auto once checked
# each holder as if it held one slice, and gave the second slice of this one away.
test_auto_skips_every_slice_an_explicit_range_holds()
{
	require_root || return 0
	local start n1 n2 b
	# The first use of auto makes the box entry.
	[ -n "$(subid_start /etc/subuid)" ] || box_run --userns auto -- true
	start=$(subid_start /etc/subuid)
	assertNotNull "/etc/subuid has a box entry" "$start" || return 0
	if [ "$start" != "$(subid_start /etc/subgid)" ]; then
		skip_test "the box entries of /etc/subuid and /etc/subgid start apart"
		return 0
	fi
	sleeper "$start:$((2 * 65536))" explicit
	n1=$BOX_NAME
	sleeper auto auto
	n2=$BOX_NAME
	b=$(record_get "$n2" userns uid)
	assertNotNull "the record holds the range" "$b"
	assertTrue "auto's range ($b) lies past the explicit one ($start + 131072)" \
		"[ $b -ge $((start + 2 * 65536)) ]"
	box_cmd stop "$n1" "$n2"
	assertEquals "stop both" 0 "$BOX_RC"
}

test_rootfs_is_idmapped_not_chowned()
{
	require_root || return 0
	local f=$BOX_ROOTFS/tmp/userns-$$
	rm -f "$f" "$f.u"
	on_teardown rm -f "$f" "$f.u"
	echo x >"$f.u" && chown 1234:2345 "$f.u"
	box_run --userns auto -- sh -c "ls -ln /bin/busybox /tmp/userns-$$.u | awk '{ print \$3, \$4 }'; touch /tmp/userns-$$; chown 7:8 /tmp/userns-$$.u"
	assertEquals "status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "owners seen inside: the disk's" "0 0
1234 2345" "$(cat "$TEST_TMP/out")"
	assertEquals "a file root made inside is 0's on disk" "0:0" "$(stat -c %u:%g "$f")"
	assertEquals "a chown inside is the same ids on disk" "7:8" "$(stat -c %u:%g "$f.u")"
	assertEquals "the rootfs itself is unchanged" "0:0" "$(stat -c %u:%g "$BOX_ROOTFS/bin/busybox")"
}

test_volume_is_idmapped_and_keeps_read_only()
{
	require_root || return 0
	# Beside the rootfs copies: a filesystem that has idmapped mounts (the VM's /tmp has not).
	local v=$BOX_BUILD/rootfs-userns/vol-$$
	rm -rf "$v" && mkdir -p "$v" && echo data >"$v/f" && chown 500:600 "$v/f"
	on_teardown rm -rf "$v"
	box_run --userns auto -v "$v:/mnt" -v "$v:/ro:ro" -- sh -c 'ls -ln /mnt/f | awk "{ print \$3, \$4 }"; echo new >/mnt/g; echo no >/ro/h 2>/dev/null || echo ro-refused'
	assertEquals "status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "owner inside, ro" "500 600
ro-refused" "$(cat "$TEST_TMP/out")"
	assertEquals "written through the volume: root's on the host" "0:0" "$(stat -c %u:%g "$v/g")"
	assertFalse "nothing through the ro volume" "[ -e '$v/h' ]"
}

test_root_inside_has_capabilities_in_its_namespaces_only()
{
	require_root || return 0
	local hostname_before default_caps
	hostname_before=$(hostname)
	box_run -- grep CapEff /proc/self/status
	default_caps=$(cat "$TEST_TMP/out")
	box_run --userns auto -- grep CapEff /proc/self/status
	assertEquals "the default capability set, as without --userns" "$default_caps" \
		"$(cat "$TEST_TMP/out")"
	# Every capability and no filter (--privileged): its own hostname and network, yes; a
	# device node or a host kernel setting, no.
	box_run --privileged --userns auto -- sh -c '
		hostname renamed && echo hostname=$(hostname)
		ip link add d0 type dummy 2>/dev/null && echo own-netns-ok
		mknod /tmp/disk-$$ b 8 0 2>/dev/null && echo mknod-ok || echo mknod-refused
		f=/proc/sys/kernel/printk_ratelimit
		v=$(cat $f); echo $v >$f 2>/dev/null && echo sysctl-ok || echo sysctl-refused'
	assertEquals "status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "the host's hostname is untouched" "$hostname_before" "$(hostname)"
	assertTrue "own hostname: $(cat "$TEST_TMP/out")" "grep -qx hostname=renamed '$TEST_TMP/out'"
	assertTrue "mknod refused: $(cat "$TEST_TMP/out")" "grep -qx mknod-refused '$TEST_TMP/out'"
	assertTrue "host sysctl refused: $(cat "$TEST_TMP/out")" \
		"grep -qx sysctl-refused '$TEST_TMP/out'"
	# Control: the same without --userns is the host's root.
	box_run --privileged -- sh -c '
		f=/proc/sys/kernel/printk_ratelimit
		v=$(cat $f); echo $v >$f 2>/dev/null && echo sysctl-ok || echo sysctl-refused'
	assertEquals "control: the host's root writes it" sysctl-ok "$(cat "$TEST_TMP/out")"
}

test_exit_codes_pass_through()
{
	require_root || return 0
	box_run --userns auto -- sh -c 'exit 7'
	assertEquals "exit 7" 7 "$BOX_RC"
	box_run --userns auto -- /no/such/command
	assertEquals "not found" 127 "$BOX_RC"
}

test_bad_values_are_refused_before_anything_is_made()
{
	require_root || return 0
	local v closed
	for v in "" x 5 0:65536 1:0 -1:10 4294967295:1 4294967000:1000 1:2:3 "1: 5" 100000:abc; do
		box_run --userns "$v" -- true
		assert_launch_error "--userns '$v'"
		assertTrue "names the value: $(cat "$TEST_TMP/err")" \
			"grep -qF -- \"'$v' for --userns\" '$TEST_TMP/err'"
	done
	box_run --userns auto --net host -- true
	assert_launch_error "--userns with --net host"
	closed=$TEST_TMP/closed
	mkdir -p "$closed" && chmod 0700 "$closed" && cp -a "$BOX_ROOTFS" "$closed/r"
	ROOTFS=$closed/r box_run --userns auto -- true
	assert_launch_error "a rootfs under a closed directory"
	assertTrue "says why: $(cat "$TEST_TMP/err")" "grep -q 'chmod o+x' '$TEST_TMP/err'"
}

test_nginx_published_port_exec_stats_and_stop_under_userns()
{
	require_root || return 0
	local problem name body debian
	require_debian_rootfs || return 0
	# Not copied (it would take its size again) but bound where the mapped root reaches it:
	# rootfs/debian.sh makes its parent 0700. Where it cannot be idmapped (the VM's overlay),
	# the busybox test below covers the same.
	debian=$BOX_BUILD/rootfs-userns/debian
	mkdir -p "$debian" && chmod 0755 "$BOX_BUILD/rootfs-userns" &&
		mount --bind "$BOX_DEBIAN_ROOTFS" "$debian" || return 0
	on_teardown umount "$debian"
	problem=$(userns_unsupported "$debian")
	if [ -n "$problem" ]; then
		skip_test "rootfs/debian: $problem"
		return 0
	fi
	ROOTFS=$debian box_detach --userns auto --net veth -p 127.0.0.1:18481:80 \
		--memory 128m --pids-limit 64 -- service nginx start
	name=$BOX_NAME
	assertEquals "launch -d (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	wait_until 10 curl -sf -o /dev/null http://127.0.0.1:18481/ ||
		fail "nginx is not reachable at the published port"
	body=$(curl -s http://127.0.0.1:18481/ | grep -o 'Welcome to nginx' | head -n 1)
	assertEquals "nginx answers" "Welcome to nginx" "$body"
	# nginx's workers are www-data inside: uid 33 of the range on the host.
	box_cmd exec "$name" sh -c 'cat /proc/self/uid_map
		for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = nginx ] && stat -c %U $p; done | sort -u'
	assertEquals "exec (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "exec is in the user namespace" "$(record_get "$name" userns uid)" \
		"$(awk 'NR == 1 { print $2 }' "$TEST_TMP/out")"
	assertTrue "workers as www-data: $(cat "$TEST_TMP/out")" "grep -qx www-data '$TEST_TMP/out'"
	box_cmd stats --json "$name"
	assertEquals "stats" 0 "$BOX_RC"
	assertTrue "the memory limit is the cgroup's: $(cat "$TEST_TMP/out")" \
		"grep -q 134217728 '$TEST_TMP/out'"
	box_cmd stop "$name"
	assertEquals "stop" 0 "$BOX_RC"
	assertFalse "the port is closed" "curl -sf -o /dev/null --max-time 2 http://127.0.0.1:18481/"
}

test_published_port_and_exec_under_userns()
{
	require_root || return 0
	local name
	box_detach --userns auto --net veth -p 127.0.0.1:18482:8080 --memory 96m \
		--service 'web=httpd -f -p 8080 -h /etc' -- || return 0
	name=$BOX_NAME
	assertEquals "launch -d (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	wait_until 10 curl -sf -o /dev/null http://127.0.0.1:18482/passwd ||
		fail "httpd is not reachable at the published port"
	assertEquals "a file of the idmapped rootfs, served" "$(head -n 1 "$BOX_ROOTFS/etc/passwd")" \
		"$(curl -s http://127.0.0.1:18482/passwd | head -n 1)"
	box_cmd exec "$name" sh -c 'cat /proc/self/uid_map; id -u; wget -qO- http://127.0.0.1:8080/group | head -n 1'
	assertEquals "exec (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "exec: in the namespace, root, and reaches the service" \
		"0 $(record_get "$name" userns uid) 65536
0
$(head -n 1 "$BOX_ROOTFS/etc/group")" "$(sed '1s/  */ /g; 1s/^ //' "$TEST_TMP/out")"
	box_cmd stats --json "$name"
	assertEquals "stats" 0 "$BOX_RC"
	assertTrue "the memory limit is the cgroup's: $(cat "$TEST_TMP/out")" \
		"grep -q 100663296 '$TEST_TMP/out'"
	box_cmd stop "$name"
	assertEquals "stop" 0 "$BOX_RC"
	assertFalse "the port is closed" "curl -sf -o /dev/null --max-time 2 http://127.0.0.1:18482/"
}

test_services_and_pids_limit_under_userns()
{
	require_root || return 0
	local forks='for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 1 & done; wait; echo all-forked'
	box_run --userns auto --exit-with-main --service "tick=sh -c 'echo tick up; sleep 30'" -- \
		sh -c "sleep 0.5; $forks"
	assertEquals "status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertTrue "the service ran: $(cat "$TEST_TMP/out")" "grep -q 'tick up' '$TEST_TMP/out'"
	assertTrue "control: 12 forks without a limit" "grep -qx all-forked '$TEST_TMP/out'"
	box_run --userns auto --pids-limit 10 -- sh -c "$forks"
	assertNotEquals "the limit stops the forks" 0 "$BOX_RC"
	assertTrue "the shell could not fork: $(cat "$TEST_TMP/err")" \
		"grep -q \"can't fork\" '$TEST_TMP/err'"
}

. "$SHUNIT2"
