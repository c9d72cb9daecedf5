/*
 * size.h - sizes as people write them: "64", "4K", "1M", "1G".
 *
 * Every program of the workbench takes sizes on its command line, so they are
 * parsed in one place, strictly: digits, then at most one suffix K, M or G
 * (powers of two: 1K = 1024), nothing else. Signs, spaces, empty strings,
 * fractions and values that do not fit in size_t are all refused. A size
 * that fits in size_t may still not fit in the machine:
 * measure_available_memory and measure_available_disk (measure.h) say how
 * much can be asked for before anything is allocated or written.
 */
#ifndef SIZE_H
#define SIZE_H

#include <stddef.h>

/* Parse one size. Returns 0, or -1 with errno EINVAL (not a size) or ERANGE. */
int size_parse(const char *text, size_t *out);

/*
 * Parse a comma-separated list ("64,4K,1M") into out[0..max). Sets *count.
 * Returns 0, or -1 with errno EINVAL (bad item, empty item, too many items)
 * or ERANGE (an item too large). Zero is refused: no benchmark has size 0.
 */
int size_parse_list(const char *text, size_t *out, size_t max, size_t *count);

/* Write n as "64 B", "4 KiB", "1.5 MiB" into buf; returns buf. */
char *size_format(size_t n, char *buf, size_t buflen);

#endif
