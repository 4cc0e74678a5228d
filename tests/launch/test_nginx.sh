#!/bin/bash
# SPDX-License-Identifier: MIT
# The tutorial's job on a real distribution: `service nginx start` in a Debian rootfs keeps
# nginx serving on the container's own loopback until SIGTERM to launch, which then exits 0.
# Builds rootfs/debian (make rootfs) when missing; skips, saying why, only when the Debian
# archive cannot be reached.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

# The page served on the container's loopback, fetched from the host inside its network
# namespace (the host's own port 80 is a different socket).
fetch_page()
{
	nsenter --net --target "$BOX_INIT_PID" curl -sf --max-time 5 http://127.0.0.1/ \
		>"$TEST_TMP/page"
}

nginx_serves()
{
	fetch_page && grep -q 'Welcome to nginx' "$TEST_TMP/page"
}

main_command_gone()
{
	[ -z "$(container_pids_named service)" ]
}

test_service_nginx_start_keeps_nginx_serving_until_sigterm()
{
	require_root || return 0
	require_command nsenter || return 0
	local nginx
	require_debian_rootfs || return 0
	ROOTFS=$BOX_DEBIAN_ROOTFS box_start --grace 30 --memory 256m --pids-limit 200 \
		-- service nginx start || return 0
	assertTrue "nginx answers on 127.0.0.1:80 in the container: $(cat "$TEST_TMP/out" \
		"$TEST_TMP/err")" "wait_until 15 nginx_serves"
	# `service` returned; nginx is a daemon now and the container is still up for it.
	assertTrue "service returned" "wait_until 10 main_command_gone"
	nginx=$(container_pids_named nginx)
	assertNotNull "nginx processes in the container" "$nginx"
	assertTrue "launch is still running" "proc_alive $BOX_PID"
	assertTrue "nginx still serves" nginx_serves
	assertFalse "the host's loopback does not have the container's nginx" \
		"curl -sf --max-time 2 http://127.0.0.1/ 2>/dev/null | grep -q 'Welcome to nginx'"
	kill -TERM "$BOX_PID"
	# nginx stops at once on SIGTERM: well before the grace (30 s) would run out.
	box_wait 20 || return 0
	assertEquals "exit status after SIGTERM: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
}

# Fifty containers of one Debian rootfs at once, each serving nginx on its own address with
# its own pid file and logs in its own layer; the rootfs is bit for bit what it was, and the
# layers go with the containers.
test_fifty_overlay_containers_of_one_rootfs_serve_nginx_at_once()
{
	require_root || return 0
	require_debian_rootfs || return 0
	local n=${BOX_TEST_OVERLAY_N:-50} i name names=() before addr pids=" " pid bad=""
	before=$(tree_sum "$BOX_DEBIAN_ROOTFS")
	for ((i = 0; i < n; i++)); do
		name=$(bt_name)
		names+=("$name")
		on_teardown "$LAUNCH" rm -f "$name"
		ROOTFS=$BOX_DEBIAN_ROOTFS box_detach --name "$name" --overlay --net veth --memory 64m \
			-- service nginx start
		[ "$BOX_RC" = 0 ] || { fail "start $name: $(cat "$TEST_TMP/err")"; return 0; }
	done
	for name in "${names[@]}"; do
		addr=$(record_get "$name" net address)
		if ! wait_until 20 curl -sf --max-time 5 -o "$TEST_TMP/page" "http://$addr/" ||
			! grep -q 'Welcome to nginx' "$TEST_TMP/page"; then
			bad+=" $name($addr)"
			continue
		fi
		# Its own pid file and access log, in its own layer (the host reads the layer).
		pid=$(cat "/var/lib/box/$name/upper/run/nginx.pid" 2>/dev/null)
		[ -n "$pid" ] || bad+=" $name(no pid file)"
		[ "$(grep -c 'GET / ' "/var/lib/box/$name/upper/var/log/nginx/access.log" 2>/dev/null)" -ge 1 ] ||
			bad+=" $name(no access log)"
		pids+="$(readlink "/proc/$(record_get "$name" pid1 pid)/ns/pid") "
	done
	assertEquals "every nginx answered on its own address, with its own files" "" "$bad"
	assertEquals "$n pid namespaces" "$n" "$(tr ' ' '\n' <<<"$pids" | sort -u | grep -c .)"
	box_cmd stop -t 10 "${names[@]}"
	assertEquals "stop: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "no layer left" "" "$(ls -d /var/lib/box/"$BT_PREFIX"-* 2>/dev/null)"
	assertEquals "the rootfs is unchanged, bit for bit" "$before" "$(tree_sum "$BOX_DEBIAN_ROOTFS")"
}

# The headline use typed at a terminal: `service` runs on the container's own terminal,
# returns, nginx lives on; the keyboard is then the host's again and Ctrl-C stops it all.
test_service_nginx_start_at_a_terminal_and_ctrl_c()
{
	require_root || return 0
	require_command nsenter || return 0
	require_command python3 || return 0
	require_debian_rootfs || return 0
	PTY_OPTS=(--timeout 60)
	PTY_STEPS=("pid=$TEST_TMP/launch.pid" "waitfile=$TEST_TMP/checked" 'modes' 'send=\x03' exit)
	ROOTFS=$BOX_DEBIAN_ROOTFS pty_run --grace 30 -- service nginx start &
	local drive=$!
	track_pid "$drive"
	wait_until 30 test -s "$TEST_TMP/launch.pid"
	BOX_PID=$(cat "$TEST_TMP/launch.pid")
	wait_until 30 eval 'BOX_INIT_PID=$(_bt_init_pid)'
	assertTrue "nginx answers: $(pty_log)" "wait_until 30 nginx_serves"
	assertTrue "service returned" "wait_until 10 main_command_gone"
	touch "$TEST_TMP/checked"
	wait "$drive"
	assertTrue "service ran on the container's terminal: $(pty_log)" \
		"grep -q 'nginx' '$TEST_TMP/pty.log'"
	assertEquals "the keyboard was the host's again (cooked)" 0 "$(kv "$TEST_TMP/pty.out" raw)"
	assertEquals "Ctrl-C stopped the container gracefully: $(pty_log)" 0 \
		"$(kv "$TEST_TMP/pty.out" status)"
	assertEquals "modes as before" 1 "$(kv "$TEST_TMP/pty.out" modes_same)"
}

. "$SHUNIT2"
