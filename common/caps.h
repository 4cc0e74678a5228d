/* SPDX-License-Identifier: MIT */
/*
 * caps: drops boxinit (and so everything it starts later) to the container's
 * capability set (Docker's default 14 unless --cap-add / --cap-drop changed it).
 * Must run before anything could start a thread: capabilities are per thread.
 * Never raises a capability.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Is cap one of Docker's default 14? Pure. */
bool caps_is_default(int cap);

/* Bounding, permitted, effective and inheritable sets become keep (a capset.h
 * mask); the ambient set is cleared. Logs and returns -errno on failure. */
int caps_apply(uint64_t keep);
