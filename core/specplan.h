/* SPDX-License-Identifier: MIT */
/*
 * specplan: a container spec (core/spec.h) as the core's mount plan (core/rootfs.h): the
 * spec's mounts in their order, the cgroup filesystem as the container's own cgroup, the
 * default devices and links, the read-only root, the pivot, sysctls, masked and read-only
 * paths. Pure but for reading which cgroup hierarchy a leaf belongs to; logs its errors.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "rootfs.h"
#include "spec.h"

struct specplan_in {
	const struct spec *spec;
	const char *rootfs; /* canonical */
	const char *bundle; /* relative bind sources are relative to it */
	/* The container's cgroup leaves and the hierarchy mount of each (cgroup mounts). */
	const char *const *leaves;
	const char *const *leaf_mounts;
	size_t n_leaves;
	bool cgroup_v2;
	bool no_pivot;
};

/* The plan borrows from in->spec, which must outlive it. -EINVAL/-EOPNOTSUPP logged. */
int specplan_build(const struct specplan_in *in, struct mount_plan *ret);
/* Does the spec mount something on /dev (then the default devices are made there)? */
bool specplan_has_dev(const struct spec *s);
