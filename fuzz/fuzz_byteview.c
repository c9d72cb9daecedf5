/*
 * fuzz_byteview.c - slicing, splitting and reading byteviews (byteview.h).
 *
 * The input is a script: the first two bytes say how long the buffer is,
 * the next bytes fill it, and the rest is a list of operations on a view
 * that starts as the whole buffer. The indexes are chosen around the edges
 * (0, the length, SIZE_MAX), where a check like lo + n <= len would wrap
 * around.
 *
 * Properties, for every script:
 *   - a slice [lo, hi) is refused by REQUIRE exactly when it is not
 *     lo <= hi <= len; an accepted one starts lo bytes into its parent,
 *     holds hi - lo bytes, and lies wholly inside the parent;
 *   - byteview_at(v, i) is refused exactly when i >= len, and otherwise
 *     reads the byte of the buffer it names;
 *   - splitting at a delimiter hands out n + 1 fields for n delimiters,
 *     in order, each inside the view, none holding the delimiter, and
 *     exactly one delimiter between neighbours: the fields and the
 *     delimiters tile the view;
 *   - find returns the first match or the length; trim removes exactly the
 *     white space at both ends; parse_int64 agrees with a 128-bit model;
 *   - however many slices are taken, the view stays inside the buffer:
 *     the buffer is allocated at its exact size, so AddressSanitizer
 *     would also catch a read one byte past it.
 */
#include <errno.h>
#include <string.h>

#include "byteview.h"
#include "fuzz.h"

#define MAX_BUFFER 4096
#define MAX_STEPS 64

struct state {
	const unsigned char *buf; /* the owner's bytes */
	size_t buflen;
	struct byteview v; /* the current view */
	size_t offset;	   /* where v starts in buf */
};

/* The view lies inside the buffer, where the state says it does. */
static void check_inside(const struct state *s)
{
	FUZZ_CHECK(s->offset <= s->buflen);
	FUZZ_CHECK(s->v.len <= s->buflen - s->offset);
	FUZZ_CHECK(s->v.len == 0 || s->v.data == s->buf + s->offset);
}

static void step_slice(struct state *s, struct fuzz_input *in)
{
	size_t lo = fuzz_size_near(in, s->v.len);
	size_t hi = fuzz_size_near(in, s->v.len);
	bool valid = lo <= hi && hi <= s->v.len, refused;
	struct byteview w;

	FUZZ_REFUSED(refused, w = byteview_slice(s->v, lo, hi));
	FUZZ_CHECK(refused == !valid);
	if (refused)
		return;
	FUZZ_CHECK(w.len == hi - lo);
	FUZZ_CHECK(w.len == 0 || w.data == s->v.data + lo);
	s->v = w;
	s->offset += lo;
	check_inside(s);
}

static void step_at(struct state *s, struct fuzz_input *in)
{
	size_t i = fuzz_size_near(in, s->v.len);
	bool refused;
	unsigned char c = 0;

	FUZZ_REFUSED(refused, c = byteview_at(s->v, i));
	FUZZ_CHECK(refused == (i >= s->v.len));
	if (!refused)
		FUZZ_CHECK(c == s->buf[s->offset + i]);
}

static void step_copy(struct state *s, struct fuzz_input *in)
{
	unsigned char *dst = malloc(s->v.len ? s->v.len : 1);

	(void)in;
	FUZZ_CHECK(dst != NULL);
	FUZZ_CHECK(byteview_copy(dst, s->v) == dst);
	FUZZ_CHECK(s->v.len == 0 ||
		   memcmp(dst, s->buf + s->offset, s->v.len) == 0);
	free(dst);
}

/* Fields and delimiters tile the view, in order. */
static void step_split(struct state *s, struct fuzz_input *in)
{
	unsigned char delim = fuzz_byte(in);
	struct byteview_split it = byteview_split_init(s->v, delim);
	struct byteview field;
	size_t pos = 0, fields = 0, delims = 0;

	for (size_t i = 0; i < s->v.len; i++)
		delims += s->v.data[i] == delim;
	while (byteview_split_next(&it, &field)) {
		FUZZ_CHECK(fields <= delims); /* it ends */
		FUZZ_CHECK(pos <= s->v.len && field.len <= s->v.len - pos);
		FUZZ_CHECK(field.len == 0 || field.data == s->v.data + pos);
		FUZZ_CHECK(byteview_find(field, delim) == field.len);
		pos += field.len;
		FUZZ_CHECK(pos == s->v.len || s->v.data[pos] == delim);
		pos++;
		fields++;
	}
	FUZZ_CHECK(fields == delims + 1);
	FUZZ_CHECK(pos == s->v.len + 1);
	FUZZ_CHECK(!byteview_split_next(&it, &field)); /* and stays ended */
}

static void step_find(struct state *s, struct fuzz_input *in)
{
	unsigned char c = fuzz_byte(in);
	size_t at = byteview_find(s->v, c);

	FUZZ_CHECK(at <= s->v.len);
	for (size_t i = 0; i < at; i++)
		FUZZ_CHECK(s->v.data[i] != c);
	FUZZ_CHECK(at == s->v.len || s->v.data[at] == c);
}

static bool is_white(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void step_trim(struct state *s, struct fuzz_input *in)
{
	struct byteview t = byteview_trim(s->v);
	size_t lo = t.len ? (size_t)(t.data - s->v.data) : 0;

	(void)in;
	FUZZ_CHECK(lo <= s->v.len && t.len <= s->v.len - lo);
	if (t.len) {
		FUZZ_CHECK(!is_white(t.data[0]) &&
			   !is_white(t.data[t.len - 1]));
		for (size_t i = 0; i < lo; i++)
			FUZZ_CHECK(is_white(s->v.data[i]));
		for (size_t i = lo + t.len; i < s->v.len; i++)
			FUZZ_CHECK(is_white(s->v.data[i]));
	} else {
		for (size_t i = 0; i < s->v.len; i++)
			FUZZ_CHECK(is_white(s->v.data[i]));
	}
}

/* What byteview_parse_int64 must answer: 0 and *out, or an errno value. */
static int model_int64(struct byteview v, int64_t *out)
{
	size_t i = v.len && (v.data[0] == '-' || v.data[0] == '+');
	__int128 value = 0;

	if (i == v.len)
		return EINVAL;
	for (size_t k = i; k < v.len; k++)
		if (v.data[k] < '0' || v.data[k] > '9')
			return EINVAL;
	for (; i < v.len; i++) {
		value = value * 10 + (v.data[i] - '0');
		if (value > (__int128)INT64_MAX + 1)
			return ERANGE;
	}
	if (v.data[0] == '-')
		value = -value;
	if (value > INT64_MAX)
		return ERANGE;
	*out = (int64_t)value;
	return 0;
}

static void step_parse(struct state *s, struct fuzz_input *in)
{
	int64_t got = 0, want = 0;
	int model = model_int64(s->v, &want);

	(void)in;
	errno = 0;
	if (byteview_parse_int64(s->v, &got) == 0) {
		FUZZ_CHECK(model == 0);
		FUZZ_CHECK(got == want);
	} else {
		FUZZ_CHECK(model != 0);
		FUZZ_CHECK(errno == model);
	}
}

/* The operations a script chooses from, by its next byte. */
static void (*const steps[])(struct state *, struct fuzz_input *) = {
	step_slice, /* slice [lo, hi): refused, or inside its parent */
	step_at,    /* one byte: refused past the end, or the right one */
	step_split, /* fields and delimiters tile the view */
	step_find,  /* the first match, or the length */
	step_trim,  /* exactly the white space at both ends goes */
	step_parse, /* parse_int64 agrees with the model */
	step_copy,  /* the copy holds the view's bytes */
};
enum { NSTEPS = sizeof(steps) / sizeof(steps[0]) };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct state s = { 0 };
	size_t len = fuzz_length(&in, MAX_BUFFER);
	unsigned char *buf;

	if (len > in.n)
		len = in.n;
	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = fuzz_byte(&in);
	s = (struct state){ .buf = buf,
			    .buflen = len,
			    .v = byteview_make(len ? buf : NULL, len) };
	for (int n = 0; n < MAX_STEPS && in.n > 0; n++)
		steps[fuzz_byte(&in) % NSTEPS](&s, &in);
	free(buf);
	return 0;
}
