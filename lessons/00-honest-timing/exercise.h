/*
 * exercise.h - lesson 00: the four small tools of an honest timing.
 *
 * Each one fixes a pitfall the lesson shows:
 *
 *   honest_median      one timing is not a measurement: take many, report
 *                      the middle one (a slow outlier cannot move it);
 *   honest_per_op_ns   a process costs a millisecond to start, so time N
 *                      operations and 0 operations and divide the difference;
 *   honest_is_linear   a trustworthy loop takes twice as long for twice the
 *                      work (lmbench's check of its own timing loop);
 *   honest_prefault    fresh memory is not there until touched: touch every
 *                      page before the clock starts.
 *
 * None of them reads a clock, so the tests can check them exactly.
 */
#ifndef LESSON_00_EXERCISE_H
#define LESSON_00_EXERCISE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The median of x[0..n): the middle value once sorted, or the mean of the
 * two middle values when n is even. Sorts x in place. REQUIRE(n > 0).
 */
double honest_median(double *x, size_t n);

/*
 * The cost of one operation from two whole-process timings: median_n_ns
 * for a run that did n operations and median_0_ns for a run that did the
 * same setup and none. Start-up, setup and exit cancel out:
 * (median_n_ns - median_0_ns) / n. The result may be negative when the
 * work is smaller than the noise: that is a finding, not an error.
 * REQUIRE(n > 0).
 */
double honest_per_op_ns(double median_n_ns, double median_0_ns, uint64_t n);

/*
 * Did doubling the work double the time? True (1) when twice_ns / once_ns
 * lies within tolerance of 2 (tolerance 0.02 means 1.96 to 2.04), else 0.
 * REQUIRE(once_ns > 0 && tolerance >= 0).
 */
int honest_is_linear(double once_ns, double twice_ns, double tolerance);

/*
 * Make every page of p[0..n) resident and writable now, so that no page
 * fault happens later while a clock runs, and keep the bytes as they were:
 * write each page's first byte back with its own value, through a volatile
 * pointer so the compiler cannot drop the "useless" store. A read alone is
 * not enough: reading an untouched page maps the kernel's shared zero page,
 * and the first write still faults. p must start a page (memory from mmap
 * does): REQUIRE it. Returns the number of pages touched, n rounded up to
 * whole pages.
 */
size_t honest_prefault(void *p, size_t n);

#endif
