/*
 * test_byteview.c - views: slicing at every boundary, refusing what lies
 * outside, finding, comparing, trimming, parsing, splitting, and copying
 * nothing while doing it.
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

#include "byteview.h"
#include "measure.h"

static const char report[] = "pages 200 to 250";

static struct byteview text(const char *s)
{
	return byteview_from_string(s);
}

static void assert_view(struct byteview v, const char *want)
{
	assert_int_equal(v.len, strlen(want));
	assert_memory_equal(v.data, want, v.len);
}

/* --- Making and slicing --------------------------------------------------- */

static void identity_slice_is_the_same_view(void **state)
{
	struct byteview v = text(report);
	struct byteview s = byteview_slice(v, 0, v.len);

	(void)state;
	assert_ptr_equal(s.data, v.data);
	assert_int_equal(s.len, v.len);
}

static void every_slice_points_into_the_original(void **state)
{
	struct byteview v = text(report);

	(void)state;
	for (size_t lo = 0; lo <= v.len; lo++) {
		for (size_t hi = lo; hi <= v.len; hi++) {
			struct byteview s = byteview_slice(v, lo, hi);

			assert_ptr_equal(s.data, v.data + lo);
			assert_int_equal(s.len, hi - lo);
		}
	}
}

static void empty_slices_at_both_ends_are_allowed(void **state)
{
	struct byteview v = text(report);

	(void)state;
	assert_int_equal(byteview_slice(v, 0, 0).len, 0);
	assert_ptr_equal(byteview_slice(v, v.len, v.len).data, v.data + v.len);
	assert_int_equal(byteview_slice(v, v.len, v.len).len, 0);
}

static void the_empty_view_of_null_slices_to_itself(void **state)
{
	struct byteview v = byteview_make(NULL, 0);
	struct byteview s = byteview_slice(v, 0, 0);

	(void)state;
	assert_null(s.data);
	assert_int_equal(s.len, 0);
}

static void null_with_a_length_is_refused(void **state)
{
	(void)state;
	expect_assert_failure(byteview_make(NULL, 1));
}

static void a_slice_one_past_the_end_is_refused(void **state)
{
	struct byteview v = text(report);

	(void)state;
	expect_assert_failure(byteview_slice(v, 0, v.len + 1));
	expect_assert_failure(byteview_slice(v, v.len + 1, v.len + 1));
}

static void a_slice_that_ends_before_it_starts_is_refused(void **state)
{
	struct byteview v = text(report);

	(void)state;
	expect_assert_failure(byteview_slice(v, 5, 4));
	expect_assert_failure(byteview_slice(v, v.len, 0));
}

/* hi - lo must not wrap around into a small, plausible length. */
static void overflow_sized_arguments_are_refused(void **state)
{
	struct byteview v = text(report);

	(void)state;
	expect_assert_failure(byteview_slice(v, 1, SIZE_MAX));
	expect_assert_failure(byteview_slice(v, SIZE_MAX, SIZE_MAX));
	expect_assert_failure(byteview_slice(v, SIZE_MAX, 1));
	expect_assert_failure(byteview_at(v, SIZE_MAX));
}

static void at_reads_every_byte_and_refuses_the_end(void **state)
{
	struct byteview v = text(report);

	(void)state;
	for (size_t i = 0; i < v.len; i++)
		assert_int_equal(byteview_at(v, i), (unsigned char)report[i]);
	expect_assert_failure(byteview_at(v, v.len));
	expect_assert_failure(byteview_at(byteview_make(NULL, 0), 0));
}

/* --- Looking inside --------------------------------------------------------- */

static void find_gives_the_first_match(void **state)
{
	(void)state;
	assert_int_equal(byteview_find(text("a,b,c"), ','), 1);
	assert_int_equal(byteview_find(text(",a"), ','), 0);
	assert_int_equal(byteview_find(text("a,"), ','), 1);
}

static void find_gives_the_length_when_absent(void **state)
{
	(void)state;
	assert_int_equal(byteview_find(text("abc"), ','), 3);
	assert_int_equal(byteview_find(byteview_make(NULL, 0), ','), 0);
}

static void find_sees_bytes_past_a_nul(void **state)
{
	static const unsigned char bytes[] = { 'a', 0, 'b', 0xff };

	(void)state;
	assert_int_equal(byteview_find(byteview_make(bytes, 4), 0xff), 3);
}

static void compare_orders_like_a_dictionary(void **state)
{
	(void)state;
	assert_int_equal(byteview_compare(text("abc"), text("abd")), -1);
	assert_int_equal(byteview_compare(text("abd"), text("abc")), 1);
	assert_int_equal(byteview_compare(text("ab"), text("abc")), -1);
	assert_int_equal(byteview_compare(text("abc"), text("ab")), 1);
	assert_int_equal(byteview_compare(text(""), text("")), 0);
	assert_int_equal(byteview_compare(text("abc"), text("abc")), 0);
}

static void compare_treats_bytes_as_unsigned(void **state)
{
	static const unsigned char high[] = { 0xff }, low[] = { 0x01 };

	(void)state;
	assert_int_equal(byteview_compare(byteview_make(high, 1),
					  byteview_make(low, 1)), 1);
}

static void equal_compares_bytes_not_addresses(void **state)
{
	char a[] = "view", b[] = "view";

	(void)state;
	assert_true(byteview_equal(text(a), text(b)));
	assert_false(byteview_equal(text(a), text("vie")));
	assert_false(byteview_equal(text(a), text("viex")));
	assert_true(byteview_equal(byteview_make(NULL, 0), text("")));
}

/* --- Parsing in place ---------------------------------------------------------- */

static void trim_removes_white_space_at_both_ends_only(void **state)
{
	const char *s = " \t 42 kg\r\n";
	struct byteview t = byteview_trim(text(s));

	(void)state;
	assert_view(t, "42 kg");
	assert_ptr_equal(t.data, (const unsigned char *)s + 3);
}

static void trim_of_only_space_is_empty(void **state)
{
	(void)state;
	assert_int_equal(byteview_trim(text(" \n\t ")).len, 0);
	assert_int_equal(byteview_trim(byteview_make(NULL, 0)).len, 0);
}

static void trim_with_nothing_to_trim_is_the_same_view(void **state)
{
	struct byteview v = text("42");
	struct byteview t = byteview_trim(v);

	(void)state;
	assert_ptr_equal(t.data, v.data);
	assert_int_equal(t.len, v.len);
}

static int64_t parsed(const char *s)
{
	int64_t n = -7;

	assert_int_equal(byteview_parse_int64(text(s), &n), 0);
	return n;
}

static void parse_reads_whole_numbers_with_a_sign(void **state)
{
	(void)state;
	assert_int_equal(parsed("0"), 0);
	assert_int_equal(parsed("4711"), 4711);
	assert_int_equal(parsed("-42"), -42);
	assert_int_equal(parsed("+7"), 7);
	assert_int_equal(parsed("007"), 7);
}

static void parse_reaches_both_ends_of_int64(void **state)
{
	(void)state;
	assert_true(parsed("9223372036854775807") == INT64_MAX);
	assert_true(parsed("-9223372036854775808") == INT64_MIN);
}

static void expect_parse_error(const char *s, int err)
{
	int64_t n = 12345;

	errno = 0;
	assert_int_equal(byteview_parse_int64(text(s), &n), -1);
	assert_int_equal(errno, err);
	assert_int_equal(n, 12345);	/* left alone */
}

static void parse_refuses_numbers_beyond_int64(void **state)
{
	(void)state;
	expect_parse_error("9223372036854775808", ERANGE);
	expect_parse_error("-9223372036854775809", ERANGE);
	expect_parse_error("99999999999999999999999999", ERANGE);
}

static void parse_refuses_what_is_not_a_number(void **state)
{
	static const char *const bad[] = {
		"", "-", "+", "1x", " 1", "1 ", "--1", "+-1", "0x10", "1.5",
		"99999999999999999999x",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_parse_error(bad[i], EINVAL);
}

static void parse_stops_at_the_end_of_the_view(void **state)
{
	int64_t n;

	(void)state;
	/* "12" is a view of the first two bytes of "1234" */
	assert_int_equal(byteview_parse_int64(byteview_make("1234", 2), &n), 0);
	assert_int_equal(n, 12);
}

/* --- Splitting ------------------------------------------------------------------ */

/* Split s at delim and check the fields against want, a list ending in NULL. */
static void assert_split(const char *s, char delim, const char *const *want)
{
	struct byteview v = text(s);
	struct byteview_split it = byteview_split_init(v, (unsigned char)delim);
	struct byteview field;
	size_t n = 0;

	while (byteview_split_next(&it, &field)) {
		assert_non_null(want[n]);
		assert_view(field, want[n]);
		assert_true(field.len == 0 || (field.data >= v.data &&
					       field.data + field.len <= v.data + v.len));
		n++;
	}
	assert_null(want[n]);
	assert_false(byteview_split_next(&it, &field));	/* and stays done */
}

static void split_gives_every_field(void **state)
{
	(void)state;
	assert_split("a,bc,d", ',', (const char *const[]){ "a", "bc", "d", NULL });
}

static void split_keeps_empty_fields(void **state)
{
	(void)state;
	assert_split("a,,b", ',', (const char *const[]){ "a", "", "b", NULL });
	assert_split(",", ',', (const char *const[]){ "", "", NULL });
}

static void split_without_a_final_delimiter_ends_at_the_end(void **state)
{
	(void)state;
	assert_split("a,b", ',', (const char *const[]){ "a", "b", NULL });
	assert_split("abc", ',', (const char *const[]){ "abc", NULL });
}

static void split_after_a_final_delimiter_gives_one_empty_field(void **state)
{
	(void)state;
	assert_split("a\nb\n", '\n', (const char *const[]){ "a", "b", "", NULL });
}

static void split_of_the_empty_view_gives_one_empty_field(void **state)
{
	struct byteview_split it = byteview_split_init(byteview_make(NULL, 0), ',');
	struct byteview field;

	(void)state;
	assert_true(byteview_split_next(&it, &field));
	assert_int_equal(field.len, 0);
	assert_false(byteview_split_next(&it, &field));
}

/* --- Copying nothing, and the one copy ------------------------------------------- */

static void views_copy_zero_bytes(void **state)
{
	struct byteview v = text(" 12,34 ,56\n78,90\n"), line, field;
	struct byteview_split lines = byteview_split_init(v, '\n');
	int64_t sum = 0, n;

	(void)state;
	measure_reset_copied();
	while (byteview_split_next(&lines, &line)) {
		struct byteview_split fields = byteview_split_init(line, ',');

		while (byteview_split_next(&fields, &field)) {
			if (byteview_parse_int64(byteview_trim(field), &n) == 0)
				sum += n;
		}
	}
	assert_int_equal(sum, 12 + 34 + 56 + 78 + 90);
	assert_true(byteview_equal(byteview_slice(v, 1, 3), text("12")));
	assert_int_equal(byteview_compare(v, v), 0);
	assert_int_equal(measure_bytes_copied(), 0);
}

static void the_photocopy_is_counted(void **state)
{
	struct byteview v = text(report);
	char dst[sizeof(report)];

	(void)state;
	measure_reset_copied();
	assert_ptr_equal(byteview_copy(dst, v), dst);
	assert_memory_equal(dst, report, v.len);
	assert_int_equal(measure_bytes_copied(), v.len);
	byteview_copy(dst, byteview_make(NULL, 0));
	assert_int_equal(measure_bytes_copied(), v.len);
}

static void a_view_sees_the_owners_changes(void **state)
{
	char owner[] = "draft";
	struct byteview v = byteview_slice(text(owner), 1, 4);

	(void)state;
	assert_view(v, "raf");
	owner[2] = 'o';
	assert_view(v, "rof");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identity_slice_is_the_same_view),
		cmocka_unit_test(every_slice_points_into_the_original),
		cmocka_unit_test(empty_slices_at_both_ends_are_allowed),
		cmocka_unit_test(the_empty_view_of_null_slices_to_itself),
		cmocka_unit_test(null_with_a_length_is_refused),
		cmocka_unit_test(a_slice_one_past_the_end_is_refused),
		cmocka_unit_test(a_slice_that_ends_before_it_starts_is_refused),
		cmocka_unit_test(overflow_sized_arguments_are_refused),
		cmocka_unit_test(at_reads_every_byte_and_refuses_the_end),
		cmocka_unit_test(find_gives_the_first_match),
		cmocka_unit_test(find_gives_the_length_when_absent),
		cmocka_unit_test(find_sees_bytes_past_a_nul),
		cmocka_unit_test(compare_orders_like_a_dictionary),
		cmocka_unit_test(compare_treats_bytes_as_unsigned),
		cmocka_unit_test(equal_compares_bytes_not_addresses),
		cmocka_unit_test(trim_removes_white_space_at_both_ends_only),
		cmocka_unit_test(trim_of_only_space_is_empty),
		cmocka_unit_test(trim_with_nothing_to_trim_is_the_same_view),
		cmocka_unit_test(parse_reads_whole_numbers_with_a_sign),
		cmocka_unit_test(parse_reaches_both_ends_of_int64),
		cmocka_unit_test(parse_refuses_numbers_beyond_int64),
		cmocka_unit_test(parse_refuses_what_is_not_a_number),
		cmocka_unit_test(parse_stops_at_the_end_of_the_view),
		cmocka_unit_test(split_gives_every_field),
		cmocka_unit_test(split_keeps_empty_fields),
		cmocka_unit_test(split_without_a_final_delimiter_ends_at_the_end),
		cmocka_unit_test(split_after_a_final_delimiter_gives_one_empty_field),
		cmocka_unit_test(split_of_the_empty_view_gives_one_empty_field),
		cmocka_unit_test(views_copy_zero_bytes),
		cmocka_unit_test(the_photocopy_is_counted),
		cmocka_unit_test(a_view_sees_the_owners_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
