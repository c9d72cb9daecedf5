/*
 * demo.h - what every lesson's demo program does the same way.
 *
 * A demo is read from the back of a classroom, so it prints numbered steps
 * with a one-line heading, and it may wait for Enter between steps while a
 * teacher talks. It waits only when standard input is a terminal and the
 * environment variable PAUSE is not "0": `make lesson-NN PAUSE=0`, tests
 * and CI never wait.
 *
 * Every demo takes the same arguments: none (run the lesson), --trap (run
 * the lesson's trap, for the AddressSanitizer build), --help. Anything else
 * is a usage error: a usage line and exit status 2.
 */
#ifndef DEMO_H
#define DEMO_H

#include <stdbool.h>

/* What the command line asked for. */
struct demo_args {
	bool trap;		/* --trap */
};

/* Parse argv; prints usage and exits (0 for --help, 2 for anything wrong).
 * It starts with program_start (program.h): output that cannot be written
 * makes the demo fail. */
struct demo_args demo_parse_args(int argc, char **argv);

/* Print "Step n: title" with a blank line before it, after the pause. If
 * what was printed before could not be written, exit 1 instead (program.h
 * prints why). */
void demo_step(const char *title);

/* Print "Predict: question" before a measurement, then pause: the class
 * writes its guess down before the number appears. */
void demo_predict(const char *question);

/* Print what the measurement just shown means, as an indented "=>" line. */
void demo_explain(const char *meaning);

/* Wait for Enter when a person is watching (see above). */
void demo_pause(void);

/* Was this program built with AddressSanitizer? (Traps run only then.) */
bool demo_has_address_sanitizer(void);

#endif
