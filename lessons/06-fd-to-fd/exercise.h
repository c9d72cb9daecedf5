/*
 * exercise.h - lesson 06's exercise: a file copy that lets the kernel move
 * the pages, and still delivers every byte.
 *
 * You write copy_fd in exercise.c; `make check-06` runs the tests in
 * lessons/06-fd-to-fd/test.c against your file. solution.c holds one answer.
 *
 * The kernel-side calls (copy_file_range, sendfile) are easy to call and
 * easy to call wrongly. A correct copy loop:
 *
 *   1. adds up what each call returns: a call may move fewer bytes than
 *      asked (a pipe takes one pipeful at a time), and asks again for the
 *      rest;
 *   2. stops when a call returns 0: the source has ended, whatever its
 *      size said before (a file truncated while we copy). Asking again
 *      would get 0 again, forever: the loop would spin;
 *   3. falls back to read() + write() when the kernel cannot do it for
 *      this pair of files: copy_file_range fails with EXDEV, EOPNOTSUPP,
 *      EINVAL, ENOSYS or EBADF (fdcopy_unsupported says which), and
 *      returns 0 at once for files of /proc and /sys, which report a size
 *      of 0 but hold bytes that only read() produces.
 */
#ifndef LESSON06_EXERCISE_H
#define LESSON06_EXERCISE_H

#include <stddef.h>
#include <sys/types.h>

#include "fdcopy.h"

/*
 * Copy in, from its current offset to its end, to out. expected is the
 * size fstat reported for in when the caller looked: a hint only (it may
 * be 0 for a procfs file, or larger than the file if someone truncated it
 * since). Try copy_file_range first (file to file), then sendfile (any
 * destination: a socket, a pipe), then read() + write() through a buffer
 * of FALLBACK_BUFFER bytes. Count every call and every byte that passes
 * through user space in *count (fdcopy.h: the fdcopy_* ways do it for
 * you). Returns the bytes copied, or -1 with errno.
 */
ssize_t copy_fd(int in, int out, size_t expected, struct fdcopy_count *count);

#define FALLBACK_BUFFER ((size_t)64 << 10)

#endif
