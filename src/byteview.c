/*
 * byteview.c - the out-of-line parts of byteview.h.
 *
 * Making, slicing and finding are small enough to live in the header as
 * static inline functions. What is here walks a view once, front to back:
 * comparing, trimming, parsing an integer, splitting. None of it allocates;
 * only byteview_copy writes anywhere, and it says so to the copy counter.
 */
#include "byteview.h"

#include <errno.h>

#include "measure.h"

/* --- Comparing --------------------------------------------------------------- */

int byteview_compare(struct byteview a, struct byteview b)
{
	size_t common = a.len < b.len ? a.len : b.len;
	int order = common ? memcmp(a.data, b.data, common) : 0;

	if (order == 0)
		order = (a.len > b.len) - (a.len < b.len);
	return (order > 0) - (order < 0);
}

bool byteview_equal(struct byteview a, struct byteview b)
{
	return a.len == b.len &&
	       (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

/* --- Trimming and parsing ---------------------------------------------------- */

/* Written out rather than isspace(), which depends on the locale. */
static bool is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

struct byteview byteview_trim(struct byteview v)
{
	size_t lo = 0, hi = v.len;

	while (lo < hi && is_space(v.data[lo]))
		lo++;
	while (hi > lo && is_space(v.data[hi - 1]))
		hi--;
	return byteview_slice(v, lo, hi);
}

/* One or more digits and nothing else. */
static bool all_digits(struct byteview v)
{
	if (v.len == 0)
		return false;
	for (size_t i = 0; i < v.len; i++)
		if (!is_digit(v.data[i]))
			return false;
	return true;
}

/*
 * The syntax is checked first, so that "99999999999999999999x" is EINVAL
 * (not a number) rather than ERANGE. The value is then built on the side of
 * its sign: INT64_MIN has no positive twin, so a negative number is summed
 * downwards. Each step is checked for overflow.
 */
int byteview_parse_int64(struct byteview v, int64_t *out)
{
	bool negative = v.len > 0 && v.data[0] == '-';
	size_t start = v.len > 0 && (negative || v.data[0] == '+');
	struct byteview digits = byteview_slice(v, start, v.len);
	int64_t value = 0;

	if (!all_digits(digits)) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < digits.len; i++) {
		int d = digits.data[i] - '0';

		if (__builtin_mul_overflow(value, 10, &value) ||
		    __builtin_add_overflow(value, negative ? -d : d, &value)) {
			errno = ERANGE;
			return -1;
		}
	}
	*out = value;
	return 0;
}

/* --- Splitting -------------------------------------------------------------- */

bool byteview_split_next(struct byteview_split *it, struct byteview *field)
{
	size_t at;

	if (it->done)
		return false;
	at = byteview_find(it->rest, it->delim);
	if (at == it->rest.len) {
		*field = it->rest;
		it->done = true;
		return true;
	}
	*field = byteview_slice(it->rest, 0, at);
	it->rest = byteview_slice(it->rest, at + 1, it->rest.len);
	return true;
}

/* --- The photocopy ------------------------------------------------------------ */

void *byteview_copy(void *dst, struct byteview v)
{
	if (v.len == 0)
		return dst;
	return measure_copy(dst, v.data, v.len);
}
