/*
 * check.h - REQUIRE, for mistakes made by the caller.
 *
 * The workbench knows two kinds of error (docs/design.md, "How the code
 * reads"):
 *
 *   - A caller's mistake, such as slicing past the end of a view. The program
 *     is wrong, so it stops at once with the file, line and condition that
 *     failed. That is REQUIRE.
 *   - A failure of the world, such as a missing file or no memory. The program
 *     is right, the world is not; the function returns -1 with errno (or NULL)
 *     and the caller reports it in one line. REQUIRE is never used for that.
 *
 * Under UNIT_TESTING (the test builds define it) REQUIRE hands the condition to
 * cmocka's mock_assert(), so a test can say expect_assert_failure(call) and
 * prove that a bad call is refused rather than obeyed.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <stdlib.h>

#ifdef UNIT_TESTING
void mock_assert(const int result, const char *const expression,
		 const char *const file, const int line);
#define REQUIRE(cond) mock_assert(!!(cond), #cond, __FILE__, __LINE__)
#else
#define REQUIRE(cond) \
	((cond) ? (void)0 : check_failed(#cond, __FILE__, __LINE__))
#endif

/* Report a broken REQUIRE and stop; abort() leaves a core for the debugger. */
static inline _Noreturn void check_failed(const char *cond, const char *file,
					  int line)
{
	fprintf(stderr, "%s:%d: caller error: REQUIRE(%s) failed\n", file, line,
		cond);
	abort();
}

#endif
