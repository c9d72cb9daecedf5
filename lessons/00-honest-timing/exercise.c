/*
 * exercise.c - lesson 00: write the four tools of an honest timing. Read
 * exercise.h for what each must do, then run `make check-00` until every
 * test passes. Stuck? lessons/00-honest-timing/hints.md.
 */
#include <stdlib.h>

#include "check.h"
#include "exercise.h"
#include "measure.h"

double honest_median(double *x, size_t n)
{
	/*
	 * TODO: sort x (qsort needs a comparison function that returns
	 * <0, 0 or >0), then return the middle value, or the mean of the
	 * two middle values when n is even. REQUIRE(n > 0) first.
	 */
	(void)n;
	return x[0];
}

double honest_per_op_ns(double median_n_ns, double median_0_ns, uint64_t n)
{
	/* TODO: what is left after the start-up is taken away, per operation. */
	(void)median_0_ns;
	(void)n;
	return median_n_ns;
}

int honest_is_linear(double once_ns, double twice_ns, double tolerance)
{
	/* TODO: is twice_ns / once_ns within tolerance of 2? */
	(void)once_ns;
	(void)twice_ns;
	(void)tolerance;
	return 1;
}

size_t honest_prefault(void *p, size_t n)
{
	/*
	 * TODO: for every page of p[0..n), write its first byte back with
	 * its own value through a volatile pointer. measure_page_size()
	 * says how long a page is. Count the pages you touched.
	 */
	(void)p;
	(void)n;
	return 0;
}
