/*
 * 00-honest-timing.c - lesson 00: six ways a clock fools you, and the fixes.
 *
 * Before the workbench compares photocopying with handing over, it has to
 * show that its own numbers can be trusted. Each step below makes one
 * classic mistake on purpose, prints the number it gives, then prints the
 * number the fix gives, both measured right now:
 *
 *   1. timing once;                      fix: the median of calibrated batches
 *   2. copying into fresh memory;        fix: pre-fault the destination
 *   3. timing a copy nobody reads;       fix: the escape/clobber barriers
 *   4. reading untouched calloc memory;  fix: know what the zero page is
 *   5. timing one operation per process; fix: N operations, minus 0
 *   6. comparing runs made at different times; fix: interleave, one run
 *
 * Times come from the harness (bench/harness.h: calibrated batches of at
 * least 5 ms, a warm-up, the median of 11) except where the point is to
 * show a single timing. Step 5 starts build/bench/tools/copyloop, which
 * `make lesson-00` builds alongside this program.
 *
 * This lesson has no --trap: its traps are the six pitfalls themselves.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checksum.h"
#include "demo.h"
#include "harness.h"
#include "measure.h"
#include "size.h"
#include "variants.h"

#define SMALL (64u << 10)	/* 64 KiB: a copy of about a microsecond */
#define LARGE (256u << 20)	/* 256 MiB: far beyond every cache */
#define MIB (1u << 20)

static int run_lesson(void);

/* The predictions of steps 1 to 5 (README.md, "Predict"). */
enum {
	PREDICT_SPREAD,
	PREDICT_FIRST_TOUCH,
	PREDICT_NOBODY_READS,
	PREDICT_ZERO_PAGE,
	PREDICT_ONE_COPY,
};

/* The demo, as demo_main runs it (demo.h). */
static const struct demo demo = {
	.lesson = LESSON_ID, .run = run_lesson,
	.trap_what = "Lesson 00 has no memory trap: its traps are the six "
		     "pitfalls it shows.",
	.questions[PREDICT_SPREAD] = { "spread-of-ten-timings", DEMO_RATIO,
		"ten timings of one 64 KiB copy: "
		"how many times the fastest is the slowest?" },
	.questions[PREDICT_FIRST_TOUCH] = { "fresh-vs-prefaulted-256m", DEMO_RATIO,
		"256 MiB into fresh malloc memory against a touched buffer: "
		"how many times longer?" },
	.questions[PREDICT_NOBODY_READS] = { "kept-vs-nobody-reads", DEMO_RATIO,
		"the copy kept against the copy nobody reads: "
		"how many times longer?" },
	.questions[PREDICT_ZERO_PAGE] = { "real-vs-calloc-reread", DEMO_RATIO,
		"reading a real 256 MiB buffer against re-reading calloc memory: "
		"how many times longer?" },
	.questions[PREDICT_ONE_COPY] = { "process-one-copy-vs-none", DEMO_TIME,
		"a process that does one 64 KiB copy against one that does none: "
		"how much longer?" },
};

extern char **environ;

/* One line "00-honest-timing: what failed: reason", then exit status 1. */
static _Noreturn void fail(const char *what, const char *reason)
{
	fprintf(stderr, LESSON_ID ": %s: %s\n", what, reason);
	exit(1);
}

static _Noreturn void die(const char *what)
{
	fail(what, strerror(errno));
}

/* A time in the unit that keeps three or four digits. */
static const char *ns_text(double ns, char *buf, size_t len)
{
	static const char *const unit[] = { "ns", "us", "ms", "s" };
	int u = 0;

	while ((ns >= 1000 || ns <= -1000) && u < 3) {
		ns /= 1000;
		u++;
	}
	snprintf(buf, len, "%.*f %s", u == 0 ? 0 : 2, ns, unit[u]);
	return buf;
}

/* Print a harness result: median, then its quartiles and spread. */
static void print_result(const char *label, const struct bench_result *r)
{
	char m[32], a[32], b[32];

	printf("    %-22s median %10s  (p25 %s, p75 %s, cv %.1f%%)\n", label,
	       ns_text(r->median_ns, m, sizeof(m)),
	       ns_text(r->p25_ns, a, sizeof(a)),
	       ns_text(r->p75_ns, b, sizeof(b)), r->cv * 100);
}

/* --- Step 3's pair, and the honest copy ---------------------------------------- */

/*
 * Step 3's pair. They are not static, and never inlined, so that
 * `make asm-00` can find each one by name in the compiler's output.
 * Both make a photocopy and throw it away; only the second says, through
 * escape(), that someone might look at it.
 */
__attribute__((noinline)) int copy_nobody_reads(const void *src, size_t len)
{
	void *copy = malloc(len);

	if (!copy)
		return -1;
	memcpy(copy, src, len);
	free(copy);
	return 0;
}

__attribute__((noinline)) int copy_kept(const void *src, size_t len)
{
	void *copy = malloc(len);

	if (!copy)
		return -1;
	memcpy(copy, src, len);
	escape(copy);
	free(copy);
	return 0;
}

/* Step 3's variants: call one of the pair above iters times. */
struct throwaway {
	const void *src;
	size_t len;
	int (*copy)(const void *src, size_t len);
};

static uint64_t run_throwaway(void *ctx, uint64_t iters)
{
	struct throwaway *t = ctx;

	for (uint64_t i = 0; i < iters; i++)
		if (t->copy(t->src, t->len) < 0)
			die("malloc");
	return 0;
}

/* The harness's median of the honest copy of len bytes of src. */
static struct bench_result time_copy(const void *src, size_t len)
{
	struct timed_copy c = { .src = src, .len = len };
	struct bench_variant v = {
		.name = "copy", .run = timed_copy_run,
		.setup = timed_copy_setup, .teardown = timed_copy_teardown,
		.ctx = &c,
	};
	struct bench_result r;

	if (bench_compare(len, &v, 1, &r) < 0)
		exit(1);
	return r;
}

/* --- Step 1: once is not a measurement --------------------------------------- */

static void once(const void *src)
{
	struct timed_copy c = { .src = src, .len = SMALL };
	double ns[10], lo = 1e300, hi = 0;
	struct bench_result r;
	char t[32];

	if (timed_copy_setup(&c) < 0)
		die("allocating 64 KiB");
	printf("  One copy of 64 KiB, timed ten times in a row:\n   ");
	for (int i = 0; i < 10; i++) {
		uint64_t start = measure_now_ns();

		timed_copy_run(&c, 1);
		ns[i] = (double)(measure_now_ns() - start);
		lo = ns[i] < lo ? ns[i] : lo;
		hi = ns[i] > hi ? ns[i] : hi;
		printf(" %s", ns_text(ns[i], t, sizeof(t)));
	}
	timed_copy_teardown(&c);
	printf("\n    the slowest is %.1fx the fastest. Which one is the cost?\n",
	       hi / lo);
	demo_score(PREDICT_SPREAD, hi / lo);
	printf("  The fix: batches of at least 5 ms, 11 of them, the median:\n");
	r = time_copy(src, SMALL);
	print_result("64 KiB copy", &r);
	printf("    (%llu copies per batch; the clock's own cost is spread "
	       "over all of them)\n", (unsigned long long)r.iters);
}

/* --- Step 2: first touch ---------------------------------------------------- */

static void first_touch(const void *src)
{
	struct timed_copy fresh = { .src = src, .len = LARGE };
	struct timed_copy ready = { .src = src, .len = LARGE };
	struct bench_variant v[] = {
		{ .name = "fresh", .run = timed_copy_run_fresh, .ctx = &fresh },
		{ .name = "pre-faulted", .run = timed_copy_run,
		  .setup = timed_copy_setup, .teardown = timed_copy_teardown,
		  .ctx = &ready },
	};
	struct bench_result r[2];

	printf("  Copying 256 MiB into a buffer fresh from malloc, then into one\n"
	       "  whose pages were touched before the clock started:\n");
	if (bench_compare(LARGE, v, 2, r) < 0)
		exit(1);
	print_result("fresh (malloc)", &r[0]);
	print_result("pre-faulted", &r[1]);
	printf("    page faults per copy: fresh %.0f, pre-faulted %.0f "
	       "(a page is %zu bytes)\n", r[0].minflt, r[1].minflt,
	       measure_page_size());
	printf("    the fresh copy costs %.1fx: that is the kernel finding "
	       "%zu pages, not memcpy\n", r[0].median_ns / r[1].median_ns,
	       (size_t)LARGE / measure_page_size());
	demo_score(PREDICT_FIRST_TOUCH, r[0].median_ns / r[1].median_ns);
}

/* --- Step 3: the copy nobody reads ------------------------------------------- */

static void nobody_reads(const void *src)
{
	struct throwaway a = { src, SMALL, copy_nobody_reads };
	struct throwaway b = { src, SMALL, copy_kept };
	struct bench_variant v[] = {
		{ .name = "nobody reads", .run = run_throwaway, .ctx = &a },
		{ .name = "kept", .run = run_throwaway, .ctx = &b },
	};
	struct bench_result r[2];

	printf("  malloc 64 KiB, memcpy into it, free it. The second version adds\n"
	       "  escape(copy) after the memcpy, an empty asm the compiler must\n"
	       "  assume reads the copy:\n");
	if (bench_compare(SMALL, v, 2, r) < 0)
		exit(1);
	print_result("nobody reads", &r[0]);
	print_result("kept (escape)", &r[1]);
	printf("    %.0fx apart. At -O2 the compiler deleted the memcpy nobody "
	       "reads:\n    `make asm-00` prints the instructions of both.\n",
	       r[1].median_ns / r[0].median_ns);
	demo_score(PREDICT_NOBODY_READS, r[1].median_ns / r[0].median_ns);
}

/* --- Step 4: calloc and the zero page ---------------------------------------- */

/* The five phases of step 4, timed once per round. */
enum { REAL_READ, CALLOC_READ, CALLOC_REREAD, CALLOC_WRITE, REAL_WRITE, PHASES };

struct phase {
	double ns[5];
	long faults[5];
	long grew[5];		/* resident memory it added, in bytes */
};

static uint64_t sink;

static void timed(struct phase *ph, int round, void (*work)(void *, size_t),
		  void *p, size_t len)
{
	struct measure_faults f0 = measure_faults();
	size_t rss0, rss1;
	uint64_t start;

	if (measure_resident_bytes(&rss0) < 0)
		die("reading the resident memory");
	start = measure_now_ns();
	work(p, len);
	ph->ns[round] = (double)(measure_now_ns() - start);
	ph->faults[round] = measure_faults().minor - f0.minor;
	if (measure_resident_bytes(&rss1) < 0)
		die("reading the resident memory");
	ph->grew[round] = (long)rss1 - (long)rss0;
}

static void read_all(void *p, size_t len)
{
	sink += checksum_bytes(p, len);
}

static void write_all(void *p, size_t len)
{
	memset(p, 1, len);
	escape(p);
}

static void zero_page_round(struct phase ph[PHASES], int round, void *real)
{
	void *z = calloc(1, LARGE);

	if (!z)
		die("calloc 256 MiB");
	timed(&ph[REAL_READ], round, read_all, real, LARGE);
	timed(&ph[CALLOC_READ], round, read_all, z, LARGE);
	timed(&ph[CALLOC_REREAD], round, read_all, z, LARGE);
	timed(&ph[CALLOC_WRITE], round, write_all, z, LARGE);
	timed(&ph[REAL_WRITE], round, write_all, real, LARGE);
	free(z);
}

static double median_of(const double *x, int n)
{
	double y[5];
	struct bench_stats st;

	memcpy(y, x, (size_t)n * sizeof(*y));
	bench_stats(y, (size_t)n, &st);
	return st.median;
}

static double long_median(const long *x, int n)
{
	double y[5];

	for (int i = 0; i < n; i++)
		y[i] = (double)x[i];
	return median_of(y, n);
}

static void zero_page(void *real)
{
	static const char *const label[PHASES] = {
		"read a real buffer", "read calloc memory", "  ...read it again",
		"write calloc memory", "write a real buffer",
	};
	struct phase ph[PHASES];
	char t[32];

	for (int round = 0; round < 5; round++)
		zero_page_round(ph, round, real);
	printf("  256 MiB each; medians of 5 rounds:\n");
	printf("    %-22s %10s %9s %8s %12s\n", "", "time", "GB/s", "faults",
	       "memory added");
	for (int i = 0; i < PHASES; i++) {
		double ns = median_of(ph[i].ns, 5);

		printf("    %-22s %10s %9.1f %8.0f %9.0f MiB\n", label[i],
		       ns_text(ns, t, sizeof(t)), LARGE / ns,
		       long_median(ph[i].faults, 5),
		       long_median(ph[i].grew, 5) / MIB);
	}
	demo_score(PREDICT_ZERO_PAGE, median_of(ph[REAL_READ].ns, 5) /
					median_of(ph[CALLOC_REREAD].ns, 5));
	printf("    Reading calloc memory maps every page to the kernel's one\n"
	       "    shared page of zeros: no memory is added, and the data sits\n"
	       "    in the cache. The first write pays for every page.\n");
}

/* --- Step 5: process start-up against per-operation cost --------------------- */

/* Where make puts copyloop: ../../bench/tools/ from this program. */
static void find_copyloop(char *path, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		die("finding this program (/proc/self/exe)");
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(path, len, "%s/../../bench/tools/copyloop", self);
	if (access(path, X_OK) < 0)
		die("finding bench/tools/copyloop (run `make lesson-00`)");
}

/* Wall time of one `copyloop SIZE iters` process, start to exit, in ns. */
static double time_process(const char *copyloop, const char *size,
			   uint64_t iters)
{
	char count[32];
	char *argv[] = { (char *)copyloop, (char *)size, count, NULL };
	uint64_t start;
	pid_t pid;
	int status, err;

	snprintf(count, sizeof(count), "%llu", (unsigned long long)iters);
	start = measure_now_ns();
	err = posix_spawn(&pid, copyloop, NULL, NULL, argv, environ);
	if (err) {
		errno = err;
		die("starting copyloop");
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waiting for copyloop");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("running copyloop", "it did not exit with status 0");
	return (double)(measure_now_ns() - start);
}

/*
 * Step 5 runs three kinds of process (ITERS 0, 1 and N) PROCESS_RUNS times
 * each, in all six orders in turn, so that each kind runs as often right
 * after the long N process as after a short one. With one fixed order
 * (0, 1, N, 0, 1, N, ...) the ITERS 0 process would always start right after
 * the long one, and any after-effect of that process would land on it alone.
 */
#define PROCESS_RUNS 18
#define KINDS 3

static const int orders[6][KINDS] = {
	{ 0, 1, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 0, 2, 1 }, { 2, 1, 0 }, { 1, 0, 2 },
};

/* The process times of step 5, and which ran right after the long one. */
struct processes {
	uint64_t iters[KINDS];
	double ns[KINDS][PROCESS_RUNS];
	bool after_long[KINDS][PROCESS_RUNS];
	struct bench_stats st[KINDS];
};

static void time_processes(const char *path, struct processes *p)
{
	int previous = -1;

	for (int run = 0; run < PROCESS_RUNS; run++) {
		for (int i = 0; i < KINDS; i++) {
			int k = orders[run % 6][i];

			p->ns[k][run] = time_process(path, "64K", p->iters[k]);
			p->after_long[k][run] = previous == KINDS - 1;
			previous = k;
		}
	}
	for (int k = 0; k < KINDS; k++) {
		double copy[PROCESS_RUNS];

		memcpy(copy, p->ns[k], sizeof(copy));
		bench_stats(copy, PROCESS_RUNS, &p->st[k]);
	}
}

/*
 * The short processes (ITERS 0 and 1) split by what ran just before them:
 * the long one, or another short one. Returns 1 if their p25..p75 ranges
 * do not overlap.
 */
static int order_effect(const struct processes *p, struct bench_stats *after,
			struct bench_stats *not_after)
{
	double a[2 * PROCESS_RUNS], b[2 * PROCESS_RUNS];
	size_t na = 0, nb = 0;

	for (int k = 0; k < KINDS - 1; k++)
		for (int run = 0; run < PROCESS_RUNS; run++) {
			if (p->after_long[k][run])
				a[na++] = p->ns[k][run];
			else
				b[nb++] = p->ns[k][run];
		}
	bench_stats(a, na, after);
	bench_stats(b, nb, not_after);
	return after->p25 > not_after->p75 || after->p75 < not_after->p25;
}

static void print_order_effect(const struct processes *p)
{
	struct bench_stats after, not_after;
	int clear = order_effect(p, &after, &not_after);
	char t[4][32];

	printf("  The short processes, by what ran just before them:\n"
	       "    after the N process    median %10s  (p25 %s, p75 %s)\n",
	       ns_text(after.median, t[0], sizeof(t[0])),
	       ns_text(after.p25, t[1], sizeof(t[1])),
	       ns_text(after.p75, t[2], sizeof(t[2])));
	printf("    after a short one      median %10s  (p25 %s, p75 %s)\n",
	       ns_text(not_after.median, t[0], sizeof(t[0])),
	       ns_text(not_after.p25, t[1], sizeof(t[1])),
	       ns_text(not_after.p75, t[3], sizeof(t[3])));
	if (clear)
		printf("    => order matters here (%+.0f%%, the ranges do not overlap):"
		       " in one fixed\n       order ITERS 0 would always pay it. "
		       "So the orders are shuffled.\n",
		       (after.median / not_after.median - 1) * 100);
	else
		printf("    => no clear order effect in this run (%+.0f%%, the ranges"
		       " overlap);\n       the orders are shuffled all the same.\n",
		       (after.median / not_after.median - 1) * 100);
}

/* What (1 - 0) says, computed from this run: is one copy visible at all? */
static void print_one_copy(const struct processes *p, double inside_ns)
{
	double one = p->st[1].median - p->st[0].median;
	double spread = p->st[0].p75 - p->st[0].p25;
	char t[3][32];

	printf("    one copy per process:  (1 - 0)       = %10s\n",
	       ns_text(one, t[0], sizeof(t[0])));
	demo_score(PREDICT_ONE_COPY, one);
	if (one > -spread && one < spread)
		printf("    => inside the start-up's spread (p25..p75 is %s wide): "
		       "one copy\n       (%s) cannot be seen this way.\n",
		       ns_text(spread, t[1], sizeof(t[1])),
		       ns_text(inside_ns, t[2], sizeof(t[2])));
	else
		printf("    => %s, more than the start-up's spread (%s) and %.0fx the\n"
		       "       copy itself: the two kinds differed by more than the "
		       "copy (a busy machine?).\n",
		       ns_text(one, t[0], sizeof(t[0])),
		       ns_text(spread, t[1], sizeof(t[1])), one / inside_ns);
}

static void print_slope(const struct processes *p, double inside_ns)
{
	uint64_t n = p->iters[2];
	double many = (p->st[2].median - p->st[0].median) / (double)n;
	double off = (many / inside_ns - 1) * 100;
	char t[32];

	printf("    %llu copies:          (N - 0) / N   = %10s   per copy\n",
	       (unsigned long long)n, ns_text(many, t, sizeof(t)));
	printf("    in-process harness:                   %10s   (%+.1f%%)\n",
	       ns_text(inside_ns, t, sizeof(t)), off);
	if (off > -10 && off < 10)
		printf("    => the slope agrees with the harness within 10%%: the "
		       "start-up cancels out.\n");
	else
		printf("    => the slope is %+.0f%% off the harness: a 50 ms process "
		       "that waits for\n       the processor counts the wait "
		       "(is something else running?).\n", off);
}

static void processes(const void *src)
{
	struct bench_result inside = time_copy(src, SMALL);
	struct processes p = { .iters = { 0, 1,
		(uint64_t)(50e6 / inside.median_ns) + 1 } };	/* ~50 ms */
	char path[PATH_MAX + 64], t[3][32];

	find_copyloop(path, sizeof(path));
	time_processes(path, &p);
	printf("  copyloop 64K ITERS, %d processes each, in shuffled orders:\n",
	       PROCESS_RUNS);
	for (int k = 0; k < KINDS; k++)
		printf("    ITERS %-7llu median %10s  (p25 %s, p75 %s)\n",
		       (unsigned long long)p.iters[k],
		       ns_text(p.st[k].median, t[0], sizeof(t[0])),
		       ns_text(p.st[k].p25, t[1], sizeof(t[1])),
		       ns_text(p.st[k].p75, t[2], sizeof(t[2])));
	print_order_effect(&p);
	print_one_copy(&p, inside.median_ns);
	print_slope(&p, inside.median_ns);
}

/* --- Step 6: noise, and why ratios come from one run ------------------------- */

#define NOISY_CV 0.25	/* a spread this wide, and a ratio is not a finding */

static bool ranges_overlap(const struct bench_result *a,
			   const struct bench_result *b)
{
	return a->p25_ns <= b->p75_ns && b->p25_ns <= a->p75_ns;
}

/* Step 6, measured at two moments: what the two medians say, from this run. */
static void print_apart(const struct bench_result *a, const struct bench_result *b)
{
	double ratio = a->median_ns / b->median_ns;
	bool b_faster = ratio >= 1;

	if (ranges_overlap(a, b))
		printf("    => A / B = %.2f, ranges overlapping: the neighbour made "
		       "no clear\n       difference this time (a core to spare?).\n",
		       ratio);
	else
		printf("    => \"%s is %.2fx faster than %s\": false, they are the "
		       "same code; the\n       moment of measuring made the "
		       "difference.\n", b_faster ? "B" : "A",
		       b_faster ? ratio : 1 / ratio, b_faster ? "A" : "B");
}

/* Step 6, interleaved: did the drift hit both alike? */
static void print_interleaved(const struct bench_result *a,
			      const struct bench_result *b)
{
	double ratio = b->median_ns / a->median_ns;

	bool alike = ranges_overlap(a, b) && ratio > 0.9 && ratio < 1.1;
	bool noisy = a->cv > NOISY_CV || b->cv > NOISY_CV;

	if (alike && !noisy)
		printf("    => B / A = %.2f, ranges overlapping: the neighbour hit "
		       "both alike.\n", ratio);
	else if (alike)
		printf("    => B / A = %.2f: alike, but with cv %.0f%% and %.0f%% a "
		       "noisy run;\n       a ratio from it is not a finding.\n",
		       ratio, a->cv * 100, b->cv * 100);
	else
		printf("    => B / A = %.2f, even interleaved: the load changed faster "
		       "than A and B\n       took turns (cv %.0f%% and %.0f%%). A noisy "
		       "run: no ratio from it is a finding.\n", ratio,
		       a->cv * 100, b->cv * 100);
	printf("    The spread (cv) says how far to trust a ratio; the workbench "
	       "reports\n    ratios of ways measured interleaved, in one run.\n");
}

/* A noisy neighbour: a child process that copies 64 MiB over and over. */
static pid_t start_neighbour(const void *src)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		void *dst = malloc(64 * MIB);

		alarm(30);	/* never outlive the lesson, whatever happens */
		if (!dst)
			_exit(1);
		for (;;) {
			memcpy(dst, src, 64 * MIB);
			escape(dst);
		}
	}
	return pid;
}

static void stop_neighbour(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void noise(const void *src)
{
	struct timed_copy a = { .src = src, .len = 16 * MIB }, b = a;
	struct bench_variant v[] = {
		{ .name = "A", .run = timed_copy_run, .setup = timed_copy_setup,
		  .teardown = timed_copy_teardown, .ctx = &a },
		{ .name = "B", .run = timed_copy_run, .setup = timed_copy_setup,
		  .teardown = timed_copy_teardown, .ctx = &b },
	};
	struct bench_result ra, rb, r[2];
	pid_t neighbour;

	printf("  A and B are the same 16 MiB copy. A neighbour process copies\n"
	       "  64 MiB in a loop while A is measured, and is gone for B:\n");
	neighbour = start_neighbour(src);
	ra = time_copy(src, 16 * MIB);
	stop_neighbour(neighbour);
	rb = time_copy(src, 16 * MIB);
	print_result("A (neighbour busy)", &ra);
	print_result("B (quiet)", &rb);
	print_apart(&ra, &rb);
	printf("  Interleaved (A, B, A, B, ...) with the neighbour busy all along:\n");
	neighbour = start_neighbour(src);
	if (bench_compare(16 * MIB, v, 2, r) < 0)
		exit(1);
	stop_neighbour(neighbour);
	print_result("A", &r[0]);
	print_result("B", &r[1]);
	print_interleaved(&r[0], &r[1]);
}

static int run_lesson(void)
{
	void *src;

	setvbuf(stdout, NULL, _IOLBF, 0);	/* keep in step with stderr */
	src = bench_alloc(LARGE);
	if (!src)
		die("allocating 256 MiB");
	printf("Lesson 00: honest timing. Every number below is measured now.\n");
	demo_step("once is not a measurement");
	demo_predict(PREDICT_SPREAD);
	once(src);
	demo_step("first touch: fresh memory is not there yet");
	demo_predict(PREDICT_FIRST_TOUCH);
	first_touch(src);
	demo_step("the copy nobody reads");
	demo_predict(PREDICT_NOBODY_READS);
	nobody_reads(src);
	demo_step("calloc and the zero page");
	demo_predict(PREDICT_ZERO_PAGE);
	zero_page(src);
	demo_step("process start-up against the cost of one operation");
	demo_predict(PREDICT_ONE_COPY);
	processes(src);
	demo_step("noise on a shared machine");
	noise(src);
	bench_free(src, LARGE);
	return 0;
}

int main(int argc, char **argv)
{
	return demo_main(argc, argv, &demo);
}
