/*
 * sum-mmap - sum a whole file through a read-only mapping of it.
 *
 *   sum-mmap FILE     prints the file's checksum_bytes in hex
 *
 * The other half of lesson 04's whole-program comparison: no buffer, no
 * copy; the page cache pages are summed where they stand.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checksum.h"
#include "mappedfile.h"

int main(int argc, char **argv)
{
	struct mappedfile mf;
	uint64_t sum;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: sum-mmap FILE\n");
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: sum-mmap FILE\n");
		return 2;
	}
	if (mappedfile_open(&mf, argv[1], MAPPEDFILE_READ, 0) < 0) {
		fprintf(stderr, "sum-mmap: cannot map %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	sum = checksum_bytes(mf.data, mf.len);
	mappedfile_close(&mf);
	printf("%016" PRIx64 "\n", sum);
	return 0;
}
