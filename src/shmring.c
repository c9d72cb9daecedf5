/*
 * shmring.c - the single-producer single-consumer ring (shmring.h).
 *
 * Layout: where the cursors go for each layout; init and attach; the two
 * non-waiting operations, where every memory order is chosen; the bounded
 * wait that push and pop share.
 *
 * Each side loads its own cursor with memory_order_relaxed: only it ever
 * writes that cursor, so it always reads back its own last value.
 */
#include "shmring.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "check.h"
#include "measure.h"
#include "peer.h"

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2,
	       "a ring across processes needs lock-free 64-bit atomics");

#define SPINS 256		/* busy polls before the first yield */
#define CHECK_EVERY 64		/* yields between two looks at clock and peer */

/* --- Layout ---------------------------------------------------------------- */

size_t shmring_bytes(size_t capacity)
{
	REQUIRE(capacity > 0 && (capacity & (capacity - 1)) == 0);
	REQUIRE(capacity <= (SIZE_MAX - SHMRING_HEADER) /
				    sizeof(struct shmring_entry));
	return SHMRING_HEADER + capacity * sizeof(struct shmring_entry);
}

/* The tail's offset from the head: same line, or two lines away. */
static size_t tail_offset(enum shmring_layout layout)
{
	return layout == SHMRING_ONE_LINE ? sizeof(uint64_t) : 128;
}

void shmring_attach(struct shmring *r, void *shared, size_t capacity,
		    enum shmring_layout layout)
{
	unsigned char *base = shared;

	REQUIRE(((uintptr_t)shared & 63) == 0);
	shmring_bytes(capacity);	/* checks capacity */
	*r = (struct shmring){
		.head = (_Atomic uint64_t *)base,
		.tail = (_Atomic uint64_t *)(base + tail_offset(layout)),
		.slots = (struct shmring_entry *)(base + SHMRING_HEADER),
		.capacity = capacity,
		.layout = layout,
		.life_line = -1,
		.timeout_ms = PEER_TIMEOUT_MS,
	};
}

void shmring_init(struct shmring *r, void *shared, size_t capacity,
		  enum shmring_layout layout)
{
	shmring_attach(r, shared, capacity, layout);
	atomic_init(r->head, 0);
	atomic_init(r->tail, 0);
}

void shmring_set_peer(struct shmring *r, int life_line, int timeout_ms)
{
	r->life_line = life_line;
	r->timeout_ms = timeout_ms;
}

/* --- Push and pop, without waiting ------------------------------------------- */

int shmring_try_push(struct shmring *r, struct shmring_entry e)
{
	uint64_t head = atomic_load_explicit(r->head, memory_order_relaxed);

	if (r->layout != SHMRING_CACHED || head - r->seen == r->capacity) {
		/* acquire: the consumer is done with the slot we reuse */
		r->seen = atomic_load_explicit(r->tail, memory_order_acquire);
		if (head - r->seen == r->capacity)
			return 0;
	}
	r->slots[head & (r->capacity - 1)] = e;
	/* release: the entry (and the message) are written before head moves */
	atomic_store_explicit(r->head, head + 1, memory_order_release);
	return 1;
}

int shmring_try_pop(struct shmring *r, struct shmring_entry *e)
{
	uint64_t tail = atomic_load_explicit(r->tail, memory_order_relaxed);

	if (r->layout != SHMRING_CACHED || tail == r->seen) {
		/* acquire: see the entry the producer published, complete */
		r->seen = atomic_load_explicit(r->head, memory_order_acquire);
		if (tail == r->seen)
			return 0;
	}
	*e = r->slots[tail & (r->capacity - 1)];
	/* release: we have read the slot before the producer may reuse it */
	atomic_store_explicit(r->tail, tail + 1, memory_order_release);
	return 1;
}

/* --- Waiting, bounded ------------------------------------------------------------ */

/*
 * Called each time a try found the ring full or empty; spins is how many
 * times in a row. Spin first (the peer is probably running on the other
 * core), then yield; now and then check the deadline and the peer.
 */
static int wait_a_little(struct shmring *r, unsigned spins, uint64_t *deadline)
{
	uint64_t now;

	if (spins == 0)
		r->waits++;
	if (spins < SPINS)
		return 0;
	sched_yield();
	r->yields++;
	if ((spins - SPINS) % CHECK_EVERY != 0)
		return 0;
	now = measure_now_ns();
	if (*deadline == 0)
		*deadline = now + (uint64_t)r->timeout_ms * 1000000u;
	if (now > *deadline) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (r->life_line >= 0 && !peer_alive(r->life_line)) {
		errno = EPIPE;
		return -1;
	}
	return 0;
}

/*
 * A peer may push its last entries and exit between our last try and our
 * look at its life line: after it is gone, try once more, so that nothing
 * it pushed is lost (its writes all happened before it died).
 */
int shmring_push(struct shmring *r, struct shmring_entry e)
{
	uint64_t deadline = 0;

	for (unsigned spins = 0; !shmring_try_push(r, e); spins++)
		if (wait_a_little(r, spins, &deadline) < 0)
			return errno == EPIPE && shmring_try_push(r, e) ? 0 : -1;
	return 0;
}

int shmring_pop(struct shmring *r, struct shmring_entry *e)
{
	uint64_t deadline = 0;

	for (unsigned spins = 0; !shmring_try_pop(r, e); spins++)
		if (wait_a_little(r, spins, &deadline) < 0)
			return errno == EPIPE && shmring_try_pop(r, e) ? 0 : -1;
	return 0;
}
