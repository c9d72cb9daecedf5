/*
 * 02-views.c - load a table of text records by copying every field, or by
 * keeping views of them, and answer the same question from both tables.
 *
 * Two sweeps, written to one CSV:
 *
 *   - input size (param "field=32"): the text grows, every word is 32 bytes;
 *   - field length (param "field=L") at one input size: the text stays the
 *     same size and its words get longer, so there are fewer of them.
 *
 * One operation is one load of the whole text plus the query, timed by the
 * demo's own variants (lessons/02-views/variants.h). The table of each way
 * stays loaded between operations, so extra_bytes is the memory a loaded
 * table needs beyond the text: 16 bytes a field for views, the same plus
 * one allocation a field for copies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lessons/02-views/variants.h"
#include "records.h"

#define DEFAULT_FIELD_LEN 32
/* The least text that holds one record of the size sweep: three words,
 * three commas, five digits and a newline (records_generate). */
#define LEAST_SIZE (3 * DEFAULT_FIELD_LEN + 9)

static const char default_sizes[] = "1M,4M,16M,64M,256M";
/* The short sweep stops at 16 MiB, the size the lesson's questions ask about. */
static const char quick_sizes[] = "1M,4M,16M";

/* The field-length sweep, at one input size. */
static const size_t field_lens[] = { 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };
static const size_t quick_field_lens[] = { 4, 16, 64, 256 };
#define FIELD_SWEEP_SIZE ((size_t)16 << 20)
#define QUICK_FIELD_SWEEP_SIZE ((size_t)1 << 20)

/* The text of `size` bytes, and its key: the first word of the city column. */
struct input {
	unsigned char *buf;
	size_t size;
	struct records_text text;
	unsigned char city[RECORDS_MAX_FIELD_LEN];
	size_t field_len;
};

static int input_make(struct input *in, size_t size, size_t field_len)
{
	in->buf = bench_alloc(size);
	if (!in->buf)
		return -1;
	in->size = size;
	in->field_len = field_len;
	in->text = records_generate(in->buf, size, field_len);
	records_word(in->city, field_len, RECORDS_CITY, 0);
	return 0;
}

/* Measure both ways over one input; prints why and returns -1 on failure. */
static int measure(struct bench_run *run, const char *prog, size_t size,
		   size_t field_len)
{
	struct input *in = malloc(sizeof(*in));
	struct way ways[2];
	struct bench_variant v[2];
	const char *names[2] = { "copy-fields", "view-fields" };
	int (*loads[2])(struct records_table *, struct byteview) = {
		records_load_copies, records_load_views
	};
	char param[32];
	int status = -1;

	if (!in || input_make(in, size, field_len) < 0) {
		fprintf(stderr, "%s: cannot allocate a %zu-byte text: %s\n",
			prog, size, strerror(errno));
		goto out_free;
	}
	if (in->text.records == 0) {
		fprintf(stderr, "%s: %zu bytes cannot hold one record with "
			"%zu-byte fields\n", prog, size, field_len);
		goto out_unmap;
	}
	for (int i = 0; i < 2; i++) {
		ways[i] = (struct way){
			.text = byteview_make(in->buf, in->text.len),
			.city = byteview_make(in->city, field_len),
			.records = in->text.records, .load = loads[i],
		};
		v[i] = way_variant(names[i], &ways[i]);
	}
	snprintf(param, sizeof(param), "field=%zu", field_len);
	status = bench_measure(run, size, param, v, 2, NULL);
out_unmap:
	bench_free(in->buf, in->size);
out_free:
	free(in);
	return status;
}

static int in_list(const size_t *list, size_t n, size_t x)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == x)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_config cfg;
	struct bench_run *run;
	const size_t *lens;
	size_t nlens, sweep_size;
	int skip_default;

	bench_parse_args(&cfg, argc, argv, LESSON_ID, default_sizes,
			 quick_sizes);
	bench_refuse_sizes_below(&cfg, LEAST_SIZE,
				 "one record with 32-byte fields");
	/* The text, and copies of its fields with malloc's overhead: 2.3 times
	 * the text with 32-byte fields, and more for short fields, which the
	 * field sweep only tries at a fixed 16 MiB (extra_bytes in the CSV). */
	if (bench_check_memory(&cfg, 5) < 0)
		return 1;
	lens = cfg.quick ? quick_field_lens : field_lens;
	nlens = cfg.quick ? sizeof(quick_field_lens) / sizeof(*lens)
			  : sizeof(field_lens) / sizeof(*lens);
	sweep_size = cfg.quick ? QUICK_FIELD_SWEEP_SIZE : FIELD_SWEEP_SIZE;
	/* the size sweep already measures the default length at that size */
	skip_default = in_list(cfg.sizes, cfg.nsizes, sweep_size) &&
		       in_list(lens, nlens, DEFAULT_FIELD_LEN);

	run = bench_open(&cfg, cfg.nsizes + nlens - skip_default);
	if (!run)
		return 1;
	for (size_t i = 0; i < cfg.nsizes; i++)
		if (measure(run, argv[0], cfg.sizes[i], DEFAULT_FIELD_LEN) < 0)
			goto out_abandon;
	for (size_t i = 0; i < nlens; i++) {
		if (skip_default && lens[i] == DEFAULT_FIELD_LEN)
			continue;
		if (measure(run, argv[0], sweep_size, lens[i]) < 0)
			goto out_abandon;
	}
	return bench_close(run) < 0;

out_abandon:
	bench_abandon(run);
	return 1;
}
