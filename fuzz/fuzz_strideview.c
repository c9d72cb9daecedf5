/*
 * fuzz_strideview.c - making, slicing and indexing strideviews (strideview.h).
 *
 * The input describes a buffer (its length) and a view of it (offset,
 * itemsize, ndim, shape, strides), with every number chosen around the
 * edges where arithmetic wraps: huge and negative strides, shapes near
 * SIZE_MAX, offsets past the end. The rest of the input is a list of
 * operations on the view, if it was made: slice, select, transpose, at,
 * pack.
 *
 * Properties, for every input:
 *   - strideview_init succeeds exactly when the view is possible: its
 *     errno is EINVAL for bad arguments, and a view that a 128-bit model
 *     says reaches outside the buffer is never made (ERANGE or EOVERFLOW);
 *     one whose every figure is small and inside the buffer is always made;
 *   - in every view made, and in every view made from it, the lowest and
 *     highest byte any item touches lie inside the buffer (the model
 *     computes both in 128 bits, where nothing wraps);
 *   - slice, select and transpose are refused by REQUIRE exactly when their
 *     arguments break the rules in the header, and otherwise describe the
 *     items they promise: item k of a slice is item start + k * step;
 *   - strideview_at gives the address the strides say; pack copies the
 *     items in C order, byte for byte.
 * The buffer is allocated at its exact size, so AddressSanitizer also
 * catches any read past it.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "strideview.h"

#define MAX_BUFFER 4096
#define MAX_STEPS 32
#define MAX_PACK 65536

typedef __int128 wide;

#define HUGE_SPAN ((wide)1 << 100) /* beyond any buffer; sums stay exact */

/* (shape - 1) * stride in 128 bits, clamped to +-HUGE_SPAN (shape > 0). */
static wide span_of(size_t shape, ptrdiff_t stride)
{
	wide n = (wide)(shape - 1), st = stride;

	if (n != 0 && (st > HUGE_SPAN / n || st < -HUGE_SPAN / n))
		return st > 0 ? HUGE_SPAN : -HUGE_SPAN;
	return n * st;
}

struct state {
	const unsigned char *buf;
	size_t len;
	struct strideview v;
};

/* The byte offsets of the first and one past the last byte items reach. */
static void extent(struct strideview v, const unsigned char *buf, wide *lo,
		   wide *hi)
{
	*lo = *hi = (wide)(v.data - buf);
	for (size_t d = 0; d < v.ndim; d++) {
		wide span = span_of(v.shape[d], v.strides[d]);

		if (span < 0)
			*lo += span;
		else
			*hi += span;
	}
	*hi += (wide)v.itemsize;
}

static bool is_empty(struct strideview v)
{
	for (size_t d = 0; d < v.ndim; d++)
		if (v.shape[d] == 0)
			return true;
	return false;
}

/* The invariant of every view: every item lies inside the buffer. */
static void check_inside(const struct state *s, struct strideview v)
{
	wide lo, hi;

	FUZZ_CHECK(v.itemsize >= 1 && v.ndim <= STRIDEVIEW_MAX_DIMS);
	if (is_empty(v))
		return;
	extent(v, s->buf, &lo, &hi);
	FUZZ_CHECK(lo >= 0 && hi <= (wide)s->len);
}

/* A stride or shape as a bug would like it. */
static ptrdiff_t fuzz_stride(struct fuzz_input *in)
{
	uint8_t tag = fuzz_byte(in), b = fuzz_byte(in);

	switch (tag % 5) {
	case 0: return (int8_t)b;
	case 1: return (ptrdiff_t)b * 8;
	case 2: return PTRDIFF_MAX - b;
	case 3: return PTRDIFF_MIN + b;
	default: return (ptrdiff_t)fuzz_u64(in);
	}
}

static size_t fuzz_small(struct fuzz_input *in, size_t near)
{
	return fuzz_byte(in) % 4 ? fuzz_byte(in) % 17
				 : fuzz_size_near(in, near);
}

/* Is everything about this view small, so that it must be made if inside? */
static bool modest(size_t itemsize, size_t ndim, const size_t shape[],
		   const ptrdiff_t strides[])
{
	if (itemsize > MAX_BUFFER)
		return false;
	for (size_t d = 0; d < ndim; d++)
		if (shape[d] > MAX_BUFFER || strides[d] > MAX_BUFFER ||
		    strides[d] < -MAX_BUFFER)
			return false;
	return true;
}

static bool make_view(struct state *s, struct fuzz_input *in)
{
	size_t offset = fuzz_small(in, s->len), itemsize = fuzz_small(in, 8);
	size_t ndim = fuzz_byte(in) % (STRIDEVIEW_MAX_DIMS + 2), shape[8];
	ptrdiff_t strides[8];
	struct strideview v;
	wide lo = (wide)offset, hi;
	bool empty = false;
	int r;

	for (size_t d = 0; d < ndim; d++) {
		shape[d] = fuzz_small(in, 4);
		strides[d] = fuzz_stride(in);
		empty |= shape[d] == 0;
	}
	errno = 0;
	r = strideview_init(&v, s->buf, s->len, offset, itemsize, ndim, shape,
			    strides);
	if (itemsize == 0 || ndim > STRIDEVIEW_MAX_DIMS) {
		FUZZ_CHECK(r == -1 && errno == EINVAL);
		return false;
	}
	hi = lo + (wide)itemsize;
	for (size_t d = 0; d < ndim && !empty; d++) {
		wide span = span_of(shape[d], strides[d]);

		*(span < 0 ? &lo : &hi) += span;
	}
	if (r < 0) {
		FUZZ_CHECK(errno == ERANGE || errno == EOVERFLOW);
		/* refused although small and inside: a false alarm */
		FUZZ_CHECK(!(modest(itemsize, ndim, shape, strides) &&
			     offset <= s->len &&
			     (empty || (lo >= 0 && hi <= (wide)s->len))));
		return false;
	}
	FUZZ_CHECK(offset <= s->len);
	FUZZ_CHECK(empty || (lo >= 0 && hi <= (wide)s->len));
	FUZZ_CHECK(v.ndim == ndim && v.itemsize == itemsize);
	s->v = v;
	check_inside(s, v);
	return true;
}

/* Python's rules for start, stop and step, as the header states them. */
static bool slice_allowed(struct strideview v, size_t dim, ptrdiff_t start,
			  ptrdiff_t stop, ptrdiff_t step)
{
	if (dim >= v.ndim || step == 0)
		return false;
	if (step > 0)
		return 0 <= start && start <= stop &&
		       (wide)stop <= (wide)v.shape[dim];
	return -1 <= stop && stop <= start && (wide)start < (wide)v.shape[dim];
}

static void step_slice(struct state *s, struct fuzz_input *in)
{
	size_t dim = fuzz_byte(in) % (STRIDEVIEW_MAX_DIMS + 1);
	size_t n = dim < s->v.ndim ? s->v.shape[dim] : 0;
	ptrdiff_t start = (ptrdiff_t)fuzz_size_near(in, n);
	ptrdiff_t stop = (ptrdiff_t)fuzz_size_near(in, n);
	ptrdiff_t step = fuzz_stride(in);
	bool allowed = slice_allowed(s->v, dim, start, stop, step), refused;
	struct strideview w;
	wide count;

	FUZZ_REFUSED(refused,
		     w = strideview_slice(s->v, dim, start, stop, step));
	FUZZ_CHECK(refused == !allowed);
	if (refused || step == 0) /* (step 0 is refused: for the analyser) */
		return;
	count = step > 0 ? ((wide)stop - start + step - 1) / step
			 : ((wide)start - stop + (-(wide)step) - 1) /
				   -(wide)step;
	FUZZ_CHECK((wide)w.shape[dim] == count);
	FUZZ_CHECK(w.ndim == s->v.ndim);
	if (count > 0 && !is_empty(w)) {
		/* item k along dim is item start + k * step of the parent */
		size_t k = (size_t)(fuzz_byte(in) % count);
		wide from = (wide)start + (wide)k * step;

		FUZZ_CHECK(w.data + (wide)k * w.strides[dim] ==
			   s->v.data + from * s->v.strides[dim]);
	}
	check_inside(s, w);
	s->v = w;
}

static void step_select(struct state *s, struct fuzz_input *in)
{
	size_t dim = fuzz_byte(in) % (STRIDEVIEW_MAX_DIMS + 1);
	size_t i = fuzz_size_near(in, dim < s->v.ndim ? s->v.shape[dim] : 0);
	bool allowed = dim < s->v.ndim && i < s->v.shape[dim], refused;
	struct strideview w;

	FUZZ_REFUSED(refused, w = strideview_select(s->v, dim, i));
	FUZZ_CHECK(refused == !allowed);
	if (refused)
		return;
	FUZZ_CHECK(w.ndim == s->v.ndim - 1);
	if (is_empty(s->v)) /* an empty view's data is never moved */
		FUZZ_CHECK(w.data == s->v.data);
	else
		FUZZ_CHECK(w.data == s->v.data + (wide)i * s->v.strides[dim]);
	check_inside(s, w);
	s->v = w;
}

static void step_transpose(struct state *s, struct fuzz_input *in)
{
	size_t a = fuzz_byte(in) % (STRIDEVIEW_MAX_DIMS + 1);
	size_t b = fuzz_byte(in) % (STRIDEVIEW_MAX_DIMS + 1);
	bool refused;
	struct strideview w;

	FUZZ_REFUSED(refused, w = strideview_transpose(s->v, a, b));
	FUZZ_CHECK(refused == !(a < s->v.ndim && b < s->v.ndim));
	if (refused)
		return;
	FUZZ_CHECK(w.shape[a] == s->v.shape[b] &&
		   w.strides[a] == s->v.strides[b]);
	FUZZ_CHECK(w.shape[b] == s->v.shape[a] &&
		   w.strides[b] == s->v.strides[a]);
	check_inside(s, w);
	s->v = w;
}

/* One index, chosen from the input, checked or refused. */
static void step_at(struct state *s, struct fuzz_input *in)
{
	size_t index[STRIDEVIEW_MAX_DIMS];
	bool allowed = true, refused;
	const unsigned char *p = NULL;
	wide want = 0;

	for (size_t d = 0; d < s->v.ndim; d++) {
		index[d] = fuzz_byte(in) % 8
				   ? fuzz_u64(in) % (s->v.shape[d] + 1)
				   : fuzz_size_near(in, s->v.shape[d]);
		if (s->v.shape[d] == 0 && fuzz_byte(in) % 2 == 0)
			index[d] = 0;
		allowed &= index[d] < s->v.shape[d];
		if (index[d] <
		    s->v.shape[d]) /* then the product is proved small */
			want += (wide)index[d] * s->v.strides[d];
	}
	FUZZ_REFUSED(refused, p = strideview_at(s->v, index));
	FUZZ_CHECK(refused == !allowed);
	if (refused)
		return;
	FUZZ_CHECK(p == s->v.data + want);
	FUZZ_CHECK(p >= s->buf && p + s->v.itemsize <= s->buf + s->len);
}

/* Pack, then compare every item with what strideview_at points to. */
static void step_pack(struct state *s, struct fuzz_input *in)
{
	size_t nbytes = strideview_nbytes(s->v), count = strideview_count(s->v);
	size_t index[STRIDEVIEW_MAX_DIMS] = { 0 };
	unsigned char *dst;

	(void)in;
	FUZZ_CHECK(nbytes == count * s->v.itemsize);
	if (nbytes > MAX_PACK)
		return;
	dst = malloc(nbytes ? nbytes : 1);
	FUZZ_CHECK(dst != NULL);
	FUZZ_CHECK(strideview_pack(dst, s->v) == dst);
	for (size_t k = 0; k < count; k++) {
		const unsigned char *item = strideview_at(s->v, index);

		FUZZ_CHECK(memcmp(dst + k * s->v.itemsize, item,
				  s->v.itemsize) == 0);
		if (strideview_is_contiguous(s->v))
			FUZZ_CHECK(item == s->v.data + k * s->v.itemsize);
		for (size_t d = s->v.ndim; d-- > 0;) { /* C order: last first */
			if (++index[d] < s->v.shape[d])
				break;
			index[d] = 0;
		}
	}
	free(dst);
}

/* The operations a script chooses from, by its next byte. */
static void (*const steps[])(struct state *, struct fuzz_input *) = {
	step_slice,	/* item k is item start + k * step, or refused */
	step_select,	/* one index of a dimension, or refused */
	step_transpose, /* two dimensions swapped, or refused */
	step_at,	/* the address the strides say, or refused */
	step_pack,	/* every item, in C order, byte for byte */
};
enum { NSTEPS = sizeof(steps) / sizeof(steps[0]) };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct state s = { 0 };
	size_t len = fuzz_length(&in, MAX_BUFFER);
	unsigned char *buf = malloc(len ? len : 1);

	if (!buf)
		return 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 131 + (i >> 8));
	s.buf = buf;
	s.len = len;
	if (make_view(&s, &in)) {
		for (int n = 0; n < MAX_STEPS && in.n > 0; n++)
			steps[fuzz_byte(&in) % NSTEPS](&s, &in);
	}
	free(buf);
	return 0;
}
