/*
 * checksum.h - a fast fingerprint of some bytes.
 *
 * When a copy and a view are compared "reading the data", both must really
 * read every byte and both must arrive at the same answer; otherwise one of
 * them may have skipped work, or read the wrong bytes. checksum_bytes is that
 * answer: the sum of the bytes taken as 64-bit words, so that it runs near
 * memory speed. It is a fingerprint for benchmarks, not a hash: data whose
 * whole words are only reordered gives the same sum.
 */
#ifndef CHECKSUM_H
#define CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Fingerprint of p[0..n). Equal bytes give equal results; n == 0 gives 0. */
uint64_t checksum_bytes(const void *p, size_t n);

#endif
