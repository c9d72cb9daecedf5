/*
 * variants.h - what lesson 06's demo and its benchmark (bench/06-fd-to-fd.c)
 * share: the folder of test files they copy between, and its removal.
 *
 * The ways themselves are src/fdcopy.h. Each program keeps its test files
 * in a folder of its own: a source file, its copy, and, for the step of
 * many small files, pairs of small files named s00000 and d00000, s00001
 * and d00001 ... (a source and its copy). testfiles_remove removes what
 * exists of that with async-signal-safe calls only, so the harness's
 * clean-up registry may run it on a signal (harness.h).
 */
#ifndef LESSON_06_VARIANTS_H
#define LESSON_06_VARIANTS_H

#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

/*
 * folder/cNNNNN, the name of small file i of kind c ('s' the source, 'd'
 * its copy), into buf of len bytes; "" if it does not fit, or if i has more
 * than five digits (two files must never share a name). It runs in the
 * clean-up on a signal, so it formats by hand: snprintf is not
 * async-signal-safe.
 */
static inline void testfiles_small_name(char *buf, size_t len,
					const char *folder, char c, size_t i)
{
	size_t n = strlen(folder);

	if (n + 8 > len || i >= 100000) {
		buf[0] = '\0';
		return;
	}
	memcpy(buf, folder, n);
	buf[n] = '/';
	buf[n + 1] = c;
	for (int d = 4; d >= 0; d--, i /= 10)
		buf[n + 2 + (size_t)d] = (char)('0' + i % 10);
	buf[n + 7] = '\0';
}

/*
 * Unlink the first nsmall pairs of small files of folder, then source and
 * copy, then remove folder itself; a name that is "" stands for a file that
 * was never made. What is already gone is no error.
 */
static inline void testfiles_remove(const char *folder, const char *source,
				    const char *copy, size_t nsmall)
{
	char path[PATH_MAX + 16];

	for (size_t i = 0; i < nsmall; i++) {
		testfiles_small_name(path, sizeof(path), folder, 's', i);
		unlink(path);
		testfiles_small_name(path, sizeof(path), folder, 'd', i);
		unlink(path);
	}
	if (source[0])
		unlink(source);
	if (copy[0])
		unlink(copy);
	if (folder[0])
		rmdir(folder);
}

#endif
