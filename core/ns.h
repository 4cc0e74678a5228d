/* SPDX-License-Identifier: MIT */
/*
 * ns: the container's namespaces. The network, IPC and UTS ones are made ahead, by a
 * short-lived thread of launch while launch makes the cgroup, and entered by the first
 * process with setns; the mount and pid ones come with the clone (fork semantics: the
 * child continues on a copy of the caller's stack, so the parsed config is simply
 * there). Nothing else: no mounts, no cgroup.
 */
#pragma once

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Made by the clone itself. */
#define NS_CLONE_FLAGS (CLONE_NEWPID | CLONE_NEWNS)
/* And with launch --userns: a user namespace first (the kernel makes it before the others of
 * one clone), so it owns every other; none is made ahead. */
#define NS_USERNS_FLAGS (CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)

enum { NS_AHEAD_UTS, NS_AHEAD_IPC, NS_AHEAD_NET, NS_AHEAD_MAX };

/* Namespaces made ahead: a new network namespace (lo up) unless share_net, a new IPC
 * and a new UTS namespace named hostname. fd[] are open on them (-1: not made). */
struct ns_ahead {
	pthread_t thread;
	bool started; /* by ns_ahead_start: fd[] are valid (a zeroed struct holds nothing) */
	bool running;
	bool share_net;
	const char *hostname; /* NULL: left as the new namespace has it */
	int fd[NS_AHEAD_MAX];
	int err;          /* -errno of the thread's failure, 0 */
	const char *what; /* what failed, for the message */
};

/* Starts the thread; the caller goes on with other work. -errno, logged. */
int ns_ahead_start(struct ns_ahead *a, bool share_net, const char *hostname);
/* None made ahead (launch --userns: the clone makes them, owned by the new user namespace). */
void ns_ahead_none(struct ns_ahead *a);
/* In the new namespaces: the hostname (NULL: left), and lo up when net. -errno; *ret_what
 * names the step. No allocation. (Sysctls, ping_group_range among them, go through the
 * container's own /proc: see rootplan.c.) */
int ns_setup_own(const char *hostname, bool net, const char **ret_what);
/* Waits for the thread: 0 with every fd open, or -errno (logged, naming the step). */
int ns_ahead_finish(struct ns_ahead *a);
/* In the first process: enters the namespaces made ahead. -errno; *ret_what names the
 * namespace that failed. No allocation. */
int ns_ahead_enter(const struct ns_ahead *a, const char **ret_what);
/* Waits for a thread still running, closes the fds. Idempotent. */
void ns_ahead_close(struct ns_ahead *a);

/* One range of a user namespace's map: ids inside .. inside+count-1 are outside.. on the host. */
struct ns_id_range {
	uint32_t inside, outside, count;
};
/* From the host, once: the uid and gid maps of pid's new user namespace (each one write, as the
 * kernel takes a map whole or not at all), with setgroups denied first when deny_setgroups
 * (the kernel's rule for a writer without CAP_SETGID over the parent namespace). -errno;
 * *ret_what names the file that failed. Nothing logged. */
int ns_write_maps(pid_t pid, const struct ns_id_range *uid, size_t n_uid,
                  const struct ns_id_range *gid, size_t n_gid, bool deny_setgroups,
                  const char **ret_what);

/* Every process in the pid namespace of pid1 (its pid there: 1), found through /proc: the
 * processes of a container without a cgroup (rootless). *ret is allocated. -errno. */
int ns_pid_members(pid_t pid1, pid_t **ret, size_t *ret_n);

/* The clone's child is queued on the parent's CPU while the parent goes on with its own
 * work (18 starts in 20 here, traced: 0.6 ms each), though another CPU is idle. Until
 * ns_place_back, pid may run on every CPU of its mask but the caller's current one;
 * *ret_all keeps its mask as it was. false (nothing changed) without another CPU or on
 * failure. Call ns_place_back before pid starts anything of its own: its children inherit
 * the mask. */
bool ns_place_apart(pid_t pid, cpu_set_t *ret_all);
void ns_place_back(pid_t pid, const cpu_set_t *all);

/* Like fork(): the child's pid in the parent, 0 in the child, or -errno. SIGCHLD on exit.
 * With cgroup_fd >= 0 the child starts in that cgroup (v2) when the kernel can do it
 * (5.7+); *ret_in_cgroup says whether it did. */
pid_t ns_clone(unsigned long flags, int cgroup_fd, bool *ret_in_cgroup);
