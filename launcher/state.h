/* SPDX-License-Identifier: MIT */
/*
 * state: one record per container on the host, the only one: the directory
 * /run/box/containers/NAME holds "lock" (flock'ed by the container's monitor,
 * launch, for its whole life: a free lock means the monitor is gone),
 * "state.json" (replaced whole, by rename, so a reader never sees half of it),
 * the monitor's socket and, while the monitor is counted among the living (alive.h),
 * "counted". Every command reads it; only the monitor writes it
 * (and whoever cleans up after a dead one, holding the lock). Never follows a
 * symlink in it; never touches a directory without a lock file.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "paths.h"

/* /run/box and /run/box/containers for root; under $XDG_RUNTIME_DIR rootless (paths.h). */
#define STATE_BASE     paths_state_base()
#define STATE_ROOT     paths_state_root()
#define STATE_NAME_MAX 64

enum state_status {
	STATE_CREATING,
	STATE_RUNNING,
	STATE_STOPPING,
	STATE_STOPPED,
};

struct state_net {
	char mode[8];    /* none, host, veth */
	char ifname[16]; /* the host end, "" before it exists */
	char address[16], gateway[16];
	int prefix;
	char nat[16];    /* nft, iptables, none, pending (being added) */
	json_t *publish; /* array of "IP:HOSTPORT:PORT/tcp" (owned), or NULL */
};

struct state {
	char *name;
	enum state_status status;
	pid_t monitor_pid, pid1;
	uint64_t monitor_start, pid1_start; /* /proc/PID/stat start times: a pid is theirs only
	                                     * while these match */
	char *rootfs;
	char *cgroup_parent;
	json_t *cgroups; /* array of the leaf directories (owned), or NULL */
	struct state_net net;
	char *log_path;   /* a detached container's log, or NULL */
	char *layer;      /* --overlay: the layer's directory (layer.h), or NULL */
	bool layer_tmpfs; /* --overlay=tmpfs: only a mount point there, nothing to diff */
	int64_t created_ns, started_ns, finished_ns; /* CLOCK_REALTIME; 0: not yet */
	bool exited;
	int exit_code;
	bool keep, detached;
	/* --userns: container ids 0..count-1 are host uids uid.. and gids gid.. (count 0: none) */
	uint32_t userns_uid, userns_gid, userns_count;
	json_t *config; /* the container's configuration as launch took it (owned); state_load
	                 * leaves it NULL (config.json, apart): state_load_config */
	json_t *limits; /* its "limits", kept in the record for `launch list` (owned), or NULL */
};

struct state_lock;

/* Takes NAME: creates its directory and holds its lock. -EBUSY (logged: "name 'x' is already
 * in use") when a live container has it, or a stopped one kept with --keep. A record left by
 * a dead monitor is handed to cleanup first, under the lock (reap.c undoes what it names). */
int state_claim(const char *name, void (*cleanup)(const struct state *old),
                struct state_lock **ret);
/* Writes s whole (temporary file, then rename). Logs. */
int state_save(struct state_lock *l, const struct state *s);
/* Locks STATE_ROOT itself (held by the caller for one short section: the choice of a /30 for
 * --net veth). The caller holds a record, so the directory exists. Logs. */
int state_root_lock(int *ret_fd);
/* The path of a file in the container's directory ("monitor.sock"). */
const char *state_dir_of(const struct state_lock *l);
/* Lets the name go: with remove, the record goes first (the lock file last, still held). */
void state_release(struct state_lock *l, bool remove);

/* For commands. 0 and *ret; -ENOENT: no such container; -EBADMSG: unreadable. Logs nothing. */
int state_load(const char *name, struct state *ret);
/* Fills s->config (a record from state_load) from the container's config.json, unless
 * it has one: 0, -ENOENT, -EBADMSG. Logs nothing. */
int state_load_config(struct state *s);
/* The record in j (a state.json's JSON): 0 and *ret, or -EBADMSG/-ENOMEM. Pure: it reads
 * nothing else and logs nothing (state_load's parser, fuzzed on its own). */
int state_parse(json_t *j, struct state *ret);
/* Does a monitor hold NAME's lock right now? */
bool state_is_live(const char *name);
/* Takes the lock of a record whose monitor is gone (for cleaning up): 0, -EBUSY (alive, or
 * being cleaned by someone else), -ENOENT. */
int state_lock_dead(const char *name, struct state_lock **ret);
/* Removes NAME's directory if it is empty (no lock file: its launch was killed before it
 * made one, or could not lock it), and the roots with it when they are empty; NULL: only
 * the roots. */
void state_remove_empty(const char *name);
/* Every name under STATE_ROOT, sorted, NULL-terminated; free with strv_free. */
int state_names(char ***ret);
/* The same, less those whose monitor /proc/locks shows alive (the directory's hint lock)
 * and the kept records that stopped (final: their directory's mode, one stat each): the
 * records that may be dead, for reap_stale. A hint only: a name listed may be alive, so
 * the caller still takes its lock (state_lock_dead); one left out is alive or final. */
int state_names_unlocked(char ***ret);
void state_free(struct state *s);

const char *state_status_name(enum state_status s);
/* Nanoseconds since the epoch, CLOCK_REALTIME. */
int64_t state_now_ns(void);
/* Field 22 of /proc/PID/stat: the process's start time in clock ticks since boot. */
int state_proc_start(pid_t pid, uint64_t *ret);
/* Is pid still the process that started at start_time? */
bool state_proc_is(pid_t pid, uint64_t start_time);

/* 1 when fd is still the file at path (a lock taken on a file since unlinked or replaced
 * protects nothing), 0 when not, -errno when fd cannot be looked at. */
int state_fd_at(int fd, const char *path);
/* The record's mark that its monitor is counted (alive.h): made after the count, removed
 * before it is lowered. */
int state_mark_counted(struct state_lock *l, bool on);
bool state_is_counted(const struct state_lock *l);
/* True when STATE_ROOT holds no record at all. */
bool state_none(void);
