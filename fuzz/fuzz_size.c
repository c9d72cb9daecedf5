/*
 * fuzz_size.c - the size parser (size.h) against a model of its grammar.
 *
 * The input is read as text. A second, deliberately simple parser (the
 * model) decides what size_parse must answer: the grammar is digits, then
 * at most one suffix K, M or G in either case, and nothing else; a string
 * that follows the grammar but does not fit in size_t is ERANGE, any other
 * string EINVAL. The model does its arithmetic in 128 bits, so it cannot
 * overflow where the parser must check.
 *
 * Properties, for every input:
 *   - size_parse agrees with the model: the same value, or the same errno;
 *   - a parsed size, printed by size_format, reads back as the same size
 *     (exactly when printed whole, within the 5% of one decimal otherwise);
 *   - size_parse_list agrees with parsing the comma-separated items one by
 *     one, and never writes beyond the max entries it was given.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "size.h"

#define CAP ((unsigned __int128)SIZE_MAX + 2) /* "too large" in the model */

static int model_shift(char c)
{
	switch (c) {
	case 'K':
	case 'k': return 10;
	case 'M':
	case 'm': return 20;
	case 'G':
	case 'g': return 30;
	default: return -1;
	}
}

/* What size_parse should do with s: 0 and *out, or an errno value. */
static int model_parse(const char *s, size_t *out)
{
	unsigned __int128 v = 0;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > CAP)
			v = CAP;
	}
	if (*s) {
		shift = model_shift(*s++);
		if (shift < 0 || *s)
			return EINVAL;
	}
	v <<= shift;
	if (v > SIZE_MAX)
		return ERANGE;
	*out = (size_t)v;
	return 0;
}

static void check_parse(const char *text)
{
	size_t got = 0, want = 0;
	int model = model_parse(text, &want);

	errno = 0;
	if (size_parse(text, &got) == 0) {
		FUZZ_CHECK(model == 0);
		FUZZ_CHECK(got == want);
	} else {
		FUZZ_CHECK(model != 0);
		FUZZ_CHECK(errno == model);
	}
}

/* "4 KiB" -> 4 * 1024; "1.5 MiB" -> 1.5 * 2^20, as a double. */
static double reread(const char *text)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	char *unit;
	double v = strtod(text, &unit);

	FUZZ_CHECK(unit != text && *unit == ' ');
	for (int u = 0; u < 5; u++) {
		if (strcmp(unit + 1, units[u]) == 0)
			return v * (double)(1ull << (10 * u));
	}
	fuzz_failed("size_format printed a known unit", __FILE__, __LINE__);
}

static void check_format(size_t n)
{
	char buf[32];
	double back;

	FUZZ_CHECK(size_format(n, buf, sizeof(buf)) == buf);
	FUZZ_CHECK(strlen(buf) < sizeof(buf) - 1); /* never truncated */
	back = reread(buf);
	/* Whole numbers are exact: dividing by a power of two loses nothing. */
	if (strchr(buf, '.'))
		FUZZ_CHECK(back >= 0.95 * (double)n &&
			   back <= 1.05 * (double)n);
	else
		FUZZ_CHECK(back == (double)n);
}

/* What size_parse_list should do: the items one by one, left to right. */
static int model_list(const char *text, size_t *out, size_t max, size_t *count)
{
	size_t n = 0;

	for (;;) {
		size_t len = strcspn(text, ",");
		char item[64];
		int e;

		if (len == 0 || len >= 32 || n == max)
			return EINVAL;
		memcpy(item, text, len);
		item[len] = '\0';
		e = model_parse(item, &out[n]);
		if (e)
			return e;
		if (out[n++] == 0)
			return EINVAL;
		if (text[len] == '\0')
			break;
		text += len + 1;
	}
	*count = n;
	return 0;
}

static void check_list(const char *text, size_t max)
{
	size_t want[64], count = 0, want_count = 0;
	size_t *got = malloc(max * sizeof(*got)); /* exactly max: ASan guards */
	int model = model_list(text, want, max, &want_count);

	FUZZ_CHECK(got != NULL);
	errno = 0;
	if (size_parse_list(text, got, max, &count) == 0) {
		FUZZ_CHECK(model == 0);
		FUZZ_CHECK(count == want_count);
		FUZZ_CHECK(memcmp(got, want, count * sizeof(*got)) == 0);
	} else {
		FUZZ_CHECK(model != 0);
		FUZZ_CHECK(errno == model);
	}
	free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t max = size ? (size_t)(data[0] % 8) + 1 : 1, n;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_parse(text);
	if (size_parse(text, &n) == 0)
		check_format(n);
	if (size >= 8) {
		struct fuzz_input in = { data, size };

		check_format((size_t)fuzz_u64(&in));
	}
	check_list(size ? text + 1 : text, max);
	free(text);
	return 0;
}
