/*
 * demo.c - argument parsing, numbered steps and pauses for lesson demos.
 *
 * The step counter is the one piece of state: demo_step numbers the steps
 * 1, 2, 3 ... in the order the program reaches them. Each step first
 * flushes what the last one printed, which is where lost output shows.
 */
#include "demo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asan.h"
#include "program.h"

static int step;

static _Noreturn void usage(const char *prog, int status)
{
	fprintf(status ? stderr : stdout, "usage: %s [--trap]\n", prog);
	exit(status);
}

struct demo_args demo_parse_args(int argc, char **argv)
{
	struct demo_args args = { .trap = false };
	const char *slash = strrchr(argv[0], '/');

	program_start(slash ? slash + 1 : argv[0]);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--trap") == 0) {
			args.trap = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(argv[0], 0);
		} else {
			fprintf(stderr, "%s: unknown argument '%s'\n", argv[0],
				argv[i]);
			usage(argv[0], 2);
		}
	}
	return args;
}

void demo_pause(void)
{
	const char *pause = getenv("PAUSE");
	int c;

	if ((pause && strcmp(pause, "0") == 0) || !isatty(STDIN_FILENO))
		return;
	printf("  (Enter to go on)");
	fflush(stdout);
	while ((c = getchar()) != EOF && c != '\n')
		;
}

/*
 * Output that cannot be written (a full disk, a closed stdout) ends the demo
 * at the next step, with status 1 and program.h's one line, rather than
 * running the rest of the lesson for nobody.
 */
static void stop_if_output_lost(void)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return;
	program_note_stdout_error(errno);
	exit(1);
}

void demo_step(const char *title)
{
	if (step > 0)
		demo_pause();
	stop_if_output_lost();
	printf("\nStep %d: %s\n", ++step, title);
}

void demo_predict(const char *question)
{
	printf("  Predict: %s\n", question);
	demo_pause();
}

void demo_explain(const char *meaning)
{
	printf("  => %s\n", meaning);
}

bool demo_has_address_sanitizer(void)
{
	return ASAN_ENABLED;
}
