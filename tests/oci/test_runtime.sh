#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The OCI runtime build/box driven by this suite itself, the way an engine drives it: bundles
# (config.json + the busybox test rootfs), create/start/state/kill/delete, run, exec, the
# console socket, pause/resume, update, and the errors engines parse. No engine needed: this
# suite runs in the cgroup v2 VM too. Containers' cgroups live under /box-test (checked by
# launch_lib's teardown with every mount and process).

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../launch/launch_lib.sh"

BOX=${BOX:-$BOX_BUILD/box}
OCI_ROOT=
OCI_N=0

box_suite_setup()
{
	[ -x "$PROBE" ] && BOX_ROOTFS=$(busybox_rootfs) || BOX_ROOTFS=
	OCI_ROOT=$(mktemp -d /tmp/box-oci-root.XXXXXX)
}

box_suite_teardown()
{
	[ -n "$OCI_ROOT" ] || return 0
	# A container a failed test left: deleted, so its cgroup and process go too.
	for d in "$OCI_ROOT"/*/; do
		[ -d "$d" ] && "$BOX" --root "$OCI_ROOT" delete --force "$(basename "$d")" 2>/dev/null
	done
	rm -rf "$OCI_ROOT"
}

# A fresh bundle in $TEST_TMP/bundle running CMD... (process.terminal false), cgroup under
# /box-test; sets ID. Extra python statements on `c` (the config) from $EDIT.
mkbundle()
{
	OCI_N=$((OCI_N + 1))
	ID=bt$$-$OCI_N
	mkdir -p "$TEST_TMP/bundle"
	rm -f "$TEST_TMP/bundle/config.json"
	"$BOX" spec --bundle "$TEST_TMP/bundle" || fail "box spec"
	python3 - "$TEST_TMP/bundle/config.json" "$BOX_ROOTFS" "$BOX_TEST_CGROUP_PARENT/$ID" \
		"$@" <<-EOF || fail "edit config.json"
		import json, sys
		path, rootfs, cgroup, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
		c = json.load(open(path))
		c["root"] = {"path": rootfs, "readonly": True}
		c["process"]["terminal"] = False
		c["process"]["args"] = args
		c["linux"]["cgroupsPath"] = cgroup
		${EDIT:-pass}
		json.dump(c, open(path, "w"), indent=1)
	EOF
	on_teardown oci_cleanup "$ID"
}

oci_cleanup()
{
	"$BOX" --root "$OCI_ROOT" delete --force "$1" >/dev/null 2>&1
	return 0
}

obox()
{
	timeout -k 5 30 "$BOX" --root "$OCI_ROOT" "$@"
}

# create in the background of this shell (the suite is the container's parent, as conmon
# would be); the first process's pid in PID.
ocreate()
{
	obox create --bundle "$TEST_TMP/bundle" --pid-file "$TEST_TMP/pid" "$@" "$ID" \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err" || {
		fail "create: $(cat "$TEST_TMP/err")"
		return 1
	}
	PID=$(cat "$TEST_TMP/pid")
	track_pid "$PID"
}

ostatus()
{
	obox state "$ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'
}

status_is()
{
	[ "$(ostatus)" = "$1" ]
}

test_run_passes_the_exit_status_through()
{
	mkbundle sh -c 'echo out; echo err >&2; exit 7'
	obox run --bundle "$TEST_TMP/bundle" "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertEquals "run's status" 7 $?
	assertEquals out "$(cat "$TEST_TMP/out")"
	assertEquals err "$(cat "$TEST_TMP/err")"
	assertFalse "the record stays after run" "[ -e '$OCI_ROOT/$ID' ]"
}

test_run_reports_a_missing_command_as_engines_expect()
{
	mkbundle /bin/no-such-command
	obox run --bundle "$TEST_TMP/bundle" "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertEquals 1 $?
	assertContains "$(tr A-Z a-z <"$TEST_TMP/err")" "no such file or directory"
	mkbundle no-such-command
	obox run --bundle "$TEST_TMP/bundle" "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertContains "$(cat "$TEST_TMP/err")" "executable file not found in \$PATH"
}

test_create_waits_until_start_then_runs_the_process()
{
	mkdir -p "$TEST_TMP/vol"
	EDIT='c["mounts"].append({"destination": "/vol", "type": "bind", "source": "'"$TEST_TMP/vol"'", "options": ["rbind", "rw"]})' \
		mkbundle sh -c 'echo ran >/vol/ran; exec sleep 60'
	ocreate || return
	assertEquals "the pid file has no newline" "$(printf %s "$PID")" "$(cat "$TEST_TMP/pid")"
	assertEquals created "$(ostatus)"
	assertTrue "the first process lives" "[ -d /proc/$PID ]"
	assertFalse "nothing ran before start" "[ -e '$TEST_TMP/vol/ran' ]"
	assertFalse "the exe is not box's binary" "[ /proc/$PID/exe -ef '$BOX' ]"
	obox start "$ID" || fail "start"
	wait_until 5 test -e "$TEST_TMP/vol/ran" || fail "the process did not run after start"
	assertEquals running "$(ostatus)"
	obox start "$ID" 2>"$TEST_TMP/err"
	assertEquals "a second start fails" 1 $?
	obox kill "$ID" KILL || fail "kill"
	wait_until 5 status_is stopped || fail "not stopped after kill: $(ostatus)"
	assertEquals '"pid": 0' "$(obox state "$ID" | grep -o '"pid": [0-9]*')"
	obox delete "$ID" || fail "delete"
	obox state "$ID" 2>"$TEST_TMP/err"
	assertEquals 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "does not exist"
}

test_state_has_the_runtime_spec_fields()
{
	EDIT='c["annotations"] = {"org.test.a": "b"}' mkbundle sleep 60
	ocreate || return
	obox state "$ID" >"$TEST_TMP/state" || fail "state"
	python3 - "$TEST_TMP/state" "$ID" "$PID" "$TEST_TMP/bundle" <<-'EOF' || fail "state: $(cat "$TEST_TMP/state")"
		import json, re, sys, os
		s = json.load(open(sys.argv[1]))
		assert s["ociVersion"].startswith("1.0"), s
		assert s["id"] == sys.argv[2], s
		assert s["pid"] == int(sys.argv[3]), s
		assert s["status"] == "created", s
		assert s["bundle"] == os.path.realpath(sys.argv[4]), s
		assert s["annotations"] == {"org.test.a": "b"}, s
		assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", s["created"]), s
	EOF
	obox list --format json | grep -q "\"$ID\"" || fail "list --format json misses it"
	obox list | grep -q "^$ID " || fail "list misses it"
}

test_kill_takes_names_and_numbers_and_all()
{
	mkbundle sh -c 'trap "" TERM; sleep 60 & sleep 60 & wait'
	ocreate || return
	obox start "$ID" || fail start
	wait_until 5 eval '[ "$(obox ps --format json "$ID" | tr , "\n" | wc -l)" -ge 3 ]' ||
		fail "ps: $(obox ps --format json "$ID")"
	obox kill "$ID" SIGTERM || fail "kill SIGTERM"
	obox kill "$ID" 15 || fail "kill 15"
	obox kill "$ID" NOSUCH 2>"$TEST_TMP/err"
	assertEquals "a bad signal" 1 $?
	assertEquals "TERM is ignored: still running" running "$(ostatus)"
	obox kill --all "$ID" KILL || fail "kill --all"
	wait_until 5 status_is stopped || fail "not stopped after kill --all"
	wait_until 5 eval '[ "$(obox ps --format json "$ID")" = "[]" ]' ||
		fail "processes left: $(obox ps --format json "$ID")"
	obox kill "$ID" KILL 2>"$TEST_TMP/err"
	assertEquals "kill of a stopped container" 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "container not running"
}

test_delete_refuses_a_running_container_unless_forced()
{
	mkbundle sleep 60
	ocreate || return
	obox start "$ID" || fail start
	obox delete "$ID" 2>"$TEST_TMP/err"
	assertEquals 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "not stopped"
	obox delete --force "$ID" || fail "delete --force"
	wait_until 5 eval '! [ -d /proc/$PID ] || grep -q "^State:.Z" /proc/$PID/status' ||
		fail "the process outlived delete --force"
	assertFalse "record gone" "[ -e '$OCI_ROOT/$ID' ]"
	obox delete --force "$ID" || fail "delete --force of a gone container must succeed"
}

test_a_created_container_is_deleted_with_its_waiting_process()
{
	mkbundle sleep 60
	ocreate || return
	obox delete "$ID" || fail "delete of a created container"
	wait_until 5 eval '! [ -d /proc/$PID ] || grep -q "^State:.Z" /proc/$PID/status' ||
		fail "the waiting process outlived delete"
}

test_create_refuses_an_id_in_use_and_bad_ids()
{
	mkbundle sleep 60
	ocreate || return
	obox create --bundle "$TEST_TMP/bundle" "$ID" 2>"$TEST_TMP/err"
	assertEquals 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "already exists"
	obox create --bundle "$TEST_TMP/bundle" "../x" 2>"$TEST_TMP/err"
	assertEquals 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "not valid"
}

test_bad_config_names_the_field_and_leaves_nothing()
{
	EDIT='c["process"]["cwd"] = "relative"' mkbundle true
	obox create --bundle "$TEST_TMP/bundle" "$ID" 2>"$TEST_TMP/err"
	assertEquals 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "process.cwd"
	assertFalse "no record" "[ -e '$OCI_ROOT/$ID' ]"
	EDIT='c["linux"]["resources"] = {"memory": {"limit": "lots"}}' mkbundle true
	obox create --bundle "$TEST_TMP/bundle" "$ID" 2>"$TEST_TMP/err"
	assertContains "$(cat "$TEST_TMP/err")" "linux.resources.memory.limit"
	assertFalse "no cgroup" "[ -e /sys/fs/cgroup/pids$BOX_TEST_CGROUP_PARENT/$ID ] || [ -e /sys/fs/cgroup$BOX_TEST_CGROUP_PARENT/$ID ]"
}

test_exec_joins_the_container_and_returns_the_status()
{
	EDIT='c["hostname"] = "ocihost"' mkbundle sleep 60
	ocreate || return
	obox start "$ID" || fail start
	assertEquals "ocihost" "$(obox exec "$ID" hostname)"
	obox exec "$ID" sh -c 'exit 5'
	assertEquals "exec's status" 5 $?
	# The same pid namespace (its PID 1 is the container's sleep), cgroup and root.
	assertEquals "sleep 60" "$(obox exec "$ID" cat /proc/1/cmdline | tr '\0' ' ' | sed 's/ $//')"
	assertEquals "0::/" "$(obox exec "$ID" sh -c 'grep -E "^0::" /proc/self/cgroup || echo 0::/')"
	assertEquals "same rootfs" "$(obox exec "$ID" cat /etc/hostname 2>&1)" "$(cat "$BOX_ROOTFS/etc/hostname" 2>&1)"
	assertEquals "no signal blocked in the exec'd process" "SigBlk:	0000000000000000" \
		"$(obox exec "$ID" grep SigBlk /proc/self/status)"
	assertEquals "nor in the first process" "SigBlk:	0000000000000000" "$(grep SigBlk /proc/$PID/status)"
	obox exec --env FOO=bar --cwd /etc "$ID" sh -c 'echo $FOO $PWD' >"$TEST_TMP/out"
	assertEquals "bar /etc" "$(cat "$TEST_TMP/out")"
	obox exec "$ID" no-such-command 2>"$TEST_TMP/err"
	assertEquals 127 $?
	assertContains "$(cat "$TEST_TMP/err")" "executable file not found"
}

test_exec_detached_writes_the_pid_file_and_runs_in_the_cgroup()
{
	mkbundle sleep 60
	ocreate || return
	obox start "$ID" || fail start
	obox exec --detach --pid-file "$TEST_TMP/epid" "$ID" sleep 30 || fail "exec --detach"
	epid=$(cat "$TEST_TMP/epid")
	track_pid "$epid"
	assertEquals "cgroup of the exec" "$(grep pids /proc/$PID/cgroup)" "$(grep pids /proc/$epid/cgroup)"
	obox ps --format json "$ID" | grep -q "$epid" || fail "ps misses the exec'd process"
	assertFalse "the exec's exe is not box's binary" "[ /proc/$epid/exe -ef '$BOX' ]"
}

test_exec_process_file_and_user()
{
	mkbundle sleep 60
	ocreate || return
	obox start "$ID" || fail start
	cat >"$TEST_TMP/process.json" <<-'EOF'
		{"terminal": false, "user": {"uid": 65534, "gid": 65534}, "args": ["sh", "-c", "id -u; id -g; grep CapEff /proc/self/status"],
		 "env": ["PATH=/bin:/sbin:/usr/bin"], "cwd": "/", "noNewPrivileges": true}
	EOF
	obox exec --process "$TEST_TMP/process.json" "$ID" >"$TEST_TMP/out" || fail "exec --process"
	assertEquals "$(printf '65534\n65534\nCapEff:\t0000000000000000')" "$(cat "$TEST_TMP/out")"
}

# --user takes numbers below 2^32 - 1 and nothing else: 4294967296 once wrapped to uid 0.
test_exec_user_takes_only_valid_ids()
{
	local u
	mkbundle sleep 60
	ocreate || return
	obox start "$ID" || fail start
	assertEquals "65534 65534" "$(obox exec --user 65534:65534 "$ID" sh -c 'echo $(id -u) $(id -g)')"
	for u in 4294967296 -1 4294967295 '' 5:x 5: x 1:2:3; do
		obox exec --user "$u" "$ID" id -u >"$TEST_TMP/out" 2>"$TEST_TMP/err"
		assertEquals "--user '$u': exit status (box's own error)" 1 $?
		assertEquals "--user '$u': nothing ran" "" "$(cat "$TEST_TMP/out")"
		assertEquals "--user '$u': one line" 1 "$(grep -c '' "$TEST_TMP/err")"
		assertContains "--user '$u': names it" "$(cat "$TEST_TMP/err")" "--user '$u'"
	done
}

test_console_socket_gets_the_pty_master()
{
	EDIT='c["process"]["terminal"] = True' mkbundle sh -c 'tty; test -t 0 && echo is-a-tty; [ /dev/console -ef "$(tty)" ] && echo console-is-the-pty'
	python3 "$BOX_ROOT/tests/oci/console.py" "$TEST_TMP/console.sock" >"$TEST_TMP/console.out" &
	track_pid $!
	wait_until 5 test -S "$TEST_TMP/console.sock" || fail "the receiver did not listen"
	ocreate --console-socket "$TEST_TMP/console.sock" || return
	obox start "$ID" || fail start
	wait_until 10 grep -q done "$TEST_TMP/console.out" || fail "no output: $(cat "$TEST_TMP/console.out")"
	assertContains "$(cat "$TEST_TMP/console.out")" "/dev/pts/0"
	assertContains "$(cat "$TEST_TMP/console.out")" "is-a-tty"
	assertContains "/dev/console is the pty" "$(cat "$TEST_TMP/console.out")" "console-is-the-pty"
}

test_pause_freezes_and_resume_thaws()
{
	mkdir -p "$TEST_TMP/vol"
	EDIT='c["mounts"].append({"destination": "/vol", "type": "bind", "source": "'"$TEST_TMP/vol"'", "options": ["rbind", "rw"]})' \
		mkbundle sh -c 'i=0; while :; do i=$((i+1)); echo $i >/vol/n; sleep 0.05; done'
	ocreate || return
	obox start "$ID" || fail start
	wait_until 5 test -s "$TEST_TMP/vol/n" || fail "no counter"
	obox pause "$ID" || fail pause
	assertEquals paused "$(ostatus)"
	a=$(cat "$TEST_TMP/vol/n")
	sleep 0.3
	assertEquals "the counter stands while paused" "$a" "$(cat "$TEST_TMP/vol/n")"
	obox resume "$ID" || fail resume
	assertEquals running "$(ostatus)"
	wait_until 5 eval '[ "$(cat "$TEST_TMP/vol/n")" != "$a" ]' || fail "the counter did not move on"
}

# A device of linux.devices opens only with its allow rule in linux.resources.devices (the
# device cgroup: v1's list, v2's BPF program).
test_device_rules_open_exactly_the_allowed_devices()
{
	EDIT='c["linux"]["devices"] = [{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200}]' \
		mkbundle sh -c 'cat /dev/net/tun 2>&1; cat /dev/null && echo null-ok'
	obox run --bundle "$TEST_TMP/bundle" "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertContains "denied without a rule" "$(cat "$TEST_TMP/out")" "Operation not permitted"
	assertContains "the default nodes still open" "$(cat "$TEST_TMP/out")" "null-ok"
	EDIT='c["linux"]["devices"] = [{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200}]
c["linux"]["resources"] = {"devices": [{"allow": False, "access": "rwm"}, {"allow": True, "type": "c", "major": 10, "minor": 200, "access": "rw"}]}' \
		mkbundle sh -c 'cat /dev/net/tun 2>&1; cat /dev/null && echo null-ok'
	obox run --bundle "$TEST_TMP/bundle" "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertNotContains "allowed by its rule" "$(cat "$TEST_TMP/out")" "Operation not permitted"
	assertContains "the default nodes still open" "$(cat "$TEST_TMP/out")" "null-ok"
	EDIT='c["linux"]["resources"] = {"devices": [{"allow": False, "type": "c", "major": 1, "minor": 3, "access": "rwm"}]}' \
		mkbundle true
	obox run --bundle "$TEST_TMP/bundle" "$ID" 2>"$TEST_TMP/err"
	assertEquals "a narrow deny is refused" 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "linux.resources.devices[0]"
}

# A pod: the second container joins the first one's network namespace by path, as
# Kubernetes' sandbox does, and has its own mount and pid namespaces.
test_namespaces_joined_by_path()
{
	mkbundle sleep 60
	ocreate || return
	local pod=$PID
	EDIT='c["linux"]["namespaces"] = [{"type": "network", "path": "/proc/'"$pod"'/ns/net"}, {"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}]' \
		mkbundle sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/mnt'
	obox run --bundle "$TEST_TMP/bundle" "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
		fail "run: $(cat "$TEST_TMP/err")"
	assertEquals "the pod's network namespace" "$(readlink /proc/$pod/ns/net)" "$(sed -n 1p "$TEST_TMP/out")"
	assertNotEquals "a mount namespace of its own" "$(readlink /proc/$pod/ns/mnt)" "$(sed -n 2p "$TEST_TMP/out")"
	EDIT='c["linux"]["namespaces"][1]["path"] = "/nonexistent/ns"' mkbundle true
	obox run --bundle "$TEST_TMP/bundle" "$ID" 2>"$TEST_TMP/err"
	assertEquals "a missing path" 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "/nonexistent/ns"
}

# A user namespace with uidMappings/gidMappings: root inside is an unprivileged uid outside,
# for the first process and for exec.
test_user_namespace_maps_root_to_an_unprivileged_range()
{
	# The mapped root must reach the rootfs (the test rootfs's parent is 0700): a copy in a
	# directory others may traverse.
	local rootfs=$TEST_TMP/pub/rootfs
	mkdir -p "$TEST_TMP/pub" && cp -a "$BOX_ROOTFS" "$rootfs" && chmod 755 "$TEST_TMP" "$TEST_TMP/pub"
	local userns='c["root"]["path"] = "'"$rootfs"'"
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
	EDIT=$userns mkbundle sh -c 'id -u; id -g; cat /proc/self/uid_map | tr -s " " | sed "s/^ //"'
	obox run --bundle "$TEST_TMP/bundle" "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
		fail "run: $(cat "$TEST_TMP/err")"
	assertEquals "$(printf '0\n0\n0 200000 65536')" "$(cat "$TEST_TMP/out")"
	EDIT=$userns mkbundle sleep 60
	ocreate || return
	obox start "$ID" || fail start
	assertEquals "the host sees uid 200000" 200000 "$(awk '/^Uid:/ { print $2 }' /proc/$PID/status)"
	assertEquals "exec is root inside" 0 "$(obox exec "$ID" id -u)"
	obox exec --detach --pid-file "$TEST_TMP/epid" "$ID" sleep 30 || fail "exec --detach"
	track_pid "$(cat "$TEST_TMP/epid")"
	assertEquals "and 200000 outside" 200000 \
		"$(awk '/^Uid:/ { print $2 }' "/proc/$(cat "$TEST_TMP/epid")/status")"
	EDIT='c["linux"]["namespaces"].append({"type": "user"})' mkbundle true
	obox run --bundle "$TEST_TMP/bundle" "$ID" 2>"$TEST_TMP/err"
	assertEquals "no maps: refused" 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "uidMappings"
}

# The limit as the host's cgroup files say it, v1 or v2.
memory_limit()
{
	local f
	for f in "/sys/fs/cgroup$BOX_TEST_CGROUP_PARENT/$ID/memory.max" \
		"/sys/fs/cgroup/memory$BOX_TEST_CGROUP_PARENT/$ID/memory.limit_in_bytes"; do
		[ -e "$f" ] && cat "$f" && return
	done
	echo none
}

test_resources_apply_and_update_changes_them()
{
	EDIT='c["linux"]["resources"] = {"memory": {"limit": 67108864}, "pids": {"limit": 50}}' mkbundle sleep 60
	ocreate || return
	assertEquals 67108864 "$(memory_limit)"
	echo '{"memory": {"limit": 134217728}}' | obox update --resources - "$ID" 2>"$TEST_TMP/err"
	assertEquals "update of a created container" 1 $?
	obox start "$ID" || fail start
	echo '{"memory": {"limit": 134217728}}' | obox update --resources - "$ID" || fail update
	assertEquals 134217728 "$(memory_limit)"
}

# A symlink in the image never sends a mount out of the rootfs: /escape -> /tmp is the
# rootfs's /tmp, not the host's, and a link to a host directory the rootfs lacks leads nowhere.
test_mount_targets_resolve_inside_the_rootfs()
{
	local rootfs=$TEST_TMP/rootfs sub=box-test-$$-sub
	cp -a "$BOX_ROOTFS" "$rootfs"
	ln -s /tmp "$rootfs/escape"
	EDIT='c["root"]["path"] = "'"$rootfs"'"; c["root"]["readonly"] = False; c["mounts"].append({"destination": "/escape/'"$sub"'", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]})' \
		mkbundle sh -c "echo inside >/escape/$sub/f; cat /escape/$sub/f; grep -c ' /tmp/$sub ' /proc/mounts"
	obox run --bundle "$TEST_TMP/bundle" "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || fail "run: $(cat "$TEST_TMP/err")"
	assertEquals "$(printf 'inside\n1')" "$(cat "$TEST_TMP/out")"
	assertFalse "nothing was made on the host" "[ -e '/tmp/$sub' ]"
	assertTrue "the target was made in the rootfs" "[ -d '$rootfs/tmp/$sub' ]"
	mkdir -p "$TEST_TMP/host-target"
	ln -s "$TEST_TMP/host-target" "$rootfs/escape2"
	EDIT='c["root"]["path"] = "'"$rootfs"'"; c["mounts"].append({"destination": "/escape2/sub", "type": "tmpfs", "source": "tmpfs"})' \
		mkbundle true
	obox run --bundle "$TEST_TMP/bundle" "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertFalse "nothing was made on the host" "[ -e '$TEST_TMP/host-target/sub' ]"
}

test_no_host_descriptor_crosses_unless_preserved()
{
	mkbundle sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "; cat <&3 2>/dev/null'
	echo secret >"$TEST_TMP/secret"
	exec 3<"$TEST_TMP/secret"
	obox run --bundle "$TEST_TMP/bundle" "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assertEquals "only stdio (and ls's own)" "0 1 2 3 " "$(head -c 8 "$TEST_TMP/out")"
	assertNotContains "$(cat "$TEST_TMP/out")" secret
	mkbundle sh -c 'cat <&3'
	obox run --bundle "$TEST_TMP/bundle" --preserve-fds 1 "$ID" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	exec 3<&-
	assertEquals "--preserve-fds 1 passes fd 3" secret "$(cat "$TEST_TMP/out")"
}

test_spec_features_and_version()
{
	mkdir -p "$TEST_TMP/spec"
	obox spec --bundle "$TEST_TMP/spec" || fail spec
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TEST_TMP/spec/config.json" ||
		fail "spec wrote no JSON"
	obox spec --bundle "$TEST_TMP/spec" 2>"$TEST_TMP/err"
	assertEquals "spec does not overwrite" 1 $?
	obox features | python3 -c 'import json,sys; f=json.load(sys.stdin); assert f["ociVersionMax"].startswith("1."); assert "mount" in f["linux"]["namespaces"]' ||
		fail "features"
	assertContains "$(obox --version)" "spec: 1.0"
	obox checkpoint "$ID" 2>"$TEST_TMP/err"
	assertEquals 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "not supported"
}

# Every kind of hook, in order, each with the state on stdin: the runtime's from the host, the
# container's in its namespaces (startContainer's path resolves in the container).
test_hooks_run_in_order_with_the_state()
{
	mkdir -p "$TEST_TMP/vol"
	cat >"$TEST_TMP/hook" <<-EOF
		#!/bin/sh
		echo "\$1 \$(readlink /proc/self/ns/mnt) \$(cat)" >>"$TEST_TMP/hooks.log"
	EOF
	chmod +x "$TEST_TMP/hook"
	local h=$TEST_TMP/hook
	EDIT='c["mounts"].append({"destination": "/vol", "type": "bind", "source": "'"$TEST_TMP/vol"'", "options": ["rbind"]})
k = lambda n: [{"path": "'"$h"'", "args": ["hook", n]}]
c["hooks"] = {"prestart": k("prestart"), "createRuntime": k("createRuntime"), "createContainer": k("createContainer"),
  "startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat >/vol/start.json"]}], "poststart": k("poststart"), "poststop": k("poststop")}' \
		mkbundle sh -c 'echo main >/vol/main; sleep 60'
	ocreate || return
	assertEquals "prestart createRuntime createContainer" "$(cut -d' ' -f1 "$TEST_TMP/hooks.log" | tr '\n' ' ' | sed 's/ $//')"
	host_ns=$(readlink /proc/self/ns/mnt)
	assertEquals "createRuntime runs in the host's namespace" "$host_ns" "$(grep ^createRuntime "$TEST_TMP/hooks.log" | cut -d' ' -f2)"
	assertNotEquals "createContainer runs in the container's" "$host_ns" "$(grep ^createContainer "$TEST_TMP/hooks.log" | cut -d' ' -f2)"
	grep ^createRuntime "$TEST_TMP/hooks.log" | cut -d' ' -f3- | python3 -c 'import json,sys; s=json.load(sys.stdin); assert s["status"]=="creating" and s["pid"]==int(sys.argv[1]) and s["id"]==sys.argv[2], s' "$PID" "$ID" ||
		fail "createRuntime's state: $(cat "$TEST_TMP/hooks.log")"
	assertFalse "startContainer waits for start" "[ -e '$TEST_TMP/vol/start.json' ]"
	obox start "$ID" || fail start
	wait_until 5 test -e "$TEST_TMP/vol/main" || fail "main did not run"
	assertContains "$(cat "$TEST_TMP/vol/start.json")" "\"id\":\"$ID\""
	assertEquals poststart "$(sed -n 4p "$TEST_TMP/hooks.log" | cut -d' ' -f1)"
	obox delete --force "$ID" || fail delete
	assertEquals poststop "$(sed -n 5p "$TEST_TMP/hooks.log" | cut -d' ' -f1)"
}

test_a_failing_or_hung_hook_fails_create_and_leaves_nothing()
{
	EDIT='c["hooks"] = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]}' mkbundle true
	obox create --bundle "$TEST_TMP/bundle" "$ID" 2>"$TEST_TMP/err"
	assertEquals 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "createRuntime[0] '/bin/sh' exited with 3"
	assertFalse "no record" "[ -e '$OCI_ROOT/$ID' ]"
	EDIT='c["hooks"] = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "60"], "timeout": 1}]}' mkbundle true
	obox create --bundle "$TEST_TMP/bundle" "$ID" 2>"$TEST_TMP/err"
	assertEquals 1 $?
	assertContains "$(cat "$TEST_TMP/err")" "(timeout)"
}

# SIGKILL of `box create` during its set-up (in a hook): its process and hook die with it,
# and delete --force removes the record and the cgroup it left.
test_delete_cleans_up_after_a_killed_create()
{
	EDIT='c["hooks"] = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "echo hook >'"$TEST_TMP"'/hook; exec sleep 60"]}]}' \
		mkbundle sleep 60
	obox create --bundle "$TEST_TMP/bundle" "$ID" >/dev/null 2>&1 &
	local create=$!
	track_pid $create
	wait_until 10 test -e "$TEST_TMP/hook" || fail "the hook did not run"
	kill -KILL $create
	wait $create 2>/dev/null
	assertTrue "a record is left" "[ -d '$OCI_ROOT/$ID' ]"
	obox delete --force "$ID" || fail "delete --force after a killed create"
	assertFalse "the record is gone" "[ -e '$OCI_ROOT/$ID' ]"
}

test_json_log_format_for_engines()
{
	mkbundle true
	obox --log "$TEST_TMP/log.json" --log-format json state no-such-container 2>/dev/null
	assertEquals 1 $?
	python3 -c 'import json,sys; l=json.loads(open(sys.argv[1]).read().splitlines()[-1]); assert l["level"]=="error" and "does not exist" in l["msg"] and l["time"], l' \
		"$TEST_TMP/log.json" || fail "log: $(cat "$TEST_TMP/log.json")"
}

. "$SHUNIT2"
