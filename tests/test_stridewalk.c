/*
 * test_stridewalk.c - the walks, tours and products lesson 03 times, on
 * data small enough to check by hand. Nothing here is timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "measure.h"
#include "stridewalk.h"

#define N 5

static void sum_reads_every_item_of_the_view(void **state)
{
	uint64_t x[10];
	struct strideview v;

	(void)state;
	for (size_t i = 0; i < 10; i++)
		x[i] = i;
	assert_int_equal(strideview_init_contiguous(&v, x, sizeof(x), 8, 1,
						    (size_t[]){ 10 }), 0);
	assert_int_equal(stridewalk_sum(v), 45);
	assert_int_equal(stridewalk_sum(strideview_slice(v, 0, 9, -1, -3)),
			 9 + 6 + 3 + 0);
}

static void dot_of_a_row_and_a_column(void **state)
{
	double m[2][2] = { { 1, 2 }, { 3, 4 } };
	struct strideview v;

	(void)state;
	assert_int_equal(strideview_init_contiguous(&v, m, sizeof(m), 8, 2,
						    (size_t[]){ 2, 2 }), 0);
	/* row 1 (3, 4) . column 1 (2, 4) */
	assert_float_equal(stridewalk_dot(strideview_select(v, 0, 1),
					  strideview_select(v, 1, 1)), 22, 0);
}

/* Views of a tour start on different lines until the buffer is used up. */
static void tour_views_start_on_lines_not_used_before(void **state)
{
	static unsigned char buf[64 << 10];
	struct stridewalk_tour t = stridewalk_tour(buf, sizeof(buf), 512, 16);
	unsigned char seen[sizeof(buf) / 64] = { 0 };

	(void)state;
	assert_int_equal(t.count, (sizeof(buf) / (512 * 16)) * (512 / 64));
	for (size_t q = 0; q < t.count; q++) {
		struct strideview v = stridewalk_tour_view(&t, q);

		for (size_t i = 0; i < v.shape[0]; i++) {
			size_t line = (size_t)((const unsigned char *)
				strideview_at(v, (size_t[]){ i }) - buf) / 64;

			assert_int_equal(seen[line], 0);
			seen[line] = 1;
		}
	}
	assert_ptr_equal(stridewalk_tour_view(&t, t.count).data, buf);
}

/* The view and the packed copy agree, wherever the tour is. */
static void packed_and_viewed_uses_agree_on_the_sum(void **state)
{
	static unsigned char buf[64 << 10];
	uint64_t packed[16], first = 0;
	struct stridewalk_tour a = stridewalk_tour(buf, sizeof(buf), 4096, 16);
	struct stridewalk_tour b = a;
	uint64_t before = measure_bytes_copied();

	(void)state;
	stridewalk_fill(buf, &a);
	for (int use = 0; use < 5; use++) {
		uint64_t x = stridewalk_use_view(&a, 3);

		assert_int_equal(stridewalk_use_packed(&b, 3, packed), x);
		if (use == 0)
			first = x;
		assert_int_equal(x, first);
	}
	assert_int_equal(measure_bytes_copied() - before, 5 * sizeof(packed));
}

static void items_carry_on_across_views(void **state)
{
	static unsigned char buf[4096];
	struct stridewalk_tour t = stridewalk_tour(buf, sizeof(buf), 8, 4);
	uint64_t one = 0;

	(void)state;
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 3 * 8, &(uint64_t){ 7 }, 8);	/* item 3 of view 0 */
	for (int i = 0; i < 4; i++)
		one += stridewalk_items(&t, 1);
	assert_int_equal(one, 7);
	assert_int_equal(t.q, 1);
	assert_int_equal(t.next, 0);
}

/* Two N x N matrices of small whole numbers and their views: every product
 * and every sum is exact. */
static void two_matrices(double a[N][N], double b[N][N], struct strideview *va,
			 struct strideview *vb)
{
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j < N; j++) {
			a[i][j] = (double)(i * 3 + j) - 4;
			b[i][j] = (double)(i * j % 5) - 2;
		}
	assert_int_equal(strideview_init_contiguous(va, a, N * N * 8, 8, 2,
						    (size_t[]){ N, N }), 0);
	assert_int_equal(strideview_init_contiguous(vb, b, N * N * 8, 8, 2,
						    (size_t[]){ N, N }), 0);
}

static void both_products_match_the_textbook_loop(void **state)
{
	double a[N][N], b[N][N], want[N][N], c1[N][N], c2[N][N], bt[N][N];
	struct strideview va, vb;

	(void)state;
	two_matrices(a, b, &va, &vb);
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j < N; j++) {
			want[i][j] = 0;
			for (size_t k = 0; k < N; k++)
				want[i][j] += a[i][k] * b[k][j];
		}
	stridewalk_matmul_by_column(&c1[0][0], va, vb);
	stridewalk_matmul_transposed_copy(&c2[0][0], va, vb, &bt[0][0]);
	assert_memory_equal(c1, want, sizeof(want));
	assert_memory_equal(c2, want, sizeof(want));
	assert_float_equal(bt[1][3], b[3][1], 0);
}

static void bands_of_rows_make_the_same_product(void **state)
{
	double a[N][N], b[N][N], whole[N][N], c1[N][N], c2[N][N], bt[N][N];
	struct strideview va, vb;

	(void)state;
	two_matrices(a, b, &va, &vb);
	stridewalk_matmul_by_column(&whole[0][0], va, vb);
	/* Two bands of B^T, two bands of C, in an order a benchmark might use. */
	stridewalk_transpose_columns(&bt[0][0], vb, 2, N);
	stridewalk_transpose_columns(&bt[0][0], vb, 0, 2);
	for (size_t lo = 0; lo < N; lo += 2) {
		size_t hi = lo + 2 < N ? lo + 2 : N;

		stridewalk_matmul_rows_by_column(&c1[0][0], va, vb, lo, hi);
		stridewalk_matmul_rows_transposed(&c2[0][0], va, &bt[0][0], lo, hi);
	}
	assert_memory_equal(c1, whole, sizeof(whole));
	assert_memory_equal(c2, whole, sizeof(whole));
}

static void a_band_past_the_last_row_is_refused(void **state)
{
	double a[N][N] = { { 0 } }, c[N][N];
	struct strideview va;

	(void)state;
	assert_int_equal(strideview_init_contiguous(&va, a, sizeof(a), 8, 2,
						    (size_t[]){ N, N }), 0);
	expect_assert_failure(stridewalk_matmul_rows_by_column(&c[0][0], va,
							       va, 1, N + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sum_reads_every_item_of_the_view),
		cmocka_unit_test(dot_of_a_row_and_a_column),
		cmocka_unit_test(tour_views_start_on_lines_not_used_before),
		cmocka_unit_test(packed_and_viewed_uses_agree_on_the_sum),
		cmocka_unit_test(items_carry_on_across_views),
		cmocka_unit_test(both_products_match_the_textbook_loop),
		cmocka_unit_test(bands_of_rows_make_the_same_product),
		cmocka_unit_test(a_band_past_the_last_row_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
