/*
 * fileio.h - reading a file the ordinary way: through a buffer you own.
 *
 * This is the photocopy side of lesson 04. Every read(2) asks the kernel to
 * copy bytes from its page cache into your buffer; the buffer is the "extra
 * paper", and the copy is the work mmap avoids.
 *
 * read(2) may return fewer bytes than asked for, even before the end of the
 * file (a signal, a pipe, a network file system), so a careful program
 * loops. fileio_read_full is that loop, and fileio_sum builds on it.
 */
#ifndef FILEIO_H
#define FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Open path for reading if it is a regular file: the only kind of file
 * whose end is known (a FIFO or /dev/zero never ends) and that can be
 * mapped. The open itself never waits (a FIFO without a writer would block
 * it). Returns the descriptor, or -1 with errno: EISDIR for a folder,
 * EINVAL for a device, a FIFO or a socket, or open's own errno.
 */
int fileio_open_regular(const char *path);

/*
 * Read from fd into buf until len bytes have arrived or the file ends,
 * retrying after EINTR. Returns the bytes read (less than len only at the
 * end of the file; 0 there), or -1 with errno.
 */
ssize_t fileio_read_full(int fd, void *buf, size_t len);

/*
 * Write all of buf[0..len) to fd, looping over short writes (a full disk,
 * a file size limit and a signal each cut a write short first, and only the
 * next one says why) and retrying after EINTR. Returns 0, or -1 with errno.
 */
int fileio_write_full(int fd, const void *buf, size_t len);

/*
 * Read fd from its current offset to the end, len bytes at a time through
 * buf, and set *sum to the total of checksum_bytes (checksum.h) over the
 * pieces. len must be a multiple of 8: then *sum equals checksum_bytes of
 * the whole file, the same answer as summing a mapping of it. Returns 0, or
 * -1 with errno and *sum untouched.
 */
int fileio_sum(int fd, void *buf, size_t len, uint64_t *sum);

#endif
