// SPDX-License-Identifier: MIT
/*
 * Bench helper: the least a reaping init can do, in two shapes, so that make bench
 * shows where each init stands against the floor of its own design.
 *
 *   reapfloor sigtimedwait CMD [ARG...]
 *       tini's shape: sleep in sigtimedwait (SIGCHLD, 1 s timeout, as tini), then
 *       waitpid(-1, WNOHANG) until it finds nothing.
 *   reapfloor signalfd CMD [ARG...]
 *       an event loop's shape (boxinit's, on libuv): sleep in epoll_wait on a
 *       signalfd, read it, then waitpid(-1, WNOHANG) until it finds nothing.
 *
 * Runs CMD as its child and exits with CMD's status once CMD is reaped. Not an
 * init: it forwards no signal and handles no terminal.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Reaps every zombie; returns CMD's exit code once CMD is among them, else -1. */
static int reap_all(pid_t cmd)
{
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid <= 0)
			return -1;
		if (pid == cmd)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
}

static int loop_sigtimedwait(const sigset_t *chld, pid_t cmd)
{
	const struct timespec timeout = {1, 0};
	int code;

	for (;;) {
		if (sigtimedwait(chld, NULL, &timeout) < 0)
			continue;
		code = reap_all(cmd);
		if (code >= 0)
			return code;
	}
}

static int loop_signalfd(const sigset_t *chld, pid_t cmd)
{
	struct epoll_event ev = {.events = EPOLLIN};
	struct signalfd_siginfo si[16];
	int sfd = signalfd(-1, chld, SFD_NONBLOCK | SFD_CLOEXEC);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int code;

	if (sfd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev) < 0) {
		perror("reapfloor: signalfd");
		return 125;
	}
	for (;;) {
		if (epoll_wait(ep, &ev, 1, -1) <= 0 || read(sfd, si, sizeof(si)) < 0)
			continue;
		code = reap_all(cmd);
		if (code >= 0)
			return code;
	}
}

int main(int argc, char **argv)
{
	sigset_t chld;
	pid_t cmd;
	bool fd_shape;

	if (argc < 3 || (strcmp(argv[1], "sigtimedwait") && strcmp(argv[1], "signalfd"))) {
		fprintf(stderr, "usage: reapfloor sigtimedwait|signalfd CMD [ARG...]\n");
		return 125;
	}
	fd_shape = strcmp(argv[1], "signalfd") == 0;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	/* Before the fork: CMD's exit is then never missed. */
	sigprocmask(SIG_BLOCK, &chld, NULL);
	cmd = fork();
	if (cmd < 0) {
		perror("reapfloor: fork");
		return 125;
	}
	if (cmd == 0) {
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		execvp(argv[2], argv + 2);
		perror("reapfloor: exec");
		_exit(127);
	}
	return fd_shape ? loop_signalfd(&chld, cmd) : loop_sigtimedwait(&chld, cmd);
}
