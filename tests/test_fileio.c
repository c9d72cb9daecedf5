/*
 * test_fileio.c - the careful read loop and the sum built on it.
 *
 * Short reads are made on purpose with a SOCK_SEQPACKET socket pair: each
 * read(2) on it returns at most one message, however large the buffer, so
 * a loop that trusts one read to fill the buffer is caught.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "checksum.h"
#include "fileio.h"

/* A socket pair whose sv[0] returns one of the n parts per read(2). */
static void socket_of_parts(int sv[2], const char *const parts[], size_t n)
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(write(sv[1], parts[i], strlen(parts[i])),
				 (ssize_t)strlen(parts[i]));
}

static void read_full_fills_the_buffer_across_short_reads(void **state)
{
	static const char *const parts[] = { "pages ", "200 to ", "250" };
	char buf[256];
	int sv[2];

	(void)state;
	socket_of_parts(sv, parts, 3);
	assert_int_equal(fileio_read_full(sv[0], buf, 16), 16);
	assert_memory_equal(buf, "pages 200 to 250", 16);
	close(sv[0]);
	close(sv[1]);
}

static void read_full_stops_at_the_end_of_the_file(void **state)
{
	static const char *const parts[] = { "short" };
	char buf[64];
	int sv[2];

	(void)state;
	socket_of_parts(sv, parts, 1);
	shutdown(sv[1], SHUT_WR);
	assert_int_equal(fileio_read_full(sv[0], buf, sizeof(buf)), 5);
	assert_int_equal(fileio_read_full(sv[0], buf, sizeof(buf)), 0);
	close(sv[0]);
	close(sv[1]);
}

static void read_full_reports_a_bad_descriptor(void **state)
{
	char buf[8];

	(void)state;
	errno = 0;
	assert_int_equal(fileio_read_full(-1, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EBADF);
}

/* A file whose size is neither a multiple of the buffer nor of 8. */
static void sum_through_a_buffer_equals_the_sum_of_the_whole(void **state)
{
	char path[] = "/tmp/test-fileio-XXXXXX";
	size_t n = 10000 + 5;
	unsigned char *data = test_malloc(n), buf[4096];
	uint64_t sum = 0;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(fileio_sum(fd, buf, sizeof(buf), &sum), 0);
	assert_int_equal(sum, checksum_bytes(data, n));
	close(fd);
	test_free(data);
}

static void sum_needs_a_buffer_of_whole_words(void **state)
{
	unsigned char buf[12];
	uint64_t sum;

	(void)state;
	expect_assert_failure(fileio_sum(0, buf, sizeof(buf), &sum));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_full_fills_the_buffer_across_short_reads),
		cmocka_unit_test(read_full_stops_at_the_end_of_the_file),
		cmocka_unit_test(read_full_reports_a_bad_descriptor),
		cmocka_unit_test(sum_through_a_buffer_equals_the_sum_of_the_whole),
		cmocka_unit_test(sum_needs_a_buffer_of_whole_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
