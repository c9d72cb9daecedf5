/*
 * 00-honest-timing.c - benchmark 00: the pitfalls of timing, measured.
 *
 *   00-honest-timing [--sizes LIST] [--quick] [--csv FILE]
 *
 * Three measurements, all through the harness (bench/harness.h), in this
 * order:
 *
 *   1. "in-process": one memcpy between two pre-faulted buffers, at each
 *      size of the list (64 KiB, 1 MiB, 16 MiB unless --sizes says
 *      otherwise). bench/00-honest-timing.hyperfine times the same copy as
 *      whole processes after this program, and adds its "hyperfine" rows
 *      beside these.
 *   2. The harness checks itself (lmbench's linearity test): at 1 MiB (or
 *      the first size) it times batches of k and of 2k copies, interleaved,
 *      where k is the batch the harness calibrated there, and reports the
 *      ratio of their medians. An honest clock and loop give 2.00; the
 *      result goes to 00-linearity.txt beside the CSV, which bench/machine
 *      copies into machine.json.
 *   3. "first-touch" against "prefaulted": copying into a freshly malloc'ed
 *      buffer (malloc, memcpy, free) against a buffer whose pages are already
 *      there, at 256 MiB (32 MiB with --quick). The minflt column shows why.
 *
 * First touch comes last on purpose: it takes and gives back several GiB
 * of memory, and the copies are timed before that churn, so that nothing it
 * leaves behind (the kernel and the hypervisor settling the memory given
 * back) can reach them.
 *
 * The linearity file is written only when the CSV goes to a regular file,
 * into the CSV's folder (bench/run's temporary folder, which it moves into
 * place with the CSV), after the CSV is complete, under a temporary name
 * that is then renamed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "lessons/00-honest-timing/variants.h"
#include "measure.h"
#include "size.h"

#define LINEARITY_SIZE (1u << 20)
#define LINEARITY_NAME "00-linearity.txt"
#define LINEARITY_TOLERANCE 0.02

/* --- In-process copies ------------------------------------------------------ */

static int measure_in_process(struct bench_run *run, const void *src,
			      size_t len, struct bench_result *out)
{
	struct timed_copy c = { .src = src, .len = len };
	struct bench_variant v = {
		.name = "in-process", .run = timed_copy_run,
		.setup = timed_copy_setup, .teardown = timed_copy_teardown,
		.ctx = &c, .bytes_per_op = len,
	};

	return bench_measure(run, len, "", &v, 1, out);
}

/* --- Linearity ------------------------------------------------------------ */

static double batch_ns(struct timed_copy *c, uint64_t iters)
{
	uint64_t start = measure_now_ns();

	timed_copy_loop(c->dst, c->src, c->len, iters);
	return (double)(measure_now_ns() - start);
}

/*
 * Time batches of iters and 2 * iters copies, alternately, `samples` times
 * each; the ratio of the two medians. Alternating puts any drift of the
 * machine into both.
 */
static double linearity_ratio(struct timed_copy *c, uint64_t iters, int samples)
{
	double once[BENCH_MAX_SAMPLES], twice[BENCH_MAX_SAMPLES];
	struct bench_stats a, b;

	batch_ns(c, 2 * iters);		/* warm-up */
	for (int s = 0; s < samples; s++) {
		once[s] = batch_ns(c, iters);
		twice[s] = batch_ns(c, 2 * iters);
	}
	bench_stats(once, (size_t)samples, &a);
	bench_stats(twice, (size_t)samples, &b);
	return b.median / a.median;
}

/* Write text to path under a temporary name, then rename it into place. */
static int write_atomically(const char *path, const char *text)
{
	char temp[4096];
	FILE *f;
	int failed;

	if (snprintf(temp, sizeof(temp), "%s.tmp.%ld", path, (long)getpid()) >=
	    (int)sizeof(temp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	f = fopen(temp, "w");
	if (!f)
		return -1;
	failed = fputs(text, f) == EOF;
	failed |= fclose(f) != 0;
	if (failed || rename(temp, path) < 0) {
		unlink(temp);
		return -1;
	}
	return 0;
}

/* FOLDER/00-linearity.txt, where FOLDER is the CSV's; -1 if it is too long. */
static int linearity_path(const char *csv_path, char *path, size_t size)
{
	const char *slash = strrchr(csv_path, '/');
	int folder = slash ? (int)(slash - csv_path) : 1;
	int n = snprintf(path, size, "%.*s/%s", folder, slash ? csv_path : ".",
			 LINEARITY_NAME);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* What the linearity check found, written out once the run succeeded. */
struct linearity {
	double ratio;
	size_t len;
	uint64_t iters;
	int samples;
};

static int linearity_ok(const struct linearity *lin)
{
	return lin->ratio > 2 * (1 - LINEARITY_TOLERANCE) &&
	       lin->ratio < 2 * (1 + LINEARITY_TOLERANCE);
}

/*
 * Only a run that writes its CSV to a regular file (as bench/run does)
 * writes the linearity file beside it: a run by hand to standard output or
 * /dev/null writes nothing else either.
 */
static int writes_results(const char *csv_path)
{
	struct stat st;

	if (strcmp(csv_path, "-") == 0)
		return 0;
	return stat(csv_path, &st) == 0 && S_ISREG(st.st_mode);
}

static int save_linearity(const struct bench_config *cfg,
			  const struct linearity *lin)
{
	char json[256], path[4096];

	snprintf(json, sizeof(json),
		 "{\"ratio\": %.4f, \"size_bytes\": %zu, \"iters\": %llu, "
		 "\"samples\": %d, \"within_2_percent\": %s}\n",
		 lin->ratio, lin->len, (unsigned long long)lin->iters,
		 lin->samples, linearity_ok(lin) ? "true" : "false");
	if (!writes_results(cfg->csv_path))
		return 0;
	if (linearity_path(cfg->csv_path, path, sizeof(path)) < 0) {
		fprintf(stderr, "%s: %s: the folder's name is too long\n",
			cfg->bench, cfg->csv_path);
		return -1;
	}
	if (write_atomically(path, json) < 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", cfg->bench, path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Check the harness at the calibrated batch length of the in-process copy
 * of len bytes (iters copies make a batch of at least 5 ms).
 */
static int check_linearity(const struct bench_config *cfg, const void *src,
			   size_t len, uint64_t iters, struct linearity *lin)
{
	struct timed_copy c = { .src = src, .len = len };

	if (timed_copy_setup(&c) < 0) {
		fprintf(stderr, "%s: cannot allocate %zu bytes: %s\n",
			cfg->bench, len, strerror(errno));
		return -1;
	}
	*lin = (struct linearity){ .len = len, .iters = iters,
				   .samples = cfg->samples };
	lin->ratio = linearity_ratio(&c, iters, cfg->samples);
	timed_copy_teardown(&c);
	fprintf(stderr, "  %s linearity: %llu copies of %zu bytes, then twice "
		"as many: time x%.3f (%s)\n", cfg->bench,
		(unsigned long long)iters, len, lin->ratio,
		linearity_ok(lin) ? "within 2%" : "NOT within 2% of x2");
	return 0;
}

/* --- First touch ------------------------------------------------------------ */

static int measure_first_touch(struct bench_run *run, const void *src,
			       size_t len)
{
	struct timed_copy fresh = { .src = src, .len = len };
	struct timed_copy ready = { .src = src, .len = len };
	struct bench_variant v[] = {
		{ .name = "first-touch", .run = timed_copy_run_fresh,
		  .ctx = &fresh, .bytes_per_op = len },
		{ .name = "prefaulted", .run = timed_copy_run,
		  .setup = timed_copy_setup, .teardown = timed_copy_teardown,
		  .ctx = &ready, .bytes_per_op = len },
	};

	return bench_measure(run, len, "", v, 2, NULL);
}

/* --- The sweep ----------------------------------------------------------------- */

/* n bytes of pre-faulted source data, or NULL after saying why. */
static void *source(const struct bench_config *cfg, size_t n)
{
	void *p = bench_alloc(n);

	if (!p)
		fprintf(stderr, "%s: cannot allocate %zu bytes: %s\n",
			cfg->bench, n, strerror(errno));
	return p;
}

/* Which size the linearity check uses: 1 MiB if it is in the list. */
static size_t linearity_index(const struct bench_config *cfg)
{
	for (size_t i = 0; i < cfg->nsizes; i++)
		if (cfg->sizes[i] == LINEARITY_SIZE)
			return i;
	return 0;
}

/*
 * The in-process copy of len bytes, and the linearity check when lin is not
 * NULL. The source is a buffer of exactly len bytes of its own, mapped and
 * touched just before its destination, as copyloop makes them. (Copying
 * from a slice of one large buffer instead ran 16 MiB copies up to 40%
 * faster here than copyloop's own buffers: how the kernel lays out a large
 * mapping in physical memory matters once the copy no longer fits in the
 * caches. A cross-check must copy between buffers made the same way.)
 */
static int copy_one_size(struct bench_run *run, const struct bench_config *cfg,
			 size_t len, struct linearity *lin)
{
	void *src = source(cfg, len);
	struct bench_result r;
	int err;

	if (!src)
		return -1;
	err = measure_in_process(run, src, len, &r);
	if (!err && lin)
		err = check_linearity(cfg, src, len, r.iters, lin);
	bench_free(src, len);
	return err;
}

static int sweep(struct bench_run *run, const struct bench_config *cfg,
		 struct linearity *lin)
{
	size_t first_touch_len = (size_t)(cfg->quick ? 32 : 256) << 20;
	size_t at = linearity_index(cfg);
	void *src;
	int err;

	for (size_t i = 0; i < cfg->nsizes; i++)
		if (copy_one_size(run, cfg, cfg->sizes[i],
				  i == at ? lin : NULL) < 0)
			return -1;
	src = source(cfg, first_touch_len);
	if (!src)
		return -1;
	err = measure_first_touch(run, src, first_touch_len);
	bench_free(src, first_touch_len);
	return err;
}

/* Refuse, before measuring anything, a size whose two buffers cannot fit. */
static int sizes_fit(const struct bench_config *cfg)
{
	size_t room = measure_available_memory() / 2;

	for (size_t i = 0; i < cfg->nsizes; i++) {
		if (cfg->sizes[i] > room) {
			fprintf(stderr, "%s: %zu bytes: two buffers of that size "
				"do not fit in the memory available\n",
				cfg->bench, cfg->sizes[i]);
			return 0;
		}
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct bench_config cfg;
	struct bench_run *run;
	struct linearity lin = { 0 };

	bench_parse_args(&cfg, argc, argv, LESSON_ID, "64K,1M,16M",
			 "64K,1M,16M");
	if (!sizes_fit(&cfg))
		return 1;
	run = bench_open(&cfg, cfg.nsizes + 1);
	if (!run)
		return 1;
	if (sweep(run, &cfg, &lin) < 0) {
		bench_abandon(run);
		return 1;
	}
	if (bench_close(run) < 0)
		return 1;
	return save_linearity(&cfg, &lin) < 0;
}
