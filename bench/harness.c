/*
 * harness.c - calibrated, interleaved, checked timing (see harness.h).
 *
 * Layout: command-line parsing; the CSV file and its safe replacement;
 * statistics; buffers; then bench_measure, which is built from four steps
 * that mirror the method: set up (and measure the memory), calibrate, take
 * interleaved samples, then check, summarise and write.
 */
#include "harness.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "measure.h"
#include "size.h"

struct bench_run {
	const struct bench_config *cfg;
	FILE *csv;
	size_t steps, done;
	uint64_t start_ns;
};

/* The temporary CSV's name, kept where the signal handler can reach it. */
static char temp_path[4096];

/* --- Command line --------------------------------------------------------- */

static _Noreturn void usage(const char *prog, int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [--sizes LIST] [--quick] [--csv FILE]\n"
		"  LIST: comma-separated sizes, suffixes K M G (e.g. 64,4K,1M)\n",
		prog);
	exit(status);
}

static void set_sizes(struct bench_config *cfg, const char *prog,
		      const char *list)
{
	if (size_parse_list(list, cfg->sizes, BENCH_MAX_SIZES,
			    &cfg->nsizes) < 0) {
		fprintf(stderr, "%s: bad size list '%s': %s\n", prog, list,
			errno == ERANGE ? "a size is too large"
					: "expected sizes like 64,4K,1M");
		usage(prog, 2);
	}
}

void bench_parse_args(struct bench_config *cfg, int argc, char **argv,
		      const char *bench, const char *default_sizes,
		      const char *quick_sizes)
{
	static const struct option options[] = {
		{ "sizes", required_argument, NULL, 's' },
		{ "quick", no_argument, NULL, 'q' },
		{ "csv", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sizes = NULL;
	int c;

	*cfg = (struct bench_config){ .bench = bench, .csv_path = "-",
				      .samples = BENCH_MIN_SAMPLES,
				      .min_batch_ns = BENCH_MIN_BATCH_NS };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 's': sizes = optarg; break;
		case 'q': cfg->quick = 1; break;
		case 'c': cfg->csv_path = optarg; break;
		case 'h': usage(argv[0], 0);
		default:
			fprintf(stderr, "%s: unknown or incomplete option '%s'\n",
				argv[0], argv[optind - 1]);
			usage(argv[0], 2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0],
			argv[optind]);
		usage(argv[0], 2);
	}
	if (cfg->csv_path[0] == '\0') {
		fprintf(stderr, "%s: --csv needs a file name\n", argv[0]);
		usage(argv[0], 2);
	}
	set_sizes(cfg, argv[0],
		  sizes ? sizes : cfg->quick ? quick_sizes : default_sizes);
}

/* --- The CSV, written under a temporary name ------------------------------ */

static void remove_temp_and_die(int sig)
{
	if (temp_path[0])
		unlink(temp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static FILE *open_temp_csv(const char *path)
{
	int n = snprintf(temp_path, sizeof(temp_path), "%s.tmp.%ld", path,
			 (long)getpid());
	FILE *f;

	if (n < 0 || (size_t)n >= sizeof(temp_path)) {
		errno = ENAMETOOLONG;
		temp_path[0] = '\0';
		return NULL;
	}
	signal(SIGINT, remove_temp_and_die);
	signal(SIGTERM, remove_temp_and_die);
	f = fopen(temp_path, "w");
	if (!f)
		temp_path[0] = '\0';
	return f;
}

struct bench_run *bench_open(const struct bench_config *cfg, size_t steps)
{
	struct bench_run *run = calloc(1, sizeof(*run));

	if (!run) {
		fprintf(stderr, "%s: out of memory\n", cfg->bench);
		return NULL;
	}
	run->cfg = cfg;
	run->steps = steps;
	run->start_ns = measure_now_ns();
	run->csv = strcmp(cfg->csv_path, "-") == 0 ? stdout
						   : open_temp_csv(cfg->csv_path);
	if (!run->csv) {
		fprintf(stderr, "%s: cannot create %s: %s\n", cfg->bench,
			cfg->csv_path, strerror(errno));
		free(run);
		return NULL;
	}
	fputs(BENCH_CSV_HEADER "\n", run->csv);
	return run;
}

int bench_close(struct bench_run *run)
{
	const char *path = run->cfg->csv_path;
	int failed = ferror(run->csv);

	if (run->csv == stdout) {
		failed |= fflush(stdout) != 0;
	} else {
		failed |= fclose(run->csv) != 0;
		if (!failed && rename(temp_path, path) < 0)
			failed = 1;
		if (failed)
			unlink(temp_path);
		temp_path[0] = '\0';
	}
	if (failed)
		fprintf(stderr, "%s: cannot write %s: %s\n", run->cfg->bench,
			path, strerror(errno));
	free(run);
	return failed ? -1 : 0;
}

void bench_abandon(struct bench_run *run)
{
	if (run->csv != stdout) {
		fclose(run->csv);
		unlink(temp_path);
		temp_path[0] = '\0';
	}
	free(run);
}

/* --- Statistics ------------------------------------------------------------ */

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile of sorted x, interpolating between neighbours (like numpy). */
static double quantile(const double *x, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	double frac = pos - (double)i;

	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + frac * (x[i + 1] - x[i]);
}

void bench_stats(double *x, size_t n, struct bench_stats *out)
{
	double sum = 0, squares = 0;

	REQUIRE(n > 0);
	qsort(x, n, sizeof(*x), compare_doubles);
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	out->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		squares += (x[i] - out->mean) * (x[i] - out->mean);
	out->cv = n > 1 && out->mean > 0
			  ? sqrt(squares / (double)(n - 1)) / out->mean
			  : 0;
	out->min = x[0];
	out->p25 = quantile(x, n, 0.25);
	out->median = quantile(x, n, 0.5);
	out->p75 = quantile(x, n, 0.75);
	out->max = x[n - 1];
}

double bench_eta_seconds(uint64_t elapsed_ns, size_t done, size_t left)
{
	if (done == 0)
		return 0;
	return (double)elapsed_ns / 1e9 / (double)done * (double)left;
}

/* --- Resource limits ------------------------------------------------------ */

size_t bench_largest_size(const struct bench_config *cfg)
{
	size_t largest = 0;

	for (size_t i = 0; i < cfg->nsizes; i++)
		if (cfg->sizes[i] > largest)
			largest = cfg->sizes[i];
	return largest;
}

/* Does `need` bytes fit in `available`, with BENCH_SPARE to spare? */
static int fits(size_t need, size_t available)
{
	return need != SIZE_MAX && available >= BENCH_SPARE &&
	       need <= available - BENCH_SPARE;
}

static void say_too_large(const char *bench, const char *asked, size_t need,
			  size_t available, const char *what)
{
	char size[32], have[32];

	if (need == SIZE_MAX)
		fprintf(stderr, "%s: %s needs more bytes of %s than a size_t "
			"holds; %s is available\n", bench, asked, what,
			size_format(available, have, sizeof(have)));
	else
		fprintf(stderr, "%s: %s needs %s of %s; %s is available\n",
			bench, asked, size_format(need, size, sizeof(size)),
			what, size_format(available, have, sizeof(have)));
}

/* Does times * the largest size fit in available? If not, say so. */
static int check_fits(const struct bench_config *cfg, size_t times,
		      size_t available, const char *what)
{
	size_t largest = bench_largest_size(cfg), need;
	char size[32], asked[96];

	if (__builtin_mul_overflow(largest, times, &need))
		need = SIZE_MAX;
	if (fits(need, available))
		return 0;
	size_format(largest, size, sizeof(size));
	if (times == 1)
		snprintf(asked, sizeof(asked), "the largest size, %s,", size);
	else
		snprintf(asked, sizeof(asked), "the largest size, %s, times %zu",
			 size, times);
	say_too_large(cfg->bench, asked, need, available, what);
	return -1;
}

int bench_check_bytes(const struct bench_config *cfg, const char *asked,
		      size_t need)
{
	size_t available = measure_available_memory();

	if (fits(need, available))
		return 0;
	say_too_large(cfg->bench, asked, need, available, "memory");
	return -1;
}

int bench_check_memory(const struct bench_config *cfg, size_t times)
{
	return check_fits(cfg, times, measure_available_memory(), "memory");
}

int bench_check_disk(const struct bench_config *cfg, const char *dir,
		     size_t times)
{
	return check_fits(cfg, times, measure_available_disk(dir), "disk");
}

/* --- Buffers ------------------------------------------------------------- */

void *bench_alloc(size_t n)
{
	void *p;

	if (n == 0 || n > measure_available_memory()) {
		errno = ENOMEM;
		return NULL;
	}
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* Huge pages where the kernel can: see harness.h. */
	madvise(p, n, MADV_HUGEPAGE);
	memset(p, 0x5a, n);
	return p;
}

void bench_free(void *p, size_t n)
{
	if (p)
		munmap(p, n);
}

/* --- Measuring ---------------------------------------------------------------- */

/* Per variant, what bench_measure collects while it runs. */
struct tally {
	uint64_t iters;			/* operations per batch */
	uint64_t checksum;		/* from the last batch */
	double ns[BENCH_MAX_SAMPLES];	/* ns per operation, one per batch */
	long faults;			/* minor faults in timed batches */
	int faulted_batches;
	size_t extra_bytes;
};

static uint64_t time_batch(struct bench_variant *v, uint64_t iters,
			   uint64_t *checksum)
{
	uint64_t start = measure_now_ns();

	*checksum = v->run(v->ctx, iters);
	return measure_now_ns() - start;
}

static void teardown_variants(struct bench_variant *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].teardown)
			v[i].teardown(v[i].ctx);
}

/*
 * Set each variant up and run it once, reading the process's own (anonymous)
 * resident memory around both: what grew is the memory this way of working
 * needs, its "extra paper". The first run is included so that memory touched lazily counts.
 */
static int setup_variants(struct bench_variant *v, size_t n, struct tally *t)
{
	for (size_t i = 0; i < n; i++) {
		size_t before = measure_anonymous_bytes(), after;

		if (v[i].setup && v[i].setup(v[i].ctx) < 0) {
			teardown_variants(v, i);
			return -1;
		}
		v[i].run(v[i].ctx, 1);
		after = measure_anonymous_bytes();
		t[i].extra_bytes = after > before ? after - before : 0;
		if (v[i].peer_extra_bytes)
			t[i].extra_bytes += v[i].peer_extra_bytes(v[i].ctx);
	}
	return 0;
}

/*
 * Find how many operations make a batch last at least min_ns: grow by the
 * ratio still missing (with 20% to spare), at most 100 times per step.
 */
static uint64_t calibrate(struct bench_variant *v, uint64_t min_ns)
{
	uint64_t iters = 1, checksum;

	for (;;) {
		uint64_t ns = time_batch(v, iters, &checksum);
		double grow;

		if (ns >= min_ns)
			return iters;
		grow = ns ? 1.2 * (double)min_ns / (double)ns : 100;
		if (grow > 100)
			grow = 100;
		if (grow < 2)
			grow = 2;
		if ((double)iters * grow > 1e15)
			return iters;
		iters = (uint64_t)((double)iters * grow);
	}
}

/* One warm-up batch each, then the timed batches, interleaved. */
static void sample_variants(struct bench_variant *v, size_t n,
			    struct tally *t, int samples)
{
	for (size_t i = 0; i < n; i++)
		time_batch(&v[i], t[i].iters, &t[i].checksum);
	for (int s = 0; s < samples; s++) {
		for (size_t i = 0; i < n; i++) {
			long before = measure_faults().minor, faults;
			uint64_t ns = time_batch(&v[i], t[i].iters,
						 &t[i].checksum);

			faults = measure_faults().minor - before;
			t[i].ns[s] = (double)ns / (double)t[i].iters;
			t[i].faults += faults;
			t[i].faulted_batches += faults > 0;
		}
	}
}

/* Every variant that reads the data must have read the same bytes. */
static int checksums_agree(const struct bench_config *cfg, size_t size,
			   const struct bench_variant *v, size_t n,
			   const struct tally *t)
{
	const struct bench_variant *first = NULL;
	uint64_t expected = 0;

	for (size_t i = 0; i < n; i++) {
		if (!v[i].reads_data)
			continue;
		if (!first) {
			first = &v[i];
			expected = t[i].checksum;
		} else if (t[i].checksum != expected) {
			fprintf(stderr,
				"%s: checksums disagree at %zu bytes: %s %#llx, "
				"%s %#llx\n",
				cfg->bench, size, first->name,
				(unsigned long long)expected, v[i].name,
				(unsigned long long)t[i].checksum);
			return 0;
		}
	}
	return 1;
}

static void summarise(const struct bench_variant *v, struct tally *t,
		      size_t size, int samples, struct bench_result *r)
{
	struct bench_stats st;

	bench_stats(t->ns, (size_t)samples, &st);
	*r = (struct bench_result){
		.variant = v->name, .size = size, .samples = samples,
		.iters = t->iters, .min_ns = st.min, .p25_ns = st.p25,
		.median_ns = st.median, .p75_ns = st.p75, .max_ns = st.max,
		.mean_ns = st.mean, .cv = st.cv,
		.gbps = v->bytes_per_op ? (double)v->bytes_per_op / st.median
					: 0,
		.extra_bytes = t->extra_bytes,
		.minflt = (double)t->faults / ((double)samples * (double)t->iters),
		.checksum = t->checksum,
	};
}

static void write_row(struct bench_run *run, const char *param,
		      const struct bench_result *r)
{
	fprintf(run->csv,
		"%s,%s,%zu,%s,%d,%llu,%.3f,%.3f,%.3f,%.3f,%.3f,%.4f,%.3f,%zu,%.4g\n",
		run->cfg->bench, r->variant, r->size, param, r->samples,
		(unsigned long long)r->iters, r->min_ns, r->p25_ns,
		r->median_ns, r->p75_ns, r->max_ns, r->cv, r->gbps,
		r->extra_bytes, r->minflt);
}

char *bench_format_ns(double ns, char *buf, size_t len)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.1f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.1f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
	return buf;
}

static void progress(struct bench_run *run, size_t size, const char *param,
		     const struct bench_result *r, size_t n)
{
	uint64_t elapsed = measure_now_ns() - run->start_ns;
	size_t left = run->steps > run->done ? run->steps - run->done : 0;
	char sz[32], t[32];

	fprintf(stderr, "  %s %3zu/%-3zu %9s %s%s ", run->cfg->bench,
		run->done, run->steps, size_format(size, sz, sizeof(sz)),
		param[0] ? param : "", param[0] ? " " : "");
	for (size_t i = 0; i < n; i++) {
		bench_format_ns(r[i].median_ns, t, sizeof(t));
		fprintf(stderr, " %s %s", r[i].variant, t);
	}
	fprintf(stderr, "   (%.0f s, about %.0f s left)\n",
		(double)elapsed / 1e9,
		bench_eta_seconds(elapsed, run->done, left));
}

/*
 * The method, start to end, for variants v[0..n) at one size: set up and
 * measure the memory, calibrate, sample interleaved, tear down, check the
 * checksums, summarise into r[0..n).
 */
static int compare_variants(const struct bench_config *cfg, size_t size,
			    struct bench_variant *v, size_t n,
			    struct bench_result *r)
{
	struct tally t[BENCH_MAX_VARIANTS] = { 0 };
	int samples = cfg->samples;

	REQUIRE(n > 0 && n <= BENCH_MAX_VARIANTS);
	REQUIRE(samples >= 1 && samples <= BENCH_MAX_SAMPLES);
	if (setup_variants(v, n, t) < 0) {
		fprintf(stderr, "%s: cannot set up %zu bytes: %s\n",
			cfg->bench, size, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		t[i].iters = calibrate(&v[i], cfg->min_batch_ns);
	sample_variants(v, n, t, samples);
	teardown_variants(v, n);
	if (!checksums_agree(cfg, size, v, n, t))
		return -1;
	for (size_t i = 0; i < n; i++) {
		summarise(&v[i], &t[i], size, samples, &r[i]);
		if (t[i].faulted_batches > 0 && !v[i].faults_expected)
			fprintf(stderr, "  warning: %s at %zu bytes page-faulted "
				"in %d of %d timed batches\n", v[i].name, size,
				t[i].faulted_batches, samples);
	}
	return 0;
}

int bench_compare(size_t size, struct bench_variant *v, size_t n,
		  struct bench_result *out)
{
	struct bench_config cfg = { .bench = "bench",
				    .samples = BENCH_MIN_SAMPLES,
				    .min_batch_ns = BENCH_MIN_BATCH_NS };

	return compare_variants(&cfg, size, v, n, out);
}

int bench_measure(struct bench_run *run, size_t size, const char *param,
		  struct bench_variant *v, size_t n, struct bench_result *out)
{
	struct bench_result r[BENCH_MAX_VARIANTS];

	REQUIRE(strchr(param, ',') == NULL);
	if (compare_variants(run->cfg, size, v, n, r) < 0)
		return -1;
	run->done++;
	for (size_t i = 0; i < n; i++)
		write_row(run, param, &r[i]);
	fflush(run->csv);
	progress(run, size, param, r, n);
	if (out)
		memcpy(out, r, n * sizeof(*r));
	return 0;
}

int bench_write_row(struct bench_run *run, const char *param,
		    const struct bench_result *r)
{
	REQUIRE(strchr(param, ',') == NULL);
	write_row(run, param, r);
	if (fflush(run->csv) != 0 || ferror(run->csv)) {
		fprintf(stderr, "%s: cannot write the results: %s\n",
			run->cfg->bench, strerror(errno));
		return -1;
	}
	return 0;
}

int bench_write_result(struct bench_run *run, const char *param,
		       const struct bench_result *r)
{
	run->done++;
	progress(run, r->size, param, r, 1);
	return bench_write_row(run, param, r);
}
