/*
 * exercise.h - lesson 05's exercise: be the exporter.
 *
 * A Python type lends out its memory by filling in a Py_buffer when a
 * consumer asks (bf_getbuffer) and hears back when the consumer is done
 * (bf_releasebuffer). Between the two, the owner must not free or move the
 * memory: it counts its exports and refuses. This exercise is that job in
 * plain C, without Python, so cmocka can test it: a grid of doubles that
 * lends out a description of itself (struct grid_buffer, the fields of
 * Py_buffer that describe memory) and keeps count.
 *
 * You write the five functions below in exercise.c; `make check-05` runs
 * lessons/05-python-buffers/test.c against them. hints.md has one hint per test.
 *
 * Invariants of a grid, once grid_init succeeded:
 *   - cells holds rows * cols doubles, row-major: cell (r, c) is
 *     cells[r * cols + c];
 *   - exports is the number of buffers lent out and not yet released;
 *     while it is above zero, cells does not move and is not freed.
 */
#ifndef EXERCISE_H
#define EXERCISE_H

#include <stddef.h>

struct grid {
	double *cells;
	size_t rows, cols;
	int readonly;		/* lend read-only buffers only */
	size_t exports;
};

/* The fields of CPython's Py_buffer that describe memory (PEP 3118). */
struct grid_buffer {
	void *buf;		/* the first item: the grid's own cells */
	size_t len;		/* bytes in all items: rows * cols * itemsize */
	size_t itemsize;	/* sizeof(double) */
	const char *format;	/* "d", the struct-module code for double */
	int readonly;
	int ndim;		/* 2 */
	ptrdiff_t shape[2];	/* items along each dimension */
	ptrdiff_t strides[2];	/* bytes from one item to the next, per dimension */
};

/* What a consumer asks for, or-ed together (PyBUF_WRITABLE and friends). */
enum {
	GRID_WRITABLE = 1,	/* the consumer will write through the buffer */
	GRID_TRANSPOSED = 2,	/* lend the transposed grid: cols x rows */
};

/*
 * Allocate rows x cols cells, each 0.0, and no exports. Returns 0, or -1
 * with errno EINVAL (a dimension is 0), EOVERFLOW (rows * cols * 8 does not
 * fit in size_t) or ENOMEM.
 */
int grid_init(struct grid *g, size_t rows, size_t cols, int readonly);

/*
 * Lend g out: fill *view so that it describes g's own cells (no copy), as
 * rows x cols, or cols x rows with the strides swapped under
 * GRID_TRANSPOSED, and count one export. A GRID_WRITABLE request on a
 * read-only grid is refused: -1 with errno EACCES, and nothing counted.
 */
int grid_getbuffer(struct grid *g, struct grid_buffer *view, int flags);

/*
 * The consumer is done with view: count the export back and clear *view.
 * Releasing when nothing is lent out is a caller's mistake (REQUIRE).
 */
void grid_releasebuffer(struct grid *g, struct grid_buffer *view);

/*
 * Move the cells to a block of rows x cols (realloc: the address may
 * change). Refused while a buffer is lent out: -1 with errno EBUSY, and g
 * untouched. Other errors as grid_init; on any error g is unchanged.
 */
int grid_resize(struct grid *g, size_t rows, size_t cols);

/*
 * Free the cells. Refused while a buffer is lent out: -1 with errno EBUSY,
 * and g untouched. Returns 0 after freeing.
 */
int grid_release(struct grid *g);

#endif
