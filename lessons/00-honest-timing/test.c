/*
 * test.c - the four tools of lesson 00 (exercise.h), checked
 * exactly: none of them reads a clock, so no test depends on timing. The
 * page-fault tests count faults with getrusage (measure.h), which is exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "checksum.h"
#include "exercise.h"
#include "measure.h"

/* --- honest_median ------------------------------------------------------- */

static void median_of_an_odd_count_is_the_middle_value(void **state)
{
	double x[] = { 50, 10, 30, 20, 40 };

	(void)state;
	assert_float_equal(honest_median(x, 5), 30, 1e-12);
}

static void median_of_an_even_count_is_the_mean_of_the_middle_pair(void **state)
{
	double x[] = { 4, 1, 3, 2 };

	(void)state;
	assert_float_equal(honest_median(x, 4), 2.5, 1e-12);
}

/* A neighbour woke up during one sample: the mean moves, the median not. */
static void one_slow_outlier_does_not_move_the_median(void **state)
{
	double x[] = { 1200, 1210, 1190, 98000, 1205 };

	(void)state;
	assert_float_equal(honest_median(x, 5), 1205, 1e-12);
}

static void the_median_of_nothing_is_refused(void **state)
{
	double x[1] = { 0 };

	(void)state;
	expect_assert_failure(honest_median(x, 0));
}

/* --- honest_per_op_ns ----------------------------------------------------- */

/* 70,000 copies took 82.0 ms per process, none took 0.94 ms. */
static void per_op_cost_is_the_slope_from_zero_to_n_operations(void **state)
{
	(void)state;
	assert_float_equal(honest_per_op_ns(82.0e6, 0.94e6, 70000),
			   1158.0, 1e-9);
}

/* One 1.2 us copy per process, against a start-up that jitters by 0.1 ms. */
static void work_smaller_than_the_noise_can_come_out_negative(void **state)
{
	(void)state;
	assert_true(honest_per_op_ns(0.93e6, 0.94e6, 1) < 0);
}

static void zero_operations_is_refused(void **state)
{
	(void)state;
	expect_assert_failure(honest_per_op_ns(1e6, 1e6, 0));
}

/* --- honest_is_linear ----------------------------------------------------- */

static void doubling_within_the_tolerance_is_linear(void **state)
{
	(void)state;
	assert_true(honest_is_linear(5.0e6, 10.03e6, 0.02));
	assert_true(honest_is_linear(5.0e6, 9.97e6, 0.02));
}

static void a_batch_that_does_not_double_is_not_linear(void **state)
{
	(void)state;
	/* A fixed overhead hides in the batch: 1 + 4 vs 1 + 8. */
	assert_false(honest_is_linear(5.0e6, 9.0e6, 0.02));
	/* The compiler deleted half the work, or a fault storm hit once. */
	assert_false(honest_is_linear(5.0e6, 12.0e6, 0.02));
}

/* Tolerance 0.02 is 2% of 2 (1.96 to 2.04), not 2 +- 0.02 (1.98 to 2.02). */
static void the_tolerance_is_a_fraction_of_two_not_an_absolute_margin(void **state)
{
	(void)state;
	assert_true(honest_is_linear(1.0e6, 2.03e6, 0.02));
	assert_true(honest_is_linear(1.0e6, 1.97e6, 0.02));
	assert_false(honest_is_linear(1.0e6, 2.05e6, 0.02));
	/* A wide tolerance shows it plainly: 1 to 3, not 1.5 to 2.5. */
	assert_true(honest_is_linear(1.0e6, 2.9e6, 0.5));
	assert_true(honest_is_linear(1.0e6, 1.1e6, 0.5));
}

static void a_zero_time_is_refused(void **state)
{
	(void)state;
	expect_assert_failure(honest_is_linear(0, 1, 0.02));
}

/* --- honest_prefault ------------------------------------------------------ */

#define PAGES 64

static unsigned char *fresh_pages(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_ptr_not_equal(p, MAP_FAILED);
	return p;
}

static void after_prefault_writing_every_byte_does_not_fault(void **state)
{
	size_t n = PAGES * measure_page_size();
	unsigned char *p = fresh_pages(n);
	long before, during, after;

	(void)state;
	before = measure_faults().minor;
	assert_int_equal(honest_prefault(p, n), PAGES);
	during = measure_faults().minor;
	memset(p, 0x5a, n);
	after = measure_faults().minor;
	assert_true(during - before >= PAGES);	/* the faults came here... */
	assert_int_equal(after - during, 0);	/* ...and not here */
	munmap(p, n);
}

static void prefault_keeps_the_bytes_as_they_were(void **state)
{
	size_t n = PAGES * measure_page_size();
	unsigned char *p = fresh_pages(n);
	uint64_t sum;

	(void)state;
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + 1);
	sum = checksum_bytes(p, n);
	honest_prefault(p, n);
	assert_int_equal(checksum_bytes(p, n), sum);
	munmap(p, n);
}

static void a_partial_last_page_counts_as_a_page(void **state)
{
	size_t page = measure_page_size();
	unsigned char *p = fresh_pages(3 * page);

	(void)state;
	assert_int_equal(honest_prefault(p, 2 * page + 1), 3);
	assert_int_equal(honest_prefault(p, 0), 0);
	munmap(p, 3 * page);
}

static void an_address_inside_a_page_is_refused(void **state)
{
	size_t page = measure_page_size();
	unsigned char *p = fresh_pages(2 * page);

	(void)state;
	expect_assert_failure(honest_prefault(p + 1, page));
	munmap(p, 2 * page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(median_of_an_odd_count_is_the_middle_value),
		cmocka_unit_test(median_of_an_even_count_is_the_mean_of_the_middle_pair),
		cmocka_unit_test(one_slow_outlier_does_not_move_the_median),
		cmocka_unit_test(the_median_of_nothing_is_refused),
		cmocka_unit_test(per_op_cost_is_the_slope_from_zero_to_n_operations),
		cmocka_unit_test(work_smaller_than_the_noise_can_come_out_negative),
		cmocka_unit_test(zero_operations_is_refused),
		cmocka_unit_test(doubling_within_the_tolerance_is_linear),
		cmocka_unit_test(a_batch_that_does_not_double_is_not_linear),
		cmocka_unit_test(the_tolerance_is_a_fraction_of_two_not_an_absolute_margin),
		cmocka_unit_test(a_zero_time_is_refused),
		cmocka_unit_test(after_prefault_writing_every_byte_does_not_fault),
		cmocka_unit_test(prefault_keeps_the_bytes_as_they_were),
		cmocka_unit_test(a_partial_last_page_counts_as_a_page),
		cmocka_unit_test(an_address_inside_a_page_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
