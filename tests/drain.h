/*
 * drain.h - for tests: a child process that reads a pipe or a socket to
 * its end and reports what arrived.
 *
 * The writing side of a pipe blocks when nobody reads it, so a test that
 * copies into a pipe or a socket needs a reader running at the same time.
 * drain_start forks one; drain_finish (after the test closed its writing
 * end) collects how many bytes arrived and their checksum_bytes, computed
 * over 1 MiB pieces, so that it equals checksum_bytes of the whole stream.
 */
#ifndef TEST_DRAIN_H
#define TEST_DRAIN_H

#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checksum.h"
#include "fileio.h"

struct drain {
	pid_t pid;
	int report;		/* read end of the child's report pipe */
};

struct drain_report {
	size_t bytes;
	uint64_t sum;
	int ok;
};

/* Fork a reader of fd; the child closes `other` (the writing end). */
static inline int drain_start(struct drain *d, int fd, int other)
{
	int rp[2];

	d->pid = -1;
	d->report = -1;
	if (pipe(rp) < 0)
		return -1;
	d->pid = fork();
	if (d->pid < 0)
		return -1;
	if (d->pid == 0) {
		static unsigned char buf[1 << 20];
		struct drain_report r = { 0, 0, 1 };
		ssize_t n;

		close(rp[0]);
		close(other);
		while ((n = fileio_read_full(fd, buf, sizeof(buf))) > 0) {
			r.bytes += (size_t)n;
			r.sum += checksum_bytes(buf, (size_t)n);
		}
		r.ok = n == 0;
		_exit(write(rp[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
	}
	close(rp[1]);
	d->report = rp[0];
	return 0;
}

/* Wait for the reader; 0 and *r filled, or -1 if it failed. */
static inline int drain_finish(struct drain *d, struct drain_report *r)
{
	int status;
	ssize_t n = fileio_read_full(d->report, r, sizeof(*r));

	close(d->report);
	if (waitpid(d->pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	return n == (ssize_t)sizeof(*r) && r->ok ? 0 : -1;
}

#endif
