/*
 * test_benchstats.c - the calibration rule, bench_next_iters: how many
 * operations the next batch tries. (bench_stats is tested with the harness,
 * test_harness.c.) The figures are typed in: nothing is timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "benchstats.h"

#define MIN_NS 5000000u	/* the harness's 5 ms */

static void a_batch_long_enough_is_the_one(void **state)
{
	(void)state;
	assert_int_equal(bench_next_iters(1, MIN_NS, MIN_NS), 1);
	assert_int_equal(bench_next_iters(777, 9 * MIN_NS, MIN_NS), 777);
}

static void it_grows_by_the_missing_ratio_with_a_fifth_to_spare(void **state)
{
	(void)state;
	/* A tenth of the time: 10 times, and 20% more. */
	assert_int_equal(bench_next_iters(1000, MIN_NS / 10, MIN_NS), 12000);
	/* A quarter: 4.8 times. */
	assert_int_equal(bench_next_iters(1000, MIN_NS / 4, MIN_NS), 4800);
}

static void it_grows_at_least_twice_and_at_most_a_hundred_times(void **state)
{
	(void)state;
	/* 90% there: 1.33 times would creep; it doubles. */
	assert_int_equal(bench_next_iters(1000, MIN_NS / 10 * 9, MIN_NS), 2000);
	/* A millionth of the time, or no time the clock could see: 100 times. */
	assert_int_equal(bench_next_iters(3, 5, MIN_NS), 300);
	assert_int_equal(bench_next_iters(3, 0, MIN_NS), 300);
}

static void it_stops_growing_past_ten_to_the_fifteen(void **state)
{
	(void)state;
	/* A variant that takes no time: growing would pass 10^15 operations. */
	assert_int_equal(bench_next_iters(20000000000000ull, 0, MIN_NS),
			 20000000000000ull);
	assert_int_equal(bench_next_iters(5000000000000ull, 0, MIN_NS),
			 500000000000000ull);
}

static void zero_operations_is_a_callers_mistake(void **state)
{
	(void)state;
	expect_assert_failure(bench_next_iters(0, 1, MIN_NS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_batch_long_enough_is_the_one),
		cmocka_unit_test(it_grows_by_the_missing_ratio_with_a_fifth_to_spare),
		cmocka_unit_test(it_grows_at_least_twice_and_at_most_a_hundred_times),
		cmocka_unit_test(it_stops_growing_past_ten_to_the_fifteen),
		cmocka_unit_test(zero_operations_is_a_callers_mistake),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
