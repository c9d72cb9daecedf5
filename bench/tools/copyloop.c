/*
 * copyloop.c - copy SIZE bytes ITERS times, so hyperfine can time a process.
 *
 *   copyloop SIZE ITERS        e.g. copyloop 1M 5000
 *
 * Lesson 00 checks the in-process harness against an independent timer:
 * hyperfine runs this program with ITERS = 0 and ITERS = N, and the
 * difference of the two medians, divided by N, is the cost of one copy.
 * For that subtraction to be fair, everything except the copies must be the
 * same in both runs, so ITERS = 0 still does the whole setup: it maps two
 * page-aligned buffers and touches every page of both (the start-up, the
 * page faults and the exit all cancel out). The copy loop is the one the
 * benchmark bench/00-honest-timing.c times in-process: both take it from
 * lessons/00-honest-timing/variants.h, and both buffers come from the
 * harness's bench_alloc, as the benchmark's do.
 *
 * Exit status: 0; 2 with a usage line for bad arguments; 1 with one line
 * "copyloop: what failed: reason" when the memory cannot be had.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lessons/00-honest-timing/variants.h"
#include "measure.h"
#include "program.h"
#include "size.h"

static _Noreturn void usage(const char *prog, int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s SIZE ITERS\n"
		"  copy SIZE bytes (suffixes K M G) ITERS times between two\n"
		"  pre-faulted buffers; ITERS 0 does the setup and no copy\n",
		prog);
	exit(status);
}

/* ITERS is a plain count: digits only, no suffix, and it must fit. */
static int parse_count(const char *text, uint64_t *out)
{
	uint64_t n = 0;

	if (*text == '\0')
		return -1;
	for (; *text; text++) {
		if (*text < '0' || *text > '9' ||
		    __builtin_mul_overflow(n, 10, &n) ||
		    __builtin_add_overflow(n, (uint64_t)(*text - '0'), &n))
			return -1;
	}
	*out = n;
	return 0;
}

int main(int argc, char **argv)
{
	size_t len, both;
	uint64_t iters;
	void *src, *dst;

	program_start("copyloop");
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		usage(argv[0], 0);
	if (argc != 3 || size_parse(argv[1], &len) < 0 || len == 0 ||
	    parse_count(argv[2], &iters) < 0)
		usage(argv[0], 2);
	if (__builtin_mul_overflow(len, 2, &both) ||
	    both > measure_available_memory()) {
		fprintf(stderr, "copyloop: two buffers of %s bytes: %s\n",
			argv[1], strerror(ENOMEM));
		return 1;
	}
	src = bench_alloc(len);
	dst = src ? bench_alloc(len) : NULL;
	if (!dst) {
		fprintf(stderr, "copyloop: mapping %s bytes: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	timed_copy_loop(dst, src, len, iters);
	return 0;
}
