/*
 * solution.c - one answer to lesson 07's exercise (see exercise.h).
 *
 * The ring: each side loads its own cursor relaxed (nobody else writes
 * it), and the other side's with acquire, which pairs with that side's
 * release store: the producer's release on head makes the slot it wrote
 * visible before the new head is; the consumer's release on tail says it
 * has finished reading a slot before the producer may overwrite it. The
 * other side's cursor lives on a cache line the other core keeps writing,
 * so it is read only when the cached copy says "full" or "empty".
 *
 * message_take copies the message out of shared memory first, and then
 * looks only at its own copy: the check and the use see the same length.
 * The copy may be torn (a length from before the peer's change, bytes
 * from after it): that harms nobody, because only the copy is checked and
 * used, and a peer that scribbles on its own message gets what it wrote.
 */
#include "exercise.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

int ring_push(struct ring_side *producer, uint64_t value)
{
	struct ring_shared *s = producer->shared;
	uint64_t head = atomic_load_explicit(&s->head, memory_order_relaxed);

	if (head - producer->cached == RING_SLOTS) {
		producer->cached =
			atomic_load_explicit(&s->tail, memory_order_acquire);
		if (head - producer->cached == RING_SLOTS)
			return 0;
	}
	s->slots[head % RING_SLOTS] = value;
	atomic_store_explicit(&s->head, head + 1, memory_order_release);
	return 1;
}

int ring_pop(struct ring_side *consumer, uint64_t *value)
{
	struct ring_shared *s = consumer->shared;
	uint64_t tail = atomic_load_explicit(&s->tail, memory_order_relaxed);

	if (tail == consumer->cached) {
		consumer->cached =
			atomic_load_explicit(&s->head, memory_order_acquire);
		if (tail == consumer->cached)
			return 0;
	}
	*value = s->slots[tail % RING_SLOTS];
	atomic_store_explicit(&s->tail, tail + 1, memory_order_release);
	return 1;
}

int region_share_view_only(int fd)
{
	return fcntl(fd, F_ADD_SEALS,
		     F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE) < 0 ? -1 : 0;
}

int region_check_view_only(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals < 0)
		return -1;
	if (!(seals & F_SEAL_SHRINK) ||
	    !(seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

ssize_t message_take(const struct shared_message *m, unsigned char *out)
{
	struct shared_message copy;

	memcpy(&copy, m, sizeof(copy));	/* one fetch of everything */
	if (copy.len > MESSAGE_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(out, copy.bytes, copy.len);
	return copy.len;
}
