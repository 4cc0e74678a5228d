// SPDX-License-Identifier: MIT
/*
 * specplan: see specplan.h. Order: make private, bind the root, the spec's mounts as given,
 * devices and links, read-only root, pivot; then, inside: sysctls, masks, read-only paths,
 * the root's propagation. Nothing here mounts anything.
 */
#include "specplan.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "log.h"
#include "util.h"

struct builder {
	struct mount_plan *plan;
	size_t cap;
	int err;
};

static struct mount_op *add(struct builder *b, enum mount_op_kind kind, const char *dst)
{
	if (b->err)
		return NULL;
	if (b->plan->n_ops == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		struct mount_op *ops = reallocarray(b->plan->ops, cap, sizeof(*ops));

		if (!ops) {
			b->err = -ENOMEM;
			return NULL;
		}
		b->plan->ops = ops;
		b->cap = cap;
	}
	struct mount_op *op = &b->plan->ops[b->plan->n_ops++];
	*op = (struct mount_op){.kind = kind, .dst = dst};
	return op;
}

/* Keeps s (allocated) with the plan; NULL when out of memory. */
static const char *keep(struct builder *b, char *s)
{
	char **v;

	if (!s || b->err) {
		free(s);
		b->err = b->err ?: -ENOMEM;
		return NULL;
	}
	v = reallocarray(b->plan->strings, b->plan->n_strings + 1, sizeof(*v));
	if (!v) {
		free(s);
		b->err = -ENOMEM;
		return NULL;
	}
	b->plan->strings = v;
	v[b->plan->n_strings++] = s;
	return s;
}

static const char *joined(struct builder *b, const char *a, const char *c)
{
	char *s = NULL;

	if (asprintf(&s, "%s/%s", a, c) < 0)
		s = NULL;
	return keep(b, s);
}

bool specplan_has_dev(const struct spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (STREQ(s->mounts[i].destination, "/dev"))
			return true;
	return false;
}

/* The container's own cgroup on dst: on v2 its leaf; on v1 a tmpfs holding one directory per
 * hierarchy (named as on the host), each its leaf, and a link per co-mounted controller. */
static void add_cgroup(struct builder *b, const struct specplan_in *in, const struct spec_mount *m)
{
	bool ro = m->flags & MS_RDONLY;
	struct mount_op *op;

	if (in->cgroup_v2 && in->n_leaves == 1) {
		op = add(b, MOUNT_OP_VOLUME, m->destination);
		if (op)
			*op =
			    (struct mount_op){.kind = MOUNT_OP_VOLUME,
			                      .src = in->leaves[0],
			                      .dst = m->destination,
			                      .ro = ro,
			                      .flags = m->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC};
		return;
	}
	op = add(b, MOUNT_OP_FS, m->destination);
	if (op) {
		op->type = "tmpfs";
		op->src = "cgroup";
		op->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
		op->data = "mode=755";
	}
	for (size_t i = 0; i < in->n_leaves; i++) {
		const char *name = strrchr(in->leaf_mounts[i], '/');
		const char *dst = joined(b, m->destination, name ? name + 1 : in->leaf_mounts[i]);

		op = add(b, MOUNT_OP_VOLUME, dst);
		if (op) {
			op->src = in->leaves[i];
			op->ro = ro;
			op->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
		}
		/* "cpu,cpuacct": "cpu" and "cpuacct" lead there too, as on the host. */
		if (name && strchr(name, ',')) {
			_cleanup_free_ char *list = strdup(name + 1);
			char *save = NULL;

			for (char *c = list ? strtok_r(list, ",", &save) : NULL; c;
			     c = strtok_r(NULL, ",", &save)) {
				op = add(b, MOUNT_OP_SYMLINK, joined(b, m->destination, c));
				if (op)
					op->src = name + 1;
			}
		}
	}
	if (ro && (op = add(b, MOUNT_OP_REMOUNT_RO, m->destination)))
		op->ro = true;
}

static void add_mount(struct builder *b, const struct specplan_in *in, const struct spec_mount *m)
{
	struct mount_op *op;

	if (m->tmpcopyup && (!m->type || !STREQ(m->type, "tmpfs"))) {
		log_error("mount on '%s': option 'tmpcopyup' is for tmpfs only", m->destination);
		b->err = -EINVAL;
		return;
	}
	if (m->type && (STREQ(m->type, "cgroup") || STREQ(m->type, "cgroup2"))) {
		add_cgroup(b, in, m);
		return;
	}
	if (m->bind) {
		const char *src = m->source;

		if (!src || !*src) {
			log_error("bind mount on '%s': no source", m->destination);
			b->err = -EINVAL;
			return;
		}
		if (src[0] != '/')
			src = joined(b, in->bundle, src);
		op = add(b, MOUNT_OP_VOLUME, m->destination);
		if (op) {
			op->src = src;
			op->ro = m->flags & MS_RDONLY;
			op->recursive = m->flags & MS_REC;
			op->flags = m->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_RDONLY);
			op->propagation = m->propagation;
		}
		return;
	}
	if (!m->type) {
		log_error("mount on '%s': no type", m->destination);
		b->err = -EINVAL;
		return;
	}
	op = add(b, MOUNT_OP_FS, m->destination);
	if (op) {
		op->type = m->type;
		op->src = m->source;
		op->flags = m->flags;
		op->data = m->data;
		op->propagation = m->propagation;
		op->copy_up = m->tmpcopyup;
	}
}

static const struct {
	const char *path;
	unsigned major, minor;
} default_devices[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const struct {
	const char *path, *target;
} default_links[] = {
    {"/dev/fd", "/proc/self/fd"},       {"/dev/stdin", "/proc/self/fd/0"},
    {"/dev/stdout", "/proc/self/fd/1"}, {"/dev/stderr", "/proc/self/fd/2"},
    {"/dev/ptmx", "pts/ptmx"},
};

static bool spec_has_device(const struct spec *s, const char *path)
{
	for (size_t i = 0; i < s->n_devices; i++)
		if (STREQ(s->devices[i].path, path))
			return true;
	return false;
}

static void add_devices(struct builder *b, const struct spec *s)
{
	struct mount_op *op;

	if (specplan_has_dev(s)) {
		for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
			if (spec_has_device(s, default_devices[i].path))
				continue;
			op = add(b, MOUNT_OP_DEVICE, default_devices[i].path);
			if (op) {
				op->src = default_devices[i].path;
				op->mode = S_IFCHR | 0666;
				op->rdev =
				    makedev(default_devices[i].major, default_devices[i].minor);
			}
		}
	}
	for (size_t i = 0; i < s->n_devices; i++) {
		const struct spec_device *d = &s->devices[i];

		op = add(b, MOUNT_OP_DEVICE, d->path);
		if (!op)
			return;
		op->src = d->path;
		op->mode = (d->type == 'b'   ? S_IFBLK
		            : d->type == 'p' ? S_IFIFO
		                             : S_IFCHR) |
		           (d->has_mode ? d->mode & 07777 : 0666);
		op->rdev = makedev((unsigned)d->major, (unsigned)d->minor);
		op->uid = d->uid;
		op->gid = d->gid;
	}
	if (!specplan_has_dev(s))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(default_links); i++)
		if (!spec_has_device(s, default_links[i].path) &&
		    (op = add(b, MOUNT_OP_SYMLINK, default_links[i].path)))
			op->src = default_links[i].target;
}

static bool sysctl_key_ok(const char *k)
{
	if (!*k || *k == '.' || strstr(k, ".."))
		return false;
	for (; *k; k++)
		if (!(*k == '.' || *k == '_' || *k == '-' || (*k >= '0' && *k <= '9') ||
		      (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z')))
			return false;
	return true;
}

static void add_inside(struct builder *b, const struct spec *s)
{
	struct mount_op *op;

	for (size_t i = 0; i < s->n_sysctls && !b->err; i++) {
		if (!sysctl_key_ok(s->sysctls[i].key)) {
			log_error("config.json: linux.sysctl: invalid key '%s'", s->sysctls[i].key);
			b->err = -EINVAL;
			return;
		}
		op = add(b, MOUNT_OP_SYSCTL, NULL);
		if (op) {
			op->src = s->sysctls[i].key;
			op->data = s->sysctls[i].value;
		}
	}
	for (size_t i = 0; s->masked_paths && s->masked_paths[i]; i++)
		(void)add(b, MOUNT_OP_MASK, s->masked_paths[i]);
	for (size_t i = 0; s->readonly_paths && s->readonly_paths[i]; i++)
		(void)add(b, MOUNT_OP_READONLY, s->readonly_paths[i]);
	if (s->rootfs_propagation && (op = add(b, MOUNT_OP_PROPAGATION, "/")))
		op->propagation = s->rootfs_propagation;
}

int specplan_build(const struct specplan_in *in, struct mount_plan *ret)
{
	struct mount_plan plan = {.rootfs = in->rootfs, .no_pivot = in->no_pivot};
	struct builder b = {.plan = &plan};
	const struct spec *s = in->spec;

	(void)add(&b, MOUNT_OP_MAKE_PRIVATE, NULL);
	(void)add(&b, MOUNT_OP_BIND_ROOT, NULL);
	for (size_t i = 0; i < s->n_mounts && !b.err; i++)
		add_mount(&b, in, &s->mounts[i]);
	add_devices(&b, s);
	if (s->root_readonly)
		(void)add(&b, MOUNT_OP_ROOT_READONLY, NULL);
	(void)add(&b, MOUNT_OP_PIVOT, NULL);
	add_inside(&b, s);
	if (b.err) {
		if (b.err == -ENOMEM)
			log_errno(-ENOMEM, "plan the container's mounts");
		rootfs_plan_free(&plan);
		return b.err;
	}
	*ret = plan;
	return 0;
}
