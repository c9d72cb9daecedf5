/*
 * stridewalk.c - the walks, tours, uses and matrix products of lesson 03
 * (see stridewalk.h).
 *
 * Every loop reads items through a view's data pointer and stride, one
 * item at a time, with memcpy (which the compiler turns into one load):
 * the layout of the data is the only thing that differs between the ways
 * the benchmark compares.
 */
#include "stridewalk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define LINE 64

/* --- Walks ------------------------------------------------------------------ */

uint64_t stridewalk_sum(struct strideview v)
{
	uint64_t sum = 0, x;

	REQUIRE(v.ndim == 1 && v.itemsize == 8);
	for (size_t i = 0; i < v.shape[0]; i++) {
		memcpy(&x, v.data + (ptrdiff_t)i * v.strides[0], sizeof(x));
		sum += x;
	}
	return sum;
}

double stridewalk_dot(struct strideview x, struct strideview y)
{
	double sum = 0, a, b;

	REQUIRE(x.ndim == 1 && y.ndim == 1 && x.shape[0] == y.shape[0]);
	REQUIRE(x.itemsize == sizeof(double) && y.itemsize == sizeof(double));
	for (size_t k = 0; k < x.shape[0]; k++) {
		memcpy(&a, x.data + (ptrdiff_t)k * x.strides[0], sizeof(a));
		memcpy(&b, y.data + (ptrdiff_t)k * y.strides[0], sizeof(b));
		sum += a * b;
	}
	return sum;
}

/* --- Tours ------------------------------------------------------------------ */

/*
 * Within one span of n * stride bytes, views may start at stride / 64
 * different line offsets (one, for strides below a line); the buffer holds
 * len / span spans. View q takes span q / phases, offset q % phases.
 */
struct stridewalk_tour stridewalk_tour(const void *buf, size_t len,
				       size_t stride, size_t n)
{
	struct stridewalk_tour t = { .buf = buf, .len = len, .stride = stride,
				     .n = n };

	REQUIRE(stride >= 8 && stride % 8 == 0 && n > 0);
	REQUIRE(n <= len / stride);
	t.span = n * stride;
	t.phases = stride > LINE ? stride / LINE : 1;
	t.count = len / t.span * t.phases;
	return t;
}

struct strideview stridewalk_tour_view(const struct stridewalk_tour *t,
				       size_t q)
{
	struct strideview v;
	size_t shape[] = { t->n };
	ptrdiff_t strides[] = { (ptrdiff_t)t->stride };
	size_t offset;

	q %= t->count;
	offset = q / t->phases * t->span + q % t->phases * LINE;
	if (strideview_init(&v, t->buf, t->len, offset, 8, 1, shape,
			    strides) < 0) {
		perror("stridewalk: a view of the tour outside its buffer");
		abort();	/* the arithmetic above is wrong */
	}
	return v;
}

/* A word at offset o of a span belongs to item o / stride. */
void stridewalk_fill(unsigned char *buf, const struct stridewalk_tour *t)
{
	REQUIRE(buf == t->buf);
	for (size_t o = 0; o + t->span <= t->len; o += t->span) {
		for (size_t i = 0; i < t->n; i++) {
			uint64_t x = (i + 1) * 0x9e3779b97f4a7c15u;

			for (size_t w = 0; w < t->stride; w += 8)
				memcpy(buf + o + i * t->stride + w, &x, 8);
		}
	}
}

/* --- Uses --------------------------------------------------------------------- */

uint64_t stridewalk_items(struct stridewalk_tour *t, uint64_t items)
{
	uint64_t sum = 0;

	while (items > 0) {
		struct strideview v = stridewalk_tour_view(t, t->q);
		size_t m = t->n - t->next;

		if (m > items)
			m = (size_t)items;
		sum += stridewalk_sum(strideview_slice(v, 0, (ptrdiff_t)t->next,
						       (ptrdiff_t)(t->next + m), 1));
		t->next += m;
		items -= m;
		if (t->next == t->n) {
			t->next = 0;
			t->q++;
		}
	}
	return sum;
}

uint64_t stridewalk_use_view(struct stridewalk_tour *t, size_t k)
{
	struct strideview v = stridewalk_tour_view(t, t->q++);
	uint64_t sum = 0;

	for (size_t r = 0; r < k; r++)
		sum += stridewalk_sum(v);
	return sum;
}

uint64_t stridewalk_use_packed(struct stridewalk_tour *t, size_t k,
			       void *packed)
{
	struct strideview v = stridewalk_tour_view(t, t->q++), copy;
	uint64_t sum = 0;

	strideview_pack(packed, v);
	if (strideview_init_contiguous(&copy, packed, t->n * 8, 8, 1,
				       (size_t[]){ t->n }) < 0) {
		perror("stridewalk: a view of the packed copy");
		abort();	/* t->n * 8 bytes always hold t->n items */
	}
	for (size_t r = 0; r < k; r++)
		sum += stridewalk_sum(copy);
	return sum;
}

/* --- Matrix products -------------------------------------------------------- */

static void require_square(double *c, struct strideview a, struct strideview b)
{
	REQUIRE(c != NULL);
	REQUIRE(a.ndim == 2 && b.ndim == 2);
	REQUIRE(a.shape[0] == a.shape[1] && b.shape[0] == a.shape[0] &&
		b.shape[1] == a.shape[0]);
}

/*
 * Rows [lo, hi) of c = a b, where column j of b is strideview_select(by,
 * dim, j): b itself with dim 1 (its columns), or its transposed copy with
 * dim 0 (that copy's rows). The two products differ only in how b is read.
 */
static void matmul_rows(double *c, struct strideview a, struct strideview by,
			size_t dim, size_t lo, size_t hi)
{
	size_t n = a.shape[0];

	require_square(c, a, by);
	REQUIRE(lo <= hi && hi <= n);
	for (size_t i = lo; i < hi; i++) {
		struct strideview row = strideview_select(a, 0, i);

		for (size_t j = 0; j < n; j++) {
			struct strideview col = strideview_select(by, dim, j);

			c[i * n + j] = stridewalk_dot(row, col);
		}
	}
}

void stridewalk_matmul_rows_by_column(double *c, struct strideview a,
				      struct strideview b, size_t lo, size_t hi)
{
	matmul_rows(c, a, b, 1, lo, hi);
}

/* Column j of b, packed, is row j of bt: its n items in order. */
void stridewalk_transpose_columns(double *bt, struct strideview b, size_t lo,
				  size_t hi)
{
	size_t n = b.shape[0];

	REQUIRE(bt != NULL && b.ndim == 2 && b.shape[1] == n);
	REQUIRE(b.itemsize == sizeof(double));
	REQUIRE(lo <= hi && hi <= n);
	for (size_t j = lo; j < hi; j++)
		strideview_pack(bt + j * n, strideview_select(b, 1, j));
}

void stridewalk_matmul_rows_transposed(double *c, struct strideview a,
				       const double *bt, size_t lo, size_t hi)
{
	size_t n = a.shape[0];
	struct strideview t;

	REQUIRE(bt != NULL);
	if (strideview_init_contiguous(&t, bt, n * n * sizeof(double),
				       sizeof(double), 2, a.shape) < 0) {
		perror("stridewalk: a view of the transposed copy");
		abort();	/* n * n doubles always hold an n x n matrix */
	}
	matmul_rows(c, a, t, 0, lo, hi);
}

void stridewalk_matmul_by_column(double *c, struct strideview a,
				 struct strideview b)
{
	stridewalk_matmul_rows_by_column(c, a, b, 0, a.shape[0]);
}

void stridewalk_matmul_transposed_copy(double *c, struct strideview a,
				       struct strideview b, double *bt)
{
	require_square(c, a, b);
	stridewalk_transpose_columns(bt, b, 0, b.shape[0]);
	stridewalk_matmul_rows_transposed(c, a, bt, 0, a.shape[0]);
}
