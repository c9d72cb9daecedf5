#!/usr/bin/env python3
"""results.py - the one reader of the workbench's results files.

    tools/results.py plot-vars DIR     what the plots of DIR need, in three lines: the
                                       subtitle, the cache knees, and the benchmarks
                                       whose CSV or hyperfine export is refused
    tools/results.py check FILE...     is each CSV whole and every figure in it a figure?

Both print one line on standard error for each file refused, and exit 1 if any was.

A results folder (bench/results, bench/reference, a classmate's) is input from a
stranger: this module parses it and never evaluates it. tools/notebooks and
tools/hyperfine-table import it; bench/run runs it. Each reader below either returns
values of the types promised or raises BadResults with one line saying what is wrong
where, so a caller prints that line and exits 1, never a traceback.

  read_csv(path)        the rows of a benchmark CSV, as dicts of the schema's columns;
                        refuses a file without the header, with a short or extra field,
                        with no final newline (truncated), or with a time that is not a
                        finite positive number.
  read_machine(folder)  machine.json as a dict, or None when there is none; refuses
                        anything but an object, and knees that are not sizes in bytes.
  read_hyperfine(path)  the "results" list of a hyperfine export; refuses a result
                        without a command or a finite positive median.
  plain(text)           text with control characters (newlines, tabs, escapes) removed:
                        what may be shown of a string from a results file.
"""
import csv
import json
import math
import os
import re
import signal
import sys

COLUMNS = ("bench", "variant", "size_bytes", "param", "samples", "iters", "min_ns",
           "p25_ns", "median_ns", "p75_ns", "max_ns", "cv", "gbps", "extra_bytes", "minflt")
COUNTS = ("size_bytes", "samples", "iters")                    # whole numbers, >= 0
TIMES = ("min_ns", "p25_ns", "median_ns", "p75_ns", "max_ns")  # finite, > 0 for the median
FIGURES = ("cv", "gbps")                                       # finite, >= 0
OPTIONAL = ("extra_bytes", "minflt")                           # finite or empty


class BadResults(Exception):
    """A results file that cannot be used; str() is the one line to print."""


class Stopped(Exception):
    """A signal (SIGTERM, SIGHUP) asked the program to stop."""


def err(line):
    """Print one line on standard error, if there is one."""
    if sys.stderr is not None:
        try:
            print(line, file=sys.stderr)
        except OSError:
            pass


def plain(text):
    return "".join(c for c in str(text) if c.isprintable())


def _number(text, where, column, whole=False):
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        raise BadResults(f"{where}: {column} is {plain(text)[:20]!r}, not a number") from None
    if not math.isfinite(value):
        raise BadResults(f"{where}: {column} is {plain(text)[:20]}, not a measurement")
    if value < 0 and column not in OPTIONAL:
        raise BadResults(f"{where}: {column} is negative ({value:g})")
    return value


def _check_row(row, where):
    for column in COUNTS:
        _number(row[column], where, column, whole=True)
    for column in TIMES + FIGURES:
        _number(row[column], where, column)
    if float(row["median_ns"]) <= 0:
        raise BadResults(f"{where}: median_ns is {row['median_ns']}: a time cannot be zero")
    for column in OPTIONAL:
        if row[column] != "":
            _number(row[column], where, column)


def _read_text(path):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except UnicodeDecodeError:
        raise BadResults(f"{path}: not text (not UTF-8)") from None
    except OSError as e:
        raise BadResults(f"{path}: {e.strerror}") from None


def read_csv(path):
    text = _read_text(path)
    if "\0" in text:
        raise BadResults(f"{path}: not text (binary)")
    if not text.endswith("\n"):
        raise BadResults(f"{path}: truncated (no newline at the end)")
    lines = list(csv.reader(text.splitlines()))
    if not lines or tuple(lines[0]) != COLUMNS:
        raise BadResults(f"{path}: the first line is not the results header")
    rows = []
    for number, fields in enumerate(lines[1:], start=2):
        where = f"{path}:{number}"
        if len(fields) != len(COLUMNS):
            raise BadResults(f"{where}: {len(fields)} fields, not {len(COLUMNS)}")
        row = dict(zip(COLUMNS, fields))
        _check_row(row, where)
        rows.append(row)
    return rows


def read_json(path):
    text = _read_text(path)
    try:
        return json.loads(text, parse_constant=lambda c: float("nan"))
    except (ValueError, RecursionError) as e:
        raise BadResults(f"{path}: not JSON ({plain(e)})") from None


def read_machine(folder):
    path = os.path.join(folder, "machine.json")
    if not os.path.exists(path):
        return None
    machine = read_json(path)
    if not isinstance(machine, dict):
        raise BadResults(f"{path}: not a JSON object")
    knees = machine.get("cache_knees_measured", [])
    if not isinstance(knees, list) or not all(
            isinstance(k, int) and not isinstance(k, bool) and k > 0 for k in knees):
        raise BadResults(f"{path}: cache_knees_measured is not a list of sizes in bytes")
    return machine


def read_hyperfine(path):
    export = read_json(path)
    results = export.get("results") if isinstance(export, dict) else None
    if not isinstance(results, list):
        raise BadResults(f"{path}: no \"results\" list")
    for i, r in enumerate(results):
        where = f"{path}: result {i + 1}"
        if not isinstance(r, dict) or not isinstance(r.get("command"), str):
            raise BadResults(f"{where} has no command")
        times = r.get("times", [])
        if not isinstance(times, list):
            raise BadResults(f"{where}: times is not a list")
        for t in [r.get("median")] + times:
            if isinstance(t, bool) or not isinstance(t, (int, float)) or not (
                    math.isfinite(t) and t > 0):
                raise BadResults(f"{where}: a time ({plain(t)[:20]}) is not a finite, "
                                 "positive number of seconds")
    return results


def field(machine, name, length=None):
    """A field of machine.json as plain text, '?' when absent."""
    value = plain(machine.get(name, "?"))
    return value[:length] if length else value


def enhanced_text(text):
    """text shown as written by gnuplot's enhanced text mode: its markup escaped."""
    return re.sub(r"([\\^_@&~{}])", r"\\\1", text)


def plot_vars(folder):
    """The subtitle (plain, escaped for enhanced text), the knees (numbers) and the
    names of the CSVs refused; machine.json or a CSV refused prints its line and
    makes the status 1."""
    status = 0
    try:
        machine = read_machine(folder)
    except BadResults as e:
        err(f"results: {e}; the plots are drawn without it")
        machine, status = {"cpu_model": "machine.json unreadable"}, 1
    if machine is None:
        subtitle = "machine not described yet: run make bench"
    else:
        subtitle = (f"{field(machine, 'cpu_model')}, {field(machine, 'cores')} cores · "
                    f"{field(machine, 'date', 10)} · commit {field(machine, 'git_commit', 7)}")
    knees = " ".join(str(k) for k in (machine or {}).get("cache_knees_measured", []))
    refused = []
    for name in sorted(os.listdir(folder)):
        bench = re.fullmatch(r"([0-9][0-9]-[0-9A-Za-z_-]*)\.(csv|hyperfine\.json)", name)
        if bench:
            try:
                (read_csv if bench[2] == "csv" else read_hyperfine)(os.path.join(folder, name))
            except BadResults as e:
                err(f"results: {e}")
                refused.append(bench[1])
                status = 1
    return [enhanced_text(subtitle), knees, " ".join(sorted(set(refused)))], status


def main(argv):
    name = "results"
    if len(argv) == 2 and argv[0] == "plot-vars":
        lines, status = plot_vars(argv[1])
        print("\n".join(lines))
        return status
    if len(argv) >= 2 and argv[0] == "check":
        status = 0
        for path in argv[1:]:
            try:
                read_csv(path)
            except BadResults as e:
                err(f"{name}: {e}")
                status = 1
        return status
    err("usage: tools/results.py plot-vars DIR | check FILE...")
    return 2


def run(main, name, argv):
    """Run main(argv) as a program: BadResults, a failed write (a full disk, a closed
    or broken standard output) each end it with one line and status 1; SIGTERM and
    SIGHUP raise Stopped (so clean-up code runs) and end it with 128 + the signal."""
    def stop(sig, frame):
        raise Stopped(sig)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
    if sys.stdout is None:
        err(f"{name}: cannot write: standard output is closed")
        return 1
    try:
        status = main(argv)
        sys.stdout.flush()
        return status
    except BadResults as e:
        err(f"{name}: {e}")
    except OSError as e:
        err(f"{name}: cannot write{' ' + e.filename if e.filename else ''}: "
            f"{e.strerror or e}")
    except UnicodeError as e:
        err(f"{name}: cannot write: {plain(e)}")
    except KeyboardInterrupt:
        err(f"{name}: interrupted")
        return 130
    except Stopped as e:
        err(f"{name}: stopped by signal {e.args[0]}")
        return 128 + e.args[0]
    # Standard output may be broken: let nothing try to flush it again at exit.
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 1


if __name__ == "__main__":
    sys.exit(run(main, "results", sys.argv[1:]))
