# SPDX-License-Identifier: MIT
# lib.sh: sourced by every shunit2 suite (bash) before shunit2 itself. It owns the build paths,
# the per-test temp dir and pid registry, skips that count as skipped (never as passed), the
# per-test result lines that tests/run.sh counts, and the end-of-suite leak check. It kills only
# processes the suite started, never by name.
#
# A suite: `. "$(dirname "$0")/../lib.sh"`, tests named test_*, then
# `. "$SHUNIT2"`. Do not define setUp/tearDown/oneTimeSetUp/oneTimeTearDown: define the hooks
# box_setup, box_teardown, box_suite_setup, box_suite_teardown instead. Skipping:
#   require_root || return 0          require_cgroup v1 || return 0
#   if ...; then skip_test "why"; return 0; fi

BOX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BOX_BUILD=${BOX_BUILD:-$BOX_ROOT/build}
BOXINIT=${BOXINIT:-$BOX_BUILD/boxinit}
LAUNCH=${LAUNCH:-$BOX_BUILD/launch}
PROBE=${PROBE:-$BOX_BUILD/probe}
SHUNIT2=${SHUNIT2:-/usr/share/shunit2/shunit2}
BOX_TEST_CGROUP_PARENT=${BOX_TEST_CGROUP_PARENT:-/box-test}
# Plain output: tests/run.sh parses it.
export SHUNIT_COLOR=none
# Every process this suite execs inherits the mark: the leak check finds the ones left behind
# (even when they were re-parented away from us). The suite shell itself does not show it.
BOX_TEST_MARK=box-test-$$-$RANDOM$RANDOM
export BOX_TEST_MARK

# A command or function the suite names but nobody defined (a helper renamed or nested by
# mistake) makes bash print "command not found" and go on with status 127, which `|| return 0`
# would turn into a silent pass. Bash runs this hook in a subshell: it leaves a note that the
# test's end reads, and the test fails.
_box_cnf_note=${TMPDIR:-/tmp}/box-test-cnf.$$
command_not_found_handle()
{
	echo "$0: $1: command not found" >&2
	echo "$1" >>"$_box_cnf_note"
	return 127
}

# --- per-test state ---------------------------------------------------------------------------

setUp()
{
	_box_active=1
	_box_skip_reason=
	_box_pids=()
	_box_undo=()
	TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.XXXXXX")
	if declare -F box_setup >/dev/null; then
		box_setup
	fi
	return 0
}

# shunit2 2.1.8 calls tearDown again from its EXIT trap: only the first call per test counts.
tearDown()
{
	[ "${_box_active:-0}" = 1 ] || return 0
	_box_active=0
	if declare -F box_teardown >/dev/null; then
		box_teardown
	fi
	_box_kill_tracked
	_box_run_undo
	_box_report_result
	[ -z "${TEST_TMP:-}" ] || rm -rf --one-file-system "$TEST_TMP"
	TEST_TMP=
	return 0
}

# One line per test for tests/run.sh. shunit2's own totals count assertions, not tests, and
# count a skipped test as passed, so run.sh counts these lines instead.
_box_report_result()
{
	local name=${_shunit_test_:-unknown} missing=

	if [ -s "$_box_cnf_note" ]; then
		missing=$(sort -u "$_box_cnf_note" | paste -sd' ')
		rm -f "$_box_cnf_note"
	fi
	if [ -n "$missing" ]; then
		echo "--- FAIL: $name (command not found: $missing)"
	elif [ "${_shunit_name_:-}" = EXIT ]; then
		echo "--- FAIL: $name (the suite exited during the test)"
	elif [ "${__shunit_testSuccess:-0}" != "${SHUNIT_TRUE:-0}" ]; then
		echo "--- FAIL: $name"
	elif [ -n "$_box_skip_reason" ]; then
		echo "--- SKIP: $name ($_box_skip_reason)"
	else
		echo "--- PASS: $name"
	fi
}

skip_test()
{
	_box_skip_reason=${1:-skipped}
	echo "SKIP: ${_shunit_test_:-}: $_box_skip_reason"
	startSkipping
}

require_root()
{
	[ "$(id -u)" = 0 ] && return 0
	skip_test "needs root"
	return 1
}

# v1 also covers the hybrid layout (tmpfs with controller hierarchies, maybe cgroup2 beside).
cgroup_mode()
{
	case $(stat -fc %T /sys/fs/cgroup 2>/dev/null) in
	cgroup2fs) echo v2 ;;
	tmpfs) echo v1 ;;
	*) echo none ;;
	esac
}

require_cgroup()
{
	local have
	have=$(cgroup_mode)
	[ "$have" = "$1" ] && return 0
	skip_test "needs cgroup $1, this host has $have"
	return 1
}

require_command()
{
	command -v "$1" >/dev/null 2>&1 && return 0
	skip_test "needs the command '$1'"
	return 1
}

# on_teardown CMD [ARG...]: run CMD when the test ends, however it ends (after its tracked
# processes are killed), newest first: the undo of what the test made outside its temp dir
# (network namespaces, veths).
on_teardown()
{
	_box_undo+=("$(printf '%q ' "$@")")
}

_box_run_undo()
{
	local i
	for ((i = ${#_box_undo[@]} - 1; i >= 0; i--)); do
		eval "${_box_undo[i]}" >/dev/null 2>&1
	done
	_box_undo=()
}

# --- processes ----------------------------------------------------------------------------------

# Field 22 of /proc/PID/stat, read after the command name (which may hold spaces).
_box_starttime()
{
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	# shellcheck disable=SC2086 # split into fields on purpose
	set -- $stat
	echo "${20}"
}

# The test started PID: tearDown kills it (SIGKILL) and waits for it. The start time guards
# against killing a recycled pid.
track_pid()
{
	local t
	t=$(_box_starttime "$1") || return 0
	_box_pids+=("$1:$t")
}

_box_kill_tracked()
{
	local entry pid t
	for entry in "${_box_pids[@]}"; do
		pid=${entry%%:*}
		t=${entry#*:}
		if [ "$(_box_starttime "$pid")" = "$t" ]; then
			kill -KILL "$pid" 2>/dev/null
		fi
	done
	for entry in "${_box_pids[@]}"; do
		pid=${entry%%:*}
		t=${entry#*:}
		wait "$pid" 2>/dev/null
		wait_until 5 _box_gone "$pid" "$t" ||
			echo "lib.sh: tracked pid $pid did not die" >&2
	done
	_box_pids=()
}

_box_gone()
{
	[ "$(_box_starttime "$1")" != "$2" ] || [ "$(proc_state "$1")" = Z ]
}

# "pid state ppid" for every process, robust to spaces and parens in command names.
proc_table()
{
	cat /proc/[0-9]*/stat 2>/dev/null |
		sed -n 's/^\([0-9][0-9]*\) (.*) \(.\) \([0-9][0-9]*\) .*/\1 \2 \3/p'
}

proc_state()
{
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	echo "${stat%% *}"
}

# Alive: exists and is not a zombie.
proc_alive()
{
	local s
	s=$(proc_state "$1") || return 1
	[ "$s" != Z ] && [ "$s" != X ]
}

proc_dead()
{
	! proc_alive "$1"
}

# A "Name:" field of /proc/PID/status (PPid, voluntary_ctxt_switches, CapEff...).
proc_status_field()
{
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null
}

# Every descendant of PID (not PID itself), one per line, with its state: "pid state".
descendants()
{
	proc_table | awk -v root="$1" '
		{ state[$1] = $2; parent[$1] = $3; pids[n++] = $1 }
		END {
			want[root] = 1
			do {
				more = 0
				for (i = 0; i < n; i++) {
					p = pids[i]
					if (!(p in want) && (parent[p] in want)) { want[p] = 1; more = 1 }
				}
			} while (more)
			for (i = 0; i < n; i++)
				if (pids[i] != root && (pids[i] in want)) print pids[i], state[pids[i]]
		}'
}

# Zombies among the descendants of PID. For a pid namespace's init that is the whole namespace,
# since every orphan in it is re-parented to that init.
zombies_under()
{
	descendants "$1" | awk '$2 == "Z" { print $1 }'
}

assert_no_zombies()
{
	local z
	z=$(zombies_under "$1" | tr '\n' ' ')
	assertEquals "zombies under pid $1" "" "$z"
}

# The direct children of PID.
children_of()
{
	proc_table | awk -v p="$1" '$3 == p { print $1 }'
}

# wait_until TIMEOUT CMD...: polls CMD every 20 ms until it succeeds (0) or TIMEOUT seconds
# pass (1). For waiting on conditions, never for timing assertions.
wait_until()
{
	local timeout=$1 now end
	shift
	end=$(_box_now_us)
	end=$((end + $(_box_us "$timeout")))
	while :; do
		"$@" && return 0
		now=$(_box_now_us)
		[ "$now" -lt "$end" ] || return 1
		sleep 0.02
	done
}

_box_now_us()
{
	echo "${EPOCHREALTIME/[.,]/}"
}

# Seconds with an optional fraction into microseconds.
_box_us()
{
	local s=${1%%.*} f=
	case $1 in *.*) f=${1#*.} ;; esac
	f=${f}000000
	echo $((10#${s:-0} * 1000000 + 10#${f:0:6}))
}

# A key=value line from probe output in FILE: `kv FILE key`.
kv()
{
	sed -n "s/^$2=//p" "$1" | head -n 1
}

file_has()
{
	grep -q -- "$2" "$1" 2>/dev/null
}

# The cached busybox rootfs (with build/probe), rebuilt when busybox.sh or probe is newer.
busybox_rootfs()
{
	local dir=$BOX_BUILD/rootfs/busybox stamp
	stamp=$dir/.box-rootfs-done
	if [ ! -e "$stamp" ] || [ "$BOX_ROOT/rootfs/busybox.sh" -nt "$stamp" ] ||
		{ [ -e "$PROBE" ] && [ "$PROBE" -nt "$stamp" ]; }; then
		"$BOX_ROOT/rootfs/busybox.sh" "$dir" >&2 || return 1
		touch "$stamp"
	fi
	echo "$dir"
}

# --- end-of-suite leak check --------------------------------------------------------------------
# Fails the suite (a "--- LEAK:" line, counted by run.sh) when it left a cgroup under /box-test
# whose name carries the suite's pid ($$: name containers e.g. "bt$$-N"), a mount in the host's
# mount table, or a process carrying its mark. The processes it also kills (by pid: they carry
# this suite's mark, so this suite started them); cgroups are left to the suite's own cleanup.

oneTimeSetUp()
{
	_box_dirs_before=$(_box_runtime_dirs)
	_box_mounts_before=$(_box_mounts)
	_box_cgroups_before=$(_box_test_cgroups)
	_box_suite_done=0
	rm -f "$_box_cnf_note"
	if declare -F box_suite_setup >/dev/null; then
		box_suite_setup
	fi
	return 0
}

# Called twice by shunit2 2.1.8 (after the suite and from its EXIT trap): runs once.
oneTimeTearDown()
{
	[ "${_box_suite_done:-1}" = 0 ] || return 0
	_box_suite_done=1
	if declare -F box_suite_teardown >/dev/null; then
		box_suite_teardown
	fi
	leak_check
	if [ -s "$_box_cnf_note" ]; then
		echo "--- LEAK: outside any test, command not found: $(sort -u "$_box_cnf_note" | paste -sd' ')"
	fi
	rm -f "$_box_cnf_note"
	return 0
}

# The directories launch and box make on the host, where they exist: each goes with the last
# container that used it, so a suite that found one missing must leave it missing.
_box_runtime_dirs()
{
	local d
	# Sorted (comm needs it): /run/box, /run/box-oci, /var/lib/box, /var/log/box.
	for d in /run/box /run/box-oci /var/lib/box /var/log/box; do
		[ -e "$d" ] && echo "$d"
	done
	return 0
}

_box_mounts()
{
	awk '{ print $1, $5 }' /proc/self/mountinfo | LC_ALL=C sort
}

_box_test_cgroups()
{
	local d
	for d in /sys/fs/cgroup$BOX_TEST_CGROUP_PARENT /sys/fs/cgroup/*$BOX_TEST_CGROUP_PARENT; do
		[ -d "$d" ] && find "$d" -mindepth 1 -type d 2>/dev/null
	done | LC_ALL=C sort
}

# Pids whose environment carries this suite's mark (env -u: the scanner itself must not).
_box_marked_pids()
{
	local f
	for f in $(env -u BOX_TEST_MARK grep -lzx "BOX_TEST_MARK=$BOX_TEST_MARK" \
		/proc/[0-9]*/environ 2>/dev/null); do
		f=${f#/proc/}
		echo "${f%/environ}"
	done
}

_box_no_marked_pids()
{
	[ -z "$(_box_marked_pids)" ]
}

# For suite() in a suite whose tests are made at run time (eval), which shunit2's reading of
# the script does not see: every test_ function defined, in name order.
add_defined_tests()
{
	local f
	for f in $(declare -F | awk '$3 ~ /^test_/ { print $3 }'); do
		suite_addTest "$f"
	done
}

leak_check()
{
	local pid line
	if ! wait_until 5 _box_no_marked_pids; then
		for pid in $(_box_marked_pids); do
			echo "--- LEAK: process $pid ($(cat "/proc/$pid/cmdline" 2>/dev/null | tr '\0' ' '))"
			kill -KILL "$pid" 2>/dev/null
		done
	fi
	# The machine is shared (podman, debootstrap...): only the places a box suite could mount
	# on count: the checkout, this suite's temp dirs, and the host's /, /proc, /sys, /dev.
	while read -r line; do
		case ${line#* } in
		"$BOX_ROOT" | "$BOX_ROOT"/* | "${TMPDIR:-/tmp}"/box-test.$$.* | / | /proc* | /sys* | /dev*)
			echo "--- LEAK: mount $line"
			;;
		esac
	done < <(LC_ALL=C comm -13 <(echo "$_box_mounts_before") <(_box_mounts))
	while read -r line; do
		echo "--- LEAK: runtime directory $line ($(find "$line" -mindepth 1 2>/dev/null | head -5 | tr '\n' ' '))"
	done < <(LC_ALL=C comm -13 <(echo "$_box_dirs_before") <(_box_runtime_dirs))
	# Suites run side by side under /box-test: only names that carry this suite's pid count.
	while read -r line; do
		[[ $line =~ (^|[^0-9])$$([^0-9]|$) ]] && echo "--- LEAK: cgroup $line"
	done < <(LC_ALL=C comm -13 <(echo "$_box_cgroups_before") <(_box_test_cgroups))
}
