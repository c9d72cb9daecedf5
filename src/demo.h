/*
 * demo.h - what every lesson's demo program does the same way.
 *
 * A demo is read from the back of a classroom, so it prints numbered steps
 * with a one-line heading, and it may wait for Enter between steps while a
 * teacher talks. It waits only when it is interactive: standard input is a
 * terminal, the environment variable PAUSE is not "0" and CI is not set.
 * `make lesson-NN PAUSE=0`, tests and CI never wait and never ask.
 *
 * Before a measurement the demo asks the learner to predict it (estimate,
 * then measure, then compare). Each question says its unit: a ratio ("10"
 * or "10x"), a size ("64 KiB"), a time ("5 ms") or a count ("8"). The
 * learner types a number or just Enter to skip; anything else gets one line
 * saying why and the question again. After the measurement demo_score
 * prints the guess beside what was measured and the factor between them,
 * and keeps the pair in .workbench/predictions.csv (predictions.h), so that
 * `make progress` can show a learner's intuition improve lesson by lesson.
 *
 * Every demo takes the same arguments: none (run the lesson), --trap (run
 * the lesson's trap, for the AddressSanitizer build), --predict (ask the
 * lesson's questions and keep the guesses, without measuring: `make
 * predict-NN`), --trap-kind (print what AddressSanitizer reports for the
 * trap, or "none", so that a test can ask the program instead of keeping a
 * list), --help. Anything else is a usage error: a usage line and exit
 * status 2. A demo describes itself once, in a struct demo at the top of
 * its file (what it runs, its trap, the questions it asks, numbered by an
 * enum), and its main is one call to demo_main, which does all of that:
 *
 *	static int run_lesson(void);
 *	static int trap(void);
 *
 *	enum { PREDICT_PAGES, PREDICT_READING };
 *
 *	static const struct demo demo = {
 *		.lesson = LESSON_ID, .run = run_lesson,
 *		.trap = trap, .trap_kind = "heap-use-after-free",
 *		.trap_what = "The trap reads freed memory.",
 *		.questions[PREDICT_PAGES] = { "copy-51-pages", DEMO_RATIO,
 *			"photocopying 51 pages: "
 *			"how many times longer than handing them over?" },
 *		.questions[PREDICT_READING] = { ... },
 *	};
 *	...
 *		demo_predict(PREDICT_PAGES);
 *		...measure...
 *		demo_score(PREDICT_PAGES, copy_ns / view_ns);
 *	...
 *	int main(int argc, char **argv)
 *	{
 *		return demo_main(argc, argv, &demo);
 *	}
 *
 * LESSON_ID ("01-photocopy") comes from the Makefile, which knows the
 * lesson's folder: the lesson's id is written nowhere else (predictions.csv
 * keeps its number, "01", from it).
 */
#ifndef DEMO_H
#define DEMO_H

#include <stdbool.h>
#include <stddef.h>

/* What the command line asked for. */
struct demo_args {
	bool trap;      /* --trap */
	bool predict;   /* --predict */
	bool trap_kind; /* --trap-kind */
};

/* Parse argv; prints usage and exits (0 for --help, 2 for anything wrong).
 * It starts with program_start (program.h): output that cannot be written
 * makes the demo fail. */
struct demo_args demo_parse_args(int argc, char **argv);

/* --- The demo -------------------------------------------------------------- */

/* What a guess is measured in. Sizes are kept in bytes, times in ns. */
enum demo_unit {
	DEMO_RATIO, /* how many times: "10", "10x", "0.5x" */
	DEMO_SIZE,  /* "64 KiB", "3 MB", "4096 B" */
	DEMO_TIME,  /* "120 ns", "2.5 us", "5 ms", "1 s" */
	DEMO_COUNT, /* how many: "8" */
};

/* One question a lesson asks before a measurement (see struct demo). */
struct demo_question {
	const char *name; /* its key in predictions.csv: "copy-51-pages" */
	enum demo_unit unit;
	const char *text; /* the question, as printed after "Predict: " */
};

/* The most questions one demo asks (.questions[8] does not compile). */
#define DEMO_MAX_QUESTIONS 8

/* A lesson's demo, as demo_main runs it. Only lesson and run are required. */
struct demo {
	const char *lesson;	/* LESSON_ID: "01-photocopy" */
	int (*run)(void);	/* the lesson; returns main's exit status */
	int (*trap)(void);	/* --trap; NULL when the lesson has none */
	/*
	 * What AddressSanitizer reports when the trap runs ("heap-use-after-
	 * free"), or NULL when the trap is not a memory error (or there is no
	 * trap). With a kind, the trap runs only in the AddressSanitizer build
	 * (`make trap-NN`): it is undefined behaviour anywhere else.
	 */
	const char *trap_kind;
	/* One sentence on what the trap does; printed where it cannot run, or
	 * instead of it when there is none. */
	const char *trap_what;
	/* The trap asks demo_has_address_sanitizer() itself and, without it,
	 * stops short of the undefined behaviour: it runs in every build. */
	bool trap_guards_itself;
	/*
	 * The questions, in the order --predict asks them; they end at the
	 * first without a name. A question's index is its identity between
	 * demo_predict and demo_score: name the indices with an enum.
	 */
	struct demo_question questions[DEMO_MAX_QUESTIONS];
};

/*
 * Parse the arguments and do what they ask (see above): d->run for none,
 * the trap, the questions, the trap's kind. d is the running demo until
 * it returns: demo_predict and demo_score ask its questions. Returns
 * main's exit status.
 */
int demo_main(int argc, char **argv, const struct demo *d);

/* Print "Step n: title" with a blank line before it, after the pause. If
 * what was printed before could not be written, exit 1 instead (program.h
 * prints why). */
void demo_step(const char *title);

/*
 * A failure of the world: "program: what: strerror(errno)", exit status 1.
 * (It never returns; the attribute says so in the form cppcheck follows
 * from a header, where C11's _Noreturn is not seen.)
 */
__attribute__((noreturn)) void demo_die(const char *what);

/* Print what the measurement just shown means, as an indented "=>" line. */
void demo_explain(const char *meaning);

/* Wait for Enter when a person is watching (see above). */
void demo_pause(void);

/* Is a person watching: a terminal on stdin, PAUSE not "0", CI not set? */
bool demo_is_interactive(void);

/* Was this program built with AddressSanitizer? (Traps run only then.) */
bool demo_has_address_sanitizer(void);

/* --- Predictions ----------------------------------------------------------- */

/*
 * Print "Predict: text" for the running demo's question q (an index into
 * its questions; one it does not have is a caller's mistake, REQUIRE). When
 * interactive, ask for a guess in the question's unit until the answer is
 * a number or empty (skip), and keep it for demo_score. Otherwise only
 * print the question.
 */
void demo_predict(size_t q);

/*
 * The measurement q asked about came out as `measured` (in q's unit: bytes,
 * ns, a ratio or a count). When the learner guessed, print "you guessed
 * 10x; this machine measured 41x: off by 4.1x" and append the pair to the
 * predictions file; a file that cannot be written is reported in one line
 * and the demo goes on. Without a guess it does nothing.
 */
void demo_score(size_t q, double measured);

/*
 * Parse one answer to a question in `unit`. Returns 1 with *value set (in
 * bytes, ns, a ratio or a count), 0 for an empty answer (skip), or -1 with
 * *why set to one sentence saying what is wrong: letters, a sign, zero, a
 * number too large (1e999), no number before the unit, a unit of another
 * kind ("5 ms" to a ratio question) or no unit where one is needed. The
 * sentence is static: valid until the next call.
 */
int demo_parse_answer(const char *line, enum demo_unit unit, double *value,
		      const char **why);

/* Write v in unit as people read it ("41x", "64 KiB", "2.5 ms"); returns buf. */
char *demo_format_value(double v, enum demo_unit unit, char *buf, size_t len);

/* The factor between a guess and a measurement, 1 or more: 4.1 either way. */
double demo_factor_off(double guess, double measured);

#endif
