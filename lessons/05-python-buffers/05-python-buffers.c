/*
 * 05-python-buffers.c - lesson 05's demo: the rule behind Python's
 * BufferError, first in C, then in Python.
 *
 * Step 1 is plain C: an owner lends a byteview of its bytes and counts the
 * loan; while the count is above zero it refuses to realloc, because realloc
 * may move the bytes and leave the view pointing at freed memory. Then it
 * runs 05-python-buffers.py with the interpreter the `workbench` module was
 * built for (the Makefile compiles its path in), which shows the same rule
 * in Python: memoryview, bytes, bytearray, mmap and the module's own types.
 *
 * --trap lends a view and frees the bytes anyway, as an exporter without a
 * counter would; the read through the view is a heap-use-after-free that
 * AddressSanitizer reports (`make trap-05`).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "byteview.h"
#include "demo.h"
#include "program.h"

#ifndef PYTHON_EXE
#define PYTHON_EXE "python3"
#endif
#ifndef PYTHON_MODULE_DIR
#define PYTHON_MODULE_DIR "build/python"
#endif
#ifndef LESSON_SCRIPT
#define LESSON_SCRIPT "lessons/05-python-buffers/05-python-buffers.py"
#endif

static const char *prog = LESSON_ID;

static int run_lesson(void);
static int trap(void);

/*
 * The predictions of the Python half (README.md, "Predict"), asked here
 * before it starts. The script measures them and writes "name value" lines
 * to the pipe named by DEMO_MEASURED_FD; they are scored once it is done.
 */
enum { PREDICT_BIG_SLICE, PREDICT_SMALL_SLICE };

/* The demo, as demo_main runs it (demo.h). */
static const struct demo demo = {
	.lesson = LESSON_ID, .run = run_lesson,
	.trap = trap, .trap_kind = "heap-use-after-free",
	.trap_what = "The trap reads bytes freed behind a view's back.",
	.questions[PREDICT_BIG_SLICE] = { "view-vs-bytes-slice-16m", DEMO_RATIO,
		"the middle half of 16 MiB of bytes: "
		"how many times faster is the memoryview slice?" },
	.questions[PREDICT_SMALL_SLICE] = { "bytes-vs-view-slice-64b", DEMO_RATIO,
		"the middle half of 64 bytes: "
		"how many times faster is the bytes slice?" },
};

/* An owner of bytes that counts the views it has lent out. */
struct owner {
	unsigned char *data;
	size_t len;
	int exports;
};

static struct byteview owner_lend(struct owner *o)
{
	o->exports++;
	return byteview_make(o->data, o->len);
}

static void owner_take_back(struct owner *o)
{
	REQUIRE(o->exports > 0);
	o->exports--;
}

/* realloc may move the bytes: refused (EBUSY) while a view is out. */
static int owner_resize(struct owner *o, size_t len)
{
	unsigned char *p;

	if (o->exports > 0) {
		errno = EBUSY;
		return -1;
	}
	p = realloc(o->data, len);
	if (!p)
		return -1;
	o->data = p;
	o->len = len;
	return 0;
}

static void print_resize(struct owner *o, size_t len)
{
	/* After a realloc the old pointer may not even be read: keep a number. */
	uintptr_t before = (uintptr_t)o->data;

	if (owner_resize(o, len) < 0) {
		printf("  resize to %zu bytes     refused: %s (%d view out)\n",
		       len, strerror(errno), o->exports);
		return;
	}
	printf("  resize to %zu bytes     done: %#" PRIxPTR " -> %p (%s)\n",
	       len, before, (void *)o->data,
	       before == (uintptr_t)o->data ? "stayed" : "moved");
}

static int step_counting_in_c(void)
{
	struct owner o = { .data = malloc(4096), .len = 4096 };
	struct byteview v;

	if (!o.data) {
		fprintf(stderr, "%s: malloc: %s\n", prog, strerror(errno));
		return -1;
	}
	memset(o.data, 'a', o.len);
	demo_step("C: an owner that counts its views refuses to move while one is out");
	v = owner_lend(&o);
	printf("  owner's bytes at       %p, %zu bytes\n", (void *)o.data, o.len);
	printf("  lent a view of         %p, %zu bytes (exports = %d)\n",
	       (const void *)v.data, v.len, o.exports);
	print_resize(&o, 1 << 20);
	owner_take_back(&o);
	printf("  view given back        exports = %d\n", o.exports);
	print_resize(&o, 1 << 20);
	printf("  a view taken before the move would now point at freed memory:\n"
	       "  that is why bytearray raises BufferError (make trap-05 shows it)\n");
	free(o.data);
	return 0;
}

/* Score what the script measured: "name value" lines from fd, then EOF. */
static void score_python(int fd)
{
	char text[512], name[64];
	size_t len = 0;
	ssize_t got;
	double value;

	while (len < sizeof(text) - 1 &&
	       (got = read(fd, text + len, sizeof(text) - 1 - len)) > 0)
		len += (size_t)got;
	text[len] = '\0';
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "%63s %lf", name, &value) != 2)
			continue;
		for (size_t i = 0; i < DEMO_MAX_QUESTIONS && demo.questions[i].name; i++)
			if (strcmp(name, demo.questions[i].name) == 0)
				demo_score(i, value);
	}
}

/* Run the Python half with the interpreter the module was built for. */
static int step_python(void)
{
	char *argv[] = { PYTHON_EXE, LESSON_SCRIPT, NULL };
	char fdtext[16];
	int status, measured[2];
	pid_t pid;

	demo_step("Python: the same rule, through the buffer protocol");
	demo_predict(PREDICT_BIG_SLICE);
	demo_predict(PREDICT_SMALL_SLICE);
	if (pipe(measured) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", prog, strerror(errno));
		return -1;
	}
	printf("  running %s\n  with    %s\n  (the interpreter the workbench module was built for)\n",
	       LESSON_SCRIPT, PYTHON_EXE);
	if (fflush(stdout) != 0) {
		program_note_stdout_error(errno);	/* reported at exit */
		close(measured[0]);
		close(measured[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
		close(measured[0]);
		close(measured[1]);
		return -1;
	}
	if (pid == 0) {
		/* Ctrl-C while the interpreter starts would end in a traceback
		 * from Python's own start-up; held back (blocked), it waits
		 * until the script unblocks it, inside its one-line handler. */
		sigset_t intr;

		sigemptyset(&intr);
		sigaddset(&intr, SIGINT);
		sigprocmask(SIG_BLOCK, &intr, NULL);
		close(measured[0]);
		snprintf(fdtext, sizeof(fdtext), "%d", measured[1]);
		setenv("DEMO_MEASURED_FD", fdtext, 1);
		setenv("PYTHONPATH", PYTHON_MODULE_DIR, 1);
		setenv("DEMO_NEXT_STEP", "3", 1);
		execv(PYTHON_EXE, argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", prog, PYTHON_EXE,
			strerror(errno));
		_exit(127);
	}
	close(measured[1]);
	score_python(measured[0]);
	close(measured[0]);
	if (waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "%s: waiting for Python: %s\n", prog,
			strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* Status 1 (or 130 after Ctrl-C): the script said why, in one line. */
	if (!WIFEXITED(status) || (WEXITSTATUS(status) != 1 &&
				   WEXITSTATUS(status) != 130))
		fprintf(stderr, "%s: the Python half failed: %s\n", prog,
			LESSON_SCRIPT);
	return -1;
}

/* A view that outlives its bytes: what the export counter prevents. */
static int trap(void)
{
	struct owner o = { .data = malloc(64), .len = 64 };
	volatile struct byteview v;	/* held where the compiler cannot follow */

	if (!o.data) {
		fprintf(stderr, "%s: malloc: %s\n", prog, strerror(errno));
		return 1;
	}
	memset(o.data, 'x', o.len);
	v = owner_lend(&o);
	printf("trap: lent a view of %p, then free the bytes without asking the counter\n",
	       (const void *)v.data);
	fflush(stdout);
	free(o.data);
	printf("trap: the view reads byte 0: %c\n", byteview_at(v, 0));
	return 1;	/* AddressSanitizer stops the read before this line */
}

static int run_lesson(void)
{
	printf("Lesson 05: Python's memoryview is the view you built\n");
	if (step_counting_in_c() < 0 || step_python() < 0)
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	return demo_main(argc, argv, &demo);
}
