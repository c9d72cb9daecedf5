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
 * them as extra_bytes. The variants are the demo's own, written once in
 * lessons/01-photocopy/variants.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "lessons/01-photocopy/variants.h"
#include "size.h"

#define DEFAULT_SIZES "64,256,1K,4K,16K,64K,256K,1M,4M,16M,64M,256M,1G"
/* The short sweep (make bench QUICK=1): every variant at fewer sizes, with
 * still one size on each side of every cache level of this machine (L1
 * 16K | 256K, L2 256K | 1M, L3 16M | 64M), so that bench/machine can find
 * a knee for each, if more coarsely. */
#define QUICK_SIZES "64,4K,16K,256K,1M,16M,64M"

/* The source: distinct bytes, so a checksum notices a wrong offset. */
static void fill_source(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131 + (i >> 12));
}

static int measure_size(struct bench_run *run, unsigned char *src, size_t len)
{
	struct errand errands[4];
	struct bench_variant v[4] = {
		{ .name = "copy", .run = errand_copy, .setup = errand_buy_paper,
		  .teardown = errand_recycle_paper, .bytes_per_op = len },
		{ .name = "view", .run = errand_view },
		{ .name = "copy+sum", .run = errand_copy_sum,
		  .setup = errand_buy_paper, .teardown = errand_recycle_paper,
		  .reads_data = 1, .bytes_per_op = len },
		{ .name = "view+sum", .run = errand_view_sum, .reads_data = 1,
		  .bytes_per_op = len },
	};

	for (int i = 0; i < 4; i++) {
		errands[i] = (struct errand){ .from = src, .len = len };
		v[i].ctx = &errands[i];
	}
	return bench_measure(run, len, "", v, 4, NULL);
}

int main(int argc, char **argv)
{
	struct bench_config cfg;
	struct bench_run *run;
	unsigned char *src;
	size_t biggest;

	bench_parse_args(&cfg, argc, argv, LESSON_ID, DEFAULT_SIZES,
			 QUICK_SIZES);
	/* The source and two copies must fit at the largest size. */
	if (bench_check_memory(&cfg, 3) < 0)
		return 1;
	biggest = bench_largest_size(&cfg);
	src = bench_alloc(biggest);
	if (!src) {
		fprintf(stderr, LESSON_ID ": allocating the source: %s\n",
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
