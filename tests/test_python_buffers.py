"""test_python_buffers.py - the workbench module seen from Python.

What lesson 05 claims, checked through the buffer protocol: the shapes,
strides, formats and read-only flags a memoryview reads from the module;
that a memoryview and its slices point into the bytes C owns (the same
address: no copy); and that the export counter makes the owner refuse to
resize or free while a view is alive, with BufferError, as bytearray does.

Run through the wrapper the Makefile writes (build/tests/test_python_buffers),
which sets PYTHONPATH to the built module. Each test is one behaviour, named
as a sentence; the last line is "N passed, N failed" for tests/run. Nothing
here measures time.
"""
import gc
import io
import mmap
import sys
import traceback

import workbench

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def raises(exception, fn, *args):
    """Did fn(*args) raise exception? Returns the exception's message."""
    try:
        fn(*args)
    except exception as e:
        return str(e)
    raise AssertionError(f"{fn.__name__} did not raise {exception.__name__}")


# --- Shapes, strides, formats ------------------------------------------------

@test
def memory_is_one_dimensional_bytes():
    m = workbench.Memory(100)
    with memoryview(m) as v:
        assert (v.ndim, v.shape, v.strides) == (1, (100,), (1,))
        assert (v.format, v.itemsize, v.nbytes) == ("B", 1, 100)
        assert not v.readonly and v.c_contiguous


@test
def matrix_is_two_dimensional_row_major_doubles():
    m = workbench.Matrix(3, 4)
    with memoryview(m) as v:
        assert (v.ndim, v.shape, v.strides) == (2, (3, 4), (32, 8))
        assert (v.format, v.itemsize, v.nbytes) == ("d", 8, 96)
        assert v.tolist()[1] == [4.0, 5.0, 6.0, 7.0]


@test
def a_column_is_strided_by_one_row():
    m = workbench.Matrix(3, 4)
    col = m.column(2)
    with memoryview(col) as v:
        assert (v.shape, v.strides) == ((3,), (32,))
        assert v.tolist() == [2.0, 6.0, 10.0]
        assert not v.c_contiguous


@test
def transposing_swaps_shape_and_strides_over_the_same_cells():
    m = workbench.Matrix(2, 3)
    t = m.transposed()
    with memoryview(t) as v:
        assert (v.shape, v.strides) == ((3, 2), (8, 24))
        assert v.tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
        assert v.f_contiguous and not v.c_contiguous
    assert workbench.address(t) == m.address


@test
def a_strided_buffer_is_refused_to_a_consumer_that_wants_contiguous_bytes():
    m = workbench.Matrix(3, 4)
    message = raises(BufferError, workbench.checksum, m.column(1))
    assert "contiguous" in message


@test
def packing_a_column_makes_a_contiguous_copy():
    m = workbench.Matrix(3, 4)
    packed = memoryview(m.column(1)).tobytes()
    assert len(packed) == 3 * 8
    assert memoryview(packed).cast("d").tolist() == [1.0, 5.0, 9.0]


# --- Read-only ----------------------------------------------------------------

@test
def a_readonly_memory_lends_readonly_views():
    m = workbench.Memory(16, readonly=True)
    with memoryview(m) as v:
        assert v.readonly
        raises(TypeError, v.__setitem__, 0, 1)


@test
def a_writable_buffer_is_refused_when_the_owner_is_readonly():
    # A consumer that will write asks with PyBUF_WRITABLE: readinto does
    # (and reports the module's BufferError as a TypeError).
    ro = workbench.Memory(16, readonly=True)
    message = raises(TypeError, io.BytesIO(b"x" * 16).readinto, ro)
    assert "read-write" in message
    rw = workbench.Memory(16)
    assert io.BytesIO(b"x" * 16).readinto(rw) == 16
    assert memoryview(rw)[15] == ord("x")


# --- No copy: the same address ----------------------------------------------

@test
def a_memoryview_points_at_the_bytes_c_owns():
    m = workbench.Memory(4096)
    v = memoryview(m)
    assert workbench.address(v) == m.address != 0


@test
def a_memoryview_slice_points_into_the_same_bytes():
    m = workbench.Memory(4096)
    v = memoryview(m)
    assert workbench.address(v[1000:2000]) == m.address + 1000
    assert workbench.address(v[::-1]) == m.address + 4095


@test
def a_bytes_slice_is_a_copy_somewhere_else():
    b = bytes(range(256)) * 16
    s = b[1000:2000]
    assert workbench.address(s) != workbench.address(b) + 1000
    assert workbench.address(memoryview(b)[1000:2000]) == workbench.address(b) + 1000


@test
def a_write_through_one_view_is_seen_through_every_other():
    m = workbench.Memory(64)
    a = memoryview(m)
    b = memoryview(m)[10:20]
    a[15] = 42
    assert b[5] == 42
    assert bytes(m)[15] == 42


# --- The export counter ----------------------------------------------------------

@test
def each_memoryview_is_one_export_and_its_slices_share_it():
    m = workbench.Memory(64)
    assert m.exports == 0
    v = memoryview(m)
    w = memoryview(m)
    assert m.exports == 2
    s = v[1:9]
    assert m.exports == 2
    del w
    assert m.exports == 1
    v.release()
    assert m.exports == 1  # s still holds the export v and s share
    del s, v
    gc.collect()
    assert m.exports == 0


@test
def release_and_with_end_the_export_at_once():
    m = workbench.Memory(64)
    with memoryview(m) as v:
        assert m.exports == 1
    assert m.exports == 0
    v = memoryview(m)
    v.release()
    assert m.exports == 0
    raises(ValueError, len, v)


@test
def resize_is_refused_while_a_view_is_alive():
    m = workbench.Memory(64)
    v = memoryview(m)
    message = raises(BufferError, m.resize, 128)
    assert "exported" in message
    assert len(m) == 64 and v.nbytes == 64


@test
def resize_is_allowed_once_the_views_are_released():
    m = workbench.Memory(64)
    with memoryview(m) as v:
        v[63] = 7
    m.resize(1 << 20)
    assert len(m) == 1 << 20
    assert memoryview(m)[63] == 7
    assert memoryview(m)[64] == 0


@test
def free_is_refused_while_a_view_is_alive():
    m = workbench.Memory(64)
    v = memoryview(m)[8:16]
    raises(BufferError, m.free)
    v[0] = 1  # still the owner's memory: safe to touch
    del v
    m.free()
    assert m.address == 0
    raises(BufferError, memoryview, m)


@test
def a_column_view_holds_an_export_of_its_matrix():
    m = workbench.Matrix(3, 4)
    col = m.column(0)
    assert m.exports == 1
    raises(BufferError, m.free)
    del col
    assert m.exports == 0
    m.free()


@test
def bytearray_refuses_to_grow_while_exported_too():
    b = bytearray(64)
    v = memoryview(b)
    raises(BufferError, b.extend, b"more")
    v.release()
    b.extend(b"more")
    assert len(b) == 68


@test
def an_mmap_object_is_an_exporter_too():
    with mmap.mmap(-1, 8192) as mm:
        v = memoryview(mm)
        raises(BufferError, mm.resize, 4096)  # refused while v is alive
        v[4096] = 9
        assert mm[4096] == 9
        assert workbench.address(v[4096:]) == workbench.address(mm) + 4096
        v.release()


@test
def checksum_agrees_for_a_copy_and_a_view():
    b = bytes(range(256)) * 64
    assert workbench.checksum(b[100:9000]) == \
        workbench.checksum(memoryview(b)[100:9000])
    assert workbench.checksum(b"") == 0



# --- The harness's method, lent to the Python benchmark ---------------------------

@test
def stats_are_the_harness_order_statistics():
    # Sorted 1, 2, 3, 4: quartiles at positions 0.75, 1.5, 2.25; the sample
    # standard deviation is sqrt(5/3), the mean 2.5.
    lo, p25, med, p75, hi, cv = workbench.stats([3, 1, 4, 2])
    assert (lo, p25, med, p75, hi) == (1, 1.75, 2.5, 3.25, 4)
    assert abs(cv - (5 / 3) ** 0.5 / 2.5) < 1e-12, cv
    assert workbench.stats((7.5,)) == (7.5, 7.5, 7.5, 7.5, 7.5, 0)
    raises(ValueError, workbench.stats, [])
    raises(TypeError, workbench.stats, [1, "2"])
    raises(TypeError, workbench.stats, 5)

    class Shrinks:      # a number whose conversion empties the list it is in
        def __float__(self):
            times.clear()
            return 1.0
    times = [Shrinks(), 2.0, 3.0]
    assert workbench.stats(times) == (1.0, 1.5, 2.0, 2.5, 3.0, 0.5), times


@test
def next_iters_is_the_harness_calibration_rule():
    five_ms = 5_000_000
    assert workbench.next_iters(1000, five_ms // 10, five_ms) == 12000
    assert workbench.next_iters(1000, five_ms // 10 * 9, five_ms) == 2000
    assert workbench.next_iters(3, 0, five_ms) == 300
    assert workbench.next_iters(42, five_ms, five_ms) == 42
    raises(ValueError, workbench.next_iters, 0, 1, five_ms)
    raises(OverflowError, workbench.next_iters, -1, 1, five_ms)
    raises(TypeError, workbench.next_iters, 1.5, 1, five_ms)

# --- Runner ----------------------------------------------------------------------

def main():
    passed = failed = 0
    for fn in TESTS:
        try:
            fn()
        except Exception:
            failed += 1
            print(f"[FAIL] {fn.__name__}")
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print(f"[ OK ] {fn.__name__}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
