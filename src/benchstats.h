/*
 * benchstats.h - the harness's method with its timed batches, written once.
 *
 * Two rules decide every figure a results file holds: how many operations
 * make one timed batch (a batch must last at least a minimum time, so that
 * the clock's resolution and the cost of reading it vanish in it), and which
 * order statistics of the batches are reported (min, p25, median, p75, max,
 * and the coefficient of variation). The C harness (bench/harness.c) follows
 * them, and so does lesson 05's Python benchmark, through the workbench
 * module: one fix here reaches both.
 */
#ifndef BENCHSTATS_H
#define BENCHSTATS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The number of operations to try next, after a batch of iters operations
 * took ns nanoseconds, for batches of at least min_ns: grown by the ratio
 * still missing, with 20% to spare, at least 2 and at most 100 times. It
 * returns iters itself when the batch was long enough, or when growing would
 * pass 10^15 operations (a variant that takes no time): stop there.
 */
uint64_t bench_next_iters(uint64_t iters, uint64_t ns, uint64_t min_ns);

/* Order statistics of x[0..n) (sorted in place), as the harness reports them. */
struct bench_stats {
	double min, p25, median, p75, max, mean;
	double cv;	/* sample standard deviation / mean; 0 for one sample */
};

/* Requires n > 0. The quartiles interpolate between neighbours (as numpy's
 * default does): the q-quantile of sorted x is at position q * (n - 1). */
void bench_stats(double *x, size_t n, struct bench_stats *out);

#endif
