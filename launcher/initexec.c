// SPDX-License-Identifier: MIT
/*
 * initexec: see initexec.h. Runs in launch before the container exists, so
 * a missing or unreadable boxinit fails before anything is created.
 */
#include "initexec.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/capability.h>
#include <sys/stat.h>

#include "initargs.h"
#include "kapi.h"
#include "log.h"
#include "sealed.h"
#include "util.h"

static int default_init_path(char **ret)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return log_errno(-errno, "readlink '/proc/self/exe'");
	self[n] = '\0';
	if (asprintf(ret, "%s/boxinit", dirname(self)) < 0)
		return log_errno(-ENOMEM, "find boxinit");
	return 0;
}

/* In the kernel, page by page: no buffer in launch (its stack pages, once touched, would
 * stay with every monitor). */
static int load_into_memfd(const char *path, int *ret_fd)
{
	_cleanup_close_ int src = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	int r;

	if (src < 0)
		return log_errno(-errno, "open init '%s'", path);
	if (fstat(src, &st) < 0)
		return log_errno(-errno, "stat init '%s'", path);
	if (!S_ISREG(st.st_mode)) {
		log_error("open init '%s': not a regular file", path);
		return -EACCES;
	}
	r = sealed_copy(src, "boxinit", ret_fd);
	if (r < 0)
		return log_errno(r, "make a sealed copy of init '%s'", path);
	return 0;
}

/* The file itself, through a private read-only bind mount of it that is attached nowhere
 * (open_tree's clone, then mount_setattr): every container runs the same pages, and a write
 * through /proc/PID/exe fails with EROFS. Only CAP_SYS_ADMIN could make that mount writable
 * again (mount_setattr on a descriptor of it), so a container with it gets the sealed copy.
 * -ENOSYS and the like: the kernel cannot (before 5.12); the caller copies. */
static int open_read_only(const char *path, int *ret_fd)
{
	struct mount_attr attr = {.attr_set =
	                              MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	_cleanup_close_ int fd = k_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (k_mount_setattr(fd, "", AT_EMPTY_PATH, &attr) < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	*ret_fd = steal_fd(&fd);
	return 0;
}

int initexec_load(const char *path, bool shared, int *ret_fd, char **ret_path)
{
	_cleanup_free_ char *used = NULL;
	int r;

	if (path)
		used = strdup(path);
	else if ((r = default_init_path(&used)) < 0)
		return r;
	if (!used)
		return log_errno(-ENOMEM, "find init");
	r = shared ? open_read_only(used, ret_fd) : -EPERM;
	if (r == 0) {
		log_debug("init: '%s' through a read-only mount", used);
		*ret_path = steal_ptr(&used);
		return 0;
	}
	if (r == -EACCES) {
		log_error("open init '%s': not a regular file", used);
		return r;
	}
	log_debug("init: sealed copy of '%s'", used);
	r = load_into_memfd(used, ret_fd);
	if (r < 0)
		return r;
	*ret_path = steal_ptr(&used);
	return 0;
}

static int strv_push(char **v, size_t *n, const char *s)
{
	v[*n] = strdup(s);
	if (!v[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* The resolved set as "cap_chown,cap_kill,...": boxinit gets exactly what launch checked. */
static int caps_list(uint64_t mask, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int cap = 0; cap < 64; cap++) {
		char *name;
		int w;

		if (!(mask & CAPSET_BIT(cap)))
			continue;
		name = cap_to_name(cap);
		if (!name)
			return -ENOMEM;
		w = snprintf(buf + n, size - n, "%s%s", n ? "," : "", name);
		(void)cap_free(name);
		if (w < 0 || (size_t)w >= size - n)
			return -ENAMETOOLONG;
		n += (size_t)w;
	}
	return 0;
}

int initexec_argv(const struct launch_config *c, int ctl_fd, bool tty, char ***ret)
{
	char caps[1024], ctl[16];
	const char *opts[28];
	size_t n_opts = 0, n_cmd = 0, n = 0;
	char **v;
	int r = 0;

	opts[n_opts++] = "boxinit";
	opts[n_opts++] = INITARG(INITARG_CONTAINER);
	/* The kernel filesystems are steps of launch's plan. */
	opts[n_opts++] = INITARG(INITARG_MOUNTED);
	if (!c->exit_with_main)
		opts[n_opts++] = INITARG(INITARG_KEEP_RUNNING);
	if (c->grace) {
		opts[n_opts++] = INITARG(INITARG_GRACE);
		opts[n_opts++] = c->grace;
	}
	if (c->privileged)
		opts[n_opts++] = INITARG(INITARG_PRIVILEGED);
	if (c->workdir) {
		opts[n_opts++] = INITARG(INITARG_WORKDIR);
		opts[n_opts++] = c->workdir;
	}
	if (c->user) {
		opts[n_opts++] = INITARG(INITARG_USER);
		opts[n_opts++] = c->user;
	}
	if (c->caps_changed && !c->privileged) {
		uint64_t mask = capset_resolve(&c->caps);

		opts[n_opts++] = INITARG(INITARG_CAP_DROP) "=ALL";
		if (mask) {
			r = caps_list(mask, caps, sizeof(caps));
			if (r < 0)
				return r;
			opts[n_opts++] = INITARG(INITARG_CAP_ADD);
			opts[n_opts++] = caps;
		}
	}
	if (c->no_new_privs)
		opts[n_opts++] = INITARG(INITARG_NO_NEW_PRIVS);
	if (c->verbose)
		opts[n_opts++] = INITARG(INITARG_VERBOSE);
	if (c->config_file) {
		opts[n_opts++] = INITARG(INITARG_CONFIG);
		opts[n_opts++] = CONFIG_BOXINIT_CONF;
		/* Its messages name the user's file, not the path it is bound on. */
		opts[n_opts++] = INITARG(INITARG_CONFIG_NAME);
		opts[n_opts++] = c->config_file;
	}
	if (ctl_fd >= 0) {
		(void)snprintf(ctl, sizeof(ctl), "%d", ctl_fd);
		opts[n_opts++] = INITARG(INITARG_CONTROL_FD);
		opts[n_opts++] = ctl;
		if (tty)
			opts[n_opts++] = INITARG(INITARG_TTY);
	}
	opts[n_opts++] = "--";
	while (c->cmd[n_cmd])
		n_cmd++;
	v = calloc(n_opts + 2 * c->n_services + n_cmd + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	/* Every option but the final "--", then the services, then "--" CMD. */
	for (size_t i = 0; r == 0 && i + 1 < n_opts; i++)
		r = strv_push(v, &n, opts[i]);
	for (size_t i = 0; r == 0 && i < c->n_services; i++) {
		r = strv_push(v, &n, INITARG(INITARG_SERVICE));
		if (r == 0)
			r = strv_push(v, &n, c->services[i]);
	}
	if (r == 0)
		r = strv_push(v, &n, "--");
	for (size_t i = 0; r == 0 && i < n_cmd; i++)
		r = strv_push(v, &n, c->cmd[i]);
	if (r < 0) {
		strv_free(v);
		return r;
	}
	*ret = v;
	return 0;
}

/* Sets "K=V" in v (n entries): replaces an entry with the same key, else appends. */
static int env_set(char **v, size_t *n, const char *entry)
{
	size_t klen = strcspn(entry, "=");
	char *s = strdup(entry);

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++)
		if (strncmp(v[i], entry, klen + 1) == 0) {
			free(v[i]);
			v[i] = s;
			return 0;
		}
	v[(*n)++] = s;
	return 0;
}

static int env_setf(char **v, size_t *n, const char *key, const char *value)
{
	_cleanup_free_ char *s = NULL;

	if (asprintf(&s, "%s=%s", key, value) < 0)
		return -ENOMEM;
	return env_set(v, n, s);
}

static const char *home_for(const char *user)
{
	uid_t uid = 0;
	gid_t gid;

	if (user && parse_user_ids(user, &uid, &gid) < 0)
		return "/";
	return uid == 0 ? "/root" : "/";
}

int initexec_env(const struct launch_config *c, const char *host_term, char ***ret)
{
	char **v = calloc(c->n_env + 6, sizeof(*v));
	size_t n = 0;
	int r;

	if (!v)
		return -ENOMEM;
	r = env_set(v, &n, INITEXEC_PATH);
	if (r == 0)
		r = env_setf(v, &n, "HOME", home_for(c->user));
	if (r == 0)
		r = env_setf(v, &n, "TERM", host_term && host_term[0] ? host_term : "xterm");
	if (r == 0)
		r = env_setf(v, &n, "HOSTNAME", c->hostname);
	if (r == 0)
		r = env_set(v, &n, "container=box");
	for (size_t i = 0; r == 0 && i < c->n_env; i++)
		r = env_set(v, &n, c->env[i]);
	if (r < 0) {
		strv_free(v);
		return r;
	}
	*ret = v;
	return 0;
}
