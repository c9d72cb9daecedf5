/*
 * test.c - tests of lesson 06's exercise (exercise.h).
 *
 * `make test` runs them against lessons/06-fd-to-fd/solution.c,
 * `make check-06` against your exercise.c. Each test copies a real file
 * with copy_fd into a file, a pipe, /dev/full or an O_APPEND file, then
 * checks the bytes that arrived and what copy_fd counted. No test times
 * anything. A copy loop that spins (asks the kernel again after it said
 * "the file ended") is stopped by a watchdog alarm and fails its test.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "exercise.h"
#include "checksum.h"
#include "drain.h"
#include "fileio.h"

#define MIB ((size_t)1 << 20)
#define WATCHDOG_S 20

static char dir[64], src[96], dst[96];

/* A loop that spins never returns: fail the test instead of hanging. */
static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("copy_fd did not return within %d s: does it ask again "
		 "after a call returned 0?", WATCHDOG_S);
}

static int make_dir(void **state)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_NODEFER };

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-lesson-06-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(src, sizeof(src), "%s/source", dir);
	snprintf(dst, sizeof(dst), "%s/copy", dir);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(WATCHDOG_S);
	return 0;
}

static int remove_dir(void **state)
{
	(void)state;
	alarm(0);
	unlink(src);
	unlink(dst);
	rmdir(dir);
	return 0;
}

/* Write n bytes of a pattern to path; returns their checksum. */
static uint64_t write_pattern(const char *path, size_t n)
{
	unsigned char *data = test_malloc(n ? n : 1);
	uint64_t sum;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 31 + 7 + i / 4093);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	sum = checksum_bytes(data, n);
	test_free(data);
	return sum;
}

/* The size and checksum of a whole file, read back the ordinary way. */
static uint64_t file_sum(const char *path, size_t *size)
{
	unsigned char *buf = test_malloc(MIB);
	uint64_t sum = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	*size = 0;
	while ((n = fileio_read_full(fd, buf, MIB)) > 0) {
		*size += (size_t)n;
		sum += checksum_bytes(buf, (size_t)n);
	}
	assert_int_equal(n, 0);
	close(fd);
	test_free(buf);
	return sum;
}

static int open_source(void)
{
	int fd = open(src, O_RDONLY);

	assert_true(fd >= 0);
	return fd;
}

static int open_copy(int flags)
{
	int fd = open(dst, O_WRONLY | O_CREAT | flags, 0600);

	assert_true(fd >= 0);
	return fd;
}

/*
 * copy_fd from the source, from offset start on, into the copy opened with
 * flags (O_TRUNC or O_APPEND), len the size it was told; both closed after.
 * Returns what copy_fd returned.
 */
static ssize_t copy_source(size_t len, off_t start, int flags,
			   struct fdcopy_count *c)
{
	int in = open_source(), out = open_copy(flags);
	ssize_t copied;

	assert_int_equal(lseek(in, start, SEEK_SET), start);
	copied = copy_fd(in, out, len, c);
	close(in);
	close(out);
	return copied;
}

/* The size of the copy, read back the ordinary way. */
static size_t size_of_copy(void)
{
	size_t got;

	file_sum(dst, &got);
	return got;
}

/* --- File to file -------------------------------------------------------- */

static void copy_fd_copies_every_byte_of_a_file(void **state)
{
	size_t n = 3 * MIB + 5, got;
	uint64_t sum = write_pattern(src, n);
	struct fdcopy_count c = { 0 };

	(void)state;
	assert_int_equal(copy_source(n, 0, O_TRUNC, &c), (ssize_t)n);
	assert_int_equal(file_sum(dst, &got), sum);
	assert_int_equal(got, n);
}

static void copy_fd_moves_no_byte_through_user_space(void **state)
{
	size_t n = 2 * MIB;
	struct fdcopy_count c = { 0 };

	(void)state;
	write_pattern(src, n);
	assert_int_equal(copy_source(n, 0, O_TRUNC, &c), (ssize_t)n);
	if (c.user_bytes != 0)
		fail_msg("%zu bytes went through user space: the kernel can "
			 "copy file to file itself (copy_file_range)", c.user_bytes);
	assert_true(c.calls >= 1);
}

static void copy_fd_starts_at_the_current_offset(void **state)
{
	size_t n = 100000;
	struct fdcopy_count c = { 0 };

	(void)state;
	write_pattern(src, n);
	assert_int_equal(copy_source(n, 4096, O_TRUNC, &c), (ssize_t)(n - 4096));
	assert_int_equal(size_of_copy(), n - 4096);
}

static void copy_fd_copies_an_empty_file_as_empty(void **state)
{
	struct fdcopy_count c = { 0 };

	(void)state;
	write_pattern(src, 0);
	assert_int_equal(copy_source(0, 0, O_TRUNC, &c), 0);
	assert_int_equal(size_of_copy(), 0);
}

/* --- The traps -------------------------------------------------------------- */

/* fstat said 1 MiB, but the file was cut to 64 KiB since: copy what is
 * there and return; the kernel's 0 means "ended". */
static void copy_fd_stops_when_the_source_was_truncated(void **state)
{
	size_t n = MIB;
	struct fdcopy_count c = { 0 };

	(void)state;
	write_pattern(src, n);
	assert_int_equal(truncate(src, 64 << 10), 0);
	assert_int_equal(copy_source(n, 0, O_TRUNC, &c), 64 << 10);
	assert_int_equal(size_of_copy(), 64 << 10);
}

/* A pipe takes one pipeful per call: every call is a short transfer. */
static void copy_fd_delivers_every_byte_through_a_pipe(void **state)
{
	size_t n = 4 * MIB + 3;
	uint64_t sum = write_pattern(src, n);
	struct fdcopy_count c = { 0 };
	struct drain_report r;
	struct drain d;
	int p[2], in = open_source();
	ssize_t copied;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(drain_start(&d, p[0], p[1]), 0);
	close(p[0]);
	copied = copy_fd(in, p[1], n, &c);
	close(p[1]);
	close(in);
	assert_int_equal(drain_finish(&d, &r), 0);
	assert_int_equal(copied, (ssize_t)n);
	assert_int_equal(r.bytes, n);
	assert_int_equal(r.sum, sum);
	if (c.user_bytes != 0)
		fail_msg("%zu bytes went through user space: sendfile can "
			 "write into a pipe", c.user_bytes);
}

/* /proc files say they are empty; only read() produces their bytes. */
static void copy_fd_copies_a_procfs_file(void **state)
{
	const char *proc = "/proc/version";
	size_t want, got;
	uint64_t sum = file_sum(proc, &want);
	struct fdcopy_count c = { 0 };
	int in = open(proc, O_RDONLY), out = open_copy(O_TRUNC);

	(void)state;
	assert_true(in >= 0);
	assert_true(want > 0);
	assert_int_equal(copy_fd(in, out, 0, &c), (ssize_t)want);
	close(in);
	close(out);
	assert_int_equal(file_sum(dst, &got), sum);
	assert_int_equal(got, want);
}

/* copy_file_range refuses O_APPEND (EBADF), sendfile too (EINVAL): the
 * photocopy is the way left, and it must still deliver every byte. */
static void copy_fd_falls_back_for_an_append_only_destination(void **state)
{
	size_t n = 300000;
	struct fdcopy_count c = { 0 };

	(void)state;
	write_pattern(dst, 1000);
	write_pattern(src, n);
	assert_int_equal(copy_source(n, 0, O_APPEND, &c), (ssize_t)n);
	assert_int_equal(size_of_copy(), 1000 + n);
	assert_true(c.user_bytes >= n);
}

/* A full disk is a failure of the world, not a reason to fall back and
 * pretend: -1 with ENOSPC. */
static void copy_fd_reports_a_full_disk(void **state)
{
	struct fdcopy_count c = { 0 };
	int in, out = open("/dev/full", O_WRONLY);

	(void)state;
	if (out < 0)
		skip();
	write_pattern(src, 100000);
	in = open_source();
	errno = 0;
	assert_int_equal(copy_fd(in, out, 100000, &c), -1);
	assert_int_equal(errno, ENOSPC);
	close(in);
	close(out);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, make_dir, remove_dir)
	const struct CMUnitTest tests[] = {
		T(copy_fd_copies_every_byte_of_a_file),
		T(copy_fd_moves_no_byte_through_user_space),
		T(copy_fd_starts_at_the_current_offset),
		T(copy_fd_copies_an_empty_file_as_empty),
		T(copy_fd_stops_when_the_source_was_truncated),
		T(copy_fd_delivers_every_byte_through_a_pipe),
		T(copy_fd_copies_a_procfs_file),
		T(copy_fd_falls_back_for_an_append_only_destination),
		T(copy_fd_reports_a_full_disk),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
