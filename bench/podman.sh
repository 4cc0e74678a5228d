#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Packaging proof, run by hand (root; podman, runc, debootstrap): builds boxinit
# and launch with Dockerfile.build under podman from a local base image, compares
# them with a host build of the same tree, then runs build/boxinit as podman's
# --init. Keeps the images; removes its containers and scratch trees. Not a test.
# The sh -c scripts below run in the container: single quotes are meant.
# shellcheck disable=SC2016
set -euo pipefail
cd "$(dirname "$0")/.."

IMG=docker.io/library/debian:bookworm
OUT=$PWD/build/podman
VERSION=${BOX_VERSION:-$(git describe --always --dirty 2>/dev/null || echo 0.1)}
OPTS=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
RUN=(podman run --rm "${OPTS[@]}")
BOXINIT=${BOXINIT:-$PWD/build/boxinit}
INIT=(--init "--init-path=$BOXINIT")
NAME=box-podman-$$
tmp=$(mktemp -d /var/tmp/box-podman.XXXXXX)

cleanup() {
	podman rm -f "$NAME" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for c in podman runc debootstrap; do
	command -v "$c" >/dev/null || { echo "podman.sh: missing '$c': apt-get install $c" >&2; exit 1; }
done

say() { printf '\n$ %s\n' "$*"; }

# The archive (and proxy) the host's apt uses, for debootstrap and the image build.
MIRROR=$(tools/mirror.sh archive)
SECURITY=$(tools/mirror.sh security)
proxy=$(tools/mirror.sh proxy)
if [ -z "${http_proxy:-}" ] && [ -n "$proxy" ]; then
	export http_proxy=$proxy
fi

# --- base image: what the official one is, from Debian's archive ----------------------
if ! podman image exists "$IMG"; then
	say "debootstrap --variant=minbase bookworm ROOT $MIRROR && tar -C ROOT -c . | podman import - $IMG"
	debootstrap --variant=minbase bookworm "$tmp/root" "$MIRROR" >"$tmp/debootstrap.log"
	tar -C "$tmp/root" -c . | podman import - "$IMG" >/dev/null
	rm -rf "$tmp/root"
fi

# --- one snapshot of the tree, so that both builds see the same sources -----------------
mkdir -p "$tmp/src/build"
tar -c --exclude=./.git --exclude=./build --exclude=./rootfs/debian --exclude=./rootfs/busybox \
	--exclude=./rootfs/cache --exclude='./rootfs/*.tmp' . | tar -x -C "$tmp/src"
rm -rf "$OUT"
mkdir -p "$OUT/host"

# --- image build (its context is the snapshot; .dockerignore keeps build/ out) --------------
say "podman build --isolation chroot --pull=never -f Dockerfile.build --build-arg BOX_VERSION=$VERSION -o type=local,dest=$OUT/image ."
podman build --isolation chroot --pull=never -f "$tmp/src/Dockerfile.build" \
	--build-arg "BOX_VERSION=$VERSION" --build-arg "DEBIAN_MIRROR=$MIRROR" \
	--build-arg "DEBIAN_SECURITY=$SECURITY" -o "type=local,dest=$OUT/image" "$tmp/src" \
	>"$OUT/podman-build.log" 2>&1 || { tail -n 30 "$OUT/podman-build.log" >&2; exit 1; }
ls -l "$OUT/image"

# --- host reference: the same snapshot built on the host, with the host's build/deps --------
say "make -C <snapshot> VERSION=$VERSION build/boxinit build/launch"
cp -a build/deps "$tmp/src/build/"
make -s -C "$tmp/src" VERSION="$VERSION" build/boxinit build/launch >"$OUT/host-build.log" 2>&1 ||
	{ tail -n 30 "$OUT/host-build.log" >&2; exit 1; }
cp "$tmp/src/build/boxinit" "$tmp/src/build/launch" "$OUT/host/"

echo
for b in boxinit launch; do
	for side in image host; do
		f=$OUT/$side/$b
		printf '%-6s %-8s %8s bytes  %s\n  %s\n' "$side" "$b" "$(stat -c %s "$f")" \
			"$(sha256sum "$f" | cut -c1-16)" "$(file -b "$f")"
	done
	if cmp -s "$OUT/image/$b" "$OUT/host/$b"; then
		echo "=> $b: bitwise identical"
	else
		echo "=> $b: differs ($(cmp "$OUT/image/$b" "$OUT/host/$b" | head -n1))"
	fi
done

# --- build/boxinit as podman's --init -----------------------------------------------------
[ -x "$BOXINIT" ] || { echo "podman.sh: $BOXINIT missing: make build/boxinit" >&2; exit 1; }
# Prints a podman command (the common options abbreviated) and its output.
show() {
	local a line="" rc=0
	for a in "$@"; do
		case $a in
		*[[:space:]\$\"]*) line+=" '$a'" ;;
		*) line+=" $a" ;;
		esac
	done
	printf '\n$%s\n' "${line/ ${RUN[*]} ${INIT[*]} $IMG/ \$RUN \$INIT \$IMG}"
	"$@" 2>&1 || rc=$?
	echo "[exit status $rc]"
}
echo
echo "RUN='${RUN[*]}' INIT='${INIT[*]}' IMG=$IMG OPTS='${OPTS[*]}'"
show "${RUN[@]}" "${INIT[@]}" "$IMG" sh -c 'echo "PID 1: $(readlink /proc/1/exe), comm $(cat /proc/1/comm)"
	/run/podman-init --version
	for p in /proc/[0-9]*; do echo "${p#/proc/} $(cat "$p/comm")"; done'
# The subshell exits at once, so its sleep is reparented to PID 1; when it ends
# only PID 1 can reap it.
show "${RUN[@]}" "${INIT[@]}" "$IMG" sh -c '(sleep 0.5 &); sleep 0.2
	for s in /proc/[0-9]*/stat; do read -r pid comm state ppid rest <"$s"
		[ "$comm" = "(sleep)" ] && echo "orphan: pid $pid state $state ppid $ppid"; done
	sleep 1.5
	echo "zombies after it exited: $(cat /proc/[0-9]*/stat | awk "\$3 == \"Z\"" | wc -l)"'
# Control without --init: a PID 1 that never waits (sleep) leaves the orphan a zombie.
podman run -d --name "$NAME" "${OPTS[@]}" "$IMG" sh -c '(sleep 0.3 &); exec sleep 30' >/dev/null
sleep 1.5
echo
echo "control: podman run -d --name $NAME \$OPTS \$IMG sh -c '(sleep 0.3 &); exec sleep 30'; sleep 1.5"
show podman exec "$NAME" sh -c 'for s in /proc/[0-9]*/stat; do read -r pid comm state ppid rest <"$s"
		[ "$comm" = "(sleep)" ] && echo "pid $pid $comm state $state ppid $ppid"; done; true'
podman rm -f -t 0 "$NAME" >/dev/null
show "${RUN[@]}" "${INIT[@]}" "$IMG" sh -c 'exit 7'
show "${RUN[@]}" "${INIT[@]}" "$IMG" sh -c 'kill -KILL $$'
show "${RUN[@]}" "${INIT[@]}" "$IMG" /no/such/command
# podman stop sends SIGTERM to PID 1, which must pass it on to the command.
echo
echo "\$ podman run -d --name $NAME ${OPTS[*]} \$INIT \$IMG sleep 300"
podman run -d --name "$NAME" "${OPTS[@]}" "${INIT[@]}" "$IMG" sleep 300 >/dev/null
start=$(date +%s.%N)
show podman stop -t 20 "$NAME"
echo "stopped after $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s (grace was 20 s)"
echo "exit code: $(podman inspect --format '{{.State.ExitCode}}' "$NAME")"
podman rm -f "$NAME" >/dev/null
