#!/bin/bash
# SPDX-License-Identifier: MIT
# The bad-input battery of box, the OCI runtime, driven directly as an engine would: global
# options, container ids with slashes, dots, control characters or 300 characters, bundles and
# config.json files that are missing, empty, binary garbage, cut short, too large, nested too
# deep, with duplicate keys or values of the wrong type, roots that are no container root,
# mounts whose target leads out through a symlink, and the commands' own values. Each row of
# the tables is one test: box fails with exactly one line naming the offending value, file or
# field (STATUS 0 marks input that is valid on purpose), and leaves nothing (no state directory; no cgroup, mount or process: launch_lib.sh's
# teardown checks them after every row).
#
# box's failures exit 1, not 125: that is runc's command line, which podman, conmon and
# containerd's shim are written against (a container's own status is passed through by
# `box run`, 127 for a command not found included).
#
# A row: NAME | KIND | STATUS | NEEDLE | ARGS (tests/badinput_lib.sh).
# KIND g: box ARGS (global options first, a command after)
#      c: box --root ROOT create ARGS <fresh id> (ARGS name the bundle)
#      i: box --root ROOT create --bundle $FIX/b-ok ARGS (ARGS end with the id)
#      x: box --root ROOT ARGS (the other commands)

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../launch/launch_lib.sh"
. "$(dirname "$0")/../badinput_lib.sh"

BOX=${BOX:-$BOX_BUILD/box}
OCI_ROOT=

box_suite_setup()
{
	[ -x "$PROBE" ] && BOX_ROOTFS=$(busybox_rootfs) || BOX_ROOTFS=
	OCI_ROOT=$(mktemp -d /tmp/box-oci-root.XXXXXX)
	FIX=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.badinput.XXXXXX") || return 0
	[ -x "$BOX" ] && [ -n "$BOX_ROOTFS" ] && make_bundles
}

box_suite_teardown()
{
	local d
	for d in "$OCI_ROOT"/*/; do
		[ -d "$d" ] && "$BOX" --root "$OCI_ROOT" delete --force "$(basename "$d")" 2>/dev/null
	done
	[ -n "$OCI_ROOT" ] && rm -rf "$OCI_ROOT"
	[ -n "$FIX" ] && rm -rf --one-file-system "$FIX"
	return 0
}

# The same rule as the launch battery: only this suite's cgroups count (the machine is shared).
eval "$(declare -f _bt_new_cgroups | sed '1s/_bt_new_cgroups/_bt_all_new_cgroups/')"
_bt_new_cgroups()
{
	_bt_all_new_cgroups | grep "/$BT_PREFIX-"
	return 0
}

# $FIX/b-NAME: a bundle whose config.json is `box spec`'s with one change (a python statement
# on c, the config), or whose config.json is replaced by raw bytes.
make_bundles()
{
	"$BOX" spec --bundle "$FIX" || return 1
	mv "$FIX/config.json" "$FIX/spec.json"
	: >"$FIX/file"
	mkfifo "$FIX/fifo"
	mkdir -p "$FIX/nobin/etc" "$FIX/vol"
	ln -s / "$FIX/root-link"
	mkdir "$FIX/rootfs" && cp -a "$BOX_ROOTFS/." "$FIX/rootfs/"
	ln -s / "$FIX/rootfs/tmp/to-root"
	ln -s ../../../../.. "$FIX/rootfs/tmp/up"
	python3 - "$FIX" "$BOX_ROOTFS" "$BOX_TEST_CGROUP_PARENT/$BT_PREFIX-oci" <<-'EOF'
	import json, os, sys
	fix, rootfs, cgroup = sys.argv[1:4]
	base = json.load(open(os.path.join(fix, "spec.json")))
	base["root"] = {"path": rootfs, "readonly": True}
	base["process"]["terminal"] = False
	base["process"]["args"] = ["true"]
	base["linux"]["cgroupsPath"] = cgroup
	edits = {
	    "ok": "pass",
	    "args-string": 'c["process"]["args"] = "true"',
	    "args-empty": 'c["process"]["args"] = []',
	    "process-array": 'c["process"] = []',
	    "root-path-number": 'c["root"]["path"] = 5',
	    "root-missing": 'del c["root"]',
	    "pids-string": 'c["linux"]["resources"] = {"pids": {"limit": "x"}}',
	    "pids-negative": 'c["linux"]["resources"] = {"pids": {"limit": -5}}',
	    "memory-float": 'c["linux"]["resources"] = {"memory": {"limit": 1.5}}',
	    "uid-negative": 'c["process"]["user"] = {"uid": -1, "gid": 0}',
	    "uid-overflow": 'c["process"]["user"] = {"uid": 2**40, "gid": 0}',
	    "hostname-long": 'c["hostname"] = "h" * 300',
	    "hostname-newline": 'c["hostname"] = "a\\nb"',
	    "rlimit-bogus": 'c["process"]["rlimits"] = [{"type": "RLIMIT_BOGUS", "hard": 1, "soft": 1}]',
	    "mount-relative": 'c["mounts"].append({"destination": "relative", "source": "/tmp", "type": "bind", "options": ["bind"]})',
	    "mount-link-to-root": 'c["mounts"].append({"destination": "/tmp/to-root", "source": os.path.join(fix, "vol"), "type": "bind", "options": ["rbind"]}); c["root"] = {"path": os.path.join(fix, "rootfs"), "readonly": False}',
	    "mount-link-up": 'c["mounts"].append({"destination": "/tmp/up", "source": os.path.join(fix, "vol"), "type": "bind", "options": ["rbind"]}); c["root"] = {"path": os.path.join(fix, "rootfs"), "readonly": False}',
	    "env-number": 'c["process"]["env"] = [5]',
	    "top-array": 'c = []',
	    "cgroup-escape": 'c["linux"]["cgroupsPath"] = "../../x"',
	    "cwd-relative": 'c["process"]["cwd"] = "relative"',
	    "root-link-to-host-root": 'c["root"] = {"path": os.path.join(fix, "root-link")}',
	    "root-file": 'c["root"] = {"path": os.path.join(fix, "file")}',
	    "root-fifo": 'c["root"] = {"path": os.path.join(fix, "fifo")}',
	    "root-missing-dir": 'c["root"] = {"path": os.path.join(fix, "no-such-rootfs")}',
	    "root-without-bin": 'c["root"] = {"path": os.path.join(fix, "nobin")}',
	    "namespace-bogus": 'c["linux"]["namespaces"].append({"type": "bogus"})',
	    "version-number": 'c["ociVersion"] = 1',
	}
	for name, edit in edits.items():
	    d = os.path.join(fix, "b-" + name)
	    os.mkdir(d)
	    c = json.loads(json.dumps(base))
	    exec(edit)
	    json.dump(c, open(os.path.join(d, "config.json"), "w"))
	text = json.dumps(base)
	raw = {
	    "empty": b"",
	    "garbage": open("/proc/self/exe", "rb").read(4096),
	    "cut": text[: len(text) // 2].encode(),
	    "duplicate-key": ('{"ociVersion": "1.0.0", ' + text[1:]).encode(),
	    "nested": b"[" * 100000 + b"]" * 100000,
	    "huge": ('{"annotations": {"a": "' + "y" * (5 << 20) + '"}, ' + text[1:]).encode(),
	    "long-line": ('{"annotations": {"a": "' + "y" * (1 << 20) + '"}, ' + text[1:]).encode(),
	}
	for name, data in raw.items():
	    d = os.path.join(fix, "b-" + name)
	    os.mkdir(d)
	    open(os.path.join(d, "config.json"), "wb").write(data)
	os.mkdir(os.path.join(fix, "b-no-config"))
	os.mkdir(os.path.join(fix, "b-config-dir"))
	os.mkdir(os.path.join(fix, "b-config-dir", "config.json"))
	os.mkdir(os.path.join(fix, "b-config-fifo"))
	os.mkfifo(os.path.join(fix, "b-config-fifo", "config.json"))
	EOF
	printf '{"pids": {"limit": "x"}}\n' >"$FIX/resources-type.json"
	printf '{"pids": {"limit": 10}}\n' >"$FIX/resources-ok.json"
	printf '{"pids": ' >"$FIX/resources-cut.json"
	printf '{"args": 5}\n' >"$FIX/process-type.json"
}

# --- the tables -------------------------------------------------------------------------------

table <<'EOF'
# Global options.
root_empty            | g | 1 | "--root: ''"               | --root '' state x
log_format_bogus      | g | 1 | "'xml'"                    | --log-format xml state x
log_format_empty      | g | 1 | "--log-format: ''"         | --log-format '' state x
log_empty             | g | 1 | "''"                       | --log '' state x
log_in_missing_dir    | g | 1 | "$FIX/no/such/box.log"     | --log "$FIX/no/such/box.log" state x
rootless_bogus        | g | 1 | "'maybe'"                  | --rootless maybe state x
rootless_empty        | g | 1 | "--rootless: ''"           | --rootless '' state x
root_without_value    | g | 1 | "'--root'"                 | --root
unknown_global_option | g | 1 | "'--bogus'"                | --bogus state x
unknown_command       | g | 1 | "'bogus'"                  | bogus x

# Container ids.
id_empty              | i | 1 | "''"                       | ''
id_slash              | i | 1 | "'a/b'"                    | a/b
id_dot                | i | 1 | "'.'"                      | .
id_dotdot             | i | 1 | "'..'"                     | ..
id_leading_dot        | i | 1 | "'.a'"                     | .a
id_newline            | i | 1 | "'a?b'"                    | $'a\nb'
id_escape_sequence    | i | 1 | "'?[31mred'"               | $'\e[31mred'
id_300_chars          | i | 1 | "'$L300'"                  | "$L300"
id_space              | i | 1 | "'a b'"                    | 'a b'
id_leading_dash       | i | 1 | "'-x'"                     | -- -x
id_two_given          | i | 1 | "one container id"         | a b

# Bundles and config.json.
bundle_missing        | c | 1 | "$FIX/no-such-bundle"      | --bundle "$FIX/no-such-bundle"
bundle_a_file         | c | 1 | "$FIX/file"                | --bundle "$FIX/file"
bundle_empty          | c | 1 | "--bundle: ''"             | --bundle ''
config_missing        | c | 1 | "$FIX/b-no-config"         | --bundle "$FIX/b-no-config"
config_a_directory    | c | 1 | "$FIX/b-config-dir"        | --bundle "$FIX/b-config-dir"
config_a_fifo         | c | 1 | "$FIX/b-config-fifo"       | --bundle "$FIX/b-config-fifo"
config_empty          | c | 1 | "config.json"              | --bundle "$FIX/b-empty"
config_binary_garbage | c | 1 | "config.json"              | --bundle "$FIX/b-garbage"
config_cut_short      | c | 1 | "config.json"              | --bundle "$FIX/b-cut"
config_duplicate_key  | c | 1 | "duplicate"                | --bundle "$FIX/b-duplicate-key"
config_deeply_nested  | c | 1 | "depth"                    | --bundle "$FIX/b-nested"
config_over_4mib      | c | 1 | "$FIX/b-huge"              | --bundle "$FIX/b-huge"
# A 1 MiB line is no problem in itself: the limit is the file's 4 MiB (and the state that
# keeps the config's annotations holds it).
config_1mib_line_is_valid | c | 0 | "''"                  | --bundle "$FIX/b-long-line"
config_top_level_array | c | 1 | "not a JSON object"       | --bundle "$FIX/b-top-array"
config_args_a_string  | c | 1 | "process.args"             | --bundle "$FIX/b-args-string"
config_args_empty     | c | 1 | "process.args"             | --bundle "$FIX/b-args-empty"
config_process_array  | c | 1 | "process:"                 | --bundle "$FIX/b-process-array"
config_root_path_number | c | 1 | "root.path"              | --bundle "$FIX/b-root-path-number"
config_root_missing   | c | 1 | "root"                     | --bundle "$FIX/b-root-missing"
config_pids_string    | c | 1 | "linux.resources.pids.limit" | --bundle "$FIX/b-pids-string"
config_pids_negative  | c | 1 | "linux.resources.pids.limit" | --bundle "$FIX/b-pids-negative"
config_memory_float   | c | 1 | "linux.resources.memory.limit" | --bundle "$FIX/b-memory-float"
config_uid_negative   | c | 1 | "process.user.uid"         | --bundle "$FIX/b-uid-negative"
config_uid_overflow   | c | 1 | "process.user.uid"         | --bundle "$FIX/b-uid-overflow"
config_hostname_300   | c | 1 | "hostname"                 | --bundle "$FIX/b-hostname-long"
config_hostname_newline | c | 1 | "hostname"               | --bundle "$FIX/b-hostname-newline"
config_rlimit_bogus   | c | 1 | "RLIMIT_BOGUS"             | --bundle "$FIX/b-rlimit-bogus"
config_mount_relative | c | 1 | "destination"              | --bundle "$FIX/b-mount-relative"
config_env_number     | c | 1 | "process.env[0]"           | --bundle "$FIX/b-env-number"
config_cgroup_escape  | c | 1 | "linux.cgroupsPath: '../../x'"              | --bundle "$FIX/b-cgroup-escape"
config_cwd_relative   | c | 1 | "process.cwd"              | --bundle "$FIX/b-cwd-relative"
config_namespace_bogus | c | 1 | "bogus"                   | --bundle "$FIX/b-namespace-bogus"
config_version_number | c | 1 | "ociVersion"               | --bundle "$FIX/b-version-number"
root_link_to_host_root | c | 1 | "root.path"               | --bundle "$FIX/b-root-link-to-host-root"
root_regular_file     | c | 1 | "$FIX/file"                | --bundle "$FIX/b-root-file"
root_fifo             | c | 1 | "$FIX/fifo"                | --bundle "$FIX/b-root-fifo"
root_missing          | c | 1 | "$FIX/no-such-rootfs"      | --bundle "$FIX/b-root-missing-dir"
mount_target_link_to_root | c | 1 | "'/tmp/to-root'"       | --bundle "$FIX/b-mount-link-to-root"
mount_target_link_up_and_out | c | 1 | "'/tmp/up'"         | --bundle "$FIX/b-mount-link-up"

# The commands' values.
preserve_fds_empty    | c | 1 | "--preserve-fds: ''"       | --bundle "$FIX/b-ok" --preserve-fds ''
preserve_fds_negative | c | 1 | "'-1'"                     | --bundle "$FIX/b-ok" --preserve-fds -1
preserve_fds_huge     | c | 1 | "'99999999999999999999'"   | --bundle "$FIX/b-ok" --preserve-fds 99999999999999999999
preserve_fds_garbage  | c | 1 | "'3x'"                     | --bundle "$FIX/b-ok" --preserve-fds 3x
preserve_fds_over_limit | c | 1 | "'1025'"                 | --bundle "$FIX/b-ok" --preserve-fds 1025
pid_file_empty        | c | 1 | "--pid-file: ''"           | --bundle "$FIX/b-ok" --pid-file ''
console_socket_without_terminal | c | 1 | "process.terminal" | --bundle "$FIX/b-ok" --console-socket "$FIX/no.sock"
unknown_create_option | c | 1 | "'--bogus'"                | --bundle "$FIX/b-ok" --bogus
kill_signal_bogus     | x | 1 | "'FOO'"                    | kill nosuch FOO
kill_signal_zero      | x | 1 | "'0'"                      | kill nosuch 0
kill_signal_huge      | x | 1 | "'99999999999999999999'"   | kill nosuch 99999999999999999999
kill_missing          | x | 1 | "'nosuch'"                 | kill nosuch
state_missing         | x | 1 | "'nosuch'"                 | state nosuch
state_bad_id          | x | 1 | "'a/b'"                    | state a/b
delete_bad_id         | x | 1 | "'..'"                     | delete ..
start_missing         | x | 1 | "'nosuch'"                 | start nosuch
exec_missing          | x | 1 | "'nosuch'"                 | exec nosuch true
# exec's values are checked before the container is looked up (and before anything runs).
exec_user_name        | x | 1 | "--user 'abc'"             | exec --user abc nosuch true
exec_user_negative    | x | 1 | "--user '-1'"              | exec --user -1 nosuch true
exec_user_garbage_gid | x | 1 | "--user '1:x'"             | exec --user 1:x nosuch true
exec_user_unchanged_id | x | 1 | "--user '4294967295'"     | exec --user 4294967295 nosuch true
exec_user_empty       | x | 1 | "--user ''"                | exec --user '' nosuch true
exec_cwd_relative     | x | 1 | "--cwd 'rel'"              | exec --cwd rel nosuch true
exec_cwd_empty        | x | 1 | "--cwd ''"                 | exec --cwd '' nosuch true
exec_env_no_name      | x | 1 | "--env '=x'"               | exec --env =x nosuch true
exec_env_empty        | x | 1 | "--env ''"                 | exec --env '' nosuch true
exec_pid_file_empty   | x | 1 | "--pid-file: ''"           | exec --pid-file '' nosuch true
exec_console_socket_empty | x | 1 | "--console-socket: ''" | exec --console-socket '' nosuch true
exec_preserve_fds_negative | x | 1 | "'-1'"               | exec --preserve-fds -1 nosuch true
exec_apparmor         | x | 1 | "--apparmor"               | exec --apparmor x nosuch true
exec_command_and_process | x | 1 | "exclusive"           | exec --process "$FIX/process-type.json" nosuch true
exec_process_missing  | x | 1 | "'nosuch'"                 | exec --process "$FIX/no-process.json" nosuch
update_wrong_type     | x | 1 | "$FIX/resources-type.json: pids.limit" | update --resources "$FIX/resources-type.json" nosuch
update_cut_short      | x | 1 | "$FIX/resources-cut.json"  | update --resources "$FIX/resources-cut.json" nosuch
update_missing        | x | 1 | "'nosuch'"                 | update --resources "$FIX/resources-ok.json" nosuch
ps_missing            | x | 1 | "'nosuch'"                 | ps nosuch
list_format_bogus     | x | 1 | "'yaml'"                   | list --format yaml
EOF

# --- running a row ------------------------------------------------------------------------------

run_row()
{
	require_root || return 0
	local id=$BT_PREFIX-$((++_bt_serial)) rc d
	row_fields "$1"
	case $KIND in
	g) timeout -k 5 30 "$BOX" "${ARGS[@]}" ;;
	c) timeout -k 5 30 "$BOX" --root "$OCI_ROOT" create "${ARGS[@]}" "$id" ;;
	i) timeout -k 5 30 "$BOX" --root "$OCI_ROOT" create --bundle "$FIX/b-ok" "${ARGS[@]}" ;;
	x) timeout -k 5 30 "$BOX" --root "$OCI_ROOT" "${ARGS[@]}" ;;
	esac </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	# A create that got far enough is deleted, however the row ends.
	[ "$KIND" = c ] && "$BOX" --root "$OCI_ROOT" delete --force "$id" >/dev/null 2>&1
	assert_row_output box "$STATUS" "$rc" "$TEST_TMP/err" "$NEEDLE"
	assertEquals "no container state left" "" "$(ls -A "$OCI_ROOT" 2>/dev/null)"
	# What a failed row left goes, so the next row starts clean.
	for d in "$OCI_ROOT"/*/; do
		[ -d "$d" ] || continue
		"$BOX" --root "$OCI_ROOT" delete --force "$(basename "$d")" >/dev/null 2>&1
		rm -rf "$d"
	done
}

. "$SHUNIT2"
