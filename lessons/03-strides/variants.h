/*
 * variants.h - lesson 03's timed walks, as the harness runs them. The demo
 * (03-strides.c) and the benchmark (bench/03-strides.c) both include this
 * file, so the demo's figures and the plots' come from the same loops over
 * the same tours (src/stridewalk.h).
 *
 *   strides_items        one operation is one 8-byte item of a strided
 *                        tour (ctx: a struct stridewalk_tour);
 *   reuse_walk_view      one operation is one use of a view read k times:
 *                        through the view every time;
 *   reuse_pack_then_walk the same view packed once into the reuse's own
 *                        buffer, then the packed copy read k times;
 *   reuse_setup_packed / reuse_teardown_packed
 *                        that buffer (n items of 8 bytes, from bench_alloc),
 *                        allocated in setup so that the harness counts it
 *                        in pack-then-walk's extra_bytes: the extra paper.
 *
 * Both reuse variants return the same checksum, which the harness
 * compares. Everything is static inline, so each program keeps its own
 * copy.
 */
#ifndef LESSON_03_VARIANTS_H
#define LESSON_03_VARIANTS_H

#include <stddef.h>
#include <stdint.h>

#include "harness.h"
#include "stridewalk.h"

static inline uint64_t strides_items(void *tour, uint64_t iters)
{
	return stridewalk_items(tour, iters);
}

/* A view of tour.n items, read k times per use. */
struct reuse {
	struct stridewalk_tour tour;
	size_t k;
	unsigned char *packed;	/* pack-then-walk's copy, tour.n * 8 bytes */
};

static inline uint64_t reuse_walk_view(void *ctx, uint64_t iters)
{
	struct reuse *u = ctx;
	uint64_t sum = 0;

	while (iters-- > 0)
		sum = stridewalk_use_view(&u->tour, u->k);
	return sum;
}

static inline uint64_t reuse_pack_then_walk(void *ctx, uint64_t iters)
{
	struct reuse *u = ctx;
	uint64_t sum = 0;

	while (iters-- > 0)
		sum = stridewalk_use_packed(&u->tour, u->k, u->packed);
	return sum;
}

static inline int reuse_setup_packed(void *ctx)
{
	struct reuse *u = ctx;

	u->packed = bench_alloc(u->tour.n * 8);
	return u->packed ? 0 : -1;
}

static inline void reuse_teardown_packed(void *ctx)
{
	struct reuse *u = ctx;

	bench_free(u->packed, u->tour.n * 8);
	u->packed = NULL;
}

#endif
