/*
 * 03-strides.c - lesson 03: read every third page, or a column, or
 * backwards, without copying a thing; and when a copy pays for itself.
 *
 *   1. one buffer, six views: a matrix, a row, a column, every third item,
 *      a row backwards, the transpose, all with addresses inside the
 *      buffer and 0 bytes copied;
 *   2. an impossible view is refused, including NumPy's numpy#32219;
 *   3. the deliberate photocopy: pack the transpose;
 *   4. what a stride costs per item, from 8 bytes to 4 KiB;
 *   5. where the photocopy wins: a view read k times, or packed once;
 *   6. the classic: a matrix product walking B by column, or B copied
 *      transposed first.
 *
 * `--trap` reads through a view built by hand, without strideview_init's
 * proof, that reaches one row past its buffer: AddressSanitizer's
 * heap-buffer-overflow (`make trap-03`).
 *
 * Times come from the harness (bench/harness.h): the median of 11
 * interleaved batches of at least 5 ms each, after a warm-up.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "demo.h"
#include "harness.h"
#include "measure.h"
#include "strideview.h"
#include "stridewalk.h"
#include "variants.h"

#define ROWS 4
#define COLS 6
#define BIG ((size_t)256 << 20)
#define USE_ITEMS ((size_t)32 << 10)
#define MATRIX_N 256

static int run_lesson(void);
static int trap(void);

/* The predictions of steps 4 to 6 (README.md, "Predict"). */
enum { PREDICT_STRIDE, PREDICT_REUSE, PREDICT_MATRIX };

/* The demo, as demo_main runs it (demo.h). */
static const struct demo demo = {
	.lesson = LESSON_ID, .run = run_lesson,
	.trap = trap, .trap_kind = "heap-buffer-overflow",
	.trap_what = "The trap reads past the end of a buffer.",
	.questions[PREDICT_STRIDE] = { "stride-4096-vs-8", DEMO_RATIO,
		"stride 4096 against stride 8: "
		"how many times the cost per item?" },
	.questions[PREDICT_REUSE] = { "first-k-where-packing-pays", DEMO_COUNT,
		"at stride 4096, "
		"from which k does packing first pay (1, 2 or 8)?" },
	.questions[PREDICT_MATRIX] = { "transposed-copy-speedup", DEMO_RATIO,
		"C = A B, 256 x 256: "
		"how many times faster with B copied transposed first?" },
};

static int64_t grid[ROWS][COLS];

/* --- Step 1: views, with addresses -------------------------------------- */

/* One line: name, where data is (as base + offset), shape, strides, items. */
static void show(const char *name, struct strideview v)
{
	char shape[32] = "", strides[32] = "";
	size_t n = strideview_count(v), index[STRIDEVIEW_MAX_DIMS] = { 0 };

	for (size_t d = 0; d < v.ndim; d++) {
		size_t at = strlen(shape), st = strlen(strides);

		snprintf(shape + at, sizeof(shape) - at, "%s%zu", d ? "x" : "",
			 v.shape[d]);
		snprintf(strides + st, sizeof(strides) - st, "%s%td",
			 d ? "," : "", v.strides[d]);
	}
	printf("  %-16s base+%-4td %-6s %-8s", name,
	       v.data - (const unsigned char *)grid, shape, strides);
	for (size_t k = 0; k < n && k < 8; k++) {
		int64_t x;

		for (size_t d = v.ndim, rest = k; d-- > 0; rest /= v.shape[d])
			index[d] = rest % v.shape[d];
		memcpy(&x, strideview_at(v, index), sizeof(x));
		printf(" %02lld", (long long)x);
	}
	printf("%s\n", n > 8 ? " ..." : "");
}

static void six_views(void)
{
	struct strideview m, flat;

	for (size_t i = 0; i < ROWS; i++)
		for (size_t j = 0; j < COLS; j++)
			grid[i][j] = (int64_t)(10 * i + j);
	strideview_init_contiguous(&m, grid, sizeof(grid), 8, 2,
				   (size_t[]){ ROWS, COLS });
	strideview_init_contiguous(&flat, grid, sizeof(grid), 8, 1,
				   (size_t[]){ ROWS * COLS });
	measure_reset_copied();
	printf("  A %d x %d matrix of 8-byte items at %p (base), %zu bytes;\n"
	       "  item (i, j) holds the number ij.\n\n", ROWS, COLS,
	       (void *)grid, sizeof(grid));
	printf("  %-16s %-9s %-6s %-8s %s\n", "view", "data", "shape",
	       "strides", "items, in order");
	show("matrix", m);
	show("row 2", strideview_select(m, 0, 2));
	show("column 3", strideview_select(m, 1, 3));
	show("every 3rd item", strideview_slice(flat, 0, 0, ROWS * COLS, 3));
	show("row 1 backwards", strideview_slice(strideview_select(m, 0, 1), 0,
						 COLS - 1, -1, -1));
	show("transpose", strideview_transpose(m, 0, 1));
	printf("\n  bytes copied for all six views: %llu\n",
	       (unsigned long long)measure_bytes_copied());
}

/* --- Step 2: the proof ------------------------------------------------------ */

static void try_view(const char *what, size_t offset, size_t ndim,
		     const size_t shape[], const ptrdiff_t strides[])
{
	struct strideview v;

	errno = 0;
	if (strideview_init(&v, grid, sizeof(grid), offset, 8, ndim, shape,
			    strides) == 0)
		printf("  %-40s made\n", what);
	else
		printf("  %-40s refused, %s\n", what,
		       errno == ERANGE ? "ERANGE: an item outside the buffer"
		       : errno == EOVERFLOW ? "EOVERFLOW: the offsets overflow"
		       : strerror(errno));
}

static void impossible_views(void)
{
	try_view("column 3, 4 items (rows 0-3)", 24, 1, (size_t[]){ 4 },
		 (ptrdiff_t[]){ COLS * 8 });
	try_view("column 3, 5 items (one row too many)", 24, 1,
		 (size_t[]){ 5 }, (ptrdiff_t[]){ COLS * 8 });
	try_view("row 0 backwards from item 0", 0, 1, (size_t[]){ COLS },
		 (ptrdiff_t[]){ -8 });
	try_view("numpy#32219: 5 items, stride 2^62", 0, 1, (size_t[]){ 5 },
		 (ptrdiff_t[]){ (ptrdiff_t)1 << 62 });
}

/* --- Step 3: the photocopy ---------------------------------------------------- */

static int photocopy(void)
{
	struct strideview m, t, p;
	int64_t *copy = malloc(sizeof(grid));

	if (!copy)
		return -1;
	strideview_init_contiguous(&m, grid, sizeof(grid), 8, 2,
				   (size_t[]){ ROWS, COLS });
	t = strideview_transpose(m, 0, 1);
	measure_reset_copied();
	strideview_pack(copy, t);
	strideview_init_contiguous(&p, copy, sizeof(grid), 8, 2,
				   (size_t[]){ COLS, ROWS });
	printf("  the transpose, packed into new memory at %p:\n",
	       (void *)copy);
	printf("  %-16s %-9s %-6s %-8s %s\n", "", "", "shape", "strides",
	       "items");
	show("transpose", t);
	printf("  %-16s new       %zux%zu    %td,%td     %02lld %02lld %02lld "
	       "%02lld ...\n", "packed copy", p.shape[0], p.shape[1],
	       p.strides[0], p.strides[1], (long long)copy[0],
	       (long long)copy[1], (long long)copy[2], (long long)copy[3]);
	printf("\n  bytes copied: %llu; contiguous: view %s, copy %s\n",
	       (unsigned long long)measure_bytes_copied(),
	       strideview_is_contiguous(t) ? "yes" : "no",
	       strideview_is_contiguous(p) ? "yes" : "no");
	free(copy);
	return 0;
}

/* --- Step 4: the cost of a stride -------------------------------------------- */

static int stride_costs(unsigned char *big)
{
	static const size_t strides[] = { 8, 64, 512, 4096 };
	double first = 0, cost[4];

	printf("  %-8s %14s %10s\n", "stride", "ns per item", "vs 8 B");
	for (size_t i = 0; i < 4; i++) {
		struct stridewalk_tour t = stridewalk_tour(big, BIG, strides[i],
							   BIG / strides[i]);
		struct bench_variant v = { .name = "stride", .run = strides_items,
					   .ctx = &t };
		struct bench_result r;

		if (bench_compare(BIG, &v, 1, &r) < 0)
			return -1;
		if (i == 0)
			first = r.median_ns;
		cost[i] = r.median_ns / first;
		printf("  %-8zu %14.2f %9.1fx\n", strides[i], r.median_ns,
		       cost[i]);
		if (strides[i] == 4096)
			demo_score(PREDICT_STRIDE, cost[i]);
	}
	if (cost[1] >= 4 && cost[3] > cost[1])
		printf("  => in this run an item at 64 B cost %.1fx one at 8 B, "
		       "at 4 KiB %.0fx.\n", cost[1], cost[3]);
	else
		printf("  => this run found 64 B at %.1fx and 4 KiB at %.1fx the "
		       "cost at 8 B: not the\n     lesson's pattern (a busy "
		       "machine? run it again).\n", cost[1], cost[3]);
	return 0;
}

/* --- Step 5: read k times ------------------------------------------------------- */

enum { VIEW_WINS, TIE, COPY_WINS };

/* One row of step 5; *winner says which way was faster beyond the spread. */
static int reuse_row(unsigned char *big, size_t stride, size_t k, int *winner)
{
	struct reuse view = { .tour = stridewalk_tour(big, BIG, stride, USE_ITEMS),
			      .k = k };
	struct reuse copy = view;
	struct bench_variant v[] = {
		{ .name = "walk-view", .run = reuse_walk_view, .ctx = &view,
		  .reads_data = 1 },
		{ .name = "pack-then-walk", .run = reuse_pack_then_walk,
		  .setup = reuse_setup_packed,
		  .teardown = reuse_teardown_packed, .ctx = &copy,
		  .reads_data = 1 },
	};
	struct bench_result r[2];

	if (bench_compare(USE_ITEMS * 8, v, 2, r) < 0)
		return -1;
	*winner = r[1].p75_ns < r[0].p25_ns ? COPY_WINS :
		  r[0].p75_ns < r[1].p25_ns ? VIEW_WINS : TIE;
	printf("  %-8zu %3zu %12.0f %12.0f   %s\n", stride, k,
	       r[0].median_ns / 1e3, r[1].median_ns / 1e3,
	       *winner == COPY_WINS ? "the copy" :
	       *winner == VIEW_WINS ? "the view" : "neither (ranges overlap)");
	return 0;
}

/* What step 5 found at one stride, from its three rows. */
static void conclude_reuse(size_t stride, const size_t *ks, const int *winner)
{
	size_t from = 0;

	for (size_t i = 0; i < 3 && from == 0; i++)
		if (winner[i] == COPY_WINS)
			from = ks[i];
	if (stride == 8)
		printf("  => at 8 B both ways run one loop over 256 KiB: %s here,"
		       " and it flips\n     from run to run (the README says "
		       "why). Only a sparse view pays for packing.\n",
		       from ? "the copy won" : "no clear copy win");
	else if (from)
		printf("  => at %zu B packing paid from k = %zu in this run.\n",
		       stride, from);
	else
		printf("  => at %zu B packing never clearly paid in this run: that "
		       "contradicts the lesson\n     (a busy machine? run it "
		       "again).\n", stride);
}

static int reuse(unsigned char *big)
{
	static const size_t strides[] = { 8, 4096 }, ks[] = { 1, 2, 8 };
	int status = 0;
	double first_k = NAN;	/* where packing first paid at stride 4096 */

	printf("  %-8s %3s %12s %12s   %s\n", "stride", "k", "view, us",
	       "pack, us", "faster");
	for (size_t s = 0; s < 2 && status >= 0; s++) {
		struct stridewalk_tour t = stridewalk_tour(big, BIG, strides[s],
							   USE_ITEMS);
		int winner[3] = { TIE, TIE, TIE };

		stridewalk_fill(big, &t);
		for (size_t i = 0; i < 3 && status == 0; i++)
			status = reuse_row(big, strides[s], ks[i], &winner[i]);
		if (status == 0)
			conclude_reuse(strides[s], ks, winner);
		for (size_t i = 0; i < 3 && strides[s] == 4096; i++)
			if (winner[i] == COPY_WINS && isnan(first_k))
				first_k = (double)ks[i];
	}
	if (status < 0)
		return -1;
	demo_score(PREDICT_REUSE, first_k);
	return 0;
}

/* --- Step 6: the matrix product ------------------------------------------------- */

struct product {
	struct strideview a, b;
	double *c, *bt;
};

static uint64_t run_by_column(void *ctx, uint64_t iters)
{
	struct product *p = ctx;

	while (iters-- > 0)
		stridewalk_matmul_by_column(p->c, p->a, p->b);
	return checksum_bytes(p->c, MATRIX_N * MATRIX_N * sizeof(double));
}

static uint64_t run_transposed(void *ctx, uint64_t iters)
{
	struct product *p = ctx;

	while (iters-- > 0)
		stridewalk_matmul_transposed_copy(p->c, p->a, p->b, p->bt);
	return checksum_bytes(p->c, MATRIX_N * MATRIX_N * sizeof(double));
}

static int matrix_product(unsigned char *big)
{
	size_t bytes = MATRIX_N * MATRIX_N * sizeof(double);
	/* bench_alloc's memory: page-aligned, with no declared type yet */
	double *x = (double *)big;	// cppcheck-suppress invalidPointerCast
	struct product col = { .c = x + 2 * MATRIX_N * MATRIX_N }, tr;
	struct bench_variant v[2];
	struct bench_result r[2];

	for (size_t i = 0; i < 2 * MATRIX_N * MATRIX_N; i++)
		x[i] = (double)(i % 7) - 3;
	strideview_init_contiguous(&col.a, x, bytes, 8, 2,
				   (size_t[]){ MATRIX_N, MATRIX_N });
	strideview_init_contiguous(&col.b, x + MATRIX_N * MATRIX_N, bytes, 8, 2,
				   (size_t[]){ MATRIX_N, MATRIX_N });
	tr = col;
	tr.c = x + 3 * MATRIX_N * MATRIX_N;
	tr.bt = x + 4 * MATRIX_N * MATRIX_N;
	v[0] = (struct bench_variant){ .name = "by column", .ctx = &col,
				       .run = run_by_column, .reads_data = 1 };
	v[1] = (struct bench_variant){ .name = "transposed copy", .ctx = &tr,
				       .run = run_transposed, .reads_data = 1 };
	if (bench_compare(bytes, v, 2, r) < 0)
		return -1;
	printf("  C = A B, two %d x %d matrices of doubles:\n", MATRIX_N,
	       MATRIX_N);
	printf("  %-34s %8.1f ms\n", "B walked by column (a view)",
	       r[0].median_ns / 1e6);
	printf("  %-34s %8.1f ms   (%.1fx %s)\n",
	       "B copied transposed, then rows", r[1].median_ns / 1e6,
	       r[0].median_ns > r[1].median_ns ? r[0].median_ns / r[1].median_ns
					      : r[1].median_ns / r[0].median_ns,
	       r[0].median_ns > r[1].median_ns ? "faster" : "SLOWER: not the lesson's result");
	demo_score(PREDICT_MATRIX, r[0].median_ns / r[1].median_ns);
	return 0;
}

/* --- The trap ---------------------------------------------------------------- */

/*
 * A view built by hand, the way NumPy's as_strided builds one: nobody
 * checks that column 3 has only 4 rows. strideview_at trusts the view it
 * is given (only strideview_init checks), so the fifth item is read from
 * past the end.
 */
static int trap(void)
{
	int64_t *heap = malloc(sizeof(grid));
	struct strideview col = { .itemsize = 8, .ndim = 1,
				  .shape = { ROWS + 1 },
				  .strides = { COLS * 8 } };
	int64_t sum = 0;

	if (!heap) {
		perror(LESSON_ID ": malloc");
		return 1;
	}
	memset(heap, 0, sizeof(grid));
	col.data = (const unsigned char *)heap + 3 * 8;
	printf("A hand-made view of column 3 with %d items, over a %d x %d\n"
	       "matrix at %p. Reading it...\n", ROWS + 1, ROWS, COLS,
	       (void *)heap);
	fflush(stdout);
	for (size_t i = 0; i < col.shape[0]; i++) {
		int64_t x;

		memcpy(&x, strideview_at(col, (size_t[]){ i }), sizeof(x));
		sum += x;
	}
	printf("sum %lld: AddressSanitizer did not stop this read\n",
	       (long long)sum);
	free(heap);
	return 1;
}

static int measured_steps(void)
{
	unsigned char *big = bench_alloc(BIG);
	int status = -1;

	if (!big)
		return -1;
	demo_step("what a stride costs: 8-byte items, 256 MiB of them");
	demo_predict(PREDICT_STRIDE);
	if (stride_costs(big) < 0)
		goto out_free;
	demo_explain("from 64 B on, every item costs a whole cache line; from 4 KiB on, a page too.");
	demo_step("where the photocopy wins: read a view of 32 Ki items k times");
	demo_predict(PREDICT_REUSE);
	if (reuse(big) < 0)
		goto out_free;
	demo_explain("read a sparse view more than once, and its packed copy pays for itself.");
	demo_step("the classic: a matrix product");
	demo_predict(PREDICT_MATRIX);
	if (matrix_product(big) < 0)
		goto out_free;
	demo_explain("the copy reads B once by column; the view read it N times.");
	status = 0;
out_free:
	bench_free(big, BIG);
	return status;
}

static int run_lesson(void)
{
	printf("Lesson 03: read every third page, a column, or backwards, "
	       "without a copy.\n");
	demo_step("one buffer, six views");
	six_views();
	demo_explain("every view is an address inside the buffer, a shape and strides.");
	demo_step("an impossible view is refused, never made");
	impossible_views();
	demo_explain("strideview_init proves every item is inside, with overflow-checked sums.");
	demo_step("the deliberate photocopy: pack");
	if (photocopy() < 0)
		goto out_fail;
	demo_explain("the copy is new memory, in order, contiguous: the fastest walk there is.");
	if (measured_steps() < 0)
		goto out_fail;
	return 0;
out_fail:
	fprintf(stderr, LESSON_ID ": a step failed: %s\n",
		strerror(errno ? errno : ENOMEM));
	return 1;
}

int main(int argc, char **argv)
{
	return demo_main(argc, argv, &demo);
}
