"""bundle.py - what a results bundle is: shared by tools/share (which writes one) and
tools/class (which reads a class's worth of them).

A bundle is a gzip-compressed tar file, results-<id>.tar.gz, holding one folder:

    results-<id>/manifest.json        format, format_version, project_commit, date,
                                      machine_id (= <id>), name (null unless asked for),
                                      sweep ("full" or "quick") and sweep_evidence,
                                      claims (how the verdicts were made), and files:
                                      {member name: {"bytes": N, "sha256": HEX}}
    results-<id>/results/NN-name.csv           every benchmark's results (SCHEMA)
    results-<id>/results/NN-name.hyperfine.json  hyperfine's exports
    results-<id>/results/machine.json          the machine's fingerprint
    results-<id>/results/00-linearity.txt      lesson 00's linearity check
    results-<id>/claims.csv           tools/claims --csv (CLAIMS_HEADER), when it ran
    results-<id>/predictions.csv      the learner's predictions (PREDICTIONS_HEADER)

Nothing here touches the disk; every parser takes text and either returns what it found
or raises BundleError with a reason short enough for one line.
"""
import json
import math
import re
import sys

FORMAT = "zero-copy-workbench results"
FORMAT_VERSION = 1

SCHEMA = ("bench", "variant", "size_bytes", "param", "samples", "iters", "min_ns",
          "p25_ns", "median_ns", "p75_ns", "max_ns", "cv", "gbps", "extra_bytes", "minflt")
COL = {name: i for i, name in enumerate(SCHEMA)}
NUMBERS = SCHEMA[4:] + ("size_bytes",)
REQUIRED = ("size_bytes", "median_ns")   # the others may be empty: not measured
CLAIMS_HEADER = ("lesson", "claim", "verdict", "figure", "sentence")
VERDICTS = ("held", "not-held", "inconclusive")
PREDICTIONS_HEADER = ("when", "lesson", "question", "attempt", "guess", "unit",
                      "measured", "factor")

# Member names, below the bundle's one folder.
ID = re.compile(r"[0-9a-f]{12}")
TOP = re.compile(r"results-([0-9a-f]{12})")
LESSON = re.compile(r"[0-9][0-9]-[a-z0-9-]{1,40}")
RESULT_FILE = re.compile(r"results/(?:([0-9][0-9]-[a-z0-9-]{1,40})\.csv|"
                         r"[0-9][0-9]-[a-z0-9-]{1,40}\.hyperfine\.json|"
                         r"machine\.json|00-linearity\.txt)")
OTHER_FILE = re.compile(r"manifest\.json|claims\.csv|predictions\.csv")
VARIANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9+_.-]{0,40}")
PARAM = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9=;_.+-]{0,59})?")

# Bounds: a bundle from a stranger may be a tar bomb.
MAX_BUNDLE_BYTES = 8 << 20      # the compressed file
MAX_MEMBER_BYTES = 4 << 20      # any one member, uncompressed
MAX_TOTAL_BYTES = 32 << 20      # all members together
MAX_MEMBERS = 64
MAX_ROWS = 20000


class BundleError(Exception):
    """A bundle, or a part of one, that cannot be used: str(e) says why, in a few words."""


class OtherVersion(BundleError):
    """A file whose columns are not this checkout's: made by another project version."""


def parse_csv_rows(text, header, what):
    """The rows of a comma-separated text whose first line must be HEADER, as lists."""
    import csv
    import io
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as e:
        raise BundleError(f"{what} is not a CSV file ({e})") from None
    if not rows or tuple(rows[0]) != header:
        raise OtherVersion(f"{what} has other columns than this checkout's "
                          f"({','.join(header)[:60]}...)")
    if len(rows) > MAX_ROWS:
        raise BundleError(f"{what} has more than {MAX_ROWS} rows")
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise BundleError(f"{what} line {i} has {len(row)} fields, not {len(header)}")
    return rows[1:]


def number(text, what):
    """A finite, non-negative number, or BundleError."""
    try:
        x = float(text)
    except ValueError:
        raise BundleError(f"{what} is not a number") from None
    if not math.isfinite(x) or x < 0:
        raise BundleError(f"{what} is not a finite, non-negative number")
    return x


def parse_results(text, lesson):
    """The rows of LESSON's results CSV as tuples of the CSV's own strings (COL names the
    fields), after checking that every row is what a benchmark writes: its numbers are
    finite and non-negative, or empty (not measured) except the size and the median,
    and the median is above zero. BundleError otherwise."""
    out = []
    for i, row in enumerate(parse_csv_rows(text, SCHEMA, f"{lesson}.csv"), start=2):
        where = f"{lesson}.csv line {i}"
        if row[COL["bench"]] != lesson:
            raise BundleError(f"{where} names another benchmark")
        if not VARIANT.fullmatch(row[COL["variant"]]) or not PARAM.fullmatch(row[COL["param"]]):
            raise BundleError(f"{where} has a variant or param this project never writes")
        for k in NUMBERS:
            if row[COL[k]] != "" or k in REQUIRED:
                number(row[COL[k]], f"{where} {k}")
        if float(row[COL["median_ns"]]) <= 0:
            raise BundleError(f"{where} has a median of zero")
        out.append(tuple(sys.intern(x) if j < 4 else x for j, x in enumerate(row)))
    if not out:
        raise BundleError(f"{lesson}.csv has no rows")
    return out


def value(row, name):
    """A row's field NAME as a float, None when it is empty."""
    text = row[COL[name]]
    return float(text) if text != "" else None


def parse_json_object(text, what):
    """A JSON object, or BundleError (a list, a number, invalid JSON)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise BundleError(f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise BundleError(f"{what} is not a JSON object")
    return value


# --- Quick or full? -----------------------------------------------------------------
#
# bench/run runs every benchmark with --quick for `make bench QUICK=1`. When machine.json
# says which sweep it was ("sweep": "quick"/"full", or "quick": true/false), that is the
# answer. Otherwise the results themselves tell: the full sweep of each lesson reaches
# further than the quick one, so results that stop short are quick.
FULL_REACH = (
    # lesson, variant, what is counted, what the full sweep reaches (the quick one: less)
    ("00-honest-timing", "first-touch", "largest size", 256 << 20),     # quick: 64 MiB
    ("01-photocopy", "copy", "largest size", 1 << 30),                  # quick: 64 MiB
    ("02-views", "copy-fields", "field lengths", 10),                   # quick: 4
    ("03-strides", "stride", "strides", 11),                            # quick: 5
    ("04-mmap", "mmap", "largest size", 1 << 30),                       # quick: 64 MiB
    ("05-python-buffers", "bytes-slice", "largest size", 256 << 20),    # quick: 16 MiB
)


def human_size(n):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):g} {unit}"
    return f"{n:g} B"


def sweep_of(results, machine):
    """("quick" or "full", the evidence in one phrase) for RESULTS {lesson: rows} and
    MACHINE (machine.json's object)."""
    said = machine.get("sweep")
    if said in ("quick", "full"):
        return said, f'machine.json says "sweep": "{said}"'
    if isinstance(machine.get("quick"), bool):
        return ("quick" if machine["quick"] else "full"), "machine.json says so"
    for lesson, variant, counted, full in FULL_REACH:
        rows = [r for r in results.get(lesson, ()) if r[COL["variant"]] == variant]
        if not rows:
            continue
        if counted == "largest size":
            seen = max(value(r, "size_bytes") for r in rows)
            if seen < full:
                return "quick", (f"{lesson} stops at {human_size(seen)}; the full sweep "
                                 f"reaches {human_size(full)}")
        elif len({r[COL["param"]] for r in rows}) < full:
            return "quick", (f"{lesson} measures {len({r[COL['param']] for r in rows})} {counted}; "
                             f"the full sweep {full}")
    return "full", "every lesson reaches its full sweep's extent"
