/*
 * fuzz.c - reading numbers from fuzz input, and catching REQUIRE (fuzz.h).
 *
 * mock_assert is the function check.h calls under UNIT_TESTING. In the
 * tests cmocka provides it; in the fuzz targets this file does: when a
 * target has armed it (FUZZ_REFUSED), a failed REQUIRE jumps back to the
 * target, which then checks that the call deserved to be refused; when it
 * is not armed, a failed REQUIRE is a finding and aborts.
 */
#include "fuzz.h"

#include "check.h"

jmp_buf fuzz_require_env;
volatile bool fuzz_require_armed;

uint8_t fuzz_byte(struct fuzz_input *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

uint64_t fuzz_u64(struct fuzz_input *in)
{
	uint64_t x = 0;

	for (int i = 0; i < 8; i++)
		x |= (uint64_t)fuzz_byte(in) << (8 * i);
	return x;
}

size_t fuzz_length(struct fuzz_input *in, size_t max)
{
	size_t low = fuzz_byte(in);

	return (low | (size_t)fuzz_byte(in) << 8) % max;
}

size_t fuzz_size_near(struct fuzz_input *in, size_t near)
{
	uint8_t tag = fuzz_byte(in), b = fuzz_byte(in);

	switch (tag % 4) {
	case 0: return b;
	case 1: return SIZE_MAX - b;
	case 2: return (size_t)fuzz_u64(in);
	default: return near + (size_t)(int8_t)b; /* may wrap: on purpose */
	}
}

_Noreturn void fuzz_failed(const char *cond, const char *file, int line)
{
	fprintf(stderr, "%s:%d: property failed: %s\n", file, line, cond);
	abort();
}

void mock_assert(const int result, const char *const expression,
		 const char *const file, const int line)
{
	if (result)
		return;
	if (!fuzz_require_armed) {
		fprintf(stderr,
			"%s:%d: REQUIRE(%s) failed outside FUZZ_REFUSED\n",
			file, line, expression);
		abort();
	}
	longjmp(fuzz_require_env, 1);
}
