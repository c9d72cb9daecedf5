/*
 * harness.h - time several ways of doing the same thing, honestly.
 *
 * A benchmark program describes its variants ("copy", "view", ...) as a few
 * callbacks and hands them to bench_measure, one size at a time. The harness
 * does what makes the numbers worth printing:
 *
 *   - measures the extra resident memory each variant's setup needs;
 *   - calibrates a batch of iterations that runs at least 5 ms, so the cost
 *     of reading the clock (tens of ns) disappears in it;
 *   - runs one warm-up batch, then at least 11 timed batches per variant,
 *     interleaved (copy, view, copy, view, ...) so that a noisy neighbour on
 *     a shared machine slows both ways alike;
 *   - computes min, p25, median, p75, max, mean and cv of the time per
 *     operation (the CSV has all of them but the mean); the median is the
 *     headline;
 *   - checks that every variant that reads the data returns the same
 *     checksum, and stops the program if they disagree;
 *   - counts minor page faults per operation and warns when timed batches
 *     faulted (a sign that first-touch costs leaked into the timing);
 *   - writes one CSV row per variant in the shared schema, to a temporary
 *     file that is renamed into place only when the whole program succeeded.
 *
 * The life of a benchmark program:
 *
 *	struct bench_config cfg;
 *	bench_parse_args(&cfg, argc, argv, LESSON_ID, "64,256,...", "...");
 *	struct bench_run *run = bench_open(&cfg, steps);
 *	for each size: bench_measure(run, size, "", variants, n, NULL);
 *	return bench_finish(run, 0 if every bench_measure did, else -1);
 *
 * LESSON_ID, the lesson's folder name ("01-photocopy"), is defined by the
 * Makefile when it compiles bench/NN-name.c, so the id is written once.
 *
 * Errors: bench_parse_args exits with status 2 and a usage line on bad
 * arguments; the other functions print one line "bench: what: why" and
 * return -1 (or NULL) on a failure of the world. A measurement that could
 * not be taken (the memory counters could not be read) is such a failure,
 * never a zero in the CSV.
 *
 * Where the CSV goes (--csv FILE): a new or regular file is written under a
 * temporary name beside it and renamed onto it at the end, with the mode
 * the old file had; through a symbolic link, that is beside the file the
 * link points to, and the link stays. A character device (/dev/null, a
 * terminal) or a FIFO with a reader is written directly, since renaming
 * onto it would replace the device node; a FIFO without a reader, a block
 * device, a folder or a link to nothing is refused. "-" is stdout; a write
 * to it that fails makes bench_measure and bench_close return -1 without a
 * word, because program_start's exit handler says it once, at exit.
 *
 * Signals and exits: the temporary CSV, and whatever a benchmark registers
 * with bench_cleanup_* (see "Undoing on exit"), are removed whether the
 * program returns, calls exit, or is ended by a signal; an interrupted run
 * leaves the previous results untouched. What SIGKILL leaves behind, no
 * handler can see: the next run removes it (bench_temp_folder, and the
 * temporary CSVs of runs that no longer exist).
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "benchstats.h"

#define BENCH_MAX_SIZES 64
#define BENCH_MAX_VARIANTS 8
#define BENCH_MIN_SAMPLES 11
#define BENCH_MAX_SAMPLES 64
#define BENCH_MIN_BATCH_NS 5000000u	/* 5 ms */

/*
 * The CSV's header, the schema every results file has: one row per variant
 * at one size and param. This is the C definition; the Python, shell and
 * gnuplot ones (COLUMNS in tools/results.py,
 * bench/schema.sh, bench/plot/style.gp) must say the same, which
 * tests/test_schema checks.
 */
#define BENCH_CSV_HEADER "bench,variant,size_bytes,param,samples,iters," \
	"min_ns,p25_ns,median_ns,p75_ns,max_ns,cv,gbps,extra_bytes,minflt"

/* --- Configuration, from the command line ------------------------------- */

struct bench_config {
	const char *bench;		/* the lesson id, e.g. "01-photocopy" */
	const char *prog;		/* argv[0], for the usage line */
	size_t sizes[BENCH_MAX_SIZES];	/* sizes to measure, in bytes */
	size_t nsizes;
	int quick;			/* --quick: the short sweep */
	const char *csv_path;		/* --csv FILE; "-" is standard output */
	int samples;			/* timed batches per variant, >= 11 */
	uint64_t min_batch_ns;		/* shortest timed batch */
};

/*
 * Fill cfg from argv. Every benchmark program accepts the same options:
 *   --sizes LIST   comma-separated sizes with K/M/G suffixes (powers of two)
 *   --quick        the short sweep (quick_sizes unless --sizes is given)
 *   --csv FILE     where to write the results; "-" (the default) is stdout
 *   --help         the usage line, exit 0
 * Anything else prints the usage line on stderr and exits with status 2.
 * It starts with program_start (program.h): the standard streams are made
 * safe, and a benchmark whose output could not be written exits 1.
 */
void bench_parse_args(struct bench_config *cfg, int argc, char **argv,
		      const char *bench, const char *default_sizes,
		      const char *quick_sizes);

/*
 * A size the benchmark cannot measure is a bad argument like any other:
 * if one of cfg's sizes is below least, say so (why is what the least size
 * holds, "one record with 32-byte fields"), print the usage line and exit
 * with status 2. Call it right after bench_parse_args.
 */
void bench_refuse_sizes_below(const struct bench_config *cfg, size_t least,
			      const char *why);

/* --- Variants ------------------------------------------------------------ */

/*
 * One way of doing the operation. Only name and run are required.
 *
 * run does the operation iters times and returns a checksum of the data it
 * read the last time (or 0 when it reads nothing). A run that fails (a
 * read that errs, a malloc refused) calls bench_variant_failed and returns
 * at once, with any checksum. setup allocates and
 * first-touches what the variant needs beyond the source data: the harness
 * reads the process's anonymous resident memory (measure.h) before and
 * after it and its first run, and that difference is the variant's
 * extra_bytes. It returns 0, or -1 with errno.
 */
struct bench_variant {
	const char *name;		/* "copy", "view", "copy+sum", ... */
	uint64_t (*run)(void *ctx, uint64_t iters);
	int (*setup)(void *ctx);
	void (*teardown)(void *ctx);
	void *ctx;
	int reads_data;		/* checksum must agree with the others that do */
	size_t bytes_per_op;	/* payload copied or read per operation; 0: none */
	int faults_expected;	/* faulting is what it measures (mmap): no warning */
	/* Optional: memory another process needed for this variant, as it
	 * measured it (lesson 07's consumer and its receive buffer); added to
	 * what the harness measured in this process. */
	size_t (*peer_extra_bytes)(void *ctx);
};

/*
 * The one way a variant reports a failure of the world, from inside its
 * run (or setup): the errno that says why. The harness stops measuring
 * after that batch, tears the variants down, prints one line "bench:
 * variant at N bytes failed: why", and bench_measure (or bench_compare)
 * returns -1; no row is written. Only the first failure counts.
 */
void bench_variant_failed(int err);

/* The figures for one variant at one size, as written to the CSV. */
struct bench_result {
	const char *variant;
	size_t size;
	int samples;
	uint64_t iters;			/* operations per timed batch */
	double min_ns, p25_ns, median_ns, p75_ns, max_ns, mean_ns, cv;
	double gbps;			/* payload GB/s (1e9 bytes) at the median */
	size_t extra_bytes;		/* anonymous memory setup + first run needed */
	double minflt;			/* minor faults per operation */
	uint64_t checksum;
};

/* --- Running ------------------------------------------------------------- */

struct bench_run;

/*
 * Start a run of `steps` calls to bench_measure (used for the progress line
 * and its estimate of the time left): opens the temporary CSV and writes the
 * header. Returns NULL after printing why, if the file cannot be created.
 */
struct bench_run *bench_open(const struct bench_config *cfg, size_t steps);

/*
 * Measure variants v[0..n) at one size. param is the second dimension
 * ("" when there is none; it must not contain a comma). Prints a progress
 * line on stderr, writes one CSV row per variant, and copies the figures to
 * out[0..n) when out is not NULL. Returns 0, or -1 after printing why.
 */
int bench_measure(struct bench_run *run, size_t size, const char *param,
		  struct bench_variant *v, size_t n, struct bench_result *out);

/*
 * Write one row the caller measured its own way, in the same schema:
 * r's fields fill the columns as bench_measure's do, and param (no comma)
 * says what they mean. Lesson 06 adds the CPU time of the sending process,
 * from getrusage, for the batches bench_measure just timed. Returns 0, or
 * -1 after printing why.
 */
int bench_write_row(struct bench_run *run, const char *param,
		    const struct bench_result *r);

/*
 * bench_write_row, as one of the run's steps, with a progress line (lesson
 * 07 times every round trip of a ping-pong, one by one, so its row's samples
 * are round trips and iters is 1). Returns 0, or -1 after printing why.
 */
int bench_write_result(struct bench_run *run, const char *param,
		       const struct bench_result *r);

/*
 * The same method without a CSV or a progress line, for lesson programs that
 * print their own figures: measure v[0..n) at one size with the default
 * batch length and sample count, into out[0..n). Returns 0 or -1.
 */
int bench_compare(size_t size, struct bench_variant *v, size_t n,
		  struct bench_result *out);

/* Finish: rename the CSV into place. Returns 0 or -1; frees run either way. */
int bench_close(struct bench_run *run);

/* Give up: remove the temporary CSV and free run. */
void bench_abandon(struct bench_run *run);

/* End run the way its measuring went: bench_close after status 0,
 * bench_abandon after any other. Returns the program's exit status: 0 when
 * the CSV is in place, 1 when it is not. */
int bench_finish(struct bench_run *run, int status);

/* --- Undoing on exit and on signals ------------------------------------------ */

/*
 * What a benchmark makes outside its own memory (a temporary file, a
 * folder, a child process, a named shared memory region) it registers here
 * the moment it exists, and the harness undoes it however the program
 * ends: when main returns, on exit(), and on every signal that ends a
 * process by default and can be caught (SIGHUP, SIGINT, SIGQUIT, SIGPIPE,
 * SIGALRM, SIGTERM, SIGUSR1, SIGUSR2, SIGXCPU, SIGVTALRM, SIGPROF); after
 * undoing, the signal ends the program as it would have, so the parent
 * still sees "killed by SIGINT". A signal the program was started with
 * ignored (nohup) stays ignored. Undos run newest first, so register a
 * folder before the files in it. This is the one place that installs
 * handlers for these signals: a benchmark installs none of its own.
 *
 * The rules an undo must keep, because it may run inside a signal handler:
 * only async-signal-safe calls (unlink, rmdir, kill, waitpid, close,
 * shm_unlink; signal-safety(7) lists them), no malloc, no stdio, and no
 * memory that may have been freed. A child made with fork inherits the
 * registry but never runs it: only the process that registered undoes.
 *
 * Each function returns an id >= 0 for bench_cleanup_forget/_now, or -1
 * with errno (ENOSPC: more than BENCH_MAX_CLEANUPS at once; ENAMETOOLONG).
 *
 *	int id = bench_cleanup_file(path);	right after creating it
 *	...
 *	bench_cleanup_now(id);			unlink it now, and forget it
 */
#define BENCH_MAX_CLEANUPS 16

/* Call undo(arg) at exit or on a signal (the general case). */
int bench_cleanup_add(void (*undo)(void *arg), void *arg);

/* unlink(path) at exit (path is copied). */
int bench_cleanup_file(const char *path);

/* rmdir(path) at exit: it must be empty by then (path is copied). */
int bench_cleanup_folder(const char *path);

/* kill(pid, SIGKILL) and reap it at exit. */
int bench_cleanup_child(pid_t pid);

/* The program undid it itself (or made it permanent): forget it. */
void bench_cleanup_forget(int id);

/* Undo it now, then forget it. Both take -1 as "nothing registered". */
void bench_cleanup_now(int id);

/*
 * A new folder for scratch files, parent/prefix.PID.XXXXXX, into path[len]
 * (PID is this process's), registered to be removed at exit: register the
 * files made in it with bench_cleanup_file. First it removes the folders
 * prefix.PID.* (and the plain files in them) that a process which no longer
 * exists left behind: SIGKILL gives no process time to clean up, so the
 * next run does. Returns 0, or -1 with errno.
 */
int bench_temp_folder(char *path, size_t len, const char *parent,
		      const char *prefix);

/*
 * bench_temp_folder in the build folder this program was built into: for
 * build/bench/NN-name, build/prefix.PID.XXXXXX (the data files lessons 04
 * and 06 read and write, kept off /tmp, which may be a small tmpfs).
 */
int bench_build_temp_folder(char *path, size_t len, const char *prefix);

/* --- Test files ------------------------------------------------------------ */

/* xorshift64: the next of a fixed sequence of pseudo-random words, from
 * *state (never 0): the same sequence on every run and every machine. */
uint64_t bench_next_random(uint64_t *state);

/*
 * Write size pseudo-random bytes to path (made with mode 0600, or cut to
 * 0 first), the same bytes for the same size on every run, and set *sum
 * to their checksum_bytes. With sync, fsync the file too, so that its pages
 * are clean and no write-back runs while they are timed. Returns 0, or -1
 * with errno.
 */
int bench_write_random_file(const char *path, size_t size, int sync,
			    uint64_t *sum);

/* --- Resource limits ------------------------------------------------------ */

#define BENCH_SPARE ((size_t)64 << 20)	/* left free: 64 MiB */

/*
 * Refuse a sweep the machine cannot hold, before anything is allocated or
 * written. Each takes `times`, how many bytes the program needs per byte
 * of its largest size (the source and two copies: 3), and checks that
 * times * the largest size in cfg, plus BENCH_SPARE, fits in the memory
 * available (measure_available_memory) or in the free disk of the folder dir
 * (measure_available_disk). If it does not, it prints one line saying what
 * was asked and what is available:
 *
 *	01-photocopy: the largest size, 4 TiB, times 3 needs 12 TiB of memory; 19 GiB is available
 *
 * and returns -1; it returns 0 when the sweep fits.
 */
int bench_check_memory(const struct bench_config *cfg, size_t times);
int bench_check_disk(const struct bench_config *cfg, const char *dir,
		     size_t times);

/*
 * The same for memory that does not grow in proportion to the size (a
 * matrix of n x n): need bytes, described by `asked` ("four 512 x 512
 * matrices"). need is SIZE_MAX when computing it overflowed.
 */
int bench_check_bytes(const struct bench_config *cfg, const char *asked,
		      size_t need);

/* The largest of cfg's sizes. */
size_t bench_largest_size(const struct bench_config *cfg);

/* --- Buffers and statistics ------------------------------------------------ */

/*
 * n bytes of page-aligned memory from mmap, every page already touched with
 * a non-zero fill, so no timed batch pays for first touch. NULL with errno
 * on failure, or when n is more than the memory available.
 *
 * The buffer asks for transparent huge pages (madvise MADV_HUGEPAGE), which
 * the kernel gives to the 2 MiB-aligned parts of large buffers. Measured on
 * this workbench's 2-core VM, five runs of the 16 MiB copy spread from 12.5
 * to 18.9 GB/s with 4 KiB pages (the data filled the 32 MiB L3, and where
 * the kernel placed each small page decided the result) and from 16.4 to
 * 18.5 GB/s with huge pages. It also makes results independent of the
 * machine's THP default ("always" on some systems, "madvise" on others).
 */
void *bench_alloc(size_t n);
void bench_free(void *p, size_t n);

/* Order statistics of a sample, bench_stats(), and the calibration rule,
 * bench_next_iters(), are in src/benchstats.h, which this header includes. */

/* A time in the unit that keeps 3 or 4 digits: "2.5 ns", "23.0 us",
 * "97.6 ms", "1.20 s", as the progress line and lesson demos print them.
 * Returns buf. */
char *bench_format_ns(double ns, char *buf, size_t len);

#endif
