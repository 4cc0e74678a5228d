// SPDX-License-Identifier: MIT
/*
 * imageconf: see imageconf.h. Every file is read inside the rootfs (openat2
 * RESOLVE_IN_ROOT): a link in an image cannot make launch read a host file.
 */
#include "imageconf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define FILE_MAX (1 << 20)

/* The file at path in the rootfs, whole, NUL-terminated, into *ret: 0, -ENOENT, -errno. */
static int read_in_root(int rootfd, const char *path, char **ret)
{
	struct open_how how = {.flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
	                       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size > FILE_MAX)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	n = read_all(fd, buf, (size_t)st.st_size);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	*ret = steal_ptr(&buf);
	return 0;
}

/* The line of an /etc/passwd or /etc/group text whose field 0 is name (or, with name NULL,
 * whose field 2 is id): fields 2 and 3 (passwd: uid, gid; group: gid). */
static bool find_entry(const char *text, const char *name, uint64_t id, uint64_t *f2, uint64_t *f3)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char line[512], *fields[4] = {0}, *p;
		size_t len = strcspn(l, "\n"), n = 0;

		if (len >= sizeof(line))
			continue;
		memcpy(line, l, len);
		line[len] = '\0';
		/* strsep: an empty password field is still a field. */
		for (p = line; n < 4 && (fields[n] = strsep(&p, ":")); n++)
			;
		if (n < 3 || parse_u64(fields[2], f2) < 0)
			continue;
		if (name ? !STREQ(fields[0], name) : *f2 != id)
			continue;
		if (f3 && (n < 4 || parse_u64(fields[3], f3) < 0))
			*f3 = 0;
		return true;
	}
	return false;
}

/* User "name", "uid", "name:group", "uid:gid"... as "uid:gid", docker's way: a user alone
 * gets its passwd entry's group, or 0. */
static int resolve_user(const char *user, int rootfd, const char *where, char **ret)
{
	_cleanup_free_ char *passwd = NULL, *group = NULL, *u = strdup(user);
	char *g = u ? strchr(u, ':') : NULL;
	uint64_t uid, gid = 0, unused;
	bool found;

	if (!u)
		return -ENOMEM;
	if (g)
		*g++ = '\0';
	if (rootfd >= 0)
		(void)read_in_root(rootfd, "/etc/passwd", &passwd);
	if (parse_u64(u, &uid) == 0) {
		/* A number needs no entry; with one, its group is the default. */
		found = true;
		if (!passwd || !find_entry(passwd, NULL, uid, &unused, &gid))
			gid = 0;
	} else {
		found = passwd && find_entry(passwd, u, 0, &uid, &gid);
	}
	if (!found || !u[0]) {
		log_error("%s: User '%s': no such user in the rootfs's /etc/passwd", where, user);
		return -EINVAL;
	}
	if (g && parse_u64(g, &gid) < 0) {
		if (rootfd >= 0)
			(void)read_in_root(rootfd, "/etc/group", &group);
		if (!group || !find_entry(group, g, 0, &gid, NULL)) {
			log_error("%s: User '%s': no such group in the rootfs's /etc/group", where,
			          user);
			return -EINVAL;
		}
	}
	if (uid >= (uid_t)-1 || gid >= (gid_t)-1) {
		log_error("%s: User '%s': out of range", where, user);
		return -EINVAL;
	}
	return asprintf(ret, "%" PRIu64 ":%" PRIu64, uid, gid) < 0 ? -ENOMEM : 0;
}

/* A JSON array of strings (or null/absent: n = 0); -EINVAL for anything else. */
static int strings(json_t *a, size_t *n)
{
	size_t i;
	json_t *v;

	*n = 0;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return -EINVAL;
	/* A NUL inside a string would cut an argument short without a word. */
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
			return -EINVAL;
	}
	*n = json_array_size(a);
	return 0;
}

/* Entrypoint + (CMD given ? CMD : Cmd), --entrypoint replacing the first (and the image's
 * Cmd with it, as docker's). */
static int compose_command(struct launch_config *c, json_t *entry, json_t *cmd)
{
	size_t n_entry = 0, n_cmd = 0, n_given = 0, n = 0;
	bool own_entry = c->entrypoint != NULL;
	char **v;

	if (own_entry)
		n_entry = c->entrypoint[0] ? 1 : 0;
	else
		n_entry = entry ? json_array_size(entry) : 0;
	while (c->cmd[n_given])
		n_given++;
	n_cmd = n_given ? n_given : (own_entry || !cmd ? 0 : json_array_size(cmd));
	if (n_entry + n_cmd == 0)
		return 0;
	v = calloc(n_entry + n_cmd + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n_entry; i++)
		v[n++] = own_entry ? (char *)c->entrypoint
		                   : (char *)json_string_value(json_array_get(entry, i));
	for (size_t i = 0; i < n_cmd; i++)
		v[n++] = n_given ? c->cmd[i] : (char *)json_string_value(json_array_get(cmd, i));
	free(c->cmd_owned);
	c->cmd = c->cmd_owned = v;
	return 0;
}

/* Env first, then -e (later entries win). */
static int prepend_env(struct launch_config *c, json_t *env)
{
	size_t n = json_array_size(env), k = 0;
	char **v = calloc(n + c->n_env + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *e = json_string_value(json_array_get(env, i));

		/* "K=V" only: a bare K means nothing in an image. */
		if (!strchr(e, '=') || e[0] == '=')
			continue;
		if (!(v[k++] = strdup(e))) {
			strv_free(v);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < c->n_env; i++)
		v[k++] = c->env[i];
	free(c->env);
	c->env = v;
	c->n_env = k;
	return 0;
}

static bool published(const struct net_config *n, uint64_t port)
{
	for (size_t i = 0; i < n->n_publish; i++)
		if (n->publish[i].container_port == port)
			return true;
	return false;
}

/* "PORT/PROTOCOL" or "PORT": the port, and whether it is tcp. -EINVAL for anything else. */
static int exposed_port(const char *key, uint64_t *ret, bool *tcp)
{
	size_t len = strcspn(key, "/");
	char num[8];

	if (len == 0 || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, key, len);
	num[len] = '\0';
	if (parse_u64(num, ret) < 0 || *ret < 1 || *ret > 65535)
		return -EINVAL;
	*tcp = !key[len] || STREQ(key + len, "/tcp");
	return 0;
}

/* -P: "PORT/tcp" (or "PORT") on 127.0.0.1:PORT, unless a -p publishes PORT already. */
static int publish_exposed(struct launch_config *c, json_t *ports, const char *where)
{
	const char *key;
	json_t *v;

	json_object_foreach(ports, key, v)
	{
		char spec[32];
		uint64_t port;
		bool tcp;
		int r;

		if (exposed_port(key, &port, &tcp) < 0) {
			log_error("%s: ExposedPorts '%s' is no PORT[/PROTOCOL]", where, key);
			return -EINVAL;
		}
		if (!tcp) {
			log_warn("%s: ExposedPorts '%s' not published: launch publishes tcp only",
			         where, key);
			continue;
		}
		if (published(&c->net, port))
			continue;
		(void)snprintf(spec, sizeof(spec), "%" PRIu64 ":%" PRIu64, port, port);
		r = netconf_add_publish(&c->net, spec);
		if (r == -EEXIST) {
			log_error("%s: ExposedPorts '%s': host port %" PRIu64
			          " is published already",
			          where, key, port);
			return -EINVAL;
		}
		if (r < 0)
			return log_errno(r, "publish %s", key);
	}
	return 0;
}

int imageconf_apply_json(struct launch_config *c, json_t *j, int rootfs_fd, const char *where)
{
	json_t *env = NULL, *entry = NULL, *cmd = NULL, *ports = NULL;
	const char *workdir = NULL, *user = NULL;
	size_t n;
	int r;

	if (!json_is_object(j) ||
	    json_unpack(j, "{s?o, s?s, s?s, s?o, s?o, s?o}", "Env", &env, "WorkingDir", &workdir,
	                "User", &user, "Entrypoint", &entry, "Cmd", &cmd, "ExposedPorts",
	                &ports) < 0 ||
	    (ports && !json_is_object(ports) && !json_is_null(ports)) || strings(env, &n) < 0 ||
	    strings(entry, &n) < 0 || strings(cmd, &n) < 0) {
		log_error("%s: not an image config (Env, Entrypoint and Cmd: arrays of strings; "
		          "WorkingDir, User: strings; ExposedPorts: an object)",
		          where);
		return -EINVAL;
	}
	if (workdir && workdir[0] && !c->workdir) {
		if (workdir[0] != '/') {
			log_error("%s: WorkingDir '%s' is not absolute", where, workdir);
			return -EINVAL;
		}
		c->workdir = workdir;
	}
	if (user && user[0] && !c->user) {
		r = resolve_user(user, rootfs_fd, where, &c->image_user);
		if (r < 0)
			return r == -ENOMEM ? log_errno(r, "read %s", where) : r;
		c->user = c->image_user;
	}
	if (c->publish_all && json_is_object(ports) && (r = publish_exposed(c, ports, where)) < 0)
		return r;
	r = env ? prepend_env(c, env) : 0;
	if (r == 0)
		r = compose_command(c, entry, cmd);
	return r < 0 ? log_errno(r, "read %s", where) : 0;
}

int imageconf_apply(struct launch_config *c)
{
	_cleanup_close_ int root = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL, *where = NULL;
	json_error_t err;
	json_t *j;
	int r;

	if (root < 0)
		return log_errno(-errno, "open rootfs '%s'", c->rootfs);
	if (asprintf(&where, "%s%s", c->rootfs, IMAGECONF_FILE) < 0)
		return log_errno(-ENOMEM, "read the image config of '%s'", c->rootfs);
	r = read_in_root(root, IMAGECONF_FILE, &text);
	if (r == -ENOENT)
		return c->entrypoint ? compose_command(c, NULL, NULL) : 0;
	if (r < 0)
		return log_errno(r, "read '%s'", where);
	j = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		log_error("%s:%d: %s", where, err.line, err.text);
		return -EINVAL;
	}
	/* Its strings are the config's from now on. */
	json_decref(c->image);
	c->image = j;
	return imageconf_apply_json(c, j, root, where);
}
