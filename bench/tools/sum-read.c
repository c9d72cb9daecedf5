/*
 * sum-read - sum a whole file with read(2), through a 1 MiB buffer.
 *
 *   sum-read FILE     prints the file's checksum_bytes in hex
 *
 * One half of lesson 04's whole-program comparison (bench/04-mmap.hyperfine):
 * the same job as sum-mmap, done the photocopy way. The buffer is 1 MiB
 * because that is the size at which read did best on large files in the
 * workbench's own sweep (bench/results/04-mmap.csv), and page-aligned like
 * the harness's buffers: the kernel copies into a page-aligned buffer
 * faster than into malloc's, which starts 16 bytes into a page.
 *
 * Only a regular file is summed: a FIFO or a device such as /dev/zero may
 * never end. Exit status: 0; 2 with a usage line for bad arguments; 1 with
 * one line when the file cannot be read or the sum cannot be written.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "program.h"

#define BUFFER (1u << 20)

int main(int argc, char **argv)
{
	uint64_t sum;
	void *buf;
	int fd;

	program_start("sum-read");
	program_take_files(argc, argv, 1, "usage: sum-read FILE");
	buf = aligned_alloc(4096, BUFFER);
	fd = fileio_open_regular(argv[1]);
	if (!buf || fd < 0 || fileio_sum(fd, buf, BUFFER, &sum) < 0)
		goto out_fail;
	close(fd);
	free(buf);
	printf("%016" PRIx64 "\n", sum);
	return 0;
out_fail:
	fprintf(stderr, "sum-read: cannot read %s: %s\n", argv[1],
		errno == EINVAL ? "not a regular file" : strerror(errno));
	if (fd >= 0)
		close(fd);
	free(buf);
	return 1;
}
