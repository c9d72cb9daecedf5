/*
 * demo.c - argument parsing, numbered steps, pauses and predictions for
 * lesson demos.
 *
 * Three pieces of state: the running demo (demo_main's, whose questions
 * demo_predict and demo_score ask by number), the step counter (demo_step
 * numbers the steps 1, 2, 3 ... in the order the program reaches them) and
 * the guesses typed at demo_predict that wait for their demo_score. Each
 * step first flushes what the last one printed, which is where lost output
 * shows. The file of predictions is predictions.c's business; this file
 * asks, parses, prints and scores.
 */
#include "demo.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "asan.h"
#include "check.h"
#include "predictions.h"
#include "program.h"
#include "size.h"

#define MAX_PENDING 16

static const char *prog = "demo";
static const struct demo *running;
static int step;

/* Guesses typed, waiting for the measurement they predict. */
static struct {
	size_t q;	/* the question's index in running->questions */
	double guess;
} pending[MAX_PENDING];
static size_t npending;

static _Noreturn void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s [--trap | --predict | --trap-kind]\n", prog);
	exit(status);
}

struct demo_args demo_parse_args(int argc, char **argv)
{
	struct demo_args args = { .trap = false, .predict = false,
				  .trap_kind = false };
	const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;

	if (argc > 0)
		prog = slash ? slash + 1 : argv[0];
	program_start(prog);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--trap") == 0) {
			args.trap = true;
		} else if (strcmp(argv[i], "--predict") == 0) {
			args.predict = true;
		} else if (strcmp(argv[i], "--trap-kind") == 0) {
			args.trap_kind = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(0);
		} else {
			fprintf(stderr, "%s: unknown argument '%s'\n", prog,
				argv[i]);
			usage(2);
		}
	}
	if (args.trap + args.predict + args.trap_kind > 1) {
		fprintf(stderr, "%s: --trap, --predict and --trap-kind do not "
			"go together\n", prog);
		usage(2);
	}
	return args;
}

void demo_die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

static int predict_only(void);

static size_t question_count(void);

int demo_main(int argc, char **argv, const struct demo *d)
{
	struct demo_args args = demo_parse_args(argc, argv);

	running = d;
	/* The questions end at the first unnamed one: one named after a gap
	 * would never be asked by --predict, a mistake of the lesson's. */
	for (size_t q = question_count(); q < DEMO_MAX_QUESTIONS; q++)
		REQUIRE(d->questions[q].name == NULL);
	if (args.trap_kind) {
		puts(d->trap_kind ? d->trap_kind : "none");
		return 0;
	}
	if (args.predict)
		return predict_only();
	if (!args.trap)
		return d->run();
	if (!d->trap) {
		puts(d->trap_what);
		return 0;
	}
	if (d->trap_kind && !d->trap_guards_itself &&
	    !demo_has_address_sanitizer()) {
		printf("%s That is undefined behaviour, so it only runs\n"
		       "under AddressSanitizer: make trap-%.2s\n", d->trap_what,
		       d->lesson);
		return 0;
	}
	return d->trap();
}

bool demo_is_interactive(void)
{
	const char *pause = getenv("PAUSE"), *ci = getenv("CI");

	return !(pause && strcmp(pause, "0") == 0) && !(ci && *ci) &&
	       isatty(STDIN_FILENO);
}

void demo_pause(void)
{
	int c;

	if (!demo_is_interactive())
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

void demo_explain(const char *meaning)
{
	printf("  => %s\n", meaning);
}

bool demo_has_address_sanitizer(void)
{
	return ASAN_ENABLED;
}

/* --- Reading an answer ------------------------------------------------------ */

/* The words a number may be followed by, and what they multiply it by. */
static const struct unit_word {
	const char *word;
	enum demo_unit unit;
	double scale;
} unit_words[] = {
	{ "x", DEMO_RATIO, 1 },	      { "times", DEMO_RATIO, 1 },
	{ "B", DEMO_SIZE, 1 },	      { "bytes", DEMO_SIZE, 1 },
	{ "K", DEMO_SIZE, 0x1p10 },   { "KB", DEMO_SIZE, 0x1p10 },
	{ "KiB", DEMO_SIZE, 0x1p10 }, { "M", DEMO_SIZE, 0x1p20 },
	{ "MB", DEMO_SIZE, 0x1p20 },  { "MiB", DEMO_SIZE, 0x1p20 },
	{ "G", DEMO_SIZE, 0x1p30 },   { "GB", DEMO_SIZE, 0x1p30 },
	{ "GiB", DEMO_SIZE, 0x1p30 }, { "ns", DEMO_TIME, 1 },
	{ "us", DEMO_TIME, 1e3 },     { "\xc2\xb5s", DEMO_TIME, 1e3 },
	{ "ms", DEMO_TIME, 1e6 },     { "s", DEMO_TIME, 1e9 },
};

/* What each unit is called, how its answers look, and how it is kept. */
static const struct {
	const char *name, *example, *stored;
} units[] = {
	[DEMO_RATIO] = { "a ratio", "10 or 10x", "ratio" },
	[DEMO_SIZE] = { "a size", "64 KiB or 4096 B", "bytes" },
	[DEMO_TIME] = { "a time", "120 ns, 2.5 us or 5 ms", "ns" },
	[DEMO_COUNT] = { "a count", "8", "count" },
};

static const struct unit_word *find_unit_word(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(unit_words) / sizeof(unit_words[0]); i++)
		if (strlen(unit_words[i].word) == n &&
		    strncasecmp(unit_words[i].word, s, n) == 0)
			return &unit_words[i];
	return NULL;
}

/* The length of the plain decimal number at s: 12, 1.5, .5, 2e3 (no sign). */
static size_t number_length(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (s[n] == '.')
		n += 1 + strspn(s + n + 1, "0123456789");
	if (n == 1 && s[0] == '.')
		return 0;
	if (n > 0 && (s[n] == 'e' || s[n] == 'E')) {
		size_t sign = s[n + 1] == '-' || s[n + 1] == '+';
		size_t digits = strspn(s + n + 1 + sign, "0123456789");

		if (digits > 0)
			n += 1 + sign + digits;
	}
	return n;
}

/* Check the word after the number against the question's unit. */
static int apply_unit(const char *word, size_t n, enum demo_unit unit,
		      double *value, const char **why)
{
	const struct unit_word *w = find_unit_word(word, n);

	if (n == 0) {
		if (unit == DEMO_SIZE || unit == DEMO_TIME) {
			*why = unit == DEMO_SIZE
				       ? "a size needs its unit (B, KiB, MiB, GiB)"
				       : "a time needs its unit (ns, us, ms, s)";
			return -1;
		}
		return 1;
	}
	if (!w) {
		*why = "that is not a unit the workbench knows";
		return -1;
	}
	if (w->unit != unit) {
		static char wrong[96];

		snprintf(wrong, sizeof(wrong),
			 "that is %s, and this question asks for %s",
			 units[w->unit].name, units[unit].name);
		*why = wrong;
		return -1;
	}
	*value *= w->scale;
	return 1;
}

/*
 * The number at the start of s (n bytes long, from number_length) into
 * *value: 1, or -1 with *why when it is too long, too large or not above 0.
 */
static int read_number(const char *s, size_t n, double *value, const char **why)
{
	char number[64];

	if (n >= sizeof(number)) {
		*why = "that number is too long";
		return -1;
	}
	memcpy(number, s, n);
	number[n] = '\0';
	errno = 0;
	*value = strtod(number, NULL);
	if (!isfinite(*value) || (errno == ERANGE && *value > 1)) {
		*why = "that number is too large to mean anything";
		return -1;
	}
	if (*value <= 0) {
		*why = "a guess is more than 0";
		return -1;
	}
	return 1;
}

int demo_parse_answer(const char *line, enum demo_unit unit, double *value,
		      const char **why)
{
	const char *s = line + strspn(line, " \t");
	size_t len = strcspn(s, "\r\n"), n;

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0;
	if (s[0] == '-') {
		*why = "a guess is more than 0: no minus sign";
		return -1;
	}
	n = number_length(s);
	if (n == 0) {
		*why = find_unit_word(s, len)
			       ? "a unit needs a number before it"
			       : "that is not a number";
		return -1;
	}
	if (read_number(s, n, value, why) < 0)
		return -1;
	s += n;
	len -= n;
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	if (apply_unit(s, len, unit, value, why) < 0)
		return -1;
	if (!isfinite(*value)) { /* 1e300 GiB */
		*why = "that number is too large to mean anything";
		return -1;
	}
	return 1;
}

/* --- Printing values ------------------------------------------------------- */

/* Three significant digits at most, without an exponent: 4.12, 41.2, 412. */
static void three_digits(char *buf, size_t len, double x, const char *unit)
{
	int decimals = x < 10 ? 2 : x < 100 ? 1 : 0;

	snprintf(buf, len, "%.*f%s", decimals, x, unit);
}

static void format_ratio(double v, char *buf, size_t len)
{
	if (v < 0.1)
		snprintf(buf, len, "%.2gx", v);
	else if (v < 100)
		snprintf(buf, len, "%.1fx", v);
	else if (v < 1e6)
		snprintf(buf, len, "%.0fx", v);
	else
		snprintf(buf, len, "%.1f million x", v / 1e6);
}

static void format_time(double ns, char *buf, size_t len)
{
	double a = fabs(ns);
	const char *sign = ns < 0 ? "-" : "";
	char digits[32];

	if (a < 1e3)
		three_digits(digits, sizeof(digits), a, " ns");
	else if (a < 1e6)
		three_digits(digits, sizeof(digits), a / 1e3, " us");
	else if (a < 1e9)
		three_digits(digits, sizeof(digits), a / 1e6, " ms");
	else
		three_digits(digits, sizeof(digits), a / 1e9, " s");
	snprintf(buf, len, "%s%s", sign, digits);
}

char *demo_format_value(double v, enum demo_unit unit, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "nothing");
	else if (unit == DEMO_RATIO)
		format_ratio(v, buf, len);
	else if (unit == DEMO_TIME)
		format_time(v, buf, len);
	else if (unit == DEMO_SIZE && v >= 0 && v < 0x1p63)
		size_format((size_t)v, buf, len);
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.3g", v);
	return buf;
}

double demo_factor_off(double guess, double measured)
{
	if (!(guess > 0 && measured > 0) || !isfinite(guess) ||
	    !isfinite(measured))
		return NAN;
	return guess > measured ? guess / measured : measured / guess;
}

/* --- Asking, scoring, keeping -------------------------------------------- */

/* The running demo's question q; one it does not have is the caller's
 * mistake. */
static const struct demo_question *question(size_t q)
{
	REQUIRE(running != NULL && q < DEMO_MAX_QUESTIONS &&
		running->questions[q].name != NULL);
	return &running->questions[q];
}

/* How many questions the running demo asks: up to the first unnamed. */
static size_t question_count(void)
{
	size_t n = 0;

	while (n < DEMO_MAX_QUESTIONS && running->questions[n].name)
		n++;
	return n;
}

/* The running lesson's number: "01" of "01-photocopy". */
static const char *lesson_number(void)
{
	static char number[8];

	snprintf(number, sizeof(number), "%.*s",
		 (int)strcspn(running->lesson, "-"), running->lesson);
	return number;
}

/* Ask until the answer is a number (1, *guess set) or a skip (0). */
static int ask(const struct demo_question *q, double *guess)
{
	char *line = NULL;
	size_t cap = 0;
	int got = 0;

	for (;;) {
		const char *why = "";

		printf("  your guess (%s: %s; Enter to skip): ",
		       units[q->unit].name, units[q->unit].example);
		fflush(stdout);
		if (getline(&line, &cap, stdin) < 0) {
			printf("\n");
			break;
		}
		got = demo_parse_answer(line, q->unit, guess, &why);
		if (got >= 0)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		printf("  '%.40s': %s. Once more:\n", line, why);
	}
	free(line);
	return got > 0;
}

/* Keep one row; say so in one line when it could not be kept. */
static void keep(const struct demo_question *q, double guess, double measured)
{
	const struct prediction p = {
		.lesson = lesson_number(),
		.question = q->name,
		.guess = guess,
		.unit = units[q->unit].stored,
		.measured = measured,
		.factor = demo_factor_off(guess, measured),
	};
	const char *dir = predictions_dir();
	char aside[4200];

	if (predictions_append(dir, &p, aside, sizeof(aside)) < 0)
		fprintf(stderr,
			"%s: cannot keep your guess in %s/predictions.csv: %s\n",
			prog, dir, strerror(errno));
	else if (aside[0])
		fprintf(stderr,
			"%s: %s/predictions.csv was damaged: it is now %s, "
			"and a new one was started\n",
			prog, dir, aside);
}

void demo_predict(size_t q)
{
	const struct demo_question *asked = question(q);
	double guess;

	printf("  Predict: %s\n", asked->text);
	if (!demo_is_interactive() || !ask(asked, &guess))
		return;
	if (npending == MAX_PENDING)
		npending--; /* a demo that never scores: forget the latest */
	pending[npending].q = q;
	pending[npending].guess = guess;
	npending++;
}

void demo_score(size_t q, double measured)
{
	const struct demo_question *asked = question(q);
	char g[48], m[48];
	double factor;
	size_t i;

	for (i = 0; i < npending && pending[i].q != q; i++)
		;
	if (i == npending)
		return;
	factor = demo_factor_off(pending[i].guess, measured);
	demo_format_value(pending[i].guess, asked->unit, g, sizeof(g));
	if (!isfinite(measured))
		printf("  you guessed %s; this run measured nothing to compare it with\n",
		       g);
	else if (!isfinite(factor))
		printf("  you guessed %s; this machine measured %s: no factor, "
		       "the figure is not above 0\n",
		       g, demo_format_value(measured, asked->unit, m, sizeof(m)));
	else
		printf("  you guessed %s; this machine measured %s: off by %.*fx\n",
		       g, demo_format_value(measured, asked->unit, m, sizeof(m)),
		       factor < 100 ? 1 : 0, factor);
	keep(asked, pending[i].guess, isfinite(measured) ? measured : NAN);
	pending[i] = pending[--npending];
}

/*
 * `make predict-NN`: ask every question and keep the guesses with no
 * measurement beside them. Not interactive: print the questions and say
 * that nothing was asked. Returns the exit status for main.
 */
static int predict_only(void)
{
	bool asking = demo_is_interactive();
	size_t n = question_count();

	printf("Lesson %s: your predictions, before anything is measured.\n",
	       lesson_number());
	for (size_t i = 0; i < n; i++) {
		const struct demo_question *q = question(i);
		double guess;

		printf("\n%zu. %s\n", i + 1, q->text);
		if (asking && ask(q, &guess))
			keep(q, guess, NAN);
	}
	if (!asking)
		printf("\nNothing was asked: not a terminal, or PAUSE=0 or CI set.\n");
	else
		printf("\nKept in %s/predictions.csv. Now run the lesson and "
		       "compare: make lesson-%s\n",
		       predictions_dir(), lesson_number());
	return 0;
}
