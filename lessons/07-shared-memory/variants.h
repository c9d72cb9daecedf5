/*
 * variants.h - lesson 07's ways (src/ipcway.h) as harness variants.
 *
 * The benchmark (bench/07-shared-memory.c) and the lesson's demo time the
 * same thing, so the glue lives here, static inline, like every lesson's
 * variants.h:
 *
 *   ipcway_job                 what to start: kind, mode, layout, message
 *   ipcway_job_setup/_teardown start the consumer child / stop it
 *   ipcway_job_run             iters messages (stream) or round trips
 *                              (ping-pong); returns the consumer's checksum
 *   ipcway_job_peer_extra      the consumer's receive buffer, as it measured
 *   ipcway_job_variant         a struct bench_variant for a job
 *
 * A failure inside a run (the consumer died) cannot stop the harness
 * mid-batch: the run records errno in job->error and returns 0, which the
 * harness's checksum check then refuses; the caller reports job->error.
 */
#ifndef LESSON_07_VARIANTS_H
#define LESSON_07_VARIANTS_H

#include <errno.h>
#include <stdint.h>

#include "harness.h"
#include "ipcway.h"

struct ipcway_job {
	enum ipcway_kind kind;
	enum ipcway_mode mode;
	enum shmring_layout layout;
	const unsigned char *message;
	size_t size;
	struct ipcway way;
	int started;
	int error;		/* errno of the first failure; 0 if none */
};

static inline int ipcway_job_setup(void *ctx)
{
	struct ipcway_job *j = ctx;

	if (ipcway_start(&j->way, j->kind, j->mode, j->message, j->size,
			 j->layout) < 0) {
		j->error = errno;
		return -1;
	}
	j->started = 1;
	return 0;
}

static inline void ipcway_job_teardown(void *ctx)
{
	struct ipcway_job *j = ctx;

	if (j->started && ipcway_stop(&j->way) < 0 && !j->error)
		j->error = ECHILD;	/* the consumer did not end cleanly */
	j->started = 0;
}

static inline uint64_t ipcway_job_run(void *ctx, uint64_t iters)
{
	struct ipcway_job *j = ctx;
	uint64_t sum = 0;

	if (j->error)
		return 0;
	if (j->mode == IPCWAY_STREAM) {
		if (ipcway_send(&j->way, iters, &sum) == 0)
			return sum;
	} else {
		for (uint64_t i = 0; i < iters; i++)
			if (ipcway_send(&j->way, 1, &sum) < 0)
				goto out_failed;
		return sum;
	}
out_failed:
	j->error = errno;
	return 0;
}

static inline size_t ipcway_job_peer_extra(void *ctx)
{
	const struct ipcway_job *j = ctx;

	return j->started ? j->way.consumer_extra : 0;
}

/* A variant named name for job j (which must outlive the measurement). */
static inline struct bench_variant ipcway_job_variant(const char *name,
						      struct ipcway_job *j)
{
	return (struct bench_variant){
		.name = name, .run = ipcway_job_run, .setup = ipcway_job_setup,
		.teardown = ipcway_job_teardown, .ctx = j, .reads_data = 1,
		.bytes_per_op = j->size, .peer_extra_bytes = ipcway_job_peer_extra,
	};
}

#endif
