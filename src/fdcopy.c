/*
 * fdcopy.c - the five ways of fdcopy.h.
 *
 * Four of the ways are one loop, move_all, around a step of their own: ask
 * the kernel for what is left (at most one chunk), add what it moved, stop
 * at 0 (the source ended) or at len; EINTR asks again. A step is one system
 * call, and for read-write and splice the writes that pass its bytes on.
 * mmap-write needs no loop: one mapping, one write_all. The counting sits
 * next to each system call so that what fdcopy_count reports is what the
 * kernel said it did.
 */
#include "fdcopy.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "check.h"

static size_t smaller(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* write() all of p[0..n) to out, looping over short writes. 0 or -1. */
static int write_all(int out, const unsigned char *p, size_t n,
		     struct fdcopy_count *count)
{
	while (n > 0) {
		ssize_t w = write(out, p, n);

		count->calls++;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		count->user_bytes += (size_t)w;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* --- The loop every way but mmap-write shares ---------------------- */

/*
 * A way's one step: one system call (and, for read-write and for splice
 * through a pipe, the writes that pass on what it moved) that moves at most
 * n bytes from in to out. It counts its own calls and returns what the
 * kernel returned: the bytes moved, 0 at the end of the source, or -1.
 */
struct mover {
	ssize_t (*step)(const struct mover *m, int in, int out, size_t n,
			struct fdcopy_count *count);
	size_t chunk;		/* the most one step is asked for */
	unsigned char *buf;	/* read-write: the buffer it passes through */
	const int *pipe;	/* splice: the pipe in the middle, or NULL */
};

static ssize_t move_all(const struct mover *m, int in, int out, size_t len,
			struct fdcopy_count *count)
{
	size_t done = 0;

	REQUIRE(len <= SSIZE_MAX);
	while (done < len) {
		ssize_t n = m->step(m, in, out, smaller(m->chunk, len - done),
				    count);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;		/* the source ended: never ask again */
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* --- The steps ---------------------------------------------------- */

static ssize_t read_then_write(const struct mover *m, int in, int out,
			       size_t n, struct fdcopy_count *count)
{
	ssize_t r = read(in, m->buf, n);

	count->calls++;
	if (r <= 0)
		return r;
	count->user_bytes += (size_t)r;
	return write_all(out, m->buf, (size_t)r, count) < 0 ? -1 : r;
}

static ssize_t send_file(const struct mover *m, int in, int out, size_t n,
			 struct fdcopy_count *count)
{
	ssize_t r = sendfile(out, in, NULL, n);

	(void)m;
	count->calls++;
	return r;
}

/* splice() exactly n bytes out of the pipe's read end into out. */
static int drain_pipe(int from, int out, size_t n, struct fdcopy_count *count)
{
	while (n > 0) {
		ssize_t m = splice(from, NULL, out, NULL, n, SPLICE_F_MORE);

		count->calls++;
		if (m < 0 && errno == EINTR)
			continue;
		if (m < 0)
			return -1;
		if (m == 0) {
			errno = EPIPE;	/* the pipe cannot be empty here */
			return -1;
		}
		n -= (size_t)m;
	}
	return 0;
}

static ssize_t splice_through(const struct mover *m, int in, int out,
			      size_t n, struct fdcopy_count *count)
{
	ssize_t r = splice(in, NULL, m->pipe ? m->pipe[1] : out, NULL, n,
			   SPLICE_F_MORE);

	count->calls++;
	if (r <= 0 || !m->pipe)
		return r;
	return drain_pipe(m->pipe[0], out, (size_t)r, count) < 0 ? -1 : r;
}

static ssize_t copy_range(const struct mover *m, int in, int out, size_t n,
			  struct fdcopy_count *count)
{
	ssize_t r = copy_file_range(in, NULL, out, NULL, n, 0);

	(void)m;
	count->calls++;
	return r;
}

/* --- The ways ----------------------------------------------------- */

ssize_t fdcopy_read_write(int in, int out, size_t len, void *buf,
			  size_t buf_len, struct fdcopy_count *count)
{
	const struct mover m = { .step = read_then_write, .chunk = buf_len,
				 .buf = buf };

	REQUIRE(buf && buf_len > 0);
	return move_all(&m, in, out, len, count);
}

/*
 * The mapping starts at the page that holds the offset. A file truncated
 * behind the mapping does not kill us with SIGBUS here: the kernel, not our
 * code, touches the pages, and write() reports EFAULT instead.
 */
ssize_t fdcopy_mmap_write(int in, int out, size_t len,
			  struct fdcopy_count *count)
{
	off_t offset = lseek(in, 0, SEEK_CUR);
	size_t page = (size_t)sysconf(_SC_PAGESIZE), skip, mapped;
	unsigned char *map;
	int status;

	REQUIRE(len <= SSIZE_MAX);
	count->calls++;
	if (offset < 0)
		return -1;
	if (len == 0)
		return 0;
	skip = (size_t)offset % page;
	mapped = skip + len;
	map = mmap(NULL, mapped, PROT_READ, MAP_SHARED, in, offset - (off_t)skip);
	count->calls++;
	if (map == MAP_FAILED)
		return -1;
	status = write_all(out, map + skip, len, count);
	munmap(map, mapped);
	count->calls += 2;	/* munmap, lseek */
	if (status < 0)
		return -1;
	if (lseek(in, offset + (off_t)len, SEEK_SET) < 0)
		return -1;
	return (ssize_t)len;
}

ssize_t fdcopy_sendfile(int in, int out, size_t len,
			struct fdcopy_count *count)
{
	const struct mover m = { .step = send_file, .chunk = FDCOPY_CHUNK };

	return move_all(&m, in, out, len, count);
}

ssize_t fdcopy_splice(int in, int out, size_t len, const int p[2],
		      struct fdcopy_count *count)
{
	const struct mover m = { .step = splice_through, .chunk = FDCOPY_CHUNK,
				 .pipe = p };

	return move_all(&m, in, out, len, count);
}

ssize_t fdcopy_range(int in, int out, size_t len,
		     struct fdcopy_count *count)
{
	const struct mover m = { .step = copy_range, .chunk = FDCOPY_CHUNK };

	return move_all(&m, in, out, len, count);
}

/* --- Pipes, extents, refusals --------------------------------------- */

int fdcopy_pipe_open(int p[2], size_t size, size_t *got)
{
	int n;

	if (size > INT_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if (size > 0 && fcntl(p[1], F_SETPIPE_SZ, (int)size) < 0)
		goto out_close;
	n = fcntl(p[1], F_GETPIPE_SZ);
	if (n < 0)
		goto out_close;
	*got = (size_t)n;
	return 0;
out_close:
	fdcopy_pipe_close(p);
	return -1;
}

void fdcopy_pipe_close(int p[2])
{
	int saved = errno;

	for (int i = 0; i < 2; i++) {
		if (p[i] >= 0)
			close(p[i]);
		p[i] = -1;
	}
	errno = saved;
}

size_t fdcopy_pipe_max(void)
{
	FILE *f = fopen("/proc/sys/fs/pipe-max-size", "re");
	unsigned long long n = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%llu", &n) != 1)
		n = 0;
	fclose(f);
	return (size_t)n;
}

int fdcopy_unsupported(int err)
{
	return err == EXDEV || err == EOPNOTSUPP || err == EINVAL ||
	       err == ENOSYS || err == EBADF;
}

int fdcopy_shares_extents(int fd)
{
	enum { EXTENTS = 32 };
	struct fiemap *map = calloc(1, sizeof(*map) +
				       EXTENTS * sizeof(map->fm_extents[0]));
	int shared = 0;

	if (!map)
		return -1;
	map->fm_length = FIEMAP_MAX_OFFSET;
	map->fm_flags = FIEMAP_FLAG_SYNC;
	map->fm_extent_count = EXTENTS;
	if (ioctl(fd, FS_IOC_FIEMAP, map) < 0) {
		free(map);
		return -1;
	}
	for (unsigned i = 0; i < map->fm_mapped_extents && i < EXTENTS; i++)
		shared |= (map->fm_extents[i].fe_flags & FIEMAP_EXTENT_SHARED) != 0;
	free(map);
	return shared;
}
