#!/bin/bash
# SPDX-License-Identifier: MIT
# launch's own failures: every bad input ends with exit 125 and exactly one line on stderr
# ("launch: ..."), before or without leaving a cgroup, mount or process (checked after each
# test by launch_lib.sh).

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

# bad_option MSG OPTION...: launch with the option on a valid rootfs and command fails 125.
bad_option()
{
	local msg=$1
	shift
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --name "$(bt_name)" "$@" \
		"$BOX_ROOTFS" -- true
	assert_launch_error "$msg"
}

test_missing_rootfs_is_an_error()
{
	require_root || return 0
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" "$TEST_TMP/no-such-rootfs" -- true
	assert_launch_error "missing rootfs"
	assertTrue "names the path" "grep -q 'no-such-rootfs' '$TEST_TMP/err'"
}

test_rootfs_that_is_a_file_is_an_error()
{
	require_root || return 0
	: >"$TEST_TMP/file"
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" "$TEST_TMP/file" -- true
	assert_launch_error "rootfs is a file"
}

test_host_root_as_rootfs_is_refused()
{
	require_root || return 0
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" / -- true
	assert_launch_error "the host's /"
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" /usr/.. -- true
	assert_launch_error "the host's / by another path"
}

test_invalid_memory_sizes_are_errors()
{
	require_root || return 0
	bad_option "-m 12q" -m 12q
	bad_option "-m empty" --memory ''
	bad_option "-m -1" -m -1
	bad_option "-m overflow" -m 99999999999999999999g
	bad_option "-m 2^64 bytes in g" -m 17179869184g
	bad_option "--memory-swap xyz" --memory-swap xyz
}

test_invalid_cpus_are_errors()
{
	require_root || return 0
	bad_option "--cpus -1" --cpus -1
	bad_option "--cpus abc" --cpus abc
	bad_option "--cpus 0" --cpus 0
	bad_option "--cpus 1e400" --cpus 1e400
	bad_option "--cpus nan" --cpus nan
}

test_invalid_pids_limits_are_errors()
{
	require_root || return 0
	bad_option "--pids-limit abc" --pids-limit abc
	bad_option "--pids-limit -5" --pids-limit -5
	bad_option "--pids-limit overflow" --pids-limit 99999999999999999999999
}

test_cpu_weight_out_of_range_is_an_error()
{
	require_root || return 0
	bad_option "--cpu-weight 0" --cpu-weight 0
	bad_option "--cpu-weight 20000" --cpu-weight 20000
	bad_option "--cpu-weight x" --cpu-weight x
}

test_io_weight_out_of_range_is_an_error()
{
	require_root || return 0
	bad_option "--io-weight 0" --io-weight 0
	bad_option "--io-weight 10001" --io-weight 10001
}

test_invalid_grace_is_an_error()
{
	require_root || return 0
	bad_option "--grace abc" --grace abc
	bad_option "--grace -1" --grace -1
}

test_invalid_user_is_an_error()
{
	require_root || return 0
	bad_option "-u abc" -u abc
	bad_option "-u 1:x" -u 1:x
}

test_invalid_env_is_an_error()
{
	require_root || return 0
	bad_option "-e =value" -e =value
}

test_relative_workdir_is_an_error()
{
	require_root || return 0
	bad_option "-w relative" -w relative/dir
}

test_unknown_option_is_an_error()
{
	require_root || return 0
	bad_option "--bogus" --bogus
	assertTrue "names the option: $(cat "$TEST_TMP/err")" "grep -q 'bogus' '$TEST_TMP/err'"
}

test_option_without_its_value_is_an_error()
{
	require_root || return 0
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --memory
	assert_launch_error "--memory at the end"
}

test_no_command_is_an_error()
{
	require_root || return 0
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" "$BOX_ROOTFS"
	assert_launch_error "no command"
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" "$BOX_ROOTFS" --
	assert_launch_error "no command after --"
}

test_no_arguments_is_an_error()
{
	require_root || return 0
	launch_raw
	assert_launch_error "no arguments"
}

test_missing_volume_source_is_an_error()
{
	require_root || return 0
	bad_option "-v missing source" -v "$TEST_TMP/no-such-dir:/tmp"
	assertTrue "names the source: $(cat "$TEST_TMP/err")" "grep -q 'no-such-dir' '$TEST_TMP/err'"
}

# Found only by the container's first process, after launch has sent it GO: its report is
# the one line, and its exit with GO unread is not a second error.
test_volume_target_that_cannot_be_made_is_an_error()
{
	require_root || return 0
	local i
	for i in 1 2 3; do
		bad_option "-v target under a file (run $i)" -v "$TEST_TMP:/bin/busybox/x"
		assertTrue "names the target: $(cat "$TEST_TMP/err")" \
			"grep -q \"open volume target '/bin/busybox/x' in .*: Not a directory\" '$TEST_TMP/err'"
	done
}

test_malformed_volumes_are_errors()
{
	require_root || return 0
	mkdir "$TEST_TMP/vol"
	bad_option "-v no destination" -v "$TEST_TMP/vol"
	bad_option "-v relative destination" -v "$TEST_TMP/vol:tmp"
	bad_option "-v bad mode" -v "$TEST_TMP/vol:/tmp:rx"
	bad_option "-v relative source" -v "vol:/tmp"
}

test_invalid_names_are_errors()
{
	require_root || return 0
	bad_option "--name with /" --name a/b
	bad_option "--name .." --name ..
	bad_option "--name empty" --name ''
}

test_invalid_cgroup_parent_is_an_error()
{
	require_root || return 0
	launch_raw --cgroup-parent /box-test/../.. --name "$(bt_name)" "$BOX_ROOTFS" -- true
	assert_launch_error "--cgroup-parent escaping the hierarchy"
}

test_name_in_use_is_an_error()
{
	require_root || return 0
	local name
	name=$(bt_name)
	READY=ready=1 box_start --name "$name" -- probe sleep 60 || return 0
	local out=$TEST_TMP/out
	TEST_TMP=$TEST_TMP/second
	mkdir "$TEST_TMP"
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --name "$name" "$BOX_ROOTFS" -- true
	assert_launch_error "name '$name' in use"
	assertTrue "names the container: $(cat "$TEST_TMP/err")" "grep -q '$name' '$TEST_TMP/err'"
	TEST_TMP=${TEST_TMP%/second}
	assertTrue "the first container still runs" "proc_alive $BOX_INIT_PID"
	kill -TERM "$BOX_PID"
	box_wait 20
	assertEquals "the first ends normally (143): $(cat "$TEST_TMP/err")" 143 "$BOX_RC"
	: "$out"
}

test_two_launches_racing_for_one_name_run_one()
{
	require_root || return 0
	local name a b ra rb
	name=$(bt_name)
	_bt_cmdline --name "$name" -- probe sleep 1
	"${BT_CMD[@]}" </dev/null >/dev/null 2>"$TEST_TMP/err.a" &
	a=$!
	"${BT_CMD[@]}" </dev/null >/dev/null 2>"$TEST_TMP/err.b" &
	b=$!
	track_pid "$a"
	track_pid "$b"
	wait "$a"
	ra=$?
	wait "$b"
	rb=$?
	assertEquals "one ran, one was refused: $ra $rb $(cat "$TEST_TMP"/err.?)" "0 125" \
		"$(printf '%s\n' "$ra" "$rb" | sort -n | tr '\n' ' ' | sed 's/ $//')"
}

test_unwritable_stats_json_path_is_an_error()
{
	require_root || return 0
	bad_option "--stats-json in a missing directory" --stats-json "$TEST_TMP/no/such/dir/s.json"
}

test_not_root_is_an_error()
{
	require_root || return 0
	require_command setpriv || return 0
	chmod 755 "$TEST_TMP"
	timeout -k 10 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$LAUNCH" --cgroup-parent "$BOX_TEST_CGROUP_PARENT" "$BOX_ROOTFS" -- true \
		</dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
	assert_launch_error "not root"
}

test_missing_init_is_an_error()
{
	require_root || return 0
	bad_option "--init missing" --init "$TEST_TMP/no-boxinit"
}

test_invalid_publish_max_conns_are_errors()
{
	require_root || return 0
	bad_option "--publish-max-conns 0" --net veth --publish-max-conns 0
	bad_option "--publish-max-conns abc" --net veth --publish-max-conns abc
	bad_option "--publish-max-conns -5" --net veth --publish-max-conns -5
	bad_option "--publish-max-conns too big" --net veth --publish-max-conns 99999999
	bad_option "--publish-max-conns without veth" --publish-max-conns 10
	assertTrue "names the option: $(cat "$TEST_TMP/err")" \
		"grep -q 'publish-max-conns' '$TEST_TMP/err'"
}

. "$SHUNIT2"
