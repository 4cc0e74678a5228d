# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# rootless_lib.sh: an ordinary user for the rootless suites (sourced after tests/lib.sh): made
# by the suite (useradd --system, no home), given a directory of its own with a copy of the
# test rootfs and an XDG_RUNTIME_DIR, and removed at the end with everything it left. Its
# processes are the suite's own (the suite made the user), so they are killed by uid.

RL_USER=bxr$$
RL_DIR=
RL_UID=
RL_GID=

# rootless_user_setup ROOTFS: the user, its directory ($RL_DIR: run/ as its
# XDG_RUNTIME_DIR, rootfs/ a copy of ROOTFS that is the user's). Left unset when it cannot be
# made (rl_require then fails the tests).
rootless_user_setup()
{
	[ "$(id -u)" = 0 ] && command -v useradd >/dev/null && command -v setpriv >/dev/null ||
		return 0
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
		"$RL_USER" || return 0
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	# The user's own copy of the rootfs: its files are the user's, so root's inside.
	RL_DIR=$(mktemp -d /tmp/box-rootless.XXXXXX)
	chmod 0755 "$RL_DIR"
	mkdir -p "$RL_DIR/run" && chmod 0700 "$RL_DIR/run"
	[ -n "$1" ] && cp -a "$1" "$RL_DIR/rootfs"
	chown -R "$RL_UID:$RL_GID" "$RL_DIR"
	return 0
}

# Kills what the user left, removes its directory, the user and its /etc/subuid lines.
rootless_user_teardown()
{
	[ -n "$RL_UID" ] && rl_kill_all
	[ -n "$RL_DIR" ] && rm -rf --one-file-system "$RL_DIR"
	[ -n "$RL_UID" ] && userdel "$RL_USER" 2>/dev/null
	sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid 2>/dev/null
	return 0
}

# The processes of the suite's user: this suite made the user, so they are its own.
rl_pids()
{
	local p
	for p in /proc/[0-9]*; do
		[ "$(stat -c %u "$p" 2>/dev/null)" = "$RL_UID" ] && echo "${p#/proc/}"
	done
}

rl_kill_all()
{
	local p
	for p in $(rl_pids); do kill -KILL "$p" 2>/dev/null; done
	wait_until 5 rl_no_pids
}

rl_no_pids()
{
	[ -z "$(rl_pids)" ]
}

rl_require()
{
	require_root || return 1
	if [ -z "$RL_UID" ] || [ ! -d "$RL_DIR/rootfs" ]; then
		fail "the suite's user or its rootfs could not be made"
		return 1
	fi
	return 0
}

# rl_env: the command line prefix that runs as the suite's user, in a clean environment.
rl_env()
{
	RL_ENV=(setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups --
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$RL_DIR" XDG_RUNTIME_DIR="$RL_DIR/run")
}

# After each test: none of the user's processes, nothing in its XDG_RUNTIME_DIR (the test
# fails otherwise, then it is cleaned).
rootless_check_left()
{
	if ! wait_until 10 rl_no_pids; then
		fail "the user's processes left: $(rl_pids | tr '\n' ' ')"
		rl_kill_all
	fi
	if [ -n "$(ls -A "$RL_DIR/run" 2>/dev/null)" ]; then
		fail "left in XDG_RUNTIME_DIR: $(find "$RL_DIR/run" -mindepth 1 | tr '\n' ' ')"
		rm -rf --one-file-system "${RL_DIR:?}/run/"*
	fi
}
