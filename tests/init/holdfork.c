// SPDX-License-Identifier: MIT
/*
 * holdfork: runs a command under ptrace and holds the first process named NAME at the entry of
 * its first fork (fork, vfork, clone, clone3) until the test releases it. Tests use it to send a
 * signal "before the command exists" without a timed window: the moment stays open as long as
 * the test needs it.
 *
 *   holdfork NAME HELD RELEASE LOG -- CMD [ARG...]
 *
 * When it holds the process it writes the process's pid to HELD (then renames it into place, so
 * a reader never sees half a line), then blocks opening the fifo RELEASE until the test writes
 * to it. Every exec of the traced tree is appended to LOG as "exec PID PATH". Its exit status is
 * CMD's (128+N when a signal N ended it). x86_64 only.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TASKS 4096

static const char *name, *held_path, *release_path, *log_path;
static pid_t known[MAX_TASKS];
static int nknown;

static void die(const char *what)
{
	fprintf(stderr, "holdfork: %s: %s\n", what, strerror(errno));
	exit(125);
}

/* The first stop of a task the tracer has not seen is the SIGSTOP ptrace starts it with. */
static bool first_stop(pid_t pid)
{
	for (int i = 0; i < nknown; i++)
		if (known[i] == pid)
			return false;
	if (nknown < MAX_TASKS)
		known[nknown++] = pid;
	return true;
}

static bool named(pid_t pid)
{
	char path[64], comm[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, name) == 0;
}

static bool at_fork_entry(pid_t pid)
{
	struct user_regs_struct r;

	if (ptrace(PTRACE_GETREGS, pid, NULL, &r) < 0)
		return false;
	/* At a syscall's entry the kernel has put -ENOSYS in rax; at its exit, the result. */
	if ((long)r.rax != -ENOSYS)
		return false;
	return r.orig_rax == SYS_clone || r.orig_rax == SYS_fork || r.orig_rax == SYS_vfork ||
	       r.orig_rax == SYS_clone3;
}

static void hold(pid_t pid)
{
	char tmp[4096], buf[16];
	FILE *f;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", held_path);
	f = fopen(tmp, "we");
	if (!f || fprintf(f, "%d\n", pid) < 0 || fclose(f) != 0 || rename(tmp, held_path) < 0)
		die(held_path);
	fd = open(release_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(release_path);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static void log_exec(pid_t pid)
{
	char link[64], exe[4096];
	ssize_t n;
	FILE *f;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	f = fopen(log_path, "ae");
	if (!f)
		die(log_path);
	fprintf(f, "exec %d %s\n", pid, exe);
	fclose(f);
}

int main(int argc, char **argv)
{
	bool released = false;
	int status, ret = 125;
	pid_t top, pid;

	if (argc < 7 || strcmp(argv[5], "--") != 0) {
		fprintf(stderr, "usage: holdfork NAME HELD RELEASE LOG -- CMD [ARG...]\n");
		return 2;
	}
	name = argv[1], held_path = argv[2], release_path = argv[3], log_path = argv[4];
#ifndef __x86_64__
	fprintf(stderr, "holdfork: x86_64 only\n");
	return 2;
#endif
	top = fork();
	if (top < 0)
		die("fork");
	if (top == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			die("PTRACE_TRACEME");
		raise(SIGSTOP);
		execvp(argv[6], argv + 6);
		die(argv[6]);
	}
	if (waitpid(top, &status, __WALL) < 0)
		die("waitpid");
	first_stop(top);
	if (ptrace(PTRACE_SETOPTIONS, top, NULL,
	           PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	               PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL) < 0)
		die("PTRACE_SETOPTIONS");
	if (ptrace(PTRACE_SYSCALL, top, NULL, NULL) < 0)
		die("PTRACE_SYSCALL");

	for (;;) {
		int sig = 0;

		pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			die("waitpid");
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (pid == top)
				ret = WIFEXITED(status) ? WEXITSTATUS(status)
				                        : 128 + WTERMSIG(status);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			if (!released && named(pid) && at_fork_entry(pid)) {
				hold(pid);
				released = true;
			}
		} else if (status >> 16 == PTRACE_EVENT_EXEC) {
			log_exec(pid);
		} else if (status >> 16 != 0) {
			/* fork, vfork, clone events: the new task reports its own first stop. */
		} else if (WSTOPSIG(status) == SIGSTOP && first_stop(pid)) {
			/* The stop a newly traced task starts with: not a signal to pass on. */
		} else {
			sig = WSTOPSIG(status);
		}
		/* Once the hold is over, no more syscall stops: events and signals only. */
		ptrace(released ? PTRACE_CONT : PTRACE_SYSCALL, pid, NULL, (void *)(long)sig);
	}
	return ret;
}
