#!/bin/bash
# SPDX-License-Identifier: MIT
# The bad-input battery of boxinit: every option that takes a value (empty, negative, zero,
# huge, non-numeric, overflowing, trailing garbage), -c files that are missing, empty,
# unreadable or malformed, and options that need others. Each row of the tables is one test:
# boxinit exits with the row's status (125: boxinit's own failure; 126/127: the command
# cannot be run or found) with exactly one line on stderr naming the offending value or file,
# and starts nothing (the row checks that the command never ran; lib.sh's leak check finds
# any process left).
#
# A row: NAME | KIND | STATUS | NEEDLE | ARGS (tests/badinput_lib.sh).
# KIND o: boxinit ARGS -- touch $FIX/ran-ROW (the command leaves a trace)
#      r: boxinit ARGS
#      u: as o, run as uid 65534 (nobody)
# STATUS 0 marks a value valid on purpose: the command then runs and boxinit says nothing.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/../badinput_lib.sh"

box_suite_setup()
{
	FIX=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.badinput.XXXXXX") || return 0
	# Searchable by nobody (the unreadable row), readable by root only.
	chmod 0711 "$FIX"
	make_conf_fixtures
	printf '[a]\ncommand = /bin/true\n' >"$FIX/unreadable.conf"
	chmod 0000 "$FIX/unreadable.conf"
	mkfifo "$FIX/fifo.conf"
	mkdir "$FIX/dir.conf"
}

box_suite_teardown()
{
	[ -n "$FIX" ] && rm -rf --one-file-system "$FIX"
	return 0
}

# --- the tables -------------------------------------------------------------------------------

# The options with numbers, one row per value class. ZERO says whether 0 is valid, and why.
#   option         zero  why
numeric_options()
{
	cat <<-'EOF'
	grace          ok    no grace: a stop kills at once
	control-fd     bad   0, 1 and 2 are the command's stdio, never launch's socket
	user           ok    uid 0 is root's
	EOF
}

numeric_rows()
{
	local opt zero why cls val name
	while read -r opt zero why; do
		while read -r cls val; do
			name=opt_${opt//-/_}_$cls
			if [ "$cls" = zero ] && [ "$zero" = ok ]; then
				row "$name" o 0 "''" "--$opt $val"
			else
				row "$name" o 125 "\"--$opt '\"$val\"'\"" "--$opt $val"
			fi
		done < <(value_classes)
	done < <(numeric_options)
}

numeric_rows

table <<'EOF'
user_trailing_colon   | o | 125 | "--user '1:'"             | --user 1:
user_garbage_gid      | o | 125 | "--user '1:x'"            | --user 1:x
user_uid_minus_one    | o | 125 | "--user '4294967295'"     | --user 4294967295
user_name             | o | 125 | "--user 'root'"           | --user root
workdir_empty         | o | 125 | "--workdir ''"            | --workdir ''
workdir_missing       | o | 125 | "'/no/such/dir'"          | --workdir /no/such/dir
workdir_a_file        | o | 125 | "'/etc/passwd'"           | --workdir /etc/passwd
cap_add_empty         | o | 125 | "--cap-add ''"            | --cap-add ''
cap_add_bogus         | o | 125 | "--cap-add 'BOGUS'"       | --cap-add BOGUS
cap_add_number        | o | 125 | "--cap-add '0'"           | --cap-add 0
cap_add_trailing_comma | o | 125 | "--cap-add 'CHOWN,'"     | --cap-add CHOWN,
cap_drop_empty        | o | 125 | "--cap-drop ''"           | --cap-drop ''
cap_drop_garbage      | o | 125 | "--cap-drop 'CHOWN x'"    | --cap-drop 'CHOWN x'
service_empty         | o | 125 | "--service ''"            | --service ''
service_no_name       | o | 125 | "'=/bin/true'"            | --service =/bin/true
service_no_command    | o | 125 | "'a='"                    | --service a=
service_300_char_name | o | 125 | "'$L300=/bin/true'"       | --service "$L300=/bin/true"
service_slash_in_name | o | 125 | "'a/b=/bin/true'"         | --service a/b=/bin/true
service_newline_in_name | o | 125 | "'a?b=/bin/true'"       | --service $'a\nb=/bin/true'
service_twice         | o | 125 | "declared twice"          | --service a=/bin/true --service a=/bin/true
service_unterminated_quote | o | 125 | "unterminated"     | --service "a=/bin/echo 'x"
config_name_empty     | o | 125 | "--config-name ''"        | --config-name ''
config_empty_name     | o | 125 | "--config ''"             | -c ''
long_option_value_given_to_a_flag | o | 125 | "'--keep-running'" | --keep-running=yes
unknown_option        | o | 125 | "'--bogus'"               | --bogus
unknown_short_option  | o | 125 | "'-x'"                    | -x
option_without_value  | r | 125 | "'--grace'"               | --grace
tty_without_container | o | 125 | "'--tty'"                 | --tty
mounted_without_container | o | 125 | "'--mounted'"       | --mounted
no_command            | r | 125 | "missing command"         |
command_not_found     | r | 127 | "'/no/such/program'"      | -- /no/such/program
command_is_a_directory | r | 126 | "'/etc'"                 | -- /etc
command_not_executable | r | 126 | "'/etc/passwd'"          | -- /etc/passwd
command_empty         | r | 127 | "''"                      | -- ''

# -c FILE: every message names the file and the line.
conf_unreadable       | u | 125 | "$FIX/unreadable.conf"    | -c "$FIX/unreadable.conf"
conf_empty_no_command | r | 125 | "$FIX/empty.conf"         | -c "$FIX/empty.conf"
# --config-name: what launch passes, so that messages name the user's file, not the path
# boxinit reads.
conf_named_for_messages | o | 125 | "/home/u/my.conf:3:"    | -c "$FIX/cycle.conf" --config-name /home/u/my.conf
EOF
# The boxinit.conf rows boxinit and launch (which parses -c FILE first) share.
table < <(conf_rows)

# --- running a row ------------------------------------------------------------------------------

run_row()
{
	local trace=$FIX/ran-$1 cmd=()
	row_fields "$1"
	rm -f "$trace"
	case $KIND in
	o | u) cmd=("$BOXINIT" "${ARGS[@]}" -- touch "$trace") ;;
	r) cmd=("$BOXINIT" "${ARGS[@]}") ;;
	esac
	if [ "$KIND" = u ]; then
		require_command setpriv || return 0
		cmd=(setpriv --reuid=65534 --regid=65534 --clear-groups "${cmd[@]}")
	fi
	timeout -k 5 30 "${cmd[@]}" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	assert_row_output boxinit "$STATUS" "$?" "$TEST_TMP/err" "$NEEDLE"
	if [ "$KIND" != r ] && [ "$STATUS" = 0 ]; then
		assertTrue "the command ran" "[ -e '$trace' ]"
	elif [ "$KIND" != r ]; then
		assertFalse "the command never ran" "[ -e '$trace' ]"
	fi
	rm -f "$trace"
}

. "$SHUNIT2"
