#!/bin/bash
# SPDX-License-Identifier: MIT
# The OCI runtime run by an ordinary user (one this suite creates, and removes): `box spec
# --rootless` writes a config with a user namespace mapping 0 to the user, and the whole
# lifecycle works as that user, its containers under $XDG_RUNTIME_DIR/box-oci, with no cgroup
# (none is the user's to make) unless the config asks for resources, which then fail in one
# line. After every test nothing of the user's is left.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../rootless_lib.sh"

BOX_OCI=${BOX_OCI:-$BOX_BUILD/box}

box_suite_setup()
{
	local bb=
	[ -x "$PROBE" ] && bb=$(busybox_rootfs)
	rootless_user_setup "$bb"
}

box_suite_teardown()
{
	rootless_user_teardown
}

box_teardown()
{
	[ -n "$RL_DIR" ] && rootless_check_left
	rm -f "${RL_DIR:-/nonexistent}/config.json"
}

# as_user CMD...: as the suite's user, in its directory (the bundle), under a subreaper (as
# an engine's conmon or shim is: `box create` leaves its first process to it).
as_user()
{
	rl_env
	(cd "$RL_DIR" && timeout -k 5 60 "${RL_ENV[@]}" python3 -c '
import ctypes, os, sys
ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
os.execvp(sys.argv[1], sys.argv[1:])' "$@") </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
}

# rootless_spec PYTHON: `box spec --rootless` as the user, then the python statements run on
# c, the config (process.args first of all).
rootless_spec()
{
	as_user "$BOX_OCI" spec --rootless || return 1
	python3 - "$RL_DIR/config.json" "$1" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
exec(sys.argv[2])
json.dump(c, open(sys.argv[1], "w"))
EOF
}

test_spec_rootless_maps_the_user_and_run_passes_the_status()
{
	rl_require || return 0
	rootless_spec 'c["process"]["args"] = ["sh", "-c", "id -u; cat /proc/self/uid_map; exit 3"]'
	assertEquals "spec (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "the user namespace is in the config" "user 0:$RL_UID:1" "$(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
m = c["linux"]["uidMappings"][0]
print(c["linux"]["namespaces"][-1]["type"], "%d:%d:%d" % (m["containerID"], m["hostID"], m["size"]))' \
		"$RL_DIR/config.json")"
	as_user "$BOX_OCI" run t1
	assertEquals "the status (stderr: $(cat "$TEST_TMP/err"))" 3 "$BOX_RC"
	assertEquals "root inside, the user outside" "0
0 $RL_UID 1" "$(sed '2s/  */ /g; 2s/^ //; 2s/ $//' "$TEST_TMP/out")"
}

test_create_start_exec_ps_kill_delete_as_the_user()
{
	rl_require || return 0
	rootless_spec 'c["process"]["args"] = ["sleep", "60"]'
	# One shell as the user, under the subreaper: each step prints its name and status.
	as_user sh -c '
		box=$1
		step() { name=$1; shift; out=$("$@" 2>&1); echo "$name=$? $out" | tr "\n" " "; echo; }
		status() { "$box" state t2 | sed -n "s/.*\"status\": \"\([a-z]*\)\".*/\1/p"; }
		# The container keeps create'"'"'s stdio: not the pipe a step reads to its end.
		"$box" create t2 </dev/null >/dev/null 2>create.err; echo "create=$? $(cat create.err)"; rm -f create.err
		step created status
		step start "$box" start t2
		step running status
		step exec "$box" exec t2 sh -c "id -u; cat /proc/1/comm"
		step ps "$box" ps t2
		step kill "$box" kill t2 KILL
		i=0; while [ "$(status)" != stopped ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		step stopped status
		step delete "$box" delete t2
		step gone "$box" state t2' sh "$BOX_OCI"
	assertEquals "the script (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "create" "create=0" "$(grep '^create=' "$TEST_TMP/out" | xargs)"
	assertEquals "created" "created=0 created" "$(grep '^created=' "$TEST_TMP/out" | xargs)"
	assertEquals "start" "start=0" "$(grep '^start=' "$TEST_TMP/out" | xargs)"
	assertEquals "running" "running=0 running" "$(grep '^running=' "$TEST_TMP/out" | xargs)"
	assertEquals "exec: root, beside the first process" "exec=0 0 sleep" \
		"$(grep '^exec=' "$TEST_TMP/out" | xargs)"
	assertTrue "ps lists sleep: $(cat "$TEST_TMP/out")" "grep -q '^ps=0 .*sleep' '$TEST_TMP/out'"
	assertEquals "stopped" "stopped=0 stopped" "$(grep '^stopped=' "$TEST_TMP/out" | xargs)"
	assertEquals "delete" "delete=0" "$(grep '^delete=' "$TEST_TMP/out" | xargs)"
	assertTrue "gone: $(grep '^gone=' "$TEST_TMP/out")" \
		"grep -q '^gone=1 .*does not exist' '$TEST_TMP/out'"
}

test_a_created_container_goes_with_delete_force()
{
	rl_require || return 0
	rootless_spec 'c["process"]["args"] = ["sleep", "60"]'
	as_user sh -c '"$1" create t3 && "$1" delete --force t3' sh "$BOX_OCI"
	assertEquals "create, delete --force (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
}

# No cgroup is the user's here (v1 has none to delegate; the VM's v2 delegates none to it).
test_resources_without_a_cgroup_fail_in_one_line()
{
	rl_require || return 0
	rootless_spec 'c["process"]["args"] = ["true"]; c["linux"]["resources"] = {"pids": {"limit": 10}}'
	as_user "$BOX_OCI" run t4
	assertEquals "refused" 1 "$BOX_RC"
	assertEquals "one line: $(cat "$TEST_TMP/err")" 1 "$(wc -l <"$TEST_TMP/err")"
	assertTrue "names the cgroup: $(cat "$TEST_TMP/err")" "grep -q cgroup '$TEST_TMP/err'"
}

test_rootless_without_xdg_runtime_dir_needs_root()
{
	rl_require || return 0
	(cd "$RL_DIR" && timeout 30 setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups -- \
		env -i PATH=/usr/bin:/bin "$BOX_OCI" list) </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertEquals "refused" 1 "$?"
	assertTrue "names XDG_RUNTIME_DIR: $(cat "$TEST_TMP/err")" \
		"grep -q XDG_RUNTIME_DIR '$TEST_TMP/err'"
}

# Rootless podman drives box: podman puts its runtime in a user namespace of the user's
# (newuidmap, the /etc/subuid line given here), where box runs as that namespace's root.
test_rootless_podman_runs_box()
{
	rl_require || return 0
	require_command podman || return 0
	if [ "$(hostname)" = boxvm ]; then
		skip_test "the VM runs no engine (tools/vm/suites)"
		return 0
	fi
	local pod
	echo "$RL_USER:600000:65536" >>/etc/subuid
	echo "$RL_USER:600000:65536" >>/etc/subgid
	on_teardown sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
	tar -C "$RL_DIR/rootfs" -cf "$RL_DIR/rootfs.tar" . && chown "$RL_UID" "$RL_DIR/rootfs.tar"
	pod="podman --storage-driver vfs --runtime $BOX_OCI"
	# podman's own processes (its pause process) end with the suite's user.
	as_user sh -c "$pod import rootfs.tar localhost/rl:1 >/dev/null &&
		$pod run --rm --network none localhost/rl:1 sh -c 'id -u; exit 7'
		echo run=\$?
		$pod run -d --name rl1 --network none localhost/rl:1 sleep 60 >/dev/null
		echo detached=\$?
		$pod exec rl1 cat /proc/1/comm
		echo exec=\$?
		$pod rm -f -t 0 rl1 >/dev/null
		echo rm=\$?
		$pod rmi -f localhost/rl:1 >/dev/null; $pod system reset -f >/dev/null 2>&1"
	assertEquals "podman as the user, over box (stderr: $(cat "$TEST_TMP/err"))" "0
run=7
detached=0
sleep
exec=0
rm=0" "$(cat "$TEST_TMP/out")"
	rm -rf "${RL_DIR:?}/rootfs.tar" "$RL_DIR/.local" "$RL_DIR/.config" "$RL_DIR/run/"*
}

. "$SHUNIT2"
