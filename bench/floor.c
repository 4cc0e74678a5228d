// SPDX-License-Identifier: MIT
/*
 * The floor of a container start on this kernel: the least a start can do and still be one.
 * One static process clones a child into new uts, pid, net, mount, ipc and cgroup namespaces
 * (one clone, the namespaces made together), the child chroots into ROOTFS and execs CMD,
 * and the parent waits for it. No cgroup, no pivot_root, no mounts, no init, no seccomp.
 *
 *   floor ROOTFS CMD [ARGS...]
 *
 * Exits with CMD's status (128+N when killed by signal N), 125 when it cannot start it,
 * 126/127 when CMD cannot be executed or is not found: launch's codes, so the bench can
 * check that every command it times did its job.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAMESPACES                                                                                 \
	(CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWCGROUP)

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	if (argc < 3) {
		(void)fprintf(stderr, "usage: floor ROOTFS CMD [ARGS...]\n");
		return 125;
	}
	/* The raw system call, as fork: the child only chroots and execs. */
	pid = (pid_t)syscall(SYS_clone, NAMESPACES | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		(void)fprintf(stderr, "floor: clone: %s\n", strerror(errno));
		return 125;
	}
	if (pid == 0) {
		if (chroot(argv[1]) < 0 || chdir("/") < 0) {
			(void)fprintf(stderr, "floor: chroot '%s': %s\n", argv[1], strerror(errno));
			_exit(125);
		}
		execv(argv[2], argv + 2);
		(void)fprintf(stderr, "floor: exec '%s': %s\n", argv[2], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			(void)fprintf(stderr, "floor: wait: %s\n", strerror(errno));
			return 125;
		}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
