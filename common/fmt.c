// SPDX-License-Identifier: MIT
/*
 * fmt: a vsnprintf for the conversions our messages use (see fmt.h). It never
 * allocates and never changes errno, so a forked child may use it; it must never
 * grow floating point, which is what it exists to keep out of boxinit.
 */
#include "fmt.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

struct fmt_out {
	char *buf;
	size_t size, len; /* len counts what did not fit too */
};

struct fmt_spec {
	bool left, zero;
	int width;
	int prec;    /* -1: none */
	size_t size; /* of the integer argument */
};

/* Longest first: "hh" before "h". */
static const struct {
	char mod[3];
	unsigned char size;
} lengths[] = {
    {"hh", sizeof(char)},    {"h", sizeof(short)},  {"ll", sizeof(long long)}, {"l", sizeof(long)},
    {"j", sizeof(intmax_t)}, {"z", sizeof(size_t)}, {"t", sizeof(ptrdiff_t)},
};

static void put(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_mem(struct fmt_out *o, const struct fmt_spec *s, const char *p, size_t n)
{
	if (!s->left)
		pad(o, ' ', s->width - (int)n);
	for (size_t i = 0; i < n; i++)
		put(o, p[i]);
	if (s->left)
		pad(o, ' ', s->width - (int)n);
}

static void put_str(struct fmt_out *o, const struct fmt_spec *s, const char *p)
{
	if (!p)
		p = "(null)";
	put_mem(o, s, p, s->prec >= 0 ? strnlen(p, (size_t)s->prec) : strlen(p));
}

/* The argument as the length modifier says, then cut to its size (hh and h are
 * passed as int). Returns its magnitude; *neg is set for a negative signed one. */
static unsigned long long fetch(va_list *ap, const struct fmt_spec *s, bool sign, bool *neg)
{
	unsigned shift = (unsigned)(sizeof(long long) - s->size) * CHAR_BIT;
	unsigned long long v;

	if (s->size > sizeof(int))
		v = va_arg(*ap, unsigned long long);
	else
		v = va_arg(*ap, unsigned);
	v = v << shift >> shift;
	*neg = sign && (v >> (s->size * CHAR_BIT - 1)) != 0;
	if (*neg)
		v = (0 - v) << shift >> shift;
	return v;
}

static void put_int(struct fmt_out *o, const struct fmt_spec *s, va_list *ap, bool sign,
                    const char *digits)
{
	unsigned base = (unsigned)strlen(digits);
	bool neg;
	unsigned long long v = fetch(ap, s, sign, &neg);
	char d[24];
	int n = 0, zeros, prec = s->prec >= 0 ? s->prec : 1;

	for (; v; v /= base)
		d[n++] = digits[v % base];
	zeros = prec > n ? prec - n : 0;
	if (s->zero && !s->left && s->prec < 0 && s->width - neg - n > zeros)
		zeros = s->width - neg - n;
	if (!s->left)
		pad(o, ' ', s->width - neg - n - zeros);
	if (neg)
		put(o, '-');
	pad(o, '0', zeros);
	for (int i = n; i > 0;)
		put(o, d[--i]);
	if (s->left)
		pad(o, ' ', s->width - neg - n - zeros);
}

static int parse_num(const char **p, va_list *ap)
{
	int n = 0;

	if (**p == '*') {
		(*p)++;
		return va_arg(*ap, int);
	}
	while (**p >= '0' && **p <= '9')
		n = n * 10 + *(*p)++ - '0';
	return n;
}

static const char *parse_spec(const char *p, struct fmt_spec *s, va_list *ap)
{
	*s = (struct fmt_spec){.prec = -1, .size = sizeof(int)};
	for (;; p++) {
		if (*p == '-')
			s->left = true;
		else if (*p == '0')
			s->zero = true;
		else
			break;
	}
	s->width = parse_num(&p, ap);
	if (s->width < 0) {
		s->left = true;
		s->width = -s->width;
	}
	if (*p == '.') {
		p++;
		s->prec = parse_num(&p, ap);
		if (s->prec < 0)
			s->prec = -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(lengths); i++) {
		size_t n = strlen(lengths[i].mod);

		if (strncmp(p, lengths[i].mod, n) == 0) {
			s->size = lengths[i].size;
			return p + n;
		}
	}
	return p;
}

/* Formats the directive that starts at p (its '%') and returns what follows it. */
static const char *convert(struct fmt_out *o, const char *p, va_list *ap)
{
	const char *start = p;
	struct fmt_spec s;
	char c;

	p = parse_spec(p + 1, &s, ap);
	switch (*p) {
	case 'd':
	case 'i':
		put_int(o, &s, ap, true, "0123456789");
		break;
	case 'u':
		put_int(o, &s, ap, false, "0123456789");
		break;
	case 'x':
		put_int(o, &s, ap, false, "0123456789abcdef");
		break;
	case 'X':
		put_int(o, &s, ap, false, "0123456789ABCDEF");
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_mem(o, &s, &c, 1);
		break;
	case 's':
		put_str(o, &s, va_arg(*ap, const char *));
		break;
	case 'm':
		put_str(o, &s, strerror(errno));
		break;
	case '%':
		put(o, '%');
		break;
	default: /* shown as written, so the mistake is visible in the message */
		for (; start < p; start++)
			put(o, *start);
		if (*p == '\0')
			return p;
		put(o, *p);
		break;
	}
	return p + 1;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = {.buf = buf, .size = size};
	int saved = errno;
	va_list aq;

	/* A copy: a va_list parameter cannot be passed on by address portably. */
	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt == '%')
			fmt = convert(&o, fmt, &aq);
		else
			put(&o, *fmt++);
	}
	va_end(aq);
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	errno = saved;
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
