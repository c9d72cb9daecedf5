/*
 * program.h - what every program of the workbench does first: make its
 * standard streams safe, and fail when its output was lost. For the small
 * tools that take only files (bench/tools), it also reads the command line.
 *
 * Two quiet ways of losing output, and what program_start does about each:
 *
 *   - A program started with descriptor 0, 1 or 2 closed (`prog 2>&-`)
 *     hands that number to the next file it opens, so a CSV opened then
 *     would receive every message meant for stderr. program_start opens
 *     /dev/null onto each closed one. It opens it read-only, so that a
 *     write to a stream that was closed still fails, as it would have,
 *     instead of vanishing.
 *   - printf into a full disk, /dev/full or a closed stdout fails, but only
 *     in a flag (ferror) that nobody reads, and the program exits 0. At
 *     exit, program_start's handler flushes and closes stdout and, if any
 *     output was lost, prints one line "name: cannot write standard output:
 *     why" and ends the program with status 1 (the method of gnulib's
 *     close_stdout).
 *
 * It also ignores SIGXFSZ: a write past the file size limit (`ulimit -f`)
 * then fails with EFBIG, which the program reports like any failed write,
 * instead of the process dying without a word.
 *
 * Call program_start first in main (demo_parse_args and bench_parse_args
 * do), before any other atexit handler is registered: its handler must run
 * last, because it may end the program with _exit.
 */
#ifndef PROGRAM_H
#define PROGRAM_H

/* Open the standard streams that are closed, ignore SIGXFSZ, and check
 * stdout at exit. name prefixes the error line. Calling it again does
 * nothing. */
void program_start(const char *name);

/*
 * The command line of a tool that takes only files, `name FILE` (most 1)
 * or `name FILE...` (most 0: no limit). --help alone prints usage, the
 * whole line without its newline, on stdout and exits 0; no file, a first
 * argument that starts with '-', or more files than most print it on
 * stderr and exit 2. Returns only when the files are argv[1..argc).
 */
void program_take_files(int argc, char **argv, int most, const char *usage);

/* A caller that found stdout broken (a failed fflush) leaves the reason
 * here, for the one line at exit: by then errno is long gone. */
void program_note_stdout_error(int err);

#endif
