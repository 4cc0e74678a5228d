/* SPDX-License-Identifier: MIT */
/*
 * ociconf: a bundle's config.json (OCI runtime-spec 1.x, config.md and config-linux.md)
 * into struct spec, and the default config.json `box spec` writes. Pure: reads JSON and the
 * one file, never touches the container's host state. Whatever box cannot honour is an
 * error naming the field, never silently dropped.
 */
#pragma once

#include <stddef.h>

#include "spec.h"

/* Parses len bytes of text. On error logs one line naming the field
 * ("config.json: mounts[3].options[1]: ...", or "config.json:LINE:COL: ..." for a syntax
 * error) and returns -EINVAL (-ENOMEM when out of memory); *ret is left alone. On success
 * *ret is filled (free it with spec_free). */
int ociconf_parse(const char *text, size_t len, struct spec *ret);

/* `box exec --process FILE`: a process object alone, as config.json's "process" (messages
 * name "process.json: cwd", ...). Same contract as ociconf_parse; free with
 * spec_process_free. */
int ociconf_parse_process(const char *text, size_t len, struct spec_process *ret);

/* `box update --resources FILE`: a linux.resources object alone (messages name
 * "resources.json: memory.limit", ...) into the cgroup limits; device rules are refused. */
int ociconf_parse_resources(const char *text, size_t len, const char *name,
                            struct cgroup_limits *ret);

/* Reads and parses BUNDLE/config.json (at most 4 MiB). Logs its errors; -errno. */
int ociconf_load(const char *bundle, struct spec *ret);

/* A new string (free it), a default config.json as `runc spec` writes one; NULL when out
 * of memory. */
char *ociconf_default(void);
