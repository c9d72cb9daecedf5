/*
 * 06-fd-to-fd.c - lesson 06's demo: hand the pages to the kernel.
 *
 *   06-fd-to-fd           all five steps
 *   06-fd-to-fd --trap    only the traps (none is a memory error, so the
 *                         plain build and the AddressSanitizer twin of
 *                         `make trap-06` run them alike)
 *
 * Step 1 copies a 16 MiB file to another file five ways (src/fdcopy.h)
 * and prints, for each, the time, the CPU time of this process, the system
 * calls and the bytes that passed through our memory, counted at each call.
 * Step 2 sends the same file into a socket that a second process drains,
 * where the CPU time is the point. Step 3 splices through pipes of three
 * sizes. Step 4 is where copying wins or ties: many small files, counting
 * lines while copying, and MSG_ZEROCOPY on loopback. Step 5 is the traps:
 * a short transfer, a file truncated while it is sent, copy_file_range on
 * /proc, and pages that change after they were handed over.
 *
 * Every copy is checked against the source (checksum of what arrived).
 * Test files live in a fresh folder under $TMPDIR (or /tmp); the folder
 * and any child process are removed on every exit, also after Ctrl-C.
 */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "checksum.h"
#include "demo.h"
#include "harness.h"
#include "fdcopy.h"
#include "fileio.h"
#include "measure.h"
#include "size.h"
#include "variants.h"

#define LARGE ((size_t)16 << 20)
#define SMALL ((size_t)4 << 10)
#define SMALL_FILES 300
#define RUNS 5
#define MIB ((double)(1 << 20))

static const char *prog = LESSON_ID;

static int run_lesson(void);
static int run_traps(void);

/* The predictions of steps 1 to 4 (README.md, "Predict"). */
enum { PREDICT_FILE, PREDICT_SOCKET_CPU, PREDICT_PIPE, PREDICT_SMALL };

/* The demo, as demo_main runs it (demo.h). */
static const struct demo demo = {
	.lesson = LESSON_ID, .run = run_lesson,
	.trap = run_traps,
	.trap_what = "The traps: short transfers, a file cut short, /proc, "
		     "a copy that is no snapshot.",
	.questions[PREDICT_FILE] = { "read-write-vs-sendfile-file-cpu", DEMO_RATIO,
		"16 MiB file to file: how many times the CPU time "
		"of sendfile does read+write use?" },
	.questions[PREDICT_SOCKET_CPU] = { "read-write-vs-sendfile-socket-cpu", DEMO_RATIO,
		"16 MiB into a socket: how many times the CPU time "
		"of sendfile does read+write use?" },
	.questions[PREDICT_PIPE] = { "splice-4k-vs-1m-pipe", DEMO_RATIO,
		"16 MiB by splice: how many times longer with a 4 KiB pipe "
		"than with a 1 MiB one?" },
	.questions[PREDICT_SMALL] = { "read-write-vs-sendfile-small-files", DEMO_RATIO,
		"many 4 KiB files: "
		"how many times longer does read+write take than sendfile?" },
};

/* --- Clean-up: the folder, its files, the children ------------------------- */

static char folder[PATH_MAX];
static char src_path[PATH_MAX + 16], dst_path[PATH_MAX + 16];
static size_t small_made;
static pid_t child;		/* the one child process alive, or 0 */

/* folder/<c>NNNNN into buf (variants.h). */
static void small_name(char *buf, size_t len, char c, size_t i)
{
	testfiles_small_name(buf, len, folder, c, i);
}

static void remove_files(void)
{
	if (child > 0)
		kill(child, SIGKILL);
	testfiles_remove(folder, src_path, dst_path, small_made);
}

/* The registry's undo (harness.h): remove_files is async-signal-safe. */
static void remove_on_exit(void *arg)
{
	(void)arg;
	remove_files();
}

/*
 * $TMPDIR/06-fd-to-fd-demo.PID.XXXXXX, removed with what is in it however
 * the demo ends; one a killed run left is removed by the next. A folder
 * that cannot be made ends the demo. SIGPIPE is ignored so that a drain
 * that died shows as EPIPE, in one line.
 */
static void make_folder(void)
{
	const char *tmp = getenv("TMPDIR");

	if (bench_temp_folder(folder, sizeof(folder), tmp && tmp[0] ? tmp : "/tmp",
			      "06-fd-to-fd-demo") < 0) {
		folder[0] = '\0';
		demo_die("cannot make a folder for test files");
	}
	snprintf(src_path, sizeof(src_path), "%s/report", folder);
	snprintf(dst_path, sizeof(dst_path), "%s/copy", folder);
	signal(SIGPIPE, SIG_IGN);
	if (bench_cleanup_add(remove_on_exit, NULL) < 0)
		demo_die("cannot make a folder for test files");
}

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd < 0)
		demo_die("cannot open a test file");
	return fd;
}

/* size bytes of lines of text; returns their checksum. */
static uint64_t write_file(const char *path, size_t size)
{
	static const char line[] = "take pages 200 to 250 from the shelf\n";
	static unsigned char chunk[1 << 20];
	int fd = open_or_die(path, O_WRONLY | O_CREAT | O_TRUNC);
	uint64_t sum = 0;

	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (unsigned char)line[i % (sizeof(line) - 1)];
	for (size_t done = 0; done < size; done += sizeof(chunk)) {
		size_t n = size - done < sizeof(chunk) ? size - done : sizeof(chunk);
		if (fileio_write_full(fd, chunk, n) < 0)
			demo_die("cannot write a test file");
		sum += checksum_bytes(chunk, n);
	}
	if (close(fd) < 0)
		demo_die("cannot write a test file");
	return sum;
}

/* The first size bytes (not 0) of fd, mapped to be read; a file that
 * cannot be mapped ends the demo, saying `what`. munmap when done. */
static void *map_or_die(int fd, size_t size, const char *what)
{
	void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		demo_die(what);
	return p;
}

/* checksum_bytes of a whole file, read back through a mapping. */
static uint64_t sum_of(int fd, size_t size)
{
	uint64_t sum;
	void *p;

	if (size == 0)
		return 0;
	p = map_or_die(fd, size, "cannot map a copy to check it");
	sum = checksum_bytes(p, size);
	munmap(p, size);
	return sum;
}

/* --- Copying one way, timed ------------------------------------------------ */

enum kind { READ_WRITE, MMAP_WRITE, SENDFILE, SPLICE, RANGE, KINDS };

static const char *const names[] = { "read-write", "mmap-write", "sendfile",
				     "splice", "copy_file_range" };

/* What one way cost: medians of RUNS copies, and one copy's counts. */
struct cost {
	double wall_ns, cpu_ns;
	struct fdcopy_count count;	/* of one copy */
};

static double cpu_now_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec) * 1e9 +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e3;
}

/* Copy len bytes from in (offset 0) to out with one way; -1 or bytes. */
static ssize_t copy_with(enum kind k, int in, int out, size_t len, size_t pipe_len,
			 struct fdcopy_count *c)
{
	static unsigned char buf[64 << 10];
	int p[2] = { -1, -1 };
	size_t got;
	ssize_t n;

	if (lseek(in, 0, SEEK_SET) < 0)
		return -1;
	switch (k) {
	case READ_WRITE:
		return fdcopy_read_write(in, out, len, buf, sizeof(buf), c);
	case MMAP_WRITE:
		return fdcopy_mmap_write(in, out, len, c);
	case SENDFILE:
		return fdcopy_sendfile(in, out, len, c);
	case RANGE:
		return fdcopy_range(in, out, len, c);
	default:
		if (fdcopy_pipe_open(p, pipe_len, &got) < 0)
			return -1;
		n = fdcopy_splice(in, out, len, p, c);
		fdcopy_pipe_close(p);
		return n;
	}
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *x, int n)
{
	qsort(x, (size_t)n, sizeof(x[0]), compare_doubles);
	return x[n / 2];
}

/* RUNS copies of the file to the file, each checked. */
static struct cost time_file_copy(enum kind k, int in, size_t size, uint64_t want,
				  size_t pipe_len)
{
	double wall[RUNS], cpu[RUNS];
	struct cost c = { 0 };
	int out = open_or_die(dst_path, O_RDWR | O_CREAT | O_TRUNC);

	for (int r = 0; r < RUNS; r++) {
		struct fdcopy_count count = { 0 };
		double c0 = cpu_now_ns();
		uint64_t t0 = measure_now_ns();

		if (lseek(out, 0, SEEK_SET) < 0 ||
		    copy_with(k, in, out, size, pipe_len, &count) != (ssize_t)size)
			demo_die("a copy failed");
		wall[r] = (double)(measure_now_ns() - t0);
		cpu[r] = cpu_now_ns() - c0;
		c.count = count;
	}
	if (sum_of(out, size) != want) {
		fprintf(stderr, "%s: %s delivered other bytes\n", prog, names[k]);
		exit(1);
	}
	close(out);
	c.wall_ns = median(wall, RUNS);
	c.cpu_ns = median(cpu, RUNS);
	return c;
}

static void show_cost(const char *way, size_t size, const struct cost *c)
{
	double mib = (double)size / MIB;

	printf("  %-19s %7.2f ms %5.1f GB/s  CPU %6.2f ms %6.1f calls/MiB "
	       "%8.0f B/MiB via us\n", way, c->wall_ns / 1e6,
	       (double)size / c->wall_ns, c->cpu_ns / 1e6,
	       (double)c->count.calls / mib, (double)c->count.user_bytes / mib);
}

/* --- Step 1: file to file ---------------------------------------------------- */

static void say_reflink_or_copy(int in, size_t size)
{
	struct fdcopy_count c = { 0 };
	int out = open_or_die(dst_path, O_RDWR | O_CREAT | O_TRUNC), shared;

	if (copy_with(RANGE, in, out, size, 0, &c) != (ssize_t)size)
		demo_die("copy_file_range failed");
	shared = fdcopy_shares_extents(out);
	close(out);
	printf("  copy_file_range on this file system: %s\n",
	       shared == 1 ? "a reflink (the copy shares the source's blocks)"
	       : shared == 0 ? "an in-kernel copy (no block shared: the kernel "
			       "copied)"
			     : "cannot tell (no FIEMAP here)");
}

/*
 * What step 1 found, decided on the CPU times: the wall times of a copy to
 * a file jump from run to run. The bounds are the claim file-cpu-alike's
 * (lessons/06-fd-to-fd/claims).
 */
static void explain_file_cpu(double sendfile_over_read_write)
{
	const char *found, *why;

	if (sendfile_over_read_write >= 0.6 && sendfile_over_read_write <= 1.5) {
		found = "about the same CPU time: every way must fill the new "
			"file's pages,";
		why = "and our 64 KiB buffer stays in the cache: the photocopy "
		      "into it is cheap";
	} else if (sendfile_over_read_write < 0.6) {
		found = "sendfile saved CPU time here: not what the lesson found "
			"on ext4";
		why = "(another file system? a reflink copies nothing); run it "
		      "again";
	} else {
		found = "sendfile cost more CPU time here: not what the lesson "
			"found;";
		why = "a busy machine can do this: run it again";
	}
	demo_explain(found);
	printf("     %s\n", why);
}

static void step_file_to_file(void)
{
	struct cost c[KINDS];
	uint64_t want = write_file(src_path, LARGE);
	int in = open_or_die(src_path, O_RDONLY);

	demo_step("read+write photocopies every byte twice; the kernel's ways "
		  "hand it the pages");
	printf("  a 16 MiB file, copied to a file on the same disk, "
	       "median of %d copies:\n", RUNS);
	demo_predict(PREDICT_FILE);
	for (int k = 0; k < KINDS; k++) {
		c[k] = time_file_copy((enum kind)k, in, LARGE, want, 1 << 20);
		show_cost(names[k], LARGE, &c[k]);
	}
	demo_score(PREDICT_FILE, c[READ_WRITE].cpu_ns / c[SENDFILE].cpu_ns);
	say_reflink_or_copy(in, LARGE);
	close(in);
	printf("  every copy checked: same checksum as the source\n");
	printf("  measured: sendfile took %.2fx the wall time and %.2fx the CPU "
	       "time of read-write\n", c[SENDFILE].wall_ns / c[READ_WRITE].wall_ns,
	       c[SENDFILE].cpu_ns / c[READ_WRITE].cpu_ns);
	demo_explain(c[SENDFILE].count.user_bytes == 0
			     ? "0 bytes through our memory: counted at each call, "
			       "not assumed"
			     : "sendfile passed bytes through us: unexpected");
	explain_file_cpu(c[SENDFILE].cpu_ns / c[READ_WRITE].cpu_ns);
}

/* --- Step 2: to a socket drained by another process ------------------------- */

/* Fork a child that splices everything from fd to /dev/null. */
static void start_drain(int fd, int ours)
{
	fflush(stdout);
	child = fork();
	if (child < 0)
		demo_die("cannot fork");
	if (child == 0) {
		int null = open("/dev/null", O_WRONLY), p[2];
		size_t got;
		ssize_t n;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ours);
		if (null < 0 || fdcopy_pipe_open(p, 1 << 20, &got) < 0)
			_exit(1);
		while ((n = splice(fd, NULL, p[1], NULL, 1 << 20, 0)) > 0)
			if (splice(p[0], NULL, null, NULL, (size_t)n, 0) != n)
				_exit(1);
		_exit(n == 0 ? 0 : 1);
	}
}

static void wait_drain(void)
{
	int status;

	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		child = 0;
		errno = ECHILD;
		demo_die("the drain process failed");
	}
	child = 0;
}

/* RUNS copies into a fresh socketpair each, until the drain has it all. */
static struct cost time_socket_copy(enum kind k, int in, size_t size)
{
	double wall[RUNS], cpu[RUNS];
	struct cost c = { 0 };

	for (int r = 0; r < RUNS; r++) {
		struct fdcopy_count count = { 0 };
		int sv[2];
		double c0;
		uint64_t t0;

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			demo_die("cannot make a socketpair");
		start_drain(sv[0], sv[1]);
		close(sv[0]);
		c0 = cpu_now_ns();
		t0 = measure_now_ns();
		if (copy_with(k, in, sv[1], size, 1 << 20, &count) != (ssize_t)size)
			demo_die("a copy to the socket failed");
		close(sv[1]);
		wait_drain();
		wall[r] = (double)(measure_now_ns() - t0);
		cpu[r] = cpu_now_ns() - c0;
		c.count = count;
	}
	c.wall_ns = median(wall, RUNS);
	c.cpu_ns = median(cpu, RUNS);
	return c;
}

/* What step 2 found; 0.67 is the bound of the claim socket-cpu. */
static void explain_socket_cpu(double cpu_ratio, double wall_ratio)
{
	if (cpu_ratio > 0.67)
		demo_explain("sendfile saved less CPU time than the lesson found "
			     "(under two thirds): a busy machine?");
	else if (cpu_ratio < wall_ratio)
		demo_explain("no second file to fill: the photocopy into our "
			     "buffer was extra work, and CPU fell most");
	else
		demo_explain("no second file to fill: the photocopy into our "
			     "buffer was extra work");
}

static void step_socket(void)
{
	static const enum kind kinds[] = { READ_WRITE, SENDFILE, SPLICE };
	struct cost c[3];
	int in;

	demo_step("to a socket: the saving is CPU time more than wall time");
	write_file(src_path, LARGE);
	in = open_or_die(src_path, O_RDONLY);
	printf("  16 MiB into a Unix socket; another process drains it into "
	       "/dev/null with splice\n  (it never copies a byte, so it costs "
	       "every way the same); CPU is this process's:\n");
	demo_predict(PREDICT_SOCKET_CPU);
	for (int i = 0; i < 3; i++) {
		c[i] = time_socket_copy(kinds[i], in, LARGE);
		show_cost(names[kinds[i]], LARGE, &c[i]);
	}
	close(in);
	demo_score(PREDICT_SOCKET_CPU, c[0].cpu_ns / c[1].cpu_ns);
	printf("  measured: sendfile used %.0f%% of read-write's wall time and "
	       "%.0f%% of its CPU time\n", 100 * c[1].wall_ns / c[0].wall_ns,
	       100 * c[1].cpu_ns / c[0].cpu_ns);
	explain_socket_cpu(c[1].cpu_ns / c[0].cpu_ns, c[1].wall_ns / c[0].wall_ns);
	demo_explain("Andrew Morton, 2001, on a saturated 100 Mbit link: "
		     "sendfile 18% CPU, read/write 38% (LKML)");
}

/* --- Step 3: the pipe in the middle of splice ------------------------------- */

static void step_pipe_size(void)
{
	static const size_t sizes[] = { 4 << 10, 64 << 10, 1 << 20 };
	uint64_t want = write_file(src_path, LARGE);
	size_t max = fdcopy_pipe_max();
	int in = open_or_die(src_path, O_RDONLY);
	struct cost c[3];

	demo_step("splice goes through a pipe: its size decides the calls");
	printf("  pipes start at 64 KiB; F_SETPIPE_SZ grows them up to\n"
	       "  /proc/sys/fs/pipe-max-size (%zu bytes here)\n", max);
	demo_predict(PREDICT_PIPE);
	for (int i = 0; i < 3; i++) {
		char label[32], sz[16];

		if (sizes[i] > max)
			continue;
		snprintf(label, sizeof(label), "splice, %s pipe",
			 size_format(sizes[i], sz, sizeof(sz)));
		c[i] = time_file_copy(SPLICE, in, LARGE, want, sizes[i]);
		show_cost(label, LARGE, &c[i]);
	}
	close(in);
	demo_score(PREDICT_PIPE, sizes[2] <= max ? c[0].wall_ns / c[2].wall_ns
						  : NAN);
	printf("  measured: the 4 KiB pipe took %.2fx the time of the 1 MiB one\n",
	       sizes[2] <= max ? c[0].wall_ns / c[2].wall_ns : NAN);
	demo_explain("each splice moves at most one pipeful: a small pipe means "
		     "many calls");
	demo_explain("rust-lang/rust#155859: 37 GiB/s with a 1 MiB pipe, "
		     "2.1 GiB/s with the default");
}

/* --- Step 4: where copying wins or ties ------------------------------------- */

/* Copy every small file with one way: open, copy, close. ns for all. */
static double copy_small_files(enum kind k, struct fdcopy_count *c)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	uint64_t t0 = measure_now_ns();

	for (size_t i = 0; i < small_made; i++) {
		int in, out;

		small_name(from, sizeof(from), 's', i);
		small_name(to, sizeof(to), 'd', i);
		in = open_or_die(from, O_RDONLY);
		out = open_or_die(to, O_WRONLY);	/* overwritten in place */
		if (copy_with(k, in, out, SMALL, 0, c) != (ssize_t)SMALL)
			demo_die("copying a small file failed");
		close(in);
		close(out);
	}
	return (double)(measure_now_ns() - t0);
}

static void small_files(void)
{
	static const enum kind kinds[] = { READ_WRITE, SENDFILE, RANGE };
	char path[PATH_MAX + 16];
	double best[3] = { 0 };

	while (small_made < SMALL_FILES) {
		size_t i = small_made++;	/* first, so clean-up sees it */

		small_name(path, sizeof(path), 'd', i);
		write_file(path, SMALL);
		small_name(path, sizeof(path), 's', i);
		write_file(path, SMALL);
	}
	printf("  %d files of 4 KiB, each opened, copied and closed "
	       "(best of 3):\n", SMALL_FILES);
	for (int i = 0; i < 3; i++) {
		struct fdcopy_count c = { 0 };

		for (int r = 0; r < 3; r++) {
			double ns = copy_small_files(kinds[i], &c);

			best[i] = r == 0 || ns < best[i] ? ns : best[i];
		}
		printf("  %-16s %8.2f ms  %6.1f us a file  %4.1f calls a file\n",
		       names[kinds[i]], best[i] / 1e6, best[i] / 1e3 / SMALL_FILES,
		       (double)c.calls / (3.0 * SMALL_FILES));
	}
	printf("  measured: sendfile %.2fx and copy_file_range %.2fx the time of "
	       "read-write\n", best[1] / best[0], best[2] / best[0]);
	demo_score(PREDICT_SMALL, best[0] / best[1]);
	demo_explain(best[1] >= 0.8 * best[0] && best[2] >= 0.8 * best[0]
			     ? "no kernel way saves even a fifth: for 4 KiB the copy "
			       "is a small part of open + copy + close"
			     : "a kernel way saved more than a fifth here, even at "
			       "4 KiB a file");
}

static uint64_t newlines(const unsigned char *p, size_t n)
{
	uint64_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += p[i] == '\n';
	return count;
}

/* Copy and count in the buffer the copy passes through anyway. */
static uint64_t count_while_copying(int in, int out)
{
	static unsigned char buf[64 << 10];
	uint64_t lines = 0;
	ssize_t n;

	if (lseek(in, 0, SEEK_SET) < 0 || lseek(out, 0, SEEK_SET) < 0)
		demo_die("cannot rewind a test file");
	while ((n = fileio_read_full(in, buf, sizeof(buf))) > 0) {
		lines += newlines(buf, (size_t)n);
		if (write(out, buf, (size_t)n) != n)
			demo_die("cannot write a copy");
	}
	if (n < 0)
		demo_die("cannot read a test file");
	return lines;
}

/* The kernel copies; we still have to read every byte to count. */
static uint64_t count_after_sendfile(int in, int out)
{
	struct fdcopy_count c = { 0 };
	uint64_t lines;
	void *p;

	if (lseek(in, 0, SEEK_SET) < 0 || lseek(out, 0, SEEK_SET) < 0 ||
	    fdcopy_sendfile(in, out, LARGE, &c) != (ssize_t)LARGE)
		demo_die("sendfile failed");
	p = map_or_die(in, LARGE, "cannot map a test file");
	lines = newlines(p, LARGE);
	munmap(p, LARGE);
	return lines;
}

static double time_counting(uint64_t (*count)(int, int), int in, int out,
			    uint64_t *lines)
{
	double ns[RUNS];

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = measure_now_ns();

		*lines = count(in, out);
		ns[r] = (double)(measure_now_ns() - t0);
	}
	return median(ns, RUNS);
}

static void counting_lines(void)
{
	uint64_t want = write_file(src_path, LARGE), a, b;
	int in = open_or_die(src_path, O_RDONLY);
	int out = open_or_die(dst_path, O_RDWR | O_CREAT | O_TRUNC);
	double copying = time_counting(count_while_copying, in, out, &a);
	double sending = time_counting(count_after_sendfile, in, out, &b);

	if (a != b || sum_of(out, LARGE) != want) {
		fprintf(stderr, "%s: the two ways disagree\n", prog);
		exit(1);
	}
	close(in);
	close(out);
	printf("\n  copy 16 MiB and count its %llu lines (median of %d):\n",
	       (unsigned long long)a, RUNS);
	printf("  read-write, count in the buffer  %8.2f ms\n", copying / 1e6);
	printf("  sendfile, then count a mapping   %8.2f ms  (%.2fx)\n",
	       sending / 1e6, sending / copying);
	demo_explain(sending >= copying
			     ? "the bytes must be read anyway: the copy into our "
			       "buffer is not extra work, and read-write wins"
			     : "sendfile was faster here even so: the count is cheap "
			       "next to writing the copy");
}

/* --- MSG_ZEROCOPY on loopback ------------------------------------------------- */

/* Two connected TCP sockets on 127.0.0.1: sv[0] accepted, sv[1] ours. */
static void tcp_pair(int sv[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&a, &len) < 0)
		demo_die("cannot listen on 127.0.0.1");
	sv[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sv[1] < 0 || connect(sv[1], (struct sockaddr *)&a, sizeof(a)) < 0)
		demo_die("cannot connect to 127.0.0.1");
	sv[0] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (sv[0] < 0)
		demo_die("cannot accept on 127.0.0.1");
	close(l);
}

/* Completions read from the error queue: how many sends, how many copied. */
struct completions {
	uint64_t done, copied;
};

static void reap(int fd, struct completions *c)
{
	char control[128];
	struct msghdr msg = { .msg_control = control,
			      .msg_controllen = sizeof(control) };

	while (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0) {
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		struct sock_extended_err *e;

		msg.msg_controllen = sizeof(control);
		if (!cm)
			continue;
		e = (struct sock_extended_err *)(void *)CMSG_DATA(cm);
		if (e->ee_origin != SO_EE_ORIGIN_ZEROCOPY)
			continue;
		c->done += (uint64_t)(e->ee_data - e->ee_info) + 1;
		if (e->ee_code & SO_EE_CODE_ZEROCOPY_COPIED)
			c->copied += (uint64_t)(e->ee_data - e->ee_info) + 1;
	}
}

/* n sends of len bytes; returns ns per send. */
static double time_sends(int flags, size_t len, int n, struct completions *c)
{
	static unsigned char buf[64 << 10];
	struct timespec nap = { 0, 50000 };
	int sv[2], one = 1;
	uint64_t t0, issued = 0;

	REQUIRE(len <= sizeof(buf));
	memset(buf, 'z', len);
	tcp_pair(sv);
	if (flags && setsockopt(sv[1], SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) < 0)
		demo_die("SO_ZEROCOPY is refused here");
	start_drain(sv[0], sv[1]);
	close(sv[0]);
	t0 = measure_now_ns();
	for (int i = 0; i < n; i++) {
		for (size_t done = 0; done < len;) {
			ssize_t m = send(sv[1], buf + done, len - done, flags);

			if (m < 0 && errno == ENOBUFS) {
				reap(sv[1], c);
				continue;
			}
			if (m < 0)
				demo_die("send failed");
			done += (size_t)m;
			issued += flags != 0;
		}
		if (flags)
			reap(sv[1], c);
	}
	while (c->done < issued) {
		nanosleep(&nap, NULL);
		reap(sv[1], c);
	}
	close(sv[1]);
	wait_drain();
	return (double)(measure_now_ns() - t0) / n;
}

static void zerocopy_on_loopback(void)
{
	struct completions plain = { 0 }, zc = { 0 };
	double copy_ns = time_sends(0, 64 << 10, 2000, &plain);
	double zc_ns = time_sends(MSG_ZEROCOPY, 64 << 10, 2000, &zc);

	printf("\n  2000 sends of 64 KiB over TCP to 127.0.0.1:\n");
	printf("  send()                %7.1f us a send\n", copy_ns / 1e3);
	printf("  send(MSG_ZEROCOPY)    %7.1f us a send (%.2fx); %llu of %llu "
	       "completions say\n                        "
	       "SO_EE_CODE_ZEROCOPY_COPIED (the kernel copied)\n",
	       zc_ns / 1e3, zc_ns / copy_ns, (unsigned long long)zc.copied,
	       (unsigned long long)zc.done);
	if (zc.copied != zc.done)
		demo_explain("some sends were not copied: not what the kernel "
			     "documentation says of loopback");
	else
		demo_explain(zc_ns > copy_ns
				     ? "on loopback the receiver is local, so the "
				       "kernel copied after all: the pinning\n"
				       "     and the notifications are extra cost "
				       "(kernel docs, networking/msg_zerocopy)"
				     : "copied after all, yet not slower here: the "
				       "notifications cost less than the\n"
				       "     machine's noise");
}

static void step_copying_wins(void)
{
	demo_step("where copying wins or ties");
	demo_predict(PREDICT_SMALL);
	small_files();
	counting_lines();
	zerocopy_on_loopback();
}

/* --- Step 5: the traps ------------------------------------------------------- */

/* One sendfile into a pipe nobody reads yet: it moves one pipeful. */
static void trap_short_transfer(void)
{
	static unsigned char buf[64 << 10];
	size_t want = (size_t)1 << 20, inside = 0;
	int in, p[2];
	ssize_t n, r;

	write_file(src_path, want);
	in = open_or_die(src_path, O_RDONLY);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		demo_die("cannot make a pipe");
	n = sendfile(p[1], in, NULL, want);
	while ((r = read(p[0], buf, sizeof(buf))) > 0)
		inside += (size_t)r;
	printf("  1. short transfer: sendfile(pipe, file, 1 MiB) returned %zd; "
	       "the pipe holds %zu bytes\n     a loop that does not add up the "
	       "returns would lose %zu bytes\n", n, inside,
	       n >= 0 ? want - (size_t)n : want);
	close(p[0]);
	close(p[1]);
	close(in);
}

/* fstat said 1 MiB; the file was cut to 256 KiB before we sent it. */
static void trap_truncated(void)
{
	size_t size = (size_t)1 << 20, done = 0, zeros = 0;
	struct fdcopy_count c = { 0 };
	int in, out;
	uint64_t t0;
	ssize_t n;

	write_file(src_path, size);
	in = open_or_die(src_path, O_RDONLY);
	out = open_or_die(dst_path, O_WRONLY | O_CREAT | O_TRUNC);
	if (truncate(src_path, 256 << 10) < 0)
		demo_die("cannot truncate a test file");
	t0 = measure_now_ns();
	while (done < size && zeros < 1000) {	/* the spinning loop, bounded */
		n = sendfile(out, in, NULL, size - done);
		if (n < 0)
			demo_die("sendfile failed");
		zeros += n == 0;
		done += (size_t)n;
	}
	printf("  2. truncated while sending: after %zu bytes sendfile returned "
	       "0, %zu times in %.0f us;\n     `while (done < size)` would spin "
	       "there forever (proftpd PR #591)\n", done, zeros,
	       (double)(measure_now_ns() - t0) / 1e3);
	if (lseek(in, 0, SEEK_SET) < 0 || lseek(out, 0, SEEK_SET) < 0)
		demo_die("cannot rewind a test file");
	n = fdcopy_sendfile(in, out, size, &c);
	printf("     fdcopy_sendfile stops at the first 0: copied %zd of the "
	       "%zu bytes fstat\n     promised, in %zu calls\n", n, size,
	       c.calls);
	close(in);
	close(out);
}

/* /proc files say they are empty; copy_file_range believes them. */
static void trap_procfs(void)
{
	static unsigned char buf[4096];
	struct fdcopy_count c = { 0 };
	int in = open("/proc/version", O_RDONLY | O_CLOEXEC);
	int out = open_or_die(dst_path, O_WRONLY | O_CREAT | O_TRUNC);
	ssize_t n;

	if (in < 0) {
		printf("  3. no /proc/version here: skipped\n");
		close(out);
		return;
	}
	n = copy_file_range(in, NULL, out, NULL, 1 << 20, 0);
	printf("  3. copy_file_range(/proc/version) returned %zd%s%s\n", n,
	       n < 0 ? ": " : " (nothing copied, no error)",
	       n < 0 ? strerror(errno) : "");
	printf("     (Linux 5.3 to 5.18 returned 0 here, golang/go#44272; "
	       "later kernels say EXDEV)\n");
	if (lseek(in, 0, SEEK_SET) < 0)
		demo_die("cannot rewind /proc/version");
	n = fdcopy_read_write(in, out, SSIZE_MAX, buf, sizeof(buf), &c);
	printf("     the read/write fallback copies %zd bytes: the fallback is "
	       "part of the correct code\n", n);
	close(in);
	close(out);
}

/* Hand a page to a pipe, change it, then let the reader read. */
static void trap_not_a_snapshot(void)
{
	static char page[4096] __attribute__((aligned(4096)));
	struct iovec iov = { page, sizeof(page) };
	char got[9] = { 0 };
	int p[2], in;

	if (pipe2(p, O_CLOEXEC) < 0)
		demo_die("cannot make a pipe");
	memcpy(page, "original", 8);
	if (vmsplice(p[1], &iov, 1, 0) != (ssize_t)sizeof(page))
		demo_die("vmsplice failed");
	memcpy(page, "CHANGED!", 8);
	if (fileio_read_full(p[0], page + 16, 8) != 8)
		demo_die("cannot read the pipe");
	memcpy(got, page + 16, 8);
	printf("  4. not a snapshot: vmsplice'd \"original\", then changed our "
	       "buffer; the reader got \"%s\"\n", got);
	if (fileio_read_full(p[0], page, sizeof(page) - 8) < 0)
		demo_die("cannot read the pipe");
	write_file(src_path, SMALL);
	in = open_or_die(src_path, O_RDWR);
	if (sendfile(p[1], in, NULL, SMALL) != (ssize_t)SMALL ||
	    pwrite(in, "CHANGED!", 8, 0) != 8 ||
	    fileio_read_full(p[0], got, 8) != 8)
		demo_die("sendfile into a pipe failed");
	printf("     sendfile'd a file into a pipe, then changed the file; the "
	       "reader got \"%s\"\n", got);
	close(in);
	close(p[0]);
	close(p[1]);
}

static void step_traps(void)
{
	demo_step("the traps: what the kernel's ways do not promise");
	trap_short_transfer();
	trap_truncated();
	trap_procfs();
	trap_not_a_snapshot();
	demo_explain("the pipe holds the pages, not a copy of them: whoever "
		     "changes them before the reader");
	printf("     reads changes what it gets (the Google Doc again)\n");
}

/* --- main --------------------------------------------------------------------- */

static int run_lesson(void)
{
	make_folder();
	printf("Lesson 06: hand the pages to the kernel (fd to fd)\n");
	step_file_to_file();
	step_socket();
	step_pipe_size();
	step_copying_wins();
	step_traps();
	return 0;
}

/* The traps are no memory errors: they run alike in every build, so they
 * have no kind. */
static int run_traps(void)
{
	make_folder();
	step_traps();
	return 0;
}

int main(int argc, char **argv)
{
	return demo_main(argc, argv, &demo);
}
