#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench, layers: N (default 50) detached containers of one Debian rootfs, each running
# nginx, three ways in this run: launch -d --overlay (one rootfs, a layer each), launch -d on
# N copies made by cp -a (the way without layers), and podman run -d of the same rootfs
# imported as an image (its overlay storage driver, runc). Reports the time to start the N
# (for the copies, the copying too), the disk they use (du of the layers, the copies,
# podman's container layers) and the time to stop and remove them. Figures are reported,
# never asserted. Removes every container, copy, cgroup and the image on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BUILD=${BOX_BUILD:-$PWD/build}
N=${BENCH_LAYERS:-50}
CG_PARENT=/box-bench-layers
PREFIX=bbl$$
IMAGE=localhost/box-bench-debian:$$
LAUNCH=$BUILD/launch
ROOTFS=$PWD/rootfs/debian
COPIES=$(mktemp -d "${TMPDIR:-/var/tmp}/box-bench-layers.XXXXXX")
PODMAN_OPTS=(--runtime runc --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

cleanup() {
	local i d
	for i in $(seq 1 "$N"); do
		"$LAUNCH" rm -f "$PREFIX-o$i" "$PREFIX-c$i" >/dev/null 2>&1 || true
	done
	podman rm -f -t 0 $(podman ps -a --filter "name=^$PREFIX-p" --format '{{.Names}}') \
		>/dev/null 2>&1 || true
	podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
	rm -rf --one-file-system "$COPIES"
	remove_cgroup_parents "$CG_PARENT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for c in podman runc python3 du; do
	command -v "$c" >/dev/null || { echo "bench/layers.sh: missing $c (make bench installs it)" >&2; exit 1; }
done
[ -x "$ROOTFS/usr/sbin/nginx" ] || { echo "bench/layers.sh: no rootfs/debian with nginx (make rootfs)" >&2; exit 1; }

kb() { du -sxk "$@" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
nginx_cmd=(nginx -g 'daemon off;')

# --- launch -d --overlay --------------------------------------------------------------------
t0=$(now)
for i in $(seq 1 "$N"); do
	"$LAUNCH" -d --overlay --name "$PREFIX-o$i" --cgroup-parent "$CG_PARENT" "$ROOTFS" -- \
		"${nginx_cmd[@]}" >/dev/null
done
t1=$(now)
sleep 1 # nginx has written its pid file and logs
ov_kb=$(kb /var/lib/box/"$PREFIX"-o*)
t2=$(now)
names=()
for i in $(seq 1 "$N"); do names+=("$PREFIX-o$i"); done
"$LAUNCH" stop -t 10 "${names[@]}" >/dev/null
t3=$(now)

# --- cp -a, then launch -d on each copy ----------------------------------------------------
t4=$(now)
for i in $(seq 1 "$N"); do
	cp -a "$ROOTFS" "$COPIES/$i"
	"$LAUNCH" -d --name "$PREFIX-c$i" --cgroup-parent "$CG_PARENT" "$COPIES/$i" -- \
		"${nginx_cmd[@]}" >/dev/null
done
t5=$(now)
sleep 1
cp_kb=$(kb "$COPIES")
t6=$(now)
names=()
for i in $(seq 1 "$N"); do names+=("$PREFIX-c$i"); done
"$LAUNCH" stop -t 10 "${names[@]}" >/dev/null
rm -rf --one-file-system "${COPIES:?}"/*
t7=$(now)

# --- podman run -d -------------------------------------------------------------------------
tar -C "$ROOTFS" -c . | podman import -q - "$IMAGE" >/dev/null
podman run --rm "${PODMAN_OPTS[@]}" "$IMAGE" true # podman's first start prepares its storage
graph=$(podman info --format '{{.Store.GraphRoot}}')
t8=$(now)
for i in $(seq 1 "$N"); do
	podman run -d "${PODMAN_OPTS[@]}" --name "$PREFIX-p$i" "$IMAGE" "${nginx_cmd[@]}" >/dev/null
done
t9=$(now)
sleep 1
pm_dirs=()
for i in $(seq 1 "$N"); do
	id=$(podman inspect --format '{{.GraphDriver.Data.UpperDir}}' "$PREFIX-p$i")
	[ -n "$id" ] && pm_dirs+=("$id")
done
pm_kb=$(kb "${pm_dirs[@]}")
t10=$(now)
pnames=()
for i in $(seq 1 "$N"); do pnames+=("$PREFIX-p$i"); done
podman stop -t 10 "${pnames[@]}" >/dev/null
podman rm "${pnames[@]}" >/dev/null
t11=$(now)

python3 - "$N" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$t6" "$t7" "$t8" "$t9" "$t10" "$t11" \
	"$ov_kb" "$cp_kb" "$pm_kb" "$(kb "$ROOTFS")" "$graph" <<'EOF'
import sys
a = sys.argv[1:]
n = int(a[0])
t = [float(x) for x in a[1:13]]
ov, cp, pm, base = (int(x) for x in a[13:17])
print(f"\n{n} detached nginx containers of one Debian rootfs ({base / 1024:.0f} MB), this run:\n")
print("| way | start all | per container | disk they use | stop (and remove) all |")
print("|---|---|---|---|---|")
rows = [
    ("launch -d --overlay (a layer each)", t[1] - t[0], ov, t[3] - t[2]),
    ("cp -a + launch -d (a copy each)", t[5] - t[4], cp, t[7] - t[6]),
    ("podman run -d (overlay storage, runc)", t[9] - t[8], pm, t[11] - t[10]),
]
for name, start, disk, stop in rows:
    print(f"| {name} | {start:.2f} s | {start / n * 1000:.0f} ms | {disk / 1024:.1f} MB | {stop:.2f} s |")
print(f"\nlaunch --overlay starts {rows[1][1] / rows[0][1]:.1f}x faster than copies and "
      f"{rows[2][1] / rows[0][1]:.1f}x faster than podman run; its layers use "
      f"{ov / max(cp, 1) * 100:.2f} % of the copies' disk.")
EOF
