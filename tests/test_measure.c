/*
 * test_measure.c - the instruments: clock, faults, resident memory, copy
 * counter, checksum.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "checksum.h"
#include "measure.h"

static void the_clock_never_goes_backwards(void **state)
{
	uint64_t last = measure_now_ns();

	(void)state;
	for (int i = 0; i < 100000; i++) {
		uint64_t now = measure_now_ns();

		assert_true(now >= last);
		last = now;
	}
}

/* 64 fresh pages, touched once each: at least 64 minor faults, and the
 * resident memory grows by about 256 KiB. */
static void first_touch_of_fresh_pages_faults_and_grows_memory(void **state)
{
	size_t page = measure_page_size(), n = 64 * page;
	unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct measure_faults before, after;
	size_t rss_before, rss_after;

	(void)state;
	assert_ptr_not_equal(p, MAP_FAILED);
	assert_int_equal(measure_resident_bytes(&rss_before), 0);
	before = measure_faults();
	for (size_t i = 0; i < n; i += page)
		p[i] = 1;
	after = measure_faults();
	assert_int_equal(measure_resident_bytes(&rss_after), 0);
	assert_true(after.minor - before.minor >= 64);
	assert_true(rss_after >= rss_before + 60 * page);
	munmap(p, n);
}

static void the_copy_counter_counts_copies_only(void **state)
{
	char src[100] = "report", dst[100];

	(void)state;
	measure_reset_copied();
	assert_int_equal(measure_bytes_copied(), 0);
	assert_ptr_equal(measure_copy(dst, src, sizeof(src)), dst);
	assert_string_equal(dst, "report");
	measure_count_copied(28);
	assert_int_equal(measure_bytes_copied(), 128);
	measure_count_allocation();
	assert_int_equal(measure_allocations(), 1);
	measure_reset_copied();
	assert_int_equal(measure_bytes_copied(), 0);
	assert_int_equal(measure_allocations(), 0);
}

static void checksum_depends_on_every_byte(void **state)
{
	unsigned char a[77];
	uint64_t base;

	(void)state;
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (unsigned char)(i * 7 + 1);
	base = checksum_bytes(a, sizeof(a));
	assert_int_equal(checksum_bytes(a, 0), 0);
	for (size_t i = 0; i < sizeof(a); i++) {
		a[i] ^= 0x10;
		assert_true(checksum_bytes(a, sizeof(a)) != base);
		a[i] ^= 0x10;
	}
	assert_true(checksum_bytes(a, sizeof(a)) == base);
}

static void checksum_of_known_words_is_their_sum(void **state)
{
	uint64_t w[5] = { 1, 2, 3, 4, 5 };
	unsigned char tail[3] = { 1, 2, 3 };

	(void)state;
	assert_int_equal(checksum_bytes(w, sizeof(w)), 15);
	assert_int_equal(checksum_bytes(tail, 3), 1 + (2 << 8) + (3 << 16));
}

static void available_memory_is_known_and_plausible(void **state)
{
	size_t avail = measure_available_memory();

	(void)state;
	assert_true(avail > ((size_t)16 << 20));
	assert_true(avail < SIZE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_clock_never_goes_backwards),
		cmocka_unit_test(first_touch_of_fresh_pages_faults_and_grows_memory),
		cmocka_unit_test(the_copy_counter_counts_copies_only),
		cmocka_unit_test(checksum_depends_on_every_byte),
		cmocka_unit_test(checksum_of_known_words_is_their_sum),
		cmocka_unit_test(available_memory_is_known_and_plausible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
