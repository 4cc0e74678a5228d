# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# badinput_lib.sh: the table machinery of the bad-input batteries (tests/*/test_badinput.sh),
# sourced after tests/lib.sh. A suite declares rows (row NAME KIND STATUS NEEDLE ARGS, or a
# table of "NAME | KIND | STATUS | NEEDLE | ARGS" lines), and defines run_row NAME; each row
# becomes one test, test_NAME, so every row counts in the suite's total. NEEDLE and ARGS are
# bash words expanded when the row runs ($FIX: the suite's fixtures, $L300: 300 letters).

FIX=
L300=$(printf 'a%.0s' {1..300})
declare -A BI_ROW=()

row()
{
	local name=$1
	[ -z "${BI_ROW[$name]:-}" ] || {
		echo "test_badinput.sh: row '$name' given twice" >&2
		exit 1
	}
	BI_ROW[$name]="$2"$'\t'"$3"$'\t'"$4"$'\t'"$5"
	eval "test_$name() { run_row $name; }"
}

table()
{
	local name kind status needle args
	while IFS='|' read -r name kind status needle args; do
		name=$(echo $name)
		case $name in '' | '#'*) continue ;; esac
		row "$name" "$(echo $kind)" "$(echo $status)" "$needle" "$args"
	done
}

# row_fields NAME: sets KIND, STATUS, NEEDLE (one string) and ARGS (an array) for the row.
row_fields()
{
	local needle args
	IFS=$'\t' read -r KIND STATUS needle args <<<"${BI_ROW[$1]}"
	eval "NEEDLE=($needle)"
	NEEDLE=${NEEDLE[*]}
	# Printed lines carry no control characters (common/log.c shows them as ?).
	NEEDLE=${NEEDLE//[$'\001'-$'\037']/?}
	eval "ARGS=($args)"
}

# assert_row_output PROG STATUS RC ERRFILE NEEDLE: the row's verdict. STATUS 0: the value is
# valid, nothing on stderr. Otherwise exactly one line, PROG's, naming NEEDLE.
assert_row_output()
{
	local prog=$1 status=$2 rc=$3 err=$4 needle=$5 line
	assertEquals "exit status (stderr: $(head -c 300 "$err"))" "$status" "$rc"
	if [ "$status" = 0 ]; then
		assertEquals "nothing on stderr" "" "$(cat "$err")"
		return
	fi
	assertEquals "one line on stderr, got: $(head -c 600 "$err")" 1 "$(grep -c '' "$err")"
	line=$(head -n 1 "$err")
	assertTrue "the line is from $prog: $line" "[[ \$line =~ ^($prog): ]]"
	assertTrue "the line names $needle: $line" "grep -qF -- \"\$needle\" '$err'"
}

# Values of each class, for counts, sizes and durations alike. "huge" is past what the
# option can mean; "overflow" past 2^64.
value_classes()
{
	cat <<-'EOF'
	empty     ''
	negative  -1
	zero      0
	huge      99999999999999999999
	nonnum    abc
	overflow  18446744073709551616
	garbage   5x
	space     ' 5'
	EOF
}

# The rows of -c FILE that boxinit and launch refuse alike (launch parses the file with
# boxinit's parser before it makes anything), naming the user's FILE and line; the fixtures
# are make_conf_fixtures'. The last two are found inside the container under launch (users
# and programs are the container's, volumes included): the message still names the user's
# file. Each suite reads them with `table < <(conf_rows)`.
conf_rows()
{
	cat <<'EOF'
conf_missing          | o | 125 | "$FIX/missing.conf"       | -c "$FIX/missing.conf"
conf_directory        | o | 125 | "$FIX/dir.conf"           | -c "$FIX/dir.conf"
conf_fifo             | o | 125 | "$FIX/fifo.conf"          | -c "$FIX/fifo.conf"
conf_binary_garbage   | o | 125 | "$FIX/garbage.conf:1:"    | -c "$FIX/garbage.conf"
conf_1mb_line         | o | 125 | "$FIX/longline.conf:2:"   | -c "$FIX/longline.conf"
conf_over_1mib        | o | 125 | "$FIX/huge.conf"          | -c "$FIX/huge.conf"
conf_unterminated_quote | o | 125 | "$FIX/quote.conf:2:"    | -c "$FIX/quote.conf"
conf_duplicate_section | o | 125 | "$FIX/dup.conf:4:"       | -c "$FIX/dup.conf"
conf_duplicate_section_apart | o | 125 | "$FIX/dup-apart.conf:6:" | -c "$FIX/dup-apart.conf"
conf_dependency_cycle | o | 125 | "$FIX/cycle.conf:3:"      | -c "$FIX/cycle.conf"
conf_self_dependency  | o | 125 | "$FIX/self.conf:3:"       | -c "$FIX/self.conf"
conf_unknown_dependency | o | 125 | "$FIX/unknown-dep.conf:3:" | -c "$FIX/unknown-dep.conf"
conf_broken_section   | o | 125 | "$FIX/section.conf:1:"    | -c "$FIX/section.conf"
conf_key_outside_section | o | 125 | "$FIX/nosection.conf:1:" | -c "$FIX/nosection.conf"
conf_unknown_key      | o | 125 | "$FIX/key.conf:3:"        | -c "$FIX/key.conf"
conf_timeout_overflow | o | 125 | "$FIX/timeout.conf:3:"    | -c "$FIX/timeout.conf"
conf_port_out_of_range | o | 125 | "$FIX/port.conf:3:"      | -c "$FIX/port.conf"
conf_negative_failures | o | 125 | "$FIX/failures.conf:3:"  | -c "$FIX/failures.conf"
conf_signal_zero      | o | 125 | "$FIX/signal.conf:3:"     | -c "$FIX/signal.conf"
conf_300_char_name    | o | 125 | "$FIX/longname.conf:2:"   | -c "$FIX/longname.conf"
conf_slash_in_name    | o | 125 | "$FIX/slash.conf:2:"      | -c "$FIX/slash.conf"
conf_control_char_in_name | o | 125 | "$FIX/control.conf:2:" | -c "$FIX/control.conf"
conf_unknown_user     | o | 125 | "$FIX/user.conf:3:"       | -c "$FIX/user.conf"
conf_missing_program  | o | 125 | "$FIX/program.conf:2:"    | -c "$FIX/program.conf"
EOF
}

# Malformed boxinit.conf files, in $FIX.
make_conf_fixtures()
{
	local i
	: >"$FIX/empty.conf"
	# Binary garbage: the start of an ELF file (the probe).
	head -c 4096 "$PROBE" >"$FIX/garbage.conf"
	{
		echo '[a]'
		printf 'command = /bin/true '
		head -c 1000000 /dev/zero | tr '\0' x
		echo
	} >"$FIX/longline.conf"
	{
		echo '[a]'
		for i in $(seq 1100); do printf 'command = /bin/true %01000d\n' 0; done
	} >"$FIX/huge.conf"
	printf '[a]\ncommand = "/bin/true\n' >"$FIX/quote.conf"
	printf '[a]\ncommand = /bin/true\n[a]\ncommand = /bin/true\n' >"$FIX/dup.conf"
	printf '[a]\ncommand = /bin/true\n[b]\ncommand = /bin/true\n[a]\nuser = root\n' \
		>"$FIX/dup-apart.conf"
	printf '[a]\ncommand = /bin/true\ndepends = b\n[b]\ncommand = /bin/true\ndepends = a\n' \
		>"$FIX/cycle.conf"
	printf '[a]\ncommand = /bin/true\ndepends = a\n' >"$FIX/self.conf"
	printf '[a]\ncommand = /bin/true\ndepends = nosuch\n' >"$FIX/unknown-dep.conf"
	printf '[a\ncommand = /bin/true\n' >"$FIX/section.conf"
	printf 'command = /bin/true\n' >"$FIX/nosection.conf"
	printf '[a]\ncommand = /bin/true\nbogus = 1\n' >"$FIX/key.conf"
	printf '[a]\ncommand = /bin/true\nstop-timeout = 99999999999999999999\n' >"$FIX/timeout.conf"
	printf '[a]\ncommand = /bin/true\nready-port = 70000\n' >"$FIX/port.conf"
	printf '[a]\ncommand = /bin/true\nmax-failures = -1\n' >"$FIX/failures.conf"
	printf '[a]\ncommand = /bin/true\nstop-signal = 0\n' >"$FIX/signal.conf"
	printf '[%s]\ncommand = /bin/true\n' "$L300" >"$FIX/longname.conf"
	printf '[a/b]\ncommand = /bin/true\n' >"$FIX/slash.conf"
	printf '[a\001b]\ncommand = /bin/true\n' >"$FIX/control.conf"
	printf '[a]\ncommand = /bin/true\nuser = nosuchuser\n' >"$FIX/user.conf"
	printf '[a]\ncommand = /no/such/program\n' >"$FIX/program.conf"
}

# shunit2 finds tests by reading the script: the rows' tests are made at run time.
suite()
{
	add_defined_tests
}
