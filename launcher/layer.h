/* SPDX-License-Identifier: MIT */
/*
 * layer: a container's writable layer over its rootfs (launch --overlay). The directory
 * LAYER_ROOT/NAME (root's alone, mode 0700) holds overlayfs's "upper" and "work"
 * directories, or is the mount point of the tmpfs that holds them (--overlay=tmpfs, mounted
 * in the container's own mount namespace). The record names it before it exists; launch
 * removes it at the end, the reaper after a killed launch, launch rm after --keep. diff and
 * commit read the upper directory; the rootfs itself is never written.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

/* LAYER_ROOT/name into buf (size PATH_MAX): the only place a layer of that name may be. */
void layer_path(const char *name, char *buf, size_t size);
/* Makes the layer's directory (and LAYER_ROOT, 0700), removing one a container of that name
 * left (its record is gone: the caller holds the name). 0 or -errno, logged. */
int layer_make(const char *dir);
/* Removes the layer, whatever the container wrote in it; a path that is not a layer's is
 * left alone. Failure is a warning: nothing else depends on it. */
void layer_remove(const char *dir);
/* Removes name in dirfd and everything in it. Never follows a symbolic link, never goes
 * into another filesystem (a mount point inside is an error, and what holds it stays), and
 * holds 33 descriptors at most whatever the depth; one pass over each directory (two over
 * those below depth 32, once for each directory below them). 0 or -errno (the first). */
int tree_remove(int dirfd, const char *name);
/* What the container changed, one line a path ("A /new", "C /changed", "D /deleted"),
 * sorted, to out. 0 or -errno, logged. */
int layer_diff(const char *rootfs, const char *dir, FILE *out);
/* The merged tree (the layer's upper directory over rootfs, in a mount namespace of the
 * commit's own) copied into dest, a new directory (or an empty one), by cp -a. The
 * container must be stopped: nothing may change the layer meanwhile. 0 or -errno, logged. */
int layer_commit(const char *rootfs, const char *dir, const char *dest);
