#!/bin/bash
# SPDX-License-Identifier: MIT
# The fault battery: each system call launch's set-up makes fails, one invocation at a time,
# and launch must still keep its promises. A baseline run under strace (-f) counts how often
# each process makes each call; then, for each call and each N up to that count, the run is
# made again with strace injecting EIO (EAGAIN for the forks) into the Nth invocation of
# every process (strace counts per process). Each such run either succeeds (a fault launch
# recovers from, as a lookup it retries another way: exit 0, the command's output, at most
# one warning), or fails with exactly one line on stderr, from launch or boxinit, and exit
# 125 (126 when the command itself cannot be executed); and it leaves nothing: no record,
# log, cgroup, process, host mount or veth. One test per system call; a failure names the N.
#
# The runs use the options that reach most of the set-up: limits (cgroup files), a volume
# (a bind mount), a veth with a published port (netlink, the proxy), a hostname. Not in the
# VM's selection: some 400 runs under strace are minutes of emulated CPU (tools/vm/suites).

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

FIX=
FAULT_PORT=
declare -A FAULT_MAX=()

# The calls that make or change something, or that set-up cannot do without. Calls that
# only report an earlier failure (write on stderr) or only end things (close, rmdir,
# umount2: their failure is a cleanup's, not a set-up's) are not faulted.
FAULT_CALLS="mkdir mkdirat openat2 open openat mount move_mount open_tree mount_setattr
fsopen fsconfig fsmount mknodat fchownat fchmodat symlinkat chdir fchdir chroot pivot_root
setns unshare sethostname clone clone3 fork execve capset prctl prlimit64 pipe2 socketpair
socket bind listen sendmsg recvmsg pwrite64 flock rename signalfd4 eventfd2 epoll_create1
statfs"

box_suite_setup()
{
	[ -x "$PROBE" ] && BOX_ROOTFS=$(busybox_rootfs) || BOX_ROOTFS=
	FIX=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.faults.XXXXXX") || return 0
	mkdir "$FIX/vol"
	echo volume >"$FIX/vol/file"
	FAULT_PORT=$(free_port)
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
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		timeout -k 10 60 strace -f -qq -o "$TEST_TMP/trace" "$@" \
		"$LAUNCH" --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --name "$name" \
		-m 64m --pids-limit 50 --cpus 0.5 --hostname faulty -v "$FIX/vol:/mnt/vol" \
		--net veth -p "127.0.0.1:$FAULT_PORT:80" "$BOX_ROOTFS" -- cat /mnt/vol/file \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
}

# The most invocations of each call one process made in a run that succeeds.
fault_baseline()
{
	[ ${#FAULT_MAX[@]} -gt 0 ] && return 0
	local call n
	fault_launch "$(bt_name)" -e trace=all
	assertEquals "the baseline run (stderr: $(head -c 300 "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "the baseline run's output" volume "$(cat "$TEST_TMP/out")"
	[ "$BOX_RC" = 0 ] || return 1
	while read -r call n; do
		FAULT_MAX[$call]=$n
	done < <(awk '{ c = $2; sub(/\(.*/, "", c); n[$1 " " c]++ }
		END { for (k in n) { split(k, a, " "); if (n[k] > m[a[2]]) m[a[2]] = n[k] }
		      for (c in m) print c, m[c] }' "$TEST_TMP/trace")
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
	p=$(LC_ALL=C comm -13 <(echo "$FAULT_DIRS") <(_box_runtime_dirs))
	[ -z "$p" ] || left+=("runtime directories: $p $(find $p -mindepth 1 | head -3)")
	p=$(_bt_added "$_bt_mounts_before" "$(_box_mounts)")
	[ -z "$p" ] || left+=("mounts: $p")
	p=$(ip -o link show 2>/dev/null | grep -o "bx-$BT_PREFIX-[^:@]*")
	[ -z "$p" ] || left+=("veths: $p")
	echo "${left[*]}"
}

# fault_sweep CALL ERRNO: every invocation of CALL fails in turn.
fault_sweep()
{
	local call=$1 errno=$2 max n name lines left verdict bad=0
	require_root || return 0
	require_command strace || return 0
	fault_baseline || return 0
	max=${FAULT_MAX[$call]:-0}
	if [ "$max" = 0 ]; then
		# A call set-up no longer makes is no fault to test: the list above is stale.
		fail "launch's set-up makes no $call call: remove it from FAULT_CALLS"
		return 0
	fi
	FAULT_DIRS=$(_box_runtime_dirs)
	for ((n = 1; n <= max; n++)); do
		name=$(bt_name)
		fault_launch "$name" -e trace="$call" -e inject="$call:error=$errno:when=$n"
		lines=$(grep -c '' "$TEST_TMP/err")
		verdict=
		case $BOX_RC in
		134)
			# libuv aborts when its first loop cannot make its signal lock pipe
			# (uv__signal_global_once_init); launch makes its loop before anything
			# else, so only then, and with nothing to leave.
			[ "$call $n" = "pipe2 1" ] || verdict="exit 134"
			[ "$lines" = 0 ] || verdict="exit 134 with $lines lines"
			;;
		0)
			[ "$(cat "$TEST_TMP/out")" = volume ] || verdict="exit 0 without the command's output"
			[ "$lines" -le 1 ] || verdict="exit 0 with $lines lines"
			;;
		125 | 126)
			if [ "$lines" != 1 ]; then
				verdict="$lines lines"
			elif ! grep -Eq '^(launch|boxinit): ' "$TEST_TMP/err"; then
				verdict="a line from neither launch nor boxinit"
			fi
			;;
		*) verdict="exit $BOX_RC" ;;
		esac
		left=$(fault_leftovers)
		[ -z "$left" ] || verdict="${verdict:+$verdict; }left $left"
		if [ -n "$verdict" ]; then
			fail "$call #$n failing with $errno: $verdict (stderr: $(head -c 400 "$TEST_TMP/err" | tr '\n' '|'))"
			bad=$((bad + 1))
		fi
	done
	echo "faults: $call: $max invocations failed in turn, $bad bad"
}

for _call in $FAULT_CALLS; do
	case $_call in
	clone | clone3 | fork) _errno=EAGAIN ;;
	*) _errno=EIO ;;
	esac
	eval "test_fail_each_$_call() { fault_sweep $_call $_errno; }"
done
unset _call _errno

# The tests are made by eval, which shunit2's scan of this file does not see: in list order.
suite()
{
	local call
	for call in $FAULT_CALLS; do
		suite_addTest "test_fail_each_$call"
	done
}

. "$SHUNIT2"
