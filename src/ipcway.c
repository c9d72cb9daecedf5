/*
 * ipcway.c - the producer and the consumer of each way (ipcway.h).
 *
 * Layout: small helpers; the consumer (the child: what it receives, how it
 * receives one message, its two loops); the producer (sending one message
 * per kind, a batch, a round trip); starting and stopping.
 *
 * The child is a fork of the producer, so it starts with a copy of *w and
 * knows the kind, mode and size. It inherits no descriptor but its end of
 * the life line (peer.h), so the producer hands over what it needs with
 * SCM_RIGHTS: the pipe ends, or the memfd. The child even unmaps the region
 * it inherited and maps it again from the descriptor it received: the
 * descriptor is what carries a region from one process to another.
 */
#include "ipcway.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "checksum.h"
#include "measure.h"
#include "size.h"

/* What the consumer answers at the end of a batch. */
struct reply {
	uint64_t checksum;	/* of the last message */
	uint64_t copied;	/* payload bytes it read out of the kernel */
	uint64_t mismatches;	/* messages whose sum differed from the first */
};

const char *ipcway_name(enum ipcway_kind kind)
{
	static const char *const names[] = {
		[IPCWAY_PIPE] = "pipe", [IPCWAY_SOCKET] = "socket",
		[IPCWAY_MEMFD] = "memfd", [IPCWAY_RING] = "ring",
		[IPCWAY_ONEOFF_MEMFD] = "oneoff-memfd",
	};

	REQUIRE((size_t)kind < sizeof(names) / sizeof(names[0]));
	return names[kind];
}

static int uses_region(const struct ipcway *w)
{
	return w->kind == IPCWAY_MEMFD || w->kind == IPCWAY_RING;
}

/* The two rings sit at the start of the region, the message after them. */
static size_t ring_span(void)
{
	return shmring_bytes(IPCWAY_RING_ENTRIES);
}

static void attach_rings(struct ipcway *w, int init)
{
	void (*setup)(struct shmring *, void *, size_t, enum shmring_layout) =
		init ? shmring_init : shmring_attach;

	setup(&w->ring, w->region.data, IPCWAY_RING_ENTRIES, w->layout);
	setup(&w->replies, w->region.data + ring_span(), IPCWAY_RING_ENTRIES,
	      w->layout);
}

/* --- The consumer ------------------------------------------------------------ */

/* A receive buffer: page-aligned, every page touched. NULL with errno. */
static unsigned char *receive_buffer(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, n, MADV_HUGEPAGE);	/* like bench_alloc's buffers */
	memset(p, 0x5a, n);
	return p;
}

/* Is the entry inside the region? It is our own copy (it came through
 * the socket, or shmring_pop copied it out), so checking it is safe. */
static int entry_fits(const struct ipcway *w, struct shmring_entry e)
{
	return e.offset <= w->region.len && e.len <= w->region.len - e.offset;
}

/* Receive one message and sum every byte of it into *sum. */
static int receive_one(struct ipcway *w, int sock, unsigned char *buf,
		       uint64_t *sum)
{
	struct shmring_entry e;
	struct shmregion fresh;
	int fd;

	switch (w->kind) {
	case IPCWAY_PIPE:
	case IPCWAY_SOCKET:
		if (peer_read(w->kind == IPCWAY_PIPE ? w->data_fd : sock, buf,
			      w->size) < 0)
			return -1;
		w->copied_out += w->size;
		*sum = checksum_bytes(buf, w->size);
		return 0;
	case IPCWAY_MEMFD:
	case IPCWAY_RING:
		if (w->kind == IPCWAY_MEMFD ? peer_read(sock, &e, sizeof(e))
					    : shmring_pop(&w->ring, &e))
			return -1;
		if (!entry_fits(w, e)) {
			errno = EPROTO;
			return -1;
		}
		*sum = checksum_bytes(w->region.data + e.offset, e.len);
		return 0;
	case IPCWAY_ONEOFF_MEMFD:
		fd = peer_receive_fd(sock);
		if (fd < 0 || shmregion_open(&fresh, fd, false) < 0)
			return -1;
		*sum = checksum_bytes(fresh.data, fresh.len);
		shmregion_close(&fresh);
		return 0;
	}
	errno = EINVAL;
	return -1;
}

/* Stream mode: read a batch count, receive that many, answer. */
static int consume_batches(struct ipcway *w, int sock, unsigned char *buf)
{
	uint64_t n, first = 0;
	int have_first = 0;

	while (peer_read(sock, &n, sizeof(n)) == 0) {
		struct reply r = { 0 };

		for (uint64_t i = 0; i < n; i++) {
			if (receive_one(w, sock, buf, &r.checksum) < 0)
				return 1;
			if (!have_first) {
				first = r.checksum;
				have_first = 1;
			}
			w->mismatches += r.checksum != first;
		}
		r.copied = w->copied_out;
		r.mismatches = w->mismatches;
		if (peer_write(sock, &r, sizeof(r)) < 0)
			return 1;
	}
	return errno == EPIPE ? 0 : 1;	/* end of file: the producer stopped */
}

/* Ping-pong mode: answer every message through the way's own channel. */
static int consume_pingpong(struct ipcway *w, int sock, unsigned char *buf)
{
	uint64_t sum;

	while (receive_one(w, sock, buf, &sum) == 0) {
		struct shmring_entry back = { .offset = sum };
		int failed;

		if (w->kind == IPCWAY_RING)
			failed = shmring_push(&w->replies, back);
		else
			failed = peer_write(w->kind == IPCWAY_PIPE ? w->reply_fd
								    : sock,
					    &sum, sizeof(sum));
		if (failed)
			return 1;
	}
	return errno == EPIPE ? 0 : 1;
}

/* Receive the descriptors the producer hands over; map the region again. */
static int receive_setup(struct ipcway *w, int sock)
{
	if (w->kind == IPCWAY_PIPE) {
		w->data_fd = peer_receive_fd(sock);
		if (w->data_fd < 0)
			return -1;
		if (w->mode == IPCWAY_PINGPONG &&
		    (w->reply_fd = peer_receive_fd(sock)) < 0)
			return -1;
	}
	if (uses_region(w)) {
		int fd = peer_receive_fd(sock);

		munmap(w->region.data, w->region.len);	/* the inherited one */
		if (fd < 0 || shmregion_open(&w->region, fd, w->kind == IPCWAY_RING) < 0)
			return -1;
		/* Trust the region only if it can no longer shrink under us. */
		if (!(shmregion_seals(fd) & F_SEAL_SHRINK)) {
			errno = EPERM;
			return -1;
		}
		if (w->kind == IPCWAY_RING) {
			attach_rings(w, 0);
			shmring_set_peer(&w->ring, sock, PEER_TIMEOUT_MS);
			shmring_set_peer(&w->replies, sock, PEER_TIMEOUT_MS);
		}
	}
	return 0;
}

static int consumer_main(int sock, void *arg)
{
	struct ipcway *w = arg;
	unsigned char *buf = NULL;
	size_t before, after;

	w->copied_out = 0;
	if (measure_anonymous_bytes(&before) < 0 || receive_setup(w, sock) < 0)
		return 1;
	if (w->kind == IPCWAY_PIPE || w->kind == IPCWAY_SOCKET) {
		buf = receive_buffer(w->size);
		if (!buf)
			return 1;
	}
	if (measure_anonymous_bytes(&after) < 0)
		return 1;	/* the producer hears of it as a dead peer */
	w->consumer_extra = after > before ? after - before : 0;
	if (peer_write(sock, &w->consumer_extra, sizeof(w->consumer_extra)) < 0)
		return 1;
	return w->mode == IPCWAY_STREAM ? consume_batches(w, sock, buf)
					: consume_pingpong(w, sock, buf);
}

/* --- The producer ------------------------------------------------------------- */

static int send_oneoff(struct ipcway *w)
{
	struct shmregion fresh;
	int ret;

	if (shmregion_create(&fresh, "oneoff", w->size) < 0)
		return -1;
	memcpy(fresh.data, w->message, w->size);
	ret = peer_send_fd(w->consumer.sock, fresh.fd);
	shmregion_close(&fresh);	/* the descriptor in flight keeps it */
	return ret;
}

static int send_one(struct ipcway *w)
{
	struct shmring_entry e = { .offset = w->payload_offset, .len = w->size };

	switch (w->kind) {
	case IPCWAY_PIPE:
	case IPCWAY_SOCKET:
		if (peer_write(w->kind == IPCWAY_PIPE ? w->data_fd
						      : w->consumer.sock,
			       w->message, w->size) < 0)
			return -1;
		w->copied_in += w->size;
		return 0;
	case IPCWAY_MEMFD:
		return peer_write(w->consumer.sock, &e, sizeof(e));
	case IPCWAY_RING:
		return shmring_push(&w->ring, e);
	case IPCWAY_ONEOFF_MEMFD:
		return send_oneoff(w);
	}
	errno = EINVAL;
	return -1;
}

static int send_batch(struct ipcway *w, uint64_t n, uint64_t *checksum)
{
	struct reply r;

	if (peer_write(w->consumer.sock, &n, sizeof(n)) < 0)
		return -1;
	for (uint64_t i = 0; i < n; i++)
		if (send_one(w) < 0)
			return -1;
	if (peer_read(w->consumer.sock, &r, sizeof(r)) < 0)
		return -1;
	*checksum = r.checksum;
	w->mismatches = r.mismatches;
	w->copied_out = r.copied;
	return 0;
}

static int round_trip(struct ipcway *w, uint64_t *checksum)
{
	struct shmring_entry back;

	if (send_one(w) < 0)
		return -1;
	if (w->kind == IPCWAY_RING) {
		if (shmring_pop(&w->replies, &back) < 0)
			return -1;
		*checksum = back.offset;
		return 0;
	}
	return peer_read(w->kind == IPCWAY_PIPE ? w->reply_fd : w->consumer.sock,
			 checksum, sizeof(*checksum));
}

int ipcway_send(struct ipcway *w, uint64_t n, uint64_t *checksum)
{
	REQUIRE(w->consumer.pid > 0);
	REQUIRE(w->mode == IPCWAY_STREAM || n == 1);
	return w->mode == IPCWAY_STREAM ? send_batch(w, n, checksum)
					: round_trip(w, checksum);
}

/* --- Starting and stopping ------------------------------------------------------ */

/* Before the fork: the pipes, or the region with the message in it. */
static int prepare(struct ipcway *w, int pipes[2][2])
{
	if (w->kind == IPCWAY_PIPE) {
		if (pipe2(pipes[0], O_CLOEXEC) < 0)
			return -1;
		if (w->mode == IPCWAY_PINGPONG && pipe2(pipes[1], O_CLOEXEC) < 0)
			return -1;
		w->data_fd = pipes[0][1];
		w->reply_fd = pipes[1][0];
	}
	if (!uses_region(w))
		return 0;
	w->payload_offset = w->kind == IPCWAY_RING ? 2 * ring_span() : 0;
	w->payload_offset = (w->payload_offset + 4095) & ~(size_t)4095;
	if (w->size > SIZE_MAX - w->payload_offset) {
		errno = ENOMEM;
		return -1;
	}
	if (shmregion_create(&w->region, ipcway_name(w->kind),
			     w->payload_offset + w->size) < 0)
		return -1;
	memcpy(w->region.data + w->payload_offset, w->message, w->size);
	if (w->kind == IPCWAY_RING)
		attach_rings(w, 1);
	return shmregion_seal(&w->region, F_SEAL_SHRINK | F_SEAL_GROW);
}

/* After the fork: hand over what the consumer needs, keep only our ends. */
static int hand_over(struct ipcway *w, int pipes[2][2])
{
	int sock = w->consumer.sock;

	if (w->kind == IPCWAY_PIPE) {
		if (peer_send_fd(sock, pipes[0][0]) < 0)
			return -1;
		if (w->mode == IPCWAY_PINGPONG && peer_send_fd(sock, pipes[1][1]) < 0)
			return -1;
		close(pipes[0][0]);
		pipes[0][0] = -1;
		if (pipes[1][1] >= 0)
			close(pipes[1][1]);
		pipes[1][1] = -1;
	}
	if (uses_region(w) && peer_send_fd(sock, w->region.fd) < 0)
		return -1;
	if (w->kind == IPCWAY_RING) {
		shmring_set_peer(&w->ring, sock, PEER_TIMEOUT_MS);
		shmring_set_peer(&w->replies, sock, PEER_TIMEOUT_MS);
	}
	return peer_read(sock, &w->consumer_extra, sizeof(w->consumer_extra));
}

int ipcway_start(struct ipcway *w, enum ipcway_kind kind, enum ipcway_mode mode,
		 const unsigned char *message, size_t size,
		 enum shmring_layout layout)
{
	int pipes[2][2] = { { -1, -1 }, { -1, -1 } };

	REQUIRE(size > 0 && message != NULL);
	REQUIRE(kind != IPCWAY_ONEOFF_MEMFD || mode == IPCWAY_PINGPONG);
	*w = (struct ipcway){ .kind = kind, .mode = mode, .layout = layout,
			      .size = size, .message = message,
			      .consumer = { .sock = -1 }, .data_fd = -1,
			      .reply_fd = -1, .region = { .fd = -1 } };
	if (size > measure_available_memory()) {
		errno = ENOMEM;
		return -1;
	}
	if (prepare(w, pipes) < 0 ||
	    peer_start(&w->consumer, consumer_main, w) < 0 ||
	    hand_over(w, pipes) < 0) {
		int saved = errno;

		for (int i = 0; i < 2; i++)
			for (int j = 0; j < 2; j++)
				if (pipes[i][j] >= 0)
					close(pipes[i][j]);
		w->data_fd = w->reply_fd = -1;
		ipcway_stop(w);
		errno = saved;
		return -1;
	}
	return 0;
}

/* The pipes close first: a consumer blocked reading one sees end of file. */
int ipcway_stop(struct ipcway *w)
{
	int status;

	if (w->data_fd >= 0)
		close(w->data_fd);
	if (w->reply_fd >= 0)
		close(w->reply_fd);
	w->data_fd = w->reply_fd = -1;
	status = peer_stop(&w->consumer, 2000);
	shmregion_close(&w->region);
	return status == 0 ? 0 : -1;
}
