/*
 * measure.c - clock, fault counters, resident memory and the copy counter.
 *
 * Each instrument is a thin wrapper over one kernel interface:
 * clock_gettime(CLOCK_MONOTONIC), getrusage(RUSAGE_SELF),
 * /proc/self/smaps_rollup (with /proc/self/statm as the fallback),
 * sysconf(_SC_PAGESIZE), and for what the machine has left, /proc/meminfo
 * and statvfs. They are wrapped so that the lessons read as
 * "measure the faults" rather than as a page of struct fields.
 *
 * Which of them can fail: clock_gettime with CLOCK_MONOTONIC and getrusage
 * with RUSAGE_SELF fail only for a bad argument, never for these. Reading
 * /proc can fail (no descriptor left, /proc not mounted): those return -1
 * with errno, so that a memory figure nobody could read is never taken for
 * zero.
 */
#include "measure.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static uint64_t bytes_copied;
static uint64_t allocations;

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
 * Read a small /proc file into buf (NUL-terminated) with open/read rather
 * than stdio, because fopen allocates a buffer, and the resident memory must
 * not be changed by measuring it. Returns the length or -1.
 */
static ssize_t read_proc(const char *path, char *buf, size_t size)
{
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	got = read(fd, buf, size - 1);
	close(fd);
	if (got >= 0)
		buf[got] = '\0';
	return got;
}

/* One "Name: N kB" line of smaps_rollup, in bytes. 0, or -1 with errno. */
static int rollup_field(const char *name, size_t *bytes)
{
	char text[1024], key[32];
	const char *line;
	unsigned long kib;
	int n = snprintf(key, sizeof(key), "\n%s:", name);

	REQUIRE(n > 0 && (size_t)n < sizeof(key));
	if (read_proc("/proc/self/smaps_rollup", text, sizeof(text)) < 0)
		return -1;
	line = strstr(text, key);
	if (!line || sscanf(line + n, " %lu kB", &kib) != 1) {
		errno = ENODATA;
		return -1;
	}
	*bytes = (size_t)kib * 1024;
	return 0;
}

/* The resident pages of statm, the coarse fallback. 0, or -1 with errno. */
static int statm_resident(size_t *bytes)
{
	char text[128];
	unsigned long size, pages;

	if (read_proc("/proc/self/statm", text, sizeof(text)) < 0)
		return -1;
	if (sscanf(text, "%lu %lu", &size, &pages) != 2) {
		errno = ENODATA;
		return -1;
	}
	*bytes = pages * measure_page_size();
	return 0;
}

/*
 * The line `field` of smaps_rollup, in bytes, or statm's resident size.
 * smaps_rollup adds up the page tables of every mapping, so its figures are
 * exact to the page. statm is cheaper but reads counters the kernel updates
 * in batches per CPU, which can be off by a few hundred KiB: too coarse to
 * see one photocopy of 200 KiB. statm is only the fallback, for kernels
 * without smaps_rollup (before Linux 4.14): when smaps_rollup exists but
 * cannot be read (EMFILE), falling back would only hide the failure.
 */
static int rollup_or_statm(const char *field, size_t *bytes)
{
	if (rollup_field(field, bytes) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	return statm_resident(bytes);
}

int measure_resident_bytes(size_t *bytes)
{
	return rollup_or_statm("Rss", bytes);
}

int measure_anonymous_bytes(size_t *bytes)
{
	return rollup_or_statm("Anonymous", bytes);
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
	allocations = 0;
}

void measure_count_allocation(void)
{
	allocations++;
}

uint64_t measure_allocations(void)
{
	return allocations;
}

/*
 * "MemAvailable:   23456789 kB" is the third line of /proc/meminfo: a small
 * buffer holds it (and keeps this function from touching new stack pages
 * while memory is being measured).
 */
size_t measure_available_memory(void)
{
	char text[256];
	unsigned long kib;
	const char *line;

	if (read_proc("/proc/meminfo", text, sizeof(text)) <= 0)
		return SIZE_MAX;
	line = strstr(text, "MemAvailable:");
	if (!line || sscanf(line, "MemAvailable: %lu", &kib) != 1)
		return SIZE_MAX;
	return (size_t)kib * 1024;
}

size_t measure_available_disk(const char *dir)
{
	struct statvfs fs;
	size_t bytes;

	if (statvfs(dir, &fs) < 0)
		return SIZE_MAX;
	if (__builtin_mul_overflow(fs.f_bavail, fs.f_frsize, &bytes))
		return SIZE_MAX;
	return bytes;
}
