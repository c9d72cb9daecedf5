/*
 * test.c - tests of lesson 07's exercise (exercise.h).
 *
 * `make test` runs them against lessons/07-shared-memory/solution.c,
 * `make check-07` against your exercise.c. The two-process tests put the
 * shared parts in a MAP_SHARED anonymous mapping made before fork, which
 * parent and child both keep: the same memory in two processes. Nothing is
 * timed; the long tests are bounded by their number of rounds.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "exercise.h"
#include "fetchtrap.h"

#define ROUNDS 300000
#define MAX_EMPTY_POPS 50000000u	/* a producer stuck for good, not slow */

static void *shared_memory(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	memset(p, 0, n);
	return p;
}

/*
 * Fixtures: the ring of part 1 and the message of part 3 in zeroed shared
 * memory, as *state; unmapped after the test, whether it passed or not.
 */
static int ring_memory(void **state)
{
	*state = shared_memory(sizeof(struct ring_shared));
	return 0;
}

static int ring_memory_unmap(void **state)
{
	return munmap(*state, sizeof(struct ring_shared));
}

static int message_memory(void **state)
{
	*state = shared_memory(sizeof(struct shared_message));
	return 0;
}

static int message_memory_unmap(void **state)
{
	return munmap(*state, sizeof(struct shared_message));
}

/* A child that dies with the test; fn runs in it, then it exits. */
static pid_t child(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fn(arg);
		_exit(0);
	}
	return pid;
}

/* --- 1. The ring ------------------------------------------------------------ */

static void ring_pop_of_an_empty_ring_finds_nothing(void **state)
{
	struct ring_side c = { .shared = *state };
	uint64_t v = 42;

	assert_int_equal(ring_pop(&c, &v), 0);
	assert_int_equal(v, 42);
}

static void ring_push_and_pop_keep_order_until_full(void **state)
{
	struct ring_side p = { .shared = *state }, c = { .shared = *state };
	uint64_t v;

	for (int round = 0; round < 3; round++) {
		for (uint64_t i = 0; i < RING_SLOTS; i++)
			assert_int_equal(ring_push(&p, 1000 * round + i), 1);
		assert_int_equal(ring_push(&p, 7), 0);
		for (uint64_t i = 0; i < RING_SLOTS; i++) {
			assert_int_equal(ring_pop(&c, &v), 1);
			assert_int_equal(v, 1000 * round + i);
		}
		assert_int_equal(ring_pop(&c, &v), 0);
	}
}

static void ring_producer_rereads_the_tail_only_when_full(void **state)
{
	struct ring_side p = { .shared = *state }, c = { .shared = *state };
	uint64_t v;

	for (uint64_t i = 0; i < RING_SLOTS; i++)
		ring_push(&p, i);
	for (int i = 0; i < 5; i++)
		ring_pop(&c, &v);
	assert_int_equal(ring_push(&p, 100), 1);	/* looked full: re-read */
	assert_int_equal(p.cached, 5);
	for (int i = 0; i < 3; i++)
		ring_pop(&c, &v);
	assert_int_equal(ring_push(&p, 101), 1);	/* room known: no re-read */
	assert_int_equal(p.cached, 5);
}

static void ring_consumer_rereads_the_head_only_when_empty(void **state)
{
	struct ring_side p = { .shared = *state }, c = { .shared = *state };
	uint64_t v;

	for (uint64_t i = 0; i < 4; i++)
		ring_push(&p, i);
	assert_int_equal(ring_pop(&c, &v), 1);	/* looked empty: re-read */
	assert_int_equal(c.cached, 4);
	ring_push(&p, 4);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ring_pop(&c, &v), 1);	/* known: no re-read */
	assert_int_equal(c.cached, 4);
	assert_int_equal(ring_pop(&c, &v), 1);	/* empty again: re-read */
	assert_int_equal(c.cached, 5);
}

static void produce(void *arg)
{
	struct ring_side p = { .shared = arg };

	for (uint64_t i = 0; i < ROUNDS; i++)
		while (!ring_push(&p, i * 2654435761u))
			;
}

static void ring_carries_every_value_in_order_between_two_processes(void **state)
{
	struct ring_side c = { .shared = *state };
	uint64_t v, bad = 0, spins = 0;
	pid_t pid;
	int status;

	pid = child(produce, *state);
	for (uint64_t i = 0; i < ROUNDS && spins < MAX_EMPTY_POPS; i++) {
		while (!ring_pop(&c, &v) && ++spins < MAX_EMPTY_POPS)
			if (spins % 1024 == 0)
				sched_yield();
		bad += v != i * 2654435761u;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_true(spins < MAX_EMPTY_POPS);	/* else nothing came through */
	assert_int_equal(bad, 0);
	assert_int_equal(ring_pop(&c, &v), 0);
}

/* --- 2. Seals -------------------------------------------------------------------- */

static int memfd_with(const char *text)
{
	int fd = memfd_create("lesson-07", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	return fd;
}

static void region_share_view_only_adds_the_three_seals(void **state)
{
	int fd = memfd_with("view only, please");

	(void)state;
	assert_int_equal(region_share_view_only(fd), 0);
	assert_int_equal(fcntl(fd, F_GET_SEALS),
			 F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE);
	close(fd);
}

static void a_view_only_region_refuses_shrinking_writing_and_new_pens(void **state)
{
	int fd = memfd_with("view only, please");
	char *mine = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	(void)state;
	assert_true(mine != MAP_FAILED);
	assert_int_equal(region_share_view_only(fd), 0);
	errno = 0;
	assert_int_equal(ftruncate(fd, 4), -1);
	assert_int_equal(errno, EPERM);
	errno = 0;
	assert_int_equal(pwrite(fd, "X", 1, 0), -1);
	assert_int_equal(errno, EPERM);
	errno = 0;
	assert_ptr_equal(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			      fd, 0), MAP_FAILED);
	assert_int_equal(errno, EPERM);
	mine[0] = 'V';	/* the producer's own mapping keeps writing */
	assert_int_equal(mine[0], 'V');
	munmap(mine, 4096);
	close(fd);
}

static void region_check_view_only_refuses_an_unsealed_region(void **state)
{
	int fd = memfd_with("anyone may write");

	(void)state;
	errno = 0;
	assert_int_equal(region_check_view_only(fd), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	errno = 0;
	assert_int_equal(region_check_view_only(fd), -1);	/* writable still */
	assert_int_equal(errno, EPERM);
	close(fd);
}

static void region_check_view_only_accepts_what_share_view_only_made(void **state)
{
	int fd = memfd_with("view only, please");

	(void)state;
	assert_int_equal(region_share_view_only(fd), 0);
	assert_int_equal(region_check_view_only(fd), 0);
	close(fd);
}

static void region_check_view_only_refuses_a_pipe_with_einval(void **state)
{
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	errno = 0;
	assert_int_equal(region_check_view_only(fds[0]), -1);
	assert_int_equal(errno, EINVAL);
	close(fds[0]);
	close(fds[1]);
}

/* --- 3. Copy, then validate ------------------------------------------------------------ */

static void message_take_copies_a_valid_message(void **state)
{
	struct shared_message *m = *state;
	unsigned char *out = test_malloc(MESSAGE_MAX);

	m->len = 5;
	memcpy(m->bytes, "hello", 5);
	assert_int_equal(message_take(m, out), 5);
	assert_memory_equal(out, "hello", 5);
	m->len = MESSAGE_MAX;
	assert_int_equal(message_take(m, out), MESSAGE_MAX);
	test_free(out);
}

static void message_take_refuses_a_length_past_the_end(void **state)
{
	struct shared_message *m = *state;
	unsigned char *out = test_malloc(MESSAGE_MAX);

	m->len = MESSAGE_MAX + 1;
	errno = 0;
	assert_int_equal(message_take(m, out), -1);
	assert_int_equal(errno, EMSGSIZE);
	m->len = UINT32_MAX;
	assert_int_equal(message_take(m, out), -1);
	test_free(out);
}

/* The peer that lies: after every single read of the message, its length
 * flips between an honest 8 and a dishonest 1000 (fetchtrap.h). */
static void honest_message(void *page)
{
	struct shared_message *m = page;

	m->len = 8;
	memset(m->bytes, 'm', MESSAGE_MAX);
}

static void flip_length(void *page)
{
	struct shared_message *m = page;

	m->len = m->len == 8 ? 1000 : 8;
}

static void message_take_survives_a_peer_changing_the_length(void **state)
{
	/* Room for the dishonest 1000 too, so that a wrong answer is a
	 * failed check of the canary bytes, not a crash. */
	unsigned char *out = test_malloc(2048);
	const struct shared_message *m;
	ssize_t n[4];
	int honest = 0;

	(void)state;
	if (!fetchtrap_supported())
		skip();
	memset(out, 0xCA, 2048);
	m = fetchtrap_arm(honest_message, flip_length);
	for (int i = 0; i < 4; i++)
		n[i] = message_take(m, out);
	fetchtrap_disarm();
	for (int i = 0; i < 4; i++) {
		honest += n[i] == 8;
		if (n[i] != 8 && n[i] != -1)
			fail_msg("call %d returned %zd: the length was read again "
				 "after it was checked", i, n[i]);
	}
	assert_true(honest > 0);
	for (size_t i = MESSAGE_MAX; i < 2048; i++)
		if (out[i] != 0xCA)
			fail_msg("out[%zu] was written: the copy went past "
				 "MESSAGE_MAX", i);
	test_free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ring_pop_of_an_empty_ring_finds_nothing,
						ring_memory, ring_memory_unmap),
		cmocka_unit_test_setup_teardown(ring_push_and_pop_keep_order_until_full,
						ring_memory, ring_memory_unmap),
		cmocka_unit_test_setup_teardown(ring_producer_rereads_the_tail_only_when_full,
						ring_memory, ring_memory_unmap),
		cmocka_unit_test_setup_teardown(ring_consumer_rereads_the_head_only_when_empty,
						ring_memory, ring_memory_unmap),
		cmocka_unit_test_setup_teardown(ring_carries_every_value_in_order_between_two_processes,
						ring_memory, ring_memory_unmap),
		cmocka_unit_test(region_share_view_only_adds_the_three_seals),
		cmocka_unit_test(a_view_only_region_refuses_shrinking_writing_and_new_pens),
		cmocka_unit_test(region_check_view_only_refuses_an_unsealed_region),
		cmocka_unit_test(region_check_view_only_accepts_what_share_view_only_made),
		cmocka_unit_test(region_check_view_only_refuses_a_pipe_with_einval),
		cmocka_unit_test_setup_teardown(message_take_copies_a_valid_message,
						message_memory, message_memory_unmap),
		cmocka_unit_test_setup_teardown(message_take_refuses_a_length_past_the_end,
						message_memory, message_memory_unmap),
		cmocka_unit_test(message_take_survives_a_peer_changing_the_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
