/*
 * solution.c - lesson 01's exercise, solved.
 *
 * Handing over is arithmetic: the view starts first pages into the report.
 * The photocopy is the same arithmetic plus new paper (malloc) and the
 * copying itself (measure_copy, a counted memcpy).
 */
#include <stdlib.h>

#include "exercise.h"
#include "measure.h"

struct byteview hand_over_pages(const unsigned char *report, size_t npages,
				size_t first, size_t last)
{
	struct byteview whole = byteview_make(report, npages * REPORT_PAGE_SIZE);

	REQUIRE(first <= last && last <= npages);
	return byteview_slice(whole, first * REPORT_PAGE_SIZE,
			      last * REPORT_PAGE_SIZE);
}

unsigned char *photocopy_pages(const unsigned char *report, size_t npages,
			       size_t first, size_t last)
{
	struct byteview pages = hand_over_pages(report, npages, first, last);
	unsigned char *copy = malloc(pages.len ? pages.len : 1);

	if (!copy)
		return NULL;
	byteview_copy(copy, pages);
	return copy;
}

void photocopy_release(unsigned char *copy)
{
	free(copy);
}
