// SPDX-License-Identifier: MIT
/*
 * kpaths: see kpaths.h.
 */
#include "kpaths.h"

#include "util.h"

const char *const kpaths_masked[] = {
    "/proc/asound",        "/proc/acpi",       "/proc/kcore",       "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",          "/proc/interrupts", "/sys/firmware",     "/sys/devices/virtual/powercap",
};
const size_t kpaths_n_masked = ARRAY_SIZE(kpaths_masked);

const char *const kpaths_readonly[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};
const size_t kpaths_n_readonly = ARRAY_SIZE(kpaths_readonly);
