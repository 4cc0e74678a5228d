/* SPDX-License-Identifier: MIT */
/*
 * ocistate: the OCI runtime's record of a container, ROOT/ID/ (ROOT: --root, default
 * /run/box-oci): state.json (written once by create, replaced whole by rename) and exec.fifo,
 * which exists from create until start. The status is never stored: it is read off the
 * first process (alive, with the start time recorded), the fifo and the freezer, so a
 * container that died needs nobody to write it down.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define OCISTATE_DEFAULT_ROOT "/run/box-oci"
#define OCI_VERSION           "1.0.2"

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_PAUSED, OCI_STOPPED };

struct ocistate {
	char *id;
	pid_t pid;
	uint64_t pid_start; /* /proc/PID/stat field 22: the pid is the container's while equal */
	char *bundle, *rootfs;
	char *created; /* RFC 3339, nanoseconds, UTC */
	char *cgroup_parent, *cgroup_name;
	json_t *annotations; /* object (owned), or NULL */
	bool post_hooks;     /* the config has poststart or poststop hooks (read only then) */
};

/* Is id a valid container id ([A-Za-z0-9][A-Za-z0-9_+.-]*, at most 255)? */
bool ocistate_id_ok(const char *id);
/* ROOT/ID into a new string. */
char *ocistate_dir(const char *root, const char *id);
/* Creates ROOT (0700) and ROOT/ID; -EEXIST logged as "container 'ID' already exists". */
int ocistate_make(const char *root, const char *id);
int ocistate_save(const char *root, const struct ocistate *s);
/* -ENOENT (logged as "container 'ID' does not exist"), -EBADMSG; logs. */
int ocistate_load(const char *root, const char *id, struct ocistate *ret);
/* The record in text (a state.json): 0 and *ret, or -EBADMSG/-ENOMEM. Pure; logs nothing. */
int ocistate_parse(const char *text, struct ocistate *ret);
void ocistate_free(struct ocistate *s);
/* Removes ROOT/ID and what is in it. */
int ocistate_remove(const char *root, const char *id);
/* Takes an exclusive lock on ROOT/ID for the life of the returned fd. Logs. */
int ocistate_lock(const char *root, const char *id, int *ret_fd);

enum oci_status ocistate_status(const char *root, const struct ocistate *s);
const char *ocistate_status_name(enum oci_status st);
/* The state as the runtime spec says `state` prints it (a new object). */
json_t *ocistate_json(const char *root, const struct ocistate *s);
/* The state as hooks get it on stdin (a new string): status given, pid as given. */
char *ocistate_hook_json(const struct ocistate *s, pid_t pid, const char *status);
/* Is pid alive (not a zombie) and started at start? */
bool ocistate_pid_is(pid_t pid, uint64_t start);
int ocistate_pid_start(pid_t pid, uint64_t *ret);
/* Writes "PID" (no newline) through a temporary file and rename. Logs. */
int ocistate_write_pid_file(const char *path, pid_t pid);
/* RFC 3339 with nanoseconds, UTC, now. */
char *ocistate_now(void);
