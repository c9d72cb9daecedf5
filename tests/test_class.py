#!/usr/bin/env python3
"""test_class - `make share` and `make class`, end to end, on a made-up class.

The class: two real result sets (lesson 01's benchmark, run here with its quick sweep on
five sizes, into two folders: two real machines' worth of real output, without the time
of a whole `make bench QUICK=1`; CI pools two real quick runs, see .ci/run), twenty
synthetic machines made from the reference results with perturbed numbers and facts,
some with recorded predictions, one whose shared claims were edited, and the hostile or
odd bundles of tests/class/fixtures.py. tests/class/fake-claims stands in for
tools/claims, so that the verdicts do not depend on the course's claims.

Checked: what tools/share refuses and what its bundle holds (and does not: no user or
host name), then class.csv's rows and columns, every plot, every table listing every good
machine, every hostile bundle refused with its reason, the odd ones merged with their
note, the page parsing with every image it names present and nothing fetched, claims
disagreeing shown, one bundle alone, and nothing written outside the output folder.
Nothing is timed. Ends with "N passed, N failed".
"""
import csv
import html.parser
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True    # importing fixtures.py and bundle.py leaves no __pycache__
sys.path.insert(0, os.path.join(ROOT, "tests", "class"))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bundle  # noqa: E402
import fixtures  # noqa: E402

SYNTHETIC = 20
LESSONS_PLOTTED = ("00-honest-timing", "01-photocopy", "02-views", "03-strides", "04-mmap",
                   "05-python-buffers")
passed = failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok      {what}")
    else:
        failed += 1
        print(f"FAILED  {what}" + (f": {detail}" if detail else ""))


def run(*args, env=None, cwd=ROOT):
    e = dict(os.environ, **(env or {}))
    return subprocess.run(args, cwd=cwd, env=e, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)


def reference():
    for folder in ("bench/reference", "bench/results"):
        if os.path.exists(os.path.join(ROOT, folder, "01-photocopy.csv")):
            return os.path.join(ROOT, folder)
    raise SystemExit("test_class: no reference results to make a class from")


def tree(top):
    """Every path under TOP (the test's own folder), to see what a run wrote."""
    return {os.path.join(d, n) for d, dirs, files in os.walk(top) for n in dirs + files}


# --- tools/share ---------------------------------------------------------------------

def real_results(tmp, k):
    folder = os.path.join(tmp, f"real-{k}")
    os.makedirs(folder)
    prog = os.path.join(ROOT, os.environ.get("BUILD", "build"), "bench", "01-photocopy")
    r = run(prog, "--quick", "--sizes", "64,4K,64K,1M,64M", "--csv",
            os.path.join(folder, "01-photocopy.csv"))
    check(f"lesson 01's benchmark wrote real result set {k}", r.returncode == 0, r.stderr[-200:])
    # bench/machine takes the results folder (older checkouts: lesson 01's CSV); a
    # folder works with both (the older one then finds no knees: not needed here).
    r = run(os.path.join(ROOT, "bench", "machine"), folder)
    machine = json.loads(r.stdout)
    machine["cflags"] = f"-O2 -I{os.path.expanduser('~')}/include -DHOST={socket.gethostname()}"
    with open(os.path.join(folder, "machine.json"), "w") as f:
        json.dump(machine, f)
    return folder


def test_share(tmp, bundles, claims):
    empty = os.path.join(tmp, "no-results")
    os.makedirs(empty)
    r = run("tools/share", "--results", empty, "--out", bundles, env=claims)
    check("share refuses a folder without results, in one line",
          r.returncode == 1 and len(r.stderr.splitlines()) == 1 and "no results" in r.stderr,
          r.stderr)
    real = [real_results(tmp, k) for k in (1, 2)]
    r = run("tools/share", "--results", real[0], "--out", bundles, "--state",
            os.path.join(tmp, "state-1"), env=claims)
    check("share refuses a quick sweep, in one line, naming QUICK_OK=1",
          r.returncode == 1 and len(r.stderr.splitlines()) == 1 and "quick sweep" in r.stderr
          and "QUICK_OK=1" in r.stderr, r.stderr)
    check("and writes nothing then", os.listdir(bundles) == [])
    r = run("tools/share", "--results", real[0], "--out", bundles, "--quick-ok", "--name",
            "Ada", "--state", os.path.join(tmp, "state-1"), env=claims)
    check("share --quick-ok shares them", r.returncode == 0, r.stderr)
    r = run("tools/share", "--results", real[1], "--out", bundles, "--quick-ok", "--state",
            os.path.join(tmp, "state-2"), env=claims)
    check("a second real machine shares", r.returncode == 0, r.stderr)
    made = sorted(os.listdir(bundles))
    check("two bundles, results-<id>.tar.gz, no temporary file left",
          len(made) == 2 and all(bundle.TOP.fullmatch(m[:-7]) and m.endswith(".tar.gz")
                                 for m in made), made)
    second = os.path.join(bundles, [m for m in made if m != read_id(tmp, 1) + ".tar.gz"][0])
    with tarfile.open(second, "r:gz") as tar:
        infos = tar.getmembers()
        top = infos[0].name.split("/")[0]
        manifest = json.load(tar.extractfile(f"{top}/manifest.json"))
        machine = tar.extractfile(f"{top}/results/machine.json").read().decode()
        names = {m.name.split("/", 1)[1] for m in infos}
    check("the tar headers name no user and no owner",
          all(m.uname == "" and m.gname == "" and m.uid == 0 for m in infos))
    check("the manifest: format, version, commit, date, id, no name, marked quick",
          manifest["format_version"] == bundle.FORMAT_VERSION and manifest["name"] is None
          and manifest["sweep"] == "quick" and len(manifest["project_commit"]) >= 7
          and bundle.ID.fullmatch(manifest["machine_id"]) and "T" in manifest["date"], manifest)
    check("the bundle holds results, machine.json and the claims",
          {"manifest.json", "results/01-photocopy.csv", "results/machine.json",
           "claims.csv"} <= names, names)
    home = os.path.expanduser("~")
    check("no home folder or host name in the shared machine.json",
          home not in machine and (len(socket.gethostname()) < 3
                                   or socket.gethostname() not in machine), machine)
    r = run("tools/share", "--results", real[1], "--out", bundles, "--quick-ok", "--state",
            os.path.join(tmp, "state-2"), env=claims)
    check("sharing again from one machine replaces its own bundle",
          r.returncode == 0 and sorted(os.listdir(bundles)) == made, os.listdir(bundles))
    link = os.path.join(tmp, "state-3")
    os.makedirs(link)
    with open(os.path.join(link, "machine-id"), "w") as f:
        f.write("d" * 12 + "\n")
    os.symlink("/etc/hostname", os.path.join(bundles, f"results-{'d' * 12}.tar.gz"))
    r = run("tools/share", "--results", real[1], "--out", bundles, "--quick-ok", "--state",
            link, env=claims)
    check("share never replaces a file in its way that is not its own",
          r.returncode == 1 and "not a bundle of ours" in r.stderr, r.stderr)
    os.unlink(os.path.join(bundles, f"results-{'d' * 12}.tar.gz"))
    r = run("tools/share", "--bogus")
    check("share: a bad argument is a usage error", r.returncode == 2 and "usage" in r.stderr)
    r = run("tools/share", "--results", real[1], "--out", os.path.join(tmp, "bundles-noclaims"),
            "--quick-ok", env={"CLAIMS": "/nonexistent/claims"})
    check("without tools/claims the bundle says the claims were not evaluated",
          r.returncode != 0 or "claims not evaluated" in r.stdout, r.stdout + r.stderr)


def read_id(tmp, k):
    with open(os.path.join(tmp, f"state-{k}", "machine-id")) as f:
        return "results-" + f.read().strip()


def make_class(tmp, bundles):
    """The synthetic machines; returns the results they were made from and the path of
    the first one's bundle."""
    src = reference()
    for i in range(SYNTHETIC):
        results = os.path.join(tmp, f"synthetic-{i}")
        fixtures.synthetic(src, results, i)
        state = os.path.join(tmp, f"state-s{i}")
        if i % 3 == 0:
            os.makedirs(state)
            with open(os.path.join(state, "predictions.csv"), "w") as f:
                f.write(",".join(bundle.PREDICTIONS_HEADER) + "\n")
                f.write(f"2026-12-01T08:00:00Z,01,copy-51-pages,1,{2 ** (i % 7)},ratio,8,1\n")
                f.write("2026-12-01T08:01:00Z,01,copy-51-pages,2,8,ratio,8,1\n")
                f.write("2026-12-01T08:02:00Z,03,page-stride,1,3,ratio,40,13.3\n")
                f.write("2026-12-01T08:03:00Z,03,not-measured,1,3,ratio,,\n")
        made = fixtures.share(results, bundles, state)
        if i == 0:
            first = made
    return src, first


def edit_claims(bundles, spare):
    """Flip the first shared verdict of one synthetic bundle, not SPARE (the manifest
    kept in step); returns its machine id."""
    path = os.path.join(bundles, sorted(f for f in os.listdir(bundles)
                                        if f.startswith("results-") and
                                        f != os.path.basename(spare))[-1])
    files = fixtures.members(path)

    def flip(top, fs, manifest):
        rows = fs[f"{top}/claims.csv"].decode().splitlines()
        first = rows[1].split(",")
        first[2] = "not-held" if first[2] == "held" else "held"
        rows[1] = ",".join(first)
        fs[f"{top}/claims.csv"] = ("\n".join(rows) + "\n").encode()
        rows.append("01-photocopy,gone-claim,held,1x,A claim of another version")
        fs[f"{top}/claims.csv"] = ("\n".join(rows) + "\n").encode()
    fixtures.rebundle(path, files, flip)
    return os.path.basename(path)[len("results-"):-len(".tar.gz")]


# --- The page ------------------------------------------------------------------------

class Page(html.parser.HTMLParser):
    VOID = {"meta", "img", "br", "hr", "link", "input"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.images, self.links, self.sections = [], [], [], [], {}
        self.section = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a.get("src", ""))
        if tag in ("a", "link", "script"):
            self.links.append(a.get("href") or a.get("src") or tag)
        if tag == "h2":
            self.section = a.get("id")
            self.sections.setdefault(self.section, "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)

    def handle_data(self, data):
        if self.section:
            self.sections[self.section] += data


def check_page(out, good):
    with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
        text = f.read()
    p = Page()
    p.feed(text)
    p.close()
    check("index.html parses: every tag closed in order", not p.errors and not p.stack,
          (p.errors, p.stack))
    check("every image the page names exists",
          p.images and all(os.path.isfile(os.path.join(out, i)) for i in p.images),
          [i for i in p.images if not os.path.isfile(os.path.join(out, i))])
    check("the page fetches nothing: no script, no stylesheet, links only to class.csv and "
          "within the page", "http" not in text.split("<body>")[0] and
          all(link == "class.csv" or link.startswith("#") for link in p.links), p.links)
    for lesson in LESSONS_PLOTTED:
        want = [m for m, lessons in good.items() if lesson in lessons]
        missing = [m for m in want if m not in p.sections.get(lesson, "")]
        check(f"the {lesson} table lists all {len(want)} machines with its results", not missing,
              missing)
    return text


def test_class(tmp, bundles, claims):
    src, first = make_class(tmp, bundles)
    edited = edit_claims(bundles, first)
    refused, noted = fixtures.hostile(bundles, first)
    good = {}
    for f in os.listdir(bundles):
        if f.startswith("results-"):
            good[f[8:20]] = set(fixtures.members(os.path.join(bundles, f)).keys())
    good = {m: {n.split("/")[-1][:-4] for n in names if n.endswith(".csv")}
            for m, names in good.items()}
    good["b" * 12] = set(good[next(iter(good))]) - {"03-strides"}
    good["c" * 12] = set(good[next(iter(good))])
    good["e" * 12] = set(good[next(iter(good))])
    odd = {"1" * 12: {"01-photocopy"}, "2" * 12: {"01-photocopy"}, "3" * 12: set(),
           "4" * 12: set()}
    for m, left_out in odd.items():
        good[m] = set(good[next(iter(good))]) - left_out
    cwd = os.path.join(tmp, "cwd")
    os.makedirs(cwd)
    out = os.path.join(tmp, "out", "class")
    before = tree(tmp)
    r = run(os.path.join(ROOT, "tools", "class"), bundles, "--out", out, env=claims, cwd=cwd)
    check("make class succeeds on the class and its hostile bundles", r.returncode == 0,
          r.stderr[-300:])
    lines = r.stdout.splitlines()
    for name, phrase in sorted(refused.items()):
        said = [l for l in lines if l.startswith(f"class: skipped {name}:")]
        check(f"{name} is skipped, saying {phrase!r}",
              len(said) == 1 and phrase in said[0], said or lines[-3:])
    for name, phrase in sorted(noted.items()):
        said = [l for l in lines if l.startswith("class: merged") and phrase in l]
        check(f"{name} is merged with a note: {phrase!r}", len(said) == 1, said)
    after = tree(tmp)
    check("nothing written outside the output folder",
          {p for p in after - before if not p.startswith(out)} == {os.path.dirname(out)},
          sorted(after - before)[:5])
    check("nothing written by the hostile paths",
          not os.path.exists("/tmp/class-test-absolute") and not os.path.exists(
              os.path.join(os.path.dirname(out), "x"))
          and not os.path.exists(os.path.join(tmp, "x")))
    with open(os.path.join(out, "class.csv"), newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    check("class.csv: machine, the results schema, then the machine's facts",
          header[0] == "machine" and tuple(header[1:16]) == bundle.SCHEMA
          and {"cpu_model", "cores", "virtualisation", "sweep"} <= set(header[16:]), header)
    machines = {r[0] for r in rows[1:]}
    check(f"class.csv holds the {len(good)} good machines and no other",
          machines == set(good), sorted(machines ^ set(good)))
    per_machine = {}
    for r in rows[1:]:
        per_machine[r[0]] = per_machine.get(r[0], 0) + 1
    reference_rows = sum(len(open(os.path.join(src, f)).read().splitlines()) - 1
                         for f in os.listdir(src) if f.endswith(".csv"))
    synthetic_ids = [m for m in good if m not in ("b" * 12, "c" * 12, "e" * 12)
                     and m not in odd and per_machine[m] > 200]
    check("every synthetic machine has all its rows in class.csv",
          len(synthetic_ids) == SYNTHETIC and all(per_machine[m] == reference_rows
                                                  for m in synthetic_ids),
          (len(synthetic_ids), reference_rows))
    check("all rows of the two real machines too",
          sorted(n for m, n in per_machine.items() if n < 200)[:2] == [20, 20], per_machine)
    for lesson in LESSONS_PLOTTED:
        for suffix in ("", "-scatter"):
            png = os.path.join(out, f"{lesson}{suffix}.png")
            check(f"{lesson}{suffix}.png drawn",
                  os.path.isfile(png) and os.path.getsize(png) > 1000)
    check("a predictions histogram per question (two questions)",
          sorted(f for f in os.listdir(out) if f.startswith("predictions-")) ==
          ["predictions-1.png", "predictions-2.png"], os.listdir(out))
    text = check_page(out, good)
    check("a CPU name with markup is shown as text, never as markup",
          "<script" not in text and "&lt;script&gt;" in text)
    check("a name that a spreadsheet would take for a formula is quoted in class.csv",
          any(r[0] == "e" * 12 and "'=HYPERLINK" in ",".join(r) for r in rows)
          and not any(c.startswith("=") for r in rows for c in r))
    differ = re.findall(r"<tr><td><b>[\w-]+</b>: [^<]*</td>(?:<td[^>]*>[^<]*</td>){4}"
                        r"<td>([^<]*)</td></tr>", text)
    check("the edited claim is shown as a disagreement, naming its machine, and no other",
          sorted(differ) == sorted(["none", "none", edited]), differ)
    said = [l for l in lines if l.startswith(f"class: results-{edited}.tar.gz: 1 of its shared")]
    check("a shared claim this checkout does not have is named in one line", len(said) == 1,
          lines[-4:])
    check("the output folder holds no working files", not os.path.exists(os.path.join(out, ".work"))
          and not [f for f in os.listdir(os.path.dirname(out)) if f.startswith(".class")])
    return out


def test_edges(tmp, bundles, out, claims):
    one = os.path.join(tmp, "one")
    os.makedirs(one)
    first = sorted(f for f in os.listdir(bundles) if f.startswith("results-"))[0]
    shutil.copy(os.path.join(bundles, first), one)
    r = run("tools/class", one, "--out", out, env=claims)
    check("a class of one bundle works", r.returncode == 0 and "1 machine," in r.stdout,
          r.stdout + r.stderr)
    with open(os.path.join(out, "class.csv")) as f:
        check("and replaces the earlier output", {l.split(",")[0] for l in f.readlines()[1:]}
              == {first[8:20]})
    r = run("tools/class", one, "--out", out, env={"CLAIMS": "/nonexistent/claims"})
    check("without tools/claims the shared verdicts are shown, and it says so",
          r.returncode == 0 and "shared ones" in open(os.path.join(out, "index.html")).read())
    nothing = os.path.join(tmp, "only-hostile")
    os.makedirs(nothing)
    shutil.copy(os.path.join(bundles, "corrupt.tar.gz"), nothing)
    r = run("tools/class", nothing, "--out", out, env=claims)
    check("no usable bundle: one line, exit 1, the earlier output kept",
          r.returncode == 1 and "nothing written" in r.stderr
          and os.path.exists(os.path.join(out, "index.html")), r.stderr)
    link = os.path.join(tmp, "link-out")
    os.symlink(tmp, link)
    r = run("tools/class", one, "--out", link, env=claims)
    check("an output folder that is a symlink is refused", r.returncode == 1 and
          "not a folder of ours" in r.stderr, r.stderr)
    r = run("tools/class")
    check("class: no folder is a usage error", r.returncode == 2 and "usage" in r.stderr)
    r = run("tools/class", os.path.join(tmp, "no-such-folder"), "--out", out)
    check("class: a missing folder is one line, exit 1",
          r.returncode == 1 and len(r.stderr.splitlines()) == 1, r.stderr)


def main():
    tmp = tempfile.mkdtemp(prefix="test-class.")
    claims = {"CLAIMS": os.path.join(ROOT, "tests", "class", "fake-claims")}
    os.environ.pop("CLAIMS", None)
    try:
        bundles = os.path.join(tmp, "bundles")
        os.makedirs(bundles)
        test_share(tmp, bundles, claims)
        os.environ["CLAIMS"] = claims["CLAIMS"]
        out = test_class(tmp, bundles, claims)
        test_edges(tmp, bundles, out, claims)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
