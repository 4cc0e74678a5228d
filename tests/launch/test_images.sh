#!/bin/bash
# SPDX-License-Identifier: MIT
# rootfs/image.sh: an image podman built here (podman import of the busybox rootfs, in a
# private vfs storage) saved in each format (docker archive, OCI archive, OCI layout) unpacks
# into a rootfs that launch runs; layers crafted here apply in order (whiteouts, opaque
# directories, owners, modes, hard links; no device nodes); hostile layers ("../x", "/x",
# links out of the tree, whiteouts of "..") never write outside DIR; bad input is one line.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

IMAGE_SH=$BOX_ROOT/rootfs/image.sh
OCIGEN=$BOX_ROOT/tests/launch/ocigen.py
SUITE_DIR=
IMG=box-test-image-$$

box_suite_setup()
{
	[ -x "$PROBE" ] && BOX_ROOTFS=$(busybox_rootfs) || BOX_ROOTFS=
	SUITE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.images.XXXXXX") || return 0
}

box_suite_teardown()
{
	[ -n "$SUITE_DIR" ] || return 0
	[ -d "$SUITE_DIR/podman" ] && ipodman rmi --all --force >/dev/null 2>&1
	rm -rf --one-file-system "$SUITE_DIR"
	return 0
}

# podman with a storage of the suite's own (vfs): nothing global is read or written.
ipodman()
{
	local d=$SUITE_DIR/podman
	mkdir -p "$d/storage" "$d/run" "$d/tmp"
	[ -f "$d/registries.conf" ] || echo 'unqualified-search-registries = []' >"$d/registries.conf"
	CONTAINERS_REGISTRIES_CONF="$d/registries.conf" timeout -k 10 120 podman \
		--root "$d/storage" --runroot "$d/run" --tmpdir "$d/tmp" --storage-driver vfs \
		--events-backend none --cgroup-manager cgroupfs "$@"
}

# The image: the busybox rootfs, a file of its own, a config.
podman_image()
{
	[ -n "$(ipodman images -q "$IMG" 2>/dev/null)" ] && return 0
	mkdir -p "$SUITE_DIR/extra/etc" && echo from-podman >"$SUITE_DIR/extra/etc/image-marker"
	tar -C "$BOX_ROOTFS" --numeric-owner --exclude=./.box-rootfs-done -cf "$SUITE_DIR/rootfs.tar" . &&
		tar -C "$SUITE_DIR/extra" --numeric-owner --no-recursion -rf "$SUITE_DIR/rootfs.tar" \
			./etc/image-marker &&
		ipodman import --quiet --change 'CMD ["/bin/sh", "-c", "cat /etc/image-marker"]' \
			--change 'ENV GREETING=hello' --change 'WORKDIR /etc' \
			--change 'EXPOSE 8080/tcp' "$SUITE_DIR/rootfs.tar" "$IMG" >/dev/null
}

# image.sh IMAGE DIR, output in $TEST_TMP/out and err, RC set.
unpack()
{
	timeout -k 10 120 "$IMAGE_SH" "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	RC=$?
}

# ocigen LAYOUT SPEC: a crafted image (tests/launch/ocigen.py).
ocigen()
{
	python3 "$OCIGEN" "$1" "$2" || fail "ocigen: $2"
}

saved_image_runs()
{
	local format=$1 saved=$SUITE_DIR/saved-$1 dir=$TEST_TMP/rootfs
	require_root || return 0
	require_command podman || return 0
	require_command skopeo || return 0
	require_command umoci || return 0
	podman_image || { fail "podman import failed"; return 0; }
	rm -rf "$saved"
	ipodman save --quiet --format "$format" -o "$saved" "$IMG" >"$TEST_TMP/err" 2>&1 ||
		{ fail "podman save --format $format: $(cat "$TEST_TMP/err")"; return 0; }
	unpack "$saved" "$dir"
	assertEquals "image.sh $format: $(cat "$TEST_TMP/err")" 0 "$RC"
	assertEquals "the image's own file" from-podman "$(cat "$dir/etc/image-marker")"
	assertTrue "the config: $(cat "$dir/.box-image.json")" "python3 -c '
import json, sys
c = json.load(open(\"$dir/.box-image.json\"))
assert \"GREETING=hello\" in c[\"Env\"], c
assert c[\"WorkingDir\"] == \"/etc\", c
assert c[\"Cmd\"] == [\"/bin/sh\", \"-c\", \"cat /etc/image-marker\"], c
assert \"8080/tcp\" in c[\"ExposedPorts\"], c
'"
	ROOTFS=$dir box_run -- cat /etc/image-marker
	assertEquals "launch runs it: $(cat "$TEST_TMP/err")" from-podman "$(cat "$TEST_TMP/out")"
	# No command: the image's Cmd, in its WorkingDir, with its Env.
	ROOTFS=$dir box_run
	assertEquals "the image's command: $(cat "$TEST_TMP/err")" from-podman "$(cat "$TEST_TMP/out")"
	ROOTFS=$dir box_run -- sh -c 'echo "$GREETING $(pwd)"'
	assertEquals "its env and working directory" "hello /etc" "$(cat "$TEST_TMP/out")"
	assertEquals "nothing left next to DIR" "rootfs" "$(ls -A "$TEST_TMP" | grep -Ev '^(out|err)$' | tr '\n' ' ' | sed 's/ $//')"
}

test_a_docker_archive_from_podman_save_runs()
{
	saved_image_runs docker-archive
}

test_an_oci_archive_from_podman_save_runs()
{
	saved_image_runs oci-archive
}

test_an_oci_layout_from_podman_save_runs()
{
	saved_image_runs oci-dir
}

test_layers_apply_in_order_with_whiteouts_owners_and_modes()
{
	require_command skopeo || return 0
	require_command umoci || return 0
	local dir=$TEST_TMP/rootfs
	ocigen "$TEST_TMP/layout" '{"layers": [
		[{"name": "a", "type": "dir"}, {"name": "a/gone", "data": "1"},
		 {"name": "a/kept", "data": "2"}, {"name": "d", "type": "dir", "mode": 448},
		 {"name": "d/old", "data": "o"}, {"name": "s", "data": "suid", "mode": 2541,
		  "uid": 1234, "gid": 5678}, {"name": "dev", "type": "dir"},
		 {"name": "dev/sda", "type": "block", "major": 8, "minor": 0},
		 {"name": "dev/null", "type": "char", "major": 1, "minor": 3},
		 {"name": "fifo", "type": "fifo"}, {"name": "ln", "type": "symlink", "target": "/etc/shadow"}],
		[{"name": "a/.wh.gone"}, {"name": "d/.wh..wh..opq"}, {"name": "d/new", "data": "n"},
		 {"name": "a/kept", "data": "3"}, {"name": "a/hard", "type": "hardlink", "target": "a/kept"}]],
		"config": {"Entrypoint": ["/bin/sh"], "User": "1234:5678"}}'
	unpack "$TEST_TMP/layout" "$dir"
	assertEquals "image.sh: $(cat "$TEST_TMP/err")" 0 "$RC"
	assertFalse "a whiteout deletes" "[ -e '$dir/a/gone' ]"
	assertEquals "a later layer wins" 3 "$(cat "$dir/a/kept")"
	assertEquals "an opaque directory hides the lower one" new "$(ls "$dir/d")"
	assertEquals "and keeps its mode" 700 "$(stat -c %a "$dir/d")"
	assertEquals "owner and setuid mode kept" "4755 1234:5678" "$(stat -c '%a %u:%g' "$dir/s")"
	assertEquals "a hard link is one inode" "$(stat -c %i "$dir/a/kept")" "$(stat -c %i "$dir/a/hard")"
	assertEquals "a link stays a link" /etc/shadow "$(readlink "$dir/ln")"
	assertEquals "no device nodes" "" "$(find "$dir" -type b -o -type c)"
	assertTrue "a fifo is no device" "[ -p '$dir/fifo' ]"
	assertEquals "the config" '["/bin/sh"] 1234:5678' \
		"$(python3 -c "import json; c = json.load(open('$dir/.box-image.json')); print(json.dumps(c['Entrypoint']), c['User'])")"
}

# One hostile image: image.sh may refuse it or unpack it, but nothing outside DIR changes.
hostile()
{
	local name=$1 spec=$2 dir=$TEST_TMP/rootfs before
	before=$(cd "$SUITE_DIR" && find . -path ./podman -prune -o -printf '%p %y %s %T@\n' | sort)
	rm -rf "$TEST_TMP/layout" "$dir"
	ocigen "$TEST_TMP/layout" "${spec//@OUT@/$SUITE_DIR/outside}"
	unpack "$TEST_TMP/layout" "$dir"
	assertEquals "$name: the file outside" secret "$(cat "$SUITE_DIR/outside/secret")"
	assertEquals "$name: nothing else outside changed" "$before" \
		"$(cd "$SUITE_DIR" && find . -path ./podman -prune -o -printf '%p %y %s %T@\n' | sort)"
	assertEquals "$name: nothing written next to DIR" "" \
		"$(ls -A "$TEST_TMP" | grep -Ev '^(out|err|layout|rootfs)$')"
	if [ "$RC" != 0 ]; then
		assertEquals "$name: refused in one line: $(cat "$TEST_TMP/err")" 1 "$(wc -l <"$TEST_TMP/err")"
		assertFalse "$name: refused, no DIR" "[ -e '$dir' ]"
	fi
}

test_hostile_layers_never_write_outside_dir()
{
	require_command skopeo || return 0
	require_command umoci || return 0
	mkdir -p "$SUITE_DIR/outside" && echo secret >"$SUITE_DIR/outside/secret"
	hostile dotdot '[[{"name": "../../escape", "data": "x"}]]'
	hostile dotdot_inside '[[{"name": "a/../../../escape", "data": "x"}]]'
	hostile absolute '[[{"name": "@OUT@/escape", "data": "x"}]]'
	hostile absolute_symlink_then_write \
		'[[{"name": "l", "type": "symlink", "target": "@OUT@"}, {"name": "l/escape", "data": "x"}]]'
	hostile relative_symlink_next_layer '[[{"name": "l", "type": "symlink",
		"target": "../../../../../../../../@OUT@"}], [{"name": "l/escape", "data": "x"}]]'
	hostile symlink_overwrite '[[{"name": "l", "type": "symlink", "target": "@OUT@/secret"}],
		[{"name": "l", "data": "overwritten"}]]'
	hostile hardlink_out_relative \
		'[[{"name": "h", "type": "hardlink", "target": "../../../../../../@OUT@/secret"}]]'
	hostile hardlink_out_absolute '[[{"name": "h", "type": "hardlink", "target": "@OUT@/secret"}]]'
	hostile whiteout_through_symlink '[[{"name": "l", "type": "symlink", "target": "@OUT@"}],
		[{"name": "l/.wh.secret"}]]'
	hostile whiteout_of_dotdot '[[{"name": ".wh.."}]]'
	hostile whiteout_of_dotdot_below \
		'[[{"name": "a", "type": "dir"}, {"name": "a/x", "data": "x"}], [{"name": "a/.wh..."}]]'
	hostile opaque_through_symlink '[[{"name": "l", "type": "symlink", "target": "@OUT@"}],
		[{"name": "l/.wh..wh..opq"}]]'
}

# A rootfs of the busybox one with ROOTFS/.box-image.json as given ($1), run with launch's
# options $2...: sets BOX_RC, out, err.
with_image_config()
{
	local conf=$1
	shift
	rm -rf "$TEST_TMP/ir"
	cp -a "$BOX_ROOTFS" "$TEST_TMP/ir"
	printf '%s' "$conf" >"$TEST_TMP/ir/.box-image.json"
	ROOTFS=$TEST_TMP/ir box_run "$@"
}

test_image_config_gives_defaults_and_options_win()
{
	require_root || return 0
	local conf='{"Env": ["A=image", "B=image"], "WorkingDir": "/etc", "User": "nobody",
		"Entrypoint": ["/bin/sh", "-c"], "Cmd": ["echo $A $B $(pwd) $(id -u):$(id -g)"]}'
	with_image_config "$conf"
	assertEquals "the image's: $(cat "$TEST_TMP/err")" "image image /etc 65534:65534" "$(cat "$TEST_TMP/out")"
	with_image_config "$conf" -e B=option -w /tmp -u 7:8 -- 'echo $A $B $(pwd) $(id -u):$(id -g)'
	assertEquals "options win; CMD replaces Cmd, the Entrypoint stays: $(cat "$TEST_TMP/err")" \
		"image option /tmp 7:8" "$(cat "$TEST_TMP/out")"
	with_image_config "$conf" --entrypoint /bin/echo -- a b
	assertEquals "--entrypoint: $(cat "$TEST_TMP/err")" "a b" "$(cat "$TEST_TMP/out")"
	with_image_config '{"User": "1:nogroup", "Cmd": ["id"]}'
	assertTrue "a group by name: $(cat "$TEST_TMP/out" "$TEST_TMP/err")" \
		"grep -q 'uid=1 gid=65534' '$TEST_TMP/out'"
}

test_publish_all_publishes_the_images_exposed_ports()
{
	require_root || return 0
	require_command curl || return 0
	local port
	port=$(free_port)
	rm -rf "$TEST_TMP/ir" && cp -a "$BOX_ROOTFS" "$TEST_TMP/ir"
	mkdir -p "$TEST_TMP/ir/www" && echo served >"$TEST_TMP/ir/www/index.html"
	printf '{"ExposedPorts": {"%s/tcp": {}, "53/udp": {}}, "Cmd": ["httpd", "-f", "-p", "%s", "-h", "/www"]}' \
		"$port" "$port" >"$TEST_TMP/ir/.box-image.json"
	ROOTFS=$TEST_TMP/ir box_start --net veth -P || return 0
	assertTrue "the exposed port answers on 127.0.0.1:$port: $(cat "$TEST_TMP/err")" \
		"wait_until 10 curl -sf --max-time 2 -o '$TEST_TMP/page' http://127.0.0.1:$port/"
	assertEquals served "$(cat "$TEST_TMP/page" 2>/dev/null)"
	assertTrue "udp is said, not published: $(cat "$TEST_TMP/err")" \
		"grep -q \"'53/udp' not published\" '$TEST_TMP/err'"
	kill -TERM "$BOX_PID"
	box_wait 20
	# Without -P nothing is published; -P without a network of its own is refused.
	ROOTFS=$TEST_TMP/ir box_run -P -- true
	assert_launch_error "-P without --net veth"
}

test_a_bad_image_config_is_one_line_naming_the_file()
{
	require_root || return 0
	local why conf
	while IFS='|' read -r why conf; do
		with_image_config "$conf" -- true
		assert_launch_error "$why"
		assertTrue "$why: names the file: $(cat "$TEST_TMP/err")" \
			"grep -q '$TEST_TMP/ir/.box-image.json' '$TEST_TMP/err'"
	done <<-'EOF'
		not JSON|{"Env": [
		not an object|[1, 2]
		Env not an array|{"Env": "A=1"}
		Cmd with a number|{"Cmd": ["sh", 1]}
		a NUL in an argument|{"Cmd": ["a\u0000b"]}
		duplicate key|{"Cmd": ["a"], "Cmd": ["b"]}
		WorkingDir relative|{"WorkingDir": "etc"}
		unknown user|{"User": "nosuchuser"}
		unknown group|{"User": "root:nosuchgroup"}
		uid out of range|{"User": "4294967295"}
		ExposedPorts not an object|{"ExposedPorts": ["80/tcp"]}
	EOF
	with_image_config '{}' -- true
	assertEquals "an empty config is no error: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	with_image_config '{}'
	assert_launch_error "no command anywhere"
	# The file is read inside the rootfs: a link cannot make launch read the host's.
	rm "$TEST_TMP/ir/.box-image.json" && ln -s /etc/passwd "$TEST_TMP/ir/.box-image.json"
	ROOTFS=$TEST_TMP/ir box_run -- true
	assert_launch_error "a link"
	# A fifo holds nobody up: launch does not wait for a writer.
	rm "$TEST_TMP/ir/.box-image.json" && mkfifo "$TEST_TMP/ir/.box-image.json"
	BT_TIMEOUT=20 ROOTFS=$TEST_TMP/ir box_run -- true
	assert_launch_error "a fifo"
	rm "$TEST_TMP/ir/.box-image.json" "$TEST_TMP/ir/etc/group" && mkfifo "$TEST_TMP/ir/etc/group"
	BT_TIMEOUT=20 ROOTFS=$TEST_TMP/ir box_run -- true
	assertEquals "a fifo for /etc/group: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	head -c 2000000 /dev/zero | tr '\0' ' ' >"$TEST_TMP/ir/.box-image.json.big" &&
		mv -f "$TEST_TMP/ir/.box-image.json.big" "$TEST_TMP/ir/.box-image.json"
	ROOTFS=$TEST_TMP/ir box_run -- true
	assert_launch_error "2 MB"
}

test_bad_input_is_one_line_and_leaves_nothing()
{
	local why
	require_command skopeo || return 0
	require_command umoci || return 0
	: >"$TEST_TMP/empty"
	echo junk >"$TEST_TMP/junk"
	mkdir "$TEST_TMP/full" && : >"$TEST_TMP/full/x"
	ocigen "$TEST_TMP/layout" '[[{"name": "f", "data": "x"}]]'
	while IFS='|' read -r why img dir; do
		unpack "$img" "$dir"
		assertEquals "$why: status: $(cat "$TEST_TMP/err")" 1 "$RC"
		assertEquals "$why: one line: $(cat "$TEST_TMP/err")" 1 "$(wc -l <"$TEST_TMP/err")"
		assertTrue "$why: names what: $(cat "$TEST_TMP/err")" "grep -q '^image.sh: ' '$TEST_TMP/err'"
	done <<-EOF
		missing image|$TEST_TMP/nosuch|$TEST_TMP/d1
		not a tar|$TEST_TMP/junk|$TEST_TMP/d2
		empty file|$TEST_TMP/empty|$TEST_TMP/d3
		a directory that is no layout|$TEST_TMP/full|$TEST_TMP/d4
		DIR not empty|$TEST_TMP/layout|$TEST_TMP/full
		DIR is a file|$TEST_TMP/layout|$TEST_TMP/junk
		DIR's parent missing|$TEST_TMP/layout|$TEST_TMP/no/such/d5
	EOF
	assertEquals "nothing made" "empty err full junk layout out" \
		"$(ls -A "$TEST_TMP" | tr '\n' ' ' | sed 's/ $//')"
	"$IMAGE_SH" >/dev/null 2>&1
	assertEquals "usage" 2 $?
}

. "$SHUNIT2"
