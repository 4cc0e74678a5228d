/* SPDX-License-Identifier: MIT */
/*
 * config: launch's command line into one struct launch_config, fully validated
 * before anything is created. Parsing is pure (unit-tested); config_check_host
 * looks at the host (root, ROOTFS, volume sources, the --seccomp FILE) but never changes it.
 * Every rejected value is one line naming the option and the value.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capset.h"
#include "cgroup.h"
#include "netconf.h"

#define CONFIG_DEFAULT_PARENT   "/box"
#define CONFIG_BOXINIT_CONF     "/etc/boxinit.conf" /* where -c FILE is bound, read-only */
#define CONFIG_CPU_PERIOD_US    100000
#define CONFIG_NAME_MAX         64
#define CONFIG_DEFAULT_GRACE_MS 10000         /* --grace: boxinit's own default */
#define CONFIG_DEFAULT_LOG_MAX  (10ULL << 20) /* --log-max-size */

struct volume {
	char *src; /* absolute host path (canonical after config_check_host) */
	char *dst; /* absolute path inside the container */
	bool ro;
};

/* --tmpfs PATH[:OPTIONS]: a fresh tmpfs on dst. */
struct tmpfs_mount {
	char *dst;           /* absolute path inside the container */
	char *data;          /* "mode=1777[,size=N]" */
	unsigned long flags; /* MS_NOSUID | MS_NODEV, MS_NOEXEC unless "exec", MS_RDONLY for "ro" */
};

/* --overlay: where the container's writable layer lives. */
enum overlay_mode {
	OVERLAY_NONE,  /* the container writes into ROOTFS (the default) */
	OVERLAY_DISK,  /* upper and work directories in LAYER_ROOT/NAME */
	OVERLAY_TMPFS, /* --overlay=tmpfs[:SIZE]: on a tmpfs of the container's own */
};

/* --userns: whose ids the container's run as on the host. */
enum userns_mode {
	USERNS_HOST,  /* the host's own (no user namespace): today's default */
	USERNS_AUTO,  /* a free slice of /etc/subuid's "box" range, picked at start */
	USERNS_RANGE, /* --userns HOSTID:COUNT */
};

struct userns_config {
	enum userns_mode mode;
	uint32_t host_id; /* USERNS_RANGE (USERNS_AUTO: filled at start) */
	uint32_t count;
};

enum tty_mode {
	TTY_AUTO,   /* a terminal when stdin and stdout are terminals, launch in the foreground */
	TTY_ALWAYS, /* -t */
	TTY_NEVER,  /* --no-tty */
};

struct launch_config {
	char *rootfs; /* canonical after config_check_host */
	char *name;
	const char *cgroup_parent;
	const char *hostname;
	const char *workdir;
	const char *user;
	const char *grace;
	const char *init_path; /* NULL: boxinit next to the launch binary */
	const char *stats_json;
	struct cgroup_limits limits;
	struct volume *volumes;
	size_t n_volumes;
	struct tmpfs_mount *tmpfs; /* --tmpfs */
	size_t n_tmpfs;
	enum overlay_mode overlay;
	uint64_t overlay_size; /* --overlay=tmpfs:SIZE; 0: the kernel's default (half the RAM) */
	char *layer_dir;       /* --overlay: LAYER_ROOT/NAME, set by config_check_host */
	char overlay_data[64]; /* --overlay=tmpfs: the tmpfs's options */
	char **env;            /* "K=V", later entries win */
	size_t n_env;
	bool read_only, exit_with_main, privileged, stats, verbose;
	bool interactive;  /* -i: stdin reaches the container even when it is no terminal */
	enum tty_mode tty; /* -t, --no-tty */
	bool detach;       /* -d: a monitor in the background, output to the log */
	bool keep;         /* --keep: the record (and log) stays after the end, until launch rm */
	const char *log_path;  /* --log FILE; NULL: LOGFILE_DIR/NAME.log when detached */
	uint64_t log_max_size; /* --log-max-size; 0: the default */
	/* Security: see README.md, "Security". */
	struct capset_change caps; /* --cap-add / --cap-drop */
	bool caps_changed;
	bool no_new_privs;
	bool seccomp;             /* --seccomp default (the default) or FILE; false: unconfined */
	const char *seccomp_file; /* --seccomp FILE; NULL: the built-in default */
	json_t *seccomp_profile;  /* FILE's JSON, read (and checked) by config_check_host */
	struct userns_config userns;
	/* launch run by an ordinary user (paths.h): a user namespace of the user's own; no
	 * cgroup at all unless a limit asks for one (then in a cgroup v2 subtree delegated to
	 * the user: cgroup_parent is then its path). */
	bool rootless, no_cgroup;
	bool cgroup_parent_set; /* --cgroup-parent given */
	struct net_config net;  /* --net, --subnet, -p, --dns, --nat: README "Networking" */
	char **cmd; /* NULL-terminated, points into argv (or cmd_owned); empty with services */
	char **cmd_owned;       /* the image's Entrypoint and Cmd composed (imageconf.h), or NULL */
	const char *entrypoint; /* --entrypoint ("" drops the image's), or NULL */
	json_t *image;          /* ROOTFS's image config (imageconf.h), or NULL */
	bool publish_all;       /* -P: the image's ExposedPorts, each on the same host port */
	char *image_user;       /* its User as "uid:gid" */
	const char **services;  /* --service NAME=CMD, handed to boxinit */
	size_t n_services;
	const char *config_file; /* -c FILE: a volume on CONFIG_BOXINIT_CONF, and boxinit's -c */
};

/* 0: ready to run; 1: --help/--version printed (exit 0); -EINVAL: a message was logged. */
int config_parse(int argc, char **argv, struct launch_config *ret);
/* Root, ROOTFS (a directory, not the host's /), volume sources; canonicalizes paths. Logs. */
int config_check_host(struct launch_config *c);
void config_free(struct launch_config *c);

/* Pure parsers, 0 or -EINVAL/-ERANGE, nothing logged. */
int config_parse_volume(const char *spec, struct volume *ret);
/* PATH[:OPTIONS], OPTIONS a comma list of size=SIZE, mode=OCTAL, exec, noexec, ro, rw. */
int config_parse_tmpfs(const char *spec, struct tmpfs_mount *ret);
/* disk (--overlay alone, arg NULL), tmpfs, tmpfs:SIZE. */
int config_parse_overlay(const char *arg, enum overlay_mode *ret_mode, uint64_t *ret_size);
int config_parse_weight(const char *s, uint64_t *ret);
bool config_name_is_valid(const char *name);
/* Does a volume or a --tmpfs land exactly on dst? */
bool config_covers(const struct launch_config *c, const char *dst);
bool config_hostname_is_valid(const char *name);
int config_parse_userns(const char *s, struct userns_config *ret);
