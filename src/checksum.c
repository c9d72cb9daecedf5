/*
 * checksum.c - sum bytes as 64-bit words.
 *
 * The main loop reads whole words through memcpy (the portable way to read a
 * possibly unaligned word; compilers turn it into one load) and keeps four
 * independent sums, so the additions do not wait for each other and the loop
 * can be vectorised. The last n % 8 bytes are folded in one at a time.
 */
#include "checksum.h"

#include <string.h>

static uint64_t load_word(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

uint64_t checksum_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		s0 += load_word(b + i);
		s1 += load_word(b + i + 8);
		s2 += load_word(b + i + 16);
		s3 += load_word(b + i + 24);
	}
	for (; i + 8 <= n; i += 8)
		s0 += load_word(b + i);
	for (unsigned shift = 0; i < n; i++, shift += 8)
		s1 += (uint64_t)b[i] << shift;
	return s0 + s1 + s2 + s3;
}
