/*
 * 02-views.c - lesson 02: load a table of records by photocopying every
 * field, or by keeping views (pointer + length) into the text.
 *
 * The text is 16 MiB of generated CSV (src/records.h). The program:
 *
 *   1. loads it both ways: allocations, bytes copied, extra memory, time,
 *      and the answer to the same question from each table;
 *   2. the Google Doc: a write to the text shows through every view;
 *   3. where the photocopy wins: a 5-byte view pins the whole text;
 *   4. realloc moves the text and leaves the views pointing at freed memory;
 *   5. overlapping ranges: memmove is right, a forward copy is not.
 *
 * `--trap` reads through a view after realloc moved its text: the use after
 * free that AddressSanitizer catches (`make trap-02`).
 *
 * Times come from the harness (bench/harness.h): the median of 11
 * interleaved batches of at least 5 ms each, after a warm-up.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteview.h"
#include "demo.h"
#include "harness.h"
#include "measure.h"
#include "records.h"
#include "size.h"
#include "variants.h"

#define TEXT_SIZE ((size_t)16 << 20)
#define BIG_TEXT_SIZE ((size_t)64 << 20)
#define FIELD_LEN 32

static int run_lesson(void);
static int trap(void);

/* The predictions of steps 1 and 3 (README.md, "Predict"). */
enum { PREDICT_TIME, PREDICT_COPIES_MEMORY, PREDICT_PINNED };

/* The demo, as demo_main runs it (demo.h). */
static const struct demo demo = {
	.lesson = LESSON_ID, .run = run_lesson,
	.trap = trap, .trap_kind = "heap-use-after-free",
	.trap_what = "The trap reads memory that realloc freed.",
	.questions[PREDICT_TIME] = { "copy-vs-view-load-time", DEMO_RATIO,
		"loading 16 MiB of fields as copies against as views: "
		"how many times longer?" },
	.questions[PREDICT_COPIES_MEMORY] = { "copies-extra-memory", DEMO_SIZE,
		"how much extra memory does "
		"the table of copies need?" },
	.questions[PREDICT_PINNED] = { "memory-pinned-by-small-view", DEMO_SIZE,
		"you keep a 5-byte view into a 64 MiB text: "
		"how much memory stays in use?" },
};

/* The resident memory now; a figure that cannot be read ends the demo. */
static size_t resident_now(void)
{
	size_t bytes;

	if (measure_resident_bytes(&bytes) < 0)
		demo_die("cannot read the resident memory");
	return bytes;
}

/* The text and the question asked of it. */
struct lesson {
	unsigned char *buf;
	struct records_text gen;
	struct byteview text;
	unsigned char city_word[FIELD_LEN];
	struct byteview city;
};

static void lesson_make(struct lesson *l)
{
	l->buf = malloc(TEXT_SIZE);
	if (!l->buf)
		demo_die("cannot allocate the text");
	l->gen = records_generate(l->buf, TEXT_SIZE, FIELD_LEN);
	l->text = byteview_make(l->buf, l->gen.len);
	records_word(l->city_word, FIELD_LEN, RECORDS_CITY, 0);
	l->city = byteview_make(l->city_word, FIELD_LEN);
}

/* --- Step 1: the two ways, as the harness runs them ------------------------- */

/* struct way, way_setup, way_run, way_teardown: variants.h. */

/* What one load copies, by the copy counters: bytes and allocations. */
struct copied {
	uint64_t bytes;
	uint64_t allocations;
};

static struct copied copied_by(struct way *w)
{
	struct copied c;

	if (way_setup(w) < 0)
		demo_die("cannot allocate a table");
	measure_reset_copied();
	if (w->load(&w->table, w->text) < 0)
		demo_die("cannot load the text");
	c.bytes = measure_bytes_copied();
	c.allocations = measure_allocations();
	way_teardown(w);
	return c;
}

static void print_row(const char *label, const char *copy, const char *view)
{
	printf("  %-22s %-18s %s\n", label, copy, view);
}

static void print_figures(struct way w[2], const struct bench_result r[2])
{
	struct copied copy = copied_by(&w[0]), view = copied_by(&w[1]);
	char a[48], b[48];

	print_row("", "copy-fields", "view-fields");
	snprintf(a, sizeof(a), "%llu", (unsigned long long)copy.allocations);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)view.allocations);
	print_row("allocations per load", a, b);
	snprintf(a, sizeof(a), "%llu", (unsigned long long)copy.bytes);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)view.bytes);
	print_row("bytes copied per load", a, b);
	print_row("extra memory", size_format(r[0].extra_bytes, a, sizeof(a)),
		  size_format(r[1].extra_bytes, b, sizeof(b)));
	snprintf(a, sizeof(a), "%.1f ms", r[0].median_ns / 1e6);
	snprintf(b, sizeof(b), "%.1f ms", r[1].median_ns / 1e6);
	print_row("time per load (median)", a, b);
	snprintf(a, sizeof(a), "%llu", (unsigned long long)w[0].answer.matches);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)w[1].answer.matches);
	print_row("records from the city", a, b);
	snprintf(a, sizeof(a), "%lld", (long long)w[0].answer.total);
	snprintf(b, sizeof(b), "%lld", (long long)w[1].answer.total);
	print_row("sum of the amounts", a, b);
	printf("\n  copy / view: %.1fx the time, %.1fx the extra memory\n",
	       r[0].median_ns / r[1].median_ns,
	       (double)r[0].extra_bytes / (double)r[1].extra_bytes);
	demo_score(PREDICT_TIME, r[0].median_ns / r[1].median_ns);
	demo_score(PREDICT_COPIES_MEMORY, (double)r[0].extra_bytes);
}

static void two_ways(const struct lesson *l)
{
	struct way w[2] = {
		{ .text = l->text, .city = l->city, .records = l->gen.records,
		  .load = records_load_copies },
		{ .text = l->text, .city = l->city, .records = l->gen.records,
		  .load = records_load_views },
	};
	struct bench_variant v[2] = {
		way_variant("copy-fields", &w[0]),
		way_variant("view-fields", &w[1]),
	};
	struct bench_result r[2];

	printf("  The question: how many records come from the city \"%.6s...\",\n"
	       "  and what do all the amounts add up to?\n\n",
	       (const char *)l->city_word);
	if (bench_compare(l->text.len, v, 2, r) < 0)
		exit(1);	/* the harness said why, in one line */
	print_figures(w, r);
}

/* --- Step 2: the Google Doc -------------------------------------------------- */

static void google_doc(struct lesson *l)
{
	struct records_table views, copies;
	unsigned char *name = l->buf;	/* record 0's name is the first field */
	unsigned char was = name[0];

	if (records_table_init(&views, l->gen.records) < 0 ||
	    records_table_init(&copies, l->gen.records) < 0 ||
	    records_load_views(&views, l->text) < 0 ||
	    records_load_copies(&copies, l->text) < 0)
		demo_die("loading the text");
	name[0] = 'Z';
	printf("  The owner writes 'Z' over the first byte of the text. Record 0's name:\n");
	printf("  %-14s at %-16p reads \"%.8s...\"\n", "in the text", (void *)name,
	       (const char *)name);
	printf("  %-14s at %-16p reads \"%.8s...\"   (the same bytes)\n",
	       "the view", (const void *)views.fields[0].data,
	       (const char *)views.fields[0].data);
	printf("  %-14s at %-16p reads \"%.8s...\"   (its own copy)\n",
	       "the copy", (const void *)copies.fields[0].data,
	       (const char *)copies.fields[0].data);
	printf("  The view is read-only, and it still changed: read-only is a promise\n"
	       "  about what you do through it, not a promise that nobody else writes.\n");
	name[0] = was;
	records_table_release(&views);
	records_table_release(&copies);
}

/* --- Step 3: where the photocopy wins -------------------------------------------- */

/* Print and return the resident memory added since base. */
static size_t print_resident(const char *when, size_t base)
{
	char a[32];
	size_t now = resident_now();

	printf("  %-36s %12s\n", when,
	       size_format(now > base ? now - base : 0, a, sizeof(a)));
	return now > base ? now - base : 0;
}

/*
 * Keep one 5-byte amount from a 64 MiB text. The view keeps the whole text
 * alive; a 5-byte photocopy lets it go.
 */
static void small_view_pins_the_text(void)
{
	size_t base = resident_now();
	unsigned char *big = malloc(BIG_TEXT_SIZE);
	struct records_text gen;
	struct byteview keep;
	char *copy;

	if (!big)
		demo_die("cannot allocate the big text");
	gen = records_generate(big, BIG_TEXT_SIZE, FIELD_LEN);
	keep = byteview_slice(byteview_make(big, gen.len), 3 * FIELD_LEN + 3,
			      3 * FIELD_LEN + 3 + 5);
	printf("  You need one amount, %zu bytes, from a %s text.\n", keep.len,
	       "64 MiB");
	printf("  %-36s %s\n", "", "extra resident memory");
	demo_score(PREDICT_PINNED,
		   (double)print_resident("keep a view: the text must stay", base));
	copy = strndup((const char *)keep.data, keep.len);
	if (!copy)
		demo_die("cannot copy 5 bytes");
	free(big);
	print_resident("keep a 5-byte copy, free the text", base);
	printf("  Here the photocopy is the better choice: 5 bytes of paper instead\n"
	       "  of holding on to the whole report for one number (\"%s\").\n", copy);
	free(copy);
}

/* --- Step 4: realloc moves the text ------------------------------------------------- */

/* A text that grows, as when reading a file in chunks: first 4 KiB of it. */
static unsigned char *small_text(struct byteview *first_line)
{
	unsigned char *buf = malloc(4096);
	struct records_text gen;

	if (!buf)
		demo_die("cannot allocate 4 KiB");
	gen = records_generate(buf, 4096, FIELD_LEN);
	*first_line = byteview_slice(byteview_make(buf, gen.len), 0,
				     byteview_find(byteview_make(buf, gen.len), '\n'));
	return buf;
}

/*
 * After realloc the old pointer is indeterminate: even comparing it is not
 * allowed. So the address is written down as text before the move.
 */
static void realloc_moves_the_text(void)
{
	struct byteview line;
	unsigned char *buf = small_text(&line), *grown;
	size_t lo = 0, hi = line.len;	/* the same line, kept as offsets */
	char was[32], now[32], label[48];
	bool moved;

	snprintf(was, sizeof(was), "%p", (const void *)line.data);
	grown = realloc(buf, BIG_TEXT_SIZE);
	if (!grown)
		demo_die("cannot grow the text");
	snprintf(now, sizeof(now), "%p", (void *)grown);
	moved = strcmp(was, now) != 0;
	printf("  %-36s %s\n", "the text was at", was);
	printf("  %-36s %s   (%s)\n", "after realloc to 64 MiB it is at", now,
	       moved ? "moved" : "same place");
	printf("  %-36s %s   (%s)\n", "the view of line 1 still points at", was,
	       moved ? "freed memory" : "still valid, this time");
	line = byteview_slice(byteview_make(grown, 4096), lo, hi);
	snprintf(label, sizeof(label), "offsets [%zu, %zu) made into a view", lo, hi);
	printf("  %-36s %p   \"%.10s...\"\n", label, (const void *)line.data,
	       (const char *)line.data);
	printf("  Reading the old view is undefined behaviour, so this run does not\n"
	       "  do it; `make trap-02` does, under AddressSanitizer.\n");
	free(grown);
}

/* --- Step 5: overlapping ranges --------------------------------------------------------- */

/* Byte by byte from the front: one way memcpy is allowed to work. */
static void forward_copy(unsigned char *dst, const unsigned char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

static void overlapping_ranges(void)
{
	unsigned char a[] = "abcdefgh....", b[] = "abcdefgh....";

	memmove(a + 2, a, 8);
	forward_copy(b + 2, b, 8);
	printf("  Shift \"abcdefgh\" two places right, inside one buffer:\n");
	printf("  %-34s %s\n", "memmove", (const char *)a);
	printf("  %-34s %s\n", "a copy that walks forward", (const char *)b);
	printf("  The forward copy reads bytes it has already overwritten. memcpy\n"
	       "  on overlapping ranges is undefined (AddressSanitizer reports\n"
	       "  memcpy-param-overlap); memmove is defined to get it right.\n");
}

/* --- The trap ---------------------------------------------------------------------------- */

/* The view outlives the buffer realloc moved: a read of freed memory. */
static int trap(void)
{
	struct byteview line;
	unsigned char *buf = small_text(&line), *grown;

	printf("A view of line 1 points at %p. The text grows with realloc...\n",
	       (const void *)line.data);
	grown = realloc(buf, BIG_TEXT_SIZE);
	if (!grown)
		demo_die("cannot grow the text");
	printf("...and moves to %p. Reading the view now:\n", (void *)grown);
	fflush(stdout);
	printf("read '%c': AddressSanitizer did not stop this read\n",
	       byteview_at(line, 0));
	free(grown);
	return 1;
}

/* How much of the first record fits a 100-column line beside "  " and "...". */
static size_t first_line_shown(struct byteview text)
{
	size_t len = byteview_find(text, '\n');

	return len < 90 ? len : 90;
}

static int run_lesson(void)
{
	struct lesson l;
	char a[32];

	lesson_make(&l);
	printf("Lesson 02: photocopy every field, or keep views into the text?\n\n"
	       "The text: %s of CSV at %p, %zu records of %d fields,\n"
	       "three %d-letter words and an amount each, e.g.\n  %.*s...\n",
	       size_format(l.text.len, a, sizeof(a)), (void *)l.buf,
	       l.gen.records, RECORDS_COLUMNS, FIELD_LEN,
	       (int)first_line_shown(l.text), (const char *)l.buf);
	demo_step("load the table both ways, ask the same question");
	demo_predict(PREDICT_TIME);
	demo_predict(PREDICT_COPIES_MEMORY);
	two_ways(&l);
	demo_step("the Google Doc: the text changes, the views see it");
	google_doc(&l);
	free(l.buf);
	demo_step("where the photocopy wins: a small view pins a big text");
	demo_predict(PREDICT_PINNED);
	small_view_pins_the_text();
	demo_step("realloc moves the text: the views are left behind");
	realloc_moves_the_text();
	demo_step("overlapping ranges: memcpy or memmove");
	overlapping_ranges();
	printf("\nThe plots: plots/" LESSON_ID "-*.png (the course's); make bench "
	       "draws yours in build/plots/\n"
	       "The trap:  make trap-%.2s\n", LESSON_ID);
	return 0;
}

int main(int argc, char **argv)
{
	return demo_main(argc, argv, &demo);
}
