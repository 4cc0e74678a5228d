/* SPDX-License-Identifier: MIT */
/*
 * kpaths: the kernel interfaces a container has no business reading (masked) or writing
 * (read-only), Docker's defaults. One list for launch's mount plan and for boxinit when it
 * mounts on its own (--container without launch). Data only.
 */
#pragma once

#include <stddef.h>

extern const char *const kpaths_masked[];
extern const size_t kpaths_n_masked;
extern const char *const kpaths_readonly[];
extern const size_t kpaths_n_readonly;
