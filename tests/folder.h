/*
 * folder.h - for tests: a fresh folder under /tmp for each test, and the
 * path of the one file the test works on inside it.
 *
 * A test file names its fixture with folder_make (the folder's prefix and
 * the file's name) and passes folder_remove as its teardown, which removes
 * the folder with everything the test left in it, files and folders alike.
 * The file itself is not made: that is the test's business; folder_entries
 * tells whether anything else was left beside it. Include it
 * after <cmocka.h> (the folder is allocated with test_malloc); nftw needs
 * _GNU_SOURCE or _XOPEN_SOURCE, which the Makefile defines.
 */
#ifndef TESTS_FOLDER_H
#define TESTS_FOLDER_H

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct folder {
	char dir[64];		/* /tmp/PREFIX.XXXXXX, made empty */
	char file[128];		/* dir/NAME, not made */
};

/* A new folder /tmp/prefix.XXXXXX, and dir/name, as *state; 0 or -1. */
static inline int folder_make(void **state, const char *prefix,
			      const char *name)
{
	struct folder *f = test_malloc(sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/%s.XXXXXX", prefix);
	if (!mkdtemp(f->dir)) {
		test_free(f);
		return -1;
	}
	snprintf(f->file, sizeof(f->file), "%s/%s", f->dir, name);
	*state = f;
	return 0;
}

/* How many names the folder holds (a temporary file left behind counts). */
static inline size_t folder_entries(const struct folder *f)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static inline int folder_remove_one(const char *path, const struct stat *st,
				    int type, struct FTW *at)
{
	(void)st;
	(void)type;
	(void)at;
	return remove(path);
}

/* Remove the folder of *state and all in it (deepest first); 0 or -1. */
static inline int folder_remove(void **state)
{
	struct folder *f = *state;
	int ret = nftw(f->dir, folder_remove_one, 16, FTW_DEPTH | FTW_PHYS);

	test_free(f);
	return ret == 0 ? 0 : -1;
}

#endif
