#!/usr/bin/env python3
"""test_schema.py - the CSV's header is named once per language, and they agree.

The schema of a results file is defined once for C (BENCH_CSV_HEADER in
bench/harness.h), once for the shell (bench/schema.sh), once for gnuplot (the
column names of bench/plot/style.gp) and once for Python (COLUMNS in
tools/results.py, which the benchmark of lesson 05, tools/claims and the
tests import). Each definition is read here as text, never run, and compared
with the C one; the plot scripts must use the names, not column numbers, for
the CSV. Ends with "N passed, N failed".
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSED, FAILED = 0, 0


def check(ok, what):
    global PASSED, FAILED
    if ok:
        PASSED += 1
        print(f"  ok    {what}")
    else:
        FAILED += 1
        print(f"  FAIL  {what}")


def text(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def c_header():
    """The string literal(s) of #define BENCH_CSV_HEADER, joined."""
    m = re.search(r'#define BENCH_CSV_HEADER((?:\s*"[^"]*"\s*\\?)+)', text("bench/harness.h"))
    return "".join(re.findall(r'"([^"]*)"', m.group(1))) if m else None


def shell_header():
    m = re.search(r"^BENCH_CSV_HEADER='([^']*)'$", text("bench/schema.sh"), re.M)
    return m.group(1) if m else None


def gnuplot_header():
    """style.gp's NAME = N assignments, in column order, as a header."""
    found = re.findall(r"\b([A-Z][A-Z0-9_]*) = (\d+)\b", text("bench/plot/style.gp"))
    by_number = {int(n): name.lower() for name, n in found}
    if sorted(by_number) != list(range(1, len(by_number) + 1)):
        return None
    return ",".join(by_number[i] for i in sorted(by_number))


def python_headers():
    """Every Python tuple or string named SCHEMA, HEADER or COLUMNS that holds
    the first three columns: (path, header)."""
    out = []
    paths = ["tools/results.py", "bench/05-python-buffers.py", "tools/claims",
             "tests/test_claims.py"]
    for path in paths:
        if not os.path.exists(os.path.join(ROOT, path)):
            continue
        for m in re.finditer(r"^(SCHEMA|HEADER|COLUMNS) = \(([^)]*)\)", text(path), re.M):
            strings = re.findall(r'"([^"]*)"', m.group(2))
            if not strings or not strings[0].startswith("bench"):
                continue
            quoted_items = re.search(r'"\s*,\s*"', m.group(2))
            header = ",".join(strings) if quoted_items else "".join(strings)
            out.append((f"{path} {m.group(1)}", header))
    return out


def main():
    c = c_header()
    check(c is not None and c.startswith("bench,variant,"), "bench/harness.h defines BENCH_CSV_HEADER")
    check(shell_header() == c, "bench/schema.sh says what harness.h says")
    check(gnuplot_header() == c, "bench/plot/style.gp names the columns in harness.h's order")
    pys = python_headers()
    check([where for where, _ in pys] == ["tools/results.py COLUMNS"],
          "tools/results.py is the one Python definition of the schema")
    for where, header in pys:
        check(header == c, f"{where} says what harness.h says")
    for gp in sorted(glob.glob(os.path.join(ROOT, "bench/plot/[0-9][0-9]-*.gp"))):
        body = "\n".join(line for line in text(gp).splitlines()
                         if not line.lstrip().startswith("#") and "runs(" not in line
                         and "$R" not in line)
        numbered = re.findall(r"\$\d+|\b(?:column|strcol)\(\d+\)|\busing \d+:", body)
        check(not numbered, f"{os.path.basename(gp)} reads the CSV's columns by name"
              + (f" (not {', '.join(sorted(set(numbered)))})" if numbered else ""))
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
