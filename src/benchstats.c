/*
 * benchstats.c - how many operations make a batch, and the order statistics
 * of the batches (see benchstats.h).
 *
 * The growth rule aims past the minimum (20% more than the ratio still
 * missing), so that one more step usually ends the calibration; the floor
 * of 2 keeps a batch that is almost long enough from creeping up, the cap of
 * 100 keeps one very short first batch (a cold cache, a page fault) from
 * making the next one last minutes.
 */
#include "benchstats.h"

#include <math.h>
#include <stdlib.h>

#include "check.h"

uint64_t bench_next_iters(uint64_t iters, uint64_t ns, uint64_t min_ns)
{
	double grow;

	REQUIRE(iters > 0);
	if (ns >= min_ns)
		return iters;
	grow = ns ? 1.2 * (double)min_ns / (double)ns : 100;
	if (grow > 100)
		grow = 100;
	if (grow < 2)
		grow = 2;
	if ((double)iters * grow > 1e15)
		return iters;
	return (uint64_t)((double)iters * grow);
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile of sorted x, interpolating between neighbours. */
static double quantile(const double *x, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	double frac = pos - (double)i;

	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + frac * (x[i + 1] - x[i]);
}

void bench_stats(double *x, size_t n, struct bench_stats *out)
{
	double sum = 0, squares = 0;

	REQUIRE(n > 0);
	qsort(x, n, sizeof(*x), compare_doubles);
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	out->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		squares += (x[i] - out->mean) * (x[i] - out->mean);
	out->cv = n > 1 && out->mean > 0
			  ? sqrt(squares / (double)(n - 1)) / out->mean
			  : 0;
	out->min = x[0];
	out->p25 = quantile(x, n, 0.25);
	out->median = quantile(x, n, 0.5);
	out->p75 = quantile(x, n, 0.75);
	out->max = x[n - 1];
}
