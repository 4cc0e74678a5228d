// SPDX-License-Identifier: MIT
/*
 * sealed: see sealed.h. The copy goes through sendfile: no buffer of ours holds the binary.
 */
#include "sealed.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>

#include "kapi.h"
#include "log.h"
#include "util.h"

int sealed_copy(int src, const char *name, int *ret_fd)
{
	_cleanup_close_ int mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ssize_t n;

	if (mfd < 0)
		return -errno;
	while ((n = sendfile(mfd, src, NULL, 1 << 20)) > 0)
		;
	if (n < 0)
		return -errno;
	/* Sealed before anything runs it: the copy can never change again. */
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	*ret_fd = steal_fd(&mfd);
	return 0;
}

int sealed_reexec(const char *name, char **argv)
{
	extern char **environ;
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int copy = -1;
	int seals, r;

	if (self < 0)
		return log_errno(-errno, "open '/proc/self/exe'");
	seals = fcntl(self, F_GET_SEALS);
	if (seals >= 0 && (seals & F_SEAL_WRITE))
		return 0;
	r = sealed_copy(self, name, &copy);
	if (r < 0)
		return log_errno(r, "make a sealed copy of %s", name);
	k_execveat(copy, "", argv, environ, AT_EMPTY_PATH);
	return log_errno(-errno, "run the sealed copy of %s", name);
}
