/*
 * exercise.h - lesson 02: read a text through views, copying nothing.
 *
 * Each function receives views and hands back views (or numbers) without
 * allocating or copying a byte: use byteview_slice, byteview_find,
 * byteview_split_next, byteview_trim and byteview_parse_int64 (byteview.h).
 * The tests check with the copy counter that nothing was copied.
 */
#ifndef LESSON_02_EXERCISE_H
#define LESSON_02_EXERCISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "byteview.h"

/*
 * Split line at delim into views of its fields, stored in fields[0..max).
 * Returns how many fields the line has, which may be more than max: then
 * only the first max are stored (like snprintf, which says how much room it
 * would have needed). "a,,b" has three fields, the middle one empty; an
 * empty line has one empty field.
 */
size_t split_fields(struct byteview line, unsigned char delim,
		    struct byteview *fields, size_t max);

/*
 * Add up column `column` (counting from 0) of every non-empty line of a
 * comma-separated text. Each field is trimmed of white space before it is
 * read as a whole number. Returns 0 and sets *sum, or returns -1 with errno
 * and leaves *sum alone: EINVAL when a line has no such column or the field
 * there is not a number, ERANGE when the sum does not fit in int64_t.
 */
int sum_column(struct byteview text, size_t column, int64_t *sum);

/*
 * Does every byte of inner lie inside outer? An empty inner is inside when
 * its address is within [outer.data, outer.data + outer.len], the end
 * included (where an empty slice at the end points).
 */
bool view_is_inside(struct byteview inner, struct byteview outer);

#endif
