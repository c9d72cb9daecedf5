/*
 * exercise.h - lesson 04's exercise: three small functions around mmap.
 *
 * You write them in exercise.c; `make check-04` runs the tests in
 * lessons/04-mmap/test.c against your file. solution.c holds one answer.
 *
 *   1. sum_by_mapping     the handing-over way to sum a file
 *   2. private_pages      how many pages a MAP_PRIVATE write copies
 *   3. sum_view_guarded   sum a mapped view, surviving SIGBUS
 */
#ifndef LESSON04_EXERCISE_H
#define LESSON04_EXERCISE_H

#include <stddef.h>
#include <stdint.h>

#include "byteview.h"

/*
 * Set *sum to checksum_bytes (checksum.h) of the whole file at path, read
 * through a read-only mapping (mappedfile.h), and unmap it again. An empty
 * file sums to 0. Returns 0, or -1 with errno (a missing file: ENOENT).
 */
int sum_by_mapping(const char *path, uint64_t *sum);

/*
 * How many pages of size `page` a write of len bytes at offset touches,
 * which is how many private copies it makes through a MAP_PRIVATE mapping
 * (each page is copied on its first write). A write of 0 bytes touches
 * none. offset + len must not exceed SIZE_MAX; the count must be right
 * right up to that limit, so beware of overflow.
 */
size_t private_pages(size_t offset, size_t len, size_t page);

/*
 * Set *sum to checksum_bytes of v, where v may lie in a mapping whose file
 * was truncated behind it. If reading v raises SIGBUS, return -1 with
 * errno EFAULT instead of dying; otherwise return 0. Whatever happens, the
 * SIGBUS handler in place before the call is in place after it.
 */
int sum_view_guarded(struct byteview v, uint64_t *sum);

#endif
