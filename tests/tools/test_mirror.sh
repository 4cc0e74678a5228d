#!/bin/bash
# SPDX-License-Identifier: MIT
# tools/mirror.sh: the Debian archive every fetching build step uses comes from the host's apt
# configuration (one-line and deb822 files), an override, or a one-line error; the repository
# itself names no mirror host.
. "$(dirname "$0")/../lib.sh"

MIRROR=$BOX_ROOT/tools/mirror.sh

box_setup()
{
	mkdir -p "$TEST_TMP/apt/sources.list.d"
	unset BOX_DEBIAN_MIRROR BOX_DEBIAN_SECURITY
}

mirror()
{
	BOX_APT_ETC=$TEST_TMP/apt "$MIRROR" "$@"
}

test_one_line_sources_with_options_and_comments()
{
	cat >"$TEST_TMP/apt/sources.list" <<-'E'
		# deb http://commented.invalid/debian bookworm main
		deb-src http://src.invalid/debian bookworm main
		deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://one.invalid/debian/ bookworm main # note
		deb http://sec.invalid/debian-security bookworm-security main
	E
	assertEquals "http://one.invalid/debian" "$(mirror)"
	assertEquals "http://sec.invalid/debian-security" "$(mirror security)"
}

test_deb822_sources_several_values_and_disabled_stanzas()
{
	cat >"$TEST_TMP/apt/sources.list.d/a.sources" <<-'E'
		Types: deb
		URIs: http://off.invalid/debian
		Suites: bookworm
		Components: main
		Enabled: no

		Types: deb-src deb
		URIs: http://two.invalid/debian http://three.invalid/debian
		Suites: bookworm-updates bookworm
		Components: main

		Types: deb
		URIs: http://sec.invalid/debian-security/
		Suites: bookworm-security
	E
	assertEquals "http://two.invalid/debian" "$(mirror)"
	assertEquals "http://sec.invalid/debian-security" "$(mirror security)"
}

test_the_environment_overrides_apt()
{
	echo 'deb http://one.invalid/debian bookworm main' >"$TEST_TMP/apt/sources.list"
	assertEquals "http://env.invalid/d" "$(BOX_DEBIAN_MIRROR=http://env.invalid/d mirror)"
}

test_no_archive_is_one_line_and_exit_1()
{
	local out rc
	echo 'deb http://other.invalid/x trixie main' >"$TEST_TMP/apt/sources.list"
	out=$(mirror 2>&1 >/dev/null)
	rc=$?
	assertEquals "exit" 1 "$rc"
	assertEquals "one line" 1 "$(printf '%s\n' "$out" | wc -l)"
	assertContains "$out" "BOX_DEBIAN_MIRROR"
	assertEquals "no security archive: empty" "" "$(mirror security)"
}

test_this_hosts_apt_gives_an_archive()
{
	local url
	if ! compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null && [ ! -s /etc/apt/sources.list ]; then
		skip_test "this machine has no apt sources"
		return 0
	fi
	url=$("$MIRROR") || fail "tools/mirror.sh found no archive in the host's apt configuration"
	assertTrue "a URL: '$url'" '[[ $url =~ ^(https?|file|ftp)://[^[:space:]]+$ ]]'
}

# The issue's rule: the build, the rootfs and the podman proof go wherever the host's apt goes.
test_the_repository_names_no_mirror_host()
{
	local hits
	if ! git -C "$BOX_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		skip_test "not a git checkout"
		return 0
	fi
	hits=$(git -C "$BOX_ROOT" grep -nE "(deb|archive|security|ftp)\.(debian|ubuntu)\.(org|com)" \
		-- . ':!tests/tools/test_mirror.sh' 2>/dev/null)
	assertEquals "mirror hosts in the tree" "" "$hits"
}

. "$SHUNIT2"
