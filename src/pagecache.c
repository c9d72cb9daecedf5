/*
 * pagecache.c - evict a file from the page cache, count its resident pages.
 *
 * Eviction is fsync then posix_fadvise(POSIX_FADV_DONTNEED): the advice only
 * drops clean pages, so dirty ones are written first. Counting maps the file
 * read-only one window at a time (mapping does not read anything in) and
 * asks mincore which pages of the window are resident, so the vector it
 * needs fits on the stack whatever the file's size.
 */
#include "pagecache.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure.h"

#define WINDOW_PAGES 4096	/* pages asked about per mincore call */

int pagecache_evict_fd(int fd)
{
	int err;

	if (fsync(fd) < 0 && errno != EINVAL)	/* EINVAL: nothing to sync */
		return -1;
	err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int pagecache_evict(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), saved, ret;

	if (fd < 0)
		return -1;
	ret = pagecache_evict_fd(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

/* Resident pages among the len bytes of fd at offset off (len > 0). */
static int count_window(int fd, off_t off, size_t len, size_t *resident)
{
	unsigned char vec[WINDOW_PAGES];
	size_t page = measure_page_size(), n = (len + page - 1) / page;
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
	int ret;

	if (p == MAP_FAILED)
		return -1;
	ret = mincore(p, len, vec);
	munmap(p, len);
	for (size_t i = 0; ret == 0 && i < n; i++)
		*resident += vec[i] & 1;
	return ret;
}

int pagecache_resident(const char *path, size_t *resident, size_t *pages)
{
	size_t page = measure_page_size(), window = WINDOW_PAGES * page, size;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), saved, ret;
	struct stat st;

	if (fd < 0)
		return -1;
	*resident = 0;
	ret = fstat(fd, &st);
	if (ret < 0)
		goto out_close;
	size = (size_t)st.st_size;
	*pages = (size + page - 1) / page;
	for (size_t off = 0; off < size && ret == 0; off += window)
		ret = count_window(fd, (off_t)off,
				   size - off < window ? size - off : window,
				   resident);
out_close:
	saved = errno;
	close(fd);
	errno = saved;
	return ret;
}
