/*
 * byteview.c - the out-of-line parts of byteview.h.
 *
 * Most of the view operations are small enough to live in the header as
 * static inline functions; only the copy, which goes through the copy
 * counter, lives here.
 */
#include "byteview.h"

#include "measure.h"

void *byteview_copy(void *dst, struct byteview v)
{
	if (v.len == 0)
		return dst;
	return measure_copy(dst, v.data, v.len);
}
