#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mirror.sh [archive|security|proxy]: prints the Debian archive the host's apt uses, so that
# every build step that fetches from Debian (rootfs/debian.sh, tools/build-deps.sh,
# Dockerfile.build through bench/podman.sh) goes where the host's apt goes. The repo names no
# mirror of its own.
#   archive   the main archive's URL (the default)
#   security  the security archive's URL (empty when the host has none)
#   proxy     apt's HTTP proxy (Acquire::http::Proxy), empty when none is set
# BOX_DEBIAN_MIRROR and BOX_DEBIAN_SECURITY override what apt's configuration says.
# Reads deb822 files (/etc/apt/sources.list.d/*.sources) and one-line ones (sources.list,
# sources.list.d/*.list), in apt's own order; only entries of type deb for a Debian suite
# count (bookworm, bookworm-updates; the security suite for `security`).
set -euo pipefail

what=${1:-archive}
etc=${BOX_APT_ETC:-/etc/apt}

# Every "TYPE URL SUITE" of the host's sources, one per line, in the order apt reads them.
entries()
{
	local f
	for f in "$etc/sources.list" "$etc"/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		# deb [opt=val ...] URL SUITE COMPONENT...
		sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk 'NF >= 3 { print $1, $2, $3 }'
	done
	for f in "$etc"/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		# Stanzas separated by blank lines; Types, URIs and Suites may list several values.
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			types = uris = suites = ""; enabled = 1
			for (i = 1; i <= NF; i++) {
				line = $i
				if (line ~ /^#/) continue
				key = tolower(substr(line, 1, index(line, ":") - 1))
				val = substr(line, index(line, ":") + 1)
				if (key == "types") types = val
				else if (key == "uris") uris = val
				else if (key == "suites") suites = val
				else if (key == "enabled" && val ~ /no/) enabled = 0
			}
			if (!enabled) next
			nt = split(types, t, " "); nu = split(uris, u, " "); ns = split(suites, s, " ")
			for (a = 1; a <= nt; a++) for (b = 1; b <= nu; b++) for (c = 1; c <= ns; c++)
				print t[a], u[b], s[c]
		}' "$f"
	done
}

# The first deb entry whose suite matches the pattern.
first_url()
{
	entries | awk -v want="$1" '$1 == "deb" && $3 ~ want { sub("/+$", "", $2); print $2; exit }'
}

case $what in
archive)
	url=${BOX_DEBIAN_MIRROR:-$(first_url '^(bookworm|stable)(-updates)?$')}
	if [ -z "$url" ]; then
		echo "mirror.sh: no Debian archive (a deb entry for bookworm) in $etc/sources.list or" \
			"$etc/sources.list.d; set BOX_DEBIAN_MIRROR=URL" >&2
		exit 1
	fi
	echo "$url"
	;;
security)
	echo "${BOX_DEBIAN_SECURITY:-$(first_url '^(bookworm|stable)[-/]security$')}"
	;;
proxy)
	# apt-config prints nothing for an unset key.
	proxy=$(apt-config shell p Acquire::http::Proxy 2>/dev/null | sed -n "s/^p='\(.*\)'$/\1/p")
	[ "$proxy" = DIRECT ] && proxy=""
	echo "$proxy"
	;;
*)
	echo "usage: tools/mirror.sh [archive|security|proxy]" >&2
	exit 2
	;;
esac
