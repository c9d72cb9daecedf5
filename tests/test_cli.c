/*
 * test_cli.c - every program of the workbench, given bad input.
 *
 * The programs are found by walking the build folder, so a new lesson or
 * benchmark is covered without an edit here:
 *
 *   BUILD_DIR/bench/NN-name            benchmark programs (harness options)
 *   BUILD_DIR/bench/tools/NAME         helper programs; those whose usage
 *                                      line names a FILE also get bad files
 *   BUILD_DIR/lessons/NN-name/NN-name  lesson demos (--trap, --help)
 *
 * A benchmark whose source (bench/NN-name.c or .py) has no program there
 * is a failure, not a program fewer to try.
 *
 * Each is run in a child process with a time limit, its output captured,
 * and held to the workbench's promise: bad arguments get a usage line and
 * exit status 2, a failure at run time one line and exit status 1, never a
 * signal, never a hang, and nothing left behind: every run gets a TMPDIR of
 * its own, which must be empty when the program ends. An interrupted
 * benchmark must remove its half-written CSV. Which lessons have a trap
 * AddressSanitizer must catch, each program says itself (--trap-kind).
 *
 * Most tests are one program's part: a function of the program's path,
 * which every_program runs on each program of one kind (a struct check).
 * main's list says which kind, and how many bad inputs the check gives
 * each program, for the counts printed at the end.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#ifndef BUILD_DIR
#define BUILD_DIR "build"
#endif

#define MAX_PROGRAMS 64
#define TIME_LIMIT_S 60
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Bad-input cases run per program of each kind, for the closing summary. */
static size_t cases_per_benchmark, cases_per_lesson, cases_per_tool;

/* --- Scratch folders ------------------------------------------------------ */

/* A new empty folder /tmp/test_cli.XXXXXX, its name in path[64]. */
static void scratch_make(char path[64])
{
	snprintf(path, 64, "/tmp/test_cli.XXXXXX");
	assert_non_null(mkdtemp(path));
}

/* The names in dir, space-separated into list (empty when there are none). */
static size_t scratch_list(const char *dir, char *list, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	list[0] = '\0';
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		strncat(list, e->d_name, len - strlen(list) - 1);
		strncat(list, " ", len - strlen(list) - 1);
	}
	closedir(d);
	return n;
}

/* Remove dir and the plain files in it. */
static void scratch_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    unlink(path) < 0)
			rmdir(path);
	}
	closedir(d);
	rmdir(dir);
}

struct outcome {
	int exited;		/* 1: exited normally, with status */
	int status;
	int signal;		/* the signal that ended it, or 0 */
	char err[8192];		/* what it wrote to stderr (the start of it) */
};

/*
 * How a hostile caller starts a program: stdout into a file (or closed),
 * stderr closed (then nothing of it is captured), a resource limit.
 */
struct streams {
	const char *out;	/* stdout's file; NULL: /dev/null */
	int close_out;		/* start with descriptor 1 closed */
	int close_err;		/* start with descriptor 2 closed */
	int own_group;		/* a process group of its own (for Ctrl-C) */
	int limit;		/* set the limit below */
	int resource;		/* RLIMIT_NOFILE, RLIMIT_FSIZE, ... */
	rlim_t value;
};

/* In the child: the streams and the limit s asks for. */
static void arrange(const struct streams *s, int errfd)
{
	int devnull = open("/dev/null", O_RDWR);
	int out = s->out ? open(s->out, O_WRONLY | O_CREAT | O_TRUNC, 0644)
			 : devnull;
	struct rlimit lim = { s->value, s->value };

	dup2(devnull, STDIN_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(errfd, STDERR_FILENO);
	if (s->close_out)
		close(STDOUT_FILENO);
	if (s->close_err)
		close(STDERR_FILENO);
	for (int fd = 3; fd < 64; fd++)
		close(fd);	/* RLIMIT_NOFILE counts from here */
	if (s->limit)
		setrlimit(s->resource, &lim);
	if (s->own_group)
		setpgid(0, 0);
}

/*
 * Start argv with stdin from /dev/null, stdout and stderr as s says
 * (stderr into a pipe), PAUSE=0 and TMPDIR=tmpdir. Returns the child;
 * *errfd is the pipe.
 */
static pid_t start_with(char *const argv[], const char *tmpdir, int *errfd,
			const struct streams *s)
{
	int pipefd[2];
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		setenv("PAUSE", "0", 1);
		setenv("TMPDIR", tmpdir, 1);
		arrange(s, pipefd[1]);
		alarm(TIME_LIMIT_S);	/* a hang ends in SIGALRM: a failure */
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	*errfd = pipefd[0];
	return pid;
}

/* Start argv with stdout discarded and stderr into a pipe. */
static pid_t start(char *const argv[], const char *tmpdir, int *errfd)
{
	static const struct streams plain = { 0 };

	return start_with(argv, tmpdir, errfd, &plain);
}

/* Collect what the child wrote on stderr and how it ended. */
static void finish(pid_t pid, int errfd, struct outcome *out)
{
	char rest[4096];
	size_t len = 0;
	ssize_t got;
	int wstatus;

	while ((got = read(errfd, out->err + len,
			   sizeof(out->err) - 1 - len)) > 0)
		len += (size_t)got;
	out->err[len] = '\0';
	while (read(errfd, rest, sizeof(rest)) > 0)
		;	/* what does not fit is drained, not kept */
	close(errfd);
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	out->exited = WIFEXITED(wstatus);
	out->status = out->exited ? WEXITSTATUS(wstatus) : -1;
	out->signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
}

/* Run argv to its end (see start_with); its TMPDIR must be empty after. */
static void run_with(char *const argv[], const struct streams *s,
		     struct outcome *out)
{
	char tmpdir[64], left[512];
	int errfd;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	scratch_make(tmpdir);
	pid = start_with(argv, tmpdir, &errfd, s);
	finish(pid, errfd, out);
	if (scratch_list(tmpdir, left, sizeof(left)) > 0) {
		scratch_remove(tmpdir);
		fail_msg("%s %s: left in its TMPDIR: %s", argv[0],
			 argv[1] ? argv[1] : "", left);
	}
	rmdir(tmpdir);
}

static void run(char *const argv[], struct outcome *out)
{
	static const struct streams plain = { 0 };

	run_with(argv, &plain, out);
}

/* A new file at path holding text. */
static void fd_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* How many lines text holds. */
static int count_lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/*
 * The programs dir/NN-name (nested 0), dir/NN-name/NN-name (nested 1), or
 * every executable dir/NAME (nested 2).
 */
static size_t find_programs(const char *dir, int nested, char paths[][512])
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_PROGRAMS) {
		struct stat st;
		int len;

		if (e->d_name[0] == '.' ||
		    (nested < 2 && (e->d_name[0] < '0' || e->d_name[0] > '9')))
			continue;
		if (nested == 1)
			len = snprintf(paths[n], 512, "%s/%s/%s", dir, e->d_name,
				       e->d_name);
		else
			len = snprintf(paths[n], 512, "%s/%s", dir, e->d_name);
		if (len > 0 && len < 512 && stat(paths[n], &st) == 0 &&
		    S_ISREG(st.st_mode) &&
		    (st.st_mode & S_IXUSR))
			n++;
	}
	closedir(d);
	return n;
}

/* --- Every program of a kind ---------------------------------------------- */

enum kind { BENCHMARKS, TOOLS, LESSONS };

/* Where the programs of each kind are (see find_programs), and their count. */
static const struct {
	const char *dir;
	int nested;
	size_t *cases;
} kinds[] = {
	[BENCHMARKS] = { BUILD_DIR "/bench", 0, &cases_per_benchmark },
	[TOOLS] = { BUILD_DIR "/bench/tools", 2, &cases_per_tool },
	[LESSONS] = { BUILD_DIR "/lessons", 1, &cases_per_lesson },
};

/* One program's part of a test, the kind it is tried on, and the bad
 * inputs it gives each program. */
struct check {
	enum kind kind;
	void (*on)(const char *prog);
	size_t cases;
};

/* The test of the struct check in *state: every program of its kind. */
static void every_program(void **state)
{
	const struct check *c = *state;
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(kinds[c->kind].dir, kinds[c->kind].nested,
				 progs);

	assert_true(n >= 1);
	for (size_t p = 0; p < n; p++)
		c->on(progs[p]);
	*kinds[c->kind].cases += c->cases;
}

/* --- What a program must answer --------------------------------------------- */

static void expect_usage_error(const char *prog, char *const argv[])
{
	struct outcome o;

	run(argv, &o);
	if (!o.exited || o.status != 2 || !strstr(o.err, "usage:"))
		fail_msg("%s %s %s: want exit 2 and a usage line, got %s %d:\n%s",
			 prog, argv[1] ? argv[1] : "", argv[1] && argv[2] ? argv[2] : "",
			 o.exited ? "exit" : "signal", o.exited ? o.status : o.signal,
			 o.err);
}

/* Each row of bad after prog: a usage line and exit status 2. */
static void expect_usage_errors(const char *prog, const char *const bad[][3],
				size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *argv[5] = { (char *)prog, (char *)bad[i][0],
				  (char *)bad[i][1], (char *)bad[i][2], NULL };

		expect_usage_error(prog, argv);
	}
}

/* prog with one option: exit status 0. */
static void expect_success(const char *prog, const char *option)
{
	char *argv[] = { (char *)prog, (char *)option, NULL };
	struct outcome o;

	run(argv, &o);
	if (!o.exited || o.status != 0)
		fail_msg("%s %s: ended by signal %d or status %d:\n%s", prog,
			 option, o.signal, o.status, o.err);
}

/* A failure of the world: exit 1 and one line. */
static void expect_one_line_failure(const char *prog, const char *what,
				    const struct outcome *o)
{
	if (!o->exited || o->status != 1 || count_lines(o->err) != 1)
		fail_msg("%s %s: want exit 1 and one line, got status %d signal "
			 "%d:\n%s", prog, what, o->status, o->signal, o->err);
}

/* The last line of text (without its newline), into line[len]. */
static const char *last_line(const char *text, char *line, size_t len)
{
	size_t n = strlen(text);
	const char *start;

	while (n > 0 && text[n - 1] == '\n')
		n--;
	for (start = text + n; start > text && start[-1] != '\n'; start--)
		;
	snprintf(line, len, "%.*s", (int)(text + n - start), start);
	return line;
}

/* Exit 1, and a last line that names what failed. */
static void expect_failure_naming(const char *prog, const char *what,
				  const struct outcome *o, const char *words)
{
	char line[512];

	if (!o->exited || o->status != 1 ||
	    !strstr(last_line(o->err, line, sizeof(line)), words))
		fail_msg("%s %s: want exit 1 and a line with \"%s\", got status "
			 "%d signal %d:\n%s", prog, what, words, o->status,
			 o->signal, o->err);
}

/* With stdout full, then closed: exit 1, a last line naming standard output. */
static void expect_stdout_failures(char *const argv[])
{
	static const struct streams full = { .out = "/dev/full" },
				    closed = { .close_out = 1 };
	struct outcome o;

	run_with(argv, &full, &o);
	expect_failure_naming(argv[0], "> /dev/full", &o, "standard output");
	run_with(argv, &closed, &o);
	expect_failure_naming(argv[0], ">&-", &o, "standard output");
}

/* --- Benchmark programs --------------------------------------------------- */

static const char *const bad_benchmark_arguments[][3] = {
	/* unknown, incomplete or unexpected arguments */
	{ "--bogus" }, { "extra" }, { "-x" }, { "-" }, { "" },
	{ "--quick=1" }, { "--help=1" }, { "--quick", "extra" },
	{ "--sizes" }, { "--quick", "--sizes" }, { "--csv" },
	{ "--csv", "" }, { "--csv=" }, { "--sizes", "64", "--sizes" },
	/* sizes that are not sizes */
	{ "--sizes", "" }, { "--sizes=" }, { "--sizes", "abc" },
	{ "--sizes", "-1" }, { "--sizes", "-64" }, { "--sizes", "+64" },
	{ "--sizes", " 64" }, { "--sizes", "64 " }, { "--sizes", "1.5M" },
	{ "--sizes", "0x10" }, { "--sizes", "1e3" }, { "--sizes", "4KB" },
	{ "--sizes", "4k4" }, { "--sizes", "1T" }, { "--sizes", "0" },
	{ "--sizes", "64,0" }, { "--sizes", "4K,,1M" }, { "--sizes", "4K," },
	{ "--sizes", ",4K" }, { "--sizes", "," },
	/* sizes that overflow */
	{ "--sizes", "18446744073709551616" },
	{ "--sizes", "99999999999999999999" },
	{ "--sizes", "17179869184G" }, { "--sizes", "99999999999999999999K" },
	/* bytes that are not text */
	{ "--sizes", "\xff\xfe" }, { "--sizes", "64\xc3\x28" },
	{ "\xc3\x28" }, { "--\xff" },
	/* too many sizes (BENCH_MAX_SIZES is 64) */
	{ "--sizes", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
		     "21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,"
		     "38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,"
		     "55,56,57,58,59,60,61,62,63,64,65" },
};

static void benchmarks_refuse_bad_arguments(const char *prog)
{
	expect_usage_errors(prog, bad_benchmark_arguments,
			    ARRAY_SIZE(bad_benchmark_arguments));
}

/*
 * Before anything is allocated or written: one line that says how much was
 * asked and how much is available, exit status 1, and no CSV (not even a
 * temporary one) in the folder it was to go to.
 */
static void benchmarks_refuse_sizes_beyond_memory(const char *prog)
{
	char dir[64], csv[128], left[512];
	char *argv[] = { (char *)prog, "--sizes", "1K,4096G", "--csv", csv,
			 NULL };
	struct outcome o;

	scratch_make(dir);
	snprintf(csv, sizeof(csv), "%s/out.csv", dir);
	run(argv, &o);
	if (!o.exited || o.status != 1 || count_lines(o.err) != 1 ||
	    !strstr(o.err, "available"))
		fail_msg("%s --sizes 1K,4096G: want exit 1 and one line "
			 "saying what is available, got %d (signal %d):\n%s",
			 prog, o.status, o.signal, o.err);
	if (scratch_list(dir, left, sizeof(left)) > 0)
		fail_msg("%s --sizes 1K,4096G wrote %s", prog, left);
	scratch_remove(dir);
}

/*
 * 03-strides takes matrix sizes n and needs 5 * n * n * 8 bytes. For this n,
 * n * n fits in 64 bits but n * n * 8 wraps around to 277 MiB: an
 * allocation that succeeds, followed by a fill of n * n doubles into it.
 */
static void a_matrix_size_whose_bytes_wrap_is_refused(void **state)
{
	char *argv[] = { BUILD_DIR "/bench/03-strides", "--sizes", "1518500250",
			 "--csv", "/dev/null", NULL };
	struct outcome o;

	(void)state;
	if (access(argv[0], X_OK) != 0)
		skip();
	run(argv, &o);
	if (!o.exited || o.status != 1 || count_lines(o.err) != 1)
		fail_msg("03-strides --sizes 1518500250: want exit 1 and one "
			 "line, got %d (signal %d):\n%s", o.status, o.signal,
			 o.err);
}

/* One benchmark run to be interrupted, in a scratch folder of its own. */
struct interrupted {
	char dir[64], csv[128], tmpdir[64];
	const char *prog;
	int sig, errfd;
	pid_t pid;
};

/* Start prog --quick with its CSV replacing "the previous results". */
static void interrupt_start(struct interrupted *r, const char *prog, int sig)
{
	static const char previous[] = "the previous results\n";
	char *argv[] = { (char *)prog, "--quick", "--csv", r->csv, NULL };
	int fd;

	r->prog = prog;
	r->sig = sig;
	scratch_make(r->dir);
	scratch_make(r->tmpdir);
	snprintf(r->csv, sizeof(r->csv), "%s/out.csv", r->dir);
	fd = open(r->csv, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, previous, strlen(previous)),
			 (ssize_t)strlen(previous));
	close(fd);
	r->pid = start(argv, r->tmpdir, &r->errfd);
}

/* Wait until the temporary CSV exists (10 s at most), then the signal. */
static void interrupt_send(struct interrupted *r)
{
	char left[512];
	int waited = 0;

	while (scratch_list(r->dir, left, sizeof(left)) < 2 && waited++ < 1000)
		usleep(10000);
	usleep(100000);
	kill(r->pid, r->sig);
}

/* It must die of the signal, the previous CSV unchanged and alone. */
static void interrupt_check(struct interrupted *r)
{
	char left[512], got[64] = "";
	struct outcome o = { 0 };
	int fd;

	finish(r->pid, r->errfd, &o);
	fd = open(r->csv, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(read(fd, got, sizeof(got) - 1) >= 0);
	close(fd);
	if (r->sig == SIGPIPE && o.exited && o.status == 0 &&
	    strncmp(got, "bench,", 6) == 0) {
		/* Lesson 07 ignores SIGPIPE on purpose: a dead peer then shows
		 * as EPIPE and gets its one line. Ignored, the signal ends
		 * nothing, and the run must finish whole. */
		scratch_list(r->dir, left, sizeof(left));
		if (strcmp(left, "out.csv ") != 0)
			fail_msg("%s, SIGPIPE ignored, left: %s", r->prog, left);
		scratch_remove(r->dir);
		scratch_remove(r->tmpdir);
		return;
	}
	if (o.exited || o.signal != r->sig)
		fail_msg("%s, sent signal %d: want death by it, got status %d "
			 "signal %d:\n%s", r->prog, r->sig, o.status, o.signal,
			 o.err);
	if (strcmp(got, "the previous results\n") != 0)
		fail_msg("%s, sent signal %d: the previous CSV changed", r->prog,
			 r->sig);
	scratch_list(r->dir, left, sizeof(left));
	if (strcmp(left, "out.csv ") != 0)
		fail_msg("%s, sent signal %d, left: %s", r->prog, r->sig, left);
	scratch_remove(r->dir);
	scratch_remove(r->tmpdir);
}

/*
 * Interrupted (Ctrl-C, or SIGTERM from kill), a benchmark dies of the
 * signal and removes its temporary CSV; the CSV it was to replace is left
 * exactly as it was.
 */
static void interrupt_benchmark(const char *prog, int sig)
{
	struct interrupted r;

	interrupt_start(&r, prog, sig);
	interrupt_send(&r);
	interrupt_check(&r);
}

static void interrupted_benchmarks_remove_their_temporary_csv(const char *prog)
{
	interrupt_benchmark(prog, SIGINT);
	interrupt_benchmark(prog, SIGTERM);
}

/* The other signals that end a process: hang-up, quit, a broken pipe, an
 * alarm, a user's signal. Each must be as harmless as Ctrl-C (the harness's
 * own tests try every one of them: tests/test_harness_safety.c). */
static const int ending_signals[] = { SIGHUP, SIGQUIT, SIGPIPE, SIGALRM,
				      SIGUSR1 };

static void every_ending_signal_removes_the_temporary_csv(const char *prog)
{
	for (size_t i = 0; i < ARRAY_SIZE(ending_signals); i++)
		interrupt_benchmark(prog, ending_signals[i]);
}

static void benchmarks_report_an_unwritable_csv(const char *prog)
{
	char *argv[] = { (char *)prog, "--sizes", "1K", "--csv",
			 "/nonexistent/dir/out.csv", NULL };
	struct outcome o;

	run(argv, &o);
	if (!o.exited || o.status != 1)
		fail_msg("%s --csv /nonexistent/...: want exit 1, got %d "
			 "(signal %d):\n%s", prog, o.status, o.signal, o.err);
}

static void benchmarks_explain_themselves(const char *prog)
{
	expect_success(prog, "--help");
}

/* --- Hostile surroundings: streams, limits, files that are not files ------- */

/* Is prog a script (the Python benchmark's wrapper) rather than a C program? */
static int is_script(const char *prog)
{
	char head[2] = "";
	int fd = open(prog, O_RDONLY);

	if (fd >= 0) {
		assert_true(read(fd, head, 2) >= 0);
		close(fd);
	}
	return head[0] == '#' && head[1] == '!';
}

/* A scratch folder with out.csv holding "the previous results". */
static void previous_results(char dir[64], char csv[128])
{
	scratch_make(dir);
	snprintf(csv, 128, "%s/out.csv", dir);
	fd_write_file(csv, "the previous results\n");
}

/* ...still there, alone and unchanged? */
static void expect_previous_results(const char *prog, const char *what,
				    const char *dir, const char *csv)
{
	char got[64] = "", left[512];
	int fd = open(csv, O_RDONLY);

	assert_true(fd >= 0);
	assert_true(read(fd, got, sizeof(got) - 1) >= 0);
	close(fd);
	scratch_list(dir, left, sizeof(left));
	if (strcmp(got, "the previous results\n") != 0 ||
	    strcmp(left, "out.csv ") != 0)
		fail_msg("%s %s: the previous CSV changed, or left: %s", prog,
			 what, left);
}

/*
 * prog --sizes 1K --csv over "the previous results", started as s says;
 * how it ended, into o. Whatever it did, the previous results must be
 * there after it, alone and unchanged.
 */
static void run_over_previous_results(const char *prog,
				      const struct streams *s,
				      const char *what, struct outcome *o)
{
	char dir[64], csv[128];
	char *argv[] = { (char *)prog, "--sizes", "1K", "--csv", csv, NULL };

	previous_results(dir, csv);
	run_with(argv, s, o);
	expect_previous_results(prog, what, dir, csv);
	scratch_remove(dir);
}

/*
 * ulimit -f: the first write past the limit fails with EFBIG (SIGXFSZ
 * would kill the program without a word): one line, exit 1, and the
 * previous results untouched.
 */
static void a_file_size_limit_is_one_line_and_exit_1(const char *prog)
{
	static const struct streams limited = {
		.limit = 1, .resource = RLIMIT_FSIZE, .value = 100 };
	struct outcome o;

	run_over_previous_results(prog, &limited, "under ulimit -f", &o);
	expect_failure_naming(prog, "under ulimit -f", &o, "File too large");
}

/*
 * ulimit -n 4: stdin, stdout, stderr and the CSV, and not one descriptor
 * more, so the memory counters in /proc cannot be opened. That is a failed
 * measurement (one line, exit 1), never extra_bytes 0 and exit 0. (The
 * Python benchmark's interpreter needs more descriptors than 4 to start.)
 */
static void no_descriptor_left_is_a_failure_not_a_zero(const char *prog)
{
	static const struct streams limited = {
		.limit = 1, .resource = RLIMIT_NOFILE, .value = 4 };
	struct outcome o;

	if (is_script(prog))
		return;
	run_over_previous_results(prog, &limited, "under ulimit -n 4", &o);
	expect_one_line_failure(prog, "under ulimit -n 4", &o);
}

/* The CSV on standard output, which is full or closed: exit 1, one line. */
static void benchmarks_fail_when_stdout_is_full_or_closed(const char *prog)
{
	char *argv[] = { (char *)prog, "--sizes", "1K", NULL };

	expect_stdout_failures(argv);
}

/* Has the child ended? (Asked without reaping it: finish does that.) */
static int has_ended(pid_t pid)
{
	siginfo_t info = { 0 };

	return waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       info.si_pid == pid;
}

/* Read what arrives on fd (non-blocking) into buf[len] until want newlines
 * have come, or the child is gone; 0 when they came. */
static int read_lines(int fd, pid_t pid, char *buf, size_t len, int want)
{
	size_t got = strlen(buf);

	for (int waited = 0; waited < 2000; waited++) {
		ssize_t r = read(fd, buf + got, len - 1 - got);

		if (r > 0) {
			got += (size_t)r;
			buf[got] = '\0';
			if (count_lines(buf) >= want)
				return 0;
			continue;
		}
		if (has_ended(pid))
			return -1;
		usleep(10000);
	}
	return -1;
}

/* Append what is waiting on fd (non-blocking) to buf[len]. */
static void drain(int fd, char *buf, size_t len)
{
	size_t got = strlen(buf);
	ssize_t r;

	while (got < len - 1 && (r = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
}

/*
 * A FIFO in a scratch folder of its own, opened (non-blocking) for this
 * test to read what a program writes into it, and a TMPDIR for that
 * program.
 */
struct fifo {
	char dir[64], path[128], tmpdir[64];
	int fd;
};

static void fifo_make(struct fifo *f)
{
	scratch_make(f->dir);
	scratch_make(f->tmpdir);
	snprintf(f->path, sizeof(f->path), "%s/fifo", f->dir);
	assert_int_equal(mkfifo(f->path, 0600), 0);
	f->fd = open(f->path, O_RDONLY | O_NONBLOCK);
	assert_true(f->fd >= 0);
}

/* Remove both folders (the reading end is closed by the test). */
static void fifo_remove(struct fifo *f)
{
	scratch_remove(f->dir);
	scratch_remove(f->tmpdir);
}

/*
 * Started with stderr closed, a program's CSV must not become descriptor 2
 * and collect its progress lines. The CSV goes to a FIFO this test reads
 * (a FIFO with a reader, written in place); after the first rows and a
 * progress line's worth of time, SIGTERM; every line read must be CSV.
 */
static void stderr_closed_keeps_the_csv_clean(const char *prog)
{
	static const struct streams no_stderr = { .close_err = 1 };
	const char *base = strrchr(prog, '/') + 1;
	char text[16384] = "", id[64];
	struct fifo f;
	char *argv[] = { (char *)prog, "--quick", "--csv", f.path, NULL };
	struct outcome o = { 0 };
	int errfd;
	pid_t pid;

	fifo_make(&f);
	snprintf(id, sizeof(id), "%s,", base);
	pid = start_with(argv, f.tmpdir, &errfd, &no_stderr);
	if (read_lines(f.fd, pid, text, sizeof(text), 2) < 0)
		fail_msg("%s --csv FIFO: no rows came:\n%s", base, text);
	usleep(200000);
	kill(pid, SIGTERM);
	finish(pid, errfd, &o);
	drain(f.fd, text, sizeof(text));
	close(f.fd);
	for (char *line = text; *line; line = strchr(line, '\n') + 1) {
		if (strncmp(line, "bench,", 6) != 0 &&
		    strncmp(line, id, strlen(id)) != 0)
			fail_msg("%s 2>&-: the CSV holds \"%.60s\"", base, line);
		if (!strchr(line, '\n'))
			break;
	}
	fifo_remove(&f);
}

/*
 * --csv onto what is not a plain file, and cannot take one: a folder, a
 * FIFO that no process reads (it must not hang), a symbolic link to
 * nothing, a full device. One line, exit 1, and the FIFO and the link are
 * still what they were, with nothing made beside them.
 */
static void benchmarks_refuse_destinations_that_cannot_take_a_csv(const char *prog)
{
	char dir[64], fifo[128], link[128], left[512];
	const char *dests[] = { dir, fifo, link };
	char *full[] = { (char *)prog, "--sizes", "1K", "--csv", "/dev/full",
			 NULL };
	struct outcome o;
	struct stat st;

	scratch_make(dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink("nothing", link), 0);
	for (size_t i = 0; i < ARRAY_SIZE(dests); i++) {
		char *argv[] = { (char *)prog, "--sizes", "1K", "--csv",
				 (char *)dests[i], NULL };
		char what[160];

		snprintf(what, sizeof(what), "--csv %s", dests[i]);
		run(argv, &o);
		expect_one_line_failure(prog, what, &o);
	}
	/* the full device fails at the first row, maybe after a warning
	 * about the measurement */
	run(full, &o);
	expect_failure_naming(prog, "--csv /dev/full", &o, "/dev/full");
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	if (scratch_list(dir, left, sizeof(left)) != 2)
		fail_msg("%s: left beside them: %s", prog, left);
	scratch_remove(dir);
}

/*
 * --csv through a symbolic link: the link stays a link, the file it points
 * to gets the CSV and keeps its mode (600 stays 600). Tried on the
 * benchmarks that can finish in a moment (the harness's own tests try the
 * C side on every kind of file: tests/test_harness_safety.c).
 */
static void a_csv_goes_through_a_symbolic_link(void **state)
{
	static const char *const fast[][2] = {
		{ "01-photocopy", "64" }, { "04-mmap", "4K" },
		{ "05-python-buffers", "64" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fast); i++) {
		char prog[512], dir[64], target[128], link[128], got[8] = "";
		char *argv[] = { prog, "--sizes", (char *)fast[i][1], "--csv",
				 link, NULL };
		struct outcome o;
		struct stat st;
		int fd;

		snprintf(prog, sizeof(prog), BUILD_DIR "/bench/%s", fast[i][0]);
		if (access(prog, X_OK) != 0)
			continue;
		scratch_make(dir);
		snprintf(target, sizeof(target), "%s/target.csv", dir);
		snprintf(link, sizeof(link), "%s/link.csv", dir);
		fd_write_file(target, "old\n");
		assert_int_equal(chmod(target, 0600), 0);
		assert_int_equal(symlink("target.csv", link), 0);
		run(argv, &o);
		if (!o.exited || o.status != 0)
			fail_msg("%s --csv LINK: status %d signal %d:\n%s", prog,
				 o.status, o.signal, o.err);
		assert_int_equal(lstat(link, &st), 0);
		assert_true(S_ISLNK(st.st_mode));
		assert_int_equal(stat(target, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		fd = open(target, O_RDONLY);
		assert_true(fd >= 0);
		assert_true(read(fd, got, 6) == 6);
		close(fd);
		assert_string_equal(got, "bench,");
		scratch_remove(dir);
	}
	cases_per_benchmark++;
}

/*
 * The CSV on standard output into a pipe whose reader stops after one
 * line (`| head -1`): the benchmark stops too (SIGPIPE or one line and
 * exit 1), never with exit 0 as if the results had arrived, never with a
 * Python traceback.
 */
static void benchmarks_stop_at_a_broken_pipe(const char *prog)
{
	char line[16384] = "";
	char *argv[] = { (char *)prog, "--quick", NULL };
	struct fifo f;
	const struct streams to_fifo = { .out = f.path };
	struct outcome o = { 0 };
	int errfd;
	pid_t pid;

	fifo_make(&f);
	pid = start_with(argv, f.tmpdir, &errfd, &to_fifo);
	if (read_lines(f.fd, pid, line, sizeof(line), 1) < 0)
		fail_msg("%s | head -1: no line came", prog);
	close(f.fd);		/* head has what it wanted */
	finish(pid, errfd, &o);
	if ((o.exited && o.status != 1) || (!o.exited && o.signal != SIGPIPE) ||
	    strstr(o.err, "Traceback"))
		fail_msg("%s | head -1: status %d signal %d:\n%s", prog,
			 o.status, o.signal, o.err);
	fifo_remove(&f);
}

/* A size below what a benchmark can measure is a usage error (exit 2). */
static void sizes_too_small_to_measure_are_usage_errors(void **state)
{
	static const char *const small[][2] = {
		{ "02-views", "64" },		/* not one record */
		{ "03-strides", "16" },		/* not one band of rows */
		{ "05-python-buffers", "1" },	/* no middle half */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(small); i++) {
		char prog[512];
		char *argv[] = { prog, "--sizes", (char *)small[i][1], "--csv",
				 "/dev/null", NULL };

		snprintf(prog, sizeof(prog), BUILD_DIR "/bench/%s", small[i][0]);
		if (access(prog, X_OK) == 0)
			expect_usage_error(prog, argv);
	}
	cases_per_benchmark++;
}

/* The entries of dir whose names start with prefix, space-separated. */
static size_t matching(const char *dir, const char *prefix, char *list,
		       size_t len)
{
	char all[4096];
	size_t n = 0;

	list[0] = '\0';
	scratch_list(dir, all, sizeof(all));
	for (char *name = strtok(all, " "); name; name = strtok(NULL, " ")) {
		if (strncmp(name, prefix, strlen(prefix)) != 0)
			continue;
		n++;
		strncat(list, name, len - strlen(list) - 1);
		strncat(list, " ", len - strlen(list) - 1);
	}
	return n;
}

/*
 * SIGKILL cannot be caught: lesson 04's benchmark, killed while its test
 * file exists, leaves its folder (with a file of up to 64 MiB) and its
 * temporary CSV. The next run must remove both.
 */
static void what_sigkill_leaves_the_next_run_removes(void **state)
{
	char dir[64], csv[128], tmpdir[64], folder[64], left[512];
	char *argv[] = { BUILD_DIR "/bench/04-mmap", "--quick", "--csv", csv,
			 NULL };
	char *again[] = { argv[0], "--sizes", "4K", "--csv", csv, NULL };
	struct outcome o = { 0 };
	int errfd, waited = 0;
	pid_t pid;

	(void)state;
	if (access(argv[0], X_OK) != 0)
		skip();
	previous_results(dir, csv);
	scratch_make(tmpdir);
	pid = start(argv, tmpdir, &errfd);
	snprintf(folder, sizeof(folder), "04-mmap-files.%ld.", (long)pid);
	while (matching(BUILD_DIR, folder, left, sizeof(left)) == 0 &&
	       waited++ < 1000)
		usleep(10000);
	usleep(100000);
	kill(pid, SIGKILL);
	finish(pid, errfd, &o);
	if (matching(BUILD_DIR, folder, left, sizeof(left)) == 0)
		fail_msg("04-mmap never made its folder %s*", folder);
	run(again, &o);
	assert_int_equal(o.status, 0);
	if (matching(BUILD_DIR, folder, left, sizeof(left)) > 0)
		fail_msg("left after SIGKILL and another run: %s", left);
	scratch_list(dir, left, sizeof(left));
	if (strcmp(left, "out.csv ") != 0)
		fail_msg("left beside the CSV: %s", left);
	scratch_remove(dir);
	scratch_remove(tmpdir);
	cases_per_benchmark++;
}

/* The length of NAME without ".c" or ".py" if it is a benchmark's source
 * (NN-name.c, NN-name.py), else 0. */
static int benchmark_stem(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (name[0] < '0' || name[0] > '9' || !dot ||
	    (strcmp(dot, ".c") != 0 && strcmp(dot, ".py") != 0))
		return 0;
	return (int)(dot - name);
}

/*
 * The cases above cover the benchmark programs they find, so a program that
 * was not built would be skipped in silence. Every source in bench/ (the
 * tests run from the top of the tree) must have its program
 * BUILD_DIR/bench/NN-name.
 */
static void every_benchmark_source_has_its_program(void **state)
{
	char progs[MAX_PROGRAMS][512], path[512], missing[2048] = "";
	size_t sources = 0, n = find_programs(BUILD_DIR "/bench", 0, progs);
	DIR *d = opendir("bench");
	struct dirent *e;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		int stem = benchmark_stem(e->d_name);

		if (stem == 0)
			continue;
		sources++;
		snprintf(path, sizeof(path), "%s/bench/%.*s", BUILD_DIR, stem,
			 e->d_name);
		if (access(path, X_OK) != 0) {
			strncat(missing, " ", sizeof(missing) - strlen(missing) - 1);
			strncat(missing, path, sizeof(missing) - strlen(missing) - 1);
		}
	}
	closedir(d);
	if (missing[0] || n < sources)
		fail_msg("%zu benchmark sources in bench/, %zu programs in %s/bench;"
			 " not built:%s", sources, n, BUILD_DIR, missing);
}

/* --- Helper programs (bench/tools) ------------------------------------------ */

static const char *const bad_tool_arguments[][3] = {
	{ NULL }, { "--bogus" }, { "-x" }, { "--help=1" }, { "--\xff" },
};

static void tools_refuse_bad_arguments(const char *prog)
{
	expect_usage_errors(prog, bad_tool_arguments,
			    ARRAY_SIZE(bad_tool_arguments));
}

/* A file that cannot be used: exit 1 and one line, or (kind) exit 0. */
static void expect_file_refused(const char *prog, const char *file,
				const char *kind, int may_succeed)
{
	char *argv[] = { (char *)prog, (char *)file, NULL };
	char what[256];
	struct outcome o;

	run(argv, &o);
	if (o.exited && o.status == 0 && may_succeed)
		return;
	snprintf(what, sizeof(what), "given %s (%s)", file, kind);
	expect_one_line_failure(prog, what, &o);
}

/* Does prog's usage line name a FILE? (Asked by running it without one.) */
static int is_file_tool(const char *prog)
{
	char *none[] = { (char *)prog, NULL };
	struct outcome o;

	run(none, &o);
	return strstr(o.err, "FILE") != NULL;
}

/*
 * Programs whose usage line names a FILE, given files that cannot be read:
 * missing, a folder, unreadable; and an empty file, which may be fine.
 */
static void tools_report_bad_files(const char *prog)
{
	char dir[64], path[128];
	int fd;

	if (!is_file_tool(prog))
		return;
	scratch_make(dir);
	snprintf(path, sizeof(path), "%s/missing", dir);
	expect_file_refused(prog, path, "missing", 0);
	expect_file_refused(prog, dir, "a folder", 0);
	expect_file_refused(prog, "\xff\xfe.missing", "not UTF-8", 0);
	snprintf(path, sizeof(path), "%s/empty", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);
	expect_file_refused(prog, path, "empty", 1);
	if (geteuid() != 0) {	/* root reads anything */
		chmod(path, 0);
		expect_file_refused(prog, path, "unreadable", 0);
	}
	scratch_remove(dir);
}

/* --- Tools and demos whose output is lost ------------------------------------ */

/*
 * Files that are not regular never end (a FIFO with no writer, /dev/zero)
 * or cannot be mapped: one line and exit 1, never a hang. A /proc file
 * that says its size is 0 may be read, or refused, but never summed as
 * empty.
 */
static void tools_refuse_files_that_are_not_files(const char *prog)
{
	char dir[64], fifo[128], out[128], text[64] = "";
	char *argv[] = { (char *)prog, "/proc/self/maps", NULL };
	const struct streams to_file = { .out = out };
	struct outcome o;
	int fd;

	if (!is_file_tool(prog))
		return;
	scratch_make(dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	expect_file_refused(prog, fifo, "a FIFO", 0);
	expect_file_refused(prog, "/dev/zero", "endless", 0);
	expect_file_refused(prog, "/dev/null", "a device", 0);
	run_with(argv, &to_file, &o);
	fd = open(out, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(read(fd, text, sizeof(text) - 1) >= 0);
	close(fd);
	if (!o.exited ||
	    (o.status == 0 && strcmp(text, "0000000000000000\n") == 0) ||
	    (o.status != 0 && (o.status != 1 || count_lines(o.err) != 1)))
		fail_msg("%s /proc/self/maps: status %d signal %d, printed "
			 "%s:\n%s", prog, o.status, o.signal, text, o.err);
	scratch_remove(dir);
}

/* A tool that prints something must fail when it cannot (exit 1). */
static void tools_fail_when_stdout_is_full_or_closed(const char *prog)
{
	char dir[64], file[128], out[128];
	char *argv[] = { (char *)prog, file, NULL };
	const struct streams to_file = { .out = out };
	struct outcome o;
	struct stat st;

	if (!is_file_tool(prog))
		return;
	scratch_make(dir);
	snprintf(file, sizeof(file), "%s/data", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	fd_write_file(file, "sixteen bytes...");
	run_with(argv, &to_file, &o);
	assert_int_equal(stat(out, &st), 0);
	if (o.status == 0 && st.st_size > 0)	/* else nothing to lose */
		expect_stdout_failures(argv);
	scratch_remove(dir);
}

/* Does /proc/PID/maps show a mapping of path? */
static int maps_file(pid_t pid, const char *path)
{
	char maps[64], line[1024];
	FILE *f;
	int found = 0;

	snprintf(maps, sizeof(maps), "/proc/%ld/maps", (long)pid);
	f = fopen(maps, "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, path) != NULL;
	fclose(f);
	return found;
}

/*
 * Lesson 04's trap, aimed at its own tool: a file truncated while sum-mmap
 * reads its mapping. The pages past the new end raise SIGBUS; sum-mmap
 * must say so in one line and exit 1. (The test truncates as soon as the
 * mapping appears; if sum-mmap was already done, it tries again.)
 */
static void sum_mmap_survives_a_file_truncated_under_it(void **state)
{
	char dir[64], file[128], tmpdir[64];
	char *argv[] = { BUILD_DIR "/bench/tools/sum-mmap", file, NULL };
	int caught = 0;

	(void)state;
	if (access(argv[0], X_OK) != 0)
		skip();
	scratch_make(dir);
	scratch_make(tmpdir);
	snprintf(file, sizeof(file), "%s/data", dir);
	for (int attempt = 0; attempt < 5 && !caught; attempt++) {
		struct outcome o = { 0 };
		int errfd, fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		pid_t pid;

		assert_true(fd >= 0);
		assert_int_equal(ftruncate(fd, (off_t)256 << 20), 0);	/* sparse */
		pid = start(argv, tmpdir, &errfd);
		while (!maps_file(pid, file) && !has_ended(pid))
			;
		assert_int_equal(ftruncate(fd, 0), 0);
		close(fd);
		finish(pid, errfd, &o);
		if (!o.exited || (o.status != 0 && o.status != 1))
			fail_msg("sum-mmap, its file truncated: status %d signal "
				 "%d:\n%s", o.status, o.signal, o.err);
		if (o.status == 1) {
			assert_int_equal(count_lines(o.err), 1);
			caught = 1;
		}
	}
	if (!caught)
		fail_msg("sum-mmap finished every time before the truncation");
	scratch_remove(dir);
	scratch_remove(tmpdir);
	cases_per_tool++;
}

/*
 * A demo whose output cannot be written has failed: with stdout full or
 * closed, for the lesson and for --trap, it exits 1 (at its next step, not
 * after the whole lesson) with a last line naming standard output.
 */
static void lessons_fail_when_stdout_is_full_or_closed(const char *prog)
{
	static const struct streams full = { .out = "/dev/full" };
	char *lesson[] = { (char *)prog, NULL };
	char *trap[] = { (char *)prog, "--trap", NULL };
	struct outcome o;

	expect_stdout_failures(lesson);
	run_with(trap, &full, &o);
	if (o.exited && o.status == 0)
		fail_msg("%s --trap > /dev/full: exit 0", prog);
}

/*
 * Start the demo prog (in a process group of its own when s says so) and
 * send it sig after delay microseconds (to its whole group, if it has
 * one). It must die of the signal, or have finished, and leave nothing in
 * its TMPDIR; how it ended, into o.
 */
static void interrupt_lesson(const char *prog, const struct streams *s,
			     int sig, useconds_t delay, struct outcome *o)
{
	char tmpdir[64], left[512];
	char *argv[] = { (char *)prog, NULL };
	int errfd;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	scratch_make(tmpdir);
	pid = start_with(argv, tmpdir, &errfd, s);
	usleep(delay);
	kill(s->own_group ? -pid : pid, sig);
	finish(pid, errfd, o);
	if (!(o->exited && o->status == 0) && o->signal != sig)
		fail_msg("%s, sent signal %d after %u ms: status %d signal "
			 "%d:\n%s", prog, sig, (unsigned)(delay / 1000),
			 o->status, o->signal, o->err);
	if (s->own_group)
		usleep(50000);	/* the group's other members end too */
	if (scratch_list(tmpdir, left, sizeof(left)) > 0)
		fail_msg("%s, sent signal %d, left: %s", prog, sig, left);
	scratch_remove(tmpdir);
}

/*
 * A demo interrupted mid-lesson (a hang-up, kill, a user's signal) dies of
 * the signal, or had already finished, and leaves nothing in its TMPDIR
 * (lesson 04's test files live there, in the harness's clean-up registry).
 */
static const int lesson_signals[] = { SIGHUP, SIGTERM, SIGUSR1 };

static void interrupted_lessons_leave_nothing_behind(const char *prog)
{
	static const struct streams plain = { 0 };
	struct outcome o;

	for (size_t i = 0; i < ARRAY_SIZE(lesson_signals); i++)
		interrupt_lesson(prog, &plain, lesson_signals[i], 100000, &o);
}

/*
 * Ctrl-C reaches every process of the foreground group: a demo and the
 * programs it runs (lesson 05's Python half, lesson 00's copyloop). Each
 * ends quietly: the demo by the signal (or it had finished), nothing left
 * behind, and no Python traceback.
 */
static void ctrl_c_ends_a_lesson_quietly(const char *prog)
{
	static const struct streams group = { .own_group = 1 };

	for (int delay = 1; delay <= 3; delay++) {
		struct outcome o;

		interrupt_lesson(prog, &group, SIGINT,
				 (useconds_t)delay * 80000, &o);
		if (strstr(o.err, "Traceback"))
			fail_msg("%s, Ctrl-C after %d ms: a traceback:\n%s",
				 prog, delay * 80, o.err);
	}
}

/* --- Lesson programs ------------------------------------------------------ */

static const char *const bad_lesson_arguments[][3] = {
	{ "--bogus" }, { "x" }, { "-" }, { "" }, { "--trap=1" },
	{ "--help=1" }, { "--TRAP" }, { "trap" }, { "-h" }, { "--tra" },
	{ "--trap", "x" }, { "--trap", "" }, { "\xff" }, { "--\xc3\x28" },
};

static void lessons_refuse_bad_arguments(const char *prog)
{
	expect_usage_errors(prog, bad_lesson_arguments,
			    ARRAY_SIZE(bad_lesson_arguments));
}

/* The plain build does not run undefined behaviour: it points to trap-NN. */
static void lessons_without_sanitizer_decline_the_trap(const char *prog)
{
	char *argv[] = { (char *)prog, "--trap", NULL };
	struct outcome o;

	run(argv, &o);
	if (!o.exited || (o.status != 0 && !strstr(o.err, "AddressSanitizer")))
		fail_msg("%s --trap: ended by signal %d or status %d:\n%s",
			 prog, o.signal, o.status, o.err);
}

/* make predict-NN without a terminal (CI, a pipe): every demo's --predict
 * asks nothing, waits for nothing and ends with status 0. */
static void lessons_predict_without_a_terminal(const char *prog)
{
	expect_success(prog, "--predict");
}

/*
 * What a lesson's trap provokes, as the program itself says (--trap-kind):
 * AddressSanitizer's name for it ("heap-use-after-free"), or "none". The
 * kind is written to stderr by a /bin/sh that runs the program with its
 * stdout there; the path is sh's $0, an argument, never code.
 */
static void trap_kind(const char *prog, char *kind, size_t len)
{
	char *argv[] = { "/bin/sh", "-c", "exec \"$0\" --trap-kind >&2",
			 (char *)prog, NULL };
	struct outcome o;

	run(argv, &o);
	if (!o.exited || o.status != 0 || strlen(o.err) < 2)
		fail_msg("%s --trap-kind: want the trap's kind, got status %d "
			 "signal %d:\n%s", prog, o.status, o.signal, o.err);
	o.err[strcspn(o.err, "\n")] = '\0';
	snprintf(kind, len, "%s", o.err);
}

/* Each lesson whose trap has a kind: its AddressSanitizer twin reports it. */
static void address_sanitizer_catches_each_trap(void **state)
{
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/lessons", 1, progs), caught = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const char *name = strrchr(progs[i], '/') + 1;
		char path[512], kind[64];
		struct outcome o;
		char *argv[] = { path, "--trap", NULL };

		trap_kind(progs[i], kind, sizeof(kind));
		if (strcmp(kind, "none") == 0)
			continue;
		snprintf(path, sizeof(path), BUILD_DIR "/asan/lessons/%s/%s",
			 name, name);
		run(argv, &o);
		if (!o.exited || o.status == 0 || !strstr(o.err, kind))
			fail_msg("%s --trap: want AddressSanitizer's %s, got status "
				 "%d signal %d:\n%s", path, kind, o.status,
				 o.signal, o.err);
		caught++;
	}
	assert_true(caught >= 1);
}

/* How many bad inputs each program was given (the issue asks for the count). */
static int print_counts(void **state)
{
	(void)state;
	print_message("bad-input cases per program: %zu per benchmark, %zu per "
		      "lesson, %zu per tool\n", cases_per_benchmark,
		      cases_per_lesson, cases_per_tool);
	return 0;
}

int main(void)
{
	/* A test of one program's part, fn, on every program of kind. */
#define EVERY(kind, fn, cases)                                         \
	{ .name = #fn, .test_func = every_program,                       \
	  .initial_state = &(struct check){ kind, fn, cases } }
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_benchmark_source_has_its_program),
		EVERY(BENCHMARKS, benchmarks_refuse_bad_arguments,
		      ARRAY_SIZE(bad_benchmark_arguments)),
		EVERY(BENCHMARKS, benchmarks_refuse_sizes_beyond_memory, 1),
		cmocka_unit_test(a_matrix_size_whose_bytes_wrap_is_refused),
		EVERY(BENCHMARKS, interrupted_benchmarks_remove_their_temporary_csv,
		      2),
		EVERY(TOOLS, tools_refuse_bad_arguments,
		      ARRAY_SIZE(bad_tool_arguments)),
		EVERY(TOOLS, tools_report_bad_files, 5),
		EVERY(BENCHMARKS, benchmarks_report_an_unwritable_csv, 1),
		EVERY(BENCHMARKS, benchmarks_explain_themselves, 0),
		EVERY(LESSONS, lessons_refuse_bad_arguments,
		      ARRAY_SIZE(bad_lesson_arguments)),
		EVERY(LESSONS, lessons_without_sanitizer_decline_the_trap, 1),
		EVERY(LESSONS, lessons_predict_without_a_terminal, 1),
		cmocka_unit_test(address_sanitizer_catches_each_trap),
		EVERY(BENCHMARKS, every_ending_signal_removes_the_temporary_csv,
		      ARRAY_SIZE(ending_signals)),
		EVERY(BENCHMARKS, a_file_size_limit_is_one_line_and_exit_1, 1),
		EVERY(BENCHMARKS, no_descriptor_left_is_a_failure_not_a_zero, 1),
		EVERY(BENCHMARKS, benchmarks_fail_when_stdout_is_full_or_closed, 2),
		EVERY(BENCHMARKS, stderr_closed_keeps_the_csv_clean, 1),
		EVERY(BENCHMARKS,
		      benchmarks_refuse_destinations_that_cannot_take_a_csv, 4),
		cmocka_unit_test(a_csv_goes_through_a_symbolic_link),
		EVERY(BENCHMARKS, benchmarks_stop_at_a_broken_pipe, 1),
		cmocka_unit_test(sizes_too_small_to_measure_are_usage_errors),
		cmocka_unit_test(what_sigkill_leaves_the_next_run_removes),
		EVERY(TOOLS, tools_refuse_files_that_are_not_files, 4),
		EVERY(TOOLS, tools_fail_when_stdout_is_full_or_closed, 2),
		cmocka_unit_test(sum_mmap_survives_a_file_truncated_under_it),
		EVERY(LESSONS, lessons_fail_when_stdout_is_full_or_closed, 3),
		EVERY(LESSONS, interrupted_lessons_leave_nothing_behind,
		      ARRAY_SIZE(lesson_signals)),
		EVERY(LESSONS, ctrl_c_ends_a_lesson_quietly, 3),
	};
#undef EVERY

	return cmocka_run_group_tests(tests, NULL, print_counts);
}
