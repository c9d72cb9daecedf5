/*
 * test_size.c - sizes on the command line: what is accepted, what is refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "size.h"

static void plain_numbers_and_suffixes_are_powers_of_two(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(size_parse("64", &n), 0);
	assert_int_equal(n, 64);
	assert_int_equal(size_parse("4K", &n), 0);
	assert_int_equal(n, 4096);
	assert_int_equal(size_parse("1m", &n), 0);
	assert_int_equal(n, 1 << 20);
	assert_int_equal(size_parse("3G", &n), 0);
	assert_int_equal(n, (size_t)3 << 30);
}

/* text is not a size: -1 with errno err, and *out left as it was. */
static void expect_refused(const char *text, int err)
{
	size_t n = 7;

	errno = 0;
	assert_int_equal(size_parse(text, &n), -1);
	assert_int_equal(errno, err);
	assert_int_equal(n, 7);
}

static void garbage_is_refused_with_einval(void **state)
{
	static const char *const bad[] = {
		"", " 4", "-1", "+1", "4 K", "4KB", "K", "1.5M", "0x10", "4k4",
		"\xff", "1T",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i], EINVAL);
}

static void sizes_beyond_size_max_are_refused_with_erange(void **state)
{
	static const char *const huge[] = {
		"18446744073709551616", "17179869184G",
		"99999999999999999999999999",
	};
	size_t n;

	(void)state;
	assert_int_equal(size_parse("18446744073709551615", &n), 0);
	assert_int_equal(n, SIZE_MAX);
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
		expect_refused(huge[i], ERANGE);
}

/* Found by fuzz/fuzz_size.c: an overflow used to hide the bad suffix. */
static void a_huge_number_with_a_bad_suffix_is_not_a_size(void **state)
{
	(void)state;
	expect_refused("209192121921919212194G1", EINVAL);
	expect_refused("99999999999999999999x", EINVAL);
}

static void a_list_is_split_at_commas(void **state)
{
	size_t out[4], count = 0;

	(void)state;
	assert_int_equal(size_parse_list("64,4K,1M", out, 4, &count), 0);
	assert_int_equal(count, 3);
	assert_int_equal(out[0], 64);
	assert_int_equal(out[1], 4096);
	assert_int_equal(out[2], 1 << 20);
}

static void empty_items_zero_and_too_many_items_are_refused(void **state)
{
	static const char *const bad[] = { "", ",", "64,", ",64", "64,,4K", "0",
					   "64,0", "1,2,3,4,5" };
	size_t out[4], count = 9;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(size_parse_list(bad[i], out, 4, &count), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(count, 9);
	}
}

static void sizes_print_in_binary_units(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(size_format(64, buf, sizeof(buf)), "64 B");
	assert_string_equal(size_format(4096, buf, sizeof(buf)), "4 KiB");
	assert_string_equal(size_format(3 << 19, buf, sizeof(buf)), "1.5 MiB");
	assert_string_equal(size_format((size_t)1 << 30, buf, sizeof(buf)),
			    "1 GiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_numbers_and_suffixes_are_powers_of_two),
		cmocka_unit_test(garbage_is_refused_with_einval),
		cmocka_unit_test(sizes_beyond_size_max_are_refused_with_erange),
		cmocka_unit_test(a_huge_number_with_a_bad_suffix_is_not_a_size),
		cmocka_unit_test(a_list_is_split_at_commas),
		cmocka_unit_test(empty_items_zero_and_too_many_items_are_refused),
		cmocka_unit_test(sizes_print_in_binary_units),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
