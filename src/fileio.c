/*
 * fileio.c - the read loop done once, carefully (see fileio.h), and the
 * check that a file has an end before reading it to the end.
 *
 * Why len must be a multiple of 8 in fileio_sum: checksum_bytes adds 8-byte
 * words. When every piece but the last starts at a multiple of 8 in the
 * file, the pieces' words are the file's words, so the sums add up to the
 * sum of the whole; fileio_read_full fills each piece completely, so a
 * short read cannot shift the pieces out of step.
 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "checksum.h"

int fileio_open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	int err;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto out_close;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto out_close;
	}
	/* O_NONBLOCK was for the open only (it means nothing to a regular
	 * file's reads, but say what is meant). */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		goto out_close;
	return fd;
out_close:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

ssize_t fileio_read_full(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t got = 0;

	REQUIRE(len <= SSIZE_MAX);
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int fileio_write_full(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fileio_sum(int fd, void *buf, size_t len, uint64_t *sum)
{
	uint64_t total = 0;
	ssize_t n;

	REQUIRE(len > 0 && len % 8 == 0);
	while ((n = fileio_read_full(fd, buf, len)) > 0)
		total += checksum_bytes(buf, (size_t)n);
	if (n < 0)
		return -1;
	*sum = total;
	return 0;
}
