/*
 * test.c - lesson 05's exercise: a grid that lends itself out
 * like a Python exporter (lessons/05-python-buffers/exercise.h).
 *
 * Linked with solution.c by `make test` and with exercise.c by
 * `make check-05`. Each fixture makes a 3 x 4 grid whose cell i holds i.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "exercise.h"

static int make_grid(void **state, int readonly)
{
	static struct grid g;

	if (grid_init(&g, 3, 4, readonly) < 0)
		return -1;
	for (size_t i = 0; i < 12; i++)
		g.cells[i] = (double)i;
	*state = &g;
	return 0;
}

static int writable_grid(void **state)
{
	return make_grid(state, 0);
}

static int readonly_grid(void **state)
{
	return make_grid(state, 1);
}

static int release_grid(void **state)
{
	struct grid *g = *state;

	g->exports = 0;	/* a failed test may leave a buffer out */
	return grid_release(g);
}

/* The item at (i, j) of a 2-D buffer, found the way a consumer finds it. */
static double item(const struct grid_buffer *v, ptrdiff_t i, ptrdiff_t j)
{
	const char *p = (const char *)v->buf + i * v->strides[0] +
			j * v->strides[1];
	double d;

	memcpy(&d, p, sizeof(d));
	return d;
}

/* A 2-D buffer of rows x cols items, its strides in bytes. */
static void expect_layout(const struct grid_buffer *v, ptrdiff_t rows,
			  ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride)
{
	assert_int_equal(v->shape[0], rows);
	assert_int_equal(v->shape[1], cols);
	assert_int_equal(v->strides[0], row_stride);
	assert_int_equal(v->strides[1], col_stride);
}

static void init_refuses_a_zero_dimension(void **state)
{
	struct grid g;

	(void)state;
	errno = 0;
	assert_int_equal(grid_init(&g, 0, 4, 0), -1);
	assert_int_equal(errno, EINVAL);
}

static void init_refuses_a_size_that_overflows(void **state)
{
	struct grid g;

	(void)state;
	errno = 0;
	assert_int_equal(grid_init(&g, SIZE_MAX / 4, 4, 0), -1);
	assert_int_equal(errno, EOVERFLOW);
}

static void a_buffer_points_at_the_cells_themselves(void **state)
{
	struct grid *g = *state;
	struct grid_buffer v;

	assert_int_equal(grid_getbuffer(g, &v, 0), 0);
	assert_ptr_equal(v.buf, g->cells);
	grid_releasebuffer(g, &v);
}

static void a_buffer_describes_rows_of_doubles(void **state)
{
	struct grid *g = *state;
	struct grid_buffer v;

	assert_int_equal(grid_getbuffer(g, &v, 0), 0);
	assert_int_equal(v.ndim, 2);
	expect_layout(&v, 3, 4, 4 * sizeof(double), sizeof(double));
	assert_int_equal(v.itemsize, sizeof(double));
	assert_int_equal(v.len, 12 * sizeof(double));
	assert_string_equal(v.format, "d");
	assert_true(item(&v, 1, 2) == 6.0);
	grid_releasebuffer(g, &v);
}

static void a_transposed_buffer_swaps_shape_and_strides(void **state)
{
	struct grid *g = *state;
	struct grid_buffer v;

	assert_int_equal(grid_getbuffer(g, &v, GRID_TRANSPOSED), 0);
	assert_ptr_equal(v.buf, g->cells);
	expect_layout(&v, 4, 3, sizeof(double), 4 * sizeof(double));
	assert_true(item(&v, 2, 1) == 6.0);
	grid_releasebuffer(g, &v);
}

static void a_readonly_grid_lends_readonly_buffers(void **state)
{
	struct grid *g = *state;
	struct grid_buffer v;

	assert_int_equal(grid_getbuffer(g, &v, 0), 0);
	assert_int_equal(v.readonly, 1);
	grid_releasebuffer(g, &v);
}

static void a_writable_request_on_a_readonly_grid_is_refused(void **state)
{
	struct grid *g = *state;
	struct grid_buffer v;

	errno = 0;
	assert_int_equal(grid_getbuffer(g, &v, GRID_WRITABLE), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(g->exports, 0);
}

static void every_buffer_lent_is_counted_until_released(void **state)
{
	struct grid *g = *state;
	struct grid_buffer a, b;

	assert_int_equal(grid_getbuffer(g, &a, 0), 0);
	assert_int_equal(grid_getbuffer(g, &b, GRID_WRITABLE), 0);
	assert_int_equal(g->exports, 2);
	grid_releasebuffer(g, &a);
	assert_int_equal(g->exports, 1);
	assert_null(a.buf);
	grid_releasebuffer(g, &b);
	assert_int_equal(g->exports, 0);
}

static void releasing_what_was_never_lent_is_a_caller_error(void **state)
{
	struct grid *g = *state;
	struct grid_buffer v = { 0 };

	expect_assert_failure(grid_releasebuffer(g, &v));
}

static void resize_is_refused_while_a_buffer_is_lent(void **state)
{
	struct grid *g = *state;
	struct grid_buffer v;
	double *cells = g->cells;

	assert_int_equal(grid_getbuffer(g, &v, 0), 0);
	errno = 0;
	assert_int_equal(grid_resize(g, 300, 400), -1);
	assert_int_equal(errno, EBUSY);
	assert_ptr_equal(g->cells, cells);
	assert_int_equal(g->rows, 3);
	grid_releasebuffer(g, &v);
}

static void resize_after_release_keeps_the_first_cells(void **state)
{
	struct grid *g = *state;
	struct grid_buffer v;

	assert_int_equal(grid_getbuffer(g, &v, 0), 0);
	grid_releasebuffer(g, &v);
	assert_int_equal(grid_resize(g, 300, 4), 0);
	assert_int_equal(g->rows, 300);
	assert_int_equal(g->cols, 4);
	assert_true(g->cells[11] == 11.0);
}

static void resize_to_an_overflowing_size_leaves_the_grid_alone(void **state)
{
	struct grid *g = *state;

	errno = 0;
	assert_int_equal(grid_resize(g, SIZE_MAX / 2, 3), -1);
	assert_int_equal(errno, EOVERFLOW);
	assert_int_equal(g->rows, 3);
	assert_true(g->cells[11] == 11.0);
}

static void release_is_refused_while_a_buffer_is_lent(void **state)
{
	struct grid *g = *state;
	struct grid_buffer v;

	assert_int_equal(grid_getbuffer(g, &v, 0), 0);
	errno = 0;
	assert_int_equal(grid_release(g), -1);
	assert_int_equal(errno, EBUSY);
	assert_non_null(g->cells);
	assert_true(item(&v, 2, 3) == 11.0);
	grid_releasebuffer(g, &v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_refuses_a_zero_dimension),
		cmocka_unit_test(init_refuses_a_size_that_overflows),
		cmocka_unit_test_setup_teardown(a_buffer_points_at_the_cells_themselves, writable_grid, release_grid),
		cmocka_unit_test_setup_teardown(a_buffer_describes_rows_of_doubles, writable_grid, release_grid),
		cmocka_unit_test_setup_teardown(a_transposed_buffer_swaps_shape_and_strides, writable_grid, release_grid),
		cmocka_unit_test_setup_teardown(a_readonly_grid_lends_readonly_buffers, readonly_grid, release_grid),
		cmocka_unit_test_setup_teardown(a_writable_request_on_a_readonly_grid_is_refused, readonly_grid, release_grid),
		cmocka_unit_test_setup_teardown(every_buffer_lent_is_counted_until_released, writable_grid, release_grid),
		cmocka_unit_test_setup_teardown(releasing_what_was_never_lent_is_a_caller_error, writable_grid, release_grid),
		cmocka_unit_test_setup_teardown(resize_is_refused_while_a_buffer_is_lent, writable_grid, release_grid),
		cmocka_unit_test_setup_teardown(resize_after_release_keeps_the_first_cells, writable_grid, release_grid),
		cmocka_unit_test_setup_teardown(resize_to_an_overflowing_size_leaves_the_grid_alone, writable_grid, release_grid),
		cmocka_unit_test_setup_teardown(release_is_refused_while_a_buffer_is_lent, writable_grid, release_grid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
