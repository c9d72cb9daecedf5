/*
 * test.c - the views and the photocopy of lesson 03.
 *
 * Linked with lessons/03-strides/solution.c by `make test`, and with the
 * learner's exercise.c by `make check-03`. The matrix is 3 x 4 items of
 * 8 bytes, item (i, j) holding 10 * i + j, so every address can be checked
 * by what it points at. "No copy" is pointer identity and the copy counter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "exercise.h"
#include "measure.h"

#define ROWS 3
#define COLS 4

static uint64_t m[ROWS][COLS];

static struct strideview matrix(void)
{
	struct strideview v;

	for (size_t i = 0; i < ROWS; i++)
		for (size_t j = 0; j < COLS; j++)
			m[i][j] = 10 * i + j;
	assert_int_equal(strideview_init_contiguous(&v, m, sizeof(m), 8, 2,
						    (size_t[]){ ROWS, COLS }), 0);
	measure_reset_copied();
	return v;
}

static const void *at1(struct strideview v, size_t i)
{
	return strideview_at(v, (size_t[]){ i });
}

/*
 * v is a line through the matrix, one item a row: item i is m[i][col + i * step]
 * (a column steps 0 columns a row, the diagonal 1).
 */
static void expect_line(struct strideview v, size_t col, size_t step)
{
	assert_int_equal(v.ndim, 1);
	assert_int_equal(v.shape[0], ROWS);
	for (size_t i = 0; i < ROWS; i++)
		assert_ptr_equal(at1(v, i), &m[i][col + i * step]);
}

static void column_view_points_into_the_matrix(void **state)
{
	(void)state;
	expect_line(column_view(matrix(), 2), 2, 0);
}

static void column_view_copies_nothing(void **state)
{
	struct strideview c = column_view(matrix(), 0);

	(void)state;
	assert_int_equal(c.ndim, 1);
	assert_int_equal(c.strides[0], COLS * 8);
	assert_int_equal(measure_bytes_copied(), 0);
}

static void upside_down_starts_at_the_last_row(void **state)
{
	struct strideview u = upside_down(matrix());

	(void)state;
	assert_int_equal(u.ndim, 2);
	assert_int_equal(u.shape[0], ROWS);
	assert_int_equal(u.strides[0], -COLS * 8);
	for (size_t i = 0; i < ROWS; i++)
		for (size_t j = 0; j < COLS; j++)
			assert_ptr_equal(strideview_at(u, (size_t[]){ i, j }),
					 &m[ROWS - 1 - i][j]);
}

static void upside_down_twice_is_the_original(void **state)
{
	struct strideview v = matrix(), u = upside_down(upside_down(v));

	(void)state;
	assert_ptr_equal(u.data, v.data);
	assert_int_equal(u.strides[0], v.strides[0]);
	assert_int_equal(measure_bytes_copied(), 0);
}

static void diagonal_steps_one_row_and_one_column(void **state)
{
	struct strideview d = diagonal_view(matrix());

	(void)state;
	expect_line(d, 0, 1);
	assert_int_equal(d.strides[0], COLS * 8 + 8);
}

/* The transpose is 4 x 3: the diagonal is as long as the shorter side. */
static void diagonal_of_a_transpose_is_the_same_items(void **state)
{
	(void)state;
	expect_line(diagonal_view(strideview_transpose(matrix(), 0, 1)), 0, 1);
}

static void pack_matrix_of_a_transpose_is_in_row_order(void **state)
{
	uint64_t out[COLS][ROWS];

	(void)state;
	memset(out, 0xff, sizeof(out));
	assert_ptr_equal(pack_matrix(out, strideview_transpose(matrix(), 0, 1)),
			 out);
	for (size_t j = 0; j < COLS; j++)
		for (size_t i = 0; i < ROWS; i++)
			assert_int_equal(out[j][i], 10 * i + j);
}

static void pack_matrix_counts_every_byte(void **state)
{
	uint64_t out[ROWS][COLS];

	(void)state;
	pack_matrix(out, upside_down(matrix()));
	assert_int_equal(out[0][0], 10 * (ROWS - 1));
	assert_int_equal(measure_bytes_copied(), sizeof(out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(column_view_points_into_the_matrix),
		cmocka_unit_test(column_view_copies_nothing),
		cmocka_unit_test(upside_down_starts_at_the_last_row),
		cmocka_unit_test(upside_down_twice_is_the_original),
		cmocka_unit_test(diagonal_steps_one_row_and_one_column),
		cmocka_unit_test(diagonal_of_a_transpose_is_the_same_items),
		cmocka_unit_test(pack_matrix_of_a_transpose_is_in_row_order),
		cmocka_unit_test(pack_matrix_counts_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
