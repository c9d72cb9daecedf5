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
 * Each is run in a child process with a time limit, its output captured,
 * and held to the workbench's promise: bad arguments get a usage line and
 * exit status 2, a failure at run time one line and exit status 1, never a
 * signal, never a hang, and nothing left behind: every run gets a TMPDIR of
 * its own, which must be empty when the program ends. An interrupted
 * benchmark must remove its half-written CSV. The lessons whose trap
 * AddressSanitizer must catch are listed in `traps`.
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
 * Start argv with stdin from /dev/null, stdout discarded, stderr into a
 * pipe, PAUSE=0 and TMPDIR=tmpdir. Returns the child; *errfd is the pipe.
 */
static pid_t start(char *const argv[], const char *tmpdir, int *errfd)
{
	int pipefd[2];
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		setenv("PAUSE", "0", 1);
		setenv("TMPDIR", tmpdir, 1);
		alarm(TIME_LIMIT_S);	/* a hang ends in SIGALRM: a failure */
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	*errfd = pipefd[0];
	return pid;
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

/* Run argv to its end (see start); its TMPDIR must be empty afterwards. */
static void run(char *const argv[], struct outcome *out)
{
	char tmpdir[64], left[512];
	int errfd;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	scratch_make(tmpdir);
	pid = start(argv, tmpdir, &errfd);
	finish(pid, errfd, out);
	if (scratch_list(tmpdir, left, sizeof(left)) > 0) {
		scratch_remove(tmpdir);
		fail_msg("%s %s: left in its TMPDIR: %s", argv[0],
			 argv[1] ? argv[1] : "", left);
	}
	rmdir(tmpdir);
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

/* --- Benchmark programs --------------------------------------------------- */

static void benchmarks_refuse_bad_arguments(void **state)
{
	static const char *const bad[][3] = {
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
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/bench", 0, progs);

	(void)state;
	assert_true(n >= 1);
	for (size_t p = 0; p < n; p++) {
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			char *argv[5] = { progs[p], (char *)bad[i][0],
					  (char *)bad[i][1], (char *)bad[i][2], NULL };

			expect_usage_error(progs[p], argv);
		}
	}
	cases_per_benchmark += ARRAY_SIZE(bad);
}

/*
 * Before anything is allocated or written: one line that says how much was
 * asked and how much is available, exit status 1, and no CSV (not even a
 * temporary one) in the folder it was to go to.
 */
static void benchmarks_refuse_sizes_beyond_memory(void **state)
{
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/bench", 0, progs);

	(void)state;
	for (size_t p = 0; p < n; p++) {
		char dir[64], csv[128], left[512];
		char *argv[] = { progs[p], "--sizes", "64,4096G", "--csv", csv,
				 NULL };
		struct outcome o;

		scratch_make(dir);
		snprintf(csv, sizeof(csv), "%s/out.csv", dir);
		run(argv, &o);
		if (!o.exited || o.status != 1 || count_lines(o.err) != 1 ||
		    !strstr(o.err, "available"))
			fail_msg("%s --sizes 64,4096G: want exit 1 and one line "
				 "saying what is available, got %d (signal %d):\n%s",
				 progs[p], o.status, o.signal, o.err);
		if (scratch_list(dir, left, sizeof(left)) > 0)
			fail_msg("%s --sizes 64,4096G wrote %s", progs[p], left);
		scratch_remove(dir);
	}
	cases_per_benchmark++;
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

/*
 * Interrupted (Ctrl-C, or SIGTERM from kill), a benchmark dies of the
 * signal and removes its temporary CSV; the CSV it was to replace is left
 * exactly as it was.
 */
static void interrupt_benchmark(const char *prog, int sig)
{
	static const char previous[] = "the previous results\n";
	char dir[64], csv[128], tmpdir[64], left[512], got[64] = "";
	char *argv[] = { (char *)prog, "--quick", "--csv", csv, NULL };
	struct outcome o = { 0 };
	int errfd, fd, waited = 0;
	pid_t pid;

	scratch_make(dir);
	scratch_make(tmpdir);
	snprintf(csv, sizeof(csv), "%s/out.csv", dir);
	fd = open(csv, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, previous, strlen(previous)),
			 (ssize_t)strlen(previous));
	close(fd);
	pid = start(argv, tmpdir, &errfd);
	/* wait until the temporary CSV exists (10 s at most), then interrupt */
	while (scratch_list(dir, left, sizeof(left)) < 2 && waited++ < 1000)
		usleep(10000);
	usleep(100000);
	kill(pid, sig);
	finish(pid, errfd, &o);
	fd = open(csv, O_RDONLY);
	assert_true(fd >= 0);
	assert_true(read(fd, got, sizeof(got) - 1) >= 0);
	close(fd);
	if (o.exited || o.signal != sig)
		fail_msg("%s, sent signal %d: want death by it, got status %d "
			 "signal %d:\n%s", prog, sig, o.status, o.signal, o.err);
	if (strcmp(got, previous) != 0)
		fail_msg("%s, sent signal %d: the previous CSV changed", prog, sig);
	scratch_list(dir, left, sizeof(left));
	if (strcmp(left, "out.csv ") != 0)
		fail_msg("%s, sent signal %d, left: %s", prog, sig, left);
	scratch_remove(dir);
	scratch_remove(tmpdir);
}

static void interrupted_benchmarks_remove_their_temporary_csv(void **state)
{
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/bench", 0, progs);

	(void)state;
	for (size_t p = 0; p < n; p++) {
		interrupt_benchmark(progs[p], SIGINT);
		interrupt_benchmark(progs[p], SIGTERM);
	}
	cases_per_benchmark += 2;
}

static void benchmarks_report_an_unwritable_csv(void **state)
{
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/bench", 0, progs);

	(void)state;
	for (size_t p = 0; p < n; p++) {
		char *argv[] = { progs[p], "--sizes", "64", "--csv",
				 "/nonexistent/dir/out.csv", NULL };
		struct outcome o;

		run(argv, &o);
		if (!o.exited || o.status != 1)
			fail_msg("%s --csv /nonexistent/...: want exit 1, got %d "
				 "(signal %d):\n%s", progs[p], o.status, o.signal,
				 o.err);
	}
	cases_per_benchmark++;
}

static void benchmarks_explain_themselves(void **state)
{
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/bench", 0, progs);

	(void)state;
	for (size_t p = 0; p < n; p++) {
		char *argv[] = { progs[p], "--help", NULL };
		struct outcome o;

		run(argv, &o);
		assert_true(o.exited);
		assert_int_equal(o.status, 0);
	}
}

/* --- Helper programs (bench/tools) ------------------------------------------ */

static void tools_refuse_bad_arguments(void **state)
{
	static const char *const bad[][3] = {
		{ NULL }, { "--bogus" }, { "-x" }, { "--help=1" }, { "--\xff" },
	};
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/bench/tools", 2, progs);

	(void)state;
	for (size_t p = 0; p < n; p++) {
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			char *argv[5] = { progs[p], (char *)bad[i][0],
					  (char *)bad[i][1], (char *)bad[i][2], NULL };

			expect_usage_error(progs[p], argv);
		}
	}
	cases_per_tool += ARRAY_SIZE(bad);
}

/* A file that cannot be used: exit 1 and one line, or (kind) exit 0. */
static void expect_file_refused(const char *prog, const char *file,
				const char *kind, int may_succeed)
{
	char *argv[] = { (char *)prog, (char *)file, NULL };
	struct outcome o;

	run(argv, &o);
	if (o.exited && o.status == 0 && may_succeed)
		return;
	if (!o.exited || o.status != 1 || count_lines(o.err) != 1)
		fail_msg("%s given %s (%s): want exit 1 and one line, got "
			 "status %d signal %d:\n%s", prog, file, kind, o.status,
			 o.signal, o.err);
}

/*
 * Programs whose usage line names a FILE, given files that cannot be read:
 * missing, a folder, unreadable; and an empty file, which may be fine.
 */
static void tools_report_bad_files(void **state)
{
	char progs[MAX_PROGRAMS][512], dir[64], path[128];
	size_t n = find_programs(BUILD_DIR "/bench/tools", 2, progs);
	int fd;

	(void)state;
	scratch_make(dir);
	for (size_t p = 0; p < n; p++) {
		char *argv[] = { progs[p], "--help", NULL };
		struct outcome o;

		run(argv, &o);
		if (!strstr(o.err, "FILE")) {
			/* --help goes to stdout: ask the usage error instead */
			char *none[] = { progs[p], NULL };

			run(none, &o);
			if (!strstr(o.err, "FILE"))
				continue;
		}
		snprintf(path, sizeof(path), "%s/missing", dir);
		expect_file_refused(progs[p], path, "missing", 0);
		expect_file_refused(progs[p], dir, "a folder", 0);
		expect_file_refused(progs[p], "\xff\xfe.missing", "not UTF-8", 0);
		snprintf(path, sizeof(path), "%s/empty", dir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
		close(fd);
		expect_file_refused(progs[p], path, "empty", 1);
		if (geteuid() != 0) {	/* root reads anything */
			chmod(path, 0);
			expect_file_refused(progs[p], path, "unreadable", 0);
		}
		unlink(path);
	}
	scratch_remove(dir);
	cases_per_tool += 5;
}

/* --- Lesson programs ------------------------------------------------------ */

static void lessons_refuse_bad_arguments(void **state)
{
	static const char *const bad[][2] = {
		{ "--bogus" }, { "x" }, { "-" }, { "" }, { "--trap=1" },
		{ "--help=1" }, { "--TRAP" }, { "trap" }, { "-h" }, { "--tra" },
		{ "--trap", "x" }, { "--trap", "" }, { "\xff" }, { "--\xc3\x28" },
	};
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/lessons", 1, progs);

	(void)state;
	assert_true(n >= 1);
	for (size_t p = 0; p < n; p++) {
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			char *argv[] = { progs[p], (char *)bad[i][0],
					 (char *)bad[i][1], NULL };

			expect_usage_error(progs[p], argv);
		}
	}
	cases_per_lesson += ARRAY_SIZE(bad);
}

/* The plain build does not run undefined behaviour: it points to trap-NN. */
static void lessons_without_sanitizer_decline_the_trap(void **state)
{
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/lessons", 1, progs);

	(void)state;
	for (size_t p = 0; p < n; p++) {
		char *argv[] = { progs[p], "--trap", NULL };
		struct outcome o;

		run(argv, &o);
		if (!o.exited || (o.status != 0 && !strstr(o.err, "AddressSanitizer")))
			fail_msg("%s --trap: ended by signal %d or status %d:\n%s",
				 progs[p], o.signal, o.status, o.err);
	}
	cases_per_lesson++;
}

/* make predict-NN without a terminal (CI, a pipe): every demo's --predict
 * asks nothing, waits for nothing and ends with status 0. */
static void lessons_predict_without_a_terminal(void **state)
{
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/lessons", 1, progs);

	(void)state;
	for (size_t p = 0; p < n; p++) {
		char *argv[] = { progs[p], "--predict", NULL };
		struct outcome o;

		run(argv, &o);
		if (!o.exited || o.status != 0)
			fail_msg("%s --predict: ended by signal %d or status %d:\n%s",
				 progs[p], o.signal, o.status, o.err);
	}
	cases_per_lesson++;
}

/* Lessons whose trap is a memory error that AddressSanitizer must catch. */
static const struct {
	const char *lesson;
	const char *report;
} traps[] = {
	{ "01-photocopy", "heap-use-after-free" },
	{ "02-views", "heap-use-after-free" },
	{ "03-strides", "heap-buffer-overflow" },
	{ "05-python-buffers", "heap-use-after-free" },
	{ "07-shared-memory", "heap-buffer-overflow" },
};

static void address_sanitizer_catches_each_trap(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(traps) / sizeof(traps[0]); i++) {
		char path[512];
		struct outcome o;
		char *argv[] = { path, "--trap", NULL };

		snprintf(path, sizeof(path), BUILD_DIR "/asan/lessons/%s/%s",
			 traps[i].lesson, traps[i].lesson);
		run(argv, &o);
		if (!o.exited || o.status == 0 || !strstr(o.err, traps[i].report))
			fail_msg("%s --trap: want AddressSanitizer's %s, got status "
				 "%d signal %d:\n%s", path, traps[i].report,
				 o.status, o.signal, o.err);
	}
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
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(benchmarks_refuse_bad_arguments),
		cmocka_unit_test(benchmarks_refuse_sizes_beyond_memory),
		cmocka_unit_test(a_matrix_size_whose_bytes_wrap_is_refused),
		cmocka_unit_test(interrupted_benchmarks_remove_their_temporary_csv),
		cmocka_unit_test(tools_refuse_bad_arguments),
		cmocka_unit_test(tools_report_bad_files),
		cmocka_unit_test(benchmarks_report_an_unwritable_csv),
		cmocka_unit_test(benchmarks_explain_themselves),
		cmocka_unit_test(lessons_refuse_bad_arguments),
		cmocka_unit_test(lessons_without_sanitizer_decline_the_trap),
		cmocka_unit_test(lessons_predict_without_a_terminal),
		cmocka_unit_test(address_sanitizer_catches_each_trap),
	};

	return cmocka_run_group_tests(tests, NULL, print_counts);
}
