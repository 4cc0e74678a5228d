/* SPDX-License-Identifier: MIT */
/*
 * capset: capability names (capabilities(7), with or without "CAP_", any case, or ALL)
 * and the set a container gets: Docker's default 14, changed by --cap-add / --cap-drop.
 * Pure: shared by launch (to validate early and to fit the seccomp filter to the set)
 * and boxinit (which applies it). Never touches the process's own capabilities.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Bit n of a mask is capability n; the kernel knows fewer than 64. */
#define CAPSET_BIT(cap) (UINT64_C(1) << (cap))

struct capset_change {
	uint64_t add, drop; /* named capabilities */
	bool add_all, drop_all;
};

/* Docker's default 14. */
uint64_t capset_default(void);
/* Every capability the running kernel knows. */
uint64_t capset_all(void);
/* Adds one name (or ALL) to *ch; -EINVAL for an unknown name. */
int capset_parse(const char *name, bool add, struct capset_change *ch);
/* "NET_ADMIN,SYS_TIME": every name of a comma-separated list; -EINVAL for an unknown one. */
int capset_parse_list(const char *list, bool add, struct capset_change *ch);
/* ALL first (drop ALL wins over add ALL), then the named drops, then the named adds. */
uint64_t capset_resolve(const struct capset_change *ch);
