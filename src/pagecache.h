/*
 * pagecache.h - ask the kernel's page cache about a file, or make it forget.
 *
 * Every read of a file, with read(2) or through mmap(2), goes through the
 * page cache: the kernel's copy of recently used file pages in memory. A
 * file "warm" in the cache is read at memory speed; a "cold" one has to come
 * from the disk first. To measure the cold case without root (no
 * drop_caches), a program can evict one file: write back its dirty pages
 * (fsync) and then tell the kernel it will not need them again
 * (posix_fadvise POSIX_FADV_DONTNEED), which drops the clean pages that no
 * process has mapped.
 *
 * The advice is only advice: pages that are mapped somewhere, or a file
 * system that keeps everything in memory (tmpfs), stay resident. That is
 * why pagecache_resident exists: to check, with mincore(2), instead of
 * hoping.
 *
 * On a virtual machine "cold" means cold in this machine's page cache; the
 * host may still hold the disk image in its own cache.
 */
#ifndef PAGECACHE_H
#define PAGECACHE_H

#include <stddef.h>

/* Write back and drop the cached pages of the file at path. 0 or -1, errno. */
int pagecache_evict(const char *path);

/* The same for a file already open (for writing back, fd must allow it). */
int pagecache_evict_fd(int fd);

/*
 * How many of the file's pages are in the page cache now, and how many it
 * has (the size rounded up to whole pages). Returns 0, or -1 with errno.
 * Allocates nothing: it maps the file in pieces and asks mincore.
 */
int pagecache_resident(const char *path, size_t *resident, size_t *pages);

#endif
