// SPDX-License-Identifier: MIT
/*
 * Unit tests for oci/ociconf.c: a config.json as podman writes one into struct spec, the
 * one-line error (naming the field) for each class of bad input, the default config.json
 * through the parser, and loading from a bundle directory. Touches nothing but a temp dir.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "ociconf.h"
#include "spec.h"
#include "util.h"

/* --- helpers ------------------------------------------------------------------------ */

/* A podman 4.3-like config.json, written with ' for " (tests_dq turns them back). */
static const char full_config_sq[] =
    "{'ociVersion': '1.0.2-dev',"
    " 'process': {"
    "  'terminal': false,"
    "  'user': {'uid': 101, 'gid': 101, 'umask': 18, 'additionalGids': [101, 10],"
    "           'username': 'nginx'},"
    "  'args': ['nginx', '-g', 'daemon off;'],"
    "  'env': ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',"
    "          'TERM=xterm', 'container=podman', 'NGINX_VERSION=1.23.2', 'HOME=/root'],"
    "  'cwd': '/srv',"
    "  'capabilities': {"
    "   'bounding': ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',"
    "                'CAP_NET_BIND_SERVICE', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP',"
    "                'CAP_SETUID', 'CAP_SYS_CHROOT'],"
    "   'effective': ['CAP_CHOWN', 'CAP_NET_BIND_SERVICE'],"
    "   'permitted': ['CAP_CHOWN', 'CAP_NET_BIND_SERVICE'],"
    "   'inheritable': [],"
    "   'ambient': ['CAP_NET_BIND_SERVICE']},"
    "  'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1048576, 'soft': 1048576},"
    "              {'type': 'RLIMIT_NPROC', 'hard': 4194304, 'soft': 4194304}],"
    "  'noNewPrivileges': true,"
    "  'oomScoreAdj': 100,"
    "  'apparmorProfile': 'containers-default-0.50.1',"
    "  'selinuxLabel': 'system_u:system_r:container_t:s0:c1,c2'},"
    " 'root': {'path': '/var/lib/containers/storage/overlay/4f1e/merged'},"
    " 'hostname': 'web1',"
    " 'mounts': ["
    "  {'destination': '/proc', 'type': 'proc', 'source': 'proc',"
    "   'options': ['nosuid', 'noexec', 'nodev']},"
    "  {'destination': '/dev', 'type': 'tmpfs', 'source': 'tmpfs',"
    "   'options': ['nosuid', 'strictatime', 'mode=755', 'size=65536k']},"
    "  {'destination': '/sys', 'type': 'sysfs', 'source': 'sysfs',"
    "   'options': ['nosuid', 'noexec', 'nodev', 'ro']},"
    "  {'destination': '/dev/pts', 'type': 'devpts', 'source': 'devpts',"
    "   'options': ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']},"
    "  {'destination': '/dev/mqueue', 'type': 'mqueue', 'source': 'mqueue',"
    "   'options': ['nosuid', 'noexec', 'nodev']},"
    "  {'destination': '/etc/hosts', 'type': 'bind',"
    "   'source': '/run/containers/storage/overlay-containers/4f1e/userdata/hosts',"
    "   'options': ['bind', 'rprivate']},"
    "  {'destination': '/dev/shm', 'type': 'bind',"
    "   'source': '/var/lib/containers/storage/overlay-containers/4f1e/userdata/shm',"
    "   'options': ['bind', 'rprivate', 'nosuid', 'noexec', 'nodev']},"
    "  {'destination': '/sys/fs/cgroup', 'type': 'cgroup', 'source': 'cgroup',"
    "   'options': ['rprivate', 'nosuid', 'noexec', 'nodev', 'relatime', 'ro']},"
    "  {'destination': '/data', 'type': 'bind', 'source': '/srv/data',"
    "   'options': ['rbind', 'rprivate', 'ro', 'nosuid', 'nodev']},"
    "  {'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs',"
    "   'options': ['rw', 'rprivate', 'nosuid', 'nodev', 'tmpcopyup', 'size=64m']}],"
    " 'annotations': {'io.container.manager': 'libpod',"
    "                 'org.opencontainers.image.stopSignal': '15'},"
    " 'hooks': {"
    "  'createRuntime': [{'path': '/usr/libexec/oci/hooks.d/netns', 'args': ['netns', 'up'],"
    "                     'env': ['STAGE=create'], 'timeout': 5}],"
    "  'poststop': [{'path': '/usr/bin/podman',"
    "                'args': ['/usr/bin/podman', 'container', 'cleanup', '4f1e']}]},"
    " 'linux': {"
    "  'sysctl': {'net.ipv4.ping_group_range': '0 0'},"
    "  'resources': {"
    "   'devices': [{'allow': false, 'access': 'rwm'},"
    "               {'allow': true, 'type': 'c', 'major': 10, 'minor': 229, 'access': 'rw'}],"
    "   'memory': {'limit': 536870912, 'swap': 1073741824, 'reservation': 0},"
    "   'cpu': {'shares': 1024, 'quota': 50000, 'period': 100000, 'cpus': ''},"
    "   'pids': {'limit': 2048},"
    "   'blockIO': {'weight': 500}},"
    "  'cgroupsPath': 'machine.slice:libpod:4f1e',"
    "  'namespaces': [{'type': 'pid'}, {'type': 'network', 'path': '/run/netns/netns-9d1c'},"
    "                 {'type': 'ipc'}, {'type': 'uts'}, {'type': 'mount'}, {'type': 'cgroup'}],"
    "  'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229,"
    "               'fileMode': 8630, 'uid': 0, 'gid': 0}],"
    "  'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38,"
    "              'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],"
    "              'syscalls': [{'names': ['accept', 'accept4'], 'action': 'SCMP_ACT_ALLOW'},"
    "                           {'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
    "                            'args': [{'index': 0, 'value': 0, 'op': 'SCMP_CMP_EQ'}]}]},"
    "  'maskedPaths': ['/proc/acpi', '/proc/kcore', '/proc/keys', '/sys/firmware'],"
    "  'readonlyPaths': ['/proc/bus', '/proc/sys'],"
    "  'rootfsPropagation': 'rslave',"
    "  'mountLabel': 'system_u:object_r:container_file_t:s0:c1,c2'}}";

static char errbuf[4096];
static int saved_stderr = -1;

static char *dq(const char *sq)
{
	char *s = strdup(sq);

	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

/* stderr goes to a file while a parse runs, so its one line can be checked. */
static void capture_begin(void)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	close(fd);
}

static const char *capture_end(void)
{
	ssize_t n;

	(void)lseek(STDERR_FILENO, 0, SEEK_SET);
	n = read(STDERR_FILENO, errbuf, sizeof(errbuf) - 1);
	errbuf[n > 0 ? n : 0] = '\0';
	assert_true(dup2(saved_stderr, STDERR_FILENO) >= 0);
	close(saved_stderr);
	return errbuf;
}

static int parse_text(const char *text, struct spec *s, const char **ret_err)
{
	int r;

	capture_begin();
	r = ociconf_parse(text, strlen(text), s);
	*ret_err = capture_end();
	return r;
}

/* Sets (value != NULL, JSON text) or deletes the member at path ("a.b[2].c") of doc;
 * missing objects on the way are made. */
static void set_at(json_t *doc, const char *path, const char *value)
{
	char buf[256], *save = NULL, *seg;
	json_t *cur = doc, *v = NULL;

	if (value) {
		v = json_loads(value, JSON_DECODE_ANY, NULL);
		assert_non_null(v);
	}
	assert_true(strlen(path) < sizeof(buf));
	strcpy(buf, path);
	for (seg = strtok_r(buf, ".", &save); seg;) {
		char *next = strtok_r(NULL, ".", &save), *br = strchr(seg, '[');
		long idx = br ? strtol(br + 1, NULL, 10) : -1;

		if (br)
			*br = '\0';
		if (!json_object_get(cur, seg))
			assert_int_equal(json_object_set_new(cur, seg, json_object()), 0);
		if (!next && idx < 0) {
			assert_int_equal(
			    v ? json_object_set_new(cur, seg, v) : json_object_del(cur, seg), 0);
			return;
		}
		cur = json_object_get(cur, seg);
		if (!next) {
			assert_int_equal(v ? json_array_set_new(cur, (size_t)idx, v)
			                   : json_array_remove(cur, (size_t)idx),
			                 0);
			return;
		}
		if (idx >= 0)
			cur = json_array_get(cur, (size_t)idx);
		assert_non_null(cur);
		seg = next;
	}
}

/* The full config with one member changed into *s: the parse's result and its message. *s
 * must come back untouched on an error. */
static int parse_changed_into(const char *path, const char *value, struct spec *s,
                              const char **ret_err)
{
	_cleanup_free_ char *text = dq(full_config_sq), *out = NULL;
	json_t *doc = json_loads(text, 0, NULL);
	struct spec before;
	int r;

	assert_non_null(doc);
	set_at(doc, path, value);
	out = json_dumps(doc, 0);
	json_decref(doc);
	assert_non_null(out);
	memset(s, 0x5a, sizeof(*s));
	before = *s;
	r = parse_text(out, s, ret_err);
	if (r < 0)
		assert_memory_equal(s, &before, sizeof(*s));
	return r;
}

static int parse_changed(const char *path, const char *value, const char **ret_err)
{
	struct spec s;
	int r = parse_changed_into(path, value, &s, ret_err);

	if (r == 0)
		spec_free(&s);
	return r;
}

static const struct spec_mount *find_mount(const struct spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (STREQ(s->mounts[i].destination, dest))
			return &s->mounts[i];
	fail_msg("no mount on %s", dest);
	return NULL;
}

/* --- the full config -------------------------------------------------------------------- */

static void test_podman_config_process(void **state)
{
	_cleanup_free_ char *text = dq(full_config_sq);
	const char *err;
	struct spec s;
	const struct spec_process *p = &s.process;
	uint64_t bounding = 0;
	const int bset[] = {CAP_CHOWN,   CAP_DAC_OVERRIDE,     CAP_FOWNER,    CAP_FSETID,
	                    CAP_KILL,    CAP_NET_BIND_SERVICE, CAP_SETFCAP,   CAP_SETGID,
	                    CAP_SETPCAP, CAP_SETUID,           CAP_SYS_CHROOT};

	(void)state;
	assert_int_equal(parse_text(text, &s, &err), 0);
	assert_string_equal(err, "");
	assert_string_equal(s.oci_version, "1.0.2-dev");
	assert_string_equal(s.root_path, "/var/lib/containers/storage/overlay/4f1e/merged");
	assert_false(s.root_readonly);
	assert_string_equal(s.hostname, "web1");
	assert_null(s.domainname);
	assert_false(p->terminal);
	assert_int_equal(p->uid, 101);
	assert_int_equal(p->gid, 101);
	assert_true(p->has_umask);
	assert_int_equal(p->umask, 022);
	assert_int_equal(p->n_additional_gids, 2);
	assert_int_equal(p->additional_gids[1], 10);
	assert_string_equal(p->args[2], "daemon off;");
	assert_null(p->args[3]);
	assert_string_equal(p->env[3], "NGINX_VERSION=1.23.2");
	assert_null(p->env[5]);
	assert_string_equal(p->cwd, "/srv");
	for (size_t i = 0; i < ARRAY_SIZE(bset); i++)
		bounding |= UINT64_C(1) << bset[i];
	assert_int_equal(p->cap_bounding, bounding);
	assert_int_equal(p->cap_effective, UINT64_C(1) << CAP_CHOWN | UINT64_C(1)
	                                                                  << CAP_NET_BIND_SERVICE);
	assert_int_equal(p->cap_permitted, p->cap_effective);
	assert_int_equal(p->cap_inheritable, 0);
	assert_int_equal(p->cap_ambient, UINT64_C(1) << CAP_NET_BIND_SERVICE);
	assert_int_equal(p->n_rlimits, 2);
	assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(p->rlimits[0].soft, 1048576);
	assert_int_equal(p->rlimits[1].resource, RLIMIT_NPROC);
	assert_int_equal(p->rlimits[1].hard, 4194304);
	assert_true(p->no_new_privileges);
	assert_true(p->has_oom_score_adj);
	assert_int_equal(p->oom_score_adj, 100);
	assert_string_equal(p->apparmor_profile, "containers-default-0.50.1");
	assert_string_equal(p->selinux_label, "system_u:system_r:container_t:s0:c1,c2");
	spec_free(&s);
	assert_null(s.process.args);
	assert_int_equal(s.n_mounts, 0);
}

static void test_podman_config_mounts(void **state)
{
	_cleanup_free_ char *text = dq(full_config_sq);
	const struct spec_mount *m;
	const char *err;
	struct spec s;

	(void)state;
	assert_int_equal(parse_text(text, &s, &err), 0);
	assert_int_equal(s.n_mounts, 10);
	m = find_mount(&s, "/dev");
	assert_string_equal(m->type, "tmpfs");
	assert_int_equal(m->flags, MS_NOSUID | MS_STRICTATIME);
	assert_string_equal(m->data, "mode=755,size=65536k");
	assert_false(m->bind);
	m = find_mount(&s, "/dev/pts");
	assert_int_equal(m->flags, MS_NOSUID | MS_NOEXEC);
	assert_string_equal(m->data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	m = find_mount(&s, "/proc");
	assert_null(m->data);
	assert_int_equal(m->propagation, 0);
	m = find_mount(&s, "/etc/hosts");
	assert_true(m->bind);
	assert_int_equal(m->flags, MS_BIND);
	assert_int_equal(m->propagation, MS_PRIVATE | MS_REC);
	assert_string_equal(m->source,
	                    "/run/containers/storage/overlay-containers/4f1e/userdata/hosts");
	m = find_mount(&s, "/data");
	assert_true(m->bind);
	assert_int_equal(m->flags, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV);
	assert_int_equal(m->clear_flags, 0);
	assert_int_equal(m->propagation, MS_PRIVATE | MS_REC);
	assert_null(m->data);
	m = find_mount(&s, "/tmp");
	assert_false(m->bind);
	assert_true(m->tmpcopyup);
	assert_int_equal(m->flags, MS_NOSUID | MS_NODEV);
	assert_int_equal(m->clear_flags, MS_RDONLY);
	assert_string_equal(m->data, "size=64m");
	m = find_mount(&s, "/sys/fs/cgroup");
	assert_int_equal(m->flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);
	spec_free(&s);
}

static void test_podman_config_linux(void **state)
{
	_cleanup_free_ char *text = dq(full_config_sq);
	const char *err;
	struct spec s;

	(void)state;
	assert_int_equal(parse_text(text, &s, &err), 0);
	for (enum spec_ns ns = 0; ns < SPEC_NS_MAX; ns++)
		assert_int_equal(s.ns[ns].wanted, ns != SPEC_NS_USER && ns != SPEC_NS_TIME);
	assert_string_equal(s.ns[SPEC_NS_NET].path, "/run/netns/netns-9d1c");
	assert_null(s.ns[SPEC_NS_PID].path);
	assert_string_equal(s.cgroups_path, "machine.slice:libpod:4f1e");
	assert_int_equal(s.n_devices, 1);
	assert_string_equal(s.devices[0].path, "/dev/fuse");
	assert_int_equal(s.devices[0].type, 'c');
	assert_int_equal(s.devices[0].major, 10);
	assert_int_equal(s.devices[0].minor, 229);
	assert_true(s.devices[0].has_mode);
	assert_int_equal(s.devices[0].mode, 0666);
	assert_int_equal(s.n_sysctls, 1);
	assert_string_equal(s.sysctls[0].key, "net.ipv4.ping_group_range");
	assert_string_equal(s.sysctls[0].value, "0 0");
	assert_true(json_is_object(s.seccomp));
	assert_string_equal(json_string_value(json_object_get(s.seccomp, "defaultAction")),
	                    "SCMP_ACT_ERRNO");
	assert_string_equal(s.masked_paths[3], "/sys/firmware");
	assert_null(s.masked_paths[4]);
	assert_string_equal(s.readonly_paths[1], "/proc/sys");
	assert_int_equal(s.rootfs_propagation, MS_SLAVE | MS_REC);
	assert_string_equal(
	    json_string_value(json_object_get(s.annotations, "io.container.manager")), "libpod");
	spec_free(&s);
	assert_null(s.seccomp);
	assert_null(s.annotations);
}

static void test_podman_config_resources_and_hooks(void **state)
{
	_cleanup_free_ char *text = dq(full_config_sq);
	const struct spec_hook *h;
	const char *err;
	struct spec s;

	(void)state;
	assert_int_equal(parse_text(text, &s, &err), 0);
	assert_true(s.has_limits);
	assert_int_equal(s.limits.memory_max, 536870912);
	assert_int_equal(s.limits.memory_swap, 1073741824);
	assert_int_equal(s.limits.cpu_weight, 39); /* 1024 shares: 1 + 1022 * 9999 / 262142 */
	assert_int_equal(s.limits.cpu_quota_us, 50000);
	assert_int_equal(s.limits.cpu_period_us, 100000);
	assert_int_equal(s.limits.pids_max, 2048);
	assert_int_equal(s.limits.io_weight, 4950); /* blkio 500: 1 + 490 * 9999 / 990 */
	assert_int_equal(s.n_device_rules, 2);
	assert_false(s.device_rules[0].allow);
	assert_int_equal(s.device_rules[0].type, 'a');
	assert_int_equal(s.device_rules[0].major, -1);
	assert_string_equal(s.device_rules[0].access, "rwm");
	assert_true(s.device_rules[1].allow);
	assert_int_equal(s.device_rules[1].type, 'c');
	assert_int_equal(s.device_rules[1].minor, 229);
	assert_string_equal(s.device_rules[1].access, "rw");
	assert_int_equal(s.n_hooks[SPEC_HOOK_CREATE_RUNTIME], 1);
	h = &s.hooks[SPEC_HOOK_CREATE_RUNTIME][0];
	assert_string_equal(h->path, "/usr/libexec/oci/hooks.d/netns");
	assert_string_equal(h->args[1], "up");
	assert_string_equal(h->env[0], "STAGE=create");
	assert_int_equal(h->timeout, 5);
	assert_int_equal(s.n_hooks[SPEC_HOOK_POSTSTOP], 1);
	assert_null(s.hooks[SPEC_HOOK_POSTSTOP][0].env);
	assert_int_equal(s.hooks[SPEC_HOOK_POSTSTOP][0].timeout, 0);
	assert_int_equal(s.n_hooks[SPEC_HOOK_PRESTART], 0);
	spec_free(&s);
}

/* --- errors -------------------------------------------------------------------------- */

static const struct bad_case {
	const char *path, *value; /* value NULL: the member is removed */
	const char *message;      /* after "box: config.json: " */
} bad_cases[] = {
    {"ociVersion", NULL, "ociVersion: required"},
    {"ociVersion", "\"2.0.0\"", "ociVersion: version '2.0.0' not supported (box reads 1.x)"},
    {"ociVersion", "1", "ociVersion: must be a string"},
    {"root.path", "\"\"", "root.path: must be a non-empty string"},
    {"process", NULL, "process: required"},
    {"process", "[]", "process: must be an object"},
    {"process.args", NULL, "process.args: required"},
    {"process.args", "[]", "process.args: must be a non-empty array of strings"},
    {"process.args", "\"sh\"", "process.args: must be a non-empty array of strings"},
    {"process.args[1]", "7", "process.args[1]: must be a string"},
    {"process.cwd", "\"srv\"", "process.cwd: must be an absolute path"},
    {"process.cwd", NULL, "process.cwd: required"},
    {"process.terminal", "\"yes\"", "process.terminal: must be a boolean"},
    {"process.env[1]", "\"TERM\"", "process.env[1]: 'TERM' is not NAME=VALUE"},
    {"process.user.uid", "-1", "process.user.uid: must be between 0 and 4294967295"},
    {"process.user.umask", "\"022\"", "process.user.umask: must be an integer"},
    {"process.capabilities", "[]", "process.capabilities: must be an object"},
    {"process.capabilities.bounding[1]", "\"CAP_FOO\"",
     "process.capabilities.bounding[1]: unknown capability 'CAP_FOO'"},
    {"process.capabilities.effective[0]", "\"CHOWN\"",
     "process.capabilities.effective[0]: unknown capability 'CHOWN'"},
    {"process.rlimits[0].type", "\"RLIMIT_BOGUS\"",
     "process.rlimits[0].type: unknown resource limit 'RLIMIT_BOGUS'"},
    {"process.rlimits[1].type", "\"RLIMIT_NOFILE\"",
     "process.rlimits[1].type: duplicate resource limit"},
    {"process.rlimits[0].soft", "2000000", "process.rlimits[0]: soft limit above the hard limit"},
    {"process.rlimits[0].hard", NULL, "process.rlimits[0].hard: required"},
    {"process.oomScoreAdj", "1001", "process.oomScoreAdj: must be between -1000 and 1000"},
    {"process.ioPriority", "{\"class\": \"IOPRIO_CLASS_IDLE\"}",
     "process.ioPriority: not supported"},
    {"process.commandLine", "\"cmd.exe\"", "process.commandLine: not supported on Linux"},
    {"hostname", "5", "hostname: must be a string"},
    {"mounts", "{}", "mounts: must be an array"},
    {"mounts[2].destination", "\"sys\"", "mounts[2].destination: must be an absolute path"},
    {"mounts[3].options[1]", "5", "mounts[3].options[1]: must be a string"},
    {"mounts[3].options[1]", "\"\"", "mounts[3].options[1]: empty option"},
    {"mounts[5].options[0]", "\"idmap\"", "mounts[5].options[0]: 'idmap' not supported"},
    {"mounts[8].options[2]", "\"rro\"", "mounts[8].options[2]: 'rro' not supported"},
    {"mounts[8].uidMappings", "[{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]",
     "mounts[8].uidMappings: not supported"},
    {"hooks.createRuntime[0].path", "\"hook\"",
     "hooks.createRuntime[0].path: must be an absolute path"},
    {"hooks.createRuntime[0].timeout", "0",
     "hooks.createRuntime[0].timeout: must be between 1 and 2147483647"},
    {"hooks.prestrat", "[]", "hooks.prestrat: unknown hook"},
    {"annotations.x", "1", "annotations.x: must be a string"},
    {"windows", "{}", "windows: not supported on Linux"},
    {"linux", "[]", "linux: must be an object"},
    {"linux.frobnicate", "true", "linux.frobnicate: unknown key"},
    {"linux.rootfsPropagation", "\"foo\"", "linux.rootfsPropagation: unknown propagation 'foo'"},
    {"linux.rootfsPropagation", "\"nosuid\"",
     "linux.rootfsPropagation: unknown propagation 'nosuid'"},
    {"linux.namespaces[2].type", "\"bogus\"",
     "linux.namespaces[2].type: unknown namespace type 'bogus'"},
    {"linux.namespaces[2].type", "\"pid\"", "linux.namespaces[2].type: duplicate namespace 'pid'"},
    {"linux.namespaces[2].type", NULL, "linux.namespaces[2].type: required"},
    {"linux.namespaces[1].path", "\"netns\"", "linux.namespaces[1].path: must be an absolute path"},
    {"linux.namespaces[3]", "{\"type\": \"time\"}",
     "hostname: needs a uts namespace in linux.namespaces"},
    {"linux.uidMappings", "[{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]",
     "linux.uidMappings: needs a user namespace in linux.namespaces"},
    {"linux.namespaces[5]", "{\"type\": \"user\"}",
     "linux.namespaces: a new user namespace needs linux.uidMappings and linux.gidMappings"},
    {"linux.gidMappings", "[{\"containerID\": 0, \"hostID\": 100000, \"size\": 0}]",
     "linux.gidMappings[0]: size must be above 0"},
    {"linux.devices[0].major", NULL, "linux.devices[0]: major and minor are required for type 'c'"},
    {"linux.devices[0].type", "\"x\"", "linux.devices[0].type: must be one of 'cbup'"},
    {"linux.devices[0].path", "\"dev/fuse\"", "linux.devices[0].path: must be an absolute path"},
    {"linux.devices[0].color", "\"red\"", "linux.devices[0].color: unknown key"},
    {"linux.sysctl", "[]", "linux.sysctl: must be an object"},
    {"linux.seccomp", "[]", "linux.seccomp: must be an object"},
    {"linux.maskedPaths[0]", "\"proc/kcore\"", "linux.maskedPaths[0]: must be an absolute path"},
    {"linux.resources.memory.limit", "\"1g\"", "linux.resources.memory.limit: must be an integer"},
    {"linux.resources.memory.swap", "1000",
     "linux.resources.memory.swap: below the memory limit (swap is memory + swap)"},
    {"linux.resources.memory.limit", NULL, "linux.resources.memory.swap: needs a memory limit"},
    {"linux.resources.memory.kernel", "1048576", "linux.resources.memory.kernel: not supported"},
    {"linux.resources.memory.swappiness", "0", "linux.resources.memory.swappiness: not supported"},
    {"linux.resources.memory.disableOOMKiller", "true",
     "linux.resources.memory.disableOOMKiller: not supported"},
    {"linux.resources.cpu.cpus", "\"0-1\"", "linux.resources.cpu.cpus: not supported"},
    {"linux.resources.cpu.realtimeRuntime", "950000",
     "linux.resources.cpu.realtimeRuntime: not supported"},
    {"linux.resources.cpu.quota", "500", "linux.resources.cpu.quota: must be -1 or at least 1000"},
    {"linux.resources.pids.limit", "1.5", "linux.resources.pids.limit: must be an integer"},
    {"linux.resources.blockIO.weight", "5",
     "linux.resources.blockIO.weight: must be between 10 and 1000"},
    {"linux.resources.blockIO.throttleReadBpsDevice",
     "[{\"major\": 8, \"minor\": 0, \"rate\": 1048576}]",
     "linux.resources.blockIO.throttleReadBpsDevice: not supported"},
    {"linux.resources.hugepageLimits", "[{\"pageSize\": \"2MB\", \"limit\": 1}]",
     "linux.resources.hugepageLimits: not supported"},
    {"linux.resources.unified", "{\"memory.high\": \"1\"}",
     "linux.resources.unified: not supported"},
    {"linux.resources.rdma", "{\"mlx5_1\": {\"hcaHandles\": 3}}",
     "linux.resources.rdma: not supported"},
    {"linux.resources.devices[1].access", "\"rwx\"",
     "linux.resources.devices[1].access: must be made of 'r', 'w' and 'm'"},
    {"linux.resources.devices[1].allow", NULL, "linux.resources.devices[1].allow: required"},
    {"linux.resources.devices[1].type", "\"p\"",
     "linux.resources.devices[1].type: must be one of 'acb'"},
    {"linux.intelRdt", "{\"closID\": \"x\"}", "linux.intelRdt: not supported"},
    {"linux.personality", "{\"domain\": \"LINUX32\"}", "linux.personality: not supported"},
    {"linux.timeOffsets", "{\"monotonic\": {\"secs\": 1}}", "linux.timeOffsets: not supported"},
};

static void test_each_bad_field_is_named(void **state)
{
	char want[512];
	const char *err;

	(void)state;
	log_init("box", false);
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		int r = parse_changed(c->path, c->value, &err);

		snprintf(want, sizeof(want), "box: config.json: %s\n", c->message);
		if (r != -EINVAL || !STREQ(err, want))
			fail_msg("%s = %s: got %d, '%s'; want '%s'", c->path,
			         c->value ? c->value : "(removed)", r, err, want);
	}
}

/* Keys the spec does not know are ignored at the top level and in process and mounts, as
 * runc does; empty values of unsupported features are fine; null reads as absent. */
static void test_what_is_tolerated(void **state)
{
	static const struct {
		const char *path, *value;
	} ok[] = {
	    {"x-vendor-extension", "{\"a\": 1}"},
	    {"process.frobnicate", "1"},
	    {"mounts[0].frobnicate", "1"},
	    {"solaris", "null"},
	    {"process.env", "null"},
	    {"linux.resources.unified", "{}"},
	    {"linux.resources.cpu.realtimeRuntime", "0"},
	    {"linux.resources.blockIO.weightDevice", "[]"},
	    {"linux.resources.memory.disableOOMKiller", "false"},
	    {"linux.resources.memory.swap", "-1"},
	    {"linux.resources.pids.limit", "-1"},
	    {"linux.resources.cpu.quota", "-1"},
	    {"process.capabilities.bounding[0]", "\"CAP_AUDIT_WRITE\""},
	};
	const char *err;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (parse_changed(ok[i].path, ok[i].value, &err) != 0)
			fail_msg("%s = %s: %s", ok[i].path, ok[i].value, err);
}

static void test_unlimited_values_leave_limits_unset(void **state)
{
	_cleanup_free_ char *text =
	    dq("{'ociVersion': '1.0.0', 'root': {'path': 'rootfs'},"
	       " 'process': {'args': ['sh'], 'cwd': '/'},"
	       " 'linux': {'resources': {'memory': {'limit': -1, 'swap': -1},"
	       "                         'cpu': {'quota': -1, 'period': 50000},"
	       "                         'pids': {'limit': 0}}}}");
	const char *err;
	struct spec s;

	(void)state;
	assert_int_equal(parse_text(text, &s, &err), 0);
	assert_false(s.has_limits);
	assert_int_equal(s.limits.memory_max, 0);
	assert_int_equal(s.limits.memory_swap, 0);
	assert_int_equal(s.limits.cpu_period_us, 0);
	assert_int_equal(s.limits.pids_max, 0);
	assert_null(s.mounts);
	assert_false(s.ns[SPEC_NS_PID].wanted);
	spec_free(&s);
}

/* Go's omitempty is not everywhere: "" reads as not given for names and labels, so a
 * hostname "" needs no uts namespace. */
static void test_empty_strings_read_as_absent(void **state)
{
	_cleanup_free_ char *text = dq(
	    "{'ociVersion': '1.0.0', 'root': {'path': 'rootfs'}, 'hostname': '',"
	    " 'process': {'args': ['sh'], 'cwd': '/', 'apparmorProfile': '', 'selinuxLabel': ''},"
	    " 'linux': {'cgroupsPath': '', 'namespaces': [{'type': 'mount'}]}}");
	const char *err;
	struct spec s;

	(void)state;
	assert_int_equal(parse_text(text, &s, &err), 0);
	assert_null(s.hostname);
	assert_null(s.cgroups_path);
	assert_null(s.process.apparmor_profile);
	assert_null(s.process.selinux_label);
	assert_true(s.ns[SPEC_NS_MNT].wanted);
	spec_free(&s);
}

/* Go writes uint64 values as they are: RLIM_INFINITY is 18446744073709551615. */
static void test_rlimit_infinity_from_go(void **state)
{
	_cleanup_free_ char *text =
	    dq("{'ociVersion': '1.0.0', 'root': {'path': 'rootfs'},"
	       " 'process': {'args': ['echo', '18446744073709551615'], 'cwd': '/',"
	       "  'rlimits': [{'type': 'RLIMIT_CORE', 'soft': 18446744073709551615,"
	       "               'hard': 18446744073709551615},"
	       "              {'type': 'RLIMIT_MEMLOCK', 'soft': 9223372036854775808,"
	       "               'hard': 18446744073709551615}]}}");
	const char *err;
	struct spec s;

	(void)state;
	assert_int_equal(parse_text(text, &s, &err), 0);
	assert_int_equal(s.process.rlimits[0].soft, UINT64_MAX);
	assert_int_equal(s.process.rlimits[0].hard, UINT64_MAX);
	assert_int_equal(s.process.rlimits[1].soft, UINT64_C(9223372036854775808));
	assert_string_equal(s.process.args[1], "18446744073709551615");
	spec_free(&s);
	/* Above uint64, it stays jansson's error. */
	assert_int_equal(parse_text("{\"a\": 118446744073709551615}", &s, &err), -EINVAL);
	assert_int_equal(strncmp(err, "box: config.json:1:", 19), 0);
}

static void test_syntax_errors_give_line_and_column(void **state)
{
	const char *err;
	struct spec s;

	(void)state;
	assert_int_equal(parse_text("{\n  \"ociVersion\": \n}", &s, &err), -EINVAL);
	assert_int_equal(strncmp(err, "box: config.json:3:", 19), 0);
	assert_non_null(strchr(err, '\n'));
	assert_int_equal(strchr(err, '\n')[1], '\0');
	assert_int_equal(parse_text("[1, 2]", &s, &err), -EINVAL);
	assert_string_equal(err, "box: config.json: not a JSON object\n");
	assert_int_equal(
	    parse_text("{\"ociVersion\": \"1.0.0\", \"ociVersion\": \"1.0.1\"}", &s, &err),
	    -EINVAL);
	assert_int_equal(strncmp(err, "box: config.json:1:", 19), 0);
	assert_int_equal(parse_text("", &s, &err), -EINVAL);
}

static void test_later_option_wins(void **state)
{
	const struct spec_mount *m;
	const char *err;
	struct spec s;

	(void)state;
	assert_int_equal(parse_changed_into("mounts[8].options",
	                                    "[\"ro\", \"nosuid\", \"rw\", \"suid\", \"rbind\", "
	                                    "\"bind\", \"rprivate\", \"rshared\", \"x=1\"]",
	                                    &s, &err),
	                 0);
	m = find_mount(&s, "/data");
	assert_int_equal(m->flags, MS_BIND);
	assert_int_equal(m->clear_flags, MS_RDONLY | MS_NOSUID);
	assert_int_equal(m->propagation, MS_SHARED | MS_REC);
	assert_string_equal(m->data, "x=1");
	spec_free(&s);
}

static void test_default_config_round_trips(void **state)
{
	_cleanup_free_ char *text = ociconf_default();
	const uint64_t caps = UINT64_C(1) << CAP_AUDIT_WRITE | UINT64_C(1) << CAP_KILL |
	                      UINT64_C(1) << CAP_NET_BIND_SERVICE;
	const struct spec_mount *m;
	const char *err;
	struct spec s;

	(void)state;
	assert_non_null(text);
	assert_int_equal(parse_text(text, &s, &err), 0);
	assert_string_equal(s.oci_version, "1.0.2");
	assert_true(s.process.terminal);
	assert_string_equal(s.process.args[0], "sh");
	assert_null(s.process.args[1]);
	assert_string_equal(s.process.env[1], "TERM=xterm");
	assert_string_equal(s.process.cwd, "/");
	assert_int_equal(s.process.cap_bounding, caps);
	assert_int_equal(s.process.cap_effective, caps);
	assert_int_equal(s.process.cap_permitted, caps);
	assert_int_equal(s.process.cap_inheritable, 0);
	assert_int_equal(s.process.n_rlimits, 1);
	assert_int_equal(s.process.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(s.process.rlimits[0].soft, 1024);
	assert_true(s.process.no_new_privileges);
	assert_string_equal(s.root_path, "rootfs");
	assert_true(s.root_readonly);
	assert_string_equal(s.hostname, "box");
	assert_int_equal(s.n_mounts, 7);
	m = find_mount(&s, "/dev/pts");
	assert_string_equal(m->data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	m = find_mount(&s, "/sys");
	assert_int_equal(m->flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	assert_string_equal(s.mounts[6].type, "cgroup");
	for (enum spec_ns ns = 0; ns < SPEC_NS_MAX; ns++)
		assert_int_equal(s.ns[ns].wanted, ns != SPEC_NS_USER && ns != SPEC_NS_TIME);
	assert_string_equal(s.masked_paths[0], "/proc/acpi");
	assert_string_equal(s.readonly_paths[4], "/proc/sysrq-trigger");
	assert_null(s.readonly_paths[5]);
	assert_int_equal(s.n_device_rules, 1);
	assert_false(s.device_rules[0].allow);
	assert_false(s.has_limits);
	spec_free(&s);
}

static void test_load_from_bundle(void **state)
{
	char dir[] = "/tmp/oci-test-XXXXXX", path[sizeof(dir) + 16];
	_cleanup_free_ char *text = ociconf_default();
	const char *err;
	struct spec s;
	int fd, r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, text, strlen(text)), 0);
	close(fd);
	assert_int_equal(ociconf_load(dir, &s), 0);
	assert_string_equal(s.hostname, "box");
	spec_free(&s);
	assert_int_equal(unlink(path), 0);
	capture_begin();
	r = ociconf_load(dir, &s);
	err = capture_end();
	assert_int_equal(r, -ENOENT);
	assert_int_equal(rmdir(dir), 0);
	assert_non_null(strstr(err, "box: config.json in '/tmp/oci-test-"));
	assert_non_null(strstr(err, "': No such file or directory\n"));
}

static void test_exec_process_file(void **state)
{
	static const char good[] = "{\"args\": [\"ps\"], \"cwd\": \"/\", \"env\": [\"A=1\"], "
	                           "\"user\": {\"uid\": 7}}";
	static const char bad[] = "{\"args\": [\"ps\"], \"cwd\": \"tmp\"}";
	struct spec_process p;
	const char *err;
	int r;

	(void)state;
	capture_begin();
	r = ociconf_parse_process(good, strlen(good), &p);
	err = capture_end();
	assert_int_equal(r, 0);
	assert_string_equal(err, "");
	assert_string_equal(p.args[0], "ps");
	assert_string_equal(p.env[0], "A=1");
	assert_int_equal(p.uid, 7);
	spec_process_free(&p);
	assert_null(p.args);
	capture_begin();
	r = ociconf_parse_process(bad, strlen(bad), &p);
	err = capture_end();
	assert_int_equal(r, -EINVAL);
	assert_string_equal(err, "box: process.json: cwd: must be an absolute path\n");
}

static void test_update_resources_file(void **state)
{
	static const char good[] = "{\"memory\": {\"limit\": 1048576}, \"pids\": {\"limit\": 64}}";
	static const char bad[] = "{\"devices\": [{\"allow\": true}]}";
	struct cgroup_limits lim;
	const char *err;
	int r;

	(void)state;
	capture_begin();
	r = ociconf_parse_resources(good, strlen(good), "resources.json", &lim);
	err = capture_end();
	assert_int_equal(r, 0);
	assert_string_equal(err, "");
	assert_int_equal(lim.memory_max, 1048576);
	assert_int_equal(lim.pids_max, 64);
	capture_begin();
	r = ociconf_parse_resources(bad, strlen(bad), "resources.json", &lim);
	err = capture_end();
	assert_int_equal(r, -EINVAL);
	assert_string_equal(err, "box: resources.json: devices: not supported by update\n");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(spec_ns_name(SPEC_NS_NET), "network");
	assert_string_equal(spec_ns_name(SPEC_NS_MNT), "mount");
	assert_string_equal(spec_ns_name(SPEC_NS_TIME), "time");
	assert_null(spec_ns_name(SPEC_NS_MAX));
	assert_string_equal(spec_hook_name(SPEC_HOOK_CREATE_RUNTIME), "createRuntime");
	assert_string_equal(spec_hook_name(SPEC_HOOK_POSTSTOP), "poststop");
	assert_null(spec_hook_name(SPEC_HOOK_MAX));
	spec_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_podman_config_process),
	    cmocka_unit_test(test_podman_config_mounts),
	    cmocka_unit_test(test_podman_config_linux),
	    cmocka_unit_test(test_podman_config_resources_and_hooks),
	    cmocka_unit_test(test_each_bad_field_is_named),
	    cmocka_unit_test(test_what_is_tolerated),
	    cmocka_unit_test(test_unlimited_values_leave_limits_unset),
	    cmocka_unit_test(test_empty_strings_read_as_absent),
	    cmocka_unit_test(test_rlimit_infinity_from_go),
	    cmocka_unit_test(test_syntax_errors_give_line_and_column),
	    cmocka_unit_test(test_later_option_wins),
	    cmocka_unit_test(test_default_config_round_trips),
	    cmocka_unit_test(test_load_from_bundle),
	    cmocka_unit_test(test_exec_process_file),
	    cmocka_unit_test(test_update_resources_file),
	    cmocka_unit_test(test_names),
	};

	log_init("box", false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
