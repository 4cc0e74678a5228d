// SPDX-License-Identifier: MIT
/*
 * svcconf: see svcconf.h. inih reads the INI syntax and calls one handler per
 * key; every key has one setter in a table. Runs in boxinit before anything
 * starts (after pivot_root under launch, so "/" is the container's root).
 */
#include "svcconf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INI_HANDLER_LINENO 1
#include <ini.h>

#include "fmt.h"
#include "log.h"
#include "shellwords.h"
#include "users.h"
#include "util.h"

#define SVCCONF_MAX_SIZE (1u << 20)
#define SVCCONF_MAX_LINE 65536
#define NAME_MAX_LEN     32
#define DEFAULT_PATH_ENV "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

__attribute__((format(printf, 3, 4))) static int conf_fail(const struct svc_config *s,
                                                           unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		log_error("%s:%u: %s", s->origin, line, msg);
	else
		log_error("--service '%s': %s", s->name, msg);
	return -EINVAL;
}

/* --- values ---------------------------------------------------------------------- */

static int parse_bool(const char *v, bool *ret)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return *ret = true, 0;
		if (!strcasecmp(v, no[i]))
			return *ret = false, 0;
	}
	return -EINVAL;
}

int svcconf_parse_signal(const char *s)
{
	return signal_parse(s);
}

static bool env_name_ok(const char *kv)
{
	const char *eq = strchr(kv, '=');

	if (!eq || eq == kv || isdigit((unsigned char)kv[0]))
		return false;
	for (const char *p = kv; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

/* --- keys ---------------------------------------------------------------------------- */

/* Each setter returns NULL, or what was expected (for the message). */
typedef const char *(*key_setter)(struct svc_config *s, const char *v, unsigned line);

static const char *set_command(struct svc_config *s, const char *v, unsigned line)
{
	s->command = strdup(v);
	s->command_line = line;
	return s->command && v[0] ? NULL : "a command";
}

static const char *set_shell(struct svc_config *s, const char *v, unsigned line)
{
	(void)line;
	return parse_bool(v, &s->shell) < 0 ? "yes or no" : NULL;
}

static const char *set_restart(struct svc_config *s, const char *v, unsigned line)
{
	(void)line;
	if (STREQ(v, "always"))
		s->restart = RESTART_ALWAYS;
	else if (STREQ(v, "on-failure"))
		s->restart = RESTART_ON_FAILURE;
	else if (STREQ(v, "never"))
		s->restart = RESTART_NEVER;
	else
		return "always, on-failure or never";
	return NULL;
}

static const char *set_depends(struct svc_config *s, const char *v, unsigned line)
{
	_cleanup_free_ char *copy = strdup(v);
	char *save = NULL;

	s->depends_line = line;
	s->depends = calloc(strlen(v) / 2 + 2, sizeof(char *));
	if (!copy || !s->depends)
		return "memory";
	for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		s->depends[s->n_depends] = strdup(t);
		if (!s->depends[s->n_depends++])
			return "memory";
	}
	return NULL;
}

static const char *set_essential(struct svc_config *s, const char *v, unsigned line)
{
	(void)line;
	return parse_bool(v, &s->essential) < 0 ? "yes or no" : NULL;
}

static const char *set_stop_signal(struct svc_config *s, const char *v, unsigned line)
{
	(void)line;
	s->stop_signal = svcconf_parse_signal(v);
	return s->stop_signal < 0 ? "a signal name or number, e.g. TERM, QUIT, 15" : NULL;
}

static const char *set_duration(uint64_t *ms, const char *v, bool zero_ok)
{
	if (parse_duration_ms(v, ms) < 0 || (!zero_ok && *ms == 0))
		return zero_ok ? "seconds, e.g. 5 or 0.5" : "seconds above 0, e.g. 5 or 0.5";
	return NULL;
}

static const char *set_stop_timeout(struct svc_config *s, const char *v, unsigned line)
{
	(void)line;
	return set_duration(&s->stop_timeout_ms, v, false);
}

static const char *set_user(struct svc_config *s, const char *v, unsigned line)
{
	s->user_line = line;
	s->user = strdup(v);
	return s->user && v[0] ? NULL : "a user name or uid";
}

static const char *set_group(struct svc_config *s, const char *v, unsigned line)
{
	s->group_line = line;
	s->group = strdup(v);
	return s->group && v[0] ? NULL : "a group name or gid";
}

static const char *set_workdir(struct svc_config *s, const char *v, unsigned line)
{
	s->workdir_line = line;
	s->workdir = strdup(v);
	return s->workdir && v[0] == '/' ? NULL : "an absolute directory";
}

static const char *set_env(struct svc_config *s, const char *v, unsigned line)
{
	char **words, **nv;
	size_t n;

	(void)line;
	if (shellwords_split(v, &words, &n) < 0)
		return "K=V words (shell quoting)";
	nv = realloc(s->env, (s->n_env + n + 1) * sizeof(*nv));
	if (!nv) {
		strv_free(words);
		return "memory";
	}
	s->env = nv;
	for (size_t i = 0; i < n; i++)
		s->env[s->n_env++] = words[i];
	s->env[s->n_env] = NULL;
	free(words); /* the strings moved into s->env */
	for (size_t i = 0; i < s->n_env; i++)
		if (!env_name_ok(s->env[i]))
			return "K=V words (shell quoting)";
	return NULL;
}

static const char *set_ready_port(struct svc_config *s, const char *v, unsigned line)
{
	int port;

	s->ready_line = line;
	if (s->ready != READY_NONE)
		return "one readiness check: ready-port or ready-command, not both";
	if (parse_int(v, 1, 65535, &port) < 0)
		return "a TCP port, 1..65535";
	s->ready = READY_TCP;
	s->ready_port = (uint16_t)port;
	return NULL;
}

static const char *set_ready_command(struct svc_config *s, const char *v, unsigned line)
{
	size_t n;

	s->ready_line = line;
	if (s->ready != READY_NONE)
		return "one readiness check: ready-port or ready-command, not both";
	if (shellwords_split(v, &s->ready_argv, &n) < 0 || n == 0)
		return "a command";
	s->ready = READY_COMMAND;
	return NULL;
}

static const char *set_ready_interval(struct svc_config *s, const char *v, unsigned line)
{
	(void)line;
	return set_duration(&s->ready_interval_ms, v, false);
}

static const char *set_max_failures(struct svc_config *s, const char *v, unsigned line)
{
	int n;

	(void)line;
	if (parse_int(v, 1, 1000000, &n) < 0)
		return "a number of failures, 1 or more";
	s->max_failures = (unsigned)n;
	return NULL;
}

static const char *set_failure_window(struct svc_config *s, const char *v, unsigned line)
{
	(void)line;
	return set_duration(&s->failure_window_ms, v, false);
}

struct key {
	const char *name;
	key_setter set;
	bool repeatable;
};

static const struct key keys[] = {
    {"command", set_command, false},
    {"shell", set_shell, false},
    {"restart", set_restart, false},
    {"depends", set_depends, false},
    {"essential", set_essential, false},
    {"stop-signal", set_stop_signal, false},
    {"stop-timeout", set_stop_timeout, false},
    {"user", set_user, false},
    {"group", set_group, false},
    {"workdir", set_workdir, false},
    {"env", set_env, true},
    {"ready-port", set_ready_port, false},
    {"ready-command", set_ready_command, false},
    {"ready-interval", set_ready_interval, false},
    {"max-failures", set_max_failures, false},
    {"failure-window", set_failure_window, false},
};

/* --- services -------------------------------------------------------------------- */

static bool name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > NAME_MAX_LEN)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.@-", *p))
			return false;
	return true;
}

static struct svc_config *find_service(const struct services_config *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (STREQ(c->svcs[i].name, name))
			return &c->svcs[i];
	return NULL;
}

static struct svc_config *add_service(struct services_config *c, const char *name,
                                      const char *origin, unsigned line)
{
	struct svc_config *nv, *s;

	if (c->n >= SVCCONF_MAX_SERVICES)
		return NULL;
	nv = realloc(c->svcs, (c->n + 1) * sizeof(*nv));
	if (!nv)
		return NULL;
	c->svcs = nv;
	s = &c->svcs[c->n];
	*s = (struct svc_config){
	    .name = strdup(name),
	    .origin = origin,
	    .line = line,
	    .restart = RESTART_ON_FAILURE,
	    .stop_signal = SIGTERM,
	    .ready_interval_ms = 100,
	    .max_failures = SVCCONF_DEFAULT_MAX_FAILS,
	    .failure_window_ms = SVCCONF_DEFAULT_WINDOW_MS,
	};
	if (!s->name)
		return NULL;
	c->n++;
	return s;
}

/* argv from the command, once every key of the service is known (shell may come after). */
static int finish_service(struct svc_config *s)
{
	size_t n;
	int r;

	if (!s->command)
		return conf_fail(s, s->line, "[%s] has no command", s->name);
	if (s->shell) {
		s->argv = calloc(4, sizeof(char *));
		if (!s->argv)
			return -ENOMEM;
		s->argv[0] = strdup("/bin/sh");
		s->argv[1] = strdup("-c");
		s->argv[2] = strdup(s->command);
		return s->argv[0] && s->argv[1] && s->argv[2] ? 0 : -ENOMEM;
	}
	r = shellwords_split(s->command, &s->argv, &n);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return conf_fail(s, s->command_line, "invalid command '%s': unterminated quote",
		                 s->command);
	if (n == 0)
		return conf_fail(s, s->command_line, "[%s] has an empty command", s->name);
	return 0;
}

/* --- INI ------------------------------------------------------------------------------- */

struct ini_ctx {
	struct services_config *c;
	const char *path;
	struct svc_config *cur;
	size_t first; /* services before this index came from elsewhere */
	bool reported;
	/* The lines of the section headers, in order, and the line of the last key: inih
	 * gives keys only, so "[a] ... [a]" would otherwise read as one section. */
	unsigned *headers;
	size_t n_headers, next_header;
	unsigned last_line;
};

/* The line numbers of every "[..." line (leading blanks allowed), as inih counts them. A
 * line too long for inih would be cut in two and reported as a syntax error: it is named
 * for what it is. */
static int find_headers(struct ini_ctx *x, const char *text)
{
	unsigned line = 1;

	for (const char *p = text; *p; line++) {
		const char *s = p + strspn(p, " \t");
		const char *nl = strchr(p, '\n');

		if ((nl ? (size_t)(nl - p) : strlen(p)) >= SVCCONF_MAX_LINE - 2) {
			log_error("%s:%u: line longer than %d bytes", x->path, line,
			          SVCCONF_MAX_LINE - 3);
			return -EINVAL;
		}
		if (*s == '[') {
			unsigned *h = realloc(x->headers, (x->n_headers + 1) * sizeof(*h));

			if (!h)
				return -ENOMEM;
			x->headers = h;
			x->headers[x->n_headers++] = line;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* Was a header for the current section given again since its last key? */
static bool header_repeated(struct ini_ctx *x, unsigned line)
{
	while (x->next_header < x->n_headers && x->headers[x->next_header] <= x->last_line)
		x->next_header++;
	return x->next_header < x->n_headers && x->headers[x->next_header] < line;
}

static int set_key(struct ini_ctx *x, const char *name, const char *value, unsigned line)
{
	struct svc_config *s = x->cur;
	const char *expected;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!STREQ(keys[i].name, name))
			continue;
		if (!keys[i].repeatable && (s->seen & (1u << i)))
			return conf_fail(s, line, "key '%s' given twice in [%s]", name, s->name);
		s->seen |= 1u << i;
		expected = keys[i].set(s, value, line);
		if (expected)
			return conf_fail(s, line,
			                 "invalid value '%s' for '%s' in [%s]: expected %s", value,
			                 name, s->name, expected);
		return 0;
	}
	return conf_fail(s, line, "unknown key '%s' in [%s]", name, s->name);
}

/* Sections arrive only through their keys (inih calls back per key). */
static int enter_section(struct ini_ctx *x, const char *section, unsigned line)
{
	struct svc_config tmp = {.origin = x->path, .name = (char *)section};
	struct svc_config *s;

	if (x->cur && STREQ(x->cur->name, section)) {
		if (!header_repeated(x, line))
			return 0;
		/* Named at its first key, as the services declared apart are. */
		return conf_fail(&tmp, line, "service '%s' declared twice (first at %s:%u)",
		                 section, x->cur->origin, x->cur->line);
	}
	if (!section[0])
		return conf_fail(&tmp, line, "key outside a [service] section");
	if (!name_ok(section))
		return conf_fail(&tmp, line,
		                 "invalid service name '%s': 1 to %d letters, digits, _ . @ -",
		                 section, NAME_MAX_LEN);
	s = find_service(x->c, section);
	if (s)
		return conf_fail(&tmp, line, "service '%s' declared twice (first at %s:%u)",
		                 section, s->origin, s->line);
	x->cur = add_service(x->c, section, x->path, line);
	return x->cur ? 0 : log_errno(-ENOMEM, "read '%s'", x->path);
}

static int on_ini_key(void *user, const char *section, const char *name, const char *value,
                      int lineno)
{
	struct ini_ctx *x = user;
	unsigned line = (unsigned)lineno;
	int r;

	/* inih goes on after an error to report the first line; only one message. */
	if (x->reported)
		return 0;
	r = enter_section(x, section, line);
	if (r == 0)
		r = set_key(x, name, value, line);
	x->last_line = line;
	if (r < 0)
		x->reported = true;
	return r == 0;
}

int svcconf_parse_ini(struct services_config *c, const char *path, const char *text)
{
	struct ini_ctx x = {.c = c, .path = path, .first = c->n};
	int line;

	/* Debian's inih makes its options run-time variables: one key per line (no
	 * continuation lines, so a duplicate key is an error), long lines allowed,
	 * "; " comments after a value as in supervisord's files. */
	ini_allow_multiline = false;
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = SVCCONF_MAX_LINE;
	ini_stop_on_first_error = true;
	line = find_headers(&x, text);
	if (line < 0) {
		free(x.headers);
		return line == -ENOMEM ? log_errno(line, "read '%s'", path) : line;
	}
	line = ini_parse_string(text, on_ini_key, &x);
	free(x.headers);
	if (line < 0)
		return log_errno(-ENOMEM, "read '%s'", path);
	if (line > 0) {
		if (!x.reported)
			log_error("%s:%d: syntax error: expected [name], key = value or a comment",
			          path, line);
		return -EINVAL;
	}
	for (size_t i = x.first; i < c->n; i++) {
		int r = finish_service(&c->svcs[i]);

		if (r < 0)
			return r == -ENOMEM ? log_errno(r, "read '%s'", path) : r;
	}
	return 0;
}

int svcconf_add_cli(struct services_config *c, const char *spec)
{
	const char *eq = strchr(spec, '=');
	_cleanup_free_ char *name = eq ? strndup(spec, (size_t)(eq - spec)) : NULL;
	struct svc_config *s;

	if (!eq || !name || !name_ok(name) || !eq[1]) {
		log_error("invalid --service '%s': expected NAME=COMMAND (NAME: 1 to %d letters, "
		          "digits, _ . @ -)",
		          spec, NAME_MAX_LEN);
		return -EINVAL;
	}
	if (find_service(c, name)) {
		log_error("invalid --service '%s': service '%s' declared twice", spec, name);
		return -EINVAL;
	}
	s = add_service(c, name, "--service", 0);
	if (!s || !(s->command = strdup(eq + 1)))
		return log_errno(-ENOMEM, "add --service '%s'", spec);
	return finish_service(s);
}

/* --- validation ------------------------------------------------------------------- */

static int resolve_depends(struct services_config *c, struct svc_config *s)
{
	s->dep_idx = calloc(s->n_depends + 1, sizeof(size_t));
	if (!s->dep_idx)
		return log_errno(-ENOMEM, "resolve depends of '%s'", s->name);
	for (size_t i = 0; i < s->n_depends; i++) {
		const struct svc_config *d = find_service(c, s->depends[i]);

		if (!d)
			return conf_fail(s, s->depends_line, "[%s] depends on unknown service '%s'",
			                 s->name, s->depends[i]);
		s->dep_idx[i] = (size_t)(d - c->svcs);
	}
	return 0;
}

enum mark { M_NEW, M_VISITING, M_DONE };

struct topo {
	struct services_config *c;
	enum mark *mark;
	size_t *stack; /* the current path, to name a cycle */
	size_t depth;
	size_t n_order;
};

static int cycle_error(struct topo *t, size_t at)
{
	char path[512] = "";
	size_t from = 0, len = 0;

	while (t->stack[from] != at)
		from++;
	for (size_t i = from; i < t->depth && len < sizeof(path); i++)
		len += (size_t)fmt_snprintf(path + len, sizeof(path) - len, "%s -> ",
		                            t->c->svcs[t->stack[i]].name);
	if (len < sizeof(path))
		(void)fmt_snprintf(path + len, sizeof(path) - len, "%s", t->c->svcs[at].name);
	return conf_fail(&t->c->svcs[at], t->c->svcs[at].depends_line, "dependency cycle: %s",
	                 path);
}

/* Depth first: a service enters the order after all its dependencies. */
static int visit(struct topo *t, size_t i)
{
	const struct svc_config *s = &t->c->svcs[i];
	int r;

	if (t->mark[i] == M_DONE)
		return 0;
	if (t->mark[i] == M_VISITING)
		return cycle_error(t, i);
	t->mark[i] = M_VISITING;
	t->stack[t->depth++] = i;
	for (size_t d = 0; d < s->n_depends; d++) {
		r = visit(t, s->dep_idx[d]);
		if (r < 0)
			return r;
	}
	t->depth--;
	t->mark[i] = M_DONE;
	t->c->order[t->n_order++] = i;
	return 0;
}

static int order_services(struct services_config *c)
{
	_cleanup_free_ enum mark *mark = calloc(c->n + 1, sizeof(*mark));
	_cleanup_free_ size_t *stack = calloc(c->n + 1, sizeof(*stack));
	struct topo t = {.c = c, .mark = mark, .stack = stack};
	int r;

	c->order = calloc(c->n + 1, sizeof(*c->order));
	if (!mark || !stack || !c->order)
		return log_errno(-ENOMEM, "order services");
	for (size_t i = 0; i < c->n; i++) {
		r = visit(&t, i);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_user(const char *root, struct svc_config *s)
{
	int r;

	if (s->user) {
		r = users_lookup_user(root, s->user, &s->uid, &s->gid);
		if (r == -ESRCH)
			return conf_fail(s, s->user_line,
			                 "unknown user '%s' (not in %s/etc/passwd)", s->user, root);
		if (r < 0)
			return conf_fail(s, s->user_line, "user '%s': %s", s->user, strerror(-r));
		s->has_user = true;
	}
	if (s->group) {
		r = users_lookup_group(root, s->group, &s->gid);
		if (r == -ESRCH)
			return conf_fail(s, s->group_line,
			                 "unknown group '%s' (not in %s/etc/group)", s->group,
			                 root);
		if (r < 0)
			return conf_fail(s, s->group_line, "group '%s': %s", s->group,
			                 strerror(-r));
		/* A group alone keeps the uid (root) and changes the gid. */
		s->has_user = true;
	}
	return 0;
}

static const char *env_lookup(char *const *env, const char *key)
{
	size_t len = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (!strncmp(env[i], key, len) && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}

static bool is_executable(const char *root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	if ((size_t)fmt_snprintf(full, sizeof(full), "%s%s", root, path) >= sizeof(full))
		return false;
	return stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0;
}

/* execvp's search, done here so a typo fails before anything starts. */
static bool find_executable(const char *root, const char *cmd, char *const *env)
{
	const char *path = env_lookup(env, "PATH");
	char dir[PATH_MAX];

	if (strchr(cmd, '/'))
		return cmd[0] == '/' && is_executable(root, cmd);
	if (!path)
		path = getenv("PATH");
	if (!path)
		path = DEFAULT_PATH_ENV;
	for (const char *p = path; p; p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL) {
		size_t len = strcspn(p, ":");

		if ((size_t)fmt_snprintf(dir, sizeof(dir), "%.*s/%s", (int)len, p, cmd) >=
		    sizeof(dir))
			continue;
		if (dir[0] == '/' && is_executable(root, dir))
			return true;
	}
	return false;
}

static int check_files(const char *root, struct svc_config *s)
{
	char full[PATH_MAX];
	struct stat st;

	if (!find_executable(root, s->argv[0], s->env))
		return conf_fail(s, s->command_line,
		                 "[%s]: command '%s' not found or not executable", s->name,
		                 s->argv[0]);
	if (s->ready == READY_COMMAND && !find_executable(root, s->ready_argv[0], s->env))
		return conf_fail(s, s->ready_line,
		                 "[%s]: ready-command '%s' not found or not executable", s->name,
		                 s->ready_argv[0]);
	if (s->workdir &&
	    ((size_t)fmt_snprintf(full, sizeof(full), "%s%s", root, s->workdir) >= sizeof(full) ||
	     stat(full, &st) < 0 || !S_ISDIR(st.st_mode)))
		return conf_fail(s, s->workdir_line, "[%s]: workdir '%s' is not a directory",
		                 s->name, s->workdir);
	return 0;
}

int svcconf_validate(struct services_config *c, const char *root)
{
	int r;

	for (size_t i = 0; i < c->n; i++) {
		r = resolve_depends(c, &c->svcs[i]);
		if (r < 0)
			return r;
	}
	r = order_services(c);
	if (r < 0 || !root)
		return r;
	for (size_t i = 0; i < c->n; i++) {
		r = check_user(root, &c->svcs[i]);
		if (r == 0)
			r = check_files(root, &c->svcs[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* path read and parsed, then the specs; name is what messages call the file. */
static int read_all_services(struct services_config *c, const char *path, const char *name,
                             const char *const *specs, size_t n_specs)
{
	_cleanup_free_ char *text = NULL;
	struct stat st;
	int r = 0;

	if (path) {
		c->path = strdup(name);
		if (!c->path)
			return log_errno(-ENOMEM, "read config '%s'", name);
		/* A fifo or a terminal would block the read for good. */
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			log_error("read config '%s': not a regular file", name);
			return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		}
		r = read_file_alloc(path, SVCCONF_MAX_SIZE, &text);
		if (r < 0)
			return log_errno(r, "read config '%s'", name);
		r = svcconf_parse_ini(c, c->path, text);
	}
	for (size_t i = 0; r == 0 && i < n_specs; i++)
		r = svcconf_add_cli(c, specs[i]);
	return r;
}

int svcconf_check(const char *path, const char *const *specs, size_t n_specs)
{
	struct services_config c = {0};
	int r = read_all_services(&c, path, path, specs, n_specs);

	if (r == 0)
		r = svcconf_validate(&c, NULL);
	if (r == 0)
		r = c.n > INT_MAX ? INT_MAX : (int)c.n;
	svcconf_free(&c);
	return r;
}

int svcconf_load(const char *path, const char *name, const char *const *specs, size_t n_specs,
                 struct services_config *ret)
{
	struct services_config c = {0};
	int r;

	if (!path && access(SVCCONF_DEFAULT_PATH, F_OK) == 0)
		path = SVCCONF_DEFAULT_PATH;
	r = read_all_services(&c, path, name ? name : path, specs, n_specs);
	if (r == 0)
		r = svcconf_validate(&c, "");
	if (r < 0) {
		svcconf_free(&c);
		return r;
	}
	*ret = c;
	return 0;
}

static void free_service(struct svc_config *s)
{
	free(s->name);
	free(s->command);
	strv_free(s->argv);
	strv_free(s->env);
	strv_free(s->depends);
	strv_free(s->ready_argv);
	free(s->dep_idx);
	free(s->workdir);
	free(s->user);
	free(s->group);
}

void svcconf_free(struct services_config *c)
{
	for (size_t i = 0; c->svcs && i < c->n; i++)
		free_service(&c->svcs[i]);
	free(c->svcs);
	free(c->order);
	free(c->path);
	*c = (struct services_config){0};
}
