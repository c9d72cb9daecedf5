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
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int suffix_shift(char c)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	default: return -1;
	}
}

int size_parse(const char *text, size_t *out)
{
	size_t n = 0;
	const char *p = text;
	int shift = 0;

	if (*p < '0' || *p > '9')
		goto invalid;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(n, 10, &n) ||
		    __builtin_add_overflow(n, (size_t)(*p - '0'), &n))
			goto too_large;
	}
	if (*p) {
		shift = suffix_shift(*p++);
		if (shift < 0 || *p)
			goto invalid;
	}
	if (n > (SIZE_MAX >> shift))
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

/*
 * "MemAvailable:   23456789 kB", the kernel's estimate of what can be had, is
 * the third line of /proc/meminfo: a small buffer holds it (and keeps this
 * function from touching new stack pages while memory is being measured).
 */
size_t size_available_memory(void)
{
	char text[256];
	unsigned long kib;
	const char *line;
	ssize_t got;
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return SIZE_MAX;
	got = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (got <= 0)
		return SIZE_MAX;
	text[got] = '\0';
	line = strstr(text, "MemAvailable:");
	if (!line || sscanf(line, "MemAvailable: %lu", &kib) != 1)
		return SIZE_MAX;
	return (size_t)kib * 1024;
}
