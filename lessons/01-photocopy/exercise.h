/*
 * exercise.h - lesson 01: photocopy some pages, or hand over the original.
 *
 * The report is one buffer of npages pages of REPORT_PAGE_SIZE bytes. Pages
 * are numbered from 0 in code and ranges are half-open, so "pages 200 to
 * 250" as a person says it (51 pages, counting from 1) is first = 199,
 * last = 250 here.
 *
 * Both functions REQUIRE first <= last <= npages.
 */
#ifndef LESSON_01_EXERCISE_H
#define LESSON_01_EXERCISE_H

#include <stddef.h>

#include "byteview.h"

#define REPORT_PAGE_SIZE 4096

/*
 * Option B, hand over the original: a view of pages [first, last) of the
 * report. Nothing is copied or allocated; the view is only valid while the
 * report is.
 */
struct byteview hand_over_pages(const unsigned char *report, size_t npages,
				 size_t first, size_t last);

/*
 * Option A, the photocopy: a new buffer from malloc holding a copy of pages
 * [first, last), copied with measure_copy so the copy counter sees it. The
 * caller owns it and gives it back with photocopy_release. An empty range
 * still returns a buffer (of at least one byte). NULL with errno when
 * memory runs out.
 */
unsigned char *photocopy_pages(const unsigned char *report, size_t npages,
			       size_t first, size_t last);

/* Recycle a photocopy's paper (free it). NULL is allowed and does nothing. */
void photocopy_release(unsigned char *copy);

#endif
