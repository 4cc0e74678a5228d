#!/bin/bash
# SPDX-License-Identifier: MIT
# The known runtime escapes against the OCI runtime build/box: a container process reaching
# the host's box binary through /proc/PID/exe of `box exec`'s joiner or of the first process
# waiting between create and start (CVE-2019-5736), and a host directory through a
# descriptor or working directory box brings along (CVE-2024-21626). Each attack has a
# control where it works (a naive joiner, a copy of nsenter). Ends "N attacks, N blocked".

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../launch/launch_lib.sh"
. "$(dirname "$0")/sec_lib.sh"

BOX=${BOX:-$BOX_BUILD/box}
OCI_ROOT=
OCI_N=0

box_suite_setup()
{
	BOX_ROOTFS=
	[ -x "$PROBE" ] && [ -x "$ATTACK" ] && BOX_ROOTFS=$(_sec_rootfs)
	OCI_ROOT=$(mktemp -d /tmp/box-oci-sec.XXXXXX)
}

box_suite_teardown()
{
	local d
	for d in "$OCI_ROOT"/*/; do
		[ -d "$d" ] && "$BOX" --root "$OCI_ROOT" delete --force "$(basename "$d")" 2>/dev/null
	done
	rm -rf "$OCI_ROOT"
	[ "$SEC_ATTACKS" -gt 0 ] && echo "$SEC_ATTACKS attacks, $SEC_BLOCKED blocked"
	return 0
}

obox()
{
	timeout -k 5 60 "$BOX" --root "$OCI_ROOT" "$@"
}

# A running box container (sleep) from the security rootfs; CAPS: extra capabilities; EDIT:
# python on the config `c`. Sets ID and PID1.
oci_container()
{
	OCI_N=$((OCI_N + 1))
	ID=bs$$-$OCI_N
	local b=$TEST_TMP/bundle-$OCI_N
	mkdir -p "$b"
	"$BOX" spec --bundle "$b" || return 1
	python3 - "$b/config.json" "$BOX_ROOTFS" "$BOX_TEST_CGROUP_PARENT/$ID" "${CAPS:-}" <<-EOF || return 1
		import json, sys
		path, rootfs, cgroup, caps = sys.argv[1:5]
		c = json.load(open(path))
		c["root"] = {"path": rootfs, "readonly": True}
		c["process"]["terminal"] = False
		c["process"]["args"] = ["sleep", "1000"]
		c["linux"]["cgroupsPath"] = cgroup
		for k in ("bounding", "effective", "permitted"):
		    c["process"]["capabilities"][k] += [x for x in caps.split(",") if x]
		${EDIT:-pass}
		json.dump(c, open(path, "w"))
	EOF
	on_teardown obox delete --force "$ID"
	obox create --bundle "$b" --pid-file "$TEST_TMP/pid" "$ID" 2>"$TEST_TMP/err" ||
		{ fail "create: $(cat "$TEST_TMP/err")"; return 1; }
	PID1=$(cat "$TEST_TMP/pid")
	SEC_EXEC=(obox exec "$ID")
	[ "${NOSTART:-0}" = 1 ] || obox start "$ID" || { fail "start"; return 1; }
}

# A pod of two: the first container (CAPS) runs the attacker, which watches for box; the
# second joins its pid namespace and stays created, its first process waiting for start.
pod_attack()
{
	local pod attacker
	oci_container || return 1
	pod=$PID1
	obox exec "$ID" attack exe-watch /box 20 >"$TEST_TMP/attack" 2>&1 &
	attacker=$!
	track_pid $attacker
	wait_until 30 file_has "$TEST_TMP/attack" '^ready=1$' || fail "the attacker did not start"
	EDIT='c["linux"]["namespaces"] = [{"type": "pid", "path": "/proc/'"$pod"'/ns/pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}]' \
		CAPS= NOSTART=1 oci_container || return 1
	wait "$attacker"
}

test_exec_joiner_exe_cannot_be_rewritten_even_with_cap_sys_ptrace()
{
	require_root || return 0
	require_command strace || return 0
	local sum
	CAPS=CAP_SYS_PTRACE oci_container || return 0
	cp "$(command -v nsenter)" "$TEST_TMP/joiner"
	attack_joiner /joiner "$TEST_TMP/joiner" -t "$PID1" -a /bin/true
	control_succeeded joiner-exe "$TEST_TMP/attack" || return 0
	assertEquals "the joiner's binary was overwritten" BOXATTACK "$(head -c 9 "$TEST_TMP/joiner")"
	sum=$(sha256sum <"$BOX")
	attack_joiner /box "$BOX" --root "$OCI_ROOT" exec "$ID" /bin/true
	assertEquals "box exec caught in the container" 1 "$(grep -c '^joiner=[1-9]' "$TEST_TMP/attack")"
	attack_verdict_file box-exec-exe "$TEST_TMP/attack"
	assertEquals "the host's box is unchanged" "$sum" "$(sha256sum <"$BOX")"
	assertEquals "sealed" seals=15 "$(grep '^seals=' "$TEST_TMP/attack")"
}

# A pod: the second container joins the first one's pid namespace by path, so its first
# process, waiting for start, is in sight of the first container's attacker.
test_waiting_first_process_exe_is_a_sealed_copy()
{
	require_root || return 0
	local sum pod
	sum=$(sha256sum <"$BOX")
	CAPS=CAP_SYS_PTRACE pod_attack || return 0
	assertEquals "the waiting process is seen" 1 "$(grep -c '^joiner=[1-9]' "$TEST_TMP/attack")"
	attack_verdict_file box-create-exe "$TEST_TMP/attack"
	assertEquals "the host's box is unchanged" "$sum" "$(sha256sum <"$BOX")"
	assertEquals "sealed" seals=15 "$(grep '^seals=' "$TEST_TMP/attack")"
}

# Without CAP_SYS_PTRACE, the waiting first process (not dumpable) cannot even be opened.
test_waiting_first_process_is_out_of_reach_of_a_default_container()
{
	require_root || return 0
	pod_attack || return 0
	assertEquals "the waiting process is seen" 1 "$(grep -c '^joiner=[1-9]' "$TEST_TMP/attack")"
	attack_verdict_file box-create-exe-default "$TEST_TMP/attack"
	assertEquals "not dumpable: its exe does not open" open_path=EACCES \
		"$(grep '^open_path=' "$TEST_TMP/attack")"
}

test_exec_brings_no_host_descriptor_nor_directory()
{
	require_root || return 0
	oci_container || return 0
	mkdir "$TEST_TMP/hostdir"
	echo host-secret >"$TEST_TMP/hostdir/secret"
	cp "$(command -v nsenter)" "$TEST_TMP/joiner"
	"$TEST_TMP/joiner" -t "$PID1" -a /bin/attack fd 7 secret 7<"$TEST_TMP/hostdir" \
		>"$TEST_TMP/control" 2>&1
	control_succeeded exec-fd "$TEST_TMP/control" || return 0
	obox exec "$ID" attack fd 7 secret 7<"$TEST_TMP/hostdir" >"$TEST_TMP/out" 2>&1
	attack_verdict_file box-exec-fd "$TEST_TMP/out"
	(cd "$TEST_TMP/hostdir" && "$TEST_TMP/joiner" -t "$PID1" -p -r /bin/attack cwd secret) \
		>"$TEST_TMP/control" 2>&1
	control_succeeded exec-cwd "$TEST_TMP/control" || return 0
	(cd "$TEST_TMP/hostdir" && obox exec "$ID" attack cwd secret) >"$TEST_TMP/out" 2>&1
	attack_verdict_file box-exec-cwd "$TEST_TMP/out"
	assertEquals "the command starts in the container's /" cwd=/ "$(grep '^cwd=' "$TEST_TMP/out")"
}

. "$SHUNIT2"
