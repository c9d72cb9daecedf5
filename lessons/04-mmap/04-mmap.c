/*
 * 04-mmap.c - lesson 04's demo: the page cache, read or mapped.
 *
 *   04-mmap           all four steps
 *   04-mmap --trap    only the trap (SIGBUS is no memory error, so the
 *                     plain build and the AddressSanitizer twin of
 *                     `make trap-04` run it alike)
 *
 * Step 1 sums a large and a small file with read(2) and with mmap(2), and
 * prints time, page faults and the buffer each needed. Step 2 writes
 * through a MAP_PRIVATE mapping: each page written costs one fault and one
 * private copy, and the file does not change. Step 3 shares a MAP_SHARED
 * mapping with a child process: the child's write reaches the parent and
 * the file. Step 4 is the trap: the file shrinks while it is mapped, the
 * program touches the part that is gone, the kernel sends SIGBUS, and the
 * program catches it, explains it and carries on.
 *
 * Test files live in a fresh folder under $TMPDIR (or /tmp), removed on
 * every exit, also after Ctrl-C or kill (the harness's clean-up registry).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "checksum.h"
#include "demo.h"
#include "harness.h"
#include "mappedfile.h"
#include "measure.h"
#include "pagecache.h"
#include "size.h"
#include "variants.h"

#define LARGE ((size_t)64 << 20)
#define SMALL ((size_t)4 << 10)
#define BUFFER ((size_t)1 << 20)
#define PAGE 4096
#define MAX_RUNS 101

static const char *prog = LESSON_ID;

static int run_lesson(void);
static int trap(void);

/* The predictions of steps 1 and 2 (README.md, "Predict"). */
enum { PREDICT_LARGE, PREDICT_SMALL, PREDICT_PRIVATE };

/* The demo, as demo_main runs it (demo.h). */
static const struct demo demo = {
	.lesson = LESSON_ID, .run = run_lesson,
	.trap = trap,
	.trap_what = "The trap reads a mapped page whose file was cut short.",
	.questions[PREDICT_LARGE] = { "mmap-vs-read-64m", DEMO_RATIO,
		"summing a 64 MiB file in the page cache: "
		"how many times faster is mmap than read?" },
	.questions[PREDICT_SMALL] = { "read-vs-mmap-4k", DEMO_RATIO,
		"summing a 4 KiB file: "
		"how many times faster is read than mmap?" },
	.questions[PREDICT_PRIVATE] = { "private-write-faults", DEMO_COUNT,
		"writing to 32 of the 256 pages of a MAP_PRIVATE mapping: "
		"how many page faults?" },
};

/* --- Test files, removed whatever happens ---------------------------------- */

static char folder[PATH_MAX];
static char files[4][PATH_MAX + 16];

/* The folder and its four files, in the harness's clean-up registry: they
 * go on every exit and every signal that ends the program (harness.h). A
 * folder that cannot be made ends the demo. */
static void make_folder(void)
{
	const char *tmp = getenv("TMPDIR");
	static const char *const names[] = { "large", "small", "notes", "shrinks" };

	if (bench_temp_folder(folder, sizeof(folder),
			      tmp && tmp[0] ? tmp : "/tmp", "04-mmap-demo") < 0)
		demo_die("cannot make a folder for test files");
	for (int i = 0; i < 4; i++) {
		snprintf(files[i], sizeof(files[i]), "%s/%s", folder, names[i]);
		if (bench_cleanup_file(files[i]) < 0)
			demo_die("cannot make a folder for test files");
	}
}

/* Write size bytes of a repeating pattern (no zero bytes), 1 MiB at a time. */
static void write_file(const char *path, size_t size, const char *pattern)
{
	static unsigned char chunk[1 << 20];
	size_t plen = strlen(pattern);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		demo_die("cannot create a test file");
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (unsigned char)pattern[i % plen];
	for (size_t done = 0; done < size; done += sizeof(chunk)) {
		size_t n = size - done < sizeof(chunk) ? size - done : sizeof(chunk);

		ssize_t wrote = write(fd, chunk, n);

		if (wrote >= 0 && (size_t)wrote != n)
			errno = ENOSPC;	/* a short write: the disk is full */
		if (wrote < 0 || (size_t)wrote != n)
			demo_die("cannot write a test file");
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		demo_die("cannot write a test file");
}

/* --- Step 1: read photocopies, mmap hands over ----------------------------- */

struct summed {
	double ns;		/* median time of one whole-file sum */
	double faults;		/* minor faults per sum */
	uint64_t sum;
};

/* The benchmark's two ways (variants.h), warm, stopping the demo on failure. */
static uint64_t sum_by_read(const char *path, void *buf)
{
	uint64_t sum;

	if (sum_file_by_read(path, buf, BUFFER, 0, &sum) < 0)
		demo_die("cannot read a test file");
	return sum;
}

static uint64_t sum_by_mmap(const char *path, void *unused)
{
	uint64_t sum;

	(void)unused;
	if (sum_file_by_mmap(path, 0, 0, &sum) < 0)
		demo_die("cannot map a test file");
	return sum;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sum the file `runs` times (after one warm-up), keep the median time. */
static struct summed time_sum(uint64_t (*sum)(const char *, void *),
			      const char *path, void *buf, int runs)
{
	double ns[MAX_RUNS];
	struct summed s;
	long faults;

	REQUIRE(runs > 0 && runs <= MAX_RUNS);
	s.sum = sum(path, buf);
	faults = measure_faults().minor;
	for (int i = 0; i < runs; i++) {
		uint64_t t0 = measure_now_ns();

		s.sum = sum(path, buf);
		ns[i] = (double)(measure_now_ns() - t0);
	}
	s.faults = (double)(measure_faults().minor - faults) / runs;
	qsort(ns, (size_t)runs, sizeof(ns[0]), compare_doubles);
	s.ns = ns[runs / 2];
	return s;
}

static void show_sum(const char *way, size_t size, const struct summed *s,
		     size_t buffer)
{
	char b[32];

	printf("  %-5s %10.1f us  %6.2f GB/s  %7.1f faults  buffer %s\n", way,
	       s->ns / 1e3, (double)size / s->ns, s->faults,
	       buffer ? size_format(buffer, b, sizeof(b)) : "none");
}

/* Sum the file both ways and print both; returns read's time / mmap's. */
static double compare_at(const char *path, size_t size, void *buf, int runs)
{
	struct summed r = time_sum(sum_by_read, path, buf, runs);
	struct summed m = time_sum(sum_by_mmap, path, buf, runs);
	char sz[32];

	printf("\n  a %s file, median of %d sums:\n",
	       size_format(size, sz, sizeof(sz)), runs);
	show_sum("read", size, &r, BUFFER);
	show_sum("mmap", size, &m, 0);
	if (r.sum != m.sum) {
		fprintf(stderr, "%s: read and mmap disagree on the sum\n", prog);
		exit(1);
	}
	printf("  same sum (%016llx); %s is %.1fx faster here\n",
	       (unsigned long long)r.sum, r.ns < m.ns ? "read" : "mmap",
	       r.ns < m.ns ? m.ns / r.ns : r.ns / m.ns);
	return r.ns / m.ns;
}

static void step_read_or_map(void)
{
	size_t resident, pages;
	void *buf = aligned_alloc(PAGE, BUFFER);
	double large, small;	/* read's time over mmap's */

	if (!buf)
		demo_die("out of memory");
	memset(buf, 1, BUFFER);
	demo_step("read() photocopies the page cache into your buffer; "
		  "mmap() hands it over");
	write_file(files[0], LARGE, "pages 200 to 250 ");
	write_file(files[1], SMALL, "pages 200 to 250 ");
	if (pagecache_resident(files[0], &resident, &pages) == 0)
		printf("  the large file is in the page cache: %zu of %zu "
		       "pages\n", resident, pages);
	demo_predict(PREDICT_LARGE);
	large = compare_at(files[0], LARGE, buf, 11);
	demo_score(PREDICT_LARGE, large);
	printf("  (one fault per 4 KiB page would be %zu: the kernel maps "
	       "many pages per fault)\n", LARGE / PAGE);
	demo_predict(PREDICT_SMALL);
	small = compare_at(files[1], SMALL, buf, 101);
	demo_score(PREDICT_SMALL, 1 / small);
	if (large > 1)
		demo_explain("large file: mmap reads each byte once, read copies it first");
	else
		printf("  => large file: read won this time, against the lesson. 11 sums"
		       " are few;\n     a busy machine can do it. make bench measures"
		       " it with care.\n");
	if (small < 1)
		demo_explain("small file: a mapping costs more to set up and tear down "
			     "than copying 4 KiB");
	else
		printf("  => small file: mmap won this time, against the lesson; "
		       "run it again.\n");
	free(buf);
}

/* --- Step 2: MAP_PRIVATE, the lazy photocopy -------------------------------- */

/* Print the first len (< 32) bytes of the file, read the ordinary way. */
static void show_file_start(const char *path, size_t len)
{
	char text[32] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || pread(fd, text, len, 0) < 0)
		demo_die("cannot read back a test file");
	close(fd);
	printf("  the file on disk reads:      \"%s\"\n", text);
}

/*
 * Someone else writes to the file at page 0 (already copied privately) and
 * page 1 (not written by us): the copy keeps our version, but the page we
 * never wrote still shows the page cache, so it shows their change.
 */
static void not_a_snapshot(const struct mappedfile *mf, const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || pwrite(fd, "THEIRS", 6, 0) != 6 ||
	    pwrite(fd, "THEIRS", 6, PAGE) != 6)
		demo_die("cannot change a test file");
	close(fd);
	printf("  another writer puts \"THEIRS\" at page 0 and page 1 of "
	       "the file:\n");
	printf("  page 0 (our copy):           \"%.6s\"\n", mf->data);
	printf("  page 1 (never written):      \"%.6s\"  MAP_PRIVATE is not a "
	       "snapshot\n", mf->data + PAGE);
}

static void step_private(void)
{
	enum { FILE_PAGES = 256, EVERY = 8 };
	struct mappedfile mf;
	uint64_t sum = 0;
	long before, faults;

	demo_step("MAP_PRIVATE: a lazy photocopy of only the pages you write");
	write_file(files[2], FILE_PAGES * PAGE, "original text, ");
	if (mappedfile_open(&mf, files[2], MAPPEDFILE_PRIVATE, 0) < 0)
		demo_die("cannot map a test file");
	before = measure_faults().minor;
	sum = checksum_bytes(mf.data, mf.len);
	escape(&sum);
	printf("  read all %d pages:          %3ld faults\n", FILE_PAGES,
	       measure_faults().minor - before);
	demo_predict(PREDICT_PRIVATE);
	before = measure_faults().minor;
	for (size_t p = 0; p < FILE_PAGES; p += EVERY)
		memcpy(mappedfile_bytes(&mf) + p * PAGE, "CHANGED", 7);
	faults = measure_faults().minor - before;
	printf("  wrote to %d of them:         %3ld faults, one private copy "
	       "per page written\n", FILE_PAGES / EVERY, faults);
	demo_score(PREDICT_PRIVATE, (double)faults);
	printf("  our mapping reads:           \"%.17s\"\n", mf.data);
	show_file_start(files[2], 17);
	not_a_snapshot(&mf, files[2]);
	mappedfile_close(&mf);
}

/* --- Step 3: MAP_SHARED, the Google Doc ------------------------------------ */

static void step_shared(void)
{
	static const char note[] = "the child wrote this";
	struct mappedfile mf;
	int status;
	pid_t child;

	demo_step("MAP_SHARED: one copy, seen by every process that maps it");
	write_file(files[2], PAGE, "original text, ");
	if (mappedfile_open(&mf, files[2], MAPPEDFILE_SHARED, 0) < 0)
		demo_die("cannot map a test file");
	fflush(stdout);
	child = fork();
	if (child < 0)
		demo_die("cannot fork");
	if (child == 0) {
		memcpy(mappedfile_bytes(&mf), note, sizeof(note) - 1);
		_exit(0);
	}
	if (waitpid(child, &status, 0) < 0)
		demo_die("cannot wait for the child");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		demo_die("the child did not finish its write");
	}
	printf("  child %ld wrote through its mapping and exited\n",
	       (long)child);
	printf("  the parent's mapping reads:  \"%.20s\"\n", mf.data);
	show_file_start(files[2], 20);
	mappedfile_close(&mf);
}

/* --- Step 4: the trap -------------------------------------------------------- */

static sigjmp_buf recover;
static void *volatile fault_address;

static void on_sigbus(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)context;
	fault_address = info->si_addr;
	siglongjmp(recover, 1);
}

/* Read one byte at p; 0, or -1 if the kernel answered with SIGBUS. */
static int touch(const volatile unsigned char *p, unsigned char *out)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus,
				.sa_flags = SA_SIGINFO }, old;
	int ret = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(recover, 1) == 0)
		*out = *p;
	else
		ret = -1;
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

static void step_trap(void)
{
	struct mappedfile mf;
	const unsigned char *lost;
	unsigned char c;

	demo_step("the trap: the file shrinks while it is mapped");
	write_file(files[3], 4 * PAGE, "four pages ");
	if (mappedfile_open(&mf, files[3], MAPPEDFILE_READ, 0) < 0)
		demo_die("cannot map a test file");
	printf("  mapped 16 KiB at %p\n", (void *)mf.data);
	if (truncate(files[3], PAGE) < 0)
		demo_die("cannot truncate a test file");
	printf("  someone truncates the file to 4 KiB; the mapping still "
	       "says 16 KiB\n");
	lost = mf.data + 2 * PAGE;
	if (touch(lost, &c) == 0) {
		printf("  reading offset 8192 worked: no SIGBUS on this "
		       "system\n");
	} else {
		printf("  reading offset 8192: SIGBUS at %p (offset %td)\n",
		       fault_address,
		       (const unsigned char *)fault_address - mf.data);
		printf("  that page has no file behind it any more, so the "
		       "kernel cannot fill it;\n  uncaught, SIGBUS kills the "
		       "process (\"Bus error\")\n");
	}
	if (touch(mf.data, &c) == 0)
		printf("  caught it and carried on: offset 0 still reads "
		       "'%c'\n", c);
	mappedfile_close(&mf);
}

/* --- main ------------------------------------------------------------------ */

static int run_lesson(void)
{
	make_folder();
	printf("Lesson 04: mmap, the filing cabinet the whole office "
	       "shares\n");
	step_read_or_map();
	step_private();
	step_shared();
	step_trap();
	return 0;
}

/* SIGBUS is no memory error: the trap runs alike with or without
 * AddressSanitizer, so it has no kind. */
static int trap(void)
{
	make_folder();
	step_trap();
	return 0;
}

int main(int argc, char **argv)
{
	return demo_main(argc, argv, &demo);
}
