/*
 * peer.h - a second process to talk to, that can neither hang us nor outlive us.
 *
 * Lesson 07 passes data between two real processes. A peer is a child
 * started with fork, joined to its parent by one Unix socketpair, the
 * "life line": it carries small control messages and file descriptors
 * (SCM_RIGHTS), and it tells each side when the other is gone, because the
 * kernel closes a dead process's end of it.
 *
 * Invariants
 *   - The child dies with its parent: it asks for SIGKILL when the parent
 *     dies (prctl PR_SET_PDEATHSIG), so Ctrl-C on the parent leaves no
 *     child behind, whatever signal handlers the parent has. A memfd region
 *     (shmregion.h) has no name in any file system, so once both processes
 *     are gone, nothing at all is left.
 *   - The child keeps only standard input, output, error and its end of
 *     the life line: every other descriptor it inherited is closed at once,
 *     so it holds no other peer's life line open. Descriptors it needs are
 *     handed over with peer_send_fd.
 *   - Every wait on the life line is bounded: a read or write that waits
 *     longer than the socket's timeout (PEER_TIMEOUT_MS unless changed
 *     with peer_set_timeout) fails with ETIMEDOUT, and one whose other side
 *     is gone fails with EPIPE. peer_stop waits a bounded time, then kills.
 *
 * Errors: -1 with errno, as above; a short read or write is never returned.
 * SIGPIPE is ignored from the first peer_start on, so writing to a dead
 * peer is the error EPIPE, not a silent death.
 */
#ifndef PEER_H
#define PEER_H

#include <stddef.h>
#include <sys/types.h>

#define PEER_TIMEOUT_MS 10000	/* the default bound on one wait: 10 s */

struct peer {
	pid_t pid;	/* the child; 0 when there is none */
	int sock;	/* the parent's end of the life line; -1 when closed */
};

/*
 * Fork a child that runs child_main(sock, arg) with its own end of the
 * life line, then _exits with what it returned. In the parent, fill *p and
 * return 0; -1 with errno if the socket or the fork failed.
 */
int peer_start(struct peer *p, int (*child_main)(int sock, void *arg),
	       void *arg);

/*
 * Close the life line (the child reads end of file), wait up to
 * timeout_ms for the child to exit, then kill it. Returns the child's
 * exit status (0 to 255), or -1 if it had to be killed or died of a
 * signal. Harmless on a peer already stopped.
 */
int peer_stop(struct peer *p, int timeout_ms);

/* Bound every later read and write on sock to timeout_ms. 0 or -1. */
int peer_set_timeout(int sock, int timeout_ms);

/* Read exactly n bytes from fd (a socket or a pipe): 0, or -1 with
 * ETIMEDOUT, EPIPE (end of file: the other side closed or died), ... */
int peer_read(int fd, void *buf, size_t n);

/* Write exactly n bytes to fd: 0, or -1 with ETIMEDOUT, EPIPE, ... */
int peer_write(int fd, const void *buf, size_t n);

/* Hand the descriptor fd to the process at the other end of sock: it
 * rides on one byte of data, as SCM_RIGHTS asks. 0 or -1. */
int peer_send_fd(int sock, int fd);

/* Receive a descriptor sent with peer_send_fd: a new descriptor (close-
 * on-exec) for the same open file, or -1 with errno. */
int peer_receive_fd(int sock);

/* Is the other end of sock still there? 1 yes, 0 gone. Never blocks: one
 * poll with a zero timeout. */
int peer_alive(int sock);

#endif
