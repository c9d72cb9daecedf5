/*
 * predictions.h - the learner's predictions, kept between runs.
 *
 * Every guess a learner types at a demo's "Predict:" step is one row of
 * DIR/predictions.csv, where DIR is the learner's state folder (.workbench/
 * at the top of the tree, ignored by git). The header and the columns:
 *
 *   when,lesson,question,attempt,guess,unit,measured,factor
 *
 *   when      the time of the guess, UTC: 2026-12-01T07:40:00Z
 *   lesson    the lesson's number: 01
 *   question  the question's name: copy-51-pages
 *   attempt   1 for the first guess at this question, 2 for the next, ...
 *   guess     the number typed, in the unit's base: bytes, ns, a ratio, a count
 *   unit      ratio, bytes, ns or count
 *   measured  what this machine measured; empty when nothing was measured
 *             (`make predict-NN`, or a run that found nothing to compare)
 *   factor    how far off, 1 or more (guess 10, measured 41: 4.1); empty
 *             when there is nothing to divide
 *
 * The file is input like any other: a file that is not exactly this (another
 * header, a row that does not parse, no newline at the end) is set aside
 * under a new name and a new file is started; nothing is lost and nothing
 * crashes. Every write rewrites the whole file under a temporary name in the
 * same folder and renames it into place, so no reader ever sees half a row.
 */
#ifndef PREDICTIONS_H
#define PREDICTIONS_H

#include <stddef.h>

#define PREDICTIONS_HEADER \
	"when,lesson,question,attempt,guess,unit,measured,factor"

/* One guess, as demo_score hands it over. */
struct prediction {
	const char *lesson;   /* "01" */
	const char *question; /* "copy-51-pages": letters, digits, '-' */
	double guess;	      /* more than 0, finite */
	const char *unit;     /* "ratio", "bytes", "ns" or "count" */
	double measured;      /* NAN when nothing was measured */
	double factor;	      /* NAN when there is nothing to divide */
};

/*
 * The state folder: $WORKBENCH_STATE when set and not empty, else the one
 * the Makefile compiled in (the tree's .workbench), else ".workbench".
 */
const char *predictions_dir(void);

/*
 * Append p to dir/predictions.csv, creating the folder and the file when
 * missing. Returns the row's attempt number (1 + the rows already kept for
 * the same lesson and question), or -1 with errno; the old file is then
 * left as it was. When the old file was damaged it is first renamed to
 * predictions.csv.damaged-N (never over an earlier one) and that name is
 * written into setaside; otherwise setaside is set to "".
 */
int predictions_append(const char *dir, const struct prediction *p,
		       char *setaside, size_t len);

/* Does text (a whole file) hold our header and rows only? 1 yes, 0 no. */
int predictions_valid(const char *text, size_t len);

#endif
