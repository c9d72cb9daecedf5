/*
 * fdcopy.h - move bytes from one file descriptor to another, five ways.
 *
 * Lesson 06's library. The photocopy way is read(2) + write(2) through a
 * buffer you own: every byte is copied from the page cache into your
 * buffer, then from your buffer into the kernel again. The other ways hand
 * the kernel the original pages and say "send these":
 *
 *   fdcopy_read_write   read into buf, write from buf    (2 copies via you)
 *   fdcopy_mmap_write   map the source, write() from the mapping (1 copy)
 *   fdcopy_sendfile     sendfile(2): any destination, the kernel moves it
 *   fdcopy_splice       splice(2) through a pipe: file -> pipe -> out
 *   fdcopy_range        copy_file_range(2): file -> file, in the kernel
 *                       (a reflink on btrfs or XFS: no bytes move at all)
 *
 * Every way has the same contract:
 *
 *   - it copies at most len bytes from in's current offset to out, and
 *     moves in's offset past them (and out's, for a file);
 *   - it loops over short transfers: each of these calls may move fewer
 *     bytes than asked, and a caller that ignores the count loses data;
 *   - it returns the bytes copied, which is less than len only when the
 *     source ended first (a file truncated while it is copied: the kernel
 *     returns 0, and the loop stops instead of asking again forever);
 *   - it returns -1 with errno when the kernel refuses or fails; bytes
 *     already copied stay copied.
 *
 * Each way counts, in a struct fdcopy_count the caller provides, the system
 * calls it made and the bytes that passed through user space (read into a
 * buffer of the process, or written from one). These are counted at each
 * call from what the kernel returned, never computed from len: a test can
 * assert that a kernel-side way moved 0 bytes through user space.
 */
#ifndef FDCOPY_H
#define FDCOPY_H

#include <stddef.h>
#include <sys/types.h>

/* What a copy cost, added to by every way. Zero it before you start. */
struct fdcopy_count {
	size_t calls;		/* system calls made (mmap-write: mmap, munmap
				   and lseek too) */
	size_t user_bytes;	/* bytes copied into or out of user memory */
};

/* The most one call of sendfile, splice or copy_file_range moves (the
 * kernel's MAX_RW_COUNT is 0x7ffff000 bytes; we ask for 1 GiB at a time). */
#define FDCOPY_CHUNK ((size_t)1 << 30)

/* --- The ways ------------------------------------------------------------ */

/* read() up to buf_len bytes into buf, then write() all of them; repeat. */
ssize_t fdcopy_read_write(int in, int out, size_t len, void *buf,
			  size_t buf_len, struct fdcopy_count *count);

/* Map [offset, offset + len) of the file in read-only, write() from it. */
ssize_t fdcopy_mmap_write(int in, int out, size_t len,
			  struct fdcopy_count *count);

/* sendfile(out, in, NULL, ...) until len bytes moved or the source ends. */
ssize_t fdcopy_sendfile(int in, int out, size_t len,
			struct fdcopy_count *count);

/*
 * splice(2) from in into the pipe p (p[1] its write end), then from the
 * pipe into out, a pipeful at a time. The pipe must be empty; it is empty
 * again when the call returns 0 or more. When out is itself a pipe, pass
 * p == NULL: the file is spliced straight into out.
 */
ssize_t fdcopy_splice(int in, int out, size_t len, const int p[2],
		      struct fdcopy_count *count);

/* copy_file_range(in, NULL, out, NULL, ...) until len bytes or the end. */
ssize_t fdcopy_range(int in, int out, size_t len,
		     struct fdcopy_count *count);

/* --- Pipes ----------------------------------------------------------------- */

/*
 * Make a pipe (close-on-exec) and ask for size bytes of buffer with
 * F_SETPIPE_SZ (0: keep the default, 64 KiB on Linux). The kernel rounds
 * up to a power of two pages; above /proc/sys/fs/pipe-max-size an
 * unprivileged process is refused with EPERM. Sets *got to the size the
 * pipe has. Returns 0, or -1 with errno and no pipe left open.
 */
int fdcopy_pipe_open(int p[2], size_t size, size_t *got);

/* Close both ends of a pipe made by fdcopy_pipe_open; -1 marks them closed. */
void fdcopy_pipe_close(int p[2]);

/* /proc/sys/fs/pipe-max-size: the largest pipe we may ask for. 0 if it
 * cannot be read. */
size_t fdcopy_pipe_max(void);

/* --- What the file system did ---------------------------------------------- */

/*
 * After a copy_file_range: does the copy share blocks with another file
 * (a reflink, as btrfs and XFS make: no byte was copied at all), or did
 * the kernel copy the bytes (ext4)? Asks FIEMAP for fd's extents.
 * Returns 1 (shared), 0 (not shared), or -1 with errno (no FIEMAP here).
 */
int fdcopy_shares_extents(int fd);

/* --- Which way the kernel refuses ----------------------------------------- */

/*
 * Did a kernel-side way fail because it cannot do this pair of files (so a
 * read/write copy is the right answer), rather than because the world
 * failed (a full disk, an I/O error)? True for EXDEV, EOPNOTSUPP, EINVAL,
 * ENOSYS and EBADF (a destination opened O_APPEND, or not seekable).
 */
int fdcopy_unsupported(int err);

#endif
