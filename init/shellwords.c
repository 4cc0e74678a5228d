// SPDX-License-Identifier: MIT
/*
 * shellwords: see shellwords.h. One pass over the input with a quote state;
 * each word is built in a scratch buffer as long as the input, so no word can
 * overflow it.
 */
#include "shellwords.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum quote { Q_NONE, Q_SINGLE, Q_DOUBLE };

struct words {
	char **v;
	size_t n;
};

static int push_word(struct words *w, const char *buf, size_t len)
{
	char **nv = realloc(w->v, (w->n + 2) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	w->v = nv;
	w->v[w->n] = strndup(buf, len);
	if (!w->v[w->n])
		return -ENOMEM;
	w->v[++w->n] = NULL;
	return 0;
}

/* Inside double quotes a backslash only escapes what the shell would: $ ` " \ newline. */
static bool escapable_in_double(char c)
{
	return c == '$' || c == '`' || c == '"' || c == '\\' || c == '\n';
}

/* Consumes one character of s at *i into buf; returns -EINVAL on a dangling backslash. */
static int step(const char *s, size_t *i, enum quote *q, char *buf, size_t *len, bool *in_word)
{
	char c = s[*i];

	if (*q == Q_SINGLE) {
		if (c == '\'')
			*q = Q_NONE;
		else
			buf[(*len)++] = c;
	} else if (c == '\\') {
		char next = s[*i + 1];

		if (next == '\0')
			return -EINVAL;
		if (*q == Q_DOUBLE && !escapable_in_double(next))
			buf[(*len)++] = c;
		buf[(*len)++] = next;
		(*i)++;
	} else if (*q == Q_DOUBLE) {
		if (c == '"')
			*q = Q_NONE;
		else
			buf[(*len)++] = c;
	} else if (c == '\'' || c == '"') {
		*q = c == '\'' ? Q_SINGLE : Q_DOUBLE;
	} else {
		buf[(*len)++] = c;
	}
	*in_word = true;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int split(const char *s, char *buf, struct words *w)
{
	enum quote q = Q_NONE;
	bool in_word = false;
	size_t len = 0;
	int r;

	for (size_t i = 0; s[i]; i++) {
		if (q == Q_NONE && is_blank(s[i])) {
			if (in_word && (r = push_word(w, buf, len)) < 0)
				return r;
			in_word = false;
			len = 0;
			continue;
		}
		r = step(s, &i, &q, buf, &len, &in_word);
		if (r < 0)
			return r;
	}
	if (q != Q_NONE)
		return -EINVAL;
	return in_word ? push_word(w, buf, len) : 0;
}

int shellwords_split(const char *s, char ***ret, size_t *ret_n)
{
	_cleanup_free_ char *buf = malloc(strlen(s) + 1);
	struct words w = {.v = calloc(1, sizeof(char *))};
	int r;

	if (!buf || !w.v) {
		free(w.v);
		return -ENOMEM;
	}
	r = split(s, buf, &w);
	if (r < 0) {
		strv_free(w.v);
		return r;
	}
	*ret = w.v;
	*ret_n = w.n;
	return 0;
}
