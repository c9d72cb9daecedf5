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
 * by REQUIRE (check.h).
 */
#ifndef BYTEVIEW_H
#define BYTEVIEW_H

#include <stddef.h>

#include "check.h"

struct byteview {
	const unsigned char *data;
	size_t len;
};

/* A view of len bytes at data. */
static inline struct byteview byteview_make(const void *data, size_t len)
{
	REQUIRE(data != NULL || len == 0);
	return (struct byteview){ .data = data, .len = len };
}

/* The bytes [lo, hi) of v, as a view of the same memory. Like Go's v[lo:hi]. */
static inline struct byteview byteview_slice(struct byteview v, size_t lo,
					     size_t hi)
{
	REQUIRE(lo <= hi);
	REQUIRE(hi <= v.len);
	return (struct byteview){ .data = v.data + lo, .len = hi - lo };
}

/* The byte at index i of v. */
static inline unsigned char byteview_at(struct byteview v, size_t i)
{
	REQUIRE(i < v.len);
	return v.data[i];
}

/*
 * The deliberate photocopy: copy v into dst, which must hold v.len bytes,
 * and count the bytes with the copy counter (measure.h). Returns dst.
 */
void *byteview_copy(void *dst, struct byteview v);

#endif
