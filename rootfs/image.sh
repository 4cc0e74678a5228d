#!/bin/bash
# SPDX-License-Identifier: MIT
# image.sh IMAGE DIR: unpacks a container image into DIR, a rootfs for launch.
#
# IMAGE is an OCI image layout (a directory with oci-layout, optionally DIR:TAG), an OCI
# archive (podman save --format oci-archive), or a docker/podman save archive (the default
# format of `podman save`, `docker save`). skopeo turns any of them into an OCI layout;
# umoci applies its layers in order: whiteouts (.wh. files, opaque directories), owners,
# modes, links, all resolved inside the tree (a hostile layer cannot write outside it: its
# "../x", "/x", links out and whiteouts of ".." are refused or kept inside). Device nodes
# are not kept: a container gets launch's own /dev. The image's config (Env, WorkingDir,
# User, Entrypoint, Cmd, ExposedPorts) goes to DIR/.box-image.json.
#
# DIR must not exist, or be empty. Everything happens in a private directory next to DIR
# (mode 0700), renamed to DIR at the end; a failure leaves nothing.
set -euo pipefail

usage() { echo "usage: $0 IMAGE DIR" >&2; exit 2; }
die() { echo "image.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || usage
image=$1
dest=$2
[ -n "$image" ] && [ -n "$dest" ] || usage
for tool in skopeo umoci; do
	command -v "$tool" >/dev/null || die "missing '$tool': run 'make deps' (apt-get install $tool)"
done
if [ -e "$dest" ] || [ -L "$dest" ]; then
	[ -d "$dest" ] && [ ! -L "$dest" ] && [ -z "$(ls -A "$dest")" ] ||
		die "'$dest' exists and is not an empty directory"
fi

# The transport skopeo reads IMAGE with.
source_of()
{
	local path=${1%:*} listing
	if [ -d "$1" ] && [ -e "$1/oci-layout" ]; then
		echo "oci:$1"
	elif [ "$path" != "$1" ] && [ -d "$path" ] && [ -e "$path/oci-layout" ]; then
		echo "oci:$1"
	elif [ -f "$1" ]; then
		listing=$(tar -tf "$1" 2>/dev/null) || die "'$1' is no tar archive"
		if grep -qxE '(\./)?oci-layout' <<<"$listing"; then
			echo "oci-archive:$1"
		elif grep -qxE '(\./)?manifest\.json' <<<"$listing"; then
			echo "docker-archive:$1"
		else
			die "'$1' is neither an OCI archive (no oci-layout) nor a docker archive (no manifest.json)"
		fi
	else
		die "'$1' is no OCI layout, OCI archive or docker archive"
	fi
}

src=$(source_of "$image")
parent=$(dirname "$dest")
[ -d "$parent" ] || die "the parent of '$dest' does not exist"
work=$(mktemp -d "$parent/.image.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
chmod 0700 "$work"

skopeo copy --quiet "$src" "oci:$work/layout:box" >"$work/skopeo.log" 2>&1 ||
	die "read '$image': $(tail -n 1 "$work/skopeo.log")"
# The image's config: runtime defaults (the "config" object of the OCI image config).
skopeo inspect --config "oci:$work/layout:box" >"$work/config.json" 2>"$work/skopeo.log" ||
	die "read the config of '$image': $(tail -n 1 "$work/skopeo.log")"
python3 - "$work/config.json" "$work/box-image.json" <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    c = json.load(f).get("config") or {}
keep = ("Env", "WorkingDir", "User", "Entrypoint", "Cmd", "ExposedPorts")
with open(sys.argv[2], "w") as f:
    json.dump({k: c[k] for k in keep if c.get(k) not in (None, "", [], {})}, f, indent=1)
    f.write("\n")
EOF
umoci raw unpack --image "$work/layout:box" "$work/rootfs" >"$work/umoci.log" 2>&1 ||
	die "unpack '$image': $(tail -n 1 "$work/umoci.log" | sed 's/^[[:space:]]*⨯[[:space:]]*//')"
# No device node of an image's: launch makes the container's /dev.
find "$work/rootfs" -xdev \( -type b -o -type c \) -delete
cp "$work/box-image.json" "$work/rootfs/.box-image.json"
chmod 0644 "$work/rootfs/.box-image.json"
[ -d "$dest" ] && rmdir "$dest"
mv -T "$work/rootfs" "$dest"
