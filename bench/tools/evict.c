/*
 * evict - drop files from the page cache, so the next read comes from disk.
 *
 *   evict FILE...
 *
 * fsync, then posix_fadvise(POSIX_FADV_DONTNEED), then a check with mincore
 * that the pages are really gone: no root needed (pagecache.h). It exits 1
 * when a file cannot be evicted (tmpfs, or mapped by a running process),
 * so a cold measurement never silently runs warm; only regular files have
 * pages in the cache to drop (a FIFO or a device is refused). Used as
 * hyperfine's --prepare in bench/04-mmap.hyperfine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "pagecache.h"
#include "program.h"

/* A regular file, or say why not (opening it never waits: fileio.h). */
static int is_regular(const char *path)
{
	int fd = fileio_open_regular(path);

	if (fd < 0) {
		fprintf(stderr, "evict: %s: %s\n", path,
			errno == EINVAL ? "not a regular file" : strerror(errno));
		return 0;
	}
	close(fd);
	return 1;
}

static int evict(const char *path)
{
	size_t resident, pages;

	if (!is_regular(path))
		return -1;
	if (pagecache_evict(path) < 0 ||
	    pagecache_resident(path, &resident, &pages) < 0) {
		fprintf(stderr, "evict: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (resident > 0) {
		fprintf(stderr, "evict: %s: %zu of %zu pages stay cached\n",
			path, resident, pages);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	program_start("evict");
	program_take_files(argc, argv, 0, "usage: evict FILE...");
	for (int i = 1; i < argc; i++)
		if (evict(argv[i]) < 0)
			status = 1;
	return status;
}
