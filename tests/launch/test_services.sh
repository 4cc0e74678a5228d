#!/bin/bash
# SPDX-License-Identifier: MIT
# Services under launch: --service and -c FILE reach boxinit (PID 1 of the container), need no
# main command, stop in reverse dependency order on SIGTERM to launch; on the Debian rootfs,
# `service nginx start` and a second service fetching nginx's page run together and stop
# cleanly. Every container lives under the cgroup parent /box-test.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

# A service that prints "NAME up" and, on SIGTERM, "NAME stops" (to stdout), then exits.
svc_cmd()
{
	echo "sh -c 'trap \"echo $1 stops; exit 0\" TERM; echo $1 up; while :; do sleep 1 & wait \$!; done'"
}

test_services_from_the_command_line_run_without_a_main_command()
{
	require_root || return 0
	READY='^\[b\] b up$' box_start --grace 20 --service "a=$(svc_cmd a)" --service "b=$(svc_cmd b)" -- ||
		return 0
	wait_until 10 file_has "$TEST_TMP/out" '^\[a\] a up$' || fail "a did not start"
	assertEquals "PID 1 is boxinit" boxinit "$(cat "/proc/$BOX_INIT_PID/comm")"
	kill -TERM "$BOX_PID"
	box_wait 20 || return 0
	assertEquals "exit status of a requested stop (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertTrue "a stopped" "file_has '$TEST_TMP/out' '^\[a\] a stops$'"
	assertTrue "b stopped" "file_has '$TEST_TMP/out' '^\[b\] b stops$'"
}

test_config_file_is_bound_read_only_and_stops_in_reverse_order()
{
	require_root || return 0
	local rootfs=$TEST_TMP/rootfs order
	# A private copy: the bind mount's mount point is created in the rootfs.
	cp -a "$BOX_ROOTFS" "$rootfs"
	{
		printf '[db]\ncommand = %s\n' "$(svc_cmd db)"
		printf '[app]\ncommand = %s\ndepends = db\n' "$(svc_cmd app)"
		printf '[web]\ncommand = %s\ndepends = app\n' "$(svc_cmd web)"
	} >"$TEST_TMP/box.conf"
	ROOTFS=$rootfs READY='^\[web\] web up$' box_start --grace 20 -c "$TEST_TMP/box.conf" -- ||
		return 0
	assertFalse "the file is read-only inside" \
		"nsenter --mount --target $BOX_INIT_PID sh -c 'echo x >>/etc/boxinit.conf' 2>/dev/null"
	kill -TERM "$BOX_PID"
	box_wait 20 || return 0
	assertEquals "exit status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	order=$(sed -n 's/^\[[a-z]*\] \([a-z]*\) stops$/\1/p' "$TEST_TMP/out" | tr '\n' ' ')
	assertEquals "stop order" "web app db " "$order"
}

test_bad_config_is_rejected_before_anything_starts()
{
	require_root || return 0
	local rootfs=$TEST_TMP/rootfs
	cp -a "$BOX_ROOTFS" "$rootfs"
	printf '[a]\ncommand = true\ndepends = b\n[b]\ncommand = true\ndepends = a\n' \
		>"$TEST_TMP/box.conf"
	ROOTFS=$rootfs box_run -c "$TEST_TMP/box.conf" --
	assertEquals "exit status" 125 "$BOX_RC"
	# launch checks the file itself, and names it as the user gave it (not the path it
	# would be bound on in the container).
	assertEquals "one line: $(cat "$TEST_TMP/err")" 1 "$(grep -c '' "$TEST_TMP/err")"
	assertTrue "the line names the file and the line: $(cat "$TEST_TMP/err")" \
		"grep -qF 'launch: $TEST_TMP/box.conf:3: dependency cycle' '$TEST_TMP/err'"
}

test_essential_service_failure_ends_the_container_with_its_code()
{
	require_root || return 0
	# Only the config file can make a service essential. bad fails only once keep has
	# set its TERM trap (keep's file says so): a keep still starting has nothing to say.
	local rootfs=$TEST_TMP/rootfs
	cp -a "$BOX_ROOTFS" "$rootfs"
	printf '[keep]\ncommand = %s\n[bad]\ncommand = %s\nessential = yes\nrestart = never\n' \
		"sh -c 'trap \"echo keep stops; exit 0\" TERM; : >/tmp/keep.up; while :; do sleep 1 & wait \$!; done'" \
		"sh -c 'until [ -e /tmp/keep.up ]; do sleep 0.05; done; exit 9'" >"$TEST_TMP/box.conf"
	ROOTFS=$rootfs box_run --grace 20 -c "$TEST_TMP/box.conf" -- sleep 1000
	assertEquals "the container's status is the essential service's (stderr: $(cat "$TEST_TMP/err"))" \
		9 "$BOX_RC"
	assertTrue "the other service was stopped" "file_has '$TEST_TMP/out' '^\[keep\] keep stops$'"
}

# Empty when rootfs/debian (with nginx) is there: built by `make rootfs`, test_nginx.sh's job.
debian_missing()
{
	[ -f "$BOX_DEBIAN_ROOTFS/.box-rootfs" ] &&
		grep -qx 'suite=bookworm include=nginx' "$BOX_DEBIAN_ROOTFS/.box-rootfs" && return 1
	return 0
}

# bash's /dev/tcp: the Debian rootfs has no curl.
FETCH='while :; do if exec 3<>/dev/tcp/127.0.0.1/80; then printf "GET / HTTP/1.0\r\n\r\n" >&3; grep -o -m1 "Welcome to nginx" <&3; exec 3<&-; fi; sleep 0.2; done'

fetches_seen()
{
	[ "$(grep -c '^\[fetch\] Welcome to nginx$' "$TEST_TMP/out")" -ge 3 ]
}

test_nginx_started_by_a_service_and_a_fetcher_run_together_and_stop_cleanly()
{
	require_root || return 0
	if debian_missing; then
		if ! make -C "$BOX_ROOT" rootfs >"$TEST_TMP/rootfs.log" 2>&1; then
			skip_test "no rootfs/debian and 'make rootfs' failed (Debian archive unreachable?)"
			return 0
		fi
	fi
	ROOTFS=$BOX_DEBIAN_ROOTFS box_start --grace 20 --memory 256m --pids-limit 200 \
		--service "web=service nginx start" --service "fetch=bash -c '$FETCH'" -- || return 0
	wait_until 20 fetches_seen || {
		fail "the fetcher never got nginx's page: $(tail -5 "$TEST_TMP/out" "$TEST_TMP/err")"
		return 0
	}
	assertTrue "nginx runs, kept after 'service nginx start' returned" \
		"[ -n \"$(descendants "$BOX_INIT_PID" | awk '{ print $1 }' | while read -r p; do
			grep -l nginx "/proc/$p/comm" 2>/dev/null; done)\" ]"
	kill -TERM "$BOX_PID"
	box_wait 25 || return 0
	assertEquals "clean stop: exit 0 (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertFalse "nothing was killed at the deadline" "grep -q 'did not stop' '$TEST_TMP/err'"
}

. "$SHUNIT2"
