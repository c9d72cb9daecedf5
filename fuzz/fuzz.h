/*
 * fuzz.h - what the libFuzzer targets in fuzz/ share.
 *
 * A fuzz target is a function libFuzzer calls millions of times with bytes
 * it invents, keeping the inputs that reach new code. Ours turn those
 * bytes into calls to the library and then check properties that must
 * hold for every input: a slice lies inside its parent, a refused range is
 * refused by REQUIRE and not obeyed, a parsed size prints back as itself.
 * A property that fails calls FUZZ_CHECK, which aborts, and libFuzzer
 * saves the input that did it.
 *
 * Two helpers:
 *   - struct fuzz_input reads numbers from the bytes, biased towards the
 *     edges where arithmetic overflows (0, 1, SIZE_MAX, near a length),
 *     and the length of the buffer a script starts with;
 *   - FUZZ_REFUSED runs one statement and says whether a REQUIRE inside it
 *     failed. The targets are built with UNIT_TESTING, so REQUIRE calls
 *     mock_assert (check.h), which fuzz.c defines to jump back here.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The bytes not yet consumed. Reading past the end gives zeros. */
struct fuzz_input {
	const uint8_t *p;
	size_t n;
};

/* The next byte (0 when the input is used up). */
uint8_t fuzz_byte(struct fuzz_input *in);

/* The next 8 bytes as a little-endian number. */
uint64_t fuzz_u64(struct fuzz_input *in);

/* The next two bytes, low first, as a length below max: a buffer's size. */
size_t fuzz_length(struct fuzz_input *in, size_t max);

/*
 * A size chosen the way a bug would like it: small, just below SIZE_MAX,
 * any 64-bit value, or within a few bytes of near (a length in play).
 */
size_t fuzz_size_near(struct fuzz_input *in, size_t near);

/* Check a property; on failure print it and abort (libFuzzer saves the input). */
#define FUZZ_CHECK(cond) \
	((cond) ? (void)0 : fuzz_failed(#cond, __FILE__, __LINE__))

_Noreturn void fuzz_failed(const char *cond, const char *file, int line);

/* Where mock_assert jumps when armed, and whether it is armed. */
extern jmp_buf fuzz_require_env;
extern volatile bool fuzz_require_armed;

/*
 * Run stmt and set refused to whether a REQUIRE inside it failed. A macro,
 * not a function: setjmp must be called in the frame that survives the jump.
 * Anything stmt assigns may be used only when refused is false.
 */
#define FUZZ_REFUSED(refused, stmt)                  \
	do {                                         \
		if (setjmp(fuzz_require_env) == 0) { \
			fuzz_require_armed = true;   \
			stmt;                        \
			fuzz_require_armed = false;  \
			(refused) = false;           \
		} else {                             \
			fuzz_require_armed = false;  \
			(refused) = true;            \
		}                                    \
	} while (0)

#endif
