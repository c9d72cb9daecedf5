/*
 * fdcopy - copy a file the way lesson 06 teaches: let the kernel move it.
 *
 *   fdcopy [-v] [-w WAY] FILE [DEST]
 *
 * Copies FILE to DEST, a new file (never one that exists: fdcopy replaces
 * nothing), or into DEST as it is when DEST is a device or a pipe, or to
 * standard output when DEST is not given. It tries copy_file_range, then
 * sendfile, then read() + write(), and with -v says on standard error
 * which one did the work, in how many system calls, how many bytes passed
 * through its own memory, and why the other ways did not. -w WAY uses one
 * way only (read-write, mmap-write, sendfile, splice, copy_file_range), to
 * compare them: these counts do not depend on timing, so lesson 06's
 * notebook prints them.
 *
 * A new DEST is written under a temporary name beside it (.DEST.fdcopy.XXXXXX)
 * and renamed into place only when every byte is there, so a failure (a
 * full disk) or Ctrl-C leaves no partial file. FILE must be a regular file:
 * a directory, a FIFO or a device is refused with one line; a file of
 * /proc, which says it is empty, is copied with read() + write().
 *
 * Exit status: 0; 2 with a usage line for bad arguments; 1 with one line
 * "fdcopy: what failed: reason" when the copy cannot be made.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdcopy.h"

#define BUFFER ((size_t)64 << 10)

static char temp_path[PATH_MAX];	/* the unfinished DEST, if any */

static void remove_temp(void)
{
	if (temp_path[0])
		unlink(temp_path);
}

static void remove_temp_and_die(int sig)
{
	remove_temp();
	signal(sig, SIG_DFL);
	raise(sig);
}

static _Noreturn void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: fdcopy [-v] [-w WAY] FILE [DEST]\n"
		"  WAY: read-write, mmap-write, sendfile, splice, copy_file_range\n");
	exit(status);
}

static _Noreturn void fail(const char *what, const char *path)
{
	fprintf(stderr, "fdcopy: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* Open FILE for reading; refuse what is not a regular file, without
 * blocking on a FIFO that has no writer. */
static int open_source(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 || fstat(fd, st) < 0)
		fail("cannot open", path);
	if (S_ISDIR(st->st_mode)) {
		errno = EISDIR;
		fail("cannot copy", path);
	}
	if (!S_ISREG(st->st_mode)) {
		fprintf(stderr, "fdcopy: cannot copy %s: not a regular file (%s)\n",
			path, S_ISFIFO(st->st_mode) ? "a FIFO" :
			S_ISSOCK(st->st_mode) ? "a socket" : "a device");
		exit(1);
	}
	if (fcntl(fd, F_SETFL, 0) < 0)
		fail("cannot read", path);
	return fd;
}

/* Where the bytes go: a temporary file beside a new DEST, or DEST itself
 * when it is a device or a pipe, or standard output. */
static int open_dest(const char *dest)
{
	char for_dir[PATH_MAX], for_base[PATH_MAX], *dir, *base;
	struct stat st;
	int fd;

	if (!dest)
		return STDOUT_FILENO;
	if (stat(dest, &st) == 0) {
		if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
			fprintf(stderr, "fdcopy: %s exists; fdcopy replaces "
				"nothing\n", dest);
			exit(1);
		}
		fd = open(dest, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			fail("cannot open", dest);
		return fd;
	}
	/* dirname and basename may change their argument: one copy each */
	if (strlen(dest) >= sizeof(for_dir)) {
		errno = ENAMETOOLONG;
		fail("cannot create", dest);
	}
	dir = dirname(strcpy(for_dir, dest));
	base = basename(strcpy(for_base, dest));
	if (snprintf(temp_path, sizeof(temp_path), "%s/.%s.fdcopy.XXXXXX", dir,
		     base) >= (int)sizeof(temp_path)) {
		temp_path[0] = '\0';
		errno = ENAMETOOLONG;
		fail("cannot create", dest);
	}
	fd = mkostemp(temp_path, O_CLOEXEC);
	if (fd < 0) {
		temp_path[0] = '\0';
		fail("cannot create a file beside", dest);
	}
	return fd;
}

static const char *const ways[] = { "read-write", "mmap-write", "sendfile",
				    "splice", "copy_file_range", NULL };

/* One way only, as -w asked (mmap-write maps the size fstat gave). */
static ssize_t copy_one_way(int in, int out, int way, size_t size,
			    struct fdcopy_count *c)
{
	static unsigned char buf[BUFFER];
	int p[2];
	size_t got;
	ssize_t n;

	switch (way) {
	case 0:
		return fdcopy_read_write(in, out, SSIZE_MAX, buf, sizeof(buf), c);
	case 1:
		return fdcopy_mmap_write(in, out, size, c);
	case 2:
		return fdcopy_sendfile(in, out, SSIZE_MAX, c);
	case 3:
		if (fdcopy_pipe_open(p, fdcopy_pipe_max(), &got) < 0)
			return -1;
		n = fdcopy_splice(in, out, SSIZE_MAX, p, c);
		fdcopy_pipe_close(p);
		return n;
	default:
		return fdcopy_range(in, out, SSIZE_MAX, c);
	}
}

/* The kernel's ways, then the photocopy. */
static ssize_t copy_any_way(int in, int out, struct fdcopy_count *c,
			    const char **way, int verbose)
{
	static unsigned char buf[BUFFER];
	ssize_t n = fdcopy_range(in, out, SSIZE_MAX, c);

	*way = "copy_file_range";
	if (n < 0 && fdcopy_unsupported(errno)) {
		if (verbose)
			fprintf(stderr, "fdcopy: copy_file_range: %s\n",
				strerror(errno));
		n = fdcopy_sendfile(in, out, SSIZE_MAX, c);
		*way = "sendfile";
	}
	if ((n < 0 && fdcopy_unsupported(errno)) || n == 0) {
		if (verbose && n < 0)
			fprintf(stderr, "fdcopy: sendfile: %s\n", strerror(errno));
		n = fdcopy_read_write(in, out, SSIZE_MAX, buf, sizeof(buf), c);
		*way = "read/write";
	}
	return n;
}

/* Copy with the way asked for (-1: the best that works); -v says how. */
static ssize_t copy(int in, int out, int way, size_t size, int verbose)
{
	struct fdcopy_count c = { 0 };
	const char *name = way >= 0 ? ways[way] : NULL;
	ssize_t n = way >= 0 ? copy_one_way(in, out, way, size, &c)
			     : copy_any_way(in, out, &c, &name, verbose);

	if (verbose && n >= 0)
		fprintf(stderr, "fdcopy: %zd bytes with %s, in %zu system calls, "
			"%zu bytes through user space\n", n, name, c.calls,
			c.user_bytes);
	return n;
}

static int way_named(const char *name)
{
	for (int i = 0; ways[i]; i++)
		if (strcmp(name, ways[i]) == 0)
			return i;
	usage(2);
}

int main(int argc, char **argv)
{
	static const struct option longs[] = { { "help", no_argument, NULL, 'h' },
					       { NULL, 0, NULL, 0 } };
	int verbose = 0, way = -1, opt, nargs, in, out;
	char **args;
	struct stat st;

	opterr = 0;	/* our usage line says it all */
	while ((opt = getopt_long(argc, argv, "+vw:", longs, NULL)) != -1) {
		switch (opt) {
		case 'v': verbose = 1; break;
		case 'w': way = way_named(optarg); break;
		case 'h': if (argc == 2) usage(0); usage(2);
		default: usage(2);
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	if (nargs < 1 || nargs > 2 || args[0][0] == '-' ||
	    (nargs == 2 && args[1][0] == '-'))
		usage(2);
	signal(SIGINT, remove_temp_and_die);
	signal(SIGTERM, remove_temp_and_die);
	signal(SIGHUP, remove_temp_and_die);
	signal(SIGPIPE, SIG_IGN);
	atexit(remove_temp);
	in = open_source(args[0], &st);
	out = open_dest(nargs == 2 ? args[1] : NULL);
	if (copy(in, out, way, (size_t)st.st_size, verbose) < 0)
		fail("cannot copy to", nargs == 2 ? args[1] : "standard output");
	if (out != STDOUT_FILENO && close(out) < 0)
		fail("cannot write", args[1]);
	if (temp_path[0]) {
		if (renameat2(AT_FDCWD, temp_path, AT_FDCWD, args[1],
			      RENAME_NOREPLACE) < 0)
			fail("cannot create", args[1]);
		temp_path[0] = '\0';
	}
	close(in);
	return 0;
}
