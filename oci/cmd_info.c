// SPDX-License-Identifier: MIT
/*
 * cmd_info: box spec (a default config.json, as `runc spec`) and box features (what this
 * runtime supports, in the runtime-spec's features.md shape). Neither touches a container.
 */
#include <ctype.h>
#include <fcntl.h>
#include <sys/capability.h>
#include <string.h>
#include <unistd.h>

#include "capset.h"
#include "log.h"
#include "oci.h"
#include "ociconf.h"
#include "ocistate.h"
#include "util.h"

/* runc spec --rootless's changes, in box's terms: a user namespace mapping 0 to the caller,
 * no resources (an ordinary user's cgroup is not box's to make), and no gid= option on a mount
 * (group 5 of devpts is not mapped). */
static char *rootless_config(const char *text)
{
	json_t *c = json_loads(text, 0, NULL), *lx, *ns, *mounts, *m;
	char *out = NULL;
	size_t i;

	lx = c ? json_object_get(c, "linux") : NULL;
	ns = lx ? json_object_get(lx, "namespaces") : NULL;
	mounts = c ? json_object_get(c, "mounts") : NULL;
	if (!json_is_array(ns) || !json_is_array(mounts))
		goto out;
	(void)json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
	(void)json_object_set_new(lx, "uidMappings",
	                          json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
	                                    (json_int_t)geteuid(), "size", 1));
	(void)json_object_set_new(lx, "gidMappings",
	                          json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
	                                    (json_int_t)getegid(), "size", 1));
	(void)json_object_del(lx, "resources");
	json_array_foreach(mounts, i, m)
	{
		json_t *opts = json_object_get(m, "options"), *o;
		size_t k;

		for (k = 0; json_is_array(opts) && k < json_array_size(opts);) {
			o = json_array_get(opts, k);
			if (json_is_string(o) && strncmp(json_string_value(o), "gid=", 4) == 0)
				(void)json_array_remove(opts, k);
			else
				k++;
		}
	}
	out = json_dumps(c, JSON_INDENT(2));
out:
	json_decref(c);
	return out;
}

int oci_spec(const struct oci_global *g, int argc, char **argv)
{
	const char *bundle = ".";
	bool rootless = false;
	const struct oci_opt opts[] = {{"bundle", 'b', true, &bundle, NULL, NULL},
	                               {"rootless", 0, false, NULL, &rootless, NULL},
	                               {0}};
	_cleanup_free_ char *text = ociconf_default(), *path = NULL;
	_cleanup_close_ int fd = -1;
	char **pos;
	int n;

	(void)g;
	if (oci_parse(argc, argv, opts, &pos, &n, 0, 0, "[--bundle DIR]") < 0)
		return 1;
	if (rootless && text) {
		char *r = rootless_config(text);

		free(text);
		text = r;
	}
	if (!text || asprintf(&path, "%s/config.json", bundle) < 0) {
		(void)log_errno(-ENOMEM, "spec");
		return 1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			log_error("spec: '%s' exists already: remove it first", path);
		else
			log_errno(-errno, "spec: create '%s'", path);
		return 1;
	}
	if (write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0) {
		(void)log_errno(-errno, "spec: write '%s'", path);
		return 1;
	}
	return 0;
}

static json_t *strings(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		(void)json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *capabilities(void)
{
	uint64_t all = capset_all();
	json_t *a = json_array();

	for (int c = 0; a && c < 64; c++)
		if (all >> c & 1) {
			char *name = cap_to_name((cap_value_t)c);

			for (char *p = name; p && *p; p++)
				*p = (char)toupper((unsigned char)*p);
			if (name)
				(void)json_array_append_new(a, json_string(name));
			cap_free(name);
		}
	return a;
}

int oci_features(const struct oci_global *g, int argc, char **argv)
{
	static const char *const hooks[] = {"prestart",       "createRuntime", "createContainer",
	                                    "startContainer", "poststart",     "poststop"};
	static const char *const mount_options[] = {
	    "async",      "atime",      "bind",    "dev",         "diratime",
	    "dirsync",    "exec",       "mand",    "noatime",     "nodev",
	    "nodiratime", "noexec",     "nomand",  "norelatime",  "nostrictatime",
	    "nosuid",     "private",    "rbind",   "relatime",    "remount",
	    "ro",         "rprivate",   "rshared", "rslave",      "runbindable",
	    "rw",         "shared",     "slave",   "strictatime", "suid",
	    "sync",       "unbindable",
	};
	static const char *const namespaces[] = {"cgroup", "ipc",  "mount", "network",
	                                         "pid",    "user", "uts"};
	static const char *const actions[] = {
	    "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
	    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",   "SCMP_ACT_TRAP", "SCMP_ACT_TRACE"};
	static const char *const operators[] = {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
	                                        "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
	                                        "SCMP_CMP_NE"};
	static const char *const arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
	                                     "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"};
	char **pos;
	int n;
	json_t *o;

	(void)g;
	if (oci_parse(argc, argv, NULL, &pos, &n, 0, 0, "") < 0)
		return 1;
	o = json_pack(
	    "{s:s, s:s, s:o, s:o, s:{s:o, s:o, s:{s:b, s:b, s:b}, s:{s:b, s:o, s:o, s:o, "
	    "s:o}, s:{s:b}, s:{s:b}}, s:{s:s}}",
	    "ociVersionMin", "1.0.0", "ociVersionMax", OCI_VERSION, "hooks", strings(hooks, 0),
	    "mountOptions", strings(mount_options, ARRAY_SIZE(mount_options)), "linux",
	    "namespaces", strings(namespaces, ARRAY_SIZE(namespaces)), "capabilities",
	    capabilities(), "cgroup", "v1", true, "v2", true, "systemd", false, "seccomp",
	    "enabled", true, "actions", strings(actions, ARRAY_SIZE(actions)), "operators",
	    strings(operators, ARRAY_SIZE(operators)), "archs", strings(arches, ARRAY_SIZE(arches)),
	    "knownFlags", json_array(), "apparmor", "enabled", false, "selinux", "enabled", false,
	    "annotations", "org.box.version", BOX_VERSION);
	if (!o) {
		(void)log_errno(-ENOMEM, "features");
		return 1;
	}
	{
		char *text = json_dumps(o, JSON_INDENT(2));

		json_decref(o);
		if (!text)
			return 1;
		printf("%s\n", text);
		free(text);
	}
	return 0;
}
