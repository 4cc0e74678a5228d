/* SPDX-License-Identifier: MIT */
/*
 * rootplan: launch's options (struct launch_config) into the core's mount plan: the root bind,
 * volumes, --dns's resolv.conf, --read-only and the pivot. Pure, unit-tested. Kernel
 * filesystems (/proc, /sys, /dev) are boxinit's job under launch, after pivot_root.
 */
#pragma once

#include "config.h"
#include "rootfs.h"

/* ping_range: net.ipv4.ping_group_range for the container's own network namespace, written
 * after the pivot through the container's own /proc (NULL: left as the kernel has it). The
 * plan borrows strings from c and ping_range, which must outlive it. */
int rootfs_plan(const struct launch_config *c, const char *ping_range, struct mount_plan *ret);
