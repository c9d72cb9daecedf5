"""program.py - what a Python program of the workbench does first and last,
as src/program.c does for the C ones.

Lesson 05's script and its benchmark import it (they put tools/ on sys.path,
with sys.dont_write_bytecode set first, so that no __pycache__ is left here):

    open_closed_streams()   first, before any file is opened: descriptors
                            0-2 that are closed become /dev/null, read-only,
                            so that a file opened later cannot take their
                            number, and a write to a closed stdout still fails
    say(line)               a failure in one line on stderr, if stderr can
                            still take it
    silence_stdout()        last, after stdout failed: Python's own flush at
                            exit would fail again, with a traceback
"""
import os
import sys


def open_closed_streams():
    """Descriptors 0-2 that are closed become /dev/null, read-only (as
    program_start in src/program.c does), before any file is opened."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDONLY)   # the lowest free number: fd
    if sys.stdout is None:      # writes to it fail, and are reported
        sys.stdout = open(1, "w", closefd=False)
    if sys.stderr is None:      # nobody reads it: messages go nowhere
        sys.stderr = open(os.devnull, "w")


def say(line):
    """One line on stderr, if stderr can still take it."""
    try:
        print(line, file=sys.stderr, flush=True)
    except OSError:
        pass


def silence_stdout():
    """After stdout failed, stop Python's own flush at exit from failing
    again with a traceback (the method of the Python docs on SIGPIPE)."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
