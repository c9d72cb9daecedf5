/*
 * records.h - lesson 02's workload: a table of text records, loaded two ways.
 *
 * The text is CSV, one record per line, four columns:
 *
 *	name,city,item,amount          e.g.  dqnh,ftrx,hmwp,4711
 *
 * records_generate writes such a text: the three word columns hold words of
 * exactly field_len letters, each column drawn from RECORDS_WORDS different
 * words, and amount is a whole number from 0 to 99999. The same size and
 * field length always give the same bytes.
 *
 * Loading splits the text into lines and the lines into fields, and fills a
 * table with one byteview per field. The two ways differ in one thing only:
 *
 *   - records_load_views hands over the original: each view points into
 *     the text. Nothing is allocated and nothing is copied.
 *   - records_load_copies photocopies first: each field is copied into its
 *     own allocation (as strndup would), and the view points at the copy.
 *     One allocation per field; the table owns the copies.
 *
 * The query (count the records, count those from one city, sum the amounts)
 * then runs the same code over either table, so both must give the same
 * answer.
 *
 * Invariants
 *   - fields[r * RECORDS_COLUMNS + c] is column c of record r, r < records.
 *   - A table of views is only as good as the text it points into: free or
 *     move the text and the table dangles. A table of copies does not care.
 *   - records <= capacity, and the fields array never grows by itself: the
 *     caller sizes it (records_generate says how many records it wrote).
 */
#ifndef RECORDS_H
#define RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "byteview.h"

enum records_column {
	RECORDS_NAME,
	RECORDS_CITY,
	RECORDS_ITEM,
	RECORDS_AMOUNT,
	RECORDS_COLUMNS		/* how many there are */
};

#define RECORDS_WORDS 16		/* different words in each word column */
#define RECORDS_MAX_FIELD_LEN 65536	/* longest word records_generate makes */

/* --- The text ---------------------------------------------------------------- */

struct records_text {
	size_t len;		/* bytes written, whole lines only */
	size_t records;		/* lines written */
};

/*
 * Fill buf[0..size) with whole lines of the text; the few bytes left over
 * after the last line that fits are not touched. field_len is from 1 to
 * RECORDS_MAX_FIELD_LEN.
 */
struct records_text records_generate(unsigned char *buf, size_t size,
				     size_t field_len);

/*
 * Write word number `word` (< RECORDS_WORDS) of word column `column` into
 * out, which holds field_len bytes. The query looks for one of these.
 */
void records_word(unsigned char *out, size_t field_len,
		  enum records_column column, unsigned word);

/* --- The table ---------------------------------------------------------------- */

struct records_table {
	struct byteview *fields;	/* capacity * RECORDS_COLUMNS views */
	size_t records;			/* records loaded */
	size_t capacity;		/* records there is room for */
	bool holds_copies;		/* the views point at copies we own */
};

/* An empty table with room for capacity records. Returns 0, or -1 (ENOMEM). */
int records_table_init(struct records_table *t, size_t capacity);

/* Forget every record (freeing the copies, if any) and free the table. */
void records_table_release(struct records_table *t);

/* Forget every record, freeing the copies if the table holds copies. */
void records_clear(struct records_table *t);

/*
 * Load text into t, replacing what it held. Empty lines are skipped. Returns
 * 0, or -1 with errno, leaving t empty: EINVAL when a line does not have
 * exactly RECORDS_COLUMNS fields, ENOSPC when there are more records than
 * capacity, ENOMEM when a copy cannot be allocated.
 */
int records_load_views(struct records_table *t, struct byteview text);
int records_load_copies(struct records_table *t, struct byteview text);

/* --- The query ------------------------------------------------------------------ */

struct records_answer {
	uint64_t records;	/* records in the table */
	uint64_t matches;	/* records whose city equals the key */
	int64_t total;		/* the sum of every amount */
};

/*
 * Answer the question over t. Returns 0, or -1 with errno EINVAL (an amount
 * that is not a whole number) or ERANGE (a total outside int64_t).
 */
int records_query(const struct records_table *t, struct byteview city,
		  struct records_answer *out);

/* The answer folded into one number, for the harness's checksum check. */
uint64_t records_fingerprint(const struct records_answer *a);

#endif
