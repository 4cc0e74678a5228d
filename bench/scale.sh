#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench-scale (not in make check, nor in make bench): how box's costs grow with the number
# of containers. For each size (default 50 100 200 500) it starts that many detached busybox
# containers, one after the other, each running httpd as a supervised service (launch -d
# --service), and measures: the start time per container, the host memory per container
# (MemAvailable's drop, and the PSS of launch's monitor and boxinit), the time of
# `launch list`, `launch stats --json --interval 0` (one reading of every cgroup, no CPU
# sample to wait for, as podman's --no-stream) and a `launch stop` of all of them. The same sizes with
# box (create + start of httpd from one bundle each, then `box list`, and `box kill` + `delete`
# of all) and with podman (run -d --init, `podman ps`, `podman stop`), in this run. And the
# floor of a detached start (bench/floor.c -d with the ladder's top options: namespaces,
# pivot_root, the mounts, a cgroup, launch's seccomp filter, an init of its own, httpd as its
# child; no record, no monitor, no service supervision): what the same sizes cost a program
# that does only the kernel's part of the job, so that a growth launch shares with it is
# the kernel's (or this VM's), not launch's. Prints a
# table and draws the curves with gnuplot into build/bench/scale.png (SCALE_PNG to change).
# Figures are reported, never asserted. Removes every container, cgroup, bundle and image it
# made, even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BUILD=${BOX_BUILD:-$PWD/build}
OUT=$BUILD/bench/scale
SIZES=${BENCH_SCALE_SIZES:-50 100 200 500}
RUNTIMES=${BENCH_SCALE_RUNTIMES:-floor launch box podman}
# BENCH_SCALE_RUN=tmpfs: the whole run in a mount namespace whose /run is a tmpfs, as where
# the init system mounts it so (this machine's /run is on its ext4 root; see bench/lib.sh's
# run_tmpfs). podman cannot come: its state lives in the host's /run.
if [ "${BENCH_SCALE_RUN:-host}" = tmpfs ] && [ -z "${BENCH_SCALE_IN_TMPFS:-}" ]; then
	case " $RUNTIMES " in *" podman "*)
		echo "bench/scale.sh: BENCH_SCALE_RUN=tmpfs cannot run podman (its state is in the host's /run): set BENCH_SCALE_RUNTIMES" >&2
		exit 1 ;;
	esac
	BENCH_SCALE_IN_TMPFS=1 exec "${RUN_TMPFS[@]}" bash "$0" "$@"
fi
PNG=${SCALE_PNG:-$BUILD/bench/scale.png}
CG_PARENT=/box-bench-scale
PREFIX=bbs$$
IMAGE=localhost/box-bench-scale:$$
LAUNCH=$BUILD/launch
BOX=$BUILD/box
BOX_ROOT=$OUT/box-root
PODMAN_OPTS=(--runtime runc --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
max_size=0
for n in $SIZES; do
	case $n in '' | *[!0-9]*) echo "bench/scale.sh: size '$n' is not a number" >&2; exit 1 ;; esac
	[ "$n" -gt "$max_size" ] && max_size=$n
done

# The floor's containers this run started (their PID 1s, one a line in floor.pids): killed,
# and waited for until their keepers have removed their cgroups.
kill_floors() {
	local p last
	[ -s "$OUT/floor.pids" ] || return 0
	while read -r p; do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = floor ] && kill -KILL "$p" 2>/dev/null
	done <"$OUT/floor.pids"
	last=${floor_hiers[${#floor_hiers[@]} - 1]}$CG_PARENT
	for _ in $(seq 500); do
		compgen -G "$last/floor-*" >/dev/null || break
		sleep 0.01
	done
	: >"$OUT/floor.pids"
}

# Everything this run may have made, whatever state it is in.
remove_all() {
	local i d
	for i in $(seq 1 "$max_size"); do
		"$LAUNCH" rm -f "$PREFIX-l$i" >/dev/null 2>&1 || true
	done
	if [ -d "$BOX_ROOT" ]; then
		for d in "$BOX_ROOT"/*/; do
			[ -d "$d" ] && "$BOX" --root "$BOX_ROOT" delete -f "$(basename "$d")" >/dev/null 2>&1
		done
	fi
	kill_floors
	if command -v podman >/dev/null; then
		# shellcheck disable=SC2046
		podman rm -f -t 0 $(podman ps -a --filter "name=^$PREFIX-p" --format '{{.Names}}') \
			>/dev/null 2>&1 || true
	fi
	return 0
}
cleanup() {
	remove_all
	command -v podman >/dev/null && podman rmi -f "$IMAGE" >/dev/null 2>&1
	rm -rf "$OUT"
	remove_cgroup_parents "$CG_PARENT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for c in hyperfine python3 runc gnuplot; do
	command -v "$c" >/dev/null || { echo "bench/scale.sh: missing $c (make bench-scale installs it)" >&2; exit 1; }
done
case " $RUNTIMES " in *" podman "*) command -v podman >/dev/null ||
	{ echo "bench/scale.sh: missing podman (make deps)" >&2; exit 1; } ;; esac
ROOTFS=$(busybox_rootfs_path)
[ -x "$ROOTFS/bin/busybox" ] || { echo "bench/scale.sh: no busybox rootfs" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT" "$BOX_ROOT"
build_floor "$OUT"
# The floor's cgroup: a leaf in each hierarchy launch uses (one on cgroup v2, one per
# controller on v1), as the ladder of bench/run.sh.
mapfile -t floor_hiers < <(cgroup_hierarchies)
for h in "${floor_hiers[@]}"; do
	mkdir -p "$h$CG_PARENT"
done

mem_avail_kb() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
# What the containers' objects take, counted (kB): the kernel's slab objects in use (each at
# its slab size), page tables, kernel stacks and anonymous memory. Unlike MemAvailable it
# does not depend on whether a new object found room in a slab page that earlier containers
# left partly free, or needed a new page.
counted_kb() {
	awk 'FILENAME == "/proc/slabinfo" { if (FNR > 2) kb += $2 * $4 / 1024; next }
		/^(PageTables|KernelStack|AnonPages):/ { kb += $2 }
		END { printf "%d\n", kb }' /proc/slabinfo /proc/meminfo
}
# The median of a command's runs in ms (hyperfine, 10 runs after 2 warm-ups).
median_ms() {
	hyperfine -N --style none --warmup 2 --runs 10 --export-json "$OUT/hf.json" "$1" \
		>"$OUT/hf.log" 2>&1 || { cat "$OUT/hf.log" >&2; exit 1; }
	python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1e3))' \
		"$OUT/hf.json"
}
# Settles the page cache and the slab a little, so MemAvailable compares like with like.
settle() { sync; sleep 1; }

# One row per runtime and size: runtime size start_ms_per_container mem_kb_per_container
# pss_kb_per_container list_ms stats_ms stop_s
results=$OUT/results

# start_batch N START: runs "START I" for I in 1..N, one after the other; sets START_MS (per
# container), FIRST_MS and LAST_MS (the median start of the batch's first and last 50: what
# one more start costs beside few and beside N-50, in the same minute, which the swings of
# this machine's speed from one batch to the next do not blur), MEM_KB (MemAvailable's drop
# per container) and COUNTED_KB (counted_kb's growth per container).
start_batch() {
	local n=$1 start=$2 i t0 t1 m0 m1 c0 c1 s
	settle
	m0=$(mem_avail_kb)
	c0=$(counted_kb)
	: >"$OUT/starts"
	t0=$(now)
	for i in $(seq 1 "$n"); do
		# bash's own clock: no process a start to read it.
		s=$EPOCHREALTIME
		"$start" "$i"
		echo "$s $EPOCHREALTIME" >>"$OUT/starts"
	done
	t1=$(now)
	settle
	m1=$(mem_avail_kb)
	c1=$(counted_kb)
	START_MS=$(python3 -c "print('%.1f' % (($t1 - $t0) * 1e3 / $n))")
	read -r FIRST_MS LAST_MS < <(python3 - "$OUT/starts" <<-'EOF'
		import statistics, sys
		d = [(float(b) - float(a)) * 1e3 for a, b in (l.split() for l in open(sys.argv[1]))]
		k = min(50, len(d))
		print("%.2f %.2f" % (statistics.median(d[:k]), statistics.median(d[-k:])))
	EOF
	)
	MEM_KB=$(((m0 - m1) / n))
	COUNTED_KB=$(((c1 - c0) / n))
}

# row RUNTIME N PSS_KB LIST_MS STATS_MS STOP_START (PSS_KB: all of them, summed): one line of $results.
row() {
	local stop
	stop=$(python3 -c "print('%.2f' % ($(now) - $6))")
	echo "$1 $2 $START_MS $MEM_KB $(($3 / $2)) $4 $5 $stop $COUNTED_KB $FIRST_MS $LAST_MS" >>"$results"
}

floor_one() {
	local cg="" h
	for h in "${floor_hiers[@]}"; do
		cg+=${cg:+,}$h$CG_PARENT/floor-$1
	done
	"$OUT/floor" -d -p -m -s -x -c "$cg" "$ROOTFS" /usr/sbin/httpd -f -p 8080 >>"$OUT/floor.pids"
}

run_floor() {
	local n=$1 pids keepers=() p pss t
	: >"$OUT/floor.pids"
	start_batch "$n" floor_one
	mapfile -t pids <"$OUT/floor.pids"
	[ "${#pids[@]}" -eq "$n" ] || { echo "bench/scale.sh: ${#pids[@]} of $n floor containers started" >&2; exit 1; }
	for p in "${pids[@]}"; do
		keepers+=("$(awk '{ print $4 }' "/proc/$p/stat")")
	done
	pss=$(pss_kb "${keepers[@]}" "${pids[@]}")
	t=$(now)
	kill_floors
	row floor "$n" "$pss" - - "$t"
}

launch_one() {
	"$LAUNCH" -d --name "$PREFIX-l$1" --cgroup-parent "$CG_PARENT" \
		--service 'web=httpd -f -p 8080' "$ROOTFS" >/dev/null
}

run_launch() {
	local n=$1 names pids list stats t pss
	start_batch "$n" launch_one
	# shellcheck disable=SC2207
	names=($(seq -f "$PREFIX-l%g" 1 "$n"))
	# shellcheck disable=SC2207
	pids=($(python3 -c 'import json, sys
for name in sys.argv[1:]:
    j = json.load(open("/run/box/containers/%s/state.json" % name))
    print(j["monitor"]["pid"], j["pid1"]["pid"])' "${names[@]}"))
	list=$(median_ms "$LAUNCH list")
	stats=$(median_ms "$LAUNCH stats --json --interval 0")
	[ "$("$LAUNCH" list | grep -c "$PREFIX-l")" -eq "$n" ] ||
		{ echo "bench/scale.sh: launch list does not show the $n containers" >&2; exit 1; }
	pss=$(pss_kb "${pids[@]}")
	t=$(now)
	"$LAUNCH" stop -t 10 "${names[@]}" >/dev/null
	row launch "$n" "$pss" "$list" "$stats" "$t"
}

box_one() {
	"$BOX" --root "$BOX_ROOT" create --bundle "$OUT/bundle-$1" "$PREFIX-b$1" </dev/null >/dev/null 2>&1
	"$BOX" --root "$BOX_ROOT" start "$PREFIX-b$1"
}

run_box() {
	local n=$1 ids pids list t id pss
	# One bundle made as the other benches make theirs; its copies differ only by cgroup.
	bench_bundle "$OUT/template" "$ROOTFS" "$CG_PARENT/box-0" httpd -f -p 8080
	python3 - "$OUT" "$n" "$CG_PARENT" <<-'EOF'
		import json, os, sys
		out, n, parent = sys.argv[1], int(sys.argv[2]), sys.argv[3]
		c = json.load(open(os.path.join(out, "template", "config.json")))
		for i in range(1, n + 1):
		    os.makedirs(os.path.join(out, "bundle-%d" % i), exist_ok=True)
		    c["linux"]["cgroupsPath"] = "%s/box-%d" % (parent, i)
		    json.dump(c, open(os.path.join(out, "bundle-%d" % i, "config.json"), "w"))
	EOF
	start_batch "$n" box_one
	# shellcheck disable=SC2207
	ids=($(seq -f "$PREFIX-b%g" 1 "$n"))
	# shellcheck disable=SC2207
	pids=($(python3 -c 'import json, sys
for d in sys.argv[2:]:
    print(json.load(open("%s/%s/state.json" % (sys.argv[1], d)))["pid"])' "$BOX_ROOT" "${ids[@]}"))
	list=$(median_ms "$BOX --root $BOX_ROOT list")
	[ "$("$BOX" --root "$BOX_ROOT" list --quiet | grep -c "$PREFIX-b")" -eq "$n" ] ||
		{ echo "bench/scale.sh: box list does not show the $n containers" >&2; exit 1; }
	pss=$(pss_kb "${pids[@]}")
	t=$(now)
	for id in "${ids[@]}"; do
		"$BOX" --root "$BOX_ROOT" kill "$id" KILL
	done
	for id in "${ids[@]}"; do
		"$BOX" --root "$BOX_ROOT" delete -f "$id"
	done
	row box "$n" "$pss" "$list" - "$t"
	rm -rf "$OUT"/bundle-*
}

podman_one() {
	podman run -d --init "${PODMAN_OPTS[@]}" --name "$PREFIX-p$1" "$IMAGE" httpd -f -p 8080 >/dev/null
}

run_podman() {
	local n=$1 names pids=() list stats t name pss
	start_batch "$n" podman_one
	# shellcheck disable=SC2207
	names=($(seq -f "$PREFIX-p%g" 1 "$n"))
	for name in "${names[@]}"; do
		# shellcheck disable=SC2207
		pids+=($(podman inspect --format '{{.State.ConmonPid}} {{.State.Pid}}' "$name"))
	done
	list=$(median_ms "podman ps")
	stats=$(median_ms "podman stats --no-stream --format json")
	pss=$(pss_kb "${pids[@]}")
	t=$(now)
	podman stop -t 10 "${names[@]}" >/dev/null
	row podman "$n" "$pss" "$list" "$stats" "$t"
	podman rm "${names[@]}" >/dev/null
}

: >"$results"
case " $RUNTIMES " in *" podman "*)
	tar -C "$ROOTFS" -c . | podman import -q - "$IMAGE" >/dev/null
	# podman's first start prepares its storage and state: not counted.
	podman run --rm "${PODMAN_OPTS[@]}" "$IMAGE" true ;;
esac
for n in $SIZES; do
	for rt in $RUNTIMES; do
		echo "bench: $rt, $n containers" >&2
		"run_$rt" "$n"
		remove_all
	done
done

echo "### Scale: detached busybox containers each running httpd, sizes $SIZES (/run: $(findmnt -no FSTYPE -T /run))"
echo
echo "| runtime | containers | start per container (ms) | the batch's first 50 / last 50 starts (median ms) | host memory per container (kB, MemAvailable) | host memory per container (kB, counted) | PSS per container (kB, monitor/shim + init) | list (ms) | stats (ms) | stop all (s) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
while read -r rt n st mem pss list stats stop counted first last; do
	echo "| $rt | $n | $st | $first / $last | $mem | $counted | $pss | $list | $stats | $stop |"
done <"$results"
python3 - "$results" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    rt, n, st, mem, pss, lst, stats, stop, counted, first, last = line.split()
    rows.setdefault(rt, []).append((int(n), float(st), int(mem), lst, stats, float(stop),
                                    int(counted), float(first), float(last)))
print()
for rt, r in rows.items():
    r.sort()
    lo, hi = r[0], r[-1]
    print(f"{rt}: start per container {hi[1] / lo[1]:.2f}x from {lo[0]} to {hi[0]}, "
          f"memory per container {hi[6] / max(lo[6], 1):.2f}x counted "
          f"({hi[2] / max(lo[2], 1):.2f}x by MemAvailable); at {hi[0]}: list {hi[3]} ms, "
          f"stats {hi[4]} ms, stop all {hi[5]} s; within the batch of {hi[0]}, the last 50 "
          f"starts against the first 50: {hi[8] / hi[7]:.2f}x ({hi[7]} to {hi[8]} ms)")
if "launch" in rows and "floor" in rows:
    floor = {n: st for n, st, *_ in rows["floor"]}
    print("\nlaunch's start per container against the floor's: " + ", ".join(
        f"{st / floor[n]:.2f}x at {n}" for n, st, *_ in sorted(rows["launch"]) if n in floor))
if "launch" in rows:
    r = sorted(rows["launch"])
    lo, hi = r[0], r[-1]
    ok = lambda c: "yes" if c else "**no**"
    print(f"\nGoals for launch: start and memory (counted) per container flat within 1.2x from "
          f"{lo[0]} to {hi[0]}: batch against batch {ok(hi[1] <= 1.2 * lo[1] and hi[6] <= 1.2 * lo[6])}, "
          f"the start within the batch of {hi[0]} {ok(hi[8] <= 1.2 * hi[7])}; list and "
          f"stats under 100 ms at {hi[0]}: {ok(float(hi[3]) < 100 and float(hi[4]) < 100)}; stop all "
          f"under 10 s: {ok(hi[5] < 10)}.")
EOF

# The curves: start time and memory per container against the number of containers.
for rt in $RUNTIMES; do
	awk -v r="$rt" '$1 == r { print $2, $3, $4, $6, $8, $9 }' "$results" >"$OUT/$rt.dat"
done
plots_start="" plots_mem="" plots_list="" lc=0
for rt in $RUNTIMES; do
	# One colour per runtime in every plot; MemAvailable's drop dashed beside the count.
	lc=$((lc + 1))
	plots_start+="'$OUT/$rt.dat' using 1:2 with linespoints lc $lc title '$rt',"
	plots_mem+="'$OUT/$rt.dat' using 1:6 with linespoints lc $lc title '$rt counted',"
	plots_mem+="'$OUT/$rt.dat' using 1:3 with linespoints lc $lc dashtype 2 title '$rt MemAvailable',"
	# The floor has no list.
	[ "$rt" = floor ] ||
		plots_list+="'$OUT/$rt.dat' using 1:4 with linespoints lc $lc title '$rt list',"
done
gnuplot <<EOF
set terminal pngcairo size 1200,400 font ",9"
set output "$PNG"
set multiplot layout 1,3 title "box at scale: detached busybox httpd containers ($(date -u +%Y-%m-%d))"
set key top left
set logscale x
set xtics ($(echo "$SIZES" | sed 's/\([0-9][0-9]*\)/"\1" \1/g; s/ "/, "/g'))
set xlabel "containers"
set ylabel "start per container (ms)"
set yrange [0:*]
plot ${plots_start%,}
set ylabel "host memory per container (kB)"
# Room above the curves for the six keys.
set offsets 0, 0, graph 0.5, 0
plot ${plots_mem%,}
set offsets 0, 0, 0, 0
set ylabel "list (ms)"
plot ${plots_list%,}
unset multiplot
EOF
echo
echo "Curves: $PNG"
