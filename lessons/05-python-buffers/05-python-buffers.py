"""05-python-buffers.py - the Python half of lesson 05's demo.

Run by the C demo (build/lessons/05-python-buffers/05-python-buffers, or
`make lesson-05`), which sets PYTHONPATH to the built `workbench` module
and DEMO_NEXT_STEP to the number of the first step here. Each step prints
what it proves: addresses from both sides, byte counts, exports, times.
PAUSE=0 never waits; otherwise it waits for Enter between steps when
standard input is a terminal, like the C demos.

Like the C demos it fails in one line, never with a traceback: output that
cannot be written (a full disk, a closed stdout) is exit status 1, a broken
pipe ends it quietly with status 1, Ctrl-C with status 130.
"""
import mmap
import os
import signal
import sys
import textwrap
import time

# tools/program.py: the streams made safe, and failures said in one line,
# as src/program.c does for the C demos.
sys.dont_write_bytecode = True  # importing from tools/ leaves no __pycache__ there
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from program import open_closed_streams, say, silence_stdout  # noqa: E402

PROG = "05-python-buffers"
open_closed_streams()
import workbench  # noqa: E402  (after the streams are safe)

step = int(os.environ.get("DEMO_NEXT_STEP", "1"))
first = step == 1       # continuing the C driver's steps: pause before ours too


def demo_step(title):
    global step, first
    if not first and os.environ.get("PAUSE") != "0" and sys.stdin.isatty():
        input("  (Enter to go on)")
    first = False
    print(f"\nStep {step}: {title}")
    step += 1


def show(label, value):
    """One line of label and value; a value too long for 100 columns goes below it."""
    line = f"  {label:<34} {value}"
    if len(line) <= 100:
        print(line)
        return
    print(f"  {label}")
    for part in textwrap.wrap(str(value), 92):
        print(f"      {part}")


def hexaddr(obj):
    return f"{workbench.address(obj):#x}"


def refused(fn, *args):
    try:
        fn(*args)
    except BufferError as e:
        return f"BufferError: {e}"
    return "allowed"


def copy_or_view():
    demo_step("a bytes slice is a photocopy; a memoryview slice is the original")
    report = bytes(500 * 4096)            # 500 pages of 4 KiB
    # Pages 200 to 250 as people count them: bytes [199 * 4096, 250 * 4096).
    pages = report[199 * 4096:250 * 4096]
    view = memoryview(report)[199 * 4096:250 * 4096]
    show("report (500 pages) starts at", hexaddr(report))
    show("page 200 of the report is at", f"{workbench.address(report) + 199 * 4096:#x}")
    show("bytes slice of pages 200-250 at", hexaddr(pages) + "  (somewhere else: a copy)")
    show("memoryview of pages 200-250 at", hexaddr(view) + "  (page 200 itself)")
    show("bytes the copy holds", f"{len(pages):,}")
    show("bytes the view holds", f"0 (it describes {view.nbytes:,})")


def c_owns_python_looks():
    demo_step("C owns the bytes; Python's memoryview points right at them")
    m = workbench.Memory(4096)
    v = memoryview(m)
    show("C's pointer (Memory.address)", f"{m.address:#x}")
    show("memoryview's buf, via the protocol", hexaddr(v))
    show("memoryview(m)[1000:] starts at", hexaddr(v[1000:]) + f"  (= C's + {workbench.address(v[1000:]) - m.address})")
    show("Py_buffer: buf, len (lesson 02)", f"{hexaddr(v)}, {v.nbytes}")
    show("format, itemsize, ndim", f"{v.format!r}, {v.itemsize}, {v.ndim}")


def google_doc():
    demo_step("the Google Doc: a write through one view is seen by every other")
    m = workbench.Memory(64)
    editor = memoryview(m)
    reader = memoryview(m)[10:20]
    editor[15] = ord("!")
    show("editor: a view of all 64 bytes", "writes '!' at byte 15")
    show("reader: a view of bytes 10-19", f"its byte 5 reads {chr(reader[5])!r}")
    show("C's memory, bytes 12-17", repr(bytes(m)[12:18]))


def strides():
    demo_step("a 2-D buffer: shape and strides are lesson 03's view")
    m = workbench.Matrix(3, 4)
    v = memoryview(m)
    show("Matrix(3, 4): shape, strides", f"{v.shape}, {v.strides} bytes")
    show("rows", v.tolist())
    col = memoryview(m.column(2))
    show("column(2): shape, strides", f"{col.shape}, {col.strides}  at C's + {workbench.address(col) - m.address}")
    show("column(2) values", col.tolist())
    t = memoryview(m.transposed())
    show("transposed(): shape, strides", f"{t.shape}, {t.strides}  at C's + {workbench.address(t) - m.address}")
    show("contiguous? row-major / transposed", f"{v.c_contiguous} / {t.c_contiguous}")
    show("tobytes() of the column", f"{len(col.tobytes())} bytes: the packed photocopy")


def export_counter():
    demo_step("the export counter: no resize or free while a view is alive")
    m = workbench.Memory(4096)
    v = memoryview(m)
    s = v[100:200]
    show("one memoryview and a slice of it", f"exports = {m.exports}  (a slice shares its parent's)")
    show("m.resize(1 MiB)", refused(m.resize, 1 << 20))
    show("m.free()", refused(m.free))
    v.release()
    show("v.release() while s lives", f"exports = {m.exports}")
    s.release()
    show("s.release()", f"exports = {m.exports}")
    show("m.resize(1 MiB)", refused(m.resize, 1 << 20) + f", now at {m.address:#x}")
    with memoryview(m) as w:
        show("inside `with memoryview(m) as w`", f"exports = {m.exports}")
    show("after the with block", f"exports = {m.exports}")
    b = bytearray(16)
    v = memoryview(b)
    show("bytearray.extend while viewed", refused(b.extend, b"x"))
    v.release()
    show("bytearray.extend after release", refused(b.extend, b"x"))


def mmap_exports():
    demo_step("lesson 04's mapping is an exporter too")
    with mmap.mmap(-1, 8192) as mm:
        v = memoryview(mm)
        show("mmap at / memoryview at", f"{hexaddr(mm)} / {hexaddr(v)}")
        show("mm.resize(4096) while viewed", refused(mm.resize, 4096))
        v.release()


def report_measured(name, value):
    """Hand a measured figure to the C demo, which scores the guess made for it."""
    fd = os.environ.get("DEMO_MEASURED_FD")
    if not fd:
        return
    try:
        os.write(int(fd), f"{name} {value!r}\n".encode())
    except (OSError, ValueError):
        pass    # nobody to score it: the figure was printed anyway


def median_ns(fn, data, lo, hi, n):
    times = []
    for _ in range(11):
        t = time.perf_counter_ns()
        for _ in range(n):
            fn(data, lo, hi)
        times.append((time.perf_counter_ns() - t) / n)
    return sorted(times)[5]


def timing():
    demo_step("what it costs: half of 16 MiB, copied or viewed (median of 11)")
    data = bytes(range(256)) * (1 << 16)
    lo, hi = len(data) // 4, len(data) * 3 // 4
    copy = median_ns(lambda d, a, b: d[a:b][0], data, lo, hi, 5)
    view = median_ns(lambda d, a, b: memoryview(d)[a:b][0], data, lo, hi, 2000)
    show("bytes slice (8 MiB copied)", f"{copy / 1e3:10.1f} us")
    show("memoryview slice", f"{view / 1e3:10.3f} us")
    show("ratio", f"{copy / view:10.0f} x")
    report_measured("view-vs-bytes-slice-16m", copy / view)
    small = bytes(64)
    copy = median_ns(lambda d, a, b: d[a:b][0], small, 16, 48, 20000)
    view = median_ns(lambda d, a, b: memoryview(d)[a:b][0], small, 16, 48, 20000)
    winner = "the copy wins" if copy < view else "the view wins, against the lesson (run it again)"
    show("at 64 bytes: bytes / memoryview", f"{copy:.0f} ns / {view:.0f} ns: {winner}")
    report_measured("bytes-vs-view-slice-64b", view / copy)


def lesson():
    copy_or_view()
    c_owns_python_looks()
    google_doc()
    strides()
    export_counter()
    mmap_exports()
    timing()
    sys.stdout.flush()      # where a full disk is found out


def main():
    try:
        # The C demo starts us with SIGINT blocked, so that Ctrl-C during
        # the interpreter's start-up waits for this handler (a no-op when
        # run by hand).
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        lesson()
        return 0
    except KeyboardInterrupt:
        say(f"\n{PROG}: interrupted")
        status = 130
    except BrokenPipeError:
        status = 1  # the reader went away: nothing more to say, or to whom
    except OSError as e:
        if e.filename:
            say(f"{PROG}: {e.filename}: {e.strerror}")
        else:
            say(f"{PROG}: cannot write standard output: {e.strerror}")
        status = 1
    except EOFError:            # Ctrl-D at a pause
        say(f"\n{PROG}: end of input")
        status = 1
    except MemoryError:
        say(f"{PROG}: out of memory")
        status = 1
    except Exception as e:     # a bug: still one line
        say(f"{PROG}: internal error: {type(e).__name__}: {e}")
        status = 1
    silence_stdout()
    return status


if __name__ == "__main__":
    sys.exit(main())
