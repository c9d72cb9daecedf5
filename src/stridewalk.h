/*
 * stridewalk.h - reading through strided views: the work lesson 03 times.
 *
 * strideview.h describes items; this module reads them. Its functions are
 * the workloads that lesson 03's demo and benchmark share, so that both
 * time exactly the same loops:
 *
 *   1. Walks:   stridewalk_sum (8-byte items), stridewalk_dot (doubles)
 *   2. Tours:   a series of views over a large buffer, each on cache lines
 *               the ones before it did not touch, so every view starts in
 *               memory rather than in a cache
 *   3. Uses:    read a view k times, directly or after packing it once
 *   4. Matrix products: B walked by column, or B packed transposed first
 *
 * Nothing here allocates; the packed copies live in memory the caller
 * provides. Every function reads through views that strideview_init has
 * proved, so none of them can read outside its buffer.
 */
#ifndef STRIDEWALK_H
#define STRIDEWALK_H

#include <stddef.h>
#include <stdint.h>

#include "strideview.h"

/* --- 1. Walks ---------------------------------------------------------- */

/* The sum of the items of a 1-D view of 8-byte items, taken as uint64_t. */
uint64_t stridewalk_sum(struct strideview v);

/* x . y for two 1-D views of doubles of the same length, added in index
 * order (so two layouts of the same numbers give bit-identical sums). */
double stridewalk_dot(struct strideview x, struct strideview y);

/* --- 2. Tours ---------------------------------------------------------- */

/*
 * Views of n 8-byte items, stride bytes apart, laid over buf[0..len). View
 * q starts at a different cache line (64 bytes) from views q - 1, q - 2,
 * ..., and the views visit the whole buffer before any line comes round
 * again: with a buffer larger than the caches, each view is read from
 * memory the first time. stride is a multiple of 8 and n * stride must fit
 * in len.
 */
struct stridewalk_tour {
	const unsigned char *buf;
	size_t len, stride, n;
	size_t span;		/* n * stride: the bytes one view spreads over */
	size_t phases;		/* line offsets inside one stride */
	size_t count;		/* views before the tour repeats */
	size_t q;		/* the next view */
	size_t next;		/* for stridewalk_items: the next item in view q */
};

struct stridewalk_tour stridewalk_tour(const void *buf, size_t len,
				       size_t stride, size_t n);

/* View q of the tour (q counts on for ever; it wraps at t->count). */
struct strideview stridewalk_tour_view(const struct stridewalk_tour *t,
				       size_t q);

/*
 * Write buf so that item i of every view of the tour holds the same value
 * (i + 1) * 0x9e3779b97f4a7c15: then any two ways of reading the same
 * number of views must agree on the sum, wherever the tour is.
 */
void stridewalk_fill(unsigned char *buf, const struct stridewalk_tour *t);

/* --- 3. Uses ----------------------------------------------------------- */

/* Read the next `items` items of the tour, view after view: one item is
 * the unit of the per-item cost. Returns their sum. */
uint64_t stridewalk_items(struct stridewalk_tour *t, uint64_t items);

/* Take the next view and sum it k times, through the view. Returns the
 * total of the k sums. */
uint64_t stridewalk_use_view(struct stridewalk_tour *t, size_t k);

/* Take the next view, pack it into packed (t->n * 8 bytes), and sum the
 * packed copy k times. Returns the same total as stridewalk_use_view. */
uint64_t stridewalk_use_packed(struct stridewalk_tour *t, size_t k,
			       void *packed);

/* --- 4. Matrix products ------------------------------------------------ */

/*
 * c = a b for n x n views of doubles, c a plain n * n array. By column:
 * c[i][j] is row i of a dot column j of b, a view whose stride is a whole
 * row of b. Transposed copy: b is first packed transposed into bt (n * n
 * doubles), so that c[i][j] is row i of a dot row j of bt. Both add the
 * same products in the same order: their results are bit-identical.
 */
void stridewalk_matmul_by_column(double *c, struct strideview a,
				 struct strideview b);
void stridewalk_matmul_transposed_copy(double *c, struct strideview a,
				       struct strideview b, double *bt);

/*
 * The same work a band at a time, so that a benchmark can time a part of a
 * large product (0 <= lo <= hi <= n):
 *
 *   stridewalk_matmul_rows_by_column   rows [lo, hi) of c = a b
 *   stridewalk_transpose_columns       rows [lo, hi) of bt = columns
 *                                      [lo, hi) of b (a photocopy, counted)
 *   stridewalk_matmul_rows_transposed  rows [lo, hi) of c, reading bt; all
 *                                      n rows of bt must have been packed
 *
 * Every row of c reads all of b (or bt), so a band of rows walks b exactly
 * as the whole product does, hi - lo times instead of n times.
 */
void stridewalk_matmul_rows_by_column(double *c, struct strideview a,
				      struct strideview b, size_t lo,
				      size_t hi);
void stridewalk_transpose_columns(double *bt, struct strideview b, size_t lo,
				  size_t hi);
void stridewalk_matmul_rows_transposed(double *c, struct strideview a,
				       const double *bt, size_t lo, size_t hi);

#endif
