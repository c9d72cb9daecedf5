/*
 * exercise.c - lesson 05's exercise: be the exporter (read exercise.h).
 *
 * Each function below says what to do in its TODO. As shipped they all
 * fail, so `make check-05` fails; it passes when your grid lends itself
 * out, counts its exports and refuses to move or free while lent.
 * hints.md has one hint per test, under the test's name.
 */
#include "exercise.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

int grid_init(struct grid *g, size_t rows, size_t cols, int readonly)
{
	/*
	 * TODO: refuse a zero dimension (EINVAL) and a size that overflows
	 * (EOVERFLOW: __builtin_mul_overflow), allocate the cells zeroed,
	 * and fill in every field of *g.
	 */
	(void)g, (void)rows, (void)cols, (void)readonly;
	errno = ENOSYS;
	return -1;
}

int grid_getbuffer(struct grid *g, struct grid_buffer *view, int flags)
{
	/*
	 * TODO: refuse GRID_WRITABLE on a read-only grid (EACCES). Fill every
	 * field of *view from g: buf is g's own cells (no copy), shape
	 * rows x cols, strides in bytes. Under GRID_TRANSPOSED swap shape and
	 * strides. Count the export.
	 */
	(void)g, (void)view, (void)flags;
	errno = ENOSYS;
	return -1;
}

void grid_releasebuffer(struct grid *g, struct grid_buffer *view)
{
	/* TODO: REQUIRE that something is lent out, count it back, clear *view. */
	(void)g, (void)view;
}

int grid_resize(struct grid *g, size_t rows, size_t cols)
{
	/*
	 * TODO: refuse while lent out (EBUSY), check the new size as
	 * grid_init does, then realloc; change g only when all went well.
	 */
	(void)g, (void)rows, (void)cols;
	errno = ENOSYS;
	return -1;
}

int grid_release(struct grid *g)
{
	/* TODO: refuse while lent out (EBUSY); otherwise free the cells. */
	(void)g;
	errno = ENOSYS;
	return -1;
}
