#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench: boxinit against tini, dumb-init and catatonit, and launch and box run against
# the floor (bench/floor.c), unshare+chroot, bwrap and runc; prints one markdown table per
# part. Figures are reported, never asserted. Everything it starts, every cgroup (under
# /box-bench only) and the bundles are removed on exit, even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BUILD=${BOX_BUILD:-$PWD/build}
OUT=$BUILD/bench
ORPHANS=${BENCH_ORPHANS:-5000}
ROUNDS=${BENCH_ROUNDS:-5}
IDLE_S=${BENCH_IDLE_S:-10}
CG_PARENT=/box-bench
FLOOR_CG_PARENT=/box-bench-floor
RUNC_ID=box-bench-$$
NFT_TABLE=box_bench_$$
# box run's state, beside runc's /run/runc (the start table puts a tmpfs on /run).
BOX_BENCH_ROOT=/run/box-bench-$$
mkdir -p "$OUT"

pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if command -v runc >/dev/null; then
		runc delete -f "$RUNC_ID" >/dev/null 2>&1 || true
	fi
	if [ -x "$BUILD/box" ] && [ -d "$BOX_BENCH_ROOT" ]; then
		"$BUILD/box" --root "$BOX_BENCH_ROOT" delete -f "$RUNC_ID" >/dev/null 2>&1 || true
	fi
	if command -v nft >/dev/null && nft list table ip "$NFT_TABLE" >/dev/null 2>&1; then
		nft delete table ip "$NFT_TABLE" || true
	fi
	rm -rf "$OUT/runc" "$OUT/box" "$OUT/box-root" "$BOX_BENCH_ROOT"
	rm -f "$OUT/rootfs/.bench-boxinit"
	remove_cgroup_parents "$CG_PARENT" "$FLOOR_CG_PARENT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() {
	local missing=() c
	for c in "$@"; do command -v "$c" >/dev/null || missing+=("$c"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "bench: missing ${missing[*]}: run 'make deps'" >&2
	exit 1
}
need hyperfine tini tini-static dumb-init catatonit python3 unshare file strip

# --- helpers ---------------------------------------------------------------------

# hyperfine's JSON -> "name mean_ms stddev_ms median_ms" lines, in command order.
hf_means() {
	python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"].split()[0], *("%.3f" % (r[k]*1e3) for k in ("mean", "stddev", "median")))' "$1"
}

# The PID 1 that "unshare --pid --fork" started, once it exists.
ns_init_pid() {
	local i c
	for i in $(seq 100); do
		c=$(cat "/proc/$1/task/$1/children" 2>/dev/null || true)
		[ -n "$c" ] && { echo "${c%% *}"; return 0; }
		sleep 0.02
	done
	return 1
}

# Voluntary + involuntary context switches, summed over all threads.
ctxt_switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'
}

vm_rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
yn() { if [ "$1" = 1 ]; then echo "yes"; else echo "**no**"; fi; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }

# --- part 1: inits -----------------------------------------------------------------

inits=(boxinit tini tini-static dumb-init catatonit)
declare -A bin
bin[boxinit]=$BUILD/boxinit
bin[tini]=$(command -v tini)
bin[tini-static]=$(command -v tini-static)
bin[dumb-init]=$(command -v dumb-init)
bin[catatonit]=$(command -v catatonit)
[ -x "${bin[boxinit]}" ] || { echo "bench: ${bin[boxinit]} missing: make build/boxinit" >&2; exit 1; }

cc -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$OUT/orphans" bench/orphans.c
cc -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$OUT/reapfloor" bench/reapfloor.c

# Start cost. Outside a PID namespace tini needs -s to subreap (and not warn).
echo "bench: start cost (hyperfine)" >&2
start_cmds=("/bin/true")
for i in "${inits[@]}"; do
	extra=""
	[ "${i%-static}" = tini ] && extra="-s "
	start_cmds+=("${bin[$i]} ${extra}-- /bin/true")
done
hyperfine -N --style none --warmup 50 --runs 1000 --export-json "$OUT/start.json" \
	"${start_cmds[@]}" >"$OUT/start.log" 2>&1 ||
	{ cat "$OUT/start.log" >&2; exit 1; }
declare -A start_ms start_sd start_med
while read -r name mean sd med; do
	key=$(basename "$name")
	start_ms[$key]=$mean
	start_sd[$key]=$sd
	start_med[$key]=$med
done < <(hf_means "$OUT/start.json")

# Size (stripped copy) and linkage.
declare -A size_b linkage
for i in "${inits[@]}"; do
	cp "${bin[$i]}" "$OUT/$i.stripped"
	strip --strip-all "$OUT/$i.stripped"
	size_b[$i]=$(stat -c %s "$OUT/$i.stripped")
	rm -f "$OUT/$i.stripped"
	if file -L "${bin[$i]}" | grep -q 'statically linked\|static-pie'; then
		linkage[$i]=static
	else
		linkage[$i]=dynamic
	fi
done

# Idle RSS and wakeups: every init as PID 1 of its own PID namespace, all idle
# at once over the same window, with "sleep" as the command.
echo "bench: idle RSS and wakeups over ${IDLE_S}s" >&2
declare -A upid ipid rss_kb wake0 wakeups
for i in "${inits[@]}"; do
	# unshare complains on stderr when its child is SIGKILLed at the end.
	unshare --pid --fork "${bin[$i]}" -- sleep $((IDLE_S + 30)) 2>/dev/null &
	upid[$i]=$!
	pids+=("$!")
done
for i in "${inits[@]}"; do
	ipid[$i]=$(ns_init_pid "${upid[$i]}") || { echo "bench: $i did not start" >&2; exit 1; }
done
sleep 1
for i in "${inits[@]}"; do
	rss_kb[$i]=$(vm_rss_kb "${ipid[$i]}")
	wake0[$i]=$(ctxt_switches "${ipid[$i]}")
done
sleep "$IDLE_S"
for i in "${inits[@]}"; do
	wakeups[$i]=$(($(ctxt_switches "${ipid[$i]}") - ${wake0[$i]}))
	kill -KILL "${ipid[$i]}" 2>/dev/null || true
	wait "${upid[$i]}" 2>/dev/null || true
done
pids=()

# CPU per reaped orphan, init as PID 1: ROUNDS rounds over all inits, so that a change
# in machine load hits every init alike; the median round counts. The two floors
# (bench/reapfloor.c: the least loop of tini's shape and of an event loop's) run in the
# same rounds.
floors=(sigtimedwait signalfd)
echo "bench: CPU per orphan ($ORPHANS orphans x $ROUNDS rounds)" >&2
declare -A orphan_ns orphan_us
for _ in $(seq "$ROUNDS"); do
	for i in "${inits[@]}" "${floors[@]/#/floor-}"; do
		if [ -n "${bin[$i]:-}" ]; then
			cmd=("${bin[$i]}" --)
		else
			cmd=("$OUT/reapfloor" "${i#floor-}")
		fi
		line=$(unshare --pid --fork --mount-proc "${cmd[@]}" "$OUT/orphans" "$ORPHANS") ||
			{ echo "bench: orphans under $i failed: $line" >&2; exit 1; }
		orphan_ns[$i]+="$(sed -n 's/.*init_ns=\([0-9]*\).*/\1/p' <<<"$line") "
	done
done
for i in "${inits[@]}" "${floors[@]/#/floor-}"; do
	# shellcheck disable=SC2086 # one value per word
	med=$(printf '%s\n' ${orphan_ns[$i]} | sort -n | sed -n "$(((ROUNDS + 1) / 2))p")
	orphan_us[$i]=$(awk -v ns="$med" -v n="$ORPHANS" 'BEGIN { printf "%.2f", ns / n / 1000 }')
done


echo
echo "### Inits (start: 1000 runs each; idle: ${IDLE_S} s; CPU: ${ORPHANS} orphans, median of ${ROUNDS} rounds)"
echo
echo "| init | start \`X -- /bin/true\`: mean ± σ (median) ms | added over /bin/true: mean (median) ms | stripped size (bytes) | linkage | idle RSS (kB) | idle wakeups / ${IDLE_S} s | CPU per orphan (µs) |"
echo "|---|---|---|---|---|---|---|---|"
echo "| /bin/true alone | ${start_ms[true]} ± ${start_sd[true]} (${start_med[true]}) | — | — | — | — | — | — |"
for i in "${inits[@]}"; do
	added=$(diff_ms "${start_ms[$i]}" "${start_ms[true]}")
	added_med=$(diff_ms "${start_med[$i]}" "${start_med[true]}")
	echo "| $i | ${start_ms[$i]} ± ${start_sd[$i]} (${start_med[$i]}) | $added ($added_med) | ${size_b[$i]} | ${linkage[$i]} | ${rss_kb[$i]} | ${wakeups[$i]} | ${orphan_us[$i]} |"
done
echo
echo "Goals for boxinit (start cost has no goal): stripped size ≤ 100 KB: $(yn "$(le "${size_b[boxinit]}" 102400)");" \
	"idle RSS ≤ 400 kB: $(yn "$(le "${rss_kb[boxinit]}" 400)");" \
	"0 idle wakeups: $(yn "$(le "${wakeups[boxinit]}" 0)");" \
	"CPU per orphan ≤ tini: $(yn "$(le "${orphan_us[boxinit]}" "${orphan_us[tini]}")")."
echo
echo "Floors of CPU per orphan (µs, same rounds), the least loop of each shape (bench/reapfloor.c):"
echo
echo "| shape | per orphan | floor (µs) | inits of this shape (µs) |"
echo "|---|---|---|---|"
echo "| sigtimedwait, as tini | \`sigtimedwait\`, 2 × \`waitpid\` | ${orphan_us[floor-sigtimedwait]} | tini ${orphan_us[tini]}, tini-static ${orphan_us[tini-static]} |"
echo "| signalfd on epoll, as an event loop | \`epoll_wait\`, \`read\`, 2 × \`waitpid\` | ${orphan_us[floor-signalfd]} | boxinit ${orphan_us[boxinit]} |"

# --- part 2: launch ----------------------------------------------------------------

echo
echo "### Container start: ROOTFS -- /bin/true (busybox rootfs, 100 runs each)"
echo
if [ ! -x "$BUILD/launch" ]; then
	echo "launch: not measured ($BUILD/launch is missing: make build/launch)"
	exit 0
fi
need bwrap runc chroot musl-gcc
ROOTFS=$OUT/rootfs
# Idempotent and quick: it also brings the probe (part 4) up to date.
rootfs/busybox.sh "$ROOTFS" >&2
# The floor (bench/floor.c): one static process, one clone into the six namespaces, chroot,
# exec, wait. What any container start on this kernel costs at least.
build_floor "$OUT"

# One bundle (runc's `spec` with /bin/true, a read-only root, a cgroup in our parent) for
# runc and box; "run" deletes the container when it exits, so one id serves every run.
for rt in runc box; do
	mkdir -p "$OUT/$rt-root"
	bench_bundle "$OUT/$rt" "$ROOTFS" "$CG_PARENT/$rt-$$"
done

echo "bench: container start (hyperfine)" >&2
# The job the issue gives boxinit (its /proc, /sys and /dev mounts, masking, the
# capability drop, then CMD as its child), done under bwrap: boxinit as bwrap's PID 1,
# in the same namespaces but the user one, which would forbid mounting /proc and /sys.
cp "$BUILD/boxinit" "$ROOTFS/.bench-boxinit"
# The ladder: the floor plus, one by one, the least each of launch's parts can cost (see
# bench/floor.c): pivot_root, the /proc, /sys and /dev mounts, a cgroup (a leaf in each
# hierarchy launch uses: one on cgroup v2, one per controller on v1), an init, launch's
# seccomp filter, and the init as a program of its own (exec'd, as boxinit is).
floor_cg=
while read -r h; do
	mkdir -p "$h$FLOOR_CG_PARENT"
	floor_cg+=${floor_cg:+,}$h$FLOOR_CG_PARENT/leaf
done < <(cgroup_hierarchies)
names=(floor unshare bwrap runc launch box bwrap+boxinit launch-unconfined launch-privileged
	floor-p floor-pm floor-pmc floor-pmci floor-pmcis floor-pmcisx)
cmds=("$OUT/floor $ROOTFS /bin/true"
	"unshare --uts --pid --net --mount --ipc --fork chroot $ROOTFS /bin/true"
	"bwrap --unshare-all --bind $ROOTFS / /bin/true"
	"runc run --bundle $OUT/runc $RUNC_ID"
	"$BUILD/launch --cgroup-parent $CG_PARENT $ROOTFS -- /bin/true"
	"$BUILD/box --root $BOX_BENCH_ROOT run --bundle $OUT/box $RUNC_ID"
	"bwrap --unshare-ipc --unshare-pid --unshare-net --unshare-uts --unshare-cgroup --cap-add ALL --as-pid-1 --bind $ROOTFS / /.bench-boxinit --container -- /bin/true"
	"$BUILD/launch --cgroup-parent $CG_PARENT --seccomp unconfined $ROOTFS -- /bin/true"
	"$BUILD/launch --cgroup-parent $CG_PARENT --privileged $ROOTFS -- /bin/true"
	"$OUT/floor -p $ROOTFS /bin/true"
	"$OUT/floor -p -m $ROOTFS /bin/true"
	"$OUT/floor -p -m -c $floor_cg $ROOTFS /bin/true"
	"$OUT/floor -p -m -c $floor_cg -i $ROOTFS /bin/true"
	"$OUT/floor -p -m -c $floor_cg -i -s $ROOTFS /bin/true"
	"$OUT/floor -p -m -c $floor_cg -i -s -x $ROOTFS /bin/true")
hf_args=()
for k in "${!cmds[@]}"; do
	# Every command must work once before it is timed.
	# shellcheck disable=SC2086
	${cmds[$k]} || { echo "bench: '${cmds[$k]}' failed (exit $?)" >&2; exit 1; }
	hf_args+=(-n "${names[$k]}" "${cmds[$k]}")
done
# Rounds: every command a few runs in turn, START_ROUNDS times over. The machine's speed
# swings from one minute to the next; a ratio is taken within each round, where the
# commands met the same machine, and the median round's ratio is reported.
START_ROUNDS=${BENCH_START_ROUNDS:-5}
# The table is about the runtimes, not about this machine's disk: it runs with /run on a
# tmpfs (run_tmpfs, bench/lib.sh), and one more row per round, outside it, gives launch with
# its record on the host's /run, whatever that is.
for r in $(seq "$START_ROUNDS"); do
	run_tmpfs hyperfine -N --style none --warmup 3 --runs $((100 / START_ROUNDS)) \
		--export-json "$OUT/launch-$r.json" "${hf_args[@]}" >"$OUT/launch.log" 2>&1 ||
		{ cat "$OUT/launch.log" >&2; exit 1; }
	hyperfine -N --style none --warmup 3 --runs $((100 / START_ROUNDS)) \
		--export-json "$OUT/launch-host-$r.json" -n floor "${cmds[0]}" -n launch-host-run \
		"${cmds[4]}" >"$OUT/launch.log" 2>&1 || { cat "$OUT/launch.log" >&2; exit 1; }
done
declare -A lms lsd lmed lx
# Per command: mean, stddev and median of every run of every round, and the median over
# the rounds of its median / the floor's median in that round.
while read -r key mean sd med x; do
	lms[$key]=$mean lsd[$key]=$sd lmed[$key]=$med lx[$key]=$x
done < <(python3 -c 'import json, statistics as st, sys
runs, ratios = {}, {}
for f in sys.argv[1:]:
    res = {r["command"]: r for r in json.load(open(f))["results"]}
    for k, r in res.items():
        runs.setdefault(k, []).extend(r["times"])
        ratios.setdefault(k, []).append(r["median"] / res["floor"]["median"])
for k, t in runs.items():
    print(k, "%.3f %.3f %.3f %.2f" % (st.mean(t) * 1e3, st.stdev(t) * 1e3, st.median(t) * 1e3,
                                      st.median(ratios[k])))' "$OUT"/launch-[0-9]*.json \
	"$OUT"/launch-host-[0-9]*.json)
rm -f "$OUT"/launch-[0-9]*.json "$OUT"/launch-host-[0-9]*.json

echo "| command | mean ± σ (median) ms | × the floor (median of $START_ROUNDS rounds) |"
echo "|---|---|---|"
times() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for k in "${names[@]}" launch-host-run; do
	label=$k
	[ "$k" = floor ] && label="floor (bench/floor.c: clone into 6 namespaces, chroot, exec, wait)"
	[ "$k" = unshare ] && label="unshare + chroot"
	[ "$k" = bwrap ] && label="bwrap --unshare-all"
	[ "$k" = runc ] && label="runc run"
	[ "$k" = launch ] && label="launch --cgroup-parent $CG_PARENT"
	[ "$k" = box ] && label="box run"
	[ "$k" = bwrap+boxinit ] && label="reference: bwrap running \`boxinit --container\` as PID 1"
	[ "$k" = launch-unconfined ] && label="launch --seccomp unconfined (no filter)"
	[ "$k" = launch-privileged ] && label="launch --privileged (no filter, masks, capability drop)"
	[ "$k" = floor-p ] && label="ladder: the floor + pivot_root (the old root detached)"
	[ "$k" = floor-pm ] && label="ladder: + /proc, /sys, /dev, /dev/pts, /dev/shm, /dev/mqueue"
	[ "$k" = floor-pmc ] && label="ladder: + a cgroup ($(tr -cd , <<<"$floor_cg" | wc -c | awk '{print $1 + 1}') hierarchies)"
	[ "$k" = floor-pmci ] && label="ladder: + an init (PID 1 forks the command and waits)"
	[ "$k" = floor-pmcis ] && label="ladder: + launch's seccomp filter"
	[ "$k" = floor-pmcisx ] && label="ladder: + the init a program of its own (exec'd, as boxinit)"
	[ "$k" = launch-host-run ] && label="launch, its record on the host's /run ($(findmnt -no FSTYPE -T /run))"
	echo "| $label | ${lms[$k]} ± ${lsd[$k]} (${lmed[$k]}) | ${lx[$k]}× |"
done
echo
echo "Goals: launch ≤ 1.5 × the floor: $(yn "$(le "${lx[launch]}" 1.5)") (${lx[launch]}×);" \
	"box run ≤ 1.3 × the floor: $(yn "$(le "${lx[box]}" 1.3)") (${lx[box]}×)." \
	"launch × bwrap: $(times "${lmed[launch]}" "${lmed[bwrap]}")× (medians)."
echo
echo "The ladder's top (launch's job with its filter and a second program as PID 1, done the" \
	"plainest way): ${lx[floor-pmcisx]}× the floor; launch takes" \
	"$(times "${lmed[launch]}" "${lmed[floor-pmcisx]}")× it (medians)."
echo
echo "boxinit's part of the job, under bwrap, takes $(times "${lmed[bwrap+boxinit]}" "${lmed[bwrap]}")×" \
	"bwrap alone; launch, which adds the cgroup and the seccomp filter, takes" \
	"$(times "${lmed[launch]}" "${lmed[bwrap+boxinit]}")× that (medians). The seccomp filter's" \
	"part: $(diff_ms "${lmed[launch]}" "${lmed[launch-unconfined]}") ms; with the masks and the" \
	"capability drop too: $(diff_ms "${lmed[launch]}" "${lmed[launch-privileged]}") ms (medians)."

# --- part 3: published port ----------------------------------------------------------

# The container serves with probe http (one process, epoll; a 1 KiB page, or 1 MiB for /big):
# cheap enough that what stands between wrk and it shows. wrk reaches it six ways: straight
# to the container's address; through launch's proxy (-p on 127.0.0.1); through a port on the
# host's own address that launch has the kernel forward (DNAT); through one DNAT rule made
# here, the least forwarding in the kernel; and through bench/relayfloor.c, the least relay
# in user space, copying and with splice (zero-copy): what a proxy here can reach at all.
# Three loads: keep-alive (requests only), a new connection per request (the relay's accept
# and its connect to the container too), and bulk (1 MiB responses, one client at a time:
# the copies). Each way has its own server port: a run leaves tens of
# thousands of connections in TIME_WAIT, which must not meet the next run's.
WRK_S=${BENCH_WRK_S:-5}
WRK_C=${BENCH_WRK_C:-8}
PORT_ROUNDS=${BENCH_PORT_ROUNDS:-3}
echo
echo "### Published port: wrk -t2 -c${WRK_C} -d${WRK_S}s (bulk: -t1 -c1), probe http in a --net veth container, $PORT_ROUNDS rounds"
echo
if ! command -v wrk >/dev/null; then
	echo "published port: not measured (wrk is missing: make deps)"
	exit 0
fi
port=$((20000 + RANDOM % 10000))
name=bench-net-$$
hostip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
kport=$((port + 1))
kpub=()
[ -n "$hostip" ] && kpub=(-p "$hostip:$kport:8082")
"$BUILD/launch" --cgroup-parent "$CG_PARENT" --name "$name" --net veth -p "$port:8080" "${kpub[@]}" \
	"$ROOTFS" -- sh -c 'for p in 8081 8082 8083 8084 8085; do probe http $p & done; exec probe http 8080' \
	</dev/null >"$OUT/net.log" 2>&1 &
pids+=($!)
addr=
for _ in $(seq 100); do
	addr=$(sed -n 's/.*"address":"\([^"]*\)".*/\1/p' "/run/box/containers/$name/state.json" \
		2>/dev/null || true)
	[ -n "$addr" ] && curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/" &&
		curl -sf -o /dev/null --max-time 2 "http://$addr:8084/" && break
	addr=
	sleep 0.1
done
[ -n "$addr" ] || { cat "$OUT/net.log" >&2; echo "bench: the http container did not answer" >&2; exit 1; }
cc -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$OUT/relayfloor" bench/relayfloor.c
fport=$((port + 2)) sport=$((port + 3))
"$OUT/relayfloor" 127.0.0.1 "$fport" "$addr" 8083 >"$OUT/relayfloor.log" 2>&1 &
pids+=($!)
"$OUT/relayfloor" --splice 127.0.0.1 "$sport" "$addr" 8084 >"$OUT/relaysplice.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	grep -q ready=1 "$OUT/relayfloor.log" && grep -q ready=1 "$OUT/relaysplice.log" && break
	sleep 0.1
done

# wrk --latency output -> "req/s avg p50 p99 MB/s" (latencies in ms), then any errors.
wrk_run() {
	wrk --latency "$@" >"$OUT/wrk.log" 2>&1 || { cat "$OUT/wrk.log" >&2; exit 1; }
	awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
			if (v ~ /s$/) return v * 1000; return v }
		function mb(v) { if (v ~ /GB$/) return v * 1024; if (v ~ /MB$/) return v + 0;
			if (v ~ /KB$/) return v / 1024; return v / 1048576 }
		/^ +Latency / && !avg { avg = ms($2) }
		/^ +50% / { p50 = ms($2) } /^ +99% / { p99 = ms($2) }
		/^Requests\/sec:/ { rps = $2 } /^Transfer\/sec:/ { mbs = mb($2) }
		/Non-2xx|Socket errors/ { err = err " " $0 }
		END { printf "%.0f %.3f %.3f %.3f %.0f%s\n", rps, avg, p50, p99, mbs, err ? " (" err ")" : "" }' \
		"$OUT/wrk.log"
}
ways=(direct proxy floor splice)
declare -A url=([direct]="http://$addr:8081" [proxy]="http://127.0.0.1:$port"
	[floor]="http://127.0.0.1:$fport" [splice]="http://127.0.0.1:$sport")
declare -A label=([direct]="direct to the container's address ($addr)"
	[proxy]="published port 127.0.0.1:$port (launch's proxy)"
	[floor]="the least relay, copying (bench/relayfloor.c)"
	[splice]="the least relay, splice (relayfloor --splice)")
if [ -n "$hostip" ]; then
	ways+=(kernel)
	url[kernel]="http://$hostip:$kport"
	label[kernel]="published port $hostip:$kport (forwarded in the kernel)"
	# The least forwarding in the kernel: one DNAT rule of this run's own, nothing else
	# (launch's table also has the rule for other hosts and a guard against stale rules).
	dport=$((port + 4))
	if command -v nft >/dev/null && nft -f - <<-NFT; then
		add table ip $NFT_TABLE
		add chain ip $NFT_TABLE output { type nat hook output priority -100; }
		add rule ip $NFT_TABLE output ip daddr $hostip tcp dport $dport dnat to $addr:8085
	NFT
		ways+=(dnat)
		url[dnat]="http://$hostip:$dport"
		label[dnat]="the least forwarding in the kernel: one DNAT rule (nft)"
	fi
fi
# Each round runs every path once per load. A path's share of direct's rate and its p99
# against direct's are taken within the round; the table gives their medians over the
# rounds, and the range of the shares: one run to the next swings more than the paths differ.
declare -A res
for round in $(seq "$PORT_ROUNDS"); do
	for mode in keep-alive close bulk; do
		args=(-t2 -c"$WRK_C" -d"${WRK_S}s")
		[ "$mode" = close ] && args+=(-H "Connection: close")
		[ "$mode" = bulk ] && args=(-t1 -c1 -d"${WRK_S}s")
		path=/
		[ "$mode" = bulk ] && path=/big
		for w in "${ways[@]}"; do
			read -r r a m50 p m error < <(wrk_run "${args[@]}" "${url[$w]}$path")
			[ -n "${error:-}" ] && echo "bench: round $round, $mode, ${label[$w]}:$error" >&2
			res[$round.$w.$mode]="$r $a $m50 $p $m"
		done
	done
done
# col N WAY LOAD: field N (1 req/s, 2 latency avg, 3 p50, 4 p99, 5 MB/s), one round a line.
col() {
	local round v
	for round in $(seq "$PORT_ROUNDS"); do
		read -ra v <<<"${res[$round.$2.$3]}"
		echo "${v[$(($1 - 1))]}"
	done
}
# share WAY LOAD: its share of direct's rate (bulk: of its bytes) in %, one round a line.
share_rounds() {
	local n=1
	[ "$2" = bulk ] && n=5
	paste <(col "$n" "$1" "$2") <(col "$n" direct "$2") |
		awk '{ printf "%.1f\n", 100 * $1 / $2 }'
}
p99x_rounds() {
	paste <(col 4 "$1" "$2") <(col 4 direct "$2") | awk '{ printf "%.3f\n", $1 / $2 }'
}
echo "| path | load | requests/s | MB/s | % of direct (median; range) | latency avg (ms) | p50 (ms) | p99 (ms) | p99 × direct |"
echo "|---|---|---|---|---|---|---|---|---|"
for mode in keep-alive close bulk; do
	for w in "${ways[@]}"; do
		shares=$(share_rounds "$w" "$mode")
		range=$(sort -g <<<"$shares" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }')
		printf '| %s | %s | %.0f | %.0f | %.0f; %s | %.3f | %.3f | %.3f | %.2f |\n' "${label[$w]}" "$mode" \
			"$(col 1 "$w" "$mode" | median)" "$(col 5 "$w" "$mode" | median)" \
			"$(median <<<"$shares")" "$range" "$(col 2 "$w" "$mode" | median)" \
			"$(col 3 "$w" "$mode" | median)" "$(col 4 "$w" "$mode" | median)" \
			"$(p99x_rounds "$w" "$mode" | median)"
	done
done
echo
for mode in keep-alive close bulk; do
	share() { share_rounds "$1" "$mode" | median | awk '{ printf "%.0f", $1 }'; }
	p99of() { p99x_rounds "$1" "$mode" | median | awk '{ printf "%.2f", $1 }'; }
	line="$mode: proxy $(share proxy)% of direct (goal ≥ 90 %: $(yn "$(le 90 "$(share proxy)")"))"
	line+=", p99 $(p99of proxy)× direct's (goal ≤ 1.2×: $(yn "$(le "$(p99of proxy)" 1.2)"))"
	line+="; the least relays: copying $(share floor)%, splice $(share splice)%"
	if [ -n "$hostip" ]; then
		line+="; kernel $(share kernel)% (goal ≥ 95 %: $(yn "$(le 95 "$(share kernel)")"))"
		line+=", p99 $(p99of kernel)× (goal ≤ 1.2×: $(yn "$(le "$(p99of kernel)" 1.2)"))"
		[ -n "${url[dnat]:-}" ] && line+="; one DNAT rule $(share dnat)%, p99 $(p99of dnat)×"
	fi
	echo "$line (medians of $PORT_ROUNDS rounds)."
	echo
done
for i in 1 2 3; do
	kill -TERM "${pids[-$i]}" 2>/dev/null || true
	wait "${pids[-$i]}" 2>/dev/null || true
done
pids=("${pids[@]:0:${#pids[@]}-3}") # reaped: their pids may be others' now

# --- part 4: launch's memory under many connections ------------------------------------

# 2,000 clients hold connections open through a published port and each pushes 64 KiB at
# a service that never reads (probe listen-stall): what launch itself (outside the
# container's cgroup) holds, with the default --publish-max-conns (1024: the rest are
# reset at once) and with room for all of them.
CONNS=${BENCH_CONNS:-2000}
echo
echo "### launch under $CONNS concurrent connections to a published port (a service that never reads)"
echo
echo "| --publish-max-conns | connections served | reset | launch RSS now (kB) | launch RSS peak (kB) | launch descriptors |"
echo "|---|---|---|---|---|---|"
for max in 1024 4096; do
	port=$((20000 + RANDOM % 10000))
	name=bench-conns-$$-$max
	"$BUILD/launch" --cgroup-parent "$CG_PARENT" --name "$name" --net veth \
		-p "$port:80" --publish-max-conns "$max" "$ROOTFS" -- probe listen-stall 80 \
		</dev/null >"$OUT/conns.log" 2>&1 &
	lpid=$!
	pids+=("$lpid")
	for _ in $(seq 100); do grep -q ready=1 "$OUT/conns.log" && break; sleep 0.1; done
	python3 -c 'import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
conns = []
for i in range(n):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    conns.append(s)
time.sleep(1)
for s in conns:
    try:
        s.send(b"x" * 65536)
    except OSError:
        pass
time.sleep(2)
reset = 0
for s in conns:
    try:
        if s.recv(1) == b"":
            reset += 1
    except BlockingIOError:
        pass
    except OSError:
        reset += 1
print(n - reset, reset, flush=True)
open(sys.argv[3], "w").close()
time.sleep(60)' "$port" "$CONNS" "$OUT/conns.ready" >"$OUT/conns.client" 2>&1 &
	cpid=$!
	pids+=("$cpid")
	for _ in $(seq 300); do [ -e "$OUT/conns.ready" ] && break; sleep 0.1; done
	read -r served reset <"$OUT/conns.client"
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$lpid/status")
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$lpid/status")
	fds=$(ls "/proc/$lpid/fd" | wc -l)
	echo "| $max | $served | $reset | $rss | $hwm | $fds |"
	kill -KILL "$cpid" 2>/dev/null || true
	wait "$cpid" 2>/dev/null || true
	rm -f "$OUT/conns.ready"
	kill -TERM "$lpid" 2>/dev/null || true
	wait "$lpid" 2>/dev/null || true
	pids=("${pids[@]:0:${#pids[@]}-2}")
done
