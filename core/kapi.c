// SPDX-License-Identifier: MIT
/*
 * kapi: see kapi.h. statx lives here, away from <sys/stat.h> and musl's
 * <fcntl.h>: musl 1.2.3 has no struct statx, and the kernel's <linux/stat.h>
 * redefines the mode macros those headers define.
 */
#include "kapi.h"

#include <errno.h>
#include <linux/stat.h>
/* glibc's <sys/mount.h> brings <fcntl.h>; with musl the kernel's header is the one
 * that does not clash with <linux/stat.h>. */
#ifndef AT_EMPTY_PATH
#include <linux/fcntl.h>
#endif

int k_fd_identity(int fd, struct fd_identity *ret)
{
	struct statx st;

	if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &st) < 0)
		return -errno;
	ret->mnt_id = st.stx_mnt_id;
	ret->ino = st.stx_ino;
	ret->dev_major = st.stx_dev_major;
	ret->dev_minor = st.stx_dev_minor;
	return 0;
}
