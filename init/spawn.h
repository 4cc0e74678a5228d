/* SPDX-License-Identifier: MIT */
/*
 * spawn: fork + exec of one command with a clean signal state, its own
 * session or process group (and the terminal's foreground when it can have
 * it), working directory and ids. The only place boxinit forks. Never waits
 * for the child: its exit status goes through the reaper like any other.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct spawn_opts {
	char *const *argv;   /* execvp semantics: PATH search when argv[0] has no '/' */
	const char *cwd;     /* boxinit's original working directory, or NULL */
	const char *workdir; /* --workdir, relative to cwd; or NULL */
	uid_t uid;
	gid_t gid;
	bool has_user;
	/* Declared services: no terminal (setsid), stdin from /dev/null, stdout and
	 * stderr onto these pipes, and their own environment. */
	bool service;
	int stdout_fd, stderr_fd;
	char *const *envp; /* NULL: boxinit's environment */
	/* The container's own terminal (boxinit --tty): the command leads a new session with
	 * it as controlling terminal, stdin, stdout and stderr. -1: none. */
	int tty_fd;
};

/* Which terminal setup the child gets (decided in the parent, applied in the child). */
enum spawn_tty {
	SPAWN_TTY_NONE,       /* stdin is no terminal, or another session's: setsid() only */
	SPAWN_TTY_FOREGROUND, /* stdin is boxinit's controlling tty: new group, made foreground */
	SPAWN_TTY_ACQUIRE,    /* stdin is a terminal no session controls: setsid + TIOCSCTTY */
	SPAWN_TTY_OWN,        /* tty_fd: setsid, TIOCSCTTY, and it becomes stdio */
};

struct spawn_result {
	pid_t pid;
	enum spawn_tty tty;
	bool failed; /* the child reported a failure before its exec (already logged) */
};

/* Caller has blocked every signal (so none is lost between fork and exec, and no
 * libuv handler runs in the child). Returns 0 with the child's pid, or -errno if
 * it could not fork. When the child fails before exec, this logs the reason in
 * one line ("boxinit: exec 'PATH': No such file or directory") and the child
 * exits with the matching code (127, 126, or 125 for a setup failure). */
int spawn_command(const struct spawn_opts *o, struct spawn_result *ret);

/* 127 for a missing command, 126 for any other exec failure. */
int spawn_exec_exit_code(int err);

/* boxinit is the last thing the OOM killer should pick: its own oom_score_adj goes as
 * low as it may (-1000 with CAP_SYS_RESOURCE), and every command spawned from now on
 * gets the original value back before its exec. Logs (debug) when it cannot. */
void spawn_oom_protect(void);

/* Gives the terminal's foreground back to boxinit's own group. */
void spawn_reclaim_tty(void);
