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
 *   walk-view         ns per use of a view of 64 Ki items (512 KiB once
 *   pack-then-walk    packed) that is read k times: through the view k
 *                     times, or packed once and the copy read k times.
 *                     param "k=4;stride=64". The data starts in memory:
 *                     each use takes a view of lines the last uses did not
 *                     touch, as a program that meets its data for the first
 *                     time would.
 *   matmul-by-column  ns per product C = A B of two N x N matrices of
 *   matmul-transposed-copy  doubles, walking B by column through a view,
 *                     or first packing B transposed so that every dot
 *                     product reads two rows (Drepper, "What Every
 *                     Programmer Should Know About Memory", 6.2.1). param N.
 *
 * --sizes lists the matrix orders N (default 256,512; --quick 256). A
 * product of order 1024 walked by column takes about 3.5 s here, and the
 * harness runs each variant at least 14 times (set-up, calibration, warm-up
 * and 11 samples), so N = 1024 is a separate run of about a minute:
 *
 *	build/bench/03-strides --sizes 1024 --csv bench/results/03-strides-1024.csv
 *
 * The stride and reuse sweeps are the same for every --sizes; --quick
 * measures fewer strides and reuse counts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "harness.h"
#include "measure.h"
#include "strideview.h"

#define BUFFER_BYTES ((size_t)256 << 20)
#define LINE 64
#define REUSE_ITEMS ((size_t)64 << 10)

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const size_t full_strides[] = { 8, 16, 32, 64, 128, 256, 512, 1024,
				       2048, 4096, 8192 };
static const size_t quick_strides[] = { 8, 64, 512, 4096, 8192 };
static const size_t reuse_strides[] = { 8, 64, 512, 4096 };
static const size_t full_ks[] = { 1, 2, 3, 4, 6, 8, 16, 32, 64 };
static const size_t quick_ks[] = { 1, 2, 8 };

/* --- Walking ------------------------------------------------------------ */

/* The sum of n 8-byte items, stride bytes apart: the walk every variant
 * shares, so that only the layout of the data differs. */
static uint64_t walk(const unsigned char *p, size_t n, ptrdiff_t stride)
{
	uint64_t sum = 0, x;

	for (size_t i = 0; i < n; i++) {
		memcpy(&x, p + (ptrdiff_t)i * stride, sizeof(x));
		sum += x;
	}
	return sum;
}

/*
 * Placements: where the q-th view of n items at this stride starts. Views
 * at successive q share no cache line, and together they cover the buffer
 * before q comes round again, so no view finds its lines still cached.
 * Within one span of n * stride bytes there are stride / 64 line offsets;
 * the buffer holds BUFFER_BYTES / span spans.
 */
struct placements {
	size_t stride, n, span, phases, count;
};

static struct placements placements(size_t stride, size_t n)
{
	struct placements p = { .stride = stride, .n = n, .span = n * stride };

	p.phases = stride > LINE ? stride / LINE : 1;
	p.count = BUFFER_BYTES / p.span * p.phases;
	return p;
}

static size_t placement_offset(const struct placements *p, size_t q)
{
	q %= p->count;
	return q / p->phases * p->span + q % p->phases * LINE;
}

/*
 * Fill the buffer so that item i of every placement holds the same value:
 * a word at offset o belongs to item (o mod span) / stride. The copy and
 * the view must then agree on the sum whichever placements they read.
 */
static void fill_for(unsigned char *buf, const struct placements *p)
{
	for (size_t o = 0; o < BUFFER_BYTES; o += p->span)
		for (size_t i = 0; i < p->n; i++) {
			uint64_t x = (i + 1) * 0x9e3779b97f4a7c15u;

			for (size_t w = 0; w < p->stride; w += 8)
				memcpy(buf + o + i * p->stride + w, &x, 8);
		}
}

/* A 1-D view of the n items at placement q: the proof that it lies inside
 * the buffer is strideview_init's, not this program's. */
static struct strideview view_at(const unsigned char *buf,
				 const struct placements *p, size_t q)
{
	struct strideview v;
	size_t shape[] = { p->n };
	ptrdiff_t strides[] = { (ptrdiff_t)p->stride };

	if (strideview_init(&v, buf, BUFFER_BYTES, placement_offset(p, q), 8, 1,
			    shape, strides) < 0) {
		perror("03-strides: a placement outside the buffer");
		abort();
	}
	return v;
}

/* --- Variant stride: one operation is one item ------------------------ */

struct stride_ctx {
	const unsigned char *buf;
	struct placements place;
	size_t q, next;		/* the current view, and the item to read next */
};

/* Read iters items, carrying on from the last call, moving to the next
 * placement at the end of each view. */
static uint64_t run_stride(void *arg, uint64_t iters)
{
	struct stride_ctx *c = arg;
	uint64_t sum = 0;

	while (iters > 0) {
		struct strideview v = view_at(c->buf, &c->place, c->q);
		size_t m = v.shape[0] - c->next;

		if (m > iters)
			m = (size_t)iters;
		sum += walk(strideview_at(v, (size_t[]){ c->next }), m,
			    v.strides[0]);
		c->next += m;
		iters -= m;
		if (c->next == v.shape[0]) {
			c->next = 0;
			c->q++;
		}
	}
	return sum;
}

static int sweep_strides(struct bench_run *run, unsigned char *buf, int quick)
{
	const size_t *strides = quick ? quick_strides : full_strides;
	size_t n = quick ? COUNT(quick_strides) : COUNT(full_strides);

	for (size_t i = 0; i < n; i++) {
		struct stride_ctx c = {
			.buf = buf,
			.place = placements(strides[i], BUFFER_BYTES / strides[i]),
		};
		struct bench_variant v = { .name = "stride", .run = run_stride,
					   .ctx = &c, .bytes_per_op = 8 };
		char param[32];

		snprintf(param, sizeof(param), "%zu", strides[i]);
		if (bench_measure(run, BUFFER_BYTES, param, &v, 1, NULL) < 0)
			return -1;
	}
	return 0;
}

/* --- Variants walk-view and pack-then-walk: one operation is one use ---- */

struct reuse_ctx {
	const unsigned char *buf;
	struct placements place;
	size_t k, q;
	unsigned char *packed;	/* pack-then-walk's copy, REUSE_ITEMS * 8 */
};

static uint64_t run_walk_view(void *arg, uint64_t iters)
{
	struct reuse_ctx *c = arg;
	uint64_t sum = 0;

	while (iters-- > 0) {
		struct strideview v = view_at(c->buf, &c->place, c->q++);

		sum = 0;
		for (size_t r = 0; r < c->k; r++)
			sum += walk(v.data, v.shape[0], v.strides[0]);
	}
	return sum;
}

static uint64_t run_pack_then_walk(void *arg, uint64_t iters)
{
	struct reuse_ctx *c = arg;
	uint64_t sum = 0;

	while (iters-- > 0) {
		struct strideview v = view_at(c->buf, &c->place, c->q++);

		strideview_pack(c->packed, v);
		sum = 0;
		for (size_t r = 0; r < c->k; r++)
			sum += walk(c->packed, v.shape[0], 8);
	}
	return sum;
}

/* The packed copy is the extra paper: allocated here, so the harness counts
 * it in pack-then-walk's extra_bytes. */
static int setup_packed(void *arg)
{
	struct reuse_ctx *c = arg;

	c->packed = bench_alloc(REUSE_ITEMS * 8);
	return c->packed ? 0 : -1;
}

static void teardown_packed(void *arg)
{
	struct reuse_ctx *c = arg;

	bench_free(c->packed, REUSE_ITEMS * 8);
	c->packed = NULL;
}

static int measure_reuse(struct bench_run *run, unsigned char *buf,
			 struct placements place, size_t k)
{
	struct reuse_ctx view = { .buf = buf, .place = place, .k = k };
	struct reuse_ctx copy = view;
	struct bench_variant v[] = {
		{ .name = "walk-view", .run = run_walk_view, .ctx = &view,
		  .reads_data = 1, .bytes_per_op = k * REUSE_ITEMS * 8 },
		{ .name = "pack-then-walk", .run = run_pack_then_walk,
		  .setup = setup_packed, .teardown = teardown_packed,
		  .ctx = &copy, .reads_data = 1,
		  .bytes_per_op = k * REUSE_ITEMS * 8 },
	};
	char param[48];

	snprintf(param, sizeof(param), "k=%zu;stride=%zu", k, place.stride);
	return bench_measure(run, REUSE_ITEMS * 8, param, v, COUNT(v), NULL);
}

static int sweep_reuse(struct bench_run *run, unsigned char *buf, int quick)
{
	const size_t *ks = quick ? quick_ks : full_ks;
	size_t nk = quick ? COUNT(quick_ks) : COUNT(full_ks);

	for (size_t s = 0; s < COUNT(reuse_strides); s++) {
		struct placements place = placements(reuse_strides[s],
						     REUSE_ITEMS);

		fill_for(buf, &place);
		for (size_t i = 0; i < nk; i++)
			if (measure_reuse(run, buf, place, ks[i]) < 0)
				return -1;
	}
	return 0;
}

/* --- Variants matmul-by-column and matmul-transposed-copy --------------- */

struct matmul_ctx {
	size_t n;
	struct strideview a, b;	/* n x n, row by row */
	double *c;		/* the product */
	double *bt;		/* transposed-copy's packed B^T */
};

/* The dot product both variants share, so both add the same numbers in
 * the same order and get bit-identical products. */
static double dot(const unsigned char *x, ptrdiff_t sx, const unsigned char *y,
		  ptrdiff_t sy, size_t n)
{
	double sum = 0, a, b;

	for (size_t k = 0; k < n; k++) {
		memcpy(&a, x + (ptrdiff_t)k * sx, sizeof(a));
		memcpy(&b, y + (ptrdiff_t)k * sy, sizeof(b));
		sum += a * b;
	}
	return sum;
}

/* C[i][j] = row i of A times column j of B: the column is a view whose
 * stride is a whole row of B, n * 8 bytes. */
static uint64_t run_by_column(void *arg, uint64_t iters)
{
	struct matmul_ctx *m = arg;

	while (iters-- > 0) {
		for (size_t i = 0; i < m->n; i++) {
			struct strideview row = strideview_select(m->a, 0, i);

			for (size_t j = 0; j < m->n; j++) {
				struct strideview col = strideview_select(m->b, 1, j);

				m->c[i * m->n + j] = dot(row.data, row.strides[0],
							 col.data, col.strides[0],
							 m->n);
			}
		}
		escape(m->c);
	}
	return checksum_bytes(m->c, m->n * m->n * sizeof(double));
}

/* Pack B transposed (the photocopy), then C[i][j] = row i of A times row j
 * of B^T: both walks contiguous. The copy is inside every product. */
static uint64_t run_transposed_copy(void *arg, uint64_t iters)
{
	struct matmul_ctx *m = arg;

	while (iters-- > 0) {
		strideview_pack(m->bt, strideview_transpose(m->b, 0, 1));
		for (size_t i = 0; i < m->n; i++) {
			const unsigned char *row = strideview_select(m->a, 0, i).data;

			for (size_t j = 0; j < m->n; j++)
				m->c[i * m->n + j] = dot(row, 8,
					(const unsigned char *)(m->bt + j * m->n),
					8, m->n);
		}
		escape(m->c);
	}
	return checksum_bytes(m->c, m->n * m->n * sizeof(double));
}

static int setup_transposed(void *arg)
{
	struct matmul_ctx *m = arg;

	m->bt = bench_alloc(m->n * m->n * sizeof(double));
	return m->bt ? 0 : -1;
}

static void teardown_transposed(void *arg)
{
	struct matmul_ctx *m = arg;

	bench_free(m->bt, m->n * m->n * sizeof(double));
	m->bt = NULL;
}

/* Small whole numbers: every product is exact, so the sums are too. */
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
	struct matmul_ctx col = { .n = n, .c = c1 }, tr;
	struct bench_variant v[] = {
		{ .name = "matmul-by-column", .run = run_by_column, .ctx = &col,
		  .reads_data = 1 },
		{ .name = "matmul-transposed-copy", .run = run_transposed_copy,
		  .setup = setup_transposed, .teardown = teardown_transposed,
		  .ctx = &tr, .reads_data = 1 },
	};
	char param[32];

	if (strideview_init_contiguous(&col.a, a, bytes, sizeof(double), 2,
				       shape) < 0 ||
	    strideview_init_contiguous(&col.b, b, bytes, sizeof(double), 2,
				       shape) < 0) {
		fprintf(stderr, "03-strides: a %zu x %zu matrix view: %s\n", n,
			n, strerror(errno));
		return -1;
	}
	tr = col;
	tr.c = c2;
	snprintf(param, sizeof(param), "%zu", n);
	return bench_measure(run, bytes, param, v, COUNT(v), NULL);
}

static int measure_matmul(struct bench_run *run, size_t n)
{
	size_t bytes = n * n * sizeof(double);
	double *a = random_matrix(n, 1), *b = random_matrix(n, 2);
	double *c1 = bench_alloc(bytes), *c2 = bench_alloc(bytes);
	int status = -1;

	if (a && b && c1 && c2)
		status = compare_products(run, n, a, b, c1, c2);
	else
		fprintf(stderr, "03-strides: four %zu x %zu matrices: %s\n", n,
			n, strerror(errno));
	bench_free(c2, bytes);
	bench_free(c1, bytes);
	bench_free(b, bytes);
	bench_free(a, bytes);
	return status;
}

/* --- The run ------------------------------------------------------------ */

int main(int argc, char **argv)
{
	struct bench_config cfg;
	struct bench_run *run;
	unsigned char *buf;
	size_t steps;

	bench_parse_args(&cfg, argc, argv, "03-strides", "256,512", "256");
	steps = (cfg.quick ? COUNT(quick_strides) : COUNT(full_strides)) +
		COUNT(reuse_strides) * (cfg.quick ? COUNT(quick_ks) : COUNT(full_ks)) +
		cfg.nsizes;
	buf = bench_alloc(BUFFER_BYTES);
	if (!buf) {
		fprintf(stderr, "03-strides: a buffer of 256 MiB: %s\n",
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
