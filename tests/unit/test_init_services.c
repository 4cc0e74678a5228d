// SPDX-License-Identifier: MIT
/*
 * Unit tests for boxinit's services: command-line splitting (init/shellwords.c),
 * the service file and its validation (init/svcconf.c, with a fake root for
 * /etc/passwd, /etc/group and executables), user lookup (init/users.c), the
 * service state machine and the restart policy with its backoff (init/service.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "service.h"
#include "shellwords.h"
#include "svcconf.h"
#include "users.h"
#include "util.h"

/* --- helpers ------------------------------------------------------------------------ */

static char root[PATH_MAX];
static char errbuf[4096];
static int saved_stderr = -1;

static void put_file(const char *rel, const char *text, mode_t mode)
{
	char path[PATH_MAX * 2];
	int fd;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, text, strlen(text)), 0);
	close(fd);
}

/* A fake container root: passwd, group, /bin/daemon (executable), /srv. */
static int make_root(void **state)
{
	char path[PATH_MAX * 2];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/box-unit-svc.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/bin", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/srv", root);
	mkdir(path, 0755);
	put_file("/etc/passwd",
	         "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www:/var/www:/bin/false\n"
	         "app:x:1000:1001::/home/app:/bin/sh\n",
	         0644);
	put_file("/etc/group", "root:x:0:\nwww-data:x:33:\nlog:x:4:app\n", 0644);
	put_file("/bin/daemon", "#!/bin/sh\n", 0755);
	put_file("/bin/sh", "#!/bin/sh\n", 0755);
	put_file("/bin/notexec", "data\n", 0644);
	return 0;
}

static int remove_root(void **state)
{
	char cmd[PATH_MAX + 32];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* stderr goes to a file while a parse runs, so its one-line message can be checked. */
static void capture_begin(void)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static const char *capture_end(void)
{
	ssize_t n;

	(void)lseek(STDERR_FILENO, 0, SEEK_SET);
	n = read(STDERR_FILENO, errbuf, sizeof(errbuf) - 1);
	errbuf[n > 0 ? n : 0] = '\0';
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	return errbuf;
}

/* Parses and validates text as "svc.conf" under the fake root; returns the result. */
static int load(const char *text, struct services_config *c, const char **ret_err)
{
	int r;

	*c = (struct services_config){0};
	capture_begin();
	r = svcconf_parse_ini(c, "svc.conf", text);
	if (r == 0)
		r = svcconf_validate(c, root);
	*ret_err = capture_end();
	return r;
}

static void expect_error(const char *text, const char *needle)
{
	struct services_config c;
	const char *err;

	assert_int_equal(load(text, &c, &err), -EINVAL);
	if (!strstr(err, needle))
		fail_msg("expected '%s' in: %s", needle, err);
	/* Exactly one line. */
	assert_non_null(strchr(err, '\n'));
	assert_null(strchr(err, '\n') + 1 == err + strlen(err) ? NULL : strchr(err, '\n') + 1);
	svcconf_free(&c);
}

/* --- shellwords -------------------------------------------------------------------- */

static void expect_words(const char *s, const char *const *want, size_t n_want)
{
	char **v;
	size_t n;

	assert_int_equal(shellwords_split(s, &v, &n), 0);
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n_want; i++)
		assert_string_equal(v[i], want[i]);
	assert_null(v[n]);
	shellwords_free(v);
}

static void test_shellwords(void **state)
{
	static const char *const w1[] = {"nginx", "-g", "daemon off;"};
	static const char *const w2[] = {"a b", "c\"d", "e'f", "$HOME", "g\\h"};
	static const char *const w3[] = {"x", ""};
	static const char *const w4[] = {"ab", "c d"};
	char **v;
	size_t n;

	(void)state;
	expect_words("nginx -g 'daemon off;'", w1, 3);
	expect_words("  'a b'\t\"c\\\"d\" e\\'f '$HOME' \"g\\h\"  ", w2, 5);
	expect_words("x ''", w3, 2);
	expect_words("a'b' c\\ d", w4, 2);
	expect_words("   ", NULL, 0);
	assert_int_equal(shellwords_split("'open", &v, &n), -EINVAL);
	assert_int_equal(shellwords_split("\"open", &v, &n), -EINVAL);
	assert_int_equal(shellwords_split("trailing\\", &v, &n), -EINVAL);
}

/* --- the file ---------------------------------------------------------------------- */

static void test_full_service(void **state)
{
	struct services_config c;
	const struct svc_config *s;
	const char *err;

	(void)state;
	int r;

	r = load("; comment\n"
	         "[db]\n"
	         "command = daemon --port 5432\n"
	         "\n"
	         "[web]\n"
	         "command = daemon -c 'a b' ; trailing comment\n"
	         "restart = always\n"
	         "depends = db\n"
	         "essential = yes\n"
	         "stop-signal = SIGQUIT\n"
	         "stop-timeout = 2.5\n"
	         "user = www-data\n"
	         "workdir = /srv\n"
	         "env = A=1 'B=two words'\n"
	         "env = C=3\n"
	         "ready-port = 8080\n"
	         "max-failures = 3\n"
	         "failure-window = 20\n"
	         "[sh]\n"
	         "command = echo $HOME | daemon\n"
	         "shell = true\n"
	         "user = app\n"
	         "group = log\n"
	         "ready-command = daemon check\n",
	         &c, &err);
	if (r < 0)
		fail_msg("unexpected error: %s", err);
	assert_int_equal(c.n, 3);
	s = &c.svcs[1];
	assert_string_equal(s->name, "web");
	assert_string_equal(s->argv[0], "daemon");
	assert_string_equal(s->argv[2], "a b");
	assert_null(s->argv[3]);
	assert_int_equal(s->restart, RESTART_ALWAYS);
	assert_true(s->essential);
	assert_int_equal(s->stop_signal, SIGQUIT);
	assert_int_equal(s->stop_timeout_ms, 2500);
	assert_true(s->has_user);
	assert_int_equal(s->uid, 33);
	assert_int_equal(s->gid, 33);
	assert_string_equal(s->workdir, "/srv");
	assert_int_equal(s->n_env, 3);
	assert_string_equal(s->env[1], "B=two words");
	assert_string_equal(s->env[2], "C=3");
	assert_int_equal(s->ready, READY_TCP);
	assert_int_equal(s->ready_port, 8080);
	assert_int_equal(s->max_failures, 3);
	assert_int_equal(s->failure_window_ms, 20000);
	assert_int_equal(s->dep_idx[0], 0);
	/* Defaults. */
	assert_int_equal(c.svcs[0].restart, RESTART_ON_FAILURE);
	assert_int_equal(c.svcs[0].stop_signal, SIGTERM);
	assert_false(c.svcs[0].essential);
	assert_false(c.svcs[0].has_user);
	/* A shell only when asked. */
	s = &c.svcs[2];
	assert_string_equal(s->argv[0], "/bin/sh");
	assert_string_equal(s->argv[1], "-c");
	assert_string_equal(s->argv[2], "echo $HOME | daemon");
	assert_int_equal(s->uid, 1000);
	assert_int_equal(s->gid, 4);
	assert_int_equal(s->ready, READY_COMMAND);
	/* db before web. */
	assert_int_equal(c.order[0], 0);
	svcconf_free(&c);
}

static void test_order_puts_dependencies_first(void **state)
{
	struct services_config c;
	const char *err;
	size_t pos[4];

	(void)state;
	assert_int_equal(load("[app]\ncommand = daemon\ndepends = cache, db\n"
	                      "[cache]\ncommand = daemon\ndepends = db\n"
	                      "[db]\ncommand = daemon\n"
	                      "[lone]\ncommand = daemon\n",
	                      &c, &err),
	                 0);
	for (size_t k = 0; k < c.n; k++)
		pos[c.order[k]] = k;
	assert_true(pos[2] < pos[1]);
	assert_true(pos[1] < pos[0]);
	svcconf_free(&c);
}

static void test_rejections_name_file_and_line(void **state)
{
	(void)state;
	expect_error("[a]\ncommand = daemon\nrestat = always\n",
	             "svc.conf:3: unknown key 'restat' in [a]");
	expect_error("[a]\ncommand = daemon\nrestart = sometimes\n", "svc.conf:3: invalid value");
	expect_error("[a]\ncommand = daemon\ncommand = daemon\n",
	             "svc.conf:3: key 'command' given");
	expect_error("command = daemon\n", "svc.conf:1: key outside a [service] section");
	expect_error("[a]\ncommand = daemon\nthis is not ini\n", "svc.conf:3: syntax error");
	expect_error("[a b]\ncommand = daemon\n", "svc.conf:2: invalid service name");
	expect_error("[a]\nrestart = never\n", "svc.conf:2: [a] has no command");
	expect_error("[a]\ncommand = daemon\n[b]\ncommand = daemon\n[a]\nshell = no\n",
	             "svc.conf:6: service 'a' declared twice");
	expect_error("[a]\ncommand = daemon 'x\n", "svc.conf:2: invalid command");
	expect_error("[a]\ncommand = daemon\nstop-signal = SIGNOPE\n", "svc.conf:3:");
	expect_error("[a]\ncommand = daemon\nstop-timeout = soon\n", "svc.conf:3:");
	expect_error("[a]\ncommand = daemon\nready-port = 70000\n", "svc.conf:3:");
	expect_error("[a]\ncommand = daemon\nready-port = 80\nready-command = daemon\n",
	             "svc.conf:4:");
	expect_error("[a]\ncommand = daemon\nenv = NOEQUALS\n", "svc.conf:3:");
	expect_error("[a]\ncommand = daemon\nworkdir = relative\n", "svc.conf:3:");
	expect_error("[a]\ncommand = daemon\nmax-failures = 0\n", "svc.conf:3:");
}

static void test_validation_names_file_and_line(void **state)
{
	(void)state;
	expect_error("[a]\ncommand = daemon\ndepends = b\n[b]\ncommand = daemon\ndepends = c\n"
	             "[c]\ncommand = daemon\ndepends = a\n",
	             "dependency cycle: a -> b -> c -> a");
	expect_error("[a]\ncommand = daemon\ndepends = a\n",
	             "svc.conf:3: dependency cycle: a -> a");
	expect_error("[a]\ncommand = daemon\ndepends = ghost\n",
	             "svc.conf:3: [a] depends on unknown service 'ghost'");
	expect_error("[a]\n\ncommand = nosuchprogram\n",
	             "svc.conf:3: [a]: command 'nosuchprogram'");
	expect_error("[a]\ncommand = /bin/notexec\n", "svc.conf:2: [a]: command '/bin/notexec'");
	expect_error("[a]\ncommand = daemon\nuser = nobody\n", "svc.conf:3: unknown user 'nobody'");
	expect_error("[a]\ncommand = daemon\ngroup = wheel\n", "svc.conf:3: unknown group 'wheel'");
	expect_error("[a]\ncommand = daemon\nworkdir = /nope\n", "svc.conf:3: [a]: workdir");
	expect_error("[a]\ncommand = daemon\nready-command = nosuch\n", "svc.conf:3: [a]: ready");
}

static void test_command_line_services(void **state)
{
	struct services_config c = {0};

	(void)state;
	assert_int_equal(svcconf_add_cli(&c, "web=daemon -x 'y z'"), 0);
	assert_string_equal(c.svcs[0].name, "web");
	assert_string_equal(c.svcs[0].argv[2], "y z");
	assert_int_equal(c.svcs[0].restart, RESTART_ON_FAILURE);
	capture_begin();
	assert_int_equal(svcconf_add_cli(&c, "web=daemon"), -EINVAL);
	assert_int_equal(svcconf_add_cli(&c, "=daemon"), -EINVAL);
	assert_int_equal(svcconf_add_cli(&c, "noequals"), -EINVAL);
	assert_int_equal(svcconf_add_cli(&c, "x="), -EINVAL);
	(void)capture_end();
	assert_non_null(strstr(errbuf, "--service"));
	assert_int_equal(svcconf_validate(&c, root), 0);
	svcconf_free(&c);
}

static void test_signal_names(void **state)
{
	(void)state;
	assert_int_equal(svcconf_parse_signal("TERM"), SIGTERM);
	assert_int_equal(svcconf_parse_signal("SIGQUIT"), SIGQUIT);
	assert_int_equal(svcconf_parse_signal("int"), SIGINT);
	assert_int_equal(svcconf_parse_signal("9"), SIGKILL);
	assert_true(svcconf_parse_signal("0") < 0);
	assert_true(svcconf_parse_signal("NOPE") < 0);
}

static void test_users_from_files(void **state)
{
	uid_t uid;
	gid_t gid;

	(void)state;
	assert_int_equal(users_lookup_user(root, "app", &uid, &gid), 0);
	assert_int_equal(uid, 1000);
	assert_int_equal(gid, 1001);
	assert_int_equal(users_lookup_user(root, "33", &uid, &gid), 0);
	assert_int_equal(gid, 33);
	assert_int_equal(users_lookup_user(root, "4242", &uid, &gid), 0);
	assert_int_equal(gid, 4242);
	assert_int_equal(users_lookup_user(root, "ghost", &uid, &gid), -ESRCH);
	assert_int_equal(users_lookup_group(root, "log", &gid), 0);
	assert_int_equal(gid, 4);
	assert_int_equal(users_lookup_group(root, "ghost", &gid), -ESRCH);
	assert_int_equal(users_lookup_user("/nonexistent", "app", &uid, &gid), -ESRCH);
}

/* --- the state machine and the policy ---------------------------------------------------- */

static void expect_svc(enum svc_state s, enum svc_event ev, enum svc_state next, enum svc_action a)
{
	struct svc_step st = service_next(s, ev);

	if (st.next != next || st.action != a)
		fail_msg("%s + event %d: got %s/%d, want %s/%d", service_state_name(s), ev,
		         service_state_name(st.next), st.action, service_state_name(next), a);
}

static void test_state_machine(void **state)
{
	(void)state;
	expect_svc(SVC_STOPPED, SVC_EV_START, SVC_STARTING, SVC_ACT_SPAWN);
	expect_svc(SVC_STARTING, SVC_EV_READY, SVC_RUNNING, SVC_ACT_NONE);
	expect_svc(SVC_RUNNING, SVC_EV_EXIT_RESTART, SVC_BACKOFF, SVC_ACT_BACKOFF);
	expect_svc(SVC_STARTING, SVC_EV_EXIT_RESTART, SVC_BACKOFF, SVC_ACT_BACKOFF);
	expect_svc(SVC_BACKOFF, SVC_EV_TIMER, SVC_STARTING, SVC_ACT_SPAWN);
	expect_svc(SVC_RUNNING, SVC_EV_EXIT_DONE, SVC_STOPPED, SVC_ACT_CANCEL);
	expect_svc(SVC_RUNNING, SVC_EV_EXIT_FAILED, SVC_FAILED, SVC_ACT_CLEANUP);
	expect_svc(SVC_RUNNING, SVC_EV_STOP, SVC_STOPPING, SVC_ACT_SEND_STOP);
	expect_svc(SVC_STARTING, SVC_EV_STOP, SVC_STOPPING, SVC_ACT_SEND_STOP);
	expect_svc(SVC_BACKOFF, SVC_EV_STOP, SVC_STOPPED, SVC_ACT_CANCEL);
	expect_svc(SVC_STOPPING, SVC_EV_TIMER, SVC_STOPPING, SVC_ACT_KILL);
	expect_svc(SVC_STOPPING, SVC_EV_GONE, SVC_STOPPED, SVC_ACT_CANCEL);
	/* Nothing else moves: a stopping service does not restart, a failed one stays. */
	expect_svc(SVC_STOPPING, SVC_EV_EXIT_RESTART, SVC_STOPPING, SVC_ACT_NONE);
	expect_svc(SVC_STOPPING, SVC_EV_START, SVC_STOPPING, SVC_ACT_NONE);
	/* Only `launch service start` sends it to a failed service (the policy never does). */
	expect_svc(SVC_FAILED, SVC_EV_START, SVC_STARTING, SVC_ACT_SPAWN);
	expect_svc(SVC_FAILED, SVC_EV_STOP, SVC_FAILED, SVC_ACT_NONE);
	expect_svc(SVC_STOPPED, SVC_EV_STOP, SVC_STOPPED, SVC_ACT_NONE);
	expect_svc(SVC_RUNNING, SVC_EV_READY, SVC_RUNNING, SVC_ACT_NONE);
	assert_string_equal(service_state_name(SVC_BACKOFF), "backoff");
}

static struct svc_config policy(enum restart_policy r, unsigned max, uint64_t window_ms)
{
	return (struct svc_config){
	    .restart = r, .max_failures = max, .failure_window_ms = window_ms};
}

static void test_restart_policies(void **state)
{
	struct svc_config c;
	struct svc_history h = {0};

	(void)state;
	c = policy(RESTART_NEVER, 5, 60000);
	assert_int_equal(service_exit_event(&c, &h, 0, 0, 10), SVC_EV_EXIT_DONE);
	assert_int_equal(service_exit_event(&c, &h, 1, 0, 10), SVC_EV_EXIT_FAILED);
	c = policy(RESTART_ON_FAILURE, 5, 60000);
	assert_int_equal(service_exit_event(&c, &h, 0, 0, 10), SVC_EV_EXIT_DONE);
	assert_int_equal(service_exit_event(&c, &h, 2, 0, 10), SVC_EV_EXIT_RESTART);
	h = (struct svc_history){0};
	c = policy(RESTART_ALWAYS, 5, 60000);
	/* Clean exits restart forever and never count as failures. */
	for (int i = 0; i < 50; i++)
		assert_int_equal(service_exit_event(&c, &h, 0, 0, 10), SVC_EV_EXIT_RESTART);
	assert_int_equal(h.n_fail, 0);
}

static void test_give_up_after_n_failures_within_t(void **state)
{
	struct svc_config c = policy(RESTART_ON_FAILURE, 3, 10000);
	struct svc_history h = {0};

	(void)state;
	assert_int_equal(service_exit_event(&c, &h, 1, 0, 1000), SVC_EV_EXIT_RESTART);
	assert_int_equal(service_exit_event(&c, &h, 1, 1000, 2000), SVC_EV_EXIT_RESTART);
	assert_int_equal(service_exit_event(&c, &h, 1, 2000, 3000), SVC_EV_EXIT_FAILED);
	/* Spread out beyond the window, the same count is fine. */
	h = (struct svc_history){0};
	assert_int_equal(service_exit_event(&c, &h, 1, 0, 1000), SVC_EV_EXIT_RESTART);
	assert_int_equal(service_exit_event(&c, &h, 1, 0, 12000), SVC_EV_EXIT_RESTART);
	assert_int_equal(service_exit_event(&c, &h, 1, 0, 23000), SVC_EV_EXIT_RESTART);
	assert_int_equal(service_exit_event(&c, &h, 1, 0, 24000), SVC_EV_EXIT_RESTART);
	assert_int_equal(service_exit_event(&c, &h, 1, 0, 25000), SVC_EV_EXIT_FAILED);
}

/* A start that could not fork is retried after the backoff however often it happens. */
static void test_fork_failures_are_retried_never_given_up(void **state)
{
	struct svc_config c = policy(RESTART_ON_FAILURE, 3, 10000);
	struct svc_history h = {0};

	(void)state;
	for (int i = 0; i < 20; i++)
		assert_int_equal(service_fork_failed_event(&c, &h, 0, 10), SVC_EV_EXIT_RESTART);
	assert_int_equal(h.n_fail, 0);
	assert_int_equal(h.backoff_ms, SERVICE_BACKOFF_MAX_MS);
	c = policy(RESTART_NEVER, 3, 10000);
	assert_int_equal(service_fork_failed_event(&c, &h, 0, 10), SVC_EV_EXIT_FAILED);
}

static void test_backoff_doubles_caps_and_resets(void **state)
{
	struct svc_config c = policy(RESTART_ALWAYS, 100, 1000);
	struct svc_history h = {0};
	uint64_t t = 0, want = SERVICE_BACKOFF_MIN_MS;

	(void)state;
	/* Quick failures: 100 ms doubling up to the cap (failures leave the window). */
	for (int i = 0; i < 12; i++) {
		t += 5000;
		assert_int_equal(service_exit_event(&c, &h, 1, t - 10, t), SVC_EV_EXIT_RESTART);
		assert_int_equal(h.backoff_ms, want);
		want = want * 2 > SERVICE_BACKOFF_MAX_MS ? SERVICE_BACKOFF_MAX_MS : want * 2;
	}
	assert_int_equal(h.backoff_ms, SERVICE_BACKOFF_MAX_MS);
	/* A run that stayed up starts the backoff over. */
	t += 60000;
	assert_int_equal(service_exit_event(&c, &h, 1, t - SERVICE_STAYED_UP_MS, t),
	                 SVC_EV_EXIT_RESTART);
	assert_int_equal(h.backoff_ms, SERVICE_BACKOFF_MIN_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shellwords),
	    cmocka_unit_test(test_full_service),
	    cmocka_unit_test(test_order_puts_dependencies_first),
	    cmocka_unit_test(test_rejections_name_file_and_line),
	    cmocka_unit_test(test_validation_names_file_and_line),
	    cmocka_unit_test(test_command_line_services),
	    cmocka_unit_test(test_signal_names),
	    cmocka_unit_test(test_users_from_files),
	    cmocka_unit_test(test_state_machine),
	    cmocka_unit_test(test_restart_policies),
	    cmocka_unit_test(test_give_up_after_n_failures_within_t),
	    cmocka_unit_test(test_fork_failures_are_retried_never_given_up),
	    cmocka_unit_test(test_backoff_doubles_caps_and_resets),
	};

	return cmocka_run_group_tests(tests, make_root, remove_root);
}
