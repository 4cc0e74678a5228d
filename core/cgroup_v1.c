// SPDX-License-Identifier: MIT
/*
 * cgroup v1 backend (legacy and hybrid hosts): one directory per hierarchy,
 * hierarchies found in /proc/self/mountinfo (cpu and cpuacct may be separate
 * or co-mounted). Uses only the hierarchies whose controllers box needs: never
 * name=systemd, never the v2 "unified" mount of a hybrid host.
 */
#include "cgroup_internal.h"
#include "log.h"
#include "util.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

static bool under_root(const char *mount, const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	return strncmp(mount, root, n) == 0 && (mount[n] == '\0' || mount[n] == '/');
}

static int v1_discover(struct cgroup *cg, const char *root)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	unsigned seen = 0;
	size_t cap = 0;

	if (!f)
		return log_errno(-errno, "open '/proc/self/mountinfo'");
	while (getline(&line, &cap, f) > 0) {
		char *mount, *opts;
		unsigned mask;
		int r;

		if (cgroup_parse_mountinfo(line, &mount, &opts) < 0 || !under_root(mount, root))
			continue;
		mask = cgroup_v1_ctrl_mask(opts);
		/* A controller lives in one hierarchy: a second mount of it is the same one. */
		if (!(mask & CG_WANTED) || (mask & seen))
			continue;
		seen |= mask;
		r = cgroup_add_hier(cg, mount, mask);
		if (r < 0)
			return log_errno(r, "add cgroup hierarchy '%s'", mount);
	}
	return 0;
}

/* cpuset co-mounted with a controller we need: a new cpuset cgroup starts with no cpus
 * and no memory nodes, and refuses tasks until it gets its parent's. */
static int v1_init_dir(const struct cgroup_hier *h, const char *dir)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	_cleanup_free_ char *up = NULL;
	char *slash;

	if (!(h->ctrls & CG_CPUSET))
		return 0;
	up = strdup(dir);
	if (!up)
		return -ENOMEM;
	slash = strrchr(up, '/');
	if (slash)
		*slash = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *p = NULL;
		char buf[4096];
		int r;

		if (asprintf(&p, "%s/%s", up, files[i]) < 0)
			return -ENOMEM;
		r = read_file(p, buf, sizeof(buf));
		if (r < 0)
			return log_errno(r, "read '%s'", p);
		r = cgroup_write(dir, files[i], buf);
		if (r < 0)
			return r;
	}
	return 0;
}

static int v1_apply_cpu(struct cgroup *cg, const struct cgroup_limits *lim)
{
	const char *dir = cgroup_dir_for(cg, CG_CPU);
	int r;

	if (!lim->cpu_quota_us && !lim->cpu_weight)
		return 0;
	if (!dir)
		return cgroup_missing("cpu", lim->cpu_quota_us ? "--cpus" : "--cpu-weight");
	if (lim->cpu_quota_us) {
		/* Period first: the kernel checks quota against the current period. */
		r = cgroup_write_u64(dir, "cpu.cfs_period_us", lim->cpu_period_us ?: 100000);
		if (r < 0)
			return r;
		r = cgroup_write_u64(dir, "cpu.cfs_quota_us", lim->cpu_quota_us);
		if (r < 0)
			return r;
	}
	if (lim->cpu_weight)
		return cgroup_write_u64(dir, "cpu.shares",
		                        cgroup_weight_to_shares(lim->cpu_weight));
	return 0;
}

static int v1_apply_memory(struct cgroup *cg, const struct cgroup_limits *lim)
{
	const char *dir = cgroup_dir_for(cg, CG_MEMORY);
	int r;

	if (!lim->memory_max && !lim->memory_swap)
		return 0;
	if (!dir)
		return cgroup_missing("memory", lim->memory_max ? "--memory" : "--memory-swap");
	if (lim->memory_swap && lim->memory_swap < lim->memory_max) {
		log_error("set memory+swap limit: --memory-swap must be at least --memory");
		return -EINVAL;
	}
	/* memory first: memsw may never be below it, and both start unlimited. */
	if (lim->memory_max) {
		r = cgroup_write_u64(dir, "memory.limit_in_bytes", lim->memory_max);
		if (r < 0)
			return r;
	}
	if (!lim->memory_swap)
		return 0;
	if (!cgroup_has_file(dir, "memory.memsw.limit_in_bytes")) {
		log_error("cgroup file 'memory.memsw.limit_in_bytes' is not available (needed by "
		          "--memory-swap): swap accounting is off");
		return -EOPNOTSUPP;
	}
	return cgroup_write_u64(dir, "memory.memsw.limit_in_bytes", lim->memory_swap);
}

static int v1_apply_io(struct cgroup *cg, const struct cgroup_limits *lim)
{
	static const char *const files[] = {"blkio.weight", "blkio.bfq.weight"};
	const char *dir = cgroup_dir_for(cg, CG_IO);

	if (!lim->io_weight)
		return 0;
	if (!dir)
		return cgroup_missing("blkio", "--io-weight");
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (cgroup_has_file(dir, files[i]))
			return cgroup_write_u64(dir, files[i],
			                        cgroup_weight_to_blkio(lim->io_weight));
	log_error("cgroup file 'blkio.weight' is not available (needed by --io-weight): no CFQ "
	          "or BFQ scheduler");
	return -EOPNOTSUPP;
}

static int v1_apply(struct cgroup *cg, const struct cgroup_limits *lim)
{
	const char *pids = cgroup_dir_for(cg, CG_PIDS);
	const char *devices = cgroup_dir_for(cg, CG_DEVICES);
	int r;

	if (!lim->all_devices && devices) {
		r = cgroup_v1_devices(devices, lim);
		if (r < 0)
			return r;
	} else if (!lim->all_devices) {
		log_warn("cgroup controller 'devices' is not available: device nodes made in the "
		         "container can be opened");
	}
	r = v1_apply_cpu(cg, lim);
	if (r < 0)
		return r;
	r = v1_apply_memory(cg, lim);
	if (r < 0)
		return r;
	r = v1_apply_io(cg, lim);
	if (r < 0)
		return r;
	if (!lim->pids_max)
		return 0;
	if (!pids)
		return cgroup_missing("pids", "--pids-limit");
	return cgroup_write_u64(pids, "pids.max", lim->pids_max);
}

static int v1_read_stats(struct cgroup *cg, struct cgroup_stats *st)
{
	const char *cpu = cgroup_dir_for(cg, CG_CPUACCT);
	const char *mem = cgroup_dir_for(cg, CG_MEMORY);
	const char *pids = cgroup_dir_for(cg, CG_PIDS);
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t user, sys;

	/* cpuacct.stat counts USER_HZ ticks, split by sampling but scaled to the
	 * precise total, the same way v2's cpu.stat is. */
	if (cpu && hz > 0 && cgroup_read_key(cpu, "cpuacct.stat", "user", &user) == 0 &&
	    cgroup_read_key(cpu, "cpuacct.stat", "system", &sys) == 0) {
		st->cpu_user_us = cgroup_ticks_to_us(user, (uint64_t)hz);
		st->cpu_system_us = cgroup_ticks_to_us(sys, (uint64_t)hz);
		st->have_cpu = true;
	}
	if (mem && cgroup_read_u64(mem, "memory.max_usage_in_bytes", &st->memory_peak) == 0)
		st->have_memory_peak = true;
	/* oom_kill in memory.oom_control: Linux 4.13+. */
	if (mem && cgroup_read_key(mem, "memory.oom_control", "oom_kill", &st->oom_kills) == 0)
		st->have_oom_kills = true;
	/* pids.peak: recent kernels give v1 the same file as v2; older ones have none. */
	if (pids && cgroup_read_u64(pids, "pids.peak", &st->pids_peak) == 0)
		st->have_pids_peak = true;
	return 0;
}

static int v1_read_usage(struct cgroup *cg, struct cgroup_usage *u)
{
	const char *cpu = cgroup_dir_for(cg, CG_CPUACCT);
	const char *mem = cgroup_dir_for(cg, CG_MEMORY);
	const char *pids = cgroup_dir_for(cg, CG_PIDS);
	const char *io = cgroup_dir_for(cg, CG_IO);

	u->have_cpu = cpu && cgroup_read_u64(cpu, "cpuacct.usage", &u->cpu_ns) == 0;
	if (mem && cgroup_read_u64(mem, "memory.usage_in_bytes", &u->memory) == 0) {
		u->have_memory = true;
		/* No limit reads as the largest page-aligned value: about 2^63. */
		if (cgroup_read_u64(mem, "memory.limit_in_bytes", &u->memory_limit) < 0 ||
		    u->memory_limit >= (1ULL << 62))
			u->memory_limit = 0;
	}
	u->have_memory_peak =
	    mem && cgroup_read_u64(mem, "memory.max_usage_in_bytes", &u->memory_peak) == 0;
	if (pids && cgroup_read_u64(pids, "pids.current", &u->pids) == 0) {
		u->have_pids = true;
		(void)cgroup_read_limit(pids, "pids.max", &u->pids_limit);
	}
	u->have_io = io && cgroup_sum_fields(io, "blkio.throttle.io_service_bytes", "Read ",
	                                     &u->io_read, "Write ", &u->io_write) == 0;
	u->have_oom_kills =
	    mem && cgroup_read_key(mem, "memory.oom_control", "oom_kill", &u->oom_kills) == 0;
	return 0;
}

/* Frozen tasks cannot fork, so one pass of SIGKILL gets them all; they die on thaw. */
static void v1_kill_all(struct cgroup *cg)
{
	const char *freezer = cgroup_dir_for(cg, CG_FREEZER);
	bool frozen = false;

	/* The usual end: PID 1 of the container's pid namespace is gone, so the kernel has
	 * killed everything already. Freezing then is pure cost: each freeze and thaw
	 * patches kernel code on every CPU. */
	if (freezer && !cgroup_tree_populated(freezer))
		return;
	if (freezer && cgroup_write(freezer, "freezer.state", "FROZEN") == 0)
		frozen = cgroup_wait_frozen(cg, 1000);
	if (freezer && !frozen)
		log_debug("cgroup '%s' did not freeze; killing it live", freezer);
	for (size_t i = 0; i < cg->n_hier; i++)
		if (cg->hier[i].made_leaf)
			(void)cgroup_kill_tree(cg->hier[i].leaf);
	if (freezer)
		(void)cgroup_write(freezer, "freezer.state", "THAWED");
}

const struct cgroup_ops cgroup_v1_ops = {
    .name = "v1",
    .discover = v1_discover,
    .prepare = NULL,
    .init_dir = v1_init_dir,
    .apply = v1_apply,
    .read_stats = v1_read_stats,
    .read_usage = v1_read_usage,
    .kill_all = v1_kill_all,
};
