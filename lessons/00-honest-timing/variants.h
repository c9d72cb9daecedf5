/*
 * variants.h - the copy that lesson 00 times, in one place.
 *
 * Lesson 00 checks the in-process harness against hyperfine, which times
 * whole processes of bench/tools/copyloop. The check means something only if
 * both time the very same loop, so the loop lives here and the benchmark
 * (bench/00-honest-timing.c), the lesson's demo and copyloop all include it:
 *
 *   timed_copy_loop       memcpy, then escape and clobber (measure.h), so
 *                         that the compiler cannot delete the copy;
 *   timed_copy_run        the same, as a harness variant (struct timed_copy);
 *   timed_copy_run_fresh  a variant that copies into a buffer fresh from
 *                         malloc every time (and frees it): first touch;
 *   timed_copy_setup/_teardown  a pre-faulted destination from bench_alloc.
 *
 * Everything is static inline, so a program that uses only timed_copy_loop
 * (copyloop) gets no warning for the rest.
 */
#ifndef LESSON_00_VARIANTS_H
#define LESSON_00_VARIANTS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "measure.h"

struct timed_copy {
	const void *src;
	void *dst;		/* NULL until timed_copy_setup */
	size_t len;
};

static inline void timed_copy_loop(void *dst, const void *src, size_t len,
				   uint64_t iters)
{
	for (uint64_t i = 0; i < iters; i++) {
		memcpy(dst, src, len);
		escape(dst);
		clobber();
	}
}

static inline uint64_t timed_copy_run(void *ctx, uint64_t iters)
{
	struct timed_copy *c = ctx;

	timed_copy_loop(c->dst, c->src, c->len, iters);
	return 0;
}

/* A refused malloc is the world failing: reported to the harness
 * (bench_variant_failed), which stops the measurement and says why. */
static inline uint64_t timed_copy_run_fresh(void *ctx, uint64_t iters)
{
	struct timed_copy *c = ctx;

	for (uint64_t i = 0; i < iters; i++) {
		void *fresh = malloc(c->len);

		if (!fresh) {
			bench_variant_failed(errno);
			return 0;
		}
		memcpy(fresh, c->src, c->len);
		escape(fresh);
		free(fresh);
	}
	return 0;
}

static inline int timed_copy_setup(void *ctx)
{
	struct timed_copy *c = ctx;

	c->dst = bench_alloc(c->len);
	return c->dst ? 0 : -1;
}

static inline void timed_copy_teardown(void *ctx)
{
	struct timed_copy *c = ctx;

	bench_free(c->dst, c->len);
	c->dst = NULL;
}

#endif
