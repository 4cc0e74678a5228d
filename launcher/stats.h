/* SPDX-License-Identifier: MIT */
/*
 * stats: --stats and --stats-json, the container's resource use at exit,
 * formatted from what the cgroup backend could read ("n/a" / null for the
 * rest). Formatting is pure; only stats_print and stats_write_json do I/O.
 */
#pragma once

#include <stddef.h>

#include "cgroup.h"

/* "cpu user 0.012s system 0.004s, memory peak 3.2 MiB, pids peak 3, oom kills 0" */
int stats_format(const struct cgroup_stats *s, char *buf, size_t size);
/* {"exit_code":N,"cpu_user_us":..,"cpu_system_us":..,"memory_peak_bytes":..,
 *  "pids_peak":..,"oom_kills":..} with null for what is unavailable. */
int stats_format_json(const struct cgroup_stats *s, int exit_code, char *buf, size_t size);
/* "512 B", "3.2 MiB". */
void stats_fmt_bytes(char *buf, size_t size, uint64_t bytes);
/* "launch: stats: ..." on stderr. */
void stats_print(const struct cgroup_stats *s);
/* Writes the JSON and a newline to fd (truncated first). Logs, names path. */
int stats_write_json(int fd, const char *path, const struct cgroup_stats *s, int exit_code);
