/*
 * strideview.h - an n-dimensional window onto bytes that someone else owns.
 *
 * A byteview says "read len bytes from here". A strideview says "read these
 * items, laid out like this": a matrix, one of its columns, every third item
 * of an array, an array backwards, a matrix transposed. All of them are the
 * same bytes, described differently; none of them is a copy. This is the
 * model of PEP 3118's Py_buffer and of a NumPy array:
 *
 *	item (i0, i1, ...) starts at  data + i0 * strides[0] + i1 * strides[1] ...
 *
 * Strides are in bytes and signed. A 3 x 4 matrix of doubles stored row by
 * row has strides { 32, 8 }: the next row is 32 bytes on, the next column 8.
 * Its column 2 is the view { data + 16, shape { 3 }, strides { 32 } }; the
 * matrix backwards has a negative stride; the transpose swaps the strides.
 *
 * Invariants (what construction proves, and every operation keeps)
 *   - Every byte of every item lies inside the buffer the view was made
 *     from. strideview_init checks this with overflow-checked arithmetic and
 *     refuses a view that would reach outside: an impossible view is never
 *     created. Slices, selections and transposes only ever narrow or
 *     reorder a view, so they need no second check.
 *   - Every shape[d], every (shape[d] - 1) * strides[d] and their sums fit
 *     in ptrdiff_t, and so does count * itemsize. Multiplying a stride by a slice step or
 *     an index can therefore never wrap around. (NumPy's indexing did wrap:
 *     numpy/numpy#32219, a stride of 2^62 times a step of 3.)
 *   - data points at the item with every index 0. In an empty view (some
 *     shape is 0) it points somewhere inside the buffer and is never read.
 *   - A view never owns, never allocates and never frees. When the owner
 *     frees or moves the bytes, every view onto them dangles.
 *   - Zero and negative strides are allowed, and so are items that overlap,
 *     as in NumPy (C++23's mdspan layout_stride forbids all three).
 *
 * Contents
 *   1. The view:       struct strideview, STRIDEVIEW_MAX_DIMS
 *   2. Making one:     strideview_init, strideview_init_contiguous
 *   3. Views of views: strideview_slice, strideview_select, strideview_transpose
 *   4. Items:          strideview_at, strideview_count, strideview_nbytes,
 *                      strideview_is_contiguous
 *   5. The photocopy:  strideview_pack
 *
 * Two kinds of error (check.h): the constructors describe memory that may
 * come from outside the program (a file header, another library), so they
 * return -1 with errno. Everything else takes a valid view and indexes the
 * caller chose; an index out of range is the caller's mistake (REQUIRE).
 */
#ifndef STRIDEVIEW_H
#define STRIDEVIEW_H

#include <stdbool.h>
#include <stddef.h>

/* --- 1. The view ------------------------------------------------------- */

/* Enough for a colour video (frame, row, column, channel); small enough to
 * pass the view by value. */
#define STRIDEVIEW_MAX_DIMS 4

struct strideview {
	const unsigned char *data;	/* the item at index (0, 0, ...) */
	size_t itemsize;		/* bytes in one item, at least 1 */
	size_t ndim;			/* 0 (a single item) .. MAX_DIMS */
	size_t shape[STRIDEVIEW_MAX_DIMS];	/* items along each dimension */
	ptrdiff_t strides[STRIDEVIEW_MAX_DIMS];	/* bytes to the next one */
};

/* --- 2. Making one ----------------------------------------------------- */

/*
 * Describe items in the buffer buf[0..len): the first item starts at byte
 * offset, and the rest follow shape[0..ndim) and strides[0..ndim).
 * Returns 0 and fills *v, or returns -1 and leaves *v alone, with errno:
 *   EINVAL     itemsize is 0, ndim is above STRIDEVIEW_MAX_DIMS, or buf is
 *              NULL while len is not 0
 *   EOVERFLOW  a stride times a shape, their sum, or the packed size does
 *              not fit in ptrdiff_t
 *   ERANGE     some item would lie, even partly, outside buf[0..len)
 * An empty view (a shape of 0) reaches no byte; only offset <= len and the
 * overflow rules apply to it.
 */
int strideview_init(struct strideview *v, const void *buf, size_t len,
		    size_t offset, size_t itemsize, size_t ndim,
		    const size_t shape[], const ptrdiff_t strides[]);

/*
 * The common case: the whole buffer, items stored row by row (C order, the
 * last index changes fastest), shape[0..ndim). Computes the strides and
 * calls strideview_init, so it returns 0 or -1 in the same ways.
 */
int strideview_init_contiguous(struct strideview *v, const void *buf,
			       size_t len, size_t itemsize, size_t ndim,
			       const size_t shape[]);

/* --- 3. Views of views (never copy, never fail) ------------------------ */

/*
 * Python's v[start:stop:step] along dimension dim, without Python's
 * negative indexes. With step > 0 the view keeps indexes start,
 * start + step, ... below stop, and 0 <= start <= stop <= shape[dim].
 * With step < 0 it keeps start, start + step, ... above stop, and
 * -1 <= stop <= start < shape[dim]: the whole dimension backwards is
 * (shape - 1, -1, -1). step 0 is a mistake.
 */
struct strideview strideview_slice(struct strideview v, size_t dim,
				   ptrdiff_t start, ptrdiff_t stop,
				   ptrdiff_t step);

/*
 * Fix index i of dimension dim and drop that dimension: NumPy's m[:, j] is
 * strideview_select(m, 1, j), a column; m[i] is strideview_select(m, 0, i).
 */
struct strideview strideview_select(struct strideview v, size_t dim,
				    size_t i);

/* Swap dimensions a and b (their shapes and strides): m.T for a matrix. */
struct strideview strideview_transpose(struct strideview v, size_t a,
				       size_t b);

/* --- 4. Items ---------------------------------------------------------- */

/* The address of item index[0..ndim); every index must be below its shape. */
const void *strideview_at(struct strideview v, const size_t index[]);

/* Items in the view: the product of the shape (1 when ndim is 0). */
size_t strideview_count(struct strideview v);

/* Bytes the items fill once packed: count * itemsize. */
size_t strideview_nbytes(struct strideview v);

/*
 * Do the items lie one after another in C order, with nothing between
 * them? Then the view is one plain run of strideview_nbytes bytes from
 * data. Dimensions of one item have no say, and an empty view counts as
 * contiguous (NumPy's rule).
 */
bool strideview_is_contiguous(struct strideview v);

/* --- 5. The photocopy -------------------------------------------------- */

/*
 * Copy the items of v, in C order, into dst, which must hold
 * strideview_nbytes(v) bytes and must not overlap the view. The copy is
 * contiguous: walking it afterwards is the fastest walk there is. The
 * bytes are added to the copy counter (measure.h). Returns dst.
 */
void *strideview_pack(void *dst, struct strideview v);

#endif
