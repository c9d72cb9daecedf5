/*
 * measure.h - the small instruments every lesson and benchmark shares.
 *
 * A clock, two compiler barriers, the kernel's page-fault counters, the
 * process's resident memory, and a counter of bytes copied. None of them
 * allocates, and all of them are cheap enough to call around the thing being
 * measured.
 *
 * Contents
 *   1. Time:           measure_now_ns
 *   2. Barriers:       escape, clobber
 *   3. Faults, memory: measure_faults, measure_resident_bytes,
 *                      measure_anonymous_bytes, measure_page_size
 *   4. Copy counter:   measure_copy, measure_bytes_copied, measure_reset_copied,
 *                      measure_count_allocation, measure_allocations
 *
 * Invariants: measure_now_ns never goes backwards; the copy counter only
 * grows, until measure_reset_copied sets it back to zero. The counter is one
 * process-wide number and is not thread-safe: the workbench is single-threaded.
 */
#ifndef MEASURE_H
#define MEASURE_H

#include <stddef.h>
#include <stdint.h>

/* --- 1. Time ----------------------------------------------------------- */

/* Nanoseconds from CLOCK_MONOTONIC: only differences mean anything. */
uint64_t measure_now_ns(void);

/* --- 2. Barriers ------------------------------------------------------- */

/*
 * A compiler deletes work whose result nobody reads: a memcpy into a buffer
 * that is never looked at is legally nothing. These two barriers, the plain C
 * form of Google Benchmark's DoNotOptimize and ClobberMemory, cost no
 * instructions; they only stop the compiler from reasoning across them.
 */

/* Pretend that p escapes to code the compiler cannot see. */
static inline void escape(const void *p)
{
	__asm__ volatile("" : : "g"(p) : "memory");
}

/* Pretend that all memory may have been read and written here. */
static inline void clobber(void)
{
	__asm__ volatile("" : : : "memory");
}

/* --- 3. Faults and memory ---------------------------------------------- */

/*
 * Page faults so far in this process, from getrusage(2). A minor fault maps a
 * page that is already in memory (a first touch of fresh memory, or of a file
 * in the page cache); a major fault had to wait for the disk.
 */
struct measure_faults {
	long minor;
	long major;
};

struct measure_faults measure_faults(void);

/*
 * Resident memory of this process in bytes, exact to the page (from
 * /proc/self/smaps_rollup), into *bytes. It includes pages shared with
 * others: the program's code, and files mapped from the page cache.
 * Returns 0, or -1 with errno when it cannot be read (no file descriptor
 * left, no /proc): a figure that could not be measured is never 0.
 */
int measure_resident_bytes(size_t *bytes);

/*
 * The part of it that is this process's alone: heap, stack and private
 * copies (the "Anonymous" pages). This is the extra paper a photocopy needs;
 * a file mapped read-only or a page of code touched for the first time does
 * not count. Where the kernel has no smaps_rollup it falls back to the
 * coarser resident figure. 0, or -1 with errno.
 */
int measure_anonymous_bytes(size_t *bytes);

/* The size of a page, usually 4096. */
size_t measure_page_size(void);

/*
 * Memory this process may still ask for: MemAvailable from /proc/meminfo,
 * the kernel's estimate. SIZE_MAX when unknown.
 */
size_t measure_available_memory(void);

/*
 * Bytes an unprivileged process may still write to the file system that
 * holds dir (statvfs: f_bavail blocks of f_frsize). SIZE_MAX when unknown.
 */
size_t measure_available_disk(const char *dir);

/* --- 4. The copy counter ----------------------------------------------- */

/*
 * Library functions that copy data (measure_copy itself, byteview_copy,
 * strideview_pack, ...) add what they copied to one counter, so a test can
 * say "handing over this view copied 0 bytes" without timing anything.
 */

/* memcpy(dst, src, n), counted. Returns dst. */
void *measure_copy(void *dst, const void *src, size_t n);

/* Add n to the counter: for copies made by other means (a strndup, a loop). */
void measure_count_copied(size_t n);

/* Bytes copied since the start or the last reset. */
uint64_t measure_bytes_copied(void);

void measure_reset_copied(void);

/*
 * A second counter, of allocations made for copies: a function that takes
 * new memory to hold a photocopy (records' copy of each field) counts it
 * here, so "one malloc per field" is a measured figure, not a computed one.
 * measure_reset_copied resets it too.
 */
void measure_count_allocation(void);
uint64_t measure_allocations(void);

#endif
