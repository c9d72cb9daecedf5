/*
 * 01-photocopy.c - lesson 01: photocopy the pages, or hand over the report?
 *
 * A colleague needs pages 200 to 250 of a 500-page report. This program
 * gives them the pages both ways and prints what each way cost:
 *
 *   1. one hand-over and one photocopy: addresses, bytes copied, extra
 *      memory and time, side by side;
 *   2. the same at growing sizes: the photocopy grows, the hand-over not;
 *   3. the fair race, where the colleague reads every byte either way;
 *   4. the Google Doc: a change to the original shows through the view;
 *   5. where the photocopy is the better choice.
 *
 * `--trap` shreds the report while the colleague still holds the hand-over
 * and then reads through it: the use after free that AddressSanitizer
 * catches (`make trap-01`).
 *
 * Times come from the harness (bench/harness.h): the median of 11
 * interleaved batches of at least 5 ms each, after a warm-up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteview.h"
#include "checksum.h"
#include "demo.h"
#include "harness.h"
#include "measure.h"
#include "size.h"
#include "variants.h"

#define PAGE ((size_t)4096)	/* size_t: page arithmetic never overflows int */
#define PAGES 500

static int run_lesson(void);
static int trap(void);

/* The predictions of steps 1 to 3 (README.md, "Predict"). */
enum { PREDICT_PAGES, PREDICT_BIG_VIEW, PREDICT_READING };

/* The demo, as demo_main runs it (demo.h). */
static const struct demo demo = {
	.lesson = LESSON_ID, .run = run_lesson,
	.trap = trap, .trap_kind = "heap-use-after-free",
	.trap_what = "The trap reads freed memory.",
	.questions[PREDICT_PAGES] = { "copy-51-pages", DEMO_RATIO,
		"photocopying 51 pages (204 KiB): "
		"how many times longer than handing them over?" },
	.questions[PREDICT_BIG_VIEW] = { "view-256m-vs-4k", DEMO_RATIO,
		"a hand-over of 256 MiB against one of 4 KiB: "
		"how many times longer?" },
	.questions[PREDICT_READING] = { "read-copy-vs-view-256m", DEMO_RATIO,
		"both read every byte now: "
		"at 256 MiB, how many times longer is the photocopy?" },
};

/*
 * The report: PAGES pages, page p filled with the byte 'A' + p % 26. NULL,
 * said in one line, when there is no memory for it.
 */
static unsigned char *report_new(void)
{
	unsigned char *report = malloc(PAGES * PAGE);

	if (!report) {
		perror(LESSON_ID ": malloc");
		return NULL;
	}
	for (size_t p = 0; p < PAGES; p++)
		memset(report + p * PAGE, 'A' + (int)(p % 26), PAGE);
	return report;
}

/* --- The two ways, as the harness runs them (variants.h) ---------------- */

/* Time both ways on len bytes of from; r[0] is the photocopy. */
static int race(const unsigned char *from, size_t len, int sum,
		struct bench_result r[2])
{
	struct errand copy = { .from = from, .len = len };
	struct errand view = copy;
	struct bench_variant v[2] = {
		{ .name = "photocopy", .run = sum ? errand_copy_sum : errand_copy,
		  .setup = errand_buy_paper, .teardown = errand_recycle_paper,
		  .ctx = &copy, .reads_data = sum },
		{ .name = "hand over", .run = sum ? errand_view_sum : errand_view,
		  .ctx = &view, .reads_data = sum },
	};

	return bench_compare(len, v, 2, r);
}

/* --- Printing ------------------------------------------------------------ */

/* Ratios from 1.1x to millions, in words a class reads at a glance. */
static const char *ratio_text(double x, char *buf, size_t len)
{
	if (x < 100)
		snprintf(buf, len, "%.1fx", x);
	else if (x < 1e4)
		snprintf(buf, len, "%.0fx", x);
	else if (x < 1e6)
		snprintf(buf, len, "%.0f thousand x", x / 1e3);
	else
		snprintf(buf, len, "%.0f million x", x / 1e6);
	return buf;
}

/* --- The steps ------------------------------------------------------------ */

static int side_by_side(const unsigned char *report)
{
	const unsigned char *pages = report + 199 * PAGE;
	size_t len = 51 * PAGE;
	struct bench_result r[2];
	struct byteview view;
	unsigned char *copy = malloc(len);
	uint64_t copied, handed;
	char a[32], b[32];

	if (!copy || race(pages, len, 0, r) < 0) {
		free(copy);
		return -1;
	}
	/* Both counts come from the copy counter, not from the text. */
	measure_reset_copied();
	measure_copy(copy, pages, len);
	copied = measure_bytes_copied();
	measure_reset_copied();
	view = byteview_make(pages, len);
	handed = measure_bytes_copied();
	printf("  %-16s %-20s %s\n", "", "photocopy", "hand over");
	printf("  %-16s %-20p %p  (report + 199 pages)\n", "address",
	       (void *)copy, (const void *)view.data);
	printf("  %-16s %-20llu %llu\n", "bytes copied",
	       (unsigned long long)copied, (unsigned long long)handed);
	printf("  %-16s %-20s %s\n", "extra memory",
	       size_format(r[0].extra_bytes, a, sizeof(a)),
	       size_format(r[1].extra_bytes, b, sizeof(b)));
	printf("  %-16s %-20s %s\n", "time (median)",
	       bench_format_ns(r[0].median_ns, a, sizeof(a)),
	       bench_format_ns(r[1].median_ns, b, sizeof(b)));
	demo_score(PREDICT_PAGES, r[0].median_ns / r[1].median_ns);
	free(copy);
	return 0;
}

/* A table of the race at several sizes, read-or-not as asked; r gets
 * each size's pair (n of them) for the conclusions below. */
static int race_table(const size_t *sizes, size_t n, int sum,
		      struct bench_result (*r)[2])
{
	size_t biggest = sizes[n - 1];
	unsigned char *data = bench_alloc(biggest);
	char s[32], a[32], b[32], x[32];

	if (!data)
		return -1;
	printf("  %-10s %12s %12s   %s\n", "size", "photocopy", "hand over",
	       "photocopy / hand over");
	for (size_t i = 0; i < n; i++) {
		if (race(data, sizes[i], sum, r[i]) < 0) {
			bench_free(data, biggest);
			return -1;
		}
		printf("  %-10s %12s %12s   %s\n",
		       size_format(sizes[i], s, sizeof(s)),
		       bench_format_ns(r[i][0].median_ns, a, sizeof(a)),
		       bench_format_ns(r[i][1].median_ns, b, sizeof(b)),
		       ratio_text(r[i][0].median_ns / r[i][1].median_ns, x,
				  sizeof(x)));
	}
	bench_free(data, biggest);
	return 0;
}

/* Largest over smallest median of one way (0: photocopy, 1: hand over). */
static double spread_of(struct bench_result (*r)[2], size_t n, int way)
{
	double lo = r[0][way].median_ns, hi = lo;

	for (size_t i = 1; i < n; i++) {
		if (r[i][way].median_ns < lo)
			lo = r[i][way].median_ns;
		if (r[i][way].median_ns > hi)
			hi = r[i][way].median_ns;
	}
	return hi / lo;
}

/* Step 2's conclusion, from this run: did the hand-over stay flat? */
static void conclude_growth(struct bench_result (*r)[2], size_t n)
{
	double grew = r[n - 1][0].median_ns / r[0][0].median_ns;
	double flat = spread_of(r, n, 1);
	char t[32], x[32];

	if (flat < 3 && grew > 10) {
		printf("  => the photocopy grew %s; the hand-over stayed within "
		       "%.1fx, at about %s:\n", ratio_text(grew, x, sizeof(x)), flat,
		       bench_format_ns(r[0][1].median_ns, t, sizeof(t)));
		printf("     one trip round the timing loop, the least the harness "
		       "can see. The last\n     column counts the photocopy in such "
		       "trips: it grows, its value means little.\n");
	} else {
		printf("  => this run does not show the lesson's pattern: the "
		       "hand-over varied %.1fx,\n     the photocopy grew %.1fx. A "
		       "busy machine? Run it again, or see the plots.\n",
		       flat, grew);
	}
}

/* Step 3's conclusion: the fair race at the largest size. */
static void conclude_fair(const size_t *sizes, struct bench_result (*r)[2],
			  size_t n)
{
	double x = r[n - 1][0].median_ns / r[n - 1][1].median_ns;
	char s[32];

	size_format(sizes[n - 1], s, sizeof(s));
	if (x > 1)
		printf("  => at %s the photocopy took %.1fx as long, not millions "
		       "of times.\n", s, x);
	else
		printf("  => at %s the photocopy was not slower (%.2fx): that "
		       "contradicts the lesson;\n     a busy machine can do it. "
		       "Run it again before you believe it.\n", s, x);
}

static void google_doc(unsigned char *report)
{
	struct byteview view = byteview_make(report + 199 * PAGE, 51 * PAGE);
	unsigned char *copy = malloc(view.len);
	size_t at = 10 * PAGE + 5;	/* page 210, byte 5 */

	if (!copy) {
		perror(LESSON_ID ": malloc");
		exit(1);
	}
	byteview_copy(copy, view);
	report[199 * PAGE + at] = '!';
	printf("  You write '!' on page 210 of the original. Then:\n");
	printf("  %-28s '%c'\n", "the original reads", report[199 * PAGE + at]);
	printf("  %-28s '%c'   (the same bytes)\n", "the hand-over reads",
	       byteview_at(view, at));
	printf("  %-28s '%c'   (its own paper, as it was)\n",
	       "the photocopy reads", copy[at]);
	report[199 * PAGE + at] = copy[at];
	free(copy);
}

/*
 * At a few bytes, reading the photocopy costs a few nanoseconds more than
 * reading the original; for that the colleague gets pages nobody can change
 * or take away (step 4, and the trap).
 */
static int where_copying_wins(void)
{
	static const size_t tiny[] = { 64, 256, 4096 };
	struct bench_result r[3][2];
	char t[32];

	printf("  The colleague reads a short note, either way:\n");
	if (race_table(tiny, 3, 1, r) < 0)
		return -1;
	printf("  => at 64 B the photocopy added %s here.\n",
	       bench_format_ns(r[0][0].median_ns - r[0][1].median_ns, t,
			       sizeof(t)));
	printf("  A photocopy of a note costs nanoseconds, and then it is yours:\n"
	       "  the owner may change the original, or shred it (the trap),\n"
	       "  and your copy stays as it was. A hand-over is only as good\n"
	       "  as the owner's promise to keep the original.\n");
	return 0;
}

/* The trap: the owner frees the report; the colleague reads anyway. */
static int trap(void)
{
	unsigned char *report = report_new();

	if (!report)
		return 1;
	colleague = byteview_make(report + 199 * PAGE, 51 * PAGE);
	printf("The owner shreds the report (free), while the colleague still\n"
	       "holds a hand-over of pages 200-250 at %p.\n"
	       "The colleague now reads page 200 through it...\n",
	       (const void *)colleague.data);
	fflush(stdout);
	free(report);
	printf("read '%c': AddressSanitizer did not stop this read\n",
	       colleague.data[0]);
	return 1;
}

/* Steps 1 to 5 on the report; -1 with errno if a measurement failed. */
static int run_steps(unsigned char *report)
{
	static const size_t sizes[] = { 4096, 51 * PAGE, 16 << 20, 256 << 20 };
	struct bench_result r[4][2];

	demo_step("one photocopy, one hand-over");
	demo_predict(PREDICT_PAGES);
	if (side_by_side(report) < 0)
		return -1;
	demo_explain("the hand-over is an address inside the report: no bytes, no memory.");
	demo_step("bigger reports: the photocopy grows, the hand-over does not");
	demo_predict(PREDICT_BIG_VIEW);
	if (race_table(sizes, 4, 0, r) < 0)
		return -1;
	demo_score(PREDICT_BIG_VIEW, r[3][1].median_ns / r[0][1].median_ns);
	conclude_growth(r, 4);
	demo_explain("a hand-over is one pointer and one length, whatever the size.");
	demo_step("the fair race: the colleague reads every byte either way");
	demo_predict(PREDICT_READING);
	if (race_table(sizes, 4, 1, r) < 0)
		return -1;
	demo_score(PREDICT_READING, r[3][0].median_ns / r[3][1].median_ns);
	conclude_fair(sizes, r, 4);
	demo_explain("reading costs both ways; the copy adds one write and one more read.");
	demo_step("the Google Doc: one original, everyone sees changes");
	google_doc(report);
	demo_explain("a read-only view is not a frozen one: the owner can still write.");
	demo_step("where the photocopy is the better choice");
	return where_copying_wins();
}

/* The lesson: the report, and steps 1 to 5 on it. */
static int run_lesson(void)
{
	unsigned char *report = report_new();

	if (!report)
		return 1;
	printf("Lesson 01: photocopy the pages, or hand over the report?\n\n"
	       "The report: %d pages of %zu bytes at %p.\n"
	       "Your colleague needs pages 200 to 250: 51 pages, %zu bytes.\n",
	       PAGES, PAGE, (void *)report, 51 * PAGE);
	if (run_steps(report) < 0) {
		perror(LESSON_ID ": measuring");
		free(report);
		return 1;
	}
	printf("\nThe plots: plots/" LESSON_ID "-time.png, -bandwidth.png and "
	       "-memory.png (the course's);\n"
	       "           make bench draws yours in build/plots/\n"
	       "The trap:  make trap-%.2s\n", LESSON_ID);
	free(report);
	return 0;
}

int main(int argc, char **argv)
{
	return demo_main(argc, argv, &demo);
}
