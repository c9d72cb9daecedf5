/*
 * peer.c - fork a child joined by a socketpair, with bounded waits (peer.h).
 *
 * Layout: starting the child (what it does first, before the caller's code
 * runs); stopping it; reading and writing whole messages (fileio.h's loops,
 * with the errno a peer's caller wants); handing over a descriptor with
 * SCM_RIGHTS; the liveness check.
 *
 * The bounds come from the kernel: SO_RCVTIMEO and SO_SNDTIMEO make a
 * blocking read or write on the socket give up with EAGAIN after the
 * timeout, so a wait costs one system call, as an unbounded one would.
 */
#include "peer.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"

/* --- Starting -------------------------------------------------------------- */

int peer_set_timeout(int sock, int timeout_ms)
{
	struct timeval tv = { .tv_sec = timeout_ms / 1000,
			      .tv_usec = (timeout_ms % 1000) * 1000 };

	if (setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -1;
	return setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* The child's first steps: die with the parent (and notice if it is
 * already gone), keep no descriptor but stdio and the life line. */
static void become_child(int sock, pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	if (sock > 3)
		close_range(3, (unsigned)sock - 1, 0);
	close_range((unsigned)sock + 1, ~0U, 0);
}

int peer_start(struct peer *p, int (*child_main)(int sock, void *arg),
	       void *arg)
{
	pid_t parent = getpid();
	int sv[2];

	signal(SIGPIPE, SIG_IGN);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (peer_set_timeout(sv[0], PEER_TIMEOUT_MS) < 0 ||
	    peer_set_timeout(sv[1], PEER_TIMEOUT_MS) < 0)
		goto out_close;
	fflush(NULL);	/* or the child would print the parent's buffers again */
	p->pid = fork();
	if (p->pid < 0)
		goto out_close;
	if (p->pid == 0) {
		close(sv[0]);
		become_child(sv[1], parent);
		_exit(child_main(sv[1], arg) & 0xff);
	}
	close(sv[1]);
	p->sock = sv[0];
	return 0;
out_close:
	close(sv[0]);
	close(sv[1]);
	p->pid = 0;
	p->sock = -1;
	return -1;
}

/* --- Stopping -------------------------------------------------------------- */

/* Wait for pid up to timeout_ms, 1 ms at a time; 1 if it exited. */
static int reaped(pid_t pid, int timeout_ms, int *status)
{
	const struct timespec ms = { .tv_nsec = 1000000 };

	for (int waited = 0; waited <= timeout_ms; waited++) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			return r == pid;
		nanosleep(&ms, NULL);
	}
	return 0;
}

int peer_stop(struct peer *p, int timeout_ms)
{
	int status = 0;

	if (p->sock >= 0)
		close(p->sock);
	p->sock = -1;
	if (p->pid <= 0)
		return 0;
	if (!reaped(p->pid, timeout_ms, &status)) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &status, 0);
		p->pid = 0;
		return -1;
	}
	p->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* --- Whole messages --------------------------------------------------------- */

/* The errno of a transfer that could not go on: a timeout says so, and a
 * peer that died with our data unread (ECONNRESET) is gone like any other. */
static int failed(void)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		errno = ETIMEDOUT;
	if (errno == ECONNRESET)
		errno = EPIPE;
	return -1;
}

int peer_read(int fd, void *buf, size_t n)
{
	ssize_t got = fileio_read_full(fd, buf, n);

	if (got < 0)
		return failed();
	if ((size_t)got < n) {
		errno = EPIPE;	/* the peer ended before the message did */
		return -1;
	}
	return 0;
}

int peer_write(int fd, const void *buf, size_t n)
{
	return fileio_write_full(fd, buf, n) < 0 ? failed() : 0;
}

/* --- Handing over a descriptor ----------------------------------------------- */

/* The control message that carries one descriptor, aligned as cmsg wants. */
union fd_message {
	struct cmsghdr header;
	char space[CMSG_SPACE(sizeof(int))];
};

int peer_send_fd(int sock, int fd)
{
	union fd_message control;
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control.space,
			      .msg_controllen = sizeof(control.space) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(&control, 0, sizeof(control));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &msg, 0) < 0)
		if (errno != EINTR)
			return failed();
	return 0;
}

int peer_receive_fd(int sock)
{
	union fd_message control;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control.space,
			      .msg_controllen = sizeof(control.space) };
	struct cmsghdr *c;
	ssize_t got;
	int fd;

	while ((got = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
		if (errno != EINTR)
			return failed();
	c = CMSG_FIRSTHDR(&msg);
	if (got == 0 || !c || c->cmsg_level != SOL_SOCKET ||
	    c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) {
		errno = got == 0 ? EPIPE : EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* --- Liveness ---------------------------------------------------------------- */

int peer_alive(int sock)
{
	struct pollfd pfd = { .fd = sock, .events = POLLRDHUP };

	if (poll(&pfd, 1, 0) < 0)
		return errno == EINTR;
	return !(pfd.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL));
}
