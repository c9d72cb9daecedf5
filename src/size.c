/*
 * size.c - parse, print and bound sizes.
 *
 * Parsing walks the digits by hand instead of calling strtoull, because
 * strtoull accepts what a size must not be: leading spaces, a sign ("-1"
 * becomes a huge number) and an empty string (0). Each digit and the suffix
 * are multiplied in with overflow checks.
 */
#include "size.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int suffix_shift(char c)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	default: return -1;
	}
}

/*
 * The whole text is read before a verdict, so that "99999999999999999999x"
 * is called what it is, not a size (EINVAL), rather than too large.
 */
int size_parse(const char *text, size_t *out)
{
	size_t n = 0;
	const char *p = text;
	int shift = 0;
	bool overflow = false;

	if (*p < '0' || *p > '9')
		goto invalid;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(n, 10, &n) ||
		    __builtin_add_overflow(n, (size_t)(*p - '0'), &n))
			overflow = true;
	}
	if (*p) {
		shift = suffix_shift(*p++);
		if (shift < 0 || *p)
			goto invalid;
	}
	if (overflow || n > (SIZE_MAX >> shift))
		goto too_large;
	*out = n << shift;
	return 0;
invalid:
	errno = EINVAL;
	return -1;
too_large:
	errno = ERANGE;
	return -1;
}

int size_parse_list(const char *text, size_t *out, size_t max, size_t *count)
{
	char item[32];
	size_t n = 0;
	const char *p = text;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (len == 0 || len >= sizeof(item) || n == max)
			goto invalid;
		memcpy(item, p, len);
		item[len] = '\0';
		if (size_parse(item, &out[n]) < 0)
			return -1;
		if (out[n++] == 0)
			goto invalid;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	*count = n;
	return 0;
invalid:
	errno = EINVAL;
	return -1;
}

char *size_format(size_t n, char *buf, size_t buflen)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v == (double)(size_t)v)
		snprintf(buf, buflen, "%zu %s", (size_t)v, units[u]);
	else
		snprintf(buf, buflen, "%.1f %s", v, units[u]);
	return buf;
}
