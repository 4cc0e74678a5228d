# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# private.sh: sourced by the rootfs scripts. private_parent DIR makes the directory that
# holds DIR mode 0700 (creating it if needed), so no other user of the host can reach what
# a container leaves in its rootfs: root in the container can leave a setuid-root copy of
# a shell there, or a device node, and any host user who can reach the file could run or
# open it. The rootfs itself keeps its own mode (it is the container's "/"). A parent
# shared by nature (/, a sticky directory like /tmp, a top-level directory such as /srv or
# /home) is left alone, with a warning to keep the rootfs in a directory of its own.
private_parent()
{
	_pp_parent=$(dirname -- "$1")
	mkdir -p -- "$_pp_parent" || return 1
	_pp_real=$(cd -- "$_pp_parent" && pwd -P) || return 1
	if [ -k "$_pp_real" ] || [ "$(dirname -- "$_pp_real")" = / ] || [ "$_pp_real" = / ]; then
		echo "$(basename -- "$0"): warning: '$_pp_real' is shared: other users of this host" \
			"may reach '$1'; keep the rootfs in a directory of its own (mode 0700)" >&2
		return 0
	fi
	chmod 0700 -- "$_pp_real"
}
