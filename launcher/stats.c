// SPDX-License-Identifier: MIT
/*
 * stats: see stats.h. Runs in launch after the container has ended, before
 * its cgroup is destroyed. Never reads the cgroup itself.
 */
#include "stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static void fmt_seconds(char *buf, size_t size, uint64_t us)
{
	(void)snprintf(buf, size, "%" PRIu64 ".%03" PRIu64 "s", us / 1000000, us % 1000000 / 1000);
}

void stats_fmt_bytes(char *buf, size_t size, uint64_t b)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = (double)b;
	size_t u = 0;

	if (b < 1024) {
		(void)snprintf(buf, size, "%" PRIu64 " B", b);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	(void)snprintf(buf, size, "%.1f %s", v, units[u]);
}

static void fmt_u64(char *buf, size_t size, bool have, uint64_t v, const char *none)
{
	if (have)
		(void)snprintf(buf, size, "%" PRIu64, v);
	else
		(void)snprintf(buf, size, "%s", none);
}

static int fits(int n, size_t size)
{
	return n < 0 || (size_t)n >= size ? -ENOBUFS : 0;
}

int stats_format(const struct cgroup_stats *s, char *buf, size_t size)
{
	char user[32] = "n/a", sys[32] = "n/a", mem[32] = "n/a", pids[32], oom[32];

	if (s->have_cpu) {
		fmt_seconds(user, sizeof(user), s->cpu_user_us);
		fmt_seconds(sys, sizeof(sys), s->cpu_system_us);
	}
	if (s->have_memory_peak)
		stats_fmt_bytes(mem, sizeof(mem), s->memory_peak);
	fmt_u64(pids, sizeof(pids), s->have_pids_peak, s->pids_peak, "n/a");
	fmt_u64(oom, sizeof(oom), s->have_oom_kills, s->oom_kills, "n/a");
	return fits(snprintf(buf, size,
	                     "cpu user %s system %s, memory peak %s, pids peak %s, oom kills %s",
	                     user, sys, mem, pids, oom),
	            size);
}

int stats_format_json(const struct cgroup_stats *s, int exit_code, char *buf, size_t size)
{
	char user[24], sys[24], mem[24], pids[24], oom[24];

	fmt_u64(user, sizeof(user), s->have_cpu, s->cpu_user_us, "null");
	fmt_u64(sys, sizeof(sys), s->have_cpu, s->cpu_system_us, "null");
	fmt_u64(mem, sizeof(mem), s->have_memory_peak, s->memory_peak, "null");
	fmt_u64(pids, sizeof(pids), s->have_pids_peak, s->pids_peak, "null");
	fmt_u64(oom, sizeof(oom), s->have_oom_kills, s->oom_kills, "null");
	return fits(snprintf(buf, size,
	                     "{\"exit_code\":%d,\"cpu_user_us\":%s,\"cpu_system_us\":%s,"
	                     "\"memory_peak_bytes\":%s,\"pids_peak\":%s,\"oom_kills\":%s}",
	                     exit_code, user, sys, mem, pids, oom),
	            size);
}

void stats_print(const struct cgroup_stats *s)
{
	char buf[256];

	if (stats_format(s, buf, sizeof(buf)) == 0)
		log_error("stats: %s", buf);
}

int stats_write_json(int fd, const char *path, const struct cgroup_stats *s, int exit_code)
{
	char buf[512];
	int r = stats_format_json(s, exit_code, buf, sizeof(buf) - 1);
	size_t n;

	if (r < 0)
		return log_errno(r, "format stats for '%s'", path);
	n = strlen(buf);
	buf[n++] = '\n';
	if (ftruncate(fd, 0) < 0)
		return log_errno(-errno, "truncate '%s'", path);
	r = write_all(fd, buf, n);
	if (r < 0)
		return log_errno(r, "write stats to '%s'", path);
	return 0;
}
