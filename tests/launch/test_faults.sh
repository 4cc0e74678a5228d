#!/bin/bash
# SPDX-License-Identifier: MIT
# suite-timeout: 3600
# (725 runs under strace -f: 4.5 minutes on this host unloaded; 16.5, and once more than
# run.sh's default bound of 20, with both cores kept busy by a CPU hog.)
# The fault battery: each system call the set-up of launch, and of `box run` (the OCI front
# door), makes fails, one invocation at a time, and each must still keep its promises. A
# baseline run under strace (-f) counts how often each process makes each call; then, for
# each call and each N up to that count, the run is made again with strace injecting EIO
# (EAGAIN for the forks) into the Nth invocation of every process (strace counts per
# process). Each such run either succeeds (a fault it recovers from, as a lookup retried
# another way: exit 0, the command's output, at most one warning), or fails with exactly one
# line on stderr, from launch, box or boxinit, and exit 125 (box: runc's 1, or 125 as the
# status of a container process that failed its last steps after the start; 126 when the
# command itself cannot be executed), and it leaves nothing: no record, log, box state,
# cgroup, process, host mount, veth or semaphore set. One test per front door and system
# call; a failure names the N.
#
# The runs use what reaches most of the set-up: limits (cgroup files), a volume (a bind
# mount), a hostname; for launch also a veth with a published port (netlink, the proxy).
# Not in the VM's selection: some 700 runs under strace would outlast its bound
# (tools/vm/suites).

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

BOX=${BOX:-$BOX_BUILD/box}
FIX=
FAULT_PORT=
declare -A FAULT_MAX=()

# The calls that make or change something, or that set-up cannot do without. Calls that
# only report an earlier failure (write on stderr) or only end things (close, rmdir,
# umount2: their failure is a cleanup's, not a set-up's) are not faulted.
FAULT_CALLS="mkdir mkdirat openat2 open openat mount move_mount open_tree mount_setattr
fsopen fsconfig fsmount mknodat fchownat fchmodat symlinkat chdir fchdir chroot pivot_root
setns unshare sethostname clone clone3 fork execve execveat capset prctl prlimit64 pipe2
socketpair socket bind listen sendmsg recvmsg pwrite64 flock rename signalfd4 eventfd2
epoll_create1 statfs semget semop semctl ftruncate"
# box writes its cgroup files with write, which also carries its error line: not faulted.
FAULT_CALLS_BOX="mkdir mkdirat openat2 open openat mount move_mount open_tree mount_setattr
fsopen fsconfig fsmount mknodat mknod fchownat fchmodat symlinkat chdir fchdir chroot
pivot_root setns unshare sethostname clone clone3 execve execveat capset prctl prlimit64
setresuid setresgid setgroups socketpair socket flock rename memfd_create sendfile statfs"

box_suite_setup()
{
	[ -x "$PROBE" ] && BOX_ROOTFS=$(busybox_rootfs) || BOX_ROOTFS=
	FIX=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.faults.XXXXXX") || return 0
	mkdir "$FIX/vol" "$FIX/oci"
	echo volume >"$FIX/vol/file"
	FAULT_PORT=$(free_port)
	# box's bundle: config.json names the cgroup as CGROUP, made per run (fault_box).
	"$BOX" spec --bundle "$FIX" &&
		python3 - "$FIX/config.json" "$BOX_ROOTFS" "$FIX/vol" <<-'EOF'
			import json, sys
			path, rootfs, vol = sys.argv[1:]
			c = json.load(open(path))
			c["root"] = {"path": rootfs, "readonly": True}
			c["process"]["terminal"] = False
			c["process"]["args"] = ["cat", "/mnt/vol/file"]
			c["hostname"] = "faulty"
			c["mounts"].append({"destination": "/mnt/vol", "type": "bind", "source": vol,
			                    "options": ["rbind", "ro"]})
			c["linux"]["cgroupsPath"] = "CGROUP"
			c["linux"]["resources"] = {"memory": {"limit": 67108864}, "pids": {"limit": 50},
			                           "cpu": {"quota": 50000, "period": 100000}}
			json.dump(c, open(path + ".in", "w"), indent=1)
		EOF
	return 0
}

box_suite_teardown()
{
	[ -n "$FIX" ] && rm -rf --one-file-system "$FIX"
	return 0
}

# fault_launch NAME STRACE-OPTIONS...: launch NAME under strace, output in $TEST_TMP/out and
# err, status in BOX_RC. strace's own trace goes to $TEST_TMP/trace.
fault_launch()
{
	local name=$1
	shift
	# (LeakSanitizer cannot run under ptrace: an ASan build leaves it out of these runs.)
	# In an IPC namespace of its own, which goes with the run: the SysV semaphore sets the
	# run left (launch's count of live monitors, launcher/alive.h) are listed in it first,
	# and no other user of the host's sets is counted, or removed.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 unshare --ipc -- bash -c '
		sets=$1 out=$2 err=$3
		shift 3
		"$@" </dev/null >"$out" 2>"$err"
		rc=$?
		ipcs -s | awk "\$1 ~ /^0x/ { print \$2 }" >"$sets"
		exit $rc' fault "$TEST_TMP/sets" "$TEST_TMP/out" "$TEST_TMP/err" \
		timeout -k 10 60 strace -f -qq -o "$TEST_TMP/trace" "$@" \
		"$LAUNCH" --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --name "$name" \
		-m 64m --pids-limit 50 --cpus 0.5 --hostname faulty -v "$FIX/vol:/mnt/vol" \
		--net veth -p "127.0.0.1:$FAULT_PORT:80" "$BOX_ROOTFS" -- cat /mnt/vol/file
	BOX_RC=$?
}

# fault_box NAME STRACE-OPTIONS...: box run NAME likewise, its cgroup /box-test/NAME, its
# state under the suite's own root.
fault_box()
{
	local name=$1
	shift
	sed "s|\"CGROUP\"|\"$BOX_TEST_CGROUP_PARENT/$name\"|" "$FIX/config.json.in" \
		>"$FIX/config.json" || return 1
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		timeout -k 10 60 strace -f -qq -o "$TEST_TMP/trace" "$@" \
		"$BOX" --root "$FIX/oci" run --bundle "$FIX" "$name" \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
}

# fault_baseline KIND (launch or box): the most invocations of each call one process made
# in a run that succeeds, in FAULT_MAX["KIND CALL"].
fault_baseline()
{
	local kind=$1 call n
	[ -n "${FAULT_MAX[$kind]:-}" ] && return 0
	"fault_$kind" "$(bt_name)" -e trace=all
	assertEquals "the baseline $kind run (stderr: $(head -c 300 "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "the baseline $kind run's output" volume "$(cat "$TEST_TMP/out")"
	[ "$BOX_RC" = 0 ] || return 1
	while read -r call n; do
		FAULT_MAX[$kind $call]=$n
	done < <(awk '{ c = $2; sub(/\(.*/, "", c); n[$1 " " c]++ }
		END { for (k in n) { split(k, a, " "); if (n[k] > m[a[2]]) m[a[2]] = n[k] }
		      for (c in m) print c, m[c] }' "$TEST_TMP/trace")
	FAULT_MAX[$kind]=done
	return 0
}

# What a faulted run left, as one line (empty: nothing), and what it left removed.
fault_leftovers()
{
	local left=() p
	wait_until 5 _bt_no_rootfs_procs || {
		p=$(_bt_rootfs_procs)
		left+=("processes: $(_bt_describe $p)")
		_bt_kill $p
	}
	wait_until 5 _bt_no_new_cgroups || {
		left+=("cgroups: $(_bt_new_cgroups | tr '\n' ' ')")
		_bt_remove_own_cgroups
	}
	_bt_no_records || {
		left+=("records: $(_bt_records | tr '\n' ' ')")
		_bt_records | while read -r p; do rm -rf --one-file-system "$p"; done
	}
	p=$(ls -A "$FIX/oci" 2>/dev/null)
	[ -z "$p" ] || {
		left+=("box state: $p")
		for p in $p; do "$BOX" --root "$FIX/oci" delete --force "$p" >/dev/null 2>&1; done
	}
	p=$(LC_ALL=C comm -13 <(echo "$FAULT_DIRS") <(_box_runtime_dirs))
	[ -z "$p" ] || left+=("runtime directories: $p $(find $p -mindepth 1 | head -3)")
	p=$(_bt_added "$_bt_mounts_before" "$(_box_mounts)")
	[ -z "$p" ] || left+=("mounts: $p")
	p=$(ip -o link show 2>/dev/null | grep -o "bx-$BT_PREFIX-[^:@]*")
	[ -z "$p" ] || left+=("veths: $p")
	p=$(cat "$TEST_TMP/sets" 2>/dev/null)
	rm -f "$TEST_TMP/sets"
	[ -z "$p" ] || left+=("semaphore sets: $p")
	echo "${left[*]}"
}

# fault_verdict KIND CALL N: nothing when the faulted run kept its promises, else what it
# did wrong (its leftovers are fault_leftovers').
fault_verdict()
{
	local kind=$1 call=$2 n=$3 lines failure
	lines=$(grep -c '' "$TEST_TMP/err")
	# launch's own failure is 125; box's is runc's 1, or 125 when the container's process
	# fails its last steps (capabilities, cwd) after the start, as the process's status.
	[ "$kind" = launch ] && failure=125 || failure='1|125'
	# The command's own call failed (strace counts per process, so the command's Nth
	# invocation fails too): its one line, its status 1, passed on.
	if [ "$BOX_RC" = 1 ] && [ "$lines" = 1 ] && grep -q '^cat: ' "$TEST_TMP/err"; then
		return 0
	fi
	case $BOX_RC in
	0)
		[ "$(cat "$TEST_TMP/out")" = volume ] || echo "exit 0 without the command's output"
		[ "$lines" -le 1 ] || echo "exit 0 with $lines lines"
		;;
	134)
		# libuv aborts when its first loop cannot make its signal lock pipe
		# (uv__signal_global_once_init); launch makes its loop before anything else, so
		# only then, and with nothing to leave.
		[ "$kind $call $n" = "launch pipe2 1" ] || echo "exit 134"
		[ "$lines" = 0 ] || echo "exit 134 with $lines lines"
		;;
	*)
		if ! [[ $BOX_RC =~ ^($failure|126)$ ]]; then
			echo "exit $BOX_RC"
		elif [ "$lines" != 1 ]; then
			echo "$lines lines"
		elif ! grep -Eq "^($kind|boxinit): " "$TEST_TMP/err"; then
			echo "a line from neither $kind nor boxinit"
		fi
		;;
	esac
}

# fault_sweep KIND CALL ERRNO: every invocation of CALL fails in turn.
fault_sweep()
{
	local kind=$1 call=$2 errno=$3 max n name left verdict bad=0
	require_root || return 0
	require_command strace || return 0
	fault_baseline "$kind" || return 0
	max=${FAULT_MAX[$kind $call]:-0}
	if [ "$max" = 0 ]; then
		# A call the set-up no longer makes is no fault to test: the list is stale.
		fail "the set-up of $kind makes no $call call: remove it from its list"
		return 0
	fi
	FAULT_DIRS=$(_box_runtime_dirs)
	for ((n = 1; n <= max; n++)); do
		name=$(bt_name)
		"fault_$kind" "$name" -e trace="$call" -e inject="$call:error=$errno:when=$n"
		verdict=$(fault_verdict "$kind" "$call" "$n")
		left=$(fault_leftovers)
		[ -z "$left" ] || verdict="${verdict:+$verdict; }left $left"
		if [ -n "$verdict" ]; then
			fail "$kind: $call #$n failing with $errno: $verdict (stderr: $(head -c 400 "$TEST_TMP/err" | tr '\n' '|'))"
			bad=$((bad + 1))
		fi
	done
	echo "faults: $kind: $call: $max invocations failed in turn, $bad bad"
}

fault_errno()
{
	case $1 in
	clone | clone3 | fork) echo EAGAIN ;;
	*) echo EIO ;;
	esac
}

for _call in $FAULT_CALLS; do
	eval "test_launch_fails_each_$_call() { fault_sweep launch $_call $(fault_errno $_call); }"
done
for _call in $FAULT_CALLS_BOX; do
	eval "test_box_fails_each_$_call() { fault_sweep box $_call $(fault_errno $_call); }"
done
unset _call

# The tests are made by eval, which shunit2's reading of this file does not see.
suite()
{
	add_defined_tests
}

. "$SHUNIT2"
