/*
 * 06-fd-to-fd.c - move a file's bytes to a file, a socket or a pipe: through
 * a buffer of ours, or handed to the kernel.
 *
 * For each size the program writes one source file of pseudo-random bytes
 * into a fresh folder under the build directory, measures, and deletes it.
 * The folder, its files and the drain processes are removed on every exit,
 * also after Ctrl-C or kill (see "Clean-up" below: one place).
 *
 * The ways (src/fdcopy.h), each copying the whole source per operation:
 *   read-write       read() into a 64 KiB buffer, write() from it
 *   mmap-write       map the source, write() from the mapping
 *   sendfile         sendfile(2)
 *   splice           splice(2) file -> pipe -> destination, through a pipe
 *                    of /proc/sys/fs/pipe-max-size (1 MiB on most systems)
 *   copy_file_range  copy_file_range(2), file destinations only
 *
 * Destinations (param dest=...):
 *   file    a second file in the same folder, overwritten from offset 0
 *   socket  a Unix stream socketpair; a second process drains it
 *   pipe    a pipe of the default size; a second process drains it
 * The drain splices what arrives into a pipe and from there into
 * /dev/null: it never copies the bytes into its own memory, so it costs
 * the same little for every way and runs on the other core; it cannot be
 * the bottleneck that would hide a difference between the ways. An
 * operation ends when the drain has taken every byte (a counter the two
 * processes share).
 *
 * Every way is first checked to deliver exactly the source's bytes: the
 * destination file is read back, and for a socket or a pipe a separate
 * checking reader sums what arrived. A mismatch stops the run.
 *
 * Rows (param):
 *   dest=D                  the five ways at each size
 *   dest=D;time=cpu         the same batches, CPU time of the sending
 *                           process (user + system, getrusage) per
 *                           operation instead of wall time; gbps is then
 *                           payload bytes per CPU nanosecond
 *   dest=file;buf=N         read-write with other buffers
 *   dest=file;pipe=N        splice through pipes of other sizes
 *   dest=file;file=4096     many small files of 4096 bytes copied one by
 *                           one (size_bytes is the bytes of all of them:
 *                           an operation opens, copies and closes each; the
 *                           number of files is size_bytes / 4096)
 *   dest=file;count=lines   copy and count the newlines: the program must
 *                           read the bytes anyway
 *   dest=tcp                send() vs send(MSG_ZEROCOPY) over TCP loopback
 *                           (variants send, send-zerocopy); size_bytes is
 *                           the bytes per send
 * The sending process's system calls and bytes through user space per
 * operation are printed on stderr, and by lesson 06's demo.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checksum.h"
#include "fdcopy.h"
#include "fileio.h"
#include "harness.h"
#include "lessons/06-fd-to-fd/variants.h"
#include "mappedfile.h"
#include "measure.h"
#include "size.h"

#define BUFFER ((size_t)64 << 10)	/* read-write's buffer in the main rows */
#define CHUNK ((size_t)1 << 20)		/* the checking reader's buffer */
#define SMALL ((size_t)4 << 10)		/* the small files' size */
#define MAX_DRAINS 2
#define RING 64				/* CPU times kept per variant */

enum kind { READ_WRITE, MMAP_WRITE, SENDFILE, SPLICE, RANGE };
enum dest { TO_FILE, TO_SOCKET, TO_PIPE };

static const char *const kind_names[] = { "read-write", "mmap-write", "sendfile",
					  "splice", "copy_file_range" };
static const char *const dest_names[] = { "file", "socket", "pipe" };
static const char *prog = "06-fd-to-fd";

/* --- Clean-up: files, folder and drain processes, whatever happens ------- */

static char folder[PATH_MAX], src_path[PATH_MAX + 32], dst_path[PATH_MAX + 32];
static size_t small_files;		/* s%05zu and d%05zu exist up to here */
static pid_t drains[MAX_DRAINS];

/* folder/<c>NNNNN into buf (lesson 06's variants.h). */
static void small_name(char *buf, size_t len, char c, size_t i)
{
	testfiles_small_name(buf, len, folder, c, i);
}

static void clean_up(void)
{
	for (int i = 0; i < MAX_DRAINS; i++)
		if (drains[i] > 0)
			kill(drains[i], SIGKILL);
	testfiles_remove(folder, src_path, dst_path, small_files);
}

/* The registry's undo (harness.h): clean_up is async-signal-safe. */
static void clean_up_on_exit(void *arg)
{
	(void)arg;
	clean_up();
}

static void remember_drain(pid_t pid)
{
	for (int i = 0; i < MAX_DRAINS; i++)
		if (drains[i] <= 0) {
			drains[i] = pid;
			return;
		}
}

static void forget_drain(pid_t pid)
{
	for (int i = 0; i < MAX_DRAINS; i++)
		if (drains[i] == pid)
			drains[i] = 0;
}

/*
 * build/06-fd-to-fd-files.PID.XXXXXX, beside build/bench/ where we are,
 * removed with what is in it however the program ends (the registry of
 * harness.h); a folder left by a killed run is removed by the next. Says
 * in one line if it cannot.
 */
static int make_folder(void)
{
	if (bench_build_temp_folder(folder, sizeof(folder),
				    "06-fd-to-fd-files") < 0) {
		folder[0] = '\0';
	} else {
		snprintf(src_path, sizeof(src_path), "%s/source", folder);
		snprintf(dst_path, sizeof(dst_path), "%s/copy", folder);
		if (bench_cleanup_add(clean_up_on_exit, NULL) >= 0)
			return 0;
	}
	fprintf(stderr, "%s: cannot make a folder for test files: %s\n",
		prog, strerror(errno));
	return -1;
}

/* --- Files ------------------------------------------------------------------- */

/* size pseudo-random bytes (a newline now and then, by chance); returns
 * 0 or -1 and sets *sum. fsync'd, so no write-back runs during the
 * timing; many small files are synced all at once instead. */
static int write_file(const char *path, size_t size, uint64_t *sum)
{
	return bench_write_random_file(path, size, 1, sum);
}

/* checksum_bytes of the first size bytes of fd, read through a mapping. */
static int sum_of(int fd, size_t size, uint64_t *sum)
{
	void *p;

	*sum = 0;
	if (size == 0)
		return 0;
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	*sum = checksum_bytes(p, size);
	munmap(p, size);
	return 0;
}

/* --- Drains: a second process that swallows a socket or a pipe ------------- */

/* What the drain and the sender share: bytes the drain has swallowed. */
struct drained {
	_Atomic uint64_t bytes;
};

struct drain {
	pid_t pid;
	int in;				/* our end: we write here */
	struct drained *shared;		/* MAP_SHARED, seen by both */
	uint64_t sent;
};

/*
 * In a child: close every descriptor but a and b (and 0-2). A drain that
 * kept a copy of another stream's writing end would keep that stream open
 * after we closed it, and its drain would wait for an end that never came.
 */
static void keep_only(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0u, 0);
}

/* The drain's loop: socket -> pipe -> /dev/null, no byte copied to us. */
static _Noreturn void drain_loop(int from, struct drained *shared)
{
	static unsigned char buf[1 << 16];
	int null, p[2];
	size_t got;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	keep_only(from, from);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0 || fdcopy_pipe_open(p, 1 << 20, &got) < 0)
		_exit(1);
	for (;;) {
		ssize_t n = splice(from, NULL, p[1], NULL, 1 << 20, 0);

		if (n < 0 && errno == EINVAL) {	/* no splice here: read */
			n = read(from, buf, sizeof(buf));
			if (n > 0)
				atomic_fetch_add(&shared->bytes, (uint64_t)n);
			if (n > 0)
				continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(n == 0 ? 0 : 1);
		while (n > 0) {
			ssize_t m = splice(p[0], NULL, null, NULL, (size_t)n, 0);

			if (m <= 0)
				_exit(1);
			n -= m;
			atomic_fetch_add(&shared->bytes, (uint64_t)m);
		}
	}
}

/* Start a drain reading ends[0]; ends[1] becomes ours (d->in). Closes
 * both ends on failure. */
static int drain_start(struct drain *d, const int ends[2])
{
	d->shared = mmap(NULL, sizeof(*d->shared), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (d->shared == MAP_FAILED)
		goto out_close;
	atomic_store(&d->shared->bytes, 0);
	d->sent = 0;
	d->pid = fork();
	if (d->pid < 0)
		goto out_unmap;
	if (d->pid == 0)
		drain_loop(ends[0], d->shared);
	remember_drain(d->pid);
	close(ends[0]);
	d->in = ends[1];
	return 0;
out_unmap:
	munmap(d->shared, sizeof(*d->shared));
out_close:
	close(ends[0]);
	close(ends[1]);
	d->pid = 0;
	return -1;
}

/* A socketpair or a pipe ([0] reads, [1] writes) for dest. */
static int stream_pair(enum dest dest, int ends[2])
{
	return dest == TO_SOCKET
		       ? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends)
		       : pipe2(ends, O_CLOEXEC);
}

/* A socketpair or pipe with a drain at the far end; d->in is ours. */
static int drain_open(struct drain *d, enum dest dest)
{
	int ends[2];

	if (stream_pair(dest, ends) < 0)
		return -1;
	return drain_start(d, ends);
}

/* Wait (sleeping, not spinning: our CPU time is measured) until the drain
 * has swallowed everything sent. */
static void drain_wait(struct drain *d)
{
	struct timespec nap = { 0, 20000 };

	while (atomic_load(&d->shared->bytes) < d->sent)
		nanosleep(&nap, NULL);
}

/* Close our end: the drain sees the end and exits. 0, or -1 if it failed. */
static int drain_close(struct drain *d)
{
	int status;

	close(d->in);
	munmap(d->shared, sizeof(*d->shared));
	if (waitpid(d->pid, &status, 0) < 0)
		return -1;
	forget_drain(d->pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		return -1;
	}
	return 0;
}

/* --- One way to one destination -------------------------------------------- */

struct way {
	enum kind kind;
	enum dest dest;
	size_t size;			/* bytes per copy */
	size_t buf_len;			/* read-write */
	size_t pipe_len;		/* splice: the middle pipe */
	unsigned char *buf;
	int pipe[2];
	int in, out;			/* the source; the destination */
	struct drain *drain;		/* socket and pipe destinations */
	struct fdcopy_count count;	/* over every copy so far */
	uint64_t copies;
	double cpu[RING];		/* CPU ns per copy, one per run() call */
	uint64_t runs;
	int error;
};

/* One copy of the whole source, with the way's own call. */
static ssize_t copy_with(struct way *w, int in, int out, size_t len)
{
	switch (w->kind) {
	case READ_WRITE:
		return fdcopy_read_write(in, out, len, w->buf, w->buf_len,
					 &w->count);
	case MMAP_WRITE:
		return fdcopy_mmap_write(in, out, len, &w->count);
	case SENDFILE:
		return fdcopy_sendfile(in, out, len, &w->count);
	case SPLICE:
		return fdcopy_splice(in, out, len,
				     w->dest == TO_PIPE ? NULL : w->pipe,
				     &w->count);
	default:
		return fdcopy_range(in, out, len, &w->count);
	}
}

static int copy_once(struct way *w)
{
	ssize_t n;

	if (lseek(w->in, 0, SEEK_SET) < 0 ||
	    (w->dest == TO_FILE && lseek(w->out, 0, SEEK_SET) < 0))
		return -1;
	n = copy_with(w, w->in, w->out, w->size);
	if (n < 0)
		return -1;
	if ((size_t)n != w->size) {
		errno = EIO;	/* the source ended early: someone cut it */
		return -1;
	}
	w->copies++;
	if (w->drain)
		w->drain->sent += w->size;
	return 0;
}

static double cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec) * 1e9 +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e3;
}

/* The harness times this; we also keep the CPU time of each call. */
static uint64_t run_copies(void *ctx, uint64_t iters)
{
	struct way *w = ctx;
	double start = cpu_ns();

	for (uint64_t i = 0; i < iters && !w->error; i++)
		if (copy_once(w) < 0)
			w->error = errno ? errno : EIO;
	if (w->drain)
		drain_wait(w->drain);
	w->cpu[w->runs++ % RING] = (cpu_ns() - start) / (double)iters;
	return 0;
}

static int setup_way(void *ctx)
{
	struct way *w = ctx;

	w->buf = NULL;
	w->pipe[0] = w->pipe[1] = -1;
	if (w->kind == READ_WRITE) {
		w->buf = bench_alloc(w->buf_len);
		return w->buf ? 0 : -1;
	}
	if (w->kind == SPLICE && w->dest != TO_PIPE) {
		size_t got;

		if (fdcopy_pipe_open(w->pipe, w->pipe_len, &got) < 0)
			return -1;
		w->pipe_len = got;
	}
	return 0;
}

static void teardown_way(void *ctx)
{
	struct way *w = ctx;

	bench_free(w->buf, w->buf_len);
	w->buf = NULL;
	fdcopy_pipe_close(w->pipe);
}

static struct bench_variant variant_of(struct way *w)
{
	return (struct bench_variant){
		.name = kind_names[w->kind], .run = run_copies,
		.setup = setup_way, .teardown = teardown_way, .ctx = w,
		.bytes_per_op = w->size, .faults_expected = w->kind == MMAP_WRITE,
	};
}

/* --- Checking what arrived ---------------------------------------------------- */

/* A reader of fd that sums exactly len bytes and sends the sum back. */
static pid_t start_checker(int fd, size_t len, int report)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	keep_only(fd, report);
	{
		static unsigned char buf[CHUNK];
		uint64_t sum = 0;

		while (len > 0) {
			ssize_t n = fileio_read_full(fd, buf, len < CHUNK ? len : CHUNK);

			if (n <= 0)
				_exit(1);
			sum += checksum_bytes(buf, (size_t)n);
			len -= (size_t)n;
		}
		_exit(write(report, &sum, sizeof(sum)) == sizeof(sum) ? 0 : 1);
	}
}

/*
 * Start a checking reader of len bytes on ends[0], let deliver write them
 * into ends[1], and set *sum to what the reader summed. ends is a fresh
 * socket or pipe; both ends are closed here, whatever happens.
 */
static int sum_what_arrives(int ends[2], size_t len,
			    int (*deliver)(void *ctx, int fd), void *ctx,
			    uint64_t *sum)
{
	int rp[2], status, ret = -1;
	pid_t pid;

	if (pipe2(rp, O_CLOEXEC) < 0)
		goto out_ends;
	pid = start_checker(ends[0], len, rp[1]);
	if (pid < 0)
		goto out_report;
	remember_drain(pid);
	ret = deliver(ctx, ends[1]);
	close(ends[1]);
	ends[1] = -1;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 ||
	    read(rp[0], sum, sizeof(*sum)) != sizeof(*sum))
		ret = -1;
	forget_drain(pid);
out_report:
	close(rp[0]);
	close(rp[1]);
out_ends:
	close(ends[0]);
	if (ends[1] >= 0)
		close(ends[1]);
	return ret;
}

/* A deliver for sum_what_arrives: one copy the way ctx does, into fd. */
static int copy_into(void *ctx, int fd)
{
	struct way *w = ctx;
	struct drain *saved_drain = w->drain;
	int saved_out = w->out, ret;

	w->out = fd;
	w->drain = NULL;
	ret = copy_once(w);
	w->out = saved_out;
	w->drain = saved_drain;
	return ret;
}

/* Copy once to a fresh socket or pipe with a checking reader; *sum. */
static int sum_through_stream(struct way *w, uint64_t *sum)
{
	int ends[2];

	if (stream_pair(w->dest, ends) < 0)
		return -1;
	return sum_what_arrives(ends, w->size, copy_into, w, sum);
}

/* Copy once the way w does and check that the source's bytes arrived. */
static int check_way(struct way *w, uint64_t want)
{
	uint64_t sum = 0;
	int status;

	if (setup_way(w) < 0)
		return -1;
	if (w->dest == TO_FILE)
		status = copy_once(w) < 0 ? -1 : sum_of(w->out, w->size, &sum);
	else
		status = sum_through_stream(w, &sum);
	teardown_way(w);
	if (status < 0) {
		fprintf(stderr, "%s: %s to a %s failed: %s\n", prog,
			kind_names[w->kind], dest_names[w->dest], strerror(errno));
		return -1;
	}
	if (sum != want) {
		fprintf(stderr, "%s: %s to a %s delivered other bytes (checksum "
			"%#llx, the source's is %#llx)\n", prog, kind_names[w->kind],
			dest_names[w->dest], (unsigned long long)sum,
			(unsigned long long)want);
		return -1;
	}
	return 0;
}

/* --- Measuring a group --------------------------------------------------------- */

/* The CPU row of one variant: its last `samples` run() calls. */
static int record_cpu_of(struct bench_run *run, const char *param,
			 const double *cpu, uint64_t runs, size_t bytes,
			 const struct bench_result *wall)
{
	double x[RING];
	struct bench_stats st;
	struct bench_result r = *wall;
	char cpu_param[96];
	size_t n = (size_t)wall->samples;

	if (n > RING || runs < n) {
		fprintf(stderr, "%s: no CPU time for %s\n", prog, wall->variant);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		x[i] = cpu[(runs - n + i) % RING];
	bench_stats(x, n, &st);
	r.min_ns = st.min;
	r.p25_ns = st.p25;
	r.median_ns = st.median;
	r.p75_ns = st.p75;
	r.max_ns = st.max;
	r.cv = st.cv;
	r.gbps = st.median > 0 ? (double)bytes / st.median : 0;
	snprintf(cpu_param, sizeof(cpu_param), "%s;time=cpu", param);
	return bench_write_row(run, cpu_param, &r);
}

/* bytes: the payload of one operation (several files' worth for the
 * small files). */
static int record_cpu(struct bench_run *run, const char *param,
		      const struct way *w, size_t bytes,
		      const struct bench_result *wall)
{
	return record_cpu_of(run, param, w->cpu, w->runs, bytes, wall);
}

/* Per MiB, what the check copy and the timed copies cost in calls. */
static void report_calls(const char *param, const struct way *w)
{
	double mib = (double)w->copies * (double)w->size / (double)(1 << 20);

	if (w->copies == 0 || mib <= 0)
		return;
	fprintf(stderr, "    %-16s %-24s %9.1f calls/MiB  %12.0f user bytes/MiB\n",
		kind_names[w->kind], param, (double)w->count.calls / mib,
		(double)w->count.user_bytes / mib);
}

/* Check every way, then measure them together (interleaved). */
static int measure_group(struct bench_run *run, size_t size, const char *param,
			 struct way *w, size_t n, uint64_t want)
{
	struct bench_variant v[BENCH_MAX_VARIANTS];
	struct bench_result r[BENCH_MAX_VARIANTS];

	for (size_t i = 0; i < n; i++) {
		if (check_way(&w[i], want) < 0)
			return -1;
		v[i] = variant_of(&w[i]);
	}
	if (bench_measure(run, size, param, v, n, r) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (w[i].error) {
			fprintf(stderr, "%s: %s to a %s failed: %s\n", prog,
				kind_names[w[i].kind], dest_names[w[i].dest],
				strerror(w[i].error));
			return -1;
		}
		if (record_cpu(run, param, &w[i], w[i].size, &r[i]) < 0)
			return -1;
		report_calls(param, &w[i]);
	}
	return 0;
}

/* --- The sweep of sizes ------------------------------------------------------ */

/* What one run measures, decided from the sizes asked for. */
struct plan {
	size_t stream_max;		/* socket and pipe up to this size */
	size_t buffers_at;		/* the buffer sweep at sizes >= this */
	size_t pipes_at;		/* the pipe-size sweep at this size */
	int default_pipe_rows;		/* splice, 64 KiB pipe, at every size */
	size_t pipe_every;		/* the sweep takes every n-th pipe size */
	size_t files;			/* how many small files */
	size_t lines_at;		/* the count=lines case at this size */
	size_t pipe_max;		/* /proc/sys/fs/pipe-max-size */
};

static const size_t other_buffers[] = { 4 << 10, 1 << 20 };
static const size_t pipe_sizes[] = { 4 << 10, 16 << 10, 64 << 10, 256 << 10,
				     1 << 20, 4 << 20, 16 << 20 };

/* Is the i-th pipe size measured: in the sweep (all), or as the default? */
static int pipe_measured(const struct plan *p, size_t i, int all)
{
	return pipe_sizes[i] <= p->pipe_max &&
	       (all ? i % p->pipe_every == 0 : pipe_sizes[i] == (64 << 10));
}

static size_t pipe_rows(const struct plan *p, int all)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(pipe_sizes) / sizeof(pipe_sizes[0]); i++)
		n += pipe_measured(p, i, all);
	return n;
}

static struct way way_for(enum kind k, enum dest d, size_t size, int in,
			  int out, struct drain *drain, size_t pipe_len)
{
	return (struct way){ .kind = k, .dest = d, .size = size, .in = in,
			     .out = out, .drain = drain, .buf_len = BUFFER,
			     .pipe_len = pipe_len };
}

/* The five ways (four for a socket or a pipe) to one destination. */
static int measure_dest(struct bench_run *run, enum dest d, int in, int out,
			struct drain *drain, size_t size, uint64_t sum,
			const struct plan *p)
{
	struct way w[5];
	size_t n = 0;
	char param[32];

	for (int k = READ_WRITE; k <= RANGE; k++)
		if (k != RANGE || d == TO_FILE)
			w[n++] = way_for((enum kind)k, d, size, in, out, drain,
					 p->pipe_max);
	snprintf(param, sizeof(param), "dest=%s", dest_names[d]);
	return measure_group(run, size, param, w, n, sum);
}

static int measure_buffers(struct bench_run *run, int in, int out, size_t size,
			   uint64_t sum)
{
	for (size_t i = 0; i < sizeof(other_buffers) / sizeof(other_buffers[0]); i++) {
		struct way w = way_for(READ_WRITE, TO_FILE, size, in, out, NULL, 0);
		char param[48];

		w.buf_len = other_buffers[i];
		snprintf(param, sizeof(param), "dest=file;buf=%zu", w.buf_len);
		if (measure_group(run, size, param, &w, 1, sum) < 0)
			return -1;
	}
	return 0;
}

static int measure_pipes(struct bench_run *run, int in, int out, size_t size,
			 uint64_t sum, const struct plan *p, int all)
{
	for (size_t i = 0; i < sizeof(pipe_sizes) / sizeof(pipe_sizes[0]); i++) {
		struct way w = way_for(SPLICE, TO_FILE, size, in, out, NULL,
				       pipe_sizes[i]);
		char param[48];

		if (!pipe_measured(p, i, all))
			continue;
		snprintf(param, sizeof(param), "dest=file;pipe=%zu", pipe_sizes[i]);
		if (measure_group(run, size, param, &w, 1, sum) < 0)
			return -1;
	}
	return 0;
}

/* The source and the destination file open, and the two drains. */
struct endpoints {
	int in, out;
	struct drain socket, pipe;
};

static int open_endpoints(struct endpoints *e, size_t size, const struct plan *p)
{
	e->in = open(src_path, O_RDONLY | O_CLOEXEC);
	e->out = open(dst_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	e->socket.pid = e->pipe.pid = 0;
	if (e->in < 0 || e->out < 0)
		return -1;
	if (!p || size > p->stream_max)
		return 0;
	if (drain_open(&e->socket, TO_SOCKET) < 0)
		return -1;
	return drain_open(&e->pipe, TO_PIPE);
}

static int close_endpoints(struct endpoints *e)
{
	int ret = 0;

	if (e->socket.pid > 0 && drain_close(&e->socket) < 0)
		ret = -1;
	if (e->pipe.pid > 0 && drain_close(&e->pipe) < 0)
		ret = -1;
	if (e->in >= 0)
		close(e->in);
	if (e->out >= 0)
		close(e->out);
	unlink(dst_path);
	return ret;
}

/*
 * For the groups that copy file to file only: write the source, size bytes
 * (*sum, its checksum), and open it and the destination file, no drains.
 * Says in one line what failed. close_source undoes it, either way.
 */
static int open_source(struct endpoints *e, size_t size, uint64_t *sum)
{
	e->in = e->out = -1;
	e->socket.pid = e->pipe.pid = 0;
	if (write_file(src_path, size, sum) < 0 ||
	    open_endpoints(e, SIZE_MAX, NULL) < 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, src_path,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* Close the endpoints and remove the source: 0, or -1 if a drain failed. */
static int close_source(struct endpoints *e)
{
	int ret = close_endpoints(e);

	unlink(src_path);
	return ret;
}

/* After the first copy_file_range: did the file system copy or share? */
static void say_how_copy_file_range_copied(int in, int out, size_t size)
{
	struct fdcopy_count c = { 0 };
	int shared;

	if (lseek(in, 0, SEEK_SET) < 0 || lseek(out, 0, SEEK_SET) < 0 ||
	    fdcopy_range(in, out, size, &c) != (ssize_t)size)
		return;
	shared = fdcopy_shares_extents(out);
	fprintf(stderr, "  %s: copy_file_range here is %s\n", prog,
		shared == 1 ? "a reflink (the copy shares the source's blocks)"
		: shared == 0 ? "an in-kernel copy (no block of the copy is "
				"shared with the source)"
			      : "of a kind FIEMAP cannot tell");
}

static int measure_size(struct bench_run *run, size_t size,
			const struct plan *p, int *told)
{
	struct endpoints e = { .in = -1, .out = -1 };
	uint64_t sum;
	int ret = -1;

	if (write_file(src_path, size, &sum) < 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, src_path,
			strerror(errno));
		return -1;
	}
	if (open_endpoints(&e, size, p) < 0) {
		fprintf(stderr, "%s: cannot open the destinations: %s\n", prog,
			strerror(errno));
		goto out_close;
	}
	if (!*told && size >= (1 << 20)) {
		say_how_copy_file_range_copied(e.in, e.out, size);
		*told = 1;
	}
	if (measure_dest(run, TO_FILE, e.in, e.out, NULL, size, sum, p) < 0 ||
	    (size <= p->stream_max &&
	     (measure_dest(run, TO_SOCKET, e.in, e.socket.in, &e.socket, size,
			   sum, p) < 0 ||
	      measure_dest(run, TO_PIPE, e.in, e.pipe.in, &e.pipe, size, sum,
			   p) < 0)) ||
	    (p->default_pipe_rows && size != p->pipes_at &&
	     measure_pipes(run, e.in, e.out, size, sum, p, 0) < 0) ||
	    (size >= p->buffers_at &&
	     measure_buffers(run, e.in, e.out, size, sum) < 0))
		goto out_close;
	ret = 0;
out_close:
	if (close_source(&e) < 0 && ret == 0) {
		fprintf(stderr, "%s: a drain process failed\n", prog);
		ret = -1;
	}
	return ret;
}

/* --- Many small files ------------------------------------------------------ */

/* One operation: open, copy and close every small file. */
struct small {
	struct way way;			/* kind, buffer, pipe; in/out per file */
	size_t files;
};

static uint64_t run_small(void *ctx, uint64_t iters)
{
	struct small *s = ctx;
	struct way *w = &s->way;
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	double start = cpu_ns();

	for (uint64_t i = 0; i < iters && !w->error; i++) {
		for (size_t f = 0; f < s->files && !w->error; f++) {
			small_name(from, sizeof(from), 's', f);
			small_name(to, sizeof(to), 'd', f);
			w->in = open(from, O_RDONLY | O_CLOEXEC);
			w->out = open(to, O_WRONLY | O_CLOEXEC);
			if (w->in < 0 || w->out < 0 || copy_once(w) < 0)
				w->error = errno ? errno : EIO;
			if (w->in >= 0)
				close(w->in);
			if (w->out >= 0)
				close(w->out);
		}
	}
	w->cpu[w->runs++ % RING] = (cpu_ns() - start) / (double)iters;
	return 0;
}

static int make_small_files(size_t files, uint64_t *sum)
{
	char path[PATH_MAX + 16];
	uint64_t s;

	while (small_files < files) {
		size_t i = small_files++;	/* first, so clean-up sees it */

		small_name(path, sizeof(path), 'd', i);
		if (close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
			return -1;
		small_name(path, sizeof(path), 's', i);
		if (bench_write_random_file(path, SMALL, 0, &s) < 0)
			return -1;
		*sum = s;	/* every small file holds the same bytes */
	}
	sync();
	return 0;
}

/* Each way copies one small file correctly before it is timed. */
static int check_small(struct small *s)
{
	struct endpoints e;
	uint64_t sum;
	int ret = -1;

	if (open_source(&e, SMALL, &sum) < 0)
		goto out_close;
	for (int k = READ_WRITE; k <= RANGE; k++) {
		struct way w = s[k].way;

		w.in = e.in;
		w.out = e.out;
		if (check_way(&w, sum) < 0)
			goto out_close;
	}
	ret = 0;
out_close:
	close_source(&e);
	return ret;
}

static int measure_small_files(struct bench_run *run, size_t files,
			       size_t pipe_len)
{
	struct small s[5];
	struct bench_variant v[5];
	struct bench_result r[5];
	char param[48];
	uint64_t sum = 0;

	if (make_small_files(files, &sum) < 0) {
		fprintf(stderr, "%s: cannot write %zu small files in %s: %s\n",
			prog, files, folder, strerror(errno));
		return -1;
	}
	for (int k = READ_WRITE; k <= RANGE; k++) {
		s[k] = (struct small){ .files = files,
			.way = way_for((enum kind)k, TO_FILE, SMALL, -1, -1, NULL,
				       pipe_len) };
		v[k] = variant_of(&s[k].way);
		v[k].ctx = &s[k];
		v[k].run = run_small;
		v[k].bytes_per_op = files * SMALL;
	}
	snprintf(param, sizeof(param), "dest=file;file=%zu", SMALL);
	if (check_small(s) < 0)
		return -1;
	if (bench_measure(run, files * SMALL, param, v, 5, r) < 0)
		return -1;
	for (int k = READ_WRITE; k <= RANGE; k++) {
		if (s[k].way.error) {
			fprintf(stderr, "%s: copying small files with %s failed: "
				"%s\n", prog, kind_names[k], strerror(s[k].way.error));
			return -1;
		}
		if (record_cpu(run, param, &s[k].way, files * SMALL, &r[k]) < 0)
			return -1;
	}
	return 0;
}

/* --- Copy and count the lines: the bytes must be read anyway --------------- */

static uint64_t newlines(const unsigned char *p, size_t n)
{
	uint64_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += p[i] == '\n';
	return count;
}

/* read-write: count in the buffer the copy passes through anyway. */
static int count_by_reading(struct way *w, uint64_t *lines)
{
	ssize_t n;

	*lines = 0;
	while ((n = fileio_read_full(w->in, w->buf, w->buf_len)) > 0) {
		*lines += newlines(w->buf, (size_t)n);
		if (fileio_write_full(w->out, w->buf, (size_t)n) < 0)
			return -1;
	}
	return n < 0 ? -1 : 0;
}

/* mmap-write and sendfile: count in a mapping; write from it, or have the
 * kernel send the file and read the mapping only to count. */
static int count_in_mapping(struct way *w, uint64_t *lines)
{
	struct mappedfile mf;
	int ret;

	if (mappedfile_open(&mf, src_path, MAPPEDFILE_READ, 0) < 0)
		return -1;
	*lines = newlines(mf.data, mf.len);
	if (w->kind == MMAP_WRITE)
		ret = fileio_write_full(w->out, mf.data, mf.len);
	else
		ret = fdcopy_sendfile(w->in, w->out, w->size, &w->count) ==
		      (ssize_t)w->size ? 0 : -1;
	mappedfile_close(&mf);
	return ret;
}

static uint64_t run_counting(void *ctx, uint64_t iters)
{
	struct way *w = ctx;
	uint64_t lines = 0;
	double start = cpu_ns();

	for (uint64_t i = 0; i < iters && !w->error; i++) {
		if (lseek(w->in, 0, SEEK_SET) < 0 || lseek(w->out, 0, SEEK_SET) < 0 ||
		    (w->kind == READ_WRITE ? count_by_reading(w, &lines)
					   : count_in_mapping(w, &lines)) < 0)
			w->error = errno ? errno : EIO;
	}
	w->cpu[w->runs++ % RING] = (cpu_ns() - start) / (double)iters;
	return lines;
}

static int measure_counting(struct bench_run *run, size_t size)
{
	static const enum kind kinds[] = { READ_WRITE, MMAP_WRITE, SENDFILE };
	const char *param = "dest=file;count=lines";
	struct bench_variant v[3];
	struct bench_result r[3];
	struct endpoints e;
	struct way w[3];
	uint64_t sum, got;
	int ret = -1;

	if (open_source(&e, size, &sum) < 0)
		goto out_close;
	for (int i = 0; i < 3; i++) {
		w[i] = way_for(kinds[i], TO_FILE, size, e.in, e.out, NULL, 0);
		v[i] = variant_of(&w[i]);
		v[i].run = run_counting;
		v[i].reads_data = 1;	/* the line counts must agree */
		v[i].faults_expected = kinds[i] != READ_WRITE;	/* they map */
	}
	if (bench_measure(run, size, param, v, 3, r) < 0)
		goto out_close;
	for (int i = 0; i < 3; i++) {
		if (w[i].error) {
			fprintf(stderr, "%s: %s and count failed: %s\n", prog,
				kind_names[w[i].kind], strerror(w[i].error));
			goto out_close;
		}
		if (record_cpu(run, param, &w[i], w[i].size, &r[i]) < 0)
			goto out_close;
	}
	if (sum_of(e.out, size, &got) < 0 || got != sum) {
		fprintf(stderr, "%s: copying while counting delivered other "
			"bytes\n", prog);
		goto out_close;
	}
	ret = 0;
out_close:
	close_source(&e);
	return ret;
}

/* --- MSG_ZEROCOPY over TCP loopback ---------------------------------------- */

/*
 * send() copies the buffer into the kernel; send(MSG_ZEROCOPY) pins its
 * pages instead and later reports, on the socket's error queue, that the
 * buffer may be reused. The report says SO_EE_CODE_ZEROCOPY_COPIED when
 * the kernel had to copy after all, which it always does when the
 * receiver is on the same machine (kernel documentation,
 * networking/msg_zerocopy).
 */
struct sender {
	int zerocopy;
	size_t size;			/* bytes per send */
	unsigned char *buf;
	struct drain *drain;		/* drain->in is our TCP socket */
	uint64_t issued, completed, copied;	/* zerocopy notifications */
	double cpu[RING];
	uint64_t runs;
	int error;
};

/* Two connected TCP sockets on 127.0.0.1: ends[0] accepted, ends[1] ours. */
static int tcp_pair(int ends[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ret = -1;

	ends[0] = ends[1] = -1;
	if (l < 0)
		return -1;
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0)
		goto out_listener;
	ends[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ends[1] < 0 || connect(ends[1], (struct sockaddr *)&a, sizeof(a)) < 0)
		goto out_listener;
	ends[0] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	ret = ends[0] < 0 ? -1 : 0;
out_listener:
	if (ret < 0 && ends[1] >= 0)
		close(ends[1]);
	close(l);
	return ret;
}

/* Read the completions waiting on the error queue; wait for one if
 * `block`. Returns how many were read, or -1. */
static int reap(struct sender *s, int block)
{
	int fd = s->drain->in, got = 0;

	for (;;) {
		char control[128];
		struct msghdr msg = { .msg_control = control,
				      .msg_controllen = sizeof(control) };
		struct timespec nap = { 0, 20000 };
		struct cmsghdr *cm;
		struct sock_extended_err *err;

		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			if (errno != EAGAIN || !block || got > 0)
				return errno == EAGAIN ? got : -1;
			nanosleep(&nap, NULL);	/* not yet: sleep, do not spin */
			continue;
		}
		cm = CMSG_FIRSTHDR(&msg);
		if (!cm)
			continue;
		err = (struct sock_extended_err *)(void *)CMSG_DATA(cm);
		if (err->ee_origin != SO_EE_ORIGIN_ZEROCOPY || err->ee_errno != 0)
			continue;
		s->completed += (uint64_t)(err->ee_data - err->ee_info) + 1;
		if (err->ee_code & SO_EE_CODE_ZEROCOPY_COPIED)
			s->copied += (uint64_t)(err->ee_data - err->ee_info) + 1;
		got++;
	}
}

/* One whole buffer sent, over as many send() calls as it takes. */
static int send_once(struct sender *s, int fd)
{
	size_t done = 0;
	int flags = s->zerocopy ? MSG_ZEROCOPY : 0;

	while (done < s->size) {
		ssize_t n = send(fd, s->buf + done, s->size - done, flags);

		if (n < 0 && errno == ENOBUFS && s->zerocopy) {
			if (reap(s, 1) < 0)	/* too many pinned: wait */
				return -1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t)n;
		s->issued += s->zerocopy;
		if (s->zerocopy && reap(s, 0) < 0)
			return -1;
	}
	return 0;
}

static uint64_t run_sends(void *ctx, uint64_t iters)
{
	struct sender *s = ctx;
	double start = cpu_ns();

	for (uint64_t i = 0; i < iters && !s->error; i++) {
		if (send_once(s, s->drain->in) < 0)
			s->error = errno ? errno : EIO;
		s->drain->sent += s->size;
	}
	while (!s->error && s->completed < s->issued)
		if (reap(s, 1) < 0)
			s->error = errno;
	drain_wait(s->drain);
	s->cpu[s->runs++ % RING] = (cpu_ns() - start) / (double)iters;
	return 0;
}

/* A deliver for sum_what_arrives: the sender ctx's buffer, once, into fd,
 * waiting for every zerocopy completion before fd is closed. */
static int send_checked(void *ctx, int fd)
{
	struct sender once = *(struct sender *)ctx;
	struct drain checker = { .in = fd };
	int ret;

	once.drain = &checker;
	ret = send_once(&once, fd);
	while (ret == 0 && once.completed < once.issued)
		ret = reap(&once, 1) < 0 ? -1 : 0;
	return ret;
}

/* The buffer arrives intact: sent once to a checking reader. */
static int check_sends(struct sender *s)
{
	int ends[2], one = 1;
	uint64_t sum = 0;

	if (tcp_pair(ends) < 0)
		return -1;
	if (setsockopt(ends[1], SOL_SOCKET, SO_ZEROCOPY, &one,
		       sizeof(one)) < 0) {
		close(ends[0]);
		close(ends[1]);
		return -1;
	}
	if (sum_what_arrives(ends, s->size, send_checked, s, &sum) < 0)
		return -1;
	return sum == checksum_bytes(s->buf, s->size) ? 0 : -1;
}

static int measure_zerocopy(struct bench_run *run, size_t size)
{
	struct sender s[2] = { { .zerocopy = 0, .size = size },
			       { .zerocopy = 1, .size = size } };
	struct bench_variant v[2];
	struct bench_result r[2];
	struct drain d[2] = { { 0 }, { 0 } };
	int ret = -1, one = 1;

	for (int i = 0; i < 2; i++) {
		int ends[2];

		s[i].buf = bench_alloc(size);
		if (!s[i].buf || tcp_pair(ends) < 0 || drain_start(&d[i], ends) < 0 ||
		    setsockopt(d[i].in, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) < 0 ||
		    (s[i].drain = &d[i], check_sends(&s[i]) < 0)) {
			fprintf(stderr, "%s: cannot send %zu bytes over TCP "
				"loopback%s: %s\n", prog, size,
				i ? " with MSG_ZEROCOPY" : "", strerror(errno));
			goto out_close;
		}
		v[i] = (struct bench_variant){
			.name = i ? "send-zerocopy" : "send", .run = run_sends,
			.ctx = &s[i], .bytes_per_op = size,
		};
	}
	if (bench_measure(run, size, "dest=tcp", v, 2, r) < 0)
		goto out_close;
	for (int i = 0; i < 2; i++) {
		if (s[i].error) {
			fprintf(stderr, "%s: %s failed: %s\n", prog, v[i].name,
				strerror(s[i].error));
			goto out_close;
		}
		if (record_cpu_of(run, "dest=tcp", s[i].cpu, s[i].runs, size,
				  &r[i]) < 0)
			goto out_close;
	}
	fprintf(stderr, "    send-zerocopy at %zu bytes: %llu of %llu completions "
		"said SO_EE_CODE_ZEROCOPY_COPIED (the kernel copied anyway)\n",
		size, (unsigned long long)s[1].copied,
		(unsigned long long)s[1].completed);
	ret = 0;
out_close:
	for (int i = 0; i < 2; i++) {
		if (d[i].pid > 0 && drain_close(&d[i]) < 0)
			ret = -1;
		bench_free(s[i].buf, size);
	}
	return ret;
}

/* --- main ------------------------------------------------------------------ */

static struct plan plan_for(const struct bench_config *cfg)
{
	struct plan p = {
		.stream_max = (size_t)256 << 20,
		.buffers_at = (size_t)1 << 20,
		.pipes_at = (size_t)256 << 20,
		.default_pipe_rows = 1,
		.pipe_every = 1,
		.files = 10000,
		.lines_at = (size_t)256 << 20,
		.pipe_max = fdcopy_pipe_max(),
	};
	struct plan quick = {	/* adds at most 5 s to make bench QUICK=1 */
		.stream_max = (size_t)64 << 10,
		.buffers_at = SIZE_MAX,
		.pipes_at = (size_t)4 << 20,
		.pipe_every = 2,	/* 4 KiB, 64 KiB, 1 MiB */
		.files = 100,
		.lines_at = (size_t)4 << 20,
		.pipe_max = p.pipe_max,
	};

	if (cfg->quick)
		p = quick;
	if (p.pipe_max == 0)
		p.pipe_max = (size_t)1 << 20;
	return p;
}

/* How many bench_measure calls one size makes (for the progress line). */
static size_t steps_for(size_t size, const struct plan *p)
{
	size_t steps = 1 + 2 * (size <= p->stream_max);

	if (size >= p->buffers_at)
		steps += sizeof(other_buffers) / sizeof(other_buffers[0]);
	if (p->default_pipe_rows && size != p->pipes_at)	/* the sweep has it */
		steps += pipe_rows(p, 0);
	return steps;
}

static const size_t tcp_sizes[] = { 4 << 10, 64 << 10, 1 << 20 };

/* splice to a file through pipes of every size we may have, at one size. */
static int measure_pipe_sweep(struct bench_run *run, const struct plan *p)
{
	struct endpoints e;
	uint64_t sum;
	int ret = -1;

	if (open_source(&e, p->pipes_at, &sum) < 0)
		goto out_close;
	ret = measure_pipes(run, e.in, e.out, p->pipes_at, sum, p, 1);
out_close:
	close_source(&e);
	return ret;
}

/* Source and copy on the disk, both in the page cache (warm). */
static int room_for(const struct bench_config *cfg, const struct plan *p)
{
	if (bench_check_disk(cfg, folder, 2) < 0 || bench_check_memory(cfg, 2) < 0)
		return 0;
	if (p->lines_at > (size_t)1 << 30 ||
	    measure_available_disk(folder) < 2 * p->lines_at + BENCH_SPARE) {
		fprintf(stderr, "%s: no room on the disk for two files of %zu "
			"bytes\n", prog, p->lines_at);
		return 0;
	}
	return 1;
}

/* The size sweep, then the cases beside it: pipe sizes, small files,
 * counting, MSG_ZEROCOPY. 0, or -1 to stop the run. */
static int measure_all(struct bench_run *run, const struct bench_config *cfg,
		       const struct plan *p)
{
	int told = 0;

	if (make_folder() < 0 || !room_for(cfg, p))
		return -1;
	for (size_t i = 0; i < cfg->nsizes; i++)
		if (measure_size(run, cfg->sizes[i], p, &told) < 0)
			return -1;
	if (measure_pipe_sweep(run, p) < 0 ||
	    measure_small_files(run, p->files, p->pipe_max) < 0 ||
	    measure_counting(run, p->lines_at) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(tcp_sizes) / sizeof(tcp_sizes[0]); i++)
		if ((!cfg->quick || tcp_sizes[i] == (64 << 10)) &&
		    measure_zerocopy(run, tcp_sizes[i]) < 0)
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_config cfg;
	struct bench_run *run;
	struct plan p;
	size_t steps;

	bench_parse_args(&cfg, argc, argv, LESSON_ID,
			 "4K,64K,1M,16M,256M,1G", "64K,64M");
	p = plan_for(&cfg);
	steps = 2 + pipe_rows(&p, 1) + (cfg.quick ? 1 : sizeof(tcp_sizes) /
						    sizeof(tcp_sizes[0]));
	for (size_t i = 0; i < cfg.nsizes; i++)
		steps += steps_for(cfg.sizes[i], &p);
	run = bench_open(&cfg, steps);
	return run ? bench_finish(run, measure_all(run, &cfg, &p)) : 1;
}
