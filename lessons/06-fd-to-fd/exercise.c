/*
 * exercise.c - lesson 06's exercise: write copy_fd (exercise.h), then run
 * `make check-06` until every test passes. hints.md has one hint per test.
 *
 * What is here works, but photocopies: every byte goes through buf. Make
 * the kernel move the bytes instead, and keep every byte.
 */
#include "exercise.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

ssize_t copy_fd(int in, int out, size_t expected, struct fdcopy_count *count)
{
	/*
	 * TODO: first try fdcopy_range (copy_file_range), then
	 * fdcopy_sendfile, and only when the kernel cannot do it
	 * (fdcopy_unsupported(errno), or 0 bytes from a file that said it
	 * was empty) the read/write below. Do not trust expected: copy until
	 * a call returns 0.
	 */
	void *buf = malloc(FALLBACK_BUFFER);
	ssize_t n;

	(void)expected;
	if (!buf)
		return -1;
	n = fdcopy_read_write(in, out, SSIZE_MAX, buf, FALLBACK_BUFFER, count);
	free(buf);
	return n;
}
