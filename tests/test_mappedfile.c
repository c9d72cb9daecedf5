/*
 * test_mappedfile.c - mapping files read-only, private and shared.
 *
 * Each test gets a fresh folder under /tmp (the fixture makes it and removes
 * it with everything in it), writes the small files it needs, and checks
 * what the mapping shows and what the file holds afterwards, by reading the
 * file with plain read(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "mappedfile.h"
#include "folder.h"
#include "procmaps.h"
#include "measure.h"

#define TEXT "pages 200 to 250, please"

/* The fixture: a fresh folder, and the file "report" in it (folder.h). */
static int make_folder(void **state)
{
	return folder_make(state, "test-mappedfile", "report");
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* The file, read the ordinary way, starts with want. */
static void expect_file_starts_with(const char *path, const char *want)
{
	char buf[sizeof(TEXT)];
	size_t len = strlen(want);
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0 && len < sizeof(buf));
	assert_int_equal(read(fd, buf, len), (ssize_t)len);
	close(fd);
	assert_memory_equal(buf, want, len);
}

/* f's file, holding TEXT, mapped as mode into mf. */
static void map_text(struct folder *f, struct mappedfile *mf,
		     enum mappedfile_mode mode)
{
	write_file(f->file, TEXT, strlen(TEXT));
	assert_int_equal(mappedfile_open(mf, f->file, mode, 0), 0);
}

/* map_text, then "PAGES" written over the first word through the mapping. */
static void map_and_write_pages(struct folder *f, struct mappedfile *mf,
				enum mappedfile_mode mode)
{
	map_text(f, mf, mode);
	memcpy(mappedfile_bytes(mf), "PAGES", 5);
	assert_memory_equal(mf->data, "PAGES 200", 9);	/* this process sees it */
}

static void a_mapping_shows_the_file_without_copying(void **state)
{
	struct folder *f = *state;
	struct mappedfile mf;
	struct byteview v;

	measure_reset_copied();
	map_text(f, &mf, MAPPEDFILE_READ);
	v = mappedfile_view(&mf);
	assert_int_equal(v.len, strlen(TEXT));
	assert_memory_equal(v.data, TEXT, strlen(TEXT));
	assert_ptr_equal(v.data, mf.data);
	assert_int_equal(measure_bytes_copied(), 0);
	mappedfile_close(&mf);
}

static void an_empty_file_is_an_empty_view(void **state)
{
	struct folder *f = *state;
	struct mappedfile mf;

	write_file(f->file, "", 0);
	assert_int_equal(mappedfile_open(&mf, f->file, MAPPEDFILE_READ, 0), 0);
	assert_int_equal(mappedfile_view(&mf).len, 0);
	assert_null(mf.data);
	assert_int_equal(mappings_of(f->file), 0);
	mappedfile_close(&mf);
}

/* Mapping path is refused with err, and mf is left empty. */
static void expect_open_refused(const char *path, int err)
{
	struct mappedfile mf;

	errno = 0;
	assert_int_equal(mappedfile_open(&mf, path, MAPPEDFILE_READ, 0), -1);
	assert_int_equal(errno, err);
	assert_null(mf.data);
	assert_int_equal(mf.len, 0);
}

static void a_missing_file_fails_with_enoent(void **state)
{
	struct folder *f = *state;

	expect_open_refused(f->file, ENOENT);
}

static void a_directory_fails_with_eisdir(void **state)
{
	struct folder *f = *state;

	expect_open_refused(f->dir, EISDIR);
}

static void a_private_write_leaves_the_file_unchanged(void **state)
{
	struct folder *f = *state;
	struct mappedfile mf;

	map_and_write_pages(f, &mf, MAPPEDFILE_PRIVATE);
	expect_file_starts_with(f->file, TEXT);	/* the file does not see it */
	mappedfile_close(&mf);
}

static void a_shared_write_reaches_the_file(void **state)
{
	struct folder *f = *state;
	struct mappedfile mf;

	map_and_write_pages(f, &mf, MAPPEDFILE_SHARED);
	assert_int_equal(mappedfile_sync(&mf), 0);
	mappedfile_close(&mf);
	expect_file_starts_with(f->file, "PAGES 200");
}

/*
 * Map TEXT as mode, fork a child that writes "CHILD" through its copy of
 * the mapping, wait for it; then this process must see want.
 */
static void expect_after_a_child_writes(struct folder *f,
					enum mappedfile_mode mode,
					const char *want)
{
	struct mappedfile mf;
	int status;
	pid_t child;

	map_text(f, &mf, mode);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		memcpy(mf.data, "CHILD", 5);
		_exit(0);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_memory_equal(mf.data, want, 9);
	mappedfile_close(&mf);
}

static void a_shared_write_reaches_another_process(void **state)
{
	expect_after_a_child_writes(*state, MAPPEDFILE_SHARED, "CHILD 200");
}

static void a_private_write_stays_in_its_process(void **state)
{
	expect_after_a_child_writes(*state, MAPPEDFILE_PRIVATE, TEXT);
}

static void close_releases_the_mapping_and_the_descriptor(void **state)
{
	struct folder *f = *state;
	struct mappedfile mf;
	int next_fd;

	next_fd = dup(0);
	close(next_fd);
	map_text(f, &mf, MAPPEDFILE_READ);
	assert_int_equal(mappings_of(f->file), 1);
	assert_int_equal(dup(0), next_fd);	/* no descriptor held open */
	close(next_fd);
	mappedfile_close(&mf);
	assert_int_equal(mappings_of(f->file), 0);
	assert_null(mf.data);
	assert_int_equal(mf.len, 0);
	mappedfile_close(&mf);			/* twice is harmless */
}

static void hints_map_the_same_bytes(void **state)
{
	struct folder *f = *state;
	unsigned hints[] = { MAPPEDFILE_POPULATE, MAPPEDFILE_SEQUENTIAL,
			     MAPPEDFILE_RANDOM,
			     MAPPEDFILE_POPULATE | MAPPEDFILE_SEQUENTIAL };
	struct mappedfile mf;

	write_file(f->file, TEXT, strlen(TEXT));
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		assert_int_equal(mappedfile_open(&mf, f->file, MAPPEDFILE_READ,
						 hints[i]), 0);
		assert_memory_equal(mf.data, TEXT, strlen(TEXT));
		mappedfile_close(&mf);
	}
}

static void writing_through_a_read_mapping_is_a_caller_error(void **state)
{
	struct folder *f = *state;
	struct mappedfile mf;

	map_text(f, &mf, MAPPEDFILE_READ);
	expect_assert_failure(mappedfile_bytes(&mf));
	mappedfile_close(&mf);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, make_folder, folder_remove)
	const struct CMUnitTest tests[] = {
		T(a_mapping_shows_the_file_without_copying),
		T(an_empty_file_is_an_empty_view),
		T(a_missing_file_fails_with_enoent),
		T(a_directory_fails_with_eisdir),
		T(a_private_write_leaves_the_file_unchanged),
		T(a_shared_write_reaches_the_file),
		T(a_shared_write_reaches_another_process),
		T(a_private_write_stays_in_its_process),
		T(close_releases_the_mapping_and_the_descriptor),
		T(hints_map_the_same_bytes),
		T(writing_through_a_read_mapping_is_a_caller_error),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
