"""test_learner_loop.py - the learner's loop, as a person at a terminal meets it.

Run by tests/run (through the wrapper the Makefile writes, which sets BUILD
and SAN), it ends with the line "N passed, N failed". It tries:

  - a demo driven through a pseudo-terminal (Python's pty module): typed
    predictions are scored and kept, bad answers are asked again, a damaged
    predictions file is set aside in one line; every demo found in
    BUILD/lessons asks its questions at --predict and keeps each answer under
    its own lesson number;
  - the same demo without a terminal, and with PAUSE=0 or CI set: it never
    asks and never waits;
  - on a copy of the tree (git-initialised, so that "as shipped" means its
    HEAD): make reset-NN, tools/check-exercise on exercises that call
    exit(0), loop forever or use the wrong tolerance, and make watch, once
    with inotifywait hidden from PATH (polling) and once with it where it is
    installed.

Nothing here is timed: every wait is a deadline for something that must
happen, long enough for a loaded machine.
"""
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
# The copied tree builds inside itself: BUILD when it names a folder of the tree
# (build, build/check), else build, so that a BUILD outside the tree (make test
# BUILD=/tmp/b) is never written by the copy's make.
TREE_BUILD = BUILD if not os.path.isabs(BUILD) and ".." not in BUILD.split(os.sep) else "build"
SAN = os.environ.get("SAN", "")
HEADER = "when,lesson,question,attempt,guess,unit,measured,factor"
DEMO_04 = os.path.join(ROOT, BUILD, "lessons", "04-mmap", "04-mmap")
DEMO_01 = os.path.join(ROOT, BUILD, "lessons", "01-photocopy", "01-photocopy")


class Failure(Exception):
    pass


def require(cond, what):
    if not cond:
        raise Failure(what)


def clean_env(state, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("PAUSE", "CI")}
    env["WORKBENCH_STATE"] = state
    env.update(extra)
    return env


def on_pty(argv, answers, env, deadline=120):
    """Run argv on a pseudo-terminal, answering each guess prompt with the next
    answer (Enter once they run out) and each pause with Enter."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    answers = list(answers)
    out = b""
    end = time.monotonic() + deadline
    try:
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
            if out.endswith(b"Enter to skip): "):
                answer = answers.pop(0) if answers else ""
                if callable(answer):    # chosen by the prompt's unit
                    answer = answer(out[out.rfind(b"your guess ("):].decode())
                os.write(fd, answer.encode() + b"\n")
            elif out.endswith(b"(Enter to go on)"):
                os.write(fd, b"\n")
        else:
            os.kill(pid, signal.SIGKILL)
            raise Failure(f"{argv[0]} still running after {deadline} s")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return out.decode(errors="replace").replace("\r\n", "\n"), os.waitstatus_to_exitcode(status)


def rows(state):
    path = os.path.join(state, "predictions.csv")
    with open(path, encoding="ascii") as f:
        lines = f.read().splitlines()
    require(lines and lines[0] == HEADER, f"{path} does not start with the header")
    return [line.split(",") for line in lines[1:]]


# --- The demo at a terminal ------------------------------------------------------

def typed_predictions_are_stored_and_scored(tmp):
    state = os.path.join(tmp, "state")
    out, status = on_pty([DEMO_04], ["2", "3x", "32"], clean_env(state))
    require(status == 0, f"04-mmap exited {status}")
    require(out.count("your guess (") == 3, "not three questions asked")
    require("you guessed 2.0x; this machine measured " in out, "no score for the 64 MiB guess")
    require("you guessed 32; this machine measured " in out, "no score for the fault count")
    kept = rows(state)
    require(len(kept) == 3, f"{len(kept)} rows kept, not 3")
    require([r[2] for r in kept] == ["mmap-vs-read-64m", "read-vs-mmap-4k",
                                     "private-write-faults"], "wrong questions kept")
    for r in kept:
        require(len(r) == 8 and r[1] == "04" and r[3] == "1", f"bad row {r}")
        require(r[6] != "" and float(r[7]) >= 1, f"row not scored: {r}")
    require([float(r[4]) for r in kept] == [2, 3, 32], "guesses not kept as typed")
    require([r[5] for r in kept] == ["ratio", "ratio", "count"], "units not kept")


def bad_answers_are_asked_again(tmp):
    state = os.path.join(tmp, "state")
    bad = ["abc", "-3", "1e999", "5 ms", "x", "0"]
    out, status = on_pty([DEMO_01, "--predict"], bad + ["10x", "", "2"], clean_env(state))
    require(status == 0, f"--predict exited {status}")
    require(out.count("Once more:") == len(bad), "not every bad answer was refused once")
    for answer in bad:
        line = next((l for l in out.splitlines() if l.strip().startswith(f"'{answer}':")), None)
        require(line is not None, f"no one-line reason for {answer!r}")
    kept = rows(state)
    require([(r[2], r[4], r[6], r[7]) for r in kept] ==
            [("copy-51-pages", "10", "", ""), ("read-copy-vs-view-256m", "2", "", "")],
            f"skip or guesses kept wrongly: {kept}")
    on_pty([DEMO_01, "--predict"], ["20"], clean_env(state))
    require(rows(state)[-1][2:5] == ["copy-51-pages", "2", "20"], "a second guess is not attempt 2")


def in_its_unit(prompt):
    """An answer of 2 in the unit the prompt asks for."""
    for unit, answer in (("a size", "2 KiB"), ("a time", "2 us")):
        if prompt.startswith(f"your guess ({unit}:"):
            return answer
    return "2"


def every_lessons_questions_are_asked_and_kept_on_a_terminal(tmp):
    """Each demo found in BUILD/lessons (so a new lesson too) asks its questions at
    --predict and keeps one row per answer, under its own lesson number."""
    lessons = os.path.join(ROOT, BUILD, "lessons")
    demos = sorted(os.path.join(lessons, d, d) for d in os.listdir(lessons)
                   if d[:2].isdigit() and os.access(os.path.join(lessons, d, d), os.X_OK))
    require(len(demos) >= 2, f"no lesson demos found in {lessons}")
    for demo in demos:
        number = os.path.basename(demo)[:2]
        state = os.path.join(tmp, number)
        out, status = on_pty([demo, "--predict"], [in_its_unit] * 20, clean_env(state))
        asked = out.count("your guess (")
        require(status == 0 and asked >= 1, f"{demo} --predict: status {status}, {asked} asked")
        require("Once more:" not in out, f"{demo}: an answer in its unit was refused")
        kept = rows(state)
        require(len(kept) == asked, f"{demo}: {asked} asked, {len(kept)} kept")
        require(all(r[1] == number and r[6] == "" for r in kept), f"{demo}: rows {kept}")
        require(len({r[2] for r in kept}) == len(kept), f"{demo}: a question name twice")
    return f"{len(demos)} lessons"

def a_damaged_file_is_set_aside_in_one_line(tmp):
    state = os.path.join(tmp, "state")
    os.makedirs(state)
    with open(os.path.join(state, "predictions.csv"), "w") as f:
        f.write("when,lesson\n\x00\x01 not ours\n")
    out, status = on_pty([DEMO_01, "--predict"], ["7"], clean_env(state))
    require(status == 0, f"--predict exited {status}")
    require(out.count("was damaged") == 1, "the damage is not reported in one line")
    with open(os.path.join(state, "predictions.csv.damaged-1")) as f:
        require(f.read() == "when,lesson\n\x00\x01 not ours\n", "the damaged file was not kept")
    require(len(rows(state)) == 1, "the new file does not hold the one new guess")


def without_a_terminal_nothing_is_asked_or_awaited(tmp):
    state = os.path.join(tmp, "state")
    # stdin a pipe nobody writes to: a demo that waited would never end
    proc = subprocess.Popen([DEMO_04], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=clean_env(state))
    try:
        out, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise Failure("04-mmap waited for input without a terminal")
    out = out.decode(errors="replace")
    require(proc.returncode == 0, f"04-mmap exited {proc.returncode}")
    require("Predict:" in out and "your guess" not in out and "Enter" not in out,
            "asked or paused without a terminal")
    for extra in ({"PAUSE": "0"}, {"CI": "true"}):
        out, status = on_pty([DEMO_01, "--predict"], [], clean_env(state, **extra))
        require(status == 0 and "your guess" not in out and "Nothing was asked" in out,
                f"asked on a terminal with {extra}")
    require(not os.path.exists(os.path.join(state, "predictions.csv")),
            "a run that asked nothing wrote predictions")


# --- On a copy of the tree --------------------------------------------------------

def git(tree, *args):
    subprocess.run(["git", "-C", tree, "-c", "user.name=test", "-c", "user.email=test@example.org",
                    *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def shipped(path):
    """The exercise as this checkout shipped it, or the tree's file outside git."""
    got = subprocess.run(["git", "-C", ROOT, "show", f"HEAD:{path}"], capture_output=True)
    if got.returncode == 0:
        return got.stdout
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def copy_tree(tmp):
    tree = os.path.join(tmp, "tree")
    skip = {".git", ".workbench", "build"}
    shutil.copytree(ROOT, tree, symlinks=True,
                    ignore=lambda d, names: [n for n in names if d == ROOT and n in skip])
    unit = os.path.join(ROOT, BUILD, "unit")
    if os.path.isdir(unit):   # up to date objects: the copy builds only what changes
        shutil.copytree(unit, os.path.join(tree, TREE_BUILD, "unit"), symlinks=True)
    for lesson in ("00-honest-timing", "01-photocopy"):
        path = f"lessons/{lesson}/exercise.c"
        with open(os.path.join(tree, path), "wb") as f:
            f.write(shipped(path))
    subprocess.run(["git", "init", "-q", tree], check=True)
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "the tree as shipped")
    return tree


def solution_with(tree, lesson, old, new):
    """The lesson's solution.c with one change, written as its exercise.c."""
    with open(os.path.join(tree, "lessons", lesson, "solution.c")) as f:
        text = f.read()
    require(old in text, f"{lesson}/solution.c has no {old!r}")
    with open(os.path.join(tree, "lessons", lesson, "exercise.c"), "w") as f:
        f.write("#include <math.h>\n#include <stdlib.h>\n" + text.replace(old, new, 1))


def make(tree, *args, **env):
    full = dict(os.environ, BUILD=TREE_BUILD, SAN=SAN, **env)
    got = subprocess.run(["make", "-s", "--no-print-directory", "-C", tree, *args],
                         stdin=subprocess.DEVNULL, capture_output=True, env=full, timeout=300)
    return got.returncode, (got.stdout + got.stderr).decode(errors="replace")


def reset_keeps_the_learners_file_and_restores_the_shipped_one(tmp, tree):
    ex = os.path.join(tree, "lessons", "01-photocopy", "exercise.c")
    with open(ex, "rb") as f:
        original = f.read()
    versions = [b"/* my first try */\n" + original, b"/* my second try */\n\x00binary too\n"]
    for n, mine in enumerate(versions, 1):
        with open(ex, "wb") as f:
            f.write(mine)
        status, out = make(tree, "reset-01")
        require(status == 0, f"make reset-01 exited {status}: {out}")
        require(f"exercise.c.backup-{n}" in out, f"the backup is not named: {out}")
        with open(ex, "rb") as f:
            require(f.read() == original, "exercise.c is not as shipped")
    for n, mine in enumerate(versions, 1):
        with open(f"{ex}.backup-{n}", "rb") as f:
            require(f.read() == mine, f"backup-{n} is not the learner's file")
    status, out = make(tree, "reset-01")
    require(status == 0 and "nothing to do" in out, "a reset of a shipped file did something")
    for n in (1, 2):
        os.unlink(f"{ex}.backup-{n}")


def check_exercise_fails_what_did_not_run_all_its_tests(tmp, tree):
    status, out = make(tree, "check-01")
    require(status != 0 and "FAIL" in out, "the shipped exercise of 01 does not fail")
    solution_with(tree, "01-photocopy", "REQUIRE(", "exit(0);\n\tREQUIRE(")
    status, out = make(tree, "check-01")
    require(status != 0 and "All 0 tests" not in out and "never finished" in out,
            f"an exercise that calls exit(0) passed: {out}")
    got = subprocess.run([os.path.join(tree, "tools", "check-exercise"), "01", "/bin/true"],
                         capture_output=True, text=True)
    require(got.returncode == 1 and "No test ran" in got.stdout, "/bin/true passed as tests")
    solution_with(tree, "01-photocopy", "REQUIRE(", "for (;;)\n\t\t;\n\tREQUIRE(")
    status, out = make(tree, "check-01", CHECK_TIMEOUT="2")
    require(status != 0 and "stopped after 2 s" in out, f"an endless loop was not stopped: {out}")


def lesson_00_refuses_an_absolute_tolerance(tmp, tree):
    solution_with(tree, "00-honest-timing",
                  "ratio >= 2 * (1 - tolerance) && ratio <= 2 * (1 + tolerance)",
                  "fabs(ratio - 2) <= tolerance")
    status, out = make(tree, "check-00")
    require(status != 0 and "FAIL  the_tolerance_is_a_fraction_of_two" in out,
            f"an absolute tolerance passed lesson 00: {out}")


class Watch:
    """make watch N=01 in the background, its output collected as it comes."""

    def __init__(self, tree, env):
        self.out = ""
        self.proc = subprocess.Popen(["make", "-s", "--no-print-directory", "-C", tree,
                                      "watch", "N=01"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            self.out += chunk.decode(errors="replace")

    def wait_for(self, text, deadline, since=0):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if text in self.out[since:]:
                return
            time.sleep(0.1)
        raise Failure(f"watch did not print {text!r} within {deadline} s:\n{self.out[-800:]}")

    def key(self, k):
        self.proc.stdin.write(k.encode())
        self.proc.stdin.flush()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


def path_without(program):
    """PATH with every folder that holds program replaced by a copy without it."""
    shadow = tempfile.mkdtemp(prefix="nopath.")
    parts = []
    for i, d in enumerate(os.environ.get("PATH", "").split(":")):
        if not d or not os.path.exists(os.path.join(d, program)):
            parts.append(d)
            continue
        copy = os.path.join(shadow, str(i))
        os.mkdir(copy)
        for name in os.listdir(d):
            if name != program:
                os.symlink(os.path.join(d, name), os.path.join(copy, name))
        parts.append(copy)
    return ":".join(parts), shadow


def run_watch(tmp, tree, mode):
    state = os.path.join(tmp, f"state-{mode}")
    env = dict(os.environ, BUILD=TREE_BUILD, SAN=SAN, WORKBENCH_STATE=state)
    shadow = None
    if mode == "polling":
        env["PATH"], shadow = path_without("inotifywait")
    ex = os.path.join(tree, "lessons", "01-photocopy", "exercise.c")
    with open(ex, "wb") as f:
        f.write(shipped("lessons/01-photocopy/exercise.c"))
    w = Watch(tree, env)
    try:
        w.wait_for("does not pass yet", 120)
        require(f"({mode}" in w.out, f"watch did not use {mode}: {w.out[-300:]}")
        w.key("h")     # the check showed level 1 of the hint: h shows the next
        w.wait_for("Hint 2 of 3", 60)
        mark = len(w.out)
        with open(os.path.join(tree, "lessons", "01-photocopy", "solution.c"), "rb") as f:
            solved = f.read()
        if mode == "polling":       # an editor that writes in place
            with open(ex, "wb") as f:
                f.write(solved)
        else:                       # an editor that renames a new file over the old
            with open(ex + ".new", "wb") as f:
                f.write(solved)
            os.rename(ex + ".new", ex)
        w.wait_for("lesson 01 passes", 120, since=mark)
        w.key("q")
        try:
            status = w.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise Failure("q did not end watch")
        require(status == 0, f"watch ended with status {status} after q")
    finally:
        w.stop()
        if shadow:
            shutil.rmtree(shadow)


def watch_polls_without_inotifywait(tmp, tree):
    run_watch(tmp, tree, "polling")


def watch_uses_inotifywait_where_installed(tmp, tree):
    if not shutil.which("inotifywait"):
        return "skipped: inotifywait is not installed (inotify-tools)"
    run_watch(tmp, tree, "inotifywait")


def main():
    passed = failed = 0
    alone = [typed_predictions_are_stored_and_scored, bad_answers_are_asked_again,
             every_lessons_questions_are_asked_and_kept_on_a_terminal,
             a_damaged_file_is_set_aside_in_one_line,
             without_a_terminal_nothing_is_asked_or_awaited]
    on_copy = [reset_keeps_the_learners_file_and_restores_the_shipped_one,
               check_exercise_fails_what_did_not_run_all_its_tests,
               lesson_00_refuses_an_absolute_tolerance,
               watch_polls_without_inotifywait, watch_uses_inotifywait_where_installed]
    with tempfile.TemporaryDirectory(prefix="test_learner_loop.") as tmp:
        tree = None
        for test in alone + on_copy:
            sub = tempfile.mkdtemp(dir=tmp)
            try:
                if test in on_copy and tree is None:
                    tree = copy_tree(tmp)
                note = test(sub, tree) if test in on_copy else test(sub)
                print(f"[       OK ] {test.__name__}" + (f" ({note})" if note else ""))
                passed += 1
            except (Failure, OSError, subprocess.SubprocessError) as e:
                print(f"[  FAILED  ] {test.__name__}: {e}")
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
