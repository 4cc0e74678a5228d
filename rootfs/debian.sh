#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds a Debian (or Ubuntu) root filesystem with debootstrap, ready to run under launch.
# Owns DIR, DIR.tmp and DIR.old only; never deletes a DIR it did not build (no marker file).
# An interrupted build is left in DIR.tmp, so DIR is either complete or absent. DIR's parent
# is made 0700 (see private.sh).
set -euo pipefail
# shellcheck source=rootfs/private.sh
. "$(dirname "${BASH_SOURCE[0]}")/private.sh"

usage() {
	cat <<'EOF'
usage: rootfs/debian.sh DIR [--suite SUITE] [--include PKG[,PKG...]] [--mirror URL]

Builds a minimal (--variant=minbase) root filesystem in DIR with debootstrap, as root.
  --suite SUITE     Debian suite (default: bookworm)
  --include PKGS    extra packages, comma-separated (e.g. nginx)
  --mirror URL      archive (default: the host apt's, see tools/mirror.sh; or $BOX_DEBIAN_MIRROR)
The build goes to DIR.tmp and is renamed to DIR when complete; DIR/.box-rootfs records the
suite and packages, and a build with the same suite and packages is skipped.

Ubuntu works the same way, as in the tutorial, given an Ubuntu suite and mirror, e.g.
  rootfs/debian.sh ./rootfs/ubuntu --suite focal --mirror UBUNTU_ARCHIVE_URL
(needs Debian's ubuntu-keyring package; untested here: only Debian's archive is reachable).
EOF
}

die() {
	echo "debian.sh: $*" >&2
	exit 1
}

# The archive and proxy the host's apt uses (tools/mirror.sh): the repo names no mirror.
default_mirror() {
	"$(dirname "$0")/../tools/mirror.sh" archive
}

# Unmount everything below $1 (debootstrap mounts proc/sys in the target and an interrupted
# run can leave them), deepest first, so removing the directory never reaches the host.
umount_below() {
	local dir mnt
	dir=$(realpath -m "$1")
	awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r | while read -r mnt; do
		umount -l "$mnt" 2>/dev/null || true
	done
}

remove_tree() {
	[[ -e $1 ]] || return 0
	umount_below "$1"
	rm -rf --one-file-system "$1"
}

# Make the rootfs fit a container: no systemd, services started by sysvinit scripts, no
# leftover state from the host or the build.
prepare() {
	local root=$1
	# `service` and the LSB helpers switch to systemctl when this directory exists.
	rm -rf "$root/run/systemd"
	# invoke-rc.d asks policy-rc.d; allow starts (101 would forbid them).
	rm -f "$root/usr/sbin/policy-rc.d"
	printf 'box\n' >"$root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
		>"$root/etc/hosts"
	: >"$root/etc/resolv.conf"
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_Packages
	rm -f "$root"/var/log/*.log "$root"/var/log/apt/*
}

bootstrap_pid=

stop_bootstrap() {
	if [[ -n $bootstrap_pid ]]; then
		kill -TERM -- "-$bootstrap_pid" 2>/dev/null || true
		wait "$bootstrap_pid" 2>/dev/null || true
	fi
	echo "debian.sh: interrupted; the partial build stays in a .tmp directory" >&2
	exit "$1"
}

main() {
	local dir="" suite=bookworm include="" mirror=""
	while (($#)); do
		case $1 in
		-h | --help) usage; exit 0 ;;
		--suite) suite=${2:?--suite needs a value}; shift ;;
		--include) include=${2:?--include needs a value}; shift ;;
		--mirror) mirror=${2:?--mirror needs a value}; shift ;;
		-*) usage >&2; die "unknown option '$1'" ;;
		*) [[ -z $dir ]] || die "one DIR only"; dir=$1 ;;
		esac
		shift
	done
	[[ -n $dir ]] || { usage >&2; exit 2; }
	[[ $(id -u) == 0 ]] || die "debootstrap needs root"
	command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
	[[ -n $mirror ]] || mirror=$(default_mirror) || die "no archive to build from: give --mirror URL"
	# debootstrap fetches with wget, which reads http_proxy; apt's own proxy setting does
	# not reach it, so pass that on.
	local proxy
	proxy=$("$(dirname "$0")/../tools/mirror.sh" proxy)
	if [[ -z ${http_proxy:-} && -n $proxy ]]; then
		export http_proxy=$proxy
	fi
	dir=${dir%/}

	# Even when DIR is up to date: a rootfs other users can reach is a setuid hole.
	private_parent "$dir" || die "cannot make the parent of '$dir' private"
	local want have=""
	want="suite=$suite include=$(tr ',' '\n' <<<"$include" | sed '/^$/d' | sort -u | paste -sd,)"
	# An empty directory (a fresh mount point, say) is as good as none.
	[[ -d $dir ]] && rmdir "$dir" 2>/dev/null || true
	if [[ -e $dir ]]; then
		[[ -f $dir/.box-rootfs ]] || die "'$dir' exists and was not built by debian.sh; not touching it"
		have=$(cat "$dir/.box-rootfs")
		if [[ $have == "$want" ]]; then
			echo "debian.sh: '$dir' is up to date ($want)"
			exit 0
		fi
	fi

	local tmp=$dir.tmp
	trap 'umount_below "'"$tmp"'"' EXIT
	remove_tree "$tmp"
	mkdir -p "$(dirname "$dir")"
	local start=$SECONDS
	echo "debian.sh: building '$dir' ($want) from $mirror"
	# In its own process group, so an interrupt stops all of it (dpkg included), not just
	# the shell at its top.
	setsid debootstrap --variant=minbase ${include:+--include="$include"} \
		"$suite" "$tmp" "$mirror" >"$tmp.log" 2>&1 &
	bootstrap_pid=$!
	trap 'stop_bootstrap 130' INT
	trap 'stop_bootstrap 143' TERM
	wait "$bootstrap_pid" ||
		{ tail -n 20 "$tmp.log" >&2; die "debootstrap failed (log: $tmp.log)"; }
	bootstrap_pid=
	umount_below "$tmp"
	prepare "$tmp"
	printf '%s\n' "$want" >"$tmp/.box-rootfs"
	# Swap in the complete tree; the old one (ours: it had a marker) goes only after that.
	if [[ -e $dir ]]; then
		remove_tree "$dir.old"
		mv "$dir" "$dir.old"
	fi
	mv "$tmp" "$dir"
	remove_tree "$dir.old"
	rm -f "$tmp.log"
	echo "debian.sh: '$dir' built in $((SECONDS - start)) s"
}

main "$@"
