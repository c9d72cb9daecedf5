/*
 * shmring.h - a single-producer single-consumer ring of message entries,
 * in memory two processes share.
 *
 * One process (the producer) pushes entries, another (the consumer) pops
 * them, in order. An entry says where a message is, never what it says:
 * an offset and a length in a shared region (shmregion.h) that both have
 * mapped. So a message of any size moves as 16 bytes, and once the ring
 * runs, neither side makes a system call per message: the two cursors are
 * plain memory, read and written with C11 atomics.
 *
 * The shared memory holds two cursors and the entries:
 *
 *   head   the next entry the producer fills; written only by it
 *   tail   the next entry the consumer takes; written only by it
 *
 * The cursors count up forever (64 bits do not wrap in practice); entry i
 * lives in slot i % capacity. The ring is empty when head == tail and full
 * when head - tail == capacity. The producer writes the entry, then
 * publishes it by storing head with memory_order_release; the consumer
 * loads head with memory_order_acquire, so it sees the entry (and the
 * message the producer wrote before it) complete. Popping stores tail with
 * release; the producer's acquire load of tail means a slot is reused only
 * after the consumer has finished reading it.
 *
 * Where the cursors sit is the lesson on false sharing, so it is a choice:
 *
 *   SHMRING_ONE_LINE  head and tail on one 64-byte cache line: every push
 *                     and every pop takes the line away from the other core.
 *   SHMRING_PADDED    each cursor 128 bytes from the other (two lines:
 *                     some processors fetch lines in pairs), so each side
 *                     writes a line of its own; but each side still reads
 *                     the other's cursor on every call, and that line moves.
 *   SHMRING_CACHED    padded, and each side keeps a private copy of the
 *                     other side's cursor, re-read only when the ring looks
 *                     full (producer) or empty (consumer).
 *
 * Invariants: one producer and one consumer, each with its own struct
 * shmring over the same shared memory, initialised once (shmring_init) by
 * one side before the other attaches. The 64-bit atomics must be lock-free
 * (checked when compiling): a lock would not work across processes.
 *
 * Waiting: shmring_try_push and shmring_try_pop never wait. shmring_push
 * and shmring_pop wait while the ring is full or empty: they spin a little,
 * then yield the processor (sched_yield, the only system call, made only
 * while waiting), and give up with ETIMEDOUT after the timeout or with
 * EPIPE as soon as the peer's life line hangs up (peer.h): a peer that
 * dies never leaves the other hanging.
 */
#ifndef SHMRING_H
#define SHMRING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define SHMRING_HEADER 256	/* bytes of shared memory before the entries */

/* Where a message is: bytes [offset, offset + len) of the shared region. */
struct shmring_entry {
	uint64_t offset;
	uint64_t len;
};

enum shmring_layout {
	SHMRING_ONE_LINE,
	SHMRING_PADDED,
	SHMRING_CACHED,
};

/* One side's handle on a ring; each process has its own. */
struct shmring {
	_Atomic uint64_t *head;		/* in shared memory */
	_Atomic uint64_t *tail;		/* in shared memory */
	struct shmring_entry *slots;	/* in shared memory */
	uint64_t capacity;		/* a power of two */
	enum shmring_layout layout;
	uint64_t seen;		/* SHMRING_CACHED: the other side's cursor, last read */
	int life_line;		/* the peer's socket, -1 for none */
	int timeout_ms;		/* how long push and pop wait at most */
	uint64_t waits;		/* calls that found the ring full or empty */
	uint64_t yields;	/* sched_yield calls made while waiting */
};

/* Bytes of shared memory a ring of capacity entries needs. */
size_t shmring_bytes(size_t capacity);

/*
 * Set up a ring in shared[0..shmring_bytes(capacity)) (64-byte aligned;
 * capacity a power of two) and attach to it: call once, before the peer
 * attaches. The other side calls shmring_attach with the same arguments.
 */
void shmring_init(struct shmring *r, void *shared, size_t capacity,
		  enum shmring_layout layout);
void shmring_attach(struct shmring *r, void *shared, size_t capacity,
		    enum shmring_layout layout);

/* Bound push and pop: give up after timeout_ms, or when life_line (a
 * peer.h socket, -1 for none) says the peer is gone. Default: 10 s, none. */
void shmring_set_peer(struct shmring *r, int life_line, int timeout_ms);

/* Producer: add e at the head. 1 if pushed, 0 if the ring is full. */
int shmring_try_push(struct shmring *r, struct shmring_entry e);

/* Consumer: take the entry at the tail into *e. 1 if popped, 0 if empty. */
int shmring_try_pop(struct shmring *r, struct shmring_entry *e);

/* The same, waiting while full or empty (see above): 0, or -1 with
 * ETIMEDOUT or EPIPE. */
int shmring_push(struct shmring *r, struct shmring_entry e);
int shmring_pop(struct shmring *r, struct shmring_entry *e);

#endif
