/*
 * solution.c - lesson 03's exercise, solved.
 *
 * The three views are arithmetic on data, shape and strides; only
 * pack_matrix touches the items. A column is a selection of dimension 1;
 * upside down is dimension 0 sliced backwards; the diagonal steps one row
 * and one column at once, so its stride is the sum of the two.
 */
#include <string.h>

#include "check.h"
#include "exercise.h"
#include "measure.h"

struct strideview column_view(struct strideview matrix, size_t j)
{
	REQUIRE(matrix.ndim == 2);
	return strideview_select(matrix, 1, j);
}

struct strideview upside_down(struct strideview matrix)
{
	REQUIRE(matrix.ndim == 2);
	return strideview_slice(matrix, 0, (ptrdiff_t)matrix.shape[0] - 1, -1,
				-1);
}

struct strideview diagonal_view(struct strideview matrix)
{
	struct strideview d = matrix;

	REQUIRE(matrix.ndim == 2);
	d.ndim = 1;
	d.shape[0] = matrix.shape[0] < matrix.shape[1] ? matrix.shape[0]
						       : matrix.shape[1];
	d.strides[0] = matrix.strides[0] + matrix.strides[1];
	d.shape[1] = 0;
	d.strides[1] = 0;
	return d;
}

void *pack_matrix(void *dst, struct strideview matrix)
{
	unsigned char *out = dst;

	REQUIRE(matrix.ndim == 2);
	for (size_t i = 0; i < matrix.shape[0]; i++) {
		for (size_t j = 0; j < matrix.shape[1]; j++) {
			memcpy(out, strideview_at(matrix, (size_t[]){ i, j }),
			       matrix.itemsize);
			out += matrix.itemsize;
		}
	}
	measure_count_copied(strideview_nbytes(matrix));
	return dst;
}
