/*
 * test_harness_safety.c - the harness never replaces what is not its own,
 * and undoes what a benchmark made, however the program ends.
 *
 * The groups: where --csv writes (a symbolic link, a device, a FIFO, a
 * folder, a link to nothing), the clean-up registry (signals, exit, order,
 * fork), what a run killed with SIGKILL leaves for the next one, and
 * failures that must not pass for measurements (unreadable counters, a
 * variant that reports one). Each
 * CSV here is opened and closed without measuring anything, and each
 * signal is raised in a child process, so the file runs in a fraction of a
 * second and times nothing.
 */
#include <errno.h>
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
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "measure.h"

#define HEADER "bench,variant,size_bytes,"

/* --- Scratch folders and files ---------------------------------------------- */

struct scratch {
	char dir[64];
	char path[128];		/* dir/name, from scratch_path */
};

static void scratch_make(struct scratch *s)
{
	snprintf(s->dir, sizeof(s->dir), "/tmp/harness-safety-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
}

static const char *scratch_path(struct scratch *s, const char *name)
{
	snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, name);
	return s->path;
}

/* How many names dir holds (its temporary files included). */
static int count_entries(const char *dir)
{
	char cmd[128];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void scratch_remove(struct scratch *s)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	assert_int_equal(system(cmd), 0);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int starts_with(const char *path, const char *text)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	assert_true(read(fd, buf, sizeof(buf) - 1) >= 0);
	close(fd);
	return strncmp(buf, text, strlen(text)) == 0;
}

static struct bench_config config(const char *csv)
{
	return (struct bench_config){ .bench = "99-test", .csv_path = csv,
				      .samples = 11, .min_batch_ns = 100000 };
}

/* Open the CSV at path and close it at once: 0, or -1 if refused. */
static int open_and_close(const char *path)
{
	struct bench_config cfg = config(path);
	struct bench_run *run = bench_open(&cfg, 1);

	if (!run)
		return -1;
	return bench_close(run);
}

/* --- Where the CSV goes ------------------------------------------------------ */

static void a_symbolic_link_stays_and_its_target_is_replaced(void **state)
{
	struct scratch s = { 0 };
	char target[128], link[128];
	struct stat st;

	(void)state;
	scratch_make(&s);
	snprintf(target, sizeof(target), "%s", scratch_path(&s, "target.csv"));
	snprintf(link, sizeof(link), "%s", scratch_path(&s, "link.csv"));
	write_text(target, "old\n", 0600);
	assert_int_equal(symlink("target.csv", link), 0);
	assert_int_equal(open_and_close(link), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);	/* its mode, kept */
	assert_true(starts_with(target, HEADER));
	assert_int_equal(count_entries(s.dir), 2);	/* nothing else */
	scratch_remove(&s);
}

static void a_character_device_is_written_not_replaced(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(open_and_close("/dev/null"), 0);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(open_and_close("/dev/stdout"), 0);	/* a link into /proc */
}

/*
 * --csv /dev/stdout with the shell's > behind it: the CSV goes after what
 * standard output already holds, and the file is the same file.
 */
static void standard_output_redirected_to_a_file_is_appended_to(void **state)
{
	struct scratch s = { 0 };
	char path[128], got[256] = "";
	struct stat before, after;
	int saved, fd;

	(void)state;
	scratch_make(&s);
	snprintf(path, sizeof(path), "%s", scratch_path(&s, "out.txt"));
	write_text(path, "earlier output\n", 0644);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &before), 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0 && dup2(fd, STDOUT_FILENO) == STDOUT_FILENO);
	close(fd);
	assert_int_equal(open_and_close("/dev/stdout"), 0);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) == STDOUT_FILENO);
	close(saved);
	assert_int_equal(stat(path, &after), 0);
	assert_true(after.st_ino == before.st_ino);	/* not replaced */
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0 && read(fd, got, sizeof(got) - 1) > 0);
	close(fd);
	assert_true(strncmp(got, "earlier output\n" HEADER,
			    strlen("earlier output\n" HEADER)) == 0);
	assert_int_equal(count_entries(s.dir), 1);	/* no temporary left */
	scratch_remove(&s);
}

/* A child reads the FIFO; what it read comes back through a pipe. */
static void a_fifo_with_a_reader_gets_the_csv(void **state)
{
	struct scratch s = { 0 };
	char got[64] = "";
	int back[2], status;
	pid_t pid;

	(void)state;
	scratch_make(&s);
	assert_int_equal(mkfifo(scratch_path(&s, "fifo"), 0600), 0);
	assert_int_equal(pipe(back), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(s.path, O_RDONLY);
		char buf[64];
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;

		_exit(n > 0 && write(back[1], buf, (size_t)n) == n ? 0 : 1);
	}
	close(back[1]);
	while (open_and_close(s.path) < 0)	/* until the child opened it */
		usleep(1000);
	assert_true(read(back[0], got, sizeof(got) - 1) > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(strncmp(got, HEADER, strlen(HEADER)), 0);
	close(back[0]);
	scratch_remove(&s);
}

static void a_fifo_without_a_reader_is_refused_at_once(void **state)
{
	struct scratch s = { 0 };
	struct stat st;

	(void)state;
	scratch_make(&s);
	assert_int_equal(mkfifo(scratch_path(&s, "fifo"), 0600), 0);
	assert_int_equal(open_and_close(s.path), -1);
	assert_int_equal(stat(s.path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(count_entries(s.dir), 1);
	scratch_remove(&s);
}

static void a_folder_or_a_link_to_nothing_is_refused(void **state)
{
	struct scratch s = { 0 };

	(void)state;
	scratch_make(&s);
	assert_int_equal(open_and_close(s.dir), -1);
	assert_int_equal(symlink("nothing", scratch_path(&s, "dangling")), 0);
	assert_int_equal(open_and_close(s.path), -1);
	assert_int_equal(count_entries(s.dir), 1);	/* no "nothing" made */
	scratch_remove(&s);
}

/* A block device node (of a number no driver has) is never opened. */
static void a_block_device_is_refused(void **state)
{
	struct scratch s = { 0 };
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		skip();
	scratch_make(&s);
	if (mknod(scratch_path(&s, "disk"), S_IFBLK | 0600,
		  makedev(240, 77)) < 0) {
		scratch_remove(&s);
		skip();
	}
	assert_int_equal(open_and_close(s.path), -1);
	assert_int_equal(lstat(s.path, &st), 0);
	assert_true(S_ISBLK(st.st_mode));
	scratch_remove(&s);
}

/* --- The clean-up registry -------------------------------------------------- */

/* Run body in a child; how it ended (the wait status). */
static int in_child(void (*body)(const char *), const char *arg)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		body(arg);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/*
 * Run body in a child on the path of a scratch file "temp"; how it ended,
 * and in *left whether the file was still there after it.
 */
static int in_child_on_temp(void (*body)(const char *), int *left)
{
	struct scratch s = { 0 };
	int status;

	scratch_make(&s);
	status = in_child(body, scratch_path(&s, "temp"));
	*left = access(s.path, F_OK) == 0;
	scratch_remove(&s);
	return status;
}

/* body, in a child on "temp", exits with code, and the file is gone. */
static void expect_exit_and_no_temp(void (*body)(const char *), int code)
{
	int left, status = in_child_on_temp(body, &left);

	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == code);
	assert_false(left);
}

/* In a child: a file at path holding text, in the clean-up registry. */
static void write_registered(const char *path, const char *text)
{
	write_text(path, text, 0600);
	if (bench_cleanup_file(path) < 0)
		_exit(3);
}

static int last_signal;

static void register_then_raise(const char *path)
{
	write_registered(path, "temp\n");
	raise(last_signal);
	_exit(4);			/* the signal did not end it */
}

static void every_ending_signal_removes_what_was_registered(void **state)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM,
				    SIGTERM, SIGUSR1, SIGUSR2, SIGXCPU,
				    SIGVTALRM, SIGPROF };

	(void)state;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int status, left;

		last_signal = sigs[i];
		status = in_child_on_temp(register_then_raise, &left);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != sigs[i])
			fail_msg("signal %d: want death by it, got status %#x",
				 sigs[i], status);
		if (left)
			fail_msg("signal %d left the registered file", sigs[i]);
	}
}

static void register_then_exit(const char *path)
{
	write_registered(path, "temp\n");
	exit(1);		/* as timed_copy.h does when malloc fails */
}

static void exit_removes_what_was_registered(void **state)
{
	(void)state;
	expect_exit_and_no_temp(register_then_exit, 1);
}

/* nohup: a signal ignored when the program started stays ignored. */
static void ignore_then_register(const char *path)
{
	signal(SIGHUP, SIG_IGN);
	write_registered(path, "temp\n");
	raise(SIGHUP);
	exit(5);		/* the undo runs at exit all the same */
}

static void an_ignored_signal_stays_ignored(void **state)
{
	(void)state;
	expect_exit_and_no_temp(ignore_then_register, 5);
}

/* A folder registered before its file: undone newest first, both go. */
static void folder_then_file(const char *dir)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/inner", dir);
	if (mkdir(path, 0700) < 0 || bench_cleanup_folder(path) < 0)
		_exit(3);
	snprintf(path, sizeof(path), "%s/inner/file", dir);
	write_registered(path, "x\n");
	raise(SIGTERM);
}

static void undos_run_newest_first(void **state)
{
	struct scratch s = { 0 };
	int status;

	(void)state;
	scratch_make(&s);
	status = in_child(folder_then_file, s.dir);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	assert_int_equal(count_entries(s.dir), 0);
	scratch_remove(&s);
}

/* A child made by fork inherits the registry but must not run it. */
static void fork_a_child_that_exits(const char *path)
{
	pid_t pid;
	int status;

	write_registered(path, "parent's\n");
	pid = fork();
	if (pid == 0)
		exit(0);
	waitpid(pid, &status, 0);
	_exit(access(path, F_OK) == 0 ? 0 : 6);
}

static void a_forked_child_leaves_its_parents_files(void **state)
{
	int left, status = in_child_on_temp(fork_a_child_that_exits, &left);

	(void)state;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(left);	/* _exit runs no clean-up */
}

/* Forget keeps the file; now removes it; both free the entry. */
static void forget_keeps_and_now_removes(void **state)
{
	struct scratch s = { 0 };
	char kept[128];
	int ids[BENCH_MAX_CLEANUPS + 1];

	(void)state;
	scratch_make(&s);
	snprintf(kept, sizeof(kept), "%s", scratch_path(&s, "kept"));
	write_text(kept, "x\n", 0600);
	bench_cleanup_forget(bench_cleanup_file(kept));
	write_text(scratch_path(&s, "gone"), "x\n", 0600);
	bench_cleanup_now(bench_cleanup_file(s.path));
	assert_int_equal(access(kept, F_OK), 0);
	assert_int_equal(access(s.path, F_OK), -1);
	/* the registry is full after BENCH_MAX_CLEANUPS entries, and empty
	 * again when they are forgotten */
	for (int i = 0; i < BENCH_MAX_CLEANUPS; i++)
		assert_true((ids[i] = bench_cleanup_folder("/nonexistent")) >= 0);
	ids[BENCH_MAX_CLEANUPS] = bench_cleanup_folder("/nonexistent");
	assert_int_equal(ids[BENCH_MAX_CLEANUPS], -1);
	assert_int_equal(errno, ENOSPC);
	for (int i = BENCH_MAX_CLEANUPS; i-- > 0;)
		bench_cleanup_forget(ids[i]);
	bench_cleanup_forget(bench_cleanup_folder("/nonexistent"));
	scratch_remove(&s);
}

/* --- What SIGKILL leaves, the next run removes ---------------------------- */

/* The id of a process that existed and no longer does. */
static pid_t a_dead_pid(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

static void a_dead_runs_folder_and_csv_are_removed(void **state)
{
	struct scratch s = { 0 };
	char name[128], folder[256], live[128];
	pid_t dead = a_dead_pid();

	(void)state;
	scratch_make(&s);
	snprintf(name, sizeof(name), "%s/99-files.%ld.abcdef", s.dir, (long)dead);
	assert_int_equal(mkdir(name, 0700), 0);
	snprintf(folder, sizeof(folder), "%s/data", name);
	write_text(folder, "64 MiB, once\n", 0600);
	/* a live process's folder, and a file of another name, are kept */
	snprintf(live, sizeof(live), "%s/99-files.%ld.ghijkl", s.dir,
		 (long)getppid());
	assert_int_equal(mkdir(live, 0700), 0);
	write_text(scratch_path(&s, "99-files.notes"), "mine\n", 0600);
	assert_int_equal(bench_temp_folder(folder, sizeof(folder), s.dir,
					   "99-files"), 0);
	assert_int_equal(access(name, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);
	assert_int_equal(access(s.path, F_OK), 0);
	assert_int_equal(access(folder, F_OK), 0);
	/* a temporary CSV of a dead run goes when the next run opens */
	snprintf(name, sizeof(name), "%s/out.csv.tmp.%ld", s.dir, (long)dead);
	write_text(name, "half a CSV\n", 0600);
	assert_int_equal(open_and_close(scratch_path(&s, "out.csv")), 0);
	assert_int_equal(access(name, F_OK), -1);
	rmdir(folder);
	scratch_remove(&s);
}

/* --- A measurement that cannot be taken ------------------------------------ */

static uint64_t nothing(void *ctx, uint64_t iters)
{
	(void)ctx;
	(void)iters;
	return 0;
}

/* With no file descriptor left, the memory counters cannot be read: the
 * measurement fails instead of reporting 0 extra bytes. */
static void measure_without_descriptors(const char *unused)
{
	struct bench_variant v = { .name = "view", .run = nothing };
	struct bench_result r;
	struct rlimit lim;
	int fd = dup(0);	/* the lowest free descriptor */

	(void)unused;
	close(fd);
	lim = (struct rlimit){ (rlim_t)fd, (rlim_t)fd };
	if (setrlimit(RLIMIT_NOFILE, &lim) < 0)
		_exit(3);
	_exit(bench_compare(64, &v, 1, &r) == -1 ? 0 : 7);
}

static void unreadable_counters_fail_the_measurement(void **state)
{
	int status;
	size_t bytes;

	(void)state;
	assert_int_equal(measure_anonymous_bytes(&bytes), 0);
	assert_true(bytes > 0);
	status = in_child(measure_without_descriptors, NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A variant that fails on its calls-th run, with ENOSPC. */
static uint64_t fails_later(void *ctx, uint64_t iters)
{
	int *calls = ctx;

	(void)iters;
	if (--*calls == 0)
		bench_variant_failed(ENOSPC);
	return 0;
}

static void a_failing_variant_fails_the_measurement_once(void **state)
{
	int calls = 3;
	struct bench_variant v[] = {
		{ .name = "breaks", .run = fails_later, .ctx = &calls },
		{ .name = "works", .run = nothing },
	};
	struct bench_result r[2];

	(void)state;
	assert_int_equal(bench_compare(64, v, 2, r), -1);
	/* the failure is not carried over to the next measurement */
	assert_int_equal(bench_compare(64, &v[1], 1, r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_symbolic_link_stays_and_its_target_is_replaced),
		cmocka_unit_test(a_character_device_is_written_not_replaced),
		cmocka_unit_test(standard_output_redirected_to_a_file_is_appended_to),
		cmocka_unit_test(a_fifo_with_a_reader_gets_the_csv),
		cmocka_unit_test(a_fifo_without_a_reader_is_refused_at_once),
		cmocka_unit_test(a_folder_or_a_link_to_nothing_is_refused),
		cmocka_unit_test(a_block_device_is_refused),
		cmocka_unit_test(every_ending_signal_removes_what_was_registered),
		cmocka_unit_test(exit_removes_what_was_registered),
		cmocka_unit_test(an_ignored_signal_stays_ignored),
		cmocka_unit_test(undos_run_newest_first),
		cmocka_unit_test(a_forked_child_leaves_its_parents_files),
		cmocka_unit_test(forget_keeps_and_now_removes),
		cmocka_unit_test(a_dead_runs_folder_and_csv_are_removed),
		cmocka_unit_test(unreadable_counters_fail_the_measurement),
		cmocka_unit_test(a_failing_variant_fails_the_measurement_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
