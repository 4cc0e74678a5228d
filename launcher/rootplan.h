/* SPDX-License-Identifier: MIT */
/*
 * rootplan: launch's options (struct launch_config) into the core's mount plan: the root bind,
 * volumes, --dns's resolv.conf, --read-only and the pivot. Pure, unit-tested. Kernel
 * filesystems (/proc, /sys, /dev) are boxinit's job under launch, after pivot_root.
 */
#pragma once

#include "config.h"
#include "rootfs.h"

/* The plan borrows strings from c, which must outlive it. */
int rootfs_plan(const struct launch_config *c, struct mount_plan *ret);
