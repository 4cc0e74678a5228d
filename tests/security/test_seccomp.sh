#!/bin/bash
# SPDX-License-Identifier: MIT
# The default seccomp profile, an allowlist, from its permissive side: real software and a
# program calling every allowed family work under it, observed inside the container; and
# launch --seccomp FILE with Docker- and OCI-format profiles, each refusal with a control
# showing the same command works without it. What it refuses: test_escape.sh.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../launch/launch_lib.sh"
. "$(dirname "$0")/sec_lib.sh"

# profile NAME JSON: a profile file in the test's directory, its path on stdout.
profile()
{
	printf '%s\n' "$2" >"$TEST_TMP/$1.json"
	echo "$TEST_TMP/$1.json"
}

test_every_allowed_family_works_under_the_default_profile()
{
	require_root || return 0
	box_run -- allowed /tmp
	assertEquals "exit status (failures): $(cat "$TEST_TMP/out" "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "no family refused" 0 "$(kv "$TEST_TMP/out" failures)"
	# Control: the program does see a refusal (tee taken away by a profile of our own).
	box_run --seccomp "$(profile nopipe '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["tee"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}')" -- allowed /tmp
	assertNotEquals "the control counts its failures: $(cat "$TEST_TMP/out")" 0 "$BOX_RC"
	assertTrue "tee reported: $(cat "$TEST_TMP/out")" \
		"grep -q '^fail pipes: tee: Operation not permitted' '$TEST_TMP/out'"
}

test_busybox_applets_work_under_the_default_profile()
{
	require_root || return 0
	mkdir "$TEST_TMP/w"
	box_run -v "$TEST_TMP/w:/w" -w /w -- sh -c '
		# Each client waits for its listener in /proc/net/tcp or tcp6 (state 0A: LISTEN).
		listening() { i=0; until grep -qE ":$1 0+:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null; do
			i=$((i + 1)); [ $i -lt 2000 ] || return 1; sleep 0.01; done; }
		(printf "HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nhello\n" | nc -l -p 8080 >/dev/null) &
		listening 1F90; echo "wget=$(wget -q -O - http://127.0.0.1:8080/)"; wait
		(nc -l -p 8081 >nc.out) & listening 1F91; echo via-nc | nc 127.0.0.1 8081; wait
		echo "nc=$(cat nc.out)"
		echo "ls=$(ls / | grep -c .)"
		echo "ps=$(ps -o pid,comm | awk "\$2 == \"boxinit\"" | wc -l)"
		echo "top=$(top -bn1 | grep -c "^Mem:")"
		tar cf etc.tar /etc 2>/dev/null && gzip etc.tar &&
			echo "tar=$(tar tzf etc.tar.gz | grep -c passwd)"
		echo "sort=$(printf "b\na\nc\n" | sort -r | tr -d "\n")"
		echo "find=$(find /bin -name sh)"
		echo "date=$(date -u -d @0 +%Y)"
		dd if=/dev/zero of=z bs=1k count=64 2>/dev/null && echo "dd=$(wc -c <z)"'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "wget from a local server" hello "$(kv "$TEST_TMP/out" wget)"
	assertEquals "nc" via-nc "$(kv "$TEST_TMP/out" nc)"
	assertTrue "ls lists the root" "[ $(kv "$TEST_TMP/out" ls) -gt 3 ]"
	assertEquals "ps sees boxinit" 1 "$(kv "$TEST_TMP/out" ps)"
	assertEquals "top -bn1" 1 "$(kv "$TEST_TMP/out" top)"
	assertEquals "tar and gzip" 1 "$(kv "$TEST_TMP/out" tar)"
	assertEquals "sort" cba "$(kv "$TEST_TMP/out" sort)"
	assertEquals "find" /bin/sh "$(kv "$TEST_TMP/out" find)"
	assertEquals "date" 1970 "$(kv "$TEST_TMP/out" date)"
	assertEquals "dd" 65536 "$(kv "$TEST_TMP/out" dd)"
}

# apt, dpkg, perl and glibc's threads (coreutils' parallel sort: clone3 gets ENOSYS, glibc
# falls back to clone). There is no python3 in rootfs/debian: perl forks and talks over a
# loopback socket instead. nginx: tests/launch/test_nginx.sh, under the default profile too.
test_debian_tools_work_under_the_default_profile()
{
	require_root || return 0
	require_debian_rootfs || return 0
	ROOTFS=$BOX_DEBIAN_ROOTFS box_run --net none -- bash -c '
		grep -q "^Seccomp:.2" /proc/self/status && echo filter=on
		apt-get check >/dev/null && echo apt=ok
		echo "dpkg_l=$(dpkg -l | grep -c "^ii  coreutils ")"
		echo "dpkg_s=$(dpkg -S /bin/ls | cut -d: -f1)"
		echo "sort=$(seq 1 300000 | sort --parallel=4 -S 8M -n -r | head -1)"
		perl -e "use IO::Socket::INET;
			my \$l = IO::Socket::INET->new(Listen => 1, LocalAddr => q(127.0.0.1:8082)) or die;
			if (!fork) { my \$c = IO::Socket::INET->new(q(127.0.0.1:8082)) or die; print \$c qq(pong\n); exit 0 }
			my \$a = \$l->accept; my \$m = <\$a>; wait; print qq(perl=\$m)"'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "under the filter" on "$(kv "$TEST_TMP/out" filter)"
	assertEquals "apt-get check" ok "$(kv "$TEST_TMP/out" apt)"
	assertEquals "dpkg -l" 1 "$(kv "$TEST_TMP/out" dpkg_l)"
	assertEquals "dpkg -S /bin/ls" coreutils "$(kv "$TEST_TMP/out" dpkg_s)"
	assertEquals "sort --parallel=4 (threads)" 300000 "$(kv "$TEST_TMP/out" sort)"
	assertEquals "perl fork and sockets" pong "$(kv "$TEST_TMP/out" perl)"
}

test_profile_file_refuses_mkdir_with_its_errno()
{
	require_root || return 0
	local p
	p=$(profile nomkdir '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}')
	# Control: the default profile lets mkdir through.
	box_run -- sh -c 'mkdir /tmp/seccomp-d && rmdir /tmp/seccomp-d && echo made'
	assertEquals "control: $(cat "$TEST_TMP/err")" made "$(cat "$TEST_TMP/out")"
	box_run --seccomp "$p" -- sh -c 'mkdir /tmp/seccomp-d; echo "rc=$?"'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "mkdir failed" 1 "$(kv "$TEST_TMP/out" rc)"
	assertTrue "with EACCES, the profile's errno: $(cat "$TEST_TMP/err")" \
		"grep -q 'Permission denied' '$TEST_TMP/err'"
}

test_profile_file_is_kept_for_launch_exec()
{
	require_root || return 0
	local p name
	p=$(profile nomkdir '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}')
	box_detach --seccomp "$p" -- sleep 60
	assertEquals "launch -d: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	name=$BOX_NAME
	# The file changes after the start: exec still gets the container's own profile.
	printf '{"defaultAction": "SCMP_ACT_ALLOW"}\n' >"$p"
	box_cmd exec "$name" sh -c 'mkdir /tmp/seccomp-e; echo "rc=$?"'
	assertEquals "exec: mkdir refused as in the container" 1 "$(kv "$TEST_TMP/out" rc)"
	box_cmd stop "$name"
	box_cmd rm "$name" || true
}

# Docker's own fields: archMap, a rule's single "name", includes/excludes by capability,
# architecture (Docker's names: amd64) and minimum kernel, read against the container.
test_docker_profile_fields_are_honoured()
{
	require_root || return 0
	local p arch
	case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
	p=$(profile docker '{"defaultAction": "SCMP_ACT_ALLOW",
		"archMap": [{"architecture": "SCMP_ARCH_X86_64",
			"subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
			{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
		"syscalls": [
		{"name": "rmdir", "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
		{"name": "symlink", "action": "SCMP_ACT_ERRNO", "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
		{"names": ["symlinkat"], "action": "SCMP_ACT_ERRNO", "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
		{"name": "link", "action": "SCMP_ACT_ERRNO", "includes": {"arches": ["'"$arch"'"], "minKernel": "4.8"}},
		{"names": ["linkat"], "action": "SCMP_ACT_ERRNO", "includes": {"arches": ["'"$arch"'"], "minKernel": "4.8"}},
		{"name": "rename", "action": "SCMP_ACT_ERRNO", "includes": {"minKernel": "999.0"}},
		{"names": ["renameat", "renameat2"], "action": "SCMP_ACT_ERRNO", "includes": {"minKernel": "999.0"}}]}')
	# In a volume of the test's directory: rmdir is refused in one of the runs.
	local script='mkdir d && touch f || exit 1
		rmdir d; echo "rmdir=$?"; ln -s f s; echo "symlink=$?"; ln f h; echo "link=$?"
		mv f g; echo "rename=$?"'
	mkdir "$TEST_TMP/w1" "$TEST_TMP/w2"
	box_run --seccomp "$p" -v "$TEST_TMP/w1:/w" -w /w -- sh -c "$script"
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "includes.caps without the cap: rule left out" 0 "$(kv "$TEST_TMP/out" rmdir)"
	assertEquals "excludes.caps without the cap: rule in" 1 "$(kv "$TEST_TMP/out" symlink)"
	assertEquals "includes.arches and minKernel that hold: rule in" 1 "$(kv "$TEST_TMP/out" link)"
	assertEquals "minKernel above this kernel: rule left out" 0 "$(kv "$TEST_TMP/out" rename)"
	box_run --seccomp "$p" --cap-add SYS_ADMIN -v "$TEST_TMP/w2:/w" -w /w -- sh -c "$script"
	assertEquals "includes.caps with the cap: rule in" 1 "$(kv "$TEST_TMP/out" rmdir)"
	assertEquals "excludes.caps with the cap: rule left out" 0 "$(kv "$TEST_TMP/out" symlink)"
}

# One line naming the file and the field, 125, and nothing created: no record, no cgroup
# (box_teardown checks both), no process.
test_malformed_profile_is_one_line_and_exit_125()
{
	require_root || return 0
	local p name=$BT_PREFIX-badprofile
	p=$(profile bad '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
		{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
		{"names": ["mkdir"], "action": "SCMP_ACT_NOPE"}]}')
	box_run --name "$name" --seccomp "$p" -- true
	assert_launch_error "unknown action"
	assertEquals "names the file and the field" \
		"launch: $p: syscalls[1].action: unknown action 'SCMP_ACT_NOPE'" "$(cat "$TEST_TMP/err")"
	assertFalse "no record" "[ -e /run/box/containers/$name ]"
	p=$(profile args '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 9, "value": 0, "op": "SCMP_CMP_EQ"}]}]}')
	box_run --name "$name" --seccomp "$p" -- true
	assert_launch_error "argument index"
	assertEquals "launch: $p: syscalls[0].args[0].index: 9 is above 5" "$(cat "$TEST_TMP/err")"
	p=$(profile caps '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_NOPE"]}}]}')
	box_run --name "$name" --seccomp "$p" -- true
	assert_launch_error "unknown capability"
	assertEquals "launch: $p: syscalls[0].includes.caps[0]: unknown capability 'CAP_NOPE'" \
		"$(cat "$TEST_TMP/err")"
	p=$(profile json '{"defaultAction": ')
	box_run --name "$name" --seccomp "$p" -- true
	assert_launch_error "not JSON"
	box_run --name "$name" --seccomp "$TEST_TMP/missing.json" -- true
	assert_launch_error "missing file"
	box_run --name "$name" --privileged --seccomp "$TEST_TMP/bad.json" -- true
	assert_launch_error "--privileged with a profile"
	assertFalse "no record" "[ -e /run/box/containers/$name ]"
}

. "$SHUNIT2"
