/*
 * test.c - the photocopy and the hand-over of lesson 01.
 *
 * Linked with lessons/01-photocopy/solution.c by `make test`, and with the
 * learner's exercise.c by `make check-01`. "No copy" is proved with pointer
 * identity and the copy counter, "same data" with memcmp: no timings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "exercise.h"
#include "measure.h"

#define PAGES ((size_t)500)

/* The report: page p is filled with the byte p % 251, so pages differ. */
static int report_setup(void **state)
{
	unsigned char *report = test_malloc(PAGES * REPORT_PAGE_SIZE);

	for (size_t p = 0; p < PAGES; p++)
		memset(report + p * REPORT_PAGE_SIZE, (int)(p % 251),
		       REPORT_PAGE_SIZE);
	*state = report;
	measure_reset_copied();
	return 0;
}

static int report_teardown(void **state)
{
	test_free(*state);
	return 0;
}

static void hand_over_points_into_the_original(void **state)
{
	unsigned char *report = *state;
	struct byteview v = hand_over_pages(report, PAGES, 199, 250);

	assert_ptr_equal(v.data, report + 199 * REPORT_PAGE_SIZE);
	assert_int_equal(v.len, 51 * REPORT_PAGE_SIZE);
}

static void hand_over_copies_nothing(void **state)
{
	hand_over_pages(*state, PAGES, 0, PAGES);
	assert_int_equal(measure_bytes_copied(), 0);
}

static void photocopy_is_new_paper_with_the_same_text(void **state)
{
	unsigned char *report = *state;
	unsigned char *copy = photocopy_pages(report, PAGES, 199, 250);
	size_t len = 51 * REPORT_PAGE_SIZE;

	assert_non_null(copy);
	assert_true(copy + len <= report || copy >= report + PAGES * REPORT_PAGE_SIZE);
	assert_memory_equal(copy, report + 199 * REPORT_PAGE_SIZE, len);
	assert_int_equal(measure_bytes_copied(), len);
	photocopy_release(copy);
}

static void an_empty_range_is_allowed(void **state)
{
	unsigned char *report = *state;
	struct byteview v = hand_over_pages(report, PAGES, 7, 7);
	unsigned char *copy = photocopy_pages(report, PAGES, PAGES, PAGES);

	assert_int_equal(v.len, 0);
	assert_non_null(copy);
	assert_int_equal(measure_bytes_copied(), 0);
	photocopy_release(copy);
}

/* The Google Doc: everyone holding the original sees a change to it. */
static void a_change_to_the_original_shows_through_the_view_only(void **state)
{
	unsigned char *report = *state;
	struct byteview v = hand_over_pages(report, PAGES, 199, 250);
	unsigned char *copy = photocopy_pages(report, PAGES, 199, 250);
	size_t at = 10 * REPORT_PAGE_SIZE + 5;	/* page 210 as people count */

	assert_non_null(copy);
	report[199 * REPORT_PAGE_SIZE + at] = 'X';
	assert_int_equal(v.data[at], 'X');
	assert_int_equal(copy[at], 209 % 251);
	photocopy_release(copy);
}

static void pages_past_the_end_are_refused(void **state)
{
	unsigned char *report = *state;

	expect_assert_failure(hand_over_pages(report, PAGES, 450, 501));
	expect_assert_failure(hand_over_pages(report, PAGES, 300, 200));
	expect_assert_failure(photocopy_pages(report, PAGES, 0, SIZE_MAX));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, report_setup, report_teardown)
	const struct CMUnitTest tests[] = {
		T(hand_over_points_into_the_original),
		T(hand_over_copies_nothing),
		T(photocopy_is_new_paper_with_the_same_text),
		T(an_empty_range_is_allowed),
		T(a_change_to_the_original_shows_through_the_view_only),
		T(pages_past_the_end_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
