/*
 * fuzz_byteview.c - slicing and indexing byteviews (byteview.h).
 *
 * The input is a script: the first two bytes say how long the buffer is,
 * and the rest is a list of operations on a view that starts as the whole
 * buffer. The indexes are chosen around
 * the edges (0, the length, SIZE_MAX), where a check like lo + n <= len
 * would wrap around.
 *
 * Properties, for every script:
 *   - a slice [lo, hi) is refused by REQUIRE exactly when it is not
 *     lo <= hi <= len; an accepted one starts lo bytes into its parent,
 *     holds hi - lo bytes, and lies wholly inside the parent;
 *   - byteview_at(v, i) is refused exactly when i >= len, and otherwise
 *     reads the byte of the buffer it names;
 *   - however many slices are taken, the view stays inside the buffer:
 *     the buffer is allocated at its exact size, so AddressSanitizer
 *     would also catch a read one byte past it.
 */
#include <string.h>

#include "byteview.h"
#include "fuzz.h"

#define MAX_BUFFER 4096
#define MAX_STEPS 64

struct state {
	const unsigned char *buf;	/* the owner's bytes */
	size_t buflen;
	struct byteview v;		/* the current view */
	size_t offset;			/* where v starts in buf */
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

static void step_copy(struct state *s)
{
	unsigned char *dst = malloc(s->v.len ? s->v.len : 1);

	FUZZ_CHECK(dst != NULL);
	FUZZ_CHECK(byteview_copy(dst, s->v) == dst);
	FUZZ_CHECK(s->v.len == 0 ||
		   memcmp(dst, s->buf + s->offset, s->v.len) == 0);
	free(dst);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct state s = { 0 };
	size_t len = (fuzz_byte(&in) | (size_t)fuzz_byte(&in) << 8) % MAX_BUFFER;
	unsigned char *buf = malloc(len ? len : 1);

	if (!buf)
		return 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	s = (struct state){ .buf = buf, .buflen = len,
			    .v = byteview_make(len ? buf : NULL, len) };
	for (int n = 0; n < MAX_STEPS && in.n > 0; n++) {
		switch (fuzz_byte(&in) % 3) {
		case 0: step_slice(&s, &in); break;
		case 1: step_at(&s, &in); break;
		default: step_copy(&s); break;
		}
	}
	free(buf);
	return 0;
}
