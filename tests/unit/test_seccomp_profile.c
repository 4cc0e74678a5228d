// SPDX-License-Identifier: MIT
/*
 * Unit tests for core/seccomp_profile.c: OCI linux.seccomp objects into BPF. Bad profiles
 * are refused with one line naming the field; good ones build, and a few are loaded for
 * real in a forked child (no_new_privs set there, so any user may run them) to check what
 * the filter refuses and what it lets through. Nothing outside the child is filtered.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <linux/sched.h>
#include <seccomp.h>

#include "seccomp_profile.h"
#include "syscalls.h"
#include "util.h"

/* Profiles are written with ' for " to stay readable. */
static int build(const char *text, struct syscall_filter *ret)
{
	char *s = strdup(text);
	json_error_t e;
	json_t *j;
	int r;

	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(s, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON: %s: %s", e.text, s);
	free(s);
	r = seccomp_profile_build(j, ret);
	json_decref(j);
	return r;
}

/* The same through seccomp_profile_build_for (launch --seccomp FILE), for caps. */
static int build_for(const char *text, uint64_t caps, struct syscall_filter *ret)
{
	char *s = strdup(text);
	json_t *j;
	int r;

	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(s, JSON_DECODE_ANY, NULL);
	assert_non_null(j);
	free(s);
	r = seccomp_profile_build_for(j, "p.json", caps, ret);
	json_decref(j);
	return r;
}

/* Runs checks in a child under the filter built from profile; each check that fails
 * returns its number, so the exit status says which one. */
static void expect_child_passes(const char *profile, int (*checks)(void))
{
	struct syscall_filter f = {0};
	pid_t pid;
	int st;

	assert_int_equal(build(profile, &f), 0);
	assert_non_null(f.prog);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Without CAP_SYS_ADMIN the kernel takes a filter only under no_new_privs. */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscalls_load(&f) < 0)
			_exit(100);
		/* exit_group itself: a sanitizer's _exit hook makes calls the filter refuses. */
		syscall(SYS_exit_group, checks());
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	syscalls_free(&f);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

#define EXPECT(cond)                                                                               \
	do {                                                                                       \
		step++;                                                                            \
		if (!(cond))                                                                       \
			return step;                                                               \
	} while (0)

/* A call that fails with errno e. */
#define REFUSED(call, e) ((call) == -1 && errno == (e))

static void test_absent_profile_is_no_filter(void **state)
{
	struct syscall_filter f = {.len = 7};

	(void)state;
	assert_int_equal(seccomp_profile_build(NULL, &f), 0);
	assert_null(f.prog);
	assert_int_equal(f.len, 0);
	assert_int_equal(build("null", &f), 0);
	assert_null(f.prog);
}

/* Each is refused with -EINVAL: wrong types, unknown names, out-of-range numbers. */
static const char *const bad_profiles[] = {
    "[]",
    "{}",
    "{'defaultAction': 1}",
    "{'defaultAction': 'SCMP_ACT_FOO'}",
    "{'defaultAction': 'SCMP_ACT_NOTIFY'}",
    "{'defaultAction': 'scmp_act_allow'}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'defaultErrnoRet': 1}",
    "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': -1}",
    "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 65536}",
    "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': '1'}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '/run/l.sock'}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_FOO']}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'flags': 'SECCOMP_FILTER_FLAG_LOG'}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': 'SCMP_ARCH_X86'}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': [86]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': {}}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [1]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'action': 'SCMP_ACT_KILL'}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': [], "
    "'action': 'SCMP_ACT_KILL'}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': 'getpid', "
    "'action': 'SCMP_ACT_KILL'}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid', 2], "
    "'action': 'SCMP_ACT_KILL'}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid']}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_STOP'}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_NOTIFY'}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_KILL', 'errnoRet': 1}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'errnoRet': true}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': {}}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [0]}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': -1, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [{'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'op': 'SCMP_CMP_EQ'}]}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': '1', 'op': 'SCMP_CMP_EQ'}]}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1.5, 'op': 'SCMP_CMP_EQ'}]}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1, 'valueTwo': [], "
    "'op': 'SCMP_CMP_MASKED_EQ'}]}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1}]}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1, 'op': 'SCMP_CMP_FOO'}]}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getpid'], "
    "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 0, 'value': 1, 'op': 7}]}]}",
};

/* Docker's own fields, refused when malformed (through seccomp_profile_build_for). */
static const char *const bad_docker_profiles[] = {
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'archMap': {}}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'archMap': [1]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'archMap': [{'subArchitectures': []}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'archMap': [{'architecture': 'SCMP_ARCH_X86_64', "
    "'subArchitectures': 'SCMP_ARCH_X86'}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64'], "
    "'archMap': [{'architecture': 'SCMP_ARCH_X86_64', 'subArchitectures': []}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'name': 7, 'action': 'SCMP_ACT_KILL'}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'name': 'getpid', "
    "'action': 'SCMP_ACT_KILL', 'includes': []}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'name': 'getpid', "
    "'action': 'SCMP_ACT_KILL', 'includes': {'caps': ['CAP_NOPE']}}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'name': 'getpid', "
    "'action': 'SCMP_ACT_KILL', 'includes': {'caps': ['ALL']}}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'name': 'getpid', "
    "'action': 'SCMP_ACT_KILL', 'excludes': {'arches': 'amd64'}}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'name': 'getpid', "
    "'action': 'SCMP_ACT_KILL', 'includes': {'minKernel': 'four'}}]}",
    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'name': 'getpid', "
    "'action': 'SCMP_ACT_KILL', 'includes': {'minKernel': 4.8}}]}",
};

static void test_bad_docker_fields_are_rejected(void **state)
{
	struct syscall_filter f = {0};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_docker_profiles); i++) {
		if (build_for(bad_docker_profiles[i], 0, &f) != -EINVAL)
			fail_msg("accepted or wrong error: %s", bad_docker_profiles[i]);
		assert_null(f.prog);
	}
	/* A config.json has no capability set to match includes against. */
	assert_int_equal(build("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'name': "
	                       "'getpid', 'action': 'SCMP_ACT_KILL', 'includes': {'caps': "
	                       "['CAP_SYS_ADMIN']}}]}",
	                       &f),
	                 -EINVAL);
}

static void test_bad_profiles_are_rejected(void **state)
{
	struct syscall_filter f = {0};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_profiles); i++) {
		if (build(bad_profiles[i], &f) != -EINVAL)
			fail_msg("accepted or wrong error: %s", bad_profiles[i]);
		assert_null(f.prog);
	}
}

/* Too many alternatives multiply into too many rules: refused, not built. */
static void test_condition_explosion_is_rejected(void **state)
{
	char text[4096] = "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['kill'], "
	                  "'action': 'SCMP_ACT_ERRNO', 'args': [";
	struct syscall_filter f = {0};

	(void)state;
	/* Three values on each of six arguments: 3^6 = 729 rules. */
	for (int i = 0; i < 18; i++) {
		size_t n = strlen(text);

		(void)snprintf(text + n, sizeof(text) - n,
		               "%s{'index': %d, 'value': %d, 'op': 'SCMP_CMP_EQ'}", i ? ", " : "",
		               i % 6, i);
	}
	strcat(text, "]}]}");
	assert_int_equal(build(text, &f), -EINVAL);
	assert_null(f.prog);
}

/* The error is one line naming the field, on stderr. */
static void test_error_line_names_the_field(void **state)
{
	int fd = memfd_create("stderr", MFD_CLOEXEC), saved = dup(STDERR_FILENO);
	struct syscall_filter f = {0};
	char out[512] = "";
	ssize_t n;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) == STDERR_FILENO);
	assert_int_equal(build("{'defaultAction': 'SCMP_ACT_ERRNO', 'syscalls': ["
	                       "{'names': ['getpid'], 'action': 'SCMP_ACT_ALLOW'},"
	                       "{'names': ['kill'], 'action': 'SCMP_ACT_ALLOW', 'args': ["
	                       "{'index': 0, 'value': 1, 'op': 'SCMP_CMP_FOO'}]}]}",
	                       &f),
	                 -EINVAL);
	assert_true(dup2(saved, STDERR_FILENO) == STDERR_FILENO);
	n = pread(fd, out, sizeof(out) - 1, 0);
	assert_true(n > 0);
	out[n] = '\0';
	assert_non_null(strstr(out, ": config.json: linux.seccomp.syscalls[1].args[0].op: "
	                            "unknown operator 'SCMP_CMP_FOO'\n"));
	assert_ptr_equal(strchr(out, '\n'), out + n - 1);
	close(saved);
	close(fd);
}

/* A file's messages name the file, not config.json. */
static void test_file_error_line_names_the_file(void **state)
{
	int fd = memfd_create("stderr", MFD_CLOEXEC), saved = dup(STDERR_FILENO);
	struct syscall_filter f = {0};
	char out[512] = "";
	ssize_t n;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) == STDERR_FILENO);
	assert_int_equal(build_for("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
	                           "{'name': 'kill', 'action': 'SCMP_ACT_ERRNO', 'excludes': "
	                           "{'caps': ['CAP_NOPE']}}]}",
	                           0, &f),
	                 -EINVAL);
	assert_int_equal(build_for("[]", 0, &f), -EINVAL);
	assert_true(dup2(saved, STDERR_FILENO) == STDERR_FILENO);
	n = pread(fd, out, sizeof(out) - 1, 0);
	assert_true(n > 0);
	out[n] = '\0';
	assert_non_null(strstr(out, ": p.json: syscalls[0].excludes.caps[0]: unknown capability "
	                            "'CAP_NOPE'\n"));
	assert_non_null(strstr(out, ": p.json: must be an object\n"));
	close(saved);
	close(fd);
}

static int docker_checks(void)
{
	int step = 0;

	EXPECT(REFUSED(syscall(SYS_getppid), 11)); /* single "name" */
	EXPECT(syscall(SYS_getgid) >= 0);          /* includes.caps: not held */
	EXPECT(REFUSED(syscall(SYS_getegid), 12)); /* excludes.caps: not held */
	EXPECT(syscall(SYS_geteuid) >= 0);         /* includes.minKernel above any kernel */
	EXPECT(REFUSED(syscall(SYS_getuid), 13));  /* includes.arches: this one, minKernel 3.0 */
	EXPECT(syscall(SYS_getpgrp) >= 0);         /* excludes.arches: this one */
	return 0;
}

static int docker_checks_with_cap(void)
{
	int step = 0;

	EXPECT(REFUSED(syscall(SYS_getgid), 14)); /* includes.caps: held */
	EXPECT(syscall(SYS_getegid) >= 0);        /* excludes.caps: held */
	return 0;
}

/* archMap, name, includes and excludes, read against caps and this machine. */
static void test_docker_includes_and_excludes(void **state)
{
	static const char *const profile =
	    "{'defaultAction': 'SCMP_ACT_ALLOW', 'archMap': [{'architecture': 'SCMP_ARCH_X86_64', "
	    "'subArchitectures': ['SCMP_ARCH_X86', 'SCMP_ARCH_X32']}, {'architecture': "
	    "'SCMP_ARCH_AARCH64', 'subArchitectures': ['SCMP_ARCH_ARM']}], 'syscalls': ["
	    "{'name': 'getppid', 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 11},"
	    "{'names': ['getgid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 14, "
	    "'includes': {'caps': ['CAP_SYS_ADMIN', 'SYS_PTRACE']}},"
	    "{'names': ['getegid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 12, "
	    "'excludes': {'caps': ['CAP_SYS_ADMIN']}},"
	    "{'names': ['geteuid'], 'action': 'SCMP_ACT_ERRNO', 'includes': {'minKernel': '999.1'}},"
	    "{'names': ['getuid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 13, "
	    "'includes': {'arches': ['s390x', 'amd64', 'arm64'], 'minKernel': '3.0'}},"
	    "{'names': ['getpgrp'], 'action': 'SCMP_ACT_ERRNO', "
	    "'excludes': {'arches': ['amd64', 'arm64']}}]}";
	uint64_t admin = UINT64_C(1) << 21, ptrace = UINT64_C(1) << 19;
	struct syscall_filter f = {0};
	pid_t pid;
	int st;

	(void)state;
	for (int with = 0; with < 2; with++) {
		assert_int_equal(build_for(profile, with ? admin | ptrace : 0, &f), 0);
		assert_non_null(f.prog);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscalls_load(&f) < 0)
				_exit(100);
			_exit(with ? docker_checks_with_cap() : docker_checks());
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		syscalls_free(&f);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
}

static void test_errno_allowlist_builds_a_program(void **state)
{
	struct syscall_filter f = {0};

	(void)state;
	assert_int_equal(build("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,"
	                       "'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', "
	                       "'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],"
	                       "'syscalls': [{'names': ['read', 'write', 'exit_group', 'getpid'],"
	                       "'action': 'SCMP_ACT_ALLOW'}]}",
	                       &f),
	                 0);
	assert_non_null(f.prog);
	assert_true(f.len > 4);
	assert_true(f.owned);
	syscalls_free(&f);
	assert_null(f.prog);
	assert_false(f.owned);
}

/* What other runtimes tolerate: names this libseccomp does not know, arches it does not
 * know or cannot mix with the native one, rules that repeat the default, null and unknown
 * keys (Docker's "comment", "includes"), and the three flags. */
static void test_tolerated_entries_are_skipped(void **state)
{
	struct syscall_filter f = {0};

	(void)state;
	assert_int_equal(build("{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': null,"
	                       "'architectures': ['SCMP_ARCH_NATIVE', 'SCMP_ARCH_LOONGARCH64', "
	                       "'SCMP_ARCH_S390X', 'SCMP_ARCH_FOO', 'x86_64', 'SCMP_ARCH_X86', "
	                       "'SCMP_ARCH_X86'],"
	                       "'flags': ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', "
	                       "'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],"
	                       "'listenerPath': null, 'comment': 'x',"
	                       "'syscalls': [{'names': ['no_such_call', 'getpid', 'set_tls'],"
	                       "'action': 'SCMP_ACT_ALLOW', 'comment': 'x', 'includes': {},"
	                       "'args': null},"
	                       "{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO'}]}",
	                       &f),
	                 0);
	assert_non_null(f.prog);
	syscalls_free(&f);
}

/* An allowlist of every call this arch has, on five arches: within the kernel's limit. */
static void test_every_native_call_on_five_arches_fits(void **state)
{
	json_t *names = json_array(), *p;
	struct syscall_filter f = {0};

	(void)state;
	for (int nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (name)
			assert_int_equal(json_array_append_new(names, json_string(name)), 0);
		free(name);
	}
	assert_true(json_array_size(names) > 250);
	p = json_pack("{s:s, s:[s,s,s,s,s], s:[{s:o, s:s}]}", "defaultAction", "SCMP_ACT_ERRNO",
	              "architectures", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
	              "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "syscalls", "names", names, "action",
	              "SCMP_ACT_ALLOW");
	assert_non_null(p);
	assert_int_equal(seccomp_profile_build(p, &f), 0);
	assert_non_null(f.prog);
	assert_true(f.len <= BPF_MAXINSNS);
	syscalls_free(&f);
	json_decref(p);
}

static int actions_checks(void)
{
	int step = 0;
	pid_t pid = (pid_t)syscall(SYS_getpid);

	EXPECT(REFUSED(syscall(SYS_getppid), 42));
	EXPECT(pid > 0 && syscall(SYS_gettid) == pid);
	/* ERRNO without errnoRet: EPERM. TRACE with no tracer: the kernel says ENOSYS. */
	EXPECT(REFUSED(syscall(SYS_getgid), EPERM));
	EXPECT(REFUSED(syscall(SYS_getegid), ENOSYS));
	/* LOG lets the call through. */
	EXPECT(syscall(SYS_geteuid) >= 0);
	return 0;
}

static void test_errno_rule_refuses_only_its_call(void **state)
{
	(void)state;
	expect_child_passes("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
	                    "{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 42},"
	                    "{'names': ['getgid'], 'action': 'SCMP_ACT_ERRNO'},"
	                    "{'names': ['getegid'], 'action': 'SCMP_ACT_TRACE', 'errnoRet': 3},"
	                    "{'names': ['geteuid'], 'action': 'SCMP_ACT_LOG'}]}",
	                    actions_checks);
}

static int personality_checks(void)
{
	int step = 0;

	EXPECT(syscall(SYS_personality, 0xffffffffUL) >= 0); /* a query */
	EXPECT(REFUSED(syscall(SYS_personality, 8UL), 77));
	return 0;
}

static void test_eq_condition_refuses_one_value(void **state)
{
	(void)state;
	expect_child_passes("{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
	                    "{'names': ['personality'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 77,"
	                    "'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]}]}",
	                    personality_checks);
}

static int unshare_checks(void)
{
	int step = 0;

	EXPECT(REFUSED(syscall(SYS_unshare, CLONE_NEWUTS), 55));
	EXPECT(REFUSED(syscall(SYS_unshare, CLONE_NEWIPC | CLONE_FILES), 55));
	EXPECT(syscall(SYS_unshare, 0) == 0);
	EXPECT(syscall(SYS_unshare, CLONE_FILES) == 0);
	return 0;
}

/* Two conditions on one argument: either refuses (one rule each). */
static void test_masked_eq_conditions_on_one_argument_are_alternatives(void **state)
{
	char text[512];

	(void)state;
	(void)snprintf(
	    text, sizeof(text),
	    "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
	    "{'names': ['unshare'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 55, 'args': ["
	    "{'index': 0, 'value': %d, 'valueTwo': %d, 'op': 'SCMP_CMP_MASKED_EQ'},"
	    "{'index': 0, 'value': %d, 'valueTwo': %d, 'op': 'SCMP_CMP_MASKED_EQ'}]}]}",
	    CLONE_NEWUTS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWIPC);
	expect_child_passes(text, unshare_checks);
}

static int kill_checks(void)
{
	int step = 0;

	EXPECT(REFUSED(kill(getppid(), 0), 61));
	EXPECT(REFUSED(kill(1, 0), 61));
	/* The condition on the signal alone does not refuse: it is ANDed with the pid's. */
	EXPECT(kill(getpid(), 0) == 0);
	return 0;
}

/* Alternatives on one argument, a condition on another: (pid == parent || pid == 1) &&
 * sig == 0. */
static void test_conditions_on_other_arguments_still_all_hold(void **state)
{
	char text[512];

	(void)state;
	(void)snprintf(text, sizeof(text),
	               "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
	               "{'names': ['kill'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 61, 'args': ["
	               "{'index': 1, 'value': 0, 'op': 'SCMP_CMP_EQ'},"
	               "{'index': 0, 'value': %d, 'op': 'SCMP_CMP_EQ'},"
	               "{'index': 0, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}",
	               (int)getpid());
	expect_child_passes(text, kill_checks);
}

/* A small allowlist in the shape of Docker's default profile: the clone rule lets a plain
 * fork through and refuses namespace flags, personality takes its listed values only. */
static const char docker_style[] =
    "{'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,"
    "'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32',"
    "'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],"
    "'syscalls': ["
    "{'names': ['exit', 'exit_group', 'wait4', 'getpid', 'rt_sigreturn'],"
    "'action': 'SCMP_ACT_ALLOW'},"
    "{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
    "'args': [{'index': 0, 'value': 0, 'op': 'SCMP_CMP_EQ'}]},"
    "{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
    "'args': [{'index': 0, 'value': 8, 'op': 'SCMP_CMP_EQ'}]},"
    "{'names': ['personality'], 'action': 'SCMP_ACT_ALLOW',"
    "'args': [{'index': 0, 'value': 4294967295, 'op': 'SCMP_CMP_EQ'}]},"
    "{'names': ['clone'], 'action': 'SCMP_ACT_ALLOW',"
    "'args': [{'index': 0, 'value': 2114060288, 'op': 'SCMP_CMP_MASKED_EQ'}],"
    "'comment': 'no namespace flags'},"
    "{'names': ['clone3'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 38}]}";

static int docker_style_checks(void)
{
	int step = 0, st = 0;
	long pid;

	EXPECT(syscall(SYS_personality, 0xffffffffUL) >= 0);
	EXPECT(REFUSED(syscall(SYS_personality, 6UL), EPERM)); /* PER_BSD */
	EXPECT(REFUSED(syscall(SYS_getuid), EPERM));           /* not listed */
	EXPECT(REFUSED(syscall(SYS_clone, CLONE_NEWUTS | SIGCHLD, 0, 0, 0, 0), EPERM));
	EXPECT(REFUSED(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), EPERM));
#ifdef SYS_clone3
	EXPECT(REFUSED(syscall(SYS_clone3, NULL, 0), ENOSYS));
#endif
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		syscall(SYS_exit_group, 7);
	EXPECT(pid > 0);
	EXPECT(syscall(SYS_wait4, pid, &st, 0, NULL) == pid);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	return 0;
}

static void test_docker_style_clone_and_personality_rules(void **state)
{
	(void)state;
	expect_child_passes(docker_style, docker_style_checks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_absent_profile_is_no_filter),
	    cmocka_unit_test(test_bad_profiles_are_rejected),
	    cmocka_unit_test(test_bad_docker_fields_are_rejected),
	    cmocka_unit_test(test_file_error_line_names_the_file),
	    cmocka_unit_test(test_docker_includes_and_excludes),
	    cmocka_unit_test(test_condition_explosion_is_rejected),
	    cmocka_unit_test(test_error_line_names_the_field),
	    cmocka_unit_test(test_errno_allowlist_builds_a_program),
	    cmocka_unit_test(test_tolerated_entries_are_skipped),
	    cmocka_unit_test(test_every_native_call_on_five_arches_fits),
	    cmocka_unit_test(test_errno_rule_refuses_only_its_call),
	    cmocka_unit_test(test_eq_condition_refuses_one_value),
	    cmocka_unit_test(test_masked_eq_conditions_on_one_argument_are_alternatives),
	    cmocka_unit_test(test_conditions_on_other_arguments_still_all_hold),
	    cmocka_unit_test(test_docker_style_clone_and_personality_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
