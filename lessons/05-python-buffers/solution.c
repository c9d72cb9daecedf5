/*
 * solution.c - lesson 05's exercise, solved: a grid that lends itself out
 * the way a Python exporter does, and counts (see exercise.h).
 *
 * grid_bytes is the one place that multiplies; getbuffer fills the fields
 * in the order Py_buffer lists them; resize and release share the refusal.
 */
#include "exercise.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* rows * cols * sizeof(double) into *out, or -1 with errno. */
static int grid_bytes(size_t rows, size_t cols, size_t *out)
{
	if (rows == 0 || cols == 0) {
		errno = EINVAL;
		return -1;
	}
	if (__builtin_mul_overflow(rows, cols, out) ||
	    __builtin_mul_overflow(*out, sizeof(double), out)) {
		errno = EOVERFLOW;
		return -1;
	}
	return 0;
}

int grid_init(struct grid *g, size_t rows, size_t cols, int readonly)
{
	size_t n;

	if (grid_bytes(rows, cols, &n) < 0)
		return -1;
	g->cells = calloc(1, n);
	if (!g->cells)
		return -1;
	g->rows = rows;
	g->cols = cols;
	g->readonly = readonly;
	g->exports = 0;
	return 0;
}

int grid_getbuffer(struct grid *g, struct grid_buffer *view, int flags)
{
	ptrdiff_t row = (ptrdiff_t)(g->cols * sizeof(double));
	ptrdiff_t item = sizeof(double);

	if ((flags & GRID_WRITABLE) && g->readonly) {
		errno = EACCES;
		return -1;
	}
	*view = (struct grid_buffer){
		.buf = g->cells,
		.len = g->rows * g->cols * sizeof(double),
		.itemsize = sizeof(double),
		.format = "d",
		.readonly = g->readonly,
		.ndim = 2,
		.shape = { (ptrdiff_t)g->rows, (ptrdiff_t)g->cols },
		.strides = { row, item },
	};
	if (flags & GRID_TRANSPOSED) {
		view->shape[0] = (ptrdiff_t)g->cols;
		view->shape[1] = (ptrdiff_t)g->rows;
		view->strides[0] = item;
		view->strides[1] = row;
	}
	g->exports++;
	return 0;
}

void grid_releasebuffer(struct grid *g, struct grid_buffer *view)
{
	REQUIRE(g->exports > 0);
	g->exports--;
	memset(view, 0, sizeof(*view));
}

/* Freeing or moving lent-out memory would leave a consumer dangling. */
static int refuse_if_lent(const struct grid *g)
{
	if (g->exports == 0)
		return 0;
	errno = EBUSY;
	return -1;
}

int grid_resize(struct grid *g, size_t rows, size_t cols)
{
	size_t n;
	double *p;

	if (refuse_if_lent(g) < 0 || grid_bytes(rows, cols, &n) < 0)
		return -1;
	p = realloc(g->cells, n);
	if (!p)
		return -1;
	g->cells = p;
	g->rows = rows;
	g->cols = cols;
	return 0;
}

int grid_release(struct grid *g)
{
	if (refuse_if_lent(g) < 0)
		return -1;
	free(g->cells);
	g->cells = NULL;
	g->rows = g->cols = 0;
	return 0;
}
