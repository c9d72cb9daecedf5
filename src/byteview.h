/*
 * byteview.h - a read-only window onto bytes that someone else owns.
 *
 * A byteview is a pointer and a length: "read len bytes starting at data".
 * It is what Go calls a slice (without cap), Rust a &[u8], C++ a std::span,
 * and Python a memoryview over bytes. It is passed by value, since it is just
 * two words.
 *
 * Invariants
 *   - data[0..len) is readable for as long as the owner keeps it alive.
 *     A view never owns, never allocates and never frees: when the owner
 *     frees or moves (realloc) the bytes, every view onto them dangles.
 *   - len == 0 is the empty view; its data may be NULL.
 *   - Ranges are half-open: [lo, hi) holds hi - lo bytes.
 *   - "Read-only" is a promise about this view, not about the bytes: the
 *     owner may still change them, and every view then sees the change.
 *
 * Passing a range that lies outside the view is a caller's mistake, caught
 * by REQUIRE (check.h). Bad text handed to a parser is not a mistake of the
 * caller: the parser returns -1 with errno.
 *
 * Contents
 *   1. Making and slicing:   byteview_make, byteview_from_string,
 *                            byteview_slice, byteview_at
 *   2. Looking inside:       byteview_find, byteview_compare, byteview_equal
 *   3. Parsing in place:     byteview_trim, byteview_parse_int64
 *   4. Splitting:            struct byteview_split, byteview_split_init,
 *                            byteview_split_next
 *   5. The photocopy:        byteview_copy
 *
 * Everything in sections 1 to 4 only reads: none of it allocates or copies
 * a byte, and every view it returns points into the view it was given.
 */
#ifndef BYTEVIEW_H
#define BYTEVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "check.h"

struct byteview {
	const unsigned char *data;
	size_t len;
};

/* --- 1. Making and slicing ------------------------------------------------ */

/* A view of len bytes at data. */
static inline struct byteview byteview_make(const void *data, size_t len)
{
	REQUIRE(data != NULL || len == 0);
	return (struct byteview){ .data = data, .len = len };
}

/* A view of the C string s, without its terminating NUL. */
static inline struct byteview byteview_from_string(const char *s)
{
	REQUIRE(s != NULL);
	return byteview_make(s, strlen(s));
}

/*
 * The bytes [lo, hi) of v, as a view of the same memory. Like Go's v[lo:hi].
 * (NULL + 0 is undefined behaviour in C11, so an offset of zero leaves the
 * pointer alone: the empty view of NULL slices to itself.)
 */
static inline struct byteview byteview_slice(struct byteview v, size_t lo,
					     size_t hi)
{
	REQUIRE(lo <= hi);
	REQUIRE(hi <= v.len);
	return (struct byteview){ .data = lo ? v.data + lo : v.data,
				  .len = hi - lo };
}

/* The byte at index i of v. */
static inline unsigned char byteview_at(struct byteview v, size_t i)
{
	REQUIRE(i < v.len);
	return v.data[i];
}

/* --- 2. Looking inside ----------------------------------------------------- */

/*
 * The index of the first byte c in v, or v.len when there is none (so the
 * answer is always a valid end for byteview_slice).
 */
static inline size_t byteview_find(struct byteview v, unsigned char c)
{
	const unsigned char *at = v.len ? memchr(v.data, c, v.len) : NULL;

	return at ? (size_t)(at - v.data) : v.len;
}

/*
 * Order a before b as memcmp would, byte by byte as unsigned values; when
 * one is a prefix of the other, the shorter comes first. Returns -1, 0 or 1.
 */
int byteview_compare(struct byteview a, struct byteview b);

/* Do a and b hold the same bytes? (Wherever they are: this compares bytes.) */
bool byteview_equal(struct byteview a, struct byteview b);

/* --- 3. Parsing in place ------------------------------------------------------ */

/* v without the ASCII white space (space, \t, \n, \v, \f, \r) at either end. */
struct byteview byteview_trim(struct byteview v);

/*
 * Read v as a decimal integer: an optional '+' or '-', then one or more
 * digits, and nothing else (trim first if there may be spaces). Returns 0
 * and sets *out, or returns -1 with errno EINVAL (not such a number) or
 * ERANGE (a number outside int64_t), leaving *out alone.
 */
int byteview_parse_int64(struct byteview v, int64_t *out);

/* --- 4. Splitting ------------------------------------------------------------ */

/*
 * An iterator over the fields of a view, in the style of Go's bytes.Split
 * and Python's str.split(sep): fields are what lies between delimiters.
 * n delimiters make n + 1 fields, so
 *
 *	"a,,b"  gives "a", "", "b"      (an empty field between two commas)
 *	"a,b"   gives "a", "b"          (no final delimiter: the end ends it)
 *	"a,b,"  gives "a", "b", ""      (a final delimiter starts one more)
 *	""      gives ""                (one empty field)
 *
 * It lives on the caller's stack and allocates nothing:
 *
 *	struct byteview_split it = byteview_split_init(text, '\n');
 *	struct byteview line;
 *
 *	while (byteview_split_next(&it, &line))
 *		use(line);
 */
struct byteview_split {
	struct byteview rest;	/* what is still to be split */
	unsigned char delim;
	bool done;		/* the last field has been handed out */
};

static inline struct byteview_split byteview_split_init(struct byteview v,
							unsigned char delim)
{
	return (struct byteview_split){ .rest = v, .delim = delim,
					.done = false };
}

/* Set *field to the next field and return true, or return false at the end. */
bool byteview_split_next(struct byteview_split *it, struct byteview *field);

/* --- 5. The photocopy ---------------------------------------------------------- */

/*
 * The deliberate photocopy: copy v into dst, which must hold v.len bytes,
 * and count the bytes with the copy counter (measure.h). Returns dst.
 */
void *byteview_copy(void *dst, struct byteview v);

#endif
