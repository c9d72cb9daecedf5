# The zero-copy workbench: one Makefile for the whole tree.
#
# Everything built goes under $(BUILD) (build/ by default); the sanitizer
# build of `make check` lives in build/check so the two never mix. Lessons,
# benchmarks and tests are found by their names, so a new lesson needs no
# edit here (what only one lesson needs is in its lessons/NN-name/lesson.mk):
#
#   lessons/NN-name/NN-name.c    the lesson's demo   -> build/lessons/NN-name/NN-name
#   lessons/NN-name/solution.c   the lesson's answer, tested by lessons/NN-name/test.c
#   lessons/NN-name/test.c       cmocka tests of the lesson -> build/tests/test_lesson_NN
#   lessons/NN-name/exercise.c   the learner's copy, tested by `make check-NN`
#   bench/NN-name.c              the lesson's benchmark -> build/bench/NN-name
#   tests/test_*.c               cmocka tests of the library and programs -> build/tests/test_*
#
# Conventions: CC and CFLAGS are honoured, V=1 prints the full commands,
# QUICK=1 makes `make bench` a short sweep.

CC       ?= cc
CFLAGS   ?= -O2 -g
WARN      = -std=c11 -Wall -Wextra
CPPFLAGS += -D_GNU_SOURCE -Isrc -Ibench -I. -MMD -MP
BUILD    ?= build
PYTHON   ?= python3
LDLIBS   += -lm

ifeq ($(SAN),1)
SANFLAGS  = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer
endif
ASANFLAGS = -fsanitize=address -fno-omit-frame-pointer -O1 -g

ALL_CFLAGS = $(WARN) $(CFLAGS) $(SANFLAGS)
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

ifeq ($(V),1)
Q =
say =
else
Q = @
say = @printf '  %-6s %s\n' $(1) $(2);
endif

# --- What there is --------------------------------------------------------

LIB_SRC     = $(wildcard src/*.c)
LIB_OBJ     = $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_OBJ    = $(LIB_SRC:%.c=$(BUILD)/unit/%.o) $(BUILD)/unit/bench/harness.o
HARNESS_OBJ = $(BUILD)/obj/bench/harness.o

LESSON_DIRS = $(sort $(wildcard lessons/[0-9][0-9]-*))
LESSON_IDS  = $(notdir $(LESSON_DIRS))
LESSON_NUMS = $(foreach l,$(LESSON_IDS),$(firstword $(subst -, ,$(l))))
LESSON_PROGS = $(foreach l,$(LESSON_IDS),$(BUILD)/lessons/$(l)/$(l))
TRAP_PROGS  = $(foreach l,$(LESSON_IDS),$(BUILD)/asan/lessons/$(l)/$(l))

BENCH_PROGS = $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/[0-9][0-9]-*.c))
TOOL_PROGS  = $(patsubst bench/tools/%.c,$(BUILD)/bench/tools/%,$(wildcard bench/tools/*.c))
PROGS       = $(LESSON_PROGS) $(BENCH_PROGS) $(TOOL_PROGS)

LIB_TESTS    = $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))
# Only a lesson that has its test.c has a test program: a deleted test.c must
# not leave its old program in build/ running as if it were there (tools/lessons
# check, in make test, says what is missing).
LESSON_TESTS = $(foreach l,$(LESSON_IDS),$(if $(wildcard lessons/$(l)/test.c),$(BUILD)/tests/test_lesson_$(firstword $(subst -, ,$(l)))))
TESTS        = $(LIB_TESTS) $(LESSON_TESTS)
# Results as input from strangers: bench/run and the tools that read results.
TESTS       += tests/hostile-results

# The lesson folder for a number: $(call lesson_dir,01) -> lessons/01-photocopy
lesson_dir = $(firstword $(wildcard lessons/$(1)-*))
lesson_id  = $(notdir $(call lesson_dir,$(1)))

# --- Python programs ---------------------------------------------------------
# Python programs (lesson 05's script, its tests and benchmark, the tools'
# tests) run with PYTHON (python3 on PATH unless given, e.g. make
# PYTHON=/usr/bin/python3), through small generated wrappers that name that
# interpreter and the folder of the modules built here ($(PY_DIR)), so that
# tests/run and bench/run run them like any C program.
#
# Which executable that is and where its headers are is asked of the
# interpreter by a recipe, never while this Makefile is read: on a fresh
# machine there is no python3 and no Python.h until tools/deps has installed
# them, and an answer taken at parse time would stay empty for the whole run
# (the first `make test` or `make bench` stopped at Python.h). So
# $(PY_FACTS) is a file written by a recipe that runs after deps-python,
# every time, and replaced only when the answer changed (another PYTHON):
# what is built against the interpreter depends on it, so it is rebuilt
# exactly then. The recipes read it with $(file <...), which make expands
# only when it runs them, after their prerequisites are made.
export PYTHON
PY_DIR     = $(BUILD)/python
PY_FACTS   = $(PY_DIR)/interpreter
PY_EXE     = $(word 1,$(file <$(PY_FACTS)))
PY_INCLUDE = $(word 2,$(file <$(PY_FACTS)))

.PHONY: deps-python
deps-python: deps-first
	@tools/deps --quiet --for python

# "EXECUTABLE INCLUDE-FOLDER", rewritten only when it changes.
$(PY_FACTS): deps-python
	@mkdir -p $(@D)
	$(Q)$(PYTHON) -c 'import sys, sysconfig; print(sys.executable, sysconfig.get_paths()["include"])' \
		> $@.tmp || { rm -f $@.tmp; exit 1; }
	$(Q)if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

# A wrapper: $(call py_wrapper,SCRIPT) runs SCRIPT with this interpreter.
define py_wrapper
	$(call say,GEN,$@)
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\n# Generated by the Makefile: runs %s with %s.\nPYTHONPATH="%s" exec "%s" "%s" "$$@"\n' \
		'$(1)' '$(PY_EXE)' '$(abspath $(PY_DIR))' '$(PY_EXE)' '$(abspath $(1))' > $@.tmp
	$(Q)chmod +x $@.tmp && mv $@.tmp $@
endef

# --- What a lesson asks of its own ------------------------------------------------
# A lesson that needs rules of its own (lesson 05 builds a Python module,
# lesson 00 a helper and an assembly listing) keeps them in
# lessons/NN-name/lesson.mk, read here: after the lessons, benchmarks and tests
# are found, before any rule names them, so a lesson.mk may add to PROGS,
# BENCH_PROGS and TESTS and every rule below sees it. Each finds its own folder
# as the folder of the last file make began to read:
#	L := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
include $(wildcard $(addsuffix /lesson.mk,$(LESSON_DIRS)))

.PHONY: all test check bench reference plots deps deps-first deps-quiet deps-bench clean help \
        notebooks demo progress verify-exercises \
        $(foreach n,$(LESSON_NUMS),lesson-$(n) check-$(n) trap-$(n) solution-$(n))
.DEFAULT_GOAL := all
.SECONDARY:

all: $(PROGS) $(TESTS) ## build every lesson, benchmark and test

# --- Compiling ------------------------------------------------------------

$(BUILD)/obj/%.o: %.c | deps-first
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The library again, with REQUIRE handed to cmocka (check.h).
$(BUILD)/unit/%.o: %.c | deps-quiet
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -DUNIT_TESTING $(CMOCKA_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# A separate AddressSanitizer build of each lesson, for its `--trap` demo.
$(BUILD)/asan/%.o: %.c | deps-first
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(WARN) $(ASANFLAGS) -c -o $@ $<

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# --- Linking --------------------------------------------------------------

$(BUILD)/bench/tools/%: $(BUILD)/obj/bench/tools/%.o $(HARNESS_OBJ) $(LIB_OBJ)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(HARNESS_OBJ) $(LIB_OBJ)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/unit/tests/%.o $(UNIT_OBJ)
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

# Per lesson: the demo, its AddressSanitizer twin, its test against the
# solution, and the learner's check against exercise.c.
define LESSON_RULES
# The lesson's id, stated once: its folder's name (demo.h, harness.h).
$(BUILD)/obj/lessons/$(1)/$(1).o $(BUILD)/asan/lessons/$(1)/$(1).o \
$(BUILD)/obj/bench/$(1).o: CPPFLAGS += -DLESSON_ID='"$(1)"'
# The lesson's tests may use the test helpers of tests/ (drain.h, procmaps.h).
$(BUILD)/unit/lessons/$(1)/test.o: CPPFLAGS += -Itests

$(BUILD)/lessons/$(1)/$(1): $(BUILD)/obj/lessons/$(1)/$(1).o $(HARNESS_OBJ) $(LIB_OBJ)
	$$(call say,LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(ALL_CFLAGS) -o $$@ $$^ $$(LDLIBS)

$(BUILD)/asan/lessons/$(1)/$(1): $(BUILD)/asan/lessons/$(1)/$(1).o \
		$(BUILD)/asan/bench/harness.o $(LIB_SRC:%.c=$(BUILD)/asan/%.o)
	$$(call say,LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(ASANFLAGS) -o $$@ $$^ $$(LDLIBS)

$(BUILD)/tests/test_lesson_$(2): $(BUILD)/unit/lessons/$(1)/test.o \
		$(BUILD)/unit/lessons/$(1)/solution.o $(UNIT_OBJ)
	$$(call say,LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(ALL_CFLAGS) -o $$@ $$^ $$(CMOCKA_LIBS) $$(LDLIBS)

$(BUILD)/exercise/test_lesson_$(2): $(BUILD)/unit/lessons/$(1)/test.o \
		$(BUILD)/unit/lessons/$(1)/exercise.o $(UNIT_OBJ)
	$$(call say,LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(ALL_CFLAGS) -o $$@ $$^ $$(CMOCKA_LIBS) $$(LDLIBS)

lesson-$(2): $(BUILD)/lessons/$(1)/$(1) ## build and run lesson NN's demo
	@$$<

trap-$(2): $(BUILD)/asan/lessons/$(1)/$(1) ## show lesson NN's trap, caught by AddressSanitizer
	-@$$< --trap

check-$(2): $(BUILD)/exercise/test_lesson_$(2) ## test your lessons/NN-*/exercise.c, with a hint
	@tools/check-exercise $(2) $$<

solution-$(2): $(BUILD)/tests/test_lesson_$(2)
	@$$<
endef
$(foreach l,$(LESSON_IDS),$(eval $(call LESSON_RULES,$(l),$(firstword $(subst -, ,$(l))))))

# Tests that run the programs (bad arguments, traps) need them built first.
$(BUILD)/tests/test_cli: | $(PROGS) $(TRAP_PROGS)
$(BUILD)/unit/tests/test_cli.o: CPPFLAGS += -DBUILD_DIR='"$(BUILD)"'

# --- Running --------------------------------------------------------------

test: deps-first $(PROGS) $(TESTS) $(TRAP_PROGS) ## run every test; ends with "N passed, N failed"
	@tests/run $(TESTS)

check: ## the tests and the lesson demos under AddressSanitizer and UndefinedBehaviorSanitizer
	@$(MAKE) --no-print-directory BUILD=build/check SAN=1 test run-lessons

# Where results live: a learner's `make bench` writes RESULTS (bench/results,
# git-ignored), build/plots and build/notebooks; the course's reference results
# (bench/reference, tracked) draw the tracked plots/ and notebooks-md/, and only
# `make reference` rewrites them. bench/run decides where drawings go.
RESULTS ?= bench/results

bench: deps-first $(BENCH_PROGS) $(TOOL_PROGS) ## measure everything into bench/results, draw build/plots and build/notebooks (QUICK=1: short sweep)
	@BUILD=$(BUILD) QUICK=$(QUICK) bench/run --results "$(RESULTS)" $(BENCH_PROGS)

reference: deps-first $(BENCH_PROGS) $(TOOL_PROGS) ## course author: measure anew into bench/reference, redraw plots/ and notebooks-md/
	@BUILD=$(BUILD) QUICK=$(QUICK) bench/run --results bench/reference $(BENCH_PROGS)

plots: deps-bench ## redraw the plots from RESULTS (bench/results: build/plots; bench/reference: plots/)
	@BUILD=$(BUILD) bench/run --plots-only --results "$(RESULTS)"

notebooks: ## refresh the notebooks from RESULTS (bench/results: build/notebooks; bench/reference: notebooks-md/)
	@BUILD=$(BUILD) bench/run --notebooks-only --results "$(RESULTS)"

demo: ## narrated classroom run of lesson N: make demo N=01 (PAUSE=0: no waiting)
	@case "$(N)" in [0-9][0-9]) ;; *) echo "usage: make demo N=NN (one of: $(LESSON_NUMS))" >&2; exit 2 ;; esac
	@test -n "$(call lesson_dir,$(N))" || { echo "demo: there is no lesson $(N) (lessons: $(LESSON_NUMS))" >&2; exit 2; }
	@$(MAKE) --no-print-directory lesson-$(N)

progress: ## which exercises pass, and how close your predictions came
	@tools/progress

verify-exercises: ## prove every exercise as shipped (git's) fails and every solution passes
	@tools/verify-exercises

deps: ## install what is missing (cc, pkg-config, cmocka, hyperfine, gnuplot, jq, Python headers)
	@tools/deps

# Nothing is compiled before tools/deps has looked (every compile waits for
# deps-first), so that on a fresh machine the first make installs the C
# compiler before it is needed. deps-first checks DEPS_FOR: a C compiler
# alone, except under the README's two commands, `make test` and `make
# bench`, which each ask for all that both need (one install, and one
# command to give a learner without root). The other deps targets run after
# it, never beside it: two apt-get at once would fight over apt's lock.
DEPS_FOR = build
test bench reference: DEPS_FOR = all

deps-first:
	@tools/deps --quiet --for $(DEPS_FOR)

deps-quiet: deps-first
	@tools/deps --quiet --for test

deps-bench: deps-first
	@tools/deps --quiet --for bench

# A make test-fresh that was killed (SIGKILL: its trap never ran) leaves its
# root's /proc, /sys, /dev/shm and /dev/pts mounted under build/: clean
# unmounts them first, and deletes nothing while one is still mounted.
BUILD_MOUNTS = awk -v top="$(abspath build)/" 'index($$2, top) == 1 { print $$2 }' /proc/self/mounts | sort -r

clean: ## remove build/ (your plots and notebooks too; bench/results and the course's files stay)
	@for m in $$($(BUILD_MOUNTS)); do umount "$$m" 2>/dev/null || umount -l "$$m" 2>/dev/null; done; \
	left=$$($(BUILD_MOUNTS) | head -n 1); \
	if [ -n "$$left" ]; then echo "clean: $$left is still mounted (left by a killed make test-fresh?): unmount it as root, then make clean" >&2; exit 1; fi
	rm -rf build

help: ## this list
	@printf 'Targets (NN is a lesson number: %s):\n' '$(LESSON_NUMS)'
	@grep -hE '^[a-zA-Z$$(][^:]*:.*## ' $(MAKEFILE_LIST) | \
		sed -e 's/\$$(2)/NN/' -e 's/:.*## /\t/' | \
		awk -F'\t' '!seen[$$1]++ { printf "  make %-10s %s\n", $$1, $$2 }'

# --- Reliability: demos under sanitizers and valgrind, fuzzing, lint ------
#
# run-lessons  every lesson demo without a person (PAUSE=0, stdin /dev/null);
#              `make check` runs it in the sanitizer build.
# memcheck     the same demos under valgrind, leaks included.
# fuzz         each libFuzzer target in fuzz/ for FUZZ_SECONDS (needs clang
#              and its runtime: tools/deps --for fuzz).
# test-interrupt  Ctrl-C and SIGTERM in the middle of `make bench QUICK=1`,
#              on a clone, must leave results and plots whole.
# test-fresh   the README's two commands on a Debian 12 minimal root that
#              has only make and git (debootstrap, chroot; as root).
# lint         cppcheck, clang-tidy (.clang-tidy) and clang-format
#              (.clang-format), over every C file.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS    = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer -O1 -g
FUZZ_TARGETS  = $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard fuzz/fuzz_*.c))
FUZZ_OBJ      = $(BUILD)/fuzz/obj/fuzz/fuzz.o $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
VALGRIND      = valgrind -q --leak-check=full --errors-for-leak-kinds=all \
                --error-exitcode=99
C_FILES       = $(sort $(wildcard src/*.[ch] bench/*.[ch] bench/tools/*.c \
                  lessons/*/*.[ch] tests/*.c fuzz/*.[ch]))

.PHONY: run-lessons memcheck fuzz fuzz-build test-interrupt test-fresh test-writes lint

run-lessons: $(LESSON_PROGS)
	@tests/run-lessons $(LESSON_PROGS)

memcheck: deps-quiet $(LESSON_PROGS) ## the lesson demos under valgrind (leaks included)
	@tools/deps --quiet --for memcheck
	@tests/run-lessons --wrap "$(VALGRIND)" $(LESSON_PROGS)

# The library again, with REQUIRE handed to fuzz/fuzz.c (see fuzz/fuzz.h).
$(BUILD)/fuzz/obj/%.o: %.c
	$(call say,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -DUNIT_TESTING $(WARN) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/obj/fuzz/fuzz_%.o $(FUZZ_OBJ)
	$(call say,LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_TARGETS)

fuzz: ## run every fuzz target for FUZZ_SECONDS seconds (60)
	@tools/deps --quiet --for fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

test-interrupt: ## interrupt `make bench QUICK=1` (on a clone): nothing may be lost
	@tests/interrupt-bench

test-writes: $(BENCH_PROGS) ## every benchmark, run from elsewhere, writes only where its --csv says
	@tests/writes-only-where-told $(BUILD)

test-fresh: ## the README's two commands on a fresh Debian 12 (debootstrap, chroot; as root)
	@tests/fresh-machine

lint: ## cppcheck, clang-tidy and clang-format over every C file
	@tools/deps --quiet --for lint
	@tools/lint $(C_FILES)


# --- The learner's loop: predictions, hints, watch, reset ----------------------
# A learner's state lives in .workbench/ (git ignores it): predictions.csv,
# written by the demos (src/predictions.h), and hints.csv, by tools/hint.
# The demos find the folder through the path compiled into predictions.o
# ($WORKBENCH_STATE overrides it, as the tests do). verify-exercises builds
# each exercise as shipped (git's version, copied to $(BUILD)/shipped/ by
# tools/verify-exercises) with the lesson's tests.

$(BUILD)/obj/src/predictions.o $(BUILD)/asan/src/predictions.o \
$(BUILD)/unit/src/predictions.o: CPPFLAGS += -DDEMO_STATE_DIR='"$(abspath .workbench)"'

define LEARNER_RULES
predict-$(2): $(BUILD)/lessons/$(1)/$(1) ## ask lesson NN's prediction questions, without measuring
	@$$< --predict

hint-$(2): $(BUILD)/exercise/test_lesson_$(2) ## one more level of the hint for lesson NN's first failing test
	@tools/hint $(2) $$<

reset-$(2): ## put lessons/NN-*/exercise.c back as shipped (yours is kept as a backup)
	@tools/reset $(2)

$(BUILD)/unit/$(BUILD)/shipped/$(1)/exercise.o: CPPFLAGS += -Ilessons/$(1)
$(BUILD)/shipped/test_lesson_$(2): $(BUILD)/unit/lessons/$(1)/test.o \
		$(BUILD)/unit/$(BUILD)/shipped/$(1)/exercise.o $(UNIT_OBJ)
	$$(call say,LD,$$@)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(ALL_CFLAGS) -o $$@ $$^ $$(CMOCKA_LIBS) $$(LDLIBS)
endef
$(foreach l,$(LESSON_IDS),$(eval $(call LEARNER_RULES,$(l),$(firstword $(subst -, ,$(l))))))

.PHONY: watch next $(foreach n,$(LESSON_NUMS),predict-$(n) hint-$(n) reset-$(n))

watch: ## re-check your exercise on every save (N=NN, or the first unfinished); h hint, q quit
	@tools/watch $(N)

next: ## run the demo of the first lesson whose exercise does not pass yet
	@n=$$(tools/progress --next) || { echo "Every exercise passes: well done."; exit 0; }; \
		$(MAKE) --no-print-directory lesson-$$n

# tests/test_learner_loop.py drives demos through a pseudo-terminal and runs
# make watch, reset and check on a copy of the tree, with this build's BUILD
# and SAN: a small generated wrapper hands them over, as tests/run expects a
# program.
LOOP_TEST = $(BUILD)/tests/test_learner_loop

$(LOOP_TEST): tests/test_learner_loop.py
	$(call say,GEN,$@)
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\n# Generated by the Makefile: %s for this build.\nBUILD="%s" SAN="%s" exec "%s" "%s" "$$@"\n' \
		'$<' '$(BUILD)' '$(SAN)' '$(PYTHON)' '$(abspath $<)' > $@.tmp
	$(Q)chmod +x $@.tmp && mv $@.tmp $@

TESTS += $(LOOP_TEST)

# Every test of a lesson has its hint in hints.md, read from the test
# programs as built (tests/every-test-has-a-hint), with this build's BUILD.
HINTS_TEST = $(BUILD)/tests/every-test-has-a-hint

$(HINTS_TEST): tests/every-test-has-a-hint | $(LESSON_TESTS)
	$(call say,GEN,$@)
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\n# Generated by the Makefile: %s for this build.\nBUILD="%s" exec "%s" "$$@"\n' \
		'$<' '$(abspath $(BUILD))' '$(abspath $<)' > $@.tmp
	$(Q)chmod +x $@.tmp && mv $@.tmp $@

TESTS += $(HINTS_TEST)
test: $(HINTS_TEST)
test: $(LOOP_TEST) $(BUILD)/exercise/test_lesson_00 $(BUILD)/exercise/test_lesson_01

# --- Teaching truth: claims, quotes, compare --------------------------------
# Each lesson's findings are written down in lessons/NN-*/claims and checked on
# a results folder; the figures the READMEs quote are filled in from the
# reference (bench/reference) between <!-- quote --> markers.

RESULTS   ?= bench/results
REFERENCE ?= bench/reference

.PHONY: claims compare quotes quotes-check
claims: ## check every lesson's claims on RESULTS (default bench/results)
	@tools/claims --results $(RESULTS)

compare: ## your headline figures beside the reference's, lesson by lesson
	@tools/compare --results $(RESULTS) --reference $(REFERENCE)

quotes: ## refill the figures the lesson texts quote from bench/reference
	@tools/quotes --results $(REFERENCE)

quotes-check:
	@tools/quotes --check --results $(REFERENCE)

# tools/claims and tools/quotes, tested on results typed into the test.
CLAIMS_TESTS = $(BUILD)/tests/test_claims
$(CLAIMS_TESTS): tests/test_claims.py tools/claims tools/quotes $(PY_FACTS)
	$(call py_wrapper,tests/test_claims.py)
TESTS += $(CLAIMS_TESTS)
all: $(CLAIMS_TESTS)
test: $(CLAIMS_TESTS)

# The CSV's header is defined once per language (C, Python, shell, gnuplot);
# this test reads each definition as text and checks that they agree.
SCHEMA_TEST = $(BUILD)/tests/test_schema
$(SCHEMA_TEST): tests/test_schema.py bench/harness.h bench/schema.sh bench/plot/style.gp $(PY_FACTS)
	$(call py_wrapper,tests/test_schema.py)
TESTS += $(SCHEMA_TEST)
all: $(SCHEMA_TEST)
test: $(SCHEMA_TEST)

# --- The lessons as a whole: every part there, the README's table made ----------
# tools/lessons check wants, for every lessons/NN-name, its README (with its
# index line), demo, exercise, solution, hints, claims, benchmark, plot, tests
# and notebook, and README.md's table of lessons as the lessons' READMEs make
# it; `make lessons-table` rewrites that table.

.PHONY: lessons-table
lessons-table: ## rewrite the table of lessons in README.md from each lesson's README
	@tools/lessons table

LESSONS_TEST = $(BUILD)/tests/test_lessons
$(LESSONS_TEST): tools/lessons
	$(call say,GEN,$@)
	@mkdir -p $(@D)
	$(Q)printf '#!/bin/sh\n# Generated by the Makefile: every lesson has all its parts.\nexec "%s" check "$$@"\n' \
		'$(abspath tools/lessons)' > $@.tmp
	$(Q)chmod +x $@.tmp && mv $@.tmp $@
TESTS += $(LESSONS_TEST)
all: $(LESSONS_TEST)
test: $(LESSONS_TEST)

# --- Lesson 07: the rings under ThreadSanitizer ------------------------------
# The tests run lesson 07's rings across two processes, where no sanitizer
# can see both sides; tests/tsan_rings.c runs the same push and pop in two
# threads of one process, built with -fsanitize=thread.

TSAN_07 = $(BUILD)/tsan/tsan_rings
TSAN_07_SRC = tests/tsan_rings.c src/shmring.c src/peer.c src/fileio.c \
              src/checksum.c src/measure.c lessons/07-shared-memory/solution.c

$(TSAN_07): $(TSAN_07_SRC) src/shmring.h src/peer.h lessons/07-shared-memory/exercise.h
	$(call say,LD,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(filter-out -MMD -MP,$(CPPFLAGS)) $(WARN) -fsanitize=thread -g -O1 \
		-o $@ $(TSAN_07_SRC) -lpthread

.PHONY: tsan
tsan: $(TSAN_07) ## lesson 07's rings in two threads, under ThreadSanitizer
	@$<

# --- A class: share this machine's results, pool a class's -----------------
# share   packs RESULTS (bench/results) into results-<id>.tar.gz: tools/share;
#         NAME=... puts a name in (none otherwise), QUICK_OK=1 shares a quick
#         sweep's results, marked as quick.
# class   pools every bundle in DIR into $(BUILD)/class/: tools/class.
# test-class-scale  300 synthetic bundles through tools/class, timed and
#         measured (under 30 s and 500 MiB); CI runs it.
# tests/test_class.py runs in `make test` (it needs gnuplot: deps-class).
# Values given on the command line reach the tools as single-quoted words.

quote = '$(subst ','\'',$(1))'

.PHONY: share class test-class-scale deps-class
share: ## pack this machine's results for a teacher: results-<id>.tar.gz (NAME=, QUICK_OK=1)
	@tools/share --results $(call quote,$(or $(RESULTS),bench/results)) \
		$(if $(NAME),--name $(call quote,$(NAME))) $(if $(filter 1,$(QUICK_OK)),--quick-ok)

class: deps-class ## pool a class's bundles: make class DIR=folder -> build/class/index.html
	@test -n $(call quote,$(DIR)) || { echo "usage: make class DIR=folder-of-bundles" >&2; exit 2; }
	@tools/class $(call quote,$(DIR)) --out $(call quote,$(BUILD)/class)

test-class-scale: deps-class ## 300 bundles through make class: under 30 s and 500 MiB
	@tests/run tests/class/scale

deps-class: deps-first
	@tools/deps --quiet --for class

TESTS += tests/test_class.py
test: deps-class
