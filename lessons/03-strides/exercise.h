/*
 * exercise.h - lesson 03: views with strides, and the deliberate photocopy.
 *
 * Every function takes a 2-D view of a matrix (struct strideview, see
 * src/strideview.h): shape { rows, columns }, strides in bytes. The first
 * three hand back another view of the same bytes and copy nothing; the
 * last one is the photocopy, and counts what it copies.
 */
#ifndef LESSON_03_EXERCISE_H
#define LESSON_03_EXERCISE_H

#include <stddef.h>

#include "strideview.h"

/* Column j of the matrix, as a 1-D view: one item from every row.
 * REQUIRE: the matrix is 2-D and j < its number of columns. */
struct strideview column_view(struct strideview matrix, size_t j);

/* The matrix upside down: its last row first. Still 2-D, still no copy. */
struct strideview upside_down(struct strideview matrix);

/*
 * The diagonal: items (0, 0), (1, 1), ... as a 1-D view, as long as the
 * matrix's shorter side. Build it yourself: no strideview function takes a
 * diagonal. (Its items are items of the matrix, so the matrix's proof that
 * they lie inside the buffer covers them too.)
 */
struct strideview diagonal_view(struct strideview matrix);

/*
 * The photocopy: write the items of the matrix into dst row by row, with
 * no gaps (dst holds rows * columns * itemsize bytes), and add the bytes
 * copied to the copy counter (measure_count_copied in measure.h).
 * Returns dst. Write the loops yourself rather than calling
 * strideview_pack.
 */
void *pack_matrix(void *dst, struct strideview matrix);

#endif
