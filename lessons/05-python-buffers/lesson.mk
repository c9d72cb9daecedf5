# lessons/05-python-buffers/lesson.mk - what lesson 05 asks of the Makefile.
#
# Lesson 05 builds a Python extension module, `workbench`, against the headers
# of the very interpreter that will import it (PYTHON; the Makefile's "Python
# programs" says how its facts are asked, after tools/deps). The module is
# workbench.so, a name that must be known when the Makefile is read and that
# every CPython on Linux imports besides its own .cpython-311-x86_64-linux-gnu.so
# (which an older build may have left: removed, since Python would find it
# first). The lesson's script, its tests and its benchmark run through
# py_wrapper. The module is never built with the sanitizers: a sanitized shared
# object cannot be loaded into an ordinary python.
#
# Read by the Makefile right after the lessons are found, so what is added to
# TESTS and BENCH_PROGS here is seen by every rule that names them.

L05       := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
PY_MODULE  = $(PY_DIR)/workbench.so
PY_TESTS   = $(BUILD)/tests/test_python_buffers
PY_BENCH   = $(BUILD)/bench/05-python-buffers

# It links the library's checksum, its instruments (measure.c) and the
# harness's method (benchstats.c), so that the Python benchmark calibrates,
# summarises and measures memory as the C harness does.
PY_MODULE_SRC = $(L05)/workbenchmodule.c src/checksum.c src/measure.c src/benchstats.c
$(PY_MODULE): $(PY_MODULE_SRC) src/checksum.h src/measure.h src/benchstats.h src/check.h $(PY_FACTS)
	$(call say,CC,$@)
	$(Q)rm -f $(PY_DIR)/workbench.*.so
	$(Q)$(CC) -D_GNU_SOURCE -Isrc -isystem $(PY_INCLUDE) $(WARN) $(CFLAGS) \
		-fPIC -shared -o $@ $(PY_MODULE_SRC)

$(PY_TESTS): tests/test_python_buffers.py $(PY_MODULE) $(PY_FACTS)
	$(call py_wrapper,tests/test_python_buffers.py)

$(PY_BENCH): bench/05-python-buffers.py $(PY_MODULE) $(PY_FACTS)
	$(call py_wrapper,bench/05-python-buffers.py)

# The demo runs the lesson's script with this interpreter and this module.
L05_DEMO_O = $(BUILD)/obj/$(L05)/05-python-buffers.o $(BUILD)/asan/$(L05)/05-python-buffers.o
$(L05_DEMO_O): $(PY_FACTS)
$(L05_DEMO_O): CPPFLAGS += -DPYTHON_EXE='"$(PY_EXE)"' \
	-DPYTHON_MODULE_DIR='"$(abspath $(PY_DIR))"' \
	-DLESSON_SCRIPT='"$(abspath $(L05)/05-python-buffers.py)"'
$(BUILD)/lessons/05-python-buffers/05-python-buffers: | $(PY_MODULE)

TESTS       += $(PY_TESTS)
BENCH_PROGS += $(PY_BENCH)
all: $(PY_MODULE)
