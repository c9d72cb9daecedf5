/*
 * measure.c - clock, fault counters, resident memory and the copy counter.
 *
 * Each instrument is a thin wrapper over one kernel interface:
 * clock_gettime(CLOCK_MONOTONIC), getrusage(RUSAGE_SELF), /proc/self/statm
 * and sysconf(_SC_PAGESIZE). They are wrapped so that the lessons read as
 * "measure the faults" rather than as a page of struct fields.
 */
#include "measure.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static uint64_t bytes_copied;

uint64_t measure_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct measure_faults measure_faults(void)
{
	struct rusage ru;
	struct measure_faults f = { 0, 0 };

	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		f.minor = ru.ru_minflt;
		f.major = ru.ru_majflt;
	}
	return f;
}

size_t measure_page_size(void)
{
	long n = sysconf(_SC_PAGESIZE);

	return n > 0 ? (size_t)n : 4096;
}

/*
 * statm's second field is the resident set, counted in pages. It is read with
 * open/read into a stack buffer rather than stdio, because fopen allocates a
 * buffer, and this function must not change the memory it is measuring.
 */
size_t measure_resident_bytes(void)
{
	char text[128];
	unsigned long size, resident;
	ssize_t got;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	got = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (got <= 0)
		return 0;
	text[got] = '\0';
	if (sscanf(text, "%lu %lu", &size, &resident) != 2)
		return 0;
	return resident * measure_page_size();
}

void *measure_copy(void *dst, const void *src, size_t n)
{
	bytes_copied += n;
	return memcpy(dst, src, n);
}

void measure_count_copied(size_t n)
{
	bytes_copied += n;
}

uint64_t measure_bytes_copied(void)
{
	return bytes_copied;
}

void measure_reset_copied(void)
{
	bytes_copied = 0;
}
