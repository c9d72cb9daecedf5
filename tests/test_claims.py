"""test_claims.py - tools/claims and tools/quotes on results made up for the test.

Each test writes a small lesson (a claims file or a README with quote markers) and a results
CSV into a temporary folder, runs the tool as a learner would, and checks its verdicts, its
CSV, its exit status and that bad input gives one line and no traceback. Nothing here
measures time: every figure is typed into the CSV. The last line is "N passed, N failed"
for tests/run.
"""
import csv
import io
import os
import subprocess
import sys
import tempfile
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLAIMS = os.path.join(ROOT, "tools", "claims")
QUOTES = os.path.join(ROOT, "tools", "quotes")
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "tools"))
from results import COLUMNS  # noqa: E402  (the schema's one Python definition)
HEADER = ",".join(COLUMNS)
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def row(variant, size, median, spread=0.01, param="", cv=0.01, extra=0, minflt=0):
    """A results row whose p25..p75 is median -/+ spread (relative)."""
    lo, hi = median * (1 - spread), median * (1 + spread)
    return (f"99-test,{variant},{size},{param},11,100,{lo:.3f},{lo:.3f},{median:.3f},"
            f"{hi:.3f},{hi:.3f},{cv},{size / median:.3f},{extra},{minflt}")


class Lesson:
    """A temporary tree: DIR/lessons/99-test/claims and DIR/results/99-test.csv."""

    def __init__(self, claims, rows=None, raw=None):
        self.dir = tempfile.TemporaryDirectory()
        base = self.dir.name
        os.makedirs(os.path.join(base, "lessons", "99-test"))
        os.makedirs(os.path.join(base, "results"))
        with open(os.path.join(base, "lessons", "99-test", "claims"), "w") as f:
            f.write(claims)
        if rows is not None or raw is not None:
            with open(os.path.join(base, "results", "99-test.csv"), "w") as f:
                f.write(raw if raw is not None else HEADER + "\n" + "\n".join(rows) + "\n")

    def run(self, *extra):
        base = self.dir.name
        done = subprocess.run([sys.executable, CLAIMS, "--lessons",
                               os.path.join(base, "lessons"), "--results",
                               os.path.join(base, "results"), *extra],
                              capture_output=True, text=True)
        return done.returncode, done.stdout, done.stderr

    def verdicts(self):
        path = os.path.join(self.dir.name, "verdicts.csv")
        status, out, err = self.run("--csv", path)
        assert status == 0, (status, err)
        with open(path, newline="") as f:
            return {r["claim"]: r for r in csv.DictReader(f)}


def claim(ident, kind, **fields):
    lines = [f"claim: {ident}", f"says: {ident} as a sentence.", f"kind: {kind}"]
    lines += [f"{key.replace('_', '-')}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n\n"


RACE = [row("copy", 4096, 100.0), row("view", 4096, 10.0),
        row("copy", 65536, 1000.0), row("view", 65536, 10.5),
        row("slow", 4096, 100.0, spread=0.5), row("near", 4096, 105.0)]


@test
def a_ratio_above_its_bound_with_a_margin_held():
    lesson = Lesson(claim("r", "ratio", a="variant=copy size=4Ki", b="variant=view size=4Ki",
                          at_least=5), RACE)
    verdict = lesson.verdicts()["r"]
    assert verdict["verdict"] == "held", verdict
    assert "ratio 10" in verdict["figure"], verdict


@test
def a_ratio_below_its_bound_did_not_hold():
    lesson = Lesson(claim("r", "ratio", a="variant=copy size=4Ki", b="variant=view size=4Ki",
                          at_least=50), RACE)
    assert lesson.verdicts()["r"]["verdict"] == "not-held"


@test
def a_ratio_whose_spread_straddles_the_bound_is_inconclusive():
    lesson = Lesson(claim("r", "ratio", a="variant=slow size=4Ki", b="variant=view size=4Ki",
                          at_least=9), RACE)
    assert lesson.verdicts()["r"]["verdict"] == "inconclusive"


@test
def a_ratio_along_a_range_holds_only_at_every_point():
    held = Lesson(claim("r", "ratio", a="variant=copy", b="variant=view", **{"from": "4Ki"},
                        to="64Ki", at_least=5), RACE)
    failed = Lesson(claim("r", "ratio", a="variant=copy", b="variant=view", **{"from": "4Ki"},
                          to="64Ki", at_least=50), RACE)
    assert held.verdicts()["r"]["verdict"] == "held"
    assert failed.verdicts()["r"]["verdict"] == "not-held"


@test
def an_order_holds_only_when_the_quartile_ranges_separate():
    separate = Lesson(claim("o", "order", a="variant=view size=4Ki", b="variant=copy size=4Ki"),
                      RACE)
    overlap = Lesson(claim("o", "order", a="variant=copy size=4Ki", b="variant=slow size=4Ki"),
                     RACE)
    wrong = Lesson(claim("o", "order", a="variant=copy size=4Ki", b="variant=view size=4Ki"),
                   RACE)
    assert separate.verdicts()["o"]["verdict"] == "held"
    assert overlap.verdicts()["o"]["verdict"] == "inconclusive"
    assert wrong.verdicts()["o"]["verdict"] == "not-held"


@test
def an_order_on_a_noisy_measurement_is_inconclusive():
    rows = [row("a", 4096, 10.0, cv=0.5), row("b", 4096, 100.0)]
    lesson = Lesson(claim("o", "order", a="variant=a size=4Ki", b="variant=b size=4Ki"), rows)
    verdict = lesson.verdicts()["o"]
    assert verdict["verdict"] == "inconclusive" and "cv" in verdict["figure"], verdict


@test
def a_flat_line_is_judged_on_its_largest_over_smallest():
    flat = Lesson(claim("f", "flat", a="variant=view", **{"from": "64"}, to="1Gi", within=1.2),
                  RACE)
    steep = Lesson(claim("f", "flat", a="variant=copy", **{"from": "64"}, to="1Gi", within=2),
                   RACE)
    assert flat.verdicts()["f"]["verdict"] == "held"
    assert steep.verdicts()["f"]["verdict"] == "not-held"


@test
def a_crossover_inside_the_range_held_and_one_outside_did_not():
    rows = [row("a", s, m) for s, m in ((1024, 1), (4096, 2), (16384, 50), (65536, 200))]
    rows += [row("b", s, 20) for s in (1024, 4096, 16384, 65536)]
    inside = Lesson(claim("c", "crossover", a="variant=a", b="variant=b", **{"from": "8Ki"},
                          to="16Ki"), rows)
    outside = Lesson(claim("c", "crossover", a="variant=a", b="variant=b", **{"from": "2Ki"},
                           to="2Ki"), rows)
    assert inside.verdicts()["c"]["verdict"] == "held"
    assert outside.verdicts()["c"]["verdict"] == "not-held"


@test
def a_growth_that_falls_clearly_did_not_hold():
    rows = [row("g", 1024, 10), row("g", 4096, 40), row("g", 16384, 5)]
    lesson = Lesson(claim("g", "grows", a="variant=g", **{"from": "1Ki"}, to="16Ki"), rows)
    assert lesson.verdicts()["g"]["verdict"] == "not-held"


@test
def a_param_part_and_a_param_axis_select_rows():
    rows = [row("walk", 4096, 10 * k, param=f"k={k};stride=8") for k in (1, 2, 4)]
    lesson = Lesson(claim("g", "grows", a="variant=walk stride=8", along="k", **{"from": 1},
                          to=4, by_at_least=3.5), rows)
    assert lesson.verdicts()["g"]["verdict"] == "held"


@test
def a_list_of_sizes_takes_the_first_the_results_have():
    lesson = Lesson(claim("r", "ratio", a="variant=copy size=16Mi|64Ki",
                          b="variant=view size=16Mi|64Ki", at_least=50), RACE)
    verdict = lesson.verdicts()["r"]
    assert verdict["verdict"] == "held" and "ratio 95" in verdict["figure"], verdict


@test
def missing_results_make_every_claim_inconclusive_and_the_run_still_succeeds():
    lesson = Lesson(claim("r", "ratio", a="variant=copy size=4Ki", b="variant=view size=4Ki",
                          at_least=5))
    status, out, err = lesson.run()
    assert status == 0, (status, err)
    assert "inconclusive" in out and "no " in out, out
    assert out.rstrip().endswith("claims: 0 held, 0 did not hold, 1 inconclusive"), out


@test
def a_corrupt_results_file_is_one_reason_and_no_traceback():
    for raw in (HEADER + "\n99-test,copy,4096\n", "not,a,header\n", "\x00\xff garbage",
                HEADER + "\n" + row("copy", 4096, 1).replace(",100,", ",1e999x,") + "\n"):
        lesson = Lesson(claim("r", "ratio", a="variant=copy size=4Ki",
                              b="variant=view size=4Ki", at_least=5), raw=raw)
        status, out, err = lesson.run()
        assert status == 0 and "Traceback" not in out + err, (status, out, err)
        assert "inconclusive" in out, out


@test
def strict_fails_unless_every_claim_held():
    text = claim("r", "ratio", a="variant=copy size=4Ki", b="variant=view size=4Ki", at_least=5)
    good = Lesson(text, RACE)
    bad = Lesson(text + claim("s", "ratio", a="variant=copy size=4Ki",
                              b="variant=view size=4Ki", at_least=50), RACE)
    assert good.run("--strict")[0] == 0
    assert bad.run("--strict")[0] == 1
    assert bad.run()[0] == 0


@test
def a_claims_file_that_does_not_parse_names_its_line():
    for text, line in (("claim: r\nsays: x\nkind: guess\na: variant=v\n", 3),
                       ("claim: r\nsays: x\nkind: ratio\na: variant=v\nb: variant=w\n", 1),
                       ("says: before any claim\n", 1),
                       ("claim: r\nsays: x\nkind: ratio\na: size=4Ki\n", 4)):
        status, out, err = Lesson(text, RACE).run()
        assert status == 2 and f"claims:{line}:" in err, (text, status, err)
        assert "Traceback" not in err, err


@test
def the_csv_has_the_agreed_columns_and_verdicts():
    lesson = Lesson(claim("r", "ratio", a="variant=copy size=4Ki", b="variant=view size=4Ki",
                          at_least=5) +
                    claim("s", "order", a="variant=copy size=4Ki", b="variant=slow size=4Ki"),
                    RACE)
    path = os.path.join(lesson.dir.name, "v.csv")
    assert lesson.run("--csv", path)[0] == 0
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["lesson", "claim", "verdict", "figure", "sentence"], rows[0]
    assert [r[2] for r in rows[1:]] == ["held", "inconclusive"], rows
    assert rows[1][0] == "99-test" and rows[1][4] == "r as a sentence.", rows[1]


def quote_tree(readme, rows):
    base = tempfile.TemporaryDirectory()
    os.makedirs(os.path.join(base.name, "99-test"))
    os.makedirs(os.path.join(base.name, "results"))
    path = os.path.join(base.name, "99-test", "README.md")
    with open(path, "w") as f:
        f.write(readme)
    with open(os.path.join(base.name, "results", "99-test.csv"), "w") as f:
        f.write(HEADER + "\n" + "\n".join(rows) + "\n")
    return base, path


def quotes(base, path, *extra):
    done = subprocess.run([sys.executable, QUOTES, "--results",
                           os.path.join(base.name, "results"), *extra, path],
                          capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


@test
def a_stale_quote_fails_the_check_and_a_refresh_fixes_it():
    readme = ("copy took <!-- quote variant=copy size=4Ki -->99 ns<!-- /quote --> and was "
              "<!-- quote variant=copy size=4Ki / variant=view size=4Ki -->3x<!-- /quote -->.\n")
    base, path = quote_tree(readme, RACE)
    assert quotes(base, path, "--check")[0] == 1
    assert quotes(base, path)[0] == 0
    with open(path) as f:
        text = f.read()
    assert "-->100 ns<!--" in text and "-->10x<!--" in text, text
    assert quotes(base, path, "--check")[0] == 0


@test
def a_quote_of_a_row_that_is_not_there_is_an_error_not_a_guess():
    base, path = quote_tree("<!-- quote variant=none size=4Ki -->1 ns<!-- /quote -->\n", RACE)
    status, out, err = quotes(base, path, "--check")
    assert status == 1 and "README.md:1" in err and "Traceback" not in err, (status, err)


@test
def machine_json_is_read_by_the_one_reader_busy_noted_damaged_one_line():
    text = claim("r", "ratio", a="variant=copy size=4Ki", b="variant=view size=4Ki", at_least=5)
    lesson = Lesson(text, RACE)
    machine = os.path.join(lesson.dir.name, "results", "machine.json")
    with open(machine, "w") as f:
        f.write('{"cores": 2, "load_average": "3.50 3.10 2.90", "cache_knees_measured": [16384]}')
    status, out, err = lesson.run()
    assert status == 0 and out.startswith("note: measured on a busy machine"), (status, out, err)
    assert "load average 3.50" in out and "held" in out, out
    for damaged in ('{"cores": 2, "load_average": "3.5", "cache_knees_measured": "16K"}',
                    "[1, 2]", "\x00\xff{", '{"cores": 2'):
        with open(machine, "w") as f:
            f.write(damaged)
        status, out, err = lesson.run()
        assert status == 0 and "Traceback" not in out + err, (damaged, status, out, err)
        assert "busy" not in out and "held" in out, (damaged, out)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "machine.json" in lines[0], (damaged, err)


@test
def a_quote_of_machine_json_takes_its_number_and_refuses_a_damaged_file_in_one_line():
    base, path = quote_tree("knee <!-- quote machine=cache_knees_measured[0] format=int -->0"
                            "<!-- /quote -->\n", RACE)
    machine = os.path.join(base.name, "results", "machine.json")
    with open(machine, "w") as f:
        f.write('{"cores": 2, "cache_knees_measured": [16384]}')
    assert quotes(base, path)[0] == 0
    with open(path) as f:
        assert "-->16,384<!--" in f.read()
    for damaged in ('{"cache_knees_measured": "16K"}', "[1, 2]", "\x00\xff{", '{"cores": 2'):
        with open(machine, "w") as f:
            f.write(damaged)
        status, out, err = quotes(base, path, "--check")
        lines = err.strip().splitlines()
        assert status == 1 and "Traceback" not in out + err, (damaged, status, out, err)
        assert len(lines) == 1 and "machine.json" in lines[0], (damaged, err)
    os.unlink(machine)
    status, out, err = quotes(base, path, "--check")
    assert status == 1 and "machine.json" in err and "Traceback" not in err, (status, err)


def main():
    passed = failed = 0
    for fn in TESTS:
        try:
            fn()
            passed += 1
        except Exception:
            failed += 1
            print(f"FAILED {fn.__name__}")
            traceback.print_exc(file=sys.stdout)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
