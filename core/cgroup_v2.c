// SPDX-License-Identifier: MIT
/*
 * cgroup v2 backend (unified hierarchy): one directory; controllers are made
 * available to it through cgroup.subtree_control of the root and of every
 * level of the parent. Only ever enables controllers ("+x"), never disables
 * one: the root and the parent are shared with the rest of the system.
 */
#include "cgroup_internal.h"
#include "log.h"
#include "util.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *name;
	unsigned bit;
} v2_ctrls[] = {{"cpu", CG_CPU}, {"memory", CG_MEMORY}, {"pids", CG_PIDS}, {"io", CG_IO}};

static unsigned read_mask(const char *dir, const char *file)
{
	_cleanup_free_ char *p = NULL;
	char buf[1024];

	if (asprintf(&p, "%s/%s", dir, file) < 0 || read_file(p, buf, sizeof(buf)) < 0)
		return 0;
	return cgroup_v2_ctrl_mask(buf);
}

static int v2_discover(struct cgroup *cg, const char *root)
{
	int r = cgroup_add_hier(cg, root, 0);

	if (r < 0)
		return log_errno(r, "add cgroup hierarchy '%s'", root);
	return 0;
}

/* Makes cpu, memory, pids and io available below dir, as far as dir has them. */
static int enable_in(const char *dir, unsigned needed)
{
	unsigned avail = read_mask(dir, "cgroup.controllers");
	unsigned on = read_mask(dir, "cgroup.subtree_control");

	for (size_t i = 0; i < ARRAY_SIZE(v2_ctrls); i++) {
		_cleanup_free_ char *p = NULL, *v = NULL;
		unsigned bit = v2_ctrls[i].bit;
		int r;

		if (!(avail & bit) || (on & bit))
			continue;
		if (asprintf(&p, "%s/cgroup.subtree_control", dir) < 0 ||
		    asprintf(&v, "+%s", v2_ctrls[i].name) < 0)
			return -ENOMEM;
		/* One controller per write: a refused one must not block the others. */
		r = write_file(p, v);
		if (r < 0 && (needed & bit))
			return log_errno(r, "write '%s' to '%s'", v, p);
		if (r < 0)
			log_debug_errno(r, "write '%s' to '%s'", v, p);
	}
	return 0;
}

static int v2_prepare(struct cgroup *cg, unsigned needed)
{
	_cleanup_free_ char *dir = NULL;
	const char *mount = cg->hier[0].mount;
	int r;

	if (asprintf(&dir, "%s/%s", mount, cg->parent) < 0)
		return -ENOMEM;
	/* Top-down: a level can only enable what its own parent has enabled for it. */
	for (char *s = dir + strlen(mount);; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		r = enable_in(dir, needed);
		if (r < 0)
			return r;
		*s = c;
		if (c == '\0')
			return 0;
	}
}

static int v2_apply_cpu(const char *dir, const struct cgroup_limits *lim)
{
	char buf[64];
	int r;

	if (lim->cpu_quota_us) {
		(void)snprintf(buf, sizeof(buf), "%" PRIu64 " %" PRIu64, lim->cpu_quota_us,
		               lim->cpu_period_us ?: 100000);
		r = cgroup_write(dir, "cpu.max", buf);
		if (r < 0)
			return r;
	}
	if (lim->cpu_weight)
		return cgroup_write_u64(dir, "cpu.weight", lim->cpu_weight);
	return 0;
}

static int v2_apply_memory(const char *dir, const struct cgroup_limits *lim)
{
	uint64_t swap;
	int r;

	if (lim->memory_max) {
		r = cgroup_write_u64(dir, "memory.max", lim->memory_max);
		if (r < 0)
			return r;
	}
	if (!lim->memory_swap)
		return 0;
	if (cgroup_swap_max(lim, &swap) < 0) {
		log_error("set memory+swap limit: --memory-swap needs --memory and must be at "
		          "least as large");
		return -EINVAL;
	}
	if (!cgroup_has_file(dir, "memory.swap.max")) {
		log_error("cgroup file 'memory.swap.max' is not available (needed by "
		          "--memory-swap): swap accounting is off");
		return -EOPNOTSUPP;
	}
	return cgroup_write_u64(dir, "memory.swap.max", swap);
}

static int v2_apply_io(const char *dir, const struct cgroup_limits *lim)
{
	char buf[32];

	/* io.weight is blk-iocost's (1..10000); io.bfq.weight is BFQ's (1..1000). */
	if (cgroup_has_file(dir, "io.weight")) {
		(void)snprintf(buf, sizeof(buf), "default %" PRIu64, lim->io_weight);
		return cgroup_write(dir, "io.weight", buf);
	}
	if (cgroup_has_file(dir, "io.bfq.weight")) {
		(void)snprintf(buf, sizeof(buf), "default %" PRIu64,
		               cgroup_weight_to_blkio(lim->io_weight));
		return cgroup_write(dir, "io.bfq.weight", buf);
	}
	log_error("cgroup file 'io.weight' is not available (needed by --io-weight): no "
	          "io.cost or BFQ scheduler");
	return -EOPNOTSUPP;
}

static int v2_apply(struct cgroup *cg, const struct cgroup_limits *lim)
{
	struct cgroup_hier *h = &cg->hier[0];
	int r = 0;

	h->ctrls = read_mask(h->leaf, "cgroup.controllers");
	if ((lim->cpu_quota_us || lim->cpu_weight) && !(h->ctrls & CG_CPU))
		return cgroup_missing("cpu", lim->cpu_quota_us ? "--cpus" : "--cpu-weight");
	if ((lim->memory_max || lim->memory_swap) && !(h->ctrls & CG_MEMORY))
		return cgroup_missing("memory", lim->memory_max ? "--memory" : "--memory-swap");
	if (lim->pids_max && !(h->ctrls & CG_PIDS))
		return cgroup_missing("pids", "--pids-limit");
	if (lim->io_weight && !(h->ctrls & CG_IO))
		return cgroup_missing("io", "--io-weight");
	r = v2_apply_cpu(h->leaf, lim);
	if (r == 0)
		r = v2_apply_memory(h->leaf, lim);
	if (r == 0 && lim->pids_max)
		r = cgroup_write_u64(h->leaf, "pids.max", lim->pids_max);
	if (r == 0 && lim->io_weight)
		r = v2_apply_io(h->leaf, lim);
	/* No devices controller in v2: a device program on the leaf does its job. */
	if (r == 0 && !lim->all_devices)
		r = cgroup_v2_devices(h->leaf, lim);
	return r;
}

static int v2_read_stats(struct cgroup *cg, struct cgroup_stats *st)
{
	const char *dir = cg->hier[0].leaf;
	uint64_t user, sys;

	/* cpu.stat is a core file: there even without the cpu controller. */
	if (cgroup_read_key(dir, "cpu.stat", "user_usec", &user) == 0 &&
	    cgroup_read_key(dir, "cpu.stat", "system_usec", &sys) == 0) {
		st->cpu_user_us = user;
		st->cpu_system_us = sys;
		st->have_cpu = true;
	}
	/* memory.peak: Linux 5.19+; pids.peak: 6.1+. */
	if (cgroup_read_u64(dir, "memory.peak", &st->memory_peak) == 0)
		st->have_memory_peak = true;
	if (cgroup_read_u64(dir, "pids.peak", &st->pids_peak) == 0)
		st->have_pids_peak = true;
	/* memory.events counts the subtree too (memory.events.local would not). */
	if (cgroup_read_key(dir, "memory.events", "oom_kill", &st->oom_kills) == 0)
		st->have_oom_kills = true;
	return 0;
}

static int v2_read_usage(struct cgroup *cg, struct cgroup_usage *u)
{
	const char *dir = cg->hier[0].leaf;

	if (cgroup_read_key(dir, "cpu.stat", "usage_usec", &u->cpu_ns) == 0) {
		u->cpu_ns *= 1000;
		u->have_cpu = true;
	}
	if (cgroup_read_u64(dir, "memory.current", &u->memory) == 0) {
		u->have_memory = true;
		(void)cgroup_read_limit(dir, "memory.max", &u->memory_limit);
	}
	u->have_memory_peak = cgroup_read_u64(dir, "memory.peak", &u->memory_peak) == 0;
	if (cgroup_read_u64(dir, "pids.current", &u->pids) == 0) {
		u->have_pids = true;
		(void)cgroup_read_limit(dir, "pids.max", &u->pids_limit);
	}
	u->have_io =
	    cgroup_sum_fields(dir, "io.stat", "rbytes=", &u->io_read, "wbytes=", &u->io_write) == 0;
	u->have_oom_kills = cgroup_read_key(dir, "memory.events", "oom_kill", &u->oom_kills) == 0;
	return 0;
}

static void v2_kill_all(struct cgroup *cg)
{
	const char *dir = cg->hier[0].leaf;
	bool freezable;

	if (!cg->hier[0].made_leaf)
		return;
	/* cgroup.kill (5.14+) kills the whole subtree atomically, forks in flight included. */
	if (cgroup_has_file(dir, "cgroup.kill") && cgroup_write(dir, "cgroup.kill", "1") == 0)
		return;
	/* Older kernels: freeze (5.2+) so nothing forks while we go through the pids;
	 * a frozen task still dies of SIGKILL. */
	freezable =
	    cgroup_has_file(dir, "cgroup.freeze") && cgroup_write(dir, "cgroup.freeze", "1") == 0;
	if (freezable)
		(void)cgroup_wait_frozen(cg, 1000);
	(void)cgroup_kill_tree(dir);
	if (freezable)
		(void)cgroup_write(dir, "cgroup.freeze", "0");
}

const struct cgroup_ops cgroup_v2_ops = {
    .name = "v2",
    .discover = v2_discover,
    .prepare = v2_prepare,
    .init_dir = NULL,
    .apply = v2_apply,
    .read_stats = v2_read_stats,
    .read_usage = v2_read_usage,
    .kill_all = v2_kill_all,
};
