/*
 * sum-mmap - sum a whole file through a read-only mapping of it.
 *
 *   sum-mmap FILE     prints the file's checksum_bytes in hex
 *
 * The other half of lesson 04's whole-program comparison: no buffer, no
 * copy; the page cache pages are summed where they stand.
 *
 * Two ways a mapping can lie, and what this program does about them:
 *
 *   - A file that shrinks while it is mapped (someone truncates it) leaves
 *     pages in the mapping with no file behind them, and touching one
 *     raises SIGBUS: lesson 04's trap. The sum runs under a SIGBUS handler
 *     that jumps back out (sigsetjmp/siglongjmp), and the program reports
 *     the file as changed instead of dying.
 *   - A file that says its size is 0 but is not empty (those of /proc)
 *     would map as nothing and sum as the empty file: it is refused.
 *
 * Only a regular file is mapped: a FIFO or a device is refused. Exit
 * status: 0; 2 with a usage line for bad arguments; 1 with one line when
 * the file cannot be mapped or summed, or the sum cannot be written.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checksum.h"
#include "fileio.h"
#include "mappedfile.h"
#include "program.h"

static sigjmp_buf on_bus_error;

static void bus_error(int sig)
{
	(void)sig;
	siglongjmp(on_bus_error, 1);
}

/* The sum of the mapping into *sum: 0, or -1 if a page of it raised
 * SIGBUS. The handler is in place only while the mapping is read. */
static int guarded_sum(const struct mappedfile *mf, uint64_t *sum)
{
	struct sigaction sa = { .sa_handler = bus_error }, old;
	int status = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(on_bus_error, 1) == 0)
		*sum = checksum_bytes(mf->data, mf->len);
	else
		status = -1;
	sigaction(SIGBUS, &old, NULL);
	return status;
}

/* Is a file whose size is 0 really empty? (One byte read says.) */
static int really_empty(int fd)
{
	char c;

	return read(fd, &c, 1) == 0;
}

static int fail(const char *path, const char *why)
{
	fprintf(stderr, "sum-mmap: cannot map %s: %s\n", path, why);
	return 1;
}

int main(int argc, char **argv)
{
	struct mappedfile mf;
	uint64_t sum;
	int fd, size_true;

	program_start("sum-mmap");
	program_take_files(argc, argv, 1, "usage: sum-mmap FILE");
	fd = fileio_open_regular(argv[1]);
	if (fd < 0)
		return fail(argv[1], errno == EINVAL ? "not a regular file"
						     : strerror(errno));
	if (mappedfile_open(&mf, argv[1], MAPPEDFILE_READ, 0) < 0) {
		close(fd);
		return fail(argv[1], strerror(errno));
	}
	size_true = mf.len > 0 || really_empty(fd);
	close(fd);
	if (!size_true) {
		mappedfile_close(&mf);
		return fail(argv[1], "its size says 0 but it is not empty (a "
			    "/proc file?): read it with sum-read");
	}
	if (guarded_sum(&mf, &sum) < 0) {
		mappedfile_close(&mf);
		return fail(argv[1], "it shrank while it was read (SIGBUS)");
	}
	mappedfile_close(&mf);
	printf("%016" PRIx64 "\n", sum);
	return 0;
}
