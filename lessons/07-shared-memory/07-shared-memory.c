/*
 * 07-shared-memory.c - lesson 07's demo: the Google Doc across processes.
 *
 *   07-shared-memory          every step
 *   07-shared-memory --trap   only the trap: a consumer checks a length in
 *                             shared memory, then reads it again to use it,
 *                             while the producer changes it. Under
 *                             AddressSanitizer (make trap-07) the second
 *                             read overflows a heap buffer for real; the
 *                             plain build only shows the two reads differ.
 *
 * Step 1 sends 1 MiB messages to a child process four ways (src/ipcway.h)
 * and prints the time per message, the payload bytes that went through the
 * kernel (counted) and the consumer's extra memory. Step 2 does the same
 * with 64-byte messages, where system calls, not copies, set the price.
 * Step 3 measures false sharing: the ring's two cursors on one cache line,
 * apart, and apart with each side caching the other's. Step 4 seals a
 * region ("view only") and shows what each seal refuses, with the errno.
 * Step 5 is where copying wins: a fresh region per message against a pipe.
 * Step 6 is the untrusted peer: check then use, and copy then check.
 *
 * Every figure printed is measured here, now; every conclusion is computed
 * from those figures, and says so when they contradict the lesson. Child
 * processes die with this one (peer.h); regions have no name to remove.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "checksum.h"
#include "demo.h"
#include "harness.h"
#include "measure.h"
#include "peer.h"
#include "shmregion.h"
#include "size.h"
#include "variants.h"

#define LARGE ((size_t)1 << 20)
#define SMALL ((size_t)64)
#define LEN_OK 16
#define LEN_LIE 4000
#define BUF 64
#define WAYS_MAX 4

static int run_lesson(void);
static int run_trap(void);

/* The predictions of steps 1, 2, 3 and 5 (README.md, "Predict"). */
enum { PREDICT_LARGE, PREDICT_SMALL, PREDICT_SHARING, PREDICT_ONEOFF };

/* The demo, as demo_main runs it (demo.h). */
static const struct demo demo = {
	.lesson = LESSON_ID, .run = run_lesson,
	.trap = run_trap, .trap_kind = "heap-buffer-overflow",
	.trap_what = "The trap copies a length a peer changed after the check.",
	.trap_guards_itself = true,
	.questions[PREDICT_LARGE] = { "pipe-vs-memfd-1m", DEMO_RATIO,
		"1 MiB messages: "
		"how many times longer does a pipe take than a memfd region?" },
	.questions[PREDICT_SMALL] = { "pipe-vs-ring-64b", DEMO_RATIO,
		"64-byte messages: "
		"how many times longer does a pipe take than the ring?" },
	.questions[PREDICT_SHARING] = { "one-line-vs-cached-cursors", DEMO_RATIO,
		"ring, 64 B: how many times longer with both cursors "
		"on one line than apart and cached?" },
	.questions[PREDICT_ONEOFF] = { "fresh-region-vs-pipe-64k", DEMO_RATIO,
		"one 64 KiB message, answered: "
		"how many times longer with a fresh region than a pipe?" },
};

/* --- Steps 1 to 3: the ways, measured ---------------------------------------- */

/* Measure jobs[0..n) with the harness; die with a clear line on failure. */
static void compare(size_t size, struct ipcway_job *jobs, const char *const *names,
		    size_t n, struct bench_result *r)
{
	struct bench_variant v[WAYS_MAX];

	for (size_t i = 0; i < n; i++)
		v[i] = ipcway_job_variant(names[i], &jobs[i]);
	int failed = bench_compare(size, v, n, r) < 0;

	/* A consumer that died, or did not end cleanly, is a failure too. */
	for (size_t i = 0; i < n; i++)
		if (jobs[i].error) {
			errno = jobs[i].error;
			demo_die(names[i]);
		}
	if (failed) {
		errno = EPROTO;
		demo_die("the measurement failed");
	}
}

/* One way's line: its time, and from a batch of 10 on a fresh way, the
 * payload bytes the kernel copied per message (counted: in plus out). */
static void show(const struct bench_result *r, const struct ipcway_job *j)
{
	char t[32], copied[32], extra[32];

	printf("  %-6s %9s a message %9.0f msg/s %6.2f GB/s  kernel copied "
	       "%7s  extra memory %s\n",
	       r->variant, bench_format_ns(r->median_ns, t, sizeof(t)),
	       1e9 / r->median_ns, r->gbps,
	       size_format((j->way.copied_in + j->way.copied_out) / 10, copied,
			   sizeof(copied)),
	       size_format(r->extra_bytes, extra, sizeof(extra)));
}

static void four_ways(const unsigned char *msg, size_t size,
				     struct bench_result r[4])
{
	static const char *const names[] = { "pipe", "socket", "memfd", "ring" };
	static const enum ipcway_kind kinds[] = { IPCWAY_PIPE, IPCWAY_SOCKET,
						  IPCWAY_MEMFD, IPCWAY_RING };
	struct ipcway_job jobs[4];
	struct ipcway_job probe[4];

	for (int i = 0; i < 4; i++)
		jobs[i] = (struct ipcway_job){ .kind = kinds[i],
					       .mode = IPCWAY_STREAM,
					       .layout = SHMRING_CACHED,
					       .message = msg, .size = size };
	memcpy(probe, jobs, sizeof(jobs));
	compare(size, jobs, names, 4, r);
	/* The counters, from one batch of 10 on fresh ways (the harness's
	 * ways are stopped by now). */
	for (int i = 0; i < 4; i++) {
		uint64_t sum;

		if (ipcway_job_setup(&probe[i]) < 0 ||
		    ipcway_send(&probe[i].way, 10, &sum) < 0)
			demo_die(names[i]);
		show(&r[i], &probe[i]);
		ipcway_job_teardown(&probe[i]);
		if (probe[i].error) {
			errno = probe[i].error;
			demo_die(names[i]);
		}
	}
}

static double ratio(const struct bench_result *slow, const struct bench_result *fast)
{
	return slow->median_ns / fast->median_ns;
}

/* Was a clearly faster than b: its whole p25..p75 range below b's? */
static int clearly_faster(const struct bench_result *a, const struct bench_result *b)
{
	return a->p75_ns < b->p25_ns;
}

/* The lesson's conclusion when the measurement bears it out; otherwise
 * what was measured instead. */
static void conclude(const struct bench_result *fast, const struct bench_result *slow,
		     const char *meaning)
{
	if (clearly_faster(fast, slow))
		demo_explain(meaning);
	else if (fast->median_ns < slow->median_ns)
		printf("  => %s was faster at the median, but the p25-p75 ranges "
		       "overlap: not a clear result this time\n", fast->variant);
	else
		printf("  => %s was NOT faster here: the lesson's claim did not "
		       "hold on this run (a busy machine?)\n", fast->variant);
}

static void step_large(const unsigned char *msg)
{
	struct bench_result r[4];

	demo_step("a 1 MiB message to another process: photocopied through "
		  "the kernel, or handed over");
	demo_predict(PREDICT_LARGE);
	four_ways(msg, LARGE, r);
	demo_score(PREDICT_LARGE, ratio(&r[0], &r[2]));
	printf("  memfd against pipe: %.1fx; ring against pipe: %.1fx\n",
	       ratio(&r[0], &r[2]), ratio(&r[0], &r[3]));
	conclude(&r[2], &r[0], "the pipe copies every byte twice (into the "
		 "kernel, out again); memfd and ring copy none");
}

static void step_small(const unsigned char *msg)
{
	struct bench_result r[4];

	demo_step("64-byte messages: now the price is the system call, not "
		  "the copy");
	printf("  (memfd still sends 16 bytes through a socket per message.)\n");
	demo_predict(PREDICT_SMALL);
	four_ways(msg, SMALL, r);
	demo_score(PREDICT_SMALL, ratio(&r[0], &r[3]));
	printf("  ring against pipe: %.1fx; memfd against pipe: %.2fx\n",
	       ratio(&r[0], &r[3]), ratio(&r[0], &r[2]));
	conclude(&r[3], &r[0], "the ring wins by making no system call per "
		 "message, not by copying less");
}

static void step_false_sharing(const unsigned char *msg)
{
	static const char *const names[] = { "one line", "padded", "cached" };
	struct ipcway_job jobs[3];
	struct bench_result r[3];

	demo_step("false sharing: where the ring's two cursors sit");
	demo_predict(PREDICT_SHARING);
	for (int i = 0; i < 3; i++)
		jobs[i] = (struct ipcway_job){ .kind = IPCWAY_RING,
					       .mode = IPCWAY_STREAM,
					       .layout = (enum shmring_layout)i,
					       .message = msg, .size = SMALL };
	compare(SMALL, jobs, names, 3, r);
	for (int i = 0; i < 3; i++) {
		char t[32];

		printf("  %-9s %9s a message  %11.0f msg/s\n", names[i],
		       bench_format_ns(r[i].median_ns, t, sizeof(t)),
		       1e9 / r[i].median_ns);
	}
	printf("  padded against one line: %.2fx; cached against padded: %.2fx\n",
	       ratio(&r[0], &r[1]), ratio(&r[1], &r[2]));
	demo_score(PREDICT_SHARING, ratio(&r[0], &r[2]));
	if (clearly_faster(&r[2], &r[0]) && clearly_faster(&r[2], &r[1]))
		demo_explain("each side reading the other's line only when it "
			     "must is what pays most");
	else if (clearly_faster(&r[1], &r[0]))
		demo_explain("padding helped; caching added nothing clear this time");
	else
		demo_explain("no clear difference this time (the p25-p75 ranges "
			     "overlap): false sharing costs");
	printf("     only while both processes run at once, on two cores\n");
}

/* --- Step 4: seals ------------------------------------------------------------- */

static void say(const char *what, int ret)
{
	printf("  %-56s %s\n", what,
	       ret == 0 ? "allowed" : strerror(errno));
}

/* The consumer: it received a sealed region and tries to scribble on it. */
static int try_to_write(int sock, void *arg)
{
	struct shmregion r;
	int fd = peer_receive_fd(sock), seals;

	(void)arg;
	if (fd < 0)
		return 1;
	seals = shmregion_seals(fd);
	printf("  consumer: F_GET_SEALS says SHRINK %s, FUTURE_WRITE %s: "
	       "trusted\n", seals & F_SEAL_SHRINK ? "yes" : "no",
	       seals & F_SEAL_FUTURE_WRITE ? "yes" : "no");
	say("consumer: write(2) into the region", pwrite(fd, "x", 1, 0) == 1 ? 0 : -1);
	say("consumer: map it writable", shmregion_open(&r, dup(fd), true));
	say("consumer: shrink it (ftruncate)", ftruncate(fd, 0));
	if (shmregion_open(&r, fd, false) == 0) {
		printf("  consumer: mapped read-only, it reads \"%.17s\"\n",
		       r.data);
		shmregion_close(&r);
	}
	fflush(stdout);
	return 0;
}

static void step_seals(void)
{
	struct shmregion r;
	struct peer p;

	demo_step("seals: the Google Doc with \"view only\"");
	if (shmregion_create(&r, "sealed", 4096) < 0)
		demo_die("cannot create a region");
	memcpy(r.data, "the producer says", 17);
	say("producer: F_SEAL_WRITE while its own mapping is writable",
	    shmregion_seal(&r, F_SEAL_WRITE));
	say("producer: F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE",
	    shmregion_seal(&r, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE));
	if (peer_start(&p, try_to_write, NULL) < 0 || peer_send_fd(p.sock, r.fd) < 0)
		demo_die("cannot hand the region over");
	if (peer_stop(&p, PEER_TIMEOUT_MS) != 0) {
		errno = ECHILD;
		demo_die("the consumer failed");
	}
	r.data[0] = 'T';
	printf("  producer: its old writable mapping still writes: \"%.17s\"\n",
	       r.data);
	shmregion_close(&r);
	demo_explain("the producer keeps its pen; whoever it hands the region "
		     "to can only read,");
	printf("     and it cannot shrink: no SIGBUS\n");
}

/* --- Step 5: where copying wins ---------------------------------------------------- */

static double median_round_trip(enum ipcway_kind kind, const unsigned char *msg,
				size_t size)
{
	struct ipcway_job job = { .kind = kind, .mode = IPCWAY_PINGPONG,
				  .layout = SHMRING_CACHED, .message = msg,
				  .size = size };
	double ns[101];
	struct bench_stats st;

	if (ipcway_job_setup(&job) < 0)
		demo_die(ipcway_name(kind));
	ipcway_job_run(&job, 5);
	for (int i = 0; i < 101; i++) {
		uint64_t t0 = measure_now_ns();

		ipcway_job_run(&job, 1);
		ns[i] = (double)(measure_now_ns() - t0);
	}
	ipcway_job_teardown(&job);
	if (job.error) {
		errno = job.error;
		demo_die(ipcway_name(kind));
	}
	bench_stats(ns, 101, &st);
	return st.median;
}

static void step_oneoff(const unsigned char *msg)
{
	static const size_t sizes[] = { 64, 4096, 65536 };	/* the last is asked */
	size_t pipe_won = 0;

	demo_step("where copying wins: one message, once");
	printf("  A fresh region: create, fill, hand over, map, read, unmap.\n");
	demo_predict(PREDICT_ONEOFF);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t size = sizes[i];
		double pipe = median_round_trip(IPCWAY_PIPE, msg, size);
		double fresh = median_round_trip(IPCWAY_ONEOFF_MEMFD, msg, size);
		char a[32], b[32], s[32];

		printf("  %-7s pipe %9s   fresh region %9s   %s wins, %.1fx\n",
		       size_format(size, s, sizeof(s)),
		       bench_format_ns(pipe, a, sizeof(a)),
		       bench_format_ns(fresh, b, sizeof(b)),
		       pipe < fresh ? "the pipe" : "the region",
		       pipe < fresh ? fresh / pipe : pipe / fresh);
		pipe_won += pipe < fresh;
		if (i + 1 == sizeof(sizes) / sizeof(sizes[0]))
			demo_score(PREDICT_ONEOFF, fresh / pipe);
	}
	if (pipe_won == sizeof(sizes) / sizeof(sizes[0]))
		demo_explain("the pipe won at every size: a region pays for "
			     "memfd_create, mmap, a fault per page");
	else
		demo_explain("the fresh region won somewhere here, unlike in the "
			     "lesson: a busy machine? it pays for");
	printf("     %s\n", pipe_won == sizeof(sizes) / sizeof(sizes[0])
			       ? "and munmap every time; copying 64 KiB through the "
				 "kernel is cheaper"
			       : "memfd_create, mmap, a fault per page and munmap "
				 "every time");
}

/* --- Step 6 and the trap: an untrusted peer ------------------------------------------- */

struct message {
	volatile uint32_t len;
	unsigned char bytes[LEN_LIE];
};

/* The lying producer: the length flips between honest and huge, until
 * the consumer hangs up. */
static int lie(int sock, void *arg)
{
	struct message *m = arg;

	while (peer_alive(sock)) {
		for (int i = 0; i < 1000; i++) {
			m->len = LEN_OK;
			m->len = LEN_LIE;
		}
	}
	return 0;
}

static struct message *start_liar(struct peer *p)
{
	struct message *m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		demo_die("cannot map shared memory");
	memset(m->bytes, 'm', sizeof(m->bytes));
	m->len = LEN_OK;
	if (peer_start(p, lie, m) < 0)
		demo_die("cannot start the producer");
	return m;
}

/* Real code does work between check and use (a log line, a lookup); a
 * short sleep stands for it and makes the window wide enough to see. */
static void work_between(void)
{
	const struct timespec t = { .tv_nsec = 20000 };

	nanosleep(&t, NULL);
}

/* Check, then use: the length is read twice. Tries for up to 5 s (the
 * producer may not be running at every moment: the machine is shared);
 * returns the try that broke, or 0. */
static int check_then_use(struct message *m, unsigned char *buf, int overflow)
{
	uint64_t deadline = measure_now_ns() + 5000000000u;

	for (int i = 1; measure_now_ns() < deadline; i++) {
		uint32_t checked = m->len, used;

		work_between();
		if (checked > BUF)
			continue;	/* refused: too long */
		used = m->len;		/* the second fetch */
		if (overflow)
			memcpy(buf, m->bytes, used);
		if (used != checked) {
			printf("  try %d: checked len %u <= %d, then used len %u\n",
			       i, checked, BUF, used);
			return i;
		}
	}
	return 0;
}

static int trap(void)
{
	int asan = demo_has_address_sanitizer();
	unsigned char *buf = malloc(BUF);
	struct peer p;
	struct message *m;

	demo_step("the trap: an untrusted peer changes what you checked");
	if (!buf)
		demo_die("out of memory");
	m = start_liar(&p);
	printf("  the producer flips the length between %d and %d; the "
	       "consumer's buffer holds %d bytes\n", LEN_OK, LEN_LIE, BUF);
	if (!asan)
		printf("  (plain build: the copy is not made; make trap-07 makes "
		       "it under AddressSanitizer)\n");
	fflush(stdout);
	if (check_then_use(m, buf, asan) == 0)
		printf("  the race was not hit in 5 s: the producer never ran at "
		       "the right moment\n");
	else if (!asan)
		printf("  that memcpy would have written %d bytes into a %d-byte "
		       "buffer\n", LEN_LIE, BUF);
	peer_stop(&p, PEER_TIMEOUT_MS);
	munmap(m, sizeof(*m));
	free(buf);
	return 0;
}

static void step_safe_pattern(void)
{
	struct peer p;
	struct message *m = start_liar(&p);
	unsigned char buf[BUF];
	int refused = 0, taken = 0;

	demo_step("the safe pattern: copy first, then check the copy");
	for (int i = 0; i < 2000; i++) {
		uint32_t len = m->len;	/* one fetch: our own copy */

		work_between();
		if (len > BUF) {
			refused++;
			continue;
		}
		memcpy(buf, m->bytes, len);
		taken++;
	}
	peer_stop(&p, PEER_TIMEOUT_MS);
	munmap(m, sizeof(*m));
	printf("  2000 messages from the same lying producer: %d taken, %d "
	       "refused, none overflowed\n", taken, refused);
	demo_explain("what you check must be what you use: copy it out of "
		     "shared memory once (exercise 3)");
}

/* --- main ------------------------------------------------------------------------------- */

static int run_trap(void)
{
	printf("Lesson 07: the Google Doc across processes (the trap)\n");
	return trap();
}

static int run_lesson(void)
{
	unsigned char *msg;

	printf("Lesson 07: the Google Doc across processes: shared memory "
	       "instead of messages\n");
	/* From mmap, not malloc: the consumers are forks of this process,
	 * and a heap block they inherit but never free would count as their
	 * leak under valgrind (make memcheck). */
	msg = mmap(NULL, LARGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (msg == MAP_FAILED)
		demo_die("out of memory");
	for (size_t i = 0; i < LARGE; i++)
		msg[i] = (unsigned char)(i * 131 + (i >> 12));
	step_large(msg);
	step_small(msg);
	step_false_sharing(msg);
	step_seals();
	step_oneoff(msg);
	step_safe_pattern();
	munmap(msg, LARGE);
	return 0;
}

int main(int argc, char **argv)
{
	return demo_main(argc, argv, &demo);
}
