/*
 * ipcway.h - four ways to hand a message to another process, and one to
 * regret.
 *
 * A way joins this process (the producer) to a consumer child (peer.h). The
 * producer sends a message of `size` bytes, again and again; the consumer
 * reads every byte of every message (checksum_bytes) and reports the sum,
 * so every way does the same work and must arrive at the same checksum:
 * lesson 01's fair race, between processes.
 *
 *   IPCWAY_PIPE    the bytes go through a pipe: write(2) copies them into
 *                  the kernel, read(2) copies them out into the consumer's
 *                  own buffer. Two photocopies per message.
 *   IPCWAY_SOCKET  the same through a Unix socketpair.
 *   IPCWAY_MEMFD   the message is written once into a memfd region both
 *                  processes map (shmregion.h), whose descriptor was handed
 *                  over once (SCM_RIGHTS); each message is then 16 bytes,
 *                  an offset and a length, sent through the socket. The
 *                  consumer reads the message where it is.
 *   IPCWAY_RING    the same region, and the offset and length go through
 *                  a ring in it (shmring.h): no system call per message.
 *   IPCWAY_ONEOFF_MEMFD  where copying wins: a fresh region per message,
 *                  created, filled, handed over, mapped, read, unmapped and
 *                  closed every time (ping-pong mode only).
 *
 * Two modes. IPCWAY_STREAM: ipcway_send(w, n) tells the consumer (one
 * small control message) that n messages follow, sends them, and waits
 * for the checksum: throughput. IPCWAY_PINGPONG: ipcway_send(w, 1) is one
 * round trip, the consumer answering each message through the way's own
 * channel (a second pipe, the socket, a second ring): latency.
 *
 * Counted, not assumed: copied_in is the payload bytes the producer wrote
 * into a kernel channel, copied_out those the consumer read out of one (as
 * it reported them with its last checksum: stream mode only). For the pipe
 * and the socket each grows by size per message; for memfd and ring, once
 * the region is filled, both stay 0. consumer_extra is the memory the
 * consumer allocated to receive, as it measured it (measure.h).
 *
 * Errors: -1 with errno, and one clear errno for a consumer that died:
 * EPIPE. Every wait is bounded (peer.h, shmring.h). ipcway_start refuses
 * a message larger than the memory available (ENOMEM) before it creates
 * anything.
 */
#ifndef IPCWAY_H
#define IPCWAY_H

#include <stddef.h>
#include <stdint.h>

#include "peer.h"
#include "shmregion.h"
#include "shmring.h"

enum ipcway_kind {
	IPCWAY_PIPE,
	IPCWAY_SOCKET,
	IPCWAY_MEMFD,
	IPCWAY_RING,
	IPCWAY_ONEOFF_MEMFD,
};

enum ipcway_mode {
	IPCWAY_STREAM,
	IPCWAY_PINGPONG,
};

#define IPCWAY_RING_ENTRIES 256

struct ipcway {
	enum ipcway_kind kind;
	enum ipcway_mode mode;
	enum shmring_layout layout;	/* IPCWAY_RING */
	size_t size;			/* bytes per message */
	const unsigned char *message;	/* the producer's message */
	struct peer consumer;
	int data_fd;			/* IPCWAY_PIPE: the write end; else -1 */
	int reply_fd;			/* IPCWAY_PIPE ping-pong: read end; else -1 */
	struct shmregion region;	/* IPCWAY_MEMFD, IPCWAY_RING */
	struct shmring ring, replies;	/* IPCWAY_RING: to, and back */
	size_t payload_offset;		/* where the message sits in region */
	uint64_t copied_in;		/* payload bytes written into the kernel */
	uint64_t copied_out;		/* payload bytes read out of it */
	uint64_t mismatches;		/* messages whose sum differed from the first */
	size_t consumer_extra;		/* bytes the consumer allocated */
};

/* The name of a kind: "pipe", "socket", "memfd", "ring", "oneoff-memfd". */
const char *ipcway_name(enum ipcway_kind kind);

/*
 * Start the consumer for messages of size bytes, the contents of message
 * (which must stay valid while the way is used). For memfd and ring this
 * creates the region, writes the message into it once, seals it against
 * shrinking and growing, and hands it over. layout matters for the ring
 * only. Returns 0, or -1 with errno, having cleaned up.
 */
int ipcway_start(struct ipcway *w, enum ipcway_kind kind, enum ipcway_mode mode,
		 const unsigned char *message, size_t size,
		 enum shmring_layout layout);

/*
 * Send n messages (n == 1 in ping-pong mode) and wait until the consumer
 * has read them all; *checksum is the consumer's checksum_bytes of the
 * last one. 0, or -1 with errno (EPIPE: the consumer died).
 */
int ipcway_send(struct ipcway *w, uint64_t n, uint64_t *checksum);

/* Stop the consumer and free everything. Returns 0 if the consumer ended
 * cleanly, -1 otherwise. Harmless on a way already stopped. */
int ipcway_stop(struct ipcway *w);

#endif
