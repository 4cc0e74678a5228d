// SPDX-License-Identifier: MIT
/*
 * rootplan: launch's options as the core's mount plan (core/rootfs.h). Pure: it only lists the
 * steps; core/rootfs.c applies them in the container's first process.
 */
#include "rootplan.h"

#include <errno.h>
#include <stdlib.h>

int rootfs_plan(const struct launch_config *c, struct mount_plan *ret)
{
	struct mount_op *ops = calloc(c->n_volumes + 5, sizeof(*ops));
	size_t n = 0;

	if (!ops)
		return -ENOMEM;
	ops[n++] = (struct mount_op){.kind = MOUNT_OP_MAKE_PRIVATE};
	ops[n++] = (struct mount_op){.kind = MOUNT_OP_BIND_ROOT};
	for (size_t i = 0; i < c->n_volumes; i++)
		ops[n++] = (struct mount_op){
		    .kind = MOUNT_OP_VOLUME,
		    .src = c->volumes[i].src,
		    .dst = c->volumes[i].dst,
		    .ro = c->volumes[i].ro,
		    .recursive = true,
		};
	/* --dns: launch's generated file, read-only; the rootfs's own file is never edited. */
	if (c->net.resolv_conf[0])
		ops[n++] = (struct mount_op){
		    .kind = MOUNT_OP_VOLUME,
		    .src = c->net.resolv_conf,
		    .dst = "/etc/resolv.conf",
		    .ro = true,
		};
	/* After the volumes: remounting the root bind leaves the mounts on top alone. */
	if (c->read_only)
		ops[n++] = (struct mount_op){.kind = MOUNT_OP_ROOT_READONLY, .ro = true};
	ops[n++] = (struct mount_op){.kind = MOUNT_OP_PIVOT};
	*ret = (struct mount_plan){.rootfs = c->rootfs, .ops = ops, .n_ops = n};
	return 0;
}
