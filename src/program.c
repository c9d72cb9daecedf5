/*
 * program.c - safe standard streams, lost output made a failure, and the
 * file tools' command line (see program.h).
 *
 * The exit handler is the whole trick: it runs after main returns (or after
 * exit), when stdout still holds what the last printf buffered, so fclose
 * is the moment a full disk or a broken stream is finally known.
 */
#include "program.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *program_name;
static int stdout_error;	/* errno of a failed write to stdout, or 0 */

/* Each of 0, 1 and 2 that is not open becomes /dev/null, read-only. open
 * returns the lowest free number, so opening in order fills the gaps. */
static void open_closed_streams(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDONLY) != fd)
			_exit(127);	/* nothing can be reported safely */
	}
}

/* errno after a failed flush says why; a sticky ferror from an earlier
 * printf may leave no reason behind. */
static void check_stdout(void)
{
	int failed, err;

	errno = 0;
	failed = fflush(stdout) != 0 || ferror(stdout);
	err = errno ? errno : stdout_error;
	if (fclose(stdout) != 0 && !failed) {
		failed = 1;
		err = errno;
	}
	if (failed) {
		fprintf(stderr, "%s: cannot write standard output: %s\n",
			program_name, err ? strerror(err) : "write error");
		_exit(1);
	}
}

void program_note_stdout_error(int err)
{
	if (!stdout_error)
		stdout_error = err;
}

void program_start(const char *name)
{
	if (program_name)
		return;
	program_name = name;
	open_closed_streams();
	signal(SIGXFSZ, SIG_IGN);
	atexit(check_stdout);
}

void program_take_files(int argc, char **argv, int most, const char *usage)
{
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("%s\n", usage);
		exit(0);
	}
	if (argc < 2 || argv[1][0] == '-' || (most > 0 && argc - 1 > most)) {
		fprintf(stderr, "%s\n", usage);
		exit(2);
	}
}
