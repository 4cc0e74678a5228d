#!/bin/bash
# SPDX-License-Identifier: MIT
# test_cgroup.sh: launch's cgroup module on this host, through build/tests/cgroup_driver
# (tests/unit/cgroup_driver.c): limits land in the kernel's files, a process attached is in
# every hierarchy, stats are read, teardown kills everything and removes every directory, and
# a cgroup that exists already is refused and left alone (names, and what dead containers
# left, are the container record's business: tests/launch/test_manage.sh). Cgroups are made
# only under /box-test; every test removes what it made (the driver, then lib.sh's leak check).

. "$(dirname "$0")/../lib.sh"

DRIVER=${CGROUP_DRIVER:-$BOX_BUILD/tests/cgroup_driver}
PARENT=$BOX_TEST_CGROUP_PARENT
UNIFIED=/sys/fs/cgroup/unified

box_setup()
{
	[ -x "$DRIVER" ] || fail "missing $DRIVER (make unit)"
	_names=()
	_foreign=()
	_holders=()
}

# Whatever a failed test left, our names only. Holders get SIGTERM so they tear down
# themselves; lib.sh's SIGKILL of tracked pids comes after and would leave the cgroup.
box_teardown()
{
	local n d
	for n in "${_holders[@]}"; do
		kill -TERM "$n" 2>/dev/null && wait "$n" 2>/dev/null
	done
	_holders=()
	for n in "${_names[@]}"; do
		for d in /sys/fs/cgroup/*"$PARENT/$n" "$UNIFIED$PARENT/$n"; do
			[ -d "$d" ] || continue
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
			wait_until 5 rmdir "$d" 2>/dev/null
		done
	done
	for d in "${_foreign[@]}"; do
		rmdir "$d" 2>/dev/null
	done
}

# A name nobody else uses: suites may run side by side under /box-test.
new_name()
{
	NAME=cgt-$$-${_shunit_test_#test_}
	NAME=${NAME:0:60}-${#_names[@]}
	_names+=("$NAME")
}

_ready()
{
	grep -q '^ready ' "$1"
}

# hold NAME [LIMIT=V...] -- CMD...: the driver holds the cgroup with CMD in it until SIGTERM.
# Sets HOLDER (the driver's pid), CMD_PID and LEAVES (the leaf directories).
hold()
{
	local out=$TEST_TMP/hold-$1.out
	"$DRIVER" hold "$PARENT" "$@" >"$out" 2>"$TEST_TMP/hold-$1.err" &
	HOLDER=$!
	track_pid "$HOLDER"
	_holders+=("$HOLDER")
	wait_until 10 _ready "$out" || {
		fail "driver hold $1 never got ready: $(cat "$TEST_TMP/hold-$1.err")"
		return 1
	}
	CMD_PID=$(sed -n 's/^ready //p' "$out")
	LEAVES=$(sed -n 's/^leaf //p' "$out")
}

# release HOLDER: SIGTERM, the driver destroys the cgroup and exits.
release()
{
	kill -TERM "$1"
	wait "$1"
	local i
	for i in "${!_holders[@]}"; do
		[ "${_holders[$i]}" != "$1" ] || unset "_holders[$i]"
	done
	return 0
}

# The value of FILE in whichever leaf has it.
leaf_cat()
{
	local d
	for d in $LEAVES; do
		[ -e "$d/$1" ] && {
			cat "$d/$1"
			return 0
		}
	done
	echo "<no $1>"
}

assert_no_leaves()
{
	local d
	for d in $LEAVES; do
		assertFalse "$d still exists" "[ -d '$d' ]"
	done
}

assert_in_every_leaf()
{
	local d
	for d in $LEAVES; do
		assertTrue "pid $1 not in $d" "grep -qx '$1' '$d/cgroup.procs'"
	done
}

# --- tests ------------------------------------------------------------------------------------

test_limits_land_in_the_kernel_files()
{
	require_root || return 0
	new_name
	hold "$NAME" cpus=0.5 cpu-weight=100 memory=64m pids=50 -- sleep 1000 || return 0
	case $(cgroup_mode) in
	v1)
		assertEquals "cfs quota" 50000 "$(leaf_cat cpu.cfs_quota_us)"
		assertEquals "cfs period" 100000 "$(leaf_cat cpu.cfs_period_us)"
		assertEquals "shares for weight 100" 2598 "$(leaf_cat cpu.shares)"
		assertEquals "memory limit" 67108864 "$(leaf_cat memory.limit_in_bytes)"
		;;
	v2)
		assertEquals "cpu.max" "50000 100000" "$(leaf_cat cpu.max)"
		assertEquals "cpu.weight" 100 "$(leaf_cat cpu.weight)"
		assertEquals "memory.max" 67108864 "$(leaf_cat memory.max)"
		;;
	esac
	assertEquals "pids.max" 50 "$(leaf_cat pids.max)"
	release "$HOLDER"
}

test_memory_swap_limit_is_the_total()
{
	require_root || return 0
	new_name
	hold "$NAME" memory=32m memory-swap=96m -- sleep 1000 ||
		{ skip_test "no swap accounting: $(cat "$TEST_TMP"/hold-*.err)"; return 0; }
	case $(cgroup_mode) in
	v1) assertEquals "memsw" 100663296 "$(leaf_cat memory.memsw.limit_in_bytes)" ;;
	v2) assertEquals "swap.max = total - memory" 67108864 "$(leaf_cat memory.swap.max)" ;;
	esac
	release "$HOLDER"
}

# The weight file the module picks: CFQ's, else BFQ's (v1); io.cost's, else BFQ's (v2).
io_weight_file()
{
	local f
	for f in blkio.weight blkio.bfq.weight io.weight io.bfq.weight; do
		[ "$(leaf_cat $f)" != "<no $f>" ] && echo $f && return 0
	done
}

test_io_weight_lands_in_the_weight_file()
{
	require_root || return 0
	new_name
	hold "$NAME" -- sleep 1000 || return 0
	local f
	f=$(io_weight_file)
	release "$HOLDER"
	if [ -z "$f" ]; then
		skip_test "no io weight file (no CFQ, BFQ or io.cost)"
		return 0
	fi
	new_name
	hold "$NAME" io-weight=100 -- sleep 1000 || return 0
	case $f in
	io.weight) assertEquals "$f" "default 100" "$(leaf_cat $f | head -n 1)" ;;
	*) assertEquals "$f for io weight 100" 20 "$(leaf_cat $f | head -n 1 | sed 's/^default //')" ;;
	esac
	release "$HOLDER"
}

test_attached_process_is_in_every_hierarchy_and_dies_with_the_cgroup()
{
	require_root || return 0
	new_name
	hold "$NAME" -- sleep 1000 || return 0
	assertNotNull "some hierarchy used" "$LEAVES"
	assert_in_every_leaf "$CMD_PID"
	release "$HOLDER"
	assertTrue "sleep killed" "proc_dead $CMD_PID"
	assert_no_leaves
}

_procs_at_least()
{
	[ "$(wc -l <"$1/cgroup.procs")" -ge "$2" ]
}

test_destroy_kills_forked_processes_and_nested_cgroups()
{
	require_root || return 0
	new_name
	hold "$NAME" -- sh -c 'sleep 1000 & sleep 1000 & wait' || return 0
	local first pids d
	first=$(echo "$LEAVES" | head -n 1)
	wait_until 5 _procs_at_least "$first" 3
	pids=$(cat "$first/cgroup.procs")
	assertEquals "sh and two sleeps" 3 "$(echo "$pids" | wc -l)"
	# a sub-cgroup made inside, holding one of them, as a container could
	mkdir "$first/inner"
	echo "$(echo "$pids" | tail -n 1)" >"$first/inner/cgroup.procs"
	release "$HOLDER"
	for d in $pids; do
		assertTrue "pid $d killed" "proc_dead $d"
	done
	assert_no_leaves
}

test_run_reports_exit_status_and_stats()
{
	require_root || return 0
	new_name
	"$DRIVER" run "$PARENT" "$NAME" -- sh -c \
		'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; exit 3' >"$TEST_TMP/out"
	assertEquals "the command's status" 3 $?
	local user sys
	user=$(kv "$TEST_TMP/out" cpu_user_us)
	sys=$(kv "$TEST_TMP/out" cpu_system_us)
	assertTrue "cpu time counted: $user + $sys" "[ $((user + sys)) -gt 0 ]"
	assertTrue "memory peak: $(kv "$TEST_TMP/out" memory_peak)" \
		"[ '$(kv "$TEST_TMP/out" memory_peak)' -gt 0 ]"
	assertEquals "no OOM kill" 0 "$(kv "$TEST_TMP/out" oom_kills)"
	if [ "$(kv "$TEST_TMP/out" pids_peak)" != - ]; then
		assertTrue "pids peak" "[ '$(kv "$TEST_TMP/out" pids_peak)' -ge 1 ]"
	fi
	assertFalse "removed" "ls -d /sys/fs/cgroup/*$PARENT/$NAME 2>/dev/null | grep -q ."
}

test_oom_kill_is_counted()
{
	require_root || return 0
	new_name
	local swap=
	[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] && swap=memory-swap=16m
	[ -x "$PROBE" ] || fail "missing $PROBE (make build/probe)"
	# 64 MiB written page by page cannot fit in 16 MiB
	"$DRIVER" run "$PARENT" "$NAME" memory=16m $swap -- "$PROBE" memhog 64 \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err"
	local rc=$?
	assertEquals "memhog killed by SIGKILL: $(cat "$TEST_TMP/err")" 137 $rc
	assertTrue "oom kill counted: $(kv "$TEST_TMP/out" oom_kills)" \
		"[ '$(kv "$TEST_TMP/out" oom_kills)' -ge 1 ]"
}

# The driver holds no name: a second one for the same name finds the cgroup there.
test_cgroup_in_use_is_refused_and_left_alone()
{
	require_root || return 0
	new_name
	hold "$NAME" -- sleep 1000 || return 0
	"$DRIVER" run "$PARENT" "$NAME" -- true 2>"$TEST_TMP/err"
	assertEquals "refused" 4 $?
	assertTrue "says why: $(cat "$TEST_TMP/err")" "file_has '$TEST_TMP/err' 'box did not make it'"
	assertTrue "holder's process untouched" "proc_alive $CMD_PID"
	assert_in_every_leaf "$CMD_PID"
	release "$HOLDER"
}

test_cgroup_box_did_not_make_is_never_touched()
{
	require_root || return 0
	local base=/sys/fs/cgroup
	[ "$(cgroup_mode)" = v1 ] && base=/sys/fs/cgroup/pids
	[ -d "$base" ] || { skip_test "no $base hierarchy"; return 0; }
	new_name
	mkdir -p "$base$PARENT"
	mkdir "$base$PARENT/$NAME"
	_foreign+=("$base$PARENT/$NAME")
	"$DRIVER" run "$PARENT" "$NAME" -- true 2>"$TEST_TMP/err"
	assertEquals "refused" 4 $?
	assertTrue "says why: $(cat "$TEST_TMP/err")" "file_has '$TEST_TMP/err' 'box did not make it'"
	# launch's reaping (any command does it) touches only what a record names.
	"$LAUNCH" list >/dev/null
	assertTrue "foreign cgroup kept" "[ -d '$base$PARENT/$NAME' ]"
	rmdir "$base$PARENT/$NAME"
}

test_rejected_value_names_file_and_leaves_nothing()
{
	require_root || return 0
	new_name
	# above PID_MAX_LIMIT (2^22): pids.max refuses it
	"$DRIVER" run "$PARENT" "$NAME" pids=5000000 -- true 2>"$TEST_TMP/err"
	assertEquals "launch failure" 125 $?
	assertTrue "names file and value: $(cat "$TEST_TMP/err")" \
		"grep -Eqx \"launch: write '5000000' to '/sys/fs/cgroup(/pids)?$PARENT/$NAME/pids.max': Invalid argument\" '$TEST_TMP/err'"
	assertFalse "nothing left" "ls -d /sys/fs/cgroup/*$PARENT/$NAME $UNIFIED$PARENT/$NAME 2>/dev/null | grep -q ."
}

# The cgroup2 mount of a hybrid host: the v2 backend's paths that need no controller.
require_hybrid_unified()
{
	require_cgroup v1 || return 1
	[ "$(stat -fc %T "$UNIFIED" 2>/dev/null)" = cgroup2fs ] && return 0
	skip_test "no cgroup2 hierarchy at $UNIFIED"
	return 1
}

test_v2_backend_creates_attaches_reads_and_kills_on_the_hybrid_unified_mount()
{
	require_root || return 0
	require_hybrid_unified || return 0
	new_name
	[ -d "$UNIFIED$PARENT" ] || _foreign+=("$UNIFIED$PARENT")
	BOX_CGROUP_ROOT=$UNIFIED hold "$NAME" -- sleep 1000 || return 0
	assertEquals "one leaf" "$UNIFIED$PARENT/$NAME" "$LEAVES"
	assert_in_every_leaf "$CMD_PID"
	assertTrue "/proc/PID/cgroup: $(grep '^0::' /proc/$CMD_PID/cgroup)" \
		"grep -qx '0::$PARENT/$NAME' /proc/$CMD_PID/cgroup"
	release "$HOLDER"
	assertTrue "killed" "proc_dead $CMD_PID"
	assert_no_leaves
	BOX_CGROUP_ROOT=$UNIFIED "$DRIVER" run "$PARENT" "$NAME" -- sh -c 'exit 5' >"$TEST_TMP/out"
	assertEquals "status" 5 $?
	assertNotEquals "cpu.stat read" - "$(kv "$TEST_TMP/out" cpu_user_us)"
}

test_v2_missing_controller_is_named()
{
	require_root || return 0
	require_hybrid_unified || return 0
	[ -d "$UNIFIED$PARENT" ] || _foreign+=("$UNIFIED$PARENT")
	grep -qw pids "$UNIFIED/cgroup.controllers" && { skip_test "pids is available"; return 0; }
	new_name
	BOX_CGROUP_ROOT=$UNIFIED "$DRIVER" run "$PARENT" "$NAME" pids=10 -- true 2>"$TEST_TMP/err"
	assertEquals "launch failure" 125 $?
	assertEquals "message" "launch: cgroup controller 'pids' is not available (needed by --pids-limit)" \
		"$(cat "$TEST_TMP/err")"
	assertFalse "nothing left" "[ -d '$UNIFIED$PARENT/$NAME' ]"
}

. "$SHUNIT2"
