#!/bin/bash
# SPDX-License-Identifier: MIT
# make bench-breakdown: where the start of launch, box run and the floor goes, part by part.
# Each command runs N times (BENCH_BREAKDOWN_RUNS, default 20) under an ftrace instance of
# our own (every syscall event and the process events, following the loop's children);
# bench/breakdown.py turns the traces into one table per command. A tracepoint costs well
# under a microsecond, so the parts keep their proportions (perf trace adds ~10 µs a call).
# Root; nothing is left: the instance, the bundle, the cgroups go on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BUILD=${BOX_BUILD:-$PWD/build}
OUT=$BUILD/bench
RUNS=${BENCH_BREAKDOWN_RUNS:-20}
CG_PARENT=/box-breakdown
ID=box-breakdown-$$
BOX_ROOT=/run/box-breakdown-$$
TRACEFS=/sys/kernel/tracing
INST=$TRACEFS/instances/box-breakdown-$$
mkdir -p "$OUT"

cleanup() {
	if [ -d "$INST" ]; then
		echo 0 >"$INST/tracing_on" || true
		rmdir "$INST" || true
	fi
	"$BUILD/box" --root "$BOX_ROOT" delete -f "$ID" >/dev/null 2>&1 || true
	rm -rf "$OUT/breakdown-bundle" "$BOX_ROOT" "$OUT/breakdown-go"
	remove_cgroup_parents "$CG_PARENT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -d "$TRACEFS/instances" ] || mount -t tracefs tracefs "$TRACEFS" 2>/dev/null || {
	echo "bench-breakdown: no tracefs at $TRACEFS" >&2
	exit 1
}
for c in python3 musl-gcc; do
	command -v "$c" >/dev/null || { echo "bench-breakdown: missing $c: run 'make deps'" >&2; exit 1; }
done
ROOTFS=$OUT/rootfs
rootfs/busybox.sh "$ROOTFS" >&2
build_floor "$OUT"
musl-gcc -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -s -o "$OUT/touch" bench/touch.c
bench_bundle "$OUT/breakdown-bundle" "$ROOTFS" "$CG_PARENT/box-$$"

mkdir "$INST"
echo 0 >"$INST/tracing_on"
echo 32768 >"$INST/buffer_size_kb"
echo 1 >"$INST/options/event-fork"
echo 1 >"$INST/events/syscalls/enable"
for e in sched_process_fork sched_process_exec sched_process_exit; do
	echo 1 >"$INST/events/sched/$e/enable"
done
# Page faults: on a shadow-paged VM each first touch of a page costs microseconds.
fault_event=$INST/events/exceptions/page_fault_user/enable
[ -f "$fault_event" ] && echo 1 >"$fault_event"

# trace NAME RUN CMD...: RUNS runs of CMD by one shell that waits on a fifo until the
# instance follows it, so the trace holds that shell and what it starts, nothing else. RUN
# "tmpfs": in a mount namespace whose /run is a tmpfs, as make bench's start table (this
# machine's /run may be on a disk; see bench/run.sh); "host": on the host's /run.
trace() {
	local name=$1 run=$2 pid
	shift 2
	local wrap=()
	[ "$run" = tmpfs ] && wrap=("${RUN_TMPFS[@]}")
	"$@" >/dev/null 2>&1 || { echo "bench-breakdown: '$*' failed" >&2; exit 1; }
	rm -f "$OUT/breakdown-go"
	mkfifo "$OUT/breakdown-go"
	"${wrap[@]}" bash -c 'read -r _ <"$1"; n=$2; shift 2
		for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1 || exit 1; done' \
		loop "$OUT/breakdown-go" "$RUNS" "$@" &
	pid=$!
	echo "$pid" >"$INST/set_event_pid"
	echo >"$INST/trace"
	echo 1 >"$INST/tracing_on"
	echo go >"$OUT/breakdown-go"
	wait "$pid" || { echo "bench-breakdown: a traced run of $name failed" >&2; exit 1; }
	echo 0 >"$INST/tracing_on"
	if grep -q 'LOST' "$INST/trace"; then
		echo "bench-breakdown: events lost for $name: fewer runs (BENCH_BREAKDOWN_RUNS)" >&2
		exit 1
	fi
	cat "$INST/trace" >"$OUT/breakdown-$name.trace"
}

trace floor tmpfs "$OUT/floor" "$ROOTFS" /bin/true
trace launch tmpfs "$BUILD/launch" --cgroup-parent "$CG_PARENT" "$ROOTFS" -- /bin/true
trace box-run tmpfs "$BUILD/box" --root "$BOX_ROOT" run --bundle "$OUT/breakdown-bundle" "$ID"
trace launch-host-run host "$BUILD/launch" --cgroup-parent "$CG_PARENT" "$ROOTFS" -- /bin/true
echo "### Where a start goes ($RUNS traced runs each; traced, so longer than untraced;" \
	"/run a tmpfs but for launch-host-run: the host's, $(findmnt -no FSTYPE -T /run))"
echo
echo '```'
python3 bench/breakdown.py "$OUT"/breakdown-{floor,launch,box-run,launch-host-run}.trace
"$OUT/touch"
echo '```'
