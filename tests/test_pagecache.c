/*
 * test_pagecache.c - counting a file's cached pages, and evicting them.
 *
 * A file just written is in the page cache; after pagecache_evict it should
 * not be. Where the file system cannot evict (tmpfs keeps every page in
 * memory), the eviction test is skipped rather than failed: the module
 * promises to ask, not that the kernel obeys.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pagecache.h"

#define PAGES 64

static char dir[64], file[96];

static int make_file(void **state)
{
	static unsigned char block[4096];
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test-pagecache-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(file, sizeof(file), "%s/data", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	memset(block, 0x5a, sizeof(block));
	for (int i = 0; i < PAGES; i++)
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			return -1;
	return close(fd);
}

static int remove_file(void **state)
{
	(void)state;
	unlink(file);
	rmdir(dir);
	return 0;
}

static void a_file_just_written_is_resident(void **state)
{
	size_t resident, pages;

	(void)state;
	assert_int_equal(pagecache_resident(file, &resident, &pages), 0);
	assert_int_equal(pages, PAGES);
	assert_int_equal(resident, PAGES);
}

static void an_evicted_file_is_not_resident(void **state)
{
	size_t resident, pages;

	(void)state;
	assert_int_equal(pagecache_evict(file), 0);
	assert_int_equal(pagecache_resident(file, &resident, &pages), 0);
	if (resident == pages)
		skip();		/* a file system that keeps pages in memory */
	assert_int_equal(resident, 0);
}

static void an_empty_file_has_no_pages(void **state)
{
	char empty[128];
	size_t resident = 1, pages = 1;
	int fd;

	(void)state;
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	fd = open(empty, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pagecache_resident(empty, &resident, &pages), 0);
	assert_int_equal(pages, 0);
	assert_int_equal(resident, 0);
	assert_int_equal(pagecache_evict(empty), 0);
	unlink(empty);
}

static void a_missing_file_fails_with_enoent(void **state)
{
	size_t resident, pages;

	(void)state;
	errno = 0;
	assert_int_equal(pagecache_evict("/nonexistent/file"), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(pagecache_resident("/nonexistent/file", &resident,
					    &pages), -1);
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_file_just_written_is_resident),
		cmocka_unit_test(an_evicted_file_is_not_resident),
		cmocka_unit_test(an_empty_file_has_no_pages),
		cmocka_unit_test(a_missing_file_fails_with_enoent),
	};

	return cmocka_run_group_tests(tests, make_file, remove_file);
}
