/*
 * procmaps.h - for tests: how many mappings of a file this process has.
 *
 * Counts the lines of /proc/self/maps that mention path. A test that maps a
 * file expects 1 while the mapping lives and 0 once it is closed. Include it
 * after <cmocka.h>: a failure to open the maps file fails the test.
 */
#ifndef TESTS_PROCMAPS_H
#define TESTS_PROCMAPS_H

#include <stdio.h>
#include <string.h>

static inline int mappings_of(const char *path)
{
	char line[512];
	int n = 0;
	FILE *maps = fopen("/proc/self/maps", "r");

	assert_non_null(maps);
	while (fgets(line, sizeof(line), maps))
		n += strstr(line, path) != NULL;
	fclose(maps);
	return n;
}

#endif
