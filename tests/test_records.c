/*
 * test_records.c - lesson 02's workload: the generated text, the two ways
 * of loading it, and the query that must agree between them.
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

#include "measure.h"
#include "records.h"

/* Three records by hand: two from the city "oslo", amounts 1 + 20 + 300. */
static const char small[] =
	"ann,oslo,pen,1\n"
	"bob,rome,ink,20\n"
	"cyd,oslo,cap,300\n";

static struct byteview text(const char *s)
{
	return byteview_from_string(s);
}

/* Is every byte of inner inside outer? (Compared as numbers: C does not
 * order pointers into different objects.) */
static int inside(struct byteview inner, struct byteview outer)
{
	uintptr_t lo = (uintptr_t)outer.data, at = (uintptr_t)inner.data;

	return at >= lo && at - lo <= outer.len && inner.len <= outer.len - (at - lo);
}

/* The two ways of loading a table, for the tests that try both. */
typedef int loader(struct records_table *t, struct byteview text);

static loader *const both_ways[2] = { records_load_views, records_load_copies };

/* t, made with room for room records and loaded from v by load. */
static void loaded(struct records_table *t, size_t room, loader *load,
		   struct byteview v)
{
	assert_int_equal(records_table_init(t, room), 0);
	assert_int_equal(load(t, v), 0);
}

/* What a table of room records, loaded from s by load, answers for city. */
static struct records_answer answer(loader *load, size_t room, const char *s,
				    const char *city)
{
	struct records_table t;
	struct records_answer a;

	loaded(&t, room, load, text(s));
	assert_int_equal(records_query(&t, text(city), &a), 0);
	records_table_release(&t);
	return a;
}

static void expect_answer(struct records_answer a, uint64_t records,
			  uint64_t matches, int64_t total)
{
	assert_int_equal(a.records, records);
	assert_int_equal(a.matches, matches);
	assert_int_equal(a.total, total);
}

/* --- The text ---------------------------------------------------------------- */

static void the_same_arguments_give_the_same_text(void **state)
{
	unsigned char a[4096], b[4096];
	struct records_text ta = records_generate(a, sizeof(a), 8);
	struct records_text tb = records_generate(b, sizeof(b), 8);

	(void)state;
	assert_int_equal(ta.len, tb.len);
	assert_int_equal(ta.records, tb.records);
	assert_memory_equal(a, b, ta.len);
}

static void every_generated_line_has_four_fields_of_the_asked_length(void **state)
{
	unsigned char buf[4096];
	struct records_text t = records_generate(buf, sizeof(buf), 5);
	struct byteview_split lines = byteview_split_init(byteview_make(buf, t.len), '\n');
	struct byteview line;
	size_t n = 0;

	(void)state;
	assert_true(t.records > 100);
	assert_int_equal(buf[t.len - 1], '\n');
	while (byteview_split_next(&lines, &line) && line.len > 0) {
		struct byteview_split fields = byteview_split_init(line, ',');
		struct byteview f;
		size_t c = 0;
		int64_t amount;

		while (byteview_split_next(&fields, &f)) {
			if (c < RECORDS_AMOUNT)
				assert_int_equal(f.len, 5);
			c++;
		}
		assert_int_equal(c, RECORDS_COLUMNS);
		assert_int_equal(byteview_parse_int64(f, &amount), 0);
		assert_true(amount >= 0 && amount < 100000);
		n++;
	}
	assert_int_equal(n, t.records);
}

static void generate_touches_nothing_after_the_last_line(void **state)
{
	unsigned char buf[100];
	struct records_text t;

	(void)state;
	memset(buf, '#', sizeof(buf));
	t = records_generate(buf, sizeof(buf), 4);
	assert_true(t.len > 0 && t.len < sizeof(buf));
	for (size_t i = t.len; i < sizeof(buf); i++)
		assert_int_equal(buf[i], '#');
}

static void a_buffer_too_small_for_one_line_gets_none(void **state)
{
	unsigned char buf[10];
	struct records_text t = records_generate(buf, sizeof(buf), 4);

	(void)state;
	assert_int_equal(t.len, 0);
	assert_int_equal(t.records, 0);
}

static void a_field_length_of_zero_is_refused(void **state)
{
	unsigned char buf[64];

	(void)state;
	expect_assert_failure(records_generate(buf, sizeof(buf), 0));
}

static void the_words_of_a_column_differ(void **state)
{
	unsigned char a[3], b[3];

	(void)state;
	for (unsigned i = 0; i < RECORDS_WORDS; i++) {
		for (unsigned j = i + 1; j < RECORDS_WORDS; j++) {
			records_word(a, 3, RECORDS_CITY, i);
			records_word(b, 3, RECORDS_CITY, j);
			assert_memory_not_equal(a, b, 3);
		}
	}
}

/* --- Loading ----------------------------------------------------------------------- */

/*
 * Load small into t by load, the copy counters reset just before; how many
 * of its fields point into the text.
 */
static size_t fields_inside_the_text(struct records_table *t, loader *load)
{
	struct byteview v = text(small);
	size_t n = 0;

	assert_int_equal(records_table_init(t, 3), 0);
	measure_reset_copied();
	assert_int_equal(load(t, v), 0);
	assert_int_equal(t->records, 3);
	for (size_t i = 0; i < 3 * RECORDS_COLUMNS; i++)
		n += inside(t->fields[i], v);
	return n;
}

static void views_point_into_the_text_and_copy_nothing(void **state)
{
	struct records_table t;

	(void)state;
	assert_int_equal(fields_inside_the_text(&t, records_load_views),
			 3 * RECORDS_COLUMNS);
	assert_int_equal(measure_bytes_copied(), 0);
	assert_int_equal(measure_allocations(), 0);
	records_table_release(&t);
}

static void copies_live_elsewhere_and_are_counted(void **state)
{
	size_t field_bytes = strlen(small) - 3 * 4;	/* no commas, no \n */
	struct records_table t;

	(void)state;
	assert_int_equal(fields_inside_the_text(&t, records_load_copies), 0);
	assert_true(byteview_equal(t.fields[RECORDS_CITY], text("oslo")));
	assert_int_equal(measure_bytes_copied(), field_bytes);
	assert_int_equal(measure_allocations(), 3 * RECORDS_COLUMNS);
	records_table_release(&t);
}

static void both_ways_give_the_answer_worked_out_by_hand(void **state)
{
	struct records_table t;
	struct records_answer a;

	(void)state;
	assert_int_equal(records_table_init(&t, 3), 0);
	for (int i = 0; i < 2; i++) {	/* the second load replaces the first */
		assert_int_equal(both_ways[i](&t, text(small)), 0);
		assert_int_equal(records_query(&t, text("oslo"), &a), 0);
		expect_answer(a, 3, 2, 321);
	}
	records_table_release(&t);
}

static void both_ways_agree_on_a_generated_text(void **state)
{
	static unsigned char buf[1 << 16];
	unsigned char city[7];
	struct records_text gen = records_generate(buf, sizeof(buf), 7);
	struct records_table views, copies;
	struct records_answer a, b;

	(void)state;
	records_word(city, 7, RECORDS_CITY, 0);
	loaded(&views, gen.records, records_load_views, byteview_make(buf, gen.len));
	loaded(&copies, gen.records, records_load_copies, byteview_make(buf, gen.len));
	assert_int_equal(records_query(&views, byteview_make(city, 7), &a), 0);
	assert_int_equal(records_query(&copies, byteview_make(city, 7), &b), 0);
	assert_int_equal(a.records, gen.records);
	assert_true(a.matches > 0 && a.matches < a.records);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(records_fingerprint(&a), records_fingerprint(&b));
	records_table_release(&views);
	records_table_release(&copies);
}

static void reloading_replaces_what_was_loaded(void **state)
{
	struct records_table t;
	struct records_answer a;

	(void)state;
	loaded(&t, 3, records_load_copies, text(small));
	assert_int_equal(records_load_copies(&t, text("dan,oslo,cup,5\n")), 0);
	assert_int_equal(records_query(&t, text("oslo"), &a), 0);
	assert_int_equal(a.records, 1);
	assert_int_equal(a.total, 5);
	records_table_release(&t);
}

/* The Google Doc and the photocopy: change the text after loading. */
static void only_the_table_of_views_sees_a_change_to_the_text(void **state)
{
	char owner[] = "ann,oslo,pen,1\n";
	struct records_table views, copies;

	(void)state;
	loaded(&views, 1, records_load_views, text(owner));
	loaded(&copies, 1, records_load_copies, text(owner));
	memcpy(owner + 4, "nice", 4);
	assert_true(byteview_equal(views.fields[RECORDS_CITY], text("nice")));
	assert_true(byteview_equal(copies.fields[RECORDS_CITY], text("oslo")));
	records_table_release(&views);
	records_table_release(&copies);
}

static void empty_lines_and_a_missing_final_newline_are_fine(void **state)
{
	(void)state;
	expect_answer(answer(records_load_views, 2, "\na,b,c,1\n\n\nd,e,f,2", "b"),
		      2, 1, 3);
}

static void windows_line_ends_are_read(void **state)
{
	(void)state;
	expect_answer(answer(records_load_copies, 2, "a,b,c,1\r\nd,e,f,2\r\n", "e"),
		      2, 1, 3);
}

/* --- Bad text ---------------------------------------------------------------------- */

static void expect_load_error(const char *s, size_t capacity, int err)
{
	struct records_table t;

	assert_int_equal(records_table_init(&t, capacity), 0);
	for (int i = 0; i < 2; i++) {
		errno = 0;
		assert_int_equal(both_ways[i](&t, text(s)), -1);
		assert_int_equal(errno, err);
		assert_int_equal(t.records, 0);
	}
	records_table_release(&t);
}

static void a_line_with_the_wrong_number_of_fields_is_refused(void **state)
{
	(void)state;
	expect_load_error("a,b,c,1\na,b,c\n", 4, EINVAL);
	expect_load_error("a,b,c,1\na,b,c,1,x\n", 4, EINVAL);
}

static void more_records_than_room_is_refused(void **state)
{
	(void)state;
	expect_load_error(small, 2, ENOSPC);
	expect_load_error(small, 0, ENOSPC);
}

/* The text loads, but the query over it fails with err. */
static void expect_query_error(const char *s, int err)
{
	struct records_table t;
	struct records_answer a;

	loaded(&t, 2, records_load_views, text(s));
	errno = 0;
	assert_int_equal(records_query(&t, text("b"), &a), -1);
	assert_int_equal(errno, err);
	records_table_release(&t);
}

static void an_amount_that_is_not_a_number_fails_the_query(void **state)
{
	(void)state;
	expect_query_error("a,b,c,1\na,b,c,lots\n", EINVAL);
}

static void a_total_beyond_int64_fails_the_query(void **state)
{
	(void)state;
	expect_query_error("a,b,c,9223372036854775807\na,b,c,1\n", ERANGE);
}

static void a_table_too_large_for_memory_is_refused(void **state)
{
	struct records_table t;

	(void)state;
	errno = 0;
	assert_int_equal(records_table_init(&t, SIZE_MAX / 2), -1);
	assert_int_equal(errno, ENOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_same_arguments_give_the_same_text),
		cmocka_unit_test(every_generated_line_has_four_fields_of_the_asked_length),
		cmocka_unit_test(generate_touches_nothing_after_the_last_line),
		cmocka_unit_test(a_buffer_too_small_for_one_line_gets_none),
		cmocka_unit_test(a_field_length_of_zero_is_refused),
		cmocka_unit_test(the_words_of_a_column_differ),
		cmocka_unit_test(views_point_into_the_text_and_copy_nothing),
		cmocka_unit_test(copies_live_elsewhere_and_are_counted),
		cmocka_unit_test(both_ways_give_the_answer_worked_out_by_hand),
		cmocka_unit_test(both_ways_agree_on_a_generated_text),
		cmocka_unit_test(reloading_replaces_what_was_loaded),
		cmocka_unit_test(only_the_table_of_views_sees_a_change_to_the_text),
		cmocka_unit_test(empty_lines_and_a_missing_final_newline_are_fine),
		cmocka_unit_test(windows_line_ends_are_read),
		cmocka_unit_test(a_line_with_the_wrong_number_of_fields_is_refused),
		cmocka_unit_test(more_records_than_room_is_refused),
		cmocka_unit_test(an_amount_that_is_not_a_number_fails_the_query),
		cmocka_unit_test(a_total_beyond_int64_fails_the_query),
		cmocka_unit_test(a_table_too_large_for_memory_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
