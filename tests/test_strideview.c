/*
 * test_strideview.c - strided views: the proof at construction, the views
 * of views, the addresses of items, and the one copy.
 *
 * Most tests use a 3 x 4 matrix of 8-byte items whose item (i, j) holds
 * 10 * i + j, so an address can be checked by what it points at. The last
 * test is a property test: thousands of random shapes, strides and slices,
 * each checked against a plain model that lists every index's byte offset.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "measure.h"
#include "strideview.h"

#define ROWS 3
#define COLS 4

static uint64_t matrix[ROWS][COLS];

static struct strideview matrix_view(void)
{
	struct strideview v;
	size_t shape[] = { ROWS, COLS };

	for (size_t i = 0; i < ROWS; i++)
		for (size_t j = 0; j < COLS; j++)
			matrix[i][j] = 10 * i + j;
	assert_int_equal(strideview_init_contiguous(&v, matrix, sizeof(matrix),
						    8, 2, shape), 0);
	return v;
}

/* The value of a 1-D view's item i, read through its address. */
static uint64_t item1(struct strideview v, size_t i)
{
	uint64_t x;

	memcpy(&x, strideview_at(v, (size_t[]){ i }), sizeof(x));
	return x;
}

/* strideview_init with these arguments fails with err, and leaves *v alone. */
static void expect_refused(int err, const void *buf, size_t len, size_t offset,
			   size_t itemsize, size_t ndim, const size_t shape[],
			   const ptrdiff_t strides[])
{
	struct strideview v = { 0 };

	errno = 0;
	assert_int_equal(strideview_init(&v, buf, len, offset, itemsize, ndim,
					 shape, strides), -1);
	assert_int_equal(errno, err);
	assert_null(v.data);
}

/* --- Making views ------------------------------------------------------------ */

static void contiguous_matrix_has_row_major_strides(void **state)
{
	struct strideview v = matrix_view();

	(void)state;
	assert_ptr_equal(v.data, matrix);
	assert_int_equal(v.ndim, 2);
	assert_int_equal(v.strides[0], COLS * 8);
	assert_int_equal(v.strides[1], 8);
	assert_int_equal(strideview_count(v), ROWS * COLS);
	assert_int_equal(strideview_nbytes(v), sizeof(matrix));
	assert_true(strideview_is_contiguous(v));
}

static void item_address_is_data_plus_index_times_stride(void **state)
{
	struct strideview v = matrix_view();

	(void)state;
	for (size_t i = 0; i < ROWS; i++)
		for (size_t j = 0; j < COLS; j++)
			assert_ptr_equal(strideview_at(v, (size_t[]){ i, j }),
					 &matrix[i][j]);
}

static void view_reaching_past_the_end_is_refused(void **state)
{
	unsigned char buf[64] = { 0 };
	struct strideview v = { 0 };
	size_t shape[] = { 8 };
	ptrdiff_t strides[] = { 8 };

	(void)state;
	assert_int_equal(strideview_init(&v, buf, 64, 0, 8, 1, shape, strides), 0);
	expect_refused(ERANGE, buf, 63, 0, 8, 1, shape, strides);
	expect_refused(ERANGE, buf, 64, 1, 8, 1, shape, strides);
}

static void negative_stride_reaching_before_the_start_is_refused(void **state)
{
	unsigned char buf[64] = { 0 };
	struct strideview v = { 0 };
	size_t shape[] = { 8 };
	ptrdiff_t strides[] = { -8 };

	(void)state;
	assert_int_equal(strideview_init(&v, buf, 64, 56, 8, 1, shape, strides), 0);
	assert_ptr_equal(v.data, buf + 56);
	assert_ptr_equal(strideview_at(v, (size_t[]){ 7 }), buf);
	expect_refused(ERANGE, buf, 64, 55, 8, 1, shape, strides);
}

static void bad_itemsize_ndim_or_buffer_is_refused(void **state)
{
	unsigned char buf[8] = { 0 };
	size_t shape[STRIDEVIEW_MAX_DIMS + 1] = { 1, 1, 1, 1, 1 };
	ptrdiff_t strides[STRIDEVIEW_MAX_DIMS + 1] = { 0 };

	(void)state;
	expect_refused(EINVAL, buf, 8, 0, 0, 1, shape, strides);
	expect_refused(EINVAL, buf, 8, 0, 1, STRIDEVIEW_MAX_DIMS + 1, shape,
		       strides);
	expect_refused(EINVAL, NULL, 8, 0, 1, 1, shape, strides);
}

static void stride_times_shape_that_overflows_is_refused(void **state)
{
	unsigned char buf[64] = { 0 };
	size_t shape[] = { 3 };
	ptrdiff_t strides[] = { PTRDIFF_MAX / 2 + 1 };

	(void)state;
	expect_refused(EOVERFLOW, buf, 64, 0, 1, 1, shape, strides);
}

/* Two dimensions whose extents fit one by one but not added together. */
static void extents_whose_sum_overflows_are_refused(void **state)
{
	unsigned char buf[64] = { 0 };
	size_t shape[] = { 2, 2 };
	ptrdiff_t strides[] = { PTRDIFF_MAX / 2 + 1, PTRDIFF_MAX / 2 + 1 };

	(void)state;
	expect_refused(EOVERFLOW, buf, 64, 0, 1, 2, shape, strides);
}

/* A zero stride repeats one item: legal, but the packed size may not fit. */
static void packed_size_that_overflows_is_refused(void **state)
{
	uint64_t one = 7;
	struct strideview v = { 0 };
	size_t shape[] = { (size_t)1 << 61 };
	ptrdiff_t strides[] = { 0 };

	(void)state;
	expect_refused(EOVERFLOW, &one, 8, 0, 8, 1, shape, strides);
	shape[0] = 1000;
	assert_int_equal(strideview_init(&v, &one, 8, 0, 8, 1, shape, strides), 0);
	assert_int_equal(item1(v, 999), 7);
}

static void empty_view_at_the_end_of_the_buffer_is_allowed(void **state)
{
	unsigned char buf[16] = { 0 };
	struct strideview v = { 0 };
	size_t shape[] = { 0, 5 };
	ptrdiff_t strides[] = { 8, 1000 };

	(void)state;
	assert_int_equal(strideview_init(&v, buf, 16, 16, 8, 2, shape, strides), 0);
	assert_int_equal(strideview_count(v), 0);
	expect_refused(ERANGE, buf, 16, 17, 8, 2, shape, strides);
}

/*
 * numpy/numpy#32219: as_strided let NumPy build a 5-item view with a stride
 * of 2^62 over 1024 bytes, and slicing it with step 3 multiplied the stride
 * into a negative number, so reading it crashed. Here the view is refused
 * when it is made: its last item would be 2^64 bytes away.
 */
static void numpy_32219_a_view_with_a_huge_stride_is_refused(void **state)
{
	unsigned char buf[1024] = { 0 };
	size_t shape[] = { 5 }, square[] = { 4, 4 };
	ptrdiff_t strides[] = { (ptrdiff_t)1 << 62 }, square_strides[] = {
		(ptrdiff_t)1 << 62, 1 };

	(void)state;
	expect_refused(EOVERFLOW, buf, sizeof(buf), 0, 1, 1, shape, strides);
	expect_refused(EOVERFLOW, buf, sizeof(buf), 0, 1, 2, square,
		       square_strides);
	shape[0] = 2;	/* fits in ptrdiff_t, but lands 2^62 bytes away */
	expect_refused(ERANGE, buf, sizeof(buf), 0, 1, 1, shape, strides);
}

/*
 * The stride of a dimension with one item is never used, so any value is a
 * valid view. Slicing it with step 3 must not multiply 2^62 by 3.
 */
static void numpy_32219_slicing_a_huge_stride_does_not_wrap(void **state)
{
	unsigned char buf[1024] = { 0 };
	struct strideview v, s;
	size_t shape[] = { 1 };
	ptrdiff_t strides[] = { (ptrdiff_t)1 << 62 };

	(void)state;
	assert_int_equal(strideview_init(&v, buf, sizeof(buf), 0, 1, 1, shape,
					 strides), 0);
	s = strideview_slice(v, 0, 0, 1, 3);
	assert_int_equal(s.shape[0], 1);
	assert_true(s.strides[0] > 0);
	assert_ptr_equal(strideview_at(s, (size_t[]){ 0 }), buf);
}

/* --- Views of views ---------------------------------------------------------- */

static void a_column_is_a_view_of_the_same_bytes(void **state)
{
	struct strideview col;
	uint64_t before = measure_bytes_copied();

	(void)state;
	col = strideview_select(matrix_view(), 1, 2);
	assert_int_equal(col.ndim, 1);
	assert_int_equal(col.shape[0], ROWS);
	assert_int_equal(col.strides[0], COLS * 8);
	for (size_t i = 0; i < ROWS; i++)
		assert_ptr_equal(strideview_at(col, (size_t[]){ i }), &matrix[i][2]);
	assert_false(strideview_is_contiguous(col));
	assert_int_equal(measure_bytes_copied(), before);
}

static void a_row_is_a_contiguous_view(void **state)
{
	struct strideview row = strideview_select(matrix_view(), 0, 1);

	(void)state;
	assert_ptr_equal(row.data, &matrix[1][0]);
	assert_int_equal(row.shape[0], COLS);
	assert_true(strideview_is_contiguous(row));
}

static void every_second_item_doubles_the_stride(void **state)
{
	struct strideview flat, s;
	size_t shape[] = { ROWS * COLS };

	(void)state;
	matrix_view();
	assert_int_equal(strideview_init_contiguous(&flat, matrix, sizeof(matrix),
						    8, 1, shape), 0);
	s = strideview_slice(flat, 0, 1, ROWS * COLS, 2);
	assert_int_equal(s.shape[0], 6);	/* 1, 3, 5, 7, 9, 11 */
	assert_int_equal(s.strides[0], 16);
	assert_int_equal(item1(s, 0), 1);
	assert_int_equal(item1(s, 5), 23);	/* flat item 11 = (2, 3) */
}

static void a_negative_step_walks_backwards(void **state)
{
	struct strideview row = strideview_select(matrix_view(), 0, 2), r;

	(void)state;
	r = strideview_slice(row, 0, COLS - 1, -1, -1);
	assert_int_equal(r.shape[0], COLS);
	assert_int_equal(r.strides[0], -8);
	for (size_t j = 0; j < COLS; j++)
		assert_int_equal(item1(r, j), 20 + COLS - 1 - j);
	r = strideview_slice(row, 0, 3, 0, -2);	/* items 3 and 1 */
	assert_int_equal(r.shape[0], 2);
	assert_int_equal(item1(r, 1), 21);
}

static void transpose_swaps_shape_and_strides(void **state)
{
	struct strideview t = strideview_transpose(matrix_view(), 0, 1);

	(void)state;
	assert_int_equal(t.shape[0], COLS);
	assert_int_equal(t.shape[1], ROWS);
	assert_int_equal(t.strides[0], 8);
	assert_int_equal(t.strides[1], COLS * 8);
	assert_ptr_equal(strideview_at(t, (size_t[]){ 3, 1 }), &matrix[1][3]);
	assert_false(strideview_is_contiguous(t));
}

static void an_empty_slice_keeps_the_data_pointer(void **state)
{
	struct strideview v = matrix_view(), s;

	(void)state;
	s = strideview_slice(v, 1, COLS, COLS, 1);
	assert_int_equal(strideview_count(s), 0);
	assert_ptr_equal(s.data, v.data);
	assert_true(strideview_is_contiguous(s));
}

static void a_slice_past_the_end_is_a_caller_mistake(void **state)
{
	struct strideview v = matrix_view();

	(void)state;
	expect_assert_failure(strideview_slice(v, 1, 0, COLS + 1, 1));
	expect_assert_failure(strideview_slice(v, 1, COLS, -1, -1));
	expect_assert_failure(strideview_slice(v, 1, 0, COLS, 0));
	expect_assert_failure(strideview_slice(v, 2, 0, 1, 1));
}

static void an_index_out_of_range_is_a_caller_mistake(void **state)
{
	struct strideview v = matrix_view();

	(void)state;
	expect_assert_failure(strideview_at(v, (size_t[]){ ROWS, 0 }));
	expect_assert_failure(strideview_select(v, 1, COLS));
	expect_assert_failure(strideview_transpose(v, 0, 2));
}

/* --- The photocopy ----------------------------------------------------------- */

static void pack_of_the_transpose_writes_it_in_c_order(void **state)
{
	struct strideview t = strideview_transpose(matrix_view(), 0, 1);
	uint64_t out[COLS][ROWS];
	uint64_t before = measure_bytes_copied();

	(void)state;
	assert_ptr_equal(strideview_pack(out, t), out);
	for (size_t j = 0; j < COLS; j++)
		for (size_t i = 0; i < ROWS; i++)
			assert_int_equal(out[j][i], 10 * i + j);
	assert_int_equal(measure_bytes_copied() - before, sizeof(out));
}

static void pack_of_a_contiguous_view_is_one_plain_copy(void **state)
{
	struct strideview v = matrix_view();
	uint64_t out[ROWS][COLS];
	uint64_t before = measure_bytes_copied();

	(void)state;
	strideview_pack(out, v);
	assert_memory_equal(out, matrix, sizeof(matrix));
	assert_int_equal(measure_bytes_copied() - before, sizeof(matrix));
}

static void pack_of_an_empty_view_copies_nothing(void **state)
{
	struct strideview s = strideview_slice(matrix_view(), 0, 1, 1, 1);
	uint64_t before = measure_bytes_copied();

	(void)state;
	assert_null(strideview_pack(NULL, s));
	assert_int_equal(measure_bytes_copied(), before);
}

/* --- The property test --------------------------------------------------------- */

/*
 * The model: for each dimension, the byte offset (from the start of the
 * buffer) that each index adds, listed in full, plus a base offset. A slice
 * picks entries from the list, a selection adds one entry to the base, a
 * transpose swaps two lists. No stride arithmetic is shared with the
 * library, so the two can only agree by both being right.
 */
#define MAXN 6

struct model {
	size_t ndim, itemsize;
	ptrdiff_t base;
	size_t shape[STRIDEVIEW_MAX_DIMS];
	ptrdiff_t off[STRIDEVIEW_MAX_DIMS][MAXN];
};

static uint64_t rng = 0x9e3779b97f4a7c15u;

/* xorshift64: a fixed seed, so a failure is the same failure every run. */
static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static ptrdiff_t random_in(ptrdiff_t lo, ptrdiff_t hi)
{
	return lo + (ptrdiff_t)(next_random() % (uint64_t)(hi - lo + 1));
}

static size_t model_count(const struct model *m)
{
	size_t n = 1;

	for (size_t d = 0; d < m->ndim; d++)
		n *= m->shape[d];
	return n;
}

/* Offset of item number k in C order, by decoding k digit by digit. */
static ptrdiff_t model_offset(const struct model *m, size_t k, size_t index[])
{
	ptrdiff_t off = m->base;

	for (size_t d = m->ndim; d-- > 0;) {
		index[d] = k % m->shape[d];
		k /= m->shape[d];
		off += m->off[d][index[d]];
	}
	return off;
}

/* The buffer a random view needs: exactly as large as its items reach. */
static void model_random(struct model *m, ptrdiff_t strides[], size_t *len,
			 size_t *offset)
{
	static const size_t sizes[] = { 1, 2, 4, 8 };
	ptrdiff_t lo = 0, hi = 0;

	m->ndim = (size_t)random_in(0, STRIDEVIEW_MAX_DIMS);
	m->itemsize = sizes[random_in(0, 3)];
	for (size_t d = 0; d < m->ndim; d++) {
		m->shape[d] = (size_t)random_in(1, MAXN);
		strides[d] = random_in(-40, 40);
		for (size_t i = 0; i < m->shape[d]; i++)
			m->off[d][i] = (ptrdiff_t)i * strides[d];
		lo += strides[d] < 0 ? m->off[d][m->shape[d] - 1] : 0;
		hi += strides[d] > 0 ? m->off[d][m->shape[d] - 1] : 0;
	}
	*offset = (size_t)-lo;
	*len = (size_t)(hi - lo) + m->itemsize;
	m->base = (ptrdiff_t)*offset;
}

static void model_slice(struct model *m, size_t dim, ptrdiff_t start,
			ptrdiff_t stop, ptrdiff_t step)
{
	ptrdiff_t kept[MAXN];
	size_t n = 0;

	for (ptrdiff_t i = start; step > 0 ? i < stop : i > stop; i += step)
		kept[n++] = m->off[dim][i];
	/* n may be 0: then nothing of kept is read */
	// cppcheck-suppress uninitvar
	memcpy(m->off[dim], kept, n * sizeof(kept[0]));
	m->shape[dim] = n;
}

static void model_select(struct model *m, size_t dim, size_t i)
{
	m->base += m->off[dim][i];
	for (size_t d = dim; d + 1 < m->ndim; d++) {
		m->shape[d] = m->shape[d + 1];
		memcpy(m->off[d], m->off[d + 1], sizeof(m->off[d]));
	}
	m->ndim--;
}

static void model_transpose(struct model *m, size_t a, size_t b)
{
	ptrdiff_t tmp[MAXN];
	size_t shape = m->shape[a];

	memcpy(tmp, m->off[a], sizeof(tmp));
	memcpy(m->off[a], m->off[b], sizeof(tmp));
	memcpy(m->off[b], tmp, sizeof(tmp));
	m->shape[a] = m->shape[b];
	m->shape[b] = shape;
}

/* One random operation on the view and the model alike. */
static struct strideview random_operation(struct strideview v, struct model *m)
{
	size_t dim = (size_t)random_in(0, (ptrdiff_t)m->ndim - 1);
	ptrdiff_t n = (ptrdiff_t)m->shape[dim], start, stop, step;

	switch (random_in(0, 2)) {
	case 0:
		step = random_in(1, 4) * (random_in(0, 1) ? 1 : -1);
		if (step > 0) {
			start = random_in(0, n);
			stop = random_in(start, n);
		} else {
			start = n ? random_in(0, n - 1) : -1;
			stop = random_in(-1, start);
		}
		model_slice(m, dim, start, stop, step);
		return strideview_slice(v, dim, start, stop, step);
	case 1:
		if (n == 0 || model_count(m) == 0)
			return v;	/* nothing to select */
		start = random_in(0, n - 1);
		model_select(m, dim, (size_t)start);
		return strideview_select(v, dim, (size_t)start);
	default:
		stop = random_in(0, (ptrdiff_t)m->ndim - 1);
		model_transpose(m, dim, (size_t)stop);
		return strideview_transpose(v, dim, (size_t)stop);
	}
}

/* Every item's address, and the packed copy, against the model. */
static void check_against_model(struct strideview v, const struct model *m,
				const unsigned char *buf, size_t len)
{
	size_t count = model_count(m), index[STRIDEVIEW_MAX_DIMS];
	unsigned char packed[1300 * 8];

	assert_int_equal(strideview_count(v), count);
	assert_int_equal(v.ndim, m->ndim);
	for (size_t d = 0; d < m->ndim; d++)
		assert_int_equal(v.shape[d], m->shape[d]);
	assert_true(count * m->itemsize <= sizeof(packed));
	strideview_pack(packed, v);
	for (size_t k = 0; k < count; k++) {
		ptrdiff_t off = model_offset(m, k, index);

		assert_true(off >= 0 && (size_t)off + m->itemsize <= len);
		assert_ptr_equal(strideview_at(v, index), buf + off);
		assert_memory_equal(packed + k * m->itemsize, buf + off,
				    m->itemsize);
	}
}

static void random_views_match_a_plain_model(void **state)
{
	unsigned char buf[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + i / 256);
	for (int round = 0; round < 3000; round++) {
		struct model m;
		struct strideview v;
		ptrdiff_t strides[STRIDEVIEW_MAX_DIMS];
		size_t len, offset;

		model_random(&m, strides, &len, &offset);
		assert_true(len <= sizeof(buf));
		assert_int_equal(strideview_init(&v, buf, len, offset, m.itemsize,
						 m.ndim, m.shape, strides), 0);
		/* one byte less, at either end, and the view is refused */
		assert_int_equal(strideview_init(&v, buf, len - 1, offset,
						 m.itemsize, m.ndim, m.shape,
						 strides), -1);
		if (offset > 0)	/* the buffer starts one byte too late */
			assert_int_equal(strideview_init(&v, buf + 1, len - 1,
							 offset - 1, m.itemsize,
							 m.ndim, m.shape,
							 strides), -1);
		for (int op = (int)random_in(0, 5); op > 0 && m.ndim > 0; op--)
			v = random_operation(v, &m);
		check_against_model(v, &m, buf, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(contiguous_matrix_has_row_major_strides),
		cmocka_unit_test(item_address_is_data_plus_index_times_stride),
		cmocka_unit_test(view_reaching_past_the_end_is_refused),
		cmocka_unit_test(negative_stride_reaching_before_the_start_is_refused),
		cmocka_unit_test(bad_itemsize_ndim_or_buffer_is_refused),
		cmocka_unit_test(stride_times_shape_that_overflows_is_refused),
		cmocka_unit_test(extents_whose_sum_overflows_are_refused),
		cmocka_unit_test(packed_size_that_overflows_is_refused),
		cmocka_unit_test(empty_view_at_the_end_of_the_buffer_is_allowed),
		cmocka_unit_test(numpy_32219_a_view_with_a_huge_stride_is_refused),
		cmocka_unit_test(numpy_32219_slicing_a_huge_stride_does_not_wrap),
		cmocka_unit_test(a_column_is_a_view_of_the_same_bytes),
		cmocka_unit_test(a_row_is_a_contiguous_view),
		cmocka_unit_test(every_second_item_doubles_the_stride),
		cmocka_unit_test(a_negative_step_walks_backwards),
		cmocka_unit_test(transpose_swaps_shape_and_strides),
		cmocka_unit_test(an_empty_slice_keeps_the_data_pointer),
		cmocka_unit_test(a_slice_past_the_end_is_a_caller_mistake),
		cmocka_unit_test(an_index_out_of_range_is_a_caller_mistake),
		cmocka_unit_test(pack_of_the_transpose_writes_it_in_c_order),
		cmocka_unit_test(pack_of_a_contiguous_view_is_one_plain_copy),
		cmocka_unit_test(pack_of_an_empty_view_copies_nothing),
		cmocka_unit_test(random_views_match_a_plain_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
