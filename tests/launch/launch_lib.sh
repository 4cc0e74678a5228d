# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# launch_lib.sh: helpers of the launch suites (sourced after tests/lib.sh). Runs launch with
# --cgroup-parent /box-test and a per-suite container name, in the foreground (box_run) or in
# the background (box_start/box_wait), output in $TEST_TMP/out and $TEST_TMP/err. After every
# test it fails the test if a cgroup under /box-test, a host mount or a process running in a
# test rootfs was left behind, then removes what it can prove is this suite's own.

BT_PREFIX=bt$$
BOX_ROOTFS=
BOX_DEBIAN_ROOTFS=$BOX_ROOT/rootfs/debian
_bt_serial=0

# --- suite and test hooks (tests/lib.sh calls them) --------------------------------------------

box_suite_setup()
{
	[ -x "$PROBE" ] && BOX_ROOTFS=$(busybox_rootfs) || BOX_ROOTFS=
	if [ -n "$BOX_ROOTFS" ] && ! cmp -s "$PROBE" "$BOX_ROOTFS/bin/probe"; then
		rm -f "$BOX_ROOTFS/.box-rootfs-done"
		BOX_ROOTFS=$(busybox_rootfs)
	fi
	return 0
}

# The suites fail (not skip) without their binaries: a missing binary is a broken build.
box_setup()
{
	ulimit -c 0
	[ -x "$LAUNCH" ] || fail "missing $LAUNCH (make build/launch)"
	[ -x "$BOXINIT" ] || fail "missing $BOXINIT (make build/boxinit)"
	[ -n "$BOX_ROOTFS" ] && [ -x "$BOX_ROOTFS/bin/probe" ] ||
		fail "no busybox rootfs with the probe (make build/probe; rootfs/busybox.sh)"
	_bt_mounts_before=$(_box_mounts)
	_bt_cgroups_before=$(_box_test_cgroups)
	_bt_pids_before=" $(cd /proc && echo [0-9]*) "
	BOX_PID='' BOX_INIT_PID='' BOX_RC=''
}

box_teardown()
{
	local left
	# A skipped test still has to leave nothing behind.
	endSkipping
	# Whatever a test left running is killed first (its launch dies by SIGKILL: the
	# container must die with it and the leftover cgroup is reported below), then what it
	# asked to undo (on_teardown) is undone.
	_box_kill_tracked
	_box_run_undo
	if ! wait_until 10 _bt_no_rootfs_procs; then
		left=$(_bt_rootfs_procs)
		fail "container processes left: $(_bt_describe $left)"
		_bt_kill $left
	fi
	if ! wait_until 5 _bt_no_new_cgroups; then
		fail "cgroups left: $(_bt_new_cgroups | tr '\n' ' ')"
		_bt_remove_own_cgroups
	fi
	# Records and logs of this suite's containers: a monitor that ended leaves none (the
	# tests that keep one with --keep remove it themselves).
	if ! wait_until 5 _bt_no_records; then
		fail "container records or logs left: $(_bt_records | tr '\n' ' ')"
		_bt_records | while read -r left; do rm -rf --one-file-system "$left"; done
	fi
	# podman's storage and network namespaces (the benchmarks run podman on this shared
	# machine) are never launch's doing.
	left=$(_bt_added "$_bt_mounts_before" "$(_box_mounts)") || fail "cannot compare mounts"
	left=$(echo "$left" |
		grep -Ev '^$| (/var/lib/containers/|/run/containers/|/run/netns/netns-[0-9a-f-]+$)' |
		tr '\n' ' ')
	[ -z "$left" ] || fail "host mounts left: $left"
}

# --- running launch ---------------------------------------------------------------------------

# A fresh container name. Called in a command substitution (a subshell, where the count
# would not last), the subshell's own pid keeps it unique.
bt_name()
{
	_bt_serial=$((_bt_serial + 1))
	if [ "$BASHPID" != "$$" ]; then
		echo "$BT_PREFIX-s$BASHPID"
	else
		echo "$BT_PREFIX-$_bt_serial"
	fi
}

# The launch command line: box_cmdline [LAUNCH OPTIONS...] -- CMD [ARG...]. Adds the test
# cgroup parent and a fresh name (unless the options name one), and $BOX_ROOTFS, or ROOTFS
# when the caller set it.
_bt_cmdline()
{
	local opts=() named=0
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in --name | --name=*) named=1 ;; esac
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	# BOX_TEST_USERNS (a suite run a second time under --userns): every container but the
	# privileged controls and those that choose their own mode.
	if [ -n "${BOX_TEST_USERNS:-}" ] && [[ " ${opts[*]} " != *" --privileged "* ]] &&
		[[ " ${opts[*]} " != *" --userns"* ]]; then
		opts+=(--userns "$BOX_TEST_USERNS")
	fi
	_bt_serial=$((_bt_serial + 1))
	[ $named = 1 ] || opts=(--name "$BT_PREFIX-$_bt_serial" "${opts[@]}")
	BT_CMD=("$LAUNCH" --cgroup-parent "$BOX_TEST_CGROUP_PARENT" "${opts[@]}"
		"${ROOTFS:-$BOX_ROOTFS}" -- "$@")
}

# Foreground run with a safety timeout (TERM then KILL): sets BOX_RC.
box_run()
{
	_bt_cmdline "$@"
	timeout -k 10 "${BT_TIMEOUT:-60}" "${BT_CMD[@]}" <"${STDIN:-/dev/null}" \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
}

# launch exactly as given (for bad command lines), output captured, BOX_RC set.
launch_raw()
{
	timeout -k 10 60 "$LAUNCH" "$@" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
}

# Background run: sets BOX_PID (launch) and BOX_INIT_PID (the container's PID 1 as the host
# sees it), and waits until the output has a line matching READY (when set).
box_start()
{
	_bt_cmdline "$@"
	"${BT_CMD[@]}" <"${STDIN:-/dev/null}" >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
	BOX_PID=$!
	track_pid "$BOX_PID"
	# A short-lived container may be gone before it is seen.
	if ! wait_until 10 _bt_init_started_or_done; then
		fail "the container's PID 1 did not start: $(head -c 500 "$TEST_TMP/err")"
		return 1
	fi
	BOX_INIT_PID=$(_bt_init_pid)
	if [ -n "${READY:-}" ] && ! wait_until 10 file_has "$TEST_TMP/out" "$READY"; then
		fail "the command did not print '$READY': $(head -c 500 "$TEST_TMP/err")"
		return 1
	fi
	return 0
}

_bt_init_pid()
{
	local c
	for c in $(children_of "$BOX_PID"); do
		[ "$(cat "/proc/$c/comm" 2>/dev/null)" = boxinit ] && { echo "$c"; return 0; }
	done
	return 1
}

_bt_init_started_or_done()
{
	_bt_init_pid >/dev/null || proc_dead "$BOX_PID"
}

# box_wait TIMEOUT: waits for the background launch to end; BOX_RC is its status, or empty
# (and the test fails) when it is still running after TIMEOUT seconds.
box_wait()
{
	BOX_RC=
	if ! wait_until "$1" proc_dead "$BOX_PID"; then
		fail "launch (pid $BOX_PID) still running after $1 s"
		return 1
	fi
	wait "$BOX_PID"
	BOX_RC=$?
	return 0
}

# box_detach [LAUNCH OPTIONS...] -- CMD [ARG...]: `launch -d`, output in $TEST_TMP/out and
# err, BOX_RC set; BOX_NAME is the container's name, removed (rm -f) when the test ends,
# however it ends.
box_detach()
{
	local i
	_bt_cmdline "$@"
	for ((i = 0; i < ${#BT_CMD[@]}; i++)); do
		[ "${BT_CMD[i]}" = --name ] && BOX_NAME=${BT_CMD[i + 1]} && break
		case ${BT_CMD[i]} in --name=*) BOX_NAME=${BT_CMD[i]#--name=} && break ;; esac
	done
	on_teardown "$LAUNCH" rm -f "$BOX_NAME"
	timeout -k 10 60 "$LAUNCH" -d "${BT_CMD[@]:1}" <"${STDIN:-/dev/null}" \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
}

# box_cmd WORD [ARG...]: a launch subcommand (list, exec, stop...) with a safety timeout,
# output in $TEST_TMP/out and err, BOX_RC set.
box_cmd()
{
	timeout -k 10 "${BT_TIMEOUT:-60}" "$LAUNCH" "$@" <"${STDIN:-/dev/null}" \
		>"$TEST_TMP/out" 2>"$TEST_TMP/err"
	BOX_RC=$?
	return $BOX_RC
}

# Exit status 125 and exactly one line on stderr, from launch.
assert_launch_error()
{
	local msg=$1 lines
	assertEquals "$msg: exit status (stderr: $(cat "$TEST_TMP/err"))" 125 "$BOX_RC"
	lines=$(wc -l <"$TEST_TMP/err")
	assertEquals "$msg: one line on stderr, got: $(cat "$TEST_TMP/err")" 1 "$lines"
	assertTrue "$msg: the error names launch: $(cat "$TEST_TMP/err")" \
		"grep -q '^launch: ' '$TEST_TMP/err'"
}

# --- what a test may leave behind -------------------------------------------------------------

_bt_root_ids()
{
	local d
	for d in "$BOX_ROOTFS" "$BOX_DEBIAN_ROOTFS"; do
		[ -n "$d" ] && [ -d "$d" ] && stat -c '%d:%i' "$d"
	done
}

# Processes started during this test whose root directory is a test rootfs.
_bt_rootfs_procs()
{
	local ids p r
	ids=" $(_bt_root_ids | tr '\n' ' ') "
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		case $_bt_pids_before in *" $p "*) continue ;; esac
		r=$(stat -Lc '%d:%i' "/proc/$p/root" 2>/dev/null) || continue
		case $ids in *" $r "*) proc_alive "$p" && echo "$p" ;; esac
	done
}

_bt_no_rootfs_procs()
{
	[ -z "$(_bt_rootfs_procs)" ]
}

_bt_describe()
{
	local p
	for p; do
		printf '%s(%s) ' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
	done
}

_bt_kill()
{
	local p
	for p; do kill -KILL "$p" 2>/dev/null; done
}

# The records (/run/box/containers/NAME), logs and layers (/var/lib/box/NAME) of this suite's
# containers.
_bt_records()
{
	local d
	for d in /run/box/containers/"$BT_PREFIX"-* /var/log/box/"$BT_PREFIX"-* \
		/var/lib/box/"$BT_PREFIX"-*; do
		[ -e "$d" ] && echo "$d"
	done
}

_bt_no_records()
{
	[ -z "$(_bt_records)" ]
}

# The lines of the text $2 that are not in $1 (both sorted). Files, not <(...): a guest
# without /dev/fd cannot do process substitution, and the check must not pass by failing.
_bt_added()
{
	printf '%s\n' "$1" >"$TEST_TMP/.bt-before" &&
		printf '%s\n' "$2" >"$TEST_TMP/.bt-now" &&
		comm -13 "$TEST_TMP/.bt-before" "$TEST_TMP/.bt-now" | sed '/^$/d'
}

_bt_new_cgroups()
{
	_bt_added "$_bt_cgroups_before" "$(_box_test_cgroups)"
}

_bt_no_new_cgroups()
{
	local added
	added=$(_bt_new_cgroups) && [ -z "$added" ]
}

# Only cgroups named for this suite: another suite may be running on this machine.
_bt_remove_own_cgroups()
{
	local d p
	for d in $(_box_test_cgroups | grep "/$BT_PREFIX-" | sort -r); do
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		wait_until 5 rmdir "$d" 2>/dev/null
	done
}

# A TCP port nothing listens on, in a range the kernel does not hand out on its own.
free_port()
{
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
}

# --- inside the container -----------------------------------------------------------------------

# The host pids of the live processes of the container with this command name.
container_pids_named()
{
	local p
	for p in $(descendants "$BOX_INIT_PID" | awk '$2 != "Z" { print $1 }'); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ] && echo "$p"
	done
}

# Empty when rootfs/debian with nginx is ready (built now if it can be); otherwise the
# reason it cannot be had. For the suites that need Debian and nginx.
debian_rootfs_problem()
{
	local mirror
	[ -f "$BOX_DEBIAN_ROOTFS/.box-rootfs" ] &&
		grep -qx 'suite=bookworm include=nginx' "$BOX_DEBIAN_ROOTFS/.box-rootfs" && return 0
	if ! mirror=$("$BOX_ROOT/tools/mirror.sh" archive 2>&1); then
		echo "$mirror: cannot build rootfs/debian"
		return 0
	fi
	if ! curl -sf -o /dev/null --max-time 20 "$mirror/dists/bookworm/Release"; then
		echo "the Debian archive ($mirror) is unreachable: cannot build rootfs/debian"
		return 0
	fi
	make -C "$BOX_ROOT" rootfs >&2 || echo "BUILD FAILED"
}

# In a test: 0 when rootfs/debian is ready; otherwise the test fails (the build failed with
# the archive reachable) or is skipped (no archive), and 1.
require_debian_rootfs()
{
	local problem
	problem=$(debian_rootfs_problem)
	if [ "$problem" = "BUILD FAILED" ]; then
		fail "make rootfs failed with the archive reachable"
		return 1
	elif [ -n "$problem" ]; then
		skip_test "$problem"
		return 1
	fi
	return 0
}

# --- user namespaces -------------------------------------------------------------------------
# A suite that runs containers under --userns: their rootfs must be searchable by other users
# (the container's root is one), which $BOX_BUILD/rootfs (0700) is not. userns_rootfs DIR
# prints a copy of DIR under $BOX_BUILD/rootfs-userns (0755), refreshed when DIR is newer.
# The first --userns auto adds a "box" entry to /etc/subuid and /etc/subgid: a suite that
# found none removes it again (userns_subids_save, then userns_subids_restore at its end).
userns_rootfs()
{
	local top=$BOX_BUILD/rootfs-userns dst
	dst=$top/$(basename "$1")
	mkdir -p "$top" && chmod 0755 "$top" || return 1
	if [ ! -e "$dst/.box-rootfs-done" ] || [ "$1/.box-rootfs-done" -nt "$dst/.box-rootfs-done" ] ||
		[ "$1/bin/probe" -nt "$dst/.box-rootfs-done" ]; then
		rm -rf --one-file-system "$dst" && mkdir -p "$dst" && cp -a "$1/." "$dst/" &&
			touch "$dst/.box-rootfs-done" || return 1
	fi
	echo "$dst"
}

# Empty when ROOTFS can be idmapped here; otherwise launch's reason (a filesystem without
# idmapped mounts: the VM's overlay root, say).
userns_unsupported()
{
	local err
	err=$("$LAUNCH" --cgroup-parent "$BOX_TEST_CGROUP_PARENT" --name "$BT_PREFIX-idmap" \
		--userns auto "$1" -- true 2>&1 >/dev/null) && return 0
	case $err in *"cannot be idmapped"*) grep -v warning <<<"$err" ;; esac
	return 0
}

userns_subids_save()
{
	_bt_subids_had_box=1
	grep -qs '^box:' /etc/subuid && grep -qs '^box:' /etc/subgid || _bt_subids_had_box=0
}

userns_subids_restore()
{
	local f
	[ "${_bt_subids_had_box:-1}" = 0 ] || return 0
	for f in /etc/subuid /etc/subgid; do
		[ -f "$f" ] && sed -i '/^box:/d' "$f"
	done
	return 0
}

# A checksum of everything about the tree $1 but access times (names, types, modes, owners,
# sizes, modification times, link targets, contents): a change anywhere changes it.
tree_sum()
{
	(cd "$1" && find . -printf '%p %y %m %U %G %s %T@ %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum
}

# --- the container's record ------------------------------------------------------------------

BOX_RECORDS=/run/box/containers

# record_get NAME KEY...: a field of the container's record (state.json), by its path of
# keys ("net address"); empty when there is none.
record_get()
{
	python3 -c 'import json, sys
try:
    v = json.load(open(sys.argv[1]))
    for k in sys.argv[2:]:
        v = v[int(k)] if isinstance(v, list) else v[k]
    print("" if v is None else v if not isinstance(v, (dict, list, bool)) else json.dumps(v))
except (OSError, KeyError, IndexError, ValueError):
    pass' "$BOX_RECORDS/$1/state.json" "${@:2}"
}

# --- on a terminal ----------------------------------------------------------------------------

PTYDRIVE=$BOX_ROOT/tests/ptydrive.py

# pty_run [LAUNCH OPTIONS...] -- CMD [ARG...]: launch on a new terminal as a person at a
# keyboard would run it (tests/ptydrive.py: launch leads the terminal's session), following
# the steps in the array PTY_STEPS (and ptydrive options in PTY_OPTS). The transcript is in
# $TEST_TMP/pty.log, ptydrive's verdict (status=, modes_same=, nonblock=, raw=) in
# $TEST_TMP/pty.out; PTY_RC is ptydrive's own status (0 unless an expect timed out).
pty_run()
{
	_bt_cmdline "$@"
	pty_raw "${BT_CMD[@]}"
}

# pty_raw CMD [ARG...]: the same for any command (a shell that then runs launch, say).
pty_raw()
{
	timeout -k 10 120 python3 "$PTYDRIVE" --log "$TEST_TMP/pty.log" "${PTY_OPTS[@]}" \
		"${PTY_STEPS[@]}" -- "$@" >"$TEST_TMP/pty.out" 2>"$TEST_TMP/pty.err" </dev/null
	PTY_RC=$?
}

# The transcript without carriage returns, for messages.
pty_log()
{
	tr -d '\r' <"$TEST_TMP/pty.log" 2>/dev/null | tail -c 1500
}
