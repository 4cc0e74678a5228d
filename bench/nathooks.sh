#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Part of make bench-scale: what N containers' kernel forwarding costs the host's other
# traffic. A container that publishes a port on an address other than loopback has a table of
# its own (ip box-NAME). A chain hooked for every packet, in each of N tables, is a cost every
# packet the host sends pays N times; a nat chain runs for a connection's first packet only.
#
# In a network namespace of its own (nothing of the host is touched), it starts one real
# container with such a port and copies its table (launch's rules, as launch wrote them) N
# times, each under another name, address and port; then it measures the host's own traffic,
# wrk against probe http on 127.0.0.1 (keep-alive, and a connection per request), with 0, 1, 50
# and 500 such tables: launch's tables as they are, and the same with the guard chain hooked
# as a filter (every packet), as it was before 2026-12-05. Each rate is given as a share of
# the rate with no table in the same round, the median of the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BUILD=${BOX_BUILD:-$PWD/build}
OUT=$BUILD/bench/nathooks
SIZES=${BENCH_NAT_SIZES:-1 50 500}
ROUNDS=${BENCH_NAT_ROUNDS:-3}
WRK_S=${BENCH_NAT_WRK_S:-3}
CG_PARENT=/box-bench-nat

if [ -z "${BENCH_NAT_INNER:-}" ]; then
	for t in nft wrk unshare; do
		command -v "$t" >/dev/null || { echo "bench/nathooks.sh: not measured ($t is missing)"; exit 0; }
	done
	mkdir -p "$OUT"
	BENCH_NAT_INNER=1 exec unshare -n "${RUN_TMPFS[@]}" bash "$0" "$@"
fi

# From here on: a private network namespace and mount namespace (a tmpfs /run for launch's
# record). Everything started here is killed on the way out; the namespace goes with us.
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	nft flush ruleset 2>/dev/null || true
	remove_cgroup_parents "$CG_PARENT"
}
trap cleanup EXIT
ip link set lo up
ip addr add 192.0.2.10/32 dev lo

ROOTFS=$(busybox_rootfs_path)
name=bbn$$
"$BUILD/launch" --cgroup-parent "$CG_PARENT" --name "$name" --net veth \
	-p 192.0.2.10:9000:8080 "$ROOTFS" -- sleep 600 </dev/null >"$OUT/launch.log" 2>&1 &
lpid=$!
pids+=("$lpid")
table=
for _ in $(seq 100); do
	table=$(nft list table ip "box-$name" 2>/dev/null) && [ -n "$table" ] && break
	sleep 0.05
done
[ -n "$table" ] || { cat "$OUT/launch.log" >&2; echo "bench/nathooks.sh: no table from launch" >&2; exit 1; }
kill -TERM "$lpid"
wait "$lpid" 2>/dev/null || true
pids=() # reaped: its pid may be another's now
echo "$table" >"$OUT/table.nft"
addr=$(sed -n 's/.*dnat to \([0-9.]*\):8080.*/\1/p' "$OUT/table.nft" | head -1)
[ -n "$addr" ] || { echo "bench/nathooks.sh: no dnat rule in launch's table" >&2; exit 1; }

# tables KIND N: N copies of launch's table; KIND filter hooks the guard for every packet.
tables() {
	local kind=$1 n=$2 i guard=
	nft flush ruleset
	[ "$n" -gt 0 ] || return 0
	[ "$kind" = filter ] &&
		guard='s/type nat hook postrouting priority [^;]*;/type filter hook postrouting priority filter;/'
	for i in $(seq "$n"); do
		sed -e "s/box-$name/box-c$i/; s/bx-$name/bx-c$i/g" \
			-e "s/$addr/10.8.$((i / 250)).$((i % 250 + 2))/g" \
			-e "s/dport 9000/dport $((20000 + i))/; s/proto-dst 9000/proto-dst $((20000 + i))/" \
			-e "$guard" "$OUT/table.nft"
	done | nft -f -
}

"$BUILD/probe" http 8080 >/dev/null 2>&1 &
pids+=($!)
sleep 0.2
rate() { wrk -t2 -c8 -d"${WRK_S}s" "$@" http://127.0.0.1:8080/ | awk '/^Requests\/sec:/ { print $2 }'; }
declare -A share base
for round in $(seq "$ROUNDS"); do
	for load in keep-alive close; do
		args=()
		[ "$load" = close ] && args=(-H "Connection: close")
		tables nat 0
		base[$round.$load]=$(rate "${args[@]}")
		for n in $SIZES; do
			for kind in nat filter; do
				tables "$kind" "$n"
				r=$(rate "${args[@]}")
				share[$round.$load.$kind.$n]=$(awk -v r="$r" -v b="${base[$round.$load]}" 'BEGIN { printf "%.1f", 100 * r / b }')
			done
		done
	done
done
nft flush ruleset

echo
echo "### The host's own traffic beside N containers' tables (wrk -t2 -c8 -d${WRK_S}s on 127.0.0.1, $ROUNDS rounds)"
echo
echo "Each table is a copy of launch's own (one port on 192.0.2.10). % of the rate with no table, median of the rounds."
echo
echo "| tables | guard | keep-alive | a connection per request |"
echo "|---|---|---|---|"
declare -A none
for load in keep-alive close; do
	none[$load]=$(for round in $(seq "$ROUNDS"); do echo "${base[$round.$load]}"; done | median)
done
echo "| 0 | - | 100 (${none[keep-alive]} req/s) | 100 (${none[close]} req/s) |"
for n in $SIZES; do
	for kind in nat filter; do
		line="| $n | $([ "$kind" = nat ] && echo "nat, once a connection (launch's)" || echo "filter, every packet (before)")"
		for load in keep-alive close; do
			line+=" | $(for round in $(seq "$ROUNDS"); do echo "${share[$round.$load.$kind.$n]}"; done | median)"
		done
		echo "$line |"
	done
done
