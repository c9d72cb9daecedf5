/*
 * test_fdcopy.c - tests of src/fdcopy.h: five ways of moving a file's bytes
 * to another file, a pipe or a socket.
 *
 * Every way must deliver exactly the source's bytes to every destination
 * it supports (checked by size and checksum of what arrived), count the
 * bytes that crossed into user space (0 for the kernel-side ways), and
 * stop early, without spinning, when the source is shorter than asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "checksum.h"
#include "drain.h"
#include "fdcopy.h"
#include "fileio.h"

#define MIB ((size_t)1 << 20)
#define SIZE (3 * MIB + 13)
#define BUF ((size_t)64 << 10)

enum way { READ_WRITE, MMAP_WRITE, SENDFILE, SPLICE, RANGE, WAYS };
enum dest { TO_FILE, TO_PIPE, TO_SOCKET, DESTS };

static const char *const dest_names[] = { "file", "pipe", "socket" };

static char dir[64], src[96], dst[96];
static uint64_t src_sum;

static int make_files(void **state)
{
	unsigned char *data = malloc(SIZE);
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-fdcopy-XXXXXX");
	if (!data || !mkdtemp(dir)) {
		free(data);
		return -1;
	}
	snprintf(src, sizeof(src), "%s/source", dir);
	snprintf(dst, sizeof(dst), "%s/copy", dir);
	for (size_t i = 0; i < SIZE; i++)
		data[i] = (unsigned char)(i * 131 + i / 4099);
	src_sum = checksum_bytes(data, SIZE);
	fd = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, SIZE) != (ssize_t)SIZE) {
		free(data);
		return -1;
	}
	free(data);
	return close(fd);
}

static int remove_files(void **state)
{
	(void)state;
	unlink(src);
	unlink(dst);
	rmdir(dir);
	return 0;
}

/* read-write, with a buffer of BUF. */
static ssize_t read_write(int in, int out, size_t len, struct fdcopy_count *c)
{
	static unsigned char buf[BUF];

	return fdcopy_read_write(in, out, len, buf, sizeof(buf), c);
}

/* splice: straight into a pipe; to anything else through a pipe of its own. */
static ssize_t splice_anywhere(int in, int out, size_t len,
			       struct fdcopy_count *c)
{
	int p[2] = { -1, -1 };
	struct stat st;
	size_t got;
	ssize_t n;

	assert_int_equal(fstat(out, &st), 0);
	if (S_ISFIFO(st.st_mode))
		return fdcopy_splice(in, out, len, NULL, c);
	assert_int_equal(fdcopy_pipe_open(p, 0, &got), 0);
	n = fdcopy_splice(in, out, len, p, c);
	fdcopy_pipe_close(p);
	return n;
}

/* The five ways, each called the same way, and how often each byte crosses
 * into user space. */
static const struct copy_way {
	const char *name;
	ssize_t (*copy)(int in, int out, size_t len, struct fdcopy_count *c);
	size_t crossings;
} ways[WAYS] = {
	[READ_WRITE] = { "read-write", read_write, 2 },
	[MMAP_WRITE] = { "mmap-write", fdcopy_mmap_write, 1 },
	[SENDFILE] = { "sendfile", fdcopy_sendfile, 0 },
	[SPLICE] = { "splice", splice_anywhere, 0 },
	[RANGE] = { "copy_file_range", fdcopy_range, 0 },
};

/* Copy the source with way w to dest d; check what arrived. */
static void deliver(enum way w, enum dest d, struct fdcopy_count *c)
{
	struct drain_report r = { 0 };
	struct drain dr;
	int in = open(src, O_RDONLY), ends[2], out;
	ssize_t n;

	assert_true(in >= 0);
	if (d == TO_FILE) {
		out = open(dst, O_RDWR | O_CREAT | O_TRUNC, 0600);
		assert_true(out >= 0);
	} else {
		if (d == TO_PIPE)
			assert_int_equal(pipe(ends), 0);
		else
			assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0);
		assert_int_equal(drain_start(&dr, ends[0], ends[1]), 0);
		close(ends[0]);
		out = ends[1];
	}
	n = ways[w].copy(in, out, SIZE, c);
	if (n != (ssize_t)SIZE)
		fail_msg("%s to a %s: copied %zd of %zu bytes (%s)", ways[w].name,
			 dest_names[d], n, SIZE, n < 0 ? strerror(errno) : "");
	if (d == TO_FILE) {
		unsigned char *buf = test_malloc(MIB);
		ssize_t k;

		assert_int_equal(lseek(out, 0, SEEK_SET), 0);
		while ((k = fileio_read_full(out, buf, MIB)) > 0) {
			r.bytes += (size_t)k;
			r.sum += checksum_bytes(buf, (size_t)k);
		}
		test_free(buf);
		close(out);
	} else {
		close(out);
		assert_int_equal(drain_finish(&dr, &r), 0);
	}
	close(in);
	if (r.bytes != SIZE || r.sum != src_sum)
		fail_msg("%s to a %s: %zu bytes arrived, checksum %#llx; want %zu, "
			 "%#llx", ways[w].name, dest_names[d], r.bytes,
			 (unsigned long long)r.sum, SIZE, (unsigned long long)src_sum);
}

static void every_way_delivers_the_same_bytes_everywhere(void **state)
{
	(void)state;
	for (int w = 0; w < WAYS; w++)
		for (int d = 0; d < DESTS; d++) {
			struct fdcopy_count c = { 0 };

			if (w == RANGE && d != TO_FILE)
				continue;	/* copy_file_range: files only */
			deliver(w, d, &c);
		}
}

/* Counted, not assumed: read-write crosses twice, mmap-write once, the
 * kernel's ways never. */
static void bytes_through_user_space_are_counted(void **state)
{
	(void)state;
	for (int w = 0; w < WAYS; w++) {
		struct fdcopy_count c = { 0 };

		deliver(w, TO_FILE, &c);
		if (c.user_bytes != ways[w].crossings * SIZE)
			fail_msg("%s: %zu bytes through user space, want %zu",
				 ways[w].name, c.user_bytes, ways[w].crossings * SIZE);
		assert_true(c.calls >= 1);
	}
}

/* Into a pipe, each call moves at most a pipeful: short transfers, and
 * still every byte (checked by deliver). */
static void a_pipe_makes_short_transfers_that_are_looped_over(void **state)
{
	struct fdcopy_count c = { 0 };

	(void)state;
	deliver(SENDFILE, TO_PIPE, &c);
	assert_true(c.calls >= SIZE / (64 << 10));
}

/* Asked for more than the file holds (it was truncated), each way copies
 * what there is and returns. */
static void a_short_source_ends_the_copy(void **state)
{
	(void)state;
	for (int w = 0; w < WAYS; w++) {
		struct fdcopy_count c = { 0 };
		int in = open(src, O_RDONLY);
		int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ssize_t n;

		assert_true(in >= 0 && out >= 0);
		if (w == MMAP_WRITE) {
			close(in);
			close(out);
			continue;	/* it maps len bytes: asked for no more than the file */
		}
		n = ways[w].copy(in, out, 4 * SIZE, &c);
		close(in);
		close(out);
		if (n != (ssize_t)SIZE)
			fail_msg("%s asked for 4x the file: copied %zd, want %zu",
				 ways[w].name, n, SIZE);
	}
}

static void a_pipe_grows_to_a_power_of_two_pages(void **state)
{
	int p[2];
	size_t got;

	(void)state;
	assert_int_equal(fdcopy_pipe_open(p, 100000, &got), 0);
	assert_int_equal(got, 131072);
	fdcopy_pipe_close(p);
	assert_int_equal(p[0], -1);
	assert_int_equal(fdcopy_pipe_open(p, 0, &got), 0);
	assert_int_equal(got, 65536);
	fdcopy_pipe_close(p);
}

static void a_pipe_beyond_the_limit_is_refused(void **state)
{
	size_t max = fdcopy_pipe_max(), got;
	int p[2];

	(void)state;
	if (max == 0 || geteuid() == 0)
		skip();		/* root (CAP_SYS_RESOURCE) may exceed it */
	errno = 0;
	assert_int_equal(fdcopy_pipe_open(p, 2 * max, &got), -1);
	assert_int_equal(errno, EPERM);
}

static void which_errors_mean_unsupported(void **state)
{
	(void)state;
	assert_true(fdcopy_unsupported(EXDEV));
	assert_true(fdcopy_unsupported(EOPNOTSUPP));
	assert_true(fdcopy_unsupported(EINVAL));
	assert_true(fdcopy_unsupported(ENOSYS));
	assert_false(fdcopy_unsupported(ENOSPC));
	assert_false(fdcopy_unsupported(EIO));
}

/* --- Not a snapshot -------------------------------------------------------- */

/* A pipe holds the pages handed to it: change them before the reader
 * reads, and the reader gets the change. */
static void a_pipe_holds_pages_not_a_snapshot(void **state)
{
	static char page[4096] __attribute__((aligned(4096)));
	struct iovec iov = { page, sizeof(page) };
	struct fdcopy_count c = { 0 };
	char got[8];
	int p[2], in = open(src, O_RDWR);

	(void)state;
	assert_true(in >= 0);
	assert_int_equal(pipe(p), 0);
	memcpy(page, "original", 8);
	assert_int_equal(vmsplice(p[1], &iov, 1, 0), (ssize_t)sizeof(page));
	memcpy(page, "CHANGED!", 8);
	assert_int_equal(fileio_read_full(p[0], got, 8), 8);
	assert_memory_equal(got, "CHANGED!", 8);
	assert_int_equal(fileio_read_full(p[0], page, sizeof(page) - 8),
			 (ssize_t)sizeof(page) - 8);
	assert_int_equal(fdcopy_sendfile(in, p[1], 4096, &c), 4096);
	assert_int_equal(pwrite(in, "CHANGED!", 8, 0), 8);
	assert_int_equal(fileio_read_full(p[0], got, 8), 8);
	assert_memory_equal(got, "CHANGED!", 8);
	close(p[0]);
	close(p[1]);
	close(in);
}

/* --- The fdcopy command (bench/tools/fdcopy.c) -------------------------------- */

/* build/tests/test_fdcopy -> build/bench/tools/fdcopy */
static void tool_path(char *path, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", path, len - 32);
	char *slash;

	assert_true(n > 0);
	path[n] = '\0';
	for (int i = 0; i < 2 && (slash = strrchr(path, '/')); i++)
		*slash = '\0';
	strcat(path, "/bench/tools/fdcopy");
	if (access(path, X_OK) != 0)
		skip();
}

/* Run fdcopy FILE DEST (with a file size limit, if limit > 0); returns
 * its exit status, or 128 + the signal that killed it. */
static int run_tool(const char *file, const char *dest, long limit)
{
	char path[512];
	int status;
	pid_t pid;

	tool_path(path, sizeof(path));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDERR_FILENO);
		if (limit > 0) {
			struct rlimit r = { (rlim_t)limit, (rlim_t)limit };

			signal(SIGXFSZ, SIG_IGN);	/* then write says EFBIG */
			setrlimit(RLIMIT_FSIZE, &r);
		}
		execl(path, path, file, dest, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* How many entries the test folder holds (source and copy included). */
static int entries(void)
{
	char cmd[128];
	int n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls -A %s", dir);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(cmd, sizeof(cmd), f))
		n++;
	pclose(f);
	return n;
}

static void the_tool_copies_a_file_and_a_procfs_file(void **state)
{
	struct drain_report r = { 0 };
	unsigned char buf[4096];
	ssize_t n;
	int fd;

	(void)state;
	assert_int_equal(run_tool(src, dst, 0), 0);
	fd = open(dst, O_RDONLY);
	assert_true(fd >= 0);
	while ((n = fileio_read_full(fd, buf, sizeof(buf))) > 0) {
		r.bytes += (size_t)n;
		r.sum += checksum_bytes(buf, (size_t)n);
	}
	close(fd);
	assert_int_equal(r.bytes, SIZE);
	assert_int_equal(r.sum, src_sum);
	unlink(dst);
	assert_int_equal(run_tool("/proc/version", dst, 0), 0);
	fd = open(dst, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(read(fd, buf, sizeof(buf)) > 0);
	close(fd);
}

static void the_tool_replaces_no_file(void **state)
{
	(void)state;
	close(open(dst, O_WRONLY | O_CREAT, 0600));
	assert_int_equal(run_tool(src, dst, 0), 1);
	assert_int_equal(entries(), 2);
}

static void the_tool_refuses_a_fifo_without_waiting(void **state)
{
	char fifo[128];

	(void)state;
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(run_tool(fifo, dst, 0), 1);
	unlink(fifo);
	assert_int_equal(entries(), 1);
}

/* The destination cannot take the whole file (as on a full disk): exit
 * 1, and no partial copy left behind. */
static void the_tool_leaves_no_partial_copy(void **state)
{
	(void)state;
	assert_int_equal(run_tool(src, dst, 1 << 20), 1);
	assert_int_equal(entries(), 1);
	assert_int_equal(run_tool(src, "/dev/full", 0), 1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, make_files, remove_files)
	const struct CMUnitTest tests[] = {
		T(every_way_delivers_the_same_bytes_everywhere),
		T(bytes_through_user_space_are_counted),
		T(a_pipe_makes_short_transfers_that_are_looped_over),
		T(a_short_source_ends_the_copy),
		T(a_pipe_holds_pages_not_a_snapshot),
		T(the_tool_copies_a_file_and_a_procfs_file),
		T(the_tool_replaces_no_file),
		T(the_tool_refuses_a_fifo_without_waiting),
		T(the_tool_leaves_no_partial_copy),
		cmocka_unit_test(a_pipe_grows_to_a_power_of_two_pages),
		cmocka_unit_test(a_pipe_beyond_the_limit_is_refused),
		cmocka_unit_test(which_errors_mean_unsupported),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
