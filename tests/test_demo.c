/*
 * test_demo.c - predictions: answers parsed by their unit, values printed
 * as people read them, and the predictions file (predictions.h) kept whole
 * through good rows, damaged files and set-aside names already taken.
 *
 * The file tests work in a fresh folder from mkdtemp and remove it; what a
 * person sees at a terminal is tested by tests/test_learner_loop.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "folder.h"
#include "demo.h"
#include "predictions.h"

/* --- Answers --------------------------------------------------------------- */

static double parsed(const char *line, enum demo_unit unit)
{
	const char *why = NULL;
	double v = 0;

	assert_int_equal(demo_parse_answer(line, unit, &v, &why), 1);
	return v;
}

static void refused(const char *line, enum demo_unit unit)
{
	const char *why = NULL;
	double v = 0;

	assert_int_equal(demo_parse_answer(line, unit, &v, &why), -1);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
}

static void a_ratio_is_a_number_with_or_without_x(void **state)
{
	(void)state;
	assert_float_equal(parsed("10\n", DEMO_RATIO), 10, 0);
	assert_float_equal(parsed("  10x \n", DEMO_RATIO), 10, 0);
	assert_float_equal(parsed("0.5 X", DEMO_RATIO), 0.5, 0);
	assert_float_equal(parsed("2e3x", DEMO_RATIO), 2000, 0);
}

static void sizes_and_times_are_kept_in_bytes_and_ns(void **state)
{
	(void)state;
	assert_float_equal(parsed("64 KiB", DEMO_SIZE), 65536, 0);
	assert_float_equal(parsed("1.5M", DEMO_SIZE), 1.5 * 1048576, 0);
	assert_float_equal(parsed("4096 B", DEMO_SIZE), 4096, 0);
	assert_float_equal(parsed("2.5 us", DEMO_TIME), 2500, 0);
	assert_float_equal(parsed("5ms", DEMO_TIME), 5e6, 0);
	assert_float_equal(parsed("1 s", DEMO_TIME), 1e9, 0);
	assert_float_equal(parsed("8", DEMO_COUNT), 8, 0);
}

static void an_empty_answer_is_a_skip(void **state)
{
	const char *why = NULL;
	double v = 0;

	(void)state;
	assert_int_equal(demo_parse_answer("\n", DEMO_RATIO, &v, &why), 0);
	assert_int_equal(demo_parse_answer("", DEMO_TIME, &v, &why), 0);
	assert_int_equal(demo_parse_answer("   \r\n", DEMO_SIZE, &v, &why), 0);
}

static void letters_signs_zero_and_huge_numbers_are_refused(void **state)
{
	(void)state;
	refused("abc", DEMO_RATIO);
	refused("ten", DEMO_COUNT);
	refused("-3", DEMO_RATIO);
	refused("0", DEMO_RATIO);
	refused("0x10", DEMO_RATIO);
	refused("1e999", DEMO_RATIO);
	refused("1e-999", DEMO_RATIO);
	refused("inf", DEMO_RATIO);
	refused("nan", DEMO_TIME);
	refused("10 10", DEMO_RATIO);
	refused("x",
		DEMO_RATIO); /* a unit with no number: the "empty" answer */
	refused("ms", DEMO_TIME);
	refused("1e300 GiB", DEMO_SIZE); /* finite, until scaled */
}

static void a_unit_that_does_not_fit_is_refused(void **state)
{
	const char *why = NULL;
	double v = 0;

	(void)state;
	refused("5 ms", DEMO_RATIO);
	refused("64 KiB", DEMO_TIME);
	refused("10x", DEMO_SIZE);
	refused("3 parsecs", DEMO_TIME);
	refused("8x", DEMO_COUNT);
	refused("64", DEMO_SIZE); /* a size needs its unit */
	refused("5", DEMO_TIME);
	assert_int_equal(demo_parse_answer("5 ms", DEMO_RATIO, &v, &why), -1);
	assert_non_null(strstr(why, "a time"));
}

/* --- Printing and scoring ---------------------------------------------------- */

static void values_print_in_their_unit(void **state)
{
	char buf[48];

	(void)state;
	assert_string_equal(demo_format_value(41, DEMO_RATIO, buf, sizeof(buf)),
			    "41.0x");
	assert_string_equal(
		demo_format_value(4096, DEMO_SIZE, buf, sizeof(buf)), "4 KiB");
	assert_string_equal(
		demo_format_value(2500, DEMO_TIME, buf, sizeof(buf)),
		"2.50 us");
	assert_string_equal(
		demo_format_value(-165e3, DEMO_TIME, buf, sizeof(buf)),
		"-165 us");
	assert_string_equal(demo_format_value(32, DEMO_COUNT, buf, sizeof(buf)),
			    "32");
	assert_string_equal(
		demo_format_value(NAN, DEMO_RATIO, buf, sizeof(buf)),
		"nothing");
}

static void the_factor_off_is_the_same_either_way(void **state)
{
	(void)state;
	assert_float_equal(demo_factor_off(10, 41), 4.1, 1e-12);
	assert_float_equal(demo_factor_off(41, 10), 4.1, 1e-12);
	assert_float_equal(demo_factor_off(3, 3), 1, 0);
	assert_true(isnan(demo_factor_off(1e6, -165e3)));
	assert_true(isnan(demo_factor_off(2, NAN)));
}

/* --- The predictions file ---------------------------------------------------- */

/* The fixture: a fresh folder, and "predictions.csv" in it (folder.h). */
static int predictions_folder(void **state)
{
	return folder_make(state, "test_demo", "predictions.csv");
}

static char *slurp(const char *path)
{
	static char text[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	return text;
}

static void spit(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static const struct prediction guess_10 = {
	.lesson = "01",
	.question = "copy-51-pages",
	.guess = 10,
	.unit = "ratio",
	.measured = 41,
	.factor = 4.1,
};

static void the_first_guess_starts_the_file_with_its_header(void **state)
{
	struct folder *f = *state;
	char aside[256];
	char *text;

	assert_int_equal(
		predictions_append(f->dir, &guess_10, aside, sizeof(aside)), 1);
	assert_string_equal(aside, "");
	text = slurp(f->file);
	assert_memory_equal(text, PREDICTIONS_HEADER "\n",
			    strlen(PREDICTIONS_HEADER) + 1);
	assert_non_null(strstr(text, ",01,copy-51-pages,1,10,ratio,41,4.1\n"));
	assert_true(predictions_valid(text, strlen(text)));
}

static void each_guess_at_a_question_is_the_next_attempt(void **state)
{
	struct folder *f = *state;
	struct prediction other = guess_10;
	char aside[256];

	other.question = "view-256m-vs-4k";
	other.measured = NAN;
	other.factor = NAN;
	assert_int_equal(
		predictions_append(f->dir, &guess_10, aside, sizeof(aside)), 1);
	assert_int_equal(
		predictions_append(f->dir, &other, aside, sizeof(aside)), 1);
	assert_int_equal(
		predictions_append(f->dir, &guess_10, aside, sizeof(aside)), 2);
	assert_non_null(
		strstr(slurp(f->file), ",01,view-256m-vs-4k,1,10,ratio,,\n"));
	assert_int_equal(access(f->file, F_OK), 0);
}

static void a_damaged_file_is_set_aside_never_over_an_earlier_one(void **state)
{
	struct folder *f = *state;
	char aside[256], first[256];

	spit(f->file, "this is not our file\n");
	assert_int_equal(
		predictions_append(f->dir, &guess_10, aside, sizeof(aside)), 1);
	assert_non_null(strstr(aside, "predictions.csv.damaged-1"));
	assert_string_equal(slurp(aside), "this is not our file\n");
	strcpy(first, aside);
	spit(f->file,
	     PREDICTIONS_HEADER "\n2026-12-01T07:40:00Z,01,q,1,-5,ratio,,\n");
	assert_int_equal(
		predictions_append(f->dir, &guess_10, aside, sizeof(aside)), 1);
	assert_non_null(strstr(aside, "predictions.csv.damaged-2"));
	assert_string_equal(slurp(first), "this is not our file\n");
	assert_true(predictions_valid(slurp(f->file), strlen(slurp(f->file))));
}

static void only_whole_rows_of_the_right_shape_are_valid(void **state)
{
	static const char *const bad[] = {
		"",
		"when,lesson\n",
		PREDICTIONS_HEADER, /* no newline at the end */
		PREDICTIONS_HEADER
		"\n2026-12-01T07:40:00Z,01,q,1,10,ratio,41,4.1",
		PREDICTIONS_HEADER
		"\n2026-12-01T07:40:00Z,01,q,1,10,ratio,41\n",
		PREDICTIONS_HEADER
		"\n2026-12-01T07:40:00Z,01,q,0,10,ratio,41,4.1\n",
		PREDICTIONS_HEADER
		"\n2026-12-01T07:40:00Z,01,q,1,10,furlongs,41,4.1\n",
		PREDICTIONS_HEADER
		"\n2026-12-01T07:40:00Z,01,q,1,nan,ratio,41,4.1\n",
		PREDICTIONS_HEADER
		"\n2026-12-01T07:40:00Z,01,q,1,10,ratio,41,0.5\n",
		PREDICTIONS_HEADER "\nyesterday,01,q,1,10,ratio,41,4.1\n",
		PREDICTIONS_HEADER
		"\n2026-12-01T07:40:00Z,1,Q!,1,10,ratio,41,4.1\n",
	};
	const char *good = PREDICTIONS_HEADER
		"\n2026-12-01T07:40:00Z,00,process-one-copy-vs-none,3,1e+06,ns,-165000,\n";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(predictions_valid(bad[i], strlen(bad[i])));
	assert_true(predictions_valid(good, strlen(good)));
}

static void a_folder_that_cannot_be_made_fails_with_errno(void **state)
{
	struct folder *f = *state;
	char aside[256], dir[160];

	snprintf(dir, sizeof(dir), "%s/predictions.csv/x", f->dir);
	spit(f->file, PREDICTIONS_HEADER "\n");
	assert_int_equal(
		predictions_append(dir, &guess_10, aside, sizeof(aside)), -1);
	assert_string_equal(slurp(f->file), PREDICTIONS_HEADER "\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_ratio_is_a_number_with_or_without_x),
		cmocka_unit_test(sizes_and_times_are_kept_in_bytes_and_ns),
		cmocka_unit_test(an_empty_answer_is_a_skip),
		cmocka_unit_test(
			letters_signs_zero_and_huge_numbers_are_refused),
		cmocka_unit_test(a_unit_that_does_not_fit_is_refused),
		cmocka_unit_test(values_print_in_their_unit),
		cmocka_unit_test(the_factor_off_is_the_same_either_way),
		cmocka_unit_test(only_whole_rows_of_the_right_shape_are_valid),
		cmocka_unit_test_setup_teardown(
			the_first_guess_starts_the_file_with_its_header,
			predictions_folder, folder_remove),
		cmocka_unit_test_setup_teardown(
			each_guess_at_a_question_is_the_next_attempt,
			predictions_folder, folder_remove),
		cmocka_unit_test_setup_teardown(
			a_damaged_file_is_set_aside_never_over_an_earlier_one,
			predictions_folder, folder_remove),
		cmocka_unit_test_setup_teardown(
			a_folder_that_cannot_be_made_fails_with_errno,
			predictions_folder, folder_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
