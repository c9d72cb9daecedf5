/*
 * test_ipcway.c - the ways of handing a message to another process.
 *
 * What lesson 07 claims, checked by counting, never by timing: every way
 * delivers the same checksum; the pipe and the socket move every payload
 * byte through the kernel twice (in and out), while memfd and ring move
 * none once the region is filled; the receiving buffer is the photocopy's
 * extra memory; a consumer that dies is a clear EPIPE, not a hang.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "checksum.h"
#include "ipcway.h"

#define SIZE (64 * 1024 + 40)	/* not a whole number of pages, on purpose */
#define BATCH 50

static unsigned char message[SIZE];

static int fill_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < SIZE; i++)
		message[i] = (unsigned char)(i * 131 + (i >> 9));
	return 0;
}

static const enum ipcway_kind streams[] = { IPCWAY_PIPE, IPCWAY_SOCKET,
					    IPCWAY_MEMFD, IPCWAY_RING };

/* w streams the message the way kind does, to a consumer it started. */
static void start_stream(struct ipcway *w, enum ipcway_kind kind)
{
	assert_int_equal(ipcway_start(w, kind, IPCWAY_STREAM, message, SIZE,
				      SHMRING_CACHED), 0);
}

/*
 * One batch sent the way kind does: the payload bytes the kernel copied in
 * and out (each is copied), and whether the consumer needed a buffer as
 * large as the message (buffered) or none of its own.
 */
static void expect_copies(enum ipcway_kind kind, uint64_t copied, int buffered)
{
	struct ipcway w;
	uint64_t sum;

	start_stream(&w, kind);
	assert_int_equal(ipcway_send(&w, BATCH, &sum), 0);
	assert_int_equal(w.copied_in, copied);
	assert_int_equal(w.copied_out, copied);
	assert_int_equal(w.consumer_extra >= SIZE, buffered);
	assert_int_equal(ipcway_stop(&w), 0);
}

static void every_way_delivers_the_same_checksum(void **state)
{
	uint64_t expected = checksum_bytes(message, SIZE);

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		struct ipcway w;
		uint64_t sum = 0;

		start_stream(&w, streams[k]);
		for (int batch = 0; batch < 3; batch++) {
			assert_int_equal(ipcway_send(&w, BATCH, &sum), 0);
			assert_int_equal(sum, expected);
		}
		assert_int_equal(w.mismatches, 0);
		assert_int_equal(ipcway_stop(&w), 0);
	}
}

static void pipe_and_socket_copy_every_byte_in_and_out(void **state)
{
	(void)state;
	expect_copies(IPCWAY_PIPE, (uint64_t)BATCH * SIZE, 1);
	expect_copies(IPCWAY_SOCKET, (uint64_t)BATCH * SIZE, 1);
}

static void memfd_and_ring_copy_no_payload_after_the_fill(void **state)
{
	(void)state;
	expect_copies(IPCWAY_MEMFD, 0, 0);
	expect_copies(IPCWAY_RING, 0, 0);
}

static void every_way_answers_a_ping_pong(void **state)
{
	static const enum ipcway_kind all[] = { IPCWAY_PIPE, IPCWAY_SOCKET,
						IPCWAY_MEMFD, IPCWAY_RING,
						IPCWAY_ONEOFF_MEMFD };
	uint64_t expected = checksum_bytes(message, SIZE);

	(void)state;
	for (size_t k = 0; k < 5; k++) {
		struct ipcway w;

		assert_int_equal(ipcway_start(&w, all[k], IPCWAY_PINGPONG,
					      message, SIZE, SHMRING_CACHED), 0);
		for (int i = 0; i < 20; i++) {
			uint64_t sum = 0;

			assert_int_equal(ipcway_send(&w, 1, &sum), 0);
			assert_int_equal(sum, expected);
		}
		assert_int_equal(ipcway_stop(&w), 0);
	}
}

static void the_ring_layouts_agree(void **state)
{
	uint64_t expected = checksum_bytes(message, 64);

	(void)state;
	for (int layout = SHMRING_ONE_LINE; layout <= SHMRING_CACHED; layout++) {
		struct ipcway w;
		uint64_t sum = 0;

		assert_int_equal(ipcway_start(&w, IPCWAY_RING, IPCWAY_STREAM,
					      message, 64, layout), 0);
		assert_int_equal(ipcway_send(&w, 10000, &sum), 0);
		assert_int_equal(sum, expected);
		assert_int_equal(ipcway_stop(&w), 0);
	}
}

static void a_consumer_that_dies_is_epipe_for_every_way(void **state)
{
	(void)state;
	for (size_t k = 0; k < 4; k++) {
		struct ipcway w;
		uint64_t sum;
		int ret = 0;

		start_stream(&w, streams[k]);
		kill(w.consumer.pid, SIGKILL);
		errno = 0;
		for (int i = 0; i < 3 && ret == 0; i++)
			ret = ipcway_send(&w, BATCH, &sum);
		assert_int_equal(ret, -1);
		assert_int_equal(errno, EPIPE);
		assert_int_equal(ipcway_stop(&w), -1);	/* it died of a signal */
	}
}

static void a_message_larger_than_memory_is_refused(void **state)
{
	struct ipcway w;

	(void)state;
	errno = 0;
	assert_int_equal(ipcway_start(&w, IPCWAY_MEMFD, IPCWAY_STREAM, message,
				      SIZE_MAX / 2, SHMRING_CACHED), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(w.consumer.pid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_way_delivers_the_same_checksum),
		cmocka_unit_test(pipe_and_socket_copy_every_byte_in_and_out),
		cmocka_unit_test(memfd_and_ring_copy_no_payload_after_the_fill),
		cmocka_unit_test(every_way_answers_a_ping_pong),
		cmocka_unit_test(the_ring_layouts_agree),
		cmocka_unit_test(a_consumer_that_dies_is_epipe_for_every_way),
		cmocka_unit_test(a_message_larger_than_memory_is_refused),
	};

	return cmocka_run_group_tests(tests, fill_message, NULL);
}
