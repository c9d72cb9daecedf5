/*
 * variants.h - lesson 02's two ways of loading a table of records, as the
 * harness times them. The demo (02-views.c) and the benchmark
 * (bench/02-views.c) both include this file, so the demo's figures and the
 * plots' come from the same loop.
 *
 * A way is one load function of records.h (records_load_copies, or
 * records_load_views) with the text it loads and the question asked of the
 * table: one operation is one load of the whole text plus the query. The
 * copying way frees the previous load's copies first, as a program that
 * reloads would, so the cost of free() is in its time; the table stays
 * loaded between operations, so the harness's extra_bytes is the memory a
 * loaded table needs beyond the text.
 *
 *   way_setup / way_teardown   the table (records_table_init / _release)
 *   way_run                    load and query, iters times; a load or
 *                              query that fails is reported to the
 *                              harness (bench_variant_failed)
 *   way_variant                a harness variant of a way
 *
 * Everything is static inline, so each program keeps its own copy.
 */
#ifndef LESSON_02_VARIANTS_H
#define LESSON_02_VARIANTS_H

#include <errno.h>
#include <malloc.h>
#include <stdint.h>

#include "byteview.h"
#include "harness.h"
#include "records.h"

/* One way of loading: the text, the key, and the table it keeps loaded. */
struct way {
	struct byteview text;		/* the records, as generated */
	struct byteview city;		/* the key the query counts */
	size_t records;			/* how many records the text holds */
	int (*load)(struct records_table *t, struct byteview text);
	struct records_table table;
	struct records_answer answer;	/* the last query's */
};

static inline int way_setup(void *ctx)
{
	struct way *w = ctx;

	return records_table_init(&w->table, w->records);
}

/*
 * The copies freed here go back to malloc, which keeps them for later; give
 * them back to the kernel, or the next measurement's copies would reuse
 * resident memory and extra_bytes would come out too small (malloc_trim is
 * glibc's).
 */
static inline void way_teardown(void *ctx)
{
	struct way *w = ctx;

	records_table_release(&w->table);
	malloc_trim(0);
}

static inline uint64_t way_run(void *ctx, uint64_t iters)
{
	struct way *w = ctx;

	for (uint64_t i = 0; i < iters; i++) {
		if (w->load(&w->table, w->text) < 0 ||
		    records_query(&w->table, w->city, &w->answer) < 0) {
			bench_variant_failed(errno);	/* the harness says why */
			return 0;
		}
	}
	return records_fingerprint(&w->answer);
}

/* The harness's variant for way w, under name. */
static inline struct bench_variant way_variant(const char *name, struct way *w)
{
	return (struct bench_variant){
		.name = name, .run = way_run, .setup = way_setup,
		.teardown = way_teardown, .ctx = w, .reads_data = 1,
		.bytes_per_op = w->text.len,
	};
}

#endif
