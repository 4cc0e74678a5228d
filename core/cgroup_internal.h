/* SPDX-License-Identifier: MIT */
/*
 * cgroup internals shared by cgroup.c (common part: directories, attach,
 * teardown, leftovers) and the two backends cgroup_v1.c / cgroup_v2.c (discovery,
 * limits, stats, killing). Also the pure helpers the unit tests exercise.
 * Not part of launch's API: only cgroup*.c and tests include it.
 */
#pragma once

#include "cgroup.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CGROUP_DEFAULT_ROOT "/sys/fs/cgroup"
#define CGROUP_MAX_HIER     8

/* Controllers box uses; v1 "blkio" and v2 "io" are both CG_IO. */
enum {
	CG_CPU = 1U << 0,
	CG_CPUACCT = 1U << 1,
	CG_MEMORY = 1U << 2,
	CG_PIDS = 1U << 3,
	CG_IO = 1U << 4,
	CG_FREEZER = 1U << 5,
	CG_DEVICES = 1U << 6,
	CG_CPUSET = 1U << 7, /* never wanted; only noticed when co-mounted with one we want */
	CG_WANTED = CG_CPU | CG_CPUACCT | CG_MEMORY | CG_PIDS | CG_IO | CG_FREEZER | CG_DEVICES,
};

struct cgroup_hier {
	char *mount;    /* v1: mount point of the hierarchy; v2: the cgroup2 root */
	char *leaf;     /* <mount>/<parent>/<name> */
	unsigned ctrls; /* v1: controllers bound here; v2: those enabled for the leaf */
	bool made_leaf; /* we created (or took over) the leaf: we may kill and remove it */
};

struct cgroup;

struct cgroup_ops {
	const char *name;
	/* Fills cg->hier[] (mount, ctrls) for the hierarchies box uses under root. */
	int (*discover)(struct cgroup *cg, const char *root);
	/* Parent directories exist, the leaf does not yet: v2 enables controllers. */
	int (*prepare)(struct cgroup *cg, unsigned needed);
	/* Called on every directory box creates (v1: cpuset co-mounts need cpus/mems). */
	int (*init_dir)(const struct cgroup_hier *h, const char *dir);
	int (*apply)(struct cgroup *cg, const struct cgroup_limits *lim);
	int (*read_stats)(struct cgroup *cg, struct cgroup_stats *ret);
	int (*read_usage)(struct cgroup *cg, struct cgroup_usage *ret);
	/* SIGKILLs every process in every leaf box made, descendants included. */
	void (*kill_all)(struct cgroup *cg);
};

struct cgroup {
	const struct cgroup_ops *ops;
	char *parent; /* normalized: "box", "a/b" (no leading or trailing '/') */
	char *name;
	size_t n_hier;
	struct cgroup_hier hier[CGROUP_MAX_HIER];
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

/* --- helpers for the backends (cgroup.c); the ones that log say so ------------------ */

/* Leaf directory of the hierarchy holding ctrl, or NULL. */
const char *cgroup_dir_for(const struct cgroup *cg, unsigned ctrl);
bool cgroup_has_file(const char *dir, const char *file);
/* Writes value to dir/file; logs "write 'VALUE' to 'PATH': reason" on failure. */
int cgroup_write(const char *dir, const char *file, const char *value);
int cgroup_write_u64(const char *dir, const char *file, uint64_t value);
/* Reads "KEY VALUE" out of dir/file (cpu.stat, memory.events, ...). Does not log. */
int cgroup_read_key(const char *dir, const char *file, const char *key, uint64_t *ret);
/* Reads a single-number file. Does not log. */
int cgroup_read_u64(const char *dir, const char *file, uint64_t *ret);
/* A limit file: a number, or "max" (no limit: 0). Does not log. */
int cgroup_read_limit(const char *dir, const char *file, uint64_t *ret);
/* The sums of the values of two keys over every line of a file such as io.stat ("MAJ:MIN
 * rbytes=N wbytes=N ...", keys "rbytes=" and "wbytes=") or blkio's ("MAJ:MIN Read N", keys
 * "Read " and "Write "), from one read of it. Does not log. */
int cgroup_sum_fields(const char *dir, const char *file, const char *key1, uint64_t *ret1,
                      const char *key2, uint64_t *ret2);
/* SIGKILLs every pid in dir/cgroup.procs and in every descendant; returns how many. */
int cgroup_kill_tree(const char *dir);
/* True when a process is left anywhere under dir (or dir cannot be read). */
bool cgroup_tree_populated(const char *dir);
/* After a freeze was asked for (v1 freezer.state, v2 cgroup.freeze): polls until the
 * cgroup is frozen (true), its state cannot be read, or timeout_ms passed (false). */
bool cgroup_wait_frozen(struct cgroup *cg, unsigned timeout_ms);
/* Logs "cgroup controller 'C' is not available (needed by OPTION)"; returns -EOPNOTSUPP. */
int cgroup_missing(const char *what, const char *option);
/* Adds a discovered hierarchy; -E2BIG when full. */
int cgroup_add_hier(struct cgroup *cg, const char *mount, unsigned ctrls);

/* --- devices (cgroup_devices.c): what a container may open ----------------------------- */

/* v1: devices.deny "a", then the allow list. Logs. */
int cgroup_v1_devices(const char *dir, const struct cgroup_limits *lim);
/* v2: attaches a BPF_CGROUP_DEVICE program with the same list to dir. Logs. */
int cgroup_v2_devices(const char *dir, const struct cgroup_limits *lim);
/* The allow list as v1 lines ("c 1:3 rwm"); NULL past the end. Pure. */
const char *cgroup_device_rule(size_t i, char *buf, size_t size);

/* --- pure helpers (unit-tested) ------------------------------------------------------ */

/* v2 cpu.weight 1..10000 -> v1 cpu.shares 2..262144 (inverse of runc's mapping). */
uint64_t cgroup_weight_to_shares(uint64_t weight);
/* v2 io.weight 1..10000 -> v1 blkio.weight / bfq weight 10..1000 (inverse of runc's). */
uint64_t cgroup_weight_to_blkio(uint64_t weight);
/* USER_HZ ticks (cpuacct.stat) -> microseconds. */
uint64_t cgroup_ticks_to_us(uint64_t ticks, uint64_t hz);
/* v2 memory.swap.max from docker's memory+swap total; -EINVAL if below memory or no memory. */
int cgroup_swap_max(const struct cgroup_limits *lim, uint64_t *ret);
/* Finds "KEY N" as a whole line of text. -ENOENT if absent, -EINVAL if N is not a number. */
int cgroup_parse_keyed(const char *text, const char *key, uint64_t *ret);
/* Controller mask of a v1 superblock option list ("rw,cpu,cpuacct"). */
unsigned cgroup_v1_ctrl_mask(const char *opts);
/* Controller mask of a v2 cgroup.controllers / subtree_control line ("cpu io memory"). */
unsigned cgroup_v2_ctrl_mask(const char *list);
/* A /proc/self/mountinfo line: mount point and superblock options of a v1 cgroup mount.
 * Modifies line (unescapes in place). -ENOENT for any other filesystem. */
int cgroup_parse_mountinfo(char *line, char **ret_mount, char **ret_opts);
/* Container names: name_is_valid (common/util.h) with at most this many bytes. */
#define CGROUP_NAME_MAX 128
/* "/box/" -> "box"; rejects "", "/", ".." components and odd characters (-EINVAL). */
int cgroup_normalize_parent(const char *parent, char **ret);
