/*
 * tsan_rings.c - the two rings of lesson 07 under ThreadSanitizer (make tsan).
 *
 * The tests run the rings across two processes, which no sanitizer can
 * watch. Here the same push and pop run in two threads of one process, so
 * that ThreadSanitizer sees every access: a slot read before the acquire
 * of head, or a cursor published with a relaxed store, is a data race it
 * reports. Two rings: the library's (src/shmring.h, all three layouts) and
 * the lesson's solution (lessons/07-shared-memory/exercise.h). Each thread
 * moves ENTRIES numbered entries; the consumer checks their order. Ends
 * with "tsan-rings: N passed, N failed" like every test program.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../lessons/07-shared-memory/exercise.h"
#include "shmring.h"

#define ENTRIES 200000
#define CAPACITY 16

struct library_ring {
	void *shared;
	enum shmring_layout layout;
};

static void *library_producer(void *arg)
{
	struct library_ring *l = arg;
	struct shmring r;

	shmring_attach(&r, l->shared, CAPACITY, l->layout);
	for (uint64_t i = 0; i < ENTRIES; i++)
		if (shmring_push(&r, (struct shmring_entry){ i, i * 3 }) < 0)
			return (void *)1;
	return NULL;
}

/* Run the library's ring in one layout; 1 if every entry came in order. */
static int library_ring_in_order(enum shmring_layout layout)
{
	struct library_ring l = { aligned_alloc(64, shmring_bytes(CAPACITY)), layout };
	struct shmring r;
	struct shmring_entry e;
	pthread_t t;
	uint64_t bad = 0;

	shmring_init(&r, l.shared, CAPACITY, layout);
	pthread_create(&t, NULL, library_producer, &l);
	for (uint64_t i = 0; i < ENTRIES; i++) {
		if (shmring_pop(&r, &e) < 0)
			return 0;
		bad += e.offset != i || e.len != i * 3;
	}
	pthread_join(t, NULL);
	free(l.shared);
	return bad == 0;
}

static void *solution_producer(void *arg)
{
	struct ring_side p = { .shared = arg };

	for (uint64_t i = 0; i < ENTRIES; i++)
		while (!ring_push(&p, i * 7))
			;
	return NULL;
}

static int solution_ring_in_order(void)
{
	struct ring_shared *s = aligned_alloc(128, sizeof(*s));
	struct ring_side c = { .shared = s };
	pthread_t t;
	uint64_t v, bad = 0;

	atomic_init(&s->head, 0);
	atomic_init(&s->tail, 0);
	pthread_create(&t, NULL, solution_producer, s);
	for (uint64_t i = 0; i < ENTRIES; i++) {
		while (!ring_pop(&c, &v))
			;
		bad += v != i * 7;
	}
	pthread_join(t, NULL);
	free(s);
	return bad == 0;
}

int main(void)
{
	int passed = 0, failed = 0;
	static const char *const names[] = { "one line", "padded", "cached" };

	for (int layout = SHMRING_ONE_LINE; layout <= SHMRING_CACHED; layout++) {
		int ok = library_ring_in_order((enum shmring_layout)layout);

		printf("  %-4s shmring, %s\n", ok ? "ok" : "FAIL", names[layout]);
		ok ? passed++ : failed++;
	}
	if (solution_ring_in_order()) {
		puts("  ok   lesson 07's solution ring");
		passed++;
	} else {
		puts("  FAIL lesson 07's solution ring");
		failed++;
	}
	printf("tsan-rings: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
