#!/bin/bash
# SPDX-License-Identifier: MIT
# The bad-input battery of launch: every option that takes a value (empty, negative, zero,
# huge, non-numeric, overflowing, trailing garbage), -c files that are missing, empty, of
# the wrong kind or malformed (unreadable ones are boxinit's battery: launch runs as root),
# ROOTFS that is no container root, names with slashes, dots,
# control characters or 300 characters, volumes whose target leads out through a symlink, and
# the commands' own values. Each row of the tables below is one test: launch exits with the
# row's status (125: launch's failure; 126/127 when the command cannot be run or found) and
# prints exactly one line, which names the offending value or file; nothing is left (no
# record, log, cgroup, mount, veth or process: launch_lib.sh's teardown checks them after
# every row, and the row checks the veth).
#
# A row: NAME | KIND | STATUS | NEEDLE | ARGS (tests/badinput_lib.sh). NEEDLE and ARGS are
# bash words, expanded when the row runs ($FIX: the suite's fixtures, $R: the busybox rootfs,
# $L300: 300 letters).
# KIND o: launch --cgroup-parent /box-test --name <fresh> ARGS $R -- true
#      f: launch --cgroup-parent /box-test --name <fresh> ARGS (ARGS name ROOTFS and CMD)
#      r: launch ARGS (the commands: list, stop, logs...)
# STATUS 0 marks a value that is valid on purpose (a zero that means something): the row
# then checks that launch runs the command and says nothing.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"
. "$(dirname "$0")/../badinput_lib.sh"

R=

box_suite_setup()
{
	[ -x "$PROBE" ] && BOX_ROOTFS=$(busybox_rootfs) || BOX_ROOTFS=
	R=$BOX_ROOTFS
	FIX=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.badinput.XXXXXX") || return 0
	make_fixtures
}

box_suite_teardown()
{
	[ -n "$FIX" ] && rm -rf --one-file-system "$FIX"
	return 0
}

# Files of every kind a user may hand launch by mistake.
make_fixtures()
{
	make_conf_fixtures
	mkfifo "$FIX/fifo.conf" "$FIX/fifo"
	mkdir "$FIX/dir.conf" "$FIX/vol" "$FIX/ro:ot"
	# ROOTFS that are no container root.
	ln -s / "$FIX/root-link"
	: >"$FIX/file"
	mkdir -p "$FIX/nobin/etc" "$FIX/nobin/tmp"
	# A rootfs of its own with links that lead out of it (the shared one stays untouched).
	mkdir "$FIX/rootfs" && cp -a "$R/." "$FIX/rootfs/"
	ln -s / "$FIX/rootfs/tmp/to-root"
	ln -s ../../../../../.. "$FIX/rootfs/tmp/up"
	ln -s /etc "$FIX/rootfs/tmp/to-etc"
	printf '{"defaultAction": ' >"$FIX/seccomp-cut.json"
	printf '{"defaultAction": 5}\n' >"$FIX/seccomp-type.json"
	python3 -c 'print("[" * 100000 + "]" * 100000)' >"$FIX/seccomp-deep.json"
}

# --- the tables -------------------------------------------------------------------------------

# The numeric options: one row per value class. ZERO says whether 0 is valid, and why.
# NEGATIVE likewise for -1 (every other negative value is bad everywhere).
#   option              zero  -1    why
numeric_options()
{
	cat <<-'EOF'
	cpus                bad   bad   a quota of 0 CPUs would never run (no --cpus: no limit)
	cpu-weight          bad   bad   the kernel's weights are 1..10000
	memory              bad   bad   a limit of 0 bytes would run nothing (no -m: no limit)
	memory-swap         bad   ok    0: memory+swap below any memory; -1: "unlimited", as docker's
	pids-limit          bad   bad   not one process could start (no --pids-limit: no limit)
	io-weight           bad   bad   the kernel's weights are 1..10000
	grace               ok    bad   0: no grace, a stop kills at once
	log-max-size        bad   bad   a log rotated at every byte
	publish-max-conns   bad   bad   no connection could ever be made
	EOF
}

numeric_rows()
{
	local opt zero neg why cls val name extra
	while read -r opt zero neg why; do
		while read -r cls val; do
			name=opt_${opt//-/_}_$cls
			extra=
			[ "$opt" = publish-max-conns ] && extra='--net veth '
			if { [ "$cls" = zero ] && [ "$zero" = ok ]; } ||
				{ [ "$cls" = negative ] && [ "$neg" = ok ]; }; then
				row "$name" o 0 "''" "$extra--$opt $val"
			else
				row "$name" o 125 "\"'\"$val\"' for --$opt\"" "$extra--$opt $val"
			fi
		done < <(value_classes)
	done < <(numeric_options)
	# Past a kernel limit, not past 2^64.
	row opt_cpu_weight_above_range o 125 "\"'10001' for --cpu-weight\"" "--cpu-weight 10001"
	row opt_io_weight_above_range o 125 "\"'10001' for --io-weight\"" "--io-weight 10001"
	row opt_memory_2p64_bytes_in_g o 125 "\"'17179869184g'\"" "-m 17179869184g"
	row opt_cpus_nan o 125 "\"'nan'\"" "--cpus nan"
	row opt_cpus_exponent o 125 "\"'1e400'\"" "--cpus 1e400"
}

numeric_rows

table <<'EOF'
# The string options.
name_empty            | o | 125 | "'' for --name"          | --name ''
name_slash            | o | 125 | "'a/b'"                  | --name a/b
name_dot              | o | 125 | "'.'"                    | --name .
name_dotdot           | o | 125 | "'..'"                   | --name ..
name_leading_dot      | o | 125 | "'.hidden'"              | --name .hidden
name_newline          | o | 125 | "'a?b'"                  | --name $'a\nb'
name_control_char     | o | 125 | "'a?b'"                  | --name $'a\001b'
name_escape_sequence  | o | 125 | "'?[31mred'"             | --name $'\e[31mred'
name_300_chars        | o | 125 | "'$L300'"                | --name "$L300"
name_leading_dash     | o | 125 | "'-x'"                   | --name -x
name_space            | o | 125 | "'a b'"                  | --name 'a b'
hostname_empty        | o | 125 | "'' for --hostname"      | --hostname ''
hostname_newline      | o | 125 | "'a?b'"                  | --hostname $'a\nb'
hostname_300_chars    | o | 125 | "'$L300'"                | --hostname "$L300"
hostname_slash        | o | 125 | "'a/b'"                  | --hostname a/b
cgroup_parent_empty   | o | 125 | "'' for --cgroup-parent" | --cgroup-parent ''
cgroup_parent_relative| o | 125 | "'box-test'"             | --cgroup-parent box-test
cgroup_parent_dotdot  | o | 125 | "'/box-test/../..'"      | --cgroup-parent /box-test/../..
cgroup_parent_newline | o | 125 | "'/box-test/a?b' for --cgroup-parent" | --cgroup-parent $'/box-test/a\nb'
cgroup_parent_tab     | o | 125 | "'/box-test/a?b' for --cgroup-parent" | --cgroup-parent $'/box-test/a\tb'
user_empty            | o | 125 | "'' for --user"          | -u ''
user_negative         | o | 125 | "'-1' for --user"        | -u -1
user_name             | o | 125 | "'abc' for --user"       | -u abc
user_overflow         | o | 125 | "'4294967296'"           | -u 4294967296
user_garbage_gid      | o | 125 | "'1:x'"                  | -u 1:x
user_trailing_colon   | o | 125 | "'1:'"                   | -u 1:
env_empty             | o | 125 | "'' for --env"           | -e ''
env_no_name           | o | 125 | "'=value'"               | -e =value
workdir_empty         | o | 125 | "'' for --workdir"       | -w ''
workdir_relative      | o | 125 | "'relative/dir'"         | -w relative/dir
log_relative          | o | 125 | "'x.log'"                | -d --log x.log
log_empty             | o | 125 | "'' for --log"           | -d --log ''
stats_json_empty      | o | 125 | "'' for --stats-json"    | --stats-json ''
stats_json_no_dir     | o | 125 | "$FIX/no/such/s.json"    | --stats-json "$FIX/no/such/s.json"
init_empty            | o | 125 | "'' for --init"          | --init ''
init_missing          | o | 125 | "$FIX/no-boxinit"        | --init "$FIX/no-boxinit"
init_directory        | o | 125 | "$FIX/vol"               | --init "$FIX/vol"
cap_add_bogus         | o | 125 | "'BOGUS'"                | --cap-add BOGUS
cap_add_empty         | o | 125 | "'' for --cap-add"       | --cap-add ''
cap_drop_garbage      | o | 125 | "'CHOWN,'"               | --cap-drop CHOWN,
cap_drop_trailing_word | o | 125 | "'CHOWN x'"             | --cap-drop 'CHOWN x'
seccomp_empty         | o | 125 | "'' for --seccomp"       | --seccomp ''
seccomp_missing       | o | 125 | "$FIX/no.json"           | --seccomp "$FIX/no.json"
seccomp_unterminated  | o | 125 | "$FIX/seccomp-cut.json"  | --seccomp "$FIX/seccomp-cut.json"
seccomp_wrong_type    | o | 125 | "$FIX/seccomp-type.json" | --seccomp "$FIX/seccomp-type.json"
seccomp_deep_nesting  | o | 125 | "$FIX/seccomp-deep.json" | --seccomp "$FIX/seccomp-deep.json"
seccomp_fifo          | o | 125 | "$FIX/fifo"              | --seccomp "$FIX/fifo"
userns_empty          | o | 125 | "'' for --userns"        | --userns ''
userns_bogus          | o | 125 | "'bogus'"                | --userns bogus
userns_zero_count     | o | 125 | "'100000:0'"             | --userns 100000:0
userns_host_root      | o | 125 | "'0:65536'"              | --userns 0:65536
userns_overflow       | o | 125 | "'4294967295:2'"         | --userns 4294967295:2
net_empty             | o | 125 | "'' for --net"           | --net ''
net_bogus             | o | 125 | "'bogus'"                | --net bogus
subnet_garbage        | o | 125 | "'10.0.0.0/x'"           | --net veth --subnet 10.0.0.0/x
subnet_prefix_40      | o | 125 | "'10.0.0.0/40'"          | --net veth --subnet 10.0.0.0/40
subnet_empty          | o | 125 | "'' for --subnet"        | --net veth --subnet ''
publish_empty         | o | 125 | "'' for --publish"       | --net veth -p ''
publish_port_70000    | o | 125 | "'70000:80'"             | --net veth -p 70000:80
publish_port_zero     | o | 125 | "'0:80'"                 | --net veth -p 0:80
publish_garbage       | o | 125 | "'80:80/xdp'"            | --net veth -p 80:80/xdp
dns_garbage           | o | 125 | "'1.2.3'"                | --dns 1.2.3
dns_empty             | o | 125 | "'' for --dns"           | --dns ''
service_empty         | o | 125 | "'' "                    | --service ''
service_no_name       | o | 125 | "'=/bin/true'"           | --service =/bin/true
service_no_command    | o | 125 | "'a='"                   | --service a=
service_bad_name      | o | 125 | "'a/b=/bin/true'"        | --service a/b=/bin/true
service_twice         | o | 125 | "'a=/bin/true'"          | --service a=/bin/true --service a=/bin/true

# Volumes.
volume_no_destination | o | 125 | "$FIX/vol"               | -v "$FIX/vol"
volume_relative_dst   | o | 125 | "$FIX/vol:tmp"           | -v "$FIX/vol:tmp"
volume_relative_src   | o | 125 | "vol:/tmp"               | -v vol:/tmp
volume_bad_mode       | o | 125 | "$FIX/vol:/tmp:rx"       | -v "$FIX/vol:/tmp:rx"
volume_root_dst       | o | 125 | "$FIX/vol:/"             | -v "$FIX/vol:/"
volume_dotdot_dst     | o | 125 | "$FIX/vol:/tmp/../.."    | -v "$FIX/vol:/tmp/../.."
volume_missing_src    | o | 125 | "$FIX/no-such-dir"       | -v "$FIX/no-such-dir:/tmp"
volume_empty          | o | 125 | "'' for --volume"        | -v ''
volume_target_under_a_file | o | 125 | "'/bin/busybox/x'"  | -v "$FIX/vol:/bin/busybox/x"
volume_target_link_to_root | f | 125 | "'/tmp/to-root'"    | -v "$FIX/vol:/tmp/to-root" "$FIX/rootfs" -- true
volume_target_link_up_and_out | f | 125 | "'/tmp/up'"      | -v "$FIX/vol:/tmp/up" "$FIX/rootfs" -- true

# Layers and tmpfs mounts.
overlay_empty         | o | 125 | "'' for --overlay"       | --overlay=
overlay_bogus         | o | 125 | "'bogus' for --overlay"  | --overlay=bogus
overlay_tmpfs_zero    | o | 125 | "'tmpfs:0'"              | --overlay=tmpfs:0
overlay_tmpfs_garbage | o | 125 | "'tmpfs:1x'"             | --overlay=tmpfs:1x
overlay_tmpfs_overflow | o | 125 | "'tmpfs:99999999999t'"  | --overlay=tmpfs:99999999999t
overlay_rootfs_colon  | f | 125 | "$FIX/ro:ot"             | --overlay "$FIX/ro:ot" -- true
tmpfs_empty           | o | 125 | "'' for --tmpfs"         | --tmpfs ''
tmpfs_relative        | o | 125 | "'tmp' for --tmpfs"      | --tmpfs tmp
tmpfs_root            | o | 125 | "'/' for --tmpfs"        | --tmpfs /
tmpfs_dotdot          | o | 125 | "'/tmp/..'"              | --tmpfs /tmp/..
tmpfs_size_zero       | o | 125 | "'/d:size=0'"            | --tmpfs /d:size=0
tmpfs_size_garbage    | o | 125 | "'/d:size=1q'"           | --tmpfs /d:size=1q
tmpfs_mode_not_octal  | o | 125 | "'/d:mode=9'"            | --tmpfs /d:mode=9
tmpfs_mode_too_big    | o | 125 | "'/d:mode=17777'"        | --tmpfs /d:mode=17777
tmpfs_unknown_option  | o | 125 | "'/d:suid'"              | --tmpfs /d:suid
tmpfs_empty_options   | o | 125 | "'/d:'"                  | --tmpfs /d:
tmpfs_trailing_comma  | o | 125 | "'/d:exec,'"             | --tmpfs /d:exec,
tmpfs_on_a_volume     | o | 125 | "duplicate destination"  | --tmpfs /tmp -v "$FIX/vol:/tmp"
tmpfs_twice           | o | 125 | "duplicate destination"  | --tmpfs /d --tmpfs /d:size=1m
tmpfs_target_link_to_root | f | 125 | "'/tmp/to-root'"     | --tmpfs /tmp/to-root "$FIX/rootfs" -- true

# -c FILE: every message names FILE as the user gave it, with the line.
conf_empty_name       | o | 125 | "'' for --config"        | -c ''
conf_empty_no_command | f | 125 | "$FIX/empty.conf"        | -c "$FIX/empty.conf" "$R"
conf_twice            | o | 125 | "$FIX/dup.conf"          | -c "$FIX/key.conf" -c "$FIX/dup.conf"

# ROOTFS.
rootfs_link_to_host_root | f | 125 | "'/'"                 | "$FIX/root-link" -- true
rootfs_regular_file   | f | 125 | "$FIX/file"              | "$FIX/file" -- true
rootfs_fifo           | f | 125 | "$FIX/fifo"              | "$FIX/fifo" -- true
rootfs_missing        | f | 125 | "$FIX/no-such-rootfs"    | "$FIX/no-such-rootfs" -- true
rootfs_empty_name     | f | 125 | "''"                     | '' -- true
rootfs_without_bin    | f | 127 | "'true'"                 | "$FIX/nobin" -- true
rootfs_without_bin_absolute | f | 127 | "'/bin/true'"      | "$FIX/nobin" -- /bin/true
command_is_a_directory | f | 126 | "'/etc'"                | "$R" -- /etc
command_not_executable | f | 126 | "'/etc/passwd'"         | "$R" -- /etc/passwd
command_empty         | f | 127 | "''"                     | "$R" -- ''

# The commands' values, on a container that does not exist: the value is what is named.
logs_tail_empty       | r | 125 | "'' for --tail"          | logs -n '' nosuch
logs_tail_negative    | r | 125 | "'-1' for --tail"        | logs -n -1 nosuch
logs_tail_huge        | r | 125 | "'99999999999999999999'" | logs -n 99999999999999999999 nosuch
logs_tail_garbage     | r | 125 | "'5x' for --tail"        | logs -n 5x nosuch
logs_tail_zero_is_valid | r | 125 | "'nosuch'"             | logs -n 0 nosuch
logs_since_empty      | r | 125 | "'' for --since"         | logs --since '' nosuch
logs_since_negative   | r | 125 | "'-1' for --since"       | logs --since -1 nosuch
logs_since_garbage    | r | 125 | "'5x' for --since"       | logs --since 5x nosuch
logs_since_huge       | r | 125 | "'99999999999999999999'" | logs --since 99999999999999999999 nosuch
stop_time_empty       | r | 125 | "'' for --time"          | stop -t '' nosuch
stop_time_negative    | r | 125 | "'-1' for --time"        | stop -t -1 nosuch
stop_time_huge        | r | 125 | "'99999999999999999999'" | stop -t 99999999999999999999 nosuch
stop_time_garbage     | r | 125 | "'5x' for --time"        | stop -t 5x nosuch
stop_time_zero_is_valid | r | 125 | "'nosuch'"             | stop -t 0 nosuch
stats_interval_empty  | r | 125 | "'' for --interval"      | stats -i '' nosuch
stats_interval_negative | r | 125 | "'-1' for --interval"  | stats --interval -1 nosuch
stats_interval_huge   | r | 125 | "'99999999999999999999'" | stats -i 99999999999999999999 nosuch
stats_interval_garbage | r | 125 | "'1s' for --interval"   | stats -i 1s nosuch
stats_interval_over_a_day | r | 125 | "'86401' for --interval" | stats -i 86401 nosuch
kill_signal_empty     | r | 125 | "'' for --signal"        | kill -s '' nosuch
kill_signal_zero      | r | 125 | "'0' for --signal"       | kill -s 0 nosuch
kill_signal_negative  | r | 125 | "'-1' for --signal"      | kill -s -1 nosuch
kill_signal_huge      | r | 125 | "'99999999999999999999'" | kill -s 99999999999999999999 nosuch
kill_signal_garbage   | r | 125 | "'TERMx' for --signal"   | kill -s TERMx nosuch
exec_user_garbage     | r | 125 | "'abc' for --user"       | exec -u abc nosuch -- true
exec_workdir_relative | r | 125 | "'rel'"                  | exec -w rel nosuch -- true
exec_env_no_name      | r | 125 | "'=x'"                   | exec -e =x nosuch -- true
service_signal_bogus  | r | 125 | "'FOO'"                  | service nosuch signal FOO web
list_unknown_option   | r | 125 | "'--bogus'"              | list --bogus
diff_no_name          | r | 125 | "launch diff NAME"       | diff
diff_two_names        | r | 125 | "launch diff NAME"       | diff a b
commit_no_dir         | r | 125 | "launch commit NAME DIR" | commit nosuch
commit_empty_dir      | r | 125 | "launch commit NAME DIR" | commit nosuch ''
commit_option         | r | 125 | "launch commit NAME DIR" | commit -x nosuch d
EOF
# The boxinit.conf rows boxinit and launch (which parses -c FILE first) share.
table < <(conf_rows)

# Every command that takes a container name, with the names no container can have.
name_rows()
{
	local cmd cls val
	for cmd in stop rm logs ps wait kill exec diff commit; do
		while read -r cls val; do
			row "${cmd}_name_$cls" r 125 "\"no container '\"$val\"'\"" \
				"$cmd $val$(case $cmd in exec) echo ' -- true' ;; commit) echo ' $FIX/c' ;; esac)"
		done <<-'EOF'
		slash      'a/b'
		dotdot     '..'
		newline    $'a\nb'
		empty      ''
		long       "$L300"
		EOF
	done
}

name_rows

# The machine is shared, /box-test too (other suites, other sessions): a cgroup counts as
# left behind only when it carries this suite's container prefix.
eval "$(declare -f _bt_new_cgroups | sed '1s/_bt_new_cgroups/_bt_all_new_cgroups/')"
_bt_new_cgroups()
{
	_bt_all_new_cgroups | grep "/$BT_PREFIX-"
	return 0
}

# --- running a row ------------------------------------------------------------------------------

run_row()
{
	require_root || return 0
	local name
	row_fields "$1"
	name=$(bt_name)
	case $KIND in
	o) launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --name "$name" "${ARGS[@]}" "$R" \
		-- true ;;
	f) launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --name "$name" "${ARGS[@]}" ;;
	r) launch_raw "${ARGS[@]}" ;;
	esac
	assert_row_output 'launch|boxinit' "$STATUS" "$BOX_RC" "$TEST_TMP/err" "$NEEDLE"
	assertEquals "veths of this suite's containers" "" \
		"$(ip -o link show 2>/dev/null | grep -o "bx-$BT_PREFIX-[^:@]*")"
}

# --- beside the table -------------------------------------------------------------------------

# The link is followed inside the rootfs: the volume lands on the rootfs's /etc, never the
# host's.
test_volume_target_link_to_etc_lands_in_the_rootfs()
{
	require_root || return 0
	echo marker >"$FIX/vol/bi-marker-$$"
	launch_raw --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --name "$(bt_name)" \
		-v "$FIX/vol:/tmp/to-etc" "$FIX/rootfs" -- cat "/etc/bi-marker-$$"
	rm -f "$FIX/vol/bi-marker-$$"
	assertEquals "status (stderr: $(cat "$TEST_TMP/err"))" 0 "$BOX_RC"
	assertEquals "the volume is on the container's /etc" marker "$(cat "$TEST_TMP/out")"
	assertFalse "the host's /etc is untouched" "[ -e /etc/bi-marker-$$ ]"
}

# The -c file is checked before anything exists: no cgroup appears even for a moment. A
# cgroup.events-free check: the container's cgroup directory is never made.
test_bad_config_file_stops_launch_before_its_cgroup_exists()
{
	require_root || return 0
	require_command strace || return 0
	local name
	name=$(bt_name)
	# (LeakSanitizer cannot run under ptrace: an ASan build leaves it out of this one run.)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -e trace=mkdir,mkdirat -o "$TEST_TMP/trace" \
		"$LAUNCH" --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --name "$name" \
		-c "$FIX/cycle.conf" "$R" -- true 2>"$TEST_TMP/err" </dev/null
	assertEquals "status" 125 $?
	assertFalse "no directory made for the container: $(grep "$name" "$TEST_TMP/trace")" \
		"grep -q '$name' '$TEST_TMP/trace'"
}

. "$SHUNIT2"
