/*
 * variants.h - lesson 04's two ways of reading a whole file, written once.
 * The demo (04-mmap.c) and the benchmark (bench/04-mmap.c) both include
 * this file, so the demo's race and the plots' come from the same code:
 *
 *   sum_file_by_read   read() the file through a buffer of buf_len bytes:
 *                      the kernel photocopies each page from the page
 *                      cache into the buffer, then the checksum reads it;
 *   sum_file_by_mmap   map the file and checksum the pages in place: the
 *                      page cache's own pages are handed over.
 *
 * With cold set, the file's pages are first evicted from the page cache
 * (src/pagecache.h), so the time includes the disk. Each sets *sum and
 * returns 0, or -1 with errno (the file could not be opened, read, mapped
 * or evicted); what was opened is closed either way. Static inline: each
 * program keeps its own copy.
 */
#ifndef LESSON_04_VARIANTS_H
#define LESSON_04_VARIANTS_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "checksum.h"
#include "fileio.h"
#include "mappedfile.h"
#include "pagecache.h"

static inline int sum_file_by_read(const char *path, void *buf,
				   size_t buf_len, int cold, uint64_t *sum)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -1;
	*sum = 0;
	if ((cold && pagecache_evict_fd(fd) < 0) ||
	    fileio_sum(fd, buf, buf_len, sum) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	return 0;
}

static inline int sum_file_by_mmap(const char *path, unsigned hints,
				   int cold, uint64_t *sum)
{
	struct mappedfile mf;

	if (cold && pagecache_evict(path) < 0)
		return -1;
	if (mappedfile_open(&mf, path, MAPPEDFILE_READ, hints) < 0)
		return -1;
	*sum = checksum_bytes(mf.data, mf.len);
	mappedfile_close(&mf);
	return 0;
}

#endif
