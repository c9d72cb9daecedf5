/*
 * shmregion.h - memory two processes share: a memfd, mapped MAP_SHARED.
 *
 * memfd_create(2) makes an anonymous file: it lives in memory, has no name
 * in any folder, and disappears when the last descriptor and mapping of it
 * are gone. One process creates the region and maps it; it hands the
 * descriptor to another (peer_send_fd, peer.h), which maps the same pages.
 * Both then read and write one copy of the data: the Google Doc, across
 * processes. Nothing is copied to share it; every write is seen by both.
 *
 * Seals (fcntl F_ADD_SEALS) are how the creator turns the document to
 * "view only" before handing it over, and how the receiver can check that
 * it was (F_GET_SEALS): a seal can be added, never removed.
 *
 *   F_SEAL_SHRINK        nobody may make the file smaller: a reader can
 *                        never meet the SIGBUS of lesson 04's trap.
 *   F_SEAL_GROW          nobody may make it larger.
 *   F_SEAL_WRITE         nobody may write at all. Refused with EBUSY while
 *                        any shared mapping of it may write (see
 *                        shmregion_unmap).
 *   F_SEAL_FUTURE_WRITE  (Linux 5.1) mappings that are already writable
 *                        keep writing; new writable mappings and write(2)
 *                        are refused with EPERM. The creator keeps its pen,
 *                        everyone it hands the region to gets none.
 *   F_SEAL_SEAL          no further seals may be added or removed.
 *
 * Invariants
 *   - After a successful shmregion_create or shmregion_open, data[0..len)
 *     is the whole region, mapped shared, and fd is its descriptor
 *     (close-on-exec). After shmregion_close, data is NULL, len 0, fd -1;
 *     closing twice is harmless.
 *   - A region larger than the memory available is refused before
 *     anything is created (ENOMEM): it would otherwise be killed later, at
 *     a first touch, by the out-of-memory killer.
 *
 * Errors: -1 with errno. A zero-length region is a caller's mistake
 * (REQUIRE).
 */
#ifndef SHMREGION_H
#define SHMREGION_H

#include <stdbool.h>
#include <stddef.h>

struct shmregion {
	unsigned char *data;	/* the mapping; NULL when closed */
	size_t len;		/* its size in bytes */
	int fd;			/* the memfd; -1 when closed */
	bool writable;		/* mapped PROT_READ | PROT_WRITE */
};

/*
 * Create a region of len bytes (name shows in /proc/PID/maps as
 * "memfd:NAME"), sealable, mapped readable and writable. Its bytes read as
 * zero until written.
 */
int shmregion_create(struct shmregion *r, const char *name, size_t len);

/*
 * Map a region whose descriptor fd was handed over: its size comes from
 * fstat. *r takes fd over (shmregion_close closes it), also on failure.
 * writable asks for a writable mapping, which F_SEAL_WRITE and
 * F_SEAL_FUTURE_WRITE refuse with EPERM.
 */
int shmregion_open(struct shmregion *r, int fd, bool writable);

/*
 * Unmap the region but keep its descriptor: data becomes NULL. F_SEAL_WRITE
 * can be added only when no mapping could write: not even a PROT_READ one
 * made through a read-write descriptor, since mprotect could make it
 * writable (the kernel counts every MAP_SHARED mapping that "may write").
 */
void shmregion_unmap(struct shmregion *r);

/* Map the region again (unmapping it first if it is mapped), writable or
 * not. On failure *r is closed. */
int shmregion_remap(struct shmregion *r, bool writable);

/* Unmap and close. */
void shmregion_close(struct shmregion *r);

/* Add seals (F_SEAL_* or-ed together) to the region's file. 0 or -1:
 * EBUSY for F_SEAL_WRITE while a writable mapping exists, EPERM once
 * F_SEAL_SEAL is set. */
int shmregion_seal(const struct shmregion *r, unsigned seals);

/* The seals the file behind fd carries (F_GET_SEALS), or -1 with errno
 * (EINVAL: fd is not a file that can be sealed). */
int shmregion_seals(int fd);

#endif
