# cmutagen: `make test` and `make bench` set everything up from nothing.
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Two legs share every target: the default build, and a sanitizer build
# selected with SANITIZE=1 (AddressSanitizer + UndefinedBehaviorSanitizer),
# which uses its own venv and build folders so the two never mix.

SHELL := /bin/bash
, := ,
PYTHON ?= python3
SANITIZE ?=

ifeq ($(SANITIZE),)
LEG := release
VENV := .venv
MESON_LEG_ARGS := -Dbuildtype=release
PYTEST_ENV :=
else
LEG := asan
VENV := build/venv-asan
MESON_LEG_ARGS := -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
                  -Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all
# Python itself is not built with ASan: preload the runtime, and leave leak
# checking to the C tests (the interpreter keeps memory alive at exit).
# allocator_may_return_null: a damaged size field makes Python's own
# file.read() ask for terabytes, which must be the MemoryError Python gives
# (and the tests compare with mutagen's), not an ASan abort.
PYTEST_ENV := LD_PRELOAD=$$(gcc -print-file-name=libasan.so):$$(gcc -print-file-name=libubsan.so) \
              ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1 \
              UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
endif

PY := $(VENV)/bin/python
# meson-python runs `meson` and `ninja` from PATH: the venv's come first.
export PATH := $(abspath $(VENV))/bin:$(PATH)
BUILD := build/$(LEG)
ORACLE := build/oracle
DATA := build/conformance/mutagen-1.48.1/tests/data
STAMP_VENV := $(VENV)/.deps-installed
STAMP_ORACLE := $(ORACLE)/.installed

.PHONY: test bench bench-check bench-deps bench-venv corpus system-deps venv install c-lib c-test c-install-test c-test-clang py-test upstream-data conformance \
        conformance-update differential fuzz fuzz-smoke clean dev

test: c-test c-install-test c-test-clang py-test conformance differential fuzz-smoke
	@echo "make test ($(LEG)): all suites passed"

system-deps:
	@tools/ensure-system-deps.sh

$(STAMP_VENV): requirements-dev.txt | system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(STAMP_VENV)

# The behaviour oracle: the real mutagen, kept out of the venv so that only
# the differential harness (which puts it on sys.path itself) can import it.
$(STAMP_ORACLE): | $(STAMP_VENV)
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --target $(ORACLE) mutagen==1.48.1
	touch $@

# Build and install the package (with its C extension) into the venv.
install: $(STAMP_VENV)
	$(PY) -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps \
	    -Cbuild-dir=$(BUILD)/python $(foreach a,$(MESON_LEG_ARGS),-Csetup-args=$(a)) .

# Work on the Python files without reinstalling: build and install once, then
# link the extension into the source tree and run with PYTHONPATH=python.
dev: install
	ln -sf $$($(PY) -c 'import cmutagen._native as m; print(m.__file__)') python/cmutagen/

# The C library on its own: static + shared library, pkg-config file, C tests.
c-lib: $(STAMP_VENV)
	@[ -f $(BUILD)/c/build.ninja ] || $(VENV)/bin/meson setup $(BUILD)/c --werror \
	    -Dpython=disabled $(MESON_LEG_ARGS)
	$(VENV)/bin/ninja -C $(BUILD)/c

c-test: c-lib
	ASAN_OPTIONS=detect_leaks=1 $(VENV)/bin/meson test -C $(BUILD)/c --print-errorlogs

# Install the library into a scratch prefix and build the README's example
# against it through pkg-config, static and shared.
c-install-test: c-lib
	rm -rf $(BUILD)/destdir
	$(VENV)/bin/meson install -q -C $(BUILD)/c --destdir $(abspath $(BUILD))/destdir
	tools/check-installed-library.sh $(abspath $(BUILD))/destdir $(BUILD) \
	    $(if $(SANITIZE),-fsanitize=address$(,)undefined)

# The same C sources must also build warning-free with clang.
c-test-clang: $(STAMP_VENV)
	@[ -f $(BUILD)/c-clang/build.ninja ] || CC=clang $(VENV)/bin/meson setup $(BUILD)/c-clang \
	    --werror -Dpython=disabled $(MESON_LEG_ARGS)
	$(VENV)/bin/ninja -C $(BUILD)/c-clang
	ASAN_OPTIONS=detect_leaks=1 $(VENV)/bin/meson test -C $(BUILD)/c-clang --print-errorlogs

# mutagen's own tests and data files, from its pinned sdist (see tests/conformance).
upstream-data: $(STAMP_VENV)
	$(PY) tests/conformance/run.py --fetch-only

py-test: install $(STAMP_ORACLE) upstream-data corpus
	$(PYTEST_ENV) $(PY) -m pytest -q -p no:cacheprovider tests/python

conformance: install
	$(PYTEST_ENV) $(PY) tests/conformance/run.py --quiet

conformance-update: install
	$(PY) tests/conformance/run.py --update

differential: install $(STAMP_ORACLE) conformance
	$(PYTEST_ENV) $(PY) tests/differential/run.py --oracle $(ORACLE) --formats flac,mp3,id3,apev2,mp4,oggvorbis,oggopus,oggspeex,oggtheora,oggflac,aiff,wave,dsf,dsdiff,asf,aac,ac3,smf,wavpack,musepack,monkeysaudio,optimfrog,tak,trueaudio $(DATA) tests/broken

# libFuzzer targets (clang).  fuzz-smoke replays the committed corpora as a
# regression test; `make fuzz FUZZ_SECONDS=600` fuzzes each target for real.
FUZZ_SECONDS ?= 60
fuzz-smoke fuzz: $(STAMP_VENV)
	@[ -f build/fuzz/build.ninja ] || CC=clang $(VENV)/bin/meson setup build/fuzz --werror \
	    -Dpython=disabled -Dtests=false -Dfuzz=true -Dbuildtype=debug \
	    -Db_sanitize=address,undefined -Db_lundef=false
	$(VENV)/bin/ninja -C build/fuzz
	tools/run-fuzzers.sh $@ $(FUZZ_SECONDS)

# The benchmark harness (bench/README.md).  It has its own venv, holding
# cmutagen (release build) beside the peers it is compared with.
BENCH_VENV := build/bench-venv
BENCH_PY := $(BENCH_VENV)/bin/python
STAMP_BENCH_VENV := $(BENCH_VENV)/.deps-installed
CORPUS := build/corpus
CORPUS_COUNT ?= 100

bench-deps:
	@tools/ensure-system-deps.sh bench

$(STAMP_BENCH_VENV): bench/requirements.txt requirements-dev.txt | bench-deps
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_PY) -m pip install -q --disable-pip-version-check -r bench/requirements.txt
	touch $@

bench-venv: $(STAMP_BENCH_VENV)
	PATH=$(abspath $(BENCH_VENV))/bin:$$PATH $(BENCH_PY) -m pip install -q --disable-pip-version-check \
	    --no-build-isolation --no-deps -Cbuild-dir=build/bench/python -Csetup-args=-Dbuildtype=release .

corpus: $(STAMP_ORACLE) | bench-deps
	$(PY) bench/corpus.py --oracle $(ORACLE) --out $(CORPUS) --count $(CORPUS_COUNT)

bench: bench-venv corpus c-lib
	$(BENCH_PY) bench/run.py --corpus $(CORPUS) --cmutagen-build $(BUILD)/c

# CI's quick correctness mode: a small corpus, one round, every gate.
bench-check: bench-venv c-lib
	$(MAKE) corpus CORPUS=build/corpus-check CORPUS_COUNT=3
	$(BENCH_PY) bench/run.py --corpus build/corpus-check --cmutagen-build $(BUILD)/c --check

clean:
	rm -rf build .venv
