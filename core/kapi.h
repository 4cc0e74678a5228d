/* SPDX-License-Identifier: MIT */
/*
 * kapi: the kernel calls launch makes that musl 1.2.3, launch's C library, does
 * not wrap (the mount API, execveat, statx), as raw system calls under names of
 * their own, so the same code also builds against glibc for the unit tests. The
 * kernel's <linux/mount.h> must come before <sys/mount.h>, which this does.
 */
#pragma once

#include <linux/mount.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int k_open_tree(int dfd, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static inline int k_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
                               unsigned flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static inline int k_mount_setattr(int dfd, const char *path, unsigned flags,
                                  struct mount_attr *attr)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof(*attr));
}

static inline int k_fsopen(const char *fsname, unsigned flags)
{
	return (int)syscall(SYS_fsopen, fsname, flags);
}

static inline int k_fsconfig(int fd, unsigned cmd, const char *key, const void *value, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int k_fsmount(int fd, unsigned flags, unsigned attr_flags)
{
	return (int)syscall(SYS_fsmount, fd, flags, attr_flags);
}

static inline int k_execveat(int dfd, const char *path, char *const argv[], char *const envp[],
                             int flags)
{
	return (int)syscall(SYS_execveat, dfd, path, argv, envp, flags);
}

/* Which inode an fd is, and on which mount (statx's STATX_MNT_ID). */
struct fd_identity {
	uint64_t mnt_id, ino;
	uint32_t dev_major, dev_minor;
};

/* 0 or -errno. */
int k_fd_identity(int fd, struct fd_identity *ret);
