/*
 * 01-photocopy.c - benchmark for lesson 01: memcpy against handing over.
 *
 * Four variants at each size, 64 B to 1 GiB in steps of 4x:
 *
 *   copy       memcpy the source into a pre-faulted, page-aligned buffer
 *   view       hand over a byteview (pointer + length) of the source
 *   copy+sum   copy, then read every byte of the copy (checksum_bytes)
 *   view+sum   read every byte of the source through the view
 *
 * copy against view is what handing over saves; copy+sum against view+sum
 * is the fair race, where both ways end with the reader having read every
 * byte, and the harness checks that both read the same bytes (lmbench's
 * bw_mem and bw_mmap_rd read their data for the same reason). The copy
 * buffers are allocated in the variants' setup, so the harness measures
 * them as extra_bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "byteview.h"
#include "checksum.h"
#include "harness.h"
#include "measure.h"
#include "size.h"

#define DEFAULT_SIZES "64,256,1K,4K,16K,64K,256K,1M,4M,16M,64M,256M,1G"
/* The short sweep (make bench QUICK=1): every variant at fewer sizes, with
 * still one size on each side of every cache level of this machine (L1
 * 16K | 256K, L2 256K | 1M, L3 16M | 64M), so that bench/machine can find
 * a knee for each, if more coarsely. */
#define QUICK_SIZES "64,4K,16K,256K,1M,16M,64M"

struct job {
	const unsigned char *src;
	size_t len;
	unsigned char *dst;	/* copy variants only */
};

/* The receiving end of a hand-over, out of the compiler's sight. */
static volatile struct byteview received;

static int job_setup(void *ctx)
{
	struct job *j = ctx;

	j->dst = bench_alloc(j->len);
	return j->dst ? 0 : -1;
}

static void job_teardown(void *ctx)
{
	struct job *j = ctx;

	bench_free(j->dst, j->len);
	j->dst = NULL;
}

static uint64_t run_copy(void *ctx, uint64_t iters)
{
	struct job *j = ctx;

	for (uint64_t i = 0; i < iters; i++) {
		memcpy(j->dst, j->src, j->len);
		escape(j->dst);
		clobber();
	}
	return 0;
}

static uint64_t run_view(void *ctx, uint64_t iters)
{
	struct job *j = ctx;

	for (uint64_t i = 0; i < iters; i++) {
		received = byteview_make(j->src, j->len);
		clobber();
	}
	return 0;
}

static uint64_t run_copy_sum(void *ctx, uint64_t iters)
{
	struct job *j = ctx;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < iters; i++) {
		memcpy(j->dst, j->src, j->len);
		escape(j->dst);
		sum = checksum_bytes(j->dst, j->len);
		clobber();
	}
	return sum;
}

static uint64_t run_view_sum(void *ctx, uint64_t iters)
{
	struct job *j = ctx;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < iters; i++) {
		struct byteview v = byteview_make(j->src, j->len);

		sum = checksum_bytes(v.data, v.len);
		clobber();
	}
	return sum;
}

/* The source: distinct bytes, so a checksum notices a wrong offset. */
static void fill_source(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131 + (i >> 12));
}

static int measure_size(struct bench_run *run, unsigned char *src, size_t len)
{
	struct job jobs[4];
	struct bench_variant v[4] = {
		{ .name = "copy", .run = run_copy, .setup = job_setup,
		  .teardown = job_teardown, .bytes_per_op = len },
		{ .name = "view", .run = run_view },
		{ .name = "copy+sum", .run = run_copy_sum, .setup = job_setup,
		  .teardown = job_teardown, .reads_data = 1, .bytes_per_op = len },
		{ .name = "view+sum", .run = run_view_sum, .reads_data = 1,
		  .bytes_per_op = len },
	};

	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ .src = src, .len = len };
		v[i].ctx = &jobs[i];
	}
	return bench_measure(run, len, "", v, 4, NULL);
}

int main(int argc, char **argv)
{
	struct bench_config cfg;
	struct bench_run *run;
	unsigned char *src;
	size_t biggest;

	bench_parse_args(&cfg, argc, argv, "01-photocopy", DEFAULT_SIZES,
			 QUICK_SIZES);
	/* The source and two copies must fit at the largest size. */
	if (bench_check_memory(&cfg, 3) < 0)
		return 1;
	biggest = bench_largest_size(&cfg);
	src = bench_alloc(biggest);
	if (!src) {
		fprintf(stderr, "01-photocopy: allocating the source: %s\n",
			strerror(errno));
		return 1;
	}
	fill_source(src, biggest);
	run = bench_open(&cfg, cfg.nsizes);
	if (!run)
		goto out_free;
	for (size_t i = 0; i < cfg.nsizes; i++) {
		if (measure_size(run, src, cfg.sizes[i]) < 0) {
			bench_abandon(run);
			goto out_free;
		}
	}
	bench_free(src, biggest);
	return bench_close(run) < 0;
out_free:
	bench_free(src, biggest);
	return 1;
}
