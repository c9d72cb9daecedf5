/*
 * mappedfile.h - a whole file, mapped into memory, handed out as a view.
 *
 * read(2) photocopies: the kernel copies bytes from its page cache into a
 * buffer you own. mmap(2) hands over the original: the page cache pages
 * themselves appear in your address space, and you read them where they
 * stand. A mappedfile is one such mapping of a whole regular file, with the
 * three ways of mapping that matter:
 *
 *   MAPPEDFILE_READ     read-only; you see the file as it is, even when
 *                       someone else changes it.
 *   MAPPEDFILE_PRIVATE  readable and writable, copy-on-write: the first
 *                       write to a page gives this process its own copy of
 *                       that page (a lazy photocopy of only the pages you
 *                       write). The file never changes.
 *   MAPPEDFILE_SHARED   readable and writable, and writes go to the page
 *                       cache itself: the file and every other process
 *                       that maps it see them (the shared Google Doc).
 *
 * Invariants
 *   - After a successful mappedfile_open, data[0..len) is the file's
 *     contents as long as the mapping is open; len is the file's size when
 *     it was opened. The file descriptor is already closed: the mapping
 *     keeps its own reference to the file.
 *   - An empty file opens successfully as an empty mapping: len == 0,
 *     data == NULL, nothing mapped (mmap refuses a length of 0, so there is
 *     nothing to map, and an empty view is the honest answer).
 *   - After mappedfile_close, data is NULL and len is 0; closing twice is
 *     harmless.
 *
 * The sharp edge (lesson 04 shows it): the mapping does not follow the file. If someone
 * truncates the file while it is mapped, touching a page past the new end
 * raises SIGBUS, which kills the process unless it is caught. MAP_PRIVATE
 * is not a snapshot either: a page you have not written yet may still show
 * later changes made to the file by others.
 *
 * Errors: mappedfile_open returns -1 with errno (ENOENT, EACCES, EISDIR for
 * a directory, ENODEV for other files that are not regular, EFBIG, ENOMEM,
 * ...) and leaves *mf empty. Asking to write through a MAPPEDFILE_READ
 * mapping is a caller's mistake, caught by REQUIRE.
 */
#ifndef MAPPEDFILE_H
#define MAPPEDFILE_H

#include <stddef.h>

#include "byteview.h"

enum mappedfile_mode {
	MAPPEDFILE_READ,
	MAPPEDFILE_PRIVATE,
	MAPPEDFILE_SHARED,
};

/*
 * Hints, or-ed together, about how the mapping will be read. Without them
 * each page is mapped lazily, on the first touch (a minor page fault).
 *   MAPPEDFILE_POPULATE    map every page now (MAP_POPULATE): one long call
 *                          instead of many faults later.
 *   MAPPEDFILE_SEQUENTIAL  madvise(MADV_SEQUENTIAL): read ahead eagerly.
 *   MAPPEDFILE_RANDOM      madvise(MADV_RANDOM): do not read ahead.
 */
enum mappedfile_hint {
	MAPPEDFILE_POPULATE = 1 << 0,
	MAPPEDFILE_SEQUENTIAL = 1 << 1,
	MAPPEDFILE_RANDOM = 1 << 2,
};

struct mappedfile {
	unsigned char *data;	/* NULL when len == 0 */
	size_t len;		/* bytes mapped: the file's size at open */
	enum mappedfile_mode mode;
};

/*
 * Map the whole file at path in the given mode, with hints (0 for none).
 * Returns 0, or -1 with errno and *mf empty. MAPPEDFILE_SHARED needs write
 * permission on the file; the other two modes only read permission.
 */
int mappedfile_open(struct mappedfile *mf, const char *path,
		    enum mappedfile_mode mode, unsigned hints);

/* The mapped bytes as a read-only view. No copy: the view points into the
 * mapping and dangles after mappedfile_close. */
static inline struct byteview mappedfile_view(const struct mappedfile *mf)
{
	return byteview_make(mf->data, mf->len);
}

/* The mapped bytes, writable. Only for MAPPEDFILE_PRIVATE and _SHARED. */
static inline unsigned char *mappedfile_bytes(struct mappedfile *mf)
{
	REQUIRE(mf->mode != MAPPEDFILE_READ);
	return mf->data;
}

/*
 * Write the changes made through a MAPPEDFILE_SHARED mapping to the disk
 * and wait for it (msync MS_SYNC). Other processes see the changes without
 * this; it is for surviving a crash. Returns 0, or -1 with errno.
 */
int mappedfile_sync(struct mappedfile *mf);

/* Unmap. Afterwards *mf is empty; every view of it dangles. */
void mappedfile_close(struct mappedfile *mf);

#endif
