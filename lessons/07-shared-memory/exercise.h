/*
 * exercise.h - lesson 07's exercise: share safely with another process.
 *
 * You write these functions in exercise.c; `make check-07` runs the tests
 * in lessons/07-shared-memory/test.c against your file (some of them with a second
 * process). solution.c holds one answer.
 *
 *   1. ring_push, ring_pop          a ring of numbers in shared memory,
 *                                   with the right memory orders and each
 *                                   side caching the other's cursor
 *   2. region_share_view_only,      seal a memfd before handing it over;
 *      region_check_view_only       check the seals before trusting one
 *   3. message_take                 read a message a peer may be changing:
 *                                   copy first, then validate the copy
 */
#ifndef LESSON07_EXERCISE_H
#define LESSON07_EXERCISE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* --- 1. The ring ------------------------------------------------------------ */

#define RING_SLOTS 64	/* a power of two */

/*
 * What lives in the shared memory. head counts the values ever pushed and
 * is written only by the producer; tail counts the values ever popped and
 * is written only by the consumer; value i sits in slots[i % RING_SLOTS].
 * Empty: head == tail. Full: head - tail == RING_SLOTS. The cursors are
 * 128 bytes apart, so that each side writes a cache line of its own.
 */
struct ring_shared {
	_Alignas(128) _Atomic uint64_t head;
	_Alignas(128) _Atomic uint64_t tail;
	_Alignas(128) uint64_t slots[RING_SLOTS];
};

/*
 * One side's handle, in its own memory. cached is this side's copy of the
 * OTHER side's cursor (the producer caches tail, the consumer head), 0 at
 * the start. Re-read the other's cursor only when the cached value says
 * the ring is full (producer) or empty (consumer), and store what you read
 * in cached.
 */
struct ring_side {
	struct ring_shared *shared;
	uint64_t cached;
};

/* Producer: add value. 1 if pushed, 0 if the ring is full. Publish the
 * slot with memory_order_release on head; read tail with acquire. */
int ring_push(struct ring_side *producer, uint64_t value);

/* Consumer: take the oldest value into *value. 1 if popped, 0 if empty.
 * Read head with memory_order_acquire; publish tail with release. */
int ring_pop(struct ring_side *consumer, uint64_t *value);

/* --- 2. Seals ------------------------------------------------------------------ */

/*
 * The producer, before handing over the memfd fd (made with
 * MFD_ALLOW_SEALING): add F_SEAL_SHRINK, F_SEAL_GROW and
 * F_SEAL_FUTURE_WRITE. Its own writable mapping keeps writing; whoever
 * receives fd can neither shrink it, grow it, write it nor map it
 * writable. 0, or -1 with errno.
 */
int region_share_view_only(int fd);

/*
 * The consumer, before trusting a descriptor it was handed: 0 if fd
 * carries F_SEAL_SHRINK and one of F_SEAL_WRITE or F_SEAL_FUTURE_WRITE;
 * -1 with errno EPERM if a seal is missing; -1 with fcntl's errno (EINVAL)
 * if fd cannot carry seals at all.
 */
int region_check_view_only(int fd);

/* --- 3. Copy, then validate ---------------------------------------------------------- */

#define MESSAGE_MAX 256

/* A message in shared memory: its length, then its bytes. The peer that
 * wrote it may change either at any moment, even while you read. */
struct shared_message {
	uint32_t len;
	unsigned char bytes[MESSAGE_MAX];
};

/*
 * Copy the message m into out (room for MESSAGE_MAX bytes) and return its
 * length; -1 with errno EMSGSIZE if its length is more than MESSAGE_MAX.
 * Whatever the peer does meanwhile, never write past out[MESSAGE_MAX - 1]
 * and never return more than MESSAGE_MAX.
 */
ssize_t message_take(const struct shared_message *m, unsigned char *out);

#endif
