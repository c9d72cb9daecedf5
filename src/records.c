/*
 * records.c - generate the records text, load it as views or as copies,
 * and query the table (see records.h).
 *
 * Layout: the generator (a small xorshift random number generator and the
 * word spelling), the table's life cycle, the two ways of loading, which
 * share one loop and differ only in photocopy_record, and the query.
 */
#include "records.h"

#include <errno.h>
#include <stdlib.h>

#include "check.h"

/* --- The text ------------------------------------------------------------------ */

/* xorshift64*: fast, and the same sequence on every machine. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1Du;
}

/*
 * Letter i of a word. The first letter alone tells the RECORDS_WORDS words
 * of a column apart (16 different letters out of 26); the rest only needs
 * to look like text.
 */
static unsigned char letter(unsigned column, unsigned word, size_t i)
{
	size_t k = word + 5 * column + i * (3 * word + column + 7) + i * i;

	return (unsigned char)('a' + k % 26);
}

void records_word(unsigned char *out, size_t field_len,
		  enum records_column column, unsigned word)
{
	REQUIRE(column < RECORDS_AMOUNT && word < RECORDS_WORDS);
	for (size_t i = 0; i < field_len; i++)
		out[i] = letter(column, word, i);
}

/* Write n in decimal at p; returns the number of digits (at most 20). */
static size_t put_number(unsigned char *p, uint64_t n)
{
	unsigned char digits[20];
	size_t len = 0;

	do {
		digits[len++] = (unsigned char)('0' + n % 10);
		n /= 10;
	} while (n);
	for (size_t i = 0; i < len; i++)
		p[i] = digits[len - 1 - i];
	return len;
}

/* One line at p, which has room for it; returns its length. */
static size_t put_line(unsigned char *p, size_t field_len, uint64_t *state)
{
	uint64_t r = next_random(state);
	size_t at = 0;

	for (unsigned c = RECORDS_NAME; c < RECORDS_AMOUNT; c++) {
		records_word(p + at, field_len, c, (r >> (4 * c)) % RECORDS_WORDS);
		at += field_len;
		p[at++] = ',';
	}
	at += put_number(p + at, (r >> 20) % 100000);
	p[at++] = '\n';
	return at;
}

struct records_text records_generate(unsigned char *buf, size_t size,
				     size_t field_len)
{
	/* three words, three commas, five digits, one newline */
	size_t longest = 3 * field_len + 3 + 5 + 1;
	struct records_text text = { 0, 0 };
	uint64_t state = 0x9E3779B97F4A7C15u;

	REQUIRE(field_len >= 1 && field_len <= RECORDS_MAX_FIELD_LEN);
	REQUIRE(buf != NULL || size == 0);
	while (size - text.len >= longest) {
		text.len += put_line(buf + text.len, field_len, &state);
		text.records++;
	}
	return text;
}

/* --- The table ------------------------------------------------------------------ */

int records_table_init(struct records_table *t, size_t capacity)
{
	size_t bytes;

	*t = (struct records_table){ 0 };
	if (__builtin_mul_overflow(capacity, RECORDS_COLUMNS * sizeof(*t->fields),
				   &bytes)) {
		errno = ENOMEM;
		return -1;
	}
	t->fields = malloc(bytes ? bytes : 1);
	if (!t->fields)
		return -1;
	t->capacity = capacity;
	return 0;
}

/* The views of a table of copies point at memory the table owns. */
static void free_copies(struct byteview *field, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)field[i].data);
}

void records_clear(struct records_table *t)
{
	if (t->holds_copies)
		free_copies(t->fields, t->records * RECORDS_COLUMNS);
	t->records = 0;
	t->holds_copies = false;
}

void records_table_release(struct records_table *t)
{
	records_clear(t);
	free(t->fields);
	*t = (struct records_table){ 0 };
}

/* --- Loading ----------------------------------------------------------------------- */

/* Split one line into exactly RECORDS_COLUMNS views of it. */
static int split_record(struct byteview line, struct byteview *field)
{
	struct byteview_split it = byteview_split_init(line, ',');
	size_t n = 0;

	while (n < RECORDS_COLUMNS && byteview_split_next(&it, &field[n]))
		n++;
	if (n < RECORDS_COLUMNS || !it.done) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/*
 * What strndup does, except that a NUL byte inside the field cannot cut
 * the copy short: a new allocation holding the field and a NUL after it.
 */
static const unsigned char *copy_field(struct byteview f)
{
	unsigned char *copy = malloc(f.len + 1);

	if (!copy)
		return NULL;
	byteview_copy(copy, f);
	copy[f.len] = '\0';
	return copy;
}

/* Point each view of one record at its own photocopy. */
static int photocopy_record(struct byteview *field)
{
	for (size_t c = 0; c < RECORDS_COLUMNS; c++) {
		const unsigned char *copy = copy_field(field[c]);

		if (!copy) {
			free_copies(field, c);
			return -1;
		}
		field[c].data = copy;
	}
	return 0;
}

static int load(struct records_table *t, struct byteview text, bool copy)
{
	struct byteview_split lines = byteview_split_init(text, '\n');
	struct byteview line;

	records_clear(t);
	t->holds_copies = copy;
	while (byteview_split_next(&lines, &line)) {
		struct byteview *field;

		if (line.len == 0)
			continue;
		if (t->records == t->capacity) {
			errno = ENOSPC;
			goto out_clear;
		}
		field = &t->fields[t->records * RECORDS_COLUMNS];
		if (split_record(line, field) < 0 ||
		    (copy && photocopy_record(field) < 0))
			goto out_clear;
		t->records++;
	}
	return 0;

out_clear:
	records_clear(t);
	return -1;
}

int records_load_views(struct records_table *t, struct byteview text)
{
	return load(t, text, false);
}

int records_load_copies(struct records_table *t, struct byteview text)
{
	return load(t, text, true);
}

/* --- The query ------------------------------------------------------------------------ */

int records_query(const struct records_table *t, struct byteview city,
		  struct records_answer *out)
{
	struct records_answer a = { .records = t->records };

	for (size_t r = 0; r < t->records; r++) {
		const struct byteview *field = &t->fields[r * RECORDS_COLUMNS];
		int64_t amount;

		/* trimmed, so that a text with \r\n line ends reads too */
		if (byteview_parse_int64(byteview_trim(field[RECORDS_AMOUNT]),
					 &amount) < 0)
			return -1;
		if (__builtin_add_overflow(a.total, amount, &a.total)) {
			errno = ERANGE;
			return -1;
		}
		a.matches += byteview_equal(field[RECORDS_CITY], city);
	}
	*out = a;
	return 0;
}

uint64_t records_fingerprint(const struct records_answer *a)
{
	return a->records * 0x100000001B3u ^ a->matches * 0x9E3779B97F4A7C15u ^
	       (uint64_t)a->total;
}
