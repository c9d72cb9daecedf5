/*
 * 04-mmap.c - sum a whole file with read() or with mmap(), warm and cold.
 *
 * For each file size the program writes one test file of pseudo-random
 * bytes into a fresh folder under the build directory, measures every way
 * of summing it that the size calls for, and deletes it before the next
 * size. The folder and the file are in the harness's clean-up registry,
 * so they are removed on every exit, also after Ctrl-C or kill; a folder
 * left by a run killed with SIGKILL is removed by the next. Each operation is the whole job a program would do: open
 * the file, read all of it, close it.
 *
 * Variants (each sums every byte it reads with checksum_bytes; every sum is
 * checked against the sum computed while the file was written):
 *   read             read(2) through a buffer of param bytes (buf=N)
 *   mmap             map read-only, sum, unmap: pages are mapped on first
 *                    touch, each minor fault mapping one page cache folio
 *   mmap-populate    the same with MAP_POPULATE: every page mapped in mmap
 *   mmap-sequential  the same with madvise(MADV_SEQUENTIAL)
 *   read-random      pread(2) of 4 KiB blocks in a fixed random order
 *   mmap-random      the same blocks, in the same order, in a mapping
 *                    (param block=4096 for both)
 *   read-cold        like read with a 1 MiB buffer, and mmap, but each
 *   mmap-cold        operation first evicts the file from the page cache
 *                    (fsync + POSIX_FADV_DONTNEED); the time includes the
 *                    eviction, which is small next to reading the disk
 *
 * What each size gets, so that the full sweep fits in about 30 s:
 *   - read at every buffer of 4 KiB, 64 KiB, 1 MiB and 16 MiB that is no
 *     larger than the file and no smaller than 1/4096 of it (at most 4096
 *     calls per file: a 1 GiB file gets 1 MiB and 16 MiB);
 *   - mmap, mmap-populate, mmap-sequential at every size;
 *   - the random pair from 64 KiB to 256 MiB; the cold pair up to 64 MiB.
 * --quick sums files of 4 KiB, 256 KiB and 16 MiB only: a small file, a
 * middle one, and the 16 MiB file whose cold read the lesson asks about.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checksum.h"
#include "harness.h"
#include "mappedfile.h"
#include "pagecache.h"
#include "size.h"

#include "lessons/04-mmap/variants.h"

#define BLOCK 4096			/* the random variants' unit */
#define COLD_BUFFER (1u << 20)
#define COLD_MAX ((size_t)64 << 20)
#define RANDOM_MIN ((size_t)64 << 10)
#define RANDOM_MAX ((size_t)256 << 20)

static const size_t read_buffers[] = { 4 << 10, 64 << 10, 1 << 20, 16 << 20 };

/* One test file and what is known about it. */
struct testfile {
	const char *path;
	size_t size;
	uint64_t sum;		/* checksum_bytes of the whole file */
	size_t *order;		/* offsets of the BLOCKs in random order */
	size_t nblocks;
};

/* One variant's context: how it reads. */
struct way {
	const struct testfile *file;
	size_t buf_size;	/* read variants: their buffer */
	unsigned char *buf;
	unsigned hints;		/* mmap variants: mappedfile hints */
	int cold;		/* evict before each operation */
};

/* --- The temporary folder, removed whatever happens ---------------------- */

static char folder[PATH_MAX], file_path[PATH_MAX + 16];

/* build/04-mmap-files.PID.XXXXXX, beside build/bench/ where this program
 * is, and the name of the data file in it. Says in one line if it cannot. */
static int make_folder(void)
{
	if (bench_build_temp_folder(folder, sizeof(folder), "04-mmap-files") < 0) {
		fprintf(stderr, "04-mmap: cannot make a folder for test files: "
			"%s\n", strerror(errno));
		return -1;
	}
	snprintf(file_path, sizeof(file_path), "%s/data", folder);
	return 0;
}

/* --- Checking the machine first ------------------------------------------ */

/* The largest file must fit on the disk and, to be measured warm, in the
 * page cache; refuse before writing anything. */
static int room_for(const struct bench_config *cfg)
{
	return bench_check_disk(cfg, folder, 1) == 0 &&
	       bench_check_memory(cfg, 1) == 0;
}

/* --- The test file ---------------------------------------------------------- */

/* Write the file of size pseudo-random bytes, and know its sum. fsync'd,
 * so that the pages are clean (no write-back during the measurements). */
static int write_test_file(struct testfile *f)
{
	return bench_write_random_file(f->path, f->size, 1, &f->sum);
}

/* The blocks of the file in a fixed random order (Fisher-Yates). */
static int shuffle_blocks(struct testfile *f)
{
	uint64_t state = 0x2545f4914f6cdd1du;

	f->nblocks = (f->size + BLOCK - 1) / BLOCK;
	f->order = malloc(f->nblocks * sizeof(*f->order));
	if (!f->order)
		return -1;
	for (size_t i = 0; i < f->nblocks; i++)
		f->order[i] = i * BLOCK;
	for (size_t i = f->nblocks; i-- > 1;) {	/* no wrap when nblocks is 0 */
		size_t j = bench_next_random(&state) % (i + 1), t = f->order[i];

		f->order[i] = f->order[j];
		f->order[j] = t;
	}
	return 0;
}

/* --- The variants ------------------------------------------------------------ */

/* A read or a mapping that failed: the harness stops and says why (a
 * short read, with no errno, is EIO there). */
static uint64_t failed(void)
{
	bench_variant_failed(errno);
	return 0;
}

/* One whole-file sum each way (lessons/04-mmap/variants.h). */
static uint64_t read_once(struct way *w)
{
	uint64_t sum;

	if (sum_file_by_read(w->file->path, w->buf, w->buf_size, w->cold,
			     &sum) < 0)
		return failed();
	return sum;
}

static uint64_t map_once(struct way *w)
{
	uint64_t sum;

	if (sum_file_by_mmap(w->file->path, w->hints, w->cold, &sum) < 0)
		return failed();
	return sum;
}

static size_t block_len(const struct testfile *f, size_t off)
{
	return f->size - off < BLOCK ? f->size - off : BLOCK;
}

static uint64_t read_random_once(struct way *w)
{
	const struct testfile *f = w->file;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	uint64_t sum = 0;

	if (fd < 0)
		return failed();
	for (size_t i = 0; i < f->nblocks; i++) {
		size_t off = f->order[i], len = block_len(f, off);

		if (pread(fd, w->buf, len, (off_t)off) != (ssize_t)len) {
			close(fd);
			return failed();
		}
		sum += checksum_bytes(w->buf, len);
	}
	close(fd);
	return sum;
}

static uint64_t map_random_once(struct way *w)
{
	const struct testfile *f = w->file;
	struct mappedfile mf;
	uint64_t sum = 0;

	if (mappedfile_open(&mf, f->path, MAPPEDFILE_READ, w->hints) < 0)
		return failed();
	for (size_t i = 0; i < f->nblocks; i++)
		sum += checksum_bytes(mf.data + f->order[i],
				      block_len(f, f->order[i]));
	mappedfile_close(&mf);
	return sum;
}

#define RUNNER(name, once)						\
	static uint64_t name(void *ctx, uint64_t iters)			\
	{								\
		uint64_t sum = 0;					\
		for (uint64_t i = 0; i < iters; i++)			\
			sum = once(ctx);				\
		return sum;						\
	}
RUNNER(run_read, read_once)
RUNNER(run_map, map_once)
RUNNER(run_read_random, read_random_once)
RUNNER(run_map_random, map_random_once)

/* The read buffer is the photocopy's extra paper: the harness counts it. */
static int setup_buffer(void *ctx)
{
	struct way *w = ctx;

	w->buf = bench_alloc(w->buf_size);
	return w->buf ? 0 : -1;
}

static void free_buffer(void *ctx)
{
	struct way *w = ctx;

	bench_free(w->buf, w->buf_size);
	w->buf = NULL;
}

static struct bench_variant reading(const char *name, struct way *w,
				    uint64_t (*run)(void *, uint64_t))
{
	return (struct bench_variant){
		.name = name, .run = run, .setup = setup_buffer,
		.teardown = free_buffer, .ctx = w, .reads_data = 1,
		.bytes_per_op = w->file->size,
	};
}

static struct bench_variant mapping(const char *name, struct way *w,
				    uint64_t (*run)(void *, uint64_t))
{
	return (struct bench_variant){
		.name = name, .run = run, .ctx = w, .reads_data = 1,
		.bytes_per_op = w->file->size, .faults_expected = 1,
	};
}

/* --- Measuring one size ------------------------------------------------------ */

/* Measure v[0..n), then insist that each got the file's own sum. */
static int measure(struct bench_run *run, const struct testfile *f,
		   const char *param, struct bench_variant *v, size_t n)
{
	struct bench_result r[BENCH_MAX_VARIANTS];

	if (bench_measure(run, f->size, param, v, n, r) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (r[i].checksum != f->sum) {
			fprintf(stderr, "04-mmap: %s summed %#llx, the file "
				"holds %#llx\n", v[i].name,
				(unsigned long long)r[i].checksum,
				(unsigned long long)f->sum);
			return -1;
		}
	}
	return 0;
}

static int buffer_suits(size_t buf, size_t size)
{
	return buf <= (size < 4096 ? 4096 : size) && buf >= size / 4096;
}

static int has_random(size_t size)
{
	return size >= RANDOM_MIN && size <= RANDOM_MAX;
}

static int has_cold(size_t size)
{
	return size <= COLD_MAX;
}

static size_t steps_for(size_t size)
{
	size_t steps = 1 + has_random(size) + has_cold(size);

	for (size_t i = 0; i < sizeof(read_buffers) / sizeof(read_buffers[0]); i++)
		steps += buffer_suits(read_buffers[i], size);
	return steps;
}

static int measure_reads(struct bench_run *run, const struct testfile *f)
{
	char param[32];

	for (size_t i = 0; i < sizeof(read_buffers) / sizeof(read_buffers[0]); i++) {
		struct way w = { .file = f, .buf_size = read_buffers[i] };
		struct bench_variant v = reading("read", &w, run_read);

		if (!buffer_suits(read_buffers[i], f->size))
			continue;
		snprintf(param, sizeof(param), "buf=%zu", read_buffers[i]);
		if (measure(run, f, param, &v, 1) < 0)
			return -1;
	}
	return 0;
}

static int measure_mappings(struct bench_run *run, const struct testfile *f)
{
	struct way lazy = { .file = f },
		   eager = { .file = f, .hints = MAPPEDFILE_POPULATE },
		   ahead = { .file = f, .hints = MAPPEDFILE_SEQUENTIAL };
	struct bench_variant v[] = {
		mapping("mmap", &lazy, run_map),
		mapping("mmap-populate", &eager, run_map),
		mapping("mmap-sequential", &ahead, run_map),
	};

	return measure(run, f, "", v, 3);
}

static int measure_random(struct bench_run *run, const struct testfile *f)
{
	struct way r = { .file = f, .buf_size = BLOCK }, m = { .file = f };
	struct bench_variant v[] = {
		reading("read-random", &r, run_read_random),
		mapping("mmap-random", &m, run_map_random),
	};

	return measure(run, f, "block=4096", v, 2);
}

static int measure_cold(struct bench_run *run, const struct testfile *f)
{
	struct way r = { .file = f, .buf_size = COLD_BUFFER, .cold = 1 },
		   m = { .file = f, .cold = 1 };
	struct bench_variant v[] = {
		reading("read-cold", &r, run_read),
		mapping("mmap-cold", &m, run_map),
	};

	return measure(run, f, "", v, 2);
}

/* Can this folder's file system forget a file? tmpfs cannot. */
static int evictable(const char *path)
{
	size_t resident, pages;

	return pagecache_evict(path) == 0 &&
	       pagecache_resident(path, &resident, &pages) == 0 &&
	       resident == 0;
}

static int measure_size(struct bench_run *run, struct testfile *f,
			int *cold_ok)
{
	int ret = -1, file_id = bench_cleanup_file(f->path);

	if (file_id < 0 || write_test_file(f) < 0 ||
	    shuffle_blocks(f) < 0) {
		fprintf(stderr, "04-mmap: cannot write %s: %s\n", f->path,
			strerror(errno));
		goto out_remove;
	}
	if (has_cold(f->size) && *cold_ok && !evictable(f->path)) {
		fprintf(stderr, "04-mmap: the page cache keeps %s whatever we "
			"ask (tmpfs?): no cold variants\n", folder);
		*cold_ok = 0;
	}
	if (measure_reads(run, f) < 0 || measure_mappings(run, f) < 0 ||
	    (has_random(f->size) && measure_random(run, f) < 0) ||
	    (has_cold(f->size) && *cold_ok && measure_cold(run, f) < 0))
		goto out_remove;
	ret = 0;
out_remove:
	free(f->order);
	f->order = NULL;
	if (file_id >= 0)
		bench_cleanup_now(file_id);
	else
		unlink(f->path);
	return ret;
}

/* Every size, each in a test file of its own. 0, or -1 to stop the run. */
static int measure_all(struct bench_run *run, const struct bench_config *cfg)
{
	int cold_ok = 1;

	if (make_folder() < 0 || !room_for(cfg))
		return -1;
	for (size_t i = 0; i < cfg->nsizes; i++) {
		struct testfile f = { .path = file_path, .size = cfg->sizes[i] };

		if (measure_size(run, &f, &cold_ok) < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_config cfg;
	struct bench_run *run;
	size_t steps = 0;

	bench_parse_args(&cfg, argc, argv, LESSON_ID,
			 "4K,16K,64K,256K,512K,1M,2M,4M,16M,64M,256M,1G",
			 "4K,256K,16M");
	for (size_t i = 0; i < cfg.nsizes; i++)
		steps += steps_for(cfg.sizes[i]);
	run = bench_open(&cfg, steps);
	return run ? bench_finish(run, measure_all(run, &cfg)) : 1;
}
