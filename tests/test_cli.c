/*
 * test_cli.c - every program of the workbench, given bad input.
 *
 * The programs are found by walking the build folder, so a new lesson or
 * benchmark is covered without an edit here:
 *
 *   BUILD_DIR/bench/NN-name            benchmark programs (harness options)
 *   BUILD_DIR/lessons/NN-name/NN-name  lesson demos (--trap, --help)
 *
 * Each is run in a child process with a time limit, its output captured,
 * and held to the workbench's promise: bad arguments get a usage line and
 * exit status 2, a failure at run time one line and exit status 1, never a
 * signal, never a hang. The lessons whose trap AddressSanitizer must catch
 * are listed in `traps`.
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

struct outcome {
	int exited;		/* 1: exited normally, with status */
	int status;
	int signal;		/* the signal that ended it, or 0 */
	char err[8192];		/* what it wrote to stderr (the start of it) */
};

/* Run argv with stdin from /dev/null and stdout discarded. */
static void run(char *const argv[], struct outcome *out)
{
	int pipefd[2], wstatus;
	size_t len = 0;
	ssize_t got;
	pid_t pid;

	memset(out, 0, sizeof(*out));
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
		alarm(TIME_LIMIT_S);	/* a hang ends in SIGALRM: a failure */
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	while ((got = read(pipefd[0], out->err + len,
			   sizeof(out->err) - 1 - len)) > 0)
		len += (size_t)got;
	out->err[len] = '\0';
	while ((got = read(pipefd[0], &wstatus, sizeof(wstatus))) > 0)
		;	/* drain the rest */
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	out->exited = WIFEXITED(wstatus);
	out->status = out->exited ? WEXITSTATUS(wstatus) : -1;
	out->signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
}

/* The programs dir/NN-name, or dir/NN-name/NN-name when nested. */
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

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (nested)
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
		{ "--bogus" }, { "extra" }, { "--sizes" }, { "--sizes", "" },
		{ "--sizes", "0" }, { "--sizes", "-1" }, { "--sizes", "1T" },
		{ "--sizes", "abc" }, { "--sizes", "4K,,1M" }, { "--sizes", "1.5M" },
		{ "--sizes", "99999999999999999999" }, { "--sizes", "17179869184G" },
		{ "--sizes", "\xff\xfe" }, { "--csv" }, { "--csv", "" },
		{ "-x" }, { "\xc3\x28" }, { "--quick", "--sizes" },
	};
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/bench", 0, progs);

	(void)state;
	assert_true(n >= 1);
	for (size_t p = 0; p < n; p++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char *argv[5] = { progs[p], (char *)bad[i][0],
					  (char *)bad[i][1], (char *)bad[i][2], NULL };

			expect_usage_error(progs[p], argv);
		}
	}
}

static void benchmarks_refuse_sizes_beyond_memory(void **state)
{
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/bench", 0, progs);

	(void)state;
	for (size_t p = 0; p < n; p++) {
		char *argv[] = { progs[p], "--sizes", "64,4096G", "--csv",
				 "/dev/null", NULL };
		struct outcome o;

		run(argv, &o);
		if (!o.exited || o.status != 1 || strchr(o.err, '\n') == NULL)
			fail_msg("%s --sizes 4096G: want exit 1 and one line, got "
				 "%d (signal %d):\n%s", progs[p], o.status,
				 o.signal, o.err);
	}
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

/* --- Lesson programs ------------------------------------------------------ */

static void lessons_refuse_bad_arguments(void **state)
{
	static const char *const bad[] = { "--bogus", "x", "-", "--trap=1",
					   "\xff", "" };
	char progs[MAX_PROGRAMS][512];
	size_t n = find_programs(BUILD_DIR "/lessons", 1, progs);

	(void)state;
	assert_true(n >= 1);
	for (size_t p = 0; p < n; p++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char *argv[] = { progs[p], (char *)bad[i], NULL };

			expect_usage_error(progs[p], argv);
		}
	}
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
}

/* Lessons whose trap is a memory error that AddressSanitizer must catch. */
static const struct {
	const char *lesson;
	const char *report;
} traps[] = {
	{ "01-photocopy", "heap-use-after-free" },
	{ "02-views", "heap-use-after-free" },
	{ "05-python-buffers", "heap-use-after-free" },
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(benchmarks_refuse_bad_arguments),
		cmocka_unit_test(benchmarks_refuse_sizes_beyond_memory),
		cmocka_unit_test(benchmarks_report_an_unwritable_csv),
		cmocka_unit_test(benchmarks_explain_themselves),
		cmocka_unit_test(lessons_refuse_bad_arguments),
		cmocka_unit_test(lessons_without_sanitizer_decline_the_trap),
		cmocka_unit_test(address_sanitizer_catches_each_trap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
