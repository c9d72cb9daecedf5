/*
 * test_harness.c - the harness's statistics, its CSV, its memory and
 * checksum checks, and the order in which it runs variants.
 *
 * The variants here are fakes that do almost nothing, with a batch length of
 * 0.1 ms so the whole file runs in well under a second. Nothing is asserted
 * about how long anything took.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "folder.h"
#include "harness.h"
#include "measure.h"

#define SCHEMA BENCH_CSV_HEADER "\n"

/* The statistics of the n samples x (bench_stats may reorder them). */
static struct bench_stats stats_of(double *x, size_t n)
{
	struct bench_stats st;

	bench_stats(x, n, &st);
	return st;
}

static void expect_quartiles(struct bench_stats st, double p25, double median,
			     double p75)
{
	assert_float_equal(st.p25, p25, 1e-12);
	assert_float_equal(st.median, median, 1e-12);
	assert_float_equal(st.p75, p75, 1e-12);
}

static void quartiles_interpolate_between_samples(void **state)
{
	double x[] = { 9, 1, 5, 3, 7 };
	struct bench_stats st = stats_of(x, 5);

	(void)state;
	expect_quartiles(st, 3, 5, 7);
	assert_float_equal(st.min, 1, 1e-12);
	assert_float_equal(st.max, 9, 1e-12);
	assert_float_equal(st.mean, 5, 1e-12);
	/* sample standard deviation sqrt(10) over the mean 5 */
	assert_float_equal(st.cv, 0.632455532, 1e-6);
}

static void an_even_count_takes_the_middle_pair(void **state)
{
	double x[] = { 4, 1, 3, 2 };

	(void)state;
	expect_quartiles(stats_of(x, 4), 1.75, 2.5, 3.25);
}

static void one_sample_has_no_spread(void **state)
{
	double x[] = { 42 };
	struct bench_stats st = stats_of(x, 1);

	(void)state;
	expect_quartiles(st, 42, 42, 42);
	assert_float_equal(st.cv, 0, 1e-12);
}

static void times_print_in_the_unit_that_keeps_few_digits(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(bench_format_ns(2.54, buf, sizeof(buf)), "2.5 ns");
	assert_string_equal(bench_format_ns(23000, buf, sizeof(buf)), "23.0 us");
	assert_string_equal(bench_format_ns(97.6e6, buf, sizeof(buf)), "97.6 ms");
	assert_string_equal(bench_format_ns(1.2e9, buf, sizeof(buf)), "1.20 s");
}

/* --- Fake variants ---------------------------------------------------------- */

struct fake {
	char tag;		/* written to the shared log on every batch */
	uint64_t checksum;	/* what run returns */
	size_t alloc;		/* bytes setup allocates and touches */
	void *mem;
};

static char calls[4096];
static size_t ncalls;

static uint64_t fake_run(void *ctx, uint64_t iters)
{
	struct fake *f = ctx;
	for (uint64_t i = 0; i < iters; i++)
		escape(&i);
	if (ncalls < sizeof(calls) - 1)
		calls[ncalls++] = f->tag;
	return f->checksum;
}

static int fake_setup(void *ctx)
{
	struct fake *f = ctx;

	f->mem = f->alloc ? bench_alloc(f->alloc) : NULL;
	return f->alloc && !f->mem ? -1 : 0;
}

static void fake_teardown(void *ctx)
{
	struct fake *f = ctx;

	bench_free(f->mem, f->alloc);
	f->mem = NULL;
}

static struct bench_config quick_config(const char *csv)
{
	struct bench_config cfg = {
		.bench = "99-test", .csv_path = csv, .samples = 11,
		.min_batch_ns = 100000, .nsizes = 1, .sizes = { 4096 },
	};
	return cfg;
}

static char *slurp(const char *path)
{
	static char text[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

/* The fixture of the CSV tests: a fresh folder, "out.csv" in it (folder.h). */
static int csv_folder(void **state)
{
	return folder_make(state, "harness-test", "out.csv");
}

/* Close run: its CSV's text, and nothing else left in the folder. */
static const char *close_and_read(struct bench_run *run, const struct folder *f)
{
	const char *text;

	assert_int_equal(bench_close(run), 0);
	text = slurp(f->file);
	assert_non_null(text);
	assert_int_equal(folder_entries(f), 1);	/* no temporary file left */
	return text;
}

static void variants_are_interleaved_after_one_warm_up(void **state)
{
	struct fake a = { .tag = 'a' }, b = { .tag = 'b' };
	struct bench_variant v[] = {
		{ .name = "a", .run = fake_run, .ctx = &a },
		{ .name = "b", .run = fake_run, .ctx = &b },
	};
	struct bench_config cfg = quick_config("/dev/null");
	struct bench_run *run = bench_open(&cfg, 1);
	const char *timed;

	(void)state;
	ncalls = 0;
	assert_non_null(run);
	assert_int_equal(bench_measure(run, 4096, "", v, 2, NULL), 0);
	calls[ncalls] = '\0';
	/* The tail is: warm-up a, warm-up b, then 11 timed pairs. */
	assert_true(ncalls >= 24);
	timed = calls + ncalls - 24;
	assert_string_equal(timed, "abababababababababababab");
	bench_abandon(run);
}

static void setup_memory_is_measured_as_extra_bytes(void **state)
{
	struct fake big = { .tag = 'c', .alloc = 4 << 20 }, none = { .tag = 'v' };
	struct bench_variant v[] = {
		{ .name = "copy", .run = fake_run, .setup = fake_setup,
		  .teardown = fake_teardown, .ctx = &big },
		{ .name = "view", .run = fake_run, .ctx = &none },
	};
	struct bench_config cfg = quick_config("/dev/null");
	struct bench_run *run = bench_open(&cfg, 1);
	struct bench_result r[2];

	(void)state;
	assert_int_equal(bench_measure(run, 4 << 20, "", v, 2, r), 0);
	assert_true(r[0].extra_bytes >= (size_t)(4 << 20) * 9 / 10);
	assert_true(r[0].extra_bytes <= (size_t)(4 << 20) * 11 / 10);
	assert_int_equal(r[1].extra_bytes, 0);
	assert_null(big.mem);	/* torn down */
	bench_abandon(run);
}

static void disagreeing_checksums_fail_the_measurement(void **state)
{
	struct fake a = { .tag = 'a', .checksum = 1 }, b = { .tag = 'b', .checksum = 2 };
	struct bench_variant v[] = {
		{ .name = "copy+sum", .run = fake_run, .ctx = &a, .reads_data = 1 },
		{ .name = "view+sum", .run = fake_run, .ctx = &b, .reads_data = 1 },
	};
	struct bench_config cfg = quick_config("/dev/null");
	struct bench_run *run = bench_open(&cfg, 1);

	(void)state;
	assert_int_equal(bench_measure(run, 64, "", v, 2, NULL), -1);
	b.checksum = 1;
	assert_int_equal(bench_measure(run, 64, "", v, 2, NULL), 0);
	bench_abandon(run);
}

static void the_csv_appears_whole_only_when_closed(void **state)
{
	struct folder *f = *state;
	struct fake a = { .tag = 'a', .checksum = 7 };
	struct bench_variant v[] = {
		{ .name = "view", .run = fake_run, .ctx = &a, .reads_data = 1,
		  .bytes_per_op = 4096 },
	};
	struct bench_config cfg = quick_config(f->file);
	struct bench_run *run = bench_open(&cfg, 1);
	const char *text;

	assert_int_equal(bench_measure(run, 4096, "k=2;stride=64", v, 1, NULL), 0);
	assert_null(slurp(f->file));		/* not there until closed */
	text = close_and_read(run, f);
	assert_memory_equal(text, SCHEMA, strlen(SCHEMA));
	assert_non_null(strstr(text, "\n99-test,view,4096,k=2;stride=64,11,"));
}

static size_t peer_needed(void *ctx)
{
	(void)ctx;
	return 12345;
}

static void memory_another_process_needed_is_added(void **state)
{
	struct fake a = { .tag = 'a' };
	struct bench_variant v[] = {
		{ .name = "pipe", .run = fake_run, .ctx = &a,
		  .peer_extra_bytes = peer_needed },
	};
	struct bench_config cfg = quick_config("/dev/null");
	struct bench_run *run = bench_open(&cfg, 1);
	struct bench_result r;

	(void)state;
	assert_int_equal(bench_measure(run, 64, "", v, 1, &r), 0);
	assert_true(r.extra_bytes >= 12345 && r.extra_bytes < 12345 + 65536);
	bench_abandon(run);
}

static void a_result_measured_elsewhere_is_written_in_the_schema(void **state)
{
	struct folder *f = *state;
	struct bench_result r = { .variant = "pingpong-pipe", .size = 64,
				  .samples = 1001, .iters = 1, .median_ns = 4700 };
	struct bench_config cfg = quick_config(f->file);
	struct bench_run *run = bench_open(&cfg, 1);
	const char *text;

	assert_int_equal(bench_write_result(run, "p99_ns=6490", &r), 0);
	text = close_and_read(run, f);
	assert_non_null(strstr(text, "\n99-test,pingpong-pipe,64,p99_ns=6490,1001,1,"));
}

static void an_abandoned_run_leaves_no_file(void **state)
{
	struct folder *f = *state;
	struct bench_config cfg = quick_config(f->file);
	struct bench_run *run = bench_open(&cfg, 1);

	assert_non_null(run);
	bench_abandon(run);
	assert_int_equal(folder_entries(f), 0);	/* empty: nothing left */
}

static void a_comma_in_param_is_a_caller_error(void **state)
{
	struct fake a = { .tag = 'a' };
	struct bench_variant v[] = { { .name = "a", .run = fake_run, .ctx = &a } };
	struct bench_config cfg = quick_config("/dev/null");
	struct bench_run *run = bench_open(&cfg, 1);

	(void)state;
	expect_assert_failure(bench_measure(run, 64, "k=1,s=2", v, 1, NULL));
	bench_abandon(run);
}

static void alloc_refuses_more_than_the_machine_has(void **state)
{
	(void)state;
	assert_null(bench_alloc(SIZE_MAX / 2));
	assert_null(bench_alloc(0));
}

/* The largest size decides, and times * size may overflow: refused too. */
static void a_sweep_beyond_memory_or_disk_is_refused(void **state)
{
	struct bench_config cfg = { .bench = "test", .nsizes = 2,
				    .sizes = { 64, SIZE_MAX / 2 } };

	(void)state;
	assert_int_equal(bench_largest_size(&cfg), SIZE_MAX / 2);
	assert_int_equal(bench_check_memory(&cfg, 1), -1);
	assert_int_equal(bench_check_memory(&cfg, 3), -1);	/* overflows */
	assert_int_equal(bench_check_disk(&cfg, ".", 1), -1);
}

static void a_sweep_that_fits_is_accepted(void **state)
{
	struct bench_config cfg = { .bench = "test", .nsizes = 2,
				    .sizes = { 4096, 64 } };

	(void)state;
	assert_int_equal(bench_largest_size(&cfg), 4096);
	assert_int_equal(bench_check_memory(&cfg, 3), 0);
	assert_int_equal(bench_check_disk(&cfg, ".", 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quartiles_interpolate_between_samples),
		cmocka_unit_test(an_even_count_takes_the_middle_pair),
		cmocka_unit_test(one_sample_has_no_spread),
		cmocka_unit_test(times_print_in_the_unit_that_keeps_few_digits),
		cmocka_unit_test(variants_are_interleaved_after_one_warm_up),
		cmocka_unit_test(setup_memory_is_measured_as_extra_bytes),
		cmocka_unit_test(disagreeing_checksums_fail_the_measurement),
		cmocka_unit_test_setup_teardown(the_csv_appears_whole_only_when_closed,
						csv_folder, folder_remove),
		cmocka_unit_test(memory_another_process_needed_is_added),
		cmocka_unit_test_setup_teardown(a_result_measured_elsewhere_is_written_in_the_schema,
						csv_folder, folder_remove),
		cmocka_unit_test_setup_teardown(an_abandoned_run_leaves_no_file,
						csv_folder, folder_remove),
		cmocka_unit_test(a_comma_in_param_is_a_caller_error),
		cmocka_unit_test(alloc_refuses_more_than_the_machine_has),
		cmocka_unit_test(a_sweep_beyond_memory_or_disk_is_refused),
		cmocka_unit_test(a_sweep_that_fits_is_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
