// SPDX-License-Identifier: MIT
/*
 * Unit tests for launch's mount plan (launcher/rootplan.c): which operations, in
 * which order, from a launch_config. Applying it needs namespaces and is
 * covered by the launch suites.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

#include "rootplan.h"

/* The steps of the plan but the kernel filesystems, devices, links, masks and read-only
 * paths (checked on their own below), in order. */
static void assert_kinds(const struct mount_plan *p, const enum mount_op_kind *want, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < p->n_ops; i++) {
		enum mount_op_kind kind = p->ops[i].kind;

		if (kind == MOUNT_OP_FS || kind == MOUNT_OP_DEVICE || kind == MOUNT_OP_SYMLINK ||
		    kind == MOUNT_OP_MASK || kind == MOUNT_OP_READONLY)
			continue;
		assert_true(k < n);
		assert_string_equal(rootfs_op_name(kind), rootfs_op_name(want[k]));
		k++;
	}
	assert_int_equal(k, n);
}

static ssize_t find(const struct mount_plan *p, enum mount_op_kind kind, const char *dst)
{
	for (size_t i = 0; i < p->n_ops; i++)
		if (p->ops[i].kind == kind &&
		    (!dst || (p->ops[i].dst && !strcmp(p->ops[i].dst, dst))))
			return (ssize_t)i;
	return -1;
}

/* /proc, /sys (read-only), a fresh /dev with its nodes, pts, shm and mqueue come right after
 * the root bind, before the volumes (a volume in /dev lands on top); masks and read-only
 * paths after the pivot, none with --privileged. */
static void test_plan_has_the_kernel_filesystems_and_masks(void **state)
{
	struct volume vol = {.src = "/host/a", .dst = "/dev/data"};
	struct launch_config c = {.rootfs = "/nonexistent", .volumes = &vol, .n_volumes = 1};
	struct mount_plan p;
	ssize_t sys, pivot;

	(void)state;
	assert_int_equal(rootfs_plan(&c, NULL, &p), 0);
	assert_true(find(&p, MOUNT_OP_FS, "/proc") > find(&p, MOUNT_OP_BIND_ROOT, NULL));
	sys = find(&p, MOUNT_OP_FS, "/sys");
	assert_true(sys > 0);
	assert_true(p.ops[sys].flags & MS_RDONLY);
	assert_true(find(&p, MOUNT_OP_FS, "/dev") < find(&p, MOUNT_OP_DEVICE, "/dev/null"));
	assert_true(find(&p, MOUNT_OP_FS, "/dev/pts") < find(&p, MOUNT_OP_VOLUME, "/dev/data"));
	assert_true(find(&p, MOUNT_OP_SYMLINK, "/dev/ptmx") > 0);
	assert_true(p.ops[find(&p, MOUNT_OP_FS, "/dev/mqueue")].optional);
	pivot = find(&p, MOUNT_OP_PIVOT, NULL);
	assert_true(find(&p, MOUNT_OP_MASK, "/proc/kcore") > pivot);
	assert_true(find(&p, MOUNT_OP_READONLY, "/proc/sys") > pivot);
	rootfs_plan_free(&p);
	c.privileged = true;
	assert_int_equal(rootfs_plan(&c, NULL, &p), 0);
	assert_int_equal(find(&p, MOUNT_OP_MASK, NULL), -1);
	assert_int_equal(find(&p, MOUNT_OP_READONLY, NULL), -1);
	assert_true(find(&p, MOUNT_OP_FS, "/proc") > 0);
	rootfs_plan_free(&p);
}

/* The ping range goes through the container's own /proc: after the pivot, before /proc/sys
 * is read-only; a kernel without the key is no failure. None asked, none planned. */
static void test_plan_writes_the_ping_range_after_the_pivot(void **state)
{
	struct launch_config c = {.rootfs = "/nonexistent"};
	struct mount_plan p;
	ssize_t sysctl;

	(void)state;
	assert_int_equal(rootfs_plan(&c, "0 65535", &p), 0);
	sysctl = find(&p, MOUNT_OP_SYSCTL, NULL);
	assert_true(sysctl > find(&p, MOUNT_OP_PIVOT, NULL));
	assert_true(sysctl < find(&p, MOUNT_OP_READONLY, "/proc/sys"));
	assert_string_equal(p.ops[sysctl].src, "net.ipv4.ping_group_range");
	assert_string_equal(p.ops[sysctl].data, "0 65535");
	assert_true(p.ops[sysctl].optional);
	rootfs_plan_free(&p);
	assert_int_equal(rootfs_plan(&c, NULL, &p), 0);
	assert_int_equal(find(&p, MOUNT_OP_SYSCTL, NULL), -1);
	rootfs_plan_free(&p);
}

static void test_plan_without_volumes_binds_and_pivots(void **state)
{
	struct launch_config c = {.rootfs = "/srv/rf"};
	const enum mount_op_kind want[] = {MOUNT_OP_MAKE_PRIVATE, MOUNT_OP_BIND_ROOT,
	                                   MOUNT_OP_PIVOT};
	struct mount_plan p;

	(void)state;
	assert_int_equal(rootfs_plan(&c, NULL, &p), 0);
	assert_string_equal(p.rootfs, "/srv/rf");
	assert_kinds(&p, want, 3);
	rootfs_plan_free(&p);
	assert_null(p.ops);
}

static void test_plan_volumes_in_order_then_read_only_root(void **state)
{
	struct volume vols[] = {
	    {.src = "/host/a", .dst = "/data", .ro = false},
	    {.src = "/host/b", .dst = "/etc/conf", .ro = true},
	};
	struct launch_config c = {
	    .rootfs = "/rf", .volumes = vols, .n_volumes = 2, .read_only = true};
	const enum mount_op_kind want[] = {MOUNT_OP_MAKE_PRIVATE,  MOUNT_OP_BIND_ROOT,
	                                   MOUNT_OP_VOLUME,        MOUNT_OP_VOLUME,
	                                   MOUNT_OP_ROOT_READONLY, MOUNT_OP_PIVOT};
	struct mount_plan p;

	(void)state;
	assert_int_equal(rootfs_plan(&c, NULL, &p), 0);
	assert_kinds(&p, want, 6);
	ssize_t a = find(&p, MOUNT_OP_VOLUME, "/data"), b = find(&p, MOUNT_OP_VOLUME, "/etc/conf");
	assert_true(a > 0 && b == a + 1);
	assert_string_equal(p.ops[a].src, "/host/a");
	assert_false(p.ops[a].ro);
	assert_string_equal(p.ops[b].src, "/host/b");
	assert_true(p.ops[b].ro);
	rootfs_plan_free(&p);
}

static void test_plan_read_only_without_volumes(void **state)
{
	struct launch_config c = {.rootfs = "/rf", .read_only = true};
	const enum mount_op_kind want[] = {MOUNT_OP_MAKE_PRIVATE, MOUNT_OP_BIND_ROOT,
	                                   MOUNT_OP_ROOT_READONLY, MOUNT_OP_PIVOT};
	struct mount_plan p;

	(void)state;
	assert_int_equal(rootfs_plan(&c, NULL, &p), 0);
	assert_kinds(&p, want, 4);
	rootfs_plan_free(&p);
}

/* --overlay: the overlay instead of the root bind, with the layer's directory (a tmpfs's
 * options with =tmpfs). Volumes and tmpfs mounts: parents first, whatever the order given. */
static void test_plan_overlay_and_tmpfs_mounts_parents_first(void **state)
{
	struct volume vol = {.src = "/host/a", .dst = "/data/sub/x"};
	struct tmpfs_mount tmp[] = {{.dst = "/data/sub", .data = "mode=1777"},
	                            {.dst = "/data", .data = "mode=700"}};
	struct launch_config c = {.rootfs = "/nonexistent",
	                          .volumes = &vol,
	                          .n_volumes = 1,
	                          .tmpfs = tmp,
	                          .n_tmpfs = 2,
	                          .overlay = OVERLAY_TMPFS,
	                          .layer_dir = "/var/lib/box/x",
	                          .overlay_data = "mode=700,size=1024"};
	struct mount_plan p;
	ssize_t ov;

	(void)state;
	assert_int_equal(rootfs_plan(&c, NULL, &p), 0);
	assert_int_equal(find(&p, MOUNT_OP_BIND_ROOT, NULL), -1);
	ov = find(&p, MOUNT_OP_OVERLAY_ROOT, NULL);
	assert_int_equal(ov, 1);
	assert_string_equal(p.ops[ov].src, "/var/lib/box/x");
	assert_string_equal(p.ops[ov].type, "tmpfs");
	assert_string_equal(p.ops[ov].data, "mode=700,size=1024");
	assert_true(find(&p, MOUNT_OP_FS, "/data") < find(&p, MOUNT_OP_FS, "/data/sub"));
	assert_true(find(&p, MOUNT_OP_FS, "/data/sub") < find(&p, MOUNT_OP_VOLUME, "/data/sub/x"));
	assert_true(find(&p, MOUNT_OP_FS, "/dev/mqueue") < find(&p, MOUNT_OP_FS, "/data"));
	rootfs_plan_free(&p);
	c.overlay = OVERLAY_DISK;
	assert_int_equal(rootfs_plan(&c, NULL, &p), 0);
	assert_null(p.ops[find(&p, MOUNT_OP_OVERLAY_ROOT, NULL)].type);
	rootfs_plan_free(&p);
}

/* devpts's options for a rootfs whose /etc/group holds text (NULL: no file; "fifo": a fifo). */
static const char *devpts_data(const char *group)
{
	static char data[128];
	char dir[] = "/tmp/box-unit-rootfs.XXXXXX", path[64];
	struct launch_config c = {0};
	struct mount_plan p;
	ssize_t i;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/etc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/etc/group", dir);
	if (group && !strcmp(group, "fifo")) {
		assert_int_equal(mkfifo(path, 0644), 0);
	} else if (group) {
		assert_non_null(f = fopen(path, "w"));
		assert_int_equal(fputs(group, f) >= 0, 1);
		assert_int_equal(fclose(f), 0);
	}
	c.rootfs = dir;
	assert_int_equal(rootfs_plan(&c, NULL, &p), 0);
	i = find(&p, MOUNT_OP_FS, "/dev/pts");
	assert_true(i >= 0);
	(void)snprintf(data, sizeof(data), "%s", p.ops[i].data);
	rootfs_plan_free(&p);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/etc", dir);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
	return data;
}

/* New terminals get group 5 only when the rootfs's /etc/group names it: the third field
 * exactly "5", on any line of the file, a line cut across the reads included. */
static void test_plan_gives_terminals_group_5_only_when_the_rootfs_has_it(void **state)
{
	char big[4096];
	size_t n;

	(void)state;
	assert_non_null(strstr(devpts_data("root:x:0:\ntty:x:5:\n"), "gid=5"));
	assert_null(strstr(devpts_data("root:x:0:\ntty:x:50:\nfive:x:15:\n"), "gid=5"));
	assert_null(strstr(devpts_data("root:x:0:\n5:x:0:\nx:5:1:\n"), "gid=5"));
	assert_null(strstr(devpts_data("tty:x:5"), "gid=5"));
	assert_null(strstr(devpts_data(""), "gid=5"));
	assert_null(strstr(devpts_data(NULL), "gid=5"));
	assert_null(strstr(devpts_data("fifo"), "gid=5"));
	/* A long member list first, so that "tty:x:5:" lies across the reads' boundaries. */
	for (size_t cut = 1000; cut < 1030; cut++) {
		n = (size_t)snprintf(big, sizeof(big), "users:x:100:");
		while (n < cut)
			big[n++] = 'a';
		(void)snprintf(big + n, sizeof(big) - n, "\ntty:x:5:\n");
		assert_non_null(strstr(devpts_data(big), "gid=5"));
	}
}

static void test_op_names_are_distinct(void **state)
{
	(void)state;
	assert_string_equal(rootfs_op_name(MOUNT_OP_VOLUME), "volume");
	assert_string_equal(rootfs_op_name(MOUNT_OP_PIVOT), "pivot");
	assert_string_not_equal(rootfs_op_name(MOUNT_OP_BIND_ROOT),
	                        rootfs_op_name(MOUNT_OP_ROOT_READONLY));
	assert_string_equal(rootfs_op_name((enum mount_op_kind)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan_has_the_kernel_filesystems_and_masks),
	    cmocka_unit_test(test_plan_writes_the_ping_range_after_the_pivot),
	    cmocka_unit_test(test_plan_without_volumes_binds_and_pivots),
	    cmocka_unit_test(test_plan_volumes_in_order_then_read_only_root),
	    cmocka_unit_test(test_plan_read_only_without_volumes),
	    cmocka_unit_test(test_plan_overlay_and_tmpfs_mounts_parents_first),
	    cmocka_unit_test(test_plan_gives_terminals_group_5_only_when_the_rootfs_has_it),
	    cmocka_unit_test(test_op_names_are_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
