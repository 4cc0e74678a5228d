#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench, part "services": SIGTERM-to-exit time of boxinit supervising services against
# supervisord (Debian's package) running the same services: 10 that exit on SIGTERM at once,
# and 1 that needs 1 s to stop. Both run as plain processes of this script (boxinit as a
# subreaper). Figures are reported (median of RUNS), never asserted. Everything it starts is
# killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BOX_BUILD:-$PWD/build}
OUT=$BUILD/bench/services
RUNS=${BENCH_SERVICE_RUNS:-7}
BOXINIT=$BUILD/boxinit
mkdir -p "$OUT"

sup=
cleanup() {
	[ -z "$sup" ] || kill -KILL "$sup" 2>/dev/null || true
	[ -z "$sup" ] || wait "$sup" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v supervisord >/dev/null || { echo "bench: missing supervisord: run 'make deps'" >&2; exit 1; }
[ -x "$BOXINIT" ] || { echo "bench: missing $BOXINIT" >&2; exit 1; }

# The service that needs 1 s to stop; the quick one is "sleep 1000".
cat >"$OUT/slow.sh" <<'SCRIPT'
#!/bin/sh
trap 'sleep 1; exit 0' TERM
while :; do sleep 1 & wait $!; done
SCRIPT
chmod +x "$OUT/slow.sh"

# configs NAME N CMD: boxinit and supervisord files for N copies of CMD.
configs() {
	local name=$1 n=$2 cmd=$3 i
	printf '[supervisord]\nnodaemon=true\nlogfile=%s/%s.sd.log\npidfile=%s/%s.sd.pid\n' \
		"$OUT" "$name" "$OUT" "$name" >"$OUT/$name.sd.conf"
	: >"$OUT/$name.box.conf"
	for i in $(seq "$n"); do
		printf '[program:s%d]\ncommand=%s\nstartsecs=0\nstopwaitsecs=10\n' "$i" "$cmd" \
			>>"$OUT/$name.sd.conf"
		printf '[s%d]\ncommand = %s\n' "$i" "$cmd" >>"$OUT/$name.box.conf"
	done
}

# Direct children of pid, recursively counted down to the services' own processes.
children() { cat "/proc/$1/task/$1/children" 2>/dev/null | wc -w; }

# measure N CMD...: starts CMD, waits until it has N children, then times SIGTERM -> exit (ms).
measure() {
	local n=$1 t0 t1 i
	shift
	"$@" >/dev/null 2>&1 &
	sup=$!
	for i in $(seq 500); do
		[ "$(children "$sup")" -ge "$n" ] && break
		sleep 0.01
	done
	[ "$(children "$sup")" -ge "$n" ] || { echo "bench: $1 did not start $n services" >&2; exit 1; }
	sleep 0.3
	t0=$EPOCHREALTIME
	kill -TERM "$sup"
	wait "$sup" || true
	t1=$EPOCHREALTIME
	sup=
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

run_case() {
	local name=$1 n=$2 who=$3 r
	for r in $(seq "$RUNS"); do
		if [ "$who" = boxinit ]; then
			measure "$n" "$BOXINIT" -c "$OUT/$name.box.conf"
		else
			measure "$n" supervisord -c "$OUT/$name.sd.conf"
		fi
	done | median
}

configs quick 10 "sleep 1000"
configs slow 1 "$OUT/slow.sh"
echo "bench: services, $RUNS runs per case" >&2
declare -A t
for who in boxinit supervisord; do
	t[$who.quick]=$(run_case quick 10 "$who")
	t[$who.slow]=$(run_case slow 1 "$who")
done

echo
echo "### Services: SIGTERM to exit (median of $RUNS runs, ms)"
echo
echo "| supervisor | 10 services that exit on SIGTERM | 1 service that needs 1 s to stop |"
echo "|---|---|---|"
echo "| boxinit ($(stat -c %s "$BOXINIT") bytes, static) | ${t[boxinit.quick]} | ${t[boxinit.slow]} |"
echo "| supervisord $(supervisord --version 2>/dev/null) | ${t[supervisord.quick]} | ${t[supervisord.slow]} |"
echo
yn() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? "yes" : "**no**" }'; }
echo "Goals: 10 quick services < 20 ms: $(yn "${t[boxinit.quick]}" 20); one 1 s service about 1 s" \
	"(< 1100 ms): $(yn "${t[boxinit.slow]}" 1100)."
