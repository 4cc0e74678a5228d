/* SPDX-License-Identifier: MIT */
/*
 * cgroup: the container's control group <parent>/<name> on cgroup v1 (legacy
 * or hybrid) and v2, detected at run time. Owns limits, attach, stats and
 * teardown. Never touches a cgroup outside <parent>, and never disables a
 * controller someone else enabled.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A device the container may use beyond the default nodes: type 'c' or 'b', major and minor
 * (-1: any), access a subset of "rwm". */
struct cgroup_dev_rule {
	char type;
	int64_t major, minor;
	char access[4];
};

struct cgroup_limits {                        /* 0 / false = not set */
	uint64_t cpu_quota_us, cpu_period_us; /* from --cpus */
	uint64_t cpu_weight;                  /* 1..10000 */
	uint64_t memory_max;                  /* bytes */
	uint64_t memory_swap;                 /* bytes, memory+swap total */
	uint64_t pids_max;
	uint64_t io_weight; /* 1..10000 */
	bool all_devices;   /* --privileged: no device restriction (default: /dev's nodes only) */
	const struct cgroup_dev_rule *devices; /* allowed besides the default nodes */
	size_t n_devices;
};

struct cgroup_stats {
	uint64_t cpu_user_us, cpu_system_us, memory_peak, pids_peak, oom_kills;
	bool have_cpu, have_memory_peak, have_pids_peak, have_oom_kills;
};

/* What a running container uses now (launch stats). Limits are 0 when there is none. */
struct cgroup_usage {
	uint64_t cpu_ns;
	uint64_t memory, memory_peak, memory_limit;
	uint64_t pids, pids_limit;
	uint64_t io_read, io_write; /* bytes, every device */
	uint64_t oom_kills;
	bool have_cpu, have_memory, have_memory_peak, have_pids, have_io, have_oom_kills;
};

struct cgroup; /* opaque */

/* Detects v1/v2 at run time; creates <parent>/<name> in every hierarchy used (refused,
 * -EEXIST, when one exists already: not box's); applies limits. Logs its own errors (one line
 * naming the file/value). The caller holds the container's name (state.c). */
int cgroup_create(const char *parent, const char *name, const struct cgroup_limits *lim,
                  struct cgroup **ret);
/* Moves pid into the container's cgroup in every hierarchy (writes cgroup.procs). */
int cgroup_attach(struct cgroup *cg, pid_t pid);

/* How the first process joins the cgroup before it runs anything, without writing its pid
 * to cgroup.procs: that write takes a system-wide lock whose first taker waits for an RCU
 * grace period (milliseconds, the largest part of a start on v1). v2: the leaf directory,
 * for clone3's CLONE_INTO_CGROUP. v1: each leaf's "tasks" file, into which the child
 * writes "0", moving only itself (one thread), which needs no such lock. */
#define CGROUP_JOIN_MAX 8
struct cgroup_join {
	int clone_fd; /* v2, or -1 */
	int tasks_fd[CGROUP_JOIN_MAX];
	size_t n_tasks;
};
/* Opens what the child needs (all close-on-exec); logs its errors. */
int cgroup_join_open(struct cgroup *cg, struct cgroup_join *ret);
void cgroup_join_close(struct cgroup_join *j);
/* In the single-threaded child, first of all: joins through the tasks files; logs nothing. */
int cgroup_join_self(const struct cgroup_join *j);
int cgroup_read_stats(struct cgroup *cg, struct cgroup_stats *ret);
int cgroup_read_usage(struct cgroup *cg, struct cgroup_usage *ret);
/* Every process in the container's cgroup and those below it (the pids hierarchy on v1), into
 * a new array. 0 or -errno. */
int cgroup_pids(struct cgroup *cg, pid_t **ret, size_t *ret_n);
/* SIGKILLs every process in the cgroup (cgroup.kill on v2, under the freezer on v1), even a
 * stopped or traced one; the cgroup stays. NULL is fine. */
void cgroup_kill(struct cgroup *cg);
/* Kills all left, rmdir (retry while busy), frees; NULL is fine; never fails loudly. */
void cgroup_destroy(struct cgroup *cg);
/* The leaf directories made (one per hierarchy), at most max, into ret. */
size_t cgroup_leaves(const struct cgroup *cg, const char **ret, size_t max);
/* A handle on an existing container's cgroup (stats, processes): -ENOENT, not logged, when
 * it has none (the caller says what that means); any other failure is logged here.
 * cgroup_close frees it and leaves the cgroup alone. */
int cgroup_open(const char *parent, const char *name, struct cgroup **ret);
/* The same from the leaves a record says were made (cgroup_leaves at creation), with no
 * system call: `launch stats` opens hundreds. A leaf gone since fails its reads. made NULL:
 * ask the filesystem which leaves exist (cgroup_open). */
int cgroup_open_made(const char *parent, const char *name, const char *const *made, size_t n,
                     struct cgroup **ret);
void cgroup_close(struct cgroup *cg);
/* Freezes (pause) or thaws (resume) every process in the container's cgroup: cgroup.freeze on
 * v2, the freezer hierarchy on v1. Waits until the kernel says FROZEN. Logs. -ENOTSUP when
 * there is no freezer. */
int cgroup_freeze(struct cgroup *cg, bool freeze);
/* Is the container's cgroup frozen now? */
bool cgroup_is_frozen(struct cgroup *cg);
/* Applies limits to an existing container's cgroup (update); only the set ones. Logs. */
int cgroup_update(struct cgroup *cg, const struct cgroup_limits *lim);
/* Kills and removes <parent>/<name> if it exists: what a dead container left (reap.c). */
int cgroup_remove_stale(const char *parent, const char *name);

/* --cpus: "1", "0.5", "2.25" (at most 3 decimals) into a CFS quota for period_us.
 * -EINVAL for a malformed value, -ERANGE below 1 ms per period (the kernel's minimum). */
int cgroup_cpus_to_quota(const char *cpus, uint64_t period_us, uint64_t *ret_quota_us);
