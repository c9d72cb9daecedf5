/*
 * 03-strides.c - what walking a strided view costs, and when a packed copy
 * pays for itself.
 *
 * Three sweeps, one CSV (bench/results/03-strides.csv):
 *
 *   stride            ns per 8-byte item, summing every item of a 1-D view
 *                     with the stride in param (8 B .. 8 KiB), over a
 *                     256 MiB buffer: eight times the 32 MiB L3 this
 *                     machine reports, so every pass comes from memory.
 *                     One "operation" is one item.
 *   walk-view         ns per use of a view of 32 Ki items (256 KiB once
 *   pack-then-walk    packed) that is read k times: through the view k
 *                     times, or packed once and the copy read k times.
 *                     param "k=4;stride=64". The data starts in memory:
 *                     each use takes a view of lines the last uses did not
 *                     touch, as a program that meets its data for the first
 *                     time would.
 *   matmul-by-column  ns per band of 32 rows of a product C = A B of two
 *   matmul-transposed-copy  N x N matrices of doubles, param "N=1024;rows=32":
 *                     B walked by column through a view, or read as rows of
 *                     a copy of B transposed (Drepper, "What Every
 *                     Programmer Should Know About Memory", 6.2.1).
 *
 * Why a band: one whole product of order 1024 walked by column takes 3 to
 * 4 s here, and the harness runs each variant at least 14 times. Every row
 * of C reads all of B in the same order, so a band of R rows walks B
 * exactly as the whole product does, R times instead of N: one operation
 * is R / N of a product, and a whole product costs the median times N / R.
 * The transposed copy is made whole once in setup (its extra_bytes), and
 * every operation then repacks the next R of B's N columns, round and
 * round: N / R operations make one transposed copy and one product, which
 * is exactly the work of a whole product with its copy.
 *
 * --sizes lists the orders N (default 256,512,1000,1024; --quick 1024):
 * 1000 beside 1024 shows what a power of two does to a column walk.
 * The stride and reuse sweeps are the same for every --sizes; --quick
 * measures fewer strides and reuse counts. The stride and reuse variants
 * are the demo's own, written once in lessons/03-strides/variants.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "harness.h"
#include "lessons/03-strides/variants.h"
#include "measure.h"
#include "stridewalk.h"

#define BUFFER_BYTES ((size_t)256 << 20)
#define REUSE_ITEMS ((size_t)32 << 10)

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const size_t full_strides[] = { 8, 16, 32, 64, 128, 256, 512, 1024,
				       2048, 4096, 8192 };
static const size_t quick_strides[] = { 8, 64, 512, 4096, 8192 };
static const size_t reuse_strides[] = { 8, 64, 512, 4096 };
static const size_t full_ks[] = { 1, 2, 3, 4, 6, 8, 16, 32, 64 };
static const size_t quick_ks[] = { 1, 2, 8 };

/* --- Variant stride: one operation is one item ------------------------ */

static int sweep_strides(struct bench_run *run, unsigned char *buf, int quick)
{
	const size_t *strides = quick ? quick_strides : full_strides;
	size_t n = quick ? COUNT(quick_strides) : COUNT(full_strides);

	for (size_t i = 0; i < n; i++) {
		struct stridewalk_tour t = stridewalk_tour(buf, BUFFER_BYTES,
			strides[i], BUFFER_BYTES / strides[i]);
		struct bench_variant v = { .name = "stride", .run = strides_items,
					   .ctx = &t, .bytes_per_op = 8 };
		char param[32];

		snprintf(param, sizeof(param), "%zu", strides[i]);
		if (bench_measure(run, BUFFER_BYTES, param, &v, 1, NULL) < 0)
			return -1;
	}
	return 0;
}

/* --- Variants walk-view and pack-then-walk: one operation is one use ---- */

static int measure_reuse(struct bench_run *run, struct stridewalk_tour tour,
			 size_t k)
{
	struct reuse view = { .tour = tour, .k = k };
	struct reuse copy = view;
	struct bench_variant v[] = {
		{ .name = "walk-view", .run = reuse_walk_view, .ctx = &view,
		  .reads_data = 1, .bytes_per_op = k * REUSE_ITEMS * 8 },
		{ .name = "pack-then-walk", .run = reuse_pack_then_walk,
		  .setup = reuse_setup_packed,
		  .teardown = reuse_teardown_packed,
		  .ctx = &copy, .reads_data = 1,
		  .bytes_per_op = k * REUSE_ITEMS * 8 },
	};
	char param[48];

	snprintf(param, sizeof(param), "k=%zu;stride=%zu", k, tour.stride);
	return bench_measure(run, REUSE_ITEMS * 8, param, v, COUNT(v), NULL);
}

static int sweep_reuse(struct bench_run *run, unsigned char *buf, int quick)
{
	const size_t *ks = quick ? quick_ks : full_ks;
	size_t nk = quick ? COUNT(quick_ks) : COUNT(full_ks);

	for (size_t s = 0; s < COUNT(reuse_strides); s++) {
		struct stridewalk_tour t = stridewalk_tour(buf, BUFFER_BYTES,
			reuse_strides[s], REUSE_ITEMS);

		stridewalk_fill(buf, &t);
		for (size_t i = 0; i < nk; i++)
			if (measure_reuse(run, t, ks[i]) < 0)
				return -1;
	}
	return 0;
}

/* --- Variants matmul-by-column and matmul-transposed-copy --------------- */

/*
 * One operation is a band of BAND_ROWS rows of a product of order n, n / R
 * of the whole (see the top of this file). Both variants compute the same
 * first rows of C every time, so their checksums can be compared.
 */
#define BAND_ROWS ((size_t)32)

struct matmul_ctx {
	struct strideview a, b;	/* n x n, row by row */
	double *c;		/* the product (only the band is written) */
	double *bt;		/* transposed-copy's packed B^T */
	size_t next;		/* transposed-copy: the next column to repack */
};

static size_t order(const struct matmul_ctx *m)
{
	return m->a.shape[0];
}

static uint64_t band_checksum(const struct matmul_ctx *m)
{
	escape(m->c);
	return checksum_bytes(m->c, BAND_ROWS * order(m) * sizeof(double));
}

static uint64_t run_by_column(void *arg, uint64_t iters)
{
	struct matmul_ctx *m = arg;

	while (iters-- > 0)
		stridewalk_matmul_rows_by_column(m->c, m->a, m->b, 0, BAND_ROWS);
	return band_checksum(m);
}

/* Repack the next BAND_ROWS columns of B into B^T, going round B: every
 * n / BAND_ROWS operations the whole transposed copy is made once. */
static void repack_band(struct matmul_ctx *m)
{
	size_t n = order(m), lo = m->next, hi = lo + BAND_ROWS;

	if (hi <= n) {
		stridewalk_transpose_columns(m->bt, m->b, lo, hi);
	} else {
		stridewalk_transpose_columns(m->bt, m->b, lo, n);
		stridewalk_transpose_columns(m->bt, m->b, 0, hi - n);
	}
	m->next = hi % n;
}

static uint64_t run_transposed_copy(void *arg, uint64_t iters)
{
	struct matmul_ctx *m = arg;

	while (iters-- > 0) {
		repack_band(m);
		stridewalk_matmul_rows_transposed(m->c, m->a, m->bt, 0,
						  BAND_ROWS);
	}
	return band_checksum(m);
}

/* The whole of B^T once, before any band reads it: the extra paper. */
static int setup_transposed(void *arg)
{
	struct matmul_ctx *m = arg;

	m->bt = bench_alloc(strideview_nbytes(m->b));
	if (!m->bt)
		return -1;
	stridewalk_transpose_columns(m->bt, m->b, 0, order(m));
	m->next = 0;
	return 0;
}

static void teardown_transposed(void *arg)
{
	struct matmul_ctx *m = arg;

	bench_free(m->bt, strideview_nbytes(m->b));
	m->bt = NULL;
}

/* Small whole numbers: every product is exact, and so is every sum. */
static double *random_matrix(size_t n, unsigned seed)
{
	double *x = bench_alloc(n * n * sizeof(double));

	for (size_t i = 0; x && i < n * n; i++)
		x[i] = (double)((i * 2654435761u + seed) % 7) - 3;
	return x;
}

/* Both variants of the product of a and b, each writing its own C. */
static int compare_products(struct bench_run *run, size_t n, const double *a,
			    const double *b, double *c1, double *c2)
{
	size_t bytes = n * n * sizeof(double), shape[] = { n, n };
	struct matmul_ctx col = { .c = c1 }, tr;
	struct bench_variant v[] = {
		{ .name = "matmul-by-column", .run = run_by_column, .ctx = &col,
		  .reads_data = 1 },
		{ .name = "matmul-transposed-copy", .run = run_transposed_copy,
		  .setup = setup_transposed, .teardown = teardown_transposed,
		  .ctx = &tr, .reads_data = 1 },
	};
	char param[48];

	if (strideview_init_contiguous(&col.a, a, bytes, sizeof(double), 2,
				       shape) < 0 ||
	    strideview_init_contiguous(&col.b, b, bytes, sizeof(double), 2,
				       shape) < 0) {
		fprintf(stderr, LESSON_ID ": a %zu x %zu matrix view: %s\n", n,
			n, strerror(errno));
		return -1;
	}
	tr = col;
	tr.c = c2;
	snprintf(param, sizeof(param), "N=%zu;rows=%zu", n, BAND_ROWS);
	return bench_measure(run, bytes, param, v, COUNT(v), NULL);
}

static int measure_matmul(struct bench_run *run, size_t n)
{
	size_t bytes = n * n * sizeof(double);
	double *a, *b, *c1, *c2;
	int status = -1;

	if (n < BAND_ROWS) {
		fprintf(stderr, LESSON_ID ": N = %zu: a band has %zu rows, "
			"so N must be at least that\n", n, BAND_ROWS);
		return -1;
	}
	a = random_matrix(n, 1);
	b = random_matrix(n, 2);
	c1 = bench_alloc(bytes);
	c2 = bench_alloc(bytes);
	if (a && b && c1 && c2)
		status = compare_products(run, n, a, b, c1, c2);
	else
		fprintf(stderr, LESSON_ID ": four %zu x %zu matrices: %s\n", n,
			n, strerror(errno));
	bench_free(c2, bytes);
	bench_free(c1, bytes);
	bench_free(b, bytes);
	bench_free(a, bytes);
	return status;
}

/* --- The run ------------------------------------------------------------ */

/*
 * The most memory the run holds at once: the stride buffer and five n x n
 * matrices of doubles at the largest n (a, b, two products, b transposed). SIZE_MAX if that overflows, as it
 * would for --sizes 4G (n * n * 8 wraps around size_t).
 */
static size_t sweep_bytes(const struct bench_config *cfg)
{
	size_t n = bench_largest_size(cfg), bytes;

	if (__builtin_mul_overflow(n, n, &bytes) ||
	    __builtin_mul_overflow(bytes, 5 * sizeof(double), &bytes) ||
	    __builtin_add_overflow(bytes, (size_t)BUFFER_BYTES, &bytes))
		return SIZE_MAX;
	return bytes;
}

int main(int argc, char **argv)
{
	struct bench_config cfg;
	struct bench_run *run;
	unsigned char *buf;
	size_t steps;

	bench_parse_args(&cfg, argc, argv, LESSON_ID, "256,512,1000,1024",
			 "1024");
	bench_refuse_sizes_below(&cfg, BAND_ROWS, "a band of 32 rows");
	if (bench_check_bytes(&cfg, "the run, with five matrices of the "
			      "largest size,", sweep_bytes(&cfg)) < 0)
		return 1;
	steps = (cfg.quick ? COUNT(quick_strides) : COUNT(full_strides)) +
		COUNT(reuse_strides) * (cfg.quick ? COUNT(quick_ks) : COUNT(full_ks)) +
		cfg.nsizes;
	buf = bench_alloc(BUFFER_BYTES);
	if (!buf) {
		fprintf(stderr, LESSON_ID ": a buffer of 256 MiB: %s\n",
			strerror(errno));
		return 1;
	}
	run = bench_open(&cfg, steps);
	if (!run)
		goto out_free;
	if (sweep_strides(run, buf, cfg.quick) < 0 ||
	    sweep_reuse(run, buf, cfg.quick) < 0)
		goto out_abandon;
	for (size_t i = 0; i < cfg.nsizes; i++)
		if (measure_matmul(run, cfg.sizes[i]) < 0)
			goto out_abandon;
	bench_free(buf, BUFFER_BYTES);
	return bench_close(run) < 0;
out_abandon:
	bench_abandon(run);
out_free:
	bench_free(buf, BUFFER_BYTES);
	return 1;
}
