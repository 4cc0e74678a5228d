# SPDX-License-Identifier: MIT
# common.sh: helpers shared by the boxinit suites (sourced after tests/lib.sh). Two ways to run
# boxinit: "pid1" as PID 1 of a fresh pid namespace (unshare --kill-child: the whole namespace
# dies with the unshare process), and "sub" straight from the test shell, where boxinit is not
# PID 1 and must be a subreaper. Output goes to $TEST_TMP/out and $TEST_TMP/err.

# The suites fail (not skip) without their binaries: a missing binary is a broken build.
box_setup()
{
	[ -x "$BOXINIT" ] || fail "missing $BOXINIT (make build/boxinit)"
	[ -x "$PROBE" ] || fail "missing $PROBE (make build/probe)"
	ulimit -c 0
}

# Killing a subreaper boxinit would orphan its command: its descendants are killed too.
track_boxinit_tree()
{
	local p
	for p in ${JOB_PID:-} ${BOXINIT_PID:-}; do
		descendants "$p"
	done | while read -r p _; do
		echo "$p"
	done >"$TEST_TMP/.tree"
	while read -r p; do
		track_pid "$p"
	done <"$TEST_TMP/.tree"
}

box_teardown()
{
	track_boxinit_tree
	BOXINIT_PID=
	JOB_PID=
}

_is_boxinit()
{
	[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$(readlink -f "$BOXINIT")" ]
}

_boxinit_child_started()
{
	local c
	for c in $(children_of "$JOB_PID"); do
		_is_boxinit "$c" && return 0
	done
	return 1
}

_boxinit_started_or_done()
{
	_boxinit_child_started || proc_dead "$JOB_PID"
}

# boxinit_start MODE [BOXINIT ARGS...]: sets JOB_PID (the background job: unshare or boxinit)
# and BOXINIT_PID (boxinit's pid as the host sees it). stdin is /dev/null unless STDIN is set.
boxinit_start()
{
	local mode=$1 c
	shift
	track_boxinit_tree
	case $mode in
	pid1)
		unshare --pid --fork --kill-child --mount-proc "$BOXINIT" "$@" \
			<"${STDIN:-/dev/null}" >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
		JOB_PID=$!
		track_pid "$JOB_PID"
		# A short command may have come and gone before we look: then only the job is known.
		BOXINIT_PID=
		wait_until 10 _boxinit_started_or_done || {
			fail "boxinit did not start under unshare"
			return 1
		}
		for c in $(children_of "$JOB_PID"); do
			_is_boxinit "$c" && BOXINIT_PID=$c
		done
		[ -z "$BOXINIT_PID" ] || track_pid "$BOXINIT_PID"
		;;
	sub)
		"$BOXINIT" "$@" <"${STDIN:-/dev/null}" >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
		JOB_PID=$!
		BOXINIT_PID=$JOB_PID
		track_pid "$JOB_PID"
		;;
	*)
		fail "boxinit_start: unknown mode '$mode'"
		return 1
		;;
	esac
}

# boxinit_wait TIMEOUT: waits for the job to end and sets EXIT_CODE; 1 when it is still running.
# The timeout is only a bound for a hung boxinit, never a measurement.
boxinit_wait()
{
	EXIT_CODE=
	if ! wait_until "$1" proc_dead "$JOB_PID"; then
		fail "boxinit (pid $BOXINIT_PID) still running after $1 s"
		return 1
	fi
	wait "$JOB_PID"
	EXIT_CODE=$?
}

# boxinit_run MODE [ARGS...]: runs to the end (bounded by 30 s), sets EXIT_CODE.
boxinit_run()
{
	boxinit_start "$@" && boxinit_wait 30
}

# Waits for "ready=1" from a probe writing to $TEST_TMP/out.
probe_ready()
{
	wait_until 10 file_has "$TEST_TMP/out" '^ready=1$' || {
		fail "the probe never said ready; stderr: $(cat "$TEST_TMP/err")"
		return 1
	}
}

# Live processes under boxinit (its descendants, zombies excluded).
live_descendants()
{
	descendants "$BOXINIT_PID" | awk '$2 != "Z" { print $1 }'
}

count_live_descendants_is()
{
	[ "$(live_descendants | wc -l)" -eq "$1" ]
}

stderr_lines()
{
	grep -c '' "$TEST_TMP/err"
}

# CROOT: a private copy of the busybox rootfs with boxinit in /sbin, for the suites that run
# boxinit as a container's PID 1 (the shared copy is left as it is); empty when it cannot be
# made. For box_suite_setup and box_suite_teardown.
private_rootfs_make()
{
	local src
	CROOT=
	[ -x "$BOXINIT" ] && src=$(busybox_rootfs) || return 0
	CROOT=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.rootfs.XXXXXX")
	cp -a "$src/." "$CROOT/" && cp "$BOXINIT" "$CROOT/sbin/boxinit"
}

private_rootfs_remove()
{
	[ -z "${CROOT:-}" ] || rm -rf --one-file-system "$CROOT"
}
