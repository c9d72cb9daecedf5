/*
 * 07-shared-memory.c - benchmark for lesson 07: a message to another
 * process, photocopied through the kernel or handed over in shared memory.
 *
 * Every variant has two real processes: this one produces, a forked child
 * consumes (src/ipcway.h). The consumer reads every byte of every message
 * (checksum_bytes) and the harness checks that all ways read the same
 * bytes. Three parts, each answering one question:
 *
 * 1. Throughput, at every size (64 B to 64 MiB):
 *      pipe     write(2) into a pipe, read(2) out of it into a buffer
 *      socket   the same through a Unix socketpair
 *      memfd    the message sits in a memfd region mapped by both, handed
 *               over once with SCM_RIGHTS; each message is an offset and a
 *               length (16 bytes) sent through the socket
 *      ring     the same region; the offset and length go through a
 *               single-producer single-consumer ring in it (shmring.h)
 *    A timed batch is N messages, from the first send until the consumer
 *    has answered with the checksum of the last, so median_ns is the time
 *    per message when the ways run flat out: messages per second is
 *    1e9 / median_ns, and gbps is payload bytes per ns (GB/s, 1e9 bytes).
 *
 * 2. False sharing, 64-byte messages through the ring, three layouts of
 *    its two cursors: ring-one-line (both on one cache line), ring-padded
 *    (128 bytes apart), ring-cached (apart, and each side caches the
 *    other's cursor). Same columns as part 1.
 *
 * 3. Latency: ping-pong, one message and one answer at a time, at every
 *    size up to 1 MiB, for each way (variants pingpong-pipe, ...,
 *    pingpong-ring) and for pingpong-oneoff-memfd: a fresh region
 *    created, filled, handed over, mapped, read, unmapped and closed per
 *    message, the case where copying wins. Every round trip is timed on
 *    its own (the clock costs about 20 ns against round trips of
 *    microseconds), the ways interleaved in blocks, so these rows differ
 *    from the harness's: `samples` is the number of round trips, iters is
 *    1, min/p25/median/p75/max are over single round trips, and param
 *    holds the 99th percentile as "p99_ns=N" (nearest rank), which the
 *    schema has no column for.
 *
 * extra_bytes is memory beyond the one copy of the message the producer
 * holds (its buffer for pipe and socket, the region for memfd and ring):
 * the consumer's receive buffer as the consumer measured it, plus what
 * grew in this process. The kernel's pipe and socket buffers are not
 * counted (a pipe holds 64 KiB, pipe(7); a socket's send buffer starts at
 * net.core.wmem_default, 212992 bytes here).
 *
 * On a loaded 2-core machine the ring is noisy: each side spins while the
 * ring is empty or full, and when the other process is not running it
 * yields (shmring.h); the p25-p75 bars show how much.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "checksum.h"
#include "harness.h"
#include "lessons/07-shared-memory/variants.h"
#include "measure.h"
#include "size.h"

#define DEFAULT_SIZES "64,256,1K,4K,16K,64K,256K,1M,4M,16M,64M"
#define QUICK_SIZES "64,64K,1M"
#define PINGPONG_MAX ((size_t)1 << 20)
#define FALSE_SHARING_SIZE 64
#define WAYS 4
#define PINGPONG_WAYS 5
#define BLOCKS 10			/* ping-pong: interleaved blocks per way */
#define MAX_ROUND_TRIPS 5000

static const char *const bench_name = LESSON_ID;
static const enum ipcway_kind stream_kinds[WAYS] = {
	IPCWAY_PIPE, IPCWAY_SOCKET, IPCWAY_MEMFD, IPCWAY_RING,
};

/* --- Parts 1 and 2: through the harness ----------------------------------- */

static int report_jobs(const struct ipcway_job *j, size_t n, const char *part)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (!j[i].error)
			continue;
		fprintf(stderr, "%s: %s, %s at %zu bytes: %s\n", bench_name,
			part, ipcway_name(j[i].kind), j[i].size,
			j[i].error == EPIPE ? "the consumer died"
					    : strerror(j[i].error));
		failed = 1;
	}
	return failed ? -1 : 0;
}

static int measure_throughput(struct bench_run *run, const unsigned char *msg,
			      size_t size)
{
	struct ipcway_job jobs[WAYS];
	struct bench_variant v[WAYS];
	int ret;

	for (size_t i = 0; i < WAYS; i++) {
		jobs[i] = (struct ipcway_job){ .kind = stream_kinds[i],
					       .mode = IPCWAY_STREAM,
					       .layout = SHMRING_CACHED,
					       .message = msg, .size = size };
		v[i] = ipcway_job_variant(ipcway_name(stream_kinds[i]), &jobs[i]);
	}
	ret = bench_measure(run, size, "", v, WAYS, NULL);
	return report_jobs(jobs, WAYS, "throughput") < 0 ? -1 : ret;
}

static int measure_false_sharing(struct bench_run *run,
				 const unsigned char *msg)
{
	static const char *const names[] = { "ring-one-line", "ring-padded",
					     "ring-cached" };
	struct ipcway_job jobs[3];
	struct bench_variant v[3];
	int ret;

	for (int i = 0; i < 3; i++) {
		jobs[i] = (struct ipcway_job){ .kind = IPCWAY_RING,
					       .mode = IPCWAY_STREAM,
					       .layout = (enum shmring_layout)i,
					       .message = msg,
					       .size = FALSE_SHARING_SIZE };
		v[i] = ipcway_job_variant(names[i], &jobs[i]);
	}
	ret = bench_measure(run, FALSE_SHARING_SIZE, "", v, 3, NULL);
	return report_jobs(jobs, 3, "false sharing") < 0 ? -1 : ret;
}

/* --- Part 3: ping-pong, every round trip timed ------------------------------ */

struct pingpong {
	struct ipcway_job job;
	double ns[MAX_ROUND_TRIPS];
	size_t n;
	long faults;
};

/* Round trips per way: about budget_ns of them, at least 101. */
static size_t round_trips_for(struct pingpong *p, uint64_t budget_ns)
{
	uint64_t t0 = measure_now_ns(), each;

	ipcway_job_run(&p->job, 10);	/* warm-up, and an estimate */
	each = (measure_now_ns() - t0) / 10 + 1;
	if (budget_ns / each < 101)
		return 101;
	return budget_ns / each > MAX_ROUND_TRIPS ? MAX_ROUND_TRIPS
						   : budget_ns / each;
}

static int time_round_trips(struct pingpong *p, size_t count, uint64_t expected)
{
	long before = measure_faults().minor;

	for (size_t i = 0; i < count && p->n < MAX_ROUND_TRIPS; i++) {
		uint64_t t0 = measure_now_ns();
		uint64_t sum = ipcway_job_run(&p->job, 1);

		p->ns[p->n++] = (double)(measure_now_ns() - t0);
		if (p->job.error)
			return -1;
		if (sum != expected) {
			fprintf(stderr, "%s: ping-pong %s at %zu bytes: checksum "
				"%#llx, expected %#llx\n", bench_name,
				ipcway_name(p->job.kind), p->job.size,
				(unsigned long long)sum,
				(unsigned long long)expected);
			return -1;
		}
	}
	p->faults += measure_faults().minor - before;
	return 0;
}

static int write_pingpong(struct bench_run *run, struct pingpong *p)
{
	struct bench_stats st;
	struct bench_result r;
	char name[64], param[48];
	size_t rank;

	bench_stats(p->ns, p->n, &st);
	rank = (size_t)ceil(0.99 * (double)p->n);	/* nearest rank */
	snprintf(name, sizeof(name), "pingpong-%s", ipcway_name(p->job.kind));
	snprintf(param, sizeof(param), "p99_ns=%.0f", p->ns[rank - 1]);
	r = (struct bench_result){
		.variant = name, .size = p->job.size, .samples = (int)p->n,
		.iters = 1, .min_ns = st.min, .p25_ns = st.p25,
		.median_ns = st.median, .p75_ns = st.p75, .max_ns = st.max,
		.mean_ns = st.mean, .cv = st.cv,
		.gbps = (double)p->job.size / st.median,
		.extra_bytes = p->job.way.consumer_extra,
		.minflt = (double)p->faults / (double)p->n,
	};
	return bench_write_result(run, param, &r);
}

static void stop_all(struct pingpong *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ipcway_job_teardown(&p[i].job);
}

static int measure_pingpong(struct bench_run *run, const unsigned char *msg,
			    size_t size, uint64_t budget_ns, struct pingpong *p)
{
	static const enum ipcway_kind kinds[PINGPONG_WAYS] = {
		IPCWAY_PIPE, IPCWAY_SOCKET, IPCWAY_MEMFD, IPCWAY_RING,
		IPCWAY_ONEOFF_MEMFD,
	};
	uint64_t expected = checksum_bytes(msg, size);
	size_t count[PINGPONG_WAYS], started = 0;
	int ret = -1;

	for (; started < PINGPONG_WAYS; started++) {
		p[started] = (struct pingpong){ .job = {
			.kind = kinds[started], .mode = IPCWAY_PINGPONG,
			.layout = SHMRING_CACHED, .message = msg, .size = size } };
		if (ipcway_job_setup(&p[started].job) < 0)
			goto out_stop;
		count[started] = round_trips_for(&p[started], budget_ns);
	}
	for (int b = 0; b < BLOCKS; b++)	/* interleaved, like the harness */
		for (size_t i = 0; i < PINGPONG_WAYS; i++)
			if (time_round_trips(&p[i], (count[i] + BLOCKS - 1) / BLOCKS,
					     expected) < 0)
				goto out_stop;
	ret = 0;
	for (size_t i = 0; i < PINGPONG_WAYS && ret == 0; i++)
		ret = write_pingpong(run, &p[i]);
out_stop:
	stop_all(p, started);
	/* Also the way whose setup failed, if one did: p[started]. */
	for (size_t i = 0; i <= started && i < PINGPONG_WAYS; i++)
		if (report_jobs(&p[i].job, 1, "ping-pong") < 0)
			ret = -1;
	return ret;
}

/* --- main --------------------------------------------------------------------- */

static void fill_message(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131 + (i >> 12));
}

static size_t pingpong_sizes(const struct bench_config *cfg)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->nsizes; i++)
		n += cfg->sizes[i] <= PINGPONG_MAX;
	return n;
}

static int run_all(struct bench_run *run, const struct bench_config *cfg,
		   const unsigned char *msg)
{
	static struct pingpong p[PINGPONG_WAYS];	/* 200 KiB: not on the stack */
	uint64_t budget = cfg->quick ? 10000000u : 60000000u;	/* per way */

	for (size_t i = 0; i < cfg->nsizes; i++)
		if (measure_throughput(run, msg, cfg->sizes[i]) < 0)
			return -1;
	if (measure_false_sharing(run, msg) < 0)
		return -1;
	for (size_t i = 0; i < cfg->nsizes; i++)
		if (cfg->sizes[i] <= PINGPONG_MAX &&
		    measure_pingpong(run, msg, cfg->sizes[i], budget, p) < 0)
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_config cfg;
	struct bench_run *run;
	unsigned char *msg;
	size_t biggest;

	bench_parse_args(&cfg, argc, argv, bench_name, DEFAULT_SIZES,
			 QUICK_SIZES);
	/* The message, two regions and two receive buffers are alive at once. */
	if (bench_check_memory(&cfg, 5) < 0)
		return 1;
	biggest = bench_largest_size(&cfg);
	if (biggest < FALSE_SHARING_SIZE)
		biggest = FALSE_SHARING_SIZE;
	msg = bench_alloc(biggest);
	if (!msg) {
		fprintf(stderr, "%s: allocating the message: %s\n", bench_name,
			strerror(errno));
		return 1;
	}
	fill_message(msg, biggest);
	run = bench_open(&cfg, cfg.nsizes + 1 + PINGPONG_WAYS * pingpong_sizes(&cfg));
	if (!run)
		goto out_free;
	if (run_all(run, &cfg, msg) < 0) {
		bench_abandon(run);
		goto out_free;
	}
	bench_free(msg, biggest);
	return bench_close(run) < 0;
out_free:
	bench_free(msg, biggest);
	return 1;
}
