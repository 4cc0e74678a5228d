#!/bin/bash
# SPDX-License-Identifier: MIT
# Packaging: the man pages (built by scdoc from doc/) name every option --help names and no
# other; make install puts binaries, pages and the bash completion under DESTDIR/PREFIX and
# make uninstall removes exactly that; the completion offers commands, options and names.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

MAN_DIR=$BOX_BUILD/man

# The option words (-x, --long-name) of a text on stdin, sorted, one a line.
option_words()
{
	grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[^-]*//' | sort -u
}

# The options of the manual page $1 as man renders it (roff escapes undone).
man_options()
{
	MANWIDTH=200 man -l "$1" 2>/dev/null | col -b | option_words
}

assert_same_options()
{
	local help=$1 page=$2 only
	only=$(comm -23 <(echo "$help") <(echo "$page") | tr '\n' ' ')
	assertEquals "$3: in --help, missing from the man page" "" "$only"
	only=$(comm -13 <(echo "$help") <(echo "$page") | tr '\n' ' ')
	assertEquals "$3: in the man page, not in --help" "" "$only"
}

test_launch_man_page_and_help_name_the_same_options()
{
	require_command man || return 0
	local help page
	help=$("$LAUNCH" --help | option_words)
	page=$(man_options "$MAN_DIR/launch.1")
	assertTrue "options found in --help" "[ $(echo "$help" | wc -l) -gt 60 ]"
	assert_same_options "$help" "$page" launch
}

test_boxinit_man_page_and_help_name_the_same_options()
{
	require_command man || return 0
	local help page
	help=$("$BOXINIT" --help | option_words)
	page=$(man_options "$MAN_DIR/boxinit.8")
	assertTrue "options found in --help" "[ $(echo "$help" | wc -l) -gt 15 ]"
	assert_same_options "$help" "$page" boxinit
}

test_boxinit_conf_page_names_every_key()
{
	require_command man || return 0
	local key missing=""
	for key in $(sed -n 's/^    {"\([a-z-]*\)", set_.*/\1/p' "$BOX_ROOT/init/svcconf.c"); do
		MANWIDTH=200 man -l "$MAN_DIR/boxinit.conf.5" 2>/dev/null | col -b |
			grep -qE "^ +$key\$" || missing="$missing $key"
	done
	assertEquals "keys of init/svcconf.c missing from boxinit.conf(5)" "" "$missing"
}

test_box_man_page_names_every_command_and_option()
{
	require_command man || return 0
	local page cmd opt
	page=$(MANWIDTH=200 man -l "$MAN_DIR/box.8" 2>/dev/null | col -b)
	for cmd in $("$BOX_BUILD/box" --help | sed -n 's/^ *\(commands:\)\{0,1\} *//p' | tr -d ',' | grep -v '^usage\|^An\|^See\|^\[' | tr ' ' '\n' | grep -E '^[a-z]+$'); do
		assertContains "box(8) names $cmd" "$page" "$cmd"
	done
	for opt in --root --log --log-format --debug --systemd-cgroup --rootless --bundle --pid-file \
		--console-socket --no-pivot --no-new-keyring --preserve-fds --detach --all --force \
		--process --tty --cwd --env --user --format --resources; do
		assertContains "box(8) names $opt" "$page" "$opt"
	done
}

test_install_and_uninstall()
{
	local dest=$TEST_TMP/dest files
	make -s -C "$BOX_ROOT" install DESTDIR="$dest" PREFIX=/usr/local >"$TEST_TMP/out" 2>&1
	assertEquals "make install (output: $(tail -5 "$TEST_TMP/out"))" 0 $?
	files=$(cd "$dest" && find . -type f | sort | tr '\n' ' ')
	assertEquals "installed files" "./usr/local/bin/box ./usr/local/bin/boxinit ./usr/local/bin/launch ./usr/local/share/bash-completion/completions/launch ./usr/local/share/man/man1/launch.1 ./usr/local/share/man/man5/boxinit.conf.5 ./usr/local/share/man/man8/box.8 ./usr/local/share/man/man8/boxinit.8 " "$files"
	assertTrue "the installed launch runs" "'$dest/usr/local/bin/launch' --version"
	assertTrue "the installed page renders" \
		"man -l '$dest/usr/local/share/man/man1/launch.1' 2>/dev/null | grep -q 'launch exec'"
	make -s -C "$BOX_ROOT" uninstall DESTDIR="$dest" PREFIX=/usr/local >"$TEST_TMP/out" 2>&1
	assertEquals "make uninstall" 0 $?
	assertEquals "no file left" "" "$(cd "$dest" && find . -type f)"
}

# complete WORDS...: what the completion offers for the command line WORDS (the last one
# is the word being completed), one a line.
complete_words()
{
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _launch
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BOX_ROOT/tools/launch.bash-completion" "$@"
}

test_bash_completion()
{
	require_root || return 0
	assertEquals "command words" "stats stop" "$(complete_words launch st | sort | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "options" "--memory --memory-swap" \
		"$(complete_words launch --me | sort | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "a command's options" "-t --time" \
		"$(complete_words launch stop - | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "--net modes" "veth" "$(complete_words launch --net v)"
	box_detach -- sleep 100 || return 0
	assertTrue "container names after a command: $(complete_words launch exec -it "")" \
		"complete_words launch exec -it '' | grep -qx '$BOX_NAME'"
	assertTrue "and after stop" "complete_words launch stop '${BOX_NAME%?}' | grep -qx '$BOX_NAME'"
	assertEquals "service actions" "restart" "$(complete_words launch service "$BOX_NAME" re)"
	box_cmd stop -t 1 "$BOX_NAME"
}

. "$SHUNIT2"
