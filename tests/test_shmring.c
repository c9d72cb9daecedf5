/*
 * test_shmring.c - the single-producer single-consumer ring, in one
 * process and across two.
 *
 * The two-process tests put the ring in a memfd region (shmregion.h) and
 * the producer in a child (peer.h). The long one is a property test: the
 * child pushes a long run of numbered entries whose lengths come from a
 * seeded random sequence, in random bursts, into a small ring (so it is
 * full and empty often); the parent pops them all and checks that none is
 * lost, duplicated or out of order, for each of the three layouts. Nothing
 * here is timed: the run is bounded by its number of entries.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "peer.h"
#include "shmregion.h"
#include "shmring.h"

#define SMALL 8			/* entries in the rings under test */
#define PROPERTY_ENTRIES 1000000

/* What the producer child of the two-process tests is told. */
struct producer_args {
	struct shmregion *region;
	enum shmring_layout layout;
	uint64_t count;		/* UINT64_MAX: until killed */
};

struct fixture {
	struct shmregion region;
	struct shmring producer, consumer;
	struct producer_args args;	/* two processes: the child's orders, */
	struct peer peer;		/* and the child */
};

static int make_ring(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	if (shmregion_create(&f->region, "ring", shmring_bytes(SMALL)) < 0) {
		test_free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int remove_ring(void **state)
{
	struct fixture *f = *state;

	shmregion_close(&f->region);
	test_free(f);
	return 0;
}

static void attach_both(struct fixture *f, enum shmring_layout layout)
{
	shmring_init(&f->producer, f->region.data, SMALL, layout);
	shmring_attach(&f->consumer, f->region.data, SMALL, layout);
}

static struct shmring_entry entry(uint64_t i)
{
	return (struct shmring_entry){ .offset = i, .len = i * 3 };
}

/* --- One process ------------------------------------------------------------- */

static void a_new_ring_is_empty(void **state)
{
	struct fixture *f = *state;
	struct shmring_entry e;

	attach_both(f, SHMRING_CACHED);
	assert_int_equal(shmring_try_pop(&f->consumer, &e), 0);
}

static void entries_come_out_in_order_until_full_and_empty(void **state)
{
	struct fixture *f = *state;
	struct shmring_entry e;

	for (int layout = SHMRING_ONE_LINE; layout <= SHMRING_CACHED; layout++) {
		attach_both(f, layout);
		for (int round = 0; round < 3; round++) {
			for (uint64_t i = 0; i < SMALL; i++)
				assert_int_equal(shmring_try_push(&f->producer, entry(i)), 1);
			assert_int_equal(shmring_try_push(&f->producer, entry(99)), 0);
			for (uint64_t i = 0; i < SMALL; i++) {
				assert_int_equal(shmring_try_pop(&f->consumer, &e), 1);
				assert_int_equal(e.offset, i);
				assert_int_equal(e.len, i * 3);
			}
			assert_int_equal(shmring_try_pop(&f->consumer, &e), 0);
		}
	}
}

static void cursors_share_a_line_or_sit_two_lines_apart(void **state)
{
	struct fixture *f = *state;

	attach_both(f, SHMRING_ONE_LINE);
	assert_int_equal((char *)f->producer.tail - (char *)f->producer.head, 8);
	attach_both(f, SHMRING_PADDED);
	assert_int_equal((char *)f->producer.tail - (char *)f->producer.head, 128);
}

/* Fill the ring, let the consumer take `first`, then `more`; push after each. */
static uint64_t seen_after(struct fixture *f, enum shmring_layout layout,
			   int first, int more)
{
	struct shmring_entry e;

	attach_both(f, layout);
	for (uint64_t i = 0; i < SMALL; i++)
		shmring_try_push(&f->producer, entry(i));
	for (int i = 0; i < first; i++)
		shmring_try_pop(&f->consumer, &e);
	assert_int_equal(shmring_try_push(&f->producer, entry(100)), 1);
	for (int i = 0; i < more; i++)
		shmring_try_pop(&f->consumer, &e);
	assert_int_equal(shmring_try_push(&f->producer, entry(101)), 1);
	return f->producer.seen;
}

static void the_cached_producer_rereads_the_tail_only_when_full(void **state)
{
	struct fixture *f = *state;

	/* Cached: the tail was read when the ring looked full (5), and not
	 * again while the cached value still showed room. */
	assert_int_equal(seen_after(f, SHMRING_CACHED, 5, 3), 5);
	/* Padded only: the tail is read on every push (5 + 3). */
	assert_int_equal(seen_after(f, SHMRING_PADDED, 5, 3), 8);
}

static void a_wait_with_no_peer_ends_with_etimedout(void **state)
{
	struct fixture *f = *state;
	struct shmring_entry e;

	attach_both(f, SHMRING_CACHED);
	shmring_set_peer(&f->consumer, -1, 50);
	errno = 0;
	assert_int_equal(shmring_pop(&f->consumer, &e), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_true(f->consumer.waits == 1 && f->consumer.yields > 0);
}

/* --- Two processes --------------------------------------------------------------- */

/* The length of entry i: a seeded sequence, different for every i. */
static uint64_t length_of(uint64_t i)
{
	uint64_t x = i * 0x9E3779B97F4A7C15u + 12345;

	x ^= x >> 29;
	return x * 0xBF58476D1CE4E5B9u >> 40;
}

/* The child: push entries 0, 1, 2, ..., pausing at random now and then. */
static int producer_main(int sock, void *arg)
{
	struct producer_args *a = arg;
	struct shmring ring;
	unsigned seed = 7;

	shmring_attach(&ring, a->region->data, SMALL, a->layout);
	shmring_set_peer(&ring, sock, PEER_TIMEOUT_MS);
	for (uint64_t i = 0; i < a->count; i++) {
		struct shmring_entry e = { .offset = i, .len = length_of(i) };

		if (shmring_push(&ring, e) < 0)
			return 1;
		if (rand_r(&seed) % 1024 == 0)
			sched_yield();
	}
	return 0;
}

/* The consumer here, the producer f->peer pushing count entries. */
static void start_producer(struct fixture *f, enum shmring_layout layout,
			   uint64_t count)
{
	shmring_init(&f->consumer, f->region.data, SMALL, layout);
	f->args = (struct producer_args){ .region = &f->region,
					  .layout = layout, .count = count };
	assert_int_equal(peer_start(&f->peer, producer_main, &f->args), 0);
	shmring_set_peer(&f->consumer, f->peer.sock, PEER_TIMEOUT_MS);
}

static void two_processes_never_lose_duplicate_or_reorder(void **state)
{
	struct fixture *f = *state;
	unsigned seed = 11;

	for (int layout = SHMRING_ONE_LINE; layout <= SHMRING_CACHED; layout++) {
		struct shmring_entry e;
		uint64_t bad = 0;

		start_producer(f, layout, PROPERTY_ENTRIES);
		for (uint64_t i = 0; i < PROPERTY_ENTRIES; i++) {
			if (shmring_pop(&f->consumer, &e) < 0)
				fail_msg("entry %llu of layout %d: %s", (unsigned long long)i, layout, strerror(errno));
			bad += e.offset != i || e.len != length_of(i);
			if (rand_r(&seed) % 1024 == 0)
				sched_yield();
		}
		assert_int_equal(bad, 0);
		assert_int_equal(shmring_try_pop(&f->consumer, &e), 0);
		assert_int_equal(peer_stop(&f->peer, PEER_TIMEOUT_MS), 0);
	}
}

static void a_producer_that_exits_leaves_epipe_after_its_entries(void **state)
{
	struct fixture *f = *state;
	struct shmring_entry e;

	start_producer(f, SHMRING_CACHED, 5);
	for (uint64_t i = 0; i < 5; i++) {
		assert_int_equal(shmring_pop(&f->consumer, &e), 0);
		assert_int_equal(e.offset, i);
	}
	errno = 0;
	assert_int_equal(shmring_pop(&f->consumer, &e), -1);
	assert_int_equal(errno, EPIPE);
	assert_int_equal(peer_stop(&f->peer, PEER_TIMEOUT_MS), 0);
}

static void a_producer_killed_mid_run_leaves_epipe_not_a_hang(void **state)
{
	struct fixture *f = *state;
	struct shmring_entry e;
	uint64_t popped = 0;

	start_producer(f, SHMRING_CACHED, UINT64_MAX);
	for (; popped < 1000; popped++)
		assert_int_equal(shmring_pop(&f->consumer, &e), 0);
	kill(f->peer.pid, SIGKILL);
	while (shmring_pop(&f->consumer, &e) == 0)
		popped++;	/* what it pushed before it died */
	assert_int_equal(errno, EPIPE);
	assert_int_equal(peer_stop(&f->peer, PEER_TIMEOUT_MS), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, make_ring, remove_ring)
		T(a_new_ring_is_empty),
		T(entries_come_out_in_order_until_full_and_empty),
		T(cursors_share_a_line_or_sit_two_lines_apart),
		T(the_cached_producer_rereads_the_tail_only_when_full),
		T(a_wait_with_no_peer_ends_with_etimedout),
		T(two_processes_never_lose_duplicate_or_reorder),
		T(a_producer_that_exits_leaves_epipe_after_its_entries),
		T(a_producer_killed_mid_run_leaves_epipe_not_a_hang),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
