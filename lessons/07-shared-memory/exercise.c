/*
 * exercise.c - lesson 07's exercise: write the functions declared in
 * exercise.h, then run `make check-07` until every test passes. hints.md
 * has one hint per test if you are stuck.
 */
#include "exercise.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

int ring_push(struct ring_side *producer, uint64_t value)
{
	/*
	 * TODO: load your own cursor (head) relaxed. If the cached tail says
	 * the ring is full (head - cached == RING_SLOTS), re-read tail with
	 * memory_order_acquire into cached; still full: return 0. Then write
	 * the slot and store head + 1 with memory_order_release.
	 */
	(void)producer;
	(void)value;
	return 0;
}

int ring_pop(struct ring_side *consumer, uint64_t *value)
{
	/*
	 * TODO: the mirror image: load tail relaxed; if the cached head says
	 * empty, re-read head with acquire; still empty: return 0. Read the
	 * slot, then store tail + 1 with release.
	 */
	(void)consumer;
	(void)value;
	return 0;
}

int region_share_view_only(int fd)
{
	/* TODO: one fcntl(fd, F_ADD_SEALS, ...) with the three seals. */
	(void)fd;
	errno = ENOSYS;
	return -1;
}

int region_check_view_only(int fd)
{
	/* TODO: fcntl(fd, F_GET_SEALS), then test the bits it returns. */
	(void)fd;
	errno = ENOSYS;
	return -1;
}

ssize_t message_take(const struct shared_message *m, unsigned char *out)
{
	/*
	 * TODO: read m->len exactly once, into a local variable (copy it, or
	 * copy the whole message), validate that copy, and use only the copy
	 * from then on. Checking m->len and then using m->len reads it twice:
	 * the peer can change it in between.
	 */
	(void)m;
	(void)out;
	errno = ENOSYS;
	return -1;
}
