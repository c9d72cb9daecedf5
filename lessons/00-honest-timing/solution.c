/*
 * solution.c - lesson 00: one way to write the four tools of exercise.h.
 */
#include <stdlib.h>

#include "check.h"
#include "exercise.h"
#include "measure.h"

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double honest_median(double *x, size_t n)
{
	REQUIRE(n > 0);
	qsort(x, n, sizeof(*x), compare_doubles);
	if (n % 2)
		return x[n / 2];
	return (x[n / 2 - 1] + x[n / 2]) / 2;
}

double honest_per_op_ns(double median_n_ns, double median_0_ns, uint64_t n)
{
	REQUIRE(n > 0);
	return (median_n_ns - median_0_ns) / (double)n;
}

int honest_is_linear(double once_ns, double twice_ns, double tolerance)
{
	double ratio;

	REQUIRE(once_ns > 0 && tolerance >= 0);
	ratio = twice_ns / once_ns;
	return ratio >= 2 * (1 - tolerance) && ratio <= 2 * (1 + tolerance);
}

/*
 * One byte per page is enough: the kernel maps whole pages. Each byte is read
 * and written back unchanged, so the page is faulted in for writing.
 */
size_t honest_prefault(void *p, size_t n)
{
	volatile unsigned char *b = p;
	size_t page = measure_page_size(), pages = 0;

	REQUIRE((uintptr_t)p % page == 0);
	for (size_t i = 0; i < n; i += page, pages++)
		b[i] |= 0;
	return pages;
}
