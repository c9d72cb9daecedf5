/*
 * variants.h - lesson 01's ways of giving a colleague the pages, as the
 * harness times them. The demo (01-photocopy.c) and the benchmark
 * (bench/01-photocopy.c) both include this file, so the figures a class
 * sees in the demo and the ones the plots draw come from the same loops:
 *
 *   errand_copy       memcpy the pages into the errand's own paper (the
 *                     photocopy), then escape and clobber (measure.h) so
 *                     that the compiler cannot delete the copy;
 *   errand_view       hand over a byteview (pointer + length) of the pages;
 *   errand_copy_sum   the photocopy, then read every byte of it
 *                     (checksum_bytes): the fair race, where the colleague
 *                     reads every byte either way;
 *   errand_view_sum   read every byte of the original through the view;
 *   errand_buy_paper / errand_recycle_paper
 *                     the photocopy's setup and teardown: a pre-faulted,
 *                     page-aligned buffer from bench_alloc, so the harness
 *                     counts it in the variant's extra_bytes.
 *
 * A copy and a view that read return the same checksum, which the harness
 * compares. Everything is static inline: each program keeps its own copy
 * of the few lines, and a program that uses half of them gets no warning.
 */
#ifndef LESSON_01_VARIANTS_H
#define LESSON_01_VARIANTS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "byteview.h"
#include "checksum.h"
#include "harness.h"
#include "measure.h"

struct errand {
	const unsigned char *from;	/* the original pages */
	size_t len;
	unsigned char *paper;		/* the photocopy's own memory */
};

/* Where the colleague keeps what they were given, out of the compiler's
 * sight: a hand-over that nobody could see would be deleted. */
static volatile struct byteview colleague;

static inline int errand_buy_paper(void *ctx)
{
	struct errand *e = ctx;

	e->paper = bench_alloc(e->len);
	return e->paper ? 0 : -1;
}

static inline void errand_recycle_paper(void *ctx)
{
	struct errand *e = ctx;

	bench_free(e->paper, e->len);
	e->paper = NULL;
}

static inline uint64_t errand_copy(void *ctx, uint64_t iters)
{
	struct errand *e = ctx;

	for (uint64_t i = 0; i < iters; i++) {
		memcpy(e->paper, e->from, e->len);
		escape(e->paper);
		clobber();
	}
	return 0;
}

static inline uint64_t errand_view(void *ctx, uint64_t iters)
{
	struct errand *e = ctx;

	for (uint64_t i = 0; i < iters; i++) {
		colleague = byteview_make(e->from, e->len);
		clobber();
	}
	return 0;
}

static inline uint64_t errand_copy_sum(void *ctx, uint64_t iters)
{
	struct errand *e = ctx;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < iters; i++) {
		memcpy(e->paper, e->from, e->len);
		escape(e->paper);
		sum = checksum_bytes(e->paper, e->len);
		clobber();
	}
	return sum;
}

static inline uint64_t errand_view_sum(void *ctx, uint64_t iters)
{
	struct errand *e = ctx;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < iters; i++) {
		struct byteview v = byteview_make(e->from, e->len);

		sum = checksum_bytes(v.data, v.len);
		clobber();
	}
	return sum;
}

#endif
