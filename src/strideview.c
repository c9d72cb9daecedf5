/*
 * strideview.c - strided views: the proof at construction, the views of
 * views, and the one copy (see strideview.h).
 *
 * Layout: the reach of a view (the lowest and highest byte any item starts
 * at, relative to the first item), computed with overflow checks; the two
 * constructors built on it; slicing, selecting and transposing, which only
 * narrow a view already proved; then items and packing.
 *
 * Offsets are computed as ptrdiff_t numbers first and turned into pointers
 * only for items that exist: C allows a pointer anywhere inside an object
 * (and one past its end), not a step beyond, even if it is never read.
 */
#include "strideview.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "measure.h"

/* --- Reach ----------------------------------------------------------------- */

/*
 * The byte offsets, relative to the first item, at which the lowest and the
 * highest item start: lo <= 0 <= hi. Every shape must fit in ptrdiff_t,
 * and every product and sum is checked.
 * Returns 0, or -1 with errno EOVERFLOW.
 */
static int reach(size_t ndim, const size_t shape[], const ptrdiff_t strides[],
		 ptrdiff_t *lo, ptrdiff_t *hi)
{
	*lo = 0;
	*hi = 0;
	for (size_t d = 0; d < ndim; d++) {
		ptrdiff_t last, extent;

		if (shape[d] > (size_t)PTRDIFF_MAX) {
			errno = EOVERFLOW;
			return -1;
		}
		if (shape[d] == 0)
			continue;
		last = (ptrdiff_t)shape[d] - 1;
		if (__builtin_mul_overflow(last, strides[d], &extent) ||
		    __builtin_add_overflow(extent < 0 ? *lo : *hi, extent,
					   extent < 0 ? lo : hi)) {
			errno = EOVERFLOW;
			return -1;
		}
	}
	return 0;
}

/* Items in shape[0..ndim), or -1 with EOVERFLOW when count * itemsize does
 * not fit in ptrdiff_t. */
static int packed_size(size_t ndim, const size_t shape[], size_t itemsize,
		       size_t *count)
{
	size_t n = 1, bytes;

	for (size_t d = 0; d < ndim; d++)
		if (__builtin_mul_overflow(n, shape[d], &n))
			goto overflow;
	if (__builtin_mul_overflow(n, itemsize, &bytes) ||
	    bytes > (size_t)PTRDIFF_MAX)
		goto overflow;
	*count = n;
	return 0;
overflow:
	errno = EOVERFLOW;
	return -1;
}

/*
 * Does every item lie inside buf[0..len)? The lowest item starts at
 * offset + lo and must not start before 0; the highest starts at
 * offset + hi and its last byte must come before len.
 */
static int inside(size_t len, size_t offset, size_t itemsize, ptrdiff_t lo,
		  ptrdiff_t hi)
{
	ptrdiff_t first, end;

	if (len > (size_t)PTRDIFF_MAX || itemsize > (size_t)PTRDIFF_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	if (offset > len || lo < -(ptrdiff_t)offset) {
		errno = ERANGE;
		return -1;
	}
	first = (ptrdiff_t)offset;
	if (__builtin_add_overflow(first, hi, &end) ||
	    __builtin_add_overflow(end, (ptrdiff_t)itemsize, &end)) {
		errno = EOVERFLOW;
		return -1;
	}
	if (end > (ptrdiff_t)len) {
		errno = ERANGE;
		return -1;
	}
	return 0;
}

/* --- Making one ------------------------------------------------------------ */

int strideview_init(struct strideview *v, const void *buf, size_t len,
		    size_t offset, size_t itemsize, size_t ndim,
		    const size_t shape[], const ptrdiff_t strides[])
{
	struct strideview out = { .itemsize = itemsize, .ndim = ndim };
	ptrdiff_t lo, hi;
	size_t count;

	if (itemsize == 0 || ndim > STRIDEVIEW_MAX_DIMS ||
	    (buf == NULL && len != 0)) {
		errno = EINVAL;
		return -1;
	}
	if (reach(ndim, shape, strides, &lo, &hi) < 0 ||
	    packed_size(ndim, shape, itemsize, &count) < 0)
		return -1;
	if (count == 0 && offset > len) {
		errno = ERANGE;
		return -1;
	}
	if (count > 0 && inside(len, offset, itemsize, lo, hi) < 0)
		return -1;
	for (size_t d = 0; d < ndim; d++) {
		out.shape[d] = shape[d];
		out.strides[d] = strides[d];
	}
	out.data = buf ? (const unsigned char *)buf + offset : NULL;
	*v = out;
	return 0;
}

/* C order: the last dimension's stride is the item size, and each stride
 * before it is the next one times the next shape. */
int strideview_init_contiguous(struct strideview *v, const void *buf,
			       size_t len, size_t itemsize, size_t ndim,
			       const size_t shape[])
{
	ptrdiff_t strides[STRIDEVIEW_MAX_DIMS];
	size_t step = itemsize;

	if (ndim > STRIDEVIEW_MAX_DIMS) {
		errno = EINVAL;
		return -1;
	}
	for (size_t d = ndim; d-- > 0;) {
		if (step > (size_t)PTRDIFF_MAX) {
			errno = EOVERFLOW;
			return -1;
		}
		strides[d] = (ptrdiff_t)step;
		if (d > 0 && __builtin_mul_overflow(step, shape[d], &step)) {
			errno = EOVERFLOW;
			return -1;
		}
	}
	return strideview_init(v, buf, len, 0, itemsize, ndim, shape, strides);
}

/* --- Views of views -------------------------------------------------------- */

/* Items kept by a slice: ceil(distance / step), both counted forwards. */
static size_t slice_count(size_t distance, size_t step)
{
	return distance == 0 ? 0 : (distance - 1) / step + 1;
}

/* |step|, computed so that even PTRDIFF_MIN does not overflow. */
static size_t magnitude(ptrdiff_t step)
{
	return step > 0 ? (size_t)step : (size_t)(-(step + 1)) + 1;
}

/*
 * The new first item is start strides along dim, and the new stride is
 * step strides. Both products are bounded by the extent (shape - 1) *
 * stride, which construction proved fits, so they cannot wrap; a dimension
 * left with at most one item keeps its old stride, which nothing will
 * multiply. An empty result keeps the old data pointer: start may then be
 * one past the last item, where there is no byte to point at.
 */
struct strideview strideview_slice(struct strideview v, size_t dim,
				   ptrdiff_t start, ptrdiff_t stop,
				   ptrdiff_t step)
{
	ptrdiff_t stride;
	size_t n;

	REQUIRE(dim < v.ndim);
	REQUIRE(step != 0);
	if (step > 0) {
		REQUIRE(0 <= start && start <= stop);
		REQUIRE(stop <= (ptrdiff_t)v.shape[dim]);
		n = slice_count((size_t)(stop - start), magnitude(step));
	} else {
		REQUIRE(-1 <= stop && stop <= start);
		REQUIRE(start < (ptrdiff_t)v.shape[dim]);
		n = slice_count((size_t)(start - stop), magnitude(step));
	}
	if (n > 0 && strideview_count(v) > 0)
		v.data += start * v.strides[dim];
	if (n > 1) {
		bool wrapped = __builtin_mul_overflow(v.strides[dim], step,
						      &stride);

		REQUIRE(!wrapped);	/* impossible for a proved view */
		v.strides[dim] = stride;
	}
	v.shape[dim] = n;
	return v;
}

/* Fixing an index moves data to that item (unless the view is empty) and
 * closes the gap the dimension leaves in shape and strides. */
struct strideview strideview_select(struct strideview v, size_t dim, size_t i)
{
	REQUIRE(dim < v.ndim);
	REQUIRE(i < v.shape[dim]);
	if (strideview_count(v) > 0)
		v.data += (ptrdiff_t)i * v.strides[dim];
	for (size_t d = dim; d + 1 < v.ndim; d++) {
		v.shape[d] = v.shape[d + 1];
		v.strides[d] = v.strides[d + 1];
	}
	v.ndim--;
	v.shape[v.ndim] = 0;
	v.strides[v.ndim] = 0;
	return v;
}

struct strideview strideview_transpose(struct strideview v, size_t a, size_t b)
{
	size_t shape;
	ptrdiff_t stride;

	REQUIRE(a < v.ndim && b < v.ndim);
	shape = v.shape[a];
	v.shape[a] = v.shape[b];
	v.shape[b] = shape;
	stride = v.strides[a];
	v.strides[a] = v.strides[b];
	v.strides[b] = stride;
	return v;
}

/* --- Items ------------------------------------------------------------------ */

/* Each term is at most an extent and the sum stays between lo and hi, all
 * proved at construction: plain arithmetic is safe here. */
const void *strideview_at(struct strideview v, const size_t index[])
{
	ptrdiff_t offset = 0;

	for (size_t d = 0; d < v.ndim; d++) {
		REQUIRE(index[d] < v.shape[d]);
		offset += (ptrdiff_t)index[d] * v.strides[d];
	}
	return v.data + offset;
}

size_t strideview_count(struct strideview v)
{
	size_t n = 1;

	for (size_t d = 0; d < v.ndim; d++)
		n *= v.shape[d];
	return n;
}

size_t strideview_nbytes(struct strideview v)
{
	return strideview_count(v) * v.itemsize;
}

bool strideview_is_contiguous(struct strideview v)
{
	ptrdiff_t expected = (ptrdiff_t)v.itemsize;

	if (strideview_count(v) == 0)
		return true;
	for (size_t d = v.ndim; d-- > 0;) {
		if (v.shape[d] == 1)
			continue;
		if (v.strides[d] != expected)
			return false;
		expected *= (ptrdiff_t)v.shape[d];
	}
	return true;
}

/* --- The photocopy ---------------------------------------------------------- */

/*
 * One row: n items, stride bytes apart, into dst one after another. Items
 * of 8 bytes (the common case, and the benchmark's) get their own loop, so
 * the compiler turns each memcpy into a single load and store.
 */
static unsigned char *pack_row(unsigned char *dst, const unsigned char *src,
			       size_t n, ptrdiff_t stride, size_t itemsize)
{
	if (itemsize == 8) {
		for (size_t i = 0; i < n; i++)
			memcpy(dst + 8 * i, src + (ptrdiff_t)i * stride, 8);
	} else {
		for (size_t i = 0; i < n; i++)
			memcpy(dst + itemsize * i, src + (ptrdiff_t)i * stride,
			       itemsize);
	}
	return dst + n * itemsize;
}

/*
 * Step the index of every dimension but the last like an odometer, keeping
 * the byte offset of the row it names. Returns false after the last row.
 */
static bool next_row(const struct strideview *v, size_t index[],
		     ptrdiff_t *offset)
{
	for (size_t d = v->ndim - 1; d-- > 0;) {
		if (index[d] + 1 < v->shape[d]) {
			index[d]++;
			*offset += v->strides[d];
			return true;
		}
		*offset -= (ptrdiff_t)index[d] * v->strides[d];
		index[d] = 0;
	}
	return false;
}

void *strideview_pack(void *dst, struct strideview v)
{
	size_t index[STRIDEVIEW_MAX_DIMS] = { 0 };
	size_t nbytes = strideview_nbytes(v), last;
	unsigned char *out = dst;
	ptrdiff_t offset = 0;

	REQUIRE(dst != NULL || nbytes == 0);
	if (nbytes == 0)
		return dst;
	if (strideview_is_contiguous(v))
		return measure_copy(dst, v.data, nbytes);
	last = v.ndim - 1;	/* ndim >= 1: a single item is contiguous */
	do {
		out = pack_row(out, v.data + offset, v.shape[last],
			       v.strides[last], v.itemsize);
	} while (next_row(&v, index, &offset));
	measure_count_copied(nbytes);
	return dst;
}
