/*
 * harness.c - calibrated, interleaved, checked timing (see harness.h).
 *
 * Layout: command-line parsing; the registry of what to undo on exit and
 * on signals; the CSV file and its safe replacement; resource limits;
 * buffers; the pseudo-random test files of lessons 04 and 06; then
 * bench_measure, which is built from four steps that mirror the method: set
 * up (and measure the memory), calibrate (src/benchstats.h's rule), take
 * interleaved samples, then check, summarise (src/benchstats.h) and write.
 */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "checksum.h"
#include "fileio.h"
#include "measure.h"
#include "program.h"
#include "size.h"

struct bench_run {
	const struct bench_config *cfg;
	FILE *csv;
	char target[PATH_MAX];	/* the file a temporary CSV replaces, or "" */
	char temp[PATH_MAX + 32];
	int temp_id;		/* its clean-up entry, or -1 */
	size_t steps, done;
	uint64_t start_ns;
};

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

	program_start(bench);
	*cfg = (struct bench_config){ .bench = bench, .prog = argv[0],
				      .csv_path = "-",
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

void bench_refuse_sizes_below(const struct bench_config *cfg, size_t least,
			      const char *why)
{
	for (size_t i = 0; i < cfg->nsizes; i++) {
		if (cfg->sizes[i] >= least)
			continue;
		fprintf(stderr, "%s: size %zu is too small: %s needs at least "
			"%zu\n", cfg->prog, cfg->sizes[i], why, least);
		usage(cfg->prog, 2);
	}
}

/* --- Undoing on exit and on signals ---------------------------------------- */

/*
 * The registry is a stack: entries are added on top, so running it from the
 * top down undoes the newest first. A forgotten entry leaves a hole (undo
 * NULL) until the entries above it are gone too. The main program changes
 * it only with the signals blocked, so the handler never sees half an entry.
 */
struct cleanup {
	void (*undo)(const struct cleanup *c);	/* NULL: nothing to undo */
	void (*call)(void *arg);	/* bench_cleanup_add's undo, and */
	void *arg;			/* its argument */
	char path[PATH_MAX + 32];	/* bench_cleanup_file and _folder */
	pid_t pid;			/* bench_cleanup_child */
	pid_t owner;			/* the process that registered it */
};

static struct cleanup cleanups[BENCH_MAX_CLEANUPS];
static size_t ncleanups;
static pid_t catching;		/* the process whose handlers are installed */

static const int ending_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2,
	SIGXCPU, SIGVTALRM, SIGPROF,
};
#define NENDING (sizeof(ending_signals) / sizeof(ending_signals[0]))

static void ending_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < NENDING; i++)
		sigaddset(set, ending_signals[i]);
}

/* Undo everything this process registered, newest first (also from a
 * signal handler). A child made by fork skips what its parent registered. */
static void run_cleanups(void)
{
	pid_t self = getpid();

	while (ncleanups > 0) {
		struct cleanup *c = &cleanups[--ncleanups];

		if (c->undo && c->owner == self)
			c->undo(c);
		c->undo = NULL;
	}
}

static void undo_and_resignal(int sig)
{
	sigset_t set;

	run_cleanups();
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}

/* Once: the handlers (except where the signal was ignored) and atexit. */
static void catch_ending_signals(void)
{
	struct sigaction sa = { .sa_handler = undo_and_resignal }, old;

	if (catching == getpid())
		return;
	catching = getpid();
	ending_set(&sa.sa_mask);
	for (size_t i = 0; i < NENDING; i++) {
		if (sigaction(ending_signals[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(ending_signals[i], &sa, NULL);
	}
	atexit(run_cleanups);
}

/* Push a copy of entry, with the signals held back. */
static int push_cleanup(const struct cleanup *entry)
{
	sigset_t set, old;
	int id = -1;

	catch_ending_signals();
	ending_set(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (ncleanups < BENCH_MAX_CLEANUPS) {
		id = (int)ncleanups;
		cleanups[ncleanups] = *entry;
		cleanups[ncleanups++].owner = getpid();
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (id < 0)
		errno = ENOSPC;
	return id;
}

static void undo_call(const struct cleanup *c)
{
	c->call(c->arg);
}

static void undo_file(const struct cleanup *c)
{
	unlink(c->path);
}

static void undo_folder(const struct cleanup *c)
{
	rmdir(c->path);
}

static void undo_child(const struct cleanup *c)
{
	if (kill(c->pid, SIGKILL) == 0)
		waitpid(c->pid, NULL, 0);
}

/* An entry that undoes path with undo. */
static int push_path(void (*undo)(const struct cleanup *), const char *path)
{
	struct cleanup c = { .undo = undo };

	if (strlen(path) >= sizeof(c.path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(c.path, path);
	return push_cleanup(&c);
}

int bench_cleanup_add(void (*undo)(void *arg), void *arg)
{
	REQUIRE(undo != NULL);
	return push_cleanup(&(struct cleanup){ .undo = undo_call, .call = undo,
					       .arg = arg });
}

int bench_cleanup_file(const char *path)
{
	return push_path(undo_file, path);
}

int bench_cleanup_folder(const char *path)
{
	return push_path(undo_folder, path);
}

int bench_cleanup_child(pid_t pid)
{
	return push_cleanup(&(struct cleanup){ .undo = undo_child, .pid = pid });
}

/* Clear entry id (running it first if run_it), and pop the holes on top. */
static void pop_cleanup(int id, int run_it)
{
	sigset_t set, old;

	if (id < 0)
		return;
	REQUIRE((size_t)id < ncleanups && cleanups[id].undo);
	ending_set(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	if (run_it)
		cleanups[id].undo(&cleanups[id]);
	cleanups[id].undo = NULL;
	while (ncleanups > 0 && !cleanups[ncleanups - 1].undo)
		ncleanups--;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void bench_cleanup_forget(int id)
{
	pop_cleanup(id, 0);
}

void bench_cleanup_now(int id)
{
	pop_cleanup(id, 1);
}

/* --- What runs that no longer exist left behind ------------------------------ */

/*
 * Is name prefix, then a process id, then the end or a '.', and is that
 * process gone? (kill with signal 0 asks without sending anything; EPERM
 * means it exists, as another user's.)
 */
static int left_by_a_dead_run(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long pid;

	if (strncmp(name, prefix, n) != 0 || name[n] < '0' || name[n] > '9')
		return 0;
	errno = 0;
	pid = strtol(name + n, &end, 10);
	if (errno || pid <= 0 || pid > INT_MAX || (*end && *end != '.'))
		return 0;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* Remove the plain files in folder dir/name, then the folder. */
static void remove_folder(int dir, const char *name)
{
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				      O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (e->d_type == DT_REG)
			unlinkat(fd, e->d_name, 0);
	closedir(d);
	unlinkat(dir, name, AT_REMOVEDIR);
}

/* Remove what dead runs left in folder path: files or (folders) folders
 * named prefix + process id [+ "." + anything]. */
static void sweep(const char *path, const char *prefix, int folders)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!left_by_a_dead_run(e->d_name, prefix))
			continue;
		if (folders && e->d_type == DT_DIR)
			remove_folder(dirfd(d), e->d_name);
		else if (!folders && e->d_type == DT_REG)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
}

int bench_temp_folder(char *path, size_t len, const char *parent,
		      const char *prefix)
{
	char dead[256];
	int n = snprintf(dead, sizeof(dead), "%s.", prefix);

	if (n < 0 || (size_t)n >= sizeof(dead) ||
	    snprintf(path, len, "%s/%s.%ld.XXXXXX", parent, prefix,
		     (long)getpid()) >= (int)len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	sweep(parent, dead, 1);
	if (!mkdtemp(path))
		return -1;
	if (bench_cleanup_folder(path) < 0) {
		rmdir(path);
		return -1;
	}
	return 0;
}

int bench_build_temp_folder(char *path, size_t len, const char *prefix)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n < 0)
		return -1;
	exe[n] = '\0';
	for (int i = 0; i < 2 && (slash = strrchr(exe, '/')); i++)
		*slash = '\0';	/* build/bench/NN-name -> build */
	return bench_temp_folder(path, len, exe, prefix);
}

/* --- The CSV: replaced as a whole, or written straight to a stream ---------- */

/* Split path into its folder (".", when it has none) and its name. */
static void split_path(const char *path, char *dir, size_t len,
		       const char **name)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, len, ".");
		*name = path;
	} else {
		snprintf(dir, len, "%.*s", slash == path ? 1 : (int)(slash - path),
			 path);
		*name = slash + 1;
	}
}

/*
 * A temporary file beside target, which it will replace: target.tmp.PID,
 * created (never opened if it exists), with the mode of the file it
 * replaces (mode 0: a new file, the umask decides). Temporary CSVs of runs
 * that were killed are removed first.
 */
static FILE *open_temp(struct bench_run *run, mode_t mode)
{
	char dir[PATH_MAX], prefix[PATH_MAX + 8];
	const char *name;
	FILE *f;
	int fd, err;

	split_path(run->target, dir, sizeof(dir), &name);
	snprintf(prefix, sizeof(prefix), "%s.tmp.", name);
	sweep(dir, prefix, 0);
	if (snprintf(run->temp, sizeof(run->temp), "%s.tmp.%ld", run->target,
		     (long)getpid()) >= (int)sizeof(run->temp)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	fd = open(run->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return NULL;
	run->temp_id = bench_cleanup_file(run->temp);	/* at once */
	if (run->temp_id < 0 || (mode && fchmod(fd, mode) < 0) ||
	    !(f = fdopen(fd, "w")))
		goto out_remove;
	return f;
out_remove:
	err = errno;
	close(fd);
	if (run->temp_id >= 0)
		bench_cleanup_now(run->temp_id);
	else
		unlink(run->temp);
	run->temp_id = -1;
	errno = err;
	return NULL;
}

/*
 * A device or a FIFO, written in place: opened without waiting (a FIFO
 * without a reader fails with ENXIO instead of hanging), then made
 * blocking again for the writes.
 */
static FILE *open_stream(const char *path)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 ||
	    !(f = fdopen(fd, "w"))) {
		close(fd);
		return NULL;
	}
	return f;
}

/* Why a path that exists cannot take a CSV, or NULL if it can. */
static const char *unusable(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return "it is a folder";
	if (S_ISBLK(st->st_mode))
		return "it is a block device: a CSV is never written onto one";
	if (!S_ISREG(st->st_mode) && !S_ISCHR(st->st_mode) &&
	    !S_ISFIFO(st->st_mode))
		return "it is neither a file, a character device nor a FIFO";
	return NULL;
}

/* Open where cfg->csv_path says (see harness.h); NULL with *why set. */
/*
 * Is st the file standard output already writes to (--csv /dev/stdout, or
 * a link to /proc/self/fd/1, with the shell's > behind it)? Renaming a new
 * file onto it would throw away what the caller's redirect had collected.
 */
static int is_standard_output(const struct stat *st)
{
	struct stat out;

	return S_ISREG(st->st_mode) && fstat(STDOUT_FILENO, &out) == 0 &&
	       out.st_dev == st->st_dev && out.st_ino == st->st_ino;
}

static FILE *open_csv(struct bench_run *run, const char **why)
{
	const char *path = run->cfg->csv_path;
	struct stat st;
	FILE *f = NULL;

	if (strcmp(path, "-") == 0)
		return stdout;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT && lstat(path, &st) == 0) {
			*why = "it is a symbolic link to nothing";
			return NULL;
		}
		if (errno == ENOENT &&
		    (size_t)snprintf(run->target, sizeof(run->target), "%s",
				     path) < sizeof(run->target))
			f = open_temp(run, 0);
	} else if ((*why = unusable(&st))) {
		return NULL;
	} else if (is_standard_output(&st)) {
		return stdout;	/* /dev/stdout and its kin: keep its offset */
	} else if (!S_ISREG(st.st_mode)) {
		f = open_stream(path);
		if (!f && errno == ENXIO)
			*why = "it is a FIFO that no process reads";
	} else if (realpath(path, run->target)) {
		f = open_temp(run, st.st_mode & 07777);
	}
	if (!f && !*why)
		*why = strerror(errno);
	return f;
}

struct bench_run *bench_open(const struct bench_config *cfg, size_t steps)
{
	struct bench_run *run = calloc(1, sizeof(*run));
	const char *why = NULL;

	if (!run) {
		fprintf(stderr, "%s: out of memory\n", cfg->bench);
		return NULL;
	}
	*run = (struct bench_run){ .cfg = cfg, .steps = steps, .temp_id = -1,
				   .start_ns = measure_now_ns() };
	run->csv = open_csv(run, &why);
	if (!run->csv) {
		fprintf(stderr, "%s: cannot write %s: %s\n", cfg->bench,
			cfg->csv_path, why);
		free(run);
		return NULL;
	}
	fputs(BENCH_CSV_HEADER "\n", run->csv);
	return run;
}

/*
 * Did everything written so far reach the file? A write error sticks in
 * ferror; fflush reports it (and errno says why) when data is pending.
 * Standard output is the exception: program.h's exit handler reports it,
 * once, so here it only fails.
 */
static int csv_written(struct bench_run *run)
{
	int err;

	errno = 0;
	if (fflush(run->csv) == 0 && !ferror(run->csv))
		return 0;
	err = errno;
	if (run->csv == stdout)
		program_note_stdout_error(err);
	else
		fprintf(stderr, "%s: cannot write %s: %s\n", run->cfg->bench,
			run->cfg->csv_path, err ? strerror(err) : "write error");
	return -1;
}

int bench_close(struct bench_run *run)
{
	int failed = csv_written(run) < 0;

	if (run->csv != stdout && fclose(run->csv) != 0 && !failed) {
		fprintf(stderr, "%s: cannot write %s: %s\n", run->cfg->bench,
			run->cfg->csv_path, strerror(errno));
		failed = 1;
	}
	if (run->temp_id >= 0 && !failed &&
	    rename(run->temp, run->target) < 0) {
		fprintf(stderr, "%s: cannot replace %s: %s\n", run->cfg->bench,
			run->target, strerror(errno));
		failed = 1;
	}
	if (failed)
		bench_cleanup_now(run->temp_id);
	else
		bench_cleanup_forget(run->temp_id);
	free(run);
	return failed ? -1 : 0;
}

void bench_abandon(struct bench_run *run)
{
	if (run->csv != stdout)
		fclose(run->csv);
	bench_cleanup_now(run->temp_id);
	free(run);
}

int bench_finish(struct bench_run *run, int status)
{
	if (status == 0)
		return bench_close(run) < 0;
	bench_abandon(run);
	return 1;
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

/* --- Test files ------------------------------------------------------------ */

#define RANDOM_CHUNK ((size_t)1 << 20)	/* a file is written a MiB at a time */

uint64_t bench_next_random(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* The next n bytes of the sequence into p, a word at a time. */
static void fill_random(unsigned char *p, size_t n, uint64_t *state)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = bench_next_random(state);

		memcpy(p + i, &w, n - i < 8 ? n - i : 8);
	}
}

/* Every piece but the last is a whole number of 8-byte words, so the sums
 * of the pieces add up to the sum of the file (checksum.h). */
int bench_write_random_file(const char *path, size_t size, int sync,
			    uint64_t *sum)
{
	uint64_t state = 0x9e3779b97f4a7c15u ^ size;
	size_t chunk_len = size < RANDOM_CHUNK ? size : RANDOM_CHUNK;
	unsigned char *chunk = malloc(chunk_len > 0 ? chunk_len : 1);
	int fd, err;

	if (!chunk)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out_free;
	*sum = 0;
	for (size_t done = 0; done < size; done += RANDOM_CHUNK) {
		size_t n = size - done < RANDOM_CHUNK ? size - done : RANDOM_CHUNK;

		fill_random(chunk, n, &state);
		*sum += checksum_bytes(chunk, n);
		if (fileio_write_full(fd, chunk, n) < 0)
			goto out_close;
	}
	if (sync && fsync(fd) < 0)
		goto out_close;
	free(chunk);
	return close(fd);
out_close:
	err = errno;	/* the write's or fsync's, not close's */
	close(fd);
	errno = err;
out_free:
	err = errno;
	free(chunk);
	errno = err;
	return -1;
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

/* The first failure a variant reported (bench_variant_failed), and who. */
static int variant_error;
static const struct bench_variant *failed_variant;

void bench_variant_failed(int err)
{
	if (!variant_error)
		variant_error = err ? err : EIO;
}

static uint64_t time_batch(struct bench_variant *v, uint64_t iters,
			   uint64_t *checksum)
{
	uint64_t start = measure_now_ns(), ns;

	*checksum = v->run(v->ctx, iters);
	ns = measure_now_ns() - start;
	if (variant_error && !failed_variant)
		failed_variant = v;
	return ns;
}

/* Did a variant fail? Then say which, once, and start afresh. */
static int a_variant_failed(const struct bench_config *cfg, size_t size)
{
	if (!variant_error)
		return 0;
	fprintf(stderr, "%s: %s at %zu bytes failed: %s\n", cfg->bench,
		failed_variant ? failed_variant->name : "a variant", size,
		strerror(variant_error));
	variant_error = 0;
	failed_variant = NULL;
	return 1;
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
 * needs, its "extra paper". The first run is included so that memory
 * touched lazily counts. A counter that cannot be read fails the
 * measurement: it is never taken for "no extra memory".
 */
static int setup_one(const struct bench_config *cfg, size_t size,
		     struct bench_variant *v, size_t *extra)
{
	size_t before, after;
	int err;

	if (measure_anonymous_bytes(&before) < 0)
		goto out_counters;
	if (v->setup && v->setup(v->ctx) < 0) {
		fprintf(stderr, "%s: cannot set up %s at %zu bytes: %s\n",
			cfg->bench, v->name, size, strerror(errno));
		return -1;
	}
	v->run(v->ctx, 1);
	if (variant_error && !failed_variant)
		failed_variant = v;
	if (measure_anonymous_bytes(&after) < 0)
		goto out_teardown;
	*extra = after > before ? after - before : 0;
	if (v->peer_extra_bytes)
		*extra += v->peer_extra_bytes(v->ctx);
	return 0;
out_teardown:
	err = errno;
	if (v->teardown)
		v->teardown(v->ctx);
	errno = err;
out_counters:
	fprintf(stderr, "%s: cannot read the memory counters for %s at %zu "
		"bytes: %s\n", cfg->bench, v->name, size, strerror(errno));
	return -1;
}

static int setup_variants(const struct bench_config *cfg, size_t size,
			  struct bench_variant *v, size_t n, struct tally *t)
{
	for (size_t i = 0; i < n; i++) {
		if (setup_one(cfg, size, &v[i], &t[i].extra_bytes) < 0) {
			teardown_variants(v, i);
			return -1;
		}
	}
	return 0;
}

/*
 * Find how many operations make a batch last at least min_ns, by the rule
 * of bench_next_iters (src/benchstats.h).
 */
static uint64_t calibrate(struct bench_variant *v, uint64_t min_ns)
{
	uint64_t iters = 1, checksum;

	for (;;) {
		uint64_t ns = time_batch(v, iters, &checksum);
		uint64_t next = bench_next_iters(iters, ns, min_ns);

		if (next == iters || variant_error)
			return iters;
		iters = next;
	}
}

/* One warm-up batch each, then the timed batches, interleaved. */
static void sample_variants(struct bench_variant *v, size_t n,
			    struct tally *t, int samples)
{
	for (size_t i = 0; i < n; i++)
		time_batch(&v[i], t[i].iters, &t[i].checksum);
	for (int s = 0; s < samples && !variant_error; s++) {
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
	char sz[32], t[32];

	fprintf(stderr, "  %s %3zu/%-3zu %9s %s%s ", run->cfg->bench,
		run->done, run->steps, size_format(size, sz, sizeof(sz)),
		param[0] ? param : "", param[0] ? " " : "");
	for (size_t i = 0; i < n; i++) {
		bench_format_ns(r[i].median_ns, t, sizeof(t));
		fprintf(stderr, " %s %s", r[i].variant, t);
	}
	/* No time left: the steps grow with the sizes (a 1 GiB fill costs more
	 * than a 64 B one), so an average of those done says too little;
	 * bench/run estimates it from the last run of each program. */
	fprintf(stderr, "   (%.0f s)\n", (double)elapsed / 1e9);
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
	variant_error = 0;
	failed_variant = NULL;
	if (setup_variants(cfg, size, v, n, t) < 0) {
		a_variant_failed(cfg, size);
		return -1;
	}
	for (size_t i = 0; i < n && !variant_error; i++)
		t[i].iters = calibrate(&v[i], cfg->min_batch_ns);
	if (!variant_error)
		sample_variants(v, n, t, samples);
	teardown_variants(v, n);
	if (a_variant_failed(cfg, size) || !checksums_agree(cfg, size, v, n, t))
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
	if (csv_written(run) < 0)
		return -1;
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
