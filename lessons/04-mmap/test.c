/*
 * test.c - tests of lesson 04's exercise (exercise.h).
 *
 * `make test` runs them against lessons/04-mmap/solution.c, `make check-04`
 * against your exercise.c. The SIGBUS tests make a real truncated mapping:
 * a 4-page file is mapped, then cut to one page behind the mapping's back.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "exercise.h"
#include "checksum.h"
#include "mappedfile.h"
#include "procmaps.h"

#define PAGE 4096

static char dir[64], file[96];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-lesson-04-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(file, sizeof(file), "%s/report", dir);
	return 0;
}

static int remove_dir(void **state)
{
	(void)state;
	unlink(file);
	rmdir(dir);
	return 0;
}

/* Write n bytes of a pattern to the test file; returns the pattern's sum. */
static uint64_t write_pattern(size_t n)
{
	unsigned char *data = test_malloc(n ? n : 1);
	uint64_t sum;
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 31 + 7);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	sum = checksum_bytes(data, n);
	test_free(data);
	return sum;
}

/* --- 1. sum_by_mapping --------------------------------------------------- */

static void sum_by_mapping_equals_the_sum_of_the_bytes(void **state)
{
	uint64_t expected = write_pattern(3 * PAGE + 5), sum = 0;

	(void)state;
	assert_int_equal(sum_by_mapping(file, &sum), 0);
	assert_int_equal(sum, expected);
}

static void sum_by_mapping_of_an_empty_file_is_zero(void **state)
{
	uint64_t sum = 42;

	(void)state;
	write_pattern(0);
	assert_int_equal(sum_by_mapping(file, &sum), 0);
	assert_int_equal(sum, 0);
}

static void sum_by_mapping_of_a_missing_file_fails_with_enoent(void **state)
{
	uint64_t sum;

	(void)state;
	errno = 0;
	assert_int_equal(sum_by_mapping(file, &sum), -1);
	assert_int_equal(errno, ENOENT);
}

static void sum_by_mapping_leaves_nothing_mapped(void **state)
{
	uint64_t sum;

	(void)state;
	write_pattern(PAGE);
	assert_int_equal(sum_by_mapping(file, &sum), 0);
	assert_int_equal(mappings_of(file), 0);
}

/* --- 2. private_pages ------------------------------------------------------ */

static void private_pages_counts_every_page_touched(void **state)
{
	(void)state;
	assert_int_equal(private_pages(0, 1, PAGE), 1);
	assert_int_equal(private_pages(4095, 2, PAGE), 2);
	assert_int_equal(private_pages(4096, 4096, PAGE), 1);
	assert_int_equal(private_pages(100, 3 * PAGE, PAGE), 4);
	assert_int_equal(private_pages(0, 0, PAGE), 0);
}

static void private_pages_does_not_overflow_near_the_top(void **state)
{
	(void)state;
	assert_int_equal(private_pages(SIZE_MAX - 10, 10, PAGE), 1);
	assert_int_equal(private_pages(SIZE_MAX - PAGE, PAGE, PAGE), 2);
}

/* --- 3. sum_view_guarded --------------------------------------------------- */

/* Map the 4-page test file, then cut the file to one page. */
static struct mappedfile map_then_truncate(void)
{
	struct mappedfile mf;

	write_pattern(4 * PAGE);
	assert_int_equal(mappedfile_open(&mf, file, MAPPEDFILE_READ, 0), 0);
	assert_int_equal(truncate(file, PAGE), 0);
	return mf;
}

static void sum_view_guarded_sums_an_intact_view(void **state)
{
	uint64_t expected = write_pattern(2 * PAGE + 3), sum = 0;
	struct mappedfile mf;

	(void)state;
	assert_int_equal(mappedfile_open(&mf, file, MAPPEDFILE_READ, 0), 0);
	assert_int_equal(sum_view_guarded(mappedfile_view(&mf), &sum), 0);
	assert_int_equal(sum, expected);
	mappedfile_close(&mf);
}

static void sum_view_guarded_survives_a_truncated_file(void **state)
{
	struct mappedfile mf = map_then_truncate();
	uint64_t sum;

	(void)state;
	errno = 0;
	assert_int_equal(sum_view_guarded(mappedfile_view(&mf), &sum), -1);
	assert_int_equal(errno, EFAULT);
	/* the page still backed by the file reads fine */
	assert_int_equal(sum_view_guarded(byteview_slice(mappedfile_view(&mf),
							 0, PAGE), &sum), 0);
	mappedfile_close(&mf);
}

static void marker(int sig)
{
	(void)sig;
}

static void sum_view_guarded_restores_the_previous_handler(void **state)
{
	struct sigaction sa = { .sa_handler = marker }, before, after;
	struct mappedfile mf = map_then_truncate();
	struct byteview v = mappedfile_view(&mf);
	uint64_t sum;

	(void)state;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGBUS, &sa, &before), 0);
	assert_int_equal(sum_view_guarded(byteview_slice(v, 0, PAGE), &sum), 0);
	sigaction(SIGBUS, NULL, &after);
	assert_ptr_equal(after.sa_handler, marker);
	assert_int_equal(sum_view_guarded(v, &sum), -1);
	sigaction(SIGBUS, NULL, &after);
	assert_ptr_equal(after.sa_handler, marker);
	sigaction(SIGBUS, &before, NULL);
	mappedfile_close(&mf);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, make_dir, remove_dir)
	const struct CMUnitTest tests[] = {
		T(sum_by_mapping_equals_the_sum_of_the_bytes),
		T(sum_by_mapping_of_an_empty_file_is_zero),
		T(sum_by_mapping_of_a_missing_file_fails_with_enoent),
		T(sum_by_mapping_leaves_nothing_mapped),
		T(private_pages_counts_every_page_touched),
		T(private_pages_does_not_overflow_near_the_top),
		T(sum_view_guarded_sums_an_intact_view),
		T(sum_view_guarded_survives_a_truncated_file),
		T(sum_view_guarded_restores_the_previous_handler),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
