/*
 * test.c - the exercise of lesson 02: split a line into views,
 * add up a column in place, and tell whether a view lies inside another.
 * `make test` runs these against solution.c, `make check-02` against the
 * learner's exercise.c. Hints, by test name: lessons/02-views/hints.md.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exercise.h"
#include "measure.h"
#include "records.h"

static struct byteview text(const char *s)
{
	return byteview_from_string(s);
}

/* --- split_fields -------------------------------------------------------------- */

static void split_fields_points_into_the_line(void **state)
{
	const char *s = "ann,oslo,4711";
	struct byteview f[3];

	(void)state;
	measure_reset_copied();
	assert_int_equal(split_fields(text(s), ',', f, 3), 3);
	assert_ptr_equal(f[0].data, s);
	assert_int_equal(f[0].len, 3);
	assert_ptr_equal(f[1].data, s + 4);
	assert_int_equal(f[1].len, 4);
	assert_ptr_equal(f[2].data, s + 9);
	assert_int_equal(f[2].len, 4);
	assert_int_equal(measure_bytes_copied(), 0);
}

static void split_fields_keeps_empty_fields(void **state)
{
	struct byteview f[3];

	(void)state;
	assert_int_equal(split_fields(text("a,,b"), ',', f, 3), 3);
	assert_int_equal(f[1].len, 0);
	assert_true(byteview_equal(f[2], text("b")));
	assert_int_equal(split_fields(text(","), ',', f, 3), 2);
	assert_int_equal(f[0].len + f[1].len, 0);
}

static void split_fields_of_an_empty_line_is_one_empty_field(void **state)
{
	struct byteview f[2];

	(void)state;
	assert_int_equal(split_fields(text(""), ',', f, 2), 1);
	assert_int_equal(f[0].len, 0);
}

static void split_fields_counts_past_max_and_stores_only_max(void **state)
{
	struct byteview f[3], sentinel = text("untouched");

	(void)state;
	f[2] = sentinel;
	assert_int_equal(split_fields(text("a,b,c,d"), ',', f, 2), 4);
	assert_true(byteview_equal(f[0], text("a")));
	assert_true(byteview_equal(f[1], text("b")));
	assert_ptr_equal(f[2].data, sentinel.data);
	assert_int_equal(split_fields(text("a,b"), ',', NULL, 0), 2);
}

/* --- sum_column ---------------------------------------------------------------------- */

static int64_t summed(const char *s, size_t column)
{
	int64_t sum = -1;

	assert_int_equal(sum_column(text(s), column, &sum), 0);
	return sum;
}

static void sum_column_adds_up_one_column(void **state)
{
	(void)state;
	assert_int_equal(summed("1,10\n2,20\n3,30\n", 0), 6);
	assert_int_equal(summed("1,10\n2,20\n3,30\n", 1), 60);
	assert_int_equal(summed("1,-10\n2,20", 1), 10);
}

static void sum_column_trims_and_skips_empty_lines(void **state)
{
	(void)state;
	assert_int_equal(summed(" 5 ,x\n\n\t7,y\r\n\n", 0), 12);
	assert_int_equal(summed("", 3), 0);
}

static void expect_sum_error(const char *s, size_t column, int err)
{
	int64_t sum = 12345;

	errno = 0;
	assert_int_equal(sum_column(text(s), column, &sum), -1);
	assert_int_equal(errno, err);
	assert_int_equal(sum, 12345);
}

static void sum_column_refuses_a_missing_column(void **state)
{
	(void)state;
	expect_sum_error("1,2,3\n4,5\n", 2, EINVAL);
}

static void sum_column_refuses_a_field_that_is_not_a_number(void **state)
{
	(void)state;
	expect_sum_error("1,2\n3,many\n", 1, EINVAL);
	expect_sum_error("1,2\n3,\n", 1, EINVAL);
}

static void sum_column_refuses_a_sum_beyond_int64(void **state)
{
	(void)state;
	expect_sum_error("9223372036854775807\n1\n", 0, ERANGE);
	expect_sum_error("-9223372036854775808\n-1\n", 0, ERANGE);
}

/* The workload's own text: the same total as its query, and no copies. */
static void sum_column_agrees_with_the_workload_and_copies_nothing(void **state)
{
	static unsigned char buf[1 << 16];
	struct records_text gen = records_generate(buf, sizeof(buf), 6);
	struct byteview t = byteview_make(buf, gen.len);
	struct records_table table;
	struct records_answer a;
	int64_t sum;

	(void)state;
	assert_int_equal(records_table_init(&table, gen.records), 0);
	assert_int_equal(records_load_views(&table, t), 0);
	assert_int_equal(records_query(&table, text("x"), &a), 0);
	records_table_release(&table);
	measure_reset_copied();
	assert_int_equal(sum_column(t, RECORDS_AMOUNT, &sum), 0);
	assert_int_equal(sum, a.total);
	assert_int_equal(measure_bytes_copied(), 0);
}

/* --- view_is_inside ------------------------------------------------------------------- */

static void every_slice_is_inside_its_view(void **state)
{
	struct byteview v = text("pages 200 to 250");

	(void)state;
	for (size_t lo = 0; lo <= v.len; lo++)
		for (size_t hi = lo; hi <= v.len; hi++)
			assert_true(view_is_inside(byteview_slice(v, lo, hi), v));
}

static void a_view_of_another_buffer_is_not_inside(void **state)
{
	char a[16] = "report", b[16] = "report";

	(void)state;
	assert_false(view_is_inside(text(b), text(a)));
	assert_false(view_is_inside(text(a), text(b)));
}

static void a_view_that_runs_past_the_end_is_not_inside(void **state)
{
	const char *s = "pages 200 to 250";
	struct byteview whole = text(s);
	struct byteview head = byteview_make(s, 5);

	(void)state;
	assert_false(view_is_inside(whole, head));
	assert_false(view_is_inside(byteview_make(s + 3, 3), head));
	assert_true(view_is_inside(byteview_make(s + 3, 2), head));
	/* a length so large that start + length wraps around */
	assert_false(view_is_inside(byteview_make(s + 1, SIZE_MAX), head));
}

static void an_empty_view_is_inside_up_to_the_end_only(void **state)
{
	const char *s = "pages";
	struct byteview v = text(s);

	(void)state;
	assert_true(view_is_inside(byteview_make(s + 5, 0), v));
	assert_false(view_is_inside(byteview_make(s + 6, 0), v));
	assert_false(view_is_inside(byteview_make(s, 0), byteview_make(s + 1, 2)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_fields_points_into_the_line),
		cmocka_unit_test(split_fields_keeps_empty_fields),
		cmocka_unit_test(split_fields_of_an_empty_line_is_one_empty_field),
		cmocka_unit_test(split_fields_counts_past_max_and_stores_only_max),
		cmocka_unit_test(sum_column_adds_up_one_column),
		cmocka_unit_test(sum_column_trims_and_skips_empty_lines),
		cmocka_unit_test(sum_column_refuses_a_missing_column),
		cmocka_unit_test(sum_column_refuses_a_field_that_is_not_a_number),
		cmocka_unit_test(sum_column_refuses_a_sum_beyond_int64),
		cmocka_unit_test(sum_column_agrees_with_the_workload_and_copies_nothing),
		cmocka_unit_test(every_slice_is_inside_its_view),
		cmocka_unit_test(a_view_of_another_buffer_is_not_inside),
		cmocka_unit_test(a_view_that_runs_past_the_end_is_not_inside),
		cmocka_unit_test(an_empty_view_is_inside_up_to_the_end_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
