/*
 * mappedfile.c - open, map, close (see mappedfile.h).
 *
 * mappedfile_open does four steps, each of which can fail: open the file,
 * check with fstat that it is a regular file whose size fits in memory,
 * mmap it, and apply the madvise hints. The descriptor is closed as soon as
 * the mapping exists, because the mapping holds its own reference to the
 * file; so after open there is exactly one thing to release, the mapping.
 */
#include "mappedfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* How each mode opens the file and maps it. */
static const struct {
	int open_flags;
	int prot;
	int map_flags;
} modes[] = {
	[MAPPEDFILE_READ] = { O_RDONLY, PROT_READ, MAP_SHARED },
	[MAPPEDFILE_PRIVATE] = { O_RDONLY, PROT_READ | PROT_WRITE, MAP_PRIVATE },
	[MAPPEDFILE_SHARED] = { O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED },
};

/* The size of the regular file behind fd, or -1 with errno. */
static int regular_file_size(int fd, size_t *len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = ENODEV;
		return -1;
	}
	if ((uintmax_t)st.st_size > SIZE_MAX) {
		errno = EFBIG;
		return -1;
	}
	*len = (size_t)st.st_size;
	return 0;
}

static int advice_for(unsigned hints)
{
	if (hints & MAPPEDFILE_SEQUENTIAL)
		return MADV_SEQUENTIAL;
	if (hints & MAPPEDFILE_RANDOM)
		return MADV_RANDOM;
	return MADV_NORMAL;
}

/* Map len > 0 bytes of fd as mode asks and apply the hints; NULL with errno. */
static void *map_whole(int fd, size_t len, enum mappedfile_mode mode,
		       unsigned hints)
{
	int flags = modes[mode].map_flags, advice = advice_for(hints), saved;
	void *p;

	if (hints & MAPPEDFILE_POPULATE)
		flags |= MAP_POPULATE;
	p = mmap(NULL, len, modes[mode].prot, flags, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (advice != MADV_NORMAL && madvise(p, len, advice) < 0) {
		saved = errno;
		munmap(p, len);
		errno = saved;
		return NULL;
	}
	return p;
}

int mappedfile_open(struct mappedfile *mf, const char *path,
		    enum mappedfile_mode mode, unsigned hints)
{
	int fd, saved;
	size_t len;
	void *p = NULL;

	REQUIRE(mode == MAPPEDFILE_READ || mode == MAPPEDFILE_PRIVATE ||
		mode == MAPPEDFILE_SHARED);
	REQUIRE(!((hints & MAPPEDFILE_SEQUENTIAL) && (hints & MAPPEDFILE_RANDOM)));
	*mf = (struct mappedfile){ .mode = mode };
	/* O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then
	 * refuses it); to a regular file it means nothing. */
	fd = open(path, modes[mode].open_flags | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (regular_file_size(fd, &len) < 0)
		goto out_close;
	if (len > 0 && !(p = map_whole(fd, len, mode, hints)))
		goto out_close;
	close(fd);
	mf->data = p;
	mf->len = len;
	return 0;
out_close:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int mappedfile_sync(struct mappedfile *mf)
{
	REQUIRE(mf->mode == MAPPEDFILE_SHARED);
	if (mf->len == 0)
		return 0;
	return msync(mf->data, mf->len, MS_SYNC);
}

void mappedfile_close(struct mappedfile *mf)
{
	if (mf->len > 0)
		munmap(mf->data, mf->len);
	mf->data = NULL;
	mf->len = 0;
}
