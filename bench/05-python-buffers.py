"""05-python-buffers - slicing bytes (a copy) against slicing a memoryview.

The benchmark of lesson 05, in Python because what it measures is Python:
take the middle half [n/4, 3n/4) of an n-byte `bytes` object, either as a
new `bytes` (the photocopy) or as a memoryview slice (hand over the original
and say which pages), then read one byte of it; the +sum variants read the
whole half with workbench.checksum, a C loop (src/checksum.c), so that the
interpreter's own loop is not what is timed and both ways must agree.

It keeps the method and the output of the C harness (bench/harness.h), so
bench/run and the plots treat it like every other benchmark:

  - each variant's extra_bytes is the growth of resident memory while one
    result is held (the "extra paper");
  - a batch of operations is calibrated to last at least 5 ms; then one
    warm-up batch and 11 timed batches per variant, interleaved;
  - min, p25, median, p75, max and cv of ns per operation; minor faults per
    operation from getrusage;
  - the calibration rule and the statistics are not copies of the C
    harness's: they are its own code (src/benchstats.c), which the workbench
    module lends to Python as next_iters and stats, so one fix reaches both;
  - the +sum variants must return the same checksum, or the program stops;
  - the CSV goes where the C harness would put it: a temporary file beside
    the file (beside a symbolic link's target) renamed onto it at the end,
    with the old file's mode; a character device or a FIFO with a reader is
    written directly; a folder, a block device, a FIFO without a reader or
    a link to nothing is refused;
  - nothing is left behind and nothing is half-written: the temporary file
    is removed on every failure and on every signal that ends a process
    (the program then dies of the signal, as the C benchmarks do); a
    failure is one line and exit status 1, never a traceback; closed
    standard streams are opened onto /dev/null first, read-only, so that
    no file takes their place and a write to them fails loudly.

The garbage collector is switched off while timing: nothing here makes
reference cycles, and a collection in the middle of a batch would be noise.

Usage: 05-python-buffers [--sizes LIST] [--quick] [--csv FILE]
(run through build/bench/05-python-buffers, which the Makefile writes).
"""
import gc
import os
import re
import resource
import signal
import stat
import sys
import time
from itertools import repeat


sys.dont_write_bytecode = True  # importing from tools/ leaves no __pycache__ there
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from program import open_closed_streams, say, silence_stdout  # noqa: E402

open_closed_streams()
import workbench  # noqa: E402  (after the streams are safe)
from results import COLUMNS  # noqa: E402

BENCH = "05-python-buffers"
DEFAULT_SIZES = "64,256,1K,4K,16K,64K,256K,1M,4M,16M,64M,256M"
QUICK_SIZES = "64,4K,16K,64K,1M,16M"
MAX_SIZES = 64
LEAST_SIZE = 2      # the middle half of the source must hold a byte
SAMPLES = 11
MIN_BATCH_NS = 5_000_000
SCHEMA = ",".join(COLUMNS)  # tools/results.py: the one Python definition

temp_path = None    # the temporary CSV, while it exists
ENDING_SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT,
                  signal.SIGALRM, signal.SIGTERM, signal.SIGUSR1,
                  signal.SIGUSR2, signal.SIGXCPU, signal.SIGVTALRM,
                  signal.SIGPROF)


class Failure(Exception):
    """A failure of the world, said in one line: 'what: why'."""


# --- Command line (the same options and errors as bench_parse_args) ----------

def usage(status):
    print(f"usage: {BENCH} [--sizes LIST] [--quick] [--csv FILE]\n"
          "  LIST: comma-separated sizes, suffixes K M G (e.g. 64,4K,1M)",
          file=sys.stderr if status else sys.stdout)
    sys.exit(status)


def parse_sizes(text):
    """Like size_parse_list: digits, at most one of K M G, no zero."""
    sizes = []
    for item in text.split(","):
        m = re.fullmatch(r"([0-9]+)([KMG]?)", item)
        if not m or len(sizes) == MAX_SIZES:
            raise ValueError("expected sizes like 64,4K,1M")
        n = int(m.group(1)) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2)]
        if n == 0:
            raise ValueError("expected sizes like 64,4K,1M")
        if n >= 1 << 64:
            raise ValueError("a size is too large")
        sizes.append(n)
    return sizes


def parse_args(argv):
    sizes, quick, csv = None, False, "-"
    args = list(argv)
    while args:
        a = args.pop(0)
        name, eq, value = a.partition("=")
        if name in ("--sizes", "--csv") and not eq:
            if not args:
                print(f"{BENCH}: unknown or incomplete option '{a}'",
                      file=sys.stderr)
                usage(2)
            value = args.pop(0)
        if name == "--sizes":
            sizes = value
        elif name == "--csv":
            csv = value
        elif a == "--quick":
            quick = True
        elif a == "--help":
            usage(0)
        else:
            what = "unknown or incomplete option" if a.startswith("-") \
                else "unexpected argument"
            print(f"{BENCH}: {what} '{a}'", file=sys.stderr)
            usage(2)
    if csv == "":
        print(f"{BENCH}: --csv needs a file name", file=sys.stderr)
        usage(2)
    text = sizes if sizes is not None else \
        (QUICK_SIZES if quick else DEFAULT_SIZES)
    try:
        sizes = parse_sizes(text)
    except ValueError as e:
        print(f"{BENCH}: bad size list '{text}': {e}", file=sys.stderr)
        usage(2)
    for n in sizes:
        if n < LEAST_SIZE:
            print(f"{BENCH}: size {n} is too small: the middle half of it "
                  f"needs at least {LEAST_SIZE}", file=sys.stderr)
            usage(2)
    return sizes, csv


# --- Instruments ------------------------------------------------------------

def resident_bytes():
    """This process's own resident memory, measured in C as the C harness
    measures it (workbench.anonymous_bytes: measure_anonymous_bytes of
    src/measure.h, exact to the page); a figure that cannot be read is a
    failure, never 0."""
    try:
        return workbench.anonymous_bytes()
    except OSError as e:
        raise Failure("cannot read the memory counters: "
                      f"{e.strerror or e}") from None


def minor_faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def available_memory():
    """MemAvailable, or None when unknown (then nothing is refused)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def give_back_free_memory():
    """Ask glibc to return freed heap pages, so resident growth is fresh."""
    try:
        import ctypes
        ctypes.CDLL(None).malloc_trim(0)
    except (ImportError, OSError, AttributeError):
        pass


# --- The variants ---------------------------------------------------------------

def variants(data):
    """(name, run, reads_data, bytes_per_op, hold) for the middle half."""
    lo, hi = len(data) // 4, len(data) // 4 + len(data) // 2
    checksum = workbench.checksum

    def bytes_slice(iters):
        for _ in repeat(None, iters):
            data[lo:hi][0]
        return 0

    def memoryview_slice(iters):
        for _ in repeat(None, iters):
            memoryview(data)[lo:hi][0]
        return 0

    def bytes_slice_sum(iters):
        c = 0
        for _ in repeat(None, iters):
            c = checksum(data[lo:hi])
        return c

    def memoryview_slice_sum(iters):
        c = 0
        for _ in repeat(None, iters):
            c = checksum(memoryview(data)[lo:hi])
        return c

    def as_bytes():
        return data[lo:hi]

    def as_view():
        return memoryview(data)[lo:hi]

    half = hi - lo
    return [("bytes-slice", bytes_slice, False, half, as_bytes),
            ("memoryview-slice", memoryview_slice, False, 0, as_view),
            ("bytes-slice+sum", bytes_slice_sum, True, half, as_bytes),
            ("memoryview-slice+sum", memoryview_slice_sum, True, half,
             as_view)]


def source(n):
    """n bytes 0, 1, ..., 255, 0, 1, ...: every page touched, not all zero."""
    pattern = bytes(range(256))
    return pattern * (n // 256) + pattern[:n % 256]


# --- The method --------------------------------------------------------------------

def extra_bytes(hold):
    """Resident growth while one result of the operation is alive."""
    give_back_free_memory()
    before = resident_bytes()
    result = hold()
    after = resident_bytes()
    del result
    return max(after - before, 0)


def time_batch(run, iters):
    start = time.perf_counter_ns()
    checksum = run(iters)
    return time.perf_counter_ns() - start, checksum


def calibrate(run):
    """Grow the batch by the C harness's own rule (workbench.next_iters is
    bench_next_iters of src/benchstats.h) until it lasts MIN_BATCH_NS."""
    iters = 1
    while True:
        ns, _ = time_batch(run, iters)
        grown = workbench.next_iters(iters, ns, MIN_BATCH_NS)
        if grown == iters:
            return iters
        iters = grown


def measure(size):
    """Every variant at one size: (name, median ns, CSV fields) each."""
    data = source(size)
    vs = variants(data)
    extra = [extra_bytes(v[4]) for v in vs]
    for v in vs:
        v[1](1)  # as harness.c: the heap's first growth is not calibrated
    iters = [calibrate(v[1]) for v in vs]
    ns = [[] for _ in vs]
    faults = [0] * len(vs)
    faulted = [0] * len(vs)
    sums = [time_batch(v[1], it)[1] for v, it in zip(vs, iters)]
    for _ in range(SAMPLES):
        for i, (v, it) in enumerate(zip(vs, iters)):
            before = minor_faults()
            t, sums[i] = time_batch(v[1], it)
            f = minor_faults() - before
            ns[i].append(t / it)
            faults[i] += f
            faulted[i] += f > 0
    check_sums(size, vs, sums)
    rows = []
    for i, v in enumerate(vs):
        lo, p25, med, p75, hi, cv = workbench.stats(ns[i])  # bench_stats, in C
        gbps = v[3] / med if v[3] else 0
        rows.append((v[0], med,
                     csv_fields(size, iters[i], lo, p25, med, p75, hi, cv,
                                gbps, extra[i],
                                faults[i] / (SAMPLES * iters[i]))))
        if faulted[i]:
            say(f"  note: {v[0]} at {size} bytes page-faulted in "
                f"{faulted[i]} of {SAMPLES} timed batches "
                f"({faults[i] / (SAMPLES * iters[i]):.4g} per operation)")
    return rows


def check_sums(size, vs, sums):
    got = [(v[0], s) for v, s in zip(vs, sums) if v[2]]
    for name, s in got[1:]:
        if s != got[0][1]:
            raise Failure(f"checksums disagree at {size} bytes: "
                          f"{got[0][0]} {got[0][1]:#x}, {name} {s:#x}")


def csv_fields(size, iters, lo, p25, med, p75, hi, cv, gbps, extra, minflt):
    """One CSV row after the variant name, formatted as harness.c does."""
    return (f"{size},,{SAMPLES},{iters},{lo:.3f},{p25:.3f},{med:.3f},"
            f"{p75:.3f},{hi:.3f},{cv:.4f},{gbps:.3f},{extra},{minflt:.4g}")


# --- Output --------------------------------------------------------------------------

def format_ns(ns):
    for unit, scale in (("ns", 1), ("us", 1e3), ("ms", 1e6)):
        if ns < 1000 * scale:
            return f"{ns / scale:.1f} {unit}"
    return f"{ns / 1e9:.2f} s"


def format_size(n):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            v = n / (1 << shift)
            return f"{v:.0f} {unit}" if v == int(v) else f"{v:.1f} {unit}"
    return f"{n} B"


def progress(done, steps, size, rows, start):
    elapsed = time.monotonic() - start
    times = " ".join(f"{name} {format_ns(med)}" for name, med, _ in rows)
    # No time left, as in the C harness: bench/run estimates it from the
    # last run, since the steps grow with the sizes.
    say(f"  {BENCH} {done:3}/{steps:<3} {format_size(size):>9}  {times}"
        f"   ({elapsed:.0f} s)")


def remove_temp():
    global temp_path
    if temp_path:
        try:
            os.unlink(temp_path)
        except OSError:
            pass
        temp_path = None


def remove_temp_and_die(sig, frame):
    remove_temp()
    signal.signal(sig, signal.SIG_DFL)
    os.kill(os.getpid(), sig)


def catch_ending_signals():
    """Remove the temporary CSV on each signal that ends a process, unless
    the program was started with it ignored (nohup). Python itself ignores
    SIGPIPE, so whether it was ignored before cannot be known: it ends the
    program like the others, as it ends the C benchmarks. SIGXFSZ stays
    ignored: a write past `ulimit -f` fails with EFBIG, said in one line."""
    for sig in ENDING_SIGNALS:
        if signal.getsignal(sig) != signal.SIG_IGN:
            signal.signal(sig, remove_temp_and_die)
    signal.signal(signal.SIGPIPE, remove_temp_and_die)


def open_temp(target, mode):
    """target.tmp.PID, created new, with the mode of the file it replaces."""
    global temp_path
    path = f"{target}.tmp.{os.getpid()}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                 0o666)
    temp_path = path
    if mode is not None:
        os.fchmod(fd, mode)
    return open(fd, "w")


def open_stream(path):
    """A device or FIFO, written in place; a FIFO must have a reader."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as e:
        if e.errno == 6:    # ENXIO
            raise Failure(f"cannot write {path}: it is a FIFO that no "
                          "process reads") from None
        raise
    os.set_blocking(fd, True)
    return open(fd, "w")


def open_csv(path):
    """Where the CSV goes (see the top of this file): (file, target)."""
    if path == "-":
        return sys.stdout, None
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise Failure(f"cannot write {path}: it is a symbolic link to "
                          "nothing") from None
        return open_temp(path, None), path
    why = ("it is a folder" if stat.S_ISDIR(st.st_mode) else
           "it is a block device: a CSV is never written onto one"
           if stat.S_ISBLK(st.st_mode) else None)
    if why:
        raise Failure(f"cannot write {path}: {why}")
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return open_stream(path), None
    if not stat.S_ISREG(st.st_mode):
        raise Failure(f"cannot write {path}: it is neither a file, a "
                      "character device nor a FIFO")
    out = os.fstat(sys.stdout.fileno()) if sys.stdout else None
    if out and (out.st_dev, out.st_ino) == (st.st_dev, st.st_ino):
        return sys.stdout, None  # /dev/stdout and its kin: keep the offset
    target = os.path.realpath(path)
    return open_temp(target, stat.S_IMODE(st.st_mode)), target


def check_memory(sizes):
    """The source and a copy of half of it, refused before anything is
    allocated, in the words of the C harness (bench_check_memory)."""
    largest, have = max(sizes), available_memory()
    if have is not None and largest + largest // 2 > have:
        raise Failure(f"the largest size, {format_size(largest)}, times "
                      f"1.5 needs {format_size(largest + largest // 2)} of "
                      f"memory; {format_size(have)} is available")


def run(sizes, path):
    """Measure every size into the CSV at path, then put it in place."""
    catch_ending_signals()
    try:
        out, target = open_csv(path)
    except OSError as e:
        raise Failure(f"cannot write {path}: {e.strerror}") from None
    where = "standard output" if path == "-" else path
    try:
        print(SCHEMA, file=out)
        gc.disable()
        start = time.monotonic()
        for done, n in enumerate(sizes, 1):
            rows = measure(n)
            for name, _, fields in rows:
                print(f"{BENCH},{name},{fields}", file=out)
            out.flush()
            progress(done, len(sizes), n, rows, start)
        if out is not sys.stdout:
            out.close()
        if target:
            os.replace(temp_path, target)
    except BrokenPipeError:
        raise
    except OSError as e:
        raise Failure(f"cannot write {where}: {e.strerror}") from None


def main():
    sizes, path = parse_args(sys.argv[1:])
    try:
        check_memory(sizes)
        run(sizes, path)
        sys.stdout.flush()
        return 0
    except Failure as e:
        say(f"{BENCH}: {e}")
    except BrokenPipeError:
        pass        # the reader went away: nothing more to say, or to whom
    except OSError as e:
        say(f"{BENCH}: cannot write standard output: {e.strerror}")
    except MemoryError:
        say(f"{BENCH}: out of memory")
    except Exception as e:     # a bug: still one line, and no CSV left
        say(f"{BENCH}: internal error: {type(e).__name__}: {e}")
    finally:
        remove_temp()
    silence_stdout()
    return 1


if __name__ == "__main__":
    sys.exit(main())
