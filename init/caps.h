/* SPDX-License-Identifier: MIT */
/*
 * caps: drops boxinit (and so everything it starts later) to Docker's
 * default 14 capabilities. Must run before anything could start a thread:
 * capabilities are per thread. Never raises a capability.
 */
#pragma once

#include <stdbool.h>

/* Is cap one of Docker's default 14? Pure. */
bool caps_is_default(int cap);

/* Bounding, permitted, effective and inheritable sets become the default 14;
 * the ambient set is cleared. Logs and returns -errno on failure. */
int caps_drop_to_default(void);
