// SPDX-License-Identifier: MIT
/*
 * users: see users.h. Both files have the same shape: colon-separated
 * fields, the name first and the numeric id third; /etc/passwd has the
 * primary group fourth.
 */
#include "users.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "util.h"

#define DB_MAX_SIZE (16u << 20)

static int read_db(const char *root, const char *file, char **ret)
{
	char path[PATH_MAX];

	if ((size_t)fmt_snprintf(path, sizeof(path), "%s%s", root, file) >= sizeof(path))
		return -ENAMETOOLONG;
	return read_file_alloc(path, DB_MAX_SIZE, ret);
}

/* Field idx (0-based) of a colon-separated line, copied into out. */
static int field(const char *line, unsigned idx, char *out, size_t size)
{
	size_t len;

	for (unsigned i = 0; i < idx; i++) {
		line = strpbrk(line, ":\n");
		if (!line || *line == '\n')
			return -EINVAL;
		line++;
	}
	len = strcspn(line, ":\n");
	if (len >= size)
		return -EINVAL;
	memcpy(out, line, len);
	out[len] = '\0';
	return 0;
}

static int parse_id(const char *s, unsigned *ret)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0 || v >= (uint64_t)(uid_t)-1)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

/* Finds name in a passwd/group database; fills the numeric fields 2 and (if ret_3) 3. */
static int find_entry(const char *db, const char *name, unsigned *ret_2, unsigned *ret_3)
{
	char buf[64];

	for (const char *line = db; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		unsigned id2, id3 = 0;

		if (field(line, 0, buf, sizeof(buf)) < 0 || !STREQ(buf, name))
			continue;
		if (field(line, 2, buf, sizeof(buf)) < 0 || parse_id(buf, &id2) < 0)
			return -EINVAL;
		if (ret_3 && (field(line, 3, buf, sizeof(buf)) < 0 || parse_id(buf, &id3) < 0))
			return -EINVAL;
		*ret_2 = id2;
		if (ret_3)
			*ret_3 = id3;
		return 0;
	}
	return -ESRCH;
}

/* The first passwd entry with this uid, for its primary group. */
static int find_uid(const char *db, unsigned uid, unsigned *ret_gid)
{
	char buf[64];

	for (const char *line = db; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		unsigned id;

		if (field(line, 2, buf, sizeof(buf)) < 0 || parse_id(buf, &id) < 0 || id != uid)
			continue;
		if (field(line, 3, buf, sizeof(buf)) < 0 || parse_id(buf, ret_gid) < 0)
			return -EINVAL;
		return 0;
	}
	return -ESRCH;
}

int users_lookup_user(const char *root, const char *user, uid_t *ret_uid, gid_t *ret_gid)
{
	_cleanup_free_ char *db = NULL;
	unsigned uid, gid;
	int r;

	if (!user[0])
		return -EINVAL;
	r = read_db(root, "/etc/passwd", &db);
	if (parse_id(user, &uid) == 0) {
		if (r < 0 || find_uid(db, uid, &gid) < 0)
			gid = uid;
	} else {
		if (r < 0)
			return r == -ENOENT ? -ESRCH : r;
		r = find_entry(db, user, &uid, &gid);
		if (r < 0)
			return r;
	}
	*ret_uid = uid;
	*ret_gid = gid;
	return 0;
}

int users_lookup_group(const char *root, const char *group, gid_t *ret_gid)
{
	_cleanup_free_ char *db = NULL;
	unsigned gid;
	int r;

	if (!group[0])
		return -EINVAL;
	if (parse_id(group, &gid) == 0) {
		*ret_gid = gid;
		return 0;
	}
	r = read_db(root, "/etc/group", &db);
	if (r < 0)
		return r == -ENOENT ? -ESRCH : r;
	r = find_entry(db, group, &gid, NULL);
	if (r < 0)
		return r;
	*ret_gid = gid;
	return 0;
}
