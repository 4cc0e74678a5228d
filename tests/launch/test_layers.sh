#!/bin/bash
# SPDX-License-Identifier: MIT
# A container's own writable layer over a rootfs that stays as it is (--overlay, on disk or
# on a tmpfs), what launch diff and launch commit make of it, --keep and launch rm, tmpfs
# mounts (--tmpfs, and /tmp, /var/tmp, /run under --read-only), and what is left after a
# SIGKILLed launch: no layer, no mount. The rootfs is the suite's own copy of the busybox
# rootfs, with a /run and a /var/tmp; its checksum (names, types, modes, owners, sizes, times,
# contents) is taken before and after.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/launch_lib.sh"

LAYERS=/var/lib/box
SUITE_DIR=

box_suite_setup()
{
	[ -x "$PROBE" ] && BOX_ROOTFS=$(busybox_rootfs) || BOX_ROOTFS=
	[ -n "$BOX_ROOTFS" ] || return 0
	SUITE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/box-test.$$.layers.XXXXXX") || return 0
	# Reachable by a --userns container's root, which is no host user's.
	chmod 0755 "$SUITE_DIR"
	cp -a "$BOX_ROOTFS" "$SUITE_DIR/rootfs"
	mkdir -p "$SUITE_DIR/rootfs/run/lock" "$SUITE_DIR/rootfs/var/tmp"
	echo image >"$SUITE_DIR/rootfs/run/from-image"
	echo original >"$SUITE_DIR/rootfs/etc/motd"
	echo doomed >"$SUITE_DIR/rootfs/etc/doomed"
	mkdir -p "$SUITE_DIR/rootfs/srv/opaque"
	echo old >"$SUITE_DIR/rootfs/srv/opaque/old"
	ROOTFS=$SUITE_DIR/rootfs
}

box_suite_teardown()
{
	[ -n "$SUITE_DIR" ] && rm -rf --one-file-system "$SUITE_DIR"
	return 0
}

# A mount of the host's that names the layers.
layer_mounts()
{
	grep -F "$LAYERS/" /proc/self/mountinfo
}

test_overlay_writes_go_to_the_layer_and_the_rootfs_stays_unchanged()
{
	require_root || return 0
	local before name
	before=$(tree_sum "$ROOTFS")
	name=$(bt_name)
	box_run --name "$name" --overlay -- sh -c '
		echo new >/etc/new && echo changed >>/etc/motd && rm /etc/doomed &&
		rm -r /srv/opaque && mkdir /srv/opaque && echo fresh >/srv/opaque/fresh &&
		chmod 700 /root && cat /etc/new /etc/motd && ls /srv/opaque &&
		[ ! -e /etc/doomed ] && echo gone && probe mounts | grep "^mount=/ "'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "the container sees its own writes" \
		"new original changed fresh gone" "$(head -5 "$TEST_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
	assertTrue "/ is an overlay: $(tail -1 "$TEST_TMP/out")" \
		"tail -1 '$TEST_TMP/out' | grep -q 'type=overlay'"
	assertEquals "the rootfs is unchanged, bit for bit" "$before" "$(tree_sum "$ROOTFS")"
	assertFalse "the layer went with the container" "[ -e '$LAYERS/$name' ]"
}

test_two_containers_of_one_rootfs_each_see_only_their_own_files()
{
	require_root || return 0
	local a b
	box_detach --overlay -- sh -c 'echo pid-a >/run/app.pid; echo a >/tmp/who; exec sleep 60'
	assertEquals "a: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	a=$BOX_NAME
	box_detach --overlay -- sh -c 'echo pid-b >/run/app.pid; echo b >/tmp/who; exec sleep 60'
	assertEquals "b: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	b=$BOX_NAME
	wait_until 10 test -s "$LAYERS/$a/upper/tmp/who" -a -s "$LAYERS/$b/upper/tmp/who"
	box_cmd exec "$a" -- cat /tmp/who /run/app.pid /run/from-image
	assertEquals "a's own files: $(cat "$TEST_TMP/err")" "a pid-a image" "$(tr '\n' ' ' <"$TEST_TMP/out" | sed 's/ $//')"
	box_cmd exec "$b" -- cat /tmp/who /run/app.pid
	assertEquals "b's own files: $(cat "$TEST_TMP/err")" "b pid-b" "$(tr '\n' ' ' <"$TEST_TMP/out" | sed 's/ $//')"
	assertFalse "nothing in the rootfs" "[ -e '$ROOTFS/tmp/who' ] || [ -e '$ROOTFS/run/app.pid' ]"
	assertEquals "the layers are root's alone" "700 700" \
		"$(stat -c %a "$LAYERS/$a" "$LAYERS/$b" | tr '\n' ' ' | sed 's/ $//')"
	box_cmd stop -t 1 "$a" "$b"
	assertEquals "stop: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertFalse "a's layer went" "[ -e '$LAYERS/$a' ]"
	assertFalse "b's layer went" "[ -e '$LAYERS/$b' ]"
}

test_kept_layer_is_diffed_committed_and_removed_by_rm()
{
	require_root || return 0
	local name dest=$TEST_TMP/committed
	name=$(bt_name)
	on_teardown "$LAUNCH" rm -f "$name"
	box_run --name "$name" --keep --overlay -- sh -c '
		echo new >/etc/new && echo changed >>/etc/motd && rm /etc/doomed && mkdir -p /opt/a &&
		ln -s /etc/shadow /opt/a/link && rm -r /srv/opaque && mkdir /srv/opaque'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "the layer stays with the kept container" "[ -d '$LAYERS/$name/upper' ]"
	box_cmd diff "$name"
	assertEquals "diff: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "what changed" \
		"C /etc|D /etc/doomed|C /etc/motd|A /etc/new|A /opt|A /opt/a|A /opt/a/link|C /srv|C /srv/opaque" \
		"$(tr '\n' '|' <"$TEST_TMP/out" | sed 's/|$//')"
	box_cmd commit "$name" "$dest"
	assertEquals "commit: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "the new file" new "$(cat "$dest/etc/new")"
	assertEquals "the changed file" "original changed" "$(tr '\n' ' ' <"$dest/etc/motd" | sed 's/ $//')"
	assertFalse "the deleted file" "[ -e '$dest/etc/doomed' ]"
	assertEquals "the replaced directory is empty" "" "$(ls -A "$dest/srv/opaque")"
	assertEquals "a link stays a link" /etc/shadow "$(readlink "$dest/opt/a/link")"
	assertTrue "the image's files" "cmp -s '$ROOTFS/bin/busybox' '$dest/bin/busybox'"
	assertEquals "the root's mode" "$(stat -c %a "$ROOTFS")" "$(stat -c %a "$dest")"
	assertFalse "no merged view left" "[ -e '$LAYERS/$name/merged' ]"
	# The committed tree is a rootfs.
	ROOTFS=$dest box_run -- cat /etc/new
	assertEquals "run the commit: $(cat "$TEST_TMP/err")" new "$(cat "$TEST_TMP/out")"
	box_cmd rm "$name"
	assertEquals "rm: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertFalse "rm removed the layer" "[ -e '$LAYERS/$name' ]"
}

test_commit_of_a_running_container_is_refused_and_its_diff_is_not()
{
	require_root || return 0
	box_detach --overlay -- sh -c 'echo live >/etc/live; exec sleep 60'
	assertEquals "start: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	wait_until 10 test -s "$LAYERS/$BOX_NAME/upper/etc/live"
	box_cmd diff "$BOX_NAME"
	assertEquals "diff: $(cat "$TEST_TMP/err")" "C /etc|A /etc/live" \
		"$(tr '\n' '|' <"$TEST_TMP/out" | sed 's/|$//')"
	# It could swap a directory for a link to the host's files while cp walks it.
	box_cmd commit "$BOX_NAME" "$TEST_TMP/live"
	assert_launch_error "commit of a running container"
	assertTrue "says why: $(cat "$TEST_TMP/err")" "grep -q 'is running' '$TEST_TMP/err'"
	assertFalse "nothing made" "[ -e '$TEST_TMP/live' ]"
}

test_diff_and_commit_refuse_a_container_without_a_layer_on_disk()
{
	require_root || return 0
	box_detach -- sleep 60
	assertEquals "start: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	box_cmd diff "$BOX_NAME"
	assert_launch_error "diff without --overlay"
	assertTrue "names the container: $(cat "$TEST_TMP/err")" \
		"grep -q \"'$BOX_NAME' has no layer\" '$TEST_TMP/err'"
	box_detach --overlay=tmpfs -- sleep 60
	assertEquals "start: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	box_cmd commit "$BOX_NAME" "$TEST_TMP/c"
	assert_launch_error "commit of a tmpfs layer"
	assertFalse "nothing made" "[ -e '$TEST_TMP/c' ]"
}

test_commit_refuses_a_directory_that_is_not_empty()
{
	require_root || return 0
	local name
	name=$(bt_name)
	on_teardown "$LAUNCH" rm -f "$name"
	box_run --name "$name" --keep --overlay -- true
	mkdir "$TEST_TMP/full" && echo mine >"$TEST_TMP/full/mine"
	box_cmd commit "$name" "$TEST_TMP/full"
	assert_launch_error "commit into a full directory"
	assertTrue "names it: $(cat "$TEST_TMP/err")" "grep -q '$TEST_TMP/full' '$TEST_TMP/err'"
	assertEquals "left alone" mine "$(ls "$TEST_TMP/full")"
}

test_overlay_on_a_tmpfs_is_bounded_by_its_size_and_leaves_nothing()
{
	require_root || return 0
	local name
	name=$(bt_name)
	box_run --name "$name" --overlay=tmpfs:1m -- sh -c \
		'dd if=/dev/zero of=/big bs=64k count=32 2>/dev/null; echo dd=$?; ls -l /big'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "the write stopped at the size: $(cat "$TEST_TMP/out")" \
		"grep -q '^dd=1' '$TEST_TMP/out'"
	assertFalse "nothing in the rootfs" "[ -e '$ROOTFS/big' ]"
	assertFalse "no layer left" "[ -e '$LAYERS/$name' ]"
}

test_tmpfs_takes_size_mode_and_exec()
{
	require_root || return 0
	box_run --tmpfs /data:size=1m,mode=710 --tmpfs /scratch -- sh -c '
		stat -c %a /data; stat -c %a /scratch
		dd if=/dev/zero of=/data/big bs=64k count=32 2>/dev/null; echo dd=$?
		cp /bin/busybox /scratch/true && /scratch/true; echo noexec=$?
		grep " /data " /proc/mounts'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "modes" "710 1777" "$(head -2 "$TEST_TMP/out" | tr '\n' ' ' | sed 's/ $//')"
	assertTrue "size enforced: $(cat "$TEST_TMP/out")" "grep -q '^dd=1' '$TEST_TMP/out'"
	assertTrue "noexec by default (docker's): $(cat "$TEST_TMP/out")" \
		"grep -qv '^noexec=0' '$TEST_TMP/out' && grep -q '^noexec=126' '$TEST_TMP/out'"
	assertTrue "nosuid, nodev: $(tail -1 "$TEST_TMP/out")" \
		"tail -1 '$TEST_TMP/out' | grep -q 'nosuid,nodev,noexec'"
	box_run --tmpfs /scratch:exec -- sh -c 'cp /bin/busybox /scratch/true && /scratch/true'
	assertEquals "exec when asked: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
}

test_a_volume_inside_a_tmpfs_lands_on_top_of_it()
{
	require_root || return 0
	mkdir "$TEST_TMP/vol" && echo host >"$TEST_TMP/vol/f"
	# Given child first: launch mounts parents first whatever the order.
	box_run -v "$TEST_TMP/vol:/data/sub" --tmpfs /data -- cat /data/sub/f
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals host "$(cat "$TEST_TMP/out")"
}

test_read_only_service_writes_its_pid_file_in_run()
{
	require_root || return 0
	box_run --read-only --exit-with-main --service 'app=sh -c "echo \$\$ >/run/app.pid; exec sleep 60"' -- sh -c '
		i=0; while [ ! -s /run/app.pid ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		cat /run/app.pid >/dev/null && echo pid-file
		cat /run/from-image; [ -d /run/lock ] && echo lock-dir
		touch /tmp/t /var/tmp/t && echo tmp-writable
		touch /etc/x 2>/dev/null || echo root-read-only'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "pid-file image lock-dir tmp-writable root-read-only" \
		"$(tr '\n' ' ' <"$TEST_TMP/out" | sed 's/ $//')"
	assertFalse "nothing written in the rootfs" \
		"[ -e '$ROOTFS/run/app.pid' ] || [ -e '$ROOTFS/tmp/t' ] || [ -e '$ROOTFS/etc/x' ]"
}

test_read_only_leaves_a_volume_on_tmp_alone()
{
	require_root || return 0
	mkdir "$TEST_TMP/vol"
	box_run --read-only -v "$TEST_TMP/vol:/tmp" -- sh -c 'echo kept >/tmp/f; grep " /tmp " /proc/mounts'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals "the volume, not a tmpfs" kept "$(cat "$TEST_TMP/vol/f")"
}

test_overlay_under_userns_keeps_the_hosts_ids_in_the_layer()
{
	require_root || return 0
	local name why before
	why=$(userns_unsupported "$ROOTFS")
	[ -z "$why" ] || { skip_test "$why"; return 0; }
	before=$(tree_sum "$ROOTFS")
	name=$(bt_name)
	on_teardown "$LAUNCH" rm -f "$name"
	box_run --name "$name" --keep --userns 3000000:70000 --overlay -- sh -c \
		'echo u >/etc/u && rm /etc/doomed && cat /proc/self/uid_map && ls -ln /etc/u'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "in its user namespace: $(cat "$TEST_TMP/out")" \
		"grep -Eq '^ *0 +3000000 +70000$' '$TEST_TMP/out'"
	assertTrue "its root's file is root's inside: $(tail -1 "$TEST_TMP/out")" \
		"tail -1 '$TEST_TMP/out' | grep -Eq '^-[rw-]+ +1 +0 +0 '"
	# The layer is idmapped as the rootfs is: on the host, the file is the host root's.
	assertEquals "and the host root's in the layer" "0:0" \
		"$(stat -c %u:%g "$LAYERS/$name/upper/etc/u")"
	box_cmd diff "$name"
	assertEquals "diff: $(cat "$TEST_TMP/err")" "C /etc|D /etc/doomed|A /etc/u" \
		"$(tr '\n' '|' <"$TEST_TMP/out" | sed 's/|$//')"
	assertEquals "the rootfs is unchanged" "$before" "$(tree_sum "$ROOTFS")"
	box_cmd rm "$name"
	assertFalse "rm removed the layer" "[ -e '$LAYERS/$name' ]"
}

test_sigkill_of_launch_leaves_no_layer_and_no_mount()
{
	require_root || return 0
	local name
	name=$(bt_name)
	READY=up box_start --name "$name" --overlay -- sh -c 'echo x >/etc/x; echo up; exec sleep 60'
	assertTrue "the layer exists while it runs" "[ -d '$LAYERS/$name/upper' ]"
	assertEquals "no overlay on the host" "" "$(layer_mounts)"
	kill -KILL "$BOX_PID"
	box_wait 10
	# The next command reaps what the dead launch left.
	wait_until 10 _bt_no_rootfs_procs
	box_cmd list -a
	assertEquals "list: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	wait_until 10 test ! -e "$LAYERS/$name"
	assertFalse "the layer was reaped" "[ -e '$LAYERS/$name' ]"
	assertEquals "no overlay on the host" "" "$(layer_mounts)"
}

test_a_stale_layer_of_the_same_name_is_not_reused()
{
	require_root || return 0
	local name
	name=$(bt_name)
	mkdir -p "$LAYERS/$name/upper/etc"
	on_teardown rm -rf --one-file-system "${LAYERS:?}/$name"
	echo stale >"$LAYERS/$name/upper/etc/stale"
	box_run --name "$name" --overlay -- sh -c 'cat /etc/stale 2>&1 || echo fresh'
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertTrue "a fresh layer: $(cat "$TEST_TMP/out")" "grep -q '^fresh$' '$TEST_TMP/out'"
}

test_removal_never_follows_what_the_container_left()
{
	require_root || return 0
	local sentinel=$TEST_TMP/sentinel
	mkdir "$sentinel" && echo keep >"$sentinel/f"
	# A link to a host directory, a hard link made inside, and a tree deeper than PATH_MAX
	# (grown from the inside: each level is a rename): launch removes them all and nothing
	# they point to.
	box_run --overlay -- sh -c "
		ln -s '$sentinel' /link && ln -s '$sentinel/f' /flink && echo d >/etc/h && ln /etc/h /etc/h2 &&
		cd /tmp && mkdir d && i=0 && while [ \$i -lt 2500 ]; do
			mkdir x && mv d x/d && mv x d || exit 1; i=\$((i + 1)); done && echo made"
	assertEquals "exit status: $(cat "$TEST_TMP/err")" 0 "$BOX_RC"
	assertEquals made "$(cat "$TEST_TMP/out")"
	assertEquals "the host's file" keep "$(cat "$sentinel/f")"
	assertEquals "no layer left: $(ls "$LAYERS" 2>&1)" "" "$(ls -d "$LAYERS/$BT_PREFIX"-* 2>/dev/null)"
}

. "$SHUNIT2"
